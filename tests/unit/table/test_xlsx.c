/* Unit tests of the XLSX reader: real forms from ../shared, a hand-made
 * workbook (inline strings, rich text, dates, booleans, errors, gaps, a
 * prefixed namespace, 1904 dates), a truncated archive and a missing sheet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <zip.h>

#include "unit/table/table_test.h"

#define SPEC "xlsforms/pyxform_examples/xlsform_spec_test.xlsx"
#define MSNA "xlsforms/reach_reconstructed_from_R_packages/reach_msna_template_form.xlsx"
#define HAND "tests/fixtures/table/handmade_xlsx"

/* Zips the hand-made parts into a temporary .xlsx; when part is given, its
 * content is replaced by text. Returns the path (tt_remove it). */
static char *zip_handmade(const char *part, const char *text) {
  static const char *parts[] = {"[Content_Types].xml",       "_rels/.rels",
                                "xl/workbook.xml",           "xl/_rels/workbook.xml.rels",
                                "xl/styles.xml",             "xl/worksheets/sheet1.xml",
                                "xl/worksheets/data.xml"};
  char *path = tt_write_temp("", 0, ".xlsx");
  int code;
  zip_t *z = zip_open(path, ZIP_TRUNCATE, &code);
  assert_non_null(z);
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    zip_source_t *src;
    if (part && !strcmp(part, parts[i]))
      src = zip_source_buffer(z, text, strlen(text), 0);
    else {
      char file[512];
      snprintf(file, sizeof file, "%s/%s", HAND, parts[i]);
      src = zip_source_file(z, file, 0, -1);
    }
    assert_non_null(src);
    assert_true(zip_file_add(z, parts[i], src, ZIP_FL_ENC_UTF_8) >= 0);
  }
  assert_int_equal(zip_close(z), 0);
  return path;
}

static mtm_table *open_ok(const char *path, const char *sheet) {
  mtm_table *t = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  if (mtm_table_open(&t, path, sheet, &err)) fail_msg("%s", tt_err(&err));
  assert_int_equal(mtm_table_format_of(t), MTM_TABLE_XLSX);
  return t;
}

static void spec_test_sheets_and_cells(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(tt_shared(SPEC), &a, &names, &n, &err), 0);
  assert_int_equal(n, 4);
  assert_string_equal(names[0], "survey");
  assert_string_equal(names[1], "choices");
  assert_string_equal(names[2], "settings");
  assert_string_equal(names[3], "columns");
  mtm_arena_free(&a);

  mtm_table *t = open_ok(tt_shared(SPEC), NULL);
  mtm_row r;
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(r.row, 1);
  assert_string_equal(r.cells[0].p, "type");
  assert_string_equal(r.cells[1].p, "name");
  assert_string_equal(r.cells[4].p, "label::english");
  assert_string_equal(r.cells[10].p, "required");
  assert_string_equal(tt_next(t, &err), "2:[select_one yes_no][skip_to_end][][][Skip to end]");
  assert_string_equal(
      tt_next(t, &err),
      "3:[begin group][everything][][][][][][][][][][][][not(selected(${skip_to_end}, 'yes'))]");
  /* A number stored as a number ("rows" = 12) comes back as "12". */
  assert_string_equal(tt_next(t, &err), "4:[text][my_name][12][][Enter your name]");
  mtm_table_close(t);

  /* Sheets are matched case-insensitively; a formula cell gives its value. */
  t = open_ok(tt_shared(SPEC), "SETTINGS");
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_string_equal(r.cells[0].p, "form_title");
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(r.row, 2);
  assert_string_equal(r.cells[0].p, "Spec test");
  assert_string_equal(r.cells[5].p, "FALSE");
  assert_string_equal(r.cells[7].p, "TRUE");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);

  t = open_ok(tt_shared(SPEC), "choices");
  assert_string_equal(tt_next(t, &err), "1:[list_name][name][label][image][label::chinese]");
  assert_string_equal(tt_next(t, &err), "2:[yes_no][yes][Yes][][是]");
  assert_string_equal(tt_next(t, &err), "3:[yes_no][no][No][][没有]");
  assert_string_equal(tt_next(t, &err), "4:[a_b][a][][a.jpg]");
  assert_string_equal(tt_next(t, &err), "5:[a_b][b][][b.jpg]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
}

