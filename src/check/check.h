/*
 * check: findings on the submissions of one form and round.
 *
 * A check run streams submissions once: each one is decoded once and the
 * per-submission rules (required, constraint, relevance, choice, area,
 * duration, inclusion) run at once; the numbers, answer hashes and
 * locations needed by the cross-submission rules (outlier, identical
 * answers, ki_disagreement) are kept compactly and judged at the end.
 * Expressions are parsed once per form version (by the form module) and
 * once per inclusion criterion.
 *
 *   mtm_check_new      a run over one form (one or more versions)
 *   mtm_check_add      one submission (its clean values, form->fields order)
 *   mtm_check_add_full the same with the submission's repeat instances
 *   mtm_check_issue    a finding recorded earlier by ingest (cell_issues)
 *   mtm_check_finish   the findings, sorted by submission, question, rule
 *   mtm_check_store    all of that for a form and round of a workspace
 *
 * The statistics used by the outlier rule are public so that they can be
 * tested against R: quantiles of type 7, the median, the median absolute
 * deviation, the modified z-score of Iglewicz and Hoaglin and the IQR
 * fences of Tukey.
 *
 * Ownership rule: a mtm_check run owns its memory (its own arenas) until
 * mtm_check_free; the findings that mtm_check_finish returns live in the
 * arena the caller passes. Forms passed in are borrowed and must outlive
 * the run.
 */
#ifndef MTM_CHECK_H
#define MTM_CHECK_H

#include "core/core.h"
#include "form/form.h"
#include "store/store.h"

/* ---- statistics ----------------------------------------------------------- */

/* The p-quantile (0..1) of n sorted values by R's default, type 7:
 * h = (n-1)p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 * NaN when n == 0. */
double mtm_check_quantile7(const double *sorted, size_t n, double p);
/* The median of n sorted values (NaN when n == 0). */
double mtm_check_median(const double *sorted, size_t n);
/* Sorts x in place, ascending. */
void mtm_check_sort(double *x, size_t n);

/* The robust summary of one numeric question (or one group of it). */
typedef struct mtm_outlier_stats {
  size_t n;
  double median;
  double mad;      /* median(|x - median|), unscaled: R's mad(x, constant = 1) */
  double meanad;   /* mean(|x - median|), used when mad == 0 */
  double q1, q3;   /* quantiles 0.25 and 0.75, type 7 */
  double lo, hi;   /* IQR fences: q1 - 1.5 IQR, q3 + 1.5 IQR */
} mtm_outlier_stats;

/* Computes the summary of x[0..n) (x is reordered). Returns 0, or
 * MTM_EINVAL when n == 0. */
int mtm_check_outlier_stats(double *x, size_t n, mtm_outlier_stats *s);
/* The modified z-score of v: 0.6745 (v - median) / MAD; when MAD is 0,
 * (v - median) / (1.253314 mean absolute deviation); 0 when both are 0. */
double mtm_check_modz(const mtm_outlier_stats *s, double v);

#define MTM_CHECK_MODZ_LIMIT 3.5
#define MTM_CHECK_IQR_K 1.5
/* Groups (or questions) with fewer values than this are not judged. */
#define MTM_CHECK_OUTLIER_MIN_N 5

/* An order-independent 64-bit hash of a submission's answers: the sum of a
 * hash of each (name, value) pair whose value is present and not empty.
 * Two submissions with the same non-empty answers to the same questions
 * have the same hash, whatever the order of their fields. */
uint64_t mtm_check_answer_hash(int n, const char *const *names, const char *const *values);

/* ---- findings ------------------------------------------------------------- */

typedef enum { MTM_SEV_ERROR = 0, MTM_SEV_WARNING = 1, MTM_SEV_INFO = 2 } mtm_severity;

const char *mtm_severity_name(mtm_severity s);
/* Returns 0 and sets *out for "error", "warning", "info"; else MTM_EINVAL. */
int mtm_severity_parse(const char *s, mtm_severity *out);

