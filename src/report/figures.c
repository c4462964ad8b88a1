/* The inline figure tags (share, sentence, count, mean, median, bma,
 * change, t) and what every figure shares: the analysis runs (one per
 * indicator and group, reused), the rounding of shares, the sources. */
#include "prose/prose.h"
#include "report/internal.h"

#include <ctype.h>
#include <utf8proc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The report's own fixed texts, for the ids prose's catalogue lacks: rp_text asks
 * prose first, so an id here that prose also has is never read (keep the
 * ids distinct; add report-specific wording under a new id). */
static const struct {
  const char *id, *en, *ru;
} texts[] = {
    {"round_word", "Round", "Раунд"},
    {"changes_significant", "Compared with Round %d, the significant changes (at the 5%% level):",
     "По сравнению с раундом %d значимые изменения (на уровне 5 %%):"},
    {"changes_none", "Compared with Round %d, no figure of this section changed significantly (at the 5%% level).",
     "По сравнению с раундом %d ни один показатель этого раздела не изменился значимо (на уровне 5 %%)."},
    {"criteria_intro", "Inclusion criteria. The figures count only the respondents who met every criterion:",
     "Критерии включения. Показатели рассчитаны только по респондентам, отвечающим всем критериям:"},
    {"criteria_consent", "gave their consent to the interview", "дали согласие на интервью"},
    /* {{methodology}}: who counts (the records left out, by reason) */
    {"m_eligible_all", "**Eligibility.** All the respondents interviewed ({{count records}}) were eligible.",
     "**Отбор респондентов.** Условиям участия отвечали все опрошенные респонденты ({{count records}})."},
    {"m_eligible_records", "**Eligibility.** {{count records}} {interview was|interviews were|interviews were} recorded; ",
     "**Отбор респондентов.** Записано {{count records}} интервью; "},
    {"m_eligible_excluded",
     "{{count excluded}} of them {is|are|are} left out of every figure, because the respondent was not eligible",
     "{{count excluded}} из них не {вошло|вошли|вошли} ни в один показатель, так как респондент не отвечал условиям участия"},
    {"m_eligible_consent", "no consent", "нет согласия на участие"},
    {"m_eligible_criterion", "not meeting %s", "не отвечает критерию %s"},
    {"m_eligible_counted", "The figures count the {{count respondents}} eligible {respondent|respondents|respondents}.",
     "Показатели рассчитаны по {{count respondents}} {отвечающему|отвечающим|отвечающим} условиям {респонденту|респондентам|респондентам}."},
    {"records_recorded", "interviews recorded", "записанных интервью"},
    {"records_excluded", "interviews left out (respondent not eligible)",
     "интервью, не вошедших в показатели (респондент не отвечал условиям)"},
    {"sample_sentence", "The sample was sized at %s interviews (confidence %s, margin of error %s, design effect %s) from the baseline figures of %s in %s.",
     "Размер выборки рассчитан как %s интервью (доверительный уровень %s, погрешность %s, эффект дизайна %s) по данным базовой оценки о %s за %s."},
    {"profiles_title", "Nationality profiles", "Профили по гражданству"},
    {"share_respondents", "Share of respondents", "Доля респондентов"},
    {"map_suppressed_note", "An area whose figure is not shown is drawn as not assessed.",
     "Территория, показатель которой не приводится, показана как не охваченная."},
    {"coverage_by_region", "Coverage: respondents by region", "Охват: респонденты по регионам"},
    {"coverage_district", "Coverage: respondents by district", "Охват: респонденты по районам"},
    {"coverage_text", "The map shows where the respondents were interviewed: the share of the respondents in each area; an area without respondents is shown as not assessed.",
     "Карта показывает, где были опрошены респонденты: долю респондентов в каждой территории; территория без респондентов показана как не охваченная."},
    /* {{about}} and {{methodology}}: each paragraph only where it is true */
    {"about_bma",
     "The Mobility Tracking Matrix (MTM) is IOM's tool to track the numbers, locations and needs of mobile populations. It combines a baseline mobility assessment, in which key informants in every assessed area give figures on the migrants present, with a survey of migrants themselves. This report presents Round {{round}}: {{count respondents}} {respondent was|respondents were|respondents were} interviewed.",
     "Матрица отслеживания мобильности (MTM) — инструмент МОМ для отслеживания численности, местонахождения и потребностей мобильного населения. Она сочетает базовую оценку мобильности, в которой ключевые информанты каждого охваченного района сообщают данные о присутствующих мигрантах, с опросом самих мигрантов. В этом отчёте представлен раунд {{round}}: {опрошен|опрошены|опрошено} {{count respondents}} {респондент|респондента|респондентов}."},
    {"about_survey",
     "The Mobility Tracking Matrix (MTM) is IOM's tool to track the numbers, locations and needs of mobile populations. This report presents the survey of Round {{round}}, in which migrants themselves were interviewed: {{count respondents}} {respondent|respondents|respondents}. The round has no baseline mobility assessment.",
     "Матрица отслеживания мобильности (MTM) — инструмент МОМ для отслеживания численности, местонахождения и потребностей мобильного населения. В этом отчёте представлен опрос самих мигрантов в раунде {{round}}: {опрошен|опрошены|опрошено} {{count respondents}} {респондент|респондента|респондентов}. Базовая оценка мобильности в этом раунде не проводилась."},
    {"m_ki",
     "**Key informants and consolidation.** In each assessed area, key informants (local authorities, community leaders, teachers, religious leaders) give figures on the migrants present. The figure of an area is the %s; figures on which key informants disagree strongly are flagged%s",
     "**Ключевые информанты и сведение данных.** В каждом охваченном районе ключевые информанты (местные власти, лидеры общин, учителя, религиозные лидеры) сообщают данные о присутствующих мигрантах. Показатель района — %s; показатели, по которым информанты сильно расходятся, отмечаются%s"},
    {"m_ki_verified", " and verified by phone.", " и проверяются по телефону."},
    {"m_verification",
     "**Verification.** Flagged figures were checked by phone calls to the key informants; each call is recorded with the figure before and after it.",
     "**Проверка.** Отмеченные показатели проверены звонками ключевым информантам; каждый звонок записан вместе с показателем до и после него."},
    /* {{methodology}}: the sample as the round records it (mtm round add N
     * --sampling M); nothing of a method when none is recorded */
    {"m_sample_head", "**Sample.**", "**Выборка.**"},
    {"m_sample_snowball", "**Sample.** Respondents were reached through a snowball sample.",
     "**Выборка.** Респонденты были найдены методом снежного кома."},
    {"m_sample_quota",
     "**Sample.** Respondents were chosen by quota: interviewers reached a set number of respondents in each group, not at random.",
     "**Выборка.** Респонденты отбирались по квотам: интервьюеры опрашивали заданное число респондентов в каждой группе, без случайного отбора."},
    {"m_sample_probability",
     "**Sample.** Respondents were drawn at random (a probability sample): each member of the target population had a known chance of being selected.",
     "**Выборка.** Респонденты отобраны случайным образом (вероятностная выборка): у каждого представителя целевой группы была известная вероятность попасть в выборку."},
    {"m_sample_census",
     "**Coverage.** The round is a census: every member of the target population in the assessed areas was to be interviewed, not a sample of them.",
     "**Охват.** Раунд проведён как сплошное обследование: опросить предполагалось каждого представителя целевой группы в охваченных районах, а не выборку из них."},
    {"m_unweighted",
     "**Weighting.** The figures in this report are unweighted shares of the respondents who answered each question; don't-know and refused answers count as answers.",
     "**Взвешивание.** Показатели отчёта — невзвешенные доли ответивших на каждый вопрос респондентов; ответы «не знаю» и «отказ» считаются ответами."},
    {"m_weighted",
     "**Weighting.** The figures in this report are shares of the respondents who answered each question, weighted by the question \xE2\x80\x9C%s\xE2\x80\x9D (`%s`); the numbers of respondents (n) are unweighted; don't-know and refused answers count as answers.",
     "**Взвешивание.** Показатели отчёта — доли ответивших на каждый вопрос респондентов, взвешенные по вопросу «%s» (`%s`); числа респондентов (n) не взвешены; ответы «не знаю» и «отказ» считаются ответами."},
    {"m_lim_head", "**Limitations.**", "**Ограничения.**"},
    {"m_lim_snowball",
     "A snowball sample is indicative, not representative: the figures describe the respondents and cannot be extended to every migrant in the country.",
     "Выборка методом снежного кома является ориентировочной, а не репрезентативной: показатели описывают респондентов и не могут быть распространены на всех мигрантов страны."},
    {"m_lim_quota",
     "A quota sample is indicative, not representative: the figures describe the respondents and cannot be extended to every migrant in the country.",
     "Квотная выборка является ориентировочной, а не репрезентативной: показатели описывают респондентов и не могут быть распространены на всех мигрантов страны."},
    {"m_lim_probability",
     "A probability sample is representative: the figures describe the whole target population, within the margin of error of each estimate.",
     "Вероятностная выборка является репрезентативной: показатели описывают всю целевую группу в пределах погрешности каждой оценки."},
    {"m_lim_probability_plan",
     "A probability sample is representative: the figures describe the whole target population, within a margin of error of %s at %s confidence (the sample plan's).",
     "Вероятностная выборка является репрезентативной: показатели описывают всю целевую группу с погрешностью %s при доверительном уровне %s (по плану выборки)."},
    {"m_lim_census",
     "A census covers all units of the target population: the figures carry no sampling error, but those who could not be reached or did not answer are missing from them.",
     "Сплошное обследование охватывает все единицы целевой группы: у показателей нет выборочной погрешности, но в них не учтены те, кого не удалось опросить или кто не ответил."},
    {"m_lim_rounding", "Percentages are rounded so that the answers to a single-choice question add up to 100.",
     "Проценты округлены так, чтобы ответы на вопрос с одним вариантом ответа в сумме давали 100."},
    /* {{methodology}}: the questions without an answer in the round (gaps.c) */
    {"m_gaps_one", "**Questions left out.** This question of the form has no answer in Round %d:",
     "**Вопросы, не вошедшие в отчёт.** На этот вопрос анкеты в раунде %d нет ответов:"},
    {"m_gaps_many", "**Questions left out.** These questions of the form have no answer in Round %d:",
     "**Вопросы, не вошедшие в отчёт.** На эти вопросы анкеты в раунде %d нет ответов:"},
    {"m_gap_not_exported_one", "%s is in none of the imported files",
     "вопроса %s нет ни в одном импортированном файле"},
    {"m_gap_not_exported_many", "%s are in none of the imported files",
     "вопросов %s нет ни в одном импортированном файле"},
    {"m_gap_skipped_one", "%s is asked only under a condition (skip logic) and has no answer",
     "вопрос %s задаётся только при определённом условии (логика пропуска), и ответов на него нет"},
    {"m_gap_skipped_many", "%s are asked only under a condition (skip logic) and have no answer",
     "вопросы %s задаются только при определённых условиях (логика пропуска), и ответов на них нет"},
    {"m_gap_empty_one", "%s was left empty by every respondent",
     "вопрос %s все респонденты оставили без ответа"},
    {"m_gap_empty_many", "%s were left empty by every respondent",
     "вопросы %s все респонденты оставили без ответа"},
    {"m_protection",
     "**Data protection.** Answers to text questions (names, phone numbers, comments) never appear in this report, its figures or its data files.",
     "**Защита данных.** Ответы на текстовые вопросы (имена, номера телефонов, комментарии) не приводятся ни в отчёте, ни в его рисунках и файлах данных."},
    {"m_public",
     " A share based on fewer than %d respondents is not shown. By area, a share of fewer than %d respondents is not shown either, nor the smallest figure that would reveal it; nationally and by sex or nationality such a share identifies nobody and is shown.",
     " Доля, основанная на ответах менее чем %d респондентов, не приводится. По территориям не приводится и доля, в которую входит менее %d респондентов, а также наименьший показатель, по которому её можно восстановить; в целом по стране, по полу и по гражданству такая доля никого не идентифицирует и приводится."},
    {"m_flag",
     " A figure marked \xE2\x80\xA0 is based on fewer than %d respondents and is indicative only.",
     " Показатель, отмеченный знаком \xE2\x80\xA0, основан на ответах менее чем %d респондентов и носит ориентировочный характер."},
    /* after "n = 1,117; " under a figure of a public report */
    {"public_note", "shares based on fewer than %d respondents are not shown",
     "доли, основанные на ответах менее чем %d респондентов, не приводятся"},
    {"public_note_area", "shares based on fewer than %d respondents, and by area shares of fewer than %d respondents, are not shown",
     "доли, основанные на ответах менее чем %d респондентов, а по территориям — доли менее чем %d респондентов, не приводятся"},
    {"mtm_title", "Mobility Tracking Matrix", "Матрица отслеживания мобильности"},
    {"migrant_worker", "migrant workers", "трудовые мигранты"},
    {"return_migrant", "return migrants", "вернувшиеся мигранты"},
    {"emigrant", "emigrants", "эмигранты"},
    /* the same after a Russian preposition ("о трудовых мигрантах") */
    {"migrant_worker_prep", "migrant workers", "трудовых мигрантах"},
    {"return_migrant_prep", "return migrants", "вернувшихся мигрантах"},
    {"emigrant_prep", "emigrants", "эмигрантах"},
    /* after a count, agreeing with it (rp_pop_count_label) */
    {"migrant_worker_n", "{migrant worker|migrant workers|migrant workers}",
     "{трудовой мигрант|трудовых мигранта|трудовых мигрантов}"},
    {"return_migrant_n", "{return migrant|return migrants|return migrants}",
     "{вернувшийся мигрант|вернувшихся мигранта|вернувшихся мигрантов}"},
    {"emigrant_n", "{emigrant|emigrants|emigrants}", "{эмигрант|эмигранта|эмигрантов}"},
    {"all periods", "all periods", "все периоды"},
    /* the baseline section (sections.c) and its tables (blocks.c) */
    {"bma_populations", "The key-informant form records these target populations, by period:",
     "Анкета ключевых информантов собирает данные о следующих целевых группах по периодам:"},
    {"bma_pop_periods", "Periods: %s.", "Периоды: %s."},
    {"bma_pop_data", "%s in %s (figures from %d of the %d districts assessed).",
     "%s за %s (данные по %d из %d оценённых районов)."},
    {"bma_pop_none", "No key informant gave a figure for it in this round: there is no data on it.",
     "Ни один ключевой информант не дал по ней данных в этом раунде: данных о ней нет."},
    {"list_and", " and ", " и "},
    /* en: total, population after the count, span, latest figure, latest period;
     * ru: population, span, total, latest period, latest figure */
    {"bma_headline",
     "By the key informants' figures, %s %s who arrived in %s were present in the districts assessed; %s of "
     "them arrived in %s, the latest period.",
     "По данным ключевых информантов, в оценённых районах находились %s, прибывшие за период %s: %s; из них "
     "прибывшие за %s (последний период): %s."},
    /* en: total, population, period; ru: population, period, total */
    {"bma_headline_one", "By the key informants' figures, %s %s who arrived in %s were present in the districts assessed.",
     "По данным ключевых информантов, в оценённых районах находились %s, прибывшие за %s: %s."},
    {"total", "Total", "Итого"},
    {"bma_base_regions", "Shares of the total, %s: the district figures summed.",
     "Доли от итога — %s, суммы показателей районов."},
    {"bma_base_origins_total", "Shares of the total, %s.", "Доли от итога — %s."},
    {"bma_base_origins",
     "Shares of the sum of the figures by country of origin, %s. A district's figure for a country is the median "
     "of its key informants' figures for that country, and its total the median of their totals; medians of parts "
     "need not add up to the median of the whole, so the countries add up to %s and not to the total of %s.",
     "Доли от суммы показателей по странам происхождения — %s. Показатель района по стране — медиана ответов его "
     "ключевых информантов по этой стране, а его итог — медиана их итогов; медианы частей не обязательно "
     "складываются в медиану целого, поэтому страны в сумме дают %s, а не итог %s."},
    {"bma_base_origins_other",
     "Shares of the sum of the figures by country of origin, %s. A district's figure for a country and its total "
     "are each taken from its key informants' figures on their own and need not add up, so the countries add up "
     "to %s and not to the total of %s.",
     "Доли от суммы показателей по странам происхождения — %s. Показатель района по стране и его итог "
     "рассчитываются по ответам ключевых информантов по отдельности и не обязательно сходятся, поэтому страны в "
     "сумме дают %s, а не итог %s."},
    {"bma_origins_periods", "Countries of origin are recorded for %s only.",
     "Страны происхождения указываются только за %s."},
    {"bma_rounded", "Numbers are rounded to whole people so that the rows add up to the total.",
     "Числа округлены до целых так, чтобы строки в сумме давали итог."},
    /* the source line under a map: the round ("Round 2 (2023)") */
    {"map_source_bma", "Source: IOM MTM key-informant baseline, %s",
     "Источник: МОМ, MTM, базовая оценка мобильности по данным ключевых информантов, %s"},
    {"map_source_survey", "Source: IOM MTM survey, %s", "Источник: МОМ, MTM, опрос, %s"},
    {"map_round", "Round %d", "раунд %d"},
    {"area_figure", "The figure of an area is the", "Показатель района —"},
    {"overall", "Overall", "Всего"},
    /* a caption's breakdown by a question ("(by Sex)", "(по признаку «Пол»)") */
    {"by_label", "by %s", "по признаку «%s»"},
    {"answered", "respondents who answered", "ответившие респонденты"},
    {"answered_unit", "%s with an answer", "%s с ответом"},
    {"female_lc", "female", "женского пола"},
    {"male_lc", "male", "мужского пола"},
    /* a repeat's chart (%s: its units, "household members") */
    {"histogram_note_unit", "%s per class", "записей в интервале"},
    {"suppressed_note_unit", "figures based on fewer than %d %s are not shown",
     "показатели, основанные менее чем на %d записях, не приводятся"},
    {"respondents_interviewed", "respondents interviewed", "опрошенных респондентов"},
    /* a highlight tile's label under its number, agreeing with it */
    {"respondents_interviewed_n", "{respondent interviewed|respondents interviewed|respondents interviewed}",
     "{опрошенный респондент|опрошенных респондента|опрошенных респондентов}"},
    {"regions_assessed_n", "{region assessed|regions assessed|regions assessed}",
     "{регион охвачен|региона охвачено|регионов охвачено}"},
    {"districts_assessed_n", "{district assessed|districts assessed|districts assessed}",
     "{район охвачен|района охвачено|районов охвачено}"},
    {"ki_interviewed_n", "{key informant interviewed|key informants interviewed|key informants interviewed}",
     "{опрошенный ключевой информант|опрошенных ключевых информанта|опрошенных ключевых информантов}"},
    {"regions_assessed", "regions assessed", "регионов охвачено"},
    {"districts_assessed", "districts assessed", "районов охвачено"},
    {"ki_interviewed", "key informants interviewed", "опрошенных ключевых информантов"},
    {"present", "present", "присутствуют"},
    {"annex_key", "Indicator key", "Ключ индикатора"},
    {"annex_question", "Question", "Вопрос"},
    {"annex_filter", "Filter", "Фильтр"},
    {"annex_denominator", "Denominator", "Знаменатель"},
    {"annex_n", "n", "n"},
    {"q_areas_level", "areas of level %d with key informants",
     "территории уровня %d с ключевыми информантами"},
    {"q_informants", "key-informant submissions located in an area",
     "анкеты ключевых информантов с установленной территорией"},
    {"q_sample_plan", "sample plan %ld of round %d", "план выборки %ld раунда %d"},
    {"annex_by_region", "by region", "по регионам"},
    {"annex_by_district", "by district", "по районам"},
    {"annex_map_rows", "%d areas; the figures are in %s", "территорий: %d; данные в файле %s"},
    {"annex_bma_note",
     "Baseline figures (keys beginning with \xE2\x80\x9C" "bma\xE2\x80\x9D): the figure of an area is the %s; a missing "
     "figure is left out of the sums, never counted as zero.",
     "Показатели базовой оценки (ключи, начинающиеся с «bma»): показатель района — %s; "
     "отсутствующий показатель не входит в суммы и не считается нулём."},
    {"annex_caption", "Indicators used in this report", "Индикаторы, использованные в отчёте"},
    /* the printed annex: the numbers quoted in the text and tiles */
    {"annex_print_caption", "Sources of the numbers quoted in the text",
     "Источники чисел, приведённых в тексте"},
    {"annex_print_indicator", "Indicator", "Индикатор"},
    {"annex_print_value", "Value", "Значение"},
    {"annex_print_n", "n", "n"},
    {"annex_print_question", "Question", "Вопрос"},
    {"annex_print_lead",
     "The values of the charts, maps and tables, and every indicator's full key, filter and "
     "denominator, are in the HTML edition and in its data/*.csv files (all indicators: %s).",
     "Значения диаграмм, карт и таблиц, а также полный ключ, фильтр и знаменатель каждого "
     "индикатора приведены в HTML-версии отчёта и в её файлах data/*.csv (все индикаторы: %s)."},
    {"median_word", "Median", "Медиана"},
    {"total_word", "Total", "Итого"},
    {"iom", "International Organization for Migration (IOM)",
     "Международная организация по миграции (МОМ)"},
    {"others", "Other", "Другие"}, /* the rest of a top-N table of regions or countries */
    {"mean", "Mean", "Среднее"},
    {"most_common", "Most common answer", "Самый частый ответ"},
    {"share_of", "Share", "Доля"},
    {"histogram_note", "respondents per class", "респондентов в интервале"},
    {"origin", "Country of origin", "Страна происхождения"},
    {"other_findings", "Other findings", "Другие результаты"},
    {"sample_size", "respondents in the sample", "респондентов в выборке"},
    {"sample_size_n", "{respondent in the sample|respondents in the sample|respondents in the sample}",
     "{респондент в выборке|респондента в выборке|респондентов в выборке}"},
    {"profile_note", "Shares of the respondents of this nationality who answered each question.",
     "Доли респондентов этого гражданства, ответивших на каждый вопрос."},
};

