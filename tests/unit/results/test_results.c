/* Unit tests of src/results on a workspace built through the real form add
 * and import (tests/fixtures/analyse): which survey form is analysed when
 * none is named, the report's breakdowns (by sex: the fixture has no
 * nationality question) and a given --by winning over them, a language
 * the form lacks (refused, or the default labels with lang_optional), and
 * the public rule over the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ingest/ingest.h"
#include "results/results.h"

#define DB "build/test_results.db"
#define FX "tests/fixtures/analyse/"

/* Adds the form of the md file at path as kind, with form_id id. */
static void add_form(mtm_store *st, const char *path, const char *id, const char *kind) {
  mtm_err e;
  mtm_err_clear(&e);
  mtm_buf bytes;
  mtm_buf_init(&bytes);
  mtm_form *f;
  assert_int_equal(mtm_form_read_file(path, &bytes, &f, &e), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  int what;
  assert_int_equal(mtm_store_form_add(st, id, kind, f->title, f->version, path, "md", bytes.p, bytes.n,
                                      mtm_form_fields_json(f, &a), &what, &e),
                   0);
  mtm_form_free(f);
  mtm_buf_free(&bytes);
  mtm_arena_free(&a);
}

/* An empty workspace. */
static mtm_store *empty(void) {
  unlink(DB);
  unlink(DB "-wal");
  unlink(DB "-shm");
  mtm_store *st;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_store_open(&st, DB, 1, &e), 0);
  return st;
}

/* A workspace with survey form an and its round 1 (data_names.csv). */
static mtm_store *workspace(void) {
  mtm_store *st = empty();
  add_form(st, FX "survey.md", "an", "survey");
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_err e;
  mtm_err_clear(&e);
  const char *files[] = {FX "data_names.csv"};
  mtm_import_opts o = {.form_id = "an", .round = 1, .who = "test", .nfiles = 1, .files = files};
  mtm_import_report rep;
  int rc = mtm_ingest_import(st, &o, &a, &rep, &e);
  if (rc) fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, 0);
  mtm_arena_free(&a);
  return st;
}

static void the_one_survey_form(void **state) {
  (void)state;
  mtm_store *st = empty();
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_err e;
  mtm_err_clear(&e);
  const char *form = NULL;
  assert_int_equal(mtm_results_form(st, NULL, &a, &form, &e), MTM_ENOTFOUND);
  assert_non_null(strstr(e.msg, "no survey form"));
  add_form(st, FX "survey.md", "base", "baseline");
  mtm_err_clear(&e);
  assert_int_equal(mtm_results_form(st, NULL, &a, &form, &e), MTM_ENOTFOUND);
  mtm_err_clear(&e);
  assert_int_equal(mtm_results_form(st, "base", &a, &form, &e), MTM_EINVAL);
  assert_non_null(strstr(e.msg, "is a baseline form"));
  add_form(st, FX "survey.md", "an", "survey");
  mtm_err_clear(&e);
  assert_int_equal(mtm_results_form(st, NULL, &a, &form, &e), 0);
  assert_string_equal(form, "an");
  mtm_err_clear(&e);
  assert_int_equal(mtm_results_form(st, "nope", &a, &form, &e), MTM_ENOTFOUND);
  add_form(st, FX "survey.md", "an2", "survey");
  mtm_err_clear(&e);
  assert_int_equal(mtm_results_form(st, NULL, &a, &form, &e), MTM_EINVAL);
  assert_non_null(strstr(e.msg, "2 survey forms (an, an2)"));
  mtm_err_clear(&e);
  assert_int_equal(mtm_results_form(st, "an2", &a, &form, &e), 0);
  assert_string_equal(form, "an2");
  mtm_arena_free(&a);
  mtm_store_close(st);
}

/* The number of rows of r grouped by g (NULL: overall), and of rows grouped
 * by anything else into *other. */
