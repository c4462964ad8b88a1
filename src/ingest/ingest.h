/*
 * ingest: KoboToolbox and ODK Central exports into the workspace.
 *
 *   form tables  a form version plus the lookups ingest needs (form.c)
 *   mapping      export headers -> questions, select_multiple options and
 *                system columns, by path, name or label (header.c)
 *   typing       a cell's text -> the canonical value of its question (value.c)
 *   JSON         KoBo API v2 ({count,next,previous,results}) and plain-array
 *                JSON exports read as rows (json.c)
 *   ODK zip      ODK Central's .csv.zip: its CSVs, KEY -> submission (odkzip.c)
 *   import       files -> submissions, repeat rows and cell issues, all files
 *                of one run in one transaction (import.c)
 *
 * Canonical values (what submissions.data holds): integer as decimal digits;
 * decimal as the shortest text that reads back; date YYYY-MM-DD; dateTime
 * "YYYY-MM-DDTHH:MM:SSZ" in UTC; time HH:MM:SS; select_one the choice name;
 * select_multiple the choice names in choice-list order separated by one
 * space; geopoint "lat lon alt acc"; text as given without a trailing CR. A
 * select value that is neither a name nor a label is kept as given (trimmed).
 *
 * Ownership rule: a mtm_ingest_form borrows its mtm_form (which must outlive
 * it) and owns its tables; mtm_ingest_form_free releases them. Everything
 * else a mtm_ingest_* function returns lives in the arena the caller passes,
 * except typed values, which may also point into the cell that was typed or
 * into the form (copy them before the cell or the form goes away). A
 * mtm_json_export owns the parsed document; its rows live until the next
 * call to mtm_ingest_json_next.
 */
#ifndef MTM_INGEST_H
#define MTM_INGEST_H

#include "core/core.h"
#include "form/form.h"
#include "store/store.h"

/* ---- form tables ----------------------------------------------------------- */

typedef struct mtm_ingest_form mtm_ingest_form;

/* Builds the lookup tables of a form (paths, record positions, choice
 * names and labels, header keys). Never fails but on memory exhaustion,
 * which aborts. */
mtm_ingest_form *mtm_ingest_form_new(const mtm_form *f);
void mtm_ingest_form_free(mtm_ingest_form *t);
const mtm_form *mtm_ingest_form_of(const mtm_ingest_form *t);
/* The group path of names of question i, "profile/work/sector". */
const char *mtm_ingest_path(const mtm_ingest_form *t, int i);

/* ---- header mapping -------------------------------------------------------- */

typedef enum {
  MTM_COL_RAW = 0,  /* matches nothing: kept in the raw data only */
  MTM_COL_SYSTEM,   /* a KoBo or ODK system column: kept in the raw data */
  MTM_COL_QUESTION, /* the answer to a question */
  MTM_COL_OPTION,   /* one 0/1 column of a select_multiple option */
  MTM_COL_REPEAT,   /* JSON: the array of a repeat's instances */
  MTM_COL_GROUP,    /* a group's or a note's own column (KoBo never fills
                       it): ignored */
  MTM_COL_GEO_PART  /* ODK Central's "loc-Latitude", "-Longitude", "-Altitude",
                       "-Accuracy" of a geopoint: choice is the part, 0 to 3 */
} mtm_col_kind;

typedef enum {
  MTM_SYS_OTHER = 0,     /* _id, _status, _tags, formhub/uuid, __system-*, ... */
  MTM_SYS_UUID,          /* _uuid */
  MTM_SYS_INSTANCE_ID,   /* meta/instanceID, instanceID */
  MTM_SYS_KEY,           /* ODK Central KEY */
  MTM_SYS_PLAIN_UUID,    /* a column headed "uuid" that is no question */
  MTM_SYS_SUBMITTED_AT,  /* _submission_time, SubmissionDate */
  MTM_SYS_VERSION,       /* __version__, _version_ */
  MTM_SYS_FORM_VERSION,  /* ODK Central FormVersion */
  MTM_SYS_INDEX,         /* _index */
  MTM_SYS_PARENT_INDEX,  /* _parent_index */
  MTM_SYS_PARENT_TABLE   /* _parent_table_name */
} mtm_sys_col;

