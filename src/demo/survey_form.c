/* The demo's migrant-worker questionnaire: its definition, and the XLSForm
 * (.xlsx) written from it with libxlsxwriter. The questions cover the
 * themes of the published Kazakhstan MTM Round 2 questionnaire (see
 * shared/reference): profile, migration experience, employment before
 * arrival and now (with the block for those seeking work), sector, working
 * conditions, income, remittances, well-being, rights, intentions and the
 * impact of sanctions. Labels in English and Russian; the consent
 * question's "no" ends the interview (every later group is relevant only
 * when it is "yes"). */
#include "demo/demo.h"

#include <string.h>
#include <xlsxwriter.h>

#define YES "${consent} = 'yes'"
#define WORKING "${current_status} != 'unemployed'"
#define GROUP(name, en, ru, rel) {"begin_group", name, en, ru, rel, NULL, NULL, NULL, NULL, NULL}
#define END {"end_group", "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}
#define ONE(list, name, en, ru, rel) {"select_one " list, name, en, ru, rel, NULL, NULL, "yes", NULL, NULL}
#define MANY(list, name, en, ru, rel) \
  {"select_multiple " list, name, en, ru, rel, NULL, NULL, "yes", NULL, NULL}
#define INT(name, en, ru, rel, cons, msg) {"integer", name, en, ru, rel, cons, msg, "yes", NULL, NULL}

/* type, name, English label, Russian label, relevant, constraint, message,
 * required, appearance/choice_filter, hxl */
