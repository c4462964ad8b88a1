/* The outputs of a consolidation: long and wide CSV (the DTM API's shape
 * with an HXL row), JSON, a text summary and an XLSX workbook. Every output
 * but the CSV states the method and the coverage; the CSV carries them in
 * its columns (n_ki, locations_reporting, locations_total, flags). */
#include "bma/bma.h"
#include "geo/geo.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

const char *const mtm_bma_long_columns[] = {
    "level", "pcode", "name", "population", "period", "origin", "sex", "value", "n_ki", "min",
    "max", "locations_reporting", "locations_total", "flags", NULL};

#define MISSING_SENTENCE                                                                       \
  "a location without a figure is left out of the sums, never counted as zero: each figure "  \
  "says how many locations reported it (locations_reporting) of the locations with at least " \
  "one key-informant submission (locations_total)"

/* A number as the shortest text that reads back ("" for NaN). */
static void num(mtm_buf *b, double v) {
  if (isnan(v)) return;
  char s[64];
  for (int prec = 6; prec <= 17; prec++) {
    snprintf(s, sizeof s, "%.*g", prec, v);
    if (strtod(s, NULL) == v) break;
  }
  mtm_buf_adds(b, s);
}

/* A number for JSON: null for NaN. */
static void jnum(mtm_buf *b, double v) {
  if (isnan(v)) mtm_buf_adds(b, "null");
  else num(b, v);
}

/* Adds ,"key": and s as a JSON string ("" for NULL). */
static void jfield(mtm_buf *b, const char *key, const char *s) {
  mtm_buf_printf(b, ",\"%s\":", key);
  mtm_buf_add_json(b, s);
}

/* Adds ,"key": and v as a JSON number (null for NaN). */
static void jfield_num(mtm_buf *b, const char *key, double v) {
  mtm_buf_printf(b, ",\"%s\":", key);
  jnum(b, v);
}

/* A number for people: the integer part with thousands separators, then
 * up to two decimals without trailing zeros; "-" for NaN. */
static void hnum(mtm_buf *b, double v) {
  if (isnan(v)) {
    mtm_buf_adds(b, "-");
    return;
  }
  char s[64];
  snprintf(s, sizeof s, "%.2f", fabs(v));
  size_t z = strlen(s);
  while (z > 0 && s[z - 1] == '0') s[--z] = 0;
  if (z > 0 && s[z - 1] == '.') s[--z] = 0;
  if (v < 0 && strcmp(s, "0")) mtm_buf_addc(b, '-');
  char *dot = strchr(s, '.');
  size_t n = dot ? (size_t)(dot - s) : strlen(s);
  for (size_t i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) mtm_buf_addc(b, ',');
    mtm_buf_addc(b, s[i]);
  }
  if (dot) mtm_buf_adds(b, dot);
}

static void tenths(mtm_buf *b, long t) { mtm_buf_printf(b, "%ld.%ld", t / 10, t % 10); }

static const mtm_bma_figure *fig_at(const mtm_bma_result *r, int area, int s) {
  return &r->fig[(size_t)area * (size_t)r->nseries + (size_t)s];
}

/* Areas per level, as "1 of level 0, 2 of level 1, 4 of level 2". */
static void level_counts(const mtm_bma_result *r, int counts[10]) {
  memset(counts, 0, sizeof(int) * 10);
  for (int i = 0; i < r->nareas; i++)
    if (r->areas[i].level >= 0 && r->areas[i].level < 10) counts[r->areas[i].level]++;
}

/* One sentence of coverage. */
static void coverage_text(const mtm_bma_result *r, mtm_buf *b) {
  int c[10];
  level_counts(r, c);
  mtm_buf_printf(b, "%d location%s (level %d)", r->locations, r->locations == 1 ? "" : "s",
                 r->location_level);
  if (r->location_level > 1)
    mtm_buf_printf(b, " in %d area%s of level 1", c[1], c[1] == 1 ? "" : "s");
  mtm_buf_printf(b, "; %ld key-informant submission%s, %ld of them located", r->submissions,
                 r->submissions == 1 ? "" : "s", r->located);
  if (r->nverifications)
    mtm_buf_printf(b, "; %d figure%s verified by phone", r->nverifications,
                   r->nverifications == 1 ? "" : "s");
}

