/* Fuzzes the XLSX reader on whole files: the bytes are a workbook read from
 * memory (zip, then XML), its first sheet and its sheet "choices". */
#include "fuzz.h"

/* Opens sheet (NULL: the first) and reads it through. */
static void read_sheet(const uint8_t *data, size_t size, const char *sheet) {
  mtm_table *t = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_table_open_mem(&t, data, size, MTM_TABLE_XLSX, "fuzz.xlsx", sheet, &err);
  if (rc) {
    fuzz_check_err(&err, rc);
    if (t) fuzz_fail("a table handed back with an error");
    return;
  }
  fuzz_drain(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  read_sheet(data, size, NULL);
  read_sheet(data, size, "choices");
  return 0;
}
