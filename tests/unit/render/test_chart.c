/* Unit tests of render: chart SVGs against golden files, a geometric check
 * that no two labels overlap, number formats per language, suppression
 * marks, error sentences, and librsvg drawing the SVGs into a PDF whose
 * text (pdftotext) holds the labels.
 *
 * MTM_UPDATE_GOLDEN=1 rewrites tests/fixtures/render/<name>.svg from the
 * current output instead of comparing; MTM_RENDER_PNG_DIR=dir also writes
 * each golden chart as dir/<name>.png for a look. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prose/prose.h"
#include "render/render.h"

/* ---- the sample charts -------------------------------------------------- */

static const char *const reason_cats[] = {
    "Higher wages than at home", "No work at home", "Family reunification",
    "Studies", "Escape from conflict, violence or persecution in the country of origin or of habitual residence", "Other"};
static const double reason_w[] = {0.55, 0.21, 0.12, 0.05, 0.03, 0.04};
static const double reason_m[] = {0.68, 0.18, 0.04, 0.02, NAN, 0.08};
static const double reason_wn[] = {120, 46, 26, 11, 4, 9};
static const double reason_mn[] = {310, 82, 18, 9, 2, 36};
static const mtm_chart_series reason_series[] = {{"Women", reason_w, reason_wn},
                                                 {"Men", reason_m, reason_mn}};

/* A select_one by sex: two series, percentages, a suppressed value. */
static mtm_chart hbar_by_sex(void) {
  mtm_chart c = {.type = MTM_CHART_HBAR, .title = "Main reason for migration, by sex",
                 .ncat = 6, .cats = reason_cats, .nseries = 2, .series = reason_series,
                 .percent = 1, .lang = "en", .note = "n = 1,129 respondents", .small_n = 10};
  return c;
}

static const char *const status_cats[] = {"Permanent residence", "Temporary residence",
                                          "Work permit only", "No document"};
static const double status_r1[] = {0.12, 0.46, 0.31, 0.11};
static const double status_r2[] = {0.18, 0.52, 0.27, 0.03};
static const mtm_chart_series status_series[] = {{"Round 1 (2022)", status_r1, NULL},
                                                 {"Round 2 (2023)", status_r2, NULL}};

static mtm_chart stacked(void) {
  mtm_chart c = {.type = MTM_CHART_STACK100, .title = "Legal status of migrant workers",
                 .ncat = 4, .cats = status_cats, .nseries = 2, .series = status_series,
                 .percent = 1, .lang = "en", .note = "Round 1: n = 1,048; Round 2: n = 1,129"};
  return c;
}

static const char *const contract_cats[] = {"Written contract", "Verbal agreement",
                                            "No agreement", "Don't know"};
static const double contract_v[] = {412, 598, 87, 32};
static const mtm_chart_series contract_series[] = {{NULL, contract_v, NULL}};

static mtm_chart donut(void) {
  mtm_chart c = {.type = MTM_CHART_DONUT, .title = "Type of employment agreement", .ncat = 4,
                 .cats = contract_cats, .nseries = 1, .series = contract_series, .percent = 0,
                 .lang = "en", .note = "n = 1,129"};
  return c;
}

static const char *const diff_cats[] = {"Language barrier", "Finding housing",
                                        "Low wages", "Registration with the migration service",
                                        "Discrimination", "Access to health care", "None"};
static const double diff_v[] = {0.21, 0.38, 0.44, 0.29, 0.07, 0.18, 0.25};
static const double diff_n[] = {237, 429, 497, 327, 79, 203, 282};
static const mtm_chart_series diff_series[] = {{NULL, diff_v, diff_n}};

static mtm_chart multi(void) {
  mtm_chart c = {.type = MTM_CHART_MULTI, .title = "Difficulties faced in Kazakhstan",
                 .ncat = 7, .cats = diff_cats, .nseries = 1, .series = diff_series,
                 .percent = 1, .lang = "en", .note = "n = 1,129"};
  return c;
}

static const char *const age_cats[] = {"18–24", "25–29", "30–34", "35–39", "40–44",
                                       "45–49", "50–54", "55–59", "60+"};
static const double age_v[] = {143, 251, 236, 188, 129, 87, 55, 28, 12};
static const mtm_chart_series age_series[] = {{NULL, age_v, NULL}};

static mtm_chart hist(void) {
  mtm_chart c = {.type = MTM_CHART_HIST, .title = "Age of respondents (years)", .ncat = 9,
                 .cats = age_cats, .nseries = 1, .series = age_series, .lang = "en",
                 .note = "n = 1,129"};
  return c;
}

static const char *const oblast_cats[] = {"Қарағанды облысы", "Алматы қаласы",
                                          "Түркістан облысы", "Шығыс Қазақстан облысы",
                                          "Ұлытау облысы"};
static const double oblast_v[] = {0.553, 0.421, 0.307, 0.125, NAN};
static const double oblast_n[] = {1129, 804, 412, 7, 3};
static const mtm_chart_series oblast_series[] = {{"Раунд 2", oblast_v, oblast_n}};

/* Russian number format, Kazakh place names, a dagger and a suppression. */
static mtm_chart kazakh(void) {
  mtm_chart c = {.type = MTM_CHART_HBAR, .title = "Доля трудовых мигрантов с договором",
                 .ncat = 5, .cats = oblast_cats, .nseries = 1, .series = oblast_series,
                 .percent = 1, .decimals = 1, .lang = "ru", .note = "n = 2\u00a0355",
                 .small_n = 10};
  return c;
}

