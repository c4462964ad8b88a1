/* The record codec: rows of optional strings in one blob. */
#include "core/core.h"

#include <string.h>

static void put_varint(mtm_buf *b, uint64_t v) {
  unsigned char tmp[10];
  int k = 0;
  do {
    unsigned char c = v & 0x7f;
    v >>= 7;
    tmp[k++] = (unsigned char)(c | (v ? 0x80 : 0));
  } while (v);
  mtm_buf_add(b, tmp, (size_t)k);
}

void mtm_record_add(mtm_buf *b, const char *v, size_t n) {
  if (!v) {
    put_varint(b, 0);
    return;
  }
  put_varint(b, (uint64_t)n + 1);
  mtm_buf_add(b, v, n);
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end) return -1;
    unsigned char c = *(*p)++;
    r |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) {
      *v = r;
      return 0;
    }
  }
  return -1;
}

int mtm_record_decode(const void *blob, size_t len, mtm_arena *a, char ***out) {
  const unsigned char *p = blob, *end = p + len;
  /* First pass: count, and check the blob is whole. */
  int n = 0;
  for (const unsigned char *q = p; q < end; n++) {
    uint64_t v;
    if (get_varint(&q, end, &v)) return MTM_EINVAL;
    if (v && (uint64_t)(end - q) < v - 1) return MTM_EINVAL;
    if (v) q += v - 1;
  }
  char **r = mtm_arena_alloc(a, sizeof *r * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    uint64_t v = 0;
    get_varint(&p, end, &v);
    if (!v) {
      r[i] = NULL;
      continue;
    }
    r[i] = mtm_arena_strndup(a, (const char *)p, (size_t)(v - 1));
    p += v - 1;
  }
  *out = r;
  return n;
}
