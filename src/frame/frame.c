/* The columnar frame: build from the submissions, encode for the store's
 * cache, decode from it. */
#include "frame/frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_CALC = 9 }; /* a calculate: numbers if every value is one, else text */
enum { HDR = 8 };    /* header words of a blob */
#define MAGIC 0x464d544dLL /* "MTMF" */

typedef struct spec {
  const char *name;
  const mtm_question *q;
  int kind; /* mtm_frame_kind or K_CALC */
  int want, build;
} spec;

typedef struct fver {
  const char *key; /* version string, "" for none */
  mtm_form *f;
  int nfields;     /* fields outside repeats: the data blob's values */
  int *pos2spec;   /* per value: spec index, -1 none */
} fver;

/* A growing column while the submissions are read. */
typedef struct bcol {
  spec *sp;
  int kind;
  int nlist, nlevels, caplevels;
  const char **levels;
  int hcap;      /* hash of level names -> code + 1 */
  int *hash;
  int words;
  int32_t *codes;
  double *num;
  uint64_t *bits, *missing;
  int64_t *off;
  mtm_buf text;
  int allnum;    /* calculate: every value so far is a number */
} bcol;

typedef struct frame_priv {
  mtm_arena a;
  int nforms;
  mtm_form **forms;
} frame_priv;

