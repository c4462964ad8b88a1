/*
 * bma: the Baseline Mobility Assessment. Key informants (KIs) report, per
 * location (admin2), how many people of each population are present, by
 * period and origin; bma turns a baseline form's submissions into location
 * figures (median of the KIs by default), adds them up the hierarchy with
 * their coverage, applies phone verification, and serves the figures that
 * the sample design and the reports use.
 *
 * Ownership rule: everything a mtm_bma_* function returns lives in the
 * arena the caller passes.
 *
 * (Contract first, written by the lead so that bma, sample and the demo can
 * be built in parallel; the bma helper owns this file and may extend it.)
 */
#ifndef MTM_BMA_H
#define MTM_BMA_H

#include "core/core.h"
#include "store/store.h"

/* One row of a mapping: which question holds which figure. origin is an
 * ISO3 code or "" (all origins); sex "f", "m" or "" (both). */
typedef struct mtm_bma_map {
  const char *field, *population, *period, *origin, *sex;
} mtm_bma_map;

/* Flags of a location figure. */
enum {
  MTM_BMA_SINGLE_KI = 1,    /* one KI answered */
  MTM_BMA_DISAGREE = 2,     /* max/min over the disagreement ratio */
  MTM_BMA_NO_ANSWER = 4,    /* no KI answered */
  MTM_BMA_VERIFIED = 8,     /* a phone verification confirmed it */
  MTM_BMA_UPDATED = 16,     /* a phone verification replaced it */
  MTM_BMA_UNREACHABLE = 32  /* the KI could not be reached */
};

/* A figure of one area (any level) for one population, period, origin and
 * sex. For admin2 (the KI level) n_ki, min and max describe the KIs; for
 * aggregates, locations_reporting of locations_total had a figure. */
typedef struct mtm_bma_figure {
  int level;
  const char *pcode, *name, *parent;
  const char *population, *period, *origin, *sex;
  double value; /* NaN when no location reported */
  int n_ki;
  double min, max;
  int locations_reporting, locations_total;
  unsigned flags;
} mtm_bma_figure;

#define MTM_BMA_SUMMED 64 /* the sum of the origin (or sex) figures: the
                             mapping has no field for this total */

/* ---- arithmetic (consolidate.c) ------------------------------------------ */

/* How a location's figure is taken from its KIs. */
typedef enum { MTM_BMA_MEDIAN = 0, MTM_BMA_MEAN, MTM_BMA_MAX, MTM_BMA_MIN } mtm_bma_method;

/* "median", "mean", "max", "min"; parse returns 0 or MTM_EINVAL. */
const char *mtm_bma_method_name(mtm_bma_method m);
int mtm_bma_method_parse(const char *s, mtm_bma_method *m);

/* The figure of n KI answers by method (x is not changed): median as R's
 * median (the mean of the two middle values for an even n). NaN for n 0. */
double mtm_bma_reduce(const double *x, int n, mtm_bma_method m);
/* Fills value, n_ki, min, max and flags (single_ki, disagreement,
 * no_answer) of f from n KI answers. Disagreement: min 0 and max above 0,
 * or max/min above ratio (as check's ki_disagreement rule). */
void mtm_bma_ki_figure(const double *x, int n, mtm_bma_method m, double ratio, mtm_bma_figure *f);
/* The flag names joined by sep ("single_ki|disagreement"), "" for none. */
const char *mtm_bma_flags_text(unsigned flags, const char *sep, mtm_arena *a);

/* Shares of v[0..n) in units of 1/scale of the total (scale 1000: tenths of
 * a per cent), by largest remainder: the out[] add up to exactly scale
 * (0 everywhere when the total is 0 or a value is negative or NaN, which
 * count as 0). Ties of remainders go to the larger value, then the
 * earlier index. */
void mtm_bma_shares(const double *v, int n, long scale, long *out);

/* A period: YYYY, YYYYQn or YYYY-MM. *from and *to are months since year
 * 0 (year * 12 + month - 1), to exclusive. Returns 0 or MTM_EINVAL. */
int mtm_bma_period_parse(const char *s, int *from, int *to);

/* ---- mapping (mapping.c) -------------------------------------------------- */

