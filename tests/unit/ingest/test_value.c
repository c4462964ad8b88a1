/* Unit tests of ingest's typing: every type with good values (and their
 * canonical form) and bad ones (with the exact sentence). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/ingest.h"
#include "unit/ingest/form_fixture.h"

typedef struct env {
  fixture x;
  mtm_ingest_form *t;
  mtm_arena a;
} env;

static int setup(void **state) {
  env *e = calloc(1, sizeof *e);
  fixture_init(&e->x);
  e->t = mtm_ingest_form_new(&e->x.f);
  mtm_arena_init(&e->a);
  *state = e;
  return 0;
}

static int teardown(void **state) {
  env *e = *state;
  mtm_ingest_form_free(e->t);
  fixture_free(&e->x);
  mtm_arena_free(&e->a);
  free(e);
  return 0;
}

/* Types v as question q: the canonical value, "<missing>", or "error: msg". */
static const char *typed(env *e, const char *q, const char *v, int flags) {
  int qi = -1;
  for (int i = 0; i < e->x.f.nq; i++)
    if (!strcmp(e->x.f.q[i].name, q)) {
      qi = i;
      break;
    }
  assert_true(qi >= 0);
  mtm_slice out;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_ingest_type(e->t, qi, mtm_slice_c(v), flags, &e->a, &out, &err);
  if (rc) {
    assert_int_equal(rc, MTM_EINVAL);
    return mtm_arena_printf(&e->a, "error: %s", err.msg);
  }
  if (!out.p) return "<missing>";
  return mtm_arena_strndup(&e->a, out.p, out.n);
}

static void integers(void **state) {
  env *e = *state;
  assert_string_equal(typed(e, "age", "42", 0), "42");
  assert_string_equal(typed(e, "age", " 42 ", 0), "42");
  assert_string_equal(typed(e, "age", "042", 0), "42");
  assert_string_equal(typed(e, "age", "42.0", 0), "42");
  assert_string_equal(typed(e, "age", "-7", 0), "-7");
  assert_string_equal(typed(e, "age", "1e+06", 0), "1000000");
  assert_string_equal(typed(e, "age", "1.5e1", 0), "15");
  assert_string_equal(typed(e, "age", "1.55e1", 0), "error: '1.55e1' is not a whole number");
  assert_string_equal(typed(e, "age", "", 0), "<missing>");
  assert_string_equal(typed(e, "age", "   ", 0), "<missing>");
  assert_string_equal(typed(e, "age", "abc", 0), "error: 'abc' is not a whole number");
  assert_string_equal(typed(e, "age", "42.5", 0), "error: '42.5' is not a whole number");
  assert_string_equal(typed(e, "age", "NA", 0), "error: 'NA' is not a whole number");
  assert_string_equal(typed(e, "age", "NA", MTM_TYPE_R_NA), "<missing>");
}

static void decimals(void **state) {
  env *e = *state;
  assert_string_equal(typed(e, "income", "12.5", 0), "12.5");
  assert_string_equal(typed(e, "income", "12.50", 0), "12.5");
  assert_string_equal(typed(e, "income", "0.1", 0), "0.1");
  assert_string_equal(typed(e, "income", "100", 0), "100");
  assert_string_equal(typed(e, "income", "1e3", 0), "1000");
  assert_string_equal(typed(e, "income", "0.00001", 0), "1e-05");
  assert_string_equal(typed(e, "income", "172.053249039996", 0), "172.053249039996");
  assert_string_equal(typed(e, "income", "3,5", 0), "error: '3,5' is not a number");
  assert_string_equal(typed(e, "income", "nan", 0), "error: 'nan' is not a number");
}

static void dates(void **state) {
  env *e = *state;
  assert_string_equal(typed(e, "arrived", "2023-04-01", 0), "2023-04-01");
  assert_string_equal(typed(e, "arrived", "01.04.2023", 0), "2023-04-01");
  assert_string_equal(typed(e, "arrived", "2023-04-01T10:00:00.000+06:00", 0), "2023-04-01");
  assert_string_equal(typed(e, "arrived", "45017", MTM_TYPE_EXCEL_SERIAL), "2023-04-01");
  assert_string_equal(typed(e, "arrived", "45017", 0),
                      "error: '45017' is not a date (YYYY-MM-DD)");
  assert_string_equal(typed(e, "arrived", "2023-02-30", 0),
                      "error: '2023-02-30' is not a date (YYYY-MM-DD)");
  assert_string_equal(typed(e, "arrived", "yesterday", 0),
                      "error: 'yesterday' is not a date (YYYY-MM-DD)");
}

static void datetimes_become_utc(void **state) {
  env *e = *state;
  assert_string_equal(typed(e, "visit", "2021-07-05T10:58:34.147+03:00", 0),
                      "2021-07-05T07:58:34Z");
  assert_string_equal(typed(e, "visit", "2021-07-05 10:58:34", 0), "2021-07-05T10:58:34Z");
  assert_string_equal(typed(e, "visit", "2021-07-05T00:30:00+06:00", 0), "2021-07-04T18:30:00Z");
  assert_string_equal(typed(e, "visit", "2021-07-05", 0), "2021-07-05T00:00:00Z");
  assert_string_equal(typed(e, "start", "2021-07-05T10:58:34Z", 0), "2021-07-05T10:58:34Z");
  assert_string_equal(typed(e, "visit", "45017.5", MTM_TYPE_EXCEL_SERIAL),
                      "2023-04-01T12:00:00Z");
  assert_string_equal(typed(e, "end", "soon", 0),
                      "error: 'soon' is not a date and time (YYYY-MM-DDThh:mm:ss)");
}

