/* Unit tests of the check rules inside repeat instances, on a form read by
 * the XLSForm reader: siblings, the submission's questions, position(),
 * count() at the submission's level, and nested repeats whose rules name
 * the enclosing repeat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "check/check.h"

static const char form_md[] =
    "| survey |\n"
    "| | type | name | label | relevant | constraint | required |\n"
    "| | integer | n_members | N | | . = count(${m_name}) | |\n"
    "| | begin_repeat | members | M | | | |\n"
    "| | text | m_name | Name | | | yes |\n"
    "| | integer | m_age | Age | | . < 120 | |\n"
    "| | text | m_head | Head | position() = 1 | | |\n"
    "| | begin_repeat | kids | Kids | | | |\n"
    "| | integer | k_age | Kid age | | . < ${m_age} | |\n"
    "| | text | k_school | School | ${k_age} >= 6 | | |\n"
    "| | end_repeat | kids | | | | |\n"
    "| | end_repeat | members | | | | |\n"
    "| settings |\n"
    "| | form_id | version |\n"
    "| | rep | 1 |\n";

/* Runs one submission with its instances; the findings as CSV and the
 * notes joined by newlines. */
static void run(const mtm_check_instance *in, int nin, char *const *main, mtm_buf *csv,
                mtm_buf *notes) {
  mtm_form *f;
  mtm_err e;
  mtm_err_clear(&e);
  assert_int_equal(mtm_form_read_mem(form_md, sizeof form_md - 1, "rep.md", &f, &e), 0);
  mtm_check *c;
  mtm_check_opts o = {0};
  o.lang = -1;
  assert_int_equal(mtm_check_new(&c, &f, 1, NULL, 0, &o, &e), 0);
  assert_int_equal(mtm_check_add_full(c, 1, "s1", 0, main, 1, in, nin, &e), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_finding *fs;
  int n;
  assert_int_equal(mtm_check_finish(c, &a, &fs, &n, &e), 0);
  mtm_check_write_csv(csv, fs, n);
  const char *const *nt;
  int nn = mtm_check_notes(c, &nt);
  for (int i = 0; i < nn; i++) mtm_buf_printf(notes, "%s\n", nt[i]);
  mtm_arena_free(&a);
  mtm_check_free(c);
  mtm_form_free(f);
}

static void rules_inside_instances(void **state) {
  (void)state;
  char *main[] = {"3"};
  char *m1[] = {"Ana", "30", ""}, *m2[] = {"", "150", "yes"};
  char *k1[] = {"4", "Liceum"}, *k2[] = {"200", ""};
  mtm_check_instance in[] = {{"members", 1, m1, 3}, {"members", 2, m2, 3},
                             {"kids", 1, k1, 2},    {"kids", 2, k2, 2}};
  mtm_buf csv, notes;
  mtm_buf_init(&csv);
  mtm_buf_init(&notes);
  run(in, 4, main, &csv, &notes);
  assert_string_equal(
      csv.p,
      "uuid,repeat,instance,question,value,rule,severity,message\n"
      "s1,,,n_members,3,constraint,error,fails the constraint . = count(${m_name})\n"
      "s1,members,2,m_name,,required,error,'m_name' is required but has no answer\n"
      "s1,members,2,m_age,150,constraint,error,fails the constraint . < 120\n"
      "s1,members,2,m_head,yes,relevance,warning,answered although not relevant (relevant: "
      "position() = 1)\n"
      "s1,kids,1,k_school,Liceum,relevance,warning,answered although not relevant (relevant: "
      "${k_age} >= 6)\n");
  /* k_age < ${m_age} names the enclosing repeat: left out, with a note. */
  assert_non_null(strstr(notes.p, "the rules of 'k_age' name a question of an enclosing repeat"));
  mtm_buf_free(&csv);
  mtm_buf_free(&notes);
}

static void count_sees_every_instance(void **state) {
  (void)state;
  char *main[] = {"2"};
  char *m1[] = {"Ana", "30", ""}, *m2[] = {"Bo", "3", ""};
  mtm_check_instance in[] = {{"members", 1, m1, 3}, {"members", 2, m2, 3}};
  mtm_buf csv, notes;
  mtm_buf_init(&csv);
  mtm_buf_init(&notes);
  run(in, 2, main, &csv, &notes);
  assert_string_equal(csv.p, "uuid,repeat,instance,question,value,rule,severity,message\n");
  mtm_buf_free(&csv);
  mtm_buf_free(&notes);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rules_inside_instances),
      cmocka_unit_test(count_sees_every_instance),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
