/* publish: the writer (publish.h): the temporary file beside the path, the
 * tables and their columns, CSV rows (one file, or a zip of one CSV per
 * table), and the rename into place. JSON and XLSX rows are in json.c and
 * xlsx.c. */
#include "publish/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

/*
** Reads a format's name as the command line gives it: "csv", "xlsx" or
** "json". Returns 0 with *out set, or MTM_EINVAL.
*/
int mtm_pub_format_parse(const char *s, mtm_pub_format *out) {
  static const char *const names[] = {"csv", "xlsx", "json"};
  for (int i = 0; i < 3; i++)
    if (s && !strcmp(s, names[i])) {
      *out = (mtm_pub_format)(i + 1);
      return 0;
    }
  return MTM_EINVAL;
}

/* 1 when path ends with ext, ignoring ASCII case. */
static int ends_with(const char *path, const char *ext) {
  size_t n = strlen(path), k = strlen(ext);
  return n >= k && !mtm_strcasecmp(path + n - k, ext);
}

/*
** Guesses the format from a file name's extension: .csv and .zip are CSV
** (a zip of CSVs), .xlsx is XLSX, .json is JSON. Returns 0 for any other
** name (and for NULL), so that the caller chooses.
*/
mtm_pub_format mtm_pub_format_of_path(const char *path) {
  if (!path) return (mtm_pub_format)0;
  if (ends_with(path, ".csv") || ends_with(path, ".zip")) return MTM_PUB_CSV;
  if (ends_with(path, ".xlsx")) return MTM_PUB_XLSX;
  if (ends_with(path, ".json")) return MTM_PUB_JSON;
  return (mtm_pub_format)0;
}

/*
** The Frictionless Data field type of a column type, as datapackage.json
** states it.
*/
const char *mtm_pub_type_frictionless(mtm_pub_type t) {
  switch (t) {
  case MTM_PUB_INT: return "integer";
  case MTM_PUB_NUM: return "number";
  case MTM_PUB_DATE: return "date";
  case MTM_PUB_DATETIME: return "datetime";
  case MTM_PUB_BOOL: return "boolean";
  case MTM_PUB_TEXT: break;
  }
  return "string";
}

/*
** Decides whether the text v of a cell of type t is written as a number:
** only in numeric columns (integer, number, boolean) and only when the whole
** text is a finite number. Stores it in *d and returns 1, else 0.
*/
int pub_numeric(mtm_pub_type t, const char *v, double *d) {
  if (t != MTM_PUB_INT && t != MTM_PUB_NUM && t != MTM_PUB_BOOL) return 0;
  if (!v || !v[0]) return 0;
  return mtm_parse_double(mtm_slice_c(v), d) == 0 && isfinite(*d);
}

/* Records the file's name on err and sets the sentence; returns code. */
static int fail(mtm_pub_writer *w, mtm_err *err, int code, const char *msg, const char *detail) {
  mtm_err_where(err, w ? w->path : NULL, NULL, 0, NULL, NULL);
  if (detail) return mtm_err_set(err, code, "%s: %s", msg, detail);
  return mtm_err_set(err, code, "%s", msg);
}

