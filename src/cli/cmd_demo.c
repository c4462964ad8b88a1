/* mtm demo: a Kazakhstan-like operation with two rounds, built from the
 * bundled gazetteer and generated KoBo files by running the real commands
 * in sequence, exactly as a user would type them. */
#include "cli/cli.h"
#include "demo/demo.h"
#include "table/table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One step of the script: a command and its arguments; "%D" stands for the
 * output directory, "%G" for the bundled gazetteer directory. */
typedef struct step {
  const char *say;
  mtm_cmd_fn fn;
  const char *argv[24];
  int ok_status; /* the exit status that counts as success (check: 0 or 1) */
} step;

static const step script[] = {
    {"create the workspace", mtm_cmd_init,
     {"init", "--operation", "Kazakhstan MTM (demo)", "--operation-ru",
      "МТМ в Казахстане (демонстрация)", "--country", "KAZ", "--currency", "KZT", "--languages", "en,ru,kk"},
     0},
    /* snowball sampling, as the reference report of the operation says */
    {"declare Round 1", mtm_cmd_round,
     {"round", "add", "1", "--name", "Round 1 (2022)", "--name-ru", "Раунд 1 (2022)", "--start",
      "2022-03-01", "--end", "2022-04-15", "--usd-rate", "460.5", "--usd-rate-source",
       "assumed for the demo (close to the National Bank of Kazakhstan's rate of the period)",
       "--sampling", "snowball"},
     0},
    {"declare Round 2", mtm_cmd_round,
     {"round", "add", "2", "--name", "Round 2 (2023)", "--name-ru", "Раунд 2 (2023)", "--start",
      "2023-03-01", "--end", "2023-04-30", "--usd-rate", "451.7", "--usd-rate-source",
       "the rate implied by IOM Kazakhstan's published MTM Round 2 report", "--sampling",
       "snowball"},
     0},
    {"load the gazetteer (2018 and 2024 layers, the 2022 reform, aliases, Russian names)", mtm_cmd_areas,
     {"areas", "import", "--source", "geokz 2024 (A. Rodionov, CC BY 4.0), after OCHA COD-AB Kazakhstan",
      "%G/kaz_adm1_2018_attributes.csv", "%G/kaz_adm2_2018_attributes.csv",
      "%G/kaz_admbnda_adm1_2024.geojson", "%G/kaz_admbnda_adm2_2024.geojson",
      "%G/kaz_reform_2022.csv", "%G/kaz_successors_2022.csv", "%G/kaz_admin1_aliases.csv",
      "%G/kaz_names_ru.csv"},
     0},
    {"add both versions of the survey form", mtm_cmd_form,
     {"form", "add", "--kind", "survey", "%D/forms/migrant_worker_survey_2022.xlsx",
      "%D/forms/migrant_worker_survey_2023.xlsx"},
     0},
    {"declare the inclusion criteria", mtm_cmd_criteria,
     {"criteria", "add", "--form", DEMO_SURVEY_FORM_ID, "--label", "aged 18 or over",
      "--label-ru", "в возрасте 18 лет и старше", "${age} >= 18"},
     0},
    {NULL, mtm_cmd_criteria,
     {"criteria", "add", "--form", DEMO_SURVEY_FORM_ID, "--label", "not a Kazakh national",
      "--label-ru", "не являющиеся гражданами Казахстана", "${nationality} != 'KAZ'"},
     0},
    {NULL, mtm_cmd_criteria,
     {"criteria", "add", "--form", DEMO_SURVEY_FORM_ID, "--label",
      "working or seeking work in Kazakhstan", "--label-ru", "работающие или ищущие работу в Казахстане",
      "${working_now} = 'yes'"},
     0},
    {"import the survey, Round 1 (KoBo labels export, ';'-separated CSV)", mtm_cmd_import,
     {"import", "--form", DEMO_SURVEY_FORM_ID, "--round", "1", "%D/exports/round1_kobo_labels.csv"},
     0},
    {"add the key-informant (baseline) form, Round 1 version (2018 areas)", mtm_cmd_form,
     {"form", "add", "--kind", "baseline", "%D/forms/ki_baseline_2022.xlsx"},
     0},
    {"import the key informants, Round 1 (KoBo labels export, ';'-separated CSV)", mtm_cmd_import,
     {"import", "--form", DEMO_KI_FORM_ID, "--round", "1", "%D/exports/ki_round1_kobo_labels.csv"},
     0},
    {"check the key informants, Round 1", mtm_cmd_check,
     {"check", "--form", DEMO_KI_FORM_ID, "--round", "1", "--location", "rayon", "--outliers-by",
      "rayon", "--format", "csv", "--out", "%D/check_ki_round1.csv"},
     1},
    {"settle the rayon names the Round 1 labels export left ambiguous", mtm_cmd_clean,
     {"clean", "apply", "--by", "demo field team", "--form", DEMO_KI_FORM_ID, "--round", "1",
      "%D/cleaning_log_ki_round1.csv"},
     0},
    {"consolidate the key informants of Round 1 (its own periods: 2019 to Q1 2022)", mtm_cmd_bma,
     {"bma", "--form", DEMO_KI_FORM_ID, "--round", "1", "--mapping", "%D/forms/ki_mapping_2022.csv",
      "--out", "%D/bma_round1.csv"},
     0},
    {"import the survey, Round 2 (KoBo XML-names export, XLSX)", mtm_cmd_import,
     {"import", "--form", DEMO_SURVEY_FORM_ID, "--round", "2", "%D/exports/round2_kobo.xlsx"},
     0},
    {"add the key-informant form, Round 2 version (2024 areas)", mtm_cmd_form,
     {"form", "add", "--kind", "baseline", "%D/forms/ki_baseline_2023.xlsx"},
     0},
    {"import the key informants, Round 2 (KoBo XML-names export, XLSX)", mtm_cmd_import,
     {"import", "--form", DEMO_KI_FORM_ID, "--round", "2", "%D/exports/ki_round2_kobo.xlsx"},
     0},
    {"check the survey, Round 2", mtm_cmd_check,
     {"check", "--form", DEMO_SURVEY_FORM_ID, "--round", "2", "--format", "csv", "--out",
      "%D/check_round2.csv"},
     1},
    {"check the key informants, Round 2", mtm_cmd_check,
     {"check", "--form", DEMO_KI_FORM_ID, "--round", "2", "--location", "rayon", "--outliers-by",
      "rayon", "--format", "csv", "--out", "%D/check_ki_round2.csv"},
     1},
    {"apply the field team's cleaning log to the survey, Round 2", mtm_cmd_clean,
     {"clean", "apply", "--by", "demo field team", "--form", DEMO_SURVEY_FORM_ID, "--round", "2",
      "%D/cleaning_log_round2.csv"},
     0},
    {"check the survey, Round 2, once cleaned", mtm_cmd_check,
     {"check", "--form", DEMO_SURVEY_FORM_ID, "--round", "2", "--format", "csv", "--out",
      "%D/check_round2_cleaned.csv"},
     1},
    {"consolidate the key informants of Round 2, before the calls back", mtm_cmd_bma,
     {"bma", "--form", DEMO_KI_FORM_ID, "--round", "2", "--mapping", "%D/forms/ki_mapping_2023.csv",
      "--out", "%D/bma_round2_before_calls.csv"},
     0},
    {"call back the key informants of two rayons", mtm_cmd_bma,
     {"bma", "verify", "--round", "2", "--form", DEMO_KI_FORM_ID, "--pcode", "%{call1.pcode}",
      "--field", "%{call1.field}", "--value", "%{call1.value}", "--status", "%{call1.status}",
      "--by", "demo field officer", "--note", "%{call1.note}"},
     0},
    {NULL, mtm_cmd_bma,
     {"bma", "verify", "--round", "2", "--form", DEMO_KI_FORM_ID, "--pcode", "%{call2.pcode}",
      "--field", "%{call2.field}", "--status", "%{call2.status}", "--by", "demo field officer",
      "--note", "%{call2.note}"},
     0},
    {"the consolidated baseline of Round 2 (figures in %D/bma_round2.csv)", mtm_cmd_bma,
     {"bma", "--form", DEMO_KI_FORM_ID, "--round", "2", "--out", "%D/bma_round2.csv"},
     0},
    {NULL, mtm_cmd_bma, {"bma", "--form", DEMO_KI_FORM_ID, "--round", "2", "--summary"}, 0},
    {"the sample plan of the Round 2 survey: 95% confidence, 3% margin, design effect 1.1, "
     "from the migrant workers who arrived in Q1 2023 (plan in %D/sample_round2.csv)",
     mtm_cmd_sample,
     {"sample", "--round", "2", "--population", "migrant_worker", "--period", "2023Q1", "--form",
      DEMO_KI_FORM_ID, "--level", "1", "--margin", "0.03", "--deff", "1.1", "--min-per-stratum",
      "10", "--out", "%D/sample_round2.csv", "--save"},
     0},
    {"status", mtm_cmd_status, {"status"}, 0},
    /* --public: the report is what gets published, so cells of fewer than
     * 5 respondents are hidden, as in every public output */
    {"the public report of Round 2 compared with Round 1, in English (%D/report-en)", mtm_cmd_report,
     {"report", "--round", "2", "--compare", "1", "--lang", "en", "--public", "--text", "%D/text",
      "--date", "2023-06-30", "--out", "%D/report-en"},
     0},
    {"the same report in Russian (%D/report-ru)", mtm_cmd_report,
     {"report", "--round", "2", "--compare", "1", "--lang", "ru", "--public", "--text", "%D/text",
      "--date", "2023-06-30", "--out", "%D/report-ru"},
     0},
};

