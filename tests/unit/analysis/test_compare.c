/* Unit tests of compare.c: the test of a difference between two rounds
 * (reference values from R 4.2.2: pt and pnorm printed with 17 digits),
 * primary and complementary small-cell suppression on hand-worked tables
 * (one set, ties, levels within groups, groups adding up to the overall
 * figure, chains across both), and money in USD with its rounding and
 * formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

#define assert_close(a, b, tol)                                                             \
  do {                                                                                      \
    double a_ = (a), b_ = (b);                                                              \
    if (!(fabs(a_ - b_) <= (tol))) fail_msg("%.17g is not %.17g (within %g)", a_, b_, (tol)); \
  } while (0)

/* An estimate with only the parts a comparison reads. */
static mtm_analysis_est est3(double est, double se, long df) {
  mtm_analysis_est e;
  memset(&e, 0, sizeof e);
  e.est = est;
  e.se = se;
  e.df = df;
  return e;
}

/* ---- round comparison ----------------------------------------------------- */

/* Two shares, 55% (SE 2 points, df 40) now and 48% (SE 2.5 points, df 30)
 * before: 7 points, SE sqrt(4 + 6.25) = 3.2016 points. In R:
 * z <- 7/(100*sqrt(.02^2+.025^2)); 2*pt(-z, 30); 2*pnorm(-z). */
static void shares_in_percentage_points(void **state) {
  (void)state;
  mtm_analysis_est now = est3(0.55, 0.02, 40), then = est3(0.48, 0.025, 30);
  mtm_analysis_opts t = {MTM_ANALYSIS_CI_WALD, 0, 1, 0}, z = {MTM_ANALYSIS_CI_WALD, 0, 0, 0};
  mtm_analysis_diff d;
  mtm_analysis_compare(&now, &then, 1, &t, &d);
  assert_int_equal(d.status, MTM_ANALYSIS_CMP_TESTED);
  assert_null(d.reason);
  assert_close(d.est, 55, 1e-12);
  assert_close(d.est_then, 48, 1e-12);
  assert_close(d.diff, 7, 1e-12);
  assert_close(d.se, 3.2015621187164243, 1e-12);
  assert_close(d.stat, 2.186432666440485, 1e-12);
  assert_close(d.df, 30, 0);
  assert_close(d.p, 0.036719356208849939, 1e-13);
  assert_int_equal(d.significant, 1);
  /* The normal reference, as confint(svymean) without design df. */
  mtm_analysis_compare(&now, &then, 1, &z, &d);
  assert_close(d.df, 0, 0);
  assert_close(d.p, 0.028783965875738376, 1e-13);
  assert_int_equal(d.significant, 1);
  /* At the 99% level the same difference is not significant. */
  mtm_analysis_opts t99 = {MTM_ANALYSIS_CI_WALD, 0.99, 1, 0};
  mtm_analysis_compare(&now, &then, 1, &t99, &d);
  assert_int_equal(d.status, MTM_ANALYSIS_CMP_TESTED);
  assert_int_equal(d.significant, 0);
  /* NULL options: the normal and 95%. */
  mtm_analysis_compare(&now, &then, 1, NULL, &d);
  assert_close(d.p, 0.028783965875738376, 1e-13);
}

/* Two means in their own units, 10 (SE 1.5, df 5) now and 13 (SE 2, df 8)
 * before: -3, SE 2.5, t = -1.2 with df 5: 2*pt(-1.2, 5) = 0.2839. */
