/* Unit tests of sample: the normal quantile, Cochran's size against the
 * published table of Krejcie & Morgan (1970), allocation by largest
 * remainder with minimums and caps, per-stratum sizes, and the stored plan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample/sample.h"

#define assert_close(a, b, tol)                                                             \
  do {                                                                                      \
    double a_ = (a), b_ = (b);                                                              \
    if (!(fabs(a_ - b_) <= (tol))) fail_msg("%.17g is not %.17g (within %g)", a_, b_, (tol)); \
  } while (0)

/* Reference quantiles: scipy.stats.norm.ppf / Python's statistics.NormalDist
 * (Wichura's AS241), and z(0.95) = 1.959963984540054 as tabulated. */
static void quantile_to_double_precision(void **state) {
  (void)state;
  assert_close(mtm_sample_z(0.95), 1.959963984540054, 1e-15);
  assert_close(mtm_sample_z(0.99), 2.5758293035489, 1e-14);
  assert_close(mtm_sample_z(0.90), 1.6448536269514715, 1e-14);
  assert_close(mtm_sample_inv_normal(0.5), 0.0, 1e-16);
  assert_close(mtm_sample_inv_normal(0.975), 1.9599639845400536, 1e-15);
  assert_close(mtm_sample_inv_normal(0.025), -1.9599639845400538, 1e-15);
  assert_close(mtm_sample_inv_normal(0.3), -0.5244005127080407, 1e-15);
  assert_close(mtm_sample_inv_normal(0.9), 1.2815515655446008, 1e-15);
  /* The switch between Acklam's central and tail pieces. */
  assert_close(mtm_sample_inv_normal(0.02425), -1.9729610513118845, 1e-15);
  assert_close(mtm_sample_inv_normal(1e-10), -6.361340902404056, 1e-13);
  assert_close(mtm_sample_inv_normal(1 - 1e-12), 7.0344869100478356, 1e-14);
  assert_true(isinf(mtm_sample_inv_normal(0)) && mtm_sample_inv_normal(0) < 0);
  assert_true(isinf(mtm_sample_inv_normal(1)) && mtm_sample_inv_normal(1) > 0);
  assert_true(isnan(mtm_sample_inv_normal(1.5)));
  assert_true(isnan(mtm_sample_z(1)));
}

static void cochran_without_correction(void **state) {
  (void)state;
  double z = mtm_sample_z(0.95);
  double n0 = mtm_sample_cochran(z, 0.5, 0.05, 1);
  assert_close(n0, 384.1458820694123, 1e-11);
  assert_int_equal(mtm_sample_size(n0, INFINITY), 385);
  /* deff 2 doubles n0; p = 0.2 gives 0.16/0.25 of it; 3% margin. */
  assert_close(mtm_sample_cochran(z, 0.5, 0.05, 2), 2 * n0, 1e-11);
  assert_int_equal(mtm_sample_size(mtm_sample_cochran(z, 0.2, 0.05, 1), INFINITY), 246);
  assert_int_equal(mtm_sample_size(mtm_sample_cochran(z, 0.5, 0.03, 1), INFINITY), 1068);
  /* 99%, 5%: 663.49 -> 664. */
  assert_int_equal(mtm_sample_size(mtm_sample_cochran(mtm_sample_z(0.99), 0.5, 0.05, 1), INFINITY),
                   664);
  assert_int_equal(mtm_sample_size(n0, 0), 0);
}

/*
 * Krejcie, R. V. & Morgan, D. W. (1970), "Determining sample size for
 * research activities", Educational and Psychological Measurement 30,
 * 607-610, Table 1 (95% confidence, d = 0.05, P = 0.5). Their formula,
 * s = X^2 N P(1-P) / (d^2 (N-1) + X^2 P(1-P)) with X^2 = 3.841, is
 * Cochran's n0 / (1 + (n0 - 1) / N) with n0 = X^2 P(1-P) / d^2: the same
 * correction mtm applies. Two differences: K&M round to the nearest integer
 * where Cochran (and mtm) round up, and X^2 = 3.841 where mtm uses the exact
 * z^2 = 3.8414588. The rounding accounts for every row where mtm asks one
 * more interview than the table (the chi-square for none on its own).
 */
