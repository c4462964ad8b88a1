/*
 * report: the MTM report of a round, from a Markdown template with figure
 * tags to one self-contained HTML file, an A4 PDF, the figures as SVG and
 * the numbers behind every chart and table as CSV.
 *
 *   template  Markdown (cmark) with tags such as {{share q=contract
 *             value=no by=sex}}, {{chart q=current_sector by=sex}},
 *             {{map population=migrant_worker level=2}}; the built-in
 *             template follows an MTM report (cover, about, methodology,
 *             highlights, baseline, one section per questionnaire group,
 *             nationality profiles, changes since the last round, annex);
 *   figures   every tag is computed by analysis (survey) or bma (baseline)
 *             and carries its indicator key, question, filter,
 *             denominator and n;
 *   checks    shares of single-choice questions add to 100, every number
 *             in the text equals its table or chart, a group's n equals
 *             the sum of its parts, one indicator has one value: a failing
 *             check stops the report with the list of failures;
 *   writers   HTML (inline SVG and CSS, no network), PDF (cairo + pango,
 *             charts and maps drawn from the same SVG with librsvg).
 *
 * Ownership rule: everything a report builds lives in the arena of one
 * mtm_report_write call; nothing outlives it but the files written.
 */
#ifndef MTM_REPORT_H
#define MTM_REPORT_H

#include "core/core.h"
#include "store/store.h"

typedef struct mtm_report_opts {
  const char *out_dir;     /* DIR: report.html, report.pdf, figures/, data/ */
  int round;               /* the round reported                            */
  int compare;             /* the round compared with; 0: the previous round
                              when it has survey data, -1: none            */
  const char *form_id;     /* the survey form; NULL: the workspace's only
                              survey form (an error names the candidates)  */
  const char *template_path; /* a user's Markdown template; NULL: built-in */
  const char *lang;        /* "en" (default) or "ru"                        */
  int public_;             /* the public rule of src/disclose (disclose.h)   */
  int suppress_k;          /* its K; < 1: 5                                 */
  int other_below;         /* --other-below P (percent); 0: none            */
  int flag_below;          /* --flag-below N: bases under N indicative; 0: no */
  int no_pdf;              /* HTML, figures and data only                   */
  const char *text_dir;    /* the author's text folder (--text); NULL: text/
                              beside template_path when it exists, or none */
  const char *logo_path;   /* the cover's logo, PNG, JPEG or SVG; NULL: none */
  const char *date;        /* the publication date YYYY-MM-DD; NULL: today  */
} mtm_report_opts;

typedef struct mtm_report_stats {
  int figures;    /* numbers placed in the text, tiles and tables         */
  int charts;     /* charts and maps drawn                                 */
  int indicators; /* distinct indicator keys in the annex                 */
  int checks;     /* consistency checks run                                */
  int pages;      /* PDF pages (0 with no_pdf)                             */
  int failures;   /* consistency checks failed (the report not written)    */
} mtm_report_stats;

/* Writes the report. On a failed consistency check returns MTM_EINVAL
 * with err's message listing every failure (one per line) and writes no
 * report.html / report.pdf. */
int mtm_report_write(mtm_store *st, const mtm_report_opts *o, mtm_report_stats *stats,
                     mtm_err *err) MTM_MUST_USE;

#endif
