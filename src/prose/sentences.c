/* prose: sentences and phrases built from numbers: changes between rounds,
 * a share with its breakdown, lists, dates, ordinals, money. */
#include <math.h>
#include <string.h>

#include "prose/prose.h"

#define NBSP "\xC2\xA0"
#define EMDASH "\xE2\x80\x94"
#define ENDASH "\xE2\x80\x93"
#define MINUS "\xE2\x88\x92"

/* Appends "Round N" or "раунд N" (in the case the caller's phrase needs:
 * ru_case 0 nominative "раунд", 1 prepositional "раунде", 2 instrumental
 * "раундом"); capital capitalises the first letter. */
static void add_round(mtm_buf *b, int lang, int n, int ru_case, int capital) {
  if (lang == MTM_PROSE_RU) {
    static const char *const forms[3][2] = {
        {"раунд", "Раунд"}, {"раунде", "Раунде"}, {"раундом", "Раундом"}};
    /* a no-break space: "раунде" and its number never part at a line end */
    mtm_buf_printf(b, "%s\xC2\xA0%d", forms[ru_case][capital ? 1 : 0], n);
  } else {
    mtm_buf_printf(b, "%s %d", capital ? "Round" : "round", n);
  }
}

/* Appends "Round 2" / "раунд 2" ("Раунд 2" with capital). English always
 * capitalises Round, as IOM reports do. */
void mtm_prose_round(mtm_buf *b, int lang, int n, int capital) {
  add_round(b, lang, n, 0, lang == MTM_PROSE_RU ? capital : 1);
}

/* Appends the change from then to now, compared in whole percents:
 * "up from 48 per cent in Round 1", "down from 61 per cent in Round 1",
 * "unchanged from Round 1"; Russian "рост с 48 % в раунде 1", "снижение с
 * 61 % в раунде 1", "без изменений по сравнению с раундом 1". When either
 * figure is NaN: "no comparable figure for Round 1" / "нет сопоставимых
 * данных за раунд 1". */
void mtm_prose_change(mtm_buf *b, int lang, double now, double then, int then_round) {
  int ru = lang == MTM_PROSE_RU;
  if (!isfinite(now) || !isfinite(then)) {
    mtm_buf_adds(b, ru ? "нет сопоставимых данных за " : "no comparable figure for ");
    add_round(b, lang, then_round, 0, !ru);
    return;
  }
  int pn = mtm_prose_whole_percent(now), pt = mtm_prose_whole_percent(then);
  if (pn == pt) {
    mtm_buf_adds(b, ru ? "без изменений по сравнению с " : "unchanged from ");
    add_round(b, lang, then_round, 2, !ru);
    return;
  }
  if (ru) {
    mtm_buf_adds(b, pn > pt ? "рост с " : "снижение с ");
    mtm_prose_percent(b, lang, then, 0);
    mtm_buf_adds(b, " в ");
    add_round(b, lang, then_round, 1, 0);
  } else {
    mtm_buf_adds(b, pn > pt ? "up from " : "down from ");
    mtm_prose_percent_phrase(b, lang, then);
    mtm_buf_adds(b, " in ");
    add_round(b, lang, then_round, 0, 1);
  }
}

/* Appends the difference now - then in whole percentage points with its
 * sign: "+7 pp", "−4 pp" (U+2212 minus), "0 pp"; Russian "+7 п. п." with
 * no-break spaces. NaN in either gives an em dash. */
void mtm_prose_points(mtm_buf *b, int lang, double now, double then) {
  if (!isfinite(now) || !isfinite(then)) {
    mtm_buf_adds(b, EMDASH);
    return;
  }
  int d = mtm_prose_whole_percent(now) - mtm_prose_whole_percent(then);
  if (d > 0) mtm_buf_addc(b, '+');
  if (d < 0) mtm_buf_adds(b, MINUS);
  mtm_buf_printf(b, "%d", d < 0 ? -d : d);
  mtm_buf_adds(b, lang == MTM_PROSE_RU ? NBSP "п." NBSP "п." : " pp");
}

/* Appends the predicate, replacing each "{one|few|many}" by the form that
 * agrees with the whole percent p (English: one for 1, many otherwise).
 * Text that is not a complete selector is copied as it is. */
static void add_predicate(mtm_buf *b, int lang, const char *s, long p) {
  while (*s) {
    const char *open = strchr(s, '{');
    if (!open) break;
    const char *bar1 = strchr(open + 1, '|');
    const char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
    const char *close = bar2 ? strchr(bar2 + 1, '}') : NULL;
    const char *next = strchr(open + 1, '{');
    if (!close || (next && next < close)) {
      mtm_buf_add(b, s, (size_t)(open + 1 - s));
      s = open + 1;
      continue;
    }
    mtm_buf_add(b, s, (size_t)(open - s));
    const char *one = open + 1, *few = bar1 + 1, *many = bar2 + 1;
    const char *pick = mtm_prose_plural(lang, p, one, few, many);
    const char *end = pick == one ? bar1 : pick == few ? bar2 : close;
    mtm_buf_add(b, pick, (size_t)(end - pick));
    s = close + 1;
  }
  mtm_buf_adds(b, s);
}

