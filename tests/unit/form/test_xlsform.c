/* The XLSForm reader on real forms and on broken fixtures, and forms kept
 * in the workspace (add, versions, load). */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "form/form.h"
#include "store/store.h"

static char *shared(const char *rel) {
  static char buf[4][1024];
  static int k;
  const char *root = getenv("MTM_SHARED");
  char *b = buf[k++ % 4];
  snprintf(b, 1024, "%s/data/xlsforms/%s", root ? root : "../shared", rel);
  return b;
}

static mtm_form *must_read(const char *path) {
  mtm_form *f = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_form_read(path, &f, &err);
  if (rc) {
    char line[2048];
    mtm_err_format(&err, line, sizeof line);
    fail_msg("%s", line);
  }
  return f;
}

static void spec_test_form(void **state) {
  (void)state;
  mtm_form *f = must_read(shared("pyxform_examples/xlsform_spec_test.xlsx"));
  assert_string_equal(f->form_id, "Spec test");
  assert_string_equal(f->version, "");
  assert_string_equal(f->format, "xlsx");
  assert_int_equal(f->nlangs, 3);
  assert_string_equal(f->langs[0], "english");
  assert_string_equal(f->langs[1], "default");
  assert_string_equal(f->langs[2], "chinese");
  assert_int_equal(mtm_form_nquestions(f), 46);
  assert_int_equal(f->nfields, 34);
  assert_int_equal(f->nlists, 2);
  /* Groups and repeats: paths, enclosing indices. */
  const mtm_question *q = mtm_form_question(f, "select_multiple_test");
  assert_non_null(q);
  assert_int_equal(q->type, MTM_Q_SELECT_MULTIPLE);
  assert_string_equal(q->path, "everything/repeat_test/group_test/select_multiple_test");
  assert_string_equal(f->q[q->group].name, "group_test");
  assert_string_equal(f->q[q->repeat].name, "repeat_test");
  assert_int_equal(f->q[q->repeat].type, MTM_Q_BEGIN_REPEAT);
  assert_string_equal(q->list->name, "yes_no");
  assert_non_null(q->constraint);
  q = mtm_form_question(f, "required_text");
  assert_int_equal(q->required, 1);
  q = mtm_form_question(f, "address");
  assert_string_equal(q->labels[0], "Enter an address");
  assert_string_equal(q->labels[2], "您好");
  assert_null(q->labels[1]);
  /* The first fields, in order. */
  assert_string_equal(f->q[f->fields[0]].name, "skip_to_end");
  assert_string_equal(f->q[f->fields[1]].name, "my_name");
  assert_string_equal(f->q[f->fields[2]].name, "address");
  assert_string_equal(f->q[f->fields[3]].name, "text_image_audio_video_test");
  assert_int_equal(mtm_form_question(f, "email_note")->field, -1);
  assert_int_equal(mtm_form_question(f, "my_name")->field, 1);
  assert_int_equal(mtm_form_question_index(f, "nonexistent"), -1);
  mtm_form_free(f);
}

