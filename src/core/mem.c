/* Allocation: malloc wrappers, the arena and the growable buffer. */
#include "core/core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void oom(void) {
  fputs("mtm: out of memory\n", stderr);
  abort();
}

void *mtm_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) oom();
  return p;
}
void *mtm_xcalloc(size_t n, size_t m) {
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (!p) oom();
  return p;
}
void *mtm_xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) oom();
  return p;
}
char *mtm_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(mtm_xmalloc(n), s, n);
}

/* ---- arena: a list of blocks; big requests get a block of their own. ---- */

struct mtm_arena_block {
  mtm_arena_block *next;
  max_align_t data[];
};

#define ARENA_BLOCK 65536

void mtm_arena_init(mtm_arena *a) { memset(a, 0, sizeof *a); }

void mtm_arena_free(mtm_arena *a) {
  if (!a) return;
  for (mtm_arena_block *b = a->head, *nx; b; b = nx) {
    nx = b->next;
    free(b);
  }
  memset(a, 0, sizeof *a);
}

void mtm_arena_reset(mtm_arena *a) {
  if (!a || !a->head) return;
  for (mtm_arena_block *b = a->head->next, *nx; b; b = nx) {
    nx = b->next;
    free(b);
  }
  a->head->next = NULL;
  a->used = 0;
  a->total = a->cap;
}

void *mtm_arena_alloc(mtm_arena *a, size_t n) {
  size_t al = sizeof(max_align_t);
  n = (n + al - 1) / al * al;
  if (!a->head || a->used + n > a->cap) {
    size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
    mtm_arena_block *b = mtm_xmalloc(sizeof *b + cap);
    a->total += cap;
    if (cap > ARENA_BLOCK && a->head) {
      /* Keep the current block for small requests. */
      b->next = a->head->next;
      a->head->next = b;
      return b->data;
    }
    b->next = a->head;
    a->head = b;
    a->used = 0;
    a->cap = cap;
  }
  void *p = (char *)a->head->data + a->used;
  a->used += n;
  return p;
}

void *mtm_arena_zalloc(mtm_arena *a, size_t n) {
  return memset(mtm_arena_alloc(a, n), 0, n);
}

