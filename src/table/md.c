/* Markdown reader for pyxform's XLSForm notation:
 *
 *   | survey |
 *   |        | type | name | label |
 *   |        | text | q1   | Name  |
 *
 * A table line whose first cell is not empty starts a sheet of that name;
 * the cells after the first belong to the current sheet (the first such row
 * is its header). Rows whose cells are all empty are skipped, as pyxform
 * does. Cells are trimmed, "\|" stands for a '|'. */
#include "table/table_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct md {
  mtm_buf text;     /* the whole file */
  size_t pos;       /* start of the next line */
  long line;        /* number of the next line */
  int in_sheet;     /* inside the chosen sheet */
  int done;
  char *want;       /* the sheet's name as written, NULL for the first */
  mtm_buf rowbuf;   /* the current line, split in place */
} md;

/* Reads a whole file or copies the bytes into b. */
static int load(mtm_buf *b, const char *name, const char *path, const void *bytes,
                size_t len, mtm_err *err) {
  if (path) {
    int rc = mtm_buf_read_file(b, path, err);
    if (rc) mtm_err_where(err, name, NULL, 0, NULL, NULL);
    return rc;
  }
  mtm_buf_add(b, bytes, len);
  return 0;
}

/* Takes the line at *pos (without its newline), advancing *pos. Returns 0 at
 * the end of the text. */
static int take_line(const mtm_buf *b, size_t *pos, const char **s, size_t *n) {
  if (*pos >= b->n) return 0;
  const char *p = b->p + *pos;
  const char *nl = memchr(p, '\n', b->n - *pos);
  size_t len = nl ? (size_t)(nl - p) : b->n - *pos;
  *pos += len + (nl ? 1 : 0);
  if (len && p[len - 1] == '\r') len--;
  *s = p;
  *n = len;
  return 1;
}

/* Splits a table line (copied into buf) into trimmed, NUL-terminated cells.
 * Returns the number of cells, or -1 when the line is not a table line. */
static int split(mtm_table *t, mtm_buf *buf, const char *s, size_t n) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  if (!n || *s != '|') return -1;
  s++, n--;
  if (n && s[n - 1] == '|' && !(n >= 2 && s[n - 2] == '\\')) n--;
  mtm_buf_reset(buf);
  mtm_buf_reserve(buf, n + 1);
  /* Unescape "\|" and cut at the other '|', writing cells NUL-separated. */
  int k = 0;
  size_t start = 0;
  char *w = buf->p;
  size_t wn = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '|') {
      w[wn++] = 0;
      mtm_table__cells_reserve(t, k + 1);
      t->cells[k++] = (mtm_slice){(const char *)(uintptr_t)start, wn - 1 - start};
      start = wn;
      continue;
    }
    if (s[i] == '\\' && i + 1 < n && s[i + 1] == '|') i++;
    w[wn++] = s[i];
  }
  buf->n = wn;
  for (int i = 0; i < k; i++) {
    size_t off = (size_t)(uintptr_t)t->cells[i].p;
    mtm_slice c = mtm_slice_trim((mtm_slice){w + off, t->cells[i].n});
    ((char *)c.p)[c.n] = 0;
    t->cells[i] = c;
  }
  return k;
}

/* Yields the next non-empty row of the chosen sheet. */
static int md_next(mtm_table *t, mtm_row *row, mtm_err *err) {
  md *m = t->impl;
  const char *s;
  size_t n;
  while (!m->done && take_line(&m->text, &m->pos, &s, &n)) {
    long line = m->line++;
    int k = split(t, &m->rowbuf, s, n);
    if (k < 0) continue;
    if (t->cells[0].n) {
      if (m->in_sheet) {
        m->done = 1;
        break;
      }
      if (!m->want || !mtm_strcasecmp(t->cells[0].p, m->want)) {
        m->in_sheet = 1;
        snprintf(t->sheet, sizeof t->sheet, "%s", t->cells[0].p);
      }
    }
    if (!m->in_sheet) continue;
    int any = 0;
    for (int i = 1; i < k; i++)
      if (t->cells[i].n) any = 1;
    if (!any) continue;
    size_t bad;
    for (int i = 1; i < k; i++) {
      const char *z = memchr(t->cells[i].p, 0, t->cells[i].n);
      if (z) bad = (size_t)(z - t->cells[i].p);
      if (z || !mtm_table__utf8_ok(t->cells[i].p, t->cells[i].n, &bad)) {
        char col[8];
        mtm_table_column_name(i - 1, col);
        return mtm_table__utf8_error(err, t->name, t->sheet, line, col, t->cells[i].p, bad);
      }
    }
    row->row = line;
    row->n = k - 1;
    row->cells = t->cells + 1;
    return 1;
  }
  return 0;
}

