/* Consolidation: KI answers to location figures by a method, phone
 * verifications applied, totals derived where the mapping lacks them,
 * sums up the gazetteer's hierarchy with coverage, and the change from the
 * previous round. */
#include "bma/bma.h"
#include "form/form.h"
#include "geo/geo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- arithmetic ----------------------------------------------------------- */

static const char *const method_names[] = {"median", "mean", "max", "min"};

const char *mtm_bma_method_name(mtm_bma_method m) {
  return m >= MTM_BMA_MEDIAN && m <= MTM_BMA_MIN ? method_names[m] : "median";
}

int mtm_bma_method_parse(const char *s, mtm_bma_method *m) {
  for (int i = 0; i < 4; i++)
    if (s && strcmp(s, method_names[i]) == 0) {
      *m = (mtm_bma_method)i;
      return 0;
    }
  return MTM_EINVAL;
}

const char *mtm_bma_method_sentence(mtm_bma_method m) {
  switch (m) {
  case MTM_BMA_MEAN: return "mean of the key informants who answered";
  case MTM_BMA_MAX: return "largest answer of the key informants who answered";
  case MTM_BMA_MIN: return "smallest answer of the key informants who answered";
  default:
    return "median of the key informants who answered (for an even number, the mean of the "
           "two middle values)";
  }
}

