/* The mapping of a KI form's questions to figures: reading and validating
 * a mapping file, storing it with the form, and periods. */
#include "bma/bma.h"
#include "bma/internal.h"
#include "form/form.h"
#include "table/table.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int mtm_bma_period_parse(const char *s, int *from, int *to) {
  size_t n = s ? strlen(s) : 0;
  if (n < 4) return MTM_EINVAL;
  for (int i = 0; i < 4; i++)
    if (!isdigit((unsigned char)s[i])) return MTM_EINVAL;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  if (y < 1900 || y > 2999) return MTM_EINVAL;
  int f, t;
  if (n == 4) {
    f = y * 12, t = f + 12;
  } else if (n == 6 && s[4] == 'Q' && s[5] >= '1' && s[5] <= '4') {
    f = y * 12 + (s[5] - '1') * 3, t = f + 3;
  } else if (n == 7 && s[4] == '-' && isdigit((unsigned char)s[5]) &&
             isdigit((unsigned char)s[6])) {
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    if (m < 1 || m > 12) return MTM_EINVAL;
    f = y * 12 + m - 1, t = f + 1;
  } else {
    return MTM_EINVAL;
  }
  if (from) *from = f;
  if (to) *to = t;
  return 0;
}

/* 1 when s is a slug: a lower-case letter, then lower-case letters, digits
 * and underscores. */
static int is_slug(const char *s) {
  if (!(*s >= 'a' && *s <= 'z')) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
  return 1;
}

static int is_iso3(const char *s) {
  return strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
         isupper((unsigned char)s[2]);
}

enum { C_FIELD, C_POP, C_PERIOD, C_ORIGIN, C_SEX, NCOLS };
static const char *const col_names[NCOLS] = {"field", "population", "period", "origin", "sex"};

/* Fills err for a bad cell and returns MTM_EINVAL. */
static int bad(mtm_err *err, const char *path, long row, int col, const char *fmt, ...)
    MTM_PRINTF(5, 6);
static int bad(mtm_err *err, const char *path, long row, int col, const char *fmt, ...) {
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  mtm_err_where(err, path, NULL, row, col >= 0 ? col_names[col] : NULL, NULL);
  return mtm_err_set(err, MTM_EINVAL, "%s", msg);
}

/* Checks one row's values (field against the form); returns 0 or
 * MTM_EINVAL with err naming the row and column. */
static int check_row(const char *path, long row, const mtm_bma_map *m,
                     const mtm_form *const *fs, int nf, mtm_err *err) {
  if (!m->field[0]) return bad(err, path, row, C_FIELD, "the field is empty: name a question of the form");
  /* A field of any version counts: a round's export may be of an older one. */
  const mtm_form *f = fs[0];
  const mtm_question *q = NULL;
  for (int v = 0; v < nf && !q; v++) q = mtm_form_question(fs[v], m->field);
  if (!q)
    return bad(err, path, row, C_FIELD, "'%s' is not a question of form '%s'", m->field,
               f->form_id);
  if (q->type != MTM_Q_INTEGER && q->type != MTM_Q_DECIMAL)
    return bad(err, path, row, C_FIELD,
               "question '%s' is a %s question; a figure must be an integer or decimal question",
               m->field, mtm_form_type_name(q->type));
  if (q->repeat >= 0)
    return bad(err, path, row, C_FIELD,
               "question '%s' is inside a repeat; a figure must be a question outside repeats",
               m->field);
  if (!is_slug(m->population))
    return bad(err, path, row, C_POP,
               "'%s' is not a population name: use lower-case letters, digits and underscores, "
               "such as migrant_worker, return_migrant or emigrant",
               m->population);
  if (mtm_bma_period_parse(m->period, NULL, NULL))
    return bad(err, path, row, C_PERIOD,
               "'%s' is not a period: write a year (2023), a quarter (2023Q1) or a month (2023-01)",
               m->period);
  if (m->origin[0] && !is_iso3(m->origin))
    return bad(err, path, row, C_ORIGIN,
               "'%s' is not a country code: write the ISO 3166 alpha-3 code in capitals (UZB), "
               "or leave the cell empty for all origins",
               m->origin);
  if (m->sex[0] && strcmp(m->sex, "f") && strcmp(m->sex, "m"))
    return bad(err, path, row, C_SEX, "'%s' is not a sex: write f, m, or leave the cell empty",
               m->sex);
  return 0;
}

