/* Analysis runs: an analysis plan computed on a frame with one design,
 * groups as domains, and the results table written as CSV or JSON. */
#include "analysis/analysis.h"
#include "frame/frame.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* The state of one run. */
typedef struct run {
  const mtm_frame *f;
  const mtm_analysis_spec *s;
  mtm_analysis_design d;
  mtm_analysis_opts o;
  mtm_arena *a;
  mtm_err *err;
  mtm_analysis_row *rows;
  size_t n, cap;
  /* The last 4 columns sorted for medians (mtm_analysis_order), kept
   * for the next item on the same column; freed by orders_free. */
  const mtm_frame_col *ocol[4];
  uint32_t *ord[4];
  double *oy[4], *ow[4]; /* the values and weights in that order */
  size_t nord[4];
  int onext;
} run;

/* The rows of column c with a value, sorted by value (ties in row order),
 * from the run's cache or sorted now, and the values and weights in that
 * order (*ys, *ws: NULL when there was no memory for them); owned by the
 * run. NULL when out of memory. */
static const uint32_t *order_of(run *R, const mtm_frame_col *c, size_t *n, const double **ys,
                                const double **ws) {
  for (int i = 0; i < 4; i++)
    if (R->ocol[i] == c) {
      *n = R->nord[i];
      *ys = R->oy[i];
      *ws = R->ow[i];
      return R->ord[i];
    }
  size_t m = 0;
  uint32_t *o = mtm_analysis_order(&R->d, c->num, &m);
  if (!o) return NULL;
  int i = R->onext;
  R->onext = (i + 1) % 4;
  free(R->ord[i]);
  free(R->oy[i]);
  free(R->ow[i]);
  R->ocol[i] = c;
  R->ord[i] = o;
  R->nord[i] = m;
  R->oy[i] = malloc((m + 1) * sizeof *R->oy[i]);
  R->ow[i] = malloc((m + 1) * sizeof *R->ow[i]);
  if (!R->oy[i] || !R->ow[i]) {
    free(R->oy[i]);
    free(R->ow[i]);
    R->oy[i] = R->ow[i] = NULL;
  } else
    for (size_t k = 0; k < m; k++) {
      R->oy[i][k] = c->num[o[k]];
      R->ow[i][k] = R->d.w ? R->d.w[o[k]] : 1.0;
    }
  *n = m;
  *ys = R->oy[i];
  *ws = R->ow[i];
  return o;
}

/* Frees the run's sorted columns. */
static void orders_free(run *R) {
  for (int i = 0; i < 4; i++) {
    free(R->ord[i]);
    free(R->oy[i]);
    free(R->ow[i]);
    R->ord[i] = NULL;
    R->oy[i] = R->ow[i] = NULL;
    R->ocol[i] = NULL;
  }
}

/* Points err at the plan item: its file and row, and the question. */
static void where(mtm_err *err, const mtm_analysis_item *it, const char *column,
                  const char *question) {
  mtm_err_where(err, it->file, NULL, it->file ? it->row : 0, it->file ? column : NULL, question);
}

/* The error for a question the frame has no column of: "which form 'F'
 * does not have", or, for a question of a repeat the frame does not hold
 * (a repeat's question in the submissions' table, or another repeat's in a
 * repeat's), which repeat it is in. what is the start of the sentence
 * ("mean names", "The group 'A*B' names"); filter: name is shown as ${name}. */
static int absent(run *R, const char *what, const char *name, int filter) {
  /* A filter names ${name}, the rest 'name'. */
  char shown[300];
  if (filter) snprintf(shown, sizeof shown, "${%s}", name);
  else snprintf(shown, sizeof shown, "'%s'", name);
  const char *rep = mtm_frame_repeat_of(R->f, name);
  if (rep && !(R->f->repeat && strcmp(rep, R->f->repeat) == 0)) {
    if (!R->f->repeat)
      return mtm_err_set(R->err, MTM_ENOTFOUND,
                         "%s %s, a question of repeat '%s': its figures are over the repeat's "
                         "instances, and this table has one row per submission.",
                         what, shown, rep);
    return mtm_err_set(R->err, MTM_ENOTFOUND,
                       "%s %s, a question of repeat '%s', in a table of the instances of repeat "
                       "'%s': the instances of two repeats cannot be matched.",
                       what, shown, rep, R->f->repeat);
  }
  return mtm_err_set(R->err, MTM_ENOTFOUND, "%s %s, which form '%s' does not have.", what, shown,
                     R->f->form_id);
}

/* Appends a result row (zeroed); NULL when out of memory. */
static mtm_analysis_row *add_row(run *R) {
  if (R->n == R->cap) {
    size_t cap = R->cap ? R->cap * 2 : 64;
    mtm_analysis_row *p = realloc(R->rows, cap * sizeof *p);
    if (!p) return NULL;
    R->rows = p;
    R->cap = cap;
  }
  mtm_analysis_row *r = &R->rows[R->n++];
  memset(r, 0, sizeof *r);
  return r;
}

/* The ids of a numeric design column, as design_ids numbers them (equal
 * values, in order of first appearance), without formatting each number:
 * an open-addressing table of the values' bit patterns. */
static int design_ids_num(run *R, const mtm_frame_col *c, const char *name, const char *option,
                          int64_t *ids, int64_t **out) {
  size_t cap = 64;
  int bits = 6;
  while (cap < (size_t)R->f->nrows * 2) cap *= 2, bits++;
  uint64_t *key = mtm_arena_alloc(R->a, sizeof *key * cap);
  int64_t *val = mtm_arena_alloc(R->a, sizeof *val * cap);
  for (size_t i = 0; i < cap; i++) val[i] = -1;
  int64_t next = 0;
  for (long r = 0; r < R->f->nrows; r++) {
    double x = c->num[r];
    if (isnan(x)) {
      mtm_err_where(R->err, NULL, NULL, 0, NULL, name);
      return mtm_err_set(R->err, MTM_EINVAL,
                         "Submission %s has no value for '%s', which %s uses: every row of the "
                         "design needs one.",
                         mtm_frame_uuid(R->f, r), name, option);
    }
    if (x == 0) x = 0; /* -0 and 0 are one value */
    uint64_t k;
    memcpy(&k, &x, sizeof k);
    size_t h = (size_t)((k * 0x9E3779B97F4A7C15ull) >> (64 - bits)); /* the high bits */
    while (val[h] >= 0 && key[h] != k) h = (h + 1) & (cap - 1);
    if (val[h] < 0) {
      key[h] = k;
      val[h] = next++;
    }
    ids[r] = val[h];
  }
  *out = ids;
  return 0;
}

