/* map: the choropleth as a standalone SVG document: classes in a
 * sequential blue palette, a hatched "not assessed" class, a legend,
 * labels that never overlap, and the disclaimer on boundaries. */
#include "map/map.h"
#include "prose/prose.h"
#include "render/render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MARGIN MTM_MAP_MARGIN
#define LABEL_NAME_PX 10.0
#define LABEL_VALUE_PX 10.0
#define LEGEND_PX 11.0
#define LEGEND_TITLE_PX 12.0
#define DISCLAIMER_PX 9.0
#define NA_PATTERN "mtm-map-na"

/* The standard disclaimer in English or Russian (English otherwise). */
const char *mtm_map_disclaimer(const char *lang) {
  if (lang && !strcmp(lang, "ru"))
    return "Границы и названия, показанные на этой карте, и используемые на ней обозначения "
           "не подразумевают официального одобрения или признания со стороны Международной "
           "организации по миграции.";
  return "The boundaries and names shown and the designations used on this map do not imply "
         "official endorsement or acceptance by the International Organization for Migration.";
}

/* 1 for languages written with Russian number conventions. */
static int ru_numbers(const char *lang) {
  return lang && (!strcmp(lang, "ru") || !strcmp(lang, "kk"));
}

/* "Not assessed" in Russian, else in English. */
static const char *na_text(const char *lang, int capital) {
  if (lang && !strcmp(lang, "ru")) return capital ? "Не оценивалось" : "не оценивалось";
  return capital ? "Not assessed" : "not assessed";
}

/* Appends v with digit grouping (en "12,345.6"; ru "12 345,6" with
 * no-break spaces) and the given number of decimals. */
static void add_number(mtm_buf *b, double v, int decimals, const char *lang) {
  char raw[64];
  snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v) < 0.5 * pow(10, -decimals) ? 0.0 : v);
  int ru = ru_numbers(lang);
  const char *p = raw;
  if (*p == '-') mtm_buf_addc(b, *p++);
  const char *dot = strchr(p, '.');
  size_t nint = dot ? (size_t)(dot - p) : strlen(p);
  for (size_t i = 0; i < nint; i++) {
    if (i && (nint - i) % 3 == 0) {
      if (ru)
        mtm_buf_adds(b, "\xc2\xa0");
      else
        mtm_buf_addc(b, ',');
    }
    mtm_buf_addc(b, p[i]);
  }
  if (dot) {
    mtm_buf_addc(b, ru ? ',' : '.');
    mtm_buf_adds(b, dot + 1);
  }
}

/* Appends a value as the map shows it: a percentage of a fraction when
 * percent is set (prose's format), else a grouped number. */
static void add_value(mtm_buf *b, double v, int decimals, const char *lang, int percent) {
  if (percent)
    mtm_prose_percent(b, mtm_prose_lang_parse(ru_numbers(lang) ? "ru" : "en"), v, decimals);
  else
    add_number(b, v, decimals, lang);
}

/* Appends text escaped for XML character data and attribute values. */
static void add_xml(mtm_buf *b, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&':
      mtm_buf_adds(b, "&amp;");
      break;
    case '<':
      mtm_buf_adds(b, "&lt;");
      break;
    case '>':
      mtm_buf_adds(b, "&gt;");
      break;
    case '"':
      mtm_buf_adds(b, "&quot;");
      break;
    default:
      mtm_buf_addc(b, *s);
    }
  }
}

/* The colour of class i of nk: from a light blue to IOM blue (#0033A0),
 * evenly spaced in sRGB. */
