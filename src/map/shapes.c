/* map: the areas of a map read from the store, projected (Albers equal-area
 * conic) and simplified along shared arcs so that neighbours keep no gap. */
#include "map/map.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEG (M_PI / 180.0)
#define TOLERANCE_PX 0.5

/* ---- projection ---------------------------------------------------------- */

/* Sets up Albers for a box: parallels at 1/6 and 5/6 of the latitude span,
 * origin at the box's middle. */
void mtm_map_albers_fit(mtm_map_albers *p, double lon_min, double lat_min, double lon_max,
                        double lat_max) {
  double span = lat_max - lat_min;
  double f1 = (lat_min + span / 6) * DEG, f2 = (lat_max - span / 6) * DEG;
  double f0 = (lat_min + lat_max) / 2 * DEG;
  double n = (sin(f1) + sin(f2)) / 2;
  if (fabs(n) < 1e-9) n = 1e-9; /* a box centred on the equator */
  p->n = n;
  p->c = cos(f1) * cos(f1) + 2 * n * sin(f1);
  p->rho0 = sqrt(fmax(0, p->c - 2 * n * sin(f0))) / n;
  p->lon0 = (lon_min + lon_max) / 2 * DEG;
}

/* Projects one point with the spherical Albers formulas (Snyder 1987). */
void mtm_map_albers_project(const mtm_map_albers *p, double lon, double lat, double *x, double *y) {
  double rho = sqrt(fmax(0, p->c - 2 * p->n * sin(lat * DEG))) / p->n;
  double dl = lon * DEG - p->lon0;
  while (dl > M_PI) dl -= 2 * M_PI;
  while (dl < -M_PI) dl += 2 * M_PI;
  double th = p->n * dl;
  *x = rho * sin(th);
  *y = p->rho0 - rho * cos(th);
}

/* ---- a map from pairs of 64-bit words to ints ---------------------------- */

typedef struct pmap {
  uint64_t *k; /* 2 words per slot */
  int *v;      /* -1: empty */
  size_t cap, n;
} pmap;

/* Hashes a pair of words. */
static size_t pmap_hash(uint64_t a, uint64_t b) {
  uint64_t k[2] = {a, b};
  return (size_t)mtm_hash(k, sizeof k, 0);
}

/* An empty map of a power-of-two capacity above 2 hint. */
static void pmap_init(pmap *m, size_t hint) {
  m->cap = 64;
  while (m->cap < hint * 2) m->cap *= 2;
  m->k = mtm_xmalloc(m->cap * 2 * sizeof *m->k);
  m->v = mtm_xmalloc(m->cap * sizeof *m->v);
  for (size_t i = 0; i < m->cap; i++) m->v[i] = -1;
  m->n = 0;
}

/* Frees the map's tables. */
static void pmap_free(pmap *m) {
  free(m->k);
  free(m->v);
}

/* The slot of (a, b): where it is, or the empty slot where it would go. */
static size_t pmap_slot(const pmap *m, uint64_t a, uint64_t b) {
  size_t i = pmap_hash(a, b) & (m->cap - 1);
  while (m->v[i] >= 0 && (m->k[2 * i] != a || m->k[2 * i + 1] != b)) i = (i + 1) & (m->cap - 1);
  return i;
}

/* The value of (a, b), or -1 when absent. */
static int pmap_get(const pmap *m, uint64_t a, uint64_t b) { return m->v[pmap_slot(m, a, b)]; }

/* Stores (a, b) -> v unless present; returns the value held. */
static int pmap_put(pmap *m, uint64_t a, uint64_t b, int v) {
  if ((m->n + 1) * 2 > m->cap) {
    pmap old = *m;
    m->cap *= 2;
    m->k = mtm_xmalloc(m->cap * 2 * sizeof *m->k);
    m->v = mtm_xmalloc(m->cap * sizeof *m->v);
    for (size_t i = 0; i < m->cap; i++) m->v[i] = -1;
    for (size_t i = 0; i < old.cap; i++)
      if (old.v[i] >= 0) {
        size_t j = pmap_slot(m, old.k[2 * i], old.k[2 * i + 1]);
        m->k[2 * j] = old.k[2 * i];
        m->k[2 * j + 1] = old.k[2 * i + 1];
        m->v[j] = old.v[i];
      }
    pmap_free(&old);
  }
  size_t i = pmap_slot(m, a, b);
  if (m->v[i] >= 0) return m->v[i];
  m->k[2 * i] = a;
  m->k[2 * i + 1] = b;
  m->v[i] = v;
  m->n++;
  return v;
}

