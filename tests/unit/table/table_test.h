/* Helpers shared by the table unit tests: temporary files and reading every
 * row of a table into an easily checked form. */
#ifndef MTM_TABLE_TEST_H
#define MTM_TABLE_TEST_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "table/table.h"

/* Writes n bytes to a new temporary file whose name ends in suffix; returns
 * its path (static buffer per call site is not needed: caller frees). */
static char *tt_write_temp(const void *bytes, size_t n, const char *suffix) {
  char *path = malloc(128);
  snprintf(path, 128, "/tmp/mtm-table-test-XXXXXX%s", suffix);
  int fd = mkstemps(path, (int)strlen(suffix));
  if (fd < 0) abort();
  if (n && write(fd, bytes, n) != (ssize_t)n) abort();
  close(fd);
  return path;
}

/* Removes and frees a path made by tt_write_temp. */
static void tt_remove(char *path) {
  unlink(path);
  free(path);
}

/* The path of a shared data file, from MTM_SHARED (the test runner sets it). */
static const char *tt_shared(const char *rel) {
  static char buf[4][1024];
  static int k;
  const char *root = getenv("MTM_SHARED");
  char *out = buf[k++ % 4];
  snprintf(out, 1024, "%s/data/%s", root ? root : "../shared", rel);
  return out;
}

/* Reads the next row and returns its cells joined as "[a][b][]" with the row
 * number in front ("3:[a][b]"); "END" at the end, "ERR" on error. */
static const char *tt_next(mtm_table *t, mtm_err *err) {
  static char out[8192];
  mtm_row r;
  int rc = mtm_table_next(t, &r, err);
  if (rc == 0) return "END";
  if (rc < 0) return "ERR";
  size_t k = (size_t)snprintf(out, sizeof out, "%ld:", r.row);
  for (int i = 0; i < r.n && k < sizeof out; i++) {
    if (r.cells[i].p[r.cells[i].n] != 0) return "NOT NUL-TERMINATED";
    if (strlen(r.cells[i].p) != r.cells[i].n) return "EMBEDDED NUL";
    k += (size_t)snprintf(out + k, sizeof out - k, "[%s]", r.cells[i].p);
  }
  return out;
}

/* Formats an error as the user sees it (without the "mtm: " prefix). */
static const char *tt_err(const mtm_err *e) {
  static char out[2048];
  mtm_err_format(e, out, sizeof out);
  return out;
}

#endif
