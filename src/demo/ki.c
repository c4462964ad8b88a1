/* The demo's Baseline Mobility Assessment: the key-informant (KI)
 * questionnaire of each round, the true figures of each assessed rayon, the
 * KIs' reports of them (with the disagreement and gaps real KIs show), and
 * the mapping that says which question holds which figure.
 *
 * The true figures are drawn so that, consolidated by the median of the
 * KIs, Round 2 comes close to the published baseline
 * (shared/reference/kazakhstan-2023-round2.md): 724,534 migrant workers
 * over 2020 to Q1 2023, 56,112 of them arrived in Q1 2023, the published
 * top hosting regions and, for origins, the survey's nationality table made
 * to add up to 100. */
#include "demo/demo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Origins asked about, their English and Russian names. */
static const struct {
  const char *iso, *en, *ru;
} origins[DEMO_KI_NORIGINS] = {
    {"UZB", "Uzbekistan", "Узбекистан"},   {"RUS", "Russian Federation", "Российская Федерация"},
    {"TJK", "Tajikistan", "Таджикистан"},  {"KGZ", "Kyrgyzstan", "Кыргызстан"},
    {"AZE", "Azerbaijan", "Азербайджан"},  {"CHN", "China", "Китай"},
    {"TUR", "Türkiye", "Турция"},
};

static const demo_choice ki_choices[] = {
    {"ki_type", "local_authority", "Local authority", "Местная власть", 45},
    {"ki_type", "community_leader", "Community leader", "Лидер сообщества", 30},
    {"ki_type", "teacher", "Teacher", "Учитель", 15},
    {"ki_type", "religious_leader", "Religious leader", "Религиозный лидер", 10},
    {"sex", "female", "Female", "Женский", 35},
    {"sex", "male", "Male", "Мужской", 65},
    {"yes_no", "yes", "Yes", "Да", 0},
    {"yes_no", "no", "No", "Нет", 0},
};

/* The field name suffix of a period: "2023Q1" -> "2023q1". */
static char *period_key(mtm_arena *a, const char *p) {
  char *s = mtm_arena_strdup(a, p);
  for (char *c = s; *c; c++)
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
  return s;
}

/* The label of a period: "2023Q1" -> "Q1 2023" ("1-й квартал 2023" in Russian). */
static const char *period_label(mtm_arena *a, const char *p, int ru) {
  if (strlen(p) == 6 && p[4] == 'Q')
    return ru ? mtm_arena_printf(a, "%c-й квартал %.4s", p[5], p)
              : mtm_arena_printf(a, "Q%c %.4s", p[5], p);
  return ru ? mtm_arena_printf(a, "%s год", p) : p;
}

static char *lower(mtm_arena *a, const char *s) { return period_key(a, s); }

/* Adds a question to a growing array. */
static void add(demo_question *q, int *n, demo_question v) { q[(*n)++] = v; }

