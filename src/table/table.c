/* table: format sniffing, dispatch to the readers, and the helpers they
 * share (numbers, Excel dates, UTF-8 checks). */
#include "table/table_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Allocates a zeroed table of format fmt whose messages use name. */
mtm_table *mtm_table__new(mtm_table_format fmt, const char *name) {
  mtm_table *t = mtm_xcalloc(1, sizeof *t);
  t->fmt = fmt;
  t->name = mtm_xstrdup(name ? name : "");
  return t;
}

/* Makes room for at least n cells in the row array, growing it geometrically. */
void mtm_table__cells_reserve(mtm_table *t, int n) {
  if (n <= t->cells_cap) return;
  int cap = t->cells_cap ? t->cells_cap : 64;
  while (cap < n) cap *= 2;
  t->cells = mtm_xrealloc(t->cells, (size_t)cap * sizeof *t->cells);
  t->cells_cap = cap;
}

/* Writes the shortest %g text (15, 16 or 17 digits) that parses back to v. */
void mtm_table__number(double v, char out[32]) {
  if (v == 0) v = 0; /* -0 reads as 0 */
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(out, 32, "%.*g", prec, v);
    if (strtod(out, NULL) == v) return;
  }
}

/* Converts an Excel serial number to ISO text. In the 1900 system serial 1 is
 * 1900-01-01 and Excel counts a 29 February 1900 that never was (serial 60),
 * so serials from 61 on are days since 1899-12-30. */
void mtm_table__excel_date(double serial, int date1904, int time_only, char out[32]) {
  double whole = floor(serial);
  long secs = lround((serial - whole) * 86400.0);
  long days = (long)whole;
  if (secs >= 86400) {
    secs -= 86400;
    days++;
  }
  int hh = (int)(secs / 3600), mi = (int)(secs / 60 % 60), ss = (int)(secs % 60);
  if (time_only) {
    snprintf(out, 32, "%02d:%02d:%02d", hh, mi, ss);
    return;
  }
  int32_t epoch;
  if (date1904)
    epoch = mtm_days_from_civil(1904, 1, 1);
  else if (days >= 61)
    epoch = mtm_days_from_civil(1899, 12, 30);
  else
    epoch = mtm_days_from_civil(1899, 12, 31);
  int y;
  unsigned m, d;
  mtm_civil_from_days((int32_t)(epoch + days), &y, &m, &d);
  if (secs)
    snprintf(out, 32, "%04d-%02u-%02uT%02d:%02d:%02d", y, m, d, hh, mi, ss);
  else
    snprintf(out, 32, "%04d-%02u-%02u", y, m, d);
}

/* Classifies a number format code: a date (with or without time) when it
 * has d, y or a month m outside quotes, brackets and escapes; a time of day
 * when it has only h, m, s. Without a code, the built-in formats. */
int mtm_table__numfmt_kind(int id, const char *code) {
  if (!code) {
    if ((id >= 14 && id <= 17) || id == 22) return MTM_TABLE__DATE;
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) return MTM_TABLE__TIME;
    return MTM_TABLE__PLAIN;
  }
  int d = 0, m = 0, y = 0, h = 0, s = 0;
  for (const char *p = code; *p; p++) {
    char ch = *p;
    if (ch == '"') {
      while (p[1] && p[1] != '"') p++;
      if (p[1]) p++;
    } else if (ch == '[') {
      while (p[1] && p[1] != ']') p++;
      if (p[1]) p++;
    } else if (ch == '\\' || ch == '_' || ch == '*') {
      if (p[1]) p++;
    } else {
      switch (ch | 0x20) {
      case 'd': d = 1; break;
      case 'm': m = 1; break;
      case 'y': y = 1; break;
      case 'h': h = 1; break;
      case 's': s = 1; break;
      }
    }
  }
  if (d || y || (m && !h && !s)) return MTM_TABLE__DATE;
  if (h || s) return MTM_TABLE__TIME;
  return MTM_TABLE__PLAIN;
}

/* Validates UTF-8: skips ASCII eight bytes at a time, then checks each
 * multi-byte sequence for overlong forms, surrogates and range. */
