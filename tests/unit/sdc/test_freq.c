/* Unit tests of sdc's frequencies and risk against sdcMicro's own cases:
 * freqCalc's five records (region, status, agegroup) before and after the
 * widow's status is suppressed; sdcMicro's francdat example (8 records,
 * keys Key1..Key4, weight w) with and without its missing values, fk, Fk
 * and indivRisk as sdcMicro's R code gives them (R/freqCalc.r and
 * R/indivRisk.R run on data/francdat.rda); the sample unique's risk
 * pk / (1 - pk) ln(1 / pk) worked by hand; sdcMicro's rule that a
 * complete key does not count records missing every key; and a randomised
 * comparison of the fast count with the rule written as a double loop, on
 * random keys with missing values and weights. Then bands, recoding,
 * top-coding, R's type 7 quantile and the keyed pseudonym (RFC 4231). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdc/sdc.h"

#define NA MTM_SDC_NA

/* Keys over columns given record by record: rows[i * nkeys + j]. */
typedef struct keyset {
  mtm_sdc_keys k;
  int32_t *cols[32];
} keyset;

static void keys_from_rows(keyset *s, long n, int nkeys, const int32_t *rows, const double *w) {
  memset(s, 0, sizeof *s);
  s->k.n = n;
  s->k.nkeys = nkeys;
  s->k.w = w;
  for (int j = 0; j < nkeys; j++) {
    s->cols[j] = calloc((size_t)(n ? n : 1), sizeof(int32_t));
    for (long i = 0; i < n; i++) s->cols[j][i] = rows[i * nkeys + j];
  }
  s->k.codes = s->cols;
}

static void keys_free(keyset *s) {
  for (int j = 0; j < s->k.nkeys; j++) free(s->cols[j]);
}

/* freqCalc's case from the issue: (A, single, 5), (A, married, 5),
 * (A, married, 5), (A, single, 5), (A, widow, 5) give fk 2 2 2 2 1; with
 * the widow's status missing, which matches anything, 3 3 3 3 5. */
static void test_freqcalc_five(void **state) {
  (void)state;
  int32_t rows[] = {0, 0, 5, 0, 1, 5, 0, 1, 5, 0, 0, 5, 0, 2, 5};
  keyset s;
  keys_from_rows(&s, 5, 3, rows, NULL);
  double fk[5], Fk[5];
  assert_int_equal(mtm_sdc_freq(&s.k, fk, Fk, NULL), 0);
  double want[] = {2, 2, 2, 2, 1};
  for (int i = 0; i < 5; i++) {
    assert_true(fk[i] == want[i]);
    assert_true(Fk[i] == want[i]); /* no weights: Fk is fk */
  }
  assert_int_equal(mtm_sdc_violations(fk, 5, 2), 1);
  s.cols[1][4] = NA;
  assert_int_equal(mtm_sdc_freq(&s.k, fk, Fk, NULL), 0);
  double want2[] = {3, 3, 3, 3, 5};
  for (int i = 0; i < 5; i++) assert_true(fk[i] == want2[i]);
  assert_int_equal(mtm_sdc_violations(fk, 5, 2), 0);
  keys_free(&s);
}

/* sdcMicro's francdat: keys Key1, Key2, Key3, Key4 and weight w. */
static const int32_t francdat[] = {1, 2, 5, 1, 1, 2, 1, 1, 1, 2, 1, 1, 3, 3, 1, 5,
                                   4, 3, 1, 4, 4, 3, 1, 1, 6, 2, 1, 5, 1, 2, 5, 1};
static const double francdat_w[] = {18.0, 45.5, 39.0, 17.0, 541.0, 8.0, 5.0, 92.0};

/* freqCalc(francdat, keyVars = c(2, 4, 5, 6), w = 8) and indivRisk of it,
 * as sdcMicro prints them. */
