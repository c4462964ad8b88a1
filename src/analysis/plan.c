/* Analysis plans read from CSV or XLSX: one row per indicator. */
#include "analysis/analysis.h"
#include "table/table.h"

#include <string.h>

enum { P_TYPE, P_VAR, P_FILTER, P_GROUP, P_LABEL, P_N };
static const char *const pcols[P_N] = {"analysis_type", "analysis_var", "filter", "group_var",
                                       "label"};

/* The trimmed text of cell i of row, "" when absent. */
static const char *cell(const mtm_row *row, int i, mtm_arena *a) {
  if (i < 0 || i >= row->n) return "";
  const char *s = row->cells[i].p;
  size_t n = row->cells[i].n;
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
  char *o = mtm_arena_alloc(a, n + 1);
  memcpy(o, s, n);
  o[n] = 0;
  return o;
}

/* 1 when every cell of the row is empty. */
static int blank(const mtm_row *row) {
  for (int i = 0; i < row->n; i++)
    for (size_t k = 0; k < row->cells[i].n; k++)
      if (row->cells[i].p[k] != ' ' && row->cells[i].p[k] != '\t' && row->cells[i].p[k] != '\r')
        return 0;
  return 1;
}

int mtm_analysis_plan_read(const char *path, mtm_arena *a, mtm_analysis_item **items,
                           int *nitems, mtm_err *err) {
  /* The first non-blank row is the header; analysis_type and analysis_var
   * are required, the other columns optional, unknown ones ignored. */
  *items = NULL;
  *nitems = 0;
  mtm_table *t;
  int rc = mtm_table_open(&t, path, NULL, err);
  if (rc) return rc;
  int col[P_N] = {-1, -1, -1, -1, -1};
  int have_header = 0, cap = 16, n = 0;
  mtm_analysis_item *it = mtm_arena_alloc(a, sizeof *it * (size_t)cap);
  mtm_row row;
  while ((rc = mtm_table_next(t, &row, err)) > 0) {
    if (blank(&row)) continue;
    if (!have_header) {
      have_header = 1;
      for (int i = 0; i < row.n; i++) {
        const char *h = cell(&row, i, a);
        for (int k = 0; k < P_N; k++)
          if (strcmp(h, pcols[k]) == 0 && col[k] < 0) col[k] = i;
      }
      for (int k = 0; k < 2; k++)
        if (col[k] < 0) {
          mtm_err_where(err, path, NULL, row.row, NULL, NULL);
          rc = mtm_err_set(err, MTM_EINVAL, "The plan has no column '%s' in its header row.",
                           pcols[k]);
          goto out;
        }
      continue;
    }
    if (n == cap) {
      mtm_analysis_item *g = mtm_arena_alloc(a, sizeof *g * (size_t)cap * 2);
      memcpy(g, it, sizeof *g * (size_t)cap);
      it = g;
      cap *= 2;
    }
    mtm_analysis_item *x = &it[n];
    memset(x, 0, sizeof *x);
    x->type = cell(&row, col[P_TYPE], a);
    x->var = cell(&row, col[P_VAR], a);
    x->filter = cell(&row, col[P_FILTER], a);
    x->group = cell(&row, col[P_GROUP], a);
    x->label = cell(&row, col[P_LABEL], a);
    x->file = path;
    x->row = row.row;
    if (strcmp(x->group, "NA") == 0) x->group = "";
    static const char *const types[] = {"prop_select_one", "prop_select_multiple", "mean",
                                        "median", "total", "ratio"};
    int ok = 0;
    for (int k = 0; k < 6; k++) ok |= strcmp(x->type, types[k]) == 0;
    if (!ok) {
      mtm_err_where(err, path, NULL, row.row, pcols[P_TYPE], NULL);
      rc = mtm_err_set(err, MTM_EINVAL,
                       "The analysis type '%s' is not one of prop_select_one, "
                       "prop_select_multiple, mean, median, total, ratio.",
                       x->type);
      goto out;
    }
    if (!*x->var) {
      mtm_err_where(err, path, NULL, row.row, pcols[P_VAR], NULL);
      rc = mtm_err_set(err, MTM_EINVAL, "The analysis_var is empty.");
      goto out;
    }
    n++;
  }
  if (rc == 0 && !have_header) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_EINVAL, "The plan is empty: it needs a header row with "
                                      "analysis_type and analysis_var.");
  }
out:
  mtm_table_close(t);
  if (rc < 0) return rc;
  *items = it;
  *nitems = n;
  return 0;
}