static const char *const q_cats[] = {"2020", "2021", "2022", "2023 Q1"};
static const double q_in[] = {1520, 1890, 2460, 780};
static const double q_out[] = {1210, 1330, 1745, 512};
static const mtm_chart_series q_series[] = {{"Arrivals", q_in, NULL}, {"Departures", q_out, NULL}};

static mtm_chart vbar(void) {
  mtm_chart c = {.type = MTM_CHART_VBAR, .title = "Arrivals and departures by period",
                 .ncat = 4, .cats = q_cats, .nseries = 2, .series = q_series, .lang = "en",
                 .note = "Key informant estimates, 24 rayons"};
  return c;
}

static const char *const sector_cats[] = {
    "Construction", "Trade and retail services", "Agriculture, forestry and fishing",
    "Transport and logistics", "Hotels and restaurants", "Domestic work and care",
    "Manufacturing", "Mining and quarrying", "Education", "Other"};
static const double sector_a[] = {0.312, 0.204, 0.151, 0.098, 0.072, 0.061, 0.05, 0.023, 0.018, 0.011};
static const double sector_b[] = {0.287, 0.221, 0.133, 0.12, 0.08, 0.04, 0.061, 0.031, NAN, 0.027};
static const double sector_c[] = {0.3, 0.2, 0.14, 0.1, 0.09, 0.05, 0.06, 0.03, 0.02, 0.01};
static const mtm_chart_series sector_series[] = {
    {"Round 1", sector_a, NULL}, {"Round 2", sector_b, NULL}, {"Round 3 (projected)", sector_c, NULL}};

/* Not golden: a crowded chart for the overlap check, many long labels. */
static mtm_chart crowded_vbar(void) {
  mtm_chart c = {.type = MTM_CHART_VBAR, .title = "Sector of employment by round", .ncat = 10,
                 .cats = sector_cats, .nseries = 3, .series = sector_series, .percent = 1,
                 .decimals = 1, .lang = "en"};
  return c;
}

static mtm_chart crowded_hbar(void) {
  mtm_chart c = crowded_vbar();
  c.type = MTM_CHART_HBAR;
  return c;
}

static const char *const yesno_cats[] = {"Yes", "No"};
static const double yesno_all[] = {0.62, 0.38};
static const double yesno_w[] = {0.71, 0.29};
static const double yesno_m[] = {0.57, 0.43};
static const double yesno_wn[] = {160, 65};
static const double yesno_mn[] = {520, 384};
static const mtm_chart_series yesno_series[] = {{NULL, yesno_all, NULL}};
static const mtm_chart_series yesno_sex_series[] = {{"Women", yesno_w, yesno_wn},
                                                    {"Men", yesno_m, yesno_mn}};

/* A yes/no question: one 100% bar split in two, "Yes 62%" | "No 38%". */
static mtm_chart yesno(void) {
  mtm_chart c = {.type = MTM_CHART_STACK100, .title = "Has a written contract", .ncat = 2,
                 .cats = yesno_cats, .nseries = 1, .series = yesno_series, .percent = 1,
                 .lang = "en", .note = "n = 1,129"};
  return c;
}

/* The same question by sex: one such bar per group. */
static mtm_chart yesno_by_sex(void) {
  mtm_chart c = yesno();
  c.title = "Has a written contract, by sex";
  c.nseries = 2;
  c.series = yesno_sex_series;
  return c;
}

typedef mtm_chart (*maker)(void);
static const struct {
  const char *name;
  maker make;
} goldens[] = {{"hbar_by_sex", hbar_by_sex}, {"stacked", stacked}, {"donut", donut},
               {"multi", multi},             {"hist", hist},       {"kazakh", kazakh},
               {"vbar", vbar},               {"yesno", yesno},     {"yesno_by_sex", yesno_by_sex}};
#define NGOLD ((int)(sizeof goldens / sizeof goldens[0]))

/* ---- helpers ------------------------------------------------------------ */

static void draw(const mtm_chart *c, mtm_buf *b) {
  mtm_err e;
  mtm_err_clear(&e);
  mtm_buf_init(b);
  int rc = mtm_chart_svg(c, b, &e);
  if (rc) fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, 0);
}

/* One <text> or <rect> of our own output: its axis-aligned box before any
 * rotation, and its four corners after it. */
typedef struct box {
  double x0, y0, x1, y1;
  double px[4], py[4];
  char s[256];
  int text;
} box;

/* Fills the corners from the box, turned by deg about cx, cy. */
static void corners(box *b, double deg, double cx, double cy) {
  double xs[4] = {b->x0, b->x1, b->x1, b->x0}, ys[4] = {b->y0, b->y0, b->y1, b->y1};
  double a = deg * M_PI / 180, c = cos(a), s = sin(a);
  for (int i = 0; i < 4; i++) {
    double dx = xs[i] - cx, dy = ys[i] - cy;
    b->px[i] = cx + dx * c - dy * s;
    b->py[i] = cy + dx * s + dy * c;
  }
}

static double attr(const char *el, const char *end, const char *name, double dflt) {
  char key[32];
  snprintf(key, sizeof key, " %s=\"", name);
  const char *p = strstr(el, key);
  if (!p || p > end) return dflt;
  return strtod(p + strlen(key), NULL);
}

