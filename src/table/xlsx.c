/* XLSX reader: libzip for the archive, expat for the XML. The workbook, its
 * relationships, the shared strings and the styles are read at open; the
 * sheet is then streamed in 64 KiB chunks, the parser suspended at the end
 * of every row, so one row is in memory at a time. */
#include "table/table_int.h"

#include <errno.h>
#include <expat.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* The fuzz build (make fuzz) makes chunks tiny so that rows cross them. */
#ifndef MTM_XLSX_CHUNK
#define MTM_XLSX_CHUNK (64 * 1024)
#endif
#define CHUNK MTM_XLSX_CHUNK
#define MAX_COLS 16384
#define MAX_ROWS 1048576L

enum { STYLE_PLAIN = MTM_TABLE__PLAIN, STYLE_DATE = MTM_TABLE__DATE, STYLE_TIME = MTM_TABLE__TIME };

typedef struct sheet_ref {
  char *name, *rid;
} sheet_ref;

typedef struct rel {
  char *id, *target, *type;
} rel;

typedef struct cellpos {
  int col;
  size_t off, len;
} cellpos;

typedef struct xlsx {
  zip_t *za;
  zip_file_t *zf;
  XML_Parser xp;
  /* the workbook */
  int date1904;
  char *ss;            /* shared strings, NUL-separated (malloc) */
  size_t *ss_off;      /* offset of each shared string in ss */
  size_t nss;
  unsigned char *style; /* STYLE_* per cellXfs index */
  int nstyle;
  /* the sheet stream */
  int in_sd, in_row, in_c, in_v, in_is, in_t, in_rph;
  int ctype, cstyle, col, last_col, finished, row_ready;
  long row_r, last_row;
  mtm_buf text;        /* text of the current cell */
  mtm_buf rowtext;     /* values of the current row */
  cellpos *cp;
  int ncp, capcp;
  mtm_table *t;
  mtm_err cb_err;      /* an error found inside a callback */
  int cb_failed;
} xlsx;

/* The local part of an XML name: "x:sheet" is "sheet". */
static const char *local(const char *name) {
  const char *c = strrchr(name, ':');
  return c ? c + 1 : name;
}

/* The value of attribute name (local part) in an expat attribute list. */
static const char *attr(const char **atts, const char *name) {
  for (int i = 0; atts[i]; i += 2)
    if (!strcmp(local(atts[i]), name)) return atts[i + 1];
  return NULL;
}

/* Fills err with "FILE: not a valid XLSX workbook (...)". */
static int bad(mtm_err *err, const char *file, const char *fmt, ...) MTM_PRINTF(3, 4);
static int bad(mtm_err *err, const char *file, const char *fmt, ...) {
  char why[700];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  mtm_err_where(err, file, NULL, 0, NULL, NULL);
  return mtm_err_set(err, MTM_EINVAL, "not a valid XLSX workbook (%s)", why);
}

/* Opens the archive from a path or from memory; a damaged or truncated zip
 * is reported with libzip's own words. */
static int open_zip(const char *name, const char *path, const void *bytes, size_t len,
                    zip_t **out, mtm_err *err) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_t *za = NULL;
  if (path) {
    int code = 0;
    FILE *probe = fopen(path, "rb");
    if (!probe) {
      mtm_err_where(err, name, NULL, 0, NULL, NULL);
      return mtm_err_set(err, errno == ENOENT ? MTM_ENOTFOUND : MTM_EIO,
                         "cannot open the file (%s)", strerror(errno));
    }
    fclose(probe);
    za = zip_open(path, ZIP_RDONLY, &code);
    if (!za) zip_error_init_with_code(&ze, code);
  } else {
    zip_source_t *src = zip_source_buffer_create(bytes, len, 0, &ze);
    if (src) {
      za = zip_open_from_source(src, ZIP_RDONLY, &ze);
      if (!za) zip_source_free(src);
    }
  }
  if (!za) {
    int rc = bad(err, name, "the zip archive is damaged or truncated: %s",
                 zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return rc;
  }
  zip_error_fini(&ze);
  *out = za;
  return 0;
}

