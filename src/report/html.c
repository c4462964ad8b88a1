/* The HTML writer: one self-contained file (inline CSS and SVG, no
 * scripts, no network), every number a span carrying its indicator key and
 * its source on hover, a <section> per level-1 heading. */
#include "report/doc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char css[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#1a1a1a;background:#f4f4f4;"
    "margin:0;line-height:1.45;font-size:11pt}\n"
    "main{max-width:210mm;margin:0 auto;background:#fff;padding:15mm 18mm}\n"
    "header.cover{border-bottom:4px solid #0033a0;padding-bottom:8mm;margin-bottom:8mm}\n"
    "header.cover h1{font-size:24pt;color:#0033a0;margin:0 0 4mm}\n"
    "header.cover p{font-size:13pt;color:#6b6b6b;margin:0}\n"
    "h1{color:#0033a0;font-size:18pt;border-bottom:2px solid #0033a0;padding-bottom:2mm}\n"
    "h2{color:#0033a0;font-size:14pt}h3{color:#0033a0;font-size:12pt}\n"
    ".fig{border-bottom:1px dotted #0033a0;cursor:help}\n"
    "figure{margin:6mm 0;page-break-inside:avoid}\n"
    "figure svg{max-width:100%;height:auto;display:block}\n"
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:4mm;align-items:start}\n"
    "@media (max-width:560px){.pair{grid-template-columns:1fr}}\n"
    "figcaption{font-weight:bold;color:#0033a0;margin-bottom:2mm}\n"
    ".note{color:#6b6b6b;font-size:9pt;margin:1mm 0}\n"
    "details.sources{font-size:8pt;color:#6b6b6b}\n"
    "table.data{border-collapse:collapse;width:100%;font-size:10pt}\n"
    "table.data th{background:#0033a0;color:#fff;text-align:left;padding:1.5mm 2mm}\n"
    "table.data td{border-bottom:1px solid #d0d0d0;padding:1.5mm 2mm;vertical-align:top}\n"
    "table.data td.num{text-align:right;white-space:nowrap}\n"
    "table.compact{font-size:8pt}table.compact td,table.compact th{padding:0.8mm 1.5mm}\n"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(42mm,1fr));gap:4mm;"
    "margin:6mm 0}\n"
    ".tile{background:#0033a0;color:#fff;padding:4mm;border-radius:2mm}\n"
    ".tile .big{display:block;font-size:20pt;font-weight:bold}\n"
    ".tile .fig{border-bottom:none}\n"
    ".tile .cap{display:block;font-size:9.5pt}\n"
    "header.cover img.logo{max-height:22mm;max-width:70mm;display:block;margin-bottom:6mm}\n"
    "header.cover p.date{font-size:11pt;margin-top:2mm}\n"
    "main table:not(.data){border-collapse:collapse;margin:4mm 0;font-size:10pt}\n"
    "main table:not(.data) th{border-bottom:2px solid #0033a0;text-align:left;padding:1.5mm 2mm}\n"
    "main table:not(.data) td{border-bottom:1px solid #d0d0d0;padding:1.5mm 2mm;vertical-align:top}\n"
    "aside.story{border:1.5px solid #0033a0;border-left-width:5px;background:#eef2fa;"
    "padding:2mm 6mm;margin:6mm 0}\n"
    "figure.photo img{max-width:100%;height:auto;display:block}\n"
    "figure.photo figcaption{font-weight:normal;color:#1a1a1a;margin:2mm 0 0}\n"
    "section.footnotes{font-size:9pt;color:#3a3a3a;border-top:1px solid #d0d0d0;margin-top:8mm}\n"
    "sup.footnote-ref a{text-decoration:none}\n"
    "@page{size:A4;margin:15mm}\n"
    "@media print{body{background:#fff}main{padding:0;max-width:none}"
    "section{page-break-before:auto}section.part{page-break-before:always}"
    "section.first{page-break-before:auto}h1,h2,h3,h4{break-after:avoid}"
    "p:has(+ figure){break-after:avoid}"
    ".fig{border-bottom:none}details.sources{display:none}}\n";

/* Appends s with &, <, >, " and ' escaped. */
static void esc(mtm_buf *b, const char *s) {
  if (!s) return;
  for (; *s; s++) {
    switch (*s) {
    case '&': mtm_buf_adds(b, "&amp;"); break;
    case '<': mtm_buf_adds(b, "&lt;"); break;
    case '>': mtm_buf_adds(b, "&gt;"); break;
    case '"': mtm_buf_adds(b, "&quot;"); break;
    case '\'': mtm_buf_adds(b, "&#39;"); break;
    default: mtm_buf_addc(b, *s);
    }
  }
}

