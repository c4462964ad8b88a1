/*
 * render: the drawing of a report's figures, one code path for the HTML
 * and the PDF.
 *
 *   text     the width of a label in the report's font, measured with
 *            pango, so that layouts place labels that never overlap;
 *   palette  a sober palette in IOM's style (blue first), shared by charts
 *            and maps;
 *   charts   the chart types of an MTM report written as SVG documents
 *            (text as <text> in the report font, so a browser and librsvg
 *            draw the same thing);
 *   cairo    an SVG document drawn onto a cairo context (a PDF page) with
 *            librsvg: the PDF's charts and maps are the HTML's SVGs.
 *
 * Units are CSS pixels (1/96 in); the PDF writer scales them to points.
 *
 * Ownership rule: SVG text is appended to the caller's mtm_buf; nothing
 * returned here needs freeing except what the caller allocated.
 */
#ifndef MTM_RENDER_H
#define MTM_RENDER_H

#include "core/core.h"

/* The report font: DejaVu Sans (Debian's fonts-dejavu-core) has every
 * Cyrillic and Kazakh letter (ә ғ қ ң ө ұ ү һ і). */
#define MTM_RENDER_FONT "DejaVu Sans"

/* ---- text ---------------------------------------------------------------- */

/* The advance width in px of utf8 set in MTM_RENDER_FONT at size px, bold
 * or not, as pango lays it out (kerning included). Thread-compatible: one
 * font map per process, created on first use. */
double mtm_render_text_width(const char *utf8, double size, int bold);

/* ---- palette ------------------------------------------------------------- */

/* Series colours, in order of use: IOM blue, then colours that stay
 * distinguishable in grey print. */
extern const char *const mtm_render_palette[];
extern const int mtm_render_palette_n;
#define MTM_RENDER_INK "#1a1a1a"      /* text                              */
#define MTM_RENDER_MUTED "#6b6b6b"    /* notes, axes                       */
#define MTM_RENDER_RULE "#d0d0d0"     /* grid lines, borders               */
#define MTM_RENDER_NA "#e8e8e8"       /* "not assessed" / no data          */

/* ---- charts -------------------------------------------------------------- */

typedef enum {
  MTM_CHART_HBAR = 1, /* horizontal bars, one group of bars per category   */
  MTM_CHART_VBAR,     /* vertical bars, grouped                            */
  MTM_CHART_STACK100, /* one 100% stacked bar per series                   */
  MTM_CHART_DONUT,    /* two to five categories, one series               */
  MTM_CHART_MULTI,    /* select_multiple: horizontal bars sorted by value  */
  MTM_CHART_HIST      /* histogram: contiguous vertical bars, cats = bins  */
} mtm_chart_type;

typedef struct mtm_chart_series {
  const char *name;     /* legend entry ("Women", "Round 1"); NULL: none   */
  const double *values; /* ncat values; NaN: no value (suppressed, none)   */
  const double *n;      /* ncat unweighted n, or NULL                      */
} mtm_chart_series;

typedef struct mtm_chart {
  mtm_chart_type type;
  const char *title;              /* NULL: none (the report captions it)  */
  int ncat;
  const char *const *cats;        /* category labels, in drawing order     */
  int nseries;
  const mtm_chart_series *series; /* 1..6                                  */
  int percent;                    /* values are fractions, shown as "55%" */
  int decimals;                   /* digits after the point in labels      */
  const char *lang;               /* "en", "ru": number format of labels   */
  const char *note;               /* under the chart, e.g. "n = 1,129"     */
  double small_n;                 /* a value whose n < small_n gets a mark
                                     and the note explains it; 0: none     */
  double width;                   /* px; 0: 640                            */
  double vmax;                    /* the value scale reaches at least this
                                     (charts set side by side share one);
                                     0: the data's largest                 */
} mtm_chart;

/* Appends the chart as a standalone SVG document (<svg ...> with width,
 * height and viewBox, no external references, deterministic: the same
 * chart gives the same bytes). Category labels wrap or are shortened
 * with an ellipsis rather than overlap; value labels never overlap bars
 * or each other. MTM_EINVAL with a sentence when the chart cannot be
 * drawn (no categories, too many series, a donut of more than five). */
int mtm_chart_svg(const mtm_chart *c, mtm_buf *svg, mtm_err *err) MTM_MUST_USE;

/* ---- cairo --------------------------------------------------------------- */

/* Draws an SVG document onto cr (a cairo_t *) in the box x, y, w (points
 * in cr's user space), keeping the aspect ratio; *h receives the height
 * used. The caller includes <cairo.h>. */
int mtm_render_svg_cairo(void *cr, const char *svg, size_t len, double x, double y, double w,
                         double *h, mtm_err *err) MTM_MUST_USE;

#endif
