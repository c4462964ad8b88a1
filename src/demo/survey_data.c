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

/* ---- the generator: stratified draws within cells, calibrated shares ---- */

/* Nationalities in the order of the country list; the cells of the draws
 * are nationality x sex. */
enum { NAT_UZB, NAT_RUS, NAT_TJK, NAT_KGZ, NAT_AZE, NAT_TKM, NAT_CHN, NAT_KAZ, NNAT };
#define NCELL (NNAT * 2)
#define NSTREAM 512
#define BLOCK 4

/* A yes/no share (or, with the log link, a mean) modelled as
 * link(p) = a + b[sex] + c[nationality], its parameters fitted so that the
 * population of the cells has the published figures: overall, by sex, and
 * for Uzbek and Russian nationals (NAN where the publication gives none). */
typedef struct target {
  double all, f, m, uzb, rus;
} target;
#define NA NAN

/* The draws of one stream in one cell: blocks of BLOCK numbers, one in
 * each BLOCK-th of [0, 1) in a random order; where in its BLOCK-th a
 * number falls follows a golden-ratio sequence over the blocks. */
typedef struct strat {
  unsigned char perm[BLOCK], pos;
  unsigned blk;
} strat;

typedef struct gen {
  demo_rng *r;
  int round;
  int cell, nat, female;
  double w[NNAT][2]; /* the cells' shares of the population */
  const char *sname[NSTREAM];
  double soff[NSTREAM];
  strat st[NSTREAM][NCELL];
  double fp[NSTREAM][5]; /* the fitted model of a stream, when fitted[] */
  char fitted[NSTREAM];
  char pool[NSTREAM * 40]; /* the streams' names */
  size_t pool_n;
} gen;