typedef struct mtm_col {
  mtm_col_kind kind;
  mtm_sys_col sys;    /* for MTM_COL_SYSTEM */
  int q;              /* QUESTION, OPTION, REPEAT, GROUP: index in form->q; else -1 */
  int choice;         /* OPTION: index in the question's list; else -1 */
  const char *target; /* "age", "langs/english", "_uuid"; NULL for RAW */
  int exact;          /* QUESTION, OPTION: matched by its whole group path */
  int alt;            /* QUESTION, OPTION: -1, or the column that holds the same
                         question (or option) under another group path, which
                         this one stands in for: another version's column (see
                         mtm_ingest_map_headers) */
  int wide;           /* KoBoCAT's wide repeats ("kids[2]/name"): 1 + index in
                         the map's wide[]; 0 for any other column */
} mtm_col;

/* One repeat instance spread over columns, as KoBoCAT exports repeats:
 * "kids[2]/name", "kids[2]/age", nested "kids[2]/toys[1]/name". */
typedef struct mtm_wide {
  int q;              /* the begin_repeat question */
  const char *index;  /* the header's instance numbers, "2" or "2][1" */
  int position;       /* a repeat in no other: its [N]; nested: 0 (numbered in
                         order within the submission, as other exports are) */
  int parent;         /* the instance it is nested in (index in wide[]), -1 */
  int n;
  int *cols;          /* its columns, in file order (none for an instance
                         whose questions are all in repeats nested in it) */
} mtm_wide;

typedef struct mtm_header_map {
  int n;
  mtm_col *cols;      /* one per header */
  int r_export;       /* R-mangled headers ("X_uuid", "X.U.FEFF.start", "a.b"
                         group paths): "NA" cells mean missing */
  int nunknown;
  const char **unknown; /* the RAW headers, in file order */
  int nwide;
  mtm_wide *wide;       /* by repeat in form order, then by instance numbers */
} mtm_header_map;

/*
 * Maps the headers of one export to the form. A header is, after undoing R's
 * name mangling and a BOM, a system column, or else matched by (1) its whole
 * group path with '/', '.' or '-' between names, (2) its last segment(s) as a
 * question name, (3) its text key (mtm_text_key) as the group labels plus the
 * label, then the label alone, in any form language. Each step also tries
 * "question/option" for select_multiple option columns (option by name, then
 * by label). The first step with a match decides; two different matches are
 * ambiguous and refused, naming the candidates. file is used in messages.
 * A geopoint's path or name with "-Latitude", "-Longitude", "-Altitude" or
 * "-Accuracy" after it (ODK Central splits geopoints so) is that part of it.
 * Instance numbers in a header ("kids[2]/name") are left out of the match
 * and make the column part of a wide repeat instance (out->wide).
 *
 * Two columns for one question (or option) are refused, unless both were
 * matched by name (steps 1 and 2) under different group paths: the columns
 * of two form versions in one export, after a question moved to another
 * group or a group was renamed ("v1/hh_sex" beside "v2/hh_sex"). Then the
 * column matched by its whole path (else the first) holds the question, and
 * the other has alt set to it: the import reads it only for a submission the
 * first column has no answer for, and whose version the workspace lacks (or
 * when neither column is the version's own path).
 */
int mtm_ingest_map_headers(const mtm_ingest_form *t, int n, const char *const *headers,
                           const char *file, mtm_arena *a, mtm_header_map *out,
                           mtm_err *err) MTM_MUST_USE;

/* ---- typing ---------------------------------------------------------------- */

enum {
  MTM_TYPE_R_NA = 1,        /* "NA" is a missing value (R exports) */
  MTM_TYPE_EXCEL_SERIAL = 2 /* a number in a date column is an Excel serial date */
};

/*
 * Types one cell as question qi wants. Returns 0 with *out the canonical
 * value (out->p NULL when the cell is missing), or MTM_EINVAL with err->msg a
 * sentence such as "'abc' is not a whole number" (position left to the
 * caller). *out may point into cell, into the form, or into arena a.
 */
/* A select_one value that is a label shared by several choices (a rayon
 * named like a rayon of another region, in a labels export) names the one
 * choice that passes the question's choice_filter, the other answers read
 * through lookup (NULL: unanswered). Returns 1 and sets *out to its name when
 * exactly one passes; 0 otherwise (the value stays as given). */
int mtm_ingest_choice_by_filter(const mtm_ingest_form *t, int qi, mtm_slice v,
                                const char *(*lookup)(void *ctx, const char *name), void *ctx,
                                mtm_arena *a, mtm_slice *out);
int mtm_ingest_type(const mtm_ingest_form *t, int qi, mtm_slice cell, int flags, mtm_arena *a,
                    mtm_slice *out, mtm_err *err) MTM_MUST_USE;
