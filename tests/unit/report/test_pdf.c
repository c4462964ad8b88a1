/* Unit tests of the PDF writer: a small hand-built report written as a PDF
 * and read back with poppler (pdfinfo, pdftotext, pdffonts), which must be
 * installed (scripts/deps.sh check): a missing tool fails the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <math.h>

#include "render/render.h"
#include "report/doc.h"

#define PH(i) MTM_DOC_MARK_OPEN #i MTM_DOC_MARK_CLOSE

/* The report: two parts, a number, a chart, a table and tiles. */
static const char *MARKDOWN =
    "# Қарағанды облысы\n\n"
    "Мигранты: *emphasis*, **strong**, `code` and [a link](https://example.org). "
    "There are " PH(0) " migrant workers in the oblast.\n\n" PH(1) "\n\n"
    "## Сводка\n\n"
    "- first bullet\n- second bullet\n\n"
    "1. numbered one\n2. numbered two\n\n"
    "> A quoted sentence.\n\n"
    "---\n\n"
    "<!-- part -->\n\n"
    "# Second section\n\n"
    "Before the table.\n\n" PH(2) "\n\n" PH(3) "\n\nAfter the tiles.\n";

static const char *CELLS[] = {"Region",    "Share", "n",     "Қарағанды облысы", "55%",
                              "1,129",     "Алматы", "38%", "412"};
static const mtm_fig_tile TILES[] = {
    {"724,534", "migrant workers present", -1},
    {"1,129", "respondents", -1},
    {"55%", "with a written contract", -1},
    {"12", "districts assessed", -1},
};

typedef struct fixture {
  mtm_buf svg;
  mtm_fig figs[4];
  mtm_report_doc doc;
  char dir[64];
  char path[128];
} fixture;

/* Builds the document, reading the chart's SVG from the fixtures. */
static int setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  mtm_buf_init(&fx->svg);
  mtm_err e;
  mtm_err_clear(&e);
  if (mtm_buf_read_file(&fx->svg, "tests/fixtures/report_pdf/chart.svg", &e)) return -1;
  fx->figs[0] = (mtm_fig){.kind = MTM_FIG_NUMBER, .tag = "{{n}}", .text = "724,534"};
  fx->figs[1] = (mtm_fig){.kind = MTM_FIG_CHART,
                          .tag = "{{chart}}",
                          .caption = "Figure 1. Migrants by city",
                          .note = "n = 1,129; cells under 5 not shown",
                          .svg = fx->svg.p,
                          .svg_len = fx->svg.n};
  fx->figs[2] = (mtm_fig){.kind = MTM_FIG_TABLE,
                          .tag = "{{table}}",
                          .caption = "Table 1. Share by region",
                          .nrows = 3,
                          .ncols = 3,
                          .cells = CELLS};
  fx->figs[3] = (mtm_fig){.kind = MTM_FIG_TILES, .tag = "{{tiles}}", .ntiles = 4, .tiles = TILES};
  fx->doc.root = cmark_parse_document(MARKDOWN, strlen(MARKDOWN), CMARK_OPT_DEFAULT);
  fx->doc.nfigs = 4;
  fx->doc.figs = fx->figs;
  fx->doc.lang = "en";
  fx->doc.title = "Mobility Tracking Matrix: Kazakhstan";
  fx->doc.subtitle = "Round 2, 2023";
  fx->doc.footer = "IOM Kazakhstan - DTM";
  snprintf(fx->dir, sizeof fx->dir, "/tmp/mtm-pdf-XXXXXX");
  if (!mkdtemp(fx->dir)) return -1;
  snprintf(fx->path, sizeof fx->path, "%s/report.pdf", fx->dir);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
  if (system(cmd) != 0) return -1;
  cmark_node_free(fx->doc.root);
  mtm_buf_free(&fx->svg);
  free(fx);
  return 0;
}

/* Whether the n bytes at p hold the string s. */
static int holds(const char *p, size_t n, const char *s) {
  size_t k = strlen(s);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(p + i, s, k) == 0) return 1;
  return 0;
}

/* Runs a shell command and returns its standard output; the command must
 * exit 0 (a missing poppler tool fails the test). */
static void run(const char *cmd, mtm_buf *out) {
  mtm_buf_reset(out);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) mtm_buf_add(out, chunk, n);
  int st = pclose(p);
  if (st != 0) fail_msg("'%s' failed (status %d): is poppler-utils installed?", cmd, st);
  mtm_buf_addc(out, 0);
  out->n--;
}

/* Asserts that the strings occur in text in this order. */
static void assert_in_order(const char *text, const char *const *want, int n) {
  const char *at = text;
  for (int i = 0; i < n; i++) {
    const char *hit = strstr(at, want[i]);
    if (!hit) fail_msg("'%s' is missing (or out of order) in the PDF text:\n%s", want[i], text);
    at = hit + strlen(want[i]);
  }
}

