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
  int *q_rslot; /* question index -> slot in its repeat row's data blob */
  int *rep_nf;  /* per begin_repeat: the number of fields of its rows */
} vcache;

/* The working copy of a submission's repeat rows, read on first need. */
typedef struct {
  mtm_repeat_row *rows;
  int n;
  char ***values; /* per row: its clean values (grown to the repeat's fields) */
  int *nvalues;
  char *dirty;
} wrows;

typedef struct {
  long id;
  int vc;         /* index into the version cache */
  char **values;  /* working copy */
  int nvalues;
  int dirty, remove, removed;
  wrows *reps;    /* NULL until an answer inside a repeat is cleaned */
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
  c->q_rslot = mtm_arena_alloc(w->a, sizeof(int) * (size_t)(c->f->nq + 1));
  c->rep_nf = mtm_arena_zalloc(w->a, sizeof(int) * (size_t)(c->f->nq + 1));
  for (int i = 0; i < c->f->nq; i++) c->q_rslot[i] = -1;
  for (int k = 0; k < c->f->nfields; k++) {
    int qi = c->f->fields[k], r = c->f->q[qi].repeat;
    if (r < 0) c->q_slot[qi] = c->nslots++;
    else c->q_rslot[qi] = c->rep_nf[r]++;
  }
  return w->nv++;
}

/* The repeat rows of submission x, read and decoded once. */
static wrows *rows_of(work *w, wsub *x, mtm_err *err) {
  if (x->reps) return x->reps;
  wrows *r = mtm_arena_zalloc(w->a, sizeof *r);
  if (mtm_store_repeat_rows(w->st, x->id, w->a, &r->rows, &r->n, err)) return NULL;
  r->values = mtm_arena_zalloc(w->a, sizeof *r->values * (size_t)(r->n + 1));
  r->nvalues = mtm_arena_zalloc(w->a, sizeof(int) * (size_t)(r->n + 1));
  r->dirty = mtm_arena_zalloc(w->a, (size_t)r->n + 1);
  for (int k = 0; k < r->n; k++) {
    r->nvalues[k] = mtm_record_decode(r->rows[k].data, r->rows[k].data_n, w->a, &r->values[k]);
    if (r->nvalues[k] < 0) {
      mtm_err_set(err, MTM_ESTORE, "the values of instance %d of repeat '%s' are damaged",
                  r->rows[k].position, r->rows[k].repeat);
      return NULL;
    }
  }
  x->reps = r;
  return r;
}

/* The raw cell named header in a repeat row's raw record (header, value,
 * header, value, ...), or NULL. */
static const char *raw_cell(const mtm_repeat_row *row, const char *header, mtm_arena *a) {
  char **raw = NULL;
  int n = row->raw ? mtm_record_decode(row->raw, row->raw_n, a, &raw) : 0;
  for (int i = 0; i + 1 < n; i += 2)
    if (raw[i] && strcmp(raw[i], header) == 0) return raw[i + 1] ? raw[i + 1] : "";
  return NULL;
}

/* Splits a question written "members[2]/age" (KoBoCAT's wide repeat
 * columns; a group path may come first) into the repeat ("members"), the
 * instance (2) and the question path without the index ("members/age").
 * Returns 0 when there is no index, 1 when split, -1 when there are
 * several (nested repeats, whose instances a log names by position). */
