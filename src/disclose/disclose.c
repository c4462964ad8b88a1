/*
 * disclose.c: the public rule (see disclose.h and docs/disclosure.md).
 * Pure functions over finished estimates, except the area test, which
 * asks the workspace whether choices are P-codes.
 */
#include "disclose/disclose.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A NULL string as "". */
static const char *str(const char *s) { return s ? s : ""; }

/* The threshold of a rule (K < 1, or no rule: the default). */
static int rule_k(const mtm_disclose_rule *r) {
  return r && r->k >= 1 ? r->k : MTM_DISCLOSE_K;
}

/* ---- the cells ------------------------------------------------------------- */

/* The sets of cells that add up to a published total, as arrays: set s
 * is members[start[s] .. start[s+1]-1]; cand[j] is 1 when member j is a
 * category that may be hidden as a complement (not the set's total). */
typedef struct sets {
  int n;
  uint32_t *start, *members;
  unsigned char *cand;
} sets;

/* Builds the complement sets over the area cells (see the header of
 * mtm_disclose_cells): a levels set per single choice and group, and a
 * groups set per answer and group variable holding the overall cell. */
static void build_sets(const mtm_disclose_cell *cells, size_t ncells, sets *S, mtm_arena *a) {
  const char sep = '\x1f';
  mtm_strmap ids, overall;
  mtm_strmap_init(&ids, a, 2 * ncells + 1);
  mtm_strmap_init(&overall, a, ncells + 1);
  int *lev = mtm_arena_alloc(a, (ncells + 1) * sizeof *lev);
  int *grp = mtm_arena_alloc(a, (ncells + 1) * sizeof *grp);
  const char **okey_of = mtm_arena_zalloc(a, (2 * ncells + 1) * sizeof *okey_of);
  int nsets = 0;
  for (size_t c = 0; c < ncells; c++) {
    const mtm_disclose_cell *x = &cells[c];
    lev[c] = grp[c] = -1;
    const char *okey = mtm_arena_printf(a, "%s%c%s%c%s%c%s", str(x->type), sep, str(x->var), sep,
                                        str(x->value), sep, str(x->filter));
    int grouped = x->group_var && *x->group_var;
    if (!grouped) mtm_strmap_put(&overall, okey, (int)c);
    if (!x->area || !x->share) continue;
    if (grouped) {
      const char *gkey = mtm_arena_printf(a, "G%c%s%c%s", sep, okey, sep, x->group_var);
      int id = mtm_strmap_put(&ids, gkey, nsets);
      if (id == nsets) okey_of[nsets++] = okey;
      grp[c] = id;
    }
    if (!strcmp(str(x->type), "prop_select_one")) {
      const char *lkey = mtm_arena_printf(a, "L%c%s%c%s%c%s%c%s", sep, str(x->var), sep,
                                          str(x->filter), sep, str(x->group_var), sep,
                                          str(x->group_value));
      int id = mtm_strmap_put(&ids, lkey, nsets);
      if (id == nsets) okey_of[nsets++] = NULL;
      lev[c] = id;
    }
  }
  int *tot = mtm_arena_alloc(a, ((size_t)nsets + 1) * sizeof *tot);
  uint32_t *start = mtm_arena_zalloc(a, ((size_t)nsets + 1) * sizeof *start);
  for (int s = 0; s < nsets; s++) {
    tot[s] = okey_of[s] ? mtm_strmap_get(&overall, okey_of[s]) : -1;
    if (tot[s] >= 0) start[s + 1]++;
  }
  for (size_t c = 0; c < ncells; c++) {
    if (lev[c] >= 0) start[lev[c] + 1]++;
    if (grp[c] >= 0) start[grp[c] + 1]++;
  }
  for (int s = 0; s < nsets; s++) start[s + 1] += start[s];
  uint32_t *fill = mtm_arena_alloc(a, ((size_t)nsets + 1) * sizeof *fill);
  memcpy(fill, start, ((size_t)nsets + 1) * sizeof *fill);
  uint32_t *members = mtm_arena_alloc(a, ((size_t)start[nsets] + 1) * sizeof *members);
  unsigned char *cand = mtm_arena_alloc(a, (size_t)start[nsets] + 1);
  for (int s = 0; s < nsets; s++)
    if (tot[s] >= 0) {
      cand[fill[s]] = 0; /* the total: never a complement */
      members[fill[s]++] = (uint32_t)tot[s];
    }
  for (size_t c = 0; c < ncells; c++) {
    if (lev[c] >= 0) {
      cand[fill[lev[c]]] = 1;
      members[fill[lev[c]]++] = (uint32_t)c;
    }
    if (grp[c] >= 0) {
      cand[fill[grp[c]]] = 1;
      members[fill[grp[c]]++] = (uint32_t)c;
    }
  }
  S->n = nsets;
  S->start = start;
  S->members = members;
  S->cand = cand;
}

