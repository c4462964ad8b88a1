/* Imports, submissions, repeat rows and the cell issues found at import. */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <stdio.h>
#include <string.h>

/* Binds a blob without copying (the caller's bytes outlive the step); never
 * NULL, so that an empty record is an empty blob. */
static void bind_blob(sqlite3_stmt *s, int i, const void *p, size_t n) {
  sqlite3_bind_blob64(s, i, n ? p : "", (sqlite3_uint64)n, SQLITE_STATIC);
}

static void bind_text_static(sqlite3_stmt *s, int i, const char *v) {
  if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
  else sqlite3_bind_null(s, i);
}

int mtm_store_import_add(mtm_store *st, const mtm_import_rec *r, int64_t *id, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO imports(form, round, file_name, file_format, checksum, headers, mapping, "
      "rows_read, added, changed, unchanged, at, who, id_source) VALUES (?1, ?2, ?3, ?4, ?5, "
      "?6, ?7, ?8, ?9, ?10, ?11, strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?12, ?13)",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, r->form);
  sqlite3_bind_int(s, 2, r->round);
  bind_text_static(s, 3, r->file_name);
  bind_text_static(s, 4, r->file_format);
  bind_text_static(s, 5, r->checksum);
  bind_text_static(s, 6, r->headers ? r->headers : "[]");
  bind_text_static(s, 7, r->mapping);
  sqlite3_bind_int64(s, 8, r->rows_read);
  sqlite3_bind_int64(s, 9, r->added);
  sqlite3_bind_int64(s, 10, r->changed);
  sqlite3_bind_int64(s, 11, r->unchanged);
  bind_text_static(s, 12, r->who);
  bind_text_static(s, 13, r->id_source);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "recording an import");
  *id = sqlite3_last_insert_rowid(mtm_store__db(st));
  return 0;
}

int mtm_store_import_finish(mtm_store *st, int64_t id, const char *checksum, long rows_read,
                            long added, long changed, long unchanged, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "UPDATE imports SET rows_read = ?2, added = ?3, changed = ?4, unchanged = ?5, "
      "checksum = ?6 WHERE id = ?1",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, id);
  bind_text_static(s, 6, checksum);
  sqlite3_bind_int64(s, 2, rows_read);
  sqlite3_bind_int64(s, 3, added);
  sqlite3_bind_int64(s, 4, changed);
  sqlite3_bind_int64(s, 5, unchanged);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "counting an import");
  return 0;
}

/* Resets every statement of the connection: one left on a row keeps a
 * read transaction open, and the journal mode cannot change under it. */
static void reset_all(mtm_store *st) {
  for (sqlite3_stmt *s = sqlite3_next_stmt(mtm_store__db(st), NULL); s;
       s = sqlite3_next_stmt(mtm_store__db(st), s))
    sqlite3_reset(s);
}

