/* Unit tests of the columnar frame on a workspace built through the real
 * form add, import and cleaning: codes (a value not in the list of the
 * latest version), bitsets (the other-values bit), missing masks, two
 * versions, a calculate that is or is not numeric, removed submissions, the
 * cache (built by the import, patched after cleaning, dropped by an import
 * into the round, rebuilt; always the same as a decode without it) and
 * the column choice. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "clean/clean.h"
#include "frame/frame.h"
#include "ingest/ingest.h"

#define DB "build/test_frame.db"
#define FX "tests/fixtures/frame/"

/* Adds a form version from a fixture. */
static void add_form(mtm_store *st, const char *path) {
  mtm_err e;
  mtm_err_clear(&e);
  mtm_buf bytes;
  mtm_buf_init(&bytes);
  mtm_form *f;
  assert_int_equal(mtm_form_read_file(path, &bytes, &f, &e), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  int what;
  assert_int_equal(mtm_store_form_add(st, f->form_id, "survey", f->title, f->version, path, "md",
                                      bytes.p, bytes.n, mtm_form_fields_json(f, &a), &what, &e),
                   0);
  mtm_arena_free(&a);
  mtm_form_free(f);
  mtm_buf_free(&bytes);
}

/* Imports files into form frame, round 1. */
static void import(mtm_store *st, int n, const char *const *files) {
  mtm_err e;
  mtm_err_clear(&e);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_import_opts o = {.form_id = "frame", .round = 1, .who = "test", .nfiles = n, .files = files};
  mtm_import_report rep;
  int rc = mtm_ingest_import(st, &o, &a, &rep, &e);
  if (rc) fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, 0);
  mtm_arena_free(&a);
}

/* A workspace with both versions and the four submissions of round 1. */
static mtm_store *workspace(void) {
  unlink(DB);
  unlink(DB "-wal");
  unlink(DB "-shm");
  mtm_store *st;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_store_open(&st, DB, 1, &e), 0);
  add_form(st, FX "frame_v1.md");
  add_form(st, FX "frame_v2.md");
  import(st, 2, (const char *const[]){FX "round1_v1.csv", FX "round1_v2.csv"});
  return st;
}

static mtm_frame *load(mtm_store *st, const mtm_frame_opts *o) {
  mtm_err e;
  mtm_err_clear(&e);
  mtm_frame *f;
  int rc = mtm_frame_load(st, "frame", 1, o, &f, &e);
  if (rc) fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, 0);
  return f;
}

static long cached(mtm_store *st) {
  mtm_err e;
  mtm_err_clear(&e);
  long n;
  assert_int_equal(mtm_store_frame_cache_count(st, 1, 1, &n, &e), 0);
  return n;
}