/* The ids of a design column: the values of any question, numbered in
 * order of first appearance. A row without a value fails with a sentence
 * naming the question and the row's uuid. */
static int design_ids(run *R, const char *name, const char *option, int64_t **out) {
  const mtm_frame_col *c = mtm_frame_col_find(R->f, name);
  if (!c) {
    mtm_err_where(R->err, NULL, NULL, 0, NULL, name);
    return mtm_err_set(R->err, MTM_ENOTFOUND, "%s names '%s', which form '%s' does not have.",
                       option, name, R->f->form_id);
  }
  int64_t *ids = mtm_arena_alloc(R->a, sizeof *ids * (size_t)(R->f->nrows ? R->f->nrows : 1));
  if (c->kind == MTM_FRAME_NUM) return design_ids_num(R, c, name, option, ids, out);
  mtm_strmap m;
  mtm_strmap_init(&m, R->a, 64);
  mtm_arena tmp;
  mtm_arena_init(&tmp);
  for (long r = 0; r < R->f->nrows; r++) {
    const char *v = mtm_frame_value(c, r, &tmp);
    if (!v || !*v) {
      mtm_arena_free(&tmp);
      mtm_err_where(R->err, NULL, NULL, 0, NULL, name);
      return mtm_err_set(R->err, MTM_EINVAL,
                         "Submission %s has no value for '%s', which %s uses: every row of the "
                         "design needs one.",
                         mtm_frame_uuid(R->f, r), name, option);
    }
    int k = mtm_strmap_get(&m, v);
    if (k < 0) k = mtm_strmap_put(&m, mtm_arena_strdup(R->a, v), (int)m.n);
    ids[r] = k;
    mtm_arena_reset(&tmp);
  }
  mtm_arena_free(&tmp);
  *out = ids;
  return 0;
}

/* Builds the design of the spec: weights from a numeric question, strata
 * and clusters from any question's values. */
static int design(run *R) {
  const mtm_analysis_spec *s = R->s;
  const double *w = NULL;
  int64_t *strata = NULL, *cluster = NULL;
  if (s->weights) {
    w = s->weights;
  } else if (s->weight) {
    const mtm_frame_col *c = mtm_frame_col_find(R->f, s->weight);
    if (!c) {
      mtm_err_where(R->err, NULL, NULL, 0, NULL, s->weight);
      return mtm_err_set(R->err, MTM_ENOTFOUND, "--weight names '%s', which form '%s' does not have.",
                         s->weight, R->f->form_id);
    }
    if (c->kind != MTM_FRAME_NUM) {
      mtm_err_where(R->err, NULL, NULL, 0, NULL, s->weight);
      return mtm_err_set(R->err, MTM_EINVAL, "--weight takes a numeric question; '%s' is %s.",
                         s->weight, mtm_form_type_name(c->type));
    }
    for (long r = 0; r < R->f->nrows; r++)
      if (isnan(c->num[r])) {
        mtm_err_where(R->err, NULL, NULL, 0, NULL, s->weight);
        return mtm_err_set(R->err, MTM_EINVAL,
                           "Submission %s has no weight in '%s': every row needs one.",
                           mtm_frame_uuid(R->f, r), s->weight);
      }
    w = c->num;
  }
  if (s->strata && design_ids(R, s->strata, "--strata", &strata)) return R->err->code;
  if (s->cluster && design_ids(R, s->cluster, "--cluster", &cluster)) return R->err->code;
  /* A repeat's instances: clustered by their submission unless the design
   * has clusters (svydesign(ids = ~submission) on the repeat's rows). */
  if (!s->cluster && R->f->repeat) cluster = (int64_t *)R->f->ids;
  return mtm_analysis_design_init(&R->d, R->a, (size_t)R->f->nrows, w, strata, cluster,
                                  s->lonely, R->err);
}

/* ---- filters ----------------------------------------------------------- */

typedef struct fenv {
  const mtm_frame *f;
  long r;
  mtm_arena *a;
} fenv;

/* The value of ${name} in the current row, NULL when missing. */
static const char *flookup(void *ctx, const char *name) {
  fenv *e = ctx;
  const mtm_frame_col *c = mtm_frame_col_find(e->f, name);
  return c ? mtm_frame_value(c, e->r, e->a) : NULL;
}

typedef struct refcheck {
  const mtm_frame *f;
  const char *bad;
} refcheck;

/* Notes the first reference the frame does not have. */
static void refcb(void *ctx, const char *name) {
  refcheck *rc = ctx;
  if (!rc->bad && !mtm_frame_col_find(rc->f, name)) rc->bad = name;
}

/* The domain of a filter: dom[r] is 1 where the expression is true. */
static int filter_mask(run *R, const mtm_analysis_item *it, uint8_t *dom) {
  mtm_expr *e;
  if (mtm_expr_parse(R->a, it->filter, &e, R->err)) {
    char msg[sizeof R->err->msg];
    snprintf(msg, sizeof msg, "%s", R->err->msg);
    where(R->err, it, "filter", NULL);
    return mtm_err_set(R->err, MTM_EINVAL, "The filter '%s' cannot be read: %s.", it->filter, msg);
  }
  refcheck rc = {R->f, NULL};
  mtm_expr_refs(e, refcb, &rc);
  if (rc.bad) {
    where(R->err, it, "filter", rc.bad);
    char what[512];
    snprintf(what, sizeof what, "The filter '%s' names", it->filter);
    return absent(R, what, rc.bad, 1);
  }
  mtm_arena tmp;
  mtm_arena_init(&tmp);
  fenv env = {R->f, 0, &tmp};
  mtm_expr_env ee;
  memset(&ee, 0, sizeof ee);
  ee.lookup = flookup;
  ee.ctx = &env;
  for (long r = 0; r < R->f->nrows; r++) {
    env.r = r;
    mtm_value v;
    if (mtm_expr_eval(e, &ee, &tmp, &v, R->err)) {
      char msg[sizeof R->err->msg];
      snprintf(msg, sizeof msg, "%s", R->err->msg);
      mtm_arena_free(&tmp);
      where(R->err, it, "filter", NULL);
      return mtm_err_set(R->err, MTM_EINVAL, "The filter '%s' fails on submission %s: %s",
                         it->filter, mtm_frame_uuid(R->f, r), msg);
    }
    dom[r] = (uint8_t)mtm_value_bool(&v);
    mtm_arena_reset(&tmp);
  }
  mtm_arena_free(&tmp);
  return 0;
}

/* ---- groups ------------------------------------------------------------ */