/* The text of page k (1-based) of pdftotext's output (pages end in \f). */
static char *page_text(const char *text, int k) {
  const char *s = text;
  for (int i = 1; i < k; i++) {
    s = strchr(s, '\f');
    assert_non_null(s);
    s++;
  }
  const char *e = strchr(s, '\f');
  size_t n = e ? (size_t)(e - s) : strlen(s);
  char *r = malloc(n + 1);
  memcpy(r, s, n);
  r[n] = 0;
  return r;
}

static void write_ok(fixture *fx, int want_pages) {
  mtm_err e;
  mtm_err_clear(&e);
  int pages = -1;
  int rc = mtm_report_pdf(&fx->doc, fx->path, &pages, &e);
  if (rc) fail_msg("mtm_report_pdf: %s", e.msg);
  assert_int_equal(pages, want_pages);
}

/* Replaces the document's tree with Markdown md. */
static void reparse(fixture *fx, const char *md) {
  cmark_node_free(fx->doc.root);
  fx->doc.root = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
}

/* The 1-based page of pdftotext's output on which s first occurs, 0: none. */
static int page_of(const char *text, const char *s) {
  const char *hit = strstr(text, s);
  if (!hit) return 0;
  int k = 1;
  for (const char *p = text; p < hit; p++)
    if (*p == '\f') k++;
  return k;
}

static void pdf_has_a4_pages_and_the_text_in_order(void **state) {
  fixture *fx = *state;
  write_ok(fx, 3);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdfinfo '%s'", fx->path);
  run(cmd, &out);
  assert_non_null(strstr(out.p, "Pages:           3\n"));
  assert_non_null(strstr(out.p, "Page size:       595.28 x 841.89 pts (A4)\n"));
  assert_non_null(strstr(out.p, "Title:           Mobility Tracking Matrix: Kazakhstan\n"));

  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  run(cmd, &out);
  static const char *const order[] = {
      "Mobility Tracking Matrix:", "Kazakhstan", "Round 2, 2023", "IOM Kazakhstan - DTM",
      "page 1 of 3", "Қарағанды облысы", "Мигранты", "724,534", "in the oblast",
      "Figure 1. Migrants by city", "Алматы", "62%", "Шымкент", "n = 1,129; cells under 5 not shown",
      "Сводка", "first bullet", "second bullet", "numbered one", "numbered two",
      "A quoted sentence.", "page 2 of 3", "Second section", "Before the table.",
      "Table 1. Share by region", "Region", "Share", "Қарағанды облысы", "55%", "1,129", "Алматы",
      "38%", "412", "724,534", "migrant workers", "respondents", "districts assessed",
      "After the tiles.", "page 3 of 3"};
  assert_in_order(out.p, order, (int)(sizeof order / sizeof order[0]));
  /* One page per part after the cover, each with its own footer. */
  char *p1 = page_text(out.p, 1), *p2 = page_text(out.p, 2), *p3 = page_text(out.p, 3);
  assert_non_null(strstr(p1, "page 1 of 3"));
  assert_null(strstr(p1, "Мигранты"));
  assert_non_null(strstr(p2, "Мигранты"));
  assert_null(strstr(p2, "Second section"));
  assert_non_null(strstr(p3, "Second section"));
  assert_non_null(strstr(p3, "page 3 of 3"));
  /* The list markers and the ordered list's numbers. */
  assert_non_null(strstr(p2, "\xE2\x80\xA2 first bullet"));
  assert_non_null(strstr(p2, "2. numbered two"));
  /* Inline Markdown is typeset, not shown as syntax. */
  assert_null(strstr(out.p, "**strong**"));
  /* The sections are the PDF's bookmarks. */
  mtm_buf raw;
  mtm_buf_init(&raw);
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_buf_read_file(&raw, fx->path, &e), 0);
  assert_true(holds(raw.p, raw.n, "/Type /Outlines"));
  assert_true(holds(raw.p, raw.n, "/Title (Second section)"));
  /* The link is clickable. */
  assert_true(holds(raw.p, raw.n, "/URI (https://example.org)"));
  mtm_buf_free(&raw);
  assert_non_null(strstr(p2, "(https://example.org)"));
  free(p1);
  free(p2);
  free(p3);
  mtm_buf_free(&out);
}

/* The xMax of the first word w in pdftotext -bbox output, or -1. */
static double word_xmax(const char *bbox, const char *w) {
  char pat[128];
  snprintf(pat, sizeof pat, "\">%s</word>", w);
  const char *hit = strstr(bbox, pat);
  if (!hit) return -1;
  const char *line = hit;
  while (line > bbox && line[-1] != '\n') line--;
  const char *x = strstr(line, "xMax=\"");
  return x && x < hit ? strtod(x + 6, NULL) : -1;
}

static void numbers_in_tables_align_right(void **state) {
  fixture *fx = *state;
  write_ok(fx, 3);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -bbox -f 3 -l 3 '%s' -", fx->path);
  run(cmd, &out);
  double a = word_xmax(out.p, "1,129"), b = word_xmax(out.p, "412"), h = word_xmax(out.p, "n");
  double s1 = word_xmax(out.p, "55%"), s2 = word_xmax(out.p, "38%");
  assert_true(a > 0 && b > 0 && h > 0 && s1 > 0 && s2 > 0);
  assert_true(fabs(a - b) < 0.5);  /* the n column's numbers end together */
  assert_true(fabs(a - h) < 0.5);  /* and its header with them */
  assert_true(fabs(s1 - s2) < 0.5);
  assert_true(s1 < a - 10);        /* a column apart */
  mtm_buf_free(&out);
}

