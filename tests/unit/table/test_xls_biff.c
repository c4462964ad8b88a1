/* Unit tests of the XLS reader on workbooks built here record by record:
 * every kind of cell record (LABELSST, LABEL, RSTRING, NUMBER, RK, MULRK,
 * BOOLERR, FORMULA with its cached results and STRING), shared strings split
 * over CONTINUE records in every way, dates through XF and FORMAT records
 * (1900 and 1904), BIFF5 with code pages, and the compound file around them
 * with 512- and 4096-byte sectors, the mini stream and extra DIFAT sectors.
 * The real files are tested in test_xls_md.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/table/table_test.h"

/* ---- writing bytes -------------------------------------------------------- */

static void w8(mtm_buf *b, unsigned v) { mtm_buf_addc(b, (char)(v & 0xFF)); }

static void w16(mtm_buf *b, unsigned v) {
  w8(b, v);
  w8(b, v >> 8);
}

static void w32(mtm_buf *b, uint32_t v) {
  w16(b, v & 0xFFFF);
  w16(b, v >> 16);
}

static void wdouble(mtm_buf *b, double v) {
  uint64_t bits;
  memcpy(&bits, &v, 8);
  w32(b, (uint32_t)bits);
  w32(b, (uint32_t)(bits >> 32));
}

/* Writes s (ASCII or Latin-1 bytes) as n bytes. */
static void wstr(mtm_buf *b, const char *s) { mtm_buf_adds(b, s); }

/* Writes a BIFF record: id, length, data. */
static void rec(mtm_buf *out, unsigned id, const mtm_buf *d) {
  w16(out, id);
  w16(out, (unsigned)d->n);
  if (d->n) mtm_buf_add(out, d->p, d->n);
}

/* Writes a record whose data is given as bytes. */
static void recb(mtm_buf *out, unsigned id, const void *p, size_t n) {
  w16(out, id);
  w16(out, (unsigned)n);
  if (n) mtm_buf_add(out, p, n);
}

/* The row, column and XF that start every cell record. */
static void cellhead(mtm_buf *d, unsigned row, unsigned col, unsigned xf) {
  mtm_buf_reset(d);
  w16(d, row);
  w16(d, col);
  w16(d, xf);
}

/* Finds the n bytes of needle in b, or NULL. */
static char *find(const mtm_buf *b, const char *needle, size_t n) {
  for (size_t i = 0; i + n <= b->n; i++)
    if (!memcmp(b->p + i, needle, n)) return b->p + i;
  return NULL;
}

/* Overwrites 4 bytes at offset off of b. */
static void patch32(mtm_buf *b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; i++) b->p[off + (size_t)i] = (char)(v >> (8 * i));
}

/* ---- the compound file ---------------------------------------------------- */

/* Writes the directory entry name (ASCII) as UTF-16 with its byte count. */
static void dir_entry(unsigned char *e, const char *name, int type, uint32_t left, uint32_t right,
                      uint32_t child, uint32_t start, uint32_t size) {
  memset(e, 0, 128);
  size_t n = strlen(name);
  for (size_t i = 0; i < n; i++) e[2 * i] = (unsigned char)name[i];
  e[0x40] = (unsigned char)(2 * (n + 1));
  e[0x42] = (unsigned char)type;
  for (int i = 0; i < 4; i++) {
    e[0x44 + i] = (unsigned char)(left >> (8 * i));
    e[0x48 + i] = (unsigned char)(right >> (8 * i));
    e[0x4C + i] = (unsigned char)(child >> (8 * i));
    e[0x74 + i] = (unsigned char)(start >> (8 * i));
    e[0x78 + i] = (unsigned char)(size >> (8 * i));
  }
}

#define FREESECT 0xFFFFFFFFu
#define ENDCHAIN 0xFFFFFFFEu

/* Wraps stream[0..n) as stream sname in an OLE2 compound file with sectors
 * of 2^shift bytes. A stream under 4096 bytes goes in the mini stream. The
 * FAT has at least minfat sectors (more than 109 needs DIFAT sectors). The
 * stream's sectors are chained in reverse order of position, so that a
 * reader that does not follow the FAT reads garbage. */
