/* JSON exports: KoBo API v2 ({"count", "next", "previous", "results"}) and
 * plain arrays of submissions, read with jansson and handed out as rows. */
#include "ingest/internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mtm_json_export {
  json_t *root;
  json_t *results;
  size_t next;
  int nheaders;
  const char **headers;
  ing_map cols;
  mtm_arena a;
};

int mtm_ingest_json_count(const mtm_json_export *j) { return (int)json_array_size(j->results); }

void mtm_ingest_json_headers(const mtm_json_export *j, int *n, const char *const **headers) {
  *n = j->nheaders;
  *headers = j->headers;
}

void mtm_ingest_json_close(mtm_json_export *j) {
  if (!j) return;
  json_decref(j->root);
  mtm_arena_free(&j->a);
  free(j);
}

/* A repeat is a non-empty array of objects under a key that is not one of
 * KoBo's own ("_attachments" is an array of objects too). */
static int is_group(const char *key, json_t *v) {
  if (key[0] == '_' || !json_is_array(v) || json_array_size(v) == 0) return 0;
  size_t i;
  json_t *e;
  json_array_foreach(v, i, e) if (!json_is_object(e)) return 0;
  return 1;
}

/* The text of a scalar, or the compact JSON of an array or object. */
static mtm_slice text_of(json_t *v, mtm_arena *a) {
  char tmp[40];
  switch (json_typeof(v)) {
  case JSON_STRING: return (mtm_slice){json_string_value(v), json_string_length(v)};
  case JSON_INTEGER: {
    int n = snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return (mtm_slice){mtm_arena_strndup(a, tmp, (size_t)n), (size_t)n};
  }
  case JSON_REAL: {
    ing_shortest(json_real_value(v), tmp);
    return (mtm_slice){mtm_arena_strdup(a, tmp), strlen(tmp)};
  }
  case JSON_TRUE: return MTM_SLICE("true");
  case JSON_FALSE: return MTM_SLICE("false");
  case JSON_NULL: return (mtm_slice){NULL, 0};
  default: {
    char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15));
    mtm_slice r = {mtm_arena_strdup(a, s ? s : ""), s ? strlen(s) : 0};
    free(s);
    return r;
  }
  }
}

static void fill_group(json_t *arr, const char *key, mtm_arena *a, mtm_json_group *g);

/* Reads one repeat instance: its own keys and nested repeats. */
static void fill_rec(json_t *obj, mtm_arena *a, mtm_json_rec *r) {
  size_t n = json_object_size(obj);
  r->n = 0;
  r->ngroups = 0;
  r->keys = mtm_arena_alloc(a, sizeof *r->keys * (n ? n : 1));
  r->vals = mtm_arena_alloc(a, sizeof *r->vals * (n ? n : 1));
  r->groups = mtm_arena_alloc(a, sizeof *r->groups * (n ? n : 1));
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    if (is_group(key, v)) fill_group(v, key, a, &r->groups[r->ngroups++]);
    r->keys[r->n] = key;
    r->vals[r->n++] = text_of(v, a);
  }
}

static void fill_group(json_t *arr, const char *key, mtm_arena *a, mtm_json_group *g) {
  g->key = key;
  g->n = (int)json_array_size(arr);
  g->items = mtm_arena_alloc(a, sizeof *g->items * (size_t)(g->n ? g->n : 1));
  for (int i = 0; i < g->n; i++) fill_rec(json_array_get(arr, (size_t)i), a, &g->items[i]);
}

int mtm_ingest_json_open(const char *path, mtm_json_export **out, mtm_err *err) {
  *out = NULL;
  json_error_t je;
  json_t *root = json_load_file(path, 0, &je);
  mtm_err_where(err, path, NULL, 0, NULL, NULL);
  if (!root) {
    if (je.line <= 0 && je.position <= 0)
      return mtm_err_set(err, MTM_EIO, "cannot read the file: %s", je.text);
    const char *bad = strstr(je.text, "unable to decode byte ");
    if (bad) {
      char byte[8] = {0};
      sscanf(bad + 22, "%7s", byte);
      return mtm_err_set(err, MTM_EINVAL,
                         "line %d, column %d: this is not UTF-8 text (byte %s); save the file "
                         "as UTF-8",
                         je.line, je.column, byte);
    }
    return mtm_err_set(err, MTM_EINVAL, "line %d, column %d: this is not valid JSON: %s",
                       je.line, je.column, je.text);
  }
  json_t *results = root;
  if (json_is_object(root)) {
    results = json_object_get(root, "results");
    if (!json_is_array(results)) {
      json_decref(root);
      return mtm_err_set(err, MTM_EINVAL,
                         "this JSON object has no \"results\" list: it is not a KoBo API "
                         "export (expected {\"count\", \"next\", \"previous\", \"results\"} "
                         "or a list of submissions)");
    }
  } else if (!json_is_array(root)) {
    json_decref(root);
    return mtm_err_set(err, MTM_EINVAL, "this JSON is neither a list of submissions nor a KoBo "
                                        "API export");
  }
  mtm_json_export *j = mtm_xcalloc(1, sizeof *j);
  j->root = root;
  j->results = results;
  mtm_arena_init(&j->a);
  ing_map_init(&j->cols, &j->a, 64);
  int cap = 64;
  j->headers = mtm_arena_alloc(&j->a, sizeof *j->headers * (size_t)cap);
  size_t i;
  json_t *obj;
  json_array_foreach(results, i, obj) {
    if (!json_is_object(obj)) {
      mtm_ingest_json_close(j);
      mtm_err_row_word(err, "submission");
      mtm_err_where(err, path, NULL, (long)i + 1, NULL, NULL);
      return mtm_err_set(err, MTM_EINVAL, "this submission is not a JSON object");
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
      size_t n = strlen(key);
      if (ing_map_get(&j->cols, key, n, -1) >= 0) continue;
      if (j->nheaders == cap) {
        const char **g = mtm_arena_alloc(&j->a, sizeof *g * (size_t)cap * 2);
        memcpy(g, j->headers, sizeof *g * (size_t)cap);
        j->headers = g;
        cap *= 2;
      }
      ing_map_put(&j->cols, key, n, j->nheaders);
      j->headers[j->nheaders++] = mtm_arena_strdup(&j->a, key);
    }
  }
  mtm_err_clear(err);
  *out = j;
  return 0;
}

int mtm_ingest_json_next(mtm_json_export *j, mtm_arena *a, mtm_json_rec *rec, mtm_err *err) {
  (void)err;
  if (j->next >= json_array_size(j->results)) return 0;
  json_t *obj = json_array_get(j->results, j->next++);
  int n = j->nheaders;
  rec->n = n;
  rec->keys = j->headers;
  rec->vals = mtm_arena_zalloc(a, sizeof *rec->vals * (size_t)(n ? n : 1));
  size_t no = json_object_size(obj);
  rec->groups = mtm_arena_alloc(a, sizeof *rec->groups * (no ? no : 1));
  rec->ngroups = 0;
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    int c = ing_map_get(&j->cols, key, strlen(key), -1);
    if (c < 0) continue;
    rec->vals[c] = text_of(v, a);
    if (is_group(key, v)) fill_group(v, j->headers[c], a, &rec->groups[rec->ngroups++]);
  }
  return 1;
}
