/* Unit tests of export's bma rows (export/bma_rows.h) on consolidations
 * built by hand: two rounds whose periods differ (the columns are their
 * union, a round's missing series empty), figures by origin and by sex,
 * numberMales/numberFemales from the latest period with figures by sex,
 * the DTM API's column order and HXL hashtags, coverage counted from the
 * locations that reported, the admin levels written, and the refusals. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "export/bma_rows.h"

/* Two regions: KZ35 with the districts KZ351000 and KZ352000 (whose KIs
 * gave no figure), KZ75 with the district KZ751000. */
static mtm_bma_area areas[] = {
    {"KZ", "Kazakhstan", "", 0, 3, 5},         {"KZ35", "Karagandy", "KZ", 1, 2, 3},
    {"KZ75", "Almaty city", "KZ", 1, 1, 2},    {"KZ351000", "Karaganda", "KZ35", 2, 1, 2},
    {"KZ352000", "Temirtau", "KZ35", 2, 1, 1}, {"KZ751000", "Almaty", "KZ75", 2, 1, 2},
};
#define NAREAS 6

/* Round 1: migrant workers of 2022, from UZB, women. */
static mtm_bma_series s1[] = {
    {"migrant_worker", "2022", "", "", "mw_2022"},
    {"migrant_worker", "2022", "UZB", "", "mw_2022_uzb"},
    {"migrant_worker", "2022", "", "f", "mw_2022_f"},
};
/* Round 2: migrant workers of 2023Q1 (and of 2022 again), women and men,
 * and returnees. */
static mtm_bma_series s2[] = {
    {"migrant_worker", "2023Q1", "", "", "mw_2023q1"},
    {"return_migrant", "2023Q1", "", "", "rm_2023q1"},
    {"migrant_worker", "2023Q1", "", "m", "mw_2023q1_m"},
    {"migrant_worker", "2023Q1", "", "f", "mw_2023q1_f"},
    {"migrant_worker", "2022", "", "", "mw_2022"},
};

/* A result over the areas with values v[area * ns + s] (NaN: none). */
static mtm_bma_result result(mtm_arena *a, int round, const char *date, int loc_level,
                             mtm_bma_series *s, int ns, const double *v) {
  mtm_bma_result r;
  memset(&r, 0, sizeof r);
  r.round = round;
  r.reporting_date = date;
  r.location_level = loc_level;
  r.nseries = ns;
  r.series = s;
  r.nareas = NAREAS;
  r.areas = areas;
  r.fig = mtm_arena_zalloc(a, sizeof(mtm_bma_figure) * NAREAS * (size_t)ns);
  for (int i = 0; i < NAREAS * ns; i++) r.fig[i].value = v[i];
  return r;
}

/* The column index of name, or -1. */
static int col(const ex_bma_table *t, const char *name) {
  for (int j = 0; j < t->ncols; j++)
    if (!strcmp(t->cols[j].name, name)) return j;
  return -1;
}

/* The cell of row i, column name ("" for empty, "?" when no such column). */
static const char *cell(const ex_bma_table *t, long i, const char *name) {
  int j = col(t, name);
  if (j < 0) return "?";
  const char *c = t->cells[i * t->ncols + j];
  return c ? c : "";
}

#define N NAN
static const double v1[] = {
    /* KZ */ 300,       120, 40,
    /* KZ35 */ 200,     100, 30,
    /* KZ75 */ 100,     20,  10,
    /* KZ351000 */ 200, 100, 30,
    /* KZ352000 */ N,   N,   N,
    /* KZ751000 */ 100, 20,  10};
static const double v2[] = {
    /* KZ */ 50.5,       7, 30, 20.5, 280,
    /* KZ35 */ 40,       5, 25, 15,   180,
    /* KZ75 */ 10.5,     2, 5,  5.5,  100,
    /* KZ351000 */ 30,   5, 20, 10,   180,
    /* KZ352000 */ 10,   N, 5,  5,    N,
    /* KZ751000 */ 10.5, 2, 5,  5.5,  100};