static int mkdir_p(const char *path) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      if (mkdir(tmp, 0777) && errno != EEXIST) return -1;
      *p = '/';
    }
  return mkdir(tmp, 0777) && errno != EEXIST ? -1 : 0;
}

/* Prints how many findings of each rule a check wrote to its CSV file, and
 * where the file is. */
static void summarize_findings(const char *path) {
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t;
  if (mtm_table_open(&t, path, NULL, &err)) {
    mtm_err_print(&err, stderr);
    return;
  }
  struct {
    char rule[32], sev[16];
    int n;
  } c[32];
  int nc = 0, total = 0, irule = -1, isev = -1, rc;
  mtm_row r;
  while ((rc = mtm_table_next(t, &r, &err)) == 1) {
    if (irule < 0) {
      for (int i = 0; i < r.n; i++) {
        if (mtm_slice_eq(r.cells[i], "rule")) irule = i;
        if (mtm_slice_eq(r.cells[i], "severity")) isev = i;
      }
      if (irule < 0 || isev < 0) break;
      continue;
    }
    if (r.n <= irule || r.n <= isev) continue;
    int k = 0;
    while (k < nc && !(mtm_slice_eq(r.cells[irule], c[k].rule) &&
                       mtm_slice_eq(r.cells[isev], c[k].sev)))
      k++;
    if (k == nc && nc < 32) {
      snprintf(c[k].rule, sizeof c[k].rule, "%.*s", (int)r.cells[irule].n, r.cells[irule].p);
      snprintf(c[k].sev, sizeof c[k].sev, "%.*s", (int)r.cells[isev].n, r.cells[isev].p);
      c[k].n = 0;
      nc++;
    }
    if (k < nc) c[k].n++;
    total++;
  }
  mtm_table_close(t);
  printf("%d finding%s in %s", total, total == 1 ? "" : "s", path);
  for (int k = 0; k < nc; k++)
    printf("%s%d %s (%s)", k ? ", " : ": ", c[k].n, c[k].rule, c[k].sev);
  printf("\n");
}

