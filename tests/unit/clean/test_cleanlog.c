/* Unit tests of cleaning-log files: header and row reading (mtm's layout
 * and REACH's), the refusal messages, the clean_log store functions and the
 * export in REACH's layout (CSV exactly; XLSX by unzipping). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "clean/clean.h"

/* Splits a CSV-free line "a|b|c" into slices (tests only). */
static int cells(const char *line, mtm_slice *out, int cap) {
  int n = 0;
  const char *p = line;
  for (;;) {
    const char *q = strchr(p, '|');
    if (n < cap) out[n++] = (mtm_slice){p, q ? (size_t)(q - p) : strlen(p)};
    if (!q) break;
    p = q + 1;
  }
  return n;
}

static void reach_header_is_understood(void **state) {
  (void)state;
  /* The header of cleaningtools_cleaning_log.csv, as R wrote it. */
  mtm_slice c[16];
  int n = cells("X.U.FEFF.reported_date|X_uuid|enumerator_num|questions|issue|old_value|"
                "Comments.for.Field.Officer|Field.Officer.s.response|change_type|new_value|reason",
                c, 16);
  mtm_clean_header h;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_header_read(&h, n, c, "log.csv", &e), 0);
  assert_int_equal(h.reported, 0);
  assert_int_equal(h.uuid, 1);
  assert_int_equal(h.enumerator, 2);
  assert_int_equal(h.question, 3);
  assert_int_equal(h.issue, 4);
  assert_int_equal(h.old_value, 5);
  assert_int_equal(h.comment, 6);
  assert_int_equal(h.response, 7);
  assert_int_equal(h.change_type, 8);
  assert_int_equal(h.new_value, 9);
  assert_int_equal(h.reason, 10);
  assert_int_equal(h.action, -1);
  assert_int_equal(h.form, -1);

  /* A real BOM and the unmangled names are the same columns. */
  n = cells("\xEF\xBB\xBFreported_date|_uuid|Question|Old Value|new_value|Field Officer's response",
            c, 16);
  assert_int_equal(mtm_clean_header_read(&h, n, c, "log.csv", &e), 0);
  assert_int_equal(h.reported, 0);
  assert_int_equal(h.uuid, 1);
  assert_int_equal(h.question, 2);
  assert_int_equal(h.old_value, 3);
  assert_int_equal(h.response, 5);
}

static void header_without_question_is_refused(void **state) {
  (void)state;
  mtm_slice c[8];
  int n = cells("uuid|old_value|new_value", c, 8);
  mtm_clean_header h;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_header_read(&h, n, c, "log.csv", &e), MTM_EINVAL);
  char msg[1024];
  mtm_err_format(&e, msg, sizeof msg);
  assert_string_equal(msg, "log.csv, row 1: a cleaning log needs a question column (uuid, question, "
                           "old_value, new_value, reason and action or change_type); this header "
                           "has 'uuid', 'old_value', 'new_value'");
}

