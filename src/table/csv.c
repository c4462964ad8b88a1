/* CSV reader: RFC 4180 with the delimiter sniffed (',' ';' or tab), BOM
 * stripped, CRLF or LF. The file is read in 1 MiB blocks into one buffer that
 * slides; cells are slices into it, unescaped and NUL-terminated in place, so
 * reading allocates nothing per row or cell. */
#include "table/table_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The fuzz build (make fuzz) makes blocks tiny so that records cross them. */
#ifndef MTM_CSV_BLOCK
#define MTM_CSV_BLOCK (1u << 20)
#endif
#define BLOCK ((size_t)MTM_CSV_BLOCK)

typedef struct csv {
  FILE *f;               /* file source, or NULL */
  const char *mem;       /* memory source */
  size_t mem_len, mem_pos;
  char *buf;             /* [pos, len) is unread; cap > len always */
  size_t cap, len, pos;
  int eof;               /* the source has no more bytes */
  long line;             /* physical line where the next record starts */
  char **header;         /* copies of the first record, for messages */
  int nheader;           /* -1 until the first record was read */
} csv;

/* Slides the unread bytes to the front of the buffer and appends up to want
 * more bytes from the source (in 1 MiB reads). Sets eof when the source is
 * exhausted. */
static int fill(mtm_table *t, csv *c, size_t want, mtm_err *err) {
  size_t keep = c->len - c->pos;
  if (c->pos) {
    memmove(c->buf, c->buf + c->pos, keep);
    c->len = keep;
    c->pos = 0;
  }
  if (want < BLOCK) want = BLOCK;
  if (c->cap < c->len + want + 1) {
    size_t cap = c->cap ? c->cap * 2 : 2 * BLOCK + 1;
    while (cap < c->len + want + 1) cap *= 2;
    c->buf = mtm_xrealloc(c->buf, cap);
    c->cap = cap;
  }
  size_t got = 0;
  while (got < want && !c->eof) {
    size_t ask = want - got < BLOCK ? want - got : BLOCK;
    size_t r;
    if (c->f) {
      r = fread(c->buf + c->len, 1, ask, c->f);
      if (r == 0 && ferror(c->f)) {
        mtm_err_where(err, t->name, NULL, 0, NULL, NULL);
        return mtm_err_set(err, MTM_EIO, "cannot read the file (%s)", strerror(errno));
      }
    } else {
      r = c->mem_len - c->mem_pos < ask ? c->mem_len - c->mem_pos : ask;
      memcpy(c->buf + c->len, c->mem + c->mem_pos, r);
      c->mem_pos += r;
    }
    if (r == 0) c->eof = 1;
    c->len += r;
    got += r;
  }
  return 0;
}

/* Names column i for messages: its header when the header row was read and
 * names it, else its letter. */
static void column_label(const csv *c, int i, char out[128]) {
  if (c->nheader > i && c->header[i][0])
    snprintf(out, 128, "%s", c->header[i]);
  else
    mtm_table_column_name(i, out);
}

/* Picks the delimiter from the first record: the most frequent of , ; and
 * tab outside quotes (',' on a tie or when there is none). */
static char sniff_delimiter(const char *p, size_t n) {
  size_t comma = 0, semi = 0, tab = 0;
  int inq = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = p[i];
    if (ch == '"')
      inq = !inq;
    else if (inq)
      continue;
    else if (ch == '\n')
      break;
    else if (ch == ',')
      comma++;
    else if (ch == ';')
      semi++;
    else if (ch == '\t')
      tab++;
  }
  if (semi > comma && semi >= tab) return ';';
  if (tab > comma && tab > semi) return '\t';
  return ',';
}

enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_SEEN, AFTER_QUOTE };

/* Reads one record. The parse is resumable: when the record runs past the
 * buffered bytes, the pointers are turned into offsets, more bytes are read
 * (the record slides to the front), and the scan goes on where it stopped. */
