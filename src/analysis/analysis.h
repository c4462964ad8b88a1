/*
 * analysis: design-based estimates with Taylor-linearisation standard
 * errors, computed from plain arrays exactly as R's survey package (4.1-1,
 * Debian bookworm) does with
 *   svydesign(ids=~cluster, strata=~strata, weights=~w, nest=TRUE)
 * (strata and clusters optional: no strata is one stratum, no clusters is
 * ids=~1, every row its own PSU).
 *
 * The variance is the one-stage with-replacement estimator of
 * survey:::onestage/onestrat: per stratum h with n_h PSUs,
 *   n_h/(n_h-1) * sum_j (z_hj - mean_h z)^2
 * over the PSU totals z_hj of the linearised values. A stratum with one PSU
 * (lonely PSU) contributes z^2 (uncentred, as onestrat does for "adjust"),
 * or nothing for "remove" and "certainty". A domain is a subpopulation:
 * rows outside it (or with a missing value) keep their PSU but contribute 0,
 * which is what svyby/subset then na.rm=TRUE compute.
 *
 * Ownership rule: a design keeps pointers to the caller's weights (which
 * must outlive it) and owns its index arrays, allocated in the arena given
 * to mtm_analysis_design_init(); they live until that arena is freed. The
 * estimators allocate their scratch with malloc and free it before
 * returning; they never keep the caller's arrays. A design is read-only
 * after init, so estimators may run on it from several threads.
 */
#ifndef MTM_ANALYSIS_H
#define MTM_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

enum {
  MTM_ANALYSIS_LONELY_ADJUST = 0, /* options(survey.lonely.psu="adjust") */
  MTM_ANALYSIS_LONELY_REMOVE,     /* "remove" */
  MTM_ANALYSIS_LONELY_CERTAINTY   /* "certainty" (one stage: as remove) */
};

enum {
  MTM_ANALYSIS_CI_WALD = 0, /* est +/- q * se (confint, svyciprop "mean") */
  MTM_ANALYSIS_CI_LOGIT     /* expit(logit p +/- q * se/(p(1-p))):
                               svyciprop(method="logit") */
};

typedef struct mtm_analysis_design {
  size_t n;            /* rows */
  const double *w;     /* weights (NULL: every weight is 1), not owned */
  int lonely;          /* MTM_ANALYSIS_LONELY_* */
  size_t npsu;         /* PSUs (distinct stratum-cluster pairs, nest=TRUE) */
  size_t nstrata;      /* strata */
  uint32_t *psu;       /* row -> PSU index 0..npsu-1 */
  uint32_t *psu_stratum; /* PSU -> stratum index 0..nstrata-1 */
  uint32_t *stratum_npsu; /* stratum -> its number of PSUs */
  int rows_are_psus;   /* no clusters (ids=~1): PSU j is row j */
} mtm_analysis_design;

typedef struct mtm_analysis_opts {
  int ci;        /* MTM_ANALYSIS_CI_* (logit applies to shares only)     */
  double level;  /* confidence level; 0 means 0.95                        */
  int design_df; /* 0: normal quantile, as confint(svymean(...));
                    1: Student t with the design degrees of freedom of the
                    estimate's rows (PSUs - strata), as svyciprop and
                    svyquantile do by default                              */
} mtm_analysis_opts;

typedef struct mtm_analysis_est {
  double est;        /* the estimate                                       */
  double se;         /* its standard error                                 */
  double low, upp;   /* the confidence interval (NaN when undefined)       */
  double deff;       /* design effect as svymean/svytotal(deff=TRUE): the
                        variance over the SRS-without-replacement variance
                        svyvar*(N-n)/(N*n); Inf when N == n (weights 1);
                        NaN when it is undefined (ratios and medians)      */
  double deff_replace; /* the same over the SRS-with-replacement variance
                          (deff="replace"): svyvar/n                       */
  double n;          /* unweighted count: rows in the estimate (for a share,
                        the rows with that level)                          */
  double n_total;    /* unweighted rows in the denominator                 */
  double n_w;        /* weighted n, as n                                   */
  double n_w_total;  /* weighted n of the denominator                      */
  long df;           /* design degrees of freedom of the estimate's rows   */
} mtm_analysis_est;