static void test_francdat(void **state) {
  (void)state;
  keyset s;
  keys_from_rows(&s, 8, 4, francdat, francdat_w);
  double fk[8], Fk[8], r[8];
  assert_int_equal(mtm_sdc_freq(&s.k, fk, Fk, NULL), 0);
  double wf[] = {2, 2, 2, 1, 1, 1, 1, 2};
  double wF[] = {110.0, 84.5, 84.5, 17.0, 541.0, 8.0, 5.0, 110.0};
  double wr[] = {0.01714426, 0.02204233, 0.02204233, 0.17707583,
                 0.01165448, 0.29706308, 0.40235948, 0.01714426};
  mtm_sdc_indiv_risk(fk, Fk, 8, r);
  for (int i = 0; i < 8; i++) {
    assert_true(fk[i] == wf[i]);
    assert_float_equal(Fk[i], wF[i], 1e-9);
    assert_float_equal(r[i], wr[i], 5e-9);
  }
  /* By hand: record 5 is a sample unique (fk 1) of weight 541, pk = 1/541,
   * risk = pk / (1 - pk) ln(1 / pk) = ln(541) / 540 = 0.0116545. */
  assert_float_equal(r[4], log(541.0) / 540.0, 1e-12);
  /* Record 1 shares its key with record 8: fk 2, Fk 18 + 92 = 110,
   * pk = 2/110: pk/(1-pk) - (pk/(1-pk))^2 ln(1/pk) = 1/54 - ln(55)/2916. */
  assert_float_equal(r[0], 1.0 / 54 - log(55.0) / 2916, 1e-12);
  /* The global risk is their sum; over n, measure_risk's global_risk. */
  double g = 0;
  for (int i = 0; i < 8; i++) g += wr[i];
  assert_float_equal(mtm_sdc_global_risk(r, 8), g, 1e-7);
  keys_free(&s);
}

/* francdat with freqCalc's example's missing values: x[3,5], x[4,2],
 * x[4,4], x[5,6], x[6,2] set to NA (Key3 of record 3, Key1 and Key2 of
 * record 4, Key4 of record 5, Key1 of record 6). */
static void test_francdat_missing(void **state) {
  (void)state;
  int32_t rows[32];
  memcpy(rows, francdat, sizeof rows);
  rows[2 * 4 + 2] = NA;
  rows[3 * 4 + 0] = NA;
  rows[3 * 4 + 1] = NA;
  rows[4 * 4 + 3] = NA;
  rows[5 * 4 + 0] = NA;
  keyset s;
  keys_from_rows(&s, 8, 4, rows, francdat_w);
  double fk[8], Fk[8], r[8];
  assert_int_equal(mtm_sdc_freq(&s.k, fk, Fk, NULL), 0);
  double wf[] = {3, 2, 4, 3, 3, 2, 2, 3};
  double wF[] = {149.0, 84.5, 194.5, 563.0, 566.0, 549.0, 22.0, 149.0};
  double wr[] = {0.009966777, 0.022042326, 0.006808511, 0.002657219,
                 0.002643172, 0.003581243, 0.076021047, 0.009966777};
  mtm_sdc_indiv_risk(fk, Fk, 8, r);
  for (int i = 0; i < 8; i++) {
    assert_true(fk[i] == wf[i]);
    assert_float_equal(Fk[i], wF[i], 1e-9);
    assert_float_equal(r[i], wr[i], 5e-10);
  }
  keys_free(&s);
}

/* sdcMicro's rule for records missing every key: they count every record
 * (fk = n), records with some missing keys count them, complete records
 * do not (freqCalc's addAllNAtoKeys is FALSE); with one key, complete
 * records count them too. Values as sdcMicro's freqCalc gives them. */
static void test_all_missing(void **state) {
  (void)state;
  int32_t rows[] = {1, 1, 1, 1, 2, 2, NA, NA, 1, NA, NA, 2};
  keyset s;
  keys_from_rows(&s, 6, 2, rows, NULL);
  double fk[6], Fk[6];
  assert_int_equal(mtm_sdc_freq(&s.k, fk, Fk, NULL), 0);
  double want[] = {3, 3, 2, 6, 5, 4};
  for (int i = 0; i < 6; i++) assert_true(fk[i] == want[i]);
  keys_free(&s);
  int32_t one[] = {1, 1, 2, NA, NA};
  keys_from_rows(&s, 5, 1, one, NULL);
  assert_int_equal(mtm_sdc_freq(&s.k, fk, Fk, NULL), 0);
  double want1[] = {4, 4, 3, 5, 5};
  for (int i = 0; i < 5; i++) assert_true(fk[i] == want1[i]);
  keys_free(&s);
}

/* sdcMicro's rule written as a double loop: record i counts record j when
 * they agree wherever both have a value, except a complete record with
 * more than one key skips records missing every key; a record missing
 * every key counts all. */
