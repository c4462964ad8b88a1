/*
 * report/pdf.c: the evaluated report typeset as an A4 PDF with cairo and
 * pango: a cover, a page break before each level-1 heading, paragraphs,
 * lists, quotes and code, the figures (charts and maps drawn from their
 * SVGs by render, ruled tables, key-figure tiles) and a running footer
 * with "page N of M".
 *
 * The layout runs twice with the same measurements: the first pass draws
 * into a PDF surface that discards its bytes and only counts the pages, the
 * second writes the file with the page total known. The file is written to
 * a temporary name in the target's directory and renamed into place, so a
 * reader never sees half a PDF.
 */
#include "report/doc.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <cmark-gfm-core-extensions.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <ctype.h>
#include <errno.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "render/render.h"

/* ---- page geometry (points) ---------------------------------------------- */

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 56.69 /* 20 mm */
#define BODY_W (PAGE_W - 2 * MARGIN)
#define BODY_TOP MARGIN
#define BODY_BOTTOM (PAGE_H - MARGIN - 12)
#define FOOTER_BASE (PAGE_H - MARGIN + 14)

#define SIZE_BODY 10.0
#define SIZE_SMALL 8.5
#define SIZE_CODE 8.5
#define LIST_INDENT 18.0
#define QUOTE_INDENT 16.0
#define PARA_GAP 6.0

#define MIN_SCALE 0.85 /* a chart shrinks this far to stay on its page */
#define BODY_H (BODY_BOTTOM - BODY_TOP)
#define PART_MARK "<!-- part -->" /* a template's mark: a new part, a new page */

#define BLUE "#0033A0" /* IOM blue */
#define TILE_FILL "#EEF2FA"

typedef struct pdf_ctx {
  const mtm_report_doc *d;
  const char *path;
  cairo_t *cr;
  PangoContext *pc;
  double y;       /* the next free y on the page                        */
  double x, w;    /* the text column of the current block               */
  int page;       /* 1-based number of the page being drawn             */
  int total;      /* the page total (second pass), 0 while counting     */
  int fresh;      /* nothing drawn yet on this page                     */
  int on_cover;   /* the cover is the current page                      */
  int quote;      /* depth of block quotes around the current block     */
  int code;       /* the lines drawn are a code block's (grey ground)   */
  int bar_page;   /* the page and bottom of the last quote bar drawn,   */
  double bar_y;   /* so that a quote's bar runs on between paragraphs  */
  char marker[32]; /* a list marker waiting for its item's first line   */
  double marker_x;
  mtm_buf mk;     /* markup being built                                 */
  int outline[7]; /* the bookmark of the last heading of each level     */
  double *fig_iw, *fig_ih; /* the SVG figures' intrinsic sizes, 0: not read yet */
  const char **urls; /* the links of the block being set, in order      */
  int nurls, capurls;
  cmark_node *notes[256]; /* the footnote definitions, notes[k-1] numbered k */
  int nnotes;
  int pending[64];  /* the footnotes referred to in the section so far   */
  int npending;
  int in_notes;     /* the footnotes themselves are being drawn           */
  mtm_err *err;
  int rc;
} pdf_ctx;

