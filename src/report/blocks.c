/* The block figure tags: charts (drawn by render), maps (map), tables,
 * highlight tiles and the annex of indicators. */
#include "geo/geo.h"
#include "map/map.h"
#include "prose/prose.h"
#include "render/render.h"
#include "report/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A file name part from a question name: letters, digits, '_' and '-'. */
static const char *slug(rp_ctx *c, const char *s) {
  char *o = mtm_arena_strdup(c->a, s ? s : "x");
  for (char *p = o; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '-'))
      *p = '_';
  return o;
}

/* The public rule's sentence under a figure (NULL outside a public
 * report): its K, and the area rule when the figure is by area. */
static const char *public_note(rp_ctx *c, int area) {
  if (!c->o->public_) return NULL;
  int k = rp_public_rule(c).k;
  if (c->note_rep) return mtm_arena_printf(c->a, rp_text(c, "suppressed_note_unit"), k, rp_unit(c, c->note_rep, 0));
  return area ? mtm_arena_printf(c->a, rp_text(c, "public_note_area"), k, k)
              : mtm_arena_printf(c->a, rp_text(c, "public_note"), k);
}

/* "n = 1,117" (a repeat's: with its units) under a chart or table. */
static const char *n_text(rp_ctx *c, double n) {
  if (!isfinite(n)) n = 0;
  if (!c->note_rep) return mtm_arena_printf(c->a, "n = %s", rp_count_text(c, n));
  return c->lang == MTM_PROSE_RU
             ? mtm_arena_printf(c->a, "n = %s (%s)", rp_count_text(c, n), rp_unit(c, c->note_rep, 0))
             : mtm_arena_printf(c->a, "n = %s %s", rp_count_text(c, n), rp_unit(c, c->note_rep, 0));
}

/* The note under a chart or table: n, and the public rule. */
static const char *note_n_area(rp_ctx *c, double n, int area) {
  const char *nt = n_text(c, n), *pn = public_note(c, area);
  return pn ? mtm_arena_printf(c->a, "%s; %s", nt, pn) : nt;
}

/* A group's n in a table: the count, or at area level below K (hidden
 * by the public rule) "fewer than K". */
static const char *group_n_text(rp_ctx *c, double n) {
  if (!c->o->public_ || isfinite(n)) return rp_count_text(c, n);
  char buf[64];
  mtm_disclose_count(n, rp_public_rule(c).k, c->lang_code, buf, sizeof buf);
  return mtm_arena_strdup(c->a, buf);
}

/* Whether a result holds an area figure hidden or shown under the public
 * rule: a group variable that is an area question. */
static int by_area(rp_ctx *c, const char *by) {
  if (!by || !*by || !strcmp(by, "round")) return 0;
  char *names = mtm_arena_strdup(c->a, by), *save = NULL;
  for (char *g = strtok_r(names, "*", &save); g; g = strtok_r(NULL, "*", &save))
    if (mtm_disclose_area_level(c->st, mtm_frame_col_find(c->f, g))) return 1;
  return 0;
}

/* The answers of a choice question with a row in res, in the form's
 * order, then "other" when --other-below merged answers into a row the
 * form has no choice for; vals receives up to max of them. */
static int answer_values(const mtm_frame_col *col, const mtm_analysis_result *res, const char **vals,
                         int max) {
  int nl = col->kind == MTM_FRAME_CODES ? col->nlevels : col->nlist, n = 0, other = 0;
  for (int i = 0; i < nl && n < max; i++) {
    if (!strcmp(col->levels[i], "other")) other = 1;
    vals[n++] = col->levels[i];
  }
  if (!other && n < max)
    for (size_t i = 0; i < res->n; i++)
      if (res->rows[i].analysis_var_value && !strcmp(res->rows[i].analysis_var_value, "other")) {
        vals[n++] = "other";
        break;
      }
  return n;
}

/* The group values of a by-run, in result order (at most max). */
static int group_values(const mtm_analysis_result *res, const char **vals, const char **labels,
                        int max) {
  int n = 0;
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    if (!r->group_var) continue;
    int seen = 0;
    for (int j = 0; j < n; j++)
      if (!strcmp(vals[j], r->group_var_value)) seen = 1;
    if (!seen && n < max) {
      labels[n] = r->group_value_label ? r->group_value_label : r->group_var_value;
      vals[n++] = r->group_var_value;
    }
  }
  return n;
}

/* The row of value (NULL: any) in group gv (NULL: overall), or -1. */
static long row_of(const mtm_analysis_result *res, const char *value, const char *gv) {
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    if (value && (!r->analysis_var_value || strcmp(r->analysis_var_value, value))) continue;
    if (!gv ? r->group_var != NULL : (!r->group_var || strcmp(r->group_var_value, gv))) continue;
    return (long)i;
  }
  return -1;
}

