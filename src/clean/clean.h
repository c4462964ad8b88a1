/*
 * clean: the cleaning log. Reading a log (mtm's own layout or REACH's
 * cleaningtools layout), applying it to the clean values of submissions in
 * one transaction, exporting every change in REACH's layout (CSV or XLSX),
 * and showing a submission's raw and clean values side by side.
 *
 * A log row names a submission by uuid and a question by its XLSForm name;
 * a select_multiple option may be named as REACH and KoBo write it,
 * "question.option" or "question/option", with 1/0 (TRUE/FALSE) values.
 * An answer inside a repeat is named by its instance too: an "instance"
 * column (also "position", "repeat_instance"; the 1-based position of the
 * instance in the submission, as 'mtm check' reports it), REACH's
 * "loop_index" (also "index", "_index", "X_index": the _index of the
 * instance's row in the export's repeat sheet), or the question written as
 * KoBoCAT writes a wide repeat column, "members[2]/age".
 * Actions: change, blank, remove (the submission), none (reviewed, left as
 * it is). REACH's change_type values change_response, blank_response,
 * remove_survey and no_action mean the same. Without an action column, an
 * empty question removes the submission and an empty new_value blanks,
 * except in a log made from 'mtm check --format csv' (it has rule and
 * severity columns), where a row about the whole submission (duration,
 * duplicate) is left as it is unless an action column says remove.
 *
 * Raw values are never touched: a change rewrites the clean value only, a
 * removal sets the submission's removed flag; every change goes to the
 * workspace's clean_log with who, when, why and the source file.
 *
 * Ownership rule: everything these functions return lives in the arena the
 * caller passes.
 */
#ifndef MTM_CLEAN_H
#define MTM_CLEAN_H

#include "core/core.h"
#include "store/store.h"

typedef enum {
  MTM_CLEAN_CHANGE,
  MTM_CLEAN_BLANK,
  MTM_CLEAN_REMOVE,
  MTM_CLEAN_NONE
} mtm_clean_action;

/* "change", "blank", "remove", "none". */
const char *mtm_clean_action_name(mtm_clean_action a);
/* REACH's change_type: change_response, blank_response, remove_survey, no_action. */
const char *mtm_clean_action_reach(mtm_clean_action a);

/* One row of a cleaning log, as read. Empty cells are "" (never NULL). */
typedef struct mtm_clean_row {
  long row; /* row in the file (the header is row 1) */
  const char *uuid, *question, *old_value, *new_value, *reason, *issue;
  const char *reported, *enumerator, *comment, *response;
  const char *form, *round; /* optional columns narrowing the uuid */
  /* Answers inside a repeat: the instance (its 1-based position in the
   * submission, as check reports it), or REACH's loop_index (the repeat
   * sheet's _index), and the repeat's name; "" when absent. */
  const char *instance, *loop_index, *repeat;
  mtm_clean_action action;
  int has_old; /* 0 when old_value was not given (REACH's NA) */
} mtm_clean_row;

typedef struct mtm_clean_log {
  const char *file;
  int reach;   /* 1: REACH layout (change_type); R writes NA as "", so an
                  empty old_value there means "not given" */
  int n;
  mtm_clean_row *rows;
} mtm_clean_log;

/* The column layout found in a header row. */
typedef struct mtm_clean_header {
  int uuid, question, old_value, new_value, reason, action, change_type, issue, reported,
      enumerator, comment, response, form, round, instance, loop_index, repeat, rule,
      severity; /* -1 when absent; rule and severity mark 'mtm check' output */
} mtm_clean_header;

/* Reads a header: column names are matched case-insensitively after
 * trimming, R's mangling undone ("X.U.FEFF." BOM prefix, "X_uuid", dots for
 * spaces), with aliases (uuid/_uuid/X_uuid, question/questions, ...). A log
 * needs uuid and question columns; the message names what is missing and
 * what the header holds. */
int mtm_clean_header_read(mtm_clean_header *h, int n, const mtm_slice *cells, const char *file,
                          mtm_err *err) MTM_MUST_USE;
/* Reads one data row (row = its row number in the file). An unknown action
 * is an MTM_EINVAL error naming the file, row and value. A blank row gives
 * 1 (skip it); a row 0. */
int mtm_clean_row_read(const mtm_clean_header *h, long row, int n, const mtm_slice *cells,
                       const char *file, mtm_arena *a, mtm_clean_row *out, mtm_err *err);
