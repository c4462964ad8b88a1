/* Cleaning logs as files: reading the header and rows of mtm's layout and
 * REACH's, and exporting the workspace's log in REACH's layout (CSV, XLSX). */
#include "clean/clean.h"
#include "table/table.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

const char *mtm_clean_action_name(mtm_clean_action a) {
  switch (a) {
  case MTM_CLEAN_CHANGE: return "change";
  case MTM_CLEAN_BLANK: return "blank";
  case MTM_CLEAN_REMOVE: return "remove";
  default: return "none";
  }
}

const char *mtm_clean_action_reach(mtm_clean_action a) {
  switch (a) {
  case MTM_CLEAN_CHANGE: return "change_response";
  case MTM_CLEAN_BLANK: return "blank_response";
  case MTM_CLEAN_REMOVE: return "remove_survey";
  default: return "no_action";
  }
}

/* The key of a header: lower case, BOM and R's "X.U.FEFF." removed, runs of
 * spaces, dots, hyphens and apostrophes as one "_", no "_" at the ends. */
static void header_key(mtm_slice s, char *out, size_t cap) {
  s = mtm_slice_trim(s);
  if (s.n >= 3 && memcmp(s.p, "\xEF\xBB\xBF", 3) == 0) s.p += 3, s.n -= 3;
  if (s.n >= 9 && strncasecmp(s.p, "X.U.FEFF.", 9) == 0) s.p += 9, s.n -= 9;
  size_t k = 0;
  int sep = 0;
  for (size_t i = 0; i < s.n && k + 2 < cap; i++) {
    unsigned char c = (unsigned char)s.p[i];
    if (c == ' ' || c == '.' || c == '-' || c == '\'' || c == '_' || c == '/') {
      sep = 1;
      continue;
    }
    if (sep && k) out[k++] = '_';
    sep = 0;
    out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  out[k] = 0;
}

typedef struct {
  const char *key;
  size_t off;
} alias;

#define AT(f) offsetof(mtm_clean_header, f)
static const alias aliases[] = {
    {"uuid", AT(uuid)},           {"x_uuid", AT(uuid)},
    {"instanceid", AT(uuid)},     {"meta_instanceid", AT(uuid)},
    {"submission_uuid", AT(uuid)}, {"question", AT(question)},
    {"questions", AT(question)},  {"question_name", AT(question)},
    {"variable", AT(question)},   {"old_value", AT(old_value)},
    {"new_value", AT(new_value)}, {"reason", AT(reason)},
    {"action", AT(action)},       {"change_type", AT(change_type)},
    {"issue", AT(issue)},         {"reported_date", AT(reported)},
    {"enumerator_num", AT(enumerator)}, {"enumerator", AT(enumerator)},
    {"enumerator_id", AT(enumerator)}, {"comments_for_field_officer", AT(comment)},
    {"comment", AT(comment)},     {"comments", AT(comment)},
    {"field_officer_s_response", AT(response)}, {"response", AT(response)},
    {"form", AT(form)},           {"form_id", AT(form)},
    {"round", AT(round)},
    {"instance", AT(instance)},   {"repeat_instance", AT(instance)},
    {"position", AT(instance)},   {"repeat_position", AT(instance)},
    {"loop_index", AT(loop_index)}, {"index", AT(loop_index)},
    {"x_index", AT(loop_index)},  {"repeat", AT(repeat)},
    {"rule", AT(rule)},           {"severity", AT(severity)},
};
#undef AT

int mtm_clean_header_read(mtm_clean_header *h, int n, const mtm_slice *cells, const char *file,
                          mtm_err *err) {
  int *all = (int *)h;
  for (size_t i = 0; i < sizeof *h / sizeof(int); i++) all[i] = -1;
  for (int c = 0; c < n; c++) {
    char key[128];
    header_key(cells[c], key, sizeof key);
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
      if (strcmp(key, aliases[k].key) == 0) {
        int *slot = (int *)((char *)h + aliases[k].off);
        if (*slot < 0) *slot = c;
        break;
      }
  }
  if (h->uuid >= 0 && h->question >= 0) return 0;
  mtm_buf b;
  mtm_buf_init(&b);
  for (int c = 0; c < n && c < 20; c++) {
    if (c) mtm_buf_adds(&b, ", ");
    mtm_buf_printf(&b, "'%.*s'", (int)cells[c].n, cells[c].p);
  }
  if (n > 20) mtm_buf_adds(&b, ", ...");
  mtm_err_where(err, file, NULL, 1, NULL, NULL);
  mtm_err_set(err, MTM_EINVAL,
              "a cleaning log needs a %s column (uuid, question, old_value, new_value, reason "
              "and action or change_type); this header has %s",
              h->uuid < 0 ? "uuid" : "question", n ? b.p : "no columns");
  mtm_buf_free(&b);
  return MTM_EINVAL;
}

/* The trimmed cell i of a row, "" when absent, copied into a. */
static const char *cell(int n, const mtm_slice *cells, int i, mtm_arena *a) {
  if (i < 0 || i >= n) return "";
  mtm_slice s = mtm_slice_trim(cells[i]);
  return mtm_arena_strndup(a, s.p, s.n);
}

/* The action named by text (mtm's or REACH's words); -1 if unknown. */
static int parse_action(const char *t) {
  static const struct {
    const char *word;
    mtm_clean_action a;
  } words[] = {{"change", MTM_CLEAN_CHANGE},        {"change_response", MTM_CLEAN_CHANGE},
               {"blank", MTM_CLEAN_BLANK},          {"blank_response", MTM_CLEAN_BLANK},
               {"remove", MTM_CLEAN_REMOVE},        {"remove_survey", MTM_CLEAN_REMOVE},
               {"delete", MTM_CLEAN_REMOVE},        {"none", MTM_CLEAN_NONE},
               {"no_action", MTM_CLEAN_NONE},       {"no action", MTM_CLEAN_NONE}};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (mtm_strcasecmp(t, words[i].word) == 0) return (int)words[i].a;
  return -1;
}

int mtm_clean_row_read(const mtm_clean_header *h, long row, int n, const mtm_slice *cells,
                       const char *file, mtm_arena *a, mtm_clean_row *out, mtm_err *err) {
  memset(out, 0, sizeof *out);
  int blank = 1;
  for (int i = 0; i < n && blank; i++)
    if (mtm_slice_trim(cells[i]).n) blank = 0;
  if (blank) return 1;
  out->row = row;
  out->uuid = cell(n, cells, h->uuid, a);
  out->question = cell(n, cells, h->question, a);
  out->old_value = cell(n, cells, h->old_value, a);
  out->new_value = cell(n, cells, h->new_value, a);
  out->reason = cell(n, cells, h->reason, a);
  out->issue = cell(n, cells, h->issue, a);
  out->reported = cell(n, cells, h->reported, a);
  out->enumerator = cell(n, cells, h->enumerator, a);
  out->comment = cell(n, cells, h->comment, a);
  out->response = cell(n, cells, h->response, a);
  out->form = cell(n, cells, h->form, a);
  out->round = cell(n, cells, h->round, a);
  out->instance = cell(n, cells, h->instance, a);
  out->loop_index = cell(n, cells, h->loop_index, a);
  out->repeat = cell(n, cells, h->repeat, a);
  /* R writes NA as an empty cell: in REACH's layout an empty old_value was
   * not given. In mtm's own layout it means the value was empty. */
  out->has_old = h->old_value >= 0 && (h->change_type < 0 || h->action >= 0 || out->old_value[0]);
  int col = h->action >= 0 ? h->action : h->change_type;
  const char *t = cell(n, cells, col, a);
  if (!out->uuid[0]) {
    mtm_err_where(err, file, NULL, row, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL, "the row names no uuid");
  }
  if (t[0]) {
    int act = parse_action(t);
    if (act < 0) {
      mtm_err_where(err, file, NULL, row, h->action >= 0 ? "action" : "change_type",
                    out->question[0] ? out->question : NULL);
      return mtm_err_set(err, MTM_EINVAL,
                         "'%s' is not an action: use change, blank, remove or none (or REACH's "
                         "change_response, blank_response, remove_survey, no_action)",
                         t);
    }
    out->action = (mtm_clean_action)act;
  } else if (!out->question[0] && h->rule >= 0 && h->severity >= 0)
    out->action = MTM_CLEAN_NONE; /* check's finding about a whole submission */
  else if (!out->question[0]) out->action = MTM_CLEAN_REMOVE;
  else if (!out->new_value[0]) out->action = MTM_CLEAN_BLANK;
  else out->action = MTM_CLEAN_CHANGE;
  if ((out->action == MTM_CLEAN_CHANGE || out->action == MTM_CLEAN_BLANK) && !out->question[0]) {
    mtm_err_where(err, file, NULL, row, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL, "uuid '%s': a %s needs a question", out->uuid,
                       mtm_clean_action_name(out->action));
  }
  if (out->action == MTM_CLEAN_CHANGE && !out->new_value[0]) {
    mtm_err_where(err, file, NULL, row, NULL, out->question);
    return mtm_err_set(err, MTM_EINVAL,
                       "uuid '%s': the change has no new_value (to empty the answer, use the "
                       "action blank)",
                       out->uuid);
  }
  return 0;
}

int mtm_clean_read(const char *path, mtm_arena *a, mtm_clean_log *out, mtm_err *err) {
  memset(out, 0, sizeof *out);
  out->file = mtm_arena_strdup(a, path);
  mtm_table *t;
  if (mtm_table_open(&t, path, NULL, err)) return err && err->code ? err->code : MTM_EIO;
  mtm_row r;
  int rc = mtm_table_next(t, &r, err);
  if (rc <= 0) {
    mtm_table_close(t);
    if (rc < 0) return rc;
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL, "the cleaning log is empty");
  }
  mtm_clean_header h;
  if ((rc = mtm_clean_header_read(&h, r.n, r.cells, path, err))) {
    mtm_table_close(t);
    return rc;
  }
  out->reach = h.change_type >= 0 && h.action < 0;
  int cap = 0;
  while ((rc = mtm_table_next(t, &r, err)) == 1) {
    mtm_clean_row row;
    int k = mtm_clean_row_read(&h, r.row, r.n, r.cells, path, a, &row, err);
    if (k < 0) {
      mtm_table_close(t);
      return k;
    }
    if (k == 1) continue;
    if (out->n == cap) {
      cap = cap ? cap * 2 : 64;
      mtm_clean_row *g = mtm_arena_alloc(a, sizeof *g * (size_t)cap);
      if (out->n) memcpy(g, out->rows, sizeof *g * (size_t)out->n);
      out->rows = g;
    }
    out->rows[out->n++] = row;
  }
  mtm_table_close(t);
  return rc < 0 ? rc : 0;
}