/* A histogram of a number question: ten equal classes over its range. */
static int chart_hist(rp_ctx *c, const rp_tag *t, const mtm_frame_col *col, mtm_chart *ch,
                      mtm_fig *fg) {
  double lo = INFINITY, hi = -INFINITY;
  long n = 0;
  const mtm_frame *fr = rp_col_frame(c, col); /* a repeat's question: its instances */
  for (long r = 0; r < fr->nrows; r++) {
    double v = col->num[r];
    if (isnan(v) || !rp_in(c, fr, r)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    n++;
  }
  if (!n) return rp_fail(c, t, "question '%s' has no answer in round %d", col->name, c->o->round);
  int k = 10;
  double raw = (hi - lo) / k, step = 1;
  if (raw > 0) {
    double mag = pow(10, floor(log10(raw)));
    step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
  }
  double start = floor(lo / step) * step;
  k = (int)floor((hi - start) / step) + 1;
  if (k < 1) k = 1;
  if (k > 40) k = 40;
  double *cnt = mtm_arena_zalloc(c->a, (size_t)k * sizeof *cnt);
  for (long r = 0; r < fr->nrows; r++) {
    double v = col->num[r];
    if (isnan(v) || !rp_in(c, fr, r)) continue;
    int b = (int)floor((v - start) / step);
    if (b < 0) b = 0;
    if (b >= k) b = k - 1;
    cnt[b]++;
  }
  const char **cats = mtm_arena_zalloc(c->a, (size_t)k * sizeof *cats);
  fg->nsources = k;
  fg->sources = mtm_arena_zalloc(c->a, (size_t)k * sizeof *fg->sources);
  for (int b = 0; b < k; b++) {
    double a0 = start + b * step, a1 = a0 + step;
    cats[b] = mtm_arena_printf(c->a, "%s\xE2\x80\x93%s", rp_count_text(c, a0), rp_count_text(c, a1));
    mtm_fig_source *s = &fg->sources[b];
    s->key = mtm_arena_printf(c->a, "histogram @/@ %s %%/%% [%.15g, %.15g) @/@ NA %%/%% NA", col->name,
                              a0, a1);
    s->question = mtm_arena_printf(c->a, "%s: %s", rp_qlabel(c, col), cats[b]);
    const char *rep = fr->repeat;
    s->denominator = mtm_arena_printf(c->a, "%s, n = %s",
                                      rep ? mtm_arena_printf(c->a, rp_text(c, "answered_unit"), rp_unit(c, rep, 0))
                                          : rp_text(c, "answered"),
                                      rp_count_text(c, (double)n));
    /* a national count: a small one identifies nobody (src/disclose) */
    s->value = cnt[b];
    s->n = cnt[b];
    s->n_total = (double)n;
    s->shown = isnan(cnt[b]) ? "\xE2\x80\x94" : rp_count_text(c, cnt[b]);
  }
  mtm_chart_series *se = mtm_arena_zalloc(c->a, sizeof *se);
  se->values = cnt;
  ch->type = MTM_CHART_HIST;
  ch->ncat = k;
  ch->cats = cats;
  ch->nseries = 1;
  ch->series = se;
  ch->percent = 0;
  const char *keep = c->note_rep; /* en "n = 150; household members per class" */
  if (c->lang != MTM_PROSE_RU) c->note_rep = NULL;
  const char *nn = n_text(c, (double)n); /* national counts: nothing hidden */
  c->note_rep = keep;
  fg->note = mtm_arena_printf(c->a, "%s; %s", nn,
                              fr->repeat ? mtm_arena_printf(c->a, rp_text(c, "histogram_note_unit"), rp_unit(c, fr->repeat, 0))
                                         : rp_text(c, "histogram_note"));
  return 0;
}

static int eval_chart(rp_ctx *c, const rp_tag *t, const char *q, const mtm_frame_col *col, int *fig);

/* A chart's question in its caption: its label, after its repeat's units
 * for a repeat's question ("Household members: Sex"). */
static const char *cap_label(rp_ctx *c, const mtm_frame_col *col) {
  if (!c->note_rep) return rp_qlabel(c, col);
  return mtm_arena_printf(c->a, "%s: %s", rp_unit(c, c->note_rep, 1), rp_qlabel(c, col));
}

int rp_eval_chart(rp_ctx *c, const rp_tag *t, int *fig) {
  /* Shares by answer (and group) or a histogram, drawn as SVG. */
  const char *q = rp_arg_get(t, "q");
  if (!q) q = rp_arg_pos(t, 0);
  const mtm_frame_col *col;
  int rc = rp_question(c, t, q, &col);
  if (rc) return rc;
  const char *rep = rp_col_frame(c, col)->repeat; /* a repeat's question: its units */
  c->note_rep = rep;
  rc = eval_chart(c, t, q, col, fig);
  c->note_rep = NULL;
  return rc;
}

/* A by-group bar chart of two groups (women and men) as the groups' own
 * charts, set side by side as the reference report does: each panel one
 * series under its group's name, the same answers in the same order, half
 * the width. Other charts have no pair. */
static int chart_pair(rp_ctx *c, const rp_tag *t, const mtm_chart *ch, mtm_fig *fg) {
  if (ch->type != MTM_CHART_HBAR || ch->nseries != 2 || !ch->series[0].name ||
      !ch->series[1].name)
    return 0;
  double vmax = 0; /* the two charts share one scale */
  for (int s = 0; s < 2; s++)
    for (int i = 0; i < ch->ncat; i++)
      if (ch->series[s].values[i] > vmax) vmax = ch->series[s].values[i];
  for (int s = 0; s < 2; s++) {
    mtm_chart one = *ch;
    one.vmax = vmax;
    one.nseries = 1;
    one.series = &ch->series[s];
    mtm_chart_series se = ch->series[s];
    se.name = NULL;
    one.series = &se;
    one.title = ch->series[s].name;
    one.width = 330;
    one.note = NULL;
    mtm_buf svg;
    mtm_buf_init(&svg);
    if (mtm_chart_svg(&one, &svg, c->err)) {
      char m[1024];
      snprintf(m, sizeof m, "%s", c->err->msg);
      mtm_buf_free(&svg);
      return rp_fail(c, t, "%s", m);
    }
    fg->pair[s] = mtm_arena_strndup(c->a, svg.p ? svg.p : "", svg.n);
    fg->pair_len[s] = svg.n;
    mtm_buf_free(&svg);
  }
  return 0;
}

/* rp_eval_chart of question q, its column col. */
static int eval_chart(rp_ctx *c, const rp_tag *t, const char *q, const mtm_frame_col *col, int *fig) {
  int rc;
  const char *by = rp_arg_get(t, "by"), *type = rp_arg_get(t, "type");
  const char *filter = rp_arg_get(t, "filter");
  int f = rp_fig_new(c, MTM_FIG_CHART, t);
  mtm_chart ch;
  memset(&ch, 0, sizeof ch);
  ch.lang = c->lang_code;
  ch.small_n = c->o->public_ ? c->o->flag_below : 0; /* indicative: a base under it */
  mtm_fig tmp;
  memset(&tmp, 0, sizeof tmp);
  if (col->kind == MTM_FRAME_NUM) {
    if ((rc = chart_hist(c, t, col, &ch, &tmp))) return rc;
  } else {
    const char *atype = col->kind == MTM_FRAME_CODES ? "prop_select_one" : "prop_select_multiple";
    /* by=round: two series, the compared round's shares, then this round's */
    int byround = by && !strcmp(by, "round");
    if (byround && !c->fc)
      return rp_fail(c, t, "by=round needs a compared round (--compare M, and data in round M)");
    rp_run *run;
    if ((rc = rp_run_get(c, t, atype, q, filter, byround ? NULL : by, &run))) return rc;
    if (byround && !run->has_then)
      return rp_fail(c, t, "question '%s' has no answer in round %d", q, c->compare);
    const mtm_analysis_result *res = &run->now;
    int nl = col->kind == MTM_FRAME_CODES ? col->nlevels : col->nlist;
    const char **levels = mtm_arena_zalloc(c->a, (size_t)(nl + 1) * sizeof *levels);
    nl = answer_values(col, res, levels, nl + 1);
    const char *gv[6], *gl[6];
    int ng = by && !byround ? group_values(res, gv, gl, 6) : 0;
    int nser = byround ? 2 : ng ? ng : 1;
    /* the categories: every answer with a row */
    const char **cats = mtm_arena_zalloc(c->a, (size_t)(nl + 1) * sizeof *cats);
    const char **vals = mtm_arena_zalloc(c->a, (size_t)(nl + 1) * sizeof *vals);
    int ncat = 0;
    for (int i = 0; i < nl; i++) {
      long r = row_of(res, levels[i], NULL);
      if (r < 0) continue;
      vals[ncat] = levels[i];
      cats[ncat++] = res->rows[r].value_label ? res->rows[r].value_label : levels[i];
    }
    if (!ncat) return rp_fail(c, t, "question '%s' has no answer in round %d", q, c->o->round);
    /* a select_multiple: options sorted by share, largest first */
    if (col->kind == MTM_FRAME_BITS) {
      for (int i = 1; i < ncat; i++)
        for (int j = i; j > 0; j--) {
          double a = res->rows[row_of(res, vals[j - 1], NULL)].e.est;
          double b = res->rows[row_of(res, vals[j], NULL)].e.est;
          if (!(b > a) && !(isnan(a) && !isnan(b))) break;
          const char *x = vals[j]; vals[j] = vals[j - 1]; vals[j - 1] = x;
          x = cats[j]; cats[j] = cats[j - 1]; cats[j - 1] = x;
        }
    }
    mtm_chart_series *se = mtm_arena_zalloc(c->a, (size_t)nser * sizeof *se);
    tmp.nsources = nser * ncat;
    tmp.sources = mtm_arena_zalloc(c->a, (size_t)tmp.nsources * sizeof *tmp.sources);
    double ntot = NAN;
    for (int s = 0; s < nser; s++) {
      double *v = mtm_arena_zalloc(c->a, (size_t)ncat * sizeof *v);
      double *nn = mtm_arena_zalloc(c->a, (size_t)ncat * sizeof *nn);
      const mtm_analysis_result *rs = byround && s == 0 ? &run->then : res;
      for (int i = 0; i < ncat; i++) {
        long r = row_of(rs, vals[i], ng ? gv[s] : NULL);
        if (r < 0) {
          v[i] = NAN;
          nn[i] = NAN;
          tmp.sources[s * ncat + i].key = NULL;
          continue;
        }
        int pct = rp_share_pct(rs, (size_t)r);
        v[i] = pct < 0 ? NAN : pct / 100.0;
        nn[i] = rs->rows[r].e.n_total; /* the base: --flag-below marks it */
        mtm_fig_source *src = &tmp.sources[s * ncat + i];
        rp_source_row(c, src, &rs->rows[r], rp_pct_text(c, pct));
        if (rs == &run->then) /* the compared round's key, as {{change}} writes it */
          src->key = mtm_arena_printf(c->a, "%s @/@ round %%/%% %d", src->key, c->compare);
      }
      long ro = row_of(res, vals[0], NULL);
      if (ro >= 0) ntot = res->rows[ro].e.n_total;
      se[s].values = v;
      se[s].n = nn;
      if (byround) {
        mtm_buf rb;
        mtm_buf_init(&rb);
        mtm_prose_round(&rb, c->lang, s == 0 ? c->compare : c->o->round, 1);
        se[s].name = mtm_arena_strdup(c->a, rb.p);
        mtm_buf_free(&rb);
      } else if (ng) {
        long r0 = row_of(res, vals[0], gv[s]);
        se[s].name = r0 >= 0 ? rp_group_title(c, &res->rows[r0]) : gl[s];
      }
    }
    ch.ncat = ncat;
    ch.cats = cats;
    ch.nseries = nser;
    ch.series = se;
    ch.percent = 1;
    if (col->kind == MTM_FRAME_BITS) ch.type = MTM_CHART_MULTI;
    else if (ncat == 2) ch.type = MTM_CHART_STACK100; /* yes/no: one split bar (per group) */
    else if (!ng && !byround && ncat >= 3 && ncat <= 5) ch.type = MTM_CHART_DONUT;
    else ch.type = MTM_CHART_HBAR;
    if (col->kind == MTM_FRAME_BITS && (ng || byround)) ch.type = MTM_CHART_HBAR;
    tmp.note = note_n_area(c, ntot, !byround && by_area(c, by));
  }
  if (type) {
    if (!strcmp(type, "hbar")) ch.type = MTM_CHART_HBAR;
    else if (!strcmp(type, "vbar")) ch.type = MTM_CHART_VBAR;
    else if (!strcmp(type, "stack")) ch.type = MTM_CHART_STACK100;
    else if (!strcmp(type, "donut")) ch.type = MTM_CHART_DONUT;
    else return rp_fail(c, t, "type is hbar, vbar, stack or donut, not '%s'", type);
  }
  ch.note = tmp.note;
  mtm_buf svg;
  mtm_buf_init(&svg);
  if (mtm_chart_svg(&ch, &svg, c->err)) {
    char m[1024];
    snprintf(m, sizeof m, "%s", c->err->msg);
    mtm_buf_free(&svg);
    return rp_fail(c, t, "%s", m);
  }
  mtm_fig *fg = &c->figs[f];
  *fg = tmp;
  fg->kind = MTM_FIG_CHART;
  fg->tag = t->text;
  if ((rc = chart_pair(c, t, &ch, fg))) return rc;
  c->nchart++;
  const char *bylabel = NULL;
  if (by && !strcmp(by, "round") && col->kind != MTM_FRAME_NUM) {
    mtm_buf rb; /* "(Round 1, Round 2)" */
    mtm_buf_init(&rb);
    mtm_prose_round(&rb, c->lang, c->compare, 1);
    mtm_buf_adds(&rb, ", ");
    mtm_prose_round(&rb, c->lang, c->o->round, 1);
    bylabel = mtm_arena_strdup(c->a, rb.p);
    mtm_buf_free(&rb);
    fg->caption = mtm_arena_printf(c->a, "%s %d. %s (%s)", rp_text(c, "figure"), c->nchart,
                                   cap_label(c, col), bylabel);
  } else {
    if (by) {
      const mtm_frame_col *bc = rp_col_in(c, rp_repeat_of(c, q), by);
      bylabel = bc ? rp_qlabel(c, bc) : by;
    }
    fg->caption = bylabel ? mtm_arena_printf(c->a, "%s %d. %s (%s)", rp_text(c, "figure"),
                                             c->nchart, cap_label(c, col), mtm_arena_printf(c->a, rp_text(c, "by_label"), bylabel))
                          : mtm_arena_printf(c->a, "%s %d. %s", rp_text(c, "figure"), c->nchart,
                                             cap_label(c, col));
  }
  fg->svg = mtm_arena_strndup(c->a, svg.p ? svg.p : "", svg.n);
  fg->svg_len = svg.n;
  mtm_buf_free(&svg);
  fg->note = fg->pair[0] ? ch.note : NULL; /* render draws it under a single chart */
  fg->file = mtm_arena_printf(c->a, "figures/figure-%02d-%s.svg", c->nchart, slug(c, q));
  fg->data_file = mtm_arena_printf(c->a, "data/figure-%02d-%s.csv", c->nchart, slug(c, q));
  *fig = f;
  return 0;
}

/* The class options of a map tag (breaks=quantiles|jenks, classes=N)
 * into the spec. */
static int map_classes(rp_ctx *c, const rp_tag *t, mtm_map_spec *sp) {
  const char *b = rp_arg_get(t, "breaks"), *k = rp_arg_get(t, "classes");
  if (b && !strcmp(b, "quantiles")) sp->breaks = MTM_MAP_QUANTILES;
  else if (b && !strcmp(b, "jenks")) sp->breaks = MTM_MAP_JENKS;
  else if (b) return rp_fail(c, t, "breaks is quantiles or jenks, not '%s'", b);
  if (k) {
    char *e;
    long n = strtol(k, &e, 10);
    if (*e || n < 2 || n > 9) return rp_fail(c, t, "classes is a whole number from 2 to 9, not '%s'", k);
    sp->classes = (int)n;
  }
  return 0;
}

/* The source line's data part (the map adds the boundaries'): text id
 * (map_source_bma, map_source_survey) with the round, its year when the
 * round has dates: "Source: IOM MTM key-informant baseline, Round 2
 * (2023)". */
static const char *map_source(rp_ctx *c, const char *id) {
  const char *round = mtm_arena_printf(c->a, rp_text(c, "map_round"), c->o->round);
  const char *d = c->end_date && *c->end_date ? c->end_date : c->start_date;
  if (d && strlen(d) >= 4) round = mtm_arena_printf(c->a, "%s (%.4s)", round, d);
  return mtm_arena_printf(c->a, rp_text(c, id), round);
}

/* Draws a map tag's choropleth into svg (initialised here; the caller
 * frees it on success): the tag's class options, then the map; an error
 * names the tag. */
static int map_draw(rp_ctx *c, const rp_tag *t, mtm_map_spec *sp, mtm_buf *svg) {
  mtm_buf_init(svg);
  int rc = map_classes(c, t, sp);
  if (rc) return rc;
  if (mtm_map_choropleth_svg(c->st, sp, svg, c->err)) {
    char m[1024];
    snprintf(m, sizeof m, "%s", c->err->msg);
    mtm_buf_free(svg);
    return rp_fail(c, t, "%s", m);
  }
  return 0;
}

/* The level (1, 2) whose areas a select_one's choices are: its hxl tag
 * (#adm1, #adm2 with +code or +pcode) or, else, at least two choices and half of
 * them P-codes of the workspace's areas at one level; 0 when neither. */
static int area_level_of(rp_ctx *c, const mtm_frame_col *col) {
  if (!col->q || col->q->type != MTM_Q_SELECT_ONE || col->kind != MTM_FRAME_CODES) return 0;
  int hl = mtm_hxl_admin_level(col->q->hxl);
  if (hl == 1 || hl == 2) return hl;
  int per[3] = {0, 0, 0};
  for (int i = 0; i < col->nlist; i++) {
    long long id;
    int lv;
    mtm_err e;
    mtm_err_clear(&e);
    if (mtm_store_area_find(c->st, col->levels[i], &id, &lv, &e) == 0 && lv >= 1 && lv <= 2) per[lv]++;
  }
  for (int lv = 1; lv <= 2; lv++)
    if (per[lv] >= 2 && 2 * per[lv] >= col->nlist) return lv;
  return 0;
}

int rp_area_question(rp_ctx *c, const rp_tag *t, const char *name, int level,
                     const mtm_frame_col **out) {
  /* A named question must be an area question of the level; without a
   * name, the first of the form's order that is. */
  *out = NULL;
  if (name) {
    const mtm_frame_col *col;
    int rc = rp_question(c, t, name, &col);
    if (rc) return rc;
    int lv = area_level_of(c, col);
    if (!lv)
      return rp_fail(c, t, "question '%s' is not a single choice whose answers are the P-codes of areas", name);
    if (level && lv != level)
      return rp_fail(c, t, "question '%s' gives areas of level %d, not %d", name, lv, level);
    *out = col;
    return 0;
  }
  for (int i = 0; i < c->f->ncols; i++) {
    if (rp_gap(c, &c->f->cols[i]) != RP_ANSWERED) continue; /* nobody to place on a map */
    int lv = area_level_of(c, &c->f->cols[i]);
    if (lv && (!level || lv == level)) {
      *out = &c->f->cols[i];
      return 0;
    }
  }
  return 0;
}

/* map q=Q [value=V] level=L [area=A]: the share of respondents giving V
 * to Q by area (one analysis by the area question), or, when Q is the
 * area question itself, the share of the respondents in each area. */
static int survey_map(rp_ctx *c, const rp_tag *t, const char *q, int level, int *fig) {
  const mtm_frame_col *area;
  int rc = rp_area_question(c, t, rp_arg_get(t, "area"), level, &area);
  if (rc) return rc;
  if (!area)
    return rp_fail(c, t, "no question of the survey gives the P-codes of level-%d areas: name it with area=QUESTION",
                   level);
  const mtm_frame_col *col;
  if ((rc = rp_question(c, t, q, &col))) return rc;
  const char *type = col->kind == MTM_FRAME_CODES ? "prop_select_one"
                     : col->kind == MTM_FRAME_BITS ? "prop_select_multiple" : NULL;
  if (!type) return rp_fail(c, t, "question '%s' is a number: a map shows the share of an answer", q);
  int self = col == area;
  const char *value = rp_arg_get(t, "value");
  if (!self) {
    int nl = col->kind == MTM_FRAME_CODES ? col->nlevels : col->nlist;
    if (!value)
      for (int i = 0; i < nl; i++)
        if (!strcmp(col->levels[i], "yes")) value = "yes";
    if (!value) return rp_fail(c, t, "say which answer of '%s' the map shows with value=CHOICE", q);
    int ok = 0;
    for (int i = 0; i < nl; i++)
      if (!strcmp(col->levels[i], value)) ok = 1;
    if (!ok) return rp_fail(c, t, "'%s' is not an answer of question '%s'", value, q);
  }
  const char *filter = rp_arg_get(t, "filter");
  rp_run *run;
  if ((rc = rp_run_get(c, t, type, q, filter, self ? NULL : area->name, &run))) return rc;
  const mtm_analysis_result *res = &run->now;
  int f = rp_fig_new(c, MTM_FIG_MAP, t);
  mtm_fig *fg = &c->figs[f];
  mtm_map_value *mv = mtm_arena_zalloc(c->a, (res->n + 1) * sizeof *mv);
  fg->sources = mtm_arena_zalloc(c->a, (res->n + 1) * sizeof *fg->sources);
  int nv = 0, ns = 0, hidden = 0;
  const mtm_analysis_row *any = NULL;
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    const char *pcode;
    if (self) {
      if (r->group_var || !r->analysis_var_value) continue;
      pcode = r->analysis_var_value;
    } else {
      if (!r->group_var || !r->analysis_var_value || strcmp(r->analysis_var_value, value)) continue;
      pcode = r->group_var_value;
    }
    if (!any) any = r;
    int pct = rp_share_pct(res, i);
    if (pct < 0) {
      if (r->e.n_total > 0 || isnan(r->e.n_total)) hidden++; /* respondents there, figure hidden */
      continue;
    }
    mv[nv].pcode = pcode;
    mv[nv++].value = pct / 100.0;
    rp_source_row(c, &fg->sources[ns++], r, rp_pct_text(c, pct));
  }
  fg->nsources = ns;
  const char *ql = rp_qlabel(c, col);
  const char *vl = NULL;
  if (any && !self) vl = any->value_label ? any->value_label : any->analysis_var_value;
  const char *what = self ? rp_capital(c, rp_text(c, "respondents")) : mtm_arena_printf(c->a, "%s: %s", ql, vl ? vl : value);
  const char *by = rp_text(c, level == 1 ? "annex_by_region" : "annex_by_district");
  /* the annex's one row: the per-area keys with the area as "*" */
  fg->group_key = self ? mtm_arena_printf(c->a, "%s @/@ %s %%/%% * @/@ NA %%/%% NA", type, q)
                       : mtm_arena_printf(c->a, "%s @/@ %s %%/%% %s @/@ %s %%/%% *", type, q, value,
                                          area->name);
  fg->group_question = mtm_arena_printf(c->a, "%s, %s", what, by);
  mtm_map_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.level = level;
  sp.lang = c->lang_code;
  sp.values = mv;
  sp.nvalues = nv;
  sp.percent = 1;
  sp.legend_title = self ? rp_text(c, "share_respondents") : rp_text(c, "share_of");
  sp.disclaimer = mtm_map_disclaimer(c->lang_code);
  sp.source = map_source(c, "map_source_survey");
  mtm_buf svg;
  if ((rc = map_draw(c, t, &sp, &svg))) return rc;
  fg = &c->figs[f];
  c->nmap++;
  fg->caption = mtm_arena_printf(c->a, "%s %d. %s, %s", rp_text(c, "map"), c->nmap, what, by);
  double n = NAN;
  for (size_t i = 0; i < res->n; i++)
    if (!res->rows[i].group_var) n = res->rows[i].e.n_total;
  const char *note = note_n_area(c, n, 1); /* every map is by area */
  if (hidden)
    note = mtm_arena_printf(c->a, "%s%s %s", note, c->o->public_ ? "." : "", rp_text(c, "map_suppressed_note"));
  fg->note = note;
  fg->svg = mtm_arena_strndup(c->a, svg.p ? svg.p : "", svg.n);
  fg->svg_len = svg.n;
  mtm_buf_free(&svg);
  fg->file = mtm_arena_printf(c->a, "figures/map-%02d-%s-admin%d.svg", c->nmap, slug(c, q), level);
  fg->data_file = mtm_arena_printf(c->a, "data/map-%02d-%s-admin%d.csv", c->nmap, slug(c, q), level);
  *fig = f;
  return 0;
}

