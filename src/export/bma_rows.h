/*
 * export's bma rows (bma.c), apart from the workspace so that they can be
 * tested on consolidations built by hand: the DTM API's admin0/admin1/
 * admin2 rows of one or more rounds' consolidations (mtm_bma_result), as
 * columns (name, HXL hashtag, type, description) and cells.
 *
 * The columns, in the order of the DTM API v3's rows (IOM's dtmapi client
 * reads them into a data frame as they come):
 *   id, operation, admin0Name, admin0Pcode[, admin1Name, admin1Pcode
 *   [, admin2Name, admin2Pcode]]   (up to the level, as the API's admin0,
 *                                   admin1 and admin2 endpoints give them)
 *   one figure per population and period (all origins, both sexes), named
 *   by mtm_bma_wide_name: numPresentMigrantWorkerInd_2023Q1
 *   reportingDate ("2023-04-30T00:00:00"), yearReportingDate,
 *   monthReportingDate, roundNumber
 *   numberMales, numberFemales (always there; empty where the mapping has
 *   no figure by sex)
 *   the figures by origin (..._UZB) and by sex (..._f, ..._m), where the
 *   mapping has them
 *   assessmentType ("BA"), locationsReporting, locationsTotal.
 * The columns are the union over the rounds; a round without a series
 * leaves its cells empty.
 *
 * Ownership rule: everything ex_bma_rows returns lives in the arena passed;
 * it borrows the results' strings, which must outlive the table.
 */
#ifndef MTM_EXPORT_BMA_ROWS_H
#define MTM_EXPORT_BMA_ROWS_H

#include "bma/bma.h"
#include "publish/publish.h"

typedef struct ex_bma_input {
  const char *operation;    /* the operation's name (NULL: "") */
  const char *country_code; /* ISO3 (NULL or "": the level-0 area's P-code) */
  const char *country_name; /* NULL: the level-0 area's name */
  const char *lang;         /* descriptions: "en" or "ru"; NULL "en" */
  int level;                /* 0, 1 or 2; < 0: the first round's locations' level */
  int nrounds;
  const mtm_bma_result *rounds; /* one consolidation per round, in file order */
} ex_bma_input;

typedef struct ex_bma_table {
  int ncols;
  mtm_pub_col *cols;
  long nrows;
  const char **cells; /* nrows * ncols, row-major; NULL: empty */
  int level;          /* the level written */
} ex_bma_table;

/* Builds the rows: per round (in order), the areas of the level ordered by
 * P-code. MTM_EINVAL when a round's locations are above the level asked
 * (a round with locations of level 1 has no admin2 rows). */
int ex_bma_rows(const ex_bma_input *in, mtm_arena *a, ex_bma_table *out, mtm_err *err) MTM_MUST_USE;

/* The HXL attribute of a population slug: our migrant populations
 * migrant_worker -> migrant_workers, return_migrant -> returnees,
 * emigrant -> emigrants; the standard idp -> idps, refugee -> refugees;
 * any other slug as it is. A static string or s. */
const char *ex_bma_hxl_population(const char *s);

#endif
