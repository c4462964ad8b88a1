/* mtm form add | list | show: XLSForms and their versions in the workspace. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "form/form.h"

/* The file name without its folders, as stored. */
static const char *base_name(const char *path) {
  const char *b = strrchr(path, '/');
  return b ? b + 1 : path;
}

static void print_langs(mtm_buf *b, const mtm_form *f) {
  for (int i = 0; i < f->nlangs; i++) mtm_buf_printf(b, "%s%s", i ? ", " : "", f->langs[i]);
}

static const char *shown_version(const char *v) { return v && v[0] ? v : "(none)"; }

/* mtm form add: every file is read and checked before anything is stored;
 * all of them go in one transaction. */
static int form_add(mtm_cli *cli, int argc, char **argv) {
  const char *kind = NULL, *lenient = NULL;
  mtm_opt opts[] = {{"kind", 1, &kind}, {"lenient", 0, &lenient}, {0}};
  int i = mtm_cli_parse("form", argc, argv, opts);
  if (i < 0) return 2;
  if (kind && mtm_cli_choice("form", "--kind", kind, (const char *const[]){"survey", "baseline", NULL}) < 0)
    return 2;
  if (i >= argc) return mtm_cli_usage("form", "'form add' needs at least one XLSForm file");
  int nfiles = argc - i;
  mtm_form **forms = mtm_xcalloc((size_t)nfiles, sizeof *forms);
  mtm_buf *src = mtm_xcalloc((size_t)nfiles, sizeof *src);
  mtm_err err;
  mtm_err_clear(&err);
  int rc = 0;
  for (int k = 0; k < nfiles && !rc; k++) {
    const char *path = argv[i + k];
    mtm_buf_init(&src[k]);
    if (mtm_form_read_file_opts(path, lenient ? MTM_FORM_LENIENT : 0, &src[k], &forms[k],
                                &err)) {
      /* A cell that --lenient would leave out: say so. */
      if (!lenient && (strstr(err.msg, "cannot read the expression") ||
                       strstr(err.msg, "but no question is named") ||
                       strstr(err.msg, "unknown question type") ||
                       strstr(err.msg, "has no calculation"))) {
        size_t n = strlen(err.msg);
        snprintf(err.msg + n, sizeof err.msg - n,
                 " ('mtm form add --lenient' keeps the form and warns about this cell)");
      }
      rc = mtm_cli_fail(&err);
    }
  }
  /* One warning per cell that a lenient read left out. */
  for (int k = 0; k < nfiles && !rc; k++)
    for (int w = 0; w < forms[k]->nwarnings; w++) {
      char line[2048];
      mtm_err_format(&forms[k]->warnings[w], line, sizeof line);
      fprintf(stderr, "mtm form add: warning: %s\n", line);
    }
  /* Two files of one call may not claim the same form version. */
  for (int k = 0; k < nfiles && !rc; k++)
    for (int j = 0; j < k && !rc; j++)
      if (!strcmp(forms[k]->form_id, forms[j]->form_id) &&
          !strcmp(forms[k]->version, forms[j]->version) &&
          (src[k].n != src[j].n || memcmp(src[k].p, src[j].p, src[k].n))) {
        mtm_err_clear(&err);
        mtm_err_where(&err, argv[i + k], NULL, 0, NULL, NULL);
        mtm_err_set(&err, MTM_EINVAL,
                    "this file and %s are both version %s of form %s but differ: give one of "
                    "them a new version in its settings sheet",
                    argv[i + j], shown_version(forms[k]->version), forms[k]->form_id);
        rc = mtm_cli_fail(&err);
      }
  mtm_store *st = NULL;
  if (!rc) rc = mtm_cli_open(cli, &st);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_buf out;
  mtm_buf_init(&out);
  if (!rc && mtm_store_begin(st, &err)) rc = mtm_cli_fail(&err);
  int began = !rc;
  for (int k = 0; k < nfiles && !rc; k++) {
    mtm_form *f = forms[k];
    int what;
    if (mtm_store_form_add(st, f->form_id, kind, f->title, f->version, base_name(argv[i + k]),
                           f->format, src[k].p ? src[k].p : "", src[k].n,
                           mtm_form_fields_json(f, &a), &what, &err)) {
      mtm_err_where(&err, argv[i + k], NULL, 0, NULL, NULL);
      rc = mtm_cli_fail(&err);
      break;
    }
    if (what == MTM_FORM_ADDED && (f->lenient || f->nincludes)) {
      /* Kept so that the workspace reads the form as it was read here. */
      mtm_store_file *files = mtm_arena_alloc(&a, sizeof *files * (size_t)(f->nincludes + 1));
      for (int j = 0; j < f->nincludes; j++)
        files[j] = (mtm_store_file){f->includes[j].name, f->includes[j].bytes, f->includes[j].len};
      if (mtm_store_form_set_extras(st, f->form_id, f->version, f->lenient, files, f->nincludes,
                                    &err)) {
        mtm_err_where(&err, argv[i + k], NULL, 0, NULL, NULL);
        rc = mtm_cli_fail(&err);
        break;
      }
    }
    if (what == MTM_FORM_SAME) {
      /* The same file: the files it includes must be the same too. */
      int lenient_was, n;
      mtm_store_file *kept;
      if (mtm_store_form_extras(st, f->form_id, f->version, &a, &lenient_was, &kept, &n, &err)) {
        rc = mtm_cli_fail(&err);
        break;
      }
      int same = n == f->nincludes;
      for (int j = 0; same && j < n; j++)
        same = !strcmp(kept[j].name, f->includes[j].name) && kept[j].len == f->includes[j].len &&
               !memcmp(kept[j].bytes, f->includes[j].bytes, kept[j].len);
      if (!same) {
        mtm_err_clear(&err);
        mtm_err_where(&err, argv[i + k], NULL, 0, NULL, NULL);
        mtm_err_set(&err, MTM_EINVAL,
                    "version %s of form %s is already in the workspace with other included "
                    "files: give the new form a new version in its settings sheet",
                    shown_version(f->version), f->form_id);
        rc = mtm_cli_fail(&err);
        break;
      }
      mtm_buf_printf(&out, "form %s version %s is already in the workspace (%s)\n", f->form_id,
                     shown_version(f->version), base_name(argv[i + k]));
      continue;
    }
    mtm_buf_printf(&out,
                   "added form %s version %s (%d questions, %d fields, %d choice lists, "
                   "languages: ",
                   f->form_id, shown_version(f->version), mtm_form_nquestions(f), f->nfields,
                   f->nlists);
    print_langs(&out, f);
    mtm_buf_adds(&out, ")");
    for (int j = 0; j < f->nincludes; j++)
      mtm_buf_printf(&out, "%s%s", j ? ", " : ", including ", f->includes[j].name);
    if (f->nwarnings)
      mtm_buf_printf(&out, ", %d rule%s left out", f->nwarnings, f->nwarnings == 1 ? "" : "s");
    mtm_buf_adds(&out, "\n");
  }
  if (began) {
    if (rc)
      mtm_store_rollback(st);
    else if (mtm_store_commit(st, &err))
      rc = mtm_cli_fail(&err);
  }
  if (!rc && !cli->quiet && out.n) fwrite(out.p, 1, out.n, stdout);
  mtm_buf_free(&out);
  mtm_arena_free(&a);
  mtm_store_close(st);
  for (int k = 0; k < nfiles; k++) {
    mtm_form_free(forms[k]);
    mtm_buf_free(&src[k]);
  }
  free(forms);
  free(src);
  return rc;
}

