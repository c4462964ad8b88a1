/* Importing area files: the gazetteer CSV, attribute tables (OCHA COD
 * style ADMn_* columns, or columns named on the command line), GeoJSON
 * boundaries and successor crosswalks. Every file is read and checked
 * whole before anything is written, then written in one transaction. */
#include "geo/geo.h"
#include "table/table.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- what the file says, row by row -------------------------------------- */

typedef struct iname {
  const char *lang, *name;
  int alias;
} iname;

typedef struct irow {
  long row;           /* CSV line or GeoJSON feature number */
  const char *pcode;
  int level;          /* -1: not given */
  int set_parent;
  const char *parent;
  const char *parent_col, *level_col, *succ_col;
  const char *valid_from, *valid_to;
  int nnames;
  iname *names;
  int nsucc;
  const char **succ;
  const char *note;   /* crosswalk */
  const char *type;   /* "region", "national_city", "district", "city"; NULL */
  const char *shape;  /* GeoJSON geometry text */
  int ancestor;       /* made from ADMk_* columns of a lower unit */
  int indexed;        /* in the P-code index */
} irow;

typedef struct ictx {
  mtm_store *st;
  const char *path;
  const mtm_geo_import_opts *o;
  mtm_arena *a;
  mtm_err *err;
  int geojson;
  mtm_geo_file_kind kind;
  irow *rows;
  int n, cap;
  /* P-code -> row index (open addressing) */
  int *slots;
  int nslots, nindexed;
} ictx;

/* Finds the row holding pcode, or -1. */
static int row_of(const ictx *c, const char *pcode) {
  if (!c->nslots) return -1;
  for (uint32_t i = (uint32_t)mtm_hash_str(pcode) & (uint32_t)(c->nslots - 1);; i = (i + 1) & (uint32_t)(c->nslots - 1)) {
    int r = c->slots[i];
    if (r < 0) return -1;
    if (strcmp(c->rows[r].pcode, pcode) == 0) return r;
  }
}

/* Indexes row r under its P-code, growing the table when it fills. */
static void index_put(ictx *c, int r) {
  c->rows[r].indexed = 1;
  if (c->nindexed++ * 2 >= c->nslots) {
    int ns = c->nslots ? c->nslots * 2 : 256;
    free(c->slots);
    c->slots = mtm_xmalloc(sizeof *c->slots * (size_t)ns);
    for (int i = 0; i < ns; i++) c->slots[i] = -1;
    c->nslots = ns;
    for (int k = 0; k < c->n; k++) {
      if (!c->rows[k].indexed) continue;
      uint32_t i = (uint32_t)mtm_hash_str(c->rows[k].pcode) & (uint32_t)(ns - 1);
      while (c->slots[i] >= 0) i = (i + 1) & (uint32_t)(ns - 1);
      c->slots[i] = k;
    }
    return;
  }
  uint32_t i = (uint32_t)mtm_hash_str(c->rows[r].pcode) & (uint32_t)(c->nslots - 1);
  while (c->slots[i] >= 0) i = (i + 1) & (uint32_t)(c->nslots - 1);
  c->slots[i] = r;
}

static irow *new_row(ictx *c, long rownum) {
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 256;
    c->rows = mtm_xrealloc(c->rows, sizeof *c->rows * (size_t)c->cap);
  }
  irow *r = &c->rows[c->n++];
  memset(r, 0, sizeof *r);
  r->row = rownum;
  r->level = -1;
  return r;
}

/* Fills err with the position and a sentence; GeoJSON rows are features. */
static int fail(ictx *c, long row, const char *col, const char *fmt, ...) MTM_PRINTF(4, 5);
static int fail(ictx *c, long row, const char *col, const char *fmt, ...) {
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  mtm_err_where(c->err, c->path, NULL, c->geojson ? 0 : row, col, NULL);
  if (c->geojson && row) return mtm_err_set(c->err, MTM_EINVAL, "feature %ld: %s", row, msg);
  return mtm_err_set(c->err, MTM_EINVAL, "%s", msg);
}

/* ---- one record as (field, value) pairs ----------------------------------- */

typedef struct rec {
  int n;
  const char **field; /* header names / property names */
  const char **value; /* NULL or "" when absent          */
} rec;

