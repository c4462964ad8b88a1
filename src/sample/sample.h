/*
 * sample: the sample design of a survey from baseline figures.
 *
 * The size is Cochran's: n0 = z^2 p (1 - p) deff / e^2, with the finite
 * population correction n = n0 / (1 + (n0 - 1) / N), rounded up. By default
 * n is computed once for the whole population N (the sum of the assessed
 * areas' baseline figures) and allocated to the areas (strata) in integers
 * by largest remainder, so that the rows add up to the total exactly; with
 * per_stratum each area is sized on its own with the correction of its N_h.
 * The inclusion probability of a stratum is pi_h = n_h / N_h, kept with the
 * plan so that survey weights (1 / pi_h) can later be derived from the same
 * baseline.
 *
 * Allocation, with N_h the baseline figure of stratum h:
 *   proportional  n_h proportional to N_h;
 *   equal         the same n_h in every assessed stratum;
 *   neyman        n_h proportional to N_h S_h, S_h = sqrt(p_h (1 - p_h)).
 *                 With counts only (no stratum proportion p_h) S_h is the
 *                 same everywhere and Neyman is proportional; a stratum's
 *                 own proportion (mtm_sample_stratum.proportion) makes it
 *                 differ.
 * A stratum never gets more than floor(N_h) (capped, the excess goes to the
 * others in the same proportions), and min_per_stratum K raises every
 * stratum to at least min(K, floor(N_h)), taking the excess from the others
 * in the same proportions. Both are solved exactly: the real quota of a
 * stratum is clamp(lambda w_h, lo_h, hi_h) with one lambda for all.
 * A stratum with no baseline figure (NaN: not assessed) gets no sample
 * (sample -1), which is not the same as a figure of 0 (sample 0).
 *
 * Ownership rule: the strata are the caller's array; mtm_sample_design
 * fills their output fields in place and points the plan at them. Strings
 * are never copied except by mtm_sample_load, whose plan lives in the
 * arena the caller passes.
 */
#ifndef MTM_SAMPLE_H
#define MTM_SAMPLE_H

#include "core/core.h"
#include "store/store.h"

enum { MTM_SAMPLE_PROPORTIONAL = 0, MTM_SAMPLE_EQUAL = 1, MTM_SAMPLE_NEYMAN = 2 };

typedef struct mtm_sample_params {
  double confidence; /* two-sided, 0 < c < 1; 0.95 */
  double margin;     /* the margin of error e, 0 < e < 1; 0.05 */
  double proportion; /* the expected proportion p, 0 < p < 1; 0.5 */
  double deff;       /* the design effect, > 0; 1 */
  int allocation;    /* MTM_SAMPLE_* */
  int per_stratum;   /* 1: size each stratum on its own */
  long min_per_stratum;
} mtm_sample_params;

/* One stratum (an area). The caller fills the inputs; the design fills the
 * outputs. */
typedef struct mtm_sample_stratum {
  /* inputs */
  const char *pcode, *name;
  int level;
  double figure;     /* N_h, the baseline figure; NaN: not assessed */
  double proportion; /* p_h for Neyman; NaN: the plan's proportion */
  int reporting, locations; /* coverage of an aggregate figure: reporting of
                               locations had one (0, 0: not told) */
  /* outputs */
  double share; /* N_h / N; NaN when not assessed */
  double quota; /* the real-valued allocation before integers; NaN if not assessed */
  long sample;  /* n_h; -1 when not assessed */
  double pi;    /* n_h / N_h; NaN when not assessed or N_h is 0 */
} mtm_sample_stratum;

typedef struct mtm_sample_plan {
  /* what the plan is for (the caller's strings; NULL form_id: the
   * operation's baseline form) */
  int round, level;
  const char *form_id, *population, *period;
  mtm_sample_params params;
  /* how the total was computed */
  double z;            /* the normal quantile of (1 + confidence) / 2 */
  double n0;           /* Cochran's size before the correction */
  double figure_total; /* N: the sum of the assessed strata's figures */
  long required;       /* n: Cochran with correction on N, rounded up (per
                          stratum: the sum of the strata's sizes) */
  long total;          /* the sum of the n_h as allocated: required, unless
                          the population is smaller (capped) or the
                          minimum per stratum raised it */
  int nstrata, nassessed;
  mtm_sample_stratum *strata;
  long id;             /* the stored plan's id (0 when not stored) */
  const char *created_at; /* as stored (NULL when not stored) */
} mtm_sample_plan;

/* Fills p with the defaults: 95%, 5%, 0.5, deff 1, proportional. */
void mtm_sample_defaults(mtm_sample_params *p);
/* The name of an allocation ("proportional", "equal", "neyman"). */
const char *mtm_sample_allocation_name(int allocation);
/* Parses an allocation name; returns 0 or MTM_EINVAL. */
int mtm_sample_allocation_parse(const char *s, int *allocation);

