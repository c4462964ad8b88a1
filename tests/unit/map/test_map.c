/* Unit tests of map shapes and the choropleth on the real Kazakhstan 2024
 * boundaries bundled in data/geo/kazakhstan: neighbours share identical
 * borders after simplification, and the SVG has one path per area, the
 * hatched "not assessed" class, the legend and the disclaimer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>
#include <cmocka.h>
#include <cairo.h>

#include "geo/geo.h"
#include "map/map.h"
#include "render/render.h"

typedef struct fx {
  char path[64];
  mtm_store *st;
} fx;

/* A workspace with the 2024 ADM1 and ADM2 boundaries, imported as the
 * demo imports them. */
static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  snprintf(f->path, sizeof f->path, "/tmp/mtm-map-test-%d.db", (int)getpid());
  unlink(f->path);
  mtm_err err;
  mtm_err_clear(&err);
  if (mtm_store_open(&f->st, f->path, 1, &err)) return -1;
  const char *files[] = {"data/geo/kazakhstan/kaz_admbnda_adm1_2024.geojson",
                         "data/geo/kazakhstan/kaz_admbnda_adm2_2024.geojson"};
  for (int i = 0; i < 2; i++) {
    mtm_geo_import_stats s;
    if (mtm_geo_import(f->st, files[i], NULL, &s, &err)) {
      mtm_err_print(&err, stderr);
      return -1;
    }
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  mtm_store_close(f->st);
  char p[80];
  unlink(f->path);
  snprintf(p, sizeof p, "%s-wal", f->path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", f->path);
  unlink(p);
  free(f);
  return 0;
}

/* A segment between two points in tenths of a px, lowest point first. */
typedef struct seg {
  int32_t a[4];
} seg;

static int cmp_seg(const void *pa, const void *pb) {
  const seg *x = pa, *y = pb;
  for (int i = 0; i < 4; i++)
    if (x->a[i] != y->a[i]) return x->a[i] < y->a[i] ? -1 : 1;
  return 0;
}

static void push_seg(seg **v, size_t *n, size_t *cap, int32_t x1, int32_t y1, int32_t x2,
                     int32_t y2) {
  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 4096;
    *v = realloc(*v, *cap * sizeof **v);
  }
  int lo = x1 < x2 || (x1 == x2 && y1 < y2);
  seg s = {{lo ? x1 : x2, lo ? y1 : y2, lo ? x2 : x1, lo ? y2 : y1}};
  (*v)[(*n)++] = s;
}

/* Every segment of the d attributes of the SVG's area paths (those with
 * data-pcode), the closing segment of each subpath included. */
static seg *svg_segments(const char *svg, size_t *n) {
  seg *v = NULL;
  size_t cap = 0;
  *n = 0;
  const char *p = svg;
  while ((p = strstr(p, "<path id=\"")) != NULL) {
    const char *d = strstr(p, " d=\"") + 4;
    const char *end = strchr(d, '"');
    int32_t fx0 = 0, fy0 = 0, px = 0, py = 0;
    int have = 0;
    const char *q = d;
    while (q < end) {
      if (*q == 'Z') {
        if (have) push_seg(&v, n, &cap, px, py, fx0, fy0);
        have = 0;
        q++;
        continue;
      }
      int move = *q == 'M';
      if (*q == 'M' || *q == 'L' || *q == ' ') q++;
      char *e;
      double x = strtod(q, &e);
      double y = strtod(e + 1, &e);
      q = e;
      int32_t X = (int32_t)lround(x * 10), Y = (int32_t)lround(y * 10);
      if (move) {
        fx0 = X, fy0 = Y;
      } else {
        push_seg(&v, n, &cap, px, py, X, Y);
      }
      px = X, py = Y;
      have = 1;
    }
    p = end;
  }
  qsort(v, *n, sizeof *v, cmp_seg);
  return v;
}

static void spec_init(mtm_map_spec *sp, int level) {
  memset(sp, 0, sizeof *sp);
  sp->level = level;
  sp->date = "2024-06-01";
  sp->lang = "en";
}