void demo_ki_qset(const demo_ki_spec *ks, mtm_arena *a, demo_qset *out) {
  int cap = 32 + DEMO_KI_NPERIODS * (DEMO_KI_NORIGINS + 4);
  demo_question *q = mtm_arena_zalloc(a, sizeof *q * (size_t)cap);
  int n = 0;
  const char *nonneg = ". >= 0", *msg = "A number of people cannot be negative";
  add(q, &n, (demo_question){.type = "start", .name = "start"});
  add(q, &n, (demo_question){.type = "end", .name = "end"});
  add(q, &n, (demo_question){.type = "today", .name = "today"});
  add(q, &n, (demo_question){.type = "deviceid", .name = "deviceid"});
  add(q, &n, (demo_question){.type = "begin_group", .name = "ki", .en = "Key informant", .ru = "Ключевой информант"});
  add(q, &n, (demo_question){.type = "select_one ki_type", .name = "ki_type", .en = "Type of key informant", .ru = "Тип ключевого информанта", .required = "yes"});
  add(q, &n, (demo_question){.type = "select_one sex", .name = "ki_sex", .en = "Sex of the key informant", .ru = "Пол ключевого информанта", .required = "yes"});
  add(q, &n, (demo_question){.type = "select_one yes_no", .name = "ki_phone", .en = "May we call you back to verify these figures?", .ru = "Можно ли перезвонить вам, чтобы уточнить эти данные?", .required = "yes"});
  add(q, &n, (demo_question){.type = "end_group", .name = ""});
  add(q, &n, (demo_question){.type = "begin_group", .name = "location", .en = "Location", .ru = "Местоположение"});
  add(q, &n, (demo_question){.type = "select_one region", .name = "region", .en = "Region (oblast)", .ru = "Регион (область)", .required = "yes", .hxl = "#adm1+code"});
  add(q, &n, (demo_question){.type = "select_one rayon", .name = "rayon", .en = "District (rayon)", .ru = "Район", .required = "yes", .extra = "cf:region=${region}", .hxl = "#adm2+code"});
  add(q, &n, (demo_question){.type = "end_group", .name = ""});
  add(q, &n, (demo_question){.type = "begin_group", .name = "mw", .en = "International migrant workers", .ru = "Иностранные трудовые мигранты"});
  for (int k = 0; k < DEMO_KI_NPERIODS; k++) {
    const char *p = ks->periods[k], *key = period_key(a, p);
    const char *en = period_label(a, p, 0), *ru = period_label(a, p, 1);
    add(q, &n,
        (demo_question){.type = "integer", .name = mtm_arena_printf(a, "mw_%s", key), .en = mtm_arena_printf(a, "Migrant workers present who arrived in %s", en), .ru = mtm_arena_printf(a, "Трудовые мигранты, прибывшие в %s", ru), .constraint = nonneg, .message = msg, .hxl = "#affected+migrant_worker"});
    for (int j = 0; j < DEMO_KI_NORIGINS; j++)
      add(q, &n,
          (demo_question){.type = "integer", .name = mtm_arena_printf(a, "mw_%s_%s", key, lower(a, origins[j].iso)), .en = mtm_arena_printf(a, "Arrived in %s: from %s", en, origins[j].en), .ru = mtm_arena_printf(a, "Прибывшие в %s: из страны %s", ru, origins[j].ru), .constraint = nonneg, .message = msg});
    if (k == DEMO_KI_NPERIODS - 1)
      add(q, &n,
          (demo_question){.type = "integer", .name = mtm_arena_printf(a, "mw_%s_f", key), .en = mtm_arena_printf(a, "Arrived in %s: women", en), .ru = mtm_arena_printf(a, "Прибывшие в %s: женщины", ru), .constraint = nonneg, .message = msg});
  }
  add(q, &n, (demo_question){.type = "end_group", .name = ""});
  static const struct {
    const char *g, *en, *ru, *hxl;
  } other[] = {{"rm", "Return migrants (nationals back from abroad)",
                "Вернувшиеся мигранты (граждане, вернувшиеся из-за рубежа)",
                "#affected+return_migrant"},
               {"em", "Emigrants (nationals gone abroad)", "Эмигранты (граждане, уехавшие за рубеж)",
                "#affected+emigrant"}};
  for (int g = 0; g < 2; g++) {
    add(q, &n, (demo_question){.type = "begin_group", .name = other[g].g, .en = other[g].en, .ru = other[g].ru});
    for (int k = 0; k < DEMO_KI_NPERIODS; k++) {
      const char *p = ks->periods[k];
      add(q, &n,
          (demo_question){.type = "integer", .name = mtm_arena_printf(a, "%s_%s", other[g].g, period_key(a, p)), .en = mtm_arena_printf(a, "%s, %s", g ? "Left" : "Returned",
                                           period_label(a, p, 0)), .ru = mtm_arena_printf(a, "%s, %s", g ? "Уехали" : "Вернулись",
                                           period_label(a, p, 1)), .constraint = nonneg, .message = msg, .hxl = other[g].hxl});
    }
    add(q, &n, (demo_question){.type = "end_group", .name = ""});
  }
  *out = (demo_qset){q,
                     n,
                     ki_choices,
                     (int)(sizeof ki_choices / sizeof ki_choices[0]),
                     DEMO_KI_FORM_ID,
                     "MTM Kazakhstan: baseline mobility assessment (key informants)",
                     "MTM Kazakhstan - baseline mobil",
                     NULL,
                     0};
}

