/* Regression tests for what fuzzing the XLSX reader found (tests/fuzz/
 * fuzz_xlsx.c and fuzz_xlsx_parts.c): each feeds the minimised sheet, zipped
 * in memory around a plain workbook, and checks the exact result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <zip.h>

#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "table/table.h"

static const char workbook[] =
    "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"survey\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId3\" Type=\"x/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/><Relationship Id=\"rId4\" Type=\"x/styles\" "
    "Target=\"styles.xml\"/></Relationships>";

/* Zips the sheet (and the shared strings and styles when not NULL) in memory
 * with the plain workbook; returns the bytes (free them) and their number. */
static void *zip_parts(const char *sheet, const char *sst, const char *styles, size_t *len) {
  const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                         "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"};
  const char *texts[] = {workbook, rels, sheet, sst, styles};
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
  assert_non_null(src);
  zip_source_keep(src);
  zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
  assert_non_null(z);
  for (int i = 0; i < 5; i++) {
    if (!texts[i]) continue;
    zip_source_t *s = zip_source_buffer(z, texts[i], strlen(texts[i]), 0);
    assert_non_null(s);
    assert_true(zip_file_add(z, names[i], s, ZIP_FL_ENC_UTF_8) >= 0);
  }
  assert_int_equal(zip_close(z), 0);
  assert_int_equal(zip_source_open(src), 0);
  zip_source_seek(src, 0, SEEK_END);
  zip_int64_t n = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  void *bytes = malloc((size_t)n);
  assert_int_equal(zip_source_read(src, bytes, (zip_uint64_t)n), n);
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&ze);
  *len = (size_t)n;
  return bytes;
}

/* Appends the next row as "3:[a][b]" to out at *k; returns 1 for a row, 0
 * at the end, -1 on error. */
static int add_row(mtm_table *t, mtm_err *err, char *out, size_t n, size_t *k) {
  mtm_row r;
  int rc = mtm_table_next(t, &r, err);
  if (rc <= 0) return rc;
  *k += (size_t)snprintf(out + *k, n - *k, "%ld:", r.row);
  for (int i = 0; i < r.n && *k < n; i++)
    *k += (size_t)snprintf(out + *k, n - *k, "[%s]", r.cells[i].p);
  return 1;
}

/* Reads the whole first sheet of the zipped parts: its rows ("3:[a][b]")
 * joined by spaces, then "ERR <message>" or "END". */
static const char *read_all(const char *sheet, const char *sst, const char *styles) {
  static char out[4096];
  size_t len;
  void *bytes = zip_parts(sheet, sst, styles, &len);
  mtm_table *t = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  if (mtm_table_open_mem(&t, bytes, len, MTM_TABLE_XLSX, "fuzz.xlsx", NULL, &err)) {
    char msg[2048];
    mtm_err_format(&err, msg, sizeof msg);
    snprintf(out, sizeof out, "OPEN %s", msg);
    free(bytes);
    return out;
  }
  size_t k = 0;
  out[0] = 0;
  int rc;
  while ((rc = add_row(t, &err, out, sizeof out, &k)) == 1 && k < sizeof out)
    k += (size_t)snprintf(out + k, sizeof out - k, " ");
  if (k < sizeof out) {
    char msg[2048];
    mtm_err_format(&err, msg, sizeof msg);
    if (rc < 0)
      snprintf(out + k, sizeof out - k, "ERR %s", msg);
    else
      snprintf(out + k, sizeof out - k, "END");
  }
  mtm_table_close(t);
  free(bytes);
  return out;
}

/* A row numbered 0 (or signed, or beyond Excel's last row) was handed out
 * with row 0, which messages take for "no row". */
static void row_number_out_of_range_is_refused(void **state) {
  (void)state;
  assert_string_equal(
      read_all("<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>a</t></is></c></row>"
               "<row r=\"0\"><c t=\"inlineStr\"><is><t>b</t></is></c></row></sheetData></worksheet>",
               NULL, NULL),
      "1:[a] ERR fuzz.xlsx, sheet 'survey': not a valid XLSX workbook (the row number '0' is "
      "not a whole number from 1 to 1048576)");
  assert_string_equal(
      read_all("<worksheet><sheetData><row r=\"-3\"><c><v>1</v></c></row></sheetData></worksheet>",
               NULL, NULL),
      "ERR fuzz.xlsx, sheet 'survey': not a valid XLSX workbook (the row number '-3' is not a "
      "whole number from 1 to 1048576)");
  assert_string_equal(
      read_all("<worksheet><sheetData><row r=\"1048577\"><c><v>1</v></c></row></sheetData>"
               "</worksheet>",
               NULL, NULL),
      "ERR fuzz.xlsx, sheet 'survey': not a valid XLSX workbook (the row number '1048577' is "
      "not a whole number from 1 to 1048576)");
  /* The last row Excel has is fine. */
  assert_string_equal(
      read_all("<worksheet><sheetData><row r=\"1048576\"><c><v>1</v></c></row></sheetData>"
               "</worksheet>",
               NULL, NULL),
      "1048576:[1] END");
}

/* A cell reference with a bad row part ("B2x", "A-5") was read with atol,
 * which took "A-5" for row -5. */
static void cell_reference_with_bad_row_is_refused(void **state) {
  (void)state;
  assert_string_equal(
      read_all("<worksheet><sheetData><row r=\"2\"><c r=\"B2x\"><v>1</v></c></row></sheetData>"
               "</worksheet>",
               NULL, NULL),
      "ERR fuzz.xlsx, sheet 'survey', row 2: not a valid XLSX workbook (the cell reference "
      "'B2x' is not a column and row)");
  assert_string_equal(
      read_all("<worksheet><sheetData><row r=\"2\"><c r=\"A-5\"><v>1</v></c></row></sheetData>"
               "</worksheet>",
               NULL, NULL),
      "ERR fuzz.xlsx, sheet 'survey', row 2: not a valid XLSX workbook (the cell reference "
      "'A-5' is not a column and row)");
  /* Without a row part the cell stays in its row. */
  assert_string_equal(
      read_all("<worksheet><sheetData><row r=\"4\"><c r=\"B\"><v>1</v></c></row></sheetData>"
               "</worksheet>",
               NULL, NULL),
      "4:[][1] END");
}

/* A cell outside any <row> was collected and then silently dropped. */
static void cell_outside_a_row_is_refused(void **state) {
  (void)state;
  assert_string_equal(
      read_all("<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></row><c r=\"C7\"><v>2</v></c>"
               "</sheetData></worksheet>",
               NULL, NULL),
      "1:[1] ERR fuzz.xlsx, sheet 'survey', row 7: not a valid XLSX workbook (the cell 'C7' is "
      "outside any row)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(row_number_out_of_range_is_refused),
      cmocka_unit_test(cell_reference_with_bad_row_is_refused),
      cmocka_unit_test(cell_outside_a_row_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
