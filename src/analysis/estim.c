/*
 * estim: the estimators of analysis.h (means, totals, ratios, shares,
 * quantiles) and the one-stage Taylor-linearisation variance of R's survey
 * package (survey:::onestage, onestrat, svymean.survey.design2,
 * svytotal.survey.design2, svyratio, svyciprop, svyquantile with
 * qrule_math and woodruffCI; version 4.1-1 as Debian ships it).
 */
#include "analysis/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- ids to dense indices -------------------------------------------------- */

typedef struct idmap {
  size_t cap;
  int64_t *ka, *kb;
  uint32_t *val; /* UINT32_MAX: empty */
  uint32_t count;
} idmap;

/* Mixes two 64-bit keys into a table position. */
static size_t idmap_hash(int64_t a, int64_t b, size_t cap) {
  uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ull;
  h ^= (uint64_t)b + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return (size_t)(h & (cap - 1));
}

/* Allocates an empty map for at most n keys; returns 0 or MTM_ENOMEM. */
static int idmap_init(idmap *m, size_t n) {
  size_t cap = 16;
  while (cap < 2 * n + 16) cap <<= 1;
  m->cap = cap;
  m->count = 0;
  m->ka = malloc(cap * sizeof *m->ka);
  m->kb = malloc(cap * sizeof *m->kb);
  m->val = malloc(cap * sizeof *m->val);
  if (!m->ka || !m->kb || !m->val) return MTM_ENOMEM;
  memset(m->val, 0xff, cap * sizeof *m->val);
  return 0;
}

/* Frees the map's arrays. */
static void idmap_free(idmap *m) {
  free(m->ka);
  free(m->kb);
  free(m->val);
}

/* Returns the dense index of (a, b), giving the next one to a new pair;
 * *isnew tells which. */
static uint32_t idmap_get(idmap *m, int64_t a, int64_t b, int *isnew) {
  size_t i = idmap_hash(a, b, m->cap);
  for (;;) {
    if (m->val[i] == UINT32_MAX) {
      m->ka[i] = a;
      m->kb[i] = b;
      m->val[i] = m->count++;
      *isnew = 1;
      return m->val[i];
    }
    if (m->ka[i] == a && m->kb[i] == b) {
      *isnew = 0;
      return m->val[i];
    }
    i = (i + 1) & (m->cap - 1);
  }
}

/* Builds the row->PSU and PSU->stratum indices of a design (see the header). */
int mtm_analysis_design_init(mtm_analysis_design *d, mtm_arena *a, size_t n,
                             const double *w, const int64_t *strata,
                             const int64_t *cluster, int lonely,
                             mtm_err *err) {
  memset(d, 0, sizeof *d);
  if (lonely < MTM_ANALYSIS_LONELY_ADJUST ||
      lonely > MTM_ANALYSIS_LONELY_CERTAINTY)
    return mtm_err_set(err, MTM_EINVAL,
                       "The lonely-PSU rule must be adjust, remove or "
                       "certainty.");
  if (w)
    for (size_t i = 0; i < n; i++)
      if (!(w[i] >= 0) || isinf(w[i])) {
        mtm_err_where(err, NULL, NULL, (long)i + 1, NULL, NULL);
        return mtm_err_set(err, MTM_EINVAL,
                           "The weight of row %zu is %g; a weight must be a "
                           "number of zero or more.",
                           i + 1, w[i]);
      }
  d->n = n;
  d->w = w;
  d->lonely = lonely;
  d->psu = mtm_arena_alloc(a, (n ? n : 1) * sizeof *d->psu);
  uint32_t *row_stratum = malloc((n ? n : 1) * sizeof *row_stratum);
  if (!d->psu || !row_stratum) {
    free(row_stratum);
    return mtm_err_set(err, MTM_ENOMEM, "Out of memory building the design.");
  }
  idmap sm = {0}, pm = {0};
  int rc = idmap_init(&sm, strata ? n : 1);
  if (rc == 0) rc = idmap_init(&pm, cluster ? n : 1);
  if (rc) goto fail;
  int isnew;
  for (size_t i = 0; i < n; i++)
    row_stratum[i] = strata ? idmap_get(&sm, strata[i], 0, &isnew) : 0;
  d->nstrata = strata ? sm.count : (n ? 1 : 0);
  d->rows_are_psus = !cluster;
  if (cluster) {
    for (size_t i = 0; i < n; i++)
      d->psu[i] = idmap_get(&pm, (int64_t)row_stratum[i], cluster[i], &isnew);
    d->npsu = pm.count;
  } else {
    for (size_t i = 0; i < n; i++) d->psu[i] = (uint32_t)i;
    d->npsu = n;
  }
  d->psu_stratum = mtm_arena_alloc(a, (d->npsu + 1) * sizeof *d->psu_stratum);
  d->stratum_npsu = mtm_arena_zalloc(a, (d->nstrata + 1) * sizeof *d->stratum_npsu);
  if (!d->psu_stratum || !d->stratum_npsu) {
    rc = MTM_ENOMEM;
    goto fail;
  }
  uint8_t *seen = calloc(d->npsu + 1, 1);
  if (!seen) {
    rc = MTM_ENOMEM;
    goto fail;
  }
  for (size_t i = 0; i < n; i++) {
    uint32_t p = d->psu[i];
    if (!seen[p]) {
      seen[p] = 1;
      d->psu_stratum[p] = row_stratum[i];
      d->stratum_npsu[row_stratum[i]]++;
    }
  }
  free(seen);
  idmap_free(&sm);
  idmap_free(&pm);
  free(row_stratum);
  return 0;
fail:
  idmap_free(&sm);
  idmap_free(&pm);
  free(row_stratum);
  return mtm_err_set(err, MTM_ENOMEM, "Out of memory building the design.");
}

/* ---- variance ----------------------------------------------------------- */

/* The one-stage variance from the PSU totals t (npsu of them), using the
 * scratch mean (nstrata doubles): onestrat's crossprod of the centred PSU
 * totals times n_h/(n_h-1), a lonely PSU uncentred ("adjust") or 0. */
static double var_from_totals(const mtm_analysis_design *d, const double *t,
                              double *mean) {
  for (size_t h = 0; h < d->nstrata; h++) mean[h] = 0;
  for (size_t j = 0; j < d->npsu; j++) mean[d->psu_stratum[j]] += t[j];
  for (size_t h = 0; h < d->nstrata; h++)
    if (d->stratum_npsu[h]) mean[h] /= d->stratum_npsu[h];
  double v = 0;
  for (size_t j = 0; j < d->npsu; j++) {
    uint32_t h = d->psu_stratum[j];
    double nh = d->stratum_npsu[h];
    if (nh > 1) {
      double e = t[j] - mean[h];
      v += e * e * nh / (nh - 1);
    } else if (d->lonely == MTM_ANALYSIS_LONELY_ADJUST) {
      v += t[j] * t[j];
    }
  }
  return v;
}

