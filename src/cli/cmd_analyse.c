/* mtm analyse: design-based estimates of a form's round, from a plan or
 * the default plan, as a results table. */
#include "analysis/analysis.h"
#include "cli/cli.h"
#include "disclose/disclose.h"
#include "frame/frame.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a whole number from lo to 1000000 into *out; returns 0, or -1 when
 * s is anything else. */
static int whole(const char *s, long lo, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > 1000000) return -1;
  *out = v;
  return 0;
}

/* --usd: the money rows in USD at the round's rate (empty columns when the
 * operation has no currency or the round no rate). Returns 0 or the exit
 * code of a workspace failure. */
static int usd_columns(mtm_cli_ws *w, const mtm_frame *f, int rn, const mtm_analysis_result *res,
                       mtm_analysis_extra *x) {
  mtm_operation op;
  mtm_round r;
  const char *cur = NULL;
  double rate = 0;
  int rc = mtm_store_operation_get(w->st, &w->a, &op, &w->err);
  if (rc == 0) cur = op.currency;
  else if (rc != MTM_ENOTFOUND) return mtm_cli_fail(&w->err);
  mtm_err_clear(&w->err);
  rc = mtm_store_round_get(w->st, rn, &w->a, &r, &w->err);
  if (rc == 0) rate = r.usd_rate;
  else if (rc != MTM_ENOTFOUND) return mtm_cli_fail(&w->err);
  mtm_err_clear(&w->err);
  mtm_analysis_post_usd(res, f, cur, rate, x, &w->a);
  return 0;
}

/* 1 when name is not a column of f and may be a text question of the
 * submissions (a question of a repeat is read with the repeat's frame). */
static int not_column(const mtm_frame *f, const char *name) {
  if (mtm_frame_col_find(f, name)) return 0;
  return mtm_frame_has_main_question(f, name) || !mtm_frame_repeat_of(f, name);
}

/* 1 when a name in list (separated by any of seps) is not a column of f. */
static int names_missing(const mtm_frame *f, const char *list, const char *seps) {
  for (const char *p = list; p && *p;) {
    size_t n = strcspn(p, seps);
    char name[256];
    if (n >= sizeof name) return 1;
    memcpy(name, p, n);
    name[n] = 0;
    if (n && not_column(f, name)) return 1;
    p += n;
    if (*p) p++;
  }
  return 0;
}

/* Notes a filter's reference to a question that is not a column. */
static void ref_missing(void *ctx, const char *name) {
  void **c = ctx;
  if (not_column(c[0], name)) c[1] = (void *)name;
}

/* 1 when the run may need a text column, which a load leaves out unless
 * asked (and the cache an import builds does not hold): a --by, --strata,
 * --cluster or --weight, or a plan item's question, group or filter,
 * naming a question that is not a column of f (a filter that cannot be
 * read too: the run with every column reports it). */
static int needs_text(const mtm_frame *f, const mtm_analysis_item *items, int nitems,
                      const char *by, const mtm_analysis_spec *s, mtm_arena *a) {
  const char *names[] = {s->weight, s->strata, s->cluster};
  for (int i = 0; i < 3; i++)
    if (names[i] && not_column(f, names[i])) return 1;
  if (names_missing(f, by, ",*")) return 1;
  for (int i = 0; i < nitems; i++) {
    const mtm_analysis_item *it = &items[i];
    if (names_missing(f, it->var, ",") || names_missing(f, it->group, ",*")) return 1;
    if (!it->filter || !*it->filter) continue;
    mtm_expr *e;
    mtm_err err;
    mtm_err_clear(&err);
    if (mtm_expr_parse(a, it->filter, &e, &err)) return 1;
    void *c[2] = {(void *)f, NULL};
    mtm_expr_refs(e, ref_missing, c);
    if (c[1]) return 1;
  }
  return 0;
}

/* The label of the merged row of --other-below in the language asked
 * (a Russian one: "Другое"). */
static const char *other_label(const char *lang) {
  if (lang && (!strncmp(lang, "ru", 2) || strstr(lang, "(ru)") || strstr(lang, "\xd0\xa0\xd1\x83\xd1\x81")))
    return "\xd0\x94\xd1\x80\xd1\x83\xd0\xb3\xd0\xbe\xd0\xb5";
  return "Other";
}

