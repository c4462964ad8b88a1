/* prose: findings in words from an author's template (a form's
 * report::LANG phrase), and the wording used when the form gives none
 * ("Sex: men 84%, women 16%"). */
#include <math.h>
#include <string.h>
#include <utf8proc.h>

#include "prose/prose.h"

/* 1 when s starts with the placeholder {name} (name without braces). */
static int at(const char *s, const char *name) {
  size_t n = strlen(name);
  return s[0] == '{' && !strncmp(s + 1, name, n) && s[n + 1] == '}';
}

/* Appends the shown parts of a breakdown, "women 61%, men 54%"; returns
 * how many (a NaN part is left out). */
static int add_parts(mtm_buf *b, int lang, int n, const char *const *names, const double *shares) {
  int k = 0;
  for (int i = 0; i < n; i++) {
    if (!shares || !isfinite(shares[i])) continue;
    if (k++) mtm_buf_adds(b, ", ");
    mtm_buf_adds(b, names && names[i] ? names[i] : "");
    mtm_buf_addc(b, ' ');
    mtm_prose_percent(b, lang, shares[i], 0);
  }
  return k;
}

/* The length of s without trailing blanks and one final full stop. */
static size_t body_len(const char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n')) n--;
  if (n && s[n - 1] == '.') n--;
  while (n && s[n - 1] == ' ') n--;
  return n;
}

/* Appends the finding: placeholders first, then the selectors resolved
 * over the whole text (an answer's phrase may hold selectors too). */
void mtm_prose_finding(mtm_buf *b, int lang, const char *tmpl, const mtm_prose_slots *s) {
  if (!tmpl) return;
  while (*tmpl == ' ') tmpl++;
  size_t n = body_len(tmpl);
  mtm_buf t;
  mtm_buf_init(&t);
  int groups_done = 0;
  for (size_t i = 0; i < n;) {
    const char *p = tmpl + i;
    if (at(p, "share")) {
      if (i == 0 && isfinite(s->share)) mtm_prose_percent_words(&t, lang, s->share, 1);
      else mtm_prose_percent(&t, lang, s->share, 0);
      i += 7;
    } else if (at(p, "answer")) {
      mtm_buf_adds(&t, s->answer ? s->answer : "");
      i += 8;
    } else if (at(p, "mean")) {
      mtm_buf_adds(&t, s->mean ? s->mean : "");
      i += 6;
    } else if (at(p, "median")) {
      mtm_buf_adds(&t, s->median ? s->median : "");
      i += 8;
    } else if (at(p, "groups")) {
      add_parts(&t, lang, s->nparts, s->part_names, s->part_shares);
      groups_done = 1;
      i += 8;
    } else {
      mtm_buf_addc(&t, *p);
      i++;
    }
  }
  if (!groups_done && s->nparts > 0) {
    mtm_buf g;
    mtm_buf_init(&g);
    if (add_parts(&g, lang, s->nparts, s->part_names, s->part_shares))
      mtm_buf_printf(&t, " (%s)", g.p);
    mtm_buf_free(&g);
  }
  long agree = isfinite(s->share) ? mtm_prose_whole_percent(s->share) : s->agree;
  mtm_prose_agree(b, lang, agree, t.p ? t.p : "");
  mtm_buf_free(&t);
}

/* Appends the words after a leading {share}, for a tile's caption. */
int mtm_prose_finding_caption(mtm_buf *b, int lang, const char *tmpl, double share) {
  if (!tmpl) return 0;
  while (*tmpl == ' ') tmpl++;
  if (!at(tmpl, "share")) return 0;
  const char *rest = tmpl + 7;
  while (*rest == ' ') rest++;
  if (strstr(rest, "{answer}") || strstr(rest, "{groups}") || strstr(rest, "{mean}") ||
      strstr(rest, "{median}") || strstr(rest, "{share}") || !*rest)
    return 0;
  mtm_buf t;
  mtm_buf_init(&t);
  mtm_buf_add(&t, rest, body_len(rest));
  mtm_prose_agree(b, lang, isfinite(share) ? mtm_prose_whole_percent(share) : 5, t.p ? t.p : "");
  mtm_buf_free(&t);
  return 1;
}

/* Appends s with its first letter upper-cased (any script). */
static void add_capital(mtm_buf *b, const char *s) {
  utf8proc_int32_t cp;
  utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
  if (n <= 0) {
    mtm_buf_adds(b, s);
    return;
  }
  utf8proc_uint8_t up[4];
  utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_toupper(cp), up);
  mtm_buf_add(b, (const char *)up, (size_t)k);
  mtm_buf_adds(b, s + n);
}

/* Appends "Lead: a 55% (women 61%, men 54%), b 45%". */
int mtm_prose_answers(mtm_buf *b, int lang, const char *lead, int n, const char *const *answers,
                      const double *shares, int nparts, const char *const *part_names,
                      const double *part_shares) {
  int shown = 0;
  for (int i = 0; i < n; i++)
    if (shares && isfinite(shares[i])) shown++;
  if (!shown) return 0;
  lead = lead ? lead : "";
  while (*lead == ' ') lead++;
  size_t ln = strlen(lead);
  while (ln && lead[ln - 1] == ' ') ln--;
  int question = ln && lead[ln - 1] == '?';
  if (ln && (lead[ln - 1] == ':' || lead[ln - 1] == '.')) ln--;
  mtm_buf_add(b, lead, ln);
  if (ln) mtm_buf_adds(b, question ? " " : ": ");
  /* an answer that ends with a number ("25 to 50%") is parted from its
   * share by a dash, in every item alike: "25 to 50% — 54%" */
  const char *sep = " ";
  for (int i = 0; i < n; i++) {
    const char *a = answers && answers[i] ? answers[i] : "";
    size_t al = strlen(a);
    if (isfinite(shares[i]) && al && (a[al - 1] == '%' || (a[al - 1] >= '0' && a[al - 1] <= '9')))
      sep = " \xE2\x80\x94 ";
  }
  int k = 0;
  for (int i = 0; i < n; i++) {
    if (!isfinite(shares[i])) continue;
    if (k) mtm_buf_adds(b, ", ");
    const char *a = answers && answers[i] ? answers[i] : "";
    if (!k && question) add_capital(b, a);
    else mtm_buf_adds(b, a);
    mtm_buf_adds(b, sep);
    mtm_prose_percent(b, lang, shares[i], 0);
    if (!k && nparts > 0) {
      mtm_buf g;
      mtm_buf_init(&g);
      if (add_parts(&g, lang, nparts, part_names, part_shares)) mtm_buf_printf(b, " (%s)", g.p);
      mtm_buf_free(&g);
    }
    k++;
  }
  return k;
}
