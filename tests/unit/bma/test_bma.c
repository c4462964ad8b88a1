/* Unit tests of the baseline mobility assessment: the consolidation
 * arithmetic against hand-worked cases (odd and even numbers of KIs,
 * missing answers, a single KI, an outlier, every method), sums up the
 * hierarchy with coverage, verification taking precedence, and
 * largest-remainder shares that add up to 100. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bma/bma.h"
#include "form/form.h"
#include "geo/geo.h"
#include "ingest/ingest.h"

#define DB "build/test_bma.db"
#define DIR "build/test_bma"

/* ---- arithmetic ---------------------------------------------------------- */

static void test_reduce_median(void **state) {
  (void)state;
  double odd[] = {400, 100, 120};
  assert_true(mtm_bma_reduce(odd, 3, MTM_BMA_MEDIAN) == 120);
  double even[] = {61, 50};
  assert_true(mtm_bma_reduce(even, 2, MTM_BMA_MEDIAN) == 55.5);
  double four[] = {46, 40, 44, 42}; /* sorted 40 42 44 46: (42 + 44) / 2 */
  assert_true(mtm_bma_reduce(four, 4, MTM_BMA_MEDIAN) == 43);
  double one[] = {300};
  assert_true(mtm_bma_reduce(one, 1, MTM_BMA_MEDIAN) == 300);
  assert_true(isnan(mtm_bma_reduce(NULL, 0, MTM_BMA_MEDIAN)));
  /* the input is not reordered */
  assert_true(odd[0] == 400 && odd[1] == 100 && odd[2] == 120);
}

static void test_reduce_methods(void **state) {
  (void)state;
  double x[] = {10, 20, 90};
  assert_true(mtm_bma_reduce(x, 3, MTM_BMA_MEAN) == 40);
  assert_true(mtm_bma_reduce(x, 3, MTM_BMA_MAX) == 90);
  assert_true(mtm_bma_reduce(x, 3, MTM_BMA_MIN) == 10);
  assert_true(mtm_bma_reduce(x, 3, MTM_BMA_MEDIAN) == 20);
  mtm_bma_method m;
  assert_int_equal(mtm_bma_method_parse("mean", &m), 0);
  assert_int_equal(m, MTM_BMA_MEAN);
  assert_int_equal(mtm_bma_method_parse("average", &m), MTM_EINVAL);
  assert_string_equal(mtm_bma_method_name(MTM_BMA_MIN), "min");
}

static void test_ki_figure_flags(void **state) {
  (void)state;
  mtm_bma_figure f = {0};
  double outlier[] = {100, 120, 400}; /* 400 / 100 = 4 > 2 */
  mtm_bma_ki_figure(outlier, 3, MTM_BMA_MEDIAN, 2, &f);
  assert_true(f.value == 120 && f.min == 100 && f.max == 400);
  assert_int_equal(f.n_ki, 3);
  assert_int_equal(f.flags, MTM_BMA_DISAGREE);
  /* the same KIs agree enough under a ratio of 5 */
  mtm_bma_ki_figure(outlier, 3, MTM_BMA_MEDIAN, 5, &f);
  assert_int_equal(f.flags, 0);
  double zero[] = {0, 3}; /* one says none, another 3 */
  mtm_bma_ki_figure(zero, 2, MTM_BMA_MEDIAN, 2, &f);
  assert_true(f.value == 1.5);
  assert_int_equal(f.flags, MTM_BMA_DISAGREE);
  double both0[] = {0, 0};
  mtm_bma_ki_figure(both0, 2, MTM_BMA_MEDIAN, 2, &f);
  assert_int_equal(f.flags, 0);
  double one[] = {80};
  mtm_bma_ki_figure(one, 1, MTM_BMA_MEDIAN, 2, &f);
  assert_int_equal(f.flags, MTM_BMA_SINGLE_KI);
  assert_true(f.min == 80 && f.max == 80);
  mtm_bma_ki_figure(NULL, 0, MTM_BMA_MEDIAN, 2, &f);
  assert_int_equal(f.flags, MTM_BMA_NO_ANSWER);
  assert_true(isnan(f.value) && isnan(f.min) && isnan(f.max));
  assert_int_equal(f.n_ki, 0);
  mtm_arena a;
  mtm_arena_init(&a);
  assert_string_equal(mtm_bma_flags_text(MTM_BMA_DISAGREE | MTM_BMA_VERIFIED | MTM_BMA_UPDATED,
                                         "|", &a),
                      "disagreement|verified|updated");
  assert_string_equal(mtm_bma_flags_text(0, "|", &a), "");
  mtm_arena_free(&a);
}