static const char *trimmed(ictx *c, const char *v) {
  if (!v) return NULL;
  mtm_slice s = mtm_slice_trim(mtm_slice_c(v));
  if (!s.n) return NULL;
  return mtm_arena_strndup(c->a, s.p, s.n);
}

/* The column index of name (case-insensitive), or -1. */
static int col(const rec *r, const char *name) {
  for (int i = 0; i < r->n; i++)
    if (mtm_strcasecmp(r->field[i], name) == 0) return i;
  return -1;
}

static const char *val(ictx *c, const rec *r, int i) {
  return i >= 0 && i < r->n ? trimmed(c, r->value[i]) : NULL;
}

static void add_name(ictx *c, irow *w, const char *lang, const char *name, int alias) {
  if (!name) return;
  iname *nn = mtm_arena_alloc(c->a, sizeof *nn * (size_t)(w->nnames + 1));
  if (w->nnames) memcpy(nn, w->names, sizeof *nn * (size_t)w->nnames);
  nn[w->nnames].lang = lang;
  nn[w->nnames].name = name;
  nn[w->nnames].alias = alias;
  w->names = nn;
  w->nnames++;
}

/* Splits "a|b|c" into names (aliases) or P-codes. */
static int split_bar(ictx *c, const char *s, const char ***out) {
  if (!s) return 0;
  int k = 0, cap = 4;
  const char **v = mtm_arena_alloc(c->a, sizeof *v * (size_t)cap);
  for (const char *p = s;;) {
    const char *e = strchr(p, '|');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    mtm_slice t = mtm_slice_trim((mtm_slice){p, len});
    if (t.n) {
      if (k == cap) {
        const char **g = mtm_arena_alloc(c->a, sizeof *g * (size_t)cap * 2);
        memcpy(g, v, sizeof *g * (size_t)cap);
        v = g;
        cap *= 2;
      }
      v[k++] = mtm_arena_strndup(c->a, t.p, t.n);
    }
    if (!e) break;
    p = e + 1;
  }
  *out = v;
  return k;
}

/* Parses a date cell into YYYY-MM-DD. */
static int date_cell(ictx *c, long row, const char *colname, const char *v, const char **out) {
  *out = NULL;
  if (!v) return 0;
  int32_t d;
  if (mtm_parse_date(mtm_slice_c(v), &d))
    return fail(c, row, colname, "'%s' is not a date: write it as YYYY-MM-DD", v);
  char buf[11];
  mtm_format_date(d, buf);
  *out = mtm_arena_strdup(c->a, buf);
  return 0;
}

static int level_cell(ictx *c, long row, const char *colname, const char *v, int *out) {
  long long lv;
  if (mtm_parse_int(mtm_slice_c(v), &lv) || lv < 0 || lv > 9)
    return fail(c, row, colname, "the level '%s' is not a whole number from 0 to 9", v);
  *out = (int)lv;
  return 0;
}

/* ---- the layouts ------------------------------------------------------------ */

/* Is field "ADM<n>_<rest>" (case-insensitive)? Returns rest or NULL. */
static const char *adm_field(const char *f, int n) {
  char pre[8];
  snprintf(pre, sizeof pre, "adm%d", n);
  if (strncasecmp(f, pre, 4) != 0) return NULL;
  return f + 4;
}

static int is_lang(const char *s) {
  size_t n = strlen(s);
  if (n < 2 || n > 3) return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalpha((unsigned char)s[i])) return 0;
  return 1;
}

static const char *lower(ictx *c, const char *s) {
  return mtm_ascii_lower(mtm_arena_strdup(c->a, s));
}

/* The names of level n in an OCHA-style record: ADMn_XX canonical,
 * ADMnALTm_XX / ADMnALTmXX and ADMn_REF as aliases. */
static void ocha_names(ictx *c, const rec *r, int n, irow *w) {
  for (int i = 0; i < r->n; i++) {
    const char *rest = adm_field(r->field[i], n);
    if (!rest) continue;
    const char *v = val(c, r, i);
    if (!v) continue;
    if (rest[0] == '_' && is_lang(rest + 1) && mtm_strcasecmp(rest + 1, "REF") != 0)
      add_name(c, w, lower(c, rest + 1), v, 0);
    else if (mtm_strcasecmp(rest, "_REF") == 0)
      add_name(c, w, "", v, 1);
    else if (strncasecmp(rest, "ALT", 3) == 0) {
      const char *p = rest + 3;
      while (isdigit((unsigned char)*p)) p++;
      if (*p == '_') p++;
      if (is_lang(p)) add_name(c, w, lower(c, p), v, 1);
    }
  }
}

