/* publish: the XLSX file (libxlsxwriter in constant-memory mode, so that a
 * million rows cost no more memory than ten): a sheet per table, header in
 * bold, the HXL row under it, numbers as numbers, text made safe, and the
 * sheet "metadata" at the end. */
#include "publish/internal.h"

#include <string.h>
#include <xlsxwriter.h>

/* Records where an XLSX write failed and the sentence; returns MTM_EIO or
 * MTM_EINVAL. */
static int xfail(mtm_pub_writer *w, mtm_err *err, int code, const char *fmt, const char *a,
                 const char *b) {
  mtm_err_where(err, w->path, w->nt ? w->t[w->nt - 1].name : NULL, 0, NULL, NULL);
  return mtm_err_set(err, code, fmt, a ? a : "", b ? b : "");
}

/* Starts the workbook on the temporary name, in constant-memory mode. */
int pub_xlsx_open(mtm_pub_writer *w, mtm_err *err) {
  lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
  w->wb = workbook_new_opt(w->tmp, &o);
  if (!w->wb) return xfail(w, err, MTM_EIO, "cannot start the XLSX workbook%s%s", NULL, NULL);
  w->bold = workbook_add_format(w->wb);
  format_set_bold(w->bold);
  return 0;
}

/* A sheet name Excel accepts: [ ] : * ? / \ become _, a leading or trailing
 * apostrophe goes, at most 31 characters (UTF-8 code points), and ~N added
 * when the name is taken already (Excel compares names without case). */
static const char *sheet_name(mtm_pub_writer *w, const char *name) {
  char base[LXW_MAX_SHEETNAME_LENGTH];
  size_t n = 0, chars = 0;
  for (const char *p = name; *p && n + 4 < sizeof base; p++) {
    unsigned char c = (unsigned char)*p;
    if ((c & 0xc0) != 0x80 && ++chars > 27) break; /* room for ~N */
    base[n++] = strchr("[]:*?/\\", c) ? '_' : (char)c;
  }
  base[n] = 0;
  while (n && base[n - 1] == '\'') base[--n] = 0;
  char *s = base;
  while (*s == '\'') s++;
  if (!*s) s = "data";
  const char *cand = mtm_arena_strdup(&w->a, s);
  for (int k = 2;; k++) {
    if (!workbook_get_worksheet_by_name(w->wb, cand)) {
      int taken = 0;
      for (int i = 0; i < w->nt; i++) /* names already chosen */
        taken |= w->t[i].name && !mtm_strcasecmp(w->t[i].name, cand) && i != w->nt - 1;
      if (!taken && mtm_strcasecmp(cand, "metadata")) return cand;
    }
    cand = mtm_arena_printf(&w->a, "%s~%d", s, k);
  }
}

/* Writes a text cell made safe; maps libxlsxwriter's refusal to an error
 * that names the table and column. */
static int text_cell(mtm_pub_writer *w, lxw_worksheet *ws, long row, int col, const char *v,
                     lxw_format *f, const char *colname, mtm_err *err) {
  lxw_error e = worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, mtm_cell_safe(v, &w->cell), f);
  if (e == LXW_NO_ERROR) return 0;
  mtm_err_where(err, w->path, w->nt ? w->t[w->nt - 1].name : NULL, row + 1, colname, NULL);
  if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
    return mtm_err_set(err, MTM_EINVAL,
                       "a text longer than an XLSX cell holds (32,767 characters): write CSV instead");
  return mtm_err_set(err, MTM_EIO, "cannot write the XLSX cell: %s", lxw_strerror(e));
}