/*
** Opens a writer on path: reserves a temporary name beside it (so that the
** final rename stays on one file system) and starts the JSON envelope or the
** XLSX workbook. CSV tables get their files as they start. A CSV whose path
** ends with .zip is always a zip.
*/
int mtm_pub_open(mtm_pub_writer **out, const char *path, const mtm_pub_opts *o, mtm_err *err) {
  *out = NULL;
  if (!path || !path[0]) return mtm_err_set(err, MTM_EINVAL, "say where to write the file");
  mtm_pub_writer *w = mtm_xcalloc(1, sizeof *w);
  mtm_arena_init(&w->a);
  mtm_arena_init(&w->cell);
  mtm_buf_init(&w->line);
  w->o = *o;
  if (!w->o.format) w->o.format = mtm_pub_format_of_path(path);
  if (!w->o.format) w->o.format = MTM_PUB_CSV;
  if (w->o.format == MTM_PUB_CSV && ends_with(path, ".zip")) w->o.zip = 1;
  w->path = mtm_arena_strdup(&w->a, path);
  const char *slash = strrchr(path, '/');
  int dirlen = slash ? (int)(slash - path) + 1 : 0;
  w->tmp = mtm_arena_printf(&w->a, "%.*s.%s.XXXXXX", dirlen, path, slash ? slash + 1 : path);
  int fd = mkstemp(w->tmp);
  if (fd < 0) {
    int e = errno;
    w->tmp = NULL;
    fail(w, err, MTM_EIO, "cannot write the file", strerror(e));
    mtm_pub_abort(w);
    return MTM_EIO;
  }
  close(fd);
  int rc = 0;
  if (w->o.format == MTM_PUB_JSON) rc = pub_json_open(w, err);
  else if (w->o.format == MTM_PUB_XLSX) rc = pub_xlsx_open(w, err);
  if (rc) {
    mtm_pub_abort(w);
    return rc;
  }
  *out = w;
  return 0;
}

/* Opens the CSV file of table t: the temporary file itself for the first
 * table, an anonymous one for the others (they go into the zip). */
static int csv_table_file(mtm_pub_writer *w, pub_table *t, mtm_err *err) {
  t->f = w->nt == 1 ? fopen(w->tmp, "w+b") : tmpfile();
  if (!t->f) return fail(w, err, MTM_EIO, "cannot write the file", strerror(errno));
  return 0;
}

/* Appends s as a CSV field, RFC 4180 quoted when it holds , " CR or LF. */
static void csv_field(mtm_buf *b, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    mtm_buf_adds(b, s);
    return;
  }
  mtm_buf_addc(b, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"') mtm_buf_addc(b, '"');
    mtm_buf_addc(b, *p);
  }
  mtm_buf_addc(b, '"');
}

/* Formats one CSV line of n cells into w->line, each made safe unless it
 * is a number of a numeric column, and writes it to f. */
static int csv_line(mtm_pub_writer *w, FILE *f, int n, const mtm_pub_col *cols,
                    const char *const *cells, mtm_err *err) {
  mtm_buf_reset(&w->line);
  mtm_arena_reset(&w->cell);
  for (int i = 0; i < n; i++) {
    if (i) mtm_buf_addc(&w->line, ',');
    const char *v = cells[i];
    if (!v || !v[0]) continue;
    double d;
    if (!(cols && pub_numeric(cols[i].type, v, &d))) v = mtm_cell_safe(v, &w->cell);
    csv_field(&w->line, v);
  }
  mtm_buf_adds(&w->line, "\r\n");
  if (fwrite(w->line.p, 1, w->line.n, f) != w->line.n)
    return fail(w, err, MTM_EIO, "cannot write the file", strerror(errno));
  return 0;
}

/* Writes the header row (and the HXL row when asked) of the current CSV
 * table. */
static int csv_header(mtm_pub_writer *w, pub_table *t, mtm_err *err) {
  const char **h = mtm_arena_alloc(&w->a, (size_t)(t->ncols ? t->ncols : 1) * sizeof *h);
  for (int i = 0; i < t->ncols; i++) h[i] = t->cols[i].name;
  int rc = csv_line(w, t->f, t->ncols, NULL, h, err);
  if (rc || !w->o.hxl) return rc;
  for (int i = 0; i < t->ncols; i++) h[i] = t->cols[i].hxl;
  return csv_line(w, t->f, t->ncols, NULL, h, err);
}

