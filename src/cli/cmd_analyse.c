/* mtm analyse: design-based estimates of a form's round, from a plan or
 * the default plan, as a results table. */
#include "cli/cli.h"
#include "results/results.h"

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
  mtm_results_opts o;
  mtm_results_opts_init(&o);
  o.form_id = form;
  o.round = rn;
  o.plan = plan;
  o.by = by;
  o.weight = weight;
  o.strata = strata;
  o.cluster = cluster;
  o.population = population;
  o.weights_from_bma = bmaw;
  o.lang = lang;
  o.all_respondents = all != NULL;
  o.public_ = pub != NULL;
  o.rule = rule;
  o.suppress = (int)k;
  o.compare = compare ? (int)cm : -1;
  o.usd = usd != NULL;
  o.notes = stderr;
  o.lonely = mtm_cli_choice("analyse", "--lonely", lonely ? lonely : "adjust",
                            (const char *const[]){"adjust", "remove", "certainty", NULL});
  if (o.lonely < 0) return 2;
  o.ci = mtm_cli_choice("analyse", "--ci", ci ? ci : "wald", (const char *const[]){"wald", "logit", NULL});
  if (o.ci < 0) return 2;
  o.ci_df = mtm_cli_choice("analyse", "--ci-df", cidf ? cidf : "normal",
                           (const char *const[]){"normal", "design", NULL});
  if (o.ci_df < 0) return 2;
  int fmt = mtm_cli_choice("analyse", "--format", format ? format : "csv",
                           (const char *const[]){"csv", "json", "xlsx", NULL});
  if (fmt < 0) return 2;
  if (fmt == 2 && (!out || !strcmp(out, "-")))
    return mtm_cli_usage("analyse", "--format xlsx needs --out FILE.xlsx");
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_results r;
  if ((rc = mtm_results_run(w.st, &o, &w.a, &r, &w.err))) {
    rc = r.bad_lang ? mtm_cli_usage("analyse", "%s", w.err.msg) : mtm_cli_fail(&w.err);
    mtm_results_free(&r);
    mtm_cli_ws_close(&w);
    return rc;
  }
  if (fmt == 2) {
    rc = mtm_analysis_write_xlsx(&r.res, &r.x, out, &w.a, &w.err) ? mtm_cli_fail(&w.err) : 0;
  } else {
    mtm_buf b;
    mtm_buf_init(&b);
    mtm_analysis_write_ext(&r.res, &r.x, fmt, &b, &w.a);
    rc = mtm_cli_write(out, &b);
    mtm_buf_free(&b);
  }
  mtm_results_free(&r);
  mtm_cli_ws_close(&w);
  return rc;
}
