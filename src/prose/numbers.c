/* prose: numbers in digits and in words, and shares rounded to 100. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "prose/prose.h"

#define NBSP "\xC2\xA0"
#define EMDASH "\xE2\x80\x94"

/* Tolerance for values that are meant to sit on a rounding boundary but
 * come out of binary arithmetic a hair below it (0.565 * 100). */
#define ROUND_EPS 1e-9

/* Returns MTM_PROSE_EN or MTM_PROSE_RU for "en" / "ru" in any case, -1 for
 * anything else, NULL included. */
int mtm_prose_lang_parse(const char *code) {
  if (!code) return -1;
  if (strcasecmp(code, "en") == 0) return MTM_PROSE_EN;
  if (strcasecmp(code, "ru") == 0) return MTM_PROSE_RU;
  return -1;
}

/* Rounds a non-negative value to a whole number, half up, forgiving the
 * binary representation error just below a .5 boundary. */
static double round_half_up(double ax) { return floor(ax + 0.5 + ROUND_EPS * (ax > 1 ? ax : 1)); }

/* Appends the digits of u with the language's group separator. */
static void add_grouped(mtm_buf *b, int lang, unsigned long long u) {
  char digits[32];
  int n = snprintf(digits, sizeof digits, "%llu", u);
  const char *sep = lang == MTM_PROSE_RU ? NBSP : ",";
  for (int i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0) mtm_buf_adds(b, sep);
    mtm_buf_addc(b, digits[i]);
  }
}

/* Appends v rounded to a whole number (half away from zero) with grouping:
 * "724,534" in English, "724 534" (no-break space) in Russian; a minus sign
 * for negative values that do not round to zero; an em dash for NaN or an
 * infinite value. */
void mtm_prose_count(mtm_buf *b, int lang, double v) {
  if (!isfinite(v)) {
    mtm_buf_adds(b, EMDASH);
    return;
  }
  double r = round_half_up(fabs(v));
  if (r >= 1e19) {
    mtm_buf_printf(b, "%s%.0f", v < 0 ? "-" : "", r);
    return;
  }
  unsigned long long u = (unsigned long long)r;
  if (v < 0 && u > 0) mtm_buf_addc(b, '-');
  add_grouped(b, lang, u);
}

/* Appends a fraction as a percentage with 0..3 decimals (clamped), rounded
 * half up: "55%", "55.5%" in English; "55 %", "55,5 %" (no-break space,
 * decimal comma) in Russian. Decimals are always printed ("55.0%"). NaN or
 * an infinite value gives an em dash. */
void mtm_prose_percent(mtm_buf *b, int lang, double fraction, int decimals) {
  if (!isfinite(fraction)) {
    mtm_buf_adds(b, EMDASH);
    return;
  }
  if (decimals < 0) decimals = 0;
  if (decimals > 3) decimals = 3;
  unsigned long long scale = 1;
  for (int i = 0; i < decimals; i++) scale *= 10;
  double x = fraction * 100.0;
  double r = round_half_up(fabs(x) * (double)scale);
  if (r >= 1e18) r = 1e18;
  unsigned long long u = (unsigned long long)r;
  if (x < 0 && u > 0) mtm_buf_addc(b, '-');
  mtm_buf_printf(b, "%llu", u / scale);
  if (decimals > 0)
    mtm_buf_printf(b, "%c%0*llu", lang == MTM_PROSE_RU ? ',' : '.', decimals, u % scale);
  mtm_buf_adds(b, lang == MTM_PROSE_RU ? NBSP "%" : "%");
}

/* Returns the fraction as a whole percent, rounded half up (half away from
 * zero for negative values). */
int mtm_prose_whole_percent(double fraction) {
  if (!isfinite(fraction)) return 0;
  double x = fraction * 100.0;
  double r = round_half_up(fabs(x));
  if (r > 1e9) r = 1e9;
  return x < 0 ? -(int)r : (int)r;
}

/* Returns the Russian plural category of n: 0 for "one" (1, 21, 101),
 * 1 for "few" (2-4, 22-24) and 2 for "many" (0, 5-20, 11-14, 25). */
int mtm_prose_plural_ru(long n) {
  if (n < 0) n = -n;
  long m100 = n % 100, m10 = n % 10;
  if (m100 >= 11 && m100 <= 14) return 2;
  if (m10 == 1) return 0;
  if (m10 >= 2 && m10 <= 4) return 1;
  return 2;
}