static int has_attr(const char *el, const char *end, const char *kv) {
  const char *p = strstr(el, kv);
  return p && p < end;
}

/* Parses the texts and rectangles of svg into boxes: a text's box is its
 * measured advance (anchored) by the glyph height around the baseline. */
static int parse_boxes(const char *svg, box *out, int max) {
  int n = 0;
  for (const char *p = svg; (p = strstr(p, "<")) && n < max; p++) {
    int is_text = strncmp(p, "<text ", 6) == 0, is_rect = strncmp(p, "<rect ", 6) == 0;
    if (!is_text && !is_rect) continue;
    const char *gt = strchr(p, '>');
    box *b = &out[n];
    memset(b, 0, sizeof *b);
    if (is_rect) {
      b->x0 = attr(p, gt, "x", 0);
      b->y0 = attr(p, gt, "y", 0);
      b->x1 = b->x0 + attr(p, gt, "width", 0);
      b->y1 = b->y0 + attr(p, gt, "height", 0);
      corners(b, 0, 0, 0);
      n++;
      continue;
    }
    b->text = 1;
    const char *close = strstr(gt, "</text>");
    size_t k = 0;
    for (const char *q = gt + 1; q < close && k < sizeof b->s - 1; q++) {
      if (*q == '&') {
        const char *semi = strchr(q, ';');
        char ent[8] = "";
        memcpy(ent, q, (size_t)(semi - q + 1) < 7 ? (size_t)(semi - q + 1) : 7);
        b->s[k++] = !strcmp(ent, "&amp;") ? '&' : !strcmp(ent, "&lt;") ? '<'
                    : !strcmp(ent, "&gt;") ? '>' : '"';
        q = semi;
      } else {
        b->s[k++] = *q;
      }
    }
    b->s[k] = 0;
    double x = attr(p, gt, "x", 0), y = attr(p, gt, "y", 0), fs = attr(p, gt, "font-size", 0);
    int bold = has_attr(p, gt, "font-weight=\"bold\"");
    double w = mtm_render_text_width(b->s, fs, bold);
    if (has_attr(p, gt, "text-anchor=\"middle\"")) x -= w / 2;
    else if (has_attr(p, gt, "text-anchor=\"end\"")) x -= w;
    b->x0 = x;
    b->x1 = x + w;
    b->y0 = y - 0.75 * fs;
    b->y1 = y + 0.22 * fs;
    const char *rot = strstr(p, "transform=\"rotate(");
    double deg = 0, cx = 0, cy = 0;
    if (rot && rot < gt) sscanf(rot + 18, "%lf %lf %lf", &deg, &cx, &cy);
    corners(b, deg, cx, cy);
    n++;
  }
  return n;
}

/* True when the two (possibly turned) rectangles share more than a
 * hundredth of a pixel: no separating axis among their edge normals. */
static int overlap(const box *a, const box *b) {
  const box *pb[2] = {a, b};
  for (int k = 0; k < 2; k++)
    for (int e = 0; e < 2; e++) {
      const box *q = pb[k];
      double nx = -(q->py[e + 1] - q->py[e]), ny = q->px[e + 1] - q->px[e];
      double len = sqrt(nx * nx + ny * ny);
      if (len == 0) return 0;
      nx /= len;
      ny /= len;
      double amin = 1e18, amax = -1e18, bmin = 1e18, bmax = -1e18;
      for (int i = 0; i < 4; i++) {
        double pa = a->px[i] * nx + a->py[i] * ny, pbv = b->px[i] * nx + b->py[i] * ny;
        amin = fmin(amin, pa), amax = fmax(amax, pa);
        bmin = fmin(bmin, pbv), bmax = fmax(bmax, pbv);
      }
      if (amax <= bmin + 0.01 || bmax <= amin + 0.01) return 0;
    }
  return 1;
}

/* True when every corner of a lies in the (unturned) rectangle b. */
static int inside(const box *a, const box *b) {
  for (int i = 0; i < 4; i++)
    if (a->px[i] < b->x0 - 0.01 || a->px[i] > b->x1 + 0.01 || a->py[i] < b->y0 - 0.01 ||
        a->py[i] > b->y1 + 0.01)
      return 0;
  return 1;
}

/* Returns the number of layout faults in svg, printing each: two texts
 * overlapping, a text partly over a bar, a text outside the canvas. */
static int layout_faults(const char *svg) {
  static box bx[2000];
  int n = parse_boxes(svg, bx, 2000), faults = 0;
  const char *w = strstr(svg, " width=\""), *h = strstr(svg, " height=\"");
  double W = strtod(w + 8, NULL), H = strtod(h + 9, NULL);
  for (int i = 0; i < n; i++) {
    if (!bx[i].text) continue;
    for (int k = 0; k < 4; k++)
      if (bx[i].px[k] < -0.01 || bx[i].px[k] > W + 0.01 || bx[i].py[k] < -0.01 ||
          bx[i].py[k] > H + 0.01) {
        fprintf(stderr, "text '%s' leaves the canvas\n", bx[i].s);
        faults++;
        break;
      }
    for (int j = 0; j < n; j++) {
      if (j == i || (bx[j].text && j < i)) continue;
      if (!overlap(&bx[i], &bx[j])) continue;
      if (!bx[j].text && inside(&bx[i], &bx[j])) continue;
      fprintf(stderr, "text '%s' overlaps %s '%s'\n", bx[i].s, bx[j].text ? "text" : "a bar",
              bx[j].s);
      faults++;
    }
  }
  return faults;
}

