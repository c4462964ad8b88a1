/*
 * publish: the files mtm hands to partners. One streaming writer of tables
 * in CSV, XLSX and JSON (the DTM API's envelope), with an optional second
 * header row of HXL hashtags, a metadata sheet, and every text cell made
 * safe for spreadsheets. It knows nothing of baselines, surveys or the
 * workspace: export (src/export) decides the rows, publish writes them.
 *
 *   CSV   one table: the file itself (UTF-8, no BOM, RFC 4180, "\r\n" line
 *         ends as Excel and pandas read them). Two or more tables (a
 *         microdata file with repeats): a zip holding one CSV per table,
 *         NAME.csv, and metadata.csv when metadata is given.
 *   XLSX  a sheet per table (libxlsxwriter, constant memory), then a sheet
 *         "metadata" when metadata is given. Numbers are numbers, dates are
 *         text YYYY-MM-DD.
 *   JSON  {"isSuccess":true,"statusCode":200,"result":[...],
 *          "errorMessages":[],"totalRecordsCount":N}: one table only, each
 *         row an object keyed by column name; MTM_PUB_INT and MTM_PUB_NUM
 *         cells are JSON numbers, empty cells null. HXL and metadata are not
 *         written (JSON has no second header row).
 *
 * Safe cells (OWASP "CSV injection", core's mtm_cell_safe): a text cell that begins with = + - @
 * a tab or a carriage return gets a leading apostrophe ', in CSV and XLSX,
 * so that no spreadsheet evaluates it. A cell of a numeric column that is a
 * number is written as a number ("-3" stays -3); a text cell that happens to
 * look like a negative number ("-1.5") is a number too, not a formula.
 *
 * Nothing half-written: the file is written beside its path under a
 * temporary name and renamed into place by mtm_pub_close; mtm_pub_abort (or
 * a failed close) removes it.
 *
 * Ownership rule: the writer copies what it keeps; the caller owns every
 * string it passes, which need only live for the duration of the call.
 * mtm_pub_close and mtm_pub_abort free the writer.
 */
#ifndef MTM_PUBLISH_H
#define MTM_PUBLISH_H

#include "core/core.h"

typedef enum { MTM_PUB_CSV = 1, MTM_PUB_XLSX, MTM_PUB_JSON } mtm_pub_format;

/* "csv", "xlsx", "json" -> format; 0 or MTM_EINVAL. */
int mtm_pub_format_parse(const char *s, mtm_pub_format *out);
/* From a file name's extension (.csv .zip -> CSV, .xlsx, .json); 0 when unknown. */
mtm_pub_format mtm_pub_format_of_path(const char *path);

/* A column's type: the JSON value and the XLSX cell it becomes, and the
 * Frictionless Data field type ("string", "integer", "number", "date",
 * "datetime", "boolean") that a datapackage.json states. */
typedef enum {
  MTM_PUB_TEXT = 0,
  MTM_PUB_INT,
  MTM_PUB_NUM,
  MTM_PUB_DATE,     /* YYYY-MM-DD */
  MTM_PUB_DATETIME, /* YYYY-MM-DDThh:mm:ss */
  MTM_PUB_BOOL      /* 0/1 */
} mtm_pub_type;

/* "string", "integer", "number", "date", "datetime", "boolean". */
const char *mtm_pub_type_frictionless(mtm_pub_type t);

typedef struct mtm_pub_col {
  const char *name;        /* header */
  const char *hxl;         /* hashtag row cell ("#adm1+code"), NULL or "" none */
  mtm_pub_type type;
  const char *description; /* for datapackage.json and the metadata sheet; may be NULL */
} mtm_pub_col;

/* A metadata entry: the XLSX sheet "metadata" (and metadata.csv in a zip)
 * has two columns, field and value, one row per entry, in order. */
typedef struct mtm_pub_meta {
  const char *field, *value;
} mtm_pub_meta;

typedef struct mtm_pub_opts {
  mtm_pub_format format;
  int hxl;                 /* 1: a second header row of hashtags (CSV, XLSX) */
  int zip;                 /* CSV: 1 forces a zip even for one table */
} mtm_pub_opts;

typedef struct mtm_pub_writer mtm_pub_writer;

/* Opens path for writing (under a temporary name in the same folder). */
int mtm_pub_open(mtm_pub_writer **w, const char *path, const mtm_pub_opts *o,
                 mtm_err *err) MTM_MUST_USE;
/* Starts a table: name is the sheet (XLSX, at most 31 characters) or the
 * CSV's stem inside a zip. The columns are copied. JSON takes one table. */
int mtm_pub_table(mtm_pub_writer *w, const char *name, int ncols, const mtm_pub_col *cols,
                  mtm_err *err) MTM_MUST_USE;
/* Writes one row of the current table: cells[0..ncols), NULL or "" empty.
 * Numbers come as text ("12", "0.25") and are written as numbers where the
 * column is MTM_PUB_INT, MTM_PUB_NUM or MTM_PUB_BOOL and the text parses;
 * text cells are made safe. */
int mtm_pub_row(mtm_pub_writer *w, const char *const *cells, mtm_err *err) MTM_MUST_USE;
/* The metadata entries, written at close (XLSX sheet "metadata"; in a CSV
 * zip metadata.csv; ignored for a single CSV and for JSON). */
int mtm_pub_metadata(mtm_pub_writer *w, int n, const mtm_pub_meta *m, mtm_err *err) MTM_MUST_USE;
/* Finishes the file and renames it into place; frees w (also on error,
 * when nothing is left at path). */
int mtm_pub_close(mtm_pub_writer *w, mtm_err *err) MTM_MUST_USE;
/* Drops the file being written; frees w. */
void mtm_pub_abort(mtm_pub_writer *w);

/* What a writer has written so far, for a datapackage.json: per table its
 * name, columns and number of rows (header rows not counted). Copies in
 * arena a. Call before mtm_pub_close. */
typedef struct mtm_pub_table_info {
  const char *name;
  int ncols;
  const mtm_pub_col *cols;
  long nrows;
} mtm_pub_table_info;
int mtm_pub_tables(const mtm_pub_writer *w, mtm_arena *a, mtm_pub_table_info **out, int *n);

#endif