static void md_close(mtm_table *t) {
  md *m = t->impl;
  if (!m) return;
  mtm_buf_free(&m->text);
  mtm_buf_free(&m->rowbuf);
  free(m->want);
  free(m);
  t->impl = NULL;
}

static const mtm_table_ops md_ops = {md_next, md_close};

/* Calls fn for each sheet title, in order. */
static void each_title(mtm_table *t, const mtm_buf *text, mtm_buf *scratch,
                       void (*fn)(void *ctx, const char *name), void *ctx) {
  size_t pos = 0;
  const char *s;
  size_t n;
  while (take_line(text, &pos, &s, &n)) {
    int k = split(t, scratch, s, n);
    if (k > 0 && t->cells[0].n) fn(ctx, t->cells[0].p);
  }
}

typedef struct find_ctx {
  const char *want;
  int found;
  mtm_buf list;
} find_ctx;

static void find_title(void *ctx, const char *name) {
  find_ctx *f = ctx;
  if (!f->want || !mtm_strcasecmp(name, f->want)) f->found = 1;
  mtm_buf_printf(&f->list, "%s'%s'", f->list.n ? ", " : "", name);
}

/* Loads the text and checks that the sheet exists. */
int mtm_table__md_open(mtm_table *t, const char *path, const void *bytes, size_t len,
                       const char *sheet, mtm_err *err) {
  md *m = mtm_xcalloc(1, sizeof *m);
  t->impl = m;
  t->ops = &md_ops;
  m->line = 1;
  mtm_buf_init(&m->text);
  mtm_buf_init(&m->rowbuf);
  int rc = load(&m->text, t->name, path, bytes, len, err);
  if (rc) return rc;
  if (m->text.n >= 3 && !memcmp(m->text.p, "\xEF\xBB\xBF", 3)) m->pos = 3;
  m->want = sheet ? mtm_xstrdup(sheet) : NULL;
  find_ctx f = {sheet, 0, {0}};
  each_title(t, &m->text, &m->rowbuf, find_title, &f);
  if (!f.found) {
    mtm_err_where(err, t->name, NULL, 0, NULL, NULL);
    if (sheet)
      rc = mtm_err_set(err, MTM_ENOTFOUND, "there is no sheet '%s'; the file has %s", sheet,
                       f.list.n ? f.list.p : "no sheets");
    else
      rc = mtm_err_set(err, MTM_EINVAL,
                       "there is no sheet in this file (a line like '| survey |' starts one)");
  }
  mtm_buf_free(&f.list);
  return rc;
}

typedef struct list_ctx {
  mtm_arena *a;
  char **names;
  int n, cap;
} list_ctx;

static void list_title(void *ctx, const char *name) {
  list_ctx *l = ctx;
  if (l->n + 1 >= l->cap) {
    int cap = l->cap ? l->cap * 2 : 8;
    char **v = mtm_arena_alloc(l->a, (size_t)cap * sizeof *v);
    if (l->n) memcpy(v, l->names, (size_t)l->n * sizeof *v);
    l->names = v;
    l->cap = cap;
  }
  l->names[l->n++] = mtm_arena_strdup(l->a, name);
  l->names[l->n] = NULL;
}

/* Lists the sheet titles of a Markdown form. */
int mtm_table__md_sheets(const char *path, const void *bytes, size_t len, mtm_arena *a,
                         char ***names, int *n, mtm_err *err) {
  mtm_table *t = mtm_table__new(MTM_TABLE_MD, path ? path : "");
  mtm_buf text, scratch;
  mtm_buf_init(&text);
  mtm_buf_init(&scratch);
  int rc = load(&text, path, path, bytes, len, err);
  if (!rc) {
    list_ctx l = {a, NULL, 0, 0};
    list_title(&l, "");
    l.n = 0;
    each_title(t, &text, &scratch, list_title, &l);
    *names = l.names;
    *n = l.n;
  }
  mtm_buf_free(&text);
  mtm_buf_free(&scratch);
  mtm_table_close(t);
  return rc;
}
