/* Unit tests of prose's findings: an author's report::LANG template filled
 * with a share, an answer, a breakdown and numbers, its tile caption, and
 * the wording when the form gives no phrase ("Sex: men 84%, women 16%"),
 * in English and Russian. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "prose/prose.h"

#define EN MTM_PROSE_EN
#define RU MTM_PROSE_RU
#define NB "\xC2\xA0"

/* Runs one appending call on a fresh buffer and compares its text. */
#define EXPECT(want, call)                       \
  do {                                           \
    mtm_buf b_;                                  \
    mtm_buf_init(&b_);                           \
    mtm_buf *b = &b_;                            \
    call;                                        \
    assert_string_equal(b_.p ? b_.p : "", want); \
    mtm_buf_free(&b_);                           \
  } while (0)

static const char *const sexes_en[] = {"women", "men"};
static const char *const sexes_ru[] = {"женщины", "мужчины"};
static const double parts[] = {0.61, 0.54};

/* A share slot with the breakdown by sex. */
static mtm_prose_slots share_slots(double share, const char *answer, int lang) {
  mtm_prose_slots s = {share, answer, NULL, NULL, 0, 2, lang == RU ? sexes_ru : sexes_en, parts};
  return s;
}

static void template_starting_with_share_is_in_words(void **state) {
  (void)state;
  mtm_prose_slots s = share_slots(0.55, NULL, EN);
  EXPECT("Fifty-five per cent of respondents work without a written contract (women 61%, men 54%)",
         mtm_prose_finding(b, EN, "{share} of respondents work without a written contract", &s));
  /* a final stop of the template is the caller's to write */
  EXPECT("Fifty-five per cent of respondents work without a written contract (women 61%, men 54%)",
         mtm_prose_finding(b, EN, "{share} of respondents work without a written contract.", &s));
  s = share_slots(0.55, NULL, RU);
  EXPECT("Пятьдесят пять процентов респондентов работают без письменного договора (женщины 61" NB
         "%, мужчины 54" NB "%)",
         mtm_prose_finding(b, RU,
                           "{share} респондентов {работает|работают|работают} без письменного "
                           "договора",
                           &s));
}

static void share_inside_is_in_digits(void **state) {
  (void)state;
  mtm_prose_slots s = share_slots(0.84, NULL, EN);
  s.nparts = 0;
  EXPECT("Most respondents, 84%, were men",
         mtm_prose_finding(b, EN, "Most respondents, {share}, were men", &s));
  s = share_slots(0.84, NULL, RU);
  s.nparts = 0;
  EXPECT("Большинство респондентов (84" NB "%) — мужчины",
         mtm_prose_finding(b, RU, "Большинство респондентов ({share}) — мужчины", &s));
}

static void selectors_agree_with_the_whole_percent(void **state) {
  (void)state;
  const char *t = "{share} респондентов {работает|работают|работают} в строительстве";
  mtm_prose_slots s = share_slots(0.21, NULL, RU);
  s.nparts = 0;
  EXPECT("Двадцать один процент респондентов работает в строительстве",
         mtm_prose_finding(b, RU, t, &s));
  s.share = 0.23;
  EXPECT("Двадцать три процента респондентов работают в строительстве",
         mtm_prose_finding(b, RU, t, &s));
  /* an answer's phrase may hold selectors too */
  s.share = 0.22;
  s.answer = "{работает|работают|работают} в строительстве";
  EXPECT("Двадцать два процента респондентов работают в строительстве",
         mtm_prose_finding(b, RU, "{share} респондентов {answer}", &s));
}

static void answer_and_groups_go_where_written(void **state) {
  (void)state;
  mtm_prose_slots s = share_slots(0.38, "construction", EN);
  EXPECT("In construction work 38% of respondents (women 61%, men 54%)",
         mtm_prose_finding(b, EN, "In {answer} work {share} of respondents", &s));
  EXPECT("Of women 61%, men 54%, 38% work in construction",
         mtm_prose_finding(b, EN, "Of {groups}, {share} work in {answer}", &s));
}

static void hidden_parts_are_left_out_never_a_dash(void **state) {
  (void)state;
  static const double hidden[] = {NAN, 0.54};
  mtm_prose_slots s = {0.55, NULL, NULL, NULL, 0, 2, sexes_en, hidden};
  EXPECT("Fifty-five per cent of respondents rent (men 54%)",
         mtm_prose_finding(b, EN, "{share} of respondents rent", &s));
  static const double none[] = {NAN, NAN};
  s.part_shares = none;
  EXPECT("Fifty-five per cent of respondents rent",
         mtm_prose_finding(b, EN, "{share} of respondents rent", &s));
}