/* Builds a design over n rows: weights w (NULL: 1; each must be finite and
 * >= 0), stratum ids (NULL: one stratum) and cluster ids (NULL: each row
 * its own PSU); clusters are nested in strata. Fails with MTM_EINVAL and a
 * sentence naming the row when a weight is negative or not a number. */
int mtm_analysis_design_init(mtm_analysis_design *d, mtm_arena *a, size_t n,
                             const double *w, const int64_t *strata,
                             const int64_t *cluster, int lonely,
                             mtm_err *err) MTM_MUST_USE;

/* In every estimator, dom (NULL: every row) marks the domain with nonzero
 * bytes; NaN in y (or x) is missing and left out of the denominator; rows
 * with weight 0 are left out. With no usable row the estimate is NaN. */

/* The weighted mean of y (svymean(~y, design, na.rm=TRUE)). */
void mtm_analysis_mean(const mtm_analysis_design *d, const double *y,
                       const uint8_t *dom, const mtm_analysis_opts *o,
                       mtm_analysis_est *out);

/* The weighted total of y (svytotal(~y, design, na.rm=TRUE)). */
void mtm_analysis_total(const mtm_analysis_design *d, const double *y,
                        const uint8_t *dom, const mtm_analysis_opts *o,
                        mtm_analysis_est *out);

/* The ratio of totals sum(w y)/sum(w x) over rows where both are present
 * (svyratio(~y, ~x, design, na.rm=TRUE)); deff is NaN. */
void mtm_analysis_ratio(const mtm_analysis_design *d, const double *y,
                        const double *x, const uint8_t *dom,
                        const mtm_analysis_opts *o, mtm_analysis_est *out);

/* The share of every level 0..nlev-1 of codes (negative: missing), in one
 * pass: out[k] is svymean of the indicator code==k over the rows with a
 * level, with the logit CI when o->ci asks for it. Returns 0, or
 * MTM_ENOMEM. */
int mtm_analysis_shares(const mtm_analysis_design *d, const int32_t *codes,
                        int nlev, const uint8_t *dom,
                        const mtm_analysis_opts *o,
                        mtm_analysis_est *out) MTM_MUST_USE;

/* The shares of every level of codes in every group of group (0..ngroup-1;
 * negative or NULL group: one group of every row) in one pass over the
 * rows, each group a domain (subpopulation) as mtm_analysis_shares with
 * dom = (group == g) AND dom. out[g*nlev + k] is level k in group g. The
 * same figures as ngroup calls of mtm_analysis_shares, much faster: PSU
 * totals per group when they fit in memory, per-stratum moments when every
 * row is its own PSU. A select_multiple option is a share with codes 0/1.
 * Returns 0, or MTM_ENOMEM. */
int mtm_analysis_shares_by(const mtm_analysis_design *d, const int32_t *codes,
                           int nlev, const int32_t *group, int ngroup,
                           const uint8_t *dom, const mtm_analysis_opts *o,
                           mtm_analysis_est *out) MTM_MUST_USE;

/* The weighted quantile p (0.5: the median) of y by svyquantile's default
 * rule qrule="math", with its default Woodruff interval
 * (interval.type="mean", alpha = 1 - level, t with the design df) and
 * se = (upp - low)/(2 q). Returns 0, or MTM_ENOMEM. */
int mtm_analysis_quantile(const mtm_analysis_design *d, const double *y,
                          double p, const uint8_t *dom,
                          const mtm_analysis_opts *o,
                          mtm_analysis_est *out) MTM_MUST_USE;

/* The rows with a value of y (not NaN) sorted by value, ties in row order,
 * in O(n) (radix sort); *m gets their number. The array is malloc'd: the
 * caller frees it. NULL when out of memory. Sort once per variable, then
 * call mtm_analysis_quantile_sorted for every domain. */
uint32_t *mtm_analysis_order(const mtm_analysis_design *d, const double *y,
                             size_t *m);

/* As mtm_analysis_quantile, given the order of y from mtm_analysis_order. */
int mtm_analysis_quantile_sorted(const mtm_analysis_design *d,
                                 const double *y, const uint32_t *order,
                                 size_t norder, double p, const uint8_t *dom,
                                 const mtm_analysis_opts *o,
                                 mtm_analysis_est *out) MTM_MUST_USE;

