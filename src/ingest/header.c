/* Mapping export headers to questions, select_multiple options and the
 * system columns KoboToolbox and ODK Central add. */
#include "ingest/internal.h"

#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  mtm_sys_col sys;
} sys_cols[] = {
    {"_uuid", MTM_SYS_UUID},
    {"_submission_time", MTM_SYS_SUBMITTED_AT},
    {"__version__", MTM_SYS_VERSION},
    {"_version_", MTM_SYS_VERSION},
    {"_index", MTM_SYS_INDEX},
    {"_parent_index", MTM_SYS_PARENT_INDEX},
    {"_parent_table_name", MTM_SYS_PARENT_TABLE},
    {"meta/instanceID", MTM_SYS_INSTANCE_ID},
    {"instanceID", MTM_SYS_INSTANCE_ID},
    {"KEY", MTM_SYS_KEY},
    {"SubmissionDate", MTM_SYS_SUBMITTED_AT},
    {"FormVersion", MTM_SYS_FORM_VERSION},
    {"formhub/uuid", MTM_SYS_OTHER},
    {"meta/rootUuid", MTM_SYS_OTHER},
    {"meta/deprecatedID", MTM_SYS_OTHER},
    {"meta/instanceName", MTM_SYS_OTHER},
    {"meta/versionID", MTM_SYS_OTHER},
    {"meta/audit", MTM_SYS_OTHER},
    {"meta/deviceID", MTM_SYS_OTHER},
    {"meta/entity", MTM_SYS_OTHER},
    {"audit", MTM_SYS_OTHER},
    {"audit_URL", MTM_SYS_OTHER},
    {"PARENT_KEY", MTM_SYS_OTHER},
    {"SubmitterID", MTM_SYS_OTHER},
    {"SubmitterName", MTM_SYS_OTHER},
    {"AttachmentsPresent", MTM_SYS_OTHER},
    {"AttachmentsExpected", MTM_SYS_OTHER},
    {"Status", MTM_SYS_OTHER},
    {"ReviewState", MTM_SYS_OTHER},
    {"DeviceID", MTM_SYS_OTHER},
    {"Edits", MTM_SYS_OTHER},
};

static int is_sep(char c) { return c == '/' || c == '.' || c == '-'; }

/* Recognises a system column; h has had R's "X" prefix removed already. */
static int system_col(const char *h, mtm_sys_col *sys, const char **canon) {
  char norm[128];
  size_t n = strlen(h);
  if (n >= sizeof norm) return 0;
  for (size_t i = 0; i <= n; i++) norm[i] = (h[i] == '.' || h[i] == '-') ? '/' : h[i];
  for (size_t i = 0; i < sizeof sys_cols / sizeof sys_cols[0]; i++) {
    const char *s = sys_cols[i].name;
    if (strcmp(h, s) == 0 || (strchr(s, '/') && strcmp(norm, s) == 0)) {
      *sys = sys_cols[i].sys;
      *canon = s;
      return 1;
    }
  }
  if (strncmp(h, "__system", 8) == 0) {
    *sys = MTM_SYS_OTHER;
    *canon = NULL;
    return 1;
  }
  return 0;
}

typedef struct cand {
  int q, choice;
  size_t ignored; /* bytes of the header left unexplained at its start */
} cand;

typedef struct cands {
  int n;
  cand c[32];
} cands;

static void add_cand(cands *cs, int q, int choice, size_t ignored) {
  for (int i = 0; i < cs->n; i++)
    if (cs->c[i].q == q && cs->c[i].choice == choice) {
      if (ignored < cs->c[i].ignored) cs->c[i].ignored = ignored;
      return;
    }
  if (cs->n < 32) cs->c[cs->n++] = (cand){q, choice, ignored};
}

/* Adds every question the map has for key. */
static void add_found(const mtm_ingest_form *t, const ing_map *m, const char *key, size_t n,
                      size_t ignored, cands *cs) {
  int qs[8];
  int k = ing_form_find(t, m, key, n, qs, 8);
  for (int i = 0; i < k && i < 8; i++) add_cand(cs, qs[i], -1, ignored);
}

