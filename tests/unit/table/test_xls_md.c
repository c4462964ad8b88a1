/* Unit tests of the XLS reader on the real .xls forms in ../shared (every
 * cell compared with a dump made by xlrd, an independent reader), of its
 * errors on damaged files, of the Markdown reader, of format sniffing and of
 * column letters. Hand-made BIFF records are tested in test_xls_biff.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/table/table_test.h"

#define TUTORIAL "xlsforms/pyxform_examples/tutorial.xls"
#define CASCADE "xlsforms/pyxform_examples/cascading_select_test_equivalent.xls"
#define KOBO "xlsforms/koboloadeR_unhcr/form.xls"
#define DUMPS "tests/fixtures/table/"
#define GROUP_MD "xlsforms/pyxform_examples/group.md"
#define RU_KY_MD "xlsforms/pyxform_md_snippets/multi_language_russian_kyrgyz.md"
static void xls_tutorial_sheets_and_cells(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(tt_shared(TUTORIAL), &a, &names, &n, &err), 0);
  assert_int_equal(n, 2);
  assert_string_equal(names[0], "survey");
  assert_string_equal(names[1], "choices");
  mtm_arena_free(&a);

  mtm_table *t;
  assert_int_equal(mtm_table_open(&t, tt_shared(TUTORIAL), NULL, &err), 0);
  assert_int_equal(mtm_table_format_of(t), MTM_TABLE_XLS);
  assert_string_equal(tt_next(t, &err),
                      "1:[tutorial notes][type][name][label][bind:relevant][bind:constraint]");
  mtm_row r;
  for (int i = 0; i < 4; i++) assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(r.row, 5);
  assert_string_equal(tt_next(t, &err), "6:[][select one from yes_no][resident][Does (NAME) "
                                        "usually live here?]");
  int rc, last = 0;
  while ((rc = mtm_table_next(t, &r, &err)) == 1) last = (int)r.row;
  assert_int_equal(rc, 0);
  assert_int_equal(last, 13);
  mtm_table_close(t);

  /* Case-insensitive sheet; empty row 2 is skipped. */
  assert_int_equal(mtm_table_open(&t, tt_shared(TUTORIAL), "Choices", &err), 0);
  assert_string_equal(tt_next(t, &err), "1:[tutorial notes][list name][name][label]");
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(r.row, 3);
  assert_string_equal(r.cells[1].p, "relationships");
  assert_string_equal(r.cells[2].p, "head");
  assert_string_equal(r.cells[3].p, "Head");
  const char *s;
  static char keep[256];
  while (strcmp(s = tt_next(t, &err), "END")) snprintf(keep, sizeof keep, "%s", s);
  assert_string_equal(keep, "11:[][yes_no][no][No]");
  mtm_table_close(t);
}

static void xls_from_memory_and_missing_sheet(void **state) {
  (void)state;
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_buf_read_file(&b, tt_shared(TUTORIAL), &err), 0);
  mtm_table *t;
  assert_int_equal(mtm_table_open_mem(&t, b.p, b.n, MTM_TABLE_XLS, "stored.xls", "choices", &err),
                   0);
  assert_string_equal(tt_next(t, &err), "1:[tutorial notes][list name][name][label]");
  mtm_table_close(t);
  assert_int_equal(mtm_table_open_mem(&t, b.p, b.n, MTM_TABLE_XLS, "stored.xls", "settings", &err),
                   MTM_ENOTFOUND);
  assert_string_equal(tt_err(&err),
                      "stored.xls: there is no sheet 'settings'; the workbook has 'survey', "
                      "'choices'");
  mtm_buf_free(&b);
}

/* Appends s to out as the dump writes it: \\ \t \n \r escaped. */
static void dump_escape(mtm_buf *out, const char *s) {
  for (; *s; s++) {
    if (*s == '\\')
      mtm_buf_adds(out, "\\\\");
    else if (*s == '\t')
      mtm_buf_adds(out, "\\t");
    else if (*s == '\n')
      mtm_buf_adds(out, "\\n");
    else if (*s == '\r')
      mtm_buf_adds(out, "\\r");
    else
      mtm_buf_addc(out, *s);
  }
}

