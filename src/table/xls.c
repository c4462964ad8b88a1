/* XLS reader (legacy Excel 97-2003 and Excel 5/95 workbooks), mtm's own.
 *
 * Two layers. The OLE2 compound file (a little FAT file system inside the
 * file: header, DIFAT, FAT, directory, mini stream) is read to get the
 * "Workbook" (BIFF8) or "Book" (BIFF5) stream into memory. Then the BIFF
 * records of that stream are read: the workbook globals (sheet list, shared
 * strings, code page, date system, cell formats) and the records of the one
 * sheet asked for, whose cells are collected, sorted by row and column and
 * handed out one row at a time.
 *
 * Every sector number, chain, directory link, record length and string
 * length is checked before use: a damaged file gives an error naming what is
 * wrong, never a read out of bounds or an endless loop. */
#include "table/table_int.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- little helpers ------------------------------------------------------ */

/* Reads a little-endian 16-bit value. */
static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

/* Reads a little-endian 32-bit value. */
static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Fills err with "FILE: not a valid XLS workbook (...)" at the given place
 * (sheet NULL and row 0 for the whole file). Returns MTM_EINVAL. */
static int bad_at(mtm_err *err, const char *file, const char *sheet, long row, int col,
                  const char *fmt, ...) MTM_PRINTF(6, 7);
static int bad_at(mtm_err *err, const char *file, const char *sheet, long row, int col,
                  const char *fmt, ...) {
  char why[700];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  char letters[8];
  if (col >= 0) mtm_table_column_name(col, letters);
  mtm_err_where(err, file, sheet, row, col >= 0 ? letters : NULL, NULL);
  return mtm_err_set(err, MTM_EINVAL, "not a valid XLS workbook (%s)", why);
}

#define BAD(...) bad_at(err, name, NULL, 0, -1, __VA_ARGS__)

/* Appends code point c as UTF-8; NUL is dropped (cells are C strings). */
static void put_utf8(mtm_buf *b, uint32_t c) {
  char u[4];
  if (c == 0) return;
  if (c < 0x80) {
    mtm_buf_addc(b, (char)c);
  } else if (c < 0x800) {
    u[0] = (char)(0xC0 | c >> 6);
    u[1] = (char)(0x80 | (c & 0x3F));
    mtm_buf_add(b, u, 2);
  } else if (c < 0x10000) {
    u[0] = (char)(0xE0 | c >> 12);
    u[1] = (char)(0x80 | (c >> 6 & 0x3F));
    u[2] = (char)(0x80 | (c & 0x3F));
    mtm_buf_add(b, u, 3);
  } else {
    u[0] = (char)(0xF0 | c >> 18);
    u[1] = (char)(0x80 | (c >> 12 & 0x3F));
    u[2] = (char)(0x80 | (c >> 6 & 0x3F));
    u[3] = (char)(0x80 | (c & 0x3F));
    mtm_buf_add(b, u, 4);
  }
}

/* Appends n UTF-16LE units as UTF-8. *hi carries a high surrogate waiting
 * for its low half across calls (a string may be split between records);
 * a surrogate without its partner becomes U+FFFD. */
static void put_utf16(mtm_buf *b, const unsigned char *p, size_t n, uint32_t *hi) {
  for (size_t i = 0; i < n; i++) {
    uint32_t u = rd16(p + 2 * i);
    if (*hi) {
      if (u >= 0xDC00 && u <= 0xDFFF) {
        put_utf8(b, 0x10000 + ((*hi - 0xD800) << 10) + (u - 0xDC00));
        *hi = 0;
        continue;
      }
      put_utf8(b, 0xFFFD);
      *hi = 0;
    }
    if (u >= 0xD800 && u <= 0xDBFF)
      *hi = u;
    else if (u >= 0xDC00 && u <= 0xDFFF)
      put_utf8(b, 0xFFFD);
    else
      put_utf8(b, u);
  }
}

/* ---- the OLE2 compound file --------------------------------------------- */

#define SECT_FREE 0xFFFFFFFFu
#define SECT_END 0xFFFFFFFEu
#define NOSTREAM 0xFFFFFFFFu

typedef struct cfb {
  const unsigned char *p; /* the whole file */
  size_t n;
  unsigned shift;   /* sector size is 1 << shift (512 or 4096) */
  size_t ssz;
  uint32_t nsec;    /* sectors that start inside the file */
  uint32_t *fat;
  uint32_t nfat;    /* entries in the FAT */
  const char *name; /* for messages */
} cfb;

/* Follows a chain of sectors from start through next[] (the FAT or the mini
 * FAT) and appends the sectors' bytes to out until want bytes are read, or
 * to the end of the chain when want is SIZE_MAX. Sector s lies at
 * base + s * size in src. what names the stream in messages. A sector number
 * out of range, a chain that comes back to a sector it already passed, a
 * chain shorter than want and a sector beyond the end of src are errors.
 * The last sector of the file may be short: its missing bytes read as 0. */