/* Parses a whole archive entry with expat, in 64 KiB chunks. Returns 1 when
 * the entry does not exist (and optional), 0 when parsed, < 0 on error. */
static int parse_entry(zip_t *za, const char *entry, const char *file, int optional,
                       XML_StartElementHandler start, XML_EndElementHandler end,
                       XML_CharacterDataHandler chars, void *ud, mtm_err *err) {
  zip_int64_t idx = zip_name_locate(za, entry, ZIP_FL_NOCASE);
  if (idx < 0) {
    if (optional) return 1;
    return bad(err, file, "it has no %s", entry);
  }
  zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
  if (!zf)
    return bad(err, file, "the zip archive is damaged or truncated: %s",
               zip_error_strerror(zip_get_error(za)));
  XML_Parser xp = XML_ParserCreate("UTF-8");
  XML_SetUserData(xp, ud);
  XML_SetElementHandler(xp, start, end);
  if (chars) XML_SetCharacterDataHandler(xp, chars);
  int rc = 0;
  for (;;) {
    void *buf = XML_GetBuffer(xp, CHUNK);
    if (!buf) {
      rc = mtm_err_set(err, MTM_ENOMEM, "out of memory reading %s", entry);
      break;
    }
    zip_int64_t r = zip_fread(zf, buf, CHUNK);
    if (r < 0) {
      rc = bad(err, file, "the zip archive is damaged or truncated: %s",
               zip_file_strerror(zf));
      break;
    }
    if (XML_ParseBuffer(xp, (int)r, r == 0) == XML_STATUS_ERROR) {
      rc = bad(err, file, "%s is damaged: %s at line %lu", entry,
               XML_ErrorString(XML_GetErrorCode(xp)),
               (unsigned long)XML_GetCurrentLineNumber(xp));
      break;
    }
    if (r == 0) break;
  }
  XML_ParserFree(xp);
  zip_fclose(zf);
  return rc;
}

/* ---- workbook.xml and its relationships --------------------------------- */

typedef struct meta {
  mtm_arena *a;
  sheet_ref *sheets;
  int nsheets, capsheets;
  rel *rels;
  int nrels, caprels;
  int date1904;
} meta;

/* Collects <sheet name r:id> and <workbookPr date1904>. */
static void wb_start(void *ud, const char *name, const char **atts) {
  meta *m = ud;
  const char *ln = local(name);
  if (!strcmp(ln, "sheet")) {
    const char *nm = attr(atts, "name"), *id = attr(atts, "id");
    if (!nm) return;
    if (m->nsheets == m->capsheets) {
      m->capsheets = m->capsheets ? m->capsheets * 2 : 16;
      sheet_ref *s = mtm_arena_alloc(m->a, (size_t)m->capsheets * sizeof *s);
      if (m->nsheets) memcpy(s, m->sheets, (size_t)m->nsheets * sizeof *s);
      m->sheets = s;
    }
    m->sheets[m->nsheets].name = mtm_arena_strdup(m->a, nm);
    m->sheets[m->nsheets].rid = mtm_arena_strdup(m->a, id ? id : "");
    m->nsheets++;
  } else if (!strcmp(ln, "workbookPr")) {
    const char *v = attr(atts, "date1904");
    m->date1904 = v && (!strcmp(v, "1") || !mtm_strcasecmp(v, "true"));
  }
}

