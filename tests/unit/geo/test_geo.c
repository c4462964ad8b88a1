/* Unit tests of geo: name keys, transliteration skeletons, resolution
 * (exact, alias, bare, transliterated, ambiguous, unknown, by date, level
 * and place) and the GeoJSON import's all-or-nothing rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "geo/geo.h"

static void keys_fold_case_marks_and_spacing(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  assert_string_equal(mtm_geo_key(&a, "Nur-Sultan"), "nursultan");
  assert_string_equal(mtm_geo_key(&a, " NUR  SULTAN "), "nursultan");
  assert_string_equal(mtm_geo_key(&a, "Aqtöbe"), "aqtobe");
  assert_string_equal(mtm_geo_key(&a, "Қарағанды"), "қарағанды");
  int h;
  assert_string_equal(mtm_geo_bare_key(&a, "Almaty oblysy", &h), "almaty");
  assert_int_equal(h, MTM_GEO_HINT_REGION);
  assert_string_equal(mtm_geo_bare_key(&a, "г. Алматы", &h), "алматы");
  assert_int_equal(h, MTM_GEO_HINT_CITY);
  assert_string_equal(mtm_geo_bare_key(&a, "Almaty (city)", &h), "almaty");
  assert_int_equal(h, MTM_GEO_HINT_CITY);
  assert_string_equal(mtm_geo_bare_key(&a, "Карагандинская область", &h), "карагандинская");
  assert_int_equal(h, MTM_GEO_HINT_REGION);
  assert_string_equal(mtm_geo_bare_key(&a, "Abay district", &h), "abay");
  assert_int_equal(h, MTM_GEO_HINT_DISTRICT);
  /* Only qualifying words: the exact key is kept. */
  assert_string_equal(mtm_geo_bare_key(&a, "City", &h), "city");
  mtm_arena_free(&a);
}

static void skeletons_join_spellings_and_scripts(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  const char *kar = "karagandi";
  assert_string_equal(mtm_geo_skeleton(&a, "Karagandy"), kar);
  assert_string_equal(mtm_geo_skeleton(&a, "Qaraghandy"), kar);
  assert_string_equal(mtm_geo_skeleton(&a, "Қарағанды"), kar);
  assert_string_equal(mtm_geo_skeleton(&a, "Qaraghandy oblysy"), kar);
  assert_string_equal(mtm_geo_skeleton(&a, "Караганда"), "karaganda");
  assert_string_equal(mtm_geo_skeleton(&a, "Aqtobe"), "aktobe");
  assert_string_equal(mtm_geo_skeleton(&a, "Ақтөбе"), "aktobe");
  assert_string_equal(mtm_geo_skeleton(&a, "Jetisu"), "zhetisu");
  assert_string_equal(mtm_geo_skeleton(&a, "Zhetysu"), "zhetisu");
  assert_string_equal(mtm_geo_skeleton(&a, "Жетісу"), "zhetisu");
  assert_string_equal(mtm_geo_skeleton(&a, "Mangghystau"), "manistau");
  assert_string_equal(mtm_geo_skeleton(&a, "Маңғыстау"), "manistau");
  assert_string_equal(mtm_geo_skeleton(&a, "Mangystau"), "manistau");
  assert_string_equal(mtm_geo_skeleton(&a, "Dzhambul"), "zhambul");
  assert_string_equal(mtm_geo_skeleton(&a, "Khromtau"), "hromtau");
  assert_string_equal(mtm_geo_skeleton(&a, "Хромтау"), "hromtau");
  assert_string_equal(mtm_geo_skeleton(&a, "Akkol"), "akol");
  assert_string_equal(mtm_geo_skeleton(&a, "Ақкөл"), "akol");
  /* Mixed scripts in the source ("Солтүстiк" with a Latin i). */
  assert_string_equal(mtm_geo_skeleton(&a, "Солтүстiк Қазақстан"),
                      mtm_geo_skeleton(&a, "Солтүстік Қазақстан"));
  assert_string_not_equal(mtm_geo_skeleton(&a, "Karaganda"), mtm_geo_skeleton(&a, "Karagandy"));
  mtm_arena_free(&a);
}

/* A small gazetteer written through the store, as an import would. */
typedef struct fx {
  char path[64];
  mtm_store *st;
  mtm_geo *g;
} fx;