static int read_chain(const cfb *c, const uint32_t *next, uint32_t nnext, uint32_t start,
                      const unsigned char *src, size_t srclen, size_t base, size_t size,
                      size_t want, const char *what, mtm_buf *out, mtm_err *err) {
  const char *name = c->name;
  unsigned char *seen = mtm_xcalloc((size_t)nnext / 8 + 1, 1);
  uint32_t s = start;
  size_t got = 0;
  int rc = 0;
  while (got < want) {
    if (s == SECT_END) {
      if (want != SIZE_MAX)
        rc = BAD("the %s stream is cut short: its chain of sectors ends after %zu of %zu "
                 "bytes",
                 what, got, want);
      break;
    }
    if (s >= nnext) {
      rc = BAD("the %s stream's chain of sectors refers to sector %u, but there are only %u",
               what, s, nnext);
      break;
    }
    if (seen[s / 8] & (1u << (s % 8))) {
      rc = BAD("the %s stream's chain of sectors loops back to sector %u", what, s);
      break;
    }
    seen[s / 8] |= (unsigned char)(1u << (s % 8));
    size_t off = base + (size_t)s * size;
    if (off >= srclen) {
      rc = src == c->p ? BAD("the file is cut short: it ends at byte %zu, before sector %u of "
                             "the %s stream",
                             srclen, s, what)
                       : BAD("the %s stream refers to mini sector %u, past the end of the "
                             "mini stream",
                             what, s);
      break;
    }
    size_t take = want - got < size ? want - got : size;
    size_t have = srclen - off < take ? srclen - off : take;
    mtm_buf_add(out, src + off, have);
    if (have < take) {
      mtm_buf_reserve(out, take - have);
      memset(out->p + out->n, 0, take - have);
      out->n += take - have;
    }
    got += take;
    s = next[s];
  }
  free(seen);
  return rc;
}

