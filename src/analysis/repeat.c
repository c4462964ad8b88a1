/* Repeat groups in analysis: which repeat a plan item belongs to, the
 * default plan over each repeat's questions, and runs over the repeats'
 * frames (see "repeat groups" in analysis.h). */
#include "analysis/analysis.h"
#include "frame/frame.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

/* A set of names, in the order first added, in an arena. */
typedef struct names {
  const char **v;
  int n, cap;
} names;

/* Adds the n bytes at p (spaces around them trimmed) unless empty or there. */
static void names_add(names *ns, mtm_arena *a, const char *p, size_t n) {
  while (n && *p == ' ') p++, n--;
  while (n && p[n - 1] == ' ') n--;
  if (!n) return;
  for (int i = 0; i < ns->n; i++)
    if (strlen(ns->v[i]) == n && !strncmp(ns->v[i], p, n)) return;
  if (ns->n == ns->cap) {
    int cap = ns->cap ? ns->cap * 2 : 16;
    const char **v = mtm_arena_alloc(a, sizeof *v * (size_t)cap);
    if (ns->n) memcpy(v, ns->v, sizeof *v * (size_t)ns->n);
    ns->v = v;
    ns->cap = cap;
  }
  ns->v[ns->n++] = mtm_arena_strndup(a, p, n);
}

/* Adds every name of list, separated by any of seps. */
static void names_split(names *ns, mtm_arena *a, const char *list, const char *seps) {
  for (const char *p = list; p && *p;) {
    size_t n = strcspn(p, seps);
    names_add(ns, a, p, n);
    p += n;
    if (*p) p++;
  }
}

typedef struct refs {
  names *ns;
  mtm_arena *a;
} refs;

/* Collects a filter's ${name}. */
static void ref_add(void *ctx, const char *name) {
  refs *r = ctx;
  names_add(r->ns, r->a, name, strlen(name));
}

/* The ${name}s of a filter (none when it cannot be read: the run says why). */
static void filter_names(const char *filter, mtm_arena *a, names *ns) {
  if (!filter || !*filter) return;
  mtm_expr *e;
  mtm_err err;
  mtm_err_clear(&err);
  if (mtm_expr_parse(a, filter, &e, &err)) return;
  refs r = {ns, a};
  mtm_expr_refs(e, ref_add, &r);
}

/* Where a name lives: "" for a question of the submissions (or a column of
 * f), a repeat's name for a question inside it, NULL when the form has no
 * such question. */
static const char *level_of(const mtm_frame *f, const char *name) {
  if (mtm_frame_col_find(f, name) || mtm_frame_has_main_question(f, name)) return "";
  return mtm_frame_repeat_of(f, name);
}

const char *mtm_analysis_item_repeat(const mtm_frame *f, const mtm_analysis_item *it) {
  /* The analysis_var decides (a ratio's numerator). */
  char name[256];
  const char *v = it->var ? it->var : "";
  size_t n = strcspn(v, ",");
  while (n && *v == ' ') v++, n--;
  while (n && v[n - 1] == ' ') n--;
  if (n >= sizeof name) return NULL;
  memcpy(name, v, n);
  name[n] = 0;
  const char *lv = level_of(f, name);
  return lv && *lv ? lv : NULL;
}

/* 1 when repeat anc encloses repeat rep. */
static int encloses(const mtm_frame *f, const char *anc, const char *rep) {
  for (const char *p = mtm_frame_repeat_parent(f, rep); p; p = mtm_frame_repeat_parent(f, p))
    if (!strcmp(p, anc)) return 1;
  return 0;
}

/* Fails, naming the plan item, when its group, filter or ratio denominator
 * names a question of a repeat other than the item's own (rep, NULL for
 * the submissions). */
static int item_check(const mtm_frame *f, const mtm_analysis_item *it, const char *rep,
                      mtm_arena *a, mtm_err *err) {
  static const char *const cols[3] = {"analysis_var", "group_var", "filter"};
  for (int k = 0; k < 3; k++) {
    names ns = {0};
    if (k == 0 && it->var && strchr(it->var, ',')) names_split(&ns, a, strchr(it->var, ',') + 1, ",");
    if (k == 1) names_split(&ns, a, it->group, "*");
    if (k == 2) filter_names(it->filter, a, &ns);
    for (int i = 0; i < ns.n; i++) {
      const char *name = ns.v[i], *lv = level_of(f, name);
      if (!lv || !*lv || (rep && !strcmp(lv, rep))) continue;
      mtm_err_where(err, it->file, NULL, it->file ? it->row : 0, it->file ? cols[k] : NULL, name);
      if (!rep)
        return mtm_err_set(err, MTM_EINVAL,
                           "'%s' is a question of repeat '%s', and '%s' a question of the "
                           "submission: a figure over the submissions takes groups and filters "
                           "of the submission's questions.",
                           name, lv, it->var);
      if (encloses(f, lv, rep))
        return mtm_err_set(err, MTM_EINVAL,
                           "'%s' is a question of repeat '%s', and '%s' of repeat '%s' nested in "
                           "it: the workspace links each instance of '%s' to its submission, not "
                           "to the instance of '%s' it was asked in, so the two cannot be "
                           "analysed together; group or filter by the submission's questions.",
                           name, lv, it->var, rep, rep, lv);
      return mtm_err_set(err, MTM_EINVAL,
                         "'%s' is a question of repeat '%s', and '%s' of repeat '%s': the "
                         "instances of two repeats cannot be matched.",
                         name, lv, it->var, rep);
    }
  }
  return 0;
}