typedef struct mtm_finding {
  long submission;      /* workspace id, 0 when not from the store */
  const char *uuid;
  const char *question; /* "" when the finding is about the whole submission */
  const char *value;    /* "" when there is none */
  const char *rule;     /* required, constraint, relevance, choice, type,
                           duplicate, area, outlier, duration, inclusion,
                           ki_disagreement */
  mtm_severity severity;
  const char *message;
  const char *repeat;   /* the repeat of a finding inside a repeat, else NULL */
  int instance;         /* its instance: the repeat row's position (1-based,
                           per submission and repeat); 0 outside repeats */
  long order;           /* sort key: the submission's position in the run */
  int field;            /* sort key: question position, -1 for none */
  int repeat_order;     /* sort key: the repeat's position in the form */
} mtm_finding;

/* What an area looks like to the area rule. */
typedef enum { MTM_AREA_FOUND, MTM_AREA_UNKNOWN, MTM_AREA_AMBIGUOUS } mtm_area_match;

/* Resolves value in the gazetteer. On MTM_AREA_AMBIGUOUS, *candidates is a
 * readable list such as "KAZ001 Almaty (admin1), KAZ001001 Almaty
 * (admin2)"; *level is the level of a found P-code (-1 when the value was
 * found by name, not by P-code). Strings live in a. */
typedef mtm_area_match (*mtm_check_area_fn)(void *ctx, const char *value, mtm_arena *a,
                                            const char **candidates, int *level);

typedef struct mtm_check_opts {
  double min_duration;      /* minutes; <= 0 means the default, 10 */
  const char *outliers_by;  /* question whose answers group the outlier rule */
  const char *location;     /* the KI location question of a baseline form */
  double disagreement;      /* max/min above which KIs disagree; <= 0: 2 */
  int baseline;             /* the form's kind is 'baseline' */
  int32_t today;            /* for today() in expressions */
  mtm_check_area_fn area;   /* NULL: no gazetteer, the area rule is off */
  void *area_ctx;
  int lang;                 /* language of constraint messages, -1: default */
  /* The questions the imported files had a column for (names; a
   * select_multiple also counts through its option columns). With
   * nexported > 0, a required question that no file had is not reported on
   * every submission but named once in a note. */
  const char *const *exported;
  int nexported;
} mtm_check_opts;

typedef struct mtm_check mtm_check;

/* An inclusion criterion, as declared with 'mtm criteria add'. */
typedef struct mtm_criterion {
  long id;
  const char *expr;
  const char *label; /* may be NULL */
} mtm_criterion;

/* Starts a run over forms[0..nforms) (the versions of one form; each
 * submission names the one it was collected with). Parses the inclusion
 * criteria and the 'required' expressions; an expression that does not
 * parse is an MTM_EINVAL error naming it. */
int mtm_check_new(mtm_check **out, mtm_form *const *forms, int nforms,
                  const mtm_criterion *criteria, int ncriteria, const mtm_check_opts *opts,
                  mtm_err *err) MTM_MUST_USE;
void mtm_check_free(mtm_check *c);

/* Adds one submission: values[i] is the clean value of forms[version]
 * ->fields[i] (NULL or "" when unanswered). The values are read during the
 * call only. */
int mtm_check_add(mtm_check *c, long submission, const char *uuid, int version,
                  char *const *values, int nvalues, mtm_err *err) MTM_MUST_USE;

/* One instance of a repeat of a submission, as repeat_rows stores it. */
typedef struct mtm_check_instance {
  const char *repeat;  /* the name of its begin_repeat */
  int position;        /* 1-based, per submission and repeat */
  char *const *values; /* the clean values of the fields whose innermost
                          repeat it is, in form->fields order */
  int nvalues;
} mtm_check_instance;

