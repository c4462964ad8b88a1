/* Questions without an answer in the reported round (a repeat's question:
 * without an answer in any of the repeat's instances). Real rounds have
 * them: a question whose column no imported file had, a question asked
 * only under a condition (relevant) that held for nobody, a question every
 * respondent left empty. The generated sections leave such a question out
 * and the methodology names it (rp_gaps_note); a user's tag that names one
 * fails with the reason (rp_fail_gap). */
#include "prose/prose.h"
#include "report/internal.h"

#include <jansson.h>
#include <string.h>

/* Adds to the map every string found in a mapping (an import's header ->
 * question object, whatever its nesting), the part before '/' of
 * "question/option" counting for the question. */
static void collect_targets(rp_ctx *c, json_t *j) {
  if (json_is_string(j)) {
    const char *to = json_string_value(j);
    const char *slash = strchr(to, '/');
    size_t len = slash ? (size_t)(slash - to) : strlen(to);
    mtm_strmap_put(c->exported, mtm_arena_strndup(c->a, to, len), 1);
  } else if (json_is_object(j)) {
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) collect_targets(c, v);
  } else if (json_is_array(j)) {
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v) collect_targets(c, v);
  }
}

/* Reads once which questions the round's imported files had a column
 * for; c->exported stays NULL when an import's mapping is unknown (then
 * every question counts as exported). */
static int load_exported(rp_ctx *c) {
  if (c->exported_tried) return 0;
  c->exported_tried = 1;
  mtm_store_formref fr;
  char **maps;
  int nm;
  int rc = mtm_store_form_find(c->st, c->form_id, c->a, &fr, c->err);
  if (!rc) rc = mtm_store_import_mappings(c->st, fr.id, c->o->round, c->a, &maps, &nm, c->err);
  if (rc) return rc;
  mtm_strmap *m = mtm_arena_zalloc(c->a, sizeof *m);
  mtm_strmap_init(m, c->a, 256);
  c->exported = m;
  for (int i = 0; i < nm; i++) {
    json_t *j = maps[i] ? json_loads(maps[i], 0, NULL) : NULL;
    if (!json_is_object(j)) { /* an import whose mapping is unknown */
      json_decref(j);
      c->exported = NULL;
      return 0;
    }
    collect_targets(c, j);
    json_decref(j);
  }
  return 0;
}

/* The relevant under which a question is asked: its own, else that of the
 * nearest enclosing group with one (read in the latest form version when
 * it has the question); NULL when it is always asked. */
static const char *relevant_of(rp_ctx *c, const mtm_frame_col *col) {
  const mtm_form *fm = c->f->form;
  const mtm_question *q = mtm_form_question(fm, col->name);
  if (!q) return col->q && col->q->relevant_src && *col->q->relevant_src ? col->q->relevant_src : NULL;
  for (int guard = 0; q && guard < fm->nq; guard++) {
    if (q->relevant_src && *q->relevant_src) return q->relevant_src;
    q = q->group >= 0 && q->group < fm->nq ? &fm->q[q->group] : NULL;
  }
  return NULL;
}

rp_gap_why rp_gap(rp_ctx *c, const mtm_frame_col *col) {
  /* Any row with an answer: answered. Else the reason, most telling first:
   * no column in any imported file, skip logic, left empty. */
  if (!col) return RP_ANSWERED;
  const mtm_frame *f = rp_col_frame(c, col); /* a repeat's question: its instances */
  long words = (f->nrows + 63) / 64; /* a word at a time: a row answered has its bit clear */
  const uint8_t *in = rp_domain(c, f); /* an eligible respondent's answer */
  for (long w = 0; w < words; w++) {
    long left = f->nrows - w * 64;
    uint64_t rows = left >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << left) - 1;
    uint64_t answered = ~col->missing[w] & rows;
    if (answered && !in) return RP_ANSWERED;
    for (int b = 0; answered && b < 64; b++)
      if ((answered >> b & 1) && in[w * 64 + b]) return RP_ANSWERED;
  }
  mtm_err e;
  mtm_err_clear(&e);
  mtm_err *keep = c->err;
  c->err = &e; /* a workspace that cannot say: no reason of that kind */
  int rc = load_exported(c);
  c->err = keep;
  /* the imports' mappings name the submissions' columns, not the repeat
   * sheets': a repeat's question is never said to be missing from them */
  if (!rc && c->exported && !rp_col_frame(c, col)->repeat && mtm_strmap_get(c->exported, col->name) < 0)
    return RP_NOT_EXPORTED;
  if (relevant_of(c, col)) return RP_SKIPPED;
  return RP_EMPTY;
}