/* The index of stream KEY, created on first use. */
static int stream(gen *g, const char *key) {
  uint64_t h = 1469598103934665603ULL;
  for (const char *s = key; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  unsigned i = (unsigned)(h % NSTREAM);
  while (g->sname[i] && strcmp(g->sname[i], key)) i = (i + 1) % NSTREAM;
  if (!g->sname[i]) {
    size_t len = strlen(key) + 1;
    if (g->pool_n + len > sizeof g->pool) abort(); /* more streams than the demo has */
    g->sname[i] = memcpy(g->pool + g->pool_n, key, len);
    g->pool_n += len;
    for (int c = 0; c < NCELL; c++) g->st[i][c].pos = BLOCK;
    g->soff[i] = demo_rng_unit(g->r);
  }
  return (int)i;
}

/* The next number in [0, 1) of stream I in cell C: stratified in blocks,
 * and each stratum filled evenly over the blocks, so that within a cell
 * the shares drawn stay within a respondent or two of their
 * probabilities; the random order of the strata keeps two streams
 * independent. */
static double next_u(gen *g, int i, int c) {
  strat *s = &g->st[i][c];
  if (s->pos == BLOCK) { /* a new block: a random permutation */
    for (int k = 0; k < BLOCK; k++) s->perm[k] = (unsigned char)k;
    for (int k = BLOCK - 1; k > 0; k--) {
      int j = (int)(demo_rng_next(g->r) % (uint64_t)(k + 1));
      unsigned char t = s->perm[k];
      s->perm[k] = s->perm[j], s->perm[j] = t;
    }
    s->pos = 0;
    s->blk++;
  }
  int k = s->perm[s->pos++];
  double v =
      g->soff[i] + 0.3819660112501051 * k + 0.7548776662466927 * c + 0.6180339887498949 * s->blk;
  return (k + (v - floor(v))) / BLOCK;
}

/* The next number of stream KEY: "n:KEY" draws within the respondent's
 * nationality and sex, "s:KEY" within sex, a plain KEY within all. The
 * fewer the cells, the closer to its probability every share drawn. */
static double qu(gen *g, const char *key) {
  int c = !strncmp(key, "n:", 2) ? g->cell : !strncmp(key, "s:", 2) ? g->female : 0;
  return next_u(g, stream(g, key), c);
}

/* Picks an index from weights with the stream KEY. */
static int qpick(gen *g, const char *key, const double *w, int n) {
  double t = 0;
  for (int i = 0; i < n; i++) t += w[i];
  double x = qu(g, key) * t;
  for (int i = 0; i < n; i++) {
    if (x < w[i]) return i;
    x -= w[i];
  }
  return n - 1;
}

static double logistic(double x) { return 1 / (1 + exp(-x)); }

/* The value of a model with parameters P (a, b_f, b_m, c_uzb, c_rus) in a cell. */
static double model_at(const double *p, int nat, int female, int loglink) {
  double x = p[0] + (female ? p[1] : p[2]) + (nat == NAT_UZB ? p[3] : nat == NAT_RUS ? p[4] : 0);
  return loglink ? exp(x) : logistic(x);
}

/* The population mean of a model over the cells that SEL (0 all, 1 women,
 * 2 men, 3 Uzbek, 4 Russian) picks. */
static double model_mean(const gen *g, const double *p, int sel, int loglink) {
  double s = 0, t = 0;
  for (int n = 0; n < NNAT; n++)
    for (int f = 0; f < 2; f++) {
      if ((sel == 1 && !f) || (sel == 2 && f) || (sel == 3 && n != NAT_UZB) ||
          (sel == 4 && n != NAT_RUS))
        continue;
      s += g->w[n][f] * model_at(p, n, f, loglink);
      t += g->w[n][f];
    }
  return t > 0 ? s / t : 0;
}

/* Fits a model to its targets by coordinate bisection: each parameter in
 * turn matches its target with the others fixed (every mean grows with
 * every parameter), until they settle. b_f and b_m fit the shares by sex
 * that are given; a fits the overall unless both are (it is then implied,
 * and stays 0). */
static void fit(const gen *g, const target *t, double *p, int loglink) {
  double want[5] = {t->all, t->f, t->m, t->uzb, t->rus};
  int on[5] = {isnan(t->f) || isnan(t->m), !isnan(t->f), !isnan(t->m), !isnan(t->uzb),
               !isnan(t->rus)};
  memset(p, 0, sizeof(double) * 5);
  if (loglink) p[0] = log(t->all);
  for (int it = 0; it < 60; it++)
    for (int k = 0; k < 5; k++) {
      if (!on[k]) continue;
      double lo = -40, hi = 40;
      for (int s = 0; s < 60; s++) {
        p[k] = (lo + hi) / 2;
        if (model_mean(g, p, k, loglink) < want[k])
          lo = p[k];
        else
          hi = p[k];
      }
    }
}

/* A yes/no draw with stream KEY: yes with the fitted probability of the
 * respondent's cell. */
static int yes(gen *g, const char *key, target t) {
  int i = stream(g, key);
  if (!g->fitted[i]) fit(g, &t, g->fp[i], 0), g->fitted[i] = 1;
  return next_u(g, i, g->cell) < model_at(g->fp[i], g->nat, g->female, 0);
}

/* The fitted mean of the respondent's cell (the log link). */
static double mean_for(gen *g, const char *key, target t) {
  int i = stream(g, key);
  if (!g->fitted[i]) fit(g, &t, g->fp[i], 1), g->fitted[i] = 1;
  return model_at(g->fp[i], g->nat, g->female, 1);
}

/* Picks a choice name of a list by the weights in the choice table, with
 * the stream KEY. */
static const char *pick_list(gen *g, const char *key, const char *list) {
  double w[64];
  const char *names[64];
  int n = 0;
  for (int i = 0; i < demo_nchoices && n < 64; i++)
    if (strcmp(demo_choices[i].list, list) == 0) {
      w[n] = demo_choices[i].weight;
      names[n++] = demo_choices[i].name;
    }
  return names[qpick(g, key, w, n)];
}

/* Picks among explicit names with explicit weights, with the stream KEY. */
static const char *pick(gen *g, const char *key, int n, const char *const *names, const double *w) {
  return names[qpick(g, key, w, n)];
}

/* A select_multiple answer: with probability EXCL_P[k] the exclusive
 * answer EXCL[k] alone (don't know, refused, none), else each option of
 * OPTS with its probability PROB (of all who answer: divided by the share
 * left by the exclusive answers), at least one. N is at most 16. */
static char *multi(gen *g, const char *q_name, int n, const char *const *opts, const double *prob,
                   int nexcl, const char *const *excl, const double *excl_p, mtm_arena *a) {
  char key[96];
  double e = 0;
  for (int k = 0; k < nexcl; k++) e += excl_p[k];
  snprintf(key, sizeof key, "%s#excl", q_name);
  double u = qu(g, key);
  for (int k = 0; k < nexcl; k++) {
    if (u < excl_p[k]) return mtm_arena_strdup(a, excl[k]);
    u -= excl_p[k];
  }
  /* The options' probabilities given that at least one is chosen: when
   * they add up to 1 or less, exactly one is, picked by them; else q_i =
   * p_i (1 - prod_j (1 - q_j)), by fixed-point iteration, drawn until at
   * least one is chosen. */
  double q[16], sum = 0;
  for (int i = 0; i < n; i++) sum += q[i] = prob[i] / (1 - e);
  mtm_buf b;
  mtm_buf_init(&b);
  if (sum <= 1) {
    snprintf(key, sizeof key, "%s#one", q_name);
    mtm_buf_adds(&b, opts[qpick(g, key, q, n)]);
  } else {
    for (int it = 0; it < 200; it++) {
      double none = 1;
      for (int i = 0; i < n; i++) none *= 1 - q[i];
      for (int i = 0; i < n; i++) q[i] = prob[i] / (1 - e) * (1 - none);
    }
    for (int tries = 0; !b.n && tries < 100; tries++)
      for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "%s/%s", q_name, opts[i]);
        if (qu(g, key) < q[i]) {
          if (b.n) mtm_buf_addc(&b, ' ');
          mtm_buf_adds(&b, opts[i]);
        }
      }
  }
  if (!b.n) mtm_buf_adds(&b, opts[0]);
  char *r = mtm_arena_strdup(a, b.p);
  mtm_buf_free(&b);
  return r;
}

