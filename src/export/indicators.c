/* export: `mtm export --what indicators` (export.h): the survey's results
 * table of each round asked, the rows and columns `mtm analyse --format csv`
 * writes (src/results computes both), after a first column round, with
 * HXL hashtags. Without --plan, --by or a design, the figures are the
 * report's: its design (the round's respondents, unweighted, one stratum),
 * its breakdowns (by sex and by nationality) and its respondents (the
 * eligible ones); --public applies src/disclose's rule as analyse --public
 * and report --public do. */
#include "export/export.h"
#include "results/results.h"

#include <stdio.h>
#include <string.h>

/* The hashtag and the description of each of analyse's columns, in the
 * order of mtm_analysis_columns. */
static const struct {
  const char *hxl, *description;
} known[MTM_ANALYSIS_NCOLS] = {
    {"#indicator+type", "the kind of estimate: prop_select_one, prop_select_multiple (shares), mean, median, total, ratio"},
    {"#indicator+var", "the question (its XLSForm name); a ratio: numerator,denominator"},
    {"#indicator+answer", "the answer whose share this is (shares only)"},
    {"#indicator+group+var", "the question the figure is broken down by (empty: every respondent)"},
    {"#indicator+group+code", "the answer of the group question that defines the group"},
    {"#indicator+value+pct", "the estimate: a share as a fraction from 0 to 1, else in the question's unit"},
    {"#indicator+value+lower", "the lower end of the 95% confidence interval"},
    {"#indicator+value+upper", "the upper end of the 95% confidence interval"},
    {"#indicator+value+se", "the design-based standard error of the estimate"},
    {"#indicator+num", "respondents counted in the estimate (a share: those with the answer), unweighted"},
    {"#indicator+num+total", "respondents in the denominator, unweighted"},
    {"#indicator+num+weighted", "the weighted number of respondents counted"},
    {"#indicator+num+total+weighted", "the weighted number of respondents in the denominator"},
    {"#indicator+code", "the indicator's key, as REACH's analysistools writes it: type @/@ question %/% answer @/@ group %/% value"},
    {"#indicator+name", "the question's label"},
    {"#indicator+answer+name", "the answer's label"},
    {"#indicator+group+name", "the group's label"},
};

/* The hashtag of an extra column (the public rule's, the comparison's). */
static const char *extra_hxl(const char *name) {
  static const struct {
    const char *name, *hxl;
  } x[] = {{"suppressed", "#indicator+suppressed"}, {"indicative", "#indicator+indicative"}};
  for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
    if (!strcmp(name, x[i].name)) return x[i].hxl;
  return NULL;
}

/* The description of an extra column. */
static const char *extra_description(const char *name) {
  if (!strcmp(name, "suppressed"))
    return "why the figure is hidden under the public rule: n < K (its base), area: fewer than K, "
           "complementary; empty when shown";
  if (!strcmp(name, "indicative")) return "1 when the figure's base is small: indicative only";
  return NULL;
}

/* The columns of the table: round, analyse's 17, then the extra ones of
 * x, in arena a. */
static mtm_pub_col *columns(const mtm_analysis_extra *x, mtm_arena *a, int *n) {
  int nx = x ? x->ncols : 0;
  mtm_pub_col *c = mtm_arena_zalloc(a, (size_t)(1 + MTM_ANALYSIS_NCOLS + nx) * sizeof *c);
  c[0].name = "round";
  c[0].hxl = "#round+code";
  c[0].type = MTM_PUB_INT;
  c[0].description = "the round of data collection";
  for (int k = 0; k < MTM_ANALYSIS_NCOLS; k++) {
    mtm_pub_col *d = &c[1 + k];
    d->name = mtm_analysis_columns[k];
    d->hxl = known[k].hxl;
    d->description = known[k].description;
    d->type = k == 9 || k == 10 ? MTM_PUB_INT : k >= 5 && k <= 12 ? MTM_PUB_NUM : MTM_PUB_TEXT;
  }
  for (int k = 0; k < nx; k++) {
    mtm_pub_col *d = &c[1 + MTM_ANALYSIS_NCOLS + k];
    d->name = x->names[k];
    d->hxl = extra_hxl(x->names[k]);
    d->description = extra_description(x->names[k]);
    d->type = x->num[k] ? MTM_PUB_NUM : MTM_PUB_TEXT;
  }
  *n = 1 + MTM_ANALYSIS_NCOLS + nx;
  return c;
}

