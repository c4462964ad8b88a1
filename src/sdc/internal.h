/*
 * sdc's internal contract between its files (not for other modules): the
 * distinct key combinations ("cells") of a data set, each with its records
 * and their weight, and sdcMicro's frequency rule computed per cell.
 *
 * A cell is a tuple of nkeys codes, MTM_SDC_NA included as a value of its
 * own; its pattern is the bit mask of its missing keys. freq.c counts
 * records through cells (one hash per record, then work per cell), and
 * supp.c moves records between cells as it suppresses values.
 *
 * Ownership rule: a sdc_cells owns its arrays (malloc) until
 * sdc_cells_free(); callers own what they pass in.
 */
#ifndef MTM_SDC_INTERNAL_H
#define MTM_SDC_INTERNAL_H

#include "sdc/sdc.h"

typedef struct sdc_cells {
  int nkeys;
  long m, cap;    /* cells held, cells allocated */
  int32_t *codes; /* m x nkeys, cell c's codes at codes[c * nkeys] */
  double *cnt;    /* records in cell c (0 once all have left it) */
  double *w;      /* the sum of their weights */
  uint32_t *pat;  /* bit j set: key j is missing */
  int32_t *slots; /* open addressing: a cell id or -1 */
  size_t nslots;  /* a power of two */
} sdc_cells;

/* Mixes one code into a running hash. */
static inline uint64_t sdc_mix(uint64_t h, int32_t v) {
  h ^= (uint32_t)v;
  h *= 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 29);
}

/* The hash of a tuple's codes on the keys not in mask skip. */
static inline uint64_t sdc_hash_on(const int32_t *t, int nkeys, uint32_t skip) {
  uint64_t h = 0x84222325cbf29ce4ULL;
  for (int j = 0; j < nkeys; j++)
    if (!(skip >> j & 1)) h = sdc_mix(h, t[j]);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 33);
}

/* 1 when tuples a and b agree on every key not in skip. */
static inline int sdc_same_on(const int32_t *a, const int32_t *b, int nkeys, uint32_t skip) {
  for (int j = 0; j < nkeys; j++)
    if (!(skip >> j & 1) && a[j] != b[j]) return 0;
  return 1;
}

/* An empty set of cells for nkeys keys (1..32), sized for about hint. */
void sdc_cells_init(sdc_cells *c, int nkeys, long hint);
/* Frees the arrays; accepts a zeroed or freed sdc_cells. */
void sdc_cells_free(sdc_cells *c);
/* The id of the cell holding tuple (nkeys codes, any negative code read as
 * missing), added with no records when it is new. */
long sdc_cells_get(sdc_cells *c, const int32_t *tuple);
/* fk and Fk of every cell (arrays of c->m) by sdcMicro's freqCalc rule
 * (alpha = 1): a cell counts every record whose codes agree with its own
 * wherever both are present; except that a cell without missing keys does
 * not count records missing every key (unless there is a single key), and
 * a cell missing every key counts every record. Cells without records
 * get 0. */
void sdc_cells_freq(const sdc_cells *c, double *fk, double *Fk);

#endif