/* Checks the frame of the four imported submissions. */
static void check_four(const mtm_frame *f) {
  assert_int_equal(f->nrows, 4);
  assert_string_equal(mtm_frame_uuid(f, 0), "u1");
  assert_string_equal(mtm_frame_uuid(f, 3), "u4");
  assert_true(f->ids[0] < f->ids[1] && f->ids[2] < f->ids[3]);
  /* Latest version's fields first, then old_q; text (start, comment) and
   * the non-numeric calculate left out. */
  const char *names[] = {"sex", "age", "langs", "income", "arrived", "work", "calc", "old_q"};
  assert_int_equal(f->ncols, 8);
  for (int i = 0; i < 8; i++) assert_string_equal(f->cols[i].name, names[i]);
  assert_null(mtm_frame_col_find(f, "comment"));
  assert_null(mtm_frame_col_find(f, "start"));
  assert_null(mtm_frame_col_find(f, "label_c"));

  const mtm_frame_col *sex = mtm_frame_col_find(f, "sex");
  assert_int_equal(sex->kind, MTM_FRAME_CODES);
  assert_int_equal(sex->nlist, 2);   /* v2: female, male */
  assert_int_equal(sex->nlevels, 3); /* "other", only in v1's list */
  assert_string_equal(sex->levels[2], "other");
  assert_int_equal(sex->codes[0], 0);
  assert_int_equal(sex->codes[1], 2);
  assert_int_equal(sex->codes[2], 1);
  assert_int_equal(sex->codes[3], 0);

  const mtm_frame_col *work = mtm_frame_col_find(f, "work"); /* only v2 asks it */
  assert_int_equal(work->codes[0], MTM_FRAME_MISSING);
  assert_int_equal(work->codes[1], MTM_FRAME_MISSING);
  assert_true(mtm_frame_is_missing(work, 0) && mtm_frame_is_missing(work, 1));
  assert_int_equal(work->codes[2], 0);
  assert_int_equal(work->codes[3], 1);

  const mtm_frame_col *langs = mtm_frame_col_find(f, "langs");
  assert_int_equal(langs->kind, MTM_FRAME_BITS);
  assert_int_equal(langs->nlist, 3); /* russian kazakh english */
  assert_int_equal(langs->words, 1);
  assert_int_equal(langs->bits[0], 1 | 8); /* russian + other (uzbek) */
  assert_string_equal(mtm_frame_text(langs, 0), "uzbek");
  assert_true(mtm_frame_is_missing(langs, 1));
  assert_int_equal(langs->bits[1], 0);
  assert_int_equal(langs->bits[2], 2 | 4); /* kazakh english */
  assert_string_equal(mtm_frame_text(langs, 2), "");
  assert_int_equal(langs->bits[3], 1);

  const mtm_frame_col *age = mtm_frame_col_find(f, "age");
  assert_int_equal(age->kind, MTM_FRAME_NUM);
  assert_true(age->num[0] == 30 && age->num[2] == 41 && age->num[3] == 25);
  assert_true(isnan(age->num[1]) && mtm_frame_is_missing(age, 1));
  assert_false(mtm_frame_is_missing(age, 0));
  const mtm_frame_col *inc = mtm_frame_col_find(f, "income");
  assert_true(inc->num[0] == 1500.5 && inc->num[1] == 200 && inc->num[3] == 10);
  assert_true(mtm_frame_is_missing(inc, 2));
  const mtm_frame_col *arr = mtm_frame_col_find(f, "arrived");
  assert_true(arr->num[0] == 19737); /* 2024-01-15 */
  assert_true(arr->num[3] == 19782); /* 2024-02-29 */
  const mtm_frame_col *old = mtm_frame_col_find(f, "old_q"); /* only v1 */
  assert_true(old->num[0] == 7);
  assert_true(mtm_frame_is_missing(old, 1) && mtm_frame_is_missing(old, 2) &&
              mtm_frame_is_missing(old, 3));
  const mtm_frame_col *calc = mtm_frame_col_find(f, "calc");
  assert_int_equal(calc->kind, MTM_FRAME_NUM);
  assert_true(calc->num[2] == 82);

  mtm_arena a;
  mtm_arena_init(&a);
  assert_string_equal(mtm_frame_value(sex, 1, &a), "other");
  assert_string_equal(mtm_frame_value(langs, 0, &a), "russian uzbek");
  assert_string_equal(mtm_frame_value(arr, 0, &a), "2024-01-15");
  assert_string_equal(mtm_frame_value(inc, 0, &a), "1500.5");
  assert_null(mtm_frame_value(age, 1, &a));
  mtm_arena_free(&a);
}

/* Two frames hold the same rows and columns: ids, uuids, levels, codes,
 * numbers, bits and missing masks byte for byte, text by value. */
static void assert_same(const mtm_frame *x, const mtm_frame *y) {
  assert_int_equal(x->nrows, y->nrows);
  assert_int_equal(x->ncols, y->ncols);
  long n = x->nrows;
  assert_memory_equal(x->ids, y->ids, sizeof *x->ids * (size_t)(n ? n : 1));
  for (long r = 0; r < n; r++) assert_string_equal(mtm_frame_uuid(x, r), mtm_frame_uuid(y, r));
  for (int i = 0; i < x->ncols; i++) {
    const mtm_frame_col *a = &x->cols[i], *b = &y->cols[i];
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->nlist, b->nlist);
    assert_int_equal(a->nlevels, b->nlevels);
    int nl = a->kind == MTM_FRAME_CODES ? a->nlevels : a->kind == MTM_FRAME_BITS ? a->nlist : 0;
    for (int l = 0; l < nl; l++) assert_string_equal(a->levels[l], b->levels[l]);
    for (long r = 0; r < n; r++) assert_int_equal(mtm_frame_is_missing(a, r), mtm_frame_is_missing(b, r));
    if (a->kind == MTM_FRAME_CODES) assert_memory_equal(a->codes, b->codes, sizeof *a->codes * (size_t)n);
    if (a->kind == MTM_FRAME_NUM) assert_memory_equal(a->num, b->num, sizeof *a->num * (size_t)n);
    if (a->kind == MTM_FRAME_BITS)
      assert_memory_equal(a->bits, b->bits, sizeof *a->bits * (size_t)(n * a->words));
    if (a->kind == MTM_FRAME_BITS || a->kind == MTM_FRAME_TEXT)
      for (long r = 0; r < n; r++) {
        const char *ta = mtm_frame_text(a, r), *tb = mtm_frame_text(b, r);
        assert_true((ta == NULL) == (tb == NULL));
        if (ta) assert_string_equal(ta, tb);
      }
  }
}