typedef struct groups {
  int nvars;
  const mtm_frame_col *cols[8];
  int nlev[8];             /* levels of each question */
  const char **lev[8];     /* their names */
  const int32_t *codes[8]; /* per row, negative when missing */
  const char *var;  /* "A %/% B" */
  int ngroup;       /* product of the levels; 1 without groups */
  const int32_t *code; /* per row, negative when a group value is missing; NULL: none */
} groups;

typedef struct glevel {
  const char *name;
  double num;
} glevel;

/* Orders levels by number when both are numbers, else by name. */
static int glevel_cmp(const void *a, const void *b) {
  const glevel *x = a, *y = b;
  if (!isnan(x->num) && !isnan(y->num) && x->num != y->num) return x->num < y->num ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* The levels of a question that is not a select_one: its distinct values,
 * numbers in numeric order, text in byte order, and the code of every row
 * (-1 missing). Level names live in the run's arena, codes in scratch. */
static void value_levels(run *R, const mtm_frame_col *c, mtm_arena *scratch, int *nlev,
                         const char ***lev, const int32_t **codes_out) {
  long n = R->f->nrows;
  int32_t *codes = mtm_arena_alloc(scratch, sizeof *codes * (size_t)(n ? n : 1));
  mtm_strmap m;
  mtm_strmap_init(&m, scratch, 64);
  size_t cap = 16, k = 0;
  glevel *lv = malloc(sizeof *lv * cap);
  mtm_arena tmp;
  mtm_arena_init(&tmp);
  for (long r = 0; r < n && lv; r++) {
    const char *v = mtm_frame_value(c, r, &tmp);
    codes[r] = -1;
    if (v && *v) {
      int j = mtm_strmap_get(&m, v);
      if (j < 0) {
        if (k == cap) {
          glevel *g2 = realloc(lv, sizeof *lv * cap * 2);
          if (!g2) break;
          lv = g2;
          cap *= 2;
        }
        lv[k].name = mtm_arena_strdup(R->a, v);
        lv[k].num = c->kind == MTM_FRAME_NUM ? c->num[r] : NAN;
        j = mtm_strmap_put(&m, lv[k].name, (int)k);
        k++;
      }
      codes[r] = j;
    }
    mtm_arena_reset(&tmp);
  }
  mtm_arena_free(&tmp);
  *nlev = 0;
  *lev = NULL;
  *codes_out = codes;
  if (!lv) return;
  /* rank[first-appearance index] = position after sorting */
  glevel *sorted = mtm_arena_alloc(scratch, sizeof *sorted * (k ? k : 1));
  memcpy(sorted, lv, sizeof *lv * k);
  qsort(sorted, k, sizeof *sorted, glevel_cmp);
  const char **names = mtm_arena_alloc(R->a, sizeof *names * (k ? k : 1));
  int32_t *rank = mtm_arena_alloc(scratch, sizeof *rank * (k ? k : 1));
  for (size_t i = 0; i < k; i++) {
    names[i] = sorted[i].name;
    rank[mtm_strmap_get(&m, sorted[i].name)] = (int32_t)i;
  }
  for (long r = 0; r < n; r++)
    if (codes[r] >= 0) codes[r] = rank[codes[r]];
  free(lv);
  *nlev = (int)k;
  *lev = names;
}

/* Reads "A" or "A*B": questions with one value per submission (select_one
 * by its codes, others by their distinct values) whose levels cross into
 * one group index per row. */
static int group_parse(run *R, const mtm_analysis_item *it, groups *g, mtm_arena *scratch) {
  memset(g, 0, sizeof *g);
  g->ngroup = 1;
  if (!it->group || !*it->group) return 0;
  char *s = mtm_arena_strdup(R->a, it->group);
  mtm_buf var;
  mtm_buf_init(&var);
  int rc = 0;
  char *save = NULL; /* strtok_r: items run on several threads */
  for (char *t = strtok_r(s, "*", &save); t; t = strtok_r(NULL, "*", &save)) {
    while (*t == ' ') t++;
    size_t l = strlen(t);
    while (l && t[l - 1] == ' ') t[--l] = 0;
    const mtm_frame_col *c = mtm_frame_col_find(R->f, t);
    if (!c) {
      where(R->err, it, "group_var", t);
      char what[512];
      snprintf(what, sizeof what, "The group '%s' names", it->group);
      rc = absent(R, what, t, 0);
      break;
    }
    if (c->kind == MTM_FRAME_BITS) {
      where(R->err, it, "group_var", t);
      rc = mtm_err_set(R->err, MTM_EINVAL,
                       "A group takes one value per submission; '%s' is %s.", t,
                       mtm_form_type_name(c->type));
      break;
    }
    int nl;
    const char **lv;
    const int32_t *cd;
    if (c->kind == MTM_FRAME_CODES) {
      nl = c->nlevels;
      lv = c->levels;
      cd = c->codes;
    } else
      value_levels(R, c, scratch, &nl, &lv, &cd);
    if (g->nvars == 8 || (long)g->ngroup * (nl ? nl : 1) > 1000000) {
      where(R->err, it, "group_var", t);
      rc = mtm_err_set(R->err, MTM_EINVAL, "The group '%s' crosses too many questions or levels.",
                       it->group);
      break;
    }
    if (g->nvars) mtm_buf_adds(&var, " %/% ");
    mtm_buf_adds(&var, c->name);
    g->cols[g->nvars] = c;
    g->nlev[g->nvars] = nl;
    g->lev[g->nvars] = lv;
    g->codes[g->nvars++] = cd;
    g->ngroup *= nl ? nl : 1;
  }
  if (!rc) {
    g->var = mtm_arena_strdup(R->a, var.p ? var.p : "");
    long n = R->f->nrows;
    int32_t *code = g->nvars == 1 ? NULL : mtm_arena_alloc(scratch, sizeof *code * (size_t)(n ? n : 1));
    g->code = g->nvars == 1 ? g->codes[0] : code; /* one question: its own codes */
    for (long r = 0; code && r < n; r++) {
      int32_t k = 0;
      for (int i = 0; i < g->nvars; i++) {
        int32_t c = g->codes[i][r];
        if (c < 0) {
          k = -1;
          break;
        }
        k = k * g->nlev[i] + c;
      }
      code[r] = k;
    }
  }
  mtm_buf_free(&var);
  return rc;
}

/* The label of choice name in column c's list in the run's language, NULL
 * when it has none. */
static const char *choice_label(run *R, const mtm_frame_col *c, const char *name) {
  if (!c->q || !c->q->list) return NULL;
  const mtm_choice *ch = mtm_form_choice(c->q->list, name);
  return ch ? mtm_form_label(R->f->form, ch->labels, R->s->lang) : NULL;
}

/* Fills the group value and its label of group index k. */
static void group_value(run *R, const groups *g, int k, mtm_analysis_row *row) {
  if (!g->nvars) return;
  int codes[8];
  for (int i = g->nvars - 1; i >= 0; i--) {
    codes[i] = k % g->nlev[i];
    k /= g->nlev[i];
  }
  mtm_buf v, l;
  mtm_buf_init(&v);
  mtm_buf_init(&l);
  for (int i = 0; i < g->nvars; i++) {
    const char *name = g->lev[i][codes[i]];
    const char *lab = choice_label(R, g->cols[i], name);
    if (i) {
      mtm_buf_adds(&v, " %/% ");
      mtm_buf_adds(&l, " %/% ");
    }
    mtm_buf_adds(&v, name);
    mtm_buf_adds(&l, lab ? lab : name);
  }
  row->group_var = g->var;
  row->group_var_value = mtm_arena_strdup(R->a, v.p);
  row->group_value_label = mtm_arena_strdup(R->a, l.p);
  mtm_buf_free(&v);
  mtm_buf_free(&l);
}

/* ---- the indicators ---------------------------------------------------- */

/* A numeric column for an item, or NULL with err filled. */
static const mtm_frame_col *num_col(run *R, const mtm_analysis_item *it, const char *name) {
  const mtm_frame_col *c = mtm_frame_col_find(R->f, name);
  if (!c) {
    where(R->err, it, "analysis_var", name);
    char what[256];
    snprintf(what, sizeof what, "%s names", it->type);
    absent(R, what, name, 0);
    return NULL;
  }
  if (c->kind != MTM_FRAME_NUM) {
    where(R->err, it, "analysis_var", name);
    mtm_err_set(R->err, MTM_EINVAL, "%s takes a numeric question; '%s' is %s.", it->type, name,
                mtm_form_type_name(c->type));
    return NULL;
  }
  return c;
}

/* The common fields of a result row. */
static mtm_analysis_row *start_row(run *R, const mtm_analysis_item *it, const char *var,
                                   const mtm_frame_col *c, const groups *g, int k) {
  mtm_analysis_row *row = add_row(R);
  if (!row) return NULL;
  row->analysis_type = it->type;
  row->analysis_var = var;
  row->var_label = it->label && *it->label
                       ? it->label
                       : (c && c->q ? mtm_form_label(R->f->form, c->q->labels, R->s->lang) : NULL);
  row->label = it->label;
  row->filter = it->filter;
  group_value(R, g, k, row);
  return row;
}

/* Shares of the levels of codes (one row per level, or only level "only"
 * when only >= 0) in every present group. */
static int shares(run *R, const mtm_analysis_item *it, const mtm_frame_col *c, const int32_t *codes,
                  int nlev, int only, const char *value, const groups *g, const uint8_t *dom,
                  const uint8_t *present) {
  mtm_analysis_est *out = malloc(sizeof *out * (size_t)nlev * (size_t)g->ngroup);
  if (!out) return mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
  if (mtm_analysis_shares_by(&R->d, codes, nlev, g->code, g->ngroup, dom, &R->o, out)) {
    free(out);
    return mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
  }
  for (int k = 0; k < g->ngroup; k++) {
    if (!present[k]) continue;
    for (int l = 0; l < nlev; l++) {
      if (only >= 0 && l != only) continue;
      mtm_analysis_row *row = start_row(R, it, c->name, c, g, k);
      if (!row) {
        free(out);
        return mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
      }
      const char *v = value ? value : c->levels[l];
      row->analysis_var_value = v;
      const char *lab = choice_label(R, c, v);
      row->value_label = lab ? lab : v;
      row->e = out[(size_t)k * (size_t)nlev + (size_t)l];
    }
  }
  free(out);
  return 0;
}

/* The shares of every option of a select_multiple in every present group,
 * in one pass (rows option by option, groups within). Returns 0, an error
 * code, or 1 when the fused pass does not apply (see
 * mtm_analysis_options_by). */
static int options(run *R, const mtm_analysis_item *it, const mtm_frame_col *c, const groups *g,
                   const uint8_t *dom, const uint8_t *present) {
  size_t K = (size_t)c->nlist, G = (size_t)g->ngroup;
  mtm_analysis_est *out = malloc(sizeof *out * (K * G + 1));
  if (!out) return mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
  int rc = mtm_analysis_options_by(&R->d, c->bits, c->words, c->missing, c->nlist, g->code,
                                   g->ngroup, dom, &R->o, out);
  if (rc) {
    free(out);
    return rc < 0 ? mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.") : 1;
  }
  for (size_t i = 0; i < K; i++)
    for (size_t k = 0; k < G; k++) {
      if (!present[k]) continue;
      mtm_analysis_row *row = start_row(R, it, c->name, c, g, (int)k);
      if (!row) {
        free(out);
        return mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
      }
      const char *v = c->levels[i];
      row->analysis_var_value = v;
      const char *lab = choice_label(R, c, v);
      row->value_label = lab ? lab : v;
      row->e = out[k * K + i];
    }
  free(out);
  return 0;
}

/* The mean (kind 1) or median (kind 2) of c in every present group, in
 * passes over the rows shared by the groups. Returns 0, an error code, or
 * 1 when the fused passes do not apply. */
static int by_groups(run *R, const mtm_analysis_item *it, const mtm_frame_col *c,
                     const groups *g, int kind, const uint32_t *order, size_t norder,
                     const double *ys, const double *ws,
                     const uint8_t *dom, const uint8_t *present) {
  mtm_analysis_est *out = malloc(sizeof *out * ((size_t)g->ngroup + 1));
  if (!out) return mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
  int rc = kind == 1 ? mtm_analysis_mean_by(&R->d, c->num, g->code, g->ngroup, dom, &R->o, out)
                     : mtm_analysis_quantile_by(&R->d, c->num, order, norder, ys, ws, 0.5, g->code,
                                                g->ngroup, dom, &R->o, out);
  if (rc) {
    free(out);
    return rc < 0 ? mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.") : 1;
  }
  for (int k = 0; k < g->ngroup; k++) {
    if (!present[k]) continue;
    mtm_analysis_row *row = start_row(R, it, it->var, c, g, k);
    if (!row) {
      free(out);
      return mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
    }
    row->e = out[k];
  }
  free(out);
  return 0;
}

/* --ci-df design: sets the run's df to that of the full design of the
 * item, as srvyr's degf(cur_svy_full()) after analysistools' filter on
 * the variable: the rows in the filter's domain with a value of c (and of
 * x, a ratio's denominator), every group together. */
static void full_df(run *R, const mtm_frame_col *c, const mtm_frame_col *x, const uint8_t *dom,
                    mtm_arena *scratch) {
  long n = R->f->nrows;
  uint8_t *rows = mtm_arena_alloc(scratch, (size_t)(n ? n : 1));
  for (long r = 0; r < n; r++) {
    int in = !dom || dom[r];
    const mtm_frame_col *cs[2] = {c, x};
    for (int k = 0; k < 2 && in; k++) {
      const mtm_frame_col *v = cs[k];
      if (!v) continue;
      if (v->kind == MTM_FRAME_CODES) in = v->codes[r] >= 0;
      else if (v->kind == MTM_FRAME_NUM) in = !isnan(v->num[r]);
      else in = !mtm_frame_is_missing(v, r);
    }
    rows[r] = (uint8_t)in;
  }
  R->o.df = (double)mtm_analysis_degf(&R->d, rows);
}

/* Runs one plan item; its per-row arrays live in scratch, freed by the
 * caller after the item. */
static int item_run(run *R, const mtm_analysis_item *it, mtm_arena *scratch) {
  long n = R->f->nrows;
  size_t nz = (size_t)(n ? n : 1);
  uint8_t *dom = NULL;
  if (it->filter && *it->filter) {
    dom = mtm_arena_alloc(scratch, nz);
    if (filter_mask(R, it, dom)) return R->err->code;
  }
  if (R->s->domain) { /* the eligible respondents: a domain too */
    if (!dom) {
      dom = mtm_arena_alloc(scratch, nz);
      memcpy(dom, R->s->domain, (size_t)n);
    } else
      for (long r = 0; r < n; r++) dom[r] = dom[r] && R->s->domain[r];
  }
  groups g;
  if (group_parse(R, it, &g, scratch)) return R->err->code;
  uint8_t *present = mtm_arena_alloc(scratch, (size_t)g.ngroup);
  memset(present, 0, (size_t)g.ngroup);
  for (long r = 0; r < n; r++) {
    if (dom && !dom[r]) continue;
    int k = g.code ? g.code[r] : 0;
    if (k >= 0) present[k] = 1;
  }
  if (!g.code) present[0] = 1;
  const char *t = it->type;
  if (strcmp(t, "prop_select_one") == 0 || strcmp(t, "prop_select_multiple") == 0) {
    int one = t[12] == 'o';
    const mtm_frame_col *c = mtm_frame_col_find(R->f, it->var);
    if (!c) {
      where(R->err, it, "analysis_var", it->var);
      char what[256];
      snprintf(what, sizeof what, "%s names", t);
      return absent(R, what, it->var, 0);
    }
    if (c->kind != (one ? MTM_FRAME_CODES : MTM_FRAME_BITS)) {
      where(R->err, it, "analysis_var", it->var);
      return mtm_err_set(R->err, MTM_EINVAL, "%s takes a %s question; '%s' is %s.", t,
                         one ? "select_one" : "select_multiple", it->var,
                         mtm_form_type_name(c->type));
    }
    if (R->o.design_df == MTM_ANALYSIS_DF_FIXED) full_df(R, c, NULL, dom, scratch);
    if (one) return shares(R, it, c, c->codes, c->nlevels, -1, NULL, &g, dom, present);
    int rc = options(R, it, c, &g, dom, present);
    if (rc <= 0) return rc;
    int32_t *codes = mtm_arena_alloc(scratch, sizeof *codes * nz);
    for (int i = 0; i < c->nlist; i++) {
      for (long r = 0; r < n; r++)
        codes[r] = mtm_frame_is_missing(c, r) ? -1 : mtm_frame_bit(c, r, i);
      if (shares(R, it, c, codes, 2, 1, c->levels[i], &g, dom, present)) return R->err->code;
    }
    return 0;
  }
  int kind = strcmp(t, "mean") == 0     ? 1
             : strcmp(t, "median") == 0 ? 2
             : strcmp(t, "total") == 0  ? 3
             : strcmp(t, "ratio") == 0  ? 4
                                        : 0;
  if (!kind) {
    where(R->err, it, "analysis_type", it->var);
    return mtm_err_set(R->err, MTM_EINVAL,
                       "The analysis type '%s' is not one of prop_select_one, "
                       "prop_select_multiple, mean, median, total, ratio.",
                       t);
  }
  const mtm_frame_col *c, *x = NULL;
  if (kind == 4) {
    const char *comma = strchr(it->var, ',');
    if (!comma) {
      where(R->err, it, "analysis_var", it->var);
      return mtm_err_set(R->err, MTM_EINVAL,
                         "A ratio names its numerator and denominator as 'num,den', not '%s'.",
                         it->var);
    }
    char *num = mtm_arena_strdup(R->a, it->var);
    num[comma - it->var] = 0;
    const char *den = num + (comma - it->var) + 1;
    while (*den == ' ') den++;
    if (!(c = num_col(R, it, num)) || !(x = num_col(R, it, den))) return R->err->code;
  } else if (!(c = num_col(R, it, it->var)))
    return R->err->code;
  if (R->o.design_df == MTM_ANALYSIS_DF_FIXED) full_df(R, c, x, dom, scratch);
  const uint32_t *order = NULL;
  const double *ys = NULL, *ws = NULL;
  size_t norder = 0;
  if (kind == 2 && !(order = order_of(R, c, &norder, &ys, &ws)))
    return mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
  if (g.code && (kind == 1 || kind == 2)) {
    int rc = by_groups(R, it, c, &g, kind, order, norder, ys, ws, dom, present);
    if (rc <= 0) return rc;
  }
  uint8_t *gd = g.code ? mtm_arena_alloc(scratch, nz) : NULL;
  int rc = 0;
  for (int k = 0; k < g.ngroup && !rc; k++) {
    if (!present[k]) continue;
    const uint8_t *d = dom;
    if (g.code) {
      for (long r = 0; r < n; r++) gd[r] = g.code[r] == k && (!dom || dom[r]);
      d = gd;
    }
    mtm_analysis_row *row = start_row(R, it, it->var, kind == 4 ? NULL : c, &g, k);
    if (!row) {
      rc = mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
      break;
    }
    if (kind == 1) mtm_analysis_mean(&R->d, c->num, d, &R->o, &row->e);
    else if (kind == 3) mtm_analysis_total(&R->d, c->num, d, &R->o, &row->e);
    else if (kind == 4) mtm_analysis_ratio(&R->d, c->num, x->num, d, &R->o, &row->e);
    else if (mtm_analysis_quantile_sorted(&R->d, c->num, order, norder, 0.5, d, &R->o, &row->e))
      rc = mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
  }
  return rc;
}

/* Runs one plan item with a scratch arena of its own. */
static int item(run *R, const mtm_analysis_item *it) {
  mtm_arena scratch;
  mtm_arena_init(&scratch);
  size_t before = R->n;
  int rc = item_run(R, it, &scratch);
  mtm_arena_free(&scratch);
  /* --ci-df design: the rows' df is the full design's, which their
   * intervals used (a median keeps its own). */
  if (!rc && R->o.design_df == MTM_ANALYSIS_DF_FIXED && strcmp(it->type, "median") != 0)
    for (size_t i = before; i < R->n; i++) R->rows[i].e.df = (long)R->o.df;
  return rc;
}

/* ---- items on several threads --------------------------------------------- */

/* The items run on worker threads that take the next item from a shared
 * counter; each worker appends its rows to its own table and allocates in
 * its own arena and error, and the rows are gathered in item order
 * afterwards, so the result is the same as one thread's. The worker reads
 * the frame, the form and the design, which nothing writes during the run. */

typedef struct pool {
  const mtm_analysis_item *items;
  int nitems;
  atomic_int next;     /* the next item to take */
  atomic_int stop;     /* set by a failing item: take no more */
  size_t *start, *count; /* per item: its rows in its worker's table */
  int *owner;          /* per item: the worker that ran it */
} pool;

typedef struct worker {
  pool *p;
  int id;
  run R;
  mtm_arena a;
  mtm_err err;
  int fail; /* the item that failed, nitems when none */
} worker;

/* The threads for a run: MTM_ANALYSE_THREADS when set (1 to 16, at any
 * size: the tests use it), else the online processors up to 4, or 1 for
 * frames under 20,000 rows; 1 for a single item. */
static int threads(long nrows, int nitems) {
  const char *e = getenv("MTM_ANALYSE_THREADS");
  long t;
  if (e && *e) {
    t = strtol(e, NULL, 10);
    if (t > 16) t = 16;
  } else {
    t = sysconf(_SC_NPROCESSORS_ONLN);
    if (t > 4) t = 4;
    if (nrows < 20000) t = 1;
  }
  if (t < 1 || nitems < 2) t = 1;
  return (int)t;
}

/* A worker: runs items until none is left or one fails. */
static void *work(void *arg) {
  worker *w = arg;
  pool *p = w->p;
  while (!atomic_load(&p->stop)) {
    int i = atomic_fetch_add(&p->next, 1);
    if (i >= p->nitems) break;
    size_t before = w->R.n;
    if (item(&w->R, &p->items[i])) {
      w->fail = i;
      atomic_store(&p->stop, 1);
      break;
    }
    p->start[i] = before;
    p->count[i] = w->R.n - before;
    p->owner[i] = w->id;
  }
  return NULL;
}

/* Runs the items on nt threads and gathers their rows in item order into
 * out (strings from the workers' arenas copied into the run's arena). On a
 * failure, the error is the first failing item's, as on one thread: every
 * item before it was taken, and so finished, before it. */
static int run_parallel(run *R, const mtm_analysis_item *items, int nitems, int nt,
                        mtm_analysis_result *out) {
  pool p;
  memset(&p, 0, sizeof p);
  p.items = items;
  p.nitems = nitems;
  atomic_init(&p.next, 0);
  atomic_init(&p.stop, 0);
  p.start = calloc((size_t)nitems, sizeof *p.start);
  p.count = calloc((size_t)nitems, sizeof *p.count);
  p.owner = calloc((size_t)nitems, sizeof *p.owner);
  worker *ws = calloc((size_t)nt, sizeof *ws);
  pthread_t *tid = calloc((size_t)nt, sizeof *tid);
  int *started = calloc((size_t)nt, sizeof *started);
  if (!p.start || !p.count || !p.owner || !ws || !tid || !started) {
    free(p.start);
    free(p.count);
    free(p.owner);
    free(ws);
    free(tid);
    free(started);
    return mtm_err_set(R->err, MTM_ENOMEM, "Out of memory.");
  }
  for (int t = 0; t < nt; t++) {
    worker *w = &ws[t];
    w->p = &p;
    w->id = t;
    w->fail = nitems;
    mtm_arena_init(&w->a);
    mtm_err_clear(&w->err);
    w->R = *R;
    w->R.a = &w->a;
    w->R.err = &w->err;
    w->R.rows = NULL;
    w->R.n = w->R.cap = 0;
  }
  /* Worker 0 runs on this thread; if a thread cannot start, the others
   * take its share. */
  for (int t = 1; t < nt; t++) started[t] = pthread_create(&tid[t], NULL, work, &ws[t]) == 0;
  work(&ws[0]);
  for (int t = 1; t < nt; t++)
    if (started[t]) pthread_join(tid[t], NULL);
  int fail = nitems, fw = -1;
  for (int t = 0; t < nt; t++)
    if (ws[t].fail < fail) fail = ws[t].fail, fw = t;
  int rc = 0;
  if (fw >= 0) {
    *R->err = ws[fw].err;
    rc = R->err->code;
  } else {
    size_t n = 0;
    for (int i = 0; i < nitems; i++) n += p.count[i];
    out->rows = mtm_arena_alloc(R->a, sizeof *out->rows * (n ? n : 1));
    size_t k = 0;
    for (int i = 0; i < nitems; i++)
      for (size_t j = 0; j < p.count[i]; j++) {
        mtm_analysis_row *r = &out->rows[k++];
        *r = ws[p.owner[i]].R.rows[p.start[i] + j];
        if (r->group_var) r->group_var = mtm_arena_strdup(R->a, r->group_var);
        if (r->group_var_value) r->group_var_value = mtm_arena_strdup(R->a, r->group_var_value);
        if (r->group_value_label)
          r->group_value_label = mtm_arena_strdup(R->a, r->group_value_label);
      }
    out->n = n;
  }
  for (int t = 0; t < nt; t++) {
    free(ws[t].R.rows);
    orders_free(&ws[t].R);
    mtm_arena_free(&ws[t].a);
  }
  free(p.start);
  free(p.count);
  free(p.owner);
  free(ws);
  free(tid);
  free(started);
  return rc;
}

int mtm_analysis_run(const mtm_frame *f, const mtm_analysis_spec *s,
                     const mtm_analysis_item *items, int nitems, mtm_arena *a,
                     mtm_analysis_result *out, mtm_err *err) {
  /* Builds the design once, runs every item, and copies the rows into the
   * arena. */
  run R;
  memset(&R, 0, sizeof R);
  R.f = f;
  R.s = s;
  R.a = a;
  R.err = err;
  R.o.ci = s->ci;
  R.o.design_df = s->ci_df == MTM_ANALYSIS_CI_DF_DESIGN ? MTM_ANALYSIS_DF_FIXED
                  : s->ci == MTM_ANALYSIS_CI_LOGIT      ? MTM_ANALYSIS_DF_ROWS
                                                        : MTM_ANALYSIS_DF_NORMAL;
  out->n = 0;
  out->rows = NULL;
  if (design(&R)) return err->code;
  int nt = threads(R.f->nrows, nitems);
  if (nt > 1) return run_parallel(&R, items, nitems, nt, out);
  for (int i = 0; i < nitems; i++)
    if (item(&R, &items[i])) {
      free(R.rows);
      orders_free(&R);
      return err->code;
    }
  orders_free(&R);
  out->rows = mtm_arena_alloc(a, sizeof *out->rows * (R.n ? R.n : 1));
  if (R.n) memcpy(out->rows, R.rows, sizeof *out->rows * R.n);
  out->n = R.n;
  free(R.rows);
  return 0;
}

/* ---- the default plan -------------------------------------------------- */

/* 1 when name is one of the design's questions or in the group. */
static int skipped(const mtm_analysis_spec *s, const char *name, const char *group) {
  if ((s->weight && strcmp(s->weight, name) == 0) || (s->strata && strcmp(s->strata, name) == 0) ||
      (s->cluster && strcmp(s->cluster, name) == 0))
    return 1;
  if (!group) return 0;
  size_t l = strlen(name);
  for (const char *p = group; *p;) {
    const char *e = strchr(p, '*');
    size_t m = e ? (size_t)(e - p) : strlen(p);
    if (m == l && strncmp(p, name, l) == 0) return 1;
    if (!e) break;
    p = e + 1;
  }
  return 0;
}

/* 1 when a name of group ("A" or "A*B") is a question of a repeat whose
 * instances f does not hold (and no question of f's rows): a grouping the
 * default plan leaves out for f. */
static int group_elsewhere(const mtm_frame *f, const char *group) {
  char name[256];
  for (const char *p = group; p && *p;) {
    size_t n = strcspn(p, "*");
    while (n && *p == ' ') p++, n--;
    size_t m = n;
    while (m && p[m - 1] == ' ') m--;
    if (m < sizeof name) {
      memcpy(name, p, m);
      name[m] = 0;
      const char *rep = mtm_frame_repeat_of(f, name);
      if (rep && !mtm_frame_col_find(f, name) && !(f->repeat && !strcmp(rep, f->repeat)) &&
          !mtm_frame_has_main_question(f, name))
        return 1;
    }
    p += n;
    if (*p) p++;
  }
  return 0;
}

int mtm_analysis_default_plan(const mtm_frame *f, const mtm_analysis_spec *s, const char *by,
                              mtm_arena *a, mtm_analysis_item **items, int *nitems,
                              mtm_err *err) {
  /* One block of items per group (overall first), every analysable column
   * in frame order in each. */
  const char *gs[64];
  int ng = 0;
  gs[ng++] = NULL;
  if (by && *by) {
    char *b = mtm_arena_strdup(a, by);
    char *save = NULL;
    for (char *t = strtok_r(b, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
      while (*t == ' ') t++;
      if (!*t) continue;
      if (ng == 64)
        return mtm_err_set(err, MTM_EINVAL, "--by takes at most 63 groups.");
      gs[ng++] = t;
    }
  }
  mtm_analysis_item *it = mtm_arena_alloc(a, sizeof *it * (size_t)(2 * f->ncols * ng + 1));
  int n = 0;
  for (int gi = 0; gi < ng; gi++)
    for (int i = 0; i < f->ncols; i++) {
      const mtm_frame_col *c = &f->cols[i];
      if (gi && group_elsewhere(f, gs[gi])) break;
      if (c->from_parent || skipped(s, c->name, gs[gi])) continue;
      const char *types[2] = {NULL, NULL};
      if (c->kind == MTM_FRAME_CODES && c->type == MTM_Q_SELECT_ONE) types[0] = "prop_select_one";
      else if (c->kind == MTM_FRAME_BITS) types[0] = "prop_select_multiple";
      else if (c->kind == MTM_FRAME_NUM && (c->type == MTM_Q_INTEGER || c->type == MTM_Q_DECIMAL)) {
        types[0] = "mean";
        types[1] = "median";
      }
      for (int k = 0; k < 2 && types[k]; k++) {
        memset(&it[n], 0, sizeof it[n]);
        it[n].type = types[k];
        it[n].var = c->name;
        it[n].group = gs[gi];
        n++;
      }
    }
  *items = it;
  *nitems = n;
  return 0;
}

/* ---- output ------------------------------------------------------------ */

const char *mtm_analysis_key(const mtm_analysis_row *r, mtm_arena *a) {
  /* type @/@ var %/% value @/@ group pairs joined by " -/- " (NA when
   * none), as REACH's analysistools writes it; a plan row with a filter
   * adds " @/@ filter %/% EXPR", so that two rows that differ only by
   * their sub-population never share a key. */
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_printf(&b, "%s @/@ %s %%/%% %s @/@ ", r->analysis_type, r->analysis_var,
                 r->analysis_var_value ? r->analysis_var_value : "NA");
  if (!r->group_var) mtm_buf_adds(&b, "NA %/% NA");
  else {
    const char *gv = r->group_var, *vv = r->group_var_value;
    for (int first = 1;; first = 0) {
      const char *ge = strstr(gv, " %/% "), *ve = strstr(vv, " %/% ");
      if (!first) mtm_buf_adds(&b, " -/- ");
      mtm_buf_add(&b, gv, ge ? (size_t)(ge - gv) : strlen(gv));
      mtm_buf_adds(&b, " %/% ");
      mtm_buf_add(&b, vv, ve ? (size_t)(ve - vv) : strlen(vv));
      if (!ge || !ve) break;
      gv = ge + 5;
      vv = ve + 5;
    }
  }
  if (r->filter && *r->filter) {
    mtm_buf_adds(&b, " @/@ filter %/% ");
    mtm_buf_adds(&b, r->filter);
  }
  const char *s = mtm_arena_strdup(a, b.p);
  mtm_buf_free(&b);
  return s;
}

/* A number as text: 15 significant digits, "" for NaN. */
static const char *num(double v, char *buf) {
  if (isnan(v)) return "";
  if (isinf(v)) return v > 0 ? "Inf" : "-Inf";
  if (v == 0) v = 0; /* no "-0" */
  snprintf(buf, 32, "%.15g", v);
  return buf;
}

void mtm_analysis_write(const mtm_analysis_result *res, int format, mtm_buf *b, mtm_arena *a) {
  /* The table without extra columns. */
  mtm_analysis_write_ext(res, NULL, format, b, a);
}

const char *const mtm_analysis_columns[MTM_ANALYSIS_NCOLS] = {
    "analysis_type", "analysis_var", "analysis_var_value", "group_var",
    "group_var_value", "stat", "stat_low", "stat_upp", "se", "n", "n_total", "n_w",
    "n_w_total", "analysis_key", "analysis_var_label", "analysis_var_value_label",
    "group_var_value_label"};
enum { NC = MTM_ANALYSIS_NCOLS };

void mtm_analysis_row_cells(const mtm_analysis_row *r, char nb[][32], const char **cells,
                            mtm_arena *a) {
  /* The cells the CSV writes, NULL where it writes nothing. */
  const mtm_analysis_est *e = &r->e;
  const char *c[NC] = {r->analysis_type, r->analysis_var, r->analysis_var_value,
                       r->group_var, r->group_var_value, num(e->est, nb[0]),
                       num(e->low, nb[1]), num(e->upp, nb[2]), num(e->se, nb[3]),
                       num(e->n, nb[4]), num(e->n_total, nb[5]), num(e->n_w, nb[6]),
                       num(e->n_w_total, nb[7]), mtm_analysis_key(r, a), r->var_label,
                       r->value_label, r->group_value_label};
  memcpy(cells, c, sizeof c);
}

int mtm_analysis_write_xlsx(const mtm_analysis_result *res, const mtm_analysis_extra *x,
                            const char *path, mtm_arena *a, mtm_err *err) {
  /* One sheet "results": a bold header, then the rows; number columns as
   * numbers (Inf as text), empty cells left empty. */
  FILE *probe = fopen(path, "wb");
  if (!probe) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the file");
  }
  fclose(probe);
  lxw_workbook *wb = workbook_new(path);
  if (!wb) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot create the workbook");
  }
  lxw_worksheet *ws = workbook_add_worksheet(wb, "results");
  lxw_format *bold = workbook_add_format(wb);
  format_set_bold(bold);
  int nx = x ? x->ncols : 0;
  for (int c = 0; c < NC + nx; c++)
    worksheet_write_string(ws, 0, (lxw_col_t)c, c < NC ? mtm_analysis_columns[c] : x->names[c - NC], bold);
  char nb[9][32];
  for (size_t i = 0; i < res->n; i++) {
    const char *cells[NC];
    mtm_analysis_row_cells(&res->rows[i], nb, cells, a);
    lxw_row_t row = (lxw_row_t)(i + 1);
    for (int c = 0; c < NC + nx; c++) {
      const char *v = c < NC ? cells[c] : x->vals[i * (size_t)nx + (size_t)(c - NC)];
      int isnum = c < NC ? c >= 5 && c <= 12 : x->num[c - NC];
      if (!v || !*v) continue;
      char *end;
      double d = strtod(v, &end);
      if (isnum && !*end && isfinite(d)) worksheet_write_number(ws, row, (lxw_col_t)c, d, NULL);
      else worksheet_write_string(ws, row, (lxw_col_t)c, v, NULL);
    }
  }
  worksheet_freeze_panes(ws, 1, 0);
  lxw_error xe = workbook_close(wb);
  if (xe != LXW_NO_ERROR) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the workbook: %s", lxw_strerror(xe));
  }
  return 0;
}

