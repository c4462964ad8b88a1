/* The consistency checks of an evaluated report: the seven contradictions
 * of the published Kazakhstan report (shares adding to 106%, a number in
 * the text that differs from its chart, groups whose n exceed the total,
 * one indicator quoted with two values) cannot pass them. */
#include "report/doc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One figure source with where it was quoted. */
typedef struct src_ref {
  const mtm_fig_source *s;
  int fig;
  int block; /* 1: a chart, map, table or tiles */
} src_ref;

/* The parts of an analysis key: "type @/@ var %/% value @/@ groups [@/@
 * filter %/% EXPR]"; ok 0 when the key is not an analysis key. */
typedef struct key_parts {
  int ok;
  const char *type, *var, *value, *group, *filter; /* slices into copies */
} key_parts;

/* Splits key into its parts, in malloc'd copies the caller frees with
 * free(kp->type) (one block). */
static key_parts key_split(const char *key) {
  key_parts kp = {0};
  if (!key) return kp;
  char *c = mtm_xstrdup(key);
  kp.type = c;
  char *p = strstr(c, " @/@ ");
  if (!p) {
    free(c);
    kp.type = NULL;
    return kp;
  }
  *p = 0;
  kp.var = p + 5;
  char *g = strstr(kp.var, " @/@ ");
  if (!g) {
    free(c);
    kp.type = NULL;
    return kp;
  }
  *g = 0;
  kp.group = g + 5;
  char *v = strstr(kp.var, " %/% ");
  if (v) {
    *v = 0;
    kp.value = v + 5;
  } else {
    kp.value = "";
  }
  char *fl = strstr(kp.group, " @/@ filter %/% ");
  if (fl) {
    *fl = 0;
    kp.filter = fl + 16;
  } else {
    kp.filter = "";
  }
  kp.ok = 1;
  return kp;
}

/* The group part of a key is the overall figure ("NA %/% NA"). */
static int overall(const key_parts *k) { return !strcmp(k->group, "NA %/% NA"); }

/* The figure's tag for messages. */
static const char *tagof(const mtm_report_doc *d, int fig) {
  return d->figs[fig].tag ? d->figs[fig].tag : "(figure)";
}

/* Appends one failure line. */
static void fail(mtm_buf *out, int *nfail, const char *fmt, const char *a, const char *b,
                 const char *c2, double x, double y) {
  mtm_buf_adds(out, "  - ");
  mtm_buf_printf(out, fmt, a, b, c2, x, y);
  mtm_buf_addc(out, '\n');
  (*nfail)++;
}

static int cmp_key(const void *x, const void *y) {
  const src_ref *a = x, *b = y;
  int c = strcmp(a->s->key, b->s->key);
  if (c) return c;
  return a->fig - b->fig;
}

/* Check 1: the shares of one single-choice question in one group of one
 * chart or table add up to 100%: the unrounded values to 1, the shown whole
 * percents to 100 within rounding (one point either way). */
static void check_sums(const mtm_report_doc *d, mtm_buf *out, int *nfail, int *nchk) {
  for (int f = 0; f < d->nfigs; f++) {
    const mtm_fig *fg = &d->figs[f];
    if (fg->kind != MTM_FIG_CHART && fg->kind != MTM_FIG_TABLE) continue;
    int n = fg->nsources;
    char *done = calloc((size_t)n + 1, 1);
    for (int i = 0; i < n; i++) {
      if (done[i]) continue;
      key_parts ki = key_split(fg->sources[i].key);
      if (!ki.ok || strcmp(ki.type, "prop_select_one")) {
        done[i] = 1;
        free((char *)ki.type);
        continue;
      }
      double sum = 0, shown = 0;
      int all_finite = 1, all_shown = 1, members = 0;
      for (int j = i; j < n; j++) {
        if (done[j]) continue;
        key_parts kj = key_split(fg->sources[j].key);
        if (kj.ok && !strcmp(kj.type, ki.type) && !strcmp(kj.var, ki.var) &&
            !strcmp(kj.group, ki.group) && !strcmp(kj.filter, ki.filter)) {
          done[j] = 1;
          members++;
          double v = fg->sources[j].value;
          if (!isfinite(v)) all_finite = 0;
          else sum += v;
          const char *sh = fg->sources[j].shown;
          if (!sh) all_shown = 0;
          else shown += strtod(sh, NULL);
        }
        free((char *)kj.type);
      }
      if (members > 1 && all_finite) {
        (*nchk)++;
        char what[600];
        snprintf(what, sizeof what, "%s, group %s", ki.var, ki.group);
        if (fabs(sum - 1) > 1e-6)
          fail(out, nfail, "%s: the shares of '%s' add up to %s%.1f%% instead of 100%%",
               tagof(d, f), what, "", sum * 100, 0);
        else if (all_shown && fabs(shown - 100) > 1)
          fail(out, nfail, "%s: the shares of '%s' are shown adding up to %s%.0f%% instead of 100%%",
               tagof(d, f), what, "", shown, 0);
      }
      free((char *)ki.type);
    }
    free(done);
  }
}

/* Checks 2 and 4: every key has one value and one shown text wherever it
 * is quoted (text, tiles, charts, tables). */
