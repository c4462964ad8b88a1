/*
 * compare.c: what `mtm analyse` does to finished estimates before they are
 * published: the test of a difference between two rounds, small-cell
 * suppression (primary and complementary) and money in USD. Pure
 * functions; see the last section of analysis.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"

/* ---- round comparison ----------------------------------------------------- */

/* Fills out with the scaled estimates and no test, for the given status and
 * reason. */
static void diff_untested(mtm_analysis_diff *out, int status,
                          const char *reason) {
  out->status = status;
  out->reason = reason;
  out->stat = NAN;
  out->p = NAN;
  out->significant = 0;
}

/* Compares now (round N) with then (round M) as independent samples; see
 * the header for the test and the choice of degrees of freedom. */
void mtm_analysis_compare(const mtm_analysis_est *now,
                          const mtm_analysis_est *then, int pct_points,
                          const mtm_analysis_opts *o, mtm_analysis_diff *out) {
  double scale = pct_points ? 100.0 : 1.0;
  memset(out, 0, sizeof *out);
  out->est = now ? now->est * scale : NAN;
  out->est_then = then ? then->est * scale : NAN;
  out->diff = out->se = out->df = NAN;
  if (!now || isnan(now->est)) {
    diff_untested(out, MTM_ANALYSIS_CMP_MISSING,
                  "There is no estimate in this round, so there is nothing to compare.");
    return;
  }
  if (!then || isnan(then->est)) {
    diff_untested(out, MTM_ANALYSIS_CMP_MISSING,
                  "There is no estimate in the compared round, so there is nothing to compare.");
    return;
  }
  out->diff = out->est - out->est_then;
  if (isnan(now->se) || isnan(then->se)) {
    diff_untested(out, MTM_ANALYSIS_CMP_UNTESTED,
                  "A standard error is missing in one of the rounds, so the difference cannot be tested.");
    return;
  }
  out->se = scale * sqrt(now->se * now->se + then->se * then->se);
  if (!(out->se > 0)) {
    diff_untested(out, MTM_ANALYSIS_CMP_UNTESTED,
                  "Both rounds have a standard error of 0, so the difference cannot be tested.");
    return;
  }
  double df = 0;
  if (o && o->design_df) {
    long d = now->df < then->df ? now->df : then->df;
    if (d < 1) {
      out->df = (double)d;
      diff_untested(out, MTM_ANALYSIS_CMP_UNTESTED,
                    "One of the rounds has no design degrees of freedom (a single cluster), so the difference cannot be tested.");
      return;
    }
    df = (double)d;
  }
  double level = o && o->level > 0 ? o->level : 0.95;
  out->df = df;
  out->status = MTM_ANALYSIS_CMP_TESTED;
  out->reason = NULL;
  out->stat = out->diff / out->se;
  out->p = mtm_analysis_pt2(out->stat, df);
  out->significant = out->p < 1 - level;
}

/* ---- small cells ----------------------------------------------------------- */

/* Marks cells with n < k, then suppresses complements in passes over the
 * sets in order until a pass changes nothing; see the header. */
size_t mtm_analysis_suppress_sets(const double *n, int *mark, size_t ncells,
                                  const uint32_t *start, const uint32_t *cells,
                                  size_t nsets, int k) {
  if (k < 1) k = 5;
  size_t count = 0;
  for (size_t c = 0; c < ncells; c++) {
    mark[c] = n[c] < k ? MTM_ANALYSIS_SUPPRESSED_SMALL : MTM_ANALYSIS_SHOWN;
    count += mark[c] != MTM_ANALYSIS_SHOWN;
  }
  for (int changed = 1; changed;) {
    changed = 0;
    for (size_t s = 0; s < nsets; s++) {
      size_t nsup = 0;
      long best = -1;
      for (uint32_t j = start[s]; j < start[s + 1]; j++) {
        uint32_t c = cells[j];
        if (mark[c] != MTM_ANALYSIS_SHOWN) {
          nsup++;
          continue;
        }
        if (best < 0 || n[c] < n[best] || (n[c] == n[best] && (long)c < best))
          best = (long)c;
      }
      if (nsup == 1 && best >= 0) {
        mark[best] = MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY;
        count++;
        changed = 1;
      }
    }
  }
  return count;
}

/* A NULL string as "". */
static const char *str(const char *s) { return s ? s : ""; }

/* Suppression over a results table: the sets from the cells' keys, then
 * mtm_analysis_suppress_sets. */
