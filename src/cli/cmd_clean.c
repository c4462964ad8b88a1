/* mtm clean: apply a cleaning log, export the log, show raw and clean. */
#include "clean/clean.h"
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static int clean_apply(mtm_cli *cli, int argc, char **argv) {
  const char *by = NULL, *form = NULL, *round = NULL, *skip = NULL, *dry = NULL;
  mtm_opt opts[] = {{"by", 1, &by},          {"form", 1, &form}, {"round", 1, &round},
                    {"skip-unknown", 0, &skip}, {"dry-run", 0, &dry}, {0}};
  int i = mtm_cli_parse("clean", argc, argv, opts);
  if (i < 0) return 2;
  if (i >= argc) return mtm_cli_usage("clean", "clean apply needs a cleaning log file (CSV or XLSX)");
  if (i + 1 < argc) return mtm_cli_usage("clean", "clean apply takes one log file, not '%s' too", argv[i + 1]);
  mtm_clean_opts o = {by, form, -1, skip != NULL, dry != NULL};
  if (mtm_cli_round("clean", round, &o.round)) return 2;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_clean_log log;
  mtm_clean_report r;
  if ((rc = mtm_clean_read(argv[i], &w.a, &log, &w.err))) {
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  rc = mtm_clean_apply(w.st, &log, &o, &w.a, &r, &w.err);
  if (rc && r.nproblems) {
    for (int k = 0; k < r.nproblems; k++) mtm_err_print(&r.problems[k], stderr);
    fprintf(stderr, "mtm clean: %d row%s of %s refused; nothing was applied\n", r.nproblems,
            r.nproblems == 1 ? "" : "s", argv[i]);
    rc = 2;
    goto done;
  }
  if (rc) {
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  if (!cli->quiet) {
    printf("%s %s: %d changed, %d blanked, %d removed", o.dry_run ? "checked (dry run, nothing applied)" : "applied",
           argv[i], r.changed, r.blanked, r.removed);
    printf("; %d reviewed with no action; %d already applied; %d skipped\n", r.reviewed,
           r.already, r.skipped);
    for (int k = 0; k < r.nnotes; k++) printf("  %s\n", r.notes[k]);
  }
done:
  mtm_cli_ws_close(&w);
  return rc;
}

static int clean_log(mtm_cli *cli, int argc, char **argv) {
  const char *form = NULL, *round = NULL, *format = "csv", *out = NULL;
  mtm_opt opts[] = {{"form", 1, &form}, {"round", 1, &round}, {"format", 1, &format},
                    {"out", 1, &out}, {0}};
  int i = mtm_cli_parse("clean", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("clean", "unexpected argument '%s'", argv[i]);
  int xlsx = mtm_cli_choice("clean", "--format", format, (const char *const[]){"csv", "xlsx", NULL});
  if (xlsx < 0) return 2;
  if (xlsx && (!out || strcmp(out, "-") == 0))
    return mtm_cli_usage("clean", "--format xlsx needs --out FILE.xlsx");
  int rn;
  if (mtm_cli_round("clean", round, &rn)) return 2;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_store_formref fr = {0};
  if (form && mtm_store_form_find(w.st, form, &w.a, &fr, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  if (xlsx) {
    if (mtm_clean_export_xlsx(w.st, fr.id, rn, out, &w.err)) rc = mtm_cli_fail(&w.err);
    goto done;
  }
  mtm_buf b;
  mtm_buf_init(&b);
  if (mtm_clean_export_csv(w.st, fr.id, rn, &b, &w.err)) rc = mtm_cli_fail(&w.err);
  else rc = mtm_cli_write(out, &b);
  mtm_buf_free(&b);
done:
  mtm_cli_ws_close(&w);
  return rc;
}

static int clean_show(mtm_cli *cli, int argc, char **argv) {
  const char *form = NULL, *round = NULL, *uuid = NULL, *format = "text";
  mtm_opt opts[] = {{"form", 1, &form}, {"round", 1, &round}, {"uuid", 1, &uuid},
                    {"format", 1, &format}, {0}};
  int i = mtm_cli_parse("clean", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("clean", "unexpected argument '%s'", argv[i]);
  if (!form || !round || !uuid)
    return mtm_cli_usage("clean", "clean show needs --form FORM_ID --round N --uuid UUID");
  int csv = mtm_cli_choice("clean", "--format", format, (const char *const[]){"text", "csv", NULL});
  if (csv < 0) return 2;
  int rn;
  if (mtm_cli_round("clean", round, &rn)) return 2;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_clean_view v;
  if (mtm_clean_show(w.st, form, rn, uuid, &w.a, &v, &w.err)) rc = mtm_cli_fail(&w.err);
  else {
    mtm_buf b;
    mtm_buf_init(&b);
    if (csv) mtm_clean_show_csv(&b, &v);
    else mtm_clean_show_text(&b, &v);
    fwrite(b.p, 1, b.n, stdout);
    mtm_buf_free(&b);
  }
  mtm_cli_ws_close(&w);
  return rc;
}

int mtm_cmd_clean(mtm_cli *cli, int argc, char **argv) {
  if (argc < 2) return mtm_cli_usage("clean", "say apply, log or show");
  if (strcmp(argv[1], "apply") == 0) return clean_apply(cli, argc - 1, argv + 1);
  if (strcmp(argv[1], "log") == 0) return clean_log(cli, argc - 1, argv + 1);
  if (strcmp(argv[1], "show") == 0) return clean_show(cli, argc - 1, argv + 1);
  return mtm_cli_usage("clean", "unknown subcommand '%s': use apply, log or show", argv[1]);
}
