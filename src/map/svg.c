/* map: the choropleth as a standalone SVG document: classes in a
 * sequential blue palette, a hatched "not assessed" class, a legend,
 * labels that never overlap, and the disclaimer on boundaries. */
#include "geo/geo.h"
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
#define REGION_PX 8.5
#define INSET_TITLE_PX 9.5
#define INSET_LABEL_PX 7.5
#define INSET_MAX_W 200.0
#define INSET_MAX_H 190.0
#define INSET_GAP 10.0
#define INSET_SMALL 0.05 /* a region drawn under this share of the width gets an inset */
#define MAX_INSETS 4
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


/* ---- names --------------------------------------------------------------- */

/* A name without its trailing bracket: "Astana (city)" -> "Astana". */
static const char *short_name(mtm_arena *A, const char *name) {
  if (!name) return "";
  size_t n = strlen(name);
  const char *open = strrchr(name, '(');
  if (n && name[n - 1] == ')' && open && open > name && open[-1] == ' ')
    return mtm_arena_strndup(A, name, (size_t)(open - 1 - name));
  return name;
}

const char **mtm_map_area_labels(const mtm_map_shapes *s, int level, mtm_arena *A) {
  /* Counts each name's key among the areas, and notes each region's key
   * with its P-code; a name whose key another area or another region
   * has gets its region in brackets. */
  const char **out = mtm_arena_zalloc(A, sizeof *out * (size_t)(s->nareas + 1));
  if (level < 2) {
    for (int i = 0; i < s->nareas; i++) out[i] = s->areas[i].name ? s->areas[i].name : s->areas[i].pcode;
    return out;
  }
  const char **key = mtm_arena_zalloc(A, sizeof *key * (size_t)(s->nareas + 1));
  mtm_strmap count, region;
  mtm_strmap_init(&count, A, (size_t)s->nareas);
  mtm_strmap_init(&region, A, (size_t)s->nareas);
  int *times = mtm_arena_zalloc(A, sizeof *times * (size_t)(s->nareas + 1));
  for (int i = 0; i < s->nareas; i++) {
    key[i] = mtm_geo_bare_key(A, s->areas[i].name ? s->areas[i].name : "", NULL);
    times[mtm_strmap_put(&count, key[i], i)]++;
    if (s->areas[i].parent_name)
      mtm_strmap_put(&region, mtm_geo_bare_key(A, s->areas[i].parent_name, NULL), i);
  }
  for (int i = 0; i < s->nareas; i++) {
    const mtm_map_area *a = &s->areas[i];
    out[i] = a->name ? a->name : a->pcode;
    if (!a->parent_name) continue;
    int k = mtm_strmap_get(&region, key[i]); /* a region of that name ... */
    int other_region = k >= 0 && (!s->areas[k].parent || !a->parent || strcmp(s->areas[k].parent, a->parent));
    if (times[mtm_strmap_get(&count, key[i])] > 1 || other_region) /* ... or another area */
      out[i] = mtm_arena_printf(A, "%s (%s)", out[i], short_name(A, a->parent_name));
  }
  return out;
}

/* ---- insets -------------------------------------------------------------- */

/* The box of an area's rings, px. */
static void area_box(const mtm_map_shapes *s, int area, double *x0, double *y0, double *x1, double *y1) {
  const mtm_map_area *a = &s->areas[area];
  for (int r = a->ring0; r < a->ring0 + a->nrings; r++) {
    const mtm_map_ring *g = &s->rings[r];
    for (int i = 0; i < g->npts; i++) {
      double x = g->xy[2 * i] / 10.0, y = g->xy[2 * i + 1] / 10.0;
      *x0 = fmin(*x0, x), *x1 = fmax(*x1, x), *y0 = fmin(*y0, y), *y1 = fmax(*y1, y);
    }
  }
}

