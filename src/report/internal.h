/*
 * report/internal.h (private to src/report): the evaluation context shared
 * by the template reader (template.c), the figure tags (figures.c,
 * blocks.c), the generated sections (sections.c) and the command's engine
 * (report.c).
 *
 * Ownership rule: a context and every figure, string and result it holds
 * live in the arena of one mtm_report_write call; the frames it loads are
 * freed by rp_ctx_free.
 */
#ifndef MTM_REPORT_INTERNAL_H
#define MTM_REPORT_INTERNAL_H

#include "analysis/analysis.h"
#include "bma/bma.h"
#include "disclose/disclose.h"
#include "frame/frame.h"
#include "report/doc.h"
#include "report/report.h"

/* A tag's argument: k NULL for a positional word. */
typedef struct rp_arg {
  const char *k, *v;
} rp_arg;

typedef struct rp_tag {
  const char *name;
  const char *text; /* the tag as written, "{{share q=x}}" */
  int nargs;
  rp_arg args[16];
} rp_tag;

/* One analysis of one indicator overall and (when by is set) by a group,
 * in the reported round and the compared one, suppressed for a public
 * report. */
typedef struct rp_run {
  const char *key; /* type|var|filter|by */
  mtm_analysis_result now, then;
  int has_then;
} rp_run;

typedef struct rp_ctx {
  mtm_store *st;
  mtm_arena *a;
  mtm_err *err;
  const mtm_report_opts *o;
  int lang;              /* MTM_PROSE_* */
  const char *lang_code; /* "en", "ru" */
  const char *form_id;
  mtm_frame *f, *fc;     /* the round, the compared round (NULL: none) */
  int compare;           /* the compared round, 0: none */
  mtm_analysis_spec spec;
  const char *currency;
  double rate;           /* the round's units per USD, 0: unknown */
  const char *round_name, *start_date, *end_date, *operation, *country;
  const char *sampling;  /* the round's recorded method, NULL: none */
  const char *rate_source; /* where the round's rate comes from, NULL: not recorded */
  const char *text_dir;  /* the author's text folder, NULL: none (authored.c) */
  int money_refs;        /* references made to the exchange rate's footnote */
  /* the template being evaluated, for messages */
  const char *tmpl_name;
  long line;
  /* analysis results, one per indicator and group */
  int nruns, capruns;
  rp_run *runs;
  /* the baseline: tried once */
  int bma_tried;
  const char *bma_form;
  mtm_bma_result *bma;     /* NULL: no baseline with data in the round */
  mtm_bma_summary *bma_sum;
  /* the figures */
  int nfigs, capfigs;
  mtm_fig *figs;
  int nchart, ntable, nmap; /* for file names and captions */
  int annex_fig;            /* the {{annex}} figure, -1: none */
  /* questions without an answer in the round (gaps.c): read once */
  int exported_tried;
  mtm_strmap *exported;     /* questions the imports had a column for; NULL: unknown */
  int gaps_done, ngaps;
  const mtm_frame_col **gap_cols;
  int *gap_whys;            /* rp_gap_why */
  /* repeat groups: the frames of the repeats whose questions the report
   * shows (rp_repeat_frame), of the round (then 0) and the compared round
   * (then 1), loaded once, freed by rp_repeats_free */
  int nrep;
  const char *rep_name[16];
  int rep_then[16];
  mtm_frame *rep_frame[16];
  const char *note_rep;     /* a chart of repeat note_rep's question: its notes count its units */
  /* eligibility (report.c, once): the consent question (the one named with
   * 'criteria add --consent', else the form's, mtm_form_consent_question;
   * NULL: none) and the screening questions, those the inclusion criteria
   * name, in the order the criteria name them */
  const char *consent_q;
  int nscreen;
  const char **screen_q;
  /* who counts: the eligible respondents of the round and of the compared
   * round (report.c, once); their eligible arrays are NULL when every
   * record is eligible */
  mtm_analysis_eligibility elig, elig_then;
} rp_ctx;

/* ---- repeat.c: a repeat group's questions ------------------------------- */

/* The repeat whose question q is (q not a column of the submissions'
 * frame), NULL for a question of the submissions or an unknown name. */
const char *rp_repeat_of(rp_ctx *c, const char *q);
/* The frame of the instances of repeat rep in the round (then 0) or the
 * compared round (then 1), loaded once; *out NULL when then is 1 and there
 * is no compared round or its form lacks the repeat. */