int rp_eval_map(rp_ctx *c, const rp_tag *t, int *fig) {
  /* A choropleth of a survey share by area (q=), else of a baseline
   * population by area. */
  const char *lv0 = rp_arg_get(t, "level");
  if (rp_arg_get(t, "q")) {
    int level0 = lv0 ? atoi(lv0) : 1;
    if (level0 != 1 && level0 != 2) return rp_fail(c, t, "level is 1 or 2, not '%s'", lv0);
    return survey_map(c, t, rp_arg_get(t, "q"), level0, fig);
  }
  mtm_bma_result *r;
  mtm_bma_summary *sum;
  int rc = rp_bma(c, &r, &sum);
  if (rc) return rc;
  if (!r)
    return rp_fail(c, t, "the workspace has no baseline (key-informant) form with data in round %d",
                   c->o->round);
  const char *pop = rp_arg_get(t, "population"), *period = rp_arg_get(t, "period");
  const char *lv = rp_arg_get(t, "level");
  int level = lv ? atoi(lv) : 1;
  if (level != 1 && level != 2) return rp_fail(c, t, "level is 1 or 2, not '%s'", lv);
  if (!pop && sum->npops) pop = sum->pops[0].population;
  const mtm_bma_pop_summary *ps = NULL;
  for (int i = 0; i < sum->npops; i++)
    if (pop && !strcmp(sum->pops[i].population, pop)) ps = &sum->pops[i];
  if (!ps) return rp_fail(c, t, "the baseline has no population '%s'", pop ? pop : "");
  /* by default the figures of the headline and the tables: every period,
   * or the latest when they overlap */
  if (!period) period = !ps->periods_overlap && isfinite(ps->total) ? ps->basis : ps->latest_period;
  mtm_bma_figure *bf;
  int nb;
  if (mtm_bma_area_totals_from(r, pop, period, level, c->a, &bf, &nb, c->err)) {
    char m[1024];
    snprintf(m, sizeof m, "%s", c->err->msg);
    return rp_fail(c, t, "%s", m);
  }
  int f = rp_fig_new(c, MTM_FIG_MAP, t);
  mtm_fig *fg = &c->figs[f];
  mtm_map_value *mv = mtm_arena_zalloc(c->a, (size_t)(nb + 1) * sizeof *mv);
  fg->sources = mtm_arena_zalloc(c->a, (size_t)(nb + 1) * sizeof *fg->sources);
  int nv = 0;
  for (int i = 0; i < nb; i++) {
    mv[i].pcode = bf[i].pcode;
    mv[i].value = bf[i].value;
    if (!isfinite(bf[i].value)) continue;
    mtm_fig_source *s = &fg->sources[nv++];
    s->key = mtm_arena_printf(c->a, "bma @/@ %s %%/%% %s @/@ %s", pop, period, bf[i].pcode);
    s->question = mtm_arena_printf(c->a, "%s (%s), %s", rp_pop_label(c, pop), rp_basis_text(c, pop, period),
                                   bf[i].name ? bf[i].name : bf[i].pcode);
    s->denominator = mtm_bma_method_sentence_lang(r->method, c->lang_code);
    s->value = bf[i].value;
    s->n = bf[i].n_ki;
    s->n_total = NAN;
    s->shown = rp_count_text(c, bf[i].value);
  }
  fg->nsources = nv;
  fg->group_key = mtm_arena_printf(c->a, "bma @/@ %s %%/%% %s @/@ *", pop, period);
  fg->group_question = mtm_arena_printf(c->a, "%s (%s), %s", rp_pop_label(c, pop), rp_basis_text(c, pop, period),
                                        rp_text(c, level == 1 ? "annex_by_region" : "annex_by_district"));
  mtm_map_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.level = level;
  sp.lang = c->lang_code;
  sp.values = mv;
  sp.nvalues = nb;
  sp.legend_title = rp_pop_label(c, pop);
  sp.disclaimer = mtm_map_disclaimer(c->lang_code);
  sp.source = map_source(c, "map_source_bma");
  mtm_buf svg;
  if ((rc = map_draw(c, t, &sp, &svg))) return rc;
  fg = &c->figs[f];
  c->nmap++;
  const char *pl = rp_capital(c, rp_pop_label(c, pop));
  fg->caption = mtm_arena_printf(c->a, "%s %d. %s, %s, %s", rp_text(c, "map"), c->nmap, pl,
                                 rp_text(c, level == 1 ? "annex_by_region" : "annex_by_district"),
                                 rp_basis_text(c, pop, period));
  /* a sentence, not the method's bare phrase */
  fg->note = mtm_arena_printf(c->a, "%s %s.", rp_text(c, "area_figure"),
                              mtm_bma_method_sentence_lang(r->method, c->lang_code));
  fg->svg = mtm_arena_strndup(c->a, svg.p ? svg.p : "", svg.n);
  fg->svg_len = svg.n;
  mtm_buf_free(&svg);
  fg->file = mtm_arena_printf(c->a, "figures/map-%02d-%s-admin%d.svg", c->nmap, slug(c, pop), level);
  fg->data_file = mtm_arena_printf(c->a, "data/map-%02d-%s-admin%d.csv", c->nmap, slug(c, pop), level);
  *fig = f;
  return 0;
}