static void rows_and_actions(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_slice c[16];
  mtm_clean_header h;
  mtm_err e;
  mtm_err_clear(&e);
  int n = cells("X.U.FEFF.reported_date|X_uuid|enumerator_num|questions|issue|old_value|"
                "Comments.for.Field.Officer|Field.Officer.s.response|change_type|new_value|reason",
                c, 16);
  assert_int_equal(mtm_clean_header_read(&h, n, c, "log.csv", &e), 0);
  mtm_clean_row r;
  n = cells("06/07/2021|1a80|8|air_coolers_nb|outlier|24|double check|it should be 4|"
            "change_response|4|mistake during data entering",
            c, 16);
  assert_int_equal(mtm_clean_row_read(&h, 2, n, c, "log.csv", &a, &r, &e), 0);
  assert_int_equal(r.row, 2);
  assert_string_equal(r.uuid, "1a80");
  assert_string_equal(r.question, "air_coolers_nb");
  assert_string_equal(r.old_value, "24");
  assert_string_equal(r.new_value, "4");
  assert_string_equal(r.reason, "mistake during data entering");
  assert_string_equal(r.issue, "outlier");
  assert_string_equal(r.reported, "06/07/2021");
  assert_string_equal(r.enumerator, "8");
  assert_string_equal(r.comment, "double check");
  assert_string_equal(r.response, "it should be 4");
  assert_int_equal(r.action, MTM_CLEAN_CHANGE);
  assert_int_equal(r.has_old, 1);
  /* REACH: NA written as "" means old_value not given. */
  n = cells("|c50e||return_date|same as data collection date||||change_response|2018-11-11|", c,
            16);
  assert_int_equal(mtm_clean_row_read(&h, 3, n, c, "log.csv", &a, &r, &e), 0);
  assert_int_equal(r.has_old, 0);
  n = cells("05/07/2021|0b74|||||||remove_survey||pilot", c, 16);
  assert_int_equal(mtm_clean_row_read(&h, 4, n, c, "log.csv", &a, &r, &e), 0);
  assert_int_equal(r.action, MTM_CLEAN_REMOVE);
  n = cells("|d752||return_date|same||||blank_response||", c, 16);
  assert_int_equal(mtm_clean_row_read(&h, 5, n, c, "log.csv", &a, &r, &e), 0);
  assert_int_equal(r.action, MTM_CLEAN_BLANK);
  n = cells("|bc6d|11|air_coolers_hours|outlier|4|||no_action||", c, 16);
  assert_int_equal(mtm_clean_row_read(&h, 6, n, c, "log.csv", &a, &r, &e), 0);
  assert_int_equal(r.action, MTM_CLEAN_NONE);
  /* A blank row is skipped; a short row is padded. */
  n = cells("||||", c, 16);
  assert_int_equal(mtm_clean_row_read(&h, 7, n, c, "log.csv", &a, &r, &e), 1);
  n = cells("|u9|3|age|x|1", c, 16);
  assert_int_equal(mtm_clean_row_read(&h, 8, n, c, "log.csv", &a, &r, &e), 0);
  assert_string_equal(r.new_value, "");
  assert_int_equal(r.action, MTM_CLEAN_BLANK);
  /* An unknown change_type. */
  n = cells("|u9|3|age|x|1|||fix it|2|", c, 16);
  assert_int_equal(mtm_clean_row_read(&h, 9, n, c, "log.csv", &a, &r, &e), MTM_EINVAL);
  char msg[1024];
  mtm_err_format(&e, msg, sizeof msg);
  assert_string_equal(msg, "log.csv, row 9, column 'change_type', question 'age': 'fix it' is not "
                           "an action: use change, blank, remove or none (or REACH's "
                           "change_response, blank_response, remove_survey, no_action)");
  mtm_arena_free(&a);
}

static void mtm_layout_infers_actions(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_slice c[8];
  mtm_clean_header h;
  mtm_err e;
  mtm_err_clear(&e);
  int n = cells("uuid|question|old_value|new_value|reason", c, 8);
  assert_int_equal(mtm_clean_header_read(&h, n, c, "x.csv", &e), 0);
  mtm_clean_row r;
  n = cells("u1|age|150|15|typo", c, 8);
  assert_int_equal(mtm_clean_row_read(&h, 2, n, c, "x.csv", &a, &r, &e), 0);
  assert_int_equal(r.action, MTM_CLEAN_CHANGE);
  n = cells("u1|comment|||empty on purpose", c, 8);
  assert_int_equal(mtm_clean_row_read(&h, 3, n, c, "x.csv", &a, &r, &e), 0);
  assert_int_equal(r.action, MTM_CLEAN_BLANK);
  assert_int_equal(r.has_old, 1); /* mtm layout: "" is the old value */
  n = cells("u2||||pilot", c, 8);
  assert_int_equal(mtm_clean_row_read(&h, 4, n, c, "x.csv", &a, &r, &e), 0);
  assert_int_equal(r.action, MTM_CLEAN_REMOVE);
  n = cells("|age|1|2|", c, 8);
  assert_int_equal(mtm_clean_row_read(&h, 5, n, c, "x.csv", &a, &r, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "the row names no uuid");
  /* With an action column, change without a new value is refused. */
  n = cells("uuid|question|old_value|new_value|reason|action", c, 8);
  assert_int_equal(mtm_clean_header_read(&h, n, c, "x.csv", &e), 0);
  n = cells("u1|age|150||typo|change", c, 8);
  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_row_read(&h, 6, n, c, "x.csv", &a, &r, &e), MTM_EINVAL);
  char msg[1024];
  mtm_err_format(&e, msg, sizeof msg);
  assert_string_equal(msg, "x.csv, row 6, question 'age': uuid 'u1': the change has no new_value "
                           "(to empty the answer, use the action blank)");
  n = cells("u1||||typo|blank", c, 8);
  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_row_read(&h, 7, n, c, "x.csv", &a, &r, &e), MTM_EINVAL);
  mtm_err_format(&e, msg, sizeof msg);
  assert_string_equal(msg, "x.csv, row 7: uuid 'u1': a blank needs a question");
  mtm_arena_free(&a);
}

