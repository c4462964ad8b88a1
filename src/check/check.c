/* The check run: per-submission rules while the submissions stream in,
 * cross-submission rules (outlier, identical answers, ki_disagreement) at
 * the end. */
#include "check/check.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- growing arrays ---- */

#define PUSH(arr, n, cap, v)                                                                   \
  do {                                                                                         \
    if ((n) == (cap)) {                                                                        \
      (cap) = (cap) ? (cap) * 2 : 64;                                                          \
      (arr) = mtm_xrealloc((arr), sizeof *(arr) * (size_t)(cap));                              \
    }                                                                                          \
    (arr)[(n)++] = (v);                                                                        \
  } while (0)

/* ---- the run ---- */

typedef struct {
  int order;   /* submission position */
  double v;
  int group;   /* outliers-by group id, -1 none */
} numval;

typedef struct {
  const char *name; /* question name (from a form) */
  int pos;          /* first position seen, for sorting */
  int numeric;
  numval *vals;
  int nvals, capvals;
  int area;         /* an area question in some version */
  int maxlevel;     /* deepest P-code level its values resolved to, -1 none */
  const char **locs; /* per order: the area value (area questions only) */
  int caplocs;
} gq;

typedef struct {
  mtm_form *f;
  int nslots;
  int *slot_q;        /* slot -> question index */
  int *q_slot;        /* question index -> slot, -1 */
  int *slot_g;        /* slot -> global question id */
  mtm_expr **required; /* per question: a 'required' expression, or NULL */
  char *req_const;    /* per question: required is literally true */
  char *absent;       /* per question: no imported file had a column for it */
  char *area;         /* per question: an area question */
  char *hashed;       /* per slot: counts for identical answers */
  const char **hnames; /* per slot: its name (for the hash) */
  int start_slot, end_slot, by_slot, loc_slot;
  mtm_strmap names;   /* question name -> question index */
  int lang;
  /* Repeats: per question, its slot in the record of its innermost repeat
   * (-1 outside repeats); per begin_repeat, its fields in record order. */
  int *q_rslot;
  int *rep_nf;
  int **rep_fq;
  char *outer;        /* per question: a rule names a question of an
                         enclosing repeat (nested repeats) */
} version;

typedef struct {
  mtm_criterion c;
  mtm_expr *e;
  const char **refs;
  int nrefs;
} criterion;

typedef struct {
  long id;
  const char *uuid;
  uint64_t h1, h2;
  int answered;
} subinfo;

struct mtm_check {
  mtm_arena keep;      /* findings, uuids, interned values: lives with the run */
  mtm_check_opts o;
  int nv;
  version *v;
  int ncrit;
  criterion *crit;
  gq *g;
  int ng, capg;
  mtm_strmap gmap;
  mtm_strmap strs;     /* interned answers (outliers-by groups, locations) -> id */
  const char **strv;
  int nstrv, capstrv;
  subinfo *subs;
  int nsubs, capsubs;
  int ids_sorted;      /* submissions were added in increasing id order */
  mtm_finding *f;
  int nf, capf;
  const char **notes;
  int nnotes, capnotes;
  int finished;
  int absent_noted;    /* the note on questions no file had was written */
};

/* Records a note once. */
static void note(mtm_check *c, const char *fmt, ...) MTM_PRINTF(2, 3);
static void note(mtm_check *c, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  for (int i = 0; i < c->nnotes; i++)
    if (strcmp(c->notes[i], buf) == 0) return;
  PUSH(c->notes, c->nnotes, c->capnotes, mtm_arena_strdup(&c->keep, buf));
}

static int rule_rank(const char *rule) {
  static const char *const order[] = {"type", "duplicate", "required", "constraint", "choice",
                                      "area", "inclusion", "relevance", "outlier", "duration",
                                      "ki_disagreement", NULL};
  for (int i = 0; order[i]; i++)
    if (strcmp(order[i], rule) == 0) return i;
  return 99;
}

/* Adds a finding inside repeat instance (repeat, instance), or outside
 * repeats when repeat is NULL; the strings are copied. */
static void add_finding_in(mtm_check *c, int order, int field, const char *question,
                           const char *value, const char *rule, mtm_severity sev,
                           const char *msg, const char *repeat, int instance) {
  mtm_finding f = {0};
  if (repeat && instance > 0) {
    f.repeat = mtm_arena_strdup(&c->keep, repeat);
    f.instance = instance;
    int g = mtm_strmap_get(&c->gmap, repeat);
    f.repeat_order = g >= 0 ? c->g[g].pos : 0;
  }
  f.submission = order >= 0 && order < c->nsubs ? c->subs[order].id : 0;
  f.uuid = order >= 0 && order < c->nsubs ? c->subs[order].uuid : "";
  f.question = mtm_arena_strdup(&c->keep, question ? question : "");
  f.value = mtm_arena_strdup(&c->keep, value ? value : "");
  f.rule = rule;
  f.severity = sev;
  f.message = mtm_arena_strdup(&c->keep, msg);
  f.order = order;
  f.field = field;
  PUSH(c->f, c->nf, c->capf, f);
}

/* Adds a finding outside repeats. */
static void add_finding(mtm_check *c, int order, int field, const char *question,
                        const char *value, const char *rule, mtm_severity sev, const char *msg) {
  add_finding_in(c, order, field, question, value, rule, sev, msg, NULL, 0);
}

/* The id of an interned string (copied on first sight). */
static int intern(mtm_check *c, const char *s) {
  int id = mtm_strmap_get(&c->strs, s);
  if (id >= 0) return id;
  const char *k = mtm_arena_strdup(&c->keep, s);
  PUSH(c->strv, c->nstrv, c->capstrv, k);
  return mtm_strmap_put(&c->strs, k, c->nstrv - 1);
}

/* The global id of a question name, created on first sight. */
static int gid_of(mtm_check *c, const char *name) {
  int g = mtm_strmap_get(&c->gmap, name);
  if (g >= 0) return g;
  gq z = {0};
  z.name = mtm_arena_strdup(&c->keep, name);
  z.pos = c->ng;
  z.maxlevel = -1;
  PUSH(c->g, c->ng, c->capg, z);
  mtm_strmap_put(&c->gmap, c->g[c->ng - 1].name, c->ng - 1);
  return c->ng - 1;
}

static int is_false_word(const char *s) {
  static const char *const w[] = {"", "no", "false", "false()", "0", NULL};
  for (int i = 0; w[i]; i++)
    if (mtm_strcasecmp(s, w[i]) == 0) return 1;
  return 0;
}

static int is_true_word(const char *s) {
  static const char *const w[] = {"yes", "true", "true()", "1", NULL};
  for (int i = 0; w[i]; i++)
    if (mtm_strcasecmp(s, w[i]) == 0) return 1;
  return 0;
}

