/* The generated sections of the built-in template (usable in any
 * template): one survey section per questionnaire group, nationality
 * profiles for the largest groups, the baseline section. Each expands to
 * Markdown with tags, evaluated like the template's own. */
#include "prose/prose.h"
#include "report/internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The question named name, or whose hxl tag holds hxl, with a column of
 * codes in the frame; NULL when none. hxl is an attribute without its '+'. */
static const mtm_frame_col *find_var(rp_ctx *c, const char *name, const char *hxl) {
  for (int i = 0; i < c->f->ncols; i++) {
    const mtm_frame_col *col = &c->f->cols[i];
    if (col->kind != MTM_FRAME_CODES) continue;
    if (col->q && mtm_hxl_has(col->q->hxl, NULL, hxl))
      return rp_gap(c, col) == RP_ANSWERED ? col : NULL;
  }
  const mtm_frame_col *col = mtm_frame_col_find(c->f, name);
  return col && col->kind == MTM_FRAME_CODES && rp_gap(c, col) == RP_ANSWERED ? col : NULL;
}

/* 1 when some respondent whose answer to nat is value answered col. */
static int answered_among(rp_ctx *c, const mtm_frame_col *col, const mtm_frame_col *nat,
                          const char *value) {
  int code = -1;
  for (int i = 0; i < nat->nlevels; i++)
    if (!strcmp(nat->levels[i], value)) code = i;
  if (code < 0) return 0;
  for (long r = 0; r < c->f->nrows; r++)
    if (nat->codes[r] == code && !mtm_frame_is_missing(col, r) && rp_in(c, c->f, r)) return 1;
  return 0;
}

/* 1 when a question is one a survey section shows: a choice with a handful
 * of answers or a number, never text, notes, calculations or meta. */
static int chartable(const mtm_frame_col *col) {
  if (!col->q) return 0;
  mtm_qtype t = col->q->type;
  if (t == MTM_Q_SELECT_ONE) return col->kind == MTM_FRAME_CODES && col->nlist >= 2 && col->nlist <= 15;
  if (t == MTM_Q_SELECT_MULTIPLE) return col->kind == MTM_FRAME_BITS && col->nlist <= 20;
  if (t == MTM_Q_INTEGER || t == MTM_Q_DECIMAL) return col->kind == MTM_FRAME_NUM;
  return 0;
}

/* The Markdown of one question: its sentence, chart and change. */
static int question_md(rp_ctx *c, const mtm_frame_col *col, const mtm_frame_col *sex, mtm_buf *md) {
  const char *name = col->name;
  if (col->kind == MTM_FRAME_NUM) { /* "Age: average 34, median 32." */
    mtm_buf_printf(md, "{{sentence q=%s}}\n\n{{chart q=%s}}\n\n", name, name);
    return 0;
  }
  const char *v = NULL;
  int rc = rp_finding_value(c, col, &v);
  if (rc) return rc;
  if (!v) return 0;
  if (col->kind == MTM_FRAME_CODES) { /* a question everyone answered alike tells nothing */
    rp_run *run;
    rp_tag t;
    memset(&t, 0, sizeof t);
    t.text = "{{survey_sections}}";
    if ((rc = rp_run_get(c, &t, "prop_select_one", name, NULL, NULL, &run))) return rc;
    int shown = 0; /* in a public report every share may be hidden: nothing to say */
    for (size_t i = 0; i < run->now.n; i++) {
      if (run->now.rows[i].group_var) continue;
      if (run->now.rows[i].e.est >= 0.995) return 0;
      if (isfinite(run->now.rows[i].e.est)) shown = 1;
    }
    if (!shown) return 0;
  }
  int by_sex = sex && sex != col;
  /* the author's "Forty-four per cent of respondents have a written
   * contract (women 42%, men 44%), up from 43 per cent in Round 1.", else
   * "Written contract: yes 44% (women 42%, men 44%), no 56%." */
  mtm_buf_printf(md, "{{sentence q=%s value=%s stop=no%s%s}}", name, v,
                 by_sex ? " by=" : "", by_sex ? sex->name : "");
  int then = c->fc && mtm_frame_col_find(c->fc, name) != NULL;
  const char *rep = c->fc && !then ? rp_repeat_of(c, name) : NULL;
  if (rep) { /* a repeat's question: in the compared round's instances */
    mtm_frame *ft;
    if ((rc = rp_repeat_frame(c, 1, rep, &ft))) return rc;
    then = ft && mtm_frame_col_find(ft, name);
  }
  /* a list of answers has no one share to compare: the section's
   * {{changes}} names the significant changes */
  if (then && rp_finding_phrased(c, col, v))
    mtm_buf_printf(md, "{{change q=%s value=%s lead=\", \"}}", name, v);
  mtm_buf_adds(md, ".\n\n");
  if (by_sex && col->kind == MTM_FRAME_CODES && col->nlist > 2)
    mtm_buf_printf(md, "{{chart q=%s by=%s}}\n\n", name, sex->name);
  else
    mtm_buf_printf(md, "{{chart q=%s}}\n\n", name);
  return 0;
}

