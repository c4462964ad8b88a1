/* Post-stratified weights for mtm analyse: N_h / n_h per row, with the
 * stratum populations N_h from a file (--population) or from the baseline
 * mobility assessment's area totals (--weights-from-bma). */
#include "analysis/analysis.h"
#include "bma/bma.h"
#include "frame/frame.h"
#include "table/table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Fills w (nrows doubles in a) with N_h / n_h, where h is the value of the
 * strata question in the row and N_h is pop[k] for the key keys[k] equal to
 * it (map: key -> k). A row without a stratum value, or a stratum with
 * respondents but no population, fails with a sentence naming the file
 * (path, NULL for none) and ending with source ("... but SOURCE for it."). */
static int poststratify(const mtm_frame *f, const char *strata, const mtm_strmap *map,
                        const double *pop, int nkeys, const char *path, const char *source,
                        mtm_arena *a,
                        double **w, mtm_err *err) {
  const mtm_frame_col *c = mtm_frame_col_find(f, strata);
  if (!c) {
    mtm_err_where(err, NULL, NULL, 0, NULL, strata);
    return mtm_err_set(err, MTM_ENOTFOUND, "--strata names '%s', which form '%s' does not have.",
                       strata, f->form_id);
  }
  size_t n = (size_t)(f->nrows ? f->nrows : 1);
  int *k = mtm_arena_alloc(a, sizeof *k * n);
  double *cnt = mtm_arena_alloc(a, sizeof *cnt * (size_t)(nkeys ? nkeys : 1));
  double *out = mtm_arena_alloc(a, sizeof *out * n);
  memset(cnt, 0, sizeof *cnt * (size_t)(nkeys ? nkeys : 1));
  mtm_arena tmp;
  mtm_arena_init(&tmp);
  for (long r = 0; r < f->nrows; r++) {
    const char *v = mtm_frame_value(c, r, &tmp);
    if (!v || !*v) {
      mtm_err_where(err, NULL, NULL, 0, NULL, strata);
      mtm_err_set(err, MTM_EINVAL,
                  "Submission %s has no value for '%s', which --strata uses: every row of the "
                  "design needs one.",
                  mtm_frame_uuid(f, r), strata);
      mtm_arena_free(&tmp);
      return MTM_EINVAL;
    }
    k[r] = mtm_strmap_get(map, v);
    if (k[r] < 0) {
      mtm_err_where(err, path, NULL, 0, NULL, strata);
      mtm_err_set(err, MTM_EINVAL,
                  "Stratum '%s' of '%s' has respondents (submission %s) but %s for it.", v,
                  strata, mtm_frame_uuid(f, r), source);
      mtm_arena_free(&tmp);
      return MTM_EINVAL;
    }
    cnt[k[r]] += 1;
    mtm_arena_reset(&tmp);
  }
  mtm_arena_free(&tmp);
  for (long r = 0; r < f->nrows; r++) out[r] = pop[k[r]] / cnt[k[r]];
  *w = out;
  return 0;
}

int mtm_analysis_weights_population(const struct mtm_frame *f, const char *strata, const char *path,
                                    mtm_arena *a, double **w, mtm_err *err) {
  /* Reads the file's stratum,population rows (header row first, columns in
   * any order, other columns ignored) and post-stratifies. A population
   * that is not a positive number or a repeated stratum fails naming the
   * file, row and column. */
  mtm_table *t;
  int rc = mtm_table_open(&t, path, NULL, err);
  if (rc) return rc;
  mtm_row row;
  int cs = -1, cp = -1, header = 1, nkeys = 0, cap = 16;
  double *pop = mtm_arena_alloc(a, sizeof *pop * (size_t)cap);
  mtm_strmap map;
  mtm_strmap_init(&map, a, 64);
  while ((rc = mtm_table_next(t, &row, err)) > 0) {
    if (header) {
      for (int i = 0; i < row.n; i++) {
        mtm_slice s = mtm_slice_trim(row.cells[i]);
        if (mtm_slice_eq_nocase(s, "stratum")) cs = i;
        if (mtm_slice_eq_nocase(s, "population")) cp = i;
      }
      if (cs < 0 || cp < 0) {
        mtm_err_where(err, path, NULL, row.row, NULL, NULL);
        rc = mtm_err_set(err, MTM_EINVAL,
                         "The population file needs the columns 'stratum' and 'population' in "
                         "its header row; it has no column '%s'.",
                         cs < 0 ? "stratum" : "population");
        break;
      }
      header = 0;
      continue;
    }
    mtm_slice sk = row.n > cs ? mtm_slice_trim(row.cells[cs]) : (mtm_slice){"", 0};
    mtm_slice sp = row.n > cp ? mtm_slice_trim(row.cells[cp]) : (mtm_slice){"", 0};
    if (!sk.n && !sp.n) continue;
    char col[8];
    char *key = mtm_arena_alloc(a, sk.n + 1);
    memcpy(key, sk.p, sk.n);
    key[sk.n] = 0;
    double v;
    if (!sk.n || mtm_strmap_get(&map, key) >= 0) {
      mtm_table_column_name(cs, col);
      mtm_err_where(err, path, NULL, row.row, col, NULL);
      rc = sk.n ? mtm_err_set(err, MTM_EINVAL, "Stratum '%s' has a second row; give each stratum one population.", key)
                  : mtm_err_set(err, MTM_EINVAL, "The row has a population but no stratum.");
      break;
    }
    if (mtm_parse_double(sp, &v) || !(v > 0) || isinf(v)) {
      mtm_table_column_name(cp, col);
      mtm_err_where(err, path, NULL, row.row, col, NULL);
      rc = mtm_err_set(err, MTM_EINVAL,
                       "The population of stratum '%s' is '%.*s'; it must be a number above 0.",
                       key, (int)sp.n, sp.p);
      break;
    }
    if (nkeys == cap) {
      double *p = mtm_arena_alloc(a, sizeof *p * (size_t)cap * 2);
      memcpy(p, pop, sizeof *p * (size_t)cap);
      pop = p;
      cap *= 2;
    }
    pop[nkeys] = v;
    mtm_strmap_put(&map, key, nkeys++);
  }
  mtm_table_close(t);
  if (rc < 0) return rc;
  if (header) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL, "The population file is empty: it needs a header row "
                                        "'stratum,population' and one row per stratum.");
  }
  return poststratify(f, strata, &map, pop, nkeys, path, "the population file has no row", a, w,
                      err);
}