/* ---- growable int and double vectors ------------------------------------- */

typedef struct ivec {
  int *p;
  size_t n, cap;
} ivec;

/* Appends x, growing the vector by doubling. */
static void ivec_push(ivec *v, int x) {
  if (v->n == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 256;
    v->p = mtm_xrealloc(v->p, v->cap * sizeof *v->p);
  }
  v->p[v->n++] = x;
}

typedef struct dvec {
  double *p;
  size_t n, cap;
} dvec;

/* Appends x, growing the vector by doubling. */
static void dvec_push(dvec *v, double x) {
  if (v->n == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 256;
    v->p = mtm_xrealloc(v->p, v->cap * sizeof *v->p);
  }
  v->p[v->n++] = x;
}

/* ---- the working topology ------------------------------------------------ */

#define MAX_USERS 4

typedef struct edge {
  int nu;           /* areas using it (with repetition) */
  int u[MAX_USERS]; /* sorted, the first MAX_USERS      */
} edge;

typedef struct topo {
  pmap vmap;       /* lon/lat bits -> vertex            */
  dvec lon, lat;   /* per vertex                        */
  double *px, *py; /* per vertex, projected             */
  ivec rv;         /* ring vertices, concatenated       */
  ivec rstart, rlen, rarea;
  pmap emap; /* undirected vertex pair -> edge     */
  edge *edges;
  size_t nedges, ecap;
  ivec redge; /* per ring position: edge to the next vertex */
  int *deg;
  unsigned char *junc;
  pmap amap;              /* directed first edge -> arc * 2 + reversed */
  ivec avs, astart, alen; /* arc source vertices */
  ivec refs;
  double lon_min, lat_min, lon_max, lat_max;
} topo;

/* The bits of a coordinate, the key under which equal points meet. */
static uint64_t dbits(double d) {
  uint64_t u;
  if (d == 0) d = 0; /* -0 and 0 are one coordinate */
  memcpy(&u, &d, sizeof u);
  return u;
}

/* The vertex of a coordinate, added when new. */
static int vertex(topo *t, double lon, double lat) {
  int id = pmap_put(&t->vmap, dbits(lon), dbits(lat), (int)t->lon.n);
  if (id == (int)t->lon.n) {
    dvec_push(&t->lon, lon);
    dvec_push(&t->lat, lat);
    if (lon < t->lon_min) t->lon_min = lon;
    if (lon > t->lon_max) t->lon_max = lon;
    if (lat < t->lat_min) t->lat_min = lat;
    if (lat > t->lat_max) t->lat_max = lat;
  }
  return id;
}

/* Reads one ring (an array of [lon, lat]) into the topology: repeated
 * consecutive points and the closing point are dropped; rings of fewer
 * than three points are left out. */
static int add_ring(topo *t, json_t *ring, int area, const char *pcode, mtm_err *err) {
  if (!json_is_array(ring))
    return mtm_err_set(err, MTM_EINVAL,
                       "the boundary of area %s has a ring that is not a list of points", pcode);
  size_t start = t->rv.n, n = json_array_size(ring);
  for (size_t i = 0; i < n; i++) {
    json_t *pt = json_array_get(ring, i);
    json_t *x = json_array_get(pt, 0), *y = json_array_get(pt, 1);
    if (!json_is_number(x) || !json_is_number(y))
      return mtm_err_set(
          err, MTM_EINVAL,
          "the boundary of area %s has a point that is not a [longitude, latitude] pair", pcode);
    double lon = json_number_value(x), lat = json_number_value(y);
    if (!(lat >= -90 && lat <= 90 && lon >= -360 && lon <= 360))
      return mtm_err_set(err, MTM_EINVAL,
                         "the boundary of area %s has a point out of range (%g, %g): the map needs "
                         "longitude and latitude in degrees",
                         pcode, lon, lat);
    int v = vertex(t, lon, lat);
    if (t->rv.n > start && t->rv.p[t->rv.n - 1] == v) continue;
    ivec_push(&t->rv, v);
  }
  while (t->rv.n - start > 1 && t->rv.p[t->rv.n - 1] == t->rv.p[start]) t->rv.n--;
  if (t->rv.n - start < 3) {
    t->rv.n = start;
    return 0;
  }
  ivec_push(&t->rstart, (int)start);
  ivec_push(&t->rlen, (int)(t->rv.n - start));
  ivec_push(&t->rarea, area);
  return 0;
}

