/*
 * hxl: reads the HXL tag of a form question's hxl column ("#adm2 +code").
 *
 * A tag is a hashtag ("#" then letters, digits, "_") followed by any
 * number of attributes ("+" then the same), spaces allowed between them,
 * compared case-insensitively (the HXL standard). On input "+pcode" is
 * read as "+code". Nothing is allocated.
 */
#include <ctype.h>
#include <string.h>

#include "form/form.h"

/* Copies the name after *p's '#' or '+' into out, lowercased, and moves
 * *p past it; -1 when the name is empty or longer than out holds. */
static int hxl_name(const char **p, char *out, size_t n) {
  size_t k = 0;
  const char *s = *p + 1;
  while (isalnum((unsigned char)*s) || *s == '_') {
    if (k + 1 >= n) return -1;
    out[k++] = (char)tolower((unsigned char)*s++);
  }
  out[k] = 0;
  *p = s;
  return k ? 0 : -1;
}

/* Parses tag into out; -1 (and an empty out) when tag is not a HXL tag. */
int mtm_hxl_parse(const char *tag, mtm_hxl_tag *out) {
  memset(out, 0, sizeof *out);
  if (!tag) return -1;
  const char *p = tag;
  while (isspace((unsigned char)*p)) p++;
  if (*p != '#' || hxl_name(&p, out->hashtag, sizeof out->hashtag)) goto bad;
  for (;;) {
    while (isspace((unsigned char)*p)) p++;
    if (!*p) return 0;
    if (*p != '+' || out->nattrs == MTM_HXL_MAX_ATTRS) goto bad;
    char *a = out->attrs[out->nattrs];
    if (hxl_name(&p, a, sizeof out->attrs[0])) goto bad;
    if (!strcmp(a, "pcode")) strcpy(a, "code");
    out->nattrs++;
  }
bad:
  memset(out, 0, sizeof *out);
  return -1;
}

/* 1 when tag parses, its hashtag is hashtag (any when NULL, without '#')
 * and it has the attribute attr (any when NULL, without '+'). */
int mtm_hxl_has(const char *tag, const char *hashtag, const char *attr) {
  mtm_hxl_tag t;
  if (mtm_hxl_parse(tag, &t)) return 0;
  if (hashtag && strcmp(t.hashtag, hashtag)) return 0;
  if (!attr) return 1;
  for (int i = 0; i < t.nattrs; i++)
    if (!strcmp(t.attrs[i], attr)) return 1;
  return 0;
}

/* N when tag's hashtag is #admN (N one or more digits, N >= 1), else 0. */
int mtm_hxl_admin(const char *tag) {
  mtm_hxl_tag t;
  if (mtm_hxl_parse(tag, &t) || strncmp(t.hashtag, "adm", 3)) return 0;
  const char *d = t.hashtag + 3;
  if (!*d) return 0;
  int n = 0;
  for (; *d; d++) {
    if (!isdigit((unsigned char)*d) || n > 1000) return 0;
    n = n * 10 + (*d - '0');
  }
  return n;
}

/* N when tag is #admN with +code (or +pcode): a question of P-codes of
 * level N; else 0. */
int mtm_hxl_admin_level(const char *tag) {
  int n = mtm_hxl_admin(tag);
  return n && mtm_hxl_has(tag, NULL, "code") ? n : 0;
}
