/* The sample design: the normal quantile, Cochran's size with the finite
 * population correction, allocation to strata in integers, and the plan
 * kept in the workspace. */
#include "sample/sample.h"
#include "table/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fills p with the defaults every survey of the issue starts from. */
void mtm_sample_defaults(mtm_sample_params *p) {
  memset(p, 0, sizeof *p);
  p->confidence = 0.95;
  p->margin = 0.05;
  p->proportion = 0.5;
  p->deff = 1;
  p->allocation = MTM_SAMPLE_PROPORTIONAL;
}

static const char *const alloc_names[] = {"proportional", "equal", "neyman"};

/* Returns the name of an allocation, "?" for an unknown one. */
const char *mtm_sample_allocation_name(int allocation) {
  return allocation >= 0 && allocation < 3 ? alloc_names[allocation] : "?";
}

/* Parses an allocation name exactly as printed. */
int mtm_sample_allocation_parse(const char *s, int *allocation) {
  for (int i = 0; i < 3; i++)
    if (s && strcmp(s, alloc_names[i]) == 0) {
      *allocation = i;
      return 0;
    }
  return MTM_EINVAL;
}

/* ---- the normal quantile ------------------------------------------------- */

/* Acklam's rational approximation (relative error below 1.15e-9), then one
 * Halley step on the exact CDF 0.5 erfc(-x / sqrt 2), which brings it to
 * the precision of a double. */
double mtm_sample_inv_normal(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                             -2.759285104469687e+02, 1.383577518672690e+02,
                             -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                             -1.556989798598866e+02, 6.680131188771972e+01,
                             -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                             -2.400758277161838e+00, -2.549732539343734e+00,
                             4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                             2.445134137142996e+00, 3.754408661907416e+00};
  const double plow = 0.02425;
  if (isnan(p) || p < 0 || p > 1) return NAN;
  if (p == 0) return -INFINITY;
  if (p == 1) return INFINITY;
  /* Above one half, the lower tail of 1 - p (exact for p >= 0.5), where
   * the refinement does not lose its digits to the cancellation in
   * Phi(x) - p near 1. */
  if (p > 0.5) return -mtm_sample_inv_normal(1 - p);
  double x, q, r;
  if (p < plow) {
    q = sqrt(-2 * log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    q = p - 0.5;
    r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  /* Halley: e = Phi(x) - p, u = e / phi(x). */
  double e = 0.5 * erfc(-x / M_SQRT2) - p;
  double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

/* The two-sided quantile: the upper tail of (1 - c) / 2, computed from the
 * lower tail where the subtraction loses nothing. */
double mtm_sample_z(double confidence) {
  if (!(confidence > 0 && confidence < 1)) return NAN;
  return -mtm_sample_inv_normal((1 - confidence) / 2);
}

/* ---- Cochran ------------------------------------------------------------- */

/* Cochran's size for an infinite population, not rounded. */
double mtm_sample_cochran(double z, double p, double margin, double deff) {
  return z * z * p * (1 - p) * deff / (margin * margin);
}

/* Rounds a size up, forgiving the last bits of floating-point noise (a
 * size that is 80 in exact arithmetic must not become 81). */
static long ceil_size(double x) {
  double c = ceil(x - 1e-9);
  return c < 0 ? 0 : (long)c;
}

/* The size with the finite population correction, rounded up and capped by
 * the population. */
long mtm_sample_size(double n0, double N) {
  if (!(N > 0) || !(n0 > 0)) return 0;
  double n = isinf(N) ? n0 : n0 / (1 + (n0 - 1) / N);
  long s = ceil_size(n);
  if (!isinf(N) && (double)s > floor(N)) s = (long)floor(N);
  return s;
}

/* ---- allocation ---------------------------------------------------------- */

/* A stratum's remainder after the floor, as largest remainder sorts it. */
typedef struct rem {
  int i;
  long long key; /* the remainder in units of 1e-9, so that equal remainders tie */
  const char *pcode;
} rem;

/* Orders remainders largest first, then by P-code, then by index. */
static int rem_desc(const void *x, const void *y) {
  const rem *a = x, *b = y;
  if (a->key != b->key) return a->key > b->key ? -1 : 1;
  int c = strcmp(a->pcode, b->pcode);
  if (c) return c;
  return (a->i > b->i) - (a->i < b->i);
}

/* Orders remainders smallest first, then by P-code descending: the exact
 * reverse of rem_desc, for taking units back. */
static int rem_asc(const void *x, const void *y) { return rem_desc(y, x); }

/* Orders doubles ascending (for the breakpoints of lambda). */
static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* The sum of clamp(lambda w, lo, hi). */
static double quota_sum(double lambda, int n, const double *w, const long *lo, const long *hi) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double q = lambda * w[i];
    if (q < (double)lo[i]) q = (double)lo[i];
    if (q > (double)hi[i]) q = (double)hi[i];
    s += q;
  }
  return s;
}

