/*
 * prose: numbers and sentences in the report's language.
 *
 *   numbers    counts with the language's grouping ("724,534", "724 534"),
 *              percentages ("55%", "55 %"), money;
 *   words      a percentage in words at the start of a sentence
 *              ("Fifty-five per cent", "Пятьдесят пять процентов");
 *   sentences  a share with its breakdown ("... (women 61%, men 54%)") and
 *              a change ("up from 48 per cent in Round 1", "unchanged from
 *              Round 1"); lists, dates, ordinals, "1 in 2";
 *   rounding   shares rounded so that they add up to 100 (largest
 *              remainder), so a single-choice question never sums to 106.
 *
 * Languages: MTM_PROSE_EN, MTM_PROSE_RU. Russian uses the plural forms of
 * its numerals (1 процент, 2 процента, 5 процентов), no-break spaces in
 * "724 534" and "55 %", and a decimal comma.
 * Whole percents are rounded half up everywhere (0.565 -> 57%); a number
 * that is NaN (suppressed, not available) prints as an em dash.
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
/* (Ties in the remainder go to the larger fraction, then the lower index.
 * To print a rounded share in the language's style, pass out[i] / 100.0 to
 * mtm_prose_percent with 0 decimals; it prints exactly out[i]. A rounded
 * share may differ by one point from mtm_prose_percent of the raw fraction:
 * use one or the other for a given chart and its text, not both.) */

/* A fixed text of the report in a language, by its id (section titles,
 * captions, "Women", "Men", "Round", "not assessed", ...). Unknown ids
 * return the id itself; a language other than RU gives English. The
 * returned string is static. The ids are listed under "Text ids" below. */
const char *mtm_prose_text(int lang, const char *id);
/* 1 when id is in the catalogue, 0 otherwise. */
int mtm_prose_text_known(const char *id);
/* The number of ids in the catalogue and the i-th id (in catalogue order),
 * NULL out of range: lets a report or a test walk every text. */
int mtm_prose_text_count(void);
const char *mtm_prose_text_id(int i);

/* ---- additions (prose helper) ----------------------------------------- */

/* The fraction as a whole percent, rounded half up (0.565 -> 57); 0 for
 * NaN. Every whole percent prose prints is this one. */
int mtm_prose_whole_percent(double fraction);
/* Russian plural category of n: 0 "one" (1, 21, 101), 1 "few" (2-4,
 * 22-24), 2 "many" (0, 5-20, 11-14, 25-30, 100). */
int mtm_prose_plural_ru(long n);
/* The form agreeing with n: Russian one/few/many by mtm_prose_plural_ru;
 * English one for 1, many otherwise. */
const char *mtm_prose_plural(int lang, long n, const char *one, const char *few,
                             const char *many);
/* The whole percent in digits with the word: "48 per cent", "21 процент",
 * "22 процента", "48 процентов". */
void mtm_prose_percent_phrase(mtm_buf *b, int lang, double fraction);
/* Signed difference in whole points: "+7 pp", "−4 pp" (U+2212 minus), "0 pp";
 * Russian "+7 п. п." (no-break spaces). */
void mtm_prose_points(mtm_buf *b, int lang, double now, double then);
/* "Round 2"; Russian "раунд 2" or, with capital, "Раунд 2". */
void mtm_prose_round(mtm_buf *b, int lang, int n, int capital);
/* A sentence from a share and its parts, ending with a full stop:
 *   "Fifty-five per cent of respondents work without a written contract
 *    (women 61%, men 54%)."
 * predicate: the rest of the sentence after "Fifty-five per cent", in the
 * report's language, with no final stop: en "of respondents work without
 * a written contract", ru "респондентов работают без письменного
 * договора". It may hold selectors "{one|few|many}" replaced by the form
 * agreeing with the whole percent (ru "{работает|работают|работают}"; en
 * uses one for 1 per cent, many otherwise). part_names/part_shares: the
 * breakdown in brackets (names as the reader sees them, "women", "men");
 * a NaN part (hidden) is left out, never a dash; no part left: no
 * brackets. A NaN share appends nothing. */
void mtm_prose_share_sentence(mtm_buf *b, int lang, double share, const char *predicate,
                              int nparts, const char *const *part_names,
                              const double *part_shares);
/* text with each "{one|few|many}" selector replaced by the form agreeing
 * with n: ru "{опрошен|опрошены|опрошено} 1 121 респондент" gives
 * "опрошен ..."; en one for 1, many otherwise. Other braces are kept. */
void mtm_prose_agree(mtm_buf *b, int lang, long n, const char *text);
/* The count and its noun in the form agreeing with it: "723 441 трудовой
 * мигрант", "2 трудовых мигранта", "5 трудовых мигрантов" (no-break
 * space); en "1 respondent", "2 respondents". */
void mtm_prose_count_noun(mtm_buf *b, int lang, double v, const char *one, const char *few,
                          const char *many);
