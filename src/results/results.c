/* results: the pipeline of a round's results table (results.h), shared by
 * `mtm analyse` and `mtm export --what indicators`. */
#include "results/results.h"

#include <stdio.h>
#include <string.h>

void mtm_results_opts_init(mtm_results_opts *o) {
  /* Everything zero, no comparison: analyse's defaults. */
  memset(o, 0, sizeof *o);
  o->lonely = MTM_ANALYSIS_LONELY_ADJUST;
  o->ci = MTM_ANALYSIS_CI_WALD;
  o->ci_df = MTM_ANALYSIS_CI_DF_NORMAL;
  o->compare = -1;
}

void mtm_results_free(mtm_results *r) {
  /* Frees the frame; the rows live in the caller's arena. */
  if (!r) return;
  if (r->f) mtm_frame_free(r->f);
  r->f = NULL;
}

/* 1 when name is not a column of f and may be a text question of the
 * submissions (a question of a repeat is read with the repeat's frame). */
static int not_column(const mtm_frame *f, const char *name) {
  if (mtm_frame_col_find(f, name)) return 0;
  return mtm_frame_has_main_question(f, name) || !mtm_frame_repeat_of(f, name);
}

/* 1 when a name in list (separated by any of seps) is not a column of f. */
static int names_missing(const mtm_frame *f, const char *list, const char *seps) {
  for (const char *p = list; p && *p;) {
    size_t n = strcspn(p, seps);
    char name[256];
    if (n >= sizeof name) return 1;
    memcpy(name, p, n);
    name[n] = 0;
    if (n && not_column(f, name)) return 1;
    p += n;
    if (*p) p++;
  }
  return 0;
}

/* Notes a filter's reference to a question that is not a column. */
static void ref_missing(void *ctx, const char *name) {
  void **c = ctx;
  if (not_column(c[0], name)) c[1] = (void *)name;
}

/* 1 when the run may need a text column, which a load leaves out unless
 * asked (and the cache an import builds does not hold): a --by, --strata,
 * --cluster or --weight, or a plan item's question, group or filter,
 * naming a question that is not a column of f (a filter that cannot be
 * read too: the run with every column reports it). */
static int needs_text(const mtm_frame *f, const mtm_analysis_item *items, int nitems,
                      const char *by, const mtm_analysis_spec *s, mtm_arena *a) {
  const char *names[] = {s->weight, s->strata, s->cluster};
  for (int i = 0; i < 3; i++)
    if (names[i] && not_column(f, names[i])) return 1;
  if (names_missing(f, by, ",*")) return 1;
  for (int i = 0; i < nitems; i++) {
    const mtm_analysis_item *it = &items[i];
    if (names_missing(f, it->var, ",") || names_missing(f, it->group, ",*")) return 1;
    if (!it->filter || !*it->filter) continue;
    mtm_expr *e;
    mtm_err err;
    mtm_err_clear(&err);
    if (mtm_expr_parse(a, it->filter, &e, &err)) return 1;
    void *c[2] = {(void *)f, NULL};
    mtm_expr_refs(e, ref_missing, c);
    if (c[1]) return 1;
  }
  return 0;
}

/* The label of the merged row of --other-below in the language asked
 * (a Russian one: "Другое"). */
static const char *other_label(const char *lang) {
  if (lang && (!strncmp(lang, "ru", 2) || strstr(lang, "(ru)") || strstr(lang, "\xd0\xa0\xd1\x83\xd1\x81")))
    return "\xd0\x94\xd1\x80\xd1\x83\xd0\xb3\xd0\xbe\xd0\xb5";
  return "Other";
}

/* The eligible respondents of frame f as the spec's domain (nothing with
 * all set, or when the form has no rule), and, when some record is not
 * eligible and notes is not NULL, the note there saying whom the figures
 * count and why the others are left out (then: the compared round). */
