/* Findings in words: the sentence a survey section writes for a question
 * ({{sentence q=Q}} without predicate=), from the author's report::LANG
 * phrases when the form has them ("Fifty-five per cent of respondents work
 * without a written contract (women 61%, men 54%)"), else the question's
 * label and its answers ("Sex: men 84%, women 16%"): no sentence quotes a
 * question. Also a tile's caption, and which questions are never a
 * finding (consent and screening). */
#include "prose/prose.h"
#include "report/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The answers a finding without a phrase lists at most. */
#define MAX_LISTED 5

/* A text of this file in the report's language. */
static const char *word(rp_ctx *c, const char *en, const char *ru) {
  return c->lang == MTM_PROSE_RU ? ru : en;
}

/* ---- consent and screening --------------------------------------------- */

/* 1 when the question called name is the consent question or one the
 * inclusion criteria name, as report.c found them (rp_ctx.consent_q,
 * screen_q). */
static int screening_name(rp_ctx *c, const char *name) {
  if (c->consent_q && !strcmp(c->consent_q, name)) return 1;
  for (int i = 0; i < c->nscreen; i++)
    if (!strcmp(c->screen_q[i], name)) return 1;
  return 0;
}

int rp_screening(rp_ctx *c, const mtm_frame_col *col) {
  /* The consent question and the screening questions. */
  return col && screening_name(c, col->name);
}

/* ---- phrases -------------------------------------------------------------- */

/* The author's template of a question in the report's language, NULL
 * when none. */
static const char *q_phrase(rp_ctx *c, const mtm_frame_col *col) {
  return col->q ? mtm_form_report_phrase(c->f->form, col->q->reports, c->spec.lang) : NULL;
}

/* The author's phrase of an answer, NULL when none. */
static const char *choice_phrase(rp_ctx *c, const mtm_frame_col *col, const char *value) {
  if (!col->q || !col->q->list || !value) return NULL;
  const mtm_choice *ch = mtm_form_choice(col->q->list, value);
  return ch ? mtm_form_report_phrase(c->f->form, ch->reports, c->spec.lang) : NULL;
}

/* 1 for a question of sex (named sex or *_sex, or tagged +sex). */
static int sex_question(const mtm_frame_col *col) {
  size_t n = strlen(col->name);
  return !strcmp(col->name, "sex") || (n > 4 && !strcmp(col->name + n - 4, "_sex")) ||
         (col->q && mtm_hxl_has(col->q->hxl, NULL, "sex"));
}

/* 1 when a choice's name is a code in capitals and digits ("RUS",
 * "KZ01"): the answers are then countries or places, whose names keep
 * their capital ("Russian Federation"). */
static int code_of_place(const char *value) {
  int upper = 0;
  for (const char *p = value; *p; p++) {
    if (*p >= 'A' && *p <= 'Z') upper = 1;
    else if (!(*p >= '0' && *p <= '9') && *p != '_' && *p != '-') return 0;
  }
  return upper;
}

/* An answer as a list names it, in the middle of a sentence: "men" and
 * "women" for a respondent's sex (a repeat's units, who may be children,
 * keep their label: "female"), else its label with a small letter ("construction",
 * "don't know") unless it names a place (code_of_place), else its name. */
const char *rp_answer_name(rp_ctx *c, const mtm_frame_col *col, const char *value,
                           const char *rep) {
  if (!rep && sex_question(col) && (!strcmp(value, "female") || !strcmp(value, "male")))
    return rp_text(c, !strcmp(value, "female") ? "women_lc" : "men_lc");
  if (col->q && col->q->list) {
    const mtm_choice *ch = mtm_form_choice(col->q->list, value);
    const char *l = ch ? mtm_form_label(c->f->form, ch->labels, c->spec.lang) : NULL;
    if (l && *l) return code_of_place(value) ? l : rp_lower(c, l);
  }
  return value;
}

/* A question's label as the lead of a list ("Sex"; a repeat's with its
 * units: "Sex (household members)"). */