/* The choice of select_multiple question q named (or keyed) opt, -1 if none. */
static int option_of(const mtm_ingest_form *t, int q, const char *opt, size_t n, int by_key) {
  const mtm_form *f = t->f;
  if (q < 0 || f->q[q].type != MTM_Q_SELECT_MULTIPLE || t->qlist[q] < 0) return -1;
  const ing_list *l = &t->lists[t->qlist[q]];
  int c = ing_map_get(by_key ? &l->keys : &l->names, opt, n, -1);
  return c >= 0 ? c : -1;
}

/* Step 1: the whole header is a group path of names (any separator), or
 * such a path, a separator and an option name. */
static void by_path(const mtm_ingest_form *t, const char *h, cands *cs) {
  size_t n = strlen(h);
  add_found(t, &t->by_path, h, n, 0, cs);
  for (size_t p = 1; p + 1 < n; p++) {
    if (!is_sep(h[p])) continue;
    int qs[8];
    int k = ing_form_find(t, &t->by_path, h, p, qs, 8);
    for (int i = 0; i < k && i < 8; i++) {
      int c = option_of(t, qs[i], h + p + 1, n - p - 1, 0);
      if (c >= 0) add_cand(cs, qs[i], c, 0);
    }
  }
}

/* Step 2: the last segment(s) are a question name; or a question name, a
 * separator and an option name. Whatever precedes is taken as the groups. */
static void by_name(const mtm_ingest_form *t, const char *h, cands *cs) {
  size_t n = strlen(h);
  for (size_t s = 0; s < n; s++) {
    if (s && !is_sep(h[s - 1])) continue;
    add_found(t, &t->by_name, h + s, n - s, s, cs);
    for (size_t p = s + 1; p + 1 < n; p++) {
      if (!is_sep(h[p])) continue;
      int qs[8];
      int k = ing_form_find(t, &t->by_name, h + s, p - s, qs, 8);
      for (int i = 0; i < k && i < 8; i++) {
        int c = option_of(t, qs[i], h + p + 1, n - p - 1, 0);
        if (c >= 0) add_cand(cs, qs[i], c, s);
      }
    }
  }
}

/* Options by label: the key starts with one of the question's keys and the
 * rest is the key of an option's label or name. */
static void options_by_key(const mtm_ingest_form *t, const char *hk, int group_keys, cands *cs) {
  size_t n = strlen(hk);
  for (int k = 0; k < t->nsm; k++) {
    int q = t->sm[k];
    int nk = group_keys ? t->ngkeys[k] : t->npkeys[k];
    const char **keys = group_keys ? t->gkeys[k] : t->pkeys[k];
    for (int j = 0; j < nk; j++) {
      size_t m = strlen(keys[j]);
      if (m == 0 || m >= n || memcmp(hk, keys[j], m) != 0) continue;
      int c = option_of(t, q, hk + m, n - m, 1);
      if (c >= 0) add_cand(cs, q, c, 0);
    }
  }
}

/* Step 3: labels in any language, with the group labels, then alone, then
 * for the last segment(s) alone. */
static void by_label(const mtm_ingest_form *t, const char *h, mtm_arena *a, cands *cs) {
  char *hk = mtm_text_key(a, h);
  if (!hk[0]) return;
  add_found(t, &t->by_gkey, hk, strlen(hk), 0, cs);
  options_by_key(t, hk, 1, cs);
  if (cs->n) return;
  add_found(t, &t->by_key, hk, strlen(hk), 0, cs);
  options_by_key(t, hk, 0, cs);
  if (cs->n) return;
  size_t n = strlen(h);
  for (size_t s = 1; s < n; s++) {
    if (!is_sep(h[s - 1])) continue;
    char *k = mtm_text_key(a, h + s);
    add_found(t, &t->by_key, k, strlen(k), s, cs);
  }
}

static void best(cands *cs);

/* ODK Central writes a geopoint as four columns, "grp-loc-Latitude",
 * "-Longitude", "-Altitude" and "-Accuracy": 1 with *q the geopoint and
 * *part 0 to 3 when h is one of them (its stem matched by path or name). */