/* Reads a Polygon or MultiPolygon geometry of one area. */
static int add_geometry(topo *t, const char *geojson, int area, const char *pcode, mtm_err *err) {
  json_error_t je;
  json_t *g = json_loads(geojson, 0, &je);
  if (!g)
    return mtm_err_set(err, MTM_EINVAL, "the stored boundary of area %s is not GeoJSON: %s", pcode,
                       je.text);
  const char *type = json_string_value(json_object_get(g, "type"));
  json_t *coords = json_object_get(g, "coordinates");
  int rc = 0;
  if (type && !strcmp(type, "Polygon") && json_is_array(coords)) {
    for (size_t r = 0; !rc && r < json_array_size(coords); r++)
      rc = add_ring(t, json_array_get(coords, r), area, pcode, err);
  } else if (type && !strcmp(type, "MultiPolygon") && json_is_array(coords)) {
    for (size_t p = 0; !rc && p < json_array_size(coords); p++) {
      json_t *poly = json_array_get(coords, p);
      for (size_t r = 0; !rc && r < json_array_size(poly); r++)
        rc = add_ring(t, json_array_get(poly, r), area, pcode, err);
    }
  } else {
    rc = mtm_err_set(err, MTM_EINVAL,
                     "the boundary of area %s is a %s, but a map needs a Polygon or MultiPolygon",
                     pcode, type ? type : "geometry without a type");
  }
  json_decref(g);
  return rc;
}

/* The edge between two vertices, made when new; the area is recorded as
 * one of its users. */
static int add_edge_use(topo *t, int a, int b, int area) {
  int lo = a < b ? a : b, hi = a < b ? b : a;
  int e = pmap_put(&t->emap, (uint64_t)lo, (uint64_t)hi, (int)t->nedges);
  if (e == (int)t->nedges) {
    if (t->nedges == t->ecap) {
      t->ecap = t->ecap ? t->ecap * 2 : 1024;
      t->edges = mtm_xrealloc(t->edges, t->ecap * sizeof *t->edges);
    }
    memset(&t->edges[e], 0, sizeof t->edges[e]);
    t->nedges++;
    t->deg[lo]++;
    t->deg[hi]++;
  }
  edge *x = &t->edges[e];
  if (x->nu < MAX_USERS) {
    int i = x->nu;
    while (i > 0 && x->u[i - 1] > area) {
      x->u[i] = x->u[i - 1];
      i--;
    }
    x->u[i] = area;
  }
  x->nu++;
  return e;
}

/* 1 when two edges are used by the same areas. */
static int same_users(const edge *a, const edge *b) {
  if (a->nu != b->nu || a->nu > MAX_USERS) return 0;
  for (int i = 0; i < a->nu; i++)
    if (a->u[i] != b->u[i]) return 0;
  return 1;
}

/* Marks the junctions: vertices where more or fewer than two edges meet,
 * or where a ring passes from an edge used by one set of areas to an edge
 * used by another. */
static void find_junctions(topo *t) {
  size_t nv = t->lon.n;
  t->deg = mtm_xcalloc(nv ? nv : 1, sizeof *t->deg);
  t->junc = mtm_xcalloc(nv ? nv : 1, 1);
  pmap_init(&t->emap, t->rv.n);
  for (size_t r = 0; r < t->rstart.n; r++) {
    int s = t->rstart.p[r], n = t->rlen.p[r];
    for (int i = 0; i < n; i++)
      ivec_push(&t->redge,
                add_edge_use(t, t->rv.p[s + i], t->rv.p[s + (i + 1) % n], t->rarea.p[r]));
  }
  for (size_t v = 0; v < nv; v++) t->junc[v] = t->deg[v] != 2;
  for (size_t r = 0; r < t->rstart.n; r++) {
    int s = t->rstart.p[r], n = t->rlen.p[r];
    for (int i = 0; i < n; i++) {
      int prev = t->redge.p[s + (i + n - 1) % n], next = t->redge.p[s + i];
      if (!same_users(&t->edges[prev], &t->edges[next])) t->junc[t->rv.p[s + i]] = 1;
    }
  }
}

