/* Fuzzes the XLSForm reader end to end: the bytes are a form in pyxform's
 * CSV layout or in Markdown (sniffed as mtm does for a stored form), read
 * into the model; a form that reads is then queried through the public
 * lookups, and its expressions evaluated in an empty submission. */
#include "fuzz.h"
#include "form/form.h"

/* Every question unanswered. */
static const char *no_answer(void *ctx, const char *name) {
  (void)ctx;
  (void)name;
  return NULL;
}

/* Evaluates e (which may be NULL) in env. */
static void eval_opt(const mtm_expr *e, const mtm_expr_env *env, mtm_arena *a) {
  if (!e) return;
  mtm_value v;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_expr_eval(e, env, a, &v, &err);
  if (rc) fuzz_check_err(&err, rc);
}

/* Walks the model and checks the indices it promises. */
static void walk(const mtm_form *f) {
  mtm_arena a;
  mtm_arena_init(&a);
  if (!f->form_id || !f->version || !f->format || f->nlangs < 1)
    fuzz_fail("a form without id, version, format or language");
  (void)mtm_form_nquestions(f);
  (void)strlen(mtm_form_fields_json(f, &a));
  mtm_expr_env env = {no_answer, NULL, "", 19782, NULL, NULL, NULL, 0, 0};
  for (int i = 0; i < f->nq; i++) {
    const mtm_question *q = &f->q[i];
    if (!q->name || !q->type_text || !q->path) fuzz_fail("a question without name or path");
    if (q->group < -1 || q->group >= f->nq || q->repeat < -1 || q->repeat >= f->nq)
      fuzz_fail("a group or repeat index out of range");
    if (q->field < -1 || q->field >= f->nfields) fuzz_fail("a field index out of range");
    if (q->field >= 0 && f->fields[q->field] != i) fuzz_fail("fields[] disagrees with q->field");
    if (q->name[0] && !mtm_form_question(f, q->name)) fuzz_fail("a question its lookup misses");
    (void)strlen(mtm_form_type_name(q->type));
    for (int l = 0; l < f->nlangs; l++) {
      const char *lab = mtm_form_label(f, q->labels, l);
      if (lab) (void)strlen(lab);
    }
    if (q->list) {
      for (int c = 0; c < q->list->n; c++) {
        const mtm_choice *ch = &q->list->choices[c];
        if (!ch->name) fuzz_fail("a choice without a name");
        if (!mtm_form_choice(q->list, ch->name)) fuzz_fail("a choice its lookup misses");
      }
    }
    eval_opt(q->relevant, &env, &a);
    eval_opt(q->constraint, &env, &a);
    eval_opt(q->calculation, &env, &a);
    eval_opt(q->required_expr, &env, &a);
  }
  for (int i = 0; i < f->nfields; i++)
    if (f->fields[i] < 0 || f->fields[i] >= f->nq) fuzz_fail("a field index out of range");
  for (int l = 0; l < f->nlangs; l++)
    if (!f->langs[l] || mtm_form_lang(f, f->langs[l]) < 0) fuzz_fail("a language its lookup misses");
  mtm_arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* Workbooks go to the xlsx harnesses; XLS is read through a file. */
  if (size >= 2 && ((data[0] == 'P' && data[1] == 'K') || (data[0] == 0xD0 && data[1] == 0xCF)))
    return 0;
  mtm_form *f = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_form_read_mem(data, size, "fuzz-form", &f, &err);
  if (rc) {
    fuzz_check_err(&err, rc);
    if (f) fuzz_fail("a form handed back with an error");
    return 0;
  }
  walk(f);
  mtm_form_free(f);
  return 0;
}