static const char *lead_of(rp_ctx *c, const mtm_frame_col *col, const char *rep) {
  const char *l = rp_qlabel(c, col);
  if (!rep) return l;
  size_t n = strlen(l);
  while (n && (l[n - 1] == ':' || l[n - 1] == '.' || l[n - 1] == ' ')) n--;
  if (n && l[n - 1] == '?') return l;
  return mtm_arena_printf(c->a, "%.*s (%s)", (int)n, l, rp_unit(c, rep, 0));
}

/* A label and an answer as a caption: "Written contract: yes", "Do you
 * work? Yes" (the label's final ":" or "." dropped). */
static const char *label_answer(rp_ctx *c, const char *label, const char *answer) {
  size_t n = strlen(label);
  while (n && (label[n - 1] == ' ' || label[n - 1] == ':' || label[n - 1] == '.')) n--;
  if (n && label[n - 1] == '?') return mtm_arena_printf(c->a, "%.*s %s", (int)n, label, rp_capital(c, answer));
  return mtm_arena_printf(c->a, "%.*s: %s", (int)n, label, answer);
}

/* What asked_of_some gathers: the report, and whether a question the
 * relevant names is neither consent nor screening. */
typedef struct asked_ctx {
  rp_ctx *c;
  int other;
} asked_ctx;

/* Notes a question the relevant names (mtm_expr_refs's callback). */
static void asked_ref(void *ctx, const char *name) {
  asked_ctx *a = ctx;
  if (!screening_name(a->c, name)) a->other = 1;
}

/* 1 when question q is asked of some respondents only: its own relevant
 * names a question other than consent and screening (which every
 * respondent reported passed). */
static int asked_of_some(rp_ctx *c, const mtm_question *q) {
  if (!q || !q->relevant) return 0;
  asked_ctx a = {c, 0};
  mtm_expr_refs(q->relevant, asked_ref, &a);
  return a.other;
}

/* The sentence of an answer's phrase when the question has none: the
 * share of whom, then the phrase: "{share} of respondents {answer}"; a
 * question asked only of some (asked_of_some) "{share} of those asked
 * {answer}" ("{share} ответивших {answer}"); a repeat's "{share} of
 * household members {answer}" (Russian, lacking the genitive of the
 * units' label: "Члены домохозяйства: {share} — {answer}"). */
static const char *answer_template(rp_ctx *c, const mtm_frame_col *col, const char *rep) {
  if (rep && *rep) {
    if (c->lang == MTM_PROSE_RU)
      return mtm_arena_printf(c->a, "%s: {share} \xE2\x80\x94 {answer}", rp_unit(c, rep, 1));
    return mtm_arena_printf(c->a, "{share} of %s {answer}", rp_unit(c, rep, 0));
  }
  if (asked_of_some(c, col->q))
    return word(c, "{share} of those asked {answer}", "{share} ответивших {answer}");
  return word(c, "{share} of respondents {answer}", "{share} респондентов {answer}");
}

/* ---- the answer a finding reports ---------------------------------------- */

int rp_finding_value(rp_ctx *c, const mtm_frame_col *col, const char **value) {
  /* "yes" when the question has it; else the most frequent answer with a
   * phrase, when some has one; else the most frequent answer. */
  *value = NULL;
  int nl = col->kind == MTM_FRAME_CODES ? col->nlevels : col->nlist;
  for (int i = 0; i < nl; i++)
    if (!strcmp(col->levels[i], "yes")) {
      *value = "yes";
      return 0;
    }
  rp_run *run;
  rp_tag t;
  memset(&t, 0, sizeof t);
  t.text = "{{survey_sections}}";
  int rc = rp_run_get(c, &t, col->kind == MTM_FRAME_CODES ? "prop_select_one" : "prop_select_multiple",
                      col->name, NULL, NULL, &run);
  if (rc) return rc;
  for (int pass = 0; pass < 2 && !*value; pass++) {
    double best = -1;
    for (size_t i = 0; i < run->now.n; i++) {
      const mtm_analysis_row *r = &run->now.rows[i];
      if (r->group_var || !r->analysis_var_value || !isfinite(r->e.est)) continue;
      if (!pass && !choice_phrase(c, col, r->analysis_var_value)) continue;
      if (r->e.est > best) {
        best = r->e.est;
        *value = r->analysis_var_value;
      }
    }
  }
  return 0;
}

