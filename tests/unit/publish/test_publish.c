/* Unit tests of the publish writer: the exact bytes of a CSV (header, HXL
 * row, numbers, safe text, quoting, CRLF) and of the JSON envelope, a zip of
 * several CSVs with metadata.csv read back with libzip, an XLSX read back
 * with /usr/bin/python3's openpyxl, and nothing left behind on error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include <zip.h>

#include "publish/publish.h"

#define DIR "build/test_publish"

static const mtm_pub_col COLS[] = {
    {"admin1Name", "#adm1+name", MTM_PUB_TEXT, "the region"},
    {"admin1Pcode", "#adm1+code", MTM_PUB_TEXT, NULL},
    {"roundNumber", "#round+code", MTM_PUB_INT, NULL},
    {"numPresentMigrantWorkerInd", "#affected+migrant_workers+ind", MTM_PUB_NUM, NULL},
    {"comment", NULL, MTM_PUB_TEXT, NULL},
};

/* The rows every format writes: formula-like text, a negative number, a
 * negative number in a text column, a comma and a quote, empty cells. */
static const char *const ROWS[][5] = {
    {"Sughd", "TJ02", "1", "1250", "=HYPERLINK(\"http://x\",\"y\")"},
    {"Khatlon, south", "TJ03", "1", "-3.5", "-1.26 36.79 0 20"},
    {"@risk", "-12", "2", "0.25", NULL},
    {"", "TJ05", "x", "not a number", "say \"hi\""},
};

/* Reads a whole file into a malloc'd string (NULL when absent). */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t k = fread(s, 1, (size_t)n, f);
  s[k] = 0;
  fclose(f);
  if (len) *len = k;
  return s;
}

/* Writes COLS and ROWS into path with opts o (one table named name). */
static void write_table(const char *path, const mtm_pub_opts *o, const char *name) {
  mtm_err err;
  mtm_err_clear(&err);
  mtm_pub_writer *w = NULL;
  assert_int_equal(mtm_pub_open(&w, path, o, &err), 0);
  assert_int_equal(mtm_pub_table(w, name, 5, COLS, &err), 0);
  for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) assert_int_equal(mtm_pub_row(w, ROWS[i], &err), 0);
  mtm_pub_meta m[] = {{"licence", "CC BY-IGO 3.0"}, {"note", "=1+1"}};
  assert_int_equal(mtm_pub_metadata(w, 2, m, &err), 0);
  assert_int_equal(mtm_pub_close(w, &err), 0);
}

/* Counts the directory's entries other than . and .. (no temporary file
 * may be left behind). */
static int entries(const char *dir) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
  FILE *p = popen(cmd, "r");
  int n = -1;
  if (p) {
    if (fscanf(p, "%d", &n) != 1) n = -1;
    pclose(p);
  }
  return n;
}

static int setup(void **state) {
  (void)state;
  if (system("rm -rf " DIR " && mkdir -p " DIR)) return -1;
  return 0;
}

/* The CSV, byte for byte. */
static void test_csv_bytes(void **state) {
  (void)state;
  mtm_pub_opts o = {MTM_PUB_CSV, 1, 0};
  write_table(DIR "/bma.csv", &o, "bma");
  char *s = slurp(DIR "/bma.csv", NULL);
  assert_non_null(s);
  assert_string_equal(s,
                      "admin1Name,admin1Pcode,roundNumber,numPresentMigrantWorkerInd,comment\r\n"
                      "#adm1+name,#adm1+code,#round+code,#affected+migrant_workers+ind,\r\n"
                      "Sughd,TJ02,1,1250,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"
                      "\"Khatlon, south\",TJ03,1,-3.5,'-1.26 36.79 0 20\r\n"
                      "'@risk,-12,2,0.25,\r\n"
                      ",TJ05,x,not a number,\"say \"\"hi\"\"\"\r\n");
  free(s);
  assert_int_equal(entries(DIR), 1);
}

/* Without --hxl there is one header row. */
static void test_csv_no_hxl(void **state) {
  (void)state;
  mtm_pub_opts o = {MTM_PUB_CSV, 0, 0};
  write_table(DIR "/plain.csv", &o, "bma");
  char *s = slurp(DIR "/plain.csv", NULL);
  assert_non_null(s);
  assert_true(!strncmp(s, "admin1Name,admin1Pcode,roundNumber,numPresentMigrantWorkerInd,comment\r\nSughd,", 77));
  free(s);
}

/* The JSON envelope, byte for byte, and parsed by jansson: numbers of
 * numeric columns are JSON numbers, empty cells null, text as it is. */