static void means_in_units(void **state) {
  (void)state;
  mtm_analysis_est now = est3(10, 1.5, 5), then = est3(13, 2, 8);
  mtm_analysis_opts t = {MTM_ANALYSIS_CI_WALD, 0, 1, 0}, z = {MTM_ANALYSIS_CI_WALD, 0, 0, 0};
  mtm_analysis_diff d;
  mtm_analysis_compare(&now, &then, 0, &t, &d);
  assert_int_equal(d.status, MTM_ANALYSIS_CMP_TESTED);
  assert_close(d.diff, -3, 1e-12);
  assert_close(d.se, 2.5, 1e-12);
  assert_close(d.stat, -1.2, 1e-12);
  assert_close(d.df, 5, 0);
  assert_close(d.p, 0.28389105670610226, 1e-13);
  assert_int_equal(d.significant, 0);
  mtm_analysis_compare(&now, &then, 0, &z, &d);
  assert_close(d.p, 0.23013934044341655, 1e-13);
  assert_int_equal(d.significant, 0);
}

/* The two-sided tail far out, with large df and the normal: 2*pt(-40, 3),
 * 2*pt(-1.96, 1e6), 2*pt(-1.96, 1e13) (within 3e-14 of the normal, which
 * is what mtm uses past 1e12 df) and 2*pnorm(-1.96). */
static void two_sided_tails(void **state) {
  (void)state;
  assert_close(mtm_analysis_pt2(-40, 3), 3.438068078915854e-05, 1e-17);
  assert_close(mtm_analysis_pt2(40, 3), 3.438068078915854e-05, 1e-17);
  assert_close(mtm_analysis_pt2(-1.96, 1e6), 0.049996067585269796, 1e-14);
  assert_close(mtm_analysis_pt2(-1.96, 1e13), 0.049995790296468619, 5e-14);
  assert_close(mtm_analysis_pt2(1.96, 0), 0.049995790296440856, 1e-15);
  assert_close(mtm_analysis_pt2(0, 7), 1, 1e-15);
  assert_true(isnan(mtm_analysis_pt2(NAN, 7)));
}

/* A missing estimate in either round gives no comparison and says why; a
 * missing or zero SE, or no design df under t, gives the difference but no
 * test. */
static void comparisons_that_cannot_be_made(void **state) {
  (void)state;
  mtm_analysis_opts t = {MTM_ANALYSIS_CI_WALD, 0, 1, 0};
  mtm_analysis_diff d;
  mtm_analysis_est ok = est3(0.4, 0.03, 12), none = est3(NAN, NAN, 0);

  mtm_analysis_compare(&none, &ok, 1, &t, &d);
  assert_int_equal(d.status, MTM_ANALYSIS_CMP_MISSING);
  assert_string_equal(d.reason, "There is no estimate in this round, so there is nothing to compare.");
  assert_true(isnan(d.diff) && isnan(d.p) && isnan(d.stat) && isnan(d.se));
  assert_close(d.est_then, 40, 1e-12);
  assert_int_equal(d.significant, 0);

  mtm_analysis_compare(&ok, &none, 1, &t, &d);
  assert_int_equal(d.status, MTM_ANALYSIS_CMP_MISSING);
  assert_string_equal(d.reason, "There is no estimate in the compared round, so there is nothing to compare.");
  assert_true(isnan(d.diff));

  mtm_analysis_compare(&ok, NULL, 1, &t, &d);
  assert_int_equal(d.status, MTM_ANALYSIS_CMP_MISSING);

  mtm_analysis_est nose = est3(0.5, NAN, 12);
  mtm_analysis_compare(&ok, &nose, 1, &t, &d);
  assert_int_equal(d.status, MTM_ANALYSIS_CMP_UNTESTED);
  assert_string_equal(d.reason, "A standard error is missing in one of the rounds, so the difference cannot be tested.");
  assert_close(d.diff, -10, 1e-12);
  assert_true(isnan(d.p));

  /* 100% in both rounds: SE 0 twice. */
  mtm_analysis_est all = est3(1, 0, 12), all2 = est3(1, 0, 9);
  mtm_analysis_compare(&all, &all2, 1, &t, &d);
  assert_int_equal(d.status, MTM_ANALYSIS_CMP_UNTESTED);
  assert_string_equal(d.reason, "Both rounds have a standard error of 0, so the difference cannot be tested.");
  assert_close(d.diff, 0, 0);
  assert_int_equal(d.significant, 0);

  /* One cluster in the compared round: no df for t, fine for the normal. */
  mtm_analysis_est one = est3(0.3, 0.05, 0);
  mtm_analysis_compare(&ok, &one, 1, &t, &d);
  assert_int_equal(d.status, MTM_ANALYSIS_CMP_UNTESTED);
  assert_string_equal(d.reason, "One of the rounds has no design degrees of freedom (a single cluster), so the difference cannot be tested.");
  assert_close(d.diff, 10, 1e-12);
  mtm_analysis_opts z = {MTM_ANALYSIS_CI_WALD, 0, 0, 0};
  mtm_analysis_compare(&ok, &one, 1, &z, &d);
  assert_int_equal(d.status, MTM_ANALYSIS_CMP_TESTED);
  assert_true(d.p > 0 && d.p < 1);
}

