/* Applying a cleaning log: validation of every row against the current
 * clean values, then all changes in one transaction. */
#include "clean/clean.h"
#include "form/form.h"
#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- typing a value as an import would ---- */

/* 1 when name is a choice of q's list, or "other" under or_other. */
static int is_choice(const mtm_question *q, const char *name) {
  return mtm_form_choice(q->list, name) || (q->or_other && strcmp(name, "other") == 0);
}

/* Types text for question qi exactly as an import types a cell (ingest's
 * typer: labels to names, decimals' shortest text, dates, geopoints,
 * select_multiple in list order, and its messages), then refuses a select
 * value that is no choice of its list, which an import keeps but a cleaning
 * must not bring in. Returns 0 and *out (arena; NULL for an empty value), or
 * MTM_EINVAL with why->msg saying why. */
static int type_value(const mtm_ingest_form *t, int qi, const char *in, mtm_arena *a,
                      const char **out, mtm_err *why) {
  const mtm_question *q = &mtm_ingest_form_of(t)->q[qi];
  mtm_slice v;
  mtm_err_clear(why);
  *out = NULL;
  if (mtm_ingest_type(t, qi, mtm_slice_c(in), 0, a, &v, why)) return MTM_EINVAL;
  if (!v.p) return 0;
  *out = mtm_arena_strndup(a, v.p, v.n);
  if ((q->type != MTM_Q_SELECT_ONE && q->type != MTM_Q_SELECT_MULTIPLE) || !q->list) return 0;
  const char *bad = NULL;
  if (q->type == MTM_Q_SELECT_ONE) {
    if (!is_choice(q, *out)) bad = *out;
  } else {
    char *copy = mtm_arena_strdup(a, *out), *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok && !bad; tok = strtok_r(NULL, " ", &save))
      if (!is_choice(q, tok)) bad = tok;
  }
  if (!bad) return 0;
  return mtm_err_set(why, MTM_EINVAL, "'%s' is not a choice of list '%s'", bad, q->list->name);
}

/* 1 when the current value matches the old value the log expected. */
static int same_value(const mtm_ingest_form *t, int qi, const char *cur, const char *old,
                      mtm_arena *a) {
  if (!cur || !*cur) return !old || !*old;
  if (!old || !*old) return 0;
  if (strcmp(cur, old) == 0) return 1;
  mtm_err why;
  const char *typed;
  if (type_value(t, qi, old, a, &typed, &why) == 0 && typed && strcmp(typed, cur) == 0)
    return 1;
  double x, y;
  if (mtm_parse_double(mtm_slice_c(cur), &x) == 0 && mtm_parse_double(mtm_slice_c(old), &y) == 0)
    return x == y;
  return 0;
}

/* 1/0 for the ways a select_multiple option column says selected or not;
 * -1 otherwise. */
static int flag_value(const char *s) {
  static const char *const yes[] = {"1", "true", "yes", "1.0", NULL};
  static const char *const no[] = {"0", "false", "no", "0.0", "", NULL};
  for (int i = 0; yes[i]; i++)
    if (mtm_strcasecmp(s, yes[i]) == 0) return 1;
  for (int i = 0; no[i]; i++)
    if (mtm_strcasecmp(s, no[i]) == 0) return 0;
  return -1;
}

/* 1 when option is one of the space-separated names of v. */
static int has_token(const char *v, const char *option) {
  size_t n = strlen(option);
  for (const char *p = v; p && *p;) {
    while (*p == ' ') p++;
    const char *e = p;
    while (*e && *e != ' ') e++;
    if ((size_t)(e - p) == n && strncmp(p, option, n) == 0) return 1;
    p = e;
  }
  return 0;
}

/* v with option added or removed, in choice-list order (the canonical
 * order of select_multiple values); tokens that are no choice stay, last. */
