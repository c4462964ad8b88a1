/* render: the charts of an MTM report written as standalone SVG documents.
 *
 * Every chart is laid out in CSS pixels with label widths measured by
 * mtm_render_text_width, so that category labels wrap or end with an
 * ellipsis instead of overlapping, and value labels sit inside a bar only
 * when they fit there. Numbers in the SVG are written with two fixed
 * decimals by hand (no locale, no %g), so the same chart gives the same
 * bytes on every machine with the same font. */
#include "render/render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M 10.0         /* outer margin                                  */
#define LS 12.0        /* category label size                           */
#define VS 11.0        /* value label size                              */
#define TS 14.0        /* title size                                    */
#define NS 10.5        /* note size                                     */
#define LH 1.25        /* line height, times the size                   */
#define LINE 1024      /* bytes of one laid-out line                    */
#define MAXLINES 3
#define ROW_LABEL_LINES 3 /* a bar's category label: wrapped, then ellipsized */

/* ---- numbers and text --------------------------------------------------- */

/* Appends v with exactly two decimals ("12.50", "-3.00"), rounding half
 * away from zero, whatever the locale. */
static void fx(mtm_buf *b, double v) {
  if (!isfinite(v)) v = 0;
  long long s = llround(v * 100.0);
  if (s < 0) {
    mtm_buf_addc(b, '-');
    s = -s;
  }
  mtm_buf_printf(b, "%lld.%02lld", s / 100, s % 100);
}

/* Appends s with the XML special characters escaped and control characters
 * (which XML forbids) dropped. */
static void add_esc(mtm_buf *b, const char *s) {
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '&') mtm_buf_adds(b, "&amp;");
    else if (ch == '<') mtm_buf_adds(b, "&lt;");
    else if (ch == '>') mtm_buf_adds(b, "&gt;");
    else if (ch == '"') mtm_buf_adds(b, "&quot;");
    else if (ch < 0x20 && ch != '\t') continue;
    else mtm_buf_addc(b, (char)ch);
  }
}

/* True when the chart's labels follow Russian (and Kazakh) typography:
 * decimal comma, no-break space before "%" and between thousands. */
static int lang_ru(const char *lang) {
  return lang && (strncmp(lang, "ru", 2) == 0 || strncmp(lang, "kk", 2) == 0);
}

/* Formats v into out as the reader sees it: a percentage of a fraction
 * ("55%", ru "55 %") or a number with thousands grouped ("1,129", ru
 * "1 129"), with the given decimals; locale-independent. */
static void fmt_num(double v, int percent, int decimals, const char *lang, char *out, size_t n) {
  int ru = lang_ru(lang);
  if (decimals < 0) decimals = 0;
  if (decimals > 3) decimals = 3;
  if (percent) v *= 100.0;
  long long p10 = 1;
  for (int i = 0; i < decimals; i++) p10 *= 10;
  /* Half up, forgiving the binary error just below a .5 boundary (0.565 *
   * 100), exactly as prose rounds, so a chart and its sentence agree. */
  double ax = fabs(v) * (double)p10;
  long long s = (long long)floor(ax + 0.5 + 1e-9 * (ax > 1 ? ax : 1));
  long long ip = s / p10, fp = s % p10;
  char digits[32], grouped[64];
  snprintf(digits, sizeof digits, "%lld", ip);
  size_t nd = strlen(digits), k = 0;
  const char *sep = ru ? "\xc2\xa0" : ",";
  for (size_t i = 0; i < nd; i++) {
    if (i > 0 && (nd - i) % 3 == 0) {
      for (const char *q = sep; *q; q++) grouped[k++] = *q;
    }
    grouped[k++] = digits[i];
  }
  grouped[k] = 0;
  char frac[32] = "", all[128];
  if (decimals > 0) snprintf(frac, sizeof frac, "%c%0*lld", ru ? ',' : '.', decimals, fp);
  snprintf(all, sizeof all, "%s%s%s%s", (v < 0 && s != 0) ? "-" : "", grouped, frac,
           percent ? (ru ? "\xc2\xa0%" : "%") : "");
  size_t l = strlen(all);
  if (l >= n) l = n - 1;
  memcpy(out, all, l);
  out[l] = 0;
}

/* Copies at most LINE-1 bytes of s[0..len) into out, cut at a character
 * boundary. */
static void copy_cut(char *out, const char *s, size_t len) {
  if (len > LINE - 1) {
    len = LINE - 1;
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) len--;
  }
  memcpy(out, s, len);
  out[len] = 0;
}

/* Shortens out (in place) until it fits maxw, ending it with "…" when
 * anything was cut; a label too narrow even for "…" becomes "…". */
static void ellipsize(char *out, double maxw, double size, int bold) {
  if (mtm_render_text_width(out, size, bold) <= maxw) return;
  size_t len = strlen(out);
  char tmp[LINE + 4];
  while (len > 0) {
    len--;
    while (len > 0 && ((unsigned char)out[len] & 0xC0) == 0x80) len--;
    size_t l2 = len;
    while (l2 > 0 && out[l2 - 1] == ' ') l2--;
    memcpy(tmp, out, l2);
    memcpy(tmp + l2, "\xe2\x80\xa6", 4);
    if (mtm_render_text_width(tmp, size, bold) <= maxw || l2 == 0) {
      memcpy(out, tmp, l2 + 4);
      return;
    }
  }
}

/* Lays s out in lines of at most maxw px, breaking at spaces (a word wider
 * than a line is broken between letters), at most maxlines lines, the last
 * ending with "…" when text remains. Returns the number of lines (0 for an
 * empty label). */