int mtm_table__utf8_ok(const char *s, size_t n, size_t *bad) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, u + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned c = u[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t k;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
      k = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
      k = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      k = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      if (bad) *bad = i;
      return 0;
    }
    if (k >= n - i) { /* the sequence runs past the end */
      if (bad) *bad = i;
      return 0;
    }
    if (u[i + 1] < lo || u[i + 1] > hi) {
      if (bad) *bad = i;
      return 0;
    }
    for (size_t j = 2; j <= k; j++)
      if ((u[i + j] & 0xC0) != 0x80) {
        if (bad) *bad = i;
        return 0;
      }
    i += k + 1;
  }
  return 1;
}

/* Reports bad UTF-8 (or a NUL byte) in a cell: the byte and the character
 * (1-based) where reading fails, and what to do about it. */
int mtm_table__utf8_error(mtm_err *err, const char *file, const char *sheet, long row,
                          const char *column, const char *s, size_t bad) {
  size_t chars = 1;
  for (size_t i = 0; i < bad; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) chars++;
  mtm_err_where(err, file, sheet, row, column, NULL);
  if (!s[bad])
    return mtm_err_set(err, MTM_EINVAL,
                       "the text holds a NUL byte at character %zu, which text never does; "
                       "the file may be UTF-16: save it as UTF-8",
                       chars);
  return mtm_err_set(err, MTM_EINVAL,
                     "the text is not valid UTF-8 (byte 0x%02X at character %zu); save "
                     "the file as UTF-8",
                     (unsigned char)s[bad], chars);
}

/* Returns the extension of path (after the last dot of the last component),
 * or "" when there is none. */
static const char *extension(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  return dot ? dot + 1 : "";
}

/* Guesses the format from the extension and then from the first bytes. */
int mtm_table_sniff(const char *path, mtm_table_format *fmt, mtm_err *err) {
  static const struct {
    const char *ext;
    mtm_table_format fmt;
  } exts[] = {{"csv", MTM_TABLE_CSV},   {"tsv", MTM_TABLE_CSV},  {"txt", MTM_TABLE_CSV},
              {"xlsx", MTM_TABLE_XLSX}, {"xlsm", MTM_TABLE_XLSX}, {"xls", MTM_TABLE_XLS},
              {"md", MTM_TABLE_MD}};
  const char *ext = extension(path);
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
    if (!mtm_strcasecmp(ext, exts[i].ext)) {
      *fmt = exts[i].fmt;
      return 0;
    }
  FILE *f = fopen(path, "rb");
  if (!f) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, errno == ENOENT ? MTM_ENOTFOUND : MTM_EIO,
                       "cannot open the file (%s)", strerror(errno));
  }
  unsigned char head[512];
  size_t n = fread(head, 1, sizeof head, f);
  fclose(f);
  if (n >= 4 && !memcmp(head, "PK\x03\x04", 4))
    *fmt = MTM_TABLE_XLSX;
  else if (n >= 4 && !memcmp(head, "\xD0\xCF\x11\xE0", 4))
    *fmt = MTM_TABLE_XLS;
  else {
    size_t i = (n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3)) ? 3 : 0;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
      i++;
    *fmt = (i < n && head[i] == '|') ? MTM_TABLE_MD : MTM_TABLE_CSV;
  }
  return 0;
}

/* Lists the sheets: the file stem for CSV, the workbook's sheets otherwise. */
int mtm_table_sheets(const char *path, mtm_arena *a, char ***names, int *n, mtm_err *err) {
  mtm_table_format fmt;
  int rc = mtm_table_sniff(path, &fmt, err);
  if (rc) return rc;
  switch (fmt) {
  case MTM_TABLE_XLSX:
    return mtm_table__xlsx_sheets(path, NULL, 0, a, names, n, err);
  case MTM_TABLE_XLS:
    return mtm_table__xls_sheets(path, NULL, 0, a, names, n, err);
  case MTM_TABLE_MD:
    return mtm_table__md_sheets(path, NULL, 0, a, names, n, err);
  case MTM_TABLE_CSV:
    break;
  }
  if (access(path, R_OK) != 0) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, errno == ENOENT ? MTM_ENOTFOUND : MTM_EIO,
                       "cannot open the file (%s)", strerror(errno));
  }
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  *names = mtm_arena_alloc(a, sizeof(char *));
  (*names)[0] = mtm_arena_strndup(a, base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
  *n = 1;
  return 0;
}