/* An OCHA-style record: the unit of the highest ADMn_PCODE, and its
 * ancestors from the lower ADMk_* columns. */
static int take_ocha(ictx *c, const rec *r, long rownum, const char *shape) {
  int top = -1, pc[10];
  char names[10][24];
  for (int n = 0; n < 10; n++) {
    snprintf(names[n], sizeof names[n], "ADM%d_PCODE", n);
    pc[n] = col(r, names[n]);
    if (pc[n] >= 0) top = n;
  }
  for (int n = 0; n <= top; n++) {
    if (pc[n] < 0) continue;
    const char *p = val(c, r, pc[n]);
    if (n < top && !p) continue; /* no ancestor given: nothing to add */
    irow *w = new_row(c, rownum);
    w->pcode = p;
    w->level = n;
    w->ancestor = n < top;
    w->parent_col = n > 0 && pc[n - 1] >= 0 ? r->field[pc[n - 1]] : NULL;
    if (n == 0) w->set_parent = 1;
    else if (pc[n - 1] >= 0) {
      w->set_parent = 1;
      w->parent = val(c, r, pc[n - 1]);
    }
    w->valid_from = c->o->valid_from;
    w->valid_to = c->o->valid_to;
    ocha_names(c, r, n, w);
    if (n == top) {
      w->shape = shape;
      if (!p) return fail(c, rownum, r->field[pc[n]], "the P-code is empty");
    }
  }
  return 0;
}

/* A record mapped by --pcode, --name, --parent, --level. */
static int take_mapped(ictx *c, const rec *r, long rownum, const char *shape) {
  const mtm_geo_import_opts *o = c->o;
  irow *w = new_row(c, rownum);
  int pi = col(r, o->pcode_field);
  if (pi < 0 && !c->geojson)
    return fail(c, 0, NULL, "there is no column '%s' for --pcode", o->pcode_field);
  w->pcode = val(c, r, pi);
  if (!w->pcode) return fail(c, rownum, o->pcode_field, "the P-code is empty");
  w->level = o->level;
  if (o->parent_field) {
    int qi = col(r, o->parent_field);
    if (qi < 0 && !c->geojson)
      return fail(c, 0, NULL, "there is no column '%s' for --parent", o->parent_field);
    w->set_parent = 1;
    w->parent = val(c, r, qi);
    w->parent_col = o->parent_field;
  }
  for (int k = 0; k < o->nnames; k++) {
    int ni = col(r, o->name_field[k]);
    if (ni < 0 && !c->geojson)
      return fail(c, 0, NULL, "there is no column '%s' for --%s", o->name_field[k],
                  o->name_is_alias[k] ? "alias" : "name");
    const char *lang = o->name_lang[k] ? o->name_lang[k] : o->lang ? o->lang : "en";
    const char *v = val(c, r, ni);
    if (o->name_is_alias[k]) {
      const char **al;
      int na = split_bar(c, v, &al);
      for (int j = 0; j < na; j++) add_name(c, w, lang, al[j], 1);
    } else add_name(c, w, lang, v, 0);
  }
  w->valid_from = o->valid_from;
  w->valid_to = o->valid_to;
  w->shape = shape;
  return 0;
}

/* A row of the gazetteer CSV: pcode, level, parent, name_XX, aliases[_XX],
 * valid_from, valid_to, successors. */