/* Shared arcs: the arcs used by two rings appear point for point in both
 * rings; in the SVG, the segments drawn once are exactly those of the
 * outer border (arcs of one live ring), all others are drawn twice. */
static void neighbours_share_identical_borders(void **state) {
  fx *f = *state;
  mtm_map_spec sp;
  spec_init(&sp, 2);
  mtm_map_shapes *s;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_map_shapes_load(f->st, &sp, MTM_MAP_MARGIN, &s, &err), 0);
  assert_int_equal(s->nareas, 224);
  assert_string_equal(s->areas[0].pcode, "KZ101000");
  assert_string_equal(s->areas[0].name, "Semey");
  assert_true(s->vertices_out < s->vertices_in / 3);
  /* Live users of each arc, and a check that each ring contains the
   * arc's points in order (forward or reversed). */
  int *live = calloc((size_t)s->narcs, sizeof *live);
  int shared = 0;
  for (int r = 0; r < s->nrings; r++) {
    const mtm_map_ring *g = &s->rings[r];
    if (!g->npts) continue;
    for (int k = 0; k < g->nrefs; k++) {
      int code = s->refs[g->ref0 + k], a = code < 0 ? ~code : code;
      live[a]++;
    }
  }
  for (int a = 0; a < s->narcs; a++) {
    const mtm_map_arc *c = &s->arcs[a];
    assert_true(c->sides >= 1 && c->sides <= 2);
    assert_true(c->npts >= 2 || (c->npts == 1 && c->nsrc >= 2));
    if (live[a] == 2) shared++;
  }
  assert_int_equal(s->narcs, 840);
  assert_int_equal(shared, 579); /* borders between two areas */
  /* In each ring, arcs follow one another: the end of one is the start
   * of the next. */
  for (int r = 0; r < s->nrings; r++) {
    const mtm_map_ring *g = &s->rings[r];
    for (int k = 0; k < g->nrefs; k++) {
      int c1 = s->refs[g->ref0 + k], c2 = s->refs[g->ref0 + (k + 1) % g->nrefs];
      const mtm_map_arc *a1 = &s->arcs[c1 < 0 ? ~c1 : c1], *a2 = &s->arcs[c2 < 0 ? ~c2 : c2];
      const int32_t *end = c1 < 0 ? &a1->xy[0] : &a1->xy[2 * (a1->npts - 1)];
      const int32_t *start = c2 < 0 ? &a2->xy[2 * (a2->npts - 1)] : &a2->xy[0];
      assert_true(end[0] == start[0] && end[1] == start[1]);
    }
  }

  /* The SVG, read back: segments drawn once versus arcs of one ring. */
  mtm_map_value none = {"KZ101000", 1};
  sp.values = &none;
  sp.nvalues = 1;
  mtm_buf svg;
  mtm_buf_init(&svg);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  size_t n;
  seg *segs = svg_segments(svg.p, &n);
  seg *outer = NULL;
  size_t no = 0, cap = 0;
  for (int a = 0; a < s->narcs; a++) {
    if (live[a] != 1) continue;
    const mtm_map_arc *c = &s->arcs[a];
    for (int i = 1; i < c->npts; i++)
      push_seg(&outer, &no, &cap, c->xy[2 * i - 2], c->xy[2 * i - 1], c->xy[2 * i], c->xy[2 * i + 1]);
  }
  qsort(outer, no, sizeof *outer, cmp_seg);
  size_t once = 0, twice = 0, more = 0, j = 0;
  for (size_t i = 0; i < n;) {
    size_t k = i;
    while (k < n && !cmp_seg(&segs[i], &segs[k])) k++;
    if (k - i == 1) {
      once++;
      while (j < no && cmp_seg(&outer[j], &segs[i]) < 0) j++;
      assert_true(j < no && !cmp_seg(&outer[j], &segs[i])); /* drawn once: an outer border */
    } else if (k - i == 2) twice++;
    else more++;
    i = k;
  }
  assert_int_equal(more, 0);
  assert_true(twice > 3000);
  assert_true(once < twice / 3);
  free(outer);
  free(segs);
  free(live);
  mtm_buf_free(&svg);
  mtm_map_shapes_free(s);
}

