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

enum {
  MTM_ANALYSIS_DF_NORMAL = 0, /* the normal quantile: confint(svymean(...))  */
  MTM_ANALYSIS_DF_ROWS,       /* Student t on the design degrees of freedom
                                 of the estimate's own rows (PSUs - strata),
                                 as svyciprop and svyquantile on a subset   */
  MTM_ANALYSIS_DF_FIXED       /* Student t on opts.df, the degrees of freedom
                                 of the full design (srvyr's and REACH
                                 analysistools' degf(cur_svy_full())); a
                                 quantile keeps its own rows' df, as
                                 svyquantile (srvyr's survey_median) does   */
};

typedef struct mtm_analysis_opts {
  int ci;        /* MTM_ANALYSIS_CI_* (logit applies to shares only)     */
  double level;  /* confidence level; 0 means 0.95                        */
  int design_df; /* MTM_ANALYSIS_DF_* (nonzero: a t quantile)             */
  double df;     /* MTM_ANALYSIS_DF_FIXED: the degrees of freedom (<= 0:
                    no interval)                                          */
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

/* Fused passes for the default plan, each giving exactly the figures of the
 * per-domain calls it replaces (the same sums in the same order), in fewer
 * passes over the rows. group holds 0..ngroup-1 per row (negative: in no
 * group); out[g] (options: out[g*nopt + i]) is group g. Each returns 0, 1
 * when it does not apply (the caller makes the per-domain calls), or
 * MTM_ENOMEM. */

/* The share of every option i < nopt of a select_multiple (bit i of the
 * words uint64 at bits + r*words; row r unanswered when bit r of missing is
 * set): mtm_analysis_shares_by of the codes 0/1 of each option, level 1,
 * for all options in one pass. NULL group: one group of every row. Does not
 * apply without clusters or when the PSU totals would not fit. */
int mtm_analysis_options_by(const mtm_analysis_design *d, const uint64_t *bits,
                            int words, const uint64_t *missing, int nopt,
                            const int32_t *group, int ngroup, const uint8_t *dom,
                            const mtm_analysis_opts *o, mtm_analysis_est *out) MTM_MUST_USE;

/* mtm_analysis_mean of y in every group (dom AND group == g), in two passes. */
int mtm_analysis_mean_by(const mtm_analysis_design *d, const double *y, const int32_t *group,
                         int ngroup, const uint8_t *dom, const mtm_analysis_opts *o,
                         mtm_analysis_est *out) MTM_MUST_USE;

/* mtm_analysis_quantile_sorted of y in every group (dom AND group == g),
 * given the order of y from mtm_analysis_order and, optionally (else NULL),
 * y and the weights in that order (ysorted[k] = y[order[k]], wsorted[k] the
 * weight of row order[k]), which spare the walk in value order most of its
 * scattered reads. */
int mtm_analysis_quantile_by(const mtm_analysis_design *d, const double *y,
                             const uint32_t *order, size_t norder, const double *ysorted,
                             const double *wsorted, double p, const int32_t *group, int ngroup,
                             const uint8_t *dom, const mtm_analysis_opts *o,
                             mtm_analysis_est *out) MTM_MUST_USE;

/* degf() of the rows marked in rows (NULL: every row) that have a positive
 * weight: their PSUs minus their strata, as survey's degf() of the design
 * subset to those rows. */
long mtm_analysis_degf(const mtm_analysis_design *d, const uint8_t *rows);

/* The variance of a linearised total: z holds per-row values already
 * multiplied by the weight (0 outside the estimate). svyrecvar's one-stage
 * estimator. */
double mtm_analysis_var(const mtm_analysis_design *d, const double *z);

/* The upper quantile q with P(T <= q) = prob for Student's t with df degrees
 * of freedom (df <= 0 or infinite: the normal distribution). */
double mtm_analysis_qt(double prob, double df);

/* ==== round comparison, small cells and money (compare.c) ==============
 * Pure functions over finished estimates; they allocate nothing except
 * mtm_analysis_suppress's index arrays, which live in the arena given. */

/* The two-sided tail P(|T| >= |t|) of Student's t with df degrees of
 * freedom (df <= 0: the normal); NaN when t is not a number. */
double mtm_analysis_pt2(double t, double df);

enum {
  MTM_ANALYSIS_CMP_TESTED = 0, /* difference and test computed            */
  MTM_ANALYSIS_CMP_UNTESTED,   /* difference known, test undefined: reason */
  MTM_ANALYSIS_CMP_MISSING     /* an estimate is missing: reason          */
};

typedef struct mtm_analysis_diff {
  int status;         /* MTM_ANALYSIS_CMP_*                               */
  const char *reason; /* a static sentence unless status is TESTED (NULL) */
  double est, est_then; /* the two estimates, scaled (shares in percent)  */
  double diff;        /* est - est_then, percentage points for shares     */
  double se;          /* sqrt(se^2 + se_then^2), scaled as diff           */
  double stat;        /* diff / se: z, or t with df degrees of freedom     */
  double df;          /* 0: the normal; else min(df, df_then)             */
  double p;           /* two-sided p-value                                 */
  int significant;    /* p < 1 - level (5% at the default 95%)            */
} mtm_analysis_diff;

/* Compares two estimates of one indicator from independent samples (two
 * rounds): now (round N) minus then (round M). The test is the
 * Welch-style one on the two design-based SEs, as for independent samples
 * in R: stat = diff / sqrt(se_N^2 + se_M^2). When o->design_df is set the
 * reference is Student's t with the smaller of the two design df (the
 * conservative bound of the Satterthwaite df, which is never below it);
 * otherwise the normal, as confint(svymean) does. pct_points scales shares
 * to percentage points (100 * (p_N - p_M)); SEs are scaled alike. A NaN
 * estimate or SE in either round gives status MISSING or UNTESTED with a
 * reason; so do a zero combined SE and, with t, a round without design df. */
void mtm_analysis_compare(const mtm_analysis_est *now,
                          const mtm_analysis_est *then, int pct_points,
                          const mtm_analysis_opts *o, mtm_analysis_diff *out);

enum {
  MTM_ANALYSIS_SHOWN = 0,
  MTM_ANALYSIS_SUPPRESSED_SMALL,        /* "suppressed: n < K"          */
  MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY /* "suppressed: complementary"  */
};

/* One published cell of a results table. The strings are not owned; an
 * empty or NULL group_var is the overall figure. */
typedef struct mtm_analysis_cell {
  const char *analysis_type, *analysis_var, *analysis_var_value;
  const char *filter; /* the plan row's filter, NULL or "": none          */
  const char *group_var, *group_var_value;
  double n;           /* unweighted n of the cell                          */
  int suppressed;     /* out: MTM_ANALYSIS_SHOWN or _SUPPRESSED_*         */
} mtm_analysis_cell;

/* Primary then complementary suppression over explicit sets: cell c has
 * unweighted n[c]; set s is cells[start[s] .. start[s+1]-1], cells that add
 * up to a published total. Marks mark[c] SUPPRESSED_SMALL when n[c] < k
 * (k < 1 means 5); then, in passes over the sets in order until a pass
 * changes nothing, marks the smallest shown cell (ties: the lowest index)
 * of every set holding exactly one suppressed cell SUPPRESSED_COMPLEMENTARY.
 * A cell may belong to several sets. Returns the number of cells
 * suppressed. */
size_t mtm_analysis_suppress_sets(const double *n, int *mark, size_t ncells,
                                  const uint32_t *start, const uint32_t *cells,
                                  size_t nsets, int k);

/* Suppression over a results table: builds the sets (the levels of one
 * prop_select_one within one group; for every analysis_var_value of one
 * indicator and group_var, its groups together with the overall cell of
 * the same indicator and filter) and runs mtm_analysis_suppress_sets,
 * setting cells[].suppressed. Crossed groups (A*B) are one group variable
 * whose groups add up to the overall figure. Returns the number of cells
 * suppressed. */
size_t mtm_analysis_suppress(mtm_analysis_cell *cells, size_t ncells, int k,
                             mtm_arena *a);

/* The note of a mark: "suppressed: n < 5", "suppressed: complementary",
 * or "" when shown; written into buf of size cap, which it returns. */
const char *mtm_analysis_suppress_note(int mark, int k, char *buf,
                                       size_t cap);

/* Blanks a suppressed estimate: est, se, interval, design effects and the
 * cell's n and n_w become NaN; a share keeps its denominator (n_total,
 * n_w_total), any other estimate loses it too, as it is the cell's own n. */
void mtm_analysis_est_blank(mtm_analysis_est *e, int is_share);

/* An amount in the operation's currency in USD at rate units per USD;
 * NaN when the rate is unknown (<= 0 or not finite). Not rounded. */
double mtm_analysis_to_usd(double amount, double rate);

/* Converts a money estimate to USD: est, se, low and upp are divided by
 * the rate (design effects and counts do not change). Returns 0, or
 * MTM_EINVAL when the rate is unknown, leaving e as it was. */
int mtm_analysis_est_to_usd(mtm_analysis_est *e, double rate) MTM_MUST_USE;

/* Rounds x to whole units, half away from zero (472.5 -> 473, -472.5 ->
 * -473), the rule of every money figure mtm prints. */
double mtm_analysis_round_money(double x);

/* Appends "213,646 KZT (473 USD)": the amount and its USD value at rate,
 * each rounded half away from zero to whole units with comma thousands
 * separators; only "213,646 KZT" when the rate is unknown, nothing when the
 * amount is not a number. A NULL or empty currency prints no code. */
void mtm_analysis_format_money(mtm_buf *b, double amount,
                               const char *currency, double rate);

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

/* The quantile of an interval (analyse --ci-df). */
enum {
  MTM_ANALYSIS_CI_DF_NORMAL = 0, /* Wald: the normal quantile, as survey's
                                    confint(svymean(...)); logit shares and
                                    medians: t on the df of the estimate's
                                    rows, as svyciprop and svyquantile     */
  MTM_ANALYSIS_CI_DF_DESIGN      /* t on the df of the full design: the
                                    rows (in the filter) with a value of the
                                    variable, every group together, as
                                    srvyr's survey_mean(vartype = "ci") and
                                    analysistools; medians as NORMAL (srvyr's
                                    survey_median: svyquantile on the
                                    group)                                 */
};

typedef struct mtm_analysis_spec {
  const char *weight;  /* numeric question holding the weights, or NULL     */
  const char *strata;  /* any question: its values name the strata, or NULL */
  const char *cluster; /* any question: its values name the PSUs, or NULL   */
  int lonely;          /* MTM_ANALYSIS_LONELY_*                             */
  int ci;              /* MTM_ANALYSIS_CI_*                                 */
  int ci_df;           /* MTM_ANALYSIS_CI_DF_*                              */
  int lang;            /* language index for labels (mtm_form_lang), -1 default */
  const double *weights; /* one weight per frame row (mtm_analysis_weights_*),
                            not owned; when set, used instead of weight    */
  const uint8_t *domain; /* one byte per frame row, not owned; NULL: every
                            row. Rows with 0 are left out of every estimate
                            as a domain, so standard errors stay those of
                            the full design: R's svymean(~y,
                            subset(design, domain)). The eligible
                            respondents (mtm_analysis_eligible).        */
} mtm_analysis_spec;

typedef struct mtm_analysis_row {
  const char *analysis_type, *analysis_var, *analysis_var_value;
  const char *group_var, *group_var_value; /* NULL: none (NA)               */
  const char *var_label, *value_label, *group_value_label, *label;
  const char *filter; /* the plan item's filter, NULL or "": none          */
  const char *repeat; /* NULL: a figure over the submissions; else the
                         repeat (its name) over whose instances it is      */
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
 * grouped item, the group's questions. by may be NULL. A repeat frame's
 * plan covers its own questions, not its submissions' columns; an entry of
 * by naming a question of a repeat whose instances f does not hold is left
 * out. */
int mtm_analysis_default_plan(const struct mtm_frame *f, const mtm_analysis_spec *s,
                              const char *by, mtm_arena *a, mtm_analysis_item **items,
                              int *nitems, mtm_err *err) MTM_MUST_USE;

/* ---- eligible respondents (eligible.c) -------------------------------------
 * Analyses and reports count eligible respondents: those who gave consent
 * and meet every inclusion criterion ('mtm criteria'). */

/* One rule of eligibility, and the records it excluded. */
typedef struct mtm_analysis_rule {
  int consent;       /* 1: the consent rule, ${consent_q} = 'consent_value' */
  const char *expr;  /* the criterion as written (consent: the rule above) */
  const char *label; /* the criterion's label, NULL when it has none      */
  long excluded;     /* records excluded by this rule and by none before it
                        (consent first, then the criteria in the order they
                        were added), so the counts add up to the excluded */
} mtm_analysis_rule;

typedef struct mtm_analysis_eligibility {
  const char *consent_q;     /* the consent question, NULL: none          */
  const char *consent_value; /* the answer that gives consent             */
  int consent_named;         /* 1: named with 'criteria add --consent',
                                0: found in the form                     */
  int nrules;
  mtm_analysis_rule *rules;  /* consent first, then the criteria          */
  int nscreen;               /* the questions the criteria name, once each */
  const char **screen_q;
  long nrows;                /* records of the frame                      */
  long neligible;            /* of them eligible                          */
  uint8_t *eligible;         /* per row: 1 eligible; NULL when there is no
                                rule (every row is)                      */
} mtm_analysis_eligibility;

/* Who of frame f (a main frame) is eligible: the consent question named
 * for f's form, else the form's own (mtm_form_consent_question of its
 * latest version), must have the answer that gives consent (a missing
 * answer gives none), and every inclusion criterion of the form must be
 * true (XLSForm semantics: a criterion naming an empty answer is usually
 * false). A criterion naming a text question the frame did not load reads
 * it from the workspace. Everything lives in a. Fails with a sentence
 * naming the criterion when it cannot be read or names a question the form
 * does not have. */
struct mtm_store;
int mtm_analysis_eligible(struct mtm_store *st, const struct mtm_frame *f, mtm_arena *a,
                             mtm_analysis_eligibility *out, mtm_err *err) MTM_MUST_USE;

/* ---- repeat groups (repeat.c) ---------------------------------------------
 * A repeat's question is analysed over the repeat's instances
 * (mtm_frame_load_repeat): each instance is an observation with its
 * submission's weight and stratum, clustered by its submission (as R's
 * svydesign(ids = ~submission, strata, weights) on the repeat's rows), or
 * by the design's cluster when it has one. A group or filter may name the
 * submission's questions (joined to each instance) or the same repeat's.
 * An item belongs to the repeat of its analysis_var (of a ratio, the
 * numerator); a question outside repeats wins over a repeat's of the same
 * name. Nested repeats: an instance is linked to its submission, not to
 * the enclosing instance, so a nested repeat is analysed with the
 * submission's questions only, clustered by submission. */

struct mtm_store;

/* The repeat an item belongs to (its analysis_var's), NULL for the
 * submissions; f is the submissions' frame. */
const char *mtm_analysis_item_repeat(const struct mtm_frame *f, const mtm_analysis_item *it);

/* The default plan of the round with its repeats: mtm_analysis_default_plan
 * of f (the submissions' frame), then, for each repeat of the form with
 * instances in the round (in form order), the same over the repeat's
 * questions: overall and by each entry of by that names questions of the
 * submissions or of that repeat. */
int mtm_analysis_default_plan_all(struct mtm_store *st, const struct mtm_frame *f,
                                  const mtm_analysis_spec *s, const char *by, mtm_arena *a,
                                  mtm_analysis_item **items, int *nitems,
                                  mtm_err *err) MTM_MUST_USE;

/* mtm_analysis_run over the submissions' frame f and the frames of the
 * repeats the items name (loaded from st with the columns they need, freed
 * before returning): the rows in item order, each repeat's rows with its
 * name in row.repeat. s->weights (one per row of f) are carried to each
 * instance. A group or filter naming another repeat's question fails with
 * a sentence naming the plan item. */
int mtm_analysis_run_all(struct mtm_store *st, const struct mtm_frame *f, const mtm_analysis_spec *s,
                         const mtm_analysis_item *items, int nitems, mtm_arena *a,
                         mtm_analysis_result *out, mtm_err *err) MTM_MUST_USE;

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
 * join their var %/% value pairs with " -/- "; a row with a filter ends
 * with " @/@ filter %/% EXPR". */
const char *mtm_analysis_key(const mtm_analysis_row *r, mtm_arena *a);

/* The columns of the results table as its CSV writes them: the 14 of REACH
 * analysistools with se, then analysis_var_label, analysis_var_value_label,
 * group_var_value_label. Columns 5 (stat) to 12 (n_w_total) are numbers. */
#define MTM_ANALYSIS_NCOLS 17
extern const char *const mtm_analysis_columns[MTM_ANALYSIS_NCOLS];

/* The MTM_ANALYSIS_NCOLS cells of row r as the CSV writes them (NULL: an
 * empty cell; a NaN number is "", an infinite one "Inf"): numbers are
 * written into nb, the key into a. */
void mtm_analysis_row_cells(const mtm_analysis_row *r, char nb[][32], const char **cells,
                            mtm_arena *a);

/* Writes the results table: format 0 CSV (the 14 columns, then
 * analysis_var_label, analysis_var_value_label, group_var_value_label),
 * 1 JSON (an array of objects with the same keys and the design effect
 * "deff", null when undefined or infinite). */
void mtm_analysis_write(const mtm_analysis_result *r, int format, mtm_buf *b, mtm_arena *a);

/* ---- extra columns after a run (post.c) ------------------------------------
 * Columns appended to the results table by --suppress, --compare and
 * --usd: ncols named columns, each row's values in vals[row * ncols + col]
 * (NULL: empty / null). num[col] nonzero: the column is a number (JSON
 * writes it bare, XLSX as a number). Everything lives in the arena given. */
typedef struct mtm_analysis_extra {
  int ncols;
  const char **names;
  unsigned char *num;
  const char **vals;
  const char **json_reason; /* per row, NULL: none; JSON key "compare_reason" */
} mtm_analysis_extra;

/* Appends ncols new columns to x (for res->n rows), returning the index of
 * the first. */
int mtm_analysis_extra_add(mtm_analysis_extra *x, size_t nrows, int ncols,
                           const char *const *names, const unsigned char *num,
                           mtm_arena *a);

/* Small-cell suppression of a results table (`analyse --suppress K`
 * without --public; public outputs use the rule of src/disclose instead):
 * marks cells with unweighted n
 * < k (k < 1: 5) and their complements (mtm_analysis_suppress), blanks
 * their estimates (mtm_analysis_est_blank) and adds the column
 * "suppressed": "", "n < K" or "complementary". Returns the number of
 * cells suppressed. */
size_t mtm_analysis_post_suppress(mtm_analysis_result *res, int k, mtm_analysis_extra *x,
                                  mtm_arena *a);

/* Round comparison: for each row of res (round N) the row of then (round
 * m) with the same analysis_key and filter; adds compare_round,
 * compare_stat, diff, diff_se, p_value, significant (shares in percentage
 * points) and, in JSON, compare_reason when a test is missing. */
void mtm_analysis_post_compare(const mtm_analysis_result *res, const mtm_analysis_result *then,
                               int m, const mtm_analysis_opts *o, mtm_analysis_extra *x,
                               mtm_arena *a);

/* Whether question q of form f holds amounts in currency (e.g. "KZT"): its
 * hxl tag holds "+kzt" (the code lower-cased) or its name ends in "_kzt". */
int mtm_analysis_is_money(const struct mtm_frame *f, const char *q, const char *currency);

/* Money in USD: for mean, median and total rows of money questions adds
 * stat_usd, stat_low_usd, stat_upp_usd at rate units per USD (empty when
 * the rate is unknown, rate <= 0). */
void mtm_analysis_post_usd(const mtm_analysis_result *res, const struct mtm_frame *f,
                           const char *currency, double rate, mtm_analysis_extra *x,
                           mtm_arena *a);

/* mtm_analysis_write with the extra columns x (NULL: none) after the
 * others (format 0 CSV, 1 JSON). */
void mtm_analysis_write_ext(const mtm_analysis_result *r, const mtm_analysis_extra *x,
                            int format, mtm_buf *b, mtm_arena *a);

/* Writes the results table with the extra columns x (NULL: none) as an
 * XLSX workbook at path: one sheet "results" with the CSV's columns,
 * numbers as numbers. Errors (MTM_EIO) name the file. */
int mtm_analysis_write_xlsx(const mtm_analysis_result *r, const mtm_analysis_extra *x,
                            const char *path, mtm_arena *a, mtm_err *err) MTM_MUST_USE;

/* ---- weights (weights.c) ------------------------------------------------ */

typedef struct mtm_store mtm_store;

/* Post-stratified weights N_h / n_h for every row of f (nrows doubles in
 * a): h is the row's value of the strata question, n_h the respondents in
 * it and N_h the population the CSV/XLSX file at path gives it (a header
 * row with the columns 'stratum' and 'population', one row per stratum).
 * Fails with MTM_EINVAL and a sentence naming the file (and row and column)
 * for a population that is not a number above 0, a repeated stratum, or a
 * stratum with respondents but no population. */
int mtm_analysis_weights_population(const struct mtm_frame *f, const char *strata, const char *path,
                                    mtm_arena *a, double **w, mtm_err *err) MTM_MUST_USE;
/* The same with N_h from the baseline mobility assessment: spec is
 * POPULATION:PERIOD, N_h the total of that population and period
 * (mtm_bma_area_totals of the operation's baseline form in f's round) of
 * the area whose P-code the strata question holds, at the level of the
 * first row's area. */
int mtm_analysis_weights_bma(mtm_store *st, const struct mtm_frame *f, const char *strata,
                             const char *spec, mtm_arena *a, double **w,
                             mtm_err *err) MTM_MUST_USE;

#endif