void mtm_store_bulk_begin(mtm_store *st, int cache_mb) {
  reset_all(st);
  char sql[96];
  snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", cache_mb * 1024);
  sqlite3_exec(mtm_store__db(st), sql, NULL, NULL, NULL);
  sqlite3_exec(mtm_store__db(st), "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
}

void mtm_store_bulk_end(mtm_store *st) {
  reset_all(st);
  sqlite3_exec(mtm_store__db(st), "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
  sqlite3_exec(mtm_store__db(st), "PRAGMA cache_size = -2000", NULL, NULL, NULL);
}

int mtm_store_submission_total(mtm_store *st, long *n, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(st, "SELECT count(*) FROM submissions", err);
  if (!s) return MTM_ESTORE;
  if (sqlite3_step(s) != SQLITE_ROW) return mtm_store__fail(st, err, "counting submissions");
  *n = (long)sqlite3_column_int64(s, 0);
  return 0;
}

static void reset_all(mtm_store *st);

static int exec_ddl(mtm_store *st, const char *sql, const char *what, mtm_err *err) {
  reset_all(st);
  if (sqlite3_exec(mtm_store__db(st), sql, NULL, NULL, NULL) != SQLITE_OK)
    return mtm_store__fail(st, err, what);
  return 0;
}

int mtm_store_submission_keys_drop(mtm_store *st, mtm_err *err) {
  return exec_ddl(st,
                  "DROP INDEX IF EXISTS submissions_key",
                  "dropping the submission keys", err);
}

int mtm_store_submission_keys_build(mtm_store *st, mtm_err *err) {
  reset_all(st);
  /* SQLite sorts the keys of a new index with helper threads when allowed:
   * the second core halves the longest serial step of a large import. */
  sqlite3_exec(mtm_store__db(st), "PRAGMA threads = 2", NULL, NULL, NULL);
  int rc = sqlite3_exec(mtm_store__db(st),
                        "CREATE UNIQUE INDEX IF NOT EXISTS submissions_key ON submissions(uuid, "
                        "form, round)",
                        NULL, NULL, NULL);
  sqlite3_exec(mtm_store__db(st), "PRAGMA threads = 0", NULL, NULL, NULL);
  if (rc == SQLITE_OK) return 0;
  /* Name one offending uuid. */
  sqlite3_stmt *q = mtm_store__stmt(
      st,
      "SELECT uuid FROM submissions GROUP BY form, round, uuid HAVING count(*) > 1 LIMIT 1", err);
  if (q && sqlite3_step(q) == SQLITE_ROW)
    return mtm_err_set(err, MTM_ESTORE, "workspace %s: uuid '%s' would be stored twice",
                       mtm_store_path(st), (const char *)sqlite3_column_text(q, 0));
  return mtm_store__fail(st, err, "building the submission keys");
}

int mtm_store_submission_next_id(mtm_store *st, int64_t *id, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(st, "SELECT coalesce(max(id), 0) + 1 FROM submissions", err);
  if (!s) return MTM_ESTORE;
  if (sqlite3_step(s) != SQLITE_ROW) return mtm_store__fail(st, err, "numbering submissions");
  *id = sqlite3_column_int64(s, 0);
  return 0;
}

int mtm_store_submission_add(mtm_store *st, const mtm_submission *x, int64_t *id, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO submissions(id, form, round, uuid, version, import, row, submitted_at, raw, "
      "data) VALUES (?10, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      err);
  if (!s) return MTM_ESTORE;
  if (x->id) sqlite3_bind_int64(s, 10, x->id);
  else sqlite3_bind_null(s, 10);
  sqlite3_bind_int64(s, 1, x->form);
  sqlite3_bind_int(s, 2, x->round);
  bind_text_static(s, 3, x->uuid);
  bind_text_static(s, 4, x->version);
  if (x->import) sqlite3_bind_int64(s, 5, x->import);
  else sqlite3_bind_null(s, 5);
  sqlite3_bind_int64(s, 6, x->row);
  bind_text_static(s, 7, x->submitted_at);
  bind_blob(s, 8, x->raw, x->raw_n);
  bind_blob(s, 9, x->data, x->data_n);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "storing a submission");
  *id = sqlite3_last_insert_rowid(mtm_store__db(st));
  return mtm_store__frame_touch(st, x->form, x->round, err);
}

int mtm_store_repeat_row_add(mtm_store *st, int64_t submission, const char *repeat, int position,
                             const void *raw, size_t raw_n, const void *data, size_t data_n,
                             mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO repeat_rows(submission, repeat, position, raw, data) "
      "VALUES (?1, ?2, ?3, ?4, ?5)",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, submission);
  bind_text_static(s, 2, repeat);
  sqlite3_bind_int(s, 3, position);
  if (raw) bind_blob(s, 4, raw, raw_n);
  else sqlite3_bind_null(s, 4);
  bind_blob(s, 5, data, data_n);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "storing a repeat row");
  return 0;
}

int mtm_store_cell_issue_add(mtm_store *st, int64_t submission, const char *question,
                             const char *value, const char *rule, const char *message,
                             mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO cell_issues(submission, question, value, rule, message) "
      "VALUES (?1, ?2, ?3, ?4, ?5)",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, submission);
  bind_text_static(s, 2, question ? question : "");
  bind_text_static(s, 3, value);
  bind_text_static(s, 4, rule);
  bind_text_static(s, 5, message ? message : "");
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "storing a cell issue");
  return 0;
}

/* The columns every submission reader selects, in the order read_submission
 * reads them; raw last, so that a walk without raw leaves it out. */
#define SUB_COLS                                                                                \
  "s.id, s.form, s.round, s.uuid, s.version, s.import, s.row, s.submitted_at, s.removed, "     \
  "f.form_id, s.data"
#define SUB_FROM " FROM submissions s JOIN forms f ON f.id = s.form "

/* Fills s from a row of SUB_COLS, then raw when with_raw. The pointers are
 * the statement's: valid until its next step. */