static void test_json(void **state) {
  (void)state;
  mtm_pub_opts o = {MTM_PUB_JSON, 1, 0};
  write_table(DIR "/bma.json", &o, "bma");
  char *s = slurp(DIR "/bma.json", NULL);
  assert_non_null(s);
  assert_string_equal(
      s, "{\"isSuccess\":true,\"statusCode\":200,\"result\":[\n"
         "{\"admin1Name\":\"Sughd\",\"admin1Pcode\":\"TJ02\",\"roundNumber\":1,\"numPresentMigrantWorkerInd\":1250,"
         "\"comment\":\"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\"},\n"
         "{\"admin1Name\":\"Khatlon, south\",\"admin1Pcode\":\"TJ03\",\"roundNumber\":1,"
         "\"numPresentMigrantWorkerInd\":-3.5,\"comment\":\"-1.26 36.79 0 20\"},\n"
         "{\"admin1Name\":\"@risk\",\"admin1Pcode\":\"-12\",\"roundNumber\":2,\"numPresentMigrantWorkerInd\":0.25,"
         "\"comment\":null},\n"
         "{\"admin1Name\":null,\"admin1Pcode\":\"TJ05\",\"roundNumber\":\"x\",\"numPresentMigrantWorkerInd\":\"not a "
         "number\",\"comment\":\"say \\\"hi\\\"\"}\n"
         "],\"errorMessages\":[],\"totalRecordsCount\":4}\n");
  json_error_t je;
  json_t *j = json_loads(s, 0, &je);
  assert_non_null(j);
  assert_true(json_is_true(json_object_get(j, "isSuccess")));
  assert_int_equal(json_integer_value(json_object_get(j, "statusCode")), 200);
  assert_int_equal(json_integer_value(json_object_get(j, "totalRecordsCount")), 4);
  assert_int_equal(json_array_size(json_object_get(j, "errorMessages")), 0);
  json_t *r = json_object_get(j, "result");
  assert_int_equal(json_array_size(r), 4);
  assert_true(json_is_integer(json_object_get(json_array_get(r, 2), "roundNumber")));
  assert_true(json_real_value(json_object_get(json_array_get(r, 1), "numPresentMigrantWorkerInd")) == -3.5);
  json_decref(j);
  free(s);
}

/* JSON numbers are JSON's own even when the text is not: "+5" and ".5"
 * become 5 and 0.5, an integer column's "3.0" becomes 3; an empty table is
 * an empty result. */
static void test_json_numbers(void **state) {
  (void)state;
  mtm_pub_opts o = {MTM_PUB_JSON, 0, 0};
  mtm_err err;
  mtm_err_clear(&err);
  mtm_pub_writer *w = NULL;
  mtm_pub_col c[] = {{"i", NULL, MTM_PUB_INT, NULL}, {"x", NULL, MTM_PUB_NUM, NULL}, {"b", NULL, MTM_PUB_BOOL, NULL}};
  assert_int_equal(mtm_pub_open(&w, DIR "/n.json", &o, &err), 0);
  assert_int_equal(mtm_pub_table(w, "t", 3, c, &err), 0);
  const char *r1[] = {"3.0", "+5", "1"}, *r2[] = {"-0", ".5", "0"}, *r3[] = {"12", "1e-3", ""};
  assert_int_equal(mtm_pub_row(w, r1, &err), 0);
  assert_int_equal(mtm_pub_row(w, r2, &err), 0);
  assert_int_equal(mtm_pub_row(w, r3, &err), 0);
  assert_int_equal(mtm_pub_close(w, &err), 0);
  char *s = slurp(DIR "/n.json", NULL);
  assert_string_equal(s, "{\"isSuccess\":true,\"statusCode\":200,\"result\":[\n"
                         "{\"i\":3,\"x\":5,\"b\":1},\n{\"i\":0,\"x\":0.5,\"b\":0},\n{\"i\":12,\"x\":1e-3,\"b\":null}\n"
                         "],\"errorMessages\":[],\"totalRecordsCount\":3}\n");
  free(s);
  assert_int_equal(mtm_pub_open(&w, DIR "/empty.json", &o, &err), 0);
  assert_int_equal(mtm_pub_table(w, "t", 3, c, &err), 0);
  assert_int_equal(mtm_pub_close(w, &err), 0);
  s = slurp(DIR "/empty.json", NULL);
  assert_string_equal(s, "{\"isSuccess\":true,\"statusCode\":200,\"result\":[],\"errorMessages\":[],"
                         "\"totalRecordsCount\":0}\n");
  free(s);
}

/* Reads one entry of a zip into a malloc'd string. */
static char *zip_text(zip_t *z, const char *name) {
  zip_stat_t st;
  if (zip_stat(z, name, 0, &st)) return NULL;
  zip_file_t *f = zip_fopen(z, name, 0);
  char *s = malloc(st.size + 1);
  zip_int64_t k = zip_fread(f, s, st.size);
  zip_fclose(f);
  s[k < 0 ? 0 : k] = 0;
  return s;
}