/* Collects <Relationship Id Target Type>. */
static void rels_start(void *ud, const char *name, const char **atts) {
  meta *m = ud;
  if (strcmp(local(name), "Relationship")) return;
  const char *id = attr(atts, "Id"), *target = attr(atts, "Target"),
             *type = attr(atts, "Type");
  if (!id || !target) return;
  if (m->nrels == m->caprels) {
    m->caprels = m->caprels ? m->caprels * 2 : 16;
    rel *r = mtm_arena_alloc(m->a, (size_t)m->caprels * sizeof *r);
    if (m->nrels) memcpy(r, m->rels, (size_t)m->nrels * sizeof *r);
    m->rels = r;
  }
  m->rels[m->nrels].id = mtm_arena_strdup(m->a, id);
  m->rels[m->nrels].type = mtm_arena_strdup(m->a, type ? type : "");
  /* Targets are relative to xl/ unless absolute ("/xl/..."). */
  const char *tg = target;
  if (tg[0] == '/')
    m->rels[m->nrels].target = mtm_arena_strdup(m->a, tg + 1);
  else {
    while (!strncmp(tg, "./", 2)) tg += 2;
    if (!strncmp(tg, "../", 3))
      m->rels[m->nrels].target = mtm_arena_strdup(m->a, tg + 3);
    else
      m->rels[m->nrels].target = mtm_arena_printf(m->a, "xl/%s", tg);
  }
  m->nrels++;
}

static void no_end(void *ud, const char *name) {
  (void)ud;
  (void)name;
}

/* Reads the sheet list and the relationships of the workbook. */
static int read_meta(zip_t *za, const char *file, meta *m, mtm_err *err) {
  int rc = parse_entry(za, "xl/workbook.xml", file, 0, wb_start, no_end, NULL, m, err);
  if (rc < 0) return rc;
  rc = parse_entry(za, "xl/_rels/workbook.xml.rels", file, 1, rels_start, no_end, NULL, m, err);
  return rc < 0 ? rc : 0;
}

/* The target of the relationship whose Id is id, or whose Type ends in
 * type_suffix; NULL if none. */
static const char *rel_target(const meta *m, const char *id, const char *type_suffix) {
  for (int i = 0; i < m->nrels; i++) {
    if (id && !strcmp(m->rels[i].id, id)) return m->rels[i].target;
    if (type_suffix) {
      size_t a = strlen(m->rels[i].type), b = strlen(type_suffix);
      if (a >= b && !strcmp(m->rels[i].type + a - b, type_suffix)) return m->rels[i].target;
    }
  }
  return NULL;
}

/* ---- shared strings ------------------------------------------------------ */

/* Decodes the OOXML escapes _xHHHH_ in place (e.g. _x000D_ for a carriage
 * return); returns the new length. */
static size_t decode_x(char *s, size_t n) {
  const char *u = n ? memchr(s, '_', n) : NULL;
  if (!u || (size_t)(u - s) + 7 > n) return n;
  size_t r = 0, w = 0;
  while (r < n) {
    unsigned cp = 0;
    int ok = r + 7 <= n && s[r] == '_' && s[r + 1] == 'x' && s[r + 6] == '_';
    for (int k = 2; ok && k < 6; k++) {
      char ch = s[r + k];
      int v = ch >= '0' && ch <= '9' ? ch - '0'
              : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                       : -1;
      if (v < 0) ok = 0;
      cp = cp * 16 + (unsigned)(v < 0 ? 0 : v);
    }
    if (!ok || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) {
      s[w++] = s[r++];
      continue;
    }
    if (cp < 0x80)
      s[w++] = (char)cp;
    else if (cp < 0x800) {
      s[w++] = (char)(0xC0 | cp >> 6);
      s[w++] = (char)(0x80 | (cp & 0x3F));
    } else {
      s[w++] = (char)(0xE0 | cp >> 12);
      s[w++] = (char)(0x80 | (cp >> 6 & 0x3F));
      s[w++] = (char)(0x80 | (cp & 0x3F));
    }
    r += 7;
  }
  s[w] = 0;
  return w;
}

typedef struct sst {
  mtm_buf text;
  size_t *off;
  size_t n, cap;
  int in_si, in_t, in_rph;
  size_t si_start;
} sst;