int mtm_analysis_weights_bma(mtm_store *st, const struct mtm_frame *f, const char *strata,
                             const char *spec, mtm_arena *a, double **w, mtm_err *err) {
  /* Splits POPULATION:PERIOD, finds the area level whose P-codes the
   * strata question holds (the level of the first row's value, levels 0 to
   * 4), takes that level's totals of the baseline form in the frame's round
   * and post-stratifies. */
  const char *colon = strchr(spec, ':');
  if (!colon || colon == spec || !colon[1]) {
    mtm_err_where(err, NULL, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EUSAGE,
                       "--weights-from-bma takes POPULATION:PERIOD, e.g. migrant_worker:2023Q1; "
                       "'%s' is not.",
                       spec);
  }
  char *pop = mtm_arena_alloc(a, (size_t)(colon - spec) + 1);
  memcpy(pop, spec, (size_t)(colon - spec));
  pop[colon - spec] = 0;
  const char *period = colon + 1;
  const mtm_frame_col *c = mtm_frame_col_find(f, strata);
  if (!c) {
    mtm_err_where(err, NULL, NULL, 0, NULL, strata);
    return mtm_err_set(err, MTM_ENOTFOUND, "--strata names '%s', which form '%s' does not have.",
                       strata, f->form_id);
  }
  const char *first = f->nrows ? mtm_frame_value(c, 0, a) : NULL;
  if (!first || !*first) /* no rows, or a first row without a stratum: reported there */
    return poststratify(f, strata, &(mtm_strmap){0}, NULL, 0, NULL, "", a, w, err);
  for (int level = 0; level <= 4; level++) {
    mtm_bma_figure *fig;
    int n;
    int rc = mtm_bma_area_totals(st, NULL, f->round, pop, period, level, a, &fig, &n, err);
    if (rc && level == 0) return rc;
    if (rc) break; /* past the deepest level of the figures */
    int hit = 0;
    for (int i = 0; i < n && !hit; i++) hit = strcmp(fig[i].pcode, first) == 0;
    if (!hit) continue;
    mtm_strmap map;
    mtm_strmap_init(&map, a, (size_t)n + 1);
    double *N = mtm_arena_alloc(a, sizeof *N * (size_t)(n ? n : 1));
    int nk = 0;
    for (int i = 0; i < n; i++) {
      if (isnan(fig[i].value) || !(fig[i].value > 0)) continue;
      N[nk] = fig[i].value;
      mtm_strmap_put(&map, fig[i].pcode, nk++);
    }
    const char *source = mtm_arena_printf(a, "the baseline of round %d has no %s figure of %s",
                                          f->round, pop, period);
    return poststratify(f, strata, &map, N, nk, NULL, source, a, w, err);
  }
  mtm_err_clear(err);
  mtm_err_where(err, NULL, NULL, 0, NULL, strata);
  return mtm_err_set(err, MTM_EINVAL,
                     "--weights-from-bma needs the values of '%s' to be P-codes of areas with %s "
                     "figures for %s in round %d; '%s' (submission %s) is none.",
                     strata, pop, period, f->round, first, mtm_frame_uuid(f, 0));
}