/* Splits total as the header says: finds the segment between two
 * breakpoints of lambda where the clamped sum reaches total, pins the
 * strata at their bound on that segment, and shares the rest among the free
 * ones in proportion to their weights (so that equal weights give exactly
 * equal quotas). Then floors and largest remainders. */
long mtm_sample_allocate(long total, int n, const double *weight, const long *lo, const long *hi,
                         const char *const *keys, double *quota, long *out) {
  if (n <= 0) return 0;
  long slo = 0, shi = 0;
  for (int i = 0; i < n; i++) slo += lo[i], shi += hi[i];
  if (total < slo) total = slo;
  if (total > shi) total = shi;
  double *w = mtm_xmalloc(sizeof *w * (size_t)n);
  double *q = mtm_xmalloc(sizeof *q * (size_t)n);
  /* Strata that can still move share by weight; if none of them has a
   * weight, they share equally. */
  int anyw = 0;
  for (int i = 0; i < n; i++) {
    w[i] = weight[i] > 0 && isfinite(weight[i]) ? weight[i] : 0;
    if (w[i] > 0 && lo[i] < hi[i]) anyw = 1;
  }
  if (!anyw)
    for (int i = 0; i < n; i++) w[i] = lo[i] < hi[i] ? 1 : 0;
  /* Breakpoints of lambda: 0 and lo/w, hi/w of every weighted stratum. */
  double *bp = mtm_xmalloc(sizeof *bp * (size_t)(2 * n + 1));
  int nb = 0;
  bp[nb++] = 0;
  for (int i = 0; i < n; i++)
    if (w[i] > 0) bp[nb++] = (double)lo[i] / w[i], bp[nb++] = (double)hi[i] / w[i];
  qsort(bp, (size_t)nb, sizeof *bp, cmp_double);
  if (total <= slo) {
    for (int i = 0; i < n; i++) q[i] = (double)lo[i];
  } else if (total >= shi) {
    for (int i = 0; i < n; i++) q[i] = (double)hi[i];
  } else {
    /* The first breakpoint where the sum reaches total: the segment
     * (bp[k-1], bp[k]]. S(bp[0] = 0) = slo < total and S(last) = shi >=
     * total, so it exists. */
    int k = 1;
    while (k < nb - 1 && quota_sum(bp[k], n, w, lo, hi) < (double)total) k++;
    double bl = bp[k - 1], bh = bp[k];
    double pinned = 0, wfree = 0;
    for (int i = 0; i < n; i++) {
      if (w[i] <= 0 || bh <= (double)lo[i] / w[i]) pinned += (double)lo[i];
      else if (bl >= (double)hi[i] / w[i]) pinned += (double)hi[i];
      else wfree += w[i];
    }
    double rest = (double)total - pinned;
    for (int i = 0; i < n; i++) {
      if (w[i] <= 0 || bh <= (double)lo[i] / w[i]) q[i] = (double)lo[i];
      else if (bl >= (double)hi[i] / w[i]) q[i] = (double)hi[i];
      else q[i] = wfree > 0 ? rest * w[i] / wfree : (double)lo[i];
    }
  }
  /* Integers: floors within the bounds, then one more for the largest
   * remainders until the total is reached (or one less for the smallest,
   * should rounding noise have overshot). */
  long sum = 0;
  rem *r = mtm_xmalloc(sizeof *r * (size_t)n);
  for (int i = 0; i < n; i++) {
    long f = (long)floor(q[i] + 1e-9);
    if (f < lo[i]) f = lo[i];
    if (f > hi[i]) f = hi[i];
    out[i] = f;
    sum += f;
    r[i].i = i;
    r[i].key = llround((q[i] - (double)f) * 1e9);
    r[i].pcode = keys && keys[i] ? keys[i] : "";
    if (quota) quota[i] = q[i];
  }
  if (sum < total) {
    qsort(r, (size_t)n, sizeof *r, rem_desc);
    while (sum < total)
      for (int k = 0; k < n && sum < total; k++)
        if (out[r[k].i] < hi[r[k].i]) out[r[k].i]++, sum++;
  } else if (sum > total) {
    qsort(r, (size_t)n, sizeof *r, rem_asc);
    while (sum > total)
      for (int k = 0; k < n && sum > total; k++)
        if (out[r[k].i] > lo[r[k].i]) out[r[k].i]--, sum--;
  }
  free(r);
  free(bp);
  free(q);
  free(w);
  return total;
}