/* Computes the variance of the linearised total z (see the header). */
double mtm_analysis_var(const mtm_analysis_design *d, const double *z) {
  double *t = calloc(d->npsu + d->nstrata + 1, sizeof *t);
  if (!t) return NAN;
  for (size_t i = 0; i < d->n; i++) t[d->psu[i]] += z[i];
  double v = var_from_totals(d, t, t + d->npsu);
  free(t);
  return v;
}

/* ---- distributions ----------------------------------------------------------- */

/* The continued fraction of the regularised incomplete beta function
 * (modified Lentz). */
static double betacf(double a, double b, double x) {
  const double tiny = 1e-300;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, dd = 1 - qab * x / qap;
  if (fabs(dd) < tiny) dd = tiny;
  dd = 1 / dd;
  double h = dd;
  for (int m = 1; m <= 10000; m++) {
    int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    dd = 1 + aa * dd;
    if (fabs(dd) < tiny) dd = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    dd = 1 / dd;
    h *= dd * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    dd = 1 + aa * dd;
    if (fabs(dd) < tiny) dd = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    dd = 1 / dd;
    double del = dd * c;
    h *= del;
    if (fabs(del - 1) < 1e-16) break;
  }
  return h;
}

/* log Gamma(x) without lgamma's write to the global signgam, which races
 * between the analysis worker threads (ThreadSanitizer saw it). */
static double lgam(double x) {
  int sign;
  return lgamma_r(x, &sign);
}

/* log Gamma(a + 1/2) - log Gamma(a) for b = 1/2, by the asymptotic series
 * when a is large (where the difference of two lgamma values loses digits). */
static double lgamma_ratio(double a, double b) {
  if (b == 0.5 && a >= 1000)
    return 0.5 * log(a) - 1 / (8 * a) + 1 / (192 * a * a * a);
  return lgam(a + b) - lgam(a);
}

/* The regularised incomplete beta function I_x(a, b), given x and y = 1 - x
 * separately so that neither loses digits, with lx = log x, ly = log y. */
static double ibeta(double a, double b, double x, double y, double lx,
                    double ly) {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  double lf = lgamma_ratio(a, b) - lgam(b) + a * lx + b * ly;
  /* The fraction in y converges well a little past its textbook bound too,
   * which the t tails of large df need. */
  if (x < (a + 1) / (a + b + 2) && !(y < 0.5 && y * (a + b + 2) < 4 * (b + 1)))
    return exp(lf) * betacf(a, b, x) / a;
  return 1 - exp(lf) * betacf(b, a, y) / b;
}

/* The upper tail P(T > t) for t >= 0 (df <= 0 or huge: the normal):
 * 0.5 I_x(df/2, 1/2) with x = df/(df + t^2). */
static double upper_tail(double t, double df) {
  if (!(df > 0) || df > 1e12) return 0.5 * erfc(t / sqrt(2.0));
  double t2 = t * t;
  if (t2 == 0) return 0.5;
  double x = df / (df + t2), y = t2 / (df + t2);
  return 0.5 * ibeta(df / 2, 0.5, x, y, -log1p(t2 / df), log(y));
}

/* Inverts the t distribution by bisection on the upper tail, to full double
 * precision. */
