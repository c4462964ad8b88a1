/* Unit tests of the XLS (FreeXL) and Markdown readers, of format sniffing
 * and of column letters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/table/table_test.h"

#define TUTORIAL "xlsforms/pyxform_examples/tutorial.xls"
#define GROUP_MD "xlsforms/pyxform_examples/group.md"
#define RU_KY_MD "xlsforms/pyxform_md_snippets/multi_language_russian_kyrgyz.md"

static void xls_tutorial_sheets_and_cells(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(tt_shared(TUTORIAL), &a, &names, &n, &err), 0);
  assert_int_equal(n, 2);
  assert_string_equal(names[0], "survey");
  assert_string_equal(names[1], "choices");
  mtm_arena_free(&a);

  mtm_table *t;
  assert_int_equal(mtm_table_open(&t, tt_shared(TUTORIAL), NULL, &err), 0);
  assert_int_equal(mtm_table_format_of(t), MTM_TABLE_XLS);
  assert_string_equal(tt_next(t, &err),
                      "1:[tutorial notes][type][name][label][bind:relevant][bind:constraint]");
  mtm_row r;
  for (int i = 0; i < 4; i++) assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(r.row, 5);
  assert_string_equal(tt_next(t, &err), "6:[][select one from yes_no][resident][Does (NAME) "
                                        "usually live here?]");
  int rc, last = 0;
  while ((rc = mtm_table_next(t, &r, &err)) == 1) last = (int)r.row;
  assert_int_equal(rc, 0);
  assert_int_equal(last, 13);
  mtm_table_close(t);

  /* Case-insensitive sheet; empty row 2 is skipped. */
  assert_int_equal(mtm_table_open(&t, tt_shared(TUTORIAL), "Choices", &err), 0);
  assert_string_equal(tt_next(t, &err), "1:[tutorial notes][list name][name][label]");
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(r.row, 3);
  assert_string_equal(r.cells[1].p, "relationships");
  assert_string_equal(r.cells[2].p, "head");
  assert_string_equal(r.cells[3].p, "Head");
  const char *s;
  static char keep[256];
  while (strcmp(s = tt_next(t, &err), "END")) snprintf(keep, sizeof keep, "%s", s);
  assert_string_equal(keep, "11:[][yes_no][no][No]");
  mtm_table_close(t);
}

static void xls_from_memory_and_missing_sheet(void **state) {
  (void)state;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_buf_read_file(&b, tt_shared(TUTORIAL), &err), 0);
  mtm_table *t;
  assert_int_equal(mtm_table_open_mem(&t, b.p, b.n, MTM_TABLE_XLS, "stored.xls", "choices", &err),
                   0);
  assert_string_equal(tt_next(t, &err), "1:[tutorial notes][list name][name][label]");
  mtm_table_close(t);
  assert_int_equal(mtm_table_open_mem(&t, b.p, b.n, MTM_TABLE_XLS, "stored.xls", "settings", &err),
                   MTM_ENOTFOUND);
  assert_string_equal(tt_err(&err),
                      "stored.xls: there is no sheet 'settings'; the workbook has 'survey', "
                      "'choices'");
  /* A truncated XLS is refused. */
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_open_mem(&t, b.p, 3000, MTM_TABLE_XLS, "cut.xls", NULL, &err),
                   MTM_EINVAL);
  assert_string_equal(tt_err(&err), "cut.xls: not a valid XLS workbook (the file is damaged or "
                                    "is not an Excel 97-2003 workbook)");
  mtm_buf_free(&b);
}

/* FreeXL 1.0.6 accepts koboloadeR's form.xls but returns no workbook; the
 * message says what to do. */
static void xls_freexl_limit_is_explained(void **state) {
  (void)state;
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t;
  const char *path = tt_shared("xlsforms/koboloadeR_unhcr/form.xls");
  assert_int_equal(mtm_table_open(&t, path, NULL, &err), MTM_EINVAL);
  char want[800];
  snprintf(want, sizeof want,
           "%s: cannot read this Excel 97-2003 workbook (the XLS reader, FreeXL, gives up on "
           "it); open it in Excel or LibreOffice and save it as .xlsx",
           path);
  assert_string_equal(tt_err(&err), want);
}

static void md_group_sheets_and_rows(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(tt_shared(GROUP_MD), &a, &names, &n, &err), 0);
  assert_int_equal(n, 1);
  assert_string_equal(names[0], "survey");
  mtm_arena_free(&a);

  mtm_table *t;
  assert_int_equal(mtm_table_open(&t, tt_shared(GROUP_MD), NULL, &err), 0);
  assert_int_equal(mtm_table_format_of(t), MTM_TABLE_MD);
  assert_string_equal(tt_next(t, &err), "2:[type][name][label:English (en)]");
  assert_string_equal(tt_next(t, &err), "3:[text][family_name][What's your family name?]");
  assert_string_equal(tt_next(t, &err), "4:[begin group][father][Father]");
  assert_string_equal(tt_next(t, &err),
                      "5:[phone number][phone_number][What's your father's phone number?]");
  assert_string_equal(tt_next(t, &err), "6:[integer][age][How old is your father?]");
  assert_string_equal(tt_next(t, &err), "7:[end group][][]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
}