static const char *set_token(const mtm_choice_list *l, const char *v, const char *option, int on,
                             mtm_arena *a) {
  mtm_buf b;
  mtm_buf_init(&b);
  v = v ? v : "";
  for (int i = 0; i < l->n; i++) {
    const char *name = l->choices[i].name;
    int is_opt = strcmp(name, option) == 0;
    if (is_opt ? on : has_token(v, name)) {
      if (b.n) mtm_buf_addc(&b, ' ');
      mtm_buf_adds(&b, name);
    }
  }
  if (on && !mtm_form_choice(l, option)) { /* "other" of or_other */
    if (b.n) mtm_buf_addc(&b, ' ');
    mtm_buf_adds(&b, option);
  }
  for (const char *p = v; *p;) {
    while (*p == ' ') p++;
    const char *e = p;
    while (*e && *e != ' ') e++;
    if (e > p) {
      char *tok = mtm_arena_strndup(a, p, (size_t)(e - p));
      if (!mtm_form_choice(l, tok) && strcmp(tok, option) != 0) {
        if (b.n) mtm_buf_addc(&b, ' ');
        mtm_buf_adds(&b, tok);
      }
    }
    p = e;
  }
  const char *r = b.n ? mtm_arena_strdup(a, b.p) : NULL;
  mtm_buf_free(&b);
  return r;
}

/* ---- the working state ---- */

/* The submissions with this uuid (mtm_store_submissions_by_uuid), with ""
 * for an unknown version. */
static int find_subs(mtm_store *st, const char *uuid, long form, int round, mtm_arena *a,
                     mtm_submission **subs, int *n, mtm_err *err) {
  int rc = mtm_store_submissions_by_uuid(st, uuid, form, round, a, subs, n, err);
  for (int k = 0; !rc && k < *n; k++)
    if (!(*subs)[k].version) (*subs)[k].version = "";
  return rc;
}

typedef struct {
  long form;
  const char *form_id, *version;
  mtm_form *f;
  mtm_ingest_form *t; /* ingest's tables of f, to type values as an import */
  int nslots;
  int *q_slot; /* question index -> slot in the data blob */
} vcache;

typedef struct {
  long id;
  int vc;         /* index into the version cache */
  char **values;  /* working copy */
  int nvalues;
  int dirty, remove, removed;
} wsub;

typedef struct {
  mtm_store *st;
  mtm_arena *a;
  vcache *v;
  int nv, capv;
  wsub *s;
  int ns, caps;
} work;

/* The form version of a submission, loaded once. */
static int version_of(work *w, const mtm_submission *s, mtm_err *err) {
  for (int i = 0; i < w->nv; i++)
    if (w->v[i].form == s->form && strcmp(w->v[i].version, s->version) == 0) return i;
  if (w->nv == w->capv) {
    w->capv = w->capv ? w->capv * 2 : 8;
    w->v = mtm_xrealloc(w->v, sizeof *w->v * (size_t)w->capv);
  }
  vcache *c = &w->v[w->nv];
  memset(c, 0, sizeof *c);
  int rc = mtm_form_load(w->st, s->form_id, s->version[0] ? s->version : NULL, &c->f, err);
  if (rc) return rc;
  c->t = mtm_ingest_form_new(c->f);
  c->form = s->form;
  c->form_id = mtm_arena_strdup(w->a, s->form_id);
  c->version = mtm_arena_strdup(w->a, s->version);
  c->q_slot = mtm_arena_alloc(w->a, sizeof(int) * (size_t)(c->f->nq + 1));
  for (int i = 0; i < c->f->nq; i++) c->q_slot[i] = -1;
  for (int k = 0; k < c->f->nfields; k++) {
    int qi = c->f->fields[k];
    if (c->f->q[qi].repeat < 0) c->q_slot[qi] = c->nslots++;
  }
  return w->nv++;
}

/* The working copy of a submission. */
static wsub *sub_of(work *w, const mtm_submission *s, int vc, mtm_err *err) {
  for (int i = 0; i < w->ns; i++)
    if (w->s[i].id == s->id) return &w->s[i];
  if (w->ns == w->caps) {
    w->caps = w->caps ? w->caps * 2 : 64;
    w->s = mtm_xrealloc(w->s, sizeof *w->s * (size_t)w->caps);
  }
  wsub *x = &w->s[w->ns];
  memset(x, 0, sizeof *x);
  x->id = s->id;
  x->vc = vc;
  x->removed = s->removed;
  int n = mtm_store_submission_values(s, w->a, &x->values, err);
  if (n < 0) return NULL;
  x->nvalues = n;
  if (n < w->v[vc].nslots) {
    char **g = mtm_arena_zalloc(w->a, sizeof *g * (size_t)w->v[vc].nslots);
    if (n) memcpy(g, x->values, sizeof *g * (size_t)n);
    x->values = g;
    x->nvalues = w->v[vc].nslots;
  }
  w->ns++;
  return x;
}

