/* libFuzzer harness for the XLS reader: every input is opened as an .xls
 * from memory, and every worksheet it lists is read to the end. A crash, a
 * sanitizer report or a leak is a bug; an error return is fine.
 *
 *   make fuzz-xls                       build build/fuzz/fuzz_xls (clang)
 *   build/fuzz/fuzz_xls -max_total_time=300 build/fuzz/corpus
 *
 * The corpus is seeded with the .xls files of ../shared. */
#include <stddef.h>
#include <stdint.h>

#include "table/table_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every row of one sheet (NULL: the first) and closes it. */
static void read_sheet(const uint8_t *data, size_t size, const char *sheet) {
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t = NULL;
  if (mtm_table_open_mem(&t, data, size, MTM_TABLE_XLS, "fuzz.xls", sheet, &err)) return;
  mtm_row r;
  while (mtm_table_next(t, &r, &err) == 1)
    for (int i = 0; i < r.n; i++)
      if (r.cells[i].p[r.cells[i].n] != 0) __builtin_trap(); /* cells are C strings */
  mtm_table_close(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  read_sheet(data, size, NULL);
  /* The second and third sheets by name (the error lists the names). */
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t = NULL;
  if (mtm_table_open_mem(&t, data, size, MTM_TABLE_XLS, "fuzz.xls", "\x01", &err) == 0)
    mtm_table_close(t);
  read_sheet(data, size, "choices");
  read_sheet(data, size, "Zweite");
  return 0;
}