/*
** Starts a table: copies its name and columns, then writes its header
** (CSV: a file of its own; XLSX: a sheet; JSON: the envelope's result). JSON
** takes one table; a CSV named .csv takes one (several need a .zip).
*/
int mtm_pub_table(mtm_pub_writer *w, const char *name, int ncols, const mtm_pub_col *cols,
                  mtm_err *err) {
  if (ncols < 1) return fail(w, err, MTM_EINVAL, "a table needs at least one column", NULL);
  if (w->nt && w->o.format == MTM_PUB_JSON)
    return fail(w, err, MTM_EINVAL,
                "JSON holds one table; write several tables (a form with repeats) as XLSX or a zip of CSVs",
                NULL);
  if (w->nt && w->o.format == MTM_PUB_CSV && !w->o.zip && ends_with(w->path, ".csv"))
    return fail(w, err, MTM_EINVAL,
                "these are several tables (a form with repeats): name the file .zip for a zip of CSVs, "
                "or .xlsx",
                NULL);
  if (w->nt == w->capt) {
    w->capt = w->capt ? 2 * w->capt : 4;
    w->t = mtm_xrealloc(w->t, (size_t)w->capt * sizeof *w->t);
  }
  pub_table *t = &w->t[w->nt++];
  memset(t, 0, sizeof *t);
  t->name = mtm_arena_strdup(&w->a, name && name[0] ? name : "data");
  t->ncols = ncols;
  t->cols = mtm_arena_alloc(&w->a, (size_t)ncols * sizeof *t->cols);
  for (int i = 0; i < ncols; i++) {
    t->cols[i] = cols[i];
    t->cols[i].name = mtm_arena_strdup(&w->a, cols[i].name ? cols[i].name : "");
    t->cols[i].hxl = cols[i].hxl ? mtm_arena_strdup(&w->a, cols[i].hxl) : NULL;
    t->cols[i].description = cols[i].description ? mtm_arena_strdup(&w->a, cols[i].description) : NULL;
  }
  switch (w->o.format) {
  case MTM_PUB_JSON: return pub_json_table(w, err);
  case MTM_PUB_XLSX: return pub_xlsx_table(w, err);
  case MTM_PUB_CSV: break;
  }
  int rc = csv_table_file(w, t, err);
  return rc ? rc : csv_header(w, t, err);
}

/*
** Writes one row of the current table in the writer's format. Empty cells
** (NULL or "") stay empty; text is made safe (mtm_cell_safe).
*/
int mtm_pub_row(mtm_pub_writer *w, const char *const *cells, mtm_err *err) {
  if (!w->nt) return fail(w, err, MTM_EINVAL, "a row before any table", NULL);
  pub_table *t = &w->t[w->nt - 1];
  int rc;
  switch (w->o.format) {
  case MTM_PUB_JSON: rc = pub_json_row(w, cells, err); break;
  case MTM_PUB_XLSX: rc = pub_xlsx_row(w, cells, err); break;
  default: rc = csv_line(w, t->f, t->ncols, t->cols, cells, err);
  }
  if (!rc) t->nrows++;
  return rc;
}

/*
** Keeps a copy of the metadata entries, written at close: the XLSX sheet
** "metadata", metadata.csv in a zip. A single CSV and JSON have no place for
** them and ignore them.
*/
int mtm_pub_metadata(mtm_pub_writer *w, int n, const mtm_pub_meta *m, mtm_err *err) {
  (void)err;
  w->meta = mtm_arena_alloc(&w->a, (size_t)(n > 0 ? n : 1) * sizeof *w->meta);
  w->nmeta = n > 0 ? n : 0;
  for (int i = 0; i < w->nmeta; i++) {
    w->meta[i].field = mtm_arena_strdup(&w->a, m[i].field ? m[i].field : "");
    w->meta[i].value = mtm_arena_strdup(&w->a, m[i].value ? m[i].value : "");
  }
  return 0;
}

