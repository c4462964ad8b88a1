/*
 * export's internal contracts between its files (not for other modules).
 *
 * microdata.c writes a frame as microdata tables; anonymise.c decides, for
 * --anonymise, which columns go, what replaces the uuid and which values
 * are recoded or suppressed, and hands microdata.c a view of the frame.
 * The frame itself may be changed in place by anonymise.c (top-coded
 * numbers in num[], suppressed values as missing bits).
 *
 * Ownership rule: a view borrows everything; its arrays live in the arena
 * of the anonymisation, which outlives the write.
 */
#ifndef MTM_EXPORT_INTERNAL_H
#define MTM_EXPORT_INTERNAL_H

#include "export/export.h"
#include "frame/frame.h"

typedef struct ex_micro_view {
  const uint8_t *drop;           /* per column of the frame: 1 left out; NULL: none */
  const char *const *row_id;     /* per row: the id written (a pseudonym); NULL: the uuid */
  const char *id_column;         /* its header; NULL: "_uuid" */
  /* per column of the frame: NULL, or per row the text written instead of
   * the value (a band "25-34", an admin1 P-code; NULL: empty) */
  const char *const *const *recoded;
  int date_resolution;           /* dates: 0 day, 1 month (YYYY-MM), 2 year */
  int no_repeats;                /* 1: leave the repeats' tables out */
  int drop_repeat_text;          /* 1: in repeat tables, text and identifying
                                    questions are left out as in the main table */
} ex_micro_view;

/* Writes frame f (a main frame loaded with its text columns) and, unless
 * v->no_repeats, a linked table per repeat into w, through the view v
 * (NULL: the staff's complete copy). */
int ex_microdata_write(mtm_store *st, const mtm_export_opts *o, mtm_frame *f,
                       const ex_micro_view *v, mtm_pub_writer *w, mtm_err *err) MTM_MUST_USE;

/* --anonymise: loads nothing itself; given the frame f that microdata.c
 * loaded, builds the view (arena a) and the risk report (written to
 * o->risk_out, summary on stderr). */
int ex_anonymise(mtm_store *st, const mtm_export_opts *o, mtm_frame *f, mtm_arena *a,
                 ex_micro_view *v, mtm_err *err) MTM_MUST_USE;

#endif