static int eligible(mtm_store *st, const mtm_frame *f, int all, int then, FILE *notes,
                    mtm_analysis_spec *s, mtm_arena *a, mtm_err *err) {
  mtm_analysis_eligibility el;
  int rc = mtm_analysis_eligible(st, f, a, &el, err);
  if (rc) return rc;
  if (!el.nrules) return 0;
  if (!all) s->domain = el.eligible;
  if (el.neligible == el.nrows || !notes) return 0; /* every record counts: nothing to say */
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_printf(&b, "note: round %d: ", f->round);
  if (all)
    mtm_buf_printf(&b, "every record analysed (--all-respondents): %ld, of whom %ld eligible",
                   el.nrows, el.neligible);
  else
    mtm_buf_printf(&b, "the eligible respondents analysed (consent given, inclusion criteria met): "
                       "%ld of %ld records",
                   el.neligible, el.nrows);
  int k = 0;
  for (int i = 0; i < el.nrules; i++) {
    const mtm_analysis_rule *r = &el.rules[i];
    if (!r->excluded) continue;
    mtm_buf_adds(&b, k++ ? ", " : (all ? "; not eligible: " : "; excluded: "));
    if (r->consent) mtm_buf_printf(&b, "%ld without consent (%s)", r->excluded, r->expr);
    else if (r->label) mtm_buf_printf(&b, "%ld not %s (%s)", r->excluded, r->label, r->expr);
    else mtm_buf_printf(&b, "%ld not meeting %s", r->excluded, r->expr);
  }
  if (!all && !then) mtm_buf_adds(&b, "; --all-respondents analyses every record");
  fprintf(notes, "%s\n", b.p);
  mtm_buf_free(&b);
  return 0;
}

/* The post-stratified weights of frame f asked by o (*w NULL when none). */
static int weights(mtm_store *st, const mtm_results_opts *o, const mtm_frame *f, mtm_arena *a,
                   double **w, mtm_err *err) {
  *w = NULL;
  if (o->population) return mtm_analysis_weights_population(f, o->strata, o->population, a, w, err);
  if (o->weights_from_bma) return mtm_analysis_weights_bma(st, f, o->strata, o->weights_from_bma, a, w, err);
  return 0;
}

/* Hides what the rule (or, without --public, --suppress) hides in res. */
static void hide(const mtm_results_opts *o, mtm_analysis_result *res, const mtm_frame *f,
                 mtm_store *st, mtm_analysis_extra *x, mtm_arena *a) {
  const char *label = o->other_label ? o->other_label : other_label(o->lang);
  if (o->public_) mtm_disclose_result(res, &o->rule, f, st, label, x, a);
  else if (o->suppress > 0) mtm_analysis_post_suppress(res, o->suppress, x, a);
}

/* The comparison with round o->compare: the same plan on that round of the
 * form, with its own post-stratified weights and eligible respondents,
 * added as columns of x; its hidden cells are hidden too (the public rule,
 * else small cells), so no comparison reveals them. */
static int compare_round(mtm_store *st, const mtm_results_opts *o, const mtm_analysis_spec *s,
                         const mtm_analysis_item *items, int nitems, const mtm_analysis_result *res,
                         mtm_analysis_extra *x, int text, mtm_arena *a, mtm_err *err) {
  mtm_frame_opts fo = {0};
  fo.text = text;
  mtm_frame *g;
  int rc = mtm_frame_load(st, o->form_id, o->compare, &fo, &g, err);
  if (rc) return rc;
  mtm_analysis_result then;
  mtm_analysis_spec sm = *s;
  double *pw = NULL;
  if ((rc = weights(st, o, g, a, &pw, err))) {
    mtm_frame_free(g);
    return rc;
  }
  if (pw) sm.weights = pw;
  sm.domain = NULL;
  if ((rc = eligible(st, g, o->all_respondents, 1, o->notes, &sm, a, err)) ||
      (rc = mtm_analysis_run_all(st, g, &sm, items, nitems, a, &then, err))) {
    mtm_frame_free(g);
    return rc;
  }
  mtm_analysis_extra scratch = {0};
  hide(o, &then, g, st, &scratch, a);
  mtm_analysis_opts co = {0};
  co.ci = s->ci;
  co.design_df = s->ci_df == MTM_ANALYSIS_CI_DF_DESIGN ? MTM_ANALYSIS_DF_FIXED
                 : s->ci == MTM_ANALYSIS_CI_LOGIT      ? MTM_ANALYSIS_DF_ROWS
                                                       : MTM_ANALYSIS_DF_NORMAL;
  mtm_analysis_post_compare(res, &then, o->compare, &co, x, a);
  mtm_frame_free(g);
  return 0;
}