/* 1 when a question name says it holds an administrative area. */
static int area_name(const char *name) {
  static const char *const words[] = {"region", "oblast", "rayon", "district", "province",
                                      "governorate", NULL};
  char tok[64];
  int has = 0, other = 0;
  const char *p = name;
  while (*p) {
    size_t k = 0;
    while (*p && *p != '_' && *p != '.' && *p != '-') {
      if (k + 1 < sizeof tok) tok[k++] = (char)tolower((unsigned char)*p);
      p++;
    }
    tok[k] = 0;
    if (*p) p++;
    if (!k) continue;
    if (strcmp(tok, "other") == 0 || strcmp(tok, "specify") == 0) other = 1;
    for (int i = 0; words[i]; i++)
      if (strcmp(tok, words[i]) == 0) has = 1;
    if ((strncmp(tok, "admin", 5) == 0 && tok[5] >= '0' && tok[5] <= '4' && !tok[6]) ||
        (strncmp(tok, "adm", 3) == 0 && tok[3] >= '0' && tok[3] <= '4' && !tok[4]))
      has = 1;
  }
  return has && !other;
}

/* Decides whether question q holds administrative areas. */
static int is_area_question(const mtm_check *c, const mtm_question *q, mtm_arena *scratch) {
  if (q->type != MTM_Q_SELECT_ONE && q->type != MTM_Q_TEXT) return 0;
  if (mtm_hxl_admin(q->hxl) || mtm_hxl_has(q->hxl, "adm0", NULL)) return 1;
  if (area_name(q->name)) return 1;
  if (q->type == MTM_Q_SELECT_ONE && q->list && q->list->n > 0 && c->o.area) {
    /* A list whose first choice names are P-codes of the gazetteer. */
    int tried = 0, pcodes = 0;
    for (int i = 0; i < q->list->n && tried < 5; i++, tried++) {
      const char *cand = NULL;
      int level = -1;
      if (c->o.area(c->o.area_ctx, q->list->choices[i].name, scratch, &cand, &level) ==
              MTM_AREA_FOUND &&
          level >= 0)
        pcodes++;
    }
    return tried && pcodes * 2 > tried;
  }
  return 0;
}

/* What outer_ref looks for: a reference to a question of repeat `from`
 * or of a repeat enclosing it. */
typedef struct {
  const mtm_form *f;
  int from;
  int found;
} outer_ctx;

/* Sets found when name is a question of an enclosing repeat. */
static void outer_ref(void *ctx, const char *name) {
  outer_ctx *o = ctx;
  const mtm_question *q = mtm_form_question(o->f, name);
  if (!q || q->repeat < 0) return;
  for (int r = o->from; r >= 0; r = o->f->q[r].repeat)
    if (q->repeat == r) o->found = 1;
}

/* Ingest stores one value per field outside repeats; questions inside a
 * repeat live in repeat_rows. */
static int prepare_version(mtm_check *c, version *v, mtm_form *f, mtm_err *err) {
  mtm_arena scratch;
  mtm_arena_init(&scratch);
  v->f = f;
  v->slot_q = mtm_arena_alloc(&c->keep, sizeof(int) * (size_t)(f->nfields + 1));
  v->q_slot = mtm_arena_alloc(&c->keep, sizeof(int) * (size_t)(f->nq + 1));
  v->required = mtm_arena_zalloc(&c->keep, sizeof(mtm_expr *) * (size_t)(f->nq + 1));
  v->req_const = mtm_arena_zalloc(&c->keep, (size_t)f->nq + 1);
  v->area = mtm_arena_zalloc(&c->keep, (size_t)f->nq + 1);
  v->absent = mtm_arena_zalloc(&c->keep, (size_t)f->nq + 1);
  for (int i = 0; i < f->nq; i++) v->q_slot[i] = -1;
  if (c->o.nexported > 0)
    for (int i = 0; i < f->nq; i++) {
      const char *name = f->q[i].name;
      int found = !name || !name[0];
      for (int k = 0; k < c->o.nexported && !found; k++) found = !strcmp(c->o.exported[k], name);
      v->absent[i] = (char)!found;
    }
  v->nslots = 0;
  for (int k = 0; k < f->nfields; k++) {
    int qi = f->fields[k];
    if (f->q[qi].repeat >= 0) continue;
    v->q_slot[qi] = v->nslots;
    v->slot_q[v->nslots++] = qi;
  }
  v->q_rslot = mtm_arena_alloc(&c->keep, sizeof(int) * (size_t)(f->nq + 1));
  v->rep_nf = mtm_arena_zalloc(&c->keep, sizeof(int) * (size_t)(f->nq + 1));
  v->rep_fq = mtm_arena_zalloc(&c->keep, sizeof(int *) * (size_t)(f->nq + 1));
  v->outer = mtm_arena_zalloc(&c->keep, (size_t)f->nq + 1);
  for (int i = 0; i < f->nq; i++) v->q_rslot[i] = -1;
  v->slot_g = mtm_arena_alloc(&c->keep, sizeof(int) * (size_t)(v->nslots + 1));
  v->hashed = mtm_arena_zalloc(&c->keep, (size_t)v->nslots + 1);
  v->hnames = mtm_arena_alloc(&c->keep, sizeof(char *) * (size_t)(v->nslots + 1));
  v->start_slot = v->end_slot = v->by_slot = v->loc_slot = -1;
  mtm_strmap_init(&v->names, &c->keep, (size_t)f->nq);
  for (int i = 0; i < f->nq; i++)
    if (f->q[i].name && f->q[i].name[0]) mtm_strmap_put(&v->names, f->q[i].name, i);
  v->lang = c->o.lang;
  if (v->lang < 0) {
    v->lang = f->default_language && f->default_language[0]
                  ? mtm_form_lang(f, f->default_language)
                  : 0;
    if (v->lang < 0) v->lang = 0;
  }
  for (int s = 0; s < v->nslots; s++) {
    const mtm_question *q = &f->q[v->slot_q[s]];
    v->slot_g[s] = gid_of(c, q->name);
    gq *g = &c->g[v->slot_g[s]];
    v->hnames[s] = g->name;
    v->hashed[s] = q->type != MTM_Q_META && q->type != MTM_Q_CALCULATE &&
                   q->type != MTM_Q_NOTE && q->type != MTM_Q_HIDDEN;
    if (q->type == MTM_Q_INTEGER || q->type == MTM_Q_DECIMAL) g->numeric = 1;
    if (q->type == MTM_Q_META && q->meta) {
      if (strcmp(q->meta, "start") == 0) v->start_slot = s;
      else if (strcmp(q->meta, "end") == 0) v->end_slot = s;
    }
    if (c->o.outliers_by && strcmp(q->name, c->o.outliers_by) == 0) v->by_slot = s;
    if (c->o.location && strcmp(q->name, c->o.location) == 0) v->loc_slot = s;
    if (is_area_question(c, q, &scratch)) {
      v->area[v->slot_q[s]] = 1;
      g->area = 1;
    }
  }
  /* The fields of each repeat, in the order repeat_rows.data holds them;
   * they get a global id after the questions outside repeats, so that
   * findings sort by form order within an instance. */
  for (int k = 0; k < f->nfields; k++) {
    int qi = f->fields[k], r = f->q[qi].repeat;
    if (r < 0 || r >= f->nq) continue;
    if (!v->rep_fq[r]) {
      v->rep_fq[r] = mtm_arena_alloc(&c->keep, sizeof(int) * (size_t)f->nfields);
      gid_of(c, f->q[r].name); /* the repeat's place among the questions */
    }
    v->q_rslot[qi] = v->rep_nf[r];
    v->rep_fq[r][v->rep_nf[r]++] = qi;
    gid_of(c, f->q[qi].name);
  }
  for (int i = 0; i < f->nq; i++) {
    const mtm_question *q = &f->q[i];
    if (q->required) v->req_const[i] = 1;
    else if (q->required_src && !is_false_word(q->required_src)) {
      if (is_true_word(q->required_src)) {
        v->req_const[i] = 1;
        continue;
      }
      mtm_err pe;
      mtm_err_clear(&pe);
      if (mtm_expr_parse(&c->keep, q->required_src, &v->required[i], &pe)) {
        mtm_err_where(err, f->file_name, "survey", q->row, "required", q->name);
        mtm_arena_free(&scratch);
        return mtm_err_set(err, MTM_EINVAL, "cannot read the expression '%s': %s",
                           q->required_src, pe.msg);
      }
    }
  }
  /* Nested repeats: the rules that name a question of an enclosing repeat. */
  for (int i = 0; i < f->nq; i++) {
    const mtm_question *q = &f->q[i];
    int own = q->type == MTM_Q_BEGIN_REPEAT ? i : q->repeat;
    if (own < 0 || f->q[own].repeat < 0) continue;
    outer_ctx oc = {f, f->q[own].repeat, 0};
    if (q->relevant) mtm_expr_refs(q->relevant, outer_ref, &oc);
    if (q->constraint) mtm_expr_refs(q->constraint, outer_ref, &oc);
    if (v->required[i]) mtm_expr_refs(v->required[i], outer_ref, &oc);
    v->outer[i] = (char)oc.found;
  }
  mtm_arena_free(&scratch);
  return 0;
}