double mtm_analysis_qt(double prob, double df) {
  if (!(prob > 0 && prob < 1)) return NAN;
  if (prob == 0.5) return 0;
  if (prob < 0.5) return -mtm_analysis_qt(1 - prob, df);
  double tail = 1 - prob, lo = 0, hi = 1;
  while (upper_tail(hi, df) > tail && hi < 1e300) hi *= 2;
  for (int it = 0; it < 2000; it++) {
    double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (upper_tail(mid, df) > tail)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* The two-sided tail P(|T| >= |t|) of Student's t (df <= 0: the normal),
 * for round comparison (compare.c); NaN when t is not a number. */
double mtm_analysis_pt2(double t, double df) {
  if (isnan(t)) return NAN;
  return 2 * upper_tail(fabs(t), df);
}

/* ---- common parts of the estimators -------------------------------------- */

/* Scratch for one estimate: PSU totals, stratum means and the seen flags
 * that count the design degrees of freedom. */
typedef struct scratch {
  double *t, *mean;
  uint8_t *psu_seen, *str_seen;
} scratch;

/* Allocates the scratch for k columns of PSU totals; 0 or MTM_ENOMEM. */
static int scratch_init(scratch *s, const mtm_analysis_design *d, size_t k) {
  s->t = calloc(d->npsu * k + 1, sizeof *s->t);
  s->mean = calloc(d->nstrata + 1, sizeof *s->mean);
  s->psu_seen = calloc(d->npsu + 1, 1);
  s->str_seen = calloc(d->nstrata + 1, 1);
  if (!s->t || !s->mean || !s->psu_seen || !s->str_seen) return MTM_ENOMEM;
  return 0;
}

/* Frees the scratch. */
static void scratch_free(scratch *s) {
  free(s->t);
  free(s->mean);
  free(s->psu_seen);
  free(s->str_seen);
}

/* Marks row i's PSU and stratum as used by the estimate. */
static inline void mark(const mtm_analysis_design *d, scratch *s, size_t i) {
  uint32_t p = d->psu[i];
  s->psu_seen[p] = 1;
  s->str_seen[d->psu_stratum[p]] = 1;
}

/* degf(): PSUs minus strata with a row in the estimate. */
static long degf(const mtm_analysis_design *d, const scratch *s) {
  long np = 0, ns = 0;
  for (size_t j = 0; j < d->npsu; j++) np += s->psu_seen[j];
  for (size_t h = 0; h < d->nstrata; h++) ns += s->str_seen[h];
  return np - ns;
}

/* The critical value of the interval: the normal or t quantile; a quantile
 * (force_t) always takes t on its own rows' df. */
static double crit(const mtm_analysis_opts *o, long df, int force_t) {
  double level = o && o->level > 0 ? o->level : 0.95;
  double p = 1 - (1 - level) / 2;
  if (o && o->design_df == MTM_ANALYSIS_DF_FIXED && !force_t)
    return o->df > 0 ? mtm_analysis_qt(p, o->df) : NAN;
  if ((o && o->design_df) || force_t)
    return df > 0 ? mtm_analysis_qt(p, (double)df) : NAN;
  return mtm_analysis_qt(p, 0);
}

/* Fills an empty result: NaN estimate, zero counts. */
static void est_empty(mtm_analysis_est *e) {
  e->est = e->se = e->low = e->upp = e->deff = e->deff_replace = NAN;
  e->n = e->n_total = e->n_w = e->n_w_total = 0;
  e->df = 0;
}

/* The weight of row i. */
static inline double wt(const mtm_analysis_design *d, size_t i) {
  return d->w ? d->w[i] : 1.0;
}

/* Whether row i belongs to the estimate: in the domain, positive weight. */
static inline int in_dom(const mtm_analysis_design *d, const uint8_t *dom,
                         size_t i) {
  return (!dom || dom[i]) && wt(d, i) > 0;
}

/* Sets the Wald interval, or the logit one for a share when asked. */
static void set_ci(mtm_analysis_est *e, double q, int logit) {
  if (logit) {
    double p = e->est;
    if (p > 0 && p < 1) {
      double l = log(p / (1 - p)), s = e->se / (p * (1 - p));
      e->low = 1 / (1 + exp(-(l - q * s)));
      e->upp = 1 / (1 + exp(-(l + q * s)));
    } else {
      e->low = e->upp = NAN;
    }
    return;
  }
  e->low = e->est - q * e->se;
  e->upp = e->est + q * e->se;
}

/* ---- estimators ---------------------------------------------------------- */

/* Mean and total share their passes: kind 0 is the mean, 1 the total. */
static void mean_or_total(const mtm_analysis_design *d, const double *y,
                          const uint8_t *dom, const mtm_analysis_opts *o,
                          mtm_analysis_est *out, int total) {
  est_empty(out);
  scratch s = {0};
  if (scratch_init(&s, d, 1)) {
    scratch_free(&s);
    return;
  }
  long double psum = 0, swy = 0;
  size_t nobs = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (!in_dom(d, dom, i) || isnan(y[i])) continue;
    double w = wt(d, i);
    psum += w;
    swy += (long double)w * y[i];
    nobs++;
    mark(d, &s, i);
  }
  out->n = out->n_total = (double)nobs;
  out->n_w = out->n_w_total = (double)psum;
  out->df = degf(d, &s);
  if (nobs == 0) {
    scratch_free(&s);
    return;
  }
  double W = (double)psum, mean = (double)(swy / psum);
  long double ss = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (!in_dom(d, dom, i) || isnan(y[i])) continue;
    double w = wt(d, i), e = y[i] - mean;
    s.t[d->psu[i]] += total ? w * y[i] : w * e / W;
    ss += (long double)w * e * e;
  }
  double v = var_from_totals(d, s.t, s.mean);
  out->est = total ? (double)swy : mean;
  out->se = sqrt(v);
  double n = (double)nobs;
  double svyvar = nobs > 1 ? (double)(ss / psum) * n / (n - 1) : NAN;
  double k = total ? W * W : 1;
  double vsrs = W < n ? NAN : svyvar * k * (W - n) / (W * n);
  out->deff = v / vsrs;
  out->deff_replace = v / (svyvar * k / n);
  set_ci(out, crit(o, out->df, 0), 0);
  scratch_free(&s);
}

/* svymean(~y, design, na.rm=TRUE), see the header. */
void mtm_analysis_mean(const mtm_analysis_design *d, const double *y,
                       const uint8_t *dom, const mtm_analysis_opts *o,
                       mtm_analysis_est *out) {
  mean_or_total(d, y, dom, o, out, 0);
}

/* svytotal(~y, design, na.rm=TRUE), see the header. */
void mtm_analysis_total(const mtm_analysis_design *d, const double *y,
                        const uint8_t *dom, const mtm_analysis_opts *o,
                        mtm_analysis_est *out) {
  mean_or_total(d, y, dom, o, out, 1);
}

/* svyratio(~y, ~x, design, na.rm=TRUE), see the header. */
void mtm_analysis_ratio(const mtm_analysis_design *d, const double *y,
                        const double *x, const uint8_t *dom,
                        const mtm_analysis_opts *o, mtm_analysis_est *out) {
  est_empty(out);
  scratch s = {0};
  if (scratch_init(&s, d, 1)) {
    scratch_free(&s);
    return;
  }
  long double psum = 0, swy = 0, swx = 0;
  size_t nobs = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (!in_dom(d, dom, i) || isnan(y[i]) || isnan(x[i])) continue;
    double w = wt(d, i);
    psum += w;
    swy += (long double)w * y[i];
    swx += (long double)w * x[i];
    nobs++;
    mark(d, &s, i);
  }
  out->n = out->n_total = (double)nobs;
  out->n_w = out->n_w_total = (double)psum;
  out->df = degf(d, &s);
  if (nobs == 0 || swx == 0) {
    scratch_free(&s);
    return;
  }
  double X = (double)swx, r = (double)swy / X;
  for (size_t i = 0; i < d->n; i++) {
    if (!in_dom(d, dom, i) || isnan(y[i]) || isnan(x[i])) continue;
    s.t[d->psu[i]] += wt(d, i) * (y[i] - r * x[i]) / X;
  }
  out->est = r;
  out->se = sqrt(var_from_totals(d, s.t, s.mean));
  set_ci(out, crit(o, out->df, 0), 0);
  scratch_free(&s);
}

static int shares_by_rows(const mtm_analysis_design *d, const int32_t *codes,
                          size_t K, const int32_t *group, size_t G,
                          const uint8_t *dom, const mtm_analysis_opts *o,
                          mtm_analysis_est *out);