/* Reads every sheet of the workbook at rel with mtm and compares all its
 * non-empty cells with the dump that tests/fixtures/table/xls_dump.py made
 * with xlrd. Returns the number of cells compared. */
static long compare_with_xlrd(const char *rel, const char *dump) {
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(tt_shared(rel), &a, &names, &n, &err), 0);
  mtm_buf got;
  mtm_buf_init(&got);
  long cells = 0;
  for (int i = 0; i < n; i++) {
    mtm_buf_printf(&got, "# sheet %s\n", names[i]);
    mtm_table *t;
    assert_int_equal(mtm_table_open(&t, tt_shared(rel), names[i], &err), 0);
    mtm_row r;
    int rc;
    long prev = 0;
    while ((rc = mtm_table_next(t, &r, &err)) == 1) {
      assert_true(r.row > prev); /* rows come in order, each once */
      prev = r.row;
      assert_true(r.n > 0 && r.cells[r.n - 1].n > 0); /* no empty rows, no trailing blanks */
      for (int c = 0; c < r.n; c++) {
        if (!r.cells[c].n) continue;
        assert_int_equal(strlen(r.cells[c].p), r.cells[c].n);
        mtm_buf_printf(&got, "%ld\t%d\t", r.row, c + 1);
        dump_escape(&got, r.cells[c].p);
        mtm_buf_addc(&got, '\n');
        cells++;
      }
    }
    assert_int_equal(rc, 0);
    mtm_table_close(t);
  }
  mtm_buf want;
  mtm_buf_init(&want);
  assert_int_equal(mtm_buf_read_file(&want, dump, &err), 0);
  mtm_buf_addc(&got, 0);
  mtm_buf_addc(&want, 0);
  if (strcmp(got.p, want.p)) { /* show the first line that differs */
    size_t k = 0, line = 1;
    while (got.p[k] && got.p[k] == want.p[k]) line += got.p[k++] == '\n';
    print_error("%s differs from xlrd at line %zu\n", rel, line);
  }
  assert_string_equal(got.p, want.p);
  mtm_buf_free(&got);
  mtm_buf_free(&want);
  mtm_arena_free(&a);
  return cells;
}

/* Every cell of the three .xls forms is what xlrd reads. */
static void xls_every_cell_matches_xlrd(void **state) {
  (void)state;
  assert_int_equal(compare_with_xlrd(TUTORIAL, DUMPS "pyxform_examples_tutorial.xls.dump"), 78);
  assert_int_equal(compare_with_xlrd(CASCADE, DUMPS
                                     "pyxform_examples_cascading_select_test_equivalent.xls.dump"),
                   87);
  assert_int_equal(compare_with_xlrd(KOBO, DUMPS "koboloadeR_unhcr_form.xls.dump"), 5639);
}

/* koboloadeR's form.xls, which FreeXL could not read: 5 sheets, 2327
 * shared strings over 10 CONTINUE records, numbers, non-ASCII text. */