static void collect_ref(void *ctx, const char *name) {
  criterion *cr = ctx;
  for (int i = 0; i < cr->nrefs; i++)
    if (strcmp(cr->refs[i], name) == 0) return;
  if (cr->nrefs < 16) cr->refs[cr->nrefs++] = name;
}

int mtm_check_new(mtm_check **out, mtm_form *const *forms, int nforms,
                  const mtm_criterion *criteria, int ncriteria, const mtm_check_opts *opts,
                  mtm_err *err) {
  *out = NULL;
  mtm_check *c = mtm_xcalloc(1, sizeof *c);
  mtm_arena_init(&c->keep);
  if (opts) c->o = *opts;
  else c->o.lang = -1;
  if (c->o.min_duration <= 0) c->o.min_duration = 10;
  if (c->o.disagreement <= 0) c->o.disagreement = 2;
  if (c->o.outliers_by) c->o.outliers_by = mtm_arena_strdup(&c->keep, c->o.outliers_by);
  if (c->o.location) c->o.location = mtm_arena_strdup(&c->keep, c->o.location);
  mtm_strmap_init(&c->gmap, &c->keep, 256);
  mtm_strmap_init(&c->strs, &c->keep, 64);
  c->ids_sorted = 1;
  c->nv = nforms;
  c->v = mtm_arena_zalloc(&c->keep, sizeof *c->v * (size_t)(nforms + 1));
  for (int i = 0; i < nforms; i++)
    if (prepare_version(c, &c->v[i], forms[i], err)) {
      mtm_check_free(c);
      return MTM_EINVAL;
    }
  c->ncrit = ncriteria;
  c->crit = mtm_arena_zalloc(&c->keep, sizeof *c->crit * (size_t)(ncriteria + 1));
  for (int i = 0; i < ncriteria; i++) {
    criterion *cr = &c->crit[i];
    cr->c.id = criteria[i].id;
    cr->c.expr = mtm_arena_strdup(&c->keep, criteria[i].expr);
    cr->c.label = criteria[i].label ? mtm_arena_strdup(&c->keep, criteria[i].label) : NULL;
    mtm_err pe;
    mtm_err_clear(&pe);
    if (mtm_expr_parse(&c->keep, cr->c.expr, &cr->e, &pe)) {
      mtm_check_free(c);
      return mtm_err_set(err, MTM_EINVAL, "cannot read the inclusion criterion '%s': %s",
                         criteria[i].expr, pe.msg);
    }
    cr->refs = mtm_arena_alloc(&c->keep, sizeof(char *) * 16);
    mtm_expr_refs(cr->e, collect_ref, cr);
  }
  if (!c->o.area) note(c, "area: the workspace has no gazetteer, so areas were not checked");
  *out = c;
  return 0;
}

void mtm_check_free(mtm_check *c) {
  if (!c) return;
  for (int i = 0; i < c->ng; i++) {
    free(c->g[i].vals);
    free(c->g[i].locs);
  }
  free(c->g);
  free(c->strv);
  free(c->subs);
  free(c->f);
  free(c->notes);
  mtm_arena_free(&c->keep);
  free(c);
}

/* ---- one submission ---- */

/* How an expression sees a submission: its values outside repeats, its
 * repeat instances, and (inside an instance) the instance itself. */
typedef struct {
  const version *v;
  char *const *values;
  const mtm_check_instance *inst; /* every instance of the submission */
  int ninst;
  const mtm_check_instance *me;   /* the instance being checked, or NULL */
  int me_q;                       /* its begin_repeat question, -1 */
  mtm_arena *a;
} env_ctx;

/* The value of field qi in instance in (NULL when absent). */
static const char *inst_value(const version *v, const mtm_check_instance *in, int qi) {
  int s = v->q_rslot[qi];
  return s >= 0 && s < in->nvalues ? in->values[s] : NULL;
}

/* 1 when instance in belongs to begin_repeat question r of v. */
static int inst_of(const version *v, const mtm_check_instance *in, int r) {
  return in->repeat && strcmp(in->repeat, v->f->q[r].name) == 0;
}

/* ${name}: the sibling in the same instance, else the submission's
 * question, else (a question of another repeat) its first instance. */
static const char *lookup(void *ctx, const char *name) {
  env_ctx *e = ctx;
  int qi = mtm_strmap_get(&e->v->names, name);
  if (qi < 0) return NULL;
  int r = e->v->f->q[qi].repeat;
  if (r < 0) {
    int s = e->v->q_slot[qi];
    return s < 0 ? NULL : e->values[s];
  }
  if (e->me && r == e->me_q) return inst_value(e->v, e->me, qi);
  for (int k = 0; k < e->ninst; k++)
    if (inst_of(e->v, &e->inst[k], r)) return inst_value(e->v, &e->inst[k], qi);
  return NULL;
}

/* The node-set of ${name} for count(), sum(), ...: every instance's value
 * of a repeat question (one value inside its own instance). */
static int lookup_many(void *ctx, const char *name, const char ***vals) {
  env_ctx *e = ctx;
  int qi = mtm_strmap_get(&e->v->names, name);
  if (qi < 0) return 0;
  int r = e->v->f->q[qi].repeat;
  const char **out = mtm_arena_alloc(e->a, sizeof(char *) * (size_t)(e->ninst + 1));
  int n = 0;
  if (r < 0 || (e->me && r == e->me_q)) {
    const char *x = lookup(ctx, name);
    out[n++] = x ? x : "";
  } else
    for (int k = 0; k < e->ninst; k++)
      if (inst_of(e->v, &e->inst[k], r)) {
        const char *x = inst_value(e->v, &e->inst[k], qi);
        out[n++] = x ? x : "";
      }
  *vals = out;
  return n;
}

