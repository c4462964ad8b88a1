/*
 * supp.c: local suppression to k-anonymity, as sdcMicro's localSuppression
 * (R/localSuppression.R, suppSubset, with src/calcSuppInds.cpp).
 *
 * sdcMicro's algorithm, pass after pass until every record has fk >= k:
 *   1. fk of every record (freqCalc without weights, missing values
 *      matching anything); the records with fk < k are the problems,
 *      taken by decreasing risk (1 / fk), that is increasing fk, then in
 *      their order in the data;
 *   2. for each problem in turn, its nearest records: the distance is the
 *      number of keys on which both have a value and the values differ,
 *      and the nearest are those at the smallest distance above 0;
 *   3. the key to suppress is the first, in order of suppression (least
 *      important first), on which one of the nearest records has another
 *      value; that value of the problem record becomes missing at once,
 *      so the next problem of the same pass already sees it.
 * Each problem gets one suppression per pass, even when an earlier one of
 * the pass already lifted its fk; then fk is counted again.
 *
 * Where sdcMicro compares each problem with every record, the nearest
 * records are found here through 2^K tables, one per subset of the keys,
 * counting the records by their codes on it (missing as a value): a few
 * lookups per problem, whatever the number of records (choose_fast; the
 * plain comparison with every distinct combination, choose_brute, serves
 * when the tables would be too large, from about 12 keys).
 *
 * Two differences from sdcMicro, neither changing what the algorithm
 * decides on the cases tested against it (tests/unit/sdc/
 * supp_sdcmicro.txt): the distances are computed per distinct key
 * combination instead of per record, which gives the same nearest set;
 * and sdcMicro's step that first thins groups larger than k to k records
 * (a speed device) is not done. Where every other record agrees with a
 * problem on all its present keys (sdcMicro stops with an error there),
 * its least important present key is suppressed.
 */
#include <stdlib.h>
#include <string.h>

#include "sdc/internal.h"

/* A problem record and its fk, to order the problems. */
typedef struct problem {
  double fk;
  long i;
} problem;