size_t mtm_analysis_suppress(mtm_analysis_cell *cells, size_t ncells, int k,
                             mtm_arena *a) {
  if (ncells == 0) return 0;
  /* Every cell is in at most one levels set and one groups set (as a
   * group), and an overall cell in one groups set per group variable: at
   * most 2 * ncells set ids and memberships in all. */
  mtm_strmap sets, overall;
  mtm_strmap_init(&sets, a, 2 * ncells);
  mtm_strmap_init(&overall, a, ncells);
  int *lev = mtm_arena_alloc(a, ncells * sizeof *lev);
  int *grp = mtm_arena_alloc(a, ncells * sizeof *grp);
  int *set_overall = mtm_arena_alloc(a, 2 * ncells * sizeof *set_overall);
  const char **set_okey = mtm_arena_alloc(a, 2 * ncells * sizeof *set_okey);
  int nsets = 0;
  const char sep = '\x1f';
  for (size_t c = 0; c < ncells; c++) {
    const mtm_analysis_cell *x = &cells[c];
    lev[c] = grp[c] = -1;
    const char *okey = mtm_arena_printf(a, "%s%c%s%c%s%c%s", str(x->analysis_type), sep,
                                        str(x->analysis_var), sep,
                                        str(x->analysis_var_value), sep, str(x->filter));
    if (!x->group_var || !*x->group_var) {
      mtm_strmap_put(&overall, okey, (int)c);
    } else {
      const char *gkey = mtm_arena_printf(a, "G%c%s%c%s", sep, okey, sep, x->group_var);
      int id = mtm_strmap_put(&sets, gkey, nsets);
      if (id == nsets) {
        set_okey[id] = okey;
        nsets++;
      }
      grp[c] = id;
    }
    if (strcmp(str(x->analysis_type), "prop_select_one") == 0) {
      const char *lkey = mtm_arena_printf(a, "L%c%s%c%s%c%s%c%s", sep,
                                          str(x->analysis_var), sep, str(x->filter), sep,
                                          str(x->group_var), sep, str(x->group_var_value));
      int id = mtm_strmap_put(&sets, lkey, nsets);
      if (id == nsets) {
        set_okey[id] = NULL;
        nsets++;
      }
      lev[c] = id;
    }
  }
  /* The groups set of each group variable includes the overall cell. */
  uint32_t *start = mtm_arena_zalloc(a, ((size_t)nsets + 1) * sizeof *start);
  for (int s = 0; s < nsets; s++) {
    set_overall[s] = set_okey[s] ? mtm_strmap_get(&overall, set_okey[s]) : -1;
    if (set_overall[s] >= 0) start[s + 1]++;
  }
  for (size_t c = 0; c < ncells; c++) {
    if (lev[c] >= 0) start[lev[c] + 1]++;
    if (grp[c] >= 0) start[grp[c] + 1]++;
  }
  for (int s = 0; s < nsets; s++) start[s + 1] += start[s];
  uint32_t *fill = mtm_arena_alloc(a, ((size_t)nsets + 1) * sizeof *fill);
  memcpy(fill, start, ((size_t)nsets + 1) * sizeof *fill);
  uint32_t *members = mtm_arena_alloc(a, ((size_t)start[nsets] + 1) * sizeof *members);
  for (int s = 0; s < nsets; s++)
    if (set_overall[s] >= 0) members[fill[s]++] = (uint32_t)set_overall[s];
  for (size_t c = 0; c < ncells; c++) {
    if (lev[c] >= 0) members[fill[lev[c]]++] = (uint32_t)c;
    if (grp[c] >= 0) members[fill[grp[c]]++] = (uint32_t)c;
  }
  double *n = mtm_arena_alloc(a, ncells * sizeof *n);
  int *mark = mtm_arena_alloc(a, ncells * sizeof *mark);
  for (size_t c = 0; c < ncells; c++) n[c] = cells[c].n;
  size_t count = mtm_analysis_suppress_sets(n, mark, ncells, start, members,
                                            (size_t)nsets, k);
  for (size_t c = 0; c < ncells; c++) cells[c].suppressed = mark[c];
  return count;
}

/* The note of a suppression mark, written into buf. */
const char *mtm_analysis_suppress_note(int mark, int k, char *buf,
                                       size_t cap) {
  if (cap == 0) return buf;
  if (k < 1) k = 5;
  if (mark == MTM_ANALYSIS_SUPPRESSED_SMALL)
    snprintf(buf, cap, "suppressed: n < %d", k);
  else if (mark == MTM_ANALYSIS_SUPPRESSED_COMPLEMENTARY)
    snprintf(buf, cap, "suppressed: complementary");
  else
    buf[0] = '\0';
  return buf;
}

/* Blanks a suppressed estimate; see the header. */
void mtm_analysis_est_blank(mtm_analysis_est *e, int is_share) {
  e->est = e->se = e->low = e->upp = NAN;
  e->deff = e->deff_replace = NAN;
  e->n = e->n_w = NAN;
  if (!is_share) e->n_total = e->n_w_total = NAN;
}

/* ---- money ------------------------------------------------------------------ */

/* amount / rate, or NaN for an unknown rate. */
double mtm_analysis_to_usd(double amount, double rate) {
  if (!(rate > 0) || !isfinite(rate)) return NAN;
  return amount / rate;
}

/* Divides the money parts of an estimate by the rate. */
int mtm_analysis_est_to_usd(mtm_analysis_est *e, double rate) {
  if (!(rate > 0) || !isfinite(rate)) return MTM_EINVAL;
  e->est /= rate;
  e->se /= rate;
  e->low /= rate;
  e->upp /= rate;
  return 0;
}

/* C's round() rounds half away from zero; -0 becomes 0. */
double mtm_analysis_round_money(double x) {
  double r = round(x);
  return r == 0 ? 0 : r;
}

/* Appends x rounded to whole units with comma thousands separators. */
static void add_grouped(mtm_buf *b, double x) {
  char digits[400];
  snprintf(digits, sizeof digits, "%.0f", mtm_analysis_round_money(x));
  const char *d = digits;
  if (*d == '-') mtm_buf_addc(b, *d++);
  size_t len = strlen(d);
  for (size_t i = 0; i < len; i++) {
    if (i > 0 && (len - i) % 3 == 0) mtm_buf_addc(b, ',');
    mtm_buf_addc(b, d[i]);
  }
}

/* "213,646 KZT (473 USD)"; see the header. */
void mtm_analysis_format_money(mtm_buf *b, double amount,
                               const char *currency, double rate) {
  if (!isfinite(amount)) return;
  add_grouped(b, amount);
  if (currency && *currency) {
    mtm_buf_addc(b, ' ');
    mtm_buf_adds(b, currency);
  }
  double usd = mtm_analysis_to_usd(amount, rate);
  if (isnan(usd)) return;
  mtm_buf_adds(b, " (");
  add_grouped(b, usd);
  mtm_buf_adds(b, " USD)");
}
