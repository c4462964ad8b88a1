/* mtm bma: key-informant figures consolidated per location and added up
 * the hierarchy; mtm bma verify: phone verifications of those figures. */
#include "bma/bma.h"
#include "cli/cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Reads --round; returns 0 or prints the usage and returns 2. */
static int round_arg(const char *cmd, const char *s, int *out) {
  long long n;
  if (mtm_cli_number(s, 1, 1000000, &n))
    return mtm_cli_usage(cmd, "--round is needed: the round number (1, 2, ...)");
  *out = (int)n;
  return 0;
}

/* 1 when path ends with ext (case-insensitive). */
static int ends_with(const char *path, const char *ext) {
  size_t n = strlen(path), k = strlen(ext);
  return n >= k && mtm_strcasecmp(path + n - k, ext) == 0;
}

static int cmd_verify(mtm_cli *cli, int argc, char **argv) {
  const char *form = NULL, *round = NULL, *pcode = NULL, *field = NULL, *value = NULL,
             *status = NULL, *by = NULL, *note = NULL, *from = NULL, *list = NULL;
  mtm_opt opts[] = {{"form", 1, &form},     {"round", 1, &round}, {"pcode", 1, &pcode},
                    {"field", 1, &field},   {"value", 1, &value}, {"status", 1, &status},
                    {"by", 1, &by},         {"note", 1, &note},   {"from", 1, &from},
                    {"list", 0, &list},     {0}};
  int i = mtm_cli_parse("bma", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("bma", "unexpected argument '%s'", argv[i]);
  int rn = 0;
  if (round_arg("bma", round, &rn)) return 2;
  int single = pcode || field || value || status || by || note;
  if ((list != NULL) + (from != NULL) + (single != 0) != 1)
    return mtm_cli_usage("bma",
                         "verify takes either --pcode, --field, --status and --by (one figure), "
                         "or --from FILE.csv, or --list");
  if (single) {
    if (!pcode) return mtm_cli_usage("bma", "verify needs --pcode: the location's P-code");
    if (!field) return mtm_cli_usage("bma", "verify needs --field: the mapped question");
    if (!status)
      return mtm_cli_usage("bma", "verify needs --status verified, updated or unreachable");
    if (!by) return mtm_cli_usage("bma", "verify needs --by: who made the phone call");
  }
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  if (list) {
    const char *fid;
    mtm_store_bma_verif *v;
    int n;
    if (mtm_bma_verify_list(w.st, form, rn, &w.a, &fid, &v, &n, &w.err)) {
      rc = mtm_cli_fail(&w.err);
      goto done;
    }
    mtm_buf b;
    mtm_buf_init(&b);
    mtm_buf_adds(&b, "id,at,pcode,field,status,old_value,new_value,by,note,source\n");
    for (int k = 0; k < n; k++) {
      mtm_buf_printf(&b, "%lld,%s,", (long long)v[k].id, v[k].at);
      mtm_buf_add_csv(&b, v[k].pcode);
      mtm_buf_addc(&b, ',');
      mtm_buf_add_csv(&b, v[k].field);
      mtm_buf_printf(&b, ",%s,", v[k].status);
      if (v[k].has_old) mtm_buf_printf(&b, "%.15g", v[k].old_value);
      mtm_buf_addc(&b, ',');
      if (v[k].has_new) mtm_buf_printf(&b, "%.15g", v[k].new_value);
      mtm_buf_addc(&b, ',');
      mtm_buf_add_csv(&b, v[k].who);
      mtm_buf_addc(&b, ',');
      mtm_buf_add_csv(&b, v[k].note ? v[k].note : "");
      mtm_buf_addc(&b, ',');
      mtm_buf_add_csv(&b, v[k].source ? v[k].source : "");
      mtm_buf_addc(&b, '\n');
    }
    fputs(b.p, stdout);
    mtm_buf_free(&b);
  } else if (from) {
    int n;
    if (mtm_bma_verify_file(w.st, form, rn, from, &n, &w.err)) {
      rc = mtm_cli_fail(&w.err);
      fputs("mtm bma: no verification was recorded\n", stderr);
      goto done;
    }
    if (!cli->quiet)
      printf("recorded %d verification%s from %s (round %d)\n", n, n == 1 ? "" : "s", from, rn);
  } else {
    mtm_bma_verif_in in = {form, rn, pcode, field, value, status, by, note};
    double old;
    int has_old;
    if (mtm_bma_verify(w.st, &in, &old, &has_old, &w.err)) {
      rc = mtm_cli_fail(&w.err);
      goto done;
    }
    if (!cli->quiet) {
      printf("recorded: %s %s %s by %s (consolidated figure ", pcode, field, status, by);
      if (has_old) printf("%.15g", old);
      else printf("none");
      if (!strcmp(status, "updated")) printf(", now %s", value);
      printf(")\n");
    }
  }
done:
  mtm_cli_ws_close(&w);
  return rc;
}

int mtm_cmd_bma(mtm_cli *cli, int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "verify") == 0) return cmd_verify(cli, argc - 1, argv + 1);
  const char *form = NULL, *round = NULL, *mapping = NULL, *location = NULL, *method = NULL,
             *ratio = NULL, *level = NULL, *format = NULL, *wide = NULL, *out = NULL,
             *summary = NULL, *lang = NULL;
  mtm_opt opts[] = {{"form", 1, &form},         {"round", 1, &round},   {"mapping", 1, &mapping},
                    {"location", 1, &location}, {"method", 1, &method}, {"disagreement", 1, &ratio},
                    {"level", 1, &level},       {"format", 1, &format}, {"wide", 0, &wide},
                    {"out", 1, &out},           {"summary", 0, &summary}, {"lang", 1, &lang},
                    {0}};
  int i = mtm_cli_parse("bma", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("bma", "unexpected argument '%s'", argv[i]);
  mtm_bma_opts o = {0};
  if (round_arg("bma", round, &o.round)) return 2;
  if (method && mtm_bma_method_parse(method, &o.method))
    return mtm_cli_usage("bma", "--method '%s' is not one of median, mean, max, min", method);
  if (ratio) {
    double d;
    if (mtm_parse_double(mtm_slice_c(ratio), &d) || !(d >= 1) || !isfinite(d))
      return mtm_cli_usage("bma", "--disagreement '%s' is not a ratio of 1 or more (max/min)",
                           ratio);
    o.disagreement = d;
  }
  int lv = -1;
  if (level) {
    long long n;
    if (mtm_parse_int(mtm_slice_c(level), &n) || n < 0 || n > 9)
      return mtm_cli_usage("bma", "--level '%s' is not an admin level (0, 1, 2, ...)", level);
    lv = (int)n;
  }
  if (!format && out) format = ends_with(out, ".xlsx") ? "xlsx" : ends_with(out, ".json") ? "json" : NULL;
  if (!format) format = summary ? "text" : "csv";
  int fmt_csv = !strcmp(format, "csv"), fmt_json = !strcmp(format, "json"),
      fmt_xlsx = !strcmp(format, "xlsx"), fmt_text = !strcmp(format, "text");
  if (!fmt_csv && !fmt_json && !fmt_xlsx && !fmt_text)
    return mtm_cli_usage("bma", "--format '%s' is not one of csv, json, xlsx (text with --summary)",
                         format);
  if (summary && !fmt_text && !fmt_json)
    return mtm_cli_usage("bma", "--summary is text, or JSON with --format json");
  if (fmt_text && !summary) return mtm_cli_usage("bma", "--format text goes with --summary");
  if (fmt_xlsx && (!out || !strcmp(out, "-")))
    return mtm_cli_usage("bma", "--format xlsx needs --out FILE.xlsx");
  if (wide && !fmt_csv && !fmt_xlsx)
    return mtm_cli_usage("bma", "--wide is a CSV or XLSX layout");
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_store *st = w.st;
  mtm_err *err = &w.err;
  mtm_arena *a = &w.a;
  mtm_buf b;
  mtm_buf_init(&b);
  const char *fid;
  if (mtm_bma_form_pick(st, form, o.round, a, &fid, err)) goto fail;
  if (mapping || location) {
    if (mtm_bma_mapping_save_round(st, fid, o.round, mapping, location, err)) {
      rc = mtm_cli_fail(err);
      fprintf(stderr, "mtm bma: the %s was not stored\n", mapping ? "mapping" : "location");
      goto done;
    }
  }
  o.form_id = fid;
  o.lang = lang;
  mtm_bma_result r;
  mtm_bma_summary s;
  if (mtm_bma_consolidate(st, &o, a, &r, err)) goto fail;
  if (lv > r.location_level) {
    rc = mtm_cli_usage("bma", "--level %d is deeper than the locations, which are of level %d", lv,
                       r.location_level);
    goto done;
  }
  if (mtm_bma_summarize(&r, 5, a, &s, err)) goto fail;
  int wide_lv = lv < 0 ? r.location_level : lv; /* a wide table needs one level */
  if (fmt_xlsx) {
    if (mtm_bma_write_xlsx(&r, &s, wide ? wide_lv : lv, wide != NULL,
                           out, err))
      goto fail;
  } else {
    if (summary && fmt_text) mtm_bma_write_summary_text(&r, &s, &b);
    else if (summary) mtm_bma_write_summary_json(&r, &s, &b);
    else if (fmt_json) mtm_bma_write_json(&r, &s, lv, &b);
    else if (wide) mtm_bma_write_wide_csv(&r, wide_lv, &b);
    else mtm_bma_write_long_csv(&r, lv, &b);
    if ((rc = mtm_cli_write(out, &b))) goto done;
  }
  /* CSV and XLSX carry no sentence about the method: say it here. */
  if ((fmt_csv || fmt_xlsx) && !cli->quiet) {
    fprintf(stderr,
            "mtm bma: form %s, round %d: %s; %d location%s of level %d, %ld key-informant "
            "submission%s (%ld located); a missing figure is left out of the sums, never counted "
            "as zero (see locations_reporting)\n",
            r.form_id, r.round, mtm_bma_method_sentence(r.method), r.locations,
            r.locations == 1 ? "" : "s", r.location_level, r.submissions,
            r.submissions == 1 ? "" : "s", r.located);
    for (int k = 0; k < r.nnotes; k++) fprintf(stderr, "mtm bma: note: %s\n", r.notes[k]);
  }
  goto done;
fail:
  rc = mtm_cli_fail(err);
done:
  mtm_buf_free(&b);
  mtm_cli_ws_close(&w);
  return rc;
}
