/* Phone verification of location figures: one at a time or from a CSV in
 * one transaction, kept in an append-only log that consolidation reads
 * (the latest verification of a location's field wins). */
#include "bma/bma.h"
#include "bma/internal.h"
#include "table/table.h"

#include <math.h>
#include <string.h>

/* What one verification row says, with the columns it came from (for
 * messages). */
typedef struct {
  const char *pcode, *field, *value, *status, *by, *note;
} vrow;

enum { V_PCODE, V_FIELD, V_VALUE, V_STATUS, V_BY, V_NOTE, V_NCOLS };
static const char *const vcols[V_NCOLS] = {"pcode", "field", "value", "status", "by", "note"};

/* Records the position of a row-level problem: a column of a file row, or
 * the command-line option. */
static void where(mtm_err *err, const char *path, long row, int col) {
  if (path) mtm_err_where(err, path, NULL, row, vcols[col], NULL);
}

/* Checks one verification against the consolidation r (whose location
 * figures it updates, so that a later row sees this one) and fills v. */
static int check_one(const mtm_bma_result *r, const vrow *in, const char *path, long row,
                     mtm_store_bma_verif *v, mtm_err *err) {
  const char *opt = path ? "" : "--";
  memset(v, 0, sizeof *v);
  if (!in->status || (strcmp(in->status, "verified") && strcmp(in->status, "updated") &&
                      strcmp(in->status, "unreachable"))) {
    where(err, path, row, V_STATUS);
    return mtm_err_set(err, MTM_EINVAL,
                       "%sstatus '%s' is not one of verified, updated, unreachable", opt,
                       in->status ? in->status : "");
  }
  if (!in->by || !in->by[0]) {
    where(err, path, row, V_BY);
    return mtm_err_set(err, MTM_EINVAL, "%sby is needed: who made the phone call", opt);
  }
  int s = -1;
  for (int i = 0; i < r->nseries; i++)
    if (r->series[i].field && in->field && !strcmp(r->series[i].field, in->field)) s = i;
  if (s < 0) {
    mtm_buf b;
    mtm_buf_init(&b);
    for (int i = 0; i < r->nseries; i++)
      if (r->series[i].field) mtm_buf_printf(&b, "%s%s", b.n ? ", " : "", r->series[i].field);
    where(err, path, row, V_FIELD);
    int rc = mtm_err_set(err, MTM_EINVAL, "'%s' is not a mapped field of form '%s'; they are %s",
                         in->field ? in->field : "", r->form_id, b.p ? b.p : "none");
    mtm_buf_free(&b);
    return rc;
  }
  int k = -1;
  for (int i = 0; i < r->nareas; i++)
    if (r->areas[i].level == r->location_level && in->pcode &&
        !strcmp(r->areas[i].pcode, in->pcode))
      k = i;
  if (k < 0) {
    where(err, path, row, V_PCODE);
    return mtm_err_set(err, MTM_EINVAL,
                       "'%s' is not a location with key-informant submissions of form '%s' in "
                       "round %d",
                       in->pcode ? in->pcode : "", r->form_id, r->round);
  }
  mtm_bma_figure *f = &r->fig[(size_t)k * (size_t)r->nseries + (size_t)s];
  double nv = NAN;
  int has_value = in->value && in->value[0];
  if (has_value && (mtm_parse_double(mtm_slice_c(in->value), &nv) || !isfinite(nv) || nv < 0)) {
    where(err, path, row, V_VALUE);
    return mtm_err_set(err, MTM_EINVAL, "%svalue '%s' is not a number of 0 or more", opt,
                       in->value);
  }
  if (!strcmp(in->status, "updated") && !has_value) {
    where(err, path, row, V_VALUE);
    return mtm_err_set(err, MTM_EINVAL, "status updated needs the %svalue the key informant gave",
                       opt);
  }
  if (!strcmp(in->status, "verified")) {
    if (isnan(f->value)) {
      where(err, path, row, V_STATUS);
      return mtm_err_set(err, MTM_EINVAL,
                         "%s has no figure for '%s' to verify (no key informant answered): use "
                         "status updated with the value, or unreachable",
                         in->pcode, in->field);
    }
    if (has_value && nv != f->value) {
      where(err, path, row, V_VALUE);
      char cur[64];
      snprintf(cur, sizeof cur, "%.15g", f->value);
      return mtm_err_set(err, MTM_EINVAL,
                         "%svalue %s differs from the consolidated figure %s of %s for '%s': use "
                         "status updated to replace it",
                         opt, in->value, cur, in->pcode, in->field);
    }
  }
  if (!strcmp(in->status, "unreachable") && has_value) {
    where(err, path, row, V_VALUE);
    return mtm_err_set(err, MTM_EINVAL, "status unreachable takes no %svalue", opt);
  }
  v->round = r->round;
  v->pcode = in->pcode;
  v->field = in->field;
  v->status = in->status;
  v->who = in->by;
  v->note = in->note && in->note[0] ? in->note : NULL;
  v->has_old = !isnan(f->value);
  v->old_value = f->value;
  if (!strcmp(in->status, "updated")) {
    v->has_new = 1;
    v->new_value = nv;
    f->value = nv;
  } else if (!strcmp(in->status, "verified")) {
    v->has_new = 1;
    v->new_value = f->value;
  }
  return 0;
}