static int geo_part(const mtm_ingest_form *t, const char *h, int *q, int *part) {
  static const char *const parts[] = {"Latitude", "Longitude", "Altitude", "Accuracy"};
  size_t n = strlen(h);
  for (int k = 0; k < 4; k++) {
    size_t pn = strlen(parts[k]);
    if (n < pn + 2 || strcmp(h + n - pn, parts[k]) || !is_sep(h[n - pn - 1])) continue;
    char stem[512];
    if (n - pn - 1 >= sizeof stem) return 0;
    memcpy(stem, h, n - pn - 1);
    stem[n - pn - 1] = 0;
    cands cs = {0};
    by_path(t, stem, &cs);
    if (!cs.n) by_name(t, stem, &cs);
    best(&cs);
    if (cs.n != 1 || cs.c[0].choice >= 0 || t->f->q[cs.c[0].q].type != MTM_Q_GEOPOINT) return 0;
    *q = cs.c[0].q;
    *part = k;
    return 1;
  }
  return 0;
}

/* Keeps only the candidates that explain the most of the header. */
static void best(cands *cs) {
  size_t least = (size_t)-1;
  for (int i = 0; i < cs->n; i++)
    if (cs->c[i].ignored < least) least = cs->c[i].ignored;
  int k = 0;
  for (int i = 0; i < cs->n; i++)
    if (cs->c[i].ignored == least) cs->c[k++] = cs->c[i];
  cs->n = k;
}

/* "question 'age'", "option 'x' of question 'q'", "repeat 'members'". */
static const char *describe(const mtm_ingest_form *t, int q, int choice, mtm_arena *a) {
  const mtm_question *qq = &t->f->q[q];
  if (choice >= 0)
    return mtm_arena_printf(a, "option '%s' of question '%s'", qq->list->choices[choice].name,
                            qq->name);
  const char *what = qq->type == MTM_Q_BEGIN_REPEAT  ? "repeat"
                     : qq->type == MTM_Q_BEGIN_GROUP ? "group"
                     : qq->type == MTM_Q_NOTE        ? "note"
                                                     : "question";
  return mtm_arena_printf(a, "%s '%s'", what, qq->name);
}

/* Whether h is the "<repeat>_count" calculation that pyxform adds for a
 * repeat_count that is an expression (KoBo exports it as a column). */
static int repeat_count(const mtm_ingest_form *t, const char *h) {
  const char *last = h;
  for (const char *p = h; *p; p++)
    if (is_sep(*p)) last = p + 1;
  size_t n = strlen(last);
  if (n <= 6 || strcmp(last + n - 6, "_count") != 0) return 0;
  for (int r = 0; r < t->nreps; r++)
    if (strlen(t->reps[r].name) == n - 6 && !strncmp(t->reps[r].name, last, n - 6)) return 1;
  return 0;
}

/* Strips a BOM and R's mangling ("X.U.FEFF.start", "X_uuid"). Sets *r when
 * the header was mangled by R. */
static const char *unmangle(const char *h, int *r) {
  if (!strncmp(h, "\xEF\xBB\xBF", 3)) h += 3;
  if (!strncmp(h, "X.U.FEFF.", 9)) {
    *r = 1;
    h += 9;
  }
  return h;
}

/* Leaves the instance numbers out of a header: "kids[2]/toys[1]/name"
 * gives "kids/toys/name" and *index "[2][1]" (both in arena a). A header
 * without any keeps *index NULL. */
static char *strip_index(char *h, mtm_arena *a, const char **index) {
  *index = NULL;
  char *o = NULL, *w = NULL;
  mtm_buf b;
  mtm_buf_init(&b);
  for (char *p = h; *p; p++) {
    size_t d = p[0] == '[' ? strspn(p + 1, "0123456789") : 0;
    if (d && p[1 + d] == ']' && p > h && p[-1] != '/') {
      if (!o) {
        o = mtm_arena_strdup(a, h);
        w = o + (p - h);
      }
      mtm_buf_add(&b, p, d + 2);
      p += d + 1;
      continue;
    }
    if (w) *w++ = *p;
  }
  if (w) *w = 0;
  if (o) *index = mtm_arena_strndup(a, b.p, b.n);
  mtm_buf_free(&b);
  return o ? o : h;
}

