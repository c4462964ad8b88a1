/* Slices, UTF-8 checks, name keys and strict number parsing. */
#include "core/core.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int mtm_slice_eq(mtm_slice a, const char *s) {
  size_t n = strlen(s);
  return a.n == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

int mtm_slice_eq_nocase(mtm_slice a, const char *s) {
  size_t n = strlen(s);
  if (a.n != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)a.p[i]) != tolower((unsigned char)s[i])) return 0;
  return 1;
}

mtm_slice mtm_slice_trim(mtm_slice s) {
  while (s.n && isspace((unsigned char)s.p[0])) s.p++, s.n--;
  while (s.n && isspace((unsigned char)s.p[s.n - 1])) s.n--;
  return s;
}

int mtm_utf8_valid(const char *s, size_t n, size_t *bad_at) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    if (u[i] < 0x80) {
      i++;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0) {
      if (bad_at) *bad_at = i;
      return 0;
    }
    i += (size_t)k;
  }
  return 1;
}

char *mtm_text_key(mtm_arena *a, const char *s) {
  if (!s) return mtm_arena_strdup(a, "");
  utf8proc_uint8_t *folded = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &folded,
                                    UTF8PROC_NULLTERM | UTF8PROC_STABLE |
                                        UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                        UTF8PROC_STRIPMARK | UTF8PROC_DECOMPOSE);
  if (n < 0) {
    /* Not UTF-8: fall back to ASCII lower-casing of what is there. */
    char *r = mtm_arena_strdup(a, s);
    size_t k = 0;
    for (char *p = r; *p; p++)
      if (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80)
        r[k++] = (char)tolower((unsigned char)*p);
    r[k] = 0;
    return r;
  }
  char *r = mtm_arena_alloc(a, (size_t)n + 1);
  size_t k = 0;
  utf8proc_ssize_t i = 0;
  while (i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(folded + i, n - i, &cp);
    if (len <= 0) break;
    utf8proc_category_t c = utf8proc_category(cp);
    int keep = c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL ||
               c == UTF8PROC_CATEGORY_LT || c == UTF8PROC_CATEGORY_LO ||
               c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_ND ||
               c == UTF8PROC_CATEGORY_NL || c == UTF8PROC_CATEGORY_NO;
    if (keep) {
      memcpy(r + k, folded + i, (size_t)len);
      k += (size_t)len;
    }
    i += len;
  }
  r[k] = 0;
  free(folded);
  return r;
}

char *mtm_ascii_lower(char *s) {
  for (char *p = s; p && *p; p++) *p = (char)tolower((unsigned char)*p);
  return s;
}

int mtm_strcasecmp(const char *a, const char *b) {
  for (;; a++, b++) {
    int d = tolower((unsigned char)*a) - tolower((unsigned char)*b);
    if (d || !*a) return d;
  }
}

int mtm_parse_int(mtm_slice s, long long *out) {
  s = mtm_slice_trim(s);
  if (!s.n || s.n > 30) return MTM_EINVAL;
  char tmp[32];
  memcpy(tmp, s.p, s.n);
  tmp[s.n] = 0;
  char *end;
  errno = 0;
  long long v = strtoll(tmp, &end, 10);
  if (*end == '.') { /* 12.0 is an integer; 12.5 is not */
    char *q = end + 1;
    while (*q == '0') q++;
    if (*q == 0 && end != tmp) end = q;
  }
  if (errno || *end || end == tmp) return MTM_EINVAL;
  *out = v;
  return 0;
}

int mtm_parse_double(mtm_slice s, double *out) {
  s = mtm_slice_trim(s);
  if (!s.n || s.n > 60) return MTM_EINVAL;
  char tmp[64];
  memcpy(tmp, s.p, s.n);
  tmp[s.n] = 0;
  /* Hex floats, inf and nan are not numbers a questionnaire produces. */
  for (char *p = tmp; *p; p++)
    if (!(isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+' ||
          *p == 'e' || *p == 'E'))
      return MTM_EINVAL;
  char *end;
  errno = 0;
  double v = strtod(tmp, &end);
  if (errno == ERANGE || *end || end == tmp || !isfinite(v)) return MTM_EINVAL;
  *out = v;
  return 0;
}

int mtm_text_width(const char *s) {
  int w = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p & 0xc0) != 0x80) w++;
  return w;
}

/* Hashes n bytes: FNV-1a over 8-byte words, then a final avalanche. */
uint64_t mtm_hash(const void *p, size_t n, uint64_t seed) {
  const unsigned char *s = p;
  uint64_t h = 1469598103934665603ULL ^ seed;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  for (; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

/* Hashes a NUL-terminated string with seed 0. */
uint64_t mtm_hash_str(const char *s) { return mtm_hash(s, strlen(s), 0); }

/*
** A text cell is risky when a spreadsheet opening the CSV or XLSX could run
** it: it starts with = + - @ TAB or CR (OWASP's list). A plain number that
** starts with a sign ("-3.2", "+5", "-1e3", no spaces) is not: numbers stay
** numbers. An apostrophe before risky text is risky too, so that
** mtm_cell_unsafe gives back exactly what mtm_cell_safe was given.
*/
int mtm_cell_risky(const char *s) {
  if (!s) return 0;
  while (s[0] == '\'') s++;
  if (!s[0] || !strchr("=+-@\t\r", s[0])) return 0;
  if (s[0] == '-' || s[0] == '+') {
    size_t n = strlen(s);
    double d;
    if (!isspace((unsigned char)s[n - 1]) && mtm_parse_double(mtm_slice_c(s), &d) == 0) return 0;
  }
  return 1;
}

/*
** The cell as a spreadsheet should get it: s itself, or a copy in a with a
** leading apostrophe when mtm_cell_risky(s).
*/
const char *mtm_cell_safe(const char *s, mtm_arena *a) {
  if (!mtm_cell_risky(s)) return s;
  return mtm_arena_printf(a, "'%s", s);
}

/*
** The text a guarded cell stood for, when mtm reads back a file it wrote:
** a leading apostrophe is dropped when what follows is risky (the one that
** mtm_cell_safe added); any other text, "'tis" or "'5" among them, is kept.
*/
const char *mtm_cell_unsafe(const char *s) {
  if (s && s[0] == '\'' && mtm_cell_risky(s + 1)) return s + 1;
  return s;
}