/* Sets the source colour from "#RRGGBB". */
static void set_hex(cairo_t *cr, const char *hex) {
  unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
  cairo_set_source_rgb(cr, ((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0);
}

/* Records the first error (later ones are consequences) and returns the code. */
static int fail(pdf_ctx *c, int code, const char *msg) {
  if (c->rc) return c->rc;
  mtm_err_where(c->err, c->path, NULL, 0, NULL, NULL);
  c->rc = mtm_err_set(c->err, code, "%s", msg);
  return c->rc;
}

/* A new layout in the report font at size pt, bold or not, width w (0: no
 * wrapping). The caller unrefs it. */
static PangoLayout *new_layout_s(pdf_ctx *c, double size, int bold, double w, int condensed) {
  PangoLayout *l = pango_layout_new(c->pc);
  PangoFontDescription *fd = pango_font_description_new();
  pango_font_description_set_family(fd, MTM_RENDER_FONT);
  if (condensed) pango_font_description_set_stretch(fd, PANGO_STRETCH_CONDENSED);
  pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
  pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(l, fd);
  pango_font_description_free(fd);
  if (w > 0) {
    pango_layout_set_width(l, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  }
  return l;
}

/* A layout in the report font, normal width. */
static PangoLayout *new_layout(pdf_ctx *c, double size, int bold, double w) {
  return new_layout_s(c, size, bold, w, 0);
}

/* Sets plain text (escaped by pango itself) or NULL as the empty string. */
static void set_text(PangoLayout *l, const char *s) {
  if (s && !g_utf8_validate(s, -1, NULL)) {
    /* Bytes that are not UTF-8 show as U+FFFD rather than stop the drawing. */
    gchar *v = g_utf8_make_valid(s, -1);
    pango_layout_set_text(l, v, -1);
    g_free(v);
    return;
  }
  pango_layout_set_text(l, s ? s : "", -1);
}

/* The layout's height in points. */
static double layout_h(PangoLayout *l) {
  int w, h;
  pango_layout_get_size(l, &w, &h);
  return (double)h / PANGO_SCALE;
}

/* The layout's width in points (its ink-free logical width). */
static double layout_w(PangoLayout *l) {
  int w, h;
  pango_layout_get_size(l, &w, &h);
  return (double)w / PANGO_SCALE;
}

/* Draws the layout with its top-left corner at x, y in colour hex. */
static void show_at(pdf_ctx *c, PangoLayout *l, double x, double y, const char *hex) {
  set_hex(c->cr, hex);
  cairo_move_to(c->cr, x, y);
  pango_cairo_show_layout(c->cr, l);
}

/* ---- pages --------------------------------------------------------------- */

/* Draws the running footer of the current page: the document's footer on
 * the left, "page N of M" (Russian: "стр. N из M") on the right. */
static void draw_footer(pdf_ctx *c) {
  cairo_t *cr = c->cr;
  set_hex(cr, MTM_RENDER_RULE);
  cairo_set_line_width(cr, 0.5);
  cairo_move_to(cr, MARGIN, FOOTER_BASE - 12);
  cairo_line_to(cr, PAGE_W - MARGIN, FOOTER_BASE - 12);
  cairo_stroke(cr);
  char num[64];
  int is_ru = c->d->lang && strcmp(c->d->lang, "ru") == 0;
  snprintf(num, sizeof num, is_ru ? "стр. %d из %d" : "page %d of %d", c->page,
           c->total > 0 ? c->total : c->page);
  PangoLayout *r = new_layout(c, SIZE_SMALL, 0, 0);
  set_text(r, num);
  double rw = layout_w(r);
  show_at(c, r, PAGE_W - MARGIN - rw, FOOTER_BASE - 8, MTM_RENDER_MUTED);
  if (c->d->footer && *c->d->footer) {
    PangoLayout *l = new_layout(c, SIZE_SMALL, 0, BODY_W - rw - 18);
    set_text(l, c->d->footer);
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    show_at(c, l, MARGIN, FOOTER_BASE - 8, MTM_RENDER_MUTED);
    g_object_unref(l);
  }
  g_object_unref(r);
}

/* Ends the current page (footer included) and starts the next one. */
static void new_page(pdf_ctx *c) {
  draw_footer(c);
  cairo_show_page(c->cr);
  c->page++;
  c->y = BODY_TOP;
  c->fresh = 1;
  c->on_cover = 0;
}

/* Makes sure a body page is open (the cover takes no body text). */
static void need_page(pdf_ctx *c) {
  if (c->on_cover) new_page(c);
}

/* Breaks the page unless h points still fit below y (or the page is empty). */
static void need_space(pdf_ctx *c, double h) {
  need_page(c);
  if (!c->fresh && c->y + h > BODY_BOTTOM) new_page(c);
}

static void draw_logo(pdf_ctx *c, double y);

/* Draws the cover: a blue band, the user's logo, the title large in IOM
 * blue, the subtitle and the publication date. */
static void draw_cover(pdf_ctx *c) {
  cairo_t *cr = c->cr;
  set_hex(cr, BLUE);
  cairo_rectangle(cr, 0, 0, PAGE_W, 18);
  cairo_fill(cr);
  double y = PAGE_H * 0.30;
  PangoLayout *t = new_layout(c, 30, 1, BODY_W);
  set_text(t, c->d->title);
  pango_layout_set_spacing(t, 4 * PANGO_SCALE);
  cairo_tag_begin(cr, "P", NULL);
  show_at(c, t, MARGIN, y, BLUE);
  cairo_tag_end(cr, "P");
  y += layout_h(t) + 14;
  g_object_unref(t);
  set_hex(cr, BLUE);
  cairo_rectangle(cr, MARGIN, y, 72, 3);
  cairo_fill(cr);
  y += 16;
  if (c->d->subtitle && *c->d->subtitle) {
    PangoLayout *s = new_layout(c, 14, 0, BODY_W);
    set_text(s, c->d->subtitle);
    cairo_tag_begin(cr, "P", NULL);
    show_at(c, s, MARGIN, y, MTM_RENDER_INK);
    cairo_tag_end(cr, "P");
    y += layout_h(s) + 8;
    g_object_unref(s);
  }
  if (c->d->date && *c->d->date) {
    PangoLayout *s = new_layout(c, 11, 0, BODY_W);
    set_text(s, c->d->date);
    show_at(c, s, MARGIN, y, MTM_RENDER_MUTED);
    g_object_unref(s);
  }
  draw_logo(c, 18 + MARGIN);
  c->on_cover = 1;
  c->fresh = 0;
}

/* Makes the links on one drawn line clickable: the underlined ranges of the
 * layout are the block's links, in the order of c->urls. */
static void draw_links(pdf_ctx *c, PangoLayout *l, PangoLayoutLine *line, double x, double top,
                       double h) {
  PangoAttrList *al = pango_layout_get_attributes(l);
  if (!al || !c->nurls) return;
  /* The list's attributes in order of their start: one underline per link. */
  GSList *attrs = pango_attr_list_get_attributes(al);
  int k = 0;
  for (GSList *e = attrs; e; e = e->next) {
    PangoAttribute *a = e->data;
    if (a->klass->type != PANGO_ATTR_UNDERLINE) continue;
    const char *url = k < c->nurls ? c->urls[k] : NULL;
    k++;
    int lo = (int)a->start_index > line->start_index ? (int)a->start_index : line->start_index;
    int end = line->start_index + line->length;
    int hi = (int)a->end_index < end ? (int)a->end_index : end;
    if (!url || !*url || lo >= hi) continue;
    int x0, x1;
    pango_layout_line_index_to_x(line, lo, FALSE, &x0);
    pango_layout_line_index_to_x(line, hi, FALSE, &x1);
    if (hi == end) {
      PangoRectangle log;
      pango_layout_line_get_extents(line, NULL, &log);
      x1 = log.x + log.width;
    }
    if (x1 < x0) {
      int t = x0;
      x0 = x1;
      x1 = t;
    }
    mtm_buf at;
    mtm_buf_init(&at);
    mtm_buf_printf(&at, "rect=[%.2f %.2f %.2f %.2f] uri='", x + (double)x0 / PANGO_SCALE, top,
                   (double)(x1 - x0) / PANGO_SCALE, h);
    for (const char *p = url; *p; p++) {
      if (*p == '\'' || *p == '\\') mtm_buf_addc(&at, '\\');
      mtm_buf_addc(&at, *p);
    }
    mtm_buf_addc(&at, '\'');
    cairo_tag_begin(c->cr, CAIRO_TAG_LINK, at.p);
    cairo_tag_end(c->cr, CAIRO_TAG_LINK);
    mtm_buf_free(&at);
  }
  g_slist_free_full(attrs, (GDestroyNotify)pango_attribute_destroy);
}

/* Draws a wrapped layout line by line from the current y at x, breaking the
 * page between lines: never after a paragraph's first line alone (an
 * orphan) nor before its last line alone (a widow) when the paragraph has
 * lines enough to avoid it. The first line gets any waiting list marker,
 * and every line the bars of the block quotes around it. */
static void draw_flow(pdf_ctx *c, PangoLayout *l, double x) {
  need_page(c);
  int n = pango_layout_get_line_count(l);
  double *ly = calloc((size_t)n + 1, 3 * sizeof *ly), *lh = ly + n + 1, *lx = lh + n + 1;
  PangoLayoutIter *it = pango_layout_get_iter(l);
  for (int i = 0; i < n; i++) {
    PangoRectangle log;
    pango_layout_iter_get_line_extents(it, NULL, &log);
    ly[i] = (double)log.y / PANGO_SCALE;
    lh[i] = (double)log.height / PANGO_SCALE;
    lx[i] = (double)log.x / PANGO_SCALE;
    pango_layout_iter_next_line(it);
  }
  pango_layout_iter_free(it);
  it = pango_layout_get_iter(l);
  cairo_pattern_t *ink = cairo_pattern_reference(cairo_get_source(c->cr));
  double shift = c->y; /* the page y of the layout's top */
#define FITS(i) (shift + ly[i] + lh[i] <= BODY_BOTTOM)
  for (int i = 0; i < n; i++, pango_layout_iter_next_line(it)) {
    int brk = !c->fresh && !FITS(i);
    if (!c->fresh && i == 0 && n >= 2 && !FITS(1)) brk = 1;          /* orphan */
    if (!c->fresh && i >= 2 && i == n - 2 && FITS(i) && !FITS(i + 1)) brk = 1; /* widow */
    if (brk) {
      new_page(c);
      shift = c->y - ly[i];
    }
    double top = shift + ly[i], h = lh[i];
    double base = shift + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
    if (c->code) {
      set_hex(c->cr, "#F3F4F6");
      cairo_rectangle(c->cr, c->x, top - (i == 0 ? 3 : 0), c->w, h + (i == 0 ? 3 : 0) + (i == n - 1 ? 3 : 0));
      cairo_fill(c->cr);
    }
    cairo_set_source(c->cr, ink);
    cairo_move_to(c->cr, x + lx[i], base);
    pango_cairo_show_layout_line(c->cr, pango_layout_iter_get_line_readonly(it));
    if (c->marker[0]) {
      PangoLayout *m = new_layout(c, SIZE_BODY, 0, 0);
      set_text(m, c->marker);
      double mw = layout_w(m);
      PangoLayoutIter *mi = pango_layout_get_iter(m);
      double mb = (double)pango_layout_iter_get_baseline(mi) / PANGO_SCALE;
      pango_layout_iter_free(mi);
      show_at(c, m, c->marker_x - mw, base - mb, MTM_RENDER_INK);
      g_object_unref(m);
      c->marker[0] = 0;
    }
    if (c->quote) {
      double bt = c->bar_page == c->page ? c->bar_y : top;
      for (int q = 0; q < c->quote; q++) {
        double bx = MARGIN + q * QUOTE_INDENT + 3;
        set_hex(c->cr, "#5B92E5");
        cairo_rectangle(c->cr, bx, bt, 2, top + h - bt);
        cairo_fill(c->cr);
      }
      c->bar_page = c->page;
      c->bar_y = top + h;
    }
    draw_links(c, l, pango_layout_iter_get_line_readonly(it), x + lx[i], top, h);
    c->y = top + h;
    c->fresh = 0;
  }
#undef FITS
  pango_layout_iter_free(it);
  cairo_pattern_destroy(ink);
  free(ly);
}

/* ---- inline markup ------------------------------------------------------- */

static void note_ref(pdf_ctx *c, const char *lit);

/* Appends s escaped for pango markup. */
static void add_esc(mtm_buf *b, const char *s, gssize n) {
  if (!s) return;
  gchar *v = g_utf8_validate(s, n, NULL) ? NULL : g_utf8_make_valid(s, n);
  gchar *e = v ? g_markup_escape_text(v, -1) : g_markup_escape_text(s, n);
  mtm_buf_adds(b, e);
  g_free(e);
  g_free(v);
}

/* Appends a text node's literal to the markup with its placeholders
 * replaced: a NUMBER figure by its text in bold, a TEXT figure by its words,
 * a block figure met inside running text by its caption in italics. */
static int add_text(pdf_ctx *c, const char *s) {
  size_t lo = strlen(MTM_DOC_MARK_OPEN), lc = strlen(MTM_DOC_MARK_CLOSE);
  while (s && *s) {
    const char *o = strstr(s, MTM_DOC_MARK_OPEN);
    if (!o) {
      add_esc(&c->mk, s, -1);
      break;
    }
    add_esc(&c->mk, s, o - s);
    const char *p = o + lo;
    char *end;
    long i = strtol(p, &end, 10);
    if (end == p || strncmp(end, MTM_DOC_MARK_CLOSE, lc) != 0 || i < 0 || i >= c->d->nfigs) {
      char msg[300];
      snprintf(msg, sizeof msg,
               "the report's text refers to figure number %ld, which its table of figures "
               "(%d of them, numbered from 0) does not hold; this is a fault of the report "
               "template's evaluation",
               end == p ? -1L : i, c->d->nfigs);
      return fail(c, MTM_EINVAL, msg);
    }
    const mtm_fig *f = &c->d->figs[i];
    if (f->kind == MTM_FIG_NUMBER) {
      mtm_buf_adds(&c->mk, "<b>");
      add_esc(&c->mk, f->text, -1);
      mtm_buf_adds(&c->mk, "</b>");
    } else if (f->kind == MTM_FIG_TEXT) {
      add_esc(&c->mk, f->text, -1);
    } else {
      mtm_buf_adds(&c->mk, "<i>");
      add_esc(&c->mk, f->caption ? f->caption : f->tag, -1);
      mtm_buf_adds(&c->mk, "</i>");
    }
    s = end + lc;
  }
  return 0;
}

/* Appends the pango markup of an inline node and its children. */
static int add_inline(pdf_ctx *c, cmark_node *n) {
  const char *close = NULL;
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_TEXT:
    return add_text(c, cmark_node_get_literal(n));
  case CMARK_NODE_SOFTBREAK:
    mtm_buf_addc(&c->mk, ' ');
    return 0;
  case CMARK_NODE_LINEBREAK:
    mtm_buf_addc(&c->mk, '\n');
    return 0;
  case CMARK_NODE_CODE:
    mtm_buf_adds(&c->mk, "<span font_family=\"DejaVu Sans Mono\" size=\"92%\">");
    add_esc(&c->mk, cmark_node_get_literal(n), -1);
    mtm_buf_adds(&c->mk, "</span>");
    return 0;
  case CMARK_NODE_HTML_INLINE:
    return 0; /* raw HTML has no place in the PDF */
  case CMARK_NODE_EMPH:
    mtm_buf_adds(&c->mk, "<i>");
    close = "</i>";
    break;
  case CMARK_NODE_STRONG:
    mtm_buf_adds(&c->mk, "<b>");
    close = "</b>";
    break;
  case CMARK_NODE_LINK:
    /* A link is the block's only underlined text: draw_flow finds its
     * extent from the underline attribute and makes it clickable. */
    if (c->nurls == c->capurls) {
      c->capurls = c->capurls ? 2 * c->capurls : 8;
      c->urls = mtm_xrealloc(c->urls, (size_t)c->capurls * sizeof *c->urls);
    }
    c->urls[c->nurls++] = cmark_node_get_url(n);
    mtm_buf_adds(&c->mk, "<span foreground=\"" BLUE "\" underline=\"single\">");
    close = "</span>";
    break;
  case CMARK_NODE_IMAGE:
    mtm_buf_adds(&c->mk, "<i>");
    close = "</i>";
    break;
  case CMARK_NODE_FOOTNOTE_REFERENCE:
    note_ref(c, cmark_node_get_literal(n));
    mtm_buf_adds(&c->mk, "<sup>");
    add_esc(&c->mk, cmark_node_get_literal(n), -1);
    mtm_buf_adds(&c->mk, "</sup>");
    return 0;
  default:
    if (mtm_report_md_is_strike(n)) {
      mtm_buf_adds(&c->mk, "<s>");
      close = "</s>";
    }
    break;
  }
  for (cmark_node *ch = cmark_node_first_child(n); ch; ch = cmark_node_next(ch))
    if (add_inline(c, ch)) return c->rc;
  if (close) mtm_buf_adds(&c->mk, close);
  if (cmark_node_get_type(n) == CMARK_NODE_LINK) {
    /* Print shows where a link leads when its words do not say it. */
    const char *url = cmark_node_get_url(n);
    cmark_node *ch = cmark_node_first_child(n);
    const char *lit = ch ? cmark_node_get_literal(ch) : NULL;
    if (url && *url && !(lit && strcmp(lit, url) == 0)) {
      mtm_buf_adds(&c->mk, " <span size=\"85%\" foreground=\"" MTM_RENDER_MUTED "\">(");
      add_esc(&c->mk, url, -1);
      mtm_buf_adds(&c->mk, ")</span>");
    }
  }
  return 0;
}

/* Builds the markup of a block's inline children into c->mk. */
static int block_markup(pdf_ctx *c, cmark_node *n) {
  mtm_buf_reset(&c->mk);
  c->nurls = 0;
  for (cmark_node *ch = cmark_node_first_child(n); ch; ch = cmark_node_next(ch))
    if (add_inline(c, ch)) return c->rc;
  return 0;
}

/* A layout of c->mk at size, bold or not, in the current column. */
static PangoLayout *markup_layout(pdf_ctx *c, double size, int bold, int justify) {
  PangoLayout *l = new_layout(c, size, bold, c->w);
  pango_layout_set_markup(l, c->mk.p ? c->mk.p : "", -1);
  pango_layout_set_justify(l, justify);
  return l;
}

/* ---- figures ------------------------------------------------------------- */

/* Returns the index of the block figure a paragraph stands for (its only
 * child is a text of exactly one placeholder of a block figure), or -1. */
static int block_figure(const pdf_ctx *c, cmark_node *para) {
  cmark_node *t = cmark_node_first_child(para);
  if (!t || cmark_node_next(t) || cmark_node_get_type(t) != CMARK_NODE_TEXT) return -1;
  const char *s = cmark_node_get_literal(t);
  size_t lo = strlen(MTM_DOC_MARK_OPEN);
  if (!s || strncmp(s, MTM_DOC_MARK_OPEN, lo) != 0) return -1;
  char *end;
  long i = strtol(s + lo, &end, 10);
  if (end == s + lo || strcmp(end, MTM_DOC_MARK_CLOSE) != 0 || i < 0 || i >= c->d->nfigs) return -1;
  mtm_fig_kind k = c->d->figs[i].kind;
  return (k == MTM_FIG_CHART || k == MTM_FIG_MAP || k == MTM_FIG_TABLE || k == MTM_FIG_TILES ||
          k == MTM_FIG_PHOTO)
             ? (int)i
             : -1;
}

/* Layouts of a figure's caption (bold) and note (small, muted); either may
 * be NULL when the figure has none. */
static void fig_texts(pdf_ctx *c, const mtm_fig *f, PangoLayout **cap, PangoLayout **note) {
  *cap = *note = NULL;
  if (f->caption && *f->caption) {
    *cap = new_layout(c, SIZE_BODY, 1, c->w);
    set_text(*cap, f->caption);
  }
  if (f->note && *f->note) {
    *note = new_layout(c, SIZE_SMALL, 0, c->w);
    set_text(*note, f->note);
  }
}

/* Draws the caption at y and returns the y below it. */
static double draw_caption(pdf_ctx *c, PangoLayout *cap) {
  if (!cap) return c->y;
  show_at(c, cap, c->x, c->y, MTM_RENDER_INK);
  return c->y + layout_h(cap) + 4;
}

/* Draws the note below the figure and moves y past it. */
static void draw_note(pdf_ctx *c, PangoLayout *note) {
  if (note) {
    c->y += 3;
    show_at(c, note, c->x, c->y, MTM_RENDER_MUTED);
    c->y += layout_h(note);
  }
  c->y += PARA_GAP + 4;
}

/* Reads the intrinsic size in px of an SVG of figure i (which 0: its
 * drawing, 1 and 2: the two charts of its pair) into *iw, *ih, once per
 * drawing: the sizes are kept in the context. Returns 0, or the error code
 * with a sentence naming the figure. */
static int svg_size(pdf_ctx *c, int i, int which, double *iw, double *ih) {
  const mtm_fig *f = &c->d->figs[i];
  char msg[1400];
  const char *tag = f->tag ? f->tag : "?";
  int k = 3 * i + which;
  if (c->fig_iw[k] > 0) {
    *iw = c->fig_iw[k];
    *ih = c->fig_ih[k];
    return 0;
  }
  const char *svg = which ? f->pair[which - 1] : f->svg;
  size_t len = which ? f->pair_len[which - 1] : f->svg_len;
  if (!svg || !len) {
    snprintf(msg, sizeof msg, "the figure '%s' has no drawing", tag);
    return fail(c, MTM_EINVAL, msg);
  }
  GError *ge = NULL;
  RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &ge);
  if (!h) {
    snprintf(msg, sizeof msg, "the drawing of figure '%s' is not a readable SVG (%s)", tag,
             ge ? ge->message : "unknown reason");
    if (ge) g_error_free(ge);
    return fail(c, MTM_EINVAL, msg);
  }
  rsvg_handle_set_dpi(h, 96);
  gdouble w = 0, hh = 0;
  gboolean sized = rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hh);
  g_object_unref(h);
  if (!sized || !(w > 0) || !(hh > 0)) {
    snprintf(msg, sizeof msg,
             "the drawing of figure '%s' has no width and height, so it cannot be scaled onto "
             "the page",
             tag);
    return fail(c, MTM_EINVAL, msg);
  }
  *iw = c->fig_iw[k] = w;
  *ih = c->fig_ih[k] = hh;
  return 0;
}