/* --usd: the money rows in USD at the round's rate (empty columns when the
 * operation has no currency or the round no rate). */
static int usd_columns(mtm_store *st, const mtm_frame *f, int rn, const mtm_analysis_result *res,
                       mtm_analysis_extra *x, mtm_arena *a, mtm_err *err) {
  mtm_operation op;
  mtm_round r;
  const char *cur = NULL;
  double rate = 0;
  int rc = mtm_store_operation_get(st, a, &op, err);
  if (rc == 0) cur = op.currency;
  else if (rc != MTM_ENOTFOUND) return rc;
  mtm_err_clear(err);
  rc = mtm_store_round_get(st, rn, a, &r, err);
  if (rc == 0) rate = r.usd_rate;
  else if (rc != MTM_ENOTFOUND) return rc;
  mtm_err_clear(err);
  mtm_analysis_post_usd(res, f, cur, rate, x, a);
  return 0;
}

/* 1 when an eligible respondent (dom NULL: any) answered col. */
static int answered(const mtm_frame *f, const mtm_frame_col *col, const uint8_t *dom) {
  for (long r = 0; r < f->nrows; r++)
    if (!mtm_frame_is_missing(col, r) && (!dom || dom[r])) return 1;
  return 0;
}

/* The report's sex or nationality question of f (sections.c's find_var):
 * the first single choice tagged +attr, else the one named name; answered
 * by an eligible respondent, else NULL. */
static const mtm_frame_col *report_var(const mtm_frame *f, const char *name, const char *attr,
                                       const uint8_t *dom) {
  for (int i = 0; i < f->ncols; i++) {
    const mtm_frame_col *col = &f->cols[i];
    if (col->kind != MTM_FRAME_CODES) continue;
    if (col->q && mtm_hxl_has(col->q->hxl, NULL, attr)) return answered(f, col, dom) ? col : NULL;
  }
  const mtm_frame_col *col = mtm_frame_col_find(f, name);
  return col && col->kind == MTM_FRAME_CODES && answered(f, col, dom) ? col : NULL;
}

/* The sex question of repeat ri of form fm as the report's repeat_sex
 * finds it: the first single choice of the repeat itself (not one of the
 * submissions', which wins) named sex or *_sex or tagged +sex, with a
 * female and a male choice; NULL when none. */
static const char *repeat_sex(const mtm_form *fm, int ri, const mtm_frame *f) {
  for (int j = 0; j < fm->nq; j++) {
    const mtm_question *q = &fm->q[j];
    if (q->repeat != ri || q->type != MTM_Q_SELECT_ONE || !q->list || mtm_frame_col_find(f, q->name))
      continue;
    size_t n = strlen(q->name);
    int named = !strcmp(q->name, "sex") || (n > 4 && !strcmp(q->name + n - 4, "_sex")) ||
                mtm_hxl_has(q->hxl, NULL, "sex");
    if (named && mtm_form_choice(q->list, "female") && mtm_form_choice(q->list, "male")) return q->name;
  }
  return NULL;
}

/* The report's groups of f as a by list: its sex and nationality
 * questions, then each repeat's own sex question (which groups that
 * repeat's figures only); NULL when there is none. */
static const char *report_by(const mtm_frame *f, const uint8_t *dom, mtm_arena *a) {
  const mtm_frame_col *sex = report_var(f, "sex", "sex", dom);
  const mtm_frame_col *nat = report_var(f, "nationality", "nationality", dom);
  mtm_buf b;
  mtm_buf_init(&b);
  if (sex) mtm_buf_adds(&b, sex->name);
  if (nat) mtm_buf_printf(&b, "%s%s", b.n ? "," : "", nat->name);
  const mtm_form *fm = f->form;
  for (int i = 0; i < fm->nq; i++) {
    const char *rs = fm->q[i].type == MTM_Q_BEGIN_REPEAT ? repeat_sex(fm, i, f) : NULL;
    if (rs) mtm_buf_printf(&b, "%s%s", b.n ? "," : "", rs);
  }
  const char *by = b.n ? mtm_arena_strdup(a, b.p) : NULL;
  mtm_buf_free(&b);
  return by;
}