/* Returns the form of a noun for n: in Russian one of one/few/many by
 * mtm_prose_plural_ru; in English one for n == 1 (or -1) and many
 * otherwise (few is not used). */
const char *mtm_prose_plural(int lang, long n, const char *one, const char *few,
                             const char *many) {
  if (lang == MTM_PROSE_RU) {
    int c = mtm_prose_plural_ru(n);
    return c == 0 ? one : c == 1 ? few : many;
  }
  return (n == 1 || n == -1) ? one : many;
}

static const char *const en_units[20] = {
    "zero",    "one",     "two",       "three",    "four",     "five",    "six",
    "seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen",  "seventeen", "eighteen", "nineteen"};
static const char *const en_tens[10] = {"",      "",      "twenty",  "thirty", "forty",
                                        "fifty", "sixty", "seventy", "eighty", "ninety"};
static const char *const ru_units[20] = {
    "ноль",         "один",        "два",          "три",          "четыре",
    "пять",         "шесть",       "семь",         "восемь",       "девять",
    "десять",       "одиннадцать", "двенадцать",   "тринадцать",   "четырнадцать",
    "пятнадцать",   "шестнадцать", "семнадцать",   "восемнадцать", "девятнадцать"};
static const char *const ru_tens[10] = {"",          "",          "двадцать",
                                        "тридцать",  "сорок",     "пятьдесят",
                                        "шестьдесят", "семьдесят", "восемьдесят",
                                        "девяносто"};
static const char *const ru_hundreds[10] = {"",          "сто",       "двести",
                                            "триста",    "четыреста", "пятьсот",
                                            "шестьсот",  "семьсот",   "восемьсот",
                                            "девятьсот"};

/* Appends 1..99 (or 0 when zero is asked for) in English words. */
static void en_below_100(mtm_buf *b, int v) {
  if (v < 20) {
    mtm_buf_adds(b, en_units[v]);
    return;
  }
  mtm_buf_adds(b, en_tens[v / 10]);
  if (v % 10) {
    mtm_buf_addc(b, '-');
    mtm_buf_adds(b, en_units[v % 10]);
  }
}

/* Appends v (0..1000) in words, in lower case. */
static void words_lower(mtm_buf *b, int lang, int v) {
  if (lang == MTM_PROSE_RU) {
    if (v == 1000) {
      mtm_buf_adds(b, "тысяча");
      return;
    }
    if (v == 0) {
      mtm_buf_adds(b, ru_units[0]);
      return;
    }
    int h = v / 100, rest = v % 100;
    const char *parts[3];
    int np = 0;
    if (h) parts[np++] = ru_hundreds[h];
    if (rest >= 20) {
      parts[np++] = ru_tens[rest / 10];
      if (rest % 10) parts[np++] = ru_units[rest % 10];
    } else if (rest > 0) {
      parts[np++] = ru_units[rest];
    }
    for (int i = 0; i < np; i++) {
      if (i) mtm_buf_addc(b, ' ');
      mtm_buf_adds(b, parts[i]);
    }
    return;
  }
  if (v == 1000) {
    mtm_buf_adds(b, "one thousand");
    return;
  }
  if (v >= 100) {
    mtm_buf_adds(b, en_units[v / 100]);
    mtm_buf_adds(b, " hundred");
    if (v % 100) {
      mtm_buf_adds(b, " and ");
      en_below_100(b, v % 100);
    }
    return;
  }
  en_below_100(b, v);
}

/* Turns the first letter at s into a capital: ASCII a-z, and the Cyrillic
 * small letters а-я and ё (two bytes each in UTF-8). */
static void capitalise_at(char *s) {
  unsigned char *u = (unsigned char *)s;
  if (u[0] >= 'a' && u[0] <= 'z') {
    u[0] = (unsigned char)(u[0] - 'a' + 'A');
  } else if (u[0] == 0xD0 && u[1] >= 0xB0 && u[1] <= 0xBF) { /* а..п */
    u[1] = (unsigned char)(u[1] - 0x20);
  } else if (u[0] == 0xD1 && u[1] >= 0x80 && u[1] <= 0x8F) { /* р..я */
    u[0] = 0xD0;
    u[1] = (unsigned char)(u[1] + 0x20);
  } else if (u[0] == 0xD1 && u[1] == 0x91) { /* ё */
    u[0] = 0xD0;
    u[1] = 0x81;
  }
}