static int wrap(const char *s, double maxw, double size, int bold, int maxlines,
                char out[][LINE]) {
  if (!s) return 0;
  int nl = 0;
  const char *pos = s;
  while (*pos == ' ') pos++;
  while (*pos && nl < maxlines) {
    if (nl == maxlines - 1) {
      copy_cut(out[nl], pos, strlen(pos));
      ellipsize(out[nl], maxw, size, bold);
      nl++;
      break;
    }
    const char *best = NULL, *e = pos;
    for (;;) {
      while (*e && *e != ' ') e++;
      char cand[LINE];
      copy_cut(cand, pos, (size_t)(e - pos));
      if (mtm_render_text_width(cand, size, bold) > maxw) break;
      best = e;
      if (!*e) break;
      while (*e == ' ') e++;
      if (!*e) break;
    }
    if (!best) {
      /* The first word alone is too wide: as many letters as fit. */
      const char *q = pos, *fit = NULL;
      while (*q && *q != ' ') {
        q++;
        while (*q && ((unsigned char)*q & 0xC0) == 0x80) q++;
        char cand[LINE + 1];
        copy_cut(cand, pos, (size_t)(q - pos));
        strcat(cand, "-");
        if (mtm_render_text_width(cand, size, bold) > maxw) break;
        fit = q;
      }
      if (!fit) { /* not even one letter: give up with an ellipsis */
        copy_cut(out[nl], pos, strlen(pos));
        ellipsize(out[nl], maxw, size, bold);
        nl++;
        break;
      }
      best = fit;
    }
    copy_cut(out[nl], pos, (size_t)(best - pos));
    if (*best && *best != ' ' && strlen(out[nl]) < LINE - 1) strcat(out[nl], "-");
    nl++;
    pos = best;
    while (*pos == ' ') pos++;
  }
  return nl;
}

/* True when s wraps at spaces into at most maxlines lines of maxw px with
 * no word broken and nothing cut. */
static int wraps_whole(const char *s, double maxw, double size, int maxlines) {
  if (!s || !*s) return 1;
  char lines[MAXLINES][LINE];
  int nl = wrap(s, maxw, size, 0, maxlines, lines);
  char joined[MAXLINES * LINE + MAXLINES] = "", want[LINE];
  for (int i = 0; i < nl; i++) {
    if (i) strcat(joined, " ");
    strcat(joined, lines[i]);
  }
  size_t k = 0;
  for (const char *p = s; *p && k < LINE - 1; p++) /* spaces collapsed, trimmed */
    if (*p != ' ' || (k > 0 && want[k - 1] != ' ')) want[k++] = *p;
  while (k > 0 && want[k - 1] == ' ') k--;
  want[k] = 0;
  return strcmp(joined, want) == 0;
}

/* ---- SVG elements ------------------------------------------------------- */

/* Appends one <text> element. anchor: NULL (start), "middle" or "end". */
static void text_el(mtm_buf *b, double x, double y, double size, int bold, const char *anchor,
                    const char *fill, const char *s) {
  mtm_buf_adds(b, "<text x=\"");
  fx(b, x);
  mtm_buf_adds(b, "\" y=\"");
  fx(b, y);
  mtm_buf_adds(b, "\" font-size=\"");
  fx(b, size);
  mtm_buf_adds(b, "\"");
  if (bold) mtm_buf_adds(b, " font-weight=\"bold\"");
  if (anchor) mtm_buf_printf(b, " text-anchor=\"%s\"", anchor);
  mtm_buf_printf(b, " fill=\"%s\">", fill);
  add_esc(b, s);
  mtm_buf_adds(b, "</text>\n");
}

/* Appends one <text> turned 45 degrees anticlockwise about its anchor,
 * where it ends (text-anchor end): a label slanting down to the left. */
static void text_rot(mtm_buf *b, double x, double y, double size, const char *fill,
                     const char *s) {
  mtm_buf_adds(b, "<text x=\"");
  fx(b, x);
  mtm_buf_adds(b, "\" y=\"");
  fx(b, y);
  mtm_buf_adds(b, "\" font-size=\"");
  fx(b, size);
  mtm_buf_adds(b, "\" text-anchor=\"end\" transform=\"rotate(-45.00 ");
  fx(b, x);
  mtm_buf_addc(b, ' ');
  fx(b, y);
  mtm_buf_printf(b, ")\" fill=\"%s\">", fill);
  add_esc(b, s);
  mtm_buf_adds(b, "</text>\n");
}

/* Appends one filled rectangle; stroke: NULL for none. */
static void rect_el(mtm_buf *b, double x, double y, double w, double h, const char *fill,
                    const char *stroke) {
  mtm_buf_adds(b, "<rect x=\"");
  fx(b, x);
  mtm_buf_adds(b, "\" y=\"");
  fx(b, y);
  mtm_buf_adds(b, "\" width=\"");
  fx(b, w);
  mtm_buf_adds(b, "\" height=\"");
  fx(b, h);
  mtm_buf_printf(b, "\" fill=\"%s\"", fill);
  if (stroke) mtm_buf_printf(b, " stroke=\"%s\" stroke-width=\"1.00\"", stroke);
  mtm_buf_adds(b, "/>\n");
}

/* Appends one thin line in colour. */
static void line_el(mtm_buf *b, double x1, double y1, double x2, double y2, const char *colour) {
  mtm_buf_adds(b, "<line x1=\"");
  fx(b, x1);
  mtm_buf_adds(b, "\" y1=\"");
  fx(b, y1);
  mtm_buf_adds(b, "\" x2=\"");
  fx(b, x2);
  mtm_buf_adds(b, "\" y2=\"");
  fx(b, y2);
  mtm_buf_printf(b, "\" stroke=\"%s\" stroke-width=\"1.00\"/>\n", colour);
}

/* The colour of text drawn on a fill: white on dark fills, ink on light
 * ones (relative luminance of the #RRGGBB colour). */
static const char *ink_on(const char *fill) {
  unsigned r = 0, g = 0, bl = 0;
  if (sscanf(fill, "#%2x%2x%2x", &r, &g, &bl) != 3) return MTM_RENDER_INK;
  double lum = (0.2126 * r + 0.7152 * g + 0.0722 * bl) / 255.0;
  return lum < 0.5 ? "#ffffff" : MTM_RENDER_INK;
}