static void languages_and_settings(void **state) {
  (void)state;
  mtm_form *f = must_read(shared("xlsformutil_unhcr/demo.xlsx"));
  /* settings: form_id wins over id_string; version kept as text. */
  assert_string_equal(f->form_id, "RQ-etr6-v1");
  assert_string_equal(f->version, "vT6CzZdSmJJvyeXQmTRFnu");
  assert_string_equal(f->default_language, "English");
  assert_int_equal(f->nlangs, 4);
  assert_string_equal(f->langs[3], "Oromiffa");
  assert_string_equal(f->lang_codes[3], "oromiffa");
  assert_int_equal(mtm_form_lang(f, "amharic"), 2);
  assert_int_equal(mtm_form_lang(f, "xx"), -1);
  mtm_form_free(f);

  f = must_read(shared("reach_reconstructed_from_R_packages/reach_cleaningtools_iraq_form.xlsx"));
  assert_string_equal(f->form_id, "reach_cleaningtools_iraq_form"); /* the file stem */
  assert_string_equal(f->langs[0], "English (en)");
  assert_string_equal(f->lang_codes[1], "ar");
  assert_int_equal(mtm_form_lang(f, "ar"), 1);
  assert_int_equal(mtm_form_lang(f, "Arabic"), 1);
  assert_int_equal(mtm_form_lang(f, "Arabic (ar)"), 1);
  const mtm_question *q = mtm_form_question(f, "gps_point_interview");
  assert_string_equal(q->choice_filter_src, "filter=${neighbourhood}");
  /* Extra choices columns are kept as filter columns. */
  const mtm_choice *c = &q->list->choices[0];
  assert_non_null(c->filter_cols);
  assert_int_equal(strncmp(c->filter_cols, "filter=", 7), 0);
  /* A label missing in one language falls back. */
  const char *one[2] = {NULL, "only arabic"};
  assert_string_equal(mtm_form_label(f, one, 0), "only arabic");
  mtm_form_free(f);

  /* Upper-case sheet and column names. */
  f = must_read(shared("pyxform_examples/case_insensitivity.xlsx"));
  assert_string_equal(f->form_id, "YesNo");
  assert_string_equal(f->langs[0], "EN");
  assert_int_equal(f->nq, 3);
  assert_int_equal(f->q[1].type, MTM_Q_SELECT_ONE); /* select_one_external */
  assert_null(f->q[1].list);
  mtm_form_free(f);
}

static void or_other_and_variants(void **state) {
  (void)state;
  mtm_form *f = must_read(shared("pyxform_examples/or_other.xlsx"));
  assert_int_equal(f->nq, 3);
  const mtm_question *q = &f->q[0], *o = &f->q[1];
  assert_true(q->or_other);
  assert_non_null(mtm_form_choice(q->list, "other"));
  assert_null(mtm_form_choice(f->q[2].list, "other")); /* the list itself is untouched */
  assert_string_equal(o->name, "fav_color_other");
  assert_int_equal(o->type, MTM_Q_TEXT);
  assert_int_equal(o->synthetic, 1);
  assert_string_equal(o->relevant_src, "selected(${fav_color}, 'other')");
  assert_int_equal(o->field, 1);
  mtm_form_free(f);

  /* The .xlsx, .md and .csv of one form agree. */
  const char *v[] = {"pyxform_examples/group.xlsx", "pyxform_examples/group.md",
                     "pyxform_examples/group.csv"};
  for (int i = 0; i < 3; i++) {
    f = must_read(shared(v[i]));
    assert_string_equal(f->form_id, "group");
    assert_int_equal(f->nq, 5);
    assert_string_equal(f->q[3].path, "father/age");
    assert_int_equal(f->q[3].type, MTM_Q_INTEGER);
    assert_int_equal(f->q[2].type, MTM_Q_TEXT); /* "phone number" */
    assert_string_equal(f->langs[0], "English (en)");
    assert_int_equal(f->nfields, 3);
    mtm_form_free(f);
  }
}

/* Reads a broken fixture and returns its formatted error. */
static char *broken(const char *name, char *out, size_t n) {
  char path[512];
  snprintf(path, sizeof path, "tests/fixtures/form/%s", name);
  mtm_form *f = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_form_read(path, &f, &err);
  assert_int_equal(rc, MTM_EINVAL);
  assert_null(f);
  mtm_err_format(&err, out, n);
  return out;
}