static void number_templates(void **state) {
  (void)state;
  mtm_prose_slots s = {NAN, NULL, "34.2", "32", 32, 0, NULL, NULL};
  EXPECT("Half of the respondents are younger than 32 (average 34.2)",
         mtm_prose_finding(b, EN, "Half of the respondents are younger than {median} (average {mean})",
                           &s));
  s.agree = 21;
  s.median = "21";
  EXPECT("Половине респондентов не больше 21 года",
         mtm_prose_finding(b, RU, "Половине респондентов не больше {median} {года|лет|лет}", &s));
}

static void tile_caption_is_the_words_after_the_share(void **state) {
  (void)state;
  EXPECT("of respondents work without a written contract",
         assert_int_equal(1, mtm_prose_finding_caption(
                                 b, EN, "{share} of respondents work without a written contract.",
                                 0.55)));
  EXPECT("респондентов работает без договора",
         assert_int_equal(1, mtm_prose_finding_caption(
                                 b, RU, "{share} респондентов {работает|работают|работают} без договора",
                                 0.21)));
  /* not a caption: the share is not first, or the rest needs the answer */
  EXPECT("", assert_int_equal(0, mtm_prose_finding_caption(b, EN, "Most, {share}, rent", 0.5)));
  EXPECT("", assert_int_equal(0, mtm_prose_finding_caption(b, EN, "{share} of respondents {answer}",
                                                           0.5)));
}

static void fallback_lists_the_answers_after_the_label(void **state) {
  (void)state;
  static const char *const en[] = {"men", "women"};
  static const char *const ru[] = {"мужчины", "женщины"};
  static const double sh[] = {0.84, 0.16};
  EXPECT("Sex: men 84%, women 16%",
         assert_int_equal(2, mtm_prose_answers(b, EN, "Sex", 2, en, sh, 0, NULL, NULL)));
  EXPECT("Пол: мужчины 84" NB "%, женщины 16" NB "%",
         mtm_prose_answers(b, RU, "Пол", 2, ru, sh, 0, NULL, NULL));
  /* a label ending with a colon or a stop gets one colon */
  EXPECT("Sex: men 84%, women 16%", mtm_prose_answers(b, EN, "Sex:", 2, en, sh, 0, NULL, NULL));
  EXPECT("Sex: men 84%, women 16%", mtm_prose_answers(b, EN, "Sex.", 2, en, sh, 0, NULL, NULL));
}

static void fallback_after_a_question_mark_takes_a_capital(void **state) {
  (void)state;
  static const char *const en[] = {"yes", "no"};
  static const char *const ru[] = {"да", "нет"};
  static const double sh[] = {0.39, 0.61};
  EXPECT("Do you work? Yes 39% (women 61%, men 54%), no 61%",
         mtm_prose_answers(b, EN, "Do you work?", 2, en, sh, 2, sexes_en, parts));
  EXPECT("Вы работаете? Да 39" NB "% (женщины 61" NB "%, мужчины 54" NB "%), нет 61" NB "%",
         mtm_prose_answers(b, RU, "Вы работаете?", 2, ru, sh, 2, sexes_ru, parts));
}

static void fallback_parts_answers_ending_with_numbers_by_a_dash(void **state) {
  (void)state;
  static const char *const en[] = {"25 to 50%", "more than 50%"};
  static const double sh[] = {0.54, 0.46};
  EXPECT("Share of income sent: 25 to 50% \xE2\x80\x94 54%, more than 50% \xE2\x80\x94 46%",
         mtm_prose_answers(b, EN, "Share of income sent", 2, en, sh, 0, NULL, NULL));
}

static void fallback_leaves_hidden_answers_out(void **state) {
  (void)state;
  static const char *const en[] = {"construction", "trade", "mining"};
  static const double sh[] = {0.38, NAN, 0.02};
  static const double hidden[] = {NAN, 0.40};
  EXPECT("Sector: construction 38% (men 40%), mining 2%",
         mtm_prose_answers(b, EN, "Sector", 3, en, sh, 2, sexes_en, hidden));
  static const double none[] = {NAN, NAN, NAN};
  EXPECT("", assert_int_equal(0, mtm_prose_answers(b, EN, "Sector", 3, en, none, 0, NULL, NULL)));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(template_starting_with_share_is_in_words),
      cmocka_unit_test(share_inside_is_in_digits),
      cmocka_unit_test(selectors_agree_with_the_whole_percent),
      cmocka_unit_test(answer_and_groups_go_where_written),
      cmocka_unit_test(hidden_parts_are_left_out_never_a_dash),
      cmocka_unit_test(number_templates),
      cmocka_unit_test(tile_caption_is_the_words_after_the_share),
      cmocka_unit_test(fallback_lists_the_answers_after_the_label),
      cmocka_unit_test(fallback_after_a_question_mark_takes_a_capital),
      cmocka_unit_test(fallback_parts_answers_ending_with_numbers_by_a_dash),
      cmocka_unit_test(fallback_leaves_hidden_answers_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
