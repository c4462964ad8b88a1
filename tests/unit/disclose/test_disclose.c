/* Unit tests of disclose.c, the public rule, on hand-worked tables: a small
 * numerator shown nationally and by sex, hidden by area; a base under K
 * hidden everywhere; the complement at area level the smallest protecting
 * cell, never the largest category nor the overall figure; nothing as a
 * complement outside area level; --other-below merging into "Other"
 * before the rule; --flag-below marking small bases; the area test by hxl;
 * "fewer than K" in both languages; the results-table columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "disclose/disclose.h"
#include "form/form.h"
#include "frame/frame.h"

/* A share cell: answer value of question var in group (gv = gval; NULL:
 * overall), numerator n of base. */
static mtm_disclose_cell share(const char *var, const char *value, const char *gv,
                               const char *gval, double n, double base, int area) {
  mtm_disclose_cell c;
  memset(&c, 0, sizeof c);
  c.type = "prop_select_one";
  c.var = var;
  c.value = value;
  c.group_var = gv;
  c.group_value = gval;
  c.share = 1;
  c.n = n;
  c.base = base;
  c.area = area;
  return c;
}

/* Nationally and by sex a numerator of 2 out of 163 is shown: it
 * identifies nobody in a sample survey (the demo's women in Construction);
 * no complement is taken. */
static void national_small_numerator_shown(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_disclose_cell c[6] = {
      share("sector", "construction", NULL, NULL, 394, 1058, 0),
      share("sector", "trade", NULL, NULL, 664, 1058, 0),
      share("sector", "construction", "sex", "female", 2, 163, 0),
      share("sector", "trade", "sex", "female", 161, 163, 0),
      share("sector", "construction", "sex", "male", 392, 895, 0),
      share("sector", "trade", "sex", "male", 503, 895, 0),
  };
  mtm_disclose_rule r = {0};
  assert_int_equal(mtm_disclose_cells(c, 6, &r, &a), 0);
  for (int i = 0; i < 6; i++) assert_int_equal(c[i].mark, MTM_DISCLOSE_SHOWN);
  mtm_arena_free(&a);
}

/* A base under K is hidden whatever the level; nothing else is taken
 * outside area level (the other sex stays, and so does the overall). */
static void small_base_hidden_no_complement(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_disclose_cell c[6] = {
      share("works", "yes", NULL, NULL, 30, 40, 0),
      share("works", "no", NULL, NULL, 10, 40, 0),
      share("works", "yes", "sex", "female", 3, 4, 0),
      share("works", "no", "sex", "female", 1, 4, 0),
      share("works", "yes", "sex", "male", 27, 36, 0),
      share("works", "no", "sex", "male", 9, 36, 0),
  };
  mtm_disclose_rule r = {0};
  assert_int_equal(mtm_disclose_cells(c, 6, &r, &a), 2);
  assert_int_equal(c[2].mark, MTM_DISCLOSE_BASE);
  assert_int_equal(c[3].mark, MTM_DISCLOSE_BASE);
  assert_int_equal(c[0].mark, MTM_DISCLOSE_SHOWN);
  assert_int_equal(c[4].mark, MTM_DISCLOSE_SHOWN);
  assert_int_equal(c[5].mark, MTM_DISCLOSE_SHOWN);
  /* K is the rule's: with K = 3 a base of 4 is shown */
  r.k = 3;
  assert_int_equal(mtm_disclose_cells(c, 6, &r, &a), 0);
  mtm_arena_free(&a);
}

/* By area a numerator of 1 to K-1 is hidden, 0 and K are shown; a mean
 * by area is judged by its base only. */
static void area_small_numerator_hidden(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_disclose_cell c[5] = {
      share("sex", "female", "district", "KZ01", 4, 50, 1),
      share("sex", "female", "district", "KZ02", 0, 40, 1),
      share("sex", "female", "district", "KZ03", 5, 60, 1),
      share("income", NULL, "district", "KZ01", 4, 4, 1),
      share("sex", "female", "district", "KZ04", 10, 60, 1),
  };
  c[3].type = "mean";
  c[3].share = 0;
  mtm_disclose_rule r = {0};
  mtm_disclose_cells(c, 5, &r, &a);
  assert_int_equal(c[0].mark, MTM_DISCLOSE_AREA_SMALL);
  assert_int_equal(c[1].mark, MTM_DISCLOSE_SHOWN); /* 0: shown, and no complement */
  assert_int_equal(c[2].mark, MTM_DISCLOSE_COMPLEMENT); /* the smallest with respondents */
  assert_int_equal(c[4].mark, MTM_DISCLOSE_SHOWN);      /* the largest */
  assert_int_equal(c[3].mark, MTM_DISCLOSE_BASE);
  /* the same numerator of 4 not by area: shown */
  c[0].area = 0;
  mtm_disclose_cells(c, 1, &r, &a);
  assert_int_equal(c[0].mark, MTM_DISCLOSE_SHOWN);
  mtm_arena_free(&a);
}

