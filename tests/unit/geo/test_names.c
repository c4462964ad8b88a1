/* Unit tests of the full official names of areas (types x languages) and
 * of the types an import keeps: from KATO codes, from a 'type' column,
 * and the error for a type that is no known word. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "geo/geo.h"

static void full_names_by_type_and_language(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  /* Russian: adjective + "область" / "район", "город" + name. */
  assert_string_equal(mtm_geo_full_name(&a, "Мангистауская", "region", 1, "ru"), "Мангистауская область");
  assert_string_equal(mtm_geo_full_name(&a, "Шымкент", "national_city", 1, "ru"), "город Шымкент");
  assert_string_equal(mtm_geo_full_name(&a, "Бурабайский", "district", 2, "ru"), "Бурабайский район");
  assert_string_equal(mtm_geo_full_name(&a, "Косшы", "city", 2, "ru"), "город Косшы");
  /* A name that is not an adjective takes the word before it. */
  assert_string_equal(mtm_geo_full_name(&a, "Биржан сал", "district", 2, "ru"), "район Биржан сал");
  assert_string_equal(mtm_geo_full_name(&a, "Абай", "region", 1, "ru"), "область Абай");
  /* English and Kazakh: the word after the name. */
  assert_string_equal(mtm_geo_full_name(&a, "Mangystau", "region", 1, "en"), "Mangystau Region");
  assert_string_equal(mtm_geo_full_name(&a, "Shymkent (city)", "national_city", 1, "en"), "Shymkent city");
  assert_string_equal(mtm_geo_full_name(&a, "Burabay", "district", 2, "en"), "Burabay District");
  assert_string_equal(mtm_geo_full_name(&a, "Kosshy", "city", 2, "en"), "Kosshy city");
  assert_string_equal(mtm_geo_full_name(&a, "Маңғыстау", "region", 1, "kk"), "Маңғыстау облысы");
  assert_string_equal(mtm_geo_full_name(&a, "Шымкент (қала)", "national_city", 1, "kk"), "Шымкент қаласы");
  assert_string_equal(mtm_geo_full_name(&a, "Бурабай", "district", 2, "kk"), "Бурабай ауданы");
  /* Already full, unknown type, other language: as it is. */
  assert_string_equal(mtm_geo_full_name(&a, "район Турара Рыскулова", "district", 2, "ru"),
                      "район Турара Рыскулова");
  assert_string_equal(mtm_geo_full_name(&a, "Karaganda Region", "region", 1, "en"), "Karaganda Region");
  assert_string_equal(mtm_geo_full_name(&a, "Aqtobe", NULL, 2, "en"), "Aqtobe");
  assert_string_equal(mtm_geo_full_name(&a, "Aqtobe", "district", 2, "fr"), "Aqtobe");
  /* "(city)" says city when the type is unknown. */
  assert_string_equal(mtm_geo_full_name(&a, "Almaty (city)", NULL, 1, "en"), "Almaty city");
  mtm_arena_free(&a);
}

