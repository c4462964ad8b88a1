/* The writer of an import: a second thread that stores submissions, repeat
 * rows and cell issues while the first reads and types the next rows. The
 * reader fills one batch while the writer executes the other; the store is
 * touched by one thread at a time (the reader drains the writer before it
 * calls the store itself). Also the file checksum, on a thread of its own. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "ingest/internal.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define BATCH (4u << 20) /* bytes of operations handed over at once */

enum { OP_SUBMISSION = 'S', OP_REPEAT = 'R', OP_ISSUE = 'I' };

struct ing_sink {
  mtm_store *st;
  int64_t form;
  int round;
  mtm_frame_builder *fb;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  mtm_buf cur, work;
  int has_work, stop, failed;
  mtm_err err;
};

static void put_i64(mtm_buf *b, int64_t v) { mtm_buf_add(b, &v, sizeof v); }

/* A string or blob: length (UINT32_MAX for NULL), bytes, NUL. */
static void put_bytes(mtm_buf *b, const void *p, size_t n) {
  uint32_t k = p ? (uint32_t)n : UINT32_MAX;
  mtm_buf_reserve(b, sizeof k + n + 1);
  memcpy(b->p + b->n, &k, sizeof k);
  b->n += sizeof k;
  if (p) {
    if (n) memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n++] = 0;
  }
  b->p[b->n] = 0;
}

static void put_str(mtm_buf *b, const char *s) { put_bytes(b, s, s ? strlen(s) : 0); }

typedef struct reader {
  const char *p, *end;
} reader;

static int64_t get_i64(reader *r) {
  int64_t v;
  memcpy(&v, r->p, sizeof v);
  r->p += sizeof v;
  return v;
}

static const char *get_bytes(reader *r, size_t *n) {
  uint32_t k;
  memcpy(&k, r->p, sizeof k);
  r->p += sizeof k;
  if (k == UINT32_MAX) {
    if (n) *n = 0;
    return NULL;
  }
  const char *s = r->p;
  r->p += k + 1;
  if (n) *n = k;
  return s;
}

/* Executes one batch; returns 0 or the store's error code. */
static int run_batch(ing_sink *k, const mtm_buf *b, mtm_err *err) {
  reader r = {b->p, b->p + b->n};
  while (r.p < r.end) {
    char op = *r.p++;
    if (op == OP_SUBMISSION) {
      mtm_submission s = {0};
      s.form = k->form;
      s.round = k->round;
      s.id = get_i64(&r);
      s.import = get_i64(&r);
      s.row = (long)get_i64(&r);
      s.uuid = get_bytes(&r, NULL);
      s.version = get_bytes(&r, NULL);
      s.submitted_at = get_bytes(&r, NULL);
      s.raw = get_bytes(&r, &s.raw_n);
      s.data = get_bytes(&r, &s.data_n);
      int64_t id;
      if (mtm_store_submission_add(k->st, &s, &id, err)) return MTM_ESTORE;
      int rc;
      if (k->fb && (rc = mtm_frame_builder_add(k->fb, &s, err))) return rc;
    } else if (op == OP_REPEAT) {
      int64_t sub = get_i64(&r);
      int pos = (int)get_i64(&r);
      const char *name = get_bytes(&r, NULL);
      size_t rn, dn;
      const char *raw = get_bytes(&r, &rn);
      const char *data = get_bytes(&r, &dn);
      if (mtm_store_repeat_row_add(k->st, sub, name, pos, raw, rn, data, dn, err))
        return MTM_ESTORE;
    } else {
      int64_t sub = get_i64(&r);
      const char *q = get_bytes(&r, NULL), *v = get_bytes(&r, NULL);
      const char *rule = get_bytes(&r, NULL), *msg = get_bytes(&r, NULL);
      if (mtm_store_cell_issue_add(k->st, sub, q, v, rule, msg, err)) return MTM_ESTORE;
    }
  }
  return 0;
}

static void *writer(void *arg) {
  ing_sink *k = arg;
  pthread_setname_np(pthread_self(), "mtm-writer");
  pthread_mutex_lock(&k->mu);
  for (;;) {
    while (!k->has_work && !k->stop) pthread_cond_wait(&k->cv, &k->mu);
    if (!k->has_work && k->stop) break;
    pthread_mutex_unlock(&k->mu);
    mtm_err e;
    mtm_err_clear(&e);
    int rc = k->failed ? 0 : run_batch(k, &k->work, &e);
    pthread_mutex_lock(&k->mu);
    if (rc && !k->failed) {
      k->failed = rc;
      k->err = e;
    }
    mtm_buf_reset(&k->work);
    k->has_work = 0;
    pthread_cond_broadcast(&k->cv);
  }
  pthread_mutex_unlock(&k->mu);
  return NULL;
}

ing_sink *ing_sink_start(mtm_store *st, int64_t form, int round, mtm_frame_builder *fb) {
  ing_sink *k = mtm_xcalloc(1, sizeof *k);
  k->fb = fb;
  k->st = st;
  k->form = form;
  k->round = round;
  mtm_buf_init(&k->cur);
  mtm_buf_init(&k->work);
  mtm_buf_reserve(&k->cur, BATCH + 65536);
  mtm_buf_reserve(&k->work, BATCH + 65536);
  pthread_mutex_init(&k->mu, NULL);
  pthread_cond_init(&k->cv, NULL);
  if (pthread_create(&k->th, NULL, writer, k) != 0) {
    fputs("mtm: cannot start a thread\n", stderr);
    abort();
  }
  return k;
}

/* Hands the current batch to the writer (waiting for it to finish the
 * previous one); with wait, also waits for this one. */
