/* Unit tests of applying a cleaning log: success, the refusals (stale
 * old_value, unknown uuid or question, bad type) with nothing applied,
 * removal, the REACH layout, idempotence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "clean/clean.h"
#include "form/form.h"

#define DB "build/test_apply.db"

/* Fields of chk_form.xlsx outside repeats: start, end, deviceid, consent,
 * age, job, sex, oblast, hh_size, nationality. */
static void add_sub(sqlite3 *db, int id, const char *uuid, const char *const v[10]) {
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < 10; i++) mtm_record_add(&b, v[i], v[i] ? strlen(v[i]) : 0);
  sqlite3_stmt *s;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "INSERT INTO submissions(id, form, round, uuid, version, "
                                      "raw, data) VALUES (?1, 1, 1, ?2, '1', ?3, ?3)",
                                      -1, &s, NULL),
                   SQLITE_OK);
  sqlite3_bind_int(s, 1, id);
  sqlite3_bind_text(s, 2, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_blob(s, 3, b.p, (int)b.n, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(s), SQLITE_DONE);
  sqlite3_finalize(s);
  mtm_buf_free(&b);
}

static mtm_store *workspace(void) {
  unlink(DB);
  mtm_store *st;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_store_open(&st, DB, 1, &e), 0);
  mtm_buf bytes;
  mtm_buf_init(&bytes);
  mtm_form *f;
  assert_int_equal(mtm_form_read_file("tests/fixtures/check/chk_form.xlsx", &bytes, &f, &e), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  int what;
  assert_int_equal(mtm_store_form_add(st, "chk", "survey", f->title, f->version, "chk_form.xlsx",
                                      "xlsx", bytes.p, bytes.n, mtm_form_fields_json(f, &a),
                                      &what, &e),
                   0);
  mtm_arena_free(&a);
  mtm_form_free(f);
  mtm_buf_free(&bytes);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(DB, &db), SQLITE_OK);
  static const char *const u1[10] = {"2026-01-10T03:00:00Z", "2026-01-10T03:30:00Z", "d1", "yes",
                                     "150", "driver", "male", "Karagandy", "4", "UZB"};
  static const char *const u2[10] = {"2026-01-10T03:00:00Z", "2026-01-10T03:40:00Z", "d1", "yes",
                                     "41", "cook", NULL, "Karagandy", "3", "TJK"};
  static const char *const u3[10] = {"2026-01-10T04:00:00Z", "2026-01-10T04:40:00Z", "d2", "no",
                                     NULL, NULL, NULL, "Karagandy", "3", "TJK"};
  add_sub(db, 1, "u1", u1);
  add_sub(db, 2, "u2", u2);
  add_sub(db, 3, "u3", u3);
  sqlite3_close(db);
  return st;
}

/* Writes a log file and reads it. */
static void log_from(const char *path, const char *text, mtm_arena *a, mtm_clean_log *log) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_read(path, a, log, &e), 0);
}

/* The clean value of question slot k of submission id. */
static char *value(mtm_store *st, const char *uuid, int k, mtm_arena *a, int *removed) {
  mtm_submission *s;
  int n;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_store_submissions_by_uuid(st, uuid, 0, -1, a, &s, &n, &e), 0);
  assert_int_equal(n, 1);
  char **v;
  assert_int_equal(mtm_record_decode(s->data, s->data_n, a, &v), 10);
  if (removed) *removed = s->removed;
  char **raw;
  assert_int_equal(mtm_record_decode(s->raw, s->raw_n, a, &raw), 10);
  return v[k];
}

static void applies_changes_blanks_and_removals(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_clean_log log;
  log_from("build/test_apply_ok.csv",
           "uuid,question,old_value,new_value,reason\n"
           "u1,age,150,15,typo\n"
           "u2,sex,,Female,label as written by the enumerator\n"
           "u1,job,driver,,not asked\n"
           "u3,,,,pilot interview\n"
           "u1,start,2026-01-10T03:00:00Z,2026-01-10 05:00:00+05:00,clock was wrong\n",
           &a, &log);
  mtm_clean_opts o = {"amina", NULL, -1, 0, 0};
  mtm_clean_report r;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_apply(st, &log, &o, &a, &r, &e), 0);
  assert_int_equal(r.changed, 3);
  assert_int_equal(r.blanked, 1);
  assert_int_equal(r.removed, 1);
  assert_int_equal(r.nproblems, 0);
  assert_string_equal(value(st, "u1", 4, &a, NULL), "15");
  assert_null(value(st, "u1", 5, &a, NULL));
  assert_string_equal(value(st, "u1", 0, &a, NULL), "2026-01-10T00:00:00Z");
  assert_string_equal(value(st, "u2", 6, &a, NULL), "female"); /* the label became the name */
  int removed;
  value(st, "u3", 0, &a, &removed);
  assert_int_equal(removed, 1);
  /* The log: who, what, old and new. */
  mtm_clean_entry *le;
  int n;
  assert_int_equal(mtm_store_clean_log(st, 0, -1, 0, &a, &le, &n, &e), 0);
  assert_int_equal(n, 5);
  assert_string_equal(le[0].question, "age");
  assert_string_equal(le[0].old_value, "150");
  assert_string_equal(le[0].new_value, "15");
  assert_string_equal(le[0].who, "amina");
  assert_string_equal(le[0].reason, "typo");
  assert_string_equal(le[0].action, "change");
  assert_string_equal(le[0].source, "build/test_apply_ok.csv");
  assert_int_equal(strlen(le[0].at), 20);
  assert_string_equal(le[2].action, "blank");
  assert_string_equal(le[3].action, "remove");
  assert_null(le[3].question);
  /* Applying the same log again changes nothing. */
  assert_int_equal(mtm_clean_apply(st, &log, &o, &a, &r, &e), 0);
  assert_int_equal(r.changed + r.blanked + r.removed, 0);
  assert_int_equal(r.already, 5);
  assert_string_equal(r.notes[0], "build/test_apply_ok.csv, row 2: 'age' of 'u1' was already '15'");
  assert_string_equal(r.notes[3], "build/test_apply_ok.csv, row 5: submission 'u3' was already removed");
  assert_int_equal(mtm_store_clean_log(st, 0, -1, 0, &a, &le, &n, &e), 0);
  assert_int_equal(n, 5);
  mtm_arena_free(&a);
  mtm_store_close(st);
  unlink("build/test_apply_ok.csv");
}

