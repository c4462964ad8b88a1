/* Unit tests of map breaks: quantiles, exact Jenks natural breaks (hand
 * computed cases and an exhaustive search), classes capped by the number
 * of distinct values, missing values left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "map/map.h"

static void quantiles_of_one_to_ten(void **state) {
  (void)state;
  double x[10], b[12];
  for (int i = 0; i < 10; i++) x[i] = 10 - i; /* unsorted on purpose */
  int nk;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_map_breaks(x, 10, 5, MTM_MAP_QUANTILES, b, &nk, &err), 0);
  assert_int_equal(nk, 5);
  assert_true(b[0] == 2 && b[1] == 4 && b[2] == 6 && b[3] == 8);
  assert_int_equal(mtm_map_breaks(x, 10, 3, MTM_MAP_QUANTILES, b, &nk, &err), 0);
  assert_int_equal(nk, 3);
  assert_true(b[0] == 4 && b[1] == 7); /* ranks ceil(10/3) = 4 and ceil(20/3) = 7 */
}

static void quantiles_drop_repeated_breaks(void **state) {
  (void)state;
  double x[] = {1, 1, 1, 1, 1, 1, 2, 3}, b[12];
  int nk;
  assert_int_equal(mtm_map_breaks(x, 8, 4, MTM_MAP_QUANTILES, b, &nk, NULL), 0);
  assert_int_equal(nk, 2); /* three levels, but every quantile is 1 */
  assert_true(b[0] == 1);
}

static void jenks_hand_computed(void **state) {
  (void)state;
  /* Two classes: {1,2,3,7,8,9} | {20} costs 58, {1,2,3} | {7,8,9,20}
   * costs 2 + 110: the break is 9. Three classes: 3 and 9 (cost 4). */
  double x[] = {20, 1, 8, 2, 9, 3, 7}, b[12];
  int nk;
  assert_int_equal(mtm_map_breaks(x, 7, 2, MTM_MAP_JENKS, b, &nk, NULL), 0);
  assert_int_equal(nk, 2);
  assert_true(b[0] == 9);
  assert_int_equal(mtm_map_breaks(x, 7, 3, MTM_MAP_JENKS, b, &nk, NULL), 0);
  assert_int_equal(nk, 3);
  assert_true(b[0] == 3 && b[1] == 9);
  /* Three clear groups, of sizes 5, 3 and 2. */
  double y[] = {1, 1, 2, 2, 3, 10, 11, 12, 30, 31};
  assert_int_equal(mtm_map_breaks(y, 10, 3, MTM_MAP_JENKS, b, &nk, NULL), 0);
  assert_int_equal(nk, 3);
  assert_true(b[0] == 3 && b[1] == 12);
}

/* The sum of squared deviations from the class means of sorted v cut
 * after the values listed in cuts (class c: v <= cut[c]). */
static double ssd(const double *v, int n, const double *cuts, int ncuts) {
  double total = 0;
  int i = 0;
  for (int c = 0; c <= ncuts; c++) {
    int j = i;
    while (j < n && (c == ncuts || v[j] <= cuts[c])) j++;
    double m = 0;
    for (int k = i; k < j; k++) m += v[k];
    m /= (j - i);
    for (int k = i; k < j; k++) total += (v[k] - m) * (v[k] - m);
    i = j;
  }
  return total;
}

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Jenks equals the best of every partition into three classes, on
 * pseudo-random sets (a fixed linear congruential generator). */
static void jenks_matches_exhaustive_search(void **state) {
  (void)state;
  unsigned seed = 12345;
  for (int round = 0; round < 40; round++) {
    int n = 6 + round % 9;
    double v[16], b[12];
    for (int i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      v[i] = (double)((seed >> 16) % 100);
    }
    qsort(v, (size_t)n, sizeof *v, cmpd);
    int distinct = 1;
    for (int i = 1; i < n; i++) distinct += v[i] != v[i - 1];
    if (distinct < 3) continue;
    double best = INFINITY;
    for (int i = 1; i < n; i++)
      for (int j = i + 1; j < n; j++) {
        if (v[i - 1] == v[i] || v[j - 1] == v[j]) continue;
        double cuts[2] = {v[i - 1], v[j - 1]};
        double c = ssd(v, n, cuts, 2);
        if (c < best) best = c;
      }
    int nk;
    assert_int_equal(mtm_map_breaks(v, n, 3, MTM_MAP_JENKS, b, &nk, NULL), 0);
    assert_int_equal(nk, 3);
    assert_true(b[0] < b[1]);
    assert_true(fabs(ssd(v, n, b, 2) - best) < 1e-9);
  }
}

static void classes_capped_by_distinct_values(void **state) {
  (void)state;
  double x[] = {5, 5, NAN, 5, 1, 5}, b[12];
  int nk;
  assert_int_equal(mtm_map_breaks(x, 6, 5, MTM_MAP_JENKS, b, &nk, NULL), 0);
  assert_int_equal(nk, 2);
  assert_true(b[0] == 1);
  double same[] = {0, 0, 0};
  assert_int_equal(mtm_map_breaks(same, 3, 5, MTM_MAP_QUANTILES, b, &nk, NULL), 0);
  assert_int_equal(nk, 1);
  double none[] = {NAN, NAN};
  assert_int_equal(mtm_map_breaks(none, 2, 5, MTM_MAP_JENKS, b, &nk, NULL), 0);
  assert_int_equal(nk, 0);
}

static void bad_class_counts_are_refused(void **state) {
  (void)state;
  double x[] = {1, 2}, b[12];
  int nk;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_map_breaks(x, 2, 0, MTM_MAP_JENKS, b, &nk, &err), MTM_EINVAL);
  assert_string_equal(err.msg, "a map has 1 to 12 classes, not 0");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(quantiles_of_one_to_ten),
      cmocka_unit_test(quantiles_drop_repeated_breaks),
      cmocka_unit_test(jenks_hand_computed),
      cmocka_unit_test(jenks_matches_exhaustive_search),
      cmocka_unit_test(classes_capped_by_distinct_values),
      cmocka_unit_test(bad_class_counts_are_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