#define PAIR_GAP 14.0 /* between the two charts of a pair */

/* The width in points of each chart of a pair in the current column. */
static double pair_w(const pdf_ctx *c) { return (c->w - PAIR_GAP) / 2; }

/* The heights of figure i's caption and note (0 when it has none) and of
 * its drawing at full column width (a pair: the taller of its two charts at
 * half the width each), no taller than a page can hold. */
static int svg_heights(pdf_ctx *c, int i, double *ch, double *hh, double *nh) {
  const mtm_fig *f = &c->d->figs[i];
  double iw, ih;
  if (f->pair[0] && f->pair[1]) {
    *hh = 0;
    for (int k = 1; k <= 2; k++) {
      if (svg_size(c, i, k, &iw, &ih)) return c->rc;
      if (pair_w(c) * ih / iw > *hh) *hh = pair_w(c) * ih / iw;
    }
  } else {
    if (svg_size(c, i, 0, &iw, &ih)) return c->rc;
    *hh = c->w * ih / iw;
  }
  PangoLayout *cap, *note;
  fig_texts(c, f, &cap, &note);
  *ch = cap ? layout_h(cap) + 4 : 0;
  *nh = note ? layout_h(note) + 3 : 0;
  if (cap) g_object_unref(cap);
  if (note) g_object_unref(note);
  if (*hh > BODY_H - *ch - *nh) *hh = BODY_H - *ch - *nh;
  return 0;
}

/* Draws one SVG of figure f at x, y in width w; *used receives its height. */
static int draw_one_svg(pdf_ctx *c, const mtm_fig *f, const char *svg, size_t len, double x,
                        double y, double w, double *used) {
  mtm_err re;
  mtm_err_clear(&re);
  int rc = mtm_render_svg_cairo(c->cr, svg, len, x, y, w, used, &re);
  if (rc) {
    char msg[1400];
    snprintf(msg, sizeof msg, "the drawing of figure '%s' cannot be drawn: %s",
             f->tag ? f->tag : "?", re.msg);
    return fail(c, rc, msg);
  }
  return 0;
}

/* Draws a chart or map: the caption, the SVG scaled to the column width (a
 * by-sex pair: the two charts side by side), the note, all on one page. A
 * drawing that does not fit in what is left of the page shrinks to as
 * little as MIN_SCALE of its size rather than leave the space empty;
 * smaller than that, it moves to the next page. The drawing itself is
 * render's (mtm_render_svg_cairo), the one path from the report's SVGs to
 * the page; librsvg is asked here only for the size, to know before drawing
 * whether the figure fits. */
static int draw_svg_fig(pdf_ctx *c, int i) {
  const mtm_fig *f = &c->d->figs[i];
  double ch, hh, nh;
  if (svg_heights(c, i, &ch, &hh, &nh)) return c->rc;
  need_page(c);
  double full = hh, left = BODY_BOTTOM - c->y - ch - nh;
  if (!c->fresh && hh > left && left >= hh * MIN_SCALE) hh = left;
  else need_space(c, ch + hh + nh);
  double scale = hh / full;
  PangoLayout *cap, *note;
  fig_texts(c, f, &cap, &note);
  cairo_tag_begin(c->cr, "Figure", NULL);
  if (cap) cairo_tag_begin(c->cr, "Caption", NULL);
  double y = draw_caption(c, cap), used = 0;
  if (cap) cairo_tag_end(c->cr, "Caption");
  int rc = 0;
  if (f->pair[0] && f->pair[1]) {
    double pw = pair_w(c), w = pw * scale;
    for (int k = 0; k < 2 && !rc; k++) {
      double u = 0;
      rc = draw_one_svg(c, f, f->pair[k], f->pair_len[k], c->x + k * (pw + PAIR_GAP) + (pw - w) / 2,
                        y, w, &u);
      if (u > used) used = u;
    }
  } else {
    double iw, ih;
    rc = svg_size(c, i, 0, &iw, &ih);
    double w = hh * iw / ih;
    if (w > c->w) w = c->w;
    if (!rc) rc = draw_one_svg(c, f, f->svg, f->svg_len, c->x + (c->w - w) / 2, y, w, &used);
  }
  if (!rc) {
    c->y = y + used;
    c->fresh = 0;
    draw_note(c, note);
  }
  cairo_tag_end(c->cr, "Figure");
  if (cap) g_object_unref(cap);
  if (note) g_object_unref(note);
  return rc ? c->rc : 0;
}

/* True when a cell reads as a number ("724,534", "55%", "-3.2", "1 129"),
 * which tables align right. */
static int numeric_cell(const char *s) {
  if (!s || !*s) return 0;
  int digits = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (isdigit(*p)) digits++;
    else if (!strchr(" ,.%-+\xc2\xa0", *p) && *p != 0xe2 && *p != 0x80 && *p != 0xaf) return 0;
  }
  return digits > 0;
}

#define CELL_PAD 4.0
#define SIZE_COMPACT 7.5
#define SHORT_TABLE_ROWS 12 /* a table of this many rows or fewer is never split */
#define CELL_PAD_COMPACT 1.3

/* A table being drawn: its figure, column widths, numeric columns, total
 * width, type size and cell padding (smaller and condensed for a compact
 * table such as the annex). */
typedef struct pdf_table {
  const mtm_fig *f;
  double *cw;
  int *num;
  double tw;
  double size, pad;
  int condensed;
} pdf_table;

/* The height of cell (r, col) of a compact table set in width w. */
static double cell_h(pdf_ctx *c, const pdf_table *t, int r, int col, double w) {
  PangoLayout *l = new_layout_s(c, t->size, r == 0, w - 2 * t->pad, t->condensed);
  pango_layout_set_line_spacing(l, 0.92f);
  set_text(l, t->f->cells[r * t->f->ncols + col]);
  double h = layout_h(l);
  g_object_unref(l);
  return h;
}