static size_t grouped(const mtm_results *r, const char *g, size_t *other) {
  size_t n = 0;
  *other = 0;
  for (size_t i = 0; i < r->res.n; i++) {
    const char *gv = r->res.rows[i].group_var;
    if (g ? gv && !strcmp(gv, g) : !gv) n++;
    else if (gv && (!g || strcmp(gv, g))) (*other)++;
  }
  return n;
}

static void the_reports_breakdowns(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_err e;
  mtm_err_clear(&e);
  mtm_results_opts o;
  mtm_results_opts_init(&o);
  o.form_id = "an";
  o.round = 1;
  mtm_results plain, report, region;
  assert_int_equal(mtm_results_run(st, &o, &a, &plain, &e), 0);
  o.by_report = 1;
  assert_int_equal(mtm_results_run(st, &o, &a, &report, &e), 0);
  o.by = "region";
  assert_int_equal(mtm_results_run(st, &o, &a, &region, &e), 0);
  size_t other;
  /* analyse's default: overall only */
  assert_true(grouped(&plain, NULL, &other) > 0);
  assert_int_equal(other, 0);
  /* the report's: overall, then by sex and by nothing else */
  assert_int_equal(grouped(&report, NULL, &other), grouped(&plain, NULL, &other));
  assert_true(grouped(&report, "sex", &other) > 0);
  assert_int_equal(grouped(&report, NULL, &other) + grouped(&report, "sex", &other), report.res.n);
  /* --by wins */
  assert_int_equal(grouped(&region, "sex", &other), 0);
  assert_true(grouped(&region, "region", &other) > 0);
  assert_int_equal(plain.x.ncols, 0);
  mtm_results_free(&plain);
  mtm_results_free(&report);
  mtm_results_free(&region);
  mtm_results_free(&region); /* twice: a no-op */
  mtm_results_free(NULL);
  mtm_arena_free(&a);
  mtm_store_close(st);
}

static void a_language_the_form_lacks(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_err e;
  mtm_err_clear(&e);
  mtm_results_opts o;
  mtm_results_opts_init(&o);
  o.form_id = "an";
  o.round = 1;
  o.lang = "kk";
  mtm_results r;
  assert_int_equal(mtm_results_run(st, &o, &a, &r, &e), MTM_EINVAL);
  assert_int_equal(r.bad_lang, 1);
  assert_string_equal(e.msg, "form 'an' has no language 'kk'");
  mtm_results_free(&r);
  o.lang_optional = 1;
  mtm_err_clear(&e);
  assert_int_equal(mtm_results_run(st, &o, &a, &r, &e), 0);
  assert_int_equal(r.bad_lang, 0);
  assert_string_equal(r.res.rows[0].var_label, "Region");
  mtm_results_free(&r);
  o.lang = "ru";
  assert_int_equal(mtm_results_run(st, &o, &a, &r, &e), 0);
  assert_string_equal(r.res.rows[0].var_label, "\xd0\xa0\xd0\xb5\xd0\xb3\xd0\xb8\xd0\xbe\xd0\xbd");
  mtm_results_free(&r);
  mtm_arena_free(&a);
  mtm_store_close(st);
}

static void the_public_rule(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_err e;
  mtm_err_clear(&e);
  mtm_results_opts o;
  mtm_results_opts_init(&o);
  o.form_id = "an";
  o.round = 1;
  o.by = "region*sex";
  o.public_ = 1;
  o.rule.k = 1000000; /* every base is under K: every figure hidden */
  mtm_results r;
  assert_int_equal(mtm_results_run(st, &o, &a, &r, &e), 0);
  assert_int_equal(r.x.ncols, 1);
  assert_string_equal(r.x.names[0], "suppressed");
  for (size_t i = 0; i < r.res.n; i++) {
    assert_true(r.res.rows[i].e.est != r.res.rows[i].e.est); /* NaN */
    assert_non_null(r.x.vals[i]);
  }
  mtm_results_free(&r);
  mtm_arena_free(&a);
  mtm_store_close(st);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_one_survey_form),
      cmocka_unit_test(the_reports_breakdowns),
      cmocka_unit_test(a_language_the_form_lacks),
      cmocka_unit_test(the_public_rule),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