/* ---- small cells ----------------------------------------------------------- */

/* One set of four cells: 3 is below 5, so the next smallest, 10, goes too;
 * k = 0 means 5. */
static void one_set(void **state) {
  (void)state;
  double n[] = {3, 10, 12, 20};
  int mark[4];
  uint32_t start[] = {0, 4}, cells[] = {0, 1, 2, 3};
  assert_int_equal(mtm_analysis_suppress_sets(n, mark, 4, start, cells, 1, 0), 2);
  assert_int_equal(mark[0], MTM_ANALYSIS_SUPPRESSED_SMALL);
  assert_int_equal(mark[1], MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY);
  assert_int_equal(mark[2], MTM_ANALYSIS_SHOWN);
  assert_int_equal(mark[3], MTM_ANALYSIS_SHOWN);
  /* With k = 3 nothing is small. */
  assert_int_equal(mtm_analysis_suppress_sets(n, mark, 4, start, cells, 1, 3), 0);
  for (int c = 0; c < 4; c++) assert_int_equal(mark[c], MTM_ANALYSIS_SHOWN);
  /* With k = 11 two cells are small, so no complement is needed. */
  assert_int_equal(mtm_analysis_suppress_sets(n, mark, 4, start, cells, 1, 11), 2);
  assert_int_equal(mark[1], MTM_ANALYSIS_SUPPRESSED_SMALL);
  assert_int_equal(mark[2], MTM_ANALYSIS_SHOWN);
}

/* Ties go to the lowest index, whatever the order within the set. */
static void ties_by_index(void **state) {
  (void)state;
  double n[] = {30, 8, 2, 8};
  int mark[4];
  uint32_t start[] = {0, 4}, cells[] = {3, 2, 1, 0};
  assert_int_equal(mtm_analysis_suppress_sets(n, mark, 4, start, cells, 1, 5), 2);
  assert_int_equal(mark[1], MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY);
  assert_int_equal(mark[2], MTM_ANALYSIS_SUPPRESSED_SMALL);
  assert_int_equal(mark[3], MTM_ANALYSIS_SHOWN);
  assert_int_equal(mark[0], MTM_ANALYSIS_SHOWN);
}

/* Cells of a select_one "contract" (yes, no, dk) overall and by sex. */
static void contract_table(mtm_analysis_cell *c, const double *n) {
  static const char *lev[] = {"yes", "no", "dk"};
  static const char *grp[] = {NULL, "female", "male"};
  for (int g = 0; g < 3; g++)
    for (int k = 0; k < 3; k++) {
      mtm_analysis_cell *x = &c[g * 3 + k];
      memset(x, 0, sizeof *x);
      x->analysis_type = "prop_select_one";
      x->analysis_var = "contract";
      x->analysis_var_value = lev[k];
      x->group_var = grp[g] ? "sex" : NULL;
      x->group_var_value = grp[g];
      x->n = n[g * 3 + k];
      x->suppressed = -1;
    }
}