static void a_chart_from_render_is_drawn_with_its_labels(void **state) {
  fixture *fx = *state;
  static const char *const cats[] = {"Қарағанды облысы", "Алматы"};
  static const double vals[] = {0.62, 0.38};
  mtm_chart_series ser = {"Мигранты", vals, NULL};
  mtm_chart ch = {.type = MTM_CHART_HBAR, .ncat = 2, .cats = cats, .nseries = 1, .series = &ser,
                  .percent = 1, .lang = "en"};
  mtm_buf svg, out;
  mtm_buf_init(&svg);
  mtm_buf_init(&out);
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_chart_svg(&ch, &svg, &e), 0);
  fx->figs[1].svg = svg.p;
  fx->figs[1].svg_len = svg.n;
  reparse(fx, "# Раздел\n\n" PH(1) "\n\nПосле.\n");
  write_ok(fx, 2);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  run(cmd, &out);
  static const char *const order[] = {"Figure 1. Migrants by city", "Қарағанды облысы", "62%",
                                      "Алматы", "38%", "n = 1,129", "После."};
  assert_in_order(out.p, order, 7);
  mtm_buf_free(&svg);
  mtm_buf_free(&out);
}

static void a_map_taller_than_a_page_is_scaled_to_fit_with_its_caption(void **state) {
  fixture *fx = *state;
  static const char tall[] =
      "<svg xmlns='http://www.w3.org/2000/svg' width='400' height='2000' viewBox='0 0 400 2000'>"
      "<rect x='0' y='0' width='400' height='2000' fill='#5B92E5'/>"
      "<text x='20' y='40' font-family='DejaVu Sans' font-size='20'>Карта сверху</text>"
      "<text x='20' y='1980' font-family='DejaVu Sans' font-size='20'>Карта снизу</text></svg>";
  fx->figs[1].kind = MTM_FIG_MAP;
  fx->figs[1].svg = tall;
  fx->figs[1].svg_len = sizeof tall - 1;
  reparse(fx, "# Раздел\n\nText before the map.\n\n" PH(1) "\n\nAfter the map.\n");
  write_ok(fx, 3);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  run(cmd, &out);
  /* The map is scaled to a page, whole: caption, top, bottom and note; its
   * lead sentence stays on its page (the map shrinks a little to make room
   * for it); it fills that page, so the text after it goes on to the next. */
  assert_int_equal(page_of(out.p, "Text before the map."), 2);
  assert_int_equal(page_of(out.p, "Figure 1. Migrants by city"), 2);
  assert_int_equal(page_of(out.p, "Карта сверху"), 2);
  assert_int_equal(page_of(out.p, "Карта снизу"), 2);
  assert_int_equal(page_of(out.p, "n = 1,129; cells under 5"), 2);
  assert_int_equal(page_of(out.p, "After the map."), 3);
  mtm_buf_free(&out);
}

static void pdf_embeds_every_font(void **state) {
  fixture *fx = *state;
  write_ok(fx, 3);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdffonts '%s'", fx->path);
  run(cmd, &out);
  const char *hdr = strstr(out.p, "emb sub uni");
  assert_non_null(hdr);
  size_t col = (size_t)(hdr - out.p);
  const char *line = strchr(out.p, '\n');
  assert_non_null(line);
  line = strchr(line + 1, '\n'); /* past the ---- line */
  assert_non_null(line);
  int fonts = 0, dejavu = 0;
  for (line++; *line; ) {
    const char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    if (len > col + 3) {
      fonts++;
      if (strncmp(line + col, "yes", 3) != 0) fail_msg("a font is not embedded:\n%s", out.p);
      if (holds(line, len, "DejaVuSans")) dejavu++;
    }
    if (!nl) break;
    line = nl + 1;
  }
  assert_true(fonts >= 2); /* regular and bold at least */
  assert_int_equal(dejavu, fonts);
  mtm_buf_free(&out);
}

static void russian_footer_says_str_n_iz_m(void **state) {
  fixture *fx = *state;
  fx->doc.lang = "ru";
  write_ok(fx, 3);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  run(cmd, &out);
  static const char *const order[] = {"стр. 1 из 3", "стр. 2 из 3", "стр. 3 из 3"};
  assert_in_order(out.p, order, 3);
  assert_null(strstr(out.p, "page 1 of"));
  mtm_buf_free(&out);
}

