/* map: class breaks by quantiles and by Jenks natural breaks (the exact
 * Fisher-Jenks dynamic programme). */
#include "map/map.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Orders doubles ascending, for qsort. */
static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Quantile breaks: the i-th break is the value at rank ceil(i n / k) of
 * the sorted values (the upper end of the i-th class); breaks that repeat
 * or that equal the maximum are dropped, so every class holds values. */
static int quantiles(const double *v, int n, int k, double *breaks) {
  int nb = 0;
  for (int i = 1; i < k; i++) {
    long r = ((long)i * n + k - 1) / k; /* ceil(i n / k), 1-based rank */
    if (r < 1) r = 1;
    double b = v[r - 1];
    if (b >= v[n - 1]) continue;
    if (nb && b <= breaks[nb - 1]) continue;
    breaks[nb++] = b;
  }
  return nb;
}

/* Fisher-Jenks: the partition of the sorted values into k classes of
 * consecutive values minimising the sum of squared deviations from the
 * class means. Splits fall only between different values; ties between
 * partitions go to the one whose last class starts earliest. */
static int jenks(const double *v, int n, int k, double *breaks) {
  /* Prefix sums of values and squares, shifted by the mean for accuracy. */
  double mean = 0;
  for (int i = 0; i < n; i++) mean += v[i];
  mean /= n;
  double *s1 = mtm_xcalloc((size_t)n + 1, sizeof *s1);
  double *s2 = mtm_xcalloc((size_t)n + 1, sizeof *s2);
  for (int i = 0; i < n; i++) {
    double d = v[i] - mean;
    s1[i + 1] = s1[i] + d;
    s2[i + 1] = s2[i] + d * d;
  }
  /* cost[c][j]: best cost of the first j values in c + 1 classes;
   * from[c][j]: where its last class starts. */
  size_t cells = (size_t)k * ((size_t)n + 1);
  double *cost = mtm_xmalloc(cells * sizeof *cost);
  int *from = mtm_xmalloc(cells * sizeof *from);
#define SSD(i, j) (s2[j] - s2[i] - (s1[j] - s1[i]) * (s1[j] - s1[i]) / (double)((j) - (i)))
#define AT(c, j) ((size_t)(c) * ((size_t)n + 1) + (size_t)(j))
  for (int j = 0; j <= n; j++) {
    cost[AT(0, j)] = j ? SSD(0, j) : 0;
    from[AT(0, j)] = 0;
  }
  for (int c = 1; c < k; c++) {
    for (int j = 0; j <= n; j++) {
      double best = INFINITY;
      int at = -1;
      /* The last class is v[i..j), i >= c, and v[i - 1] < v[i]. */
      for (int i = c; i < j; i++) {
        if (!(v[i - 1] < v[i])) continue;
        double prev = cost[AT(c - 1, i)];
        if (!isfinite(prev)) continue;
        double t = prev + SSD(i, j);
        if (at < 0 || t < best - 1e-12 * fabs(best)) {
          best = t;
          at = i;
        }
      }
      cost[AT(c, j)] = best;
      from[AT(c, j)] = at;
    }
  }
  int nb = 0, j = n;
  for (int c = k - 1; c >= 1; c--) {
    int i = from[AT(c, j)];
    if (i < 1) break;
    breaks[c - 1] = v[i - 1];
    nb++;
    j = i;
  }
#undef SSD
#undef AT
  free(s1);
  free(s2);
  free(cost);
  free(from);
  return nb;
}

/* Sorts the finite values, caps the classes at the number of distinct
 * values, and computes the breaks by the chosen method. */
int mtm_map_breaks(const double *x, int n, int k, mtm_map_breaks_method m, double *breaks, int *nk,
                   mtm_err *err) {
  *nk = 0;
  if (k < 1 || k > 12) return mtm_err_set(err, MTM_EINVAL, "a map has 1 to 12 classes, not %d", k);
  if (m != MTM_MAP_QUANTILES && m != MTM_MAP_JENKS)
    return mtm_err_set(err, MTM_EINVAL, "unknown method of class breaks (%d)", (int)m);
  double *v = mtm_xmalloc(sizeof *v * (size_t)(n > 0 ? n : 1));
  int nv = 0;
  for (int i = 0; i < n; i++)
    if (isfinite(x[i])) v[nv++] = x[i];
  if (!nv) {
    free(v);
    return 0;
  }
  qsort(v, (size_t)nv, sizeof *v, cmp_double);
  int distinct = 1;
  for (int i = 1; i < nv; i++) distinct += v[i] != v[i - 1];
  if (k > distinct) k = distinct;
  int nb;
  if (k == 1)
    nb = 0;
  else if (m == MTM_MAP_QUANTILES)
    nb = quantiles(v, nv, k, breaks);
  else
    nb = jenks(v, nv, k, breaks);
  free(v);
  *nk = nb + 1;
  return 0;
}