static void xls_kobo_form_reads(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(tt_shared(KOBO), &a, &names, &n, &err), 0);
  assert_int_equal(n, 5);
  assert_string_equal(names[0], "survey");
  assert_string_equal(names[1], "choices");
  assert_string_equal(names[2], "settings");
  assert_string_equal(names[3], "analysisSettings");
  assert_string_equal(names[4], "indicator");
  mtm_arena_free(&a);

  mtm_table *t;
  mtm_row r;
  assert_int_equal(mtm_table_open(&t, tt_shared(KOBO), NULL, &err), 0);
  assert_string_equal(
      tt_next(t, &err),
      "1:[type][name][labelReport][hintReport][chapter][anonymise][disaggregation][correlate]"
      "[variable][clean][cluster][predict][mappoint][mappoly][structuralequation.risk]"
      "[structuralequation.coping][structuralequation.resilience][label][hint][required]"
      "[relevant][constraint][calculation][repeat_count]");
  assert_string_equal(tt_next(t, &err),
                      "2:[start][start][Auto data][][][remove][][][][no][][][][][][][][Auto data]");
  int rc, seen = 0;
  while ((rc = mtm_table_next(t, &r, &err)) == 1) {
    if (r.row == 24) {
      /* The consent text: its shared string runs over a CONTINUE record that
       * switches from 8-bit to 16-bit characters after "(medical care," and
       * holds a right single quote (U+2019). */
      assert_int_equal(r.n, 20);
      const char *s = r.cells[17].p;
      assert_int_equal(
          strncmp(s, "We are conducting a survey on the behalf of the United Nations", 62), 0);
      assert_non_null(strstr(s, "(medical care, education, social and protection counselling)."));
      assert_non_null(strstr(s, "If you don\xE2\x80\x99t have any questions, may I begin now?\n"));
      assert_int_equal(r.cells[17].n, 1819);
      seen++;
    }
    if (r.row == 186) { /* after the CONTINUE that splits "(please spec|ify)" */
      assert_string_equal(r.cells[2].p, "Observable Inside/outside the household "
                                        "shelter/property: Other (please specify)");
      seen++;
    }
    if (r.row == 337) { /* after the CONTINUE that splits "rece|ive" */
      assert_string_equal(r.cells[2].p,
                          "Does the household currently receive food assistance (cash-based)?");
      seen++;
    }
  }
  assert_int_equal(rc, 0);
  assert_int_equal(seen, 3);
  assert_int_equal(r.row, 415);
  assert_int_equal(r.n, 10);
  assert_string_equal(r.cells[0].p, "end_group");
  assert_string_equal(r.cells[1].p, "Location");
  assert_string_equal(r.cells[9].p, "no");
  mtm_table_close(t);

  /* Numbers (NUMBER records) come out as integers. */
  assert_int_equal(mtm_table_open(&t, tt_shared(KOBO), "choices", &err), 0);
  while ((rc = mtm_table_next(t, &r, &err)) == 1 && r.row < 205) {
  }
  assert_int_equal(rc, 1);
  assert_int_equal(r.row, 205);
  assert_string_equal(tt_next(t, &err), "206:[grade][Kg1][Kindergarten 1][Kindergarten 1][2]");
  while ((rc = mtm_table_next(t, &r, &err)) == 1) {
  }
  assert_int_equal(rc, 0);
  assert_int_equal(r.row, 702);
  assert_int_equal(r.n, 5);
  assert_string_equal(r.cells[1].p, "Over.60");
  assert_string_equal(r.cells[4].p, "11");
  mtm_table_close(t);

  assert_int_equal(mtm_table_open(&t, tt_shared(KOBO), "SETTINGS", &err), 0);
  assert_string_equal(tt_next(t, &err), "1:[form_title][form_id][default_language][style]");
  assert_string_equal(tt_next(t, &err),
                      "2:[XLS_template_MENA][XLS_template_MENA][English][theme-grid]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
}

/* cascading_select_test_equivalent.xls: three sheets, first and last rows,
 * empty rows skipped. */
static void xls_cascade_reads(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(tt_shared(CASCADE), &a, &names, &n, &err), 0);
  assert_int_equal(n, 3);
  assert_string_equal(names[2], "settings");
  mtm_arena_free(&a);
  mtm_table *t;
  assert_int_equal(mtm_table_open(&t, tt_shared(CASCADE), "settings", &err), 0);
  assert_string_equal(tt_next(t, &err), "1:[name][id_string]");
  assert_string_equal(tt_next(t, &err), "2:[cascading_select_test][cascading_select_test]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
  assert_int_equal(mtm_table_open(&t, tt_shared(CASCADE), "choices", &err), 0);
  assert_string_equal(tt_next(t, &err), "1:[list name][name][label]");
  assert_string_equal(tt_next(t, &err), "3:[mylga_zone][zone_1][Zone 1]");
  const char *s;
  static char keep[256];
  while (strcmp(s = tt_next(t, &err), "END")) snprintf(keep, sizeof keep, "%s", s);
  assert_string_equal(keep, "22:[mylga_lga_in_state_4][lga_2][LGA 2]");
  mtm_table_close(t);
  assert_int_equal(mtm_table_open(&t, tt_shared(CASCADE), NULL, &err), 0);
  assert_string_equal(tt_next(t, &err), "1:[type][name][label][relevant][calculation]");
  assert_string_equal(tt_next(t, &err), "2:[select_one mylga_zone][mylga_zone][Choose your zone:]");
  mtm_table_close(t);
}