void mtm_bma_write_long_csv(const mtm_bma_result *r, int level, mtm_buf *out) {
  for (int c = 0; mtm_bma_long_columns[c]; c++)
    mtm_buf_printf(out, "%s%s", c ? "," : "", mtm_bma_long_columns[c]);
  mtm_buf_addc(out, '\n');
  mtm_arena a;
  mtm_arena_init(&a);
  for (int i = 0; i < r->nareas; i++) {
    if (level >= 0 && r->areas[i].level != level) continue;
    for (int s = 0; s < r->nseries; s++) {
      const mtm_bma_figure *f = fig_at(r, i, s);
      mtm_buf_printf(out, "%d,", f->level);
      mtm_buf_add_csv(out, f->pcode);
      mtm_buf_addc(out, ',');
      mtm_buf_add_csv(out, f->name);
      mtm_buf_addc(out, ',');
      mtm_buf_add_csv(out, f->population);
      mtm_buf_addc(out, ',');
      mtm_buf_add_csv(out, f->period);
      mtm_buf_printf(out, ",%s,%s,", f->origin, f->sex);
      num(out, f->value);
      mtm_buf_printf(out, ",%d,", f->n_ki);
      num(out, f->min);
      mtm_buf_addc(out, ',');
      num(out, f->max);
      mtm_buf_printf(out, ",%d,%d,", f->locations_reporting, f->locations_total);
      mtm_buf_add_csv(out, mtm_bma_flags_text(f->flags, "|", &a));
      mtm_buf_addc(out, '\n');
    }
  }
  mtm_arena_free(&a);
}

const char *mtm_bma_wide_name(const mtm_bma_series *s, mtm_arena *a) {
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_adds(&b, "numPresent");
  int up = 1;
  for (const char *p = s->population; *p; p++) {
    if (*p == '_') {
      up = 1;
      continue;
    }
    mtm_buf_addc(&b, up ? (char)toupper((unsigned char)*p) : *p);
    up = 0;
  }
  mtm_buf_adds(&b, "Ind_");
  if (strlen(s->period) == 7 && s->period[4] == '-')
    mtm_buf_printf(&b, "%.4sM%s", s->period, s->period + 5);
  else mtm_buf_adds(&b, s->period);
  if (s->origin[0]) mtm_buf_printf(&b, "_%s", s->origin);
  if (s->sex[0]) mtm_buf_printf(&b, "_%s", s->sex);
  const char *r = mtm_arena_strdup(a, b.p);
  mtm_buf_free(&b);
  return r;
}

/* The HXL hashtag of a series column: #population +population +period. */
static const char *wide_hxl(const mtm_bma_series *s, mtm_arena *a) {
  char per[16];
  size_t k = 0;
  for (const char *p = s->period; *p && k + 1 < sizeof per; p++)
    per[k++] = *p == '-' ? 'm' : (char)tolower((unsigned char)*p);
  per[k] = 0;
  return mtm_arena_printf(a, "#population+%s+period_%s", s->population, per);
}

/* The total series (all origins, both sexes) in order. */
static int total_series(const mtm_bma_result *r, int *out) {
  int n = 0;
  for (int s = 0; s < r->nseries; s++)
    if (!r->series[s].origin[0] && !r->series[s].sex[0]) out[n++] = s;
  return n;
}

/* The area index of a P-code among the result's areas, or -1. */
static int area_index(const mtm_bma_result *r, const char *pcode) {
  if (!pcode) return -1;
  for (int i = 0; i < r->nareas; i++)
    if (!strcmp(r->areas[i].pcode, pcode)) return i;
  return -1;
}

/* Fills chain[0..level] with the area indices of area i and its ancestors
 * by level (-1 where the gazetteer has none). */
static void chain_of(const mtm_bma_result *r, int i, int level, int *chain) {
  for (int l = 0; l <= level; l++) chain[l] = -1;
  for (int x = i, d = 0; x >= 0 && d < 16; d++) {
    int l = r->areas[x].level;
    if (l >= 0 && l <= level) chain[l] = x;
    x = area_index(r, r->areas[x].parent);
  }
}

