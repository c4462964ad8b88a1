/* A small two-language form built by hand for the ingest unit tests, so
 * that they depend on nothing but ingest itself:
 *
 *   start, end                    (metadata)
 *   profile: sex (select_one sex), age (integer)       group "Profile"
 *   langs (select_multiple lang), income (decimal), arrived (date),
 *   visit (dateTime), wake (time), gps (geopoint), comment (text)
 *   members: m_name (text), m_age (integer)             repeat
 *   meta: instance_note (calculate)
 */
#ifndef INGEST_FORM_FIXTURE_H
#define INGEST_FORM_FIXTURE_H

#include <string.h>

#include "form/form.h"

typedef struct fixture {
  mtm_arena a;
  mtm_form f;
} fixture;

static const char **fx_labels(mtm_arena *a, const char *en, const char *ru) {
  const char **l = mtm_arena_zalloc(a, sizeof *l * 2);
  l[0] = en;
  l[1] = ru;
  return l;
}

static void fx_choice(mtm_arena *a, mtm_choice *c, const char *name, const char *en,
                      const char *ru) {
  memset(c, 0, sizeof *c);
  c->name = name;
  c->labels = fx_labels(a, en, ru);
}

static mtm_question *fx_q(fixture *x, const char *name, mtm_qtype type, const char *en,
                          const char *ru, int group, int repeat) {
  mtm_question *q = &x->f.q[x->f.nq];
  memset(q, 0, sizeof *q);
  q->name = name;
  q->type = type;
  q->labels = fx_labels(&x->a, en, ru);
  q->group = group;
  q->repeat = repeat;
  q->field = -1;
  int holds = type != MTM_Q_BEGIN_GROUP && type != MTM_Q_END_GROUP &&
              type != MTM_Q_BEGIN_REPEAT && type != MTM_Q_END_REPEAT && type != MTM_Q_NOTE;
  if (holds) {
    q->field = x->f.nfields;
    x->f.fields[x->f.nfields++] = x->f.nq;
  }
  x->f.nq++;
  return q;
}

static void fixture_init(fixture *x) {
  memset(x, 0, sizeof *x);
  mtm_arena_init(&x->a);
  mtm_arena *a = &x->a;
  mtm_form *f = &x->f;
  f->form_id = "hh";
  f->version = "v1";
  f->nlangs = 2;
  f->langs = fx_labels(a, "English (en)", "Russian (ru)");
  f->lang_codes = fx_labels(a, "en", "ru");
  f->q = mtm_arena_zalloc(a, sizeof *f->q * 32);
  f->fields = mtm_arena_zalloc(a, sizeof(int) * 32);
  f->nlists = 2;
  f->lists = mtm_arena_zalloc(a, sizeof *f->lists * 2);
  mtm_choice_list *sex = &f->lists[0], *lang = &f->lists[1];
  sex->name = "sex";
  sex->n = 2;
  sex->choices = mtm_arena_zalloc(a, sizeof *sex->choices * 2);
  fx_choice(a, &sex->choices[0], "female", "Female", "Женский");
  fx_choice(a, &sex->choices[1], "male", "Male", "Мужской");
  lang->name = "lang";
  lang->n = 4;
  lang->choices = mtm_arena_zalloc(a, sizeof *lang->choices * 4);
  fx_choice(a, &lang->choices[0], "english", "English", "Английский");
  fx_choice(a, &lang->choices[1], "russian", "Russian", "Русский");
  fx_choice(a, &lang->choices[2], "kazakh", "Kazakh", "Казахский");
  fx_choice(a, &lang->choices[3], "other", "Other language", "Другой язык");
  mtm_question *q;
  q = fx_q(x, "start", MTM_Q_META, NULL, NULL, -1, -1);        /* 0 */
  q->meta = "start";
  q = fx_q(x, "end", MTM_Q_META, NULL, NULL, -1, -1);          /* 1 */
  q->meta = "end";
  fx_q(x, "profile", MTM_Q_BEGIN_GROUP, "Profile", "Профиль", -1, -1); /* 2 */
  q = fx_q(x, "sex", MTM_Q_SELECT_ONE, "Sex", "Пол", 2, -1);   /* 3 */
  q->list = sex;
  fx_q(x, "age", MTM_Q_INTEGER, "Age", "Возраст", 2, -1);      /* 4 */
  fx_q(x, "profile", MTM_Q_END_GROUP, NULL, NULL, 2, -1);      /* 5 */
  q = fx_q(x, "langs", MTM_Q_SELECT_MULTIPLE, "Languages spoken", "Языки", -1, -1); /* 6 */
  q->list = lang;
  fx_q(x, "income", MTM_Q_DECIMAL, "Monthly income", "Доход", -1, -1);     /* 7 */
  fx_q(x, "arrived", MTM_Q_DATE, "Date of arrival", "Дата прибытия", -1, -1); /* 8 */
  fx_q(x, "visit", MTM_Q_DATETIME, "Visit", "Визит", -1, -1);  /* 9 */
  fx_q(x, "wake", MTM_Q_TIME, "Wake-up time", "Подъём", -1, -1); /* 10 */
  fx_q(x, "gps", MTM_Q_GEOPOINT, "Location", "Место", -1, -1); /* 11 */
  fx_q(x, "comment", MTM_Q_TEXT, "Comment", "Комментарий", -1, -1); /* 12 */
  fx_q(x, "members", MTM_Q_BEGIN_REPEAT, "Household members", "Члены семьи", -1, -1); /* 13 */
  fx_q(x, "m_name", MTM_Q_TEXT, "Name", "Имя", 13, 13);        /* 14 */
  fx_q(x, "m_age", MTM_Q_INTEGER, "Age", "Возраст", 13, 13);   /* 15 */
  fx_q(x, "members", MTM_Q_END_REPEAT, NULL, NULL, 13, 13);    /* 16 */
  fx_q(x, "instance_note", MTM_Q_CALCULATE, NULL, NULL, -1, -1); /* 17 */
  for (int i = 0; i < f->nq; i++)
    if (!f->q[i].labels[0]) f->q[i].labels = NULL;
}

static void fixture_free(fixture *x) { mtm_arena_free(&x->a); }

#endif
