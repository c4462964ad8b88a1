/* The consent question of a form: the select_one whose "no" ends the
 * interview, found from the relevance expressions of the questions after
 * it (see form.h). */
#include "form/form.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The choice of q's list that the literal names: a string equal to its
 * name, or a number equal to its name read as a number; NULL: none. */
static const mtm_choice *choice_of(const mtm_question *q, const mtm_value *lit) {
  const mtm_choice_list *l = q->list;
  for (int i = 0; i < l->n; i++) {
    const char *name = l->choices[i].name;
    if (lit->t == MTM_V_STR && strcmp(lit->str, name) == 0) return &l->choices[i];
    if (lit->t == MTM_V_NUM) {
      char *end;
      double x = strtod(name, &end);
      if (*name && !*end && x == lit->num) return &l->choices[i];
    }
  }
  return NULL;
}

/* The choice of q that the relevance of question i, or of a group around
 * it, requires for i to be asked; NULL: none does. "!= x" requires the
 * other choice when the list has two. */
static const mtm_choice *gate(const mtm_form *f, int i, const mtm_question *q) {
  for (int k = i; k >= 0; k = f->q[k].group) {
    const mtm_question *x = &f->q[k];
    if (!x->relevant) continue;
    mtm_value lit;
    int r = mtm_expr_requires(x->relevant, q->name, &lit);
    const mtm_choice *ch = r ? choice_of(q, &lit) : NULL;
    if (!ch) continue;
    if (r == 1) return ch;
    if (q->list->n == 2) return &q->list->choices[ch == &q->list->choices[0]];
  }
  return NULL;
}

/* 1 when question x counts as asked for the consent rule: it holds data
 * and is not a note, a calculation, a hidden or meta field, or the "other"
 * text of q itself. */
static int asked(const mtm_question *x, const mtm_question *q) {
  if (x->field < 0) return 0;
  switch (x->type) {
  case MTM_Q_NOTE:
  case MTM_Q_CALCULATE:
  case MTM_Q_HIDDEN:
  case MTM_Q_META:
    return 0;
  default:
    break;
  }
  if (x->synthetic && q) {
    size_t n = strlen(q->name);
    if (strncmp(x->name, q->name, n) == 0 && strcmp(x->name + n, "_other") == 0) return 0;
  }
  return 1;
}

/* 1 when q can be a consent question: a select_one from a list of two or
 * more choices, outside repeats. */
static int candidate(const mtm_question *q) {
  return q->type == MTM_Q_SELECT_ONE && q->list && q->list->n >= 2 && q->repeat < 0 &&
         q->field >= 0 && !q->synthetic;
}

/* The answer of question i (a candidate) that gates every later asked
 * question, NULL when some later question is asked without it, when two
 * require different answers, or when the gated questions are fewer than
 * half of the form's asked ones (total). */
static const mtm_choice *gates_rest(const mtm_form *f, int i, int total) {
  const mtm_question *q = &f->q[i];
  const mtm_choice *yes = NULL;
  int later = 0;
  for (int j = i + 1; j < f->nq; j++) {
    const mtm_question *x = &f->q[j];
    if (!asked(x, q)) continue;
    const mtm_choice *ch = gate(f, j, q);
    if (!ch || (yes && ch != yes)) return NULL;
    yes = ch;
    later++;
  }
  return later > 0 && 2 * later >= total ? yes : NULL;
}

/* The number of asked questions of the form. */
static int nasked(const mtm_form *f) {
  int n = 0;
  for (int j = 0; j < f->nq; j++) n += asked(&f->q[j], NULL);
  return n;
}

const mtm_question *mtm_form_consent_question(const mtm_form *f) {
  if (!f) return NULL;
  int total = nasked(f);
  for (int i = 0; i < f->nq; i++)
    if (candidate(&f->q[i]) && gates_rest(f, i, total)) return &f->q[i];
  return NULL;
}

const char *mtm_form_consent_value(const mtm_form *f, const mtm_question *q) {
  if (!f || !q || q->type != MTM_Q_SELECT_ONE || !q->list || q->list->n < 1) return NULL;
  int i = (int)(q - f->q);
  if (i < 0 || i >= f->nq) return NULL;
  if (candidate(q)) {
    const mtm_choice *yes = gates_rest(f, i, nasked(f));
    if (yes) return yes->name;
  }
  /* The answer most later relevances require. */
  const mtm_choice_list *l = q->list;
  int *votes = calloc((size_t)l->n, sizeof *votes);
  int best = -1;
  if (votes) {
    for (int j = i + 1; j < f->nq; j++) {
      if (!asked(&f->q[j], q)) continue;
      const mtm_choice *ch = gate(f, j, q);
      if (ch) votes[ch - l->choices]++;
    }
    for (int k = 0; k < l->n; k++)
      if (votes[k] && (best < 0 || votes[k] > votes[best])) best = k;
    free(votes);
  }
  if (best >= 0) return l->choices[best].name;
  static const char *const yes[] = {"yes", "y", "1", "true", "da", "\xD0\xB4\xD0\xB0", NULL};
  for (int k = 0; k < l->n; k++)
    for (int y = 0; yes[y]; y++)
      if (strcasecmp(l->choices[k].name, yes[y]) == 0) return l->choices[k].name;
  return NULL;
}