/* Appends v in words when 0 <= v <= 1000 ("fifty-five", "one hundred and
 * five", "one thousand"; "пятьдесят пять", "сто пять", "тысяча"), with a
 * capital first letter when capital is set; other values in digits as
 * mtm_prose_count writes them. Russian uses the masculine forms (один,
 * два), which agree with "процент" and "респондент". */
void mtm_prose_number_words(mtm_buf *b, int lang, int v, int capital) {
  if (v < 0 || v > 1000) {
    mtm_prose_count(b, lang, (double)v);
    return;
  }
  size_t at = b->n;
  words_lower(b, lang, v);
  if (capital) capitalise_at(b->p + at);
}

/* Appends the whole percent of the fraction in words followed by the
 * word for per cent in agreement: "Fifty-five per cent", "One per cent";
 * "Пятьдесят пять процентов", "Двадцать один процент", "Двадцать два
 * процента". NaN gives an em dash. */
void mtm_prose_percent_words(mtm_buf *b, int lang, double fraction, int capital) {
  if (!isfinite(fraction)) {
    mtm_buf_adds(b, EMDASH);
    return;
  }
  int p = mtm_prose_whole_percent(fraction);
  mtm_prose_number_words(b, lang, p, capital);
  mtm_buf_addc(b, ' ');
  if (lang == MTM_PROSE_RU)
    mtm_buf_adds(b, mtm_prose_plural(lang, p, "процент", "процента", "процентов"));
  else
    mtm_buf_adds(b, "per cent");
}

/* Appends the whole percent in digits with the word: "48 per cent",
 * "48 процентов", "21 процент", "2 процента". NaN gives an em dash. */
void mtm_prose_percent_phrase(mtm_buf *b, int lang, double fraction) {
  if (!isfinite(fraction)) {
    mtm_buf_adds(b, EMDASH);
    return;
  }
  int p = mtm_prose_whole_percent(fraction);
  mtm_buf_printf(b, "%d ", p);
  if (lang == MTM_PROSE_RU)
    mtm_buf_adds(b, mtm_prose_plural(lang, p, "процент", "процента", "процентов"));
  else
    mtm_buf_adds(b, "per cent");
}

/* Rounds the non-NaN fractions to whole percents by the largest remainder
 * method: each gets the floor of its percent, and the points missing to
 * the rounded total of all fractions (100 when they add up to 1) go one
 * each to the largest remainders; equal remainders (within 1e-9) go first
 * to the larger fraction, then to the lower index. NaN entries get -1 and
 * take no part; a negative fraction counts as 0. */
void mtm_prose_round_shares(const double *fractions, int n, int *out) {
  if (n <= 0) return;
  double total = 0;
  long floors = 0;
  for (int i = 0; i < n; i++) {
    if (isnan(fractions[i])) {
      out[i] = -1;
      continue;
    }
    double x = fractions[i] > 0 ? fractions[i] * 100.0 : 0.0;
    out[i] = (int)floor(x + ROUND_EPS);
    floors += out[i];
    total += x;
  }
  long target = (long)floor(total + 0.5 + ROUND_EPS);
  long missing = target - floors;
  /* Hand out the missing points one at a time to the best candidate not
   * yet served; n is small (the levels of one question). */
  unsigned char served_stack[64];
  unsigned char *served = n <= 64 ? served_stack : calloc((size_t)n, 1);
  if (!served) return;
  memset(served, 0, (size_t)n);
  for (; missing > 0; missing--) {
    int best = -1;
    double best_rem = 0;
    for (int i = 0; i < n; i++) {
      if (out[i] < 0 || served[i]) continue;
      double rem = (fractions[i] > 0 ? fractions[i] * 100.0 : 0.0) - out[i];
      if (best < 0 || rem > best_rem + ROUND_EPS ||
          (fabs(rem - best_rem) <= ROUND_EPS && fractions[i] > fractions[best])) {
        best = i;
        best_rem = rem;
      }
    }
    if (best < 0) break;
    out[best]++;
    served[best] = 1;
  }
  if (served != served_stack) free(served);
}