/* 1 when ring r, from position pos, follows arc a (forward or reversed). */
static int ring_follows(const topo *t, int r, int pos, int a, int rev) {
  int s = t->rstart.p[r], n = t->rlen.p[r];
  int as = t->astart.p[a], al = t->alen.p[a];
  for (int k = 0; k < al; k++) {
    int av = t->avs.p[as + (rev ? al - 1 - k : k)];
    if (t->rv.p[s + (pos + k) % n] != av) return 0;
  }
  return 1;
}

/* Cuts every ring into arcs between junctions; an arc met a second time
 * (from the neighbour's side, usually reversed) is reused. */
static void build_arcs(topo *t) {
  pmap_init(&t->amap, t->rv.n / 4 + 16);
  for (size_t r = 0; r < t->rstart.n; r++) {
    int s = t->rstart.p[r], n = t->rlen.p[r];
    int start = -1;
    for (int i = 0; i < n && start < 0; i++)
      if (t->junc[t->rv.p[s + i]]) start = i;
    int closed = start < 0;
    if (closed) { /* no junction: start at the smallest vertex, as the other side will */
      start = 0;
      for (int i = 1; i < n; i++)
        if (t->rv.p[s + i] < t->rv.p[s + start]) start = i;
    }
    int walked = 0;
    while (walked < n) {
      int pos = (start + walked) % n;
      int v0 = t->rv.p[s + pos], v1 = t->rv.p[s + (pos + 1) % n];
      /* How far this arc runs along the ring. */
      int len = 1;
      if (closed)
        len = n;
      else
        while (!t->junc[t->rv.p[s + (pos + len) % n]]) len++;
      int code = pmap_get(&t->amap, (uint64_t)v0, (uint64_t)v1);
      if (code >= 0 && t->alen.p[code >> 1] == len + 1 &&
          ring_follows(t, (int)r, pos, code >> 1, code & 1)) {
        ivec_push(&t->refs, (code & 1) ? ~(code >> 1) : (code >> 1));
      } else {
        int a = (int)t->astart.n;
        ivec_push(&t->astart, (int)t->avs.n);
        ivec_push(&t->alen, len + 1);
        for (int k = 0; k <= len; k++) ivec_push(&t->avs, t->rv.p[s + (pos + k) % n]);
        int vk = t->rv.p[s + (pos + len) % n], vk1 = t->rv.p[s + (pos + len - 1) % n];
        pmap_put(&t->amap, (uint64_t)v0, (uint64_t)v1, a * 2);
        pmap_put(&t->amap, (uint64_t)vk, (uint64_t)vk1, a * 2 + 1);
        ivec_push(&t->refs, a);
      }
      walked += len;
    }
  }
}

/* ---- simplification ------------------------------------------------------ */

/* The squared distance from p to the segment a-b. */
static double seg_dist2(double px, double py, double ax, double ay, double bx, double by) {
  double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
  double u = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
  if (u < 0) u = 0;
  if (u > 1) u = 1;
  double ex = ax + u * dx - px, ey = ay + u * dy - py;
  return ex * ex + ey * ey;
}

/* Douglas-Peucker on n points (x, y), keeping both ends: keep[i] set for
 * the points kept. Iterative, with an explicit stack of spans. */
static void douglas_peucker(const double *x, const double *y, int n, double tol,
                            unsigned char *keep) {
  if (n < 1) return;
  memset(keep, 0, (size_t)n);
  keep[0] = keep[n - 1] = 1;
  if (n < 3) return;
  int *stack = mtm_xmalloc(sizeof *stack * 2 * (size_t)n);
  int sp = 0;
  stack[sp++] = 0;
  stack[sp++] = n - 1;
  double tol2 = tol * tol;
  while (sp) {
    int b = stack[--sp], a = stack[--sp];
    double best = -1;
    int at = -1;
    for (int i = a + 1; i < b; i++) {
      double d = seg_dist2(x[i], y[i], x[a], y[a], x[b], y[b]);
      if (d > best) {
        best = d;
        at = i;
      }
    }
    if (at >= 0 && best > tol2) {
      keep[at] = 1;
      stack[sp++] = a;
      stack[sp++] = at;
      stack[sp++] = at;
      stack[sp++] = b;
    }
  }
  free(stack);
}

/* Rounds to tenths of a px. */
static int32_t tenth(double v) { return (int32_t)lround(v * 10); }