void mtm_bma_write_wide_csv(const mtm_bma_result *r, int level, mtm_buf *out) {
  if (level < 0) level = r->location_level;
  mtm_arena a;
  mtm_arena_init(&a);
  int *ts = mtm_arena_alloc(&a, sizeof(int) * (size_t)(r->nseries + 1));
  int nt = total_series(r, ts);
  for (int l = 0; l <= level; l++) mtm_buf_printf(out, "admin%dPcode,admin%dName,", l, l);
  mtm_buf_adds(out, "roundNumber,reportingDate");
  for (int k = 0; k < nt; k++) mtm_buf_printf(out, ",%s", mtm_bma_wide_name(&r->series[ts[k]], &a));
  mtm_buf_addc(out, '\n');
  for (int l = 0; l <= level; l++) mtm_buf_printf(out, "#adm%d+code,#adm%d+name,", l, l);
  mtm_buf_adds(out, "#meta+round,#date+reported");
  for (int k = 0; k < nt; k++) mtm_buf_printf(out, ",%s", wide_hxl(&r->series[ts[k]], &a));
  mtm_buf_addc(out, '\n');
  int *chain = mtm_arena_alloc(&a, sizeof(int) * (size_t)(level + 1));
  for (int i = 0; i < r->nareas; i++) {
    if (r->areas[i].level != level) continue;
    chain_of(r, i, level, chain);
    for (int l = 0; l <= level; l++) {
      if (chain[l] >= 0) {
        mtm_buf_add_csv(out, r->areas[chain[l]].pcode);
        mtm_buf_addc(out, ',');
        mtm_buf_add_csv(out, r->areas[chain[l]].name);
        mtm_buf_addc(out, ',');
      } else {
        mtm_buf_adds(out, ",,");
      }
    }
    mtm_buf_printf(out, "%d,%s", r->round, r->reporting_date);
    for (int k = 0; k < nt; k++) {
      mtm_buf_addc(out, ',');
      num(out, fig_at(r, i, ts[k])->value);
    }
    mtm_buf_addc(out, '\n');
  }
  mtm_arena_free(&a);
}

static const char *loc_from(int by) {
  return by == 1 ? "given" : by == 2 ? "stored" : "detected";
}

/* The fields every JSON output starts with: what, how, coverage, notes. */
static void json_head(const mtm_bma_result *r, mtm_buf *b) {
  mtm_buf_adds(b, "{\"form\":");
  mtm_buf_add_json(b, r->form_id);
  mtm_buf_printf(b, ",\"round\":%d,\"reporting_date\":", r->round);
  if (r->reporting_date[0]) mtm_buf_add_json(b, r->reporting_date);
  else mtm_buf_adds(b, "null");
  jfield(b, "method", mtm_bma_method_name(r->method));
  jfield(b, "method_description", mtm_bma_method_sentence(r->method));
  mtm_buf_adds(b, ",\"disagreement_ratio\":");
  num(b, r->disagreement);
  jfield(b, "location_question", r->location);
  mtm_buf_printf(b, ",\"location_question_from\":\"%s\",\"location_level\":%d", loc_from(r->location_by),
                 r->location_level);
  int c[10];
  level_counts(r, c);
  mtm_buf_printf(b,
                 ",\"coverage\":{\"submissions\":%ld,\"located\":%ld,\"locations\":%d,"
                 "\"areas_by_level\":{",
                 r->submissions, r->located, r->locations);
  int first = 1;
  for (int l = 0; l < 10; l++)
    if (c[l]) {
      mtm_buf_printf(b, "%s\"%d\":%d", first ? "" : ",", l, c[l]);
      first = 0;
    }
  mtm_buf_printf(b, "},\"verifications\":%d}", r->nverifications);
  jfield(b, "missing", MISSING_SENTENCE);
  mtm_buf_adds(b, ",\"notes\":[");
  for (int i = 0; i < r->nnotes; i++) {
    if (i) mtm_buf_addc(b, ',');
    mtm_buf_add_json(b, r->notes[i]);
  }
  mtm_buf_addc(b, ']');
}