/* The shares of every level in two passes over the rows, see the header. */
int mtm_analysis_shares(const mtm_analysis_design *d, const int32_t *codes,
                        int nlev, const uint8_t *dom,
                        const mtm_analysis_opts *o, mtm_analysis_est *out) {
  for (int k = 0; k < nlev; k++) est_empty(&out[k]);
  if (nlev <= 0) return 0;
  size_t K = (size_t)nlev;
  if (d->rows_are_psus) /* per-stratum moments: no n x K array */
    return shares_by_rows(d, codes, K, NULL, 1, dom, o, out);
  scratch s = {0};
  long double *wk = calloc(K, sizeof *wk);
  double *nk = calloc(K, sizeof *nk);
  double *wpsu = calloc(d->npsu + 1, sizeof *wpsu);
  if (!wk || !nk || !wpsu || scratch_init(&s, d, K)) {
    free(wk);
    free(nk);
    free(wpsu);
    scratch_free(&s);
    return MTM_ENOMEM;
  }
  long double psum = 0;
  size_t nobs = 0;
  /* t[p*K + k] gathers the weight of level k in PSU p, wpsu[p] the weight
   * of every answered row of PSU p. */
  for (size_t i = 0; i < d->n; i++) {
    int32_t c = codes[i];
    if (c < 0 || c >= nlev || !in_dom(d, dom, i)) continue;
    double w = wt(d, i);
    uint32_t p = d->psu[i];
    psum += w;
    wk[c] += w;
    nk[c] += 1;
    nobs++;
    wpsu[p] += w;
    s.t[(size_t)p * K + (size_t)c] += w;
    mark(d, &s, i);
  }
  long df = degf(d, &s);
  double W = (double)psum, n = (double)nobs;
  double *tk = calloc(d->npsu + 1, sizeof *tk);
  if (!tk) {
    free(wk);
    free(nk);
    free(wpsu);
    scratch_free(&s);
    return MTM_ENOMEM;
  }
  double q = nobs ? crit(o, df, 0) : NAN;
  for (size_t k = 0; k < K; k++) {
    mtm_analysis_est *e = &out[k];
    e->n = nk[k];
    e->n_total = n;
    e->n_w = (double)wk[k];
    e->n_w_total = W;
    e->df = df;
    if (!nobs) continue;
    double p = (double)(wk[k] / psum);
    for (size_t j = 0; j < d->npsu; j++)
      tk[j] = (s.t[j * K + k] - p * wpsu[j]) / W;
    double v = var_from_totals(d, tk, s.mean);
    e->est = p;
    e->se = sqrt(v);
    double svyvar = nobs > 1 ? p * (1 - p) * n / (n - 1) : NAN;
    double vsrs = W < n ? NAN : svyvar * (W - n) / (W * n);
    e->deff = v / vsrs;
    e->deff_replace = v / (svyvar / n);
    set_ci(e, q, o && o->ci == MTM_ANALYSIS_CI_LOGIT);
  }
  free(tk);
  free(wk);
  free(nk);
  free(wpsu);
  scratch_free(&s);
  return 0;
}

/* ---- shares by group ---------------------------------------------------- */

/* Fills level k's result of one group from its totals: the share p = wk/W,
 * its variance v, the counts and the interval. */
static void share_result(mtm_analysis_est *e, double wk, double nk, double W,
                         double n, double v, long df,
                         const mtm_analysis_opts *o) {
  e->n = nk;
  e->n_total = n;
  e->n_w = wk;
  e->n_w_total = W;
  e->df = df;
  if (!(n > 0)) return;
  double p = wk / W;
  e->est = p;
  e->se = sqrt(v);
  double svyvar = n > 1 ? p * (1 - p) * n / (n - 1) : NAN;
  double vsrs = W < n ? NAN : svyvar * (W - n) / (W * n);
  e->deff = v / vsrs;
  e->deff_replace = v / (svyvar / n);
  set_ci(e, crit(o, df, 0), o && o->ci == MTM_ANALYSIS_CI_LOGIT);
}

/* Shares by group when every row is its own PSU: per group, stratum and
 * level the sums of w and w^2 give the sum and the sum of squares of the
 * linearised values in each stratum, so the variance needs no PSU array. */
static int shares_by_rows(const mtm_analysis_design *d, const int32_t *codes,
                          size_t K, const int32_t *group, size_t G,
                          const uint8_t *dom, const mtm_analysis_opts *o,
                          mtm_analysis_est *out) {
  size_t H = d->nstrata;
  long double *sw = calloc(G * H * (K + 1), sizeof *sw);
  long double *sw2 = calloc(G * H * (K + 1), sizeof *sw2);
  double *nk = calloc(G * (K + 1), sizeof *nk);
  if (!sw || !sw2 || !nk) {
    free(sw);
    free(sw2);
    free(nk);
    return MTM_ENOMEM;
  }
  for (size_t i = 0; i < d->n; i++) {
    int32_t c = codes[i];
    int32_t g = group ? group[i] : 0;
    if (c < 0 || (size_t)c >= K || g < 0 || (size_t)g >= G || !in_dom(d, dom, i))
      continue;
    double w = wt(d, i);
    size_t base = ((size_t)g * H + d->psu_stratum[i]) * (K + 1);
    sw[base + (size_t)c] += w;
    sw2[base + (size_t)c] += (long double)w * w;
    sw[base + K] += w;
    sw2[base + K] += (long double)w * w;
    nk[(size_t)g * (K + 1) + (size_t)c] += 1;
    nk[(size_t)g * (K + 1) + K] += 1;
  }
  for (size_t g = 0; g < G; g++) {
    long double W = 0, wk[K + 1];
    long strata = 0;
    for (size_t k = 0; k <= K; k++) wk[k] = 0;
    for (size_t h = 0; h < H; h++) {
      const long double *a = &sw[(g * H + h) * (K + 1)];
      for (size_t k = 0; k <= K; k++) wk[k] += a[k];
      W += a[K];
      strata += a[K] > 0;
    }
    double n = nk[g * (K + 1) + K];
    long df = (long)n - strata;
    for (size_t k = 0; k < K; k++) {
      double p = (double)(wk[k] / W), Wd = (double)W;
      long double v = 0;
      for (size_t h = 0; h < H && n > 0; h++) {
        const long double *a = &sw[(g * H + h) * (K + 1)];
        const long double *a2 = &sw2[(g * H + h) * (K + 1)];
        if (a[K] == 0) continue;
        long double sum = (a[k] - p * a[K]) / Wd;
        long double sq = (a2[k] * (1 - 2 * (long double)p) +
                          (long double)p * p * a2[K]) / ((long double)Wd * Wd);
        double nh = d->stratum_npsu[h];
        if (nh > 1)
          v += (sq - sum * sum / nh) * nh / (nh - 1);
        else if (d->lonely == MTM_ANALYSIS_LONELY_ADJUST)
          v += sq;
      }
      mtm_analysis_est *e = &out[g * K + k];
      share_result(e, (double)wk[k], nk[g * (K + 1) + k], Wd, n, (double)v,
                   df, o);
    }
  }
  free(sw);
  free(sw2);
  free(nk);
  return 0;
}

/* degf() of a domain from the PSUs it uses (psu_seen[p] nonzero): those
 * PSUs minus the strata they lie in. */
