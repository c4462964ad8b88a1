/* Unit tests of repeat frames on a workspace built through the real form
 * add, import (a KoBo XLSX with a repeat sheet) and cleaning: a row per
 * instance in submission then position order, the submission's columns
 * gathered onto its instances, columns asked by name (own, parent's,
 * unknown), removed submissions left out, and the form lookups that tell
 * which repeat a question is in. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "clean/clean.h"
#include "frame/frame.h"
#include "ingest/ingest.h"

#define DB "build/test_frame_repeat.db"
#define FX "tests/fixtures/ingest/"

/* A workspace with form hh and the three households (five members) of
 * kobo_repeat.xlsx in round 1. */
static mtm_store *workspace(void) {
  unlink(DB);
  unlink(DB "-wal");
  unlink(DB "-shm");
  mtm_store *st;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_store_open(&st, DB, 1, &e), 0);
  mtm_buf bytes;
  mtm_buf_init(&bytes);
  mtm_form *f;
  assert_int_equal(mtm_form_read_file(FX "hh_form.md", &bytes, &f, &e), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  int what;
  assert_int_equal(mtm_store_form_add(st, f->form_id, "survey", f->title, f->version,
                                      FX "hh_form.md", "md", bytes.p, bytes.n,
                                      mtm_form_fields_json(f, &a), &what, &e),
                   0);
  mtm_form_free(f);
  mtm_buf_free(&bytes);
  const char *files[] = {FX "kobo_repeat.xlsx"};
  mtm_import_opts o = {.form_id = "hh", .round = 1, .who = "test", .nfiles = 1, .files = files};
  mtm_import_report rep;
  int rc = mtm_ingest_import(st, &o, &a, &rep, &e);
  if (rc) fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, 0);
  mtm_arena_free(&a);
  return st;
}

static mtm_frame *main_frame(mtm_store *st) {
  mtm_err e;
  mtm_err_clear(&e);
  mtm_frame *f;
  assert_int_equal(mtm_frame_load(st, "hh", 1, NULL, &f, &e), 0);
  return f;
}

static void instances_with_their_household(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_frame *p = main_frame(st);
  mtm_frame *f;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_frame_load_repeat(st, p, "members", NULL, &f, &e), 0);
  assert_string_equal(f->repeat, "members");
  assert_ptr_equal(f->parent, p);
  assert_int_equal(f->nrows, 5);
  const long prow[] = {0, 0, 1, 2, 2};
  const int pos[] = {1, 2, 1, 1, 2};
  const double age[] = {34, 8, 51, 27, 2};
  const mtm_frame_col *ma = mtm_frame_col_find(f, "m_age"), *sex = mtm_frame_col_find(f, "sex");
  assert_non_null(ma);
  assert_non_null(sex);
  assert_int_equal(ma->from_parent, 0);
  assert_int_equal(sex->from_parent, 1);
  assert_null(mtm_frame_col_find(f, "m_name")); /* text: only when asked */
  const mtm_frame_col *psex = mtm_frame_col_find(p, "sex");
  for (long r = 0; r < 5; r++) {
    assert_int_equal(f->parent_row[r], prow[r]);
    assert_int_equal(f->positions[r], pos[r]);
    assert_true(f->ids[r] == p->ids[prow[r]]);
    assert_string_equal(mtm_frame_uuid(f, r), mtm_frame_uuid(p, prow[r]));
    assert_true(ma->num[r] == age[r]);
    assert_int_equal(sex->codes[r], psex->codes[prow[r]]);
  }
  /* A select_multiple of the household, its bits and missing mask too. */
  const mtm_frame_col *l = mtm_frame_col_find(f, "langs"), *pl = mtm_frame_col_find(p, "langs");
  for (long r = 0; r < 5; r++) {
    assert_int_equal(mtm_frame_is_missing(l, r), mtm_frame_is_missing(pl, prow[r]));
    for (int i = 0; i < l->nlist; i++)
      assert_int_equal(mtm_frame_bit(l, r, i), mtm_frame_bit(pl, prow[r], i));
  }
  mtm_frame_free(f);
  mtm_frame_free(p);
  mtm_store_close(st);
}