static const struct {
  long N, s, mtm;
} km[] = {
    {10, 10, 10},     {15, 14, 15},     {20, 19, 20},     {25, 24, 24},     {30, 28, 28},
    {35, 32, 33},     {40, 36, 37},     {45, 40, 41},     {50, 44, 45},     {55, 48, 49},
    {60, 52, 53},     {65, 56, 56},     {70, 59, 60},     {75, 63, 63},     {80, 66, 67},
    {85, 70, 70},     {90, 73, 74},     {95, 76, 77},     {100, 80, 80},    {110, 86, 86},
    {120, 92, 92},    {130, 97, 98},    {140, 103, 103},  {150, 108, 109},  {220, 140, 141},
    {230, 144, 145},  {240, 148, 148},  {250, 152, 152},  {500, 217, 218},  {1000, 278, 278},
    {1200, 291, 292}, {1300, 297, 297}, {1400, 302, 302}, {1500, 306, 306}, {9000, 368, 369},
    {10000, 370, 370}, {20000, 377, 377}, {50000, 381, 382}, {75000, 382, 383},
    {1000000, 384, 384},
};

static void krejcie_morgan_table(void **state) {
  (void)state;
  double n0 = mtm_sample_cochran(mtm_sample_z(0.95), 0.5, 0.05, 1);
  double n0_km = mtm_sample_cochran(sqrt(3.841), 0.5, 0.05, 1);
  for (size_t i = 0; i < sizeof km / sizeof km[0]; i++) {
    double N = (double)km[i].N;
    /* The table itself: their chi-square, rounded to nearest. */
    double s_km = n0_km / (1 + (n0_km - 1) / N);
    if (lround(s_km) != km[i].s) fail_msg("K&M N=%ld: %.4f, table %ld", km[i].N, s_km, km[i].s);
    /* mtm: exact z, rounded up. */
    long s = mtm_sample_size(n0, N);
    if (s != km[i].mtm) fail_msg("mtm N=%ld: %ld, expected %ld", km[i].N, s, km[i].mtm);
    /* At most one more than the table, and only where rounding up differs
     * from rounding to nearest with the exact z. */
    double exact = n0 / (1 + (n0 - 1) / N);
    assert_true(s - km[i].s == (long)(ceil(exact) - (double)lround(exact)));
  }
  /* The values of Israel (1992) quoted in the brief: 100, 500, 1000, 10000,
   * 100000 -> 80, 217, 278, 370, 383; mtm rounds 217.49 up to 218. */
  assert_int_equal(mtm_sample_size(n0, 100), 80);
  assert_int_equal(mtm_sample_size(n0, 500), 218);
  assert_int_equal(mtm_sample_size(n0, 1000), 278);
  assert_int_equal(mtm_sample_size(n0, 10000), 370);
  assert_int_equal(mtm_sample_size(n0, 100000), 383);
}

/* Largest remainder: rows add up to the total exactly, each within one of
 * its quota, ties by P-code. */