static int empty(const char *s) { return !s || !*s; }

/* Evaluates e as a boolean; -1 when it cannot be evaluated. */
static int eval_bool(const mtm_expr *e, env_ctx *ec, const char *self, int32_t today,
                     mtm_arena *a, mtm_err *why) {
  mtm_expr_env env = {0};
  env.lookup = lookup, env.ctx = ec, env.self = self, env.today = today;
  env.lookup_many = lookup_many;
  env.position = ec->me ? ec->me->position : 0;
  mtm_value val;
  mtm_err_clear(why);
  if (mtm_expr_eval(e, &env, a, &val, why)) return -1;
  return mtm_value_bool(&val) ? 1 : 0;
}

/* The answers a select from a previous answer (q->choices_from) offers in
 * a submission: the source question's non-empty answers, in every
 * instance of its repeat when it is in one, each kept when q's
 * choice_filter is true with the candidate as "." and the names of the
 * source's repeat read in the candidate's instance (as pyxform writes it:
 * /data/rep[age > 10]/name); a filter that cannot be evaluated keeps the
 * candidate (with a note). Distinct, in order met, in a; returns their
 * number. */
static int prev_answers(mtm_check *c, const version *v, const env_ctx *ec, const mtm_question *q,
                        mtm_arena *a, const char ***out) {
  const mtm_form *f = v->f;
  const mtm_question *sq = q->choices_from;
  int sqi = (int)(sq - f->q);
  int cap = ec->ninst + 2, n = 0;
  const char **ans = mtm_arena_alloc(a, sizeof(char *) * (size_t)cap);
  for (int k = -1; k < ec->ninst; k++) {
    env_ctx e = *ec;
    const char *val;
    if (sq->repeat < 0) {
      if (k >= 0) break;
      int s = v->q_slot[sqi];
      val = s < 0 ? NULL : ec->values[s];
    } else {
      if (k < 0 || !inst_of(v, &ec->inst[k], sq->repeat)) continue;
      val = inst_value(v, &ec->inst[k], sqi);
      e.me = &ec->inst[k];
      e.me_q = sq->repeat;
    }
    if (empty(val)) continue;
    if (q->choice_filter) {
      mtm_err why;
      int r = eval_bool(q->choice_filter, &e, val, c->o.today, a, &why);
      if (r < 0) note(c, "choice_filter of '%s' could not be evaluated: %s", q->name, why.msg);
      if (r == 0) continue;
    }
    int dup = 0;
    for (int i = 0; i < n && !dup; i++) dup = strcmp(ans[i], val) == 0;
    if (!dup) ans[n++] = val;
  }
  *out = ans;
  return n;
}

/* Checks one select answer against its list, or against the answers
 * allowed[0..nallowed) of a select from a previous answer; returns the bad
 * tokens or NULL. */
static const char *bad_choices(const mtm_question *q, const char *v, const char *const *allowed,
                               int nallowed, mtm_arena *a) {
  if (!q->list && !q->choices_from) return NULL;
  mtm_buf b;
  mtm_buf_init(&b);
  const char *p = v;
  while (*p) {
    while (*p == ' ') p++;
    const char *s = p;
    while (*p && *p != ' ') p++;
    if (p == s) break;
    char *tok = mtm_arena_strndup(a, s, (size_t)(p - s));
    if (q->type == MTM_Q_SELECT_ONE) tok = mtm_arena_strdup(a, v); /* the whole answer */
    int ok = 0;
    if (q->list)
      ok = mtm_form_choice(q->list, tok) != NULL || (q->or_other && strcmp(tok, "other") == 0);
    else
      for (int i = 0; i < nallowed && !ok; i++) ok = strcmp(allowed[i], tok) == 0;
    if (!ok) {
      if (b.n) mtm_buf_adds(&b, "', '");
      mtm_buf_adds(&b, tok);
    }
    if (q->type == MTM_Q_SELECT_ONE) break;
  }
  const char *r = b.n ? mtm_arena_strdup(a, b.p) : NULL;
  mtm_buf_free(&b);
  return r;
}

/* The choice rule on answer val of select q: 0 and *msg untouched when
 * every value is a choice, else 1 with the sentence in msg. */
static int choice_rule(mtm_check *c, const version *v, const env_ctx *ec, const mtm_question *q,
                       const char *val, mtm_arena *a, char *msg, size_t nmsg) {
  const char **allowed = NULL;
  int nallowed = q->choices_from ? prev_answers(c, v, ec, q, a, &allowed) : 0;
  const char *bad = bad_choices(q, val, allowed, nallowed, a);
  if (!bad) return 0;
  const char *verb = strstr(bad, "', '") ? "are" : "is";
  if (!q->choices_from) {
    snprintf(msg, nmsg, "'%s' %s not a choice of list '%s'", bad, verb, q->list->name);
    return 1;
  }
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < nallowed; i++) mtm_buf_printf(&b, "%s'%s'", i ? ", " : "", allowed[i]);
  snprintf(msg, nmsg, "'%s' %s not %s given to '%s'%s in this submission (%s%s)", bad, verb,
           strcmp(verb, "is") == 0 ? "an answer" : "among the answers",
           q->choices_from->name, q->choice_filter_src ? " that passes the choice_filter" : "",
           nallowed ? "allowed: " : "no answer allowed", b.p ? b.p : "");
  mtm_buf_free(&b);
  return 1;
}

static const char *fmt_num(mtm_arena *a, double x) { return mtm_arena_printf(a, "%.10g", x); }

/* Runs required, constraint, relevance and choice on one repeat instance
 * of submission `order`; rel[] is the relevance of every question at the
 * submission's level (a repeat's own relevance included). */
