/* Unit tests of the report's consistency checks (checks.c): a document
 * that passes, and one document per check that fails it, with the exact
 * failure line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "report/doc.h"

#define K_YES "prop_select_one @/@ contract %/% yes @/@ NA %/% NA"
#define K_NO "prop_select_one @/@ contract %/% no @/@ NA %/% NA"
#define K_NO_F "prop_select_one @/@ contract %/% no @/@ sex %/% female"
#define K_NO_M "prop_select_one @/@ contract %/% no @/@ sex %/% male"

/* A source with a key, a value, its shown text and n of n_total. */
static mtm_fig_source src(const char *key, double v, const char *shown, double n, double nt) {
  mtm_fig_source s;
  memset(&s, 0, sizeof s);
  s.key = key;
  s.question = "Written contract";
  s.value = v;
  s.shown = shown;
  s.n = n;
  s.n_total = nt;
  return s;
}

/* A document of two figures: a chart with the given sources and a number
 * in the text. */
typedef struct two {
  mtm_fig figs[2];
  mtm_fig_source chart[4], text[1];
  mtm_report_doc d;
} two;

static void build(two *t, int nchart) {
  memset(t->figs, 0, sizeof t->figs);
  t->figs[0].kind = MTM_FIG_CHART;
  t->figs[0].tag = "{{chart q=contract}}";
  t->figs[0].nsources = nchart;
  t->figs[0].sources = t->chart;
  t->figs[1].kind = MTM_FIG_NUMBER;
  t->figs[1].tag = "{{share q=contract value=no}}";
  t->figs[1].text = t->text[0].shown;
  t->figs[1].nsources = 1;
  t->figs[1].sources = t->text;
  memset(&t->d, 0, sizeof t->d);
  t->d.nfigs = 2;
  t->d.figs = t->figs;
}

/* Runs the checks; returns the failures and leaves their text in out. */
static int run(two *t, mtm_buf *out) {
  mtm_buf_init(out);
  int nchk = 0;
  int nf = mtm_report_check(&t->d, out, &nchk);
  assert_true(nchk > 0);
  return nf;
}

static void consistent_document_passes(void **state) {
  (void)state;
  two t;
  t.chart[0] = src(K_YES, 0.45, "45%", 450, 1000);
  t.chart[1] = src(K_NO, 0.55, "55%", 550, 1000);
  t.text[0] = src(K_NO, 0.55, "55%", 550, 1000);
  build(&t, 2);
  mtm_buf b;
  assert_int_equal(run(&t, &b), 0);
  assert_true(b.p == NULL || b.p[0] == 0);
  mtm_buf_free(&b);
}

static void shares_adding_to_106_fail(void **state) {
  (void)state;
  two t;
  t.chart[0] = src(K_YES, 0.51, "51%", 510, 1000);
  t.chart[1] = src(K_NO, 0.55, "55%", 550, 1000);
  t.text[0] = src(K_NO, 0.55, "55%", 550, 1000);
  build(&t, 2);
  mtm_buf b;
  assert_int_equal(run(&t, &b), 1);
  assert_string_equal(b.p, "  - {{chart q=contract}}: the shares of 'contract, group NA %/% NA' add "
                           "up to 106.0% instead of 100%\n");
  mtm_buf_free(&b);
}

static void shown_shares_adding_to_102_fail(void **state) {
  (void)state;
  two t;
  t.chart[0] = src(K_YES, 0.45, "46%", 450, 1000);
  t.chart[1] = src(K_NO, 0.55, "56%", 550, 1000);
  t.text[0] = src(K_NO, 0.55, "56%", 550, 1000);
  build(&t, 2);
  mtm_buf b;
  assert_int_equal(run(&t, &b), 1);
  assert_string_equal(b.p, "  - {{chart q=contract}}: the shares of 'contract, group NA %/% NA' are "
                           "shown adding up to 102% instead of 100%\n");
  mtm_buf_free(&b);
}

static void text_differing_from_chart_fails(void **state) {
  (void)state;
  two t;
  t.chart[0] = src(K_YES, 0.45, "45%", 450, 1000);
  t.chart[1] = src(K_NO, 0.55, "55%", 550, 1000);
  t.text[0] = src(K_NO, 0.54, "54%", 540, 1000);
  build(&t, 2);
  mtm_buf b;
  assert_int_equal(run(&t, &b), 1);
  assert_string_equal(b.p, "  - {{chart q=contract}} and {{share q=contract value=no}}: indicator '" K_NO
                           "' in the text and its chart or table with two values (0.55 and 0.54)\n");
  mtm_buf_free(&b);
}

static void same_key_two_texts_fails(void **state) {
  (void)state;
  two t;
  t.chart[0] = src(K_YES, 0.45, "45%", 450, 1000);
  t.chart[1] = src(K_NO, 0.55, "55%", 550, 1000);
  t.text[0] = src(K_NO, 0.55, "56%", 550, 1000);
  build(&t, 2);
  mtm_buf b;
  assert_int_equal(run(&t, &b), 1);
  assert_string_equal(b.p, "  - {{chart q=contract}} and {{share q=contract value=no}}: indicator '" K_NO
                           "' in the text and its chart or table as '55%' and '56%'\n");
  mtm_buf_free(&b);
}

static void groups_not_adding_up_fail(void **state) {
  (void)state;
  two t;
  t.chart[0] = src(K_NO_F, 0.61, "61%", 305, 500);
  t.chart[1] = src(K_NO_M, 0.54, "54%", 324, 600);
  t.chart[0].parts_complete = t.chart[1].parts_complete = 1;
  t.text[0] = src(K_NO, 0.55, "55%", 621, 1129);
  build(&t, 2);
  mtm_buf b;
  assert_int_equal(run(&t, &b), 1);
  assert_string_equal(b.p, "  - {{share q=contract value=no}}: indicator '" K_NO
                           "': the n of its groups by sex add up to 1100, not to the overall n = 1129\n");
  mtm_buf_free(&b);
  /* groups with missing answers may add up to less, never to more */
  t.chart[0].parts_complete = t.chart[1].parts_complete = 0;
  assert_int_equal(run(&t, &b), 0);
  mtm_buf_free(&b);
  t.chart[1].n_total = 700;
  assert_int_equal(run(&t, &b), 1);
  assert_string_equal(b.p, "  - {{share q=contract value=no}}: indicator '" K_NO
                           "': the n of its groups by sex add up to 1200, more than the overall n = 1129\n");
  mtm_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(consistent_document_passes),
      cmocka_unit_test(shares_adding_to_106_fail),
      cmocka_unit_test(shown_shares_adding_to_102_fail),
      cmocka_unit_test(text_differing_from_chart_fails),
      cmocka_unit_test(same_key_two_texts_fails),
      cmocka_unit_test(groups_not_adding_up_fail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
