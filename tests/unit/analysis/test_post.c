/* Unit tests of post.c: which questions hold money, the extra columns of
 * suppression and round comparison on a hand-built results table, and the
 * CSV writer with extra columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"
#include "form/form.h"
#include "frame/frame.h"

/* A money question is found by its name's suffix or an hxl attribute equal
 * to the currency code, in any case; a longer attribute is not money. */
static void money_questions(void **state) {
  (void)state;
  mtm_question q[3];
  memset(q, 0, sizeof q);
  q[0].hxl = "#value+income+KZT";
  q[1].hxl = "#value+kztx";
  q[2].hxl = "#value+kzt+monthly";
  mtm_frame_col c[3];
  memset(c, 0, sizeof c);
  c[0].name = "income";
  c[0].q = &q[0];
  c[1].name = "rent";
  c[1].q = &q[1];
  c[2].name = "wage";
  c[2].q = &q[2];
  mtm_frame f;
  memset(&f, 0, sizeof f);
  f.ncols = 3;
  f.cols = c;
  assert_int_equal(mtm_analysis_is_money(&f, "income", "KZT"), 1);
  assert_int_equal(mtm_analysis_is_money(&f, "rent", "KZT"), 0);
  assert_int_equal(mtm_analysis_is_money(&f, "wage", "kzt"), 1);
  assert_int_equal(mtm_analysis_is_money(&f, "income_kzt", "KZT"), 1);
  assert_int_equal(mtm_analysis_is_money(&f, "income_usd", "KZT"), 0);
  assert_int_equal(mtm_analysis_is_money(&f, "income", NULL), 0);
  assert_int_equal(mtm_analysis_is_money(&f, "income", ""), 0);
}

/* A row of a share with n of n_total and the given estimate and SE. */
static mtm_analysis_row share(const char *value, const char *group, const char *gvalue,
                              double n, double total, double est, double se) {
  mtm_analysis_row r;
  memset(&r, 0, sizeof r);
  r.analysis_type = "prop_select_one";
  r.analysis_var = "works";
  r.analysis_var_value = value;
  r.group_var = group;
  r.group_var_value = gvalue;
  r.e.est = est;
  r.e.se = se;
  r.e.low = r.e.upp = NAN;
  r.e.deff = r.e.deff_replace = NAN;
  r.e.n = r.e.n_w = n;
  r.e.n_total = r.e.n_w_total = total;
  return r;
}

/* Suppression marks the small level and its complement, blanks both but
 * keeps the denominator; comparison matches by key, says why a row has no
 * counterpart, and the CSV carries the extra columns in order. */
static void suppress_compare_write(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_analysis_row now[3] = {share("yes", NULL, NULL, 20, 30, 0.6, 0.05),
                             share("no", NULL, NULL, 8, 30, 0.3, 0.04),
                             share("dk", NULL, NULL, 2, 30, 0.1, 0.02)};
  mtm_analysis_row then[2] = {share("yes", NULL, NULL, 15, 30, 0.5, 0.05),
                              share("no", NULL, NULL, 15, 30, 0.5, 0.05)};
  mtm_analysis_result res = {3, now}, old = {2, then};
  mtm_analysis_extra x = {0};
  assert_int_equal(mtm_analysis_post_suppress(&res, 5, &x, &a), 2);
  assert_true(isnan(now[1].e.est) && isnan(now[2].e.est) && isnan(now[2].e.n));
  assert_true(now[2].e.n_total == 30);
  mtm_analysis_opts o = {0};
  mtm_analysis_post_compare(&res, &old, 1, &o, &x, &a);
  assert_int_equal(x.ncols, 7);
  assert_string_equal(x.names[0], "suppressed");
  assert_string_equal(x.vals[0 * 7 + 0], "");
  assert_string_equal(x.vals[1 * 7 + 0], "complementary");
  assert_string_equal(x.vals[2 * 7 + 0], "n < 5");
  /* yes: 60% - 50% = 10 points, se sqrt(5^2 + 5^2) = 7.0710678. */
  assert_string_equal(x.vals[0 * 7 + 3], "10");
  assert_string_equal(x.vals[0 * 7 + 4], "7.07106781186548");
  assert_string_equal(x.vals[0 * 7 + 6], "0");
  assert_null(x.json_reason[0]);
  assert_non_null(x.json_reason[1]); /* blanked now: missing */
  assert_null(x.vals[1 * 7 + 3]);
  assert_string_equal(x.json_reason[2], "Round 1 has no result for this indicator.");
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_analysis_write_ext(&res, &x, 0, &b, &a);
  mtm_buf_addc(&b, 0);
  const char *nl = strchr(b.p, '\n');
  assert_non_null(nl);
  assert_true(strstr(b.p, "group_var_value_label,suppressed,compare_round,compare_stat,diff,"
                          "diff_se,p_value,significant\n") != NULL);
  assert_true(strstr(nl, "Works") == NULL);
  assert_true(strstr(nl, ",,1,0.5,10,7.07106781186548,0.157299207050285,0\n") != NULL);
  assert_true(strstr(nl, ",n < 5,1,,,,,\n") != NULL);
  mtm_buf_free(&b);
  mtm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(money_questions),
      cmocka_unit_test(suppress_compare_write),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
