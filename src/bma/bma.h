/*
 * bma: the Baseline Mobility Assessment. Key informants (KIs) report, per
 * location (admin2), how many people of each population are present, by
 * period and origin; bma turns a baseline form's submissions into location
 * figures (median of the KIs by default), adds them up the hierarchy with
 * their coverage, applies phone verification, and serves the figures that
 * the sample design and the reports use.
 *
 * Ownership rule: everything a mtm_bma_* function returns lives in the
 * arena the caller passes.
 *
 * (Contract first, written by the lead so that bma, sample and the demo can
 * be built in parallel; the bma helper owns this file and may extend it.)
 */
#ifndef MTM_BMA_H
#define MTM_BMA_H

#include "core/core.h"
#include "store/store.h"

/* One row of a mapping: which question holds which figure. origin is an
 * ISO3 code or "" (all origins); sex "f", "m" or "" (both). */
typedef struct mtm_bma_map {
  const char *field, *population, *period, *origin, *sex;
} mtm_bma_map;

/* Flags of a location figure. */
enum {
  MTM_BMA_SINGLE_KI = 1,    /* one KI answered */
  MTM_BMA_DISAGREE = 2,     /* max/min over the disagreement ratio */
  MTM_BMA_NO_ANSWER = 4,    /* no KI answered */
  MTM_BMA_VERIFIED = 8,     /* a phone verification confirmed it */
  MTM_BMA_UPDATED = 16,     /* a phone verification replaced it */
  MTM_BMA_UNREACHABLE = 32  /* the KI could not be reached */
};

/* A figure of one area (any level) for one population, period, origin and
 * sex. For admin2 (the KI level) n_ki, min and max describe the KIs; for
 * aggregates, locations_reporting of locations_total had a figure. */
typedef struct mtm_bma_figure {
  int level;
  const char *pcode, *name, *parent;
  const char *population, *period, *origin, *sex;
  double value; /* NaN when no location reported */
  int n_ki;
  double min, max;
  int locations_reporting, locations_total;
  unsigned flags;
} mtm_bma_figure;

/* The totals of one population and period (all origins, both sexes) for the
 * areas of one level, as the sample design needs them. form_id NULL: the
 * operation's baseline form with data in that round. */
int mtm_bma_area_totals(mtm_store *st, const char *form_id, int round, const char *population,
                        const char *period, int level, mtm_arena *a, mtm_bma_figure **out, int *n,
                        mtm_err *err) MTM_MUST_USE;

#endif
