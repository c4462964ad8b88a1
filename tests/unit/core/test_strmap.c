/* Unit tests of the shared string hash and string -> int map in core:
 * the hash is stable across runs, the map keeps the first value of a key,
 * grows past its hint and answers -1 for what it does not hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "core/core.h"

static void test_hash(void **state) {
  (void)state;
  /* The same bytes and seed hash alike; the seed and the string matter. */
  assert_true(mtm_hash("KZ35", 4, 0) == mtm_hash_str("KZ35"));
  assert_true(mtm_hash("KZ35", 4, 0) != mtm_hash("KZ35", 4, 7));
  assert_true(mtm_hash_str("KZ35") != mtm_hash_str("KZ36"));
  assert_true(mtm_hash_str("") == mtm_hash("", 0, 0));
}

static void test_map(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_strmap m = {0};
  assert_int_equal(mtm_strmap_get(&m, "x"), -1); /* never initialised */
  mtm_strmap_init(&m, &a, 2);
  assert_int_equal(mtm_strmap_put(&m, "KZ35", 1), 1);
  assert_int_equal(mtm_strmap_put(&m, "KZ35", 2), 1); /* the first value stays */
  assert_int_equal(mtm_strmap_get(&m, "KZ35"), 1);
  assert_int_equal(mtm_strmap_get(&m, "kz35"), -1);
  assert_int_equal(mtm_strmap_get(&m, NULL), -1);
  for (int i = 0; i < 1000; i++) {
    char *k = mtm_arena_printf(&a, "area-%d", i);
    assert_int_equal(mtm_strmap_put(&m, k, i + 10), i + 10);
  }
  assert_int_equal((int)m.n, 1001);
  for (int i = 0; i < 1000; i++) {
    char k[32];
    snprintf(k, sizeof k, "area-%d", i);
    assert_int_equal(mtm_strmap_get(&m, k), i + 10);
  }
  assert_int_equal(mtm_strmap_get(&m, "area-1000"), -1);
  assert_int_equal(mtm_strmap_get(&m, "KZ35"), 1);
  mtm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hash),
      cmocka_unit_test(test_map),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