int rp_repeat_frame(rp_ctx *c, int then, const char *rep, mtm_frame **out);
/* The frame (the round's) that holds column col: c->f or a repeat's. */
const mtm_frame *rp_col_frame(rp_ctx *c, const mtm_frame_col *col);
/* The column called name in the round's frame, else in the frame of the
 * repeat rep (NULL: none), NULL when neither has it. */
const mtm_frame_col *rp_col_in(rp_ctx *c, const char *rep, const char *name);
/* A repeat's unit in the report's language, from its label ("household
 * members"; capital: "Household members"); without a label, en
 * "instances of “roster”", ru "записи «roster»" (capital: "Roster"). */
const char *rp_unit(rp_ctx *c, const char *rep, int capital);
/* s with its first letter lower-cased for the middle of a sentence,
 * unless it starts with an acronym ("NGO staff"). */
const char *rp_lower(rp_ctx *c, const char *s);
/* Frees the repeat frames. */
void rp_repeats_free(rp_ctx *c);

/* ---- report.c: who counts ------------------------------------------------- */

/* 1 when row r of frame f (the round's, the compared round's, or a repeat
 * frame of either) belongs to an eligible respondent: consent given and the
 * inclusion criteria met; 1 for any other frame. */
int rp_in(rp_ctx *c, const mtm_frame *f, long r);
/* The eligible rows of frame f as an analysis domain (per row, in c's
 * arena), NULL when every row counts. */
const uint8_t *rp_domain(rp_ctx *c, const mtm_frame *f);
/* The eligible respondents of the round (the round's records when there
 * is no rule). */
long rp_neligible(rp_ctx *c);

/* ---- statements.c: findings ---------------------------------------------- */

/* An answer as a list names it in the middle of a sentence: "men",
 * "construction", "don't know" (a small letter), a place keeps its capital
 * ("Russian Federation"); rep: the repeat of the question, NULL: none. */
const char *rp_answer_name(rp_ctx *c, const mtm_frame_col *col, const char *value, const char *rep);

/* ---- template.c ---------------------------------------------------------- */

/* Evaluates a template (Markdown with tags) into doc: every tag becomes a
 * figure and a placeholder, generated sections are expanded first, then
 * the text is parsed with cmark. name is the template's file name (or
 * "built-in template (en)") for messages. */
int rp_template_eval(rp_ctx *c, const char *name, const char *text, mtm_report_doc *doc);
/* The value of argument k (NULL when absent); positional i when k NULL. */
const char *rp_arg_get(const rp_tag *t, const char *k);
const char *rp_arg_pos(const rp_tag *t, int i);
/* Fails with MTM_EINVAL naming the template, line and tag. */
int rp_fail(rp_ctx *c, const rp_tag *t, const char *fmt, ...) MTM_PRINTF(3, 4);

/* Expands the Markdown text of an authored file (its tags evaluated, no
 * generators) into md, messages naming name and the file's lines. */
int rp_expand_text(rp_ctx *c, const char *name, const char *text, mtm_buf *md);

/* ---- authored.c: the author's text, the cover, the rate's footnote ------- */

/* Finds the text folder: --text (an error when it is no folder), else
 * text/ beside a user's template, else none (c->text_dir NULL). */
int rp_text_dir(rp_ctx *c);
/* {{text NAME [heading=H] [level=N] [box=yes]}}: appends the authored
 * block NAME (NAME.LANG.md, else NAME.md, in the folder) under heading H,
 * in a box with box=yes; nothing when there is no such file. */
int rp_authored(rp_ctx *c, const rp_tag *t, mtm_buf *md);
/* "image/png", "image/jpeg" (and with svg_ok "image/svg+xml") by the
 * first bytes, NULL for anything else. */
const char *rp_image_mime(const unsigned char *p, size_t n, int svg_ok);
/* Wraps the blocks between box markers into custom blocks. */
void rp_boxes(cmark_node *root);
/* After the figure fig of tag t: the exchange rate's footnote reference
 * when t is a number or sentence of a money question, the rate in the
 * note of a chart or table of one. */
void rp_money_mark(rp_ctx *c, const rp_tag *t, int fig, mtm_buf *md);
/* The exchange rate and its source as a sentence of the report's language. */
const char *rp_rate_text(rp_ctx *c);
/* Appends the rate's footnote definition when some figure refers to it. */
void rp_money_footnote(rp_ctx *c, mtm_buf *md);
/* The cover's logo (--logo) and publication date (--date or today). */
int rp_cover(rp_ctx *c, mtm_report_doc *doc);