static int take_areas(ictx *c, const rec *r, long rownum) {
  irow *w = new_row(c, rownum);
  int pi = col(r, "pcode");
  w->pcode = val(c, r, pi);
  if (!w->pcode) return fail(c, rownum, r->field[pi], "the P-code is empty");
  int li = col(r, "level");
  const char *lv = val(c, r, li);
  if (lv && level_cell(c, rownum, r->field[li], lv, &w->level)) return MTM_EINVAL;
  w->level_col = li >= 0 ? r->field[li] : NULL;
  int qi = col(r, "parent");
  if (qi >= 0) {
    w->set_parent = 1;
    w->parent = val(c, r, qi);
    w->parent_col = r->field[qi];
  }
  int fi = col(r, "valid_from"), ti = col(r, "valid_to");
  if (date_cell(c, rownum, fi >= 0 ? r->field[fi] : NULL, val(c, r, fi), &w->valid_from) ||
      date_cell(c, rownum, ti >= 0 ? r->field[ti] : NULL, val(c, r, ti), &w->valid_to))
    return MTM_EINVAL;
  if (!w->valid_from) w->valid_from = c->o->valid_from;
  if (!w->valid_to) w->valid_to = c->o->valid_to;
  for (int i = 0; i < r->n; i++) {
    const char *f = r->field[i];
    const char *v = val(c, r, i);
    if (!v) continue;
    if (strncasecmp(f, "name_", 5) == 0 && is_lang(f + 5)) add_name(c, w, lower(c, f + 5), v, 0);
    else if (mtm_strcasecmp(f, "aliases") == 0 || (strncasecmp(f, "aliases_", 8) == 0 && is_lang(f + 8))) {
      const char **al;
      int na = split_bar(c, v, &al);
      const char *lang = f[7] ? lower(c, f + 8) : "";
      for (int j = 0; j < na; j++) add_name(c, w, lang, al[j], 1);
    }
  }
  int si = col(r, "successors");
  if (si >= 0) {
    w->nsucc = split_bar(c, val(c, r, si), &w->succ);
    w->succ_col = r->field[si];
  }
  return 0;
}

/* A row of a crosswalk: pcode, successor[, note]. */
static int take_crosswalk(ictx *c, const rec *r, long rownum) {
  irow *w = new_row(c, rownum);
  int pi = col(r, "pcode"), si = col(r, "successor");
  w->pcode = val(c, r, pi);
  if (!w->pcode) return fail(c, rownum, r->field[pi], "the P-code is empty");
  const char *s = val(c, r, si);
  if (!s) return fail(c, rownum, r->field[si], "the successor P-code is empty");
  w->succ = mtm_arena_alloc(c->a, sizeof *w->succ);
  w->succ[0] = s;
  w->nsucc = 1;
  w->succ_col = r->field[si];
  w->note = val(c, r, col(r, "note"));
  return 0;
}

/* Decides the layout from the field names. */
static int layout(ictx *c, const rec *r) {
  if (c->o->pcode_field) return MTM_GEO_FILE_ATTRS;
  if (col(r, "pcode") >= 0 && col(r, "successor") >= 0 && col(r, "level") < 0)
    return MTM_GEO_FILE_CROSSWALK;
  if (col(r, "pcode") >= 0) return MTM_GEO_FILE_AREAS;
  for (int n = 0; n < 10; n++) {
    char f[24];
    snprintf(f, sizeof f, "ADM%d_PCODE", n);
    if (col(r, f) >= 0) return MTM_GEO_FILE_ATTRS;
  }
  return -1;
}

/* Is a Russian name an adjective ("Жанасемейский", "Бурабайский"), the
 * form a district's name takes before "район"? */
static int ru_adjective(const char *name) {
  static const char *const ends[] = {"ский", "цкий", "ный", "ской", "ний", NULL};
  size_t n = name ? strlen(name) : 0;
  for (int i = 0; ends[i]; i++) {
    size_t k = strlen(ends[i]);
    if (n >= k && !strcmp(name + n - k, ends[i])) return 1;
  }
  return 0;
}

/*
 * The type of the level-1 or level-2 unit of a 9-digit KATO code
 * (Kazakhstan's classification of administrative-territorial objects:
 * AA BB CC DDD). Level 1: AA from 71 on are the cities of republican
 * significance (Astana 71, Almaty 75, Shymkent 79), the others regions.
 * Level 2: inside those cities, BB names a city district; in a region,
 * BB from 10 to 29 is a city of regional significance and from 30 on a
 * district. A level-2 unit whose CC is not 00 under a city's BB (a
 * unit of the city's administration, e.g. Zhanasemey under Semey) is a
 * district when its Russian name is an adjective, else the city itself.
 * NULL for other levels or a code that is not 9 digits.
 */