/* Starts a string at <si>; collects <t> text except inside <rPh>. */
static void sst_start(void *ud, const char *name, const char **atts) {
  (void)atts;
  sst *s = ud;
  const char *ln = local(name);
  if (!strcmp(ln, "si")) {
    s->in_si = 1;
    mtm_buf_reserve(&s->text, 64);
    s->si_start = s->text.n;
  } else if (!strcmp(ln, "rPh"))
    s->in_rph = 1;
  else if (!strcmp(ln, "t") && s->in_si && !s->in_rph)
    s->in_t = 1;
}

/* Ends a string at </si>, decoding _xHHHH_ escapes. */
static void sst_end(void *ud, const char *name) {
  sst *s = ud;
  const char *ln = local(name);
  if (!strcmp(ln, "t"))
    s->in_t = 0;
  else if (!strcmp(ln, "rPh"))
    s->in_rph = 0;
  else if (!strcmp(ln, "si")) {
    size_t len = decode_x(s->text.p + s->si_start, s->text.n - s->si_start);
    s->text.n = s->si_start + len;
    mtm_buf_addc(&s->text, 0);
    if (s->n == s->cap) {
      s->cap = s->cap ? s->cap * 2 : 1024;
      s->off = mtm_xrealloc(s->off, s->cap * sizeof *s->off);
    }
    s->off[s->n++] = s->si_start;
    s->in_si = 0;
  }
}

static void sst_chars(void *ud, const char *p, int n) {
  sst *s = ud;
  if (s->in_t) mtm_buf_add(&s->text, p, (size_t)n);
}

/* ---- styles -------------------------------------------------------------- */

typedef struct fmt {
  int id;
  char *code;
} fmt;

typedef struct styles {
  mtm_arena *a;
  fmt *fmts;
  int nfmts, capfmts;
  int in_xfs;
  unsigned char *kind;
  int nkind, capkind;
} styles;

/* Classifies number format id, custom (with its code) or built-in. */
static int classify(const styles *st, int id) {
  for (int i = 0; i < st->nfmts; i++)
    if (st->fmts[i].id == id) return mtm_table__numfmt_kind(id, st->fmts[i].code);
  return mtm_table__numfmt_kind(id, NULL);
}

/* Collects <numFmt> codes and the numFmtId of each <cellXfs><xf>. */
static void styles_start(void *ud, const char *name, const char **atts) {
  styles *st = ud;
  const char *ln = local(name);
  if (!strcmp(ln, "numFmt")) {
    const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
    if (!id || !code) return;
    if (st->nfmts == st->capfmts) {
      st->capfmts = st->capfmts ? st->capfmts * 2 : 16;
      fmt *f = mtm_arena_alloc(st->a, (size_t)st->capfmts * sizeof *f);
      if (st->nfmts) memcpy(f, st->fmts, (size_t)st->nfmts * sizeof *f);
      st->fmts = f;
    }
    st->fmts[st->nfmts].id = atoi(id);
    st->fmts[st->nfmts].code = mtm_arena_strdup(st->a, code);
    st->nfmts++;
  } else if (!strcmp(ln, "cellXfs")) {
    st->in_xfs = 1;
  } else if (!strcmp(ln, "xf") && st->in_xfs) {
    const char *id = attr(atts, "numFmtId");
    if (st->nkind == st->capkind) {
      st->capkind = st->capkind ? st->capkind * 2 : 64;
      st->kind = mtm_xrealloc(st->kind, (size_t)st->capkind);
    }
    st->kind[st->nkind++] = (unsigned char)classify(st, id ? atoi(id) : 0);
  }
}

static void styles_end(void *ud, const char *name) {
  styles *st = ud;
  if (!strcmp(local(name), "cellXfs")) st->in_xfs = 0;
}

/* ---- the sheet stream ---------------------------------------------------- */

