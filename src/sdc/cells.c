/*
 * cells.c: the distinct key combinations of a data set and sdcMicro's
 * frequency rule per combination (see internal.h).
 *
 * sdcMicro's freqCalc (R/freqCalc.r) aggregates the records by their keys,
 * missing values included, then lets every combination with a missing
 * value match the combinations that agree with it on its present keys: a
 * loop over the combinations with missing values, each compared with all
 * others. Here the same sums come from hash tables instead: for every pair
 * of missing-value patterns (P, Q), the cells of pattern Q are summed by
 * their codes on the keys present in both P and Q, and every cell of
 * pattern P looks its own codes up there (or, when P has fewer cells,
 * P's cells are tabled and Q's cells add themselves to them). That is work in proportion to
 * (patterns x cells), not (cells with missing values x cells).
 */
#include <stdlib.h>
#include <string.h>

#include "sdc/internal.h"

/* The bit mask of every key. */
static uint32_t all_keys(int nkeys) {
  return nkeys >= 32 ? 0xffffffffu : ((uint32_t)1 << nkeys) - 1;
}

/* Prepares an empty set of cells with room for about hint of them. */
void sdc_cells_init(sdc_cells *c, int nkeys, long hint) {
  memset(c, 0, sizeof *c);
  c->nkeys = nkeys;
  c->cap = hint < 16 ? 16 : hint;
  c->codes = mtm_xmalloc((size_t)c->cap * (size_t)nkeys * sizeof *c->codes);
  c->cnt = mtm_xmalloc((size_t)c->cap * sizeof *c->cnt);
  c->w = mtm_xmalloc((size_t)c->cap * sizeof *c->w);
  c->pat = mtm_xmalloc((size_t)c->cap * sizeof *c->pat);
  c->nslots = 32;
  while (c->nslots < (size_t)c->cap * 2) c->nslots <<= 1;
  c->slots = mtm_xmalloc(c->nslots * sizeof *c->slots);
  memset(c->slots, 0xff, c->nslots * sizeof *c->slots);
}

/* Frees what sdc_cells_init and sdc_cells_get allocated. */
void sdc_cells_free(sdc_cells *c) {
  if (!c) return;
  free(c->codes);
  free(c->cnt);
  free(c->w);
  free(c->pat);
  free(c->slots);
  memset(c, 0, sizeof *c);
}

/* Doubles the hash table and re-inserts every cell. */
static void rehash(sdc_cells *c) {
  free(c->slots);
  c->nslots <<= 1;
  c->slots = mtm_xmalloc(c->nslots * sizeof *c->slots);
  memset(c->slots, 0xff, c->nslots * sizeof *c->slots);
  size_t mask = c->nslots - 1;
  for (long i = 0; i < c->m; i++) {
    size_t s = sdc_hash_on(c->codes + (size_t)i * (size_t)c->nkeys, c->nkeys, 0) & mask;
    while (c->slots[s] >= 0) s = (s + 1) & mask;
    c->slots[s] = (int32_t)i;
  }
}

/* Finds tuple's cell, adding it (with no records) when it is new. Missing
 * codes are stored as MTM_SDC_NA whatever negative value they came as. */