static long degf_seen(const mtm_analysis_design *d, const uint8_t *psu_seen) {
  uint8_t small[256], *seen = d->nstrata <= sizeof small ? small : calloc(d->nstrata, 1);
  if (seen == small) memset(small, 0, sizeof small);
  long np = 0, ns = 0;
  for (size_t j = 0; j < d->npsu; j++)
    if (psu_seen[j]) {
      np++;
      uint32_t h = d->psu_stratum[j];
      if (seen && !seen[h]) seen[h] = 1, ns++;
    }
  if (!seen) /* no memory for the flags: a slower count without them */
    for (size_t h = 0; h < d->nstrata; h++)
      for (size_t j = 0; j < d->npsu; j++)
        if (psu_seen[j] && d->psu_stratum[j] == h) {
          ns++;
          break;
        }
  if (seen != small) free(seen);
  return np - ns;
}

/* degf() of the marked rows with a positive weight (see the header). */
long mtm_analysis_degf(const mtm_analysis_design *d, const uint8_t *rows) {
  uint8_t *seen = calloc(d->npsu + 1, 1);
  if (!seen) return 0;
  for (size_t i = 0; i < d->n; i++)
    if (in_dom(d, rows, i)) seen[d->psu[i]] = 1;
  long df = degf_seen(d, seen);
  free(seen);
  return df;
}

/* The row pass of mtm_analysis_shares_by: the weight of every level and of
 * every answered row per group and PSU (acc) and per group (wk, in long
 * double, in row order), the rows of every level per group (cnt) and the
 * PSUs used per group. With one (G is 1) the group's total runs in a
 * register; the sums are the same. */
static inline void shares_pass(const mtm_analysis_design *d, const int32_t *codes, size_t K,
                               const int32_t *group, size_t G, const uint8_t *dom, double *acc,
                               long double *wk, uint32_t *cnt, uint8_t *psu_seen, int one) {
  size_t P = d->npsu;
  long double tot = 0;
  for (size_t i = 0; i < d->n; i++) {
    int32_t c = codes[i];
    int32_t g = group ? group[i] : 0;
    if (c < 0 || (size_t)c >= K || g < 0 || (size_t)g >= G || !in_dom(d, dom, i))
      continue;
    double w = wt(d, i);
    size_t gp = (size_t)g * P + d->psu[i];
    double *a = &acc[gp * (K + 1)];
    a[c] += w;
    a[K] += w;
    long double *gw = &wk[(size_t)g * (K + 1)];
    gw[c] += w;
    if (one)
      tot += w;
    else
      gw[K] += w;
    cnt[(size_t)g * K + (size_t)c]++;
    psu_seen[gp] = 1;
  }
  if (one) wk[K] = tot;
}

/* nk[g*(K+1) + k] = cnt[g*K + k] and nk[g*(K+1) + K] their sum (exact:
 * whole numbers far below 2^53). */
static void counts(const uint32_t *cnt, size_t K, size_t G, double *nk) {
  for (size_t g = 0; g < G; g++) {
    double n = 0;
    for (size_t k = 0; k < K; k++) {
      nk[g * (K + 1) + k] = cnt[g * K + k];
      n += cnt[g * K + k];
    }
    nk[g * (K + 1) + K] = n;
  }
}

/* The shares of K levels (or options) in G groups from the PSU totals of
 * one pass (acc[(g*P + p)*(K+1) + k], [K] every answered row; wk, nk the
 * weights and counts per group, [K] the group's): each share with its
 * Taylor-linearised variance, as R survey's svymean of the indicator in
 * the domain. tk and mean are scratch (P and nstrata entries). */
static void shares_finish(const mtm_analysis_design *d, const double *acc, const long double *wk,
                          const double *nk, const uint8_t *psu_seen, size_t K, size_t G,
                          double *tk, double *mean, const mtm_analysis_opts *o,
                          mtm_analysis_est *out) {
  size_t P = d->npsu;
  for (size_t g = 0; g < G; g++) {
    long df = degf_seen(d, &psu_seen[g * P]);
    double W = (double)wk[g * (K + 1) + K], n = nk[g * (K + 1) + K];
    for (size_t k = 0; k < K; k++) {
      double v = NAN;
      if (n > 0) {
        double p = (double)(wk[g * (K + 1) + k] / wk[g * (K + 1) + K]);
        const double *a = &acc[g * P * (K + 1)];
        for (size_t j = 0; j < P; j++)
          tk[j] = (a[j * (K + 1) + k] - p * a[j * (K + 1) + K]) / W;
        v = var_from_totals(d, tk, mean);
      }
      share_result(&out[g * K + k], (double)wk[g * (K + 1) + k],
                   nk[g * (K + 1) + k], W, n, v, df, o);
    }
  }
}

/* Shares by group from PSU totals kept per group: one pass over the rows,
 * then K variance passes over the PSUs of each group. */
int mtm_analysis_shares_by(const mtm_analysis_design *d, const int32_t *codes,
                           int nlev, const int32_t *group, int ngroup,
                           const uint8_t *dom, const mtm_analysis_opts *o,
                           mtm_analysis_est *out) {
  if (!group) ngroup = 1;
  if (nlev <= 0 || ngroup <= 0) return 0;
  size_t K = (size_t)nlev, G = (size_t)ngroup, P = d->npsu;
  for (size_t j = 0; j < G * K; j++) est_empty(&out[j]);
  if (d->rows_are_psus)
    return shares_by_rows(d, codes, K, group, G, dom, o, out);
  if (G * P * (K + 1) > ((size_t)1 << 26)) {
    /* Too many PSU totals to hold at once: one domain at a time. */
    uint8_t *mask = malloc(d->n + 1);
    if (!mask) return MTM_ENOMEM;
    int rc = 0;
    for (size_t g = 0; g < G && rc == 0; g++) {
      for (size_t i = 0; i < d->n; i++)
        mask[i] = group[i] == (int32_t)g && (!dom || dom[i]);
      rc = mtm_analysis_shares(d, codes, nlev, mask, o, &out[g * K]);
    }
    free(mask);
    return rc;
  }
  double *acc = calloc(G * P * (K + 1) + 1, sizeof *acc);
  uint8_t *psu_seen = calloc(G * P + 1, 1);
  long double *wk = calloc(G * (K + 1), sizeof *wk);
  double *nk = calloc(G * (K + 1), sizeof *nk);
  uint32_t *cnt = calloc(G * K + 1, sizeof *cnt);
  double *tk = calloc(P + 1, sizeof *tk);
  double *mean = calloc(d->nstrata + 1, sizeof *mean);
  int rc = MTM_ENOMEM;
  if (!acc || !psu_seen || !wk || !cnt || !nk || !tk || !mean) goto done;
  if (G == 1)
    shares_pass(d, codes, K, group, 1, dom, acc, wk, cnt, psu_seen, 1);
  else
    shares_pass(d, codes, K, group, G, dom, acc, wk, cnt, psu_seen, 0);
  counts(cnt, K, G, nk);
  shares_finish(d, acc, wk, nk, psu_seen, K, G, tk, mean, o, out);
  rc = 0;
done:
  free(acc);
  free(psu_seen);
  free(cnt);
  free(wk);
  free(nk);
  free(tk);
  free(mean);
  return rc;
}