static int count(const char *hay, const char *needle) {
  int k = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) k++;
  return k;
}

/* The full ADM2 map with five areas not assessed. */
static void adm2_choropleth(void **state) {
  fx *f = *state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_area *ar;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_geo_list(f->st, 2, "2024-06-01", &a, &ar, &n, &err), 0);
  assert_int_equal(n, 224);
  mtm_map_value *v = calloc((size_t)n, sizeof *v);
  for (int i = 0; i < n; i++) {
    v[i].pcode = ar[i].pcode;
    v[i].value = i % 45 == 7 ? NAN : (double)((i * 37) % 10) * 1000 + 500;
  }
  mtm_map_spec sp;
  spec_init(&sp, 2);
  sp.values = v;
  sp.nvalues = n;
  sp.legend_title = "Migrant workers";
  mtm_buf svg, again;
  mtm_buf_init(&svg);
  mtm_buf_init(&again);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &again, &err), 0);
  assert_int_equal(svg.n, again.n);
  assert_memory_equal(svg.p, again.p, svg.n); /* deterministic */
  assert_true(svg.n < 300 * 1024);
  assert_memory_equal(svg.p, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" ", 52);
  assert_int_equal(count(svg.p, "<path id="), 224);
  assert_int_equal(count(svg.p, " data-pcode=\"KZ"), 224 + count(svg.p, "<text data-pcode="));
  assert_int_equal(count(svg.p, "class=\"na\""), 5);
  assert_int_equal(count(svg.p, "fill=\"url(#mtm-map-na)\""), 5 + 1); /* + legend */
  assert_int_equal(count(svg.p, "http"), 1);                          /* the xmlns only */
  assert_int_equal(count(svg.p, "href"), 0);
  assert_non_null(strstr(svg.p, "<path id=\"KZ101000\" data-pcode=\"KZ101000\" class=\"v\""));
  assert_non_null(strstr(svg.p, "<title>Semey: 500</title>"));
  assert_non_null(strstr(svg.p, ": not assessed</title>"));
  assert_non_null(strstr(svg.p, ">Migrant workers</text>"));
  assert_non_null(strstr(svg.p, ">Not assessed</text>"));
  assert_non_null(strstr(svg.p, ">500-1,500</text>"));
  assert_non_null(strstr(svg.p, ">8,500-9,500</text>"));
  assert_non_null(strstr(svg.p, ">The boundaries and names shown and the designations used on this map"));
  assert_non_null(strstr(svg.p, "International Organization for Migration.</text>"));
  /* Top five (9,500, first P-codes) outside the cities drawn in insets:
   * four areas smaller than their label get a dot with the label beside
   * it. */
  assert_int_equal(count(svg.p, "<text data-pcode="), 5);
  assert_int_equal(count(svg.p, "<circle "), 4);
  assert_non_null(strstr(svg.p, ">Astrakhan<tspan"));
  assert_non_null(strstr(svg.p, ">Korgalzhyn<tspan"));
  mtm_buf_free(&svg);
  mtm_buf_free(&again);
  free(v);
  mtm_arena_free(&a);
}

/* The colour at (x, y) of an ARGB32 image, as 0xRRGGBB. */
static unsigned pixel(cairo_surface_t *img, double x, double y) {
  unsigned char *d = cairo_image_surface_get_data(img);
  int stride = cairo_image_surface_get_stride(img);
  uint32_t v;
  memcpy(&v, d + (int)y * stride + 4 * (int)x, 4);
  return v & 0xffffff;
}

/* The map drawn by librsvg (render's mtm_render_svg_cairo, as the PDF
 * draws it): at the label points of unlabelled areas the fill is the
 * lightest class, the darkest class, and grey for "not assessed". */