int mtm_results_run(mtm_store *st, const mtm_results_opts *o, mtm_arena *a, mtm_results *out,
                    mtm_err *err) {
  /* Plan, frame (with text columns when needed), language, weights,
   * eligibility, run, then the rule, USD and the comparison. */
  memset(out, 0, sizeof *out);
  mtm_analysis_spec s;
  memset(&s, 0, sizeof s);
  s.weight = o->weight;
  s.strata = o->strata;
  s.cluster = o->cluster;
  s.lang = -1;
  s.lonely = o->lonely;
  s.ci = o->ci;
  s.ci_df = o->ci_df;
  mtm_analysis_item *items = NULL;
  int nitems = 0;
  int rc;
  if (o->plan && (rc = mtm_analysis_plan_read(o->plan, a, &items, &nitems, err))) return rc;
  /* The default columns first (read from the cache), every column when
   * the run may need text ones. */
  mtm_frame_opts fo = {0};
  if ((rc = mtm_frame_load(st, o->form_id, o->round, &fo, &out->f, err))) {
    out->f = NULL;
    return rc;
  }
  if (needs_text(out->f, items, nitems, o->by, &s, a)) {
    mtm_frame_free(out->f);
    out->f = NULL;
    fo.text = 1;
    if ((rc = mtm_frame_load(st, o->form_id, o->round, &fo, &out->f, err))) {
      out->f = NULL;
      return rc;
    }
  }
  mtm_frame *f = out->f;
  if (o->lang && (s.lang = mtm_form_lang(f->form, o->lang)) < 0 && !o->lang_optional) {
    out->bad_lang = 1;
    return mtm_err_set(err, MTM_EINVAL, "form '%s' has no language '%s'", o->form_id, o->lang);
  }
  double *pw = NULL;
  if ((rc = weights(st, o, f, a, &pw, err))) return rc;
  s.weights = pw;
  if ((rc = eligible(st, f, o->all_respondents, 0, o->notes, &s, a, err))) return rc;
  const char *by = o->by;
  if (!o->plan && !by && o->by_report) by = report_by(f, s.domain, a);
  if ((!o->plan && (rc = mtm_analysis_default_plan_all(st, f, &s, by, a, &items, &nitems, err))) ||
      (rc = mtm_analysis_run_all(st, f, &s, items, nitems, a, &out->res, err)))
    return rc;
  hide(o, &out->res, f, st, &out->x, a);
  if (o->usd && (rc = usd_columns(st, f, o->round, &out->res, &out->x, a, err))) return rc;
  if (o->compare >= 0 &&
      (rc = compare_round(st, o, &s, items, nitems, &out->res, &out->x, fo.text, a, err)))
    return rc;
  return 0;
}

int mtm_results_form(mtm_store *st, const char *given, mtm_arena *a, const char **out,
                     mtm_err *err) {
  /* The form versions of the workspace, each survey form once. */
  mtm_form_version *v;
  int n;
  int rc = mtm_store_form_versions(st, NULL, a, &v, &n, err);
  if (rc) return rc;
  if (given) {
    for (int i = 0; i < n; i++)
      if (!strcmp(v[i].form_id, given)) {
        if (strcmp(v[i].kind, "survey"))
          return mtm_err_set(err, MTM_EINVAL, "form '%s' is a %s form; indicators come from a survey form",
                             given, v[i].kind);
        *out = given;
        return 0;
      }
    return mtm_err_set(err, MTM_ENOTFOUND, "there is no form '%s' in the workspace", given);
  }
  const char *found = NULL;
  mtm_buf names;
  mtm_buf_init(&names);
  int count = 0;
  for (int i = 0; i < n; i++) {
    if (strcmp(v[i].kind, "survey")) continue;
    int dup = 0;
    for (int j = 0; j < i; j++)
      if (!strcmp(v[j].form_id, v[i].form_id)) dup = 1;
    if (dup) continue;
    if (count++) mtm_buf_adds(&names, ", ");
    mtm_buf_adds(&names, v[i].form_id);
    found = v[i].form_id;
  }
  if (count == 1) *out = found;
  else if (count)
    rc = mtm_err_set(err, MTM_EINVAL, "the workspace has %d survey forms (%s): say which with --form FORM_ID",
                     count, names.p);
  else
    rc = mtm_err_set(err, MTM_ENOTFOUND,
                     "the workspace has no survey form: add one with 'mtm form add --kind survey FILE'");
  mtm_buf_free(&names);
  return rc;
}
