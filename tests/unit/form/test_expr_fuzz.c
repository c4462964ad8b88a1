/* Regression tests for what fuzzing the expression language found
 * (tests/fuzz/fuzz_expr.c): each evaluates the minimised expression and
 * checks the exact value or error. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on
#include <string.h>

#include "form/form.h"

static const char *lookup(void *ctx, const char *name) {
  (void)ctx;
  return !strcmp(name, "q") ? "income_v2" : NULL;
}

/* Evaluates src and returns string(result), or the error, in the arena. */
static const char *ev(mtm_arena *a, const char *src) {
  mtm_err err;
  mtm_err_clear(&err);
  mtm_expr *e;
  if (mtm_expr_parse(a, src, &e, &err)) return mtm_arena_printf(a, "PARSE ERROR: %s", err.msg);
  mtm_expr_env env = {0};
  env.lookup = lookup;
  env.today = mtm_days_from_civil(2026, 1, 15);
  mtm_value v;
  if (mtm_expr_eval(e, &env, a, &v, &err)) return mtm_arena_printf(a, "EVAL ERROR: %s", err.msg);
  return mtm_value_str(&v, a);
}

#define EV(src, want) assert_string_equal(ev(&a, src), want)

/* An empty pattern reached regcomp as a NULL string and crashed. */
static void empty_regex_pattern_matches_everything(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  EV("regex('x', '')", "true");
  EV("regex('', '')", "true");
  EV("regex(${q}, '')", "true");
  mtm_arena_free(&a);
}

/* glibc's regcomp copies a repeated atom per repetition, so stacked '+'
 * (found by the fuzzer as "_++++...", 64 of them) or nested counts took
 * minutes and gigabytes; such patterns are refused with a reason. */
static void regex_that_explodes_is_refused(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  char src[256];
  char plus[65];
  memset(plus, '+', 64);
  plus[64] = 0;
  snprintf(src, sizeof src, "regex(${q}, '^ncome_%s')", plus);
  char want[512];
  snprintf(want, sizeof want,
           "EVAL ERROR: the pattern '^ncome_%s' of regex() is too large once its repetitions "
           "are spelled out (more than 50000 parts); use fewer nested or stacked repetitions",
           plus);
  assert_string_equal(ev(&a, src), want);
  EV("regex('x', 'a{1000}{1000}{1000}')",
     "EVAL ERROR: the pattern 'a{1000}{1000}{1000}' of regex() is too large once its "
     "repetitions are spelled out (more than 50000 parts); use fewer nested or stacked "
     "repetitions");
  EV("regex('x', '((x{100}){100}){100}')",
     "EVAL ERROR: the pattern '((x{100}){100}){100}' of regex() is too large once its "
     "repetitions are spelled out (more than 50000 parts); use fewer nested or stacked "
     "repetitions");
  /* Patterns of real forms, even long counts, still work. */
  EV("regex(${q}, '^[a-z]+_v[0-9]{1,3}$')", "true");
  EV("regex(${q}, '^.{0,10000}$')", "true");
  EV("regex(${q}, '^(\\w{1,20}_?){1,5}$')", "true");
  EV("regex(${q}, '^x+$')", "false");
  /* A brace that is no count is a plain character to the estimate. */
  EV("regex('a{', 'a[{]')", "true");
  mtm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(empty_regex_pattern_matches_everything),
      cmocka_unit_test(regex_that_explodes_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