static int csv_next(mtm_table *t, mtm_row *row, mtm_err *err) {
  csv *c = t->impl;
  const char delim = t->delim;
  int rc;
  if (c->pos == c->len) {
    if (c->eof) return 0;
    if ((rc = fill(t, c, BLOCK, err))) return rc;
    if (c->pos == c->len) return 0;
  }
  char *rs = c->buf + c->pos, *lim = c->buf + c->len;
  char *p = rs, *cs = rs, *w = rs;
  int st = FIELD_START, n = 0, qcol = 0;
  long lines = 0, qline = 0;
  for (;;) {
    switch (st) {
    case FIELD_START:
      if (p == lim) goto more;
      if (*p == '"') {
        st = QUOTED;
        qline = c->line + lines;
        qcol = n;
        cs = w = ++p;
      } else {
        st = UNQUOTED;
        cs = p;
      }
      continue;
    case UNQUOTED: {
      while (p < lim && *p != delim && *p != '\n') p++;
      if (p == lim) goto more;
      char ch = *p;
      char *e = p;
      if (ch == '\n' && e > cs && e[-1] == '\r') e--;
      mtm_table__cells_reserve(t, n + 1);
      t->cells[n++] = (mtm_slice){cs, (size_t)(e - cs)};
      *e = 0;
      p++;
      if (ch == '\n') goto done;
      st = FIELD_START;
      continue;
    }
    case QUOTED: {
      char *q = memchr(p, '"', (size_t)(lim - p));
      char *to = q ? q : lim;
      for (char *nl = p; (nl = memchr(nl, '\n', (size_t)(to - nl))); nl++) lines++;
      if (w != p) memmove(w, p, (size_t)(to - p));
      w += to - p;
      p = to;
      if (!q) goto more;
      p++;
      st = QUOTE_SEEN;
      continue;
    }
    case QUOTE_SEEN:
      if (p == lim) goto more;
      if (*p == '"') {
        *w++ = '"';
        p++;
        st = QUOTED;
      } else {
        st = AFTER_QUOTE;
      }
      continue;
    case AFTER_QUOTE: {
      /* Text after the closing quote is kept as it is ("a"b gives ab). */
      while (p < lim && *p != delim && *p != '\n') {
        if (*p == '\r') {
          if (p + 1 == lim) goto more;
          if (p[1] == '\n') {
            p++;
            break;
          }
        }
        *w++ = *p++;
      }
      if (p == lim) goto more;
      char ch = *p;
      mtm_table__cells_reserve(t, n + 1);
      t->cells[n++] = (mtm_slice){cs, (size_t)(w - cs)};
      *w = 0;
      p++;
      if (ch == '\n') goto done;
      st = FIELD_START;
      continue;
    }
    }
  more:
    if (!c->eof) {
      /* Turn pointers into offsets from the record start, read, turn back. */
      size_t op = (size_t)(p - rs), ocs = (size_t)(cs - rs), ow = (size_t)(w - rs);
      for (int i = 0; i < n; i++) t->cells[i].p = (const char *)(t->cells[i].p - rs);
      size_t have = (size_t)(lim - rs);
      if ((rc = fill(t, c, have, err))) return rc;
      rs = c->buf;
      lim = c->buf + c->len;
      p = rs + op, cs = rs + ocs, w = rs + ow;
      for (int i = 0; i < n; i++) t->cells[i].p = rs + (size_t)t->cells[i].p;
      continue;
    }
    /* End of input inside the last record. */
    switch (st) {
    case FIELD_START:
      mtm_table__cells_reserve(t, n + 1);
      t->cells[n++] = (mtm_slice){p, 0};
      *p = 0;
      break;
    case UNQUOTED: {
      char *e = p;
      if (e > cs && e[-1] == '\r') e--;
      mtm_table__cells_reserve(t, n + 1);
      t->cells[n++] = (mtm_slice){cs, (size_t)(e - cs)};
      *e = 0;
      break;
    }
    case QUOTED: {
      char col[128];
      column_label(c, qcol, col);
      mtm_err_where(err, t->name, NULL, 0, NULL, NULL);
      return mtm_err_set(err, MTM_EINVAL,
                         "the quoted field that starts on row %ld in column '%s' is never "
                         "closed",
                         qline, col);
    }
    case QUOTE_SEEN:
    case AFTER_QUOTE:
      mtm_table__cells_reserve(t, n + 1);
      t->cells[n++] = (mtm_slice){cs, (size_t)(w - cs)};
      *w = 0;
      /* AFTER_QUOTE stops before a '\r' that ends the input (it might have
       * begun a CRLF); it belongs to this record, not to a blank one. */
      p = lim;
      break;
    }
    break;
  }
done:
  row->row = c->line;
  c->line += 1 + lines;
  c->pos = (size_t)(p - c->buf);
  /* A line holding nothing is a row without cells. */
  if (n == 1 && t->cells[0].n == 0 && t->cells[0].p == rs) n = 0;
  size_t bad;
  if (!mtm_table__utf8_ok(rs, (size_t)(p - rs), &bad)) {
    /* The whole-record check may trip on bytes left behind by unescaping;
     * the cells decide. */
    for (int i = 0; i < n; i++)
      if (!mtm_table__utf8_ok(t->cells[i].p, t->cells[i].n, &bad)) {
        char col[128];
        column_label(c, i, col);
        return mtm_table__utf8_error(err, t->name, NULL, row->row, col, t->cells[i].p, bad);
      }
  }
  /* A NUL byte would cut the cell where it is used as a C string. */
  for (int i = 0; i < n; i++) {
    const char *z = memchr(t->cells[i].p, 0, t->cells[i].n);
    if (z) {
      char col[128];
      column_label(c, i, col);
      return mtm_table__utf8_error(err, t->name, NULL, row->row, col, t->cells[i].p,
                                   (size_t)(z - t->cells[i].p));
    }
  }
  if (c->nheader < 0) {
    c->header = mtm_xcalloc((size_t)n + 1, sizeof *c->header);
    for (int i = 0; i < n; i++) c->header[i] = mtm_xstrdup(t->cells[i].p);
    c->nheader = n;
  }
  row->n = n;
  row->cells = t->cells;
  return 1;
}