/* mtm form list: one CSV line per version. */
static int form_list(mtm_cli *cli, int argc, char **argv) {
  mtm_opt opts[] = {{0}};
  int i = mtm_cli_parse("form", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("form", "unexpected argument '%s'", argv[i]);
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_form_version *v;
  int n;
  if (mtm_store_form_versions(w.st, NULL, &w.a, &v, &n, &w.err))
    rc = mtm_cli_fail(&w.err);
  else {
    mtm_buf b;
    mtm_buf_init(&b);
    mtm_buf_adds(&b, "form_id,kind,version,title,file_name,format,fields,bytes,sha256\n");
    for (int k = 0; k < n; k++) {
      int nf = 0;
      for (const char *p = v[k].fields; p && *p; p++) nf += *p == '"';
      const char *cells[] = {v[k].form_id,   v[k].kind,
                             v[k].version,   v[k].title,
                             v[k].file_name, v[k].format,
                             mtm_arena_printf(&w.a, "%d", nf / 2),
                             mtm_arena_printf(&w.a, "%ld", v[k].size),
                             v[k].sha256};
      mtm_buf_add_csv_row(&b, 9, cells);
    }
    fwrite(b.p, 1, b.n, stdout);
    mtm_buf_free(&b);
  }
  mtm_cli_ws_close(&w);
  return rc;
}

/* Appends ,"key": and v as a JSON string; a NULL v is null when or_null,
 * else "". */
static void json_member(mtm_buf *b, const char *key, const char *v, int or_null) {
  mtm_buf_printf(b, ",\"%s\":", key);
  if (or_null) mtm_buf_add_json_or_null(b, v);
  else mtm_buf_add_json(b, v);
}

static void json_labels(mtm_buf *b, const mtm_form *f, const char **labels) {
  mtm_buf_addc(b, '{');
  int first = 1;
  for (int l = 0; l < f->nlangs; l++) {
    if (!labels || !labels[l]) continue;
    if (!first) mtm_buf_addc(b, ',');
    first = 0;
    mtm_buf_add_json(b, f->langs[l]);
    mtm_buf_addc(b, ':');
    mtm_buf_add_json(b, labels[l]);
  }
  mtm_buf_addc(b, '}');
}

static void show_json(mtm_buf *b, const mtm_form *f, const char *kind) {
  mtm_buf_adds(b, "{\"form_id\":");
  mtm_buf_add_json(b, f->form_id);
  json_member(b, "kind", kind, 0);
  json_member(b, "title", f->title, 0);
  json_member(b, "version", f->version, 0);
  json_member(b, "file_name", f->file_name, 0);
  json_member(b, "default_language", f->default_language, 1);
  mtm_buf_adds(b, ",\"languages\":[");
  for (int l = 0; l < f->nlangs; l++) {
    if (l) mtm_buf_addc(b, ',');
    mtm_buf_add_json(b, f->langs[l]);
  }
  mtm_buf_adds(b, "],\"questions\":[");
  int first = 1;
  for (int i = 0; i < f->nq; i++) {
    const mtm_question *q = &f->q[i];
    if (q->type == MTM_Q_END_GROUP || q->type == MTM_Q_END_REPEAT) continue;
    if (!first) mtm_buf_addc(b, ',');
    first = 0;
    mtm_buf_printf(b, "{\"row\":%ld,\"type\":", q->row);
    mtm_buf_add_json(b, mtm_form_type_name(q->type));
    json_member(b, "type_text", q->type_text, 0);
    json_member(b, "name", q->name, 0);
    json_member(b, "path", q->path, 0);
    json_member(b, "list", q->list_name, 1);
    mtm_buf_adds(b, ",\"field\":");
    if (q->field >= 0)
      mtm_buf_printf(b, "%d", q->field);
    else
      mtm_buf_adds(b, "null");
    mtm_buf_adds(b, ",\"labels\":");
    json_labels(b, f, q->labels);
    mtm_buf_printf(b, ",\"required\":%s", q->required ? "true" : "false");
    json_member(b, "relevant", q->relevant_src, 1);
    json_member(b, "constraint", q->constraint_src, 1);
    json_member(b, "calculation", q->calculation_src, 1);
    json_member(b, "choice_filter", q->choice_filter_src, 1);
    json_member(b, "hxl", q->hxl, 1);
    mtm_buf_addc(b, '}');
  }
  mtm_buf_adds(b, "],\"lists\":[");
  for (int k = 0; k < f->nlists; k++) {
    const mtm_choice_list *l = &f->lists[k];
    mtm_buf_adds(b, k ? ",{\"name\":" : "{\"name\":");
    mtm_buf_add_json(b, l->name);
    mtm_buf_adds(b, ",\"choices\":[");
    for (int c = 0; c < l->n; c++) {
      mtm_buf_adds(b, c ? ",{\"name\":" : "{\"name\":");
      mtm_buf_add_json(b, l->choices[c].name);
      mtm_buf_adds(b, ",\"labels\":");
      json_labels(b, f, l->choices[c].labels);
      mtm_buf_addc(b, '}');
    }
    mtm_buf_adds(b, "]}");
  }
  mtm_buf_adds(b, "]}\n");
}

static void show_text(mtm_buf *b, const mtm_form *f, const char *kind) {
  mtm_buf_printf(b, "form       %s (%s)\ntitle      %s\nversion    %s\nfile       %s\n", f->form_id,
                 kind, f->title, shown_version(f->version), f->file_name);
  mtm_buf_adds(b, "languages  ");
  print_langs(b, f);
  mtm_buf_printf(b, "\nquestions  %d, fields %d, choice lists %d\n", mtm_form_nquestions(f),
                 f->nfields, f->nlists);
  if (f->nincludes) {
    mtm_buf_adds(b, "includes   ");
    for (int j = 0; j < f->nincludes; j++)
      mtm_buf_printf(b, "%s%s", j ? ", " : "", f->includes[j].name);
    mtm_buf_addc(b, '\n');
  }
  if (f->lenient)
    mtm_buf_printf(b, "lenient    added with --lenient: %d rule%s left out\n", f->nwarnings,
                   f->nwarnings == 1 ? "" : "s");
  mtm_buf_addc(b, '\n');
  for (int i = 0; i < f->nq; i++) {
    const mtm_question *q = &f->q[i];
    int depth = 0;
    for (int g = q->group; g >= 0; g = f->q[g].group) depth++;
    if (q->type == MTM_Q_END_GROUP || q->type == MTM_Q_END_REPEAT) {
      depth--;
      mtm_buf_printf(b, "%5ld  %*s%s %s\n", q->row, 2 * (depth > 0 ? depth : 0), "",
                     q->type == MTM_Q_END_GROUP ? "end group" : "end repeat", q->name);
      continue;
    }
    mtm_buf_printf(b, "%5ld  %*s%s %s", q->row, 2 * depth, "", mtm_form_type_name(q->type),
                   q->name);
    if (q->list_name) mtm_buf_printf(b, " (list %s)", q->list_name);
    if (q->meta) mtm_buf_printf(b, " (%s)", q->meta);
    if (q->file) mtm_buf_printf(b, " [row %ld of %s]", q->row, q->file);
    if (q->required) mtm_buf_adds(b, " required");
    mtm_buf_addc(b, '\n');
    const char *pad = "         ";
    for (int l = 0; l < f->nlangs; l++)
      if (q->labels && q->labels[l])
        mtm_buf_printf(b, "%*s%slabel[%s]: %s\n", 2 * depth, "", pad, f->langs[l], q->labels[l]);
    const char *out = " (left out)";
    if (q->relevant_src)
      mtm_buf_printf(b, "%*s%srelevant: %s%s\n", 2 * depth, "", pad, q->relevant_src,
                     q->relevant ? "" : out);
    if (q->constraint_src)
      mtm_buf_printf(b, "%*s%sconstraint: %s%s\n", 2 * depth, "", pad, q->constraint_src,
                     q->constraint ? "" : out);
    if (q->calculation_src)
      mtm_buf_printf(b, "%*s%scalculation: %s%s\n", 2 * depth, "", pad, q->calculation_src,
                     q->calculation ? "" : out);
    if (q->choice_filter_src)
      mtm_buf_printf(b, "%*s%schoice_filter: %s%s\n", 2 * depth, "", pad, q->choice_filter_src,
                     q->choice_filter ? "" : out);
    if (q->hxl) mtm_buf_printf(b, "%*s%shxl: %s\n", 2 * depth, "", pad, q->hxl);
  }
}

/* mtm form show FORM_ID [--version V] [--format text|json] */
static int form_show(mtm_cli *cli, int argc, char **argv) {
  const char *version = NULL, *format = "text";
  mtm_opt opts[] = {{"version", 1, &version}, {"format", 1, &format}, {0}};
  int i = mtm_cli_parse("form", argc, argv, opts);
  if (i < 0) return 2;
  int json = mtm_cli_choice("form", "--format", format, (const char *const[]){"text", "json", NULL});
  if (json < 0) return 2;
  if (i >= argc) return mtm_cli_usage("form", "'form show' needs a form id");
  if (i + 1 < argc) return mtm_cli_usage("form", "unexpected argument '%s'", argv[i + 1]);
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_form *f = NULL;
  char *kind;
  if (mtm_store_form_kind(w.st, argv[i], &w.a, &kind, &w.err) ||
      mtm_form_load(w.st, argv[i], version, &f, &w.err))
    rc = mtm_cli_fail(&w.err);
  else {
    mtm_buf b;
    mtm_buf_init(&b);
    if (json)
      show_json(&b, f, kind);
    else
      show_text(&b, f, kind);
    fwrite(b.p, 1, b.n, stdout);
    mtm_buf_free(&b);
  }
  mtm_form_free(f);
  mtm_cli_ws_close(&w);
  return rc;
}

int mtm_cmd_form(mtm_cli *cli, int argc, char **argv) {
  if (argc < 2) return mtm_cli_usage("form", "say 'add', 'list' or 'show'");
  if (!strcmp(argv[1], "add")) return form_add(cli, argc - 1, argv + 1);
  if (!strcmp(argv[1], "list")) return form_list(cli, argc - 1, argv + 1);
  if (!strcmp(argv[1], "show")) return form_show(cli, argc - 1, argv + 1);
  return mtm_cli_usage("form", "unknown subcommand '%s'", argv[1]);
}