static void json_summary_body(const mtm_bma_result *r, const mtm_bma_summary *s, mtm_buf *b) {
  mtm_buf_adds(b, "\"populations\":[");
  for (int p = 0; p < s->npops; p++) {
    const mtm_bma_pop_summary *ps = &s->pops[p];
    if (p) mtm_buf_addc(b, ',');
    mtm_buf_adds(b, "{\"population\":");
    mtm_buf_add_json(b, ps->population);
    mtm_buf_adds(b, ",\"by_period\":[");
    for (int k = 0; k < ps->nperiods; k++) {
      mtm_buf_adds(b, k ? ",{\"period\":" : "{\"period\":");
      mtm_buf_add_json(b, ps->periods[k]);
      jfield_num(b, "value", ps->period_total[k]);
      mtm_buf_printf(b, ",\"locations_reporting\":%d,\"locations_total\":%d",
                     ps->period_reporting[k], r->locations);
      if (r->previous) {
        jfield_num(b, "previous", ps->previous_period_total[k]);
      }
      mtm_buf_addc(b, '}');
    }
    mtm_buf_adds(b, "],\"total\":");
    jnum(b, ps->total);
    jfield(b, "total_note",
           ps->periods_overlap ? "some periods overlap, so they are not added up"
                               : "the sum of the periods, which do not overlap");
    if (r->previous) {
      jfield_num(b, "previous_total", ps->previous_total);
    }
    jfield(b, "basis", ps->basis);
    mtm_buf_adds(b, ",\"by_origin\":[");
    for (int k = 0; k < ps->norigins; k++) {
      mtm_buf_adds(b, k ? ",{\"origin\":" : "{\"origin\":");
      mtm_buf_add_json(b, ps->origins[k]);
      jfield_num(b, "value", ps->origin_total[k]);
      mtm_buf_addc(b, '}');
    }
    mtm_buf_adds(b, "],\"top_origins\":[");
    for (int k = 0; k < ps->ntop_origins; k++) {
      mtm_buf_adds(b, k ? ",{\"origin\":" : "{\"origin\":");
      mtm_buf_add_json(b, ps->top_origins[k].key);
      mtm_buf_adds(b, ",\"name\":");
      mtm_buf_add_json_or_null(b, mtm_geo_country_name(ps->top_origins[k].key, "en"));
      jfield_num(b, "value", ps->top_origins[k].value);
      mtm_buf_adds(b, ",\"share\":");
      tenths(b, ps->top_origins[k].tenths);
      mtm_buf_addc(b, '}');
    }
    mtm_buf_adds(b, "]");
    jfield_num(b, "top_origins_sum", ps->top_origins_sum);
    mtm_buf_adds(b, ",\"top_regions\":[");
    for (int k = 0; k < ps->ntop_regions; k++) {
      mtm_buf_adds(b, k ? ",{\"pcode\":" : "{\"pcode\":");
      mtm_buf_add_json(b, ps->top_regions[k].key);
      jfield(b, "name", ps->top_regions[k].name);
      jfield_num(b, "value", ps->top_regions[k].value);
      mtm_buf_adds(b, ",\"share\":");
      tenths(b, ps->top_regions[k].tenths);
      mtm_buf_addc(b, '}');
    }
    mtm_buf_adds(b, "]");
    jfield_num(b, "top_regions_sum", ps->top_regions_sum);
    mtm_buf_adds(b, ",\"latest_period\":");
    if (ps->latest_period) {
      mtm_buf_adds(b, "{\"period\":");
      mtm_buf_add_json(b, ps->latest_period);
      jfield_num(b, "arrivals", ps->latest_value);
      mtm_buf_printf(b, ",\"locations_reporting\":%d,\"locations_total\":%d}",
                     ps->latest_reporting, r->locations);
    } else {
      mtm_buf_adds(b, "null");
    }
    mtm_buf_addc(b, '}');
  }
  mtm_buf_adds(b, "],\"previous_round\":");
  if (r->previous_round) mtm_buf_printf(b, "%d", r->previous_round);
  else mtm_buf_adds(b, "null");
  mtm_buf_adds(b, ",\"changes\":[");
  for (int i = 0; i < r->nchanges; i++) {
    const mtm_bma_change *c = &r->changes[i];
    mtm_buf_adds(b, i ? ",{\"pcode\":" : "{\"pcode\":");
    mtm_buf_add_json(b, c->pcode);
    jfield(b, "name", c->name);
    jfield(b, "population", c->population);
    jfield(b, "period", c->period);
    jfield_num(b, "value", c->value);
    jfield_num(b, "previous", c->previous);
    jfield_num(b, "difference",
               isnan(c->value) || isnan(c->previous) ? NAN : c->value - c->previous);
    mtm_buf_adds(b, ",\"matched\":");
    mtm_buf_add_json_or_null(b, c->matched);
    jfield(b, "previous_pcodes", c->previous_pcodes);
    mtm_buf_addc(b, '}');
  }
  mtm_buf_addc(b, ']');
}

