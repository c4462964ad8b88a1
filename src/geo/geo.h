/*
 * geo: the gazetteer of administrative areas.
 *
 *   import   area tables (CSV/XLSX through table, GeoJSON through jansson)
 *            into the workspace, one transaction per file, all or nothing;
 *   keys     the folded forms under which names are matched;
 *   resolve  a value found in data (P-code, name or alias in any language,
 *            transliterated or not) to exactly one area, or "unknown", or
 *            "ambiguous" with the candidates. Never a guess.
 *
 * Ownership rule: strings returned through an arena belong to that arena;
 * a mtm_geo index owns everything it holds until mtm_geo_close(); a
 * mtm_geo_match holds copies, so it stays valid after the index is closed.
 *
 * Validity: valid_from is the first day an area exists, valid_to the first
 * day it no longer does (exclusive); either may be absent (unbounded).
 */
#ifndef MTM_GEO_H
#define MTM_GEO_H

#include "core/core.h"
#include "store/store.h"

/* ---- keys ---------------------------------------------------------------- */

/* Words that qualify a name rather than being part of it ("oblast",
 * "облысы", "city", "г.", "district", ...) set these hints. */
enum {
  MTM_GEO_HINT_REGION = 1,   /* oblast, region, область, облысы, obl.       */
  MTM_GEO_HINT_DISTRICT = 2, /* district, rayon, район, ауданы                 */
  MTM_GEO_HINT_CITY = 4      /* city, г., город, қала, қаласы                   */
};

/* The exact key: mtm_text_key (case, diacritics, spaces, punctuation). */
char *mtm_geo_key(mtm_arena *a, const char *text);
/* The bare key: the exact key of the words left once qualifying words are
 * dropped ("Almaty oblysy" -> "almaty"; "г. Алматы" -> "алматы"). When
 * every word qualifies, the exact key. *hints (may be NULL) receives the
 * MTM_GEO_HINT_* bits of the dropped words. */
char *mtm_geo_bare_key(mtm_arena *a, const char *text, int *hints);
/* The transliteration skeleton of the bare key: Cyrillic (Russian and
 * Kazakh letters) to Latin, then q->k, gh->g, kh->h, dzh/j->zh, ng->n,
 * y->i, w->v, and doubled letters made single. "Қарағанды",
 * "Qaraghandy" and "Karagandy" share the skeleton "karagandi". */
char *mtm_geo_skeleton(mtm_arena *a, const char *text);

/* ---- import ------------------------------------------------------------- */

/* What kind of file an import recognised. */
typedef enum {
  MTM_GEO_FILE_AREAS,     /* CSV with pcode, level, parent, name_XX ...      */
  MTM_GEO_FILE_ATTRS,     /* CSV attribute table (ADMn_* or mapped columns)  */
  MTM_GEO_FILE_GEOJSON,   /* GeoJSON FeatureCollection                        */
  MTM_GEO_FILE_CROSSWALK  /* CSV with pcode, successor[, note]                */
} mtm_geo_file_kind;

#define MTM_GEO_MAX_FIELDS 32

typedef struct mtm_geo_import_opts {
  const char *pcode_field;  /* --pcode: explicit column/property mapping     */
  const char *parent_field; /* --parent                                        */
  int level;                /* --level; -1 when not given                      */
  int nnames;               /* --name FIELD[:LANG] (and --alias FIELD[:LANG])  */
  const char *name_field[MTM_GEO_MAX_FIELDS];
  const char *name_lang[MTM_GEO_MAX_FIELDS]; /* NULL: lang below             */
  int name_is_alias[MTM_GEO_MAX_FIELDS];
  const char *lang;         /* --lang: default language of --name, "en"       */
  const char *valid_from;   /* --valid-from/--valid-to: stamp the whole layer  */
  const char *valid_to;
  const char *source;       /* --source: where the file's boundaries come
                               from (an attribution), stored with each one
                               for the source line under maps; NULL: the
                               file's name                                 */
} mtm_geo_import_opts;

void mtm_geo_import_opts_init(mtm_geo_import_opts *o);

typedef struct mtm_geo_import_stats {
  mtm_geo_file_kind kind;
  long areas;      /* areas written (new + updated)                          */
  long added;      /* of which new                                           */
  long names;      /* names and aliases written                              */
  long shapes;     /* boundaries stored                                      */
  long successors; /* successor links written                                */
} mtm_geo_import_stats;

/*
 * Imports one file in one transaction. On any error nothing is stored and
 * err names the file, the row (CSV line, or GeoJSON feature number), the
 * column (or property) and the offending value: a missing or duplicate
 * P-code, a level that is not a whole number, a parent or successor that
 * is neither in the workspace nor in the file, a bad date.
 */
