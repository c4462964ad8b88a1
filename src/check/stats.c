/* The statistics of the outlier rule, the answer hash of the identical-
 * answers rule, severities, and the writers of findings. */
#include "check/check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorts x ascending (NaN must not be present). */
void mtm_check_sort(double *x, size_t n) {
  if (n > 1) qsort(x, n, sizeof *x, cmp_double);
}

/* R's quantile(type = 7) of sorted values. */
double mtm_check_quantile7(const double *sorted, size_t n, double p) {
  if (n == 0) return NAN;
  if (n == 1 || p <= 0) return sorted[0];
  if (p >= 1) return sorted[n - 1];
  double h = (double)(n - 1) * p;
  double fl = floor(h);
  size_t j = (size_t)fl;
  if (j + 1 >= n) return sorted[n - 1];
  return sorted[j] + (h - fl) * (sorted[j + 1] - sorted[j]);
}

/* The median of sorted values: the mean of the two middle ones when n is even. */
double mtm_check_median(const double *sorted, size_t n) {
  if (n == 0) return NAN;
  if (n % 2) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/* Fills s from x (which ends up sorted); the absolute deviations are
 * computed in a scratch copy. */
int mtm_check_outlier_stats(double *x, size_t n, mtm_outlier_stats *s) {
  memset(s, 0, sizeof *s);
  if (n == 0) return MTM_EINVAL;
  mtm_check_sort(x, n);
  s->n = n;
  s->median = mtm_check_median(x, n);
  s->q1 = mtm_check_quantile7(x, n, 0.25);
  s->q3 = mtm_check_quantile7(x, n, 0.75);
  double iqr = s->q3 - s->q1;
  s->lo = s->q1 - MTM_CHECK_IQR_K * iqr;
  s->hi = s->q3 + MTM_CHECK_IQR_K * iqr;
  double *d = mtm_xmalloc(sizeof *d * n);
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    d[i] = fabs(x[i] - s->median);
    sum += d[i];
  }
  mtm_check_sort(d, n);
  s->mad = mtm_check_median(d, n);
  s->meanad = sum / (double)n;
  free(d);
  return 0;
}

/* The modified z-score, with the mean-absolute-deviation fallback. */
double mtm_check_modz(const mtm_outlier_stats *s, double v) {
  double dev = v - s->median;
  if (s->mad > 0) return 0.6745 * dev / s->mad;
  if (s->meanad > 0) return dev / (1.253314 * s->meanad);
  return 0;
}

/* ---- answer hash ---- */

/* FNV-1a over the bytes, then a final mix (splitmix64) so that sums of
 * hashes spread well. */
static uint64_t hash_bytes(uint64_t h, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    h ^= *p;
    h *= 0x100000001b3ULL;
  }
  return h;
}

static uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Sums the hashes of the answered (name, value) pairs. */
uint64_t mtm_check_answer_hash(int n, const char *const *names, const char *const *values) {
  uint64_t sum = 0;
  for (int i = 0; i < n; i++) {
    if (!values[i] || !values[i][0]) continue;
    uint64_t h = hash_bytes(0xcbf29ce484222325ULL, names[i]);
    h ^= 0x1f;
    h *= 0x100000001b3ULL;
    h = hash_bytes(h, values[i]);
    sum += mix(h);
  }
  return sum;
}

/* ---- severities ---- */

const char *mtm_severity_name(mtm_severity s) {
  switch (s) {
  case MTM_SEV_ERROR: return "error";
  case MTM_SEV_WARNING: return "warning";
  default: return "info";
  }
}

int mtm_severity_parse(const char *s, mtm_severity *out) {
  if (!s) return MTM_EINVAL;
  if (strcmp(s, "error") == 0) *out = MTM_SEV_ERROR;
  else if (strcmp(s, "warning") == 0) *out = MTM_SEV_WARNING;
  else if (strcmp(s, "info") == 0) *out = MTM_SEV_INFO;
  else return MTM_EINVAL;
  return 0;
}

/* ---- output ---- */