/* Reads a select_multiple option column cell: *sel is 1 (1, 1.0, True,
 * true, TRUE, yes), 0 (0, 0.0, False, ...) or -1 (empty). MTM_EINVAL with
 * err->msg otherwise. */
int mtm_ingest_type_option(mtm_slice cell, int flags, int *sel, mtm_err *err) MTM_MUST_USE;
/* Joins the selected options of select_multiple question qi (sel[i] != 0
 * for choice i) in list order, in arena a. */
mtm_slice mtm_ingest_join_options(const mtm_ingest_form *t, int qi, const unsigned char *sel,
                                  mtm_arena *a);
/* Splits a canonical select_multiple value into per-choice flags (sel has
 * one entry per choice); returns the number of tokens that are no choice. */
int mtm_ingest_split_options(const mtm_ingest_form *t, int qi, mtm_slice v, unsigned char *sel);

/* ---- JSON exports ---------------------------------------------------------- */

typedef struct mtm_json_export mtm_json_export;
typedef struct mtm_json_group mtm_json_group;

/* One object: a submission or a repeat instance. */
typedef struct mtm_json_rec {
  int n;
  const char **keys;     /* as in the file, e.g. "household/members/age" */
  mtm_slice *vals;       /* scalars as text (numbers shortest, true/false), other
                            arrays and objects as compact JSON; p NULL for null */
  int ngroups;
  mtm_json_group *groups; /* arrays of objects: repeats */
} mtm_json_rec;

struct mtm_json_group {
  const char *key;
  int n;
  mtm_json_rec *items;
};

/* Opens a KoBo API v2 export ({"count", "next", "previous", "results"}) or a
 * plain array of submissions. The headers are the union of the submissions'
 * keys in order of first appearance (repeat arrays included). Errors name
 * the file and the line and column of a syntax error. */
int mtm_ingest_json_open(const char *path, mtm_json_export **out, mtm_err *err) MTM_MUST_USE;
int mtm_ingest_json_count(const mtm_json_export *j);
void mtm_ingest_json_headers(const mtm_json_export *j, int *n, const char *const **headers);
/* Reads the next submission: 1 and *rec, whose rec->vals are aligned with the
 * headers (rec->keys == the headers); 0 at the end. */
int mtm_ingest_json_next(mtm_json_export *j, mtm_arena *a, mtm_json_rec *rec,
                         mtm_err *err) MTM_MUST_USE;
void mtm_ingest_json_close(mtm_json_export *j);

/* ---- the import ------------------------------------------------------------ */

typedef struct mtm_import_opts {
  const char *form_id;
  int round;
  int keep_going;          /* store untypable cells as missing, and go on */
  const char *who;         /* NULL: $USER, else "unknown" */
  /* Submission ids, when the export has no _uuid, meta/instanceID, KEY:
   * id_column names the column that holds them (its header as written);
   * id_from_row numbers the rows "FILE#ROW" (the file's base name and the
   * row of the sheet, or the submission's number in a JSON file), which is
   * stable when the same file is imported again. Each import records which
   * (imports.id_source). */
  const char *id_column;
  int id_from_row;
  int nfiles;
  const char *const *files;
} mtm_import_opts;

typedef struct mtm_import_change {
  const char *uuid;
  const char *questions;   /* "age, sex" */
} mtm_import_change;

typedef struct mtm_import_file {
  const char *path, *name; /* as given; base name */
  const char *format;      /* "csv", "xlsx", "xls", "json", "csv.zip" */
  long rows;               /* submissions read */
  long added, changed, unchanged, duplicates;
  long repeat_rows;        /* repeat instances stored */
  long bad_cells;          /* --keep-going: cells stored as missing */
  int nchanges;
  mtm_import_change *changes;
} mtm_import_file;

typedef struct mtm_import_report {
  int round_created;       /* the round did not exist and was created */
  int nfiles;
  mtm_import_file *files;
  int nwarnings;
  const char **warnings;   /* sentences naming the file */
} mtm_import_report;

/*
 * Imports the files into form o->form_id, round o->round, in one
 * transaction: on any error nothing of any file is stored. Submissions are
 * keyed by uuid per form and round: a known uuid is counted unchanged or
 * changed (the stored data is kept), a new one is added. The round is created
 * when missing. Returns 0, or a negative MTM_E* with err naming file, row,
 * column, question and value.
 */
int mtm_ingest_import(mtm_store *st, const mtm_import_opts *o, mtm_arena *a,
                      mtm_import_report *rep, mtm_err *err) MTM_MUST_USE;

#endif