static const char *kato_type(const char *kato, int level, const char *name_ru) {
  if (!kato || strlen(kato) != 9) return NULL;
  for (int i = 0; i < 9; i++)
    if (!isdigit((unsigned char)kato[i])) return NULL;
  if (level == 1) return kato[0] >= '7' ? "national_city" : "region";
  if (level != 2) return NULL;
  if (kato[0] >= '7') return "district";
  int bb = (kato[2] - '0') * 10 + (kato[3] - '0');
  if (bb >= 30) return "district";
  if (kato[4] == '0' && kato[5] == '0') return "city";
  return ru_adjective(name_ru) ? "district" : "city";
}

/* The stored type of a type cell (region, oblast, city, district, rayon,
 * and the Russian and Kazakh words), for a unit of level (-1: unknown);
 * NULL when the word is none of them. A city at level 1 is a city of
 * national (republican) significance. */
static const char *type_word(const char *v, int level) {
  static const struct {
    const char *word, *type;
  } words[] = {{"region", "region"},       {"oblast", "region"},          {"province", "region"},
               {"область", "region"},      {"облыс", "region"},           {"national_city", "national_city"},
               {"city", "city"},           {"town", "city"},              {"город", "city"},
               {"қала", "city"},           {"district", "district"},      {"rayon", "district"},
               {"raion", "district"},      {"район", "district"},         {"аудан", "district"}};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (mtm_strcasecmp(v, words[i].word) == 0) {
      if (!strcmp(words[i].type, "city") && level == 1) return "national_city";
      return words[i].type;
    }
  return NULL;
}

/* The canonical Russian name a row carries, or NULL. */
static const char *row_name_ru(const irow *w) {
  for (int k = 0; k < w->nnames; k++)
    if (!w->names[k].alias && !strcmp(w->names[k].lang, "ru")) return w->names[k].name;
  return NULL;
}

/* The types of the rows one record made (from row first on): from a KATO
 * column, for the unit and its ancestors; then from a 'type' column, for
 * the unit itself, which wins. In a gazetteer CSV a type that is none of
 * the known words is an error; an attribute table's or GeoJSON's 'type'
 * of another meaning is left alone. */
static int take_types(ictx *c, const rec *r, long rownum, int first) {
  const char *kato = val(c, r, col(r, "KATO"));
  for (int i = first; kato && i < c->n; i++)
    c->rows[i].type = kato_type(kato, c->rows[i].level, row_name_ru(&c->rows[i]));
  int ti = col(r, "type");
  const char *tv = val(c, r, ti);
  if (!tv || first >= c->n) return 0;
  irow *w = &c->rows[c->n - 1];
  const char *t = type_word(tv, w->level);
  if (!t && c->kind != MTM_GEO_FILE_AREAS) return 0; /* another kind of 'type' property */
  if (!t)
    return fail(c, rownum, r->field[ti],
                "the type '%s' is not one of region (oblast), city or district (rayon)", tv);
  w->type = t;
  return 0;
}

static int take(ictx *c, int kind, const rec *r, long rownum, const char *shape) {
  int first = c->n, rc;
  switch (kind) {
  case MTM_GEO_FILE_CROSSWALK: return take_crosswalk(c, r, rownum);
  case MTM_GEO_FILE_AREAS: rc = take_areas(c, r, rownum); break;
  default:
    rc = c->o->pcode_field ? take_mapped(c, r, rownum, shape) : take_ocha(c, r, rownum, shape);
  }
  return rc ? rc : take_types(c, r, rownum, first);
}

static const char *what_we_read =
    "expected a column 'pcode' (with level, parent, name_en, ...), the columns 'pcode' and "
    "'successor' (a crosswalk), OCHA-style ADM1_PCODE columns, or --pcode FIELD";

/* ---- readers ---------------------------------------------------------------- */