/* Compacts f to the findings at least as severe as sev. */
int mtm_check_filter(mtm_finding *f, int n, mtm_severity sev) {
  int k = 0;
  for (int i = 0; i < n; i++)
    if (f[i].severity <= sev) f[k++] = f[i];
  return k;
}

static const char *nz(const char *s) { return s ? s : ""; }

/* One CSV row per finding; repeat and instance empty outside repeats. */
void mtm_check_write_csv(mtm_buf *b, const mtm_finding *f, int n) {
  mtm_buf_adds(b, "uuid,repeat,instance,question,value,rule,severity,message\n");
  for (int i = 0; i < n; i++) {
    char inst[16] = "";
    if (f[i].instance > 0) snprintf(inst, sizeof inst, "%d", f[i].instance);
    const char *cells[] = {f[i].uuid,  f[i].instance > 0 ? nz(f[i].repeat) : "", inst,
                           f[i].question, f[i].value, f[i].rule,
                           mtm_severity_name(f[i].severity), f[i].message};
    mtm_buf_add_csv_row(b, 8, cells);
  }
}

/* The question as text shows it: members[2]/age inside a repeat instance. */
static const char *shown_question(const mtm_finding *f, mtm_arena *a) {
  if (!f->question || !f->question[0]) return "-";
  if (f->instance > 0 && f->repeat)
    return mtm_arena_printf(a, "%s[%d]/%s", f->repeat, f->instance, f->question);
  return f->question;
}

/* The summary: one entry per (rule, severity) in order of first
 * appearance in a fixed rule order. */
static const char *const rule_order[] = {
    "type", "duplicate", "required", "constraint", "choice", "area", "inclusion",
    "relevance", "outlier", "duration", "ki_disagreement", NULL};

typedef struct {
  const char *rule;
  mtm_severity sev;
  int count;
} tally;

static int summarise(const mtm_finding *f, int n, tally *t, int cap) {
  int k = 0;
  for (int r = 0; rule_order[r]; r++)
    for (int s = 0; s <= MTM_SEV_INFO; s++) {
      int c = 0;
      for (int i = 0; i < n; i++)
        if ((int)f[i].severity == s && strcmp(f[i].rule, rule_order[r]) == 0) c++;
      if (c && k < cap) t[k++] = (tally){rule_order[r], (mtm_severity)s, c};
    }
  /* Rules outside the known list, should a new one appear. */
  for (int i = 0; i < n; i++) {
    int known = 0;
    for (int r = 0; rule_order[r] && !known; r++) known = strcmp(f[i].rule, rule_order[r]) == 0;
    if (known) continue;
    int j = 0;
    while (j < k && !(strcmp(t[j].rule, f[i].rule) == 0 && t[j].sev == f[i].severity)) j++;
    if (j < k) t[j].count++;
    else if (k < cap) t[k++] = (tally){f[i].rule, f[i].severity, 1};
  }
  return k;
}

/* One line per finding: severity, rule, uuid, question, value, message,
 * columns aligned (values longer than 40 characters are cut). */