/* The sex question of a repeat's instances (its own, named sex or *_sex or
 * tagged +sex, with a female and a male choice), NULL when none: a repeat's
 * shares are broken down by it. */
static const mtm_frame_col *repeat_sex(rp_ctx *c, const mtm_frame *fr) {
  for (int i = 0; i < fr->ncols; i++) {
    const mtm_frame_col *col = &fr->cols[i];
    if (col->from_parent || col->kind != MTM_FRAME_CODES || !col->q) continue;
    size_t n = strlen(col->name);
    int named = !strcmp(col->name, "sex") || (n > 4 && !strcmp(col->name + n - 4, "_sex")) ||
                mtm_hxl_has(col->q->hxl, NULL, "sex");
    int f = 0, m = 0;
    for (int k = 0; k < col->nlevels; k++) {
      if (!strcmp(col->levels[k], "female")) f = 1;
      if (!strcmp(col->levels[k], "male")) m = 1;
    }
    if (named && f && m && rp_gap(c, col) == RP_ANSWERED) return col;
  }
  return NULL;
}

/* The section of a repeat group (begin_repeat at index ri): its label as
 * the title, the base (its instances and the respondents who listed them),
 * then each of its own questions as a survey section shows them, over the
 * instances. Nothing when no instance answered any of them. */
static int repeat_section(rp_ctx *c, int ri, mtm_buf *md) {
  const mtm_form *fm = c->f->form;
  const char *rep = fm->q[ri].name;
  mtm_frame *fr;
  int rc = rp_repeat_frame(c, 0, rep, &fr);
  if (rc) return rc;
  if (!fr || !fr->nrows) return 0;
  const mtm_frame_col *sex = repeat_sex(c, fr);
  int any = 0;
  for (int j = 0; j < fm->nq; j++) {
    const mtm_question *q = &fm->q[j];
    if (q->repeat != ri || mtm_frame_col_find(c->f, q->name)) continue; /* the submissions' wins */
    const mtm_frame_col *col = mtm_frame_col_find(fr, q->name);
    if (!col || col->from_parent || !chartable(col) || rp_screening(c, col)) continue;
    if (rp_gap(c, col) != RP_ANSWERED) continue; /* named in the methodology's notes */
    if (!any) {
      mtm_buf_printf(md, "# %s\n\n{{repeat_base repeat=%s}}\n\n", rp_unit(c, rep, 1), rep);
      any = 1;
    }
    if ((rc = question_md(c, col, sex, md))) return rc;
  }
  return 0;
}

/* survey_sections: a level-1 section per questionnaire group, and one per
 * repeat group (its questions over its instances), in form order. */