static char *fixture_path(const char *name) {
  static char p[512];
  snprintf(p, sizeof p, "tests/fixtures/render/%s.svg", name);
  return p;
}

/* Draws svg onto a PNG of its own size (for looking at it). */
static void write_png(const char *svg, const char *path) {
  double w = strtod(strstr(svg, " width=\"") + 8, NULL);
  double h = strtod(strstr(svg, " height=\"") + 9, NULL);
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * 1.5),
                                                  (int)(h * 1.5));
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  mtm_err e;
  mtm_err_clear(&e);
  double used = 0;
  assert_int_equal(mtm_render_svg_cairo(cr, svg, strlen(svg), 0, 0, w * 1.5, &used, &e), 0);
  cairo_surface_write_to_png(s, path);
  cairo_destroy(cr);
  cairo_surface_destroy(s);
}

/* ---- tests -------------------------------------------------------------- */

static void golden_files_match(void **state) {
  (void)state;
  int update = getenv("MTM_UPDATE_GOLDEN") && !strcmp(getenv("MTM_UPDATE_GOLDEN"), "1");
  const char *pngdir = getenv("MTM_RENDER_PNG_DIR");
  for (int i = 0; i < NGOLD; i++) {
    mtm_chart c = goldens[i].make();
    mtm_buf b;
    draw(&c, &b);
    mtm_err e;
    mtm_err_clear(&e);
    if (update) {
      assert_int_equal(mtm_buf_write_file(&b, fixture_path(goldens[i].name), "golden", &e), 0);
    } else {
      mtm_buf want;
      mtm_buf_init(&want);
      int rc = mtm_buf_read_file(&want, fixture_path(goldens[i].name), &e);
      if (rc) fprintf(stderr, "%s (run with MTM_UPDATE_GOLDEN=1 to create it)\n", e.msg);
      assert_int_equal(rc, 0);
      if (want.n != b.n || memcmp(want.p, b.p, b.n) != 0) {
        size_t k = 0, line = 1;
        while (k < want.n && k < b.n && want.p[k] == b.p[k]) line += want.p[k++] == '\n';
        fprintf(stderr, "%s differs from its golden file at line %zu\n", goldens[i].name, line);
      }
      assert_int_equal(want.n, b.n);
      assert_memory_equal(want.p, b.p, b.n);
      mtm_buf_free(&want);
    }
    if (pngdir) {
      char p[512];
      snprintf(p, sizeof p, "%s/%s.png", pngdir, goldens[i].name);
      write_png(b.p, p);
    }
    mtm_buf_free(&b);
  }
}

static void output_is_deterministic_and_standalone(void **state) {
  (void)state;
  for (int i = 0; i < NGOLD; i++) {
    mtm_chart c = goldens[i].make();
    mtm_buf a, b;
    draw(&c, &a);
    draw(&c, &b);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.p, b.p, a.n);
    assert_true(strncmp(a.p, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640.00\" height=\"",
                        62) == 0);
    assert_non_null(strstr(a.p, " viewBox=\"0 0 640.00 "));
    assert_non_null(strstr(a.p, " font-family=\"DejaVu Sans\" role=\"img\">\n<title>"));
    assert_null(strstr(a.p, "href"));
    assert_null(strstr(a.p, "url("));
    assert_null(strstr(a.p + 40, "http"));
    assert_string_equal(a.p + a.n - 7, "</svg>\n");
    mtm_buf_free(&a);
    mtm_buf_free(&b);
  }
}

static const struct {
  const char *name;
  maker make;
} crowded[] = {{"crowded_vbar", crowded_vbar}, {"crowded_hbar", crowded_hbar}};

static void no_label_overlaps_anything(void **state) {
  (void)state;
  int nall = NGOLD + 2;
  for (int i = 0; i < nall; i++) {
    mtm_chart c = i < NGOLD ? goldens[i].make() : crowded[i - NGOLD].make();
    const char *name = i < NGOLD ? goldens[i].name : crowded[i - NGOLD].name;
    mtm_buf b;
    draw(&c, &b);
    if (layout_faults(b.p)) fprintf(stderr, "in chart %s\n", name);
    assert_int_equal(layout_faults(b.p), 0);
    const char *pngdir = getenv("MTM_RENDER_PNG_DIR");
    if (pngdir && i >= NGOLD) {
      char p[512];
      snprintf(p, sizeof p, "%s/%s.png", pngdir, name);
      write_png(b.p, p);
    }
    /* The same chart squeezed to 360 and 280 px must still not overlap. */
    for (int k = 0; k < 2; k++) {
      c.width = k ? 280 : 360;
      mtm_buf_free(&b);
      draw(&c, &b);
      if (layout_faults(b.p)) fprintf(stderr, "in chart %s at %.0f px\n", name, c.width);
      assert_int_equal(layout_faults(b.p), 0);
      if (pngdir) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s_%.0f.png", pngdir, name, c.width);
        write_png(b.p, p);
      }
    }
    mtm_buf_free(&b);
  }
}

