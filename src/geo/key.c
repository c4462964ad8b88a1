/* Name keys: the exact key, the bare key (qualifying words dropped) and the
 * transliteration skeleton. */
#include "geo/geo.h"

#include <string.h>
#include <utf8proc.h>

/* The exact key is core's text key. */
char *mtm_geo_key(mtm_arena *a, const char *text) { return mtm_text_key(a, text); }

/* Qualifying words, as exact keys, with the hint each gives. */
static const struct {
  const char *key;
  int hint;
} qualifiers[] = {
    {"oblast", MTM_GEO_HINT_REGION},    {"oblasti", MTM_GEO_HINT_REGION},
    {"oblys", MTM_GEO_HINT_REGION},     {"oblysy", MTM_GEO_HINT_REGION},
    {"obl", MTM_GEO_HINT_REGION},       {"region", MTM_GEO_HINT_REGION},
    {"province", MTM_GEO_HINT_REGION},  {"область", MTM_GEO_HINT_REGION},
    {"обл", MTM_GEO_HINT_REGION},       {"облысы", MTM_GEO_HINT_REGION},
    {"облыс", MTM_GEO_HINT_REGION},     {"district", MTM_GEO_HINT_DISTRICT},
    {"rayon", MTM_GEO_HINT_DISTRICT},   {"raion", MTM_GEO_HINT_DISTRICT},
    {"audany", MTM_GEO_HINT_DISTRICT},  {"район", MTM_GEO_HINT_DISTRICT},
    {"ауданы", MTM_GEO_HINT_DISTRICT},  {"аудан", MTM_GEO_HINT_DISTRICT},
    {"city", MTM_GEO_HINT_CITY},        {"g", MTM_GEO_HINT_CITY},
    {"gorod", MTM_GEO_HINT_CITY},       {"qala", MTM_GEO_HINT_CITY},
    {"qalasy", MTM_GEO_HINT_CITY},      {"kala", MTM_GEO_HINT_CITY},
    {"kalasy", MTM_GEO_HINT_CITY},      {"г", MTM_GEO_HINT_CITY},
    {"гор", MTM_GEO_HINT_CITY},         {"город", MTM_GEO_HINT_CITY},
    {"қала", MTM_GEO_HINT_CITY},        {"қаласы", MTM_GEO_HINT_CITY},
};

/* Returns the hint of a qualifying word, 0 for an ordinary word. */
static int qualifier(const char *key) {
  for (size_t i = 0; i < sizeof qualifiers / sizeof qualifiers[0]; i++)
    if (strcmp(qualifiers[i].key, key) == 0) return qualifiers[i].hint;
  return 0;
}

/* Splits text into words (runs of letters, digits and marks), keys each
 * word, drops the qualifying ones and joins the rest. */
char *mtm_geo_bare_key(mtm_arena *a, const char *text, int *hints) {
  if (hints) *hints = 0;
  if (!text) return mtm_arena_strdup(a, "");
  mtm_buf out, word;
  mtm_buf_init(&out);
  mtm_buf_init(&word);
  mtm_buf_adds(&out, "");
  int h = 0;
  const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)text;
  size_t n = strlen(text), i = 0;
  for (;;) {
    utf8proc_int32_t cp = -1;
    utf8proc_ssize_t len = 0;
    int in_word = 0;
    if (i < n) {
      len = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
      if (len <= 0) len = 1, cp = -1; /* a stray byte separates words */
      if (cp >= 0) {
        utf8proc_category_t c = utf8proc_category(cp);
        in_word = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO);
      }
    }
    if (in_word) {
      mtm_buf_add(&word, u + i, (size_t)len);
    } else if (word.n) {
      char *k = mtm_text_key(a, word.p);
      int q = qualifier(k);
      if (q) h |= q;
      else mtm_buf_adds(&out, k);
      mtm_buf_reset(&word);
    }
    if (i >= n) break;
    i += (size_t)len;
  }
  char *r = out.n ? mtm_arena_strdup(a, out.p) : mtm_text_key(a, text);
  mtm_buf_free(&out);
  mtm_buf_free(&word);
  if (hints) *hints = h;
  return r;
}

/* Latin letters for the Cyrillic letters of Russian and Kazakh (lower
 * case, as the key has them); NULL for any other code point. */
static const char *latin(utf8proc_int32_t cp) {
  static const char *const ru[] = {
      "a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
      "r", "s", "t", "u", "f", "h", "ts", "ch", "sh", "sh", "", "y", "", "e", "yu", "ya"};
  if (cp >= 0x430 && cp <= 0x44F) return ru[cp - 0x430];
  switch (cp) {
  case 0x451: return "e";  /* ё */
  case 0x454: return "e";  /* є */
  case 0x456: return "i";  /* і */
  case 0x457: return "i";  /* ї */
  case 0x45E: return "u";  /* ў */
  case 0x4D9: return "a";  /* ә */
  case 0x493: return "g";  /* ғ */
  case 0x49B: return "k";  /* қ */
  case 0x4A3: return "n";  /* ң */
  case 0x4E9: return "o";  /* ө */
  case 0x4B1: return "u";  /* ұ */
  case 0x4AF: return "u";  /* ү */
  case 0x4BB: return "h";  /* һ */
  case 0x131: return "i";  /* dotless ı */
  default: return NULL;
  }
}

/* Rewrites b: every occurrence of from (scanning left to right, not
 * overlapping) becomes to. */
static void rewrite(mtm_buf *b, const char *from, const char *to) {
  size_t fl = strlen(from);
  if (!strstr(b->p, from)) return;
  mtm_buf r;
  mtm_buf_init(&r);
  mtm_buf_adds(&r, "");
  for (size_t i = 0; i < b->n;) {
    if (strncmp(b->p + i, from, fl) == 0) {
      mtm_buf_adds(&r, to);
      i += fl;
    } else mtm_buf_addc(&r, b->p[i++]);
  }
  mtm_buf_free(b);
  *b = r;
}

/* Makes runs of the same ASCII letter single. */
static void undouble(char *s) {
  size_t k = 0;
  for (size_t i = 0; s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    if (k && c < 0x80 && s[k - 1] == (char)c) continue;
    s[k++] = s[i];
  }
  s[k] = 0;
}

/* Transliterates the bare key to Latin and applies the spelling rules. */
char *mtm_geo_skeleton(mtm_arena *a, const char *text) {
  char *bare = mtm_geo_bare_key(a, text, NULL);
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_adds(&b, "");
  const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)bare;
  size_t n = strlen(bare), i = 0;
  while (i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
    if (len <= 0) break; /* the key is valid UTF-8 */
    const char *l = latin(cp);
    if (l) mtm_buf_adds(&b, l);
    else mtm_buf_add(&b, u + i, (size_t)len);
    i += (size_t)len;
  }
  /* Spelling rules, in this order: "dzh" before "j", "gh"/"kh" before the
   * doubled letters, "ng" after them ("Mangghystau" = "Маңғыстау"). The
   * sequences use the last letters of the Latin string, so ASCII rules
   * never cut a UTF-8 sequence. */
  rewrite(&b, "dzh", "zh");
  rewrite(&b, "j", "zh");
  rewrite(&b, "q", "k");
  rewrite(&b, "gh", "g");
  rewrite(&b, "kh", "h");
  rewrite(&b, "y", "i");
  rewrite(&b, "w", "v");
  undouble(b.p);
  b.n = strlen(b.p);
  rewrite(&b, "ng", "n");
  undouble(b.p);
  char *r = mtm_arena_strdup(a, b.p);
  mtm_buf_free(&b);
  return r;
}
