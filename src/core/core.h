/*
 * core: the few things every mtm module shares.
 *
 *   mtm_err    one error type: where (file, row, column, question) and a
 *              human sentence a field officer can act on.
 *   mtm_arena  a region allocator: allocate freely, free everything at once.
 *   mtm_buf    a growable byte buffer (NUL-terminated at all times).
 *   mtm_slice  a {ptr, len} view that never owns its bytes.
 *   text       UTF-8 validation and the folding used to match names.
 *   dates      ISO dates and date-times as days/seconds since 1970.
 *
 * Ownership rule: memory returned by mtm_arena_* belongs to the arena and
 * lives until mtm_arena_free(); mtm_buf owns its bytes until mtm_buf_free();
 * a slice owns nothing. Every *_free() accepts NULL.
 *
 * Functions that can fail return 0 on success and a negative MTM_E* code on
 * failure, after filling the mtm_err they were given (which may be NULL).
 */
#ifndef MTM_CORE_H
#define MTM_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MTM_MUST_USE __attribute__((warn_unused_result))
#define MTM_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* ---- errors -------------------------------------------------------------- */

enum {
  MTM_OK = 0,
  MTM_EINVAL = -1,  /* bad input: the data or the arguments are wrong      */
  MTM_EIO = -2,     /* a file could not be read or written                  */
  MTM_ENOMEM = -3,  /* out of memory                                        */
  MTM_ESTORE = -4,  /* the workspace database refused an operation          */
  MTM_ENOTFOUND = -5, /* a named thing (form, round, area, file) is unknown */
  MTM_EUSAGE = -6   /* the command line is wrong                            */
};

typedef struct mtm_err {
  int code;           /* one of MTM_E*, 0 when no error was set            */
  char file[512];     /* the file being read, "" if none                    */
  char sheet[64];     /* XLSX sheet, "" if none                              */
  long row;           /* 1-based row in the file (data or sheet), 0 if none */
  char row_word[16];  /* what "row" counts when it is not a row, e.g.
                         "submission" for JSON exports; "" means "row" */
  char column[128];   /* column header or letter, "" if none                */
  char question[128]; /* XLSForm question name, "" if none                  */
  char msg[1024];     /* the sentence                                        */
} mtm_err;

void mtm_err_clear(mtm_err *e);
/* Sets code and message; keeps any position already recorded. Returns code. */
int mtm_err_set(mtm_err *e, int code, const char *fmt, ...) MTM_PRINTF(3, 4);
/* Records a position; NULL or 0 leaves that part as it was. */
void mtm_err_where(mtm_err *e, const char *file, const char *sheet, long row,
                   const char *column, const char *question);
/* Names the unit the row number counts ("submission"); NULL: "row". */
void mtm_err_row_word(mtm_err *e, const char *word);
/* "file, sheet S, row R, column 'C', question 'q': message" */
void mtm_err_format(const mtm_err *e, char *out, size_t n);
void mtm_err_print(const mtm_err *e, FILE *f);

/* ---- slices -------------------------------------------------------------- */

typedef struct mtm_slice {
  const char *p;
  size_t n;
} mtm_slice;

#define MTM_SLICE(s) ((mtm_slice){(s), sizeof(s) - 1})
static inline mtm_slice mtm_slice_c(const char *s) {
  mtm_slice r = {s, 0};
  if (s)
    while (s[r.n]) r.n++;
  return r;
}
int mtm_slice_eq(mtm_slice a, const char *s);
int mtm_slice_eq_nocase(mtm_slice a, const char *s);
mtm_slice mtm_slice_trim(mtm_slice s);

/* ---- arena --------------------------------------------------------------- */

typedef struct mtm_arena_block mtm_arena_block;
typedef struct mtm_arena {
  mtm_arena_block *head;
  size_t used, cap; /* within head */
  size_t total;     /* bytes obtained from malloc, for statistics */
} mtm_arena;

void mtm_arena_init(mtm_arena *a);
void mtm_arena_free(mtm_arena *a);
/* Frees everything allocated but keeps one block for reuse: the cheap way to
 * empty a per-row arena. */
void mtm_arena_reset(mtm_arena *a);
/* Aborts the process when memory is exhausted: callers never see NULL. */
void *mtm_arena_alloc(mtm_arena *a, size_t n);
void *mtm_arena_zalloc(mtm_arena *a, size_t n);
char *mtm_arena_strdup(mtm_arena *a, const char *s);
char *mtm_arena_strndup(mtm_arena *a, const char *s, size_t n);
char *mtm_arena_printf(mtm_arena *a, const char *fmt, ...) MTM_PRINTF(2, 3);

/* ---- string map ----------------------------------------------------------- */

/* A string -> int map whose tables live in an arena. It keeps the key
 * pointers: the keys must live as long as the map. */
typedef struct mtm_strmap {
  const char **keys; /* NULL: empty slot; cap is a power of two */
  int *vals;
  size_t cap, n;
  mtm_arena *a;
} mtm_strmap;

/* An empty map sized for about hint keys. */
void mtm_strmap_init(mtm_strmap *m, mtm_arena *a, size_t hint);
/* Adds key -> v unless key is there already; returns the value held. */
int mtm_strmap_put(mtm_strmap *m, const char *key, int v);
/* The value of key, or -1 when absent (also for a NULL key or a map
 * never initialised). */
int mtm_strmap_get(const mtm_strmap *m, const char *key);

/* ---- growable buffer ----------------------------------------------------- */

typedef struct mtm_buf {
  char *p;
  size_t n, cap;
} mtm_buf;