int mtm_map_insets(const mtm_map_shapes *s, mtm_arena *A, mtm_map_inset **out) {
  /* Groups the areas by parent (in P-code order of their first area),
   * measures each group's box and keeps the small ones of two areas or
   * more. */
  mtm_map_inset *v = mtm_arena_zalloc(A, sizeof *v * MAX_INSETS);
  int n = 0;
  char *seen = mtm_arena_zalloc(A, (size_t)s->nareas + 1);
  for (int i = 0; i < s->nareas && n < MAX_INSETS; i++) {
    const char *p = s->areas[i].parent;
    if (!p || seen[i]) continue;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    int members = 0;
    for (int k = i; k < s->nareas; k++) {
      if (!s->areas[k].parent || strcmp(s->areas[k].parent, p)) continue;
      seen[k] = 1;
      members++;
      area_box(s, k, &x0, &y0, &x1, &y1);
    }
    if (members < 2 || !isfinite(x0) || fmax(x1 - x0, y1 - y0) >= INSET_SMALL * s->width) continue;
    v[n++] = (mtm_map_inset){p, s->areas[i].parent_name ? s->areas[i].parent_name : p, x0, y0, x1, y1};
  }
  *out = v;
  return n;
}

/* Writes the names of the regions on the map, in grey italics, where they
 * overlap no label placed before (placed grows): at level 2 each region's
 * name at the label point of its largest district, a region in an inset
 * beside its frame; at level 1 the name of each area not labelled yet. */