static void cfb_build(mtm_buf *out, const char *sname, const void *stream, size_t n,
                      unsigned shift, uint32_t minfat) {
  size_t ssz = (size_t)1 << shift;
  uint32_t per = (uint32_t)(ssz / 4);
  int mini = n < 4096;
  uint32_t nmini = (uint32_t)((n + 63) / 64);
  uint32_t mfs = mini ? (uint32_t)((nmini * 4 + ssz - 1) / ssz) : 0;
  uint32_t mss = mini ? (uint32_t)((nmini * 64 + ssz - 1) / ssz) : 0;
  uint32_t ss = mini ? 0 : (uint32_t)((n + ssz - 1) / ssz);
  uint32_t other = 1 + mfs + mss + ss;
  uint32_t F = minfat ? minfat : 1, D = 0;
  for (;;) {
    uint32_t d = F > 109 ? (F - 109 + per - 2) / (per - 1) : 0;
    uint32_t f = (F + d + other + per - 1) / per;
    if (f < minfat) f = minfat;
    if (f == F && d == D) break;
    F = f > F ? f : F;
    D = d;
  }
  uint32_t T = F + D + other;
  uint32_t dirs = F + D, mfstart = dirs + 1, msstart = mfstart + mfs, sstart = msstart + mss;
  mtm_buf_reset(out);
  mtm_buf_reserve(out, (T + 1) * ssz);
  memset(out->p, 0, (T + 1) * ssz);
  out->n = (T + 1) * ssz;
  unsigned char *p = (unsigned char *)out->p;
  uint32_t *fat = calloc((size_t)F * per, 4);
  for (size_t i = 0; i < (size_t)F * per; i++) fat[i] = FREESECT;
  for (uint32_t i = 0; i < F; i++) fat[i] = 0xFFFFFFFDu;
  for (uint32_t i = 0; i < D; i++) fat[F + i] = 0xFFFFFFFCu;
  fat[dirs] = ENDCHAIN;
  for (uint32_t i = 0; i < mfs; i++) fat[mfstart + i] = i + 1 < mfs ? mfstart + i + 1 : ENDCHAIN;
  for (uint32_t i = 0; i < mss; i++) fat[msstart + i] = i + 1 < mss ? msstart + i + 1 : ENDCHAIN;
  /* The stream: chunk i sits in sector sstart + ss - 1 - i. */
  for (uint32_t i = 0; i < ss; i++) {
    uint32_t at = sstart + ss - 1 - i;
    fat[at] = i + 1 < ss ? at - 1 : ENDCHAIN;
    size_t take = n - i * ssz < ssz ? n - i * ssz : ssz;
    memcpy(p + (size_t)(at + 1) * ssz, (const char *)stream + i * ssz, take);
  }
  if (mini) {
    memcpy(p + (size_t)(msstart + 1) * ssz, stream, n);
    unsigned char *mf = p + (size_t)(mfstart + 1) * ssz;
    for (uint32_t i = 0; i < mfs * per; i++) {
      uint32_t v = i + 1 < nmini ? i + 1 : i + 1 == nmini ? ENDCHAIN : FREESECT;
      for (int k = 0; k < 4; k++) mf[4 * i + (uint32_t)k] = (unsigned char)(v >> (8 * k));
    }
  }
  /* The FAT sectors, and the DIFAT: 109 in the header, the rest in chained
   * DIFAT sectors. */
  for (uint32_t i = 0; i < F; i++)
    for (uint32_t j = 0; j < per; j++)
      for (int k = 0; k < 4; k++)
        p[(size_t)(i + 1) * ssz + 4 * j + (uint32_t)k] = (unsigned char)(fat[i * per + j] >> (8 * k));
  free(fat);
  mtm_buf hdr;
  mtm_buf_init(&hdr);
  wstr(&hdr, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
  for (int i = 0; i < 16; i++) w8(&hdr, 0);
  w16(&hdr, 0x3E);
  w16(&hdr, shift == 9 ? 3 : 4);
  w16(&hdr, 0xFFFE);
  w16(&hdr, shift);
  w16(&hdr, 6);
  for (int i = 0; i < 6; i++) w8(&hdr, 0);
  w32(&hdr, shift == 9 ? 0 : 1); /* directory sectors (version 4 only) */
  w32(&hdr, F);
  w32(&hdr, dirs);
  w32(&hdr, 0);
  w32(&hdr, 4096);
  w32(&hdr, mfs ? mfstart : ENDCHAIN);
  w32(&hdr, mfs);
  w32(&hdr, D ? F : ENDCHAIN);
  w32(&hdr, D);
  for (uint32_t i = 0; i < 109; i++) w32(&hdr, i < F ? i : FREESECT);
  memcpy(p, hdr.p, hdr.n);
  mtm_buf_free(&hdr);
  uint32_t next = 109;
  for (uint32_t d = 0; d < D; d++) {
    unsigned char *s = p + (size_t)(F + d + 1) * ssz;
    for (uint32_t j = 0; j < per; j++) {
      uint32_t v = j + 1 == per ? (d + 1 < D ? F + d + 1 : ENDCHAIN)
                                : next < F ? next++ : FREESECT;
      for (int k = 0; k < 4; k++) s[4 * j + (uint32_t)k] = (unsigned char)(v >> (8 * k));
    }
  }
  /* The directory: the root, an empty SummaryInformation stream whose right
   * sibling is the workbook. */
  unsigned char *dir = p + (size_t)(dirs + 1) * ssz;
  for (size_t i = 0; i < ssz / 128; i++) dir_entry(dir + 128 * i, "", 0, FREESECT, FREESECT, FREESECT, 0, 0);
  dir_entry(dir, "Root Entry", 5, FREESECT, FREESECT, 2, mss ? msstart : ENDCHAIN, mss ? nmini * 64 : 0);
  dir_entry(dir + 128, sname, 2, FREESECT, FREESECT, FREESECT, mini ? 0 : sstart + ss - 1,
            (uint32_t)n);
  dir_entry(dir + 256, "\005SummaryInformation", 2, FREESECT, 1, FREESECT, ENDCHAIN, 0);
}

/* Writes the built file to $MTM_XLS_SEEDS/name when that is set (seeds for
 * the fuzzer in tests/fuzz/fuzz_xls.c); does nothing otherwise. */
static void seed(const mtm_buf *file, const char *name) {
  const char *dir = getenv("MTM_XLS_SEEDS");
  if (!dir) return;
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return;
  fwrite(file->p, 1, file->n, f);
  fclose(f);
}

/* ---- a BIFF8 workbook ----------------------------------------------------- */

/* Builds the Workbook stream of a BIFF8 workbook with sheets "Data", a chart
 * sheet, and "Zweite"; pad adds an unknown record of that many bytes to the
 * globals (to pass the 4096-byte mini stream cutoff). */
static void book8(mtm_buf *wb, int date1904, size_t pad) {
  mtm_buf d;
  mtm_buf_init(&d);
  mtm_buf_reset(wb);
  static const unsigned char bof_globals[] = {0, 6, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  static const unsigned char bof_sheet[] = {0, 6, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  static const unsigned char bof_chart[] = {0, 6, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  recb(wb, 0x0809, bof_globals, sizeof bof_globals);
  mtm_buf_reset(&d);
  w16(&d, 1200);
  rec(wb, 0x0042, &d); /* CODEPAGE */
  mtm_buf_reset(&d);
  w16(&d, (unsigned)date1904);
  rec(wb, 0x0022, &d); /* DATEMODE */
  if (pad) {
    mtm_buf_reset(&d);
    for (size_t i = 0; i < pad; i++) w8(&d, (unsigned)(i * 7));
    while (d.n) { /* records hold at most 8224 bytes */
      size_t k = d.n < 8000 ? d.n : 8000;
      recb(wb, 0x00EB, d.p, k);
      memmove(d.p, d.p + k, d.n - k);
      d.n -= k;
    }
  }
  /* FORMATs 164-167 and XFs 0-7 with formats 0, 14, 22, 164, 165, 166, 167, 20. */
  static const char *codes[] = {"dd/mm/yyyy", "hh:mm", "\"day\" 0", "[Red]0.00"};
  for (int i = 0; i < 4; i++) {
    mtm_buf_reset(&d);
    w16(&d, 164 + (unsigned)i);
    w16(&d, (unsigned)strlen(codes[i]));
    w8(&d, 0);
    wstr(&d, codes[i]);
    rec(wb, 0x041E, &d);
  }
  static const unsigned fmts[] = {0, 14, 22, 164, 165, 166, 167, 20};
  for (int i = 0; i < 8; i++) {
    mtm_buf_reset(&d);
    w16(&d, 0);
    w16(&d, fmts[i]);
    for (int k = 0; k < 16; k++) w8(&d, 0);
    rec(wb, 0x00E0, &d);
  }
  /* BOUNDSHEETs, their positions patched below. */
  size_t pos[3];
  static const char *names[] = {"Data", "Chart1", "Zweite"};
  for (int i = 0; i < 3; i++) {
    mtm_buf_reset(&d);
    w32(&d, 0);
    w8(&d, 0);
    w8(&d, i == 1 ? 2 : 0);
    w8(&d, (unsigned)strlen(names[i]));
    w8(&d, 0);
    wstr(&d, names[i]);
    pos[i] = wb->n + 4;
    rec(wb, 0x0085, &d);
  }
  /* The SST: 7 strings over an SST and four CONTINUE records. */
  mtm_buf_reset(&d);
  w32(&d, 12);
  w32(&d, 7);
  w16(&d, 4), w8(&d, 0), wstr(&d, "name");                /* 0 */
  w16(&d, 12), w8(&d, 0), wstr(&d, "abcdef");             /* 1: 6 chars here */
  rec(wb, 0x00FC, &d);
  mtm_buf_reset(&d);
  w8(&d, 1); /* the rest in 16-bit characters */
  static const unsigned umlauts[] = {0xC4, 0xD6, 0xDC, 0xE4, 0xF6, 0xFC};
  for (int i = 0; i < 6; i++) w16(&d, umlauts[i]);
  w16(&d, 4), w8(&d, 8), w16(&d, 2), wstr(&d, "bold");   /* 2: 2 rich-text runs */
  w8(&d, 0), w8(&d, 0), w8(&d, 1);                        /* 3 bytes of runs */
  rec(wb, 0x003C, &d);
  mtm_buf_reset(&d);
  w8(&d, 0), w16(&d, 4), w8(&d, 2), w8(&d, 4);            /* 5 more, no options byte */
  w16(&d, 4), w8(&d, 5), w32(&d, 6);                      /* 3: phonetic data */
  w16(&d, 0x30AB), w16(&d, 0x30BF), w16(&d, 0x30AB), w16(&d, 0x30CA);
  for (int i = 0; i < 6; i++) w8(&d, 0xEE);
  w16(&d, 5), w8(&d, 0);                                  /* 4: header only */
  rec(wb, 0x003C, &d);
  mtm_buf_reset(&d);
  w8(&d, 0), wstr(&d, "hello");
  w16(&d, 0), w8(&d, 0);                                  /* 5: empty */
  w16(&d, 2), w8(&d, 1), w16(&d, 0xD83D);                 /* 6: half a surrogate pair */
  rec(wb, 0x003C, &d);
  mtm_buf_reset(&d);
  w8(&d, 1), w16(&d, 0xDE00);
  rec(wb, 0x003C, &d);
  recb(wb, 0x000A, NULL, 0);

  /* Sheet "Data". */
  patch32(wb, pos[0], (uint32_t)wb->n);
  recb(wb, 0x0809, bof_sheet, sizeof bof_sheet);
  cellhead(&d, 0, 0, 0), w32(&d, 0), rec(wb, 0x00FD, &d);        /* A1 "name" */
  cellhead(&d, 0, 2, 0), wdouble(&d, 1), rec(wb, 0x0203, &d);    /* C1 1, overwritten */
  cellhead(&d, 0, 1, 0), w32(&d, 1), rec(wb, 0x00FD, &d);        /* B1 */
  cellhead(&d, 0, 2, 0), wdouble(&d, 3.25), rec(wb, 0x0203, &d); /* C1 3.25 */
  cellhead(&d, 1, 0, 0), w32(&d, 42u << 2 | 2), rec(wb, 0x027E, &d);   /* A2 RK int */
  cellhead(&d, 1, 1, 0), w32(&d, 1234u << 2 | 3), rec(wb, 0x027E, &d); /* B2 RK 12.34 */
  cellhead(&d, 1, 2, 0), w32(&d, 0x3FE00000u), rec(wb, 0x027E, &d);    /* C2 RK 0.5 */
  mtm_buf_reset(&d);                                              /* D2:F2 MULRK */
  w16(&d, 1), w16(&d, 3);
  w16(&d, 0), w32(&d, 7u << 2 | 2);
  w16(&d, 1), w32(&d, 45000u << 2 | 2);
  w16(&d, 7), w32(&d, 75u << 2 | 3);
  w16(&d, 5);
  rec(wb, 0x00BD, &d);
  cellhead(&d, 2, 0, 0), rec(wb, 0x0201, &d); /* A3 BLANK: the row is empty */
  for (unsigned i = 0; i < 5; i++) cellhead(&d, 3, i, 0), w32(&d, 2 + i), rec(wb, 0x00FD, &d);
  static const unsigned char be[4][2] = {{1, 0}, {0, 0}, {0x2A, 1}, {0x07, 1}};
  for (unsigned i = 0; i < 4; i++)
    cellhead(&d, 4, i, 0), w8(&d, be[i][0]), w8(&d, be[i][1]), rec(wb, 0x0205, &d);
  /* Row 6: formulas with a number, a string (with a SHRFMLA record before
   * its STRING), a boolean, an error and an empty string. */
  cellhead(&d, 5, 0, 0), wdouble(&d, 2.5), w16(&d, 0), w32(&d, 0), w16(&d, 0),
      rec(wb, 0x0006, &d);
  cellhead(&d, 5, 1, 0), w32(&d, 0), w16(&d, 0), w16(&d, 0xFFFF), w16(&d, 0), w32(&d, 0),
      w16(&d, 0), rec(wb, 0x0006, &d);
  mtm_buf_reset(&d), w32(&d, 0), w32(&d, 0), rec(wb, 0x04BC, &d);
  mtm_buf_reset(&d), w16(&d, 8), w8(&d, 0), wstr(&d, "computed"), rec(wb, 0x0207, &d);
  cellhead(&d, 5, 2, 0), w8(&d, 1), w8(&d, 0), w8(&d, 1), w8(&d, 0), w16(&d, 0),
      w16(&d, 0xFFFF), w16(&d, 0), w32(&d, 0), w16(&d, 0), rec(wb, 0x0006, &d);
  cellhead(&d, 5, 3, 0), w8(&d, 2), w8(&d, 0), w8(&d, 0x17), w8(&d, 0), w16(&d, 0),
      w16(&d, 0xFFFF), w16(&d, 0), w32(&d, 0), w16(&d, 0), rec(wb, 0x0006, &d);
  cellhead(&d, 5, 4, 0), w8(&d, 3), w8(&d, 0), w8(&d, 0), w8(&d, 0), w16(&d, 0),
      w16(&d, 0xFFFF), w16(&d, 0), w32(&d, 0), w16(&d, 0), rec(wb, 0x0006, &d);
  /* Row 7: numbers in date, custom and plain formats. */
  cellhead(&d, 6, 0, 2), wdouble(&d, 45000.5), rec(wb, 0x0203, &d);
  cellhead(&d, 6, 1, 3), wdouble(&d, 36526), rec(wb, 0x0203, &d);
  cellhead(&d, 6, 2, 5), wdouble(&d, 5), rec(wb, 0x0203, &d);
  cellhead(&d, 6, 3, 6), wdouble(&d, 1.5), rec(wb, 0x0203, &d);
  cellhead(&d, 6, 4, 1), wdouble(&d, -1), rec(wb, 0x0203, &d);
  cellhead(&d, 6, 5, 4), wdouble(&d, 0.5), rec(wb, 0x0203, &d);
  /* Row 10: LABEL in 16-bit characters, RSTRING with its runs. */
  cellhead(&d, 9, 0, 0), w16(&d, 2), w8(&d, 1), w16(&d, 0xE9), w16(&d, 0x20AC),
      rec(wb, 0x0204, &d);
  cellhead(&d, 9, 1, 0), w16(&d, 4), w8(&d, 0), wstr(&d, "rich"), w16(&d, 1), w32(&d, 0),
      rec(wb, 0x00D6, &d);
  /* Row 8 comes late; an embedded chart's records are passed over. */
  cellhead(&d, 7, 0, 0), w32(&d, 0), rec(wb, 0x00FD, &d);
  recb(wb, 0x0809, bof_chart, sizeof bof_chart);
  cellhead(&d, 10, 0, 0), w32(&d, 0), rec(wb, 0x00FD, &d);
  recb(wb, 0x000A, NULL, 0);
  cellhead(&d, 65535, 255, 0), w32(&d, 4), rec(wb, 0x00FD, &d); /* IV65536 */
  recb(wb, 0x000A, NULL, 0);

  /* The chart sheet, then "Zweite". */
  patch32(wb, pos[1], (uint32_t)wb->n);
  recb(wb, 0x0809, bof_chart, sizeof bof_chart);
  recb(wb, 0x000A, NULL, 0);
  patch32(wb, pos[2], (uint32_t)wb->n);
  recb(wb, 0x0809, bof_sheet, sizeof bof_sheet);
  cellhead(&d, 0, 1, 0), w32(&d, 0), rec(wb, 0x00FD, &d);
  recb(wb, 0x000A, NULL, 0);
  mtm_buf_free(&d);
}

/* Reads every row of the sheet of the .xls in bytes into one text, rows
 * separated by newlines; or the error. */
static const char *all_rows(const mtm_buf *file, const char *sheet) {
  static char out[8192];
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t;
  if (mtm_table_open_mem(&t, file->p, file->n, MTM_TABLE_XLS, "book.xls", sheet, &err))
    return tt_err(&err);
  size_t k = 0;
  out[0] = 0;
  const char *s;
  while (strcmp(s = tt_next(t, &err), "END") && strcmp(s, "ERR"))
    if (k < sizeof out) k += (size_t)snprintf(out + k, sizeof out - k, "%s\n", s);
  if (!strcmp(s, "ERR") && k < sizeof out) snprintf(out + k, sizeof out - k, "%s", tt_err(&err));
  mtm_table_close(t);
  return out;
}

#define DATA_ROWS(date, datetime, minus_one)                                                   \
  "1:[name][abcdef\xC3\x84\xC3\x96\xC3\x9C\xC3\xA4\xC3\xB6\xC3\xBC][3.25]\n"                   \
  "2:[42][12.34][0.5][7][" date "][18:00:00]\n"                                                \
  "4:[bold][\xE3\x82\xAB\xE3\x82\xBF\xE3\x82\xAB\xE3\x83\x8A][hello][][\xF0\x9F\x98\x80]\n"   \
  "5:[TRUE][FALSE][#N/A][#DIV/0!]\n"                                                           \
  "6:[2.5][computed][TRUE][#REF!]\n"                                                           \
  "7:[" datetime "][" minus_one "][5][1.5][-1][12:00:00]\n"                                    \
  "8:[name]\n"                                                                                 \
  "10:[\xC3\xA9\xE2\x82\xAC][rich]\n"

/* Every cell record, read from compound files of every shape. */
static void biff8_cells_in_every_container(void **state) {
  (void)state;
  static const char want[] = DATA_ROWS("2023-03-15", "2023-03-15T12:00:00", "2000-01-01");
  struct {
    size_t pad;
    unsigned shift;
    uint32_t minfat;
  } shapes[] = {{0, 9, 0}, {0, 12, 0}, {20000, 9, 0}, {20000, 12, 0}, {20000, 9, 120},
                {300000, 9, 0}};
  mtm_buf wb, file;
  mtm_buf_init(&wb);
  mtm_buf_init(&file);
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    book8(&wb, 0, shapes[i].pad);
    cfb_build(&file, "Workbook", wb.p, wb.n, shapes[i].shift, shapes[i].minfat);
    if (i < 2) seed(&file, i ? "biff8_4096.xls" : "biff8_512.xls");
    const char *got = all_rows(&file, NULL);
    assert_int_equal(strncmp(got, want, sizeof want - 1), 0);
    /* The last row: IV65536. */
    const char *last = got + sizeof want - 1;
    assert_int_equal(strncmp(last, "65536:[][][]", 12), 0);
    assert_string_equal(last + strlen(last) - 12, "[][][hello]\n");
    assert_int_equal(strlen(last), strlen("65536:") + 255 * 2 + strlen("[hello]\n"));
    assert_string_equal(all_rows(&file, "zweite"), "1:[][name]\n");
    if (shapes[i].minfat) assert_int_equal(file.p[0x48], 1); /* a DIFAT sector is used */
  }
  /* The sheet list leaves the chart out. */
  char *path = tt_write_temp(file.p, file.n, ".xls");
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(path, &a, &names, &n, &err), 0);
  assert_int_equal(n, 2);
  assert_string_equal(names[0], "Data");
  assert_string_equal(names[1], "Zweite");
  mtm_arena_free(&a);
  tt_remove(path);
  assert_string_equal(all_rows(&file, "Chart1"),
                      "book.xls: there is no sheet 'Chart1'; the workbook has 'Data', 'Zweite'");
  mtm_buf_free(&wb);
  mtm_buf_free(&file);
}

/* The 1904 date system moves dates by 1462 days. */
static void biff8_dates_1904(void **state) {
  (void)state;
  mtm_buf wb, file;
  mtm_buf_init(&wb);
  mtm_buf_init(&file);
  book8(&wb, 1, 0);
  cfb_build(&file, "Workbook", wb.p, wb.n, 9, 0);
  const char *got = all_rows(&file, "Data");
  static const char want[] = DATA_ROWS("2027-03-16", "2027-03-16T12:00:00", "2004-01-02");
  assert_int_equal(strncmp(got, want, sizeof want - 1), 0);
  mtm_buf_free(&wb);
  mtm_buf_free(&file);
}

/* Damage inside the BIFF records. */
static void biff8_damaged_records(void **state) {
  (void)state;
  mtm_buf wb, file;
  mtm_buf_init(&wb);
  mtm_buf_init(&file);
  book8(&wb, 0, 0);
  /* A cut workbook stream: the sheet's last records are missing. */
  cfb_build(&file, "Workbook", wb.p, wb.n - 4, 9, 0);
  assert_string_equal(all_rows(&file, "Zweite"),
                      "book.xls, sheet 'Zweite': not a valid XLS workbook (the workbook stream "
                      "ends inside the sheet)");
  cfb_build(&file, "Workbook", wb.p, wb.n - 10, 9, 0); /* inside Zweite's LABELSST */
  char want[300];
  snprintf(want, sizeof want,
           "book.xls, sheet 'Zweite': not a valid XLS workbook (the workbook stream is cut "
           "short: record 0x00FD at byte %zu needs 10 bytes, only 4 are left)",
           wb.n - 18);
  assert_string_equal(all_rows(&file, "Zweite"), want);
  /* A LABELSST past the shared strings: patch the index of A1 (the first
   * LABELSST) to 7. */
  char *p = find(&wb, "\xFD\x00\x0A\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 14);
  assert_non_null(p);
  p[10] = 7;
  cfb_build(&file, "Workbook", wb.p, wb.n, 9, 0);
  assert_string_equal(all_rows(&file, NULL),
                      "book.xls, sheet 'Data', row 1, column 'A': not a valid XLS workbook (the "
                      "cell refers to shared string 7, but there are only 7)");
  p[10] = 0;
  /* A password. */
  mtm_buf enc;
  mtm_buf_init(&enc);
  mtm_buf_add(&enc, wb.p, 20); /* the BOF */
  recb(&enc, 0x002F, "\x01\x00\x01\x00", 4);
  mtm_buf_add(&enc, wb.p + 20, wb.n - 20);
  cfb_build(&file, "Workbook", enc.p, enc.n, 9, 0);
  assert_string_equal(all_rows(&file, NULL),
                      "book.xls: not a valid XLS workbook (it is protected with a password; "
                      "open it in Excel, remove the password and save it again)");
  /* No BOF first; an Excel 4 BOF. */
  cfb_build(&file, "Workbook", wb.p + 20, wb.n - 20, 9, 0);
  assert_string_equal(all_rows(&file, NULL), "book.xls: not a valid XLS workbook (the workbook "
                                             "stream does not start with a BOF record)");
  enc.n = 0;
  recb(&enc, 0x0409, "\x00\x00\x10\x00\x00\x00", 6);
  recb(&enc, 0x000A, NULL, 0);
  cfb_build(&file, "Workbook", enc.p, enc.n, 9, 0);
  assert_string_equal(all_rows(&file, NULL),
                      "book.xls: not a valid XLS workbook (it is an Excel 2, 3 or 4 file, which "
                      "mtm cannot read; save it as .xlsx)");
  /* A sheet whose position is past the stream. */
  enc.n = 0;
  mtm_buf_add(&enc, wb.p, wb.n);
  p = find(&enc, "\x85\x00\x0C\x00", 4); /* BOUNDSHEET "Data" */
  assert_non_null(p);
  patch32(&enc, (size_t)(p - enc.p) + 4, 999999);
  cfb_build(&file, "Workbook", enc.p, enc.n, 9, 0);
  assert_string_equal(all_rows(&file, NULL),
                      "book.xls, sheet 'Data': not a valid XLS workbook (the sheet starts at byte "
                      "999999, past the end of the workbook stream (1181 bytes))");
  /* Damaged variants never crash: flip each byte of the stream in turn. */
  for (size_t i = 0; i < wb.n; i++) {
    enc.n = 0;
    mtm_buf_add(&enc, wb.p, wb.n);
    enc.p[i] = (char)(enc.p[i] ^ 0xA5);
    cfb_build(&file, "Workbook", enc.p, enc.n, 9, 0);
    (void)all_rows(&file, NULL);
    (void)all_rows(&file, "Zweite");
  }
  mtm_buf_free(&enc);
  mtm_buf_free(&wb);
  mtm_buf_free(&file);
}

/* ---- a BIFF5 workbook ----------------------------------------------------- */

/* Builds a BIFF5 "Book" stream in code page cp: one sheet named "Лист1"
 * (in cp1251 bytes) with 8-bit LABEL, a date, RK and a string formula. */
static void book5(mtm_buf *wb, unsigned cp) {
  mtm_buf d;
  mtm_buf_init(&d);
  mtm_buf_reset(wb);
  static const unsigned char bof_globals[] = {0, 5, 5, 0, 0, 0, 0, 0};
  static const unsigned char bof_sheet[] = {0, 5, 0x10, 0, 0, 0, 0, 0};
  recb(wb, 0x0809, bof_globals, sizeof bof_globals);
  if (cp) {
    mtm_buf_reset(&d);
    w16(&d, cp);
    rec(wb, 0x0042, &d);
  }
  mtm_buf_reset(&d);
  w16(&d, 164), w8(&d, 10), wstr(&d, "dd.mm.yyyy");
  rec(wb, 0x041E, &d);
  for (int i = 0; i < 2; i++) {
    mtm_buf_reset(&d);
    w16(&d, 0), w16(&d, i ? 164 : 0);
    for (int k = 0; k < 12; k++) w8(&d, 0);
    rec(wb, 0x00E0, &d);
  }
  mtm_buf_reset(&d);
  w32(&d, 0), w8(&d, 0), w8(&d, 0), w8(&d, 5), wstr(&d, "\xCB\xE8\xF1\xF2" "1");
  size_t pos = wb->n + 4;
  rec(wb, 0x0085, &d);
  recb(wb, 0x000A, NULL, 0);
  patch32(wb, pos, (uint32_t)wb->n);
  recb(wb, 0x0809, bof_sheet, sizeof bof_sheet);
  cellhead(&d, 0, 0, 0), w16(&d, 6), wstr(&d, "\xCF\xF0\xE8\xE2\xE5\xF2"), rec(wb, 0x0204, &d);
  cellhead(&d, 0, 1, 1), wdouble(&d, 36526), rec(wb, 0x0203, &d);
  cellhead(&d, 1, 0, 0), w32(&d, 5u << 2 | 2), rec(wb, 0x027E, &d);
  cellhead(&d, 1, 1, 0), w32(&d, 0), w16(&d, 0), w16(&d, 0xFFFF), w16(&d, 0), w32(&d, 0),
      w16(&d, 0), rec(wb, 0x0006, &d);
  mtm_buf_reset(&d), w16(&d, 4), wstr(&d, "\xE8\xF2\xEE\xE3"), rec(wb, 0x0207, &d);
  recb(wb, 0x000A, NULL, 0);
  mtm_buf_free(&d);
}

/* Excel 5/95 workbooks: 8-bit text through the code page, in a "Book"
 * stream. */
static void biff5_code_pages(void **state) {
  (void)state;
  mtm_buf wb, file;
  mtm_buf_init(&wb);
  mtm_buf_init(&file);
  book5(&wb, 1251);
  cfb_build(&file, "Book", wb.p, wb.n, 9, 0);
  seed(&file, "biff5_1251.xls");
  assert_string_equal(all_rows(&file, NULL),
                      "1:[\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82][2000-01-01]\n"
                      "2:[5][\xD0\xB8\xD1\x82\xD0\xBE\xD0\xB3]\n");
  char *path = tt_write_temp(file.p, file.n, ".xls");
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(path, &a, &names, &n, &err), 0);
  assert_int_equal(n, 1);
  assert_string_equal(names[0], "\xD0\x9B\xD0\xB8\xD1\x81\xD1\x82" "1");
  mtm_arena_free(&a);
  tt_remove(path);
  /* Without a CODEPAGE record: Windows-1252. */
  book5(&wb, 0);
  cfb_build(&file, "Book", wb.p, wb.n, 9, 0);
  assert_string_equal(all_rows(&file, NULL),
                      "1:[\xC3\x8F\xC3\xB0\xC3\xA8\xC3\xA2\xC3\xA5\xC3\xB2][2000-01-01]\n"
                      "2:[5][\xC3\xA8\xC3\xB2\xC3\xAE\xC3\xA3]\n");
  /* Mac Roman (glibc gives the Apple logo 0xF0 as U+E01E), in a file of
   * 4096-byte sectors. */
  book5(&wb, 10000);
  cfb_build(&file, "Book", wb.p, wb.n, 12, 0);
  assert_string_equal(all_rows(&file, NULL),
                      "1:[\xC5\x93\xEE\x80\x9E\xC3\x8B\xE2\x80\x9A\xC3\x82\xC3\x9A][2000-01-01]\n"
                      "2:[5][\xC3\x8B\xC3\x9A\xC3\x93\xE2\x80\x9E]\n");
  /* A code page iconv does not know. */
  book5(&wb, 4242);
  cfb_build(&file, "Book", wb.p, wb.n, 9, 0);
  assert_string_equal(all_rows(&file, NULL), "book.xls: not a valid XLS workbook (its text uses "
                                             "code page 4242, which mtm cannot convert)");
  mtm_buf_free(&wb);
  mtm_buf_free(&file);
}

int main(void) {
  (void)tt_shared; /* these workbooks need no shared data */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(biff8_cells_in_every_container),
      cmocka_unit_test(biff8_dates_1904),
      cmocka_unit_test(biff8_damaged_records),
      cmocka_unit_test(biff5_code_pages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