/* A list: "A", "A and B", "A, B and C"; Russian "A и B", "A, B и C". */
void mtm_prose_join(mtm_buf *b, int lang, int n, const char *const *items);
/* "March 2023" / "март 2023". */
void mtm_prose_month_year(mtm_buf *b, int lang, int year, int month);
/* "15 March 2023" / "15 марта 2023 г.". */
void mtm_prose_date(mtm_buf *b, int lang, int year, int month, int day);
/* "March–April 2023", "December 2022 – January 2023" / "март–апрель 2023". */
void mtm_prose_period(mtm_buf *b, int lang, int y1, int m1, int y2, int m2);
/* "Q1 2023" / "I квартал 2023". */
void mtm_prose_quarter(mtm_buf *b, int lang, int year, int quarter);
/* "1st", "2nd", "3rd", "11th", "21st" / "1-й". */
void mtm_prose_ordinal(mtm_buf *b, int lang, int n);
/* "213,646 KZT" / "213 646 KZT". */
void mtm_prose_money(mtm_buf *b, int lang, double amount, const char *currency);
/* "1 in 2" / "1 из 2" for a highlight tile (N nearest 1/fraction). */
void mtm_prose_one_in(mtm_buf *b, int lang, double fraction);

/* ---- findings (statements helper) ---------------------------------------- */

/* What a finding's template is filled with. */
typedef struct mtm_prose_slots {
  double share;              /* {share}: a fraction (pass a rounded whole
                                percent / 100.0); NaN: none */
  const char *answer;        /* {answer}: the answer's phrase or name */
  const char *mean, *median; /* {mean}, {median}: numbers as printed */
  long agree;                /* what selectors agree with when share is NaN */
  int nparts;                /* the breakdown: names ("women") and shares */
  const char *const *part_names;
  const double *part_shares; /* a NaN part is left out, never a dash */
} mtm_prose_slots;

/* Appends a finding written from an author's template (a form's
 * report::LANG phrase), without a final stop (a trailing "." of the
 * template is dropped; the caller ends the sentence):
 *   "{share} of respondents work without a written contract"
 *   -> "Fifty-five per cent of respondents work without a written contract
 *       (women 61%, men 54%)"
 * {share} is in words with a capital when the template starts with it,
 * else in digits ("55%", "55 %"); {answer}, {mean} and {median} are the
 * slots' texts; {groups} is the breakdown "women 61%, men 54%", which,
 * without {groups}, goes in brackets at the end (nothing when no part is
 * shown); "{one|few|many}" selectors agree with the whole percent (ru
 * "{работает|работают|работают}"), or with slots->agree without a share.
 * Other braces are copied. */
void mtm_prose_finding(mtm_buf *b, int lang, const char *tmpl, const mtm_prose_slots *s);
/* The caption under a share's number on a tile, from the same template:
 * the words after a leading {share} ("of respondents work without a
 * written contract"), selectors agreeing with the share; 0 (nothing
 * appended) when the template does not start with {share} or holds
 * {mean}, {median} or {groups} after it (then the caller captions the
 * tile otherwise). */
int mtm_prose_finding_caption(mtm_buf *b, int lang, const char *tmpl, double share);
/* The wording when the form gives no phrase, without a final stop: the
 * lead (a question's label), then each answer with its share, the first
 * answer's breakdown in brackets:
 *   "Sex: men 84%, women 16%"
 *   "Employed: yes 39% (women 29%, men 43%), no 61%"
 *   "Пол: мужчины 84 %, женщины 16 %"
 * A lead ending with ":" or "." gets a colon; one ending with "?" keeps it
 * and the first answer takes a capital ("Do you work? Yes 39%, no 61%").
 * An answer ending with a number ("25 to 50%") is parted from its share by
 * a dash, in every item of the list: "25 to 50% — 54%". Answers whose
 * share is NaN are left out, as are NaN parts. Returns the number of
 * answers written; 0 (nothing appended, not even the lead) when no share
 * is shown. */
int mtm_prose_answers(mtm_buf *b, int lang, const char *lead, int n, const char *const *answers,
                      const double *shares, int nparts, const char *const *part_names,
                      const double *part_shares);

/* Not a number (NaN, infinity) prints as an em dash in every function that
 * prints a number, so a suppressed cell never reads as zero. */