static void brute_freq(const mtm_sdc_keys *k, double *fk, double *Fk) {
  for (long i = 0; i < k->n; i++) {
    int nai = 0;
    for (int j = 0; j < k->nkeys; j++) nai += k->codes[j][i] < 0;
    fk[i] = Fk[i] = 0;
    for (long l = 0; l < k->n; l++) {
      int nal = 0, ok = 1;
      for (int j = 0; j < k->nkeys; j++) {
        int32_t a = k->codes[j][i], b = k->codes[j][l];
        nal += b < 0;
        if (a >= 0 && b >= 0 && a != b) ok = 0;
      }
      if (nai == 0 && nal == k->nkeys && k->nkeys > 1) ok = 0;
      if (ok) {
        fk[i] += 1;
        Fk[i] += k->w ? k->w[l] : 1;
      }
    }
  }
}

/* A small deterministic generator (xorshift), so that failures repeat. */
static uint64_t rng_state = 88172645463325252ULL;
static uint32_t rnd(uint32_t n) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state % n);
}

/* The fast count equals the double loop on 300 random data sets: 1 to 6
 * keys of 1 to 6 categories, 0 to 40% missing, with and without weights. */
static void test_random_vs_brute(void **state) {
  (void)state;
  for (int it = 0; it < 300; it++) {
    long n = 1 + rnd(120);
    int nkeys = 1 + (int)rnd(6);
    int na = (int)rnd(41);
    keyset s;
    int32_t *rows = malloc((size_t)n * (size_t)nkeys * sizeof *rows);
    double *w = malloc((size_t)n * sizeof *w);
    for (long i = 0; i < n; i++) {
      w[i] = 1 + rnd(1000) / 10.0;
      for (int j = 0; j < nkeys; j++) {
        int cats = 1 + (int)((it + j) % 6);
        rows[i * nkeys + j] = (int)rnd(100) < na ? NA : (int32_t)rnd((uint32_t)cats);
      }
    }
    keys_from_rows(&s, n, nkeys, rows, it % 2 ? w : NULL);
    double *fk = malloc((size_t)n * sizeof *fk), *Fk = malloc((size_t)n * sizeof *Fk);
    double *bf = malloc((size_t)n * sizeof *bf), *bF = malloc((size_t)n * sizeof *bF);
    assert_int_equal(mtm_sdc_freq(&s.k, fk, Fk, NULL), 0);
    brute_freq(&s.k, bf, bF);
    for (long i = 0; i < n; i++) {
      assert_true(fk[i] == bf[i]);
      assert_float_equal(Fk[i], bF[i], 1e-6);
    }
    free(fk), free(Fk), free(bf), free(bF), free(rows), free(w);
    keys_free(&s);
  }
}

/* Many keys (20 and 32, the most a pattern mask holds): the fast count
 * still equals the double loop. */
static void test_many_keys(void **state) {
  (void)state;
  int sizes[] = {20, 32};
  for (int z = 0; z < 2; z++) {
    int nkeys = sizes[z];
    long n = 60;
    int32_t *rows = malloc((size_t)n * (size_t)nkeys * sizeof *rows);
    for (long i = 0; i < n; i++)
      for (int j = 0; j < nkeys; j++)
        rows[i * nkeys + j] = rnd(100) < 20 ? NA : (int32_t)rnd(j < 3 ? 3 : 1);
    for (int j = 0; j < nkeys; j++) rows[5 * nkeys + j] = NA; /* one record missing every key */
    keyset s;
    keys_from_rows(&s, n, nkeys, rows, NULL);
    double fk[60], Fk[60], bf[60], bF[60];
    assert_int_equal(mtm_sdc_freq(&s.k, fk, Fk, NULL), 0);
    brute_freq(&s.k, bf, bF);
    for (long i = 0; i < n; i++) assert_true(fk[i] == bf[i]);
    assert_true(fk[5] == n);
    free(rows);
    keys_free(&s);
  }
}