static int read_table(ictx *c) {
  mtm_table *t;
  mtm_err *err = c->err;
  int rc = mtm_table_open(&t, c->path, NULL, err);
  if (rc) return rc;
  mtm_row row;
  int kind = -1;
  rec r = {0};
  int nh = 0;
  while ((rc = mtm_table_next(t, &row, err)) > 0) {
    if (!r.field) {
      if (row.n == 0) continue;
      nh = row.n;
      r.field = mtm_arena_alloc(c->a, sizeof *r.field * (size_t)nh);
      r.value = mtm_arena_alloc(c->a, sizeof *r.value * (size_t)nh);
      for (int i = 0; i < nh; i++) {
        mtm_slice h = mtm_slice_trim(row.cells[i]);
        r.field[i] = mtm_arena_strndup(c->a, h.p, h.n);
      }
      r.n = nh;
      kind = layout(c, &r);
      if (kind < 0) {
        mtm_table_close(t);
        return fail(c, row.row, NULL, "cannot tell what this file holds: %s", what_we_read);
      }
      c->kind = (mtm_geo_file_kind)kind;
      continue;
    }
    int blank = 1;
    for (int i = 0; i < nh; i++) {
      r.value[i] = i < row.n ? row.cells[i].p : NULL;
      if (r.value[i] && mtm_slice_trim(row.cells[i]).n) blank = 0;
    }
    if (blank) continue; /* spreadsheets leave rows of empty cells behind */
    if ((rc = take(c, kind, &r, row.row, NULL))) break;
  }
  mtm_table_close(t);
  if (rc < 0) return rc;
  if (!r.field) return fail(c, 0, NULL, "the file is empty: %s", what_we_read);
  return 0;
}

/* The text of a JSON property value; NULL for null, objects and arrays. */
static const char *json_text(ictx *c, json_t *v) {
  char buf[64];
  switch (json_typeof(v)) {
  case JSON_STRING: return mtm_arena_strdup(c->a, json_string_value(v));
  case JSON_INTEGER:
    snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return mtm_arena_strdup(c->a, buf);
  case JSON_REAL: snprintf(buf, sizeof buf, "%.15g", json_real_value(v)); return mtm_arena_strdup(c->a, buf);
  case JSON_TRUE: return "true";
  case JSON_FALSE: return "false";
  default: return NULL;
  }
}

static int read_geojson(ictx *c) {
  json_error_t je;
  json_t *root = json_load_file(c->path, 0, &je);
  if (!root) {
    mtm_err_where(c->err, c->path, NULL, je.line > 0 ? je.line : 0, NULL, NULL);
    return mtm_err_set(c->err, MTM_EINVAL, "this is not valid JSON: %s", je.text);
  }
  int rc = 0;
  json_t *features = NULL;
  const char *type = json_string_value(json_object_get(root, "type"));
  if (type && strcmp(type, "FeatureCollection") == 0) features = json_object_get(root, "features");
  if (!json_is_array(features)) {
    json_decref(root);
    return fail(c, 0, NULL, "this is not a GeoJSON FeatureCollection (no \"features\" array)");
  }
  c->kind = MTM_GEO_FILE_GEOJSON;
  size_t i;
  json_t *f;
  json_array_foreach(features, i, f) {
    long num = (long)i + 1;
    json_t *props = json_object_get(f, "properties");
    if (!json_is_object(props)) {
      rc = fail(c, num, NULL, "the feature has no properties");
      break;
    }
    rec r = {0};
    r.n = (int)json_object_size(props);
    r.field = mtm_arena_alloc(c->a, sizeof *r.field * (size_t)(r.n ? r.n : 1));
    r.value = mtm_arena_alloc(c->a, sizeof *r.value * (size_t)(r.n ? r.n : 1));
    const char *k;
    json_t *v;
    int j = 0;
    json_object_foreach(props, k, v) {
      r.field[j] = mtm_arena_strdup(c->a, k);
      r.value[j++] = json_text(c, v);
    }
    int kind = layout(c, &r);
    if (kind != MTM_GEO_FILE_ATTRS) {
      rc = fail(c, num, NULL,
                "cannot tell which property holds the P-code: give --pcode FIELD --level N "
                "(and --name FIELD, --parent FIELD), or use OCHA-style ADM1_PCODE properties");
      break;
    }
    const char *shape = NULL;
    json_t *geom = json_object_get(f, "geometry");
    if (json_is_object(geom)) {
      char *s = json_dumps(geom, JSON_COMPACT | JSON_REAL_PRECISION(10));
      if (s) {
        shape = mtm_arena_strdup(c->a, s);
        free(s);
      }
    }
    if ((rc = take(c, kind, &r, num, shape))) break;
  }
  json_decref(root);
  return rc;
}

/* ---- checks across rows, then the writing ----------------------------------- */

/* Looks a P-code up in the file (main rows first) then in the workspace:
 * 1 found (level in *lv, -1 if unknown), 0 not found, < 0 error. */