/* Overall yes 40, no 30, dk 6; women 22, 12, 2; men 18, 18, 4. Women's and
 * men's dk are small. Sets in table order: levels overall; groups of yes;
 * levels of women (dk suppressed: the smaller of 22 and 12, women's no,
 * goes); groups of no (women's no is now the only one: the smaller of 30
 * overall and 18, men's no, goes); groups of dk (two already); levels of
 * men (two already). A chain from the levels to the groups: women's dk ->
 * women's no -> men's no. Nothing can be derived: women's no + dk = 14 and
 * men's no + dk = 22 are split unknown ways, and overall no 30 and dk 6
 * are each the sum of two hidden cells. */
static void chain_levels_to_groups(void **state) {
  (void)state;
  double n[] = {40, 30, 6, 22, 12, 2, 18, 18, 4};
  mtm_analysis_cell c[9];
  contract_table(c, n);
  mtm_arena a;
  mtm_arena_init(&a);
  assert_int_equal(mtm_analysis_suppress(c, 9, 5, &a), 4);
  int want[] = {0, 0, 0, 0, MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY, MTM_ANALYSIS_SUPPRESSED_SMALL,
                0, MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY, MTM_ANALYSIS_SUPPRESSED_SMALL};
  for (int i = 0; i < 9; i++)
    if (c[i].suppressed != want[i]) fail_msg("cell %d is %d, not %d", i, c[i].suppressed, want[i]);
  mtm_arena_free(&a);
}

/* Overall 40, 30, 7; women 22, 12, 2; men 18, 18, 5. Only women's dk is
 * small: women's no goes (levels), then men's no (groups of no, 18 < 30),
 * then men's dk (groups of dk: 5 < 7 overall). Two chains from one cell,
 * across both dimensions. */
static void chain_two_ways(void **state) {
  (void)state;
  double n[] = {40, 30, 7, 22, 12, 2, 18, 18, 5};
  mtm_analysis_cell c[9];
  contract_table(c, n);
  mtm_arena a;
  mtm_arena_init(&a);
  assert_int_equal(mtm_analysis_suppress(c, 9, 5, &a), 4);
  int want[] = {0, 0, 0, 0, MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY, MTM_ANALYSIS_SUPPRESSED_SMALL,
                0, MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY, MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY};
  for (int i = 0; i < 9; i++)
    if (c[i].suppressed != want[i]) fail_msg("cell %d is %d, not %d", i, c[i].suppressed, want[i]);
  /* With K = 2 nothing is below it. */
  assert_int_equal(mtm_analysis_suppress(c, 9, 2, &a), 0);
  for (int i = 0; i < 9; i++) assert_int_equal(c[i].suppressed, MTM_ANALYSIS_SHOWN);
  mtm_arena_free(&a);
}

/* The overall cell is a member of the groups sets. 23 people have no sex
 * recorded: overall yes 3, no 22, dk 40; women 1, 10, 8; men 1, 12, 9.
 * The yes cells are small. Overall no (22 < 40) goes with overall yes;
 * women's dk (8 < 10) goes with women's yes; in the groups of no, overall
 * no is the only one hidden, so women's no (10 < 12) goes; in the groups of
 * dk, women's dk is, so men's dk (9 < 40) goes. Without the overall cell in
 * the groups of no, women's no would stay and give overall no away. */
static void overall_cell_in_groups(void **state) {
  (void)state;
  double n[] = {3, 22, 40, 1, 10, 8, 1, 12, 9};
  mtm_analysis_cell c[9];
  contract_table(c, n);
  mtm_arena a;
  mtm_arena_init(&a);
  assert_int_equal(mtm_analysis_suppress(c, 9, 5, &a), 7);
  const int S = MTM_ANALYSIS_SUPPRESSED_SMALL, C = MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY;
  int want[] = {S, C, 0, S, C, C, S, 0, C};
  for (int i = 0; i < 9; i++)
    if (c[i].suppressed != want[i]) fail_msg("cell %d is %d, not %d", i, c[i].suppressed, want[i]);
  mtm_arena_free(&a);
}

