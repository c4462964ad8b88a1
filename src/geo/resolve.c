/* The in-memory gazetteer index and the resolution of values to areas. */
#include "geo/geo.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct gx_area {
  const char *pcode, *name, *valid_from, *valid_to;
  int level;
  int parent;       /* index, -1 for none or unknown */
  int32_t from, to; /* days; INT32_MIN / INT32_MAX when unbounded */
  int city;         /* a name of it says "city" ("Almaty (city)") */
} gx_area;

typedef struct gx_entry {
  struct gx_entry *next;
  const char *key;
  uint32_t hash;
  int area;
} gx_entry;

typedef struct gx_map {
  gx_entry **b;
  uint32_t nb; /* a power of two */
} gx_map;

struct mtm_geo {
  mtm_arena a;
  int n;
  gx_area *areas;
  gx_map pcode, exact, bare, skel;
};

static void map_init(mtm_arena *a, gx_map *m, int n) {
  uint32_t nb = 64;
  while (nb < (uint32_t)n * 2) nb *= 2;
  m->nb = nb;
  m->b = mtm_arena_zalloc(a, sizeof *m->b * nb);
}

/* Adds key -> area unless that very pair is there already. */
static void map_add(mtm_arena *a, gx_map *m, const char *key, int area) {
  if (!key[0]) return;
  uint32_t h = (uint32_t)mtm_hash_str(key);
  gx_entry **slot = &m->b[h & (m->nb - 1)];
  for (gx_entry *e = *slot; e; e = e->next)
    if (e->hash == h && e->area == area && strcmp(e->key, key) == 0) return;
  gx_entry *e = mtm_arena_alloc(a, sizeof *e);
  e->key = key;
  e->hash = h;
  e->area = area;
  e->next = *slot;
  *slot = e;
}

/* A growable set of area indexes. */
typedef struct gx_set {
  int *v;
  int n, cap;
} gx_set;

static void set_add(gx_set *s, int x) {
  for (int i = 0; i < s->n; i++)
    if (s->v[i] == x) return;
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->v = mtm_xrealloc(s->v, sizeof *s->v * (size_t)s->cap);
  }
  s->v[s->n++] = x;
}

static void map_get(const gx_map *m, const char *key, gx_set *out) {
  out->n = 0;
  if (!key[0]) return;
  uint32_t h = (uint32_t)mtm_hash_str(key);
  for (gx_entry *e = m->b[h & (m->nb - 1)]; e; e = e->next)
    if (e->hash == h && strcmp(e->key, key) == 0) set_add(out, e->area);
}

/* Picks the display name of an area. */
const char *mtm_geo_area_name(const mtm_area *x, const char *lang) {
  const char *first = NULL, *en = NULL;
  for (int i = 0; i < x->nnames; i++) {
    const mtm_area_name *nm = &x->names[i];
    if (nm->is_alias) continue;
    if (lang && strcmp(nm->lang, lang) == 0) return nm->name;
    if (!en && strcmp(nm->lang, "en") == 0) en = nm->name;
    if (!first) first = nm->name;
  }
  return en ? en : first ? first : x->pcode;
}

static int32_t day_or(const char *s, int32_t dflt) {
  int32_t d;
  if (s && mtm_parse_date(mtm_slice_c(s), &d) == 0) return d;
  return dflt;
}