static void region_names(mtm_buf *svg, const mtm_map_shapes *s, int level, const mtm_map_inset *ins, int nins,
                         const char *labelled, box *placed, int *np, double W, double map_h, mtm_arena *A) {
  mtm_buf_adds(svg, "<g class=\"regions\" text-anchor=\"middle\" font-style=\"italic\" fill=\"#44546a\" "
                    "stroke=\"#ffffff\" stroke-width=\"2\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n");
  char *done = mtm_arena_zalloc(A, (size_t)s->nareas + 1);
  for (int i = 0; i < s->nareas; i++) {
    if (done[i]) continue;
    const char *name = NULL, *pcode = NULL;
    int best = i;
    box fr = {0, 0, 0, 0};
    int framed = 0;
    if (level >= 2) {
      const char *p = s->areas[i].parent;
      if (!p || !s->areas[i].parent_name) continue;
      double big = -1;
      for (int k = i; k < s->nareas; k++) {
        if (!s->areas[k].parent || strcmp(s->areas[k].parent, p)) continue;
        done[k] = 1;
        double a = area_px2(s, k);
        if (a > big) big = a, best = k;
      }
      name = s->areas[i].parent_name;
      pcode = p;
      for (int k = 0; k < nins; k++)
        if (!strcmp(ins[k].pcode, p)) fr = (box){ins[k].x0 - 3, ins[k].y0 - 3, ins[k].x1 + 3, ins[k].y1 + 3}, framed = 1;
    } else {
      done[i] = 1;
      if (labelled[i]) continue;
      name = s->areas[i].name ? s->areas[i].name : s->areas[i].pcode;
      pcode = s->areas[i].pcode;
    }
    double w = mtm_render_text_width(name, REGION_PX, 0) + 2, h = REGION_PX * 1.25, lx, ly;
    box cand[4];
    int nc = 0;
    if (framed) {
      double cx = (fr.x0 + fr.x1) / 2, cy = (fr.y0 + fr.y1) / 2;
      cand[nc++] = (box){cx - w / 2, fr.y0 - 2 - h, cx + w / 2, fr.y0 - 2};
      cand[nc++] = (box){cx - w / 2, fr.y1 + 2, cx + w / 2, fr.y1 + 2 + h};
      cand[nc++] = (box){fr.x1 + 3, cy - h / 2, fr.x1 + 3 + w, cy + h / 2};
      cand[nc++] = (box){fr.x0 - 3 - w, cy - h / 2, fr.x0 - 3, cy + h / 2};
    } else {
      mtm_map_label_point(s, best, &lx, &ly);
      cand[nc++] = (box){lx - w / 2, ly - h / 2, lx + w / 2, ly + h / 2};
      cand[nc++] = (box){lx - w / 2, ly - h / 2 - h, lx + w / 2, ly - h / 2};
      cand[nc++] = (box){lx - w / 2, ly + h / 2, lx + w / 2, ly + h / 2 + h};
    }
    for (int c = 0; c < nc; c++) {
      box b = cand[c];
      int ok = b.x0 >= 1 && b.x1 <= W - 1 && b.y0 >= 1 && b.y1 <= map_h;
      for (int k = 0; ok && k < *np; k++)
        if (overlaps(&b, &placed[k], 1)) ok = 0;
      if (!ok) continue;
      placed[(*np)++] = b;
      mtm_buf_adds(svg, "<text data-region=\"");
      add_xml(svg, pcode);
      mtm_buf_printf(svg, "\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\">", (b.x0 + b.x1) / 2, b.y0 + REGION_PX, REGION_PX);
      add_xml(svg, name);
      mtm_buf_adds(svg, "</text>\n");
      break;
    }
  }
  mtm_buf_adds(svg, "</g>\n");
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

  const char **lab = mtm_map_area_labels(s, spec->level, A);

  /* Insets: the small regions of a district map, each loaded again
   * under its region at the inset's width, in a row under the map. */
  mtm_map_inset *ins = NULL;
  int nins = spec->level == 2 && !spec->no_insets ? mtm_map_insets(s, A, &ins) : 0;
  mtm_map_shapes **ish = mtm_arena_zalloc(A, sizeof *ish * (size_t)(nins + 1));
  double *ix = mtm_arena_zalloc(A, sizeof *ix * (size_t)(nins + 1));
  char *in_inset = mtm_arena_zalloc(A, (size_t)s->nareas + 1);
  double map_h = s->height;
  double y = map_h + 4, inset_top = y, inset_h = 0;
  if (nins) {
    double iw = fmin(INSET_MAX_W, (W - 2 * MARGIN - (nins - 1) * INSET_GAP) / nins);
    for (int k = 0; k < nins; k++) {
      mtm_map_spec sp = *spec;
      sp.parent = ins[k].pcode;
      sp.width = iw;
      rc = mtm_map_shapes_load(st, &sp, 4, &ish[k], err);
      if (!rc && ish[k]->height > INSET_MAX_H) { /* a tall region: narrower */
        sp.width = fmax(40, iw * INSET_MAX_H / ish[k]->height);
        mtm_map_shapes_free(ish[k]);
        ish[k] = NULL;
        rc = mtm_map_shapes_load(st, &sp, 4, &ish[k], err);
      }
      if (rc) {
        for (int j = 0; j < k; j++) mtm_map_shapes_free(ish[j]);
        mtm_map_shapes_free(s);
        return rc;
      }
      ix[k] = MARGIN + k * (iw + INSET_GAP) + (iw - ish[k]->width) / 2;
      inset_h = fmax(inset_h, ish[k]->height);
      for (int a = 0; a < s->nareas; a++)
        if (s->areas[a].parent && !strcmp(s->areas[a].parent, ins[k].pcode)) in_inset[a] = 1;
    }
    y += INSET_TITLE_PX * 1.6 + inset_h + 8;
  }

  /* Legend layout first: it sits under the map and sets the height. */
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
  /* the source line: the data's, then the boundaries' provenance */
  {
    mtm_buf src;
    mtm_buf_init(&src);
    const char **seen = mtm_arena_zalloc(A, sizeof *seen * (size_t)(s->nareas + 1));
    int nseen = 0;
    for (int i = 0; i < s->nareas; i++) {
      const char *p = s->areas[i].source;
      if (!p || !*p) continue;
      int dup = 0;
      for (int k = 0; k < nseen && !dup; k++) dup = !strcmp(seen[k], p);
      if (!dup) seen[nseen++] = p;
    }
    int ru = lang && !strcmp(lang, "ru");
    if (spec->source && *spec->source) mtm_buf_adds(&src, spec->source);
    for (int k = 0; k < nseen; k++)
      mtm_buf_printf(&src, "%s%s", k ? ", " : src.n ? (ru ? "; границы: " : "; boundaries: ") : (ru ? "Границы: " : "Boundaries: "),
                     seen[k]);
    if (src.n) {
      if (!strchr(".!?", src.p[src.n - 1])) mtm_buf_addc(&src, '.');
      mtm_buf_adds(&legend, "<g class=\"source\">\n");
      y = add_wrapped(&legend, src.p, MARGIN, y, W - 2 * MARGIN, DISCLAIMER_PX, "");
      mtm_buf_adds(&legend, "</g>\n");
    }
    mtm_buf_free(&src);
  }
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
    add_xml(svg, lab[i]);
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
  /* the regions drawn in insets: a frame around each on the map */
  box *placed = mtm_arena_alloc(A, sizeof *placed * (size_t)(2 * (s->nareas + nins) + 16));
  int np = 0;
  for (int k = 0; k < nins; k++) {
    box b = {ins[k].x0 - 3, ins[k].y0 - 3, ins[k].x1 + 3, ins[k].y1 + 3};
    mtm_buf_printf(svg,
                   "<rect class=\"inset-frame\" data-region=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                   "height=\"%.1f\" fill=\"none\" stroke=\"%s\" stroke-width=\"0.9\"/>\n",
                   ins[k].pcode, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0, MTM_RENDER_INK);
    placed[np++] = b;
  }

  /* Labels of the top areas (not those of an inset, labelled there),
   * largest value first; a label that would overlap one already placed,
   * or leave the map, is dropped. */
  int top = spec->label_top > 0 ? spec->label_top : 5;
  ranked *rk = mtm_arena_alloc(A, sizeof *rk * (size_t)(nfinite ? nfinite : 1));
  int nr = 0;
  for (int i = 0; i < s->nareas; i++)
    if (cls[i] >= 0 && !in_inset[i]) rk[nr++] = (ranked){i, val[i]};
  qsort(rk, (size_t)nr, sizeof *rk, cmp_ranked);
  mtm_buf_adds(svg, "<g class=\"labels\" text-anchor=\"middle\" stroke=\"#ffffff\" "
                    "stroke-width=\"2.5\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n");
  mtm_buf num;
  mtm_buf_init(&num);
  char *labelled = mtm_arena_zalloc(A, (size_t)s->nareas + 1);
  for (int j = 0; j < nr && j < top; j++) {
    const char *name = lab[rk[j].area];
    const mtm_map_area *a = &s->areas[rk[j].area];
    mtm_buf_reset(&num);
    add_value(&num, rk[j].v, decimals, lang, pct);
    double wn = mtm_render_text_width(name, LABEL_NAME_PX, 1);
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
    labelled[rk[j].area] = 1;
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
    add_xml(svg, name);
    mtm_buf_printf(svg, "<tspan x=\"%.1f\" dy=\"%.1f\" font-size=\"%g\" font-weight=\"normal\">",
                   lx, LABEL_VALUE_PX * 1.2, LABEL_VALUE_PX);
    add_xml(svg, num.p);
    mtm_buf_adds(svg, "</tspan></text>\n");
  }
  mtm_buf_free(&num);
  mtm_buf_adds(svg, "</g>\n");
  region_names(svg, s, spec->level, ins, nins, labelled, placed, &np, W, map_h, A);

  /* The insets: a frame, the region's name, its districts in the map's
   * classes, each labelled with its name and value where the label fits
   * among the others. */
  for (int k = 0; k < nins; k++) {
    const mtm_map_shapes *is = ish[k];
    double ox = ix[k], oy = inset_top + INSET_TITLE_PX * 1.6;
    mtm_buf_printf(svg, "<g class=\"inset\" data-region=\"%s\">\n", ins[k].pcode);
    mtm_buf_printf(svg, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" font-weight=\"bold\">", ox,
                   inset_top + INSET_TITLE_PX, INSET_TITLE_PX);
    add_xml(svg, ins[k].title);
    mtm_buf_adds(svg, "</text>\n");
    mtm_buf_printf(svg,
                   "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"%s\" "
                   "stroke-width=\"0.8\"/>\n",
                   ox, oy, is->width, is->height, MTM_RENDER_RULE);
    mtm_buf_printf(svg,
                   "<g transform=\"translate(%.1f %.1f)\" stroke=\"#ffffff\" stroke-width=\"0.6\" "
                   "stroke-linejoin=\"round\" fill-rule=\"evenodd\">\n",
                   ox, oy);
    int *at = mtm_arena_alloc(A, sizeof *at * (size_t)(is->nareas + 1));
    for (int i = 0; i < is->nareas; i++) {
      at[i] = mtm_strmap_get(&idx, is->areas[i].pcode);
      int c = at[i] >= 0 ? cls[at[i]] : -1;
      char fill[32];
      if (c >= 0)
        class_colour(c, nk, fill);
      else
        snprintf(fill, sizeof fill, "url(#%s)", NA_PATTERN);
      mtm_buf_adds(svg, "<path data-inset-pcode=\"");
      add_xml(svg, is->areas[i].pcode);
      mtm_buf_printf(svg, "\" fill=\"%s\" d=\"", fill);
      add_path_data(svg, is, &is->areas[i]);
      mtm_buf_adds(svg, "\"><title>");
      add_xml(svg, is->areas[i].name);
      mtm_buf_adds(svg, ": ");
      if (c >= 0)
        add_value(svg, val[at[i]], decimals, lang, pct);
      else
        mtm_buf_adds(svg, na_text(lang, 0));
      mtm_buf_adds(svg, "</title></path>\n");
    }
    mtm_buf_adds(svg, "</g>\n");
    /* labels, largest value first */
    ranked *ir = mtm_arena_alloc(A, sizeof *ir * (size_t)(is->nareas + 1));
    int nir = 0;
    for (int i = 0; i < is->nareas; i++)
      if (at[i] >= 0 && cls[at[i]] >= 0) ir[nir++] = (ranked){i, val[at[i]]};
    qsort(ir, (size_t)nir, sizeof *ir, cmp_ranked);
    box *ip = mtm_arena_alloc(A, sizeof *ip * (size_t)(nir + 1));
    int nip = 0;
    mtm_buf_adds(svg, "<g class=\"labels\" text-anchor=\"middle\" stroke=\"#ffffff\" stroke-width=\"2\" "
                      "stroke-linejoin=\"round\" paint-order=\"stroke\">\n");
    mtm_buf v;
    mtm_buf_init(&v);
    for (int j = 0; j < nir; j++) {
      const mtm_map_area *a = &is->areas[ir[j].area];
      mtm_buf_reset(&v);
      add_value(&v, ir[j].v, decimals, lang, pct);
      double w = fmax(mtm_render_text_width(a->name, INSET_LABEL_PX, 1), mtm_render_text_width(v.p, INSET_LABEL_PX, 0));
      double h = INSET_LABEL_PX * 2.4, lx, ly;
      mtm_map_label_point(is, ir[j].area, &lx, &ly);
      box b = {lx - w / 2, ly - h / 2, lx + w / 2, ly + h / 2};
      int ok = b.x0 >= 0 && b.x1 <= is->width && b.y0 >= 0 && b.y1 <= is->height;
      for (int q = 0; ok && q < nip; q++)
        if (overlaps(&b, &ip[q], 1)) ok = 0;
      if (!ok) continue;
      ip[nip++] = b;
      mtm_buf_adds(svg, "<text data-inset-pcode=\"");
      add_xml(svg, a->pcode);
      mtm_buf_printf(svg, "\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" font-weight=\"bold\">", ox + lx,
                     oy + b.y0 + INSET_LABEL_PX, INSET_LABEL_PX);
      add_xml(svg, a->name);
      mtm_buf_printf(svg, "<tspan x=\"%.1f\" dy=\"%.1f\" font-size=\"%g\" font-weight=\"normal\">", ox + lx,
                     INSET_LABEL_PX * 1.2, INSET_LABEL_PX);
      add_xml(svg, v.p);
      mtm_buf_adds(svg, "</tspan></text>\n");
    }
    mtm_buf_free(&v);
    mtm_buf_adds(svg, "</g>\n</g>\n");
  }
  mtm_buf_adds(svg, "<g class=\"legend\">\n");
  mtm_buf_add(svg, legend.p, legend.n);
  mtm_buf_adds(svg, "</g>\n</svg>\n");
  mtm_buf_free(&legend);
  for (int k = 0; k < nins; k++) mtm_map_shapes_free(ish[k]);
  mtm_map_shapes_free(s);
  return 0;
}
