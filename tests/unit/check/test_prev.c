/* Unit tests of the choice rule on selects from a previous answer: values
 * must be answers the submission gave to the source question, in every
 * instance of its repeat (also for a select inside that same repeat), and
 * pass the choice_filter read in the candidate's instance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "check/check.h"

static const char form_md[] =
    "| survey |\n"
    "| | type | name | label | choice_filter |\n"
    "| | begin_repeat | members | M | |\n"
    "| | text | m_name | Name | |\n"
    "| | integer | m_age | Age | |\n"
    "| | select_one ${m_name} | carer | Carer | ${m_age} >= 18 |\n"
    "| | end_repeat | members | | |\n"
    "| | select_multiple ${m_name} | workers | Workers | |\n"
    "| | select_one ${m_name} | head | Head | ${m_age} >= 18 and position() = 1 |\n"
    "| settings |\n"
    "| | form_id | version |\n"
    "| | prev | 1 |\n";

/* Runs one submission (workers, head) with its member instances; returns
 * the findings as CSV in csv. */
static void run(char *const *main, const mtm_check_instance *in, int nin, mtm_buf *csv) {
  mtm_form *f;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_form_read_mem(form_md, sizeof form_md - 1, "prev.md", &f, &e), 0);
  mtm_check *c;
  mtm_check_opts o = {0};
  o.lang = -1;
  assert_int_equal(mtm_check_new(&c, &f, 1, NULL, 0, &o, &e), 0);
  assert_int_equal(mtm_check_add_full(c, 1, "s1", 0, main, 2, in, nin, &e), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_finding *fs;
  int n;
  assert_int_equal(mtm_check_finish(c, &a, &fs, &n, &e), 0);
  mtm_check_write_csv(csv, fs, n);
  mtm_arena_free(&a);
  mtm_check_free(c);
  mtm_form_free(f);
}

static const char header[] = "uuid,repeat,instance,question,value,rule,severity,message\n";

static void answers_pass(void **state) {
  (void)state;
  char *main[] = {"Ana Bo", "Ana"};
  char *m1[] = {"Ana", "30", "Ana"}, *m2[] = {"Bo", "3", "Ana"}, *m3[] = {"", "40", ""};
  mtm_check_instance in[] = {{"members", 1, m1, 3}, {"members", 2, m2, 3},
                             {"members", 3, m3, 3}};
  mtm_buf csv;
  mtm_buf_init(&csv);
  run(main, in, 3, &csv);
  assert_string_equal(csv.p, header);
  mtm_buf_free(&csv);
}

static void other_values_fail(void **state) {
  (void)state;
  /* Cy is no member; Bo is 3 (fails the filter for head and for carer in
   * any instance); Ana is the first member, so head passes position(). */
  char *main[] = {"Bo Cy", "Bo"};
  char *m1[] = {"Ana", "30", "Bo"}, *m2[] = {"Bo", "3", "Ana"};
  mtm_check_instance in[] = {{"members", 1, m1, 3}, {"members", 2, m2, 3}};
  mtm_buf csv;
  mtm_buf_init(&csv);
  run(main, in, 2, &csv);
  assert_string_equal(
      csv.p,
      "uuid,repeat,instance,question,value,rule,severity,message\n"
      "s1,,,workers,Bo Cy,choice,error,\"'Cy' is not an answer given to 'm_name' in this "
      "submission (allowed: 'Ana', 'Bo')\"\n"
      "s1,,,head,Bo,choice,error,'Bo' is not an answer given to 'm_name' that passes the "
      "choice_filter in this submission (allowed: 'Ana')\n"
      "s1,members,1,carer,Bo,choice,error,'Bo' is not an answer given to 'm_name' that passes "
      "the choice_filter in this submission (allowed: 'Ana')\n");
  mtm_buf_free(&csv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(answers_pass),
      cmocka_unit_test(other_values_fail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