static void long_table_repeats_its_header_on_every_page(void **state) {
  fixture *fx = *state;
  enum { ROWS = 121 };
  static char text[ROWS][3][32];
  static const char *cells[ROWS * 3];
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < 3; c++) {
      if (r == 0) snprintf(text[r][c], 32, "%s", c == 0 ? "District" : c == 1 ? "Migrants" : "Share");
      else if (c == 0) snprintf(text[r][c], 32, "District %03d", r);
      else if (c == 1) snprintf(text[r][c], 32, "%d", r * 37);
      else snprintf(text[r][c], 32, "%d%%", r % 100);
      cells[r * 3 + c] = text[r][c];
    }
  fx->figs[2].nrows = ROWS;
  fx->figs[2].cells = cells;
  mtm_err e;
  mtm_err_clear(&e);
  int pages = 0;
  assert_int_equal(mtm_report_pdf(&fx->doc, fx->path, &pages, &e), 0);
  assert_true(pages >= 5);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  run(cmd, &out);
  /* Every page from the table's first to the one holding its last row starts
   * with the header; every row appears exactly once, in order. */
  int first = 0, last = 0;
  for (int k = 1; k <= pages; k++) {
    char *t = page_text(out.p, k);
    if (strstr(t, "District 001")) first = k;
    if (strstr(t, "District 120")) last = k;
    free(t);
  }
  assert_true(first >= 3);
  assert_true(last > first);
  for (int k = first; k <= last; k++) {
    char *t = page_text(out.p, k);
    const char *h = strstr(t, "District ");
    if (!h || strncmp(h, "District", 8) != 0 || !strstr(t, "Migrants"))
      fail_msg("page %d of the table has no header:\n%s", k, t);
    free(t);
  }
  const char *at = out.p;
  for (int r = 1; r < ROWS; r++) {
    char want[32];
    snprintf(want, sizeof want, "District %03d", r);
    const char *hit = strstr(at, want);
    if (!hit) fail_msg("row '%s' is missing or out of order", want);
    at = hit + strlen(want);
    assert_null(strstr(at, want));
  }
  char lastpage[32];
  snprintf(lastpage, sizeof lastpage, "page %d of %d", pages, pages);
  assert_non_null(strstr(out.p, lastpage));
  mtm_buf_free(&out);
}

/* A table of 12 rows or fewer is never split: with the text above it
 * ending anywhere on the page, all its rows are on one page (it moves whole
 * to the next page when it does not fit). */
static void short_table_is_never_split(void **state) {
  fixture *fx = *state;
  enum { ROWS = 12 };
  static char text[ROWS][2][32];
  static const char *cells[ROWS * 2];
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < 2; c++) {
      if (r == 0) snprintf(text[r][c], 32, "%s", c == 0 ? "Region" : "Migrants");
      else if (c == 0) snprintf(text[r][c], 32, "Oblast %02d", r);
      else snprintf(text[r][c], 32, "%d", r * 37);
      cells[r * 2 + c] = text[r][c];
    }
  fx->figs[2].nrows = ROWS;
  fx->figs[2].ncols = 2;
  fx->figs[2].cells = cells;
  mtm_buf md, out;
  mtm_buf_init(&md);
  mtm_buf_init(&out);
  int moved = 0;
  for (int lines = 30; lines <= 52; lines++) {
    mtm_buf_reset(&md);
    mtm_buf_adds(&md, "# Short table\n\n");
    for (int i = 0; i < lines; i++) mtm_buf_printf(&md, "Filler line %d.\n\n", i);
    mtm_buf_adds(&md, PH(2) "\n\nAfter the table.\n");
    mtm_buf_addc(&md, 0);
    reparse(fx, md.p);
    mtm_err e;
    mtm_err_clear(&e);
    int pages = 0;
    if (mtm_report_pdf(&fx->doc, fx->path, &pages, &e)) fail_msg("mtm_report_pdf: %s", e.msg);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
    run(cmd, &out);
    int p1 = page_of(out.p, "Oblast 01"), p11 = page_of(out.p, "Oblast 11");
    int pf = page_of(out.p, "Filler line 0.");
    if (p1 == 0 || p1 != p11)
      fail_msg("with %d lines above it the table runs from page %d to page %d", lines, p1, p11);
    if (p1 > pf) moved = 1;
  }
  assert_true(moved); /* some filler pushed the table to the next page */
  mtm_buf_free(&md);
  mtm_buf_free(&out);
}

/* A compact table (the annex) is set in the condensed face, with its lead
 * note between the caption and the header row. */
static void compact_table_has_its_lead_above_in_condensed_type(void **state) {
  fixture *fx = *state;
  fx->figs[2].compact = 1;
  fx->figs[2].lead = "Baseline figures: the median of the key informants.";
  reparse(fx, "# Annex\n\n" PH(2) "\n");
  write_ok(fx, 2);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext '%s' -", fx->path);
  run(cmd, &out);
  const char *want[] = {"Table 1. Share by region", "Baseline figures: the median of the key informants.",
                        "Region", "Алматы"};
  assert_in_order(out.p, want, 4);
  snprintf(cmd, sizeof cmd, "pdffonts '%s'", fx->path);
  run(cmd, &out);
  assert_non_null(strstr(out.p, "DejaVuSansCondensed"));
  mtm_buf_free(&out);
}

