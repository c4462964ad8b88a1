/* XLS reader (legacy BIFF workbooks) through FreeXL, which loads the whole
 * workbook at open; rows are then produced one at a time as text. */
#include "table/table_int.h"

#include <freexl.h>
#include <stdlib.h>
#include <string.h>

typedef struct xls {
  const void *h;          /* the FreeXL handle */
  unsigned rows;          /* rows in the sheet */
  unsigned short cols;    /* columns in the sheet */
  unsigned next_row;      /* 0-based row to read next */
  mtm_buf text;           /* the values of the current row */
  size_t *off;            /* start of each cell in text */
} xls;

/* A FreeXL error code in words. */
static const char *freexl_words(int rc) {
  switch (rc) {
  case FREEXL_FILE_NOT_FOUND: return "the file does not exist";
  case FREEXL_INSUFFICIENT_MEMORY: return "out of memory";
  case FREEXL_INVALID_CHARACTER:
  case FREEXL_UNSUPPORTED_CHARSET: return "its text uses a character set that cannot be read";
  default: return "the file is damaged or is not an Excel 97-2003 workbook";
  }
}

/* Reports a FreeXL failure on file name. FreeXL 1.0.6 may also accept a
 * file and hand back no workbook (rc FREEXL_OK, NULL handle): it cannot read
 * that file either. */
static int xls_fail(mtm_err *err, const char *name, int rc) {
  mtm_err_where(err, name, NULL, 0, NULL, NULL);
  if (rc == FREEXL_OK)
    return mtm_err_set(err, MTM_EINVAL,
                       "cannot read this Excel 97-2003 workbook (the XLS reader, FreeXL, "
                       "gives up on it); open it in Excel or LibreOffice and save it as .xlsx");
  return mtm_err_set(err, rc == FREEXL_FILE_NOT_FOUND ? MTM_ENOTFOUND : MTM_EINVAL,
                     "not a valid XLS workbook (%s)", freexl_words(rc));
}

/* Appends a cell as text: integers plainly, doubles shortest, dates and
 * date-times as ISO (FreeXL's "YYYY-MM-DD HH:MM:SS" gets a 'T'). */
static void add_cell(mtm_buf *b, const FreeXL_CellValue *v) {
  char num[32];
  switch (v->type) {
  case FREEXL_CELL_INT:
    mtm_buf_printf(b, "%d", v->value.int_value);
    break;
  case FREEXL_CELL_DOUBLE:
    mtm_table__number(v->value.double_value, num);
    mtm_buf_adds(b, num);
    break;
  case FREEXL_CELL_TEXT:
  case FREEXL_CELL_SST_TEXT:
  case FREEXL_CELL_DATE:
  case FREEXL_CELL_TIME:
    if (v->value.text_value) mtm_buf_adds(b, v->value.text_value);
    break;
  case FREEXL_CELL_DATETIME: {
    const char *s = v->value.text_value ? v->value.text_value : "";
    size_t start = b->n;
    mtm_buf_adds(b, s);
    if (b->n - start > 10 && b->p[start + 10] == ' ') b->p[start + 10] = 'T';
    break;
  }
  default:
    break;
  }
  mtm_buf_addc(b, 0);
}

/* Reads rows until one has a non-empty cell. */
static int xls_next(mtm_table *t, mtm_row *row, mtm_err *err) {
  xls *x = t->impl;
  while (x->next_row < x->rows) {
    unsigned r = x->next_row++;
    mtm_buf_reset(&x->text);
    int last = -1;
    for (unsigned short c = 0; c < x->cols; c++) {
      FreeXL_CellValue v;
      x->off[c] = x->text.n;
      int rc = freexl_get_cell_value(x->h, r, c, &v);
      if (rc != FREEXL_OK) {
        char col[8];
        mtm_table_column_name(c, col);
        mtm_err_where(err, t->name, t->sheet, (long)r + 1, col, NULL);
        return mtm_err_set(err, MTM_EINVAL, "not a valid XLS workbook (%s)",
                           freexl_words(rc));
      }
      size_t before = x->text.n;
      add_cell(&x->text, &v);
      if (x->text.n - before > 1) last = c;
    }
    if (last < 0) continue;
    size_t bad;
    mtm_table__cells_reserve(t, last + 1);
    for (int c = 0; c <= last; c++) {
      const char *p = x->text.p + x->off[c];
      t->cells[c] = (mtm_slice){p, strlen(p)};
      if (!mtm_table__utf8_ok(p, t->cells[c].n, &bad)) {
        char col[8];
        mtm_table_column_name(c, col);
        return mtm_table__utf8_error(err, t->name, t->sheet, (long)r + 1, col, p, bad);
      }
    }
    row->row = (long)r + 1;
    row->n = last + 1;
    row->cells = t->cells;
    return 1;
  }
  return 0;
}

