/* Unit tests of sdc's local suppression: freqCalc's five records made
 * 2-anonymous by suppressing the widow's status (then fk 3 3 3 3 5); 30
 * cases that sdcMicro's own localSuppression solved (supp_sdcmicro.txt,
 * written by supp_sdcmicro.R) solved identically; an independent
 * k-anonymity check (a double loop over the records, missing matching
 * anything as sdcMicro counts) after suppression on random data with
 * missing values, where nothing but suppression changed a value; keys of
 * equal importance; too few records for k; a stress case of 200,000
 * records with many rare combinations, where suppression ends
 * k-anonymous. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdc/sdc.h"

#define NA MTM_SDC_NA

/* freqCalc's five records, 2-anonymity: the widow is the only problem;
 * her nearest records differ from her only in status, so status is
 * suppressed although agegroup is the key suppressed first (NULL
 * importance: the last key first), as sdcMicro decides. */
static void test_five_records(void **state) {
  (void)state;
  int32_t region[] = {0, 0, 0, 0, 0}, status[] = {0, 1, 1, 0, 2}, age[] = {5, 5, 5, 5, 5};
  int32_t *cols[] = {region, status, age};
  const char *names[] = {"region", "status", "agegroup"};
  mtm_sdc_keys k = {5, 3, names, cols, NULL};
  long supp[3];
  assert_int_equal(mtm_sdc_local_supp(&k, 2, NULL, supp, NULL), 0);
  assert_int_equal(status[4], NA);
  assert_int_equal(supp[0], 0);
  assert_int_equal(supp[1], 1);
  assert_int_equal(supp[2], 0);
  int32_t want[] = {0, 1, 1, 0, NA};
  for (int i = 0; i < 5; i++) {
    assert_int_equal(status[i], want[i]);
    assert_int_equal(region[i], 0);
    assert_int_equal(age[i], 5);
  }
  double fk[5], Fk[5];
  assert_int_equal(mtm_sdc_freq(&k, fk, Fk, NULL), 0);
  double wf[] = {3, 3, 3, 3, 5};
  for (int i = 0; i < 5; i++) assert_true(fk[i] == wf[i]);
}

/* The cases sdcMicro's localSuppression solved: the same values are
 * suppressed. sdcMicro's importance 1 is kept longest; ours is larger
 * kept longer, so ours is nkeys + 1 - theirs. */
static void test_sdcmicro_cases(void **state) {
  (void)state;
  FILE *f = fopen("tests/unit/sdc/supp_sdcmicro.txt", "r");
  assert_non_null(f);
  char line[1024];
  int cases = 0;
  while (fgets(line, sizeof line, f)) {
    int n, K, kk, off = 0;
    if (line[0] == '#' || sscanf(line, "case %d %d %d%n", &n, &K, &kk, &off) != 3) continue;
    int imp[8];
    char *p = line + off;
    for (int j = 0; j < K; j++) imp[j] = K + 1 - (int)strtol(p, &p, 10);
    int32_t *cols[8], *want[8];
    for (int j = 0; j < K; j++) {
      cols[j] = malloc((size_t)n * sizeof(int32_t));
      want[j] = malloc((size_t)n * sizeof(int32_t));
    }
    for (int i = 0; i < n; i++) {
      assert_non_null(fgets(line, sizeof line, f));
      p = line;
      for (int j = 0; j < K; j++) cols[j][i] = (int32_t)strtol(p, &p, 10);
      p = strchr(p, '|');
      assert_non_null(p);
      p++;
      for (int j = 0; j < K; j++) want[j][i] = (int32_t)strtol(p, &p, 10);
    }
    mtm_sdc_keys k = {n, K, NULL, cols, NULL};
    assert_int_equal(mtm_sdc_local_supp(&k, kk, imp, NULL, NULL), 0);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < K; j++) assert_int_equal(cols[j][i], want[j][i] < 0 ? NA : want[j][i]);
    for (int j = 0; j < K; j++) free(cols[j]), free(want[j]);
    cases++;
  }
  fclose(f);
  assert_int_equal(cases, 30);
}

/* Independent k-anonymity check: every record has at least k records
 * (itself included) agreeing wherever both have a value; sdcMicro's
 * exceptions: a complete record does not count records missing every key
 * (more than one key), and a record missing every key counts all. */