static void largest_remainder_sums_exactly(void **state) {
  (void)state;
  double w[3] = {5, 3, 2};
  long lo[3] = {0, 0, 0}, hi[3] = {100, 100, 100}, out[3];
  const char *keys[3] = {"A", "B", "C"};
  double q[3];
  assert_int_equal(mtm_sample_allocate(7, 3, w, lo, hi, keys, q, out), 7);
  assert_close(q[0], 3.5, 1e-12);
  assert_close(q[1], 2.1, 1e-12);
  assert_close(q[2], 1.4, 1e-12);
  assert_int_equal(out[0], 4);
  assert_int_equal(out[1], 2);
  assert_int_equal(out[2], 1);
  /* Equal remainders: the smaller P-code first, whatever the order. */
  double we[3] = {1, 1, 1};
  const char *k2[3] = {"KZ02", "KZ01", "KZ03"};
  assert_int_equal(mtm_sample_allocate(10, 3, we, lo, hi, k2, NULL, out), 10);
  assert_int_equal(out[0], 3);
  assert_int_equal(out[1], 4);
  assert_int_equal(out[2], 3);
  assert_int_equal(mtm_sample_allocate(11, 3, we, lo, hi, k2, NULL, out), 11);
  assert_int_equal(out[0], 4);
  assert_int_equal(out[1], 4);
  assert_int_equal(out[2], 3);
  /* Many strata of awkward sizes: always the exact total. */
  enum { M = 113 };
  double ww[M];
  long l2[M], h2[M], o2[M];
  double q2[M];
  char names[M][16];
  const char *kk[M];
  unsigned seed = 12345;
  for (int i = 0; i < M; i++) {
    seed = seed * 1103515245u + 12345u;
    ww[i] = (double)(seed % 100000) / 7.0 + 0.5;
    l2[i] = 0;
    h2[i] = (long)floor(ww[i]);
    snprintf(names[i], sizeof names[i], "P%03d", i);
    kk[i] = names[i];
  }
  for (long total = 1; total < 5000; total += 97) {
    assert_int_equal(mtm_sample_allocate(total, M, ww, l2, h2, kk, q2, o2), total);
    long sum = 0;
    for (int i = 0; i < M; i++) {
      sum += o2[i];
      assert_true(fabs((double)o2[i] - q2[i]) < 1);
    }
    assert_int_equal(sum, total);
  }
}

static void minimum_per_stratum(void **state) {
  (void)state;
  /* 100 over 1000, 100, 10, 5 with at least 10: the small ones get
   * min(10, N_h), the largest gives up the excess. */
  double w[4] = {1000, 100, 10, 5};
  long lo[4] = {10, 10, 10, 5}, hi[4] = {1000, 100, 10, 5}, out[4];
  const char *keys[4] = {"A", "B", "C", "D"};
  assert_int_equal(mtm_sample_allocate(100, 4, w, lo, hi, keys, NULL, out), 100);
  assert_int_equal(out[0], 75);
  assert_int_equal(out[1], 10);
  assert_int_equal(out[2], 10);
  assert_int_equal(out[3], 5);
  /* The excess comes from the others in proportion: 2000 and 1000 give up
   * 2:1. */
  double w2[3] = {2000, 1000, 1};
  long lo2[3] = {30, 30, 1}, hi2[3] = {2000, 1000, 1}, o2[3];
  assert_int_equal(mtm_sample_allocate(91, 3, w2, lo2, hi2, keys, NULL, o2), 91);
  assert_int_equal(o2[0], 60);
  assert_int_equal(o2[1], 30);
  assert_int_equal(o2[2], 1);
  /* Minimums above the total raise it. */
  assert_int_equal(mtm_sample_allocate(50, 4, w, lo, hi, keys, NULL, out), 50);
  long lo3[4] = {20, 20, 10, 5};
  assert_int_equal(mtm_sample_allocate(40, 4, w, lo3, hi, keys, NULL, out), 55);
  assert_int_equal(out[0], 20);
  assert_int_equal(out[3], 5);
}

static void caps_redistribute(void **state) {
  (void)state;
  /* Equal allocation of 100 to strata of 1000 and 3: the small one is
   * capped at 3 and the other takes the rest. */
  double w[2] = {1, 1};
  long lo[2] = {0, 0}, hi[2] = {1000, 3}, out[2];
  const char *keys[2] = {"A", "B"};
  assert_int_equal(mtm_sample_allocate(100, 2, w, lo, hi, keys, NULL, out), 100);
  assert_int_equal(out[0], 97);
  assert_int_equal(out[1], 3);
  /* A total above the population is brought down to it. */
  assert_int_equal(mtm_sample_allocate(2000, 2, w, lo, hi, keys, NULL, out), 1003);
  assert_int_equal(out[0], 1000);
  assert_int_equal(out[1], 3);
  /* Neyman-like weights where one stratum is capped: 3 equal weights, cap 2
   * on the first, total 11 -> 2, 4.5, 4.5 -> 2, 5, 4 (tie by key). */
  double w3[3] = {1, 1, 1};
  long lo3[3] = {0, 0, 0}, hi3[3] = {2, 50, 50}, o3[3];
  const char *k3[3] = {"A", "B", "C"};
  assert_int_equal(mtm_sample_allocate(11, 3, w3, lo3, hi3, k3, NULL, o3), 11);
  assert_int_equal(o3[0], 2);
  assert_int_equal(o3[1], 5);
  assert_int_equal(o3[2], 4);
}