static void check_same(const mtm_report_doc *d, src_ref *refs, int nref, mtm_buf *out, int *nfail,
                       int *nchk) {
  for (int i = 0; i < nref;) {
    int j = i + 1;
    while (j < nref && !strcmp(refs[j].s->key, refs[i].s->key)) j++;
    for (int k = i + 1; k < j; k++) {
      const mtm_fig_source *a = refs[i].s, *b = refs[k].s;
      (*nchk)++;
      int same_value = (isnan(a->value) && isnan(b->value)) || a->value == b->value ||
                       fabs(a->value - b->value) <= 1e-12 * fabs(a->value);
      const char *what = refs[i].block && refs[k].block   ? "quoted twice"
                         : refs[i].block || refs[k].block ? "in the text and its chart or table"
                                                          : "quoted twice in the text";
      if (!same_value) {
        char m[2048];
        snprintf(m, sizeof m, "%s and %s: indicator '%s' %s with two values", tagof(d, refs[i].fig),
                 tagof(d, refs[k].fig), a->key, what);
        fail(out, nfail, "%s%s%s (%g and %g)", m, "", "", a->value, b->value);
      } else if (a->shown && b->shown && strcmp(a->shown, b->shown)) {
        char m[2048];
        snprintf(m, sizeof m, "%s and %s: indicator '%s' %s as", tagof(d, refs[i].fig),
                 tagof(d, refs[k].fig), a->key, what);
        fail(out, nfail, "%s '%s' and '%s'", m, a->shown, b->shown, 0, 0);
      }
    }
    i = j;
  }
}

/* Check 3: the n of a figure's groups add up to its overall n (exactly
 * when the groups cover every respondent, never beyond it otherwise). */
static void check_parts(const mtm_report_doc *d, src_ref *refs, int nref, mtm_buf *out, int *nfail,
                        int *nchk) {
  for (int i = 0; i < nref; i++) {
    if (i > 0 && !strcmp(refs[i - 1].s->key, refs[i].s->key)) continue;
    key_parts ko = key_split(refs[i].s->key);
    if (!ko.ok || !overall(&ko) || !isfinite(refs[i].s->n_total)) {
      free((char *)ko.type);
      continue;
    }
    /* every group variable quoted for this indicator */
    const char *gvars[16];
    int ng = 0;
    for (int j = 0; j < nref; j++) {
      if (j > 0 && !strcmp(refs[j - 1].s->key, refs[j].s->key)) continue;
      key_parts kj = key_split(refs[j].s->key);
      if (kj.ok && !overall(&kj) && !strstr(kj.group, " -/- ") && !strcmp(kj.type, ko.type) &&
          !strcmp(kj.var, ko.var) && !strcmp(kj.value, ko.value) &&
          !strcmp(kj.filter, ko.filter)) {
        const char *e = strstr(kj.group, " %/% ");
        size_t len = e ? (size_t)(e - kj.group) : strlen(kj.group);
        int seen = 0;
        for (int g = 0; g < ng; g++)
          if (strlen(gvars[g]) == len && !strncmp(gvars[g], kj.group, len)) seen = 1;
        if (!seen && ng < 16) gvars[ng++] = strndup(kj.group, len);
      }
      free((char *)kj.type);
    }
    for (int g = 0; g < ng; g++) {
      double sum = 0;
      int complete = 1, parts = 0;
      for (int j = 0; j < nref; j++) {
        if (j > 0 && !strcmp(refs[j - 1].s->key, refs[j].s->key)) continue;
        key_parts kj = key_split(refs[j].s->key);
        size_t len = strlen(gvars[g]);
        if (kj.ok && !overall(&kj) && !strcmp(kj.type, ko.type) && !strcmp(kj.var, ko.var) &&
            !strcmp(kj.value, ko.value) && !strcmp(kj.filter, ko.filter) &&
            !strncmp(kj.group, gvars[g], len) && !strncmp(kj.group + len, " %/% ", 5) &&
            !strstr(kj.group, " -/- ")) {
          parts++;
          if (isfinite(refs[j].s->n_total)) sum += refs[j].s->n_total;
          if (!refs[j].s->parts_complete) complete = 0;
        }
        free((char *)kj.type);
      }
      if (parts < 2) continue;
      (*nchk)++;
      double tot = refs[i].s->n_total;
      char m[2048];
      if (complete && sum != tot) {
        snprintf(m, sizeof m, "%s: indicator '%s': the n of its groups by %s", tagof(d, refs[i].fig),
                 refs[i].s->key, gvars[g]);
        fail(out, nfail, "%s add up to %s%s%.0f, not to the overall n = %.0f", m, "", "", sum, tot);
      } else if (!complete && sum > tot) {
        snprintf(m, sizeof m, "%s: indicator '%s': the n of its groups by %s", tagof(d, refs[i].fig),
                 refs[i].s->key, gvars[g]);
        fail(out, nfail, "%s add up to %s%s%.0f, more than the overall n = %.0f", m, "", "", sum,
             tot);
      }
    }
    for (int g = 0; g < ng; g++) free((char *)gvars[g]);
    free((char *)ko.type);
  }
}

int mtm_report_check(const mtm_report_doc *d, mtm_buf *failures, int *nchecks) {
  /* Runs the four checks over every source of every figure. */
  int nfail = 0, nchk = 0, nref = 0;
  for (int f = 0; f < d->nfigs; f++) nref += d->figs[f].nsources;
  src_ref *refs = mtm_xcalloc((size_t)nref + 1, sizeof *refs);
  nref = 0;
  for (int f = 0; f < d->nfigs; f++) {
    const mtm_fig *fg = &d->figs[f];
    for (int i = 0; i < fg->nsources; i++) {
      if (!fg->sources[i].key) continue;
      refs[nref].s = &fg->sources[i];
      refs[nref].fig = f;
      refs[nref].block = fg->kind >= MTM_FIG_CHART;
      nref++;
    }
  }
  qsort(refs, (size_t)nref, sizeof *refs, cmp_key);
  check_sums(d, failures, &nfail, &nchk);
  check_same(d, refs, nref, failures, &nfail, &nchk);
  check_parts(d, refs, nref, failures, &nfail, &nchk);
  free(refs);
  if (nchecks) *nchecks = nchk;
  return nfail;
}