typedef struct {
  int sub;          /* index into work.s */
  const mtm_clean_row *row;
  mtm_clean_action action;
  const char *question; /* the question written to the log */
  const char *old_value, *new_value;
  long form;
  int round;
  const char *uuid;
} pending;

static void add_note(mtm_clean_report *r, mtm_arena *a, const char *fmt, ...) MTM_PRINTF(3, 4);
static void add_note(mtm_clean_report *r, mtm_arena *a, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char **g = mtm_arena_alloc(a, sizeof *g * (size_t)(r->nnotes + 1));
  if (r->nnotes) memcpy(g, r->notes, sizeof *g * (size_t)r->nnotes);
  g[r->nnotes++] = mtm_arena_strdup(a, buf);
  r->notes = g;
}

static void add_problem(mtm_clean_report *r, mtm_arena *a, const char *file,
                        const mtm_clean_row *row, const char *fmt, ...) MTM_PRINTF(5, 6);
static void add_problem(mtm_clean_report *r, mtm_arena *a, const char *file,
                        const mtm_clean_row *row, const char *fmt, ...) {
  mtm_err *g = mtm_arena_alloc(a, sizeof *g * (size_t)(r->nproblems + 1));
  if (r->nproblems) memcpy(g, r->problems, sizeof *g * (size_t)r->nproblems);
  mtm_err *e = &g[r->nproblems++];
  mtm_err_clear(e);
  mtm_err_where(e, file, NULL, row->row, NULL, row->question[0] ? row->question : NULL);
  va_list ap;
  va_start(ap, fmt);
  e->code = MTM_EINVAL;
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  r->problems = g;
}

/* Finds the question a log row names: its name, a path ending in it, or a
 * select_multiple option written "question.option" / "question/option". */
static int find_question(const mtm_form *f, const char *name, const char **option) {
  *option = NULL;
  int qi = mtm_form_question_index(f, name);
  if (qi >= 0) return qi;
  const char *sep = strrchr(name, '/');
  const char *dot = strrchr(name, '.');
  const char *cut = sep && (!dot || sep > dot) ? sep : dot;
  if (cut) {
    char base[256];
    snprintf(base, sizeof base, "%.*s", (int)(cut - name), name);
    /* base may itself be a path */
    const char *b = base;
    int bq = mtm_form_question_index(f, b);
    if (bq < 0 && strrchr(base, '/')) bq = mtm_form_question_index(f, strrchr(base, '/') + 1);
    if (bq >= 0 && f->q[bq].type == MTM_Q_SELECT_MULTIPLE && f->q[bq].list &&
        (mtm_form_choice(f->q[bq].list, cut + 1) || (f->q[bq].or_other && !strcmp(cut + 1, "other")))) {
      *option = cut + 1;
      return bq;
    }
    if (sep) return mtm_form_question_index(f, sep + 1);
  }
  return -1;
}