static void xls_close(mtm_table *t) {
  xls *x = t->impl;
  if (!x) return;
  if (x->h) freexl_close(x->h);
  mtm_buf_free(&x->text);
  free(x->off);
  free(x);
  t->impl = NULL;
}

static const mtm_table_ops xls_ops = {xls_next, xls_close};

/* Opens the workbook at path (t->name is used in messages) and selects the
 * sheet, by name case-insensitively, or the first. */
int mtm_table__xls_open(mtm_table *t, const char *path, const char *sheet, mtm_err *err) {
  xls *x = mtm_xcalloc(1, sizeof *x);
  t->impl = x;
  t->ops = &xls_ops;
  mtm_buf_init(&x->text);
  int rc = freexl_open(path, &x->h);
  if (rc != FREEXL_OK || !x->h) return xls_fail(err, t->name, rc);
  unsigned count = 0;
  if ((rc = freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &count)) != FREEXL_OK)
    return xls_fail(err, t->name, rc);
  int pick = -1;
  mtm_buf names;
  mtm_buf_init(&names);
  for (unsigned i = 0; i < count; i++) {
    const char *nm = NULL;
    if (freexl_get_worksheet_name(x->h, (unsigned short)i, &nm) != FREEXL_OK || !nm) continue;
    mtm_buf_printf(&names, "%s'%s'", i ? ", " : "", nm);
    if (pick < 0 && (!sheet || !mtm_strcasecmp(nm, sheet))) {
      pick = (int)i;
      snprintf(t->sheet, sizeof t->sheet, "%s", nm);
    }
  }
  if (pick < 0) {
    mtm_err_where(err, t->name, NULL, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_ENOTFOUND, "there is no sheet '%s'; the workbook has %s",
                     sheet ? sheet : "", names.p ? names.p : "no sheets");
    mtm_buf_free(&names);
    return rc;
  }
  mtm_buf_free(&names);
  if ((rc = freexl_select_active_worksheet(x->h, (unsigned short)pick)) != FREEXL_OK ||
      (rc = freexl_worksheet_dimensions(x->h, &x->rows, &x->cols)) != FREEXL_OK)
    return xls_fail(err, t->name, rc);
  x->off = mtm_xcalloc((size_t)x->cols + 1, sizeof *x->off);
  return 0;
}

/* Lists the worksheet names of an XLS workbook. */
int mtm_table__xls_sheets(const char *path, mtm_arena *a, char ***names, int *n,
                          mtm_err *err) {
  const void *h = NULL;
  int rc = freexl_open_info(path, &h);
  if (rc != FREEXL_OK || !h) {
    if (h) freexl_close(h);
    return xls_fail(err, path, rc);
  }
  unsigned count = 0;
  if ((rc = freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count)) != FREEXL_OK) {
    freexl_close(h);
    return xls_fail(err, path, rc);
  }
  *names = mtm_arena_alloc(a, ((size_t)count + 1) * sizeof(char *));
  int k = 0;
  for (unsigned i = 0; i < count; i++) {
    const char *nm = NULL;
    if (freexl_get_worksheet_name(h, (unsigned short)i, &nm) == FREEXL_OK && nm)
      (*names)[k++] = mtm_arena_strdup(a, nm);
  }
  (*names)[k] = NULL;
  *n = k;
  freexl_close(h);
  return 0;
}
