/* The HXL tag reader (mtm_hxl_parse, mtm_hxl_has, mtm_hxl_admin_level):
 * +pcode is read as +code, case and spaces do not matter, and an attribute
 * or a hashtag is matched whole, never as a prefix. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on
#include <string.h>

#include "form/form.h"

/* A tag's hashtag and attributes, lowercased, +pcode stored as code. */
static void test_parse(void **state) {
  (void)state;
  mtm_hxl_tag t;
  assert_int_equal(mtm_hxl_parse("  #Adm2 +CODE+v_pcode  +pcode", &t), 0);
  assert_string_equal(t.hashtag, "adm2");
  assert_int_equal(t.nattrs, 3);
  assert_string_equal(t.attrs[0], "code");
  assert_string_equal(t.attrs[1], "v_pcode");
  assert_string_equal(t.attrs[2], "code");
  assert_int_equal(mtm_hxl_parse("adm2+code", &t), -1);
  assert_string_equal(t.hashtag, "");
  assert_int_equal(mtm_hxl_parse("#adm2 code", &t), -1);
  assert_int_equal(mtm_hxl_parse("#adm2+", &t), -1);
  assert_int_equal(mtm_hxl_parse("#", &t), -1);
  assert_int_equal(mtm_hxl_parse("", &t), -1);
  assert_int_equal(mtm_hxl_parse(NULL, &t), -1);
}

/* The level of an area question's tag. */
static void test_admin_level(void **state) {
  (void)state;
  assert_int_equal(mtm_hxl_admin_level("#adm2+pcode"), 2);
  assert_int_equal(mtm_hxl_admin_level("#adm2+code"), 2);
  assert_int_equal(mtm_hxl_admin_level("#ADM1 +CODE"), 1);
  assert_int_equal(mtm_hxl_admin_level("#adm1 +PCode"), 1);
  assert_int_equal(mtm_hxl_admin_level("#adm1+name"), 0);
  assert_int_equal(mtm_hxl_admin_level("#adm1"), 0);
  /* by design #adm10 is level 10 (never level 1): callers bound the level */
  assert_int_equal(mtm_hxl_admin_level("#adm10+code"), 10);
  assert_int_equal(mtm_hxl_admin_level("#adm1+codes"), 0);
  assert_int_equal(mtm_hxl_admin_level("#adm1+code_x"), 0);
  assert_int_equal(mtm_hxl_admin_level("#adm1+v_pcode"), 0);
  assert_int_equal(mtm_hxl_admin_level("#admx+code"), 0);
  assert_int_equal(mtm_hxl_admin_level("#adm+code"), 0);
  assert_int_equal(mtm_hxl_admin_level("#adm0+code"), 0);
  assert_int_equal(mtm_hxl_admin_level("#loc+code #adm1"), 0);
  assert_int_equal(mtm_hxl_admin_level(NULL), 0);
  assert_int_equal(mtm_hxl_admin("#adm3+name"), 3);
  assert_int_equal(mtm_hxl_admin("#admin1+name"), 0);
}

/* Whole attributes and hashtags, any when NULL. */
static void test_has(void **state) {
  (void)state;
  assert_true(mtm_hxl_has("#affected+codes", NULL, "codes"));
  assert_false(mtm_hxl_has("#affected+codes", NULL, "code"));
  assert_true(mtm_hxl_has("#adm1 +PCODE", "adm1", "code"));
  assert_false(mtm_hxl_has("#adm1+pcode", "adm1", "pcode"));
  assert_false(mtm_hxl_has("#adm10+code", "adm1", "code"));
  assert_true(mtm_hxl_has("#adm10+code", "adm10", NULL));
  assert_true(mtm_hxl_has("#respondee+Sex", NULL, "sex"));
  assert_false(mtm_hxl_has("#respondee+sexual", NULL, "sex"));
  assert_false(mtm_hxl_has("+sex", NULL, "sex"));
  assert_false(mtm_hxl_has(NULL, NULL, NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_admin_level),
      cmocka_unit_test(test_has),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
