/*
 * demo: a Kazakhstan-like MTM operation, built through the real pipeline.
 *
 * mtm_demo_build writes into a directory: the XLSForm questionnaires it
 * generates (.xlsx), KoboToolbox-style exports (a ';'-separated labels CSV
 * for Round 1, a names XLSX for Round 2), and a workspace made from them by
 * the same module calls the commands use: init, rounds, areas import of the
 * bundled gazetteer, form add, import, check. Nothing is written to the
 * workspace directly. The generator is deterministic for a given seed.
 *
 * Ownership rule: the caller owns the options; everything the demo
 * allocates is freed before it returns.
 */
#ifndef MTM_DEMO_H
#define MTM_DEMO_H

#include "core/core.h"

typedef struct mtm_demo_opts {
  const char *out_dir;    /* created if missing */
  const char *data_dir;   /* the bundled data (repo's data/); NULL: found */
  uint64_t seed;          /* 0: the default seed */
  int round1_n, round2_n; /* 0: 1000 and 1138 */
  FILE *log;              /* progress lines; NULL for silence */
} mtm_demo_opts;

int mtm_demo_build(const mtm_demo_opts *o, char *ws_path, size_t ws_len, mtm_err *err) MTM_MUST_USE;

/* The bundled data directory: $MTM_DATA, else <dir of the executable>/../data,
 * else the source tree's data/ recorded at build time. */
const char *mtm_demo_data_dir(void);

/* ---- internal, shared by the demo's files ---- */
typedef struct demo_rng {
  uint64_t s;
} demo_rng;
uint64_t demo_rng_next(demo_rng *r);
double demo_rng_unit(demo_rng *r); /* [0, 1) */
double demo_rng_normal(demo_rng *r);
/* Picks an index from weights (need not sum to 1). */
int demo_rng_pick(demo_rng *r, const double *w, int n);

#define DEMO_SURVEY_FORM_ID "mtm_kaz_migrant_workers"

typedef struct demo_question {
  const char *type, *name, *en, *ru, *relevant, *constraint, *message, *required;
  const char *extra; /* "cf:EXPR" = choice_filter */
  const char *hxl;
} demo_question;
typedef struct demo_choice {
  const char *list, *name, *en, *ru;
  double weight;
} demo_choice;
/* A phrase of the report (report::LANG columns): list NULL for a
 * question's finding, else a choice's words in a sentence. */
typedef struct demo_phrase {
  const char *list, *name, *en, *ru;
} demo_phrase;
typedef struct demo_area {
  char *pcode, *parent, *en, *ru;
  double weight; /* share of migrant workers (regions) */
} demo_area;

typedef struct demo_round_spec {
  int number;
  const demo_area *regions, *rayons;
  int nregions, nrayons;
  int32_t first_day; /* days since 1970 */
  int ndays;
} demo_round_spec;
/* The errors planted in a respondent, which the demo's cleaning log fixes. */
enum {
  DEMO_FLAW_YEARLY_INCOME = 1, /* a yearly income entered as monthly (x12) */
  DEMO_FLAW_DUPLICATE = 2,     /* a second submission of an earlier interview */
  DEMO_FLAW_NATIONAL = 4,      /* nationality recorded as KAZ */
  DEMO_FLAW_UNDERAGE = 8,      /* aged under 18 */
  DEMO_FLAW_NOT_WORKING = 16   /* neither working nor seeking work */
};
typedef struct demo_respondent {
  char **v; /* per entry of the question set; NULL = unanswered */
  char uuid[37];
  int64_t start, end, submitted;
  unsigned flaws; /* DEMO_FLAW_* */
  int dup_of;     /* the index of the original, for DEMO_FLAW_DUPLICATE */
} demo_respondent;

/* A questionnaire: its questions and choices, its settings, and the sheet
 * name KoBo gives its XLSX export (the title cut to 31 characters, without
 * the characters Excel forbids). */
typedef struct demo_qset {
  const demo_question *q;
  int nq;
  const demo_choice *c;
  int nc;
  const char *form_id, *title, *sheet;
  const demo_phrase *ph; /* the report's phrases; NULL: none */
  int nph;
} demo_qset;

extern const demo_question demo_questions[];
extern const int demo_nquestions;
extern const demo_choice demo_choices[];
extern const demo_phrase demo_phrases[];
extern const int demo_nchoices;
extern const demo_qset demo_survey_qset;
const demo_choice *demo_choice_find(const char *list, const char *name);
const demo_choice *demo_qset_choice(const demo_qset *qs, const char *list, const char *name);
int demo_write_xlsform(const char *path, const demo_qset *qs, const char *version,
                       const demo_area *regions, int nreg, const demo_area *rayons, int nray,
                       mtm_err *err);