static void md_two_sheets_unicode_and_missing(void **state) {
  (void)state;
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t;
  assert_int_equal(mtm_table_open(&t, tt_shared(RU_KY_MD), "CHOICES", &err), 0);
  assert_string_equal(tt_next(t, &err),
                      "5:[list name][name][label][label::Russian][label::Kyrgyz]");
  assert_string_equal(tt_next(t, &err), "6:[bt7nj36][0][No][Нет][Нет (ky)]");
  assert_string_equal(tt_next(t, &err), "7:[bt7nj36][1][Yes][Да][Да (ky)]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);

  /* The survey stops where the choices begin. */
  assert_int_equal(mtm_table_open(&t, tt_shared(RU_KY_MD), "survey", &err), 0);
  mtm_row r;
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(r.n, 8);
  assert_string_equal(r.cells[3].p, "label::Russian");
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_string_equal(r.cells[3].p, "Получили ли вы форму согласия от респондента?");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);

  assert_int_equal(mtm_table_open(&t, tt_shared(RU_KY_MD), "settings", &err), MTM_ENOTFOUND);
  char want[800];
  snprintf(want, sizeof want,
           "%s: there is no sheet 'settings'; the file has 'survey', 'choices'",
           tt_shared(RU_KY_MD));
  assert_string_equal(tt_err(&err), want);
}

static void md_from_memory_with_escapes(void **state) {
  (void)state;
  const char *text = "Some prose first.\n"
                     "| survey | type | name |\n"
                     "|        |      |      |\n"
                     "  |  | select_one a\\|b | q1 |  \r\n"
                     "| settings |\n"
                     "| | form_id |\n";
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t;
  assert_int_equal(mtm_table_open_mem(&t, text, strlen(text), MTM_TABLE_MD, "f.md", NULL, &err),
                   0);
  /* As in pyxform, cells on the title line belong to the sheet. */
  assert_string_equal(tt_next(t, &err), "2:[type][name]");
  assert_string_equal(tt_next(t, &err), "4:[select_one a|b][q1]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
  assert_int_equal(
      mtm_table_open_mem(&t, text, strlen(text), MTM_TABLE_MD, "f.md", "Settings", &err), 0);
  assert_string_equal(tt_next(t, &err), "6:[form_id]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
}

static void sniff_by_extension_and_content(void **state) {
  (void)state;
  mtm_table_format f;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sniff("x/FORM.XLSX", &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_XLSX);
  assert_int_equal(mtm_table_sniff("a.xlsm", &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_XLSX);
  assert_int_equal(mtm_table_sniff("a.xls", &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_XLS);
  assert_int_equal(mtm_table_sniff("a.tsv", &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_CSV);
  assert_int_equal(mtm_table_sniff("a.md", &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_MD);
  char *p = tt_write_temp("PK\x03\x04rest", 8, ".bin");
  assert_int_equal(mtm_table_sniff(p, &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_XLSX);
  tt_remove(p);
  p = tt_write_temp("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, ".dat");
  assert_int_equal(mtm_table_sniff(p, &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_XLS);
  tt_remove(p);
  p = tt_write_temp("\n  | survey |\n", 14, ".form");
  assert_int_equal(mtm_table_sniff(p, &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_MD);
  tt_remove(p);
  p = tt_write_temp("a;b\n", 4, ".export");
  assert_int_equal(mtm_table_sniff(p, &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_CSV);
  tt_remove(p);
  assert_int_equal(mtm_table_sniff("/nonexistent/file", &f, &err), MTM_ENOTFOUND);
  assert_string_equal(tt_err(&err),
                      "/nonexistent/file: cannot open the file (No such file or directory)");
}

static void column_letters(void **state) {
  (void)state;
  char c[8];
  mtm_table_column_name(0, c);
  assert_string_equal(c, "A");
  mtm_table_column_name(25, c);
  assert_string_equal(c, "Z");
  mtm_table_column_name(26, c);
  assert_string_equal(c, "AA");
  mtm_table_column_name(701, c);
  assert_string_equal(c, "ZZ");
  mtm_table_column_name(702, c);
  assert_string_equal(c, "AAA");
  mtm_table_column_name(16383, c);
  assert_string_equal(c, "XFD");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(xls_tutorial_sheets_and_cells),
      cmocka_unit_test(xls_from_memory_and_missing_sheet),
      cmocka_unit_test(xls_freexl_limit_is_explained),
      cmocka_unit_test(md_group_sheets_and_rows),
      cmocka_unit_test(md_two_sheets_unicode_and_missing),
      cmocka_unit_test(md_from_memory_with_escapes),
      cmocka_unit_test(sniff_by_extension_and_content),
      cmocka_unit_test(column_letters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
