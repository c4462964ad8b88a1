/* mtm report: the MTM report of a round (HTML, PDF, figures and the data
 * behind them) from the built-in template or the user's own. */
#include "cli/cli.h"
#include "report/report.h"

#include <stdio.h>
#include <string.h>

int mtm_cmd_report(mtm_cli *cli, int argc, char **argv) {
  /* Parses the options, writes the report and prints one line. */
  const char *round = NULL, *compare = NULL, *form = NULL, *tmpl = NULL, *lang = NULL,
             *pub = NULL, *nopdf = NULL, *out = NULL, *text = NULL, *logo = NULL, *date = NULL,
             *k = NULL, *other = NULL, *flag = NULL;
  mtm_opt opts[] = {{"round", 1, &round},   {"compare", 1, &compare}, {"form", 1, &form},
                    {"template", 1, &tmpl}, {"lang", 1, &lang},       {"public", 0, &pub},
                    {"no-pdf", 0, &nopdf},  {"out", 1, &out},         {"text", 1, &text},
                    {"logo", 1, &logo},     {"date", 1, &date},       {"suppress", 1, &k},
                    {"other-below", 1, &other}, {"flag-below", 1, &flag}, {0}};
  int i = mtm_cli_parse("report", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("report", "unexpected argument '%s'", argv[i]);
  if (!round) return mtm_cli_usage("report", "--round N is required");
  if (!out) return mtm_cli_usage("report", "say where to write the report with --out DIR");
  mtm_report_opts o;
  memset(&o, 0, sizeof o);
  if (mtm_cli_round("report", round, &o.round)) return 2;
  long long cm = 0;
  if (compare && (!strcmp(compare, "none") ? (cm = -1, 0) : mtm_cli_number(compare, 1, 1000000, &cm)))
    return mtm_cli_usage("report", "--compare takes a round number or 'none', not '%s'", compare);
  o.compare = (int)cm;
  if (lang && mtm_cli_choice("report", "--lang", lang, (const char *const[]){"en", "ru", NULL}) < 0)
    return 2;
  int32_t day;
  if (date && mtm_parse_date(mtm_slice_c(date), &day))
    return mtm_cli_usage("report", "--date is a date YYYY-MM-DD, not '%s'", date);
  o.out_dir = out;
  o.text_dir = text;
  o.logo_path = logo;
  o.date = date;
  o.form_id = form;
  o.template_path = tmpl;
  o.lang = lang ? lang : "en";
  o.public_ = pub != NULL;
  o.no_pdf = nopdf != NULL;
  /* the public rule's options (src/disclose) */
  long long kv = 0, ov = 0, fv = 0;
  if ((k || other || flag) && !pub)
    return mtm_cli_usage("report", "--suppress, --other-below and --flag-below belong to the public rule: add --public");
  if ((k && mtm_cli_number(k, 1, 1000000, &kv)) || (other && mtm_cli_number(other, 1, 99, &ov)) ||
      (flag && mtm_cli_number(flag, 1, 1000000, &fv)))
    return mtm_cli_usage("report", "--suppress and --flag-below take a number of respondents, --other-below "
                                   "a percentage from 1 to 99");
  o.suppress_k = (int)kv;
  o.other_below = (int)ov;
  o.flag_below = (int)fv;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_report_stats s;
  if (mtm_report_write(w.st, &o, &s, &w.err)) {
    rc = s.failures ? (mtm_err_print(&w.err, stderr), 1) : mtm_cli_fail(&w.err);
    mtm_cli_ws_close(&w);
    return rc;
  }
  if (o.no_pdf)
    printf("report: %s/report.html; %d figures, %d charts and maps, %d indicators, %d checks passed\n",
           out, s.figures, s.charts, s.indicators, s.checks);
  else
    printf("report: %s/report.html, %s/report.pdf (%d pages); %d figures, %d charts and maps, %d "
           "indicators, %d checks passed\n",
           out, out, s.pages, s.figures, s.charts, s.indicators, s.checks);
  mtm_cli_ws_close(&w);
  return 0;
}