struct mtm_form;
/*
 * Reads a mapping file (CSV or XLSX, first sheet; columns field,
 * population, period, origin, sex in any order, origin and sex optional)
 * and validates every row against the versions fs[0..nf) of a form (the
 * latest first): field is an integer or decimal question, outside repeats,
 * of one of them, and appears once; population a slug
 * ([a-z][a-z0-9_]*); period YYYY, YYYYQn or YYYY-MM; origin three capital
 * letters (ISO3) or empty; sex f, m or empty; no two rows for the same
 * population, period, origin and sex. Errors name file, row, column, value.
 */
int mtm_bma_mapping_read(const char *path, const struct mtm_form *const *fs, int nf, mtm_arena *a,
                         mtm_bma_map **out, int *n, mtm_err *err) MTM_MUST_USE;
/* Reads and validates a mapping (path, may be NULL) against the latest
 * version of form_id and stores it with the form, replacing the stored one;
 * location (may be NULL) is checked to be a question of the form and
 * stored too. One transaction. */
int mtm_bma_mapping_save(mtm_store *st, const char *form_id, const char *path,
                         const char *location, mtm_err *err) MTM_MUST_USE;
/* The stored mapping and location question (NULL when none) of form_id. */
int mtm_bma_mapping_load(mtm_store *st, const char *form_id, mtm_arena *a, mtm_bma_map **out,
                         int *n, const char **location, mtm_err *err) MTM_MUST_USE;
/* Same as mtm_bma_mapping_save, and the mapping is also kept as round's
 * own: a later round's mapping replaces the form's, not this round's
 * (the demo's Round 1 keeps its periods 2019 to 2022Q1 when Round 2 gives
 * 2020 to 2023Q1). */
int mtm_bma_mapping_save_round(mtm_store *st, const char *form_id, int round, const char *path,
                               const char *location, mtm_err *err) MTM_MUST_USE;
/* The mapping a round is consolidated with: the one given with it, else
 * the form's (the latest given); and the location question. */
int mtm_bma_mapping_load_round(mtm_store *st, const char *form_id, int round, mtm_arena *a,
                               mtm_bma_map **out, int *n, const char **location,
                               mtm_err *err) MTM_MUST_USE;

/* ---- consolidation (consolidate.c) ---------------------------------------- */

typedef struct mtm_bma_opts {
  const char *form_id;   /* NULL: the one baseline form with data in round */
  int round;
  mtm_bma_method method; /* MTM_BMA_MEDIAN by default (0) */
  double disagreement;   /* max/min ratio; <= 0: 2 */
  const char *location;  /* location question; NULL: stored, else detected */
  const char *lang;      /* area names: NULL "en" */
  int full_names;        /* 1: full official names ("Мангистауская область",
                            mtm_geo_area_full_name), as a report prints them */
  int no_previous;       /* 1: do not consolidate round - 1 for changes */
} mtm_bma_opts;

/* One series of figures: a mapped field, or a total derived by summing
 * (field NULL, MTM_BMA_SUMMED). */
typedef struct mtm_bma_series {
  const char *population, *period, *origin, *sex;
  const char *field; /* NULL when derived */
} mtm_bma_series;

/* An area that appears in the figures (a location or one of its
 * ancestors). */
typedef struct mtm_bma_area {
  const char *pcode, *name, *parent;
  int level;
  int locations_total; /* locations with at least one KI submission in it */
  int kis;             /* KI submissions located in it */
} mtm_bma_area;

/* The change of one location's total (origin and sex "") from the previous
 * round. */
typedef struct mtm_bma_change {
  const char *pcode, *name, *population, *period;
  double value, previous; /* NaN when unknown */
  const char *matched;    /* "pcode", "successor" or NULL (no match) */
  const char *previous_pcodes; /* the previous round's P-codes, "A|B" */
} mtm_bma_change;

