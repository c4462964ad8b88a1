/* The per-form tables of ingest: paths, record positions, choice lookups and
 * the keys by which an export header can name a question. */
#include "ingest/internal.h"

#include <stdlib.h>
#include <string.h>

const mtm_form *mtm_ingest_form_of(const mtm_ingest_form *t) { return t->f; }
const char *mtm_ingest_path(const mtm_ingest_form *t, int i) { return t->path[i]; }

/* Adds key -> q; a second, different question for the same key makes the
 * key ambiguous, remembered with every candidate (up to 8). */
void ing_form_add(mtm_ingest_form *t, ing_map *m, const char *key, size_t n, int q) {
  if (!n) return;
  int v = ing_map_put(m, key, n, q);
  if (v == q) return;
  if (v >= 0) {
    if (t->namb == t->capamb) {
      t->capamb = t->capamb ? t->capamb * 2 : 16;
      struct ing_amb *g = mtm_arena_alloc(&t->a, sizeof *g * (size_t)t->capamb);
      if (t->namb) memcpy(g, t->amb, sizeof *g * (size_t)t->namb);
      t->amb = g;
    }
    struct ing_amb *am = &t->amb[t->namb];
    am->n = 2;
    am->q[0] = v;
    am->q[1] = q;
    ing_map_set(m, key, n, ING_AMB_BASE - t->namb);
    t->namb++;
    return;
  }
  struct ing_amb *am = &t->amb[ING_AMB_BASE - v];
  for (int i = 0; i < am->n; i++)
    if (am->q[i] == q) return;
  if (am->n < 8) am->q[am->n++] = q;
}

int ing_form_find(const mtm_ingest_form *t, const ing_map *m, const char *key, size_t n, int *out,
                  int max) {
  int v = ing_map_get(m, key, n, -1);
  if (v == -1) return 0;
  if (v >= 0) {
    if (max > 0) out[0] = v;
    return 1;
  }
  const struct ing_amb *am = &t->amb[ING_AMB_BASE - v];
  for (int i = 0; i < am->n && i < max; i++) out[i] = am->q[i];
  return am->n;
}

/* The label of a question or choice in language l, NULL if none. */
static const char *label_in(const mtm_form *f, const char **labels, int l) {
  if (!labels || l < 0 || l >= f->nlangs) return NULL;
  return labels[l] && labels[l][0] ? labels[l] : NULL;
}

static int holds_data(const mtm_question *q) {
  return q->field >= 0;
}

static int is_group(const mtm_question *q) {
  return q->type == MTM_Q_BEGIN_GROUP || q->type == MTM_Q_BEGIN_REPEAT;
}

/* Key of the group labels (language l; -1: names) above question i followed
 * by piece, built into b. */
static void group_prefix(const mtm_ingest_form *t, int i, int l, mtm_buf *b) {
  const mtm_form *f = t->f;
  int chain[64], k = 0;
  for (int g = f->q[i].group; g >= 0 && k < 64; g = f->q[g].group) chain[k++] = g;
  while (k-- > 0) {
    const mtm_question *g = &f->q[chain[k]];
    const char *s = l >= 0 ? label_in(f, g->labels, l) : NULL;
    mtm_buf_adds(b, s ? s : g->name);
    mtm_buf_addc(b, ' ');
  }
}

/* Adds the label keys of question i to the header maps. */
static void add_label_keys(mtm_ingest_form *t, int i, mtm_arena *tmp) {
  const mtm_form *f = t->f;
  const mtm_question *q = &f->q[i];
  mtm_buf b;
  mtm_buf_init(&b);
  int sm = t->smi[i];
  const char *gk[64], *pk[32];
  int ng = 0, np = 0;
  for (int l = -1; l < f->nlangs; l++) {
    const char *lab = l >= 0 ? label_in(f, q->labels, l) : q->name;
    if (!lab) continue;
    /* Group labels (or names) then the label; group names then the label. */
    for (int names = 0; names < 2; names++) {
      mtm_buf_reset(&b);
      group_prefix(t, i, names ? -1 : l, &b);
      mtm_buf_adds(&b, lab);
      char *key = mtm_text_key(tmp, b.p);
      ing_form_add(t, &t->by_gkey, key, strlen(key), i);
      if (sm >= 0 && ng < 64) gk[ng++] = mtm_arena_strdup(&t->a, key);
    }
    char *key = mtm_text_key(tmp, lab);
    ing_form_add(t, &t->by_key, key, strlen(key), i);
    if (sm >= 0 && np < 32) pk[np++] = mtm_arena_strdup(&t->a, key);
  }
  if (sm >= 0) {
    t->gkeys[sm] = mtm_arena_alloc(&t->a, sizeof(char *) * (size_t)(ng ? ng : 1));
    memcpy(t->gkeys[sm], gk, sizeof(char *) * (size_t)ng);
    t->ngkeys[sm] = ng;
    t->pkeys[sm] = mtm_arena_alloc(&t->a, sizeof(char *) * (size_t)(np ? np : 1));
    memcpy(t->pkeys[sm], pk, sizeof(char *) * (size_t)np);
    t->npkeys[sm] = np;
  }
  mtm_buf_free(&b);
}