static void test_columns_and_rows(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_bma_result rs[2] = {result(&a, 1, "2022-04-15", 2, s1, 3, v1),
                          result(&a, 2, "2023-04-30", 2, s2, 5, v2)};
  ex_bma_input in = {"Kazakhstan MTM", "KAZ", "Kazakhstan", "en", -1, 2, rs};
  ex_bma_table t;
  mtm_err e = {0};
  assert_int_equal(ex_bma_rows(&in, &a, &t, &e), 0);
  assert_int_equal(t.level, 2);
  static const char *const want[] = {"id",
                                     "operation",
                                     "admin0Name",
                                     "admin0Pcode",
                                     "admin1Name",
                                     "admin1Pcode",
                                     "admin2Name",
                                     "admin2Pcode",
                                     "numPresentMigrantWorkerInd_2022",
                                     "numPresentMigrantWorkerInd_2023Q1",
                                     "numPresentReturnMigrantInd_2023Q1",
                                     "reportingDate",
                                     "yearReportingDate",
                                     "monthReportingDate",
                                     "roundNumber",
                                     "numberMales",
                                     "numberFemales",
                                     "numPresentMigrantWorkerInd_2022_UZB",
                                     "numPresentMigrantWorkerInd_2022_f",
                                     "numPresentMigrantWorkerInd_2023Q1_f",
                                     "numPresentMigrantWorkerInd_2023Q1_m",
                                     "assessmentType",
                                     "locationsReporting",
                                     "locationsTotal"};
  int nwant = (int)(sizeof want / sizeof want[0]);
  assert_int_equal(t.ncols, nwant);
  for (int j = 0; j < nwant; j++) assert_string_equal(t.cols[j].name, want[j]);
  /* the hashtags */
  assert_string_equal(t.cols[col(&t, "id")].hxl, "#id+code");
  assert_string_equal(t.cols[col(&t, "admin0Pcode")].hxl, "#country+code");
  assert_string_equal(t.cols[col(&t, "admin0Name")].hxl, "#country+name");
  assert_string_equal(t.cols[col(&t, "admin2Pcode")].hxl, "#adm2+code");
  assert_string_equal(t.cols[col(&t, "reportingDate")].hxl, "#date+reported");
  assert_string_equal(t.cols[col(&t, "monthReportingDate")].hxl, "#date+month+reported");
  assert_string_equal(t.cols[col(&t, "roundNumber")].hxl, "#round+code");
  assert_string_equal(t.cols[col(&t, "assessmentType")].hxl, "#assessment+type");
  assert_string_equal(t.cols[col(&t, "operation")].hxl, "#operation+name");
  assert_string_equal(t.cols[col(&t, "numPresentMigrantWorkerInd_2023Q1")].hxl,
                      "#affected+migrant_workers+ind+period_2023q1");
  assert_string_equal(t.cols[col(&t, "numPresentReturnMigrantInd_2023Q1")].hxl,
                      "#affected+returnees+ind+period_2023q1");
  assert_string_equal(t.cols[col(&t, "numPresentMigrantWorkerInd_2022_UZB")].hxl,
                      "#affected+migrant_workers+ind+period_2022+origin+uzb");
  assert_string_equal(t.cols[col(&t, "numPresentMigrantWorkerInd_2023Q1_f")].hxl,
                      "#affected+migrant_workers+ind+period_2023q1+f");
  assert_string_equal(t.cols[col(&t, "numberMales")].hxl, "#affected+migrant_workers+ind+m");
  /* the types a JSON and a datapackage.json state */
  assert_int_equal(t.cols[col(&t, "roundNumber")].type, MTM_PUB_INT);
  assert_int_equal(t.cols[col(&t, "reportingDate")].type, MTM_PUB_DATETIME);
  assert_int_equal(t.cols[col(&t, "numPresentMigrantWorkerInd_2022")].type, MTM_PUB_NUM);
  assert_int_equal(t.cols[col(&t, "admin1Pcode")].type, MTM_PUB_TEXT);
  for (int j = 0; j < t.ncols; j++) assert_non_null(t.cols[j].description);

  /* three districts per round, by P-code, round 1 first */
  assert_int_equal(t.nrows, 6);
  assert_string_equal(cell(&t, 0, "id"), "1");
  assert_string_equal(cell(&t, 5, "id"), "6");
  assert_string_equal(cell(&t, 0, "admin2Pcode"), "KZ351000");
  assert_string_equal(cell(&t, 0, "admin1Name"), "Karagandy");
  assert_string_equal(cell(&t, 0, "admin1Pcode"), "KZ35");
  assert_string_equal(cell(&t, 0, "admin0Pcode"), "KAZ");
  assert_string_equal(cell(&t, 0, "admin0Name"), "Kazakhstan");
  assert_string_equal(cell(&t, 0, "operation"), "Kazakhstan MTM");
  assert_string_equal(cell(&t, 2, "admin2Name"), "Almaty");
  assert_string_equal(cell(&t, 0, "reportingDate"), "2022-04-15T00:00:00");
  assert_string_equal(cell(&t, 0, "yearReportingDate"), "2022");
  assert_string_equal(cell(&t, 0, "monthReportingDate"), "4");
  assert_string_equal(cell(&t, 0, "roundNumber"), "1");
  assert_string_equal(cell(&t, 3, "roundNumber"), "2");
  assert_string_equal(cell(&t, 3, "reportingDate"), "2023-04-30T00:00:00");
  assert_string_equal(cell(&t, 0, "assessmentType"), "BA");
  /* round 1's figures; its 2023Q1 columns are empty */
  assert_string_equal(cell(&t, 0, "numPresentMigrantWorkerInd_2022"), "200");
  assert_string_equal(cell(&t, 0, "numPresentMigrantWorkerInd_2022_UZB"), "100");
  assert_string_equal(cell(&t, 0, "numPresentMigrantWorkerInd_2023Q1"), "");
  assert_string_equal(cell(&t, 0, "numberFemales"), "30");
  assert_string_equal(cell(&t, 0, "numberMales"), "");
  /* a district whose KIs gave nothing: empty figures, not zeros */
  assert_string_equal(cell(&t, 1, "numPresentMigrantWorkerInd_2022"), "");
  assert_string_equal(cell(&t, 1, "locationsReporting"), "0");
  assert_string_equal(cell(&t, 1, "locationsTotal"), "1");
  assert_string_equal(cell(&t, 0, "locationsReporting"), "1");
  /* round 2: its latest period with figures by sex is 2023Q1 */
  assert_string_equal(cell(&t, 3, "numPresentMigrantWorkerInd_2023Q1"), "30");
  assert_string_equal(cell(&t, 3, "numPresentMigrantWorkerInd_2022"), "180");
  assert_string_equal(cell(&t, 3, "numPresentMigrantWorkerInd_2022_UZB"), "");
  assert_string_equal(cell(&t, 3, "numberMales"), "20");
  assert_string_equal(cell(&t, 3, "numberFemales"), "10");
  assert_string_equal(cell(&t, 5, "numPresentMigrantWorkerInd_2023Q1"), "10.5");
  assert_string_equal(cell(&t, 5, "numberFemales"), "5.5");
  assert_string_equal(cell(&t, 4, "numPresentReturnMigrantInd_2023Q1"), "");
  assert_string_equal(cell(&t, 4, "locationsReporting"), "1");
  mtm_arena_free(&a);
}