static int hand(ing_sink *k, int wait, mtm_err *err) {
  pthread_mutex_lock(&k->mu);
  while (k->has_work) pthread_cond_wait(&k->cv, &k->mu);
  if (k->cur.n && !k->failed) {
    mtm_buf t = k->work;
    k->work = k->cur;
    k->cur = t;
    k->has_work = 1;
    pthread_cond_broadcast(&k->cv);
  }
  mtm_buf_reset(&k->cur);
  if (wait)
    while (k->has_work) pthread_cond_wait(&k->cv, &k->mu);
  int rc = k->failed;
  if (rc && err) *err = k->err;
  pthread_mutex_unlock(&k->mu);
  return rc;
}

int ing_sink_drain(ing_sink *k, mtm_err *err) { return hand(k, 1, err); }

static int maybe_hand(ing_sink *k, mtm_err *err) {
  return k->cur.n >= BATCH ? hand(k, 0, err) : 0;
}

int ing_sink_submission(ing_sink *k, int64_t id, int64_t import, long row, const char *uuid,
                        const char *version, const char *submitted_at, const mtm_buf *raw,
                        const mtm_buf *data, mtm_err *err) {
  mtm_buf *b = &k->cur;
  mtm_buf_addc(b, OP_SUBMISSION);
  put_i64(b, id);
  put_i64(b, import);
  put_i64(b, row);
  put_str(b, uuid);
  put_str(b, version);
  put_str(b, submitted_at);
  put_bytes(b, raw->p ? raw->p : "", raw->n);
  put_bytes(b, data->p ? data->p : "", data->n);
  return maybe_hand(k, err);
}

int ing_sink_repeat(ing_sink *k, int64_t sub, const char *repeat, int position, const mtm_buf *raw,
                    const mtm_buf *data, mtm_err *err) {
  mtm_buf *b = &k->cur;
  mtm_buf_addc(b, OP_REPEAT);
  put_i64(b, sub);
  put_i64(b, position);
  put_str(b, repeat);
  put_bytes(b, raw ? (raw->p ? raw->p : "") : NULL, raw ? raw->n : 0);
  put_bytes(b, data->p ? data->p : "", data->n);
  return maybe_hand(k, err);
}

int ing_sink_issue(ing_sink *k, int64_t sub, const char *question, const char *value,
                   const char *rule, const char *message, mtm_err *err) {
  mtm_buf *b = &k->cur;
  mtm_buf_addc(b, OP_ISSUE);
  put_i64(b, sub);
  put_str(b, question ? question : "");
  put_str(b, value);
  put_str(b, rule);
  put_str(b, message ? message : "");
  return maybe_hand(k, err);
}

void ing_sink_stop(ing_sink *k) {
  if (!k) return;
  pthread_mutex_lock(&k->mu);
  k->stop = 1;
  pthread_cond_broadcast(&k->cv);
  pthread_mutex_unlock(&k->mu);
  pthread_join(k->th, NULL);
  pthread_mutex_destroy(&k->mu);
  pthread_cond_destroy(&k->cv);
  mtm_buf_free(&k->cur);
  mtm_buf_free(&k->work);
  free(k);
}

/* ---- the checksums -------------------------------------------------------- */

struct ing_sha {
  pthread_t th;
  const char *const *paths;
  int n;
  char (*hex)[65];
  int rc;
  mtm_err err;
};

/* Hashes the files one after the other; stops at the first it cannot read. */
static void *sha_run(void *arg) {
  ing_sha *h = arg;
  pthread_setname_np(pthread_self(), "mtm-checksum");
  unsigned char *buf = mtm_xmalloc(1 << 20);
  for (int i = 0; i < h->n && !h->rc; i++) {
    FILE *f = fopen(h->paths[i], "rb");
    if (!f) {
      mtm_err_where(&h->err, h->paths[i], NULL, 0, NULL, NULL);
      h->rc = mtm_err_set(&h->err, MTM_EIO, "cannot open the file again to compute its checksum");
      break;
    }
    crypto_generichash_state s;
    crypto_generichash_init(&s, NULL, 0, 32);
    size_t n;
    while ((n = fread(buf, 1, 1 << 20, f)) > 0) crypto_generichash_update(&s, buf, n);
    if (ferror(f)) {
      mtm_err_where(&h->err, h->paths[i], NULL, 0, NULL, NULL);
      h->rc = mtm_err_set(&h->err, MTM_EIO, "cannot read the file to compute its checksum");
    }
    fclose(f);
    unsigned char d[32];
    crypto_generichash_final(&s, d, 32);
    sodium_bin2hex(h->hex[i], 65, d, sizeof d);
  }
  free(buf);
  return NULL;
}

ing_sha *ing_sha_start(const char *const *paths, int n) {
  ing_sha *h = mtm_xcalloc(1, sizeof *h);
  h->paths = paths;
  h->n = n;
  h->hex = mtm_xcalloc((size_t)(n ? n : 1), sizeof *h->hex);
  if (pthread_create(&h->th, NULL, sha_run, h) != 0) {
    fputs("mtm: cannot start a thread\n", stderr);
    abort();
  }
  return h;
}

int ing_sha_finish(ing_sha *h, mtm_arena *a, char ***hex, mtm_err *err) {
  if (!h) return 0;
  pthread_join(h->th, NULL);
  int rc = h->rc;
  if (rc && err) *err = h->err;
  if (hex) {
    *hex = mtm_arena_alloc(a, sizeof(char *) * (size_t)(h->n ? h->n : 1));
    for (int i = 0; i < h->n; i++) (*hex)[i] = mtm_arena_strdup(a, h->hex[i]);
  }
  free(h->hex);
  free(h);
  return rc;
}