/* ---- quantiles ----------------------------------------------------------- */

/* The sort key of a double: its bits, flipped so that unsigned order is
 * numeric order (-0 sorts before +0, which compare equal and never meet in
 * a quantile's answer). */
static inline uint64_t dkey(double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}

/* Sorts the m rows idx by key with a stable least-significant-digit radix
 * sort of 8-bit digits, skipping digits every key shares; ties keep the
 * row order, as R's order(). Returns 0 or MTM_ENOMEM. */
static int radix_sort(uint64_t *key, uint32_t *idx, size_t m) {
  uint64_t *k2 = malloc((m + 1) * sizeof *k2);
  uint32_t *i2 = malloc((m + 1) * sizeof *i2);
  if (!k2 || !i2) {
    free(k2);
    free(i2);
    return MTM_ENOMEM;
  }
  uint64_t *ka = key, *kb = k2;
  uint32_t *ia = idx, *ib = i2;
  for (int shift = 0; shift < 64; shift += 8) {
    size_t count[256] = {0};
    for (size_t j = 0; j < m; j++) count[(ka[j] >> shift) & 0xff]++;
    if (m == 0 || count[(ka[0] >> shift) & 0xff] == m) continue;
    size_t pos = 0;
    for (int b = 0; b < 256; b++) {
      size_t c = count[b];
      count[b] = pos;
      pos += c;
    }
    for (size_t j = 0; j < m; j++) {
      size_t o = count[(ka[j] >> shift) & 0xff]++;
      kb[o] = ka[j];
      ib[o] = ia[j];
    }
    uint64_t *tk = ka;
    ka = kb;
    kb = tk;
    uint32_t *ti = ia;
    ia = ib;
    ib = ti;
  }
  if (ia != idx) memcpy(idx, ia, m * sizeof *idx);
  free(k2);
  free(i2);
  return 0;
}

/* Sorts the rows with a value of y once, so that every domain's quantile
 * reuses the order (see the header). */
uint32_t *mtm_analysis_order(const mtm_analysis_design *d, const double *y,
                             size_t *m) {
  size_t c = 0;
  for (size_t i = 0; i < d->n; i++) c += !isnan(y[i]);
  uint32_t *idx = malloc((c + 1) * sizeof *idx);
  uint64_t *key = malloc((c + 1) * sizeof *key);
  if (!idx || !key) {
    free(idx);
    free(key);
    return NULL;
  }
  size_t j = 0;
  for (size_t i = 0; i < d->n; i++)
    if (!isnan(y[i])) {
      idx[j] = (uint32_t)i;
      key[j++] = dkey(y[i]);
    }
  if (radix_sort(key, idx, c)) {
    free(idx);
    free(key);
    return NULL;
  }
  free(key);
  *m = c;
  return idx;
}

/* qrule_math on the sorted values: the last position whose cumulative
 * weight is <= p*S (the first when none), then the next value unless the
 * cumulative share equals p exactly (survey:::qs). */
static double qrule_math(const double *ys, const double *cumw, size_t m,
                         double S, double p) {
  double lim = p * S;
  size_t lo = 0, hi = m; /* count of cumw <= lim */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cumw[mid] <= lim)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t pos = lo ? lo : 1; /* 1-based, as survey:::last */
  size_t next = pos == m ? pos : pos + 1;
  double wlow = p - cumw[pos - 1] / S;
  return wlow == 0 ? ys[pos - 1] : ys[next - 1];
}

/* svyquantile(~y, design, p, na.rm=TRUE) on a precomputed order. */
int mtm_analysis_quantile_sorted(const mtm_analysis_design *d,
                                 const double *y, const uint32_t *order,
                                 size_t norder, double p, const uint8_t *dom,
                                 const mtm_analysis_opts *o,
                                 mtm_analysis_est *out) {
  est_empty(out);
  scratch s = {0};
  double *ys = malloc((norder + 1) * sizeof *ys);
  double *cumw = malloc((norder + 1) * sizeof *cumw);
  if (!ys || !cumw || scratch_init(&s, d, 1)) {
    free(ys);
    free(cumw);
    scratch_free(&s);
    return MTM_ENOMEM;
  }
  /* R sums the weights in row order (sum(w)) but accumulates them in value
   * order (cumsum), both in long double. */
  long double S = 0, run = 0;
  size_t m = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (!in_dom(d, dom, i) || isnan(y[i])) continue;
    S += wt(d, i);
    m++;
    mark(d, &s, i);
  }
  size_t j = 0;
  for (size_t k = 0; k < norder; k++) {
    uint32_t i = order[k];
    if (!in_dom(d, dom, i)) continue;
    run += wt(d, i);
    ys[j] = y[i];
    cumw[j++] = (double)run;
  }
  out->n = out->n_total = (double)m;
  out->n_w = out->n_w_total = (double)S;
  out->df = degf(d, &s);
  if (m == 0 || j != m) goto done;
  double Sd = (double)S;
  double qhat = qrule_math(ys, cumw, m, Sd, p);
  out->est = qhat;
  /* Woodruff: the mean of y <= qhat with its design SE, its interval with
   * the t quantile on the design df, mapped back through the rule. */
  long double below = 0;
  for (size_t i = 0; i < d->n; i++)
    if (in_dom(d, dom, i) && !isnan(y[i]) && y[i] <= qhat) below += wt(d, i);
  double pm = (double)(below / S);
  for (size_t i = 0; i < d->n; i++) {
    if (!in_dom(d, dom, i) || isnan(y[i])) continue;
    s.t[d->psu[i]] += wt(d, i) * ((y[i] <= qhat ? 1.0 : 0.0) - pm) / Sd;
  }
  double sem = sqrt(var_from_totals(d, s.t, s.mean));
  double q = crit(o, out->df, 1);
  double pl = pm - q * sem, pu = pm + q * sem;
  out->low = (isnan(pl) || pl < 0) ? NAN : qrule_math(ys, cumw, m, Sd, pl);
  out->upp = (isnan(pu) || pu > 1) ? NAN : qrule_math(ys, cumw, m, Sd, pu);
  out->se = (out->upp - out->low) / (2 * q);