static void test_levels(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_bma_result rs[2] = {result(&a, 1, "2022-04-15", 2, s1, 3, v1),
                          result(&a, 2, "2023-04-30", 2, s2, 5, v2)};
  /* admin1: no admin2 columns; coverage summed over the districts */
  ex_bma_input in = {"op", "KAZ", "Kazakhstan", "en", 1, 2, rs};
  ex_bma_table t;
  mtm_err e = {0};
  assert_int_equal(ex_bma_rows(&in, &a, &t, &e), 0);
  assert_int_equal(t.nrows, 4);
  assert_int_equal(col(&t, "admin2Pcode"), -1);
  assert_int_equal(col(&t, "admin1Pcode"), 5);
  assert_string_equal(cell(&t, 0, "admin1Pcode"), "KZ35");
  assert_string_equal(cell(&t, 0, "numPresentMigrantWorkerInd_2022"), "200");
  assert_string_equal(cell(&t, 0, "locationsReporting"), "1");
  assert_string_equal(cell(&t, 0, "locationsTotal"), "2");
  assert_string_equal(cell(&t, 2, "locationsReporting"), "2");
  /* admin0, one round: the country row; no country code given: the
   * level-0 area's */
  ex_bma_input in0 = {NULL, NULL, NULL, "ru", 0, 1, rs + 1};
  assert_int_equal(ex_bma_rows(&in0, &a, &t, &e), 0);
  assert_int_equal(t.nrows, 1);
  assert_int_equal(col(&t, "admin1Name"), -1);
  assert_string_equal(cell(&t, 0, "admin0Pcode"), "KZ");
  assert_string_equal(cell(&t, 0, "admin0Name"), "Kazakhstan");
  assert_string_equal(cell(&t, 0, "operation"), "");
  assert_string_equal(cell(&t, 0, "numPresentMigrantWorkerInd_2023Q1"), "50.5");
  assert_string_equal(cell(&t, 0, "locationsReporting"), "3");
  assert_string_equal(cell(&t, 0, "locationsTotal"), "3");
  assert_int_equal(col(&t, "numPresentMigrantWorkerInd_2022_UZB"), -1);
  mtm_arena_free(&a);
}

