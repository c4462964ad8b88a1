/* Unit tests of the check rules on tiny hand-made forms and submissions:
 * each rule, its severity and its exact message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "check/check.h"

/* ---- a hand-made form ---- */

typedef struct {
  mtm_arena a;
  mtm_form f;
} tform;

static mtm_choice_list *list(mtm_arena *a, const char *name, const char *const *names) {
  mtm_choice_list *l = mtm_arena_zalloc(a, sizeof *l);
  l->name = name;
  while (names[l->n]) l->n++;
  l->choices = mtm_arena_zalloc(a, sizeof *l->choices * (size_t)l->n);
  for (int i = 0; i < l->n; i++) l->choices[i].name = names[i];
  return l;
}

static mtm_expr *ex(mtm_arena *a, const char *src) {
  if (!src) return NULL;
  mtm_expr *e;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_expr_parse(a, src, &e, &err), 0);
  return e;
}

/* Adds a question; returns its index. */
static int q(tform *t, const char *name, mtm_qtype type, int group, const char *relevant,
             const char *constraint, const char *cmsg, const char *required) {
  mtm_form *f = &t->f;
  int i = f->nq++;
  mtm_question *x = &f->q[i];
  memset(x, 0, sizeof *x);
  x->name = name;
  x->type = type;
  x->group = group;
  x->repeat = -1;
  x->relevant_src = relevant;
  x->relevant = ex(&t->a, relevant);
  x->constraint_src = constraint;
  x->constraint = ex(&t->a, constraint);
  if (cmsg) {
    x->constraint_msgs = mtm_arena_zalloc(&t->a, sizeof(char *));
    x->constraint_msgs[0] = cmsg;
  }
  if (required && strcmp(required, "yes") == 0) x->required = 1;
  else x->required_src = required;
  if (type == MTM_Q_META) x->meta = name;
  x->field = -1;
  if (type != MTM_Q_BEGIN_GROUP && type != MTM_Q_END_GROUP && type != MTM_Q_NOTE) {
    x->field = f->nfields;
    f->fields[f->nfields++] = i;
  }
  return i;
}

static void tform_init(tform *t) {
  mtm_arena_init(&t->a);
  memset(&t->f, 0, sizeof t->f);
  t->f.form_id = "chk";
  t->f.version = "1";
  t->f.file_name = "chk.xlsx";
  t->f.nlangs = 1;
  static const char *langs[] = {"default"};
  t->f.langs = langs;
  t->f.lang_codes = langs;
  t->f.q = mtm_arena_zalloc(&t->a, sizeof(mtm_question) * 32);
  t->f.fields = mtm_arena_zalloc(&t->a, sizeof(int) * 32);
}

/* The survey form: start, end, consent, age, group work {job}, sex,
 * district, hh_size, nationality. */
static void survey(tform *t) {
  tform_init(t);
  static const char *yn[] = {"yes", "no", NULL}, *sx[] = {"female", "male", NULL};
  q(t, "start", MTM_Q_META, -1, NULL, NULL, NULL, NULL);
  q(t, "end", MTM_Q_META, -1, NULL, NULL, NULL, NULL);
  int c = q(t, "consent", MTM_Q_SELECT_ONE, -1, NULL, NULL, NULL, "yes");
  t->f.q[c].list = list(&t->a, "yes_no", yn);
  q(t, "age", MTM_Q_INTEGER, -1, "${consent} = 'yes'", ". >= 0 and . < 120",
    "Age must be between 0 and 119", "yes");
  int g = q(t, "work", MTM_Q_BEGIN_GROUP, -1, "${age} >= 18", NULL, NULL, NULL);
  q(t, "job", MTM_Q_TEXT, g, NULL, NULL, NULL, NULL);
  q(t, "work_end", MTM_Q_END_GROUP, -1, NULL, NULL, NULL, NULL);
  int s = q(t, "sex", MTM_Q_SELECT_ONE, -1, NULL, NULL, NULL, "${consent} = 'yes'");
  t->f.q[s].list = list(&t->a, "sex", sx);
  q(t, "district", MTM_Q_TEXT, -1, NULL, NULL, NULL, NULL);
  q(t, "hh_size", MTM_Q_INTEGER, -1, NULL, NULL, NULL, NULL);
  q(t, "nationality", MTM_Q_TEXT, -1, NULL, "string-length(.) = 3", NULL, NULL);
}

