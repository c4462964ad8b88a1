/* The one error type: a position and a sentence. */
#include "core/core.h"

#include <string.h>

static void copy(char *dst, size_t n, const char *src) {
  if (!src) return;
  snprintf(dst, n, "%s", src);
}

void mtm_err_clear(mtm_err *e) {
  if (e) memset(e, 0, sizeof *e);
}

int mtm_err_set(mtm_err *e, int code, const char *fmt, ...) {
  if (!e) return code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  e->code = code;
  return code;
}

void mtm_err_where(mtm_err *e, const char *file, const char *sheet, long row,
                   const char *column, const char *question) {
  if (!e) return;
  copy(e->file, sizeof e->file, file);
  copy(e->sheet, sizeof e->sheet, sheet);
  if (row) e->row = row;
  copy(e->column, sizeof e->column, column);
  copy(e->question, sizeof e->question, question);
}

void mtm_err_row_word(mtm_err *e, const char *word) {
  if (!e) return;
  e->row_word[0] = 0;
  copy(e->row_word, sizeof e->row_word, word);
}

void mtm_err_format(const mtm_err *e, char *out, size_t n) {
  size_t k = 0;
  out[0] = 0;
#define PUT(...)                                              \
  do {                                                        \
    if (k < n) k += (size_t)snprintf(out + k, n - k, __VA_ARGS__); \
  } while (0)
  const char *sep = "";
  if (e->file[0]) { PUT("%s", e->file); sep = ", "; }
  if (e->sheet[0]) { PUT("%ssheet '%s'", sep, e->sheet); sep = ", "; }
  if (e->row) {
    PUT("%s%s %ld", sep, e->row_word[0] ? e->row_word : "row", e->row);
    sep = ", ";
  }
  if (e->column[0]) { PUT("%scolumn '%s'", sep, e->column); sep = ", "; }
  if (e->question[0]) { PUT("%squestion '%s'", sep, e->question); sep = ", "; }
  PUT("%s%s", sep[0] ? ": " : "", e->msg[0] ? e->msg : "unknown error");
#undef PUT
}

void mtm_err_print(const mtm_err *e, FILE *f) {
  char line[2048];
  mtm_err_format(e, line, sizeof line);
  fprintf(f, "mtm: %s\n", line);
}
