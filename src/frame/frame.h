/*
 * frame: a form's clean data for one round in columnar memory, the fast
 * path of every computation on the data.
 *
 * Rows are the live (not removed) submissions of the round across every
 * version of the form, in id order (the order they were imported). Columns
 * are the form's fields outside repeats: those of the latest version first,
 * then those only older versions ask. A field a row's version does not ask
 * is missing in that row.
 *
 *   select_one       codes: 0..nlist-1 index the choice list in form order;
 *                    a value not in the list gets its own code from nlist
 *                    on (its name in levels); missing is MTM_FRAME_MISSING.
 *   select_multiple  bitsets: words uint64 per row, bit i for choice i,
 *                    bit nlist when some value is not in the list (those
 *                    values, space-separated, are the row's text).
 *   integer, decimal, range, date (days since 1970), the meta "today",
 *   and a calculate whose every value is a number: doubles (NaN missing).
 *   other types: text, C strings at text + off[row] (left out unless asked).
 * Every column has a missing bitset (bit r of missing[r / 64]).
 *
 * Loading reads encoded columns cached in the workspace (store frame
 * cache). Submissions changed, removed or deleted since (a cleaning) are
 * patched in: their rows decoded again or dropped. When the columns are
 * absent or stale (an import that did not build them, a new form version,
 * a change the cached columns cannot take, such as a value needing a new
 * code) the frame is decoded from the submissions and the cache written
 * again. An import into an empty round builds the columns as it stores the
 * submissions (mtm_frame_builder).
 *
 * Ownership rule: a mtm_frame owns everything it points to (its own arena
 * and the forms it read); mtm_frame_free releases it all. A repeat frame
 * (mtm_frame_load_repeat) also borrows its parent frame's text, levels and
 * questions: free it before its parent.
 */
#ifndef MTM_FRAME_H
#define MTM_FRAME_H

#include "core/core.h"
#include "form/form.h"
#include "store/store.h"

#define MTM_FRAME_MISSING (-1)

typedef enum { MTM_FRAME_CODES = 1, MTM_FRAME_BITS, MTM_FRAME_NUM, MTM_FRAME_TEXT } mtm_frame_kind;

typedef struct mtm_frame_col {
  const char *name;
  mtm_qtype type;        /* in the latest version that asks it */
  mtm_frame_kind kind;
  const mtm_question *q; /* in that version (owned by the frame) */
  uint64_t *missing;     /* bit r set: row r has no answer */
  /* MTM_FRAME_CODES and MTM_FRAME_BITS */
  int nlist;             /* choices of the list */
  int nlevels;           /* codes: nlist + values not in the list */
  const char **levels;   /* names of the nlevels codes (bits: the nlist choices) */
  int32_t *codes;        /* codes: per row */
  int words;             /* bits: uint64 words per row */
  uint64_t *bits;        /* bits: row r at bits + r * words */
  double *num;           /* numbers: per row, NaN when missing */
  const int64_t *off;    /* text, and bits' values not in the list: nrows + 1 */
  const char *text;
  int from_parent;       /* a repeat frame: 1 for a column of the parent
                            submission, repeated on each of its instances */
} mtm_frame_col;

typedef struct mtm_frame {
  const char *form_id;
  int round;
  long nrows;
  const int64_t *ids;    /* submissions.id per row */
  const int64_t *uuid_off;
  const char *uuid_text; /* mtm_frame_uuid() */
  int ncols;
  mtm_frame_col *cols;
  int from_cache;        /* 1: every column came from the cache */
  long patched;          /* from the cache: rows changed or dropped since it was written */
  mtm_form *form;        /* the latest version */
  void *priv;
  /* A repeat frame (mtm_frame_load_repeat); NULL and 0 in a main frame. */
  const char *repeat;    /* the repeat's name */
  const struct mtm_frame *parent; /* the main frame it was read with (borrowed) */
  const long *parent_row;  /* per row: its submission's row in parent */
  const int64_t *instance_ids; /* per row: repeat_rows.id */
  const int *positions;  /* per row: the instance's position */
} mtm_frame;

typedef struct mtm_frame_opts {
  const char *const *columns; /* question names to load; NULL: every non-text column */
  int ncolumns;
  int text;                   /* with columns NULL: text columns too */
  int no_cache;               /* 1: decode from the submissions, leave the cache alone */
} mtm_frame_opts;

/* Loads the frame of form_id in round (opts may be NULL). MTM_ENOTFOUND
 * names an unknown form or a requested question the form does not have. */
