/* mtm areas import | list | resolve: the gazetteer. */
#include "cli/cli.h"
#include "geo/geo.h"

#include <stdlib.h>
#include <string.h>

/* Parses a level option: a whole number 0..9. */
static int level_opt(const char *cmd, const char *v, int *out) {
  long long lv;
  if (!v) return 0;
  if (mtm_cli_number(v, 0, 9, &lv))
    return mtm_cli_usage(cmd, "--level takes a whole number from 0 to 9, not '%s'", v);
  *out = (int)lv;
  return 0;
}

static int date_opt(const char *cmd, const char *opt, const char *v) {
  int32_t d;
  if (v && mtm_parse_date(mtm_slice_c(v), &d))
    return mtm_cli_usage(cmd, "%s takes a date such as 2022-06-08, not '%s'", opt, v);
  return 0;
}

/* Adds "FIELD[:LANG]" (or several, separated by commas) to the name list. */
static int add_fields(mtm_geo_import_opts *o, char *spec, int alias) {
  for (char *tok = strtok(spec, ","); tok; tok = strtok(NULL, ",")) {
    if (o->nnames == MTM_GEO_MAX_FIELDS)
      return mtm_cli_usage("areas", "too many --name and --alias options");
    char *colon = strrchr(tok, ':');
    if (colon) *colon = 0;
    if (!*tok || (colon && !colon[1]))
      return mtm_cli_usage("areas", "--%s takes FIELD or FIELD:LANG", alias ? "alias" : "name");
    o->name_field[o->nnames] = tok;
    o->name_lang[o->nnames] = colon ? mtm_ascii_lower(colon + 1) : NULL;
    o->name_is_alias[o->nnames++] = alias;
  }
  return 0;
}

static const char *kind_name(mtm_geo_file_kind k) {
  switch (k) {
  case MTM_GEO_FILE_AREAS: return "gazetteer table";
  case MTM_GEO_FILE_ATTRS: return "attribute table";
  case MTM_GEO_FILE_GEOJSON: return "GeoJSON";
  case MTM_GEO_FILE_CROSSWALK: return "crosswalk";
  }
  return "file";
}

/* mtm areas import FILE... [options]: each file in its own transaction. */
static int cmd_import(mtm_cli *cli, int argc, char **argv) {
  mtm_geo_import_opts o;
  mtm_geo_import_opts_init(&o);
  /* --name and --alias may be repeated: collect them before the shared
   * parser (which keeps only the last value of an option). */
  for (int i = 1; i < argc; i++) {
    int alias = 0;
    char *v = NULL;
    if (strcmp(argv[i], "--") == 0) break;
    if ((strcmp(argv[i], "--name") == 0 || (alias = strcmp(argv[i], "--alias") == 0)) &&
        i + 1 < argc)
      v = argv[++i];
    else if (strncmp(argv[i], "--name=", 7) == 0) v = argv[i] + 7;
    else if (strncmp(argv[i], "--alias=", 8) == 0) v = argv[i] + 8, alias = 1;
    if (v && add_fields(&o, v, alias)) return 2;
  }
  const char *pcode = NULL, *name = NULL, *alias = NULL, *parent = NULL, *level = NULL,
             *lang = NULL, *vf = NULL, *vt = NULL, *source = NULL;
  mtm_opt opts[] = {{"pcode", 1, &pcode},     {"name", 1, &name},
                    {"alias", 1, &alias},     {"parent", 1, &parent},
                    {"level", 1, &level},     {"lang", 1, &lang},
                    {"valid-from", 1, &vf},   {"valid-to", 1, &vt},
                    {"source", 1, &source},   {0}};
  int i = mtm_cli_parse("areas", argc, argv, opts);
  if (i < 0) return 2;
  if (i >= argc) return mtm_cli_usage("areas", "say which file to import");
  if (level_opt("areas", level, &o.level) || date_opt("areas", "--valid-from", vf) ||
      date_opt("areas", "--valid-to", vt))
    return 2;
  if ((o.nnames || parent || level) && !pcode)
    return mtm_cli_usage("areas", "--name, --alias, --parent and --level need --pcode FIELD");
  o.pcode_field = pcode;
  o.parent_field = parent;
  if (lang) o.lang = mtm_ascii_lower((char *)lang);
  o.valid_from = vf;
  o.valid_to = vt;
  if (source && !*source) return mtm_cli_usage("areas", "--source takes the boundaries' provenance, e.g. 'OCHA COD-AB 2023'");
  o.source = source;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  for (; i < argc && !rc; i++) {
    mtm_geo_import_stats s;
    if (mtm_geo_import(w.st, argv[i], &o, &s, &w.err)) {
      rc = mtm_cli_fail(&w.err);
      break;
    }
    if (cli->quiet) continue;
    if (s.kind == MTM_GEO_FILE_CROSSWALK)
      printf("%s (%s): %ld successor links\n", argv[i], kind_name(s.kind), s.successors);
    else {
      printf("%s (%s): %ld areas (%ld new, %ld updated), %ld names", argv[i], kind_name(s.kind),
             s.areas, s.added, s.areas - s.added, s.names);
      if (s.shapes) printf(", %ld boundaries", s.shapes);
      if (s.successors) printf(", %ld successor links", s.successors);
      putchar('\n');
    }
  }
  mtm_cli_ws_close(&w);
  return rc;
}

