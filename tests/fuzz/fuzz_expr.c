/* Fuzzes the expression language: the bytes are an expression (as written in
 * a relevant, constraint, calculation or choice_filter cell), parsed, then
 * evaluated in a small submission with every optional callback, and again
 * with the lookup alone. */
#include "fuzz.h"
#include "form/form.h"

/* The answers of the small submission; NULL: unanswered. */
static const char *lookup(void *ctx, const char *name) {
  (void)ctx;
  static const char *const answers[][2] = {
      {"a", "3"},           {"b", "2024-02-29"},  {"c", "yes no maybe"},
      {"d", ""},            {"e", "-1.5e3"},      {"f", "2024-02-29T10:11:12+03:00"},
      {"g", "10:11:12"},    {"h", "0"},           {"age", "42"},
      {"name", "Aigerim"},  {"s", "a b\tc"},      {"n", "NaN"},
  };
  for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
    if (!strcmp(answers[i][0], name)) return answers[i][1];
  return NULL;
}

/* Choice columns for choice filters: a few known names. */
static const char *lookup_node(void *ctx, const char *name) {
  (void)ctx;
  if (!strcmp(name, "region")) return "north";
  if (!strcmp(name, "name")) return "yes";
  return lookup(ctx, name);
}

/* A repeat: r and m have three values, the rest one or none. */
static int lookup_many(void *ctx, const char *name, const char ***vals) {
  static const char *r[] = {"1", "2", "x"};
  static const char *m[] = {"2024-01-01", "", "5"};
  static const char *one[1];
  if (!strcmp(name, "r")) {
    *vals = r;
    return 3;
  }
  if (!strcmp(name, "m")) {
    *vals = m;
    return 3;
  }
  one[0] = lookup(ctx, name);
  if (!one[0]) return 0;
  *vals = one;
  return 1;
}

/* Labels for a few values of any question. */
static const char *choice_label(void *ctx, const char *question, const char *value) {
  (void)ctx;
  (void)question;
  if (!strcmp(value, "yes")) return "Yes";
  if (!strcmp(value, "no")) return "No";
  return NULL;
}

/* Counts the references, to walk the tree. */
static void count_ref(void *ctx, const char *name) {
  if (!name) fuzz_fail("a NULL reference name");
  ++*(int *)ctx;
}

/* Evaluates e in env and checks the value and the error. */
static void eval_in(const mtm_expr *e, const mtm_expr_env *env, mtm_arena *a) {
  mtm_value v;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_expr_eval(e, env, a, &v, &err);
  if (rc) {
    fuzz_check_err(&err, rc);
    return;
  }
  const char *s = mtm_value_str(&v, a);
  if (!s) fuzz_fail("a value without a string form");
  (void)strlen(s);
  (void)mtm_value_bool(&v);
  (void)mtm_value_num(&v);
  if (v.t == MTM_V_STR && !v.str) fuzz_fail("a string value with a NULL string");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *src = malloc(size + 1);
  memcpy(src, data, size);
  src[size] = 0;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_expr *e = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_expr_parse(&a, src, &e, &err);
  if (rc) {
    fuzz_check_err(&err, rc);
  } else {
    if (!e) fuzz_fail("parse succeeded without a tree");
    int nrefs = 0;
    mtm_expr_refs(e, count_ref, &nrefs);
    mtm_expr_env full = {lookup, NULL, "7", 19782, lookup_node, lookup_many, choice_label,
                         2, 1709201472};
    eval_in(e, &full, &a);
    mtm_expr_env bare = {lookup, NULL, NULL, 0, NULL, NULL, NULL, 0, 0};
    eval_in(e, &bare, &a);
  }
  mtm_arena_free(&a);
  free(src);
  return 0;
}
