/* The areas of a choropleth map: P-code, name in a language, boundary.
 * Used by the map module only. */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

/* Lists the areas of a level with a boundary, valid on date and under
 * parent, each with its best name in lang; one query, ordered by P-code. */
int mtm_store_map_areas(mtm_store *st, int level, const char *date, const char *parent,
                        const char *lang, mtm_arena *a, mtm_store_map_area **out, int *n,
                        mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "WITH RECURSIVE under(pcode) AS ("
      "  SELECT ?4 WHERE ?4 IS NOT NULL"
      "  UNION SELECT x.pcode FROM areas x JOIN under u ON x.parent = u.pcode)"
      " SELECT a.pcode, a.parent,"
      "  coalesce((SELECT n.name FROM area_names n WHERE n.area = a.id AND n.is_alias = 0"
      "            ORDER BY n.lang = ?3 DESC, n.lang = 'en' DESC, n.lang, n.name LIMIT 1),"
      "           a.pcode),"
      "  p.geojson,"
      "  (SELECT coalesce((SELECT n.name FROM area_names n WHERE n.area = q.id AND n.is_alias = 0"
      "                    ORDER BY n.lang = ?3 DESC, n.lang = 'en' DESC, n.lang, n.name LIMIT 1),"
      "                   q.pcode) FROM areas q WHERE q.pcode = a.parent),"
      "  coalesce(p.source, a.source),"
      "  a.type, a.level"
      " FROM areas a JOIN area_shapes p ON p.area = a.id"
      " WHERE a.level = ?1"
      "  AND (?2 IS NULL OR a.valid_from IS NULL OR a.valid_from <= ?2)"
      "  AND (?2 IS NULL OR a.valid_to IS NULL OR a.valid_to > ?2)"
      "  AND (?4 IS NULL OR a.pcode IN (SELECT pcode FROM under))"
      " ORDER BY a.pcode",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int(s, 1, level);
  mtm_store__bind_text(s, 2, date);
  mtm_store__bind_text(s, 3, lang ? lang : "en");
  mtm_store__bind_text(s, 4, parent);
  int cap = 0, k = 0, rc;
  mtm_store_map_area *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) r = mtm_store__grow(a, r, k, &cap, sizeof *r);
    mtm_store_map_area *x = &r[k++];
    x->pcode = mtm_store__col_text(s, 0, a);
    x->parent = mtm_store__col_text(s, 1, a);
    x->name = mtm_store__col_text(s, 2, a);
    x->geojson = mtm_store__col_text(s, 3, a);
    x->parent_name = mtm_store__col_text(s, 4, a);
    x->source = mtm_store__col_text(s, 5, a);
    x->type = mtm_store__col_text(s, 6, a);
    x->level = sqlite3_column_int(s, 7);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "listing the areas of a map");
  *out = r;
  *n = k;
  return 0;
}