static void class_colour(int i, int nk, char out[8]) {
  static const int lo[3] = {0xc6, 0xdb, 0xef}, hi[3] = {0x00, 0x33, 0xa0};
  double f = nk > 1 ? (double)i / (nk - 1) : 0.6;
  int c[3];
  for (int k = 0; k < 3; k++) c[k] = (int)lround(lo[k] + (hi[k] - lo[k]) * f);
  snprintf(out, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

/* Appends the rings of an area as path data: absolute coordinates in px
 * with one decimal, one closed subpath per ring. */
static void add_path_data(mtm_buf *b, const mtm_map_shapes *s, const mtm_map_area *a) {
  int first = 1;
  for (int r = a->ring0; r < a->ring0 + a->nrings; r++) {
    const mtm_map_ring *g = &s->rings[r];
    if (!g->npts) continue;
    for (int i = 0; i < g->npts; i++) {
      const char *cmd = i == 0 ? (first ? "M" : "ZM") : i == 1 ? "L" : " ";
      mtm_buf_printf(b, "%s%.1f %.1f", cmd, g->xy[2 * i] / 10.0, g->xy[2 * i + 1] / 10.0);
    }
    first = 0;
  }
  if (!first) mtm_buf_addc(b, 'Z');
}

typedef struct box {
  double x0, y0, x1, y1;
} box;

/* 1 when two boxes overlap, with a gap of pad px required between them. */
static int overlaps(const box *a, const box *b, double pad) {
  return a->x0 < b->x1 + pad && b->x0 < a->x1 + pad && a->y0 < b->y1 + pad && b->y0 < a->y1 + pad;
}

/* 1 when a label box of w x h centred on (x, y) lies inside the area:
 * its corners and the middles of its sides are all inside. */
static int label_fits(const mtm_map_shapes *s, int area, double x, double y, double w, double h) {
  for (int i = -1; i <= 1; i++)
    for (int k = -1; k <= 1; k++)
      if ((i || k) && !mtm_map_area_contains(s, area, x + i * w / 2, y + k * h / 2)) return 0;
  return 1;
}

/* The drawn area of an area in px^2: its rings' shoelace areas, holes
 * taken away (outer rings and holes turn opposite ways in GeoJSON; the
 * absolute sum is enough to tell small from large). */
static double area_px2(const mtm_map_shapes *s, int area) {
  const mtm_map_area *a = &s->areas[area];
  double total = 0;
  for (int r = a->ring0; r < a->ring0 + a->nrings; r++) {
    const mtm_map_ring *g = &s->rings[r];
    double t = 0;
    for (int i = 0, k = g->npts - 1; i < g->npts; k = i++)
      t += (double)g->xy[2 * k] * g->xy[2 * i + 1] - (double)g->xy[2 * i] * g->xy[2 * k + 1];
    total += t / 200.0;
  }
  return fabs(total);
}

typedef struct ranked {
  int area;
  double v;
} ranked;

/* Orders by value descending, then by area index (P-code order). */
static int cmp_ranked(const void *pa, const void *pb) {
  const ranked *a = pa, *b = pb;
  if (a->v != b->v) return a->v < b->v ? 1 : -1;
  return (a->area > b->area) - (a->area < b->area);
}

/* Appends text wrapped to width px at size px as <text> lines from
 * baseline y; returns the y below the last line. */
static double add_wrapped(mtm_buf *b, const char *text, double x, double y, double width,
                          double size, const char *attrs) {
  const char *p = text;
  double lh = size * 1.3;
  while (*p) {
    /* Take words while the line fits; at least one word per line. */
    const char *end = p, *best = NULL;
    for (;;) {
      const char *q = end;
      while (*q == ' ') q++;
      while (*q && *q != ' ') q++;
      size_t len = (size_t)(q - p);
      char *tmp = mtm_xmalloc(len + 1);
      memcpy(tmp, p, len);
      tmp[len] = 0;
      double w = mtm_render_text_width(tmp, size, 0);
      free(tmp);
      if (best && w > width) break;
      best = q;
      end = q;
      if (!*q) break;
    }
    mtm_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\"%s>", x, y + size, size, attrs);
    size_t len = (size_t)(best - p);
    char *line = mtm_xmalloc(len + 1);
    memcpy(line, p, len);
    line[len] = 0;
    add_xml(b, line);
    free(line);
    mtm_buf_adds(b, "</text>\n");
    y += lh;
    p = best;
    while (*p == ' ') p++;
  }
  return y;
}

/* Draws the choropleth: shapes, classes, paths, outlines, labels, legend
 * and disclaimer, in that order, into one SVG document. */
int mtm_map_choropleth_svg(mtm_store *st, const mtm_map_spec *spec, mtm_buf *svg, mtm_err *err) {
  if (spec->level < 1 || spec->level > 2)
    return mtm_err_set(err, MTM_EINVAL, "a map shows level 1 or level 2 areas, not level %d",
                       spec->level);
  mtm_map_shapes *s;
  int rc = mtm_map_shapes_load(st, spec, MARGIN, &s, err);
  if (rc) return rc;
  mtm_arena *A = &s->arena;
  const char *lang = spec->lang ? spec->lang : "en";
  double W = s->width;

  /* Values by area. */
  mtm_strmap idx;
  mtm_strmap_init(&idx, A, (size_t)s->nareas);
  for (int i = 0; i < s->nareas; i++) mtm_strmap_put(&idx, s->areas[i].pcode, i);
  double *val = mtm_arena_alloc(A, sizeof *val * (size_t)s->nareas);
  for (int i = 0; i < s->nareas; i++) val[i] = NAN;
  for (int i = 0; i < spec->nvalues; i++) {
    int k = mtm_strmap_get(&idx, spec->values[i].pcode);
    if (k >= 0) val[k] = spec->values[i].value;
  }
  int nfinite = 0, nna = 0, integers = 1;
  double vmin = INFINITY, vmax = -INFINITY;
  for (int i = 0; i < s->nareas; i++) {
    if (!isfinite(val[i])) {
      nna++;
      continue;
    }
    nfinite++;
    vmin = fmin(vmin, val[i]);
    vmax = fmax(vmax, val[i]);
    if (fabs(val[i] - round(val[i])) > 1e-9) integers = 0;
  }
  int pct = spec->percent != 0;
  /* Whole numbers for counts and for any figure spread over 10 or more
   * (a baseline median of 2,600.5 people reads as 2,601, as the report's
   * text has it); decimals only for small spreads. */
  int decimals = pct ? (vmax - vmin < 0.1 ? 1 : 0)
                     : (integers || vmax - vmin >= 10) ? 0 : (vmax - vmin < 1 ? 2 : 1);

  /* Classes. */
  double breaks[12];
  int nk = 0;
  rc = mtm_map_breaks(val, s->nareas, spec->classes > 0 ? spec->classes : 5,
                      spec->breaks ? spec->breaks : MTM_MAP_JENKS, breaks, &nk, err);
  if (rc) {
    mtm_map_shapes_free(s);
    return rc;
  }
  int *cls = mtm_arena_alloc(A, sizeof *cls * (size_t)s->nareas);
  double cmin[12], cmax[12];
  for (int c = 0; c < 12; c++) cmin[c] = INFINITY, cmax[c] = -INFINITY;
  for (int i = 0; i < s->nareas; i++) {
    cls[i] = -1;
    if (!isfinite(val[i])) continue;
    int c = 0;
    while (c < nk - 1 && val[i] > breaks[c]) c++;
    cls[i] = c;
    cmin[c] = fmin(cmin[c], val[i]);
    cmax[c] = fmax(cmax[c], val[i]);
  }

  /* Legend layout first: it sits under the map and sets the height. */
  double map_h = s->height;
  double y = map_h + 4;
  mtm_buf legend;
  mtm_buf_init(&legend);
  if (spec->legend_title && *spec->legend_title) {
    mtm_buf_printf(&legend, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" font-weight=\"bold\">",
                   MARGIN, y + LEGEND_TITLE_PX, LEGEND_TITLE_PX);
    add_xml(&legend, spec->legend_title);
    mtm_buf_adds(&legend, "</text>\n");
    y += LEGEND_TITLE_PX * 1.5;
  }
  {
    double x = MARGIN, sw = 16, sh = 11, row = LEGEND_PX * 1.6;
    int entries = nk + (nna ? 1 : 0);
    for (int e = 0; e < entries; e++) {
      mtm_buf text;
      mtm_buf_init(&text);
      char fill[32];
      if (e < nk) {
        add_value(&text, cmin[e], decimals, lang, pct);
        if (cmax[e] != cmin[e]) {
          mtm_buf_addc(&text, '-');
          add_value(&text, cmax[e], decimals, lang, pct);
        }
        class_colour(e, nk, fill);
      } else {
        mtm_buf_adds(&text, na_text(lang, 1));
        snprintf(fill, sizeof fill, "url(#%s)", NA_PATTERN);
      }
      double w = sw + 5 + mtm_render_text_width(text.p, LEGEND_PX, 0);
      if (x > MARGIN && x + w > W - MARGIN) {
        x = MARGIN;
        y += row;
      }
      mtm_buf_printf(&legend,
                     "<rect x=\"%.1f\" y=\"%.1f\" width=\"%g\" height=\"%g\" fill=\"%s\" "
                     "stroke=\"%s\" stroke-width=\"0.5\"/>",
                     x, y + 2, sw, sh, fill, MTM_RENDER_RULE);
      mtm_buf_printf(&legend, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\">", x + sw + 5,
                     y + 2 + sh - 1.5, LEGEND_PX);
      add_xml(&legend, text.p);
      mtm_buf_adds(&legend, "</text>\n");
      mtm_buf_free(&text);
      x += w + 14;
    }
    if (entries) y += row;
  }
  y += 2;
  const char *disc = spec->disclaimer ? spec->disclaimer : mtm_map_disclaimer(lang);
  y = add_wrapped(&legend, disc, MARGIN, y, W - 2 * MARGIN, DISCLAIMER_PX,
                  " fill=\"" MTM_RENDER_MUTED "\"");
  double H = ceil(y + 4);

  /* Document, definitions. */
  mtm_buf_printf(svg,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
                 "viewBox=\"0 0 %g %g\" font-family=\"%s\" fill=\"%s\">\n",
                 W, H, W, H, MTM_RENDER_FONT, MTM_RENDER_INK);
  mtm_buf_printf(svg,
                 "<defs><pattern id=\"%s\" patternUnits=\"userSpaceOnUse\" width=\"5\" "
                 "height=\"5\" patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" "
                 "fill=\"%s\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"#a8a8a8\" "
                 "stroke-width=\"1.2\"/></pattern></defs>\n",
                 NA_PATTERN, MTM_RENDER_NA);

  /* Areas. */
  mtm_buf_adds(svg, "<g class=\"areas\" stroke=\"#ffffff\" stroke-width=\"0.5\" "
                    "stroke-linejoin=\"round\" fill-rule=\"evenodd\">\n");
  for (int i = 0; i < s->nareas; i++) {
    const mtm_map_area *a = &s->areas[i];
    char fill[32];
    if (cls[i] >= 0)
      class_colour(cls[i], nk, fill);
    else
      snprintf(fill, sizeof fill, "url(#%s)", NA_PATTERN);
    mtm_buf_adds(svg, "<path id=\"");
    add_xml(svg, a->pcode);
    mtm_buf_adds(svg, "\" data-pcode=\"");
    add_xml(svg, a->pcode);
    mtm_buf_printf(svg, "\" class=\"%s\" fill=\"%s\" d=\"", cls[i] >= 0 ? "v" : "na", fill);
    add_path_data(svg, s, a);
    mtm_buf_adds(svg, "\"><title>");
    add_xml(svg, a->name);
    mtm_buf_adds(svg, ": ");
    if (cls[i] >= 0)
      add_value(svg, val[i], decimals, lang, pct);
    else
      mtm_buf_adds(svg, na_text(lang, 0));
    mtm_buf_adds(svg, "</title></path>\n");
  }
  mtm_buf_adds(svg, "</g>\n");

  /* Outlines: the outer border, and at level 2 the borders between
   * different parents (the admin1 outlines). */
  int *first = mtm_arena_alloc(A, sizeof *first * (size_t)(s->narcs ? s->narcs : 1));
  int *other = mtm_arena_alloc(A, sizeof *other * (size_t)(s->narcs ? s->narcs : 1));
  for (int k = 0; k < s->narcs; k++) first[k] = other[k] = -1;
  for (int r = 0; r < s->nrings; r++)
    for (int k = 0; k < s->rings[r].nrefs; k++) {
      int code = s->refs[s->rings[r].ref0 + k], arc = code < 0 ? ~code : code;
      if (first[arc] < 0)
        first[arc] = s->rings[r].area;
      else
        other[arc] = s->rings[r].area;
    }
  mtm_buf_adds(svg, "<path class=\"outline\" fill=\"none\" stroke=\"#5f6f86\" "
                    "stroke-width=\"0.8\" stroke-linejoin=\"round\" d=\"");
  for (int k = 0; k < s->narcs; k++) {
    const mtm_map_arc *c = &s->arcs[k];
    if (c->npts < 2 || first[k] < 0) continue;
    int draw = c->sides == 1;
    if (!draw && spec->level == 2 && other[k] >= 0) {
      const char *p1 = s->areas[first[k]].parent, *p2 = s->areas[other[k]].parent;
      draw = !p1 || !p2 || strcmp(p1, p2) != 0;
    }
    if (!draw) continue;
    for (int i = 0; i < c->npts; i++)
      mtm_buf_printf(svg, "%s%.1f %.1f",
                     i == 0   ? "M"
                     : i == 1 ? "L"
                              : " ",
                     c->xy[2 * i] / 10.0, c->xy[2 * i + 1] / 10.0);
  }
  mtm_buf_adds(svg, "\"/>\n");

  /* Labels of the top areas, largest value first; a label that would
   * overlap one already placed, or leave the map, is dropped. */
  int top = spec->label_top > 0 ? spec->label_top : 5;
  ranked *rk = mtm_arena_alloc(A, sizeof *rk * (size_t)(nfinite ? nfinite : 1));
  int nr = 0;
  for (int i = 0; i < s->nareas; i++)
    if (cls[i] >= 0) rk[nr++] = (ranked){i, val[i]};
  qsort(rk, (size_t)nr, sizeof *rk, cmp_ranked);
  box *placed = mtm_arena_alloc(A, sizeof *placed * (size_t)(2 * top + 1));
  int np = 0;
  mtm_buf_adds(svg, "<g class=\"labels\" text-anchor=\"middle\" stroke=\"#ffffff\" "
                    "stroke-width=\"2.5\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n");
  mtm_buf num;
  mtm_buf_init(&num);
  for (int j = 0; j < nr && j < top; j++) {
    const mtm_map_area *a = &s->areas[rk[j].area];
    mtm_buf_reset(&num);
    add_value(&num, rk[j].v, decimals, lang, pct);
    double wn = mtm_render_text_width(a->name, LABEL_NAME_PX, 1);
    double wv = mtm_render_text_width(num.p, LABEL_VALUE_PX, 0);
    double w = fmax(wn, wv), h = LABEL_NAME_PX * 1.2 + LABEL_VALUE_PX * 1.2, lx, ly;
    mtm_map_label_point(s, rk[j].area, &lx, &ly);
    /* An area that cannot hold its label and is smaller than it gets a
     * dot, and the label goes beside it: above, below, right or left,
     * the first that overlaps nothing. Other labels are centred on the
     * label point. */
    int small = !label_fits(s, rk[j].area, lx, ly, w, h) && area_px2(s, rk[j].area) < w * h;
    box dot = {lx - 3, ly - 3, lx + 3, ly + 3};
    box cand[4];
    int ncand = 0;
    if (!small) {
      cand[ncand++] = (box){lx - w / 2, ly - h / 2, lx + w / 2, ly + h / 2};
    } else {
      cand[ncand++] = (box){lx - w / 2, ly - 6 - h, lx + w / 2, ly - 6};
      cand[ncand++] = (box){lx - w / 2, ly + 4, lx + w / 2, ly + 4 + h};
      cand[ncand++] = (box){lx + 5, ly - h / 2, lx + 5 + w, ly + h / 2};
      cand[ncand++] = (box){lx - 5 - w, ly - h / 2, lx - 5, ly + h / 2};
    }
    int ok = 0;
    box b = cand[0];
    for (int c = 0; c < ncand && !ok; c++) {
      b = cand[c];
      ok = b.x0 >= 1 && b.x1 <= W - 1 && b.y0 >= 1 && b.y1 <= map_h;
      for (int k = 0; ok && k < np; k++)
        if (overlaps(&b, &placed[k], 2) || (small && overlaps(&dot, &placed[k], 1))) ok = 0;
    }
    if (!ok) continue;
    placed[np++] = b;
    if (small) {
      placed[np++] = dot;
      mtm_buf_printf(svg,
                     "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\" stroke=\"#ffffff\" "
                     "stroke-width=\"1\"/>\n",
                     lx, ly, MTM_RENDER_INK);
    }
    lx = (b.x0 + b.x1) / 2;
    mtm_buf_printf(svg, "<text data-pcode=\"");
    add_xml(svg, a->pcode);
    mtm_buf_printf(svg, "\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" font-weight=\"bold\">", lx,
                   b.y0 + LABEL_NAME_PX, LABEL_NAME_PX);
    add_xml(svg, a->name);
    mtm_buf_printf(svg, "<tspan x=\"%.1f\" dy=\"%.1f\" font-size=\"%g\" font-weight=\"normal\">",
                   lx, LABEL_VALUE_PX * 1.2, LABEL_VALUE_PX);
    add_xml(svg, num.p);
    mtm_buf_adds(svg, "</tspan></text>\n");
  }
  mtm_buf_free(&num);
  mtm_buf_adds(svg, "</g>\n<g class=\"legend\">\n");
  mtm_buf_add(svg, legend.p, legend.n);
  mtm_buf_adds(svg, "</g>\n</svg>\n");
  mtm_buf_free(&legend);
  mtm_map_shapes_free(s);
  return 0;
}