static void check_instance(mtm_check *c, int order, version *v, env_ctx *main_ec,
                           const mtm_check_instance *in, const char *rel,
                           const char *const *rel_why, mtm_arena *a) {
  const mtm_form *f = v->f;
  int rq = mtm_strmap_get(&v->names, in->repeat ? in->repeat : "");
  if (rq < 0 || f->q[rq].type != MTM_Q_BEGIN_REPEAT) {
    note(c, "repeat rows of '%s' match no repeat of version '%s' of the form and were not "
         "checked", in->repeat ? in->repeat : "", f->version ? f->version : "");
    return;
  }
  env_ctx ec = *main_ec;
  ec.me = in;
  ec.me_q = rq;
  mtm_err why;
  char msg[1536];
  /* Relevance inside the instance: the repeat's, then each group and
   * question of its body in order (groups come before their children). */
  char *irel = mtm_arena_alloc(a, (size_t)f->nq + 1);
  const char **irr = mtm_arena_zalloc(a, sizeof(char *) * (size_t)(f->nq + 1));
  memcpy(irel, rel, (size_t)f->nq);
  memcpy(irr, rel_why, sizeof(char *) * (size_t)f->nq);
  if (f->q[rq].repeat >= 0 && irel[rq] && f->q[rq].relevant) {
    /* A nested repeat's own relevance, seen from its instance. */
    if (v->outer[rq]) note(c, "relevance of repeat '%s' names a question of an enclosing repeat "
                           "and was not evaluated: repeat rows do not record which outer "
                           "instance holds a nested one", f->q[rq].name);
    else {
      int r = eval_bool(f->q[rq].relevant, &ec, NULL, c->o.today, a, &why);
      if (r == 0) irel[rq] = 0, irr[rq] = f->q[rq].relevant_src;
    }
  }
  if (!irel[rq] && !irr[rq]) irr[rq] = f->q[rq].relevant_src;
  for (int i = rq + 1; i < f->nq; i++) {
    const mtm_question *q = &f->q[i];
    if (q->type == MTM_Q_END_REPEAT && q->group == rq) break;
    if (q->repeat != rq) continue; /* inside a nested repeat: its own instances */
    int parent = q->group >= 0 ? q->group : rq;
    if (!irel[parent]) {
      irel[i] = 0;
      irr[i] = irr[parent];
      continue;
    }
    irel[i] = 1;
    if (!q->relevant) continue;
    if (v->outer[i]) {
      note(c, "relevance of '%s' names a question of an enclosing repeat and was not evaluated: "
           "repeat rows do not record which outer instance holds a nested one", q->name);
      continue;
    }
    int r = eval_bool(q->relevant, &ec, NULL, c->o.today, a, &why);
    if (r < 0) note(c, "relevance of '%s' could not be evaluated: %s", q->name, why.msg);
    else if (!r) {
      irel[i] = 0;
      irr[i] = q->relevant_src;
    }
  }
  for (int s = 0; s < v->rep_nf[rq]; s++) {
    int qi = v->rep_fq[rq][s];
    const mtm_question *q = &f->q[qi];
    const char *val = s < in->nvalues ? in->values[s] : NULL;
    int pos = c->g[gid_of(c, q->name)].pos;
    if (q->type == MTM_Q_META || q->type == MTM_Q_CALCULATE) continue;
    if (v->outer[qi]) {
      note(c, "the rules of '%s' name a question of an enclosing repeat and were not checked: "
           "repeat rows do not record which outer instance holds a nested one", q->name);
      continue;
    }
    if (empty(val)) {
      if (!irel[qi]) continue;
      int req = v->req_const[qi];
      if (!req && v->required[qi]) {
        int r = eval_bool(v->required[qi], &ec, val, c->o.today, a, &why);
        if (r < 0) note(c, "required of '%s' could not be evaluated: %s", q->name, why.msg);
        req = r == 1;
      }
      /* No 'absent' test here: an import records the columns of its main
       * sheet only, and a repeat's columns come from its own sheet. */
      if (req) {
        snprintf(msg, sizeof msg, "'%s' is required but has no answer", q->name);
        add_finding_in(c, order, pos, q->name, "", "required", MTM_SEV_ERROR, msg, in->repeat,
                       in->position);
      }
      continue;
    }
    if (!irel[qi]) {
      snprintf(msg, sizeof msg, "answered although not relevant (relevant: %s)",
               irr[qi] ? irr[qi] : "false");
      add_finding_in(c, order, pos, q->name, val, "relevance", MTM_SEV_WARNING, msg, in->repeat,
                     in->position);
    }
    if (q->constraint && irel[qi]) {
      int r = eval_bool(q->constraint, &ec, val, c->o.today, a, &why);
      if (r < 0) note(c, "constraint of '%s' could not be evaluated: %s", q->name, why.msg);
      else if (!r) {
        const char *m = q->constraint_msgs ? mtm_form_label(f, q->constraint_msgs, v->lang) : NULL;
        if (m && *m) snprintf(msg, sizeof msg, "%s", m);
        else snprintf(msg, sizeof msg, "fails the constraint %s", q->constraint_src);
        add_finding_in(c, order, pos, q->name, val, "constraint", MTM_SEV_ERROR, msg, in->repeat,
                       in->position);
      }
    }
    if (q->type == MTM_Q_SELECT_ONE || q->type == MTM_Q_SELECT_MULTIPLE) {
      if (choice_rule(c, v, &ec, q, val, a, msg, sizeof msg)) {
        add_finding_in(c, order, pos, q->name, val, "choice", MTM_SEV_ERROR, msg, in->repeat,
                       in->position);
      }
    }
  }
}

int mtm_check_add(mtm_check *c, long submission, const char *uuid, int vi, char *const *values,
                  int nvalues, mtm_err *err) {
  return mtm_check_add_full(c, submission, uuid, vi, values, nvalues, NULL, 0, err);
}