/* The hover text of a source: question; filter; denominator; n. */
static void title_of(mtm_buf *b, const mtm_fig_source *s) {
  mtm_buf t;
  mtm_buf_init(&t);
  mtm_buf_adds(&t, s->question ? s->question : "");
  if (s->filter && *s->filter) {
    mtm_buf_adds(&t, "; ");
    mtm_buf_adds(&t, s->filter);
  }
  if (s->denominator && *s->denominator) {
    mtm_buf_adds(&t, "; ");
    mtm_buf_adds(&t, s->denominator);
  }
  if (isfinite(s->n)) {
    mtm_buf_printf(&t, "; n = %.0f", s->n);
    if (isfinite(s->n_total)) mtm_buf_printf(&t, " of %.0f", s->n_total);
  }
  esc(b, t.p);
  mtm_buf_free(&t);
}

/* A number the reader sees, as a span with its key and source. */
static void span(mtm_buf *b, const mtm_fig_source *s, const char *text) {
  mtm_buf_adds(b, "<span class=\"fig\" data-key=\"");
  esc(b, s->key);
  mtm_buf_adds(b, "\" title=\"");
  title_of(b, s);
  mtm_buf_adds(b, "\">");
  esc(b, text);
  mtm_buf_adds(b, "</span>");
}

/* An inline figure. */
static void inline_fig(mtm_buf *b, const mtm_fig *f) {
  if (!f->text || !*f->text) return;
  if (f->nsources == 0) {
    esc(b, f->text);
    return;
  }
  if (f->nsources == 1 || f->kind == MTM_FIG_NUMBER) {
    span(b, &f->sources[0], f->text);
    return;
  }
  /* words with several numbers: the first is the figure, the others in
   * the hover text */
  mtm_buf_adds(b, "<span class=\"fig\" data-key=\"");
  esc(b, f->sources[0].key);
  mtm_buf_adds(b, "\" data-keys=\"");
  for (int i = 0; i < f->nsources; i++) {
    if (i) mtm_buf_adds(b, " | ");
    esc(b, f->sources[i].key);
  }
  mtm_buf_adds(b, "\" title=\"");
  for (int i = 0; i < f->nsources; i++) {
    if (i) mtm_buf_adds(b, " | ");
    if (f->sources[i].shown) {
      esc(b, f->sources[i].shown);
      mtm_buf_adds(b, ": ");
    }
    title_of(b, &f->sources[i]);
  }
  mtm_buf_adds(b, "\">");
  esc(b, f->text);
  mtm_buf_adds(b, "</span>");
}

/* The SVG document without its XML declaration. */
static void svg_inline(mtm_buf *b, const char *svg, size_t len) {
  const char *p = svg;
  if (!p) return;
  const char *st = strstr(p, "<svg");
  if (st && st < svg + len) {
    len -= (size_t)(st - p);
    p = st;
  }
  mtm_buf_add(b, p, len);
}

/* Appends n bytes as base64 (RFC 4648, padded). */
static void base64(mtm_buf *b, const unsigned char *p, size_t n) {
  static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                 (i + 2 < n ? p[i + 2] : 0);
    char q[4] = {al[v >> 18 & 63], al[v >> 12 & 63], i + 1 < n ? al[v >> 6 & 63] : '=',
                 i + 2 < n ? al[v & 63] : '='};
    mtm_buf_add(b, q, 4);
  }
}

/* An image as an <img> whose source is the file itself (a data: URI, so
 * that the HTML stays one file). */
static void img_tag(mtm_buf *b, const char *cls, const char *alt, const char *mime,
                    const unsigned char *p, size_t n) {
  mtm_buf_printf(b, "<img class=\"%s\" alt=\"", cls);
  esc(b, alt);
  mtm_buf_printf(b, "\" src=\"data:%s;base64,", mime);
  base64(b, p, n);
  mtm_buf_adds(b, "\">");
}