const char *mtm_bma_method_sentence_lang(mtm_bma_method m, const char *lang) {
  /* The Russian sentences say the same as the English ones. */
  if (!lang || strcmp(lang, "ru")) return mtm_bma_method_sentence(m);
  switch (m) {
  case MTM_BMA_MEAN: return "среднее ответов ключевых информантов";
  case MTM_BMA_MAX: return "наибольший из ответов ключевых информантов";
  case MTM_BMA_MIN: return "наименьший из ответов ключевых информантов";
  default:
    return "медиана ответов ключевых информантов (при чётном числе ответов — среднее двух "
           "средних значений)";
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double mtm_bma_reduce(const double *x, int n, mtm_bma_method m) {
  if (n <= 0) return NAN;
  double lo = x[0], hi = x[0], sum = 0;
  for (int i = 0; i < n; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
    sum += x[i];
  }
  switch (m) {
  case MTM_BMA_MEAN: return sum / n;
  case MTM_BMA_MAX: return hi;
  case MTM_BMA_MIN: return lo;
  default: break;
  }
  double *s = mtm_xmalloc(sizeof *s * (size_t)n);
  memcpy(s, x, sizeof *s * (size_t)n);
  qsort(s, (size_t)n, sizeof *s, cmp_double);
  double r = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  free(s);
  return r;
}

void mtm_bma_ki_figure(const double *x, int n, mtm_bma_method m, double ratio, mtm_bma_figure *f) {
  if (ratio <= 0) ratio = 2;
  f->n_ki = n;
  f->value = mtm_bma_reduce(x, n, m);
  f->min = f->max = NAN;
  f->flags &= ~(unsigned)(MTM_BMA_SINGLE_KI | MTM_BMA_DISAGREE | MTM_BMA_NO_ANSWER);
  if (n == 0) {
    f->flags |= MTM_BMA_NO_ANSWER;
    return;
  }
  double lo = x[0], hi = x[0];
  int neg = 0;
  for (int i = 0; i < n; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
    if (x[i] < 0) neg = 1;
  }
  f->min = lo, f->max = hi;
  if (n == 1) f->flags |= MTM_BMA_SINGLE_KI;
  else if (!neg && hi > 0 && (lo == 0 || hi / lo > ratio)) f->flags |= MTM_BMA_DISAGREE;
}

static const struct {
  unsigned bit;
  const char *name;
} flag_names[] = {{MTM_BMA_SINGLE_KI, "single_ki"},   {MTM_BMA_DISAGREE, "disagreement"},
                  {MTM_BMA_NO_ANSWER, "no_answer"},   {MTM_BMA_VERIFIED, "verified"},
                  {MTM_BMA_UPDATED, "updated"},       {MTM_BMA_UNREACHABLE, "unreachable"},
                  {MTM_BMA_SUMMED, "sum_of_parts"}};

const char *mtm_bma_flags_text(unsigned flags, const char *sep, mtm_arena *a) {
  mtm_buf b;
  mtm_buf_init(&b);
  for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
    if (flags & flag_names[i].bit) {
      if (b.n) mtm_buf_adds(&b, sep);
      mtm_buf_adds(&b, flag_names[i].name);
    }
  const char *r = mtm_arena_strdup(a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return r;
}

typedef struct {
  double rem, v;
  int i;
} lr_rem;

static int cmp_rem(const void *a, const void *b) {
  const lr_rem *x = a, *y = b;
  if (x->rem != y->rem) return x->rem > y->rem ? -1 : 1;
  if (x->v != y->v) return x->v > y->v ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

void mtm_bma_shares(const double *v, int n, long scale, long *out) {
  double total = 0;
  for (int i = 0; i < n; i++) {
    out[i] = 0;
    if (v[i] > 0) total += v[i];
  }
  if (n <= 0 || !(total > 0)) return;
  lr_rem *r = mtm_xmalloc(sizeof *r * (size_t)n);
  long given = 0;
  for (int i = 0; i < n; i++) {
    double x = v[i] > 0 ? v[i] : 0;
    double q = x * (double)scale / total;
    double fl = floor(q);
    out[i] = (long)fl;
    given += out[i];
    r[i] = (lr_rem){q - fl, x, i};
  }
  qsort(r, (size_t)n, sizeof *r, cmp_rem);
  for (int k = 0; given < scale && k < n; k++, given++) out[r[k].i]++;
  free(r);
}

/* ---- the form a command works on ------------------------------------------ */

int mtm_bma_form_pick(mtm_store *st, const char *form_id, int round, mtm_arena *a,
                      const char **out, mtm_err *err) {
  *out = NULL;
  if (form_id) {
    mtm_store_formref fr;
    int rc = mtm_store_form_find(st, form_id, a, &fr, err);
    if (rc) return rc;
    if (!fr.kind || strcmp(fr.kind, "baseline"))
      return mtm_err_set(err, MTM_EINVAL,
                         "form '%s' is a %s form, not a key-informant (baseline) form: add the "
                         "KI form with 'mtm form add --kind baseline FILE'",
                         form_id, fr.kind ? fr.kind : "survey");
    *out = fr.form_id;
    return 0;
  }
  char **ids;
  int n;
  int rc = mtm_store_bma_baseline_forms(st, round, a, &ids, &n, err);
  if (rc) return rc;
  if (n == 0)
    return mtm_err_set(err, MTM_ENOTFOUND,
                       "no baseline form has submissions in round %d: import the key-informant "
                       "export of that round, or name the form with --form",
                       round);
  if (n > 1) {
    mtm_buf b;
    mtm_buf_init(&b);
    for (int i = 0; i < n; i++) mtm_buf_printf(&b, "%s%s", i ? ", " : "", ids[i]);
    rc = mtm_err_set(err, MTM_EINVAL,
                     "several baseline forms have submissions in round %d (%s): name one with "
                     "--form",
                     round, b.p);
    mtm_buf_free(&b);
    return rc;
  }
  *out = ids[0];
  return 0;
}

/* ---- consolidation -------------------------------------------------------- */

/* One live KI submission: its values in its version's slot order. */
typedef struct {
  int version;
  const char *uuid;
  char **vals;
  int nvals;
  int loc; /* index in the areas, -1 when not located */
} ksub;

typedef struct {
  mtm_store *st;
  mtm_arena *t; /* work arena */
  ksub *subs;
  int nsubs, cap;
  char **versions;
  int nversions;
  mtm_err *err;
} walk;

/* Keeps one submission's decoded values. */
static int on_sub(void *ctx, const mtm_submission *s, mtm_err *err) {
  walk *w = ctx;
  int vi = mtm_store_submission_version(s, w->versions, w->nversions);
  char **v;
  int n = mtm_store_submission_values(s, w->t, &v, err);
  if (n < 0) return n;
  if (w->nsubs == w->cap) {
    int nc = w->cap ? w->cap * 2 : 256;
    ksub *g = mtm_arena_alloc(w->t, sizeof *g * (size_t)nc);
    if (w->nsubs) memcpy(g, w->subs, sizeof *g * (size_t)w->nsubs);
    w->subs = g, w->cap = nc;
  }
  w->subs[w->nsubs++] = (ksub){vi, mtm_arena_strdup(w->t, s->uuid), v, n, -1};
  return 0;
}

/* The slot (position in the data record) of question name in form f, or
 * -1 when the form lacks it or it is inside a repeat. */
static int slot_of(const mtm_form *f, const char *name) {
  int slot = 0;
  for (int k = 0; k < f->nfields; k++) {
    const mtm_question *q = &f->q[f->fields[k]];
    if (q->repeat >= 0) continue;
    if (strcmp(q->name, name) == 0) return slot;
    slot++;
  }
  return -1;
}

/* The value of a submission at slot (NULL when missing or out of range). */
static const char *sub_val(const ksub *s, int slot) {
  if (slot < 0 || slot >= s->nvals) return NULL;
  const char *v = s->vals[slot];
  return v && v[0] ? v : NULL;
}

typedef struct {
  mtm_geo *g;
  mtm_strmap cache; /* value -> area index + 2 (0 not found, 1 ambiguous) */
  mtm_strmap *areas;
  mtm_arena *t;
} resolver;

/* Resolves a value to an area index (-1 unknown, -2 ambiguous), and tells
 * whether it matched as a P-code. */
static int resolve(resolver *rv, const char *v, int *by_pcode) {
  int c = mtm_strmap_get(&rv->cache, v);
  if (c < 0) {
    mtm_geo_match m;
    int st = mtm_geo_find(rv->g, v, -1, NULL, NULL, &m, NULL);
    if (st == MTM_GEO_FOUND) {
      int ai = mtm_strmap_get(rv->areas, m.c[0].pcode);
      c = ai >= 0 ? (ai + 2) * 2 + (m.by == MTM_GEO_BY_PCODE) : 0;
    } else {
      c = st == MTM_GEO_AMBIGUOUS ? 2 : 0;
    }
    mtm_strmap_put(&rv->cache, mtm_arena_strdup(rv->t, v), c);
  }
  if (c == 0) return -1;
  if (c == 2) return -2;
  if (by_pcode) *by_pcode = c & 1;
  return c / 2 - 2;
}

/* Adds a note to the result. */
static void note(mtm_bma_result *r, mtm_arena *a, int *cap, const char *fmt, ...)
    MTM_PRINTF(4, 5);
static void note(mtm_bma_result *r, mtm_arena *a, int *cap, const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (r->nnotes == *cap) {
    int nc = *cap ? *cap * 2 : 8;
    const char **g = mtm_arena_alloc(a, sizeof *g * (size_t)nc);
    if (r->nnotes) memcpy(g, r->notes, sizeof *g * (size_t)r->nnotes);
    r->notes = g, *cap = nc;
  }
  r->notes[r->nnotes++] = mtm_arena_strdup(a, buf);
}

/* Picks the location question: the select_one or text question whose
 * answers are mostly P-codes, of the deepest level. */
static int detect_location(const mtm_form *latest, mtm_form **forms, const walk *w, resolver *rv,
                           const mtm_area *areas, const char **out, mtm_err *err) {
  const char *best = NULL;
  int best_level = -1, best_count = 0;
  for (int k = 0; k < latest->nfields; k++) {
    const mtm_question *q = &latest->q[latest->fields[k]];
    if (q->repeat >= 0 || (q->type != MTM_Q_SELECT_ONE && q->type != MTM_Q_TEXT)) continue;
    int *slots = mtm_arena_alloc(rv->t, sizeof(int) * (size_t)(w->nversions + 1));
    for (int v = 0; v < w->nversions; v++) slots[v] = slot_of(forms[v], q->name);
    int answered = 0, hist[10] = {0};
    for (int i = 0; i < w->nsubs; i++) {
      const char *v = sub_val(&w->subs[i], slots[w->subs[i].version]);
      if (!v) continue;
      answered++;
      int byp = 0, ai = resolve(rv, v, &byp);
      if (ai >= 0 && byp && areas[ai].level >= 0 && areas[ai].level < 10) hist[areas[ai].level]++;
    }
    int lv = -1, cnt = 0;
    for (int l = 0; l < 10; l++)
      if (hist[l] > cnt || (hist[l] == cnt && cnt > 0)) lv = l, cnt = hist[l];
    if (lv < 0 || cnt * 2 <= answered) continue;
    if (lv > best_level || (lv == best_level && cnt > best_count))
      best = q->name, best_level = lv, best_count = cnt;
  }
  if (!best)
    return mtm_err_set(err, MTM_EINVAL,
                       "cannot tell which question holds the location: no select_one or text "
                       "question of form '%s' has answers that are mostly P-codes of the "
                       "gazetteer (import the areas with 'mtm areas import', or name the "
                       "question with --location)",
                       latest->form_id);
  *out = best;
  return 0;
}

/* Sorts area indices by level, then P-code. */
static const mtm_area *sort_areas;
static int cmp_area_idx(const void *a, const void *b) {
  const mtm_area *x = &sort_areas[*(const int *)a], *y = &sort_areas[*(const int *)b];
  if (x->level != y->level) return x->level < y->level ? -1 : 1;
  return strcmp(x->pcode, y->pcode);
}

/* The series: the mapped fields in mapping order, then the totals derived
 * by summing, in the order they were derived. comp[s] lists the series a
 * derived series sums (mapped or derived before it), leaf[s] the mapped
 * series under it; pass[s] is 1 for sums of origins, 2 for sums of sexes. */
typedef struct {
  int n, cap;
  mtm_bma_series *s;
  int **comp, **leaf;
  int *ncomp, *nleaf, *pass;
} series_set;

static int find_series(const series_set *ss, const char *pop, const char *per, const char *ori,
                       const char *sex) {
  for (int i = 0; i < ss->n; i++)
    if (!strcmp(ss->s[i].population, pop) && !strcmp(ss->s[i].period, per) &&
        !strcmp(ss->s[i].origin, ori) && !strcmp(ss->s[i].sex, sex))
      return i;
  return -1;
}

static int add_series(series_set *ss, mtm_arena *a, mtm_bma_series s) {
  if (ss->n == ss->cap) {
    int nc = ss->cap ? ss->cap * 2 : 16;
#define GROW(f)                                                   \
  do {                                                            \
    void *g_ = mtm_arena_zalloc(a, sizeof *ss->f * (size_t)nc);   \
    if (ss->n) memcpy(g_, ss->f, sizeof *ss->f * (size_t)ss->n);  \
    ss->f = g_;                                                   \
  } while (0)
    GROW(s);
    GROW(comp);
    GROW(leaf);
    GROW(ncomp);
    GROW(nleaf);
    GROW(pass);
#undef GROW
    ss->cap = nc;
  }
  ss->s[ss->n] = s;
  return ss->n++;
}

/* Derives the totals the mapping lacks: per population, period and sex the
 * all-origins figure as the sum of the origins (pass 1); then per
 * population, period and origin the both-sexes figure as the sum of the
 * sexes (pass 2). */
static void derive(series_set *ss, mtm_arena *a) {
  int nmapped = ss->n;
  for (int pass = 1; pass <= 2; pass++) {
    int n0 = ss->n;
    for (int i = 0; i < n0; i++) {
      mtm_bma_series x = ss->s[i];
      if (pass == 1 ? !x.origin[0] : !x.sex[0]) continue;
      const char *ori = pass == 1 ? "" : x.origin, *sex = pass == 1 ? x.sex : "";
      if (find_series(ss, x.population, x.period, ori, sex) >= 0) continue;
      int k = add_series(ss, a, (mtm_bma_series){x.population, x.period, ori, sex, NULL});
      int *c = mtm_arena_alloc(a, sizeof(int) * (size_t)(ss->n + 1));
      int *l = mtm_arena_alloc(a, sizeof(int) * (size_t)(nmapped + 1));
      int nc = 0, nl = 0;
      for (int j = 0; j < k; j++) {
        const mtm_bma_series *y = &ss->s[j];
        if (strcmp(y->population, x.population) || strcmp(y->period, x.period)) continue;
        if (pass == 1 ? (!y->origin[0] || strcmp(y->sex, sex)) : (!y->sex[0] || strcmp(y->origin, ori)))
          continue;
        c[nc++] = j;
        if (j < nmapped) l[nl++] = j;
        else
          for (int q = 0; q < ss->nleaf[j]; q++) l[nl++] = ss->leaf[j][q];
      }
      ss->comp[k] = c, ss->ncomp[k] = nc;
      ss->leaf[k] = l, ss->nleaf[k] = nl;
      ss->pass[k] = pass;
    }
  }
}

/* The order in which series are shown: populations in the order of their
 * first mapping row, then periods in time order (a longer period before
 * the shorter ones it holds), then origin ("" first), then sex ("" first). */
static const series_set *sort_ss;
static int cmp_series(const void *a, const void *b) {
  const mtm_bma_series *x = &sort_ss->s[*(const int *)a], *y = &sort_ss->s[*(const int *)b];
  int fx = -1, fy = -1;
  for (int i = 0; i < sort_ss->n && (fx < 0 || fy < 0); i++) {
    if (fx < 0 && !strcmp(sort_ss->s[i].population, x->population)) fx = i;
    if (fy < 0 && !strcmp(sort_ss->s[i].population, y->population)) fy = i;
  }
  if (fx != fy) return fx < fy ? -1 : 1;
  int f1 = 0, t1 = 0, f2 = 0, t2 = 0;
  if (mtm_bma_period_parse(x->period, &f1, &t1) == 0 &&
      mtm_bma_period_parse(y->period, &f2, &t2) == 0) {
    if (f1 != f2) return f1 < f2 ? -1 : 1;
    if (t1 != t2) return t1 > t2 ? -1 : 1;
  }
  int r = strcmp(x->period, y->period);
  if (r) return r;
  if ((r = strcmp(x->origin, y->origin))) return r;
  return strcmp(x->sex, y->sex);
}

/* Fills r->changes from the previous round's result p: a location's
 * previous value is the sum of the previous locations that are it (same
 * P-code) or whose successors lead to it alone. */
static void changes(mtm_bma_result *r, const mtm_bma_result *p, const mtm_area *areas,
                    const mtm_strmap *amap, mtm_arena *a, int *ncap) {
  /* the target of each previous location in this round's areas */
  mtm_strmap cur;
  mtm_strmap_init(&cur, a, r->nareas);
  for (int i = 0; i < r->nareas; i++)
    if (r->areas[i].level == r->location_level) mtm_strmap_put(&cur, r->areas[i].pcode, i);
  int *target = mtm_arena_alloc(a, sizeof(int) * (size_t)(p->nareas + 1));
  int *via = mtm_arena_zalloc(a, sizeof(int) * (size_t)(p->nareas + 1));
  int unmatched = 0, split = 0;
  for (int i = 0; i < p->nareas; i++) {
    target[i] = -1;
    if (p->areas[i].level != p->location_level) continue;
    const char *pc = p->areas[i].pcode;
    for (int depth = 0; depth < 8 && pc; depth++) {
      int c = mtm_strmap_get(&cur, pc);
      if (c >= 0) {
        target[i] = c;
        via[i] = depth > 0;
        break;
      }
      int ai = mtm_strmap_get(amap, pc);
      if (ai < 0 || areas[ai].nsuccessors != 1) {
        if (ai >= 0 && areas[ai].nsuccessors > 1) split++;
        break;
      }
      pc = areas[ai].successors[0];
    }
    if (target[i] < 0) unmatched++;
  }
  if (split)
    note(r, a, ncap,
         "round %d: %d location%s split into several areas since; %s not compared", p->round,
         split, split == 1 ? " was" : "s were", split == 1 ? "it is" : "they are");
  if (unmatched > split)
    note(r, a, ncap, "round %d: %d location%s no counterpart in round %d", p->round,
         unmatched - split, unmatched - split == 1 ? " has" : "s have", r->round);
  int cap = 0;
  for (int s = 0; s < r->nseries; s++) {
    const mtm_bma_series *x = &r->series[s];
    if (x->origin[0] || x->sex[0]) continue;
    int ps = mtm_bma_series_find(p, x->population, x->period, "", "");
    for (int i = 0; i < r->nareas; i++) {
      if (r->areas[i].level != r->location_level) continue;
      if (r->nchanges == cap) {
        int nc = cap ? cap * 2 : 64;
        mtm_bma_change *g = mtm_arena_alloc(a, sizeof *g * (size_t)nc);
        if (r->nchanges) memcpy(g, r->changes, sizeof *g * (size_t)r->nchanges);
        r->changes = g, cap = nc;
      }
      mtm_bma_change *c = &r->changes[r->nchanges++];
      c->pcode = r->areas[i].pcode;
      c->name = r->areas[i].name;
      c->population = x->population;
      c->period = x->period;
      c->value = r->fig[(size_t)i * (size_t)r->nseries + (size_t)s].value;
      c->previous = NAN;
      c->matched = NULL;
      c->previous_pcodes = "";
      if (ps < 0) continue;
      mtm_buf b;
      mtm_buf_init(&b);
      int any = 0, succ = 0;
      double sum = 0;
      for (int k = 0; k < p->nareas; k++) {
        if (target[k] != i) continue;
        if (b.n) mtm_buf_addc(&b, '|');
        mtm_buf_adds(&b, p->areas[k].pcode);
        succ |= via[k];
        double v = p->fig[(size_t)k * (size_t)p->nseries + (size_t)ps].value;
        if (!isnan(v)) sum += v, any = 1;
      }
      if (b.n) {
        c->previous_pcodes = mtm_arena_strdup(a, b.p);
        c->matched = succ ? "successor" : "pcode";
      }
      if (any) c->previous = sum;
      mtm_buf_free(&b);
    }
  }
}

int mtm_bma_series_find(const mtm_bma_result *r, const char *population, const char *period,
                        const char *origin, const char *sex) {
  for (int i = 0; i < r->nseries; i++) {
    const mtm_bma_series *s = &r->series[i];
    if (!strcmp(s->population, population) && !strcmp(s->period, period) &&
        !strcmp(s->origin, origin) && !strcmp(s->sex, sex))
      return i;
  }
  return -1;
}

/* Whether the form has live submissions in round. */
static int has_round(mtm_store *st, const char *form_id, int round, mtm_arena *a) {
  mtm_form_summary *fs;
  int n;
  if (round < 1 || mtm_store_form_summaries(st, a, &fs, &n, NULL)) return 0;
  for (int i = 0; i < n; i++)
    if (!strcmp(fs[i].form_id, form_id))
      for (int k = 0; k < fs[i].nrounds; k++)
        if (fs[i].rounds[k] == round && fs[i].counts[k] > 0) return 1;
  return 0;
}

int mtm_bma_consolidate(mtm_store *st, const mtm_bma_opts *o, mtm_arena *a, mtm_bma_result *r,
                        mtm_err *err) {
  memset(r, 0, sizeof *r);
  mtm_arena t;
  mtm_arena_init(&t);
  mtm_form **forms = NULL;
  mtm_geo *g = NULL;
  int nv = 0, ncap = 0;
  const char *lang = o->lang ? o->lang : "en";
  const char *form_id;
  int rc = mtm_bma_form_pick(st, o->form_id, o->round, a, &form_id, err);
  if (rc) goto out;
  r->form_id = form_id;
  r->round = o->round;
  r->method = o->method;
  r->disagreement = o->disagreement > 0 ? o->disagreement : 2;
  mtm_store_formref fr;
  if ((rc = mtm_store_form_find(st, form_id, &t, &fr, err))) goto out;
  if (!mtm_store_check_round_known(st, o->round, err)) {
    rc = mtm_err_set(err, MTM_ENOTFOUND, "round %d does not exist", o->round);
    goto out;
  }
  mtm_bma_map *map;
  int nmap;
  const char *stored_loc;
  if ((rc = mtm_bma_mapping_load_round(st, form_id, o->round, a, &map, &nmap, &stored_loc, err)))
    goto out;
  if (nmap == 0) {
    rc = mtm_err_set(err, MTM_EINVAL,
                     "form '%s' has no mapping yet: give one with --mapping FILE.csv (columns "
                     "field, population, period, origin, sex); it is then kept with the form",
                     form_id);
    goto out;
  }
  /* the submissions, decoded once */
  char **versions;
  if ((rc = mtm_store_check_versions(st, fr.id, o->round, &t, &versions, &nv, err))) goto out;
  forms = mtm_arena_zalloc(&t, sizeof(mtm_form *) * (size_t)(nv + 1));
  for (int i = 0; i < nv; i++)
    if ((rc = mtm_form_load_asked(st, form_id, versions[i], &forms[i], err))) goto out;
  mtm_form *latest = NULL;
  if ((rc = mtm_form_load(st, form_id, NULL, &latest, err))) goto out;
  forms[nv] = latest;
  walk w = {st, &t, NULL, 0, 0, versions, nv, err};
  if ((rc = mtm_store_submissions_each(st, fr.id, o->round, MTM_SUB_LIVE, on_sub, &w, err))) goto out;
  if (w.nsubs == 0) {
    rc = mtm_err_set(err, MTM_ENOTFOUND, "form '%s' has no submissions in round %d", form_id,
                     o->round);
    goto out;
  }
  r->submissions = w.nsubs;
  /* the gazetteer */
  mtm_area *areas;
  int nareas;
  if ((rc = mtm_store_areas(st, -1, &t, &areas, &nareas, err))) goto out;
  if (nareas == 0) {
    rc = mtm_err_set(err, MTM_EINVAL,
                     "the workspace has no areas: import the gazetteer with 'mtm areas import' "
                     "so that locations can be added up to regions and the country");
    goto out;
  }
  mtm_strmap amap;
  mtm_strmap_init(&amap, &t, nareas);
  for (int i = 0; i < nareas; i++) mtm_strmap_put(&amap, areas[i].pcode, i);
  if ((rc = mtm_geo_open(st, &g, err))) goto out;
  resolver rv = {g, {0}, &amap, &t};
  mtm_strmap_init(&rv.cache, &t, 256);
  /* the location question */
  const char *loc = o->location;
  r->location_by = 1;
  if (!loc && stored_loc) loc = stored_loc, r->location_by = 2;
  if (!loc) {
    if ((rc = detect_location(latest, forms, &w, &rv, areas, &loc, err))) goto out;
    r->location_by = 3;
  } else if (!mtm_form_question(latest, loc) || mtm_form_question(latest, loc)->field < 0) {
    rc = mtm_err_set(err, MTM_EINVAL, "the location question '%s' is not a question of form '%s'",
                     loc, form_id);
    goto out;
  }
  r->location = mtm_arena_strdup(a, loc);
  /* locate every submission */
  int *lslot = mtm_arena_alloc(&t, sizeof(int) * (size_t)(nv + 1));
  for (int v = 0; v < nv; v++) lslot[v] = slot_of(forms[v], loc);
  int hist[10] = {0};
  for (int i = 0; i < w.nsubs; i++) {
    const char *v = sub_val(&w.subs[i], lslot[w.subs[i].version]);
    int ai = v ? resolve(&rv, v, NULL) : -1;
    w.subs[i].loc = ai;
    if (ai >= 0 && areas[ai].level >= 0 && areas[ai].level < 10) hist[areas[ai].level]++;
  }
  int lv = -1;
  for (int l = 0; l < 10; l++)
    if (hist[l] > 0 && (lv < 0 || hist[l] >= hist[lv])) lv = l;
  if (lv < 0) {
    rc = mtm_err_set(err, MTM_EINVAL,
                     "no answer to the location question '%s' of form '%s' in round %d is an "
                     "area of the gazetteer",
                     loc, form_id, o->round);
    goto out;
  }
  r->location_level = lv;
  {
    int missing = 0, unknown = 0, ambiguous = 0, other = 0;
    const char *ex_unknown = NULL, *ex_amb = NULL, *ex_other = NULL;
    for (int i = 0; i < w.nsubs; i++) {
      ksub *s = &w.subs[i];
      const char *v = sub_val(s, lslot[s->version]);
      if (!v) missing++;
      else if (s->loc == -1) unknown++, ex_unknown = ex_unknown ? ex_unknown : v;
      else if (s->loc == -2) ambiguous++, ex_amb = ex_amb ? ex_amb : v;
      else if (areas[s->loc].level != lv) other++, ex_other = ex_other ? ex_other : v;
      else continue;
      s->loc = -1;
    }
    if (missing)
      note(r, a, &ncap, "%d submission%s no answer to '%s' and %s left out", missing,
           missing == 1 ? " has" : "s have", loc, missing == 1 ? "is" : "are");
    if (unknown)
      note(r, a, &ncap, "%d submission%s a location that is not in the gazetteer (such as '%s') "
           "and %s left out", unknown, unknown == 1 ? " names" : "s name", ex_unknown,
           unknown == 1 ? "is" : "are");
    if (ambiguous)
      note(r, a, &ncap, "%d submission%s a location that matches several areas (such as '%s') "
           "and %s left out", ambiguous, ambiguous == 1 ? " names" : "s name", ex_amb,
           ambiguous == 1 ? "is" : "are");
    if (other)
      note(r, a, &ncap, "%d submission%s an area that is not of level %d (such as '%s') and %s "
           "left out", other, other == 1 ? " names" : "s name", lv, ex_other,
           other == 1 ? "is" : "are");
  }
  /* the series */
  series_set ss = {0};
  for (int i = 0; i < nmap; i++)
    add_series(&ss, a, (mtm_bma_series){map[i].population, map[i].period, map[i].origin,
                                        map[i].sex, map[i].field});
  derive(&ss, a);
  int ns = ss.n;
  int *order = mtm_arena_alloc(&t, sizeof(int) * (size_t)ns);
  for (int i = 0; i < ns; i++) order[i] = i;
  sort_ss = &ss;
  qsort(order, (size_t)ns, sizeof(int), cmp_series);
  /* the areas: locations and their ancestors */
  char *used = mtm_arena_zalloc(&t, (size_t)nareas);
  int *kis = mtm_arena_zalloc(&t, sizeof(int) * (size_t)nareas);
  int *ltot = mtm_arena_zalloc(&t, sizeof(int) * (size_t)nareas);
  for (int i = 0; i < w.nsubs; i++) {
    int ai = w.subs[i].loc;
    if (ai < 0) continue;
    r->located++;
    if (!used[ai]) {
      r->locations++;
      for (int x = ai, d = 0; x >= 0 && d < 16; d++) {
        used[x] = 1;
        ltot[x]++;
        x = areas[x].parent ? mtm_strmap_get(&amap, areas[x].parent) : -1;
      }
    }
    for (int x = ai, d = 0; x >= 0 && d < 16; d++) {
      kis[x]++;
      x = areas[x].parent ? mtm_strmap_get(&amap, areas[x].parent) : -1;
    }
  }
  int nused = 0;
  int *aidx = mtm_arena_alloc(&t, sizeof(int) * (size_t)nareas);
  for (int i = 0; i < nareas; i++)
    if (used[i]) aidx[nused++] = i;
  sort_areas = areas;
  qsort(aidx, (size_t)nused, sizeof(int), cmp_area_idx);
  int *pos = mtm_arena_alloc(&t, sizeof(int) * (size_t)nareas);
  for (int i = 0; i < nareas; i++) pos[i] = -1;
  for (int k = 0; k < nused; k++) pos[aidx[k]] = k;
  r->nareas = nused;
  r->areas = mtm_arena_zalloc(a, sizeof *r->areas * (size_t)(nused + 1));
  for (int k = 0; k < nused; k++) {
    const mtm_area *x = &areas[aidx[k]];
    r->areas[k] = (mtm_bma_area){mtm_arena_strdup(a, x->pcode),
                                 mtm_arena_strdup(a, o->full_names ? mtm_geo_area_full_name(&t, x, lang)
                                                                   : mtm_geo_area_name(x, lang)),
                                 x->parent ? mtm_arena_strdup(a, x->parent) : NULL, x->level,
                                 ltot[aidx[k]], kis[aidx[k]]};
  }
  r->nseries = ns;
  r->series = mtm_arena_alloc(a, sizeof *r->series * (size_t)(ns + 1));
  int *newpos = mtm_arena_alloc(&t, sizeof(int) * (size_t)(ns + 1));
  for (int i = 0; i < ns; i++) r->series[i] = ss.s[order[i]], newpos[order[i]] = i;
  size_t nfig = (size_t)nused * (size_t)ns;
  r->fig = mtm_arena_zalloc(a, sizeof *r->fig * (nfig + 1));
  for (int k = 0; k < nused; k++)
    for (int s = 0; s < ns; s++) {
      mtm_bma_figure *f = &r->fig[(size_t)k * (size_t)ns + (size_t)s];
      const mtm_bma_area *ar = &r->areas[k];
      const mtm_bma_series *se = &r->series[s];
      *f = (mtm_bma_figure){ar->level, ar->pcode, ar->name, ar->parent, se->population,
                            se->period, se->origin, se->sex, NAN, 0, NAN, NAN, 0,
                            ar->locations_total, se->field ? 0u : (unsigned)MTM_BMA_SUMMED};
    }
  /* per location: the KIs, grouped */
  int *by = mtm_arena_alloc(&t, sizeof(int) * (size_t)(w.nsubs + 1));
  /* counting sort of located submissions by position */
  int *start = mtm_arena_zalloc(&t, sizeof(int) * (size_t)(nused + 1));
  for (int i = 0; i < w.nsubs; i++)
    if (w.subs[i].loc >= 0) start[pos[w.subs[i].loc] + 1]++;
  for (int k = 0; k < nused; k++) start[k + 1] += start[k];
  int *fillp = mtm_arena_alloc(&t, sizeof(int) * (size_t)(nused + 1));
  memcpy(fillp, start, sizeof(int) * (size_t)(nused + 1));
  for (int i = 0; i < w.nsubs; i++)
    if (w.subs[i].loc >= 0) by[fillp[pos[w.subs[i].loc]]++] = i;
  /* the slots of the mapped fields per version */
  int **fslot = mtm_arena_alloc(&t, sizeof(int *) * (size_t)(nmap + 1));
  for (int m = 0; m < nmap; m++) {
    fslot[m] = mtm_arena_alloc(&t, sizeof(int) * (size_t)(nv + 1));
    for (int v = 0; v < nv; v++) fslot[m][v] = slot_of(forms[v], map[m].field);
  }
  double *x = mtm_arena_alloc(&t, sizeof(double) * (size_t)(w.nsubs + 1));
  int notnum = 0;
  const char *ex_notnum = NULL, *ex_uuid = NULL, *ex_field = NULL;
  /* latest verification per (location, field) */
  mtm_store_bma_verif *ver;
  int nver;
  if ((rc = mtm_store_bma_verifs(st, fr.id, o->round, &t, &ver, &nver, err))) goto out;
  for (int k = 0; k < nused; k++) {
    if (r->areas[k].level != lv) continue;
    for (int m = 0; m < nmap; m++) {
      int n = 0;
      for (int j = start[k]; j < start[k + 1]; j++) {
        const ksub *s = &w.subs[by[j]];
        const char *v = sub_val(s, fslot[m][s->version]);
        if (!v) continue;
        double d;
        if (mtm_parse_double(mtm_slice_c(v), &d) || !isfinite(d)) {
          if (!notnum++) ex_notnum = v, ex_uuid = s->uuid, ex_field = map[m].field;
          continue;
        }
        x[n++] = d;
      }
      mtm_bma_figure *f = &r->fig[(size_t)k * (size_t)ns + (size_t)newpos[m]];
      mtm_bma_ki_figure(x, n, o->method, r->disagreement, f);
      /* The latest verification says what the figure is: updated gives
       * its value, verified confirms the figure as it stood (the KIs', or
       * an earlier update), unreachable only flags it. */
      const mtm_store_bma_verif *last = NULL, *upd = NULL;
      for (int i = 0; i < nver; i++)
        if (!strcmp(ver[i].pcode, r->areas[k].pcode) && !strcmp(ver[i].field, map[m].field)) {
          last = &ver[i];
          if (!strcmp(ver[i].status, "updated") && ver[i].has_new) upd = &ver[i];
        }
      if (last) {
        r->nverifications++;
        if (upd) {
          f->value = upd->new_value;
          f->flags |= MTM_BMA_UPDATED;
          f->flags &= ~(unsigned)MTM_BMA_NO_ANSWER;
        }
        if (!strcmp(last->status, "verified")) f->flags |= MTM_BMA_VERIFIED;
        else if (!strcmp(last->status, "unreachable")) f->flags |= MTM_BMA_UNREACHABLE;
      }
    }
    /* derived series: the sum of the parts that have a figure */
    for (int s0 = nmap; s0 < ns; s0++) {
      mtm_bma_figure *f = &r->fig[(size_t)k * (size_t)ns + (size_t)newpos[s0]];
      double sum = 0;
      int any = 0;
      for (int c = 0; c < ss.ncomp[s0]; c++) {
        double v = r->fig[(size_t)k * (size_t)ns + (size_t)newpos[ss.comp[s0][c]]].value;
        if (!isnan(v)) sum += v, any = 1;
      }
      int nk = 0;
      for (int j = start[k]; j < start[k + 1]; j++) {
        const ksub *s = &w.subs[by[j]];
        for (int c = 0; c < ss.nleaf[s0]; c++)
          if (sub_val(s, fslot[ss.leaf[s0][c]][s->version])) {
            nk++;
            break;
          }
      }
      f->n_ki = nk;
      f->value = any ? sum : NAN;
      if (!any) f->flags |= MTM_BMA_NO_ANSWER;
    }
  }
  if (notnum)
    note(r, a, &ncap, "%d answer%s not a number (such as '%s' for '%s' in submission %s) and %s "
         "counted as no answer", notnum, notnum == 1 ? " is" : "s are", ex_notnum, ex_field,
         ex_uuid, notnum == 1 ? "is" : "are");
  for (int s0 = nmap; s0 < ns; s0++) {
    const mtm_bma_series *d = &ss.s[s0];
    note(r, a, &ncap, "%s %s%s%s%s: the mapping has no field for this total, so it is the sum of "
         "the %s figures", d->population, d->period, d->origin[0] ? " origin " : "", d->origin,
         d->sex[0] ? (d->sex[0] == 'f' ? " women" : " men") : "",
         ss.pass[s0] == 1 ? "origin" : "sex");
  }
  /* sums up the hierarchy: deepest level first */
  for (int k = nused - 1; k >= 0; k--) {
    if (r->areas[k].level == lv) {
      for (int s = 0; s < ns; s++) {
        mtm_bma_figure *f = &r->fig[(size_t)k * (size_t)ns + (size_t)s];
        f->locations_reporting = isnan(f->value) ? 0 : 1;
        f->locations_total = 1;
      }
    }
    int pk = r->areas[k].parent ? mtm_strmap_get(&amap, r->areas[k].parent) : -1;
    int pp = pk >= 0 ? pos[pk] : -1;
    if (pp < 0) continue;
    for (int s = 0; s < ns; s++) {
      mtm_bma_figure *f = &r->fig[(size_t)k * (size_t)ns + (size_t)s];
      mtm_bma_figure *pf = &r->fig[(size_t)pp * (size_t)ns + (size_t)s];
      pf->locations_reporting += f->locations_reporting;
      pf->n_ki += f->n_ki;
      if (!isnan(f->value)) pf->value = isnan(pf->value) ? f->value : pf->value + f->value;
    }
  }
  /* the reporting date */
  mtm_round rd;
  mtm_err e2;
  mtm_err_clear(&e2);
  r->reporting_date = "";
  if (mtm_store_round_get(st, o->round, a, &rd, &e2) == 0 && (rd.end_date || rd.start_date))
    r->reporting_date = rd.end_date ? rd.end_date : rd.start_date;
  else {
    char *at;
    if ((rc = mtm_store_bma_last_submitted(st, fr.id, o->round, a, &at, err))) goto out;
    if (at && strlen(at) >= 10) r->reporting_date = mtm_arena_strndup(a, at, 10);
  }
  /* the previous round */
  if (!o->no_previous && has_round(st, form_id, o->round - 1, &t)) {
    mtm_bma_opts po = *o;
    po.form_id = form_id;
    po.round = o->round - 1;
    po.location = r->location;
    po.no_previous = 1;
    mtm_bma_result *p = mtm_arena_zalloc(a, sizeof *p);
    mtm_err pe;
    mtm_err_clear(&pe);
    if (mtm_bma_consolidate(st, &po, a, p, &pe) == 0) {
      r->previous_round = p->round;
      r->previous = p;
      changes(r, p, areas, &amap, a, &ncap);
    } else {
      note(r, a, &ncap, "round %d could not be consolidated for the comparison: %s",
           o->round - 1, pe.msg);
    }
  }
  rc = 0;
out:
  if (g) mtm_geo_close(g);
  for (int i = 0; forms && i <= nv; i++) mtm_form_free(forms[i]);
  mtm_arena_free(&t);
  return rc;
}

/* The areas of one level with the population's figures summed over its
 * periods (all origins, both sexes): the basis "all periods" of the
 * summary. MTM_ENOTFOUND when the population has no figure, MTM_EINVAL
 * when its periods overlap (a sum would count people twice). */
static int all_periods(const mtm_bma_result *r, const char *population, int level, mtm_arena *a,
                       mtm_bma_figure **out, int *n, mtm_err *err) {
  int *ser = mtm_arena_alloc(a, sizeof *ser * (size_t)(r->nseries + 1));
  int *from = mtm_arena_alloc(a, sizeof *from * (size_t)(r->nseries + 1));
  int *to = mtm_arena_alloc(a, sizeof *to * (size_t)(r->nseries + 1));
  int ns = 0;
  for (int i = 0; i < r->nseries; i++) {
    const mtm_bma_series *x = &r->series[i];
    if (strcmp(x->population, population) || x->origin[0] || x->sex[0]) continue;
    if (mtm_bma_period_parse(x->period, &from[ns], &to[ns])) from[ns] = to[ns] = 0;
    for (int k = 0; k < ns; k++)
      if (from[k] < to[ns] && from[ns] < to[k])
        return mtm_err_set(err, MTM_EINVAL,
                           "the periods %s and %s of population %s overlap: a figure over all "
                           "periods would count people twice",
                           r->series[ser[k]].period, x->period, population);
    ser[ns++] = i;
  }
  if (!ns)
    return mtm_err_set(err, MTM_ENOTFOUND, "form '%s' has no figure for population %s in round %d",
                       r->form_id, population, r->round);
  if (level < 0 || level > r->location_level)
    return mtm_err_set(err, MTM_EINVAL,
                       "level %d has no figures: the locations are of level %d, so the levels "
                       "are 0 to %d",
                       level, r->location_level, r->location_level);
  int k = 0;
  for (int i = 0; i < r->nareas; i++) k += r->areas[i].level == level;
  mtm_bma_figure *f = mtm_arena_alloc(a, sizeof *f * (size_t)(k + 1));
  k = 0;
  for (int i = 0; i < r->nareas; i++) {
    if (r->areas[i].level != level) continue;
    mtm_bma_figure *g = &f[k++];
    *g = r->fig[(size_t)i * (size_t)r->nseries + (size_t)ser[0]];
    g->period = "all periods";
    g->value = NAN;
    g->n_ki = 0;
    g->locations_reporting = 0;
    g->flags = 0;
    g->min = g->max = NAN;
    for (int j = 0; j < ns; j++) {
      const mtm_bma_figure *x = &r->fig[(size_t)i * (size_t)r->nseries + (size_t)ser[j]];
      if (isfinite(x->value)) g->value = isnan(g->value) ? x->value : g->value + x->value;
      if (x->n_ki > g->n_ki) g->n_ki = x->n_ki;
      if (x->locations_reporting > g->locations_reporting) g->locations_reporting = x->locations_reporting;
      g->flags |= x->flags;
    }
    if (isfinite(g->value)) g->flags &= ~(unsigned)MTM_BMA_NO_ANSWER;
  }
  *out = f;
  *n = k;
  return 0;
}

int mtm_bma_area_totals_from(const mtm_bma_result *r, const char *population, const char *period,
                             int level, mtm_arena *a, mtm_bma_figure **out, int *n,
                             mtm_err *err) {
  *out = NULL;
  *n = 0;
  if (period && !strcmp(period, "all periods")) return all_periods(r, population, level, a, out, n, err);
  int s = mtm_bma_series_find(r, population, period, "", "");
  if (s < 0) {
    mtm_buf b;
    mtm_buf_init(&b);
    for (int i = 0; i < r->nseries; i++)
      if (!r->series[i].origin[0] && !r->series[i].sex[0])
        mtm_buf_printf(&b, "%s%s %s", b.n ? ", " : "", r->series[i].population,
                       r->series[i].period);
    int rc = mtm_err_set(err, MTM_ENOTFOUND,
                         "form '%s' has no figure for population %s, period %s in round %d; "
                         "its figures are %s",
                         r->form_id, population, period, r->round, b.p ? b.p : "none");
    mtm_buf_free(&b);
    return rc;
  }
  if (level < 0 || level > r->location_level)
    return mtm_err_set(err, MTM_EINVAL,
                       "level %d has no figures: the locations are of level %d, so the levels "
                       "are 0 to %d",
                       level, r->location_level, r->location_level);
  int k = 0;
  for (int i = 0; i < r->nareas; i++) k += r->areas[i].level == level;
  mtm_bma_figure *f = mtm_arena_alloc(a, sizeof *f * (size_t)(k + 1));
  k = 0;
  for (int i = 0; i < r->nareas; i++)
    if (r->areas[i].level == level) f[k++] = r->fig[(size_t)i * (size_t)r->nseries + (size_t)s];
  *out = f;
  *n = k;
  return 0;
}

int mtm_bma_area_totals(mtm_store *st, const char *form_id, int round, const char *population,
                        const char *period, int level, mtm_arena *a, mtm_bma_figure **out, int *n,
                        mtm_err *err) {
  *out = NULL;
  *n = 0;
  mtm_bma_opts o = {0};
  o.form_id = form_id;
  o.round = round;
  o.no_previous = 1;
  mtm_bma_result r;
  int rc = mtm_bma_consolidate(st, &o, a, &r, err);
  if (rc) return rc;
  return mtm_bma_area_totals_from(&r, population, period, level, a, out, n, err);
}