int mtm_bma_mapping_read(const char *path, const mtm_form *const *fs, int nf, mtm_arena *a,
                         mtm_bma_map **out, int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  mtm_table *t;
  int rc = mtm_table_open(&t, path, NULL, err);
  if (rc) return rc;
  int col[NCOLS] = {-1, -1, -1, -1, -1};
  int have_header = 0, cap = 16, k = 0;
  mtm_bma_map *m = mtm_arena_alloc(a, sizeof *m * (size_t)cap);
  long *rows = mtm_arena_alloc(a, sizeof *rows * (size_t)cap);
  mtm_row row;
  while ((rc = mtm_table_next(t, &row, err)) > 0) {
    if (mtm_bma__blank_row(&row)) continue;
    if (!have_header) {
      have_header = 1;
      unsigned required = 1u << C_FIELD | 1u << C_POP | 1u << C_PERIOD;
      if ((rc = mtm_bma__header(path, &row, col_names, NCOLS, required, "a mapping", col, err)))
        goto out;
      continue;
    }
    if (k == cap) {
      mtm_bma_map *g = mtm_arena_alloc(a, sizeof *g * (size_t)cap * 2);
      long *gr = mtm_arena_alloc(a, sizeof *gr * (size_t)cap * 2);
      memcpy(g, m, sizeof *g * (size_t)cap);
      memcpy(gr, rows, sizeof *gr * (size_t)cap);
      m = g, rows = gr, cap *= 2;
    }
    const char *v[NCOLS];
    mtm_bma__cells(&row, col, NCOLS, a, v);
    m[k] = (mtm_bma_map){v[C_FIELD], v[C_POP], v[C_PERIOD], v[C_ORIGIN], v[C_SEX]};
    rows[k] = row.row;
    if ((rc = check_row(path, row.row, &m[k], fs, nf, err))) goto out;
    for (int i = 0; i < k; i++) {
      if (strcmp(m[i].field, m[k].field) == 0) {
        rc = bad(err, path, row.row, C_FIELD,
                 "question '%s' is mapped twice (row %ld too): one question holds one figure",
                 m[k].field, rows[i]);
        goto out;
      }
      if (strcmp(m[i].population, m[k].population) == 0 &&
          strcmp(m[i].period, m[k].period) == 0 && strcmp(m[i].origin, m[k].origin) == 0 &&
          strcmp(m[i].sex, m[k].sex) == 0) {
        rc = bad(err, path, row.row, -1,
                 "rows %ld and %ld both map population %s, period %s, origin '%s', sex '%s' "
                 "(to '%s' and '%s'): one figure comes from one question",
                 rows[i], row.row, m[k].population, m[k].period, m[k].origin, m[k].sex,
                 m[i].field, m[k].field);
        goto out;
      }
    }
    k++;
  }
  if (rc < 0) goto out;
  rc = 0;
  if (k == 0) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_EINVAL, "the mapping has no rows: name at least one question");
    goto out;
  }
  *out = m;
  *n = k;
out:
  mtm_table_close(t);
  return rc;
}

/* The file name part of a path. */
static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* Validates and stores the mapping at path (may be NULL) as the form's,
 * and as round's own when round > 0, and the location question (may be
 * NULL); one transaction. */
static int mapping_save(mtm_store *st, const char *form_id, int round, const char *path,
                        const char *location, mtm_err *err) {
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_store_formref fr;
  mtm_form_version *fv = NULL;
  int nfv = 0, nf = 0;
  mtm_form **fs = NULL;
  int rc = mtm_store_form_find(st, form_id, &a, &fr, err);
  if (!rc) rc = mtm_store_form_versions(st, form_id, &a, &fv, &nfv, err);
  /* Every version, the latest first. */
  if (!rc) fs = mtm_arena_zalloc(&a, sizeof *fs * (size_t)(nfv + 1));
  for (int i = nfv - 1; !rc && i >= 0; i--)
    if (!(rc = mtm_form_load(st, form_id, fv[i].version, &fs[nf], err))) nf++;
  if (rc) goto out;
  mtm_form *f = fs[0];
  mtm_bma_map *m = NULL;
  int n = 0;
  if (path && (rc = mtm_bma_mapping_read(path, (const mtm_form *const *)fs, nf, &a, &m, &n, err)))
    goto out;
  if (location) {
    const mtm_question *q = mtm_form_question(f, location);
    if (!q || q->field < 0) {
      rc = mtm_err_set(err, MTM_EINVAL,
                       "--location '%s' is not a question of form '%s' that holds an answer",
                       location, form_id);
      goto out;
    }
    if (q->repeat >= 0) {
      rc = mtm_err_set(err, MTM_EINVAL, "--location '%s' is inside a repeat of form '%s'",
                       location, form_id);
      goto out;
    }
  }
  if ((rc = mtm_store_begin(st, err))) goto out;
  if (path) {
    mtm_store_bma_row *r = mtm_arena_alloc(&a, sizeof *r * (size_t)n);
    for (int i = 0; i < n; i++)
      r[i] = (mtm_store_bma_row){m[i].field, m[i].population, m[i].period, m[i].origin, m[i].sex};
    rc = mtm_store_bma_mapping_set(st, fr.id, r, n, base_name(path), err);
    if (!rc && round > 0) rc = mtm_store_bma_round_mapping_set(st, fr.id, round, r, n, err);
  }
  if (!rc && location) rc = mtm_store_bma_location_set(st, fr.id, location, err);
  if (!rc) rc = mtm_store_commit(st, err);
  if (rc) mtm_store_rollback(st);
out:
  for (int i = 0; i < nf; i++) mtm_form_free(fs[i]);
  mtm_arena_free(&a);
  return rc;
}