/* Marks in largest[] the largest category of every set of two or more
 * categories (ties: the first in the set), which is never taken as a
 * complement, in any set. */
static void mark_largest(const mtm_disclose_cell *cells, const sets *S, unsigned char *largest) {
  for (int s = 0; s < S->n; s++) {
    long big = -1;
    int ncat = 0;
    for (uint32_t j = S->start[s]; j < S->start[s + 1]; j++) {
      if (!S->cand[j]) continue;
      ncat++;
      if (big < 0 || cells[S->members[j]].n > cells[big].n) big = S->members[j];
    }
    if (ncat >= 2) largest[big] = 1;
  }
}

/* The complement of set s, or -1: when exactly one member is hidden and
 * it has respondents in it, the shown category with the fewest
 * respondents that is no set's largest category (a category with
 * respondents before an empty one; ties: the lowest index). */
static long complement_of(const mtm_disclose_cell *cells, const sets *S, int s,
                          const unsigned char *largest) {
  int nhidden = 0, need = 0;
  for (uint32_t j = S->start[s]; j < S->start[s + 1]; j++) {
    const mtm_disclose_cell *x = &cells[S->members[j]];
    if (x->mark != MTM_DISCLOSE_SHOWN) {
      nhidden++;
      if (x->n > 0) need = 1;
    }
  }
  if (nhidden != 1 || !need) return -1;
  long best = -1;
  for (uint32_t j = S->start[s]; j < S->start[s + 1]; j++) {
    long c = S->members[j];
    const mtm_disclose_cell *x = &cells[c];
    if (!S->cand[j] || largest[c] || x->mark != MTM_DISCLOSE_SHOWN || isnan(x->n)) continue;
    if (best < 0) {
      best = c;
      continue;
    }
    const mtm_disclose_cell *b = &cells[best];
    int xe = !(x->n > 0), be = !(b->n > 0); /* empty cells last */
    if (xe != be ? be : x->n < b->n) best = c;
  }
  return best;
}

/* Marks the base rule, the area rule, the complements and the flags; see
 * the header. */
size_t mtm_disclose_cells(mtm_disclose_cell *cells, size_t ncells, const mtm_disclose_rule *r,
                          mtm_arena *a) {
  int k = rule_k(r);
  size_t count = 0;
  for (size_t c = 0; c < ncells; c++) {
    mtm_disclose_cell *x = &cells[c];
    x->indicative = 0;
    if (!(x->base >= k)) x->mark = MTM_DISCLOSE_BASE; /* NaN too: no base */
    else if (x->area && x->share && x->n >= 1 && x->n < k) x->mark = MTM_DISCLOSE_AREA_SMALL;
    else x->mark = MTM_DISCLOSE_SHOWN;
    count += x->mark != MTM_DISCLOSE_SHOWN;
  }
  if (ncells) {
    sets S;
    build_sets(cells, ncells, &S, a);
    unsigned char *largest = mtm_arena_zalloc(a, ncells);
    mark_largest(cells, &S, largest);
    for (int changed = 1; changed;) {
      changed = 0;
      for (int s = 0; s < S.n; s++) {
        long c = complement_of(cells, &S, s, largest);
        if (c < 0) continue;
        cells[c].mark = MTM_DISCLOSE_COMPLEMENT;
        count++;
        changed = 1;
      }
    }
  }
  int flag = r ? r->flag_below : 0;
  for (size_t c = 0; c < ncells; c++)
    cells[c].indicative = flag > 0 && cells[c].mark == MTM_DISCLOSE_SHOWN && cells[c].base < flag;
  return count;
}

/* ---- area questions ------------------------------------------------------- */

/* The level of the hxl tag #admN+code or #admN+pcode (1..5), or 0. */
static int hxl_level(const char *hxl) {
  int lv = mtm_hxl_admin_level(hxl);
  return lv <= 5 ? lv : 0;
}