/* Builds the lookups of one choice list: names, exact labels, keys. */
static void build_list(mtm_ingest_form *t, const mtm_choice_list *l, ing_list *il,
                       mtm_arena *tmp) {
  const mtm_form *f = t->f;
  ing_map_init(&il->names, &t->a, (size_t)l->n);
  ing_map_init(&il->labels, &t->a, (size_t)l->n * (size_t)(f->nlangs + 1));
  ing_map_init(&il->keys, &t->a, (size_t)l->n * (size_t)(f->nlangs + 1));
  for (int c = 0; c < l->n; c++)
    if (l->choices[c].name) ing_map_put(&il->names, l->choices[c].name, strlen(l->choices[c].name), c);
  /* Keys and labels: a clash between two choices leaves the key ambiguous
   * (-2), so that such a value is kept as given rather than guessed. */
  for (int c = 0; c < l->n; c++) {
    const mtm_choice *ch = &l->choices[c];
    for (int g = -1; g < f->nlangs; g++) {
      const char *s = g >= 0 ? label_in(f, ch->labels, g) : ch->name;
      if (!s) continue;
      if (g >= 0) {
        int v = ing_map_put(&il->labels, s, strlen(s), c);
        if (v != c) ing_map_set(&il->labels, s, strlen(s), -2);
      }
      char *key = mtm_text_key(tmp, s);
      if (!key[0]) continue;
      int v = ing_map_put(&il->keys, key, strlen(key), c);
      if (v != c) ing_map_set(&il->keys, key, strlen(key), -2);
    }
  }
}