static void area(mtm_store *st, const char *pcode, int level, const char *parent,
                 const char *from, const char *to, const char *names) {
  mtm_err err;
  mtm_err_clear(&err);
  mtm_area_put p = {pcode, level, 1, parent, from, to, "test", NULL};
  long long id;
  assert_int_equal(mtm_store_area_put(st, &p, &id, NULL, &err), 0);
  /* names: "lang:name|lang:name|*lang:alias" */
  mtm_arena a;
  mtm_arena_init(&a);
  char *s = mtm_arena_strdup(&a, names);
  for (char *t = strtok(s, "|"); t; t = strtok(NULL, "|")) {
    int alias = *t == '*';
    if (alias) t++;
    char *colon = strchr(t, ':');
    *colon = 0;
    assert_int_equal(
        mtm_store_area_name_add(st, id, t, colon + 1, mtm_geo_key(&a, colon + 1), alias, &err), 0);
  }
  mtm_arena_free(&a);
}

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  snprintf(f->path, sizeof f->path, "/tmp/mtm-geo-test-%d.db", (int)getpid());
  unlink(f->path);
  mtm_err err;
  mtm_err_clear(&err);
  if (mtm_store_open(&f->st, f->path, 1, &err)) return -1;
  mtm_store *st = f->st;
  area(st, "KZ", 0, NULL, NULL, NULL, "en:Kazakhstan");
  area(st, "KZ35", 1, "KZ", NULL, NULL,
       "en:Karagandy|ru:Карагандинская|kk:Қарағанды|*en:Karaganda Region");
  area(st, "KZ351000", 2, "KZ35", NULL, NULL, "en:Karaganda|ru:Караганда|kk:Қарағанды");
  area(st, "KZ19", 1, "KZ", NULL, NULL, "en:Almaty|ru:Алматинская|kk:Алматы");
  area(st, "KZ75", 1, "KZ", NULL, NULL, "en:Almaty (city)|ru:Алматы|*en:Almaty");
  area(st, "KZ71", 1, "KZ", NULL, NULL, "en:Nur-Sultan (city)|ru:Нур-Султан");
  /* Renamed: the new canonical name keeps the old one as an alias. */
  area(st, "KZ71", 1, "KZ", NULL, NULL, "en:Astana (city)|ru:Астана");
  area(st, "KZ33", 1, "KZ", "2022-06-08", NULL, "en:Zhetysu|kk:Жетісу");
  area(st, "KZ196000", 2, "KZ19", NULL, "2022-06-08", "en:Sarkand");
  area(st, "KZ334800", 2, "KZ33", "2022-06-08", NULL, "en:Sarkand");
  mtm_err_clear(&err);
  if (mtm_geo_open(st, &f->g, &err)) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  mtm_geo_close(f->g);
  mtm_store_close(f->st);
  char p[80];
  unlink(f->path);
  snprintf(p, sizeof p, "%s-wal", f->path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", f->path);
  unlink(p);
  free(f);
  return 0;
}

/* Resolves and returns "PCODE" or "?" or "P1,P2" (ambiguous), with how. */
static const char *find(fx *f, const char *text, int level, const char *at, const char *within,
                        int *by) {
  static char out[256];
  mtm_geo_match m;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_geo_find(f->g, text, level, at, within, &m, &err);
  assert_true(rc >= 0);
  assert_int_equal(rc, m.status);
  if (by) *by = m.by;
  if (rc == MTM_GEO_UNKNOWN) return "?";
  out[0] = 0;
  for (int i = 0; i < m.n; i++) {
    if (i) strcat(out, ",");
    strcat(out, m.c[i].pcode);
  }
  if (rc == MTM_GEO_FOUND) assert_int_equal(m.n, 1);
  else assert_true(m.n >= 2);
  return out;
}

static void resolves_pcodes_names_and_aliases(void **state) {
  fx *f = *state;
  int by;
  assert_string_equal(find(f, " kz35 ", -1, NULL, NULL, &by), "KZ35");
  assert_int_equal(by, MTM_GEO_BY_PCODE);
  assert_string_equal(find(f, "KARAGANDY", -1, NULL, NULL, &by), "KZ35");
  assert_int_equal(by, MTM_GEO_BY_NAME);
  assert_string_equal(find(f, "karaganda region", -1, NULL, NULL, &by), "KZ35");
  assert_int_equal(by, MTM_GEO_BY_NAME);
  /* Former name kept as an alias. */
  assert_string_equal(find(f, "Nur-Sultan", -1, NULL, NULL, &by), "KZ71");
  assert_int_equal(by, MTM_GEO_BY_BARE);
  assert_string_equal(find(f, "Нур Султан", -1, NULL, NULL, NULL), "KZ71");
  assert_string_equal(find(f, "Astana", -1, NULL, NULL, NULL), "KZ71");
  assert_string_equal(find(f, "Карагандинская область", -1, NULL, NULL, &by), "KZ35");
  assert_int_equal(by, MTM_GEO_BY_BARE);
}