/* A mean overall (n 50), by sex (women 3, men 47) and by nationality (45,
 * 5), and the same mean with a filter by sex (women 2, men 20, overall
 * 22): women's mean is small, so men's goes (it and the overall would give
 * it); the overall stays, so the nationality groups are untouched. The
 * filtered indicator is a table of its own: women 2 -> men 20 there. The
 * levels rule is for select_one only: the means are never a levels set. */
static void groups_add_up_to_overall(void **state) {
  (void)state;
  mtm_analysis_cell c[9];
  memset(c, 0, sizeof c);
  const char *gv[] = {NULL, "sex", "sex", "nationality", "nationality", NULL, "sex", "sex", NULL};
  const char *gl[] = {NULL, "female", "male", "kz", "other", NULL, "female", "male", NULL};
  double n[] = {50, 3, 47, 45, 5, 22, 2, 20, 4};
  for (int i = 0; i < 9; i++) {
    c[i].analysis_type = "mean";
    c[i].analysis_var = "income";
    c[i].group_var = gv[i];
    c[i].group_var_value = gl[i];
    c[i].filter = (i >= 5 && i < 8) ? "${employed} = 'yes'" : NULL;
    c[i].n = n[i];
  }
  /* Cell 8: a median of the same variable, overall only, n 4. */
  c[8].analysis_type = "median";
  mtm_arena a;
  mtm_arena_init(&a);
  assert_int_equal(mtm_analysis_suppress(c, 9, 5, &a), 5);
  int want[] = {0, MTM_ANALYSIS_SUPPRESSED_SMALL, MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY, 0, 0,
                0, MTM_ANALYSIS_SUPPRESSED_SMALL, MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY,
                MTM_ANALYSIS_SUPPRESSED_SMALL};
  for (int i = 0; i < 9; i++)
    if (c[i].suppressed != want[i]) fail_msg("cell %d is %d, not %d", i, c[i].suppressed, want[i]);
  assert_int_equal(mtm_analysis_suppress(c, 0, 5, &a), 0);
  mtm_arena_free(&a);
}

/* The notes and the blanking of a suppressed estimate. */
static void notes_and_blanks(void **state) {
  (void)state;
  char buf[64];
  assert_string_equal(mtm_analysis_suppress_note(MTM_ANALYSIS_SUPPRESSED_SMALL, 5, buf, sizeof buf),
                      "suppressed: n < 5");
  assert_string_equal(mtm_analysis_suppress_note(MTM_ANALYSIS_SUPPRESSED_SMALL, 10, buf, sizeof buf),
                      "suppressed: n < 10");
  assert_string_equal(mtm_analysis_suppress_note(MTM_ANALYSIS_SUPPRESSED_SMALL, 0, buf, sizeof buf),
                      "suppressed: n < 5");
  assert_string_equal(
      mtm_analysis_suppress_note(MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY, 5, buf, sizeof buf),
      "suppressed: complementary");
  assert_string_equal(mtm_analysis_suppress_note(MTM_ANALYSIS_SHOWN, 5, buf, sizeof buf), "");

  mtm_analysis_est e = {0.25, 0.1, 0.05, 0.45, 1.3, 1.2, 3, 12, 30.5, 120.2, 4};
  mtm_analysis_est_blank(&e, 1);
  assert_true(isnan(e.est) && isnan(e.se) && isnan(e.low) && isnan(e.upp));
  assert_true(isnan(e.deff) && isnan(e.deff_replace) && isnan(e.n) && isnan(e.n_w));
  assert_close(e.n_total, 12, 0);
  assert_close(e.n_w_total, 120.2, 0);
  mtm_analysis_est m = {52000, 900, 50000, 54000, 1.1, 1.1, 3, 3, 31, 31, 2};
  mtm_analysis_est_blank(&m, 0);
  assert_true(isnan(m.est) && isnan(m.n) && isnan(m.n_total) && isnan(m.n_w_total));
}