/* 1 when every name of group is a question of the submissions, of repeat
 * rep, or unknown (the run reports it). */
static int group_fits(const mtm_frame *f, const char *group, const char *rep, mtm_arena *a) {
  names ns = {0};
  names_split(&ns, a, group, "*");
  for (int i = 0; i < ns.n; i++) {
    const char *lv = level_of(f, ns.v[i]);
    if (lv && *lv && strcmp(lv, rep) != 0) return 0;
  }
  return 1;
}

/* 1 when name is one of the design's questions or in the group. */
static int skipped(const mtm_analysis_spec *s, const char *name, const char *group, mtm_arena *a) {
  if ((s->weight && !strcmp(s->weight, name)) || (s->strata && !strcmp(s->strata, name)) ||
      (s->cluster && !strcmp(s->cluster, name)))
    return 1;
  names ns = {0};
  names_split(&ns, a, group, "*");
  for (int i = 0; i < ns.n; i++)
    if (!strcmp(ns.v[i], name)) return 1;
  return 0;
}

int mtm_analysis_default_plan_all(mtm_store *st, const mtm_frame *f, const mtm_analysis_spec *s,
                                  const char *by, mtm_arena *a, mtm_analysis_item **items,
                                  int *nitems, mtm_err *err) {
  /* The submissions' items, then each repeat with instances: its
   * questions in every grouping that fits it. */
  mtm_analysis_item *mi;
  int mn;
  if (mtm_analysis_default_plan(f, s, by, a, &mi, &mn, err)) return err->code;
  *items = mi;
  *nitems = mn;
  const char **reps;
  int nr = mtm_frame_repeats(f, a, &reps);
  if (!nr) return 0;
  mtm_store_formref fr;
  char **cn;
  long *cc;
  int nc;
  if (mtm_store_form_find(st, f->form_id, a, &fr, err) ||
      mtm_store_repeat_counts(st, fr.id, f->round, a, &cn, &cc, &nc, err))
    return err->code;
  names gs = {0};
  names_split(&gs, a, by, ",");
  int ng = gs.n + 1, cap = mn, n = mn;
  const mtm_question ***qs = mtm_arena_alloc(a, sizeof *qs * (size_t)nr);
  int *nq = mtm_arena_zalloc(a, sizeof *nq * (size_t)nr);
  for (int r = 0; r < nr; r++) {
    long count = 0;
    for (int k = 0; k < nc; k++)
      if (!strcmp(cn[k], reps[r])) count = cc[k];
    if (count > 0) nq[r] = mtm_frame_repeat_questions(f, reps[r], a, &qs[r]);
    cap += 2 * nq[r] * ng;
  }
  mtm_analysis_item *it = mtm_arena_alloc(a, sizeof *it * (size_t)(cap + 1));
  if (mn) memcpy(it, mi, sizeof *it * (size_t)mn);
  for (int r = 0; r < nr; r++)
    for (int gi = 0; gi < ng && nq[r]; gi++) {
      const char *g = gi ? gs.v[gi - 1] : NULL;
      if (g && !group_fits(f, g, reps[r], a)) continue;
      for (int i = 0; i < nq[r]; i++) {
        const mtm_question *q = qs[r][i];
        if (skipped(s, q->name, g, a)) continue;
        const char *types[2] = {NULL, NULL};
        if (q->type == MTM_Q_SELECT_ONE && q->list) types[0] = "prop_select_one";
        else if (q->type == MTM_Q_SELECT_MULTIPLE && q->list) types[0] = "prop_select_multiple";
        else if (q->type == MTM_Q_INTEGER || q->type == MTM_Q_DECIMAL) {
          types[0] = "mean";
          types[1] = "median";
        }
        for (int k = 0; k < 2 && types[k]; k++) {
          memset(&it[n], 0, sizeof it[n]);
          it[n].type = types[k];
          it[n].var = q->name;
          it[n].group = g;
          n++;
        }
      }
    }
  *items = it;
  *nitems = n;
  return 0;
}

/* Copies the strings of a row that point into a repeat frame (names,
 * levels, labels) into arena a, so that the rows outlive the frame. */
static void row_keep(mtm_analysis_row *r, mtm_arena *a) {
  const char **s[] = {&r->analysis_var, &r->analysis_var_value, &r->var_label, &r->value_label,
                      &r->group_var, &r->group_var_value, &r->group_value_label};
  for (size_t i = 0; i < sizeof s / sizeof *s; i++)
    if (*s[i]) *s[i] = mtm_arena_strdup(a, *s[i]);
}