char *mtm_arena_strndup(mtm_arena *a, const char *s, size_t n) {
  char *p = mtm_arena_alloc(a, n + 1);
  if (n) memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *mtm_arena_strdup(mtm_arena *a, const char *s) {
  return s ? mtm_arena_strndup(a, s, strlen(s)) : NULL;
}

char *mtm_arena_printf(mtm_arena *a, const char *fmt, ...) {
  va_list ap, aq;
  va_start(ap, fmt);
  va_copy(aq, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = mtm_arena_alloc(a, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, aq);
  va_end(aq);
  return p;
}

/* ---- buffer ---- */

/* The slot of key: where it is, or the empty one where it would go. */
static size_t strmap_slot(const mtm_strmap *m, const char *key) {
  size_t i = (size_t)mtm_hash_str(key) & (m->cap - 1);
  while (m->keys[i] && strcmp(m->keys[i], key) != 0) i = (i + 1) & (m->cap - 1);
  return i;
}

void mtm_strmap_init(mtm_strmap *m, mtm_arena *a, size_t hint) {
  m->cap = 16;
  while (m->cap < hint * 2) m->cap *= 2;
  m->n = 0;
  m->a = a;
  m->keys = mtm_arena_zalloc(a, sizeof *m->keys * m->cap);
  m->vals = mtm_arena_zalloc(a, sizeof *m->vals * m->cap);
}

int mtm_strmap_put(mtm_strmap *m, const char *key, int v) {
  if ((m->n + 1) * 2 > m->cap) {
    mtm_strmap g;
    mtm_strmap_init(&g, m->a, m->cap);
    for (size_t i = 0; i < m->cap; i++)
      if (m->keys[i]) {
        size_t k = strmap_slot(&g, m->keys[i]);
        g.keys[k] = m->keys[i], g.vals[k] = m->vals[i], g.n++;
      }
    *m = g;
  }
  size_t i = strmap_slot(m, key);
  if (m->keys[i]) return m->vals[i];
  m->keys[i] = key, m->vals[i] = v, m->n++;
  return v;
}

int mtm_strmap_get(const mtm_strmap *m, const char *key) {
  if (!m->cap || !key) return -1;
  size_t i = strmap_slot(m, key);
  return m->keys[i] ? m->vals[i] : -1;
}

void mtm_buf_init(mtm_buf *b) { memset(b, 0, sizeof *b); }
void mtm_buf_free(mtm_buf *b) {
  if (!b) return;
  free(b->p);
  memset(b, 0, sizeof *b);
}
void mtm_buf_reset(mtm_buf *b) {
  b->n = 0;
  if (b->p) b->p[0] = 0;
}
void mtm_buf_reserve(mtm_buf *b, size_t extra) {
  if (b->n + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->n + extra + 1) cap *= 2;
  b->p = mtm_xrealloc(b->p, cap);
  b->cap = cap;
}
void mtm_buf_add(mtm_buf *b, const void *p, size_t n) {
  mtm_buf_reserve(b, n);
  if (n) memcpy(b->p + b->n, p, n);
  b->n += n;
  b->p[b->n] = 0;
}
void mtm_buf_adds(mtm_buf *b, const char *s) { mtm_buf_add(b, s, strlen(s)); }
void mtm_buf_addc(mtm_buf *b, char c) { mtm_buf_add(b, &c, 1); }
void mtm_buf_printf(mtm_buf *b, const char *fmt, ...) {
  va_list ap, aq;
  va_start(ap, fmt);
  va_copy(aq, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  mtm_buf_reserve(b, (size_t)n);
  vsnprintf(b->p + b->n, (size_t)n + 1, fmt, aq);
  va_end(aq);
  b->n += (size_t)n;
}
void mtm_buf_add_csv(mtm_buf *b, const char *s) {
  if (!s) return;
  if (!strpbrk(s, ",\"\r\n")) {
    mtm_buf_adds(b, s);
    return;
  }
  mtm_buf_addc(b, '"');
  for (; *s; s++) {
    if (*s == '"') mtm_buf_addc(b, '"');
    mtm_buf_addc(b, *s);
  }
  mtm_buf_addc(b, '"');
}
void mtm_buf_add_csv_row(mtm_buf *b, int n, const char *const *cells) {
  for (int i = 0; i < n; i++) {
    if (i) mtm_buf_addc(b, ',');
    mtm_buf_add_csv(b, cells[i]);
  }
  mtm_buf_addc(b, '\n');
}

void mtm_buf_add_json_or_null(mtm_buf *b, const char *s) {
  if (s) mtm_buf_add_json(b, s);
  else mtm_buf_adds(b, "null");
}

void mtm_buf_add_padded(mtm_buf *b, const char *s, int w) {
  mtm_buf_adds(b, s);
  for (int k = mtm_text_width(s); k < w; k++) mtm_buf_addc(b, ' ');
}

void mtm_buf_add_json(mtm_buf *b, const char *s) {
  mtm_buf_addc(b, '"');
  for (const unsigned char *u = (const unsigned char *)(s ? s : ""); *u; u++) {
    switch (*u) {
    case '"': mtm_buf_adds(b, "\\\""); break;
    case '\\': mtm_buf_adds(b, "\\\\"); break;
    case '\n': mtm_buf_adds(b, "\\n"); break;
    case '\r': mtm_buf_adds(b, "\\r"); break;
    case '\t': mtm_buf_adds(b, "\\t"); break;
    default:
      if (*u < 0x20) mtm_buf_printf(b, "\\u%04x", *u);
      else mtm_buf_addc(b, (char)*u);
    }
  }
  mtm_buf_addc(b, '"');
}

int mtm_buf_read_file(mtm_buf *b, const char *path, mtm_err *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot open the file: %s", strerror(errno));
  }
  char tmp[65536];
  size_t k;
  while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) mtm_buf_add(b, tmp, k);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot read the file");
  }
  if (!b->p) mtm_buf_reserve(b, 0), b->p[0] = 0;
  return 0;
}

int mtm_buf_write_file(const mtm_buf *b, const char *path, const char *what, mtm_err *err) {
  FILE *f = fopen(path, "wb");
  int bad = !f || (b->n && fwrite(b->p, 1, b->n, f) != b->n);
  if (f) bad |= fclose(f) != 0;
  if (!bad) return 0;
  mtm_err_where(err, path, NULL, 0, NULL, NULL);
  return mtm_err_set(err, MTM_EIO, "cannot write %s", what);
}