void mtm_check_write_text(mtm_buf *b, const mtm_finding *f, int n) {
  int wr = 4, wu = 4, wq = 8, wv = 5;
  mtm_arena a;
  mtm_arena_init(&a);
  const char **vals = mtm_arena_alloc(&a, sizeof *vals * (size_t)(n ? n : 1));
  const char **qs = mtm_arena_alloc(&a, sizeof *qs * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    qs[i] = shown_question(&f[i], &a);
    const char *v = nz(f[i].value);
    if (mtm_text_width(v) > 40) {
      /* Cut at a code point boundary after 37 code points. */
      int cp = 0;
      const char *p = v;
      while (*p && cp < 37) {
        p++;
        while ((*p & 0xc0) == 0x80) p++;
        cp++;
      }
      v = mtm_arena_printf(&a, "%.*s...", (int)(p - v), v);
    }
    for (const char *p = v; *p; p++)
      if (*p == '\n' || *p == '\r' || *p == '\t') {
        char *c = mtm_arena_strdup(&a, v);
        for (char *q = c; *q; q++)
          if (*q == '\n' || *q == '\r' || *q == '\t') *q = ' ';
        v = c;
        break;
      }
    vals[i] = v;
    if (mtm_text_width(f[i].rule) > wr) wr = mtm_text_width(f[i].rule);
    if (mtm_text_width(nz(f[i].uuid)) > wu) wu = mtm_text_width(nz(f[i].uuid));
    if (mtm_text_width(qs[i]) > wq) wq = mtm_text_width(qs[i]);
    if (mtm_text_width(v) > wv) wv = mtm_text_width(v);
  }
  for (int i = 0; i < n; i++) {
    mtm_buf_add_padded(b, mtm_severity_name(f[i].severity), 8);
    mtm_buf_add_padded(b, f[i].rule, wr + 2);
    mtm_buf_add_padded(b, nz(f[i].uuid), wu + 2);
    mtm_buf_add_padded(b, qs[i], wq + 2);
    mtm_buf_add_padded(b, vals[i][0] ? vals[i] : "-", wv + 2);
    mtm_buf_adds(b, nz(f[i].message));
    mtm_buf_addc(b, '\n');
  }
  tally t[64];
  int k = summarise(f, n, t, 64);
  int errors = 0, warnings = 0, infos = 0;
  for (int i = 0; i < n; i++) {
    if (f[i].severity == MTM_SEV_ERROR) errors++;
    else if (f[i].severity == MTM_SEV_WARNING) warnings++;
    else infos++;
  }
  if (n) mtm_buf_addc(b, '\n');
  mtm_buf_printf(b, "%d finding%s: %d error%s, %d warning%s, %d info\n", n, n == 1 ? "" : "s",
                 errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", infos);
  for (int i = 0; i < k; i++) {
    mtm_buf_adds(b, "  ");
    mtm_buf_add_padded(b, t[i].rule, 17);
    mtm_buf_add_padded(b, mtm_severity_name(t[i].sev), 9);
    mtm_buf_printf(b, "%d\n", t[i].count);
  }
  mtm_arena_free(&a);
}

void mtm_check_write_json(mtm_buf *b, const mtm_finding *f, int n, const char *const *notes,
                          int nnotes) {
  mtm_buf_adds(b, "{\"findings\":[");
  for (int i = 0; i < n; i++) {
    mtm_buf_adds(b, i ? ",\n{\"uuid\":" : "\n{\"uuid\":");
    mtm_buf_add_json(b, nz(f[i].uuid));
    if (f[i].instance > 0) {
      mtm_buf_adds(b, ",\"repeat\":");
      mtm_buf_add_json(b, nz(f[i].repeat));
      mtm_buf_printf(b, ",\"instance\":%d", f[i].instance);
    }
    mtm_buf_adds(b, ",\"question\":");
    mtm_buf_add_json(b, nz(f[i].question));
    mtm_buf_adds(b, ",\"value\":");
    mtm_buf_add_json(b, nz(f[i].value));
    mtm_buf_adds(b, ",\"rule\":");
    mtm_buf_add_json(b, f[i].rule);
    mtm_buf_adds(b, ",\"severity\":");
    mtm_buf_add_json(b, mtm_severity_name(f[i].severity));
    mtm_buf_adds(b, ",\"message\":");
    mtm_buf_add_json(b, nz(f[i].message));
    mtm_buf_addc(b, '}');
  }
  mtm_buf_adds(b, "],\n\"summary\":[");
  tally t[64];
  int k = summarise(f, n, t, 64);
  for (int i = 0; i < k; i++) {
    mtm_buf_adds(b, i ? "," : "");
    mtm_buf_adds(b, "{\"rule\":");
    mtm_buf_add_json(b, t[i].rule);
    mtm_buf_adds(b, ",\"severity\":");
    mtm_buf_add_json(b, mtm_severity_name(t[i].sev));
    mtm_buf_printf(b, ",\"count\":%d}", t[i].count);
  }
  mtm_buf_adds(b, "],\n\"notes\":[");
  for (int i = 0; i < nnotes; i++) {
    if (i) mtm_buf_addc(b, ',');
    mtm_buf_add_json(b, notes[i]);
  }
  mtm_buf_adds(b, "]}\n");
}