static long brute_violations(int32_t **cols, long n, int K, int kk) {
  long v = 0;
  for (long i = 0; i < n; i++) {
    int nai = 0;
    for (int j = 0; j < K; j++) nai += cols[j][i] < 0;
    if (nai == K) {
      v += n < kk;
      continue;
    }
    long c = 0;
    for (long l = 0; l < n; l++) {
      int nal = 0, ok = 1;
      for (int j = 0; j < K; j++) {
        nal += cols[j][l] < 0;
        if (cols[j][i] >= 0 && cols[j][l] >= 0 && cols[j][i] != cols[j][l]) ok = 0;
      }
      if (nai == 0 && nal == K && K > 1) ok = 0;
      c += ok;
    }
    v += c < kk;
  }
  return v;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(uint32_t n) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state % n);
}

/* Random data (1 to 5 keys, up to 8 categories, some missing, k 2 to 5,
 * random importance with ties): k-anonymous afterwards by the double
 * loop, values only ever made missing, and the suppressions counted. */
static void test_random_kanon(void **state) {
  (void)state;
  for (int it = 0; it < 150; it++) {
    long n = 5 + rnd(200);
    int K = 1 + (int)rnd(5), kk = 2 + (int)rnd(4);
    int32_t *cols[8], *orig[8];
    int imp[8];
    for (int j = 0; j < K; j++) {
      cols[j] = malloc((size_t)n * sizeof(int32_t));
      orig[j] = malloc((size_t)n * sizeof(int32_t));
      imp[j] = (int)rnd(3);
      int cats = 1 + (int)rnd(8);
      for (long i = 0; i < n; i++)
        orig[j][i] = cols[j][i] = rnd(100) < 10 ? NA : (int32_t)rnd((uint32_t)cats);
    }
    mtm_sdc_keys k = {n, K, NULL, cols, NULL};
    long supp[8];
    assert_int_equal(mtm_sdc_local_supp(&k, kk, it % 3 ? imp : NULL, supp, NULL), 0);
    assert_int_equal(brute_violations(cols, n, K, kk), 0);
    double *fk = malloc((size_t)n * sizeof *fk), *Fk = malloc((size_t)n * sizeof *Fk);
    assert_int_equal(mtm_sdc_freq(&k, fk, Fk, NULL), 0);
    assert_int_equal(mtm_sdc_violations(fk, n, kk), 0);
    for (int j = 0; j < K; j++) {
      long made = 0;
      for (long i = 0; i < n; i++) {
        if (cols[j][i] != orig[j][i]) {
          assert_int_equal(cols[j][i], NA);
          made++;
        }
      }
      assert_int_equal(made, supp[j]);
      free(cols[j]), free(orig[j]);
    }
    free(fk), free(Fk);
  }
}

/* The projection index and the plain comparison with every cell choose
 * alike: the same values suppressed on random data. */
static void test_index_vs_plain(void **state) {
  (void)state;
  for (int it = 0; it < 60; it++) {
    long n = 5 + rnd(150);
    int K = 1 + (int)rnd(5), kk = 2 + (int)rnd(4);
    int32_t *a[8], *b[8];
    int imp[8];
    for (int j = 0; j < K; j++) {
      a[j] = malloc((size_t)n * sizeof(int32_t));
      b[j] = malloc((size_t)n * sizeof(int32_t));
      imp[j] = (int)rnd(3);
      int cats = 1 + (int)rnd(6);
      for (long i = 0; i < n; i++)
        a[j][i] = b[j][i] = rnd(100) < 15 ? NA : (int32_t)rnd((uint32_t)cats);
    }
    mtm_sdc_keys ka = {n, K, NULL, a, NULL}, kb = {n, K, NULL, b, NULL};
    assert_int_equal(mtm_sdc_local_supp(&ka, kk, it % 2 ? imp : NULL, NULL, NULL), 0);
    setenv("MTM_SDC_NO_INDEX", "1", 1);
    assert_int_equal(mtm_sdc_local_supp(&kb, kk, it % 2 ? imp : NULL, NULL, NULL), 0);
    unsetenv("MTM_SDC_NO_INDEX");
    for (int j = 0; j < K; j++) {
      assert_memory_equal(a[j], b[j], (size_t)n * sizeof(int32_t));
      free(a[j]), free(b[j]);
    }
  }
}

/* 14 keys: too many for the projection tables (2^14 of them), so the
 * plain comparison serves; the result is still k-anonymous. */
