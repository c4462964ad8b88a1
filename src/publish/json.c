/* publish: the JSON file, the DTM API's envelope
 *   {"isSuccess":true,"statusCode":200,"result":[{...},...],
 *    "errorMessages":[],"totalRecordsCount":N}
 * written as the rows come, one object per row on its own line. */
#include "publish/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Sets err's sentence for a failed write of w's file; returns MTM_EIO. */
static int io_fail(mtm_pub_writer *w, mtm_err *err) {
  mtm_err_where(err, w->path, NULL, 0, NULL, NULL);
  return mtm_err_set(err, MTM_EIO, "cannot write the file: %s", strerror(errno));
}

/*
** Opens the temporary file and writes the envelope's head up to the start
** of the result array.
*/
int pub_json_open(mtm_pub_writer *w, mtm_err *err) {
  w->jf = fopen(w->tmp, "wb");
  if (!w->jf) return io_fail(w, err);
  if (fputs("{\"isSuccess\":true,\"statusCode\":200,\"result\":[", w->jf) < 0) return io_fail(w, err);
  return 0;
}

/* A table starts nothing in JSON: its rows are the result array. */
int pub_json_table(mtm_pub_writer *w, mtm_err *err) {
  (void)w, (void)err;
  return 0;
}

/* 1 when s is a number exactly as JSON writes one:
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int json_number_text(const char *s) {
  const char *p = s;
  if (*p == '-') p++;
  if (*p == '0') p++;
  else if (*p >= '1' && *p <= '9')
    while (isdigit((unsigned char)*p)) p++;
  else return 0;
  if (*p == '.') {
    p++;
    if (!isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) p++;
  }
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) p++;
  }
  return !*p;
}

/* Appends d as JSON: an integer when it is one (and exact), else the
 * shortest %g text that reads back as d. */
static void json_number(mtm_buf *b, double d) {
  if (d == (double)(long long)d && d > -9007199254740992.0 && d < 9007199254740992.0) {
    mtm_buf_printf(b, "%lld", (long long)d);
    return;
  }
  char tmp[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*g", prec, d);
    if (strtod(tmp, NULL) == d) break;
  }
  mtm_buf_adds(b, tmp);
}

/*
** Writes one row as an object keyed by the column names: numbers of numeric
** columns as JSON numbers (their text kept when it already is JSON's, so
** "0.25" stays 0.25), empty cells as null, all else as strings. JSON is no
** spreadsheet: text is written as it is.
*/
int pub_json_row(mtm_pub_writer *w, const char *const *cells, mtm_err *err) {
  pub_table *t = &w->t[w->nt - 1];
  mtm_buf *b = &w->line;
  mtm_buf_reset(b);
  if (t->nrows) mtm_buf_addc(b, ',');
  mtm_buf_adds(b, "\n{");
  for (int i = 0; i < t->ncols; i++) {
    if (i) mtm_buf_addc(b, ',');
    mtm_buf_add_json(b, t->cols[i].name);
    mtm_buf_addc(b, ':');
    const char *v = cells[i];
    double d;
    if (!v || !v[0]) mtm_buf_adds(b, "null");
    else if (pub_numeric(t->cols[i].type, v, &d)) {
      if (t->cols[i].type != MTM_PUB_INT && json_number_text(v)) mtm_buf_adds(b, v);
      else json_number(b, d);
    } else mtm_buf_add_json(b, v);
  }
  mtm_buf_addc(b, '}');
  if (fwrite(b->p, 1, b->n, w->jf) != b->n) return io_fail(w, err);
  return 0;
}

/*
** Ends the result array and writes errorMessages and totalRecordsCount (the
** rows written), then flushes the file to disk.
*/
int pub_json_close(mtm_pub_writer *w, mtm_err *err) {
  long n = w->nt ? w->t[0].nrows : 0;
  if (fprintf(w->jf, "%s],\"errorMessages\":[],\"totalRecordsCount\":%ld}\n", n ? "\n" : "", n) < 0)
    return io_fail(w, err);
  FILE *f = w->jf;
  w->jf = NULL;
  int bad = fflush(f) || fsync(fileno(f));
  bad |= fclose(f) != 0;
  return bad ? io_fail(w, err) : 0;
}