static void unwritable_path_is_an_error_naming_it(void **state) {
  fixture *fx = *state;
  mtm_err e;
  mtm_err_clear(&e);
  int pages = -1;
  char path[200];
  snprintf(path, sizeof path, "%s/no-such-folder/report.pdf", fx->dir);
  assert_int_equal(mtm_report_pdf(&fx->doc, path, &pages, &e), MTM_EIO);
  char msg[1024], want[1024];
  mtm_err_format(&e, msg, sizeof msg);
  snprintf(want, sizeof want, "%s: cannot write the PDF report: No such file or directory", path);
  assert_string_equal(msg, want);
  assert_int_equal(pages, -1);
}

static void bad_placeholder_writes_nothing(void **state) {
  fixture *fx = *state;
  fx->doc.nfigs = 1; /* the chart, table and tiles are now out of range */
  mtm_err e;
  mtm_err_clear(&e);
  int pages = -1;
  char msg[1024], want[1024];
  /* A placeholder beyond the table of figures is not silently blank. */
  assert_int_equal(mtm_report_pdf(&fx->doc, fx->path, &pages, &e), MTM_EINVAL);
  mtm_err_format(&e, msg, sizeof msg);
  snprintf(want, sizeof want,
           "%s: the report's text refers to figure number 1, which its table of figures (1 of "
           "them, numbered from 0) does not hold; this is a fault of the report template's "
           "evaluation",
           fx->path);
  assert_string_equal(msg, want);
  assert_int_equal(pages, -1);
  struct stat st;
  assert_int_not_equal(stat(fx->path, &st), 0);
  /* A drawing librsvg cannot read is an error naming the figure. */
  fx->doc.nfigs = 4;
  fx->figs[1].svg = "<svg this is not xml";
  fx->figs[1].svg_len = strlen(fx->figs[1].svg);
  mtm_err_clear(&e);
  assert_int_equal(mtm_report_pdf(&fx->doc, fx->path, &pages, &e), MTM_EINVAL);
  mtm_err_format(&e, msg, sizeof msg);
  assert_non_null(strstr(msg, "the drawing of figure '{{chart}}' is not a readable SVG"));
  assert_int_equal(strncmp(msg, fx->path, strlen(fx->path)), 0);
  assert_int_equal(pages, -1);
  assert_int_not_equal(stat(fx->path, &st), 0);
  /* Nor is a temporary file left behind. */
  char cmd[256];
  snprintf(cmd, sizeof cmd, "ls -A '%s'", fx->dir);
  mtm_buf out;
  mtm_buf_init(&out);
  run(cmd, &out);
  assert_string_equal(out.p, "");
  mtm_buf_free(&out);
}

static void chart_keeps_its_caption_and_note_at_every_break(void **state) {
  fixture *fx = *state;
  mtm_buf md, out;
  mtm_buf_init(&md);
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  int moved = 0;
  /* Filler paragraphs push the chart down a line at a time past the end of
   * the page: its caption, drawing and note always share one page. */
  for (int k = 20; k <= 44; k++) {
    mtm_buf_reset(&md);
    mtm_buf_adds(&md, "# Section\n\n");
    for (int i = 0; i < k; i++) mtm_buf_printf(&md, "Filler paragraph %d.\n\n", i);
    mtm_buf_adds(&md, PH(1) "\n\nAfter the chart.\n");
    reparse(fx, md.p);
    mtm_err e;
    mtm_err_clear(&e);
    int pages = 0;
    assert_int_equal(mtm_report_pdf(&fx->doc, fx->path, &pages, &e), 0);
    run(cmd, &out);
    int cap = page_of(out.p, "Figure 1. Migrants by city"), lab = page_of(out.p, "Шымкент"),
        note = page_of(out.p, "n = 1,129; cells under 5");
    if (cap != lab || lab != note || cap == 0)
      fail_msg("with %d fillers the caption is on page %d, the chart on %d, the note on %d", k, cap,
               lab, note);
    if (cap == 3) moved++;
    /* The filler before it stays in order on page 2 and after. */
    char last[64];
    snprintf(last, sizeof last, "Filler paragraph %d.", k - 1);
    assert_true(page_of(out.p, last) <= cap);
    assert_true(page_of(out.p, "After the chart.") >= cap);
  }
  assert_true(moved > 0); /* some of the runs did move the chart on */
  mtm_buf_free(&md);
  mtm_buf_free(&out);
}