static int survey_sections(rp_ctx *c, mtm_buf *md) {
  const mtm_form *fm = c->f->form;
  const mtm_frame_col *sex = find_var(c, "sex", "sex");
  const mtm_frame_col *nat = find_var(c, "nationality", "nationality");
  /* area questions (choices that are P-codes of the areas) are where the
   * respondents were met: the coverage map shows them, not a chart */
  const mtm_frame_col *area1 = NULL, *area2 = NULL;
  if (rp_area_question(c, NULL, NULL, 1, &area1)) area1 = NULL;
  if (rp_area_question(c, NULL, NULL, 2, &area2)) area2 = NULL;
  /* questions outside any group first collected, shown last */
  mtm_buf chg;
  mtm_buf_init(&chg);
  for (int pass = 0; pass < 2; pass++) {
    for (int gi = pass ? -1 : 0; gi < (pass ? 0 : fm->nq); gi++) {
      if (!pass && fm->q[gi].type == MTM_Q_BEGIN_REPEAT) {
        int rc = repeat_section(c, gi, md);
        if (rc) {
          mtm_buf_free(&chg);
          return rc;
        }
        continue;
      }
      if (!pass && fm->q[gi].type != MTM_Q_BEGIN_GROUP) continue;
      int any = 0;
      for (int j = 0; j < fm->nq; j++) {
        const mtm_question *q = &fm->q[j];
        if (q->group != gi || q->repeat >= 0) continue;
        const mtm_frame_col *col = mtm_frame_col_find(c->f, q->name);
        if (!col || !chartable(col) || col == nat || col == area1 || col == area2) continue;
        /* consent and the inclusion criteria: every respondent reported met them */
        if (rp_screening(c, col)) continue;
        /* a question without answers: named in the methodology's notes (rp_gaps_note) */
        if (rp_gap(c, col) != RP_ANSWERED) continue;
        if (col->q && (mtm_hxl_has(col->q->hxl, NULL, "code") || mtm_hxl_admin(col->q->hxl) ||
                       mtm_hxl_has(col->q->hxl, "adm0", NULL)))
          continue; /* locations: the map shows them */
        if (!any) {
          mtm_buf_reset(&chg);
          const char *title = pass ? rp_text(c, "other_findings")
                                   : mtm_form_label(fm, fm->q[gi].labels, c->spec.lang);
          mtm_buf_printf(md, "# %s\n\n", title && *title ? title : fm->q[gi].name);
          any = 1;
        }
        int rc = question_md(c, col, sex, md);
        const char *v = NULL;
        if (!rc && c->fc && col->kind != MTM_FRAME_NUM && mtm_frame_col_find(c->fc, col->name))
          rc = rp_finding_value(c, col, &v);
        if (rc) {
          mtm_buf_free(&chg);
          return rc;
        }
        {
          if (v) mtm_buf_printf(&chg, "%s%s:%s", chg.n ? "," : "", col->name, v);
        }
      }
      if (chg.n) mtm_buf_printf(md, "{{changes q=%s}}\n\n", chg.p);
      mtm_buf_reset(&chg);
    }
  }
  mtm_buf_free(&chg);
  return 0;
}

/* nationality_profiles top=N: for the largest nationalities, their sample
 * and the yes/no questions' shares among them. */