static void the_checker_sees_an_overlap(void **state) {
  (void)state;
  /* The geometric check must be able to fail. */
  const char *bad = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100.00\" height=\"50.00\">"
                    "<text x=\"10.00\" y=\"20.00\" font-size=\"12.00\" fill=\"#000\">Women</text>"
                    "<text x=\"30.00\" y=\"22.00\" font-size=\"12.00\" fill=\"#000\">Men</text>"
                    "</svg>";
  assert_int_equal(layout_faults(bad), 1);
  const char *over_bar =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100.00\" height=\"50.00\">"
      "<rect x=\"0.00\" y=\"0.00\" width=\"20.00\" height=\"16.00\" fill=\"#000\"/>"
      "<text x=\"10.00\" y=\"12.00\" font-size=\"11.00\" fill=\"#000\">55%</text></svg>";
  assert_int_equal(layout_faults(over_bar), 1);
  /* Two labels turned 45 degrees, 6 px apart: closer than a line. */
  const char *turned =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200.00\" height=\"200.00\">"
      "<text x=\"100.00\" y=\"20.00\" font-size=\"12.00\" text-anchor=\"end\" "
      "transform=\"rotate(-45.00 100.00 20.00)\" fill=\"#000\">Construction</text>"
      "<text x=\"106.00\" y=\"20.00\" font-size=\"12.00\" text-anchor=\"end\" "
      "transform=\"rotate(-45.00 106.00 20.00)\" fill=\"#000\">Manufacturing</text></svg>";
  assert_int_equal(layout_faults(turned), 1);
}

static void hbar_labels_values_and_marks(void **state) {
  (void)state;
  mtm_chart c = hbar_by_sex();
  mtm_buf b;
  draw(&c, &b);
  /* A long label wrapped over three lines, whole (ROW_LABEL_LINES). */
  assert_non_null(strstr(b.p, ">Escape from conflict, violence or</text>"));
  assert_non_null(strstr(b.p, ">of habitual residence</text>"));
  assert_null(strstr(b.p, "\xe2\x80\xa6</text>"));
  /* 55% of women is long enough to hold its label inside, in white. */
  assert_non_null(strstr(b.p, "fill=\"#ffffff\">55%</text>"));
  /* Men's suppressed value: a dash, no bar; a dagger for n = 4 < 10. */
  assert_non_null(strstr(b.p, "fill=\"#6b6b6b\">\xe2\x80\x93</text>"));
  assert_non_null(strstr(b.p, ">3%\xe2\x80\xa0</text>"));
  assert_non_null(strstr(b.p, ">\xe2\x80\xa0 fewer than 10 respondents</text>"));
  assert_non_null(strstr(b.p, ">n = 1,129 respondents</text>"));
  /* The legend names both series. */
  assert_non_null(strstr(b.p, ">Women</text>"));
  assert_non_null(strstr(b.p, ">Men</text>"));
  /* Eleven bars: twelve values less the suppressed one. */
  int bars = 0;
  for (const char *p = b.p; (p = strstr(p, "<rect ")); p++)
    if (strstr(p, "height=\"16.00\"") && strstr(p, "height=\"16.00\"") < strchr(p, '>')) bars++;
  assert_int_equal(bars, 11);
  mtm_buf_free(&b);
}

static void russian_numbers_and_kazakh_labels(void **state) {
  (void)state;
  mtm_chart c = kazakh();
  mtm_buf b;
  draw(&c, &b);
  assert_non_null(strstr(b.p, ">55,3\xc2\xa0%</text>"));
  assert_non_null(strstr(b.p, ">12,5\xc2\xa0%\xe2\x80\xa0</text>"));
  assert_non_null(strstr(b.p, ">Қарағанды облысы</text>"));
  assert_non_null(strstr(b.p, ">\xe2\x80\xa0 менее 10 респондентов</text>"));
  assert_null(strstr(b.p, "55.3"));
  mtm_buf_free(&b);

  /* Counts: grouped with a comma in English, a no-break space in Russian. */
  mtm_chart d = donut();
  draw(&d, &b);
  assert_non_null(strstr(b.p, ">598 (53%)</text>"));
  mtm_buf_free(&b);
  static const double big[] = {1129, 24500};
  static const mtm_chart_series bs[] = {{NULL, big, NULL}};
  static const char *const cats[] = {"Женщины", "Мужчины"};
  mtm_chart e = {.type = MTM_CHART_VBAR, .ncat = 2, .cats = cats, .nseries = 1, .series = bs,
                 .lang = "ru"};
  draw(&e, &b);
  assert_non_null(strstr(b.p, ">1\xc2\xa0""129</text>"));
  assert_non_null(strstr(b.p, ">24\xc2\xa0""500</text>"));
  /* An untitled chart's accessible name is in the chart's language. */
  assert_non_null(strstr(b.p, "<title>Вертикальная столбчатая диаграмма</title>"));
  mtm_buf_free(&b);
  e.lang = "en";
  draw(&e, &b);
  assert_non_null(strstr(b.p, "<title>Vertical bar chart</title>"));
  assert_non_null(strstr(b.p, ">1,129</text>"));
  assert_non_null(strstr(b.p, ">24,500</text>"));
  mtm_buf_free(&b);
}

