/*
 * publish internals: the writer's state, shared by writer.c (open, tables,
 * rows, the CSV and its zip, close), json.c and xlsx.c. Not for use outside
 * src/publish.
 *
 * Ownership rule: the writer owns everything below; its arena holds the
 * copies of table names, columns and metadata, freed by close or abort.
 */
#ifndef MTM_PUBLISH_INTERNAL_H
#define MTM_PUBLISH_INTERNAL_H

#include "publish/publish.h"

#include <stdio.h>

typedef struct lxw_workbook lxw_workbook;
typedef struct lxw_worksheet lxw_worksheet;
typedef struct lxw_format lxw_format;

/* One table as written so far. */
typedef struct pub_table {
  char *name;
  int ncols;
  mtm_pub_col *cols;
  long nrows;
  FILE *f;        /* CSV: the table's text (the temp file beside the path for
                     the first table, an anonymous tmpfile() for the others) */
} pub_table;

struct mtm_pub_writer {
  mtm_pub_opts o;
  char *path;     /* where the file goes */
  char *tmp;      /* the temporary name beside it (mkstemp) */
  mtm_arena a;    /* names, columns, metadata */
  pub_table *t;   /* tables in order; the current one is t[nt - 1] */
  int nt, capt;
  mtm_pub_meta *meta;
  int nmeta;
  mtm_buf line;   /* one row being formatted */
  mtm_arena cell; /* per-row scratch (safe copies) */
  /* JSON */
  FILE *jf;
  /* XLSX */
  lxw_workbook *wb;
  lxw_worksheet *ws;
  lxw_format *bold;
  long xrow;      /* next sheet row (header rows included) */
};

/* 1 when text is a number a cell of type t may be written as. */
int pub_numeric(mtm_pub_type t, const char *v, double *d);

/* JSON (json.c). */
int pub_json_open(mtm_pub_writer *w, mtm_err *err);
int pub_json_table(mtm_pub_writer *w, mtm_err *err);
int pub_json_row(mtm_pub_writer *w, const char *const *cells, mtm_err *err);
int pub_json_close(mtm_pub_writer *w, mtm_err *err);

/* XLSX (xlsx.c). */
int pub_xlsx_open(mtm_pub_writer *w, mtm_err *err);
int pub_xlsx_table(mtm_pub_writer *w, mtm_err *err);
int pub_xlsx_row(mtm_pub_writer *w, const char *const *cells, mtm_err *err);
int pub_xlsx_close(mtm_pub_writer *w, mtm_err *err);
void pub_xlsx_abort(mtm_pub_writer *w);

#endif