static int nationality_profiles(rp_ctx *c, const rp_tag *t, mtm_buf *md) {
  const mtm_frame_col *nat = find_var(c, "nationality", "nationality");
  if (!nat) return 0;
  const char *tops = rp_arg_get(t, "top");
  int top = tops ? atoi(tops) : 2;
  rp_run *run;
  int rc = rp_run_get(c, t, "prop_select_one", nat->name, NULL, NULL, &run);
  if (rc) return rc;
  const mtm_analysis_row *pick[8];
  int np = 0;
  char used[1024] = {0};
  for (int k = 0; k < top && k < 8; k++) {
    const mtm_analysis_row *best = NULL;
    size_t bi = 0;
    for (size_t i = 0; i < run->now.n && i < sizeof used; i++) {
      const mtm_analysis_row *r = &run->now.rows[i];
      if (r->group_var || used[i] || !isfinite(r->e.est) || r->e.n < 10) continue;
      if (!best || r->e.est > best->e.est) best = r, bi = i;
    }
    if (!best) break;
    used[bi] = 1;
    pick[np++] = best;
  }
  if (!np) return 0;
  mtm_buf_printf(md, "# %s\n\n", rp_text(c, "profiles_title"));
  for (int k = 0; k < np; k++) {
    const char *v = pick[k]->analysis_var_value;
    mtm_buf_printf(md, "## %s\n\n{{tiles base=no count=%s:%s", pick[k]->value_label ? pick[k]->value_label : v,
                   nat->name, v);
    int shown = 0;
    for (int i = 0; i < c->f->ncols && shown < 7; i++) {
      const mtm_frame_col *col = &c->f->cols[i];
      if (col == nat || col->kind != MTM_FRAME_CODES || !chartable(col) || col->nlist > 4 ||
          rp_screening(c, col))
        continue;
      /* asked of nobody of this nationality (skip logic), or of nobody at all */
      if (!answered_among(c, col, nat, v)) continue;
      int yes = 0;
      for (int j = 0; j < col->nlist; j++)
        if (!strcmp(col->levels[j], "yes")) yes = 1;
      if (!yes) continue;
      rp_run *yr;
      if ((rc = rp_run_get(c, t, "prop_select_one", col->name, NULL, NULL, &yr))) return rc;
      int alike = 0;
      for (size_t r = 0; r < yr->now.n; r++)
        if (!yr->now.rows[r].group_var && yr->now.rows[r].e.est >= 0.98) alike = 1;
      if (alike) continue;
      mtm_buf_printf(md, "%s%s:yes", shown ? "," : " share=", col->name);
      shown++;
    }
    mtm_buf_printf(md, " filter=\"${%s} = '%s'\"}}\n\n%s\n\n", nat->name, v, rp_text(c, "profile_note"));
    /* the author's paragraph on this nationality (text/profile-CODE.LANG.md) */
    int plain = 1;
    for (const char *q = v; *q; q++)
      if (!isalnum((unsigned char)*q) && *q != '_' && *q != '-') plain = 0;
    if (plain) mtm_buf_printf(md, "{{text profile-%s}}\n\n", v);
  }
  return 0;
}

/* Without a baseline: the respondents by area on a map, when the survey
 * has an area question (admin1 first, else admin2) and the workspace has
 * boundaries for its level; nothing otherwise. */
static int coverage_section(rp_ctx *c, mtm_buf *md) {
  for (int level = 1; level <= 2; level++) {
    const mtm_frame_col *area;
    int rc = rp_area_question(c, NULL, NULL, level, &area);
    if (rc) return rc;
    if (!area) continue;
    mtm_store_map_area *ma;
    int n = 0;
    if ((rc = mtm_store_map_areas(c->st, level, NULL, NULL, c->lang_code, c->a, &ma, &n, c->err)))
      return rc;
    if (!n) continue;
    mtm_buf_printf(md, "# %s\n\n%s\n\n{{map q=%s level=%d}}\n\n", rp_text(c, level == 1 ? "coverage_by_region" : "coverage_district"),
                   rp_text(c, "coverage_text"), area->name, level);
    return 0;
  }
  return 0;
}

/* The catalogue id of a population's title and definition: the three
 * that MTM tracks under their usual codes, NULL for any other. */
static const char *pop_catalogue(const char *pop) {
  static const struct {
    const char *pop, *id;
  } known[] = {{"migrant_worker", "international_migrant_workers"},
               {"international_migrant_worker", "international_migrant_workers"},
               {"return_migrant", "return_migrants"},
               {"emigrant", "emigrants"}};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (!strcmp(known[i].pop, pop)) return known[i].id;
  return NULL;
}

/* The periods of a population for the reader, in time order: "2020, 2021,
 * 2022 and Q1 2023". */