/* The languages of canonical names, the operation's first (in its order),
 * then the others alphabetically. */
static int languages(mtm_store *st, mtm_area *ar, int n, mtm_arena *a, const char ***out) {
  int cap = 16, k = 0;
  const char **v = mtm_arena_alloc(a, sizeof *v * (size_t)cap);
  mtm_operation op;
  mtm_err err;
  mtm_err_clear(&err);
  char *ops = mtm_store_operation_get(st, a, &op, &err) == 0 && op.languages
                  ? mtm_arena_strdup(a, op.languages)
                  : mtm_arena_strdup(a, "en");
  int nops = 0;
  const char *opl[16];
  for (char *t = strtok(ops, ","); t && nops < 16; t = strtok(NULL, ",")) opl[nops++] = t;
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < n; i++)
      for (int j = 0; j < ar[i].nnames; j++) {
        const mtm_area_name *nm = &ar[i].names[j];
        if (nm->is_alias || !nm->lang[0]) continue;
        int in_op = 0;
        for (int q = 0; q < nops; q++) in_op |= strcmp(opl[q], nm->lang) == 0;
        if (pass == 0 && !in_op) continue;
        int seen = 0;
        for (int q = 0; q < k; q++) seen |= strcmp(v[q], nm->lang) == 0;
        if (seen) continue;
        if (k == cap) {
          const char **g = mtm_arena_alloc(a, sizeof *g * (size_t)cap * 2);
          memcpy(g, v, sizeof *g * (size_t)cap);
          v = g, cap *= 2;
        }
        v[k++] = nm->lang;
      }
    /* Pass 0 found them in data order: put them in the operation's order. */
    if (pass == 0) {
      int m = 0;
      for (int q = 0; q < nops; q++)
        for (int z = m; z < k; z++)
          if (strcmp(v[z], opl[q]) == 0) {
            const char *t = v[m];
            v[m++] = v[z];
            v[z] = t;
          }
    }
  }
  /* The others, alphabetically (insertion sort; there are few). */
  int first_other = 0;
  for (; first_other < k; first_other++) {
    int in_op = 0;
    for (int q = 0; q < nops; q++) in_op |= strcmp(opl[q], v[first_other]) == 0;
    if (!in_op) break;
  }
  for (int x = first_other + 1; x < k; x++)
    for (int y = x; y > first_other && strcmp(v[y - 1], v[y]) > 0; y--) {
      const char *t = v[y];
      v[y] = v[y - 1];
      v[y - 1] = t;
    }
  *out = v;
  return k;
}