/* Appends text with each "{one|few|many}" selector replaced by the form
 * agreeing with n (Russian one/few/many by mtm_prose_plural_ru; English
 * one for 1, many otherwise): "{опрошен|опрошены|опрошено}" gives
 * "опрошен" for 1 121. Other braces ("{{round}}") are copied as they are. */
void mtm_prose_agree(mtm_buf *b, int lang, long n, const char *text) {
  add_predicate(b, lang, text ? text : "", n);
}

/* Appends the count and the noun agreeing with it, joined by a no-break
 * space in Russian: "723 441 трудовой мигрант", "2 трудовых мигранта",
 * "5 трудовых мигрантов"; English "1 respondent", "2 respondents". The
 * noun may hold selectors too (see mtm_prose_agree). NaN: an em dash and
 * the many form. */
void mtm_prose_count_noun(mtm_buf *b, int lang, double v, const char *one, const char *few,
                          const char *many) {
  mtm_prose_count(b, lang, v);
  mtm_buf_adds(b, lang == MTM_PROSE_RU ? NBSP : " ");
  long n = isfinite(v) ? (long)floor(fabs(v) + 0.5) : 5;
  mtm_buf_adds(b, mtm_prose_plural(lang, n, one, few, many));
}

/* Appends a sentence: the share in words with a capital, the predicate,
 * then the parts in brackets, then a full stop:
 *   "Fifty-five per cent of respondents work without a written contract
 *    (women 61%, men 54%)."
 *   "Пятьдесят пять процентов респондентов работают без письменного
 *    договора (женщины 61 %, мужчины 54 %)."
 * predicate is the rest of the sentence after the percentage, in the
 * report's language, without the final stop ("of respondents work ...",
 * "респондентов работают ..."); it may hold "{one|few|many}" selectors
 * that agree with the whole percent (Russian "{работает|работают|
 * работают}"). A part whose share is NaN (hidden) is left out, never
 * written as a dash; no part left gives no brackets. A NaN share appends
 * nothing. */
void mtm_prose_share_sentence(mtm_buf *b, int lang, double share, const char *predicate,
                              int nparts, const char *const *part_names,
                              const double *part_shares) {
  if (!isfinite(share)) return;
  mtm_prose_percent_words(b, lang, share, 1);
  if (predicate && *predicate) {
    mtm_buf_addc(b, ' ');
    add_predicate(b, lang, predicate, mtm_prose_whole_percent(share));
  }
  int shown = 0; /* a hidden part is left out, never written as a dash */
  for (int i = 0; i < nparts; i++) {
    if (!part_shares || !isfinite(part_shares[i])) continue;
    mtm_buf_adds(b, shown++ ? ", " : " (");
    mtm_buf_adds(b, part_names && part_names[i] ? part_names[i] : "");
    mtm_buf_addc(b, ' ');
    mtm_prose_percent(b, lang, part_shares[i], 0);
  }
  if (shown) mtm_buf_addc(b, ')');
  mtm_buf_addc(b, '.');
}

/* Appends the items joined as a list: "A", "A and B", "A, B and C" (no
 * serial comma, as IOM's UK style); Russian "A и B", "A, B и C". NULL
 * items are written as empty strings; n <= 0 appends nothing. */
void mtm_prose_join(mtm_buf *b, int lang, int n, const char *const *items) {
  const char *and_ = lang == MTM_PROSE_RU ? " и " : " and ";
  for (int i = 0; i < n; i++) {
    if (i > 0) mtm_buf_adds(b, i == n - 1 ? and_ : ", ");
    mtm_buf_adds(b, items[i] ? items[i] : "");
  }
}

static const char *const en_months[12] = {"January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December"};
static const char *const ru_months_nom[12] = {"январь", "февраль", "март",     "апрель",
                                              "май",    "июнь",    "июль",     "август",
                                              "сентябрь", "октябрь", "ноябрь", "декабрь"};
static const char *const ru_months_gen[12] = {"января", "февраля", "марта",    "апреля",
                                              "мая",    "июня",    "июля",     "августа",
                                              "сентября", "октября", "ноября", "декабря"};

/* Appends the month name (nominative in Russian); false for a month out
 * of 1..12, after appending nothing. */