static const char *period_list(rp_ctx *c, const mtm_bma_pop_summary *ps) {
  int n = ps->nperiods;
  int *ord = mtm_arena_alloc(c->a, sizeof *ord * (size_t)(n + 1)), *from = mtm_arena_alloc(c->a, sizeof *from * (size_t)(n + 1));
  for (int i = 0; i < n; i++) {
    int to;
    if (mtm_bma_period_parse(ps->periods[i], &from[i], &to)) from[i] = 0;
    int k = i;
    while (k > 0 && from[ord[k - 1]] > from[i]) ord[k] = ord[k - 1], k--;
    ord[k] = i;
  }
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < n; i++)
    mtm_buf_printf(&b, "%s%s", i == 0 ? "" : i == n - 1 ? rp_text(c, "list_and") : ", ",
                   rp_period_text(c, ps->periods[ord[i]]));
  const char *o = mtm_arena_strdup(c->a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return o;
}

/* The target populations the key-informant form records (its mapping),
 * each with its definition (MTM's three), its periods and its figure over
 * them with the districts that gave one; a population without any figure
 * is said to have none. */
static void populations(rp_ctx *c, const mtm_bma_result *r, const mtm_bma_summary *s, mtm_buf *md) {
  mtm_buf_printf(md, "%s\n\n", rp_text(c, "bma_populations"));
  for (int i = 0; i < s->npops; i++) {
    const mtm_bma_pop_summary *ps = &s->pops[i];
    const char *id = pop_catalogue(ps->population);
    const char *title = id ? rp_text(c, mtm_arena_printf(c->a, "pop_%s", id)) : rp_capital(c, rp_pop_label(c, ps->population));
    mtm_buf_printf(md, "- **%s**", title);
    if (id) mtm_buf_printf(md, ": %s", rp_lower(c, rp_text(c, mtm_arena_printf(c->a, "def_%s", id))));
    else mtm_buf_adds(md, ".");
    mtm_buf_printf(md, " %s", mtm_arena_printf(c->a, rp_text(c, "bma_pop_periods"), period_list(c, ps)));
    int reporting = 0;
    for (int k = 0; k < ps->nperiods; k++)
      if (ps->period_reporting[k] > reporting) reporting = ps->period_reporting[k];
    if (!reporting) {
      mtm_buf_printf(md, " %s\n", rp_text(c, "bma_pop_none"));
      continue;
    }
    const char *basis = !ps->periods_overlap && isfinite(ps->total) ? ps->basis : ps->latest_period;
    mtm_buf_printf(md, " %s\n",
                   mtm_arena_printf(c->a, rp_text(c, "bma_pop_data"),
                                    mtm_arena_printf(c->a, "**{{bma total population=%s}}**", ps->population),
                                    rp_basis_text(c, ps->population, basis), reporting, r->locations));
  }
  mtm_buf_adds(md, "\n");
}

/* baseline_section: the target populations and their periods, the first
 * population with data: its total with its arrivals in the latest period, its map by
 * district over the same periods (when the workspace has boundaries of the
 * level), and its top regions and origins with their totals. */
