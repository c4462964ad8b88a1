/*
 * freq.c: frequency counts and disclosure risk, as sdcMicro's freqCalc,
 * indivRisk and measure_risk compute them (R/freqCalc.r, R/indivRisk.R,
 * R/measure_risk.R of sdcTools/sdcMicro).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sdc/internal.h"

/* Checks the shape of k; returns 0 or MTM_EINVAL with err filled. */
static int check_keys(const mtm_sdc_keys *k, mtm_err *err) {
  if (k->n < 0 || k->n > INT32_MAX)
    return mtm_err_set(err, MTM_EINVAL,
                       "statistical disclosure control takes at most %ld records, "
                       "not %ld",
                       (long)INT32_MAX, k->n);
  if (k->nkeys < 1 || k->nkeys > 32)
    return mtm_err_set(err, MTM_EINVAL,
                       "statistical disclosure control takes 1 to 32 key variables, "
                       "not %d",
                       k->nkeys);
  return 0;
}

/* Fills cells c with k's records; cell_of[i] receives record i's cell. */
static void load_cells(const mtm_sdc_keys *k, sdc_cells *c, int32_t *cell_of) {
  int32_t t[32];
  long hint = k->n / 4 < 1024 ? 1024 : k->n / 4;
  sdc_cells_init(c, k->nkeys, hint);
  for (long i = 0; i < k->n; i++) {
    for (int j = 0; j < k->nkeys; j++) t[j] = k->codes[j][i];
    long id = sdc_cells_get(c, t);
    c->cnt[id] += 1;
    c->w[id] += k->w ? k->w[i] : 1.0;
    cell_of[i] = (int32_t)id;
  }
}

/* fk and Fk of every record (sdc.h): the records are put into cells by
 * their codes, the cells counted by sdcMicro's rule, and each record
 * given its cell's counts. */
int mtm_sdc_freq(const mtm_sdc_keys *k, double *fk, double *Fk, mtm_err *err) {
  int rc = check_keys(k, err);
  if (rc) return rc;
  if (k->n == 0) return 0;
  int32_t *cell_of = mtm_xmalloc((size_t)k->n * sizeof *cell_of);
  sdc_cells c;
  load_cells(k, &c, cell_of);
  double *cf = mtm_xmalloc((size_t)c.m * sizeof *cf);
  double *cF = mtm_xmalloc((size_t)c.m * sizeof *cF);
  sdc_cells_freq(&c, cf, cF);
  for (long i = 0; i < k->n; i++) {
    fk[i] = cf[cell_of[i]];
    Fk[i] = cF[cell_of[i]];
  }
  free(cf);
  free(cF);
  free(cell_of);
  sdc_cells_free(&c);
  return 0;
}

/* The individual risk of every record, sdcMicro's indivRisk with method
 * "approx" (Benedetti and Franconi) and pk = fk / Fk:
 *   fk = 1:  pk / (1 - pk) * ln(1 / pk)
 *   fk = 2:  pk / (1 - pk) - (pk / (1 - pk))^2 * ln(1 / pk)
 *   fk > 2:  pk / (fk - (1 - pk))
 * and 1 / fk where fk == Fk (a population, or weights of 1: measure_risk's
 * risk without weights). Fk below fk (weights under 1, which no expansion
 * weight is; sdcMicro would give risks above 1, or none for Fk = 0) is
 * taken as Fk = fk. */
void mtm_sdc_indiv_risk(const double *fk, const double *Fk, long n, double *risk) {
  for (long i = 0; i < n; i++) {
    double f = fk[i], F = Fk[i], r = 0;
    if (f <= 0) {
      risk[i] = 0;
      continue;
    }
    if (F <= f) {
      risk[i] = 1 / f;
      continue;
    }
    double pk = f / F;
    if (f > 2)
      r = pk / (f - (1 - pk));
    else if (f == 2) {
      double q = pk / (1 - pk);
      r = q - q * q * log(1 / pk);
    } else if (f == 1)
      r = pk / (1 - pk) * log(1 / pk);
    risk[i] = r;
  }
}

/* The expected number of re-identifications: the sum of the individual
 * risks (measure_risk's global_risk_ER; over n it is global_risk). */
double mtm_sdc_global_risk(const double *risk, long n) {
  double s = 0;
  for (long i = 0; i < n; i++)
    if (!isnan(risk[i])) s += risk[i];
  return s;
}

/* Records whose fk is below k. */
long mtm_sdc_violations(const double *fk, long n, int k) {
  long v = 0;
  for (long i = 0; i < n; i++)
    if (fk[i] < k) v++;
  return v;
}