static int known(ictx *c, const char *pcode, int *lv) {
  int r = row_of(c, pcode);
  if (r >= 0) {
    *lv = c->rows[r].level;
    if (*lv < 0 && mtm_store_area_find(c->st, pcode, NULL, lv, c->err) == MTM_ESTORE)
      return MTM_ESTORE;
    return 1;
  }
  int rc = mtm_store_area_find(c->st, pcode, NULL, lv, c->err);
  if (rc == MTM_ENOTFOUND) return 0;
  return rc ? rc : 1;
}

static int check_rows(ictx *c) {
  /* Duplicates among the file's own units; ancestors repeat by nature and
   * give way to a row of their own. */
  for (int i = 0; i < c->n; i++) {
    irow *w = &c->rows[i];
    if (c->kind == MTM_GEO_FILE_CROSSWALK || !w->pcode) continue;
    int j = row_of(c, w->pcode);
    if (j < 0) {
      index_put(c, i);
      continue;
    }
    irow *p = &c->rows[j];
    if (w->ancestor) {
      w->pcode = NULL; /* already described */
      continue;
    }
    if (p->ancestor) {
      /* The ancestor's slot now belongs to this row. */
      for (int k = 0; k < c->nslots; k++)
        if (c->slots[k] == j) c->slots[k] = i;
      p->indexed = 0;
      p->pcode = NULL;
      w->indexed = 1;
      continue;
    }
    const char *pcol = c->o->pcode_field;
    if (!pcol && c->kind == MTM_GEO_FILE_AREAS) pcol = "pcode";
    if (!pcol) pcol = mtm_arena_printf(c->a, "ADM%d_PCODE", w->level);
    return fail(c, w->row, pcol, "the P-code %s appears twice in this file (first %s %ld)",
                w->pcode, c->geojson ? "in feature" : "on row", p->row);
  }
  for (int i = 0; i < c->n; i++) {
    irow *w = &c->rows[i];
    if (!w->pcode) continue;
    int lv = -1, rc;
    if (c->kind == MTM_GEO_FILE_CROSSWALK) {
      if ((rc = known(c, w->pcode, &lv)) < 0) return rc;
      if (!rc)
        return fail(c, w->row, "pcode", "the P-code %s is not in the workspace", w->pcode);
    } else if (w->level < 0) {
      rc = mtm_store_area_find(c->st, w->pcode, NULL, &w->level, c->err);
      if (rc == MTM_ESTORE) return rc;
      if (rc)
        return fail(c, w->row, w->level_col ? w->level_col : "level",
                    "the area %s is new and has no level%s", w->pcode,
                    c->o->pcode_field ? ": give --level N" : "");
    }
    if (w->set_parent && w->parent) {
      if (strcmp(w->parent, w->pcode) == 0)
        return fail(c, w->row, w->parent_col, "the area %s cannot be its own parent", w->pcode);
      if ((rc = known(c, w->parent, &lv)) < 0) return rc;
      if (!rc)
        return fail(c, w->row, w->parent_col,
                    "the parent P-code %s is neither in this file nor in the workspace: "
                    "import the parent level first",
                    w->parent);
      if (lv >= 0 && lv >= w->level)
        return fail(c, w->row, w->parent_col,
                    "the parent %s is at level %d, which is not above the level %d of %s",
                    w->parent, lv, w->level, w->pcode);
    }
    for (int k = 0; k < w->nsucc; k++) {
      if ((rc = known(c, w->succ[k], &lv)) < 0) return rc;
      if (!rc)
        return fail(c, w->row, w->succ_col,
                    "the successor P-code %s is neither in this file nor in the workspace",
                    w->succ[k]);
      if (strcmp(w->succ[k], w->pcode) == 0)
        return fail(c, w->row, w->succ_col, "the area %s cannot succeed itself", w->pcode);
    }
    const char *vf = w->valid_from, *vt = w->valid_to;
    if (vf && vt && strcmp(vf, vt) >= 0)
      return fail(c, w->row, "valid_to", "the area %s ends (%s) before it begins (%s)", w->pcode,
                  vt, vf);
  }
  return 0;
}