/* A row number as Excel writes it: 1 to 1048576 in decimal digits. Returns
 * it, or 0 when s is anything else (empty, signed, too big, trailing text). */
static long row_number(const char *s) {
  long v = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    v = v * 10 + (*s - '0');
    if (v > MAX_ROWS) return 0;
  }
  return v;
}

/* Column index from a reference like "AB12" (0-based), or -1 when it is not
 * letters followed by a row number; the row part may be left out ("AB"),
 * and *row is then 0. */
static int ref_col(const char *r, long *row) {
  int c = 0, k = 0;
  while ((*r >= 'A' && *r <= 'Z') || (*r >= 'a' && *r <= 'z')) {
    c = c * 26 + ((*r | 0x20) - 'a' + 1);
    if (c > MAX_COLS) return -1;
    r++, k++;
  }
  if (!k) return -1;
  long rr = 0;
  if (*r && !(rr = row_number(r))) return -1;
  if (row) *row = rr;
  return c - 1;
}

/* Notes a failure inside an expat callback and stops the parser. */
static void cb_fail(xlsx *x) {
  x->cb_failed = 1;
  XML_StopParser(x->xp, XML_FALSE);
}

static void sheet_start(void *ud, const char *name, const char **atts) {
  xlsx *x = ud;
  const char *ln = local(name);
  if (!x->in_sd) {
    if (!strcmp(ln, "sheetData")) x->in_sd = 1;
    return;
  }
  if (!strcmp(ln, "row")) {
    const char *r = attr(atts, "r");
    x->row_r = r ? row_number(r) : x->last_row + 1;
    if (!x->row_r) {
      mtm_err_where(&x->cb_err, x->t->name, x->t->sheet, 0, NULL, NULL);
      mtm_err_set(&x->cb_err, MTM_EINVAL,
                  "not a valid XLSX workbook (the row number '%s' is not a whole number "
                  "from 1 to %ld)",
                  r, MAX_ROWS);
      cb_fail(x);
      return;
    }
    x->in_row = 1;
    x->last_col = -1;
    x->ncp = 0;
    mtm_buf_reset(&x->rowtext);
  } else if (!strcmp(ln, "c")) {
    const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
    long rr = 0;
    int col = r ? ref_col(r, &rr) : x->last_col + 1;
    if (col < 0 || col >= MAX_COLS) {
      mtm_err_where(&x->cb_err, x->t->name, x->t->sheet, x->row_r, NULL, NULL);
      mtm_err_set(&x->cb_err, MTM_EINVAL,
                  "not a valid XLSX workbook (the cell reference '%s' is not a column "
                  "and row)",
                  r ? r : "");
      cb_fail(x);
      return;
    }
    if (!x->in_row) {
      /* Excel never writes a cell outside a <row>; such a cell used to be
       * collected and then dropped without a word. */
      mtm_err_where(&x->cb_err, x->t->name, x->t->sheet, rr, NULL, NULL);
      mtm_err_set(&x->cb_err, MTM_EINVAL,
                  "not a valid XLSX workbook (the cell '%s' is outside any row)", r ? r : "");
      cb_fail(x);
      return;
    }
    x->col = col;
    x->ctype = !t                          ? 'n'
               : !strcmp(t, "inlineStr")   ? 'i'
               : !strcmp(t, "str")         ? 'f'
                                           : t[0];
    x->cstyle = s ? atoi(s) : 0;
    x->in_c = 1;
    mtm_buf_reset(&x->text);
    mtm_buf_reserve(&x->text, 64);
  } else if (x->in_c) {
    if (!strcmp(ln, "v"))
      x->in_v = 1;
    else if (!strcmp(ln, "is"))
      x->in_is = 1;
    else if (!strcmp(ln, "rPh"))
      x->in_rph = 1;
    else if (!strcmp(ln, "t") && x->in_is && !x->in_rph)
      x->in_t = 1;
  }
}

