/*
 * disclose: the one rule that decides which figures a public output shows
 * (`mtm analyse --public`, `mtm report --public`; later the exports and
 * the API). docs/disclosure.md states the rule, its reasons and sources.
 *
 *   1. A figure is hidden when its unweighted base is below K (default 5):
 *      a share's denominator (the group's n), a mean's or total's rows.
 *   2. Nationally, by sex, by nationality (any group that is not an area)
 *      a small numerator is shown: in a sample survey it identifies nobody.
 *   3. At area level (grouped by an area question, crossed with one, or a
 *      share of respondents per area) a share with 1 to K-1 respondents in
 *      its numerator is hidden too, and a count below K is written "fewer
 *      than K".
 *   4. Complementary suppression only at area level, where a hidden count
 *      could be recovered by subtraction from a published total: the
 *      smallest shown cell that protects it, never the largest category of
 *      the set, never the overall figure, so never a whole group's bar.
 *   5. --other-below P: answers of a single choice whose overall share is
 *      under P% are merged into "Other" before anything is hidden.
 *   6. --flag-below N: a shown figure whose base is under N is indicative.
 *
 * An area question is a select_one whose choices are areas: an hxl tag
 * #adm1..#adm5 with +code, or at least two choices of which half or more
 * are P-codes of the workspace's areas (the report's maps use the same
 * test).
 *
 * Ownership rule: nothing here allocates except in the arena passed in;
 * the cells, rows and strings filled in live as long as that arena. The
 * caller's strings are borrowed, never copied or freed.
 */
#ifndef MTM_DISCLOSE_H
#define MTM_DISCLOSE_H

#include <stddef.h>

#include "analysis/analysis.h"
#include "core/core.h"
#include "frame/frame.h"
#include "store/store.h"

/* The threshold K of public outputs when none is given. */
#define MTM_DISCLOSE_K 5

typedef struct mtm_disclose_rule {
  int k;              /* hide below K respondents; < 1: MTM_DISCLOSE_K      */
  double other_below; /* percent; answers under it merge into "Other"; 0: no */
  int flag_below;     /* bases under it are indicative; 0: no flag          */
} mtm_disclose_rule;

enum {
  MTM_DISCLOSE_SHOWN = 0,
  MTM_DISCLOSE_BASE,       /* the base (denominator) is below K            */
  MTM_DISCLOSE_AREA_SMALL, /* area level: 1 to K-1 in the numerator        */
  MTM_DISCLOSE_COMPLEMENT  /* area level: would reveal a hidden cell       */
};

/* One figure of a table. Strings are borrowed; an empty or NULL group_var
 * is the overall figure. */
typedef struct mtm_disclose_cell {
  const char *type, *var, *value, *filter, *group_var, *group_value;
  int share;       /* 1: a share (n of base); 0: a mean, median or total   */
  double n;        /* a share's numerator, else its rows (unweighted)       */
  double base;     /* the unweighted denominator (a non-share: n)          */
  int area;        /* 1: an area-level figure (rule 3 and 4 apply)          */
  int mark;        /* out: MTM_DISCLOSE_*                                   */
  int indicative;  /* out: 1 when shown and base < flag_below               */
} mtm_disclose_cell;

/* Applies rules 1-4 and 6 to ncells cells, setting mark and indicative.
 * The complement sets, built only from area cells, are: the answers of one
 * single choice in one group (they add up to the group's n), and the
 * groups of one answer with the overall figure (they add up to it).
 * Passes over the sets repeat until none holds exactly one hidden cell
 * with respondents in it and a cell that can protect it (a shown area cell
 * that is the largest category of none of its sets). Returns the number
 * of cells hidden; scratch lives in a. */
size_t mtm_disclose_cells(mtm_disclose_cell *cells, size_t ncells, const mtm_disclose_rule *r,
                          mtm_arena *a);

/* The area level (1..5) of a frame column: its hxl #admN with +code, or
 * at least two choices of which half or more are P-codes of one level of
 * the workspace's areas (st NULL: the hxl tag only); 0 when it is not an
 * area question. */
int mtm_disclose_area_level(mtm_store *st, const mtm_frame_col *col);

/* Rule 5 on a results table: for each prop_select_one question and
 * filter, the answers whose overall share is under other_below percent
 * (at least two of them, or one when the question has a choice "other")
 * become one row per group with the value "other", labelled other_label
 * unless the form's "other" has a label: estimate and counts summed, its
 * standard error, interval and design effects not a number (they need the
 * microdata). Rows keep their order; the merged row takes the place of the
 * first merged answer (or of "other"). Returns the number of rows merged
 * away. */
size_t mtm_disclose_other(mtm_analysis_result *res, double other_below, const char *other_label,
                          mtm_arena *a);

/* The rule over a results table of frame f: rule 5 (when other_below >
 * 0), then cells from the rows (a group variable, or one of a crossing
 * "A*B", that is an area question of f makes an area cell, as does an
 * overall share of an area question), then mtm_disclose_cells. Hidden
 * rows are blanked (mtm_analysis_est_blank; at area level a share's base
 * too, being under K). When x is not NULL it gets the column
 * "suppressed" ("", "n < K", "area: fewer than K", "complementary") and,
 * with flag_below > 0, "indicative" (1 or empty). Returns the number of
 * rows hidden. */
size_t mtm_disclose_result(mtm_analysis_result *res, const mtm_disclose_rule *r,
                           const mtm_frame *f, mtm_store *st, const char *other_label,
                           mtm_analysis_extra *x, mtm_arena *a);

/* Whether a row of a result passed through mtm_disclose_result is
 * indicative under r (shown, base below flag_below). */
int mtm_disclose_row_indicative(const mtm_analysis_row *row, const mtm_disclose_rule *r);

/* A published count at area level: the number, or below K "fewer than K"
 * (lang "ru": "менее K"), written into buf of cap bytes, which it returns. */
const char *mtm_disclose_count(double n, int k, const char *lang, char *buf, size_t cap);

#endif