static void broken_forms(void **state) {
  (void)state;
  char b[2048];
  assert_string_equal(broken("dup_name.csv", b, sizeof b),
                      "tests/fixtures/form/dup_name.csv, sheet 'survey', row 5, column 'name', "
                      "question 'age': the name 'age' is already used on row 3: names must be "
                      "unique");
  assert_string_equal(broken("unknown_list.csv", b, sizeof b),
                      "tests/fixtures/form/unknown_list.csv, sheet 'survey', row 4, column "
                      "'type', question 'works': select_one yesno: there is no list 'yesno' on "
                      "the choices sheet");
  assert_string_equal(broken("unmatched_group.csv", b, sizeof b),
                      "tests/fixtures/form/unmatched_group.csv, sheet 'survey', row 4, column "
                      "'type', question 'household': the group 'household' begun on this row is "
                      "never closed: add an 'end_group' row");
  assert_string_equal(broken("end_without_begin.csv", b, sizeof b),
                      "tests/fixtures/form/end_without_begin.csv, sheet 'survey', row 4, column "
                      "'type': 'end_group' has no matching 'begin group' above it");
  assert_string_equal(broken("bad_expr.csv", b, sizeof b),
                      "tests/fixtures/form/bad_expr.csv, sheet 'survey', row 4, column "
                      "'relevant', question 'job': cannot read the expression: unexpected ')' at "
                      "character 12");
  assert_string_equal(broken("unknown_ref.csv", b, sizeof b),
                      "tests/fixtures/form/unknown_ref.csv, sheet 'survey', row 4, column "
                      "'relevant', question 'job': the expression refers to ${agee}, but no "
                      "question is named 'agee'");
  assert_string_equal(broken("missing_name.csv", b, sizeof b),
                      "tests/fixtures/form/missing_name.csv, sheet 'survey', row 4, column "
                      "'name': the text on this row has no name: every question needs one");
  assert_string_equal(broken("unknown_type.csv", b, sizeof b),
                      "tests/fixtures/form/unknown_type.csv, sheet 'survey', row 4, column "
                      "'type', question 'job': unknown question type 'textt'");
}

static void invalid_shared_forms(void **state) {
  (void)state;
  mtm_form *f = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  /* pyxform converts bad_calc.xlsx; JavaRosa (ODK Validate) refuses its
   * calculation, and so does a plain read. */
  assert_int_equal(mtm_form_read(shared("pyxform_examples/bad_calc.xlsx"), &f, &err), MTM_EINVAL);
  assert_string_equal(err.sheet, "survey");
  assert_int_equal(err.row, 2);
  assert_string_equal(err.column, "calculation");
  assert_string_equal(err.question, "badcalc");
  assert_string_equal(err.msg, "cannot read the expression: unexpected 'pyxform' at character 9");
  mtm_err_clear(&err);
  /* It includes how_old_are_you.json, which is not beside it (pyxform
   * refuses it too: "This section has not been included."). */
  assert_int_equal(mtm_form_read(shared("pyxform_examples/include_json.xlsx"), &f, &err),
                   MTM_EINVAL);
  assert_string_equal(err.question, "how_old_are_you");
  assert_int_equal(err.row, 2);
  assert_string_equal(err.column, "name");
  assert_null(f);
}

/* A workbook whose only sheet is not called "survey" is the survey, as
 * pyxform reads it. */
static void lone_sheet_is_survey(void **state) {
  (void)state;
  mtm_form *f = must_read(shared("pyxform_examples/survey_no_name.xlsx"));
  assert_int_equal(f->nq, 1);
  assert_string_equal(f->q[0].name, "state");
  assert_string_equal(f->q[0].labels[0], "The State");
  mtm_form_free(f);
}

/* A note without a name is named as pyxform names it: after its row on
 * the survey sheet, the header being row 1. */
static void nameless_notes(void **state) {
  (void)state;
  mtm_form *f = must_read("tests/fixtures/form/prev_answers.md");
  assert_non_null(mtm_form_question(f, "generated_note_name_6"));
  assert_non_null(mtm_form_question(f, "generated_note_name_10"));
  assert_int_equal(mtm_form_question(f, "generated_note_name_6")->type, MTM_Q_NOTE);
  assert_int_equal(mtm_form_question(f, "generated_note_name_6")->field, -1);
  mtm_form_free(f);
}

/* select_one ${q}: the choices are the answers to q. */
static void choices_from_previous_answer(void **state) {
  (void)state;
  mtm_form *f = must_read("tests/fixtures/form/prev_answers.md");
  int name = mtm_form_question_index(f, "member_name");
  const mtm_question *head = mtm_form_question(f, "head");
  const mtm_question *workers = mtm_form_question(f, "workers");
  assert_int_equal(head->type, MTM_Q_SELECT_ONE);
  assert_ptr_equal(head->choices_from, &f->q[name]);
  assert_null(head->list);
  assert_string_equal(head->list_name, "${member_name}");
  assert_non_null(head->choice_filter);
  assert_int_equal(workers->type, MTM_Q_SELECT_MULTIPLE);
  assert_ptr_equal(workers->choices_from, &f->q[name]);
  assert_true(workers->field >= 0);
  assert_null(mtm_form_question(f, "member_age")->choices_from);
  /* The constraint written as deployed forms write it. */
  assert_non_null(mtm_form_question(f, "n")->constraint);
  mtm_form_free(f);
  char b[2048];
  assert_string_equal(broken("prev_unknown.md", b, sizeof b),
                      "tests/fixtures/form/prev_unknown.md, sheet 'survey', row 4, column 'type', "
                      "question 'head': the choices come from ${nobody}, but no question is named "
                      "'nobody'");
  assert_string_equal(broken("prev_or_other.md", b, sizeof b),
                      "tests/fixtures/form/prev_or_other.md, sheet 'survey', row 4, column "
                      "'type', question 'head': 'or_other' cannot go with choices from a previous "
                      "answer (${member_name}): pyxform refuses it too; add an 'other' answer to "
                      "the question member_name instead");
}