int rp_finding_phrased(rp_ctx *c, const mtm_frame_col *col, const char *value) {
  /* The question's phrase, or the answer's. */
  return q_phrase(c, col) || choice_phrase(c, col, value);
}

/* ---- tiles ------------------------------------------------------------------ */

const char *rp_tile_caption(rp_ctx *c, const mtm_frame_col *col, const char *value, double share) {
  /* The words after the share from the question's or the answer's phrase
   * ("of respondents work without a written contract"); else the label
   * and the answer ("Written contract: yes", "Do you work? Yes"). */
  const char *rep = rp_col_frame(c, col) != c->f ? rp_repeat_of(c, col->name) : NULL;
  mtm_buf b;
  mtm_buf_init(&b);
  const char *qp = q_phrase(c, col), *cp = choice_phrase(c, col, value);
  const char *out = NULL;
  if (qp && (!cp || !strstr(qp, "{answer}")) && mtm_prose_finding_caption(&b, c->lang, qp, share)) {
    out = mtm_arena_strdup(c->a, b.p);
  } else if (cp) {
    mtm_buf t;
    mtm_buf_init(&t);
    const char *tmpl = answer_template(c, col, rep), *a = strstr(tmpl, "{answer}");
    mtm_buf_printf(&t, "%.*s%s%s", (int)(a - tmpl), tmpl, cp, a + 8);
    if (mtm_prose_finding_caption(&b, c->lang, t.p, share)) out = mtm_arena_strdup(c->a, b.p);
    mtm_buf_free(&t);
  }
  if (!out) out = label_answer(c, rp_qlabel(c, col), rp_answer_name(c, col, value, rep));
  mtm_buf_free(&b);
  return out;
}

/* ---- the finding of a number question --------------------------------------- */

/* The text and source of a sub-tag (mean or median) of q. */
static int stat_of(rp_ctx *c, const rp_tag *t, const char *type, const char *q, const char **text,
                   mtm_fig_source *src) {
  rp_tag st;
  memset(&st, 0, sizeof st);
  st.name = type;
  st.text = t->text;
  st.args[st.nargs++] = (rp_arg){"q", q};
  const char *filter = rp_arg_get(t, "filter");
  if (filter) st.args[st.nargs++] = (rp_arg){"filter", filter};
  int f;
  const char *dummy;
  int rc = rp_eval_tag(c, &st, &f, &dummy);
  if (rc) return rc;
  *text = c->figs[f].text;
  *src = c->figs[f].sources[0];
  if (f == c->nfigs - 1) c->nfigs--; /* the finding holds its text and source */
  return 0;
}

/* "Age: average 34, median 32" or the author's "Half of the respondents
 * are younger than {median}". */