static void no_paragraph_leaves_one_line_alone_on_a_page(void **state) {
  fixture *fx = *state;
  mtm_buf md, out;
  mtm_buf_init(&md);
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  int split = 0;
  /* A five-line paragraph pushed a line at a time over the page's end:
   * whenever it is split, each page holds at least two of its lines. */
  for (int k = 28; k <= 44; k++) {
    mtm_buf_reset(&md);
    mtm_buf_adds(&md, "# Section\n\n");
    for (int i = 0; i < k; i++) mtm_buf_printf(&md, "Filler paragraph %d.\n\n", i);
    for (int i = 0; i < 60; i++) mtm_buf_printf(&md, "Para_%02d goes on. ", i);
    mtm_buf_adds(&md, "\n");
    reparse(fx, md.p);
    mtm_err e;
    mtm_err_clear(&e);
    int pages = 0;
    assert_int_equal(mtm_report_pdf(&fx->doc, fx->path, &pages, &e), 0);
    run(cmd, &out);
    int on_page = 0, used = 0, total = 0;
    for (const char *p = out.p; ; ) {
      const char *nl = p + strcspn(p, "\n\f");
      int hit = 0;
      for (const char *q = p; q + 5 <= nl; q++)
        if (memcmp(q, "Para_", 5) == 0) hit = 1;
      on_page += hit;
      total += hit;
      if (*nl != '\n') { /* the end of a page */
        if (on_page == 1) fail_msg("with %d fillers one line of the paragraph is alone on a page", k);
        if (on_page) used++;
        on_page = 0;
        if (!*nl) break;
      }
      p = nl + 1;
    }
    assert_true(total >= 4);
    if (used > 1) split++;
  }
  assert_true(split > 0); /* some of the runs did split it */
  mtm_buf_free(&md);
  mtm_buf_free(&out);
}

static void bytes_that_are_not_utf8_do_not_stop_the_pdf(void **state) {
  fixture *fx = *state;
  static const mtm_fig_tile bad[] = {{"7\xff", "caption \xd0 cut", -1}};
  fx->figs[3].ntiles = 1;
  fx->figs[3].tiles = bad;
  reparse(fx, "# Section\n\nText \xc3 here.\n\n" PH(3) "\n");
  write_ok(fx, 2);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  run(cmd, &out);
  static const char *const order[] = {"Text \xEF\xBF\xBD here.", "7\xEF\xBF\xBD",
                                      "caption \xEF\xBF\xBD cut", "page 2 of 2"};
  assert_in_order(out.p, order, 4);
  mtm_buf_free(&out);
}

static void long_paragraph_flows_across_pages_in_order(void **state) {
  fixture *fx = *state;
  mtm_buf md, out;
  mtm_buf_init(&md);
  mtm_buf_init(&out);
  mtm_buf_adds(&md, "# Мигранты\n\n");
  for (int i = 1; i <= 400; i++) mtm_buf_printf(&md, "Sentence_%03d of Қарағанды облысы. ", i);
  mtm_buf_adds(&md, "\n\n- a last bullet\n");
  reparse(fx, md.p);
  mtm_err e;
  mtm_err_clear(&e);
  int pages = 0;
  assert_int_equal(mtm_report_pdf(&fx->doc, fx->path, &pages, &e), 0);
  assert_true(pages >= 4);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  run(cmd, &out);
  const char *at = out.p;
  for (int i = 1; i <= 400; i++) {
    char want[32];
    snprintf(want, sizeof want, "Sentence_%03d", i);
    const char *hit = strstr(at, want);
    if (!hit) fail_msg("'%s' is missing or out of order", want);
    at = hit + strlen(want);
  }
  assert_int_equal(page_of(out.p, "Sentence_001"), 2);
  assert_int_equal(page_of(out.p, "a last bullet"), pages);
  /* Every page but the cover's has text above its footer, and the footer
   * counts the pages right. */
  for (int k = 1; k <= pages; k++) {
    char *t = page_text(out.p, k), want[32];
    snprintf(want, sizeof want, "page %d of %d", k, pages);
    assert_non_null(strstr(t, want));
    free(t);
  }
  mtm_buf_free(&md);
  mtm_buf_free(&out);
}

static void same_document_same_bytes_with_source_date_epoch(void **state) {
  fixture *fx = *state;
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  write_ok(fx, 3);
  mtm_buf a, b;
  mtm_buf_init(&a);
  mtm_buf_init(&b);
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_buf_read_file(&a, fx->path, &e), 0);
  write_ok(fx, 3);
  assert_int_equal(mtm_buf_read_file(&b, fx->path, &e), 0);
  unsetenv("SOURCE_DATE_EPOCH");
  assert_int_equal(a.n, b.n);
  assert_memory_equal(a.p, b.p, a.n);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdfinfo '%s'", fx->path);
  run(cmd, &a);
  assert_non_null(strstr(a.p, "CreationDate:    Tue Nov 14 22:13:20 2023 UTC\n"));
  /* Without it, the date is today's (MTM_TODAY) at midnight UTC, and the
   * same document gives the same bytes again. */
  setenv("MTM_TODAY", "2026-01-15", 1);
  write_ok(fx, 3);
  mtm_buf_reset(&a);
  assert_int_equal(mtm_buf_read_file(&a, fx->path, &e), 0);
  write_ok(fx, 3);
  mtm_buf_reset(&b);
  assert_int_equal(mtm_buf_read_file(&b, fx->path, &e), 0);
  assert_int_equal(a.n, b.n);
  assert_memory_equal(a.p, b.p, a.n);
  run(cmd, &a);
  assert_non_null(strstr(a.p, "CreationDate:    Thu Jan 15 00:00:00 2026 UTC\n"));
  mtm_buf_free(&a);
  mtm_buf_free(&b);
}