/* The baseline that centres a line of text of size on y. */
static double mid_base(double y, double size) { return y + 0.35 * size; }

/* ---- the layout state --------------------------------------------------- */

typedef struct lay {
  const mtm_chart *c;
  mtm_buf body;  /* the elements, written before the height is known */
  double W, y;   /* width; the next free y                            */
  int dagger;    /* some value carries the small-n mark               */
  int ru;
} lay;

/* The label of value j of series s: the number, "–" when suppressed,
 * with "†" when its n is under small_n. Returns 1 when it carries the
 * mark; the caller records that the note must explain it only when the
 * label is actually drawn. */
static int value_label(lay *L, int s, int j, double v, int percent, char *out, size_t n) {
  const mtm_chart *c = L->c;
  if (isnan(v)) {
    snprintf(out, n, "\xe2\x80\x93");
    return 0;
  }
  fmt_num(v, percent, c->decimals, c->lang, out, n);
  const double *nn = c->series[s].n;
  if (c->small_n > 0 && nn && !isnan(nn[j]) && nn[j] < c->small_n) {
    size_t k = strlen(out);
    snprintf(out + k, n - k, "\xe2\x80\xa0");
    return 1;
  }
  return 0;
}

/* Writes the title (bold, wrapped over at most three lines) at the top. */
static void draw_title(lay *L) {
  if (!L->c->title || !*L->c->title) return;
  char lines[MAXLINES][LINE];
  int nl = wrap(L->c->title, L->W - 2 * M, TS, 1, MAXLINES, lines);
  for (int i = 0; i < nl; i++) {
    text_el(&L->body, M, L->y + TS * 0.95, TS, 1, NULL, MTM_RENDER_INK, lines[i]);
    L->y += TS * LH;
  }
  L->y += 6;
}

/* Writes a legend of n entries (swatch and name) in rows across the
 * width, starting at x0, and moves y below it. */
static void draw_legend(lay *L, int n, const char *const *names, double x0) {
  double x = x0, rowh = LS * LH + 4, y = L->y;
  double maxw = L->W - M - x0 - 16;
  for (int i = 0; i < n; i++) {
    char name[MAXLINES][LINE];
    if (wrap(names[i] ? names[i] : "", maxw, LS, 0, 1, name) == 0) name[0][0] = 0;
    double tw = mtm_render_text_width(name[0], LS, 0);
    double ew = 10 + 5 + tw;
    if (x > x0 && x + ew > L->W - M) {
      x = x0;
      y += rowh;
    }
    rect_el(&L->body, x, y + (rowh - 10) / 2 - 2, 10, 10,
            mtm_render_palette[i % mtm_render_palette_n], NULL);
    text_el(&L->body, x + 15, mid_base(y + rowh / 2 - 2, LS), LS, 0, NULL, MTM_RENDER_INK,
            name[0]);
    x += ew + 16;
  }
  L->y = y + rowh + 4;
}

/* Writes the note lines under the chart: the caller's note, the small-n
 * explanation when a mark was drawn, and extra (the select_multiple note). */
static void draw_notes(lay *L, const char *extra) {
  const mtm_chart *c = L->c;
  char buf[512];
  const char *notes[3];
  int k = 0;
  if (c->note && *c->note) notes[k++] = c->note;
  if (L->dagger) {
    char kk[64];
    fmt_num(c->small_n, 0, 0, c->lang, kk, sizeof kk);
    snprintf(buf, sizeof buf,
             L->ru ? "\xe2\x80\xa0 \xd0\xbc\xd0\xb5\xd0\xbd\xd0\xb5\xd0\xb5 %s "
                     "\xd1\x80\xd0\xb5\xd1\x81\xd0\xbf\xd0\xbe\xd0\xbd\xd0\xb4\xd0\xb5\xd0\xbd"
                     "\xd1\x82\xd0\xbe\xd0\xb2"
                   : "\xe2\x80\xa0 fewer than %s respondents",
             kk);
    notes[k++] = buf;
  }
  if (extra) notes[k++] = extra;
  if (k) L->y += 4;
  for (int i = 0; i < k; i++) {
    char lines[MAXLINES][LINE];
    int nl = wrap(notes[i], L->W - 2 * M, NS, 0, MAXLINES, lines);
    for (int j = 0; j < nl; j++) {
      text_el(&L->body, M, L->y + NS * 0.95, NS, 0, NULL, MTM_RENDER_MUTED, lines[j]);
      L->y += NS * LH;
    }
  }
}

/* ---- horizontal bars (HBAR, MULTI, STACK100 rows) ----------------------- */

/* Writes the category label of one row block, wrapped in lines of lw
 * px (at most ROW_LABEL_LINES), right-aligned at xr and centred vertically on cy. */
static void draw_row_label(lay *L, const char *s, double xr, double lw, double cy) {
  char lines[MAXLINES][LINE];
  int nl = wrap(s, lw, LS, 0, ROW_LABEL_LINES, lines);
  double top = cy - nl * LS * LH / 2;
  for (int i = 0; i < nl; i++)
    text_el(&L->body, xr, mid_base(top + (i + 0.5) * LS * LH, LS), LS, 0, "end", MTM_RENDER_INK,
            lines[i]);
}

/* The width of the label column: the widest label, at most 38% of the
 * chart, at least 40 px. */
static double label_column(lay *L, int n, const char *const *labels) {
  double w = 0;
  for (int i = 0; i < n; i++) {
    if (!labels[i]) continue;
    double t = mtm_render_text_width(labels[i], LS, 0);
    if (t > w) w = t;
  }
  double cap = 0.38 * (L->W - 2 * M);
  if (w > cap) w = cap;
  if (w < 40 && w > 0) w = 40;
  return w;
}

/* The largest value of the chart (1 when none is positive; at least the
 * chart's vmax) and the widest value label, in px. */