/* Lenient: every cell that cannot be used is one warning; no question is
 * dropped; a plain read refuses the first. */
static void lenient_reads(void **state) {
  (void)state;
  const char *path = "tests/fixtures/form/lenient.md";
  char b[2048];
  assert_string_equal(broken("lenient.md", b, sizeof b),
                      "tests/fixtures/form/lenient.md, sheet 'survey', row 3, column "
                      "'constraint', question 'age': cannot read the expression: unexpected ')' "
                      "at character 7");
  mtm_form *f = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  mtm_buf bytes;
  mtm_buf_init(&bytes);
  assert_int_equal(mtm_form_read_file_opts(path, MTM_FORM_LENIENT, &bytes, &f, &err), 0);
  assert_true(f->lenient);
  assert_int_equal(f->nfields, 5);
  assert_int_equal(f->nwarnings, 4);
  const char *want[][3] = {{"3", "constraint", "age"},
                           {"5", "calculation", "c"},
                           {"6", "type", "weird"},
                           {"4", "relevant", "job"}};
  for (int i = 0; i < 4; i++) {
    assert_string_equal(f->warnings[i].file, path);
    assert_string_equal(f->warnings[i].sheet, "survey");
    assert_int_equal(f->warnings[i].row, atol(want[i][0]));
    assert_string_equal(f->warnings[i].column, want[i][1]);
    assert_string_equal(f->warnings[i].question, want[i][2]);
    assert_non_null(strstr(f->warnings[i].msg, "left out") ? f->warnings[i].msg
                                                            : strstr(f->warnings[i].msg, "as text"));
  }
  assert_null(mtm_form_question(f, "age")->constraint);
  assert_null(mtm_form_question(f, "job")->relevant);
  assert_null(mtm_form_question(f, "c")->calculation);
  assert_int_equal(mtm_form_question(f, "weird")->type, MTM_Q_TEXT);
  assert_non_null(mtm_form_question(f, "ok")->constraint);
  assert_non_null(mtm_form_question(f, "ok")->relevant);
  mtm_form_free(f);
  mtm_buf_free(&bytes);
}

/* include: the rows of the file named, where the include row stood, with
 * its lists; recursively; read again from memory with the files kept. */
