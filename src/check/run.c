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
  mtm_store *st;
  char **versions;
  int nversions;
  int repeats; /* some version of the form has a repeat */
} walk_ctx;

/* The repeat instances of a submission, decoded into a. */
static int instances_of(mtm_store *st, const mtm_submission *s, mtm_arena *a,
                        mtm_check_instance **out, mtm_repeat_row **rows, int *n, mtm_err *err) {
  int rc = mtm_store_repeat_rows(st, s->id, a, rows, n, err);
  if (rc) return rc;
  mtm_check_instance *in = mtm_arena_zalloc(a, sizeof *in * (size_t)(*n + 1));
  for (int k = 0; k < *n; k++) {
    const mtm_repeat_row *r = &(*rows)[k];
    char **v = NULL;
    int nv = mtm_record_decode(r->data, r->data_n, a, &v);
    if (nv < 0)
      return mtm_err_set(err, MTM_ESTORE,
                         "the values of instance %d of repeat '%s' of submission %s are damaged",
                         r->position, r->repeat, s->uuid);
    in[k] = (mtm_check_instance){r->repeat, r->position, v, nv};
  }
  *out = in;
  return 0;
}

/* Decodes one submission once, with its repeat instances when the form has
 * repeats, and hands it to the run. */
static int on_submission(void *ctx, const mtm_submission *s, mtm_err *err) {
  walk_ctx *w = ctx;
  int vi = mtm_store_submission_version(s, w->versions, w->nversions);
  mtm_arena a;
  mtm_arena_init(&a);
  char **values;
  mtm_check_instance *in = NULL;
  mtm_repeat_row *rows;
  int ni = 0;
  int n = mtm_store_submission_values(s, &a, &values, err);
  int rc = n < 0 ? n : 0;
  if (!rc && w->repeats) rc = instances_of(w->st, s, &a, &in, &rows, &ni, err);
  if (!rc) rc = mtm_check_add_full(w->c, s->id, s->uuid, vi, values, n, in, ni, err);
  mtm_arena_free(&a);
  return rc;
}

/* 1 when the cell of question q (outside repeats) of submission ci holds
 * a clean value now, as after cleaning fixed a cell ingest could not type. */
static int cleaned_since(mtm_store *st, const mtm_cell_issue *ci, mtm_form *const *forms,
                         char **versions, int nv, mtm_arena *a, mtm_err *err) {
  mtm_submission s;
  if (mtm_store_submission_get(st, ci->submission, a, &s, err)) return -1;
  const mtm_form *f = forms[mtm_store_submission_version(&s, versions, nv)];
  int qi = mtm_form_question_index(f, ci->question), slot = 0;
  if (qi < 0 || f->q[qi].repeat >= 0) return 0;
  for (int k = 0; k < f->nfields && f->fields[k] != qi; k++)
    if (f->q[f->fields[k]].repeat < 0) slot++;
  char **v;
  int n = mtm_store_submission_values(&s, a, &v, err);
  if (n < 0) return -1;
  return slot < n && v[slot] && v[slot][0];
}

/* 1 when header names question q (its name, or a path ending in it). */
static int header_is(const char *header, const char *q) {
  size_t hn = strlen(header), qn = strlen(q);
  if (hn < qn || strcmp(header + hn - qn, q) != 0) return 0;
  return hn == qn || header[hn - qn - 1] == '/' || header[hn - qn - 1] == '.';
}

/* Reports a cell issue of a question inside a repeat at its instance: the
 * first instance of the submission (not claimed by an earlier issue) whose
 * raw cell for the question is the issue's value and whose clean value is
 * missing, as ingest stores a cell it could not type. used[] marks the
 * repeat rows claimed. */