void mtm_bma_write_summary_json(const mtm_bma_result *r, const mtm_bma_summary *s, mtm_buf *out) {
  json_head(r, out);
  mtm_buf_addc(out, ',');
  json_summary_body(r, s, out);
  mtm_buf_adds(out, "}\n");
}

void mtm_bma_write_json(const mtm_bma_result *r, const mtm_bma_summary *s, int level,
                        mtm_buf *out) {
  mtm_arena a;
  mtm_arena_init(&a);
  json_head(r, out);
  mtm_buf_adds(out, ",\"series\":[");
  for (int i = 0; i < r->nseries; i++) {
    const mtm_bma_series *x = &r->series[i];
    mtm_buf_adds(out, i ? ",{\"population\":" : "{\"population\":");
    mtm_buf_add_json(out, x->population);
    jfield(out, "period", x->period);
    jfield(out, "origin", x->origin);
    jfield(out, "sex", x->sex);
    mtm_buf_adds(out, ",\"field\":");
    mtm_buf_add_json_or_null(out, x->field);
    jfield(out, "wide_column", mtm_bma_wide_name(x, &a));
    mtm_buf_addc(out, '}');
  }
  mtm_buf_adds(out, "],\"figures\":[");
  int first = 1;
  for (int i = 0; i < r->nareas; i++) {
    if (level >= 0 && r->areas[i].level != level) continue;
    for (int s2 = 0; s2 < r->nseries; s2++) {
      const mtm_bma_figure *f = fig_at(r, i, s2);
      mtm_buf_printf(out, "%s{\"level\":%d,\"pcode\":", first ? "" : ",", f->level);
      first = 0;
      mtm_buf_add_json(out, f->pcode);
      jfield(out, "name", f->name);
      mtm_buf_adds(out, ",\"parent\":");
      mtm_buf_add_json_or_null(out, f->parent);
      jfield(out, "population", f->population);
      jfield(out, "period", f->period);
      jfield(out, "origin", f->origin);
      jfield(out, "sex", f->sex);
      jfield_num(out, "value", f->value);
      mtm_buf_printf(out, ",\"n_ki\":%d,\"min\":", f->n_ki);
      jnum(out, f->min);
      jfield_num(out, "max", f->max);
      mtm_buf_printf(out, ",\"locations_reporting\":%d,\"locations_total\":%d,\"flags\":[",
                     f->locations_reporting, f->locations_total);
      const char *ft = mtm_bma_flags_text(f->flags, "\",\"", &a);
      if (ft[0]) mtm_buf_printf(out, "\"%s\"", ft);
      mtm_buf_adds(out, "]}");
    }
  }
  mtm_buf_adds(out, "],\"summary\":{");
  json_summary_body(r, s, out);
  mtm_buf_adds(out, "}}\n");
  mtm_arena_free(&a);
}

