/* mtm sample: the sample design of a survey from the baseline figures of
 * one population and period, allocated to the areas of one level. */
#include "bma/bma.h"
#include "cli/cli.h"
#include "sample/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Reads a number option into *out (unchanged when s is NULL); prints the
 * usage and returns 2 when it is not a number. */
static int number(const char *opt, const char *s, const char *what, double *out) {
  if (!s) return 0;
  if (mtm_parse_double(mtm_slice_c(s), out) || !isfinite(*out))
    return mtm_cli_usage("sample", "%s takes %s, not '%s'", opt, what, s);
  return 0;
}

/* Orders strata by P-code, so that the plan does not depend on the order
 * the figures came in. */
static int by_pcode(const void *x, const void *y) {
  const mtm_sample_stratum *a = x, *b = y;
  return strcmp(a->pcode ? a->pcode : "", b->pcode ? b->pcode : "");
}

/* mtm sample show: the latest saved plan of a round, as it was saved. */
static int show(mtm_cli *cli, int argc, char **argv) {
  const char *round = NULL, *pop = NULL, *format = "csv", *out = NULL;
  mtm_opt opts[] = {{"round", 1, &round}, {"population", 1, &pop}, {"format", 1, &format},
                    {"out", 1, &out}, {0}};
  int i = mtm_cli_parse("sample", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("sample", "unexpected argument '%s'", argv[i]);
  if (!round) return mtm_cli_usage("sample", "'sample show' needs --round N");
  int rn;
  if (mtm_cli_round("sample", round, &rn)) return 2;
  int fmt = mtm_cli_choice("sample", "--format", format, (const char *const[]){"csv", "json", NULL});
  if (fmt < 0) return 2;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_sample_plan plan;
  mtm_buf b;
  mtm_buf_init(&b);
  if (mtm_sample_load(w.st, rn, pop, &w.a, &plan, &w.err)) {
    rc = mtm_cli_fail(&w.err);
  } else {
    if (fmt == 1) mtm_sample_json(&plan, &b);
    else mtm_sample_csv(&plan, &b);
    rc = mtm_cli_write(out, &b);
    if (!rc && !cli->quiet) {
      mtm_buf_reset(&b);
      mtm_sample_summary(&plan, &b);
      mtm_buf_printf(&b, "  plan %ld of round %d, saved %s\n", plan.id, rn,
                     plan.created_at ? plan.created_at : "");
      fwrite(b.p, 1, b.n, stderr);
    }
  }
  mtm_buf_free(&b);
  mtm_cli_ws_close(&w);
  return rc;
}

/* mtm sample: reads the options, takes the figures of the areas of the level
 * from bma's consolidation (and the gazetteer's other areas of that level
 * as not assessed), designs the plan, saves it with --save, writes CSV or
 * JSON and, unless -q, how the total was computed on standard error. */
int mtm_cmd_sample(mtm_cli *cli, int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "show") == 0) return show(cli, argc - 1, argv + 1);
  const char *round = NULL, *pop = NULL, *period = NULL, *form = NULL, *conf = NULL,
             *margin = NULL, *prop = NULL, *deff = NULL, *level = "1", *alloc = "proportional",
             *per = NULL, *minper = NULL, *format = "csv", *out = NULL, *save = NULL, *props = NULL;
  mtm_opt opts[] = {{"round", 1, &round},
                    {"population", 1, &pop},
                    {"period", 1, &period},
                    {"form", 1, &form},
                    {"confidence", 1, &conf},
                    {"margin", 1, &margin},
                    {"proportion", 1, &prop},
                    {"deff", 1, &deff},
                    {"level", 1, &level},
                    {"allocation", 1, &alloc},
                    {"per-stratum", 0, &per},
                    {"min-per-stratum", 1, &minper},
                    {"format", 1, &format},
                    {"out", 1, &out},
                    {"save", 0, &save},
                    {"proportions", 1, &props},
                    {0}};
  int i = mtm_cli_parse("sample", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("sample", "unexpected argument '%s'", argv[i]);
  if (!round) return mtm_cli_usage("sample", "--round N is required");
  if (!pop)
    return mtm_cli_usage("sample", "--population is required (migrant_worker, return_migrant, "
                                   "emigrant, or another population of the mapping)");
  if (!period) return mtm_cli_usage("sample", "--period is required (YYYY, YYYYQn or YYYY-MM)");
  int rn;
  if (mtm_cli_round("sample", round, &rn)) return 2;
  long long lv;
  if (mtm_cli_number(level, 0, 9, &lv))
    return mtm_cli_usage("sample", "--level is an administrative level such as 1 or 2, not '%s'",
                         level);
  enum { CSV, JSON };
  int fmt = mtm_cli_choice("sample", "--format", format, (const char *const[]){"csv", "json", NULL});
  if (fmt < 0) return 2;
  mtm_sample_params p;
  mtm_sample_defaults(&p);
  int al = mtm_cli_choice("sample", "--allocation", alloc,
                          (const char *const[]){"proportional", "equal", "neyman", NULL});
  if (al < 0) return 2;
  p.allocation = al == 1 ? MTM_SAMPLE_EQUAL : al == 2 ? MTM_SAMPLE_NEYMAN : MTM_SAMPLE_PROPORTIONAL;
  p.per_stratum = per != NULL;
  if (props && p.allocation != MTM_SAMPLE_NEYMAN && !p.per_stratum)
    return mtm_cli_usage("sample", "--proportions is used by --allocation neyman and by "
                                   "--per-stratum only");
  if (number("--confidence", conf, "a level between 0 and 1 such as 0.95", &p.confidence) ||
      number("--margin", margin, "a fraction between 0 and 1 such as 0.05", &p.margin) ||
      number("--proportion", prop, "a fraction between 0 and 1 such as 0.5", &p.proportion) ||
      number("--deff", deff, "a positive number such as 1 or 1.5", &p.deff))
    return 2;
  long long kmin = 0;
  if (minper && mtm_cli_number(minper, 0, 1000000000, &kmin))
    return mtm_cli_usage("sample", "--min-per-stratum takes a whole number, 0 or more, not '%s'",
                         minper);
  p.min_per_stratum = (long)kmin;
  mtm_err perr;
  mtm_err_clear(&perr);
  if (mtm_sample_check_params(&p, &perr)) return mtm_cli_usage("sample", "%s", perr.msg);

  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_bma_figure *fig;
  int nf, na;
  mtm_area *areas;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_bma_opts o = {0};
  o.form_id = form;
  o.round = rn;
  o.no_previous = 1;
  mtm_bma_result r;
  if (mtm_bma_consolidate(w.st, &o, &w.a, &r, &w.err) ||
      mtm_bma_area_totals_from(&r, pop, period, (int)lv, &w.a, &fig, &nf, &w.err) ||
      mtm_store_areas(w.st, (int)lv, &w.a, &areas, &na, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  /* The strata: the areas with figures, then the gazetteer's other areas of
   * the level in force at the round's date, which no key informant
   * covered (not assessed). */
  mtm_sample_stratum *s = mtm_arena_zalloc(&w.a, sizeof *s * (size_t)(nf + na + 1));
  int n = 0;
  for (int j = 0; j < nf; j++, n++) {
    s[n].pcode = fig[j].pcode;
    s[n].name = fig[j].name;
    s[n].level = fig[j].level;
    s[n].figure = fig[j].value;
    s[n].proportion = NAN;
    if (fig[j].locations_total > 0) {
      s[n].reporting = fig[j].locations_reporting;
      s[n].locations = fig[j].locations_total;
    }
  }
  const char *date = r.reporting_date && *r.reporting_date ? r.reporting_date : NULL;
  for (int j = 0; j < na; j++) {
    const mtm_area *ar = &areas[j];
    int known = 0;
    for (int k = 0; k < nf && !known; k++) known = strcmp(fig[k].pcode, ar->pcode) == 0;
    if (known) continue;
    if (date ? (ar->valid_from && strcmp(ar->valid_from, date) > 0) ||
                   (ar->valid_to && strcmp(date, ar->valid_to) >= 0)
             : ar->valid_to != NULL)
      continue;
    const char *name = NULL;
    for (int k = 0; k < ar->nnames && !name; k++)
      if (!ar->names[k].is_alias && strcmp(ar->names[k].lang, "en") == 0) name = ar->names[k].name;
    for (int k = 0; k < ar->nnames && !name; k++)
      if (!ar->names[k].is_alias) name = ar->names[k].name;
    s[n].pcode = ar->pcode;
    s[n].name = name ? name : "";
    s[n].level = ar->level;
    s[n].figure = NAN;
    s[n].proportion = NAN;
    n++;
  }
  qsort(s, (size_t)n, sizeof *s, by_pcode);
  if (props && mtm_sample_read_proportions(props, s, n, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  mtm_sample_plan plan;
  memset(&plan, 0, sizeof plan);
  plan.round = rn;
  plan.level = (int)lv;
  plan.form_id = r.form_id;
  plan.population = pop;
  plan.period = period;
  if (n == 0) {
    mtm_err_set(&w.err, MTM_EINVAL, "there are no areas of level %d to sample in round %d", (int)lv,
                rn);
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  if (mtm_sample_design(&p, s, n, &plan, &w.err) ||
      (save && mtm_sample_save(w.st, &plan, &w.err))) {
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  if (fmt == JSON) mtm_sample_json(&plan, &b);
  else mtm_sample_csv(&plan, &b);
  if ((rc = mtm_cli_write(out, &b))) goto done;
  if (!cli->quiet) {
    mtm_buf_reset(&b);
    mtm_sample_summary(&plan, &b);
    if (plan.id)
      mtm_buf_printf(&b, "  saved as plan %ld of round %d, with the inclusion probabilities "
                         "n_h / N_h for survey weights\n",
                     plan.id, rn);
    else
      mtm_buf_adds(&b, "  not saved: add --save to keep the plan for survey weights\n");
    fwrite(b.p, 1, b.n, stderr);
  }
done:
  mtm_buf_free(&b);
  mtm_cli_ws_close(&w);
  return rc;
}
