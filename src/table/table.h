/*
 * table: streaming readers for tabular files. One interface over
 *   - CSV (delimiter , ; or tab sniffed from the header line; UTF-8 with or
 *     without BOM; RFC 4180 quoting, quoted fields may hold newlines),
 *   - XLSX (libzip + expat, streaming one row at a time; shared strings and
 *     inline strings; sheets chosen by name, case-insensitively),
 *   - XLS (legacy BIFF8 and BIFF5 workbooks, Excel 5 to 2003, read by mtm
 *     itself: OLE2 compound file, then the BIFF records),
 *   - Markdown pipe tables as pyxform writes XLSForms ("| survey | | ...").
 * Every cell comes back as UTF-8 text; numbers as the shortest text that
 * round-trips ("12", "0.5"), booleans as TRUE/FALSE.
 *
 * Ownership rule: a mtm_table owns its rows; the cells returned by
 * mtm_table_next stay valid until the next call to mtm_table_next or
 * mtm_table_close. Copy what you keep.
 *
 * Errors name the file, the sheet, the row and the column (letter for
 * sheets, header name when known for CSV), e.g. a quote never closed, bad
 * UTF-8, a truncated or damaged XLSX.
 */
#ifndef MTM_TABLE_H
#define MTM_TABLE_H

#include "core/core.h"

typedef enum {
  MTM_TABLE_CSV,
  MTM_TABLE_XLSX,
  MTM_TABLE_XLS,
  MTM_TABLE_MD
} mtm_table_format;

typedef struct mtm_table mtm_table;

typedef struct mtm_row {
  long row;          /* 1-based: CSV physical line where the record starts;
                        sheet row number for XLSX/XLS; line for Markdown */
  int n;             /* number of cells (trailing empty cells may be absent) */
  mtm_slice *cells;  /* cells[i].p is NUL-terminated as well */
} mtm_row;

/* Guesses the format from the extension (.csv .tsv .txt .xlsx .xlsm .xls .md)
 * and, failing that, from the first bytes (PK zip, OLE2, text). */
int mtm_table_sniff(const char *path, mtm_table_format *fmt, mtm_err *err) MTM_MUST_USE;

/* Lists the sheet names of a workbook (CSV: one sheet named after the file
 * stem; Markdown: the "| name |" section titles). Arena strings. */
int mtm_table_sheets(const char *path, mtm_arena *a, char ***names, int *n,
                     mtm_err *err) MTM_MUST_USE;

/* The same for an in-memory copy; name is used in messages and, for CSV,
 * names its one sheet. */
int mtm_table_sheets_mem(const void *bytes, size_t len, mtm_table_format fmt, const char *name,
                         mtm_arena *a, char ***names, int *n, mtm_err *err) MTM_MUST_USE;

/* Opens a sheet (NULL: the first sheet) for reading. For CSV the sheet is
 * ignored. Returns MTM_ENOTFOUND if the sheet does not exist. */
int mtm_table_open(mtm_table **t, const char *path, const char *sheet,
                   mtm_err *err) MTM_MUST_USE;
/* Opens an in-memory copy (used for forms stored in the workspace). The
 * bytes must outlive the table. name is used in messages. */
int mtm_table_open_mem(mtm_table **t, const void *bytes, size_t len,
                       mtm_table_format fmt, const char *name, const char *sheet,
                       mtm_err *err) MTM_MUST_USE;

/* 1: a row was read; 0: end of sheet; < 0: error (err filled). Empty rows
 * are skipped for XLSX/XLS; for CSV a blank line is a row with n == 0. */
int mtm_table_next(mtm_table *t, mtm_row *row, mtm_err *err) MTM_MUST_USE;

mtm_table_format mtm_table_format_of(const mtm_table *t);
/* For CSV: the delimiter that was detected. */
char mtm_table_delimiter(const mtm_table *t);
/* "A", "B", ..., "AA" for 0-based column i. */
void mtm_table_column_name(int i, char out[8]);
void mtm_table_close(mtm_table *t);

#endif
