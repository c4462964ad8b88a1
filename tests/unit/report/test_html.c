/* Unit tests of the HTML writer (html.c) and the built-in templates
 * (builtin.c): numbers as spans with their key and source, escaping, a
 * section per level-1 heading, block figures in place of their paragraph,
 * nothing fetched from the network; the compiled-in templates equal
 * data/templates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "report/doc.h"
#include "report/internal.h"

#define PH(n) MTM_DOC_MARK_OPEN #n MTM_DOC_MARK_CLOSE

static void spans_sections_and_blocks(void **state) {
  (void)state;
  const char *md = "# Employment\n\nNo contract: " PH(0) ".\n\n" PH(1) "\n\n# Annex <b>x</b>\n\nEnd.\n";
  mtm_fig_source s[2];
  memset(s, 0, sizeof s);
  s[0].key = "prop_select_one @/@ contract %/% no @/@ NA %/% NA @/@ filter %/% ${age} > 18 & 'x'";
  s[0].question = "Written contract: No";
  s[0].denominator = "respondents who answered, n = 1,129";
  s[0].n = 621;
  s[0].n_total = 1129;
  s[0].value = 0.55;
  s[0].shown = "55%";
  s[1] = s[0];
  mtm_fig f[2];
  memset(f, 0, sizeof f);
  f[0].kind = MTM_FIG_NUMBER;
  f[0].text = "55%";
  f[0].nsources = 1;
  f[0].sources = &s[0];
  f[1].kind = MTM_FIG_CHART;
  f[1].caption = "Figure 1. Written contract";
  f[1].svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>";
  f[1].svg_len = strlen(f[1].svg);
  f[1].nsources = 1;
  f[1].sources = &s[1];
  mtm_report_doc d;
  memset(&d, 0, sizeof d);
  d.root = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
  d.nfigs = 2;
  d.figs = f;
  d.lang = "en";
  d.title = "MTM <Kazakhstan>";
  d.subtitle = "Round 2";
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_report_html(&d, &b, &err), 0);
  assert_non_null(strstr(b.p, "<title>MTM &lt;Kazakhstan&gt;</title>"));
  assert_non_null(strstr(b.p, "<p>No contract: <span class=\"fig\" data-key=\"prop_select_one @/@ contract "
                              "%/% no @/@ NA %/% NA @/@ filter %/% ${age} &gt; 18 &amp; &#39;x&#39;\" "
                              "title=\"Written contract: No; respondents who answered, n = 1,129; n = "
                              "621 of 1129\">55%</span>.</p>"));
  assert_non_null(strstr(b.p, "<section class=\"first\">\n<h1>Employment</h1>"));
  assert_non_null(strstr(b.p, "</section>\n<section>\n<h1>Annex"));
  /* raw HTML in the template is not let through */
  assert_null(strstr(b.p, "<b>x</b>"));
  /* the chart replaces its paragraph, without the XML declaration */
  assert_non_null(strstr(b.p, "<figcaption>Figure 1. Written contract</figcaption>\n<svg "));
  assert_null(strstr(b.p, "<p><figure"));
  assert_null(strstr(b.p, "<?xml"));
  assert_null(strstr(b.p, "<script"));
  assert_null(strstr(b.p, "src=\"http"));
  assert_null(strstr(b.p, "href=\"http"));
  assert_null(strstr(b.p, "\xEE\x80\x80"));
  mtm_buf_free(&b);
  mtm_report_doc_free(&d);
}

/* A compact table (the annex) carries its class and its lead note above
 * the table. */
static void compact_table_with_its_lead_above(void **state) {
  (void)state;
  const char *md = "# Annex\n\n" PH(0) "\n";
  static const char *cells[] = {"Indicator key", "n", "bma @/@ informants", "270"};
  mtm_fig f;
  memset(&f, 0, sizeof f);
  f.kind = MTM_FIG_TABLE;
  f.caption = "Indicators used in this report";
  f.lead = "Baseline figures: the median <of> the key informants.";
  f.compact = 1;
  f.nrows = 2;
  f.ncols = 2;
  f.cells = cells;
  mtm_report_doc d;
  memset(&d, 0, sizeof d);
  d.root = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
  d.nfigs = 1;
  d.figs = &f;
  d.lang = "en";
  d.title = "T";
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_report_html(&d, &b, &err), 0);
  assert_non_null(strstr(b.p, "<figcaption>Indicators used in this report</figcaption>\n"
                              "<p class=\"note\">Baseline figures: the median &lt;of&gt; the key "
                              "informants.</p>\n<table class=\"data compact\">\n<tr><th>Indicator key</th>"));
  mtm_buf_free(&b);
  mtm_report_doc_free(&d);
}

