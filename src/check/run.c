/* A check run over a form and round of the workspace, and the validation
 * of inclusion criteria. */
#include "check/check.h"

#include <jansson.h>
#include <string.h>

/* "a, b, c" from a list of strings (arena). */
static const char *join(mtm_arena *a, char **v, int n) {
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < n; i++) mtm_buf_printf(&b, "%s%s", i ? ", " : "", v[i]);
  const char *r = mtm_arena_strdup(a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return r;
}

/* Fills err with the forms that exist when form_id is unknown. */
static int unknown_form(mtm_store *st, const char *form_id, mtm_arena *a, mtm_err *err) {
  mtm_form_summary *fs;
  int n;
  mtm_err e2;
  mtm_err_clear(&e2);
  if (mtm_store_form_summaries(st, a, &fs, &n, &e2) || n == 0)
    return mtm_err_set(err, MTM_ENOTFOUND,
                       "there is no form '%s' in the workspace, which has no forms yet: add one "
                       "with 'mtm form add FILE'",
                       form_id);
  char **ids = mtm_arena_alloc(a, sizeof(char *) * (size_t)n);
  for (int i = 0; i < n; i++) ids[i] = fs[i].form_id;
  return mtm_err_set(err, MTM_ENOTFOUND, "there is no form '%s' in the workspace; its forms are %s",
                     form_id, join(a, ids, n));
}

/* Fills err with the rounds that exist when round is unknown. */
static int unknown_round(mtm_store *st, const char *form_id, int round, mtm_arena *a,
                         mtm_err *err) {
  mtm_round *r;
  int n = 0;
  mtm_err e2;
  mtm_err_clear(&e2);
  mtm_buf b;
  mtm_buf_init(&b);
  if (mtm_store_rounds(st, a, &r, &n, &e2) == 0)
    for (int i = 0; i < n; i++) mtm_buf_printf(&b, "%s%d", i ? ", " : "", r[i].number);
  mtm_form_summary *fs;
  int nf = 0;
  mtm_buf fr;
  mtm_buf_init(&fr);
  if (mtm_store_form_summaries(st, a, &fs, &nf, &e2) == 0)
    for (int i = 0; i < nf; i++)
      if (strcmp(fs[i].form_id, form_id) == 0)
        for (int k = 0; k < fs[i].nrounds; k++)
          mtm_buf_printf(&fr, "%s%d", k ? ", " : "", fs[i].rounds[k]);
  int rc = mtm_err_set(err, MTM_ENOTFOUND, "round %d does not exist; %s%s; form '%s' has %s%s",
                       round, n ? "the rounds are " : "no round was declared (use 'mtm round add N')",
                       n ? b.p : "", form_id,
                       fr.n ? "submissions in rounds " : "no submissions yet", fr.n ? fr.p : "");
  mtm_buf_free(&b);
  mtm_buf_free(&fr);
  return rc;
}

typedef struct {
  mtm_check *c;
  char **versions;
  int nversions;
} walk_ctx;

/* Decodes one submission once and hands it to the run. */
static int on_submission(void *ctx, const mtm_submission *s, mtm_err *err) {
  walk_ctx *w = ctx;
  int vi = mtm_store_submission_version(s, w->versions, w->nversions);
  mtm_arena a;
  mtm_arena_init(&a);
  char **values;
  int n = mtm_store_submission_values(s, &a, &values, err);
  int rc = n < 0 ? n : mtm_check_add(w->c, s->id, s->uuid, vi, values, n, err);
  mtm_arena_free(&a);
  return rc;
}

/* The questions that the imported files of the round had a column for:
 * the targets of their mappings, "q/option" counting for q. */
static int exported_questions(mtm_store *st, int64_t form, int round, mtm_arena *a,
                              mtm_check_opts *o, mtm_err *err) {
  char **maps;
  int nm;
  int rc = mtm_store_import_mappings(st, form, round, a, &maps, &nm, err);
  if (rc) return rc;
  int cap = 64, k = 0;
  const char **names = mtm_arena_alloc(a, sizeof(char *) * (size_t)cap);
  for (int i = 0; i < nm; i++) {
    json_t *j = maps[i] ? json_loads(maps[i], 0, NULL) : NULL;
    if (!json_is_object(j)) {
      /* An import whose mapping is unknown: assume every question was there. */
      json_decref(j);
      o->nexported = 0;
      return 0;
    }
    const char *key;
    json_t *val;
    json_object_foreach(j, key, val) {
      const char *to = json_string_value(val);
      if (!to) continue;
      const char *slash = strchr(to, '/');
      size_t len = slash ? (size_t)(slash - to) : strlen(to);
      if (k == cap) {
        const char **g = mtm_arena_alloc(a, sizeof(char *) * (size_t)cap * 2);
        memcpy(g, names, sizeof(char *) * (size_t)cap);
        names = g;
        cap *= 2;
      }
      names[k++] = mtm_arena_strndup(a, to, len);
    }
    json_decref(j);
  }
  o->exported = names;
  o->nexported = k;
  return 0;
}