/* Several CSV tables: a zip of NAME.csv (a repeated name made unique) and
 * metadata.csv, each safe; mtm_pub_tables tells what was written. */
static void test_zip(void **state) {
  (void)state;
  mtm_pub_opts o = {MTM_PUB_CSV, 0, 0};
  mtm_err err;
  mtm_err_clear(&err);
  mtm_pub_writer *w = NULL;
  assert_int_equal(mtm_pub_open(&w, DIR "/micro.zip", &o, &err), 0);
  mtm_pub_col main_cols[] = {{"_uuid", NULL, MTM_PUB_TEXT, NULL}, {"age", "#age", MTM_PUB_INT, NULL}};
  mtm_pub_col kid_cols[] = {{"name", NULL, MTM_PUB_TEXT, NULL}, {"_parent_index", NULL, MTM_PUB_INT, NULL}};
  assert_int_equal(mtm_pub_table(w, "main", 2, main_cols, &err), 0);
  const char *r1[] = {"u1", "41"}, *r2[] = {"u2", "-"};
  assert_int_equal(mtm_pub_row(w, r1, &err), 0);
  assert_int_equal(mtm_pub_row(w, r2, &err), 0);
  assert_int_equal(mtm_pub_table(w, "kids/a", 2, kid_cols, &err), 0);
  const char *k1[] = {"+Tom", "1"};
  assert_int_equal(mtm_pub_row(w, k1, &err), 0);
  assert_int_equal(mtm_pub_table(w, "main", 2, main_cols, &err), 0);
  mtm_pub_meta m[] = {{"source", "IOM DTM"}};
  assert_int_equal(mtm_pub_metadata(w, 1, m, &err), 0);
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_pub_table_info *ti;
  int n;
  assert_int_equal(mtm_pub_tables(w, &a, &ti, &n), 0);
  assert_int_equal(n, 3);
  assert_string_equal(ti[0].name, "main");
  assert_int_equal(ti[0].nrows, 2);
  assert_string_equal(ti[0].cols[1].hxl, "#age");
  assert_int_equal(ti[0].cols[1].type, MTM_PUB_INT);
  assert_int_equal(ti[1].nrows, 1);
  assert_int_equal(ti[2].nrows, 0);
  assert_int_equal(mtm_pub_close(w, &err), 0);
  /* the copies outlive the writer */
  assert_string_equal(ti[1].name, "kids/a");
  assert_string_equal(ti[1].cols[1].name, "_parent_index");
  mtm_arena_free(&a);

  int ze = 0;
  zip_t *z = zip_open(DIR "/micro.zip", ZIP_RDONLY, &ze);
  assert_non_null(z);
  assert_int_equal(zip_get_num_entries(z, 0), 4);
  char *s = zip_text(z, "main.csv");
  assert_string_equal(s, "_uuid,age\r\nu1,41\r\nu2,'-\r\n");
  free(s);
  s = zip_text(z, "kids_a.csv");
  assert_string_equal(s, "name,_parent_index\r\n'+Tom,1\r\n");
  free(s);
  s = zip_text(z, "main~2.csv");
  assert_string_equal(s, "_uuid,age\r\n");
  free(s);
  s = zip_text(z, "metadata.csv");
  assert_string_equal(s, "field,value\r\nsource,IOM DTM\r\n");
  free(s);
  zip_close(z);
}

/* A CSV named .csv takes one table; JSON takes one table: the second is
 * refused, and after abort nothing is left, not even a temporary file;
 * a file already at the path stays as it was. */
static void test_refused_leaves_nothing(void **state) {
  (void)state;
  mtm_err err;
  mtm_pub_col c[] = {{"a", NULL, MTM_PUB_TEXT, NULL}};
  const char *row[] = {"1"};
  mtm_pub_opts csv = {MTM_PUB_CSV, 0, 0}, json = {MTM_PUB_JSON, 0, 0}, xlsx = {MTM_PUB_XLSX, 0, 0};
  FILE *f = fopen(DIR "/old.csv", "wb");
  fputs("old\n", f);
  fclose(f);
  const char *paths[] = {DIR "/old.csv", DIR "/x.json"};
  const mtm_pub_opts *opts[] = {&csv, &json};
  for (int i = 0; i < 2; i++) {
    mtm_err_clear(&err);
    mtm_pub_writer *w = NULL;
    assert_int_equal(mtm_pub_open(&w, paths[i], opts[i], &err), 0);
    assert_int_equal(mtm_pub_table(w, "a", 1, c, &err), 0);
    assert_int_equal(mtm_pub_row(w, row, &err), 0);
    assert_int_equal(mtm_pub_table(w, "b", 1, c, &err), MTM_EINVAL);
    assert_string_equal(err.file, paths[i]);
    assert_true(strstr(err.msg, i ? "JSON holds one table" : "name the file .zip") != NULL);
    mtm_pub_abort(w);
  }
  char *s = slurp(DIR "/old.csv", NULL);
  assert_string_equal(s, "old\n");
  free(s);
  assert_int_equal(access(DIR "/x.json", F_OK), -1);
  /* an aborted XLSX leaves nothing either */
  mtm_pub_writer *w = NULL;
  assert_int_equal(mtm_pub_open(&w, DIR "/x.xlsx", &xlsx, &err), 0);
  assert_int_equal(mtm_pub_table(w, "a", 1, c, &err), 0);
  assert_int_equal(mtm_pub_row(w, row, &err), 0);
  mtm_pub_abort(w);
  assert_int_equal(access(DIR "/x.xlsx", F_OK), -1);
  assert_int_equal(entries(DIR), 1);
  /* a folder that does not exist: an error naming the file */
  mtm_err_clear(&err);
  assert_int_equal(mtm_pub_open(&w, DIR "/no/such/x.csv", &csv, &err), MTM_EIO);
  assert_null(w);
  assert_string_equal(err.file, DIR "/no/such/x.csv");
}