static int baseline_section(rp_ctx *c, mtm_buf *md) {
  mtm_bma_result *r;
  mtm_bma_summary *s;
  int rc = rp_bma(c, &r, &s);
  if (rc) return rc;
  if (!r) return coverage_section(c, md);
  if (!s->npops) return 0;
  /* the figures of the first population with data (the others are listed) */
  const mtm_bma_pop_summary *ps = NULL;
  for (int i = 0; i < s->npops && !ps; i++)
    for (int k = 0; k < s->pops[i].nperiods; k++)
      if (s->pops[i].period_reporting[k] > 0) ps = &s->pops[i];
  const char *pop = ps ? ps->population : NULL;
  int level = r->location_level == 1 ? 1 : 2;
  /* the map only when the workspace has boundaries of the level */
  mtm_store_map_area *ma;
  int nb = 0;
  if ((rc = mtm_store_map_areas(c->st, level, NULL, NULL, c->lang_code, c->a, &ma, &nb, c->err)))
    return rc;
  mtm_buf_printf(md, "# %s\n\n", rp_text(c, "baseline"));
  if (!ps) { /* no key informant gave any figure: nothing to map or rank */
    populations(c, r, s, md);
    return 0;
  }
  /* the total as {{bma total}} prints it, for the noun to agree with it */
  int all = !ps->periods_overlap && isfinite(ps->total);
  double tot = all ? ps->total : ps->latest_value;
  const char *total = mtm_arena_printf(c->a, "**{{bma total population=%s}}**", pop);
  const char *span = rp_basis_text(c, pop, all ? ps->basis : ps->latest_period);
  if (all && ps->nperiods > 1 && ps->latest_period) {
    const char *latest = mtm_arena_printf(c->a, "**{{bma total population=%s period=%s}}**", pop, ps->latest_period);
    if (c->lang == MTM_PROSE_RU)
      mtm_buf_printf(md, rp_text(c, "bma_headline"), rp_pop_label(c, pop), span, total,
                     rp_period_text(c, ps->latest_period), latest);
    else
      mtm_buf_printf(md, rp_text(c, "bma_headline"), total, rp_pop_count_label(c, pop, tot), span, latest,
                     rp_period_text(c, ps->latest_period));
  } else if (c->lang == MTM_PROSE_RU) {
    mtm_buf_printf(md, rp_text(c, "bma_headline_one"), rp_pop_label(c, pop), span, total);
  } else {
    mtm_buf_printf(md, rp_text(c, "bma_headline_one"), total, rp_pop_count_label(c, pop, tot), span);
  }
  mtm_buf_printf(md, " %s %s.\n\n", rp_text(c, "area_figure"), mtm_bma_method_sentence_lang(r->method, c->lang_code));
  if (nb) mtm_buf_printf(md, "{{map population=%s level=%d}}\n\n", pop, level);
  /* the populations after the map: the headline and its map open the
   * section on one page, the list and the tables fill the next */
  populations(c, r, s, md);
  mtm_buf_printf(md,
                 "{{table bma top=5 by=region population=%s}}\n\n"
                 "{{table bma top=5 by=origin population=%s}}\n\n",
                 pop, pop);
  return 0;
}

/* criteria: the survey's inclusion criteria as a list (nothing when it has
 * none). */
static int criteria(rp_ctx *c, mtm_buf *md) {
  mtm_store_formref fr;
  mtm_store_criterion *cr;
  int n;
  int rc = mtm_store_form_find(c->st, c->form_id, c->a, &fr, c->err);
  if (!rc) rc = mtm_store_criteria(c->st, fr.id, c->a, &cr, &n, c->err);
  if (rc) return rc;
  if (!n && !c->consent_q) return 0;
  const char *intro = rp_text(c, "criteria_intro");
  const char *dot = strchr(intro, '.');
  if (dot) mtm_buf_printf(md, "**%.*s**%s\n\n", (int)(dot - intro + 1), intro, dot + 1);
  else mtm_buf_printf(md, "%s\n\n", intro);
  if (c->consent_q) mtm_buf_printf(md, "- %s\n", rp_text(c, "criteria_consent"));
  for (int i = 0; i < n; i++) {
    char key[32];
    snprintf(key, sizeof key, "%ld", cr[i].id);
    const char *label = rp_user_text(c, "criterion", key, cr[i].label);
    if (label && *label) mtm_buf_printf(md, "- %s\n", label);
    else {
      mtm_buf_adds(md, "- `");
      for (const char *p = cr[i].expr; *p; p++)
        if (*p != '`' && !(*p == '{' && p[1] == '{') && !(*p == '}' && p[1] == '}'))
          mtm_buf_addc(md, *p);
      mtm_buf_adds(md, "`\n");
    }
  }
  mtm_buf_adds(md, "\n");
  return 0;
}

/* Appends a criterion as the reader sees it: its label in quotes, else
 * its expression as code. */