/* ---- label points -------------------------------------------------------- */

/* 1 when (x, y) is inside the area's rings (even-odd rule). */
static int inside(const mtm_map_shapes *s, const mtm_map_area *a, double x, double y) {
  int in = 0;
  for (int r = a->ring0; r < a->ring0 + a->nrings; r++) {
    const mtm_map_ring *g = &s->rings[r];
    for (int i = 0, j = g->npts - 1; i < g->npts; j = i++) {
      double xi = g->xy[2 * i] / 10.0, yi = g->xy[2 * i + 1] / 10.0;
      double xj = g->xy[2 * j] / 10.0, yj = g->xy[2 * j + 1] / 10.0;
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
    }
  }
  return in;
}

/* Tells whether a point is inside an area, by index. */
int mtm_map_area_contains(const mtm_map_shapes *s, int area, double x, double y) {
  return inside(s, &s->areas[area], x, y);
}

/* The distance from (x, y) to the area's nearest border. */
static double border_dist(const mtm_map_shapes *s, const mtm_map_area *a, double x, double y) {
  double best = INFINITY;
  for (int r = a->ring0; r < a->ring0 + a->nrings; r++) {
    const mtm_map_ring *g = &s->rings[r];
    for (int i = 0, j = g->npts - 1; i < g->npts; j = i++) {
      double d = seg_dist2(x, y, g->xy[2 * j] / 10.0, g->xy[2 * j + 1] / 10.0, g->xy[2 * i] / 10.0,
                           g->xy[2 * i + 1] / 10.0);
      if (d < best) best = d;
    }
  }
  return sqrt(best);
}

/* The shoelace area of a ring in px^2 (signed). */
static double ring_area(const mtm_map_ring *g) {
  double s = 0;
  for (int i = 0, j = g->npts - 1; i < g->npts; j = i++)
    s += (double)g->xy[2 * j] * g->xy[2 * i + 1] - (double)g->xy[2 * i] * g->xy[2 * j + 1];
  return s / 200.0;
}

/* An approximation of the pole of inaccessibility: the inside point of a
 * grid over the largest ring farthest from every border, refined on finer
 * grids around the best point. Falls back to the largest ring's vertex
 * mean when no grid point is inside. */
void mtm_map_label_point(const mtm_map_shapes *s, int area, double *x_out, double *y_out) {
  const mtm_map_area *a = &s->areas[area];
  double ax = 0, ay = 0;
  const mtm_map_ring *big = NULL;
  double bigarea = 0;
  for (int r = a->ring0; r < a->ring0 + a->nrings; r++) {
    double ar = fabs(ring_area(&s->rings[r]));
    if (s->rings[r].npts && (!big || ar > bigarea)) {
      big = &s->rings[r];
      bigarea = ar;
    }
  }
  *x_out = *y_out = 0;
  if (!big) return;
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY, mx = 0, my = 0;
  for (int i = 0; i < big->npts; i++) {
    double x = big->xy[2 * i] / 10.0, y = big->xy[2 * i + 1] / 10.0;
    x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
    mx += x, my += y;
  }
  ax = mx / big->npts;
  ay = my / big->npts;
  enum { G = 16 };
  double sx = (x1 - x0) / G, sy = (y1 - y0) / G, best = -1;
  for (int gy = 0; gy < G; gy++)
    for (int gx = 0; gx < G; gx++) {
      double x = x0 + (gx + 0.5) * sx, y = y0 + (gy + 0.5) * sy;
      if (!inside(s, a, x, y)) continue;
      double d = border_dist(s, a, x, y);
      if (d > best) best = d, ax = x, ay = y;
    }
  if (best < 0) {
    *x_out = ax, *y_out = ay;
    return;
  }
  for (int round = 0; round < 3; round++) {
    sx /= 2, sy /= 2;
    double cx = ax, cy = ay;
    for (int dy = -2; dy <= 2; dy++)
      for (int dx = -2; dx <= 2; dx++) {
        double x = cx + dx * sx, y = cy + dy * sy;
        if (!inside(s, a, x, y)) continue;
        double d = border_dist(s, a, x, y);
        if (d > best) best = d, ax = x, ay = y;
      }
  }
  *x_out = ax;
  *y_out = ay;
}

/* ---- loading ------------------------------------------------------------- */

