/* The store functions of check and clean: the round and versions a check
 * works on, inclusion criteria, and the cleaning log with the changes it
 * makes to clean values. Forms are found with mtm_store_form_find (forms.c),
 * submissions read with the readers of submissions.c. */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <string.h>

int mtm_store_check_round_known(mtm_store *st, int round, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT EXISTS(SELECT 1 FROM rounds WHERE number = ?1) OR "
      "EXISTS(SELECT 1 FROM submissions WHERE round = ?1)",
      err);
  if (!s) return 0;
  sqlite3_bind_int(s, 1, round);
  return sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
}

int mtm_store_check_versions(mtm_store *st, long form, int round, mtm_arena *a, char ***out,
                             int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT coalesce(version, '') AS v, min(id) FROM submissions "
      "WHERE form = ?1 AND round = ?2 AND removed = 0 GROUP BY v ORDER BY 2",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  int cap = 0, k = 0, rc;
  char **v = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) v = mtm_store__grow(a, v, k, &cap, sizeof *v);
    v[k++] = mtm_store__col_text(s, 0, a);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "listing the versions of submissions");
  *out = v;
  *n = k;
  return 0;
}

int mtm_store_criterion_add(mtm_store *st, long form, const char *expr, const char *label,
                            long *id, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st, "INSERT INTO inclusion_rules(form, expr, label) VALUES (?1, ?2, ?3)", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  mtm_store__bind_text(s, 2, expr);
  mtm_store__bind_text(s, 3, label);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a criterion");
  if (id) *id = (long)sqlite3_last_insert_rowid(mtm_store__db(st));
  return 0;
}

int mtm_store_criteria(mtm_store *st, long form, mtm_arena *a, mtm_store_criterion **out,
                       int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT r.id, f.form_id, r.expr, r.label FROM inclusion_rules r "
      "JOIN forms f ON f.id = r.form WHERE ?1 = 0 OR r.form = ?1 ORDER BY f.form_id, r.id",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  int cap = 0, k = 0, rc;
  mtm_store_criterion *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    r[k].id = sqlite3_column_int64(s, 0);
    r[k].form_id = mtm_store__col_text(s, 1, a);
    r[k].expr = mtm_store__col_text(s, 2, a);
    r[k].label = mtm_store__col_text(s, 3, a);
    k++;
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading criteria");
  *out = r;
  *n = k;
  return 0;
}

int mtm_store_consent_set(mtm_store *st, long form, const char *question, const char *value,
                          mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st, "INSERT OR REPLACE INTO consent_rules(form, question, value) VALUES (?1, ?2, ?3)", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  mtm_store__bind_text(s, 2, question);
  mtm_store__bind_text(s, 3, value);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving the consent question");
  return 0;
}

int mtm_store_consents(mtm_store *st, long form, mtm_arena *a, mtm_store_consent **out, int *n,
                       mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT f.form_id, r.question, r.value FROM consent_rules r "
      "JOIN forms f ON f.id = r.form WHERE ?1 = 0 OR r.form = ?1 ORDER BY f.form_id",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  int cap = 0, k = 0, rc;
  mtm_store_consent *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    r[k].form_id = mtm_store__col_text(s, 0, a);
    r[k].question = mtm_store__col_text(s, 1, a);
    r[k].value = mtm_store__col_text(s, 2, a);
    k++;
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading the consent questions");
  *out = r;
  *n = k;
  return 0;
}

int mtm_store_clean_set_data(mtm_store *st, long submission, const void *data, size_t n,
                             mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(st, "UPDATE submissions SET data = ?2 WHERE id = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, submission);
  sqlite3_bind_blob(s, 2, n ? data : "", (int)n, SQLITE_TRANSIENT);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "changing a value");
  return 0;
}

/* Rewrites the data blob of one repeat row. */
int mtm_store_clean_set_repeat_data(mtm_store *st, int64_t repeat_row, const void *data,
                                    size_t n, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(st, "UPDATE repeat_rows SET data = ?2 WHERE id = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, repeat_row);
  sqlite3_bind_blob(s, 2, n ? data : "", (int)n, SQLITE_TRANSIENT);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "changing a repeat value");
  if (sqlite3_changes(mtm_store__db(st)) != 1)
    return mtm_err_set(err, MTM_ESTORE, "workspace %s: repeat row %lld does not exist",
                       mtm_store_path(st), (long long)repeat_row);
  return 0;
}

int mtm_store_clean_remove(mtm_store *st, long submission, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(st, "UPDATE submissions SET removed = 1 WHERE id = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, submission);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "removing a submission");
  return 0;
}

int mtm_store_clean_log_add(mtm_store *st, const mtm_clean_entry *e, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO clean_log(submission, form, round, uuid, question, old_value, new_value, "
      "action, issue, reason, who, at, source, reported, enumerator, comment, response, "
      "instance) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
      "coalesce(?12, strftime('%Y-%m-%dT%H:%M:%SZ','now')), ?13, ?14, ?15, ?16, ?17, ?18)",
      err);
  if (!s) return MTM_ESTORE;
  if (e->submission) sqlite3_bind_int64(s, 1, e->submission);
  if (e->form) sqlite3_bind_int64(s, 2, e->form);
  sqlite3_bind_int(s, 3, e->round);
  const char *t[] = {e->uuid,   e->question, e->old_value, e->new_value, e->action,
                     e->issue,  e->reason,   e->who,       e->at,        e->source,
                     e->reported, e->enumerator, e->comment, e->response};
  for (int i = 0; i < 14; i++) mtm_store__bind_text(s, 4 + i, t[i]);
  if (e->instance > 0) sqlite3_bind_int(s, 18, e->instance);
  if (sqlite3_step(s) != SQLITE_DONE)
    return mtm_store__fail(st, err, "writing to the cleaning log");
  return 0;
}

int mtm_store_clean_log(mtm_store *st, long form, int round, long submission, mtm_arena *a,
                        mtm_clean_entry **out, int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT l.id, l.submission, l.form, l.round, f.form_id, l.uuid, l.question, "
      "l.old_value, l.new_value, l.action, l.issue, l.reason, l.who, l.at, l.source, "
      "l.reported, l.enumerator, l.comment, l.response, l.instance "
      "FROM clean_log l LEFT JOIN forms f ON f.id = l.form "
      "WHERE (?1 = 0 OR l.form = ?1) AND (?2 < 0 OR l.round = ?2) "
      "AND (?3 = 0 OR l.submission = ?3) ORDER BY l.id",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  sqlite3_bind_int64(s, 3, submission);
  int cap = 0, k = 0, rc;
  mtm_clean_entry *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    mtm_clean_entry *e = &r[k++];
    e->id = sqlite3_column_int64(s, 0);
    e->submission = sqlite3_column_int64(s, 1);
    e->form = sqlite3_column_int64(s, 2);
    e->round = sqlite3_column_int(s, 3);
    char **t[] = {&e->form_id, &e->uuid,   &e->question, &e->old_value, &e->new_value,
                  &e->action,  &e->issue,  &e->reason,   &e->who,       &e->at,
                  &e->source,  &e->reported, &e->enumerator, &e->comment, &e->response};
    for (int i = 0; i < 15; i++) *t[i] = mtm_store__col_text(s, 4 + i, a);
    e->instance = sqlite3_column_int(s, 19);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading the cleaning log");
  *out = r;
  *n = k;
  return 0;
}
