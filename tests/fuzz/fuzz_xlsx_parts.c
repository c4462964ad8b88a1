/* Fuzzes the XML side of the XLSX reader: the bytes are the parts of a
 * workbook separated by "@@@@" lines,
 *
 *   xl/worksheets/sheet1.xml @@@@ xl/sharedStrings.xml @@@@ xl/styles.xml
 *   @@@@ xl/workbook.xml @@@@ xl/_rels/workbook.xml.rels
 *
 * which are zipped in memory with libzip (stored, not compressed) into a
 * valid archive, so that every input reaches expat and the reader's
 * callbacks. A missing shared-strings or styles part is left out; a missing
 * workbook or relationships part gets a plain default. */
#include "fuzz.h"

#include <zip.h>

#define SEP "@@@@"

static const char default_workbook[] =
    "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/"
    "spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/"
    "2006/relationships\"><sheets><sheet name=\"survey\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"choices\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";

static const char default_rels[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/"
    "package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/></Relationships>";

/* The first "@@@@" in p[0..n), or NULL. */
static const char *find_sep(const char *p, size_t n) {
  for (size_t i = 0; i + sizeof SEP - 1 <= n; i++)
    if (!memcmp(p + i, SEP, sizeof SEP - 1)) return p + i;
  return NULL;
}

/* Adds an entry holding n bytes of p (copied by libzip when the archive is
 * written, so p must live until zip_close). */
static void add(zip_t *za, const char *name, const void *p, size_t n) {
  zip_source_t *s = zip_source_buffer(za, p, n, 0);
  if (!s) fuzz_fail("zip_source_buffer failed");
  zip_int64_t i = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
  if (i < 0) fuzz_fail("zip_file_add failed");
  zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

/* Builds the archive; returns its bytes (malloc) and their number. */
static unsigned char *build_zip(const uint8_t *data, size_t size, size_t *out_len) {
  const char *names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
                         "xl/workbook.xml", "xl/_rels/workbook.xml.rels"};
  const void *part[5] = {0};
  size_t len[5] = {0};
  int have[5] = {0};
  const char *p = (const char *)data, *end = p + size;
  for (int k = 0; k < 5 && p <= end; k++) {
    const char *s = find_sep(p, (size_t)(end - p));
    part[k] = p;
    len[k] = s ? (size_t)(s - p) : (size_t)(end - p);
    have[k] = 1;
    if (!s) break;
    p = s + sizeof SEP - 1;
  }
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
  if (!src) fuzz_fail("zip_source_buffer_create failed");
  zip_source_keep(src);
  zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
  if (!za) fuzz_fail("zip_open_from_source failed");
  add(za, names[0], part[0], len[0]);
  if (have[1]) add(za, names[1], part[1], len[1]);
  if (have[2]) add(za, names[2], part[2], len[2]);
  if (have[3] && len[3])
    add(za, names[3], part[3], len[3]);
  else
    add(za, names[3], default_workbook, sizeof default_workbook - 1);
  if (have[4] && len[4])
    add(za, names[4], part[4], len[4]);
  else
    add(za, names[4], default_rels, sizeof default_rels - 1);
  if (zip_close(za) < 0) fuzz_fail("zip_close failed");
  if (zip_source_open(src) < 0) fuzz_fail("zip_source_open failed");
  zip_source_seek(src, 0, SEEK_END);
  zip_int64_t n = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  unsigned char *bytes = malloc(n > 0 ? (size_t)n : 1);
  if (zip_source_read(src, bytes, (zip_uint64_t)n) != n) fuzz_fail("zip_source_read failed");
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&ze);
  *out_len = (size_t)n;
  return bytes;
}

/* Opens sheet and reads it through. */
static void read_sheet(const unsigned char *zip, size_t n, const char *sheet) {
  mtm_table *t = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  int rc = mtm_table_open_mem(&t, zip, n, MTM_TABLE_XLSX, "fuzz.xlsx", sheet, &err);
  if (rc) {
    fuzz_check_err(&err, rc);
    if (t) fuzz_fail("a table handed back with an error");
    return;
  }
  fuzz_drain(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t n;
  unsigned char *zip = build_zip(data, size, &n);
  read_sheet(zip, n, NULL);
  read_sheet(zip, n, "choices");
  free(zip);
  return 0;
}