/* ---- export ---- */

const char *const mtm_clean_export_columns[] = {
    "reported_date", "X_uuid", "enumerator_num", "questions", "issue", "old_value",
    "Comments.for.Field.Officer", "Field.Officer.s.response", "change_type", "new_value",
    "reason", "who", "when", "form", "round", "source", "instance", NULL};

static const char *nz(const char *s) { return s ? s : ""; }

static int action_of(const char *name) {
  int a = name ? parse_action(name) : -1;
  return a < 0 ? MTM_CLEAN_NONE : a;
}

const char *mtm_clean_export_cell(const mtm_clean_entry *e, int c, mtm_arena *a) {
  switch (c) {
  case 0:
    if (e->reported && e->reported[0]) return e->reported;
    return e->at ? mtm_arena_strndup(a, e->at, 10) : "";
  case 1: return nz(e->uuid);
  case 2: return nz(e->enumerator);
  case 3: return nz(e->question);
  case 4: return nz(e->issue);
  case 5: return nz(e->old_value);
  case 6: return nz(e->comment);
  case 7: return nz(e->response);
  case 8: return mtm_clean_action_reach((mtm_clean_action)action_of(e->action));
  case 9: return nz(e->new_value);
  case 10: return nz(e->reason);
  case 11: return nz(e->who);
  case 12: return nz(e->at);
  case 13: return nz(e->form_id);
  case 14: return e->form ? mtm_arena_printf(a, "%d", e->round) : "";
  case 15: return nz(e->source);
  case 16: return e->instance > 0 ? mtm_arena_printf(a, "%d", e->instance) : "";
  default: return "";
  }
}