const demo_question demo_questions[] = {
    {"start", "start", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"end", "end", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"today", "today", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"deviceid", "deviceid", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    GROUP("location", "Interview location", "Место интервью", NULL),
    {"select_one region", "region", "Region (oblast)", "Регион (область)", NULL, NULL, NULL, "yes",
     NULL, "#adm1+code"},
    {"select_one rayon", "rayon", "District (rayon)", "Район", NULL, NULL, NULL, "yes",
     "cf:region=${region}", "#adm2+code"},
    END,
    GROUP("screening", "Screening", "Отбор", NULL),
    {"note", "intro",
     "Introduce yourself and the survey: it is anonymous, voluntary, and takes about 25 minutes.",
     "Представьтесь и расскажите об опросе: он анонимный, добровольный и занимает около 25 минут.",
     NULL, NULL, NULL, NULL, NULL, NULL},
    {"select_one yes_no", "consent", "Do you agree to take part in this interview?",
     "Согласны ли вы принять участие в интервью?", NULL, NULL, NULL, "yes", NULL, NULL},
    {"integer", "age", "How old are you?", "Сколько вам лет?", YES, ". >= 14 and . <= 90",
     "Age must be between 14 and 90", "yes", NULL, "#affected+age"},
    {"select_one country", "nationality", "What is your nationality?", "Какое у вас гражданство?",
     YES, NULL, NULL, "yes", NULL, "#affected+nationality"},
    ONE("yes_no", "working_now", "Are you working or looking for work in Kazakhstan?",
        "Вы работаете или ищете работу в Казахстане?", YES),
    END,
    GROUP("profile", "Socio-economic profile", "Социально-экономический профиль", YES),
    {"select_one sex", "sex", "Sex", "Пол", NULL, NULL, NULL, "yes", NULL, "#affected+sex"},
    ONE("marital", "marital_status", "Marital status", "Семейное положение", NULL),
    ONE("education", "education", "Highest level of education completed",
        "Наивысший уровень полученного образования", NULL),
    ONE("field", "field_of_study", "Field of study", "Область обучения",
        "${education} = 'post_secondary' or ${education} = 'tertiary'"),
    ONE("yes_no", "main_provider", "Are you the sole or primary provider of your household?",
        "Являетесь ли вы единственным или основным кормильцем семьи?", NULL),
    END,
    GROUP("migration", "Migration experience", "Миграционный опыт", YES),
    ONE("since", "time_since_leaving", "How long ago did you leave your country of origin?",
        "Как давно вы покинули страну происхождения?", NULL),
    ONE("stay", "planned_stay", "How long do you plan to stay in Kazakhstan?",
        "Как долго вы планируете оставаться в Казахстане?", NULL),
    ONE("reason", "main_reason", "Main reason for leaving your country",
        "Основная причина отъезда из страны", NULL),
    MANY("other_reason", "other_reasons", "Other reasons for leaving", "Другие причины отъезда",
         NULL),
    ONE("came_with", "came_with", "With whom did you come to Kazakhstan?",
        "С кем вы приехали в Казахстан?", NULL),
    ONE("work_intention", "work_intention", "For whom are you seeking work in Kazakhstan?",
        "Для кого вы ищете работу в Казахстане?", NULL),
    END,
    GROUP("before", "Employment before arrival", "Занятость до приезда", YES),
    ONE("emp_status", "status_before", "Employment status before arrival",
        "Статус занятости до приезда", NULL),
    ONE("sector", "sector_before", "Sector of work before arrival", "Сфера работы до приезда",
        "${status_before} != 'unemployed' and ${status_before} != 'other'"),
    END,
    GROUP("employment", "Current employment", "Текущая занятость", YES),
    ONE("emp_status", "current_status", "Current employment status", "Текущий статус занятости",
        NULL),
    ONE("emp_type", "employment_type", "Type of current employment", "Тип текущей занятости",
        WORKING),
    ONE("yes_no", "never_worked_kz", "Is this your first search for work in Kazakhstan?",
        "Вы впервые ищете работу в Казахстане?", "${current_status} = 'unemployed'"),
    ONE("yes_no", "starting_business", "Are you starting your own business?",
        "Открываете ли вы собственное дело?", "${current_status} = 'unemployed'"),
    MANY("job_search", "job_search", "How are you looking for work?", "Как вы ищете работу?",
         "${current_status} = 'unemployed'"),
    ONE("acceptable_job", "acceptable_job", "What job would you accept?",
        "Какую работу вы готовы принять?", "${current_status} = 'unemployed'"),
    ONE("services_help", "employment_services", "What help did employment services give you?",
        "Какую помощь вам оказали службы занятости?", "${current_status} = 'unemployed'"),
    ONE("obstacle", "job_obstacle", "Main obstacle to finding work",
        "Главное препятствие в поиске работы", "${current_status} = 'unemployed'"),
    MANY("employer_values", "employer_values", "What do employers value most?",
         "Что работодатели ценят больше всего?", "${current_status} = 'unemployed'"),
    ONE("sector", "current_sector", "Sector of current work", "Сфера текущей работы", WORKING),
    {"text", "sector_other", "Other sector: which?", "Другая сфера: какая?",
     "${current_sector} = 'other'", NULL, NULL, NULL, NULL, NULL},
    ONE("yes_no", "same_sector_before", "Did you work in the same sector before?",
        "Работали ли вы раньше в этой же сфере?", WORKING),
    ONE("years", "years_in_sector", "How many years have you worked in this sector?",
        "Сколько лет вы работаете в этой сфере?", WORKING),
    END,
    GROUP("conditions", "Working conditions", "Условия труда", YES),
    ONE("yes_no", "written_contract", "Do you have a written employment contract?",
        "Есть ли у вас письменный трудовой договор?", WORKING),
    ONE("yes_no_dk", "pension", "Does your employer pay pension contributions for you?",
        "Платит ли работодатель за вас пенсионные взносы?", WORKING),
    ONE("yes_no_dk", "paid_leave", "Do you have paid annual leave or compensation for it?",
        "Есть ли у вас оплачиваемый ежегодный отпуск или компенсация?", WORKING),
    INT("hours_per_week", "Hours worked in a usual week", "Рабочих часов в обычную неделю", WORKING,
        ". >= 1 and . <= 112", "Between 1 and 112 hours"),
    ONE("yes_no", "wage_delays", "Was your pay late in the past six months?",
        "Задерживали ли вам зарплату за последние шесть месяцев?", WORKING),
    END,
    GROUP("income", "Income", "Доходы", YES),
    {"integer", "income_kzt", "Average monthly income (KZT)", "Средний месячный доход (тенге)",
     NULL, ". >= 0", "Income cannot be negative", "yes", NULL, "#value+income+kzt"},
    ONE("sufficiency", "income_sufficiency", "Is your income enough for your needs?",
        "Достаточно ли вашего дохода для ваших нужд?", NULL),
    ONE("satisfaction", "income_satisfaction", "How satisfied are you with your income?",
        "Насколько вы удовлетворены своим доходом?", NULL),
    MANY("dissatisfaction", "dissatisfaction_reasons", "Why are you not satisfied?",
         "Почему вы не удовлетворены?",
         "${income_satisfaction} = 'neither' or ${income_satisfaction} = 'dissatisfied' or "
         "${income_satisfaction} = 'very_dissatisfied'"),
    END,
    GROUP("remittances", "Remittances", "Денежные переводы", YES),
    ONE("yes_no", "sends_remittances", "Do you send money home?",
        "Отправляете ли вы деньги домой?", NULL),
    ONE("share", "remit_share", "What share of your income do you send?",
        "Какую долю дохода вы отправляете?", "${sends_remittances} = 'yes'"),
    ONE("yes_no", "remit_primary", "Is the money you send your family's primary income?",
        "Являются ли ваши переводы основным доходом семьи?", "${sends_remittances} = 'yes'"),
    ONE("frequency", "remit_frequency", "How often do you send money?",
        "Как часто вы отправляете деньги?", "${sends_remittances} = 'yes'"),
    ONE("channel", "remit_channel", "How do you usually send money?",
        "Как вы обычно отправляете деньги?", "${sends_remittances} = 'yes'"),
    MANY("remit_reason", "remit_reasons", "What is the money used for?",
         "На что расходуются эти деньги?", "${sends_remittances} = 'yes'"),
    END,
    GROUP("wellbeing", "Well-being", "Благополучие", YES),
    ONE("housing", "housing", "Type of housing", "Тип жилья", NULL),
    ONE("yes_no", "pays_rent", "Do you pay rent?", "Платите ли вы за аренду?",
        "${housing} != 'homeless'"),
    INT("rent_kzt", "Monthly rent (KZT)", "Ежемесячная аренда (тенге)", "${pays_rent} = 'yes'",
        ". > 0", "Rent must be positive"),
    ONE("lives_with", "lives_with", "With whom do you live?", "С кем вы живёте?",
        "${housing} != 'homeless'"),
    INT("household_size", "How many people live in your household, you included?",
        "Сколько человек в вашем домохозяйстве, включая вас?", NULL, ". >= 1 and . <= 30",
        "Between 1 and 30 people"),
    MANY("housing_barrier", "housing_barriers", "What makes it hard to find permanent housing?",
         "Что мешает найти постоянное жильё?", NULL),
    ONE("yes_no_dk", "health_access", "Can you get health care when you need it?",
        "Можете ли вы получить медицинскую помощь, когда она нужна?", NULL),
    MANY("health_barrier", "health_barriers", "What prevents you from getting health care?",
         "Что мешает вам получить медицинскую помощь?", "${health_access} = 'no'"),
    ONE("yes_no_dk", "education_access", "Can you or your children get education here?",
        "Можете ли вы или ваши дети получить здесь образование?", NULL),
    ONE("yes_no_dk", "finance_access", "Can you use banks and other financial services?",
        "Можете ли вы пользоваться банками и другими финансовыми услугами?", NULL),
    ONE("yes_no", "has_iin", "Do you have an individual identification number (IIN)?",
        "Есть ли у вас индивидуальный идентификационный номер (ИИН)?", NULL),
    MANY("afford", "can_afford", "Which of these can you afford?",
         "Что из перечисленного вы можете себе позволить?", NULL),
    ONE("yes_no", "community_relations", "Are your contacts with the local community positive?",
        "Положительны ли ваши контакты с местными жителями?", NULL),
    ONE("yes_no", "migrant_relations", "Are your contacts with other migrant communities positive?",
        "Положительны ли ваши контакты с другими сообществами мигрантов?", NULL),
    END,
    GROUP("rights", "Awareness of rights", "Осведомлённость о правах", YES),
    ONE("informed", "rights_awareness", "How well informed are you of your rights as a worker?",
        "Насколько вы осведомлены о своих правах как работника?", NULL),
    ONE("yes_no", "rights_help", "Do you know where to turn if your rights are violated?",
        "Знаете ли вы, куда обратиться, если ваши права нарушены?", NULL),
    END,
    GROUP("intentions", "Intentions", "Намерения", YES),
    ONE("intention", "intention", "What do you intend to do next?",
        "Что вы намерены делать дальше?", NULL),
    ONE("when", "intention_when", "When do you plan to leave Kazakhstan?",
        "Когда вы планируете уехать из Казахстана?",
        "${intention} = 'return' or ${intention} = 'third_country'"),
    ONE("destination", "destination", "Where do you plan to go?", "Куда вы планируете поехать?",
        "${intention} = 'return' or ${intention} = 'third_country'"),
    END,
    GROUP("sanctions", "Sanctions and the war", "Санкции и война", YES),
    ONE("change", "sanctions_salary", "How has your salary changed since the sanctions?",
        "Как изменилась ваша зарплата после введения санкций?", NULL),
    ONE("change", "sanctions_hours", "How have your working hours changed since the sanctions?",
        "Как изменилось ваше рабочее время после введения санкций?", NULL),
    ONE("yes_no_dk_ref", "sanctions_stay", "Do the sanctions affect your decision to stay?",
        "Влияют ли санкции на ваше решение остаться?", NULL),
    ONE("remit_change", "remit_change", "Has the amount you send home changed?",
        "Изменилась ли сумма, которую вы отправляете домой?", "${sends_remittances} = 'yes'"),
    ONE("yes_no_dk_ref", "challenges", "Have you faced new challenges in the past six months?",
        "Столкнулись ли вы с новыми трудностями за последние шесть месяцев?", NULL),
    ONE("yes_no_dk_ref", "challenges_sanctions", "Are these challenges linked to the sanctions?",
        "Связаны ли эти трудности с санкциями?", "${challenges} = 'yes'"),
    MANY("challenge", "challenge_types", "Which challenges?", "Какие трудности?",
         "${challenges} = 'yes'"),
    ONE("yes_no", "lived_in_russia", "Have you ever lived in the Russian Federation?",
        "Жили ли вы когда-либо в Российской Федерации?", NULL),
    ONE("russia_reason", "russia_leave_reason", "Why did you leave the Russian Federation?",
        "Почему вы уехали из Российской Федерации?", "${lived_in_russia} = 'yes'"),
    ONE("russia_plan", "russia_plans", "What are your plans regarding the Russian Federation?",
        "Каковы ваши планы в отношении Российской Федерации?", "${lived_in_russia} = 'yes'"),
    END,
};
const int demo_nquestions = (int)(sizeof demo_questions / sizeof demo_questions[0]);

/* list, name, English, Russian, weight (the Round 2 share in per cent,
 * used by the generator where it draws a list without conditions) */
const demo_choice demo_choices[] = {
    {"yes_no", "yes", "Yes", "Да", 0},
    {"yes_no", "no", "No", "Нет", 0},
    {"yes_no_dk", "yes", "Yes", "Да", 0},
    {"yes_no_dk", "no", "No", "Нет", 0},
    {"yes_no_dk", "dont_know", "Don't know", "Не знаю", 0},
    {"yes_no_dk_ref", "yes", "Yes", "Да", 0},
    {"yes_no_dk_ref", "no", "No", "Нет", 0},
    {"yes_no_dk_ref", "dont_know", "Don't know", "Не знаю", 0},
    {"yes_no_dk_ref", "refused", "Refused to answer", "Отказ от ответа", 0},
    {"sex", "female", "Female", "Женский", 16},
    {"sex", "male", "Male", "Мужской", 84},
    {"country", "UZB", "Uzbekistan", "Узбекистан", 63},
    {"country", "RUS", "Russian Federation", "Российская Федерация", 19.5},
    {"country", "TJK", "Tajikistan", "Таджикистан", 9},
    {"country", "KGZ", "Kyrgyzstan", "Кыргызстан", 5},
    {"country", "AZE", "Azerbaijan", "Азербайджан", 2},
    {"country", "TKM", "Turkmenistan", "Туркменистан", 0.8},
    {"country", "CHN", "China", "Китай", 0.7},
    {"country", "KAZ", "Kazakhstan", "Казахстан", 0},
    {"marital", "married", "Married", "В браке", 61},
    {"marital", "single", "Single", "Холост / не замужем", 32},
    {"marital", "divorced", "Divorced", "В разводе", 6},
    {"marital", "widowed", "Widowed", "Вдовец / вдова", 1},
    {"education", "none", "No formal education", "Нет образования", 2},
    {"education", "primary", "Primary", "Начальное", 8},
    {"education", "lower_secondary", "Lower secondary", "Основное среднее", 27},
    {"education", "upper_secondary", "Upper secondary", "Общее среднее", 31},
    {"education", "post_secondary", "Post-secondary non-tertiary",
     "Послесреднее (колледж)", 23},
    {"education", "tertiary", "Tertiary", "Высшее", 9},
    {"field", "engineering", "Engineering, manufacturing and construction",
     "Инженерное дело, производство и строительство", 27},
    {"field", "natural_sciences", "Natural sciences, mathematics and statistics",
     "Естественные науки, математика и статистика", 13},
    {"field", "agriculture", "Agriculture, forestry, fisheries and veterinary",
     "Сельское, лесное и рыбное хозяйство, ветеринария", 12},
    {"field", "services", "Services", "Услуги", 11},
    {"field", "business", "Business, administration and law", "Бизнес, управление и право", 10},
    {"field", "education", "Education", "Образование", 9},
    {"field", "health", "Health and welfare", "Здравоохранение и социальное обеспечение", 8},
    {"field", "ict", "Information and communication technologies",
     "Информационно-коммуникационные технологии", 6},
    {"field", "arts", "Arts and humanities", "Искусство и гуманитарные науки", 4},
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
    {"came_with", "alone", "Alone", "Один / одна", 58},
    {"came_with", "friends", "With friends or co-workers", "С друзьями или коллегами", 27},
    {"came_with", "family", "With family", "С семьёй", 15},
    {"work_intention", "self", "For myself", "Для себя", 93},
    {"work_intention", "self_spouse", "For myself and my spouse", "Для себя и супруга(-и)", 6},
    {"work_intention", "other", "Other", "Другое", 1},
    {"emp_status", "employed", "Employed", "Наёмный работник", 66},
    {"emp_status", "self_employed", "Self-employed", "Самозанятый", 15},
    {"emp_status", "daily_wage", "Daily wage worker", "Подёнщик", 11},
    {"emp_status", "unemployed", "Unemployed, seeking work", "Безработный, ищу работу", 5},
    {"emp_status", "other", "Other", "Другое", 3},
    {"emp_type", "formal", "Formal employee with a written contract",
     "Официальный работник с письменным договором", 44},
    {"emp_type", "contractor", "Dependent contractor", "Зависимый подрядчик", 32},
    {"emp_type", "informal", "Informal employee", "Неофициальный работник", 15},
    {"emp_type", "self_employed", "Self-employed", "Самозанятый", 5},
    {"emp_type", "employer", "Employer", "Работодатель", 1},
    {"emp_type", "other", "Other", "Другое", 3},
    {"job_search", "internet", "Newspapers and the internet", "Газеты и интернет", 51},
    {"job_search", "friends", "Friends and relatives", "Друзья и родственники", 49},
    {"job_search", "employers", "Applying to employers directly",
     "Прямое обращение к работодателям", 33},
    {"job_search", "worksites", "Visiting worksites", "Посещение рабочих мест", 22},
    {"job_search", "services", "Employment services", "Службы занятости", 12},
    {"acceptable_job", "good_pay", "Any job with good pay", "Любая работа с хорошей оплатой", 66},
    {"acceptable_job", "own_sector", "A job in my own sector", "Работа в своей сфере", 11},
    {"acceptable_job", "qualifications", "A job matching my qualifications",
     "Работа по квалификации", 9},
    {"acceptable_job", "any", "Any job, whatever the conditions", "Любая работа на любых условиях", 6},
    {"acceptable_job", "other", "Other", "Другое", 8},
    {"services_help", "vacancies", "Information on vacancies", "Информация о вакансиях", 62},
    {"services_help", "none", "No help", "Никакой помощи", 21},
    {"services_help", "advice", "Advice on seeking a job", "Советы по поиску работы", 13},
    {"services_help", "training", "Training", "Обучение", 4},
    {"obstacle", "education", "Lack of education", "Недостаток образования", 23},
    {"obstacle", "experience", "No work experience", "Нет опыта работы", 21},
    {"obstacle", "language", "Language", "Язык", 17},
    {"obstacle", "documents", "Documents", "Документы", 15},
    {"obstacle", "opportunities", "Few opportunities", "Мало возможностей", 9},
    {"obstacle", "discrimination", "Discrimination", "Дискриминация", 5},
    {"obstacle", "other", "Other", "Другое", 10},
    {"employer_values", "experience", "Work experience", "Опыт работы", 92},
    {"employer_values", "language", "Language", "Знание языка", 32},
    {"employer_values", "literacy", "Literacy", "Грамотность", 28},
    {"employer_values", "gender", "Gender", "Пол", 3},
    {"employer_values", "ethnicity", "Ethnicity", "Национальность", 2},
    {"employer_values", "origin", "Place of origin", "Место происхождения", 2},
    {"employer_values", "age", "Age", "Возраст", 1},
    {"sector", "construction", "Construction", "Строительство", 40},
    {"sector", "trade", "Wholesale and retail trade", "Оптовая и розничная торговля", 21},
    {"sector", "services", "Community, social and personal services",
     "Коммунальные, социальные и персональные услуги", 9},
    {"sector", "manufacturing", "Manufacturing", "Обрабатывающая промышленность", 8},
    {"sector", "transport", "Transport and storage", "Транспорт и складирование", 7},
    {"sector", "agriculture", "Agriculture", "Сельское хозяйство", 6},
    {"sector", "ict", "Computers and technology", "Компьютеры и технологии", 5},
    {"sector", "other", "Other", "Другое", 4},
    {"years", "under_1", "Less than a year", "Меньше года", 6},
    {"years", "1_2", "1 to 2 years", "1–2 года", 27},
    {"years", "3_5", "3 to 5 years", "3–5 лет", 36},
    {"years", "6_10", "6 to 10 years", "6–10 лет", 22},
    {"years", "over_10", "11 years or more", "11 лет и более", 9},
    {"sufficiency", "no_income", "No personal income", "Нет личного дохода", 7},
    {"sufficiency", "insufficient", "Not enough for essential goods",
     "Не хватает на самое необходимое", 1},
    {"sufficiency", "basic_only", "Enough for basic needs only", "Хватает только на базовые нужды",
     19},
    {"sufficiency", "no_savings", "Meets needs, no savings", "Хватает, без сбережений", 38},
    {"sufficiency", "saves", "Meets needs and saves", "Хватает и остаются сбережения", 32},
    {"sufficiency", "dont_know", "Don't know", "Не знаю", 3},
    {"satisfaction", "very_satisfied", "Very satisfied", "Полностью удовлетворён", 12},
    {"satisfaction", "satisfied", "Satisfied", "Удовлетворён", 58},
    {"satisfaction", "neither", "Neither satisfied nor dissatisfied",
     "Ни удовлетворён, ни неудовлетворён", 16},
    {"satisfaction", "dissatisfied", "Dissatisfied", "Не удовлетворён", 6},
    {"satisfaction", "very_dissatisfied", "Very dissatisfied", "Совсем не удовлетворён", 1},
    {"satisfaction", "dont_know", "Don't know", "Не знаю", 3},
    {"satisfaction", "refused", "Refused to answer", "Отказ от ответа", 4},
    {"dissatisfaction", "insufficient", "Income is not enough", "Дохода не хватает", 47},
    {"dissatisfaction", "higher", "Want a higher income", "Хочу более высокий доход", 29},
    {"dissatisfaction", "skills", "No job matching my skills", "Нет работы по специальности", 14},
    {"dissatisfaction", "hard_to_find", "Hard to find a job", "Трудно найти работу", 7},
    {"dissatisfaction", "unemployment", "Unemployment", "Безработица", 7},
    {"dissatisfaction", "debt", "Debt", "Долги", 1},
    {"share", "under_10", "Less than 10%", "Менее 10%", 3},
    {"share", "10_25", "10 to 25%", "10–25%", 12},
    {"share", "25_50", "25 to 50%", "25–50%", 53},
    {"share", "over_50", "More than 50%", "Более 50%", 32},
    {"frequency", "monthly", "Monthly", "Ежемесячно", 66},
    {"frequency", "quarterly", "Every three months", "Раз в три месяца", 9},
    {"frequency", "irregular", "Irregularly", "Нерегулярно", 25},
    {"channel", "bank", "Bank offices", "Отделения банков", 46},
    {"channel", "mto", "Money transfer operators", "Операторы денежных переводов", 34},
    {"channel", "friends", "Friends and relatives", "Друзья и родственники", 13},
    {"channel", "other", "Other", "Другое", 7},
    {"remit_reason", "living_costs", "Family living costs", "Расходы семьи на жизнь", 85},
    {"remit_reason", "savings", "Securing money", "Сбережения", 6},
    {"remit_reason", "business", "Business", "Бизнес", 4},
    {"remit_reason", "property", "Property", "Недвижимость", 2},
    {"remit_reason", "debts", "Repaying debts", "Погашение долгов", 1},
    {"remit_reason", "education", "Education of family members", "Образование членов семьи", 5},
    {"housing", "permanent", "Permanent housing", "Постоянное жильё", 89},
    {"housing", "temporary", "Temporary housing", "Временное жильё", 10},
    {"housing", "homeless", "Homeless", "Без жилья", 1},
    {"lives_with", "friends", "Friends or co-workers", "Друзья или коллеги", 64},
    {"lives_with", "relatives", "Relatives", "Родственники", 16},
    {"lives_with", "family", "Own family", "Своя семья", 14},
    {"lives_with", "alone", "Alone", "Один / одна", 5},
    {"lives_with", "other", "Other", "Другое", 1},
    {"housing_barrier", "high_rent", "High rent", "Высокая арендная плата", 42},
    {"housing_barrier", "low_income", "Low or unsteady income", "Низкий или нестабильный доход", 41},
    {"housing_barrier", "documents", "No residence documents", "Нет документов о регистрации", 22},
    {"housing_barrier", "landlords", "Landlords refuse migrants", "Арендодатели отказывают мигрантам",
     6},
    {"housing_barrier", "none", "No difficulty", "Трудностей нет", 24},
    {"health_barrier", "cost", "Cost", "Стоимость", 46},
    {"health_barrier", "dont_know_how", "Not knowing how", "Не знаю, как это сделать", 34},
    {"health_barrier", "administrative", "Administrative difficulties",
     "Административные трудности", 27},
    {"health_barrier", "no_iin", "No IIN", "Нет ИИН", 22},
    {"afford", "phone", "A mobile phone", "Мобильный телефон", 64},
    {"afford", "meat", "A meal with meat, chicken or fish every two days",
     "Еда с мясом, курицей или рыбой раз в два дня", 39},
    {"afford", "warm_home", "Keeping the home warm", "Тёплое жильё", 30},
    {"afford", "no_arrears", "Avoiding arrears", "Оплата счетов без задолженностей", 30},
    {"afford", "washing_machine", "A washing machine", "Стиральная машина", 30},
    {"afford", "holidays", "A week's holiday away from home", "Неделя отпуска вне дома", 7},
    {"afford", "car", "A car", "Автомобиль", 6},
    {"informed", "well", "Well informed", "Хорошо осведомлён", 28},
    {"informed", "partially", "Partially informed", "Частично осведомлён", 57},
    {"informed", "not", "Not informed", "Не осведомлён", 10},
    {"informed", "dont_know", "Don't know", "Не знаю", 5},
    {"intention", "circulate", "Move back and forth between Kazakhstan and my country",
     "Переезжать между Казахстаном и своей страной", 57},
    {"intention", "stay", "Stay in Kazakhstan permanently", "Остаться в Казахстане навсегда", 25},
    {"intention", "return", "Return to my country for good", "Вернуться в свою страну навсегда",
     13},
    {"intention", "third_country", "Move to another country", "Переехать в другую страну", 3},
    {"intention", "dont_know", "Don't know", "Не знаю", 2},
    {"when", "within_3m", "Within 3 months", "В течение 3 месяцев", 10},
    {"when", "4_6m", "In 4 to 6 months", "Через 4–6 месяцев", 20},
    {"when", "7_12m", "In 7 to 12 months", "Через 7–12 месяцев", 12},
    {"when", "later", "Later", "Позже", 6},
    {"when", "dont_know", "Don't know", "Не знаю", 52},
    {"destination", "origin", "My country of origin", "Моя страна происхождения", 65},
    {"destination", "RUS", "Russian Federation", "Российская Федерация", 11},
    {"destination", "TUR", "Türkiye", "Турция", 5},
    {"destination", "KOR", "Republic of Korea", "Республика Корея", 5},
    {"destination", "CAN", "Canada", "Канада", 3},
    {"destination", "other", "Another country", "Другая страна", 5},
    {"destination", "undecided", "Undecided", "Ещё не решил(а)", 6},
    {"change", "none", "No change", "Не изменилось", 0},
    {"change", "less", "Decreased", "Уменьшилось", 0},
    {"change", "more", "Increased", "Увеличилось", 0},
    {"change", "dont_know", "Don't know", "Не знаю", 0},
    {"remit_change", "no", "No", "Нет", 79},
    {"remit_change", "less", "Yes, decreased", "Да, уменьшилась", 2},
    {"remit_change", "more", "Yes, increased", "Да, увеличилась", 1},
    {"remit_change", "dont_know", "Don't know", "Не знаю", 7},
    {"remit_change", "refused", "Refused to answer", "Отказ от ответа", 11},
    {"challenge", "prices", "Rising prices", "Рост цен", 69},
    {"challenge", "unemployment", "Unemployment", "Безработица", 28},
    {"challenge", "income", "Insufficient income", "Недостаточный доход", 24},
    {"challenge", "housing", "Finding housing", "Поиск жилья", 9},
    {"challenge", "documents", "Documents and registration", "Документы и регистрация", 7},
    {"russia_reason", "war_sanctions", "The war and the sanctions", "Война и санкции", 51},
    {"russia_reason", "sanctions", "The sanctions", "Санкции", 8},
    {"russia_reason", "war", "The war", "Война", 8},
    {"russia_reason", "harassment", "Harassment or ethnic fears",
     "Притеснения или страх по национальному признаку", 2},
    {"russia_reason", "other", "Other", "Другое", 31},
    {"russia_plan", "move_back", "Move back when the situation improves",
     "Вернуться, когда ситуация улучшится", 60},
    {"russia_plan", "if_lifted", "Move back if the sanctions are lifted",
     "Вернуться, если санкции отменят", 4},
    {"russia_plan", "settle_kz", "Settle in Kazakhstan", "Обосноваться в Казахстане", 21},
    {"russia_plan", "undecided", "Undecided", "Ещё не решил(а)", 12},
    {"russia_plan", "other", "Other", "Другое", 3},
};
const int demo_nchoices = (int)(sizeof demo_choices / sizeof demo_choices[0]);

/* The report's phrases (report::LANG columns): for a question (list NULL)
 * a finding, for a choice the words that stand for it in a sentence. */
const demo_phrase demo_phrases[] = {
    {NULL, "sex", NULL, NULL},
};

static int write_row(lxw_worksheet *ws, int r, const char **cells, int n) {
  for (int c = 0; c < n; c++)
    if (cells[c] && worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, cells[c], NULL))
      return -1;
  return 0;
}

