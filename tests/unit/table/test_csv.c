/* Unit tests of the CSV reader: delimiters, BOM, CRLF, quoting, row
 * numbers, blocks that split records, and the exact error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/table/table_test.h"

/* Opens text as a CSV file on disk. */
static mtm_table *open_text(const char *text, char **path) {
  *path = tt_write_temp(text, strlen(text), ".csv");
  mtm_table *t = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_open(&t, *path, NULL, &err), 0);
  assert_int_equal(mtm_table_format_of(t), MTM_TABLE_CSV);
  return t;
}

static void comma_is_the_default(void **state) {
  (void)state;
  char *path;
  mtm_err err;
  mtm_table *t = open_text("a,b,c\n1,,3\nx,y\n", &path);
  assert_int_equal(mtm_table_delimiter(t), ',');
  assert_string_equal(tt_next(t, &err), "1:[a][b][c]");
  assert_string_equal(tt_next(t, &err), "2:[1][][3]");
  assert_string_equal(tt_next(t, &err), "3:[x][y]");
  assert_string_equal(tt_next(t, &err), "END");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
  tt_remove(path);
}

static void semicolon_is_sniffed_outside_quotes(void **state) {
  (void)state;
  char *path;
  mtm_err err;
  /* Three commas inside quotes, two semicolons outside: ';' wins. */
  mtm_table *t = open_text("\"name, full\";\"a,b,\";age\nAli;one, two;30\n", &path);
  assert_int_equal(mtm_table_delimiter(t), ';');
  assert_string_equal(tt_next(t, &err), "1:[name, full][a,b,][age]");
  assert_string_equal(tt_next(t, &err), "2:[Ali][one, two][30]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
  tt_remove(path);
}

static void tab_is_sniffed(void **state) {
  (void)state;
  char *path;
  mtm_err err;
  mtm_table *t = open_text("id\tcomment\n1\tsemi; colon, comma\n", &path);
  assert_int_equal(mtm_table_delimiter(t), '\t');
  assert_string_equal(tt_next(t, &err), "1:[id][comment]");
  assert_string_equal(tt_next(t, &err), "2:[1][semi; colon, comma]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
  tt_remove(path);
}

static void bom_and_crlf_and_blank_lines(void **state) {
  (void)state;
  char *path;
  mtm_err err;
  mtm_table *t = open_text("\xEF\xBB\xBFid,name\r\n1,Aya\r\n\r\n2,\"Bo\"\r\n3,last", &path);
  assert_string_equal(tt_next(t, &err), "1:[id][name]");
  assert_string_equal(tt_next(t, &err), "2:[1][Aya]");
  mtm_row r;
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(r.row, 3);
  assert_int_equal(r.n, 0);
  assert_string_equal(tt_next(t, &err), "4:[2][Bo]");
  assert_string_equal(tt_next(t, &err), "5:[3][last]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
  tt_remove(path);
}

static void quotes_hold_newlines_delimiters_and_doubled_quotes(void **state) {
  (void)state;
  char *path;
  mtm_err err;
  mtm_table *t = open_text("id,comment,x\r\n"
                           "1,\"line one\r\nline \"\"two\"\"\",y\n"
                           "2,\"a,b\",\n"
                           "3,\"\",\"\"\"\"\n"
                           "4,\"multi\n\nline\",\"tail\"",
                           &path);
  assert_string_equal(tt_next(t, &err), "1:[id][comment][x]");
  assert_string_equal(tt_next(t, &err), "2:[1][line one\r\nline \"two\"][y]");
  assert_string_equal(tt_next(t, &err), "4:[2][a,b][]");
  assert_string_equal(tt_next(t, &err), "5:[3][][\"]");
  assert_string_equal(tt_next(t, &err), "6:[4][multi\n\nline][tail]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
  tt_remove(path);
}

static void unterminated_quote_names_row_and_column(void **state) {
  (void)state;
  char *path;
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t = open_text("id,name,comment\n1,a,ok\n2,b,\"never\nclosed\n3,c,d\n", &path);
  assert_string_equal(tt_next(t, &err), "1:[id][name][comment]");
  assert_string_equal(tt_next(t, &err), "2:[1][a][ok]");
  assert_string_equal(tt_next(t, &err), "ERR");
  assert_int_equal(err.code, MTM_EINVAL);
  assert_string_equal(err.msg,
                      "the quoted field that starts on row 3 in column 'comment' is never closed");
  char want[600];
  snprintf(want, sizeof want,
           "%s: the quoted field that starts on row 3 in column 'comment' is never closed", path);
  assert_string_equal(tt_err(&err), want);
  mtm_table_close(t);
  tt_remove(path);
}

static void unterminated_quote_in_header_uses_letter(void **state) {
  (void)state;
  mtm_table *t;
  mtm_err err;
  mtm_err_clear(&err);
  const char *text = "a,b,\"c\n";
  assert_int_equal(mtm_table_open_mem(&t, text, strlen(text), MTM_TABLE_CSV, "x.csv", NULL, &err),
                   0);
  assert_string_equal(tt_next(t, &err), "ERR");
  assert_string_equal(tt_err(&err),
                      "x.csv: the quoted field that starts on row 1 in column 'C' is never closed");
  mtm_table_close(t);
}

static void bad_utf8_names_row_column_and_character(void **state) {
  (void)state;
  char *path;
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t = open_text("id,name\n1,ok\n2,Ab\xC3\xA9\x63\xFF\x64\n", &path);
  assert_string_equal(tt_next(t, &err), "1:[id][name]");
  assert_string_equal(tt_next(t, &err), "2:[1][ok]");
  assert_string_equal(tt_next(t, &err), "ERR");
  assert_int_equal(err.code, MTM_EINVAL);
  assert_int_equal(err.row, 3);
  assert_string_equal(err.column, "name");
  char want[600];
  snprintf(want, sizeof want,
           "%s, row 3, column 'name': the text is not valid UTF-8 (byte 0xFF at character 5); "
           "save the file as UTF-8",
           path);
  assert_string_equal(tt_err(&err), want);
  mtm_table_close(t);
  tt_remove(path);
}

static void latin1_in_quoted_field_is_caught(void **state) {
  (void)state;
  mtm_table *t;
  mtm_err err;
  mtm_err_clear(&err);
  const char *text = "id;ville\n1;\"Gen\xE8ve \"\"GE\"\"\"\n";
  assert_int_equal(mtm_table_open_mem(&t, text, strlen(text), MTM_TABLE_CSV, "m.csv", NULL, &err),
                   0);
  assert_string_equal(tt_next(t, &err), "1:[id][ville]");
  assert_string_equal(tt_next(t, &err), "ERR");
  assert_string_equal(tt_err(&err),
                      "m.csv, row 2, column 'ville': the text is not valid UTF-8 (byte 0xE8 at "
                      "character 4); save the file as UTF-8");
  mtm_table_close(t);
}

static void empty_file_is_refused(void **state) {
  (void)state;
  mtm_err err;
  mtm_err_clear(&err);
  char *path = tt_write_temp("", 0, ".csv");
  mtm_table *t = (mtm_table *)1;
  assert_int_equal(mtm_table_open(&t, path, NULL, &err), MTM_EINVAL);
  assert_null(t);
  char want[600];
  snprintf(want, sizeof want, "%s: the file is empty", path);
  assert_string_equal(tt_err(&err), want);
  tt_remove(path);
  /* A BOM alone is empty too. */
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_open_mem(&t, "\xEF\xBB\xBF", 3, MTM_TABLE_CSV, "b.csv", NULL, &err),
                   MTM_EINVAL);
  assert_string_equal(tt_err(&err), "b.csv: the file is empty");
}

/* Many records, some with quoted newlines and doubled quotes, so that
 * records straddle the 1 MiB blocks; every value and row number must hold. */
static void records_across_block_boundaries(void **state) {
  (void)state;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_adds(&b, "n,text,more\n");
  const int N = 100000;
  for (int i = 0; i < N; i++) {
    if (i % 3 == 0)
      mtm_buf_printf(&b, "%d,\"q\"\"%d\"\"\nsecond line %d\",%d\r\n", i, i, i,
                     i * 7);
    else
      mtm_buf_printf(&b, "%d,plain value number %d with padding,%d\n", i, i, i * 7);
  }
  assert_true(b.n > 4u << 20);
  char *path = tt_write_temp(b.p, b.n, ".csv");
  for (int pass = 0; pass < 2; pass++) {
    mtm_table *t;
    mtm_err err;
    mtm_err_clear(&err);
    if (pass == 0)
      assert_int_equal(mtm_table_open(&t, path, NULL, &err), 0);
    else
      assert_int_equal(mtm_table_open_mem(&t, b.p, b.n, MTM_TABLE_CSV, "mem.csv", NULL, &err),
                       0);
    assert_string_equal(tt_next(t, &err), "1:[n][text][more]");
    long line = 2;
    char want[256];
    for (int i = 0; i < N; i++) {
      if (i % 3 == 0) {
        snprintf(want, sizeof want, "%ld:[%d][q\"%d\"\nsecond line %d][%d]", line, i, i, i,
                 i * 7);
        line += 2;
      } else {
        snprintf(want, sizeof want, "%ld:[%d][plain value number %d with padding][%d]", line,
                 i, i, i * 7);
        line += 1;
      }
      const char *got = tt_next(t, &err);
      if (strcmp(got, want)) fail_msg("record %d: got '%s', want '%s'", i, got, want);
    }
    assert_string_equal(tt_next(t, &err), "END");
    mtm_table_close(t);
  }
  tt_remove(path);
  mtm_buf_free(&b);
}

/* A single record larger than the first buffer still reads whole. */
static void huge_quoted_field(void **state) {
  (void)state;
  size_t big = (3u << 20) + 17;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_adds(&b, "a,b\n1,\"");
  for (size_t i = 0; i < big; i++) mtm_buf_addc(&b, (char)('a' + i % 26));
  mtm_buf_adds(&b, "\"\n2,x\n");
  mtm_table *t;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_open_mem(&t, b.p, b.n, MTM_TABLE_CSV, "h.csv", NULL, &err), 0);
  mtm_row r;
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(r.row, 2);
  assert_int_equal(r.n, 2);
  assert_int_equal(r.cells[1].n, big);
  assert_int_equal(r.cells[1].p[big - 1], 'a' + (big - 1) % 26);
  assert_string_equal(tt_next(t, &err), "3:[2][x]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
  mtm_buf_free(&b);
}

/* A real KoBo export (koboloadeR): every field quoted, "." group paths. */
static void kobo_export_reads_whole(void **state) {
  (void)state;
  mtm_table *t;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(
      mtm_table_open(&t, tt_shared("kobo_exports/koboloadeR_unhcr/MainDataFrame.csv"), NULL, &err),
      0);
  mtm_row r;
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  int ncols = r.n;
  assert_string_equal(r.cells[0].p, "instanceID");
  assert_string_equal(r.cells[6].p, "CaseReachable.reachable");
  long rows = 0;
  int rc;
  while ((rc = mtm_table_next(t, &r, &err)) == 1) {
    rows++;
    assert_int_equal(r.n, ncols);
  }
  assert_int_equal(rc, 0);
  assert_int_equal(rows, 381);
  mtm_table_close(t);
}

static void sheets_of_csv_is_the_stem(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(tt_shared("xlsforms/pyxform_examples/group.csv"), &a, &names,
                                    &n, &err),
                   0);
  assert_int_equal(n, 1);
  assert_string_equal(names[0], "group");
  assert_int_equal(mtm_table_sheets("/nonexistent/x.csv", &a, &names, &n, &err), MTM_ENOTFOUND);
  assert_string_equal(tt_err(&err),
                      "/nonexistent/x.csv: cannot open the file (No such file or directory)");
  mtm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(comma_is_the_default),
      cmocka_unit_test(semicolon_is_sniffed_outside_quotes),
      cmocka_unit_test(tab_is_sniffed),
      cmocka_unit_test(bom_and_crlf_and_blank_lines),
      cmocka_unit_test(quotes_hold_newlines_delimiters_and_doubled_quotes),
      cmocka_unit_test(unterminated_quote_names_row_and_column),
      cmocka_unit_test(unterminated_quote_in_header_uses_letter),
      cmocka_unit_test(bad_utf8_names_row_column_and_character),
      cmocka_unit_test(latin1_in_quoted_field_is_caught),
      cmocka_unit_test(empty_file_is_refused),
      cmocka_unit_test(records_across_block_boundaries),
      cmocka_unit_test(huge_quoted_field),
      cmocka_unit_test(kobo_export_reads_whole),
      cmocka_unit_test(sheets_of_csv_is_the_stem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