/* Consolidates form_id's round by the median for the verification's old
 * values, and finds the form's key. */
/* The workspace key of form form_id. */
static int form_key(mtm_store *st, const char *form_id, int64_t *key, mtm_err *err) {
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_store_formref fr;
  int rc = mtm_store_form_find(st, form_id, &a, &fr, err);
  if (!rc) *key = fr.id;
  mtm_arena_free(&a);
  return rc;
}

static int prepare(mtm_store *st, const char *form_id, int round, mtm_arena *a, mtm_bma_result *r,
                   int64_t *form, mtm_err *err) {
  mtm_bma_opts o = {0};
  o.form_id = form_id;
  o.round = round;
  o.no_previous = 1;
  const char *fid;
  int rc = mtm_bma_form_pick(st, form_id, round, a, &fid, err);
  if (rc) return rc;
  o.form_id = fid;
  if ((rc = mtm_bma_consolidate(st, &o, a, r, err))) return rc;
  return form_key(st, fid, form, err);
}

int mtm_bma_verify(mtm_store *st, const mtm_bma_verif_in *in, double *old, int *has_old,
                   mtm_err *err) {
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_bma_result r;
  int64_t form;
  mtm_store_bma_verif v;
  int rc = prepare(st, in->form_id, in->round, &a, &r, &form, err);
  vrow row = {in->pcode, in->field, in->value, in->status, in->by, in->note};
  if (!rc) rc = check_one(&r, &row, NULL, 0, &v, err);
  if (!rc) {
    v.form = form;
    v.source = "command line";
    if (old) *old = v.old_value;
    if (has_old) *has_old = v.has_old;
    if (!(rc = mtm_store_begin(st, err))) {
      rc = mtm_store_bma_verif_add(st, &v, NULL, err);
      if (!rc) rc = mtm_store_commit(st, err);
      if (rc) mtm_store_rollback(st);
    }
  }
  mtm_arena_free(&a);
  return rc;
}

int mtm_bma_verify_file(mtm_store *st, const char *form_id, int round, const char *path, int *n,
                        mtm_err *err) {
  *n = 0;
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_bma_result r;
  int64_t form;
  mtm_table *t = NULL;
  int began = 0;
  int rc = prepare(st, form_id, round, &a, &r, &form, err);
  if (rc || (rc = mtm_table_open(&t, path, NULL, err))) goto out;
  if ((rc = mtm_store_begin(st, err))) goto out;
  began = 1;
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  int col[V_NCOLS] = {-1, -1, -1, -1, -1, -1};
  int header = 0;
  mtm_row row;
  while ((rc = mtm_table_next(t, &row, err)) > 0) {
    if (mtm_bma__blank_row(&row)) continue;
    if (!header) {
      header = 1;
      unsigned required = 1u << V_PCODE | 1u << V_FIELD | 1u << V_STATUS | 1u << V_BY;
      if ((rc = mtm_bma__header(path, &row, vcols, V_NCOLS, required, "a verification file", col,
                                err)))
        goto out;
      continue;
    }
    const char *v[V_NCOLS];
    mtm_bma__cells(&row, col, V_NCOLS, &a, v);
    vrow in = {v[V_PCODE], v[V_FIELD], v[V_VALUE], v[V_STATUS], v[V_BY], v[V_NOTE]};
    mtm_store_bma_verif ver;
    if ((rc = check_one(&r, &in, path, row.row, &ver, err))) goto out;
    ver.form = form;
    ver.source = mtm_arena_printf(&a, "%s row %ld", base, row.row);
    if ((rc = mtm_store_bma_verif_add(st, &ver, NULL, err))) goto out;
    (*n)++;
  }
  if (rc < 0) goto out;
  rc = 0;
  if (*n == 0) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_EINVAL, "the file has no verifications");
    goto out;
  }
  rc = mtm_store_commit(st, err);
  began = 0;
out:
  if (began) mtm_store_rollback(st);
  if (rc) *n = 0;
  mtm_table_close(t);
  mtm_arena_free(&a);
  return rc;
}

int mtm_bma_verify_list(mtm_store *st, const char *form_id, int round, mtm_arena *a,
                        const char **form_out, mtm_store_bma_verif **out, int *n, mtm_err *err) {
  *out = NULL;
  *n = 0;
  const char *fid;
  int rc = mtm_bma_form_pick(st, form_id, round, a, &fid, err);
  if (rc) return rc;
  int64_t form;
  if ((rc = form_key(st, fid, &form, err))) return rc;
  if (form_out) *form_out = fid;
  return mtm_store_bma_verifs(st, form, round, a, out, n, err);
}