static void test_no_sex_and_refusals(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  /* without figures by sex the columns are there, empty */
  mtm_bma_series s[] = {{"idp", "2024", "", "", "idp_2024"}};
  double v[NAREAS] = {9, 6, 3, 6, N, 3};
  mtm_bma_result r = result(&a, 3, "", 2, s, 1, v);
  ex_bma_input in = {"op", "KAZ", "Kazakhstan", "en", 2, 1, &r};
  ex_bma_table t;
  mtm_err e = {0};
  assert_int_equal(ex_bma_rows(&in, &a, &t, &e), 0);
  assert_string_equal(cell(&t, 0, "numberMales"), "");
  assert_string_equal(cell(&t, 0, "numberFemales"), "");
  assert_string_equal(t.cols[col(&t, "numberFemales")].hxl, "#affected+ind+f");
  assert_string_equal(t.cols[col(&t, "numPresentIdpInd_2024")].hxl,
                      "#affected+idps+ind+period_2024");
  assert_string_equal(cell(&t, 0, "reportingDate"), "");
  assert_string_equal(cell(&t, 0, "yearReportingDate"), "");
  /* locations of level 1 have no admin2 rows */
  r.location_level = 1;
  assert_int_equal(ex_bma_rows(&in, &a, &t, &e), MTM_EINVAL);
  assert_non_null(strstr(e.msg, "round 3: the baseline's locations are of level 1"));
  assert_non_null(strstr(e.msg, "--level 1 or lower"));
  in.nrounds = 0;
  assert_int_equal(ex_bma_rows(&in, &a, &t, &e), MTM_EINVAL);
  mtm_arena_free(&a);
}

static void test_hxl_population(void **state) {
  (void)state;
  assert_string_equal(ex_bma_hxl_population("migrant_worker"), "migrant_workers");
  assert_string_equal(ex_bma_hxl_population("return_migrant"), "returnees");
  assert_string_equal(ex_bma_hxl_population("emigrant"), "emigrants");
  assert_string_equal(ex_bma_hxl_population("idp"), "idps");
  assert_string_equal(ex_bma_hxl_population("refugee"), "refugees");
  assert_string_equal(ex_bma_hxl_population("seasonal_worker"), "seasonal_worker");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_columns_and_rows),
      cmocka_unit_test(test_levels),
      cmocka_unit_test(test_no_sex_and_refusals),
      cmocka_unit_test(test_hxl_population),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