int rp_fail_gap(rp_ctx *c, const rp_tag *t, const mtm_frame_col *col, rp_gap_why why) {
  /* "question 'q' has no answer in round N: <why>". */
  const char *rel = relevant_of(c, col);
  const char *rep = rp_col_frame(c, col)->repeat;
  if (rep) { /* a repeat's question: none of its instances has an answer */
    const char *unit = rp_unit(c, rep, 0);
    if (why == RP_SKIPPED)
      return rp_fail(c, t,
                     "question '%s' of repeat '%s' has no answer in round %d: it is asked only when "
                     "%s (skip logic), and none of the %s has an answer",
                     col->name, rep, c->o->round, rel ? rel : "a condition holds", unit);
    return rp_fail(c, t, "question '%s' of repeat '%s' has no answer in round %d: it was left empty for every one of the %s",
                   col->name, rep, c->o->round, unit);
  }
  switch (why) {
  case RP_NOT_EXPORTED:
    return rp_fail(c, t,
                   "question '%s' has no answer in round %d: none of the round's imported files "
                   "has a column for it",
                   col->name, c->o->round);
  case RP_SKIPPED:
    return rp_fail(c, t,
                   "question '%s' has no answer in round %d: it is asked only when %s (skip logic), "
                   "and no respondent answered it",
                   col->name, c->o->round, rel ? rel : "a condition holds");
  default:
    return rp_fail(c, t, "question '%s' has no answer in round %d: every respondent left it empty",
                   col->name, c->o->round);
  }
}

/* 1 when a question is of a kind a report shows (a choice or a number),
 * inside a repeat or not. */
static int shown_kind(const mtm_question *q) {
  return q->type == MTM_Q_SELECT_ONE || q->type == MTM_Q_SELECT_MULTIPLE ||
         q->type == MTM_Q_INTEGER || q->type == MTM_Q_DECIMAL || q->type == MTM_Q_RANGE;
}

int rp_gaps(rp_ctx *c, const mtm_frame_col ***cols, int **whys, int *n) {
  /* Every question of the form a report could show, in form order, with
   * no answer in the round; computed once. */
  if (!c->gaps_done) {
    const mtm_form *fm = c->f->form;
    c->gap_cols = mtm_arena_zalloc(c->a, (size_t)(fm->nq + 1) * sizeof *c->gap_cols);
    c->gap_whys = mtm_arena_zalloc(c->a, (size_t)(fm->nq + 1) * sizeof *c->gap_whys);
    for (int i = 0; i < fm->nq; i++) {
      if (!shown_kind(&fm->q[i])) continue;
      /* a repeat's question: its column over the repeat's instances */
      const char *rep = fm->q[i].repeat >= 0 ? rp_repeat_of(c, fm->q[i].name) : NULL;
      const mtm_frame_col *col = rp_col_in(c, rep, fm->q[i].name);
      if (!col || col->kind == MTM_FRAME_TEXT) continue;
      rp_gap_why why = rp_gap(c, col);
      if (why == RP_ANSWERED) continue;
      c->gap_cols[c->ngaps] = col;
      c->gap_whys[c->ngaps++] = why;
    }
    c->gaps_done = 1;
  }
  *cols = c->gap_cols;
  if (whys) *whys = c->gap_whys;
  *n = c->ngaps;
  return 0;
}

/* Appends the questions of one reason as a list ("“A” (`a`) and “B”
 * (`b`)"), returning how many. */
static int list_of(rp_ctx *c, rp_gap_why why, mtm_buf *md) {
  const mtm_frame_col **cols;
  int *whys;
  int n, k = 0;
  rp_gaps(c, &cols, &whys, &n);
  const char **items = mtm_arena_zalloc(c->a, (size_t)(n + 1) * sizeof *items);
  int ru = c->lang == MTM_PROSE_RU;
  for (int i = 0; i < n; i++)
    if (whys[i] == (int)why) {
      /* a repeat's question names its repeat: (`m_disabled`, household members) */
      const char *rep = rp_col_frame(c, cols[i])->repeat;
      items[k++] = mtm_arena_printf(c->a, "%s%s%s (`%s`%s%s)", ru ? "\xC2\xAB" : "\xE2\x80\x9C",
                                    rp_qlabel(c, cols[i]), ru ? "\xC2\xBB" : "\xE2\x80\x9D",
                                    cols[i]->name, rep ? ", " : "", rep ? rp_unit(c, rep, 0) : "");
    }
  if (k) mtm_prose_join(md, c->lang, k, items);
  return k;
}

int rp_gaps_note(rp_ctx *c, mtm_buf *md) {
  /* "**Questions left out.** These questions ... : A is in none of the
   * imported files; B is asked only under a condition (skip logic) and has
   * no answer; C and D were left empty by every respondent." */
  const mtm_frame_col **cols;
  int n;
  rp_gaps(c, &cols, NULL, &n);
  if (!n) return 0;
  mtm_buf_printf(md, rp_text(c, n == 1 ? "m_gaps_one" : "m_gaps_many"), c->o->round);
  static const rp_gap_why order[] = {RP_NOT_EXPORTED, RP_SKIPPED, RP_EMPTY};
  static const char *const ids[][2] = {{"m_gap_not_exported_one", "m_gap_not_exported_many"},
                                       {"m_gap_skipped_one", "m_gap_skipped_many"},
                                       {"m_gap_empty_one", "m_gap_empty_many"}};
  int parts = 0;
  for (int w = 0; w < 3; w++) {
    mtm_buf list;
    mtm_buf_init(&list);
    int k = list_of(c, order[w], &list);
    if (k) {
      const char *fmt = rp_text(c, ids[w][k > 1]);
      mtm_buf_adds(md, parts ? "; " : " ");
      mtm_buf_printf(md, fmt, list.p);
      parts++;
    }
    mtm_buf_free(&list);
  }
  mtm_buf_adds(md, ".\n\n");
  return 0;
}
