/*
 * results: the results table of a survey round, computed the one way that
 * `mtm analyse` prints it and `mtm export --what indicators` publishes it.
 * A run loads the round's frame (with its text columns when the plan, the
 * groups or the design name one), builds the design (a weight question, or
 * post-stratified weights from a population file or the baseline; strata;
 * clusters), keeps the eligible respondents as a domain (consent and the
 * inclusion criteria, unless all_respondents), runs the plan (a plan file,
 * else the default plan by the groups asked), then applies the public rule
 * of src/disclose or, without it, small-cell suppression, and adds the
 * money columns in USD and the comparison with another round when asked.
 *
 * Ownership rule: a run's rows, extra columns and every string they hold
 * live in the arena passed to mtm_results_run; the frame the rows point
 * into (labels come from its form) is owned by the mtm_results and freed
 * by mtm_results_free (NULL-safe, and safe on a run that failed). The
 * caller's strings are borrowed for the duration of the call.
 */
#ifndef MTM_RESULTS_H
#define MTM_RESULTS_H

#include <stdio.h>

#include "analysis/analysis.h"
#include "core/core.h"
#include "disclose/disclose.h"
#include "frame/frame.h"
#include "store/store.h"

typedef struct mtm_results_opts {
  const char *form_id;    /* the survey form (mtm_results_form picks one)  */
  int round;              /* the round analysed                            */
  const char *plan;       /* a plan file (CSV or XLSX); NULL: the default
                             plan, overall and by each entry of by        */
  const char *by;         /* the default plan's groups ("A,B", "A*B"), NULL */
  int by_report;          /* 1 with no plan and no by: the report's groups,
                             its sex and nationality questions (a single
                             choice tagged +sex or +nationality, else named
                             sex or nationality, that an eligible
                             respondent answered) and, for a repeat's
                             figures, the repeat's own sex question (named
                             sex or *_sex or tagged +sex, with the choices
                             female and male)                             */
  const char *weight, *strata, *cluster; /* the design's questions, NULL  */
  int lonely, ci, ci_df;  /* MTM_ANALYSIS_LONELY_*, _CI_*, _CI_DF_*        */
  const char *population; /* post-stratified weights N_h/n_h from a file  */
  const char *weights_from_bma; /* the same from the baseline: POP:PERIOD  */
  const char *lang;       /* the form's language for the labels, NULL: its
                             default                                       */
  int lang_optional;      /* 1: a language the form lacks gives the default
                             labels (the report's rule); 0: a failure   */
  const char *other_label; /* the merged row of other_below, NULL: "Other",
                              or "Другое" when lang is Russian           */
  int all_respondents;    /* 1: every record, not only the eligible ones   */
  int public_;            /* 1: the public rule (rule) over the table      */
  mtm_disclose_rule rule;
  int suppress;           /* without public_: hide cells under this n (> 0) */
  int compare;            /* round M compared with (< 0: none)            */
  int usd;                /* 1: money rows in USD at the round's rate      */
  FILE *notes;            /* where the eligibility note goes; NULL: nowhere */
} mtm_results_opts;

/* Fills o with analyse's defaults: no plan, no groups, no design, lonely
 * PSUs adjusted, Wald intervals on the normal quantile, the eligible
 * respondents, no comparison. */
void mtm_results_opts_init(mtm_results_opts *o);

typedef struct mtm_results {
  mtm_frame *f;            /* the round's frame (owned)                    */
  mtm_analysis_result res; /* the rows, in plan order                      */
  mtm_analysis_extra x;    /* the extra columns (suppressed, indicative,
                              USD, comparison), ncols 0 when none          */
  int bad_lang;            /* 1 when the run failed because the form has no
                              language o->lang (a mistake of the command
                              line: analyse prints its usage)             */
} mtm_results;

/* Computes the results table of o->form_id in o->round into out (cleared
 * first). Fails, with nothing to free but out's frame, naming the plan item,
 * question, file or criterion at fault; MTM_EINVAL and out->bad_lang when
 * the form has no language o->lang (and lang_optional is 0). */
int mtm_results_run(mtm_store *st, const mtm_results_opts *o, mtm_arena *a, mtm_results *out,
                    mtm_err *err) MTM_MUST_USE;

/* Frees the frame of a run (NULL-safe; r itself is the caller's). */
void mtm_results_free(mtm_results *r);

/* The survey form to analyse: given, when it is a survey form of the
 * workspace; NULL, the workspace's only survey form. Fails naming the
 * forms when there are several, or saying how to add one when there is
 * none. The id lives in a. */
int mtm_results_form(mtm_store *st, const char *given, mtm_arena *a, const char **out,
                     mtm_err *err) MTM_MUST_USE;

#endif