/* Compares the instance numbers "[2][1]" and "[10]" as numbers. */
static int cmp_index(const char *x, const char *y) {
  while (*x && *y) {
    long a = strtol(x + 1, (char **)&x, 10), b = strtol(y + 1, (char **)&y, 10);
    if (a != b) return a < b ? -1 : 1;
    x++, y++; /* the ']' */
  }
  return *x ? 1 : *y ? -1 : 0;
}

/* The wide repeat instances of a map, gathered from the columns' tags
 * (tag[i] - 1 indexes inst[]; 0 for other columns), ordered by repeat in
 * form order and then by instance numbers, and the columns renumbered. */
typedef struct winst {
  int q, rr;
  const char *index;
  int parent;         /* the enclosing instance, -1 if none */
} winst;

/* The wide instance of repeat rr numbered index, added when missing with
 * the instances around it ("[2]" of the outer repeat for "[2][1]"), which
 * exist as soon as it does. Returns its index in inst, -1 when full. */
static int wide_inst(const mtm_ingest_form *t, winst *inst, int *ninst, int cap, int rr,
                     const char *index, mtm_arena *a) {
  for (int k = 0; k < *ninst; k++)
    if (inst[k].rr == rr && !strcmp(inst[k].index, index)) return k;
  int parent = -1;
  const char *last = strrchr(index, '[');
  if (t->reps[rr].parent >= 0 && last && last > index)
    parent = wide_inst(t, inst, ninst, cap, t->reps[rr].parent,
                       mtm_arena_strndup(a, index, (size_t)(last - index)), a);
  if (*ninst == cap) return -1;
  inst[*ninst] = (winst){t->reps[rr].q, rr, index, parent};
  return (*ninst)++;
}

static void gather_wide(const mtm_ingest_form *t, mtm_header_map *out, const winst *inst, int ni,
                        mtm_arena *a) {
  if (!ni) return;
  int *order = mtm_arena_alloc(a, sizeof *order * (size_t)ni);
  for (int i = 0; i < ni; i++) order[i] = i;
  for (int i = 1; i < ni; i++) /* insertion sort: a few dozen instances */
    for (int j = i; j > 0; j--) {
      const winst *x = &inst[order[j - 1]], *y = &inst[order[j]];
      if (x->rr < y->rr || (x->rr == y->rr && cmp_index(x->index, y->index) <= 0)) break;
      int k = order[j];
      order[j] = order[j - 1];
      order[j - 1] = k;
    }
  int *rank = mtm_arena_alloc(a, sizeof *rank * (size_t)ni);
  for (int i = 0; i < ni; i++) rank[order[i]] = i;
  out->nwide = ni;
  out->wide = mtm_arena_zalloc(a, sizeof *out->wide * (size_t)ni);
  for (int i = 0; i < out->n; i++)
    if (out->cols[i].wide) {
      int k = rank[out->cols[i].wide - 1];
      out->cols[i].wide = k + 1;
      out->wide[k].n++;
    }
  for (int i = 0; i < ni; i++) {
    mtm_wide *w = &out->wide[rank[i]];
    w->q = inst[i].q;
    w->index = inst[i].index;
    const char *last = strrchr(inst[i].index, '[');
    w->position = t->reps[inst[i].rr].parent < 0 ? atoi(last + 1) : 0;
    w->parent = inst[i].parent >= 0 ? rank[inst[i].parent] : -1;
    w->cols = mtm_arena_alloc(a, sizeof *w->cols * (size_t)(w->n ? w->n : 1));
    w->n = 0;
  }
  for (int i = 0; i < out->n; i++)
    if (out->cols[i].wide) {
      mtm_wide *w = &out->wide[out->cols[i].wide - 1];
      w->cols[w->n++] = i;
    }
}

