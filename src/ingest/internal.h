/*
 * ingest internals: shared by the files of src/ingest only. Nothing here is
 * part of the module's contract; the public API is ingest.h.
 */
#ifndef MTM_INGEST_INTERNAL_H
#define MTM_INGEST_INTERNAL_H

#include <string.h>

#include "frame/frame.h"
#include "ingest/ingest.h"

/* ---- a string -> int hash map whose keys live in an arena ----------------- */

typedef struct ing_map {
  size_t cap, n;     /* cap is a power of two */
  const char **keys; /* NULL: empty slot */
  size_t *lens;
  int *vals;
  mtm_arena *a;
} ing_map;

void ing_map_init(ing_map *m, mtm_arena *a, size_t hint);
/* Adds key -> v unless key is there already; returns the value now stored. */
int ing_map_put(ing_map *m, const char *key, size_t n, int v);
/* Replaces or adds. */
void ing_map_set(ing_map *m, const char *key, size_t n, int v);
/* The value for key, or dflt when absent. */
int ing_map_get(const ing_map *m, const char *key, size_t n, int dflt);

/* A map value below ING_AMB_BASE stands for a list of candidates:
 * t->amb[ING_AMB_BASE - v]. */
#define ING_AMB_BASE (-3)

/* ---- the per-form tables (form.c) ----------------------------------------- */

typedef struct ing_list {
  ing_map names;      /* choice name -> index */
  ing_map labels;     /* exact label in any language -> index (or ambiguous) */
  ing_map keys;       /* text key of a label or name -> index (or ambiguous) */
} ing_list;

typedef struct ing_repeat {
  int q;              /* the begin_repeat question */
  const char *name;
  const char *path;   /* "grp/rep" */
  int nf;             /* its fields (innermost repeat), in form->fields order */
  int *fq;
  int parent;         /* enclosing repeat (index into reps), -1 if none */
} ing_repeat;

struct mtm_ingest_form {
  const mtm_form *f;
  mtm_arena a;
  const char **path;  /* per question: group names joined with '/' */
  int *pos;           /* per question: index in its record (main or repeat), -1 */
  int *rep;           /* per question: index in reps of its innermost repeat, -1 */
  int *self_rep;      /* per question: for a begin_repeat, its index in reps; -1 */
  int *smi;           /* per question: its index in sm, -1 */
  int nmain;
  int *main_q;        /* questions of the main record, in order */
  int nreps;
  ing_repeat *reps;
  ing_list *lists;    /* per form->lists entry, then per question whose list
                         is or_other's copy (with "other" added) */
  int *qlist;         /* per question: index in lists, -1 */
  /* Header matching. */
  ing_map by_path;    /* "g/s/q", "g.s.q", "g-s-q" -> question (or ambiguous) */
  ing_map by_name;    /* name -> question (or ambiguous) */
  ing_map by_gkey;    /* key of group labels/names + label -> question */
  ing_map by_key;     /* key of label or name alone -> question */
  int nsm;
  int *sm;            /* select_multiple questions */
  const char ***gkeys; /* per select_multiple: keys with group labels/names */
  int *ngkeys;
  const char ***pkeys; /* per select_multiple: keys of its labels and name */
  int *npkeys;
  int namb, capamb;   /* candidate lists of ambiguous keys */
  struct ing_amb { int n; int q[8]; } *amb;
};

/* Adds key -> q to one of the header maps, turning a clash into a list of
 * candidates. */
void ing_form_add(mtm_ingest_form *t, ing_map *m, const char *key, size_t n, int q);
/* Looks key up: the number of candidates (0, 1 or more) copied into
 * out[0..max). */
int ing_form_find(const mtm_ingest_form *t, const ing_map *m, const char *key, size_t n, int *out,
                  int max);

/* ---- ODK Central's .csv.zip (odkzip.c) ------------------------------------ */

typedef struct ing_zip ing_zip;
/* 1 when the file's name ends in ".zip": read as ODK Central's export. */
int ing_zip_is(const char *path);
/* Opens the zip and finds its CSVs: the main one (FORM.csv) and one per
 * repeat (FORM-REPEAT.csv, FORM-REPEAT~N.csv); other files are left. */