int mtm_check_add_full(mtm_check *c, long submission, const char *uuid, int vi,
                       char *const *values, int nvalues, const mtm_check_instance *inst,
                       int ninst, mtm_err *err) {
  if (vi < 0 || vi >= c->nv)
    return mtm_err_set(err, MTM_EINVAL, "submission %s names an unknown form version", uuid);
  version *v = &c->v[vi];
  const mtm_form *f = v->f;
  if (nvalues != v->nslots)
    return mtm_err_set(err, MTM_EINVAL,
                       "submission %s holds %d values but version '%s' of the form has %d "
                       "questions outside repeats; was it imported with another version?",
                       uuid, nvalues, f->version ? f->version : "", v->nslots);
  int order = c->nsubs;
  if (order && c->subs[order - 1].id >= submission) c->ids_sorted = 0;
  subinfo si = {submission, mtm_arena_strdup(&c->keep, uuid ? uuid : ""), 0, 0, 0};
  PUSH(c->subs, c->nsubs, c->capsubs, si);

  mtm_arena a;
  mtm_arena_init(&a);
  env_ctx ec = {v, values, inst, ninst, NULL, -1, &a};
  mtm_err why;
  /* Relevance of every question, groups first (they come before their
   * children); irr[i] is the expression that made question i irrelevant. */
  char *rel = mtm_arena_alloc(&a, (size_t)f->nq + 1);
  const char **irr = mtm_arena_zalloc(&a, sizeof(char *) * (size_t)(f->nq + 1));
  for (int i = 0; i < f->nq; i++) {
    const mtm_question *q = &f->q[i];
    int parent = q->group >= 0 && q->group < i ? rel[q->group] : 1;
    if (!parent) {
      rel[i] = 0;
      irr[i] = irr[q->group];
      continue;
    }
    rel[i] = 1;
    if (q->relevant && q->repeat < 0) {
      int r = eval_bool(q->relevant, &ec, NULL, c->o.today, &a, &why);
      if (r < 0) note(c, "relevance of '%s' could not be evaluated: %s", q->name, why.msg);
      else if (!r) {
        rel[i] = 0;
        irr[i] = q->relevant_src;
      }
    }
  }
  char msg[1536];
  for (int s = 0; s < v->nslots; s++) {
    int qi = v->slot_q[s];
    const mtm_question *q = &f->q[qi];
    const char *val = values[s];
    int pos = c->g[v->slot_g[s]].pos;
    if (q->type == MTM_Q_META || q->type == MTM_Q_CALCULATE) goto numeric;
    if (empty(val)) {
      if (!rel[qi]) continue;
      int req = v->req_const[qi];
      if (!req && v->required[qi]) {
        int r = eval_bool(v->required[qi], &ec, val, c->o.today, &a, &why);
        if (r < 0) note(c, "required of '%s' could not be evaluated: %s", q->name, why.msg);
        req = r == 1;
      }
      if (req && v->absent[qi]) {
        if (!c->absent_noted) {
          c->absent_noted = 1;
          mtm_buf b;
          mtm_buf_init(&b);
          int nabs = 0;
          for (int k = 0; k < f->nq; k++)
            if (v->absent[k] && (v->req_const[k] || v->required[k]) && v->q_slot[k] >= 0 &&
                nabs++ < 8)
              mtm_buf_printf(&b, "%s%s", b.n ? ", " : "", f->q[k].name);
          if (nabs > 8) mtm_buf_printf(&b, " and %d more", nabs - 8);
          note(c, "%d required question%s had no column in any imported file and %s not "
               "checked: %s", nabs, nabs == 1 ? "" : "s", nabs == 1 ? "was" : "were",
               b.p ? b.p : q->name);
          mtm_buf_free(&b);
        }
      } else if (req) {
        snprintf(msg, sizeof msg, "'%s' is required but has no answer", q->name);
        add_finding(c, order, pos, q->name, "", "required", MTM_SEV_ERROR, msg);
      }
      continue;
    }
    if (!rel[qi]) {
      snprintf(msg, sizeof msg, "answered although not relevant (relevant: %s)",
               irr[qi] ? irr[qi] : "false");
      add_finding(c, order, pos, q->name, val, "relevance", MTM_SEV_WARNING, msg);
    }
    if (q->constraint && rel[qi]) {
      int r = eval_bool(q->constraint, &ec, val, c->o.today, &a, &why);
      if (r < 0) note(c, "constraint of '%s' could not be evaluated: %s", q->name, why.msg);
      else if (!r) {
        const char *m = q->constraint_msgs ? mtm_form_label(f, q->constraint_msgs, v->lang) : NULL;
        if (m && *m) snprintf(msg, sizeof msg, "%s", m);
        else snprintf(msg, sizeof msg, "fails the constraint %s", q->constraint_src);
        add_finding(c, order, pos, q->name, val, "constraint", MTM_SEV_ERROR, msg);
      }
    }
    if (q->type == MTM_Q_SELECT_ONE || q->type == MTM_Q_SELECT_MULTIPLE) {
      if (choice_rule(c, v, &ec, q, val, &a, msg, sizeof msg)) {
        add_finding(c, order, pos, q->name, val, "choice", MTM_SEV_ERROR, msg);
      }
    }
    if (v->area[qi] && c->o.area) {
      const char *cand = NULL;
      int level = -1;
      mtm_area_match m = c->o.area(c->o.area_ctx, val, &a, &cand, &level);
      if (m == MTM_AREA_UNKNOWN) {
        snprintf(msg, sizeof msg, "'%s' is not an area of the gazetteer (no P-code or name matches)",
                 val);
        add_finding(c, order, pos, q->name, val, "area", MTM_SEV_ERROR, msg);
      } else if (m == MTM_AREA_AMBIGUOUS) {
        snprintf(msg, sizeof msg, "'%s' matches several areas: %s; write the P-code", val,
                 cand ? cand : "");
        add_finding(c, order, pos, q->name, val, "area", MTM_SEV_ERROR, msg);
      } else {
        gq *g = &c->g[v->slot_g[s]];
        if (level > g->maxlevel) g->maxlevel = level;
      }
    }
    if (c->g[v->slot_g[s]].area || (v->loc_slot == s)) {
      gq *g = &c->g[v->slot_g[s]];
      while (g->caplocs <= order) {
        int nc = g->caplocs ? g->caplocs * 2 : 256;
        g->locs = mtm_xrealloc(g->locs, sizeof *g->locs * (size_t)nc);
        memset(g->locs + g->caplocs, 0, sizeof *g->locs * (size_t)(nc - g->caplocs));
        g->caplocs = nc;
      }
      int id = intern(c, val);
      g->locs[order] = c->strv[id];
    }
  numeric:;
    gq *g = &c->g[v->slot_g[s]];
    if (g->numeric && !empty(val)) {
      double x;
      if (mtm_parse_double(mtm_slice_c(val), &x) == 0 && isfinite(x)) {
        int grp = -1;
        if (v->by_slot >= 0 && !empty(values[v->by_slot])) {
          grp = intern(c, values[v->by_slot]);
        }
        numval nv = {order, x, grp};
        PUSH(g->vals, g->nvals, g->capvals, nv);
      }
    }
  }
  /* The repeat instances. */
  for (int k = 0; k < ninst; k++) check_instance(c, order, v, &ec, &inst[k], rel, irr, &a);
  /* Duration from the start and end metadata. */
  if (v->start_slot >= 0 && v->end_slot >= 0 && !empty(values[v->start_slot]) &&
      !empty(values[v->end_slot])) {
    int64_t t0, t1;
    const char *s0 = values[v->start_slot], *s1 = values[v->end_slot];
    if (mtm_parse_datetime(mtm_slice_c(s0), &t0) == 0 &&
        mtm_parse_datetime(mtm_slice_c(s1), &t1) == 0) {
      double minutes = (double)(t1 - t0) / 60.0;
      if (t1 < t0) {
        snprintf(msg, sizeof msg, "the interview ends (%s) before it starts (%s)", s1, s0);
        add_finding(c, order, -1, "", fmt_num(&a, round(minutes * 10) / 10), "duration",
                    MTM_SEV_WARNING, msg);
      } else if (minutes < c->o.min_duration) {
        snprintf(msg, sizeof msg,
                 "the interview took %.1f minutes (%s to %s), less than the minimum of %g", minutes,
                 s0, s1, c->o.min_duration);
        add_finding(c, order, -1, "", fmt_num(&a, round(minutes * 10) / 10), "duration",
                    MTM_SEV_WARNING, msg);
      }
    }
  }
  /* Inclusion criteria. */
  for (int k = 0; k < c->ncrit; k++) {
    criterion *cr = &c->crit[k];
    const char *first = cr->nrefs ? cr->refs[0] : "";
    const char *fv = cr->nrefs ? lookup(&ec, first) : NULL;
    mtm_buf b;
    mtm_buf_init(&b);
    int missing = 0;
    for (int r = 0; r < cr->nrefs; r++) {
      const char *rv = lookup(&ec, cr->refs[r]);
      if (empty(rv)) {
        mtm_buf_printf(&b, "%s%s is empty", missing ? ", " : "", cr->refs[r]);
        missing++;
      }
    }
    const char *name = cr->c.label ? mtm_arena_printf(&a, "'%s' (%s)", cr->c.label, cr->c.expr)
                                   : mtm_arena_printf(&a, "%s", cr->c.expr);
    if (missing) {
      snprintf(msg, sizeof msg, "cannot tell whether the inclusion criterion %s holds: %s", name,
               b.p);
      add_finding(c, order, -1, first, fv, "inclusion", MTM_SEV_ERROR, msg);
    } else {
      int r = eval_bool(cr->e, &ec, NULL, c->o.today, &a, &why);
      if (r != 1) {
        mtm_buf_reset(&b);
        for (int q = 0; q < cr->nrefs; q++)
          mtm_buf_printf(&b, "%s%s = %s", q ? ", " : "", cr->refs[q], lookup(&ec, cr->refs[q]));
        if (r < 0)
          snprintf(msg, sizeof msg, "cannot evaluate the inclusion criterion %s (%s): %s", name,
                   b.p, why.msg);
        else snprintf(msg, sizeof msg, "does not meet the inclusion criterion %s: %s", name, b.p);
        add_finding(c, order, -1, first, fv, "inclusion", MTM_SEV_ERROR, msg);
      }
    }
    mtm_buf_free(&b);
  }
  /* The answer hash for identical answers. */
  {
    const char **n1 = mtm_arena_alloc(&a, sizeof(char *) * (size_t)(v->nslots + 1));
    const char **v1 = mtm_arena_alloc(&a, sizeof(char *) * (size_t)(v->nslots + 1));
    const char **v2 = mtm_arena_alloc(&a, sizeof(char *) * (size_t)(v->nslots + 1));
    int k = 0;
    for (int s = 0; s < v->nslots; s++)
      if (v->hashed[s] && !empty(values[s])) {
        n1[k] = v->hnames[s];
        v1[k] = values[s];
        v2[k] = mtm_arena_printf(&a, "%s\x1e%s", values[s], v->hnames[s]);
        k++;
      }
    subinfo *me = &c->subs[order];
    me->answered = k;
    me->h1 = mtm_check_answer_hash(k, n1, v1);
    me->h2 = mtm_check_answer_hash(k, v2, n1);
  }
  mtm_arena_free(&a);
  return 0;
}

