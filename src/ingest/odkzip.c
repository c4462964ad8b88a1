/* ODK Central's .csv.zip export: the CSVs it holds, the KEY of a repeat
 * row, and the map from KEY to the submission a row belongs to.
 *
 * Central writes FORM.csv (one row per submission, KEY its instance ID)
 * and FORM-REPEAT.csv per repeat (FORM-REPEAT~N.csv when two repeats share
 * a name), each repeat row ending with PARENT_KEY and KEY, where KEY is the
 * instance ID, the group and repeat names and the instance number of every
 * repeat on the way: "uuid:1f3a.../household/members[2]/jobs[1]". An export
 * "with attachments" adds media/ files, which are left alone. */
#include "ingest/internal.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

struct ing_zip {
  zip_t *za;
  char *path;
  char *main;      /* the member of the submissions */
  int nrep;
  char **rep;      /* the members of the repeats, in the zip's order */
  char **repname;  /* the repeat each names ("child" for FORM-child~2.csv) */
};

/* Tells whether path names a zip to read as ODK Central's export: its name
 * ends in ".zip" (".csv.zip" included), whatever its case. */
int ing_zip_is(const char *path) {
  size_t n = strlen(path);
  return n > 4 && !mtm_strcasecmp(path + n - 4, ".zip");
}

/* Tells whether a member name ends in ".csv" and sits at the top of the zip
 * (attachments live under media/). */
static int top_csv(const char *name) {
  size_t n = strlen(name);
  return n > 4 && !mtm_strcasecmp(name + n - 4, ".csv") && !strchr(name, '/');
}

void ing_zip_close(ing_zip *z) {
  if (!z) return;
  if (z->za) zip_discard(z->za);
  for (int i = 0; i < z->nrep; i++) free(z->rep[i]), free(z->repname[i]);
  free(z->rep);
  free(z->repname);
  free(z->main);
  free(z->path);
  free(z);
}

/* Opens the zip and sorts its CSVs: the main one is the CSV whose name,
 * less ".csv", followed by '-' begins the name of every other CSV (a zip of
 * one CSV: that one). The rest are the repeats', named by what follows
 * that '-', less a "~N" that tells apart repeats of one name. */
int ing_zip_open(const char *path, ing_zip **out, mtm_err *err) {
  *out = NULL;
  int code = 0;
  zip_t *za = zip_open(path, ZIP_RDONLY, &code);
  if (!za) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    mtm_err_set(err, code == ZIP_ER_NOENT ? MTM_ENOTFOUND : MTM_EINVAL,
                "cannot read this zip file: %s", zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return err->code;
  }
  ing_zip *z = mtm_xcalloc(1, sizeof *z);
  z->za = za;
  z->path = mtm_xstrdup(path);
  zip_int64_t ne = zip_get_num_entries(za, 0);
  const char **csvs = mtm_xcalloc((size_t)(ne > 0 ? ne : 1), sizeof *csvs);
  int nc = 0;
  for (zip_int64_t i = 0; i < ne; i++) {
    const char *nm = zip_get_name(za, (zip_uint64_t)i, 0);
    if (nm && top_csv(nm)) csvs[nc++] = nm;
  }
  int main = -1;
  for (int i = 0; i < nc && main < 0; i++) {
    size_t stem = strlen(csvs[i]) - 4;
    int all = 1;
    for (int j = 0; j < nc && all; j++)
      if (j != i && (strncmp(csvs[j], csvs[i], stem) || csvs[j][stem] != '-')) all = 0;
    if (all) main = i;
  }
  if (main < 0) {
    free(csvs);
    ing_zip_close(z);
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    if (nc == 0)
      return mtm_err_set(err, MTM_EINVAL,
                         "this zip holds no CSV file; ODK Central's export holds FORM.csv and a "
                         "FORM-REPEAT.csv for each repeat");
    return mtm_err_set(err, MTM_EINVAL,
                       "this zip holds %d CSV files but none is the main one: ODK Central names "
                       "it FORM.csv and each repeat's FORM-REPEAT.csv",
                       nc);
  }
  z->main = mtm_xstrdup(csvs[main]);
  size_t stem = strlen(z->main) - 4;
  z->rep = mtm_xcalloc((size_t)(nc ? nc : 1), sizeof *z->rep);
  z->repname = mtm_xcalloc((size_t)(nc ? nc : 1), sizeof *z->repname);
  for (int j = 0; j < nc; j++) {
    if (j == main) continue;
    const char *r = csvs[j] + stem + 1;
    size_t rn = strlen(r) - 4;
    const char *tilde = NULL;
    for (const char *p = r; p < r + rn; p++)
      if (*p == '~') tilde = p;
    if (tilde && tilde + 1 < r + rn && strspn(tilde + 1, "0123456789") == (size_t)(r + rn - tilde - 1))
      rn = (size_t)(tilde - r);
    z->rep[z->nrep] = mtm_xstrdup(csvs[j]);
    char *name = mtm_xmalloc(rn + 1);
    memcpy(name, r, rn);
    name[rn] = 0;
    z->repname[z->nrep++] = name;
  }
  free(csvs);
  *out = z;
  return 0;
}