/* The XLSX read back with openpyxl: numbers are numbers, text is safe,
 * the HXL row is there, and the sheet "metadata" follows the data. */
static void test_xlsx_openpyxl(void **state) {
  (void)state;
  mtm_pub_opts o = {MTM_PUB_XLSX, 1, 0};
  write_table(DIR "/bma.xlsx", &o, "bma: admin1/2");
  FILE *p = popen("/usr/bin/python3 -c '\n"
                  "import openpyxl\n"
                  "wb = openpyxl.load_workbook(\"" DIR "/bma.xlsx\")\n"
                  "print(wb.sheetnames)\n"
                  "for ws in wb.worksheets:\n"
                  "    for row in ws.iter_rows(values_only=True):\n"
                  "        print(repr(row))\n"
                  "' 2>&1",
                  "r");
  assert_non_null(p);
  char out[4096];
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = 0;
  assert_int_equal(pclose(p), 0);
  assert_string_equal(
      out, "['bma_ admin1_2', 'metadata']\n"
           "('admin1Name', 'admin1Pcode', 'roundNumber', 'numPresentMigrantWorkerInd', 'comment')\n"
           "('#adm1+name', '#adm1+code', '#round+code', '#affected+migrant_workers+ind', None)\n"
           "('Sughd', 'TJ02', 1, 1250, '\\'=HYPERLINK(\"http://x\",\"y\")')\n"
           "('Khatlon, south', 'TJ03', 1, -3.5, \"'-1.26 36.79 0 20\")\n"
           "(\"'@risk\", '-12', 2, 0.25, None)\n"
           "(None, 'TJ05', 'x', 'not a number', 'say \"hi\"')\n"
           "('field', 'value')\n"
           "('licence', 'CC BY-IGO 3.0')\n"
           "('note', \"'=1+1\")\n");
}

/* Formats by name and by extension; Frictionless types. */
static void test_formats(void **state) {
  (void)state;
  mtm_pub_format f;
  assert_int_equal(mtm_pub_format_parse("xlsx", &f), 0);
  assert_int_equal(f, MTM_PUB_XLSX);
  assert_int_equal(mtm_pub_format_parse("XLS", &f), MTM_EINVAL);
  assert_int_equal(mtm_pub_format_of_path("a/b.CSV"), MTM_PUB_CSV);
  assert_int_equal(mtm_pub_format_of_path("b.zip"), MTM_PUB_CSV);
  assert_int_equal(mtm_pub_format_of_path("b.json"), MTM_PUB_JSON);
  assert_int_equal(mtm_pub_format_of_path("b.xlsx"), MTM_PUB_XLSX);
  assert_int_equal(mtm_pub_format_of_path("b.txt"), 0);
  assert_string_equal(mtm_pub_type_frictionless(MTM_PUB_INT), "integer");
  assert_string_equal(mtm_pub_type_frictionless(MTM_PUB_NUM), "number");
  assert_string_equal(mtm_pub_type_frictionless(MTM_PUB_TEXT), "string");
  assert_string_equal(mtm_pub_type_frictionless(MTM_PUB_DATE), "date");
  assert_string_equal(mtm_pub_type_frictionless(MTM_PUB_DATETIME), "datetime");
  assert_string_equal(mtm_pub_type_frictionless(MTM_PUB_BOOL), "boolean");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_csv_bytes, setup),
      cmocka_unit_test(test_csv_no_hxl),
      cmocka_unit_test(test_json),
      cmocka_unit_test(test_json_numbers),
      cmocka_unit_test(test_zip),
      cmocka_unit_test_setup(test_refused_leaves_nothing, setup),
      cmocka_unit_test(test_xlsx_openpyxl),
      cmocka_unit_test(test_formats),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