/* A gazetteer of three names. */
static mtm_area_match fake_area(void *ctx, const char *value, mtm_arena *a,
                                const char **candidates, int *level) {
  (void)ctx, (void)a;
  *level = -1;
  if (strcmp(value, "KAZ001") == 0) {
    *level = 1;
    return MTM_AREA_FOUND;
  }
  if (strcmp(value, "KAZ001001") == 0) {
    *level = 2;
    return MTM_AREA_FOUND;
  }
  if (strcmp(value, "Almaty") == 0) {
    *candidates = "KAZ001 Almaty (admin1), KAZ002 Almaty (admin1)";
    return MTM_AREA_AMBIGUOUS;
  }
  return MTM_AREA_UNKNOWN;
}

typedef struct {
  mtm_arena a;
  mtm_finding *f;
  int n;
  mtm_buf csv;
} result;

static void run(tform *t, const mtm_check_opts *o, const mtm_criterion *cr, int ncr,
                const char *const (*rows)[10], int nrows, result *r) {
  mtm_check *c;
  mtm_err e;
  mtm_err_clear(&e);
  mtm_form *forms[1] = {&t->f};
  assert_int_equal(mtm_check_new(&c, forms, 1, cr, ncr, o, &e), 0);
  for (int i = 0; i < nrows; i++) {
    char *v[10];
    for (int k = 0; k < t->f.nfields; k++) v[k] = (char *)rows[i][k + 1];
    assert_int_equal(mtm_check_add(c, i + 1, rows[i][0], 0, v, t->f.nfields, &e), 0);
  }
  mtm_check_issue(c, 2, "age", "abc", "type", "'abc' is not a whole number");
  mtm_arena_init(&r->a);
  assert_int_equal(mtm_check_finish(c, &r->a, &r->f, &r->n, &e), 0);
  mtm_buf_init(&r->csv);
  mtm_check_write_csv(&r->csv, r->f, r->n);
  mtm_check_free(c);
}

static void result_free(result *r) {
  mtm_arena_free(&r->a);
  mtm_buf_free(&r->csv);
}