int ing_zip_open(const char *path, ing_zip **out, mtm_err *err);
const char *ing_zip_main(const ing_zip *z);
int ing_zip_nrepeats(const ing_zip *z);
const char *ing_zip_repeat_member(const ing_zip *z, int i);
const char *ing_zip_repeat_name(const ing_zip *z, int i); /* "child" */
/* Reads a member whole: *bytes is malloc'd (free it). */
int ing_zip_read(ing_zip *z, const char *member, char **bytes, size_t *len, mtm_err *err);
void ing_zip_close(ing_zip *z); /* accepts NULL */
/* "uuid:x/grp/rep[2]/inner[3]" -> *path "grp/rep/inner" (arena a), *index
 * 3. Returns 0, or -1 when the KEY does not end in an instance number. */
int ing_odk_key(mtm_slice key, mtm_arena *a, const char **path, long *index);

/* KEY -> (submission, version): where the rows of a repeat CSV belong. A
 * submission 0 is one this import did not store (known already, or a
 * duplicate): its repeat rows are skipped too. */
typedef struct ing_keys {
  ing_map m;
  int64_t *sub;
  int *ver;
  long *row;
  int n, cap;
  mtm_arena a;
} ing_keys;
void ing_keys_init(ing_keys *k);
void ing_keys_free(ing_keys *k);
/* 0 when added; else the row where key was read before (-1: unknown row). */
long ing_keys_put(ing_keys *k, mtm_slice key, int64_t sub, int v, long row);
int ing_keys_get(const ing_keys *k, mtm_slice key, int64_t *sub, int *v);

/* 1 when a cell is missing as every reader sees it: empty or blank, "n/a"
 * (KoBoCAT's skipped question), or "NA" when flags has MTM_TYPE_R_NA. */
int ing_cell_missing(mtm_slice cell, int flags);

/* ---- numbers --------------------------------------------------------------- */

/* "YYYY-MM-DDTHH:MM:SSZ" for seconds since 1970, in arena a. */
mtm_slice ing_format_datetime(int64_t secs, mtm_arena *a);

/* The shortest text that reads back as v ("12", "0.5", "1e-05"). */
void ing_shortest(double v, char out[32]);

/* ---- the writer thread and the checksum thread (sink.c) ------------------- */

typedef struct ing_sink ing_sink;
/* fb (may be NULL): each stored submission is also added to it, on the
 * writer thread. */
ing_sink *ing_sink_start(mtm_store *st, int64_t form, int round, mtm_frame_builder *fb);
/* Queue operations; an error the writer met earlier is returned (and err
 * filled) by whichever call notices it. */
int ing_sink_submission(ing_sink *k, int64_t id, int64_t import, long row, const char *uuid,
                        const char *version, const char *submitted_at, const mtm_buf *raw,
                        const mtm_buf *data, mtm_err *err);
int ing_sink_repeat(ing_sink *k, int64_t sub, const char *repeat, int position,
                    const mtm_buf *raw /* NULL: none */, const mtm_buf *data, mtm_err *err);
int ing_sink_issue(ing_sink *k, int64_t sub, const char *question, const char *value,
                   const char *rule, const char *message, mtm_err *err);
/* Waits until everything queued is stored: then the caller may use the
 * store itself. */
int ing_sink_drain(ing_sink *k, mtm_err *err);
void ing_sink_stop(ing_sink *k);

typedef struct ing_sha ing_sha;
/* Starts computing the SHA-256 of the files, on a thread of its own. */
ing_sha *ing_sha_start(const char *const *paths, int n);
/* Waits for the checksums: (*hex)[i] is file i's in lower-case hex, in
 * arena a (hex NULL: just wait and release). Accepts NULL. */
int ing_sha_finish(ing_sha *h, mtm_arena *a, char ***hex, mtm_err *err);

/* mtm_record_add, inlined for the per-cell path. */
static inline void ing_rec_add(mtm_buf *b, const char *p, size_t n) {
  if (b->n + n + 12 > b->cap) mtm_buf_reserve(b, n + 12);
  unsigned char *w = (unsigned char *)b->p + b->n;
  if (!p) {
    w[0] = 0;
    w[1] = 0;
    b->n++;
    return;
  }
  uint64_t v = (uint64_t)n + 1;
  while (v >= 0x80) {
    *w++ = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  *w++ = (unsigned char)v;
  memcpy(w, p, n);
  w += n;
  *w = 0;
  b->n = (size_t)((char *)w - b->p);
}

#endif