/* Reads the header, the DIFAT and the FAT of the compound file in c->p. */
static int cfb_open(cfb *c, mtm_err *err) {
  const char *name = c->name;
  const unsigned char *h = c->p;
  if (c->n >= 4 && !memcmp(h, "PK\x03\x04", 4))
    return BAD("it is a zip archive, perhaps an .xlsx workbook: rename it to .xlsx");
  if (c->n < 8 || memcmp(h, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
    return BAD("it does not start like an Excel 97-2003 file");
  if (c->n < 512) return BAD("the file is cut short: it has only %zu bytes", c->n);
  unsigned major = rd16(h + 0x1A), shift = rd16(h + 0x1E);
  if (rd16(h + 0x1C) != 0xFFFE || !((major == 3 && shift == 9) || (major == 4 && shift == 12)) ||
      rd16(h + 0x20) != 6)
    return BAD("the file header is damaged (version %u, sectors of 2^%u bytes)", major, shift);
  c->shift = shift;
  c->ssz = (size_t)1 << shift;
  if (c->n <= c->ssz) return BAD("the file is cut short: it has only %zu bytes", c->n);
  c->nsec = (uint32_t)((c->n - c->ssz + c->ssz - 1) >> shift);
  uint32_t nfatsec = rd32(h + 0x2C);
  uint32_t difat_start = rd32(h + 0x44), ndifat = rd32(h + 0x48);
  if (nfatsec == 0 || nfatsec > c->nsec)
    return BAD("the file is cut short or its header is damaged: the header counts %u FAT "
               "sectors, the file has %u sectors",
               nfatsec, c->nsec);
  if (ndifat > c->nsec)
    return BAD("the file header is damaged (it counts %u DIFAT sectors in a file of %u "
               "sectors)",
               ndifat, c->nsec);
  /* The DIFAT: the FAT's own sector numbers, 109 in the header, the rest in
   * a chain of DIFAT sectors whose last entry links to the next. */
  uint32_t *fatsecs = mtm_xmalloc((size_t)nfatsec * sizeof *fatsecs);
  uint32_t k = 0;
  for (uint32_t i = 0; i < 109 && k < nfatsec; i++) fatsecs[k++] = rd32(h + 0x4C + 4 * i);
  uint32_t per = (uint32_t)(c->ssz / 4) - 1, d = difat_start, visited = 0;
  int rc = 0;
  while (k < nfatsec) {
    if (d >= c->nsec) {
      rc = d == SECT_END || d == SECT_FREE
               ? BAD("the FAT is incomplete: the file lists %u of its %u FAT sectors", k,
                     nfatsec)
               : BAD("the DIFAT refers to sector %u, but the file has only %u sectors", d,
                     c->nsec);
      goto out;
    }
    if (++visited > ndifat) {
      rc = BAD("the DIFAT has more sectors than the %u its header counts (its chain may "
               "loop)",
               ndifat);
      goto out;
    }
    const unsigned char *ds = c->p + ((size_t)(d + 1) << shift);
    if ((size_t)(ds - c->p) + c->ssz > c->n) {
      rc = BAD("the file is cut short: it ends at byte %zu, inside the DIFAT", c->n);
      goto out;
    }
    for (uint32_t i = 0; i < per && k < nfatsec; i++) fatsecs[k++] = rd32(ds + 4 * i);
    d = rd32(ds + 4 * per);
  }
  /* The FAT: the next sector of every sector. */
  c->nfat = (uint32_t)((size_t)nfatsec * (c->ssz / 4));
  c->fat = mtm_xmalloc((size_t)c->nfat * sizeof *c->fat);
  for (uint32_t i = 0; i < nfatsec; i++) {
    uint32_t s = fatsecs[i];
    if (s >= c->nsec) {
      rc = s >= 0xFFFFFFFAu ? BAD("the FAT is incomplete: FAT sector %u of %u is missing", i + 1,
                                  nfatsec)
                            : BAD("the file is cut short: FAT sector %u lies past its end (byte "
                                  "%zu)",
                                  s, c->n);
      goto out;
    }
    size_t off = (size_t)(s + 1) << shift;
    size_t have = c->n - off < c->ssz ? c->n - off : c->ssz;
    for (size_t j = 0; j < c->ssz / 4; j++)
      c->fat[(size_t)i * (c->ssz / 4) + j] = 4 * j + 4 <= have ? rd32(c->p + off + 4 * j)
                                                               : SECT_FREE;
  }
out:
  free(fatsecs);
  return rc;
}

/* Compares a directory entry's UTF-16 name with ASCII want, ignoring case. */
static int dir_name_is(const unsigned char *e, const char *want) {
  unsigned len = rd16(e + 0x40);
  size_t n = strlen(want);
  if (len != 2 * (n + 1) || len > 64) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned u = rd16(e + 2 * i);
    if (u >= 0x80 || (u | 0x20) != ((unsigned)want[i] | 0x20)) return 0;
  }
  return 1;
}

/* Reads the workbook stream ("Workbook", else "Book") of the compound file
 * into out: finds it among the root storage's children (a red-black tree of
 * directory entries walked with an explicit stack), then reads its chain of
 * sectors, from the mini stream when it is smaller than the cutoff. */
static int cfb_workbook(cfb *c, mtm_buf *out, mtm_err *err) {
  const char *name = c->name;
  const unsigned char *h = c->p;
  mtm_buf dir;
  mtm_buf_init(&dir);
  int rc = read_chain(c, c->fat, c->nfat, rd32(h + 0x30), c->p, c->n, c->ssz, c->ssz, SIZE_MAX,
                      "directory", &dir, err);
  uint32_t nent = (uint32_t)(dir.n / 128);
  uint32_t *stack = NULL;
  unsigned char *seen = NULL;
  mtm_buf mini, minifat;
  mtm_buf_init(&mini);
  mtm_buf_init(&minifat);
  if (rc) goto out;
  const unsigned char *root = (const unsigned char *)dir.p;
  if (nent == 0 || root[0x42] != 5) {
    rc = BAD("the directory of the file is damaged (it has no root entry)");
    goto out;
  }
  /* Walk the root's children. */
  stack = mtm_xmalloc(((size_t)nent + 1) * 2 * sizeof *stack);
  seen = mtm_xcalloc(nent, 1);
  uint32_t top = 0, book = NOSTREAM, workbook = NOSTREAM;
  uint32_t child = rd32(root + 0x4C);
  if (child != NOSTREAM) stack[top++] = child;
  while (top) {
    uint32_t id = stack[--top];
    if (id >= nent || seen[id]) {
      rc = BAD("the directory of the file is damaged (entry %u is %s)", id,
               id >= nent ? "out of range" : "linked twice");
      goto out;
    }
    seen[id] = 1;
    const unsigned char *e = root + (size_t)id * 128;
    if (e[0x42] == 2 && dir_name_is(e, "Workbook") && workbook == NOSTREAM) workbook = id;
    if (e[0x42] == 2 && dir_name_is(e, "Book") && book == NOSTREAM) book = id;
    uint32_t left = rd32(e + 0x44), right = rd32(e + 0x48);
    /* Each entry is taken once, so the stack never holds more than
     * 1 + (entries taken) ids. */
    if (left != NOSTREAM) stack[top++] = left;
    if (right != NOSTREAM) stack[top++] = right;
  }
  uint32_t id = workbook != NOSTREAM ? workbook : book;
  if (id == NOSTREAM) {
    rc = BAD("it has no Workbook stream; it may be another kind of Office file");
    goto out;
  }
  const unsigned char *e = root + (size_t)id * 128;
  uint64_t size = rd32(e + 0x78);
  if (c->shift == 12) size |= (uint64_t)rd32(e + 0x7C) << 32;
  uint32_t start = rd32(e + 0x74);
  if (size > c->n) {
    rc = BAD("the Workbook stream claims %llu bytes in a file of %zu", (unsigned long long)size,
             c->n);
    goto out;
  }
  if (size < rd32(h + 0x38)) {
    /* A small stream lives in the mini stream: 64-byte sectors inside the
     * root entry's stream, chained by the mini FAT. */
    uint64_t msize = rd32(root + 0x78);
    if (c->shift == 12) msize |= (uint64_t)rd32(root + 0x7C) << 32;
    if (msize > c->n) {
      rc = BAD("the mini stream claims %llu bytes in a file of %zu", (unsigned long long)msize,
               c->n);
      goto out;
    }
    uint32_t nminisec = rd32(h + 0x40);
    if (nminisec > c->nsec) {
      rc = BAD("the file header is damaged (it counts %u mini FAT sectors in a file of %u "
               "sectors)",
               nminisec, c->nsec);
      goto out;
    }
    if ((rc = read_chain(c, c->fat, c->nfat, rd32(root + 0x74), c->p, c->n, c->ssz, c->ssz,
                         (size_t)msize, "mini", &mini, err)) ||
        (rc = read_chain(c, c->fat, c->nfat, rd32(h + 0x3C), c->p, c->n, c->ssz, c->ssz,
                         (size_t)nminisec << c->shift, "mini FAT", &minifat, err)))
      goto out;
    uint32_t nmf = (uint32_t)(minifat.n / 4);
    uint32_t *mf = mtm_xmalloc(((size_t)nmf + 1) * sizeof *mf);
    for (uint32_t i = 0; i < nmf; i++) mf[i] = rd32((const unsigned char *)minifat.p + 4 * i);
    rc = read_chain(c, mf, nmf, start, (const unsigned char *)mini.p, mini.n, 0, 64,
                    (size_t)size, "Workbook", out, err);
    free(mf);
  } else {
    rc = read_chain(c, c->fat, c->nfat, start, c->p, c->n, c->ssz, c->ssz, (size_t)size,
                    "Workbook", out, err);
  }
out:
  free(stack);
  free(seen);
  mtm_buf_free(&dir);
  mtm_buf_free(&mini);
  mtm_buf_free(&minifat);
  return rc;
}

/* ---- BIFF records --------------------------------------------------------- */

enum {
  R_FORMULA = 0x0006, R_EOF = 0x000A, R_DATEMODE = 0x0022, R_FILEPASS = 0x002F,
  R_CONTINUE = 0x003C, R_CODEPAGE = 0x0042, R_BOUNDSHEET = 0x0085, R_MULRK = 0x00BD,
  R_RSTRING = 0x00D6, R_XF = 0x00E0, R_SST = 0x00FC, R_LABELSST = 0x00FD,
  R_NUMBER = 0x0203, R_LABEL = 0x0204, R_BOOLERR = 0x0205, R_STRING = 0x0207,
  R_RK = 0x027E, R_FORMAT = 0x041E, R_BOF = 0x0809
};

/* One logical record: its data joined with the CONTINUE records after it;
 * bounds[] are the offsets in d where each CONTINUE's data starts. */
typedef struct rec {
  unsigned id;
  size_t at; /* offset of the record in the stream */
  const unsigned char *d;
  size_t n;
  size_t *bounds;
  int nb, capb;
  mtm_buf join; /* the joined data when there are CONTINUE records */
} rec;

typedef struct sheetinfo {
  char *name; /* UTF-8 (malloc) */
  uint32_t pos;
} sheetinfo;

typedef struct cell {
  uint32_t row, col, seq, len;
  size_t off;
} cell;

typedef struct xls {
  const char *name;       /* file name for messages */
  unsigned char *wb;      /* the workbook stream (malloc) */
  size_t nwb;
  int biff8;              /* 1 BIFF8, 0 BIFF5 */
  int date1904;
  unsigned codepage;
  iconv_t cd;             /* codepage to UTF-8, opened when first needed */
  unsigned cd_page;
  /* the globals */
  sheetinfo *sheets;
  int nsheets, capsheets;
  char *ss;               /* shared strings, each NUL-terminated (malloc) */
  size_t *ss_off;
  size_t nss;
  uint16_t *xf_fmt;       /* number format of every XF */
  int nxf, capxf;
  struct fmtcode { unsigned id; char *code; } *fmts;
  int nfmts, capfmts;
  unsigned char *kind;    /* MTM_TABLE__PLAIN/DATE/TIME per XF */
  /* the sheet */
  cell *cells;
  size_t ncells, capcells, next;
  mtm_buf text;
  rec r;
  mtm_buf tmp;
} xls;

/* Reads the record at *pos of the stream with its CONTINUE records into r
 * and moves *pos past them. Returns 1, 0 at the end of the stream, or an
 * error (in sheet, NULL for the globals) when a record runs past the end. */
static int next_rec(xls *x, size_t *pos, rec *r, const char *sheet, mtm_err *err) {
  const char *name = x->name;
  size_t p = *pos;
  if (p + 4 > x->nwb) return 0;
  r->id = rd16(x->wb + p);
  r->at = p;
  size_t len = rd16(x->wb + p + 2);
  if (p + 4 + len > x->nwb)
    return bad_at(err, name, sheet, 0, -1,
                  "the workbook stream is cut short: record 0x%04X at byte %zu needs %zu "
                  "bytes, only %zu are left",
                  r->id, p, len, x->nwb - p - 4);
  r->d = x->wb + p + 4;
  r->n = len;
  r->nb = 0;
  p += 4 + len;
  if (p + 4 <= x->nwb && rd16(x->wb + p) == R_CONTINUE && r->id != R_CONTINUE) {
    mtm_buf_reset(&r->join);
    mtm_buf_add(&r->join, r->d, r->n);
    while (p + 4 <= x->nwb && rd16(x->wb + p) == R_CONTINUE) {
      size_t cl = rd16(x->wb + p + 2);
      if (p + 4 + cl > x->nwb)
        return bad_at(err, name, sheet, 0, -1,
                      "the workbook stream is cut short: a CONTINUE record at byte %zu needs "
                      "%zu bytes, only %zu are left",
                      p, cl, x->nwb - p - 4);
      if (r->nb == r->capb) {
        r->capb = r->capb ? 2 * r->capb : 16;
        r->bounds = mtm_xrealloc(r->bounds, (size_t)r->capb * sizeof *r->bounds);
      }
      r->bounds[r->nb++] = r->join.n;
      mtm_buf_add(&r->join, x->wb + p + 4, cl);
      p += 4 + cl;
    }
    r->d = (const unsigned char *)r->join.p;
    r->n = r->join.n;
  }
  *pos = p;
  return 1;
}

/* Converts n bytes of 8-bit text in the workbook's code page to UTF-8.
 * Bytes the code page does not define become U+FFFD. */
static int put_8bit(xls *x, mtm_buf *b, const unsigned char *s, size_t n, mtm_err *err) {
  const char *name = x->name;
  unsigned cp = x->codepage;
  int plain = 1;
  for (size_t i = 0; i < n; i++)
    if (s[i] >= 0x80) plain = 0;
  if (plain || cp == 1200 || cp == 28591) { /* ASCII, or Latin-1 (BIFF8's "compressed") */
    for (size_t i = 0; i < n; i++) put_utf8(b, s[i]);
    return 0;
  }
  if (x->cd == (iconv_t)-1 || x->cd_page != cp) {
    if (x->cd != (iconv_t)-1) iconv_close(x->cd);
    char cname[32];
    if (cp == 10000 || cp == 32768)
      snprintf(cname, sizeof cname, "MACINTOSH");
    else if (cp == 367 || cp == 32769)
      snprintf(cname, sizeof cname, "CP1252");
    else if (cp == 1361)
      snprintf(cname, sizeof cname, "JOHAB");
    else
      snprintf(cname, sizeof cname, "CP%u", cp);
    x->cd = iconv_open("UTF-8", cname);
    x->cd_page = cp;
    if (x->cd == (iconv_t)-1)
      return BAD("its text uses code page %u, which mtm cannot convert", cp);
  }
  iconv(x->cd, NULL, NULL, NULL, NULL);
  size_t from = b->n;
  char *in = (char *)s;
  size_t inleft = n;
  while (inleft) {
    mtm_buf_reserve(b, 4 * inleft + 8);
    char *o = b->p + b->n;
    size_t oleft = b->cap - b->n - 1;
    size_t r = iconv(x->cd, &in, &inleft, &o, &oleft);
    b->n = (size_t)(o - b->p);
    if (r == (size_t)-1 && errno != E2BIG) { /* a byte the code page lacks */
      put_utf8(b, 0xFFFD);
      in++;
      inleft--;
      iconv(x->cd, NULL, NULL, NULL, NULL);
    }
  }
  size_t k = from; /* iconv may give U+0000: drop it */
  for (size_t i = from; i < b->n; i++)
    if (b->p[i]) b->p[k++] = b->p[i];
  b->n = k;
  return 0;
}

/* A cursor over a record's data that knows where its CONTINUE parts begin. */
typedef struct cur {
  const rec *r;
  size_t pos;
  int bi; /* the first boundary >= pos */
} cur;

/* Reads a string at c into out as UTF-8. BIFF8: a 1- or 2-byte character
 * count (lenbytes), an options byte (bit 0: 16-bit characters; bit 2:
 * phonetic data follows; bit 3: rich-text runs follow), the counts of runs
 * and phonetic bytes, the characters, then the runs and phonetic data,
 * which are skipped. Where a CONTINUE record splits the characters it
 * starts with a fresh options byte. BIFF5: the count, then 8-bit text in the
 * code page. Returns 0, or 1 when the data ends too soon. */
static int read_str(xls *x, cur *c, int lenbytes, mtm_buf *out, mtm_err *err) {
  const rec *r = c->r;
  const unsigned char *d = r->d;
  size_t n = r->n;
  if (c->pos + (size_t)lenbytes > n) return 1;
  size_t cch = lenbytes == 1 ? d[c->pos] : rd16(d + c->pos);
  c->pos += (size_t)lenbytes;
  if (!x->biff8) {
    if (cch > n - c->pos) return 1;
    int rc = put_8bit(x, out, d + c->pos, cch, err);
    c->pos += cch;
    return rc < 0 ? rc : 0;
  }
  if (c->pos + 1 > n) return 1;
  unsigned flags = d[c->pos++];
  size_t runs = 0, ext = 0;
  if (flags & 8) {
    if (c->pos + 2 > n) return 1;
    runs = rd16(d + c->pos);
    c->pos += 2;
  }
  if (flags & 4) {
    if (c->pos + 4 > n) return 1;
    ext = rd32(d + c->pos);
    c->pos += 4;
  }
  uint32_t hi = 0;
  size_t got = 0;
  while (got < cch) {
    while (c->bi < r->nb && r->bounds[c->bi] < c->pos) c->bi++;
    size_t lim = c->bi < r->nb ? r->bounds[c->bi] : n;
    if (c->pos >= lim) {
      if (lim >= n) return 1;
      flags = d[c->pos++]; /* a CONTINUE restarts with an options byte */
      continue;
    }
    size_t w = (flags & 1) ? 2 : 1;
    size_t avail = (lim - c->pos) / w;
    if (!avail) { /* a stray byte before the boundary */
      c->pos = lim;
      continue;
    }
    size_t take = cch - got < avail ? cch - got : avail;
    if (w == 2)
      put_utf16(out, d + c->pos, take, &hi);
    else
      for (size_t i = 0; i < take; i++) put_utf8(out, d[c->pos + i]);
    c->pos += take * w;
    got += take;
  }
  if (hi) put_utf8(out, 0xFFFD);
  if (4 * runs + ext > n - c->pos) return 1;
  c->pos += 4 * runs + ext;
  return 0;
}

/* Reads the shared string table (SST with its CONTINUE records). */
static int read_sst(xls *x, const rec *r, mtm_err *err) {
  const char *name = x->name;
  if (r->n < 8) return BAD("the shared string table is cut short");
  uint32_t want = rd32(r->d + 4);
  mtm_buf text;
  mtm_buf_init(&text);
  size_t cap = 0;
  cur c = {r, 8, 0};
  int rc = 0;
  for (uint32_t i = 0; i < want && c.pos < r->n; i++) {
    if (x->nss == cap) {
      cap = cap ? 2 * cap : 256;
      x->ss_off = mtm_xrealloc(x->ss_off, cap * sizeof *x->ss_off);
    }
    x->ss_off[x->nss] = text.n;
    int s = read_str(x, &c, 2, &text, err);
    if (s) {
      rc = s < 0 ? s
                 : BAD("the shared string table is cut short: string %zu of %u runs past "
                       "its end",
                       x->nss + 1, want);
      break;
    }
    mtm_buf_addc(&text, 0);
    x->nss++;
  }
  x->ss = text.p;
  return rc;
}

/* Decodes an RK number: a 30-bit integer or the top 30 bits of a double,
 * divided by 100 when bit 0 is set. */
static double rk_value(uint32_t rk) {
  double v;
  if (rk & 2) {
    v = (double)((int32_t)rk >> 2);
  } else {
    uint64_t bits = (uint64_t)(rk & 0xFFFFFFFCu) << 32;
    memcpy(&v, &bits, sizeof v);
  }
  return (rk & 1) ? v / 100 : v;
}

/* Reads a little-endian IEEE double. */
static double rd_double(const unsigned char *p) {
  uint64_t bits = (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
  double v;
  memcpy(&v, &bits, sizeof v);
  return v;
}

/* Adds a cell with text s[0..n) at (row, col); empty text adds nothing. */
static void add_cell(xls *x, unsigned row, unsigned col, const char *s, size_t n) {
  if (!n) return;
  if (x->ncells == x->capcells) {
    x->capcells = x->capcells ? 2 * x->capcells : 256;
    x->cells = mtm_xrealloc(x->cells, x->capcells * sizeof *x->cells);
  }
  x->cells[x->ncells] = (cell){row, col, (uint32_t)x->ncells, (uint32_t)n, x->text.n};
  x->ncells++;
  mtm_buf_add(&x->text, s, n);
  mtm_buf_addc(&x->text, 0);
}

/* Adds a number cell: as a date or time when its XF's format says so (and
 * the value is a date Excel can show), else as the shortest number text. */
static void add_number(xls *x, unsigned row, unsigned col, unsigned xf, double v) {
  char out[32];
  int kind = (int)xf < x->nxf ? x->kind[xf] : MTM_TABLE__PLAIN;
  if (v != v || v - v != 0) /* NaN or infinity: no Excel cell holds one */
    snprintf(out, sizeof out, "#NUM!");
  else if (kind != MTM_TABLE__PLAIN && v >= 0 && v < 2958466)
    mtm_table__excel_date(v, x->date1904, kind == MTM_TABLE__TIME, out);
  else
    mtm_table__number(v, out);
  add_cell(x, row, col, out, strlen(out));
}

/* The text Excel shows for an error code. */
static const char *error_text(unsigned code) {
  switch (code) {
  case 0x00: return "#NULL!";
  case 0x07: return "#DIV/0!";
  case 0x0F: return "#VALUE!";
  case 0x17: return "#REF!";
  case 0x1D: return "#NAME?";
  case 0x24: return "#NUM!";
  case 0x2A: return "#N/A";
  case 0x2B: return "#GETTING_DATA";
  default: return "#ERROR!";
  }
}

/* Adds a boolean (err 0) or error (err 1) cell. */
static void add_boolerr(xls *x, unsigned row, unsigned col, unsigned v, int is_err) {
  const char *s = is_err ? error_text(v) : v ? "TRUE" : "FALSE";
  add_cell(x, row, col, s, strlen(s));
}

/* Orders cells by row, then column, then the order they were read in. */
static int cell_cmp(const void *a, const void *b) {
  const cell *p = a, *q = b;
  if (p->row != q->row) return p->row < q->row ? -1 : 1;
  if (p->col != q->col) return p->col < q->col ? -1 : 1;
  return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* Reads the records of the sheet whose BOF is at pos and collects its
 * cells, then sorts them. Records of substreams inside the sheet (embedded
 * charts) are passed over. */
static int read_sheet(xls *x, const char *sheet, size_t pos, mtm_err *err) {
  const char *name = x->name;
  rec *r = &x->r;
  int depth = 0, rc;
  long pend_row = -1; /* a string FORMULA waiting for its STRING record */
  unsigned pend_col = 0;
  if (pos >= x->nwb)
    return bad_at(err, name, sheet, 0, -1,
                  "the sheet starts at byte %zu, past the end of the workbook stream (%zu "
                  "bytes)",
                  pos, x->nwb);
  while ((rc = next_rec(x, &pos, r, sheet, err)) == 1) {
    if (r->id == R_BOF || r->id == 0x0409 || r->id == 0x0209 || r->id == 0x0009) {
      depth++;
      continue;
    }
    if (!depth)
      return bad_at(err, name, sheet, 0, -1,
                    "the sheet does not start with a BOF record (found 0x%04X at byte %zu)",
                    r->id, r->at);
    if (r->id == R_EOF) {
      if (--depth == 0) break;
      continue;
    }
    if (depth > 1) continue;
    const unsigned char *d = r->d;
    size_t n = r->n;
    unsigned id = r->id;
    size_t need = 0;
    switch (id) {
    case R_LABELSST: need = 10; break;
    case R_LABEL: case R_RSTRING: need = 8; break;
    case R_NUMBER: need = 14; break;
    case R_RK: need = 10; break;
    case R_MULRK: need = 6; break;
    case R_BOOLERR: need = 8; break;
    case R_FORMULA: need = 14; break;
    default: break;
    }
    if (id != R_STRING && id != R_CONTINUE && need) pend_row = -1;
    if (!need && id != R_STRING) continue;
    if (n < need)
      return bad_at(err, name, sheet, 0, -1,
                    "record 0x%04X at byte %zu of the workbook stream is too short (%zu bytes)",
                    id, r->at, n);
    unsigned row = need ? rd16(d) : 0, col = need ? rd16(d + 2) : 0,
             xf = need ? rd16(d + 4) : 0;
    switch (id) {
    case R_LABELSST: {
      uint32_t i = rd32(d + 6);
      if (i >= x->nss)
        return bad_at(err, name, sheet, (long)row + 1, (int)col,
                      "the cell refers to shared string %u, but there are only %zu", i, x->nss);
      const char *s = x->ss + x->ss_off[i];
      add_cell(x, row, col, s, strlen(s));
      break;
    }
    case R_LABEL:
    case R_RSTRING: {
      cur c = {r, 6, 0};
      mtm_buf_reset(&x->tmp);
      int s = read_str(x, &c, 2, &x->tmp, err);
      if (s < 0) return s;
      if (s)
        return bad_at(err, name, sheet, (long)row + 1, (int)col,
                      "the text of the cell runs past the end of its record");
      add_cell(x, row, col, x->tmp.p ? x->tmp.p : "", x->tmp.n);
      break;
    }
    case R_NUMBER: add_number(x, row, col, xf, rd_double(d + 6)); break;
    case R_RK: add_number(x, row, col, xf, rk_value(rd32(d + 6))); break;
    case R_MULRK: {
      size_t k = (n - 6) / 6;
      for (size_t i = 0; i < k; i++)
        add_number(x, row, col + (unsigned)i, rd16(d + 4 + 6 * i), rk_value(rd32(d + 6 + 6 * i)));
      break;
    }
    case R_BOOLERR: add_boolerr(x, row, col, d[6], d[7] != 0); break;
    case R_FORMULA:
      if (rd16(d + 12) != 0xFFFF) {
        add_number(x, row, col, xf, rd_double(d + 6));
      } else if (d[6] == 0) {
        pend_row = row;
        pend_col = col;
      } else if (d[6] == 1 || d[6] == 2) {
        add_boolerr(x, row, col, d[8], d[6] == 2);
      } /* 3: an empty string */
      break;
    case R_STRING: {
      if (pend_row < 0) break;
      cur c = {r, 0, 0};
      mtm_buf_reset(&x->tmp);
      int s = read_str(x, &c, 2, &x->tmp, err);
      if (s < 0) return s;
      if (s)
        return bad_at(err, name, sheet, pend_row + 1, (int)pend_col,
                      "the formula's text result runs past the end of its record");
      add_cell(x, (unsigned)pend_row, pend_col, x->tmp.p ? x->tmp.p : "", x->tmp.n);
      pend_row = -1;
      break;
    }
    }
  }
  if (rc < 0) return rc;
  if (depth)
    return bad_at(err, name, sheet, 0, -1, "the workbook stream ends inside the sheet");
  if (x->ncells) qsort(x->cells, x->ncells, sizeof *x->cells, cell_cmp);
  /* Of two cells at one place the later one wins: drop the earlier. */
  size_t k = 0;
  for (size_t i = 0; i < x->ncells; i++) {
    if (k && x->cells[k - 1].row == x->cells[i].row && x->cells[k - 1].col == x->cells[i].col)
      k--;
    x->cells[k++] = x->cells[i];
  }
  x->ncells = k;
  return 0;
}

/* Reads the workbook globals: the BOF, the code page, the date system, the
 * formats and XFs, the sheet list and the shared strings, up to the EOF. */
static int read_globals(xls *x, mtm_err *err) {
  const char *name = x->name;
  size_t pos = 0;
  rec *r = &x->r;
  int rc = next_rec(x, &pos, r, NULL, err);
  if (rc < 0) return rc;
  if (rc == 0 || (r->id & 0xFF) != 0x09 || (r->id >> 8) > 8)
    return BAD("the workbook stream does not start with a BOF record");
  if (r->id != R_BOF || r->n < 4)
    return BAD("it is an Excel 2, 3 or 4 file, which mtm cannot read; save it as .xlsx");
  unsigned vers = rd16(r->d);
  if (vers == 0x0600)
    x->biff8 = 1;
  else if (vers == 0x0500)
    x->biff8 = 0;
  else
    return BAD("its BIFF version 0x%04X is not one mtm reads (Excel 5 to 2003)", vers);
  x->codepage = x->biff8 ? 1200 : 1252;
  while ((rc = next_rec(x, &pos, r, NULL, err)) == 1) {
    const unsigned char *d = r->d;
    size_t n = r->n;
    switch (r->id) {
    case R_EOF: goto done;
    case R_FILEPASS:
      return BAD("it is protected with a password; open it in Excel, remove the password and "
                 "save it again");
    case R_CODEPAGE:
      if (n >= 2) x->codepage = rd16(d);
      break;
    case R_DATEMODE:
      if (n >= 2) x->date1904 = rd16(d) == 1;
      break;
    case R_XF:
      if (n < 4) return BAD("an XF record at byte %zu is too short", r->at);
      if (x->nxf == x->capxf) {
        x->capxf = x->capxf ? 2 * x->capxf : 64;
        x->xf_fmt = mtm_xrealloc(x->xf_fmt, (size_t)x->capxf * sizeof *x->xf_fmt);
      }
      x->xf_fmt[x->nxf++] = (uint16_t)rd16(d + 2);
      break;
    case R_FORMAT: {
      if (n < 3) return BAD("a FORMAT record at byte %zu is too short", r->at);
      cur c = {r, 2, 0};
      mtm_buf_reset(&x->tmp);
      int s = read_str(x, &c, x->biff8 ? 2 : 1, &x->tmp, err);
      if (s < 0) return s;
      if (s) return BAD("a FORMAT record at byte %zu is cut short", r->at);
      if (x->nfmts == x->capfmts) {
        x->capfmts = x->capfmts ? 2 * x->capfmts : 32;
        x->fmts = mtm_xrealloc(x->fmts, (size_t)x->capfmts * sizeof *x->fmts);
      }
      mtm_buf_addc(&x->tmp, 0);
      x->fmts[x->nfmts].id = rd16(d);
      x->fmts[x->nfmts].code = mtm_xstrdup(x->tmp.p);
      x->nfmts++;
      break;
    }
    case R_BOUNDSHEET: {
      if (n < 7) return BAD("a BOUNDSHEET record at byte %zu is too short", r->at);
      if (d[5] != 0) break; /* macro sheet, chart or VB module: not a worksheet */
      cur c = {r, 6, 0};
      mtm_buf_reset(&x->tmp);
      int s = read_str(x, &c, 1, &x->tmp, err);
      if (s < 0) return s;
      if (s) return BAD("the sheet name at byte %zu is cut short", r->at);
      if (x->nsheets == x->capsheets) {
        x->capsheets = x->capsheets ? 2 * x->capsheets : 8;
        x->sheets = mtm_xrealloc(x->sheets, (size_t)x->capsheets * sizeof *x->sheets);
      }
      mtm_buf_addc(&x->tmp, 0);
      x->sheets[x->nsheets].name = mtm_xstrdup(x->tmp.p);
      x->sheets[x->nsheets].pos = rd32(d);
      x->nsheets++;
      break;
    }
    case R_SST:
      if (x->biff8 && !x->ss && (rc = read_sst(x, r, err))) return rc;
      break;
    default: break;
    }
  }
  if (rc < 0) return rc;
  return BAD("the workbook stream ends before the end of its global records");
done:
  /* Which XFs show numbers as dates or times. */
  x->kind = mtm_xcalloc((size_t)x->nxf + 1, 1);
  for (int i = 0; i < x->nxf; i++) {
    const char *code = NULL;
    for (int j = 0; j < x->nfmts; j++)
      if (x->fmts[j].id == x->xf_fmt[i]) code = x->fmts[j].code;
    x->kind[i] = (unsigned char)mtm_table__numfmt_kind(x->xf_fmt[i], code);
  }
  return 0;
}

/* Reads the file (or takes the bytes), gets the workbook stream out of the
 * compound file and reads the globals. */
static int xls_load(xls *x, const char *path, const void *bytes, size_t len, mtm_err *err) {
  mtm_buf file;
  mtm_buf_init(&file);
  x->cd = (iconv_t)-1;
  if (path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
      mtm_err_where(err, x->name, NULL, 0, NULL, NULL);
      return mtm_err_set(err, errno == ENOENT ? MTM_ENOTFOUND : MTM_EIO,
                         "cannot open the file (%s)", strerror(errno));
    }
    fclose(f);
    int rc = mtm_buf_read_file(&file, path, err);
    if (rc) {
      mtm_buf_free(&file);
      return rc;
    }
    bytes = file.p;
    len = file.n;
  }
  cfb c = {.p = bytes, .n = len, .name = x->name};
  mtm_buf wb;
  mtm_buf_init(&wb);
  int rc = cfb_open(&c, err);
  if (!rc) rc = cfb_workbook(&c, &wb, err);
  free(c.fat);
  mtm_buf_free(&file);
  x->wb = (unsigned char *)wb.p;
  x->nwb = wb.n;
  if (rc) return rc;
  return read_globals(x, err);
}

/* Releases everything the reader holds. */
static void xls_free(xls *x) {
  if (!x) return;
  free(x->wb);
  if (x->cd != (iconv_t)-1 && x->cd) iconv_close(x->cd);
  for (int i = 0; i < x->nsheets; i++) free(x->sheets[i].name);
  free(x->sheets);
  free(x->ss);
  free(x->ss_off);
  free(x->xf_fmt);
  for (int i = 0; i < x->nfmts; i++) free(x->fmts[i].code);
  free(x->fmts);
  free(x->kind);
  free(x->cells);
  mtm_buf_free(&x->text);
  mtm_buf_free(&x->tmp);
  mtm_buf_free(&x->r.join);
  free(x->r.bounds);
  free(x);
}

/* Hands out the next row that has a cell, its cells placed by column. */
static int xls_next(mtm_table *t, mtm_row *row, mtm_err *err) {
  xls *x = t->impl;
  if (x->next >= x->ncells) return 0;
  size_t i = x->next, j = i;
  uint32_t r = x->cells[i].row;
  while (j < x->ncells && x->cells[j].row == r) j++;
  int ncol = (int)x->cells[j - 1].col + 1;
  mtm_table__cells_reserve(t, ncol);
  for (int c = 0; c < ncol; c++) t->cells[c] = (mtm_slice){"", 0};
  for (size_t k = i; k < j; k++)
    t->cells[x->cells[k].col] = (mtm_slice){x->text.p + x->cells[k].off, x->cells[k].len};
  x->next = j;
  row->row = (long)r + 1;
  row->n = ncol;
  row->cells = t->cells;
  (void)err;
  return 1;
}

static void xls_close(mtm_table *t) {
  xls_free(t->impl);
  t->impl = NULL;
}

static const mtm_table_ops xls_ops = {xls_next, xls_close};

/* Opens the workbook at path, or in bytes[0..len) when path is NULL, and
 * reads the sheet (by name, exactly and then ignoring case; NULL: the
 * first) into memory. */
int mtm_table__xls_open(mtm_table *t, const char *path, const void *bytes, size_t len,
                        const char *sheet, mtm_err *err) {
  xls *x = mtm_xcalloc(1, sizeof *x);
  x->name = t->name;
  t->impl = x;
  t->ops = &xls_ops;
  int rc = xls_load(x, path, bytes, len, err);
  if (rc) return rc;
  int pick = -1;
  if (!sheet && x->nsheets) pick = 0;
  for (int i = 0; sheet && i < x->nsheets && pick < 0; i++)
    if (!strcmp(x->sheets[i].name, sheet)) pick = i;
  for (int i = 0; sheet && i < x->nsheets && pick < 0; i++)
    if (!mtm_strcasecmp(x->sheets[i].name, sheet)) pick = i;
  if (pick < 0) {
    mtm_buf names;
    mtm_buf_init(&names);
    for (int i = 0; i < x->nsheets; i++)
      mtm_buf_printf(&names, "%s'%s'", i ? ", " : "", x->sheets[i].name);
    mtm_err_where(err, t->name, NULL, 0, NULL, NULL);
    rc = sheet ? mtm_err_set(err, MTM_ENOTFOUND, "there is no sheet '%s'; the workbook has %s",
                             sheet, names.p ? names.p : "no sheets")
               : mtm_err_set(err, MTM_ENOTFOUND, "the workbook has no worksheets");
    mtm_buf_free(&names);
    return rc;
  }
  snprintf(t->sheet, sizeof t->sheet, "%s", x->sheets[pick].name);
  return read_sheet(x, t->sheet, x->sheets[pick].pos, err);
}

/* Lists the worksheet names of an XLS workbook, in workbook order. */
int mtm_table__xls_sheets(const char *path, const void *bytes, size_t len, mtm_arena *a,
                          char ***names, int *n, mtm_err *err) {
  xls *x = mtm_xcalloc(1, sizeof *x);
  x->name = path ? path : "";
  int rc = xls_load(x, path, bytes, len, err);
  if (!rc) {
    *names = mtm_arena_alloc(a, ((size_t)x->nsheets + 1) * sizeof(char *));
    for (int i = 0; i < x->nsheets; i++) (*names)[i] = mtm_arena_strdup(a, x->sheets[i].name);
    (*names)[x->nsheets] = NULL;
    *n = x->nsheets;
  }
  xls_free(x);
  return rc;
}
