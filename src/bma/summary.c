/* The summary of a consolidation: totals by period and origin, the top
 * regions and origins with shares that add up to 100.0, the arrivals of
 * the latest period, the previous round's totals. */
#include "bma/bma.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The sum of a series over the locations, and how many reported it. */
static double location_sum(const mtm_bma_result *r, int s, int *reporting) {
  double sum = NAN;
  int rep = 0;
  for (int i = 0; i < r->nareas; i++) {
    if (r->areas[i].level != r->location_level) continue;
    double v = r->fig[(size_t)i * (size_t)r->nseries + (size_t)s].value;
    if (isnan(v)) continue;
    sum = isnan(sum) ? v : sum + v;
    rep++;
  }
  if (reporting) *reporting = rep;
  return sum;
}

static double add_nan(double a, double b) {
  if (isnan(b)) return a;
  return isnan(a) ? b : a + b;
}

typedef struct {
  const char *key, *name;
  double v;
} entry;

static int cmp_entry(const void *a, const void *b) {
  const entry *x = a, *y = b;
  double vx = isnan(x->v) ? -1 : x->v, vy = isnan(y->v) ? -1 : y->v;
  if (vx != vy) return vx > vy ? -1 : 1;
  return strcmp(x->key, y->key);
}

/* Rounds the finite values of s[0..m) to whole numbers that add up to
 * their sum rounded: each is floored, then the units left go to the
 * largest remainders (ties to the larger value, then the earlier entry).
 * *sum receives the unrounded sum (NaN when no value is finite). */
static void whole_numbers(mtm_bma_share *s, int m, double *sum) {
  double t = NAN, floors = 0;
  for (int i = 0; i < m; i++) {
    s[i].whole = isfinite(s[i].value) ? floor(s[i].value) : NAN;
    if (!isfinite(s[i].value)) continue;
    t = add_nan(t, s[i].value);
    floors += s[i].whole;
  }
  *sum = t;
  if (isnan(t)) return;
  long left = (long)(floor(t + 0.5) - floors);
  for (; left > 0; left--) {
    int best = -1;
    double br = 0;
    for (int i = 0; i < m; i++) {
      if (!isfinite(s[i].value) || s[i].whole > floor(s[i].value)) continue; /* taken */
      double r = s[i].value - s[i].whole;
      if (best < 0 || r > br + 1e-12 || (fabs(r - br) <= 1e-12 && s[i].value > s[best].value))
        best = i, br = r;
    }
    if (best < 0) break;
    s[best].whole += 1;
  }
}

/* The top entries and "other", with largest-remainder shares over the
 * list shown (so that it adds up to exactly 100.0) and whole numbers that
 * add up to the list's sum rounded; *sum receives that sum. */
static mtm_bma_share *top_list(entry *e, int n, int top, mtm_arena *a, int *nout, double *sum) {
  qsort(e, (size_t)n, sizeof *e, cmp_entry);
  int k = n < top ? n : top;
  int rest = n > top;
  mtm_bma_share *s = mtm_arena_zalloc(a, sizeof *s * (size_t)(k + 2));
  double *v = mtm_arena_alloc(a, sizeof *v * (size_t)(k + 2));
  long *t = mtm_arena_alloc(a, sizeof *t * (size_t)(k + 2));
  for (int i = 0; i < k; i++) {
    s[i] = (mtm_bma_share){e[i].key, e[i].name, e[i].v, 0, NAN};
    v[i] = isnan(e[i].v) ? 0 : e[i].v;
  }
  if (rest) {
    double o = NAN;
    for (int i = k; i < n; i++) o = add_nan(o, e[i].v);
    s[k] = (mtm_bma_share){"other", "other", o, 0, NAN};
    v[k] = isnan(o) ? 0 : o;
  }
  int m = k + rest;
  mtm_bma_shares(v, m, 1000, t);
  for (int i = 0; i < m; i++) s[i].tenths = t[i];
  whole_numbers(s, m, sum);
  *nout = m;
  return s;
}