static int number_finding(rp_ctx *c, const rp_tag *t, const mtm_frame_col *col, int *fig) {
  const char *mean, *median;
  mtm_fig_source s[2];
  int rc = stat_of(c, t, "mean", col->name, &mean, &s[0]);
  if (!rc) rc = stat_of(c, t, "median", col->name, &median, &s[1]);
  if (rc) return rc;
  int f = rp_fig_new(c, MTM_FIG_TEXT, t);
  mtm_fig *fg = &c->figs[f];
  fg->nsources = 2;
  fg->sources = mtm_arena_alloc(c->a, sizeof s);
  memcpy(fg->sources, s, sizeof s);
  mtm_buf b;
  mtm_buf_init(&b);
  const char *qp = q_phrase(c, col);
  if (qp) {
    mtm_prose_slots sl = {NAN, NULL, mean, median, 0, 0, NULL, NULL};
    sl.agree = isfinite(s[1].value) ? (long)floor(fabs(s[1].value) + 0.5) : 5;
    mtm_prose_finding(&b, c->lang, qp, &sl);
  } else {
    const char *l = rp_qlabel(c, col);
    size_t n = strlen(l);
    while (n && (l[n - 1] == ' ' || l[n - 1] == ':' || l[n - 1] == '.')) n--;
    int question = n && l[n - 1] == '?';
    mtm_buf_printf(&b, "%.*s%s%s %s, %s %s", (int)n, l, question ? " " : ": ",
                   question ? word(c, "Average", "Среднее") : word(c, "average", "среднее"), mean,
                   word(c, "median", "медиана"), median);
  }
  const char *stop = rp_arg_get(t, "stop");
  if (!(stop && !strcmp(stop, "no"))) mtm_buf_addc(&b, '.');
  fg->text = mtm_arena_strdup(c->a, b.p ? b.p : "");
  mtm_buf_free(&b);
  *fig = f;
  return 0;
}

/* ---- the finding of a select question ---------------------------------------- */