static mtm_sample_stratum stratum(const char *pcode, double figure) {
  mtm_sample_stratum s;
  memset(&s, 0, sizeof s);
  s.pcode = pcode;
  s.name = pcode;
  s.level = 1;
  s.figure = figure;
  s.proportion = NAN;
  return s;
}

static void design_proportional_and_not_assessed(void **state) {
  (void)state;
  mtm_sample_params p;
  mtm_sample_defaults(&p);
  mtm_sample_stratum s[4] = {stratum("A", 6000), stratum("B", 3000), stratum("C", NAN),
                             stratum("D", 0)};
  mtm_sample_plan plan;
  memset(&plan, 0, sizeof plan);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_sample_design(&p, s, 4, &plan, &err), 0);
  assert_close(plan.figure_total, 9000, 0);
  assert_int_equal(plan.nassessed, 3);
  /* N = 9000: 368.46 -> 369 (K&M's table: 368). */
  assert_int_equal(plan.required, 369);
  assert_int_equal(plan.total, 369);
  assert_int_equal(s[0].sample, 246);
  assert_int_equal(s[1].sample, 123);
  assert_int_equal(s[2].sample, -1); /* not assessed */
  assert_true(isnan(s[2].share) && isnan(s[2].pi));
  assert_int_equal(s[3].sample, 0); /* assessed: nobody there */
  assert_close(s[3].share, 0, 0);
  assert_true(isnan(s[3].pi));
  assert_close(s[0].share, 2.0 / 3, 1e-15);
  assert_close(s[0].pi, 246.0 / 6000, 1e-15);
  /* Equal: 369 over the two that have anyone (D is capped at 0). */
  p.allocation = MTM_SAMPLE_EQUAL;
  assert_int_equal(mtm_sample_design(&p, s, 4, &plan, &err), 0);
  assert_int_equal(s[0].sample, 185);
  assert_int_equal(s[1].sample, 184);
  assert_int_equal(s[3].sample, 0);
  /* Neyman with counts only is proportional. */
  p.allocation = MTM_SAMPLE_NEYMAN;
  assert_int_equal(mtm_sample_design(&p, s, 4, &plan, &err), 0);
  assert_int_equal(s[0].sample, 246);
  assert_int_equal(s[1].sample, 123);
  /* With a stratum proportion: S_A = sqrt(.1 .9) = .3, S_B = .5, so
   * 6000 .3 : 3000 .5 = 1800 : 1500. 369 * 1800/3300 = 201.27. */
  s[0].proportion = 0.1;
  assert_int_equal(mtm_sample_design(&p, s, 4, &plan, &err), 0);
  assert_int_equal(s[0].sample, 201);
  assert_int_equal(s[1].sample, 168);
  assert_close(s[0].quota, 369.0 * 1800 / 3300, 1e-9);
}

