/* The store functions of check and clean: reading submissions of a form
 * and round, ingest's cell issues, inclusion criteria, and the cleaning
 * log with the changes it makes to clean values. */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <string.h>

/* Copies a blob column into the arena (an empty blob for NULL). */
static const void *col_blob(sqlite3_stmt *s, int i, mtm_arena *a, size_t *n) {
  const void *p = sqlite3_column_blob(s, i);
  *n = (size_t)sqlite3_column_bytes(s, i);
  void *r = mtm_arena_alloc(a, *n ? *n : 1);
  if (*n) memcpy(r, p, *n);
  return r;
}

/* Grows an arena array of elements of size sz from cap to twice cap. */
static void *grow(mtm_arena *a, void *old, int n, int *cap, size_t sz) {
  int nc = *cap ? *cap * 2 : 16;
  void *g = mtm_arena_zalloc(a, sz * (size_t)nc);
  if (n) memcpy(g, old, sz * (size_t)n);
  *cap = nc;
  return g;
}

int mtm_store_check_form(mtm_store *st, const char *form_id, mtm_arena *a,
                         mtm_store_formref *out, mtm_err *err) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *s =
      mtm_store__stmt(st, "SELECT id, form_id, kind FROM forms WHERE form_id = ?1", err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, form_id);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE)
    return mtm_err_set(err, MTM_ENOTFOUND, "there is no form '%s' in the workspace", form_id);
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading a form");
  out->id = sqlite3_column_int64(s, 0);
  out->form_id = mtm_store__col_text(s, 1, a);
  out->kind = mtm_store__col_text(s, 2, a);
  return 0;
}

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
    if (k == cap) v = grow(a, v, k, &cap, sizeof *v);
    v[k++] = mtm_store__col_text(s, 0, a);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "listing the versions of submissions");
  *out = v;
  *n = k;
  return 0;
}

int mtm_store_check_each(mtm_store *st, long form, int round, mtm_store_sub_fn fn, void *ctx,
                         mtm_err *err) {
  /* A statement of its own (not the cache): fn may call the store. */
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(mtm_store__db(st),
                         "SELECT id, import, row, uuid, coalesce(version, ''), data "
                         "FROM submissions WHERE form = ?1 AND round = ?2 AND removed = 0 "
                         "ORDER BY id",
                         -1, &s, NULL) != SQLITE_OK)
    return mtm_store__fail(st, err, "reading submissions");
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  int rc, ret = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    mtm_store_sub sub = {0};
    sub.id = sqlite3_column_int64(s, 0);
    sub.import = sqlite3_column_int64(s, 1);
    sub.row = sqlite3_column_int64(s, 2);
    sub.uuid = (const char *)sqlite3_column_text(s, 3);
    sub.version = (const char *)sqlite3_column_text(s, 4);
    sub.data = sqlite3_column_blob(s, 5);
    sub.ndata = (size_t)sqlite3_column_bytes(s, 5);
    sub.form = form;
    sub.round = round;
    if ((ret = fn(ctx, &sub, err)) != 0) break;
  }
  if (!ret && rc != SQLITE_DONE) ret = mtm_store__fail(st, err, "reading submissions");
  sqlite3_finalize(s);
  return ret;
}

int mtm_store_check_issues(mtm_store *st, long form, int round, mtm_arena *a,
                          mtm_store_cell_issue **out, int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT c.submission, s.uuid, c.question, c.value, c.rule, c.message "
      "FROM cell_issues c JOIN submissions s ON s.id = c.submission "
      "WHERE s.form = ?1 AND s.round = ?2 AND s.removed = 0 ORDER BY c.rowid",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  int cap = 0, k = 0, rc;
  mtm_store_cell_issue *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = grow(a, r, k, &cap, sizeof *r);
    r[k].submission = sqlite3_column_int64(s, 0);
    r[k].uuid = mtm_store__col_text(s, 1, a);
    r[k].question = mtm_store__col_text(s, 2, a);
    r[k].value = mtm_store__col_text(s, 3, a);
    r[k].rule = mtm_store__col_text(s, 4, a);
    r[k].message = mtm_store__col_text(s, 5, a);
    k++;
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading cell issues");
  *out = r;
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
    if (k == cap) r = grow(a, r, k, &cap, sizeof *r);
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

int mtm_store_clean_find(mtm_store *st, const char *uuid, long form, int round, mtm_arena *a,
                         mtm_store_sub **out, int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT s.id, s.import, s.row, s.form, s.round, s.removed, s.uuid, "
      "coalesce(s.version, ''), f.form_id, s.data, s.raw "
      "FROM submissions s JOIN forms f ON f.id = s.form "
      "WHERE s.uuid = ?1 AND (?2 = 0 OR s.form = ?2) AND (?3 < 0 OR s.round = ?3) "
      "ORDER BY s.id",
      err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, uuid);
  sqlite3_bind_int64(s, 2, form);
  sqlite3_bind_int(s, 3, round);
  int cap = 0, k = 0, rc;
  mtm_store_sub *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = grow(a, r, k, &cap, sizeof *r);
    r[k].id = sqlite3_column_int64(s, 0);
    r[k].import = sqlite3_column_int64(s, 1);
    r[k].row = sqlite3_column_int64(s, 2);
    r[k].form = sqlite3_column_int64(s, 3);
    r[k].round = sqlite3_column_int(s, 4);
    r[k].removed = sqlite3_column_int(s, 5);
    r[k].uuid = mtm_store__col_text(s, 6, a);
    r[k].version = mtm_store__col_text(s, 7, a);
    r[k].form_id = mtm_store__col_text(s, 8, a);
    r[k].data = col_blob(s, 9, a, &r[k].ndata);
    r[k].raw = col_blob(s, 10, a, &r[k].nraw);
    k++;
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "finding a submission");
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