static void value_extent(lay *L, const mtm_chart *c, int ns, int nc, double *vmax,
                         double *width) {
  char lab[64];
  *vmax = 0;
  *width = 0;
  for (int s = 0; s < ns; s++)
    for (int j = 0; j < nc; j++) {
      double v = c->series[s].values[j];
      if (!isnan(v) && v > *vmax) *vmax = v;
      (void)value_label(L, s, j, v, c->percent, lab, sizeof lab);
      double t = mtm_render_text_width(lab, VS, 0);
      if (t > *width) *width = t;
    }
  if (c->vmax > *vmax) *vmax = c->vmax; /* a common scale with a companion chart */
  if (*vmax <= 0) *vmax = 1;
}

/* Draws grouped horizontal bars, the categories in the order ord[]. */
static void draw_hbar(lay *L, const int *ord) {
  const mtm_chart *c = L->c;
  int ns = c->nseries, nc = c->ncat;
  const char **names = calloc((size_t)(ns > 0 ? ns : 1), sizeof *names);
  for (int s = 0; s < ns; s++) names[s] = c->series[s].name;
  if (ns > 1) draw_legend(L, ns, names, M);
  free(names);

  double vmax, vw;
  char lab[64];
  value_extent(L, c, ns, nc, &vmax, &vw);
  vw += 8;
  double lw = label_column(L, nc, c->cats);
  double x0 = M + lw + 8;
  double pw = L->W - M - vw - x0;
  if (pw < 80) { /* a narrow chart: the labels give way to the bars */
    lw = L->W - 2 * M - vw - 8 - 80;
    if (lw < 30) lw = 30;
    x0 = M + lw + 8;
    pw = L->W - M - vw - x0;
  }
  double bh = ns > 3 ? 12 : 16, gap = 2, pad = 12;
  double top = L->y;
  for (int k = 0; k < nc; k++) {
    int j = ord[k];
    char lines[MAXLINES][LINE];
    int nl = wrap(c->cats[j], lw, LS, 0, ROW_LABEL_LINES, lines);
    double barsh = ns * bh + (ns - 1) * gap;
    double gh = fmax(barsh, nl * LS * LH);
    double gy = L->y + pad / 2, cy = gy + gh / 2;
    draw_row_label(L, c->cats[j], M + lw, lw, cy);
    double by = cy - barsh / 2;
    for (int s = 0; s < ns; s++, by += bh + gap) {
      double v = c->series[s].values[j];
      const char *fill = mtm_render_palette[s % mtm_render_palette_n];
      L->dagger |= value_label(L, s, j, v, c->percent, lab, sizeof lab);
      double tw = mtm_render_text_width(lab, VS, 0);
      double len = isnan(v) ? 0 : fmax(0, v) / vmax * pw;
      if (len > 0) rect_el(&L->body, x0, by, len, bh, fill, NULL);
      double base = mid_base(by + bh / 2, VS);
      if (isnan(v))
        text_el(&L->body, x0 + 4, base, VS, 0, NULL, MTM_RENDER_MUTED, lab);
      else if (len >= tw + 10)
        text_el(&L->body, x0 + len - 5, base, VS, 0, "end", ink_on(fill), lab);
      else
        text_el(&L->body, x0 + len + 4, base, VS, 0, NULL, MTM_RENDER_INK, lab);
    }
    L->y = gy + gh + pad / 2;
  }
  line_el(&L->body, x0, top, x0, L->y, MTM_RENDER_MUTED);
}

/* Draws one 100% stacked bar per series, the categories as segments, with
 * a legend of the categories and a share label in each segment wide
 * enough for it. */
static void draw_stack(lay *L) {
  const mtm_chart *c = L->c;
  int ns = c->nseries, nc = c->ncat;
  draw_legend(L, nc, c->cats, M);
  const char **names = calloc((size_t)ns, sizeof *names);
  int named = 0;
  for (int s = 0; s < ns; s++) {
    names[s] = c->series[s].name;
    if (names[s] && *names[s]) named = 1;
  }
  double lw = named ? label_column(L, ns, names) : 0;
  free(names);
  double x0 = named ? M + lw + 8 : M, pw = L->W - M - x0;
  double bh = 24, pad = 12;
  char lab[64];
  for (int s = 0; s < ns; s++) {
    const double *v = c->series[s].values;
    double sum = 0;
    for (int j = 0; j < nc; j++)
      if (!isnan(v[j]) && v[j] > 0) sum += v[j];
    char lines[MAXLINES][LINE];
    int nl = named ? wrap(c->series[s].name, lw, LS, 0, 2, lines) : 0;
    double gh = fmax(bh, nl * LS * LH);
    double gy = L->y + pad / 2, cy = gy + gh / 2, by = cy - bh / 2;
    if (named && c->series[s].name) draw_row_label(L, c->series[s].name, M + lw, lw, cy);
    double x = x0;
    int under = 0;
    if (sum <= 0) {
      rect_el(&L->body, x0, by, pw, bh, MTM_RENDER_NA, NULL);
      text_el(&L->body, x0 + 4, mid_base(cy, VS), VS, 0, NULL, MTM_RENDER_MUTED, "\xe2\x80\x93");
    }
    for (int j = 0; j < nc && sum > 0; j++) {
      if (isnan(v[j]) || v[j] <= 0) continue;
      double share = v[j] / sum, w = share * pw;
      const char *fill = mtm_render_palette[j % mtm_render_palette_n];
      rect_el(&L->body, x, by, w, bh, fill, "#ffffff");
      int mark = value_label(L, s, j, share, 1, lab, sizeof lab);
      double tw = mtm_render_text_width(lab, VS, 0);
      if (nc == 2 && c->cats[j]) { /* a yes/no bar: "Yes 62%" when it fits */
        char full[192];
        snprintf(full, sizeof full, "%s %s", c->cats[j], lab);
        double fw = mtm_render_text_width(full, VS, 0);
        if (fw + 6 <= w && strlen(full) < sizeof lab) {
          memcpy(lab, full, strlen(full) + 1);
          tw = fw;
        }
      }
      if (tw + 6 <= w) {
        text_el(&L->body, x + w / 2, mid_base(cy, VS), VS, 0, "middle", ink_on(fill), lab);
        L->dagger |= mark;
      } else if (nc == 2 && c->cats[j]) {
        /* too narrow: "No 1%" under the bar, at the bar's end on its side */
        char full[192];
        snprintf(full, sizeof full, "%s %s", c->cats[j], lab);
        int left = x + w / 2 < x0 + pw / 2;
        text_el(&L->body, left ? x0 : x0 + pw, by + bh + 3 + VS * 0.95, VS, 0,
                left ? NULL : "end", MTM_RENDER_INK, full);
        L->dagger |= mark;
        under = 1;
      }
      x += w;
    }
    L->y = gy + gh + (under ? VS * LH + 3 : 0) + pad / 2;
  }
}

