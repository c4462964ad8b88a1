/* Unit tests of the readers of repeats that are not sheets: ODK Central's
 * .csv.zip (which CSV is the main one, the repeat each other one holds,
 * the KEY of a repeat row, KEY -> submission), KoBoCAT's wide repeat
 * columns ("members[2]/m_name") in the header map, and "n/a" as missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>
#include <cmocka.h>

#include "ingest/internal.h"
#include "unit/ingest/form_fixture.h"

/* Writes a zip holding the named members (each holding "x\n") to a
 * temporary file; returns its path (malloc'd). */
static char *make_zip(const char *const *names, int n) {
  char tmpl[] = "/tmp/mtm-odkzip-XXXXXX";
  int fd = mkstemp(tmpl);
  assert_true(fd >= 0);
  close(fd);
  unlink(tmpl);
  int code;
  zip_t *z = zip_open(tmpl, ZIP_CREATE | ZIP_EXCL, &code);
  assert_non_null(z);
  for (int i = 0; i < n; i++) {
    zip_source_t *s = zip_source_buffer(z, "x\n", 2, 0);
    assert_non_null(s);
    if (strchr(names[i], '/') && names[i][strlen(names[i]) - 1] == '/')
      assert_true(zip_dir_add(z, names[i], 0) >= 0), zip_source_free(s);
    else
      assert_true(zip_file_add(z, names[i], s, 0) >= 0);
  }
  assert_int_equal(zip_close(z), 0);
  return strdup(tmpl);
}

static void zip_main_and_repeats(void **state) {
  (void)state;
  const char *names[] = {"my-form.csv",          "media/",
                         "media/1568794395624.jpg", "my-form-members.csv",
                         "my-form-child~1.csv",  "my-form-child~2.csv",
                         "my-form-a~b.csv"};
  char *path = make_zip(names, 7);
  ing_zip *z;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(ing_zip_open(path, &z, &err), 0);
  assert_string_equal(ing_zip_main(z), "my-form.csv");
  assert_int_equal(ing_zip_nrepeats(z), 4);
  assert_string_equal(ing_zip_repeat_member(z, 0), "my-form-members.csv");
  assert_string_equal(ing_zip_repeat_name(z, 0), "members");
  assert_string_equal(ing_zip_repeat_name(z, 1), "child");
  assert_string_equal(ing_zip_repeat_name(z, 2), "child");
  assert_string_equal(ing_zip_repeat_name(z, 3), "a~b"); /* no number after ~ */
  char *bytes;
  size_t len;
  assert_int_equal(ing_zip_read(z, "my-form-members.csv", &bytes, &len, &err), 0);
  assert_int_equal(len, 2);
  assert_string_equal(bytes, "x\n");
  free(bytes);
  assert_int_not_equal(ing_zip_read(z, "nope.csv", &bytes, &len, &err), 0);
  ing_zip_close(z);
  unlink(path);
  free(path);
}

static void zip_without_main_is_refused(void **state) {
  (void)state;
  const char *two[] = {"f-a.csv", "f-b.csv"};
  char *path = make_zip(two, 2);
  ing_zip *z = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(ing_zip_open(path, &z, &err), MTM_EINVAL);
  assert_null(z);
  assert_non_null(strstr(err.msg, "none is the main one"));
  unlink(path);
  free(path);
  const char *none[] = {"media/x.jpg"};
  path = make_zip(none, 1);
  mtm_err_clear(&err);
  assert_int_equal(ing_zip_open(path, &z, &err), MTM_EINVAL);
  assert_non_null(strstr(err.msg, "no CSV"));
  unlink(path);
  free(path);
  const char *one[] = {"anything.csv"}; /* one CSV: the main one */
  path = make_zip(one, 1);
  assert_int_equal(ing_zip_open(path, &z, &err), 0);
  assert_string_equal(ing_zip_main(z), "anything.csv");
  assert_int_equal(ing_zip_nrepeats(z), 0);
  ing_zip_close(z);
  unlink(path);
  free(path);
  mtm_err_clear(&err);
  assert_int_equal(ing_zip_open("/nonexistent/x.zip", &z, &err), MTM_ENOTFOUND);
  assert_true(ing_zip_is("a.CSV.ZIP") && ing_zip_is("b.zip") && !ing_zip_is("c.xlsx") &&
              !ing_zip_is("zip"));
}

