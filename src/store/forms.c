/* Forms and their versions: the source file kept byte for byte, its
 * sha256 and the names of its fields. */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <sodium.h>
#include <string.h>

/* The sha256 of bytes as 64 hex digits in out. */
static int sha256_hex(const void *bytes, size_t len, char out[65], mtm_err *err) {
  if (sodium_init() < 0) return mtm_err_set(err, MTM_ESTORE, "libsodium cannot start");
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, bytes, len);
  sodium_bin2hex(out, 65, h, sizeof h);
  return 0;
}

/* The row id and kind of a form; 0 when unknown. */
static int form_row(mtm_store *st, const char *form_id, long long *id, char kind[32],
                    mtm_err *err) {
  *id = 0;
  sqlite3_stmt *s = mtm_store__stmt(st, "SELECT id, kind FROM forms WHERE form_id = ?1", err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, form_id);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(s, 0);
    snprintf(kind, 32, "%s", (const char *)sqlite3_column_text(s, 1));
  } else if (rc != SQLITE_DONE)
    return mtm_store__fail(st, err, "reading a form");
  return 0;
}

int mtm_store_form_add(mtm_store *st, const char *form_id, const char *kind, const char *title,
                       const char *version, const char *file_name, const char *format,
                       const void *bytes, size_t len, const char *fields_json, int *what,
                       mtm_err *err) {
  *what = 0;
  char sha[65];
  if (sha256_hex(bytes, len, sha, err)) return MTM_ESTORE;
  if (mtm_store_begin(st, err)) return MTM_ESTORE;
  long long id;
  char old_kind[32] = "";
  int rc = form_row(st, form_id, &id, old_kind, err);
  if (rc) goto fail;
  if (id && kind && strcmp(kind, old_kind) != 0) {
    rc = mtm_err_set(err, MTM_EINVAL,
                     "form %s is already in the workspace as a %s form: it cannot become a %s "
                     "form",
                     form_id, old_kind, kind);
    goto fail;
  }
  if (id) {
    sqlite3_stmt *s = mtm_store__stmt(
        st, "SELECT sha256 FROM form_versions WHERE form = ?1 AND version = ?2", err);
    if (!s) goto store_fail;
    sqlite3_bind_int64(s, 1, id);
    mtm_store__bind_text(s, 2, version);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
      const char *old = (const char *)sqlite3_column_text(s, 0);
      if (old && strcmp(old, sha) == 0) {
        *what = MTM_FORM_SAME;
        return mtm_store_commit(st, err);
      }
      if (version[0])
        rc = mtm_err_set(err, MTM_EINVAL,
                         "version %s of form %s is already in the workspace with different "
                         "content: give the new form a new version in its settings sheet",
                         version, form_id);
      else
        rc = mtm_err_set(err, MTM_EINVAL,
                         "form %s, which has no version, is already in the workspace with "
                         "different content: give the new form a version in its settings sheet",
                         form_id);
      goto fail;
    }
    if (r != SQLITE_DONE) goto store_fail;
    s = mtm_store__stmt(st, "UPDATE forms SET title = ?2 WHERE id = ?1", err);
    if (!s) goto store_fail;
    sqlite3_bind_int64(s, 1, id);
    mtm_store__bind_text(s, 2, title);
    if (sqlite3_step(s) != SQLITE_DONE) goto store_fail;
  } else {
    sqlite3_stmt *s =
        mtm_store__stmt(st, "INSERT INTO forms(form_id, kind, title) VALUES (?1, ?2, ?3)", err);
    if (!s) goto store_fail;
    mtm_store__bind_text(s, 1, form_id);
    mtm_store__bind_text(s, 2, kind ? kind : "survey");
    mtm_store__bind_text(s, 3, title);
    if (sqlite3_step(s) != SQLITE_DONE) goto store_fail;
    id = sqlite3_last_insert_rowid(mtm_store__db(st));
  }
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO form_versions(form, version, file_name, file_format, source, sha256, fields, "
      "added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
      err);
  if (!s) goto store_fail;
  sqlite3_bind_int64(s, 1, id);
  mtm_store__bind_text(s, 2, version);
  mtm_store__bind_text(s, 3, file_name);
  mtm_store__bind_text(s, 4, format);
  sqlite3_bind_blob64(s, 5, len ? bytes : "", (sqlite3_uint64)len, SQLITE_TRANSIENT);
  mtm_store__bind_text(s, 6, sha);
  mtm_store__bind_text(s, 7, fields_json);
  if (sqlite3_step(s) != SQLITE_DONE) goto store_fail;
  if (mtm_store_commit(st, err)) return MTM_ESTORE;
  *what = MTM_FORM_ADDED;
  return 0;
store_fail:
  rc = mtm_store__fail(st, err, "saving a form");
fail:
  mtm_store_rollback(st);
  return rc;
}

int mtm_store_form_versions(mtm_store *st, const char *form_id, mtm_arena *a,
                            mtm_form_version **out, int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT f.form_id, f.kind, f.title, v.version, v.file_name, v.file_format, v.sha256, "
      "v.added_at, v.fields, length(v.source) FROM form_versions v JOIN forms f ON f.id = v.form "
      "WHERE ?1 IS NULL OR f.form_id = ?1 ORDER BY f.form_id, v.id",
      err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, form_id);
  int cap = 0, k = 0, rc;
  mtm_form_version *v = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) v = mtm_store__grow(a, v, k, &cap, sizeof *v);
    mtm_form_version *x = &v[k++];
    x->form_id = mtm_store__col_text(s, 0, a);
    x->kind = mtm_store__col_text(s, 1, a);
    x->title = mtm_store__col_text(s, 2, a);
    x->version = mtm_store__col_text(s, 3, a);
    x->file_name = mtm_store__col_text(s, 4, a);
    x->format = mtm_store__col_text(s, 5, a);
    x->sha256 = mtm_store__col_text(s, 6, a);
    x->added_at = mtm_store__col_text(s, 7, a);
    x->fields = mtm_store__col_text(s, 8, a);
    x->size = (long)sqlite3_column_int64(s, 9);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "listing forms");
  *out = v;
  *n = k;
  return 0;
}