/*
** The tables written so far, copied into a: name, columns (names, tags and
** descriptions copied too) and the number of data rows.
*/
int mtm_pub_tables(const mtm_pub_writer *w, mtm_arena *a, mtm_pub_table_info **out, int *n) {
  *n = w->nt;
  *out = mtm_arena_zalloc(a, (size_t)(w->nt ? w->nt : 1) * sizeof **out);
  for (int i = 0; i < w->nt; i++) {
    const pub_table *t = &w->t[i];
    mtm_pub_col *c = mtm_arena_alloc(a, (size_t)t->ncols * sizeof *c);
    for (int j = 0; j < t->ncols; j++) {
      c[j] = t->cols[j];
      c[j].name = mtm_arena_strdup(a, t->cols[j].name);
      c[j].hxl = t->cols[j].hxl ? mtm_arena_strdup(a, t->cols[j].hxl) : NULL;
      c[j].description = t->cols[j].description ? mtm_arena_strdup(a, t->cols[j].description) : NULL;
    }
    (*out)[i] = (mtm_pub_table_info){mtm_arena_strdup(a, t->name), t->ncols, c, t->nrows};
  }
  return 0;
}

/* Flushes f to disk; 0 or MTM_EIO. */
static int flush_file(mtm_pub_writer *w, FILE *f, mtm_err *err) {
  if (fflush(f) || fsync(fileno(f))) return fail(w, err, MTM_EIO, "cannot write the file", strerror(errno));
  return 0;
}

/* The name of table t's CSV inside the zip: NAME.csv, with any / or \
 * turned into _ and a ~N suffix when two tables share a name. */
static const char *zip_entry(mtm_pub_writer *w, int t, mtm_arena *a) {
  char *s = mtm_arena_strdup(a, w->t[t].name);
  for (char *p = s; *p; p++)
    if (*p == '/' || *p == '\\') *p = '_';
  int same = 0;
  for (int i = 0; i < t; i++) same += !strcmp(w->t[i].name, w->t[t].name);
  if (!strcmp(s, "metadata") && w->nmeta) same++;
  return same ? mtm_arena_printf(a, "%s~%d.csv", s, same + 1) : mtm_arena_printf(a, "%s.csv", s);
}

/* Adds one file to the zip from f (libzip reads it at zip_close and closes
 * it); the file's handle passes to libzip on success. */
static int zip_entry_add(mtm_pub_writer *w, zip_t *z, const char *name, FILE *f, mtm_err *err) {
  rewind(f); /* libzip reads from where the handle stands */
  zip_source_t *src = zip_source_filep(z, f, 0, -1);
  if (!src) return fail(w, err, MTM_EIO, "cannot write the zip", zip_strerror(z));
  if (zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) < 0) {
    zip_source_free(src);
    return fail(w, err, MTM_EIO, "cannot write the zip", zip_strerror(z));
  }
  return 0;
}

/* Closes the CSV tables: one table stays the file; several (or a zip asked
 * for) become a zip of NAME.csv files plus metadata.csv, written under a
 * second temporary name that then replaces the first. */
