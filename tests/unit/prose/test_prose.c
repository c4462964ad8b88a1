/* Unit tests of prose: numbers, words, plural agreement, rounding of
 * shares, sentences, dates and the text catalogue, in English and Russian. */
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
#define EXPECT(want, call)          \
  do {                              \
    mtm_buf b_;                     \
    mtm_buf_init(&b_);              \
    mtm_buf *b = &b_;               \
    call;                           \
    assert_string_equal(b_.p ? b_.p : "", want); \
    mtm_buf_free(&b_);              \
  } while (0)

static void lang_parse_accepts_en_and_ru_only(void **state) {
  (void)state;
  assert_int_equal(mtm_prose_lang_parse("en"), EN);
  assert_int_equal(mtm_prose_lang_parse("RU"), RU);
  assert_int_equal(mtm_prose_lang_parse("kk"), -1);
  assert_int_equal(mtm_prose_lang_parse(""), -1);
  assert_int_equal(mtm_prose_lang_parse(NULL), -1);
}

static void counts_are_grouped(void **state) {
  (void)state;
  EXPECT("0", mtm_prose_count(b, EN, 0));
  EXPECT("999", mtm_prose_count(b, EN, 999));
  EXPECT("1,000", mtm_prose_count(b, EN, 1000));
  EXPECT("724,534", mtm_prose_count(b, EN, 724534));
  EXPECT("1,000,000", mtm_prose_count(b, EN, 1000000));
  EXPECT("-1,234", mtm_prose_count(b, EN, -1234));
  EXPECT("1,130", mtm_prose_count(b, EN, 1129.5));
  EXPECT("1,129", mtm_prose_count(b, EN, 1129.49));
  EXPECT("0", mtm_prose_count(b, EN, -0.4));
  EXPECT("\xE2\x80\x94", mtm_prose_count(b, EN, NAN));
  EXPECT("0", mtm_prose_count(b, RU, 0));
  EXPECT("999", mtm_prose_count(b, RU, 999));
  EXPECT("1" NB "000", mtm_prose_count(b, RU, 1000));
  EXPECT("724" NB "534", mtm_prose_count(b, RU, 724534));
  EXPECT("1" NB "000" NB "000", mtm_prose_count(b, RU, 1000000));
  EXPECT("-56" NB "112", mtm_prose_count(b, RU, -56112));
  EXPECT("\xE2\x80\x94", mtm_prose_count(b, RU, INFINITY));
}

static void percentages_in_both_styles(void **state) {
  (void)state;
  EXPECT("55%", mtm_prose_percent(b, EN, 0.55, 0));
  EXPECT("55.5%", mtm_prose_percent(b, EN, 0.555, 1));
  EXPECT("57%", mtm_prose_percent(b, EN, 0.565, 0));
  EXPECT("56%", mtm_prose_percent(b, EN, 0.5649, 0));
  EXPECT("40.6%", mtm_prose_percent(b, EN, 0.406, 1));
  EXPECT("0%", mtm_prose_percent(b, EN, 0.004, 0));
  EXPECT("1%", mtm_prose_percent(b, EN, 0.005, 0));
  EXPECT("100%", mtm_prose_percent(b, EN, 1.0, 0));
  EXPECT("55.0%", mtm_prose_percent(b, EN, 0.55, 1));
  EXPECT("-4%", mtm_prose_percent(b, EN, -0.04, 0));
  EXPECT("12.346%", mtm_prose_percent(b, EN, 0.1234567, 7));
  EXPECT("\xE2\x80\x94", mtm_prose_percent(b, EN, NAN, 0));
  EXPECT("55" NB "%", mtm_prose_percent(b, RU, 0.55, 0));
  EXPECT("55,5" NB "%", mtm_prose_percent(b, RU, 0.555, 1));
  EXPECT("0,5" NB "%", mtm_prose_percent(b, RU, 0.005, 1));
  EXPECT("\xE2\x80\x94", mtm_prose_percent(b, RU, NAN, 1));
  /* A rounded share k / 100.0 prints as exactly k (0.29 * 100 is 28.999...). */
  for (int k = 0; k <= 100; k++) {
    char want[16];
    snprintf(want, sizeof want, "%d%%", k);
    EXPECT(want, mtm_prose_percent(b, EN, k / 100.0, 0));
    assert_int_equal(mtm_prose_whole_percent(k / 100.0), k);
  }
  assert_int_equal(mtm_prose_whole_percent(0.125), 13);
  assert_int_equal(mtm_prose_whole_percent(0.145), 15);
  assert_int_equal(mtm_prose_whole_percent(-0.125), -13);
  assert_int_equal(mtm_prose_whole_percent(NAN), 0);
}