static void criterion_name(rp_ctx *c, const mtm_analysis_rule *r, mtm_buf *md) {
  if (r->label && *r->label) {
    mtm_buf_printf(md, c->lang == MTM_PROSE_RU ? "\xC2\xAB%s\xC2\xBB" : "\xE2\x80\x9C%s\xE2\x80\x9D", r->label);
    return;
  }
  mtm_buf_adds(md, "`");
  for (const char *p = r->expr; *p; p++)
    if (*p != '`' && !(*p == '{' && p[1] == '{') && !(*p == '}' && p[1] == '}')) mtm_buf_addc(md, *p);
  mtm_buf_adds(md, "`");
}

/* eligibility: how many records the round holds and which are left out of
 * every figure, by reason (no consent, then each criterion, each record
 * counted once, at the first rule it fails); nothing when the form has
 * neither a consent question nor criteria. */
static int eligibility(rp_ctx *c, mtm_buf *md) {
  const mtm_analysis_eligibility *el = &c->elig;
  if (!el->nrules) return 0;
  long excluded = el->nrows - el->neligible;
  if (!excluded) {
    mtm_buf_printf(md, "%s\n\n", rp_text(c, "m_eligible_all"));
    return 0;
  }
  mtm_prose_agree(md, c->lang, el->nrows, rp_text(c, "m_eligible_records"));
  mtm_prose_agree(md, c->lang, excluded, rp_text(c, "m_eligible_excluded"));
  mtm_buf_adds(md, " (");
  int k = 0, nth = 0;
  for (int i = 0; i < el->nrules; i++) {
    const mtm_analysis_rule *r = &el->rules[i];
    if (!r->consent) nth++;
    if (!r->excluded) continue;
    if (k++) mtm_buf_adds(md, "; ");
    if (r->consent) {
      mtm_buf_printf(md, "%s: {{count excluded rule=consent}}", rp_text(c, "m_eligible_consent"));
      continue;
    }
    mtm_buf b;
    mtm_buf_init(&b);
    criterion_name(c, r, &b);
    mtm_buf_printf(md, rp_text(c, "m_eligible_criterion"), b.p);
    mtm_buf_printf(md, ": {{count excluded rule=%d}}", nth);
    mtm_buf_free(&b);
  }
  mtm_buf_adds(md, "). ");
  mtm_prose_agree(md, c->lang, el->neligible, rp_text(c, "m_eligible_counted"));
  mtm_buf_adds(md, "\n\n");
  return 0;
}

/* about: what MTM is and what this round holds; the baseline is named
 * only when the round has one. */
static int about(rp_ctx *c, mtm_buf *md) {
  mtm_bma_result *r;
  int rc = rp_bma(c, &r, NULL);
  if (rc) return rc;
  /* "опрошен 1 121 респондент": the participle and noun agree with the count */
  mtm_prose_agree(md, c->lang, c->f ? rp_neligible(c) : 0, rp_text(c, r ? "about_bma" : "about_survey"));
  mtm_buf_adds(md, "\n\n");
  return 0;
}

/* 1 when phone verifications of the round's baseline form are recorded
 * (mtm bma verify), 0 when none, negative on error. */
static int has_verifications(rp_ctx *c) {
  mtm_store_formref fr;
  mtm_store_bma_verif *v;
  int n = 0;
  int rc = mtm_store_form_find(c->st, c->bma_form, c->a, &fr, c->err);
  if (!rc) rc = mtm_store_bma_verifs(c->st, fr.id, c->o->round, c->a, &v, &n, c->err);
  if (rc) return rc;
  return n > 0;
}

/* methodology: the paragraphs true of the workspace, in order: key
 * informants and consolidation (the round's baseline, with its method),
 * verification (phone calls recorded), sample (the method the round
 * records, with the saved plan; nothing when neither), inclusion criteria,
 * weighting (the template's weight question), limitations (what the
 * recorded method allows, the rounding), the questions left out for want
 * of answers, and data protection (always; --public's rule). */
