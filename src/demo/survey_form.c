/* The demo's migrant-worker questionnaire: its definition, and the XLSForm
 * (.xlsx) written from it with libxlsxwriter. The questions follow the
 * published Kazakhstan MTM Round 2 report (see shared/reference). */
#include "demo/demo.h"

#include <string.h>
#include <xlsxwriter.h>

/* type, name, English label, Russian label, relevant, constraint, message,
 * required, appearance/choice_filter, hxl */
const demo_question demo_questions[] = {
    {"start", "start", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"end", "end", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"today", "today", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"deviceid", "deviceid", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"begin_group", "location", "Interview location", "Место интервью", NULL, NULL, NULL, NULL,
     NULL, NULL},
    {"select_one region", "region", "Region (oblast)", "Регион (область)", NULL, NULL, NULL, "yes",
     NULL, "#adm1+code"},
    {"select_one rayon", "rayon", "District (rayon)", "Район", NULL, NULL, NULL, "yes",
     "cf:region=${region}", "#adm2+code"},
    {"end_group", "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"begin_group", "screening", "Screening", "Отбор", NULL, NULL, NULL, NULL, NULL, NULL},
    {"select_one yes_no", "consent", "Do you agree to take part in this interview?",
     "Согласны ли вы принять участие в интервью?", NULL, NULL, NULL, "yes", NULL, NULL},
    {"integer", "age", "How old are you?", "Сколько вам лет?", "${consent} = 'yes'",
     ". >= 14 and . <= 90", "Age must be between 14 and 90", "yes", NULL, "#affected+age"},
    {"select_one country", "nationality", "What is your nationality?",
     "Какое у вас гражданство?", "${consent} = 'yes'", NULL, NULL, "yes", NULL,
     "#affected+nationality"},
    {"select_one yes_no", "working_now", "Are you currently working in Kazakhstan?",
     "Работаете ли вы сейчас в Казахстане?", "${consent} = 'yes'", NULL, NULL, "yes", NULL, NULL},
    {"end_group", "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"begin_group", "profile", "Socio-economic profile", "Социально-экономический профиль",
     "${consent} = 'yes'", NULL, NULL, NULL, NULL, NULL},
    {"select_one sex", "sex", "Sex", "Пол", NULL, NULL, NULL, "yes", NULL, "#affected+sex"},
    {"select_one marital", "marital_status", "Marital status", "Семейное положение", NULL, NULL,
     NULL, "yes", NULL, NULL},
    {"select_one education", "education", "Highest level of education completed",
     "Наивысший уровень полученного образования", NULL, NULL, NULL, "yes", NULL, NULL},
    {"select_one yes_no", "main_provider",
     "Are you the sole or primary provider of your household?",
     "Являетесь ли вы единственным или основным кормильцем семьи?", NULL, NULL, NULL, "yes", NULL,
     NULL},
    {"end_group", "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"begin_group", "migration", "Migration experience", "Миграционный опыт", "${consent} = 'yes'",
     NULL, NULL, NULL, NULL, NULL},
    {"select_one since", "time_since_leaving", "How long ago did you leave your country of origin?",
     "Как давно вы покинули страну происхождения?", NULL, NULL, NULL, "yes", NULL, NULL},
    {"select_one stay", "planned_stay", "How long do you plan to stay in Kazakhstan?",
     "Как долго вы планируете оставаться в Казахстане?", NULL, NULL, NULL, "yes", NULL, NULL},
    {"select_one reason", "main_reason", "Main reason for leaving your country",
     "Основная причина отъезда из страны", NULL, NULL, NULL, "yes", NULL, NULL},
    {"select_multiple other_reason", "other_reasons", "Other reasons for leaving",
     "Другие причины отъезда", NULL, NULL, NULL, NULL, NULL, NULL},
    {"end_group", "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"begin_group", "employment", "Employment", "Занятость", "${consent} = 'yes'", NULL, NULL, NULL,
     NULL, NULL},
    {"select_one emp_status", "status_before", "Employment status before arrival",
     "Статус занятости до приезда", NULL, NULL, NULL, "yes", NULL, NULL},
    {"select_one emp_status", "current_status", "Current employment status",
     "Текущий статус занятости", NULL, NULL, NULL, "yes", NULL, NULL},
    {"select_one sector", "current_sector", "Sector of current work", "Сфера текущей работы",
     "${current_status} != 'unemployed'", NULL, NULL, "yes", NULL, NULL},
    {"select_one yes_no", "written_contract", "Do you have a written employment contract?",
     "Есть ли у вас письменный трудовой договор?", "${current_status} != 'unemployed'", NULL,
     NULL, "yes", NULL, NULL},
    {"select_one yes_no_dk", "pension", "Does your employer pay pension contributions for you?",
     "Платит ли работодатель за вас пенсионные взносы?", "${current_status} != 'unemployed'",
     NULL, NULL, "yes", NULL, NULL},
    {"select_one yes_no_dk", "paid_leave", "Do you have paid annual leave or compensation for it?",
     "Есть ли у вас оплачиваемый ежегодный отпуск или компенсация?",
     "${current_status} != 'unemployed'", NULL, NULL, "yes", NULL, NULL},
    {"end_group", "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"begin_group", "income", "Income and remittances", "Доходы и денежные переводы",
     "${consent} = 'yes'", NULL, NULL, NULL, NULL, NULL},
    {"integer", "income_kzt", "Average monthly income (KZT)", "Средний месячный доход (тенге)",
     NULL, ". >= 0", "Income cannot be negative", "yes", NULL, "#value+income+kzt"},
    {"select_one sufficiency", "income_sufficiency", "Is your income enough for your needs?",
     "Достаточно ли вашего дохода для ваших нужд?", NULL, NULL, NULL, "yes", NULL, NULL},
    {"select_one yes_no", "sends_remittances", "Do you send money home?",
     "Отправляете ли вы деньги домой?", NULL, NULL, NULL, "yes", NULL, NULL},
    {"select_one share", "remit_share", "What share of your income do you send?",
     "Какую долю дохода вы отправляете?", "${sends_remittances} = 'yes'", NULL, NULL, "yes", NULL,
     NULL},
    {"select_one frequency", "remit_frequency", "How often do you send money?",
     "Как часто вы отправляете деньги?", "${sends_remittances} = 'yes'", NULL, NULL, "yes", NULL,
     NULL},
    {"end_group", "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"begin_group", "wellbeing", "Well-being", "Благополучие", "${consent} = 'yes'", NULL, NULL,
     NULL, NULL, NULL},
    {"select_one housing", "housing", "Type of housing", "Тип жилья", NULL, NULL, NULL, "yes",
     NULL, NULL},
    {"select_one yes_no", "pays_rent", "Do you pay rent?", "Платите ли вы за аренду?",
     "${housing} != 'homeless'", NULL, NULL, "yes", NULL, NULL},
    {"integer", "rent_kzt", "Monthly rent (KZT)", "Ежемесячная аренда (тенге)",
     "${pays_rent} = 'yes'", ". > 0", "Rent must be positive", "yes", NULL, NULL},
    {"end_group", "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};
const int demo_nquestions = (int)(sizeof demo_questions / sizeof demo_questions[0]);

/* list, name, English, Russian, weight (round 2 share, in per cent; used
 * by the generator where no conditional logic applies) */
const demo_choice demo_choices[] = {
    {"yes_no", "yes", "Yes", "Да", 0},
    {"yes_no", "no", "No", "Нет", 0},
    {"yes_no_dk", "yes", "Yes", "Да", 0},
    {"yes_no_dk", "no", "No", "Нет", 0},
    {"yes_no_dk", "dont_know", "Don't know", "Не знаю", 0},
    {"sex", "female", "Female", "Женский", 16},
    {"sex", "male", "Male", "Мужской", 84},
    {"country", "UZB", "Uzbekistan", "Узбекистан", 63},
    {"country", "RUS", "Russian Federation", "Российская Федерация", 19},
    {"country", "TJK", "Tajikistan", "Таджикистан", 9},
    {"country", "KGZ", "Kyrgyzstan", "Кыргызстан", 5},
    {"country", "AZE", "Azerbaijan", "Азербайджан", 2},
    {"country", "TKM", "Turkmenistan", "Туркмения", 1},
    {"country", "CHN", "China", "Китай", 1},
    {"country", "KAZ", "Kazakhstan", "Казахстан", 0},
    {"marital", "married", "Married", "В браке", 61},
    {"marital", "single", "Single", "Холост / не замужем", 32},
    {"marital", "divorced", "Divorced", "В разводе", 6},
    {"marital", "widowed", "Widowed", "Вдовец / вдова", 1},
    {"education", "none", "No formal education", "Нет образования", 2},
    {"education", "primary", "Primary", "Начальное", 8},
    {"education", "lower_secondary", "Lower secondary", "Неполное среднее", 27},
    {"education", "upper_secondary", "Upper secondary", "Среднее", 31},
    {"education", "post_secondary", "Post-secondary non-tertiary",
     "Послесреднее (колледж)", 23},
    {"education", "tertiary", "Tertiary", "Высшее", 9},
    {"since", "upto_6m", "Up to 6 months", "До 6 месяцев", 76},
    {"since", "7_12m", "7 to 12 months", "7–12 месяцев", 9},
    {"since", "1_3y", "1 to 3 years", "1–3 года", 10},
    {"since", "3_5y", "3 to 5 years", "3–5 лет", 4},
    {"since", "over_5y", "More than 5 years", "Более 5 лет", 1},
    {"stay", "upto_6m", "Up to 6 months", "До 6 месяцев", 46},
    {"stay", "7_12m", "7 to 12 months", "7–12 месяцев", 15},
    {"stay", "1_3y", "1 to 3 years", "1–3 года", 2},
    {"stay", "permanently", "Permanently", "Навсегда", 4},
    {"stay", "dont_know", "Don't know", "Не знаю", 33},
    {"reason", "employment", "Employment", "Работа", 80},
    {"reason", "other", "Other", "Другое", 18},
    {"reason", "refused", "Refused to answer", "Отказ от ответа", 1},
    {"reason", "dont_know", "Don't know", "Не знаю", 1},
    {"other_reason", "family", "Joining family or friends", "Воссоединение с семьёй или друзьями", 26},
    {"other_reason", "mobilization", "Partial mobilization in the Russian Federation",
     "Частичная мобилизация в Российской Федерации", 8},
    {"other_reason", "trade", "To sell and buy goods", "Торговля", 8},
    {"other_reason", "education", "Education", "Учёба", 7},
    {"other_reason", "family_problems", "Family problems", "Семейные проблемы", 4},
    {"other_reason", "healthcare", "No or poor healthcare", "Нет или плохое медобслуживание", 2},
    {"other_reason", "dont_know", "Don't know", "Не знаю", 28},
    {"other_reason", "refused", "Refused to answer", "Отказ от ответа", 16},
    {"emp_status", "employed", "Employed", "Наёмный работник", 66},
    {"emp_status", "self_employed", "Self-employed", "Самозанятый", 15},
    {"emp_status", "daily_wage", "Daily wage worker", "Подёнщик", 11},
    {"emp_status", "unemployed", "Unemployed, seeking work", "Безработный, ищу работу", 5},
    {"emp_status", "other", "Other", "Другое", 3},
    {"sector", "construction", "Construction", "Строительство", 40},
    {"sector", "trade", "Wholesale and retail trade", "Оптовая и розничная торговля", 25},
    {"sector", "services", "Community, social and personal services",
     "Коммунальные, социальные и персональные услуги", 10},
    {"sector", "agriculture", "Agriculture", "Сельское хозяйство", 7},
    {"sector", "manufacturing", "Manufacturing", "Обрабатывающая промышленность", 8},
    {"sector", "transport", "Transport and storage", "Транспорт и складирование", 6},
    {"sector", "other", "Other", "Другое", 4},
    {"sufficiency", "no_income", "No personal income", "Нет личного дохода", 7},
    {"sufficiency", "insufficient", "Not enough for essential goods",
     "Не хватает на самое необходимое", 1},
    {"sufficiency", "basic_only", "Enough for basic needs only", "Хватает только на базовые нужды",
     19},
    {"sufficiency", "no_savings", "Meets needs, no savings", "Хватает, без сбережений", 38},
    {"sufficiency", "saves", "Meets needs and saves", "Хватает и остаются сбережения", 32},
    {"sufficiency", "dont_know", "Don't know", "Не знаю", 3},
    {"share", "under_10", "Less than 10%", "Менее 10%", 3},
    {"share", "10_25", "10 to 25%", "10–25%", 12},
    {"share", "25_50", "25 to 50%", "25–50%", 53},
    {"share", "over_50", "More than 50%", "Более 50%", 32},
    {"frequency", "monthly", "Monthly", "Ежемесячно", 66},
    {"frequency", "quarterly", "Every three months", "Раз в три месяца", 9},
    {"frequency", "irregular", "Irregularly", "Нерегулярно", 25},
    {"housing", "permanent", "Permanent housing", "Постоянное жильё", 89},
    {"housing", "temporary", "Temporary housing", "Временное жильё", 10},
    {"housing", "homeless", "Homeless", "Без жилья", 1},
};
const int demo_nchoices = (int)(sizeof demo_choices / sizeof demo_choices[0]);

static int write_row(lxw_worksheet *ws, int r, const char **cells, int n) {
  for (int c = 0; c < n; c++)
    if (cells[c] && worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, cells[c], NULL))
      return -1;
  return 0;
}

/* Writes a questionnaire as an XLSForm (survey, choices, settings). The
 * region and rayon lists come from the gazetteer layer the round uses; the
 * rayon choices carry their region for the choice_filter. */
int demo_write_xlsform(const char *path, const demo_qset *qs, const char *version,
                       const demo_area *regions, int nreg, const demo_area *rayons, int nray,
                       mtm_err *err) {
  lxw_workbook *wb = workbook_new(path);
  if (!wb) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot create the workbook");
  }
  lxw_worksheet *survey = workbook_add_worksheet(wb, "survey");
  lxw_worksheet *choices = workbook_add_worksheet(wb, "choices");
  lxw_worksheet *settings = workbook_add_worksheet(wb, "settings");
  const char *sh[] = {"type", "name", "label::English (en)", "label::Russian (ru)", "relevant",
                      "constraint", "constraint_message::English (en)", "required",
                      "choice_filter", "hxl"};
  int bad = write_row(survey, 0, sh, 10);
  for (int i = 0; i < qs->nq; i++) {
    const demo_question *q = &qs->q[i];
    const char *cf = q->extra && strncmp(q->extra, "cf:", 3) == 0 ? q->extra + 3 : NULL;
    const char *row[] = {q->type, q->name, q->en, q->ru, q->relevant, q->constraint,
                         q->message, q->required, cf, q->hxl};
    bad |= write_row(survey, i + 1, row, 10);
  }
  const char *ch[] = {"list_name", "name", "label::English (en)", "label::Russian (ru)", "region"};
  bad |= write_row(choices, 0, ch, 5);
  int r = 1;
  for (int i = 0; i < qs->nc; i++) {
    const demo_choice *c = &qs->c[i];
    const char *row[] = {c->list, c->name, c->en, c->ru, NULL};
    bad |= write_row(choices, r++, row, 5);
  }
  for (int i = 0; i < nreg; i++) {
    const char *row[] = {"region", regions[i].pcode, regions[i].en, regions[i].ru, NULL};
    bad |= write_row(choices, r++, row, 5);
  }
  for (int i = 0; i < nray; i++) {
    const char *row[] = {"rayon", rayons[i].pcode, rayons[i].en, rayons[i].ru, rayons[i].parent};
    bad |= write_row(choices, r++, row, 5);
  }
  const char *st[] = {"form_id", "form_title", "version", "default_language"};
  const char *sv[] = {qs->form_id, qs->title, version, "English (en)"};
  bad |= write_row(settings, 0, st, 4);
  bad |= write_row(settings, 1, sv, 4);
  lxw_error e = workbook_close(wb);
  if (bad || e != LXW_NO_ERROR) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the workbook: %s", lxw_strerror(e));
  }
  return 0;
}

const demo_qset demo_survey_qset = {
    demo_questions, (int)(sizeof demo_questions / sizeof demo_questions[0]), demo_choices,
    (int)(sizeof demo_choices / sizeof demo_choices[0]), DEMO_SURVEY_FORM_ID,
    "MTM Kazakhstan: survey of international migrant workers",
    /* KoBo names the sheet after the form title, cut to 31 characters and
     * without the characters Excel forbids (':' among them). */
    "MTM Kazakhstan - survey of int"};

/* Writes the migrant-worker questionnaire as an XLSForm. */
int demo_write_form(const char *path, const char *version, const demo_area *regions, int nreg,
                    const demo_area *rayons, int nray, mtm_err *err) {
  return demo_write_xlsform(path, &demo_survey_qset, version, regions, nreg, rayons, nray, err);
}

const demo_choice *demo_qset_choice(const demo_qset *qs, const char *list, const char *name) {
  for (int i = 0; i < qs->nc; i++)
    if (strcmp(qs->c[i].list, list) == 0 && strcmp(qs->c[i].name, name) == 0) return &qs->c[i];
  return NULL;
}

const demo_choice *demo_choice_find(const char *list, const char *name) {
  return demo_qset_choice(&demo_survey_qset, list, name);
}