static void test_many_keys(void **state) {
  (void)state;
  long n = 120;
  int K = 14;
  int32_t *cols[14];
  for (int j = 0; j < K; j++) {
    cols[j] = malloc((size_t)n * sizeof(int32_t));
    for (long i = 0; i < n; i++) cols[j][i] = rnd(100) < 5 ? NA : (int32_t)rnd(j < 4 ? 3 : 2);
  }
  mtm_sdc_keys k = {n, K, NULL, cols, NULL};
  assert_true(brute_violations(cols, n, K, 3) > 0);
  assert_int_equal(mtm_sdc_local_supp(&k, 3, NULL, NULL, NULL), 0);
  assert_int_equal(brute_violations(cols, n, K, 3), 0);
  for (int j = 0; j < K; j++) free(cols[j]);
}

/* Keys of equal importance: the one on which more of the nearest records
 * differ is suppressed. Record 0 (0, 0) is unique; its nearest records
 * (distance 1) are (1, 0) x2 and (0, 1) x1: key 0 differs for two
 * records, key 1 for one, so key 0 goes although key 1 is later. */
static void test_equal_importance(void **state) {
  (void)state;
  int32_t a[] = {0, 1, 1, 0, 2, 2, 2}, b[] = {0, 0, 0, 1, 2, 2, 2};
  int32_t *cols[] = {a, b};
  int imp[] = {1, 1};
  mtm_sdc_keys k = {7, 2, NULL, cols, NULL};
  long supp[2];
  assert_int_equal(mtm_sdc_local_supp(&k, 2, imp, supp, NULL), 0);
  assert_int_equal(a[0], NA);
  assert_int_equal(b[0], 0);
  assert_int_equal(brute_violations(cols, 7, 2, 2), 0);
}

/* Fewer records than k: refused with a sentence. */
static void test_too_few(void **state) {
  (void)state;
  int32_t a[] = {0, 1, 2};
  int32_t *cols[] = {a};
  mtm_sdc_keys k = {3, 1, NULL, cols, NULL};
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_sdc_local_supp(&k, 5, NULL, NULL, &e), MTM_EINVAL);
  assert_non_null(strstr(e.msg, "5-anonymity"));
  assert_int_equal(a[0], 0);
}

/* 200,000 records, 4 keys (sex 2, age band 12, nationality 40 skewed,
 * area 300 skewed, some missing): thousands of rare combinations; the
 * result is 5-anonymous by sdc's own count (the double loop is too slow
 * here; it checks the small cases above). */
static void test_stress(void **state) {
  (void)state;
  long n = 200000;
  int K = 4, cats[] = {2, 12, 40, 300};
  int32_t *cols[4];
  for (int j = 0; j < K; j++) {
    cols[j] = malloc((size_t)n * sizeof(int32_t));
    for (long i = 0; i < n; i++) {
      uint32_t c = rnd((uint32_t)cats[j]);
      if (j >= 2) c = c * rnd((uint32_t)cats[j]) / (uint32_t)cats[j]; /* skewed */
      cols[j][i] = rnd(1000) < 5 ? NA : (int32_t)c;
    }
  }
  mtm_sdc_keys k = {n, K, NULL, cols, NULL};
  double *fk = malloc((size_t)n * sizeof *fk), *Fk = malloc((size_t)n * sizeof *Fk);
  assert_int_equal(mtm_sdc_freq(&k, fk, Fk, NULL), 0);
  long before = mtm_sdc_violations(fk, n, 5);
  assert_true(before > 1000);
  long supp[4];
  assert_int_equal(mtm_sdc_local_supp(&k, 5, NULL, supp, NULL), 0);
  assert_int_equal(mtm_sdc_freq(&k, fk, Fk, NULL), 0);
  assert_int_equal(mtm_sdc_violations(fk, n, 5), 0);
  assert_true(supp[3] > 0);
  for (int j = 0; j < K; j++) free(cols[j]);
  free(fk), free(Fk);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_five_records), cmocka_unit_test(test_sdcmicro_cases),
      cmocka_unit_test(test_random_kanon), cmocka_unit_test(test_index_vs_plain),
      cmocka_unit_test(test_many_keys),    cmocka_unit_test(test_equal_importance),
      cmocka_unit_test(test_too_few),      cmocka_unit_test(test_stress),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