/* ---- vertical bars (VBAR, HIST) ----------------------------------------- */

/* A step of 1, 2, 2.5 or 5 times a power of ten giving about four ticks
 * up to vmax. */
static double nice_step(double vmax) {
  double raw = vmax / 4, p = pow(10, floor(log10(raw))), f = raw / p;
  double m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * p;
}

/* How a histogram labels its classes of width gw: every class level at
 * *size (12 px, down to 9 px when the widest needs it), else every class
 * turned 45 degrees at a size that keeps neighbours apart (returns 1);
 * only when classes are too narrow even for that (*thin = 1) every k-th. */
static int hist_labels(const mtm_chart *c, double gw, double *size, int *thin) {
  double mw = 0;
  *thin = 0;
  *size = LS;
  for (int j = 0; j < c->ncat; j++) {
    const char *t = c->cats[j] ? c->cats[j] : "";
    mw = fmax(mw, mtm_render_text_width(t, LS, 0));
  }
  if (mw <= gw - 4) return 0;
  for (double z = LS - 1; z >= 9; z -= 1) {
    double w = 0;
    for (int j = 0; j < c->ncat; j++)
      w = fmax(w, mtm_render_text_width(c->cats[j] ? c->cats[j] : "", z, 0));
    if (w <= gw - 4) {
      *size = z;
      return 0;
    }
  }
  /* turned: parallel neighbours gw * sin 45 apart need a line's height */
  double z = fmin(LS, floor(gw * 0.7072 / 1.2));
  if (z >= 8) {
    *size = z;
    return 1;
  }
  *thin = 1;
  return 0;
}

/* Draws grouped vertical bars (hist: contiguous bins of one series, with
 * a value axis and every bin labelled, level or turned, without touching). */