static void times(void **state) {
  env *e = *state;
  assert_string_equal(typed(e, "wake", "06:30", 0), "06:30:00");
  assert_string_equal(typed(e, "wake", "06:30:15.000+06:00", 0), "06:30:15");
  assert_string_equal(typed(e, "wake", "0.25", MTM_TYPE_EXCEL_SERIAL), "06:00:00");
  assert_string_equal(typed(e, "wake", "25:00", 0), "error: '25:00' is not a time (hh:mm:ss)");
  assert_string_equal(typed(e, "wake", "6h30", 0), "error: '6h30' is not a time (hh:mm:ss)");
}

static void select_one_by_name_label_or_as_given(void **state) {
  env *e = *state;
  assert_string_equal(typed(e, "sex", "female", 0), "female");
  assert_string_equal(typed(e, "sex", "Female", 0), "female");
  assert_string_equal(typed(e, "sex", "Мужской", 0), "male");
  assert_string_equal(typed(e, "sex", " MALE ", 0), "male");
  assert_string_equal(typed(e, "sex", "unknown", 0), "unknown");
  assert_string_equal(typed(e, "sex", "", 0), "<missing>");
}

static void select_multiple_in_list_order(void **state) {
  env *e = *state;
  assert_string_equal(typed(e, "langs", "russian english", 0), "english russian");
  assert_string_equal(typed(e, "langs", "kazakh  kazakh", 0), "kazakh");
  assert_string_equal(typed(e, "langs", "Russian Other language", 0), "russian other");
  assert_string_equal(typed(e, "langs", "Русский Английский", 0), "english russian");
  assert_string_equal(typed(e, "langs", "english uzbek", 0), "english uzbek");
}

static void option_columns(void **state) {
  (void)state;
  const char *yes[] = {"1", "1.0", "True", "TRUE", "true"};
  const char *no[] = {"0", "0.0", "False", "FALSE", "false"};
  int sel;
  mtm_err err;
  for (int i = 0; i < 5; i++) {
    assert_int_equal(mtm_ingest_type_option(mtm_slice_c(yes[i]), 0, &sel, &err), 0);
    assert_int_equal(sel, 1);
    assert_int_equal(mtm_ingest_type_option(mtm_slice_c(no[i]), 0, &sel, &err), 0);
    assert_int_equal(sel, 0);
  }
  assert_int_equal(mtm_ingest_type_option(mtm_slice_c(""), 0, &sel, &err), 0);
  assert_int_equal(sel, -1);
  assert_int_equal(mtm_ingest_type_option(mtm_slice_c("2"), 0, &sel, &err), MTM_EINVAL);
  assert_string_equal(err.msg, "'2' is not 0 or 1 (selected or not)");
}

static void geopoints(void **state) {
  env *e = *state;
  assert_string_equal(typed(e, "gps", "43.25 76.95 800 5", 0), "43.25 76.95 800 5");
  assert_string_equal(typed(e, "gps", "43.250 76.95", 0), "43.25 76.95 0 0");
  assert_string_equal(typed(e, "gps", "95 76.95 0 0", 0),
                      "error: '95 76.95 0 0' is not a geopoint (latitude longitude altitude "
                      "accuracy)");
  assert_string_equal(typed(e, "gps", "here", 0),
                      "error: 'here' is not a geopoint (latitude longitude altitude accuracy)");
}

static void text_is_kept_as_given(void **state) {
  env *e = *state;
  assert_string_equal(typed(e, "comment", "  two\nlines \r", 0), "  two\nlines ");
  assert_string_equal(typed(e, "comment", "NA", 0), "NA");
  assert_string_equal(typed(e, "comment", "NA", MTM_TYPE_R_NA), "<missing>");
  assert_string_equal(typed(e, "instance_note", "x", 0), "x");
}

static void long_values_are_cut_in_messages(void **state) {
  env *e = *state;
  char v[200];
  memset(v, 'x', sizeof v - 1);
  v[sizeof v - 1] = 0;
  const char *r = typed(e, "age", v, 0);
  assert_int_equal(strlen(r), strlen("error: '") + 80 + 3 + strlen("' is not a whole number"));
  assert_non_null(strstr(r, "xxx...' is not a whole number"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(integers, setup, teardown),
      cmocka_unit_test_setup_teardown(decimals, setup, teardown),
      cmocka_unit_test_setup_teardown(dates, setup, teardown),
      cmocka_unit_test_setup_teardown(datetimes_become_utc, setup, teardown),
      cmocka_unit_test_setup_teardown(times, setup, teardown),
      cmocka_unit_test_setup_teardown(select_one_by_name_label_or_as_given, setup, teardown),
      cmocka_unit_test_setup_teardown(select_multiple_in_list_order, setup, teardown),
      cmocka_unit_test_setup_teardown(option_columns, setup, teardown),
      cmocka_unit_test_setup_teardown(geopoints, setup, teardown),
      cmocka_unit_test_setup_teardown(text_is_kept_as_given, setup, teardown),
      cmocka_unit_test_setup_teardown(long_values_are_cut_in_messages, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
