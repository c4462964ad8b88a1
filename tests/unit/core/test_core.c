/* Unit tests of core: errors, arena, buffers, records, text keys, dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static void err_format_names_every_part(void **state) {
  (void)state;
  mtm_err e;
  mtm_err_clear(&e);
  mtm_err_where(&e, "a.csv", NULL, 12, "Profile/Age", "age");
  mtm_err_set(&e, MTM_EINVAL, "'abc' is not an integer");
  char out[512];
  mtm_err_format(&e, out, sizeof out);
  assert_string_equal(out, "a.csv, row 12, column 'Profile/Age', question 'age': 'abc' is not an integer");
  assert_int_equal(e.code, MTM_EINVAL);
}

static void arena_keeps_alignment_and_big_blocks(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  char *s = mtm_arena_strdup(&a, "hello");
  double *d = mtm_arena_alloc(&a, sizeof(double) * 3);
  assert_int_equal((uintptr_t)d % sizeof(double), 0);
  char *big = mtm_arena_alloc(&a, 1 << 20);
  memset(big, 1, 1 << 20);
  char *t = mtm_arena_printf(&a, "%s-%d", s, 42);
  assert_string_equal(t, "hello-42");
  assert_string_equal(s, "hello");
  mtm_arena_free(&a);
  mtm_arena_free(NULL);
}

static void buf_csv_and_json_quote(void **state) {
  (void)state;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_add_csv(&b, "plain");
  mtm_buf_addc(&b, ',');
  mtm_buf_add_csv(&b, "a,\"b\"\nc");
  mtm_buf_addc(&b, ' ');
  mtm_buf_add_json(&b, "q\"\\\n\x01");
  assert_string_equal(b.p, "plain,\"a,\"\"b\"\"\nc\" \"q\\\"\\\\\\n\\u0001\"");
  mtm_buf_free(&b);
}

static void record_roundtrip_keeps_missing_and_empty(void **state) {
  (void)state;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_record_add(&b, "female", 6);
  mtm_record_add(&b, NULL, 0);
  mtm_record_add(&b, "", 0);
  char longv[300];
  memset(longv, 'x', sizeof longv);
  mtm_record_add(&b, longv, sizeof longv);
  mtm_arena a;
  mtm_arena_init(&a);
  char **v;
  assert_int_equal(mtm_record_decode(b.p, b.n, &a, &v), 4);
  assert_string_equal(v[0], "female");
  assert_null(v[1]);
  assert_string_equal(v[2], "");
  assert_int_equal(strlen(v[3]), 300);
  /* A truncated blob is refused, not read past its end. */
  assert_int_equal(mtm_record_decode(b.p, b.n - 1, &a, &v), MTM_EINVAL);
  mtm_arena_free(&a);
  mtm_buf_free(&b);
}

static void text_key_folds_case_marks_and_spacing(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  assert_string_equal(mtm_text_key(&a, "Nur-Sultan"), mtm_text_key(&a, " nur  SULTAN "));
  assert_string_equal(mtm_text_key(&a, "Nur–Sultan"), "nursultan");
  assert_string_equal(mtm_text_key(&a, "Qaraǵandy"), "qaragandy");
  assert_string_equal(mtm_text_key(&a, "АЛМАТЫ"), "алматы");
  assert_string_equal(mtm_text_key(&a, "Türkistan"), "turkistan");
  mtm_arena_free(&a);
}

static void utf8_validation_reports_offset(void **state) {
  (void)state;
  size_t at = 99;
  assert_true(mtm_utf8_valid("Алматы", strlen("Алматы"), &at));
  assert_false(mtm_utf8_valid("ab\xff" "cd", 5, &at));
  assert_int_equal(at, 2);
}

static void numbers_are_strict(void **state) {
  (void)state;
  long long i;
  double d;
  assert_int_equal(mtm_parse_int(mtm_slice_c(" 42 "), &i), 0);
  assert_int_equal(i, 42);
  assert_int_equal(mtm_parse_int(mtm_slice_c("42.0"), &i), 0);
  assert_int_equal(mtm_parse_int(mtm_slice_c("42.5"), &i), MTM_EINVAL);
  assert_int_equal(mtm_parse_int(mtm_slice_c("4x"), &i), MTM_EINVAL);
  assert_int_equal(mtm_parse_int(mtm_slice_c(""), &i), MTM_EINVAL);
  assert_int_equal(mtm_parse_double(mtm_slice_c("-1.5e3"), &d), 0);
  assert_true(d == -1500.0);
  assert_int_equal(mtm_parse_double(mtm_slice_c("nan"), &d), MTM_EINVAL);
  assert_int_equal(mtm_parse_double(mtm_slice_c("0x10"), &d), MTM_EINVAL);
}

static void dates_parse_and_format(void **state) {
  (void)state;
  int32_t d;
  char out[11];
  assert_int_equal(mtm_parse_date(mtm_slice_c("2023-03-15"), &d), 0);
  mtm_format_date(d, out);
  assert_string_equal(out, "2023-03-15");
  assert_int_equal(mtm_parse_date(mtm_slice_c("15.03.2023"), &d), 0);
  mtm_format_date(d, out);
  assert_string_equal(out, "2023-03-15");
  assert_int_equal(mtm_parse_date(mtm_slice_c("2023-02-29"), &d), MTM_EINVAL);
  assert_int_equal(mtm_parse_date(mtm_slice_c("2024-02-29"), &d), 0);
  assert_int_equal(mtm_parse_date(mtm_slice_c("2023-03-15T10:00:00.000+06:00"), &d), 0);
  int64_t s;
  assert_int_equal(mtm_parse_datetime(mtm_slice_c("1970-01-02T01:00:00+01:00"), &s), 0);
  assert_int_equal(s, 86400);
  assert_int_equal(mtm_parse_datetime(mtm_slice_c("2023-03-15 25:00:00"), &s), MTM_EINVAL);
  assert_int_equal(mtm_days_from_civil(1970, 1, 1), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(err_format_names_every_part),
      cmocka_unit_test(arena_keeps_alignment_and_big_blocks),
      cmocka_unit_test(buf_csv_and_json_quote),
      cmocka_unit_test(record_roundtrip_keeps_missing_and_empty),
      cmocka_unit_test(text_key_folds_case_marks_and_spacing),
      cmocka_unit_test(utf8_validation_reports_offset),
      cmocka_unit_test(numbers_are_strict),
      cmocka_unit_test(dates_parse_and_format),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