static void drawn_with_librsvg(void **state) {
  fx *f = *state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_area *ar;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_geo_list(f->st, 2, "2024-06-01", &a, &ar, &n, &err), 0);
  mtm_map_value *v = calloc((size_t)n, sizeof *v);
  for (int i = 0; i < n; i++) {
    v[i].pcode = ar[i].pcode;
    v[i].value = i % 45 == 7 ? NAN : (double)((i * 37) % 10) * 1000 + 500;
  }
  mtm_map_spec sp;
  spec_init(&sp, 2);
  sp.values = v;
  sp.nvalues = n;
  mtm_buf svg;
  mtm_buf_init(&svg);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  int height = atoi(strstr(svg.p, "height=\"") + 8);
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, height);
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  double h;
  assert_int_equal(mtm_render_svg_cairo(cr, svg.p, svg.n, 0, 0, 640, &h, &err), 0);
  assert_true(fabs(h - height) < 1e-9);
  cairo_surface_flush(img);
  mtm_map_shapes *s;
  assert_int_equal(mtm_map_shapes_load(f->st, &sp, MTM_MAP_MARGIN, &s, &err), 0);
  double x, y;
  mtm_map_label_point(s, 0, &x, &y); /* Semey, 500: the lightest class */
  assert_int_equal(pixel(img, x, y), 0xc6dbef);
  mtm_map_label_point(s, 4, &x, &y); /* 8,500: the darkest class */
  assert_int_equal(pixel(img, x, y), 0x0033a0);
  assert_string_equal(s->areas[7].pcode, ar[7].pcode);
  mtm_map_label_point(s, 7, &x, &y); /* not assessed: a grey of the hatching */
  unsigned g = pixel(img, x, y);
  assert_true((g >> 16) == ((g >> 8) & 0xff) && (g & 0xff) == ((g >> 8) & 0xff));
  assert_true((g & 0xff) >= 0xa0 && (g & 0xff) <= 0xf0); /* not white */
  mtm_map_shapes_free(s);
  cairo_destroy(cr);
  cairo_surface_destroy(img);
  mtm_buf_free(&svg);
  free(v);
  mtm_arena_free(&a);
}

/* Russian: names, number grouping with no-break spaces (whole numbers: the
 * values spread over 10 or more), legend and
 * disclaimer in Russian; areas under one region only. */
static void adm2_under_a_region_in_russian(void **state) {
  fx *f = *state;
  mtm_map_value v[] = {{"KZ351000", 12500}, {"KZ351600", 1200.5}, {"KZ352400", 0}};
  mtm_map_spec sp;
  spec_init(&sp, 2);
  sp.lang = "ru";
  sp.parent = "KZ35";
  sp.values = v;
  sp.nvalues = 3;
  mtm_buf svg;
  mtm_buf_init(&svg);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  int paths = count(svg.p, "<path id=");
  assert_true(paths > 5 && paths < 224);
  assert_int_equal(count(svg.p, "data-pcode=\"KZ35"), paths + count(svg.p, "<text data-pcode="));
  assert_non_null(strstr(svg.p, "<title>Караганда: 12\xc2\xa0" "500</title>"));
  assert_non_null(strstr(svg.p, ">Не оценивалось</text>"));
  assert_non_null(strstr(svg.p, ">Границы и названия"));
  assert_int_equal(count(svg.p, "class=\"na\""), paths - 3); /* zero is a value */
  assert_non_null(strstr(svg.p, "<title>Темиртау: 0</title>"));
  mtm_buf_free(&svg);
}

/* ADM1 with shares: values are fractions shown as percentages. */
static void adm1_shares_in_percent(void **state) {
  fx *f = *state;
  mtm_map_value v[] = {{"KZ10", 0.125}, {"KZ75", 0.5}, {"KZ71", 0.45}, {"KZ35", 0.05},
                       {"KZ99", 0.9}}; /* KZ99 is no area: ignored */
  mtm_map_spec sp;
  spec_init(&sp, 1);
  sp.values = v;
  sp.nvalues = 5;
  sp.percent = 1;
  sp.classes = 3;
  sp.breaks = MTM_MAP_QUANTILES;
  mtm_buf svg;
  mtm_buf_init(&svg);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  assert_int_equal(count(svg.p, "<path id="), 20);
  assert_int_equal(count(svg.p, "class=\"na\""), 16);
  assert_non_null(strstr(svg.p, "<title>Abay: 13%</title>"));
  /* Quantiles of 5%, 12.5%, 45%, 50% in three classes: 5-13%, 45%, 50%. */
  assert_non_null(strstr(svg.p, ">5%-13%</text>"));
  assert_non_null(strstr(svg.p, ">45%</text>"));
  assert_non_null(strstr(svg.p, ">50%</text>"));
  mtm_buf_free(&svg);
}