static void columns_by_name(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_frame *p = main_frame(st);
  mtm_frame *f;
  mtm_err e;
  mtm_err_clear(&e);
  mtm_frame_opts o = {0};
  o.columns = (const char *[]){"m_name", "sex"};
  o.ncolumns = 2;
  assert_int_equal(mtm_frame_load_repeat(st, p, "members", &o, &f, &e), 0);
  assert_int_equal(f->ncols, 2);
  assert_string_equal(mtm_frame_text(mtm_frame_col_find(f, "m_name"), 3), "Dana");
  assert_null(mtm_frame_col_find(f, "m_age"));
  mtm_frame_free(f);
  /* A text question of the household the parent did not load. */
  o.columns = (const char *[]){"comment"};
  o.ncolumns = 1;
  assert_int_equal(mtm_frame_load_repeat(st, p, "members", &o, &f, &e), MTM_ENOTFOUND);
  assert_non_null(strstr(e.msg, "not loaded"));
  o.columns = (const char *[]){"nope"};
  assert_int_equal(mtm_frame_load_repeat(st, p, "members", &o, &f, &e), MTM_ENOTFOUND);
  assert_int_equal(mtm_frame_load_repeat(st, p, "memb", NULL, &f, &e), MTM_ENOTFOUND);
  assert_non_null(strstr(e.msg, "no repeat 'memb'"));
  mtm_frame_free(p);
  mtm_store_close(st);
}

static void removed_households_left_out(void **state) {
  (void)state;
  mtm_store *st = workspace();
  FILE *fp = fopen("build/test_frame_repeat_log.csv", "w");
  assert_non_null(fp);
  fputs("uuid,question,old_value,new_value,reason\n"
        "d0000000-0000-4000-8000-000000000001,,,,duplicate\n", fp);
  fclose(fp);
  mtm_err e;
  mtm_err_clear(&e);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_clean_log log;
  assert_int_equal(mtm_clean_read("build/test_frame_repeat_log.csv", &a, &log, &e), 0);
  mtm_clean_opts co = {0};
  co.round = -1;
  mtm_clean_report rep;
  assert_int_equal(mtm_clean_apply(st, &log, &co, &a, &rep, &e), 0);
  mtm_arena_free(&a);
  mtm_frame *p = main_frame(st), *f;
  assert_int_equal(mtm_frame_load_repeat(st, p, "members", NULL, &f, &e), 0);
  assert_int_equal(f->nrows, 3);
  assert_true(mtm_frame_col_find(f, "m_age")->num[0] == 51);
  assert_int_equal(f->parent_row[0], 0);
  mtm_frame_free(f);
  mtm_frame_free(p);
  mtm_store_close(st);
}

static void which_repeat(void **state) {
  (void)state;
  mtm_store *st = workspace();
  mtm_frame *p = main_frame(st);
  assert_string_equal(mtm_frame_repeat_of(p, "m_age"), "members");
  assert_null(mtm_frame_repeat_of(p, "sex"));
  assert_null(mtm_frame_repeat_of(p, "nope"));
  assert_true(mtm_frame_has_main_question(p, "comment"));
  assert_false(mtm_frame_has_main_question(p, "m_age"));
  assert_null(mtm_frame_repeat_parent(p, "members"));
  mtm_arena a;
  mtm_arena_init(&a);
  const char **reps;
  assert_int_equal(mtm_frame_repeats(p, &a, &reps), 1);
  assert_string_equal(reps[0], "members");
  const mtm_question **qs;
  assert_int_equal(mtm_frame_repeat_questions(p, "members", &a, &qs), 2);
  assert_string_equal(qs[0]->name, "m_name");
  assert_string_equal(qs[1]->name, "m_age");
  mtm_arena_free(&a);
  mtm_frame_free(p);
  mtm_store_close(st);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(instances_with_their_household),
      cmocka_unit_test(columns_by_name),
      cmocka_unit_test(removed_households_left_out),
      cmocka_unit_test(which_repeat),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