static void percents_agree_with_prose(void **state) {
  (void)state;
  /* Every value on a rounding boundary (0.565, 0.0125, ...) prints in the
   * chart exactly as the report's sentences print it. */
  enum { N = 201 };
  static double v[N];
  static char names[N][16];
  static const char *cats[N];
  for (int lang = 0; lang < 2; lang++) {
    for (int k = 0; k < N; k++) {
      v[k] = lang ? 0.2 + k * 0.0005 : k * 0.005;
      snprintf(names[k], sizeof names[k], "c%d", k);
      cats[k] = names[k];
    }
    mtm_chart_series s = {NULL, v, NULL};
    mtm_chart c = {.type = MTM_CHART_HBAR, .ncat = N, .cats = cats, .nseries = 1, .series = &s,
                   .percent = 1, .decimals = lang, .lang = lang ? "ru" : "en"};
    mtm_buf b, want;
    draw(&c, &b);
    mtm_buf_init(&want);
    const char *p = b.p;
    for (int k = 0; k < N; k++) {
      mtm_buf_reset(&want);
      mtm_buf_addc(&want, '>');
      mtm_prose_percent(&want, lang ? MTM_PROSE_RU : MTM_PROSE_EN, v[k], lang);
      mtm_buf_adds(&want, "</text>");
      const char *q = strstr(p, want.p);
      if (!q) fprintf(stderr, "value %.4f: %s not found in order\n", v[k], want.p);
      assert_non_null(q);
      p = q + 1;
    }
    mtm_buf_free(&want);
    mtm_buf_free(&b);
  }
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_prose_percent(&b, MTM_PROSE_EN, 0.565, 0);
  assert_string_equal(b.p, "57%");
  mtm_buf_free(&b);
}

static void multi_sorted_with_its_note(void **state) {
  (void)state;
  mtm_chart c = multi();
  mtm_buf b;
  draw(&c, &b);
  const char *order[] = {">Low wages<", ">Finding housing<", ">Registration with the",
                         ">None<", ">Language barrier<", ">Access to health care<",
                         ">Discrimination<"};
  const char *prev = b.p;
  for (int i = 0; i < 7; i++) {
    const char *p = strstr(b.p, order[i]);
    assert_non_null(p);
    assert_true(p > prev);
    prev = p;
  }
  assert_non_null(strstr(b.p, ">Respondents could give more than one answer, so percentages may "
                              "add up to more than 100.</text>"));
  mtm_buf_free(&b);
}

static void stacked_segments_and_hist_bins(void **state) {
  (void)state;
  mtm_chart c = stacked();
  mtm_buf b;
  draw(&c, &b);
  /* 3% of Round 2 is too narrow for its label; 52% holds it. */
  assert_non_null(strstr(b.p, ">52%</text>"));
  assert_null(strstr(b.p, ">3%</text>"));
  assert_non_null(strstr(b.p, ">Round 1 (2022)</text>"));
  assert_non_null(strstr(b.p, ">No document</text>"));
  mtm_buf_free(&b);
  /* A small n on a segment too narrow for its label: no mark drawn, so
   * no note about marks; on a wide segment, mark and note. */
  static const double n2[] = {190, 560, 300, 2};
  mtm_chart_series ss[2] = {status_series[0], status_series[1]};
  ss[1].n = n2;
  c.series = ss;
  c.small_n = 5;
  draw(&c, &b);
  assert_null(strstr(b.p, "fewer than"));
  mtm_buf_free(&b);
  static const double n3[] = {190, 3, 300, 20};
  ss[1].n = n3;
  draw(&c, &b);
  assert_non_null(strstr(b.p, ">52%\xe2\x80\xa0</text>"));
  assert_non_null(strstr(b.p, ">\xe2\x80\xa0 fewer than 5 respondents</text>"));
  mtm_buf_free(&b);
  mtm_chart h = hist();
  draw(&h, &b);
  assert_non_null(strstr(b.p, ">251</text>"));
  assert_non_null(strstr(b.p, ">60+</text>"));
  mtm_buf_free(&b);
  /* Every class is labelled: at 240 px smaller or turned, never squeezed
   * together. */
  for (int w = 200; w <= 400; w += 40) {
    h.width = w;
    draw(&h, &b);
    for (int j = 0; j < h.ncat; j++) {
      char want[64];
      snprintf(want, sizeof want, ">%s</text>", age_cats[j]);
      assert_non_null(strstr(b.p, want));
    }
    assert_int_equal(layout_faults(b.p), 0);
    mtm_buf_free(&b);
  }
  /* At 240 px they turn 45 degrees. */
  h.width = 240;
  draw(&h, &b);
  assert_non_null(strstr(b.p, "rotate(-45.00"));
  mtm_buf_free(&b);
  /* Forty classes of wide labels still never touch. */
  static const char *const many[40] = {
      "1,000–1,050", "1,050–1,100", "1,100–1,150", "1,150–1,200", "1,200–1,250", "1,250–1,300",
      "1,300–1,350", "1,350–1,400", "1,400–1,450", "1,450–1,500", "1,500–1,550", "1,550–1,600",
      "1,600–1,650", "1,650–1,700", "1,700–1,750", "1,750–1,800", "1,800–1,850", "1,850–1,900",
      "1,900–1,950", "1,950–2,000", "2,000–2,050", "2,050–2,100", "2,100–2,150", "2,150–2,200",
      "2,200–2,250", "2,250–2,300", "2,300–2,350", "2,350–2,400", "2,400–2,450", "2,450–2,500",
      "2,500–2,550", "2,550–2,600", "2,600–2,650", "2,650–2,700", "2,700–2,750", "2,750–2,800",
      "2,800–2,850", "2,850–2,900", "2,900–2,950", "2,950–3,000"};
  double mv[40];
  for (int j = 0; j < 40; j++) mv[j] = 10 + (j * 7) % 23;
  mtm_chart_series ms[1] = {{NULL, mv, NULL}};
  h.ncat = 40;
  h.cats = many;
  h.series = ms;
  h.width = 0;
  draw(&h, &b);
  assert_non_null(strstr(b.p, ">2,950–3,000</text>"));
  assert_non_null(strstr(b.p, ">1,050–1,100</text>"));
  assert_int_equal(layout_faults(b.p), 0);
  mtm_buf_free(&b);
}

