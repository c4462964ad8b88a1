/* Fuzzes the CSV reader: the bytes are a CSV file read from memory, every
 * row checked (see fuzz.h). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mtm_table *t = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_table_open_mem(&t, data, size, MTM_TABLE_CSV, "fuzz.csv", NULL, &err);
  if (rc) {
    fuzz_check_err(&err, rc);
    if (t) fuzz_fail("a table handed back with an error");
    return 0;
  }
  char d = mtm_table_delimiter(t);
  if (d != ',' && d != ';' && d != '\t') fuzz_fail("an unexpected delimiter");
  fuzz_drain(t);
  return 0;
}