static void reach_msna_skips_empty_rows(void **state) {
  (void)state;
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t = open_ok(tt_shared(MSNA), "survey");
  assert_string_equal(tt_next(t, &err),
                      "1:[Sector][HH Indicator][name][type][label::english][hint][constraint]"
                      "[relevant][repeat_count][calculation][appearance][required][parameters]");
  assert_string_equal(tt_next(t, &err),
                      "2:[metadata][][audit][audit][][][][][][][][][track-changes=true\n]");
  /* Row 3 is empty in the sheet and is skipped. */
  assert_string_equal(tt_next(t, &err), "4:[][][instance_name][calculate][][][][][][uuid()]");
  mtm_row r;
  int rows = 3, rc;
  while ((rc = mtm_table_next(t, &r, &err)) == 1) rows++;
  assert_int_equal(rc, 0);
  assert_int_equal(rows, 313); /* the last is row 334 */
  mtm_table_close(t);

  t = open_ok(tt_shared(MSNA), "choices");
  assert_string_equal(tt_next(t, &err), "1:[list_name][name][label::english]");
  assert_string_equal(tt_next(t, &err), "2:[admin1][admin1a][To be updated by country]");
  const char *last = NULL, *s;
  static char keep[256];
  while (strcmp(s = tt_next(t, &err), "END")) {
    snprintf(keep, sizeof keep, "%s", s);
    last = keep;
  }
  assert_string_equal(last, "330:[health_barriers][dont_know][Don't know]");
  mtm_table_close(t);
}

static void handmade_inline_strings_dates_and_types(void **state) {
  (void)state;
  char *path = zip_handmade(NULL, NULL);
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t = open_ok(path, "survey");
  /* Rich-text runs are joined, phonetic runs dropped, gaps are empty cells. */
  assert_string_equal(tt_next(t, &err), "1:[type][name][][label (en)]");
  /* 14 = date, custom yyyy-mm-dd hh:mm = date-time, 20 = h:mm, a quoted
   * " days" is not a date, [$-409]General is not a date. */
  assert_string_equal(tt_next(t, &err),
                      "2:[date][2024-03-15][2024-03-15T12:00:00][18:00:00][2.5][45366]");
  /* Row 3 has only empty cells; row 4 does not exist. */
  assert_string_equal(tt_next(t, &err),
                      "5:[TRUE][FALSE][#DIV/0!][ab][0.30000000000000004][0.001][][12]");
  assert_string_equal(tt_next(t, &err),
                      "6:[][line\rbreak & <tag> Қазақ][0][1.2345678901234568e+17]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);

  /* A sheet with a prefixed namespace, an absolute target, no r= on cells
   * or rows. */
  t = open_ok(path, "DATA");
  assert_string_equal(tt_next(t, &err), "1:[no refs][7]");
  assert_string_equal(tt_next(t, &err), "2:[][8]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
  tt_remove(path);
}

static void date1904_and_open_mem(void **state) {
  (void)state;
  char *path = zip_handmade(
      "xl/workbook.xml",
      "<?xml version=\"1.0\"?><workbook "
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
      "<workbookPr date1904=\"1\"/><sheets><sheet name=\"Survey\" sheetId=\"1\" r:id=\"rId1\"/>"
      "</sheets></workbook>");
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_buf_read_file(&b, path, &err), 0);
  mtm_table *t;
  assert_int_equal(mtm_table_open_mem(&t, b.p, b.n, MTM_TABLE_XLSX, "stored.xlsx", NULL, &err), 0);
  assert_string_equal(tt_next(t, &err), "1:[type][name][][label (en)]");
  assert_string_equal(tt_next(t, &err),
                      "2:[date][2028-03-16][2028-03-16T12:00:00][18:00:00][2.5][45366]");
  mtm_table_close(t);
  /* A missing sheet from memory names the sheets there are. */
  assert_int_equal(mtm_table_open_mem(&t, b.p, b.n, MTM_TABLE_XLSX, "stored.xlsx", "Data", &err),
                   MTM_ENOTFOUND);
  assert_string_equal(tt_err(&err),
                      "stored.xlsx: there is no sheet 'Data'; the workbook has 'Survey'");
  mtm_buf_free(&b);
  tt_remove(path);
}

static void truncated_xlsx_is_refused(void **state) {
  (void)state;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_buf_read_file(&b, tt_shared(SPEC), &err), 0);
  assert_true(b.n > 100000);
  char *path = tt_write_temp(b.p, 60000, ".xlsx");
  mtm_table *t = (mtm_table *)1;
  assert_int_equal(mtm_table_open(&t, path, NULL, &err), MTM_EINVAL);
  assert_null(t);
  char want[700];
  snprintf(want, sizeof want,
           "%s: not a valid XLSX workbook (the zip archive is damaged or truncated: Not a zip "
           "archive)",
           path);
  assert_string_equal(tt_err(&err), want);
  /* Listing its sheets fails the same way. */
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(path, &a, &names, &n, &err), MTM_EINVAL);
  assert_string_equal(tt_err(&err), want);
  mtm_arena_free(&a);
  /* And from memory. */
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_open_mem(&t, b.p, 60000, MTM_TABLE_XLSX, "form.xlsx", NULL, &err),
                   MTM_EINVAL);
  assert_string_equal(tt_err(&err),
                      "form.xlsx: not a valid XLSX workbook (the zip archive is damaged or "
                      "truncated: Not a zip archive)");
  tt_remove(path);
  mtm_buf_free(&b);
}

