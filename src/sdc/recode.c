/*
 * recode.c: global recoding and top-coding, as sdcMicro's globalRecode
 * (numbers cut into bands, R/globalRecode.R) and topBotCoding
 * (R/topBotCoding.R: values above a cap replaced by the cap), and the
 * quantile that chooses a cap (R's quantile, type 7).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sdc/sdc.h"

/* Formats a band edge: an integer without decimals, else %g. */
static char *edge(mtm_arena *a, double x) {
  if (x == floor(x) && fabs(x) < 1e15) return mtm_arena_printf(a, "%.0f", x);
  return mtm_arena_printf(a, "%g", x);
}

/* The band of every x (sdc.h): binary search of the edges; the labels
 * "lo-hi" where hi is the next edge less one (integer edges: 25-34), or
 * "lo-<hi" (other edges), and "lo+" for the last band. */
void mtm_sdc_bands(const double *x, long n, const double *breaks, int nbreaks, int32_t *codes,
                   mtm_arena *a, const char ***labels) {
  int nb = nbreaks - 1; /* bands */
  for (long i = 0; i < n; i++) {
    if (isnan(x[i]) || nb < 1) {
      codes[i] = MTM_SDC_NA;
      continue;
    }
    int lo = 0, hi = nb - 1; /* the last band whose lower edge <= x */
    while (lo < hi) {
      int mid = (lo + hi + 1) / 2;
      if (breaks[mid] <= x[i])
        lo = mid;
      else
        hi = mid - 1;
    }
    codes[i] = lo;
  }
  if (!labels) return;
  *labels = NULL;
  if (nb < 1 || !a) return;
  const char **l = mtm_arena_alloc(a, (size_t)nb * sizeof *l);
  for (int b = 0; b < nb; b++) {
    double lo = breaks[b], hi = breaks[b + 1];
    if (b == nb - 1)
      l[b] = mtm_arena_printf(a, "%s+", edge(a, lo));
    else if (lo == floor(lo) && hi == floor(hi))
      l[b] = mtm_arena_printf(a, "%s-%s", edge(a, lo), edge(a, hi - 1));
    else
      l[b] = mtm_arena_printf(a, "%s-<%s", edge(a, lo), edge(a, hi));
  }
  *labels = l;
}

/* Rewrites every present code through map; missing codes stay missing. */
void mtm_sdc_recode(int32_t *codes, long n, const int32_t *map) {
  for (long i = 0; i < n; i++)
    if (codes[i] >= 0) codes[i] = map[codes[i]] < 0 ? MTM_SDC_NA : map[codes[i]];
}

/* Sets every value above cap to cap; returns how many were changed. */
long mtm_sdc_topcode(double *x, long n, double cap) {
  long c = 0;
  if (isnan(cap)) return 0;
  for (long i = 0; i < n; i++)
    if (x[i] > cap) {
      x[i] = cap;
      c++;
    }
  return c;
}

/* Orders doubles ascending. */
static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The p quantile of x without its NaN, R's type 7: with the m values
 * sorted, h = (m - 1) p, x[floor h] + (h - floor h)(x[floor h + 1] -
 * x[floor h]). NaN when no value is present. */
double mtm_sdc_quantile(const double *x, long n, double p, mtm_arena *a) {
  double *v = mtm_arena_alloc(a, (size_t)(n > 0 ? n : 1) * sizeof *v);
  long m = 0;
  for (long i = 0; i < n; i++)
    if (!isnan(x[i])) v[m++] = x[i];
  if (m == 0) return NAN;
  qsort(v, (size_t)m, sizeof *v, cmp_double);
  if (p <= 0) return v[0];
  if (p >= 1) return v[m - 1];
  double h = (double)(m - 1) * p;
  long f = (long)floor(h);
  if (f + 1 >= m) return v[m - 1];
  return v[f] + (h - (double)f) * (v[f + 1] - v[f]);
}
