/* mtm frame: dump a form's columnar frame for a round (for debugging). */
#include "cli/cli.h"
#include "frame/frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_name(mtm_frame_kind k) {
  /* The word the summary prints for a column kind. */
  switch (k) {
  case MTM_FRAME_CODES: return "codes";
  case MTM_FRAME_BITS: return "bits";
  case MTM_FRAME_NUM: return "numbers";
  default: return "text";
  }
}

/* Prints one line per column: kind, missing count and, for selects, the
 * levels (codes) or choices (bits). */
static void summary(const mtm_frame *f, mtm_buf *b) {
  if (f->repeat) {
    int np = 0;
    for (int i = 0; i < f->ncols; i++) np += f->cols[i].from_parent;
    mtm_buf_printf(b,
                   "form '%s', round %d, repeat '%s': %ld rows (instances), %d columns (%d of "
                   "the submission; not cached)\n",
                   f->form_id, f->round, f->repeat, f->nrows, f->ncols, np);
  } else
    mtm_buf_printf(b, "form '%s', round %d: %ld rows, %d columns (%s)\n", f->form_id, f->round,
                   f->nrows, f->ncols, f->from_cache ? "from the cache" : "decoded and cached");
  for (int i = 0; i < f->ncols; i++) {
    const mtm_frame_col *c = &f->cols[i];
    long miss = 0;
    for (long r = 0; r < f->nrows; r++) miss += mtm_frame_is_missing(c, r);
    mtm_buf_printf(b, "%s: %s, %ld missing", c->name, kind_name(c->kind), miss);
    if (c->kind == MTM_FRAME_CODES || c->kind == MTM_FRAME_BITS) {
      int n = c->kind == MTM_FRAME_CODES ? c->nlevels : c->nlist;
      mtm_buf_printf(b, ", %d in the list", c->nlist);
      if (c->kind == MTM_FRAME_CODES && n > c->nlist) mtm_buf_printf(b, ", %d not", n - c->nlist);
      mtm_buf_adds(b, ":");
      for (int k = 0; k < n; k++) mtm_buf_printf(b, " %d=%s", k, c->levels[k]);
      if (c->kind == MTM_FRAME_BITS) mtm_buf_printf(b, " %d=(other values)", c->nlist);
    }
    mtm_buf_addc(b, '\n');
  }
}

/* Writes the rows as CSV: _id, _uuid (a repeat frame: its submission's,
 * then _position), then the columns' values. */
static void csv(const mtm_frame *f, mtm_buf *b, mtm_arena *a) {
  mtm_buf_adds(b, f->repeat ? "_id,_uuid,_position" : "_id,_uuid");
  for (int i = 0; i < f->ncols; i++) {
    mtm_buf_addc(b, ',');
    mtm_buf_add_csv(b, f->cols[i].name);
  }
  mtm_buf_addc(b, '\n');
  for (long r = 0; r < f->nrows; r++) {
    mtm_buf_printf(b, "%lld,", (long long)f->ids[r]);
    mtm_buf_add_csv(b, mtm_frame_uuid(f, r));
    if (f->repeat) mtm_buf_printf(b, ",%d", f->positions[r]);
    for (int i = 0; i < f->ncols; i++) {
      mtm_buf_addc(b, ',');
      const char *v = mtm_frame_value(&f->cols[i], r, a);
      if (v) mtm_buf_add_csv(b, v);
    }
    mtm_buf_addc(b, '\n');
    mtm_arena_reset(a);
  }
}

int mtm_cmd_frame(mtm_cli *cli, int argc, char **argv) {
  /* Loads the frame (rebuilding the cache when stale) and prints it. */
  const char *form = NULL, *round = NULL, *cols = NULL, *format = NULL, *out = NULL,
             *text = NULL, *nocache = NULL, *repeat = NULL;
  mtm_opt opts[] = {{"form", 1, &form},     {"round", 1, &round},      {"columns", 1, &cols},
                    {"format", 1, &format}, {"out", 1, &out},          {"text", 0, &text},
                    {"no-cache", 0, &nocache}, {"repeat", 1, &repeat}, {0}};
  int i = mtm_cli_parse("frame", argc, argv, opts);
  if (i < 0) return 2;
  if (i < argc) return mtm_cli_usage("frame", "unexpected argument '%s'", argv[i]);
  if (!form) return mtm_cli_usage("frame", "--form FORM_ID is required");
  if (!round) return mtm_cli_usage("frame", "--round N is required");
  int rn;
  if (mtm_cli_round("frame", round, &rn)) return 2;
  int fmt = mtm_cli_choice("frame", "--format", format ? format : "text", (const char *const[]){"text", "csv", NULL});
  if (fmt < 0) return 2;
  mtm_cli_ws w;
  int rc = mtm_cli_ws_open(cli, &w);
  if (rc) return rc;
  mtm_frame_opts o = {0};
  o.text = text != NULL;
  o.no_cache = nocache != NULL;
  if (cols) {
    char *c = mtm_arena_strdup(&w.a, cols);
    const char **names = mtm_arena_alloc(&w.a, sizeof *names * (strlen(c) + 1));
    char *save = NULL;
    for (char *t = strtok_r(c, ",", &save); t; t = strtok_r(NULL, ",", &save))
      names[o.ncolumns++] = t;
    o.columns = names;
  }
  /* --repeat: the submissions' frame (every default column, text too with
   * --text), then the repeat's with the columns asked. */
  mtm_frame_opts po = {0};
  po.text = o.text;
  po.no_cache = o.no_cache;
  mtm_frame *f, *parent = NULL;
  if (mtm_frame_load(w.st, form, rn, repeat ? &po : &o, repeat ? &parent : &f, &w.err) ||
      (repeat && mtm_frame_load_repeat(w.st, parent, repeat, &o, &f, &w.err))) {
    rc = mtm_cli_fail(&w.err);
    mtm_frame_free(parent);
    mtm_cli_ws_close(&w);
    return rc;
  }
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_arena a;
  mtm_arena_init(&a);
  if (fmt == 1) csv(f, &b, &a);
  else summary(f, &b);
  rc = mtm_cli_write(out, &b);
  mtm_arena_free(&a);
  mtm_buf_free(&b);
  mtm_frame_free(f);
  mtm_frame_free(parent);
  mtm_cli_ws_close(&w);
  return rc;
}