/* Sets up a table of rows x cols in the figure. */
static void table_alloc(rp_ctx *c, mtm_fig *fg, int rows, int cols) {
  fg->nrows = rows;
  fg->ncols = cols;
  fg->cells = mtm_arena_zalloc(c->a, (size_t)(rows * cols) * sizeof *fg->cells);
  int *src = mtm_arena_alloc(c->a, (size_t)(rows * cols) * sizeof *src);
  for (int i = 0; i < rows * cols; i++) src[i] = -1;
  fg->cell_src = src;
}

/* Appends a row of a baseline table: name, count and share, each with its
 * source (key; share key "share of KEY"). */
static void bma_row(rp_ctx *c, mtm_fig *fg, int row, const char *what, const char *name, const char *key,
                    double value, double whole, long tenths, const char *method) {
  const char *vt = rp_count_text(c, whole);
  char pt[32];
  snprintf(pt, sizeof pt, c->lang == MTM_PROSE_RU ? "%ld,%ld %%" : "%ld.%ld%%", tenths / 10, tenths % 10);
  const char *pts = mtm_arena_strdup(c->a, pt);
  fg->cells[row * 3] = name;
  fg->cells[row * 3 + 1] = vt;
  fg->cells[row * 3 + 2] = pts;
  mtm_fig_source *s = &fg->sources[fg->nsources];
  s->key = key;
  s->question = mtm_arena_printf(c->a, "%s: %s", what, name);
  s->denominator = method;
  s->value = value;
  s->n = s->n_total = NAN;
  s->shown = vt;
  ((int *)fg->cell_src)[row * 3 + 1] = fg->nsources++;
  s = &fg->sources[fg->nsources];
  s->key = mtm_arena_printf(c->a, "share of %s", key);
  s->question = mtm_arena_printf(c->a, "%s: %s, %s", what, name, rp_text(c, "share"));
  s->value = tenths / 1000.0;
  s->n = s->n_total = NAN;
  s->shown = pts;
  ((int *)fg->cell_src)[row * 3 + 2] = fg->nsources++;
}