static void missing_sheet_names_the_sheets(void **state) {
  (void)state;
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t = (mtm_table *)1;
  assert_int_equal(mtm_table_open(&t, tt_shared(SPEC), "external_choices", &err), MTM_ENOTFOUND);
  assert_null(t);
  char want[700];
  snprintf(want, sizeof want,
           "%s: there is no sheet 'external_choices'; the workbook has 'survey', 'choices', "
           "'settings', 'columns'",
           tt_shared(SPEC));
  assert_string_equal(tt_err(&err), want);
}

static void damaged_sheet_xml_is_refused(void **state) {
  (void)state;
  char *path = zip_handmade("xl/worksheets/sheet1.xml",
                            "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>"
                            "<t>ok</t></is></c></row><row r=\"2\"><c r=\"A2\"><v>1</c>");
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t = open_ok(path, NULL);
  assert_string_equal(tt_next(t, &err), "1:[ok]");
  assert_string_equal(tt_next(t, &err), "ERR");
  char want[700];
  snprintf(want, sizeof want,
           "%s, sheet 'Survey': not a valid XLSX workbook (the sheet XML is damaged: mismatched "
           "tag at line 1)",
           path);
  assert_string_equal(tt_err(&err), want);
  mtm_table_close(t);
  tt_remove(path);
}

static void bad_shared_string_index_is_refused(void **state) {
  (void)state;
  char *path = zip_handmade("xl/worksheets/sheet1.xml",
                            "<worksheet><sheetData><row r=\"3\"><c r=\"C3\" t=\"s\"><v>5</v></c>"
                            "</row></sheetData></worksheet>");
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t = open_ok(path, NULL);
  assert_string_equal(tt_next(t, &err), "ERR");
  char want[700];
  snprintf(want, sizeof want,
           "%s, sheet 'Survey', row 3, column 'C': not a valid XLSX workbook (the cell refers "
           "to shared string '5', but there are only 0)",
           path);
  assert_string_equal(tt_err(&err), want);
  mtm_table_close(t);
  tt_remove(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(spec_test_sheets_and_cells),
      cmocka_unit_test(reach_msna_skips_empty_rows),
      cmocka_unit_test(handmade_inline_strings_dates_and_types),
      cmocka_unit_test(date1904_and_open_mem),
      cmocka_unit_test(truncated_xlsx_is_refused),
      cmocka_unit_test(missing_sheet_names_the_sheets),
      cmocka_unit_test(damaged_sheet_xml_is_refused),
      cmocka_unit_test(bad_shared_string_index_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
