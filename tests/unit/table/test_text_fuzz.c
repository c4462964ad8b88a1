/* Regression tests for what fuzzing the CSV and Markdown readers found
 * (tests/fuzz/fuzz_csv.c, fuzz_md.c): each reads the minimised input from
 * memory and checks the exact rows or error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "table/table.h"

/* Reads all of bytes[0..n) in format fmt (first sheet): the rows as
 * "3:[a][b]" joined by spaces, then "END" or "ERR <message>". */
static const char *read_all(const char *bytes, size_t n, mtm_table_format fmt,
                            const char *name) {
  static char out[4096];
  char msg[2048];
  mtm_table *t = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  if (mtm_table_open_mem(&t, bytes, n, fmt, name, NULL, &err)) {
    mtm_err_format(&err, msg, sizeof msg);
    snprintf(out, sizeof out, "OPEN %s", msg);
    return out;
  }
  size_t k = 0;
  out[0] = 0;
  mtm_row r;
  int rc;
  while ((rc = mtm_table_next(t, &r, &err)) == 1 && k < sizeof out) {
    k += (size_t)snprintf(out + k, sizeof out - k, "%ld:", r.row);
    for (int i = 0; i < r.n && k < sizeof out; i++)
      k += (size_t)snprintf(out + k, sizeof out - k, "[%s]", r.cells[i].p);
    if (k < sizeof out) k += (size_t)snprintf(out + k, sizeof out - k, " ");
  }
  mtm_err_format(&err, msg, sizeof msg);
  if (k < sizeof out) snprintf(out + k, sizeof out - k, rc < 0 ? "ERR %s" : "END", msg);
  mtm_table_close(t);
  return out;
}

/* A NUL byte was handed out inside a cell, which every user of the cell
 * reads as a C string and so cut short ("a\0b" became "a"). */
static void nul_byte_in_csv_is_refused(void **state) {
  (void)state;
  static const char csv[] = "id,name\n1,a\0b\n";
  assert_string_equal(read_all(csv, sizeof csv - 1, MTM_TABLE_CSV, "f.csv"),
                      "1:[id][name] ERR f.csv, row 2, column 'name': the text holds a NUL byte "
                      "at character 2, which text never does; the file may be UTF-16: save it "
                      "as UTF-8");
  /* UTF-16 without a byte order mark: NULs from the first cell on. */
  static const char utf16[] = "i\0d\0,\0n\0\n\0";
  assert_string_equal(read_all(utf16, sizeof utf16 - 1, MTM_TABLE_CSV, "f.csv"),
                      "ERR f.csv, row 1, column 'A': the text holds a NUL byte at character 2, "
                      "which text never does; the file may be UTF-16: save it as UTF-8");
  /* Quoted too. */
  static const char quoted[] = "a\n\"x\0\"\n";
  assert_string_equal(read_all(quoted, sizeof quoted - 1, MTM_TABLE_CSV, "f.csv"),
                      "1:[a] ERR f.csv, row 2, column 'a': the text holds a NUL byte at "
                      "character 2, which text never does; the file may be UTF-16: save it as "
                      "UTF-8");
}

/* A '\r' ending the input right after a quoted field was left unread and
 * came back as an extra blank row (the minimised input ends "\"1\"1\r\r"). */
static void carriage_return_after_last_quoted_field(void **state) {
  (void)state;
  static const char found[] = "en,t,\"y\"\r\n]20n,\"gE\"\r\n\",\"\r\n\"1\"1\r\r";
  assert_string_equal(read_all(found, sizeof found - 1, MTM_TABLE_CSV, "f.csv"),
                      "1:[en][t][y] 2:[]20n][gE] 3:[,] 4:[11\r] END");
  static const char cr[] = "a\n\"x\"\r";
  assert_string_equal(read_all(cr, sizeof cr - 1, MTM_TABLE_CSV, "f.csv"), "1:[a] 2:[x] END");
  static const char crlf[] = "a\n\"x\"\r\n";
  assert_string_equal(read_all(crlf, sizeof crlf - 1, MTM_TABLE_CSV, "f.csv"), "1:[a] 2:[x] END");
}

static void nul_byte_in_markdown_is_refused(void **state) {
  (void)state;
  static const char md[] = "| survey |\n|  | type | name |\n|  | text | a\0b |\n";
  assert_string_equal(read_all(md, sizeof md - 1, MTM_TABLE_MD, "f.md"),
                      "2:[type][name] ERR f.md, sheet 'survey', row 3, column 'B': the text "
                      "holds a NUL byte at character 2, which text never does; the file may be "
                      "UTF-16: save it as UTF-8");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(nul_byte_in_csv_is_refused),
      cmocka_unit_test(carriage_return_after_last_quoted_field),
      cmocka_unit_test(nul_byte_in_markdown_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
