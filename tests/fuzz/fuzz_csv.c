/* Fuzzes the CSV reader: the bytes are a CSV file read from memory, every
 * row checked (see fuzz.h) and compared with a plain reference parse of the
 * same bytes, so that the reader's resumable scan over its sliding buffer
 * (tiny blocks in the fuzz build) gives exactly what a one-pass reading of
 * RFC 4180, as table.h describes it, gives. */
#include "fuzz.h"

/* The reference: the next record of s[*pos..n) split at delim into cells
 * written NUL-separated into out (*k cells); the physical line it starts on
 * comes from *line, which it advances. Returns 1 for a record, 0 at the end,
 * -1 for a quoted field never closed. */
static int ref_next(const char *s, size_t n, size_t *pos, long *line, char delim, char *out,
                    size_t *cells, size_t *lens) {
  size_t i = *pos, w = 0, k = 0;
  if (i >= n) return 0;
  for (;;) { /* one field */
    size_t start = w;
    if (i < n && s[i] == '"') {
      i++;
      for (;;) {
        if (i >= n) return -1;
        if (s[i] == '"') {
          if (i + 1 < n && s[i + 1] == '"') {
            out[w++] = '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (s[i] == '\n') ++*line;
        out[w++] = s[i++];
      }
      /* Text after the closing quote is kept; "\r\n" ends the record, a
       * '\r' at the very end is dropped. */
      while (i < n && s[i] != delim && s[i] != '\n') {
        if (s[i] == '\r' && (i + 1 == n || s[i + 1] == '\n')) {
          i++;
          continue;
        }
        out[w++] = s[i++];
      }
    } else {
      while (i < n && s[i] != delim && s[i] != '\n') out[w++] = s[i++];
      if (w > start && out[w - 1] == '\r' && (i == n || s[i] == '\n')) w--;
    }
    lens[k++] = w - start;
    out[w++] = 0;
    if (i >= n) break;
    if (s[i] == '\n') {
      i++;
      break;
    }
    i++; /* the delimiter */
  }
  ++*line;
  *pos = i;
  *cells = k;
  return 1;
}

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
  const char *s = (const char *)data;
  size_t pos = size >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
  long line = 1;
  char *out = malloc(size + 1);
  size_t *lens = malloc((size + 1) * sizeof *lens);
  mtm_row row;
  unsigned sum = 0;
  for (;;) {
    long start = line;
    size_t k = 0;
    int want = ref_next(s, size, &pos, &line, d, out, &k, lens);
    rc = mtm_table_next(t, &row, &err);
    if (rc < 0) {
      fuzz_check_err(&err, rc);
      /* Only bad text (UTF-8, NUL) or an unclosed quote may stop the read. */
      if (want == 1) {
        int bad = 0;
        for (size_t i = 0, off = 0; i < k; off += lens[i++] + 1)
          if (!mtm_utf8_valid(out + off, lens[i], NULL) || memchr(out + off, 0, lens[i]))
            bad = 1;
        if (!bad) fuzz_fail("an error on a record the reference reads");
      }
      break;
    }
    if (want == -1) fuzz_fail("the reader accepted a quote that is never closed");
    if (rc == 0) {
      if (want != 0) fuzz_fail("the reader ended before the reference");
      if (mtm_table_next(t, &row, &err) != 0) fuzz_fail("a row after the end of the table");
      break;
    }
    if (want == 0) fuzz_fail("the reader gave a row after the reference ended");
    sum += fuzz_check_row(&row);
    if (row.row != start) fuzz_fail("a row number that differs from the reference");
    /* A line holding nothing is a row without cells (one empty cell when
     * it holds "", which the reference does not tell apart). */
    int blank = k == 1 && lens[0] == 0;
    if (blank ? (row.n != 0 && row.n != 1) : (size_t)row.n != k)
      fuzz_fail("a cell count that differs from the reference");
    for (int i = 0, off = 0; i < row.n; off += (int)lens[i++] + 1)
      if (row.cells[i].n != lens[i] || memcmp(row.cells[i].p, out + off, lens[i]))
        fuzz_fail("a cell that differs from the reference");
  }
  fuzz_sink = sum;
  free(out);
  free(lens);
  mtm_table_close(t);
  return 0;
}