static void read_submission(sqlite3_stmt *q, mtm_submission *s, int with_raw) {
  memset(s, 0, sizeof *s);
  s->id = sqlite3_column_int64(q, 0);
  s->form = sqlite3_column_int64(q, 1);
  s->round = sqlite3_column_int(q, 2);
  s->uuid = (const char *)sqlite3_column_text(q, 3);
  s->version = (const char *)sqlite3_column_text(q, 4);
  s->import = sqlite3_column_int64(q, 5);
  s->row = (long)sqlite3_column_int64(q, 6);
  s->submitted_at = (const char *)sqlite3_column_text(q, 7);
  s->removed = sqlite3_column_int(q, 8);
  s->form_id = (const char *)sqlite3_column_text(q, 9);
  s->data = sqlite3_column_blob(q, 10);
  s->data_n = (size_t)sqlite3_column_bytes(q, 10);
  if (with_raw) {
    s->raw = sqlite3_column_blob(q, 11);
    s->raw_n = (size_t)sqlite3_column_bytes(q, 11);
  }
}

static const void *copy_blob(mtm_arena *a, const void *p, size_t n) {
  void *r = mtm_arena_alloc(a, n ? n : 1);
  if (n) memcpy(r, p, n);
  return r;
}

/* Copies the strings and blobs of s into arena a. */
static void keep_submission(mtm_submission *s, mtm_arena *a) {
  s->uuid = mtm_arena_strdup(a, s->uuid);
  s->version = mtm_arena_strdup(a, s->version);
  s->submitted_at = mtm_arena_strdup(a, s->submitted_at);
  s->form_id = mtm_arena_strdup(a, s->form_id);
  s->data = copy_blob(a, s->data, s->data_n);
  s->raw = copy_blob(a, s->raw, s->raw_n);
}

int mtm_store_submission_version(const mtm_submission *s, char *const *versions, int n) {
  int vi = 0;
  for (int i = 0; i < n; i++)
    if (strcmp(versions[i], s->version ? s->version : "") == 0) vi = i;
  return vi;
}

int mtm_store_submission_values(const mtm_submission *s, mtm_arena *a, char ***values,
                                mtm_err *err) {
  int n = mtm_record_decode(s->data, s->data_n, a, values);
  if (n < 0) return mtm_err_set(err, MTM_ESTORE, "the values of submission %s are damaged", s->uuid);
  return n;
}

int mtm_store_submissions_each(mtm_store *st, int64_t form, int round, int flags,
                               mtm_submission_fn fn, void *ctx, mtm_err *err) {
  /* Not a cached statement: fn may call the store, even recursively. */
  sqlite3_stmt *q;
  int with_raw = (flags & MTM_SUB_RAW) != 0;
  const char *sql =
      with_raw ? "SELECT " SUB_COLS ", s.raw" SUB_FROM
                 "WHERE s.form = ?1 AND s.round = ?2 AND (?3 = 0 OR s.removed = 0) ORDER BY s.id"
               : "SELECT " SUB_COLS SUB_FROM
                 "WHERE s.form = ?1 AND s.round = ?2 AND (?3 = 0 OR s.removed = 0) ORDER BY s.id";
  if (sqlite3_prepare_v2(mtm_store__db(st), sql, -1, &q, NULL) != SQLITE_OK)
    return mtm_store__fail(st, err, "listing submissions");
  sqlite3_bind_int64(q, 1, form);
  sqlite3_bind_int(q, 2, round);
  sqlite3_bind_int(q, 3, (flags & MTM_SUB_LIVE) != 0);
  int rc, r = 0;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    mtm_submission s;
    read_submission(q, &s, with_raw);
    if ((r = fn(ctx, &s, err)) != 0) break;
  }
  if (!r && rc != SQLITE_DONE) r = mtm_store__fail(st, err, "listing submissions");
  sqlite3_finalize(q);
  return r;
}

int mtm_store_submission_get(mtm_store *st, int64_t id, mtm_arena *a, mtm_submission *s,
                             mtm_err *err) {
  sqlite3_stmt *q =
      mtm_store__stmt(st, "SELECT " SUB_COLS ", s.raw" SUB_FROM "WHERE s.id = ?1", err);
  if (!q) return MTM_ESTORE;
  sqlite3_bind_int64(q, 1, id);
  int rc = sqlite3_step(q);
  if (rc == SQLITE_DONE)
    return mtm_err_set(err, MTM_ENOTFOUND, "submission %lld does not exist", (long long)id);
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading a submission");
  read_submission(q, s, 1);
  keep_submission(s, a);
  return 0;
}