/*
** Starts a sheet for the new table with its header row (bold) and, with
** --hxl, the hashtag row; the header rows stay in view when scrolling.
*/
int pub_xlsx_table(mtm_pub_writer *w, mtm_err *err) {
  pub_table *t = &w->t[w->nt - 1];
  if (t->ncols > LXW_COL_MAX)
    return xfail(w, err, MTM_EINVAL, "an XLSX sheet holds at most 16,384 columns: write CSV instead%s%s",
                 NULL, NULL);
  const char *name = sheet_name(w, t->name);
  w->ws = workbook_add_worksheet(w->wb, name);
  if (!w->ws) return xfail(w, err, MTM_EIO, "cannot add the sheet '%s'%s", name, NULL);
  t->name = (char *)name;
  mtm_arena_reset(&w->cell);
  for (int i = 0; i < t->ncols; i++) {
    int rc = text_cell(w, w->ws, 0, i, t->cols[i].name, w->bold, t->cols[i].name, err);
    if (rc) return rc;
  }
  w->xrow = 1;
  if (w->o.hxl) {
    for (int i = 0; i < t->ncols; i++)
      if (t->cols[i].hxl && t->cols[i].hxl[0]) {
        int rc = text_cell(w, w->ws, 1, i, t->cols[i].hxl, NULL, t->cols[i].name, err);
        if (rc) return rc;
      }
    w->xrow = 2;
  }
  worksheet_freeze_panes(w->ws, (lxw_row_t)w->xrow, 0);
  return 0;
}

/*
** Writes one row: a number cell where the column is numeric and the text
** is a number, else a text cell made safe; empty cells stay blank.
*/
int pub_xlsx_row(mtm_pub_writer *w, const char *const *cells, mtm_err *err) {
  pub_table *t = &w->t[w->nt - 1];
  if (w->xrow >= LXW_ROW_MAX)
    return xfail(w, err, MTM_EINVAL,
                 "an XLSX sheet holds at most 1,048,576 rows and table '%s' has more: write CSV instead%s",
                 t->name, NULL);
  mtm_arena_reset(&w->cell);
  for (int i = 0; i < t->ncols; i++) {
    const char *v = cells[i];
    if (!v || !v[0]) continue;
    double d;
    if (pub_numeric(t->cols[i].type, v, &d))
      worksheet_write_number(w->ws, (lxw_row_t)w->xrow, (lxw_col_t)i, d, NULL);
    else {
      int rc = text_cell(w, w->ws, w->xrow, i, v, NULL, t->cols[i].name, err);
      if (rc) return rc;
    }
  }
  w->xrow++;
  return 0;
}

/* Adds the sheet "metadata" (field, value; a row per entry), then writes
 * the workbook out to the temporary name. */
int pub_xlsx_close(mtm_pub_writer *w, mtm_err *err) {
  int rc = 0;
  if (w->nmeta) {
    lxw_worksheet *ms = workbook_add_worksheet(w->wb, "metadata");
    if (!ms) rc = xfail(w, err, MTM_EIO, "cannot add the sheet 'metadata'%s%s", NULL, NULL);
    mtm_arena_reset(&w->cell);
    if (!rc) rc = text_cell(w, ms, 0, 0, "field", w->bold, "field", err);
    if (!rc) rc = text_cell(w, ms, 0, 1, "value", w->bold, "value", err);
    for (int i = 0; !rc && i < w->nmeta; i++) {
      rc = text_cell(w, ms, i + 1, 0, w->meta[i].field, w->bold, "field", err);
      if (!rc && w->meta[i].value[0]) rc = text_cell(w, ms, i + 1, 1, w->meta[i].value, NULL, "value", err);
    }
    if (ms) {
      worksheet_set_column(ms, 0, 0, 28, NULL);
      worksheet_set_column(ms, 1, 1, 100, NULL);
    }
  }
  if (rc) return rc;
  lxw_workbook *wb = w->wb;
  w->wb = NULL;
  lxw_error e = workbook_close(wb);
  if (e != LXW_NO_ERROR) {
    mtm_err_where(err, w->path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the XLSX file: %s", lxw_strerror(e));
  }
  return 0;
}

/* Frees the workbook without writing it. */
void pub_xlsx_abort(mtm_pub_writer *w) {
  lxw_workbook_free(w->wb);
  w->wb = NULL;
}