/* 1 when s is "Inf" or "-Inf", which a JSON number cannot be. */
static int infinite(const char *s) { return s && (!strcmp(s, "Inf") || !strcmp(s, "-Inf")); }

/* Writes the rows of one round's results (cells as analyse's CSV, an
 * infinite number null in JSON). */
static int write_rows(mtm_pub_writer *w, int round, const mtm_results *r, int json,
                      mtm_arena *a, mtm_err *err) {
  const mtm_analysis_extra *x = r->x.ncols ? &r->x : NULL;
  int nx = x ? x->ncols : 0;
  const char **cells = mtm_arena_alloc(a, (size_t)(1 + MTM_ANALYSIS_NCOLS + nx) * sizeof *cells);
  char rb[16], nb[9][32];
  snprintf(rb, sizeof rb, "%d", round);
  for (size_t i = 0; i < r->res.n; i++) {
    cells[0] = rb;
    mtm_analysis_row_cells(&r->res.rows[i], nb, cells + 1, a);
    for (int k = 0; k < nx; k++) cells[1 + MTM_ANALYSIS_NCOLS + k] = x->vals[i * (size_t)nx + (size_t)k];
    if (json)
      for (int k = 1; k < 1 + MTM_ANALYSIS_NCOLS + nx; k++)
        if (infinite(cells[k])) cells[k] = NULL;
    int rc = mtm_pub_row(w, cells, err);
    if (rc) return rc;
  }
  return 0;
}

int mtm_export_indicators(mtm_store *st, const mtm_export_opts *o, mtm_pub_writer *w, mtm_err *err) {
  /* One results run per round, each written as it is computed; the header
   * from the first (every round has the same extra columns). */
  if (o->nrounds < 1) return mtm_err_set(err, MTM_EINVAL, "say which round to export with --round N");
  if (o->plan && o->by)
    return mtm_err_set(err, MTM_EINVAL, "--by applies to the default plan; a --plan names its groups in group_var");
  if (o->weights_from_bma && (!o->strata || o->weight))
    return mtm_err_set(err, MTM_EINVAL, "--weights-from-bma needs --strata and takes the place of --weight: "
                                        "give one of the two");
  mtm_arena a;
  mtm_arena_init(&a);
  const char *form;
  int rc = mtm_results_form(st, o->form_id, &a, &form, err);
  mtm_pub_format fmt = o->format ? o->format : mtm_pub_format_of_path(o->out);
  for (int i = 0; !rc && i < o->nrounds; i++) {
    mtm_results_opts ro;
    mtm_results_opts_init(&ro);
    ro.form_id = form;
    ro.round = o->rounds[i];
    ro.plan = o->plan;
    ro.by = o->by;
    ro.by_report = 1;
    ro.weight = o->weight;
    ro.strata = o->strata;
    ro.cluster = o->cluster;
    ro.weights_from_bma = o->weights_from_bma;
    ro.lang = o->lang ? o->lang : "en";
    ro.lang_optional = 1;
    ro.all_respondents = o->all_respondents;
    ro.public_ = o->public_;
    ro.rule.k = o->suppress_k >= 1 ? o->suppress_k : MTM_DISCLOSE_K;
    ro.rule.other_below = o->other_below;
    ro.rule.flag_below = o->flag_below;
    ro.notes = stderr;
    mtm_results r;
    rc = mtm_results_run(st, &ro, &a, &r, err);
    if (!rc && r.f->nrows == 0)
      rc = mtm_err_set(err, MTM_EINVAL, "form '%s' has no submissions in round %d: import them first", form,
                       ro.round);
    if (!rc && i == 0) {
      int ncols;
      mtm_pub_col *cols = columns(&r.x, &a, &ncols);
      rc = mtm_pub_table(w, "indicators", ncols, cols, err);
    }
    if (!rc) rc = write_rows(w, ro.round, &r, fmt == MTM_PUB_JSON, &a, err);
    mtm_results_free(&r);
  }
  mtm_arena_free(&a);
  return rc;
}