int mtm_store_form_source(mtm_store *st, const char *form_id, const char *version, mtm_arena *a,
                          void **bytes, size_t *len, char **file_name, char **version_out,
                          mtm_err *err) {
  *bytes = NULL;
  *len = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT v.source, v.file_name, v.version FROM form_versions v JOIN forms f ON f.id = v.form "
      "WHERE f.form_id = ?1 AND (?2 IS NULL OR v.version = ?2) ORDER BY v.id DESC LIMIT 1",
      err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, form_id);
  mtm_store__bind_text(s, 2, version);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) {
    long long id;
    char kind[32];
    if (form_row(st, form_id, &id, kind, err)) return MTM_ESTORE;
    if (!id)
      return mtm_err_set(err, MTM_ENOTFOUND,
                         "there is no form %s in the workspace: add it with 'mtm form add'",
                         form_id);
    return mtm_err_set(err, MTM_ENOTFOUND, "form %s has no version %s in the workspace", form_id,
                       version ? version : "");
  }
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading a form");
  *bytes = mtm_store__col_blob(s, 0, a, len);
  if (file_name) *file_name = mtm_store__col_text(s, 1, a);
  if (version_out) *version_out = mtm_store__col_text(s, 2, a);
  return 0;
}

int mtm_store_form_find(mtm_store *st, const char *form_id, mtm_arena *a,
                        mtm_store_formref *out, mtm_err *err) {
  memset(out, 0, sizeof *out);
  long long id;
  char k[32];
  if (form_row(st, form_id, &id, k, err)) return MTM_ESTORE;
  if (!id) return mtm_err_set(err, MTM_ENOTFOUND, "there is no form '%s' in the workspace", form_id);
  out->id = (long)id;
  out->form_id = mtm_arena_strdup(a, form_id);
  out->kind = mtm_arena_strdup(a, k);
  return 0;
}

int mtm_store_form_kind(mtm_store *st, const char *form_id, mtm_arena *a, char **kind,
                        mtm_err *err) {
  long long id;
  char k[32];
  if (form_row(st, form_id, &id, k, err)) return MTM_ESTORE;
  if (!id)
    return mtm_err_set(err, MTM_ENOTFOUND,
                       "there is no form %s in the workspace: add it with 'mtm form add'", form_id);
  *kind = mtm_arena_strdup(a, k);
  return 0;
}

/* The row id of version `version` of form_id; 0 when unknown. */
static int version_row(mtm_store *st, const char *form_id, const char *version, long long *id,
                       mtm_err *err) {
  *id = 0;
  sqlite3_stmt *s = mtm_store__stmt(st,
                                    "SELECT v.id FROM form_versions v JOIN forms f ON f.id = "
                                    "v.form WHERE f.form_id = ?1 AND v.version = ?2",
                                    err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, form_id);
  mtm_store__bind_text(s, 2, version);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW)
    *id = sqlite3_column_int64(s, 0);
  else if (rc != SQLITE_DONE)
    return mtm_store__fail(st, err, "reading a form version");
  return 0;
}

int mtm_store_form_set_extras(mtm_store *st, const char *form_id, const char *version,
                              int lenient, const mtm_store_file *files, int n, mtm_err *err) {
  long long id;
  if (version_row(st, form_id, version, &id, err)) return MTM_ESTORE;
  if (!id)
    return mtm_err_set(err, MTM_ENOTFOUND, "form %s has no version %s in the workspace", form_id,
                       version);
  sqlite3_stmt *s =
      mtm_store__stmt(st, "UPDATE form_versions SET lenient = ?2 WHERE id = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int(s, 2, lenient ? 1 : 0);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a form");
  for (int i = 0; i < n; i++) {
    s = mtm_store__stmt(
        st, "INSERT OR REPLACE INTO form_includes(version, name, source) VALUES (?1, ?2, ?3)",
        err);
    if (!s) return MTM_ESTORE;
    sqlite3_bind_int64(s, 1, id);
    mtm_store__bind_text(s, 2, files[i].name);
    sqlite3_bind_blob64(s, 3, files[i].len ? files[i].bytes : "", (sqlite3_uint64)files[i].len,
                        SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a form");
  }
  return 0;
}

int mtm_store_form_extras(mtm_store *st, const char *form_id, const char *version, mtm_arena *a,
                          int *lenient, mtm_store_file **files, int *n, mtm_err *err) {
  *lenient = 0;
  *files = NULL;
  *n = 0;
  long long id;
  if (version_row(st, form_id, version, &id, err)) return MTM_ESTORE;
  if (!id) return 0;
  sqlite3_stmt *s = mtm_store__stmt(st, "SELECT lenient FROM form_versions WHERE id = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, id);
  if (sqlite3_step(s) == SQLITE_ROW) *lenient = sqlite3_column_int(s, 0);
  s = mtm_store__stmt(st, "SELECT name, source FROM form_includes WHERE version = ?1 ORDER BY rowid",
                      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, id);
  int cap = 0, k = 0, rc;
  mtm_store_file *v = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) v = mtm_store__grow(a, v, k, &cap, sizeof *v);
    mtm_store_file *x = &v[k++];
    size_t len;
    x->name = mtm_store__col_text(s, 0, a);
    x->bytes = mtm_store__col_blob(s, 1, a, &len);
    x->len = len;
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading a form");
  *files = v;
  *n = k;
  return 0;
}
