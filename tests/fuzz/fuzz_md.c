/* Fuzzes the Markdown (pyxform) reader: the bytes are a Markdown form read
 * from memory, first sheet and then the sheet named "choices". */
#include "fuzz.h"

/* Opens sheet (NULL: the first) and reads it through. */
static void read_sheet(const uint8_t *data, size_t size, const char *sheet) {
  mtm_table *t = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_table_open_mem(&t, data, size, MTM_TABLE_MD, "fuzz.md", sheet, &err);
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
