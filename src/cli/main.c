/* mtm: the Mobility Tracking Matrix from one binary. The command table. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const mtm_cmd commands[] = {
    {"init", mtm_cmd_init,
     "init [--operation NAME] [--operation-LANG NAME] [--country ISO3] [--currency CODE] [--languages en,ru]",
     "Create a workspace (or update its operation)."},
    {"status", mtm_cmd_status, "status [--format text|json]",
     "Show the operation, areas per level, forms, versions and submissions."},
    {"round", mtm_cmd_round,
     "round add|set N [--name NAME] [--name-LANG NAME] [--start DATE] [--end DATE] [--usd-rate R] [--usd-rate-source TEXT] [--sampling snowball|quota|probability|census|none] | round list",
     "Declare a data-collection round and its exchange rate."},
    {"areas", mtm_cmd_areas,
     "areas import [--pcode F --level N [--name F[:LANG]]... [--alias F[:LANG]]... [--parent F] "
     "[--lang L]] [--valid-from D] [--valid-to D] [--source TEXT] FILE... | areas list [--level N] [--at DATE] "
     "[--format csv|json] | areas resolve [--level N] [--at DATE] [--within PCODE] TEXT...",
     "Load and query the gazetteer of administrative areas."},
    {"form", mtm_cmd_form,
     "form add [--kind survey|baseline] [--lenient] FILE... | form list | form show FORM_ID [--version V] "
     "[--format text|json]",
     "Add an XLSForm (a new version of a known form is kept beside the old)."},
    {"import", mtm_cmd_import, "import --form FORM_ID --round N [--keep-going] [--id-column COL | --id-from-row] FILE...",
     "Import KoboToolbox or ODK Central exports (CSV, XLSX, XLS, JSON, ODK Central .csv.zip) in one transaction."},
    {"check", mtm_cmd_check,
     "check --form FORM_ID --round N [--format text|csv|json] [--severity error|warning|info] "
     "[--min-duration MINUTES] [--outliers-by QUESTION] [--location QUESTION] "
     "[--disagreement RATIO] [--out FILE]",
     "List findings: required, constraint, relevance, choice, type, duplicate, outlier, ..."},
    {"criteria", mtm_cmd_criteria,
     "criteria add --form FORM_ID [--label TEXT] [--label-LANG TEXT] EXPR | criteria add --form FORM_ID --consent Q "
     "[--consent-value V] | criteria list [--form FORM_ID]",
     "Declare the survey's inclusion criteria (XLSForm expressions) and its consent question: "
     "check enforces them, analyse and report count the respondents who meet them."},
    {"clean", mtm_cmd_clean,
     "clean apply [--by NAME] [--form FORM_ID] [--round N] [--skip-unknown] [--dry-run] LOG.csv"
     " | clean log [--form FORM_ID] [--round N] [--format csv|xlsx] [--out FILE]"
     " | clean show --form FORM_ID --round N --uuid UUID [--format text|csv]",
     "Apply a cleaning log, export every change made, or show raw and clean values."},
    {"bma", mtm_cmd_bma,
     "bma --form FORM_ID --round N [--mapping FILE] [--location QUESTION] "
     "[--method median|mean|max|min] [--disagreement RATIO] [--level 0|1|2] "
     "[--format csv|json|xlsx] [--wide] [--summary] [--lang L] [--out FILE]"
     " | bma verify --round N [--form FORM_ID] (--pcode P --field F [--value V] "
     "--status verified|updated|unreachable --by NAME [--note TEXT] | --from FILE.csv | --list)",
     "Consolidate key-informant figures per location, add them up with coverage, verify by phone."},
    {"sample", mtm_cmd_sample,
     "sample --round N --population P --period T [--form FORM_ID] [--confidence 0.95] "
     "[--margin 0.05] [--proportion 0.5] [--deff 1] [--level 1|2] "
     "[--allocation proportional|equal|neyman] [--proportions FILE] [--per-stratum] "
     "[--min-per-stratum K] [--format csv|json] [--out FILE] [--save]"
     " | sample show --round N [--population P] [--format csv|json] [--out FILE]",
     "Design a survey sample from baseline figures (Cochran, finite population correction)."},
    {"frame", mtm_cmd_frame,
     "frame --form FORM_ID --round N [--repeat R] [--columns Q,...] [--text] [--no-cache] [--format text|csv] "
     "[--out FILE]",
     "Load a form's clean data for a round into columns (cached in the workspace) and dump it."},
    {"analyse", mtm_cmd_analyse,
     "analyse --form FORM_ID --round N [--plan FILE] [--by Q,...|Q*Q] [--weight Q] [--strata Q] "
     "[--cluster Q] [--lonely adjust|remove|certainty] [--ci wald|logit] [--ci-df normal|design] [--lang L] "
     "[--population FILE | --weights-from-bma POP:PERIOD] [--compare M] [--suppress K] "
     "[--public [--other-below P] [--flag-below N]] [--usd] "
     "[--all-respondents] [--format csv|json|xlsx] [--out FILE]",
     "Design-based shares, means, medians, totals and ratios with CIs, overall and by group, "
     "of the eligible respondents."},
    {"report", mtm_cmd_report,
     "report --round N [--compare M|none] [--form FORM_ID] [--template FILE] [--lang en|ru] "
     "[--text DIR] [--logo FILE] [--date YYYY-MM-DD] "
     "[--public [--suppress K] [--other-below P] [--flag-below N]] [--no-pdf] --out DIR",
     "Write the MTM report of a round: HTML, PDF, figures as SVG and their numbers as CSV."},
    {"export", mtm_cmd_export,
     "export --round N[,M...] --what bma|indicators|microdata [--form F] [--level 0|1|2] "
     "[--format csv|xlsx|json] [--hxl] [--lang en|ru] [--public [--suppress K] [--other-below P] "
     "[--flag-below N]] [--plan FILE] [--by Q,...] [--weight Q] [--strata Q] [--cluster Q] "
     "[--weights-from-bma POP:PERIOD] [--all-respondents] [--anonymise [--keys Q,...] [--k K] "
     "[--identifiers Q,...] [--keep Q,...] [--risk-out FILE.json]] --out FILE"
     " | export --round N --hdx DIR [--lang en|ru] [--public]",
     "Write open data: the baseline in the DTM API's shape, the indicators, the microdata "
     "(anonymised for the public), HXL-tagged; or an HDX-ready package."},
    {"demo", mtm_cmd_demo, "demo --out DIR",
     "Build the two-round demo operation into DIR with the real commands; print its baseline and "
     "sample plan."},
};
#define N_COMMANDS ((int)(sizeof commands / sizeof commands[0]))

static void usage(FILE *f) {
  fputs("usage: mtm [-w WORKSPACE] COMMAND [ARGS]\n\n"
        "The workspace is -w FILE, else $MTM_WORKSPACE, else ./mtm.db.\n\n"
        "commands:\n",
        f);
  for (int i = 0; i < N_COMMANDS; i++)
    fprintf(f, "  %-8s %s\n           mtm %s\n", commands[i].name, commands[i].help,
            commands[i].usage);
}

/* Prints a command's usage on standard output, one line per form of it
 * ("form add ...", "form list", ...): only the forms of subcommand sub when
 * it names one, else all of them; then the command's sentence. */