void mtm_bma_write_summary_text(const mtm_bma_result *r, const mtm_bma_summary *s, mtm_buf *b) {
  mtm_buf_printf(b, "Baseline mobility assessment: form %s, round %d", r->form_id, r->round);
  if (r->reporting_date[0]) mtm_buf_printf(b, " (reporting date %s)", r->reporting_date);
  mtm_buf_printf(b, "\nmethod: %s; disagreement when max/min > ", mtm_bma_method_sentence(r->method));
  num(b, r->disagreement);
  mtm_buf_printf(b, "\nlocation: question '%s' (%s)\ncoverage: ", r->location,
                 loc_from(r->location_by));
  coverage_text(r, b);
  mtm_buf_printf(b, "\nmissing: %s\n", MISSING_SENTENCE);
  for (int i = 0; i < r->nnotes; i++) mtm_buf_printf(b, "note: %s\n", r->notes[i]);
  for (int p = 0; p < s->npops; p++) {
    const mtm_bma_pop_summary *ps = &s->pops[p];
    mtm_buf_printf(b, "\n%s\n  by period (locations reporting of %d):\n", ps->population,
                   r->locations);
    for (int k = 0; k < ps->nperiods; k++) {
      mtm_buf_printf(b, "    %-12s ", ps->periods[k]);
      mtm_buf b2;
      mtm_buf_init(&b2);
      hnum(&b2, ps->period_total[k]);
      mtm_buf_printf(b, "%12s  %d", b2.p, ps->period_reporting[k]);
      if (r->previous) {
        mtm_buf_reset(&b2);
        hnum(&b2, ps->previous_period_total[k]);
        mtm_buf_printf(b, "  (round %d: %s)", r->previous_round, b2.p);
      }
      mtm_buf_free(&b2);
      mtm_buf_addc(b, '\n');
    }
    if (ps->periods_overlap) {
      mtm_buf_adds(b, "    (some periods overlap, so they are not added up)\n");
    } else if (ps->nperiods > 1) {
      mtm_buf b2;
      mtm_buf_init(&b2);
      hnum(&b2, ps->total);
      mtm_buf_printf(b, "    %-12s %12s", "all periods", b2.p);
      if (r->previous) {
        mtm_buf_reset(&b2);
        hnum(&b2, ps->previous_total);
        mtm_buf_printf(b, "     (round %d: %s)", r->previous_round, b2.p);
      }
      mtm_buf_free(&b2);
      mtm_buf_addc(b, '\n');
    }
    if (ps->latest_period) {
      mtm_buf_printf(b, "  arrivals in the latest period (%s): ", ps->latest_period);
      hnum(b, ps->latest_value);
      mtm_buf_printf(b, " (%d of %d locations reporting)\n", ps->latest_reporting, r->locations);
    }
    for (int list = 0; list < 2; list++) {
      int n = list ? ps->ntop_origins : ps->ntop_regions;
      const mtm_bma_share *sh = list ? ps->top_origins : ps->top_regions;
      if (!n) continue;
      mtm_buf_printf(b, "  top %s (%s):\n", list ? "origins" : "regions", ps->basis);
      for (int k = 0; k < n; k++) {
        mtm_buf b2;
        mtm_buf_init(&b2);
        const char *cn = list ? mtm_geo_country_name(sh[k].key, "en") : NULL;
        if (list && cn) mtm_buf_printf(&b2, "%s (%s)", cn, sh[k].key);
        else if (list || !strcmp(sh[k].key, "other")) mtm_buf_adds(&b2, sh[k].key);
        else mtm_buf_printf(&b2, "%s (%s)", sh[k].name, sh[k].key);
        mtm_buf_printf(b, "    %-28s ", b2.p);
        mtm_buf_reset(&b2);
        hnum(&b2, sh[k].value);
        mtm_buf_printf(b, "%12s  %5ld.%ld%%\n", b2.p, sh[k].tenths / 10, sh[k].tenths % 10);
        mtm_buf_free(&b2);
      }
      /* the base of the shares: the list's sum (the origins' need not be
       * the total: medians by origin do not add up to the median total) */
      mtm_buf b2;
      mtm_buf_init(&b2);
      hnum(&b2, list ? ps->top_origins_sum : ps->top_regions_sum);
      mtm_buf_printf(b, "    %-28s %12s  %5d.0%%\n", "sum (the base of the shares)", b2.p, 100);
      mtm_buf_free(&b2);
    }
  }
  if (r->previous_round) {
    int compared = 0, matched = 0, succ = 0;
    for (int i = 0; i < r->nchanges; i++) {
      compared++;
      if (r->changes[i].matched) matched++;
      if (r->changes[i].matched && !strcmp(r->changes[i].matched, "successor")) succ++;
    }
    mtm_buf_printf(b,
                   "\nchange from round %d: %d location figure%s, %d with a round %d figure "
                   "(%d through the successors of changed P-codes); per location in --format "
                   "json\n",
                   r->previous_round, compared, compared == 1 ? "" : "s", matched,
                   r->previous_round, succ);
  }
}

/* Writes one cell: a number when it reads as one, else text. */
static void cell(lxw_worksheet *ws, int row, int col, const char *v, lxw_format *fmt) {
  if (!v || !v[0]) return;
  double d;
  if (!fmt && mtm_parse_double(mtm_slice_c(v), &d) == 0 && isfinite(d))
    worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, d, NULL);
  else worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, v, fmt);
}

/* Writes CSV text (as the CSV writers make it: no quoted newlines) into a
 * sheet, numbers as numbers except in the text columns. */
