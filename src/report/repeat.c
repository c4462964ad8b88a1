/* A repeat group's questions in a report. A tag naming a question of a
 * repeat (household members' sex) is computed over the repeat's instances
 * (each member an observation, clustered by its submission), exactly as
 * mtm analyse computes it; its sentences and denominators speak of the
 * repeat's units ("household members"), not of respondents. */
#include "prose/prose.h"
#include "report/internal.h"

#include <string.h>
#include <utf8proc.h>

const char *rp_repeat_of(rp_ctx *c, const char *q) {
  /* A column of the submissions' frame is the submissions' (as analysis
   * decides: a question outside repeats wins). */
  if (!q || mtm_frame_col_find(c->f, q)) return NULL;
  return mtm_frame_repeat_of(c->f, q);
}

int rp_repeat_frame(rp_ctx *c, int then, const char *rep, mtm_frame **out) {
  /* Loaded once per round and repeat, every column (the repeat's questions
   * and the submissions' gathered onto the instances). */
  *out = NULL;
  for (int i = 0; i < c->nrep; i++)
    if (c->rep_then[i] == then && !strcmp(c->rep_name[i], rep)) {
      *out = c->rep_frame[i];
      return 0;
    }
  const mtm_frame *parent = then ? c->fc : c->f;
  if (!parent) return 0;
  if (c->nrep == (int)(sizeof c->rep_frame / sizeof c->rep_frame[0]))
    return mtm_err_set(c->err, MTM_EINVAL, "a report shows the questions of at most %d repeats",
                       c->nrep / 2);
  mtm_frame *fr = NULL;
  if (then) { /* the compared round's form may lack the repeat: no comparison */
    const char **names;
    int n = mtm_frame_repeats(parent, c->a, &names), found = 0;
    for (int i = 0; i < n; i++)
      if (!strcmp(names[i], rep)) found = 1;
    if (!found) return 0;
    mtm_err e;
    mtm_err_clear(&e);
    if (mtm_frame_load_repeat(c->st, parent, rep, NULL, &fr, &e)) return 0;
  } else {
    int rc = mtm_frame_load_repeat(c->st, parent, rep, NULL, &fr, c->err);
    if (rc) return rc;
  }
  c->rep_name[c->nrep] = mtm_arena_strdup(c->a, rep);
  c->rep_then[c->nrep] = then;
  c->rep_frame[c->nrep++] = fr;
  *out = fr;
  return 0;
}

const mtm_frame *rp_col_frame(rp_ctx *c, const mtm_frame_col *col) {
  /* The frame whose column array holds col. */
  for (int i = 0; i < c->nrep; i++) {
    const mtm_frame *f = c->rep_frame[i];
    if (f && col >= f->cols && col < f->cols + f->ncols) return f;
  }
  return c->f;
}

const mtm_frame_col *rp_col_in(rp_ctx *c, const char *rep, const char *name) {
  /* The submissions' first: their question wins, as in analysis. */
  const mtm_frame_col *col = mtm_frame_col_find(c->f, name);
  if (col || !rep) return col;
  mtm_frame *fr;
  mtm_err e;
  mtm_err_clear(&e);
  mtm_err *keep = c->err;
  c->err = &e;
  int rc = rp_repeat_frame(c, 0, rep, &fr);
  c->err = keep;
  return rc || !fr ? NULL : mtm_frame_col_find(fr, name);
}

const char *rp_unit(rp_ctx *c, const char *rep, int capital) {
  /* The begin_repeat's label in the report's language; lower-cased for
   * the middle of a sentence (rp_lower). Without a label: its name as a
   * title, en "instances of “roster”", ru "записи «roster»" in a
   * sentence. */
  const mtm_form *fm = c->f->form;
  const char *l = NULL;
  for (int i = 0; i < fm->nq; i++)
    if (fm->q[i].type == MTM_Q_BEGIN_REPEAT && !strcmp(fm->q[i].name, rep)) {
      l = mtm_form_label(fm, fm->q[i].labels, c->spec.lang);
      break;
    }
  if (!l || !*l) { /* no label: its name as a title, "instances of “roster”" in a sentence */
    if (capital) return rp_capital(c, rep);
    return c->lang == MTM_PROSE_RU ? mtm_arena_printf(c->a, "\xD0\xB7\xD0\xB0\xD0\xBF\xD0\xB8\xD1\x81\xD0\xB8 \xC2\xAB%s\xC2\xBB", rep)
                                   : mtm_arena_printf(c->a, "instances of \xE2\x80\x9C%s\xE2\x80\x9D", rep);
  }
  return capital ? rp_capital(c, l) : rp_lower(c, l);
}

const char *rp_lower(rp_ctx *c, const char *l) {
  /* the first letter lower-cased when the second is not a capital */
  if (!l || !*l) return l ? l : "";
  const unsigned char *p = (const unsigned char *)l;
  utf8proc_int32_t c1, c2;
  utf8proc_ssize_t n1 = utf8proc_iterate(p, -1, &c1);
  if (n1 <= 0) return l;
  utf8proc_ssize_t n2 = utf8proc_iterate(p + n1, -1, &c2);
  if (n2 > 0 && utf8proc_toupper(c2) == c2 && utf8proc_tolower(c2) != c2) return l;
  utf8proc_uint8_t lo[4];
  utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_tolower(c1), lo);
  return mtm_arena_printf(c->a, "%.*s%s", (int)k, (const char *)lo, l + n1);
}

void rp_repeats_free(rp_ctx *c) {
  /* Every repeat frame loaded. */
  for (int i = 0; i < c->nrep; i++)
    if (c->rep_frame[i]) mtm_frame_free(c->rep_frame[i]);
  c->nrep = 0;
}