/* An hxl tag, else the share of choices that are P-codes of one level. */
int mtm_disclose_area_level(mtm_store *st, const mtm_frame_col *col) {
  if (!col || !col->q || col->q->type != MTM_Q_SELECT_ONE || col->kind != MTM_FRAME_CODES) return 0;
  int lv = hxl_level(col->q->hxl);
  if (lv || !st) return lv;
  int per[6] = {0, 0, 0, 0, 0, 0};
  for (int i = 0; i < col->nlist; i++) {
    long long id;
    int l;
    mtm_err e;
    mtm_err_clear(&e);
    if (mtm_store_area_find(st, col->levels[i], &id, &l, &e) == 0 && l >= 1 && l <= 5) per[l]++;
  }
  for (int l = 1; l <= 5; l++)
    if (per[l] >= 2 && 2 * per[l] >= col->nlist) return l;
  return 0;
}

/* ---- "Other" ---------------------------------------------------------------- */

/* Whether a row is a single choice's share. */
static int is_one(const mtm_analysis_row *r) { return !strcmp(str(r->analysis_type), "prop_select_one"); }

/* Merges the small answers of each single choice; see the header. */
size_t mtm_disclose_other(mtm_analysis_result *res, double other_below, const char *other_label,
                          mtm_arena *a) {
  if (!(other_below > 0) || res->n == 0) return 0;
  const char sep = '\x1f';
  double cut = other_below / 100.0;
  /* per question and filter: the answers to merge (overall share < cut) */
  mtm_strmap qs, small;
  mtm_strmap_init(&qs, a, res->n + 1);
  mtm_strmap_init(&small, a, res->n + 1);
  int *nsmall = mtm_arena_zalloc(a, (res->n + 1) * sizeof *nsmall);
  int *has_other = mtm_arena_zalloc(a, (res->n + 1) * sizeof *has_other);
  int nq = 0;
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    if (!is_one(r) || r->group_var || !r->analysis_var_value) continue;
    const char *qk = mtm_arena_printf(a, "%s%c%s", str(r->analysis_var), sep, str(r->filter));
    int id = mtm_strmap_put(&qs, qk, nq);
    if (id == nq) nq++;
    if (!strcmp(r->analysis_var_value, "other")) has_other[id] = 1;
    else if (r->e.est < cut) {
      mtm_strmap_put(&small, mtm_arena_printf(a, "%s%c%s", qk, sep, r->analysis_var_value), 1);
      nsmall[id]++;
    }
  }
  mtm_analysis_row *out = mtm_arena_alloc(a, res->n * sizeof *out);
  mtm_strmap blocks; /* question, filter and group -> its merged row */
  mtm_strmap_init(&blocks, a, res->n + 1);
  size_t n = 0;
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    int id = -1;
    const char *qk = NULL;
    if (is_one(r) && r->analysis_var_value) {
      qk = mtm_arena_printf(a, "%s%c%s", str(r->analysis_var), sep, str(r->filter));
      id = mtm_strmap_get(&qs, qk);
    }
    int merge = id >= 0 && (nsmall[id] >= 2 || (nsmall[id] >= 1 && has_other[id]));
    int is_other = merge && !strcmp(r->analysis_var_value, "other");
    if (merge && !is_other &&
        mtm_strmap_get(&small, mtm_arena_printf(a, "%s%c%s", qk, sep, r->analysis_var_value)) < 0)
      merge = 0;
    if (!merge) {
      out[n++] = *r;
      continue;
    }
    const char *bk = mtm_arena_printf(a, "%s%c%s%c%s", qk, sep, str(r->group_var), sep,
                                      str(r->group_var_value));
    int at = mtm_strmap_put(&blocks, bk, (int)n);
    mtm_analysis_row *m = &out[at];
    if (at == (int)n) { /* the block's first merged answer: the row "other" */
      *m = *r;
      n++;
      m->analysis_var_value = "other";
      if (!is_other) m->value_label = other_label;
      m->e.se = m->e.low = m->e.upp = m->e.deff = m->e.deff_replace = NAN;
      continue;
    }
    if (is_other && r->value_label) m->value_label = r->value_label;
    m->e.est += r->e.est;
    m->e.n += r->e.n;
    m->e.n_w += r->e.n_w;
  }
  size_t merged = res->n - n;
  res->rows = out;
  res->n = n;
  return merged;
}

/* ---- a results table ---------------------------------------------------------- */

/* Whether a row is a share (its estimate is a fraction). */
static int is_share(const mtm_analysis_row *r) {
  return is_one(r) || !strcmp(str(r->analysis_type), "prop_select_multiple");
}