static void csv_to_sheet(lxw_worksheet *ws, const char *csv, lxw_format *bold, int text_upto,
                         const int *text_cols, int ntext) {
  int row = 0;
  const char *p = csv;
  mtm_buf f;
  mtm_buf_init(&f);
  while (*p) {
    int col = 0;
    for (;;) {
      mtm_buf_reset(&f);
      mtm_buf_adds(&f, "");
      if (*p == '"') {
        p++;
        for (; *p; p++) {
          if (*p == '"' && p[1] == '"') mtm_buf_addc(&f, '"'), p++;
          else if (*p == '"') {
            p++;
            break;
          } else mtm_buf_addc(&f, *p);
        }
      } else {
        while (*p && *p != ',' && *p != '\n') mtm_buf_addc(&f, *p++);
      }
      int text = row < text_upto;
      for (int k = 0; k < ntext; k++) text |= text_cols[k] == col;
      if (row < text_upto) cell(ws, row, col, f.p, bold);
      else if (text && f.p[0]) worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, f.p, NULL);
      else cell(ws, row, col, f.p, NULL);
      col++;
      if (*p == ',') {
        p++;
        continue;
      }
      break;
    }
    if (*p == '\n') p++;
    row++;
  }
  mtm_buf_free(&f);
}

int mtm_bma_write_xlsx(const mtm_bma_result *r, const mtm_bma_summary *s, int level, int wide,
                       const char *path, mtm_err *err) {
  FILE *probe = fopen(path, "wb");
  if (!probe) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the file");
  }
  fclose(probe);
  lxw_workbook *wb = workbook_new(path);
  if (!wb) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot create the workbook");
  }
  lxw_format *bold = workbook_add_format(wb);
  format_set_bold(bold);
  mtm_buf b;
  mtm_buf_init(&b);
  lxw_worksheet *ws = workbook_add_worksheet(wb, "figures");
  if (wide) {
    mtm_bma_write_wide_csv(r, level, &b);
    int lv = level < 0 ? r->location_level : level;
    int tc[20], nt = 0;
    for (int l = 0; l <= lv && nt < 18; l++) tc[nt++] = 2 * l, tc[nt++] = 2 * l + 1;
    tc[nt++] = 2 * (lv + 1) + 1; /* reportingDate */
    csv_to_sheet(ws, b.p, bold, 2, tc, nt);
    worksheet_freeze_panes(ws, 2, 0);
  } else {
    mtm_bma_write_long_csv(r, level, &b);
    int tc[] = {1, 2, 3, 4, 5, 6, 13};
    csv_to_sheet(ws, b.p, bold, 1, tc, 7);
    worksheet_freeze_panes(ws, 1, 0);
  }
  lxw_worksheet *ab = workbook_add_worksheet(wb, "about");
  mtm_buf_reset(&b);
  coverage_text(r, &b);
  const char *rows[][2] = {{"form", r->form_id},
                           {"round", NULL},
                           {"reporting date", r->reporting_date},
                           {"method", mtm_bma_method_sentence(r->method)},
                           {"disagreement", NULL},
                           {"location question", r->location},
                           {"coverage", b.p},
                           {"missing figures", MISSING_SENTENCE}};
  char round[32], ratio[64];
  snprintf(round, sizeof round, "%d", r->round);
  snprintf(ratio, sizeof ratio, "max/min over %g", r->disagreement);
  rows[1][1] = round;
  rows[4][1] = ratio;
  int row = 0;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++, row++) {
    worksheet_write_string(ab, (lxw_row_t)row, 0, rows[i][0], bold);
    worksheet_write_string(ab, (lxw_row_t)row, 1, rows[i][1], NULL);
  }
  for (int i = 0; i < r->nnotes; i++, row++) {
    worksheet_write_string(ab, (lxw_row_t)row, 0, "note", bold);
    worksheet_write_string(ab, (lxw_row_t)row, 1, r->notes[i], NULL);
  }
  worksheet_set_column(ab, 0, 0, 20, NULL);
  worksheet_set_column(ab, 1, 1, 100, NULL);
  lxw_worksheet *su = workbook_add_worksheet(wb, "summary");
  mtm_buf_reset(&b);
  mtm_bma_write_summary_text(r, s, &b);
  row = 0;
  for (char *p = b.p; p && *p;) {
    char *e = strchr(p, '\n');
    if (e) *e = 0;
    if (*p) worksheet_write_string(su, (lxw_row_t)row, 0, p, NULL);
    row++;
    p = e ? e + 1 : p + strlen(p);
  }
  mtm_buf_free(&b);
  lxw_error x = workbook_close(wb);
  if (x != LXW_NO_ERROR) {
    mtm_err_where(err, path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot write the workbook: %s", lxw_strerror(x));
  }
  return 0;
}