/* Turns the collected text of a cell into its value and adds it to the row. */
static void finish_cell(xlsx *x) {
  char num[32];
  const char *v = x->text.p ? x->text.p : "";
  size_t n = x->text.n;
  switch (x->ctype) {
  case 's': {
    char *end;
    unsigned long i = strtoul(v, &end, 10);
    if (end == v || i >= x->nss) {
      char col[8];
      mtm_table_column_name(x->col, col);
      mtm_err_where(&x->cb_err, x->t->name, x->t->sheet, x->row_r, col, NULL);
      mtm_err_set(&x->cb_err, MTM_EINVAL,
                  "not a valid XLSX workbook (the cell refers to shared string '%s', but "
                  "there are only %zu)",
                  v, x->nss);
      cb_fail(x);
      return;
    }
    v = x->ss + x->ss_off[i];
    n = strlen(v);
    break;
  }
  case 'i':
    n = decode_x(x->text.p, n);
    break;
  case 'b':
    v = (n == 1 && v[0] == '1') ? "TRUE" : (n == 1 && v[0] == '0') ? "FALSE" : v;
    n = strlen(v);
    break;
  case 'n': {
    if (!n) break;
    int style = x->cstyle >= 0 && x->cstyle < x->nstyle ? x->style[x->cstyle] : STYLE_PLAIN;
    int plain_int = n <= 15 && style == STYLE_PLAIN;
    for (size_t k = 0; plain_int && k < n; k++)
      if (v[k] < '0' || v[k] > '9') plain_int = 0;
    if (plain_int && !(n > 1 && v[0] == '0')) break;
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end) break; /* not a number: keep the text */
    if (style != STYLE_PLAIN)
      mtm_table__excel_date(d, x->date1904, style == STYLE_TIME, num);
    else
      mtm_table__number(d, num);
    v = num;
    n = strlen(num);
    break;
  }
  default: /* str, e (error text), d (ISO date) */
    break;
  }
  if (!n) return;
  if (x->ncp == x->capcp) {
    x->capcp = x->capcp ? x->capcp * 2 : 64;
    x->cp = mtm_xrealloc(x->cp, (size_t)x->capcp * sizeof *x->cp);
  }
  x->cp[x->ncp++] = (cellpos){x->col, x->rowtext.n, n};
  mtm_buf_add(&x->rowtext, v, n);
  mtm_buf_addc(&x->rowtext, 0);
}

static void sheet_end(void *ud, const char *name) {
  xlsx *x = ud;
  if (!x->in_sd) return;
  const char *ln = local(name);
  if (!strcmp(ln, "c")) {
    if (x->in_c) finish_cell(x);
    x->last_col = x->col;
    x->in_c = x->in_v = x->in_is = x->in_t = x->in_rph = 0;
  } else if (!strcmp(ln, "v"))
    x->in_v = 0;
  else if (!strcmp(ln, "t"))
    x->in_t = 0;
  else if (!strcmp(ln, "rPh"))
    x->in_rph = 0;
  else if (!strcmp(ln, "is"))
    x->in_is = 0;
  else if (!strcmp(ln, "row")) {
    x->in_row = 0;
    x->last_row = x->row_r;
    if (x->ncp && !x->cb_failed) {
      x->row_ready = 1;
      XML_StopParser(x->xp, XML_TRUE);
    }
  } else if (!strcmp(ln, "sheetData"))
    x->in_sd = 0;
}

static void sheet_chars(void *ud, const char *p, int n) {
  xlsx *x = ud;
  if (x->in_v || x->in_t) mtm_buf_add(&x->text, p, (size_t)n);
}

