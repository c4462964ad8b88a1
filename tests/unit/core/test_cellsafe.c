/* Spreadsheet cells: formula-like text gets an apostrophe, numbers do not,
 * and mtm_cell_unsafe gives back exactly what mtm_cell_safe was given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/core.h"

/* Every OWASP trigger is neutralised; a text that only contains one is not. */
static void formula_text_gets_an_apostrophe(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  assert_string_equal(mtm_cell_safe("=HYPERLINK(\"http://x\",\"y\")", &a),
                      "'=HYPERLINK(\"http://x\",\"y\")");
  assert_string_equal(mtm_cell_safe("+1+cmd", &a), "'+1+cmd");
  assert_string_equal(mtm_cell_safe("-2+3", &a), "'-2+3");
  assert_string_equal(mtm_cell_safe("@SUM(A1)", &a), "'@SUM(A1)");
  assert_string_equal(mtm_cell_safe("\t=1", &a), "'\t=1");
  assert_string_equal(mtm_cell_safe("\r=1", &a), "'\r=1");
  assert_string_equal(mtm_cell_safe("-", &a), "'-");
  assert_string_equal(mtm_cell_safe("- 3", &a), "'- 3");
  assert_string_equal(mtm_cell_safe("-3 ", &a), "'-3 ");
  assert_string_equal(mtm_cell_safe("-inf", &a), "'-inf");
  assert_string_equal(mtm_cell_safe("-0x10", &a), "'-0x10");
  assert_string_equal(mtm_cell_safe("-1.2625621 36.7921711 0 20", &a), "'-1.2625621 36.7921711 0 20");
  /* an apostrophe already before risky text gets one more */
  assert_string_equal(mtm_cell_safe("'=1", &a), "''=1");
  const char *plain = "a=b";
  assert_ptr_equal(mtm_cell_safe(plain, &a), plain);
  const char *quoted = "'tis";
  assert_ptr_equal(mtm_cell_safe(quoted, &a), quoted);
  assert_string_equal(mtm_cell_safe("", &a), "");
  assert_null(mtm_cell_safe(NULL, &a));
  mtm_arena_free(&a);
}

/* Signed plain numbers stay as they are. */
static void numbers_stay_numbers(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  const char *nums[] = {"-3.2", "+5", "-1e3", "-0", "12", "-.5", "'-3"};
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    assert_int_equal(mtm_cell_risky(nums[i]), 0);
    assert_ptr_equal(mtm_cell_safe(nums[i], &a), nums[i]);
  }
  mtm_arena_free(&a);
}

/* Reading back: unsafe(safe(s)) == s for every kind of text, and text
 * mtm did not guard keeps its apostrophe. */
static void round_trip(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  const char *texts[] = {"=1+1", "'=1+1", "''@x", "-2 3", "-3", "'-3", "'tis", "plain", "", "@",
                         "'", "''", "\t", "+", "-1.26 36.79 0 20"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    assert_string_equal(mtm_cell_unsafe(mtm_cell_safe(texts[i], &a)), texts[i]);
  assert_string_equal(mtm_cell_unsafe("'5"), "'5");
  assert_string_equal(mtm_cell_unsafe("'abc"), "'abc");
  assert_null(mtm_cell_unsafe(NULL));
  mtm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(formula_text_gets_an_apostrophe),
      cmocka_unit_test(numbers_stay_numbers),
      cmocka_unit_test(round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
