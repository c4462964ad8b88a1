/*
 * table internals shared by table.c (dispatch) and the readers csv.c,
 * xlsx.c, xls.c and md.c. Not part of the public interface: only files in
 * src/table/ include it. Names are mtm_table__* (two underscores: internal).
 */
#ifndef MTM_TABLE_INT_H
#define MTM_TABLE_INT_H

#include "table/table.h"

/* What every reader provides: the next row, and the release of its state. */
typedef struct mtm_table_ops {
  int (*next)(mtm_table *t, mtm_row *row, mtm_err *err);
  void (*close)(mtm_table *t);
} mtm_table_ops;

struct mtm_table {
  mtm_table_format fmt;
  const mtm_table_ops *ops;
  char *name;      /* the file name used in messages (malloc) */
  char sheet[64];  /* the sheet being read, "" for CSV */
  char delim;      /* CSV only */
  mtm_slice *cells; /* the cells of the current row (grown, never shrunk) */
  int cells_cap;
  void *impl;      /* the reader's own state */
};

/* Makes room for n cells in t->cells. */
void mtm_table__cells_reserve(mtm_table *t, int n);
/* Allocates a table of format fmt named name (copied). */
mtm_table *mtm_table__new(mtm_table_format fmt, const char *name);

/* Formats a double as the shortest text that reads back as the same value. */
void mtm_table__number(double v, char out[32]);
/* Turns an Excel serial day number into YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS,
 * or HH:MM:SS when time_only; date1904 selects the 1904 date system. */
void mtm_table__excel_date(double serial, int date1904, int time_only, char out[32]);
/* How a number format shows numbers: plainly, as a date (or date-time), or
 * as a time of day. */
enum { MTM_TABLE__PLAIN = 0, MTM_TABLE__DATE = 1, MTM_TABLE__TIME = 2 };
/* Classifies number format id with format code (NULL: the built-in format
 * id, where 14-17 and 22 are dates, 18-21 and 45-47 times). A code is a
 * date when it has d, y or a month m outside quotes, brackets and escapes;
 * a time when it has only h, m, s. */
int mtm_table__numfmt_kind(int id, const char *code);
/* Checks UTF-8 quickly (ASCII fast path). 1 when valid, else 0 and *bad
 * is the byte offset of the first bad byte. */
int mtm_table__utf8_ok(const char *s, size_t n, size_t *bad);
/* Fills err with the message for bad UTF-8 in cell s[0..n) at byte bad;
 * when s[bad] is 0, the message for a NUL byte (which the C strings cells
 * are used as would silently cut). */
int mtm_table__utf8_error(mtm_err *err, const char *file, const char *sheet, long row,
                          const char *column, const char *s, size_t bad);

/* The readers. open functions take ownership of nothing; bytes (mem) must
 * outlive the table. */
int mtm_table__csv_open(mtm_table *t, const char *path, const void *bytes, size_t len,
                        mtm_err *err);
int mtm_table__xlsx_open(mtm_table *t, const char *path, const void *bytes, size_t len,
                         const char *sheet, mtm_err *err);
int mtm_table__xlsx_sheets(const char *path, const void *bytes, size_t len, mtm_arena *a,
                           char ***names, int *n, mtm_err *err);
int mtm_table__xls_open(mtm_table *t, const char *path, const void *bytes, size_t len,
                        const char *sheet, mtm_err *err);
int mtm_table__xls_sheets(const char *path, const void *bytes, size_t len, mtm_arena *a,
                          char ***names, int *n, mtm_err *err);
int mtm_table__md_open(mtm_table *t, const char *path, const void *bytes, size_t len,
                       const char *sheet, mtm_err *err);
int mtm_table__md_sheets(const char *path, const void *bytes, size_t len, mtm_arena *a,
                         char ***names, int *n, mtm_err *err);

#endif