/* ---- the design ---------------------------------------------------------- */

/* Checks the parameters, naming the option a user would fix. */
int mtm_sample_check_params(const mtm_sample_params *p, mtm_err *err) {
  if (!(p->confidence > 0 && p->confidence < 1))
    return mtm_err_set(err, MTM_EUSAGE,
                       "--confidence is a level between 0 and 1 such as 0.95, not %g",
                       p->confidence);
  if (!(p->margin > 0 && p->margin < 1))
    return mtm_err_set(err, MTM_EUSAGE,
                       "--margin is a fraction between 0 and 1 such as 0.05, not %g", p->margin);
  if (!(p->proportion > 0 && p->proportion < 1))
    return mtm_err_set(err, MTM_EUSAGE,
                       "--proportion is a fraction between 0 and 1 (exclusive) such as 0.5, not %g",
                       p->proportion);
  if (!(p->deff > 0 && isfinite(p->deff)))
    return mtm_err_set(err, MTM_EUSAGE, "--deff is a positive number such as 1 or 1.5, not %g",
                       p->deff);
  if (p->allocation < 0 || p->allocation > 2)
    return mtm_err_set(err, MTM_EUSAGE, "the allocation is proportional, equal or neyman");
  if (p->min_per_stratum < 0)
    return mtm_err_set(err, MTM_EUSAGE, "--min-per-stratum is 0 or more, not %ld",
                       p->min_per_stratum);
  return 0;
}