long sdc_cells_get(sdc_cells *c, const int32_t *tuple) {
  int K = c->nkeys;
  int32_t t[32];
  uint32_t pat = 0;
  for (int j = 0; j < K; j++) {
    t[j] = tuple[j] < 0 ? MTM_SDC_NA : tuple[j];
    if (t[j] < 0) pat |= (uint32_t)1 << j;
  }
  size_t mask = c->nslots - 1;
  size_t s = sdc_hash_on(t, K, 0) & mask;
  for (; c->slots[s] >= 0; s = (s + 1) & mask)
    if (sdc_same_on(c->codes + (size_t)c->slots[s] * (size_t)K, t, K, 0)) return c->slots[s];
  if (c->m == c->cap) {
    c->cap *= 2;
    c->codes = mtm_xrealloc(c->codes, (size_t)c->cap * (size_t)K * sizeof *c->codes);
    c->cnt = mtm_xrealloc(c->cnt, (size_t)c->cap * sizeof *c->cnt);
    c->w = mtm_xrealloc(c->w, (size_t)c->cap * sizeof *c->w);
    c->pat = mtm_xrealloc(c->pat, (size_t)c->cap * sizeof *c->pat);
  }
  long id = c->m++;
  memcpy(c->codes + (size_t)id * (size_t)K, t, (size_t)K * sizeof *t);
  c->cnt[id] = 0;
  c->w[id] = 0;
  c->pat[id] = pat;
  c->slots[s] = (int32_t)id;
  if ((size_t)c->m * 2 > c->nslots) rehash(c);
  return id;
}

/* A sum table over the cells of one pattern, keyed by their codes outside
 * a mask: entry rep is a cell of that pattern standing for its key. */
typedef struct sum_table {
  int32_t *rep;
  double *cnt, *w;
  size_t mask;
} sum_table;

/* Empties table t for n cells, growing its arrays when needed. */
static void table_reset(sum_table *t, size_t *cap, long n) {
  size_t want = 16;
  while (want < (size_t)n * 2) want <<= 1;
  if (want > *cap) {
    free(t->rep);
    free(t->cnt);
    free(t->w);
    t->rep = mtm_xmalloc(want * sizeof *t->rep);
    t->cnt = mtm_xmalloc(want * sizeof *t->cnt);
    t->w = mtm_xmalloc(want * sizeof *t->w);
    *cap = want;
  }
  t->mask = want - 1;
  memset(t->rep, 0xff, want * sizeof *t->rep);
}

/* The slot of tuple's key (its codes outside skip) in t: the entry holding
 * it, or the empty slot where it belongs. */
static size_t table_slot(const sum_table *t, const sdc_cells *c, const int32_t *tuple,
                         uint32_t skip) {
  size_t s = sdc_hash_on(tuple, c->nkeys, skip) & t->mask;
  for (; t->rep[s] >= 0; s = (s + 1) & t->mask)
    if (sdc_same_on(c->codes + (size_t)t->rep[s] * (size_t)c->nkeys, tuple, c->nkeys, skip)) break;
  return s;
}

/* A cell id with its pattern, to sort cells by pattern. */
typedef struct pat_id {
  uint32_t pat;
  long id;
} pat_id;