static long sum(const long *v, int n) {
  long s = 0;
  for (int i = 0; i < n; i++) s += v[i];
  return s;
}

static void test_shares(void **state) {
  (void)state;
  long out[8];
  /* the published origins: 86, 10, 5, 3, 2 add to 106; as shares of their
   * total: 81.132 9.434 4.717 2.830 1.887 -> floors 811 94 47 28 18 (998),
   * the two largest remainders (.87 and .34) get a tenth each */
  double pub[] = {86, 10, 5, 3, 2};
  mtm_bma_shares(pub, 5, 1000, out);
  assert_int_equal(out[0], 811);
  assert_int_equal(out[1], 95);
  assert_int_equal(out[2], 47);
  assert_int_equal(out[3], 28);
  assert_int_equal(out[4], 19);
  assert_int_equal(sum(out, 5), 1000);
  /* thirds: the tie goes to the earliest */
  double thirds[] = {1, 1, 1};
  mtm_bma_shares(thirds, 3, 1000, out);
  assert_int_equal(out[0], 334);
  assert_int_equal(out[1], 333);
  assert_int_equal(out[2], 333);
  /* sevenths: 142.857 each, 6 tenths to give */
  double sev[] = {1, 1, 1, 1, 1, 1, 1};
  mtm_bma_shares(sev, 7, 1000, out);
  assert_int_equal(sum(out, 7), 1000);
  assert_int_equal(out[6], 142);
  /* NaN and negative count as nothing; all zero gives zeros */
  double odd[] = {NAN, 3, -1, 1};
  mtm_bma_shares(odd, 4, 1000, out);
  assert_int_equal(out[0], 0);
  assert_int_equal(out[1], 750);
  assert_int_equal(out[2], 0);
  assert_int_equal(out[3], 250);
  double zeros[] = {0, 0};
  mtm_bma_shares(zeros, 2, 1000, out);
  assert_int_equal(out[0] + out[1], 0);
}

static void test_periods(void **state) {
  (void)state;
  int f, t;
  assert_int_equal(mtm_bma_period_parse("2023", &f, &t), 0);
  assert_int_equal(f, 2023 * 12);
  assert_int_equal(t, 2024 * 12);
  assert_int_equal(mtm_bma_period_parse("2023Q2", &f, &t), 0);
  assert_int_equal(f, 2023 * 12 + 3);
  assert_int_equal(t, 2023 * 12 + 6);
  assert_int_equal(mtm_bma_period_parse("2023-12", &f, &t), 0);
  assert_int_equal(f, 2023 * 12 + 11);
  assert_int_equal(mtm_bma_period_parse("2023Q5", &f, &t), MTM_EINVAL);
  assert_int_equal(mtm_bma_period_parse("2023-13", &f, &t), MTM_EINVAL);
  assert_int_equal(mtm_bma_period_parse("23", &f, &t), MTM_EINVAL);
  assert_int_equal(mtm_bma_period_parse("2023q1", &f, &t), MTM_EINVAL);
  mtm_bma_series s = {"migrant_worker", "2023-03", "UZB", "f", "x"};
  mtm_arena a;
  mtm_arena_init(&a);
  assert_string_equal(mtm_bma_wide_name(&s, &a), "numPresentMigrantWorkerInd_2023M03_UZB_f");
  mtm_bma_series s2 = {"return_migrant", "2023Q1", "", "", "x"};
  assert_string_equal(mtm_bma_wide_name(&s2, &a), "numPresentReturnMigrantInd_2023Q1");
  mtm_arena_free(&a);
}

/* ---- a workspace --------------------------------------------------------- */

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

