/* Unit tests of the fused passes of analysis.h (mtm_analysis_options_by,
 * mtm_analysis_mean_by, mtm_analysis_quantile_by): on a generated design
 * (strata with several PSUs and a lonely one, weights with zeros, a group
 * of four levels with missing rows, a domain, a 70-option select_multiple
 * over two words with unanswered rows, a numeric column with ties and
 * missing values) each must give exactly, bit for bit, the figures of the
 * per-domain calls it replaces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

enum { N = 3000, G = 4, NOPT = 70, WORDS = 2 };

/* Fails unless two estimates are identical (NaN equal to NaN). */
static void same(const mtm_analysis_est *a, const mtm_analysis_est *b, const char *what, int i) {
  const double x[] = {a->est, a->se, a->low, a->upp, a->deff, a->deff_replace,
                      a->n, a->n_total, a->n_w, a->n_w_total};
  const double y[] = {b->est, b->se, b->low, b->upp, b->deff, b->deff_replace,
                      b->n, b->n_total, b->n_w, b->n_w_total};
  for (int k = 0; k < 10; k++)
    if (!(x[k] == y[k] || (isnan(x[k]) && isnan(y[k]))))
      fail_msg("%s %d field %d: %.17g is not %.17g", what, i, k, x[k], y[k]);
  if (a->df != b->df) fail_msg("%s %d: df %ld is not %ld", what, i, a->df, b->df);
}

typedef struct data {
  int64_t strata[N], cluster[N];
  double w[N], y[N];
  int32_t group[N];
  uint8_t dom[N];
  uint64_t bits[N * WORDS], missing[(N + 63) / 64];
} data;

static uint64_t seed = 88172645463325252ull;

/* xorshift64: deterministic numbers for the data. */
static uint64_t rnd(void) {
  seed ^= seed << 13;
  seed ^= seed >> 7;
  seed ^= seed << 17;
  return seed;
}

/* Fills the data: 5 strata (stratum 4 one PSU), 8 PSUs in the others. */
static void make(data *D) {
  memset(D, 0, sizeof *D);
  for (int i = 0; i < N; i++) {
    D->strata[i] = (int64_t)(rnd() % 5);
    D->cluster[i] = D->strata[i] == 4 ? 0 : (int64_t)(rnd() % 8);
    D->w[i] = rnd() % 17 == 0 ? 0 : 1 + (double)(rnd() % 1000) / 7;
    D->group[i] = rnd() % 23 == 0 ? -1 : (int32_t)(rnd() % G);
    D->dom[i] = rnd() % 5 != 0;
    D->y[i] = rnd() % 13 == 0 ? NAN : (double)(rnd() % 40) + (rnd() % 3) * 0.25;
    if (rnd() % 11 == 0)
      D->missing[i / 64] |= 1ull << (i % 64);
    else
      for (int k = 0; k < NOPT; k++)
        if (rnd() % 4 == 0) D->bits[i * WORDS + k / 64] |= 1ull << (k % 64);
  }
}

/* Every option in every group, with and without groups and a domain, is
 * what mtm_analysis_shares_by gives for the option's codes 0/1. */
static void options_by_is_shares_by(void **state) {
  (void)state;
  static data D;
  make(&D);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_analysis_design d;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_analysis_design_init(&d, &a, N, D.w, D.strata, D.cluster,
                                            MTM_ANALYSIS_LONELY_ADJUST, &err),
                   0);
  mtm_analysis_opts o = {0};
  static mtm_analysis_est fused[G * NOPT], ref[G * 2];
  static int32_t codes[N];
  for (int pass = 0; pass < 4; pass++) {
    const int32_t *grp = pass & 1 ? D.group : NULL;
    const uint8_t *dom = pass & 2 ? D.dom : NULL;
    int ng = grp ? G : 1;
    assert_int_equal(mtm_analysis_options_by(&d, D.bits, WORDS, D.missing, NOPT, grp, ng, dom,
                                             &o, fused),
                     0);
    for (int k = 0; k < NOPT; k++) {
      for (int i = 0; i < N; i++)
        codes[i] = (D.missing[i / 64] >> (i % 64)) & 1
                       ? -1
                       : (int32_t)((D.bits[i * WORDS + k / 64] >> (k % 64)) & 1);
      assert_int_equal(mtm_analysis_shares_by(&d, codes, 2, grp, ng, dom, &o, ref), 0);
      for (int g = 0; g < ng; g++) same(&fused[g * NOPT + k], &ref[g * 2 + 1], "option", k);
    }
  }
  /* Without clusters it does not apply: the caller makes the calls. */
  mtm_analysis_design d2;
  assert_int_equal(mtm_analysis_design_init(&d2, &a, N, D.w, D.strata, NULL,
                                            MTM_ANALYSIS_LONELY_ADJUST, &err),
                   0);
  assert_int_equal(mtm_analysis_options_by(&d2, D.bits, WORDS, D.missing, NOPT, NULL, 1, NULL,
                                           &o, fused),
                   1);
  mtm_arena_free(&a);
}

/* The mean and the median of every group are those of the per-domain
 * calls with dom AND group == g, under both lonely-PSU rules. */
static void mean_and_quantile_by_are_per_domain(void **state) {
  (void)state;
  static data D;
  make(&D);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_err err;
  mtm_err_clear(&err);
  static uint8_t gd[N];
  static double ys[N], ws[N];
  for (int lonely = MTM_ANALYSIS_LONELY_ADJUST; lonely <= MTM_ANALYSIS_LONELY_REMOVE; lonely++) {
    mtm_analysis_design d;
    assert_int_equal(mtm_analysis_design_init(&d, &a, N, D.w, D.strata, D.cluster, lonely, &err),
                     0);
    mtm_analysis_opts o = {0};
    size_t m = 0;
    uint32_t *order = mtm_analysis_order(&d, D.y, &m);
    assert_non_null(order);
    for (int withdom = 0; withdom < 2; withdom++) {
      const uint8_t *dom = withdom ? D.dom : NULL;
      mtm_analysis_est mb[G], qb[G], qs[G], ref;
      assert_int_equal(mtm_analysis_mean_by(&d, D.y, D.group, G, dom, &o, mb), 0);
      assert_int_equal(
          mtm_analysis_quantile_by(&d, D.y, order, m, NULL, NULL, 0.5, D.group, G, dom, &o, qb), 0);
      for (size_t k = 0; k < m; k++) ys[k] = D.y[order[k]], ws[k] = D.w[order[k]];
      assert_int_equal(
          mtm_analysis_quantile_by(&d, D.y, order, m, ys, ws, 0.5, D.group, G, dom, &o, qs), 0);
      for (int g = 0; g < G; g++) {
        for (int i = 0; i < N; i++) gd[i] = D.group[i] == g && (!dom || dom[i]);
        mtm_analysis_mean(&d, D.y, gd, &o, &ref);
        same(&mb[g], &ref, "mean of group", g);
        assert_int_equal(mtm_analysis_quantile_sorted(&d, D.y, order, m, 0.5, gd, &o, &ref), 0);
        same(&qb[g], &ref, "median of group", g);
        same(&qs[g], &ref, "median of group (values in order)", g);
        assert_true(!isnan(qb[g].est) && !isnan(qb[g].se));
      }
    }
    free(order);
  }
  mtm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(options_by_is_shares_by),
      cmocka_unit_test(mean_and_quantile_by_are_per_domain),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
