/* mtm analyse: design-based estimates of a form's round, from a plan or
 * the default plan, as a results table. */
#include "analysis/analysis.h"
#include "cli/cli.h"
#include "frame/frame.h"

#include <stdio.h>
#include <string.h>

int mtm_cmd_analyse(mtm_cli *cli, int argc, char **argv) {
  /* Loads the frame, builds the design, runs the plan and writes the
   * results. */
  const char *form = NULL, *round = NULL, *by = NULL, *weight = NULL, *strata = NULL,
             *cluster = NULL, *lonely = NULL, *ci = NULL, *lang = NULL, *format = NULL,
             *out = NULL, *plan = NULL, *population = NULL, *bmaw = NULL;
  mtm_opt opts[] = {{"form", 1, &form},     {"round", 1, &round},   {"by", 1, &by},
                    {"weight", 1, &weight}, {"strata", 1, &strata}, {"cluster", 1, &cluster},
                    {"lonely", 1, &lonely}, {"ci", 1, &ci},         {"lang", 1, &lang},
                    {"format", 1, &format}, {"out", 1, &out},       {"plan", 1, &plan},
                    {"population", 1, &population}, {"weights-from-bma", 1, &bmaw},
                    {0}};
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
  int fmt = mtm_cli_choice("analyse", "--format", format ? format : "csv",
                           (const char *const[]){"csv", "json", NULL});
  if (fmt < 0) return 2;
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
  mtm_frame_opts fo = {0};
  fo.text = 1;
  mtm_frame *f;
  if (mtm_frame_load(w.st, form, rn, &fo, &f, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    mtm_cli_ws_close(&w);
    return rc;
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
  mtm_analysis_result res;
  if ((!plan && mtm_analysis_default_plan(f, &s, by, &w.a, &items, &nitems, &w.err)) ||
      mtm_analysis_run(f, &s, items, nitems, &w.a, &res, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    mtm_frame_free(f);
    mtm_cli_ws_close(&w);
    return rc;
  }
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_analysis_write(&res, fmt, &b, &w.a);
  rc = mtm_cli_write(out, &b);
  mtm_buf_free(&b);
  mtm_frame_free(f);
  mtm_cli_ws_close(&w);
  return rc;
}