#define NOPTS(x) ((int)(sizeof(x) / sizeof(x)[0]))
#define R1 (g->round == 1)

/* Draws one respondent. The shares are the published Round 2 figures
 * (shared/reference/kazakhstan-2023-round2.md), with their contrasts by
 * sex and nationality; Round 1 differs where the publication says how. */
static void draw(gen *g, const demo_round_spec *rs, demo_respondent *p, mtm_arena *a) {
  demo_rng *r = g->r;
  memset(p, 0, sizeof *p);
  p->v = mtm_arena_zalloc(a, sizeof(char *) * (size_t)demo_nquestions);
  g->cell = g->nat = g->female = 0;
  /* Location: region by its share of migrant workers, then a rayon of it. */
  double w[64];
  for (int i = 0; i < rs->nregions; i++) w[i] = rs->regions[i].weight;
  const demo_area *reg = &rs->regions[qpick(g, "region", w, rs->nregions)];
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
  set(p, "deviceid",
      mtm_arena_printf(a, "collect:%016llx", 0x5eed0000ULL + (demo_rng_next(r) % 40) * 7919), a);

  if (demo_rng_unit(r) < 0.004) {
    set(p, "consent", "no", a);
    return;
  }
  set(p, "consent", "yes", a);

  /* Screening: nationality (the cell), then sex within it. */
  static const char *const nats[] = {"UZB", "RUS", "TJK", "KGZ", "AZE", "TKM", "CHN"};
  double nw[NNAT];
  for (int k = 0; k < NNAT - 1; k++) nw[k] = demo_choice_find("country", nats[k])->weight;
  if (R1) nw[NAT_RUS] -= 7, nw[NAT_UZB] += 7; /* Russians: +7 points in Round 2 */
  g->nat = qpick(g, "nationality", nw, NNAT - 1);
  const char *nat = nats[g->nat];
  if (demo_rng_unit(r) < 0.004) {
    nat = "KAZ";
    p->flaws |= DEMO_FLAW_NATIONAL;
  }
  set(p, "nationality", nat, a);
  g->cell = g->nat * 2;
  int female = yes(g, "sex", (target){0.16, NA, NA, 0.11, 0.22});
  g->female = female;
  g->cell = g->nat * 2 + female;
  long age = lround((female ? 34 : 33) + 9 * demo_rng_normal(r));
  if (age < 18) age = 18 + (long)(demo_rng_next(r) % 6);
  if (age > 64) age = 64 - (long)(demo_rng_next(r) % 10);
  if (demo_rng_unit(r) < 0.005) { /* under age */
    age = 16 + (long)(demo_rng_next(r) % 2);
    p->flaws |= DEMO_FLAW_UNDERAGE;
  }
  set_num(p, "age", age, a);
  if (demo_rng_unit(r) < 0.006) { /* neither working nor seeking work */
    set(p, "working_now", "no", a);
    p->flaws |= DEMO_FLAW_NOT_WORKING;
  } else
    set(p, "working_now", "yes", a);
  int uzb = g->nat == NAT_UZB, rus = g->nat == NAT_RUS;

  /* Profile */
  set(p, "sex", female ? "female" : "male", a);
  if (demo_rng_unit(r) < 0.003) set(p, "sex", NULL, a); /* skipped by the enumerator */
  static const char *const marital[] = {"married", "single", "divorced", "widowed"};
  static const double mar_f[] = {54, 28, 14, 4}, mar_m[] = {62, 33, 4, 1};
  set(p, "marital_status", pick(g, "s:marital_status", 4, marital, female ? mar_f : mar_m), a);
  const char *edu = pick_list(g, "education", "education");
  set(p, "education", edu, a);
  if (!strcmp(edu, "post_secondary") || !strcmp(edu, "tertiary")) {
    const char *f = pick_list(g, "field_of_study", "field");
    if (R1 && !strcmp(f, "natural_sciences") && qu(g, "field#r1") < 0.3) f = "engineering";
    set(p, "field_of_study", f, a);
  }
  /* The publication's 49% overall does not agree with its 30% of women and
   * 58% of men (0.16 x 30 + 0.84 x 58 = 53.5): the overall and the women's
   * share are kept. */
  set(p, "main_provider",
      yes(g, "main_provider", (target){0.49, 0.30, NA, 0.58, 0.15}) ? "yes" : "no", a);

  /* Migration experience */
  set(p, "time_since_leaving", pick_list(g, "time_since_leaving", "since"), a);
  set(p, "planned_stay", pick_list(g, "planned_stay", "stay"), a);
  if (yes(g, "main_reason", (target){0.80, NA, NA, 0.91, 0.49}))
    set(p, "main_reason", "employment", a);
  else {
    static const char *const why[] = {"other", "refused", "dont_know"};
    static const double ww[] = {18, 1, 1};
    set(p, "main_reason", pick(g, "main_reason#not", 3, why, ww), a);
  }
  {
    static const char *const opts[] = {"family",    "mobilization",    "trade",
                                       "education", "family_problems", "healthcare"};
    static const double prob[] = {0.26, 0.08, 0.08, 0.07, 0.04, 0.02},
                        prob1[] = {0.26, 0.32, 0.08, 0.04, 0.04, 0.02};
    static const char *const ex[] = {"dont_know", "refused"};
    static const double exp_[] = {0.28, 0.16};
    set(p, "other_reasons", multi(g, "other_reasons", 6, opts, R1 ? prob1 : prob, 2, ex, exp_, a),
        a);
  }
  set(p, "came_with", pick_list(g, "came_with", "came_with"), a);
  set(p, "work_intention", pick_list(g, "work_intention", "work_intention"), a);

  /* Employment before arrival */
  static const char *const status[] = {"employed", "unemployed", "self_employed", "daily_wage",
                                       "other"};
  static const double before_f[] = {31, 25, 18, 14, 12}, before_m[] = {40, 23, 16, 14, 7},
                      before_f1[] = {49, 20, 14, 8, 9}, before_m1[] = {40, 23, 18, 8, 11};
  const char *sb = pick(g, "s:status_before", 5, status,
                        female ? (R1 ? before_f1 : before_f) : (R1 ? before_m1 : before_m));
  set(p, "status_before", sb, a);
  static const char *const sectors[] = {"construction",  "trade",     "services", "agriculture",
                                        "manufacturing", "transport", "ict",      "other"};
  if (strcmp(sb, "unemployed") && strcmp(sb, "other")) {
    static const double bf[] = {4, 56, 15, 6, 7, 2, 3, 7}, bm[] = {36, 20, 7, 7, 10, 10, 3, 7};
    set(p, "sector_before", pick(g, "s:sector_before", 8, sectors, female ? bf : bm), a);
  }

  /* Current employment */
  const char *cur = pick_list(g, "current_status", "emp_status");
  set(p, "current_status", cur, a);
  int working = strcmp(cur, "unemployed") != 0;
  if (!working) {
    set(p, "never_worked_kz", qu(g, "never_worked_kz") < 0.89 ? "yes" : "no", a);
    set(p, "starting_business", qu(g, "starting_business") < 0.02 ? "yes" : "no", a);
    static const char *const js[] = {"internet", "friends", "employers", "worksites", "services"};
    static const double jp[] = {0.51, 0.49, 0.33, 0.22, 0.12};
    set(p, "job_search", multi(g, "job_search", 5, js, jp, 0, NULL, NULL, a), a);
    set(p, "acceptable_job", pick_list(g, "acceptable_job", "acceptable_job"), a);
    static const double sh[] = {31, 21, 13, 4}, sh2[] = {62, 21, 13, 4};
    static const char *const shn[] = {"vacancies", "none", "advice", "training"};
    set(p, "employment_services", pick(g, "employment_services", 4, shn, R1 ? sh : sh2), a);
    set(p, "job_obstacle", pick_list(g, "job_obstacle", "obstacle"), a);
    static const char *const ev[] = {"experience", "language", "literacy", "gender",
                                     "ethnicity",  "origin",   "age"};
    static const double evp[] = {0.92, 0.32, 0.28, 0.03, 0.02, 0.02, 0.01};
    set(p, "employer_values", multi(g, "employer_values", 7, ev, evp, 0, NULL, NULL, a), a);
  } else {
    /* the sector by nationality and sex: Uzbek men in construction,
     * Russians in computers and technology, women in trade */
    static const double sf[] = {3, 56, 15, 6, 6, 1, 5, 8}, su[] = {64, 12, 6, 6, 6, 4, 0.5, 1.5},
                        sr[] = {4, 7, 12, 4, 16, 15, 26, 16}, so[] = {24, 25, 10, 12, 10, 12, 2, 5};
    const double *sw = female ? sf : uzb ? su : rus ? sr : so;
    const char *sec = pick(g, "n:current_sector", 8, sectors, sw);
    set(p, "current_sector", sec, a);
    if (!strcmp(sec, "other")) {
      static const char *const other[] = {"security guard", "cleaning", "mining", "hairdresser"};
      set(p, "sector_other", other[demo_rng_next(r) % 4], a);
    }
    set(p, "same_sector_before", qu(g, "same_sector_before") < 0.83 ? "yes" : "no", a);
    static const char *const yrs[] = {"under_1", "1_2", "3_5", "6_10", "over_10"};
    static const double y2[] = {6, 27, 36, 22, 9}, y1[] = {6, 24, 36, 21, 13};
    set(p, "years_in_sector", pick(g, "years_in_sector", 5, yrs, R1 ? y1 : y2), a);
    /* Working conditions */
    int contract = !yes(g, "written_contract", (target){0.55, 0.61, 0.54, 0.61, 0.10});
    set(p, "written_contract", contract ? "yes" : "no", a);
    static const char *const ty_yes[] = {"formal", "employer"}, *const ty_no[] = {
                                                                    "contractor", "informal",
                                                                    "self_employed", "other"};
    static const double tw_yes[] = {44, 1}, tw_no[] = {32, 15, 5, 3};
    set(p, "employment_type",
        contract ? pick(g, "employment_type#c", 2, ty_yes, tw_yes)
                 : pick(g, "employment_type#n", 4, ty_no, tw_no),
        a);
    if (qu(g, "pension#dk") < 0.05)
      set(p, "pension", "dont_know", a);
    else
      set(p, "pension",
          yes(g, "pension", (target){0.61 / 0.95, NA, NA, 0.68 / 0.95, 0.15 / 0.95}) ? "no" : "yes",
          a);
    if (qu(g, "paid_leave#dk") < 0.07)
      set(p, "paid_leave", "dont_know", a);
    else
      set(p, "paid_leave",
          yes(g, "paid_leave", (target){0.78 / 0.93, NA, NA, 0.87 / 0.93, 0.34 / 0.93}) ? "no"
                                                                                        : "yes",
          a);
    long hours = lround((contract ? 46 : 56) + 8 * demo_rng_normal(r));
    set_num(p, "hours_per_week", hours < 12 ? 12 : hours > 96 ? 96 : hours, a);
    set(p, "wage_delays", qu(g, "n:wage_delays") < (contract ? 0.06 : 0.17) ? "yes" : "no", a);
  }

  /* Income: log-normal around the published means (by sex and
   * nationality); Round 1's about 10% lower. */
  double mean =
      mean_for(g, "income_kzt#mean", (target){213646, 186424, 218183, 464 * 451.7, 185000});
  if (R1) mean /= 1.1;
  double sigma = 0.42;
  double inc = exp(log(mean) - sigma * sigma / 2 + sigma * demo_rng_normal(r));
  long income = lround(inc / 1000) * 1000;
  if (demo_rng_unit(r) < 0.003) { /* a yearly figure entered as monthly */
    income *= 12;
    p->flaws |= DEMO_FLAW_YEARLY_INCOME;
  }
  set_num(p, "income_kzt", income, a);
  static const char *const suf[] = {"no_income",  "insufficient", "basic_only",
                                    "no_savings", "saves",        "dont_know"};
  static const double suf2[] = {7, 1, 19, 38, 32, 3}, suf1[] = {7, 1, 19, 25, 45, 3};
  set(p, "income_sufficiency", pick(g, "income_sufficiency", 6, suf, R1 ? suf1 : suf2), a);
  const char *sat = pick_list(g, "income_satisfaction", "satisfaction");
  set(p, "income_satisfaction", sat, a);
  if (!strcmp(sat, "neither") || !strcmp(sat, "dissatisfied") ||
      !strcmp(sat, "very_dissatisfied")) {
    static const char *const dr[] = {"insufficient", "higher",       "skills",
                                     "hard_to_find", "unemployment", "debt"};
    static const double dp[] = {0.47, 0.29, 0.14, 0.07, 0.07, 0.01};
    set(p, "dissatisfaction_reasons",
        multi(g, "dissatisfaction_reasons", 6, dr, dp, 0, NULL, NULL, a), a);
  }

  /* Remittances */
  int sends = yes(g, "sends_remittances", (target){NA, R1 ? 0.35 : 0.24, 0.53, NA, NA});
  set(p, "sends_remittances", sends ? "yes" : "no", a);
  if (sends) {
    static const char *const shares[] = {"under_10", "10_25", "25_50", "over_50"};
    static const double shf[] = {3, 15, 50, 32}, shm[] = {3, 11, 54, 32}, shf1[] = {5, 25, 31, 39};
    set(p, "remit_share", pick(g, "s:remit_share", 4, shares, female ? (R1 ? shf1 : shf) : shm), a);
    set(p, "remit_primary",
        yes(g, "remit_primary", (target){NA, 0.50, 0.75, NA, NA}) ? "yes" : "no", a);
    set(p, "remit_frequency", pick_list(g, "remit_frequency", "frequency"), a);
    set(p, "remit_channel", pick_list(g, "remit_channel", "channel"), a);
    static const char *const rr[] = {"living_costs", "savings", "business",
                                     "property",     "debts",   "education"};
    static const double rp2[] = {0.85, 0.06, 0.04, 0.02, 0.01, 0.05},
                        rp1[] = {0.85, 0.03, 0.04, 0.02, 0.01, 0.05};
    set(p, "remit_reasons", multi(g, "remit_reasons", 6, rr, R1 ? rp1 : rp2, 0, NULL, NULL, a), a);
  }

  /* Well-being */
  static const char *const hs[] = {"permanent", "temporary", "homeless"};
  static const double h2[] = {89, 10, 1}, h1[] = {52, 46, 2}, hr[] = {95, 5, 0},
                      ho[] = {87.5, 11.5, 1}; /* others: so that all make 89 */
  const char *housing = pick(g, "n:housing", 3, hs, R1 ? h1 : rus ? hr : ho);
  (void)h2;
  set(p, "housing", housing, a);
  if (strcmp(housing, "homeless") != 0) {
    int rent = qu(g, "n:pays_rent") < (rus ? 0.62 : 0.52);
    set(p, "pays_rent", rent ? "yes" : "no", a);
    if (rent) {
      double m = uzb ? 84 * 451.7 : rus ? 126 * 451.7 : 150 * 451.7;
      double rs_ = 0.45, rv = exp(log(m) - rs_ * rs_ / 2 + rs_ * demo_rng_normal(r));
      set_num(p, "rent_kzt", lround(rv / 500) * 500, a);
    }
    set(p, "lives_with", pick_list(g, "lives_with", "lives_with"), a);
  }
  {
    /* household size: Uzbeks share with 4 to 9 people (66%), Russians
     * mostly live in households of 1 to 3 */
    static const double hu[] = {1, 33, 54, 11.5, 0.5}, hrr[] = {3, 67, 28, 2, 0},
                        hh[] = {1, 34, 49, 12, 4};
    static const int lo[] = {1, 2, 4, 7, 10}, span[] = {1, 2, 3, 3, 3};
    int k = qpick(g, "n:household_size", uzb ? hu : rus ? hrr : hh, 5);
    /* within a class, the smaller sizes more often (an average of 4) */
    static const double in[] = {3, 2, 1};
    long size = lo[k] + demo_rng_pick(r, in, span[k]);
    set_num(p, "household_size", size, a);
  }
  {
    static const char *const hb[] = {"high_rent", "low_income", "documents", "landlords"};
    static const double hb2[] = {0.42, 0.41, 0.22, 0.06}, hb1[] = {0.70, 0.41, 0.22, 0.06};
    static const char *const ex[] = {"none"};
    static const double exn[] = {0.24}, exn1[] = {0.10};
    set(p, "housing_barriers",
        multi(g, "housing_barriers", 4, hb, R1 ? hb1 : hb2, 1, ex, R1 ? exn1 : exn, a), a);
  }
  static const char *const ynd[] = {"yes", "no", "dont_know"};
  static const double hacc[] = {53, 25, 22}, eacc[] = {44, 22, 34}, facc[] = {77, 9, 14};
  const char *health = pick(g, "health_access", 3, ynd, hacc);
  set(p, "health_access", health, a);
  if (!strcmp(health, "no")) {
    static const char *const hb[] = {"cost", "dont_know_how", "administrative", "no_iin"};
    static const double hp[] = {0.46, 0.34, 0.27, 0.22};
    set(p, "health_barriers", multi(g, "health_barriers", 4, hb, hp, 0, NULL, NULL, a), a);
  }
  set(p, "education_access", pick(g, "education_access", 3, ynd, eacc), a);
  set(p, "finance_access", pick(g, "finance_access", 3, ynd, facc), a);
  set(p, "has_iin", qu(g, "n:has_iin") < (rus ? 0.9 : 0.7) ? "yes" : "no", a);
  {
    static const char *const af[] = {"phone",           "meat",     "warm_home", "no_arrears",
                                     "washing_machine", "holidays", "car"};
    static const double ap[] = {0.64, 0.39, 0.30, 0.30, 0.30, 0.07, 0.06};
    set(p, "can_afford", multi(g, "can_afford", 7, af, ap, 0, NULL, NULL, a), a);
  }
  set(p, "community_relations", qu(g, "community_relations") < 0.96 ? "yes" : "no", a);
  set(p, "migrant_relations", qu(g, "migrant_relations") < 0.93 ? "yes" : "no", a);

  /* Awareness of rights */
  static const char *const inf[] = {"well", "partially", "not", "dont_know"};
  static const double inf_f[] = {33, 57, 7, 3}, inf_m[] = {27, 57, 10.5, 5.5};
  set(p, "rights_awareness", pick(g, "s:rights_awareness", 4, inf, female ? inf_f : inf_m), a);
  set(p, "rights_help", qu(g, "rights_help") < 0.46 ? "yes" : "no", a);

  /* Intentions */
  const char *in = pick_list(g, "intention", "intention");
  set(p, "intention", in, a);
  if (!strcmp(in, "return") || !strcmp(in, "third_country")) {
    set(p, "intention_when", pick_list(g, "intention_when", "when"), a);
    static const char *const dn[] = {"origin", "RUS", "TUR", "KOR", "CAN", "other", "undecided"};
    static const double dret[] = {92, 0, 0, 0, 0, 0, 8}, dthird[] = {0, 38, 17, 17, 10, 8, 10};
    set(p, "destination",
        !strcmp(in, "return") ? pick(g, "destination#return", 7, dn, dret)
                              : pick(g, "destination", 7, dn, dthird),
        a);
  }

  /* Sanctions and the war */
  static const char *const chg[] = {"none", "less", "more", "dont_know"};
  static const double sal[] = {76, 14, 6, 4}, hrs[] = {84, 9, 5, 2};
  set(p, "sanctions_salary", pick(g, "sanctions_salary", 4, chg, sal), a);
  set(p, "sanctions_hours", pick(g, "sanctions_hours", 4, chg, hrs), a);
  static const char *const yndr[] = {"yes", "no", "dont_know", "refused"};
  static const double stay[] = {13, 74, 12, 1}, chl[] = {14, 77, 3, 6}, lnk[] = {42, 27, 29, 2};
  set(p, "sanctions_stay", pick(g, "sanctions_stay", 4, yndr, stay), a);
  if (sends) {
    set(p, "remit_change", pick_list(g, "remit_change", "remit_change"), a);
  }
  const char *ch = pick(g, "challenges", 4, yndr, chl);
  set(p, "challenges", ch, a);
  if (!strcmp(ch, "yes")) {
    set(p, "challenges_sanctions", pick(g, "challenges_sanctions", 4, yndr, lnk), a);
    static const char *const ct[] = {"prices", "unemployment", "income", "housing", "documents"};
    static const double cp[] = {0.69, 0.28, 0.24, 0.09, 0.07};
    set(p, "challenge_types", multi(g, "challenge_types", 5, ct, cp, 0, NULL, NULL, a), a);
  }
  /* Russians have all lived in Russia; 10% of the others too */
  int lived = rus || qu(g, "n:lived_in_russia") < 0.10;
  set(p, "lived_in_russia", lived ? "yes" : "no", a);
  if (lived) {
    set(p, "russia_leave_reason", pick_list(g, "russia_leave_reason", "russia_reason"), a);
    set(p, "russia_plans", pick_list(g, "russia_plans", "russia_plan"), a);
  }
}

