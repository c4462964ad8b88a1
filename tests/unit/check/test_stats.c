/* Unit tests of the outlier statistics (against R's quantile type 7 and
 * mad(constant = 1), values worked by hand and confirmed with numpy's
 * "linear" quantiles, which are R's type 7), the answer hash and the
 * writers of findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "check/check.h"

#define EPS 1e-12

static void quantile7_matches_r(void **state) {
  (void)state;
  double x[] = {2, 4, 4, 5, 7, 9, 10, 12, 15, 100};
  size_t n = sizeof x / sizeof x[0];
  /* R: quantile(x, c(.1, .25, .33, .5, .75, .9), type = 7) */
  assert_true(fabs(mtm_check_quantile7(x, n, 0.10) - 3.8) < EPS);
  assert_true(fabs(mtm_check_quantile7(x, n, 0.25) - 4.25) < EPS);
  assert_true(fabs(mtm_check_quantile7(x, n, 0.33) - 4.97) < 1e-9);
  assert_true(fabs(mtm_check_quantile7(x, n, 0.50) - 8.0) < EPS);
  assert_true(fabs(mtm_check_quantile7(x, n, 0.75) - 11.5) < EPS);
  assert_true(fabs(mtm_check_quantile7(x, n, 0.90) - 23.5) < 1e-9);
  assert_true(mtm_check_quantile7(x, n, 0) == 2);
  assert_true(mtm_check_quantile7(x, n, 1) == 100);
  double one = 7;
  assert_true(mtm_check_quantile7(&one, 1, 0.25) == 7);
  assert_true(isnan(mtm_check_quantile7(x, 0, 0.5)));
}

static void median_odd_and_even(void **state) {
  (void)state;
  double odd[] = {1, 2, 3, 4, 5}, even[] = {0.1, 1.5, 2.25, 4, 7, 9};
  assert_true(mtm_check_median(odd, 5) == 3);
  assert_true(fabs(mtm_check_median(even, 6) - 3.125) < EPS);
  assert_true(isnan(mtm_check_median(odd, 0)));
}

static void outlier_stats_and_modz(void **state) {
  (void)state;
  /* Unsorted on purpose. */
  double x[] = {100, 2, 15, 4, 12, 4, 10, 5, 9, 7};
  mtm_outlier_stats s;
  assert_int_equal(mtm_check_outlier_stats(x, 10, &s), 0);
  assert_int_equal(s.n, 10);
  assert_true(s.median == 8);
  assert_true(s.mad == 4);       /* R: mad(x, constant = 1) */
  assert_true(fabs(s.meanad - 12.4) < 1e-12);
  assert_true(s.q1 == 4.25 && s.q3 == 11.5);
  assert_true(fabs(s.lo - (4.25 - 1.5 * 7.25)) < EPS);
  assert_true(fabs(s.hi - (11.5 + 1.5 * 7.25)) < EPS);
  /* 0.6745 * (100 - 8) / 4 */
  assert_true(fabs(mtm_check_modz(&s, 100) - 15.5135) < 1e-9);
  assert_true(fabs(mtm_check_modz(&s, 8)) < EPS);
  assert_true(mtm_check_modz(&s, 2) < 0);
  /* x is sorted afterwards */
  assert_true(x[0] == 2 && x[9] == 100);
}

static void modz_falls_back_when_mad_is_zero(void **state) {
  (void)state;
  double x[] = {3, 3, 10, 3, 3, 3};
  mtm_outlier_stats s;
  assert_int_equal(mtm_check_outlier_stats(x, 6, &s), 0);
  assert_true(s.mad == 0);
  assert_true(fabs(s.meanad - 7.0 / 6.0) < EPS);
  /* (10 - 3) / (1.253314 * 7/6) */
  assert_true(fabs(mtm_check_modz(&s, 10) - 4.787307889323825) < 1e-9);
  assert_true(s.q1 == 3 && s.q3 == 3 && s.lo == 3 && s.hi == 3);
  double same[] = {5, 5, 5, 5, 5};
  assert_int_equal(mtm_check_outlier_stats(same, 5, &s), 0);
  assert_true(mtm_check_modz(&s, 5) == 0);
  assert_int_equal(mtm_check_outlier_stats(same, 0, &s), MTM_EINVAL);
}

static void modz_with_fractional_mad(void **state) {
  (void)state;
  double x[] = {1.5, 2.25, 9, 0.1, 4, 7};
  mtm_outlier_stats s;
  assert_int_equal(mtm_check_outlier_stats(x, 6, &s), 0);
  assert_true(fabs(s.median - 3.125) < EPS);
  assert_true(fabs(s.mad - 2.325) < EPS);
  assert_true(fabs(s.q1 - 1.6875) < EPS && fabs(s.q3 - 6.25) < EPS);
  assert_true(fabs(mtm_check_modz(&s, 9) - 1.7043817204301073) < 1e-9);
}