/* Reads a whole log file (CSV, or the first sheet of an XLSX/XLS). */
int mtm_clean_read(const char *path, mtm_arena *a, mtm_clean_log *out, mtm_err *err) MTM_MUST_USE;

/* ---- applying ------------------------------------------------------------- */

typedef struct mtm_clean_opts {
  const char *by;     /* who; NULL: $USER, else "unknown" */
  const char *form_id; /* narrows uuids to one form, may be NULL */
  int round;          /* narrows uuids to one round; -1: any */
  int skip_unknown;   /* skip (and report) rows naming an unknown uuid or
                         question instead of refusing the whole log */
  int dry_run;        /* validate only, change nothing */
} mtm_clean_opts;

typedef struct mtm_clean_report {
  int changed, blanked, removed; /* rows applied */
  int reviewed;                  /* action none: checked, nothing to do */
  int already;                   /* rows whose new value (or removal) was
                                    already in place: nothing to do */
  int skipped;                   /* unknown uuid or question under skip_unknown */
  int nproblems;                 /* refused rows (nothing applied when > 0) */
  mtm_err *problems;
  int nnotes;                    /* skipped and already-applied rows, one
                                    sentence each */
  char **notes;
} mtm_clean_report;

/* Validates every row, then applies them all in one transaction, in file
 * order (so a later row sees an earlier one's change). A row is refused
 * when its uuid or question is unknown (unless skip_unknown), when its
 * old_value no longer matches the current clean value, or when its
 * new_value cannot be typed as the question says (it is typed exactly as an
 * import types a cell, by mtm_ingest_type, and a select value must then be a
 * choice); then nothing at all is applied, every refused row is listed in
 * report->problems and the return is MTM_EINVAL with err naming the first. A row whose new value is
 * already the current value is counted as already applied, not refused, so
 * that applying a log twice changes nothing. */
int mtm_clean_apply(mtm_store *st, const mtm_clean_log *log, const mtm_clean_opts *opts,
                    mtm_arena *a, mtm_clean_report *report, mtm_err *err) MTM_MUST_USE;

/* ---- exporting ------------------------------------------------------------ */

/* The export columns: REACH cleaningtools' cleaning-log header (as in
 * cleaningtools_cleaning_log.csv, its BOM artefact removed), then mtm's. */
extern const char *const mtm_clean_export_columns[];
/* The value of column c for entry e (arena string). */
const char *mtm_clean_export_cell(const mtm_clean_entry *e, int c, mtm_arena *a);
/* Writes the log (narrowed like mtm_store_clean_log) as CSV into b. */
int mtm_clean_export_csv(mtm_store *st, long form, int round, mtm_buf *b, mtm_err *err) MTM_MUST_USE;
/* Writes the log as an XLSX workbook at path (sheet "cleaning_log"). */
int mtm_clean_export_xlsx(mtm_store *st, long form, int round, const char *path,
                          mtm_err *err) MTM_MUST_USE;

/* ---- raw and clean -------------------------------------------------------- */

typedef struct mtm_clean_field {
  const char *question;
  const char *raw;    /* the cell(s) the import read, "" when none */
  const char *column; /* the export column(s) it came from, "" when none */
  const char *clean;  /* NULL when missing */
  int differs;
  int instance;       /* the repeat instance of a field inside a repeat
                         (question then reads members[2]/age), else 0 */
} mtm_clean_field;

typedef struct mtm_clean_view {
  const char *uuid, *form_id, *version;
  int round, removed;
  long row;              /* row in the imported file */
  const char *file;      /* the imported file */
  int nfields;
  mtm_clean_field *fields;
  int nlog;
  mtm_clean_entry *log;  /* this submission's entries */
} mtm_clean_view;

/* Every field of one submission with its raw and clean value, then every
 * field of each repeat instance (named members[2]/age), and its log
 * entries (an entry inside a repeat with its question named so too). MTM_ENOTFOUND names the form, round and uuid when absent. */
int mtm_clean_show(mtm_store *st, const char *form_id, int round, const char *uuid,
                   mtm_arena *a, mtm_clean_view *out, mtm_err *err) MTM_MUST_USE;
void mtm_clean_show_text(mtm_buf *b, const mtm_clean_view *v);
void mtm_clean_show_csv(mtm_buf *b, const mtm_clean_view *v);

#endif
