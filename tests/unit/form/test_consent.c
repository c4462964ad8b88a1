/* The consent question of a form (mtm_form_consent_question) and what a
 * relevance requires of a question (mtm_expr_requires). */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on
#include <string.h>

#include "form/form.h"

/* Reads a pyxform Markdown form from text. */
static mtm_form *md(const char *text) {
  mtm_form *f = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  if (mtm_form_read_mem(text, strlen(text), "consent.md", &f, &err)) {
    char line[2048];
    mtm_err_format(&err, line, sizeof line);
    fail_msg("%s", line);
  }
  return f;
}

/* The demo's layout: location first, consent inside a screening group,
 * the screening questions with their own relevance, every later group
 * relevant on it, and questions inside the groups with relevances of
 * their own; a calculation and a closing note are not asked. */
static const char *const DEMO =
    "| survey |\n"
    "| | type | name | label | relevant | calculation |\n"
    "| | start | start | | | |\n"
    "| | select_one region | region | Region | | |\n"
    "| | begin_group | screening | Screening | | |\n"
    "| | select_one yes_no | consent | Do you agree? | | |\n"
    "| | integer | age | Age | ${consent} = 'yes' | |\n"
    "| | select_one yes_no | working_now | Working? | ${consent} = 'yes' | |\n"
    "| | end_group | | | | |\n"
    "| | note | bye | Thank you | ${consent} = 'no' | |\n"
    "| | begin_group | work | Work | ${consent} = 'yes' | |\n"
    "| | select_one yes_no | contract | Contract? | | |\n"
    "| | integer | income | Income | ${contract} = 'yes' | |\n"
    "| | begin_group | inner | Inner | | |\n"
    "| | text | employer | Employer | ${income} > 0 | |\n"
    "| | end_group | | | | |\n"
    "| | end_group | | | | |\n"
    "| | calculate | usd | | | ${income} div 450 |\n"
    "| choices |\n"
    "| | list_name | name | label |\n"
    "| | yes_no | yes | Yes |\n"
    "| | yes_no | no | No |\n"
    "| | region | a | A |\n"
    "| | region | b | B |\n";

static void demo_layout(void **state) {
  (void)state;
  mtm_form *f = md(DEMO);
  const mtm_question *q = mtm_form_consent_question(f);
  assert_non_null(q);
  assert_string_equal(q->name, "consent");
  assert_string_equal(mtm_form_consent_value(f, q), "yes");
  /* working_now gates nothing; contract gates only income. */
  assert_string_equal(mtm_form_consent_value(f, mtm_form_question(f, "working_now")), "yes");
  mtm_form_free(f);
}

/* One later question asked whatever the answer: no consent question. */
static void one_question_ungated(void **state) {
  (void)state;
  mtm_form *f = md("| survey |\n"
                   "| | type | name | label | relevant |\n"
                   "| | select_one yes_no | consent | Agree? | |\n"
                   "| | integer | age | Age | ${consent} = 'yes' |\n"
                   "| | text | comment | Comment | |\n"
                   "| | integer | size | Size | ${consent} = 'yes' |\n"
                   "| choices |\n"
                   "| | list_name | name | label |\n"
                   "| | yes_no | yes | Yes |\n"
                   "| | yes_no | no | No |\n");
  assert_null(mtm_form_consent_question(f));
  mtm_form_free(f);
}

/* Two later questions requiring different answers: not consent. */
static void different_answers(void **state) {
  (void)state;
  mtm_form *f = md("| survey |\n"
                   "| | type | name | label | relevant |\n"
                   "| | select_one yes_no | consent | Agree? | |\n"
                   "| | integer | age | Age | ${consent} = 'yes' |\n"
                   "| | text | why | Why not? | ${consent} = 'no' |\n"
                   "| choices |\n"
                   "| | list_name | name | label |\n"
                   "| | yes_no | yes | Yes |\n"
                   "| | yes_no | no | No |\n");
  assert_null(mtm_form_consent_question(f));
  mtm_form_free(f);
}

/* A follow-up at the end of a form gates what comes after it, but that is
 * not the rest of the form. */
static void follow_up_at_the_end(void **state) {
  (void)state;
  mtm_form *f = md("| survey |\n"
                   "| | type | name | label | relevant |\n"
                   "| | integer | age | Age | |\n"
                   "| | text | job | Job | |\n"
                   "| | integer | income | Income | |\n"
                   "| | select_one yes_no | remits | Sends money? | |\n"
                   "| | integer | amount | How much? | ${remits} = 'yes' |\n"
                   "| choices |\n"
                   "| | list_name | name | label |\n"
                   "| | yes_no | yes | Yes |\n"
                   "| | yes_no | no | No |\n");
  assert_null(mtm_form_consent_question(f));
  /* Named as consent, its answer is still told from the relevances. */
  assert_string_equal(mtm_form_consent_value(f, mtm_form_question(f, "remits")), "yes");
  mtm_form_free(f);
}

/* Other ways of writing the rule: "!= 'no'" with two choices, numeric
 * choice names compared as numbers, selected(), a conjunction, not(). */