int mtm_bma_mapping_save(mtm_store *st, const char *form_id, const char *path,
                         const char *location, mtm_err *err) {
  /* The form's mapping only. */
  return mapping_save(st, form_id, 0, path, location, err);
}

int mtm_bma_mapping_save_round(mtm_store *st, const char *form_id, int round, const char *path,
                               const char *location, mtm_err *err) {
  /* The form's mapping and the round's own. */
  return mapping_save(st, form_id, round, path, location, err);
}

int mtm_bma_mapping_load(mtm_store *st, const char *form_id, mtm_arena *a, mtm_bma_map **out,
                         int *n, const char **location, mtm_err *err) {
  /* The form's mapping: the latest given. */
  return mtm_bma_mapping_load_round(st, form_id, 0, a, out, n, location, err);
}

int mtm_bma_mapping_load_round(mtm_store *st, const char *form_id, int round, mtm_arena *a,
                               mtm_bma_map **out, int *n, const char **location, mtm_err *err) {
  /* The round's own rows when it has some, else the form's. */
  *out = NULL;
  *n = 0;
  if (location) *location = NULL;
  mtm_store_formref fr;
  int rc = mtm_store_form_find(st, form_id, a, &fr, err);
  if (rc) return rc;
  mtm_store_bma_row *r;
  int k;
  char *file, *loc;
  if ((rc = mtm_store_bma_mapping_get(st, fr.id, a, &r, &k, &file, &loc, err))) return rc;
  mtm_store_bma_row *own;
  int nown = 0;
  if (round > 0 && (rc = mtm_store_bma_round_mapping_get(st, fr.id, round, a, &own, &nown, err)))
    return rc;
  if (nown) r = own, k = nown;
  mtm_bma_map *m = mtm_arena_alloc(a, sizeof *m * (size_t)(k + 1));
  for (int i = 0; i < k; i++)
    m[i] = (mtm_bma_map){r[i].field, r[i].population, r[i].period, r[i].origin, r[i].sex};
  *out = m;
  *n = k;
  if (location) *location = loc;
  return 0;
}

/* ---- reading bma's small files (internal.h) ------------------------------ */

int mtm_bma__blank_row(const mtm_row *row) {
  for (int i = 0; i < row->n; i++)
    if (mtm_slice_trim(row->cells[i]).n) return 0;
  return 1;
}

int mtm_bma__header(const char *path, const mtm_row *row, const char *const *names, int n,
                    unsigned required, const char *what, int *col, mtm_err *err) {
  char list[256];
  size_t len = 0;
  list[0] = 0;
  for (int j = 0; j < n && len < sizeof list; j++)
    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "", names[j]);
  for (int j = 0; j < n; j++) col[j] = -1;
  for (int i = 0; i < row->n; i++) {
    mtm_slice h = mtm_slice_trim(row->cells[i]);
    if (!h.n) continue;
    int c = -1;
    for (int j = 0; j < n; j++)
      if (mtm_slice_eq_nocase(h, names[j])) c = j;
    char hn[128];
    snprintf(hn, sizeof hn, "%.*s", (int)(h.n < 100 ? h.n : 100), h.p);
    if (c < 0 || col[c] >= 0) {
      mtm_err_where(err, path, NULL, row->row, hn, NULL);
      if (c < 0)
        return mtm_err_set(err, MTM_EINVAL, "unknown column '%s': %s has the columns %s", hn,
                           what, list);
      return mtm_err_set(err, MTM_EINVAL, "the column '%s' appears twice", hn);
    }
    col[c] = i;
  }
  for (int j = 0; j < n; j++)
    if ((required >> j & 1u) && col[j] < 0) {
      mtm_err_where(err, path, NULL, row->row, NULL, NULL);
      return mtm_err_set(err, MTM_EINVAL, "the column '%s' is missing: %s has the columns %s",
                         names[j], what, list);
    }
  return 0;
}

void mtm_bma__cells(const mtm_row *row, const int *col, int n, mtm_arena *a, const char **v) {
  for (int j = 0; j < n; j++) {
    mtm_slice c = {"", 0};
    if (col[j] >= 0 && col[j] < row->n) c = mtm_slice_trim(row->cells[col[j]]);
    v[j] = mtm_arena_strndup(a, c.p, c.n);
  }
}