static int csv_close(mtm_pub_writer *w, mtm_err *err) {
  if (!w->nt && !w->nmeta) {
    /* Nothing at all: an empty CSV, or an empty zip (libzip would write no
     * file for an archive without entries: its end record alone is one). */
    if (!w->o.zip) return 0;
    static const char eocd[22] = {'P', 'K', 5, 6};
    FILE *f = fopen(w->tmp, "wb");
    if (!f) return fail(w, err, MTM_EIO, "cannot write the file", strerror(errno));
    int rc = fwrite(eocd, 1, sizeof eocd, f) == sizeof eocd ? flush_file(w, f, err)
                                                             : fail(w, err, MTM_EIO, "cannot write the file", NULL);
    fclose(f);
    return rc;
  }
  for (int i = 0; i < w->nt; i++) {
    int rc = flush_file(w, w->t[i].f, err);
    if (rc) return rc;
  }
  if (w->nt <= 1 && !w->o.zip) {
    if (!w->nt) return 0;
    int bad = fclose(w->t[0].f);
    w->t[0].f = NULL;
    return bad ? fail(w, err, MTM_EIO, "cannot write the file", strerror(errno)) : 0;
  }
  /* The zip goes to a second temporary name; the first one held table 1. */
  mtm_arena a;
  mtm_arena_init(&a);
  char *ztmp = mtm_arena_printf(&a, "%s.zip.XXXXXX", w->tmp);
  int fd = mkstemp(ztmp);
  if (fd < 0) {
    mtm_arena_free(&a);
    return fail(w, err, MTM_EIO, "cannot write the file", strerror(errno));
  }
  close(fd);
  int zerr = 0, rc = 0;
  zip_t *z = zip_open(ztmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
  if (!z) rc = fail(w, err, MTM_EIO, "cannot write the zip", NULL);
  for (int i = 0; !rc && i < w->nt; i++) {
    rc = zip_entry_add(w, z, zip_entry(w, i, &a), w->t[i].f, err);
    if (!rc) w->t[i].f = NULL;
  }
  if (!rc && w->nmeta) {
    FILE *m = tmpfile();
    if (!m) rc = fail(w, err, MTM_EIO, "cannot write the file", strerror(errno));
    static const mtm_pub_col mc[2] = {{"field", NULL, MTM_PUB_TEXT, NULL},
                                      {"value", NULL, MTM_PUB_TEXT, NULL}};
    const char *h[2] = {"field", "value"};
    if (!rc) rc = csv_line(w, m, 2, NULL, h, err);
    for (int i = 0; !rc && i < w->nmeta; i++) {
      const char *row[2] = {w->meta[i].field, w->meta[i].value};
      rc = csv_line(w, m, 2, mc, row, err);
    }
    if (!rc) rc = flush_file(w, m, err);
    if (!rc) rc = zip_entry_add(w, z, "metadata.csv", m, err);
    if (rc && m) fclose(m);
  }
  if (z) {
    if (rc) zip_discard(z);
    else if (zip_close(z) < 0) {
      rc = fail(w, err, MTM_EIO, "cannot write the zip", zip_strerror(z));
      zip_discard(z);
    }
  }
  if (!rc && rename(ztmp, w->tmp)) rc = fail(w, err, MTM_EIO, "cannot write the file", strerror(errno));
  if (rc) unlink(ztmp);
  mtm_arena_free(&a);
  return rc;
}

/* Frees the writer's memory and any file handle still open. */
static void writer_free(mtm_pub_writer *w) {
  for (int i = 0; i < w->nt; i++)
    if (w->t[i].f) fclose(w->t[i].f);
  if (w->jf) fclose(w->jf);
  free(w->t);
  mtm_buf_free(&w->line);
  mtm_arena_free(&w->cell);
  mtm_arena_free(&w->a);
  free(w);
}

/*
** Finishes the file (the JSON envelope's end, the XLSX workbook, the CSV or
** its zip), renames it from its temporary name into place and frees the
** writer. On any error nothing is left at the path (a file already there
** stays as it was) and the writer is freed all the same.
*/
int mtm_pub_close(mtm_pub_writer *w, mtm_err *err) {
  if (!w) return 0;
  int rc;
  switch (w->o.format) {
  case MTM_PUB_JSON: rc = pub_json_close(w, err); break;
  case MTM_PUB_XLSX: rc = pub_xlsx_close(w, err); break;
  default: rc = csv_close(w, err);
  }
  if (!rc && rename(w->tmp, w->path)) rc = fail(w, err, MTM_EIO, "cannot write the file", strerror(errno));
  if (rc) {
    mtm_pub_abort(w);
    return rc;
  }
  writer_free(w);
  return 0;
}

/*
** Drops the file being written: closes what is open, removes the temporary
** file and frees the writer. NULL is a harmless no-op.
*/
void mtm_pub_abort(mtm_pub_writer *w) {
  if (!w) return;
  if (w->wb) pub_xlsx_abort(w);
  if (w->tmp) unlink(w->tmp);
  writer_free(w);
}