/* Applies a cleaning log fixture. */
static void clean(mtm_store *st, const char *path) {
  mtm_err e;
  mtm_err_clear(&e);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_clean_log log;
  assert_int_equal(mtm_clean_read(path, &a, &log, &e), 0);
  mtm_clean_opts co = {0};
  co.round = -1;
  mtm_clean_report rep;
  int rc = mtm_clean_apply(st, &log, &co, &a, &rep, &e);
  if (rc) fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, 0);
  mtm_arena_free(&a);
}

/* Loads with o and without the cache, and checks both are the same. */
static mtm_frame *load_checked(mtm_store *st, const mtm_frame_opts *o) {
  mtm_frame *f = load(st, o);
  mtm_frame_opts n = o ? *o : (mtm_frame_opts){0};
  n.no_cache = 1;
  mtm_frame *g = load(st, &n);
  assert_int_equal(g->from_cache, 0);
  assert_same(f, g);
  mtm_frame_free(g);
  return f;
}

static void import_builds_the_cache(void **state) {
  (void)state;
  mtm_store *st = workspace();
  /* The import into an empty round wrote the columns. */
  assert_int_equal(cached(st), 10);
  mtm_frame *f = load_checked(st, NULL);
  assert_int_equal(f->from_cache, 1);
  assert_int_equal(f->patched, 0);
  check_four(f);
  mtm_frame_free(f);
  mtm_store_close(st);
}

static void cleaning_patches_the_cache(void **state) {
  (void)state;
  mtm_store *st = workspace();
  /* A text column asked once is cached with the default ones. */
  mtm_frame_opts o = {0};
  o.columns = (const char *const[]){"langs", "income", "comment"};
  o.ncolumns = 3;
  mtm_frame *f = load(st, &o);
  assert_int_equal(f->from_cache, 0);
  mtm_frame_free(f);
  assert_int_equal(cached(st), 11);
  /* u1's age changed, u4 removed: the cache stays, the load patches it. */
  clean(st, FX "clean_log.csv");
  assert_int_equal(cached(st), 11);
  f = load_checked(st, NULL);
  assert_int_equal(f->from_cache, 1);
  assert_int_equal(f->patched, 2);
  assert_int_equal(f->nrows, 3);
  assert_string_equal(mtm_frame_uuid(f, 2), "u3");
  assert_true(mtm_frame_col_find(f, "age")->num[0] == 31);
  assert_true(mtm_frame_col_find(f, "age")->num[2] == 41);
  assert_int_equal(mtm_frame_col_find(f, "sex")->codes[2], 1);
  mtm_frame_free(f);
  /* Bits losing their other value, a number, a text. */
  clean(st, FX "clean_log2.csv");
  f = load_checked(st, &o);
  assert_int_equal(f->from_cache, 1);
  assert_int_equal(f->patched, 4); /* u1 u2 u3 changed, u4 dropped */
  const mtm_frame_col *langs = mtm_frame_col_find(f, "langs");
  assert_int_equal(langs->bits[0], 1 | 2);
  assert_string_equal(mtm_frame_text(langs, 0), "");
  assert_true(mtm_frame_col_find(f, "income")->num[1] == 250);
  assert_string_equal(mtm_frame_text(mtm_frame_col_find(f, "comment"), 2), "y z");
  assert_string_equal(mtm_frame_text(mtm_frame_col_find(f, "comment"), 0), "hello, world");
  mtm_frame_free(f);
  mtm_store_close(st);
}

/* Numbers the compact cache cannot hold as int32 (beyond its range, not
 * whole) come back exactly, from the cache the import built and from a
 * decode; dates before 1970 are negative days. */
static void numbers_beyond_int32(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_err e;
  mtm_err_clear(&e);
  mtm_arena a;
  mtm_arena_init(&a);
  const char *files[] = {FX "round2_edge.csv"};
  mtm_import_opts o = {.form_id = "frame", .round = 2, .who = "test", .nfiles = 1, .files = files};
  mtm_import_report rep;
  assert_int_equal(mtm_ingest_import(st, &o, &a, &rep, &e), 0);
  mtm_arena_free(&a);
  for (int pass = 0; pass < 2; pass++) {
    mtm_frame_opts fo = {0};
    fo.no_cache = pass;
    mtm_frame *f;
    assert_int_equal(mtm_frame_load(st, "frame", 2, &fo, &f, &e), 0);
    assert_int_equal(f->from_cache, !pass);
    assert_int_equal(f->nrows, 3);
    const mtm_frame_col *age = mtm_frame_col_find(f, "age");
    assert_true(age->num[0] == 3000000000.0 && age->num[1] == -7 && age->num[2] == 0);
    const mtm_frame_col *inc = mtm_frame_col_find(f, "income");
    assert_true(inc->num[0] == 2.25 && inc->num[1] == 1e20 && inc->num[2] == -3);
    const mtm_frame_col *calc = mtm_frame_col_find(f, "calc");
    assert_int_equal(calc->kind, MTM_FRAME_NUM);
    assert_true(calc->num[0] == 6000000000.0 && calc->num[1] == -14);
    const mtm_frame_col *arr = mtm_frame_col_find(f, "arrived");
    assert_true(arr->num[0] == -1 && arr->num[1] == 19723);
    assert_true(isnan(arr->num[2]) && mtm_frame_is_missing(arr, 2));
    assert_true(mtm_frame_is_missing(mtm_frame_col_find(f, "work"), 2));
    mtm_frame_free(f);
  }
  mtm_store_close(st);
}