/* FNV-1a of n bytes. */
static uint32_t fnv(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

/* Puts code into the level hash (sized to stay at most half full). */
static void hash_put(bcol *c, int code) {
  const char *s = c->levels[code];
  uint32_t h = fnv(s, strlen(s)) & (uint32_t)(c->hcap - 1);
  while (c->hash[h]) h = (h + 1) & (uint32_t)(c->hcap - 1);
  c->hash[h] = code + 1;
}

/* The code of a level name, -1 if unknown. */
static int hash_get(const bcol *c, const char *s, size_t n) {
  uint32_t h = fnv(s, n) & (uint32_t)(c->hcap - 1);
  while (c->hash[h]) {
    const char *l = c->levels[c->hash[h] - 1];
    if (strncmp(l, s, n) == 0 && l[n] == 0) return c->hash[h] - 1;
    h = (h + 1) & (uint32_t)(c->hcap - 1);
  }
  return -1;
}

/* Adds a level (a value not in the list), growing the hash. */
static int level_add(bcol *c, const char *s, size_t n) {
  if (c->nlevels == c->caplevels) {
    c->caplevels = c->caplevels ? c->caplevels * 2 : 16;
    c->levels = mtm_xrealloc(c->levels, sizeof *c->levels * (size_t)c->caplevels);
  }
  char *d = mtm_xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  c->levels[c->nlevels] = d;
  int code = c->nlevels++;
  if (c->nlevels * 2 > c->hcap) {
    free(c->hash);
    c->hcap *= 2;
    c->hash = calloc((size_t)c->hcap, sizeof *c->hash);
    if (!c->hash) abort();
    for (int i = 0; i < c->nlevels; i++) hash_put(c, i);
  } else {
    hash_put(c, code);
  }
  return code;
}

/* Prepares a column's builder from its question's choice list. */
static void bcol_init(bcol *c, spec *sp) {
  memset(c, 0, sizeof *c);
  c->sp = sp;
  c->kind = sp->kind;
  c->allnum = 1;
  mtm_buf_init(&c->text);
  if (c->kind == MTM_FRAME_CODES || c->kind == MTM_FRAME_BITS) {
    /* A select from a previous answer has no list: its levels are the
     * values met (see prev_bits). */
    const mtm_choice_list *l = sp->q->list;
    int nl = l ? l->n : 0;
    c->nlist = nl;
    c->caplevels = nl + 16;
    c->levels = mtm_xmalloc(sizeof *c->levels * (size_t)c->caplevels);
    c->hcap = 16;
    while (c->hcap < 2 * c->caplevels) c->hcap *= 2;
    c->hash = calloc((size_t)c->hcap, sizeof *c->hash);
    if (!c->hash) abort();
    for (int i = 0; i < nl; i++) {
      c->levels[i] = mtm_xstrdup(l->choices[i].name);
      c->nlevels = i + 1;
      if (hash_get(c, l->choices[i].name, strlen(l->choices[i].name)) < 0) hash_put(c, i);
    }
    c->words = (c->nlist + 1 + 63) / 64;
  }
}

static void bcol_free(bcol *c) {
  for (int i = 0; i < c->nlevels; i++) free((void *)c->levels[i]);
  free(c->levels);
  free(c->hash);
  free(c->codes);
  free(c->num);
  free(c->bits);
  free(c->missing);
  free(c->off);
  mtm_buf_free(&c->text);
}

/* Grows the row arrays of a column to cap rows. */
static void bcol_grow(bcol *c, long old, long cap) {
  long mw = (cap + 63) / 64, omw = (old + 63) / 64;
  c->missing = mtm_xrealloc(c->missing, sizeof *c->missing * (size_t)mw);
  memset(c->missing + omw, 0, sizeof *c->missing * (size_t)(mw - omw));
  if (c->kind == MTM_FRAME_CODES) c->codes = mtm_xrealloc(c->codes, sizeof *c->codes * (size_t)cap);
  if (c->kind == MTM_FRAME_NUM || c->kind == K_CALC)
    c->num = mtm_xrealloc(c->num, sizeof *c->num * (size_t)cap);
  if (c->kind == MTM_FRAME_BITS) {
    c->bits = mtm_xrealloc(c->bits, sizeof *c->bits * (size_t)(cap * c->words));
    memset(c->bits + old * c->words, 0, sizeof *c->bits * (size_t)((cap - old) * c->words));
  }
  if (c->kind == MTM_FRAME_BITS || c->kind == MTM_FRAME_TEXT || c->kind == K_CALC)
    c->off = mtm_xrealloc(c->off, sizeof *c->off * (size_t)(cap + 1));
}

static int parse_num(const char *v, size_t n, double *out);

/* Stores row r's value v (n bytes; v NULL: missing). */
static void bcol_set(bcol *c, long r, const char *v, size_t n) {
  int has_text = c->kind == MTM_FRAME_BITS || c->kind == MTM_FRAME_TEXT || c->kind == K_CALC;
  if (has_text) c->off[r] = (int64_t)c->text.n;
  if (!v) {
    c->missing[r >> 6] |= (uint64_t)1 << (r & 63);
    if (c->kind == MTM_FRAME_CODES) c->codes[r] = MTM_FRAME_MISSING;
    if (c->num) c->num[r] = NAN;
    if (has_text) mtm_buf_addc(&c->text, 0);
    return;
  }
  switch (c->kind) {
  case MTM_FRAME_CODES: {
    int k = hash_get(c, v, n);
    c->codes[r] = k >= 0 ? k : level_add(c, v, n);
    break;
  }
  case MTM_FRAME_BITS: {
    uint64_t *w = c->bits + r * c->words;
    size_t i = 0, start = c->text.n;
    while (i < n) {
      while (i < n && v[i] == ' ') i++;
      size_t j = i;
      while (j < n && v[j] != ' ') j++;
      if (j > i) {
        int k = hash_get(c, v + i, j - i);
        if (k < 0 || k >= c->nlist) {
          k = c->nlist;
          if (c->text.n > start) mtm_buf_addc(&c->text, ' ');
          mtm_buf_add(&c->text, v + i, j - i);
        }
        w[k >> 6] |= (uint64_t)1 << (k & 63);
      }
      i = j;
    }
    mtm_buf_addc(&c->text, 0);
    break;
  }
  case MTM_FRAME_NUM: {
    double d;
    int32_t days;
    int date = c->sp->q->type == MTM_Q_DATE || c->sp->q->type == MTM_Q_META;
    mtm_slice s = {v, n};
    if (date ? mtm_parse_date(s, &days) == 0 : parse_num(v, n, &d) == 0) {
      c->num[r] = date ? (double)days : d;
    } else {
      c->num[r] = NAN;
      c->missing[r >> 6] |= (uint64_t)1 << (r & 63);
    }
    break;
  }
  case K_CALC: {
    double d;
    if (n && parse_num(v, n, &d) == 0) c->num[r] = d;
    else if (n) c->allnum = 0;
    else {
      c->num[r] = NAN;
      c->missing[r >> 6] |= (uint64_t)1 << (r & 63);
    }
    mtm_buf_add(&c->text, v, n);
    mtm_buf_addc(&c->text, 0);
    break;
  }
  default:
    mtm_buf_add(&c->text, v, n);
    mtm_buf_addc(&c->text, 0);
  }
}

/* Parses plain decimal text ("-12", "1500.50") exactly: an integer
 * mantissa below 2^53 divided by an exact power of ten is correctly
 * rounded (Clinger's fast path); anything else goes to mtm_parse_double. */
static int parse_num(const char *v, size_t n, double *out) {
  static const double p10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  size_t i = 0;
  int neg = 0;
  if (i < n && v[i] == '-') neg = 1, i++;
  uint64_t m = 0;
  int digits = 0, frac = -1;
  for (; i < n; i++) {
    char c = v[i];
    if (c >= '0' && c <= '9') {
      m = m * 10 + (uint64_t)(c - '0');
      if (++digits > 15) break;
      if (frac >= 0) frac++;
    } else if (c == '.' && frac < 0) {
      frac = 0;
    } else {
      break;
    }
  }
  if (i == n && digits > 0 && (frac < 0 || frac > 0)) {
    double d = (double)m;
    if (frac > 0) d /= p10[frac];
    *out = neg ? -d : d;
    return 0;
  }
  return mtm_parse_double((mtm_slice){v, n}, out);
}

/* ---- encoding ---- */

/* Appends a section: its length, the bytes, padding to 8. */
static void sec_put(mtm_buf *b, const void *p, size_t n) {
  uint64_t len = n;
  mtm_buf_add(b, &len, 8);
  if (n) mtm_buf_add(b, p, n);
  static const char zero[8];
  if (n % 8) mtm_buf_add(b, zero, 8 - n % 8);
}

/* Levels as NUL-terminated names one after the other. */
static void levels_put(mtm_buf *b, const char **levels, int n) {
  mtm_buf t;
  mtm_buf_init(&t);
  for (int i = 0; i < n; i++) mtm_buf_add(&t, levels[i], strlen(levels[i]) + 1);
  sec_put(b, t.p, t.n);
  mtm_buf_free(&t);
}

/* Compact forms of a column (header word 7), which a decode expands back
 * to the very same arrays: */
enum {
  F_NUM32 = 1,   /* numbers: every present value an integer in int32 range, as int32 */
  F_CODES8 = 2,  /* codes: fewer than 128 levels, as int8 */
  F_NOTEXT = 4,  /* bits: no value outside the list in any row, offsets and text left out */
  F_IDSEQ = 8    /* rows: ids consecutive from header word 4, left out */
};

/* 1 when every present number of the column is an integer that int32
 * holds (and not -0), so that (double)(int32_t)x == x bit for bit. */
static int num_fits32(const bcol *c, long nrows) {
  for (long r = 0; r < nrows; r++) {
    if ((c->missing[r >> 6] >> (r & 63)) & 1) continue;
    double x = c->num[r];
    if (!(x >= -2147483648.0 && x <= 2147483647.0) || x != (double)(int32_t)x ||
        (x == 0 && signbit(x)))
      return 0;
  }
  return 1;
}

/* Encodes a finished column (kind resolved) of nrows rows. */
static void bcol_encode(const bcol *c, long nrows, mtm_buf *b) {
  int64_t flags = 0;
  if (c->kind == MTM_FRAME_NUM && num_fits32(c, nrows)) flags |= F_NUM32;
  if (c->kind == MTM_FRAME_CODES && c->nlevels < 128) flags |= F_CODES8;
  if (c->kind == MTM_FRAME_BITS && c->text.n == (size_t)nrows) flags |= F_NOTEXT;
  int64_t h[HDR] = {MAGIC, c->kind, c->sp->q->type, nrows, c->nlist, c->nlevels, c->words, flags};
  sec_put(b, h, sizeof h);
  sec_put(b, c->missing, sizeof *c->missing * (size_t)((nrows + 63) / 64));
  switch (c->kind) {
  case MTM_FRAME_CODES:
    if (flags & F_CODES8) {
      uint64_t len = (uint64_t)nrows;
      mtm_buf_add(b, &len, 8);
      mtm_buf_reserve(b, (size_t)nrows + 8);
      int8_t *d = (int8_t *)(b->p + b->n);
      for (long r = 0; r < nrows; r++) d[r] = (int8_t)c->codes[r];
      b->n += (size_t)nrows;
      while (b->n % 8) b->p[b->n++] = 0;
    } else {
      sec_put(b, c->codes, sizeof *c->codes * (size_t)nrows);
    }
    levels_put(b, c->levels, c->nlevels);
    break;
  case MTM_FRAME_BITS:
    sec_put(b, c->bits, sizeof *c->bits * (size_t)(nrows * c->words));
    levels_put(b, c->levels, c->nlist);
    if (!(flags & F_NOTEXT)) {
      sec_put(b, c->off, sizeof *c->off * (size_t)(nrows + 1));
      sec_put(b, c->text.p, c->text.n);
    }
    break;
  case MTM_FRAME_NUM:
    if (flags & F_NUM32) {
      uint64_t len = sizeof(int32_t) * (uint64_t)nrows;
      mtm_buf_add(b, &len, 8);
      mtm_buf_reserve(b, (size_t)len + 8);
      int32_t *d = (int32_t *)(b->p + b->n);
      for (long r = 0; r < nrows; r++)
        d[r] = ((c->missing[r >> 6] >> (r & 63)) & 1) ? 0 : (int32_t)c->num[r];
      b->n += (size_t)len;
      while (b->n % 8) b->p[b->n++] = 0;
    } else {
      sec_put(b, c->num, sizeof *c->num * (size_t)nrows);
    }
    break;
  default:
    sec_put(b, c->off, sizeof *c->off * (size_t)(nrows + 1));
    sec_put(b, c->text.p, c->text.n);
  }
}

/* Reads the next section of a blob; NULL when the blob is damaged. */
static void *sec_get(unsigned char **p, unsigned char *end, size_t *n) {
  if (end - *p < 8) return NULL;
  uint64_t len;
  memcpy(&len, *p, 8);
  *p += 8;
  size_t padded = (size_t)(len + 7) / 8 * 8;
  if ((size_t)(end - *p) < padded) return NULL;
  void *r = *p;
  *p += padded;
  *n = (size_t)len;
  return r;
}

/* Points col at the arrays of an encoded column (blob stays in the arena);
 * returns -1 when the blob is damaged or of another row count. */
static int col_decode(void *blob, size_t len, long nrows, mtm_arena *a, mtm_frame_col *col) {
  unsigned char *p = blob, *end = p + len;
  size_t n;
  int64_t *h = sec_get(&p, end, &n);
  if (!h || n != sizeof(int64_t) * HDR || h[0] != MAGIC || h[3] != nrows) return -1;
  col->kind = (mtm_frame_kind)h[1];
  col->nlist = (int)h[4];
  col->nlevels = (int)h[5];
  col->words = (int)h[6];
  int64_t flags = h[7];
  if (!(col->missing = sec_get(&p, end, &n))) return -1;
  if (n != sizeof(uint64_t) * (size_t)((nrows + 63) / 64)) return -1;
  void *x = sec_get(&p, end, &n);
  if (!x) return -1;
  if (col->kind == MTM_FRAME_CODES && (flags & F_CODES8)) {
    if (n != (size_t)nrows) return -1;
    const int8_t *d = x;
    col->codes = mtm_arena_alloc(a, sizeof *col->codes * (size_t)(nrows ? nrows : 1));
    for (long r = 0; r < nrows; r++) col->codes[r] = d[r];
  } else if (col->kind == MTM_FRAME_CODES) {
    col->codes = x;
  } else if (col->kind == MTM_FRAME_BITS) {
    col->bits = x;
  } else if (col->kind == MTM_FRAME_NUM && (flags & F_NUM32)) {
    if (n != sizeof(int32_t) * (size_t)nrows) return -1;
    const int32_t *d = x;
    col->num = mtm_arena_alloc(a, sizeof *col->num * (size_t)(nrows ? nrows : 1));
    for (long r = 0; r < nrows; r++)
      col->num[r] = ((col->missing[r >> 6] >> (r & 63)) & 1) ? NAN : (double)d[r];
  } else if (col->kind == MTM_FRAME_NUM) {
    col->num = x;
  } else {
    col->off = x;
  }
  if (col->kind == MTM_FRAME_CODES || col->kind == MTM_FRAME_BITS) {
    char *names = sec_get(&p, end, &n);
    if (!names) return -1;
    int nl = col->kind == MTM_FRAME_CODES ? col->nlevels : col->nlist;
    const char **lv = mtm_arena_alloc(a, sizeof *lv * (size_t)(nl ? nl : 1));
    size_t at = 0;
    for (int i = 0; i < nl; i++) {
      if (at >= n) return -1;
      lv[i] = names + at;
      at += strlen(names + at) + 1;
    }
    col->levels = lv;
  }
  if (col->kind == MTM_FRAME_BITS && (flags & F_NOTEXT)) {
    /* Every row's text empty: one NUL they all point at. */
    col->off = mtm_arena_zalloc(a, sizeof *col->off * (size_t)(nrows + 1));
    char *t = mtm_arena_zalloc(a, (size_t)nrows + 1);
    ((int64_t *)col->off)[nrows] = nrows;
    col->text = t;
    return 0;
  }
  if (col->kind == MTM_FRAME_BITS && !(col->off = sec_get(&p, end, &n))) return -1;
  if (col->kind == MTM_FRAME_BITS || col->kind == MTM_FRAME_TEXT)
    if (!(col->text = sec_get(&p, end, &n))) return -1;
  return 0;
}

/* ---- loading ---- */

/* The kind a question's column has. */
static int kind_of(const mtm_question *q) {
  switch (q->type) {
  case MTM_Q_SELECT_ONE:
    return q->list || q->choices_from ? MTM_FRAME_CODES : MTM_FRAME_TEXT;
  case MTM_Q_SELECT_MULTIPLE:
    return q->list || q->choices_from ? MTM_FRAME_BITS : MTM_FRAME_TEXT;
  case MTM_Q_INTEGER:
  case MTM_Q_DECIMAL:
  case MTM_Q_RANGE:
  case MTM_Q_DATE:
    return MTM_FRAME_NUM;
  case MTM_Q_META:
    return q->meta && strcmp(q->meta, "today") == 0 ? MTM_FRAME_NUM : MTM_FRAME_TEXT;
  case MTM_Q_CALCULATE:
    return K_CALC;
  default:
    return MTM_FRAME_TEXT;
  }
}

typedef struct build {
  fver *v;
  int nv, last;
  bcol *cols;
  int ncols;
  long nrows, cap;
  int64_t *ids;
  int64_t *uoff;
  mtm_buf utext;
  long *lastrow; /* per column: the last row a value was set in */
} build;

/* Reads one submission into the builders. */
static int build_row(void *ctx, const mtm_submission *s, mtm_err *err) {
  build *b = ctx;
  const char *key = s->version ? s->version : "";
  int vi = 0;
  if (strcmp(b->v[b->last].key, key) == 0) vi = b->last;
  else {
    for (int i = 0; i < b->nv; i++)
      if (strcmp(b->v[i].key, key) == 0) {
        vi = i;
        break;
      }
    b->last = vi;
  }
  if (b->nrows == b->cap) {
    long nc = b->cap ? b->cap * 2 : 1024;
    for (int i = 0; i < b->ncols; i++) bcol_grow(&b->cols[i], b->cap, nc);
    b->ids = mtm_xrealloc(b->ids, sizeof *b->ids * (size_t)nc);
    b->uoff = mtm_xrealloc(b->uoff, sizeof *b->uoff * (size_t)(nc + 1));
    b->cap = nc;
  }
  long r = b->nrows++;
  b->ids[r] = s->id;
  b->uoff[r] = (int64_t)b->utext.n;
  mtm_buf_add(&b->utext, s->uuid, strlen(s->uuid) + 1);
  const fver *v = &b->v[vi];
  const unsigned char *p = s->data, *end = p + s->data_n;
  for (int pos = 0; p < end && pos < v->nfields; pos++) {
    uint64_t x = 0;
    int shift = 0;
    for (;;) {
      if (p >= end || shift > 63)
        return mtm_err_set(err, MTM_EINVAL, "submission %lld: its stored values are damaged",
                           (long long)s->id);
      unsigned char ch = *p++;
      x |= (uint64_t)(ch & 0x7f) << shift;
      shift += 7;
      if (!(ch & 0x80)) break;
    }
    if (x && (uint64_t)(end - p) < x - 1)
      return mtm_err_set(err, MTM_EINVAL, "submission %lld: its stored values are damaged",
                         (long long)s->id);
    int ci = v->pos2spec[pos];
    if (ci >= 0) {
      bcol_set(&b->cols[ci], r, x ? (const char *)p : NULL, x ? (size_t)(x - 1) : 0);
      b->lastrow[ci] = r;
    }
    if (x) p += x - 1;
  }
  /* Columns this row's version does not ask (or past the blob's end). */
  for (int i = 0; i < b->ncols; i++)
    if (b->lastrow[i] != r) bcol_set(&b->cols[i], r, NULL, 0);
  return 0;
}

const char *mtm_frame_uuid(const mtm_frame *f, long r) {
  /* The uuid text of row r. */
  return f->uuid_text + f->uuid_off[r];
}

const char *mtm_frame_text(const mtm_frame_col *c, long r) {
  /* Text of text columns and of bitsets' values not in the list. */
  if (!c->off || !c->text || mtm_frame_is_missing(c, r)) return NULL;
  return c->text + c->off[r];
}

const char *mtm_frame_value(const mtm_frame_col *c, long r, mtm_arena *a) {
  /* Renders the value as the store writes it. */
  if (mtm_frame_is_missing(c, r)) return NULL;
  switch (c->kind) {
  case MTM_FRAME_CODES:
    return c->levels[c->codes[r]];
  case MTM_FRAME_BITS: {
    mtm_buf b;
    mtm_buf_init(&b);
    for (int i = 0; i < c->nlist; i++)
      if (mtm_frame_bit(c, r, i)) {
        if (b.n) mtm_buf_addc(&b, ' ');
        mtm_buf_adds(&b, c->levels[i]);
      }
    if (mtm_frame_bit(c, r, c->nlist) && c->text[c->off[r]]) {
      if (b.n) mtm_buf_addc(&b, ' ');
      mtm_buf_adds(&b, c->text + c->off[r]);
    }
    char *s = mtm_arena_strndup(a, b.p ? b.p : "", b.n);
    mtm_buf_free(&b);
    return s;
  }
  case MTM_FRAME_NUM:
    if (c->type == MTM_Q_DATE || c->type == MTM_Q_META) {
      char d[11];
      mtm_format_date((int32_t)c->num[r], d);
      return mtm_arena_strdup(a, d);
    }
    return mtm_arena_printf(a, "%.15g", c->num[r]);
  default:
    return c->text + c->off[r];
  }
}

const mtm_frame_col *mtm_frame_col_find(const mtm_frame *f, const char *name) {
  /* Linear: frames have tens of columns. */
  for (int i = 0; i < f->ncols; i++)
    if (strcmp(f->cols[i].name, name) == 0) return &f->cols[i];
  return NULL;
}

void mtm_frame_free(mtm_frame *f) {
  /* Releases the arena and the forms. */
  if (!f) return;
  frame_priv *pv = f->priv;
  for (int i = 0; i < pv->nforms; i++) mtm_form_free(pv->forms[i]);
  free(pv->forms);
  mtm_arena_free(&pv->a);
  free(pv);
  free(f);
}

/* Copies a finished builder into the frame's column (through its encoding,
 * which is also what the cache keeps). */
static int adopt(bcol *c, long nrows, mtm_buf *enc, mtm_arena *a, mtm_frame_col *col) {
  mtm_buf_reset(enc);
  bcol_encode(c, nrows, enc);
  void *blob = mtm_arena_alloc(a, enc->n + 8);
  memcpy(blob, enc->p, enc->n);
  return col_decode(blob, enc->n, nrows, a, col);
}

/* Encodes the row ids and uuids. */
static void meta_encode(long nrows, const int64_t *ids, const int64_t *uoff, const char *ut,
                        size_t utn, mtm_buf *b) {
  int seq = nrows > 0;
  for (long r = 1; r < nrows && seq; r++) seq = ids[r] == ids[0] + r;
  int64_t h[HDR] = {MAGIC, 0, 0, nrows, seq ? ids[0] : 0, 0, 0, seq ? F_IDSEQ : 0};
  sec_put(b, h, sizeof h);
  if (!seq) sec_put(b, ids, sizeof *ids * (size_t)nrows);
  sec_put(b, uoff, sizeof *uoff * (size_t)(nrows + 1));
  sec_put(b, ut, utn);
}

/* Reads the row ids and uuids of an encoded meta blob. */
static int meta_decode(void *blob, size_t len, mtm_frame *f, mtm_arena *a) {
  unsigned char *p = blob, *end = p + len;
  size_t n;
  int64_t *h = sec_get(&p, end, &n);
  if (!h || n != sizeof(int64_t) * HDR || h[0] != MAGIC) return -1;
  f->nrows = (long)h[3];
  if (h[7] & F_IDSEQ) {
    int64_t *ids = mtm_arena_alloc(a, sizeof *ids * (size_t)(f->nrows ? f->nrows : 1));
    for (long r = 0; r < f->nrows; r++) ids[r] = h[4] + r;
    f->ids = ids;
  } else if (!(f->ids = sec_get(&p, end, &n)) || n != sizeof *f->ids * (size_t)f->nrows) {
    return -1;
  }
  if (!(f->uuid_off = sec_get(&p, end, &n))) return -1;
  if (!(f->uuid_text = sec_get(&p, end, &n))) return -1;
  return 0;
}

/* What a load or a builder knows of the form: its versions (latest first)
 * and the columns they ask. */
typedef struct prep {
  mtm_store_formref fr;
  fver *v;
  int nvs;
  spec *sp;
  int nsp;
  mtm_buf vset; /* the versions' checksums, the cache's version_set */
} prep;

/* Reads the form's versions into pv (which then owns the forms) and lists
 * the columns: the latest version's fields first. */
static int prepare(mtm_store *st, const char *form_id, int round, const char *rep,
                   frame_priv *pv, prep *p, mtm_err *err) {
  mtm_arena *a = &pv->a;
  int rc;
  if ((rc = mtm_store_form_find(st, form_id, a, &p->fr, err))) return rc;
  if (!mtm_store_check_round_known(st, round, err))
    return mtm_err_set(err, MTM_ENOTFOUND,
                       "round %d does not exist: no form has submissions in it and it was not "
                       "declared",
                       round);
  mtm_form_version *vs;
  int nvs;
  if ((rc = mtm_store_form_versions(st, form_id, a, &vs, &nvs, err))) return rc;
  fver *v = mtm_arena_zalloc(a, sizeof *v * (size_t)(nvs ? nvs : 1));
  pv->forms = mtm_xmalloc(sizeof *pv->forms * (size_t)(nvs ? nvs : 1));
  for (int i = 0; i < nvs; i++) {
    const mtm_form_version *x = &vs[nvs - 1 - i];
    if (p->vset.n) mtm_buf_addc(&p->vset, ',');
    mtm_buf_adds(&p->vset, x->sha256);
    v[i].key = x->version ? x->version : "";
    if ((rc = mtm_form_load(st, form_id, x->version, &v[i].f, err))) return rc;
    pv->forms[pv->nforms++] = v[i].f;
  }
  mtm_buf_addc(&p->vset, 0);
  p->v = v;
  p->nvs = nvs;
  int nsp = 0, capsp = 64;
  spec *sp = mtm_arena_alloc(a, sizeof *sp * (size_t)capsp);
  for (int i = 0; i < nvs; i++) {
    mtm_form *fm = v[i].f;
    v[i].pos2spec = mtm_arena_alloc(a, sizeof(int) * (size_t)(fm->nfields ? fm->nfields : 1));
    for (int k = 0; k < fm->nfields; k++) {
      const mtm_question *q = &fm->q[fm->fields[k]];
      /* The main frame: fields outside repeats; a repeat's: the fields
       * whose innermost repeat it is (the order of repeat_rows.data). */
      if (rep ? q->repeat < 0 || strcmp(fm->q[q->repeat].name, rep) != 0 : q->repeat >= 0)
        continue;
      int j = 0;
      while (j < nsp && strcmp(sp[j].name, q->name) != 0) j++;
      if (j == nsp) {
        if (nsp == capsp) {
          spec *g = mtm_arena_alloc(a, sizeof *g * (size_t)capsp * 2);
          memcpy(g, sp, sizeof *g * (size_t)nsp);
          sp = g;
          capsp *= 2;
        }
        sp[nsp] = (spec){q->name, q, kind_of(q), 0, 0};
        nsp++;
      }
      v[i].pos2spec[v[i].nfields++] = j;
    }
  }
  p->sp = sp;
  p->nsp = nsp;
  return 0;
}

/* Prepares builders for the specs marked build; b's versions are copies
 * whose values map to builder indexes (p stays as it is). */
static void build_setup(const prep *p, build *b, mtm_arena *a) {
  memset(b, 0, sizeof *b);
  mtm_buf_init(&b->utext);
  int *map = mtm_arena_alloc(a, sizeof(int) * (size_t)(p->nsp ? p->nsp : 1));
  b->cols = mtm_xmalloc(sizeof *b->cols * (size_t)(p->nsp ? p->nsp : 1));
  for (int j = 0; j < p->nsp; j++) {
    map[j] = -1;
    if (!p->sp[j].build) continue;
    map[j] = b->ncols;
    bcol_init(&b->cols[b->ncols++], &p->sp[j]);
  }
  b->v = mtm_arena_alloc(a, sizeof *b->v * (size_t)(p->nvs ? p->nvs : 1));
  for (int i = 0; i < p->nvs; i++) {
    b->v[i] = p->v[i];
    b->v[i].pos2spec = mtm_arena_alloc(a, sizeof(int) * (size_t)(p->v[i].nfields + 1));
    for (int k = 0; k < p->v[i].nfields; k++) b->v[i].pos2spec[k] = map[p->v[i].pos2spec[k]];
  }
  b->nv = p->nvs;
  b->lastrow = mtm_arena_alloc(a, sizeof *b->lastrow * (size_t)(b->ncols ? b->ncols : 1));
  for (int i = 0; i < b->ncols; i++) b->lastrow[i] = -1;
}

/* Ends the builders after the last row: the text ends set, each
 * calculate resolved to numbers or text. */
/* A select_multiple from a previous answer, once every row is read: its
 * values (all kept as text, outside the empty list) become its levels, in
 * order of first appearance, and each row's bits are set for them. */
static void prev_bits(bcol *c, long nrows) {
  for (long r = 0; r < nrows; r++) {
    const char *v = c->text.p + c->off[r];
    for (const char *p = v; *p;) {
      while (*p == ' ') p++;
      const char *e = p;
      while (*e && *e != ' ') e++;
      if (e > p && hash_get(c, p, (size_t)(e - p)) < 0) level_add(c, p, (size_t)(e - p));
      p = e;
    }
  }
  c->nlist = c->nlevels;
  c->words = (c->nlist + 1 + 63) / 64;
  long cap = nrows ? nrows : 1;
  uint64_t *bits = mtm_xcalloc((size_t)(cap * c->words), sizeof *bits);
  for (long r = 0; r < nrows; r++) {
    const char *v = c->text.p + c->off[r];
    for (const char *p = v; *p;) {
      while (*p == ' ') p++;
      const char *e = p;
      while (*e && *e != ' ') e++;
      if (e > p) {
        int k = hash_get(c, p, (size_t)(e - p));
        bits[r * c->words + (k >> 6)] |= (uint64_t)1 << (k & 63);
      }
      p = e;
    }
  }
  free(c->bits);
  c->bits = bits;
  /* Every value is now a level: each row's text is empty. */
  mtm_buf_reset(&c->text);
  for (long r = 0; r < nrows; r++) {
    c->off[r] = (int64_t)r;
    mtm_buf_addc(&c->text, 0);
  }
  c->off[nrows] = (int64_t)c->text.n;
}

/* Ends the reading of rows: offsets' last entries, calculates' kinds, and
 * the levels of selects from a previous answer. */
static void build_end(build *b) {
  if (b->cap == 0) {
    for (int i = 0; i < b->ncols; i++) bcol_grow(&b->cols[i], 0, 1);
    b->uoff = mtm_xmalloc(sizeof *b->uoff);
    b->cap = 1;
  }
  b->uoff[b->nrows] = (int64_t)b->utext.n;
  for (int i = 0; i < b->ncols; i++) {
    bcol *c = &b->cols[i];
    if (c->off) c->off[b->nrows] = (int64_t)c->text.n;
    if (c->kind == K_CALC) c->kind = c->allnum ? MTM_FRAME_NUM : MTM_FRAME_TEXT;
    if (c->kind == MTM_FRAME_BITS && c->sp->q->choices_from) prev_bits(c, b->nrows);
  }
}

static void build_free(build *b) {
  for (int i = 0; i < b->ncols; i++) bcol_free(&b->cols[i]);
  free(b->cols);
  free(b->ids);
  free(b->uoff);
  mtm_buf_free(&b->utext);
  memset(b, 0, sizeof *b);
}

/* Releases a builder's column at once (it was encoded), which keeps the
 * peak near one copy of the frame. */
static void bcol_release(bcol *c) {
  spec *csp = c->sp;
  bcol_free(c);
  memset(c, 0, sizeof *c);
  c->sp = csp;
}

/* ---- patching the cached columns with changed rows ---- */

/* The row of submission id in f, -1 if none (ids ascend). */
static long row_of(const mtm_frame *f, int64_t id) {
  long lo = 0, hi = f->nrows - 1;
  while (lo <= hi) {
    long mid = lo + (hi - lo) / 2;
    if (f->ids[mid] == id) return mid;
    if (f->ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

static void bit_put(uint64_t *m, long r, int on) {
  if (on) m[r >> 6] |= (uint64_t)1 << (r & 63);
  else m[r >> 6] &= ~((uint64_t)1 << (r & 63));
}

/* Drops the rows marked in drop from every array of f (ids keep their
 * order; text stays where it is, only the offsets move). */
static void drop_rows(mtm_frame *f, const unsigned char *drop, mtm_arena *a) {
  long n = f->nrows, w = 0;
  int64_t *ids = (int64_t *)f->ids, *uoff = (int64_t *)f->uuid_off;
  for (long r = 0; r < n; r++) {
    if (drop[r]) continue;
    ids[w] = ids[r];
    uoff[w] = uoff[r];
    w++;
  }
  uoff[w] = uoff[n];
  for (int i = 0; i < f->ncols; i++) {
    mtm_frame_col *c = &f->cols[i];
    uint64_t *m = mtm_arena_zalloc(a, sizeof *m * (size_t)((w + 63) / 64 + 1));
    int64_t *off = (int64_t *)c->off;
    long k = 0;
    for (long r = 0; r < n; r++) {
      if (drop[r]) continue;
      bit_put(m, k, mtm_frame_is_missing(c, r));
      if (c->codes) c->codes[k] = c->codes[r];
      if (c->num) c->num[k] = c->num[r];
      if (c->bits) memmove(c->bits + k * c->words, c->bits + r * c->words, sizeof *c->bits * (size_t)c->words);
      if (off) off[k] = off[r];
      k++;
    }
    if (off) off[w] = off[n];
    c->missing = m;
  }
  f->nrows = w;
}

/* Patches a frame read from the cache with the dirty submissions: a row
 * changed is decoded again and written over, a row removed, deleted or
 * moved to another round is dropped. Returns 1 (frame untouched) when the
 * cache cannot be patched and must be rebuilt: a submission joins the
 * round, a value needs a code the cached column does not have, or a
 * calculate's kind may change. */
static int patch(mtm_store *st, prep *p, int round, mtm_frame *f, const int64_t *dirty, long nd,
                 mtm_arena *a, mtm_err *err) {
  for (int j = 0; j < p->nsp; j++) {
    const mtm_frame_col *fc = mtm_frame_col_find(f, p->sp[j].name);
    p->sp[j].build = fc != NULL;
    if (fc && p->sp[j].kind == K_CALC && fc->kind == MTM_FRAME_TEXT) return 1;
    /* A calculate left out as text: built too, to see whether it may now
     * be numeric (every changed value a number). */
    if (!fc && p->sp[j].kind == K_CALC && p->sp[j].want) p->sp[j].build = 1;
  }
  build b;
  build_setup(p, &b, a);
  mtm_arena tmp;
  mtm_arena_init(&tmp);
  long *rows = mtm_arena_alloc(a, sizeof *rows * (size_t)nd);
  unsigned char *drop = NULL;
  int rc = 0;
  for (long i = 0; i < nd; i++) {
    long r = row_of(f, dirty[i]);
    mtm_submission s;
    mtm_err e;
    mtm_err_clear(&e);
    int g = mtm_store_submission_get(st, dirty[i], &tmp, &s, &e);
    if (g && g != MTM_ENOTFOUND) {
      *err = e;
      rc = g;
      goto out;
    }
    int live = !g && !s.removed && s.form == p->fr.id && s.round == round;
    if (live && r < 0) {
      rc = 1;
      goto out;
    }
    if (r < 0) continue;
    if (!live) {
      if (!drop) drop = mtm_arena_zalloc(a, (size_t)f->nrows);
      drop[r] = 1;
      continue;
    }
    rows[b.nrows] = r;
    if ((rc = build_row(&b, &s, err))) goto out;
  }
  build_end(&b);
  /* Check first, then write: the frame is untouched when a rebuild is due. */
  for (int i = 0; i < b.ncols; i++) {
    bcol *c = &b.cols[i];
    mtm_frame_col *fc = (mtm_frame_col *)mtm_frame_col_find(f, c->sp->name);
    if (!fc) {
      if (c->kind == MTM_FRAME_NUM && b.nrows) {
        rc = 1;
        goto out;
      }
      continue;
    }
    /* A select_multiple from a previous answer has levels of its own
     * rows: decode it all again. */
    if ((int)c->kind != (int)fc->kind || (c->kind == MTM_FRAME_BITS && c->sp->q->choices_from)) {
      rc = 1;
      goto out;
    }
    if (c->kind == MTM_FRAME_CODES)
      for (long k = 0; k < b.nrows; k++) {
        int code = c->codes[k];
        if (code < c->nlist) continue;
        int found = 0;
        for (int l = fc->nlist; l < fc->nlevels && !found; l++)
          found = strcmp(fc->levels[l], c->levels[code]) == 0;
        if (!found) {
          rc = 1;
          goto out;
        }
      }
  }
  for (int i = 0; i < b.ncols; i++) {
    bcol *c = &b.cols[i];
    mtm_frame_col *fc = (mtm_frame_col *)mtm_frame_col_find(f, c->sp->name);
    if (!fc) continue;
    int has_text = fc->kind == MTM_FRAME_BITS || fc->kind == MTM_FRAME_TEXT;
    size_t extra = 0;
    for (long k = 0; k < b.nrows; k++) {
      long r = rows[k];
      bit_put(fc->missing, r, (int)((c->missing[k >> 6] >> (k & 63)) & 1));
      if (fc->kind == MTM_FRAME_CODES) {
        int code = c->codes[k];
        if (code >= c->nlist)
          for (int l = fc->nlist; l < fc->nlevels; l++)
            if (strcmp(fc->levels[l], c->levels[code]) == 0) code = l;
        fc->codes[r] = code;
      } else if (fc->kind == MTM_FRAME_NUM) {
        fc->num[r] = c->num[k];
      } else if (fc->kind == MTM_FRAME_BITS) {
        memcpy(fc->bits + r * fc->words, c->bits + k * c->words, sizeof *fc->bits * (size_t)fc->words);
      }
      if (has_text && strcmp(fc->text + fc->off[r], c->text.p + c->off[k]) != 0)
        extra += strlen(c->text.p + c->off[k]) + 1;
    }
    if (!extra) continue;
    /* New text: the old text with the changed values after it. */
    int64_t *off = (int64_t *)fc->off;
    size_t old = (size_t)off[f->nrows];
    char *t = mtm_arena_alloc(a, old + extra + 1);
    memcpy(t, fc->text, old);
    size_t at = old;
    for (long k = 0; k < b.nrows; k++) {
      long r = rows[k];
      const char *nv = c->text.p + c->off[k];
      if (strcmp(t + off[r], nv) == 0) continue;
      size_t n = strlen(nv) + 1;
      memcpy(t + at, nv, n);
      off[r] = (int64_t)at;
      at += n;
    }
    off[f->nrows] = (int64_t)at;
    fc->text = t;
  }
  f->patched = b.nrows;
  if (drop) {
    long nd2 = 0;
    for (long r = 0; r < f->nrows; r++) nd2 += drop[r];
    f->patched += nd2;
    drop_rows(f, drop, a);
  }
out:
  build_free(&b);
  mtm_arena_free(&tmp);
  return rc;
}

/* ---- loading ---- */

/* A new empty frame with its private part and arena; mtm_frame_free
 * releases it. */
static mtm_frame *frame_alloc(void) {
  mtm_frame *f = mtm_xmalloc(sizeof *f);
  memset(f, 0, sizeof *f);
  frame_priv *pv = mtm_xmalloc(sizeof *pv);
  memset(pv, 0, sizeof *pv);
  f->priv = pv;
  mtm_arena_init(&pv->a);
  return f;
}

int mtm_frame_load(mtm_store *st, const char *form_id, int round, const mtm_frame_opts *opts,
                   mtm_frame **out, mtm_err *err) {
  /* Reads the versions, picks the columns, then serves them from the cache
   * (patched with the rows changed since) or decodes the submissions and
   * writes the cache. */
  static const mtm_frame_opts none = {0};
  if (!opts) opts = &none;
  *out = NULL;
  mtm_frame *f = frame_alloc();
  frame_priv *pv = f->priv;
  mtm_arena *a = &pv->a;
  f->round = round;
  mtm_buf enc;
  mtm_buf_init(&enc);
  prep p;
  memset(&p, 0, sizeof p);
  mtm_buf_init(&p.vset);
  build b;
  memset(&b, 0, sizeof b);
  int rc, intx = 0;
  if ((rc = prepare(st, form_id, round, NULL, pv, &p, err))) goto fail;
  f->form_id = p.fr.form_id;
  f->form = p.nvs ? p.v[0].f : NULL;
  spec *sp = p.sp;
  int nsp = p.nsp;
  /* What to load. */
  if (opts->columns) {
    for (int k = 0; k < opts->ncolumns; k++) {
      int j = 0;
      while (j < nsp && strcmp(sp[j].name, opts->columns[k]) != 0) j++;
      if (j == nsp) {
        rc = mtm_err_set(err, MTM_ENOTFOUND, "form '%s' has no question '%s' outside repeats",
                         form_id, opts->columns[k]);
        goto fail;
      }
      sp[j].want = 1;
    }
  } else {
    for (int j = 0; j < nsp; j++) sp[j].want = opts->text || sp[j].kind != MTM_FRAME_TEXT;
  }
  /* The cache. */
  f->cols = mtm_arena_zalloc(a, sizeof *f->cols * (size_t)(nsp ? nsp : 1));
  /* One transaction from the cache check to the cache write, so that no
   * import or cleaning slips between reading the submissions and caching
   * what was read. */
  int hit = !opts->no_cache;
  if (hit) {
    if ((rc = mtm_store_begin(st, err))) goto fail;
    intx = 1;
    void *blob;
    size_t n;
    long nr;
    int found;
    if ((rc = mtm_store_frame_cache_get(st, p.fr.id, round, "", p.vset.p, a, &blob, &n, &nr,
                                        &found, err)))
      goto fail;
    hit = found && meta_decode(blob, n, f, a) == 0;
    for (int j = 0; j < nsp && hit; j++) {
      if (!sp[j].want) continue;
      if ((rc = mtm_store_frame_cache_get(st, p.fr.id, round, sp[j].name, p.vset.p, a, &blob, &n,
                                          &nr, &found, err)))
        goto fail;
      mtm_frame_col *c = &f->cols[f->ncols];
      hit = found && col_decode(blob, n, f->nrows, a, c) == 0;
      if (!hit) break;
      c->name = sp[j].name;
      c->q = sp[j].q;
      c->type = sp[j].q->type;
      if (c->kind == MTM_FRAME_TEXT && sp[j].kind == K_CALC && !opts->columns && !opts->text)
        continue; /* a calculate that is not numeric: text, not asked */
      f->ncols++;
    }
    if (hit) {
      /* The rows changed since the columns were cached: patched (each
       * load again, a few microseconds a row), unless more than 2% of the
       * rows: then decoded and cached afresh, which forgets them. */
      int64_t *dirty;
      long nd;
      if ((rc = mtm_store_frame_dirty_list(st, p.fr.id, round, a, &dirty, &nd, err))) goto fail;
      if (nd > f->nrows / 50 + 1000) hit = 0;
      else if (nd && (rc = patch(st, &p, round, f, dirty, nd, a, err))) {
        if (rc < 0) goto fail;
        hit = 0;
        f->patched = 0;
      }
    }
  }
  if (hit) {
    f->from_cache = 1;
    intx = 0;
    if ((rc = mtm_store_commit(st, err))) goto fail;
    goto done;
  }
  /* Decode the submissions: the wanted columns and every default one, so
   * that the cache serves later default loads. */
  f->ncols = 0;
  for (int j = 0; j < nsp; j++) sp[j].build = sp[j].want || sp[j].kind != MTM_FRAME_TEXT;
  build_setup(&p, &b, a);
  if (p.nvs &&
      (rc = mtm_store_submissions_each(st, p.fr.id, round, MTM_SUB_LIVE, build_row, &b, err)))
    goto fail;
  build_end(&b);
  f->nrows = b.nrows;
  mtm_buf_reset(&enc);
  meta_encode(b.nrows, b.ids, b.uoff, b.utext.p ? b.utext.p : "", b.utext.n, &enc);
  {
    void *blob = mtm_arena_alloc(a, enc.n + 8);
    memcpy(blob, enc.p, enc.n);
    meta_decode(blob, enc.n, f, a);
  }
  if (intx && ((rc = mtm_store_frame_cache_clear(st, p.fr.id, round, err)) ||
               (rc = mtm_store_frame_cache_put(st, p.fr.id, round, "", p.vset.p, b.nrows, enc.p,
                                               enc.n, err))))
    goto fail;
  for (int i = 0; i < b.ncols; i++) {
    bcol *c = &b.cols[i];
    mtm_frame_col col;
    memset(&col, 0, sizeof col);
    if (adopt(c, b.nrows, &enc, a, &col)) {
      rc = mtm_err_set(err, MTM_EINVAL, "column '%s' could not be encoded", c->sp->name);
      goto fail;
    }
    if (intx && (rc = mtm_store_frame_cache_put(st, p.fr.id, round, c->sp->name, p.vset.p,
                                                b.nrows, enc.p, enc.n, err)))
      goto fail;
    bcol_release(c);
    if (!c->sp->want) continue;
    if (col.kind == MTM_FRAME_TEXT && c->sp->kind == K_CALC && !opts->columns && !opts->text)
      continue;
    col.name = c->sp->name;
    col.q = c->sp->q;
    col.type = c->sp->q->type;
    f->cols[f->ncols++] = col;
  }
  if (intx) {
    intx = 0;
    if ((rc = mtm_store_commit(st, err))) goto fail;
  }
done:
  build_free(&b);
  mtm_buf_free(&enc);
  mtm_buf_free(&p.vset);
  *out = f;
  return 0;
fail:
  if (intx) mtm_store_rollback(st);
  build_free(&b);
  mtm_buf_free(&enc);
  mtm_buf_free(&p.vset);
  mtm_frame_free(f);
  return rc ? rc : MTM_EINVAL;
}

/* ---- building the cache while submissions are stored ---- */

struct mtm_frame_builder {
  frame_priv pv; /* the forms and the builders' arena */
  prep p;
  int round;
  build b;
};

int mtm_frame_builder_new(mtm_store *st, const char *form_id, int round, mtm_frame_builder **out,
                          mtm_err *err) {
  /* Reads the versions now, on the caller's thread; the default columns
   * (every one but text) are built. */
  *out = NULL;
  mtm_frame_builder *fb = mtm_xcalloc(1, sizeof *fb);
  mtm_arena_init(&fb->pv.a);
  mtm_buf_init(&fb->p.vset);
  fb->round = round;
  int rc = prepare(st, form_id, round, NULL, &fb->pv, &fb->p, err);
  if (rc) {
    mtm_frame_builder_free(fb);
    return rc;
  }
  for (int j = 0; j < fb->p.nsp; j++) fb->p.sp[j].build = fb->p.sp[j].kind != MTM_FRAME_TEXT;
  build_setup(&fb->p, &fb->b, &fb->pv.a);
  *out = fb;
  return 0;
}

int mtm_frame_builder_add(mtm_frame_builder *fb, const mtm_submission *s, mtm_err *err) {
  /* The same decoding as a load's. */
  if (!fb->p.nvs) return 0;
  return build_row(&fb->b, s, err);
}

int mtm_frame_builder_store(mtm_frame_builder *fb, mtm_store *st, mtm_err *err) {
  /* Encodes and stores the rows, then each column, releasing each builder
   * once stored. */
  build *b = &fb->b;
  build_end(b);
  int64_t form = fb->p.fr.id;
  const char *vset = fb->p.vset.p;
  mtm_buf enc;
  mtm_buf_init(&enc);
  meta_encode(b->nrows, b->ids, b->uoff, b->utext.p ? b->utext.p : "", b->utext.n, &enc);
  int rc = mtm_store_frame_cache_clear(st, form, fb->round, err);
  if (!rc) rc = mtm_store_frame_cache_put(st, form, fb->round, "", vset, b->nrows, enc.p, enc.n, err);
  for (int i = 0; i < b->ncols && !rc; i++) {
    mtm_buf_reset(&enc);
    bcol_encode(&b->cols[i], b->nrows, &enc);
    rc = mtm_store_frame_cache_put(st, form, fb->round, b->cols[i].sp->name, vset, b->nrows, enc.p,
                                   enc.n, err);
    bcol_release(&b->cols[i]);
  }
  mtm_buf_free(&enc);
  return rc;
}

void mtm_frame_builder_free(mtm_frame_builder *fb) {
  /* Releases the builders, the forms and the arena. */
  if (!fb) return;
  build_free(&fb->b);
  for (int i = 0; i < fb->pv.nforms; i++) mtm_form_free(fb->pv.forms[i]);
  free(fb->pv.forms);
  mtm_arena_free(&fb->pv.a);
  mtm_buf_free(&fb->p.vset);
  free(fb);
}

/* ---- repeat frames -------------------------------------------------------- */

/* The forms of a frame, latest version first. */
static int frame_forms(const mtm_frame *f, mtm_form ***forms) {
  const frame_priv *pv = f->priv;
  *forms = pv->forms;
  return pv->nforms;
}

int mtm_frame_repeats(const mtm_frame *f, mtm_arena *a, const char ***names) {
  /* Every begin_repeat of every version, once, the latest's first. */
  mtm_form **fs;
  int nf = frame_forms(f, &fs), n = 0, cap = 0;
  for (int i = 0; i < nf; i++) cap += fs[i]->nq;
  const char **out = mtm_arena_alloc(a, sizeof *out * (size_t)(cap ? cap : 1));
  for (int i = 0; i < nf; i++)
    for (int k = 0; k < fs[i]->nq; k++) {
      const mtm_question *q = &fs[i]->q[k];
      if (q->type != MTM_Q_BEGIN_REPEAT || !q->name) continue;
      int seen = 0;
      for (int j = 0; j < n && !seen; j++) seen = strcmp(out[j], q->name) == 0;
      if (!seen) out[n++] = q->name;
    }
  *names = out;
  return n;
}

const char *mtm_frame_repeat_of(const mtm_frame *f, const char *name) {
  /* The latest version that holds a data question of that name inside a
   * repeat decides. */
  mtm_form **fs;
  int nf = frame_forms(f, &fs);
  for (int i = 0; i < nf; i++)
    for (int k = 0; k < fs[i]->nfields; k++) {
      const mtm_question *q = &fs[i]->q[fs[i]->fields[k]];
      if (q->repeat >= 0 && strcmp(q->name, name) == 0) return fs[i]->q[q->repeat].name;
    }
  return NULL;
}

int mtm_frame_has_main_question(const mtm_frame *f, const char *name) {
  /* Any version. */
  mtm_form **fs;
  int nf = frame_forms(f, &fs);
  for (int i = 0; i < nf; i++)
    for (int k = 0; k < fs[i]->nfields; k++) {
      const mtm_question *q = &fs[i]->q[fs[i]->fields[k]];
      if (q->repeat < 0 && strcmp(q->name, name) == 0) return 1;
    }
  return 0;
}

const char *mtm_frame_repeat_parent(const mtm_frame *f, const char *rep) {
  /* A begin_repeat's own repeat index is the one around it. */
  mtm_form **fs;
  int nf = frame_forms(f, &fs);
  for (int i = 0; i < nf; i++)
    for (int k = 0; k < fs[i]->nq; k++) {
      const mtm_question *q = &fs[i]->q[k];
      if (q->type == MTM_Q_BEGIN_REPEAT && q->name && strcmp(q->name, rep) == 0)
        return q->repeat >= 0 ? fs[i]->q[q->repeat].name : NULL;
    }
  return NULL;
}

int mtm_frame_repeat_questions(const mtm_frame *f, const char *rep, mtm_arena *a,
                               const mtm_question ***out) {
  /* The fields whose innermost repeat is rep, names once, latest first. */
  mtm_form **fs;
  int nf = frame_forms(f, &fs), n = 0, cap = 0;
  for (int i = 0; i < nf; i++) cap += fs[i]->nfields;
  const mtm_question **qs = mtm_arena_alloc(a, sizeof *qs * (size_t)(cap ? cap : 1));
  for (int i = 0; i < nf; i++)
    for (int k = 0; k < fs[i]->nfields; k++) {
      const mtm_question *q = &fs[i]->q[fs[i]->fields[k]];
      if (q->repeat < 0 || strcmp(fs[i]->q[q->repeat].name, rep) != 0) continue;
      int seen = 0;
      for (int j = 0; j < n && !seen; j++) seen = strcmp(qs[j]->name, q->name) == 0;
      if (!seen) qs[n++] = q;
    }
  *out = qs;
  return n;
}

/* The state of a repeat frame's load: the builders and, per row, its
 * submission's row in the parent, its instance id and position. */
typedef struct rload {
  build *b;
  const mtm_frame *parent;
  long *prow;
  int64_t *iid;
  int *pos;
  long cap;
} rload;

/* Reads one instance into the builders, as its submission's row would be. */
static int repeat_row(void *ctx, const mtm_repeat_inst *x, mtm_err *err) {
  rload *L = ctx;
  long r = row_of(L->parent, x->submission);
  if (r < 0) return 0; /* its submission is not in the parent (changed since) */
  long k = L->b->nrows;
  if (k == L->cap) {
    L->cap = L->cap ? L->cap * 2 : 1024;
    L->prow = mtm_xrealloc(L->prow, sizeof *L->prow * (size_t)L->cap);
    L->iid = mtm_xrealloc(L->iid, sizeof *L->iid * (size_t)L->cap);
    L->pos = mtm_xrealloc(L->pos, sizeof *L->pos * (size_t)L->cap);
  }
  mtm_submission s;
  memset(&s, 0, sizeof s);
  s.id = x->submission;
  s.uuid = mtm_frame_uuid(L->parent, r);
  s.version = x->version;
  s.data = x->data;
  s.data_n = x->data_n;
  int rc = build_row(L->b, &s, err);
  if (rc) return rc;
  L->prow[k] = r;
  L->iid[k] = x->id;
  L->pos[k] = x->position;
  return 0;
}

/* Column d of n rows: the parent's column src at rows prow (its text
 * shared, offsets gathered). */
static void gather(const mtm_frame_col *src, const mtm_frame *parent, const long *prow, long n,
                   mtm_arena *a, mtm_frame_col *d) {
  *d = *src;
  d->from_parent = 1;
  size_t nz = (size_t)(n ? n : 1);
  uint64_t *m = mtm_arena_zalloc(a, sizeof *m * (size_t)((n + 63) / 64 + 1));
  for (long r = 0; r < n; r++)
    if (mtm_frame_is_missing(src, prow[r])) m[r >> 6] |= (uint64_t)1 << (r & 63);
  d->missing = m;
  if (src->codes) {
    d->codes = mtm_arena_alloc(a, sizeof *d->codes * nz);
    for (long r = 0; r < n; r++) d->codes[r] = src->codes[prow[r]];
  }
  if (src->num) {
    d->num = mtm_arena_alloc(a, sizeof *d->num * nz);
    for (long r = 0; r < n; r++) d->num[r] = src->num[prow[r]];
  }
  if (src->bits) {
    d->bits = mtm_arena_alloc(a, sizeof *d->bits * nz * (size_t)src->words);
    for (long r = 0; r < n; r++)
      memcpy(d->bits + r * src->words, src->bits + prow[r] * src->words,
             sizeof *d->bits * (size_t)src->words);
  }
  if (src->off) {
    int64_t *off = mtm_arena_alloc(a, sizeof *off * (nz + 1));
    for (long r = 0; r < n; r++) off[r] = src->off[prow[r]];
    off[n] = src->off[parent->nrows];
    d->off = off;
  }
}

/* Why name is not a column a repeat frame can have: a sentence in err. */
static int not_in_repeat(const mtm_frame *f, const mtm_frame *parent, const char *rep,
                         const char *name, mtm_err *err) {
  const char *other = mtm_frame_repeat_of(f, name);
  if (other) {
    for (const char *p = mtm_frame_repeat_parent(f, rep); p; p = mtm_frame_repeat_parent(f, p))
      if (strcmp(p, other) == 0)
        return mtm_err_set(err, MTM_EINVAL,
                           "question '%s' is in repeat '%s', which encloses repeat '%s': the "
                           "workspace links each instance of '%s' to its submission, not to the "
                           "instance of '%s' it was asked in, so the two cannot be analysed "
                           "together",
                           name, other, rep, rep, other);
    return mtm_err_set(err, MTM_EINVAL,
                       "question '%s' is in repeat '%s', not in repeat '%s' or outside repeats: "
                       "the instances of two repeats cannot be matched",
                       name, other, rep);
  }
  if (mtm_frame_has_main_question(parent, name))
    return mtm_err_set(err, MTM_ENOTFOUND,
                       "question '%s' of form '%s' was not loaded with the submissions (a text "
                       "question is loaded only when asked)",
                       name, f->form_id);
  return mtm_err_set(err, MTM_ENOTFOUND, "form '%s' has no question '%s'", f->form_id, name);
}

int mtm_frame_load_repeat(mtm_store *st, const mtm_frame *parent, const char *repeat,
                          const mtm_frame_opts *opts, mtm_frame **out, mtm_err *err) {
  /* Reads the repeat's questions in every version, decodes the instances of
   * the parent's submissions into columns as a load decodes submissions,
   * then gathers the parent's columns onto the instances. */
  static const mtm_frame_opts none = {0};
  if (!opts) opts = &none;
  *out = NULL;
  mtm_frame *f = frame_alloc();
  frame_priv *pv = f->priv;
  mtm_arena *a = &pv->a;
  f->round = parent->round;
  f->parent = parent;
  mtm_buf enc;
  mtm_buf_init(&enc);
  prep p;
  memset(&p, 0, sizeof p);
  mtm_buf_init(&p.vset);
  build b;
  memset(&b, 0, sizeof b);
  rload L;
  memset(&L, 0, sizeof L);
  int rc;
  if ((rc = prepare(st, parent->form_id, parent->round, repeat, pv, &p, err))) goto fail;
  f->form_id = p.fr.form_id;
  f->form = p.nvs ? p.v[0].f : NULL;
  f->repeat = mtm_arena_strdup(a, repeat);
  {
    const char **reps;
    int nr = mtm_frame_repeats(f, a, &reps), found = 0;
    for (int i = 0; i < nr && !found; i++) found = strcmp(reps[i], repeat) == 0;
    if (!found) {
      rc = mtm_err_set(err, MTM_ENOTFOUND, "form '%s' has no repeat '%s'", f->form_id, repeat);
      goto fail;
    }
  }
  /* What to load: the repeat's own questions, and the parent's columns. */
  int np = 0;
  const mtm_frame_col **pc =
      mtm_arena_alloc(a, sizeof *pc * (size_t)(parent->ncols + 1));
  if (opts->columns) {
    for (int k = 0; k < opts->ncolumns; k++) {
      const char *name = opts->columns[k];
      int j = 0;
      while (j < p.nsp && strcmp(p.sp[j].name, name) != 0) j++;
      if (j < p.nsp) {
        p.sp[j].want = 1;
        continue;
      }
      const mtm_frame_col *c = mtm_frame_col_find(parent, name);
      if (!c) {
        rc = not_in_repeat(f, parent, repeat, name, err);
        goto fail;
      }
      int dup = 0;
      for (int i = 0; i < np && !dup; i++) dup = pc[i] == c;
      if (!dup) pc[np++] = c;
    }
  } else {
    for (int j = 0; j < p.nsp; j++) p.sp[j].want = opts->text || p.sp[j].kind != MTM_FRAME_TEXT;
    for (int i = 0; i < parent->ncols; i++) {
      int own = 0;
      for (int j = 0; j < p.nsp && !own; j++) own = p.sp[j].want && !strcmp(p.sp[j].name, parent->cols[i].name);
      if (!own) pc[np++] = &parent->cols[i];
    }
  }
  for (int j = 0; j < p.nsp; j++) p.sp[j].build = p.sp[j].want;
  build_setup(&p, &b, a);
  L.b = &b;
  L.parent = parent;
  if (p.nvs &&
      (rc = mtm_store_repeat_rows_each(st, p.fr.id, f->round, repeat, repeat_row, &L, err)))
    goto fail;
  build_end(&b);
  f->nrows = b.nrows;
  meta_encode(b.nrows, b.ids, b.uoff, b.utext.p ? b.utext.p : "", b.utext.n, &enc);
  {
    void *blob = mtm_arena_alloc(a, enc.n + 8);
    memcpy(blob, enc.p, enc.n);
    meta_decode(blob, enc.n, f, a);
  }
  size_t nz = (size_t)(b.nrows ? b.nrows : 1);
  long *prow = mtm_arena_alloc(a, sizeof *prow * nz);
  int64_t *iid = mtm_arena_alloc(a, sizeof *iid * nz);
  int *pos = mtm_arena_alloc(a, sizeof *pos * nz);
  if (b.nrows) {
    memcpy(prow, L.prow, sizeof *prow * (size_t)b.nrows);
    memcpy(iid, L.iid, sizeof *iid * (size_t)b.nrows);
    memcpy(pos, L.pos, sizeof *pos * (size_t)b.nrows);
  }
  f->parent_row = prow;
  f->instance_ids = iid;
  f->positions = pos;
  f->cols = mtm_arena_zalloc(a, sizeof *f->cols * (size_t)(b.ncols + np + 1));
  for (int i = 0; i < b.ncols; i++) {
    bcol *c = &b.cols[i];
    mtm_frame_col col;
    memset(&col, 0, sizeof col);
    if (adopt(c, b.nrows, &enc, a, &col)) {
      rc = mtm_err_set(err, MTM_EINVAL, "column '%s' could not be encoded", c->sp->name);
      goto fail;
    }
    bcol_release(c);
    if (col.kind == MTM_FRAME_TEXT && c->sp->kind == K_CALC && !opts->columns && !opts->text)
      continue;
    col.name = c->sp->name;
    col.q = c->sp->q;
    col.type = c->sp->q->type;
    f->cols[f->ncols++] = col;
  }
  for (int i = 0; i < np; i++) gather(pc[i], parent, prow, b.nrows, a, &f->cols[f->ncols++]);
  build_free(&b);
  mtm_buf_free(&enc);
  mtm_buf_free(&p.vset);
  free(L.prow);
  free(L.iid);
  free(L.pos);
  *out = f;
  return 0;
fail:
  build_free(&b);
  mtm_buf_free(&enc);
  mtm_buf_free(&p.vset);
  free(L.prow);
  free(L.iid);
  free(L.pos);
  mtm_frame_free(f);
  return rc ? rc : MTM_EINVAL;
}