static void every_per_submission_rule(void **state) {
  (void)state;
  tform t;
  survey(&t);
  /* uuid, start, end, consent, age, job, sex, district, hh_size, nationality */
  static const char *const rows[][10] = {
      {"u1", "2026-01-10T08:00:00Z", "2026-01-10T08:30:00Z", "yes", "30", "driver", "female",
       "KAZ001", "4", "UZB"},
      {"u2", "2026-01-10T08:00:00Z", "2026-01-10T08:05:00Z", "yes", NULL, NULL, "male",
       "Nowhere", "5", "KAZ"},
      {"u3", "2026-01-10T09:00:00Z", "2026-01-10T08:40:00Z", "maybe", NULL, "baker", NULL,
       "Almaty", "4", "TJK"},
      {"u4", "2026-01-10T10:00:00Z", "2026-01-10T10:40:00Z", "yes", "40", "teacher", "female",
       "KAZ001", "4", "UZB"},
      {"u5", "2026-01-11T10:00:00Z", "2026-01-11T10:45:00Z", "yes", "40", "teacher", "female",
       "KAZ001", "4", "UZB"},
      {"u6", "2026-01-10T11:00:00Z", "2026-01-10T11:50:00Z", "yes", "150", NULL, NULL,
       "KAZ001", "60", "Uzbek"},
  };
  mtm_check_opts o = {0};
  o.lang = -1;
  o.area = fake_area;
  mtm_criterion cr[] = {{1, "${age} >= 18", "adults"}, {2, "${nationality} != 'KAZ'", NULL}};
  result r;
  run(&t, &o, cr, 2, rows, 6, &r);
  assert_string_equal(
      r.csv.p,
      "uuid,repeat,instance,question,value,rule,severity,message\n"
      "u2,,,age,abc,type,error,'abc' is not a whole number\n"
      "u2,,,district,Nowhere,area,error,'Nowhere' is not an area of the gazetteer (no P-code or "
      "name matches)\n"
      "u2,,,age,,inclusion,error,cannot tell whether the inclusion criterion 'adults' (${age} >= "
      "18) holds: age is empty\n"
      "u2,,,nationality,KAZ,inclusion,error,does not meet the inclusion criterion ${nationality} "
      "!= 'KAZ': nationality = KAZ\n"
      "u2,,,,5,duration,warning,\"the interview took 5.0 minutes (2026-01-10T08:00:00Z to "
      "2026-01-10T08:05:00Z), less than the minimum of 10\"\n"
      "u3,,,consent,maybe,choice,error,'maybe' is not a choice of list 'yes_no'\n"
      "u3,,,job,baker,relevance,warning,answered although not relevant (relevant: ${age} >= 18)\n"
      "u3,,,district,Almaty,area,error,\"'Almaty' matches several areas: KAZ001 Almaty (admin1), "
      "KAZ002 Almaty (admin1); write the P-code\"\n"
      "u3,,,age,,inclusion,error,cannot tell whether the inclusion criterion 'adults' (${age} >= "
      "18) holds: age is empty\n"
      "u3,,,,-20,duration,warning,the interview ends (2026-01-10T08:40:00Z) before it starts "
      "(2026-01-10T09:00:00Z)\n"
      "u4,,,,,duplicate,warning,\"same answers as u5 (metadata such as start, end and deviceid "
      "ignored)\"\n"
      "u5,,,,,duplicate,warning,\"same answers as u4 (metadata such as start, end and deviceid "
      "ignored)\"\n"
      "u6,,,age,150,constraint,error,Age must be between 0 and 119\n"
      "u6,,,sex,,required,error,'sex' is required but has no answer\n"
      "u6,,,hh_size,60,outlier,warning,\"60 is an outlier among 6 answers: modified z-score 4.70 "
      "beyond 3.5 (median 4, MAD 0, so the mean absolute deviation 9.5); outside the IQR fences "
      "[2.875, 5.875] (Q1 4, Q3 4.75)\"\n"
      "u6,,,nationality,Uzbek,constraint,error,fails the constraint string-length(.) = 3\n");
  int errors = 0;
  for (int i = 0; i < r.n; i++) errors += r.f[i].severity == MTM_SEV_ERROR;
  assert_int_equal(errors, 10);
  result_free(&r);
  mtm_arena_free(&t.a);
}

static void no_gazetteer_is_a_note(void **state) {
  (void)state;
  tform t;
  survey(&t);
  mtm_check *c;
  mtm_err e;
  mtm_err_clear(&e);
  mtm_form *forms[1] = {&t.f};
  mtm_check_opts o = {0};
  o.lang = -1;
  assert_int_equal(mtm_check_new(&c, forms, 1, NULL, 0, &o, &e), 0);
  const char *const *notes;
  assert_int_equal(mtm_check_notes(c, &notes), 1);
  assert_string_equal(notes[0], "area: the workspace has no gazetteer, so areas were not checked");
  char *v[9] = {0};
  assert_int_equal(mtm_check_add(c, 1, "u1", 0, v, 8, &e), MTM_EINVAL);
  assert_string_equal(e.msg, "submission u1 holds 8 values but version '1' of the form has 9 "
                             "questions outside repeats; was it imported with another version?");
  mtm_check_free(c);
  mtm_criterion bad = {1, "${age} >=", NULL};
  mtm_err_clear(&e);
  assert_int_equal(mtm_check_new(&c, forms, 1, &bad, 1, &o, &e), MTM_EINVAL);
  assert_non_null(strstr(e.msg, "cannot read the inclusion criterion '${age} >='"));
  mtm_arena_free(&t.a);
}