/* Designs the plan: sizes, allocation, shares and inclusion probabilities. */
int mtm_sample_design(const mtm_sample_params *p, mtm_sample_stratum *strata, int n,
                      mtm_sample_plan *plan, mtm_err *err) {
  int rc = mtm_sample_check_params(p, err);
  if (rc) return rc;
  plan->params = *p;
  plan->strata = strata;
  plan->nstrata = n;
  plan->nassessed = 0;
  plan->figure_total = 0;
  plan->z = mtm_sample_z(p->confidence);
  plan->n0 = mtm_sample_cochran(plan->z, p->proportion, p->margin, p->deff);
  plan->required = plan->total = 0;
  for (int i = 0; i < n; i++) {
    mtm_sample_stratum *s = &strata[i];
    s->share = s->quota = s->pi = NAN;
    s->sample = -1;
    if (isnan(s->figure)) continue;
    if (s->figure < 0 || !isfinite(s->figure))
      return mtm_err_set(err, MTM_EINVAL,
                         "area %s has a baseline figure of %g: a population cannot be negative",
                         s->pcode ? s->pcode : "?", s->figure);
    if (!isnan(s->proportion) && !(s->proportion >= 0 && s->proportion <= 1))
      return mtm_err_set(err, MTM_EINVAL,
                         "area %s has a proportion of %g: it is between 0 and 1",
                         s->pcode ? s->pcode : "?", s->proportion);
    plan->nassessed++;
    plan->figure_total += s->figure;
  }
  if (!plan->nassessed)
    return mtm_err_set(err, MTM_EINVAL,
                       "none of the %d areas has a baseline figure: there is nothing to sample "
                       "from",
                       n);
  int m = plan->nassessed;
  int *idx = mtm_xmalloc(sizeof *idx * (size_t)m);
  double *w = mtm_xmalloc(sizeof *w * (size_t)m);
  double *q = mtm_xmalloc(sizeof *q * (size_t)m);
  long *lo = mtm_xmalloc(sizeof *lo * (size_t)m), *hi = mtm_xmalloc(sizeof *hi * (size_t)m);
  long *got = mtm_xmalloc(sizeof *got * (size_t)m);
  const char **keys = mtm_xmalloc(sizeof *keys * (size_t)m);
  int k = 0;
  for (int i = 0; i < n; i++) {
    mtm_sample_stratum *s = &strata[i];
    if (isnan(s->figure)) continue;
    idx[k] = i;
    hi[k] = (long)floor(s->figure);
    lo[k] = p->min_per_stratum < hi[k] ? p->min_per_stratum : hi[k];
    keys[k] = s->pcode;
    double ph = isnan(s->proportion) ? p->proportion : s->proportion;
    w[k] = p->allocation == MTM_SAMPLE_EQUAL    ? 1
           : p->allocation == MTM_SAMPLE_NEYMAN ? s->figure * sqrt(ph * (1 - ph))
                                                : s->figure;
    k++;
  }
  if (p->per_stratum) {
    /* Each stratum on its own: its size with its own correction, raised to
     * the minimum; the total is the sum. */
    for (k = 0; k < m; k++) {
      mtm_sample_stratum *s = &strata[idx[k]];
      double n0 = isnan(s->proportion)
                      ? plan->n0
                      : mtm_sample_cochran(plan->z, s->proportion, p->margin, p->deff);
      long nh = mtm_sample_size(n0, s->figure);
      plan->required += nh;
      q[k] = s->figure > 0 && n0 > 0 ? n0 / (1 + (n0 - 1) / s->figure) : 0;
      if (q[k] > (double)hi[k]) q[k] = (double)hi[k];
      got[k] = nh < lo[k] ? lo[k] : nh;
      plan->total += got[k];
    }
  } else {
    plan->required = mtm_sample_size(plan->n0, plan->figure_total);
    plan->total = mtm_sample_allocate(plan->required, m, w, lo, hi, keys, q, got);
  }
  for (k = 0; k < m; k++) {
    mtm_sample_stratum *s = &strata[idx[k]];
    s->quota = q[k];
    s->sample = got[k];
    s->share = plan->figure_total > 0 ? s->figure / plan->figure_total : 0;
    s->pi = s->figure > 0 ? (double)got[k] / s->figure : NAN;
  }
  free(idx);
  free(w);
  free(q);
  free(lo);
  free(hi);
  free(got);
  free(keys);
  return 0;
}

/* ---- the stored plan ----------------------------------------------------- */