/* indivRisk's three formulas and its fk == Fk rule, by hand. */
static void test_indiv_risk(void **state) {
  (void)state;
  double fk[] = {1, 2, 3, 4, 3};
  double Fk[] = {10, 8, 30, 4, 3};
  double r[5];
  mtm_sdc_indiv_risk(fk, Fk, 5, r);
  assert_float_equal(r[0], 0.1 / 0.9 * log(10.0), 1e-12);        /* pk 0.1 */
  assert_float_equal(r[1], 1.0 / 3 - 1.0 / 9 * log(4.0), 1e-12); /* pk 0.25 */
  assert_float_equal(r[2], 0.1 / (3 - 0.9), 1e-12);              /* pk 0.1, fk 3 */
  assert_float_equal(r[3], 0.25, 1e-12);                         /* fk == Fk */
  assert_float_equal(r[4], 1.0 / 3, 1e-12);
  assert_int_equal(mtm_sdc_violations(fk, 5, 3), 2);
  /* Weights under 1 (Fk < fk) or of 0: as fk == Fk, never above 1. */
  double f2[] = {1, 2}, F2[] = {0.5, 0}, r2[2];
  mtm_sdc_indiv_risk(f2, F2, 2, r2);
  assert_float_equal(r2[0], 1, 1e-12);
  assert_float_equal(r2[1], 0.5, 1e-12);
  assert_float_equal(mtm_sdc_global_risk(r, 5), r[0] + r[1] + r[2] + r[3] + r[4], 1e-12);
}

/* Bands: edges 0 15 25 35 65 200; below the first and past the last
 * edge fall in the first and last bands; NaN is missing. */
static void test_bands(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  double br[] = {0, 15, 25, 35, 65, 200};
  double x[] = {-1, 0, 14.9, 15, 24, 25, 64, 65, 99, 250, NAN};
  int32_t want[] = {0, 0, 0, 1, 1, 2, 3, 4, 4, 4, NA};
  int32_t c[11];
  const char **lab = NULL;
  mtm_sdc_bands(x, 11, br, 6, c, &a, &lab);
  for (int i = 0; i < 11; i++) assert_int_equal(c[i], want[i]);
  assert_string_equal(lab[0], "0-14");
  assert_string_equal(lab[2], "25-34");
  assert_string_equal(lab[4], "65+");
  double br2[] = {0, 2.5, 5};
  mtm_sdc_bands(x, 0, br2, 3, c, &a, &lab);
  assert_string_equal(lab[0], "0-<2.5");
  assert_string_equal(lab[1], "2.5+");
  mtm_arena_free(&a);
}

/* Coarsening admin2 codes to admin1 through a map. */
static void test_recode(void **state) {
  (void)state;
  int32_t map[] = {0, 0, 1, 1, 1};
  int32_t c[] = {0, 1, 2, NA, 4};
  mtm_sdc_recode(c, 5, map);
  int32_t want[] = {0, 0, 1, NA, 1};
  for (int i = 0; i < 5; i++) assert_int_equal(c[i], want[i]);
}

/* R: quantile(c(1, 2, 3, 4, 10), 0.9) is 7.6 (type 7); top-coding at it
 * changes the one value above. */
static void test_topcode(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  double x[] = {10, NAN, 1, 4, 2, 3};
  double q = mtm_sdc_quantile(x, 6, 0.9, &a);
  assert_float_equal(q, 7.6, 1e-12);
  assert_float_equal(mtm_sdc_quantile(x, 6, 0.5, &a), 3, 1e-12);
  assert_true(isnan(mtm_sdc_quantile(x + 1, 1, 0.5, &a)));
  assert_int_equal(mtm_sdc_topcode(x, 6, q), 1);
  assert_float_equal(x[0], 7.6, 1e-12);
  assert_true(isnan(x[1]));
  mtm_arena_free(&a);
}

/* RFC 4231 test case 2: HMAC-SHA-256 with key "Jefe" (zero-padded, as
 * HMAC pads keys) of "what do ya want for nothing?" begins 5bdcc146... */
static void test_pseudonym(void **state) {
  (void)state;
  unsigned char key[32] = {'J', 'e', 'f', 'e'};
  char out[33], out2[33];
  mtm_sdc_pseudonym(key, "what do ya want for nothing?", out);
  assert_string_equal(out, "5bdcc146bf60754e6a042426089575c7");
  mtm_sdc_pseudonym(key, "uuid:1", out);
  mtm_sdc_pseudonym(key, "uuid:1", out2);
  assert_string_equal(out, out2);
  key[31] = 1;
  mtm_sdc_pseudonym(key, "uuid:1", out2);
  assert_string_not_equal(out, out2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_freqcalc_five),
      cmocka_unit_test(test_francdat),
      cmocka_unit_test(test_francdat_missing),
      cmocka_unit_test(test_all_missing),
      cmocka_unit_test(test_random_vs_brute),
      cmocka_unit_test(test_many_keys),
      cmocka_unit_test(test_indiv_risk),
      cmocka_unit_test(test_bands),
      cmocka_unit_test(test_recode),
      cmocka_unit_test(test_topcode),
      cmocka_unit_test(test_pseudonym),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
