/* Unit tests of the design degrees of freedom and of intervals on the full
 * design's df (analyse --ci-df design): degf() of a subset of rows, the
 * Wald interval on t with opts.df for means, totals and shares (and the
 * logit one for shares), a median keeping its own rows' df, and the normal
 * quantile by default. Hand-built design: 3 strata, 7 PSUs, 14 rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "analysis/analysis.h"

#define assert_close(a, b, tol)                                                             \
  do {                                                                                      \
    double a_ = (a), b_ = (b);                                                              \
    if (!(fabs(a_ - b_) <= (tol))) fail_msg("%.17g is not %.17g (within %g)", a_, b_, (tol)); \
  } while (0)

enum { N = 14 };
static const int64_t strata[N] = {1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
static const int64_t psu[N] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7};
static const double w[N] = {1, 2, 1.5, 1, 2, 2, 1, 3, 1, 1, 2.5, 1, 1, 2};
static const double y[N] = {3, 5, 2, 8, 7, 1, 4, 4, 6, NAN, 9, 2, 5, 3};

static void degf_of_rows(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_analysis_design d;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_analysis_design_init(&d, &a, N, w, strata, psu, 0, &e), 0);
  assert_int_equal(mtm_analysis_degf(&d, NULL), 7 - 3);
  uint8_t rows[N] = {0};
  rows[0] = rows[2] = rows[6] = 1; /* PSUs 1, 2 (stratum 1) and 4 (stratum 2) */
  assert_int_equal(mtm_analysis_degf(&d, rows), 3 - 2);
  double w0[N];
  memcpy(w0, w, sizeof w0);
  w0[6] = w0[7] = 0; /* PSU 4 weighs nothing: not in the design's df */
  assert_int_equal(mtm_analysis_design_init(&d, &a, N, w0, strata, psu, 0, &e), 0);
  assert_int_equal(mtm_analysis_degf(&d, NULL), 6 - 3);
  mtm_arena_free(&a);
}

static void intervals_on_the_full_design(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_analysis_design d;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_analysis_design_init(&d, &a, N, w, strata, psu, 0, &e), 0);
  uint8_t dom[N] = {1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0}; /* df 1 of its own */
  mtm_analysis_opts o = {0};
  mtm_analysis_est m;
  mtm_analysis_mean(&d, y, dom, &o, &m);
  double z = mtm_analysis_qt(0.975, 0), t4 = mtm_analysis_qt(0.975, 4);
  assert_int_equal(m.df, 1);
  assert_close(m.low, m.est - z * m.se, 1e-12);
  o.design_df = MTM_ANALYSIS_DF_FIXED;
  o.df = 4;
  mtm_analysis_est f;
  mtm_analysis_mean(&d, y, dom, &o, &f);
  assert_close(f.est, m.est, 0);
  assert_close(f.se, m.se, 0);
  assert_close(f.low, m.est - t4 * m.se, 1e-12);
  assert_close(f.upp, m.est + t4 * m.se, 1e-12);
  mtm_analysis_total(&d, y, dom, &o, &f);
  assert_close(f.upp - f.low, 2 * t4 * f.se, 1e-9);
  /* Shares: Wald and logit on the same df. */
  int32_t codes[N] = {0, 1, 1, 0, 2, 1, 0, 0, 1, -1, 2, 2, 0, 1};
  mtm_analysis_est s[3];
  assert_int_equal(mtm_analysis_shares(&d, codes, 3, dom, &o, s), 0);
  assert_close(s[0].low, s[0].est - t4 * s[0].se, 1e-12);
  o.ci = MTM_ANALYSIS_CI_LOGIT;
  assert_int_equal(mtm_analysis_shares(&d, codes, 3, dom, &o, s), 0);
  double p = s[0].est, l = log(p / (1 - p)), q = s[0].se / (p * (1 - p));
  assert_close(s[0].low, 1 / (1 + exp(-(l - t4 * q))), 1e-12);
  /* No df: no interval. */
  o.ci = MTM_ANALYSIS_CI_WALD;
  o.df = 0;
  mtm_analysis_mean(&d, y, dom, &o, &f);
  assert_true(isnan(f.low) && isnan(f.upp));
  /* A median keeps t on its own rows' df (svyquantile on the group). */
  o.df = 4;
  mtm_analysis_est q1, q2;
  assert_int_equal(mtm_analysis_quantile(&d, y, 0.5, NULL, &o, &q1), 0);
  mtm_analysis_opts n = {0};
  assert_int_equal(mtm_analysis_quantile(&d, y, 0.5, NULL, &n, &q2), 0);
  assert_close(q1.low, q2.low, 0);
  assert_close(q1.upp, q2.upp, 0);
  mtm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(degf_of_rows),
      cmocka_unit_test(intervals_on_the_full_design),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