/* table bma top=N by=origin|region [population=P]: the top N, the rest as
 * "Other" and a total row, whole numbers that add up to it (largest
 * remainder), shares of it; the note says what the shares divide by. The
 * regions' total is the headline's figure (the district figures summed,
 * the same key); the origins' is the sum of the figures by origin, which a
 * median need not make equal to it: the note gives both. */
static int table_bma(rp_ctx *c, const rp_tag *t, int *fig) {
  mtm_bma_result *r;
  mtm_bma_summary *sum;
  int rc = rp_bma(c, &r, &sum);
  if (rc) return rc;
  if (!r)
    return rp_fail(c, t, "the workspace has no baseline (key-informant) form with data in round %d",
                   c->o->round);
  const char *pop = rp_arg_get(t, "population"), *by = rp_arg_get(t, "by");
  if (!by || (strcmp(by, "origin") && strcmp(by, "region")))
    return rp_fail(c, t, "a baseline table is by=origin or by=region");
  if (!pop && sum->npops) pop = sum->pops[0].population;
  const mtm_bma_pop_summary *ps = NULL;
  for (int i = 0; i < sum->npops; i++)
    if (pop && !strcmp(sum->pops[i].population, pop)) ps = &sum->pops[i];
  if (!ps) return rp_fail(c, t, "the baseline has no population '%s'", pop ? pop : "");
  int origin = by[0] == 'o';
  /* what the list covers: the basis, or (origins) only the periods the
   * mapping has origins for; its key part, words and total */
  const char *basis = ps->basis, *span = rp_basis_text(c, pop, ps->basis), *partial = NULL;
  double headline = !ps->periods_overlap && isfinite(ps->total) ? ps->total : ps->latest_value;
  int nbasis = !ps->periods_overlap && isfinite(ps->total) ? ps->nperiods : 1;
  if (origin && ps->norigin_periods && ps->norigin_periods < nbasis) {
    mtm_buf kb, wb;
    mtm_buf_init(&kb);
    mtm_buf_init(&wb);
    for (int i = 0; i < ps->norigin_periods; i++) {
      mtm_buf_printf(&kb, "%s%s", i ? "+" : "", ps->origin_periods[i]);
      mtm_buf_printf(&wb, "%s%s", i == 0 ? "" : i == ps->norigin_periods - 1 ? rp_text(c, "list_and") : ", ",
                     rp_period_text(c, ps->origin_periods[i]));
    }
    basis = mtm_arena_strdup(c->a, kb.p);
    span = partial = mtm_arena_strdup(c->a, wb.p);
    headline = ps->origin_periods_total;
    mtm_buf_free(&kb);
    mtm_buf_free(&wb);
  }
  const char *what = mtm_arena_printf(c->a, "%s (%s)", rp_pop_label(c, pop), span);
  int n = origin ? ps->ntop_origins : ps->ntop_regions;
  const mtm_bma_share *sh = origin ? ps->top_origins : ps->top_regions;
  double list_sum = origin ? ps->top_origins_sum : ps->top_regions_sum;
  const char *top = rp_arg_get(t, "top");
  int lim = top ? atoi(top) : 5;
  if (lim < 1) lim = 1;
  const char *method = mtm_bma_method_sentence_lang(r->method, c->lang_code);
  int f = rp_fig_new(c, MTM_FIG_TABLE, t);
  mtm_fig *fg = &c->figs[f];
  table_alloc(c, fg, n + 3, 3);
  fg->cells[0] = rp_text(c, origin ? "origin" : "region");
  fg->cells[1] = rp_text(c, "value");
  fg->cells[2] = rp_text(c, "share");
  fg->sources = mtm_arena_zalloc(c->a, (size_t)(2 * n + 6) * sizeof *fg->sources);
  int rows = 0;
  double ov = NAN, ow = 0;
  long ot = 0;
  for (int i = 0; i < n; i++) {
    if (!isfinite(sh[i].value)) continue;
    if (rows >= lim || !strcmp(sh[i].key, "other")) { /* the rest, beyond the top asked for */
      ov = isnan(ov) ? sh[i].value : ov + sh[i].value;
      ow += sh[i].whole;
      ot += sh[i].tenths;
      continue;
    }
    rows++;
    const char *name = sh[i].name ? sh[i].name : sh[i].key;
    if (origin) {
      const char *cn = mtm_geo_country_name(sh[i].key, c->lang_code);
      if (cn) name = cn;
    }
    bma_row(c, fg, rows, what, name,
            mtm_arena_printf(c->a, "bma @/@ %s %%/%% %s @/@ %s %%/%% %s", pop, basis, by, sh[i].key),
            sh[i].value, sh[i].whole, sh[i].tenths, method);
  }
  if (isfinite(ov)) {
    rows++;
    bma_row(c, fg, rows, what, rp_text(c, "others"),
            mtm_arena_printf(c->a, "bma @/@ %s %%/%% %s @/@ %s %%/%% other", pop, basis, by), ov, ow,
            ot, method);
  }
  /* the total row: for regions the headline's own figure and key */
  int same = isfinite(list_sum) && isfinite(headline) && fabs(list_sum - headline) <= 1e-9 * fmax(1, fabs(headline));
  if (isfinite(list_sum)) {
    rows++;
    const char *k = !origin && same ? mtm_arena_printf(c->a, "bma @/@ %s %%/%% %s @/@ admin0", pop, basis)
                                    : mtm_arena_printf(c->a, "bma @/@ %s %%/%% %s @/@ %s %%/%% total", pop, basis, by);
    bma_row(c, fg, rows, what, rp_text(c, "total"), k, !origin && same ? headline : list_sum,
            floor(list_sum + 0.5), 1000, method);
    if (!origin && same) { /* the headline's question, as {{bma total}} words it */
      fg->sources[fg->nsources - 2].question = mtm_arena_printf(c->a, "%s (%s)", rp_pop_label(c, pop), span);
      fg->sources[fg->nsources - 2].shown = rp_count_text(c, headline);
    }
  }
  fg->nrows = rows + 1;
  c->ntable++;
  fg->caption = mtm_arena_printf(c->a, "%s %d. %s: %s (%s)", rp_text(c, "table"), c->ntable,
                                 rp_text(c, origin ? "top_origins" : "top_regions"), rp_pop_label(c, pop), span);
  /* the base of the shares, then the rounding, then the method */
  const char *base;
  if (!origin || same)
    base = mtm_arena_printf(c->a, rp_text(c, origin ? "bma_base_origins_total" : "bma_base_regions"),
                            rp_count_text(c, list_sum));
  else
    base = mtm_arena_printf(c->a, rp_text(c, r->method == MTM_BMA_MEDIAN ? "bma_base_origins" : "bma_base_origins_other"),
                            rp_count_text(c, list_sum),
                            rp_count_text(c, list_sum), rp_count_text(c, headline));
  if (partial) base = mtm_arena_printf(c->a, "%s %s", mtm_arena_printf(c->a, rp_text(c, "bma_origins_periods"), partial), base);
  fg->note = mtm_arena_printf(c->a, "%s %s %s %s.", base, rp_text(c, "bma_rounded"), rp_text(c, "area_figure"),
                              method);
  fg->data_file = mtm_arena_printf(c->a, "data/table-%02d-%s-%s.csv", c->ntable, slug(c, pop), by);
  *fig = f;
  return 0;
}