static void keys_of_repeat_rows(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  const char *path;
  long ix;
  assert_int_equal(ing_odk_key(MTM_SLICE("uuid:1f3a/household/members[2]"), &a, &path, &ix), 0);
  assert_string_equal(path, "household/members");
  assert_int_equal(ix, 2);
  assert_int_equal(ing_odk_key(MTM_SLICE("two/children/child[12]/toy[3]"), &a, &path, &ix), 0);
  assert_string_equal(path, "children/child/toy");
  assert_int_equal(ix, 3);
  assert_int_equal(ing_odk_key(MTM_SLICE(" x/r[1] "), &a, &path, &ix), 0);
  assert_int_equal(ix, 1);
  assert_int_equal(ing_odk_key(MTM_SLICE("uuid:1f3a"), &a, &path, &ix), -1);
  assert_int_equal(ing_odk_key(MTM_SLICE("uuid:1f3a/members"), &a, &path, &ix), -1);
  assert_int_equal(ing_odk_key(MTM_SLICE("uuid:1f3a/members[]"), &a, &path, &ix), -1);
  assert_int_equal(ing_odk_key(MTM_SLICE("uuid:1f3a/members[0]"), &a, &path, &ix), -1);
  assert_int_equal(ing_odk_key(MTM_SLICE("uuid:1f3a/members[x]"), &a, &path, &ix), -1);
  assert_int_equal(ing_odk_key(MTM_SLICE("uuid:1f3a/[2]"), &a, &path, &ix), -1);
  assert_int_equal(ing_odk_key((mtm_slice){NULL, 0}, &a, &path, &ix), -1);
  mtm_arena_free(&a);
}

static void keys_map_to_submissions(void **state) {
  (void)state;
  ing_keys k;
  ing_keys_init(&k);
  char key[32];
  for (int i = 0; i < 1000; i++) {
    snprintf(key, sizeof key, "uuid:%d", i);
    assert_int_equal(ing_keys_put(&k, mtm_slice_c(key), i % 3 ? i : 0, i % 5, i + 2), 0);
  }
  int64_t sub;
  int v;
  assert_int_equal(ing_keys_get(&k, MTM_SLICE("uuid:7"), &sub, &v), 1);
  assert_int_equal(sub, 7);
  assert_int_equal(v, 2);
  assert_int_equal(ing_keys_get(&k, MTM_SLICE("uuid:9"), &sub, &v), 1);
  assert_int_equal(sub, 0); /* not stored by this import */
  assert_int_equal(ing_keys_get(&k, MTM_SLICE("uuid:1000"), &sub, &v), 0);
  assert_int_equal(ing_keys_put(&k, MTM_SLICE("uuid:7"), 1, 1, 99), 9); /* read in row 9 */
  ing_keys_free(&k);
}

/* The fixture form's repeat "members" (m_name, m_age) spread over columns. */
static void wide_repeat_columns(void **state) {
  (void)state;
  fixture x;
  fixture_init(&x);
  mtm_ingest_form *t = mtm_ingest_form_new(&x.f);
  mtm_arena a;
  mtm_arena_init(&a);
  const char *h[] = {"profile/age",        "members[10]/m_name", "members[2]/m_name",
                     "members[2]/m_age",   "members[1]/m_name",  "_uuid",
                     "members[10]/m_age"};
  mtm_header_map hm;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_ingest_map_headers(t, 7, h, "x.csv", &a, &hm, &err), 0);
  assert_int_equal(hm.nwide, 3);
  /* Ordered by instance number, as numbers (10 after 2). */
  assert_string_equal(hm.wide[0].index, "[1]");
  assert_int_equal(hm.wide[0].position, 1);
  assert_int_equal(hm.wide[0].n, 1);
  assert_int_equal(hm.wide[0].cols[0], 4);
  assert_int_equal(hm.wide[1].position, 2);
  assert_int_equal(hm.wide[1].n, 2);
  assert_int_equal(hm.wide[1].cols[0], 2);
  assert_int_equal(hm.wide[1].cols[1], 3);
  assert_int_equal(hm.wide[2].position, 10);
  assert_int_equal(hm.wide[2].cols[1], 6);
  assert_int_equal(x.f.q[hm.wide[2].q].type, MTM_Q_BEGIN_REPEAT);
  assert_int_equal(hm.cols[0].wide, 0);
  assert_int_equal(hm.cols[1].wide, 3);
  assert_int_equal(hm.cols[4].wide, 1);
  assert_string_equal(hm.cols[1].target, "m_name");
  assert_int_equal(hm.cols[5].kind, MTM_COL_SYSTEM);
  /* Instance numbers of a question in no repeat are not taken away. */
  const char *norep[] = {"age[2]", "members[1]/m_name"};
  assert_int_equal(mtm_ingest_map_headers(t, 2, norep, "x.csv", &a, &hm, &err), 0);
  assert_int_equal(hm.cols[0].kind, MTM_COL_RAW);
  assert_int_equal(hm.cols[0].wide, 0);
  assert_int_equal(hm.nwide, 1);
  /* One instance's question twice is still refused. */
  const char *dup[] = {"members[2]/m_name", "members[2]/m_name"};
  assert_int_equal(mtm_ingest_map_headers(t, 2, dup, "x.csv", &a, &hm, &err), MTM_EINVAL);
  mtm_arena_free(&a);
  mtm_ingest_form_free(t);
  fixture_free(&x);
}