static void decodes_and_caches(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_store_frame_cache_clear(st, 1, 1, &e), 0);
  assert_int_equal(cached(st), 0);
  mtm_frame *f = load(st, NULL);
  assert_int_equal(f->from_cache, 0);
  check_four(f);
  mtm_frame_free(f);
  assert_int_equal(cached(st), 10); /* the rows, 8 columns and label_c, a calculate found to be text */
  f = load(st, NULL);
  assert_int_equal(f->from_cache, 1);
  check_four(f);
  mtm_frame_free(f);
  /* Without the cache: the same. */
  mtm_frame_opts o = {0};
  o.no_cache = 1;
  f = load(st, &o);
  assert_int_equal(f->from_cache, 0);
  check_four(f);
  mtm_frame_free(f);
  mtm_store_close(st);
}

static void text_columns_on_request(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_frame_opts o = {0};
  o.columns = (const char *const[]){"label_c", "comment", "sex"};
  o.ncolumns = 3;
  for (int pass = 0; pass < 2; pass++) {
    mtm_frame *f = load(st, &o);
    assert_int_equal(f->from_cache, pass);
    assert_int_equal(f->ncols, 3);
    const mtm_frame_col *c = mtm_frame_col_find(f, "comment");
    assert_int_equal(c->kind, MTM_FRAME_TEXT);
    assert_string_equal(mtm_frame_text(c, 0), "hello, world");
    assert_true(mtm_frame_is_missing(c, 1));
    assert_string_equal(mtm_frame_text(c, 2), "x");
    const mtm_frame_col *l = mtm_frame_col_find(f, "label_c");
    assert_int_equal(l->kind, MTM_FRAME_TEXT); /* not every value a number */
    assert_string_equal(mtm_frame_text(l, 1), "other-");
    assert_non_null(mtm_frame_col_find(f, "sex"));
    mtm_frame_free(f);
  }
  mtm_err e;
  mtm_err_clear(&e);
  mtm_frame *f;
  o.columns = (const char *const[]){"nope"};
  o.ncolumns = 1;
  assert_int_equal(mtm_frame_load(st, "frame", 1, &o, &f, &e), MTM_ENOTFOUND);
  assert_string_equal(e.msg, "form 'frame' has no question 'nope' outside repeats");
  mtm_store_close(st);
}

static void import_into_a_round_drops_the_cache(void **state) {
  (void)state;
  mtm_store *st = workspace();
  clean(st, FX "clean_log.csv");
  mtm_frame *f = load_checked(st, NULL);
  assert_int_equal(f->from_cache, 1);
  assert_int_equal(f->nrows, 3); /* u4 removed */
  assert_string_equal(mtm_frame_uuid(f, 2), "u3");
  assert_true(mtm_frame_col_find(f, "age")->num[0] == 31);
  mtm_frame_free(f);
  assert_int_equal(cached(st), 10);
  /* An import into the round drops it too. */
  import(st, 1, (const char *const[]){FX "round1_more.csv"});
  assert_int_equal(cached(st), 0);
  f = load_checked(st, NULL);
  assert_int_equal(f->from_cache, 0);
  assert_int_equal(f->nrows, 4);
  assert_string_equal(mtm_frame_uuid(f, 3), "u5");
  assert_int_equal(mtm_frame_col_find(f, "sex")->codes[3], 1);
  mtm_frame_free(f);
  mtm_store_close(st);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(decodes_and_caches),
      cmocka_unit_test(text_columns_on_request),
      cmocka_unit_test(import_into_a_round_drops_the_cache),
      cmocka_unit_test(import_builds_the_cache),
      cmocka_unit_test(cleaning_patches_the_cache),
      cmocka_unit_test(numbers_beyond_int32),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