int mtm_check_store(mtm_store *st, const char *form_id, int round, const mtm_check_opts *opts,
                    mtm_arena *a, mtm_finding **out, int *n, const char ***notes, int *nnotes,
                    mtm_err *err) {
  *out = NULL;
  *n = 0;
  if (notes) *notes = NULL;
  if (nnotes) *nnotes = 0;
  mtm_arena t;
  mtm_arena_init(&t);
  mtm_form **forms = NULL;
  int nv = 0;
  mtm_check *c = NULL;
  mtm_store_formref fr;
  int rc = mtm_store_form_find(st, form_id, &t, &fr, err);
  if (rc == MTM_ENOTFOUND) rc = unknown_form(st, form_id, &t, err);
  if (rc) goto out;
  if (!mtm_store_check_round_known(st, round, err)) {
    rc = unknown_round(st, form_id, round, &t, err);
    goto out;
  }
  char **versions;
  if ((rc = mtm_store_check_versions(st, fr.id, round, &t, &versions, &nv, err))) goto out;
  forms = mtm_arena_zalloc(&t, sizeof(mtm_form *) * (size_t)(nv + 1));
  for (int i = 0; i < nv; i++)
    if ((rc = mtm_form_load_asked(st, form_id, versions[i], &forms[i], err))) goto out;
  mtm_store_criterion *sc;
  int nc;
  if ((rc = mtm_store_criteria(st, fr.id, &t, &sc, &nc, err))) goto out;
  mtm_criterion *cr = mtm_arena_zalloc(&t, sizeof *cr * (size_t)(nc + 1));
  for (int i = 0; i < nc; i++) cr[i] = (mtm_criterion){sc[i].id, sc[i].expr, sc[i].label};
  mtm_check_opts o = *opts;
  o.baseline = fr.kind && strcmp(fr.kind, "baseline") == 0;
  if ((rc = exported_questions(st, fr.id, round, &t, &o, err))) goto out;
  if ((rc = mtm_check_new(&c, forms, nv, cr, nc, &o, err))) goto out;
  walk_ctx w = {c, versions, nv};
  if ((rc = mtm_store_submissions_each(st, fr.id, round, MTM_SUB_LIVE, on_submission, &w, err)))
    goto out;
  mtm_cell_issue *ci;
  int nci;
  if ((rc = mtm_store_cell_issues(st, fr.id, round, &t, &ci, &nci, err))) goto out;
  for (int i = 0; i < nci; i++)
    mtm_check_issue(c, ci[i].submission, ci[i].question, ci[i].value, ci[i].rule, ci[i].message);
  if ((rc = mtm_check_finish(c, a, out, n, err))) goto out;
  if (notes && nnotes) {
    const char *const *cn;
    int k = mtm_check_notes(c, &cn);
    const char **cp = mtm_arena_alloc(a, sizeof(char *) * (size_t)(k + 1));
    for (int i = 0; i < k; i++) cp[i] = mtm_arena_strdup(a, cn[i]);
    *notes = cp;
    *nnotes = k;
  }
out:
  mtm_check_free(c);
  for (int i = 0; forms && i < nv; i++) mtm_form_free(forms[i]);
  mtm_arena_free(&t);
  return rc;
}

typedef struct {
  const mtm_form *f;
  const char *bad;
} refs_ctx;

static void check_ref(void *ctx, const char *name) {
  refs_ctx *r = ctx;
  if (!r->bad && !mtm_form_question(r->f, name)) r->bad = name;
}

int mtm_check_criterion_valid(mtm_store *st, const char *form_id, const char *expr,
                              mtm_err *err) {
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_store_formref fr;
  mtm_form *f = NULL;
  int rc = mtm_store_form_find(st, form_id, &a, &fr, err);
  if (rc == MTM_ENOTFOUND) rc = unknown_form(st, form_id, &a, err);
  if (rc || (rc = mtm_form_load(st, form_id, NULL, &f, err))) goto out;
  mtm_expr *e;
  mtm_err pe;
  mtm_err_clear(&pe);
  if (mtm_expr_parse(&a, expr, &e, &pe)) {
    rc = mtm_err_set(err, MTM_EINVAL, "cannot read the criterion '%s': %s", expr, pe.msg);
  } else {
    refs_ctx r = {f, NULL};
    mtm_expr_refs(e, check_ref, &r);
    if (r.bad)
      rc = mtm_err_set(err, MTM_EINVAL,
                       "the criterion '%s' names ${%s}, which is not a question of form '%s'",
                       expr, r.bad, form_id);
  }
out:
  mtm_form_free(f);
  mtm_arena_free(&a);
  return rc;
}
