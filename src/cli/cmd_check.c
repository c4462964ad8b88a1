/* mtm check and mtm criteria: findings on a form's submissions, and the
 * inclusion criteria they are held to. */
#include "check/check.h"
#include "cli/cli.h"
#include "geo/geo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The area rule's view of the gazetteer. */
static mtm_area_match resolve_area(void *ctx, const char *value, mtm_arena *a,
                                   const char **candidates, int *level) {
  mtm_geo_match m;
  mtm_err e;
  mtm_err_clear(&e);
  *candidates = NULL;
  *level = -1;
  int rc = mtm_geo_find(ctx, value, -1, NULL, NULL, &m, &e);
  if (rc == MTM_GEO_FOUND) {
    if (m.by == MTM_GEO_BY_PCODE && m.n > 0) *level = m.c[0].level;
    return MTM_AREA_FOUND;
  }
  if (rc == MTM_GEO_AMBIGUOUS) {
    mtm_buf b;
    mtm_buf_init(&b);
    for (int i = 0; i < m.n && i < MTM_GEO_MAX_CANDIDATES; i++)
      mtm_buf_printf(&b, "%s%s %s (admin%d)", i ? ", " : "", m.c[i].pcode, m.c[i].name,
                     m.c[i].level);
    *candidates = mtm_arena_strdup(a, b.p ? b.p : "");
    mtm_buf_free(&b);
    return MTM_AREA_AMBIGUOUS;
  }
  return MTM_AREA_UNKNOWN;
}

/* Reads a positive number option; returns 0 or prints the usage. */
static int positive(const char *cmd, const char *opt, const char *s, double *out) {
  if (!s) return 0;
  if (mtm_parse_double(mtm_slice_c(s), out) || !(*out > 0) || !isfinite(*out))
    return mtm_cli_usage(cmd, "%s takes a positive number, not '%s'", opt, s);
  return 0;
}