static void answer_hash_ignores_order_and_empty(void **state) {
  (void)state;
  const char *n1[] = {"age", "sex", "start", "district"};
  const char *v1[] = {"34", "female", NULL, "KAZ001"};
  const char *n2[] = {"district", "age", "sex"};
  const char *v2[] = {"KAZ001", "34", "female"};
  const char *v3[] = {"KAZ001", "35", "female"};
  const char *n4[] = {"district", "age", "sex", "extra"};
  const char *v4[] = {"KAZ001", "34", "female", ""};
  uint64_t h1 = mtm_check_answer_hash(4, n1, v1), h2 = mtm_check_answer_hash(3, n2, v2);
  assert_true(h1 == h2);
  assert_true(h1 == mtm_check_answer_hash(4, n4, v4));
  assert_true(h1 != mtm_check_answer_hash(3, n2, v3));
  /* The value belongs to its name: swapping answers between questions changes the hash. */
  const char *n5[] = {"a", "b"}, *v5[] = {"x", "y"}, *v6[] = {"y", "x"};
  assert_true(mtm_check_answer_hash(2, n5, v5) != mtm_check_answer_hash(2, n5, v6));
  /* "ab"+"c" must differ from "a"+"bc". */
  const char *n7[] = {"ab"}, *v7[] = {"c"}, *n8[] = {"a"}, *v8[] = {"bc"};
  assert_true(mtm_check_answer_hash(1, n7, v7) != mtm_check_answer_hash(1, n8, v8));
  assert_true(mtm_check_answer_hash(0, NULL, NULL) == 0);
}

static mtm_finding mk(const char *uuid, const char *q, const char *v, const char *rule,
                      mtm_severity s, const char *msg) {
  mtm_finding f = {0};
  f.uuid = uuid, f.question = q, f.value = v, f.rule = rule, f.severity = s, f.message = msg;
  return f;
}

static void writers_csv_text_json(void **state) {
  (void)state;
  mtm_finding f[3] = {
      mk("u1", "age", "150", "constraint", MTM_SEV_ERROR, "Age must be below 120"),
      mk("u2", "comment", "a, \"b\"", "relevance", MTM_SEV_WARNING, "answered though not relevant"),
      mk("u1", "", "", "duration", MTM_SEV_WARNING, "too short")};
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_check_write_csv(&b, f, 3);
  assert_string_equal(b.p, "uuid,repeat,instance,question,value,rule,severity,message\n"
                           "u1,,,age,150,constraint,error,Age must be below 120\n"
                           "u2,,,comment,\"a, \"\"b\"\"\",relevance,warning,answered though not relevant\n"
                           "u1,,,,,duration,warning,too short\n");
  mtm_buf_reset(&b);
  mtm_check_write_text(&b, f, 3);
  assert_string_equal(b.p,
                      "error   constraint  u1    age       150     Age must be below 120\n"
                      "warning relevance   u2    comment   a, \"b\"  answered though not relevant\n"
                      "warning duration    u1    -         -       too short\n"
                      "\n"
                      "3 findings: 1 error, 2 warnings, 0 info\n"
                      "  constraint       error    1\n"
                      "  relevance        warning  1\n"
                      "  duration         warning  1\n");
  mtm_buf_reset(&b);
  const char *notes[] = {"area: no gazetteer"};
  mtm_check_write_json(&b, f, 1, notes, 1);
  assert_string_equal(b.p, "{\"findings\":[\n"
                           "{\"uuid\":\"u1\",\"question\":\"age\",\"value\":\"150\",\"rule\":"
                           "\"constraint\",\"severity\":\"error\",\"message\":\"Age must be below "
                           "120\"}],\n\"summary\":[{\"rule\":\"constraint\",\"severity\":\"error\","
                           "\"count\":1}],\n\"notes\":[\"area: no gazetteer\"]}\n");
  mtm_buf_reset(&b);
  mtm_check_write_text(&b, f, 0);
  assert_string_equal(b.p, "0 findings: 0 errors, 0 warnings, 0 info\n");
  assert_int_equal(mtm_check_filter(f, 3, MTM_SEV_ERROR), 1);
  assert_string_equal(f[0].rule, "constraint");
  mtm_buf_free(&b);
}

/* A finding inside a repeat names its repeat and instance in every format. */
static void writers_name_the_instance(void **state) {
  (void)state;
  mtm_finding f[1] = {mk("u1", "m_age", "150", "constraint", MTM_SEV_ERROR, "too old")};
  f[0].repeat = "members";
  f[0].instance = 2;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_check_write_csv(&b, f, 1);
  assert_string_equal(b.p, "uuid,repeat,instance,question,value,rule,severity,message\n"
                           "u1,members,2,m_age,150,constraint,error,too old\n");
  mtm_buf_reset(&b);
  mtm_check_write_text(&b, f, 1);
  assert_non_null(strstr(b.p, "u1    members[2]/m_age  150"));
  mtm_buf_reset(&b);
  mtm_check_write_json(&b, f, 1, NULL, 0);
  assert_non_null(strstr(b.p, "{\"uuid\":\"u1\",\"repeat\":\"members\",\"instance\":2,"
                              "\"question\":\"m_age\""));
  mtm_buf_free(&b);
}

static void severity_names(void **state) {
  (void)state;
  mtm_severity s;
  assert_int_equal(mtm_severity_parse("warning", &s), 0);
  assert_int_equal(s, MTM_SEV_WARNING);
  assert_int_equal(mtm_severity_parse("fatal", &s), MTM_EINVAL);
  assert_string_equal(mtm_severity_name(MTM_SEV_INFO), "info");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(quantile7_matches_r),
      cmocka_unit_test(median_odd_and_even),
      cmocka_unit_test(outlier_stats_and_modz),
      cmocka_unit_test(modz_falls_back_when_mad_is_zero),
      cmocka_unit_test(modz_with_fractional_mad),
      cmocka_unit_test(answer_hash_ignores_order_and_empty),
      cmocka_unit_test(writers_csv_text_json),
      cmocka_unit_test(writers_name_the_instance),
      cmocka_unit_test(severity_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
