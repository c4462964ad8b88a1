/* prose: the catalogue of the report's fixed texts in English and
 * Russian, looked up by id. */
#include <string.h>

#include "prose/prose.h"

typedef struct text_entry {
  const char *id;
  const char *en;
  const char *ru;
} text_entry;

/* Keep ids unique and in sync with the list in prose.h; the unit tests
 * walk this table and check both. */
static const text_entry texts[] = {
    /* ---- labels ---- */
    {"women", "Women", "Женщины"},
    {"men", "Men", "Мужчины"},
    {"women_lc", "women", "женщины"},
    {"men_lc", "men", "мужчины"},
    {"total", "Total", "Всего"},
    {"all_respondents", "All respondents", "Все респонденты"},
    {"respondents", "Respondents", "Респонденты"},
    {"round", "Round", "Раунд"},
    {"figure", "Figure", "Рисунок"},
    {"table", "Table", "Таблица"},
    {"map", "Map", "Карта"},
    {"source", "Source", "Источник"},
    {"note", "Note", "Примечание"},
    {"page", "Page", "Страница"},
    {"contents", "Contents", "Содержание"},
    {"n_respondents", "Number of respondents", "Число респондентов"},
    {"not_assessed", "Not assessed", "Не оценивалось"},
    {"suppressed", "Not shown (fewer than 5 respondents)",
     "Не показано (менее 5 респондентов)"},
    {"suppressed_note", "Figures based on fewer than 5 respondents are not shown.",
     "Показатели, основанные на ответах менее чем 5 респондентов, не приводятся."},
    {"small_n_note", "Small number of respondents: read with caution.",
     "Малое число респондентов: интерпретировать с осторожностью."},
    {"multiple_answers_note",
     "Respondents could give more than one answer, so percentages may add up to more than 100.",
     "Респонденты могли выбрать несколько вариантов ответа, поэтому сумма процентов может "
     "превышать 100."},
    {"rounding_note", "Percentages are rounded to whole numbers.",
     "Проценты округлены до целых чисел."},
    {"no_data", "No data", "Нет данных"},
    {"yes", "Yes", "Да"},
    {"no", "No", "Нет"},
    {"dont_know", "Don't know", "Затрудняюсь ответить"},
    {"refused", "Refused to answer", "Отказ от ответа"},
    {"other", "Other", "Другое"},
    {"average", "Average", "Среднее"},
    {"median", "Median", "Медиана"},
    {"sex", "Sex", "Пол"},
    {"nationality", "Nationality", "Гражданство"},
    {"country_of_origin", "Country of origin", "Страна происхождения"},
    {"period", "Period", "Период"},
    {"all_periods", "All periods", "Все периоды"},
    {"region", "Region", "Регион"},
    {"regions", "Regions", "Регионы"},
    {"rayon", "District (rayon)", "Район"},
    {"rayons", "Districts (rayons)", "Районы"},
    {"settlement", "City or village", "Город или село"},
    {"key_informants", "Key informants", "Ключевые информанты"},
    {"indicator", "Indicator", "Показатель"},
    {"indicator_key", "Indicator key", "Ключ показателя"},
    {"question", "Question", "Вопрос"},
    {"subpopulation", "Sub-population", "Подгруппа"},
    {"denominator", "Denominator", "Знаменатель"},
    {"value", "Value", "Значение"},
    {"share", "Share", "Доля"},
    {"number", "Number", "Число"},
    {"change", "Change", "Изменение"},
    {"ci95", "95% confidence interval", "95-процентный доверительный интервал"},
    {"significant", "Significant at the 5% level", "Значимо на уровне 5 %"},
    {"iom", "International Organization for Migration (IOM)",
     "Международная организация по миграции (МОМ)"},
    {"mtm", "Mobility Tracking Matrix (MTM)", "Матрица отслеживания мобильности (MTM)"},
    {"survey_name", "Survey of international migrant workers",
     "Опрос международных трудовых мигрантов"},
    {"legend_migrant_workers", "Number of international migrant workers",
     "Число международных трудовых мигрантов"},
    {"source_bma",
     "Source: IOM, Mobility Tracking Matrix, Baseline Mobility Assessment (key informant "
     "interviews).",
     "Источник: МОМ, Матрица отслеживания мобильности, базовая оценка мобильности (интервью с "
     "ключевыми информантами)."},
    {"source_survey",
     "Source: IOM, Mobility Tracking Matrix, survey of international migrant workers.",
     "Источник: МОМ, Матрица отслеживания мобильности, опрос международных трудовых "
     "мигрантов."},
    {"map_disclaimer",
     "This map is for illustration purposes only. The boundaries and names shown and the "
     "designations used on this map do not imply official endorsement or acceptance by the "
     "International Organization for Migration.",
     "Карта приведена исключительно в иллюстративных целях. Показанные на ней границы и "
     "названия, а также используемые обозначения не означают их официального одобрения или "
     "признания Международной организацией по миграции."},
    {"report_disclaimer",
     "The opinions expressed in this report are those of the authors and do not necessarily "
     "reflect the views of the International Organization for Migration (IOM).",
     "Мнения, изложенные в настоящем отчёте, принадлежат авторам и не обязательно отражают "
     "точку зрения Международной организации по миграции (МОМ)."},

    /* ---- section titles ---- */
    {"cover", "Mobility Tracking Matrix", "Матрица отслеживания мобильности"},
    {"about", "About the Mobility Tracking Matrix", "О Матрице отслеживания мобильности"},
    {"methodology", "Methodology", "Методология"},
    {"key_highlights", "Key highlights", "Ключевые показатели"},
    {"baseline", "Baseline Mobility Assessment", "Базовая оценка мобильности"},
    {"survey_findings", "Key findings of the survey", "Основные результаты опроса"},
    {"nationality_profiles", "Profiles by nationality", "Профили по гражданству"},
    {"changes", "Changes since the previous round",
     "Изменения по сравнению с предыдущим раундом"},
    {"annex_indicators", "Annex: indicators used in this report",
     "Приложение: показатели, использованные в отчёте"},
    {"limitations", "Limitations", "Ограничения"},
    {"conclusions", "Conclusions", "Выводы"},
    {"coverage", "Geographic coverage", "Географический охват"},
    {"top_origins", "Top countries of origin", "Основные страны происхождения"},
    {"top_regions", "Top hosting regions", "Основные принимающие регионы"},
    {"compared_previous", "Compared with the previous round",
     "По сравнению с предыдущим раундом"},
    {"inclusion_criteria", "Inclusion criteria", "Критерии включения"},
    {"profile_general", "General", "Общие сведения"},
    {"profile_employment", "Employment", "Занятость"},
    {"profile_well_being", "Well-being", "Благополучие"},

    /* ---- highlight tiles (label above the number, any number agrees) ---- */
    {"hl_regions", "Regions covered", "Охвачено регионов"},
    {"hl_rayons", "Districts (rayons) assessed", "Оценено районов"},
    {"hl_key_informants", "Key informants interviewed", "Опрошено ключевых информантов"},
    {"hl_respondents", "Migrant workers interviewed", "Опрошено трудовых мигрантов"},
    {"hl_present", "International migrant workers present",
     "Число международных трудовых мигрантов"},
    {"hl_arrivals", "Arrived in the latest quarter", "Прибыло в последнем квартале"},

    /* ---- target populations ---- */
    {"pop_international_migrant_workers", "International migrant workers",
     "Международные трудовые мигранты"},
    {"pop_return_migrants", "Return migrants", "Вернувшиеся мигранты"},
    {"pop_emigrants", "Emigrants", "Эмигранты"},
    {"def_international_migrant_workers",
     "People who are not nationals of the country and who are engaged, are to be engaged or "
     "have been engaged in a remunerated activity in it.",
     "Лица, не являющиеся гражданами страны, которые занимаются, будут заниматься или "
     "занимались в ней оплачиваемой деятельностью."},
    {"def_return_migrants",
     "Nationals of the country who have come back to it after living or working abroad.",
     "Граждане страны, вернувшиеся в неё после проживания или работы за рубежом."},
    {"def_emigrants",
     "Nationals of the country who have left it to live or work in another country.",
     "Граждане страны, выехавшие из неё, чтобы жить или работать в другой стране."},

    /* ---- about MTM ---- */
    {"about_purpose",
     "The Mobility Tracking Matrix (MTM) is a system of the International Organization for "
     "Migration (IOM) that tracks and monitors the presence, numbers and needs of mobile "
     "populations. It collects data regularly, in rounds, so that the government and its "
     "humanitarian and development partners can plan assistance on the basis of evidence. "
     "Each round combines a Baseline Mobility Assessment, which estimates from interviews with "
     "key informants how many people of each target population are present in each district, "
     "with a survey of migrant workers themselves, which describes their profile, employment, "
     "income, remittances, well-being and intentions.",
     "Матрица отслеживания мобильности (MTM) — система Международной организации по миграции "
     "(МОМ) для отслеживания и мониторинга присутствия, численности и потребностей мобильных "
     "групп населения. Данные собираются регулярно, раундами, чтобы правительство и его "
     "гуманитарные партнёры и партнёры по развитию могли планировать помощь на основе "
     "фактических данных. Каждый раунд сочетает базовую оценку мобильности, которая по "
     "интервью с ключевыми информантами определяет численность каждой целевой группы в каждом "
     "районе, и опрос самих трудовых мигрантов об их профиле, занятости, доходах, денежных "
     "переводах, благополучии и намерениях."},
    {"about_populations", "MTM tracks three target populations:",
     "MTM отслеживает три целевые группы населения:"},
    {"about_periods",
     "Key informants give the number of people of each target population for each period of "
     "mobility: every full calendar year since tracking began and the quarter in which the "
     "round took place. Figures are reported for each period and as a total over all periods.",
     "Ключевые информанты сообщают численность каждой целевой группы за каждый период "
     "мобильности: за каждый полный календарный год с начала отслеживания и за квартал, в "
     "котором проводился раунд. Данные приводятся по периодам и в сумме за все периоды."},

    /* ---- methodology ---- */
    {"method_ki",
     "In each district (rayon) assessed, IOM enumerators interview key informants who know "
     "the population of the area well: representatives of local authorities, community "
     "leaders, teachers and religious leaders. Each key informant gives an estimate of the "
     "number of people of each target population in the district, by period and by country "
     "of origin or destination.",
     "В каждом оцениваемом районе счётчики МОМ проводят интервью с ключевыми информантами, "
     "хорошо знающими население района: представителями местных органов власти, лидерами "
     "общин, учителями и религиозными лидерами. Каждый ключевой информант даёт оценку "
     "численности каждой целевой группы в районе по периодам и по странам происхождения или "
     "назначения."},
    {"method_ki_consolidation",
     "The figures of a district are consolidated from the estimates of all its key "
     "informants: for each population, period and country, the district's figure is the "
     "median of the key informants' figures, so that a single high or low estimate does not "
     "move the result. Where key informants disagree widely, or a figure differs markedly from "
     "the previous round, it is verified by phone with the key informants before it is "
     "accepted.",
     "Данные по району сводятся из оценок всех его ключевых информантов: для каждой группы "
     "населения, периода и страны показателем района служит медиана оценок ключевых "
     "информантов, поэтому одна завышенная или заниженная оценка не меняет результат. Если "
     "оценки информантов сильно расходятся или показатель заметно отличается от предыдущего "
     "раунда, его проверяют в телефонном разговоре с ключевыми информантами, прежде чем "
     "принять."},
    {"method_verification",
     "Key informant data were verified by phone calls with the key informants.",
     "Данные ключевых информантов проверены в ходе телефонных звонков информантам."},
    {"method_tools",
     "Data are collected with KoBoToolbox forms on tablets. They are checked, cleaned and "
     "analysed with mtm, which keeps a log of every correction.",
     "Данные собираются с помощью форм KoBoToolbox на планшетах. Их проверка, очистка и "
     "анализ выполняются в mtm, который ведёт журнал всех исправлений."},
    {"method_sampling",
     "The survey uses snowball sampling: enumerators start with migrant workers met at "
     "workplaces, markets and community places, and ask each respondent to refer others who "
     "meet the inclusion criteria. The number of interviews in each location is set in "
     "proportion to the number of international migrant workers that the Baseline Mobility "
     "Assessment found there. Because the sample is not drawn at random, the results are "
     "indicative of the situation of migrant workers; they are not representative of all "
     "migrant workers in the country.",
     "Опрос проводится методом снежного кома: счётчики начинают с трудовых мигрантов, "
     "встреченных на рабочих местах, рынках и в местах собраний общин, и просят каждого "
     "респондента назвать других людей, отвечающих критериям включения. Число интервью в "
     "каждом населённом пункте устанавливается пропорционально числу международных трудовых "
     "мигрантов, выявленных там базовой оценкой мобильности. Поскольку выборка не является "
     "случайной, результаты дают ориентировочную картину положения трудовых мигрантов и не "
     "являются репрезентативными для всех трудовых мигрантов в стране."},
    {"method_inclusion", "A person was interviewed only if he or she met all of these criteria:",
     "Интервью проводилось только с лицами, отвечающими всем следующим критериям:"},
    {"inclusion_age", "is 18 years of age or older", "возраст 18 лет и старше"},
    {"inclusion_nationality", "is not a national of the country",
     "не является гражданином страны"},
    {"inclusion_not_interviewed", "has not been interviewed before in the same round",
     "ранее не участвовал(а) в опросе в этом раунде"},
    {"inclusion_working", "is in the country for work (working or looking for work)",
     "находится в стране с целью работы (работает или ищет работу)"},
    {"inclusion_consent", "gives informed consent to the interview",
     "даёт информированное согласие на интервью"},
    {"method_weighting",
     "Survey results are weighted to the Baseline Mobility Assessment: the weight of each "
     "respondent is the number of international migrant workers that the baseline found in "
     "the respondent's stratum divided by the number of respondents interviewed there "
     "(post-stratification), so that each area counts in proportion to its migrant "
     "population. Standard errors and confidence intervals take the strata and clusters of "
     "the design into account; a snowball sample meets the assumptions behind them only "
     "approximately.",
     "Результаты опроса взвешены по данным базовой оценки мобильности: вес каждого "
     "респондента равен числу международных трудовых мигрантов, выявленных базовой оценкой в "
     "его страте, делённому на число опрошенных в ней респондентов (постстратификация), так "
     "что каждая территория учитывается пропорционально численности мигрантов в ней. "
     "Стандартные ошибки и доверительные интервалы учитывают страты и кластеры выборки; "
     "выборка методом снежного кома отвечает лежащим в их основе допущениям лишь приближённо."},
    {"method_weighting_none",
     "Survey results are not weighted: every respondent counts equally. Percentages describe "
     "the respondents and are not estimates for all migrant workers in the country.",
     "Результаты опроса не взвешивались: каждый респондент учитывается одинаково. Проценты "
     "описывают опрошенных и не являются оценками для всех трудовых мигрантов в стране."},
    {"method_data_protection",
     "Interviews are anonymous and voluntary and follow IOM's data protection principles. "
     "Names, phone numbers and answers given as free text are never shown in a report, and "
     "figures based on fewer than 5 respondents are not shown in public outputs, so that no "
     "respondent can be identified.",
     "Интервью анонимны и добровольны и проводятся в соответствии с принципами защиты данных "
     "МОМ. Имена, номера телефонов и ответы в свободной форме никогда не приводятся в "
     "отчётах, а показатели, основанные на ответах менее чем 5 респондентов, не публикуются, "
     "чтобы ни одного респондента нельзя было идентифицировать."},
    {"method_admin_levels",
     "Figures are collected and reported by administrative level: level 1, the regions; level "
     "2, the districts (rayons); level 3, the cities and villages.",
     "Данные собираются и представляются по административным уровням: уровень 1 — регионы, "
     "уровень 2 — районы, уровень 3 — города и сёла."},

    /* ---- limitations ---- */
    {"limit_sample",
     "The survey sample is a snowball sample, not a random one. Its results are indicative "
     "and cannot be generalised to all migrant workers in the country; confidence intervals "
     "are a guide to precision only.",
     "Выборка опроса сформирована методом снежного кома и не является случайной. Результаты "
     "опроса носят ориентировочный характер и не могут быть распространены на всех "
     "трудовых мигрантов в стране; доверительные интервалы служат лишь ориентиром точности."},
    {"limit_ki",
     "Baseline figures are estimates by key informants, not counts. They depend on what key "
     "informants know of their district and may miss people who are less visible, such as "
     "those working in private households or without documents.",
     "Данные базовой оценки — это оценки ключевых информантов, а не результаты подсчёта. Они "
     "зависят от того, насколько информанты знают свой район, и могут не учитывать менее "
     "заметных людей, например работающих в частных домохозяйствах или не имеющих документов."},
    {"limit_self_reported",
     "Survey answers are self-reported and were not verified; income, documents and working "
     "conditions may be under-reported.",
     "Ответы респондентов не проверялись; сведения о доходах, документах и условиях труда "
     "могут быть занижены."},
    {"limit_coverage",
     "Only the regions and districts shown as assessed were covered. Areas marked \"not "
     "assessed\" have no figure, which is not the same as zero.",
     "Охвачены только регионы и районы, отмеченные как оценённые. Для территорий с пометкой "
     "«не оценивалось» данных нет, что не означает нулевого значения."},
    {"limit_comparison",
     "Comparisons between rounds compare two independent samples; a difference is described "
     "as a change only when it is significant at the 5 per cent level.",
     "При сравнении раундов сопоставляются две независимые выборки; разница описывается как "
     "изменение, только если она значима на уровне 5 процентов."},
    {"limit_small_n",
     "Figures for small groups, such as women of one nationality, rest on few respondents and "
     "should be read with caution.",
     "Показатели для малочисленных групп, например женщин одного гражданства, основаны на "
     "ответах небольшого числа респондентов и требуют осторожной интерпретации."},

    /* ---- section introductions ---- */
    {"baseline_intro",
     "The Baseline Mobility Assessment estimates the number of international migrant workers "
     "present in each district from interviews with key informants.",
     "Базовая оценка мобильности определяет численность международных трудовых мигрантов в "
     "каждом районе по интервью с ключевыми информантами."},
    {"survey_findings_intro",
     "This section presents the main results of the survey, theme by theme, for all "
     "respondents and separately for women and men.",
     "В этом разделе представлены основные результаты опроса по темам — для всех "
     "респондентов и отдельно для женщин и мужчин."},
    {"nationality_profiles_intro",
     "The profiles below describe the largest nationality groups among respondents. The "
     "figures of a profile are based only on the respondents of that nationality.",
     "Ниже описаны крупнейшие группы респондентов по гражданству. Показатели каждого профиля "
     "основаны только на ответах респондентов этого гражданства."},
    {"changes_intro",
     "This section compares the results of this round with those of the previous round. "
     "Differences are given in percentage points.",
     "В этом разделе результаты текущего раунда сравниваются с результатами предыдущего. "
     "Разница приводится в процентных пунктах."},
    {"annex_intro",
     "Every figure in this report is computed from the data. The table lists each indicator "
     "with its key, question, sub-population, denominator and number of respondents.",
     "Все показатели отчёта рассчитаны по данным. В таблице приведены все показатели с их "
     "ключом, вопросом, подгруппой, знаменателем и числом респондентов."},
};

#define NTEXTS ((int)(sizeof texts / sizeof texts[0]))

/* Returns the entry of id, or NULL. */
static const text_entry *find(const char *id) {
  if (!id) return NULL;
  for (int i = 0; i < NTEXTS; i++)
    if (strcmp(texts[i].id, id) == 0) return &texts[i];
  return NULL;
}

/* Returns the text of id in the language (Russian for MTM_PROSE_RU,
 * English for any other value); the id itself when it is unknown, and ""
 * for a NULL id. The string is static. */
const char *mtm_prose_text(int lang, const char *id) {
  const text_entry *e = find(id);
  if (!e) return id ? id : "";
  return lang == MTM_PROSE_RU ? e->ru : e->en;
}

/* Returns 1 when id is in the catalogue, 0 otherwise (NULL included). */
int mtm_prose_text_known(const char *id) { return find(id) != NULL; }

/* Returns the number of texts in the catalogue. */
int mtm_prose_text_count(void) { return NTEXTS; }

/* Returns the i-th id in catalogue order, NULL when i is out of range. */
const char *mtm_prose_text_id(int i) { return i >= 0 && i < NTEXTS ? texts[i].id : NULL; }