/* The columns of a compact table of 4 or more columns (the annex: key,
 * question, [filter,] denominator, n): n and a filter at most their
 * natural width (a filter at most 8%), then of a few splits of the rest
 * between the key, the question and the denominator the one that gives the
 * shortest table, so that the annex takes as few pages as its language
 * allows. */
static void compact_widths(pdf_ctx *c, const pdf_table *t, const double *nat, double *cw) {
  const mtm_fig *f = t->f;
  int nc = f->ncols, nr = f->nrows;
  double W = c->w, fixed = 0;
  for (int col = 2; col < nc; col++)
    if (col == nc - 1 || col < nc - 2) {
      cw[col] = nat[col] < W * 0.08 ? nat[col] : W * 0.08;
      fixed += cw[col];
    }
  static const double keys[] = {0.30, 0.34, 0.38}, dens[] = {0.20, 0.24, 0.28};
  double best = -1, bk = 0.34, bd = 0.24;
  /* each row's height in every candidate width of the key and the
   * denominator, and in the fixed columns, measured once */
  double *rowh = calloc((size_t)nr * 7, sizeof *rowh);
  double *hk = rowh + nr, *hd = rowh + 4 * nr, *hf = rowh;
  for (int r = 0; r < nr; r++) {
    for (int a = 0; a < 3; a++) {
      hk[a * nr + r] = cell_h(c, t, r, 0, W * keys[a]);
      hd[a * nr + r] = cell_h(c, t, r, nc - 2, W * dens[a]);
    }
    for (int col = 2; col < nc; col++)
      if (col != nc - 2) {
        double h = cell_h(c, t, r, col, cw[col]);
        if (h > hf[r]) hf[r] = h;
      }
  }
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++) {
      double wq = W - fixed - W * keys[a] - W * dens[b];
      if (wq < W * 0.15) continue;
      double sum = 0;
      for (int r = 0; r < nr; r++) {
        double h = hf[r];
        if (hk[a * nr + r] > h) h = hk[a * nr + r];
        if (hd[b * nr + r] > h) h = hd[b * nr + r];
        double q = cell_h(c, t, r, 1, wq);
        sum += q > h ? q : h;
      }
      if (best < 0 || sum < best - 0.01) best = sum, bk = keys[a], bd = dens[b];
    }
  free(rowh);
  cw[0] = W * bk;
  cw[nc - 2] = W * bd;
  cw[1] = W - fixed - cw[0] - cw[nc - 2];
}

/* The column widths of a table: columns narrower than a fair share keep
 * their natural width, the rest share what is left in proportion. In a
 * compact table the first column (the key) gets a larger share. */
static void table_widths(pdf_ctx *c, const pdf_table *t, double *cw) {
  const mtm_fig *f = t->f;
  int nc = f->ncols;
  double *nat = calloc((size_t)nc, sizeof *nat);
  int *fixed = calloc((size_t)nc, sizeof *fixed);
  for (int col = 0; col < nc; col++) {
    for (int r = 0; r < f->nrows; r++) {
      PangoLayout *l = new_layout_s(c, t->size, r == 0, 0, t->condensed);
      set_text(l, f->cells[r * nc + col]);
      double w = layout_w(l) + 2 * t->pad + 1;
      if (w > nat[col]) nat[col] = w;
      g_object_unref(l);
    }
  }
  double avail = c->w;
  int left = nc;
  for (int changed = 1; changed && left > 0;) {
    changed = 0;
    double share = avail / left;
    for (int col = 0; col < nc; col++)
      if (!fixed[col] && nat[col] <= share) {
        fixed[col] = 1;
        cw[col] = nat[col];
        avail -= nat[col];
        left--;
        changed = 1;
      }
  }
  if (f->compact == 1 && nc >= 4) {
    compact_widths(c, t, nat, cw);
    free(nat);
    free(fixed);
    return;
  }
  double rest = 0;
  for (int col = 0; col < nc; col++)
    if (!fixed[col]) rest += nat[col];
  for (int col = 0; col < nc; col++)
    if (!fixed[col]) cw[col] = rest > 0 ? avail * nat[col] / rest : avail / left;
  /* Natural widths that all fit stretch to the column when they nearly fill
   * it, and otherwise stay as they are (a small table stays small). */
  double sum = 0;
  for (int col = 0; col < nc; col++) sum += cw[col];
  if (sum < c->w && sum > c->w * 0.6)
    for (int col = 0; col < nc; col++) cw[col] *= c->w / sum;
  free(nat);
  free(fixed);
}

/* Marks the columns (after the first) whose body cells all read as numbers:
 * they align right, header included. */
static void table_numeric(const mtm_fig *f, int *num) {
  for (int col = 0; col < f->ncols; col++) {
    int any = 0, all = col > 0;
    for (int r = 1; r < f->nrows && all; r++) {
      const char *s = f->cells[r * f->ncols + col];
      if (!s || !*s) continue;
      any = 1;
      all = numeric_cell(s);
    }
    num[col] = all && any;
  }
}


/* The layouts of row r of a table and the row's height. */
static double table_row(pdf_ctx *c, const pdf_table *t, int r, PangoLayout **ls) {
  const mtm_fig *f = t->f;
  double h = 0;
  for (int col = 0; col < f->ncols; col++) {
    const char *s = f->cells[r * f->ncols + col];
    ls[col] = new_layout_s(c, t->size, r == 0, t->cw[col] - 2 * t->pad, t->condensed);
    if (t->condensed) pango_layout_set_line_spacing(ls[col], 0.92f);
    set_text(ls[col], s);
    if (t->num[col]) pango_layout_set_alignment(ls[col], PANGO_ALIGN_RIGHT);
    double lh = layout_h(ls[col]);
    if (lh > h) h = lh;
  }
  return h + 2 * t->pad;
}

/* The height of row r. */
static double table_row_h(pdf_ctx *c, const pdf_table *t, int r, PangoLayout **ls) {
  double h = table_row(c, t, r, ls);
  for (int col = 0; col < t->f->ncols; col++) g_object_unref(ls[col]);
  return h;
}

/* Draws row r at the current y (header rows on a light fill, a rule below). */
static void table_draw_row(pdf_ctx *c, const pdf_table *t, int r, PangoLayout **ls) {
  double h = table_row(c, t, r, ls);
  if (r == 0) {
    set_hex(c->cr, TILE_FILL);
    cairo_rectangle(c->cr, c->x, c->y, t->tw, h);
    cairo_fill(c->cr);
  }
  double x = c->x;
  const char *cell = r == 0 ? "TH" : "TD";
  cairo_tag_begin(c->cr, "TR", NULL);
  for (int col = 0; col < t->f->ncols; col++) {
    cairo_tag_begin(c->cr, cell, NULL);
    show_at(c, ls[col], x + t->pad, c->y + t->pad, MTM_RENDER_INK);
    cairo_tag_end(c->cr, cell);
    x += t->cw[col];
    g_object_unref(ls[col]);
  }
  cairo_tag_end(c->cr, "TR");
  c->y += h;
  cairo_set_line_width(c->cr, r == 0 ? 1.0 : 0.4);
  if (r == 0) set_hex(c->cr, BLUE);
  else set_hex(c->cr, MTM_RENDER_RULE);
  cairo_move_to(c->cr, c->x, c->y);
  cairo_line_to(c->cr, c->x + t->tw, c->y);
  cairo_stroke(c->cr);
  c->fresh = 0;
}

/* Draws the top rule of a table (or of its continuation on a new page). */
static void table_top(pdf_ctx *c, double tw) {
  set_hex(c->cr, BLUE);
  cairo_set_line_width(c->cr, 1.0);
  cairo_move_to(c->cr, c->x, c->y);
  cairo_line_to(c->cr, c->x + tw, c->y);
  cairo_stroke(c->cr);
}

/* The table figure f as print shows it: the annex's short list (its print
 * cells, in small type at natural widths) when it has one, else f itself. */
static const mtm_fig *printed(const mtm_fig *f, mtm_fig *tmp) {
  if (!f->print_cells) return f;
  *tmp = *f;
  tmp->cells = f->print_cells;
  tmp->nrows = f->print_nrows;
  tmp->ncols = f->print_ncols;
  tmp->caption = f->print_caption ? f->print_caption : f->caption;
  tmp->lead = f->print_lead;
  tmp->compact = 2;
  tmp->print_cells = NULL;
  return tmp;
}

/* Draws a table figure: caption, a ruled table whose header row is bold and
 * repeated at the top of every page the table continues on, the note. */