/* Text ids of mtm_prose_text (en / ru; English given here):
 *
 *  -- labels --
 *   women                              Women
 *   men                                Men
 *   women_lc                           women
 *   men_lc                             men
 *   total                              Total
 *   all_respondents                    All respondents
 *   respondents                        Respondents
 *   round                              Round
 *   figure                             Figure
 *   table                              Table
 *   map                                Map
 *   source                             Source
 *   note                               Note
 *   page                               Page
 *   contents                           Contents
 *   n_respondents                      Number of respondents
 *   not_assessed                       Not assessed
 *   suppressed                         Not shown (fewer than 5 respondents)
 *   suppressed_note                    Figures based on fewer than 5 respondents are not shown.
 *   small_n_note                       Small number of respondents: read with caution.
 *   multiple_answers_note              Respondents could give more than one answer, so percentag...
 *   rounding_note                      Percentages are rounded to whole numbers.
 *   no_data                            No data
 *   yes                                Yes
 *   no                                 No
 *   dont_know                          Don't know
 *   refused                            Refused to answer
 *   other                              Other
 *   average                            Average
 *   median                             Median
 *   sex                                Sex
 *   nationality                        Nationality
 *   country_of_origin                  Country of origin
 *   period                             Period
 *   all_periods                        All periods
 *   region                             Region
 *   regions                            Regions
 *   rayon                              District (rayon)
 *   rayons                             Districts (rayons)
 *   settlement                         City or village
 *   key_informants                     Key informants
 *   indicator                          Indicator
 *   indicator_key                      Indicator key
 *   question                           Question
 *   subpopulation                      Sub-population
 *   denominator                        Denominator
 *   value                              Value
 *   share                              Share
 *   number                             Number
 *   change                             Change
 *   ci95                               95% confidence interval
 *   significant                        Significant at the 5% level
 *   iom                                International Organization for Migration (IOM)
 *   mtm                                Mobility Tracking Matrix (MTM)
 *   survey_name                        Survey of international migrant workers
 *   legend_migrant_workers             Number of international migrant workers
 *   source_bma                         Source: IOM, Mobility Tracking Matrix, Baseline Mobility ...
 *   source_survey                      Source: IOM, Mobility Tracking Matrix, survey of internat...
 *   map_disclaimer                     This map is for illustration purposes only. The boundarie...
 *   report_disclaimer                  The opinions expressed in this report are those of the au...
 *
 *  -- section titles --
 *   cover                              Mobility Tracking Matrix
 *   about                              About the Mobility Tracking Matrix
 *   methodology                        Methodology
 *   key_highlights                     Key highlights
 *   baseline                           Baseline Mobility Assessment
 *   survey_findings                    Key findings of the survey
 *   nationality_profiles               Profiles by nationality
 *   changes                            Changes since the previous round
 *   annex_indicators                   Annex: indicators used in this report
 *   limitations                        Limitations
 *   conclusions                        Conclusions
 *   coverage                           Geographic coverage
 *   top_origins                        Top countries of origin
 *   top_regions                        Top hosting regions
 *   compared_previous                  Compared with the previous round
 *   inclusion_criteria                 Inclusion criteria
 *   profile_general                    General
 *   profile_employment                 Employment
 *   profile_well_being                 Well-being
 *
 *  -- highlight tiles (label above the number, any number agrees) --
 *   hl_regions                         Regions covered
 *   hl_rayons                          Districts (rayons) assessed
 *   hl_key_informants                  Key informants interviewed
 *   hl_respondents                     Migrant workers interviewed
 *   hl_present                         International migrant workers present
 *   hl_arrivals                        Arrived in the latest quarter
 *
 *  -- target populations --
 *   pop_international_migrant_workers  International migrant workers
 *   pop_return_migrants                Return migrants
 *   pop_emigrants                      Emigrants
 *   def_international_migrant_workers  People who are not nationals of the country and who are e...
 *   def_return_migrants                Nationals of the country who have come back to it after l...
 *   def_emigrants                      Nationals of the country who have left it to live or work...
 *
 *  -- about MTM --
 *   about_purpose                      The Mobility Tracking Matrix (MTM) is a system of the Int...
 *   about_populations                  MTM tracks three target populations:
 *   about_periods                      Key informants give the number of people of each target p...
 *
 *  -- methodology --
 *   method_ki                          In each district (rayon) assessed, IOM enumerators interv...
 *   method_ki_consolidation            The figures of a district are consolidated from the estim...
 *   method_verification                Key informant data were verified by phone calls with the ...
 *   method_tools                       Data are collected with KoBoToolbox forms on tablets. The...
 *   method_sampling                    The survey uses snowball sampling: enumerators start with...
 *   method_inclusion                   A person was interviewed only if he or she met all of the...
 *   inclusion_age                      is 18 years of age or older
 *   inclusion_nationality              is not a national of the country
 *   inclusion_not_interviewed          has not been interviewed before in the same round
 *   inclusion_working                  is in the country for work (working or looking for work)
 *   inclusion_consent                  gives informed consent to the interview
 *   method_weighting                   Survey results are weighted to the Baseline Mobility Asse...
 *   method_weighting_none              Survey results are not weighted: every respondent counts ...
 *   method_data_protection             Interviews are anonymous and voluntary and follow IOM's d...
 *   method_admin_levels                Figures are collected and reported by administrative leve...
 *
 *  -- limitations --
 *   limit_sample                       The survey sample is a snowball sample, not a random one....
 *   limit_ki                           Baseline figures are estimates by key informants, not cou...
 *   limit_self_reported                Survey answers are self-reported and were not verified; i...
 *   limit_coverage                     Only the regions and districts shown as assessed were cov...
 *   limit_comparison                   Comparisons between rounds compare two independent sample...
 *   limit_small_n                      Figures for small groups, such as women of one nationalit...
 *
 *  -- section introductions --
 *   baseline_intro                     The Baseline Mobility Assessment estimates the number of ...
 *   survey_findings_intro              This section presents the main results of the survey, the...
 *   nationality_profiles_intro         The profiles below describe the largest nationality group...
 *   changes_intro                      This section compares the results of this round with thos...
 *   annex_intro                        Every figure in this report is computed from the data. Th...
 */

#endif
