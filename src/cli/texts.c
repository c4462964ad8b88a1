/* Texts the user types in the operation's other languages: the options
 * --BASE-LANG TEXT beside --BASE TEXT (--operation-ru, --name-ru,
 * --label-ru, --label-kk ...), stored per language for the report. */
#include "cli/cli.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Is s a language code of 2 or 3 letters, ending at s + n? */
static int lang_code(const char *s, size_t n) {
  if (n < 2 || n > 3) return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalpha((unsigned char)s[i])) return 0;
  return 1;
}

int mtm_cli_take_texts(const char *cmd, const char *base, int *argc, char **argv,
                       mtm_cli_texts *t) {
  /* Takes the options out of argv, so that the command's parser never
   * sees them; argv[0] (the command) stays. */
  memset(t, 0, sizeof *t);
  size_t nb = strlen(base);
  int out = 1;
  for (int i = 1; i < *argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) {
      while (i < *argc) argv[out++] = argv[i++];
      break;
    }
    const char *l = a + 2 + nb + 1;
    size_t ln = 0;
    if (strncmp(a, "--", 2) || strncmp(a + 2, base, nb) || a[2 + nb] != '-') {
      argv[out++] = argv[i];
      continue;
    }
    while (l[ln] && l[ln] != '=') ln++;
    if (!lang_code(l, ln)) {
      argv[out++] = argv[i];
      continue;
    }
    const char *v;
    if (l[ln] == '=') v = l + ln + 1;
    else if (i + 1 < *argc) v = argv[++i];
    else {
      mtm_cli_texts_free(t);
      return mtm_cli_usage(cmd, "--%s-%.*s needs a text", base, (int)ln, l);
    }
    if (t->n == MTM_CLI_MAX_TEXTS) {
      mtm_cli_texts_free(t);
      return mtm_cli_usage(cmd, "too many --%s-LANG options", base);
    }
    char *code = mtm_xmalloc(ln + 1);
    for (size_t k = 0; k < ln; k++) code[k] = (char)tolower((unsigned char)l[k]);
    code[ln] = 0;
    for (int k = 0; k < t->n; k++)
      if (!strcmp(t->lang[k], code)) {
        free(code);
        mtm_cli_texts_free(t);
        return mtm_cli_usage(cmd, "--%s-%.*s is given twice", base, (int)ln, l);
      }
    t->lang[t->n] = code;
    t->text[t->n++] = v;
  }
  argv[out] = NULL;
  *argc = out;
  return 0;
}

void mtm_cli_texts_free(mtm_cli_texts *t) {
  for (int i = 0; i < t->n; i++) free(t->lang[i]);
  t->n = 0;
}

int mtm_cli_texts_check(const char *langs, const char *option, const mtm_cli_texts *t,
                        mtm_err *err) {
  /* Every language must be one of the operation's. */
  if (!langs || !*langs) langs = "en";
  for (int i = 0; i < t->n; i++) {
    size_t n = strlen(t->lang[i]);
    int found = 0;
    for (const char *p = langs; *p;) {
      const char *e = strchr(p, ',');
      size_t k = e ? (size_t)(e - p) : strlen(p);
      if (k == n && !strncasecmp(p, t->lang[i], n)) found = 1;
      p += k + (e ? 1 : 0);
    }
    if (!found)
      return mtm_err_set(err, MTM_EINVAL,
                         "--%s-%s: '%s' is not a language of the operation (%s); add it with "
                         "'mtm init --languages %s,%s'",
                         option, t->lang[i], t->lang[i], langs, langs, t->lang[i]);
  }
  return 0;
}

int mtm_cli_texts_check_ws(mtm_store *st, const char *option, const mtm_cli_texts *t,
                           mtm_err *err) {
  /* The operation's languages from the workspace ("en" before init). */
  if (!t->n) return 0;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_operation op;
  int rc = mtm_store_operation_get(st, &a, &op, err);
  if (rc == MTM_ENOTFOUND) mtm_err_clear(err), rc = 0, op.languages = NULL;
  if (!rc) rc = mtm_cli_texts_check(op.languages, option, t, err);
  mtm_arena_free(&a);
  return rc;
}

int mtm_cli_texts_save(mtm_store *st, const char *subject, const char *key,
                       const mtm_cli_texts *t, mtm_err *err) {
  /* One row per language; the caller checked the languages. */
  int rc = 0;
  for (int i = 0; i < t->n && !rc; i++)
    rc = mtm_store_text_set(st, subject, key, t->lang[i], t->text[i], err);
  return rc;
}