/* Writes text to a file in /tmp named after the test and the process. */
static void write_file(char *path, size_t n, const char *name, const char *text) {
  snprintf(path, n, "/tmp/mtm-names-%d-%s", (int)getpid(), name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* The type of pcode among the stored areas (NULL: none or no such area). */
static const char *type_of(const mtm_area *ar, int n, const char *pcode) {
  for (int i = 0; i < n; i++)
    if (!strcmp(ar[i].pcode, pcode)) return ar[i].type;
  return "(missing)";
}

static void import_keeps_types_from_kato_and_column(void **state) {
  (void)state;
  char db[256], attrs[256], gaz[256], bad[256];
  snprintf(db, sizeof db, "/tmp/mtm-names-%d.db", (int)getpid());
  unlink(db);
  write_file(attrs, sizeof attrs, "adm2.csv",
             "KATO,ADM0_EN,ADM0_PCODE,ADM1_EN,ADM1_RU,ADM1_PCODE,ADM2_EN,ADM2_RU,ADM2_PCODE\n"
             "117000000,Kazakhstan,KZ,Akmola,Акмолинская,KZ11,Burabay,Бурабайский,KZ117000\n"
             "111600000,Kazakhstan,KZ,Akmola,Акмолинская,KZ11,Kosshy,Косшы,KZ111600\n"
             "751110000,Kazakhstan,KZ,Almaty (city),Алматы,KZ75,Almaly,Алмалинский,KZ751110\n"
             "101010000,Kazakhstan,KZ,Abay,Абайская,KZ10,Zharasemey,Жанасемейский,KZ101010\n"
             "622010000,Kazakhstan,KZ,Ulytau,Улытауская,KZ62,Satbayev,Сатпаев,KZ622010\n");
  write_file(gaz, sizeof gaz, "gaz.csv",
             "pcode,level,parent,name_en,type\n"
             "XX,0,,Land,\n"
             "XX1,1,XX,North,oblast\n"
             "XX2,1,XX,Capital,City\n"
             "XX11,2,XX1,Riverside,район\n"
             "KZ117000,,,,city\n");
  write_file(bad, sizeof bad, "bad.csv", "pcode,level,parent,name_en,type\nXX3,1,XX,East,county\n");
  mtm_err err;
  mtm_err_clear(&err);
  mtm_store *st;
  assert_int_equal(mtm_store_open(&st, db, 1, &err), 0);
  mtm_geo_import_opts o;
  mtm_geo_import_opts_init(&o);
  mtm_geo_import_stats s;
  assert_int_equal(mtm_geo_import(st, attrs, &o, &s, &err), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_area *ar;
  int n;
  assert_int_equal(mtm_store_areas(st, -1, &a, &ar, &n, &err), 0);
  assert_null(type_of(ar, n, "KZ"));
  assert_string_equal(type_of(ar, n, "KZ11"), "region");
  assert_string_equal(type_of(ar, n, "KZ75"), "national_city");
  assert_string_equal(type_of(ar, n, "KZ117000"), "district");
  assert_string_equal(type_of(ar, n, "KZ111600"), "city");
  assert_string_equal(type_of(ar, n, "KZ751110"), "district");
  assert_string_equal(type_of(ar, n, "KZ101010"), "district");
  assert_string_equal(type_of(ar, n, "KZ622010"), "city");
  for (int i = 0; i < n; i++) {
    if (!strcmp(ar[i].pcode, "KZ75"))
      assert_string_equal(mtm_geo_area_full_name(&a, &ar[i], "ru"), "город Алматы");
    if (!strcmp(ar[i].pcode, "KZ75"))
      assert_string_equal(mtm_geo_area_full_name(&a, &ar[i], "en"), "Almaty city");
    if (!strcmp(ar[i].pcode, "KZ117000"))
      assert_string_equal(mtm_geo_area_full_name(&a, &ar[i], "ru"), "Бурабайский район");
    /* no Kazakh name: the English one, with English words */
    if (!strcmp(ar[i].pcode, "KZ11"))
      assert_string_equal(mtm_geo_area_full_name(&a, &ar[i], "kk"), "Akmola Region");
  }
  /* A type column: words of any language; it overrides the KATO type. */
  assert_int_equal(mtm_geo_import(st, gaz, &o, &s, &err), 0);
  assert_int_equal(mtm_store_areas(st, -1, &a, &ar, &n, &err), 0);
  assert_null(type_of(ar, n, "XX"));
  assert_string_equal(type_of(ar, n, "XX1"), "region");
  assert_string_equal(type_of(ar, n, "XX2"), "national_city");
  assert_string_equal(type_of(ar, n, "XX11"), "district");
  assert_string_equal(type_of(ar, n, "KZ117000"), "city");
  /* An unknown word: nothing stored, the error names the column. */
  assert_int_not_equal(mtm_geo_import(st, bad, &o, &s, &err), 0);
  assert_non_null(strstr(err.msg, "'county'"));
  assert_non_null(strstr(err.msg, "region"));
  assert_int_equal(mtm_store_areas(st, -1, &a, &ar, &n, &err), 0);
  assert_string_equal(type_of(ar, n, "XX3"), "(missing)");
  mtm_arena_free(&a);
  mtm_store_close(st);
  unlink(db);
  unlink(attrs);
  unlink(gaz);
  unlink(bad);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(full_names_by_type_and_language),
      cmocka_unit_test(import_keeps_types_from_kato_and_column),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