/* Builds the index from every area of the workspace. */
int mtm_geo_open(mtm_store *st, mtm_geo **out, mtm_err *err) {
  *out = NULL;
  mtm_geo *g = mtm_xcalloc(1, sizeof *g);
  mtm_arena_init(&g->a);
  mtm_area *ar;
  int n;
  if (mtm_store_areas(st, -1, &g->a, &ar, &n, err)) {
    mtm_geo_close(g);
    return MTM_ESTORE;
  }
  long nnames = 0;
  for (int i = 0; i < n; i++) nnames += ar[i].nnames;
  g->n = n;
  g->areas = mtm_arena_zalloc(&g->a, sizeof *g->areas * (size_t)(n ? n : 1));
  map_init(&g->a, &g->pcode, n);
  map_init(&g->a, &g->exact, (int)nnames);
  map_init(&g->a, &g->bare, (int)nnames);
  map_init(&g->a, &g->skel, (int)nnames);
  for (int i = 0; i < n; i++) {
    gx_area *x = &g->areas[i];
    x->pcode = ar[i].pcode;
    x->level = ar[i].level;
    x->name = mtm_geo_area_name(&ar[i], "en");
    x->valid_from = ar[i].valid_from;
    x->valid_to = ar[i].valid_to;
    x->from = day_or(ar[i].valid_from, INT32_MIN);
    x->to = day_or(ar[i].valid_to, INT32_MAX);
    x->parent = -1;
    map_add(&g->a, &g->pcode, mtm_ascii_lower(mtm_arena_strdup(&g->a, x->pcode)), i);
    for (int k = 0; k < ar[i].nnames; k++) {
      const char *nm = ar[i].names[k].name;
      int hints;
      map_add(&g->a, &g->exact, mtm_geo_key(&g->a, nm), i);
      map_add(&g->a, &g->bare, mtm_geo_bare_key(&g->a, nm, &hints), i);
      map_add(&g->a, &g->skel, mtm_geo_skeleton(&g->a, nm), i);
      if (hints & MTM_GEO_HINT_CITY) x->city = 1;
    }
  }
  gx_set s = {0};
  for (int i = 0; i < n; i++) {
    if (!ar[i].parent) continue;
    char *k = mtm_ascii_lower(mtm_arena_strdup(&g->a, ar[i].parent));
    map_get(&g->pcode, k, &s);
    if (s.n == 1) g->areas[i].parent = s.v[0];
  }
  free(s.v);
  *out = g;
  return 0;
}

void mtm_geo_close(mtm_geo *g) {
  if (!g) return;
  mtm_arena_free(&g->a);
  free(g);
}

int mtm_geo_count(const mtm_geo *g) { return g ? g->n : 0; }

/* Is area i inside area w (or w itself)? Parent chains are short; the
 * bound guards against a cycle in damaged data. */
static int inside(const mtm_geo *g, int i, int w) {
  for (int steps = 0; i >= 0 && steps < 32; steps++, i = g->areas[i].parent)
    if (i == w) return 1;
  return 0;
}

typedef struct gx_query {
  int level;
  int dated;
  int32_t at;
  int within; /* -1: anywhere */
} gx_query;

/* Keeps the candidates that pass the level, date and place filters. */
static void narrow(const mtm_geo *g, const gx_query *q, gx_set *s) {
  int k = 0;
  for (int i = 0; i < s->n; i++) {
    const gx_area *x = &g->areas[s->v[i]];
    if (q->level >= 0 && x->level != q->level) continue;
    if (q->dated && (q->at < x->from || q->at >= x->to)) continue;
    if (q->within >= 0 && !inside(g, s->v[i], q->within)) continue;
    s->v[k++] = s->v[i];
  }
  s->n = k;
}

/* Does area x fit one hint? A region is a first-level unit that is not a
 * city; a district a second-level unit; a city has "city" in a name. */
static int hinted(const gx_area *x, int bit) {
  if (bit == MTM_GEO_HINT_REGION) return x->level == 1 && !x->city;
  if (bit == MTM_GEO_HINT_DISTRICT) return x->level == 2;
  return x->city;
}

/* Applies the hints of dropped qualifying words, but only when they leave
 * at least one candidate: "Almaty oblysy" prefers the region. */
static void prefer(const mtm_geo *g, int hints, gx_set *s) {
  for (int bit = 1; bit <= MTM_GEO_HINT_CITY; bit <<= 1) {
    if (!(hints & bit)) continue;
    int keep = 0;
    for (int i = 0; i < s->n; i++) {
      const gx_area *x = &g->areas[s->v[i]];
      keep += hinted(x, bit);
    }
    if (keep == 0 || keep == s->n) continue;
    int k = 0;
    for (int i = 0; i < s->n; i++) {
      const gx_area *x = &g->areas[s->v[i]];
      if (hinted(x, bit)) s->v[k++] = s->v[i];
    }
    s->n = k;
  }
}

/* Orders candidates by P-code (insertion sort: there are few). */
static void sort_by_pcode(const mtm_geo *g, gx_set *s) {
  for (int i = 1; i < s->n; i++) {
    int x = s->v[i], j = i;
    while (j > 0 && strcmp(g->areas[s->v[j - 1]].pcode, g->areas[x].pcode) > 0) {
      s->v[j] = s->v[j - 1];
      j--;
    }
    s->v[j] = x;
  }
}