/* The quantile of the standard normal distribution, Phi^-1(p) for
 * 0 < p < 1, to full double precision (Acklam's rational approximation
 * refined by one Halley step on erfc); -inf/+inf at 0/1, NaN outside. */
double mtm_sample_inv_normal(double p);
/* The two-sided z of a confidence level: Phi^-1((1 + c) / 2). */
double mtm_sample_z(double confidence);
/* Cochran's n0 = z^2 p (1 - p) deff / e^2 (no rounding). */
double mtm_sample_cochran(double z, double p, double margin, double deff);
/* n0 corrected for a population of N: n0 / (1 + (n0 - 1) / N), rounded up
 * and never more than floor(N); N = INFINITY gives ceil(n0); N <= 0 gives
 * 0. */
long mtm_sample_size(double n0, double N);

/*
 * Splits total into n integers out[i] with lo[i] <= out[i] <= hi[i] in
 * proportion to weight[i] (>= 0): the real quota of i is
 * clamp(lambda weight[i], lo[i], hi[i]) with the lambda that makes the quotas
 * add up to total, and the integers are the floors plus one for the largest
 * remainders (ties: the P-code keys[i] in byte order, then the index).
 * quota may be NULL. total is first brought within [sum lo, sum hi]; the
 * function returns the total actually allocated. A stratum with weight 0
 * gets lo[i] unless the others cannot take the total.
 */
long mtm_sample_allocate(long total, int n, const double *weight, const long *lo, const long *hi,
                         const char *const *keys, double *quota, long *out);

/* Validates the parameters (ranges as above); MTM_EUSAGE naming the bad
 * one. */
int mtm_sample_check_params(const mtm_sample_params *p, mtm_err *err) MTM_MUST_USE;

/*
 * Designs the sample of n strata with parameters p into *plan (whose round,
 * level, form_id, population and period the caller sets before or after).
 * Fills the strata's outputs. Returns 0, or MTM_EUSAGE for bad parameters,
 * or MTM_EINVAL when no stratum has a baseline figure or a figure is
 * negative (naming the P-code).
 */
int mtm_sample_design(const mtm_sample_params *p, mtm_sample_stratum *strata, int n,
                      mtm_sample_plan *plan, mtm_err *err) MTM_MUST_USE;

/* Stores the plan, its parameters and per stratum N_h, n_h and pi_h, in one
 * transaction; sets plan->id. */
int mtm_sample_save(mtm_store *st, mtm_sample_plan *plan, mtm_err *err) MTM_MUST_USE;
/* The latest stored plan of a round (population NULL: of any population),
 * in arena a; MTM_ENOTFOUND naming the round when there is none. */
int mtm_sample_load(mtm_store *st, int round, const char *population, mtm_arena *a,
                    mtm_sample_plan *plan, mtm_err *err) MTM_MUST_USE;

/*
 * What a plan looks like to its users, appended to b:
 *   csv      the header "level,pcode,name,population,share,sample" and one
 *            row per stratum in the plan's order; population is the baseline
 *            figure, share its fraction of N with 6 decimals; a stratum not
 *            assessed has population, share and sample empty.
 *   json     one object: round, form_id, population, period, level, the
 *            parameters (confidence, z, margin, proportion, deff, N, n0, n,
 *            total, allocation, per_stratum, min_per_stratum), the counts of
 *            strata, plan_id (null when not saved) and the rows, each with
 *            level, pcode, name, population, share, sample, pi and assessed
 *            (null for what a stratum not assessed lacks).
 *   summary  lines for people saying how the total was computed, the
 *            strata partly covered (reporting < locations) and those not
 *            assessed.
 */
void mtm_sample_csv(const mtm_sample_plan *plan, mtm_buf *b);
void mtm_sample_json(const mtm_sample_plan *plan, mtm_buf *b);
void mtm_sample_summary(const mtm_sample_plan *plan, mtm_buf *b);

/*
 * Reads the stratum proportions p_h of a file (CSV, XLSX, XLS) with the
 * columns pcode and proportion (other columns ignored, header names
 * case-insensitive) into the strata of the same P-code. A P-code that is
 * not among the strata, a repeated P-code, or a proportion outside 0..1 is
 * refused (MTM_EINVAL, naming file, row and value); an empty proportion
 * leaves the stratum with the plan's. Neyman allocation weighs a stratum by
 * N_h sqrt(p_h (1 - p_h)); per_stratum sizes it with its own p_h.
 */
int mtm_sample_read_proportions(const char *path, mtm_sample_stratum *strata, int n,
                                mtm_err *err) MTM_MUST_USE;

#endif