/* The eligible respondents of frame f as the spec's domain (nothing with
 * all set, or when the form has no rule), and, when some record is not
 * eligible, the note on standard error saying whom the figures count and
 * why the others are left out (then: the compared round). Returns 0 or the
 * exit code of a failure. */
static int eligible(mtm_cli_ws *w, const mtm_frame *f, int all, int then, mtm_analysis_spec *s) {
  mtm_analysis_eligibility el;
  if (mtm_analysis_eligible(w->st, f, &w->a, &el, &w->err)) return mtm_cli_fail(&w->err);
  if (!el.nrules) return 0;
  if (!all) s->domain = el.eligible;
  if (el.neligible == el.nrows) return 0; /* every record counts: nothing to say */
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_printf(&b, "note: round %d: ", f->round);
  if (all)
    mtm_buf_printf(&b, "every record analysed (--all-respondents): %ld, of whom %ld eligible",
                   el.nrows, el.neligible);
  else
    mtm_buf_printf(&b, "the eligible respondents analysed (consent given, inclusion criteria met): "
                       "%ld of %ld records",
                   el.neligible, el.nrows);
  int k = 0;
  for (int i = 0; i < el.nrules; i++) {
    const mtm_analysis_rule *r = &el.rules[i];
    if (!r->excluded) continue;
    mtm_buf_adds(&b, k++ ? ", " : (all ? "; not eligible: " : "; excluded: "));
    if (r->consent) mtm_buf_printf(&b, "%ld without consent (%s)", r->excluded, r->expr);
    else if (r->label) mtm_buf_printf(&b, "%ld not %s (%s)", r->excluded, r->label, r->expr);
    else mtm_buf_printf(&b, "%ld not meeting %s", r->excluded, r->expr);
  }
  if (!all && !then) mtm_buf_adds(&b, "; --all-respondents analyses every record");
  fprintf(stderr, "%s\n", b.p);
  mtm_buf_free(&b);
  return 0;
}

/* --compare M: runs the same plan on round M of the form and adds the
 * comparison columns to x; round M's hidden cells are hidden too (the
 * public rule pub, else small cells under k > 0), so no comparison
 * reveals them. Returns 0 or the exit code of a failure. */
static int compare_round(mtm_cli_ws *w, const char *form, int m, int k,
                         const mtm_disclose_rule *pub, const char *lang, const mtm_analysis_spec *s,
                         const mtm_analysis_item *items, int nitems,
                         const mtm_analysis_result *res, mtm_analysis_extra *x, int text,
                         const char *population, const char *bmaw, int all) {
  mtm_frame_opts fo = {0};
  fo.text = text;
  mtm_frame *g;
  if (mtm_frame_load(w->st, form, m, &fo, &g, &w->err)) return mtm_cli_fail(&w->err);
  mtm_analysis_result then;
  /* Round M's own post-stratified weights: one per row of its frame. */
  mtm_analysis_spec sm = *s;
  double *pw = NULL;
  if ((population && mtm_analysis_weights_population(g, s->strata, population, &w->a, &pw, &w->err)) ||
      (bmaw && mtm_analysis_weights_bma(w->st, g, s->strata, bmaw, &w->a, &pw, &w->err))) {
    mtm_frame_free(g);
    return mtm_cli_fail(&w->err);
  }
  if (pw) sm.weights = pw;
  sm.domain = NULL;
  int rc = eligible(w, g, all, 1, &sm);
  if (rc) {
    mtm_frame_free(g);
    return rc;
  }
  s = &sm;
  if (mtm_analysis_run_all(w->st, g, s, items, nitems, &w->a, &then, &w->err)) {
    mtm_frame_free(g);
    return mtm_cli_fail(&w->err);
  }
  mtm_analysis_extra scratch = {0};
  if (pub) mtm_disclose_result(&then, pub, g, w->st, other_label(lang), &scratch, &w->a);
  else if (k > 0) mtm_analysis_post_suppress(&then, k, &scratch, &w->a);
  mtm_analysis_opts o = {0};
  o.ci = s->ci;
  o.design_df = s->ci_df == MTM_ANALYSIS_CI_DF_DESIGN ? MTM_ANALYSIS_DF_FIXED
                : s->ci == MTM_ANALYSIS_CI_LOGIT      ? MTM_ANALYSIS_DF_ROWS
                                                      : MTM_ANALYSIS_DF_NORMAL;
  mtm_analysis_post_compare(res, &then, m, &o, x, &w->a);
  mtm_frame_free(g);
  return 0;
}