/* A block figure: chart, map, table, tiles or photo. */
static void block_fig(mtm_buf *b, const mtm_fig *f, int idx) {
  if (f->kind == MTM_FIG_PHOTO) {
    mtm_buf_printf(b, "<figure id=\"figure-%d\" class=\"photo\">\n", idx);
    img_tag(b, "photo", f->caption, f->img_mime, f->img, f->img_len);
    mtm_buf_adds(b, "\n<figcaption>");
    esc(b, f->caption);
    mtm_buf_adds(b, "</figcaption>\n");
    if (f->note && *f->note) {
      mtm_buf_adds(b, "<p class=\"note credit\">");
      esc(b, f->note);
      mtm_buf_adds(b, "</p>\n");
    }
    mtm_buf_adds(b, "</figure>\n");
    return;
  }
  if (f->kind == MTM_FIG_TILES) {
    mtm_buf_adds(b, "<div class=\"tiles\">\n");
    for (int i = 0; i < f->ntiles; i++) {
      const mtm_fig_tile *t = &f->tiles[i];
      mtm_buf_adds(b, "<div class=\"tile\"><span class=\"big\">");
      if (t->src >= 0 && t->src < f->nsources) span(b, &f->sources[t->src], t->big);
      else esc(b, t->big);
      mtm_buf_adds(b, "</span><span class=\"cap\">");
      esc(b, t->caption);
      mtm_buf_adds(b, "</span></div>\n");
    }
    mtm_buf_adds(b, "</div>\n");
    return;
  }
  mtm_buf_printf(b, "<figure id=\"figure-%d\" class=\"%s\">\n", idx,
                 f->kind == MTM_FIG_TABLE ? "table" : f->kind == MTM_FIG_MAP ? "map" : "chart");
  if (f->caption) {
    mtm_buf_adds(b, "<figcaption>");
    esc(b, f->caption);
    mtm_buf_adds(b, "</figcaption>\n");
  }
  if (f->kind == MTM_FIG_TABLE) {
    if (f->lead && *f->lead) {
      mtm_buf_adds(b, "<p class=\"note\">");
      esc(b, f->lead);
      mtm_buf_adds(b, "</p>\n");
    }
    mtm_buf_adds(b, f->compact ? "<table class=\"data compact\">\n" : "<table class=\"data\">\n");
    for (int r = 0; r < f->nrows; r++) {
      mtm_buf_adds(b, "<tr>");
      for (int c = 0; c < f->ncols; c++) {
        const char *cell = f->cells[r * f->ncols + c];
        int src = f->cell_src ? f->cell_src[r * f->ncols + c] : -1;
        if (r == 0) {
          mtm_buf_adds(b, "<th>");
          esc(b, cell);
          mtm_buf_adds(b, "</th>");
          continue;
        }
        mtm_buf_adds(b, src >= 0 ? "<td class=\"num\">" : "<td>");
        if (src >= 0 && src < f->nsources) span(b, &f->sources[src], cell ? cell : "");
        else esc(b, cell);
        mtm_buf_adds(b, "</td>");
      }
      mtm_buf_adds(b, "</tr>\n");
    }
    mtm_buf_adds(b, "</table>\n");
  } else if (f->pair[0] && f->pair[1]) {
    /* a by-sex figure: the two groups' charts side by side */
    mtm_buf_adds(b, "<div class=\"pair\">\n");
    for (int k = 0; k < 2; k++) {
      mtm_buf_adds(b, "<div>");
      svg_inline(b, f->pair[k], f->pair_len[k]);
      mtm_buf_adds(b, "</div>\n");
    }
    mtm_buf_adds(b, "</div>\n");
  } else {
    svg_inline(b, f->svg, f->svg_len);
    mtm_buf_addc(b, '\n');
  }
  if (f->note && *f->note) {
    mtm_buf_adds(b, "<p class=\"note\">");
    esc(b, f->note);
    mtm_buf_adds(b, "</p>\n");
  }
  if (f->kind != MTM_FIG_TABLE && f->nsources > 0) {
    mtm_buf_adds(b, "<details class=\"sources\"><summary>");
    esc(b, f->data_file ? f->data_file : "sources");
    mtm_buf_adds(b, "</summary><ul>\n");
    for (int i = 0; i < f->nsources; i++) {
      mtm_buf_adds(b, "<li>");
      span(b, &f->sources[i], f->sources[i].shown ? f->sources[i].shown : "");
      mtm_buf_adds(b, " ");
      esc(b, f->sources[i].key);
      mtm_buf_adds(b, "</li>\n");
    }
    mtm_buf_adds(b, "</ul></details>\n");
  }
  mtm_buf_adds(b, "</figure>\n");
}