static void design_per_stratum(void **state) {
  (void)state;
  mtm_sample_params p;
  mtm_sample_defaults(&p);
  p.per_stratum = 1;
  mtm_sample_stratum s[4] = {stratum("A", 100), stratum("B", 1000), stratum("C", 10000),
                             stratum("D", NAN)};
  mtm_sample_plan plan;
  memset(&plan, 0, sizeof plan);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_sample_design(&p, s, 4, &plan, &err), 0);
  assert_int_equal(s[0].sample, 80);
  assert_int_equal(s[1].sample, 278);
  assert_int_equal(s[2].sample, 370);
  assert_int_equal(s[3].sample, -1);
  assert_int_equal(plan.required, 728);
  assert_int_equal(plan.total, 728);
  assert_close(s[0].pi, 0.8, 1e-15);
  /* A minimum raises small strata on their own; the total grows. */
  mtm_sample_stratum t[2] = {stratum("A", 3), stratum("B", 10000)};
  p.min_per_stratum = 5;
  assert_int_equal(mtm_sample_design(&p, t, 2, &plan, &err), 0);
  assert_int_equal(t[0].sample, 3);
  assert_int_equal(t[1].sample, 370);
  p.min_per_stratum = 400;
  assert_int_equal(mtm_sample_design(&p, t, 2, &plan, &err), 0);
  assert_int_equal(t[0].sample, 3);
  assert_int_equal(t[1].sample, 400);
  assert_int_equal(plan.required, 373);
  assert_int_equal(plan.total, 403);
}

static void design_min_and_fractional_figures(void **state) {
  (void)state;
  mtm_sample_params p;
  mtm_sample_defaults(&p);
  p.min_per_stratum = 30;
  /* Medians of two KIs can be halves: 150.5 people cap the stratum at 150. */
  mtm_sample_stratum s[3] = {stratum("KZ01", 20000.5), stratum("KZ02", 150.5),
                             stratum("KZ03", 12)};
  mtm_sample_plan plan;
  memset(&plan, 0, sizeof plan);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_sample_design(&p, s, 3, &plan, &err), 0);
  /* N = 20163: 376.98 -> 377; KZ03 raised to 12 (all of it), KZ02 to 30. */
  assert_int_equal(plan.required, 377);
  assert_int_equal(plan.total, 377);
  assert_int_equal(s[0].sample, 335);
  assert_int_equal(s[1].sample, 30);
  assert_int_equal(s[2].sample, 12);
  assert_close(s[2].pi, 1, 0);
  /* Parameters are checked. */
  p.margin = 0;
  assert_int_equal(mtm_sample_design(&p, s, 3, &plan, &err), MTM_EUSAGE);
  assert_string_equal(err.msg, "--margin is a fraction between 0 and 1 such as 0.05, not 0");
  mtm_sample_defaults(&p);
  mtm_sample_stratum none[1] = {stratum("KZ01", NAN)};
  assert_int_equal(mtm_sample_design(&p, none, 1, &plan, &err), MTM_EINVAL);
  assert_string_equal(err.msg,
                      "none of the 1 areas has a baseline figure: there is nothing to sample from");
  mtm_sample_stratum neg[1] = {stratum("KZ01", -3)};
  assert_int_equal(mtm_sample_design(&p, neg, 1, &plan, &err), MTM_EINVAL);
  assert_string_equal(err.msg,
                      "area KZ01 has a baseline figure of -3: a population cannot be negative");
}