/* ---- figures.c: inline tags ---------------------------------------------- */

/* Evaluates one tag into a new figure; *fig receives its index, or -1 for a
 * tag that adds text without a figure (t: the text in *inline_text). */
int rp_eval_tag(rp_ctx *c, const rp_tag *t, int *fig, const char **inline_text);
/* A new figure (zeroed) in the context's table; returns its index. */
int rp_fig_new(rp_ctx *c, mtm_fig_kind kind, const rp_tag *t);
/* The analysis of one indicator: type, question, filter, by (NULL: overall
 * only). The compared round too when there is one. */
int rp_run_get(rp_ctx *c, const rp_tag *t, const char *type, const char *q, const char *filter,
               const char *by, rp_run **out);
/* The frame column of a question, or an error naming the tag. Text and
 * other non-figure questions are refused. */
int rp_question(rp_ctx *c, const rp_tag *t, const char *q, const mtm_frame_col **col);
/* The label of a question in the report's language. */
const char *rp_qlabel(rp_ctx *c, const mtm_frame_col *col);
/* Fills a source from a results row. */
void rp_source_row(rp_ctx *c, mtm_fig_source *s, const mtm_analysis_row *r, const char *shown);
/* The displayed whole percent of row i of a run's result: the shares of
 * its question within its group rounded together (largest remainder) so
 * they add to 100; -1 when the row has no estimate. */
int rp_share_pct(const mtm_analysis_result *res, size_t i);
/* The rows of res that are overall (group NULL) or of group by, for the
 * level value (NULL: any). */
/* A fixed text in the report's language: prose's catalogue, else the
 * report's own. */
const char *rp_text(rp_ctx *c, const char *id);
/* A population's name for the reader ("migrant workers"). */
const char *rp_pop_label(rp_ctx *c, const char *pop);
/* The text id with its "{one|few|many}" selectors agreeing with the count
 * v (arena string). */
const char *rp_text_n(rp_ctx *c, const char *id, double v);
/* A population's name after a count of v, agreeing with it ("723 441
 * трудовой мигрант"); rp_pop_label when the catalogue has no forms. */
const char *rp_pop_count_label(rp_ctx *c, const char *pop, double v);
/* "трудовой мигрант (все периоды)": the label of {{bma total}} without a
 * period, agreeing with v; NULL when the round has no such population. */
const char *rp_bma_total_label(rp_ctx *c, const char *pop, double v);
/* Formats a whole percent in the report's language ("55%", "55 %"). */
const char *rp_pct_text(rp_ctx *c, int pct);
/* The label a group value shows in brackets ("women", "men"). */
const char *rp_group_name(rp_ctx *c, const mtm_analysis_row *r);
/* A baseline period for the reader: "2023Q1" -> "Q1 2023", "I квартал 2023". */
const char *rp_period_text(rp_ctx *c, const char *period);
/* What a baseline figure of population pop covers, for the reader: the
 * basis "all periods" as the span of its periods ("2020 – Q1 2023",
 * "2020 – I квартал 2023"), a period as rp_period_text. */
const char *rp_basis_text(rp_ctx *c, const char *pop, const char *basis);
/* s with its first letter upper-cased, in any script ("Трудовые ..."). */
const char *rp_capital(rp_ctx *c, const char *s);
/* The same as a title (legends, table heads): "Women", "Женщины". */
const char *rp_group_title(rp_ctx *c, const mtm_analysis_row *r);
/* The baseline of the round (consolidated once); *r NULL when none. */
int rp_bma(rp_ctx *c, mtm_bma_result **r, mtm_bma_summary **s);

/* A baseline number (what: total, areas, informants) for a tag and its
 * source; the tag's population=, period=, level= apply. */
int rp_bma_number(rp_ctx *c, const rp_tag *t, const char *what, mtm_fig_source *s,
                  const char **text);
/* The round's respondents and its source. */
int rp_count_respondents(rp_ctx *c, mtm_fig_source *s, const char **text);
/* A count in the report's language ("724,534"). */
const char *rp_count_text(rp_ctx *c, double v);

/* The public rule of the report's options (--suppress K, --other-below,
 * --flag-below; src/disclose), which every figure of a public report
 * goes through. */
mtm_disclose_rule rp_public_rule(const rp_ctx *c);