done:
  free(ys);
  free(cumw);
  scratch_free(&s);
  return 0;
}

/* svyquantile(~y, design, p, na.rm=TRUE) with its defaults, see the header. */
int mtm_analysis_quantile(const mtm_analysis_design *d, const double *y,
                          double p, const uint8_t *dom,
                          const mtm_analysis_opts *o, mtm_analysis_est *out) {
  size_t m = 0;
  uint32_t *order = mtm_analysis_order(d, y, &m);
  if (!order) {
    est_empty(out);
    return MTM_ENOMEM;
  }
  int rc = mtm_analysis_quantile_sorted(d, y, order, m, p, dom, o, out);
  free(order);
  return rc;
}

/* ---- fused passes for the default plan ------------------------------------ */

/* The shares of the options of a select_multiple in every group, as
 * mtm_analysis_shares_by with the codes 0/1 of each option, in one pass
 * over the rows for all options (see the header). */
/* The row pass of mtm_analysis_options_by, as shares_pass with every
 * ticked option of a row counted as its level; cnt[g*(K+1) + K] counts the
 * answered rows of group g. */
static inline void options_pass(const mtm_analysis_design *d, const uint64_t *bits, int words,
                                const uint64_t *missing, size_t K, const int32_t *group, size_t G,
                                const uint8_t *dom, double *acc, long double *wk, uint32_t *cnt,
                                uint8_t *psu_seen, int one) {
  size_t P = d->npsu;
  long double tot = 0;
  for (size_t i = 0; i < d->n; i++) {
    int32_t g = group ? group[i] : 0;
    if ((missing[i >> 6] >> (i & 63)) & 1 || g < 0 || (size_t)g >= G || !in_dom(d, dom, i))
      continue;
    double w = wt(d, i);
    size_t gp = (size_t)g * P + d->psu[i];
    double *a = &acc[gp * (K + 1)];
    long double *gw = &wk[(size_t)g * (K + 1)];
    uint32_t *gn = &cnt[(size_t)g * (K + 1)];
    a[K] += w;
    gn[K]++;
    if (one)
      tot += w;
    else
      gw[K] += w;
    const uint64_t *b = &bits[i * (size_t)words];
    for (int wi = 0; wi < words; wi++)
      for (uint64_t x = b[wi]; x; x &= x - 1) {
        size_t k = (size_t)wi * 64 + (size_t)__builtin_ctzll(x);
        if (k >= K) continue;
        a[k] += w;
        gw[k] += w;
        gn[k]++;
      }
    psu_seen[gp] = 1;
  }
  if (one) wk[K] = tot;
}

int mtm_analysis_options_by(const mtm_analysis_design *d, const uint64_t *bits,
                            int words, const uint64_t *missing, int nopt,
                            const int32_t *group, int ngroup, const uint8_t *dom,
                            const mtm_analysis_opts *o, mtm_analysis_est *out) {
  if (!group) ngroup = 1;
  if (nopt <= 0 || ngroup <= 0) return 0;
  size_t K = (size_t)nopt, G = (size_t)ngroup, P = d->npsu;
  for (size_t j = 0; j < G * K; j++) est_empty(&out[j]);
  if (d->rows_are_psus || G * P * (K + 1) > ((size_t)1 << 26) || nopt > 64 * words)
    return 1;
  /* acc[(g*P + p)*(K+1) + i]: the weight of option i in PSU p of group g,
   * [K] of every answered row; wk, nk the same per group. The sums run in
   * row order as in mtm_analysis_shares_by, so the figures are the same. */
  double *acc = calloc(G * P * (K + 1) + 1, sizeof *acc);
  uint8_t *psu_seen = calloc(G * P + 1, 1);
  long double *wk = calloc(G * (K + 1), sizeof *wk);
  double *nk = calloc(G * (K + 1), sizeof *nk);
  uint32_t *cnt = calloc(G * (K + 1), sizeof *cnt);
  double *tk = calloc(P + 1, sizeof *tk);
  double *mean = calloc(d->nstrata + 1, sizeof *mean);
  int rc = MTM_ENOMEM;
  if (!acc || !psu_seen || !wk || !nk || !cnt || !tk || !mean) goto done;
  if (G == 1)
    options_pass(d, bits, words, missing, K, group, 1, dom, acc, wk, cnt, psu_seen, 1);
  else
    options_pass(d, bits, words, missing, K, group, G, dom, acc, wk, cnt, psu_seen, 0);
  for (size_t j = 0; j < G * (K + 1); j++) nk[j] = cnt[j];
  shares_finish(d, acc, wk, nk, psu_seen, K, G, tk, mean, o, out);
  rc = 0;
done:
  free(acc);
  free(psu_seen);
  free(cnt);
  free(wk);
  free(nk);
  free(tk);
  free(mean);
  return rc;
}

/* The mean of y in every group, as mean_or_total with the domain of each
 * group, in two passes over the rows for all groups (see the header). */
int mtm_analysis_mean_by(const mtm_analysis_design *d, const double *y, const int32_t *group,
                         int ngroup, const uint8_t *dom, const mtm_analysis_opts *o,
                         mtm_analysis_est *out) {
  size_t G = (size_t)ngroup, P = d->npsu, H = d->nstrata;
  for (size_t g = 0; g < G; g++) est_empty(&out[g]);
  if (G * (P + 1) > ((size_t)1 << 26)) return 1;
  long double *psum = calloc(G + 1, sizeof *psum), *swy = calloc(G + 1, sizeof *swy);
  long double *ss = calloc(G + 1, sizeof *ss);
  size_t *nobs = calloc(G + 1, sizeof *nobs);
  double *mu = calloc(G + 1, sizeof *mu);
  double *t = calloc(G * P + 1, sizeof *t);
  double *mean = calloc(H + 1, sizeof *mean);
  uint8_t *psu_seen = calloc(G * P + 1, 1);
  int rc = MTM_ENOMEM;
  if (!psum || !swy || !ss || !nobs || !mu || !t || !mean || !psu_seen) goto done;
  for (size_t i = 0; i < d->n; i++) {
    int32_t g = group[i];
    if (g < 0 || (size_t)g >= G || !in_dom(d, dom, i) || isnan(y[i])) continue;
    double w = wt(d, i);
    psum[g] += w;
    swy[g] += (long double)w * y[i];
    nobs[g]++;
    psu_seen[(size_t)g * P + d->psu[i]] = 1;
  }
  for (size_t g = 0; g < G; g++)
    if (nobs[g]) mu[g] = (double)(swy[g] / psum[g]);
  for (size_t i = 0; i < d->n; i++) {
    int32_t g = group[i];
    if (g < 0 || (size_t)g >= G || !in_dom(d, dom, i) || isnan(y[i])) continue;
    double w = wt(d, i), e = y[i] - mu[g];
    t[(size_t)g * P + d->psu[i]] += w * e / (double)psum[g];
    ss[g] += (long double)w * e * e;
  }
  for (size_t g = 0; g < G; g++) {
    mtm_analysis_est *e = &out[g];
    e->n = e->n_total = (double)nobs[g];
    e->n_w = e->n_w_total = (double)psum[g];
    e->df = degf_seen(d, &psu_seen[g * P]);
    if (!nobs[g]) continue;
    double W = (double)psum[g], v = var_from_totals(d, &t[g * P], mean);
    e->est = mu[g];
    e->se = sqrt(v);
    double n = (double)nobs[g];
    double svyvar = nobs[g] > 1 ? (double)(ss[g] / psum[g]) * n / (n - 1) : NAN;
    double vsrs = W < n ? NAN : svyvar * (W - n) / (W * n);
    e->deff = v / vsrs;
    e->deff_replace = v / (svyvar / n);
    set_ci(e, crit(o, e->df, 0), 0);
  }
  rc = 0;
done:
  free(psum);
  free(swy);
  free(ss);
  free(nobs);
  free(mu);
  free(t);
  free(mean);
  free(psu_seen);
  return rc;
}