/* Level-1 headings flow on the page (a section does not waste the rest of
 * one); a part mark in the template starts a new page. */
static void sections_flow_and_parts_start_a_page(void **state) {
  fixture *fx = *state;
  reparse(fx, "# One\n\nFirst text.\n\n# Two\n\nSecond text.\n\n<!-- part -->\n\n"
              "# Three\n\nThird text.\n");
  write_ok(fx, 3);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  run(cmd, &out);
  assert_int_equal(page_of(out.p, "First text."), 2);
  assert_int_equal(page_of(out.p, "Two"), 2);
  assert_int_equal(page_of(out.p, "Second text."), 2);
  assert_int_equal(page_of(out.p, "Three"), 3);
  assert_null(strstr(out.p, "part -->"));
  mtm_buf_free(&out);
}

/* The paragraph before a figure (its lead sentence) and a heading stay on
 * the page of what follows them, wherever the page would break. */
static void a_lead_sentence_and_a_heading_stay_with_the_figure(void **state) {
  fixture *fx = *state;
  mtm_buf md, out;
  mtm_buf_init(&md);
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  int moved = 0;
  for (int k = 20; k <= 48; k++) {
    for (int head = 0; head < 2; head++) {
      mtm_buf_reset(&md);
      mtm_buf_adds(&md, "# Section\n\n");
      for (int i = 0; i < k; i++) mtm_buf_printf(&md, "Filler paragraph %d.\n\n", i);
      if (head) mtm_buf_adds(&md, "## Subsection\n\n");
      mtm_buf_adds(&md, "The lead sentence of the chart.\n\n" PH(1) "\n\nAfter the chart.\n");
      reparse(fx, md.p);
      mtm_err e;
      mtm_err_clear(&e);
      int pages = 0;
      assert_int_equal(mtm_report_pdf(&fx->doc, fx->path, &pages, &e), 0);
      run(cmd, &out);
      int lead = page_of(out.p, "The lead sentence"), cap = page_of(out.p, "Figure 1. Migrants by city");
      int note = page_of(out.p, "n = 1,129; cells under 5");
      if (lead != cap || cap != note || cap == 0)
        fail_msg("with %d fillers the lead is on page %d, the caption on %d, the note on %d", k,
                 lead, cap, note);
      if (head && page_of(out.p, "Subsection") != lead)
        fail_msg("with %d fillers the heading is on page %d, its lead on %d", k,
                 page_of(out.p, "Subsection"), lead);
      if (cap == 3) moved++;
      /* What moves on leaves the page no more than half empty. */
      char last[64];
      snprintf(last, sizeof last, "Filler paragraph %d.", k - 1);
      assert_true(page_of(out.p, last) <= lead);
    }
  }
  assert_true(moved > 0);
  mtm_buf_free(&md);
  mtm_buf_free(&out);
}

/* The y (top) of the first word w in pdftotext -bbox output, or -1. */
static double word_ymin(const char *bbox, const char *w) {
  char pat[128];
  snprintf(pat, sizeof pat, "\">%s</word>", w);
  const char *hit = strstr(bbox, pat);
  if (!hit) return -1;
  const char *line = hit;
  while (line > bbox && line[-1] != '\n') line--;
  const char *y = strstr(line, "yMin=\"");
  return y && y < hit ? strtod(y + 6, NULL) : -1;
}

/* A chart that does not quite fit in what is left of the page shrinks (to
 * no less than 85% of its size) rather than move on and leave the space
 * empty; one that would need more moves on whole, at full size. */
static void a_chart_that_nearly_fits_shrinks_to_stay(void **state) {
  fixture *fx = *state;
  static const char sq[] =
      "<svg xmlns='http://www.w3.org/2000/svg' width='400' height='400' viewBox='0 0 400 400'>"
      "<rect x='0' y='0' width='400' height='400' fill='#5B92E5'/>"
      "<text x='20' y='30' font-family='DejaVu Sans' font-size='20'>Topword</text>"
      "<text x='20' y='390' font-family='DejaVu Sans' font-size='20'>Bottomword</text></svg>";
  fx->figs[1].svg = sq;
  fx->figs[1].svg_len = sizeof sq - 1;
  mtm_buf md, out;
  mtm_buf_init(&md);
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -bbox '%s' -", fx->path);
  double full = 0;
  int shrunk = 0;
  for (int k = 0; k <= 30; k++) {
    mtm_buf_reset(&md);
    mtm_buf_adds(&md, "# Section\n\n");
    for (int i = 0; i < k; i++) mtm_buf_printf(&md, "Filler paragraph %d.\n\n", i);
    mtm_buf_adds(&md, "# Next\n\n" PH(1) "\n\nThe end.\n");
    reparse(fx, md.p);
    mtm_err e;
    mtm_err_clear(&e);
    int pages = 0;
    assert_int_equal(mtm_report_pdf(&fx->doc, fx->path, &pages, &e), 0);
    run(cmd, &out);
    double h = word_ymin(out.p, "Bottomword") - word_ymin(out.p, "Topword");
    if (k == 0) full = h;
    if (h < full * 0.84 || h > full * 1.001)
      fail_msg("with %d fillers the chart is %.1f pt tall, at full size %.1f", k, h, full);
    if (h < full * 0.99) shrunk++;
  }
  assert_true(full > 300);
  assert_true(shrunk > 0);
  mtm_buf_free(&md);
  mtm_buf_free(&out);
}