int mtm_geo_import(mtm_store *st, const char *path, const mtm_geo_import_opts *o,
                   mtm_geo_import_stats *stats, mtm_err *err) MTM_MUST_USE;

/* ---- listing ------------------------------------------------------------ */

/* Areas (one level if level >= 0; valid on at_date if not NULL), from the
 * store, ordered by level and P-code. */
int mtm_geo_list(mtm_store *st, int level, const char *at_date, mtm_arena *a, mtm_area **out,
                 int *n, mtm_err *err) MTM_MUST_USE;
/* The canonical name in lang, else English, else the first canonical
 * name, else the P-code. */
const char *mtm_geo_area_name(const mtm_area *x, const char *lang);

/* The full official name of an area, as a publication prints it: name
 * with the word of its type (mtm_area.type: "region", "national_city",
 * "district", "city"; NULL: none) in lang: "Мангистауская область",
 * "область Абай", "город Шымкент", "Бурабайский район", "район Биржан
 * сал"; "Mangystau Region", "Shymkent city", "Burabay District";
 * "Маңғыстау облысы", "Шымкент қаласы", "Бурабай ауданы". A trailing
 * "(city)" or "(қала)" is dropped (and says the area is a city when the
 * type is unknown); a name that already holds a type word, an unknown
 * type or another language gives the name as it is. Arena memory (or name
 * itself). */
const char *mtm_geo_full_name(mtm_arena *a, const char *name, const char *type, int level,
                              const char *lang);
/* The full official name of an area in lang: its canonical name in lang,
 * else in English, else its first, each built in the language of the name
 * found; the P-code when it has no name. */
const char *mtm_geo_area_full_name(mtm_arena *a, const mtm_area *x, const char *lang);

/* The name of a country from its ISO 3166-1 alpha-3 code, in "en", "ru" or
 * "kk" (English when the language has none); NULL for an unknown code. A
 * static string: the table is compiled in (src/geo/countries.c). */
const char *mtm_geo_country_name(const char *iso3, const char *lang);

/* ---- resolution --------------------------------------------------------- */

typedef struct mtm_geo mtm_geo;

enum { MTM_GEO_FOUND = 0, MTM_GEO_UNKNOWN = 1, MTM_GEO_AMBIGUOUS = 2 };

/* How a value matched, from the strongest to the weakest. */
enum {
  MTM_GEO_BY_NOTHING = 0,
  MTM_GEO_BY_PCODE,   /* the P-code, case-insensitive                     */
  MTM_GEO_BY_NAME,    /* a name or alias, exact key                        */
  MTM_GEO_BY_BARE,    /* a name or alias once "oblast", "city"... dropped  */
  MTM_GEO_BY_TRANSLIT /* the transliteration skeletons agree               */
};

#define MTM_GEO_MAX_CANDIDATES 8

typedef struct mtm_geo_candidate {
  char pcode[64];
  int level;
  char name[256];       /* English canonical name if any                  */
  char valid_from[11];  /* "" when unbounded                               */
  char valid_to[11];
} mtm_geo_candidate;

typedef struct mtm_geo_match {
  int status;     /* MTM_GEO_FOUND, _UNKNOWN or _AMBIGUOUS                 */
  int by;         /* MTM_GEO_BY_*                                          */
  int n;          /* candidates: 1 when found, >= 2 when ambiguous          */
  mtm_geo_candidate c[MTM_GEO_MAX_CANDIDATES]; /* the first ones, by P-code */
} mtm_geo_match;

/* Loads the gazetteer into memory: hash maps from P-codes, exact keys, bare
 * keys and skeletons to areas. Build it once, resolve many values. */
int mtm_geo_open(mtm_store *st, mtm_geo **g, mtm_err *err) MTM_MUST_USE;
void mtm_geo_close(mtm_geo *g);
/* Number of areas in the index. */
int mtm_geo_count(const mtm_geo *g);

/*
 * Resolves text. level >= 0 keeps only areas of that level; at_date
 * (YYYY-MM-DD, NULL = any time) keeps only areas valid that day; within
 * (a P-code, NULL = anywhere) keeps only areas inside it. The strongest
 * kind of match that leaves any candidate decides: one candidate is
 * found, several are ambiguous. Returns the status (>= 0), or MTM_EINVAL
 * for a bad at_date.
 */
int mtm_geo_find(const mtm_geo *g, const char *text, int level, const char *at_date,
                 const char *within, mtm_geo_match *out, mtm_err *err);

/* One-shot resolution: opens the index, resolves, closes it. */
int mtm_geo_resolve(mtm_store *st, const char *text, int level, const char *at_date,
                    mtm_geo_match *out, mtm_err *err);

#endif