/* Appends the extra cells to the CSV row just written. */
static void extra_csv(mtm_buf *b, const mtm_analysis_extra *x, const char *const *cells) {
  /* Rewrites the row's newline: the 17 columns, then the extra ones. */
  if (b->n && b->p[b->n - 1] == '\n') b->n--;
  if (b->n && b->p[b->n - 1] == '\r') b->n--;
  mtm_buf b2;
  mtm_buf_init(&b2);
  const char *row[64];
  int n = x->ncols < 64 ? x->ncols : 64;
  for (int k = 0; k < n; k++) row[k] = cells[k] ? cells[k] : "";
  mtm_buf_add_csv_row(&b2, n, row);
  mtm_buf_adds(b, ",");
  mtm_buf_add(b, b2.p, b2.n);
  mtm_buf_free(&b2);
}

void mtm_analysis_write_ext(const mtm_analysis_result *res, const mtm_analysis_extra *x,
                            int format, mtm_buf *b, mtm_arena *a) {
  /* CSV with a header, or a JSON array of objects; the extra columns come
   * last. */
  if (x && !x->ncols) x = NULL;
  if (format == 0) mtm_buf_add_csv_row(b, NC, mtm_analysis_columns);
  else mtm_buf_adds(b, "[");
  if (format == 0 && x) extra_csv(b, x, x->names);
  char nb[9][32];
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    const mtm_analysis_est *e = &r->e;
    const char *cells[NC];
    mtm_analysis_row_cells(r, nb, cells, a);
    if (format == 0) {
      for (int k = 0; k < NC; k++)
        if (!cells[k]) cells[k] = "";
      mtm_buf_add_csv_row(b, NC, cells);
      if (x) extra_csv(b, x, x->vals + i * (size_t)x->ncols);
      continue;
    }
    mtm_buf_adds(b, i ? ",\n {" : "\n {");
    for (int k = 0; k < NC; k++) {
      if (k) mtm_buf_adds(b, ", ");
      mtm_buf_add_json(b, mtm_analysis_columns[k]);
      mtm_buf_adds(b, ": ");
      if (k >= 5 && k <= 12) mtm_buf_adds(b, *cells[k] && cells[k][0] != 'I' && cells[k][1] != 'I' ? cells[k] : "null");
      else mtm_buf_add_json_or_null(b, cells[k]);
    }
    const char *deff = num(e->deff, nb[8]);
    mtm_buf_adds(b, ", \"deff\": ");
    mtm_buf_adds(b, *deff && deff[0] != 'I' && deff[1] != 'I' ? deff : "null");
    for (int k = 0; x && k < x->ncols; k++) {
      const char *v = x->vals[i * (size_t)x->ncols + (size_t)k];
      mtm_buf_adds(b, ", ");
      mtm_buf_add_json(b, x->names[k]);
      mtm_buf_adds(b, ": ");
      if (x->num[k]) mtm_buf_adds(b, v && *v && v[0] != 'I' && v[1] != 'I' ? v : "null");
      else mtm_buf_add_json_or_null(b, v);
    }
    if (x && x->json_reason && x->json_reason[i]) {
      mtm_buf_adds(b, ", \"compare_reason\": ");
      mtm_buf_add_json(b, x->json_reason[i]);
    }
    mtm_buf_adds(b, "}");
  }
  if (format != 0) mtm_buf_adds(b, res->n ? "\n]\n" : "]\n");
}