/* Writes the plan through the store in one transaction. */
int mtm_sample_save(mtm_store *st, mtm_sample_plan *plan, mtm_err *err) {
  mtm_store_sample_plan sp;
  memset(&sp, 0, sizeof sp);
  sp.round = plan->round;
  sp.level = plan->level;
  sp.form_id = (char *)plan->form_id;
  sp.population = (char *)plan->population;
  sp.period = (char *)plan->period;
  sp.confidence = plan->params.confidence;
  sp.z = plan->z;
  sp.margin = plan->params.margin;
  sp.proportion = plan->params.proportion;
  sp.deff = plan->params.deff;
  sp.allocation = (char *)mtm_sample_allocation_name(plan->params.allocation);
  sp.per_stratum = plan->params.per_stratum;
  sp.min_per_stratum = plan->params.min_per_stratum;
  sp.figure_total = plan->figure_total;
  sp.n0 = plan->n0;
  sp.required = plan->required;
  sp.total = plan->total;
  sp.nstrata = plan->nstrata;
  mtm_store_sample_stratum *ss = mtm_xcalloc((size_t)(plan->nstrata ? plan->nstrata : 1), sizeof *ss);
  for (int i = 0; i < plan->nstrata; i++) {
    const mtm_sample_stratum *s = &plan->strata[i];
    ss[i].pcode = (char *)s->pcode;
    ss[i].name = (char *)s->name;
    ss[i].level = s->level;
    ss[i].figure = s->figure;
    ss[i].proportion = s->proportion;
    ss[i].sample = s->sample;
    ss[i].pi = s->pi;
  }
  sp.strata = ss;
  int rc = mtm_store_begin(st, err);
  if (!rc) rc = mtm_store_sample_plan_add(st, &sp, &plan->id, err);
  if (!rc) rc = mtm_store_commit(st, err);
  else mtm_store_rollback(st);
  free(ss);
  return rc;
}

/* Reads the latest plan back, with the shares recomputed from the stored
 * figures. */
int mtm_sample_load(mtm_store *st, int round, const char *population, mtm_arena *a,
                    mtm_sample_plan *plan, mtm_err *err) {
  mtm_store_sample_plan sp;
  int rc = mtm_store_sample_plan_latest(st, round, population, a, &sp, err);
  if (rc) return rc;
  memset(plan, 0, sizeof *plan);
  plan->id = sp.id;
  plan->created_at = sp.created_at;
  plan->round = sp.round;
  plan->level = sp.level;
  plan->form_id = sp.form_id;
  plan->population = sp.population;
  plan->period = sp.period;
  plan->params.confidence = sp.confidence;
  plan->params.margin = sp.margin;
  plan->params.proportion = sp.proportion;
  plan->params.deff = sp.deff;
  if (mtm_sample_allocation_parse(sp.allocation, &plan->params.allocation))
    return mtm_err_set(err, MTM_ESTORE, "sample plan %ld has an unknown allocation '%s'", sp.id,
                       sp.allocation ? sp.allocation : "");
  plan->params.per_stratum = sp.per_stratum;
  plan->params.min_per_stratum = sp.min_per_stratum;
  plan->z = sp.z;
  plan->n0 = sp.n0;
  plan->figure_total = sp.figure_total;
  plan->required = sp.required;
  plan->total = sp.total;
  plan->nstrata = sp.nstrata;
  plan->strata = mtm_arena_zalloc(a, sizeof *plan->strata * (size_t)(sp.nstrata ? sp.nstrata : 1));
  for (int i = 0; i < sp.nstrata; i++) {
    mtm_sample_stratum *s = &plan->strata[i];
    const mtm_store_sample_stratum *t = &sp.strata[i];
    s->pcode = t->pcode;
    s->name = t->name;
    s->level = t->level;
    s->figure = t->figure;
    s->proportion = t->proportion;
    s->sample = t->sample;
    s->pi = t->pi;
    s->quota = NAN;
    if (isnan(t->figure)) {
      s->share = NAN;
    } else {
      plan->nassessed++;
      s->share = sp.figure_total > 0 ? t->figure / sp.figure_total : 0;
    }
  }
  return 0;
}