/* Adds one submission with its repeat instances inst[0..ninst) (read
 * during the call only). Inside an instance, required, constraint,
 * relevance and choice run on the repeat's questions; ${q} is the sibling
 * in the same instance, else the submission's question; position() is the
 * instance's position; count(), sum() and the like of a repeat question
 * see every instance of the submission. Nested repeats: an instance is
 * checked with its own answers and the submission's, but repeat_rows does
 * not record which outer instance holds it, so a rule that names a
 * question of an enclosing repeat is left out (with a note), and an
 * instance's relevance does not include the enclosing instance's. */
int mtm_check_add_full(mtm_check *c, long submission, const char *uuid, int version,
                       char *const *values, int nvalues, const mtm_check_instance *inst,
                       int ninst, mtm_err *err) MTM_MUST_USE;

/* Adds a finding recorded by ingest for a submission already added (rule
 * 'type' or 'duplicate'; both are errors). */
void mtm_check_issue(mtm_check *c, long submission, const char *question, const char *value,
                     const char *rule, const char *message);
/* The same for a cell of a repeat instance (repeat NULL: none). */
void mtm_check_issue_at(mtm_check *c, long submission, const char *question, const char *value,
                        const char *rule, const char *message, const char *repeat,
                        int instance);

/* Runs the cross-submission rules and returns every finding, sorted by
 * the order the submissions were added, then question, then rule. Call
 * once. */
int mtm_check_finish(mtm_check *c, mtm_arena *a, mtm_finding **out, int *n,
                     mtm_err *err) MTM_MUST_USE;

/* Notes on rules that could not run (e.g. no gazetteer), one sentence
 * each; valid until mtm_check_free. */
int mtm_check_notes(const mtm_check *c, const char *const **notes);

/* ---- the whole run on a workspace ---------------------------------------- */

/* Checks the live submissions of form_id in round from the workspace:
 * loads every version they use, the criteria and ingest's cell issues.
 * MTM_ENOTFOUND (with a sentence naming the forms or rounds that exist)
 * when the form or the round is unknown. Notes are copied into a. */
int mtm_check_store(mtm_store *st, const char *form_id, int round, const mtm_check_opts *opts,
                    mtm_arena *a, mtm_finding **out, int *n, const char ***notes,
                    int *nnotes, mtm_err *err) MTM_MUST_USE;

/* Validates an inclusion criterion against the latest version of form_id:
 * it must parse and name only questions of the form. */
int mtm_check_criterion_valid(mtm_store *st, const char *form_id, const char *expr,
                              mtm_err *err) MTM_MUST_USE;

/* Validates a consent question named for form_id ('criteria add
 * --consent'): a select_one of the latest version, and value (NULL: told
 * by mtm_form_consent_value) one of its choices. *out gets the answer that
 * gives consent, in a. */
int mtm_check_consent_valid(mtm_store *st, const char *form_id, const char *question,
                            const char *value, mtm_arena *a, const char **out,
                            mtm_err *err) MTM_MUST_USE;

/* ---- output --------------------------------------------------------------- */

/* Keeps the findings of severity sev or more severe; returns the count. */
int mtm_check_filter(mtm_finding *f, int n, mtm_severity sev);
/* Writes findings as csv (header uuid,repeat,instance,question,value,
 * rule,severity,message: repeat and instance are empty outside repeats, so
 * that the file, given a new_value column, is a cleaning log for 'mtm clean
 * apply'), text (aligned lines, a question inside a repeat written
 * members[2]/age, then a summary by rule and severity) or json (an object
 * {"findings":[...],"summary":[...]}, a finding inside a repeat with
 * "repeat" and "instance"). */
void mtm_check_write_csv(mtm_buf *b, const mtm_finding *f, int n);
void mtm_check_write_text(mtm_buf *b, const mtm_finding *f, int n);
void mtm_check_write_json(mtm_buf *b, const mtm_finding *f, int n, const char *const *notes,
                          int nnotes);

#endif