int mtm_frame_load(mtm_store *st, const char *form_id, int round, const mtm_frame_opts *opts,
                   mtm_frame **out, mtm_err *err) MTM_MUST_USE;
void mtm_frame_free(mtm_frame *f);

/* Loads the frame of one repeat of the form read into parent (a main frame
 * of the same workspace, form and round, which must outlive it): a row per
 * instance of the repeat in the parent's submissions (removed submissions
 * are left out), by submission then position. ids[r] and the uuid of row r
 * are its submission's (so a design clusters on ids), parent_row[r] that
 * submission's row in parent. Columns: the repeat's own questions (the
 * fields whose innermost repeat it is, every version, latest first),
 * decoded as a main frame's, then columns of the parent gathered onto the
 * instances (from_parent, sharing the parent's text). opts->columns names
 * both kinds: a question of the repeat, else a column of parent; NULL:
 * every non-text question of the repeat (text too with opts->text) and
 * every column of parent. A name that is the repeat's own question and a
 * parent's is the repeat's. MTM_ENOTFOUND names a repeat the form does not
 * have, or a column that is neither; a question of an enclosing repeat (a
 * nested repeat) is refused with a sentence saying why: the workspace
 * links an instance to its submission, not to the enclosing instance.
 * Repeat frames are not cached (each load reads the instances); no cache
 * to invalidate when a cleaning changes them. */
int mtm_frame_load_repeat(mtm_store *st, const mtm_frame *parent, const char *repeat,
                          const mtm_frame_opts *opts, mtm_frame **out, mtm_err *err) MTM_MUST_USE;

/* The repeats of the form of f (every version, the latest's first, in
 * form order), names in arena a. */
int mtm_frame_repeats(const mtm_frame *f, mtm_arena *a, const char ***names);
/* The repeat whose data question is called name (its innermost repeat, in
 * the latest version that has it), NULL when name is no question inside a
 * repeat. A question outside repeats is not one: NULL. */
const char *mtm_frame_repeat_of(const mtm_frame *f, const char *name);
/* 1 when some version of f's form has a data question called name outside
 * every repeat. */
int mtm_frame_has_main_question(const mtm_frame *f, const char *name);
/* The repeat that encloses repeat rep (nested repeats), NULL when none. */
const char *mtm_frame_repeat_parent(const mtm_frame *f, const char *rep);
/* The data questions of repeat rep (their innermost repeat), every version
 * with names once, the latest first, in arena a; returns their number. */
int mtm_frame_repeat_questions(const mtm_frame *f, const char *rep, mtm_arena *a,
                               const mtm_question ***out);

/* The column of a question, NULL if not loaded. */
const mtm_frame_col *mtm_frame_col_find(const mtm_frame *f, const char *name);
/* 1 when row r of the column is missing. */
static inline int mtm_frame_is_missing(const mtm_frame_col *c, long r) {
  return (int)((c->missing[r >> 6] >> (r & 63)) & 1);
}
/* 1 when choice bit i is set in row r of a select_multiple column. */
static inline int mtm_frame_bit(const mtm_frame_col *c, long r, int i) {
  return (int)((c->bits[r * c->words + (i >> 6)] >> (i & 63)) & 1);
}
/* The uuid of row r. */
const char *mtm_frame_uuid(const mtm_frame *f, long r);
/* The text of row r (text columns; bits: the values not in the list), NULL
 * when missing or not kept. */
const char *mtm_frame_text(const mtm_frame_col *c, long r);
/* The value of row r as the store writes it (choice names, numbers as
 * text, dates YYYY-MM-DD), in arena a; NULL when missing. */
const char *mtm_frame_value(const mtm_frame_col *c, long r, mtm_arena *a);

/* Builds the cached columns of a round while its submissions are stored:
 * new reads the form's versions; add takes each submission (in id order;
 * it may run on another thread than new and store, never at the same
 * time); store encodes the columns and writes them into the cache (inside
 * the caller's transaction). The caller promises that the round's live
 * submissions are then exactly the ones added. */
typedef struct mtm_frame_builder mtm_frame_builder;
int mtm_frame_builder_new(mtm_store *st, const char *form_id, int round, mtm_frame_builder **out,
                          mtm_err *err) MTM_MUST_USE;
int mtm_frame_builder_add(mtm_frame_builder *fb, const mtm_submission *s,
                          mtm_err *err) MTM_MUST_USE;
int mtm_frame_builder_store(mtm_frame_builder *fb, mtm_store *st, mtm_err *err) MTM_MUST_USE;
void mtm_frame_builder_free(mtm_frame_builder *fb);

#endif
