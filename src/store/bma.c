/* The store functions of bma: a baseline form's mapping and location
 * question, and the append-only log of phone verifications. */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <string.h>

/* Makes sure form has a settings row, so that its columns can be updated. */
static int settings_row(mtm_store *st, int64_t form, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st, "INSERT INTO bma_settings(form) VALUES (?1) ON CONFLICT(form) DO NOTHING", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a baseline setting");
  return 0;
}

int mtm_store_bma_mapping_set(mtm_store *st, int64_t form, const mtm_store_bma_row *rows, int n,
                              const char *file_name, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(st, "DELETE FROM bma_mappings WHERE form = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "replacing a mapping");
  for (int i = 0; i < n; i++) {
    s = mtm_store__stmt(st,
                        "INSERT INTO bma_mappings(form, position, field, population, period, "
                        "origin, sex) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        err);
    if (!s) return MTM_ESTORE;
    sqlite3_bind_int64(s, 1, form);
    sqlite3_bind_int(s, 2, i + 1);
    mtm_store__bind_text(s, 3, rows[i].field);
    mtm_store__bind_text(s, 4, rows[i].population);
    mtm_store__bind_text(s, 5, rows[i].period);
    mtm_store__bind_text(s, 6, rows[i].origin ? rows[i].origin : "");
    mtm_store__bind_text(s, 7, rows[i].sex ? rows[i].sex : "");
    if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a mapping");
  }
  if (settings_row(st, form, err)) return MTM_ESTORE;
  s = mtm_store__stmt(st,
                      "UPDATE bma_settings SET mapping_file = ?2, "
                      "mapping_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE form = ?1",
                      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  mtm_store__bind_text(s, 2, file_name);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a mapping");
  return 0;
}

int mtm_store_bma_location_set(mtm_store *st, int64_t form, const char *question,
                               mtm_err *err) {
  if (settings_row(st, form, err)) return MTM_ESTORE;
  sqlite3_stmt *s =
      mtm_store__stmt(st, "UPDATE bma_settings SET location = ?2 WHERE form = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  mtm_store__bind_text(s, 2, question);
  if (sqlite3_step(s) != SQLITE_DONE)
    return mtm_store__fail(st, err, "saving the location question");
  return 0;
}

int mtm_store_bma_mapping_get(mtm_store *st, int64_t form, mtm_arena *a, mtm_store_bma_row **rows,
                              int *n, char **file_name, char **location, mtm_err *err) {
  *rows = NULL;
  *n = 0;
  if (file_name) *file_name = NULL;
  if (location) *location = NULL;
  sqlite3_stmt *s = mtm_store__stmt(st,
                                    "SELECT field, population, period, origin, sex FROM "
                                    "bma_mappings WHERE form = ?1 ORDER BY position",
                                    err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  int cap = 0, k = 0, rc;
  mtm_store_bma_row *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    r[k].field = mtm_store__col_text(s, 0, a);
    r[k].population = mtm_store__col_text(s, 1, a);
    r[k].period = mtm_store__col_text(s, 2, a);
    r[k].origin = mtm_store__col_text(s, 3, a);
    r[k].sex = mtm_store__col_text(s, 4, a);
    k++;
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading a mapping");
  *rows = r;
  *n = k;
  s = mtm_store__stmt(st, "SELECT mapping_file, location FROM bma_settings WHERE form = ?1", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    if (file_name) *file_name = mtm_store__col_text(s, 0, a);
    if (location) *location = mtm_store__col_text(s, 1, a);
  } else if (rc != SQLITE_DONE) {
    return mtm_store__fail(st, err, "reading the baseline settings");
  }
  return 0;
}

int mtm_store_bma_round_mapping_set(mtm_store *st, int64_t form, int round,
                                    const mtm_store_bma_row *rows, int n, mtm_err *err) {
  /* Deletes the round's rows and inserts the new ones in order. */
  sqlite3_stmt *s =
      mtm_store__stmt(st, "DELETE FROM bma_round_mappings WHERE form = ?1 AND round = ?2", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "replacing a mapping");
  for (int i = 0; i < n; i++) {
    s = mtm_store__stmt(st,
                        "INSERT INTO bma_round_mappings(form, round, position, field, population, "
                        "period, origin, sex) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        err);
    if (!s) return MTM_ESTORE;
    sqlite3_bind_int64(s, 1, form);
    sqlite3_bind_int(s, 2, round);
    sqlite3_bind_int(s, 3, i + 1);
    mtm_store__bind_text(s, 4, rows[i].field);
    mtm_store__bind_text(s, 5, rows[i].population);
    mtm_store__bind_text(s, 6, rows[i].period);
    mtm_store__bind_text(s, 7, rows[i].origin ? rows[i].origin : "");
    mtm_store__bind_text(s, 8, rows[i].sex ? rows[i].sex : "");
    if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a mapping");
  }
  return 0;
}

int mtm_store_bma_round_mapping_get(mtm_store *st, int64_t form, int round, mtm_arena *a,
                                    mtm_store_bma_row **rows, int *n, mtm_err *err) {
  /* The round's rows in their order. */
  *rows = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(st,
                                    "SELECT field, population, period, origin, sex FROM "
                                    "bma_round_mappings WHERE form = ?1 AND round = ?2 "
                                    "ORDER BY position",
                                    err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  int cap = 0, k = 0, rc;
  mtm_store_bma_row *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    r[k].field = mtm_store__col_text(s, 0, a);
    r[k].population = mtm_store__col_text(s, 1, a);
    r[k].period = mtm_store__col_text(s, 2, a);
    r[k].origin = mtm_store__col_text(s, 3, a);
    r[k].sex = mtm_store__col_text(s, 4, a);
    k++;
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading a mapping");
  *rows = r;
  *n = k;
  return 0;
}

int mtm_store_bma_baseline_forms(mtm_store *st, int round, mtm_arena *a, char ***ids, int *n,
                                 mtm_err *err) {
  *ids = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT form_id FROM forms f WHERE kind = 'baseline' AND EXISTS (SELECT 1 FROM "
      "submissions s WHERE s.form = f.id AND s.round = ?1 AND s.removed = 0) ORDER BY form_id",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int(s, 1, round);
  int cap = 0, k = 0, rc;
  char **r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    r[k++] = mtm_store__col_text(s, 0, a);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "listing baseline forms");
  *ids = r;
  *n = k;
  return 0;
}

int mtm_store_bma_last_submitted(mtm_store *st, int64_t form, int round, mtm_arena *a,
                                 char **at, mtm_err *err) {
  *at = NULL;
  sqlite3_stmt *s = mtm_store__stmt(st,
                                    "SELECT max(submitted_at) FROM submissions WHERE form = ?1 "
                                    "AND round = ?2 AND removed = 0",
                                    err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  if (sqlite3_step(s) != SQLITE_ROW) return mtm_store__fail(st, err, "reading submission times");
  *at = mtm_store__col_text(s, 0, a);
  return 0;
}

int mtm_store_bma_verif_add(mtm_store *st, const mtm_store_bma_verif *v, int64_t *id,
                            mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO bma_verifications(form, round, pcode, field, status, old_value, new_value, "
      "who, note, at, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
      "coalesce(?10, strftime('%Y-%m-%dT%H:%M:%SZ','now')), ?11)",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, v->form);
  sqlite3_bind_int(s, 2, v->round);
  mtm_store__bind_text(s, 3, v->pcode);
  mtm_store__bind_text(s, 4, v->field);
  mtm_store__bind_text(s, 5, v->status);
  if (v->has_old) sqlite3_bind_double(s, 6, v->old_value);
  else sqlite3_bind_null(s, 6);
  if (v->has_new) sqlite3_bind_double(s, 7, v->new_value);
  else sqlite3_bind_null(s, 7);
  mtm_store__bind_text(s, 8, v->who);
  mtm_store__bind_text(s, 9, v->note);
  mtm_store__bind_text(s, 10, v->at);
  mtm_store__bind_text(s, 11, v->source);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a verification");
  if (id) *id = sqlite3_last_insert_rowid(mtm_store__db(st));
  return 0;
}

int mtm_store_bma_verifs(mtm_store *st, int64_t form, int round, mtm_arena *a,
                         mtm_store_bma_verif **out, int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT id, form, round, pcode, field, status, old_value, new_value, who, note, at, "
      "source FROM bma_verifications WHERE form = ?1 AND round = ?2 ORDER BY id",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  int cap = 0, k = 0, rc;
  mtm_store_bma_verif *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    mtm_store_bma_verif *v = &r[k++];
    v->id = sqlite3_column_int64(s, 0);
    v->form = sqlite3_column_int64(s, 1);
    v->round = sqlite3_column_int(s, 2);
    v->pcode = mtm_store__col_text(s, 3, a);
    v->field = mtm_store__col_text(s, 4, a);
    v->status = mtm_store__col_text(s, 5, a);
    v->has_old = sqlite3_column_type(s, 6) != SQLITE_NULL;
    v->old_value = sqlite3_column_double(s, 6);
    v->has_new = sqlite3_column_type(s, 7) != SQLITE_NULL;
    v->new_value = sqlite3_column_double(s, 7);
    v->who = mtm_store__col_text(s, 8, a);
    v->note = mtm_store__col_text(s, 9, a);
    v->at = mtm_store__col_text(s, 10, a);
    v->source = mtm_store__col_text(s, 11, a);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading verifications");
  *out = r;
  *n = k;
  return 0;
}
