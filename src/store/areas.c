/* The gazetteer in the workspace: areas, their names, successors and
 * boundaries. Used by the geo module only. */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

/* Inserts or updates one area and reports its id and whether it is new. */
int mtm_store_area_put(mtm_store *st, const mtm_area_put *a, long long *id, int *created,
                       mtm_err *err) {
  long long old = 0;
  int lv;
  int rc = mtm_store_area_find(st, a->pcode, &old, &lv, err);
  if (rc && rc != MTM_ENOTFOUND) return rc;
  int exists = rc == 0;
  if (!exists && a->level < 0)
    return mtm_err_set(err, MTM_EINVAL, "area %s is new but has no level", a->pcode);
  sqlite3_stmt *s;
  if (exists) {
    s = mtm_store__stmt(st,
                        "UPDATE areas SET level = coalesce(?2, level),"
                        " parent = CASE WHEN ?3 THEN ?4 ELSE parent END,"
                        " valid_from = coalesce(?5, valid_from),"
                        " valid_to = coalesce(?6, valid_to),"
                        " source = coalesce(?7, source), type = coalesce(?8, type) WHERE id = ?1",
                        err);
    if (!s) return MTM_ESTORE;
    sqlite3_bind_int64(s, 1, old);
  } else {
    s = mtm_store__stmt(st,
                        "INSERT INTO areas(pcode, level, parent, valid_from, valid_to, source, type)"
                        " VALUES (?1, ?2, CASE WHEN ?3 THEN ?4 ELSE NULL END, ?5, ?6, ?7, ?8)",
                        err);
    if (!s) return MTM_ESTORE;
    mtm_store__bind_text(s, 1, a->pcode);
  }
  if (a->level >= 0) sqlite3_bind_int(s, 2, a->level);
  else sqlite3_bind_null(s, 2);
  sqlite3_bind_int(s, 3, a->set_parent ? 1 : 0);
  mtm_store__bind_text(s, 4, a->parent);
  mtm_store__bind_text(s, 5, a->valid_from);
  mtm_store__bind_text(s, 6, a->valid_to);
  mtm_store__bind_text(s, 7, a->source);
  mtm_store__bind_text(s, 8, a->type);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving an area");
  if (id) *id = exists ? old : sqlite3_last_insert_rowid(mtm_store__db(st));
  if (created) *created = !exists;
  return 0;
}

/* Looks an area up by its exact P-code. */
int mtm_store_area_find(mtm_store *st, const char *pcode, long long *id, int *level,
                        mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(st, "SELECT id, level FROM areas WHERE pcode = ?1", err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, pcode);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return MTM_ENOTFOUND;
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "looking up an area");
  if (id) *id = sqlite3_column_int64(s, 0);
  if (level) *level = sqlite3_column_int(s, 1);
  return 0;
}

/* Adds a name; a new canonical name demotes the previous one to an alias. */
int mtm_store_area_name_add(mtm_store *st, long long area, const char *lang, const char *name,
                            const char *key, int is_alias, mtm_err *err) {
  sqlite3_stmt *s;
  if (!is_alias) {
    s = mtm_store__stmt(st,
                        "UPDATE area_names SET is_alias = 1 WHERE area = ?1 AND lang = ?2"
                        " AND name <> ?3 AND is_alias = 0",
                        err);
    if (!s) return MTM_ESTORE;
    sqlite3_bind_int64(s, 1, area);
    mtm_store__bind_text(s, 2, lang);
    mtm_store__bind_text(s, 3, name);
    if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "renaming an area");
    s = mtm_store__stmt(st,
                        "INSERT INTO area_names(area, lang, name, key, is_alias)"
                        " VALUES (?1, ?2, ?3, ?4, 0) ON CONFLICT(area, lang, name)"
                        " DO UPDATE SET is_alias = 0, key = excluded.key",
                        err);
  } else {
    s = mtm_store__stmt(st,
                        "INSERT INTO area_names(area, lang, name, key, is_alias)"
                        " VALUES (?1, ?2, ?3, ?4, 1) ON CONFLICT(area, lang, name)"
                        " DO UPDATE SET key = excluded.key",
                        err);
  }
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, area);
  mtm_store__bind_text(s, 2, lang);
  mtm_store__bind_text(s, 3, name);
  mtm_store__bind_text(s, 4, key);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving an area name");
  return 0;
}

/* Replaces the boundary of an area. */
int mtm_store_area_shape_put(mtm_store *st, long long area, const char *geojson, const char *source,
                             mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO area_shapes(area, geojson, source) VALUES (?1, ?2, ?3)"
      " ON CONFLICT(area) DO UPDATE SET geojson = excluded.geojson, source = excluded.source",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, area);
  mtm_store__bind_text(s, 2, geojson);
  mtm_store__bind_text(s, 3, source);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a boundary");
  return 0;
}

/* Records one successor link (updating its note when it exists). */
int mtm_store_area_successor_add(mtm_store *st, const char *pcode, const char *successor,
                                 const char *note, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO area_successors(pcode, successor, note) VALUES (?1, ?2, ?3)"
      " ON CONFLICT(pcode, successor) DO UPDATE SET note = coalesce(excluded.note, note)",
      err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, pcode);
  mtm_store__bind_text(s, 2, successor);
  mtm_store__bind_text(s, 3, note);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a successor");
  return 0;
}

/* Loads every area (or one level) with names and successors; the three
 * queries share one order, so rows are matched by walking them together. */