int rp_eval_table(rp_ctx *c, const rp_tag *t, int *fig) {
  /* Shares of every answer, overall and by group. */
  if (rp_arg_pos(t, 0) && !strcmp(rp_arg_pos(t, 0), "bma")) return table_bma(c, t, fig);
  const char *q = rp_arg_get(t, "q"), *by = rp_arg_get(t, "by");
  const mtm_frame_col *col;
  int rc = rp_question(c, t, q, &col);
  if (rc) return rc;
  if (col->kind == MTM_FRAME_NUM)
    return rp_fail(c, t, "a table shows the shares of a choice question; '%s' is a number", q);
  const char *atype = col->kind == MTM_FRAME_CODES ? "prop_select_one" : "prop_select_multiple";
  rp_run *run;
  if ((rc = rp_run_get(c, t, atype, q, rp_arg_get(t, "filter"), by, &run))) return rc;
  const mtm_analysis_result *res = &run->now;
  const char *gv[8], *gl[8];
  int ng = by ? group_values(res, gv, gl, 8) : 0;
  int nl = col->kind == MTM_FRAME_CODES ? col->nlevels : col->nlist;
  const char **levels = mtm_arena_zalloc(c->a, (size_t)(nl + 1) * sizeof *levels);
  nl = answer_values(col, res, levels, nl + 1);
  mtm_disclose_rule rule = rp_public_rule(c);
  int marked = 0;
  int f = rp_fig_new(c, MTM_FIG_TABLE, t);
  mtm_fig *fg = &c->figs[f];
  table_alloc(c, fg, nl + 2, ng + 2);
  int nc = ng + 2;
  fg->cells[0] = rp_qlabel(c, col);
  fg->cells[1] = rp_text(c, "overall");
  for (int g = 0; g < ng; g++) {
    long r0 = row_of(res, NULL, gv[g]);
    fg->cells[2 + g] = r0 >= 0 ? rp_group_title(c, &res->rows[r0]) : gl[g];
  }
  fg->sources = mtm_arena_zalloc(c->a, (size_t)(nl * (ng + 1) + 1) * sizeof *fg->sources);
  int rows = 0;
  for (int i = 0; i < nl; i++) {
    long r = row_of(res, levels[i], NULL);
    if (r < 0) continue;
    rows++;
    fg->cells[rows * nc] = res->rows[r].value_label ? res->rows[r].value_label : levels[i];
    for (int g = -1; g < ng; g++) {
      long rr = g < 0 ? r : row_of(res, levels[i], gv[g]);
      if (rr < 0) continue;
      const char *pt = rp_pct_text(c, rp_share_pct(res, (size_t)rr));
      if (c->o->public_ && mtm_disclose_row_indicative(&res->rows[rr], &rule)) {
        pt = mtm_arena_printf(c->a, "%s\xE2\x80\xA0", pt); /* indicative: a small base */
        marked = 1;
      }
      fg->cells[rows * nc + 2 + g] = pt;
      rp_source_row(c, &fg->sources[fg->nsources], &res->rows[rr], pt);
      ((int *)fg->cell_src)[rows * nc + 2 + g] = fg->nsources++;
    }
  }
  /* the n row */
  rows++;
  fg->cells[rows * nc] = "n";
  for (int g = -1; g < ng; g++) {
    long rr = row_of(res, levels[0], g < 0 ? NULL : gv[g]);
    for (int i = 0; rr < 0 && i < nl; i++) rr = row_of(res, levels[i], g < 0 ? NULL : gv[g]);
    if (rr >= 0) fg->cells[rows * nc + 2 + g] = group_n_text(c, res->rows[rr].e.n_total);
  }
  fg->nrows = rows + 1;
  c->ntable++;
  const char *bylabel = NULL;
  if (by) {
    const mtm_frame_col *bc = rp_col_in(c, rp_col_frame(c, col)->repeat, by); /* a repeat's too */
    bylabel = bc ? rp_qlabel(c, bc) : by;
  }
  const char *rep = rp_col_frame(c, col)->repeat; /* "Household members: Works" */
  c->note_rep = rep;
  const char *ql = cap_label(c, col);
  c->note_rep = NULL;
  fg->caption = bylabel ? mtm_arena_printf(c->a, "%s %d. %s (%s)", rp_text(c, "table"), c->ntable,
                                           ql, mtm_arena_printf(c->a, rp_text(c, "by_label"), bylabel))
                        : mtm_arena_printf(c->a, "%s %d. %s", rp_text(c, "table"), c->ntable, ql);
  c->note_rep = rep;
  fg->note = public_note(c, by_area(c, by));
  c->note_rep = NULL;
  if (fg->note) fg->note = mtm_arena_printf(c->a, "%s.", rp_capital(c, fg->note));
  if (marked)
    fg->note = mtm_arena_printf(c->a, "%s%s", fg->note ? fg->note : "",
                                mtm_arena_printf(c->a, rp_text(c, "m_flag"), rule.flag_below));
  fg->data_file = mtm_arena_printf(c->a, "data/table-%02d-%s.csv", c->ntable, slug(c, q));
  *fig = f;
  return 0;
}