/* Whether a name, or a name of a crossing "A*B", is an area question of
 * f; cache remembers the answer per name list. */
static int names_area(const char *names, const mtm_frame *f, mtm_store *st, mtm_strmap *cache,
                      mtm_arena *a) {
  if (!names || !*names || !f) return 0;
  int v = mtm_strmap_get(cache, names);
  if (v >= 0) return v;
  v = 0;
  for (const char *p = names; *p;) {
    size_t len = strcspn(p, "*");
    char *one = mtm_arena_strndup(a, p, len);
    if (mtm_disclose_area_level(st, mtm_frame_col_find(f, one))) v = 1;
    p += len;
    if (*p) p++;
  }
  mtm_strmap_put(cache, names, v);
  return v;
}

/* Rule 5, the cells, the rule, the blanking and the columns. */
size_t mtm_disclose_result(mtm_analysis_result *res, const mtm_disclose_rule *r,
                           const mtm_frame *f, mtm_store *st, const char *other_label,
                           mtm_analysis_extra *x, mtm_arena *a) {
  int k = rule_k(r);
  if (r && r->other_below > 0)
    mtm_disclose_other(res, r->other_below, other_label ? other_label : "Other", a);
  mtm_disclose_cell *cells = mtm_arena_zalloc(a, (res->n + 1) * sizeof *cells);
  mtm_strmap cache;
  mtm_strmap_init(&cache, a, 16);
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *w = &res->rows[i];
    mtm_disclose_cell *c = &cells[i];
    c->type = w->analysis_type;
    c->var = w->analysis_var;
    c->value = w->analysis_var_value;
    c->filter = w->filter;
    c->group_var = w->group_var;
    c->group_value = w->group_var_value;
    c->share = is_share(w);
    c->n = w->e.n;
    c->base = c->share ? w->e.n_total : w->e.n;
    c->area = names_area(w->group_var, f, st, &cache, a) ||
              (c->share && is_one(w) && names_area(w->analysis_var, f, st, &cache, a));
  }
  size_t hidden = mtm_disclose_cells(cells, res->n, r, a);
  int col = -1, icol = -1;
  if (x) {
    static const char *const names[] = {"suppressed", "indicative"};
    static const unsigned char num[] = {0, 1};
    col = mtm_analysis_extra_add(x, res->n, r && r->flag_below > 0 ? 2 : 1, names, num, a);
    if (r && r->flag_below > 0) icol = col + 1;
  }
  const char *small = mtm_arena_printf(a, "n < %d", k);
  const char *area = mtm_arena_printf(a, "area: fewer than %d", k);
  for (size_t i = 0; i < res->n; i++) {
    mtm_analysis_row *w = &res->rows[i];
    const char **v = x ? &x->vals[i * (size_t)x->ncols] : NULL;
    if (v) {
      v[col] = "";
      if (icol >= 0) v[icol] = cells[i].indicative ? "1" : NULL;
    }
    if (cells[i].mark == MTM_DISCLOSE_SHOWN) continue;
    if (v)
      v[col] = cells[i].mark == MTM_DISCLOSE_BASE         ? small
               : cells[i].mark == MTM_DISCLOSE_AREA_SMALL ? area
                                                          : "complementary";
    mtm_analysis_est_blank(&w->e, cells[i].share);
    if (cells[i].area && cells[i].mark == MTM_DISCLOSE_BASE) /* a count under K */
      w->e.n_total = w->e.n_w_total = NAN;
  }
  return hidden;
}

/* Shown (an estimate) and a base under flag_below. */
int mtm_disclose_row_indicative(const mtm_analysis_row *row, const mtm_disclose_rule *r) {
  if (!r || r->flag_below <= 0 || isnan(row->e.est)) return 0;
  double base = is_share(row) ? row->e.n_total : row->e.n;
  return base < r->flag_below;
}

/* "12", or "fewer than 5" / "менее 5". */
const char *mtm_disclose_count(double n, int k, const char *lang, char *buf, size_t cap) {
  if (cap == 0) return buf;
  if (k < 1) k = MTM_DISCLOSE_K;
  int ru = lang && !strcmp(lang, "ru");
  if (!(n >= k))
    snprintf(buf, cap, ru ? "\xd0\xbc\xd0\xb5\xd0\xbd\xd0\xb5\xd0\xb5 %d" : "fewer than %d", k);
  else
    snprintf(buf, cap, "%.0f", n);
  return buf;
}
