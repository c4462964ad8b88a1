/* Unit tests of ingest's JSON reader: KoBo API v2 and plain arrays, the
 * union of keys as headers, values as text, repeats as groups, and the
 * exact errors for broken files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ingest/ingest.h"

static const char *val(const mtm_json_rec *r, const char *key, mtm_arena *a) {
  for (int i = 0; i < r->n; i++)
    if (!strcmp(r->keys[i], key))
      return r->vals[i].p ? mtm_arena_strndup(a, r->vals[i].p, r->vals[i].n) : "<null>";
  return "<absent>";
}

static void kobo_v2_export(void **state) {
  (void)state;
  mtm_json_export *j;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_ingest_json_open("tests/fixtures/ingest/kobo_v2.json", &j, &err), 0);
  assert_int_equal(mtm_ingest_json_count(j), 3);
  int n;
  const char *const *h;
  mtm_ingest_json_headers(j, &n, &h);
  assert_int_equal(n, 25);
  assert_string_equal(h[0], "_id");
  assert_string_equal(h[1], "formhub/uuid");
  assert_string_equal(h[13], "members");
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_json_rec r;
  assert_int_equal(mtm_ingest_json_next(j, &a, &r, &err), 1);
  assert_int_equal(r.n, 25);
  assert_string_equal(val(&r, "profile/age", &a), "34");
  assert_string_equal(val(&r, "income", &a), "120000.5");
  assert_string_equal(val(&r, "_geolocation", &a), "[43.25,76.95]");
  assert_string_equal(val(&r, "_validation_status", &a), "{}");
  assert_string_equal(val(&r, "_submitted_by", &a), "<null>");
  assert_int_equal(r.ngroups, 1);
  assert_string_equal(r.groups[0].key, "members");
  assert_int_equal(r.groups[0].n, 2);
  assert_string_equal(val(&r.groups[0].items[1], "members/m_name", &a), "Timur");
  assert_string_equal(val(&r.groups[0].items[1], "members/m_age", &a), "8");
  assert_int_equal(mtm_ingest_json_next(j, &a, &r, &err), 1);
  assert_string_equal(val(&r, "comment", &a), "<null>");
  assert_int_equal(r.ngroups, 0); /* "_attachments" is KoBo's, not a repeat */
  assert_string_equal(val(&r, "_attachments", &a),
                      "[{\"download_url\":\"https://kf.example/x.jpg\",\"filename\":\"x.jpg\"}]");
  assert_int_equal(mtm_ingest_json_next(j, &a, &r, &err), 1);
  assert_int_equal(mtm_ingest_json_next(j, &a, &r, &err), 0);
  mtm_ingest_json_close(j);
  mtm_arena_free(&a);
}

/* Writes text to a temporary file and returns its path. */
static char *temp_json(const char *text) {
  char *path = strdup("/tmp/mtm-json-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  return path;
}

static void plain_array(void **state) {
  (void)state;
  char *p = temp_json("[{\"a\": 1, \"b\": true}, {\"c\": 2.50, \"a\": \"x\"}]");
  mtm_json_export *j;
  mtm_err err;
  assert_int_equal(mtm_ingest_json_open(p, &j, &err), 0);
  int n;
  const char *const *h;
  mtm_ingest_json_headers(j, &n, &h);
  assert_int_equal(n, 3);
  assert_string_equal(h[2], "c");
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_json_rec r;
  assert_int_equal(mtm_ingest_json_next(j, &a, &r, &err), 1);
  assert_string_equal(val(&r, "b", &a), "true");
  assert_null(r.vals[2].p);
  assert_int_equal(mtm_ingest_json_next(j, &a, &r, &err), 1);
  assert_string_equal(val(&r, "c", &a), "2.5");
  assert_string_equal(val(&r, "a", &a), "x");
  mtm_ingest_json_close(j);
  mtm_arena_free(&a);
  unlink(p);
  free(p);
}

/* Opens text as JSON and returns the formatted error. */
static char *open_error(const char *text, char *line, size_t n) {
  char *p = temp_json(text);
  mtm_json_export *j = NULL;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_ingest_json_open(p, &j, &err), MTM_EINVAL);
  assert_null(j);
  mtm_err_format(&err, line, n);
  size_t pl = strlen(p);
  assert_int_equal(strncmp(line, p, pl), 0);
  memmove(line, line + pl, strlen(line + pl) + 1);
  unlink(p);
  free(p);
  return line;
}

static void broken_files(void **state) {
  (void)state;
  char line[1024];
  assert_string_equal(open_error("{\"results\": [", line, sizeof line),
                      ": line 1, column 13: this is not valid JSON: ']' expected near end of file");
  assert_string_equal(open_error("{\"count\": 1}", line, sizeof line),
                      ": this JSON object has no \"results\" list: it is not a KoBo API export "
                      "(expected {\"count\", \"next\", \"previous\", \"results\"} or a list of "
                      "submissions)");
  assert_string_equal(open_error("[{\"a\": 1}, 2]", line, sizeof line),
                      ", submission 2: this submission is not a JSON object");
  assert_string_equal(open_error("[{\"a\": \"\xff\"}]", line, sizeof line),
                      ": line 1, column 8: this is not UTF-8 text (byte 0xff); save the file as "
                      "UTF-8");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(kobo_v2_export),
      cmocka_unit_test(plain_array),
      cmocka_unit_test(broken_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
