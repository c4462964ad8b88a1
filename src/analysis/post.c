/* Extra columns of a results table after a run: small-cell suppression,
 * round comparison and money in USD, and the writer that appends them. */
#include "analysis/analysis.h"
#include "frame/frame.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

int mtm_analysis_extra_add(mtm_analysis_extra *x, size_t nrows, int ncols,
                           const char *const *names, const unsigned char *num,
                           mtm_arena *a) {
  /* Grows x by ncols columns (values NULL) and returns the first new one. */
  int old = x->ncols, nc = old + ncols;
  const char **nn = mtm_arena_zalloc(a, sizeof *nn * (size_t)nc);
  unsigned char *nm = mtm_arena_zalloc(a, (size_t)nc);
  const char **nv = mtm_arena_zalloc(a, sizeof *nv * (nrows ? nrows : 1) * (size_t)nc);
  for (int c = 0; c < old; c++) {
    nn[c] = x->names[c];
    nm[c] = x->num[c];
  }
  for (int c = 0; c < ncols; c++) {
    nn[old + c] = names[c];
    nm[old + c] = num[c];
  }
  for (size_t r = 0; r < nrows; r++)
    for (int c = 0; c < old; c++) nv[r * (size_t)nc + (size_t)c] = x->vals[r * (size_t)old + (size_t)c];
  x->names = nn;
  x->num = nm;
  x->vals = nv;
  x->ncols = nc;
  return old;
}

/* A number as the results table writes it: empty when not a number. */
static const char *numstr(double v, mtm_arena *a) {
  if (isnan(v)) return NULL;
  if (isinf(v)) return v > 0 ? "Inf" : "-Inf";
  if (v == 0) v = 0;
  return mtm_arena_printf(a, "%.15g", v);
}

/* Whether a row is a share (its estimate is a fraction). */
static int is_share(const mtm_analysis_row *r) {
  return !strcmp(r->analysis_type, "prop_select_one") ||
         !strcmp(r->analysis_type, "prop_select_multiple");
}

size_t mtm_analysis_post_suppress(mtm_analysis_result *res, int k, mtm_analysis_extra *x,
                                  mtm_arena *a) {
  /* Builds the cells, suppresses, blanks the marked estimates and fills
   * the "suppressed" column. */
  if (k < 1) k = 5;
  static const char *const names[] = {"suppressed"};
  static const unsigned char num[] = {0};
  int col = mtm_analysis_extra_add(x, res->n, 1, names, num, a);
  mtm_analysis_cell *cells = mtm_arena_zalloc(a, sizeof *cells * (res->n ? res->n : 1));
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    cells[i].analysis_type = r->analysis_type;
    cells[i].analysis_var = r->analysis_var;
    cells[i].analysis_var_value = r->analysis_var_value;
    cells[i].filter = r->filter;
    cells[i].group_var = r->group_var;
    cells[i].group_var_value = r->group_var_value;
    cells[i].n = r->e.n;
  }
  size_t ns = mtm_analysis_suppress(cells, res->n, k, a);
  const char *small = mtm_arena_printf(a, "n < %d", k);
  for (size_t i = 0; i < res->n; i++) {
    const char **v = &x->vals[i * (size_t)x->ncols + (size_t)col];
    if (cells[i].suppressed == MTM_ANALYSIS_SHOWN) {
      *v = "";
      continue;
    }
    *v = cells[i].suppressed == MTM_ANALYSIS_SUPPRESSED_SMALL ? small : "complementary";
    mtm_analysis_est_blank(&res->rows[i].e, is_share(&res->rows[i]));
  }
  return ns;
}

/* Whether two optional strings are equal (NULL equals ""). */
static int same(const char *p, const char *q) {
  return !strcmp(p ? p : "", q ? q : "");
}