void mtm_check_issue(mtm_check *c, long submission, const char *question, const char *value,
                     const char *rule, const char *message) {
  mtm_check_issue_at(c, submission, question, value, rule, message, NULL, 0);
}

void mtm_check_issue_at(mtm_check *c, long submission, const char *question, const char *value,
                        const char *rule, const char *message, const char *repeat,
                        int instance) {
  int order = -1;
  if (c->ids_sorted) {
    int lo = 0, hi = c->nsubs - 1;
    while (lo <= hi) {
      int mid = (lo + hi) / 2;
      if (c->subs[mid].id == submission) {
        order = mid;
        break;
      }
      if (c->subs[mid].id < submission) lo = mid + 1;
      else hi = mid - 1;
    }
  } else {
    for (int i = 0; i < c->nsubs && order < 0; i++)
      if (c->subs[i].id == submission) order = i;
  }
  if (order < 0) return;
  int g = question ? mtm_strmap_get(&c->gmap, question) : -1;
  const char *r = strcmp(rule, "duplicate") == 0 ? "duplicate" : "type";
  add_finding_in(c, order, g >= 0 ? c->g[g].pos : -1, question, value, r, MTM_SEV_ERROR, message,
                 repeat, instance);
}

/* ---- cross-submission rules ---- */

static int cmp_numval_group(const void *a, const void *b) {
  const numval *x = a, *y = b;
  if (x->group != y->group) return x->group < y->group ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

static const char *group_name(const mtm_check *c, int id) {
  return id >= 0 && id < c->nstrv ? c->strv[id] : "";
}

static void outliers(mtm_check *c) {
  char msg[1024];
  for (int gi = 0; gi < c->ng; gi++) {
    gq *g = &c->g[gi];
    if (!g->numeric || g->nvals == 0) continue;
    qsort(g->vals, (size_t)g->nvals, sizeof *g->vals, cmp_numval_group);
    double *x = mtm_xmalloc(sizeof *x * (size_t)g->nvals);
    for (int i = 0; i < g->nvals;) {
      int j = i;
      while (j < g->nvals && g->vals[j].group == g->vals[i].group) j++;
      int n = j - i;
      if (n >= MTM_CHECK_OUTLIER_MIN_N) {
        for (int k = 0; k < n; k++) x[k] = g->vals[i + k].v;
        mtm_outlier_stats s;
        mtm_check_outlier_stats(x, (size_t)n, &s);
        for (int k = i; k < j; k++) {
          double val = g->vals[k].v, z = mtm_check_modz(&s, val);
          int zout = fabs(z) > MTM_CHECK_MODZ_LIMIT, iout = val < s.lo || val > s.hi;
          if (!zout && !iout) continue;
          char where[300] = "";
          if (g->vals[k].group >= 0)
            snprintf(where, sizeof where, " where %s = %s", c->o.outliers_by,
                     group_name(c, g->vals[k].group));
          int m = snprintf(msg, sizeof msg, "%.10g is an outlier among %d answers%s:", val, n,
                           where);
          if (zout && s.mad > 0)
            m += snprintf(msg + m, sizeof msg - (size_t)m,
                          " modified z-score %.2f beyond %.1f (median %.10g, MAD %.10g)", z,
                          MTM_CHECK_MODZ_LIMIT, s.median, s.mad);
          else if (zout)
            m += snprintf(msg + m, sizeof msg - (size_t)m,
                          " modified z-score %.2f beyond %.1f (median %.10g, MAD 0, so the mean "
                          "absolute deviation %.10g)",
                          z, MTM_CHECK_MODZ_LIMIT, s.median, s.meanad);
          if (iout)
            snprintf(msg + m, sizeof msg - (size_t)m,
                     "%s outside the IQR fences [%.10g, %.10g] (Q1 %.10g, Q3 %.10g)",
                     zout ? ";" : "", s.lo, s.hi, s.q1, s.q3);
          char vbuf[64];
          snprintf(vbuf, sizeof vbuf, "%.15g", val);
          add_finding(c, g->vals[k].order, g->pos, g->name, vbuf, "outlier", MTM_SEV_WARNING,
                      msg);
        }
      }
      i = j;
    }
    free(x);
  }
}

typedef struct {
  uint64_t h1, h2;
  int order;
} hrow;

static int cmp_hrow(const void *a, const void *b) {
  const hrow *x = a, *y = b;
  if (x->h1 != y->h1) return x->h1 < y->h1 ? -1 : 1;
  if (x->h2 != y->h2) return x->h2 < y->h2 ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

static void identical(mtm_check *c) {
  hrow *h = mtm_xmalloc(sizeof *h * (size_t)(c->nsubs + 1));
  int n = 0;
  for (int i = 0; i < c->nsubs; i++)
    if (c->subs[i].answered) h[n++] = (hrow){c->subs[i].h1, c->subs[i].h2, i};
  qsort(h, (size_t)n, sizeof *h, cmp_hrow);
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < n;) {
    int j = i;
    while (j < n && h[j].h1 == h[i].h1 && h[j].h2 == h[i].h2) j++;
    if (j - i > 1)
      for (int k = i; k < j; k++) {
        mtm_buf_reset(&b);
        mtm_buf_adds(&b, "same answers as ");
        int first = 1;
        for (int m = i; m < j; m++) {
          if (m == k) continue;
          mtm_buf_printf(&b, "%s%s", first ? "" : ", ", c->subs[h[m].order].uuid);
          first = 0;
        }
        mtm_buf_adds(&b, " (metadata such as start, end and deviceid ignored)");
        add_finding(c, h[k].order, -1, "", "", "duplicate", MTM_SEV_WARNING, b.p);
      }
    i = j;
  }
  mtm_buf_free(&b);
  free(h);
}

typedef struct {
  const char *loc;
  double v;
  int order;
} kval;

static int cmp_kval(const void *a, const void *b) {
  const kval *x = a, *y = b;
  int r = strcmp(x->loc, y->loc);
  if (r) return r;
  return (x->order > y->order) - (x->order < y->order);
}

static void ki_disagreement(mtm_check *c) {
  if (!c->o.baseline) return;
  int loc = -1;
  if (c->o.location) {
    loc = mtm_strmap_get(&c->gmap, c->o.location);
  } else {
    int best = -1;
    for (int i = 0; i < c->ng; i++)
      if (c->g[i].area && c->g[i].maxlevel > best) best = c->g[i].maxlevel, loc = i;
  }
  if (loc < 0 || !c->g[loc].locs) {
    note(c, "ki_disagreement: no location question found; name one with --location");
    return;
  }
  gq *L = &c->g[loc];
  kval *kv = mtm_xmalloc(sizeof *kv * (size_t)(c->nsubs + 1));
  char msg[2048];
  mtm_buf b;
  mtm_buf_init(&b);
  for (int gi = 0; gi < c->ng; gi++) {
    gq *g = &c->g[gi];
    if (!g->numeric || gi == loc) continue;
    int n = 0;
    for (int i = 0; i < g->nvals; i++) {
      int o = g->vals[i].order;
      if (o < L->caplocs && L->locs[o]) kv[n++] = (kval){L->locs[o], g->vals[i].v, o};
    }
    qsort(kv, (size_t)n, sizeof *kv, cmp_kval);
    for (int i = 0; i < n;) {
      int j = i;
      while (j < n && strcmp(kv[j].loc, kv[i].loc) == 0) j++;
      if (j - i >= 2) {
        double mn = kv[i].v, mx = kv[i].v;
        int neg = 0;
        for (int k = i; k < j; k++) {
          if (kv[k].v < mn) mn = kv[k].v;
          if (kv[k].v > mx) mx = kv[k].v;
          if (kv[k].v < 0) neg = 1;
        }
        if (!neg && mx > 0 && (mn == 0 || mx / mn > c->o.disagreement)) {
          mtm_buf_reset(&b);
          for (int k = i; k < j; k++)
            mtm_buf_printf(&b, "%s%s = %.10g", k > i ? ", " : "", c->subs[kv[k].order].uuid,
                           kv[k].v);
          if (mn == 0)
            snprintf(msg, sizeof msg,
                     "key informants for %s = %s disagree on %s: %s (one says 0, another %.10g)",
                     L->name, kv[i].loc, g->name, b.p, mx);
          else
            snprintf(msg, sizeof msg,
                     "key informants for %s = %s disagree on %s: %s (max/min %.2f > %g)", L->name,
                     kv[i].loc, g->name, b.p, mx / mn, c->o.disagreement);
          add_finding(c, kv[i].order, g->pos, g->name, kv[i].loc, "ki_disagreement",
                      MTM_SEV_WARNING, msg);
        }
      }
      i = j;
    }
  }
  mtm_buf_free(&b);
  free(kv);
}

/* Where a finding sorts within its submission: 0 about a question outside
 * repeats, 1 inside a repeat instance, 2 about the whole submission. */
static int finding_bucket(const mtm_finding *f) {
  if (f->instance > 0) return 1;
  return f->field < 0 ? 2 : 0;
}

static int cmp_finding(const void *a, const void *b) {
  const mtm_finding *x = a, *y = b;
  if (x->order != y->order) return x->order < y->order ? -1 : 1;
  int bx = finding_bucket(x), by = finding_bucket(y);
  if (bx != by) return bx < by ? -1 : 1;
  if (bx == 1) {
    if (x->repeat_order != y->repeat_order) return x->repeat_order < y->repeat_order ? -1 : 1;
    int rr = strcmp(x->repeat, y->repeat);
    if (rr) return rr;
    if (x->instance != y->instance) return x->instance < y->instance ? -1 : 1;
  }
  /* Findings about a question first, in question order; then those about
   * the whole submission. */
  int fx = x->field < 0 ? 1 << 30 : x->field, fy = y->field < 0 ? 1 << 30 : y->field;
  if (fx != fy) return fx < fy ? -1 : 1;
  int rx = rule_rank(x->rule), ry = rule_rank(y->rule);
  if (rx != ry) return rx < ry ? -1 : 1;
  int r = strcmp(x->question, y->question);
  if (r) return r;
  return strcmp(x->message, y->message);
}

int mtm_check_finish(mtm_check *c, mtm_arena *a, mtm_finding **out, int *n, mtm_err *err) {
  (void)err;
  if (!c->finished) {
    c->finished = 1;
    outliers(c);
    identical(c);
    ki_disagreement(c);
    /* A cell ingest could not type is stored as missing: its 'required'
     * finding would only repeat the 'type' one. */
    mtm_arena ka;
    mtm_arena_init(&ka);
    mtm_strmap typed;
    mtm_strmap_init(&typed, &ka, 64);
    for (int i = 0; i < c->nf; i++)
      if (strcmp(c->f[i].rule, "type") == 0)
        mtm_strmap_put(&typed,
                       mtm_arena_printf(&ka, "%ld\x1f%s\x1f%d", c->f[i].order, c->f[i].question,
                                        c->f[i].instance),
                       1);
    int k = 0;
    for (int i = 0; i < c->nf; i++) {
      mtm_finding *f = &c->f[i];
      int drop =
          typed.n && strcmp(f->rule, "required") == 0 &&
          mtm_strmap_get(&typed, mtm_arena_printf(&ka, "%ld\x1f%s\x1f%d", f->order, f->question,
                                                  f->instance)) >= 0;
      if (!drop) c->f[k++] = *f;
    }
    c->nf = k;
    mtm_arena_free(&ka);
    if (c->nf > 1) qsort(c->f, (size_t)c->nf, sizeof *c->f, cmp_finding);
  }
  mtm_finding *r = mtm_arena_alloc(a, sizeof *r * (size_t)(c->nf + 1));
  for (int i = 0; i < c->nf; i++) {
    r[i] = c->f[i];
    r[i].uuid = mtm_arena_strdup(a, c->f[i].uuid);
    r[i].question = mtm_arena_strdup(a, c->f[i].question);
    r[i].value = mtm_arena_strdup(a, c->f[i].value);
    r[i].message = mtm_arena_strdup(a, c->f[i].message);
    r[i].repeat = c->f[i].repeat ? mtm_arena_strdup(a, c->f[i].repeat) : NULL;
  }
  *out = r;
  *n = c->nf;
  return 0;
}

int mtm_check_notes(const mtm_check *c, const char *const **notes) {
  *notes = c->notes;
  return c->nnotes;
}
