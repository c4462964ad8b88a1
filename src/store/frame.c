/* The frame cache: encoded columns of a form's clean data per round. */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mtm_store_frame_cache_get(mtm_store *st, int64_t form, int round, const char *question,
                              const char *version_set, mtm_arena *a, void **blob, size_t *n,
                              long *nrows, int *found, mtm_err *err) {
  /* Reads the blob straight into the arena through incremental I/O, so
   * that a large column is copied once. */
  *blob = NULL;
  *n = 0;
  *nrows = 0;
  *found = 0;
  sqlite3_stmt *s = mtm_store__stmt(st,
                                    "SELECT id, version_set, nrows, length(blob) FROM frame_cache "
                                    "WHERE form = ?1 AND round = ?2 AND question = ?3",
                                    err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  mtm_store__bind_text(s, 3, question);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return 0;
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading cached columns");
  const char *vs = (const char *)sqlite3_column_text(s, 1);
  if (!vs || strcmp(vs, version_set) != 0) {
    sqlite3_reset(s);
    return 0;
  }
  sqlite3_int64 id = sqlite3_column_int64(s, 0);
  *nrows = (long)sqlite3_column_int64(s, 2);
  int len = sqlite3_column_int(s, 3);
  sqlite3_reset(s);
  sqlite3_blob *b;
  if (sqlite3_blob_open(mtm_store__db(st), "main", "frame_cache", "blob", id, 0, &b) != SQLITE_OK)
    return mtm_store__fail(st, err, "opening a cached column");
  void *p = mtm_arena_alloc(a, (size_t)len + 8);
  rc = sqlite3_blob_read(b, p, len, 0);
  sqlite3_blob_close(b);
  if (rc != SQLITE_OK) return mtm_store__fail(st, err, "reading a cached column");
  *blob = p;
  *n = (size_t)len;
  *found = 1;
  return 0;
}

int mtm_store_frame_cache_put(mtm_store *st, int64_t form, int round, const char *question,
                              const char *version_set, long nrows, const void *blob, size_t n,
                              mtm_err *err) {
  /* Replaces the row of the question with a zeroed blob, then writes the
   * bytes with incremental blob I/O straight into its pages (binding them
   * would build the record in memory first: a second copy of up to tens of
   * megabytes). The insert guard of the transaction is reset so that a
   * later insert drops the new columns again. */
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT OR REPLACE INTO frame_cache(form, round, question, version_set, nrows, blob) "
      "VALUES (?1, ?2, ?3, ?4, ?5, zeroblob(?6))",
      err);
  if (!s) return MTM_ESTORE;
  if (n > 0x7fffffff) return mtm_err_set(err, MTM_ESTORE, "a cached column is over 2 GB");
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  mtm_store__bind_text(s, 3, question);
  mtm_store__bind_text(s, 4, version_set);
  sqlite3_bind_int64(s, 5, nrows);
  sqlite3_bind_int64(s, 6, (sqlite3_int64)n);
  int rc = sqlite3_step(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "storing a cached column");
  sqlite3_int64 id = sqlite3_last_insert_rowid(mtm_store__db(st));
  sqlite3_blob *b;
  if (sqlite3_blob_open(mtm_store__db(st), "main", "frame_cache", "blob", id, 1, &b) != SQLITE_OK)
    return mtm_store__fail(st, err, "opening a cached column");
  rc = n ? sqlite3_blob_write(b, blob, (int)n, 0) : SQLITE_OK;
  sqlite3_blob_close(b);
  if (rc != SQLITE_OK) return mtm_store__fail(st, err, "storing a cached column");
  mtm_store__frame_forget(st);
  return 0;
}

int mtm_store_frame_cache_clear(mtm_store *st, int64_t form, int round, mtm_err *err) {
  /* Drops the columns whatever the transaction already dropped. */
  mtm_store__frame_forget(st);
  return mtm_store__frame_touch(st, form, round, err);
}

int mtm_store_frame_cache_count(mtm_store *st, int64_t form, int round, long *n, mtm_err *err) {
  /* Counts the cached rows of form and round. */
  sqlite3_stmt *s = mtm_store__stmt(
      st, "SELECT count(*) FROM frame_cache WHERE form = ?1 AND round = ?2", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  if (sqlite3_step(s) != SQLITE_ROW) return mtm_store__fail(st, err, "counting cached columns");
  *n = (long)sqlite3_column_int64(s, 0);
  return 0;
}

int mtm_store_frame_dirty_list(mtm_store *st, int64_t form, int round, mtm_arena *a,
                               int64_t **ids, long *n, mtm_err *err) {
  /* Collects the ids in a growing array, then copies them into the arena. */
  *ids = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT submission FROM frame_dirty WHERE form = ?1 AND round = ?2 ORDER BY submission",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  long cap = 0, k = 0;
  int64_t *v = NULL;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) {
      cap = cap ? cap * 2 : 64;
      v = mtm_xrealloc(v, sizeof *v * (size_t)cap);
    }
    v[k++] = sqlite3_column_int64(s, 0);
  }
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) {
    free(v);
    return mtm_store__fail(st, err, "reading the changed rows of cached columns");
  }
  if (k) {
    *ids = mtm_arena_alloc(a, sizeof *v * (size_t)k);
    memcpy(*ids, v, sizeof *v * (size_t)k);
  }
  free(v);
  *n = k;
  return 0;
}

void mtm_store_frame_bulk_cache(mtm_store *st, int cache_mb) {
  /* The page cache of a bulk import, lowered while its frame is built. */
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", cache_mb * 1024);
  sqlite3_exec(mtm_store__db(st), sql, NULL, NULL, NULL);
}