/* Orders problems by fk, then by their place in the data. */
static int by_fk(const void *a, const void *b) {
  const problem *x = a, *y = b;
  if (x->fk != y->fk) return x->fk < y->fk ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

/* The records of every cell summed by the cell's codes on one subset A
 * of the keys (missing as a value of its own): open addressing, rep a
 * cell standing for its projection, -1 empty. */
typedef struct proj_table {
  int32_t *rep;
  double *cnt;
  size_t cap, n;
} proj_table;

/* The slot of tuple's projection (codes outside skip) in pt: its entry or
 * the empty slot where it goes. */
static size_t pt_slot(const proj_table *pt, const sdc_cells *c, const int32_t *tuple,
                      uint32_t skip) {
  size_t mask = pt->cap - 1, s = sdc_hash_on(tuple, c->nkeys, skip) & mask;
  for (; pt->rep[s] >= 0; s = (s + 1) & mask)
    if (sdc_same_on(c->codes + (size_t)pt->rep[s] * (size_t)c->nkeys, tuple, c->nkeys, skip)) break;
  return s;
}

/* Adds d records to the projection of cell id in pt, growing pt as needed. */
static void pt_add(proj_table *pt, const sdc_cells *c, long id, uint32_t skip, double d) {
  const int32_t *t = c->codes + (size_t)id * (size_t)c->nkeys;
  if ((pt->n + 1) * 2 > pt->cap) {
    size_t ocap = pt->cap;
    int32_t *orep = pt->rep;
    double *ocnt = pt->cnt;
    pt->cap = ocap ? ocap * 2 : 64;
    pt->rep = mtm_xmalloc(pt->cap * sizeof *pt->rep);
    pt->cnt = mtm_xmalloc(pt->cap * sizeof *pt->cnt);
    memset(pt->rep, 0xff, pt->cap * sizeof *pt->rep);
    for (size_t i = 0; i < ocap; i++) {
      if (orep[i] < 0) continue;
      size_t s = pt_slot(pt, c, c->codes + (size_t)orep[i] * (size_t)c->nkeys, skip);
      pt->rep[s] = orep[i];
      pt->cnt[s] = ocnt[i];
    }
    free(orep);
    free(ocnt);
  }
  size_t s = pt_slot(pt, c, t, skip);
  if (pt->rep[s] < 0) {
    pt->rep[s] = (int32_t)id;
    pt->cnt[s] = 0;
    pt->n++;
  }
  pt->cnt[s] += d;
}

/* The records whose projection on the keys outside skip is tuple's. */
static double pt_get(const proj_table *pt, const sdc_cells *c, const int32_t *tuple,
                     uint32_t skip) {
  size_t s = pt_slot(pt, c, tuple, skip);
  return pt->rep[s] < 0 ? 0 : pt->cnt[s];
}

/* The state of one suppression run. */
typedef struct supp {
  sdc_cells c;
  int K;
  int *order;      /* keys, least important (suppressed first) first */
  int *level;      /* importance per key */
  double *fk, *Fk; /* per cell */
  long fcap;
  long version; /* bumped when a cell gains its first or loses its last
                   record (with keys of equal importance: at every move, as
                   the choice among them weighs the records) */
  int ties;     /* 1: some keys share an importance */
  long *seen;   /* per cell: version its choice was made at, or -1 */
  int *choice;  /* per cell: the key chosen then */
  long ccap;
  double *diff;    /* per key: records at the nearest distance differing on it */
  proj_table *tab; /* per key subset A (2^K of them), or NULL: no index */
  double *g;       /* per key subset: records compatible on it (choose_fast) */
} supp;

/* Grows the per-cell arrays to the number of cells. */
static void grow(supp *s) {
  if (s->c.m > s->fcap) {
    s->fcap = s->c.cap;
    s->fk = mtm_xrealloc(s->fk, (size_t)s->fcap * sizeof *s->fk);
    s->Fk = mtm_xrealloc(s->Fk, (size_t)s->fcap * sizeof *s->Fk);
  }
  if (s->c.m > s->ccap) {
    long old = s->ccap;
    s->ccap = s->c.cap;
    s->seen = mtm_xrealloc(s->seen, (size_t)s->ccap * sizeof *s->seen);
    s->choice = mtm_xrealloc(s->choice, (size_t)s->ccap * sizeof *s->choice);
    for (long i = old; i < s->ccap; i++) s->seen[i] = -1;
  }
}

/* The key to suppress given s->diff (per key, the records at the nearest
 * positive distance that differ on it; found: whether there are any):
 * the first importance level (least important first) with a differing
 * key, the key with most differing records among keys of equal
 * importance (the later key on a tie). Without a record at a positive
 * distance: the least important key present in t; -1 if it has none. */
static int pick(const supp *s, const int32_t *t, int found) {
  int K = s->K;
  if (found) {
    for (int o = 0; o < K;) {
      int e = o, best = -1;
      while (e < K && s->level[s->order[e]] == s->level[s->order[o]]) e++;
      for (int q = o; q < e; q++) {
        int j = s->order[q];
        if (s->diff[j] > 0 &&
            (best < 0 || s->diff[j] > s->diff[best] || (s->diff[j] == s->diff[best] && j > best)))
          best = j;
      }
      if (best >= 0) return best;
      o = e;
    }
  }
  for (int o = 0; o < K; o++)
    if (t[s->order[o]] >= 0) return s->order[o];
  return -1;
}

/* The key to suppress in cell id, comparing it with every cell that holds
 * records (the distance: keys where both have a value and they differ). */
static int choose_brute(supp *s, long id) {
  const sdc_cells *c = &s->c;
  int K = s->K;
  const int32_t *t = c->codes + (size_t)id * (size_t)K;
  int mind = K + 1;
  for (int j = 0; j < K; j++) s->diff[j] = 0;
  for (long d = 0; d < c->m; d++) {
    if (c->cnt[d] <= 0) continue;
    const int32_t *u = c->codes + (size_t)d * (size_t)K;
    int dist = 0;
    for (int j = 0; j < K; j++) dist += t[j] >= 0 && u[j] >= 0 && t[j] != u[j];
    if (dist == 0 || dist > mind) continue;
    if (dist < mind) {
      mind = dist;
      for (int j = 0; j < K; j++) s->diff[j] = 0;
    }
    for (int j = 0; j < K; j++)
      if (t[j] >= 0 && u[j] >= 0 && t[j] != u[j]) s->diff[j] += c->cnt[d];
  }
  return pick(s, t, mind <= K);
}

/* The same choice through the projection tables, in about 3^p lookups
 * for a cell with p present keys instead of a pass over all cells.
 * g(A), the records agreeing with t wherever both have a value on the
 * keys A, is the sum over the ways the records may miss keys of A; the
 * records that differ from t exactly on D (both present, other values)
 * and agree elsewhere are, by inclusion and exclusion,
 * h(D) = sum over E within D of (-1)^|E| g((P \ D) | E), P the keys t
 * has. The nearest distance is the smallest |D| with some h(D) > 0. */
static int choose_fast(supp *s, long id) {
  const sdc_cells *c = &s->c;
  int K = s->K;
  const int32_t *t = c->codes + (size_t)id * (size_t)K;
  uint32_t all = ((uint32_t)1 << K) - 1, P = 0;
  for (int j = 0; j < K; j++)
    if (t[j] >= 0) P |= (uint32_t)1 << j;
  int32_t u[32];
  for (uint32_t A = P;; A = (A - 1) & P) {
    double sum = 0;
    for (uint32_t S = A;; S = (S - 1) & A) {
      for (int j = 0; j < K; j++) u[j] = (S >> j & 1) ? MTM_SDC_NA : t[j];
      sum += pt_get(&s->tab[A], c, u, all & ~A);
      if (!S) break;
    }
    s->g[A] = sum;
    if (!A) break;
  }
  for (int j = 0; j < K; j++) s->diff[j] = 0;
  int np = __builtin_popcount(P), found = 0;
  for (int d = 1; d <= np && !found; d++) {
    for (uint32_t D = P; D; D = (D - 1) & P) {
      if (__builtin_popcount(D) != d) continue;
      double h = 0;
      for (uint32_t E = D;; E = (E - 1) & D) {
        double v = s->g[(P & ~D) | E];
        h += (__builtin_popcount(E) & 1) ? -v : v;
        if (!E) break;
      }
      if (h < 0.5) continue;
      found = 1;
      for (int j = 0; j < K; j++)
        if (D >> j & 1) s->diff[j] += h;
    }
  }
  return pick(s, t, found);
}

/* Moves d records in or out of cell id in every projection table. */
static void index_add(supp *s, long id, double d) {
  uint32_t all = ((uint32_t)1 << s->K) - 1;
  for (uint32_t A = 0; A <= all; A++) pt_add(&s->tab[A], &s->c, id, all & ~A, d);
}

/* Orders keys by importance, then later keys first (suppressed first). */
static void order_keys(int K, const int *imp, int *order) {
  for (int j = 0; j < K; j++) order[j] = j;
  for (int a = 1; a < K; a++) { /* insertion sort: K is small */
    int x = order[a], b = a;
    while (b > 0 &&
           (imp[order[b - 1]] > imp[x] || (imp[order[b - 1]] == imp[x] && order[b - 1] < x))) {
      order[b] = order[b - 1];
      b--;
    }
    order[b] = x;
  }
}

/* Local suppression to k-anonymity (sdc.h), by sdcMicro's algorithm (see
 * the top of this file). */
int mtm_sdc_local_supp(mtm_sdc_keys *k, int kanon, const int *importance, long *suppressed,
                       mtm_err *err) {
  if (k->n < 0 || k->n > INT32_MAX || k->nkeys < 1 || k->nkeys > 32)
    return mtm_err_set(err, MTM_EINVAL,
                       "local suppression takes 1 to 32 key variables and at "
                       "most %ld records",
                       (long)INT32_MAX);
  if (suppressed)
    for (int j = 0; j < k->nkeys; j++) suppressed[j] = 0;
  if (kanon <= 1 || k->n == 0) return 0;
  if (k->n < kanon)
    return mtm_err_set(err, MTM_EINVAL,
                       "%d-anonymity cannot be reached with %ld records: "
                       "every combination of the key variables needs %d records",
                       kanon, k->n, kanon);
  supp s;
  memset(&s, 0, sizeof s);
  int K = s.K = k->nkeys;
  s.order = mtm_xmalloc((size_t)K * sizeof *s.order);
  s.level = mtm_xmalloc((size_t)K * sizeof *s.level);
  s.diff = mtm_xmalloc((size_t)K * sizeof *s.diff);
  for (int j = 0; j < K; j++) s.level[j] = importance ? importance[j] : K - j;
  order_keys(K, s.level, s.order);
  for (int o = 1; o < K; o++) s.ties |= s.level[s.order[o]] == s.level[s.order[o - 1]];
  int32_t *cell_of = mtm_xmalloc((size_t)k->n * sizeof *cell_of);
  int32_t t[32];
  sdc_cells_init(&s.c, K, k->n / 4 < 1024 ? 1024 : k->n / 4);
  for (long i = 0; i < k->n; i++) {
    for (int j = 0; j < K; j++) t[j] = k->codes[j][i];
    long id = sdc_cells_get(&s.c, t);
    s.c.cnt[id] += 1;
    s.c.w[id] += 1;
    cell_of[i] = (int32_t)id;
  }
  problem *pr = NULL;
  long prcap = 0;
  int rc = 0;
  for (;;) {
    grow(&s);
    sdc_cells_freq(&s.c, s.fk, s.Fk);
    long np = 0;
    for (long i = 0; i < k->n; i++) {
      double f = s.fk[cell_of[i]];
      if (f >= kanon) continue;
      if (np == prcap) {
        prcap = prcap ? prcap * 2 : 1024;
        pr = mtm_xrealloc(pr, (size_t)prcap * sizeof *pr);
      }
      pr[np++] = (problem){f, i};
    }
    if (np == 0) break;
    /* The projection tables: 2^K of them, each up to a row per cell; used
     * when that stays within about 2^26 rows, else the plain comparison
     * (also when MTM_SDC_NO_INDEX is set: the tests compare the two). */
    if (!s.tab && K <= 12 && !getenv("MTM_SDC_NO_INDEX") &&
        ((double)s.c.m * 2 + 1024) * (double)(1u << K) <= (double)(1 << 26)) {
      s.tab = mtm_xcalloc((size_t)1 << K, sizeof *s.tab);
      s.g = mtm_xmalloc(((size_t)1 << K) * sizeof *s.g);
      for (long id = 0; id < s.c.m; id++) index_add(&s, id, s.c.cnt[id]);
    }
    qsort(pr, (size_t)np, sizeof *pr, by_fk);
    int progress = 0;
    for (long p = 0; p < np; p++) {
      long i = pr[p].i, id = cell_of[i];
      int j;
      if (s.seen[id] == s.version) {
        j = s.choice[id];
      } else {
        j = s.tab ? choose_fast(&s, id) : choose_brute(&s, id);
        s.seen[id] = s.version;
        s.choice[id] = j;
      }
      if (j < 0) continue; /* every key missing already */
      memcpy(t, s.c.codes + (size_t)id * (size_t)K, (size_t)K * sizeof *t);
      t[j] = MTM_SDC_NA;
      long nid = sdc_cells_get(&s.c, t);
      grow(&s);
      s.c.cnt[id] -= 1;
      s.c.w[id] -= 1;
      if (s.ties || s.c.cnt[id] <= 0 || s.c.cnt[nid] <= 0) s.version++;
      s.c.cnt[nid] += 1;
      s.c.w[nid] += 1;
      if (s.tab) {
        index_add(&s, id, -1);
        index_add(&s, nid, 1);
      }
      cell_of[i] = (int32_t)nid;
      k->codes[j][i] = MTM_SDC_NA;
      if (suppressed) suppressed[j]++;
      progress = 1;
    }
    if (!progress) { /* cannot happen with n >= k: all-missing records have fk = n */
      rc = mtm_err_set(err, MTM_EINVAL,
                       "%d-anonymity cannot be reached: %ld records keep fewer "
                       "than %d matches with every key suppressed",
                       kanon, np, kanon);
      break;
    }
  }
  free(pr);
  free(cell_of);
  free(s.order);
  free(s.level);
  free(s.diff);
  free(s.fk);
  free(s.Fk);
  free(s.seen);
  free(s.choice);
  if (s.tab)
    for (size_t A = 0; A < (size_t)1 << K; A++) free(s.tab[A].rep), free(s.tab[A].cnt);
  free(s.tab);
  free(s.g);
  sdc_cells_free(&s.c);
  return rc;
}