int mtm_cmd_check(mtm_cli *cli, int argc, char **argv) {
  const char *form = NULL, *round = NULL, *format = "text", *mind = NULL, *by = NULL,
             *loc = NULL, *sev = "info", *ratio = NULL, *out = NULL;
  mtm_opt opts[] = {{"form", 1, &form},         {"round", 1, &round},
                    {"format", 1, &format},     {"min-duration", 1, &mind},
                    {"outliers-by", 1, &by},    {"location", 1, &loc},
                    {"severity", 1, &sev},      {"disagreement", 1, &ratio},
                    {"out", 1, &out},           {0}};
  int i = mtm_cli_parse("check", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("check", "unexpected argument '%s'", argv[i]);
  if (!form) return mtm_cli_usage("check", "--form FORM_ID is required");
  if (!round) return mtm_cli_usage("check", "--round N is required");
  int rn;
  if (mtm_cli_round("check", round, &rn)) return 2;
  enum { TEXT, CSV, JSON };
  int fmt =
      mtm_cli_choice("check", "--format", format, (const char *const[]){"text", "csv", "json", NULL});
  if (fmt < 0) return 2;
  mtm_severity minsev;
  if (mtm_severity_parse(sev, &minsev))
    return mtm_cli_usage("check", "--severity is error, warning or info, not '%s'", sev);
  mtm_check_opts o = {0};
  o.lang = -1;
  o.today = mtm_today();
  o.outliers_by = by;
  o.location = loc;
  if (positive("check", "--min-duration", mind, &o.min_duration) ||
      positive("check", "--disagreement", ratio, &o.disagreement))
    return 2;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_geo *geo = NULL;
  if (mtm_geo_open(w.st, &geo, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  if (mtm_geo_count(geo) > 0) {
    o.area = resolve_area;
    o.area_ctx = geo;
  }
  mtm_finding *f;
  int n, nnotes;
  const char **notes;
  rc = mtm_check_store(w.st, form, rn, &o, &w.a, &f, &n, &notes, &nnotes, &w.err);
  if (rc) {
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  int errors = 0;
  for (int k = 0; k < n; k++) errors += f[k].severity == MTM_SEV_ERROR;
  n = mtm_check_filter(f, n, minsev);
  mtm_buf b;
  mtm_buf_init(&b);
  if (fmt == CSV) mtm_check_write_csv(&b, f, n);
  else if (fmt == JSON) mtm_check_write_json(&b, f, n, notes, nnotes);
  else {
    mtm_check_write_text(&b, f, n);
    for (int k = 0; k < nnotes; k++) mtm_buf_printf(&b, "note: %s\n", notes[k]);
  }
  if (fmt == CSV)
    for (int k = 0; k < nnotes; k++) fprintf(stderr, "note: %s\n", notes[k]);
  rc = mtm_cli_write(out, &b);
  if (!rc) rc = errors ? 1 : 0;
  mtm_buf_free(&b);
done:
  mtm_geo_close(geo);
  mtm_cli_ws_close(&w);
  return rc;
}

static int criteria_add2(mtm_cli *cli, int argc, char **argv, const mtm_cli_texts *labels);

/* criteria add: an inclusion criterion (an expression), or the consent
 * question (--consent Q, with --consent-value V when the form cannot tell
 * which answer gives consent), or both; --label-LANG gives the label in
 * another of the operation's languages. */
static int criteria_add(mtm_cli *cli, int argc, char **argv) {
  mtm_cli_texts labels;
  if (mtm_cli_take_texts("criteria", "label", &argc, argv, &labels)) return 2;
  int rc = criteria_add2(cli, argc, argv, &labels);
  mtm_cli_texts_free(&labels);
  return rc;
}

static int criteria_add2(mtm_cli *cli, int argc, char **argv, const mtm_cli_texts *labels) {
  const char *form = NULL, *label = NULL, *consent = NULL, *yes = NULL;
  mtm_opt opts[] = {{"form", 1, &form},
                    {"label", 1, &label},
                    {"consent", 1, &consent},
                    {"consent-value", 1, &yes},
                    {0}};
  int i = mtm_cli_parse("criteria", argc, argv, opts);
  if (i < 0) return 2;
  if (!form) return mtm_cli_usage("criteria", "criteria add needs --form FORM_ID");
  if (yes && !consent) return mtm_cli_usage("criteria", "--consent-value goes with --consent QUESTION");
  if (i >= argc && !consent)
    return mtm_cli_usage("criteria", "criteria add needs an expression, e.g. '${age} >= 18', or --consent QUESTION");
  if (i >= argc && (label || labels->n))
    return mtm_cli_usage("criteria", "--label names an expression's criterion");
  /* The expression may come as several words when not quoted. */
  mtm_buf e;
  mtm_buf_init(&e);
  for (int k = i; k < argc; k++) mtm_buf_printf(&e, "%s%s", k > i ? " " : "", argv[k]);
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) {
    mtm_buf_free(&e);
    return rc;
  }
  mtm_store_formref fr;
  long id = 0;
  const char *value = NULL;
  char key[32];
  /* Everything is validated before anything is saved, in one transaction. */
  if ((e.p && mtm_check_criterion_valid(w.st, form, e.p, &w.err)) ||
      (consent && mtm_check_consent_valid(w.st, form, consent, yes, &w.a, &value, &w.err)) ||
      mtm_store_form_find(w.st, form, &w.a, &fr, &w.err) ||
      mtm_cli_texts_check_ws(w.st, "label", labels, &w.err) || mtm_store_begin(w.st, &w.err)) {
    rc = mtm_cli_fail(&w.err);
  } else if ((e.p && mtm_store_criterion_add(w.st, fr.id, e.p, label, &id, &w.err)) ||
             (e.p && (snprintf(key, sizeof key, "%ld", id),
                      mtm_cli_texts_save(w.st, "criterion", key, labels, &w.err))) ||
             (consent && mtm_store_consent_set(w.st, fr.id, consent, value, &w.err)) ||
             mtm_store_commit(w.st, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    mtm_store_rollback(w.st);
  } else if (!cli->quiet) {
    if (e.p)
      printf("criterion %ld added to form '%s': %s%s%s%s\n", id, form, e.p, label ? " (" : "",
             label ? label : "", label ? ")" : "");
    if (consent)
      printf("consent question of form '%s': %s (consent given: ${%s} = '%s')\n", form, consent,
             consent, value);
  }
  mtm_buf_free(&e);
  mtm_cli_ws_close(&w);
  return rc;
}

static int criteria_list(mtm_cli *cli, int argc, char **argv) {
  const char *form = NULL;
  mtm_opt opts[] = {{"form", 1, &form}, {0}};
  int i = mtm_cli_parse("criteria", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("criteria", "unexpected argument '%s'", argv[i]);
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_store_formref fr = {0};
  mtm_store_criterion *c;
  mtm_store_consent *cs;
  int n, ncs;
  if ((form && mtm_store_form_find(w.st, form, &w.a, &fr, &w.err)) ||
      mtm_store_criteria(w.st, fr.id, &w.a, &c, &n, &w.err) ||
      mtm_store_consents(w.st, fr.id, &w.a, &cs, &ncs, &w.err))
    rc = mtm_cli_fail(&w.err);
  else {
    if (n == 0 && ncs == 0)
      printf("no inclusion criteria%s%s%s\n", form ? " for form '" : "", form ? form : "",
             form ? "'" : "");
    int wf = 4, we = 4;
    for (int k = 0; k < n; k++) {
      if ((int)strlen(c[k].form_id) > wf) wf = (int)strlen(c[k].form_id);
      if ((int)strlen(c[k].expr) > we) we = (int)strlen(c[k].expr);
    }
    for (int k = 0; k < n; k++) {
      if (c[k].label) printf("%-3ld %-*s  %-*s  %s\n", c[k].id, wf, c[k].form_id, we, c[k].expr, c[k].label);
      else printf("%-3ld %-*s  %s\n", c[k].id, wf, c[k].form_id, c[k].expr);
    }
    for (int k = 0; k < ncs; k++)
      printf("consent: form '%s', question %s, consent given: ${%s} = '%s'\n", cs[k].form_id,
             cs[k].question, cs[k].question, cs[k].value);
  }
  mtm_cli_ws_close(&w);
  return rc;
}

int mtm_cmd_criteria(mtm_cli *cli, int argc, char **argv) {
  if (argc < 2) return mtm_cli_usage("criteria", "say add or list");
  if (strcmp(argv[1], "add") == 0) return criteria_add(cli, argc - 1, argv + 1);
  if (strcmp(argv[1], "list") == 0) return criteria_list(cli, argc - 1, argv + 1);
  return mtm_cli_usage("criteria", "unknown subcommand '%s': use add or list", argv[1]);
}
