/*
 * sdc: statistical disclosure control of microdata, as sdcMicro (Templ,
 * Kowarik, Meindl) defines it, on key variables already coded as small
 * integers. No workspace, no files: export's anonymise.c chooses the keys,
 * codes them, calls these functions and writes what they return.
 *
 *   frequencies  fk: records in the sample sharing a record's key values;
 *                Fk: the sum of their weights (the population estimate).
 *                A missing value (MTM_SDC_NA) matches any value, as
 *                sdcMicro's freqCalc counts it.
 *   risk         individual risk as sdcMicro's indivRisk (Benedetti and
 *                Franconi; pk = fk / Fk; for a sample unique
 *                pk / (1 - pk) * ln(1 / pk)); global risk: the expected
 *                number of re-identifications (the sum of the individual
 *                risks), also over n.
 *   recoding     global recoding of numbers into bands (age bands), of codes
 *                into coarser codes (admin2 to admin1), top-coding.
 *   suppression  local suppression to k-anonymity (sdcMicro's localSupp /
 *                kAnon): values set to MTM_SDC_NA, the least important key
 *                first, until every record has fk >= k.
 *
 * Ownership rule: the caller owns every array; functions that allocate take
 * an arena and return memory in it.
 */
#ifndef MTM_SDC_H
#define MTM_SDC_H

#include "core/core.h"

#define MTM_SDC_NA (-1)

/* n records and their key variables: codes[j][i] is key j of record i,
 * 0.. or MTM_SDC_NA; w the sampling weights (NULL: every weight 1). */
typedef struct mtm_sdc_keys {
  long n;
  int nkeys;
  const char *const *names; /* the keys' names (messages, the report) */
  int32_t **codes;
  const double *w;
} mtm_sdc_keys;

/* fk and Fk of every record (arrays of n the caller owns). Records without
 * a missing key are counted by hashing; a record with missing keys matches
 * every record that agrees on its other keys, and adds to theirs as they add
 * to its (sdcMicro's rule). Returns 0 or MTM_ENOMEM. */
int mtm_sdc_freq(const mtm_sdc_keys *k, double *fk, double *Fk, mtm_err *err) MTM_MUST_USE;

/* The individual risk of every record from its fk and Fk, as sdcMicro's
 * indivRisk (method "approx"; risk[i] in [0, 1]; fk == Fk gives 1 / fk, as
 * measure_risk without weights; so does Fk < fk, from weights under 1). */
void mtm_sdc_indiv_risk(const double *fk, const double *Fk, long n, double *risk);

/* The global risk: the expected number of re-identifications, sum of risk. */
double mtm_sdc_global_risk(const double *risk, long n);

/* Records with fk < k: the k-anonymity violations. */
long mtm_sdc_violations(const double *fk, long n, int k);

/* Global recoding of numbers x[0..n) (NaN missing) into bands: code b for
 * breaks[b] <= x < breaks[b + 1] (nbreaks edges, nbreaks - 1 bands; below
 * the first or from the last edge on: the first or last band), NaN:
 * MTM_SDC_NA. label (may be NULL) receives nbreaks - 1 labels such as
 * "25-34" and "65+" in arena a. */
void mtm_sdc_bands(const double *x, long n, const double *breaks, int nbreaks, int32_t *codes,
                   mtm_arena *a, const char ***labels);

/* Coarsening of codes through a map (map[code] the coarser code, e.g. an
 * admin2 to its admin1): codes rewritten in place; MTM_SDC_NA stays. */
void mtm_sdc_recode(int32_t *codes, long n, const int32_t *map);

/* Top-coding: values of x above the cap are set to the cap; returns how many.
 * mtm_sdc_quantile gives a cap such as the 0.99 quantile (type 7, as R's
 * quantile; NaN left out). */
long mtm_sdc_topcode(double *x, long n, double cap);
double mtm_sdc_quantile(const double *x, long n, double p, mtm_arena *a);

/* Local suppression to k-anonymity: while some record has fk < k, sets one
 * of its key values to MTM_SDC_NA, choosing the key by importance
 * (importance[j]: larger is kept longer; NULL: the order of the keys, the
 * last suppressed first) and, among equals, the key whose suppression
 * helps most; codes are changed in place. suppressed[j] (nkeys, may be
 * NULL) receives the values suppressed per key. Returns 0, or MTM_EINVAL
 * when k-anonymity cannot be reached (every key of a record suppressed and
 * n < k). */
int mtm_sdc_local_supp(mtm_sdc_keys *k, int kanon, const int *importance, long *suppressed,
                       mtm_err *err) MTM_MUST_USE;

/* A keyed pseudonym: HMAC-SHA-256 of id under key (32 bytes, libsodium's
 * crypto_auth_hmacsha256), as 32 hex characters (the first 16 bytes) in
 * out[33]. The same key and id give the same pseudonym in every round. */
void mtm_sdc_pseudonym(const unsigned char key[32], const char *id, char out[33]);

#endif