int rp_eval_tiles(rp_ctx *c, const rp_tag *t, int *fig) {
  /* Key highlight tiles: respondents, the baseline's coverage and total,
   * and shares named by share=Q:V,Q:V. */
  mtm_fig_tile tiles[16];
  mtm_fig_source srcs[16];
  int n = 0;
  const char *txt;
  const char *base = rp_arg_get(t, "base"), *filter = rp_arg_get(t, "filter");
  int with_base = !base || strcmp(base, "no");
  if (with_base) {
    rp_count_respondents(c, &srcs[n], &txt);
    tiles[n] = (mtm_fig_tile){txt, rp_text_n(c, "respondents_interviewed_n", srcs[n].value), n};
    n++;
  }
  const char *cnt = rp_arg_get(t, "count");
  if (cnt) { /* count=Q:V: the respondents who gave that answer */
    char *q = mtm_arena_strdup(c->a, cnt), *colon = strchr(q, ':');
    rp_tag st;
    memset(&st, 0, sizeof st);
    st.name = "count";
    st.text = t->text;
    st.args[st.nargs++] = (rp_arg){"q", q};
    if (colon) {
      *colon = 0;
      st.args[st.nargs++] = (rp_arg){"value", colon + 1};
    }
    int sf;
    const char *dummy;
    int rc = rp_eval_tag(c, &st, &sf, &dummy);
    if (rc) return rc;
    srcs[n] = c->figs[sf].sources[0];
    tiles[n] = (mtm_fig_tile){c->figs[sf].text, rp_text_n(c, "sample_size_n", srcs[n].value), n};
    n++;
  }
  mtm_bma_result *r = NULL;
  int rc = with_base ? rp_bma(c, &r, NULL) : 0;
  if (rc) return rc;
  if (r) {
    rp_tag tt = *t;
    tt.nargs = 0;
    tt.args[tt.nargs++] = (rp_arg){"level", "1"};
    if ((rc = rp_bma_number(c, &tt, "areas", &srcs[n], &txt))) return rc;
    tiles[n] = (mtm_fig_tile){txt, rp_text_n(c, "regions_assessed_n", srcs[n].value), n};
    n++;
    tt.args[0].v = mtm_arena_printf(c->a, "%d", r->location_level > 0 ? r->location_level : 2);
    if ((rc = rp_bma_number(c, &tt, "areas", &srcs[n], &txt))) return rc;
    tiles[n] = (mtm_fig_tile){txt, rp_text_n(c, "districts_assessed_n", srcs[n].value), n};
    n++;
    if ((rc = rp_bma_number(c, &tt, "informants", &srcs[n], &txt))) return rc;
    tiles[n] = (mtm_fig_tile){txt, rp_text_n(c, "ki_interviewed_n", srcs[n].value), n};
    n++;
    tt.nargs = 0;
    const char *pop = rp_arg_get(t, "population");
    if (pop) tt.args[tt.nargs++] = (rp_arg){"population", pop};
    if ((rc = rp_bma_number(c, &tt, "total", &srcs[n], &txt))) return rc;
    const char *lab = rp_bma_total_label(c, pop, srcs[n].value);
    tiles[n] = (mtm_fig_tile){txt, lab ? lab : srcs[n].question, n};
    n++;
  }
  const char *autos = rp_arg_get(t, "auto");
  int nauto = autos ? atoi(autos) : 0;
  for (int i = 0; i < c->f->ncols && nauto > 0 && n < 16; i++) {
    /* the first yes/no questions that tell something (not everyone alike) */
    const mtm_frame_col *col = &c->f->cols[i];
    if (col->kind != MTM_FRAME_CODES || !col->q || col->q->type != MTM_Q_SELECT_ONE || col->nlist > 4)
      continue;
    if (rp_gap(c, col) != RP_ANSWERED) continue; /* named in the methodology's notes */
    if (rp_screening(c, col)) continue; /* consent and criteria: never a finding */
    int yes = 0;
    for (int j = 0; j < col->nlist; j++)
      if (!strcmp(col->levels[j], "yes")) yes = 1;
    if (!yes) continue;
    rp_tag st;
    memset(&st, 0, sizeof st);
    st.name = "share";
    st.text = mtm_arena_printf(c->a, "{{share q=%s value=yes}}", col->name);
    st.args[st.nargs++] = (rp_arg){"q", col->name};
    st.args[st.nargs++] = (rp_arg){"value", "yes"};
    int sf;
    const char *dummy;
    if ((rc = rp_eval_tag(c, &st, &sf, &dummy))) return rc;
    double v = c->figs[sf].sources[0].value;
    if (!(v >= 0.02 && v <= 0.98)) continue;
    srcs[n] = c->figs[sf].sources[0];
    tiles[n] = (mtm_fig_tile){c->figs[sf].text, rp_tile_caption(c, col, "yes", v), n};
    n++;
    nauto--;
  }
  const char *shares = rp_arg_get(t, "share");
  if (shares) {
    char *list = mtm_arena_strdup(c->a, shares), *save = NULL;
    for (char *it = strtok_r(list, ",", &save); it && n < 16; it = strtok_r(NULL, ",", &save)) {
      char *colon = strchr(it, ':');
      rp_tag st;
      memset(&st, 0, sizeof st);
      st.name = "share";
      st.text = t->text;
      st.args[st.nargs++] = (rp_arg){"q", it};
      if (colon) {
        *colon = 0;
        st.args[st.nargs++] = (rp_arg){"value", colon + 1};
      }
      if (filter) st.args[st.nargs++] = (rp_arg){"filter", filter};
      int sf;
      const char *dummy;
      if ((rc = rp_eval_tag(c, &st, &sf, &dummy))) return rc;
      srcs[n] = c->figs[sf].sources[0];
      const mtm_frame_col *qc = rp_col_in(c, rp_repeat_of(c, it), it); /* a repeat's too */
      const char *val = colon ? colon + 1 : "yes"; /* share_args's default */
      const char *cap = qc && val ? rp_tile_caption(c, qc, val, srcs[n].value) : srcs[n].question;
      tiles[n] = (mtm_fig_tile){c->figs[sf].text, cap, n};
      n++;
    }
  }
  int f = rp_fig_new(c, MTM_FIG_TILES, t);
  mtm_fig *fg = &c->figs[f];
  fg->ntiles = n;
  mtm_fig_tile *tl = mtm_arena_alloc(c->a, (size_t)n * sizeof *tl);
  memcpy(tl, tiles, (size_t)n * sizeof *tl);
  fg->tiles = tl;
  fg->nsources = n;
  fg->sources = mtm_arena_alloc(c->a, (size_t)n * sizeof *fg->sources);
  memcpy(fg->sources, srcs, (size_t)n * sizeof *srcs);
  *fig = f;
  return 0;
}