int demo_ki_write_mapping(const char *path, const demo_ki_spec *ks, mtm_err *err) {
  mtm_arena a;
  mtm_arena_init(&a);
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_adds(&b, "field,population,period,origin,sex\n");
  for (int k = 0; k < DEMO_KI_NPERIODS; k++) {
    const char *p = ks->periods[k], *key = period_key(&a, p);
    mtm_buf_printf(&b, "mw_%s,migrant_worker,%s,,\n", key, p);
    for (int j = 0; j < DEMO_KI_NORIGINS; j++)
      mtm_buf_printf(&b, "mw_%s_%s,migrant_worker,%s,%s,\n", key, lower(&a, origins[j].iso), p,
                     origins[j].iso);
    if (k == DEMO_KI_NPERIODS - 1) mtm_buf_printf(&b, "mw_%s_f,migrant_worker,%s,,f\n", key, p);
  }
  for (int k = 0; k < DEMO_KI_NPERIODS; k++)
    mtm_buf_printf(&b, "rm_%s,return_migrant,%s,,\n", period_key(&a, ks->periods[k]),
                   ks->periods[k]);
  for (int k = 0; k < DEMO_KI_NPERIODS; k++)
    mtm_buf_printf(&b, "em_%s,emigrant,%s,,\n", period_key(&a, ks->periods[k]), ks->periods[k]);
  mtm_arena_free(&a);
  int rc = mtm_buf_write_file(&b, path, "the mapping", err);
  mtm_buf_free(&b);
  return rc;
}

/* ---- true figures ---- */

/* Rayons assessed per region (the first ones of the layer, in file order:
 * the regional capital comes first). Round 2 (2024 layer): 113 rayons. */
static const struct {
  const char *pcode;
  int n2018, n2024;
} assessed[] = {
    {"KZ75", 8, 8},  {"KZ47", 7, 7},   {"KZ71", 4, 5},   {"KZ19", 16, 11},
    {"KZ35", 12, 11}, {"KZ79", 4, 5},  {"KZ15", 9, 10},  {"KZ27", 9, 10},
    {"KZ43", 7, 8},  {"KZ39", 12, 14}, {"KZ63", 13, 10}, {"KZ59", 10, 14},
};

static int assessed_n(const char *pcode, int layer2024) {
  for (size_t i = 0; i < sizeof assessed / sizeof assessed[0]; i++)
    if (strcmp(assessed[i].pcode, pcode) == 0)
      return layer2024 ? assessed[i].n2024 : assessed[i].n2018;
  return 0;
}

/* Regional tilts of origins: Russians gather in the two big cities,
 * Uzbeks in the south and on the Caspian oil fields. */