/* At area level a lone hidden answer of a group takes the smallest other
 * shown answer as its complement, never the largest; across areas one
 * answer's hidden area takes the smallest other area, never the overall
 * figure. */
static void complement_smallest_never_largest(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  /* one district: construction 3 (hidden), trade 40, services 9, agriculture 12 */
  mtm_disclose_cell c[4] = {
      share("sector", "construction", "district", "KZ01", 3, 64, 1),
      share("sector", "trade", "district", "KZ01", 40, 64, 1),
      share("sector", "services", "district", "KZ01", 9, 64, 1),
      share("sector", "agriculture", "district", "KZ01", 12, 64, 1),
  };
  mtm_disclose_rule r = {0};
  assert_int_equal(mtm_disclose_cells(c, 4, &r, &a), 2);
  assert_int_equal(c[0].mark, MTM_DISCLOSE_AREA_SMALL);
  assert_int_equal(c[2].mark, MTM_DISCLOSE_COMPLEMENT); /* 9: the smallest */
  assert_int_equal(c[1].mark, MTM_DISCLOSE_SHOWN);      /* 40: the largest */
  assert_int_equal(c[3].mark, MTM_DISCLOSE_SHOWN);

  /* two answers: the only other cell is the largest, so none is taken
   * (never a whole group's bar) */
  mtm_disclose_cell y[2] = {
      share("works", "no", "district", "KZ01", 2, 50, 1),
      share("works", "yes", "district", "KZ01", 48, 50, 1),
  };
  assert_int_equal(mtm_disclose_cells(y, 2, &r, &a), 1);
  assert_int_equal(y[1].mark, MTM_DISCLOSE_SHOWN);

  /* one answer across districts with the overall: KZ02's 2 women are
   * hidden; the complement is KZ03 (30), not KZ01 (200, the largest) nor
   * the overall (232) */
  mtm_disclose_cell g[4] = {
      share("sex", "female", NULL, NULL, 232, 900, 1),
      share("sex", "female", "district", "KZ01", 200, 700, 1),
      share("sex", "female", "district", "KZ02", 2, 60, 1),
      share("sex", "female", "district", "KZ03", 30, 140, 1),
  };
  assert_int_equal(mtm_disclose_cells(g, 4, &r, &a), 2);
  assert_int_equal(g[2].mark, MTM_DISCLOSE_AREA_SMALL);
  assert_int_equal(g[3].mark, MTM_DISCLOSE_COMPLEMENT);
  assert_int_equal(g[1].mark, MTM_DISCLOSE_SHOWN);
  assert_int_equal(g[0].mark, MTM_DISCLOSE_SHOWN);

  /* two hidden cells protect each other: nothing more is taken */
  g[3].n = 3;
  assert_int_equal(mtm_disclose_cells(g, 4, &r, &a), 2);
  assert_int_equal(g[3].mark, MTM_DISCLOSE_AREA_SMALL);
  assert_int_equal(g[1].mark, MTM_DISCLOSE_SHOWN);
  mtm_arena_free(&a);
}

/* A cell that is the largest answer of its own district is not taken as
 * a complement across districts either: KZ02's "a" (10, against 5) is
 * passed over for KZ04's (20, against 40); KZ03's (30) is the largest
 * district. */