#define HEAD                                                                                   \
  "start,end,ki_role,region,rayon,mw_2022,mw_2023q1_uzb,mw_2023q1_rus,mw_2023q1_tjk,rm_2023q1," \
  "ki_note,_uuid\n"
#define T "2023-03-10T09:00:00Z,2023-03-10T09:40:00Z"

/* A workspace with the fixture gazetteer and KI form, and a round of KIs:
 * Karaganda 10, 20, 90 (an outlier); Temirtau 5, 7; Almaly 40 (one KI);
 * Auezov two KIs who did not answer mw_2022. */
static mtm_store *workspace(const char *mapping) {
  unlink(DB);
  if (system("mkdir -p " DIR) != 0) fail();
  mtm_store *st;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_store_open(&st, DB, 1, &e), 0);
  mtm_operation op = {"test", "KAZ", "KZT", "en", NULL};
  assert_int_equal(mtm_store_operation_set(st, &op, &e), 0);
  mtm_geo_import_opts go;
  mtm_geo_import_opts_init(&go);
  mtm_geo_import_stats gs;
  assert_int_equal(mtm_geo_import(st, "tests/fixtures/bma/areas.csv", &go, &gs, &e), 0);
  mtm_buf bytes;
  mtm_buf_init(&bytes);
  mtm_form *f;
  assert_int_equal(mtm_form_read_file("tests/fixtures/bma/ki_form.md", &bytes, &f, &e), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  int what;
  assert_int_equal(mtm_store_form_add(st, "ki_bma", "baseline", f->title, f->version,
                                      "ki_form.md", "md", bytes.p, bytes.n,
                                      mtm_form_fields_json(f, &a), &what, &e),
                   0);
  mtm_form_free(f);
  mtm_buf_free(&bytes);
  write_file(DIR "/ki.csv", HEAD T ",akim,KZ35,KZ351000,10,1,,,,,a1\n"
                            T ",teacher,KZ35,KZ351000,20,2,,,,,a2\n"
                            T ",imam,KZ35,KZ351000,90,3,,,,,a3\n"
                            T ",akim,KZ35,KZ352000,5,4,,,,,b1\n"
                            T ",teacher,KZ35,KZ352000,7,,,,,,b2\n"
                            T ",akim,KZ75,KZ751000,40,,,,,,c1\n"
                            T ",akim,KZ75,KZ752000,,6,,,,,d1\n"
                            T ",imam,KZ75,KZ752000,,8,,,,,d2\n");
  const char *files[] = {DIR "/ki.csv"};
  mtm_import_opts io = {.form_id = "ki_bma", .round = 2, .who = "test", .nfiles = 1, .files = files};
  mtm_import_report rep;
  if (mtm_ingest_import(st, &io, &a, &rep, &e)) fail_msg("%s", e.msg);
  write_file(DIR "/mapping.csv", mapping);
  if (mtm_bma_mapping_save(st, "ki_bma", DIR "/mapping.csv", NULL, &e)) fail_msg("%s", e.msg);
  mtm_arena_free(&a);
  return st;
}

#define MAPPING                                  \
  "field,population,period,origin,sex\n"         \
  "mw_2022,migrant_worker,2022,,\n"              \
  "mw_2023q1_uzb,migrant_worker,2023Q1,UZB,\n"

/* The figure of an area and series. */
static const mtm_bma_figure *fig(const mtm_bma_result *r, const char *pcode, const char *period,
                                 const char *origin) {
  int s = mtm_bma_series_find(r, "migrant_worker", period, origin, "");
  assert_true(s >= 0);
  for (int i = 0; i < r->nareas; i++)
    if (!strcmp(r->areas[i].pcode, pcode)) return &r->fig[(size_t)i * (size_t)r->nseries + (size_t)s];
  fail_msg("no area %s", pcode);
  return NULL;
}

static void consolidate(mtm_store *st, mtm_bma_method m, mtm_arena *a, mtm_bma_result *r) {
  mtm_err e;
  mtm_err_clear(&e);
  mtm_bma_opts o = {0};
  o.form_id = "ki_bma";
  o.round = 2;
  o.method = m;
  if (mtm_bma_consolidate(st, &o, a, r, &e)) fail_msg("%s", e.msg);
}

