/* Reading repeat instances for analysis: every instance of one repeat in a
 * form's round, and which repeats have instances. */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

int mtm_store_repeat_rows_each(mtm_store *st, int64_t form, int round, const char *repeat,
                               mtm_repeat_fn fn, void *ctx, mtm_err *err) {
  /* Not a cached statement: fn may call the store. The submissions of the
   * round come from their (form, round) index, their instances from
   * repeat_rows_sub. */
  sqlite3_stmt *q;
  const char *sql = "SELECT r.id, r.submission, s.version, r.position, r.data "
                    "FROM submissions s JOIN repeat_rows r ON r.submission = s.id "
                    "WHERE s.form = ?1 AND s.round = ?2 AND s.removed = 0 AND r.repeat = ?3 "
                    "ORDER BY s.id, r.position, r.id";
  if (sqlite3_prepare_v2(mtm_store__db(st), sql, -1, &q, NULL) != SQLITE_OK)
    return mtm_store__fail(st, err, "listing repeat instances");
  sqlite3_bind_int64(q, 1, form);
  sqlite3_bind_int(q, 2, round);
  sqlite3_bind_text(q, 3, repeat, -1, SQLITE_STATIC);
  int rc, r = 0;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    mtm_repeat_inst x;
    x.id = sqlite3_column_int64(q, 0);
    x.submission = sqlite3_column_int64(q, 1);
    x.version = (const char *)sqlite3_column_text(q, 2);
    x.position = sqlite3_column_int(q, 3);
    x.data = sqlite3_column_blob(q, 4);
    x.data_n = (size_t)sqlite3_column_bytes(q, 4);
    if ((r = fn(ctx, &x, err)) != 0) break;
  }
  if (!r && rc != SQLITE_DONE) r = mtm_store__fail(st, err, "listing repeat instances");
  sqlite3_finalize(q);
  return r;
}

int mtm_store_repeat_counts(mtm_store *st, int64_t form, int round, mtm_arena *a, char ***names,
                            long **counts, int *n, mtm_err *err) {
  /* One pass over the round's instances, grouped by repeat name. */
  *names = NULL;
  *counts = NULL;
  *n = 0;
  sqlite3_stmt *q = mtm_store__stmt(
      st,
      "SELECT r.repeat, count(*) FROM submissions s JOIN repeat_rows r ON r.submission = s.id "
      "WHERE s.form = ?1 AND s.round = ?2 AND s.removed = 0 GROUP BY r.repeat ORDER BY r.repeat",
      err);
  if (!q) return MTM_ESTORE;
  sqlite3_bind_int64(q, 1, form);
  sqlite3_bind_int(q, 2, round);
  int cap = 0, capc = 0, k = 0, rc;
  char **nm = NULL;
  long *ct = NULL;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    if (k == cap) nm = mtm_store__grow(a, nm, k, &cap, sizeof *nm);
    if (k == capc) ct = mtm_store__grow(a, ct, k, &capc, sizeof *ct);
    nm[k] = mtm_store__col_text(q, 0, a);
    ct[k++] = (long)sqlite3_column_int64(q, 1);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "counting repeat instances");
  *names = nm;
  *counts = ct;
  *n = k;
  return 0;
}