static void draw_vbar(lay *L, int hist) {
  const mtm_chart *c = L->c;
  int ns = c->nseries, nc = c->ncat;
  if (ns > 1) {
    const char **names = calloc((size_t)ns, sizeof *names);
    for (int s = 0; s < ns; s++) names[s] = c->series[s].name;
    draw_legend(L, ns, names, M);
    free(names);
  }
  double vmax, labw;
  char lab[64];
  value_extent(L, c, ns, nc, &vmax, &labw);
  /* The value axis and its ticks, used for a histogram and whenever the
   * value labels do not fit on the bars. */
  double step = nice_step(vmax), amax = ceil(vmax / step - 1e-9) * step;
  if (amax <= 0) amax = step;
  double tickw = 0;
  int nt = (int)llround(amax / step);
  for (int t = 0; t <= nt; t++) {
    fmt_num(t * step, c->percent, c->percent ? 0 : (step < 1 ? c->decimals : 0), c->lang, lab,
            sizeof lab);
    double w = mtm_render_text_width(lab, VS, 0);
    if (w > tickw) tickw = w;
  }
  /* Try without an axis, then with one: value labels on the bars when
   * the widest fits its bar (at 11 px, else 9 px). Category labels turn
   * 45 degrees when one does not wrap whole under its group; then the
   * plot moves right far enough for the first label. */
  int labels = 0, axis = hist, turn = 0, thin = 0;
  double vsz = VS, x0 = M, gw = 0, inner = 0, bw = 0, hsz = LS;
  for (int pass = 0; pass < 2; pass++) {
    x0 = axis ? M + tickw + 6 : M;
    gw = (L->W - M - x0) / nc;
    turn = 0;
    for (int j = 0; j < nc && !hist && !turn; j++)
      turn = !wraps_whole(c->cats[j], gw - 6, LS, MAXLINES);
    if (hist) turn = hist_labels(c, gw, &hsz, &thin);
    if (turn) {
      double w0 = fmin(150, mtm_render_text_width(c->cats[0] ? c->cats[0] : "", hsz, 0));
      double need = M + 1 + (w0 + 0.75 * hsz) * 0.7072 - (x0 + gw / 2 + 0.25 * hsz);
      if (need > 0) x0 += fmin(need, L->W / 4);
      gw = (L->W - M - x0) / nc;
    }
    inner = hist ? 0 : fmax(6, gw * 0.2);
    bw = hist ? gw : (gw - inner) / ns;
    if (!hist && bw > 64) {
      bw = 64;
      inner = gw - bw * ns;
    }
    double room = bw - (hist ? 2 : 0);
    vsz = VS;
    labels = labw <= room;
    if (!labels && !hist && labw * 9 / VS <= room) {
      labels = 1;
      vsz = 9;
    }
    if (labels || axis) break;
    axis = 1;
  }
  if (!axis) amax = vmax;
  double ph = 200, top = L->y + (labels ? vsz + 8 : VS + 2), yb = top + ph;
  if (axis) {
    for (int t = 0; t <= nt; t++) {
      double y = yb - t * step / amax * ph;
      if (t > 0) line_el(&L->body, x0, y, L->W - M, y, MTM_RENDER_RULE);
      fmt_num(t * step, c->percent, c->percent ? 0 : (step < 1 ? c->decimals : 0), c->lang, lab,
              sizeof lab);
      text_el(&L->body, x0 - 6, mid_base(y, VS), VS, 0, "end", MTM_RENDER_MUTED, lab);
    }
  }
  for (int j = 0; j < nc; j++) {
    double gx = x0 + j * gw + inner / 2;
    for (int s = 0; s < ns; s++) {
      double v = c->series[s].values[j];
      const char *fill = mtm_render_palette[s % mtm_render_palette_n];
      double h = isnan(v) ? 0 : fmax(0, v) / amax * ph, bx = gx + s * bw;
      if (h > 0) rect_el(&L->body, bx, yb - h, bw, h, fill, hist ? "#ffffff" : NULL);
      if (labels || isnan(v)) {
        int mark = value_label(L, s, j, v, c->percent, lab, sizeof lab);
        if (!labels && mtm_render_text_width(lab, vsz, 0) > bw) continue; /* no room */
        L->dagger |= mark;
        text_el(&L->body, bx + bw / 2, yb - h - 4 - 0.22 * vsz, vsz, 0, "middle",
                isnan(v) ? MTM_RENDER_MUTED : MTM_RENDER_INK, lab);
      }
    }
  }
  line_el(&L->body, x0, yb, L->W - M, yb, MTM_RENDER_MUTED);
  /* Category labels: wrapped under each group; a histogram's bins each
   * labelled (see hist_labels), thinned to every k-th label only when
   * bins are too narrow even for turned labels. */
  double maxlabh = 0;
  if (hist && !thin) {
    /* every class: level under its bin, or turned 45 degrees */
    for (int j = 0; j < nc; j++) {
      const char *t = c->cats[j] ? c->cats[j] : "";
      double cx = x0 + (j + 0.5) * gw;
      if (!turn) {
        text_el(&L->body, cx, yb + 6 + hsz * 0.95, hsz, 0, "middle", MTM_RENDER_INK, t);
        if (hsz * LH > maxlabh) maxlabh = hsz * LH;
        continue;
      }
      double ax = cx + 0.25 * hsz, ay = yb + 4 + 0.75 * hsz * 0.7072;
      text_rot(&L->body, ax, ay, hsz, MTM_RENDER_INK, t);
      double h = (ay - yb) + mtm_render_text_width(t, hsz, 0) * 0.7072 + 0.22 * hsz;
      if (h - 6 > maxlabh) maxlabh = h - 6;
    }
  } else if (hist) {
    double mw = 0;
    for (int j = 0; j < nc; j++) {
      double t = mtm_render_text_width(c->cats[j] ? c->cats[j] : "", LS, 0);
      if (t > mw) mw = t;
    }
    int k = 1;
    while (k < nc && mw > k * gw - 4) k++;
    for (int j = 0; j < nc; j += k) {
      char lines[MAXLINES][LINE];
      if (wrap(c->cats[j], k * gw - 4, LS, 0, 1, lines) == 1)
        text_el(&L->body, x0 + (j + 0.5) * gw, yb + 6 + LS * 0.95, LS, 0, "middle",
                MTM_RENDER_INK, lines[0]);
    }
    maxlabh = LS * LH;
  } else {
    /* Wrapped under each group when every label wraps at spaces into
     * three lines; otherwise all labels turned 45 degrees, ending under
     * their group, shortened with "…" past 150 px or the left edge. */
    for (int j = 0; j < nc; j++) {
      char lines[MAXLINES][LINE];
      double cx = x0 + (j + 0.5) * gw;
      if (turn) {
        double ax = cx + 0.25 * LS, ay = yb + 4 + 0.75 * LS * 0.7072;
        double maxw = fmin(150, (ax - M) / 0.7072 - 0.75 * LS);
        copy_cut(lines[0], c->cats[j] ? c->cats[j] : "", strlen(c->cats[j] ? c->cats[j] : ""));
        ellipsize(lines[0], maxw, LS, 0);
        text_rot(&L->body, ax, ay, LS, MTM_RENDER_INK, lines[0]);
        double h = (ay - yb) + mtm_render_text_width(lines[0], LS, 0) * 0.7072 + 0.22 * LS;
        if (h - 6 > maxlabh) maxlabh = h - 6;
        continue;
      }
      int nl = wrap(c->cats[j], gw - 6, LS, 0, MAXLINES, lines);
      for (int i = 0; i < nl; i++)
        text_el(&L->body, cx, yb + 6 + LS * 0.95 + i * LS * LH, LS, 0, "middle", MTM_RENDER_INK,
                lines[i]);
      if (nl * LS * LH > maxlabh) maxlabh = nl * LS * LH;
    }
  }
  L->y = yb + 6 + maxlabh + 2;
}

/* ---- donut -------------------------------------------------------------- */

/* Appends the point at angle a (radians, 0 at twelve o'clock, clockwise)
 * on the circle of radius r around cx, cy as "x,y". */
static void pt(mtm_buf *b, double cx, double cy, double r, double a) {
  fx(b, cx + r * sin(a));
  mtm_buf_addc(b, ',');
  fx(b, cy - r * cos(a));
}

/* Draws a donut of the first series' shares, clockwise from twelve
 * o'clock, with a legend on the right giving each category's value. */