static void fill(const mtm_geo *g, gx_set *s, int by, mtm_geo_match *out) {
  sort_by_pcode(g, s);
  out->status = s->n == 1 ? MTM_GEO_FOUND : MTM_GEO_AMBIGUOUS;
  out->by = by;
  out->n = s->n;
  for (int i = 0; i < s->n && i < MTM_GEO_MAX_CANDIDATES; i++) {
    const gx_area *x = &g->areas[s->v[i]];
    mtm_geo_candidate *c = &out->c[i];
    snprintf(c->pcode, sizeof c->pcode, "%s", x->pcode);
    snprintf(c->name, sizeof c->name, "%s", x->name);
    snprintf(c->valid_from, sizeof c->valid_from, "%s", x->valid_from ? x->valid_from : "");
    snprintf(c->valid_to, sizeof c->valid_to, "%s", x->valid_to ? x->valid_to : "");
    c->level = x->level;
  }
}

/* Resolves one value: P-code, exact key, bare key, skeleton, in turn. */
int mtm_geo_find(const mtm_geo *g, const char *text, int level, const char *at_date,
                 const char *within, mtm_geo_match *out, mtm_err *err) {
  memset(out, 0, sizeof *out);
  out->status = MTM_GEO_UNKNOWN;
  gx_query q = {level, 0, 0, -1};
  if (at_date) {
    if (mtm_parse_date(mtm_slice_c(at_date), &q.at))
      return mtm_err_set(err, MTM_EINVAL, "'%s' is not a date (use YYYY-MM-DD)", at_date);
    q.dated = 1;
  }
  mtm_slice t = mtm_slice_trim(mtm_slice_c(text ? text : ""));
  if (!t.n || !g) return MTM_GEO_UNKNOWN;
  mtm_arena a;
  mtm_arena_init(&a);
  gx_set s = {0};
  int rc = MTM_GEO_UNKNOWN;
  if (within) {
    map_get(&g->pcode, mtm_ascii_lower(mtm_arena_strdup(&a, within)), &s);
    if (s.n != 1) goto done;
    q.within = s.v[0];
  }
  char *raw = mtm_arena_strndup(&a, t.p, t.n);
  map_get(&g->pcode, mtm_ascii_lower(mtm_arena_strdup(&a, raw)), &s);
  narrow(g, &q, &s);
  if (s.n) {
    fill(g, &s, MTM_GEO_BY_PCODE, out);
    rc = out->status;
    goto done;
  }
  map_get(&g->exact, mtm_geo_key(&a, raw), &s);
  narrow(g, &q, &s);
  if (s.n) {
    fill(g, &s, MTM_GEO_BY_NAME, out);
    rc = out->status;
    goto done;
  }
  int hints;
  map_get(&g->bare, mtm_geo_bare_key(&a, raw, &hints), &s);
  narrow(g, &q, &s);
  if (s.n) {
    prefer(g, hints, &s);
    fill(g, &s, MTM_GEO_BY_BARE, out);
    rc = out->status;
    goto done;
  }
  map_get(&g->skel, mtm_geo_skeleton(&a, raw), &s);
  narrow(g, &q, &s);
  if (s.n) {
    prefer(g, hints, &s);
    fill(g, &s, MTM_GEO_BY_TRANSLIT, out);
    rc = out->status;
  }
done:
  free(s.v);
  mtm_arena_free(&a);
  return rc;
}

/* One value, one index: for callers with a handful of values. */
int mtm_geo_resolve(mtm_store *st, const char *text, int level, const char *at_date,
                    mtm_geo_match *out, mtm_err *err) {
  mtm_geo *g;
  memset(out, 0, sizeof *out);
  int rc = mtm_geo_open(st, &g, err);
  if (rc) return rc;
  rc = mtm_geo_find(g, text, level, at_date, NULL, out, err);
  mtm_geo_close(g);
  return rc;
}

/* Lists areas from the store, keeping those valid on at_date. */
int mtm_geo_list(mtm_store *st, int level, const char *at_date, mtm_arena *a, mtm_area **out,
                 int *n, mtm_err *err) {
  int32_t at = 0;
  if (at_date && mtm_parse_date(mtm_slice_c(at_date), &at))
    return mtm_err_set(err, MTM_EINVAL, "'%s' is not a date (use YYYY-MM-DD)", at_date);
  int rc = mtm_store_areas(st, level, a, out, n, err);
  if (rc || !at_date) return rc;
  int k = 0;
  for (int i = 0; i < *n; i++) {
    mtm_area *x = &(*out)[i];
    if (at < day_or(x->valid_from, INT32_MIN) || at >= day_or(x->valid_to, INT32_MAX)) continue;
    (*out)[k++] = *x;
  }
  *n = k;
  return 0;
}