/* The variance of a linearised total: z holds per-row values already
 * multiplied by the weight (0 outside the estimate). svyrecvar's one-stage
 * estimator. */
double mtm_analysis_var(const mtm_analysis_design *d, const double *z);

/* The upper quantile q with P(T <= q) = prob for Student's t with df degrees
 * of freedom (df <= 0 or infinite: the normal distribution). */
double mtm_analysis_qt(double prob, double df);

/* ---- analysis runs on a frame (run.c, plan.c) ------------------------------
 * A run computes the results table of an analysis plan on a loaded frame:
 * one item per indicator, each overall or by a group. Results, plan items
 * and every string they hold live in the arena given to the run; the frame
 * must outlive the results. */

struct mtm_frame;

typedef struct mtm_analysis_item {
  const char *type;   /* prop_select_one, prop_select_multiple, mean, median,
                         total, ratio                                        */
  const char *var;    /* the question; ratio: "num,den"                      */
  const char *filter; /* an XLSForm expression naming the sub-population,
                         NULL or "" for every row                            */
  const char *group;  /* NULL or "": overall; "A": by A; "A*B": crossed; a
                         select_one groups by its choices in list order, any
                         other single-valued question by its distinct values
                         (numbers in numeric order)                          */
  const char *label;  /* NULL: the question's label                         */
  const char *file;   /* where the item was read (messages), NULL: default  */
  long row;
} mtm_analysis_item;

typedef struct mtm_analysis_spec {
  const char *weight;  /* numeric question holding the weights, or NULL     */
  const char *strata;  /* any question: its values name the strata, or NULL */
  const char *cluster; /* any question: its values name the PSUs, or NULL   */
  int lonely;          /* MTM_ANALYSIS_LONELY_*                             */
  int ci;              /* MTM_ANALYSIS_CI_*                                 */
  int lang;            /* language index for labels (mtm_form_lang), -1 default */
} mtm_analysis_spec;

typedef struct mtm_analysis_row {
  const char *analysis_type, *analysis_var, *analysis_var_value;
  const char *group_var, *group_var_value; /* NULL: none (NA)               */
  const char *var_label, *value_label, *group_value_label, *label;
  mtm_analysis_est e;
} mtm_analysis_row;

typedef struct mtm_analysis_result {
  size_t n;
  mtm_analysis_row *rows;
} mtm_analysis_result;

/* The default plan: every select_one (prop_select_one), select_multiple
 * (prop_select_multiple), integer and decimal (mean and median) column of
 * the frame, overall and then by each entry of by ("A,B": by A and by B;
 * "A*B": crossed), leaving out the design's own questions and, in a
 * grouped item, the group's questions. by may be NULL. */
int mtm_analysis_default_plan(const struct mtm_frame *f, const mtm_analysis_spec *s,
                              const char *by, mtm_arena *a, mtm_analysis_item **items,
                              int *nitems, mtm_err *err) MTM_MUST_USE;

/* Reads a plan file (CSV or XLSX, first sheet): columns analysis_type,
 * analysis_var, and optional filter, group_var, label. Errors name the
 * file, row and column. */
int mtm_analysis_plan_read(const char *path, mtm_arena *a, mtm_analysis_item **items,
                           int *nitems, mtm_err *err) MTM_MUST_USE;

/* Runs the plan on the frame with the design of spec; groups are domains
 * (subpopulations) of one design. Errors name the plan item (file, row)
 * and the question. */
int mtm_analysis_run(const struct mtm_frame *f, const mtm_analysis_spec *s,
                     const mtm_analysis_item *items, int nitems, mtm_arena *a,
                     mtm_analysis_result *out, mtm_err *err) MTM_MUST_USE;

/* The REACH analysistools key of a row, e.g.
 * "prop_select_one @/@ sex %/% female @/@ region %/% KZ35"; crossed groups
 * join their var %/% value pairs with " -/- ". */
const char *mtm_analysis_key(const mtm_analysis_row *r, mtm_arena *a);

/* Writes the results table: format 0 CSV (the 14 columns, then
 * analysis_var_label, analysis_var_value_label, group_var_value_label),
 * 1 JSON (an array of objects with the same keys and the design effect
 * "deff", null when undefined or infinite). */
void mtm_analysis_write(const mtm_analysis_result *r, int format, mtm_buf *b, mtm_arena *a);

#endif