static double tilt(const char *region, int origin) {
  int city = strcmp(region, "KZ75") == 0 || strcmp(region, "KZ71") == 0;
  int south = strcmp(region, "KZ79") == 0 || strcmp(region, "KZ47") == 0 ||
              strcmp(region, "KZ19") == 0;
  if (origin == 1) return city ? 1.7 : south ? 0.6 : 1;
  if (origin == 0) return south ? 1.15 : 1;
  return 1;
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* A KI's rounding: big numbers come in round figures. */
static long ki_round(double v) {
  if (v >= 2000) return lround(v / 100) * 100;
  if (v >= 200) return lround(v / 10) * 10;
  return lround(v);
}

int demo_ki_draw(const demo_ki_spec *ks, uint64_t seed, mtm_arena *a, demo_ki_truth **truth,
                 int *ntruth) {
  demo_rng r = {seed};
  int layer2024 = ks->layer == 2024;
  /* The assessed rayons and their weight within the region. */
  demo_ki_truth *t = mtm_arena_zalloc(a, sizeof *t * (size_t)(ks->nrayons ? ks->nrayons : 1));
  int nt = 0;
  for (int g = 0; g < ks->nregions; g++) {
    const demo_area *reg = &ks->regions[g];
    int want = assessed_n(reg->pcode, layer2024), got = 0;
    if (!want) continue;
    int city = strncmp(reg->en, "Almaty (", 8) == 0 || strstr(reg->en, "(city)") != NULL;
    double sum = 0;
    int first = nt;
    for (int i = 0; i < ks->nrayons && got < want; i++) {
      if (strcmp(ks->rayons[i].parent, reg->pcode)) continue;
      double w = exp((city ? 0.35 : 0.8) * demo_rng_normal(&r));
      if (!got && !city) w *= 4; /* the regional capital */
      t[nt].rayon = &ks->rayons[i];
      t[nt].region = reg;
      t[nt].weight = w;
      sum += w;
      nt++, got++;
    }
    double share = demo_region_share(reg->pcode) / 100;
    for (int i = first; i < nt; i++) t[i].weight = share * t[i].weight / sum;
  }
  /* Migrant workers by period: the rayon's share of the total, split by
   * period with some local variation, then scaled so that each period's
   * country figure is the target. */
  double per[DEMO_KI_NPERIODS] = {0};
  for (int i = 0; i < nt; i++) {
    double q[DEMO_KI_NPERIODS], s = 0;
    for (int k = 0; k < DEMO_KI_NPERIODS; k++)
      s += q[k] = ks->period_share[k] * exp(0.15 * demo_rng_normal(&r));
    for (int k = 0; k < DEMO_KI_NPERIODS; k++) {
      t[i].mw[k] = ks->total * t[i].weight * q[k] / s;
      per[k] += t[i].mw[k];
    }
  }
  for (int i = 0; i < nt; i++)
    for (int k = 0; k < DEMO_KI_NPERIODS; k++)
      t[i].mw[k] = round(t[i].mw[k] * ks->total * ks->period_share[k] / per[k]);
  /* Origins: the base shares, tilted by region and varied by rayon, then
   * fitted (iterative proportional fitting) so that the country shares are
   * the base ones again. */
  double (*o)[DEMO_KI_NORIGINS] = mtm_arena_zalloc(a, sizeof *o * (size_t)(nt ? nt : 1));
  for (int i = 0; i < nt; i++)
    for (int j = 0; j < DEMO_KI_NORIGINS; j++)
      o[i][j] = ks->origin_share[j] * tilt(t[i].region->pcode, j) *
                exp(0.3 * demo_rng_normal(&r));
  for (int it = 0; it < 20; it++) {
    for (int i = 0; i < nt; i++) {
      double s = 0;
      for (int j = 0; j < DEMO_KI_NORIGINS; j++) s += o[i][j];
      for (int j = 0; j < DEMO_KI_NORIGINS; j++) o[i][j] /= s;
    }
    double col[DEMO_KI_NORIGINS] = {0}, all = 0;
    for (int i = 0; i < nt; i++)
      for (int j = 0; j < DEMO_KI_NORIGINS; j++) {
        double m = 0;
        for (int k = 0; k < DEMO_KI_NPERIODS; k++) m += t[i].mw[k];
        col[j] += o[i][j] * m;
        all += o[i][j] * m;
      }
    for (int i = 0; i < nt; i++)
      for (int j = 0; j < DEMO_KI_NORIGINS; j++)
        if (col[j] > 0) o[i][j] *= ks->origin_share[j] * all / col[j];
  }
  for (int i = 0; i < nt; i++) {
    double s = 0;
    for (int j = 0; j < DEMO_KI_NORIGINS; j++) s += o[i][j];
    for (int k = 0; k < DEMO_KI_NPERIODS; k++) {
      for (int j = 0; j < DEMO_KI_NORIGINS; j++)
        t[i].origin[k][j] = round(t[i].mw[k] * o[i][j] / s);
      t[i].women = round(t[i].mw[DEMO_KI_NPERIODS - 1] * clampd(0.16 + 0.05 * demo_rng_normal(&r),
                                                                 0.02, 0.4));
    }
    /* Return migrants and emigrants: spread more evenly than migrant
     * workers (every rayon has its people abroad). */
    for (int k = 0; k < DEMO_KI_NPERIODS; k++) {
      double w = sqrt(t[i].weight) * 0.1 * exp(0.3 * demo_rng_normal(&r));
      t[i].rm[k] = round(ks->rm_total * w * ks->period_share[k]);
      t[i].em[k] = round(ks->em_total * w * ks->period_share[k]);
    }
  }
  /* Key informants per rayon: the largest get four, a band of large ones
   * three, the eight smallest one, the rest two; nkis in all. */
  int *order = mtm_arena_zalloc(a, sizeof(int) * (size_t)(nt ? nt : 1));
  for (int i = 0; i < nt; i++) order[i] = i;
  for (int i = 1; i < nt; i++) /* insertion sort by weight, descending */
    for (int j = i; j > 0 && t[order[j]].weight > t[order[j - 1]].weight; j--) {
      int x = order[j];
      order[j] = order[j - 1], order[j - 1] = x;
    }
  int n4 = 6, n1 = 8, n3 = ks->nkis - 2 * nt - 2 * n4 + n1;
  if (n3 < 0) n3 = 0;
  for (int i = 0; i < nt; i++)
    t[order[i]].nki = i < n4 ? 4 : i < n4 + n3 ? 3 : i >= nt - n1 ? 1 : 2;
  *truth = t;
  *ntruth = nt;
  return 0;
}

/* Formats a KI's figure, or NULL for no answer. */
static char *report(demo_rng *r, mtm_arena *a, double truth, double bias, double missing) {
  if (demo_rng_unit(r) < missing) return NULL;
  double v = truth * bias * (1 + 0.04 * demo_rng_normal(r));
  if (truth > 0 && v < 0) v = 0;
  return mtm_arena_printf(a, "%ld", ki_round(v));
}

static void uuid4(demo_rng *r, char out[37]) {
  uint64_t a = demo_rng_next(r), b = demo_rng_next(r);
  snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
           (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
           (unsigned)((b >> 48) & 0x3fff) | 0x8000, (unsigned long long)(b & 0xffffffffffffULL));
}

static char *kobo_time(mtm_arena *a, int64_t t) {
  int64_t local = t + 5 * 3600;
  int32_t days = (int32_t)(local / 86400);
  int sec = (int)(local % 86400);
  char d[11];
  mtm_format_date(days, d);
  return mtm_arena_printf(a, "%sT%02d:%02d:%02d.000+05:00", d, sec / 3600, sec / 60 % 60, sec % 60);
}

int demo_ki_interviews(const demo_ki_spec *ks, const demo_qset *qs, const demo_ki_truth *t, int nt,
                       uint64_t seed, mtm_arena *a, demo_respondent **out) {
  demo_rng r = {seed};
  int total = 0;
  for (int i = 0; i < nt; i++) total += t[i].nki;
  demo_respondent *p = mtm_arena_zalloc(a, sizeof *p * (size_t)(total ? total : 1));
  int m = 0;
  const char *types[] = {"local_authority", "community_leader", "teacher", "religious_leader"};
  const double tw[] = {45, 30, 15, 10};
  for (int i = 0; i < nt; i++) {
    int outliers = 0;
    for (int k = 0; k < t[i].nki; k++, m++) {
      demo_respondent *x = &p[m];
      x->v = mtm_arena_zalloc(a, sizeof(char *) * (size_t)qs->nq);
      int f = 0;
      /* Interview: a working day of the round, 20 to 50 minutes. */
      int64_t start = (int64_t)ks->first_day * 86400 +
                      (int64_t)(demo_rng_next(&r) % (uint64_t)ks->ndays) * 86400 + 4 * 3600 +
                      (int64_t)(demo_rng_unit(&r) * 8 * 3600);
      x->start = start;
      x->end = start + (int64_t)((20 + demo_rng_unit(&r) * 30) * 60);
      x->submitted = x->end + 1800 + (int64_t)(demo_rng_unit(&r) * 30 * 3600);
      uuid4(&r, x->uuid);
      char day[11];
      mtm_format_date((int32_t)((start + 5 * 3600) / 86400), day);
      /* A KI either knows the figures (within 20% or so of the truth) or,
       * now and then, is off by a factor of three; only one per rayon and
       * only where others speak for the same rayon, so the median has
       * something to hold. */
      double bias = clampd(1 + 0.08 * demo_rng_normal(&r), 0.8, 1.2);
      if (t[i].nki >= 3 && demo_rng_unit(&r) < 0.08 && !outliers++)
        bias = demo_rng_unit(&r) < 0.5 ? 3 : 1.0 / 3;
      int knows_origins = demo_rng_unit(&r) >= 0.1;
      int knows_others = demo_rng_unit(&r) < ks->others_answered;
      x->v[f++] = kobo_time(a, x->start);
      x->v[f++] = kobo_time(a, x->end);
      x->v[f++] = mtm_arena_strdup(a, day);
      x->v[f++] = mtm_arena_printf(a, "collect:%016llx",
                                   0x6b690000ULL + (demo_rng_next(&r) % 24) * 7919);
      f++; /* group ki */
      x->v[f++] = mtm_arena_strdup(a, types[demo_rng_pick(&r, tw, 4)]);
      x->v[f++] = mtm_arena_strdup(a, demo_rng_unit(&r) < 0.35 ? "female" : "male");
      x->v[f++] = mtm_arena_strdup(a, demo_rng_unit(&r) < 0.9 ? "yes" : "no");
      f += 2; /* end ki, begin location */
      x->v[f++] = mtm_arena_strdup(a, t[i].region->pcode);
      x->v[f++] = mtm_arena_strdup(a, t[i].rayon->pcode);
      f += 2; /* end location, begin mw */
      for (int q = 0; q < DEMO_KI_NPERIODS; q++) {
        x->v[f++] = report(&r, a, t[i].mw[q], bias, 0.03);
        for (int j = 0; j < DEMO_KI_NORIGINS; j++)
          x->v[f++] = knows_origins ? report(&r, a, t[i].origin[q][j], bias, 0.05) : NULL;
        if (q == DEMO_KI_NPERIODS - 1) x->v[f++] = report(&r, a, t[i].women, bias, 0.25);
      }
      f += 2; /* end mw, begin rm */
      for (int q = 0; q < DEMO_KI_NPERIODS; q++)
        x->v[f++] = knows_others ? report(&r, a, t[i].rm[q], bias, 0.05) : NULL;
      f += 2;
      for (int q = 0; q < DEMO_KI_NPERIODS; q++)
        x->v[f++] = knows_others ? report(&r, a, t[i].em[q], bias, 0.05) : NULL;
      f++;
      if (f != qs->nq) abort(); /* the order above must follow demo_ki_qset */
    }
  }
  *out = p;
  return m;
}

void demo_ki_calls(const demo_ki_spec *ks, const demo_qset *qs, const demo_ki_truth *t, int nt,
                   const demo_respondent *ki, mtm_arena *a, demo_ki_call out[2]) {
  const char *field =
      mtm_arena_printf(a, "mw_%s", period_key(a, ks->periods[DEMO_KI_NPERIODS - 1]));
  int f = 0;
  while (f < qs->nq && strcmp(qs->q[f].name, field)) f++;
  memset(out, 0, sizeof *out * 2);
  double best_dis = -1, best_one = -1;
  for (int i = 0, m = 0; i < nt; m += t[i].nki, i++) {
    double lo = HUGE_VAL, hi = -1;
    for (int k = 0; k < t[i].nki && f < qs->nq; k++) {
      const char *v = ki[m + k].v[f];
      if (!v) continue;
      double x = atof(v);
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    double truth = t[i].mw[DEMO_KI_NPERIODS - 1];
    if (t[i].nki > 1 && hi > 0 && lo > 0 && hi / lo > 2 && truth > best_dis) {
      best_dis = truth;
      out[0] = (demo_ki_call){t[i].rayon->pcode, field, (long)truth, "updated",
                              "called back: the figure the KIs agreed on by phone"};
    }
    if (t[i].nki == 1 && hi >= 0 && truth > best_one) {
      best_one = truth;
      out[1] = (demo_ki_call){t[i].rayon->pcode, field, (long)hi, "verified",
                              "the only KI of the rayon confirmed the figure by phone"};
    }
  }
}

int demo_ki_write_cleaning_log(const char *path, const demo_ki_spec *ks, const demo_ki_truth *t,
                               int nt, const demo_respondent *ki, mtm_err *err) {
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_adds(&b, "uuid,question,old_value,new_value,action,reason\n");
  for (int i = 0, m = 0; i < nt; m += t[i].nki, i++) {
    /* A rayon whose name another rayon of its region shares: the labels
     * export cannot tell them apart, the call back can. */
    int shared = 0;
    for (int j = 0; j < ks->nrayons && !shared; j++)
      shared = &ks->rayons[j] != t[i].rayon &&
               strcmp(ks->rayons[j].parent, t[i].rayon->parent) == 0 &&
               strcmp(ks->rayons[j].en, t[i].rayon->en) == 0;
    for (int k = 0; k < t[i].nki && shared; k++)
      mtm_buf_printf(&b,
                     "%s,rayon,%s,%s,change,\"'%s' is both a city and a district in the labels "
                     "export; the key informant named %s when called back\"\n",
                     ki[m + k].uuid, t[i].rayon->en, t[i].rayon->pcode, t[i].rayon->en,
                     t[i].rayon->ru);
  }
  FILE *fp = fopen(path, "wb");
  int bad = !fp || fwrite(b.p, 1, b.n, fp) != b.n;
  if (fp) bad |= fclose(fp) != 0;
  mtm_buf_free(&b);
  if (bad) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the cleaning log");
  }
  return 0;
}