mtm_ingest_form *mtm_ingest_form_new(const mtm_form *f) {
  mtm_ingest_form *t = mtm_xcalloc(1, sizeof *t);
  t->f = f;
  mtm_arena_init(&t->a);
  mtm_arena tmp;
  mtm_arena_init(&tmp);
  int nq = f->nq;
  size_t qn = (size_t)(nq ? nq : 1);
  t->path = mtm_arena_zalloc(&t->a, sizeof *t->path * qn);
  t->pos = mtm_arena_alloc(&t->a, sizeof *t->pos * qn);
  t->rep = mtm_arena_alloc(&t->a, sizeof *t->rep * qn);
  t->qlist = mtm_arena_alloc(&t->a, sizeof *t->qlist * qn);
  int *rep_of_q = t->self_rep = mtm_arena_alloc(&t->a, sizeof(int) * qn);
  t->smi = mtm_arena_alloc(&t->a, sizeof(int) * qn);
  for (int i = 0; i < nq; i++) t->smi[i] = -1;
  /* Paths, repeats, lists. */
  int nreps = 0, ncopies = 0;
  for (int i = 0; i < nq; i++)
    if (f->q[i].type == MTM_Q_BEGIN_REPEAT) nreps++;
  t->reps = mtm_arena_zalloc(&t->a, sizeof *t->reps * (size_t)(nreps ? nreps : 1));
  for (int i = 0; i < nq; i++) {
    const mtm_question *q = &f->q[i];
    int g = q->group;
    int end = q->type == MTM_Q_END_GROUP || q->type == MTM_Q_END_REPEAT;
    /* The form's path (a loop's copy keeps its name in the data there). */
    t->path[i] = q->path && !end ? mtm_arena_strdup(&t->a, q->path)
                 : g >= 0 && g < i ? mtm_arena_printf(&t->a, "%s/%s", t->path[g], q->name)
                                   : mtm_arena_strdup(&t->a, q->name ? q->name : "");
    t->pos[i] = -1;
    t->qlist[i] = -1;
    rep_of_q[i] = -1;
    if (q->type == MTM_Q_BEGIN_REPEAT) {
      ing_repeat *r = &t->reps[t->nreps];
      r->q = i;
      r->name = q->name;
      r->path = t->path[i];
      r->parent = -1;
      for (int p = g; p >= 0; p = f->q[p].group)
        if (f->q[p].type == MTM_Q_BEGIN_REPEAT) {
          r->parent = rep_of_q[p];
          break;
        }
      rep_of_q[i] = t->nreps++;
    }
    if (q->list) {
      /* One of the form's lists, or else or_other's copy with "other" (the
       * pointers are compared, not subtracted: the copy is another object). */
      int k = -1;
      for (int l = 0; l < f->nlists && k < 0; l++)
        if (q->list == &f->lists[l]) k = l;
      t->qlist[i] = k >= 0 ? k : f->nlists + ncopies++;
    }
  }
  /* The innermost repeat of each question, from its group chain. */
  for (int i = 0; i < nq; i++) {
    t->rep[i] = -1;
    for (int g = f->q[i].group; g >= 0; g = f->q[g].group)
      if (f->q[g].type == MTM_Q_BEGIN_REPEAT) {
        t->rep[i] = rep_of_q[g];
        break;
      }
  }
  /* Record positions, in form->fields order. */
  t->main_q = mtm_arena_alloc(&t->a, sizeof(int) * (size_t)(f->nfields ? f->nfields : 1));
  for (int r = 0; r < t->nreps; r++)
    t->reps[r].fq = mtm_arena_alloc(&t->a, sizeof(int) * (size_t)(f->nfields ? f->nfields : 1));
  for (int k = 0; k < f->nfields; k++) {
    int i = f->fields[k];
    if (i < 0 || i >= nq) continue;
    int r = t->rep[i];
    if (r < 0) {
      t->pos[i] = t->nmain;
      t->main_q[t->nmain++] = i;
    } else {
      t->pos[i] = t->reps[r].nf;
      t->reps[r].fq[t->reps[r].nf++] = i;
    }
  }
  /* Choice lists. */
  t->lists = mtm_arena_zalloc(&t->a, sizeof *t->lists * (size_t)(f->nlists + ncopies + 1));
  for (int l = 0; l < f->nlists; l++) build_list(t, &f->lists[l], &t->lists[l], &tmp);
  for (int i = 0; i < nq; i++)
    if (t->qlist[i] >= f->nlists) build_list(t, f->q[i].list, &t->lists[t->qlist[i]], &tmp);
  /* Header maps. */
  ing_map_init(&t->by_path, &t->a, qn * 3);
  ing_map_init(&t->by_name, &t->a, qn);
  ing_map_init(&t->by_gkey, &t->a, qn * (size_t)(f->nlangs + 1) * 2);
  ing_map_init(&t->by_key, &t->a, qn * (size_t)(f->nlangs + 1));
  t->sm = mtm_arena_alloc(&t->a, sizeof(int) * qn);
  for (int i = 0; i < nq; i++)
    if (f->q[i].type == MTM_Q_SELECT_MULTIPLE && holds_data(&f->q[i]) && t->qlist[i] >= 0) {
      t->smi[i] = t->nsm;
      t->sm[t->nsm++] = i;
    }
  size_t sn = (size_t)(t->nsm ? t->nsm : 1);
  t->gkeys = mtm_arena_zalloc(&t->a, sizeof *t->gkeys * sn);
  t->pkeys = mtm_arena_zalloc(&t->a, sizeof *t->pkeys * sn);
  t->ngkeys = mtm_arena_zalloc(&t->a, sizeof(int) * sn);
  t->npkeys = mtm_arena_zalloc(&t->a, sizeof(int) * sn);
  for (int i = 0; i < nq; i++) {
    const mtm_question *q = &f->q[i];
    if (!q->name || !q->name[0] || !(holds_data(q) || is_group(q) || q->type == MTM_Q_NOTE))
      continue;
    const char *p = t->path[i];
    size_t n = strlen(p);
    ing_form_add(t, &t->by_path, p, n, i);
    if (strchr(p, '/')) {
      char *v = mtm_arena_strdup(&tmp, p);
      for (const char *seps = ".-"; *seps; seps++) {
        for (char *c = v; *c; c++)
          if (p[c - v] == '/') *c = *seps;
        ing_form_add(t, &t->by_path, v, n, i);
      }
    }
    if (holds_data(q) || q->type == MTM_Q_BEGIN_REPEAT || q->type == MTM_Q_NOTE)
      ing_form_add(t, &t->by_name, q->name, strlen(q->name), i);
    if (holds_data(q)) add_label_keys(t, i, &tmp);
  }
  mtm_arena_free(&tmp);
  return t;
}

void mtm_ingest_form_free(mtm_ingest_form *t) {
  if (!t) return;
  mtm_arena_free(&t->a);
  free(t);
}
