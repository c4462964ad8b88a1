/* export --what bma: the baseline's area figures as the DTM API's admin0/
 * admin1/admin2 rows (export/bma_rows.h), one row per area and round,
 * several rounds in one file, with the HXL hashtags of IOM's DTM datasets
 * on HDX and ours for the migrant populations (docs/hxl.md). */
#include "export/bma_rows.h"
#include "export/export.h"
#include "geo/geo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A column's source. */
enum {
  K_ID = 1,
  K_OPERATION,
  K_ADM_NAME, /* arg: level */
  K_ADM_CODE, /* arg: level */
  K_SERIES,   /* arg: key */
  K_DATE,
  K_YEAR,
  K_MONTH,
  K_ROUND,
  K_MALES,
  K_FEMALES,
  K_ATYPE,
  K_LREP,
  K_LTOT
};

/* A series over the rounds: population, period, origin and sex. */
typedef struct skey {
  const char *pop, *period, *origin, *sex;
  int pop_rank, from, to, group; /* group 0 totals, 1 by origin, 2 by sex */
} skey;

/* The table being built. */
typedef struct build {
  const ex_bma_input *in;
  mtm_arena *a;
  int ru;
  skey *keys;
  int nkeys;
  int *kind, *arg; /* per column */
  mtm_pub_col *cols;
  int ncols, cap;
} build;