const char *ing_zip_main(const ing_zip *z) { return z->main; }
int ing_zip_nrepeats(const ing_zip *z) { return z->nrep; }
const char *ing_zip_repeat_member(const ing_zip *z, int i) { return z->rep[i]; }
const char *ing_zip_repeat_name(const ing_zip *z, int i) { return z->repname[i]; }

/* Reads a member whole into a malloc'd buffer (NUL-terminated beyond
 * *len). Errors name the zip and the member. */
int ing_zip_read(ing_zip *z, const char *member, char **bytes, size_t *len, mtm_err *err) {
  *bytes = NULL;
  *len = 0;
  zip_stat_t st;
  zip_stat_init(&st);
  zip_file_t *zf = NULL;
  if (zip_stat(z->za, member, 0, &st) || !(st.valid & ZIP_STAT_SIZE) ||
      !(zf = zip_fopen(z->za, member, 0))) {
    mtm_err_where(err, z->path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL, "cannot read %s inside this zip: %s", member,
                       zip_strerror(z->za));
  }
  char *buf = mtm_xmalloc((size_t)st.size + 1);
  zip_uint64_t got = 0;
  while (got < st.size) {
    zip_int64_t r = zip_fread(zf, buf + got, st.size - got);
    if (r <= 0) break;
    got += (zip_uint64_t)r;
  }
  if (got != st.size) {
    mtm_err_where(err, z->path, NULL, 0, NULL, NULL);
    mtm_err_set(err, MTM_EINVAL, "%s inside this zip is damaged: %s", member,
                zip_file_strerror(zf));
    zip_fclose(zf);
    free(buf);
    return MTM_EINVAL;
  }
  zip_fclose(zf);
  buf[got] = 0;
  *bytes = buf;
  *len = (size_t)got;
  return 0;
}

/* Splits a repeat row's KEY, "uuid:x/grp/rep[2]/inner[3]": *path gets the
 * names after the instance ID without the instance numbers ("grp/rep/inner",
 * in arena a), *index the last instance number (3). Returns 0, or -1 when
 * the KEY has no '/' or does not end in "[N]" with N >= 1. */
int ing_odk_key(mtm_slice key, mtm_arena *a, const char **path, long *index) {
  key = mtm_slice_trim(key);
  const char *slash = key.p ? memchr(key.p, '/', key.n) : NULL;
  if (!slash || key.n < 4 || key.p[key.n - 1] != ']') return -1;
  const char *end = key.p + key.n - 1, *open = end;
  while (open > slash && open[-1] != '[') open--;
  if (open - 1 <= slash + 1 || open == end) return -1; /* "[N]" after a name */
  long v = 0;
  for (const char *p = open; p < end; p++) {
    if (*p < '0' || *p > '9' || v > 100000000) return -1;
    v = v * 10 + (*p - '0');
  }
  if (v < 1) return -1;
  const char *s = slash + 1;
  size_t n = (size_t)(key.p + key.n - s);
  char *o = mtm_arena_alloc(a, n + 1), *w = o;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '[') {
      while (i < n && s[i] != ']') i++;
      continue;
    }
    *w++ = s[i];
  }
  *w = 0;
  *path = o;
  *index = v;
  return 0;
}

/* ---- KEY -> submission ----------------------------------------------------- */

void ing_keys_init(ing_keys *k) {
  memset(k, 0, sizeof *k);
  mtm_arena_init(&k->a);
  ing_map_init(&k->m, &k->a, 256);
}

void ing_keys_free(ing_keys *k) {
  if (!k) return;
  free(k->sub);
  free(k->ver);
  free(k->row);
  mtm_arena_free(&k->a);
  memset(k, 0, sizeof *k);
}

/* Adds key -> (sub, v), read at row; returns 0, or the row where the key
 * was read before (then nothing changes). */
long ing_keys_put(ing_keys *k, mtm_slice key, int64_t sub, int v, long row) {
  key = mtm_slice_trim(key);
  int i = ing_map_get(&k->m, key.p, key.n, -1);
  if (i >= 0) return k->row[i] ? k->row[i] : -1;
  if (k->n == k->cap) {
    k->cap = k->cap ? k->cap * 2 : 256;
    k->sub = mtm_xrealloc(k->sub, sizeof *k->sub * (size_t)k->cap);
    k->ver = mtm_xrealloc(k->ver, sizeof *k->ver * (size_t)k->cap);
    k->row = mtm_xrealloc(k->row, sizeof *k->row * (size_t)k->cap);
  }
  k->sub[k->n] = sub;
  k->ver[k->n] = v;
  k->row[k->n] = row;
  ing_map_put(&k->m, key.p, key.n, k->n++);
  return 0;
}

/* Finds key: 1 with *sub (0 when the submission was not stored by this
 * import) and *v, or 0 when it is unknown. */
int ing_keys_get(const ing_keys *k, mtm_slice key, int64_t *sub, int *v) {
  key = mtm_slice_trim(key);
  int i = ing_map_get(&k->m, key.p, key.n, -1);
  if (i < 0) return 0;
  *sub = k->sub[i];
  *v = k->ver[i];
  return 1;
}