static void other_spellings(void **state) {
  (void)state;
  mtm_form *f = md("| survey |\n"
                   "| | type | name | label | relevant |\n"
                   "| | select_one agree | ok | Agree? | |\n"
                   "| | integer | age | Age | ${ok} != 'no' |\n"
                   "| | begin_group | g | G | not(${ok} = 'no') |\n"
                   "| | text | job | Job | |\n"
                   "| | end_group | | | |\n"
                   "| | text | place | Place | selected(${ok}, 'yes') and ${age} >= 18 |\n"
                   "| choices |\n"
                   "| | list_name | name | label |\n"
                   "| | agree | yes | Yes |\n"
                   "| | agree | no | No |\n");
  const mtm_question *q = mtm_form_consent_question(f);
  assert_non_null(q);
  assert_string_equal(q->name, "ok");
  assert_string_equal(mtm_form_consent_value(f, q), "yes");
  mtm_form_free(f);
  f = md("| survey |\n"
         "| | type | name | label | relevant |\n"
         "| | select_one c | c1 | Agree? | |\n"
         "| | integer | age | Age | ${c1} = 1 |\n"
         "| | text | job | Job | 1 = ${c1} or ${c1} = 1 |\n"
         "| choices |\n"
         "| | list_name | name | label |\n"
         "| | c | 1 | Yes |\n"
         "| | c | 2 | No |\n"
         "| | c | 99 | Refused |\n");
  q = mtm_form_consent_question(f);
  assert_non_null(q);
  assert_string_equal(mtm_form_consent_value(f, q), "1");
  mtm_form_free(f);
  /* "!= 'no'" with three choices does not say which one is given. */
  f = md("| survey |\n"
         "| | type | name | label | relevant |\n"
         "| | select_one c | c1 | Agree? | |\n"
         "| | integer | age | Age | ${c1} != '2' |\n"
         "| choices |\n"
         "| | list_name | name | label |\n"
         "| | c | 1 | Yes |\n"
         "| | c | 2 | No |\n"
         "| | c | 99 | Refused |\n");
  assert_null(mtm_form_consent_question(f));
  /* Named as consent, no relevance tells: the choice called 1. */
  assert_string_equal(mtm_form_consent_value(f, mtm_form_question(f, "c1")), "1");
  mtm_form_free(f);
}

/* A question named as consent without relevances: a choice called yes. */
static void named_without_relevance(void **state) {
  (void)state;
  mtm_form *f = md("| survey |\n"
                   "| | type | name | label |\n"
                   "| | select_one yn | agree | Agree? |\n"
                   "| | integer | age | Age |\n"
                   "| choices |\n"
                   "| | list_name | name | label |\n"
                   "| | yn | No | No |\n"
                   "| | yn | Yes | Yes |\n");
  assert_null(mtm_form_consent_question(f));
  assert_string_equal(mtm_form_consent_value(f, mtm_form_question(f, "agree")), "Yes");
  assert_null(mtm_form_consent_value(f, mtm_form_question(f, "age")));
  mtm_form_free(f);
  /* No relevance tells and no choice is called yes. */
  f = md("| survey |\n"
         "| | type | name | label |\n"
         "| | select_one ab | agree | Agree? |\n"
         "| | integer | age | Age |\n"
         "| choices |\n"
         "| | list_name | name | label |\n"
         "| | ab | a | Of course |\n"
         "| | ab | b | Never |\n");
  assert_null(mtm_form_consent_value(f, mtm_form_question(f, "agree")));
  mtm_form_free(f);
}

/* What an expression requires of a question. */
static void requires(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  struct {
    const char *src;
    int want;
    const char *lit; /* NULL: a number */
    double num;
  } cases[] = {
      {"${c} = 'yes'", 1, "yes", 0},
      {"'yes' = ${c}", 1, "yes", 0},
      {"${c} != 'no'", -1, "no", 0},
      {"${c} = 1", 1, NULL, 1},
      {"selected(${c}, 'y')", 1, "y", 0},
      {"not(${c} = 'no')", -1, "no", 0},
      {"not(${c} != 'yes')", 1, "yes", 0},
      {"${a} > 3 and ${c} = 'yes'", 1, "yes", 0},
      {"${c} != 'no' and ${c} = 'yes'", 1, "yes", 0},
      {"${c} = 'yes' or ${c} = 'yes'", 1, "yes", 0},
      {"${c} = 'yes' or ${c} = 'maybe'", 0, NULL, 0},
      {"${c} = 'yes' or ${a} = 1", 0, NULL, 0},
      {"${a} = 'yes'", 0, NULL, 0},
      {"${c} = ${a}", 0, NULL, 0},
      {"not(${c} = 'no' and ${a} = 1)", 0, NULL, 0},
      {"string-length(${c}) > 0", 0, NULL, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mtm_expr *e;
    mtm_err err;
    mtm_err_clear(&err);
    assert_int_equal(mtm_expr_parse(&a, cases[i].src, &e, &err), 0);
    mtm_value lit;
    memset(&lit, 0, sizeof lit);
    int r = mtm_expr_requires(e, "c", &lit);
    if (r != cases[i].want) fail_msg("%s: %d, expected %d", cases[i].src, r, cases[i].want);
    if (!r) continue;
    if (cases[i].lit) {
      assert_int_equal(lit.t, MTM_V_STR);
      assert_string_equal(lit.str, cases[i].lit);
    } else {
      assert_int_equal(lit.t, MTM_V_NUM);
      assert_true(lit.num == cases[i].num);
    }
  }
  assert_int_equal(mtm_expr_requires(NULL, "c", NULL), 0);
  mtm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(demo_layout),          cmocka_unit_test(one_question_ungated),
      cmocka_unit_test(different_answers),    cmocka_unit_test(follow_up_at_the_end),
      cmocka_unit_test(other_spellings),      cmocka_unit_test(named_without_relevance),
      cmocka_unit_test(requires),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