/* The quantile p of y in every group, as mtm_analysis_quantile_sorted with
 * the domain of each group, in three passes over the rows and one over the
 * order for all groups (see the header). */
int mtm_analysis_quantile_by(const mtm_analysis_design *d, const double *y,
                             const uint32_t *order, size_t norder, const double *ysorted,
                             const double *wsorted, double p, const int32_t *group, int ngroup,
                             const uint8_t *dom, const mtm_analysis_opts *o,
                             mtm_analysis_est *out) {
  size_t G = (size_t)ngroup, P = d->npsu, H = d->nstrata;
  for (size_t g = 0; g < G; g++) est_empty(&out[g]);
  if (G * (P + 1) > ((size_t)1 << 26)) return 1;
  long double *S = calloc(G + 1, sizeof *S), *run = calloc(G + 1, sizeof *run);
  long double *below = calloc(G + 1, sizeof *below);
  size_t *m = calloc(G + 1, sizeof *m), *off = calloc(G + 1, sizeof *off);
  size_t *j = calloc(G + 1, sizeof *j);
  double *qhat = calloc(G + 1, sizeof *qhat), *pm = calloc(G + 1, sizeof *pm);
  double *ys = malloc((norder + 1) * sizeof *ys), *cumw = malloc((norder + 1) * sizeof *cumw);
  double *t = calloc(G * P + 1, sizeof *t), *mean = calloc(H + 1, sizeof *mean);
  uint8_t *psu_seen = calloc(G * P + 1, 1);
  int rc = MTM_ENOMEM;
  if (!S || !run || !below || !m || !off || !j || !qhat || !pm || !ys || !cumw || !t || !mean ||
      !psu_seen)
    goto done;
  /* R sums the weights in row order (sum(w)) but accumulates them in value
   * order (cumsum), both in long double; each group's values and running
   * sums go to their own slice of ys and cumw. */
  for (size_t i = 0; i < d->n; i++) {
    int32_t g = group[i];
    if (g < 0 || (size_t)g >= G || !in_dom(d, dom, i) || isnan(y[i])) continue;
    S[g] += wt(d, i);
    m[g]++;
    psu_seen[(size_t)g * P + d->psu[i]] = 1;
  }
  for (size_t g = 1; g < G; g++) off[g] = off[g - 1] + m[g - 1];
  if (G && off[G - 1] + m[G - 1] > norder) goto bad;
  for (size_t k = 0; k < norder; k++) {
    uint32_t i = order[k];
    int32_t g = group[i];
    double w = wsorted ? wsorted[k] : wt(d, i);
    if (g < 0 || (size_t)g >= G || (dom && !dom[i]) || !(w > 0)) continue;
    run[g] += w;
    if (j[g] >= m[g]) goto bad;
    ys[off[g] + j[g]] = ysorted ? ysorted[k] : y[i];
    cumw[off[g] + j[g]++] = (double)run[g];
  }
  for (size_t g = 0; g < G; g++)
    if (m[g] && j[g] == m[g]) qhat[g] = qrule_math(ys + off[g], cumw + off[g], m[g], (double)S[g], p);
  for (size_t i = 0; i < d->n; i++) {
    int32_t g = group[i];
    if (g < 0 || (size_t)g >= G || !in_dom(d, dom, i) || isnan(y[i])) continue;
    if (y[i] <= qhat[g]) below[g] += wt(d, i);
  }
  for (size_t g = 0; g < G; g++)
    if (m[g]) pm[g] = (double)(below[g] / S[g]);
  for (size_t i = 0; i < d->n; i++) {
    int32_t g = group[i];
    if (g < 0 || (size_t)g >= G || !in_dom(d, dom, i) || isnan(y[i])) continue;
    t[(size_t)g * P + d->psu[i]] += wt(d, i) * ((y[i] <= qhat[g] ? 1.0 : 0.0) - pm[g]) / (double)S[g];
  }
  for (size_t g = 0; g < G; g++) {
    mtm_analysis_est *e = &out[g];
    e->n = e->n_total = (double)m[g];
    e->n_w = e->n_w_total = (double)S[g];
    e->df = degf_seen(d, &psu_seen[g * P]);
    if (m[g] == 0 || j[g] != m[g]) continue;
    double Sd = (double)S[g];
    e->est = qhat[g];
    double sem = sqrt(var_from_totals(d, &t[g * P], mean));
    double q = crit(o, e->df, 1);
    double pl = pm[g] - q * sem, pu = pm[g] + q * sem;
    e->low = (isnan(pl) || pl < 0) ? NAN : qrule_math(ys + off[g], cumw + off[g], m[g], Sd, pl);
    e->upp = (isnan(pu) || pu > 1) ? NAN : qrule_math(ys + off[g], cumw + off[g], m[g], Sd, pu);
    e->se = (e->upp - e->low) / (2 * q);
  }
  rc = 0;
  goto done;
bad:
  rc = 1; /* the order does not match y: the caller falls back */
done:
  free(S);
  free(run);
  free(below);
  free(m);
  free(off);
  free(j);
  free(qhat);
  free(pm);
  free(ys);
  free(cumw);
  free(t);
  free(mean);
  free(psu_seen);
  return rc;
}