/* Lists the sheet names of an in-memory workbook; CSV has one sheet, named
 * after the stem of name. */
int mtm_table_sheets_mem(const void *bytes, size_t len, mtm_table_format fmt, const char *name,
                         mtm_arena *a, char ***names, int *n, mtm_err *err) {
  switch (fmt) {
  case MTM_TABLE_XLSX:
    return mtm_table__xlsx_sheets(NULL, bytes, len, a, names, n, err);
  case MTM_TABLE_XLS:
    return mtm_table__xls_sheets(NULL, bytes, len, a, names, n, err);
  case MTM_TABLE_MD:
    return mtm_table__md_sheets(NULL, bytes, len, a, names, n, err);
  case MTM_TABLE_CSV:
    break;
  }
  const char *base = name ? strrchr(name, '/') : NULL;
  base = base ? base + 1 : name ? name : "";
  const char *dot = strrchr(base, '.');
  *names = mtm_arena_alloc(a, sizeof(char *));
  (*names)[0] = mtm_arena_strndup(a, base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
  *n = 1;
  return 0;
}

/* Opens a file of any format, sniffed; on failure nothing is left open. */
int mtm_table_open(mtm_table **out, const char *path, const char *sheet, mtm_err *err) {
  *out = NULL;
  mtm_table_format fmt;
  int rc = mtm_table_sniff(path, &fmt, err);
  if (rc) return rc;
  mtm_table *t = mtm_table__new(fmt, path);
  switch (fmt) {
  case MTM_TABLE_CSV: rc = mtm_table__csv_open(t, path, NULL, 0, err); break;
  case MTM_TABLE_XLSX: rc = mtm_table__xlsx_open(t, path, NULL, 0, sheet, err); break;
  case MTM_TABLE_XLS: rc = mtm_table__xls_open(t, path, NULL, 0, sheet, err); break;
  case MTM_TABLE_MD: rc = mtm_table__md_open(t, path, NULL, 0, sheet, err); break;
  }
  if (rc) {
    mtm_table_close(t);
    return rc;
  }
  *out = t;
  return 0;
}

/* Opens an in-memory copy of a file. */
int mtm_table_open_mem(mtm_table **out, const void *bytes, size_t len, mtm_table_format fmt,
                       const char *name, const char *sheet, mtm_err *err) {
  *out = NULL;
  mtm_table *t = mtm_table__new(fmt, name);
  int rc = 0;
  switch (fmt) {
  case MTM_TABLE_CSV: rc = mtm_table__csv_open(t, NULL, bytes, len, err); break;
  case MTM_TABLE_XLSX: rc = mtm_table__xlsx_open(t, NULL, bytes, len, sheet, err); break;
  case MTM_TABLE_MD: rc = mtm_table__md_open(t, NULL, bytes, len, sheet, err); break;
  case MTM_TABLE_XLS: rc = mtm_table__xls_open(t, NULL, bytes, len, sheet, err); break;
  }
  if (rc) {
    mtm_table_close(t);
    return rc;
  }
  *out = t;
  return 0;
}

/* Reads the next row through the format's reader. */
int mtm_table_next(mtm_table *t, mtm_row *row, mtm_err *err) {
  return t->ops->next(t, row, err);
}

mtm_table_format mtm_table_format_of(const mtm_table *t) { return t->fmt; }

char mtm_table_delimiter(const mtm_table *t) { return t->delim; }

/* Spreadsheet column letters: 0 is A, 25 is Z, 26 is AA. */
void mtm_table_column_name(int i, char out[8]) {
  char tmp[8];
  int k = 0;
  if (i < 0) i = 0;
  unsigned v = (unsigned)i + 1;
  while (v && k < 7) {
    tmp[k++] = (char)('A' + (v - 1) % 26);
    v = (v - 1) / 26;
  }
  for (int j = 0; j < k; j++) out[j] = tmp[k - 1 - j];
  out[k] = 0;
}

/* Releases the reader's state and the table; accepts NULL. */
void mtm_table_close(mtm_table *t) {
  if (!t) return;
  if (t->ops && t->ops->close) t->ops->close(t);
  free(t->cells);
  free(t->name);
  free(t);
}
