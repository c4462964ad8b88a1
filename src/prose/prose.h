/*
 * prose: numbers and sentences in the report's language.
 *
 *   numbers    counts with the language's grouping ("724,534", "724 534"),
 *              percentages ("55%", "55 %"), money;
 *   words      a percentage in words at the start of a sentence
 *              ("Fifty-five per cent", "Пятьдесят пять процентов");
 *   sentences  a share with its breakdown ("... (women 61%, men 54%)") and
 *              a change ("up from 48 per cent in Round 1", "no change");
 *   rounding   shares rounded so that they add up to 100 (largest
 *              remainder), so a single-choice question never sums to 106.
 *
 * Languages: MTM_PROSE_EN, MTM_PROSE_RU. Russian uses the plural forms of
 * its numerals (1 процент, 2 процента, 5 процентов).
 *
 * Ownership rule: text is appended to the caller's mtm_buf.
 */
#ifndef MTM_PROSE_H
#define MTM_PROSE_H

#include "core/core.h"

typedef enum { MTM_PROSE_EN = 0, MTM_PROSE_RU = 1 } mtm_prose_lang;

/* "en" or "ru" (case-insensitive); -1 for any other. */
int mtm_prose_lang_parse(const char *code);

/* A count rounded to a whole number: "724,534" / "724 534" (no-break
 * space as the Russian group separator). */
void mtm_prose_count(mtm_buf *b, int lang, double v);
/* A fraction as a percentage with the given decimals: "55%", "55,5 %". */
void mtm_prose_percent(mtm_buf *b, int lang, double fraction, int decimals);
/* A whole number 0..1000 in words, capitalised or not: "fifty-five",
 * "пятьдесят пять". */
void mtm_prose_number_words(mtm_buf *b, int lang, int v, int capital);
/* A fraction as a percentage in words, rounded to a whole percent:
 * "Fifty-five per cent" / "Пятьдесят пять процентов". */
void mtm_prose_percent_words(mtm_buf *b, int lang, double fraction, int capital);
/* The change from then to now (fractions) against round then_round, in
 * whole points: "up from 48 per cent in Round 1", "down from ...",
 * "unchanged from Round 1" (same whole percent); Russian equivalents. */
void mtm_prose_change(mtm_buf *b, int lang, double now, double then, int then_round);
/* Rounds n fractions (NaN left out) to whole percents that add up to 100
 * when the fractions add up to 1 (largest remainder); out[i] = -1 for
 * NaN. */
void mtm_prose_round_shares(const double *fractions, int n, int *out);

/* A fixed text of the report in a language, by its id (section titles,
 * captions, "Women", "Men", "Round", "not assessed", ...). Unknown ids
 * return the id itself. */
const char *mtm_prose_text(int lang, const char *id);

#endif