/* A workspace with one form and the log entries added through the store. */
static mtm_store *workspace(const char *path) {
  unlink(path);
  mtm_store *st;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_store_open(&st, path, 1, &e), 0);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
                                "INSERT INTO forms(id, form_id) VALUES (7, 'hh');"
                                "INSERT INTO submissions(id, form, round, uuid, raw, data) "
                                "VALUES (3, 7, 2, 'u-1', x'', x''), (4, 7, 2, 'u-2', x'', x'');",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  return st;
}

static void store_and_export_csv(void **state) {
  (void)state;
  const char *path = "build/test_cleanlog.db";
  mtm_store *st = workspace(path);
  mtm_err e;
  mtm_err_clear(&e);
  mtm_clean_entry x = {0};
  x.submission = 3, x.form = 7, x.round = 2;
  x.uuid = "u-1", x.question = "age", x.old_value = "150", x.new_value = "15";
  x.action = "change", x.reason = "typo, \"obvious\"", x.who = "amina";
  x.at = "2026-01-15T10:00:00Z", x.source = "log.csv", x.issue = "outlier";
  x.reported = "06/07/2021", x.enumerator = "8", x.comment = "check", x.response = "15";
  assert_int_equal(mtm_store_clean_log_add(st, &x, &e), 0);
  mtm_clean_entry y = {0};
  y.submission = 4, y.form = 7, y.round = 2, y.uuid = "u-2", y.action = "remove";
  y.reason = "pilot", y.who = "amina", y.at = "2026-01-16T08:30:00Z", y.source = "log.csv";
  assert_int_equal(mtm_store_clean_log_add(st, &y, &e), 0);

  mtm_arena a;
  mtm_arena_init(&a);
  mtm_clean_entry *got;
  int n;
  assert_int_equal(mtm_store_clean_log(st, 0, -1, 0, &a, &got, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(got[0].form_id, "hh");
  assert_string_equal(got[1].action, "remove");
  assert_int_equal(mtm_store_clean_log(st, 7, 2, 4, &a, &got, &n, &e), 0);
  assert_int_equal(n, 1);
  assert_int_equal(mtm_store_clean_log(st, 7, 1, 0, &a, &got, &n, &e), 0);
  assert_int_equal(n, 0);

  mtm_buf b;
  mtm_buf_init(&b);
  assert_int_equal(mtm_clean_export_csv(st, 7, 2, &b, &e), 0);
  assert_string_equal(
      b.p, "reported_date,X_uuid,enumerator_num,questions,issue,old_value,"
           "Comments.for.Field.Officer,Field.Officer.s.response,change_type,new_value,reason,"
           "who,when,form,round,source,instance\n"
           "06/07/2021,u-1,8,age,outlier,150,check,15,change_response,15,\"typo, \"\"obvious\"\"\","
           "amina,2026-01-15T10:00:00Z,hh,2,log.csv,\n"
           "2026-01-16,u-2,,,,,,,remove_survey,,pilot,amina,2026-01-16T08:30:00Z,hh,2,log.csv,\n");
  mtm_buf_free(&b);

  /* XLSX: unzip the sheet and find the cells. */
  const char *xl = "build/test_cleanlog.xlsx";
  unlink(xl);
  assert_int_equal(mtm_clean_export_xlsx(st, 0, -1, xl, &e), 0);
  FILE *p = popen("unzip -p build/test_cleanlog.xlsx xl/sharedStrings.xml xl/worksheets/sheet1.xml "
                  "xl/workbook.xml",
                  "r");
  assert_non_null(p);
  mtm_buf_init(&b);
  char chunk[4096];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, p)) > 0) mtm_buf_add(&b, chunk, k);
  assert_int_equal(pclose(p), 0);
  assert_non_null(strstr(b.p, "<t>Field.Officer.s.response</t>"));
  assert_non_null(strstr(b.p, "<t>typo, \"obvious\"</t>"));
  assert_non_null(strstr(b.p, "<t>remove_survey</t>"));
  assert_non_null(strstr(b.p, "name=\"cleaning_log\""));
  /* round is a number in column O */
  assert_non_null(strstr(b.p, "<c r=\"O2\"><v>2</v></c>"));
  assert_non_null(strstr(b.p, "<dimension ref=\"A1:Q3\"/>"));
  mtm_buf_free(&b);

  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_export_xlsx(st, 0, -1, "/nonexistent/dir/x.xlsx", &e), MTM_EIO);
  mtm_arena_free(&a);
  mtm_store_close(st);
  if (!getenv("KEEP")) unlink(xl);
  unlink(path);
}