static int draw_table_fig(pdf_ctx *c, const mtm_fig *f) {
  mtm_fig pf;
  f = printed(f, &pf);
  if (f->nrows < 1 || f->ncols < 1 || !f->cells) {
    char msg[300];
    snprintf(msg, sizeof msg, "the table '%s' has no cells", f->tag ? f->tag : "?");
    return fail(c, MTM_EINVAL, msg);
  }
  pdf_table t = {f,
                 calloc((size_t)f->ncols, sizeof(double)),
                 calloc((size_t)f->ncols, sizeof(int)),
                 0,
                 f->compact ? SIZE_COMPACT : SIZE_SMALL + 0.5,
                 f->compact ? CELL_PAD_COMPACT : CELL_PAD,
                 f->compact};
  table_widths(c, &t, t.cw);
  table_numeric(f, t.num);
  for (int col = 0; col < f->ncols; col++) t.tw += t.cw[col];
  PangoLayout **ls = calloc((size_t)f->ncols, sizeof *ls);
  double hh = table_row_h(c, &t, 0, ls), r1 = f->nrows > 1 ? table_row_h(c, &t, 1, ls) : 0;
  PangoLayout *cap, *note, *lead = NULL;
  fig_texts(c, f, &cap, &note);
  if (f->lead && *f->lead) {
    lead = new_layout(c, SIZE_SMALL, 0, c->w);
    set_text(lead, f->lead);
  }
  double head = (cap ? layout_h(cap) + 4 : 0) + (lead ? layout_h(lead) + 4 : 0);
  if (f->nrows <= SHORT_TABLE_ROWS) {
    /* A short table is never split: it moves whole to the next page when
     * it fits on a page but not in what is left of this one. */
    double all = head + (note ? layout_h(note) + 3 : 0);
    for (int r = 0; r < f->nrows; r++) all += table_row_h(c, &t, r, ls);
    if (all <= BODY_BOTTOM - BODY_TOP) need_space(c, all);
  }
  /* The caption keeps with the header and the first row. */
  need_space(c, head + hh + r1);
  cairo_tag_begin(c->cr, "Table", NULL);
  if (cap) cairo_tag_begin(c->cr, "Caption", NULL);
  c->y = draw_caption(c, cap);
  if (cap) cairo_tag_end(c->cr, "Caption");
  if (lead) {
    cairo_tag_begin(c->cr, "P", NULL);
    show_at(c, lead, c->x, c->y, MTM_RENDER_MUTED);
    cairo_tag_end(c->cr, "P");
    c->y += layout_h(lead) + 4;
    g_object_unref(lead);
  }
  table_top(c, t.tw);
  table_draw_row(c, &t, 0, ls);
  /* the rows' heights, and the height of the rows from each to the end */
  double *rh = calloc((size_t)f->nrows + 1, sizeof *rh), *rest = calloc((size_t)f->nrows + 1, sizeof *rest);
  for (int r = 1; r < f->nrows; r++) rh[r] = table_row_h(c, &t, r, ls);
  for (int r = f->nrows - 1; r >= 1; r--) rest[r] = rest[r + 1] + rh[r];
  double nh = note ? layout_h(note) + 3 : 0;
  int on_page = 0; /* body rows drawn on this page */
  for (int r = 1; r < f->nrows; r++) {
    int last = r == f->nrows - 1;
    double keep = rh[r] + (last ? nh : 0);
    /* The page breaks where the row does not fit, or three rows before the
     * end when only the last one or two would go over: a page never holds
     * just a row or two of a table's end. */
    int brk = c->y + keep > BODY_BOTTOM;
    if (!brk && f->nrows - r == 3 && on_page >= 3 && c->y + rest[r] + nh > BODY_BOTTOM &&
        rest[r] + nh + hh <= BODY_H)
      brk = 1;
    if (brk) {
      new_page(c);
      table_top(c, t.tw);
      table_draw_row(c, &t, 0, ls);
      on_page = 0;
    }
    table_draw_row(c, &t, r, ls);
    on_page++;
  }
  free(rh);
  free(rest);
  cairo_tag_end(c->cr, "Table");
  draw_note(c, note);
  if (cap) g_object_unref(cap);
  if (note) g_object_unref(note);
  free(ls);
  free(t.cw);
  free(t.num);
  return 0;
}

/* Draws key-figure tiles: boxes of a big number in IOM blue and a caption
 * below, three or four to a row, a row never split across pages. */
static int draw_tiles_fig(pdf_ctx *c, const mtm_fig *f) {
  int n = f->ntiles;
  if (n < 1 || !f->tiles) {
    char msg[300];
    snprintf(msg, sizeof msg, "the tiles '%s' have no figures", f->tag ? f->tag : "?");
    return fail(c, MTM_EINVAL, msg);
  }
  int per = n <= 4 ? n : (n % 4 == 0 ? 4 : (n % 3 == 0 ? 3 : 4));
  double gap = 10, tw = (c->w - gap * (per - 1)) / per, pad = 8;
  PangoLayout *cap, *note;
  fig_texts(c, f, &cap, &note);
  int first = 1;
  for (int r0 = 0; r0 < n; r0 += per) {
    int k = n - r0 < per ? n - r0 : per;
    PangoLayout *big[4], *sub[4];
    double bh = 0, sh = 0;
    for (int i = 0; i < k; i++) {
      const mtm_fig_tile *t = &f->tiles[r0 + i];
      big[i] = new_layout(c, per == 4 ? 20 : 24, 1, tw - 2 * pad);
      set_text(big[i], t->big);
      pango_layout_set_alignment(big[i], PANGO_ALIGN_CENTER);
      sub[i] = new_layout(c, SIZE_SMALL + 0.5, 0, tw - 2 * pad);
      set_text(sub[i], t->caption);
      pango_layout_set_alignment(sub[i], PANGO_ALIGN_CENTER);
      if (layout_h(big[i]) > bh) bh = layout_h(big[i]);
      if (layout_h(sub[i]) > sh) sh = layout_h(sub[i]);
    }
    double boxh = pad + 3 + bh + 4 + sh + pad;
    if (first) {
      need_space(c, (cap ? layout_h(cap) + 4 : 0) + boxh);
      cairo_tag_begin(c->cr, "Div", NULL);
      if (cap) cairo_tag_begin(c->cr, "Caption", NULL);
      c->y = draw_caption(c, cap);
      if (cap) cairo_tag_end(c->cr, "Caption");
      first = 0;
    } else {
      need_space(c, boxh);
    }
    for (int i = 0; i < k; i++) {
      double x = c->x + i * (tw + gap);
      set_hex(c->cr, TILE_FILL);
      cairo_rectangle(c->cr, x, c->y, tw, boxh);
      cairo_fill(c->cr);
      set_hex(c->cr, BLUE);
      cairo_rectangle(c->cr, x, c->y, tw, 3);
      cairo_fill(c->cr);
      cairo_tag_begin(c->cr, "P", NULL);
      show_at(c, big[i], x + pad, c->y + pad + 3, BLUE);
      show_at(c, sub[i], x + pad, c->y + pad + 3 + bh + 4, MTM_RENDER_INK);
      cairo_tag_end(c->cr, "P");
      g_object_unref(big[i]);
      g_object_unref(sub[i]);
    }
    c->y += boxh + gap;
    c->fresh = 0;
  }
  c->y -= gap;
  cairo_tag_end(c->cr, "Div");
  draw_note(c, note);
  if (cap) g_object_unref(cap);
  if (note) g_object_unref(note);
  return 0;
}

static int draw_photo_fig(pdf_ctx *c, const mtm_fig *f);

/* Draws block figure i in the current column. */
static int draw_figure(pdf_ctx *c, int i) {
  const mtm_fig *f = &c->d->figs[i];
  c->marker[0] = 0;
  switch (f->kind) {
  case MTM_FIG_CHART:
  case MTM_FIG_MAP:
    return draw_svg_fig(c, i);
  case MTM_FIG_TABLE:
    return draw_table_fig(c, f);
  case MTM_FIG_TILES:
    return draw_tiles_fig(c, f);
  case MTM_FIG_PHOTO: {
    cairo_tag_begin(c->cr, "Figure", NULL);
    int rc = draw_photo_fig(c, f);
    cairo_tag_end(c->cr, "Figure");
    return rc;
  }
  default:
    return 0;
  }
}

/* ---- authored text: footnotes, tables, photos, boxes, the logo ----------- */

/* Notes the footnote numbered by a reference's literal as waiting for the
 * end of the section (once however often it is referred to). */
static void note_ref(pdf_ctx *c, const char *lit) {
  int k = lit ? atoi(lit) : 0;
  if (k <= 0 || k > c->nnotes || c->in_notes) return;
  for (int i = 0; i < c->npending; i++)
    if (c->pending[i] == k) return;
  if (c->npending < (int)(sizeof c->pending / sizeof c->pending[0])) c->pending[c->npending++] = k;
}

/* Finds the footnote definitions, which cmark-gfm put at the end of the
 * document in the order of their numbers. */
static void collect_notes(pdf_ctx *c) {
  c->nnotes = 0;
  for (cmark_node *n = cmark_node_first_child(c->d->root); n; n = cmark_node_next(n))
    if (cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_DEFINITION &&
        c->nnotes < (int)(sizeof c->notes / sizeof c->notes[0]))
      c->notes[c->nnotes++] = n;
  c->npending = 0;
}

static int draw_blocks(pdf_ctx *c, cmark_node *parent);

/* Draws the footnotes referred to since the last ones, in number order,
 * under a short rule at the end of the section: "1 Text of the note". */
static int flush_notes(pdf_ctx *c) {
  if (!c->npending || c->rc) return c->rc;
  for (int i = 1; i < c->npending; i++) /* a handful: insertion sort */
    for (int j = i; j > 0 && c->pending[j - 1] > c->pending[j]; j--) {
      int t = c->pending[j];
      c->pending[j] = c->pending[j - 1];
      c->pending[j - 1] = t;
    }
  need_space(c, 30);
  c->y += 4;
  set_hex(c->cr, MTM_RENDER_RULE);
  cairo_set_line_width(c->cr, 0.6);
  cairo_move_to(c->cr, MARGIN, c->y);
  cairo_line_to(c->cr, MARGIN + 96, c->y);
  cairo_stroke(c->cr);
  c->y += 5;
  c->in_notes = 1;
  double ox = c->x, ow = c->w;
  for (int i = 0; i < c->npending && !c->rc; i++) {
    cmark_node *def = c->notes[c->pending[i] - 1];
    c->x = MARGIN + 12;
    c->w = BODY_W - 12;
    for (cmark_node *p = cmark_node_first_child(def); p && !c->rc; p = cmark_node_next(p)) {
      if (cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH) continue;
      if (block_markup(c, p)) break;
      PangoLayout *l = markup_layout(c, SIZE_SMALL, 0, 0);
      if (p == cmark_node_first_child(def)) {
        snprintf(c->marker, sizeof c->marker, "%d", c->pending[i]);
        c->marker_x = c->x - 2;
      }
      set_hex(c->cr, MTM_RENDER_INK);
      draw_flow(c, l, c->x);
      g_object_unref(l);
      c->y += 2;
    }
  }
  c->x = ox;
  c->w = ow;
  c->in_notes = 0;
  c->npending = 0;
  c->y += PARA_GAP;
  return c->rc;
}

/* Draws a Markdown table (GitHub's pipes) as a ruled table: the header row
 * bold over a blue rule, a light rule under every row, the columns as the
 * table's alignment row says, a row that does not fit on the page carried
 * to the next with the header repeated. */