int demo_write_form(const char *path, const char *version, const demo_area *regions, int nreg,
                    const demo_area *rayons, int nray, mtm_err *err);
double demo_region_share(const char *pcode);
int demo_load_areas(const char *path, int level, mtm_arena *a, demo_area **out, int *n,
                    mtm_err *err);
/* Draws n respondents (plus a few duplicated submissions); returns the count. */
int demo_draw_round(const demo_round_spec *rs, int n, uint64_t seed, mtm_arena *a,
                    demo_respondent **out);
int demo_write_csv(const char *path, const demo_qset *qs, const demo_round_spec *rs,
                   const demo_respondent *p, int n, const char *version, mtm_err *err);
int demo_write_xlsx(const char *path, const demo_qset *qs, const demo_round_spec *rs,
                    const demo_respondent *p, int n, const char *version, mtm_err *err);
/* Writes the report's authored text (introduction, populations, partners,
 * key-findings, conclusions, story; NAME.en.md and NAME.ru.md, figures as
 * tags) into the folder dir, created if missing. */
int demo_write_text(const char *dir, mtm_err *err);
/* Writes the cleaning log that fixes the flaws planted in p[0..n). */
int demo_write_cleaning_log(const char *path, const demo_respondent *p, int n, mtm_err *err);

/* ---- the Baseline Mobility Assessment (key informants) ---- */

#define DEMO_KI_FORM_ID "mtm_kaz_bma"
#define DEMO_KI_NPERIODS 4
#define DEMO_KI_NORIGINS 7

/* One round of the assessment: its periods, the layer of its areas, and
 * the country figures its true rayon figures are drawn to. */
typedef struct demo_ki_spec {
  int number, layer;                     /* layer: 2018 or 2024 */
  const char *periods[DEMO_KI_NPERIODS]; /* "2020", ..., "2023Q1" */
  double period_share[DEMO_KI_NPERIODS]; /* of total; sums to 1 */
  double total;                          /* migrant workers, all periods */
  double origin_share[DEMO_KI_NORIGINS]; /* UZB RUS TJK KGZ AZE CHN TUR; sums to 1 */
  double rm_total, em_total;             /* return migrants, emigrants */
  double others_answered;                /* share of KIs who know those two */
  int nkis;
  const demo_area *regions, *rayons;
  int nregions, nrayons;
  int32_t first_day;
  int ndays;
} demo_ki_spec;

/* The true figures of one assessed rayon. */
typedef struct demo_ki_truth {
  const demo_area *rayon, *region;
  double weight; /* share of the country's migrant workers */
  double mw[DEMO_KI_NPERIODS], origin[DEMO_KI_NPERIODS][DEMO_KI_NORIGINS], women;
  double rm[DEMO_KI_NPERIODS], em[DEMO_KI_NPERIODS];
  int nki;
} demo_ki_truth;

/* The KI questionnaire of a round (strings in a). */
void demo_ki_qset(const demo_ki_spec *ks, mtm_arena *a, demo_qset *out);
/* Writes the mapping CSV (field,population,period,origin,sex) of a round. */
int demo_ki_write_mapping(const char *path, const demo_ki_spec *ks, mtm_err *err);
/* Draws the assessed rayons and their true figures. */
int demo_ki_draw(const demo_ki_spec *ks, uint64_t seed, mtm_arena *a, demo_ki_truth **truth,
                 int *ntruth);
/* Draws the KIs' interviews (qs from demo_ki_qset); returns their count. */
int demo_ki_interviews(const demo_ki_spec *ks, const demo_qset *qs, const demo_ki_truth *t, int nt,
                       uint64_t seed, mtm_arena *a, demo_respondent **out);

/* A phone call back to a rayon's KIs: which figure, and what came of it. */
typedef struct demo_ki_call {
  const char *pcode, *field;
  long value;
  const char *status, *note;
} demo_ki_call;
/* The demo's two calls for the latest period's migrant workers: out[0]
 * updates the largest rayon whose KIs disagree (max/min over 2) to its true
 * figure, out[1] confirms the largest single-KI rayon's figure. ki holds
 * the interviews of demo_ki_interviews, rayon by rayon. */
void demo_ki_calls(const demo_ki_spec *ks, const demo_qset *qs, const demo_ki_truth *t, int nt,
                   const demo_respondent *ki, mtm_arena *a, demo_ki_call out[2]);
/* Writes the KI cleaning log of a labels export: the rayons whose name
 * another rayon of the region shares, set to their P-code. */
int demo_ki_write_cleaning_log(const char *path, const demo_ki_spec *ks, const demo_ki_truth *t,
                               int nt, const demo_respondent *ki, mtm_err *err);

#endif