typedef struct mtm_bma_result {
  const char *form_id;
  int round;
  mtm_bma_method method;
  double disagreement;
  const char *location;      /* the location question */
  int location_by;           /* 1 given, 2 stored, 3 detected */
  int location_level;        /* level of the locations (2 in Kazakhstan) */
  const char *reporting_date; /* round end, else start, else latest submission; "" */
  int nseries;
  mtm_bma_series *series;
  int nareas;                /* ordered by level, then P-code */
  mtm_bma_area *areas;
  mtm_bma_figure *fig;       /* nareas * nseries: fig[area * nseries + series] */
  long submissions;          /* live KI submissions of the round */
  long located;              /* of which located in a location */
  int locations;             /* locations with at least one KI submission */
  int nverifications;        /* verifications applied (latest per figure) */
  int nnotes;
  const char **notes;        /* sentences: left-out KIs, derived totals, ... */
  int previous_round;        /* round - 1 when the form has data there; else 0 */
  struct mtm_bma_result *previous; /* its consolidation (NULL when none) */
  int nchanges;
  mtm_bma_change *changes;   /* per location and total series */
} mtm_bma_result;

/* Consolidates the baseline form's round: per location the KI figure by the
 * method, the latest phone verifications applied, totals derived where the
 * mapping lacks them, sums up the gazetteer's parents with coverage, and
 * the change from the previous round. Uses the stored mapping. */
int mtm_bma_consolidate(mtm_store *st, const mtm_bma_opts *o, mtm_arena *a, mtm_bma_result *r,
                        mtm_err *err) MTM_MUST_USE;
/* The index of the series, or -1. */
int mtm_bma_series_find(const mtm_bma_result *r, const char *population, const char *period,
                        const char *origin, const char *sex);
/* The sentence stating the method, e.g. "median of the key informants who
 * answered (for an even number, the mean of the two middle values)". */
const char *mtm_bma_method_sentence(mtm_bma_method m);
/* The same sentence in a language: "en" or "ru" (any other: English). */
const char *mtm_bma_method_sentence_lang(mtm_bma_method m, const char *lang);

/* The totals of one population and period (all origins, both sexes) for the
 * areas of one level, as the sample design needs them. form_id NULL: the
 * operation's baseline form with data in that round. */
int mtm_bma_area_totals(mtm_store *st, const char *form_id, int round, const char *population,
                        const char *period, int level, mtm_arena *a, mtm_bma_figure **out, int *n,
                        mtm_err *err) MTM_MUST_USE;

/* Same, on a consolidation already made. period "all periods" sums the
 * population's periods (each area's figure the sum of those it has, NaN
 * when it has none; n_ki and locations_reporting the largest of the
 * periods'); MTM_EINVAL when its periods overlap. */
int mtm_bma_area_totals_from(const mtm_bma_result *r, const char *population, const char *period,
                             int level, mtm_arena *a, mtm_bma_figure **out, int *n,
                             mtm_err *err) MTM_MUST_USE;

/* ---- summary (summary.c) -------------------------------------------------- */

/* An entry of a top list: a region or an origin with its share in tenths
 * of a per cent (the shares of a list, "other" included, add up to 1000). */
typedef struct mtm_bma_share {
  const char *key, *name; /* P-code or ISO3; "other" for the rest */
  double value;
  long tenths;
  double whole; /* value rounded to a whole number so that the wholes of a
                   list add up to its sum rounded (largest remainder); NaN
                   when value is */
} mtm_bma_share;

typedef struct mtm_bma_pop_summary {
  const char *population;
  int nperiods;
  const char **periods;     /* in time order */
  double *period_total;     /* admin0 total per period (NaN: none) */
  int *period_reporting;    /* locations reporting it */
  int periods_overlap;      /* 1: some periods overlap; no all-period sum */
  double total;             /* sum over the periods, NaN when they overlap */
  const char *basis;        /* what the top lists count: "all periods" or a period */
  int norigins;
  const char **origins;     /* by total descending */
  double *origin_total;     /* over the basis */
  int ntop_origins;
  mtm_bma_share *top_origins; /* top 5 and "other", shares add to 100.0 */
  int ntop_regions;
  mtm_bma_share *top_regions;
  /* the sums of the two lists, "other" included: the bases of their
   * shares. The regions add up to the total (the district figures summed);
   * the origins need not: each district's figure for an origin is the
   * median of its key informants for that origin, and medians of parts do
   * not add up to the median of the whole. NaN when a list is empty. */
  double top_origins_sum, top_regions_sum;
  /* the periods of the basis for which the mapping has figures by origin
   * (all of them, or some: the origins then cover only those), in series
   * order, and the total (all origins) of those periods */
  int norigin_periods;
  const char **origin_periods;
  double origin_periods_total;
  const char *latest_period;
  double latest_value;      /* arrivals in the latest period (admin0) */
  int latest_reporting;
  double *previous_period_total; /* the previous round's total of each period
                                    (NaN when that round or period has none) */
  double previous_total;    /* their sum over the periods (NaN: none) */
} mtm_bma_pop_summary;

