/* Helpers shared by the libFuzzer harnesses of tests/fuzz/: the checks every
 * reader's output must pass, whatever the input. A broken promise aborts, so
 * the fuzzer reports it as a crash with the input that caused it. */
#ifndef MTM_FUZZ_H
#define MTM_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "table/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where checksums go, so that reading every byte is not optimised away. */
static volatile unsigned fuzz_sink;

/* Stops the run with a message: a promise of the API was broken. */
static inline void fuzz_fail(const char *what) {
  fprintf(stderr, "fuzz: broken promise: %s\n", what);
  abort();
}

/* Checks an error the API returned: the code is the one returned, a
 * negative MTM_E* value, and the message is a non-empty sentence that
 * formats without trouble. */
static inline void fuzz_check_err(const mtm_err *err, int rc) {
  if (rc >= 0 || rc < MTM_EUSAGE) fuzz_fail("return code is not a MTM_E* value");
  if (err->code != rc) fuzz_fail("err->code differs from the returned code");
  if (!err->msg[0]) fuzz_fail("an error without a message");
  if (!memchr(err->msg, 0, sizeof err->msg) || !memchr(err->file, 0, sizeof err->file) ||
      !memchr(err->sheet, 0, sizeof err->sheet) || !memchr(err->column, 0, sizeof err->column) ||
      !memchr(err->question, 0, sizeof err->question))
    fuzz_fail("an error field is not NUL-terminated");
  char out[2048];
  mtm_err_format(err, out, sizeof out);
}

/* Checks a row: every cell readable to its end, NUL-terminated and free of
 * other NULs, the text valid UTF-8 as the readers promise, row numbers
 * positive. Returns a
 * checksum so that the reads are not optimised away. */
static inline unsigned fuzz_check_row(const mtm_row *row) {
  unsigned sum = 0;
  if (row->n < 0) fuzz_fail("a negative cell count");
  if (row->row < 1) fuzz_fail("a row number below 1");
  for (int i = 0; i < row->n; i++) {
    const mtm_slice c = row->cells[i];
    if (!c.p) fuzz_fail("a cell with a NULL pointer");
    for (size_t k = 0; k < c.n; k++) sum += (unsigned char)c.p[k];
    if (c.p[c.n] != 0) fuzz_fail("a cell that is not NUL-terminated");
    if (strlen(c.p) != c.n) fuzz_fail("a cell holding a NUL byte (cut as a C string)");
    if (!mtm_utf8_valid(c.p, c.n, NULL)) fuzz_fail("a cell that is not valid UTF-8");
  }
  return sum;
}

/* Reads every row of an open table, checks each, checks that the end (or
 * the error) is final, and closes the table. */
static inline void fuzz_drain(mtm_table *t) {
  mtm_err err;
  mtm_err_clear(&err);
  mtm_row row;
  int rc;
  unsigned sum = 0;
  while ((rc = mtm_table_next(t, &row, &err)) == 1) sum += fuzz_check_row(&row);
  fuzz_sink = sum;
  if (rc < 0)
    fuzz_check_err(&err, rc);
  else if (mtm_table_next(t, &row, &err) != 0)
    fuzz_fail("a row after the end of the table");
  mtm_table_close(t);
}

#endif