int mtm_cmd_analyse(mtm_cli *cli, int argc, char **argv) {
  /* Loads the frame, builds the design, runs the plan and writes the
   * results. */
  const char *form = NULL, *round = NULL, *by = NULL, *weight = NULL, *strata = NULL,
             *cluster = NULL, *lonely = NULL, *ci = NULL, *cidf = NULL, *lang = NULL, *format = NULL,
             *out = NULL, *plan = NULL, *suppress = NULL,
             *compare = NULL, *usd = NULL, *population = NULL, *bmaw = NULL, *pub = NULL,
             *other = NULL, *flag = NULL, *all = NULL;
  mtm_opt opts[] = {{"form", 1, &form},     {"round", 1, &round},   {"by", 1, &by},
                    {"weight", 1, &weight}, {"strata", 1, &strata}, {"cluster", 1, &cluster},
                    {"lonely", 1, &lonely}, {"ci", 1, &ci},         {"ci-df", 1, &cidf},         {"lang", 1, &lang},
                    {"format", 1, &format}, {"out", 1, &out},       {"plan", 1, &plan},
                    {"suppress", 1, &suppress}, {"compare", 1, &compare},
                    {"usd", 0, &usd}, {"population", 1, &population},
                    {"weights-from-bma", 1, &bmaw}, {"public", 0, &pub},
                    {"other-below", 1, &other}, {"flag-below", 1, &flag}, {"all-respondents", 0, &all}, {0}};
  int i = mtm_cli_parse("analyse", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("analyse", "unexpected argument '%s'", argv[i]);
  if (!form) return mtm_cli_usage("analyse", "--form FORM_ID is required");
  if (!round) return mtm_cli_usage("analyse", "--round N is required");
  if (plan && by) return mtm_cli_usage("analyse", "--by applies to the default plan; a --plan names its groups in group_var");
  if ((population || bmaw) && (!strata || weight || (population && bmaw)))
    return mtm_cli_usage("analyse", "--population and --weights-from-bma need --strata and take "
                                    "the place of --weight: give one of the three");
  int rn;
  if (mtm_cli_round("analyse", round, &rn)) return 2;
  long cm = -1, k = 0;
  if (compare && whole(compare, 0, &cm))
    return mtm_cli_usage("analyse", "--compare takes a round number, not '%s'", compare);
  if (suppress && whole(suppress, 1, &k))
    return mtm_cli_usage("analyse", "--suppress takes a number of respondents (1 or more), not '%s'", suppress);
  /* --public: the public rule (src/disclose), K from --suppress or 5;
   * --suppress alone: every cell under K and its complements. */
  mtm_disclose_rule rule = {0};
  long ob = 0, fb = 0;
  if ((other || flag) && !pub)
    return mtm_cli_usage("analyse", "--other-below and --flag-below belong to the public rule: add --public");
  if (other && whole(other, 1, &ob))
    return mtm_cli_usage("analyse", "--other-below takes a percentage (a whole number from 1), not '%s'", other);
  if (other && ob >= 100)
    return mtm_cli_usage("analyse", "--other-below takes a percentage under 100, not '%s'", other);
  if (flag && whole(flag, 1, &fb))
    return mtm_cli_usage("analyse", "--flag-below takes a number of respondents (1 or more), not '%s'", flag);
  rule.k = suppress ? (int)k : MTM_DISCLOSE_K;
  rule.other_below = (double)ob;
  rule.flag_below = (int)fb;
  mtm_analysis_spec s;
  memset(&s, 0, sizeof s);
  s.weight = weight;
  s.strata = strata;
  s.cluster = cluster;
  s.lang = -1;
  s.lonely = mtm_cli_choice("analyse", "--lonely", lonely ? lonely : "adjust",
                            (const char *const[]){"adjust", "remove", "certainty", NULL});
  if (s.lonely < 0) return 2;
  s.ci = mtm_cli_choice("analyse", "--ci", ci ? ci : "wald", (const char *const[]){"wald", "logit", NULL});
  if (s.ci < 0) return 2;
  s.ci_df = mtm_cli_choice("analyse", "--ci-df", cidf ? cidf : "normal",
                           (const char *const[]){"normal", "design", NULL});
  if (s.ci_df < 0) return 2;
  int fmt = mtm_cli_choice("analyse", "--format", format ? format : "csv",
                           (const char *const[]){"csv", "json", "xlsx", NULL});
  if (fmt < 0) return 2;
  if (fmt == 2 && (!out || !strcmp(out, "-")))
    return mtm_cli_usage("analyse", "--format xlsx needs --out FILE.xlsx");
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_analysis_item *items = NULL;
  int nitems = 0;
  if (plan && mtm_analysis_plan_read(plan, &w.a, &items, &nitems, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    mtm_cli_ws_close(&w);
    return rc;
  }
  /* The default columns first (read from the cache), every column when
   * the run may need text ones. */
  mtm_frame_opts fo = {0};
  mtm_frame *f;
  if (mtm_frame_load(w.st, form, rn, &fo, &f, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    mtm_cli_ws_close(&w);
    return rc;
  }
  if (needs_text(f, items, nitems, by, &s, &w.a)) {
    mtm_frame_free(f);
    fo.text = 1;
    if (mtm_frame_load(w.st, form, rn, &fo, &f, &w.err)) {
      rc = mtm_cli_fail(&w.err);
      mtm_cli_ws_close(&w);
      return rc;
    }
  }
  if (lang && (s.lang = mtm_form_lang(f->form, lang)) < 0) {
    mtm_frame_free(f);
    mtm_cli_ws_close(&w);
    return mtm_cli_usage("analyse", "form '%s' has no language '%s'", form, lang);
  }
  double *pw = NULL;
  if ((population && mtm_analysis_weights_population(f, strata, population, &w.a, &pw, &w.err)) ||
      (bmaw && mtm_analysis_weights_bma(w.st, f, strata, bmaw, &w.a, &pw, &w.err))) {
    rc = mtm_cli_fail(&w.err);
    mtm_frame_free(f);
    mtm_cli_ws_close(&w);
    return rc;
  }
  s.weights = pw;
  if ((rc = eligible(&w, f, all != NULL, 0, &s))) {
    mtm_frame_free(f);
    mtm_cli_ws_close(&w);
    return rc;
  }
  mtm_analysis_result res;
  if ((!plan && mtm_analysis_default_plan_all(w.st, f, &s, by, &w.a, &items, &nitems, &w.err)) ||
      mtm_analysis_run_all(w.st, f, &s, items, nitems, &w.a, &res, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    mtm_frame_free(f);
    mtm_cli_ws_close(&w);
    return rc;
  }
  mtm_analysis_extra x = {0};
  if (pub) mtm_disclose_result(&res, &rule, f, w.st, other_label(lang), &x, &w.a);
  else if (suppress) mtm_analysis_post_suppress(&res, (int)k, &x, &w.a);
  if ((usd && (rc = usd_columns(&w, f, rn, &res, &x))) ||
      (compare && (rc = compare_round(&w, form, (int)cm, (int)k, pub ? &rule : NULL, lang, &s, items, nitems, &res, &x, fo.text,
                                     population, bmaw, all != NULL)))) {
    mtm_frame_free(f);
    mtm_cli_ws_close(&w);
    return rc;
  }
  if (fmt == 2) {
    rc = mtm_analysis_write_xlsx(&res, &x, out, &w.a, &w.err) ? mtm_cli_fail(&w.err) : 0;
  } else {
    mtm_buf b;
    mtm_buf_init(&b);
    mtm_analysis_write_ext(&res, &x, fmt, &b, &w.a);
    rc = mtm_cli_write(out, &b);
    mtm_buf_free(&b);
  }
  mtm_frame_free(f);
  mtm_cli_ws_close(&w);
  return rc;
}