/* The printed annex's short list into figure fig's print cells: one row per
 * number quoted in the text or on a tile (each key once, in order of use),
 * with its indicator and question in words, the value as printed and the
 * respondents it is computed from. The charts, maps and tables show their
 * own figures; the full keys stay in the HTML and the data files. */
static void print_annex(rp_ctx *c, int fig) {
  mtm_strmap seen;
  mtm_strmap_init(&seen, c->a, 256);
  int n = 0;
  for (int f = 0; f < c->nfigs; f++)
    if (f != fig && c->figs[f].kind != MTM_FIG_CHART && c->figs[f].kind != MTM_FIG_MAP &&
        c->figs[f].kind != MTM_FIG_TABLE)
      n += c->figs[f].nsources;
  const int nc = 4;
  const char **cl = mtm_arena_zalloc(c->a, (size_t)(n + 1) * nc * sizeof *cl);
  int k = 0;
  cl[k++] = rp_text(c, "annex_print_indicator");
  cl[k++] = rp_text(c, "annex_print_value");
  cl[k++] = rp_text(c, "annex_print_n");
  cl[k++] = rp_text(c, "annex_print_question");
  for (int f = 0; f < c->nfigs; f++) {
    const mtm_fig *g = &c->figs[f];
    if (f == fig || g->kind == MTM_FIG_CHART || g->kind == MTM_FIG_MAP || g->kind == MTM_FIG_TABLE)
      continue;
    for (int i = 0; i < g->nsources; i++) {
      const mtm_fig_source *s = &g->sources[i];
      if (!s->key || !s->shown || !*s->shown || mtm_strmap_get(&seen, s->key) >= 0) continue;
      mtm_strmap_put(&seen, s->key, 1);
      const char *ind = s->indicator ? s->indicator : s->question ? s->question : s->key;
      const char *rd = strstr(s->key, " @/@ round %/% ");
      if (rd && s->indicator) { /* a compared round's figure names its round */
        mtm_buf rb;
        mtm_buf_init(&rb);
        mtm_prose_round(&rb, c->lang, atoi(rd + strlen(" @/@ round %/% ")), 1);
        ind = mtm_arena_printf(c->a, "%s, %s", ind, rb.p ? rb.p : "");
        mtm_buf_free(&rb);
      }
      double base = isfinite(s->n_total) ? s->n_total : s->n;
      cl[k++] = ind;
      cl[k++] = s->shown;
      cl[k++] = isfinite(base) ? rp_count_text(c, base) : "";
      cl[k++] = s->indicator ? (s->qlabel ? s->qlabel : "") : "";
    }
  }
  mtm_fig *fg = &c->figs[fig];
  fg->print_cells = cl;
  fg->print_ncols = nc;
  fg->print_nrows = k / nc;
  fg->print_caption = rp_text(c, "annex_print_caption");
  fg->print_lead = mtm_arena_printf(c->a, rp_text(c, "annex_print_lead"), "data/annex-indicators.csv");
}

void rp_fill_annex(rp_ctx *c, int fig) {
  /* One row per distinct key of every other figure, in order of use; a
   * map's per-area figures are one row pointing to its data file. The
   * baseline's method, the same for every baseline row, is stated once
   * above the table; the filter column only when some indicator has one. */
  mtm_strmap seen;
  mtm_strmap_init(&seen, c->a, 256);
  int n = 0, any_filter = 0;
  for (int f = 0; f < c->nfigs; f++)
    for (int i = 0; f != fig && i < c->figs[f].nsources; i++) {
      n++;
      if (c->figs[f].sources[i].filter && *c->figs[f].sources[i].filter) any_filter = 1;
    }
  const char *method = c->bma ? mtm_bma_method_sentence_lang(c->bma->method, c->lang_code) : NULL;
  int nc = any_filter ? 5 : 4, has_method = 0;
  mtm_fig *fg = &c->figs[fig];
  table_alloc(c, fg, n + 1, nc);
  const char **cl = fg->cells;
  int k = 0;
  cl[k++] = rp_text(c, "annex_key");
  cl[k++] = rp_text(c, "annex_question");
  if (any_filter) cl[k++] = rp_text(c, "annex_filter");
  cl[k++] = rp_text(c, "annex_denominator");
  cl[k++] = rp_text(c, "annex_n");
  for (int f = 0; f < c->nfigs; f++) {
    if (f == fig) continue;
    const mtm_fig *g = &c->figs[f];
    if (g->kind == MTM_FIG_MAP && g->group_key && g->nsources > 0) {
      if (mtm_strmap_get(&seen, g->group_key) >= 0) continue;
      mtm_strmap_put(&seen, g->group_key, 1);
      double ki = 0;
      for (int i = 0; i < g->nsources; i++) {
        mtm_strmap_put(&seen, g->sources[i].key, 1);
        if (isfinite(g->sources[i].n)) ki += g->sources[i].n;
      }
      cl[k++] = g->group_key;
      cl[k++] = g->group_question;
      if (any_filter) cl[k++] = "";
      cl[k++] = mtm_arena_printf(c->a, rp_text(c, "annex_map_rows"), g->nsources,
                                 g->data_file ? g->data_file : "");
      cl[k++] = rp_count_text(c, ki);
      continue;
    }
    for (int i = 0; i < g->nsources; i++) {
      const mtm_fig_source *s = &g->sources[i];
      if (!s->key || mtm_strmap_get(&seen, s->key) >= 0) continue;
      mtm_strmap_put(&seen, s->key, 1);
      const char *den = s->denominator ? s->denominator : "";
      if (method && !strcmp(den, method)) {
        den = "";
        has_method = 1;
      }
      cl[k++] = s->key;
      cl[k++] = s->question;
      if (any_filter) cl[k++] = s->filter ? s->filter : "";
      cl[k++] = den;
      cl[k++] = isfinite(s->n) ? rp_count_text(c, s->n) : "";
    }
  }
  fg->nrows = k / nc;
  print_annex(c, fig);
  fg->caption = rp_text(c, "annex_caption");
  if (has_method) fg->lead = mtm_arena_printf(c->a, rp_text(c, "annex_bma_note"), method);
  fg->compact = 1;
  fg->data_file = "data/annex-indicators.csv";
}