/* Reads the koboloadeR form into b. */
static void read_kobo(mtm_buf *b) {
  mtm_err err;
  mtm_err_clear(&err);
  mtm_buf_init(b);
  assert_int_equal(mtm_buf_read_file(b, tt_shared(KOBO), &err), 0);
  assert_int_equal(b->n, 356352);
}

/* Opens bytes as an .xls named name, reads every row of the sheet, and
 * returns the error as the user sees it ("" when all went well). */
static const char *open_error(const void *bytes, size_t n, const char *name, const char *sheet) {
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t = NULL;
  int rc = mtm_table_open_mem(&t, bytes, n, MTM_TABLE_XLS, name, sheet, &err);
  if (rc == 0) {
    mtm_row r;
    while ((rc = mtm_table_next(t, &r, &err)) == 1) {
    }
    mtm_table_close(t);
    if (rc == 0) return "";
  }
  assert_null(t);
  assert_int_equal(rc, err.code);
  return tt_err(&err);
}

/* A file cut short, at several places, is refused with what is wrong. */
static void xls_truncated(void **state) {
  (void)state;
  mtm_buf b;
  read_kobo(&b);
  assert_string_equal(open_error(b.p, 3000, "cut.xls", NULL),
                      "cut.xls: not a valid XLS workbook (the file is cut short or its header "
                      "is damaged: the header counts 6 FAT sectors, the file has 5 sectors)");
  assert_string_equal(open_error(b.p, 200000, "cut.xls", NULL),
                      "cut.xls: not a valid XLS workbook (the file is cut short: FAT sector 689 "
                      "lies past its end (byte 200000))");
  assert_string_equal(open_error(b.p, 300, "cut.xls", NULL),
                      "cut.xls: not a valid XLS workbook (the file is cut short: it has only 300 "
                      "bytes)");
  assert_string_equal(open_error(b.p, 0, "empty.xls", NULL),
                      "empty.xls: not a valid XLS workbook (it does not start like an Excel "
                      "97-2003 file)");
  /* Every prefix at a sector boundary is refused, never a crash. */
  for (size_t n = 512; n < b.n; n += 512) {
    const char *e = open_error(b.p, n, "cut.xls", NULL);
    assert_true(strstr(e, "cut.xls: not a valid XLS workbook (") == e);
  }
  mtm_buf_free(&b);
}

/* Reads a little-endian 32-bit value. */
static uint32_t le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes a little-endian 32-bit value. */
static void put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

/* The FAT entry of sector s in the 512-byte-sector file p (whose FAT is
 * listed in the header's DIFAT). */
static unsigned char *fat_entry(unsigned char *p, uint32_t s) {
  uint32_t fatsec = le32(p + 0x4C + 4 * (s / 128));
  return p + (size_t)(fatsec + 1) * 512 + 4 * (s % 128);
}

/* Damage crafted by patching bytes of form.xls: a FAT chain that loops,
 * sector numbers out of range, a chain cut short, a broken directory, a
 * header that lies. */