/* ---- output -------------------------------------------------------------- */

/* Appends the shortest decimal that reads back as x (at most 17 digits). */
static void add_num(mtm_buf *b, double x) {
  char t[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(t, sizeof t, "%.*g", prec, x);
    if (strtod(t, NULL) == x) break;
  }
  mtm_buf_adds(b, t);
}

/* The CSV of the plan, one row per stratum. */
void mtm_sample_csv(const mtm_sample_plan *plan, mtm_buf *b) {
  mtm_buf_adds(b, "level,pcode,name,population,share,sample\n");
  for (int i = 0; i < plan->nstrata; i++) {
    const mtm_sample_stratum *s = &plan->strata[i];
    mtm_buf_printf(b, "%d,", s->level);
    mtm_buf_add_csv(b, s->pcode ? s->pcode : "");
    mtm_buf_addc(b, ',');
    mtm_buf_add_csv(b, s->name ? s->name : "");
    mtm_buf_addc(b, ',');
    if (!isnan(s->figure)) {
      add_num(b, s->figure);
      mtm_buf_printf(b, ",%.6f,%ld", s->share, s->sample);
    } else {
      mtm_buf_adds(b, ",,");
    }
    mtm_buf_addc(b, '\n');
  }
}

/* Appends "key":value for a number, or null for NaN. */
static void json_num(mtm_buf *b, const char *key, double x) {
  mtm_buf_printf(b, "\"%s\":", key);
  if (isnan(x) || isinf(x)) mtm_buf_adds(b, "null");
  else add_num(b, x);
}

/* Appends "key":"string", or null for NULL. */
static void json_str(mtm_buf *b, const char *key, const char *s) {
  mtm_buf_printf(b, "\"%s\":", key);
  if (s) mtm_buf_add_json(b, s);
  else mtm_buf_adds(b, "null");
}

/* The JSON of the plan: its parameters and its rows. */
void mtm_sample_json(const mtm_sample_plan *plan, mtm_buf *b) {
  const mtm_sample_params *p = &plan->params;
  mtm_buf_printf(b, "{\"round\":%d,", plan->round);
  json_str(b, "form_id", plan->form_id);
  mtm_buf_addc(b, ',');
  json_str(b, "population", plan->population);
  mtm_buf_addc(b, ',');
  json_str(b, "period", plan->period);
  mtm_buf_printf(b, ",\"level\":%d,\"parameters\":{", plan->level);
  json_num(b, "confidence", p->confidence);
  mtm_buf_addc(b, ',');
  json_num(b, "z", plan->z);
  mtm_buf_addc(b, ',');
  json_num(b, "margin", p->margin);
  mtm_buf_addc(b, ',');
  json_num(b, "proportion", p->proportion);
  mtm_buf_addc(b, ',');
  json_num(b, "deff", p->deff);
  mtm_buf_addc(b, ',');
  json_num(b, "N", plan->figure_total);
  mtm_buf_addc(b, ',');
  json_num(b, "n0", plan->n0);
  mtm_buf_printf(b, ",\"n\":%ld,\"total\":%ld,", plan->required, plan->total);
  json_str(b, "allocation", mtm_sample_allocation_name(p->allocation));
  mtm_buf_printf(b, ",\"per_stratum\":%s,\"min_per_stratum\":%ld},", p->per_stratum ? "true" : "false",
                 p->min_per_stratum);
  mtm_buf_printf(b, "\"strata\":%d,\"strata_assessed\":%d,\"plan_id\":", plan->nstrata,
                 plan->nassessed);
  if (plan->id) mtm_buf_printf(b, "%ld", plan->id);
  else mtm_buf_adds(b, "null");
  mtm_buf_adds(b, ",\"rows\":[");
  for (int i = 0; i < plan->nstrata; i++) {
    const mtm_sample_stratum *s = &plan->strata[i];
    mtm_buf_printf(b, "%s{\"level\":%d,", i ? "," : "", s->level);
    json_str(b, "pcode", s->pcode);
    mtm_buf_addc(b, ',');
    json_str(b, "name", s->name);
    mtm_buf_addc(b, ',');
    json_num(b, "population", s->figure);
    mtm_buf_adds(b, ",\"share\":");
    if (isnan(s->share)) mtm_buf_adds(b, "null");
    else mtm_buf_printf(b, "%.6f", s->share);
    mtm_buf_adds(b, ",\"sample\":");
    if (s->sample < 0) mtm_buf_adds(b, "null");
    else mtm_buf_printf(b, "%ld", s->sample);
    mtm_buf_addc(b, ',');
    json_num(b, "pi", s->pi);
    mtm_buf_printf(b, ",\"assessed\":%s}", isnan(s->figure) ? "false" : "true");
  }
  mtm_buf_adds(b, "]}\n");
}