static void help(const mtm_cmd *c, const char *sub) {
  size_t nc = strlen(c->name), ns = sub ? strlen(sub) : 0;
  int shown = 0;
  for (int pass = 0; pass < 2 && !shown; pass++) {
    const char *p = c->usage;
    while (*p) {
      const char *e = NULL; /* the next " | " outside brackets */
      for (int depth = 0, k = 0; p[k] && !e; k++) {
        depth += (p[k] == '(' || p[k] == '[') - (p[k] == ')' || p[k] == ']');
        if (depth == 0 && strncmp(p + k, " | ", 3) == 0) e = p + k;
      }
      size_t n = e ? (size_t)(e - p) : strlen(p);
      int match = pass == 1 || !sub ||
                  (n > nc + ns && strncmp(p + nc + 1, sub, ns) == 0 &&
                   (p[nc + 1 + ns] == ' ' || nc + 1 + ns == n));
      if (match) {
        printf("%s mtm %.*s\n", shown ? "      " : "usage:", (int)n, p);
        shown++;
      }
      p += n;
      if (e) p += 3;
    }
  }
  printf("\n%s\nThe options are explained in README.md.\n", c->help);
}

static const mtm_cmd *find(const char *name) {
  for (int i = 0; i < N_COMMANDS; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

int mtm_cli_usage(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "mtm %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  const mtm_cmd *c = find(cmd);
  if (c) fprintf(stderr, "usage: mtm %s\n", c->usage);
  return 2;
}

int mtm_cli_fail(const mtm_err *err) {
  mtm_err_print(err, stderr);
  return err->code == MTM_ESTORE ? 3 : 2;
}

int mtm_cli_open(mtm_cli *cli, mtm_store **st) {
  mtm_err err;
  mtm_err_clear(&err);
  if (mtm_store_open(st, cli->workspace, 0, &err)) return mtm_cli_fail(&err);
  return 0;
}

int mtm_cli_ws_open(mtm_cli *cli, mtm_cli_ws *w) {
  mtm_err_clear(&w->err);
  int rc = mtm_cli_open(cli, &w->st);
  if (rc) return rc;
  mtm_arena_init(&w->a);
  return 0;
}

void mtm_cli_ws_close(mtm_cli_ws *w) {
  mtm_arena_free(&w->a);
  mtm_store_close(w->st);
}

int mtm_cli_number(const char *s, long long min, long long max, long long *out) {
  long long x;
  if (!s || mtm_parse_int(mtm_slice_c(s), &x) || x < min || x > max) return -1;
  *out = x;
  return 0;
}

int mtm_cli_round(const char *cmd, const char *s, int *out) {
  long long x;
  *out = -1;
  if (!s) return 0;
  if (mtm_cli_number(s, 0, 1000000, &x))
    return mtm_cli_usage(cmd, "--round takes a round number, not '%s'", s);
  *out = (int)x;
  return 0;
}

int mtm_cli_choice(const char *cmd, const char *opt, const char *value,
                   const char *const *names) {
  int n = 0;
  for (; names[n]; n++)
    if (strcmp(value, names[n]) == 0) return n;
  mtm_buf b;
  mtm_buf_init(&b);
  for (int k = 0; k < n; k++)
    mtm_buf_printf(&b, "%s%s", k == 0 ? "" : k == n - 1 ? " or " : ", ", names[k]);
  mtm_cli_usage(cmd, "%s is %s, not '%s'", opt, b.p ? b.p : "", value);
  mtm_buf_free(&b);
  return -1;
}

int mtm_cli_write(const char *path, const mtm_buf *b) {
  mtm_err err;
  mtm_err_clear(&err);
  FILE *f = mtm_cli_out(path, &err);
  if (!f) return mtm_cli_fail(&err);
  fwrite(b->p ? b->p : "", 1, b->n, f);
  if (mtm_cli_out_close(f, path, &err)) return mtm_cli_fail(&err);
  return 0;
}

FILE *mtm_cli_out(const char *path, mtm_err *err) {
  if (!path || strcmp(path, "-") == 0) return stdout;
  FILE *f = fopen(path, "wb");
  if (!f) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    mtm_err_set(err, MTM_EIO, "cannot write the file");
  }
  return f;
}

int mtm_cli_out_close(FILE *f, const char *path, mtm_err *err) {
  if (!f) return 0;
  int bad = fflush(f) != 0 || ferror(f);
  if (f != stdout) bad |= fclose(f) != 0;
  if (bad) {
    mtm_err_where(err, path ? path : "standard output", NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "writing failed");
  }
  return 0;
}

int mtm_cli_parse(const char *cmd, int argc, char **argv, const mtm_opt *opts) {
  int n = 0;
  while (opts[n].name) n++;
  struct option *lo = mtm_xcalloc((size_t)n + 1, sizeof *lo);
  for (int i = 0; i < n; i++) {
    lo[i].name = opts[i].name;
    lo[i].has_arg = opts[i].has_arg ? required_argument : no_argument;
    lo[i].val = 1000 + i;
  }
  optind = 0; /* 0: glibc starts afresh, needed when commands run in sequence */
  opterr = 0;
  int c, idx = 0, rc = 0;
  while ((c = getopt_long(argc, argv, "", lo, &idx)) != -1) {
    if (c >= 1000 && c < 1000 + n) {
      *opts[c - 1000].value = opts[c - 1000].has_arg ? optarg : "1";
      continue;
    }
    const char *bad = argv[optind - 1];
    if (c == ':' || (c == '?' && optopt))
      rc = mtm_cli_usage(cmd, "option '%s' needs a value", bad);
    else rc = mtm_cli_usage(cmd, "unknown option '%s'", bad);
    break;
  }
  free(lo);
  return rc ? -1 : optind;
}

int main(int argc, char **argv) {
  mtm_cli cli = {0};
  cli.argv0 = argv[0];
  cli.workspace = getenv("MTM_WORKSPACE");
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-w") == 0 || strcmp(argv[i], "--workspace") == 0) {
      if (++i >= argc) {
        fputs("mtm: -w needs a workspace file\n", stderr);
        return 2;
      }
      cli.workspace = argv[i];
    } else if (strncmp(argv[i], "--workspace=", 12) == 0) {
      cli.workspace = argv[i] + 12;
    } else if (strcmp(argv[i], "-q") == 0) {
      cli.quiet = 1;
    } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(argv[i], "--version") == 0) {
      puts("mtm " MTM_VERSION);
      return 0;
    } else {
      fprintf(stderr, "mtm: unknown option '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (!cli.workspace || !*cli.workspace) cli.workspace = "mtm.db";
  if (i >= argc) {
    usage(stderr);
    return 2;
  }
  const mtm_cmd *c = find(argv[i]);
  if (!c) {
    fprintf(stderr, "mtm: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return 2;
  }
  for (int k = i + 1; k < argc && strcmp(argv[k], "--") != 0; k++)
    if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
      help(c, i + 1 < k && argv[i + 1][0] != '-' ? argv[i + 1] : NULL);
      return 0;
    }
  return c->fn(&cli, argc - i, argv + i);
}
