/* Times the table module's CSV reader alone: reads every row of a file and
 * prints rows, cells, bytes and MB/s. Not a test; build and run with
 *   make && cc -O2 -Isrc -D_POSIX_C_SOURCE=200809L bench/table_csv.c build/libmtm.a \
 *     $(pkg-config --libs sqlite3 libzip expat jansson libutf8proc libsodium \
 *     xlsxwriter) -lm -o build/table_csv && build/table_csv FILE.csv
 */
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "table/table.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: table_csv FILE\n");
    return 2;
  }
  struct stat sb;
  if (stat(argv[1], &sb)) {
    perror(argv[1]);
    return 2;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t;
  if (mtm_table_open(&t, argv[1], NULL, &err)) {
    mtm_err_print(&err, stderr);
    return 2;
  }
  mtm_row r;
  long rows = 0, cells = 0;
  size_t sum = 0;
  int rc;
  while ((rc = mtm_table_next(t, &r, &err)) == 1) {
    rows++;
    cells += r.n;
    for (int i = 0; i < r.n; i++) sum += r.cells[i].n;
  }
  mtm_table_close(t);
  if (rc < 0) {
    mtm_err_print(&err, stderr);
    return 2;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%ld rows, %ld cells, %zu value bytes, %.1f MB in %.3f s: %.0f MB/s\n", rows, cells,
         sum, (double)sb.st_size / 1e6, s, (double)sb.st_size / 1e6 / s);
  return 0;
}