/* Lays the collected cells out by column, gaps as empty cells. */
static void emit_row(mtm_table *t, xlsx *x, mtm_row *row) {
  int maxcol = 0;
  for (int i = 0; i < x->ncp; i++)
    if (x->cp[i].col > maxcol) maxcol = x->cp[i].col;
  mtm_table__cells_reserve(t, maxcol + 1);
  for (int i = 0; i <= maxcol; i++) t->cells[i] = (mtm_slice){"", 0};
  for (int i = 0; i < x->ncp; i++)
    t->cells[x->cp[i].col] = (mtm_slice){x->rowtext.p + x->cp[i].off, x->cp[i].len};
  row->row = x->row_r;
  row->n = maxcol + 1;
  row->cells = t->cells;
}

/* Runs the parser until a row with content is complete or the sheet ends. */
static int xlsx_next(mtm_table *t, mtm_row *row, mtm_err *err) {
  xlsx *x = t->impl;
  for (;;) {
    if (x->row_ready) {
      x->row_ready = 0;
      emit_row(t, x, row);
      return 1;
    }
    if (x->finished) return 0;
    XML_ParsingStatus ps;
    XML_GetParsingStatus(x->xp, &ps);
    enum XML_Status st;
    zip_int64_t r = 1;
    if (ps.parsing == XML_SUSPENDED)
      st = XML_ResumeParser(x->xp);
    else if (ps.parsing == XML_FINISHED) {
      x->finished = 1;
      continue;
    } else {
      void *buf = XML_GetBuffer(x->xp, CHUNK);
      if (!buf) return mtm_err_set(err, MTM_ENOMEM, "out of memory reading the sheet");
      r = zip_fread(x->zf, buf, CHUNK);
      if (r < 0)
        return bad(err, t->name, "the zip archive is damaged or truncated: %s",
                   zip_file_strerror(x->zf));
      st = XML_ParseBuffer(x->xp, (int)r, r == 0);
    }
    if (st == XML_STATUS_ERROR) {
      if (x->cb_failed) {
        if (err) *err = x->cb_err;
        return x->cb_err.code;
      }
      mtm_err_where(err, t->name, t->sheet, 0, NULL, NULL);
      return mtm_err_set(err, MTM_EINVAL,
                         "not a valid XLSX workbook (the sheet XML is damaged: %s at line "
                         "%lu)",
                         XML_ErrorString(XML_GetErrorCode(x->xp)),
                         (unsigned long)XML_GetCurrentLineNumber(x->xp));
    }
  }
}

static void xlsx_close(mtm_table *t) {
  xlsx *x = t->impl;
  if (!x) return;
  if (x->xp) XML_ParserFree(x->xp);
  if (x->zf) zip_fclose(x->zf);
  if (x->za) zip_discard(x->za);
  free(x->ss);
  free(x->ss_off);
  free(x->style);
  free(x->cp);
  mtm_buf_free(&x->text);
  mtm_buf_free(&x->rowtext);
  free(x);
  t->impl = NULL;
}

static const mtm_table_ops xlsx_ops = {xlsx_next, xlsx_close};

/* Lists the sheets a workbook has, for messages: 'a', 'b', 'c'. */
static void list_sheets(const meta *m, char *out, size_t n) {
  size_t k = 0;
  out[0] = 0;
  for (int i = 0; i < m->nsheets && k < n; i++)
    k += (size_t)snprintf(out + k, n - k, "%s'%s'", i ? ", " : "", m->sheets[i].name);
}