/* ---- money ------------------------------------------------------------------ */

/* 213,646 KZT at 451.7 KZT per USD is 472.98 USD: 473 when rounded. */
static void money_in_usd(void **state) {
  (void)state;
  assert_close(mtm_analysis_to_usd(213646, 451.7), 472.98206774407794, 1e-12);
  assert_close(mtm_analysis_round_money(mtm_analysis_to_usd(213646, 451.7)), 473, 0);
  assert_true(isnan(mtm_analysis_to_usd(213646, 0)));
  assert_true(isnan(mtm_analysis_to_usd(213646, -3)));
  assert_true(isnan(mtm_analysis_to_usd(213646, NAN)));
  assert_true(isnan(mtm_analysis_to_usd(213646, INFINITY)));

  /* Half away from zero; no negative zero. */
  assert_close(mtm_analysis_round_money(472.5), 473, 0);
  assert_close(mtm_analysis_round_money(-472.5), -473, 0);
  assert_close(mtm_analysis_round_money(0.5), 1, 0);
  assert_close(mtm_analysis_round_money(472.49), 472, 0);
  assert_false(signbit(mtm_analysis_round_money(-0.4)));

  /* The estimate, its interval and its SE are divided by the rate. */
  mtm_analysis_est e = {213646, 4517, 204612, 222680, 1.4, 1.3, 80, 80, 900, 900, 12};
  assert_int_equal(mtm_analysis_est_to_usd(&e, 451.7), 0);
  assert_close(e.est, 472.98206774407794, 1e-12);
  assert_close(e.se, 10, 1e-12);
  assert_close(e.low, 452.98206774407794, 1e-12);
  assert_close(e.upp, 492.98206774407794, 1e-12);
  assert_close(e.deff, 1.4, 0);
  assert_close(e.n_w, 900, 0);
  assert_int_equal(mtm_analysis_est_to_usd(&e, 0), MTM_EINVAL);
  assert_close(e.est, 472.98206774407794, 1e-12);
}

/* Appends the formatted amount to a fresh buffer and checks it. */
static void check_format(double amount, const char *cur, double rate, const char *want) {
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_analysis_format_money(&b, amount, cur, rate);
  assert_string_equal(b.p ? b.p : "", want);
  mtm_buf_free(&b);
}

/* The text form, with thousands separators. */
static void money_text(void **state) {
  (void)state;
  check_format(213646, "KZT", 451.7, "213,646 KZT (473 USD)");
  check_format(213646, "KZT", 0, "213,646 KZT");
  check_format(1234567.5, "KZT", 0, "1,234,568 KZT");
  check_format(-1234, "KZT", 2, "-1,234 KZT (-617 USD)");
  check_format(999.5, "UZS", 1000, "1,000 UZS (1 USD)");
  check_format(100, "KGS", 87.5, "100 KGS (1 USD)");
  check_format(500, NULL, 451.7, "500 (1 USD)");
  check_format(0, "", 451.7, "0 (0 USD)");
  check_format(-0.3, "KZT", 0, "0 KZT");
  check_format(NAN, "KZT", 451.7, "");
  check_format(12345678901234.0, "KZT", 451.7, "12,345,678,901,234 KZT (27,331,589,332 USD)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(shares_in_percentage_points),
      cmocka_unit_test(means_in_units),
      cmocka_unit_test(two_sided_tails),
      cmocka_unit_test(comparisons_that_cannot_be_made),
      cmocka_unit_test(one_set),
      cmocka_unit_test(ties_by_index),
      cmocka_unit_test(chain_levels_to_groups),
      cmocka_unit_test(chain_two_ways),
      cmocka_unit_test(overall_cell_in_groups),
      cmocka_unit_test(groups_add_up_to_overall),
      cmocka_unit_test(notes_and_blanks),
      cmocka_unit_test(money_in_usd),
      cmocka_unit_test(money_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