int mtm_clean_apply(mtm_store *st, const mtm_clean_log *log, const mtm_clean_opts *opts,
                    mtm_arena *a, mtm_clean_report *rep, mtm_err *err) {
  memset(rep, 0, sizeof *rep);
  work w = {st, a, NULL, 0, 0, NULL, 0, 0};
  pending *p = mtm_arena_alloc(a, sizeof *p * (size_t)(log->n + 1));
  int np = 0, rc = 0;
  long only_form = 0;
  if (opts->form_id) {
    mtm_store_formref fr;
    if ((rc = mtm_store_form_find(st, opts->form_id, a, &fr, err))) goto done;
    only_form = fr.id;
  }
  for (int i = 0; i < log->n; i++) {
    const mtm_clean_row *r = &log->rows[i];
    if (r->action == MTM_CLEAN_NONE) {
      rep->reviewed++;
      continue;
    }
    long form = only_form;
    int round = opts->round;
    if (!form && r->form[0]) {
      mtm_store_formref fr;
      mtm_err e2;
      mtm_err_clear(&e2);
      if (mtm_store_form_find(st, r->form, a, &fr, &e2)) {
        add_problem(rep, a, log->file, r, "uuid '%s': there is no form '%s' in the workspace",
                    r->uuid, r->form);
        continue;
      }
      form = fr.id;
    }
    if (round < 0 && r->round[0]) {
      long long x;
      if (mtm_parse_int(mtm_slice_c(r->round), &x) == 0) round = (int)x;
    }
    mtm_submission *subs;
    int ns;
    if ((rc = find_subs(st, r->uuid, form, round, a, &subs, &ns, err))) goto done;
    if (ns == 0) {
      if (opts->skip_unknown) {
        rep->skipped++;
        add_note(rep, a, "%s, row %ld: skipped, no submission has uuid '%s'", log->file, r->row,
                 r->uuid);
      } else
        add_problem(rep, a, log->file, r, "no submission has uuid '%s'%s", r->uuid,
                    form || round >= 0 ? " in that form and round" : "");
      continue;
    }
    if (ns > 1) {
      mtm_buf b;
      mtm_buf_init(&b);
      for (int k = 0; k < ns; k++)
        mtm_buf_printf(&b, "%sform '%s' round %d", k ? ", " : "", subs[k].form_id, subs[k].round);
      add_problem(rep, a, log->file, r, "uuid '%s' is in several places (%s): say which with --form and --round",
                  r->uuid, b.p);
      mtm_buf_free(&b);
      continue;
    }
    mtm_submission *s = &subs[0];
    int vc = version_of(&w, s, err);
    if (vc < 0) {
      rc = vc;
      goto done;
    }
    wsub *x = sub_of(&w, s, vc, err);
    if (!x) {
      rc = MTM_ESTORE;
      goto done;
    }
    pending pe = {(int)(x - w.s), r, r->action, "", NULL, NULL, s->form, s->round, s->uuid};
    if (r->action == MTM_CLEAN_REMOVE) {
      if (x->removed || x->remove) {
        rep->already++;
        add_note(rep, a, "%s, row %ld: submission '%s' was already removed", log->file, r->row,
                 r->uuid);
        continue;
      }
      x->remove = 1;
      p[np++] = pe;
      continue;
    }
    const mtm_form *f = w.v[vc].f;
    const char *option;
    int qi = find_question(f, r->question, &option);
    if (qi < 0) {
      if (opts->skip_unknown) {
        rep->skipped++;
        add_note(rep, a, "%s, row %ld: skipped, '%s' is not a question of form '%s'", log->file,
                 r->row, r->question, s->form_id);
      } else
        add_problem(rep, a, log->file, r, "uuid '%s': '%s' is not a question of form '%s'%s%s%s",
                    r->uuid, r->question, s->form_id, s->version[0] ? " version '" : "",
                    s->version, s->version[0] ? "'" : "");
      continue;
    }
    const mtm_question *q = &f->q[qi];
    int slot = w.v[vc].q_slot[qi];
    if (slot < 0) {
      add_problem(rep, a, log->file, r,
                  "uuid '%s': '%s' is inside the repeat; mtm cannot clean answers inside repeats yet",
                  r->uuid, q->name);
      continue;
    }
    const char *cur = x->values[slot];
    const char *want;
    if (option) {
      /* A select_multiple option column: 1 selected, 0 not. */
      int curflag = cur && has_token(cur, option);
      if (r->has_old) {
        int of = flag_value(r->old_value);
        if (of < 0 || of != curflag) {
          add_problem(rep, a, log->file, r,
                      "uuid '%s': old_value is '%s' but option '%s' of '%s' is currently %s; "
                      "nothing was applied",
                      r->uuid, r->old_value, option, q->name, curflag ? "selected (1)" : "not selected (0)");
          continue;
        }
      }
      int nf = r->action == MTM_CLEAN_BLANK ? 0 : flag_value(r->new_value);
      if (nf < 0) {
        add_problem(rep, a, log->file, r,
                    "uuid '%s': new_value '%s' for the option column '%s' must be 1 or 0",
                    r->uuid, r->new_value, r->question);
        continue;
      }
      if (nf == curflag) {
        rep->already++;
        add_note(rep, a, "%s, row %ld: '%s' of '%s' was already %d", log->file, r->row, option,
                 r->uuid, nf);
        continue;
      }
      want = set_token(q->list, cur, option, nf, a);
    } else {
      if (r->has_old && !same_value(w.v[vc].t, qi, cur, r->old_value, a)) {
        /* Already applied (the same log again, or a row repeated)? */
        const char *t;
        mtm_err why;
        int done_already =
            r->action == MTM_CLEAN_BLANK
                ? (!cur || !*cur)
                : (type_value(w.v[vc].t, qi, r->new_value, a, &t, &why) == 0 && t &&
                   cur && strcmp(t, cur) == 0);
        if (done_already) {
          rep->already++;
          add_note(rep, a, "%s, row %ld: '%s' of '%s' was already %s%s%s", log->file, r->row,
                   q->name, r->uuid, cur && *cur ? "'" : "", cur && *cur ? cur : "empty",
                   cur && *cur ? "'" : "");
          continue;
        }
        add_problem(rep, a, log->file, r,
                    "uuid '%s': old_value '%s' no longer matches the current clean value %s%s%s",
                    r->uuid, r->old_value, cur && *cur ? "'" : "", cur && *cur ? cur : "(empty)",
                    cur && *cur ? "'" : "");
        continue;
      }
      if (r->action == MTM_CLEAN_BLANK) want = NULL;
      else {
        mtm_err why;
        if (type_value(w.v[vc].t, qi, r->new_value, a, &want, &why)) {
          add_problem(rep, a, log->file, r, "uuid '%s': new_value %s", r->uuid, why.msg);
          continue;
        }
      }
      if ((!want && (!cur || !*cur)) || (want && cur && strcmp(want, cur) == 0)) {
        rep->already++;
        add_note(rep, a, "%s, row %ld: '%s' of '%s' was already %s%s%s", log->file, r->row,
                 q->name, r->uuid, want ? "'" : "", want ? want : "empty", want ? "'" : "");
        continue;
      }
    }
    pe.question = q->name;
    if (option) pe.question = r->question;
    pe.old_value = option ? (cur && has_token(cur, option) ? "1" : "0") : (cur ? cur : "");
    pe.new_value = option ? (has_token(want ? want : "", option) ? "1" : "0") : (want ? want : "");
    pe.action = want || option ? MTM_CLEAN_CHANGE : MTM_CLEAN_BLANK;
    x->values[slot] = (char *)want;
    x->dirty = 1;
    p[np++] = pe;
  }
  if (rep->nproblems) {
    if (err) *err = rep->problems[0];
    rc = MTM_EINVAL;
    goto done;
  }
  for (int i = 0; i < np; i++) {
    if (p[i].action == MTM_CLEAN_REMOVE) rep->removed++;
    else if (p[i].action == MTM_CLEAN_BLANK) rep->blanked++;
    else rep->changed++;
  }
  if (opts->dry_run || np == 0) goto done;
  /* Everything holds: write it all in one transaction. */
  const char *who = opts->by && *opts->by ? opts->by : getenv("USER");
  if (!who || !*who) who = "unknown";
  char at[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if ((rc = mtm_store_begin(st, err))) goto done;
  for (int i = 0; i < w.ns && !rc; i++) {
    wsub *x = &w.s[i];
    if (x->dirty) {
      mtm_buf b;
      mtm_buf_init(&b);
      for (int k = 0; k < x->nvalues; k++)
        mtm_record_add(&b, x->values[k], x->values[k] ? strlen(x->values[k]) : 0);
      rc = mtm_store_clean_set_data(st, x->id, b.p ? b.p : "", b.n, err);
      mtm_buf_free(&b);
    }
    if (!rc && x->remove) rc = mtm_store_clean_remove(st, x->id, err);
  }
  for (int i = 0; i < np && !rc; i++) {
    const mtm_clean_row *r = p[i].row;
    mtm_clean_entry e = {0};
    e.submission = w.s[p[i].sub].id;
    e.form = p[i].form;
    e.round = p[i].round;
    e.uuid = (char *)p[i].uuid;
    e.question = p[i].action == MTM_CLEAN_REMOVE ? NULL : (char *)p[i].question;
    e.old_value = (char *)p[i].old_value;
    e.new_value = (char *)p[i].new_value;
    e.action = (char *)mtm_clean_action_name(p[i].action);
    e.issue = r->issue[0] ? (char *)r->issue : NULL;
    e.reason = r->reason[0] ? (char *)r->reason : NULL;
    e.who = (char *)who;
    e.at = at;
    e.source = (char *)log->file;
    e.reported = r->reported[0] ? (char *)r->reported : NULL;
    e.enumerator = r->enumerator[0] ? (char *)r->enumerator : NULL;
    e.comment = r->comment[0] ? (char *)r->comment : NULL;
    e.response = r->response[0] ? (char *)r->response : NULL;
    rc = mtm_store_clean_log_add(st, &e, err);
  }
  if (rc) mtm_store_rollback(st);
  else rc = mtm_store_commit(st, err);
done:
  for (int i = 0; i < w.nv; i++) {
    mtm_ingest_form_free(w.v[i].t);
    mtm_form_free(w.v[i].f);
  }
  free(w.v);
  free(w.s);
  return rc;
}

/* ---- raw and clean ---- */

#include <jansson.h>

int mtm_clean_show(mtm_store *st, const char *form_id, int round, const char *uuid,
                   mtm_arena *a, mtm_clean_view *out, mtm_err *err) {
  memset(out, 0, sizeof *out);
  mtm_store_formref fr;
  int rc = mtm_store_form_find(st, form_id, a, &fr, err);
  if (rc) return rc;
  mtm_submission *subs;
  int ns;
  if ((rc = find_subs(st, uuid, fr.id, round, a, &subs, &ns, err))) return rc;
  if (ns == 0)
    return mtm_err_set(err, MTM_ENOTFOUND, "form '%s' has no submission with uuid '%s' in round %d",
                       form_id, uuid, round);
  mtm_submission *s = &subs[0];
  mtm_form *f = NULL;
  if ((rc = mtm_form_load_asked(st, form_id, s->version, &f, err))) return rc;
  char **clean = NULL, **raw = NULL;
  int nclean = mtm_record_decode(s->data, s->data_n, a, &clean);
  int nraw = s->raw_n ? mtm_record_decode(s->raw, s->raw_n, a, &raw) : 0;
  if (nclean < 0 || nraw < 0) {
    mtm_form_free(f);
    return mtm_err_set(err, MTM_ESTORE, "the values of submission %s are damaged", uuid);
  }
  char *headers = NULL, *mapping = NULL, *file = NULL;
  json_t *jh = NULL, *jm = NULL;
  if (s->import) {
    mtm_err e2;
    mtm_err_clear(&e2);
    if (mtm_store_import_mapping(st, s->import, a, &headers, &mapping, &file, &e2) == 0) {
      if (headers) jh = json_loads(headers, 0, NULL);
      if (mapping) jm = json_loads(mapping, 0, NULL);
    }
  }
  if ((rc = mtm_store_clean_log(st, 0, -1, s->id, a, &out->log, &out->nlog, err))) {
    json_decref(jh);
    json_decref(jm);
    mtm_form_free(f);
    return rc;
  }
  out->uuid = s->uuid;
  out->form_id = s->form_id;
  out->version = mtm_arena_strdup(a, f->version ? f->version : "");
  out->round = s->round;
  out->removed = s->removed;
  out->row = s->row;
  out->file = file ? file : "";
  out->fields = mtm_arena_zalloc(a, sizeof *out->fields * (size_t)(f->nfields + 1));
  int slot = 0;
  for (int k = 0; k < f->nfields; k++) {
    const mtm_question *q = &f->q[f->fields[k]];
    if (q->repeat >= 0) continue;
    mtm_clean_field *x = &out->fields[out->nfields++];
    x->question = mtm_arena_strdup(a, q->name);
    x->clean = slot < nclean ? clean[slot] : NULL;
    slot++;
    /* The raw cells of the columns mapped to this question. */
    mtm_buf rv, cols;
    mtm_buf_init(&rv);
    mtm_buf_init(&cols);
    size_t nh = jh && json_is_array(jh) ? json_array_size(jh) : 0;
    size_t qlen = strlen(q->name);
    for (int pass = 0; pass < 2; pass++) {
      const char *empty_col = NULL;
      for (size_t h = 0; h < nh; h++) {
        const char *hdr = json_string_value(json_array_get(jh, h));
        const char *to = hdr && jm ? json_string_value(json_object_get(jm, hdr)) : NULL;
        if (!to) continue;
        int main_col = strcmp(to, q->name) == 0;
        int opt_col = !main_col && strncmp(to, q->name, qlen) == 0 && to[qlen] == '/';
        if (pass == 0 ? !main_col : !opt_col) continue;
        const char *cell = (int)h < nraw && raw[h] ? raw[h] : NULL;
        /* A cell imported unchanged is kept once, as the value: the value
         * before the first cleaning change, else the value now. */
        if (!cell && main_col && q->type != MTM_Q_SELECT_MULTIPLE) {
          cell = x->clean;
          for (int l = 0; l < out->nlog; l++)
            if (out->log[l].question && strcmp(out->log[l].question, q->name) == 0) {
              cell = out->log[l].old_value;
              break;
            }
        }
        if (!cell) cell = "";
        if (pass == 1) {
          if (!*cell) continue;
          mtm_buf_printf(&rv, "%s%s=%s", rv.n ? " " : "", to + qlen + 1, cell);
        } else if (!*cell) {
          /* Two versions' columns for the question: the one answered. */
          if (!empty_col) empty_col = hdr;
          continue;
        } else mtm_buf_printf(&rv, "%s%s", rv.n ? " " : "", cell);
        mtm_buf_printf(&cols, "%s%s", cols.n ? ", " : "", hdr);
      }
      if (pass == 0 && !cols.n && empty_col) mtm_buf_adds(&cols, empty_col);
      if (rv.n || cols.n) break;
    }
    x->raw = mtm_arena_strdup(a, rv.p ? rv.p : "");
    x->column = mtm_arena_strdup(a, cols.p ? cols.p : "");
    mtm_buf_free(&rv);
    mtm_buf_free(&cols);
    /* Changed by cleaning: the value before its first change differs now. */
    for (int l = 0; l < out->nlog; l++) {
      const mtm_clean_entry *e = &out->log[l];
      if (!e->question || strncmp(e->question, q->name, qlen) != 0) continue;
      if (e->question[qlen] == '.' || e->question[qlen] == '/') {
        x->differs = 1; /* an option of a select_multiple was set or cleared */
        break;
      }
      if (e->question[qlen]) continue;
      const char *before = e->old_value ? e->old_value : "";
      x->differs = strcmp(before, x->clean ? x->clean : "") != 0;
      break;
    }
  }
  json_decref(jh);
  json_decref(jm);
  mtm_form_free(f);
  return 0;
}

void mtm_clean_show_text(mtm_buf *b, const mtm_clean_view *v) {
  mtm_buf_printf(b, "submission %s: form %s version %s, round %d", v->uuid, v->form_id,
                 v->version[0] ? v->version : "(none)", v->round);
  if (v->file[0]) mtm_buf_printf(b, ", row %ld of %s", v->row, v->file);
  mtm_buf_printf(b, "%s\n", v->removed ? " (removed)" : "");
  int wq = 8, wr = 3;
  for (int i = 0; i < v->nfields; i++) {
    if (mtm_text_width(v->fields[i].question) > wq) wq = mtm_text_width(v->fields[i].question);
    if (mtm_text_width(v->fields[i].raw) > wr) wr = mtm_text_width(v->fields[i].raw);
  }
  if (wr > 40) wr = 40;
  mtm_buf_adds(b, "  ");
  mtm_buf_add_padded(b, "question", wq + 2);
  mtm_buf_add_padded(b, "raw", wr + 2);
  mtm_buf_adds(b, "clean\n");
  for (int i = 0; i < v->nfields; i++) {
    const mtm_clean_field *x = &v->fields[i];
    mtm_buf_adds(b, x->differs ? "* " : "  ");
    mtm_buf_add_padded(b, x->question, wq + 2);
    mtm_buf_add_padded(b, x->raw[0] ? x->raw : "-", wr + 2);
    mtm_buf_printf(b, "%s\n", x->clean ? (x->clean[0] ? x->clean : "\"\"") : "-");
  }
  if (!v->nlog) {
    mtm_buf_adds(b, "cleaning log: no entries\n");
    return;
  }
  mtm_buf_printf(b, "cleaning log: %d entr%s\n", v->nlog, v->nlog == 1 ? "y" : "ies");
  for (int i = 0; i < v->nlog; i++) {
    const mtm_clean_entry *e = &v->log[i];
    mtm_buf_printf(b, "  %s %s %s", e->at ? e->at : "", e->who ? e->who : "", e->action);
    if (e->question) mtm_buf_printf(b, " %s: '%s' -> '%s'", e->question, e->old_value ? e->old_value : "",
                                    e->new_value ? e->new_value : "");
    if (e->reason) mtm_buf_printf(b, " (%s)", e->reason);
    if (e->source) mtm_buf_printf(b, " [%s]", e->source);
    mtm_buf_addc(b, '\n');
  }
}

void mtm_clean_show_csv(mtm_buf *b, const mtm_clean_view *v) {
  mtm_buf_adds(b, "uuid,question,column,raw,clean,changed\n");
  for (int i = 0; i < v->nfields; i++) {
    const mtm_clean_field *x = &v->fields[i];
    const char *cells[] = {v->uuid, x->question, x->column, x->raw, x->clean,
                           x->differs ? "1" : "0"};
    mtm_buf_add_csv_row(b, 6, cells);
  }
}