static int issue_in_repeat(mtm_check *c, mtm_store *st, const mtm_cell_issue *ci,
                           const mtm_form *f, const mtm_question *q, mtm_arena *a,
                           mtm_strmap *used, mtm_err *err) {
  mtm_repeat_row *rows;
  int n;
  int rc = mtm_store_repeat_rows(st, ci->submission, a, &rows, &n, err);
  if (rc) return rc;
  const char *rep = f->q[q->repeat].name;
  int slot = 0;
  for (int k = 0; k < f->nfields; k++) {
    if (f->fields[k] == (int)(q - f->q)) break;
    if (f->q[f->fields[k]].repeat == q->repeat) slot++;
  }
  for (int k = 0; k < n; k++) {
    if (strcmp(rows[k].repeat, rep) != 0) continue;
    const char *key = mtm_arena_printf(a, "%lld", (long long)rows[k].id);
    if (mtm_strmap_get(used, key) >= 0) continue;
    char **raw = NULL, **data = NULL;
    int nr = rows[k].raw ? mtm_record_decode(rows[k].raw, rows[k].raw_n, a, &raw) : 0;
    int nd = mtm_record_decode(rows[k].data, rows[k].data_n, a, &data);
    int hit = 0;
    for (int i = 0; i + 1 < nr && !hit; i += 2)
      hit = raw[i] && header_is(raw[i], q->name) && raw[i + 1] && ci->value &&
            strcmp(raw[i + 1], ci->value) == 0;
    if (!hit) continue;
    mtm_strmap_put(used, key, 1);
    /* The cell holds a clean value now: cleaning fixed it. */
    if (nd > slot && data[slot] && data[slot][0]) return 0;
    mtm_check_issue_at(c, ci->submission, ci->question, ci->value, ci->rule, ci->message, rep,
                       rows[k].position);
    return 0;
  }
  mtm_check_issue(c, ci->submission, ci->question, ci->value, ci->rule, ci->message);
  return 0;
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
  walk_ctx w = {c, st, versions, nv, 0};
  for (int i = 0; i < nv; i++)
    for (int k = 0; k < forms[i]->nq; k++)
      if (forms[i]->q[k].type == MTM_Q_BEGIN_REPEAT) w.repeats = 1;
  if ((rc = mtm_store_submissions_each(st, fr.id, round, MTM_SUB_LIVE, on_submission, &w, err)))
    goto out;
  mtm_cell_issue *ci;
  int nci;
  if ((rc = mtm_store_cell_issues(st, fr.id, round, &t, &ci, &nci, err))) goto out;
  mtm_strmap used;
  mtm_strmap_init(&used, &t, 16);
  for (int i = 0; i < nci && !rc; i++) {
    const mtm_question *q = NULL;
    const mtm_form *qf = NULL;
    for (int k = nv - 1; k >= 0 && !q && w.repeats && ci[i].question; k--) {
      q = mtm_form_question(forms[k], ci[i].question);
      qf = forms[k];
    }
    int type = strcmp(ci[i].rule, "type") == 0;
    if (q && q->repeat >= 0 && type) {
      rc = issue_in_repeat(c, st, &ci[i], qf, q, &t, &used, err);
      continue;
    }
    int fixed = type && ci[i].question ? cleaned_since(st, &ci[i], forms, versions, nv, &t, err)
                                       : 0;
    if (fixed < 0) rc = MTM_ESTORE;
    else if (!fixed)
      mtm_check_issue(c, ci[i].submission, ci[i].question, ci[i].value, ci[i].rule,
                      ci[i].message);
  }
  if (rc) goto out;
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

int mtm_check_consent_valid(mtm_store *st, const char *form_id, const char *question,
                            const char *value, mtm_arena *a, const char **out, mtm_err *err) {
  mtm_arena t;
  mtm_arena_init(&t);
  mtm_store_formref fr;
  mtm_form *f = NULL;
  *out = NULL;
  int rc = mtm_store_form_find(st, form_id, &t, &fr, err);
  if (rc == MTM_ENOTFOUND) rc = unknown_form(st, form_id, &t, err);
  if (rc || (rc = mtm_form_load(st, form_id, NULL, &f, err))) goto out;
  const mtm_question *q = mtm_form_question(f, question);
  if (!q) {
    rc = mtm_err_set(err, MTM_EINVAL, "form '%s' has no question '%s' to take as consent", form_id,
                     question);
  } else if (q->type != MTM_Q_SELECT_ONE || !q->list) {
    rc = mtm_err_set(err, MTM_EINVAL,
                     "question '%s' of form '%s' is %s; a consent question is a select_one with "
                     "its choices in the form",
                     question, form_id, mtm_form_type_name(q->type));
  } else if (value && !mtm_form_choice(q->list, value)) {
    mtm_buf b;
    mtm_buf_init(&b);
    for (int i = 0; i < q->list->n; i++)
      mtm_buf_printf(&b, "%s%s", i ? ", " : "", q->list->choices[i].name);
    rc = mtm_err_set(err, MTM_EINVAL,
                     "'%s' is not a choice of the consent question '%s' (its choices are %s)",
                     value, question, b.p ? b.p : "none");
    mtm_buf_free(&b);
  } else {
    if (!value) value = mtm_form_consent_value(f, q);
    if (!value)
      rc = mtm_err_set(err, MTM_EINVAL,
                       "cannot tell which answer to '%s' gives consent: no later question is "
                       "asked only for one answer and no choice is called yes; say it with "
                       "--consent-value",
                       question);
    else *out = mtm_arena_strdup(a, value);
  }
out:
  mtm_form_free(f);
  mtm_arena_free(&t);
  return rc;
}