/* Writes the rows: ancestors only when they are new to the workspace. */
static int write_rows(ictx *c, mtm_geo_import_stats *s) {
  const char *slash = strrchr(c->path, '/');
  const char *source = slash ? slash + 1 : c->path;
  for (int i = 0; i < c->n; i++) {
    irow *w = &c->rows[i];
    if (!w->pcode) continue;
    int rc;
    if (c->kind == MTM_GEO_FILE_CROSSWALK) {
      if ((rc = mtm_store_area_successor_add(c->st, w->pcode, w->succ[0], w->note, c->err)))
        return rc;
      s->successors++;
      continue;
    }
    if (w->ancestor) {
      rc = mtm_store_area_find(c->st, w->pcode, NULL, NULL, c->err);
      if (rc == 0) continue;
      if (rc != MTM_ENOTFOUND) return rc;
    }
    mtm_area_put p = {w->pcode, w->level, w->set_parent, w->parent,
                      w->valid_from, w->valid_to, source, w->type};
    long long id;
    int created;
    if ((rc = mtm_store_area_put(c->st, &p, &id, &created, c->err))) return rc;
    s->areas++;
    s->added += created;
    for (int k = 0; k < w->nnames; k++) {
      const iname *nm = &w->names[k];
      char *key = mtm_geo_key(c->a, nm->name);
      if ((rc = mtm_store_area_name_add(c->st, id, nm->lang, nm->name, key, nm->alias, c->err)))
        return rc;
      s->names++;
    }
    if (w->shape) {
      if ((rc = mtm_store_area_shape_put(c->st, id, w->shape, c->o->source ? c->o->source : source, c->err)))
        return rc;
      s->shapes++;
    }
    for (int k = 0; k < w->nsucc; k++) {
      if ((rc = mtm_store_area_successor_add(c->st, w->pcode, w->succ[k], NULL, c->err)))
        return rc;
      s->successors++;
    }
  }
  return 0;
}

void mtm_geo_import_opts_init(mtm_geo_import_opts *o) {
  memset(o, 0, sizeof *o);
  o->level = -1;
  o->lang = "en";
}

/* Is the file GeoJSON? By extension, else by its first byte. */
static int looks_json(const char *path) {
  const char *dot = strrchr(path, '.');
  if (dot && (mtm_strcasecmp(dot, ".geojson") == 0 || mtm_strcasecmp(dot, ".json") == 0))
    return 1;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  int ch;
  while ((ch = fgetc(f)) != EOF && (isspace(ch) || ch == 0xEF || ch == 0xBB || ch == 0xBF)) {
  }
  fclose(f);
  return ch == '{';
}

int mtm_geo_import(mtm_store *st, const char *path, const mtm_geo_import_opts *o,
                   mtm_geo_import_stats *stats, mtm_err *err) {
  mtm_geo_import_opts dflt;
  if (!o) {
    mtm_geo_import_opts_init(&dflt);
    o = &dflt;
  }
  memset(stats, 0, sizeof *stats);
  mtm_arena a;
  mtm_arena_init(&a);
  ictx c = {0};
  c.st = st;
  c.path = path;
  c.o = o;
  c.a = &a;
  c.err = err;
  int rc = 0;
  /* The layer-wide options are checked before the file is read. */
  const char *vf = NULL, *vt = NULL;
  mtm_geo_import_opts oo = *o;
  if ((rc = date_cell(&c, 0, NULL, o->valid_from, &vf)) ||
      (rc = date_cell(&c, 0, NULL, o->valid_to, &vt)))
    goto done;
  oo.valid_from = vf;
  oo.valid_to = vt;
  c.o = &oo;
  FILE *probe = fopen(path, "rb");
  if (!probe) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_EIO, "cannot open the file");
    goto done;
  }
  fclose(probe);
  c.geojson = looks_json(path);
  rc = c.geojson ? read_geojson(&c) : read_table(&c);
  if (!rc) rc = check_rows(&c);
  stats->kind = c.kind;
  if (!rc) {
    if ((rc = mtm_store_begin(st, err))) goto done;
    rc = write_rows(&c, stats);
    if (rc) {
      mtm_store_rollback(st);
      memset(stats, 0, sizeof *stats);
      stats->kind = c.kind;
    } else if ((rc = mtm_store_commit(st, err))) {
      memset(stats, 0, sizeof *stats);
    }
  }
done:
  free(c.rows);
  free(c.slots);
  mtm_arena_free(&a);
  return rc;
}