static int methodology(rp_ctx *c, mtm_buf *md) {
  mtm_bma_result *r;
  int rc = rp_bma(c, &r, NULL);
  if (rc) return rc;
  if (r) {
    int verified = has_verifications(c);
    if (verified < 0) return verified;
    mtm_buf_printf(md, rp_text(c, "m_ki"), mtm_bma_method_sentence_lang(r->method, c->lang_code),
                   verified ? rp_text(c, "m_ki_verified") : ".");
    mtm_buf_adds(md, "\n\n");
    if (verified) mtm_buf_printf(md, "%s\n\n", rp_text(c, "m_verification"));
  }
  /* the sample: its method only when the round records one */
  const char *m = c->sampling;
  mtm_store_sample_plan p;
  mtm_err e;
  mtm_err_clear(&e);
  int plan = mtm_store_sample_plan_latest(c->st, c->o->round, NULL, c->a, &p, &e) == 0;
  if (m) mtm_buf_adds(md, rp_text(c, mtm_arena_printf(c->a, "m_sample_%s", m)));
  else if (plan) mtm_buf_adds(md, rp_text(c, "m_sample_head"));
  if (plan) mtm_buf_adds(md, " {{sample}}");
  if (m || plan) mtm_buf_adds(md, "\n\n");
  if ((rc = criteria(c, md)) || (rc = eligibility(c, md))) return rc;
  if (c->spec.weight) {
    const mtm_frame_col *w = mtm_frame_col_find(c->f, c->spec.weight);
    mtm_buf_printf(md, rp_text(c, "m_weighted"), w ? rp_qlabel(c, w) : c->spec.weight, c->spec.weight);
  } else {
    mtm_buf_adds(md, rp_text(c, "m_unweighted"));
  }
  /* limitations: what the recorded method allows, then the rounding */
  mtm_buf_printf(md, "\n\n%s ", rp_text(c, "m_lim_head"));
  if (m && !strcmp(m, "probability") && plan) {
    mtm_buf mg, cf;
    mtm_buf_init(&mg);
    mtm_buf_init(&cf);
    mtm_prose_percent(&mg, c->lang, p.margin, fabs(p.margin * 100 - floor(p.margin * 100 + 0.5)) < 1e-9 ? 0 : 1);
    mtm_prose_percent(&cf, c->lang, p.confidence, 0);
    mtm_buf_printf(md, rp_text(c, "m_lim_probability_plan"), mg.p, cf.p);
    mtm_buf_addc(md, ' ');
    mtm_buf_free(&mg);
    mtm_buf_free(&cf);
  } else if (m) {
    mtm_buf_printf(md, "%s ", rp_text(c, mtm_arena_printf(c->a, "m_lim_%s", m)));
  }
  mtm_buf_printf(md, "%s\n\n", rp_text(c, "m_lim_rounding"));
  if ((rc = rp_gaps_note(c, md))) return rc;
  mtm_disclose_rule rule = rp_public_rule(c); /* --public: the rule of src/disclose */
  mtm_buf_adds(md, rp_text(c, "m_protection"));
  if (c->o->public_) mtm_buf_printf(md, rp_text(c, "m_public"), rule.k, rule.k);
  if (c->o->public_ && rule.flag_below > 0) mtm_buf_printf(md, rp_text(c, "m_flag"), rule.flag_below);
  mtm_buf_adds(md, "\n\n");
  return 0;
}

int rp_generate(rp_ctx *c, const rp_tag *t, mtm_buf *md) {
  /* Dispatches the generator tags. */
  int rc;
  if (!strcmp(t->name, "survey_sections")) rc = survey_sections(c, md);
  else if (!strcmp(t->name, "nationality_profiles")) rc = nationality_profiles(c, t, md);
  else if (!strcmp(t->name, "baseline_section")) rc = baseline_section(c, md);
  else if (!strcmp(t->name, "criteria")) rc = criteria(c, md);
  else if (!strcmp(t->name, "about")) rc = about(c, md);
  else if (!strcmp(t->name, "methodology")) rc = methodology(c, md);
  else return 0;
  return rc ? rc : 1;
}
