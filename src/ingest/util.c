/* Small tools of the ingest module: a string hash map and number text. */
#include "ingest/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Sets up an empty map sized for about hint keys. */
void ing_map_init(ing_map *m, mtm_arena *a, size_t hint) {
  size_t cap = 16;
  while (cap < hint * 2) cap <<= 1;
  m->cap = cap;
  m->n = 0;
  m->a = a;
  m->keys = mtm_arena_zalloc(a, sizeof *m->keys * cap);
  m->lens = mtm_arena_alloc(a, sizeof *m->lens * cap);
  m->vals = mtm_arena_alloc(a, sizeof *m->vals * cap);
}

/* Finds the slot of key: its own, or the empty one where it would go. */
static size_t slot(const ing_map *m, const char *key, size_t n) {
  size_t i = (size_t)mtm_hash(key, n, 0) & (m->cap - 1);
  while (m->keys[i] && !(m->lens[i] == n && memcmp(m->keys[i], key, n) == 0))
    i = (i + 1) & (m->cap - 1);
  return i;
}

/* Doubles the table when it is more than half full. */
static void grow(ing_map *m) {
  if ((m->n + 1) * 2 <= m->cap) return;
  ing_map old = *m;
  m->cap *= 2;
  m->keys = mtm_arena_zalloc(m->a, sizeof *m->keys * m->cap);
  m->lens = mtm_arena_alloc(m->a, sizeof *m->lens * m->cap);
  m->vals = mtm_arena_alloc(m->a, sizeof *m->vals * m->cap);
  for (size_t i = 0; i < old.cap; i++)
    if (old.keys[i]) {
      size_t k = slot(m, old.keys[i], old.lens[i]);
      m->keys[k] = old.keys[i];
      m->lens[k] = old.lens[i];
      m->vals[k] = old.vals[i];
    }
}

int ing_map_put(ing_map *m, const char *key, size_t n, int v) {
  grow(m);
  size_t i = slot(m, key, n);
  if (m->keys[i]) return m->vals[i];
  m->keys[i] = mtm_arena_strndup(m->a, key, n);
  m->lens[i] = n;
  m->vals[i] = v;
  m->n++;
  return v;
}

void ing_map_set(ing_map *m, const char *key, size_t n, int v) {
  grow(m);
  size_t i = slot(m, key, n);
  if (!m->keys[i]) {
    m->keys[i] = mtm_arena_strndup(m->a, key, n);
    m->lens[i] = n;
    m->n++;
  }
  m->vals[i] = v;
}

int ing_map_get(const ing_map *m, const char *key, size_t n, int dflt) {
  if (!m->cap) return dflt;
  size_t i = slot(m, key, n);
  return m->keys[i] ? m->vals[i] : dflt;
}

/* %.15g is the shortest text for every double whose shortest form has at
 * most 15 digits; the rest need 16 or 17. */
void ing_shortest(double v, char out[32]) {
  if (v == 0) {
    strcpy(out, "0");
    return;
  }
  for (int p = 15; p <= 17; p++) {
    snprintf(out, 32, "%.*g", p, v);
    if (strtod(out, NULL) == v) return;
  }
}