int mtm_store_areas(mtm_store *st, int level, mtm_arena *a, mtm_area **out, int *n,
                    mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT a.pcode, a.level, a.parent, a.valid_from, a.valid_to, a.source,"
      " EXISTS (SELECT 1 FROM area_shapes p WHERE p.area = a.id), a.type"
      " FROM areas a WHERE ?1 < 0 OR a.level = ?1 ORDER BY a.level, a.pcode",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int(s, 1, level);
  int cap = 0, k = 0, rc;
  mtm_area *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) {
      cap = cap ? cap * 2 : 64;
      r = mtm_xrealloc(r, sizeof *r * (size_t)cap);
    }
    mtm_area *x = &r[k++];
    memset(x, 0, sizeof *x);
    x->pcode = mtm_store__col_text(s, 0, a);
    x->level = sqlite3_column_int(s, 1);
    x->parent = mtm_store__col_text(s, 2, a);
    x->valid_from = mtm_store__col_text(s, 3, a);
    x->valid_to = mtm_store__col_text(s, 4, a);
    x->source = mtm_store__col_text(s, 5, a);
    x->has_shape = sqlite3_column_int(s, 6);
    x->type = mtm_store__col_text(s, 7, a);
  }
  if (rc != SQLITE_DONE) {
    free(r);
    return mtm_store__fail(st, err, "listing areas");
  }
  mtm_area *areas = mtm_arena_alloc(a, sizeof *areas * (size_t)(k ? k : 1));
  if (k) memcpy(areas, r, sizeof *areas * (size_t)k);
  free(r);

  s = mtm_store__stmt(st,
                      "SELECT a.pcode, n.lang, n.name, n.key, n.is_alias FROM area_names n"
                      " JOIN areas a ON a.id = n.area WHERE ?1 < 0 OR a.level = ?1"
                      " ORDER BY a.level, a.pcode, n.is_alias, n.lang, n.name",
                      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int(s, 1, level);
  int i = 0, ncap = 0, nn = 0;
  mtm_area_name *names = NULL;
  int *owner = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const char *pc = (const char *)sqlite3_column_text(s, 0);
    while (i < k && strcmp(areas[i].pcode, pc) != 0) i++;
    if (i == k) break; /* cannot happen: the orders agree */
    if (nn == ncap) {
      ncap = ncap ? ncap * 2 : 256;
      names = mtm_xrealloc(names, sizeof *names * (size_t)ncap);
      owner = mtm_xrealloc(owner, sizeof *owner * (size_t)ncap);
    }
    names[nn].lang = mtm_store__col_text(s, 1, a);
    names[nn].name = mtm_store__col_text(s, 2, a);
    names[nn].key = mtm_store__col_text(s, 3, a);
    names[nn].is_alias = sqlite3_column_int(s, 4);
    owner[nn++] = i;
  }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    free(names);
    free(owner);
    return mtm_store__fail(st, err, "listing area names");
  }
  mtm_area_name *all = mtm_arena_alloc(a, sizeof *all * (size_t)(nn ? nn : 1));
  if (nn) memcpy(all, names, sizeof *all * (size_t)nn);
  for (int j = 0; j < nn; j++) {
    mtm_area *x = &areas[owner[j]];
    if (!x->nnames) x->names = &all[j];
    x->nnames++;
  }
  free(names);
  free(owner);

  s = mtm_store__stmt(st,
                      "SELECT s.pcode, s.successor FROM area_successors s"
                      " JOIN areas a ON a.pcode = s.pcode WHERE ?1 < 0 OR a.level = ?1"
                      " ORDER BY a.level, a.pcode, s.successor",
                      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int(s, 1, level);
  i = 0;
  int scap = 0, sn = 0;
  char **succ = NULL;
  owner = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const char *pc = (const char *)sqlite3_column_text(s, 0);
    while (i < k && strcmp(areas[i].pcode, pc) != 0) i++;
    if (i == k) break;
    if (sn == scap) {
      scap = scap ? scap * 2 : 64;
      succ = mtm_xrealloc(succ, sizeof *succ * (size_t)scap);
      owner = mtm_xrealloc(owner, sizeof *owner * (size_t)scap);
    }
    succ[sn] = mtm_store__col_text(s, 1, a);
    owner[sn++] = i;
  }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    free(succ);
    free(owner);
    return mtm_store__fail(st, err, "listing successors");
  }
  char **sall = mtm_arena_alloc(a, sizeof *sall * (size_t)(sn ? sn : 1));
  if (sn) memcpy(sall, succ, sizeof *sall * (size_t)sn);
  for (int j = 0; j < sn; j++) {
    mtm_area *x = &areas[owner[j]];
    if (!x->nsuccessors) x->successors = &sall[j];
    x->nsuccessors++;
  }
  free(succ);
  free(owner);
  *out = areas;
  *n = k;
  return 0;
}

/* Reads the stored boundary of one area. */
int mtm_store_area_shape(mtm_store *st, const char *pcode, mtm_arena *a, char **geojson,
                         mtm_err *err) {
  *geojson = NULL;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "SELECT p.geojson FROM area_shapes p JOIN areas a ON a.id = p.area WHERE a.pcode = ?1",
      err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, pcode);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE)
    return mtm_err_set(err, MTM_ENOTFOUND, "area %s has no boundary", pcode);
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading a boundary");
  *geojson = mtm_store__col_text(s, 0, a);
  return 0;
}
