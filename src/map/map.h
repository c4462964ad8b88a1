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
int mtm_map_breaks(const double *x, int n, int k, mtm_map_breaks_method m, double *breaks, int *nk,
                   mtm_err *err) MTM_MUST_USE;

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
  int classes;                  /* 0: 5                                     */
  mtm_map_breaks_method breaks; /* 0: Jenks                                */
  const char *legend_title;     /* e.g. "Migrant workers"                   */
  int label_top;                /* label the top N areas by value; 0: 5    */
  const char *disclaimer;       /* NULL: the standard English line          */
  double width;                 /* px; 0: 640                               */
  int percent;                  /* values are fractions, shown as "55%"     */
  const char *source;           /* the source line's data part ("Source: IOM
                                   MTM key-informant baseline, Round 2
                                   (2023)"); the map adds the boundaries'
                                   provenance. NULL: no source line       */
  int no_insets;                /* 1: no insets (level 2 only have them)    */
} mtm_map_spec;

/* The standard disclaimer line in a language ("en", "ru"). */
const char *mtm_map_disclaimer(const char *lang);

/* Appends the choropleth as a standalone, deterministic SVG document
 * (width spec->width, height set by the map's shape and the legend; no
 * external references; coordinates with one decimal):
 *   - one <path id="PCODE" data-pcode="PCODE" class="v|na"> per area with
 *     <title>Name: value</title>, filled by class (light blue to IOM blue
 *     #0033A0) or with the grey hatching of "not assessed" (no value);
 *     borders white, the outer border and (level 2) the borders between
 *     regions darker;
 *   - labels "Name / value" of the spec->label_top largest values, at the
 *     area's interior point (or beside a dot when the area is smaller than
 *     its label), each dropped when it would overlap one placed before;
 *   - under the map, the legend: the title, one entry per class showing the
 *     smallest and largest value in it ("1,000-5,000"; Russian and Kazakh
 *     group with U+00A0), "Not assessed" when an area has no value; then
 *     the disclaimer, wrapped.
 * Values for P-codes that are not areas of the map are ignored.
 * MTM_ENOTFOUND when the workspace has no boundaries for the level;
 * MTM_EINVAL for a level other than 1 or 2, or bad classes. */
int mtm_map_choropleth_svg(mtm_store *st, const mtm_map_spec *spec, mtm_buf *svg,
                           mtm_err *err) MTM_MUST_USE;

/* ---- projection ---------------------------------------------------------- */

/* Albers equal-area conic on the unit sphere: standard parallels lat1 and
 * lat2, origin at lat0 and lon0 (degrees). */
typedef struct mtm_map_albers {
  double n, c, rho0, lon0; /* radians where angles */
} mtm_map_albers;

/* The projection for a lon/lat box: standard parallels at 1/6 and 5/6 of
 * the latitude span, origin at the middle of the box. */
void mtm_map_albers_fit(mtm_map_albers *p, double lon_min, double lat_min, double lon_max,
                        double lat_max);
/* Projects lon/lat (degrees) to x (east) and y (north), unit-sphere units:
 * areas are preserved (a region's projected area is its area on the unit
 * sphere). */
void mtm_map_albers_project(const mtm_map_albers *p, double lon, double lat, double *x, double *y);

/* ---- shapes -------------------------------------------------------------- */

/* The areas of a map, projected to px (tenths of a px held as integers, y
 * down) and simplified along shared arcs: a ring is a chain of arcs, and
 * the two areas on either side of a border use the same arc, so their
 * borders are the same points. */
typedef struct mtm_map_arc {
  int npts;          /* after simplification, endpoints kept              */
  const int32_t *xy; /* npts x,y pairs, tenths of a px                    */
  int nsrc;          /* vertices before simplification                    */
  int sides;         /* how many rings use the arc (1: outer border)      */
} mtm_map_arc;

typedef struct mtm_map_ring {
  int area;          /* index in areas                                    */
  int ref0, nrefs;   /* refs[ref0 .. ref0 + nrefs): arc i, or ~i reversed */
  int npts;          /* the rebuilt ring, open (first point not repeated); */
  const int32_t *xy; /* 0 and NULL when it collapsed and was dropped      */
} mtm_map_ring;

typedef struct mtm_map_area {
  const char *pcode, *parent, *name;
  const char *parent_name; /* NULL: no parent                              */
  const char *source;      /* the boundary's provenance; NULL: unknown     */
  int ring0, nrings; /* rings[ring0 .. ring0 + nrings)                    */
} mtm_map_area;

typedef struct mtm_map_shapes {
  mtm_arena arena;
  int nareas;
  mtm_map_area *areas; /* by P-code                                       */
  int nrings;
  mtm_map_ring *rings;
  int *refs;
  int narcs;
  mtm_map_arc *arcs;
  double width, height; /* the map box in px, margins included            */
  long vertices_in, vertices_out;
} mtm_map_shapes;

/* The label of each area of a map of level (arena array, one per area):
 * its name, and at level 2 or below, when another area of the map or another region (a parent) has the
 * same name (compared as mtm_geo_bare_key does), its region's name too,
 * without a bracket of its own: "Almaty (Astana)" for the district of
 * Astana named Almaty, which is also a region's name. */
const char **mtm_map_area_labels(const mtm_map_shapes *s, int level, mtm_arena *a);

/* A region drawn in an inset: enlarged, beside the map, so that its
 * districts can be read. */
typedef struct mtm_map_inset {
  const char *pcode, *title;  /* the region and its name                 */
  double x0, y0, x1, y1;      /* its box on the map, px                  */
} mtm_map_inset;

/* The regions of a level-2 map that get an inset: those of two districts
 * or more drawn smaller than 5% of the map's width each way (the cities
 * that are regions: Almaty, Astana, Shymkent), at most 4, in P-code order.
 * Returns how many (arena array in *out). */
int mtm_map_insets(const mtm_map_shapes *s, mtm_arena *a, mtm_map_inset **out);

/* The margin around the map in the choropleth, px. */
#define MTM_MAP_MARGIN 8.0

/* Loads the areas of spec->level (valid on spec->date, under
 * spec->parent, names in spec->lang) and projects them to spec->width px
 * with a margin of margin px. MTM_ENOTFOUND with a sentence when no area
 * of the level has a boundary; MTM_EINVAL when a stored boundary is not a
 * Polygon or MultiPolygon. */
int mtm_map_shapes_load(mtm_store *st, const mtm_map_spec *spec, double margin,
                        mtm_map_shapes **out, mtm_err *err) MTM_MUST_USE;
void mtm_map_shapes_free(mtm_map_shapes *s);
/* A good interior point of an area for its label (px): an approximation
 * of the pole of inaccessibility of its largest ring, inside the area and
 * as far from its borders as a grid search finds. */
void mtm_map_label_point(const mtm_map_shapes *s, int area, double *x, double *y);
/* 1 when the point (px) is inside the area (even-odd rule over its rings). */
int mtm_map_area_contains(const mtm_map_shapes *s, int area, double x, double y);

#endif