/* With thirty labels asked for, those placed never overlap: their boxes
 * (measured as the map measures them) keep apart. */
static void labels_never_overlap(void **state) {
  fx *f = *state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_area *ar;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_geo_list(f->st, 2, "2024-06-01", &a, &ar, &n, &err), 0);
  mtm_map_value *v = calloc((size_t)n, sizeof *v);
  for (int i = 0; i < n; i++) {
    v[i].pcode = ar[i].pcode;
    v[i].value = (double)((i * 61) % 97);
  }
  mtm_map_spec sp;
  spec_init(&sp, 2);
  sp.values = v;
  sp.nvalues = n;
  sp.label_top = 30;
  mtm_buf svg;
  mtm_buf_init(&svg);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  double bx[30][4];
  int nb = 0;
  for (const char *p = svg.p; (p = strstr(p, "<text data-pcode=")) != NULL; p++) {
    double x, y;
    char name[128], value[32];
    const char *q = strstr(p, " x=\"");
    assert_int_equal(sscanf(q, " x=\"%lf\" y=\"%lf\"", &x, &y), 2);
    q = strchr(q, '>') + 1;
    size_t len = (size_t)(strchr(q, '<') - q);
    memcpy(name, q, len);
    name[len] = 0;
    q = strchr(strchr(q, '<'), '>') + 1;
    len = (size_t)(strchr(q, '<') - q);
    memcpy(value, q, len);
    value[len] = 0;
    double w = mtm_render_text_width(name, 10, 1), wv = mtm_render_text_width(value, 10, 0);
    if (wv > w) w = wv;
    assert_true(nb < 30);
    bx[nb][0] = x - w / 2, bx[nb][1] = x + w / 2, bx[nb][2] = y - 10, bx[nb][3] = y + 14;
    for (int k = 0; k < nb; k++)
      assert_false(bx[k][0] < bx[nb][1] && bx[nb][0] < bx[k][1] && bx[k][2] < bx[nb][3] &&
                   bx[nb][2] < bx[k][3]);
    nb++;
  }
  assert_true(nb >= 10 && nb < 30);
  mtm_buf_free(&svg);
  free(v);
  mtm_arena_free(&a);
}

/* A stored boundary that is not a polygon is named in the error. */
static void a_point_is_not_a_boundary(void **state) {
  fx *f = *state;
  mtm_err err;
  mtm_err_clear(&err);
  long long id;
  mtm_area_put put = {.pcode = "KZ3599", .level = 3, .set_parent = 1, .parent = "KZ351000"};
  assert_int_equal(mtm_store_area_put(f->st, &put, &id, NULL, &err), 0);
  assert_int_equal(
      mtm_store_area_shape_put(f->st, id, "{\"type\":\"Point\",\"coordinates\":[73.1,49.8]}", NULL, &err),
      0);
  mtm_map_spec sp;
  spec_init(&sp, 3);
  mtm_map_shapes *s;
  assert_int_equal(mtm_map_shapes_load(f->st, &sp, 8, &s, &err), MTM_EINVAL);
  assert_string_equal(err.msg,
                      "the boundary of area KZ3599 is a Point, but a map needs a Polygon or MultiPolygon");
  assert_null(s);
}