static void includes(void **state) {
  (void)state;
  mtm_form *f = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  mtm_buf bytes;
  mtm_buf_init(&bytes);
  assert_int_equal(
      mtm_form_read_file_opts("tests/fixtures/form/include_nested.md", 0, &bytes, &f, &err), 0);
  const char *order[] = {"visitor", "part", "happy", "generated_note_name_3", "leaf_age",
                         "colour", "part", "again"};
  assert_int_equal(f->nq, 8);
  for (int i = 0; i < 8; i++) assert_string_equal(f->q[i].name, order[i]);
  const mtm_question *happy = mtm_form_question(f, "happy");
  assert_string_equal(happy->path, "part/happy");
  assert_string_equal(happy->file, "include_part.md");
  assert_int_equal(happy->row, 3);
  assert_string_equal(mtm_form_question(f, "leaf_age")->file, "include_leaf.md");
  assert_null(mtm_form_question(f, "visitor")->file);
  assert_non_null(mtm_form_question(f, "colour")->list);
  assert_int_equal(mtm_form_question(f, "colour")->list->n, 2);
  assert_int_equal(f->nlists, 2);
  /* English and Russian, and the leaf's unsuffixed label column. */
  assert_int_equal(f->nlangs, 3);
  assert_int_equal(f->nincludes, 2);
  assert_string_equal(f->includes[0].name, "include_part.md");
  assert_string_equal(f->includes[1].name, "include_leaf.md");
  /* From memory: with the files kept, the same form; without, an error. */
  mtm_form *g = NULL;
  assert_int_equal(mtm_form_read_mem_opts(bytes.p, bytes.n, "include_nested.md", 0, f->includes,
                                          f->nincludes, &g, &err),
                   0);
  assert_int_equal(g->nq, f->nq);
  assert_int_equal(g->nincludes, 2);
  mtm_form_free(g);
  g = NULL;
  assert_int_equal(mtm_form_read_mem(bytes.p, bytes.n, "include_nested.md", &g, &err), MTM_EINVAL);
  assert_int_equal(err.row, 5);
  assert_string_equal(err.msg, "the include row names 'include_part', but no file of that name is "
                               "kept with the form");
  mtm_form_free(f);
  mtm_buf_free(&bytes);
  char b[2048];
  assert_string_equal(broken("cycle_a.md", b, sizeof b),
                      "cycle_b.md, sheet 'survey', row 4, column 'name', question 'cycle_a': "
                      "including 'cycle_a' here comes back to a form that includes it (cycle_a -> "
                      "cycle_b -> cycle_a): an include may not lead back to itself");
  assert_string_equal(broken("include_missing.md", b, sizeof b),
                      "tests/fixtures/form/include_missing.md, sheet 'survey', row 4, column "
                      "'name', question 'no_such_form': the include row names 'no_such_form', but "
                      "there is no form file no_such_form.xlsx, no_such_form.xls, no_such_form.md "
                      "or no_such_form.csv beside include_missing.md");
  assert_string_equal(broken("include_clash.md", b, sizeof b),
                      "include_part.md, sheet 'choices', row 11, column 'list_name': the list "
                      "'colour' of this included file differs from the list of that name in "
                      "include_clash.md: give one of them another name");
}

/* Types and columns that pyxform knows and mtm once refused; settings
 * written as rows of the survey sheet. */
static void pyxform_types(void **state) {
  (void)state;
  mtm_form *f = must_read("tests/fixtures/form/pyxform_types.md");
  assert_string_equal(f->title, "Types_pyxform_knows");
  assert_string_equal(f->form_id, "pyxform_types");
  assert_int_equal(f->nq, 6);
  assert_int_equal(mtm_form_question(f, "where")->type, MTM_Q_GEOPOINT);
  assert_int_equal(mtm_form_question(f, "days")->type, MTM_Q_INTEGER);
  assert_int_equal(mtm_form_question(f, "path")->type, MTM_Q_GEOTRACE);
  assert_int_equal(mtm_form_question(f, "plot")->type, MTM_Q_GEOSHAPE);
  assert_int_equal(mtm_form_question(f, "building")->type, MTM_Q_MEDIA);
  assert_string_equal(mtm_form_question(f, "visits")->constraint_msgs[0], "more than none");
  mtm_form_free(f);
}

static void read_mem_matches_read(void **state) {
  (void)state;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_form *f1, *f2;
  mtm_err err;
  assert_int_equal(mtm_form_read_file(shared("pyxform_examples/tutorial.xls"), &b, &f1, &err), 0);
  assert_int_equal(mtm_form_read_mem(b.p, b.n, "tutorial.xls", &f2, &err), 0);
  assert_int_equal(f1->nq, f2->nq);
  assert_int_equal(f1->nfields, f2->nfields);
  for (int i = 0; i < f1->nq; i++) assert_string_equal(f1->q[i].name, f2->q[i].name);
  assert_string_equal(f2->format, "xls");
  mtm_arena a;
  mtm_arena_init(&a);
  assert_string_equal(mtm_form_fields_json(f2, &a),
                      "[\"name\",\"relationship_to_household_head\",\"sex\",\"resident\","
                      "\"stayed_last_night\",\"older_than_five\",\"age_in_months\","
                      "\"age_in_years\",\"literate\",\"pregnant\"]");
  mtm_arena_free(&a);
  mtm_form_free(f1);
  mtm_form_free(f2);
  mtm_buf_free(&b);
}