const char *rp_text(rp_ctx *c, const char *id) {
  /* prose's catalogue first, then the report's own, else the id. */
  const char *t = mtm_prose_text(c->lang, id);
  if (t && strcmp(t, id)) return t;
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    if (!strcmp(texts[i].id, id)) return c->lang == MTM_PROSE_RU ? texts[i].ru : texts[i].en;
  return id;
}

const char *rp_pop_label(rp_ctx *c, const char *pop) {
  /* A population's name for the reader: the catalogue's, else the code
   * with spaces. */
  const char *t = rp_text(c, pop ? pop : "");
  if (pop && t != pop && strcmp(t, pop)) return t;
  char *o = mtm_arena_strdup(c->a, pop ? pop : "");
  for (char *p = o; *p; p++)
    if (*p == '_') *p = ' ';
  return o;
}

const char *rp_text_n(rp_ctx *c, const char *id, double v) {
  /* The text id with its "{one|few|many}" selectors agreeing with the
   * count v ("{регион охвачен|региона охвачено|регионов охвачено}"). */
  long n = isfinite(v) ? (long)floor(fabs(v) + 0.5) : 5;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_prose_agree(&b, c->lang, n, rp_text(c, id));
  const char *o = mtm_arena_strdup(c->a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return o;
}

const char *rp_pop_count_label(rp_ctx *c, const char *pop, double v) {
  /* A population's name after a count of v, agreeing with it ("723 441
   * трудовой мигрант"): the catalogue's "<pop>_n", else rp_pop_label. */
  const char *id = mtm_arena_printf(c->a, "%s_n", pop ? pop : "");
  const char *t = rp_text(c, id);
  if (t == id || !strcmp(t, id)) return rp_pop_label(c, pop);
  return rp_text_n(c, id, v);
}

const char *rp_bma_total_label(rp_ctx *c, const char *pop, double v) {
  /* The label of the baseline's total of pop (the first population when
   * NULL) as {{bma total}} without a period counts it, agreeing with v:
   * "трудовой мигрант (все периоды)". NULL when the round has no such
   * population. */
  mtm_bma_result *r;
  mtm_bma_summary *sum;
  if (rp_bma(c, &r, &sum) || !r || !sum) return NULL;
  if (!pop && sum->npops) pop = sum->pops[0].population;
  for (int i = 0; i < sum->npops; i++) {
    const mtm_bma_pop_summary *ps = &sum->pops[i];
    if (!pop || strcmp(ps->population, pop)) continue;
    const char *basis =
        !ps->periods_overlap && isfinite(ps->total) ? "all periods" : ps->latest_period;
    return mtm_arena_printf(c->a, "%s (%s)", rp_pop_count_label(c, pop, v), rp_basis_text(c, pop, basis));
  }
  return NULL;
}

const char *rp_pct_text(rp_ctx *c, int pct) {
  /* "55%" / "55 %" from a whole percent; an em dash when there is none. */
  if (pct < 0) return "\xE2\x80\x94";
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_prose_percent(&b, c->lang, pct / 100.0, 0);
  const char *s = mtm_arena_strdup(c->a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return s;
}

/* A count in the report's language. */
const char *rp_count_text(rp_ctx *c, double v) {
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_prose_count(&b, c->lang, v);
  const char *s = mtm_arena_strdup(c->a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return s;
}

int rp_fig_new(rp_ctx *c, mtm_fig_kind kind, const rp_tag *t) {
  /* Grows the figure table (arena copies) and returns the new index. */
  if (c->nfigs == c->capfigs) {
    int cap = c->capfigs ? c->capfigs * 2 : 64;
    mtm_fig *nf = mtm_arena_zalloc(c->a, (size_t)cap * sizeof *nf);
    if (c->nfigs) memcpy(nf, c->figs, (size_t)c->nfigs * sizeof *nf);
    c->figs = nf;
    c->capfigs = cap;
  }
  mtm_fig *f = &c->figs[c->nfigs];
  memset(f, 0, sizeof *f);
  f->kind = kind;
  f->tag = t ? t->text : NULL;
  return c->nfigs++;
}

int rp_question(rp_ctx *c, const rp_tag *t, const char *q, const mtm_frame_col **col) {
  /* The column of q, refusing text questions and questions without data. */
  if (!q || !*q) return rp_fail(c, t, "the tag names no question: add q=QUESTION");
  const mtm_question *fq = mtm_form_question(c->f->form, q);
  const mtm_frame_col *fc = mtm_frame_col_find(c->f, q);
  const char *rep = fc ? NULL : rp_repeat_of(c, q);
  if (rep) { /* a repeat's question: its column over the repeat's instances */
    mtm_frame *fr;
    int rc = rp_repeat_frame(c, 0, rep, &fr);
    if (rc) {
      char m[1024];
      snprintf(m, sizeof m, "%s", c->err->msg);
      return rp_fail(c, t, "%s", m);
    }
    fc = fr ? mtm_frame_col_find(fr, q) : NULL;
  }
  mtm_qtype ty = fq ? fq->type : fc ? fc->type : MTM_Q_TEXT;
  if (!fq && !fc)
    return rp_fail(c, t, "the survey form '%s' has no question '%s'", c->form_id, q);
  if (ty == MTM_Q_TEXT || (fc && fc->kind == MTM_FRAME_TEXT))
    return rp_fail(c, t,
                   "question '%s' is a text question: names, phone numbers and free text never "
                   "appear in a report",
                   q);
  if (!fc || (ty != MTM_Q_SELECT_ONE && ty != MTM_Q_SELECT_MULTIPLE && ty != MTM_Q_INTEGER &&
              ty != MTM_Q_DECIMAL && ty != MTM_Q_RANGE))
    return rp_fail(c, t, "question '%s' (%s) holds no figure a report can show", q,
                   mtm_form_type_name(ty));
  rp_gap_why why = rp_gap(c, fc);
  if (why != RP_ANSWERED) return rp_fail_gap(c, t, fc, why);
  *col = fc;
  return 0;
}

const char *rp_qlabel(rp_ctx *c, const mtm_frame_col *col) {
  /* The question's label in the report's language, else its name. */
  const char *l = col->q ? mtm_form_label(c->f->form, col->q->labels, c->spec.lang) : NULL;
  return l && *l ? l : col->name;
}

const char *rp_group_name(rp_ctx *c, const mtm_analysis_row *r) {
  /* women / men for the usual sex codes, else the value's label; a
   * repeat's group by its label (female, male: its units may be children) */
  const char *v = r->group_var_value ? r->group_var_value : "";
  if (r->repeat && r->group_value_label && *r->group_value_label && !strstr(r->group_var, " %/% "))
    return rp_lower(c, r->group_value_label);
  if (!strcmp(v, "female") || !strcmp(v, "f") || !strcmp(v, "woman")) return rp_text(c, "women_lc");
  if (!strcmp(v, "male") || !strcmp(v, "m") || !strcmp(v, "man")) return rp_text(c, "men_lc");
  return r->group_value_label && *r->group_value_label ? r->group_value_label : v;
}

const char *rp_group_title(rp_ctx *c, const mtm_analysis_row *r) {
  /* Women / Men (the catalogue's capitalised words), else the label; a
   * repeat's group by its label ("Female"). */
  const char *v = r->group_var_value ? r->group_var_value : "";
  if (r->repeat) return rp_capital(c, rp_group_name(c, r));
  const char *id = !strcmp(v, "female") || !strcmp(v, "f") || !strcmp(v, "woman") ? "women"
                   : !strcmp(v, "male") || !strcmp(v, "m") || !strcmp(v, "man")  ? "men"
                                                                                   : NULL;
  if (id) {
    const char *t = mtm_prose_text(c->lang, id);
    if (t && strcmp(t, id)) return t;
  }
  return rp_capital(c, rp_group_name(c, r));
}

const char *rp_period_text(rp_ctx *c, const char *period) {
  /* "2023Q1" as "Q1 2023" / "I квартал 2023"; any other period as is. */
  int y, q;
  char tail;
  if (!period || sscanf(period, "%4dQ%1d%c", &y, &q, &tail) != 2 || q < 1 || q > 4)
    return period ? period : "";
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_prose_quarter(&b, c->lang, y, q);
  const char *r = mtm_arena_strdup(c->a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return r;
}

const char *rp_basis_text(rp_ctx *c, const char *pop, const char *basis) {
  /* "all periods" as the span of the population's periods, from the
   * start of the earliest to the latest ("2020 – Q1 2023"); a period as
   * rp_period_text; "all periods" itself when the population has no
   * period. */
  if (!basis || strcmp(basis, "all periods")) return rp_period_text(c, basis);
  mtm_bma_result *r;
  mtm_bma_summary *sum;
  if (rp_bma(c, &r, &sum) || !sum) return rp_text(c, basis);
  for (int i = 0; i < sum->npops; i++) {
    const mtm_bma_pop_summary *ps = &sum->pops[i];
    if (!pop || strcmp(ps->population, pop) || !ps->nperiods || !ps->latest_period) continue;
    const char *first = NULL;
    int f0 = 0;
    for (int k = 0; k < ps->nperiods; k++) {
      int from, to;
      if (mtm_bma_period_parse(ps->periods[k], &from, &to)) continue;
      if (!first || from < f0) first = ps->periods[k], f0 = from;
    }
    if (!first || !strcmp(first, ps->latest_period)) return rp_period_text(c, ps->latest_period);
    return mtm_arena_printf(c->a, "%s \xE2\x80\x93 %s", rp_period_text(c, first),
                            rp_period_text(c, ps->latest_period));
  }
  return rp_text(c, basis);
}

const char *rp_capital(rp_ctx *c, const char *s) {
  /* The first letter upper-cased (any script: utf8proc), the rest as is. */
  if (!s || !*s) return s ? s : "";
  utf8proc_int32_t cp;
  utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
  if (n <= 0) return s;
  utf8proc_uint8_t up[4];
  utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_toupper(cp), up);
  return mtm_arena_printf(c->a, "%.*s%s", (int)k, (const char *)up, s + n);
}

/* 1 when a group variable has an answer in every row of the frame (of
 * the repeat rep's instances when rep is set). */
static int group_complete(rp_ctx *c, const char *rep, const char *by) {
  if (!by || strchr(by, '*')) return 0;
  const mtm_frame_col *g = NULL;
  const mtm_frame *f = c->f;
  if (rep) {
    mtm_frame *fr;
    if (rp_repeat_frame(c, 0, rep, &fr) || !fr) return 0;
    f = fr;
  }
  g = mtm_frame_col_find(f, by);
  if (!g) return 0;
  for (long r = 0; r < f->nrows; r++)
    if (mtm_frame_is_missing(g, r) && rp_in(c, f, r)) return 0;
  return 1;
}

void rp_source_row(rp_ctx *c, mtm_fig_source *s, const mtm_analysis_row *r, const char *shown) {
  /* Key, question (with the answer), filter, denominator and n of a row. */
  memset(s, 0, sizeof *s);
  s->key = mtm_analysis_key(r, c->a);
  const char *ql = r->var_label && *r->var_label ? r->var_label : r->analysis_var;
  if (r->analysis_var_value && r->value_label)
    s->question = mtm_arena_printf(c->a, "%s: %s", ql, r->value_label);
  else if (r->analysis_var_value)
    s->question = mtm_arena_printf(c->a, "%s: %s", ql, r->analysis_var_value);
  else
    s->question = ql;
  s->filter = r->filter && *r->filter ? r->filter : NULL;
  const char *grp = r->group_var ? rp_group_name(c, r) : NULL;
  /* the printed annex's words: the answer (or the statistic) and group */
  const char *ans = r->analysis_var_value ? (r->value_label ? r->value_label : r->analysis_var_value)
                    : !strcmp(r->analysis_type, "mean")   ? rp_text(c, "mean")
                    : !strcmp(r->analysis_type, "median") ? rp_text(c, "median_word")
                    : !strcmp(r->analysis_type, "total")  ? rp_text(c, "total_word")
                                                          : r->analysis_type;
  s->indicator = grp ? mtm_arena_printf(c->a, "%s (%s)", ans, grp) : ans;
  s->qlabel = ql;
  /* a repeat's figure counts its instances: "household members with an
   * answer", "члены домохозяйства с ответом" */
  const char *who = r->repeat ? mtm_arena_printf(c->a, rp_text(c, "answered_unit"), rp_unit(c, r->repeat, 0))
                              : rp_text(c, "answered");
  s->denominator = grp ? mtm_arena_printf(c->a, "%s (%s), n = %s", who, grp,
                                          rp_count_text(c, r->e.n_total))
                       : mtm_arena_printf(c->a, "%s, n = %s", who, rp_count_text(c, r->e.n_total));
  s->value = r->e.est;
  s->n = r->e.n;
  s->n_total = r->e.n_total;
  s->shown = shown;
  s->parts_complete = r->group_var ? group_complete(c, r->repeat, r->group_var) : 0;
}

/* Same text (NULL equal to ""). */
static int same(const char *a, const char *b) { return !strcmp(a ? a : "", b ? b : ""); }

int rp_share_pct(const mtm_analysis_result *res, size_t i) {
  /* Rounds the shares of row i's question within its group together. */
  const mtm_analysis_row *r = &res->rows[i];
  if (!isfinite(r->e.est)) return -1;
  if (strcmp(r->analysis_type, "prop_select_one")) return (int)floor(r->e.est * 100 + 0.5);
  double fr[512];
  int out[512], n = 0, me = -1;
  for (size_t j = 0; j < res->n && n < 512; j++) {
    const mtm_analysis_row *o = &res->rows[j];
    if (strcmp(o->analysis_type, r->analysis_type) || strcmp(o->analysis_var, r->analysis_var) ||
        !same(o->group_var, r->group_var) || !same(o->group_var_value, r->group_var_value) ||
        !same(o->filter, r->filter))
      continue;
    if (j == i) me = n;
    fr[n++] = o->e.est;
  }
  if (me < 0) return -1;
  mtm_prose_round_shares(fr, n, out);
  return out[me];
}

mtm_disclose_rule rp_public_rule(const rp_ctx *c) {
  /* The report's options as the public rule (meaningful with --public). */
  mtm_disclose_rule r = {0};
  r.k = c->o->suppress_k >= 1 ? c->o->suppress_k : MTM_DISCLOSE_K;
  r.other_below = c->o->other_below;
  r.flag_below = c->o->flag_below;
  return r;
}

int rp_run_get(rp_ctx *c, const rp_tag *t, const char *type, const char *q, const char *filter,
               const char *by, rp_run **out) {
  /* Finds or computes the indicator overall and by group, in both rounds. */
  const char *key = mtm_arena_printf(c->a, "%s|%s|%s|%s", type, q, filter ? filter : "",
                                     by ? by : "");
  for (int i = 0; i < c->nruns; i++)
    if (!strcmp(c->runs[i].key, key)) {
      *out = &c->runs[i];
      return 0;
    }
  if (c->nruns == c->capruns) {
    int cap = c->capruns ? c->capruns * 2 : 32;
    rp_run *nr = mtm_arena_zalloc(c->a, (size_t)cap * sizeof *nr);
    if (c->nruns) memcpy(nr, c->runs, (size_t)c->nruns * sizeof *nr);
    c->runs = nr;
    c->capruns = cap;
  }
  /* a repeat's question: over the frame of its instances, as analyse's
   * mtm_analysis_run_all computes it (clustered by submission) */
  const char *rep = rp_repeat_of(c, q);
  const mtm_frame *fnow = c->f, *fthen = c->fc;
  if (rep) {
    mtm_frame *fr = NULL, *ft = NULL;
    int rc = rp_repeat_frame(c, 0, rep, &fr);
    if (!rc && c->fc) rc = rp_repeat_frame(c, 1, rep, &ft);
    if (rc) {
      char m[1024];
      snprintf(m, sizeof m, "%s", c->err->msg);
      return rp_fail(c, t, "%s", m);
    }
    fnow = fr;
    fthen = ft;
  }
  if (by && *by && strcmp(by, "round")) { /* a group question without answers groups nobody */
    char *names = mtm_arena_strdup(c->a, by), *save = NULL;
    for (char *g = strtok_r(names, "*", &save); g; g = strtok_r(NULL, "*", &save)) {
      const mtm_frame_col *gc = mtm_frame_col_find(fnow, g);
      rp_gap_why why = rp_gap(c, gc);
      if (why != RP_ANSWERED) return rp_fail_gap(c, t, gc, why);
    }
  }
  rp_run *r = &c->runs[c->nruns];
  memset(r, 0, sizeof *r);
  r->key = key;
  mtm_analysis_item items[2];
  memset(items, 0, sizeof items);
  int n = 1;
  items[0].type = type;
  items[0].var = q;
  items[0].filter = filter;
  if (by && *by) {
    items[1] = items[0];
    items[1].group = by;
    n = 2;
  }
  mtm_analysis_spec sp = c->spec; /* the eligible respondents, as a domain */
  sp.domain = rp_domain(c, fnow);
  if (mtm_analysis_run(fnow, &sp, items, n, c->a, &r->now, c->err)) {
    char m[1024];
    snprintf(m, sizeof m, "%s", c->err->msg);
    return rp_fail(c, t, "%s", m);
  }
  for (size_t i = 0; i < r->now.n; i++) r->now.rows[i].repeat = rep;
  mtm_analysis_extra x = {0};
  mtm_disclose_rule rule = rp_public_rule(c);
  if (c->o->public_) mtm_disclose_result(&r->now, &rule, fnow, c->st, rp_text(c, "other"), &x, c->a);
  if (fthen && mtm_frame_col_find(fthen, q)) {
    mtm_err e2;
    mtm_err_clear(&e2);
    sp.domain = rp_domain(c, fthen);
    if (mtm_analysis_run(fthen, &sp, items, n, c->a, &r->then, &e2) == 0) {
      for (size_t i = 0; i < r->then.n; i++) r->then.rows[i].repeat = rep;
      r->has_then = 1;
      mtm_analysis_extra y = {0};
      if (c->o->public_) mtm_disclose_result(&r->then, &rule, fthen, c->st, rp_text(c, "other"), &y, c->a);
    }
  }
  c->nruns++;
  *out = r;
  return 0;
}

/* The share tag's question, answer and kind: type receives
 * prop_select_one or prop_select_multiple. */
static int share_args(rp_ctx *c, const rp_tag *t, const char **q, const char **value,
                      const char **type, const mtm_frame_col **col) {
  *q = rp_arg_get(t, "q");
  if (!*q) *q = rp_arg_pos(t, 0);
  int rc = rp_question(c, t, *q, col);
  if (rc) return rc;
  if ((*col)->kind == MTM_FRAME_CODES) *type = "prop_select_one";
  else if ((*col)->kind == MTM_FRAME_BITS) *type = "prop_select_multiple";
  else
    return rp_fail(c, t, "question '%s' is a number, not a choice: use {{mean q=%s}} or {{median q=%s}}",
                   *q, *q, *q);
  *value = rp_arg_get(t, "value");
  int nl = (*col)->kind == MTM_FRAME_CODES ? (*col)->nlevels : (*col)->nlist;
  if (!*value) {
    for (int i = 0; i < nl; i++)
      if (!strcmp((*col)->levels[i], "yes")) *value = "yes";
    if (!*value) return rp_fail(c, t, "say which answer of '%s' to count with value=CHOICE", *q);
  }
  for (int i = 0; i < nl; i++)
    if (!strcmp((*col)->levels[i], *value)) return 0;
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < nl && i < 30; i++) {
    if (i) mtm_buf_adds(&b, ", ");
    mtm_buf_adds(&b, (*col)->levels[i]);
  }
  rc = rp_fail(c, t, "question '%s' has no choice '%s' (its choices: %s)", *q, *value,
               b.p ? b.p : "none");
  mtm_buf_free(&b);
  return rc;
}

/* The overall row and the group rows of value in a result. */
static int find_rows(const mtm_analysis_result *res, const char *value, size_t *overall,
                     size_t *groups, int maxg) {
  int ng = 0;
  *overall = (size_t)-1;
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    if (!same(r->analysis_var_value, value)) continue;
    if (!r->group_var) *overall = i;
    else if (ng < maxg) groups[ng++] = i;
  }
  return ng;
}

/* share and sentence predicate="...": the figure text with the breakdown by
 * group (a sentence without predicate= is a finding: statements.c). */
static int eval_share(rp_ctx *c, const rp_tag *t, int words, int *fig) {
  const char *q, *value, *type;
  const mtm_frame_col *col;
  int rc = share_args(c, t, &q, &value, &type, &col);
  if (rc) return rc;
  const char *by = rp_arg_get(t, "by"), *filter = rp_arg_get(t, "filter");
  const char *pred = rp_arg_get(t, "predicate");
  rp_run *run;
  if ((rc = rp_run_get(c, t, type, q, filter, by, &run))) return rc;
  size_t ov, gr[16];
  int ng = find_rows(&run->now, value, &ov, gr, 16);
  if (ov == (size_t)-1) return rp_fail(c, t, "no figure for '%s' = '%s' in round %d", q, value, c->o->round);
  int f = rp_fig_new(c, words ? MTM_FIG_TEXT : MTM_FIG_NUMBER, t);
  mtm_fig *fg = &c->figs[f];
  fg->nsources = 1 + ng;
  fg->sources = mtm_arena_zalloc(c->a, (size_t)fg->nsources * sizeof *fg->sources);
  int pct = rp_share_pct(&run->now, ov);
  const char *pt = rp_pct_text(c, pct);
  const char *dec = rp_arg_get(t, "decimals");
  if (dec) { /* more digits than the charts and tables show: the checks
                compare the two texts */
    int d = atoi(dec);
    if (d < 0 || d > 3 || !isdigit((unsigned char)dec[0]))
      return rp_fail(c, t, "decimals is 0 to 3, not '%s'", dec);
    mtm_buf db;
    mtm_buf_init(&db);
    mtm_prose_percent(&db, c->lang, run->now.rows[ov].e.est, d);
    pt = mtm_arena_strdup(c->a, db.p ? db.p : "");
    mtm_buf_free(&db);
  }
  rp_source_row(c, &fg->sources[0], &run->now.rows[ov], pt);
  mtm_buf b;
  mtm_buf_init(&b);
  const char *rep = run->now.rows[ov].repeat;
  if (words && pct < 0) {
    /* a hidden share (--public) is never written "— of respondents", and
     * the sentence quotes no question: it says why the figure is missing */
    const char *unit = rep ? rp_unit(c, rep, 0) : NULL;
    if (c->lang == MTM_PROSE_RU)
      mtm_buf_printf(&b, "Этот показатель не приводится для защиты респондентов (меньше %d %s)",
                     rp_public_rule(c).k, unit ? unit : "респондентов");
    else
      mtm_buf_printf(&b, "This figure is not shown, to protect respondents (fewer than %d %s)",
                     rp_public_rule(c).k, unit ? unit : "respondents");
  } else if (words) {
    if (pct >= 0) mtm_prose_percent_words(&b, c->lang, pct / 100.0, 1);
    else mtm_buf_adds(&b, pt);
    mtm_buf_addc(&b, ' ');
    mtm_buf_adds(&b, pred);
  } else {
    mtm_buf_adds(&b, pt);
  }
  if (ng) {
    /* a hidden group is left out, never written "women —"; none shown
     * (or the share itself hidden): no brackets */
    int quiet = words && pct < 0, shown = 0;
    for (int i = 0; i < ng; i++) {
      const mtm_analysis_row *r = &run->now.rows[gr[i]];
      int gpct = rp_share_pct(&run->now, gr[i]);
      const char *gp = rp_pct_text(c, gpct);
      rp_source_row(c, &fg->sources[1 + i], r, gp);
      if (quiet || gpct < 0) continue;
      mtm_buf_printf(&b, "%s%s %s", shown++ ? ", " : " (", rp_group_name(c, r), gp);
    }
    if (shown) mtm_buf_addc(&b, ')');
  }
  const char *stop = rp_arg_get(t, "stop");
  if (words && !(stop && !strcmp(stop, "no"))) mtm_buf_addc(&b, '.');
  fg->text = mtm_arena_strdup(c->a, b.p);
  if (!words && !ng) fg->kind = MTM_FIG_NUMBER;
  else if (ng) fg->kind = MTM_FIG_TEXT;
  mtm_buf_free(&b);
  *fig = f;
  return 0;
}

/* change: the same share in the compared round, as words. */
static int eval_change(rp_ctx *c, const rp_tag *t, int *fig) {
  const char *q, *value, *type;
  const mtm_frame_col *col;
  int rc = share_args(c, t, &q, &value, &type, &col);
  if (rc) return rc;
  const char *filter = rp_arg_get(t, "filter");
  int f = rp_fig_new(c, MTM_FIG_TEXT, t);
  c->figs[f].text = "";
  *fig = f;
  if (!c->fc) return 0;
  rp_run *run;
  if ((rc = rp_run_get(c, t, type, q, filter, NULL, &run))) return rc;
  if (!run->has_then) return 0;
  size_t ov, ot, g;
  find_rows(&run->now, value, &ov, &g, 0);
  find_rows(&run->then, value, &ot, &g, 0);
  if (ov == (size_t)-1 || ot == (size_t)-1) return 0;
  int pn = rp_share_pct(&run->now, ov), pt = rp_share_pct(&run->then, ot);
  if (pn < 0 || pt < 0) return 0;
  mtm_fig *fg = &c->figs[f];
  fg->nsources = 2;
  fg->sources = mtm_arena_zalloc(c->a, 2 * sizeof *fg->sources);
  rp_source_row(c, &fg->sources[0], &run->now.rows[ov], rp_pct_text(c, pn));
  rp_source_row(c, &fg->sources[1], &run->then.rows[ot], rp_pct_text(c, pt));
  fg->sources[1].key = mtm_arena_printf(c->a, "%s @/@ round %%/%% %d", fg->sources[1].key, c->compare);
  mtm_buf b;
  mtm_buf_init(&b);
  const char *lead = rp_arg_get(t, "lead"); /* written only before a change, e.g. ", " */
  if (lead) mtm_buf_adds(&b, lead);
  mtm_prose_change(&b, c->lang, pn / 100.0, pt / 100.0, c->compare);
  fg->text = mtm_arena_strdup(c->a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return 0;
}

/* changes q=Q:V,Q:V: the paragraph comparing a section's indicators with
 * the compared round, naming those whose change is significant at 5%
 * (two independent samples, mtm_analysis_compare). Nothing without a
 * compared round. */
static int eval_changes(rp_ctx *c, const rp_tag *t, int *fig) {
  int f = rp_fig_new(c, MTM_FIG_TEXT, t);
  c->figs[f].text = "";
  *fig = f;
  const char *list = rp_arg_get(t, "q");
  if (!list) return rp_fail(c, t, "changes needs q=QUESTION:VALUE,QUESTION:VALUE");
  if (!c->fc) return 0;
  mtm_fig_source srcs[64];
  int ns = 0, nsig = 0;
  mtm_buf b;
  mtm_buf_init(&b);
  char *copy = mtm_arena_strdup(c->a, list), *save = NULL;
  for (char *it = strtok_r(copy, ",", &save); it && ns < 62; it = strtok_r(NULL, ",", &save)) {
    char *colon = strchr(it, ':');
    if (!colon) {
      mtm_buf_free(&b);
      return rp_fail(c, t, "'%s' names no answer: write QUESTION:VALUE", it);
    }
    *colon = 0;
    rp_tag st;
    memset(&st, 0, sizeof st);
    st.name = "change";
    st.text = t->text;
    st.args[st.nargs++] = (rp_arg){"q", it};
    st.args[st.nargs++] = (rp_arg){"value", colon + 1};
    const char *q, *value, *type;
    const mtm_frame_col *col;
    int rc = share_args(c, &st, &q, &value, &type, &col);
    rp_run *run;
    if (!rc) rc = rp_run_get(c, &st, type, q, NULL, NULL, &run);
    if (rc) {
      mtm_buf_free(&b);
      return rc;
    }
    if (!run->has_then) continue;
    size_t ov, ot, g;
    find_rows(&run->now, value, &ov, &g, 0);
    find_rows(&run->then, value, &ot, &g, 0);
    if (ov == (size_t)-1 || ot == (size_t)-1) continue;
    mtm_analysis_opts o;
    memset(&o, 0, sizeof o);
    mtm_analysis_diff d;
    mtm_analysis_compare(&run->now.rows[ov].e, &run->then.rows[ot].e, 1, &o, &d);
    if (d.status != MTM_ANALYSIS_CMP_TESTED || !d.significant) continue;
    int pn = rp_share_pct(&run->now, ov), pt = rp_share_pct(&run->then, ot);
    if (pn < 0 || pt < 0 || pn == pt) continue;
    const mtm_analysis_row *r = &run->now.rows[ov];
    rp_source_row(c, &srcs[ns], r, rp_pct_text(c, pn));
    rp_source_row(c, &srcs[ns + 1], &run->then.rows[ot], rp_pct_text(c, pt));
    srcs[ns + 1].key = mtm_arena_printf(c->a, "%s @/@ round %%/%% %d", srcs[ns + 1].key, c->compare);
    ns += 2;
    /* the label and the answer as the findings write them, no question
     * quoted: "Sector of current work: construction 40%, down from ..." */
    const char *ans = rp_answer_name(c, col, value, r->repeat);
    double sh = pn / 100.0;
    if (nsig) mtm_buf_adds(&b, "; ");
    mtm_prose_answers(&b, c->lang, rp_qlabel(c, col), 1, &ans, &sh, 0, NULL, NULL);
    mtm_buf_adds(&b, ", ");
    mtm_prose_change(&b, c->lang, pn / 100.0, pt / 100.0, c->compare);
    nsig++;
  }
  mtm_fig *fg = &c->figs[f];
  char intro[512];
  snprintf(intro, sizeof intro, rp_text(c, nsig ? "changes_significant" : "changes_none"), c->compare);
  fg->text = nsig ? mtm_arena_printf(c->a, "%s %s.", intro, b.p) : mtm_arena_strdup(c->a, intro);
  mtm_buf_free(&b);
  fg->nsources = ns;
  fg->sources = mtm_arena_alloc(c->a, (size_t)(ns + 1) * sizeof *fg->sources);
  if (ns) memcpy(fg->sources, srcs, (size_t)ns * sizeof *srcs);
  return 0;
}

/* A number in the report's language: whole from 100 on and when it is
 * whole, else one decimal. */
static const char *number_text(rp_ctx *c, double v) {
  if (!isfinite(v)) return "\xE2\x80\x94";
  if (fabs(v) >= 100 || v == floor(v)) return rp_count_text(c, v);
  char s[64];
  snprintf(s, sizeof s, "%.1f", v);
  if (c->lang == MTM_PROSE_RU)
    for (char *p = s; *p; p++)
      if (*p == '.') *p = ',';
  return mtm_arena_strdup(c->a, s);
}

/* mean and median, money in the operation's currency with its USD value. */
static int eval_stat(rp_ctx *c, const rp_tag *t, const char *type, int *fig) {
  const char *q = rp_arg_get(t, "q");
  if (!q) q = rp_arg_pos(t, 0);
  const mtm_frame_col *col;
  int rc = rp_question(c, t, q, &col);
  if (rc) return rc;
  if (col->kind != MTM_FRAME_NUM)
    return rp_fail(c, t, "question '%s' is a choice, not a number: use {{share q=%s value=...}}", q, q);
  rp_run *run;
  if ((rc = rp_run_get(c, t, type, q, rp_arg_get(t, "filter"), NULL, &run))) return rc;
  size_t ov, g;
  find_rows(&run->now, NULL, &ov, &g, 0);
  if (ov == (size_t)-1) return rp_fail(c, t, "no figure for '%s' in round %d", q, c->o->round);
  const mtm_analysis_row *r = &run->now.rows[ov];
  const char *txt;
  if (c->currency && mtm_analysis_is_money(rp_col_frame(c, col), q, c->currency) && isfinite(r->e.est)) {
    mtm_buf b;
    mtm_buf_init(&b);
    /* The amount and its USD value, grouped the language's way. */
    mtm_prose_money(&b, c->lang, r->e.est, c->currency);
    double usd = mtm_analysis_to_usd(r->e.est, c->rate);
    if (!isnan(usd)) {
      mtm_buf_adds(&b, " (");
      mtm_prose_money(&b, c->lang, usd, "USD");
      mtm_buf_adds(&b, ")");
    }
    txt = mtm_arena_strdup(c->a, b.p ? b.p : "");
    mtm_buf_free(&b);
  } else {
    txt = number_text(c, r->e.est);
  }
  int f = rp_fig_new(c, MTM_FIG_NUMBER, t);
  mtm_fig *fg = &c->figs[f];
  fg->text = txt;
  fg->nsources = 1;
  fg->sources = mtm_arena_zalloc(c->a, sizeof *fg->sources);
  rp_source_row(c, &fg->sources[0], r, txt);
  *fig = f;
  return 0;
}

int rp_bma(rp_ctx *c, mtm_bma_result **r, mtm_bma_summary **s) {
  /* Consolidates the round's baseline once; none is not an error. */
  if (!c->bma_tried) {
    c->bma_tried = 1;
    mtm_err e;
    mtm_err_clear(&e);
    const char *form;
    if (mtm_bma_form_pick(c->st, NULL, c->o->round, c->a, &form, &e) == 0) {
      mtm_bma_opts o;
      memset(&o, 0, sizeof o);
      o.form_id = form;
      o.round = c->o->round;
      o.lang = c->lang_code;
      o.full_names = 1;
      mtm_bma_result *res = mtm_arena_zalloc(c->a, sizeof *res);
      mtm_bma_summary *sum = mtm_arena_zalloc(c->a, sizeof *sum);
      if (mtm_bma_consolidate(c->st, &o, c->a, res, c->err) ||
          mtm_bma_summarize(res, 5, c->a, sum, c->err))
        return c->err->code ? c->err->code : MTM_EINVAL;
      c->bma = res;
      c->bma_sum = sum;
      c->bma_form = form;
    }
  }
  *r = c->bma;
  if (s) *s = c->bma_sum;
  return 0;
}

/* Fills a baseline source. */
static void bma_source(rp_ctx *c, mtm_fig_source *s, const char *key, const char *question,
                       double v, const char *shown) {
  memset(s, 0, sizeof *s);
  s->key = key;
  s->question = question;
  s->denominator = c->bma ? mtm_bma_method_sentence_lang(c->bma->method, c->lang_code) : NULL;
  s->value = v;
  s->n = NAN;
  s->n_total = NAN;
  s->shown = shown;
}

int rp_bma_number(rp_ctx *c, const rp_tag *t, const char *what, mtm_fig_source *s,
                  const char **text) {
  /* A baseline number (total, areas, informants) with its source. */
  mtm_bma_result *r;
  mtm_bma_summary *sum;
  int rc = rp_bma(c, &r, &sum);
  if (rc) return rc;
  if (!r)
    return rp_fail(c, t, "the workspace has no baseline (key-informant) form with data in round %d",
                   c->o->round);
  if (!strcmp(what, "total")) {
    const char *pop = rp_arg_get(t, "population"), *period = rp_arg_get(t, "period");
    if (!pop && sum->npops) pop = sum->pops[0].population;
    const mtm_bma_pop_summary *ps = NULL;
    for (int i = 0; i < sum->npops; i++)
      if (pop && !strcmp(sum->pops[i].population, pop)) ps = &sum->pops[i];
    if (!ps) return rp_fail(c, t, "the baseline has no population '%s'", pop ? pop : "");
    double v = NAN;
    const char *basis = period;
    if (period) {
      for (int i = 0; i < ps->nperiods; i++)
        if (!strcmp(ps->periods[i], period)) v = ps->period_total[i];
      if (isnan(v)) return rp_fail(c, t, "the baseline has no figure for %s in period '%s'", pop, period);
    } else if (!ps->periods_overlap && isfinite(ps->total)) {
      v = ps->total;
      basis = "all periods";
    } else {
      v = ps->latest_value;
      basis = ps->latest_period;
    }
    *text = rp_count_text(c, v);
    bma_source(c, s, mtm_arena_printf(c->a, "bma @/@ %s %%/%% %s @/@ admin0", pop, basis),
               mtm_arena_printf(c->a, "%s (%s)", rp_pop_label(c, pop), rp_basis_text(c, pop, basis)), v, *text);
    return 0;
  }
  if (!strcmp(what, "areas")) {
    const char *lv = rp_arg_get(t, "level");
    int level = lv ? atoi(lv) : 1;
    int n = 0;
    for (int i = 0; i < r->nareas; i++)
      if (r->areas[i].level == level && r->areas[i].locations_total > 0) n++;
    *text = rp_count_text(c, n);
    bma_source(c, s, mtm_arena_printf(c->a, "bma @/@ areas %%/%% level %d", level),
               mtm_arena_printf(c->a, rp_text(c, "q_areas_level"), level), n, *text);
    return 0;
  }
  if (!strcmp(what, "informants")) {
    *text = rp_count_text(c, (double)r->located);
    bma_source(c, s, "bma @/@ informants", rp_text(c, "q_informants"),
               (double)r->located, *text);
    return 0;
  }
  return rp_fail(c, t, "bma takes total, areas or informants, not '%s'", what);
}

int rp_count_respondents(rp_ctx *c, mtm_fig_source *s, const char **text) {
  /* The respondents of the round: its eligible records. */
  long n = rp_neligible(c);
  *text = rp_count_text(c, (double)n);
  memset(s, 0, sizeof *s);
  s->key = mtm_arena_printf(c->a, "count @/@ respondents %%/%% round %d", c->o->round);
  s->question = rp_text(c, "respondents_interviewed");
  s->value = (double)n;
  s->n = (double)n;
  s->n_total = NAN;
  s->shown = *text;
  return 0;
}

/* count records | count excluded [rule=consent|K]: the round's records,
 * and those not eligible (all, without consent, or failing the Kth
 * inclusion criterion first), with their sources. */
static int eval_records(rp_ctx *c, const rp_tag *t, const char *w, int *fig) {
  const mtm_analysis_eligibility *el = &c->elig;
  double v = (double)c->f->nrows;
  const char *key = mtm_arena_printf(c->a, "count @/@ records %%/%% round %d", c->o->round);
  const char *q = rp_text(c, "records_recorded");
  if (!strcmp(w, "excluded")) {
    const char *rule = rp_arg_get(t, "rule");
    v = (double)(el->nrules ? el->nrows - el->neligible : 0);
    key = mtm_arena_printf(c->a, "count @/@ excluded %%/%% round %d", c->o->round);
    q = rp_text(c, "records_excluded");
    if (rule) {
      int k = -1, nth = 0;
      for (int i = 0; i < el->nrules; i++) {
        if (el->rules[i].consent ? !strcmp(rule, "consent") : ++nth == atoi(rule)) k = i;
      }
      if (k < 0)
        return rp_fail(c, t, "count excluded takes rule=consent or the number of an inclusion criterion, not '%s'", rule);
      const mtm_analysis_rule *r = &el->rules[k];
      v = (double)r->excluded;
      key = r->consent ? mtm_arena_printf(c->a, "count @/@ excluded without consent %%/%% round %d", c->o->round)
                       : mtm_arena_printf(c->a, "count @/@ excluded by criterion %d %%/%% round %d", atoi(rule), c->o->round);
      q = mtm_arena_printf(c->a, "%s: %s", q,
                           r->consent ? rp_text(c, "m_eligible_consent")
                           : r->label && *r->label ? r->label : r->expr);
    }
  }
  int f = rp_fig_new(c, MTM_FIG_NUMBER, t);
  mtm_fig *fg = &c->figs[f];
  fg->text = rp_count_text(c, v);
  fg->nsources = 1;
  fg->sources = mtm_arena_zalloc(c->a, sizeof *fg->sources);
  mtm_fig_source *s = &fg->sources[0];
  s->key = key;
  s->question = q;
  s->value = s->n = v;
  s->n_total = (double)c->f->nrows;
  s->shown = fg->text;
  *fig = f;
  return 0;
}

/* count respondents | count records | count excluded [rule=R] | count q=Q value=V. */
static int eval_count(rp_ctx *c, const rp_tag *t, int *fig) {
  const char *w = rp_arg_pos(t, 0);
  int f;
  if (w && (!strcmp(w, "records") || !strcmp(w, "excluded"))) return eval_records(c, t, w, fig);
  if (w && !strcmp(w, "respondents")) {
    f = rp_fig_new(c, MTM_FIG_NUMBER, t);
    mtm_fig *fg = &c->figs[f];
    fg->nsources = 1;
    fg->sources = mtm_arena_zalloc(c->a, sizeof *fg->sources);
    rp_count_respondents(c, &fg->sources[0], &fg->text);
    *fig = f;
    return 0;
  }
  const char *q, *value, *type;
  const mtm_frame_col *col;
  int rc = share_args(c, t, &q, &value, &type, &col);
  if (rc) return rc;
  rp_run *run;
  if ((rc = rp_run_get(c, t, type, q, rp_arg_get(t, "filter"), NULL, &run))) return rc;
  size_t ov, g;
  find_rows(&run->now, value, &ov, &g, 0);
  if (ov == (size_t)-1) return rp_fail(c, t, "no figure for '%s' = '%s'", q, value);
  const mtm_analysis_row *r = &run->now.rows[ov];
  f = rp_fig_new(c, MTM_FIG_NUMBER, t);
  mtm_fig *fg = &c->figs[f];
  if (isfinite(r->e.n)) fg->text = rp_count_text(c, r->e.n);
  else if (c->o->public_) { /* hidden by the public rule: "fewer than K", not a dash */
    char fb[64];
    fg->text = mtm_arena_strdup(c->a, mtm_disclose_count(r->e.n, rp_public_rule(c).k, c->lang_code, fb, sizeof fb));
  } else
    fg->text = "\xE2\x80\x94";
  fg->nsources = 1;
  fg->sources = mtm_arena_zalloc(c->a, sizeof *fg->sources);
  rp_source_row(c, &fg->sources[0], r, fg->text);
  fg->sources[0].key = mtm_arena_printf(c->a, "n @/@ %s", fg->sources[0].key);
  fg->sources[0].value = r->e.n;
  *fig = f;
  return 0;
}

/* repeat_base repeat=R: the base of a repeat's figures, the sentence that
 * opens its section: en "The figures of this section count household
 * members, not respondents: 120 household members listed by 45
 * respondents.", ru "Показатели этого раздела рассчитаны по записям
 * «Члены домохозяйства», а не по респондентам: 120 записей в анкетах 45
 * респондентов." (numerals agreeing). Its two counts carry the keys
 * "count @/@ R %/% round N" and "count @/@ respondents with R %/% round N". */
static int eval_repeat_base(rp_ctx *c, const rp_tag *t, int *fig) {
  const char *rep = rp_arg_get(t, "repeat");
  if (!rep) rep = rp_arg_pos(t, 0);
  const char **names;
  int nr = mtm_frame_repeats(c->f, c->a, &names), known = 0;
  for (int i = 0; rep && i < nr; i++)
    if (!strcmp(names[i], rep)) known = 1;
  if (!known) return rp_fail(c, t, "the survey form '%s' has no repeat '%s'", c->form_id, rep ? rep : "");
  mtm_frame *fr;
  int rc = rp_repeat_frame(c, 0, rep, &fr);
  if (rc) {
    char m[1024];
    snprintf(m, sizeof m, "%s", c->err->msg);
    return rp_fail(c, t, "%s", m);
  }
  long inst = 0, subs = 0;
  for (long r = 0; r < fr->nrows; r++) { /* instances come by submission */
    if (!rp_in(c, fr, r)) continue;
    inst++;
    if (r == 0 || fr->parent_row[r] != fr->parent_row[r - 1]) subs++;
  }
  int f = rp_fig_new(c, MTM_FIG_TEXT, t);
  mtm_fig *fg = &c->figs[f];
  fg->nsources = 2;
  fg->sources = mtm_arena_zalloc(c->a, 2 * sizeof *fg->sources);
  const char *ni = rp_count_text(c, (double)inst), *ns = rp_count_text(c, (double)subs);
  const char *unit = rp_unit(c, rep, 0);
  mtm_fig_source *s = fg->sources;
  s[0].key = mtm_arena_printf(c->a, "count @/@ %s %%/%% round %d", rep, c->o->round);
  s[0].question = rp_unit(c, rep, 1);
  s[0].value = s[0].n = (double)inst;
  s[0].n_total = NAN;
  s[0].shown = ni;
  s[1].key = mtm_arena_printf(c->a, "count @/@ respondents with %s %%/%% round %d", rep, c->o->round);
  s[1].question = rp_text(c, "respondents_interviewed");
  s[1].value = s[1].n = (double)subs;
  s[1].n_total = (double)rp_neligible(c);
  s[1].shown = ns;
  if (c->lang == MTM_PROSE_RU)
    fg->text = mtm_arena_printf(
        c->a,
        "Показатели этого раздела рассчитаны по записям \xC2\xAB%s\xC2\xBB, а не по "
        "респондентам: %s %s в анкетах %s %s.",
        rp_unit(c, rep, 1), ni, mtm_prose_plural(c->lang, inst, "запись", "записи", "записей"), ns,
        mtm_prose_plural(c->lang, subs, "респондента", "респондентов", "респондентов"));
  else
    fg->text = mtm_arena_printf(c->a,
                                "The figures of this section count %s, not respondents: %s %s listed "
                                "by %s %s.",
                                unit, ni, unit, ns, subs == 1 ? "respondent" : "respondents");
  *fig = f;
  return 0;
}

/* sample: the saved sample plan of the round as a sentence (nothing when
 * the round has none). */
static int eval_sample(rp_ctx *c, const rp_tag *t, int *fig) {
  int f = rp_fig_new(c, MTM_FIG_TEXT, t);
  c->figs[f].text = "";
  *fig = f;
  mtm_store_sample_plan p;
  mtm_err e;
  mtm_err_clear(&e);
  if (mtm_store_sample_plan_latest(c->st, c->o->round, rp_arg_get(t, "population"), c->a, &p, &e))
    return 0;
  const char *req = rp_count_text(c, (double)p.total);
  mtm_buf a, m, d;
  mtm_buf_init(&a);
  mtm_buf_init(&m);
  mtm_buf_init(&d);
  mtm_prose_percent(&a, c->lang, p.confidence, 0);
  mtm_prose_percent(&m, c->lang, p.margin, fabs(p.margin * 100 - floor(p.margin * 100 + 0.5)) < 1e-9 ? 0 : 1);
  mtm_buf_printf(&d, "%.2g", p.deff);
  if (c->lang == MTM_PROSE_RU)
    for (char *q = d.p; *q; q++)
      if (*q == '.') *q = ',';
  mtm_fig *fg = &c->figs[f];
  /* Russian: the population after "о" in the prepositional ("о трудовых
   * мигрантах"), the period after "за" with its noun ("за 2022 год", "за I
   * квартал 2023 года") */
  const char *pop = rp_pop_label(c, p.population), *period = rp_period_text(c, p.period);
  int y, q;
  char tail;
  if (c->lang == MTM_PROSE_RU) {
    const char *prep = rp_text(c, mtm_arena_printf(c->a, "%s_prep", p.population ? p.population : ""));
    if (strstr(prep, "_prep") == NULL) pop = prep;
    if (p.period && sscanf(p.period, "%4d%c", &y, &tail) == 1) period = mtm_arena_printf(c->a, "%d год", y);
    else if (p.period && sscanf(p.period, "%4dQ%1d%c", &y, &q, &tail) == 2) period = mtm_arena_printf(c->a, "%s года", period);
  }
  fg->text = mtm_arena_printf(c->a, rp_text(c, "sample_sentence"), req, a.p, m.p, d.p, pop, period);
  mtm_buf_free(&a);
  mtm_buf_free(&m);
  mtm_buf_free(&d);
  fg->nsources = 1;
  fg->sources = mtm_arena_zalloc(c->a, sizeof *fg->sources);
  mtm_fig_source *s = &fg->sources[0];
  s->key = mtm_arena_printf(c->a, "sample @/@ %s %%/%% %s @/@ round %%/%% %d", p.population,
                            p.period ? p.period : "", c->o->round);
  s->question = mtm_arena_printf(c->a, rp_text(c, "q_sample_plan"), p.id, c->o->round);
  s->value = (double)p.total;
  s->n = NAN;
  s->n_total = NAN;
  s->shown = req;
  return 0;
}

int rp_eval_tag(rp_ctx *c, const rp_tag *t, int *fig, const char **inline_text) {
  /* Dispatches a tag by its name. */
  *fig = -1;
  *inline_text = NULL;
  const char *n = t->name;
  if (!strcmp(n, "share")) return eval_share(c, t, 0, fig);
  if (!strcmp(n, "sentence"))
    return rp_arg_get(t, "predicate") ? eval_share(c, t, 1, fig) : rp_eval_finding(c, t, fig);
  if (!strcmp(n, "change")) return eval_change(c, t, fig);
  if (!strcmp(n, "changes")) return eval_changes(c, t, fig);
  if (!strcmp(n, "count")) return eval_count(c, t, fig);
  if (!strcmp(n, "repeat_base")) return eval_repeat_base(c, t, fig);
  if (!strcmp(n, "sample")) return eval_sample(c, t, fig);
  if (!strcmp(n, "mean")) return eval_stat(c, t, "mean", fig);
  if (!strcmp(n, "median")) return eval_stat(c, t, "median", fig);
  if (!strcmp(n, "bma")) {
    const char *w = rp_arg_pos(t, 0);
    if (!w) return rp_fail(c, t, "bma takes total, areas or informants");
    int f = rp_fig_new(c, MTM_FIG_NUMBER, t);
    c->figs[f].nsources = 1;
    c->figs[f].sources = mtm_arena_zalloc(c->a, sizeof(mtm_fig_source));
    int rc = rp_bma_number(c, t, w, &c->figs[f].sources[0], &c->figs[f].text);
    if (rc) return rc;
    *fig = f;
    return 0;
  }
  if (!strcmp(n, "chart")) return rp_eval_chart(c, t, fig);
  if (!strcmp(n, "map")) return rp_eval_map(c, t, fig);
  if (!strcmp(n, "table")) return rp_eval_table(c, t, fig);
  if (!strcmp(n, "tiles")) return rp_eval_tiles(c, t, fig);
  if (!strcmp(n, "annex")) {
    int f = rp_fig_new(c, MTM_FIG_TABLE, t);
    c->annex_fig = f;
    *fig = f;
    return 0;
  }
  if (!strcmp(n, "t")) {
    const char *id = rp_arg_pos(t, 0);
    if (!id) return rp_fail(c, t, "t takes the id of a fixed text, e.g. {{t about_mtm}}");
    *inline_text = rp_text(c, id);
    return 0;
  }
  if (!strcmp(n, "round")) {
    *inline_text = mtm_arena_printf(c->a, "%d", c->o->round);
    return 0;
  }
  if (!strcmp(n, "compare_round")) {
    *inline_text = c->compare ? mtm_arena_printf(c->a, "%d", c->compare) : "";
    return 0;
  }
  return rp_fail(c, t,
                 "unknown tag '%s' (tags: share, sentence, count, repeat_base, mean, median, bma, chart, map, "
                 "table, change, changes, tiles, annex, sample, t, round, about, methodology, "
                 "survey_sections, nationality_profiles, baseline_section, criteria)",
                 n);
}