static void exact_matches_win_over_skeletons(void **state) {
  fx *f = *state;
  int by;
  /* "Караганда" is the city's Russian name: exact, though the region's
   * skeleton is close. */
  assert_string_equal(find(f, "Караганда", -1, NULL, NULL, &by), "KZ351000");
  assert_int_equal(by, MTM_GEO_BY_NAME);
  /* With level 1 only the region is left, through the skeleton of its
   * alias "Karaganda Region". */
  assert_string_equal(find(f, "Караганда", 1, NULL, NULL, &by), "KZ35");
  assert_int_equal(by, MTM_GEO_BY_TRANSLIT);
  assert_string_equal(find(f, "Qaraghandy", 1, NULL, NULL, &by), "KZ35");
  assert_int_equal(by, MTM_GEO_BY_TRANSLIT);
}

static void ambiguous_and_unknown_are_never_guessed(void **state) {
  fx *f = *state;
  /* Қарағанды names both the region and its capital. */
  assert_string_equal(find(f, "Qaraghandy", -1, NULL, NULL, NULL), "KZ35,KZ351000");
  assert_string_equal(find(f, "Almaty", -1, NULL, NULL, NULL), "KZ19,KZ75");
  assert_string_equal(find(f, "Almaty", 1, NULL, NULL, NULL), "KZ19,KZ75");
  assert_string_equal(find(f, "Almaty oblysy", -1, NULL, NULL, NULL), "KZ19");
  assert_string_equal(find(f, "Almaty city", -1, NULL, NULL, NULL), "KZ75");
  assert_string_equal(find(f, "г. Алматы", -1, NULL, NULL, NULL), "KZ75");
  assert_string_equal(find(f, "Atlantis", -1, NULL, NULL, NULL), "?");
  assert_string_equal(find(f, "   ", -1, NULL, NULL, NULL), "?");
  assert_string_equal(find(f, "KZ35", 2, NULL, NULL, NULL), "?");
}

static void dates_and_places_narrow(void **state) {
  fx *f = *state;
  assert_string_equal(find(f, "Sarkand", -1, NULL, NULL, NULL), "KZ196000,KZ334800");
  assert_string_equal(find(f, "Sarkand", -1, "2021-09-01", NULL, NULL), "KZ196000");
  assert_string_equal(find(f, "Sarkand", -1, "2022-06-07", NULL, NULL), "KZ196000");
  assert_string_equal(find(f, "Sarkand", -1, "2022-06-08", NULL, NULL), "KZ334800");
  assert_string_equal(find(f, "Jetisu", -1, "2021-09-01", NULL, NULL), "?");
  assert_string_equal(find(f, "Jetisu", -1, "2023-01-01", NULL, NULL), "KZ33");
  assert_string_equal(find(f, "Sarkand", -1, NULL, "KZ33", NULL), "KZ334800");
  assert_string_equal(find(f, "Sarkand", -1, NULL, "kz19", NULL), "KZ196000");
  assert_string_equal(find(f, "Sarkand", -1, NULL, "KZ35", NULL), "?");
  mtm_geo_match m;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_geo_find(f->g, "Sarkand", -1, "June", NULL, &m, &err), MTM_EINVAL);
  assert_string_equal(err.msg, "'June' is not a date (use YYYY-MM-DD)");
}

static void one_shot_resolution_copies_its_answer(void **state) {
  fx *f = *state;
  mtm_geo_match m;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_geo_resolve(f->st, "Aqmola", -1, NULL, &m, &err), MTM_GEO_UNKNOWN);
  assert_int_equal(mtm_geo_resolve(f->st, "Nur-Sultan", -1, NULL, &m, &err), MTM_GEO_FOUND);
  assert_string_equal(m.c[0].pcode, "KZ71");
  assert_string_equal(m.c[0].name, "Astana (city)");
  assert_int_equal(m.c[0].level, 1);
  assert_int_equal(mtm_geo_count(f->g), 9);
}

static void renaming_keeps_the_former_name_as_alias(void **state) {
  fx *f = *state;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_area *ar;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_geo_list(f->st, 1, "2021-01-01", &a, &ar, &n, &err), 0);
  assert_int_equal(n, 4); /* KZ19 KZ35 KZ71 KZ75; not KZ33 */
  const mtm_area *ast = NULL;
  for (int i = 0; i < n; i++)
    if (strcmp(ar[i].pcode, "KZ71") == 0) ast = &ar[i];
  assert_non_null(ast);
  assert_string_equal(mtm_geo_area_name(ast, "en"), "Astana (city)");
  assert_string_equal(mtm_geo_area_name(ast, "ru"), "Астана");
  int aliases = 0;
  for (int i = 0; i < ast->nnames; i++)
    if (ast->names[i].is_alias) {
      aliases++;
      assert_true(strcmp(ast->names[i].name, "Nur-Sultan (city)") == 0 ||
                  strcmp(ast->names[i].name, "Нур-Султан") == 0);
    }
  assert_int_equal(aliases, 2);
  mtm_arena_free(&a);
}