static void complement_never_largest_elsewhere(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_disclose_cell c[10] = {
      share("q", "a", NULL, NULL, 62, 167, 1),
      share("q", "b", NULL, NULL, 105, 167, 1),
      share("q", "a", "district", "KZ01", 2, 22, 1),
      share("q", "b", "district", "KZ01", 20, 22, 1),
      share("q", "a", "district", "KZ02", 10, 15, 1),
      share("q", "b", "district", "KZ02", 5, 15, 1),
      share("q", "a", "district", "KZ03", 30, 70, 1),
      share("q", "b", "district", "KZ03", 40, 70, 1),
      share("q", "a", "district", "KZ04", 20, 60, 1),
      share("q", "b", "district", "KZ04", 40, 60, 1),
  };
  for (int i = 0; i < 2; i++) c[i].area = 0; /* the national figures */
  mtm_disclose_rule r = {0};
  assert_int_equal(mtm_disclose_cells(c, 10, &r, &a), 2);
  assert_int_equal(c[2].mark, MTM_DISCLOSE_AREA_SMALL);
  assert_int_equal(c[8].mark, MTM_DISCLOSE_COMPLEMENT);
  assert_int_equal(c[4].mark, MTM_DISCLOSE_SHOWN);
  assert_int_equal(c[6].mark, MTM_DISCLOSE_SHOWN);
  assert_int_equal(c[0].mark, MTM_DISCLOSE_SHOWN);
  mtm_arena_free(&a);
}

/* --flag-below: a shown figure whose base is under N is indicative; a
 * hidden one is not flagged; without the option nothing is. */
static void flag_below_marks_small_bases(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_disclose_cell c[3] = {
      share("works", "yes", "sex", "female", 20, 29, 0),
      share("works", "yes", "sex", "male", 20, 30, 0),
      share("works", "yes", "nationality", "RUS", 2, 4, 0),
  };
  mtm_disclose_rule r = {0};
  r.flag_below = 30;
  mtm_disclose_cells(c, 3, &r, &a);
  assert_int_equal(c[0].indicative, 1);
  assert_int_equal(c[1].indicative, 0);
  assert_int_equal(c[2].indicative, 0);
  assert_int_equal(c[2].mark, MTM_DISCLOSE_BASE);
  r.flag_below = 0;
  mtm_disclose_cells(c, 3, &r, &a);
  assert_int_equal(c[0].indicative, 0);
  mtm_arena_free(&a);
}

/* A results-table row of a single choice's share. */
static mtm_analysis_row row(const char *var, const char *value, const char *gv, const char *gval,
                            double est, double n, double base) {
  mtm_analysis_row r;
  memset(&r, 0, sizeof r);
  r.analysis_type = "prop_select_one";
  r.analysis_var = var;
  r.analysis_var_value = value;
  r.group_var = gv;
  r.group_var_value = gval;
  r.e.est = est;
  r.e.se = 0.01;
  r.e.low = est - 0.02;
  r.e.upp = est + 0.02;
  r.e.n = r.e.n_w = n;
  r.e.n_total = r.e.n_w_total = base;
  return r;
}

/* --other-below 5: the two answers under 5% overall become one row
 * "Other" in every group, at the first one's place, their estimates and
 * counts summed and no standard error; an answer at 5% or more stays.
 * With a single small answer and no choice "other" nothing is merged. */
static void other_below_merges(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_analysis_row rows[8] = {
      row("sector", "construction", NULL, NULL, 0.60, 60, 100),
      row("sector", "mining", NULL, NULL, 0.03, 3, 100),
      row("sector", "trade", NULL, NULL, 0.35, 35, 100),
      row("sector", "fishing", NULL, NULL, 0.02, 2, 100),
      row("sector", "construction", "sex", "female", 0.50, 10, 20),
      row("sector", "mining", "sex", "female", 0.10, 2, 20),
      row("sector", "trade", "sex", "female", 0.35, 7, 20),
      row("sector", "fishing", "sex", "female", 0.05, 1, 20),
  };
  mtm_analysis_result res = {8, rows};
  assert_int_equal(mtm_disclose_other(&res, 5, "Other", &a), 2);
  assert_int_equal(res.n, 6);
  assert_string_equal(res.rows[1].analysis_var_value, "other");
  assert_string_equal(res.rows[1].value_label, "Other");
  assert_true(fabs(res.rows[1].e.est - 0.05) < 1e-12);
  assert_true(res.rows[1].e.n == 5 && res.rows[1].e.n_total == 100);
  assert_true(isnan(res.rows[1].e.se) && isnan(res.rows[1].e.low));
  assert_string_equal(res.rows[2].analysis_var_value, "trade");
  assert_string_equal(res.rows[4].analysis_var_value, "other");
  assert_true(fabs(res.rows[4].e.est - 0.15) < 1e-12);
  assert_true(res.rows[4].e.n == 3);
  assert_string_equal(res.rows[5].analysis_var_value, "trade");

  mtm_analysis_row one[2] = {
      row("works", "yes", NULL, NULL, 0.97, 97, 100),
      row("works", "no", NULL, NULL, 0.03, 3, 100),
  };
  mtm_analysis_result r1 = {2, one};
  assert_int_equal(mtm_disclose_other(&r1, 5, "Other", &a), 0);
  assert_int_equal(r1.n, 2);
  mtm_arena_free(&a);
}