int mtm_bma_summarize(const mtm_bma_result *r, int top, mtm_arena *a, mtm_bma_summary *out,
                      mtm_err *err) {
  (void)err;
  memset(out, 0, sizeof *out);
  if (top <= 0) top = 5;
  /* the populations, in series order */
  const char **pops = mtm_arena_alloc(a, sizeof *pops * (size_t)(r->nseries + 1));
  int np = 0;
  for (int i = 0; i < r->nseries; i++) {
    int seen = 0;
    for (int k = 0; k < np; k++) seen |= !strcmp(pops[k], r->series[i].population);
    if (!seen) pops[np++] = r->series[i].population;
  }
  out->npops = np;
  out->pops = mtm_arena_zalloc(a, sizeof *out->pops * (size_t)(np + 1));
  for (int p = 0; p < np; p++) {
    mtm_bma_pop_summary *ps = &out->pops[p];
    ps->population = pops[p];
    /* periods: the all-origins, both-sexes series, in time order */
    int *ser = mtm_arena_alloc(a, sizeof(int) * (size_t)(r->nseries + 1));
    int nper = 0;
    for (int i = 0; i < r->nseries; i++) {
      const mtm_bma_series *x = &r->series[i];
      if (!strcmp(x->population, pops[p]) && !x->origin[0] && !x->sex[0]) ser[nper++] = i;
    }
    ps->nperiods = nper;
    ps->periods = mtm_arena_alloc(a, sizeof(char *) * (size_t)(nper + 1));
    ps->period_total = mtm_arena_alloc(a, sizeof(double) * (size_t)(nper + 1));
    ps->period_reporting = mtm_arena_alloc(a, sizeof(int) * (size_t)(nper + 1));
    ps->previous_period_total = mtm_arena_alloc(a, sizeof(double) * (size_t)(nper + 1));
    int *from = mtm_arena_alloc(a, sizeof(int) * (size_t)(nper + 1));
    int *to = mtm_arena_alloc(a, sizeof(int) * (size_t)(nper + 1));
    ps->total = NAN;
    ps->previous_total = NAN;
    int latest = -1;
    for (int k = 0; k < nper; k++) {
      const mtm_bma_series *x = &r->series[ser[k]];
      ps->periods[k] = x->period;
      ps->period_total[k] = location_sum(r, ser[k], &ps->period_reporting[k]);
      ps->total = add_nan(ps->total, ps->period_total[k]);
      ps->previous_period_total[k] = NAN;
      if (r->previous) {
        int q = mtm_bma_series_find(r->previous, x->population, x->period, "", "");
        if (q >= 0) ps->previous_period_total[k] = location_sum(r->previous, q, NULL);
        ps->previous_total = add_nan(ps->previous_total, ps->previous_period_total[k]);
      }
      if (mtm_bma_period_parse(x->period, &from[k], &to[k])) from[k] = to[k] = 0;
      if (latest < 0 || to[k] > to[latest] || (to[k] == to[latest] && from[k] > from[latest]))
        latest = k;
    }
    for (int i = 0; i < nper; i++)
      for (int k = i + 1; k < nper; k++)
        if (from[i] < to[k] && from[k] < to[i]) ps->periods_overlap = 1;
    if (ps->periods_overlap) ps->total = ps->previous_total = NAN;
    if (latest >= 0) {
      ps->latest_period = ps->periods[latest];
      ps->latest_value = ps->period_total[latest];
      ps->latest_reporting = ps->period_reporting[latest];
    } else {
      ps->latest_value = NAN;
    }
    /* the basis of the top lists: every period, or the latest when they
     * overlap */
    ps->basis = ps->periods_overlap && latest >= 0 ? ps->periods[latest] : "all periods";
    /* origins */
    const char **ori = mtm_arena_alloc(a, sizeof(char *) * (size_t)(r->nseries + 1));
    int no = 0;
    for (int i = 0; i < r->nseries; i++) {
      const mtm_bma_series *x = &r->series[i];
      if (strcmp(x->population, pops[p]) || !x->origin[0] || x->sex[0]) continue;
      int seen = 0;
      for (int k = 0; k < no; k++) seen |= !strcmp(ori[k], x->origin);
      if (!seen) ori[no++] = x->origin;
    }
    entry *e = mtm_arena_alloc(a, sizeof *e * (size_t)(no + r->nareas + 1));
    for (int k = 0; k < no; k++) {
      e[k] = (entry){ori[k], ori[k], NAN};
      for (int i = 0; i < r->nseries; i++) {
        const mtm_bma_series *x = &r->series[i];
        if (strcmp(x->population, pops[p]) || strcmp(x->origin, ori[k]) || x->sex[0]) continue;
        if (ps->periods_overlap && latest >= 0 && strcmp(x->period, ps->periods[latest])) continue;
        e[k].v = add_nan(e[k].v, location_sum(r, i, NULL));
      }
    }
    qsort(e, (size_t)no, sizeof *e, cmp_entry);
    ps->norigins = no;
    ps->origins = mtm_arena_alloc(a, sizeof(char *) * (size_t)(no + 1));
    ps->origin_total = mtm_arena_alloc(a, sizeof(double) * (size_t)(no + 1));
    for (int k = 0; k < no; k++) ps->origins[k] = e[k].key, ps->origin_total[k] = e[k].v;
    ps->top_origins = top_list(e, no, top, a, &ps->ntop_origins, &ps->top_origins_sum);
    /* the periods the origins cover, and the total of those periods */
    ps->origin_periods = mtm_arena_zalloc(a, sizeof(char *) * (size_t)(nper + 1));
    ps->origin_periods_total = NAN;
    for (int k = 0; k < nper; k++) {
      if (ps->periods_overlap && k != latest) continue;
      int has = 0;
      for (int i = 0; i < r->nseries && !has; i++) {
        const mtm_bma_series *x = &r->series[i];
        has = !strcmp(x->population, pops[p]) && x->origin[0] && !x->sex[0] && !strcmp(x->period, ps->periods[k]);
      }
      if (!has) continue;
      ps->origin_periods[ps->norigin_periods++] = ps->periods[k];
      ps->origin_periods_total = add_nan(ps->origin_periods_total, ps->period_total[k]);
    }
    /* regions: the areas of level 1 */
    int nr = 0;
    for (int i = 0; i < r->nareas; i++) {
      if (r->areas[i].level != 1) continue;
      double v = NAN;
      for (int k = 0; k < nper; k++) {
        if (ps->periods_overlap && k != latest) continue;
        v = add_nan(v, r->fig[(size_t)i * (size_t)r->nseries + (size_t)ser[k]].value);
      }
      e[nr++] = (entry){r->areas[i].pcode, r->areas[i].name, v};
    }
    ps->top_regions = top_list(e, nr, top, a, &ps->ntop_regions, &ps->top_regions_sum);
  }
  return 0;
}