void mtm_analysis_post_compare(const mtm_analysis_result *res, const mtm_analysis_result *then,
                               int m, const mtm_analysis_opts *o, mtm_analysis_extra *x,
                               mtm_arena *a) {
  /* Matches rows by key and filter (a linear scan from the expected
   * position first: both runs come from the same plan, so rows usually
   * line up) and compares the estimates. */
  static const char *const names[] = {"compare_round", "compare_stat", "diff",
                                      "diff_se",       "p_value",      "significant"};
  static const unsigned char num[] = {1, 1, 1, 1, 1, 1};
  int col = mtm_analysis_extra_add(x, res->n, 6, names, num, a);
  const char **keys = mtm_arena_zalloc(a, sizeof *keys * (then->n ? then->n : 1));
  for (size_t j = 0; j < then->n; j++) keys[j] = mtm_analysis_key(&then->rows[j], a);
  x->json_reason = mtm_arena_zalloc(a, sizeof *x->json_reason * (res->n ? res->n : 1));
  const char *round = mtm_arena_printf(a, "%d", m);
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    const char *key = mtm_analysis_key(r, a);
    const char **v = &x->vals[i * (size_t)x->ncols + (size_t)col];
    v[0] = round;
    const mtm_analysis_row *t = NULL;
    if (i < then->n && !strcmp(keys[i], key) && same(then->rows[i].filter, r->filter))
      t = &then->rows[i];
    for (size_t j = 0; !t && j < then->n; j++)
      if (!strcmp(keys[j], key) && same(then->rows[j].filter, r->filter)) t = &then->rows[j];
    if (!t) {
      x->json_reason[i] = mtm_arena_printf(a, "Round %d has no result for this indicator.", m);
      continue;
    }
    v[1] = numstr(t->e.est, a);
    mtm_analysis_diff d;
    mtm_analysis_compare(&r->e, &t->e, is_share(r), o, &d);
    if (d.status == MTM_ANALYSIS_CMP_MISSING) {
      x->json_reason[i] = d.reason;
      continue;
    }
    v[2] = numstr(d.diff, a);
    if (d.status == MTM_ANALYSIS_CMP_UNTESTED) {
      x->json_reason[i] = d.reason;
      continue;
    }
    v[3] = numstr(d.se, a);
    v[4] = numstr(d.p, a);
    v[5] = d.significant ? "1" : "0";
  }
}

int mtm_analysis_is_money(const mtm_frame *f, const char *q, const char *currency) {
  /* Compares the lower-cased code with the hxl attributes and the name's
   * last underscore part. */
  if (!currency || !*currency || strlen(currency) > 15) return 0;
  char low[17];
  size_t n = strlen(currency);
  for (size_t i = 0; i < n; i++) low[i] = (char)tolower((unsigned char)currency[i]);
  low[n] = 0;
  const char *u = strrchr(q, '_');
  if (u && !strcmp(u + 1, low)) return 1;
  const mtm_frame_col *c = mtm_frame_col_find(f, q);
  /* A repeat's question is no column of the submissions: its form row. */
  const mtm_question *fq = c ? c->q : f->form ? mtm_form_question(f->form, q) : NULL;
  const char *hxl = fq ? fq->hxl : NULL;
  for (const char *p = hxl; p && (p = strchr(p, '+')); p++) {
    size_t i = 0;
    while (i < n && p[1 + i] && tolower((unsigned char)p[1 + i]) == low[i]) i++;
    char end = p[1 + i];
    if (i == n && (!end || end == '+' || end == ' ')) return 1;
  }
  return 0;
}

void mtm_analysis_post_usd(const mtm_analysis_result *res, const mtm_frame *f,
                           const char *currency, double rate, mtm_analysis_extra *x,
                           mtm_arena *a) {
  /* Converts the money rows' estimate and interval. */
  static const char *const names[] = {"stat_usd", "stat_low_usd", "stat_upp_usd"};
  static const unsigned char num[] = {1, 1, 1};
  int col = mtm_analysis_extra_add(x, res->n, 3, names, num, a);
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    if (strcmp(r->analysis_type, "mean") && strcmp(r->analysis_type, "median") &&
        strcmp(r->analysis_type, "total"))
      continue;
    if (!mtm_analysis_is_money(f, r->analysis_var, currency)) continue;
    mtm_analysis_est e = r->e;
    if (mtm_analysis_est_to_usd(&e, rate)) continue;
    const char **v = &x->vals[i * (size_t)x->ncols + (size_t)col];
    v[0] = numstr(e.est, a);
    v[1] = numstr(e.low, a);
    v[2] = numstr(e.upp, a);
  }
}