/* Frees the working topology (everything in it is malloc'd). */
static void topo_free(topo *t) {
  pmap_free(&t->vmap);
  if (t->emap.v) pmap_free(&t->emap);
  if (t->amap.v) pmap_free(&t->amap);
  free(t->lon.p), free(t->lat.p), free(t->px), free(t->py);
  free(t->rv.p), free(t->rstart.p), free(t->rlen.p), free(t->rarea.p);
  free(t->edges), free(t->redge.p), free(t->deg), free(t->junc);
  free(t->avs.p), free(t->astart.p), free(t->alen.p), free(t->refs.p);
}

/* Frees the shapes and their arena; NULL is fine. */
void mtm_map_shapes_free(mtm_map_shapes *s) {
  if (!s) return;
  mtm_arena_free(&s->arena);
  free(s);
}

/* Reads, projects, cuts into arcs, simplifies and rebuilds the areas. */
int mtm_map_shapes_load(mtm_store *st, const mtm_map_spec *spec, double margin,
                        mtm_map_shapes **out, mtm_err *err) {
  *out = NULL;
  mtm_map_shapes *s = mtm_xcalloc(1, sizeof *s);
  mtm_arena_init(&s->arena);
  mtm_arena *A = &s->arena;
  char today[11];
  const char *date = spec->date;
  if (!date) {
    mtm_format_date(mtm_today(), today);
    date = today;
  }
  mtm_store_map_area *rows;
  int nrows;
  int rc =
      mtm_store_map_areas(st, spec->level, date, spec->parent, spec->lang, A, &rows, &nrows, err);
  if (rc) {
    mtm_map_shapes_free(s);
    return rc;
  }
  if (!nrows) {
    mtm_map_shapes_free(s);
    if (spec->parent)
      return mtm_err_set(err, MTM_ENOTFOUND,
                         "the workspace has no boundaries of level %d areas under %s valid on %s: "
                         "import them with 'mtm areas import FILE.geojson'",
                         spec->level, spec->parent, date);
    return mtm_err_set(err, MTM_ENOTFOUND,
                       "the workspace has no boundaries of level %d areas valid on %s: import them "
                       "with 'mtm areas import FILE.geojson'",
                       spec->level, date);
  }
  topo t;
  memset(&t, 0, sizeof t);
  t.lon_min = t.lat_min = INFINITY;
  t.lon_max = t.lat_max = -INFINITY;
  pmap_init(&t.vmap, 4096);
  s->nareas = nrows;
  s->areas = mtm_arena_zalloc(A, sizeof *s->areas * (size_t)nrows);
  for (int i = 0; i < nrows && !rc; i++) {
    s->areas[i].pcode = rows[i].pcode;
    s->areas[i].parent = rows[i].parent;
    s->areas[i].name = rows[i].name;
    s->areas[i].parent_name = rows[i].parent_name;
    s->areas[i].source = rows[i].source;
    s->areas[i].ring0 = (int)t.rstart.n;
    rc = add_geometry(&t, rows[i].geojson, i, rows[i].pcode, err);
    s->areas[i].nrings = (int)t.rstart.n - s->areas[i].ring0;
  }
  if (!rc && !t.rstart.n)
    rc = mtm_err_set(err, MTM_ENOTFOUND, "the boundaries of level %d areas have no rings to draw",
                     spec->level);
  if (rc) {
    topo_free(&t);
    mtm_map_shapes_free(s);
    return rc;
  }
  s->vertices_in = (long)t.rv.n;

  /* Project and fit to the width. */
  mtm_map_albers pr;
  mtm_map_albers_fit(&pr, t.lon_min, t.lat_min, t.lon_max, t.lat_max);
  size_t nv = t.lon.n;
  t.px = mtm_xmalloc(nv * sizeof *t.px);
  t.py = mtm_xmalloc(nv * sizeof *t.py);
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (size_t v = 0; v < nv; v++) {
    mtm_map_albers_project(&pr, t.lon.p[v], t.lat.p[v], &t.px[v], &t.py[v]);
    x0 = fmin(x0, t.px[v]), x1 = fmax(x1, t.px[v]);
    y0 = fmin(y0, t.py[v]), y1 = fmax(y1, t.py[v]);
  }
  double width = spec->width > 0 ? spec->width : 640;
  double scale = (width - 2 * margin) / fmax(x1 - x0, 1e-12);
  if (y1 - y0 > 0 && (y1 - y0) * scale > 2 * width) scale = 2 * width / (y1 - y0);
  for (size_t v = 0; v < nv; v++) {
    t.px[v] = margin + (t.px[v] - x0) * scale;
    t.py[v] = margin + (y1 - t.py[v]) * scale;
  }
  s->width = width;
  s->height = ceil(2 * margin + (y1 - y0) * scale);

  /* Topology: junctions, then arcs. */
  find_junctions(&t);
  build_arcs(&t);

  /* Simplify each arc once, in px, and round to tenths. */
  s->narcs = (int)t.astart.n;
  s->arcs = mtm_arena_zalloc(A, sizeof *s->arcs * (size_t)(s->narcs ? s->narcs : 1));
  size_t maxlen = 0;
  for (int a = 0; a < s->narcs; a++)
    if ((size_t)t.alen.p[a] > maxlen) maxlen = (size_t)t.alen.p[a];
  double *ax = mtm_xmalloc((maxlen + 1) * sizeof *ax), *ay = mtm_xmalloc((maxlen + 1) * sizeof *ay);
  unsigned char *keep = mtm_xmalloc(maxlen + 1);
  for (int a = 0; a < s->narcs; a++) {
    int n = t.alen.p[a], st0 = t.astart.p[a];
    for (int k = 0; k < n; k++) {
      int v = t.avs.p[st0 + k];
      ax[k] = t.px[v];
      ay[k] = t.py[v];
    }
    douglas_peucker(ax, ay, n, TOLERANCE_PX, keep);
    int32_t *xy = mtm_arena_alloc(A, sizeof *xy * 2 * (size_t)n);
    int m = 0;
    for (int k = 0; k < n; k++) {
      if (!keep[k]) continue;
      int32_t X = tenth(ax[k]), Y = tenth(ay[k]);
      if (m && xy[2 * m - 2] == X && xy[2 * m - 1] == Y) {
        if (k == n - 1 && m > 1)
          m--; /* the end wins over an interior point */
        else
          continue;
      }
      xy[2 * m] = X;
      xy[2 * m + 1] = Y;
      m++;
    }
    s->arcs[a].npts = m;
    s->arcs[a].xy = xy;
    s->arcs[a].nsrc = n;
  }
  free(ax), free(ay), free(keep);

  /* Rebuild the rings from their arcs; drop those that collapsed. */
  s->nrings = (int)t.rstart.n;
  s->rings = mtm_arena_zalloc(A, sizeof *s->rings * (size_t)s->nrings);
  s->refs = mtm_arena_alloc(A, sizeof *s->refs * (t.refs.n ? t.refs.n : 1));
  if (t.refs.n) memcpy(s->refs, t.refs.p, sizeof *s->refs * t.refs.n);
  int ref = 0;
  for (int r = 0; r < s->nrings; r++) {
    mtm_map_ring *g = &s->rings[r];
    g->area = t.rarea.p[r];
    g->ref0 = ref;
    int total = 0, walked = 0, n = t.rlen.p[r];
    while (walked < n) {
      int code = s->refs[ref + g->nrefs];
      int a = code < 0 ? ~code : code;
      s->arcs[a].sides++;
      total += s->arcs[a].npts;
      walked += t.alen.p[a] - 1;
      g->nrefs++;
    }
    ref += g->nrefs;
    int32_t *xy = mtm_arena_alloc(A, sizeof *xy * 2 * (size_t)(total + 1));
    int m = 0;
    for (int k = 0; k < g->nrefs; k++) {
      int code = s->refs[g->ref0 + k];
      const mtm_map_arc *c = &s->arcs[code < 0 ? ~code : code];
      for (int i = 0; i < c->npts; i++) {
        int j = code < 0 ? c->npts - 1 - i : i;
        int32_t X = c->xy[2 * j], Y = c->xy[2 * j + 1];
        if (m && xy[2 * m - 2] == X && xy[2 * m - 1] == Y) continue;
        xy[2 * m] = X;
        xy[2 * m + 1] = Y;
        m++;
      }
    }
    while (m > 1 && xy[0] == xy[2 * m - 2] && xy[1] == xy[2 * m - 1]) m--;
    g->npts = m;
    g->xy = xy;
    if (m < 3 || ring_area(g) == 0) {
      g->npts = 0;
      g->xy = NULL;
    }
    s->vertices_out += g->npts;
  }
  topo_free(&t);
  *out = s;
  return 0;
}
