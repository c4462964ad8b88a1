/*
 * map: choropleth maps of a figure by admin1 or admin2, drawn from the
 * boundaries stored in the workspace (store area_shapes, GeoJSON per area).
 *
 *   shapes     the areas of one level, their rings projected with an
 *              equal-area projection (Albers conic, standard parallels at
 *              1/6 and 5/6 of the areas' latitude span) and simplified
 *              along shared borders so that neighbours keep no gap;
 *   breaks     class breaks by quantiles or natural breaks (Jenks);
 *   choropleth an SVG document: classes in a sequential palette, a
 *              "not assessed" class distinct from zero, a legend, labels
 *              for the top areas that never overlap, and the standard
 *              disclaimer line on boundaries.
 *
 * Ownership rule: a mtm_map_shapes owns its arena; SVG text is appended to
 * the caller's mtm_buf.
 */
#ifndef MTM_MAP_H
#define MTM_MAP_H

#include "core/core.h"
#include "store/store.h"

typedef enum { MTM_MAP_QUANTILES = 1, MTM_MAP_JENKS } mtm_map_breaks_method;

/* Class breaks of the n finite values of x into k classes (k - 1 inner
 * breaks written to breaks[0..k-2], ascending; fewer when the values have
 * fewer distinct levels: *nk receives the number of classes made). */
int mtm_map_breaks(const double *x, int n, int k, mtm_map_breaks_method m, double *breaks,
                   int *nk, mtm_err *err) MTM_MUST_USE;

typedef struct mtm_map_value {
  const char *pcode;
  double value; /* NaN: not assessed (no figure); 0 is a value            */
} mtm_map_value;

typedef struct mtm_map_spec {
  int level;                   /* 1 or 2                                   */
  const char *parent;          /* only areas under this P-code; NULL: all */
  const char *date;            /* boundaries valid on this ISO date; NULL: current */
  const char *lang;            /* area names: "en", "ru", ...              */
  const mtm_map_value *values; /* by P-code; an area without one is "not assessed" */
  int nvalues;
  int classes;                 /* 0: 5                                     */
  mtm_map_breaks_method breaks; /* 0: Jenks                                */
  const char *legend_title;    /* e.g. "Migrant workers"                   */
  int label_top;               /* label the top N areas by value; 0: 5    */
  const char *disclaimer;      /* NULL: the standard English line          */
  double width;                /* px; 0: 640                               */
} mtm_map_spec;

/* The standard disclaimer line in a language ("en", "ru"). */
const char *mtm_map_disclaimer(const char *lang);

/* Appends the choropleth as a standalone, deterministic SVG document.
 * MTM_ENOTFOUND when the workspace has no boundaries for the level. */
int mtm_map_choropleth_svg(mtm_store *st, const mtm_map_spec *spec, mtm_buf *svg,
                           mtm_err *err) MTM_MUST_USE;

#endif
