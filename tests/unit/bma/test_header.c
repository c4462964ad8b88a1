/* Unit tests of the header reader bma's mapping and verification files
 * share (bma/internal.h): known columns found in any order and case,
 * and the exact sentences for an unknown, repeated or missing column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "bma/internal.h"

static const char *const names[] = {"pcode", "field", "value", "status", "by", "note"};
static const unsigned required = 1u << 0 | 1u << 1 | 1u << 3 | 1u << 4;

/* Reads the header cells h[0..n) as row 1 of "v.csv" into col. */
static int header(const char *const *h, int n, int *col, mtm_err *e) {
  mtm_slice cells[8];
  for (int i = 0; i < n; i++) cells[i] = (mtm_slice){h[i], strlen(h[i])};
  mtm_row row = {1, n, cells};
  mtm_err_clear(e);
  return mtm_bma__header("v.csv", &row, names, 6, required, "a verification file", col, e);
}

static void test_found(void **state) {
  (void)state;
  const char *h[] = {" By", "PCODE", "", "status", "field"};
  int col[6];
  mtm_err e;
  assert_int_equal(header(h, 5, col, &e), 0);
  assert_int_equal(col[0], 1);
  assert_int_equal(col[1], 4);
  assert_int_equal(col[2], -1);
  assert_int_equal(col[3], 3);
  assert_int_equal(col[4], 0);
  assert_int_equal(col[5], -1);
}

static void test_errors(void **state) {
  (void)state;
  int col[6];
  mtm_err e;
  char line[2048];
  const char *unknown[] = {"pcode", "fields"};
  assert_int_equal(header(unknown, 2, col, &e), MTM_EINVAL);
  mtm_err_format(&e, line, sizeof line);
  assert_string_equal(line, "v.csv, row 1, column 'fields': unknown column 'fields': a "
                            "verification file has the columns pcode, field, value, status, "
                            "by, note");
  const char *twice[] = {"pcode", "Field", "field"};
  assert_int_equal(header(twice, 3, col, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "the column 'field' appears twice");
  const char *missing[] = {"pcode", "field", "by"};
  assert_int_equal(header(missing, 3, col, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "the column 'status' is missing: a verification file has the "
                             "columns pcode, field, value, status, by, note");
}

static void test_blank_and_cells(void **state) {
  (void)state;
  mtm_slice cells[3] = {{" ", 1}, {"", 0}, {" x ", 3}};
  mtm_row row = {2, 2, cells};
  assert_int_equal(mtm_bma__blank_row(&row), 1);
  row.n = 3;
  assert_int_equal(mtm_bma__blank_row(&row), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  int col[3] = {2, -1, 5};
  const char *v[3];
  mtm_bma__cells(&row, col, 3, &a, v);
  assert_string_equal(v[0], "x");
  assert_string_equal(v[1], "");
  assert_string_equal(v[2], "");
  mtm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_found),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_blank_and_cells),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
