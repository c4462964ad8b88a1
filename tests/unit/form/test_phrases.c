/* The report::LANG columns of an XLSForm (a finding's phrase for a
 * question, for an answer): read per language, kept only in the asked
 * language, checked when the form is read (placeholders), refused naming
 * sheet, row, column and question, left out with a warning when lenient. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on
#include <stdio.h>
#include <string.h>

#include "form/form.h"

/* A form with phrases in English and Russian; extra is one more survey
 * row (with a phrase in the English column) or "", choice one more choice
 * row or "". */
static int read_form2(const char *extra, const char *choice, mtm_form **f, mtm_err *err,
                      int flags) {
  char md[4096];
  snprintf(md, sizeof md,
           "| survey |\n"
           "| | type | name | label::English (en) | label::Русский (ru) | report::English (en) | "
           "report::Русский (ru) |\n"
           "| | select_one yn | contract | Written contract? | Письменный договор? | {share} of "
           "respondents have a written contract | {share} респондентов "
           "{имеет\\|имеют\\|имеют} письменный договор |\n"
           "| | select_one sex | sex | Sex | Пол | | |\n"
           "| | integer | age | Age | Возраст | Half of the respondents are under {median} | |\n"
           "%s"
           "| choices |\n"
           "| | list_name | name | label::English (en) | label::Русский (ru) | report::English (en) | "
           "report::Русский (ru) |\n"
           "| | yn | yes | Yes | Да | | |\n"
           "| | yn | no | No | Нет | | |\n"
           "| | sex | female | Female | Женский | were women | {была женщиной\\|были "
           "женщинами\\|были женщинами} |\n"
           "| | sex | male | Male | Мужской | were men | |\n"
           "%s",
           extra, choice);
  mtm_err_clear(err);
  return mtm_form_read_mem_opts(md, strlen(md), "phrases.md", flags, NULL, 0, f, err);
}

static int read_form(const char *extra, mtm_form **f, mtm_err *err, int flags) {
  return read_form2(extra, "", f, err, flags);
}

static void phrases_are_read_per_language(void **state) {
  (void)state;
  mtm_form *f;
  mtm_err err;
  assert_int_equal(read_form("", &f, &err, 0), 0);
  int en = mtm_form_lang(f, "en"), ru = mtm_form_lang(f, "ru");
  assert_int_equal(f->nlangs, 2); /* report:: adds no language of its own */
  const mtm_question *q = mtm_form_question(f, "contract");
  assert_string_equal(mtm_form_report_phrase(f, q->reports, en),
                      "{share} of respondents have a written contract");
  assert_string_equal(mtm_form_report_phrase(f, q->reports, ru),
                      "{share} респондентов {имеет|имеют|имеют} письменный договор");
  /* only the asked language: no English phrase in a Russian report */
  q = mtm_form_question(f, "age");
  assert_string_equal(mtm_form_report_phrase(f, q->reports, en),
                      "Half of the respondents are under {median}");
  assert_null(mtm_form_report_phrase(f, q->reports, ru));
  assert_null(mtm_form_report_phrase(f, mtm_form_question(f, "sex")->reports, en));
  const mtm_choice_list *l = mtm_form_question(f, "sex")->list;
  assert_string_equal(mtm_form_report_phrase(f, mtm_form_choice(l, "male")->reports, en), "were men");
  assert_null(mtm_form_report_phrase(f, mtm_form_choice(l, "male")->reports, ru));
  assert_string_equal(mtm_form_report_phrase(f, mtm_form_choice(l, "female")->reports, ru),
                      "{была женщиной|были женщинами|были женщинами}");
  /* the phrase columns are not choice filter columns */
  assert_null(mtm_form_choice(l, "male")->filter_cols);
  mtm_form_free(f);
}

/* The form with one bad row is refused with msg in the error, naming
 * the survey sheet, row 6 (of the Markdown file) and the report column. */
static void refused(const char *row, const char *msg) {
  mtm_form *f = NULL;
  mtm_err err;
  assert_int_equal(read_form(row, &f, &err, 0), MTM_EINVAL);
  assert_null(f);
  char line[2048];
  mtm_err_format(&err, line, sizeof line);
  if (!strstr(line, msg) || !strstr(line, "row 6") || !strstr(line, "report::English (en)"))
    fail_msg("unexpected error: %s", line);
}

static void bad_phrases_are_refused(void **state) {
  (void)state;
  refused("| | select_one yn | rent | Rent? | Аренда? | Most respondents rent | |\n", "no {share}");
  refused("| | select_one yn | rent | Rent? | Аренда? | {shares} of respondents rent | |\n",
          "'{shares}' is not a placeholder");
  refused("| | integer | size | Size | Размер | {share} of households | |\n",
          "'{share}' is not a placeholder");
  refused("| | integer | size | Size | Размер | Households are large | |\n", "no {mean} or {median}");
  refused("| | text | name | Name | Имя | {share} named | |\n", "only for select and number questions");
  /* an answer's phrase holds no placeholder: the choices sheet, its row */
  mtm_form *f = NULL;
  mtm_err err;
  assert_int_equal(read_form2("", "| | sex | other | Other | Другой | {share} were neither | |\n", &f,
                              &err, 0),
                   MTM_EINVAL);
  char line[2048];
  mtm_err_format(&err, line, sizeof line);
  if (!strstr(line, "sheet 'choices', row 12, column 'report::English (en)'") ||
      !strstr(line, "a choice's phrase holds none"))
    fail_msg("unexpected error: %s", line);
}

static void lenient_read_leaves_bad_phrases_out(void **state) {
  (void)state;
  mtm_form *f;
  mtm_err err;
  assert_int_equal(read_form("| | select_one yn | rent | Rent? | Аренда? | Most rent | |\n", &f, &err,
                             MTM_FORM_LENIENT),
                   0);
  assert_int_equal(f->nwarnings, 1);
  assert_non_null(strstr(f->warnings[0].msg, "no {share}"));
  assert_null(mtm_form_report_phrase(f, mtm_form_question(f, "rent")->reports, 0));
  mtm_form_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(phrases_are_read_per_language),
      cmocka_unit_test(bad_phrases_are_refused),
      cmocka_unit_test(lenient_read_leaves_bad_phrases_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