static void store_versions(void **state) {
  (void)state;
  char path[] = "/tmp/mtm_form_test_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  unlink(path);
  mtm_store *st;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_store_open(&st, path, 1, &err), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  const char *files[] = {"tests/fixtures/form/good_v1.csv", "tests/fixtures/form/good_v2.csv",
                         "tests/fixtures/form/good_v1_changed.csv"};
  mtm_buf src[3];
  mtm_form *f[3];
  for (int i = 0; i < 3; i++) {
    mtm_buf_init(&src[i]);
    assert_int_equal(mtm_form_read_file(files[i], &src[i], &f[i], &err), 0);
  }
  int what;
  assert_int_equal(mtm_store_form_add(st, "mtm_test", NULL, f[0]->title, f[0]->version, "v1.csv",
                                      "csv", src[0].p, src[0].n, mtm_form_fields_json(f[0], &a),
                                      &what, &err),
                   0);
  assert_int_equal(what, MTM_FORM_ADDED);
  assert_int_equal(mtm_store_form_add(st, "mtm_test", NULL, f[0]->title, f[0]->version, "v1.csv",
                                      "csv", src[0].p, src[0].n, mtm_form_fields_json(f[0], &a),
                                      &what, &err),
                   0);
  assert_int_equal(what, MTM_FORM_SAME);
  assert_int_equal(mtm_store_form_add(st, "mtm_test", NULL, f[2]->title, f[2]->version, "v1b.csv",
                                      "csv", src[2].p, src[2].n, mtm_form_fields_json(f[2], &a),
                                      &what, &err),
                   MTM_EINVAL);
  assert_string_equal(err.msg,
                      "version 1 of form mtm_test is already in the workspace with different "
                      "content: give the new form a new version in its settings sheet");
  assert_int_equal(mtm_store_form_add(st, "mtm_test", "baseline", f[1]->title, f[1]->version,
                                      "v2.csv", "csv", src[1].p, src[1].n,
                                      mtm_form_fields_json(f[1], &a), &what, &err),
                   MTM_EINVAL);
  assert_string_equal(err.msg, "form mtm_test is already in the workspace as a survey form: it "
                               "cannot become a baseline form");
  assert_int_equal(mtm_store_form_add(st, "mtm_test", "survey", f[1]->title, f[1]->version,
                                      "v2.csv", "csv", src[1].p, src[1].n,
                                      mtm_form_fields_json(f[1], &a), &what, &err),
                   0);
  mtm_form_version *v;
  int n;
  assert_int_equal(mtm_store_form_versions(st, NULL, &a, &v, &n, &err), 0);
  assert_int_equal(n, 2);
  assert_string_equal(v[0].version, "1");
  assert_string_equal(v[1].version, "2");
  assert_string_equal(v[0].fields, "[\"start\",\"age\",\"works\",\"works_other\",\"sector\"]");
  assert_int_equal(strlen(v[0].sha256), 64);
  assert_int_equal(v[1].size, (long)src[1].n);
  /* Load: the latest by default, or a named version. */
  mtm_form *g;
  assert_int_equal(mtm_form_load(st, "mtm_test", NULL, &g, &err), 0);
  assert_string_equal(g->version, "2");
  assert_int_equal(g->nfields, 6);
  assert_string_equal(g->file_name, "v2.csv");
  mtm_form_free(g);
  assert_int_equal(mtm_form_load(st, "mtm_test", "1", &g, &err), 0);
  assert_string_equal(g->version, "1");
  assert_int_equal(g->nfields, 5);
  mtm_form_free(g);
  assert_int_equal(mtm_form_load(st, "mtm_test", "9", &g, &err), MTM_ENOTFOUND);
  assert_string_equal(err.msg, "form mtm_test has no version 9 in the workspace");
  assert_int_equal(mtm_form_load(st, "nope", NULL, &g, &err), MTM_ENOTFOUND);
  assert_string_equal(err.msg,
                      "there is no form nope in the workspace: add it with 'mtm form add'");
  assert_null(g);
  for (int i = 0; i < 3; i++) {
    mtm_form_free(f[i]);
    mtm_buf_free(&src[i]);
  }
  mtm_arena_free(&a);
  mtm_store_close(st);
  char side[600];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}