static int draw_md_table(pdf_ctx *c, cmark_node *t) {
  int ncol = 0;
  for (cmark_node *r = cmark_node_first_child(t); r; r = cmark_node_next(r)) {
    int k = 0;
    for (cmark_node *cell = cmark_node_first_child(r); cell; cell = cmark_node_next(cell)) k++;
    if (k > ncol) ncol = k;
  }
  if (!ncol) return 0;
  const uint8_t *al = cmark_gfm_extensions_get_table_alignments(t);
  const double pad = 4;
  /* the columns' natural widths, shared out when they do not fit */
  double *nat = calloc((size_t)ncol * 2, sizeof *nat), *cw = nat + ncol, sum = 0;
  for (cmark_node *r = cmark_node_first_child(t); r; r = cmark_node_next(r)) {
    int k = 0;
    for (cmark_node *cell = cmark_node_first_child(r); cell; cell = cmark_node_next(cell), k++) {
      if (block_markup(c, cell)) break;
      PangoLayout *l = markup_layout(c, SIZE_SMALL + 0.5, mtm_report_md_is_table_header(r), 0);
      pango_layout_set_width(l, -1);
      double w = layout_w(l) + 2 * pad;
      if (w > nat[k]) nat[k] = w;
      g_object_unref(l);
    }
  }
  for (int k = 0; k < ncol; k++) sum += nat[k];
  for (int k = 0; k < ncol; k++) cw[k] = sum <= c->w ? nat[k] : c->w * nat[k] / sum;
  double tw = 0;
  for (int k = 0; k < ncol; k++) tw += cw[k];
  need_page(c);
  c->y += 2;
  cmark_node *head = mtm_report_md_is_table_header(cmark_node_first_child(t)) ? cmark_node_first_child(t) : NULL;
  for (cmark_node *r = cmark_node_first_child(t); r && !c->rc; r = cmark_node_next(r)) {
    int hdr = mtm_report_md_is_table_header(r);
    PangoLayout *ls[64];
    int nl = 0;
    double h = 0;
    for (cmark_node *cell = cmark_node_first_child(r); cell && nl < 64; cell = cmark_node_next(cell)) {
      if (block_markup(c, cell)) break;
      PangoLayout *l = new_layout(c, SIZE_SMALL + 0.5, hdr, cw[nl] - 2 * pad);
      pango_layout_set_markup(l, c->mk.p ? c->mk.p : "", -1);
      if (al && nl < ncol && al[nl] == 'r') pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
      if (al && nl < ncol && al[nl] == 'c') pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
      double lh = layout_h(l) + 2 * pad - 2;
      if (lh > h) h = lh;
      ls[nl++] = l;
    }
    if (!c->fresh && c->y + h > BODY_BOTTOM) {
      new_page(c);
      if (head && !hdr) { /* the header again on the new page */
        double x = c->x;
        int k = 0;
        for (cmark_node *cell = cmark_node_first_child(head); cell && k < ncol; cell = cmark_node_next(cell), k++) {
          if (block_markup(c, cell)) break;
          PangoLayout *l = new_layout(c, SIZE_SMALL + 0.5, 1, cw[k] - 2 * pad);
          pango_layout_set_markup(l, c->mk.p ? c->mk.p : "", -1);
          show_at(c, l, x + pad, c->y + pad - 1, MTM_RENDER_INK);
          x += cw[k];
          g_object_unref(l);
        }
        c->y += 2 * pad + SIZE_SMALL * 1.3;
        set_hex(c->cr, BLUE);
        cairo_rectangle(c->cr, c->x, c->y - 1, tw, 1.2);
        cairo_fill(c->cr);
      }
    }
    double x = c->x;
    for (int k = 0; k < nl; k++) {
      show_at(c, ls[k], x + pad, c->y + pad - 1, MTM_RENDER_INK);
      x += cw[k];
      g_object_unref(ls[k]);
    }
    c->y += h;
    if (hdr) {
      set_hex(c->cr, BLUE);
      cairo_rectangle(c->cr, c->x, c->y - 1, tw, 1.2);
    } else {
      set_hex(c->cr, MTM_RENDER_RULE);
      cairo_rectangle(c->cr, c->x, c->y - 0.5, tw, 0.5);
    }
    cairo_fill(c->cr);
    c->fresh = 0;
  }
  free(nat);
  c->y += PARA_GAP + 4;
  return c->rc;
}

/* A closure reading PNG bytes from memory for cairo. */
typedef struct png_src {
  const unsigned char *p;
  size_t n, at;
} png_src;

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int len) {
  png_src *s = closure;
  if (s->n - s->at < len) return CAIRO_STATUS_READ_ERROR;
  memcpy(data, s->p + s->at, len);
  s->at += len;
  return CAIRO_STATUS_SUCCESS;
}

/* An image surface of PNG or JPEG bytes (PNG read by cairo, JPEG by
 * gdk-pixbuf, which librsvg brings; the JPEG's own bytes are attached so
 * that the PDF embeds them as they are); NULL when they cannot be read. */
static cairo_surface_t *image_surface(const unsigned char *p, size_t n, const char *mime) {
  if (mime && !strcmp(mime, "image/png")) {
    png_src s = {p, n, 0};
    cairo_surface_t *img = cairo_image_surface_create_from_png_stream(png_read, &s);
    if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) return img;
    cairo_surface_destroy(img);
    return NULL;
  }
  GdkPixbufLoader *ld = gdk_pixbuf_loader_new();
  GdkPixbuf *pb = NULL;
  if (gdk_pixbuf_loader_write(ld, p, n, NULL) && gdk_pixbuf_loader_close(ld, NULL))
    pb = gdk_pixbuf_loader_get_pixbuf(ld);
  else
    gdk_pixbuf_loader_close(ld, NULL);
  if (!pb) {
    g_object_unref(ld);
    return NULL;
  }
  int w = gdk_pixbuf_get_width(pb), h = gdk_pixbuf_get_height(pb);
  int nch = gdk_pixbuf_get_n_channels(pb), rs = gdk_pixbuf_get_rowstride(pb);
  int alpha = gdk_pixbuf_get_has_alpha(pb);
  const guchar *px = gdk_pixbuf_read_pixels(pb);
  cairo_surface_t *img = cairo_image_surface_create(alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, w, h);
  cairo_surface_flush(img);
  unsigned char *dst = cairo_image_surface_get_data(img);
  int ds = cairo_image_surface_get_stride(img);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const guchar *s = px + y * rs + x * nch;
      unsigned a = alpha ? s[3] : 255;
      uint32_t v = a << 24 | (s[0] * a / 255) << 16 | (s[1] * a / 255) << 8 | (s[2] * a / 255);
      memcpy(dst + y * ds + x * 4, &v, 4);
    }
  cairo_surface_mark_dirty(img);
  g_object_unref(ld);
  if (!strcmp(mime, "image/jpeg")) {
    unsigned char *copy = malloc(n);
    if (copy) {
      memcpy(copy, p, n);
      cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, copy, n, free, copy);
    }
  }
  return img;
}

/* Draws an image of w x h points at x, y (PNG, JPEG or SVG bytes). */
static void draw_image(pdf_ctx *c, const unsigned char *p, size_t n, const char *mime, double x,
                       double y, double w, double h) {
  if (!strcmp(mime, "image/svg+xml")) {
    RsvgHandle *hd = rsvg_handle_new_from_data(p, n, NULL);
    if (!hd) return;
    RsvgRectangle vp = {x, y, w, h};
    rsvg_handle_render_document(hd, c->cr, &vp, NULL);
    g_object_unref(hd);
    return;
  }
  cairo_surface_t *img = image_surface(p, n, mime);
  if (!img) return;
  double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
  cairo_save(c->cr);
  cairo_translate(c->cr, x, y);
  cairo_scale(c->cr, w / iw, h / ih);
  cairo_set_source_surface(c->cr, img, 0, 0);
  cairo_paint(c->cr);
  cairo_restore(c->cr);
  cairo_surface_destroy(img);
}

/* An image's size in pixels (SVG: its intrinsic size at 96 dpi); 0 when it
 * cannot be read. */
static int image_size(const unsigned char *p, size_t n, const char *mime, double *w, double *h) {
  *w = *h = 0;
  if (!strcmp(mime, "image/svg+xml")) {
    RsvgHandle *hd = rsvg_handle_new_from_data(p, n, NULL);
    if (!hd) return 0;
    rsvg_handle_set_dpi(hd, 96);
    gboolean ok = rsvg_handle_get_intrinsic_size_in_pixels(hd, w, h);
    g_object_unref(hd);
    if (!ok || *w <= 0 || *h <= 0) *w = 300, *h = 100; /* no size: a logo's shape */
    return 1;
  }
  cairo_surface_t *img = image_surface(p, n, mime);
  if (!img) return 0;
  *w = cairo_image_surface_get_width(img);
  *h = cairo_image_surface_get_height(img);
  cairo_surface_destroy(img);
  return 1;
}

/* Draws a photo: the image at the column's width (at most 60% of the page
 * high, never enlarged beyond twice its pixels), the caption under it and
 * the credit in small type, all on one page. */
static int draw_photo_fig(pdf_ctx *c, const mtm_fig *f) {
  double iw, ih;
  if (!image_size(f->img, f->img_len, f->img_mime, &iw, &ih)) {
    char msg[600];
    snprintf(msg, sizeof msg, "the photo '%s' cannot be read as %s", f->file ? f->file : "",
             f->img_mime);
    return fail(c, MTM_EINVAL, msg);
  }
  double w = c->w, h = w * ih / iw;
  if (w > 2 * iw) w = 2 * iw, h = 2 * ih;
  double maxh = (BODY_BOTTOM - BODY_TOP) * 0.6;
  if (h > maxh) w *= maxh / h, h = maxh;
  PangoLayout *cap = NULL, *note = NULL;
  if (f->caption && *f->caption) {
    cap = new_layout(c, SIZE_BODY, 0, c->w);
    set_text(cap, f->caption);
  }
  if (f->note && *f->note) {
    note = new_layout(c, SIZE_SMALL, 0, c->w);
    set_text(note, f->note);
  }
  need_space(c, h + 8 + (cap ? layout_h(cap) + 4 : 0) + (note ? layout_h(note) + 3 : 0));
  c->y += 2;
  draw_image(c, f->img, f->img_len, f->img_mime, c->x, c->y, w, h);
  c->y += h + 4;
  if (cap) {
    show_at(c, cap, c->x, c->y, MTM_RENDER_INK);
    c->y += layout_h(cap);
    g_object_unref(cap);
  }
  draw_note(c, note);
  if (note) g_object_unref(note);
  c->fresh = 0;
  return 0;
}

/* Draws a box (the migrant's story): its blocks indented in a blue frame
 * with a thick left edge; a box that runs onto a new page is framed there
 * from the top of the page. */
static int draw_box(pdf_ctx *c, cmark_node *n) {
  need_space(c, 60);
  double y0 = c->y;
  int p0 = c->page;
  double ox = c->x, ow = c->w;
  c->x += 14;
  c->w -= 24;
  c->y += 10;
  draw_blocks(c, n);
  c->x = ox;
  c->w = ow;
  c->y += 2;
  double top = c->page == p0 ? y0 : BODY_TOP - 4;
  set_hex(c->cr, BLUE);
  cairo_set_line_width(c->cr, 1.2);
  cairo_rectangle(c->cr, ox, top, ow, c->y - top);
  cairo_stroke(c->cr);
  cairo_rectangle(c->cr, ox, top, 4, c->y - top);
  cairo_fill(c->cr);
  c->y += PARA_GAP + 6;
  return c->rc;
}