/* Orders by pattern, then by cell id. */
static int by_pattern(const void *a, const void *b) {
  const pat_id *x = a, *y = b;
  if (x->pat != y->pat) return x->pat < y->pat ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* fk and Fk per cell by sdcMicro's rule (internal.h). The cells holding
 * records are grouped by pattern; for each pattern P and each pattern Q,
 * Q's cells are summed by their codes on the keys present in both, and
 * P's cells add the sum found under their own codes. */
void sdc_cells_freq(const sdc_cells *c, double *fk, double *Fk) {
  int K = c->nkeys;
  uint32_t ALL = all_keys(K);
  long m = 0;
  double ntot = 0, wtot = 0;
  long *ids = mtm_xmalloc((size_t)(c->m ? c->m : 1) * sizeof *ids);
  for (long i = 0; i < c->m; i++) {
    fk[i] = 0;
    Fk[i] = 0;
    if (c->cnt[i] > 0) {
      ids[m++] = i;
      ntot += c->cnt[i];
      wtot += c->w[i];
    }
  }
  /* Sorted by pattern: groups [gs[g], gs[g + 1]) share pattern gp[g]. */
  int only_complete = 1;
  for (long i = 0; i < m; i++)
    if (c->pat[ids[i]]) only_complete = 0;
  if (only_complete) { /* the common case: no missing value at all */
    for (long i = 0; i < m; i++) {
      fk[ids[i]] = c->cnt[ids[i]];
      Fk[ids[i]] = c->w[ids[i]];
    }
    free(ids);
    return;
  }
  pat_id *pi = mtm_xmalloc((size_t)m * sizeof *pi);
  for (long i = 0; i < m; i++) pi[i] = (pat_id){c->pat[ids[i]], ids[i]};
  qsort(pi, (size_t)m, sizeof *pi, by_pattern);
  for (long i = 0; i < m; i++) ids[i] = pi[i].id;
  free(pi);
  long ng = 0;
  long *gs = mtm_xmalloc((size_t)(m + 1) * sizeof *gs);
  for (long i = 0; i < m; i++)
    if (i == 0 || c->pat[ids[i]] != c->pat[ids[i - 1]]) gs[ng++] = i;
  gs[ng] = m;
  sum_table t = {0};
  size_t tcap = 0;
  for (long gp = 0; gp < ng; gp++) {
    uint32_t P = c->pat[ids[gs[gp]]];
    if (P == ALL) { /* missing every key: every record matches */
      for (long i = gs[gp]; i < gs[gp + 1]; i++) {
        fk[ids[i]] = ntot;
        Fk[ids[i]] = wtot;
      }
      continue;
    }
    for (long gq = 0; gq < ng; gq++) {
      uint32_t Q = c->pat[ids[gs[gq]]];
      if (Q == ALL) {
        /* freqCalc adds records missing every key to records with some
         * missing keys, not to complete ones (unless one key only). */
        if (P == 0 && K > 1) continue;
        double n = 0, w = 0;
        for (long i = gs[gq]; i < gs[gq + 1]; i++) {
          n += c->cnt[ids[i]];
          w += c->w[ids[i]];
        }
        for (long i = gs[gp]; i < gs[gp + 1]; i++) {
          fk[ids[i]] += n;
          Fk[ids[i]] += w;
        }
        continue;
      }
      /* Q's records summed by their codes on the keys outside P | Q and
       * read by P's cells: the table holds the smaller group, the larger
       * probes it (a small table stays in cache). */
      uint32_t skip = P | Q;
      long np = gs[gp + 1] - gs[gp], nq = gs[gq + 1] - gs[gq];
      int by_q = nq <= np;
      long b0 = by_q ? gs[gq] : gs[gp], b1 = by_q ? gs[gq + 1] : gs[gp + 1];
      long p0 = by_q ? gs[gp] : gs[gq], p1 = by_q ? gs[gp + 1] : gs[gq + 1];
      table_reset(&t, &tcap, b1 - b0);
      for (long i = b0; i < b1; i++) {
        long id = ids[i];
        size_t s = table_slot(&t, c, c->codes + (size_t)id * (size_t)K, skip);
        if (t.rep[s] < 0) {
          t.rep[s] = (int32_t)id;
          t.cnt[s] = 0;
          t.w[s] = 0;
        }
        if (by_q) {
          t.cnt[s] += c->cnt[id];
          t.w[s] += c->w[id];
        }
      }
      for (long i = p0; i < p1; i++) {
        long id = ids[i];
        size_t s = table_slot(&t, c, c->codes + (size_t)id * (size_t)K, skip);
        if (t.rep[s] < 0) continue;
        if (by_q) {
          fk[id] += t.cnt[s];
          Fk[id] += t.w[s];
        } else {
          t.cnt[s] += c->cnt[id];
          t.w[s] += c->w[id];
        }
      }
      if (!by_q)
        for (long i = b0; i < b1; i++) {
          long id = ids[i];
          size_t s = table_slot(&t, c, c->codes + (size_t)id * (size_t)K, skip);
          fk[id] += t.cnt[s];
          Fk[id] += t.w[s];
        }
    }
  }
  free(t.rep);
  free(t.cnt);
  free(t.w);
  free(gs);
  free(ids);
}