static void outliers_within_groups(void **state) {
  (void)state;
  tform t;
  survey(&t);
  /* Two districts: 100 is ordinary in KAZ002, an outlier in KAZ001. */
  static const char *const rows[][10] = {
      {"a1", NULL, NULL, "no", NULL, NULL, NULL, "KAZ001", "3", "XA1"},
      {"a2", NULL, NULL, "no", NULL, NULL, NULL, "KAZ001", "4", "XA2"},
      {"a3", NULL, NULL, "no", NULL, NULL, NULL, "KAZ001", "5", "XA3"},
      {"a4", NULL, NULL, "no", NULL, NULL, NULL, "KAZ001", "4", "XA4"},
      {"a5", NULL, NULL, "no", NULL, NULL, NULL, "KAZ001", "100", "XA5"},
      {"b1", NULL, NULL, "no", NULL, NULL, NULL, "KAZ002", "90", "XB1"},
      {"b2", NULL, NULL, "no", NULL, NULL, NULL, "KAZ002", "100", "XB2"},
      {"b3", NULL, NULL, "no", NULL, NULL, NULL, "KAZ002", "110", "XB3"},
      {"b4", NULL, NULL, "no", NULL, NULL, NULL, "KAZ002", "95", "XB4"},
  };
  mtm_check_opts o = {0};
  o.lang = -1;
  o.outliers_by = "district";
  result r;
  run(&t, &o, NULL, 0, rows, 9, &r);
  /* b-group has 4 values: not judged; a5 is judged within KAZ001 only. */
  assert_string_equal(r.csv.p, "uuid,repeat,instance,question,value,rule,severity,message\n"
                               "a2,,,age,abc,type,error,'abc' is not a whole number\n"
                               "a5,,,hh_size,100,outlier,warning,\"100 is an outlier among 5 "
                               "answers where district = KAZ001: modified z-score 64.75 beyond "
                               "3.5 (median 4, MAD 1); outside the IQR fences [2.5, 6.5] (Q1 4, "
                               "Q3 5)\"\n");
  result_free(&r);
  mtm_arena_free(&t.a);
}

static void ki_disagreement_on_baseline(void **state) {
  (void)state;
  tform t;
  survey(&t);
  static const char *const rows[][10] = {
      {"k1", NULL, NULL, "no", NULL, NULL, NULL, "KAZ001001", "10", NULL},
      {"k2", NULL, NULL, "no", NULL, NULL, NULL, "KAZ001001", "50", NULL},
      {"k3", NULL, NULL, "no", NULL, NULL, NULL, "KAZ001", "10", NULL},
      {"k4", NULL, NULL, "no", NULL, NULL, NULL, "KAZ001", "15", NULL},
      {"k5", NULL, NULL, "no", NULL, NULL, NULL, "KAZ001001", "12", NULL},
  };
  mtm_check_opts o = {0};
  o.lang = -1;
  o.baseline = 1;
  o.area = fake_area;
  result r;
  run(&t, &o, NULL, 0, rows, 5, &r);
  /* district is the location (P-codes at level 2 are the deepest seen). */
  assert_string_equal(r.csv.p,
                      "uuid,repeat,instance,question,value,rule,severity,message\n"
                      "k1,,,hh_size,KAZ001001,ki_disagreement,warning,\"key informants for "
                      "district = KAZ001001 disagree on hh_size: k1 = 10, k2 = 50, k5 = 12 "
                      "(max/min 5.00 > 2)\"\n"
                      "k2,,,age,abc,type,error,'abc' is not a whole number\n"
                      "k2,,,hh_size,50,outlier,warning,\"50 is an outlier among 5 answers: modified "
                      "z-score 12.82 beyond 3.5 (median 12, MAD 2); outside the IQR fences [2.5, "
                      "22.5] (Q1 10, Q3 15)\"\n");
  result_free(&r);
  o.disagreement = 6;
  run(&t, &o, NULL, 0, rows, 5, &r);
  assert_string_equal(r.csv.p, "uuid,repeat,instance,question,value,rule,severity,message\n"
                               "k2,,,age,abc,type,error,'abc' is not a whole number\n"
                               "k2,,,hh_size,50,outlier,warning,\"50 is an outlier among 5 answers: "
                               "modified z-score 12.82 beyond 3.5 (median 12, MAD 2); outside the "
                               "IQR fences [2.5, 22.5] (Q1 10, Q3 15)\"\n");
  result_free(&r);
  mtm_arena_free(&t.a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_per_submission_rule),
      cmocka_unit_test(no_gazetteer_is_a_note),
      cmocka_unit_test(outliers_within_groups),
      cmocka_unit_test(ki_disagreement_on_baseline),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