/* The computation in words and numbers, so that a user can redo it. */
void mtm_sample_summary(const mtm_sample_plan *plan, mtm_buf *b) {
  const mtm_sample_params *p = &plan->params;
  mtm_buf_printf(b, "sample plan: %s, period %s, round %d, %d areas of admin%d (%d with a baseline "
                    "figure)\n",
                 plan->population ? plan->population : "?", plan->period ? plan->period : "?",
                 plan->round, plan->nstrata, plan->level, plan->nassessed);
  mtm_buf_printf(b, "  z = %.6f (confidence %g), margin e = %g, proportion p = %g, design effect %g\n",
                 plan->z, p->confidence, p->margin, p->proportion, p->deff);
  mtm_buf_printf(b, "  n0 = z^2 p (1 - p) deff / e^2 = %.2f\n", plan->n0);
  mtm_buf_adds(b, "  N = ");
  add_num(b, plan->figure_total);
  mtm_buf_printf(b, ", the baseline figures of the %d areas added up\n", plan->nassessed);
  if (p->per_stratum) {
    mtm_buf_printf(b, "  each area on its own: n_h = n0 / (1 + (n0 - 1) / N_h), rounded up, at "
                      "most N_h: %ld in all\n",
                   plan->required);
  } else {
    double n = plan->figure_total > 0 ? plan->n0 / (1 + (plan->n0 - 1) / plan->figure_total) : 0;
    mtm_buf_printf(b, "  n = n0 / (1 + (n0 - 1) / N) = %.2f, rounded up: %ld\n", n,
                   plan->required);
    int anyp = 0;
    for (int i = 0; i < plan->nstrata; i++)
      if (!isnan(plan->strata[i].figure) && !isnan(plan->strata[i].proportion)) anyp = 1;
    const char *how = p->allocation == MTM_SAMPLE_EQUAL ? "equally to the areas"
                      : p->allocation == MTM_SAMPLE_NEYMAN
                          ? (anyp ? "in proportion to N_h S_h, S_h = sqrt(p_h (1 - p_h))"
                                  : "in proportion to N_h S_h with the same p everywhere, that "
                                    "is to the baseline figure")
                          : "in proportion to the baseline figure";
    mtm_buf_printf(b, "  allocated %s, at most N_h per area, by largest remainder\n", how);
  }
  if (p->min_per_stratum > 0)
    mtm_buf_printf(b, "  at least %ld per area (all of a smaller one)\n", p->min_per_stratum);
  if (plan->total > plan->required)
    mtm_buf_printf(b, "  the minimum per area raises the total to %ld\n", plan->total);
  else if (plan->total < plan->required)
    mtm_buf_printf(b, "  the areas hold only %ld people who can be interviewed: total %ld\n",
                   plan->total, plan->total);
  mtm_buf_printf(b, "  total: %ld interviews\n", plan->total);
  int first = 1;
  for (int i = 0; i < plan->nstrata; i++) {
    const mtm_sample_stratum *s = &plan->strata[i];
    if (isnan(s->figure) || s->reporting >= s->locations) continue;
    mtm_buf_printf(b, "%s%s %s (%d of %d)",
                   first ? "  partly covered, the figure counts only the locations that reported: "
                         : ", ",
                   s->pcode ? s->pcode : "?", s->name ? s->name : "", s->reporting, s->locations);
    first = 0;
  }
  if (!first) mtm_buf_addc(b, '\n');
  first = 1;
  for (int i = 0; i < plan->nstrata; i++) {
    const mtm_sample_stratum *s = &plan->strata[i];
    if (!isnan(s->figure)) continue;
    mtm_buf_printf(b, "%s%s %s", first ? "  not assessed (no baseline figure, no sample): " : ", ",
                   s->pcode ? s->pcode : "?", s->name ? s->name : "");
    first = 0;
  }
  if (!first) mtm_buf_addc(b, '\n');
}

