/*
 * report/doc.h (private to src/report): the evaluated report, shared by the
 * template evaluator (which builds it) and the HTML and PDF writers (which
 * only read it).
 *
 * A document is a cmark tree of the template in which every figure tag has
 * been replaced by a placeholder, plus the table of figures. A placeholder
 * is the three characters U+E000, then the figure's index in decimal, then
 * U+E001 ("\xEE\x80\x80" "12" "\xEE\x80\x81") inside a text node. A
 * paragraph whose only content is one placeholder of a block figure
 * (chart, map, table, tiles) stands for that block.
 *
 * The Markdown is GitHub-flavoured (cmark-gfm): tables, strikethrough and
 * footnotes ([^label], numbered in order of first reference; cmark-gfm
 * moves the definitions to the end of the document, in that order).
 *
 * Headings of level 1 start a new section: the PDF breaks the page before
 * each, the HTML gives each a <section>.
 *
 * Ownership rule: the document and everything it points to live in the
 * arena it was built in, except root, which cmark allocated:
 * mtm_report_doc_free releases it.
 */
#ifndef MTM_REPORT_DOC_H
#define MTM_REPORT_DOC_H

#include <cmark-gfm.h>

#include "core/core.h"

#define MTM_DOC_MARK_OPEN "\xEE\x80\x80"  /* U+E000 */
#define MTM_DOC_MARK_CLOSE "\xEE\x80\x81" /* U+E001 */
/* A box (the migrant's story): the blocks between a paragraph holding
 * only U+E002 and one holding only U+E003 become one custom block, whose
 * on_enter is <aside class="story"> (rp_boxes). */
#define MTM_DOC_BOX_OPEN "\xEE\x80\x82"
#define MTM_DOC_BOX_CLOSE "\xEE\x80\x83"

typedef enum {
  MTM_FIG_NUMBER = 1, /* inline: a formatted figure ("55%", "724,534")    */
  MTM_FIG_TEXT,       /* inline: words ("Fifty-five per cent of ...")      */
  MTM_FIG_CHART,      /* block: an SVG chart                               */
  MTM_FIG_MAP,        /* block: an SVG map                                  */
  MTM_FIG_TABLE,      /* block: a table                                     */
  MTM_FIG_TILES,      /* block: key highlight tiles                         */
  MTM_FIG_PHOTO       /* block: an author's photo, caption and credit (note) */
} mtm_fig_kind;

/* Where a number came from: shown on hover in the HTML and listed in the
 * annex. */
typedef struct mtm_fig_source {
  const char *key;         /* analysis_key, or "bma @/@ ..." for baseline  */
  const char *question;    /* the question's label (or name)               */
  const char *filter;      /* the sub-population expression, or NULL       */
  const char *denominator; /* e.g. "respondents who answered (n = 1,129)"  */
  double value;            /* the unrounded figure (a fraction for shares) */
  double n, n_total;       /* unweighted n and its denominator; NaN: none  */
  const char *shown;       /* the text the reader sees for this number
                              ("55%"), NULL: not shown on its own          */
  const char *indicator;   /* the answer (or statistic) and group in words,
                              "Married, women"; NULL: question says it    */
  const char *qlabel;      /* the question in words; NULL: none            */
  int parts_complete;      /* a by-group figure: 1 when its groups cover
                              every respondent of the overall figure, so
                              their n add up to the overall n              */
} mtm_fig_source;

typedef struct mtm_fig_tile {
  const char *big;         /* "724,534"                                      */
  const char *caption;     /* "migrant workers present"                      */
  int src;                 /* index in the figure's sources, -1: none        */
} mtm_fig_tile;