/* Reads a placeholder at p: its figure index and length, or -1. */
static int placeholder(const char *p, const char *end, size_t *len) {
  size_t mo = strlen(MTM_DOC_MARK_OPEN), mc = strlen(MTM_DOC_MARK_CLOSE);
  if ((size_t)(end - p) < mo + 1 + mc || memcmp(p, MTM_DOC_MARK_OPEN, mo)) return -1;
  const char *q = p + mo;
  int v = 0, digits = 0;
  while (q < end && *q >= '0' && *q <= '9' && digits < 9) v = v * 10 + (*q++ - '0'), digits++;
  if (!digits || (size_t)(end - q) < mc || memcmp(q, MTM_DOC_MARK_CLOSE, mc)) return -1;
  *len = (size_t)(q + mc - p);
  return v;
}

int mtm_report_html(const mtm_report_doc *d, mtm_buf *out, mtm_err *err) {
  /* Renders the cmark tree (raw HTML in the template is not let through),
   * then puts the figures in place of the placeholders and opens a section
   * at every level-1 heading. */
  char *html = mtm_report_md_html(d->root);
  if (!html) return mtm_err_set(err, MTM_ENOMEM, "cannot render the report's text");
  mtm_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"");
  esc(out, d->lang ? d->lang : "en");
  mtm_buf_adds(out, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  esc(out, d->title);
  mtm_buf_adds(out, "</title>\n<style>\n");
  mtm_buf_adds(out, css);
  mtm_buf_adds(out, "</style>\n</head>\n<body>\n<main>\n<header class=\"cover\">\n");
  if (d->logo) {
    img_tag(out, "logo", "logo", d->logo_mime, d->logo, d->logo_len);
    mtm_buf_addc(out, '\n');
  }
  mtm_buf_adds(out, "<h1>");
  esc(out, d->title);
  mtm_buf_adds(out, "</h1>\n<p>");
  esc(out, d->subtitle);
  mtm_buf_adds(out, "</p>\n");
  if (d->date && *d->date) {
    mtm_buf_adds(out, "<p class=\"date\">");
    esc(out, d->date);
    mtm_buf_adds(out, "</p>\n");
  }
  mtm_buf_adds(out, "</header>\n");
  /* Which level-1 headings open a part (a part mark comes before them since
   * the last one): in print, only a part starts a new page. The headings
   * come out of cmark in the order of the tree. */
  int nh = 0, caph = 0, pending = 0;
  char *part = NULL;
  cmark_iter *it = cmark_iter_new(d->root);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node *n = cmark_iter_get_node(it);
    if (ev != CMARK_EVENT_ENTER) continue;
    if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK && cmark_node_get_literal(n) &&
        strstr(cmark_node_get_literal(n), "<!-- part -->"))
      pending = 1;
    if (cmark_node_get_type(n) == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1) {
      if (nh == caph) part = mtm_xrealloc(part, (size_t)(caph = caph ? 2 * caph : 16));
      part[nh++] = (char)pending;
      pending = 0;
    }
  }
  cmark_iter_free(it);
  const char *p = html, *end = html + strlen(html);
  int open = 0, k = 0;
  while (p < end) {
    size_t len;
    int idx;
    if (!strncmp(p, "<h1>", 4)) {
      if (open) mtm_buf_adds(out, "</section>\n");
      int is_part = k < nh && part[k];
      k++;
      mtm_buf_adds(out, !open ? "<section class=\"first\">\n"
                        : is_part ? "<section class=\"part\">\n" : "<section>\n");
      open = 1;
      mtm_buf_adds(out, "<h1>");
      p += 4;
      continue;
    }
    if (!strncmp(p, "<p>", 3) && (idx = placeholder(p + 3, end, &len)) >= 0 &&
        !strncmp(p + 3 + len, "</p>", 4) && idx < d->nfigs && d->figs[idx].kind >= MTM_FIG_CHART) {
      block_fig(out, &d->figs[idx], idx);
      p += 3 + len + 4;
      if (*p == '\n') p++;
      continue;
    }
    if ((idx = placeholder(p, end, &len)) >= 0) {
      if (idx < d->nfigs) {
        const mtm_fig *f = &d->figs[idx];
        if (f->kind >= MTM_FIG_CHART) block_fig(out, f, idx);
        else inline_fig(out, f);
      }
      p += len;
      continue;
    }
    mtm_buf_addc(out, *p++);
  }
  if (open) mtm_buf_adds(out, "</section>\n");
  mtm_buf_adds(out, "<footer class=\"note\">");
  esc(out, d->footer);
  mtm_buf_adds(out, "</footer>\n</main>\n</body>\n</html>\n");
  free(html);
  free(part);
  return 0;
}