/* Draws the cover's logo at its top left, 20 mm high at most. */
static void draw_logo(pdf_ctx *c, double y) {
  double iw, ih;
  if (!c->d->logo || !image_size(c->d->logo, c->d->logo_len, c->d->logo_mime, &iw, &ih)) return;
  double h = 56.7, w = h * iw / ih;
  if (w > 200) w = 200, h = w * ih / iw;
  draw_image(c, c->d->logo, c->d->logo_len, c->d->logo_mime, MARGIN, y, w, h);
}

/* ---- blocks -------------------------------------------------------------- */


/* The size of a heading of level lv, and the space above it when it does
 * not open the page. */
static double heading_size(int lv) {
  static const double size[] = {0, 20, 15, 12.5, 11, 10.5, 10};
  return size[lv < 1 ? 1 : lv > 6 ? 6 : lv];
}
static double heading_gap(int lv) { return lv == 1 ? 18 : lv == 2 ? 12 : 8; }

/* Draws a heading in IOM blue, kept with the first lines after it, and adds
 * it to the PDF's outline under the last heading of a higher level. A
 * heading does not break the page by itself: the template's part marks do
 * (draw_blocks), and keep_h keeps it with what follows. */
static int draw_heading(pdf_ctx *c, cmark_node *n) {
  int lv = cmark_node_get_heading_level(n);
  if (lv < 1) lv = 1;
  if (lv > 6) lv = 6;
  if (lv == 1 && flush_notes(c)) return c->rc; /* a section's notes end it */
  if (block_markup(c, n)) return c->rc;
  need_page(c);
  PangoLayout *l = markup_layout(c, heading_size(lv), 1, 0);
  need_space(c, heading_gap(lv) + layout_h(l) + 3 * SIZE_BODY * 1.3);
  if (!c->fresh) c->y += heading_gap(lv);
  /* One bookmark per heading, nested under the last one of a higher level. */
  char dest[96];
  snprintf(dest, sizeof dest, "page=%d pos=[%.2f %.2f]", c->page, c->x, c->y);
  int parent = CAIRO_PDF_OUTLINE_ROOT;
  for (int k = lv - 1; k >= 1; k--)
    if (c->outline[k]) {
      parent = c->outline[k];
      break;
    }
  c->outline[lv] = cairo_pdf_surface_add_outline(cairo_get_target(c->cr), parent,
                                                 pango_layout_get_text(l), dest, 0);
  for (int k = lv + 1; k <= 6; k++) c->outline[k] = 0;
  char tag[4] = {'H', (char)('0' + lv), 0, 0};
  cairo_tag_begin(c->cr, tag, NULL);
  set_hex(c->cr, BLUE);
  draw_flow(c, l, c->x);
  cairo_tag_end(c->cr, tag);
  g_object_unref(l);
  if (lv == 1) {
    set_hex(c->cr, BLUE);
    cairo_rectangle(c->cr, c->x, c->y + 3, 48, 2);
    cairo_fill(c->cr);
    c->y += 8;
  }
  c->y += lv == 1 ? 8 : 4;
  return 0;
}

/* The body layout of a paragraph: c->mk must hold its markup. */
static PangoLayout *para_layout(pdf_ctx *c) {
  PangoLayout *l = markup_layout(c, SIZE_BODY, 0, 1);
  pango_layout_set_spacing(l, (int)(2.2 * PANGO_SCALE));
  return l;
}

/* Draws a paragraph (or the block figure it stands for). */
static int draw_paragraph(pdf_ctx *c, cmark_node *n) {
  int fi = block_figure(c, n);
  if (fi >= 0) return draw_figure(c, fi);
  if (block_markup(c, n)) return c->rc;
  PangoLayout *l = para_layout(c);
  cairo_tag_begin(c->cr, "P", NULL);
  set_hex(c->cr, MTM_RENDER_INK);
  draw_flow(c, l, c->x);
  cairo_tag_end(c->cr, "P");
  g_object_unref(l);
  c->y += PARA_GAP;
  return 0;
}

/* ---- keeping together ----------------------------------------------------
 *
 * Before a block is drawn, keep_h says how much room must be left on the
 * page for it to start there: a heading with what follows it, a figure's
 * lead sentence with the figure, a figure with the short sentence that ends
 * its part. Each is measured once, from the node and the blocks after it,
 * so the look-ahead costs a few measurements per block, never a page. */

/* The height of paragraph n set in the current column (its gap included),
 * and in *lines its number of lines. */
static double para_h(pdf_ctx *c, cmark_node *n, int *lines) {
  if (block_markup(c, n)) return 0;
  PangoLayout *l = para_layout(c);
  double h = layout_h(l);
  if (lines) *lines = pango_layout_get_line_count(l);
  g_object_unref(l);
  return h + PARA_GAP;
}

/* The height of the first row of tiles of figure f with its caption. */
static double tiles_first_h(pdf_ctx *c, const mtm_fig *f) {
  int n = f->ntiles;
  if (n < 1 || !f->tiles) return 0;
  int per = n <= 4 ? n : (n % 4 == 0 ? 4 : (n % 3 == 0 ? 3 : 4));
  double gap = 10, tw = (c->w - gap * (per - 1)) / per, pad = 8, bh = 0, sh = 0;
  for (int i = 0; i < per && i < n; i++) {
    PangoLayout *b = new_layout(c, per == 4 ? 20 : 24, 1, tw - 2 * pad);
    set_text(b, f->tiles[i].big);
    PangoLayout *s = new_layout(c, SIZE_SMALL + 0.5, 0, tw - 2 * pad);
    set_text(s, f->tiles[i].caption);
    if (layout_h(b) > bh) bh = layout_h(b);
    if (layout_h(s) > sh) sh = layout_h(s);
    g_object_unref(b);
    g_object_unref(s);
  }
  PangoLayout *cap, *note;
  fig_texts(c, f, &cap, &note);
  double ch = cap ? layout_h(cap) + 4 : 0;
  if (cap) g_object_unref(cap);
  if (note) g_object_unref(note);
  return ch + pad + 3 + bh + 4 + sh + pad;
}

/* The least height of block figure i that must start on a page: a chart or
 * map whole (at MIN_SCALE), a short table whole, a longer one its caption
 * and first rows, tiles their caption and first row. */
static double fig_min_h(pdf_ctx *c, int i) {
  const mtm_fig *f = &c->d->figs[i];
  double ch, hh, nh;
  switch (f->kind) {
  case MTM_FIG_CHART:
  case MTM_FIG_MAP:
    if (svg_heights(c, i, &ch, &hh, &nh)) return 0;
    return ch + hh * MIN_SCALE + nh;
  case MTM_FIG_TILES:
    return tiles_first_h(c, f);
  case MTM_FIG_TABLE: {
    mtm_fig pf;
    f = printed(f, &pf);
    PangoLayout *cap, *note;
    fig_texts(c, f, &cap, &note);
    double h = (cap ? layout_h(cap) + 4 : 0) + (note ? layout_h(note) + 3 : 0);
    if (cap) g_object_unref(cap);
    if (note) g_object_unref(note);
    if (f->lead && *f->lead) {
      PangoLayout *l = new_layout(c, SIZE_SMALL, 0, c->w);
      set_text(l, f->lead);
      h += layout_h(l) + 4;
      g_object_unref(l);
    }
    /* a row of small type, wrapped over two lines at most in the estimate */
    double row = (f->compact ? SIZE_COMPACT * 1.2 + 2 * CELL_PAD_COMPACT
                             : (SIZE_SMALL + 0.5) * 1.2 * 1.5 + 2 * CELL_PAD);
    int rows = f->nrows <= SHORT_TABLE_ROWS ? f->nrows : 4;
    return h + rows * row;
  }
  default:
    return 0;
  }
}

/* 1 when node n is a template's part mark (an HTML comment "<!-- part -->"). */
static int is_part_mark(cmark_node *n) {
  if (!n || cmark_node_get_type(n) != CMARK_NODE_HTML_BLOCK) return 0;
  const char *s = cmark_node_get_literal(n);
  return s && strstr(s, PART_MARK) != NULL;
}

/* 1 when a part ends after node n: the document ends or a part mark follows. */
static int part_ends_after(cmark_node *n) {
  cmark_node *nx = cmark_node_next(n);
  return !nx || is_part_mark(nx);
}

/* The room keep_h asks for node n; 0: none beyond the block's own. */
static double keep_h(pdf_ctx *c, cmark_node *n) {
  cmark_node *nx = cmark_node_next(n);
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_HEADING: {
    int lv = cmark_node_get_heading_level(n);
    if (block_markup(c, n)) return 0;
    PangoLayout *l = markup_layout(c, heading_size(lv), 1, 0);
    double h = (c->fresh ? 0 : heading_gap(lv)) + layout_h(l) + (lv == 1 ? 16 : 4);
    g_object_unref(l);
    double k = nx ? keep_h(c, nx) : 0;
    if (k <= 0 && nx && cmark_node_get_type(nx) == CMARK_NODE_PARAGRAPH) {
      int lines = 0;
      double ph = para_h(c, nx, &lines);
      k = lines <= 4 ? ph : 3 * SIZE_BODY * 1.45;
    }
    return h + k;
  }
  case CMARK_NODE_PARAGRAPH: {
    int fi = block_figure(c, n);
    if (fi >= 0) {
      double h = fig_min_h(c, fi);
      int lines = 0;
      if (nx && cmark_node_get_type(nx) == CMARK_NODE_PARAGRAPH && block_figure(c, nx) < 0 &&
          part_ends_after(nx)) {
        double ph = para_h(c, nx, &lines);
        if (lines <= 3) h += ph; /* the short sentence that ends a part */
      }
      return h;
    }
    if (nx && cmark_node_get_type(nx) == CMARK_NODE_PARAGRAPH && block_figure(c, nx) >= 0)
      return para_h(c, n, NULL) + keep_h(c, nx); /* a figure's lead sentence */
    return 0;
  }
  default:
    return 0;
  }
}

/* Draws a list: each item indented, its marker ("•", "3.") set to the left
 * of the item's first line. */