static void errors_name_level_and_date(void **state) {
  fx *f = *state;
  mtm_map_spec sp;
  spec_init(&sp, 3);
  mtm_buf svg;
  mtm_buf_init(&svg);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), MTM_EINVAL);
  assert_string_equal(err.msg, "a map shows level 1 or level 2 areas, not level 3");
  spec_init(&sp, 2);
  sp.date = "1990-01-01";
  sp.parent = "KZ99";
  mtm_err_clear(&err);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), MTM_ENOTFOUND);
  assert_string_equal(err.msg, "the workspace has no boundaries of level 2 areas under KZ99 "
                               "valid on 1990-01-01: import them with 'mtm areas import FILE.geojson'");
  assert_int_equal(svg.n, 0);
  assert_string_equal(mtm_map_disclaimer("ru"),
                      "Границы и названия, показанные на этой карте, и используемые на ней "
                      "обозначения не подразумевают официального одобрения или признания со "
                      "стороны Международной организации по миграции.");
  assert_memory_equal(mtm_map_disclaimer("kk"), "The boundaries", 14);
  mtm_buf_free(&svg);
}

/* The labels of a district map: a district whose name is also a region's
 * or another district's names its region ("Almaty (Astana)": the district
 * of Astana named Almaty); a name of its own stays as it is; a region map
 * never adds a region. */
static void ambiguous_names_name_their_region(void **state) {
  fx *f = *state;
  mtm_map_spec sp;
  spec_init(&sp, 2);
  mtm_map_shapes *s;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_map_shapes_load(f->st, &sp, 8, &s, &err), 0);
  const char **lab = mtm_map_area_labels(s, 2, &s->arena);
  int seen = 0, plain = 0;
  for (int i = 0; i < s->nareas; i++) {
    if (!strcmp(s->areas[i].pcode, "KZ711110")) {
      assert_string_equal(s->areas[i].name, "Almaty");
      assert_string_equal(lab[i], "Almaty (Astana)");
      seen++;
    }
    if (!strcmp(lab[i], s->areas[i].name)) plain++;
    else assert_non_null(strstr(lab[i], " ("));
  }
  assert_int_equal(seen, 1);
  assert_true(plain > 180); /* most names are their region's own */
  const char **one = mtm_map_area_labels(s, 1, &s->arena);
  for (int i = 0; i < s->nareas; i++) assert_string_equal(one[i], s->areas[i].name);
  mtm_map_shapes_free(s);

  /* in the SVG: the area's title and, when labelled, its label */
  spec_init(&sp, 2);
  mtm_map_value v[2] = {{"KZ711110", 90000}, {"KZ391000", 10}};
  sp.values = v;
  sp.nvalues = 2;
  mtm_buf svg;
  mtm_buf_init(&svg);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  assert_non_null(strstr(svg.p, "<title>Almaty (Astana): 90,000</title>"));
  mtm_buf_free(&svg);
}

/* A district map draws the cities that are regions (Almaty, Astana,
 * Shymkent: a few districts in a few px) in insets under the map, each
 * with its name, every one of its districts in the map's classes and a
 * frame around the city on the map; the map's region names are written;
 * a region map, or no_insets, has none. */