static void xls_patched_damage(void **state) {
  (void)state;
  mtm_buf b;
  read_kobo(&b);
  unsigned char *p = (unsigned char *)b.p;
  /* The Workbook stream's first sector, from the directory. */
  unsigned char *dir = p + (size_t)(le32(p + 0x30) + 1) * 512;
  unsigned char *wbent = NULL;
  for (int i = 0; i < 4; i++)
    if (!memcmp(dir + 128 * i, "W\0o\0r\0k\0b\0o\0o\0k\0", 16)) wbent = dir + 128 * i;
  assert_non_null(wbent);
  assert_int_equal(le32(wbent + 0x78), 352043);
  /* Make the 10th sector of the chain point back to the 3rd. */
  uint32_t s = le32(wbent + 0x74), third = 0;
  for (int i = 1; i < 10; i++) {
    if (i == 3) third = s;
    s = le32(fat_entry(p, s));
  }
  unsigned char keep[4];
  memcpy(keep, fat_entry(p, s), 4);
  put32(fat_entry(p, s), third);
  char want[300];
  snprintf(want, sizeof want,
           "loop.xls: not a valid XLS workbook (the Workbook stream's chain of sectors loops "
           "back to sector %u)",
           third);
  assert_string_equal(open_error(b.p, b.n, "loop.xls", NULL), want);
  /* A sector number past the FAT. */
  put32(fat_entry(p, s), 0x7FFFFFF0u);
  assert_string_equal(open_error(b.p, b.n, "range.xls", NULL),
                      "range.xls: not a valid XLS workbook (the Workbook stream's chain of "
                      "sectors refers to sector 2147483632, but there are only 768)");
  /* A chain that ends too soon. */
  put32(fat_entry(p, s), 0xFFFFFFFEu);
  assert_string_equal(open_error(b.p, b.n, "short.xls", NULL),
                      "short.xls: not a valid XLS workbook (the Workbook stream is cut short: "
                      "its chain of sectors ends after 5120 of 352043 bytes)");
  memcpy(fat_entry(p, s), keep, 4);
  assert_string_equal(open_error(b.p, b.n, "whole.xls", NULL), "");
  /* The directory: an entry linked as its own sibling, then out of range. */
  unsigned char keepdir[512];
  memcpy(keepdir, dir, sizeof keepdir);
  uint32_t child = le32(dir + 0x4C);
  put32(dir + 128 * child + 0x44, child);
  char want2[300];
  snprintf(want2, sizeof want2,
           "dir.xls: not a valid XLS workbook (the directory of the file is damaged (entry %u "
           "is linked twice))",
           child);
  assert_string_equal(open_error(b.p, b.n, "dir.xls", NULL), want2);
  put32(dir + 128 * child + 0x44, 99999);
  assert_string_equal(open_error(b.p, b.n, "dir.xls", NULL),
                      "dir.xls: not a valid XLS workbook (the directory of the file is damaged "
                      "(entry 99999 is out of range))");
  memcpy(dir, keepdir, sizeof keepdir);
  /* No Workbook stream. */
  wbent[0] = 'X';
  assert_string_equal(open_error(b.p, b.n, "doc.xls", NULL),
                      "doc.xls: not a valid XLS workbook (it has no Workbook stream; it may be "
                      "another kind of Office file)");
  wbent[0] = 'W';
  /* A header counting more FAT sectors than the file has. */
  uint32_t nfat = le32(p + 0x2C);
  put32(p + 0x2C, 5000);
  assert_string_equal(open_error(b.p, b.n, "hdr.xls", NULL),
                      "hdr.xls: not a valid XLS workbook (the file is cut short or its header is damaged: the header counts "
                      "5000 FAT sectors, the file has 695 sectors)");
  put32(p + 0x2C, nfat);
  /* A header with 4096-byte sectors on a version 3 file. */
  p[0x1E] = 12;
  assert_string_equal(open_error(b.p, b.n, "hdr.xls", NULL),
                      "hdr.xls: not a valid XLS workbook (the file header is damaged (version "
                      "3, sectors of 2^12 bytes))");
  p[0x1E] = 9;
  assert_string_equal(open_error(b.p, b.n, "whole.xls", "indicator"), "");
  mtm_buf_free(&b);
}

/* Random bytes behind the OLE2 signature are refused, never a crash; with a
 * plausible header in front, the damage is found deeper in. */