typedef struct mtm_fig {
  mtm_fig_kind kind;
  const char *tag;         /* the tag as written, for messages             */
  const char *text;        /* NUMBER and TEXT: what the reader sees        */
  int nsources;
  mtm_fig_source *sources; /* NUMBER: one; TEXT: one per number in it;
                              blocks: one per value drawn                   */
  /* blocks */
  const char *caption;     /* "Figure 3. Written contract, by sex"         */
  const char *note;        /* "n = 1,129; cells under 5 not shown"          */
  const char *svg;         /* CHART, MAP: a standalone SVG document         */
  size_t svg_len;
  const char *pair[2];     /* CHART by sex (two groups): the groups' own    */
  size_t pair_len[2];      /* charts, set side by side; NULL: none         */
  const char *file;        /* CHART, MAP: "figures/NAME.svg"; TABLE too:
                              "data/NAME.csv" holds the numbers behind it  */
  const char *data_file;   /* "data/NAME.csv"                               */
  int nrows, ncols;        /* TABLE: cells[r * ncols + c], row 0 the header */
  const char **cells;
  const int *cell_src;     /* TABLE: source index per cell, -1: none       */
  const char *lead;        /* TABLE: a note set above the table, NULL: none  */
  int compact;             /* TABLE: set in small type (the annex)          */
  int print_nrows, print_ncols; /* TABLE: the printed edition's cells (the  */
  const char **print_cells;     /* annex's short list), NULL: cells          */
  const char *print_caption, *print_lead;
  const char *group_key;   /* MAP: the annex lists its per-area sources as  */
  const char *group_question; /* one row: this key prefix and question     */
  int ntiles;              /* TILES                                          */
  const mtm_fig_tile *tiles;
  const unsigned char *img; /* PHOTO: the file's bytes (file: its name)    */
  size_t img_len;
  const char *img_mime;    /* PHOTO: "image/png" or "image/jpeg"           */
} mtm_fig;

typedef struct mtm_report_doc {
  cmark_node *root;
  int nfigs;
  mtm_fig *figs;
  const char *lang;        /* "en", "ru"                                     */
  const char *title;       /* the cover's title                              */
  const char *subtitle;    /* country, round, dates                          */
  const char *footer;      /* the PDF's running footer (page numbers added) */
  const char *author;      /* the PDF's author: IOM and the operation       */
  const char *date;        /* the publication date as the cover shows it    */
  const unsigned char *logo; /* the cover's logo (--logo), NULL: none       */
  size_t logo_len;
  const char *logo_mime;   /* "image/png", "image/jpeg", "image/svg+xml"    */
} mtm_report_doc;

void mtm_report_doc_free(mtm_report_doc *d);

/* The Markdown options and extensions of every report (doc.c): footnotes,
 * tables and strikethrough; raw HTML is not let through. */
#define MTM_DOC_CMARK_OPTS (CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES)
/* Parses GitHub-flavoured Markdown into a tree the caller frees with
 * cmark_node_free; NULL when out of memory. */
cmark_node *mtm_report_md_parse(const char *md, size_t len);
/* Renders a tree as HTML (malloc'ed; the caller frees it), NULL when out
 * of memory. */
char *mtm_report_md_html(cmark_node *root);
/* The extension node types, when the tree's node n is one of them. */
int mtm_report_md_is_table(cmark_node *n);        /* a table            */
int mtm_report_md_is_table_row(cmark_node *n);    /* a row (or header)  */
int mtm_report_md_is_table_header(cmark_node *n); /* the header row     */
int mtm_report_md_is_strike(cmark_node *n);       /* ~~struck through~~ */

/* The consistency checks (checks.c), run on every report before anything
 * is written: the shares of a single-choice question add to 100 (within
 * rounding) in every chart and table; a number in the text equals its
 * table or chart value for the same key; the groups' n add up to the
 * overall n; the same key shows the same value and text wherever it is
 * quoted. Appends one line per failure to failures (naming the tags and
 * keys) and returns the number of failures; *nchecks (may be NULL)
 * receives the number of comparisons made. */
int mtm_report_check(const mtm_report_doc *d, mtm_buf *failures, int *nchecks);

/* The writers. Both read only the document. */
int mtm_report_html(const mtm_report_doc *d, mtm_buf *out, mtm_err *err) MTM_MUST_USE;
int mtm_report_pdf(const mtm_report_doc *d, const char *path, int *pages,
                   mtm_err *err) MTM_MUST_USE;

#endif