/* The PDF is tagged (headings, paragraphs, lists, a figure, a table), has
 * an outline of its headings, nested, and its author and subject. */
static void pdf_is_tagged_with_an_outline_and_metadata(void **state) {
  fixture *fx = *state;
  fx->doc.author = "International Organization for Migration (IOM), Kazakhstan MTM";
  write_ok(fx, 3);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdfinfo '%s'", fx->path);
  run(cmd, &out);
  assert_non_null(strstr(out.p, "Tagged:          yes\n"));
  assert_non_null(strstr(out.p, "Author:          International Organization for Migration (IOM), Kazakhstan MTM\n"));
  assert_non_null(strstr(out.p, "Subject:         Round 2, 2023\n"));
  assert_non_null(strstr(out.p, "Creator:         mtm"));
  snprintf(cmd, sizeof cmd, "pdfinfo -struct '%s'", fx->path);
  run(cmd, &out);
  static const char *const tags[] = {"Document", "H1", "P", "Figure", "H2", "L", "LI", "LBody",
                                     "BlockQuote", "H1", "P", "Table", "TR", "TH", "TD", "Div"};
  assert_in_order(out.p, tags, (int)(sizeof tags / sizeof tags[0]));
  snprintf(cmd, sizeof cmd, "pdftohtml -xml -i -stdout -q '%s'", fx->path);
  run(cmd, &out);
  const char *o = strstr(out.p, "<outline>");
  assert_non_null(o);
  static const char *const outline[] = {
      "<outline>", "<item page=\"2\">Қарағанды облысы</item>",
      "<outline>", "<item page=\"2\">Сводка</item>", "</outline>",
      "<item page=\"3\">Second section</item>", "</outline>"};
  assert_in_order(o, outline, (int)(sizeof outline / sizeof outline[0]));
  mtm_buf_free(&out);
}

/* The printed edition of a table (the annex's short list) replaces its
 * cells in the PDF; the HTML keeps the full table. */
static void a_table_prints_its_short_list(void **state) {
  fixture *fx = *state;
  static const char *print[] = {"Indicator", "Value", "n", "Question",
                                "Written contract", "45%", "1,121", "Do you have a contract?"};
  fx->figs[2].print_cells = print;
  fx->figs[2].print_nrows = 2;
  fx->figs[2].print_ncols = 4;
  fx->figs[2].print_caption = "Sources of the numbers quoted";
  write_ok(fx, 3);
  mtm_buf out;
  mtm_buf_init(&out);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", fx->path);
  run(cmd, &out);
  static const char *const order[] = {"Sources of the numbers quoted", "Indicator", "Value",
                                      "Question", "Written contract", "45%", "1,121",
                                      "Do you have a contract?"};
  assert_in_order(out.p, order, (int)(sizeof order / sizeof order[0]));
  assert_null(strstr(out.p, "Table 1. Share by region"));
  mtm_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(pdf_has_a4_pages_and_the_text_in_order, setup, teardown),
      cmocka_unit_test_setup_teardown(pdf_embeds_every_font, setup, teardown),
      cmocka_unit_test_setup_teardown(a_map_taller_than_a_page_is_scaled_to_fit_with_its_caption,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(a_chart_from_render_is_drawn_with_its_labels, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(numbers_in_tables_align_right, setup, teardown),
      cmocka_unit_test_setup_teardown(russian_footer_says_str_n_iz_m, setup, teardown),
      cmocka_unit_test_setup_teardown(long_table_repeats_its_header_on_every_page, setup, teardown),
      cmocka_unit_test_setup_teardown(short_table_is_never_split, setup, teardown),
      cmocka_unit_test_setup_teardown(compact_table_has_its_lead_above_in_condensed_type, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(unwritable_path_is_an_error_naming_it, setup, teardown),
      cmocka_unit_test_setup_teardown(bad_placeholder_writes_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(chart_keeps_its_caption_and_note_at_every_break, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(long_paragraph_flows_across_pages_in_order, setup, teardown),
      cmocka_unit_test_setup_teardown(bytes_that_are_not_utf8_do_not_stop_the_pdf, setup, teardown),
      cmocka_unit_test_setup_teardown(no_paragraph_leaves_one_line_alone_on_a_page, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(same_document_same_bytes_with_source_date_epoch, setup, teardown),
      cmocka_unit_test_setup_teardown(sections_flow_and_parts_start_a_page, setup, teardown),
      cmocka_unit_test_setup_teardown(a_lead_sentence_and_a_heading_stay_with_the_figure, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_chart_that_nearly_fits_shrinks_to_stay, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(pdf_is_tagged_with_an_outline_and_metadata, setup, teardown),
      cmocka_unit_test_setup_teardown(a_table_prints_its_short_list, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
