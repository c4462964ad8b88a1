/* Eligible respondents: consent given and every inclusion criterion met,
 * per row of a frame, with the records each rule excluded. */
#include "analysis/analysis.h"
#include "frame/frame.h"
#include "store/store.h"

#include <string.h>

/* The columns a row's criteria read: the frame's, else the extra frame's
 * (text questions the frame did not load). */
typedef struct env {
  const mtm_frame *f, *g;
  long r;
  mtm_arena *a;
} env;

/* The value of ${name} in the current row, NULL when missing. */
static const char *lookup(void *ctx, const char *name) {
  env *e = ctx;
  const mtm_frame_col *c = mtm_frame_col_find(e->f, name);
  if (!c && e->g) c = mtm_frame_col_find(e->g, name);
  return c ? mtm_frame_value(c, e->r, e->a) : NULL;
}

/* The names a criterion reads, collected once each. */
typedef struct names {
  mtm_arena *a;
  const char **v;
  int n, cap;
} names;

static void add_name(void *ctx, const char *name) {
  names *ns = ctx;
  for (int i = 0; i < ns->n; i++)
    if (!strcmp(ns->v[i], name)) return;
  if (ns->n == ns->cap) {
    int cap = ns->cap ? ns->cap * 2 : 8;
    const char **v = mtm_arena_alloc(ns->a, sizeof *v * (size_t)cap);
    if (ns->n) memcpy(v, ns->v, sizeof *v * (size_t)ns->n);
    ns->v = v;
    ns->cap = cap;
  }
  ns->v[ns->n++] = mtm_arena_strdup(ns->a, name);
}

/* The consent question of f's form and the answer that gives it: the one
 * named for the form, else the form's own. */
static int consent_of(mtm_store *st, const mtm_frame *f, long form, mtm_arena *a,
                      mtm_analysis_eligibility *out, mtm_err *err) {
  mtm_store_consent *cs;
  int n;
  int rc = mtm_store_consents(st, form, a, &cs, &n, err);
  if (rc) return rc;
  if (n) {
    out->consent_q = cs[0].question;
    out->consent_value = cs[0].value;
    out->consent_named = 1;
    return 0;
  }
  const mtm_question *q = mtm_form_consent_question(f->form);
  const char *v = q ? mtm_form_consent_value(f->form, q) : NULL;
  if (q && v) {
    out->consent_q = mtm_arena_strdup(a, q->name);
    out->consent_value = mtm_arena_strdup(a, v);
  }
  return 0;
}

int mtm_analysis_eligible(mtm_store *st, const mtm_frame *f, mtm_arena *a,
                             mtm_analysis_eligibility *out, mtm_err *err) {
  /* Reads the rules, then marks each row: the first rule it fails excludes
   * it. */
  memset(out, 0, sizeof *out);
  out->nrows = out->neligible = f->nrows;
  mtm_store_formref fr;
  mtm_store_criterion *cr;
  int ncr;
  int rc = mtm_store_form_find(st, f->form_id, a, &fr, err);
  if (!rc) rc = mtm_store_criteria(st, fr.id, a, &cr, &ncr, err);
  if (!rc) rc = consent_of(st, f, fr.id, a, out, err);
  if (rc) return rc;
  int nrules = ncr + (out->consent_q != NULL);
  if (!nrules) return 0;
  out->rules = mtm_arena_zalloc(a, sizeof *out->rules * (size_t)nrules);
  mtm_expr **ex = mtm_arena_zalloc(a, sizeof *ex * (size_t)nrules);
  names screen = {a, NULL, 0, 0}, missing = {a, NULL, 0, 0};
  int k = 0;
  if (out->consent_q) {
    out->rules[k].consent = 1;
    out->rules[k].expr =
        mtm_arena_printf(a, "${%s} = '%s'", out->consent_q, out->consent_value);
    k++;
  }
  for (int i = 0; i < ncr; i++, k++) {
    out->rules[k].expr = cr[i].expr;
    out->rules[k].label = cr[i].label;
    mtm_err pe;
    mtm_err_clear(&pe);
    if (mtm_expr_parse(a, cr[i].expr, &ex[k], &pe))
      return mtm_err_set(err, MTM_EINVAL, "cannot read the inclusion criterion '%s': %s",
                         cr[i].expr, pe.msg);
    mtm_expr_refs(ex[k], add_name, &screen);
  }
  out->nrules = nrules;
  out->nscreen = screen.n;
  out->screen_q = screen.v;
  for (int i = 0; i < screen.n; i++)
    if (!mtm_frame_col_find(f, screen.v[i])) add_name(&missing, screen.v[i]);
  /* Text questions (and any other left out) from the workspace. */
  mtm_frame *g = NULL;
  if (missing.n) {
    mtm_frame_opts o = {0};
    o.columns = missing.v;
    o.ncolumns = missing.n;
    mtm_err e2;
    mtm_err_clear(&e2);
    if (mtm_frame_load(st, f->form_id, f->round, &o, &g, &e2) || g->nrows != f->nrows) {
      if (g) mtm_frame_free(g);
      return mtm_err_set(err, MTM_EINVAL,
                         "the inclusion criteria of form '%s' name %s, which its round %d "
                         "cannot give: %s",
                         f->form_id, missing.v[0], f->round, e2.msg[0] ? e2.msg : "rows differ");
    }
  }
  const mtm_frame_col *cc = out->consent_q ? mtm_frame_col_find(f, out->consent_q) : NULL;
  int yes = -1;
  for (int l = 0; cc && cc->kind == MTM_FRAME_CODES && l < cc->nlevels; l++)
    if (!strcmp(cc->levels[l], out->consent_value)) yes = l;
  out->eligible = mtm_arena_alloc(a, (size_t)(f->nrows ? f->nrows : 1));
  out->neligible = 0;
  mtm_arena tmp;
  mtm_arena_init(&tmp);
  env e = {f, g, 0, &tmp};
  mtm_expr_env ee;
  memset(&ee, 0, sizeof ee);
  ee.lookup = lookup;
  ee.ctx = &e;
  ee.today = mtm_today();
  for (long r = 0; r < f->nrows; r++) {
    e.r = r;
    int failed = -1;
    k = 0;
    if (out->consent_q) {
      if (yes < 0 || cc->codes[r] != yes) failed = 0;
      k = 1;
    }
    for (; failed < 0 && k < nrules; k++) {
      mtm_value v;
      mtm_err pe;
      mtm_err_clear(&pe);
      if (mtm_expr_eval(ex[k], &ee, &tmp, &v, &pe) || !mtm_value_bool(&v)) failed = k;
      mtm_arena_reset(&tmp);
    }
    out->eligible[r] = failed < 0;
    if (failed < 0) out->neligible++;
    else out->rules[failed].excluded++;
  }
  mtm_arena_free(&tmp);
  if (g) mtm_frame_free(g);
  return 0;
}