/* A two-answer bar names each share in its segment ("Yes 62%"), with
 * the legend still present; a segment too narrow for the name keeps the
 * share alone. */
static void yesno_bar_names_its_shares(void **state) {
  (void)state;
  mtm_chart c = yesno();
  mtm_buf b;
  draw(&c, &b);
  assert_non_null(strstr(b.p, ">Yes 62%</text>"));
  assert_non_null(strstr(b.p, ">No 38%</text>"));
  assert_int_equal(layout_faults(b.p), 0);
  mtm_buf_free(&b);
  c = yesno_by_sex();
  draw(&c, &b);
  assert_non_null(strstr(b.p, ">Yes 71%</text>"));
  assert_non_null(strstr(b.p, ">No 43%</text>"));
  assert_non_null(strstr(b.p, ">Women</text>"));
  assert_non_null(strstr(b.p, ">Men</text>"));
  assert_int_equal(layout_faults(b.p), 0);
  mtm_buf_free(&b);
  static const double thin[] = {0.96, 0.04};
  mtm_chart_series ts[1] = {{NULL, thin, NULL}};
  c = yesno();
  c.series = ts;
  c.width = 300;
  draw(&c, &b);
  assert_non_null(strstr(b.p, ">Yes 96%</text>"));
  /* 4% is too narrow for its label: it goes under the bar's right end */
  assert_non_null(strstr(b.p, "text-anchor=\"end\" fill=\"#1a1a1a\">No 4%</text>"));
  assert_int_equal(layout_faults(b.p), 0);
  mtm_buf_free(&b);
}

static void text_is_escaped(void **state) {
  (void)state;
  static const char *const cats[] = {"Trade & services <retail>", "\"Other\""};
  static const double v[] = {0.5, 0.5};
  static const mtm_chart_series s[] = {{NULL, v, NULL}};
  mtm_chart c = {.type = MTM_CHART_DONUT, .title = "A < B & C", .ncat = 2, .cats = cats,
                 .nseries = 1, .series = s, .percent = 1};
  mtm_buf b;
  draw(&c, &b);
  assert_non_null(strstr(b.p, "<title>A &lt; B &amp; C</title>"));
  assert_non_null(strstr(b.p, ">Trade &amp; services &lt;retail&gt;</text>"));
  assert_non_null(strstr(b.p, ">&quot;Other&quot;</text>"));
  mtm_buf_free(&b);
}