/* A GeoJSON with a bad second feature stores nothing of the first. */
static void geojson_import_is_all_or_nothing(void **state) {
  fx *f = *state;
  const char *path = "tests/fixtures/geo/missing_pcode.geojson";
  mtm_geo_import_stats s;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_geo_import(f->st, path, NULL, &s, &err), MTM_EINVAL);
  char line[1024];
  mtm_err_format(&err, line, sizeof line);
  assert_string_equal(line, "tests/fixtures/geo/missing_pcode.geojson, column 'ADM1_PCODE': "
                            "feature 2: the P-code is empty");
  long counts[10];
  assert_int_equal(mtm_store_area_counts(f->st, counts, &err), 0);
  assert_int_equal(counts[1], 5); /* unchanged */
}

/* The real geokz 2024 regions from the shared data, read as OCHA style. */
static void imports_real_geokz_boundaries(void **state) {
  (void)state;
  const char *shared = getenv("MTM_SHARED");
  assert_non_null(shared);
  char path[512], db[64];
  snprintf(path, sizeof path, "%s/data/geo/kazakhstan/geokz_2024/kaz_admbnda_adm1_2024.geojson",
           shared);
  snprintf(db, sizeof db, "/tmp/mtm-geo-real-%d.db", (int)getpid());
  unlink(db);
  mtm_store *st;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_store_open(&st, db, 1, &err), 0);
  mtm_geo_import_stats s;
  assert_int_equal(mtm_geo_import(st, path, NULL, &s, &err), 0);
  assert_int_equal(s.kind, MTM_GEO_FILE_GEOJSON);
  assert_int_equal(s.areas, 21); /* KZ and 20 regions */
  assert_int_equal(s.added, 21);
  assert_int_equal(s.shapes, 20);
  mtm_arena a;
  mtm_arena_init(&a);
  char *shape;
  assert_int_equal(mtm_store_area_shape(st, "KZ33", &a, &shape, &err), 0);
  assert_memory_equal(shape, "{\"type\":", 8);
  mtm_geo_match m;
  assert_int_equal(mtm_geo_resolve(st, "Jetisu", 1, NULL, &m, &err), MTM_GEO_FOUND);
  assert_string_equal(m.c[0].pcode, "KZ33");
  assert_int_equal(mtm_geo_resolve(st, "Ұлытау облысы", -1, NULL, &m, &err), MTM_GEO_FOUND);
  assert_string_equal(m.c[0].pcode, "KZ62");
  mtm_arena_free(&a);
  mtm_store_close(st);
  unlink(db);
  char p[80];
  snprintf(p, sizeof p, "%s-wal", db);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", db);
  unlink(p);
}

static void country_names_by_code_and_language(void **state) {
  (void)state;
  assert_string_equal(mtm_geo_country_name("UZB", "en"), "Uzbekistan");
  assert_string_equal(mtm_geo_country_name("UZB", "ru"), "Узбекистан");
  assert_string_equal(mtm_geo_country_name("KGZ", "kk"), "Қырғызстан");
  assert_string_equal(mtm_geo_country_name("TUR", "ru"), "Турция");
  assert_string_equal(mtm_geo_country_name("KGZ", "ru"), "Кыргызстан");
  assert_string_equal(mtm_geo_country_name("AZE", "xx"), "Azerbaijan");
  assert_null(mtm_geo_country_name("XXX", "en"));
  assert_null(mtm_geo_country_name(NULL, "en"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(keys_fold_case_marks_and_spacing),
      cmocka_unit_test(skeletons_join_spellings_and_scripts),
      cmocka_unit_test_setup_teardown(resolves_pcodes_names_and_aliases, setup, teardown),
      cmocka_unit_test_setup_teardown(exact_matches_win_over_skeletons, setup, teardown),
      cmocka_unit_test_setup_teardown(ambiguous_and_unknown_are_never_guessed, setup, teardown),
      cmocka_unit_test_setup_teardown(dates_and_places_narrow, setup, teardown),
      cmocka_unit_test_setup_teardown(one_shot_resolution_copies_its_answer, setup, teardown),
      cmocka_unit_test_setup_teardown(renaming_keeps_the_former_name_as_alias, setup, teardown),
      cmocka_unit_test_setup_teardown(geojson_import_is_all_or_nothing, setup, teardown),
      cmocka_unit_test(imports_real_geokz_boundaries),
      cmocka_unit_test(country_names_by_code_and_language),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