static void xls_random_bytes(void **state) {
  (void)state;
  static unsigned char buf[8192];
  uint64_t x = 88172645463325252ull;
  for (int round = 0; round < 500; round++) {
    for (size_t i = 0; i < sizeof buf; i++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      buf[i] = (unsigned char)x;
    }
    memcpy(buf, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    const char *e = open_error(buf, sizeof buf, "random.xls", NULL);
    if (round == 0)
      assert_string_equal(e, "random.xls: not a valid XLS workbook (the file header is damaged "
                             "(version 27566, sectors of 2^27003 bytes))");
    assert_true(strstr(e, "random.xls: not a valid XLS workbook (") == e);
    /* A plausible header: version 3, 512-byte sectors, a few FAT sectors. */
    static const unsigned char hdr[] = {0x3E, 0, 3, 0, 0xFE, 0xFF, 9, 0, 6, 0};
    memcpy(buf + 0x18, hdr, sizeof hdr);
    put32(buf + 0x2C, 1 + (uint32_t)(x % 3));
    put32(buf + 0x30, (uint32_t)(x >> 8) % 16);
    put32(buf + 0x38, 4096);
    put32(buf + 0x48, 0);
    for (int i = 0; i < 3; i++) put32(buf + 0x4C + 4 * i, (uint32_t)(x >> (16 + 4 * i)) % 16);
    e = open_error(buf, sizeof buf, "random.xls", NULL);
    if (round == 0)
      assert_string_equal(e, "random.xls: not a valid XLS workbook (the file is cut short: it "
                             "ends at byte 8192, before sector 15 of the directory stream)");
    assert_true(strstr(e, "random.xls: not a valid XLS workbook (") == e);
  }
  /* A zip file is told apart. */
  assert_string_equal(open_error("PK\x03\x04rest", 8, "book.xls", NULL),
                      "book.xls: not a valid XLS workbook (it is a zip archive, perhaps an "
                      ".xlsx workbook: rename it to .xlsx)");
}

/* A missing file. */
static void xls_missing_file(void **state) {
  (void)state;
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t;
  assert_int_equal(mtm_table_open(&t, "/nonexistent/form.xls", NULL, &err), MTM_ENOTFOUND);
  assert_string_equal(tt_err(&err),
                      "/nonexistent/form.xls: cannot open the file (No such file or directory)");
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  assert_int_equal(mtm_table_sheets("/nonexistent/form.xls", &a, &names, &n, &err),
                   MTM_ENOTFOUND);
  mtm_arena_free(&a);
}

static void md_group_sheets_and_rows(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  char **names;
  int n;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sheets(tt_shared(GROUP_MD), &a, &names, &n, &err), 0);
  assert_int_equal(n, 1);
  assert_string_equal(names[0], "survey");
  mtm_arena_free(&a);

  mtm_table *t;
  assert_int_equal(mtm_table_open(&t, tt_shared(GROUP_MD), NULL, &err), 0);
  assert_int_equal(mtm_table_format_of(t), MTM_TABLE_MD);
  assert_string_equal(tt_next(t, &err), "2:[type][name][label:English (en)]");
  assert_string_equal(tt_next(t, &err), "3:[text][family_name][What's your family name?]");
  assert_string_equal(tt_next(t, &err), "4:[begin group][father][Father]");
  assert_string_equal(tt_next(t, &err),
                      "5:[phone number][phone_number][What's your father's phone number?]");
  assert_string_equal(tt_next(t, &err), "6:[integer][age][How old is your father?]");
  assert_string_equal(tt_next(t, &err), "7:[end group][][]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
}

static void md_two_sheets_unicode_and_missing(void **state) {
  (void)state;
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t;
  assert_int_equal(mtm_table_open(&t, tt_shared(RU_KY_MD), "CHOICES", &err), 0);
  assert_string_equal(tt_next(t, &err),
                      "5:[list name][name][label][label::Russian][label::Kyrgyz]");
  assert_string_equal(tt_next(t, &err), "6:[bt7nj36][0][No][Нет][Нет (ky)]");
  assert_string_equal(tt_next(t, &err), "7:[bt7nj36][1][Yes][Да][Да (ky)]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);

  /* The survey stops where the choices begin. */
  assert_int_equal(mtm_table_open(&t, tt_shared(RU_KY_MD), "survey", &err), 0);
  mtm_row r;
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_int_equal(r.n, 8);
  assert_string_equal(r.cells[3].p, "label::Russian");
  assert_int_equal(mtm_table_next(t, &r, &err), 1);
  assert_string_equal(r.cells[3].p, "Получили ли вы форму согласия от респондента?");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);

  assert_int_equal(mtm_table_open(&t, tt_shared(RU_KY_MD), "settings", &err), MTM_ENOTFOUND);
  char want[800];
  snprintf(want, sizeof want,
           "%s: there is no sheet 'settings'; the file has 'survey', 'choices'",
           tt_shared(RU_KY_MD));
  assert_string_equal(tt_err(&err), want);
}

static void md_from_memory_with_escapes(void **state) {
  (void)state;
  const char *text = "Some prose first.\n"
                     "| survey | type | name |\n"
                     "|        |      |      |\n"
                     "  |  | select_one a\\|b | q1 |  \r\n"
                     "| settings |\n"
                     "| | form_id |\n";
  mtm_err err;
  mtm_err_clear(&err);
  mtm_table *t;
  assert_int_equal(mtm_table_open_mem(&t, text, strlen(text), MTM_TABLE_MD, "f.md", NULL, &err),
                   0);
  /* As in pyxform, cells on the title line belong to the sheet. */
  assert_string_equal(tt_next(t, &err), "2:[type][name]");
  assert_string_equal(tt_next(t, &err), "4:[select_one a|b][q1]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
  assert_int_equal(
      mtm_table_open_mem(&t, text, strlen(text), MTM_TABLE_MD, "f.md", "Settings", &err), 0);
  assert_string_equal(tt_next(t, &err), "6:[form_id]");
  assert_string_equal(tt_next(t, &err), "END");
  mtm_table_close(t);
}

static void sniff_by_extension_and_content(void **state) {
  (void)state;
  mtm_table_format f;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_table_sniff("x/FORM.XLSX", &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_XLSX);
  assert_int_equal(mtm_table_sniff("a.xlsm", &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_XLSX);
  assert_int_equal(mtm_table_sniff("a.xls", &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_XLS);
  assert_int_equal(mtm_table_sniff("a.tsv", &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_CSV);
  assert_int_equal(mtm_table_sniff("a.md", &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_MD);
  char *p = tt_write_temp("PK\x03\x04rest", 8, ".bin");
  assert_int_equal(mtm_table_sniff(p, &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_XLSX);
  tt_remove(p);
  p = tt_write_temp("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, ".dat");
  assert_int_equal(mtm_table_sniff(p, &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_XLS);
  tt_remove(p);
  p = tt_write_temp("\n  | survey |\n", 14, ".form");
  assert_int_equal(mtm_table_sniff(p, &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_MD);
  tt_remove(p);
  p = tt_write_temp("a;b\n", 4, ".export");
  assert_int_equal(mtm_table_sniff(p, &f, &err), 0);
  assert_int_equal(f, MTM_TABLE_CSV);
  tt_remove(p);
  assert_int_equal(mtm_table_sniff("/nonexistent/file", &f, &err), MTM_ENOTFOUND);
  assert_string_equal(tt_err(&err),
                      "/nonexistent/file: cannot open the file (No such file or directory)");
}

static void column_letters(void **state) {
  (void)state;
  char c[8];
  mtm_table_column_name(0, c);
  assert_string_equal(c, "A");
  mtm_table_column_name(25, c);
  assert_string_equal(c, "Z");
  mtm_table_column_name(26, c);
  assert_string_equal(c, "AA");
  mtm_table_column_name(701, c);
  assert_string_equal(c, "ZZ");
  mtm_table_column_name(702, c);
  assert_string_equal(c, "AAA");
  mtm_table_column_name(16383, c);
  assert_string_equal(c, "XFD");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(xls_tutorial_sheets_and_cells),
      cmocka_unit_test(xls_from_memory_and_missing_sheet),
      cmocka_unit_test(xls_every_cell_matches_xlrd),
      cmocka_unit_test(xls_kobo_form_reads),
      cmocka_unit_test(xls_cascade_reads),
      cmocka_unit_test(xls_truncated),
      cmocka_unit_test(xls_patched_damage),
      cmocka_unit_test(xls_random_bytes),
      cmocka_unit_test(xls_missing_file),
      cmocka_unit_test(md_group_sheets_and_rows),
      cmocka_unit_test(md_two_sheets_unicode_and_missing),
      cmocka_unit_test(md_from_memory_with_escapes),
      cmocka_unit_test(sniff_by_extension_and_content),
      cmocka_unit_test(column_letters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
