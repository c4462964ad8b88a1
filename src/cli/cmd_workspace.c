/* mtm init, mtm status, mtm round: the workspace and its operation. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static int valid_languages(const char *s) {
  /* Comma-separated codes of 2 or 3 letters. */
  if (!s || !*s) return 0;
  int k = 0;
  for (const char *p = s;; p++) {
    if (*p == ',' || !*p) {
      if (k < 2 || k > 3) return 0;
      if (!*p) return 1;
      k = 0;
    } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) k++;
    else return 0;
  }
}

static int init(mtm_cli *cli, int argc, char **argv, const mtm_opt *opts,
                const mtm_cli_texts *names, const char **name_, const char **country_,
                const char **currency_, const char **langs_);

/* mtm init: creates the workspace, or changes its operation's details;
 * --operation-LANG gives the operation's name in another of its languages. */
int mtm_cmd_init(mtm_cli *cli, int argc, char **argv) {
  const char *name = NULL, *country = NULL, *currency = NULL, *langs = NULL;
  mtm_opt opts[] = {{"operation", 1, &name}, {"country", 1, &country},
                    {"currency", 1, &currency}, {"languages", 1, &langs}, {0}};
  mtm_cli_texts names; /* --operation-ru ... */
  if (mtm_cli_take_texts("init", "operation", &argc, argv, &names)) return 2;
  int rc = init(cli, argc, argv, opts, &names, &name, &country, &currency, &langs);
  mtm_cli_texts_free(&names);
  return rc;
}

/* mtm init, once the --operation-LANG texts are taken out of argv. */
static int init(mtm_cli *cli, int argc, char **argv, const mtm_opt *opts,
                const mtm_cli_texts *names, const char **name_, const char **country_,
                const char **currency_, const char **langs_) {
  int i = mtm_cli_parse("init", argc, argv, opts);
  if (i < 0) return 2;
  const char *name = *name_, *country = *country_, *currency = *currency_, *langs = *langs_;
  if (i < argc) return mtm_cli_usage("init", "unexpected argument '%s'", argv[i]);
  if (country && (strlen(country) != 3))
    return mtm_cli_usage("init", "--country takes an ISO 3166 alpha-3 code such as KAZ, not '%s'",
                         country);
  if (currency && strlen(currency) != 3)
    return mtm_cli_usage("init", "--currency takes an ISO 4217 code such as KZT, not '%s'",
                         currency);
  if (langs && !valid_languages(langs))
    return mtm_cli_usage("init", "--languages takes codes separated by commas, such as en,ru");
  mtm_err err;
  mtm_err_clear(&err);
  mtm_store *st;
  if (mtm_store_open(&st, cli->workspace, 1, &err)) return mtm_cli_fail(&err);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_operation op, old;
  int had = mtm_store_operation_get(st, &a, &old, &err) == 0;
  mtm_err_clear(&err);
  char up[4] = {0}, cur[4] = {0};
  if (country) for (int k = 0; k < 3; k++) up[k] = (char)(country[k] & ~0x20);
  if (currency) for (int k = 0; k < 3; k++) cur[k] = (char)(currency[k] & ~0x20);
  op.name = (char *)(name ? name : had ? old.name : "MTM operation");
  op.country = country ? up : had ? old.country : NULL;
  op.currency = currency ? cur : had ? old.currency : NULL;
  op.languages = (char *)(langs ? langs : had ? old.languages : "en");
  int rc = mtm_cli_texts_check(op.languages, "operation", names, &err);
  if (!rc) rc = mtm_store_begin(st, &err);
  if (!rc) {
    rc = mtm_store_operation_set(st, &op, &err);
    if (!rc) rc = mtm_cli_texts_save(st, "operation", "", names, &err);
    if (!rc) rc = mtm_store_commit(st, &err);
    else mtm_store_rollback(st);
  }
  if (!rc && !cli->quiet) {
    printf("%s workspace %s: %s", had ? "updated" : "created", cli->workspace, op.name);
    if (op.country || op.currency)
      printf(" (%s%s%s)", op.country ? op.country : "", op.country && op.currency ? ", " : "",
             op.currency ? op.currency : "");
    printf(", languages %s\n", op.languages);
  }
  mtm_arena_free(&a);
  mtm_store_close(st);
  return rc ? mtm_cli_fail(&err) : 0;
}