static void test_hierarchy(void **state) {
  (void)state;
  mtm_store *st = workspace(MAPPING);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_bma_result r;
  consolidate(st, MTM_BMA_MEDIAN, &a, &r);
  assert_string_equal(r.location, "rayon"); /* detected: deeper than region */
  assert_int_equal(r.location_by, 3);
  assert_int_equal(r.location_level, 2);
  assert_int_equal(r.submissions, 8);
  assert_int_equal(r.located, 8);
  assert_int_equal(r.locations, 4);
  /* areas: KZ, KZ35, KZ75 and the four rayons with KIs (not Balkhash) */
  assert_int_equal(r.nareas, 7);
  assert_string_equal(r.areas[0].pcode, "KZ");
  assert_string_equal(r.areas[6].pcode, "KZ752000");
  const mtm_bma_figure *f = fig(&r, "KZ351000", "2022", "");
  assert_true(f->value == 20 && f->min == 10 && f->max == 90);
  assert_int_equal(f->n_ki, 3);
  assert_int_equal(f->flags, MTM_BMA_DISAGREE);
  f = fig(&r, "KZ352000", "2022", "");
  assert_true(f->value == 6);
  assert_int_equal(f->flags, 0);
  f = fig(&r, "KZ751000", "2022", "");
  assert_true(f->value == 40);
  assert_int_equal(f->flags, MTM_BMA_SINGLE_KI);
  f = fig(&r, "KZ752000", "2022", "");
  assert_true(isnan(f->value));
  assert_int_equal(f->flags, MTM_BMA_NO_ANSWER);
  /* sums: a missing figure is not a zero */
  f = fig(&r, "KZ35", "2022", "");
  assert_true(f->value == 26);
  assert_int_equal(f->locations_reporting, 2);
  assert_int_equal(f->locations_total, 2);
  assert_int_equal(f->n_ki, 5);
  f = fig(&r, "KZ75", "2022", "");
  assert_true(f->value == 40);
  assert_int_equal(f->locations_reporting, 1);
  assert_int_equal(f->locations_total, 2);
  f = fig(&r, "KZ", "2022", "");
  assert_true(f->value == 66);
  assert_int_equal(f->locations_reporting, 3);
  assert_int_equal(f->locations_total, 4);
  /* UZB: Karaganda 2 (1 2 3), Temirtau 4 (one KI), Almaly none, Auezov 7
   * (6 8); the all-origins 2023Q1 figure is their sum */
  f = fig(&r, "KZ", "2023Q1", "UZB");
  assert_true(f->value == 13);
  assert_int_equal(f->locations_reporting, 3);
  f = fig(&r, "KZ", "2023Q1", "");
  assert_true(f->value == 13);
  assert_true(f->flags & MTM_BMA_SUMMED);
  f = fig(&r, "KZ752000", "2023Q1", "");
  assert_true(f->value == 7);
  assert_int_equal(f->n_ki, 2);
  /* area totals for the sample design */
  mtm_bma_figure *tot;
  int n;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_bma_area_totals(st, NULL, 2, "migrant_worker", "2022", 1, &a, &tot, &n, &e),
                   0);
  assert_int_equal(n, 2);
  assert_string_equal(tot[0].pcode, "KZ35");
  assert_true(tot[0].value == 26);
  assert_string_equal(tot[1].pcode, "KZ75");
  assert_int_equal(tot[1].locations_reporting, 1);
  assert_int_equal(mtm_bma_area_totals(st, NULL, 2, "migrant_worker", "2023Q1", 2, &a, &tot, &n, &e),
                   0);
  assert_int_equal(n, 4);
  assert_true(tot[3].value == 7);
  assert_int_equal(mtm_bma_area_totals(st, NULL, 2, "emigrant", "2022", 1, &a, &tot, &n, &e),
                   MTM_ENOTFOUND);
  assert_string_equal(e.msg, "form 'ki_bma' has no figure for population emigrant, period 2022 in "
                             "round 2; its figures are migrant_worker 2022, migrant_worker 2023Q1");
  /* top regions: KZ35 26 + 6, KZ75 40 + 7 over all periods (79) */
  mtm_bma_summary s;
  assert_int_equal(mtm_bma_summarize(&r, 5, &a, &s, &e), 0);
  assert_int_equal(s.npops, 1);
  assert_true(s.pops[0].total == 79);
  assert_int_equal(s.pops[0].ntop_regions, 2);
  assert_string_equal(s.pops[0].top_regions[0].key, "KZ75");
  assert_int_equal(s.pops[0].top_regions[0].tenths, 595); /* 47 / 79 = 59.49% */
  assert_int_equal(s.pops[0].top_regions[1].tenths, 405);
  assert_string_equal(s.pops[0].latest_period, "2023Q1");
  assert_true(s.pops[0].latest_value == 13);
  /* the lists' sums (the bases of their shares) and whole numbers that
   * add up to them; the origins (UZB only) add up to 13 */
  assert_true(s.pops[0].top_regions_sum == 79);
  assert_true(s.pops[0].top_regions[0].whole == 47 && s.pops[0].top_regions[1].whole == 32);
  assert_true(s.pops[0].top_origins_sum == 13);
  assert_int_equal(s.pops[0].ntop_origins, 1);
  assert_true(s.pops[0].top_origins[0].whole == 13);
  /* the map's figures over all periods: each area's periods summed, an
   * area without a figure in one period keeps the other's */
  assert_int_equal(mtm_bma_area_totals_from(&r, "migrant_worker", "all periods", 1, &a, &tot, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_true(tot[0].value == 32 && tot[1].value == 47);
  assert_string_equal(tot[1].period, "all periods");
  assert_int_equal(mtm_bma_area_totals_from(&r, "migrant_worker", "all periods", 2, &a, &tot, &n, &e), 0);
  assert_int_equal(n, 4);
  assert_true(tot[2].value == 40); /* Almaly: 2022 only */
  assert_true(tot[3].value == 7);  /* Auezov: 2023Q1 only */
  assert_int_equal(tot[3].flags & MTM_BMA_NO_ANSWER, 0);
  assert_int_equal(mtm_bma_area_totals_from(&r, "emigrant", "all periods", 1, &a, &tot, &n, &e), MTM_ENOTFOUND);
  mtm_arena_free(&a);
  mtm_store_close(st);
}

static void test_methods(void **state) {
  (void)state;
  mtm_store *st = workspace(MAPPING);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_bma_result r;
  consolidate(st, MTM_BMA_MEAN, &a, &r);
  assert_true(fig(&r, "KZ351000", "2022", "")->value == 40);
  assert_true(fig(&r, "KZ35", "2022", "")->value == 46);
  consolidate(st, MTM_BMA_MAX, &a, &r);
  assert_true(fig(&r, "KZ35", "2022", "")->value == 97);
  consolidate(st, MTM_BMA_MIN, &a, &r);
  assert_true(fig(&r, "KZ35", "2022", "")->value == 15);
  assert_true(fig(&r, "KZ", "2022", "")->value == 55);
  mtm_arena_free(&a);
  mtm_store_close(st);
}

static void test_verification_precedence(void **state) {
  (void)state;
  mtm_store *st = workspace(MAPPING);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_err e;
  mtm_err_clear(&e);
  double old;
  int has_old;
  /* Karaganda's 20 replaced by 30 */
  mtm_bma_verif_in v = {NULL, 2, "KZ351000", "mw_2022", "30", "updated", "amina", "recount"};
  assert_int_equal(mtm_bma_verify(st, &v, &old, &has_old, &e), 0);
  assert_true(has_old && old == 20);
  /* Auezov had no figure: updated gives it one */
  mtm_bma_verif_in v2 = {NULL, 2, "KZ752000", "mw_2022", "12", "updated", "amina", NULL};
  assert_int_equal(mtm_bma_verify(st, &v2, &old, &has_old, &e), 0);
  assert_int_equal(has_old, 0);
  /* verifying Karaganda confirms the updated figure */
  mtm_bma_verif_in v3 = {NULL, 2, "KZ351000", "mw_2022", NULL, "verified", "bob", NULL};
  assert_int_equal(mtm_bma_verify(st, &v3, &old, &has_old, &e), 0);
  assert_true(old == 30);
  mtm_bma_verif_in v4 = {NULL, 2, "KZ751000", "mw_2022", NULL, "unreachable", "bob", NULL};
  assert_int_equal(mtm_bma_verify(st, &v4, &old, &has_old, &e), 0);
  mtm_bma_result r;
  consolidate(st, MTM_BMA_MEDIAN, &a, &r);
  const mtm_bma_figure *f = fig(&r, "KZ351000", "2022", "");
  assert_true(f->value == 30);
  assert_int_equal(f->flags, MTM_BMA_DISAGREE | MTM_BMA_UPDATED | MTM_BMA_VERIFIED);
  assert_int_equal(f->n_ki, 3); /* the KIs stay described */
  f = fig(&r, "KZ752000", "2022", "");
  assert_true(f->value == 12);
  assert_int_equal(f->flags, MTM_BMA_UPDATED);
  f = fig(&r, "KZ751000", "2022", "");
  assert_true(f->value == 40);
  assert_int_equal(f->flags, MTM_BMA_SINGLE_KI | MTM_BMA_UNREACHABLE);
  f = fig(&r, "KZ", "2022", "");
  assert_true(f->value == 30 + 6 + 40 + 12);
  assert_int_equal(f->locations_reporting, 4);
  assert_int_equal(r.nverifications, 3);
  /* refusals, nothing recorded */
  mtm_bma_verif_in bad = {NULL, 2, "KZ351000", "mw_2022", "31", "verified", "bob", NULL};
  assert_int_equal(mtm_bma_verify(st, &bad, &old, &has_old, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "--value 31 differs from the consolidated figure 30 of KZ351000 for "
                             "'mw_2022': use status updated to replace it");
  mtm_bma_verif_in bad2 = {NULL, 2, "KZ353000", "mw_2022", "1", "updated", "bob", NULL};
  assert_int_equal(mtm_bma_verify(st, &bad2, &old, &has_old, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "'KZ353000' is not a location with key-informant submissions of "
                             "form 'ki_bma' in round 2");
  mtm_bma_verif_in bad3 = {NULL, 2, "KZ351000", "mw_2022", NULL, "updated", "bob", NULL};
  assert_int_equal(mtm_bma_verify(st, &bad3, &old, &has_old, &e), MTM_EINVAL);
  /* a file: all or nothing */
  write_file(DIR "/v.csv", "pcode,field,value,status,by,note\n"
                           "KZ352000,mw_2022,,verified,dana,\n"
                           "KZ352000,mw_2022,-4,updated,dana,\n");
  int n = -1;
  assert_int_equal(mtm_bma_verify_file(st, NULL, 2, DIR "/v.csv", &n, &e), MTM_EINVAL);
  assert_int_equal(n, 0);
  assert_string_equal(e.column, "value");
  assert_int_equal(e.row, 3);
  const char *fid;
  mtm_store_bma_verif *h;
  int nh;
  assert_int_equal(mtm_bma_verify_list(st, NULL, 2, &a, &fid, &h, &nh, &e), 0);
  assert_int_equal(nh, 4);
  assert_string_equal(h[0].status, "updated");
  assert_true(h[0].old_value == 20 && h[0].new_value == 30);
  assert_string_equal(h[3].status, "unreachable");
  assert_int_equal(h[3].has_new, 0);
  /* the log is append-only */
  write_file(DIR "/v.csv", "pcode,field,value,status,by,note\n"
                           "KZ352000,mw_2022,,verified,dana,\n"
                           "KZ352000,mw_2022,8,updated,dana,second call\n");
  assert_int_equal(mtm_bma_verify_file(st, NULL, 2, DIR "/v.csv", &n, &e), 0);
  assert_int_equal(n, 2);
  assert_int_equal(mtm_bma_verify_list(st, NULL, 2, &a, &fid, &h, &nh, &e), 0);
  assert_int_equal(nh, 6);
  assert_true(h[5].old_value == 6 && h[5].new_value == 8);
  assert_string_equal(h[5].source, "v.csv row 3");
  consolidate(st, MTM_BMA_MEDIAN, &a, &r);
  assert_true(fig(&r, "KZ35", "2022", "")->value == 38);
  mtm_arena_free(&a);
  mtm_store_close(st);
}

static void test_mapping_errors(void **state) {
  (void)state;
  mtm_store *st = workspace(MAPPING);
  mtm_err e;
  mtm_err_clear(&e);
  write_file(DIR "/bad.csv", "field,population,period,origin,sex\n"
                             "mw_2022,migrant_worker,2022,,\n"
                             "mw_2023q1_rus,migrant_worker,2023Q1,Russia,\n");
  assert_int_equal(mtm_bma_mapping_save(st, "ki_bma", DIR "/bad.csv", NULL, &e), MTM_EINVAL);
  char line[2048];
  mtm_err_format(&e, line, sizeof line);
  assert_string_equal(line, DIR "/bad.csv, row 3, column 'origin': 'Russia' is not a country "
                            "code: write the ISO 3166 alpha-3 code in capitals (UZB), or leave "
                            "the cell empty for all origins");
  write_file(DIR "/bad.csv", "field,population,period\nmw_2022,migrant_worker,2022\n"
                             "mw_2022,return_migrant,2022\n");
  mtm_err_clear(&e);
  assert_int_equal(mtm_bma_mapping_save(st, "ki_bma", DIR "/bad.csv", NULL, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "question 'mw_2022' is mapped twice (row 2 too): one question holds "
                             "one figure");
  write_file(DIR "/bad.csv", "field,population,periode\nmw_2022,migrant_worker,2022\n");
  mtm_err_clear(&e);
  assert_int_equal(mtm_bma_mapping_save(st, "ki_bma", DIR "/bad.csv", NULL, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "unknown column 'periode': a mapping has the columns field, "
                             "population, period, origin, sex");
  write_file(DIR "/bad.csv", "field,population,period,sex\nmw_2022,migrant_worker,2022,F\n");
  assert_int_equal(mtm_bma_mapping_save(st, "ki_bma", DIR "/bad.csv", NULL, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "'F' is not a sex: write f, m, or leave the cell empty");
  /* the stored mapping is the first one still */
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_bma_map *m;
  int n;
  const char *loc;
  assert_int_equal(mtm_bma_mapping_load(st, "ki_bma", &a, &m, &n, &loc, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(m[1].field, "mw_2023q1_uzb");
  assert_string_equal(m[1].origin, "UZB");
  assert_null(loc);
  /* a new mapping replaces it, and a location is stored */
  write_file(DIR "/m2.csv", "field,population,period\nrm_2023q1,return_migrant,2023Q1\n");
  assert_int_equal(mtm_bma_mapping_save(st, "ki_bma", DIR "/m2.csv", "region", &e), 0);
  assert_int_equal(mtm_bma_mapping_load(st, "ki_bma", &a, &m, &n, &loc, &e), 0);
  assert_int_equal(n, 1);
  assert_string_equal(m[0].population, "return_migrant");
  assert_string_equal(loc, "region");
  mtm_arena_free(&a);
  mtm_store_close(st);
}

/* A round keeps the mapping given with it when a later round's replaces
 * the form's; a round given none is consolidated with the latest. */
static void test_mapping_per_round(void **state) {
  (void)state;
  mtm_store *st = workspace(MAPPING);
  mtm_err e;
  mtm_err_clear(&e);
  mtm_arena a;
  mtm_arena_init(&a);
  write_file(DIR "/r1.csv", "field,population,period\nmw_2022,migrant_worker,2022\n");
  write_file(DIR "/r2.csv", "field,population,period\nrm_2023q1,return_migrant,2023Q1\n"
                            "mw_2022,migrant_worker,2022\n");
  assert_int_equal(mtm_bma_mapping_save_round(st, "ki_bma", 1, DIR "/r1.csv", NULL, &e), 0);
  assert_int_equal(mtm_bma_mapping_save_round(st, "ki_bma", 2, DIR "/r2.csv", NULL, &e), 0);
  mtm_bma_map *m;
  int n;
  const char *loc;
  assert_int_equal(mtm_bma_mapping_load_round(st, "ki_bma", 1, &a, &m, &n, &loc, &e), 0);
  assert_int_equal(n, 1);
  assert_string_equal(m[0].field, "mw_2022");
  assert_int_equal(mtm_bma_mapping_load_round(st, "ki_bma", 2, &a, &m, &n, &loc, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(m[0].field, "rm_2023q1");
  assert_int_equal(mtm_bma_mapping_load_round(st, "ki_bma", 3, &a, &m, &n, &loc, &e), 0);
  assert_int_equal(n, 2);
  assert_int_equal(mtm_bma_mapping_load(st, "ki_bma", &a, &m, &n, &loc, &e), 0);
  assert_int_equal(n, 2);
  /* round 1 again: its own replaced, round 2's kept, the form's the latest */
  write_file(DIR "/r1b.csv", "field,population,period,origin\nmw_2022,migrant_worker,2022,\n"
                             "mw_2023q1_uzb,migrant_worker,2023Q1,UZB\n");
  assert_int_equal(mtm_bma_mapping_save_round(st, "ki_bma", 1, DIR "/r1b.csv", NULL, &e), 0);
  assert_int_equal(mtm_bma_mapping_load_round(st, "ki_bma", 1, &a, &m, &n, &loc, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(m[1].origin, "UZB");
  assert_int_equal(mtm_bma_mapping_load_round(st, "ki_bma", 2, &a, &m, &n, &loc, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(m[0].field, "rm_2023q1");
  assert_int_equal(mtm_bma_mapping_load_round(st, "ki_bma", 4, &a, &m, &n, &loc, &e), 0);
  assert_string_equal(m[1].field, "mw_2023q1_uzb");
  /* the round's data is consolidated with the round's mapping */
  mtm_bma_opts o = {.form_id = "ki_bma", .round = 2, .no_previous = 1};
  mtm_bma_result r;
  assert_int_equal(mtm_bma_consolidate(st, &o, &a, &r, &e), 0);
  assert_int_equal(r.nseries, 2);
  assert_true(mtm_bma_series_find(&r, "return_migrant", "2023Q1", "", "") >= 0);
  /* a failed save changes nothing */
  write_file(DIR "/bad.csv", "field,population,period\nnosuch,migrant_worker,2022\n");
  assert_int_equal(mtm_bma_mapping_save_round(st, "ki_bma", 2, DIR "/bad.csv", NULL, &e),
                   MTM_EINVAL);
  assert_int_equal(mtm_bma_mapping_load_round(st, "ki_bma", 2, &a, &m, &n, &loc, &e), 0);
  assert_int_equal(n, 2);
  mtm_arena_free(&a);
  mtm_store_close(st);
}

/* The method sentence in the report's language; English for any other. */
static void test_method_sentence_lang(void **state) {
  (void)state;
  assert_string_equal(mtm_bma_method_sentence_lang(MTM_BMA_MEDIAN, "ru"),
                      "медиана ответов ключевых информантов (при чётном числе ответов — среднее "
                      "двух средних значений)");
  assert_string_equal(mtm_bma_method_sentence_lang(MTM_BMA_MEAN, "ru"),
                      "среднее ответов ключевых информантов");
  assert_string_equal(mtm_bma_method_sentence_lang(MTM_BMA_MEDIAN, "en"),
                      mtm_bma_method_sentence(MTM_BMA_MEDIAN));
  assert_string_equal(mtm_bma_method_sentence_lang(MTM_BMA_MAX, "kk"),
                      "largest answer of the key informants who answered");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_method_sentence_lang),
      cmocka_unit_test(test_reduce_median),
      cmocka_unit_test(test_reduce_methods),
      cmocka_unit_test(test_ki_figure_flags),
      cmocka_unit_test(test_shares),
      cmocka_unit_test(test_periods),
      cmocka_unit_test(test_hierarchy),
      cmocka_unit_test(test_methods),
      cmocka_unit_test(test_verification_precedence),
      cmocka_unit_test(test_mapping_errors),
      cmocka_unit_test(test_mapping_per_round),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