static const char *canonical(const mtm_area *x, const char *lang) {
  for (int i = 0; i < x->nnames; i++)
    if (!x->names[i].is_alias && strcmp(x->names[i].lang, lang) == 0) return x->names[i].name;
  return NULL;
}

/* mtm areas list [--level N] [--at DATE] [--format csv|json] */
static int cmd_list(mtm_cli *cli, int argc, char **argv) {
  const char *level = NULL, *at = NULL, *format = "csv";
  mtm_opt opts[] = {{"level", 1, &level}, {"at", 1, &at}, {"format", 1, &format}, {0}};
  int i = mtm_cli_parse("areas", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("areas", "unexpected argument '%s'", argv[i]);
  int lv = -1;
  if (level_opt("areas", level, &lv) || date_opt("areas", "--at", at)) return 2;
  int json = mtm_cli_choice("areas", "--format", format, (const char *const[]){"csv", "json", NULL});
  if (json < 0) return 2;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_area *ar;
  int n;
  if (mtm_geo_list(w.st, lv, at, &w.a, &ar, &n, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    goto done;
  }
  mtm_buf b;
  mtm_buf_init(&b);
  if (!json) {
    const char **langs;
    int nl = languages(w.st, ar, n, &w.a, &langs);
    mtm_buf_adds(&b, "pcode,level,parent");
    for (int l = 0; l < nl; l++) mtm_buf_printf(&b, ",name_%s", langs[l]);
    mtm_buf_adds(&b, ",valid_from,valid_to,type\n");
    for (int k = 0; k < n; k++) {
      mtm_buf_add_csv(&b, ar[k].pcode);
      mtm_buf_printf(&b, ",%d,", ar[k].level);
      mtm_buf_add_csv(&b, ar[k].parent);
      for (int l = 0; l < nl; l++) {
        mtm_buf_addc(&b, ',');
        mtm_buf_add_csv(&b, canonical(&ar[k], langs[l]));
      }
      mtm_buf_addc(&b, ',');
      mtm_buf_add_csv(&b, ar[k].valid_from);
      mtm_buf_addc(&b, ',');
      mtm_buf_add_csv(&b, ar[k].valid_to);
      mtm_buf_addc(&b, ',');
      mtm_buf_add_csv(&b, ar[k].type);
      mtm_buf_addc(&b, '\n');
    }
  } else {
    mtm_buf_addc(&b, '[');
    for (int k = 0; k < n; k++) {
      const mtm_area *x = &ar[k];
      mtm_buf_adds(&b, k ? ",\n{\"pcode\":" : "\n{\"pcode\":");
      mtm_buf_add_json(&b, x->pcode);
      mtm_buf_printf(&b, ",\"level\":%d,\"parent\":", x->level);
      mtm_buf_add_json_or_null(&b, x->parent);
      mtm_buf_adds(&b, ",\"type\":");
      mtm_buf_add_json_or_null(&b, x->type);
      mtm_buf_adds(&b, ",\"names\":{");
      int first = 1;
      for (int j = 0; j < x->nnames; j++) {
        if (x->names[j].is_alias || !x->names[j].lang[0]) continue;
        if (!first) mtm_buf_addc(&b, ',');
        first = 0;
        mtm_buf_add_json(&b, x->names[j].lang);
        mtm_buf_addc(&b, ':');
        mtm_buf_add_json(&b, x->names[j].name);
      }
      mtm_buf_adds(&b, "},\"aliases\":[");
      first = 1;
      for (int j = 0; j < x->nnames; j++) {
        if (!x->names[j].is_alias && x->names[j].lang[0]) continue;
        if (!first) mtm_buf_addc(&b, ',');
        first = 0;
        mtm_buf_adds(&b, "{\"lang\":");
        x->names[j].lang[0] ? mtm_buf_add_json(&b, x->names[j].lang) : mtm_buf_adds(&b, "null");
        mtm_buf_adds(&b, ",\"name\":");
        mtm_buf_add_json(&b, x->names[j].name);
        mtm_buf_addc(&b, '}');
      }
      mtm_buf_adds(&b, "],\"valid_from\":");
      mtm_buf_add_json_or_null(&b, x->valid_from);
      mtm_buf_adds(&b, ",\"valid_to\":");
      mtm_buf_add_json_or_null(&b, x->valid_to);
      mtm_buf_adds(&b, ",\"successors\":[");
      for (int j = 0; j < x->nsuccessors; j++) {
        if (j) mtm_buf_addc(&b, ',');
        mtm_buf_add_json(&b, x->successors[j]);
      }
      mtm_buf_printf(&b, "],\"boundary\":%s}", x->has_shape ? "true" : "false");
    }
    mtm_buf_adds(&b, n ? "\n]\n" : "]\n");
  }
  rc = mtm_cli_write(NULL, &b);
  mtm_buf_free(&b);
done:
  mtm_cli_ws_close(&w);
  return rc;
}

/* mtm areas resolve [--level N] [--at DATE] [--within PCODE] TEXT... */
static int cmd_resolve(mtm_cli *cli, int argc, char **argv) {
  const char *level = NULL, *at = NULL, *within = NULL;
  mtm_opt opts[] = {{"level", 1, &level}, {"at", 1, &at}, {"within", 1, &within}, {0}};
  int i = mtm_cli_parse("areas", argc, argv, opts);
  if (i < 0) return 2;
  if (i >= argc) return mtm_cli_usage("areas", "say which names or P-codes to resolve");
  int lv = -1;
  if (level_opt("areas", level, &lv) || date_opt("areas", "--at", at)) return 2;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_geo *g = NULL;
  if (mtm_geo_open(w.st, &g, &w.err)) {
    rc = mtm_cli_fail(&w.err);
    i = argc;
  }
  for (; i < argc; i++) {
    mtm_geo_match m;
    int r = mtm_geo_find(g, argv[i], lv, at, within, &m, &w.err);
    if (r < 0) {
      rc = mtm_cli_fail(&w.err);
      break;
    }
    if (r == MTM_GEO_FOUND) {
      printf("%s -> %s (level %d, %s)\n", argv[i], m.c[0].pcode, m.c[0].level, m.c[0].name);
      continue;
    }
    rc = 1;
    if (r == MTM_GEO_UNKNOWN) {
      printf("%s: unknown\n", argv[i]);
      continue;
    }
    printf("%s: ambiguous:", argv[i]);
    for (int k = 0; k < m.n && k < MTM_GEO_MAX_CANDIDATES; k++)
      printf("%s %s (%s)", k ? "," : "", m.c[k].pcode, m.c[k].name);
    if (m.n > MTM_GEO_MAX_CANDIDATES) printf(" and %d more", m.n - MTM_GEO_MAX_CANDIDATES);
    putchar('\n');
  }
  mtm_geo_close(g);
  mtm_cli_ws_close(&w);
  return rc;
}

int mtm_cmd_areas(mtm_cli *cli, int argc, char **argv) {
  static const struct {
    const char *name;
    int (*fn)(mtm_cli *, int, char **);
  } sub[] = {{"import", cmd_import}, {"list", cmd_list}, {"resolve", cmd_resolve}};
  if (argc < 2) return mtm_cli_usage("areas", "say 'import', 'list' or 'resolve'");
  for (size_t k = 0; k < sizeof sub / sizeof sub[0]; k++)
    if (strcmp(argv[1], sub[k].name) == 0) return sub[k].fn(cli, argc - 1, argv + 1);
  return mtm_cli_usage("areas", "unknown subcommand '%s': say 'import', 'list' or 'resolve'",
                       argv[1]);
}