static int draw_list(pdf_ctx *c, cmark_node *n) {
  int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
  int num = ordered ? cmark_node_get_list_start(n) : 0;
  int tight = cmark_node_get_list_tight(n);
  double ox = c->x, ow = c->w;
  c->x = ox + LIST_INDENT;
  c->w = ow - LIST_INDENT;
  for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it)) {
    if (ordered) snprintf(c->marker, sizeof c->marker, "%d.", num++);
    else snprintf(c->marker, sizeof c->marker, "%s", "\xE2\x80\xA2");
    c->marker_x = c->x - 5;
    double y0 = c->y;
    cairo_tag_begin(c->cr, "LI", NULL);
    cairo_tag_begin(c->cr, "LBody", NULL);
    draw_blocks(c, it);
    cairo_tag_end(c->cr, "LBody");
    cairo_tag_end(c->cr, "LI");
    if (c->rc) break;
    if (c->marker[0]) c->marker[0] = 0; /* an empty item */
    if (tight && c->y > y0) c->y -= PARA_GAP - 2;
  }
  c->x = ox;
  c->w = ow;
  if (tight) c->y += PARA_GAP - 2;
  return c->rc;
}

/* Draws a code block in a monospaced font, unwrapped lines kept as written. */
static void draw_code(pdf_ctx *c, cmark_node *n) {
  PangoLayout *l = new_layout(c, SIZE_CODE, 0, c->w - 12);
  PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans Mono");
  pango_font_description_set_absolute_size(fd, SIZE_CODE * PANGO_SCALE);
  pango_layout_set_font_description(l, fd);
  pango_font_description_free(fd);
  const char *s = cmark_node_get_literal(n);
  size_t len = s ? strlen(s) : 0;
  while (len && s[len - 1] == '\n') len--;
  gchar *code = g_strndup(s ? s : "", len);
  set_text(l, code);
  g_free(code);
  set_hex(c->cr, MTM_RENDER_INK);
  need_page(c);
  c->y += 3;
  c->code = 1;
  draw_flow(c, l, c->x + 6);
  c->code = 0;
  g_object_unref(l);
  c->y += 3 + PARA_GAP;
}

/* Draws the children of a container block in order, each started where
 * keep_h says it can keep with what must stay on its page. */
static int draw_blocks(pdf_ctx *c, cmark_node *parent) {
  for (cmark_node *n = cmark_node_first_child(parent); n && !c->rc; n = cmark_node_next(n)) {
    double k = keep_h(c, n);
    if (c->rc) break;
    if (k > 0 && k <= BODY_H) need_space(c, k);
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_HEADING:
      draw_heading(c, n);
      break;
    case CMARK_NODE_PARAGRAPH:
      draw_paragraph(c, n);
      break;
    case CMARK_NODE_LIST:
      cairo_tag_begin(c->cr, "L", NULL);
      draw_list(c, n);
      cairo_tag_end(c->cr, "L");
      break;
    case CMARK_NODE_ITEM:
      draw_blocks(c, n);
      break;
    case CMARK_NODE_CUSTOM_BLOCK:
      cairo_tag_begin(c->cr, "Div", NULL);
      draw_box(c, n);
      cairo_tag_end(c->cr, "Div");
      break;
    case CMARK_NODE_BLOCK_QUOTE: {
      double ox = c->x, ow = c->w;
      c->x += QUOTE_INDENT;
      c->w -= QUOTE_INDENT;
      c->quote++;
      c->bar_page = 0;
      cairo_tag_begin(c->cr, "BlockQuote", NULL);
      draw_blocks(c, n);
      cairo_tag_end(c->cr, "BlockQuote");
      c->quote--;
      c->bar_page = 0;
      c->x = ox;
      c->w = ow;
      break;
    }
    case CMARK_NODE_CODE_BLOCK:
      cairo_tag_begin(c->cr, "Code", NULL);
      draw_code(c, n);
      cairo_tag_end(c->cr, "Code");
      break;
    case CMARK_NODE_HTML_BLOCK:
      /* A part mark starts a new page; other raw HTML is the HTML writer's. */
      if (is_part_mark(n) && !c->on_cover) {
        flush_notes(c); /* a part's notes end it, on its last page */
        if (!c->fresh) new_page(c);
      }
      break;
    case CMARK_NODE_THEMATIC_BREAK:
      need_space(c, 14);
      set_hex(c->cr, MTM_RENDER_RULE);
      cairo_set_line_width(c->cr, 0.8);
      cairo_move_to(c->cr, c->x, c->y + 6);
      cairo_line_to(c->cr, c->x + c->w, c->y + 6);
      cairo_stroke(c->cr);
      c->y += 14;
      c->fresh = 0;
      break;
    default:
      if (mtm_report_md_is_table(n)) {
        cairo_tag_begin(c->cr, "Table", NULL);
        draw_md_table(c, n);
        cairo_tag_end(c->cr, "Table");
      }
      break; /* raw HTML blocks are the HTML writer's only; footnote
              * definitions are drawn at the end of their section */
    }
  }
  return c->rc;
}

/* ---- passes and the file ------------------------------------------------- */

/* A cairo write function that discards (the counting pass). */
static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int len) {
  (void)closure;
  (void)data;
  (void)len;
  return CAIRO_STATUS_SUCCESS;
}

/* A cairo write function to a stdio stream. */
static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len) {
  return fwrite(data, 1, len, (FILE *)closure) == len ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

/* Lays the whole document out on surface s; total is the page total (0 while
 * counting). Returns 0 with *pages set, or the error code. */
static int run_pass(pdf_ctx *c, cairo_surface_t *s, int total, int *pages) {
  c->cr = cairo_create(s);
  c->pc = pango_cairo_create_context(c->cr);
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(c->pc, fo);
  cairo_font_options_destroy(fo);
  pango_context_set_round_glyph_positions(c->pc, FALSE);
  c->total = total;
  c->page = 1;
  c->x = MARGIN;
  c->w = BODY_W;
  c->quote = 0;
  c->marker[0] = 0;
  memset(c->outline, 0, sizeof c->outline);
  c->bar_page = 0;
  collect_notes(c);
  cairo_tag_begin(c->cr, "Document", NULL);
  draw_cover(c);
  draw_blocks(c, c->d->root);
  flush_notes(c);
  cairo_tag_end(c->cr, "Document");
  if (!c->rc && cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
    char msg[300];
    snprintf(msg, sizeof msg, "the PDF report cannot be drawn: %s",
             cairo_status_to_string(cairo_status(c->cr)));
    fail(c, MTM_EINVAL, msg);
  }
  if (!c->rc) {
    draw_footer(c);
    cairo_show_page(c->cr);
    *pages = c->page;
  }
  g_object_unref(c->pc);
  c->pc = NULL;
  cairo_destroy(c->cr);
  c->cr = NULL;
  return c->rc;
}

/* Sets the PDF's title and creation date: SOURCE_DATE_EPOCH when set (so
 * that builds can be reproduced byte for byte), otherwise today at midnight
 * UTC (mtm_today, which MTM_TODAY fixes), so that one day's PDFs of the same
 * report are the same bytes. */
static void set_metadata(const pdf_ctx *c, cairo_surface_t *s) {
  if (c->d->title) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, c->d->title);
  if (c->d->author && *c->d->author)
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, c->d->author);
  if (c->d->subtitle && *c->d->subtitle)
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, c->d->subtitle);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "mtm " MTM_VERSION);
  long long t = (long long)mtm_today() * 86400;
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (sde && *sde) {
    char *end;
    long long v = strtoll(sde, &end, 10);
    if (*end == 0 && v >= 0) t = v;
  }
  time_t tt = (time_t)t;
  struct tm tm;
  char iso[32];
  if (gmtime_r(&tt, &tm) && strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, iso);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, iso);
  }
}

/* Writes the document as an A4 PDF at path (through a temporary file in the
 * same directory renamed into place); *pages receives the page count. */
int mtm_report_pdf(const mtm_report_doc *d, const char *path, int *pages, mtm_err *err) {
  pdf_ctx c;
  memset(&c, 0, sizeof c);
  c.d = d;
  c.path = path;
  c.err = err;
  mtm_buf_init(&c.mk);
  int counted = 0, written = 0;
  c.fig_iw = calloc((size_t)d->nfigs * 6 + 1, sizeof *c.fig_iw);
  c.fig_ih = c.fig_iw + 3 * d->nfigs;

  cairo_surface_t *s = cairo_pdf_surface_create_for_stream(discard, NULL, PAGE_W, PAGE_H);
  int rc = run_pass(&c, s, 0, &counted);
  cairo_surface_destroy(s);
  if (rc) {
    mtm_buf_free(&c.mk);
    free(c.urls);
    free(c.fig_iw);
    return rc;
  }

  mtm_buf tmp;
  mtm_buf_init(&tmp);
  mtm_buf_printf(&tmp, "%s.tmp-XXXXXX", path);
  int fd = mkstemp(tmp.p);
  if (fd >= 0) {
    /* mkstemp makes the file private; a report is as readable as any file. */
    mode_t um = umask(0);
    umask(um);
    if (fchmod(fd, 0666 & ~um) != 0) { /* the report stays private: harmless */ }
  }
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (!f) {
    int e = errno;
    if (fd >= 0) {
      close(fd);
      unlink(tmp.p);
    }
    mtm_buf_free(&tmp);
    mtm_buf_free(&c.mk);
    free(c.urls);
    free(c.fig_iw);
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the PDF report: %s", strerror(e));
  }
  s = cairo_pdf_surface_create_for_stream(to_file, f, PAGE_W, PAGE_H);
  set_metadata(&c, s);
  rc = run_pass(&c, s, counted, &written);
  cairo_surface_finish(s);
  cairo_status_t st = cairo_surface_status(s);
  cairo_surface_destroy(s);
  int e = 0;
  if (fflush(f) != 0 || ferror(f)) e = errno ? errno : EIO;
  if (fclose(f) != 0 && !e) e = errno;
  if (!rc && (st != CAIRO_STATUS_SUCCESS || e)) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_EIO, "cannot write the PDF report: %s",
                     e ? strerror(e) : cairo_status_to_string(st));
  }
  if (!rc && written != counted) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_EINVAL,
                     "the PDF report came out with %d pages where the count said %d "
                     "(a fault of the PDF writer)",
                     written, counted);
  }
  if (!rc && rename(tmp.p, path) != 0) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_EIO, "cannot write the PDF report: %s", strerror(errno));
  }
  if (rc) unlink(tmp.p);
  else if (pages) *pages = written;
  mtm_buf_free(&tmp);
  mtm_buf_free(&c.mk);
  free(c.urls);
  free(c.fig_iw);
  return rc;
}