int rp_eval_finding(rp_ctx *c, const rp_tag *t, int *fig) {
  /* {{sentence q=Q [value=V] [by=G] [filter=F] [stop=no]}}: the reported
   * answer's share with its breakdown, in the author's words or as the
   * list of answers. */
  const char *q = rp_arg_get(t, "q");
  if (!q) q = rp_arg_pos(t, 0);
  const mtm_frame_col *col;
  int rc = rp_question(c, t, q, &col);
  if (rc) return rc;
  if (col->kind == MTM_FRAME_NUM) return number_finding(c, t, col, fig);
  const char *type = col->kind == MTM_FRAME_CODES ? "prop_select_one" : "prop_select_multiple";
  const char *value = rp_arg_get(t, "value");
  if (!value && (rc = rp_finding_value(c, col, &value))) return rc;
  if (!value) return rp_fail(c, t, "no answer of '%s' has a figure in round %d", q, c->o->round);
  const char *by = rp_arg_get(t, "by"), *filter = rp_arg_get(t, "filter");
  rp_run *run;
  if ((rc = rp_run_get(c, t, type, q, filter, by, &run))) return rc;
  /* the overall rows, the reported answer first, then by share */
  const mtm_analysis_result *res = &run->now;
  size_t *ov = mtm_arena_alloc(c->a, (res->n + 1) * sizeof *ov);
  size_t gr[16];
  int nov = 0, ng = 0, me = -1;
  for (size_t i = 0; i < res->n; i++) {
    const mtm_analysis_row *r = &res->rows[i];
    if (!r->analysis_var_value) continue;
    if (!r->group_var) {
      if (!strcmp(r->analysis_var_value, value)) me = nov;
      ov[nov++] = i;
    } else if (!strcmp(r->analysis_var_value, value) && ng < 16) {
      gr[ng++] = i;
    }
  }
  if (me < 0) return rp_fail(c, t, "no figure for '%s' = '%s' in round %d", q, value, c->o->round);
  size_t first = ov[me];
  memmove(ov + 1, ov, (size_t)me * sizeof *ov);
  ov[0] = first;
  /* the other answers a list names: the largest shares, then, for a
   * single choice, put back in the form's order (a scale reads in its
   * order; several choices read largest first) */
  for (int i = 1; i < nov; i++) /* insertion sort, largest share first */
    for (int j = i; j > 1; j--) {
      double a = res->rows[ov[j]].e.est, b = res->rows[ov[j - 1]].e.est;
      if (!(isfinite(a) && (!isfinite(b) || a > b))) break;
      size_t x = ov[j];
      ov[j] = ov[j - 1];
      ov[j - 1] = x;
    }
  int top = nov < MAX_LISTED ? nov : MAX_LISTED;
  for (int i = 1; i < top && col->kind == MTM_FRAME_CODES; i++) /* rows come in the form's order */
    for (int j = i; j > 1 && ov[j] < ov[j - 1]; j--) {
      size_t x = ov[j];
      ov[j] = ov[j - 1];
      ov[j - 1] = x;
    }
  const char *rep = res->rows[first].repeat;
  int pct = rp_share_pct(res, first);
  double share = pct >= 0 ? pct / 100.0 : NAN;
  /* the breakdown: the groups' shares, a hidden one left out */
  const char **pn = mtm_arena_alloc(c->a, (size_t)(ng + 1) * sizeof *pn);
  double *ps = mtm_arena_alloc(c->a, (size_t)(ng + 1) * sizeof *ps);
  for (int i = 0; i < ng; i++) {
    int gp = rp_share_pct(res, gr[i]);
    pn[i] = rp_group_name(c, &res->rows[gr[i]]);
    ps[i] = gp >= 0 ? gp / 100.0 : NAN;
  }
  const char *qp = q_phrase(c, col), *cp = choice_phrase(c, col, value);
  mtm_buf b;
  mtm_buf_init(&b);
  size_t listed[MAX_LISTED];
  int nlist = 0;
  if (isfinite(share) && (qp || cp)) {
    mtm_prose_slots sl = {share, cp ? cp : rp_answer_name(c, col, value, rep), NULL, NULL, 0, ng, pn, ps};
    mtm_prose_finding(&b, c->lang, qp ? qp : answer_template(c, col, rep), &sl);
  } else {
    int n = top;
    const char **names = mtm_arena_alloc(c->a, (size_t)(n + 1) * sizeof *names);
    double *shares = mtm_arena_alloc(c->a, (size_t)(n + 1) * sizeof *shares);
    for (int i = 0; i < nov && nlist < n; i++) {
      int p = rp_share_pct(res, ov[i]);
      if (i > 0 && p <= 0) continue; /* no one, or hidden: left out */
      names[nlist] = rp_answer_name(c, col, res->rows[ov[i]].analysis_var_value, rep);
      shares[nlist] = p >= 0 ? p / 100.0 : NAN;
      listed[nlist++] = ov[i];
    }
    const char *l = lead_of(c, col, rep);
    const char *hidden = rp_lower(c, rp_text(c, "suppressed"));
    if (!mtm_prose_answers(&b, c->lang, l, nlist, names, shares, isfinite(shares[0]) ? ng : 0, pn, ps))
      /* every share hidden (a public report) */
      mtm_buf_adds(&b, label_answer(c, l, hidden));
    else if (!isfinite(shares[0])) /* the answer asked for is hidden: say so */
      mtm_buf_printf(&b, "; %s: %s", names[0], hidden);
  }
  /* sources: the reported answer overall, its groups, then the other
   * answers the list names */
  int nsrc = 1 + ng + (nlist > 1 ? nlist - 1 : 0);
  int f = rp_fig_new(c, MTM_FIG_TEXT, t);
  mtm_fig *fg = &c->figs[f];
  fg->nsources = nsrc;
  fg->sources = mtm_arena_zalloc(c->a, (size_t)nsrc * sizeof *fg->sources);
  rp_source_row(c, &fg->sources[0], &res->rows[first], rp_pct_text(c, pct));
  for (int i = 0; i < ng; i++)
    rp_source_row(c, &fg->sources[1 + i], &res->rows[gr[i]], rp_pct_text(c, rp_share_pct(res, gr[i])));
  for (int i = 1; i < nlist; i++)
    rp_source_row(c, &fg->sources[ng + i], &res->rows[listed[i]],
                  rp_pct_text(c, rp_share_pct(res, listed[i])));
  const char *stop = rp_arg_get(t, "stop");
  if (!(stop && !strcmp(stop, "no"))) mtm_buf_addc(&b, '.');
  fg->text = mtm_arena_strdup(c->a, b.p ? b.p : "");
  mtm_buf_free(&b);
  *fig = f;
  return 0;
}