/* The values the script's %-markers stand for: "%D" the output
 * directory, "%G" the gazetteer directory, "%{NAME}" a value the generator
 * chose (which rayon to call back, for instance). */
typedef struct var {
  const char *name, *value;
} var;

/* Prints the interviews per area of a sample plan's CSV file, in the
 * file's (the gazetteer's) order, leaving out the areas not assessed. */
static void print_plan(const char *path) {
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t;
  if (mtm_table_open(&t, path, NULL, &err)) {
    mtm_err_print(&err, stderr);
    return;
  }
  mtm_row r;
  int iname = -1, ipc = -1, isample = -1, rc;
  fflush(stdout);
  printf("interviews per region:\n");
  while ((rc = mtm_table_next(t, &r, &err)) == 1) {
    if (iname < 0) {
      for (int i = 0; i < r.n; i++) {
        if (mtm_slice_eq(r.cells[i], "name")) iname = i;
        if (mtm_slice_eq(r.cells[i], "pcode")) ipc = i;
        if (mtm_slice_eq(r.cells[i], "sample")) isample = i;
      }
      if (iname < 0 || ipc < 0 || isample < 0) break;
      continue;
    }
    if (r.n <= isample || r.n <= iname || r.n <= ipc || !r.cells[isample].n) continue;
    printf("  %-24.*s %-6.*s %6.*s\n", (int)r.cells[iname].n, r.cells[iname].p,
           (int)r.cells[ipc].n, r.cells[ipc].p, (int)r.cells[isample].n, r.cells[isample].p);
  }
  mtm_table_close(t);
}