static void plan_saved_and_read_back(void **state) {
  (void)state;
  char path[] = "/tmp/mtm-sample-test-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  unlink(path);
  mtm_err err;
  mtm_err_clear(&err);
  mtm_store *st;
  assert_int_equal(mtm_store_open(&st, path, 1, &err), 0);
  assert_int_equal(mtm_store_schema_version(st), MTM_STORE_SCHEMA_VERSION);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_sample_plan got;
  assert_int_equal(mtm_sample_load(st, 2, NULL, &a, &got, &err), MTM_ENOTFOUND);
  assert_string_equal(err.msg, "round 2 has no saved sample plan: make one with 'mtm sample "
                               "--round 2 ... --save'");
  mtm_sample_params p;
  mtm_sample_defaults(&p);
  mtm_sample_stratum s[3] = {stratum("KZ01", 6000), stratum("KZ02", NAN), stratum("KZ03", 3000)};
  for (int round = 1; round <= 2; round++) {
    mtm_sample_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.round = 2;
    plan.level = 1;
    plan.population = "migrant_worker";
    plan.period = round == 1 ? "2022" : "2023Q1";
    p.allocation = round == 1 ? MTM_SAMPLE_EQUAL : MTM_SAMPLE_PROPORTIONAL;
    assert_int_equal(mtm_sample_design(&p, s, 3, &plan, &err), 0);
    assert_int_equal(mtm_sample_save(st, &plan, &err), 0);
    assert_int_equal(plan.id, round);
  }
  assert_int_equal(mtm_sample_load(st, 2, "migrant_worker", &a, &got, &err), 0);
  assert_int_equal(got.id, 2);
  assert_string_equal(got.period, "2023Q1");
  assert_null(got.form_id);
  assert_int_equal(got.params.allocation, MTM_SAMPLE_PROPORTIONAL);
  assert_close(got.z, mtm_sample_z(0.95), 0);
  assert_close(got.figure_total, 9000, 0);
  assert_int_equal(got.required, 369);
  assert_int_equal(got.nstrata, 3);
  assert_int_equal(got.nassessed, 2);
  assert_string_equal(got.strata[0].pcode, "KZ01");
  assert_int_equal(got.strata[0].sample, 246);
  assert_close(got.strata[0].pi, 246.0 / 6000, 0);
  assert_int_equal(got.strata[1].sample, -1);
  assert_true(isnan(got.strata[1].figure) && isnan(got.strata[1].pi));
  assert_close(got.strata[2].share, 1.0 / 3, 1e-15);
  assert_int_equal(mtm_sample_load(st, 2, "emigrant", &a, &got, &err), MTM_ENOTFOUND);
  assert_string_equal(err.msg, "round 2 has no saved sample plan for emigrant: make one with "
                               "'mtm sample --round 2 --population emigrant ... --save'");
  mtm_arena_free(&a);
  mtm_store_close(st);
  unlink(path);
  char side[sizeof path + 8];
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}

static void plan_as_csv_json_and_summary(void **state) {
  (void)state;
  mtm_sample_params p;
  mtm_sample_defaults(&p);
  p.min_per_stratum = 130;
  mtm_sample_stratum s[3] = {stratum("KZ01", 6000), stratum("KZ02", NAN), stratum("KZ03", 3000.5)};
  s[0].name = "Almaty, city";
  s[1].name = "Abai";
  s[2].name = "Aktobe";
  s[2].reporting = 7;
  s[2].locations = 9;
  mtm_sample_plan plan;
  memset(&plan, 0, sizeof plan);
  plan.round = 2;
  plan.level = 1;
  plan.population = "migrant_worker";
  plan.period = "2023Q1";
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_sample_design(&p, s, 3, &plan, &err), 0);
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_sample_csv(&plan, &b);
  assert_string_equal(b.p, "level,pcode,name,population,share,sample\n"
                           "1,KZ01,\"Almaty, city\",6000,0.666630,239\n"
                           "1,KZ02,Abai,,,\n"
                           "1,KZ03,Aktobe,3000.5,0.333370,130\n");
  mtm_buf_reset(&b);
  mtm_sample_json(&plan, &b);
  assert_string_equal(
      b.p, "{\"round\":2,\"form_id\":null,\"population\":\"migrant_worker\",\"period\":\"2023Q1\","
           "\"level\":1,\"parameters\":{\"confidence\":0.95,\"z\":1.959963984540054,"
           "\"margin\":0.05,\"proportion\":0.5,\"deff\":1,\"N\":9000.5,\"n0\":384.14588206941244,"
           "\"n\":369,\"total\":369,\"allocation\":\"proportional\",\"per_stratum\":false,"
           "\"min_per_stratum\":130},\"strata\":3,\"strata_assessed\":2,\"plan_id\":null,"
           "\"rows\":[{\"level\":1,\"pcode\":\"KZ01\",\"name\":\"Almaty, city\","
           "\"population\":6000,\"share\":0.666630,\"sample\":239,"
           "\"pi\":0.03983333333333333,\"assessed\":true},"
           "{\"level\":1,\"pcode\":\"KZ02\",\"name\":\"Abai\",\"population\":null,"
           "\"share\":null,\"sample\":null,\"pi\":null,\"assessed\":false},"
           "{\"level\":1,\"pcode\":\"KZ03\",\"name\":\"Aktobe\",\"population\":3000.5,"
           "\"share\":0.333370,\"sample\":130,\"pi\":0.04332611231461423,\"assessed\":true}]}\n");
  mtm_buf_reset(&b);
  mtm_sample_summary(&plan, &b);
  assert_string_equal(
      b.p, "sample plan: migrant_worker, period 2023Q1, round 2, 3 areas of admin1 (2 with a "
           "baseline figure)\n"
           "  z = 1.959964 (confidence 0.95), margin e = 0.05, proportion p = 0.5, design effect 1\n"
           "  n0 = z^2 p (1 - p) deff / e^2 = 384.15\n"
           "  N = 9000.5, the baseline figures of the 2 areas added up\n"
           "  n = n0 / (1 + (n0 - 1) / N) = 368.46, rounded up: 369\n"
           "  allocated in proportion to the baseline figure, at most N_h per area, by largest "
           "remainder\n"
           "  at least 130 per area (all of a smaller one)\n"
           "  total: 369 interviews\n"
           "  partly covered, the figure counts only the locations that reported: KZ03 Aktobe "
           "(7 of 9)\n"
           "  not assessed (no baseline figure, no sample): KZ02 Abai\n");
  mtm_buf_free(&b);
}