int mtm_clean_export_csv(mtm_store *st, long form, int round, mtm_buf *b, mtm_err *err) {
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_clean_entry *e;
  int n;
  int rc = mtm_store_clean_log(st, form, round, 0, &a, &e, &n, err);
  if (rc) goto done;
  int nc = 0;
  while (mtm_clean_export_columns[nc]) nc++;
  mtm_buf_add_csv_row(b, nc, mtm_clean_export_columns);
  const char **cells = mtm_arena_alloc(&a, sizeof *cells * (size_t)nc);
  for (int i = 0; i < n; i++) {
    for (int c = 0; c < nc; c++) cells[c] = mtm_clean_export_cell(&e[i], c, &a);
    mtm_buf_add_csv_row(b, nc, cells);
  }
done:
  mtm_arena_free(&a);
  return rc;
}

int mtm_clean_export_xlsx(mtm_store *st, long form, int round, const char *path,
                          mtm_err *err) {
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_clean_entry *e;
  int n;
  int rc = mtm_store_clean_log(st, form, round, 0, &a, &e, &n, err);
  if (rc) {
    mtm_arena_free(&a);
    return rc;
  }
  /* Opening the file first gives our own message (libxlsxwriter would
   * print its own on standard error). */
  FILE *probe = fopen(path, "wb");
  if (!probe) {
    mtm_arena_free(&a);
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the file");
  }
  fclose(probe);
  lxw_workbook *wb = workbook_new(path);
  if (!wb) {
    mtm_arena_free(&a);
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot create the workbook");
  }
  lxw_worksheet *ws = workbook_add_worksheet(wb, "cleaning_log");
  lxw_format *bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (int c = 0; mtm_clean_export_columns[c]; c++)
    worksheet_write_string(ws, 0, (lxw_col_t)c, mtm_clean_export_columns[c], bold);
  for (int i = 0; i < n; i++)
    for (int c = 0; mtm_clean_export_columns[c]; c++) {
      const char *v = mtm_clean_export_cell(&e[i], c, &a);
      if (!v[0]) continue;
      if (c == 14 || c == 16) worksheet_write_number(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, atof(v), NULL);
      else worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, v, NULL);
    }
  worksheet_freeze_panes(ws, 1, 0);
  lxw_error x = workbook_close(wb);
  mtm_arena_free(&a);
  if (x != LXW_NO_ERROR) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the workbook: %s", lxw_strerror(x));
  }
  return 0;
}
