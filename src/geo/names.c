/* Full official names of areas: the name with the word of its type, as a
 * publication prints it ("Мангистауская область", "город Шымкент",
 * "Бурабайский район"; "Mangystau Region", "Shymkent city"; "Маңғыстау
 * облысы", "Шымкент қаласы"). */
#include "geo/geo.h"

#include <string.h>
#include <strings.h>

/* Does s end with suffix? */
static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && !strcmp(s + n - k, suffix);
}

/* Is word in name as a whole word (case-insensitive for ASCII, exact for
 * Cyrillic, which the gazetteer writes in lower case inside names)? */
static int has_word(const char *name, const char *word) {
  size_t k = strlen(word);
  for (const char *p = name; *p; p++) {
    if ((p == name || p[-1] == ' ' || p[-1] == '(') && strncasecmp(p, word, k) == 0 &&
        (p[k] == 0 || p[k] == ' ' || p[k] == ')' || p[k] == ','))
      return 1;
  }
  return 0;
}

/* The type words of each language: a name that already has one is full. */
static const char *const type_words[] = {"область",  "город",   "г.",       "район", "region",
                                         "oblast",   "city",    "district", "rayon", "облысы",
                                         "қаласы",   "ауданы",  "қ.",       NULL};

/* Is a Russian name an adjective (the form of a region's or district's
 * name before "область" or "район")? */
static int ru_adjective(const char *name, int feminine) {
  static const char *const fem[] = {"ая", "яя", NULL};
  static const char *const masc[] = {"ий", "ый", "ой", NULL};
  for (const char *const *e = feminine ? fem : masc; *e; e++)
    if (ends_with(name, *e)) return 1;
  return 0;
}

/* The name without a trailing qualifier in brackets ("Astana (city)",
 * "Астана (қала)"); *city set when the qualifier says it is a city. */
static const char *bare(mtm_arena *a, const char *name, int *city) {
  static const char *const quals[] = {" (city)", " (қала)", " (город)", " (г.)", NULL};
  *city = 0;
  for (int i = 0; quals[i]; i++)
    if (ends_with(name, quals[i])) {
      *city = 1;
      return mtm_arena_strndup(a, name, strlen(name) - strlen(quals[i]));
    }
  return name;
}

const char *mtm_geo_full_name(mtm_arena *a, const char *name, const char *type, int level,
                              const char *lang) {
  /* Type word before or after the name, by language and grammar. */
  if (!name) return NULL;
  int city;
  const char *n = bare(a, name, &city);
  if (!type && city) type = level == 1 ? "national_city" : "city";
  if (!type || !lang) return n;
  for (int i = 0; type_words[i]; i++)
    if (has_word(n, type_words[i])) return n;
  int is_region = !strcmp(type, "region");
  int is_city = !strcmp(type, "city") || !strcmp(type, "national_city");
  int is_district = !strcmp(type, "district");
  if (!is_region && !is_city && !is_district) return n;
  if (!strcmp(lang, "ru")) {
    if (is_city) return mtm_arena_printf(a, "город %s", n);
    if (is_region)
      return ru_adjective(n, 1) ? mtm_arena_printf(a, "%s область", n)
                                : mtm_arena_printf(a, "область %s", n);
    return ru_adjective(n, 0) ? mtm_arena_printf(a, "%s район", n)
                              : mtm_arena_printf(a, "район %s", n);
  }
  if (!strcmp(lang, "kk"))
    return mtm_arena_printf(a, "%s %s", n, is_city ? "қаласы" : is_region ? "облысы" : "ауданы");
  if (!strcmp(lang, "en"))
    return mtm_arena_printf(a, "%s %s", n, is_city ? "city" : is_region ? "Region" : "District");
  return n;
}

const char *mtm_geo_area_full_name(mtm_arena *a, const mtm_area *x, const char *lang) {
  /* The canonical name of the language found, and that language's words. */
  const char *first = NULL, *first_lang = NULL, *en = NULL;
  for (int i = 0; i < x->nnames; i++) {
    const mtm_area_name *nm = &x->names[i];
    if (nm->is_alias) continue;
    if (lang && !strcmp(nm->lang, lang)) return mtm_geo_full_name(a, nm->name, x->type, x->level, lang);
    if (!en && !strcmp(nm->lang, "en")) en = nm->name;
    if (!first) first = nm->name, first_lang = nm->lang;
  }
  if (en) return mtm_geo_full_name(a, en, x->type, x->level, "en");
  if (first) return mtm_geo_full_name(a, first, x->type, x->level, first_lang);
  return x->pcode;
}
