/* Sample plans: the SQL of the sample module (tables sample_plans and
 * sample_strata). */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <math.h>
#include <string.h>

/* Binds a double, or NULL for NaN (SQLite has no NaN). */
static void bind_real(sqlite3_stmt *s, int i, double v) {
  if (isnan(v)) sqlite3_bind_null(s, i);
  else sqlite3_bind_double(s, i, v);
}

/* Reads a REAL column, NaN for NULL. */
static double col_real(sqlite3_stmt *s, int i) {
  return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

/* Inserts the plan, then its strata in the order given. */
int mtm_store_sample_plan_add(mtm_store *st, const mtm_store_sample_plan *p, long *id,
                              mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO sample_plans(round, form_id, population, period, level, confidence, z,"
      " margin, proportion, deff, allocation, per_stratum, min_per_stratum, figure_total, n0,"
      " required, total, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
      " ?12, ?13, ?14, ?15, ?16, ?17, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int(s, 1, p->round);
  mtm_store__bind_text(s, 2, p->form_id);
  mtm_store__bind_text(s, 3, p->population);
  mtm_store__bind_text(s, 4, p->period);
  sqlite3_bind_int(s, 5, p->level);
  sqlite3_bind_double(s, 6, p->confidence);
  sqlite3_bind_double(s, 7, p->z);
  sqlite3_bind_double(s, 8, p->margin);
  sqlite3_bind_double(s, 9, p->proportion);
  sqlite3_bind_double(s, 10, p->deff);
  mtm_store__bind_text(s, 11, p->allocation);
  sqlite3_bind_int(s, 12, p->per_stratum);
  sqlite3_bind_int64(s, 13, p->min_per_stratum);
  sqlite3_bind_double(s, 14, p->figure_total);
  sqlite3_bind_double(s, 15, p->n0);
  sqlite3_bind_int64(s, 16, p->required);
  sqlite3_bind_int64(s, 17, p->total);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a sample plan");
  long plan = (long)sqlite3_last_insert_rowid(mtm_store__db(st));
  for (int i = 0; i < p->nstrata; i++) {
    const mtm_store_sample_stratum *t = &p->strata[i];
    s = mtm_store__stmt(st,
                        "INSERT INTO sample_strata(plan, position, pcode, name, level, figure,"
                        " proportion, sample, pi) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        err);
    if (!s) return MTM_ESTORE;
    sqlite3_bind_int64(s, 1, plan);
    sqlite3_bind_int(s, 2, i);
    mtm_store__bind_text(s, 3, t->pcode);
    mtm_store__bind_text(s, 4, t->name);
    sqlite3_bind_int(s, 5, t->level);
    bind_real(s, 6, t->figure);
    bind_real(s, 7, t->proportion);
    if (t->sample < 0) sqlite3_bind_null(s, 8);
    else sqlite3_bind_int64(s, 8, t->sample);
    bind_real(s, 9, t->pi);
    if (sqlite3_step(s) != SQLITE_DONE)
      return mtm_store__fail(st, err, "saving a stratum of a sample plan");
  }
  if (id) *id = plan;
  return 0;
}

/* Finds the plan with the highest id, then reads its strata. */
int mtm_store_sample_plan_latest(mtm_store *st, int round, const char *population, mtm_arena *a,
                                 mtm_store_sample_plan *out, mtm_err *err) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT id, round, form_id, population, period, level, confidence, z, margin,"
      " proportion, deff, allocation, per_stratum, min_per_stratum, figure_total, n0,"
      " required, total, created_at FROM sample_plans"
      " WHERE round = ?1 AND (?2 IS NULL OR population = ?2) ORDER BY id DESC LIMIT 1",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int(s, 1, round);
  mtm_store__bind_text(s, 2, population);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) {
    if (population)
      return mtm_err_set(err, MTM_ENOTFOUND,
                         "round %d has no saved sample plan for %s: make one with "
                         "'mtm sample --round %d --population %s ... --save'",
                         round, population, round, population);
    return mtm_err_set(err, MTM_ENOTFOUND,
                       "round %d has no saved sample plan: make one with "
                       "'mtm sample --round %d ... --save'",
                       round, round);
  }
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading a sample plan");
  out->id = (long)sqlite3_column_int64(s, 0);
  out->round = sqlite3_column_int(s, 1);
  out->form_id = mtm_store__col_text(s, 2, a);
  out->population = mtm_store__col_text(s, 3, a);
  out->period = mtm_store__col_text(s, 4, a);
  out->level = sqlite3_column_int(s, 5);
  out->confidence = sqlite3_column_double(s, 6);
  out->z = sqlite3_column_double(s, 7);
  out->margin = sqlite3_column_double(s, 8);
  out->proportion = sqlite3_column_double(s, 9);
  out->deff = sqlite3_column_double(s, 10);
  out->allocation = mtm_store__col_text(s, 11, a);
  out->per_stratum = sqlite3_column_int(s, 12);
  out->min_per_stratum = (long)sqlite3_column_int64(s, 13);
  out->figure_total = sqlite3_column_double(s, 14);
  out->n0 = sqlite3_column_double(s, 15);
  out->required = (long)sqlite3_column_int64(s, 16);
  out->total = (long)sqlite3_column_int64(s, 17);
  out->created_at = mtm_store__col_text(s, 18, a);
  s = mtm_store__stmt(st,
                      "SELECT pcode, name, level, figure, proportion, sample, pi"
                      " FROM sample_strata WHERE plan = ?1 ORDER BY position",
                      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, out->id);
  int cap = 0, k = 0;
  mtm_store_sample_stratum *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    r[k].pcode = mtm_store__col_text(s, 0, a);
    r[k].name = mtm_store__col_text(s, 1, a);
    r[k].level = sqlite3_column_int(s, 2);
    r[k].figure = col_real(s, 3);
    r[k].proportion = col_real(s, 4);
    r[k].sample = sqlite3_column_type(s, 5) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(s, 5);
    r[k].pi = col_real(s, 6);
    k++;
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading the strata of a sample plan");
  out->strata = r;
  out->nstrata = k;
  return 0;
}