static int split_indexed(const char *q, mtm_arena *a, const char **repeat, int *inst,
                         const char **path) {
  const char *open = strchr(q, '[');
  if (!open) return 0;
  if (strchr(open + 1, '[')) return -1;
  const char *close = strchr(open, ']');
  long long n;
  if (!close || mtm_parse_int((mtm_slice){open + 1, (size_t)(close - open - 1)}, &n) || n < 1 ||
      n > 1000000)
    return -1;
  const char *start = open;
  while (start > q && start[-1] != '/') start--;
  *repeat = mtm_arena_strndup(a, start, (size_t)(open - start));
  *inst = (int)n;
  *path = mtm_arena_printf(a, "%.*s%s", (int)(open - q), q, close + 1);
  return 1;
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
  int instance;         /* the repeat instance, 0 outside repeats */
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
    pending pe = {(int)(x - w.s), r, r->action, "", NULL, NULL, s->form, s->round, s->uuid, 0};
    if (r->action == MTM_CLEAN_REMOVE && r->instance[0]) {
      add_problem(rep, a, log->file, r,
                  "uuid '%s': a row that removes names the submission, not instance %s of a "
                  "repeat; to empty an instance's answers, blank them one by one",
                  r->uuid, r->instance);
      continue;
    }
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
    const char *qname = r->question, *brep = NULL;
    int binst = 0;
    int split = split_indexed(r->question, a, &brep, &binst, &qname);
    if (split < 0) {
      add_problem(rep, a, log->file, r,
                  "uuid '%s': cannot read the instance in '%s': write one index, as in "
                  "members[2]/age, or name the question and give the instance in an instance "
                  "column",
                  r->uuid, r->question);
      continue;
    }
    int qi = find_question(f, qname, &option);
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
    char **cellp; /* the working value this row changes */
    wrows *wr = NULL;
    int wrk = -1;
    if (q->repeat < 0) {
      if (slot < 0) {
        add_problem(rep, a, log->file, r, "uuid '%s': '%s' holds no answer", r->uuid, q->name);
        continue;
      }
      if (split || r->instance[0]) {
        add_problem(rep, a, log->file, r,
                    "uuid '%s': '%s' is not inside a repeat, so the row names no instance",
                    r->uuid, q->name);
        continue;
      }
      cellp = &x->values[slot];
    } else {
      /* An answer inside a repeat: find its instance. */
      const char *rname = f->q[q->repeat].name;
      int inst = binst;
      if (split && strcmp(brep, rname) != 0) {
        add_problem(rep, a, log->file, r, "uuid '%s': '%s' is inside repeat '%s', not '%s'",
                    r->uuid, q->name, rname, brep);
        continue;
      }
      if (r->repeat[0] && strcmp(r->repeat, rname) != 0) {
        add_problem(rep, a, log->file, r, "uuid '%s': '%s' is inside repeat '%s', not '%s'",
                    r->uuid, q->name, rname, r->repeat);
        continue;
      }
      if (r->instance[0]) {
        long long n;
        if (mtm_parse_int(mtm_slice_c(r->instance), &n) || n < 1 || n > 1000000) {
          add_problem(rep, a, log->file, r,
                      "uuid '%s': instance '%s' is not a position (1 for the first instance)",
                      r->uuid, r->instance);
          continue;
        }
        if (inst && inst != (int)n) {
          add_problem(rep, a, log->file, r,
                      "uuid '%s': the question names instance %d but the instance column %lld",
                      r->uuid, inst, n);
          continue;
        }
        inst = (int)n;
      }
      if (!(wr = rows_of(&w, x, err))) {
        rc = MTM_ESTORE;
        goto done;
      }
      if (!inst && r->loop_index[0]) {
        /* REACH's loop_index: the instance's _index in the repeat sheet. */
        int have = 0;
        for (int k = 0; k < wr->n && !inst; k++) {
          if (strcmp(wr->rows[k].repeat, rname) != 0) continue;
          const char *ix = raw_cell(&wr->rows[k], "_index", a);
          if (!ix) continue;
          have = 1;
          if (strcmp(ix, r->loop_index) == 0) inst = wr->rows[k].position;
        }
        if (!inst) {
          add_problem(rep, a, log->file, r,
                      have ? "uuid '%s': no instance of repeat '%s' has _index %s"
                           : "uuid '%s': the instances of repeat '%s' have no _index column to "
                             "match loop_index %s; name the instance (1 for the first) in an "
                             "instance column",
                      r->uuid, rname, r->loop_index);
          continue;
        }
      }
      if (!inst) {
        add_problem(rep, a, log->file, r,
                    "uuid '%s': '%s' is inside repeat '%s'; say which instance: an instance "
                    "column (1 for the first, as 'mtm check' reports it), a loop_index column "
                    "(the repeat sheet's _index), or the question written %s[N]/%s",
                    r->uuid, q->name, rname, rname, q->name);
        continue;
      }
      for (int k = 0; k < wr->n && wrk < 0; k++)
        if (wr->rows[k].position == inst && strcmp(wr->rows[k].repeat, rname) == 0) wrk = k;
      if (wrk < 0) {
        int have = 0;
        for (int k = 0; k < wr->n; k++) have += strcmp(wr->rows[k].repeat, rname) == 0;
        add_problem(rep, a, log->file, r,
                    "uuid '%s': there is no instance %d of repeat '%s' (the submission has %d)",
                    r->uuid, inst, rname, have);
        continue;
      }
      int need = w.v[vc].rep_nf[q->repeat], rs = w.v[vc].q_rslot[qi];
      if (wr->nvalues[wrk] < need) {
        char **g = mtm_arena_zalloc(a, sizeof *g * (size_t)need);
        if (wr->nvalues[wrk] > 0) memcpy(g, wr->values[wrk], sizeof *g * (size_t)wr->nvalues[wrk]);
        wr->values[wrk] = g;
        wr->nvalues[wrk] = need;
      }
      cellp = &wr->values[wrk][rs];
      pe.instance = inst;
    }
    const char *cur = *cellp;
    const char *shown =
        wr ? mtm_arena_printf(a, "%s[%d]/%s", f->q[q->repeat].name, pe.instance, q->name)
           : q->name;
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
                      r->uuid, r->old_value, option, shown, curflag ? "selected (1)" : "not selected (0)");
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
                   shown, r->uuid, cur && *cur ? "'" : "", cur && *cur ? cur : "empty",
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
                 shown, r->uuid, want ? "'" : "", want ? want : "empty", want ? "'" : "");
        continue;
      }
    }
    pe.question = q->name;
    if (option) pe.question = r->question;
    pe.old_value = option ? (cur && has_token(cur, option) ? "1" : "0") : (cur ? cur : "");
    pe.new_value = option ? (has_token(want ? want : "", option) ? "1" : "0") : (want ? want : "");
    pe.action = want || option ? MTM_CLEAN_CHANGE : MTM_CLEAN_BLANK;
    *cellp = (char *)want;
    if (wr) wr->dirty[wrk] = 1;
    else x->dirty = 1;
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
    for (int k = 0; !rc && x->reps && k < x->reps->n; k++) {
      if (!x->reps->dirty[k]) continue;
      mtm_buf b;
      mtm_buf_init(&b);
      for (int j = 0; j < x->reps->nvalues[k]; j++) {
        const char *v = x->reps->values[k][j];
        mtm_record_add(&b, v, v ? strlen(v) : 0);
      }
      rc = mtm_store_clean_set_repeat_data(st, x->reps->rows[k].id, b.p ? b.p : "", b.n, err);
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
    e.instance = p[i].instance;
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
  mtm_repeat_row *rr = NULL;
  int nrr = 0;
  if ((rc = mtm_store_repeat_rows(st, s->id, a, &rr, &nrr, err))) {
    json_decref(jh);
    json_decref(jm);
    mtm_form_free(f);
    return rc;
  }
  int nrf = 0; /* at most every repeat field in every row */
  for (int k = 0; k < f->nfields; k++)
    if (f->q[f->fields[k]].repeat >= 0) nrf += nrr;
  out->fields = mtm_arena_zalloc(a, sizeof *out->fields * (size_t)(f->nfields + nrf + 1));
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
            if (!out->log[l].instance && out->log[l].question &&
                strcmp(out->log[l].question, q->name) == 0) {
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
      if (e->instance || !e->question || strncmp(e->question, q->name, qlen) != 0) continue;
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
  /* The repeat instances: each field with the cells of the row's own raw
   * record (header, value pairs, kept as the file had them). */
  for (int k = 0; k < nrr; k++) {
    int rq = mtm_form_question_index(f, rr[k].repeat);
    if (rq < 0 || f->q[rq].type != MTM_Q_BEGIN_REPEAT) continue;
    char **cv = NULL, **rraw = NULL;
    int ncv = mtm_record_decode(rr[k].data, rr[k].data_n, a, &cv);
    int nrraw = rr[k].raw ? mtm_record_decode(rr[k].raw, rr[k].raw_n, a, &rraw) : 0;
    int rslot = 0;
    for (int j = 0; j < f->nfields; j++) {
      const mtm_question *q = &f->q[f->fields[j]];
      if (q->repeat != rq) continue;
      mtm_clean_field *x = &out->fields[out->nfields++];
      x->question = mtm_arena_printf(a, "%s[%d]/%s", rr[k].repeat, rr[k].position, q->name);
      x->instance = rr[k].position;
      x->clean = rslot < ncv ? cv[rslot] : NULL;
      rslot++;
      size_t qlen = strlen(q->name);
      mtm_buf rv, cols;
      mtm_buf_init(&rv);
      mtm_buf_init(&cols);
      for (int h = 0; h + 1 < nrraw; h += 2) {
        const char *hdr = rraw[h], *cell = rraw[h + 1] ? rraw[h + 1] : "";
        if (!hdr) continue;
        size_t hl = strlen(hdr);
        int is = hl >= qlen && strcmp(hdr + hl - qlen, q->name) == 0 &&
                 (hl == qlen || hdr[hl - qlen - 1] == '/' || hdr[hl - qlen - 1] == '.');
        if (!is) continue;
        mtm_buf_printf(&rv, "%s%s", rv.n ? " " : "", cell);
        mtm_buf_printf(&cols, "%s%s", cols.n ? ", " : "", hdr);
      }
      x->raw = mtm_arena_strdup(a, rv.p ? rv.p : "");
      x->column = mtm_arena_strdup(a, cols.p ? cols.p : "");
      mtm_buf_free(&rv);
      mtm_buf_free(&cols);
      for (int l = 0; l < out->nlog; l++) {
        const mtm_clean_entry *e = &out->log[l];
        if (e->instance != rr[k].position || !e->question ||
            strncmp(e->question, q->name, qlen) != 0 ||
            (e->question[qlen] && e->question[qlen] != '.' && e->question[qlen] != '/'))
          continue;
        if (e->question[qlen]) {
          x->differs = 1;
          break;
        }
        x->differs = strcmp(e->old_value ? e->old_value : "", x->clean ? x->clean : "") != 0;
        break;
      }
    }
  }
  /* Log entries inside a repeat name their instance as the fields do. */
  for (int l = 0; l < out->nlog; l++) {
    mtm_clean_entry *e = &out->log[l];
    const mtm_question *q = e->instance && e->question ? mtm_form_question(f, e->question) : NULL;
    if (q && q->repeat >= 0)
      e->question =
          mtm_arena_printf(a, "%s[%d]/%s", f->q[q->repeat].name, e->instance, e->question);
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