/* The whole rule over a results table: --other-below merges before the
 * rule, so the merged "Other" (5 respondents) is shown by area where its
 * parts (3 and 2) would have been hidden; the columns say why a row is
 * hidden and which are indicative; a hidden row is blanked. The area is
 * known by the group question's hxl tag #adm2+code. */
static void result_columns_and_area(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_question q;
  memset(&q, 0, sizeof q);
  q.name = "district";
  q.type = MTM_Q_SELECT_ONE;
  q.hxl = "#adm2+code";
  mtm_frame_col col;
  memset(&col, 0, sizeof col);
  col.name = "district";
  col.kind = MTM_FRAME_CODES;
  col.q = &q;
  mtm_frame f;
  memset(&f, 0, sizeof f);
  f.ncols = 1;
  f.cols = &col;
  assert_int_equal(mtm_disclose_area_level(NULL, &col), 2);
  mtm_analysis_row rows[8] = {
      row("sector", "construction", NULL, NULL, 0.50, 100, 200),
      row("sector", "mining", NULL, NULL, 0.015, 3, 200),
      row("sector", "trade", NULL, NULL, 0.475, 95, 200),
      row("sector", "fishing", NULL, NULL, 0.01, 2, 200),
      row("sector", "construction", "district", "KZ01", 0.4, 20, 50),
      row("sector", "mining", "district", "KZ01", 0.06, 3, 50),
      row("sector", "trade", "district", "KZ01", 0.5, 25, 50),
      row("sector", "fishing", "district", "KZ01", 0.04, 2, 50),
  };
  mtm_analysis_row rows2[8];
  memcpy(rows2, rows, sizeof rows2);
  mtm_analysis_result res = {8, rows};
  mtm_disclose_rule r = {0};
  r.flag_below = 60;
  mtm_analysis_extra x = {0};
  /* without --other-below: mining and fishing hidden by area, and since
   * two are hidden no complement */
  mtm_analysis_result copy = res;
  assert_int_equal(mtm_disclose_result(&copy, &r, &f, NULL, "Other", &x, &a), 2);
  assert_int_equal(x.ncols, 2);
  assert_string_equal(x.names[0], "suppressed");
  assert_string_equal(x.vals[5 * 2], "area: fewer than 5");
  assert_true(isnan(copy.rows[5].e.est));
  assert_string_equal(x.vals[4 * 2], "");
  assert_string_equal(x.vals[4 * 2 + 1], "1"); /* base 50 < 60 */
  assert_null(x.vals[0 * 2 + 1]);                 /* base 200 */
  /* with --other-below 2: "Other" (5) is shown */
  mtm_analysis_result res2 = {8, rows2};
  r.other_below = 2;
  mtm_analysis_extra x2 = {0};
  assert_int_equal(mtm_disclose_result(&res2, &r, &f, NULL, "Other", &x2, &a), 0);
  assert_int_equal(res2.n, 6);
  assert_string_equal(res2.rows[4].analysis_var_value, "other");
  assert_true(fabs(res2.rows[4].e.est - 0.1) < 1e-12);
  mtm_arena_free(&a);
}

/* "fewer than K" in English and Russian; a count of K or more as is. */
static void fewer_than_k(void **state) {
  (void)state;
  char b[64];
  assert_string_equal(mtm_disclose_count(3, 5, "en", b, sizeof b), "fewer than 5");
  assert_string_equal(mtm_disclose_count(NAN, 5, "ru", b, sizeof b),
                      "\xd0\xbc\xd0\xb5\xd0\xbd\xd0\xb5\xd0\xb5 5");
  assert_string_equal(mtm_disclose_count(12, 5, "en", b, sizeof b), "12");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(national_small_numerator_shown),
      cmocka_unit_test(small_base_hidden_no_complement),
      cmocka_unit_test(area_small_numerator_hidden),
      cmocka_unit_test(complement_smallest_never_largest),
      cmocka_unit_test(complement_never_largest_elsewhere),
      cmocka_unit_test(flag_below_marks_small_bases),
      cmocka_unit_test(other_below_merges),
      cmocka_unit_test(result_columns_and_area),
      cmocka_unit_test(fewer_than_k),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