static void stratum_proportions_from_a_file(void **state) {
  (void)state;
  mtm_sample_stratum s[3] = {stratum("KZ01", 6000), stratum("KZ02", NAN), stratum("KZ03", 3000)};
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_sample_read_proportions("tests/fixtures/sample/proportions.csv", s, 3, &err), 0);
  assert_close(s[0].proportion, 0.1, 0);
  assert_true(isnan(s[2].proportion));
  mtm_sample_params p;
  mtm_sample_defaults(&p);
  p.allocation = MTM_SAMPLE_NEYMAN;
  mtm_sample_plan plan;
  memset(&plan, 0, sizeof plan);
  assert_int_equal(mtm_sample_design(&p, s, 3, &plan, &err), 0);
  assert_int_equal(s[0].sample, 201);
  assert_int_equal(s[2].sample, 168);
  /* Per stratum, a stratum's own p: n0 = 1.96^2 .09 / .0025 = 138.29 at
   * N = 6000 -> 135.18 -> 136. */
  p.per_stratum = 1;
  assert_int_equal(mtm_sample_design(&p, s, 3, &plan, &err), 0);
  assert_int_equal(s[0].sample, 136);
  assert_int_equal(s[2].sample, mtm_sample_size(plan.n0, 3000));
  char msg[512];
  mtm_err_clear(&err);
  assert_int_equal(mtm_sample_read_proportions("tests/fixtures/sample/proportions-unknown.csv", s, 3,
                                               &err),
                   MTM_EINVAL);
  mtm_err_format(&err, msg, sizeof msg);
  assert_string_equal(msg, "tests/fixtures/sample/proportions-unknown.csv, row 3, column 'pcode': "
                           "P-code 'KZ09' is not one of the 3 areas of level 1 being sampled");
  mtm_err_clear(&err);
  assert_int_equal(mtm_sample_read_proportions("tests/fixtures/sample/proportions-bad.csv", s, 3,
                                               &err),
                   MTM_EINVAL);
  mtm_err_format(&err, msg, sizeof msg);
  assert_string_equal(msg, "tests/fixtures/sample/proportions-bad.csv, row 2, column 'proportion': "
                           "'1.5' is not a proportion between 0 and 1");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(quantile_to_double_precision),
      cmocka_unit_test(cochran_without_correction),
      cmocka_unit_test(krejcie_morgan_table),
      cmocka_unit_test(largest_remainder_sums_exactly),
      cmocka_unit_test(minimum_per_stratum),
      cmocka_unit_test(caps_redistribute),
      cmocka_unit_test(design_proportional_and_not_assessed),
      cmocka_unit_test(design_per_stratum),
      cmocka_unit_test(design_min_and_fractional_figures),
      cmocka_unit_test(plan_saved_and_read_back),
      cmocka_unit_test(plan_as_csv_json_and_summary),
      cmocka_unit_test(stratum_proportions_from_a_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