static void store_criteria_and_find(void **state) {
  (void)state;
  const char *path = "build/test_cleanlog2.db";
  mtm_store *st = workspace(path);
  mtm_err e;
  mtm_err_clear(&e);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_store_formref f;
  assert_int_equal(mtm_store_form_find(st, "hh", &a, &f, &e), 0);
  assert_int_equal(f.id, 7);
  assert_string_equal(f.kind, "survey");
  assert_int_equal(mtm_store_form_find(st, "nope", &a, &f, &e), MTM_ENOTFOUND);
  assert_string_equal(e.msg, "there is no form 'nope' in the workspace");
  long id;
  assert_int_equal(mtm_store_criterion_add(st, 7, "${age} >= 18", "adults", &id, &e), 0);
  assert_int_equal(mtm_store_criterion_add(st, 7, "${nationality} != 'KAZ'", NULL, &id, &e), 0);
  mtm_store_criterion *c;
  int n;
  assert_int_equal(mtm_store_criteria(st, 0, &a, &c, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(c[0].expr, "${age} >= 18");
  assert_string_equal(c[0].label, "adults");
  assert_null(c[1].label);
  assert_string_equal(c[1].form_id, "hh");
  mtm_submission *s;
  assert_int_equal(mtm_store_submissions_by_uuid(st, "u-2", 0, -1, &a, &s, &n, &e), 0);
  assert_int_equal(n, 1);
  assert_int_equal(s[0].id, 4);
  assert_int_equal(s[0].round, 2);
  assert_string_equal(s[0].form_id, "hh");
  assert_int_equal(mtm_store_submissions_by_uuid(st, "u-2", 7, 1, &a, &s, &n, &e), 0);
  assert_int_equal(n, 0);
  assert_int_equal(mtm_store_check_round_known(st, 2, &e), 1);
  assert_int_equal(mtm_store_check_round_known(st, 3, &e), 0);
  char **v;
  assert_int_equal(mtm_store_check_versions(st, 7, 2, &a, &v, &n, &e), 0);
  assert_int_equal(n, 1);
  assert_string_equal(v[0], "");
  /* set data, remove: the walk then sees one submission with the new blob */
  assert_int_equal(mtm_store_clean_set_data(st, 3, "\x02x", 2, &e), 0);
  assert_int_equal(mtm_store_clean_remove(st, 4, &e), 0);
  assert_int_equal(mtm_store_submissions_by_uuid(st, "u-2", 0, -1, &a, &s, &n, &e), 0);
  assert_int_equal(s[0].removed, 1);
  mtm_arena_free(&a);
  mtm_store_close(st);
  unlink(path);
}

typedef struct {
  int n;
  long ids[4];
  char uuids[4][8];
} walk;

static int on_sub(void *ctx, const mtm_submission *s, mtm_err *err) {
  (void)err;
  walk *w = ctx;
  w->ids[w->n] = s->id;
  snprintf(w->uuids[w->n], sizeof w->uuids[0], "%s", s->uuid);
  w->n++;
  return 0;
}

static void store_walk_and_cell_issues(void **state) {
  (void)state;
  const char *path = "build/test_cleanlog3.db";
  mtm_store *st = workspace(path);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
                                "INSERT INTO submissions(id, form, round, uuid, raw, data, removed) "
                                "VALUES (5, 7, 2, 'u-3', x'', x'', 1), (6, 7, 1, 'u-4', x'', x'', 0);"
                                "INSERT INTO cell_issues VALUES (3, 'age', 'abc', 'type', "
                                "'''abc'' is not an integer'), (5, 'age', 'x', 'type', 'gone');",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  mtm_err e;
  mtm_err_clear(&e);
  walk w = {0};
  assert_int_equal(mtm_store_submissions_each(st, 7, 2, MTM_SUB_LIVE, on_sub, &w, &e), 0);
  assert_int_equal(w.n, 2); /* removed u-3 and round-1 u-4 are not walked */
  assert_int_equal(w.ids[0], 3);
  assert_string_equal(w.uuids[1], "u-2");
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_cell_issue *ci;
  int n;
  assert_int_equal(mtm_store_cell_issues(st, 7, 2, &a, &ci, &n, &e), 0);
  assert_int_equal(n, 1);
  assert_string_equal(ci[0].uuid, "u-1");
  assert_string_equal(ci[0].message, "'abc' is not an integer");
  mtm_arena_free(&a);
  mtm_store_close(st);
  unlink(path);
}

static void reads_the_real_reach_log(void **state) {
  (void)state;
  const char *shared = getenv("MTM_SHARED");
  assert_non_null(shared);
  char path[1024];
  snprintf(path, sizeof path, "%s/data/kobo_exports/reach_cleaningtools/cleaningtools_cleaning_log.csv",
           shared);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_clean_log log;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_read(path, &a, &log, &e), 0);
  assert_int_equal(log.reach, 1);
  assert_int_equal(log.n, 726);
  int change = 0, blank = 0, rem = 0, none = 0;
  for (int i = 0; i < log.n; i++) switch (log.rows[i].action) {
    case MTM_CLEAN_CHANGE: change++; break;
    case MTM_CLEAN_BLANK: blank++; break;
    case MTM_CLEAN_REMOVE: rem++; break;
    default: none++;
    }
  /* As R's table(change_type) says. */
  assert_int_equal(change, 48);
  assert_int_equal(blank, 3);
  assert_int_equal(rem, 55);
  assert_int_equal(none, 620);
  mtm_clean_row *r = &log.rows[0];
  assert_int_equal(r->row, 2);
  assert_string_equal(r->uuid, "1a80239e-a815-4fcd-8549-294fb190c27f");
  assert_string_equal(r->question, "air_coolers_nb");
  assert_string_equal(r->old_value, "24");
  assert_string_equal(r->new_value, "4");
  assert_string_equal(r->reported, "06/07/2021");
  assert_string_equal(r->response, "it should be 4");
  r = &log.rows[7];
  assert_string_equal(r->question, "water_sources.borehole");
  /* line 691 of the file (a quoted comment above spans two lines): an R NA old_value */
  r = &log.rows[688];
  assert_int_equal(r->row, 691);
  assert_string_equal(r->question, "tot_expenses");
  assert_int_equal(r->has_old, 0);
  assert_string_equal(r->new_value, "350000");
  mtm_err_clear(&e);
  assert_int_equal(mtm_clean_read("build/no-such-log.csv", &a, &log, &e) < 0, 1);
  mtm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reach_header_is_understood),
      cmocka_unit_test(header_without_question_is_refused),
      cmocka_unit_test(rows_and_actions),
      cmocka_unit_test(mtm_layout_infers_actions),
      cmocka_unit_test(store_and_export_csv),
      cmocka_unit_test(store_criteria_and_find),
      cmocka_unit_test(store_walk_and_cell_issues),
      cmocka_unit_test(reads_the_real_reach_log),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