static int add_month(mtm_buf *b, int lang, int month) {
  if (month < 1 || month > 12) return 0;
  mtm_buf_adds(b, lang == MTM_PROSE_RU ? ru_months_nom[month - 1] : en_months[month - 1]);
  return 1;
}

/* Appends a month and year: "March 2023" / "март 2023" (lower case, as
 * Russian writes months; capitalise at the start of a line yourself). A
 * month out of 1..12 gives "2023-13". */
void mtm_prose_month_year(mtm_buf *b, int lang, int year, int month) {
  if (!add_month(b, lang, month)) {
    mtm_buf_printf(b, "%04d-%02d", year, month);
    return;
  }
  mtm_buf_printf(b, " %d", year);
}

/* Appends a day: "15 March 2023" / "15 марта 2023 г." (genitive month,
 * no-break spaces around "г."). An impossible month or day gives the ISO
 * form "2023-13-40". */
void mtm_prose_date(mtm_buf *b, int lang, int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    mtm_buf_printf(b, "%04d-%02d-%02d", year, month, day);
    return;
  }
  if (lang == MTM_PROSE_RU)
    mtm_buf_printf(b, "%d %s %d" NBSP "г.", day, ru_months_gen[month - 1], year);
  else
    mtm_buf_printf(b, "%d %s %d", day, en_months[month - 1], year);
}

/* Appends a period of months: "March 2023" when both ends are the same
 * month, "March–April 2023" (en dash) within one year, "December 2022 –
 * January 2023" across years; Russian "март–апрель 2023", "декабрь 2022 –
 * январь 2023". */
void mtm_prose_period(mtm_buf *b, int lang, int y1, int m1, int y2, int m2) {
  if (y1 == y2 && m1 == m2) {
    mtm_prose_month_year(b, lang, y1, m1);
  } else if (y1 == y2 && m1 >= 1 && m1 <= 12 && m2 >= 1 && m2 <= 12) {
    add_month(b, lang, m1);
    mtm_buf_adds(b, ENDASH);
    add_month(b, lang, m2);
    mtm_buf_printf(b, " %d", y2);
  } else {
    mtm_prose_month_year(b, lang, y1, m1);
    mtm_buf_adds(b, " " ENDASH " ");
    mtm_prose_month_year(b, lang, y2, m2);
  }
}

/* Appends a quarter: "Q1 2023" / "I квартал 2023". A quarter out of 1..4
 * gives "2023 Q5" in both languages. */
void mtm_prose_quarter(mtm_buf *b, int lang, int year, int quarter) {
  static const char *const roman[4] = {"I", "II", "III", "IV"};
  if (quarter < 1 || quarter > 4) {
    mtm_buf_printf(b, "%d Q%d", year, quarter);
    return;
  }
  if (lang == MTM_PROSE_RU)
    mtm_buf_printf(b, "%s квартал %d", roman[quarter - 1], year);
  else
    mtm_buf_printf(b, "Q%d %d", quarter, year);
}

/* Appends an ordinal in digits: "1st", "2nd", "3rd", "11th", "22nd",
 * "101st"; Russian "1-й", "2-й" (masculine, as in "2-й раунд"). */
void mtm_prose_ordinal(mtm_buf *b, int lang, int n) {
  if (lang == MTM_PROSE_RU) {
    mtm_buf_printf(b, "%d-й", n);
    return;
  }
  int a = n < 0 ? -n : n;
  const char *suf = "th";
  if (a % 100 < 11 || a % 100 > 13) {
    if (a % 10 == 1) suf = "st";
    else if (a % 10 == 2) suf = "nd";
    else if (a % 10 == 3) suf = "rd";
  }
  mtm_buf_printf(b, "%d%s", n, suf);
}

/* Appends an amount of money rounded to a whole unit with its currency
 * code: "213,646 KZT" / "213 646 KZT" (no-break spaces in Russian). */
void mtm_prose_money(mtm_buf *b, int lang, double amount, const char *currency) {
  mtm_prose_count(b, lang, amount);
  if (currency && *currency) {
    mtm_buf_adds(b, lang == MTM_PROSE_RU ? NBSP : " ");
    mtm_buf_adds(b, currency);
  }
}

/* Appends a share as "1 in N" for highlight tiles, N the whole number
 * nearest 1/fraction: 0.49 gives "1 in 2" / "1 из 2". A fraction that is
 * not in (0, 1] gives an em dash. */
void mtm_prose_one_in(mtm_buf *b, int lang, double fraction) {
  if (!isfinite(fraction) || fraction <= 0 || fraction > 1) {
    mtm_buf_adds(b, EMDASH);
    return;
  }
  double n = floor(1.0 / fraction + 0.5);
  if (n > 1e9) n = 1e9;
  mtm_buf_printf(b, "1 %s %.0f", lang == MTM_PROSE_RU ? "из" : "in", n);
}