int mtm_store_submissions_by_uuid(mtm_store *st, const char *uuid, int64_t form, int round,
                                  mtm_arena *a, mtm_submission **out, int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *q = mtm_store__stmt(
      st,
      "SELECT " SUB_COLS ", s.raw" SUB_FROM
      "WHERE s.uuid = ?1 AND (?2 = 0 OR s.form = ?2) AND (?3 < 0 OR s.round = ?3) ORDER BY s.id",
      err);
  if (!q) return MTM_ESTORE;
  mtm_store__bind_text(q, 1, uuid);
  sqlite3_bind_int64(q, 2, form);
  sqlite3_bind_int(q, 3, round);
  int cap = 0, k = 0, rc;
  mtm_submission *r = NULL;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    read_submission(q, &r[k], 1);
    keep_submission(&r[k++], a);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "finding a submission");
  *out = r;
  *n = k;
  return 0;
}

int mtm_store_import_mapping(mtm_store *st, int64_t import, mtm_arena *a, char **headers,
                             char **mapping, char **file_name, mtm_err *err) {
  *headers = *mapping = *file_name = NULL;
  sqlite3_stmt *s = mtm_store__stmt(
      st, "SELECT headers, mapping, file_name FROM imports WHERE id = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, import);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE)
    return mtm_err_set(err, MTM_ENOTFOUND, "import %lld is not in the workspace",
                       (long long)import);
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading an import");
  *headers = mtm_store__col_text(s, 0, a);
  *mapping = mtm_store__col_text(s, 1, a);
  *file_name = mtm_store__col_text(s, 2, a);
  return 0;
}

int mtm_store_repeat_rows(mtm_store *st, int64_t submission, mtm_arena *a, mtm_repeat_row **out,
                          int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *q = mtm_store__stmt(
      st,
      "SELECT id, repeat, position, raw, data FROM repeat_rows WHERE submission = ?1 "
      "ORDER BY repeat, position, id",
      err);
  if (!q) return MTM_ESTORE;
  sqlite3_bind_int64(q, 1, submission);
  int cap = 0, k = 0, rc;
  mtm_repeat_row *r = NULL;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    mtm_repeat_row *x = &r[k++];
    x->id = sqlite3_column_int64(q, 0);
    x->repeat = mtm_store__col_text(q, 1, a);
    x->position = sqlite3_column_int(q, 2);
    x->raw = mtm_store__col_blob(q, 3, a, &x->raw_n);
    x->data = mtm_store__col_blob(q, 4, a, &x->data_n);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading repeat rows");
  *out = r;
  *n = k;
  return 0;
}

int mtm_store_cell_issues(mtm_store *st, int64_t form, int round, mtm_arena *a,
                          mtm_cell_issue **out, int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *q = mtm_store__stmt(
      st,
      "SELECT c.submission, s.uuid, c.question, c.value, c.rule, c.message "
      "FROM cell_issues c JOIN submissions s ON s.id = c.submission "
      "WHERE s.form = ?1 AND s.round = ?2 AND s.removed = 0 ORDER BY c.rowid",
      err);
  if (!q) return MTM_ESTORE;
  sqlite3_bind_int64(q, 1, form);
  sqlite3_bind_int(q, 2, round);
  int cap = 0, k = 0, rc;
  mtm_cell_issue *r = NULL;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    mtm_cell_issue *x = &r[k++];
    x->submission = sqlite3_column_int64(q, 0);
    x->uuid = mtm_store__col_text(q, 1, a);
    x->question = mtm_store__col_text(q, 2, a);
    x->value = mtm_store__col_text(q, 3, a);
    x->rule = mtm_store__col_text(q, 4, a);
    x->message = mtm_store__col_text(q, 5, a);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading cell issues");
  *out = r;
  *n = k;
  return 0;
}

int mtm_store_imported_value(mtm_store *st, int64_t submission, const char *question,
                             mtm_arena *a, char **value, int *found, mtm_err *err) {
  *value = NULL;
  *found = 0;
  sqlite3_stmt *q = mtm_store__stmt(
      st,
      "SELECT old_value FROM clean_log WHERE submission = ?1 AND question = ?2 AND instance IS NULL "
      "ORDER BY id LIMIT 1",
      err);
  if (!q) return MTM_ESTORE;
  sqlite3_bind_int64(q, 1, submission);
  mtm_store__bind_text(q, 2, question);
  int rc = sqlite3_step(q);
  if (rc == SQLITE_ROW) {
    *found = 1;
    *value = mtm_store__col_text(q, 0, a);
    return 0;
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading the cleaning log");
  return 0;
}

int mtm_store_import_mappings(mtm_store *st, int64_t form, int round, mtm_arena *a, char ***out,
                              int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st, "SELECT mapping FROM imports WHERE form = ?1 AND round = ?2 ORDER BY id", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  int cap = 0, k = 0, rc;
  char **r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    r[k++] = mtm_store__col_text(s, 0, a);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "listing the imports");
  *out = r;
  *n = k;
  return 0;
}