/* Releases the buffer, the header copies and the file. */
static void csv_close(mtm_table *t) {
  csv *c = t->impl;
  if (!c) return;
  if (c->f) fclose(c->f);
  for (int i = 0; i < c->nheader; i++) free(c->header[i]);
  free(c->header);
  free(c->buf);
  free(c);
  t->impl = NULL;
}

static const mtm_table_ops csv_ops = {csv_next, csv_close};

/* Opens a CSV from a path or from memory: reads the first block, strips a
 * UTF-8 BOM, refuses an empty file and sniffs the delimiter. */
int mtm_table__csv_open(mtm_table *t, const char *path, const void *bytes, size_t len,
                        mtm_err *err) {
  csv *c = mtm_xcalloc(1, sizeof *c);
  t->impl = c;
  t->ops = &csv_ops;
  c->nheader = -1;
  c->line = 1;
  if (path) {
    c->f = fopen(path, "rb");
    if (!c->f) {
      mtm_err_where(err, t->name, NULL, 0, NULL, NULL);
      return mtm_err_set(err, errno == ENOENT ? MTM_ENOTFOUND : MTM_EIO,
                         "cannot open the file (%s)", strerror(errno));
    }
  } else {
    c->mem = bytes;
    c->mem_len = len;
  }
  int rc = fill(t, c, BLOCK, err);
  if (rc) return rc;
  if (c->len >= 3 && !memcmp(c->buf, "\xEF\xBB\xBF", 3)) c->pos = 3;
  if (c->pos == c->len) {
    mtm_err_where(err, t->name, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL, "the file is empty");
  }
  t->delim = sniff_delimiter(c->buf + c->pos, c->len - c->pos);
  return 0;
}