/* The phrase of a question (list NULL) or of a choice, NULL when the
 * questionnaire gives none. */
static const demo_phrase *phrase_of(const demo_qset *qs, const char *list, const char *name) {
  for (int i = 0; i < qs->nph; i++) {
    const demo_phrase *p = &qs->ph[i];
    if (!list != !p->list || (list && strcmp(list, p->list)) || strcmp(name, p->name)) continue;
    return p;
  }
  return NULL;
}

/* Writes a questionnaire as an XLSForm (survey, choices, settings). The
 * region and rayon lists come from the gazetteer layer the round uses; the
 * rayon choices carry their region for the choice_filter. A questionnaire
 * with phrases gets the report::LANG columns (which KoBo and ODK ignore)
 * on both sheets. */
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
  int nsc = qs->nph ? 12 : 10, ncc = qs->nph ? 7 : 5;
  const char *sh[] = {"type", "name", "label::English (en)", "label::Русский (ru)", "relevant",
                      "constraint", "constraint_message::English (en)", "required",
                      "choice_filter", "hxl", "report::English (en)", "report::Русский (ru)"};
  int bad = write_row(survey, 0, sh, nsc);
  for (int i = 0; i < qs->nq; i++) {
    const demo_question *q = &qs->q[i];
    const char *cf = q->extra && strncmp(q->extra, "cf:", 3) == 0 ? q->extra + 3 : NULL;
    const demo_phrase *ph = q->name[0] ? phrase_of(qs, NULL, q->name) : NULL;
    const char *row[] = {q->type,  q->name, q->en, q->ru, q->relevant, q->constraint,
                         q->message, q->required, cf, q->hxl, ph ? ph->en : NULL,
                         ph ? ph->ru : NULL};
    bad |= write_row(survey, i + 1, row, nsc);
  }
  const char *ch[] = {"list_name", "name", "label::English (en)", "label::Русский (ru)", "region",
                      "report::English (en)", "report::Русский (ru)"};
  bad |= write_row(choices, 0, ch, ncc);
  int r = 1;
  for (int i = 0; i < qs->nc; i++) {
    const demo_choice *c = &qs->c[i];
    const demo_phrase *ph = phrase_of(qs, c->list, c->name);
    const char *row[] = {c->list, c->name, c->en, c->ru, NULL, ph ? ph->en : NULL,
                         ph ? ph->ru : NULL};
    bad |= write_row(choices, r++, row, ncc);
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
    "MTM Kazakhstan - survey of int", demo_phrases,
    (int)(sizeof demo_phrases / sizeof demo_phrases[0])};

/* Writes the migrant-worker questionnaire as an XLSForm. */
int demo_write_form(const char *path, const char *version, const demo_area *regions, int nreg,
                    const demo_area *rayons, int nray, mtm_err *err) {
  return demo_write_xlsform(path, &demo_survey_qset, version, regions, nreg, rayons, nray, err);
}

/* The choice NAME of LIST in a questionnaire, NULL when there is none. */
const demo_choice *demo_qset_choice(const demo_qset *qs, const char *list, const char *name) {
  for (int i = 0; i < qs->nc; i++)
    if (strcmp(qs->c[i].list, list) == 0 && strcmp(qs->c[i].name, name) == 0) return &qs->c[i];
  return NULL;
}

/* The choice NAME of LIST in the survey questionnaire. */
const demo_choice *demo_choice_find(const char *list, const char *name) {
  return demo_qset_choice(&demo_survey_qset, list, name);
}