void mtm_buf_init(mtm_buf *b);
void mtm_buf_free(mtm_buf *b);
void mtm_buf_reset(mtm_buf *b);
void mtm_buf_reserve(mtm_buf *b, size_t extra);
void mtm_buf_add(mtm_buf *b, const void *p, size_t n);
void mtm_buf_adds(mtm_buf *b, const char *s);
void mtm_buf_addc(mtm_buf *b, char c);
void mtm_buf_printf(mtm_buf *b, const char *fmt, ...) MTM_PRINTF(2, 3);
/* Appends s as a CSV field (quoted when it holds , " CR or LF). */
void mtm_buf_add_csv(mtm_buf *b, const char *s);
/* Appends one CSV line: the n cells as CSV fields (NULL ones empty)
 * separated by commas, then LF. */
void mtm_buf_add_csv_row(mtm_buf *b, int n, const char *const *cells);
/* Appends s as a JSON string literal with quotes. */
void mtm_buf_add_json(mtm_buf *b, const char *s);
/* Appends s as a JSON string literal, or null when s is NULL. */
void mtm_buf_add_json_or_null(mtm_buf *b, const char *s);
/* Appends s, then spaces up to a display width of w (mtm_text_width). */
void mtm_buf_add_padded(mtm_buf *b, const char *s, int w);
/* Writes the buffer to path (replacing the file); returns 0 or MTM_EIO with
 * err naming the file and "cannot write <what>". */
int mtm_buf_write_file(const mtm_buf *b, const char *path, const char *what,
                       mtm_err *err) MTM_MUST_USE;
/* Reads a whole file; returns 0 or MTM_EIO with err filled. */
int mtm_buf_read_file(mtm_buf *b, const char *path, mtm_err *err) MTM_MUST_USE;

/* Malloc wrappers that abort on exhaustion. */
void *mtm_xmalloc(size_t n);
void *mtm_xcalloc(size_t n, size_t m);
void *mtm_xrealloc(void *p, size_t n);
char *mtm_xstrdup(const char *s);

/* ---- text ---------------------------------------------------------------- */

/* 1 when s[0..n) is valid UTF-8; else 0 and *bad_at is the byte offset. */
int mtm_utf8_valid(const char *s, size_t n, size_t *bad_at);
/*
 * The key under which names are matched: NFKD, case-folded, combining
 * marks removed, every run of spaces, punctuation, hyphens and
 * apostrophes turned into nothing. "Nur-Sultan", "nur sultan" and
 * "NUR–SULTAN" share one key. Returns an arena string; "" for NULL.
 */
char *mtm_text_key(mtm_arena *a, const char *s);
/* The display width of UTF-8 text: one per code point (good enough for
 * aligning uuids, names and short values in columns). */
int mtm_text_width(const char *s);
/* Lower-cases ASCII in place and returns s. */
char *mtm_ascii_lower(char *s);
int mtm_strcasecmp(const char *a, const char *b);
/* Hashes n bytes (FNV-1a mixed with a final avalanche), the same for the
 * same bytes and seed in every run; fast on short keys. For hash tables. */
uint64_t mtm_hash(const void *p, size_t n, uint64_t seed);
/* mtm_hash of a NUL-terminated string, seed 0. */
uint64_t mtm_hash_str(const char *s);

/* ---- numbers and dates --------------------------------------------------- */

/* Spreadsheet cells (OWASP CSV injection): 1 when a text cell would run as a
 * formula in a spreadsheet, i.e. starts with = + - @ TAB or CR and is not a
 * plain number such as "-3.2", "+5" or "-1e3" (numbers stay numbers). */
int mtm_cell_risky(const char *s);
/* Returns s, or when mtm_cell_risky(s) a copy in a with a leading
 * apostrophe ' that makes a spreadsheet show it as text. NULL stays NULL. */
const char *mtm_cell_safe(const char *s, mtm_arena *a);
/* The inverse, for files mtm reads back: s without the apostrophe that
 * mtm_cell_safe added (a ' followed by what mtm_cell_risky flags), else s.
 * Returns a pointer into s. */
const char *mtm_cell_unsafe(const char *s);
/* Strict parsers: the whole (trimmed) text must be the number. */
int mtm_parse_int(mtm_slice s, long long *out);
int mtm_parse_double(mtm_slice s, double *out);
/* Days since 1970-01-01 from YYYY-MM-DD (also YYYY-MM-DDThh..., ignoring the
 * time), DD.MM.YYYY, DD/MM/YYYY. Returns 0 or MTM_EINVAL. */
int mtm_parse_date(mtm_slice s, int32_t *days);
/* Seconds since 1970 from ISO 8601 date-times with optional fraction and
 * zone (Z, +hh:mm, +hhmm), or "YYYY-MM-DD hh:mm:ss". */
int mtm_parse_datetime(mtm_slice s, int64_t *secs);
void mtm_format_date(int32_t days, char out[11]);
int32_t mtm_days_from_civil(int y, unsigned m, unsigned d);
void mtm_civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d);
/* Today in UTC, as days since 1970; MTM_TODAY=YYYY-MM-DD overrides (tests). */
int32_t mtm_today(void);

/* ---- records ------------------------------------------------------------ */
/*
 * A record is a row of optional strings packed into one blob, the form in
 * which the store keeps submissions: per field a varint (length + 1), 0 for
 * a missing value, then the bytes. Empty string and missing stay distinct.
 */
void mtm_record_add(mtm_buf *b, const char *v, size_t n); /* v NULL: missing */
/* Decodes into an arena array of n strings (NULL = missing). Returns the
 * number of fields, or MTM_EINVAL for a damaged blob. */
int mtm_record_decode(const void *blob, size_t len, mtm_arena *a, char ***out);

#endif