/* ODK Central's four columns of a geopoint, by path or name; a part of a
 * question that is no geopoint is not one. */
static void geopoint_parts(void **state) {
  (void)state;
  fixture x;
  fixture_init(&x);
  mtm_ingest_form *t = mtm_ingest_form_new(&x.f);
  mtm_arena a;
  mtm_arena_init(&a);
  const char *h[] = {"gps-Latitude", "gps-Longitude", "grp-gps-Altitude", "gps.Accuracy",
                     "profile-age-Latitude"};
  mtm_header_map hm;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_ingest_map_headers(t, 5, h, "x.csv", &a, &hm, &err), 0);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(hm.cols[i].kind, MTM_COL_GEO_PART);
    assert_int_equal(hm.cols[i].choice, i);
    assert_string_equal(x.f.q[hm.cols[i].q].name, "gps");
  }
  assert_string_equal(hm.cols[0].target, "gps/Latitude");
  assert_int_equal(hm.cols[4].kind, MTM_COL_RAW);
  const char *twice[] = {"gps-Latitude", "gps/Latitude"};
  assert_int_equal(mtm_ingest_map_headers(t, 2, twice, "x.csv", &a, &hm, &err), MTM_EINVAL);
  assert_non_null(strstr(err.msg, "already in column 'gps-Latitude'"));
  mtm_arena_free(&a);
  mtm_ingest_form_free(t);
  fixture_free(&x);
}

/* "n/a" is missing for every type, also in 0/1 option columns. */
static void na_slash_is_missing(void **state) {
  (void)state;
  fixture x;
  fixture_init(&x);
  mtm_ingest_form *t = mtm_ingest_form_new(&x.f);
  mtm_arena a;
  mtm_arena_init(&a);
  const char *qs[] = {"age", "income", "arrived", "sex", "langs", "gps", "comment", "m_name"};
  for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
    int q = mtm_form_question_index(&x.f, qs[i]);
    assert_true(q >= 0);
    mtm_slice out = MTM_SLICE("x");
    mtm_err err;
    assert_int_equal(mtm_ingest_type(t, q, MTM_SLICE("n/a"), 0, &a, &out, &err), 0);
    assert_null(out.p);
    assert_int_equal(mtm_ingest_type(t, q, MTM_SLICE(" n/a\r"), 0, &a, &out, &err), 0);
    assert_null(out.p);
  }
  int q = mtm_form_question_index(&x.f, "comment");
  mtm_slice out;
  mtm_err err;
  assert_int_equal(mtm_ingest_type(t, q, MTM_SLICE("N/A"), 0, &a, &out, &err), 0);
  assert_non_null(out.p); /* only KoBoCAT's own spelling */
  int sel = 5;
  assert_int_equal(mtm_ingest_type_option(MTM_SLICE("n/a"), 0, &sel, &err), 0);
  assert_int_equal(sel, -1);
  assert_true(ing_cell_missing(MTM_SLICE(" n/a "), 0));
  assert_true(ing_cell_missing(MTM_SLICE("  "), 0));
  assert_true(ing_cell_missing(MTM_SLICE("NA"), MTM_TYPE_R_NA));
  assert_false(ing_cell_missing(MTM_SLICE("NA"), 0));
  assert_false(ing_cell_missing(MTM_SLICE("0"), 0));
  mtm_arena_free(&a);
  mtm_ingest_form_free(t);
  fixture_free(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(zip_main_and_repeats),  cmocka_unit_test(zip_without_main_is_refused),
      cmocka_unit_test(keys_of_repeat_rows),   cmocka_unit_test(keys_map_to_submissions),
      cmocka_unit_test(wide_repeat_columns),   cmocka_unit_test(na_slash_is_missing),
      cmocka_unit_test(geopoint_parts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