static void cities_drawn_in_insets(void **state) {
  fx *f = *state;
  mtm_map_spec sp;
  spec_init(&sp, 2);
  mtm_map_shapes *s;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_map_shapes_load(f->st, &sp, 8, &s, &err), 0);
  mtm_map_inset *ins;
  int n = mtm_map_insets(s, &s->arena, &ins);
  assert_int_equal(n, 3);
  assert_string_equal(ins[0].pcode, "KZ71");
  assert_string_equal(ins[1].pcode, "KZ75");
  assert_string_equal(ins[2].pcode, "KZ79");
  for (int k = 0; k < n; k++) assert_true(ins[k].x1 - ins[k].x0 < 0.05 * s->width);
  int districts[3] = {0, 0, 0};
  for (int i = 0; i < s->nareas; i++)
    for (int k = 0; k < n; k++)
      if (s->areas[i].parent && !strcmp(s->areas[i].parent, ins[k].pcode)) districts[k]++;
  mtm_map_shapes_free(s);

  mtm_arena a;
  mtm_arena_init(&a);
  mtm_area *ar;
  int na;
  assert_int_equal(mtm_geo_list(f->st, 2, "2024-06-01", &a, &ar, &na, &err), 0);
  mtm_map_value *v = calloc((size_t)na, sizeof *v);
  for (int i = 0; i < na; i++) v[i] = (mtm_map_value){ar[i].pcode, (double)(i % 7) * 100 + 50};
  sp.values = v;
  sp.nvalues = na;
  mtm_buf svg;
  mtm_buf_init(&svg);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  const char *regions[3] = {"KZ71", "KZ75", "KZ79"};
  for (int k = 0; k < 3; k++) {
    char want[96];
    snprintf(want, sizeof want, "<g class=\"inset\" data-region=\"%s\">", regions[k]);
    const char *g = strstr(svg.p, want);
    assert_non_null(g);
    const char *end = strstr(g, "</g>\n</g>\n"); /* the inset's districts, then its labels */
    assert_non_null(end);
    char *part = strndup(g, (size_t)(end - g));
    assert_int_equal(count(part, "<path data-inset-pcode=\"KZ"), districts[k]);
    assert_true(districts[k] >= 3);
    assert_true(count(part, "<text data-inset-pcode=") >= 2); /* readable: labelled */
    free(part);
    snprintf(want, sizeof want, "<rect class=\"inset-frame\" data-region=\"%s\"", regions[k]);
    assert_non_null(strstr(svg.p, want));
  }
  assert_true(count(svg.p, "<text data-region=") >= 15); /* region names */
  assert_int_equal(count(svg.p, "<path id="), na); /* the map itself is unchanged */
  mtm_buf_free(&svg);

  sp.no_insets = 1;
  mtm_buf_init(&svg);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  assert_null(strstr(svg.p, "class=\"inset"));
  mtm_buf_free(&svg);
  spec_init(&sp, 1);
  mtm_buf_init(&svg);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  assert_null(strstr(svg.p, "class=\"inset"));
  mtm_buf_free(&svg);
  free(v);
  mtm_arena_free(&a);
}

/* The source line under the map: the data's source, then the boundaries'
 * provenance as imported (the file's name, else areas import --source). */
static void source_line_names_the_boundaries(void **state) {
  fx *f = *state;
  mtm_map_spec sp;
  spec_init(&sp, 1);
  sp.source = "Source: IOM MTM key-informant baseline, Round 2 (2023)";
  mtm_buf svg;
  mtm_buf_init(&svg);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  assert_non_null(strstr(svg.p, "<g class=\"source\">\n<text "));
  assert_non_null(strstr(svg.p, ">Source: IOM MTM key-informant baseline, Round 2 (2023); boundaries: "
                                "kaz_admbnda_adm1_2024.geojson.</text>"));
  mtm_buf_free(&svg);
  mtm_geo_import_opts o;
  mtm_geo_import_opts_init(&o);
  o.source = "geokz 2024 (CC BY 4.0)";
  mtm_geo_import_stats st;
  assert_int_equal(mtm_geo_import(f->st, "data/geo/kazakhstan/kaz_admbnda_adm1_2024.geojson", &o, &st, &err), 0);
  sp.lang = "ru";
  sp.source = NULL;
  mtm_buf_init(&svg);
  assert_int_equal(mtm_map_choropleth_svg(f->st, &sp, &svg, &err), 0);
  assert_non_null(strstr(svg.p, ">Границы: geokz 2024 (CC BY 4.0).</text>"));
  mtm_buf_free(&svg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(neighbours_share_identical_borders, setup, teardown),
      cmocka_unit_test_setup_teardown(adm2_choropleth, setup, teardown),
      cmocka_unit_test_setup_teardown(drawn_with_librsvg, setup, teardown),
      cmocka_unit_test_setup_teardown(adm2_under_a_region_in_russian, setup, teardown),
      cmocka_unit_test_setup_teardown(adm1_shares_in_percent, setup, teardown),
      cmocka_unit_test_setup_teardown(labels_never_overlap, setup, teardown),
      cmocka_unit_test_setup_teardown(a_point_is_not_a_boundary, setup, teardown),
      cmocka_unit_test_setup_teardown(errors_name_level_and_date, setup, teardown),
      cmocka_unit_test_setup_teardown(ambiguous_names_name_their_region, setup, teardown),
      cmocka_unit_test_setup_teardown(cities_drawn_in_insets, setup, teardown),
      cmocka_unit_test_setup_teardown(source_line_names_the_boundaries, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