static void errors_are_sentences(void **state) {
  (void)state;
  static const char *const cats[] = {"a", "b", "c", "d", "e", "f"};
  static const double v[] = {1, 2, 3, 4, 5, 6};
  static const mtm_chart_series s[] = {{NULL, v, NULL}};
  mtm_chart c = {.type = MTM_CHART_DONUT, .title = "Region of work", .ncat = 6, .cats = cats,
                 .nseries = 1, .series = s};
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_chart_svg(&c, &b, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "The donut chart 'Region of work' has 6 categories; a donut shows "
                             "two to five, use a bar chart instead.");
  assert_int_equal(b.n, 0);
  c.type = MTM_CHART_HBAR;
  c.ncat = 0;
  c.title = NULL;
  mtm_err_clear(&e);
  assert_int_equal(mtm_chart_svg(&c, &b, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "The chart 'Horizontal bar chart' has no categories to draw.");
  static const double neg[] = {0.2, -0.1};
  static const mtm_chart_series ns[] = {{NULL, neg, NULL}};
  mtm_chart d = {.type = MTM_CHART_VBAR, .title = "Change", .ncat = 2, .cats = cats,
                 .nseries = 1, .series = ns};
  mtm_err_clear(&e);
  assert_int_equal(mtm_chart_svg(&d, &b, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "The chart 'Change' has the value -0.1 for 'b'; charts draw values "
                             "of zero or more.");
  mtm_chart_series seven[7];
  for (int i = 0; i < 7; i++) seven[i] = s[0];
  d.series = seven;
  d.nseries = 7;
  mtm_err_clear(&e);
  assert_int_equal(mtm_chart_svg(&d, &b, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "The chart 'Change' has 7 series; a chart shows at most 6.");
  assert_int_equal(b.n, 0);
  mtm_buf_free(&b);
}

/* Runs pdftotext on path and returns its text (malloc'd). */
static char *pdf_text(const char *path) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", path);
  FILE *f = popen(cmd, "r");
  assert_non_null(f);
  mtm_buf b;
  mtm_buf_init(&b);
  char chunk[4096];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) mtm_buf_add(&b, chunk, k);
  assert_int_equal(pclose(f), 0);
  mtm_buf_addc(&b, 0);
  return b.p;
}

static void librsvg_draws_into_a_pdf(void **state) {
  (void)state;
  char path[] = "/tmp/mtm-render-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  cairo_surface_t *s = cairo_pdf_surface_create(path, 595, 842);
  cairo_t *cr = cairo_create(s);
  mtm_err e;
  mtm_err_clear(&e);
  mtm_chart k = kazakh(), h = hbar_by_sex();
  mtm_buf a, b;
  draw(&k, &a);
  draw(&h, &b);
  double used = 0;
  assert_int_equal(mtm_render_svg_cairo(cr, a.p, a.n, 50, 40, 480, &used, &e), 0);
  double W = strtod(strstr(a.p, " width=\"") + 8, NULL);
  double H = strtod(strstr(a.p, " height=\"") + 9, NULL);
  assert_true(fabs(used - 480 * H / W) < 1e-9);
  double used2 = 0;
  assert_int_equal(mtm_render_svg_cairo(cr, b.p, b.n, 50, 60 + used, 480, &used2, &e), 0);
  assert_true(used2 > 100);
  cairo_destroy(cr);
  cairo_surface_finish(s);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(s);
  char *t = pdf_text(path);
  assert_non_null(strstr(t, "Қарағанды"));
  assert_non_null(strstr(t, "Ұлытау облысы"));
  assert_non_null(strstr(t, "55,3"));
  assert_non_null(strstr(t, "Higher wages than at home"));
  assert_non_null(strstr(t, "fewer than 10 respondents"));
  free(t);
  unlink(path);
  mtm_buf_free(&a);
  mtm_buf_free(&b);
}

static void cairo_errors_are_sentences(void **state) {
  (void)state;
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 10, 10);
  cairo_t *cr = cairo_create(s);
  mtm_err e;
  mtm_err_clear(&e);
  double h = 5;
  const char *bad = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect";
  assert_int_equal(mtm_render_svg_cairo(cr, bad, strlen(bad), 0, 0, 10, &h, &e), MTM_EINVAL);
  assert_true(strncmp(e.msg, "The SVG drawing could not be read: ", 35) == 0);
  assert_true(h == 0);
  mtm_err_clear(&e);
  assert_int_equal(mtm_render_svg_cairo(cr, "", 0, 0, 0, 10, &h, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "There is no SVG drawing to place on the page.");
  mtm_err_clear(&e);
  const char *ok = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
  assert_int_equal(mtm_render_svg_cairo(cr, ok, strlen(ok), 0, 0, 0, &h, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "A drawing cannot be placed in a box 0.0 points wide; the width "
                             "must be more than zero.");
  cairo_destroy(cr);
  cairo_surface_destroy(s);
}

static void edge_cases_still_draw(void **state) {
  (void)state;
  /* All suppressed, all zero, one category holding everything: every type
   * still gives an SVG that librsvg draws, with no overlap. */
  static const char *const cats[] = {"Yes", "No", "Don't know"};
  static const double none[] = {NAN, NAN, NAN}, zero[] = {0, 0, 0}, all[] = {1, 0, 0};
  const double *sets[] = {none, zero, all};
  cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 700, 700);
  cairo_t *cr = cairo_create(surf);
  for (int t = MTM_CHART_HBAR; t <= MTM_CHART_HIST; t++)
    for (int k = 0; k < 3; k++) {
      mtm_chart_series s = {"Round 2", sets[k], NULL};
      mtm_chart c = {.type = (mtm_chart_type)t, .ncat = 3, .cats = cats, .nseries = 1,
                     .series = &s, .percent = 1, .lang = "en"};
      mtm_buf b;
      draw(&c, &b);
      assert_int_equal(layout_faults(b.p), 0);
      mtm_err e;
      mtm_err_clear(&e);
      double h = 0;
      assert_int_equal(mtm_render_svg_cairo(cr, b.p, b.n, 0, 0, 640, &h, &e), 0);
      assert_true(h > 50);
      if (k == 0) assert_non_null(strstr(b.p, ">\xe2\x80\x93</text>"));
      if (k == 2 && t == MTM_CHART_DONUT) assert_non_null(strstr(b.p, "fill-rule=\"evenodd\""));
      mtm_buf_free(&b);
    }
  cairo_destroy(cr);
  cairo_surface_destroy(surf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(golden_files_match),
      cmocka_unit_test(output_is_deterministic_and_standalone),
      cmocka_unit_test(no_label_overlaps_anything),
      cmocka_unit_test(the_checker_sees_an_overlap),
      cmocka_unit_test(hbar_labels_values_and_marks),
      cmocka_unit_test(russian_numbers_and_kazakh_labels),
      cmocka_unit_test(percents_agree_with_prose),
      cmocka_unit_test(multi_sorted_with_its_note),
      cmocka_unit_test(stacked_segments_and_hist_bins),
      cmocka_unit_test(yesno_bar_names_its_shares),
      cmocka_unit_test(text_is_escaped),
      cmocka_unit_test(errors_are_sentences),
      cmocka_unit_test(librsvg_draws_into_a_pdf),
      cmocka_unit_test(cairo_errors_are_sentences),
      cmocka_unit_test(edge_cases_still_draw),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