static char *expand(mtm_arena *a, const char *s, const var *vars, int nvars) {
  mtm_buf b;
  mtm_buf_init(&b);
  for (; *s; s++) {
    size_t len = 0;
    const char *name = NULL;
    if (s[0] == '%' && (s[1] == 'D' || s[1] == 'G')) name = s + 1, len = 1;
    else if (s[0] == '%' && s[1] == '{' && strchr(s, '}'))
      name = s + 2, len = (size_t)(strchr(s, '}') - name);
    int k = 0;
    while (name && k < nvars && !(strlen(vars[k].name) == len && !strncmp(vars[k].name, name, len)))
      k++;
    if (name && k < nvars) {
      mtm_buf_adds(&b, vars[k].value);
      s = name + len - (s[1] == '{' ? 0 : 1);
    } else mtm_buf_addc(&b, *s);
  }
  char *r = mtm_arena_strdup(a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return r;
}

/* Writes the forms and the exports the script imports. */
static int generate(const char *dir, const char *data, uint64_t seed, int n1, int n2,
                    mtm_arena *keep, var *vars, int *nvars, mtm_err *err) {
  mtm_arena a;
  mtm_arena_init(&a);
  char p[4096];
  demo_area *reg18, *ray18, *reg24, *ray24;
  int nreg18, nray18, nreg24, nray24, rc;
#define GEO(file) (snprintf(p, sizeof p, "%s/geo/kazakhstan/%s", data, file), p)
  if ((rc = demo_load_areas(GEO("kaz_adm1_2018_attributes.csv"), 1, &a, &reg18, &nreg18, err)) ||
      (rc = demo_load_areas(GEO("kaz_adm2_2018_attributes.csv"), 2, &a, &ray18, &nray18, err)) ||
      (rc = demo_load_areas(GEO("kaz_adm1_2024_attributes.csv"), 1, &a, &reg24, &nreg24, err)) ||
      (rc = demo_load_areas(GEO("kaz_adm2_2024_attributes.csv"), 2, &a, &ray24, &nray24, err)))
    goto done;
#undef GEO
#define OUT(file) (snprintf(p, sizeof p, "%s/%s", dir, file), p)
  if ((rc = demo_write_form(OUT("forms/migrant_worker_survey_2022.xlsx"), "2022.1", reg18, nreg18,
                            ray18, nray18, err)) ||
      (rc = demo_write_form(OUT("forms/migrant_worker_survey_2023.xlsx"), "2023.1", reg24, nreg24,
                            ray24, nray24, err)))
    goto done;
  /* Round 1: March to mid-April 2022, before the reform; Round 2: March
   * and April 2023. */
  demo_round_spec r1 = {1, reg18, ray18, nreg18, nray18, mtm_days_from_civil(2022, 3, 1), 45};
  demo_round_spec r2 = {2, reg24, ray24, nreg24, nray24, mtm_days_from_civil(2023, 3, 1), 60};
  demo_respondent *p1, *p2;
  int m1 = demo_draw_round(&r1, n1, seed * 2 + 1, &a, &p1);
  int m2 = demo_draw_round(&r2, n2, seed * 2 + 2, &a, &p2);
  if ((rc = demo_write_csv(OUT("exports/round1_kobo_labels.csv"), &demo_survey_qset, &r1, p1, m1,
                           "2022.1", err)) ||
      (rc = demo_write_xlsx(OUT("exports/round2_kobo.xlsx"), &demo_survey_qset, &r2, p2, m2,
                            "2023.1", err)))
    goto done;
  if ((rc = demo_write_cleaning_log(OUT("cleaning_log_round2.csv"), p2, m2, err))) goto done;
  if ((rc = demo_write_text(OUT("text"), err))) goto done;

  /* The key informants. Round 1 (March 2022, 2018 layer) counts arrivals
   * from 2019 to Q1 2022 and knows return migrants and emigrants; Round 2
   * (March 2023, 2024 layer) is drawn to the published baseline and has
   * migrant workers only. */
  demo_ki_spec k1 = {1,
                     2018,
                     {"2019", "2020", "2021", "2022Q1"},
                     {0.30, 0.15, 0.45, 0.10},
                     598000,
                     {0.70, 0.125, 0.09, 0.055, 0.018, 0.007, 0.005},
                     41000,
                     88000,
                     0.9,
                     262,
                     reg18,
                     ray18,
                     nreg18,
                     nray18,
                     mtm_days_from_civil(2022, 3, 1),
                     28};
  demo_ki_spec k2 = {2,
                     2024,
                     {"2020", "2021", "2022", "2023Q1"},
                     {0.170, 0.270, 0.48255, 0.07745},
                     724534,
                     {0.636, 0.196, 0.096, 0.046, 0.016, 0.006, 0.004},
                     38000,
                     92000,
                     0.03,
                     270,
                     reg24,
                     ray24,
                     nreg24,
                     nray24,
                     mtm_days_from_civil(2023, 3, 1),
                     28};
  const demo_ki_spec *ks[2] = {&k1, &k2};
  for (int k = 0; k < 2; k++) {
    demo_qset qs;
    demo_ki_qset(ks[k], &a, &qs);
    demo_ki_truth *t;
    demo_respondent *ki;
    int nt, nki;
    const char *year = k ? "2023" : "2022", *version = k ? "2023.1" : "2022.1";
    const demo_round_spec *rs = k ? &r2 : &r1;
    char name[64];
    snprintf(name, sizeof name, "forms/ki_baseline_%s.xlsx", year);
    if ((rc = demo_write_xlsform(OUT(name), &qs, version, rs->regions, rs->nregions, rs->rayons,
                                 rs->nrayons, err)))
      goto done;
    snprintf(name, sizeof name, "forms/ki_mapping_%s.csv", year);
    if ((rc = demo_ki_write_mapping(OUT(name), ks[k], err))) goto done;
    demo_ki_draw(ks[k], seed * 2 + 11 + (uint64_t)k, &a, &t, &nt);
    nki = demo_ki_interviews(ks[k], &qs, t, nt, seed * 2 + 21 + (uint64_t)k, &a, &ki);
    if (k) { /* the phone calls back of Round 2 */
      demo_ki_call calls[2];
      demo_ki_calls(ks[k], &qs, t, nt, ki, &a, calls);
      for (int c = 0; c < 2; c++) {
        if (!calls[c].pcode) continue;
        const char *v[] = {calls[c].pcode, calls[c].field, mtm_arena_printf(&a, "%ld", calls[c].value),
                           calls[c].status, calls[c].note};
        const char *names[] = {"pcode", "field", "value", "status", "note"};
        for (int j = 0; j < 5; j++) {
          vars[*nvars].name = mtm_arena_printf(keep, "call%d.%s", c + 1, names[j]);
          vars[*nvars].value = mtm_arena_strdup(keep, v[j]);
          (*nvars)++;
        }
      }
    }
    if (!k && (rc = demo_ki_write_cleaning_log(OUT("cleaning_log_ki_round1.csv"), ks[k], t, nt,
                                               ki, err)))
      goto done;
    if ((rc = k ? demo_write_xlsx(OUT("exports/ki_round2_kobo.xlsx"), &qs, rs, ki, nki, version,
                                  err)
                : demo_write_csv(OUT("exports/ki_round1_kobo_labels.csv"), &qs, rs, ki, nki,
                                 version, err)))
      goto done;
  }
#undef OUT
done:
  mtm_arena_free(&a);
  return rc;
}

int mtm_cmd_demo(mtm_cli *cli, int argc, char **argv) {
  const char *out = NULL, *seed_s = NULL, *n1_s = NULL, *n2_s = NULL;
  mtm_opt opts[] = {{"out", 1, &out}, {"seed", 1, &seed_s}, {"round1", 1, &n1_s},
                    {"round2", 1, &n2_s}, {0}};
  int i = mtm_cli_parse("demo", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("demo", "unexpected argument '%s'", argv[i]);
  if (!out) return mtm_cli_usage("demo", "say where to write the demo with --out DIR");
  /* Round 2: 1,138 interviews (the sample plan asks for 1,150), and 4
   * submitted twice; once cleaned and without the refusals, 1,129 eligible
   * respondents, as in the publication */
  long long seed = 2023, n1 = 1000, n2 = 1138;
  if ((seed_s && mtm_parse_int(mtm_slice_c(seed_s), &seed)) ||
      (n1_s && (mtm_parse_int(mtm_slice_c(n1_s), &n1) || n1 < 1 || n1 > 10000000)) ||
      (n2_s && (mtm_parse_int(mtm_slice_c(n2_s), &n2) || n2 < 1 || n2 > 10000000)))
    return mtm_cli_usage("demo", "--seed, --round1 and --round2 take whole numbers");
  char forms[4096], exports[4096];
  snprintf(forms, sizeof forms, "%s/forms", out);
  snprintf(exports, sizeof exports, "%s/exports", out);
  if (mkdir_p(forms) || mkdir_p(exports)) {
    fprintf(stderr, "mtm demo: cannot create %s: %s\n", out, strerror(errno));
    return 2;
  }
  const char *data = mtm_demo_data_dir();
  char geo[4096];
  snprintf(geo, sizeof geo, "%s/geo/kazakhstan", data);
  mtm_err err;
  mtm_err_clear(&err);
  mtm_arena a;
  mtm_arena_init(&a);
  var vars[16] = {{"D", out}, {"G", geo}};
  int nvars = 2;
  if (generate(out, data, (uint64_t)seed, (int)n1, (int)n2, &a, vars, &nvars, &err)) {
    mtm_arena_free(&a);
    return mtm_cli_fail(&err);
  }

  /* A fresh workspace every time, so the demo is the same on every run. */
  char ws[4096];
  snprintf(ws, sizeof ws, "%s/mtm-demo.db", out);
  const char *sfx[] = {"", "-wal", "-shm"};
  for (int k = 0; k < 3; k++) {
    char f[4200];
    snprintf(f, sizeof f, "%s%s", ws, sfx[k]);
    unlink(f);
  }
  mtm_cli sub = *cli;
  sub.workspace = ws;
  printf("mtm demo: building %s\n", ws);
  int rc = 0;
  for (size_t s = 0; s < sizeof script / sizeof script[0] && !rc; s++) {
    char *args[24];
    int n = 0;
    for (; n < 23 && script[s].argv[n]; n++) args[n] = expand(&a, script[s].argv[n], vars, nvars);
    args[n] = NULL;
    if (script[s].say) printf("\n== %s\n", expand(&a, script[s].say, vars, nvars));
    fflush(stdout); /* the command's messages on stderr come after its heading */
    int st = script[s].fn(&sub, n, args);
    fflush(stdout);
    if (script[s].fn == mtm_cmd_check && (st == 0 || st == 1)) summarize_findings(args[n - 1]);
    if (script[s].fn == mtm_cmd_sample && st == 0) print_plan(args[n - 2]);
    if (st != 0 && st != script[s].ok_status) {
      fprintf(stderr, "mtm demo: step '%s' failed (exit %d)\n", args[0], st);
      rc = st;
    }
  }
  mtm_arena_free(&a);
  if (!rc)
    printf("\nmtm demo: done. Workspace %s\n"
           "  forms, mappings and KoBo exports: %s/forms, %s/exports\n"
           "  findings: %s/check_*.csv; cleaning logs: %s/cleaning_log_*.csv\n"
           "  baseline figures: %s/bma_round1.csv, %s/bma_round2.csv; sample plan: "
           "%s/sample_round2.csv\n"
           "  report: %s/report-en/report.html and report.pdf; in Russian: %s/report-ru\n",
           ws, out, out, out, out, out, out, out, out, out);
  return rc;
}