/* ---- stratum proportions ------------------------------------------------- */

/* Reads the file row by row; the header row names the columns. */
int mtm_sample_read_proportions(const char *path, mtm_sample_stratum *strata, int n,
                                mtm_err *err) {
  mtm_table *t;
  int rc = mtm_table_open(&t, path, NULL, err);
  if (rc) return rc;
  mtm_row row;
  int cp = -1, cv = -1, header = 1;
  char *seen = mtm_xcalloc((size_t)(n ? n : 1), 1);
  while ((rc = mtm_table_next(t, &row, err)) == 1) {
    if (row.n == 0) continue;
    if (header) {
      for (int c = 0; c < row.n; c++) {
        mtm_slice h = mtm_slice_trim(row.cells[c]);
        if (mtm_slice_eq_nocase(h, "pcode")) cp = c;
        else if (mtm_slice_eq_nocase(h, "proportion")) cv = c;
      }
      if (cp < 0 || cv < 0) {
        mtm_err_where(err, path, NULL, row.row, NULL, NULL);
        rc = mtm_err_set(err, MTM_EINVAL,
                         "the stratum proportions need the columns pcode and proportion");
        break;
      }
      header = 0;
      continue;
    }
    mtm_slice pc = cp < row.n ? mtm_slice_trim(row.cells[cp]) : (mtm_slice){"", 0};
    mtm_slice pv = cv < row.n ? mtm_slice_trim(row.cells[cv]) : (mtm_slice){"", 0};
    if (pc.n == 0 && pv.n == 0) continue;
    int k = -1;
    for (int i = 0; i < n && k < 0; i++)
      if (strata[i].pcode && mtm_slice_eq(pc, strata[i].pcode)) k = i;
    if (k < 0) {
      mtm_err_where(err, path, NULL, row.row, "pcode", NULL);
      rc = mtm_err_set(err, MTM_EINVAL,
                       "P-code '%.*s' is not one of the %d areas of level %d being sampled",
                       (int)pc.n, pc.p, n, n ? strata[0].level : 0);
      break;
    }
    if (seen[k]) {
      mtm_err_where(err, path, NULL, row.row, "pcode", NULL);
      rc = mtm_err_set(err, MTM_EINVAL, "P-code '%.*s' is given twice", (int)pc.n, pc.p);
      break;
    }
    seen[k] = 1;
    if (pv.n == 0) continue;
    double v;
    if (mtm_parse_double(pv, &v) || !(v >= 0 && v <= 1)) {
      mtm_err_where(err, path, NULL, row.row, "proportion", NULL);
      rc = mtm_err_set(err, MTM_EINVAL, "'%.*s' is not a proportion between 0 and 1", (int)pv.n,
                       pv.p);
      break;
    }
    strata[k].proportion = v;
  }
  if (rc == 0 && header) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_EINVAL, "the file is empty: it needs the columns pcode and proportion");
  }
  free(seen);
  mtm_table_close(t);
  return rc < 0 ? rc : 0;
}