int demo_draw_round(const demo_round_spec *rs, int n, uint64_t seed, mtm_arena *a,
                    demo_respondent **out) {
  demo_rng r = {seed};
  gen *g = calloc(1, sizeof *g);
  if (!g) abort(); /* 300 kB */
  g->r = &r;
  g->round = rs->number;
  /* the cells' shares: nationality by its weight, sex within it */
  {
    static const char *const nats[] = {"UZB", "RUS", "TJK", "KGZ", "AZE", "TKM", "CHN"};
    double nw[NNAT] = {0}, t = 0;
    for (int k = 0; k < NNAT - 1; k++) t += nw[k] = demo_choice_find("country", nats[k])->weight;
    for (int k = 0; k < NNAT; k++) g->w[k][0] = nw[k] / t;
    double ps[5];
    fit(g, &(target){0.16, NA, NA, 0.11, 0.22}, ps, 0);
    for (int k = 0; k < NNAT; k++) {
      double f = model_at(ps, k, 0, 0);
      g->w[k][1] = g->w[k][0] * f;
      g->w[k][0] *= 1 - f;
    }
  }
  /* A few submissions reach the server twice under new uuids. */
  int ndup = n / 300 + 1, total = n + ndup;
  demo_respondent *p = mtm_arena_zalloc(a, sizeof *p * (size_t)total);
  for (int i = 0; i < n; i++) {
    draw(g, rs, &p[i], a);
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
  free(g);
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
    if (!strcmp(q->type, "note")) continue; /* KoBo exports no column for a note */
    const char *v = p ? p->v[i] : NULL;
    const char *head;
    if (labels && q->en)
      head = group ? mtm_arena_printf(a, "%s/%s", group_label, q->en) : q->en;
    else
      head = group ? mtm_arena_printf(a, "%s/%s", group, q->name) : q->name;
    if (strncmp(q->type, "select_multiple", 15) == 0) {
      const char *list = q->type + 16;
      if (!labels) emit(ctx, col++, p ? (v ? v : "") : head); /* names export: both forms */
      for (int c = 0; c < qs->nc; c++) {
        if (strcmp(qs->c[c].list, list)) continue;
        const char *opt = labels ? qs->c[c].en : qs->c[c].name;
        if (!p)
          emit(ctx, col++, mtm_arena_printf(a, "%s/%s", head, opt));
        else
          emit(ctx, col++, v ? (has_option(v, qs->c[c].name) ? "1" : "0") : "");
      }
      continue;
    }
    if (!p)
      emit(ctx, col++, head);
    else if (v && labels && strncmp(q->type, "select_one", 10) == 0)
      emit(ctx, col++, label_of(qs, rs, q->type, v));
    else
      emit(ctx, col++, v ? v : "");
  }
  const char *meta[] = {"_id",     "_uuid",         "_submission_time", "_validation_status",
                        "_status", "_submitted_by", "__version__",      "_index"};
  for (int m = 0; m < 8; m++) {
    if (!p) {
      emit(ctx, col++, meta[m]);
      continue;
    }
    const char *v = "";
    char ts[32];
    switch (m) {
    case 0:
      v = mtm_arena_printf(a, "%ld", 180000000L + id);
      break;
    case 1:
      v = p->uuid;
      break;
    case 2: {
      int32_t days = (int32_t)(p->submitted / 86400);
      int s = (int)(p->submitted % 86400);
      char d[11];
      mtm_format_date(days, d);
      snprintf(ts, sizeof ts, "%sT%02d:%02d:%02d", d, s / 3600, s / 60 % 60, s % 60);
      v = mtm_arena_strdup(a, ts);
      break;
    }
    case 3:
      v = "";
      break;
    case 4:
      v = "submitted_via_web";
      break;
    case 5:
      v = "";
      break;
    case 6:
      v = version;
      break;
    case 7:
      v = mtm_arena_printf(a, "%ld", id);
      break;
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
  } else
    mtm_buf_adds(c->b, v);
}

int demo_write_csv(const char *path, const demo_qset *qs, const demo_round_spec *rs,
                   const demo_respondent *p, int n, const char *version, mtm_err *err) {
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
  if (*v && worksheet_write_string(c->ws, (lxw_row_t)c->row, (lxw_col_t)col, v, NULL)) c->bad = 1;
}

int demo_write_xlsx(const char *path, const demo_qset *qs, const demo_round_spec *rs,
                    const demo_respondent *p, int n, const char *version, mtm_err *err) {
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
 * yearly incomes entered as monthly divided by twelve; those neither
 * working nor seeking work removed. Every row applies
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
    if (x->flaws & DEMO_FLAW_NOT_WORKING) {
      mtm_buf_printf(&b,
                     "%s,,,,remove,\"neither working nor seeking work: outside the inclusion "
                     "criteria\"\n",
                     x->uuid);
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