/* Authored text: GitHub-flavoured tables, footnotes and strikethrough, a
 * box around the blocks between its markers, a photo as an embedded
 * image with its caption and credit, the cover's logo and date. */
static void authored_markdown_box_photo_and_cover(void **state) {
  (void)state;
  const char *md = "# Story\n\n" MTM_DOC_BOX_OPEN "\n\nShe came in ~~May~~ June.[^s-1]\n\n" PH(0)
                   "\n\n" MTM_DOC_BOX_CLOSE "\n\n| a | n |\n|---|--:|\n| x | 1 |\n\n"
                   "[^s-1]: Told in March.\n";
  static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2};
  assert_string_equal(rp_image_mime(png, sizeof png, 0), "image/png");
  assert_null(rp_image_mime((const unsigned char *)"<svg/>", 6, 0));
  assert_string_equal(rp_image_mime((const unsigned char *)"<svg/>", 6, 1), "image/svg+xml");
  mtm_fig f;
  memset(&f, 0, sizeof f);
  f.kind = MTM_FIG_PHOTO;
  f.caption = "At the <market>";
  f.note = "Photo: A. Author";
  f.img = png;
  f.img_len = sizeof png;
  f.img_mime = "image/png";
  mtm_report_doc d;
  memset(&d, 0, sizeof d);
  d.root = mtm_report_md_parse(md, strlen(md));
  assert_non_null(d.root);
  rp_boxes(d.root);
  d.nfigs = 1;
  d.figs = &f;
  d.lang = "en";
  d.title = "T";
  d.date = "1 February 2026";
  d.logo = png;
  d.logo_len = 3;
  d.logo_mime = "image/png";
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_report_html(&d, &b, &err), 0);
  assert_non_null(strstr(b.p, "<img class=\"logo\" alt=\"logo\" src=\"data:image/png;base64,iVBO\">"));
  assert_non_null(strstr(b.p, "<p class=\"date\">1 February 2026</p>"));
  assert_non_null(strstr(b.p, "<aside class=\"story\">\n<p>She came in <del>May</del> June.<sup "
                              "class=\"footnote-ref\"><a href=\"#fn-s-1\""));
  assert_non_null(strstr(b.p, "<figure id=\"figure-0\" class=\"photo\">\n<img class=\"photo\" alt=\"At "
                              "the &lt;market&gt;\" src=\"data:image/png;base64,iVBORw0KGgoBAg==\">\n"
                              "<figcaption>At the &lt;market&gt;</figcaption>\n<p class=\"note credit\">Photo: "
                              "A. Author</p>\n</figure>\n</aside>"));
  assert_non_null(strstr(b.p, "<th align=\"right\">n</th>"));
  assert_non_null(strstr(b.p, "<li id=\"fn-s-1\">\n<p>Told in March."));
  assert_null(strstr(b.p, MTM_DOC_BOX_OPEN));
  mtm_buf_free(&b);
  mtm_report_doc_free(&d);
}

static void builtin_templates_match_data(void **state) {
  (void)state;
  const char *langs[] = {"en", "ru"};
  for (int i = 0; i < 2; i++) {
    char path[256];
    snprintf(path, sizeof path, "data/templates/report.%s.md", langs[i]);
    mtm_buf b;
    mtm_buf_init(&b);
    mtm_err err;
    assert_int_equal(mtm_buf_read_file(&b, path, &err), 0);
    const char *t = mtm_report_builtin_template(langs[i]);
    assert_non_null(t);
    /* run scripts/embed_templates.sh after editing data/templates */
    assert_string_equal(t, b.p);
    mtm_buf_free(&b);
  }
  assert_null(mtm_report_builtin_template("fr"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(spans_sections_and_blocks),
      cmocka_unit_test(compact_table_with_its_lead_above),
      cmocka_unit_test(authored_markdown_box_photo_and_cover),
      cmocka_unit_test(builtin_templates_match_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