static void english_number_words(void **state) {
  (void)state;
  EXPECT("zero", mtm_prose_number_words(b, EN, 0, 0));
  EXPECT("seven", mtm_prose_number_words(b, EN, 7, 0));
  EXPECT("thirteen", mtm_prose_number_words(b, EN, 13, 0));
  EXPECT("twenty", mtm_prose_number_words(b, EN, 20, 0));
  EXPECT("fifty-five", mtm_prose_number_words(b, EN, 55, 0));
  EXPECT("Fifty-five", mtm_prose_number_words(b, EN, 55, 1));
  EXPECT("ninety-nine", mtm_prose_number_words(b, EN, 99, 0));
  EXPECT("one hundred", mtm_prose_number_words(b, EN, 100, 0));
  EXPECT("one hundred and five", mtm_prose_number_words(b, EN, 105, 0));
  EXPECT("three hundred and forty-two", mtm_prose_number_words(b, EN, 342, 0));
  EXPECT("nine hundred and eleven", mtm_prose_number_words(b, EN, 911, 0));
  EXPECT("One thousand", mtm_prose_number_words(b, EN, 1000, 1));
  EXPECT("1,001", mtm_prose_number_words(b, EN, 1001, 1));
  EXPECT("-3", mtm_prose_number_words(b, EN, -3, 0));
}

static void russian_number_words(void **state) {
  (void)state;
  EXPECT("ноль", mtm_prose_number_words(b, RU, 0, 0));
  EXPECT("один", mtm_prose_number_words(b, RU, 1, 0));
  EXPECT("одиннадцать", mtm_prose_number_words(b, RU, 11, 0));
  EXPECT("пятьдесят пять", mtm_prose_number_words(b, RU, 55, 0));
  EXPECT("Пятьдесят пять", mtm_prose_number_words(b, RU, 55, 1));
  EXPECT("Сорок", mtm_prose_number_words(b, RU, 40, 1));
  EXPECT("Двадцать один", mtm_prose_number_words(b, RU, 21, 1));
  EXPECT("Семь", mtm_prose_number_words(b, RU, 7, 1));
  EXPECT("Тысяча", mtm_prose_number_words(b, RU, 1000, 1));
  EXPECT("сто", mtm_prose_number_words(b, RU, 100, 0));
  EXPECT("сто пять", mtm_prose_number_words(b, RU, 105, 0));
  EXPECT("двести двенадцать", mtm_prose_number_words(b, RU, 212, 0));
  EXPECT("девятьсот девяносто девять", mtm_prose_number_words(b, RU, 999, 0));
  EXPECT("Шестьсот", mtm_prose_number_words(b, RU, 600, 1));
  EXPECT("Четыреста", mtm_prose_number_words(b, RU, 400, 1));
  EXPECT("Ноль", mtm_prose_number_words(b, RU, 0, 1));
  EXPECT("1" NB "500", mtm_prose_number_words(b, RU, 1500, 0));
}

