/* The demo's respondents: drawn with shares close to the published Round 2
 * figures (shared/reference/kazakhstan-2023-round2.md), with the errors
 * real data has (under-age and national respondents, short interviews,
 * income outliers, a missing answer, duplicated submissions), and written as
 * KoboToolbox exports: a ';'-separated labels CSV or a names XLSX. */
#include "demo/demo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

/* ---- random numbers: splitmix64, Box-Muller ---- */

uint64_t demo_rng_next(demo_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double demo_rng_unit(demo_rng *r) { return (double)(demo_rng_next(r) >> 11) * 0x1.0p-53; }

double demo_rng_normal(demo_rng *r) {
  double u = demo_rng_unit(r), v = demo_rng_unit(r);
  if (u < 1e-300) u = 1e-300;
  return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

int demo_rng_pick(demo_rng *r, const double *w, int n) {
  double t = 0;
  for (int i = 0; i < n; i++) t += w[i];
  double x = demo_rng_unit(r) * t;
  for (int i = 0; i < n; i++) {
    if (x < w[i]) return i;
    x -= w[i];
  }
  return n - 1;
}

/* Picks a choice name of a list by the weights in the choice table. */
static const char *pick_list(demo_rng *r, const char *list) {
  double w[64];
  const char *names[64];
  int n = 0;
  for (int i = 0; i < demo_nchoices && n < 64; i++)
    if (strcmp(demo_choices[i].list, list) == 0) {
      w[n] = demo_choices[i].weight;
      names[n++] = demo_choices[i].name;
    }
  return names[demo_rng_pick(r, w, n)];
}

/* Picks among explicit names with explicit weights. */
static const char *pick(demo_rng *r, int n, const char *const *names, const double *w) {
  return names[demo_rng_pick(r, w, n)];
}

static int qindex(const char *name) {
  for (int i = 0; i < demo_nquestions; i++)
    if (strcmp(demo_questions[i].name, name) == 0) return i;
  abort(); /* a name missing from the table is a bug in this file */
}

static void set(demo_respondent *p, const char *name, const char *v, mtm_arena *a) {
  p->v[qindex(name)] = v ? mtm_arena_strdup(a, v) : NULL;
}

static void set_num(demo_respondent *p, const char *name, long v, mtm_arena *a) {
  p->v[qindex(name)] = mtm_arena_printf(a, "%ld", v);
}

static void uuid4(demo_rng *r, char out[37]) {
  uint64_t a = demo_rng_next(r), b = demo_rng_next(r);
  snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
           (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
           (unsigned)((b >> 48) & 0x3fff) | 0x8000, (unsigned long long)(b & 0xffffffffffffULL));
}

/* Formats seconds since 1970 as local time in UTC+5 (Kazakhstan since 2024,
 * and the offset tablets record) with milliseconds, as KoBo writes. */
static char *kobo_time(mtm_arena *a, int64_t t) {
  int64_t local = t + 5 * 3600;
  int32_t days = (int32_t)(local / 86400);
  int sec = (int)(local % 86400);
  char d[11];
  mtm_format_date(days, d);
  return mtm_arena_printf(a, "%sT%02d:%02d:%02d.000+05:00", d, sec / 3600, sec / 60 % 60, sec % 60);
}

/* Draws one respondent. */
static void draw(demo_rng *r, const demo_round_spec *rs, demo_respondent *p, mtm_arena *a) {
  memset(p, 0, sizeof *p);
  p->v = mtm_arena_zalloc(a, sizeof(char *) * (size_t)demo_nquestions);
  /* Location: region by its share of migrant workers, then a rayon of it. */
  double w[64];
  for (int i = 0; i < rs->nregions; i++) w[i] = rs->regions[i].weight;
  const demo_area *reg = &rs->regions[demo_rng_pick(r, w, rs->nregions)];
  int cand[256], nc = 0;
  for (int i = 0; i < rs->nrayons && nc < 256; i++)
    if (strcmp(rs->rayons[i].parent, reg->pcode) == 0) cand[nc++] = i;
  set(p, "region", reg->pcode, a);
  if (nc) set(p, "rayon", rs->rayons[cand[demo_rng_next(r) % (uint64_t)nc]].pcode, a);

  /* Interview time: a working day of the round, 40 devices. */
  int64_t start = (int64_t)rs->first_day * 86400 +
                  (int64_t)(demo_rng_next(r) % (uint64_t)rs->ndays) * 86400 + 4 * 3600 +
                  (int64_t)(demo_rng_unit(r) * 9 * 3600);
  double minutes = 24 + 6 * demo_rng_normal(r);
  if (minutes < 12) minutes = 12 + demo_rng_unit(r) * 3;
  if (demo_rng_unit(r) < 0.01) minutes = 2 + demo_rng_unit(r) * 4; /* rushed */
  int64_t end = start + (int64_t)(minutes * 60);
  p->start = start;
  p->end = end;
  set(p, "start", kobo_time(a, start), a);
  set(p, "end", kobo_time(a, end), a);
  char day[11];
  mtm_format_date((int32_t)((start + 5 * 3600) / 86400), day);
  set(p, "today", day, a);
  set(p, "deviceid", mtm_arena_printf(a, "collect:%016llx",
                                      0x5eed0000ULL + (demo_rng_next(r) % 40) * 7919), a);

  if (demo_rng_unit(r) < 0.004) {
    set(p, "consent", "no", a);
    return;
  }
  set(p, "consent", "yes", a);
  int female = demo_rng_unit(r) < 0.16;
  long age = lround(33.5 + 9 * demo_rng_normal(r));
  if (age < 18) age = 18 + (long)(demo_rng_next(r) % 6);
  if (age > 64) age = 64 - (long)(demo_rng_next(r) % 10);
  if (demo_rng_unit(r) < 0.005) { /* under age */
    age = 16 + (long)(demo_rng_next(r) % 2);
    p->flaws |= DEMO_FLAW_UNDERAGE;
  }
  set_num(p, "age", age, a);
  if (demo_rng_unit(r) < 0.004) {
    set(p, "nationality", "KAZ", a);
    p->flaws |= DEMO_FLAW_NATIONAL;
  } else set(p, "nationality", pick_list(r, "country"), a);
  set(p, "working_now", demo_rng_unit(r) < 0.006 ? "no" : "yes", a);

  set(p, "sex", female ? "female" : "male", a);
  if (demo_rng_unit(r) < 0.003) set(p, "sex", NULL, a); /* skipped by the enumerator */
  static const char *const marital[] = {"married", "single", "divorced", "widowed"};
  static const double mar_f[] = {54, 28, 14, 4}, mar_m[] = {62, 33, 4, 1};
  set(p, "marital_status", pick(r, 4, marital, female ? mar_f : mar_m), a);
  set(p, "education", pick_list(r, "education"), a);
  set(p, "main_provider", demo_rng_unit(r) < (female ? 0.30 : 0.58) ? "yes" : "no", a);

  set(p, "time_since_leaving", pick_list(r, "since"), a);
  set(p, "planned_stay", pick_list(r, "stay"), a);
  set(p, "main_reason", pick_list(r, "reason"), a);
  double u = demo_rng_unit(r);
  if (u < 0.28) set(p, "other_reasons", "dont_know", a);
  else if (u < 0.44) set(p, "other_reasons", "refused", a);
  else {
    static const char *const opts[] = {"family", "mobilization", "trade", "education",
                                       "family_problems", "healthcare"};
    static const double prob[] = {0.46, 0.14, 0.14, 0.125, 0.07, 0.035};
    mtm_buf b;
    mtm_buf_init(&b);
    for (int i = 0; i < 6; i++)
      if (demo_rng_unit(r) < prob[i]) {
        if (b.n) mtm_buf_addc(&b, ' ');
        mtm_buf_adds(&b, opts[i]);
      }
    if (!b.n) mtm_buf_adds(&b, "family");
    set(p, "other_reasons", b.p, a);
    mtm_buf_free(&b);
  }

  static const char *const status[] = {"employed", "unemployed", "self_employed", "daily_wage",
                                       "other"};
  static const double before_f[] = {31, 25, 18, 14, 12}, before_m[] = {40, 23, 16, 14, 7};
  set(p, "status_before", pick(r, 5, status, female ? before_f : before_m), a);
  const char *cur = pick_list(r, "emp_status");
  set(p, "current_status", cur, a);
  if (strcmp(cur, "unemployed") != 0) {
    static const char *const sectors[] = {"construction", "trade", "services", "agriculture",
                                          "manufacturing", "transport", "other"};
    static const double sec_f[] = {4, 56, 15, 8, 8, 2, 7}, sec_m[] = {47, 20, 9, 7, 8, 7, 2};
    set(p, "current_sector", pick(r, 7, sectors, female ? sec_f : sec_m), a);
    set(p, "written_contract", demo_rng_unit(r) < (female ? 0.39 : 0.46) ? "yes" : "no", a);
    static const char *const ynd[] = {"no", "yes", "dont_know"};
    static const double pen[] = {61, 34, 5}, leave[] = {78, 15, 7};
    set(p, "pension", pick(r, 3, ynd, pen), a);
    set(p, "paid_leave", pick(r, 3, ynd, leave), a);
  }

  /* Income: log-normal around the published means. */
  double mean = female ? 186424 : 218183, sigma = 0.42;
  double inc = exp(log(mean) - sigma * sigma / 2 + sigma * demo_rng_normal(r));
  long income = lround(inc / 1000) * 1000;
  if (demo_rng_unit(r) < 0.003) { /* a yearly figure entered as monthly */
    income *= 12;
    p->flaws |= DEMO_FLAW_YEARLY_INCOME;
  }
  set_num(p, "income_kzt", income, a);
  set(p, "income_sufficiency", pick_list(r, "sufficiency"), a);
  int sends = demo_rng_unit(r) < (female ? 0.24 : 0.53);
  set(p, "sends_remittances", sends ? "yes" : "no", a);
  if (sends) {
    set(p, "remit_share", pick_list(r, "share"), a);
    set(p, "remit_frequency", pick_list(r, "frequency"), a);
  }
  const char *housing = pick_list(r, "housing");
  set(p, "housing", housing, a);
  if (strcmp(housing, "homeless") != 0) {
    int rent = demo_rng_unit(r) < 0.54;
    set(p, "pays_rent", rent ? "yes" : "no", a);
    if (rent) {
      double rs_ = 0.5, rv = exp(log(47624) - rs_ * rs_ / 2 + rs_ * demo_rng_normal(r));
      set_num(p, "rent_kzt", lround(rv / 500) * 500, a);
    }
  }
}

int demo_draw_round(const demo_round_spec *rs, int n, uint64_t seed, mtm_arena *a,
                    demo_respondent **out) {
  demo_rng r = {seed};
  /* A few submissions reach the server twice under new uuids. */
  int ndup = n / 300 + 1, total = n + ndup;
  demo_respondent *p = mtm_arena_zalloc(a, sizeof *p * (size_t)total);
  for (int i = 0; i < n; i++) {
    draw(&r, rs, &p[i], a);
    uuid4(&r, p[i].uuid);
    p[i].submitted = p[i].end + 3600 + (int64_t)(demo_rng_unit(&r) * 20 * 3600);
  }
  for (int k = 0; k < ndup; k++) {
    int src = (int)(demo_rng_next(&r) % (uint64_t)n);
    p[n + k] = p[src];
    p[n + k].flaws |= DEMO_FLAW_DUPLICATE;
    p[n + k].dup_of = src;
    uuid4(&r, p[n + k].uuid);
    p[n + k].submitted += 60;
  }
  *out = p;
  return total;
}

/* ---- exports ---- */

static const char *label_of(const demo_qset *qs, const demo_round_spec *rs, const char *type,
                            const char *v) {
  const char *list = strchr(type, ' ') + 1;
  if (strcmp(list, "region") == 0 || strcmp(list, "rayon") == 0) {
    const demo_area *ar = strcmp(list, "region") == 0 ? rs->regions : rs->rayons;
    int n = strcmp(list, "region") == 0 ? rs->nregions : rs->nrayons;
    for (int i = 0; i < n; i++)
      if (strcmp(ar[i].pcode, v) == 0) return ar[i].en;
    return v;
  }
  const demo_choice *c = demo_qset_choice(qs, list, v);
  return c ? c->en : v;
}

static int is_group(const demo_question *q) {
  return strncmp(q->type, "begin_group", 11) == 0 || strncmp(q->type, "end_group", 9) == 0;
}

static int has_option(const char *v, const char *opt) {
  size_t n = strlen(opt);
  for (const char *s = v; s && (s = strstr(s, opt)); s += n)
    if ((s == v || s[-1] == ' ') && (s[n] == ' ' || s[n] == 0)) return 1;
  return 0;
}

/* Calls emit(header, value) for every column of one respondent in KoBo's
 * column order; labels=1 gives the "labels" export, 0 the "names" one. */
typedef void (*emit_fn)(void *ctx, int col, const char *v);

static int columns(const demo_qset *qs, const demo_round_spec *rs, const demo_respondent *p,
                   int labels, long id, const char *version, mtm_arena *a, emit_fn emit,
                   void *ctx) {
  int col = 0;
  const char *group = NULL, *group_label = NULL;
  for (int i = 0; i < qs->nq; i++) {
    const demo_question *q = &qs->q[i];
    if (strncmp(q->type, "begin_group", 11) == 0) {
      group = q->name, group_label = q->en;
      continue;
    }
    if (strncmp(q->type, "end_group", 9) == 0) {
      group = group_label = NULL;
      continue;
    }
    const char *v = p ? p->v[i] : NULL;
    const char *head;
    if (labels && q->en) head = group ? mtm_arena_printf(a, "%s/%s", group_label, q->en) : q->en;
    else head = group ? mtm_arena_printf(a, "%s/%s", group, q->name) : q->name;
    if (strncmp(q->type, "select_multiple", 15) == 0) {
      const char *list = q->type + 16;
      if (!labels) emit(ctx, col++, p ? (v ? v : "") : head); /* names export: both forms */
      for (int c = 0; c < qs->nc; c++) {
        if (strcmp(qs->c[c].list, list)) continue;
        const char *opt = labels ? qs->c[c].en : qs->c[c].name;
        if (!p) emit(ctx, col++, mtm_arena_printf(a, "%s/%s", head, opt));
        else emit(ctx, col++, v ? (has_option(v, qs->c[c].name) ? "1" : "0") : "");
      }
      continue;
    }
    if (!p) emit(ctx, col++, head);
    else if (v && labels && strncmp(q->type, "select_one", 10) == 0)
      emit(ctx, col++, label_of(qs, rs, q->type, v));
    else emit(ctx, col++, v ? v : "");
  }
  const char *meta[] = {"_id", "_uuid", "_submission_time", "_validation_status", "_status",
                        "_submitted_by", "__version__", "_index"};
  for (int m = 0; m < 8; m++) {
    if (!p) {
      emit(ctx, col++, meta[m]);
      continue;
    }
    const char *v = "";
    char ts[32];
    switch (m) {
    case 0: v = mtm_arena_printf(a, "%ld", 180000000L + id); break;
    case 1: v = p->uuid; break;
    case 2: {
      int32_t days = (int32_t)(p->submitted / 86400);
      int s = (int)(p->submitted % 86400);
      char d[11];
      mtm_format_date(days, d);
      snprintf(ts, sizeof ts, "%sT%02d:%02d:%02d", d, s / 3600, s / 60 % 60, s % 60);
      v = mtm_arena_strdup(a, ts);
      break;
    }
    case 3: v = ""; break;
    case 4: v = "submitted_via_web"; break;
    case 5: v = ""; break;
    case 6: v = version; break;
    case 7: v = mtm_arena_printf(a, "%ld", id); break;
    }
    emit(ctx, col++, v);
  }
  (void)is_group;
  return col;
}

typedef struct csv_ctx {
  mtm_buf *b;
  char sep;
} csv_ctx;

static void csv_emit(void *ctx, int col, const char *v) {
  csv_ctx *c = ctx;
  if (col) mtm_buf_addc(c->b, c->sep);
  /* ';'-separated: quote fields holding ';' too. */
  if (strchr(v, c->sep) || strpbrk(v, "\"\r\n")) {
    mtm_buf_addc(c->b, '"');
    for (const char *s = v; *s; s++) {
      if (*s == '"') mtm_buf_addc(c->b, '"');
      mtm_buf_addc(c->b, *s);
    }
    mtm_buf_addc(c->b, '"');
  } else mtm_buf_adds(c->b, v);
}

int demo_write_csv(const char *path, const demo_qset *qs, const demo_round_spec *rs, const demo_respondent *p, int n,
                   const char *version, mtm_err *err) {
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_arena a;
  mtm_arena_init(&a);
  csv_ctx c = {&b, ';'};
  mtm_buf_add(&b, "\xEF\xBB\xBF", 3); /* Excel-friendly BOM, as KoBo writes */
  columns(qs, rs, NULL, 1, 0, version, &a, csv_emit, &c);
  mtm_buf_adds(&b, "\r\n");
  for (int i = 0; i < n; i++) {
    columns(qs, rs, &p[i], 1, i + 1, version, &a, csv_emit, &c);
    mtm_buf_adds(&b, "\r\n");
  }
  mtm_arena_free(&a);
  int rc = mtm_buf_write_file(&b, path, "the export", err);
  mtm_buf_free(&b);
  return rc;
}

typedef struct xlsx_ctx {
  lxw_worksheet *ws;
  int row, bad;
} xlsx_ctx;

static void xlsx_emit(void *ctx, int col, const char *v) {
  xlsx_ctx *c = ctx;
  if (*v && worksheet_write_string(c->ws, (lxw_row_t)c->row, (lxw_col_t)col, v, NULL))
    c->bad = 1;
}

int demo_write_xlsx(const char *path, const demo_qset *qs, const demo_round_spec *rs, const demo_respondent *p, int n,
                    const char *version, mtm_err *err) {
  lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
  lxw_workbook *wb = workbook_new_opt(path, &o);
  if (!wb) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot create the workbook");
  }
  xlsx_ctx c = {workbook_add_worksheet(wb, qs->sheet), 0, 0};
  if (!c.ws) {
    workbook_close(wb);
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot add the data sheet");
  }
  mtm_arena a;
  mtm_arena_init(&a);
  columns(qs, rs, NULL, 0, 0, version, &a, xlsx_emit, &c);
  for (int i = 0; i < n; i++) {
    c.row = i + 1;
    columns(qs, rs, &p[i], 0, i + 1, version, &a, xlsx_emit, &c);
  }
  mtm_arena_free(&a);
  lxw_error e = workbook_close(wb);
  if (c.bad || e != LXW_NO_ERROR) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the workbook: %s", lxw_strerror(e));
  }
  return 0;
}