const char *ex_bma_hxl_population(const char *s) {
  /* The HXL attribute of a population: ours for the migrant populations,
   * HXL's standard ones for displaced people and refugees. */
  static const char *const map[][2] = {{"migrant_worker", "migrant_workers"},
                                       {"migrant_workers", "migrant_workers"},
                                       {"return_migrant", "returnees"},
                                       {"return_migrants", "returnees"},
                                       {"returnee", "returnees"},
                                       {"returnees", "returnees"},
                                       {"emigrant", "emigrants"},
                                       {"emigrants", "emigrants"},
                                       {"idp", "idps"},
                                       {"idps", "idps"},
                                       {"refugee", "refugees"},
                                       {"refugees", "refugees"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (!strcmp(s, map[i][0])) return map[i][1];
  return s;
}

/* The key text of a series in the key map. */
static const char *key_text(mtm_arena *a, const char *pop, const char *period, const char *origin,
                            const char *sex) {
  return mtm_arena_printf(a, "%s\x1f%s\x1f%s\x1f%s", pop, period, origin, sex);
}

/* Orders the series: totals, then by origin, then by sex; within a group
 * by population (first seen), period in time order, origin, sex. */
static int key_cmp(const void *x, const void *y) {
  const skey *p = x, *q = y;
  if (p->group != q->group) return p->group - q->group;
  if (p->pop_rank != q->pop_rank) return p->pop_rank - q->pop_rank;
  if (p->from != q->from) return p->from < q->from ? -1 : 1;
  if (p->to != q->to) return p->to < q->to ? -1 : 1;
  int c = strcmp(p->origin, q->origin);
  return c ? c : strcmp(p->sex, q->sex);
}

/* Collects the series of every round into b->keys, each once, sorted. */
static void collect_keys(build *b) {
  int cap = 0;
  for (int r = 0; r < b->in->nrounds; r++) cap += b->in->rounds[r].nseries;
  b->keys = mtm_arena_zalloc(b->a, sizeof(skey) * (size_t)(cap + 1));
  mtm_strmap seen, pops;
  mtm_strmap_init(&seen, b->a, (size_t)cap + 1);
  mtm_strmap_init(&pops, b->a, 16);
  int npops = 0;
  for (int r = 0; r < b->in->nrounds; r++) {
    const mtm_bma_result *res = &b->in->rounds[r];
    for (int s = 0; s < res->nseries; s++) {
      const mtm_bma_series *x = &res->series[s];
      const char *k = key_text(b->a, x->population, x->period, x->origin, x->sex);
      if (mtm_strmap_put(&seen, k, b->nkeys) != b->nkeys) continue;
      skey *y = &b->keys[b->nkeys++];
      y->pop = x->population;
      y->period = x->period;
      y->origin = x->origin;
      y->sex = x->sex;
      y->pop_rank = mtm_strmap_put(&pops, x->population, npops);
      if (y->pop_rank == npops) npops++;
      if (mtm_bma_period_parse(x->period, &y->from, &y->to)) y->from = y->to = 0;
      y->group = x->origin[0] ? 1 : x->sex[0] ? 2 : 0;
    }
  }
  qsort(b->keys, (size_t)b->nkeys, sizeof(skey), key_cmp);
}

/* Adds a column. */
static void add_col(build *b, const char *name, const char *hxl, mtm_pub_type t, const char *desc,
                    int kind, int arg) {
  if (b->ncols == b->cap) {
    int nc = b->cap ? 2 * b->cap : 32;
    mtm_pub_col *c = mtm_arena_zalloc(b->a, sizeof(mtm_pub_col) * (size_t)nc);
    int *k = mtm_arena_alloc(b->a, sizeof(int) * (size_t)nc);
    int *g = mtm_arena_alloc(b->a, sizeof(int) * (size_t)nc);
    if (b->ncols) {
      memcpy(c, b->cols, sizeof(mtm_pub_col) * (size_t)b->ncols);
      memcpy(k, b->kind, sizeof(int) * (size_t)b->ncols);
      memcpy(g, b->arg, sizeof(int) * (size_t)b->ncols);
    }
    b->cols = c, b->kind = k, b->arg = g, b->cap = nc;
  }
  b->cols[b->ncols] = (mtm_pub_col){name, hxl, t, desc};
  b->kind[b->ncols] = kind;
  b->arg[b->ncols] = arg;
  b->ncols++;
}

/* The HXL attribute of a period: "2023Q1" -> "period_2023q1", "2023-03"
 * -> "period_2023m03". */
static const char *hxl_period(mtm_arena *a, const char *period) {
  char p[32];
  size_t k = 0;
  for (const char *s = period; *s && k + 1 < sizeof p; s++)
    p[k++] = *s == '-' ? 'm' : (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
  p[k] = 0;
  return mtm_arena_printf(a, "period_%s", p);
}

/* The hashtag of a series: #affected+<population>+ind+period_<p>
 * [+origin+<iso3>][+f|+m]. */
static const char *series_hxl(mtm_arena *a, const skey *k) {
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_printf(&b, "#affected+%s+ind+%s", ex_bma_hxl_population(k->pop),
                 hxl_period(a, k->period));
  if (k->origin[0]) {
    mtm_buf_adds(&b, "+origin+");
    for (const char *s = k->origin; *s; s++)
      mtm_buf_addc(&b, (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s);
  }
  if (k->sex[0]) mtm_buf_printf(&b, "+%s", k->sex);
  const char *r = mtm_arena_strdup(a, b.p);
  mtm_buf_free(&b);
  return r;
}

/* The description of a series, for datapackage.json and the metadata. */
static const char *series_desc(build *b, const skey *k) {
  mtm_buf d;
  mtm_buf_init(&d);
  if (b->ru) {
    mtm_buf_printf(&d, "Численность (человек): %s, период %s", k->pop, k->period);
    if (k->origin[0]) mtm_buf_printf(&d, ", страна происхождения %s", k->origin);
    if (k->sex[0]) mtm_buf_adds(&d, !strcmp(k->sex, "f") ? ", женщины" : ", мужчины");
    mtm_buf_adds(&d, "; по каждому населённому пункту медиана ответов ключевых информантов, "
                     "по территории сумма ответивших пунктов (locationsReporting)");
  } else {
    mtm_buf_printf(&d, "Individuals: %s, period %s", k->pop, k->period);
    if (k->origin[0]) mtm_buf_printf(&d, ", from %s", k->origin);
    if (k->sex[0]) mtm_buf_adds(&d, !strcmp(k->sex, "f") ? ", women" : ", men");
    mtm_buf_adds(&d, "; per location the median of its key informants, per area the sum over "
                     "its locations that reported (locationsReporting)");
  }
  const char *r = mtm_arena_strdup(b->a, d.p);
  mtm_buf_free(&d);
  return r;
}

/* The fixed columns' descriptions, English and Russian. */
static const char *desc(build *b, const char *en, const char *ru) { return b->ru ? ru : en; }

/* The population whose figures by sex are numberMales and numberFemales:
 * the first population (in series order) with a figure by sex in any
 * round; NULL when the mapping has none. */
static const char *sex_population(const build *b) {
  const char *best = NULL;
  int rank = 0;
  for (int k = 0; k < b->nkeys; k++)
    if (b->keys[k].group == 2 && (!best || b->keys[k].pop_rank < rank))
      best = b->keys[k].pop, rank = b->keys[k].pop_rank;
  return best;
}

/* The columns, in the DTM API's order. */
static void make_columns(build *b, int level) {
  static const char *const adm_en[] = {"country", "region (admin1)", "district (admin2)"};
  static const char *const adm_ru[] = {"страна", "регион (admin1)", "район (admin2)"};
  add_col(b, "id", "#id+code", MTM_PUB_INT, desc(b, "row number", "номер строки"), K_ID, 0);
  add_col(b, "operation", "#operation+name", MTM_PUB_TEXT,
          desc(b, "the DTM operation", "операция DTM"), K_OPERATION, 0);
  for (int l = 0; l <= level; l++) {
    const char *tag = l ? mtm_arena_printf(b->a, "#adm%d", l) : "#country";
    add_col(
        b, mtm_arena_printf(b->a, "admin%dName", l), mtm_arena_printf(b->a, "%s+name", tag),
        MTM_PUB_TEXT,
        mtm_arena_printf(b->a, b->ru ? "%s: название" : "%s: name", b->ru ? adm_ru[l] : adm_en[l]),
        K_ADM_NAME, l);
    add_col(b, mtm_arena_printf(b->a, "admin%dPcode", l), mtm_arena_printf(b->a, "%s+code", tag),
            MTM_PUB_TEXT,
            mtm_arena_printf(b->a,
                             b->ru ? (l ? "%s: P-код" : "%s: код ISO 3166-1 alpha-3")
                                   : (l ? "%s: P-code" : "%s: ISO 3166-1 alpha-3 code"),
                             b->ru ? adm_ru[l] : adm_en[l]),
            K_ADM_CODE, l);
  }
  for (int k = 0; k < b->nkeys; k++)
    if (b->keys[k].group == 0) {
      mtm_bma_series s = {b->keys[k].pop, b->keys[k].period, b->keys[k].origin, b->keys[k].sex,
                          NULL};
      add_col(b, mtm_bma_wide_name(&s, b->a), series_hxl(b->a, &b->keys[k]), MTM_PUB_NUM,
              series_desc(b, &b->keys[k]), K_SERIES, k);
    }
  add_col(b, "reportingDate", "#date+reported", MTM_PUB_DATETIME,
          desc(b, "the round's reporting date (its last day)",
               "дата отчёта раунда (его последний день)"),
          K_DATE, 0);
  add_col(b, "yearReportingDate", "#date+year+reported", MTM_PUB_INT,
          desc(b, "year of the reporting date", "год даты отчёта"), K_YEAR, 0);
  add_col(b, "monthReportingDate", "#date+month+reported", MTM_PUB_INT,
          desc(b, "month of the reporting date", "месяц даты отчёта"), K_MONTH, 0);
  add_col(b, "roundNumber", "#round+code", MTM_PUB_INT, desc(b, "round", "раунд"), K_ROUND, 0);
  const char *sp = sex_population(b);
  const char *hp = sp ? mtm_arena_printf(b->a, "+%s", ex_bma_hxl_population(sp)) : "";
  const char *sx_en =
      sp ? mtm_arena_printf(b->a, "%s in the round's latest period with figures by sex", sp)
         : "empty: the mapping has no figures by sex";
  const char *sx_ru =
      sp ? mtm_arena_printf(b->a, "%s за последний период раунда с данными по полу", sp)
         : "пусто: в сопоставлении нет данных по полу";
  add_col(b, "numberMales", mtm_arena_printf(b->a, "#affected%s+ind+m", hp), MTM_PUB_NUM,
          b->ru ? mtm_arena_printf(b->a, "Мужчины: %s", sx_ru)
                : mtm_arena_printf(b->a, "Men: %s", sx_en),
          K_MALES, 0);
  add_col(b, "numberFemales", mtm_arena_printf(b->a, "#affected%s+ind+f", hp), MTM_PUB_NUM,
          b->ru ? mtm_arena_printf(b->a, "Женщины: %s", sx_ru)
                : mtm_arena_printf(b->a, "Women: %s", sx_en),
          K_FEMALES, 0);
  for (int g = 1; g <= 2; g++)
    for (int k = 0; k < b->nkeys; k++)
      if (b->keys[k].group == g) {
        mtm_bma_series s = {b->keys[k].pop, b->keys[k].period, b->keys[k].origin, b->keys[k].sex,
                            NULL};
        add_col(b, mtm_bma_wide_name(&s, b->a), series_hxl(b->a, &b->keys[k]), MTM_PUB_NUM,
                series_desc(b, &b->keys[k]), K_SERIES, k);
      }
  add_col(b, "assessmentType", "#assessment+type", MTM_PUB_TEXT,
          desc(b, "BA: baseline (mobility) assessment", "BA: базовая оценка мобильности"), K_ATYPE,
          0);
  add_col(b, "locationsReporting", "#meta+locations+reporting", MTM_PUB_INT,
          desc(b, "locations of the area that reported a figure",
               "населённые пункты территории, давшие данные"),
          K_LREP, 0);
  add_col(b, "locationsTotal", "#meta+locations+total", MTM_PUB_INT,
          desc(b, "locations of the area with at least one key-informant submission",
               "населённые пункты территории хотя бы с одной анкетой ключевого информанта"),
          K_LTOT, 0);
}

/* A number as the shortest text that reads back; NULL for NaN. */
static const char *num_text(mtm_arena *a, double v) {
  if (isnan(v)) return NULL;
  char s[64];
  for (int prec = 6; prec <= 17; prec++) {
    snprintf(s, sizeof s, "%.*g", prec, v);
    if (strtod(s, NULL) == v) break;
  }
  return mtm_arena_strdup(a, s);
}

/* The series index in round r of key k, or -1. */
static int series_of(const mtm_bma_result *r, const skey *k) {
  return mtm_bma_series_find(r, k->pop, k->period, k->origin, k->sex);
}

/* numberMales and numberFemales of a round: the series (or -1) of the sex
 * population's latest period in this round with a figure by sex. */
static void sex_series(const build *b, const mtm_bma_result *r, const char *sp, int *male,
                       int *female) {
  *male = *female = -1;
  if (!sp) return;
  const skey *best = NULL;
  for (int k = 0; k < b->nkeys; k++) {
    const skey *y = &b->keys[k];
    if (y->group != 2 || strcmp(y->pop, sp) || series_of(r, y) < 0) continue;
    if (!best || y->to > best->to || (y->to == best->to && y->from > best->from)) best = y;
  }
  if (!best) return;
  *male = mtm_bma_series_find(r, sp, best->period, "", "m");
  *female = mtm_bma_series_find(r, sp, best->period, "", "f");
}

int ex_bma_rows(const ex_bma_input *in, mtm_arena *a, ex_bma_table *out, mtm_err *err) {
  /* Builds the columns over every round, then per round the rows of the
   * areas of the level. */
  memset(out, 0, sizeof *out);
  if (in->nrounds < 1) return mtm_err_set(err, MTM_EINVAL, "no round to export");
  int level = in->level >= 0 ? in->level : in->rounds[0].location_level;
  if (level > 2) level = 2;
  for (int r = 0; r < in->nrounds; r++)
    if (in->rounds[r].location_level < level)
      return mtm_err_set(err, MTM_EINVAL,
                         "round %d: the baseline's locations are of level %d, so it has no "
                         "admin%d rows: ask for --level %d or lower",
                         in->rounds[r].round, in->rounds[r].location_level, level,
                         in->rounds[r].location_level);
  build b = {0};
  b.in = in;
  b.a = a;
  b.ru = in->lang && !strcmp(in->lang, "ru");
  collect_keys(&b);
  make_columns(&b, level);
  const char *sp = sex_population(&b);
  long cap = 0;
  for (int r = 0; r < in->nrounds; r++)
    for (int i = 0; i < in->rounds[r].nareas; i++) cap += in->rounds[r].areas[i].level == level;
  const char **cells = mtm_arena_zalloc(a, sizeof(char *) * (size_t)(cap * b.ncols + 1));
  long row = 0;
  for (int ri = 0; ri < in->nrounds; ri++) {
    const mtm_bma_result *r = &in->rounds[ri];
    /* the areas by P-code, and per area its locations that reported */
    mtm_strmap at;
    mtm_strmap_init(&at, a, (size_t)r->nareas + 1);
    for (int i = 0; i < r->nareas; i++) mtm_strmap_put(&at, r->areas[i].pcode, i);
    int *rep = mtm_arena_zalloc(a, sizeof(int) * (size_t)(r->nareas + 1));
    for (int i = 0; i < r->nareas; i++) {
      if (r->areas[i].level != r->location_level) continue;
      int any = 0;
      for (int s = 0; s < r->nseries && !any; s++)
        any = !isnan(r->fig[(size_t)i * (size_t)r->nseries + (size_t)s].value);
      for (int x = i, d = 0; any && x >= 0 && d < 16; d++) {
        rep[x]++;
        x = mtm_strmap_get(&at, r->areas[x].parent);
      }
    }
    int *ks = mtm_arena_alloc(a, sizeof(int) * (size_t)(b.nkeys + 1));
    for (int k = 0; k < b.nkeys; k++) ks[k] = series_of(r, &b.keys[k]);
    int male, female;
    sex_series(&b, r, sp, &male, &female);
    const char *date = NULL, *year = NULL, *month = NULL;
    if (r->reporting_date && strlen(r->reporting_date) >= 10) {
      date = mtm_arena_printf(a, "%.10sT00:00:00", r->reporting_date);
      year = mtm_arena_printf(a, "%d", atoi(r->reporting_date));
      month = mtm_arena_printf(a, "%d", atoi(r->reporting_date + 5));
    }
    const char *round = mtm_arena_printf(a, "%d", r->round);
    for (int i = 0; i < r->nareas; i++) {
      if (r->areas[i].level != level) continue;
      int chain[3] = {-1, -1, -1};
      for (int x = i, d = 0; x >= 0 && d < 16; d++) {
        int l = r->areas[x].level;
        if (l >= 0 && l <= level) chain[l] = x;
        x = mtm_strmap_get(&at, r->areas[x].parent);
      }
      const mtm_bma_figure *f = &r->fig[(size_t)i * (size_t)r->nseries];
      const char **c = &cells[row * b.ncols];
      for (int j = 0; j < b.ncols; j++) {
        int g = b.arg[j];
        switch (b.kind[j]) {
        case K_ID:
          c[j] = mtm_arena_printf(a, "%ld", row + 1);
          break;
        case K_OPERATION:
          c[j] = in->operation;
          break;
        case K_ADM_NAME:
          if (g == 0 && in->country_name && in->country_name[0])
            c[j] = in->country_name;
          else if (chain[g] >= 0)
            c[j] = r->areas[chain[g]].name;
          break;
        case K_ADM_CODE:
          if (g == 0 && in->country_code && in->country_code[0])
            c[j] = in->country_code;
          else if (chain[g] >= 0)
            c[j] = r->areas[chain[g]].pcode;
          break;
        case K_SERIES:
          if (ks[g] >= 0) c[j] = num_text(a, f[ks[g]].value);
          break;
        case K_DATE:
          c[j] = date;
          break;
        case K_YEAR:
          c[j] = year;
          break;
        case K_MONTH:
          c[j] = month;
          break;
        case K_ROUND:
          c[j] = round;
          break;
        case K_MALES:
          if (male >= 0) c[j] = num_text(a, f[male].value);
          break;
        case K_FEMALES:
          if (female >= 0) c[j] = num_text(a, f[female].value);
          break;
        case K_ATYPE:
          c[j] = "BA";
          break;
        case K_LREP:
          c[j] = mtm_arena_printf(a, "%d", rep[i]);
          break;
        case K_LTOT:
          c[j] = mtm_arena_printf(a, "%d", r->areas[i].locations_total);
          break;
        default:
          break;
        }
      }
      row++;
    }
  }
  out->ncols = b.ncols;
  out->cols = b.cols;
  out->nrows = row;
  out->cells = cells;
  out->level = level;
  return 0;
}

int mtm_export_bma(mtm_store *st, const mtm_export_opts *o, mtm_pub_writer *w, mtm_err *err) {
  /* Consolidates each round of --round (the baseline form's stored
   * mapping, the median of the KIs), builds the rows and writes them as
   * one table "bma". */
  mtm_arena a;
  mtm_arena_init(&a);
  const char *lang = o->lang ? o->lang : "en";
  ex_bma_input in = {0};
  in.lang = lang;
  in.level = o->level;
  mtm_operation op;
  int rc = mtm_store_operation_get(st, &a, &op, err);
  if (rc == 0) {
    char *t = NULL;
    if (mtm_store_text_get(st, "operation", "", lang, &a, &t, err)) mtm_err_clear(err), t = NULL;
    in.operation = t && t[0] ? t : op.name;
    in.country_code = op.country;
    if (op.country && op.country[0]) in.country_name = mtm_geo_country_name(op.country, lang);
  } else if (rc != MTM_ENOTFOUND) {
    goto out;
  }
  mtm_err_clear(err);
  rc = 0;
  mtm_bma_result *rs = mtm_arena_zalloc(&a, sizeof(mtm_bma_result) * (size_t)(o->nrounds + 1));
  for (int i = 0; i < o->nrounds; i++) {
    mtm_bma_opts bo = {0};
    bo.form_id = o->form_id;
    bo.round = o->rounds[i];
    bo.lang = lang;
    bo.no_previous = 1;
    if ((rc = mtm_bma_consolidate(st, &bo, &a, &rs[i], err))) goto out;
  }
  in.nrounds = o->nrounds;
  in.rounds = rs;
  ex_bma_table t;
  if ((rc = ex_bma_rows(&in, &a, &t, err))) goto out;
  if ((rc = mtm_pub_table(w, "bma", t.ncols, t.cols, err))) goto out;
  for (long i = 0; i < t.nrows; i++)
    if ((rc = mtm_pub_row(w, &t.cells[i * t.ncols], err))) goto out;
out:
  mtm_arena_free(&a);
  return rc;
}