/* ---- blocks.c: charts, maps, tables, tiles -------------------------------- */

int rp_eval_chart(rp_ctx *c, const rp_tag *t, int *fig);
int rp_eval_map(rp_ctx *c, const rp_tag *t, int *fig);
/* The text the user typed for subject and key ("operation" "", "round"
 * N, "criterion" ID) in the report's language, else dflt (report.c). */
const char *rp_user_text(rp_ctx *c, const char *subject, const char *key, const char *dflt);

/* The survey's area question of a level (1, 2; 0: any): the named one
 * (an error naming the tag when it is not a select_one of P-codes of that
 * level), else the first found (its hxl #adm1/#adm2 +code, or choices
 * that are the P-codes of the workspace's areas); *col NULL when none. */
int rp_area_question(rp_ctx *c, const rp_tag *t, const char *name, int level,
                     const mtm_frame_col **col);
int rp_eval_table(rp_ctx *c, const rp_tag *t, int *fig);
int rp_eval_tiles(rp_ctx *c, const rp_tag *t, int *fig);
/* Fills the annex table (every distinct key of every other figure). */
void rp_fill_annex(rp_ctx *c, int fig);

/* ---- gaps.c: questions without an answer in the round --------------------- */

typedef enum {
  RP_ANSWERED = 0, /* some respondent answered it                         */
  RP_NOT_EXPORTED, /* none of the round's imported files had its column   */
  RP_SKIPPED,      /* asked only under a relevant (its own or its group's) */
  RP_EMPTY         /* every respondent left it empty                      */
} rp_gap_why;

/* Why a column has no answer in the round, RP_ANSWERED when a row has one
 * (NULL col: RP_ANSWERED). */
rp_gap_why rp_gap(rp_ctx *c, const mtm_frame_col *col);
/* Fails (MTM_EINVAL) naming the template, line, tag, question and why it
 * has no answer. */
int rp_fail_gap(rp_ctx *c, const rp_tag *t, const mtm_frame_col *col, rp_gap_why why);
/* The questions of the form a report could show (choices and numbers
 * inside repeats or not) that have no answer in the round, in form order, with
 * their reasons (whys may be NULL); computed once per report. */
int rp_gaps(rp_ctx *c, const mtm_frame_col ***cols, int **whys, int *n);
/* Appends the methodology's paragraph naming those questions and why
 * they are left out, in the report's language; nothing when there are
 * none. */
int rp_gaps_note(rp_ctx *c, mtm_buf *md);

/* ---- sections.c: generated Markdown ---------------------------------------- */

/* Appends the Markdown (with tags) a generator tag expands to:
 * survey_sections, nationality_profiles, baseline_section. Returns 1 when
 * t is a generator, 0 when not, negative on error. */
int rp_generate(rp_ctx *c, const rp_tag *t, mtm_buf *md);

/* ---- builtin.c (generated from data/templates) ----------------------------- */

/* The built-in template of a language ("en", "ru"), NULL when none. */
const char *mtm_report_builtin_template(const char *lang);

/* ---- statements.c: findings in words -------------------------------------- */

/* {{sentence q=Q [value=V] [by=G] [filter=F] [stop=no]}} without
 * predicate=: the finding of a question in the author's report::LANG
 * words ("Fifty-five per cent of respondents work without a written
 * contract (women 61%, men 54%)"), else its label and answers ("Sex: men
 * 84%, women 16%"); a number question's mean and median. Never quotes a
 * question inside a sentence. */
int rp_eval_finding(rp_ctx *c, const rp_tag *t, int *fig);
/* The answer a question's finding reports: "yes" when it has one, else
 * the most frequent answer with a phrase, else the most frequent. */
int rp_finding_value(rp_ctx *c, const mtm_frame_col *col, const char **value);
/* 1 when the finding of answer value of col is in the author's words (a
 * sentence a change since the last round can end), 0 when it lists the
 * answers. */
int rp_finding_phrased(rp_ctx *c, const mtm_frame_col *col, const char *value);
/* The caption of a tile showing the share of answer value ("of
 * respondents work without a written contract"; without a phrase "Written
 * contract: yes"). */
const char *rp_tile_caption(rp_ctx *c, const mtm_frame_col *col, const char *value, double share);
/* 1 when col is the consent question or a screening question (one the
 * inclusion criteria name): never a finding, a tile or a section. */
int rp_screening(rp_ctx *c, const mtm_frame_col *col);

#endif
