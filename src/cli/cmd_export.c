/* mtm export: what a partner downloads (src/export): the baseline in the
 * DTM API's shape, the indicators, the microdata (anonymised for the
 * public), one file or an HDX package. */
#include "cli/cli.h"
#include "export/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads "2" or "1,2" into rounds[]; 0, or 2 after printing the usage. */
static int round_list(const char *s, mtm_arena *a, int **out, int *n) {
  int cap = 1;
  for (const char *p = s; *p; p++) cap += *p == ',';
  int *r = mtm_arena_alloc(a, (size_t)cap * sizeof *r);
  *n = 0;
  char *copy = mtm_arena_strdup(a, s), *save = NULL;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    long long v;
    if (mtm_cli_number(t, 0, 1000000, &v))
      return mtm_cli_usage("export", "--round takes round numbers N or N,M,..., not '%s'", s);
    for (int i = 0; i < *n; i++)
      if (r[i] == (int)v) return mtm_cli_usage("export", "--round names round %lld twice", v);
    r[(*n)++] = (int)v;
  }
  if (!*n) return mtm_cli_usage("export", "--round takes round numbers N or N,M,..., not '%s'", s);
  *out = r;
  return 0;
}

int mtm_cmd_export(mtm_cli *cli, int argc, char **argv) {
  /* Parses the options into mtm_export_opts and runs the export. */
  const char *round = NULL, *what = NULL, *form = NULL, *level = NULL, *format = NULL, *hxl = NULL,
             *pub = NULL, *lang = NULL, *out = NULL, *hdx = NULL, *k = NULL, *other = NULL,
             *flag = NULL, *plan = NULL, *by = NULL, *weight = NULL, *strata = NULL,
             *cluster = NULL, *wbma = NULL, *all = NULL, *anon = NULL, *keys = NULL, *ids = NULL,
             *keep = NULL, *kanon = NULL, *risk = NULL;
  mtm_opt opts[] = {{"round", 1, &round},       {"what", 1, &what},
                    {"form", 1, &form},         {"level", 1, &level},
                    {"format", 1, &format},     {"hxl", 0, &hxl},
                    {"public", 0, &pub},        {"lang", 1, &lang},
                    {"out", 1, &out},           {"hdx", 1, &hdx},
                    {"suppress", 1, &k},        {"other-below", 1, &other},
                    {"flag-below", 1, &flag},   {"plan", 1, &plan},
                    {"by", 1, &by},             {"weight", 1, &weight},
                    {"strata", 1, &strata},     {"cluster", 1, &cluster},
                    {"weights-from-bma", 1, &wbma}, {"all-respondents", 0, &all},
                    {"anonymise", 0, &anon},    {"anonymize", 0, &anon},
                    {"keys", 1, &keys},         {"identifiers", 1, &ids},
                    {"keep", 1, &keep},         {"k", 1, &kanon},
                    {"risk-out", 1, &risk},     {0}};
  int i = mtm_cli_parse("export", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("export", "unexpected argument '%s'", argv[i]);
  if (!round) return mtm_cli_usage("export", "--round N[,M...] is required");
  mtm_export_opts o;
  memset(&o, 0, sizeof o);
  o.level = -1;
  if (hdx) {
    if (what || out)
      return mtm_cli_usage("export", "--hdx DIR writes the whole package: leave out --what and --out");
  } else {
    if (!what) return mtm_cli_usage("export", "say what to export with --what bma|indicators|microdata");
    if (mtm_export_what_parse(what, &o.what))
      return mtm_cli_usage("export", "--what is bma, indicators or microdata, not '%s'", what);
    if (!out) return mtm_cli_usage("export", "say where to write with --out FILE");
  }
  if (format && mtm_pub_format_parse(format, &o.format))
    return mtm_cli_usage("export", "--format is csv, xlsx or json, not '%s'", format);
  long long v = 0;
  if (level) {
    if (mtm_cli_number(level, 0, 2, &v))
      return mtm_cli_usage("export", "--level is 0, 1 or 2, not '%s'", level);
    o.level = (int)v;
  }
  if ((k || other || flag) && !pub)
    return mtm_cli_usage("export", "--suppress, --other-below and --flag-below belong to the public rule: add --public");
  long long kv = 0, ov = 0, fv = 0, av = 0;
  if ((k && mtm_cli_number(k, 1, 1000000, &kv)) || (other && mtm_cli_number(other, 1, 99, &ov)) ||
      (flag && mtm_cli_number(flag, 1, 1000000, &fv)))
    return mtm_cli_usage("export", "--suppress and --flag-below take a number of respondents, --other-below "
                                   "a percentage from 1 to 99");
  if ((keys || ids || keep || kanon || risk) && !anon)
    return mtm_cli_usage("export", "--keys, --identifiers, --keep, --k and --risk-out belong to --anonymise");
  if (kanon && mtm_cli_number(kanon, 2, 1000000, &av))
    return mtm_cli_usage("export", "--k takes a number of records from 2 on, not '%s'", kanon);
  if (anon && o.what != MTM_EXPORT_MICRODATA)
    return mtm_cli_usage("export", "--anonymise applies to --what microdata");
  if (pub && o.what == MTM_EXPORT_MICRODATA && !anon)
    return mtm_cli_usage("export", "public microdata must be anonymised: add --anonymise (see mtm export's "
                                   "documentation for the keys and the risk report)");
  if (lang && mtm_cli_choice("export", "--lang", lang, (const char *const[]){"en", "ru", NULL}) < 0)
    return 2;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  if ((rc = round_list(round, &w.a, (int **)&o.rounds, &o.nrounds))) {
    mtm_cli_ws_close(&w);
    return rc;
  }
  o.form_id = form;
  o.hxl = hxl != NULL;
  o.public_ = pub != NULL;
  o.suppress_k = (int)kv;
  o.other_below = (int)ov;
  o.flag_below = (int)fv;
  o.lang = lang ? lang : "en";
  o.out = out;
  o.hdx = hdx;
  o.plan = plan;
  o.by = by;
  o.weight = weight;
  o.strata = strata;
  o.cluster = cluster;
  o.weights_from_bma = wbma;
  o.all_respondents = all != NULL;
  o.anonymise = anon != NULL;
  o.keys = keys;
  o.identifiers = ids;
  o.keep = keep;
  o.k = (int)av;
  o.risk_out = risk;
  if (mtm_export_run(w.st, &o, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    mtm_cli_ws_close(&w);
    return rc;
  }
  if (!cli->quiet) printf("export: %s\n", hdx ? hdx : out);
  mtm_cli_ws_close(&w);
  return 0;
}