/* begin loop over LIST: a group per choice ("none" left out), named and
 * labelled by it, with copies of the loop's rows: %(name)s and %(label)s
 * replaced (a label by the choice's label in its language), %% as %;
 * copies named NAME_CHOICE, their path keeping NAME; ${sibling} of the same
 * copy names the copy's own question; rows inside a group of the loop are
 * copied as they are, as pyxform's shallow copy leaves them. */
static void loops(void **state) {
  (void)state;
  static const char md[] =
      "| survey |\n"
      "| | type | name | label::English (en) | label::Russian (ru) | relevant |\n"
      "| | select_multiple animals | have | Which? | Какие? | |\n"
      "| | begin loop over animals | lp | Each | Каждое | |\n"
      "| | integer | n | How many %(label)s (%%)? | Сколько %(label)s? | selected(${have}, '%(name)s') |\n"
      "| | text | why | Why %(name)s? | | ${n} > 0 |\n"
      "| | begin group | g | In %(label)s | | |\n"
      "| | note | deep | Still %(label)s | | |\n"
      "| | end group | | | | |\n"
      "| | end loop | | | | |\n"
      "| choices |\n"
      "| | list_name | name | label::English (en) | label::Russian (ru) |\n"
      "| | animals | cow | Cows | Коровы |\n"
      "| | animals | none | None | Нет |\n"
      "| | animals | goat | Goats | Козы |\n";
  mtm_form *f;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_form_read_mem(md, sizeof md - 1, "loop.md", &f, &err), 0);
  const mtm_question *n = mtm_form_question(f, "n_cow");
  assert_non_null(n);
  assert_null(mtm_form_question(f, "n"));
  assert_null(mtm_form_question(f, "n_none"));
  assert_string_equal(n->path, "lp/cow/n");
  assert_string_equal(mtm_form_question(f, "n_goat")->path, "lp/goat/n");
  assert_int_equal(n->type, MTM_Q_INTEGER);
  int en = mtm_form_lang(f, "en"), ru = mtm_form_lang(f, "ru");
  assert_string_equal(mtm_form_label(f, n->labels, en), "How many Cows (%)?");
  assert_string_equal(mtm_form_label(f, n->labels, ru), "Сколько Коровы?");
  assert_string_equal(n->relevant_src, "selected(${have}, 'cow')");
  const mtm_question *why = mtm_form_question(f, "why_goat");
  assert_string_equal(mtm_form_label(f, why->labels, en), "Why goat?");
  assert_string_equal(why->relevant_src, "${n_goat} > 0");
  const mtm_question *cow = mtm_form_question(f, "cow");
  assert_int_equal(cow->type, MTM_Q_BEGIN_GROUP);
  assert_string_equal(mtm_form_label(f, cow->labels, ru), "Коровы");
  assert_string_equal(cow->path, "lp/cow");
  assert_int_equal(mtm_form_question(f, "lp")->type, MTM_Q_BEGIN_GROUP);
  /* A group inside the loop: its own row substituted, its rows not. */
  const mtm_question *deep = mtm_form_question(f, "deep_goat");
  assert_string_equal(deep->path, "lp/goat/g/deep");
  assert_string_equal(mtm_form_label(f, deep->labels, en), "Still %(label)s");
  assert_string_equal(mtm_form_label(f, f->q[deep->group].labels, en), "In Goats");
  assert_int_equal(f->nfields, 5);
  mtm_form_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(spec_test_form),        cmocka_unit_test(languages_and_settings),
      cmocka_unit_test(or_other_and_variants), cmocka_unit_test(broken_forms),
      cmocka_unit_test(invalid_shared_forms),  cmocka_unit_test(read_mem_matches_read),
      cmocka_unit_test(store_versions),        cmocka_unit_test(lone_sheet_is_survey),
      cmocka_unit_test(nameless_notes),        cmocka_unit_test(choices_from_previous_answer),
      cmocka_unit_test(lenient_reads),         cmocka_unit_test(includes),
      cmocka_unit_test(pyxform_types),         cmocka_unit_test(loops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