/* Opens the workbook, reads its parts and starts streaming the sheet. */
int mtm_table__xlsx_open(mtm_table *t, const char *path, const void *bytes, size_t len,
                         const char *sheet, mtm_err *err) {
  xlsx *x = mtm_xcalloc(1, sizeof *x);
  t->impl = x;
  t->ops = &xlsx_ops;
  x->t = t;
  mtm_buf_init(&x->text);
  mtm_buf_init(&x->rowtext);
  int rc = open_zip(t->name, path, bytes, len, &x->za, err);
  if (rc) return rc;
  mtm_arena a;
  mtm_arena_init(&a);
  meta m = {.a = &a};
  if ((rc = read_meta(x->za, t->name, &m, err))) goto out;
  x->date1904 = m.date1904;
  if (!m.nsheets) {
    rc = bad(err, t->name, "the workbook lists no sheets");
    goto out;
  }
  int pick = -1;
  if (!sheet)
    pick = 0;
  for (int i = 0; sheet && i < m.nsheets && pick < 0; i++)
    if (!strcmp(m.sheets[i].name, sheet)) pick = i;
  for (int i = 0; sheet && i < m.nsheets && pick < 0; i++)
    if (!mtm_strcasecmp(m.sheets[i].name, sheet)) pick = i;
  if (pick < 0) {
    char names[800];
    list_sheets(&m, names, sizeof names);
    mtm_err_where(err, t->name, NULL, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_ENOTFOUND, "there is no sheet '%s'; the workbook has %s", sheet,
                     names);
    goto out;
  }
  snprintf(t->sheet, sizeof t->sheet, "%s", m.sheets[pick].name);
  const char *entry = rel_target(&m, m.sheets[pick].rid, NULL);
  char fallback[64];
  if (!entry) {
    snprintf(fallback, sizeof fallback, "xl/worksheets/sheet%d.xml", pick + 1);
    entry = fallback;
  }
  /* Shared strings. */
  sst s = {0};
  mtm_buf_init(&s.text);
  const char *sst_name = rel_target(&m, NULL, "/sharedStrings");
  rc = parse_entry(x->za, sst_name ? sst_name : "xl/sharedStrings.xml", t->name, 1, sst_start,
                   sst_end, sst_chars, &s, err);
  x->ss = s.text.p;
  x->ss_off = s.off;
  x->nss = s.n;
  if (rc < 0) goto out;
  /* Styles: which cell formats are dates. */
  styles st = {.a = &a};
  const char *styles_name = rel_target(&m, NULL, "/styles");
  rc = parse_entry(x->za, styles_name ? styles_name : "xl/styles.xml", t->name, 1,
                   styles_start, styles_end, NULL, &st, err);
  x->style = st.kind;
  x->nstyle = st.nkind;
  if (rc < 0) goto out;
  /* The sheet stream. */
  zip_int64_t idx = zip_name_locate(x->za, entry, ZIP_FL_NOCASE);
  if (idx < 0) {
    rc = bad(err, t->name, "the sheet '%s' has no part %s", t->sheet, entry);
    goto out;
  }
  x->zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
  if (!x->zf) {
    rc = bad(err, t->name, "the zip archive is damaged or truncated: %s",
             zip_error_strerror(zip_get_error(x->za)));
    goto out;
  }
  x->xp = XML_ParserCreate("UTF-8");
  XML_SetUserData(x->xp, x);
  XML_SetElementHandler(x->xp, sheet_start, sheet_end);
  XML_SetCharacterDataHandler(x->xp, sheet_chars);
  rc = 0;
out:
  mtm_arena_free(&a);
  return rc;
}

/* Lists a workbook's sheet names, in workbook order. */
int mtm_table__xlsx_sheets(const char *path, const void *bytes, size_t len, mtm_arena *a,
                           char ***names, int *n, mtm_err *err) {
  zip_t *za = NULL;
  int rc = open_zip(path ? path : "workbook", path, bytes, len, &za, err);
  if (rc) return rc;
  meta m = {.a = a};
  rc = parse_entry(za, "xl/workbook.xml", path ? path : "workbook", 0, wb_start, no_end, NULL, &m, err);
  zip_discard(za);
  if (rc < 0) return rc;
  *names = mtm_arena_alloc(a, (size_t)(m.nsheets + 1) * sizeof(char *));
  for (int i = 0; i < m.nsheets; i++) (*names)[i] = m.sheets[i].name;
  (*names)[m.nsheets] = NULL;
  *n = m.nsheets;
  return 0;
}