static void russian_plural_categories(void **state) {
  (void)state;
  static const struct { long n; int cat; } cases[] = {
      {0, 2},  {1, 0},  {2, 1},  {3, 1},   {4, 1},   {5, 2},   {11, 2},  {12, 2},
      {14, 2}, {20, 2}, {21, 0}, {22, 1},  {25, 2},  {100, 2}, {101, 0}, {111, 2},
      {112, 2}, {122, 1}, {1001, 0}, {-1, 0}, {-22, 1}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_int_equal(mtm_prose_plural_ru(cases[i].n), cases[i].cat);
  assert_string_equal(mtm_prose_plural(EN, 1, "respondent", "x", "respondents"), "respondent");
  assert_string_equal(mtm_prose_plural(EN, 2, "respondent", "x", "respondents"), "respondents");
  assert_string_equal(mtm_prose_plural(EN, 0, "respondent", "x", "respondents"), "respondents");
  assert_string_equal(mtm_prose_plural(RU, 3, "респондент", "респондента", "респондентов"),
                      "респондента");
}

/* A count before its noun agrees with it, the participle and adjective
 * too: 1, 21, 101, 1 121, 723 441 take the singular; 2-4 (not 12-14) the
 * "few" form; 5-20, 11-14, 25, 111 the genitive plural. */
static void counts_agree_with_their_nouns(void **state) {
  (void)state;
  static const struct { double n; const char *want; } cases[] = {
      {1, "1" NB "трудовой мигрант"},
      {2, "2" NB "трудовых мигранта"},
      {4, "4" NB "трудовых мигранта"},
      {5, "5" NB "трудовых мигрантов"},
      {11, "11" NB "трудовых мигрантов"},
      {12, "12" NB "трудовых мигрантов"},
      {14, "14" NB "трудовых мигрантов"},
      {21, "21" NB "трудовой мигрант"},
      {22, "22" NB "трудовых мигранта"},
      {25, "25" NB "трудовых мигрантов"},
      {101, "101" NB "трудовой мигрант"},
      {111, "111" NB "трудовых мигрантов"},
      {1121, "1" NB "121" NB "трудовой мигрант"},
      {723441, "723" NB "441" NB "трудовой мигрант"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mtm_buf b;
    mtm_buf_init(&b);
    mtm_prose_count_noun(&b, RU, cases[i].n, "трудовой мигрант", "трудовых мигранта",
                         "трудовых мигрантов");
    assert_string_equal(b.p, cases[i].want);
    mtm_buf_free(&b);
  }
  static const struct { long n; const char *want; } sel[] = {
      {1, "опрошен 1 респондент"},       {2, "опрошены 2 респондента"},
      {4, "опрошены 4 респондента"},     {5, "опрошено 5 респондентов"},
      {11, "опрошено 11 респондентов"},  {12, "опрошено 12 респондентов"},
      {14, "опрошено 14 респондентов"},  {21, "опрошен 21 респондент"},
      {22, "опрошены 22 респондента"},   {25, "опрошено 25 респондентов"},
      {101, "опрошен 101 респондент"},   {111, "опрошено 111 респондентов"},
      {1121, "опрошен 1121 респондент"}, {1122, "опрошены 1122 респондента"},
      {1125, "опрошено 1125 респондентов"}, {723441, "опрошен 723441 респондент"},
  };
  for (size_t i = 0; i < sizeof sel / sizeof sel[0]; i++) {
    char in[200];
    snprintf(in, sizeof in, "{опрошен|опрошены|опрошено} %ld {респондент|респондента|респондентов}",
             sel[i].n);
    mtm_buf b;
    mtm_buf_init(&b);
    mtm_prose_agree(&b, RU, sel[i].n, in);
    assert_string_equal(b.p, sel[i].want);
    mtm_buf_free(&b);
  }
  /* other braces are kept; English takes one for 1 only */
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_prose_agree(&b, RU, 3, "раунд {{round}}: {опрошен|опрошены|опрошено} {{count respondents}}");
  assert_string_equal(b.p, "раунд {{round}}: опрошены {{count respondents}}");
  mtm_buf_free(&b);
  mtm_buf_init(&b);
  mtm_prose_count_noun(&b, EN, 1, "respondent", "x", "respondents");
  assert_string_equal(b.p, "1 respondent");
  mtm_buf_free(&b);
  mtm_buf_init(&b);
  mtm_prose_count_noun(&b, EN, 1121, "respondent", "x", "respondents");
  assert_string_equal(b.p, "1,121 respondents");
  mtm_buf_free(&b);
}

static void percent_words_agree(void **state) {
  (void)state;
  EXPECT("Fifty-five per cent", mtm_prose_percent_words(b, EN, 0.55, 1));
  EXPECT("one per cent", mtm_prose_percent_words(b, EN, 0.01, 0));
  EXPECT("One hundred per cent", mtm_prose_percent_words(b, EN, 1.0, 1));
  EXPECT("Zero per cent", mtm_prose_percent_words(b, EN, 0.001, 1));
  EXPECT("\xE2\x80\x94", mtm_prose_percent_words(b, EN, NAN, 1));
  EXPECT("Ноль процентов", mtm_prose_percent_words(b, RU, 0.0, 1));
  EXPECT("Один процент", mtm_prose_percent_words(b, RU, 0.01, 1));
  EXPECT("Два процента", mtm_prose_percent_words(b, RU, 0.02, 1));
  EXPECT("три процента", mtm_prose_percent_words(b, RU, 0.03, 0));
  EXPECT("четыре процента", mtm_prose_percent_words(b, RU, 0.04, 0));
  EXPECT("Пять процентов", mtm_prose_percent_words(b, RU, 0.05, 1));
  EXPECT("Одиннадцать процентов", mtm_prose_percent_words(b, RU, 0.11, 1));
  EXPECT("Двенадцать процентов", mtm_prose_percent_words(b, RU, 0.12, 1));
  EXPECT("Четырнадцать процентов", mtm_prose_percent_words(b, RU, 0.14, 1));
  EXPECT("Двадцать процентов", mtm_prose_percent_words(b, RU, 0.20, 1));
  EXPECT("Двадцать один процент", mtm_prose_percent_words(b, RU, 0.21, 1));
  EXPECT("Двадцать два процента", mtm_prose_percent_words(b, RU, 0.22, 1));
  EXPECT("Двадцать пять процентов", mtm_prose_percent_words(b, RU, 0.25, 1));
  EXPECT("Пятьдесят пять процентов", mtm_prose_percent_words(b, RU, 0.55, 1));
  EXPECT("Сто процентов", mtm_prose_percent_words(b, RU, 1.0, 1));
  EXPECT("Сто один процент", mtm_prose_percent_words(b, RU, 1.01, 1));
  EXPECT("Пятьдесят семь процентов", mtm_prose_percent_words(b, RU, 0.565, 1));
  EXPECT("48 per cent", mtm_prose_percent_phrase(b, EN, 0.48));
  EXPECT("1 per cent", mtm_prose_percent_phrase(b, EN, 0.01));
  EXPECT("21 процент", mtm_prose_percent_phrase(b, RU, 0.21));
  EXPECT("22 процента", mtm_prose_percent_phrase(b, RU, 0.22));
  EXPECT("12 процентов", mtm_prose_percent_phrase(b, RU, 0.12));
  EXPECT("0 процентов", mtm_prose_percent_phrase(b, RU, 0.0));
}

static void changes_between_rounds(void **state) {
  (void)state;
  EXPECT("up from 48 per cent in Round 1", mtm_prose_change(b, EN, 0.62, 0.48, 1));
  EXPECT("down from 61 per cent in Round 1", mtm_prose_change(b, EN, 0.55, 0.61, 1));
  EXPECT("unchanged from Round 1", mtm_prose_change(b, EN, 0.554, 0.546, 1));
  EXPECT("up from 1 per cent in Round 3", mtm_prose_change(b, EN, 0.03, 0.01, 3));
  EXPECT("no comparable figure for Round 1", mtm_prose_change(b, EN, 0.5, NAN, 1));
  EXPECT("рост с 48" NB "% в раунде" NB "1", mtm_prose_change(b, RU, 0.62, 0.48, 1));
  EXPECT("снижение с 61" NB "% в раунде" NB "1", mtm_prose_change(b, RU, 0.55, 0.61, 1));
  EXPECT("без изменений по сравнению с раундом" NB "1", mtm_prose_change(b, RU, 0.55, 0.551, 1));
  EXPECT("нет сопоставимых данных за раунд" NB "2", mtm_prose_change(b, RU, NAN, 0.5, 2));
  EXPECT("+7 pp", mtm_prose_points(b, EN, 0.27, 0.20));
  EXPECT("\xE2\x88\x92" "24 pp", mtm_prose_points(b, EN, 0.08, 0.32));
  EXPECT("0 pp", mtm_prose_points(b, EN, 0.5, 0.5));
  EXPECT("+37" NB "п." NB "п.", mtm_prose_points(b, RU, 0.89, 0.52));
  EXPECT("\xE2\x80\x94", mtm_prose_points(b, RU, 0.89, NAN));
  EXPECT("Round 2", mtm_prose_round(b, EN, 2, 0));
  EXPECT("раунд" NB "2", mtm_prose_round(b, RU, 2, 0));
  EXPECT("Раунд" NB "2", mtm_prose_round(b, RU, 2, 1));
}

static void rounding_thirds(void **state) {
  (void)state;
  double f[3] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
  int out[3];
  mtm_prose_round_shares(f, 3, out);
  assert_int_equal(out[0], 34);
  assert_int_equal(out[1], 33);
  assert_int_equal(out[2], 33);
}

static void rounding_half_boundaries(void **state) {
  (void)state;
  int out[4];
  /* 56.5 and 40.5 tie on the remainder: the larger fraction wins. */
  double a[3] = {0.565, 0.405, 0.03};
  mtm_prose_round_shares(a, 3, out);
  assert_int_equal(out[0], 57);
  assert_int_equal(out[1], 40);
  assert_int_equal(out[2], 3);
  /* Same remainders, smaller first: still the larger fraction. */
  double c[3] = {0.405, 0.565, 0.03};
  mtm_prose_round_shares(c, 3, out);
  assert_int_equal(out[0], 40);
  assert_int_equal(out[1], 57);
  assert_int_equal(out[2], 3);
  /* Four halves: two points to hand out, to the two largest. */
  double d[4] = {0.125, 0.375, 0.125, 0.375};
  mtm_prose_round_shares(d, 4, out);
  assert_int_equal(out[0], 12);
  assert_int_equal(out[1], 38);
  assert_int_equal(out[2], 12);
  assert_int_equal(out[3], 38);
  /* Equal fractions and remainders: the lower index. */
  double e[2] = {0.505, 0.495};
  mtm_prose_round_shares(e, 2, out);
  assert_int_equal(out[0], 51);
  assert_int_equal(out[1], 49);
  double g[4] = {0.25, 0.25, 0.25, 0.25};
  mtm_prose_round_shares(g, 4, out);
  for (int i = 0; i < 4; i++) assert_int_equal(out[i], 25);
}

static void rounding_published_levels(void **state) {
  (void)state;
  /* The published nationality table: 707, 217, 105, 54, 18 of 1,101,
   * published as 64, 20, 10, 5, 2 (101). Remainders .21 .71 .54 .90 .63:
   * the three missing points go to Kyrgyzstan, Russia and Azerbaijan. */
  double n[5] = {707, 217, 105, 54, 18};
  double f[5];
  int out[5], sum = 0;
  for (int i = 0; i < 5; i++) f[i] = n[i] / 1101.0;
  mtm_prose_round_shares(f, 5, out);
  int want[5] = {64, 20, 9, 5, 2};
  for (int i = 0; i < 5; i++) {
    assert_int_equal(out[i], want[i]);
    sum += out[i];
  }
  assert_int_equal(sum, 100);
}

static void rounding_leaves_nan_out(void **state) {
  (void)state;
  double f[4] = {0.5, NAN, 0.25, 0.25};
  int out[4];
  mtm_prose_round_shares(f, 4, out);
  assert_int_equal(out[0], 50);
  assert_int_equal(out[1], -1);
  assert_int_equal(out[2], 25);
  assert_int_equal(out[3], 25);
  double g[3] = {NAN, 2.0 / 3, 1.0 / 3};
  mtm_prose_round_shares(g, 3, out);
  assert_int_equal(out[0], -1);
  assert_int_equal(out[1], 67);
  assert_int_equal(out[2], 33);
  double h[2] = {NAN, NAN};
  mtm_prose_round_shares(h, 2, out);
  assert_int_equal(out[0], -1);
  assert_int_equal(out[1], -1);
  /* Fractions of a subset that add to 0.6 round to a total of 60. */
  double p[3] = {0.2, 0.2, 0.2};
  mtm_prose_round_shares(p, 3, out);
  assert_int_equal(out[0] + out[1] + out[2], 60);
  mtm_prose_round_shares(p, 0, out); /* nothing to do, no crash */
}

static void rounding_many_levels(void **state) {
  (void)state;
  /* 70 equal levels use the heap path; 100/70 each: 30 get 2, 40 get 1. */
  double f[70];
  int out[70], sum = 0, twos = 0;
  for (int i = 0; i < 70; i++) f[i] = 1.0 / 70;
  mtm_prose_round_shares(f, 70, out);
  for (int i = 0; i < 70; i++) {
    sum += out[i];
    twos += out[i] == 2;
    assert_int_equal(out[i], i < 30 ? 2 : 1);
  }
  assert_int_equal(sum, 100);
  assert_int_equal(twos, 30);
}

static void share_sentences(void **state) {
  (void)state;
  const char *en_parts[2] = {"women", "men"};
  const char *ru_parts[2] = {"женщины", "мужчины"};
  double parts[2] = {0.61, 0.54};
  EXPECT("Fifty-five per cent of respondents work without a written contract (women 61%, "
         "men 54%).",
         mtm_prose_share_sentence(b, EN, 0.55, "of respondents work without a written contract",
                                  2, en_parts, parts));
  EXPECT("Пятьдесят пять процентов респондентов работают без письменного договора (женщины "
         "61" NB "%, мужчины 54" NB "%).",
         mtm_prose_share_sentence(b, RU, 0.55,
                                  "респондентов {работает|работают|работают} без письменного "
                                  "договора",
                                  2, ru_parts, parts));
  EXPECT("Двадцать один процент респондентов работает без письменного договора.",
         mtm_prose_share_sentence(b, RU, 0.21,
                                  "респондентов {работает|работают|работают} без письменного "
                                  "договора",
                                  0, NULL, NULL));
  EXPECT("One per cent of respondents has no income.",
         mtm_prose_share_sentence(b, EN, 0.01, "of respondents {has|x|have} no income", 0, NULL,
                                  NULL));
  EXPECT("Two per cent of respondents have no income.",
         mtm_prose_share_sentence(b, EN, 0.02, "of respondents {has|x|have} no income", 0, NULL,
                                  NULL));
  /* a hidden group is left out, never a dash; none left: no brackets */
  double with_nan[2] = {NAN, 0.54}, all_nan[2] = {NAN, NAN};
  EXPECT("Fifty-five per cent of respondents are married (men 54%).",
         mtm_prose_share_sentence(b, EN, 0.55, "of respondents are married", 2, en_parts,
                                  with_nan));
  EXPECT("Fifty-five per cent of respondents are married.",
         mtm_prose_share_sentence(b, EN, 0.55, "of respondents are married", 2, en_parts,
                                  all_nan));
  EXPECT("Fifty per cent {of respondents.",
         mtm_prose_share_sentence(b, EN, 0.5, "{of respondents", 0, NULL, NULL));
  EXPECT("", mtm_prose_share_sentence(b, EN, NAN, "of respondents", 2, en_parts, parts));
}

static void lists_and_dates(void **state) {
  (void)state;
  const char *items[3] = {"Uzbekistan", "Russian Federation", "Tajikistan"};
  EXPECT("", mtm_prose_join(b, EN, 0, items));
  EXPECT("Uzbekistan", mtm_prose_join(b, EN, 1, items));
  EXPECT("Uzbekistan and Russian Federation", mtm_prose_join(b, EN, 2, items));
  EXPECT("Uzbekistan, Russian Federation and Tajikistan", mtm_prose_join(b, EN, 3, items));
  const char *ru[3] = {"Узбекистан", "Российская Федерация", "Таджикистан"};
  EXPECT("Узбекистан и Российская Федерация", mtm_prose_join(b, RU, 2, ru));
  EXPECT("Узбекистан, Российская Федерация и Таджикистан", mtm_prose_join(b, RU, 3, ru));
  EXPECT("March 2023", mtm_prose_month_year(b, EN, 2023, 3));
  EXPECT("март 2023", mtm_prose_month_year(b, RU, 2023, 3));
  EXPECT("2023-13", mtm_prose_month_year(b, EN, 2023, 13));
  EXPECT("15 March 2023", mtm_prose_date(b, EN, 2023, 3, 15));
  EXPECT("15 марта 2023" NB "г.", mtm_prose_date(b, RU, 2023, 3, 15));
  EXPECT("2023-00-15", mtm_prose_date(b, RU, 2023, 0, 15));
  EXPECT("March 2023", mtm_prose_period(b, EN, 2023, 3, 2023, 3));
  EXPECT("March\xE2\x80\x93" "April 2023", mtm_prose_period(b, EN, 2023, 3, 2023, 4));
  EXPECT("март\xE2\x80\x93" "апрель 2023", mtm_prose_period(b, RU, 2023, 3, 2023, 4));
  EXPECT("December 2022 \xE2\x80\x93 January 2023", mtm_prose_period(b, EN, 2022, 12, 2023, 1));
  EXPECT("декабрь 2022 \xE2\x80\x93 январь 2023", mtm_prose_period(b, RU, 2022, 12, 2023, 1));
  EXPECT("Q1 2023", mtm_prose_quarter(b, EN, 2023, 1));
  EXPECT("IV квартал 2022", mtm_prose_quarter(b, RU, 2022, 4));
  EXPECT("2023 Q5", mtm_prose_quarter(b, EN, 2023, 5));
}

static void ordinals_money_one_in(void **state) {
  (void)state;
  EXPECT("1st", mtm_prose_ordinal(b, EN, 1));
  EXPECT("2nd", mtm_prose_ordinal(b, EN, 2));
  EXPECT("3rd", mtm_prose_ordinal(b, EN, 3));
  EXPECT("4th", mtm_prose_ordinal(b, EN, 4));
  EXPECT("11th", mtm_prose_ordinal(b, EN, 11));
  EXPECT("12th", mtm_prose_ordinal(b, EN, 12));
  EXPECT("13th", mtm_prose_ordinal(b, EN, 13));
  EXPECT("21st", mtm_prose_ordinal(b, EN, 21));
  EXPECT("22nd", mtm_prose_ordinal(b, EN, 22));
  EXPECT("101st", mtm_prose_ordinal(b, EN, 101));
  EXPECT("111th", mtm_prose_ordinal(b, EN, 111));
  EXPECT("2-й", mtm_prose_ordinal(b, RU, 2));
  EXPECT("213,646 KZT", mtm_prose_money(b, EN, 213646, "KZT"));
  EXPECT("473 USD", mtm_prose_money(b, EN, 472.9, "USD"));
  EXPECT("213" NB "646" NB "KZT", mtm_prose_money(b, RU, 213646, "KZT"));
  EXPECT("1,000", mtm_prose_money(b, EN, 1000, NULL));
  EXPECT("1 in 2", mtm_prose_one_in(b, EN, 0.49));
  EXPECT("1 из 4", mtm_prose_one_in(b, RU, 0.25));
  EXPECT("\xE2\x80\x94", mtm_prose_one_in(b, EN, 0));
  EXPECT("\xE2\x80\x94", mtm_prose_one_in(b, EN, NAN));
}

static void texts_in_both_languages(void **state) {
  (void)state;
  assert_string_equal(mtm_prose_text(EN, "women"), "Women");
  assert_string_equal(mtm_prose_text(RU, "women"), "Женщины");
  assert_string_equal(mtm_prose_text(EN, "men"), "Men");
  assert_string_equal(mtm_prose_text(RU, "men"), "Мужчины");
  assert_string_equal(mtm_prose_text(EN, "total"), "Total");
  assert_string_equal(mtm_prose_text(RU, "total"), "Всего");
  assert_string_equal(mtm_prose_text(RU, "round"), "Раунд");
  assert_string_equal(mtm_prose_text(EN, "methodology"), "Methodology");
  assert_string_equal(mtm_prose_text(RU, "methodology"), "Методология");
  assert_string_equal(mtm_prose_text(RU, "not_assessed"), "Не оценивалось");
  assert_string_equal(mtm_prose_text(EN, "suppressed_note"),
                      "Figures based on fewer than 5 respondents are not shown.");
  assert_string_equal(mtm_prose_text(7, "table"), "Table"); /* any other language: English */
  assert_non_null(strstr(mtm_prose_text(EN, "method_ki"), "local authorities, community "
                                                          "leaders, teachers and religious "
                                                          "leaders"));
  assert_non_null(strstr(mtm_prose_text(EN, "method_ki_consolidation"), "median"));
  assert_non_null(strstr(mtm_prose_text(RU, "method_ki_consolidation"), "медиана"));
  assert_non_null(strstr(mtm_prose_text(EN, "method_sampling"), "not representative"));
  assert_non_null(strstr(mtm_prose_text(EN, "method_data_protection"), "fewer than 5"));
  assert_non_null(strstr(mtm_prose_text(EN, "method_data_protection"), "phone numbers"));
}

static void unknown_text_id_returns_itself(void **state) {
  (void)state;
  assert_string_equal(mtm_prose_text(EN, "no_such_text"), "no_such_text");
  assert_string_equal(mtm_prose_text(RU, "Women"), "Women"); /* ids are case-sensitive */
  assert_string_equal(mtm_prose_text(RU, ""), "");
  assert_string_equal(mtm_prose_text(EN, NULL), "");
  assert_int_equal(mtm_prose_text_known("no_such_text"), 0);
  assert_int_equal(mtm_prose_text_known(NULL), 0);
  assert_int_equal(mtm_prose_text_known("limitations"), 1);
  assert_null(mtm_prose_text_id(-1));
  assert_null(mtm_prose_text_id(mtm_prose_text_count()));
}

/* Every id has both languages, distinct ids, no untranslated Russian
 * (some Cyrillic letter), and appears in the list of prose.h. */
static void catalogue_is_complete_and_documented(void **state) {
  (void)state;
  mtm_buf h;
  mtm_buf_init(&h);
  assert_int_equal(mtm_buf_read_file(&h, "src/prose/prose.h", NULL), 0);
  const char *list = strstr(h.p, "Text ids of mtm_prose_text");
  assert_non_null(list);
  static const char *const required[] = {
      "women", "men", "total", "round", "figure", "table", "source", "not_assessed",
      "suppressed_note", "n_respondents", "cover", "about", "methodology", "key_highlights",
      "baseline", "survey_findings", "nationality_profiles", "changes", "annex_indicators",
      "limitations", "about_purpose", "about_populations", "about_periods",
      "def_international_migrant_workers", "def_return_migrants", "def_emigrants",
      "method_ki", "method_ki_consolidation", "method_verification", "method_sampling",
      "method_inclusion", "method_weighting", "method_data_protection", "limit_sample"};
  for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
    assert_true(mtm_prose_text_known(required[i]));
  int n = mtm_prose_text_count();
  assert_true(n >= 100);
  for (int i = 0; i < n; i++) {
    const char *id = mtm_prose_text_id(i);
    const char *en = mtm_prose_text(EN, id), *ru = mtm_prose_text(RU, id);
    assert_true(en[0] != '\0');
    assert_true(ru[0] != '\0');
    assert_string_not_equal(en, id);
    assert_non_null(strstr(ru, "\xD0")); /* Cyrillic */
    for (int j = 0; j < i; j++) assert_string_not_equal(mtm_prose_text_id(j), id);
    char pat[80];
    snprintf(pat, sizeof pat, " *   %s ", id);
    if (!strstr(list, pat)) fail_msg("text id '%s' is not listed in prose.h", id);
  }
  mtm_buf_free(&h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lang_parse_accepts_en_and_ru_only),
      cmocka_unit_test(counts_are_grouped),
      cmocka_unit_test(percentages_in_both_styles),
      cmocka_unit_test(english_number_words),
      cmocka_unit_test(russian_number_words),
      cmocka_unit_test(russian_plural_categories),
      cmocka_unit_test(counts_agree_with_their_nouns),
      cmocka_unit_test(percent_words_agree),
      cmocka_unit_test(changes_between_rounds),
      cmocka_unit_test(rounding_thirds),
      cmocka_unit_test(rounding_half_boundaries),
      cmocka_unit_test(rounding_published_levels),
      cmocka_unit_test(rounding_leaves_nan_out),
      cmocka_unit_test(rounding_many_levels),
      cmocka_unit_test(share_sentences),
      cmocka_unit_test(lists_and_dates),
      cmocka_unit_test(ordinals_money_one_in),
      cmocka_unit_test(texts_in_both_languages),
      cmocka_unit_test(unknown_text_id_returns_itself),
      cmocka_unit_test(catalogue_is_complete_and_documented),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