typedef struct mtm_bma_summary {
  int npops;
  mtm_bma_pop_summary *pops;
} mtm_bma_summary;

/* Computes totals by period and origin, top regions (the level-1 areas)
 * and origins (top 5 plus the rest, shares by largest remainder), and the
 * arrivals of the latest period, per population. */
int mtm_bma_summarize(const mtm_bma_result *r, int top, mtm_arena *a, mtm_bma_summary *s,
                      mtm_err *err) MTM_MUST_USE;

/* ---- outputs (output.c) --------------------------------------------------- */

/* The long CSV columns, NULL-terminated. */
extern const char *const mtm_bma_long_columns[];
/* Long CSV: one row per area (level < 0: every level) and series. */
void mtm_bma_write_long_csv(const mtm_bma_result *r, int level, mtm_buf *out);
/* The DTM API's wide shape: one row per area of level, one column per
 * population and period (all origins, both sexes), HXL hashtags as the
 * second row. */
void mtm_bma_write_wide_csv(const mtm_bma_result *r, int level, mtm_buf *out);
/* JSON: form, round, method, coverage, notes, figures (one level or all),
 * and the summary. */
void mtm_bma_write_json(const mtm_bma_result *r, const mtm_bma_summary *s, int level,
                        mtm_buf *out);
/* The summary as JSON (method, coverage, notes, per population totals, top
 * lists, latest arrivals, changes from the previous round). */
void mtm_bma_write_summary_json(const mtm_bma_result *r, const mtm_bma_summary *s, mtm_buf *out);
/* The summary as text for a terminal. */
void mtm_bma_write_summary_text(const mtm_bma_result *r, const mtm_bma_summary *s, mtm_buf *out);
/* A workbook: sheet "figures" (long or wide), sheet "about" (method,
 * coverage, notes) and sheet "summary". */
int mtm_bma_write_xlsx(const mtm_bma_result *r, const mtm_bma_summary *s, int level, int wide,
                       const char *path, mtm_err *err) MTM_MUST_USE;
/* The wide column name of a series: num + CamelCase population + Ind, then
 * _period ("2023-03" as 2023M03), then _ORIGIN and _f/_m when not "":
 * numPresentMigrantWorkerInd_2023Q1. */
const char *mtm_bma_wide_name(const mtm_bma_series *s, mtm_arena *a);

/* ---- phone verification (verify.c) --------------------------------------- */

typedef struct mtm_bma_verif_in {
  const char *form_id;   /* NULL: the one baseline form with data in round */
  int round;
  const char *pcode, *field, *value, *status, *by, *note; /* value may be NULL */
} mtm_bma_verif_in;

/* Records one verification: pcode a location with KI submissions in the
 * round, field a mapped field, status verified (value, if given, must be the
 * consolidated one), updated (value needed, a number >= 0) or unreachable
 * (no value); old_value is the consolidated figure (median) as it stood.
 * *old and *has_old (may be NULL) receive it. */
int mtm_bma_verify(mtm_store *st, const mtm_bma_verif_in *v, double *old, int *has_old,
                   mtm_err *err) MTM_MUST_USE;
/* Records the rows of a CSV (columns pcode, field, value, status, by, note)
 * in one transaction: all or nothing, errors name the row and column.
 * *n receives the number recorded. */
int mtm_bma_verify_file(mtm_store *st, const char *form_id, int round, const char *path, int *n,
                        mtm_err *err) MTM_MUST_USE;
/* The history of form_id's verifications in round (oldest first), with
 * the form_id resolved. */
int mtm_bma_verify_list(mtm_store *st, const char *form_id, int round, mtm_arena *a,
                        const char **form_out, mtm_store_bma_verif **out, int *n,
                        mtm_err *err) MTM_MUST_USE;
/* The form a bma command works on: form_id when given (must exist and be a
 * baseline form), else the one baseline form with data in round. */
int mtm_bma_form_pick(mtm_store *st, const char *form_id, int round, mtm_arena *a,
                      const char **out, mtm_err *err) MTM_MUST_USE;

#endif
