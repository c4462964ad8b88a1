/* Unit tests of ingest's header mapping: paths, names, labels in two
 * languages, select_multiple option columns, system columns, R mangling,
 * and the exact refusals of ambiguous and doubled columns. */
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

/* Maps the headers and returns "target|target|..." with kinds as letters:
 * Q question, O option, S system, R raw, P repeat. */
static const char *mapped(env *e, int n, const char *const *h) {
  mtm_header_map hm;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_ingest_map_headers(e->t, n, h, "x.csv", &e->a, &hm, &err);
  if (rc) return mtm_arena_printf(&e->a, "error: %s", err.msg);
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < hm.n; i++) {
    static const char kinds[] = "RSQOPG";
    if (i) mtm_buf_addc(&b, '|');
    mtm_buf_printf(&b, "%c:%s", kinds[hm.cols[i].kind], hm.cols[i].target ? hm.cols[i].target : "");
  }
  const char *r = mtm_arena_strdup(&e->a, b.p);
  mtm_buf_free(&b);
  return r;
}

static void names_and_paths(void **state) {
  env *e = *state;
  const char *h[] = {"start", "profile/sex", "profile/age", "langs", "langs/english",
                     "langs/other", "income", "comment", "members", "members/m_age"};
  assert_string_equal(mapped(e, 10, h),
                      "Q:start|Q:sex|Q:age|Q:langs|O:langs/english|O:langs/other|Q:income|"
                      "Q:comment|P:members|Q:m_age");
}

static void separators_dot_dash_and_none(void **state) {
  env *e = *state;
  const char *h[] = {"profile.sex", "profile-age", "langs.kazakh", "langs-russian", "wake"};
  assert_string_equal(mapped(e, 5, h), "Q:sex|Q:age|O:langs/kazakh|O:langs/russian|Q:wake");
  const char *g[] = {"sex", "some/other/group/age", "grp.langs.english"};
  assert_string_equal(mapped(e, 3, g), "Q:sex|Q:age|O:langs/english");
}

static void labels_in_both_languages(void **state) {
  env *e = *state;
  const char *h[] = {"Profile/Sex", "Профиль/Возраст", "Languages spoken",
                     "Languages spoken/Other language", "Языки/Русский", "Monthly income",
                     "Date of arrival", "Household members/Age"};
  assert_string_equal(mapped(e, 8, h),
                      "Q:sex|Q:age|Q:langs|O:langs/other|O:langs/russian|Q:income|Q:arrived|"
                      "Q:m_age");
}

static void system_columns_kobo_odk_and_r(void **state) {
  env *e = *state;
  const char *h[] = {"_uuid", "_submission_time", "__version__", "_index", "_id",
                     "meta/instanceID", "KEY", "SubmissionDate", "meta-instanceID", "X_uuid",
                     "X.U.FEFF.start", "X__version__", "_brand_new_kobo_column",
                     "formhub/uuid", "uuid"};
  assert_string_equal(mapped(e, 15, h),
                      "S:_uuid|S:_submission_time|S:__version__|S:_index|S:_id|"
                      "S:meta/instanceID|S:KEY|S:SubmissionDate|S:meta/instanceID|S:_uuid|"
                      "Q:start|S:__version__|S:_brand_new_kobo_column|S:formhub/uuid|S:uuid");
}

static void unknown_columns_are_listed(void **state) {
  env *e = *state;
  const char *h[] = {"sex", "enumerator_mood", "Q99"};
  mtm_header_map hm;
  mtm_err err;
  assert_int_equal(mtm_ingest_map_headers(e->t, 3, h, "x.csv", &e->a, &hm, &err), 0);
  assert_int_equal(hm.nunknown, 2);
  assert_string_equal(hm.unknown[0], "enumerator_mood");
  assert_string_equal(hm.unknown[1], "Q99");
  assert_int_equal(hm.r_export, 0);
}

static void r_exports_are_recognised(void **state) {
  env *e = *state;
  const char *h[] = {"X.U.FEFF.start", "profile.sex", "X_uuid"};
  mtm_header_map hm;
  mtm_err err;
  assert_int_equal(mtm_ingest_map_headers(e->t, 3, h, "x.csv", &e->a, &hm, &err), 0);
  assert_int_equal(hm.r_export, 1);
}

static void ambiguous_label_is_refused(void **state) {
  env *e = *state;
  const char *h[] = {"sex", "Age"};
  mtm_header_map hm;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_ingest_map_headers(e->t, 2, h, "x.csv", &e->a, &hm, &err), MTM_EINVAL);
  char line[1024];
  mtm_err_format(&err, line, sizeof line);
  assert_string_equal(line, "x.csv, column 'Age': this column could be question 'age' or "
                            "question 'm_age'; rename it to the name of one of them (or export "
                            "with XML names)");
}

static void two_columns_for_one_question_are_refused(void **state) {
  env *e = *state;
  const char *h[] = {"profile/age", "Profile/Age"};
  mtm_header_map hm;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_ingest_map_headers(e->t, 2, h, "x.csv", &e->a, &hm, &err), MTM_EINVAL);
  char line[1024];
  mtm_err_format(&err, line, sizeof line);
  assert_string_equal(line, "x.csv, column 'Profile/Age': question 'age' is already in column "
                            "'profile/age'; remove one of the two columns");
}

static void bom_and_spaces_are_ignored(void **state) {
  env *e = *state;
  const char *h[] = {"\xEF\xBB\xBFstart", " end ", "  "};
  assert_string_equal(mapped(e, 3, h), "Q:start|Q:end|R:");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(names_and_paths, setup, teardown),
      cmocka_unit_test_setup_teardown(separators_dot_dash_and_none, setup, teardown),
      cmocka_unit_test_setup_teardown(labels_in_both_languages, setup, teardown),
      cmocka_unit_test_setup_teardown(system_columns_kobo_odk_and_r, setup, teardown),
      cmocka_unit_test_setup_teardown(unknown_columns_are_listed, setup, teardown),
      cmocka_unit_test_setup_teardown(r_exports_are_recognised, setup, teardown),
      cmocka_unit_test_setup_teardown(ambiguous_label_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(two_columns_for_one_question_are_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(bom_and_spaces_are_ignored, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