int mtm_cmd_status(mtm_cli *cli, int argc, char **argv) {
  const char *format = "text";
  mtm_opt opts[] = {{"format", 1, &format}, {0}};
  int i = mtm_cli_parse("status", argc, argv, opts);
  if (i < 0) return 2;
  int json = mtm_cli_choice("status", "--format", format, (const char *const[]){"text", "json", NULL});
  if (json < 0) return 2;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_store *st = w.st;
  mtm_arena *a = &w.a;
  mtm_operation op;
  long counts[10];
  mtm_form_summary *forms;
  mtm_round *rounds;
  int nforms, nrounds;
  if (mtm_store_operation_get(st, a, &op, &w.err) || mtm_store_area_counts(st, counts, &w.err) ||
      mtm_store_form_summaries(st, a, &forms, &nforms, &w.err) ||
      mtm_store_rounds(st, a, &rounds, &nrounds, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  mtm_buf b;
  mtm_buf_init(&b);
  if (json) {
    mtm_buf_adds(&b, "{\"operation\":{\"name\":");
    mtm_buf_add_json(&b, op.name);
    mtm_buf_adds(&b, ",\"country\":");
    mtm_buf_add_json_or_null(&b, op.country);
    mtm_buf_adds(&b, ",\"currency\":");
    mtm_buf_add_json_or_null(&b, op.currency);
    mtm_buf_adds(&b, ",\"languages\":[");
    char *l = mtm_arena_strdup(a, op.languages ? op.languages : "");
    int first = 1;
    for (char *t = strtok(l, ","); t; t = strtok(NULL, ","), first = 0) {
      if (!first) mtm_buf_addc(&b, ',');
      mtm_buf_add_json(&b, t);
    }
    mtm_buf_adds(&b, "],\"rounds\":[");
    for (int r = 0; r < nrounds; r++) {
      mtm_buf_printf(&b, "%s{\"number\":%d,\"name\":", r ? "," : "", rounds[r].number);
      mtm_buf_add_json_or_null(&b, rounds[r].name);
      mtm_buf_adds(&b, ",\"start_date\":");
      mtm_buf_add_json_or_null(&b, rounds[r].start_date);
      mtm_buf_adds(&b, ",\"end_date\":");
      mtm_buf_add_json_or_null(&b, rounds[r].end_date);
      if (rounds[r].usd_rate > 0) mtm_buf_printf(&b, ",\"usd_rate\":%.15g", rounds[r].usd_rate);
      else mtm_buf_adds(&b, ",\"usd_rate\":null");
      mtm_buf_adds(&b, ",\"sampling\":");
      mtm_buf_add_json_or_null(&b, rounds[r].sampling);
      mtm_buf_addc(&b, '}');
    }
    mtm_buf_adds(&b, "]},\"areas\":{");
    first = 1;
    for (int lv = 0; lv < 10; lv++)
      if (counts[lv]) {
        mtm_buf_printf(&b, "%s\"%d\":%ld", first ? "" : ",", lv, counts[lv]);
        first = 0;
      }
    mtm_buf_adds(&b, "},\"forms\":[");
    for (int f = 0; f < nforms; f++) {
      mtm_buf_adds(&b, f ? ",{\"form_id\":" : "{\"form_id\":");
      mtm_buf_add_json(&b, forms[f].form_id);
      mtm_buf_adds(&b, ",\"kind\":");
      mtm_buf_add_json(&b, forms[f].kind);
      mtm_buf_adds(&b, ",\"title\":");
      mtm_buf_add_json_or_null(&b, forms[f].title);
      mtm_buf_adds(&b, ",\"versions\":[");
      for (int v = 0; v < forms[f].nversions; v++) {
        if (v) mtm_buf_addc(&b, ',');
        mtm_buf_add_json(&b, forms[f].versions[v]);
      }
      mtm_buf_adds(&b, "],\"rounds\":{");
      for (int r = 0; r < forms[f].nrounds; r++)
        mtm_buf_printf(&b, "%s\"%d\":%ld", r ? "," : "", forms[f].rounds[r], forms[f].counts[r]);
      mtm_buf_adds(&b, "}}");
    }
    mtm_buf_adds(&b, "]}\n");
  } else {
    mtm_buf_printf(&b, "workspace   %s (schema %d)\n", cli->workspace, mtm_store_schema_version(st));
    mtm_buf_printf(&b, "operation   %s\n", op.name);
    mtm_buf_printf(&b, "country     %s\ncurrency    %s\nlanguages   %s\n",
                   op.country ? op.country : "-", op.currency ? op.currency : "-",
                   op.languages ? op.languages : "-");
    mtm_buf_printf(&b, "rounds      %s\n", nrounds ? "" : "none");
    for (int r = 0; r < nrounds; r++) {
      mtm_buf_printf(&b, "  %d  %s", rounds[r].number, rounds[r].name ? rounds[r].name : "");
      if (rounds[r].start_date || rounds[r].end_date)
        mtm_buf_printf(&b, "  %s to %s", rounds[r].start_date ? rounds[r].start_date : "?",
                       rounds[r].end_date ? rounds[r].end_date : "?");
      if (rounds[r].usd_rate > 0)
        mtm_buf_printf(&b, "  1 USD = %g %s", rounds[r].usd_rate, op.currency ? op.currency : "");
      if (rounds[r].sampling) mtm_buf_printf(&b, "  sampling: %s", rounds[r].sampling);
      mtm_buf_addc(&b, '\n');
    }
    mtm_buf_adds(&b, "areas      ");
    int any = 0;
    for (int lv = 0; lv < 10; lv++)
      if (counts[lv]) mtm_buf_printf(&b, " admin%d: %ld", lv, counts[lv]), any = 1;
    mtm_buf_adds(&b, any ? "\n" : " none\n");
    mtm_buf_printf(&b, "forms       %s\n", nforms ? "" : "none");
    for (int f = 0; f < nforms; f++) {
      mtm_buf_printf(&b, "  %s (%s)", forms[f].form_id, forms[f].kind);
      if (forms[f].title) mtm_buf_printf(&b, " \"%s\"", forms[f].title);
      mtm_buf_adds(&b, "\n    versions:");
      for (int v = 0; v < forms[f].nversions; v++)
        mtm_buf_printf(&b, " %s", forms[f].versions[v][0] ? forms[f].versions[v] : "(none)");
      mtm_buf_adds(&b, "\n    submissions:");
      if (!forms[f].nrounds) mtm_buf_adds(&b, " none");
      for (int r = 0; r < forms[f].nrounds; r++)
        mtm_buf_printf(&b, " round %d: %ld%s", forms[f].rounds[r], forms[f].counts[r],
                       r + 1 < forms[f].nrounds ? "," : "");
      mtm_buf_addc(&b, '\n');
    }
  }
  fwrite(b.p, 1, b.n, stdout);
  mtm_buf_free(&b);
done:
  mtm_cli_ws_close(&w);
  return rc;
}

/* The sampling methods a round can record; "none" clears the record. */
static const char *const sampling_names[] = {"snowball", "quota", "probability", "census", "none",
                                             NULL};

/* round add N | round set N: declares a round, or changes the details of
 * one (set refuses a round never declared). Options left out keep what the
 * round has; --sampling none forgets the recorded method. */
static int round_put2(mtm_cli *cli, int argc, char **argv, int set, const mtm_cli_texts *names);

static int round_put(mtm_cli *cli, int argc, char **argv, int set) {
  mtm_cli_texts names; /* --name-ru ... */
  if (mtm_cli_take_texts("round", "name", &argc, argv, &names)) return 2;
  int rc = round_put2(cli, argc, argv, set, &names);
  mtm_cli_texts_free(&names);
  return rc;
}

/* round add|set, once the --name-LANG texts are taken out of argv. */
static int round_put2(mtm_cli *cli, int argc, char **argv, int set, const mtm_cli_texts *names) {
  const char *name = NULL, *start = NULL, *end = NULL, *rate = NULL, *sampling = NULL,
             *rate_src = NULL;
  mtm_opt opts[] = {{"name", 1, &name},         {"start", 1, &start}, {"end", 1, &end},
                    {"usd-rate", 1, &rate},     {"sampling", 1, &sampling},
                    {"usd-rate-source", 1, &rate_src}, {0}};
  int i = mtm_cli_parse("round", argc - 1, argv + 1, opts);
  if (i < 0) return 2;
  i += 1;
  long long num;
  if (i >= argc || mtm_cli_number(argv[i], 1, 1000000, &num))
    return mtm_cli_usage("round", "'round %s' needs a round number (1, 2, ...)", argv[1]);
  if (i + 1 < argc) return mtm_cli_usage("round", "unexpected argument '%s'", argv[i + 1]);
  int32_t d;
  if (start && mtm_parse_date(mtm_slice_c(start), &d))
    return mtm_cli_usage("round", "--start is a date YYYY-MM-DD, not '%s'", start);
  if (end && mtm_parse_date(mtm_slice_c(end), &d))
    return mtm_cli_usage("round", "--end is a date YYYY-MM-DD, not '%s'", end);
  double r = 0;
  if (rate && (mtm_parse_double(mtm_slice_c(rate), &r) || r <= 0))
    return mtm_cli_usage("round", "--usd-rate is a positive number (currency units per USD)");
  if (sampling && mtm_cli_choice("round", "--sampling", sampling, sampling_names) < 0) return 2;
  if (set && !name && !names->n && !start && !end && !rate && !sampling && !rate_src)
    return mtm_cli_usage("round", "'round set' changes nothing without an option");
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_round old;
  if (set && mtm_store_round_get(w.st, (int)num, &w.a, &old, &w.err)) {
    if (w.err.code == MTM_ENOTFOUND)
      mtm_err_set(&w.err, MTM_ENOTFOUND, "round %d was never declared: declare it with 'mtm round add %d'",
                  (int)num, (int)num);
    rc = mtm_cli_fail(&w.err);
  } else {
    mtm_round rd = {(int)num, (char *)name, (char *)start, (char *)end, r,
                    (char *)(sampling && !strcmp(sampling, "none") ? "" : sampling), (char *)rate_src};
    char key[16];
    snprintf(key, sizeof key, "%d", (int)num);
    rc = mtm_cli_texts_check_ws(w.st, "name", names, &w.err);
    if (!rc) rc = mtm_store_begin(w.st, &w.err);
    if (!rc) {
      rc = mtm_store_round_put(w.st, &rd, &w.err);
      if (!rc) rc = mtm_cli_texts_save(w.st, "round", key, names, &w.err);
      if (!rc) rc = mtm_store_commit(w.st, &w.err);
      else mtm_store_rollback(w.st);
    }
    rc = rc ? mtm_cli_fail(&w.err) : 0;
    if (!rc && !cli->quiet) printf("round %d saved\n", (int)num);
  }
  mtm_cli_ws_close(&w);
  return rc;
}

int mtm_cmd_round(mtm_cli *cli, int argc, char **argv) {
  if (argc < 2) return mtm_cli_usage("round", "say 'add', 'set' or 'list'");
  if (strcmp(argv[1], "add") == 0) return round_put(cli, argc, argv, 0);
  if (strcmp(argv[1], "set") == 0) return round_put(cli, argc, argv, 1);
  if (strcmp(argv[1], "list") != 0) return mtm_cli_usage("round", "unknown subcommand '%s'", argv[1]);
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_round *r;
  int n;
  rc = mtm_store_rounds(w.st, &w.a, &r, &n, &w.err) ? mtm_cli_fail(&w.err) : 0;
  if (!rc) {
    puts("number,name,start_date,end_date,usd_rate,sampling");
    for (int k = 0; k < n; k++) {
      mtm_buf b;
      mtm_buf_init(&b);
      mtm_buf_printf(&b, "%d,", r[k].number);
      mtm_buf_add_csv(&b, r[k].name ? r[k].name : "");
      mtm_buf_printf(&b, ",%s,%s,", r[k].start_date ? r[k].start_date : "",
                     r[k].end_date ? r[k].end_date : "");
      if (r[k].usd_rate > 0) mtm_buf_printf(&b, "%g", r[k].usd_rate);
      mtm_buf_printf(&b, ",%s", r[k].sampling ? r[k].sampling : "");
      puts(b.p);
      mtm_buf_free(&b);
    }
  }
  mtm_cli_ws_close(&w);
  return rc;
}