int mtm_store_clean_remove(mtm_store *st, long submission, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(st, "UPDATE submissions SET removed = 1 WHERE id = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, submission);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "removing a submission");
  return 0;
}

int mtm_store_clean_import(mtm_store *st, long import, mtm_arena *a, char **headers,
                           char **mapping, char **file_name, mtm_err *err) {
  *headers = *mapping = *file_name = NULL;
  sqlite3_stmt *s = mtm_store__stmt(
      st, "SELECT headers, mapping, file_name FROM imports WHERE id = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, import);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE)
    return mtm_err_set(err, MTM_ENOTFOUND, "import %ld is not in the workspace", import);
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading an import");
  *headers = mtm_store__col_text(s, 0, a);
  *mapping = mtm_store__col_text(s, 1, a);
  *file_name = mtm_store__col_text(s, 2, a);
  return 0;
}

int mtm_store_clean_version_fields(mtm_store *st, long form, const char *version,
                                   mtm_arena *a, char **fields, mtm_err *err) {
  *fields = NULL;
  sqlite3_stmt *s = mtm_store__stmt(
      st, "SELECT fields FROM form_versions WHERE form = ?1 AND version = ?2", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  mtm_store__bind_text(s, 2, version ? version : "");
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE)
    return mtm_err_set(err, MTM_ENOTFOUND, "version '%s' of the form is not in the workspace",
                       version ? version : "");
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading a form version");
  *fields = mtm_store__col_text(s, 0, a);
  return 0;
}

int mtm_store_clean_log_add(mtm_store *st, const mtm_clean_entry *e, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO clean_log(submission, form, round, uuid, question, old_value, new_value, "
      "action, issue, reason, who, at, source, reported, enumerator, comment, response) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
      "coalesce(?12, strftime('%Y-%m-%dT%H:%M:%SZ','now')), ?13, ?14, ?15, ?16, ?17)",
      err);
  if (!s) return MTM_ESTORE;
  if (e->submission) sqlite3_bind_int64(s, 1, e->submission);
  if (e->form) sqlite3_bind_int64(s, 2, e->form);
  sqlite3_bind_int(s, 3, e->round);
  const char *t[] = {e->uuid,   e->question, e->old_value, e->new_value, e->action,
                     e->issue,  e->reason,   e->who,       e->at,        e->source,
                     e->reported, e->enumerator, e->comment, e->response};
  for (int i = 0; i < 14; i++) mtm_store__bind_text(s, 4 + i, t[i]);
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
      "l.reported, l.enumerator, l.comment, l.response "
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
    if (k == cap) r = grow(a, r, k, &cap, sizeof *r);
    mtm_clean_entry *e = &r[k++];
    e->id = sqlite3_column_int64(s, 0);
    e->submission = sqlite3_column_int64(s, 1);
    e->form = sqlite3_column_int64(s, 2);
    e->round = sqlite3_column_int(s, 3);
    char **t[] = {&e->form_id, &e->uuid,   &e->question, &e->old_value, &e->new_value,
                  &e->action,  &e->issue,  &e->reason,   &e->who,       &e->at,
                  &e->source,  &e->reported, &e->enumerator, &e->comment, &e->response};
    for (int i = 0; i < 15; i++) *t[i] = mtm_store__col_text(s, 4 + i, a);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading the cleaning log");
  *out = r;
  *n = k;
  return 0;
}