static void draw_donut(lay *L) {
  const mtm_chart *c = L->c;
  int nc = c->ncat;
  const double *v = c->series[0].values;
  double sum = 0;
  for (int j = 0; j < nc; j++)
    if (!isnan(v[j]) && v[j] > 0) sum += v[j];
  double R = 80, r = R * 0.58, cx = M + R, cy = L->y + R + 4;
  double a = 0;
  if (sum <= 0) {
    mtm_buf_adds(&L->body, "<circle cx=\"");
    fx(&L->body, cx);
    mtm_buf_adds(&L->body, "\" cy=\"");
    fx(&L->body, cy);
    mtm_buf_adds(&L->body, "\" r=\"");
    fx(&L->body, (R + r) / 2);
    mtm_buf_adds(&L->body, "\" fill=\"none\" stroke=\"" MTM_RENDER_NA "\" stroke-width=\"");
    fx(&L->body, R - r);
    mtm_buf_adds(&L->body, "\"/>\n");
  }
  for (int j = 0; j < nc && sum > 0; j++) {
    if (isnan(v[j]) || v[j] <= 0) continue;
    double f = v[j] / sum, a2 = a + f * 2 * M_PI;
    const char *fill = mtm_render_palette[j % mtm_render_palette_n];
    mtm_buf *b = &L->body;
    if (f >= 0.99999) { /* the whole ring: two circles, even-odd */
      mtm_buf_adds(b, "<path fill-rule=\"evenodd\" d=\"M");
      pt(b, cx, cy, R, 0);
      mtm_buf_adds(b, "A");
      fx(b, R);
      mtm_buf_addc(b, ',');
      fx(b, R);
      mtm_buf_adds(b, " 0 1 1 ");
      pt(b, cx, cy, R, M_PI);
      mtm_buf_adds(b, "A");
      fx(b, R);
      mtm_buf_addc(b, ',');
      fx(b, R);
      mtm_buf_adds(b, " 0 1 1 ");
      pt(b, cx, cy, R, 0);
      mtm_buf_adds(b, "ZM");
      pt(b, cx, cy, r, 0);
      mtm_buf_adds(b, "A");
      fx(b, r);
      mtm_buf_addc(b, ',');
      fx(b, r);
      mtm_buf_adds(b, " 0 1 1 ");
      pt(b, cx, cy, r, M_PI);
      mtm_buf_adds(b, "A");
      fx(b, r);
      mtm_buf_addc(b, ',');
      fx(b, r);
      mtm_buf_adds(b, " 0 1 1 ");
      pt(b, cx, cy, r, 0);
      mtm_buf_printf(b, "Z\" fill=\"%s\"/>\n", fill);
    } else {
      int large = f > 0.5;
      mtm_buf_adds(b, "<path d=\"M");
      pt(b, cx, cy, R, a);
      mtm_buf_adds(b, "A");
      fx(b, R);
      mtm_buf_addc(b, ',');
      fx(b, R);
      mtm_buf_printf(b, " 0 %d 1 ", large);
      pt(b, cx, cy, R, a2);
      mtm_buf_adds(b, "L");
      pt(b, cx, cy, r, a2);
      mtm_buf_adds(b, "A");
      fx(b, r);
      mtm_buf_addc(b, ',');
      fx(b, r);
      mtm_buf_printf(b, " 0 %d 0 ", large);
      pt(b, cx, cy, r, a);
      mtm_buf_printf(b, "Z\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1.00\"/>\n", fill);
    }
    a = a2;
  }
  /* The legend: swatch, name (up to two lines), value right-aligned. */
  double lx = M + 2 * R + 28, right = L->W - M;
  char lab[64], vals[6][160];
  double vw = 0;
  for (int j = 0; j < nc; j++) {
    if (c->percent || isnan(v[j]) || sum <= 0) {
      L->dagger |= value_label(L, 0, j, v[j], c->percent, vals[j], sizeof vals[j]);
    } else {
      L->dagger |= value_label(L, 0, j, v[j], 0, lab, sizeof lab);
      char sh[32];
      fmt_num(v[j] / sum, 1, c->decimals, c->lang, sh, sizeof sh);
      snprintf(vals[j], sizeof vals[j], "%s (%s)", lab, sh);
    }
    double t = mtm_render_text_width(vals[j], LS, 1);
    if (t > vw) vw = t;
  }
  /* Beside the ring when there is room for names, else under it. */
  int below = right - lx - 15 - vw - 12 < 110;
  if (below) lx = M;
  double namew = right - lx - 15 - vw - 12;
  if (namew < 40) namew = 40;
  /* The value column follows the longest name, not the chart's edge. */
  double longest = 0;
  for (int j = 0; j < nc; j++) {
    double t = mtm_render_text_width(c->cats[j] ? c->cats[j] : "", LS, 0);
    if (t > longest) longest = t;
  }
  if (longest < namew) {
    namew = longest;
    right = lx + 15 + namew + 24 + vw;
  }
  double total = 0;
  int nls[6];
  char lines[6][MAXLINES][LINE];
  for (int j = 0; j < nc; j++) {
    nls[j] = wrap(c->cats[j], namew, LS, 0, 2, lines[j]);
    if (nls[j] < 1) nls[j] = 1, lines[j][0][0] = 0;
    total += nls[j] * LS * LH + 8;
  }
  double ly = below ? cy + R + 14 : cy - total / 2;
  for (int j = 0; j < nc; j++) {
    double rowh = nls[j] * LS * LH;
    double first = mid_base(ly + LS * LH / 2, LS);
    rect_el(&L->body, lx, ly + LS * LH / 2 - 5, 10, 10,
            mtm_render_palette[j % mtm_render_palette_n], NULL);
    for (int i = 0; i < nls[j]; i++)
      text_el(&L->body, lx + 15, first + i * LS * LH, LS, 0, NULL, MTM_RENDER_INK, lines[j][i]);
    text_el(&L->body, right, first, LS, 1, "end", MTM_RENDER_INK, vals[j]);
    ly += rowh + 8;
  }
  L->y = fmax(cy + R, ly) + 8;
}

/* ---- the document ------------------------------------------------------- */

static const char *type_name(mtm_chart_type t, const char *lang) {
  /* The accessible name of an untitled chart, in the chart's language
   * (Russian for "ru" and "kk", whose reports are written in Russian). */
  int ru = lang && (!strcmp(lang, "ru") || !strcmp(lang, "kk"));
  switch (t) {
  case MTM_CHART_HBAR: return ru ? "Горизонтальная столбчатая диаграмма" : "Horizontal bar chart";
  case MTM_CHART_VBAR: return ru ? "Вертикальная столбчатая диаграмма" : "Vertical bar chart";
  case MTM_CHART_STACK100: return ru ? "Нормированная диаграмма с накоплением" : "100% stacked bar chart";
  case MTM_CHART_DONUT: return ru ? "Кольцевая диаграмма" : "Donut chart";
  case MTM_CHART_MULTI:
    return ru ? "Диаграмма вопроса с несколькими ответами" : "Bar chart of a multiple-choice question";
  case MTM_CHART_HIST: return ru ? "Гистограмма" : "Histogram";
  }
  return ru ? "Диаграмма" : "Chart";
}