/* ---- the cleaning log ---- */

/* Writes the cleaning log a field team would write after reading check's
 * findings: the second copies of duplicated submissions removed, an
 * under-age respondent removed, the first "Kazakh national" corrected to
 * Kyrgyz after the supervisor saw the passport and any other removed, and
 * yearly incomes entered as monthly divided by twelve. Every row applies
 * to the values as imported. */
int demo_write_cleaning_log(const char *path, const demo_respondent *p, int n, mtm_err *err) {
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_adds(&b, "uuid,question,old_value,new_value,action,reason\n");
  int corrected = 0;
  int inc = qindex("income_kzt"), nat = qindex("nationality");
  for (int i = 0; i < n; i++) {
    const demo_respondent *x = &p[i];
    if (x->flaws & DEMO_FLAW_DUPLICATE) {
      mtm_buf_printf(&b, "%s,,,,remove,\"same interview submitted twice (first sent as %s)\"\n",
                     x->uuid, p[x->dup_of].uuid);
      continue;
    }
    if (x->flaws & DEMO_FLAW_UNDERAGE) {
      mtm_buf_printf(&b, "%s,,,,remove,under 18: outside the inclusion criteria\n", x->uuid);
      continue;
    }
    if (x->flaws & DEMO_FLAW_NATIONAL) {
      if (corrected++) {
        mtm_buf_printf(&b, "%s,,,,remove,Kazakh national: outside the inclusion criteria\n",
                       x->uuid);
        continue;
      }
      mtm_buf_printf(&b,
                     "%s,nationality,%s,KGZ,change,\"passport seen by the supervisor: Kyrgyz "
                     "national, KAZ chosen by mistake\"\n",
                     x->uuid, x->v[nat]);
    }
    if ((x->flaws & DEMO_FLAW_YEARLY_INCOME) && x->v[inc]) {
      long v = atol(x->v[inc]);
      mtm_buf_printf(&b,
                     "%s,income_kzt,%ld,%ld,change,\"yearly income entered as monthly; "
                     "confirmed with the enumerator\"\n",
                     x->uuid, v, lround((double)v / 12 / 1000) * 1000);
    }
  }
  int rc = mtm_buf_write_file(&b, path, "the cleaning log", err);
  mtm_buf_free(&b);
  return rc;
}
