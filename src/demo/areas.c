/* The demo's regions and rayons, read from the bundled geokz attribute
 * tables: the 2018 layer for Round 1, the 2024 layer for Round 2. */
#include "demo/demo.h"
#include "table/table.h"

#include <string.h>

/* Share of international migrant workers by region, Round 2: the published
 * top five (Almaty city 27%, Mangystau 23%, Astana 15%, Almaty oblast 13%,
 * Karagandy 5%), the remaining 17% spread over the other seven assessed
 * regions; indexed by P-code, in per cent, adding to 100. Regions not
 * listed are not assessed. */
static const struct {
  const char *pcode;
  double share;
} assessed[] = {
    {"KZ75", 27}, {"KZ47", 23},  {"KZ71", 15},  {"KZ19", 13},  {"KZ35", 5.3}, {"KZ79", 4.4},
    {"KZ15", 3},  {"KZ27", 2.5}, {"KZ43", 2.2}, {"KZ39", 1.6}, {"KZ63", 1.6}, {"KZ59", 1.4},
};

double demo_region_share(const char *pcode) {
  for (size_t i = 0; i < sizeof assessed / sizeof assessed[0]; i++)
    if (strcmp(assessed[i].pcode, pcode) == 0) return assessed[i].share;
  return 0;
}

static int col(const mtm_row *r, const char *name) {
  for (int i = 0; i < r->n; i++)
    if (mtm_slice_eq(r->cells[i], name)) return i;
  return -1;
}

/* Reads level (1 or 2) areas of one attribute table into an arena array,
 * one entry per distinct P-code, in file order. */
int demo_load_areas(const char *path, int level, mtm_arena *a, demo_area **out, int *n,
                    mtm_err *err) {
  mtm_table *t;
  int rc = mtm_table_open(&t, path, NULL, err);
  if (rc) return rc;
  mtm_row r;
  int ip = -1, ipar = -1, ien = -1, iru = -1, cap = 256, k = 0;
  demo_area *v = mtm_arena_zalloc(a, sizeof *v * (size_t)cap);
  char pc[16], en[16], ru[16];
  snprintf(pc, sizeof pc, "ADM%d_PCODE", level);
  snprintf(en, sizeof en, "ADM%d_EN", level);
  snprintf(ru, sizeof ru, "ADM%d_RU", level);
  while ((rc = mtm_table_next(t, &r, err)) == 1) {
    if (ip < 0) {
      ip = col(&r, pc), ien = col(&r, en), iru = col(&r, ru), ipar = col(&r, "ADM1_PCODE");
      if (ip < 0 || ien < 0 || iru < 0) {
        mtm_err_where(err, path, NULL, r.row, pc, NULL);
        rc = mtm_err_set(err, MTM_EINVAL, "the table lacks the %s, %s or %s column", pc, en, ru);
        break;
      }
      continue;
    }
    if (r.n <= ip || r.n <= ien || r.n <= iru) continue;
    int dup = 0;
    for (int i = 0; i < k && !dup; i++) dup = mtm_slice_eq(r.cells[ip], v[i].pcode);
    if (dup || k == cap) continue;
    v[k].pcode = mtm_arena_strndup(a, r.cells[ip].p, r.cells[ip].n);
    v[k].en = mtm_arena_strndup(a, r.cells[ien].p, r.cells[ien].n);
    v[k].ru = mtm_arena_strndup(a, r.cells[iru].p, r.cells[iru].n);
    v[k].parent = level > 1 && ipar >= 0 && ipar < r.n
                      ? mtm_arena_strndup(a, r.cells[ipar].p, r.cells[ipar].n)
                      : mtm_arena_strdup(a, "KZ");
    v[k].weight = level == 1 ? demo_region_share(v[k].pcode) : 1;
    k++;
  }
  mtm_table_close(t);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}