/* Checks that the chart can be drawn; returns 0 or MTM_EINVAL with a
 * sentence naming the chart (its title) and what is wrong. */
static int check(const mtm_chart *c, mtm_err *err) {
  const char *t = c->title && *c->title ? c->title : type_name(c->type, NULL);
  if (c->type < MTM_CHART_HBAR || c->type > MTM_CHART_HIST)
    return mtm_err_set(err, MTM_EINVAL, "The chart '%s' has an unknown chart type (%d).", t,
                       (int)c->type);
  if (c->ncat <= 0 || !c->cats)
    return mtm_err_set(err, MTM_EINVAL, "The chart '%s' has no categories to draw.", t);
  if (c->nseries <= 0 || !c->series)
    return mtm_err_set(err, MTM_EINVAL, "The chart '%s' has no series of values to draw.", t);
  if (c->nseries > 6)
    return mtm_err_set(err, MTM_EINVAL,
                       "The chart '%s' has %d series; a chart shows at most 6.", t, c->nseries);
  if (c->type == MTM_CHART_DONUT && (c->ncat < 2 || c->ncat > 5))
    return mtm_err_set(err, MTM_EINVAL,
                       "The donut chart '%s' has %d categories; a donut shows two to five, "
                       "use a bar chart instead.",
                       t, c->ncat);
  if (c->type == MTM_CHART_DONUT && c->nseries != 1)
    return mtm_err_set(err, MTM_EINVAL,
                       "The donut chart '%s' has %d series; a donut shows one.", t, c->nseries);
  if (c->type == MTM_CHART_HIST && c->nseries != 1)
    return mtm_err_set(err, MTM_EINVAL,
                       "The histogram '%s' has %d series; a histogram shows one.", t,
                       c->nseries);
  if (c->type == MTM_CHART_STACK100 && c->ncat > 6)
    return mtm_err_set(err, MTM_EINVAL,
                       "The stacked bar chart '%s' has %d categories; it shows at most 6.", t,
                       c->ncat);
  for (int s = 0; s < c->nseries; s++) {
    if (!c->series[s].values)
      return mtm_err_set(err, MTM_EINVAL, "The chart '%s' has a series without values.", t);
    for (int j = 0; j < c->ncat; j++) {
      double v = c->series[s].values[j];
      if (isinf(v) || v < 0)
        return mtm_err_set(err, MTM_EINVAL,
                           "The chart '%s' has the value %g for '%s'; charts draw values of "
                           "zero or more.",
                           t, v, c->cats[j] ? c->cats[j] : "");
    }
  }
  return 0;
}

int mtm_chart_svg(const mtm_chart *c, mtm_buf *svg, mtm_err *err) {
  /* Lays the chart out top to bottom into a body buffer (title, legend,
   * plot, notes), then writes the root element with the final height and
   * the body after it. */
  int rc = check(c, err);
  if (rc) return rc;
  lay L = {.c = c, .W = c->width > 0 ? c->width : 640, .y = M, .ru = lang_ru(c->lang)};
  mtm_buf_init(&L.body);
  draw_title(&L);
  const char *extra = NULL;
  int nc = c->ncat;
  int *ord = malloc(sizeof *ord * (size_t)nc);
  if (!ord) {
    mtm_buf_free(&L.body);
    return mtm_err_set(err, MTM_ENOMEM, "Out of memory while drawing a chart.");
  }
  for (int j = 0; j < nc; j++) ord[j] = j;
  switch (c->type) {
  case MTM_CHART_MULTI: {
    /* Sorted by the first series, descending, stable; no value last. */
    const double *v = c->series[0].values;
    for (int i = 1; i < nc; i++) {
      int x = ord[i], k = i;
      while (k > 0) {
        double a = v[ord[k - 1]], b = v[x];
        int before = isnan(a) ? !isnan(b) : (!isnan(b) && b > a);
        if (!before) break;
        ord[k] = ord[k - 1];
        k--;
      }
      ord[k] = x;
    }
    if (c->percent) /* the wording of prose's multiple_answers_note */
      extra = L.ru ? "Респонденты могли выбрать несколько вариантов ответа, поэтому сумма "
                     "процентов может превышать 100."
                   : "Respondents could give more than one answer, so percentages may add up "
                     "to more than 100.";
    draw_hbar(&L, ord);
    break;
  }
  case MTM_CHART_HBAR: draw_hbar(&L, ord); break;
  case MTM_CHART_VBAR: draw_vbar(&L, 0); break;
  case MTM_CHART_HIST: draw_vbar(&L, 1); break;
  case MTM_CHART_STACK100: draw_stack(&L); break;
  case MTM_CHART_DONUT: draw_donut(&L); break;
  }
  free(ord);
  draw_notes(&L, extra);
  double H = ceil(L.y + M);
  mtm_buf_adds(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
  fx(svg, L.W);
  mtm_buf_adds(svg, "\" height=\"");
  fx(svg, H);
  mtm_buf_adds(svg, "\" viewBox=\"0 0 ");
  fx(svg, L.W);
  mtm_buf_addc(svg, ' ');
  fx(svg, H);
  mtm_buf_adds(svg, "\" font-family=\"" MTM_RENDER_FONT "\" role=\"img\">\n<title>");
  add_esc(svg, c->title && *c->title ? c->title : type_name(c->type, c->lang));
  mtm_buf_adds(svg, "</title>\n");
  mtm_buf_add(svg, L.body.p, L.body.n);
  mtm_buf_adds(svg, "</svg>\n");
  mtm_buf_free(&L.body);
  return 0;
}
