/*
 * export: what a partner downloads. `mtm export` writes, through publish's
 * writer (src/publish), three kinds of rows:
 *   bma         the baseline's area figures in the DTM API's shape (the
 *               admin0/admin1/admin2 rows of IOM's DTM API v3), one row per
 *               area and round (bma.c);
 *   indicators  the survey's results table, REACH analysistools' columns,
 *               as `mtm analyse` writes them (indicators.c);
 *   microdata   the clean data, one row per submission, select_multiple as
 *               0/1 columns, repeats as linked tables (microdata.c), and its
 *               anonymised form (anonymise.c, statistics in src/sdc);
 * and the HDX package of a round (hdx.c): bma and indicators as CSV with
 * HXL and as XLSX, datapackage.json and a README; the metadata every XLSX
 * carries (meta.c).
 *
 * --public applies src/disclose's public rule to indicators; baseline
 * figures are area estimates, published as DTM publishes them; microdata is
 * refused with --public unless anonymised.
 *
 * Ownership rule: the functions write files and return nothing that
 * outlives the call, except mtm_export_metadata and mtm_export_*_columns,
 * whose results live in the arena passed.
 */
#ifndef MTM_EXPORT_H
#define MTM_EXPORT_H

#include "core/core.h"
#include "publish/publish.h"
#include "store/store.h"

typedef enum { MTM_EXPORT_BMA = 1, MTM_EXPORT_INDICATORS, MTM_EXPORT_MICRODATA } mtm_export_what;

/* "bma", "indicators", "microdata" -> what; 0 or MTM_EINVAL. */
int mtm_export_what_parse(const char *s, mtm_export_what *out);

typedef struct mtm_export_opts {
  mtm_export_what what;
  const int *rounds;        /* --round N[,M...]: one or more rounds      */
  int nrounds;
  const char *form_id;      /* NULL: the round's baseline form (bma), its
                               one survey form (indicators, microdata)   */
  int level;                /* bma: 0, 1 or 2; < 0: the locations' level */
  mtm_pub_format format;    /* 0: from the --out extension, else CSV     */
  int hxl;                  /* --hxl: a second header row of hashtags    */
  int public_;              /* --public                                  */
  int suppress_k;           /* the public rule's K; < 1: 5               */
  int other_below;          /* --other-below P (indicators, --public)    */
  int flag_below;           /* --flag-below N (indicators, --public)     */
  const char *hdx;          /* --hdx DIR: mtm_export_hdx instead of one file */
  const char *lang;         /* names and labels; NULL: "en"              */
  const char *out;          /* --out FILE                                */

  /* indicators: analyse's design and plan; NULL/0: as the report computes
   * them (the round's design, the default plan, by sex and nationality) */
  const char *plan, *by, *weight, *strata, *cluster, *weights_from_bma;
  int all_respondents;

  /* microdata --anonymise */
  int anonymise;
  const char *keys;         /* --keys Q,...: the key variables; NULL: chosen
                               from the form (sex, age, nationality, area) */
  const char *identifiers;  /* --identifiers Q,...: more direct identifiers */
  const char *keep;         /* --keep Q,...: text questions declared safe  */
  int k;                    /* --k; < 1: 5                                 */
  const char *risk_out;     /* --risk-out FILE.json; NULL: summary only   */
} mtm_export_opts;

/* Runs one export as the options say (cmd_export's one call): opens the
 * writer on o->out, writes the rows, the metadata (XLSX) and closes it.
 * Nothing is left at o->out on error. */
int mtm_export_run(mtm_store *st, const mtm_export_opts *o, mtm_err *err) MTM_MUST_USE;

/* The three kinds, each writing its table(s) into an open writer. */
int mtm_export_bma(mtm_store *st, const mtm_export_opts *o, mtm_pub_writer *w,
                   mtm_err *err) MTM_MUST_USE;
int mtm_export_indicators(mtm_store *st, const mtm_export_opts *o, mtm_pub_writer *w,
                          mtm_err *err) MTM_MUST_USE;
int mtm_export_microdata(mtm_store *st, const mtm_export_opts *o, mtm_pub_writer *w,
                         mtm_err *err) MTM_MUST_USE;

/* The metadata of an export (methodology, consolidation method, coverage,
 * dates, licence, source, the public rule applied, the exchange rate), in
 * o->lang, for the XLSX sheet "metadata", the HDX README and
 * datapackage.json. Strings in arena a. */
int mtm_export_metadata(mtm_store *st, const mtm_export_opts *o, mtm_arena *a, mtm_pub_meta **out,
                        int *n, mtm_err *err) MTM_MUST_USE;

/* `mtm export --round N --hdx DIR`: DIR/ gets the bma file (CSV with HXL
 * and XLSX), the indicators file (the same), datapackage.json and
 * README.md in o->lang. Written into a temporary folder beside DIR and
 * renamed into place: nothing half-written. */
int mtm_export_hdx(mtm_store *st, const mtm_export_opts *o, const char *dir,
                   mtm_err *err) MTM_MUST_USE;

#endif