static void refuses_everything_when_one_row_is_wrong(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_clean_log log;
  log_from("build/test_apply_bad.csv",
           "uuid,question,old_value,new_value,reason,action\n"
           "u1,age,150,15,typo,change\n"
           "u2,age,40,42,stale,change\n"
           "u9,age,1,2,unknown uuid,change\n"
           "u1,agee,1,2,unknown question,change\n"
           "u1,hh_size,4,four,bad type,change\n"
           "u1,sex,male,unknown,not a choice,change\n",
           &a, &log);
  mtm_clean_opts o = {"amina", NULL, -1, 0, 0};
  mtm_clean_report r;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_apply(st, &log, &o, &a, &r, &e), MTM_EINVAL);
  assert_int_equal(r.nproblems, 5);
  char msg[1024];
  const char *want[] = {
      "build/test_apply_bad.csv, row 3, question 'age': uuid 'u2': old_value '40' no longer "
      "matches the current clean value '41'",
      "build/test_apply_bad.csv, row 4, question 'age': no submission has uuid 'u9'",
      "build/test_apply_bad.csv, row 5, question 'agee': uuid 'u1': 'agee' is not a question of "
      "form 'chk' version '1'",
      "build/test_apply_bad.csv, row 6, question 'hh_size': uuid 'u1': new_value 'four' is not a "
      "whole number",
      "build/test_apply_bad.csv, row 7, question 'sex': uuid 'u1': new_value 'unknown' is not a "
      "choice of list 'sex'",
  };
  for (int i = 0; i < 5; i++) {
    mtm_err_format(&r.problems[i], msg, sizeof msg);
    assert_string_equal(msg, want[i]);
  }
  /* Nothing was applied, not even the good first row. */
  assert_string_equal(value(st, "u1", 4, &a, NULL), "150");
  mtm_clean_entry *le;
  int n;
  assert_int_equal(mtm_store_clean_log(st, 0, -1, 0, &a, &le, &n, &e), 0);
  assert_int_equal(n, 0);
  /* --skip-unknown skips the unknown uuid and question, not the others. */
  o.skip_unknown = 1;
  assert_int_equal(mtm_clean_apply(st, &log, &o, &a, &r, &e), MTM_EINVAL);
  assert_int_equal(r.nproblems, 3);
  assert_int_equal(r.skipped, 2);
  mtm_arena_free(&a);
  mtm_store_close(st);
  unlink("build/test_apply_bad.csv");
}

static void reach_layout(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_clean_log log;
  /* REACH's columns; an empty old_value is R's NA (not checked); the same
   * change twice (as in the real log) is applied once. */
  log_from("build/test_apply_reach.csv",
           "\"X.U.FEFF.reported_date\",\"X_uuid\",\"enumerator_num\",\"questions\",\"issue\","
           "\"old_value\",\"Comments.for.Field.Officer\",\"Field.Officer.s.response\","
           "\"change_type\",\"new_value\",\"reason\"\n"
           "\"06/07/2021\",\"u2\",8,\"hh_size\",\"outlier\",\"3\",\"sure?\",\"it is 30\","
           "\"change_response\",\"30\",\"typo\"\n"
           "\"18/07/2021\",\"u2\",8,\"hh_size\",\"outlier\",\"3\",,,\"change_response\",\"30\",\n"
           ",\"u1\",,\"nationality\",\"x\",,,,\"change_response\",\"KAZ\",\n"
           ",\"u1\",,\"oblast\",\"x\",\"Karagandy\",,,\"no_action\",,\n"
           ",\"u3\",,,,,,,\"remove_survey\",,\"pilot\"\n",
           &a, &log);
  mtm_clean_opts o = {NULL, NULL, -1, 0, 0};
  mtm_clean_report r;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_apply(st, &log, &o, &a, &r, &e), 0);
  assert_int_equal(r.changed, 2);
  assert_int_equal(r.removed, 1);
  assert_int_equal(r.reviewed, 1);
  assert_int_equal(r.already, 1);
  assert_string_equal(value(st, "u2", 8, &a, NULL), "30");
  assert_string_equal(value(st, "u1", 9, &a, NULL), "KAZ");
  mtm_clean_entry *le;
  int n;
  assert_int_equal(mtm_store_clean_log(st, 0, -1, 0, &a, &le, &n, &e), 0);
  assert_int_equal(n, 3);
  assert_string_equal(le[0].comment, "sure?");
  assert_string_equal(le[0].response, "it is 30");
  assert_string_equal(le[0].reported, "06/07/2021");
  assert_string_equal(le[0].enumerator, "8");
  assert_string_equal(le[0].issue, "outlier");
  const char *user = getenv("USER");
  assert_string_equal(le[0].who, user && *user ? user : "unknown");
  mtm_arena_free(&a);
  mtm_store_close(st);
  unlink("build/test_apply_reach.csv");
  unlink(DB);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(applies_changes_blanks_and_removals),
      cmocka_unit_test(refuses_everything_when_one_row_is_wrong),
      cmocka_unit_test(reach_layout),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
