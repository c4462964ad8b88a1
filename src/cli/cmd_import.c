/* mtm import: KoboToolbox and ODK Central exports into the workspace. */
#include "cli/cli.h"
#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CHANGES_SHOWN 20

/* Prints the counts of one file or of the whole run. */
static void counts(long rows, long added, long changed, long unchanged, long dups, long reps,
                   long bad) {
  printf("%ld row%s, %ld new, %ld changed, %ld unchanged, %ld duplicate%s", rows,
         rows == 1 ? "" : "s", added, changed, unchanged, dups, dups == 1 ? "" : "s");
  if (reps) printf(", %ld repeat row%s", reps, reps == 1 ? "" : "s");
  if (bad) printf(", %ld cell%s stored as missing", bad, bad == 1 ? "" : "s");
}

int mtm_cmd_import(mtm_cli *cli, int argc, char **argv) {
  const char *form = NULL, *round = NULL, *keep = NULL, *idcol = NULL, *idrow = NULL;
  mtm_opt opts[] = {{"form", 1, &form},         {"round", 1, &round},
                    {"keep-going", 0, &keep},   {"id-column", 1, &idcol},
                    {"id-from-row", 0, &idrow}, {0}};
  int i = mtm_cli_parse("import", argc, argv, opts);
  if (i < 0) return 2;
  if (!form) return mtm_cli_usage("import", "--form is needed: the form_id of a form added with 'mtm form add'");
  long long rn;
  if (mtm_cli_number(round, 1, 1000000, &rn))
    return mtm_cli_usage("import", "--round is needed: the round number (1, 2, ...)");
  if (i >= argc) return mtm_cli_usage("import", "name at least one export file");
  if (idcol && idrow)
    return mtm_cli_usage("import", "--id-column and --id-from-row cannot be used together");
  if (idcol && !*idcol) return mtm_cli_usage("import", "--id-column needs a column name");
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_import_opts o = {0};
  o.form_id = form;
  o.round = (int)rn;
  o.keep_going = keep != NULL;
  o.id_column = idcol;
  o.id_from_row = idrow != NULL;
  o.nfiles = argc - i;
  o.files = (const char *const *)(argv + i);
  mtm_import_report rep;
  if (mtm_ingest_import(w.st, &o, &w.a, &rep, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    fprintf(stderr, "mtm import: nothing was imported%s\n",
            w.err.code == MTM_EINVAL && !o.keep_going && w.err.question[0]
                ? " (--keep-going stores such cells as missing and goes on)"
                : "");
    goto done;
  }
  for (int k = 0; k < rep.nwarnings; k++) fprintf(stderr, "mtm import: warning: %s\n", rep.warnings[k]);
  if (cli->quiet) goto done;
  if (rep.round_created) printf("round %d did not exist and was created\n", o.round);
  long t[7] = {0};
  for (int k = 0; k < rep.nfiles; k++) {
    const mtm_import_file *f = &rep.files[k];
    printf("imported %s: ", f->path);
    counts(f->rows, f->added, f->changed, f->unchanged, f->duplicates, f->repeat_rows,
           f->bad_cells);
    printf(" (form %s, round %d)\n", form, o.round);
    t[0] += f->rows, t[1] += f->added, t[2] += f->changed, t[3] += f->unchanged;
    t[4] += f->duplicates, t[5] += f->repeat_rows, t[6] += f->bad_cells;
    if (f->changed) {
      printf("%s: %ld submission%s changed since %s imported; the stored data was kept:\n",
             f->path, f->changed, f->changed == 1 ? "" : "s",
             f->changed == 1 ? "it was" : "they were");
      for (int c = 0; c < f->nchanges && c < MAX_CHANGES_SHOWN; c++)
        printf("  %s: %s\n", f->changes[c].uuid, f->changes[c].questions);
      if (f->changed > MAX_CHANGES_SHOWN)
        printf("  ... and %ld more\n", f->changed - MAX_CHANGES_SHOWN);
    }
  }
  printf("total: ");
  counts(t[0], t[1], t[2], t[3], t[4], t[5], t[6]);
  printf(" in %d file%s\n", rep.nfiles, rep.nfiles == 1 ? "" : "s");
done:
  mtm_cli_ws_close(&w);
  return rc;
}