enum { MAXREP = 64 };

int mtm_analysis_run_all(mtm_store *st, const mtm_frame *f, const mtm_analysis_spec *s,
                         const mtm_analysis_item *items, int nitems, mtm_arena *a,
                         mtm_analysis_result *out, mtm_err *err) {
  /* Sorts the items by repeat, loads each repeat's frame once with the
   * columns its items name, then runs each run of consecutive items of one
   * frame, so that the rows keep the items' order. */
  out->n = 0;
  out->rows = NULL;
  const char **rep = mtm_arena_alloc(a, sizeof *rep * (size_t)(nitems ? nitems : 1));
  const char *reps[MAXREP];
  names cols[MAXREP];
  mtm_frame *frames[MAXREP];
  int nr = 0;
  for (int i = 0; i < nitems; i++) {
    rep[i] = mtm_analysis_item_repeat(f, &items[i]);
    if (item_check(f, &items[i], rep[i], a, err)) return err->code;
    if (!rep[i]) continue;
    int k = 0;
    while (k < nr && strcmp(reps[k], rep[i]) != 0) k++;
    if (k == nr) {
      if (nr == MAXREP) {
        mtm_err_where(err, items[i].file, NULL, items[i].file ? items[i].row : 0, NULL, NULL);
        return mtm_err_set(err, MTM_EINVAL, "A plan may name questions of at most %d repeats.",
                           MAXREP);
      }
      reps[nr] = rep[i];
      memset(&cols[nr], 0, sizeof cols[nr]);
      nr++;
    }
    /* The questions the item names that the repeat's frame can hold. */
    names ns = {0};
    names_split(&ns, a, items[i].var, ",");
    names_split(&ns, a, items[i].group, "*");
    filter_names(items[i].filter, a, &ns);
    const char *design[3] = {s->weight, s->strata, s->cluster};
    for (int d = 0; d < 3; d++)
      if (design[d]) names_add(&ns, a, design[d], strlen(design[d]));
    for (int j = 0; j < ns.n; j++) {
      const char *lv = level_of(f, ns.v[j]);
      if (mtm_frame_col_find(f, ns.v[j]) || (lv && !strcmp(lv, rep[i])))
        names_add(&cols[k], a, ns.v[j], strlen(ns.v[j]));
    }
  }
  if (!nr) return mtm_analysis_run(f, s, items, nitems, a, out, err);
  int rc = 0, loaded = 0;
  for (; loaded < nr; loaded++) {
    mtm_frame_opts o = {0};
    o.columns = cols[loaded].n ? cols[loaded].v : (const char *[]){""};
    o.ncolumns = cols[loaded].n;
    if ((rc = mtm_frame_load_repeat(st, f, reps[loaded], &o, &frames[loaded], err))) break;
  }
  size_t n = 0, cap = 0;
  mtm_analysis_row *rows = NULL;
  for (int i = 0; i < nitems && !rc;) {
    int j = i;
    while (j < nitems && (rep[j] == rep[i] || (rep[j] && rep[i] && !strcmp(rep[j], rep[i])))) j++;
    const mtm_frame *fr = f;
    mtm_analysis_spec sp = *s;
    const char *rname = NULL;
    if (rep[i]) {
      int k = 0;
      while (strcmp(reps[k], rep[i]) != 0) k++;
      fr = frames[k];
      rname = mtm_arena_strdup(a, rep[i]);
      if (s->weights) { /* each instance its submission's weight */
        double *w = mtm_arena_alloc(a, sizeof *w * (size_t)(fr->nrows ? fr->nrows : 1));
        for (long r = 0; r < fr->nrows; r++) w[r] = s->weights[fr->parent_row[r]];
        sp.weights = w;
      }
      if (s->domain) { /* each instance in its submission's domain */
        uint8_t *d = mtm_arena_alloc(a, (size_t)(fr->nrows ? fr->nrows : 1));
        for (long r = 0; r < fr->nrows; r++) d[r] = s->domain[fr->parent_row[r]];
        sp.domain = d;
      }
    }
    mtm_analysis_result res;
    if ((rc = mtm_analysis_run(fr, &sp, items + i, j - i, a, &res, err))) break;
    if (n + res.n > cap) {
      cap = (n + res.n) * 2 + 64;
      mtm_analysis_row *g = realloc(rows, sizeof *g * cap);
      if (!g) {
        rc = mtm_err_set(err, MTM_ENOMEM, "Out of memory.");
        break;
      }
      rows = g;
    }
    for (size_t k = 0; k < res.n; k++) {
      mtm_analysis_row *r = &rows[n++];
      *r = res.rows[k];
      r->repeat = rname;
      if (rname) row_keep(r, a);
    }
    i = j;
  }
  for (int k = 0; k < loaded; k++) mtm_frame_free(frames[k]);
  if (!rc) {
    out->rows = mtm_arena_alloc(a, sizeof *out->rows * (n ? n : 1));
    if (n) memcpy(out->rows, rows, sizeof *rows * n);
    out->n = n;
  }
  free(rows);
  return rc;
}