int mtm_ingest_map_headers(const mtm_ingest_form *t, int n, const char *const *headers,
                           const char *file, mtm_arena *a, mtm_header_map *out, mtm_err *err) {
  const mtm_form *f = t->f;
  memset(out, 0, sizeof *out);
  out->n = n;
  out->cols = mtm_arena_zalloc(a, sizeof *out->cols * (size_t)(n ? n : 1));
  out->unknown = mtm_arena_alloc(a, sizeof *out->unknown * (size_t)(n ? n : 1));
  mtm_arena tmp;
  mtm_arena_init(&tmp);
  /* Per column: how it was matched (1 path, 2 name, 3 label) and the bytes
   * of the header left unexplained, to settle two columns for a question. */
  int *step = mtm_arena_zalloc(&tmp, sizeof(int) * (size_t)(n ? n : 1));
  size_t *ign = mtm_arena_zalloc(&tmp, sizeof(size_t) * (size_t)(n ? n : 1));
  int rc = 0;
  int capinst = 4 * n + 4;
  winst *inst = mtm_arena_alloc(&tmp, sizeof *inst * (size_t)capinst);
  int ninst = 0;
  for (int i = 0; i < n && !rc; i++) {
    mtm_col *c = &out->cols[i];
    c->q = c->choice = -1;
    c->alt = -1;
    int r = 0;
    const char *h0 = headers[i] ? headers[i] : "";
    const char *h = unmangle(h0, &r);
    mtm_slice tr = mtm_slice_trim(mtm_slice_c(h));
    char *hh = mtm_arena_strndup(&tmp, tr.p, tr.n);
    /* System columns, also as R writes them ("X_uuid", "X__version__"). */
    const char *canon;
    if (system_col(hh, &c->sys, &canon) ||
        (hh[0] == 'X' && hh[1] == '_' && system_col(hh + 1, &c->sys, &canon) && (r = 1))) {
      c->kind = MTM_COL_SYSTEM;
      c->target = mtm_arena_strdup(a, canon ? canon : hh);
      out->r_export |= r;
      continue;
    }
    /* "kids[2]/name": a question of a repeat, by path or name, once the
     * instance numbers are left out; else the header is taken as it is
     * (a label may hold "[2023]"). */
    const char *index;
    char *hs = strip_index(hh, a, &index);
    if (index) {
      cands ws = {0};
      by_path(t, hs, &ws);
      if (!ws.n) by_name(t, hs, &ws);
      int in_rep = ws.n > 0;
      for (int k = 0; k < ws.n; k++) in_rep &= t->rep[ws.c[k].q] >= 0;
      if (in_rep) hh = hs;
      else index = NULL;
    }
    cands cs = {0};
    step[i] = 1;
    by_path(t, hh, &cs);
    if (!cs.n) step[i] = 2, by_name(t, hh, &cs);
    if (!cs.n && (hh[0] == '_' || (hh[0] == 'X' && hh[1] == '_'))) {
      /* Another KoBo system column (KoBo adds new ones from time to time). */
      c->kind = MTM_COL_SYSTEM;
      c->sys = MTM_SYS_OTHER;
      c->target = mtm_arena_strdup(a, hh[0] == 'X' ? hh + 1 : hh);
      out->r_export |= hh[0] == 'X';
      continue;
    }
    int gq, gpart;
    if (!cs.n && geo_part(t, hh, &gq, &gpart)) {
      c->kind = MTM_COL_GEO_PART;
      c->q = gq;
      c->choice = gpart;
      static const char *const pn[] = {"Latitude", "Longitude", "Altitude", "Accuracy"};
      c->target = mtm_arena_printf(a, "%s/%s", f->q[gq].name, pn[gpart]);
      for (int k = 0; k < i && !rc; k++) {
        mtm_col *o = &out->cols[k];
        if (o->kind == c->kind && o->q == gq && o->choice == gpart) {
          mtm_err_where(err, file, NULL, 0, h0, NULL);
          rc = mtm_err_set(err, MTM_EINVAL,
                           "the %s of geopoint '%s' is already in column '%s'; remove one of "
                           "the two columns",
                           pn[gpart], f->q[gq].name, headers[k]);
        }
      }
      continue;
    }
    if (!cs.n) step[i] = 3, by_label(t, hh, &tmp, &cs);
    if (!cs.n) {
      if (strcmp(hh, "uuid") == 0) {
        c->kind = MTM_COL_SYSTEM;
        c->sys = MTM_SYS_PLAIN_UUID;
        c->target = "uuid";
      } else if (repeat_count(t, hh)) {
        c->kind = MTM_COL_SYSTEM;
        c->sys = MTM_SYS_OTHER;
        c->target = mtm_arena_strdup(a, hh);
      } else {
        c->kind = MTM_COL_RAW;
        out->unknown[out->nunknown++] = mtm_arena_strdup(a, h0);
      }
      continue;
    }
    best(&cs);
    if (cs.n > 1) {
      mtm_buf b;
      mtm_buf_init(&b);
      for (int k = 0; k < cs.n; k++) {
        if (k) mtm_buf_adds(&b, k + 1 == cs.n ? " or " : ", ");
        mtm_buf_adds(&b, describe(t, cs.c[k].q, cs.c[k].choice, &tmp));
      }
      mtm_err_where(err, file, NULL, 0, h0, NULL);
      rc = mtm_err_set(err, MTM_EINVAL,
                       "this column could be %s; rename it to the name of one of them "
                       "(or export with XML names)",
                       b.p);
      mtm_buf_free(&b);
      break;
    }
    int q = cs.c[0].q, ch = cs.c[0].choice;
    const mtm_question *qq = &f->q[q];
    c->q = q;
    c->choice = ch;
    ign[i] = cs.c[0].ignored;
    c->exact = step[i] == 1;
    if (ch >= 0) {
      c->kind = MTM_COL_OPTION;
      c->target = mtm_arena_printf(a, "%s/%s", qq->name, qq->list->choices[ch].name);
    } else {
      c->kind = qq->type == MTM_Q_BEGIN_REPEAT                                 ? MTM_COL_REPEAT
                : qq->type == MTM_Q_BEGIN_GROUP || qq->type == MTM_Q_NOTE ? MTM_COL_GROUP
                                                                          : MTM_COL_QUESTION;
      c->target = qq->name;
    }
    if (index && (c->kind == MTM_COL_QUESTION || c->kind == MTM_COL_OPTION) && t->rep[q] >= 0) {
      int k = wide_inst(t, inst, &ninst, capinst, t->rep[q], index, a);
      c->wide = k + 1;
    }
    /* An R export writes group paths with '.'. */
    if (strchr(hh, '.') && !strchr(hh, '/') && !strchr(qq->name, '.')) out->r_export = 1;
    out->r_export |= r;
    /* Two columns for one question (or option) cannot both be right,
     * unless they are two versions' group paths (see ingest.h). */
    for (int k = 0; k < i; k++) {
      mtm_col *o = &out->cols[k];
      if (o->q != q || o->choice != ch || o->kind != c->kind || c->kind == MTM_COL_GROUP ||
          o->alt >= 0 || o->wide != c->wide)
        continue;
      /* (A KoBoCAT column of a repeat instance, "kids[2]/name", is no
       * other version's column.) */
      int two_paths = step[i] <= 2 && step[k] <= 2 && strcmp(headers[k] ? headers[k] : "", h0) &&
                      !strchr(h0, '[') && !strchr(headers[k] ? headers[k] : "", '[') &&
                      (c->kind == MTM_COL_QUESTION || c->kind == MTM_COL_OPTION);
      if (two_paths) {
        if (ign[i] < ign[k]) {
          /* This column explains more of its header: it holds the question. */
          for (int j = 0; j < i; j++)
            if (out->cols[j].alt == k) out->cols[j].alt = i;
          o->alt = i;
        } else {
          c->alt = k;
        }
        break;
      }
      mtm_err_where(err, file, NULL, 0, h0, NULL);
      rc = mtm_err_set(err, MTM_EINVAL,
                       "%s is already in column '%s'; remove one of the two columns",
                       describe(t, q, ch, &tmp), headers[k]);
      break;
    }
  }
  if (!rc) gather_wide(t, out, inst, ninst, a);
  mtm_arena_free(&tmp);
  return rc;
}
