/*
 * store: the workspace. Every SQL statement of mtm lives in this module,
 * so that a PostgreSQL backend can be added without touching any other.
 *
 * A workspace is one SQLite file (WAL, synchronous=NORMAL) whose schema is
 * versioned with PRAGMA user_version and migrated forward on open.
 *
 * Ownership rule: strings and arrays that a mtm_store_* function returns are
 * allocated in the arena the caller passes; the store keeps nothing of the
 * caller's. Blobs passed in are copied by SQLite before the call returns.
 *
 * Transactions: mtm_store_begin/commit/rollback nest by counting; only the
 * outermost pair talks to the database. One import, one cleaning-log
 * application, one area import: one transaction.
 *
 * The functions are grouped by the module that uses them; each group's
 * implementation is in src/store/<group>.c.
 */
#ifndef MTM_STORE_H
#define MTM_STORE_H

#include "core/core.h"

typedef struct mtm_store mtm_store;

/* ---- workspace (store.c) -------------------------------------------------- */

#define MTM_STORE_SCHEMA_VERSION 17

/* Opens path. With create=0 the file must exist and be a workspace. */
int mtm_store_open(mtm_store **out, const char *path, int create, mtm_err *err) MTM_MUST_USE;
void mtm_store_close(mtm_store *st);
const char *mtm_store_path(const mtm_store *st);
int mtm_store_schema_version(mtm_store *st);

int mtm_store_begin(mtm_store *st, mtm_err *err) MTM_MUST_USE;
int mtm_store_commit(mtm_store *st, mtm_err *err) MTM_MUST_USE;
void mtm_store_rollback(mtm_store *st);

typedef struct mtm_operation {
  char *name, *country, *currency, *languages; /* languages: "en,ru" */
  char *created_at;
} mtm_operation;

int mtm_store_operation_set(mtm_store *st, const mtm_operation *op, mtm_err *err);
/* Returns MTM_ENOTFOUND when the workspace was never initialised. */
int mtm_store_operation_get(mtm_store *st, mtm_arena *a, mtm_operation *op, mtm_err *err);

typedef struct mtm_round {
  int number;
  char *name, *start_date, *end_date; /* dates YYYY-MM-DD or NULL */
  double usd_rate;                    /* units of currency per USD; 0 = unknown */
  char *sampling; /* how respondents were sampled: "snowball", "quota",
                     "probability", "census"; NULL: not recorded */
  char *usd_rate_source; /* where usd_rate comes from ("National Bank of
                            Kazakhstan, 31 March 2023"); NULL: not recorded */
} mtm_round;

/* Adds a round, or updates an existing one: a NULL field (usd_rate 0)
 * keeps the stored value; sampling "" clears the recorded method. */
int mtm_store_round_put(mtm_store *st, const mtm_round *r, mtm_err *err);
/* Returns MTM_ENOTFOUND if the round does not exist. */
int mtm_store_round_get(mtm_store *st, int number, mtm_arena *a, mtm_round *r, mtm_err *err);
int mtm_store_rounds(mtm_store *st, mtm_arena *a, mtm_round **out, int *n, mtm_err *err);

/* Texts the user typed in a language other than the command's own option
 * (--operation-ru, --name-ru, --label-ru): subject "operation" (key ""),
 * "round" (key the round number) or "criterion" (key its id). text NULL
 * or "" forgets the text of that language. */
int mtm_store_text_set(mtm_store *st, const char *subject, const char *key, const char *lang,
                       const char *text, mtm_err *err) MTM_MUST_USE;
/* The text of subject and key in lang: 0 with *out an arena copy, or NULL
 * when there is none; MTM_ESTORE on failure. */
int mtm_store_text_get(mtm_store *st, const char *subject, const char *key, const char *lang,
                       mtm_arena *a, char **out, mtm_err *err) MTM_MUST_USE;

/* Areas per level: counts[level] for level 0..9. */
int mtm_store_area_counts(mtm_store *st, long counts[10], mtm_err *err);

/* What 'mtm status' shows of one form: its versions and the live (not
 * removed) submissions per round. */
typedef struct mtm_form_summary {
  char *form_id, *kind, *title;
  int nversions;
  char **versions;
  int nrounds;
  int *rounds;
  long *counts;
} mtm_form_summary;
int mtm_store_form_summaries(mtm_store *st, mtm_arena *a, mtm_form_summary **out, int *n,
                             mtm_err *err);

/* ---- internal: shared by the store's own files only ----------------------- */
#ifdef MTM_STORE_INTERNAL
#include <sqlite3.h>
/* A prepared statement cached on the connection, keyed by the SQL text's
 * address: pass string literals only. It comes back reset and unbound. */
sqlite3_stmt *mtm_store__stmt(mtm_store *st, const char *sql, mtm_err *err);
sqlite3 *mtm_store__db(mtm_store *st);
int mtm_store__fail(mtm_store *st, mtm_err *err, const char *what);
/* Binds a C string or NULL. */
void mtm_store__bind_text(sqlite3_stmt *s, int i, const char *v);
char *mtm_store__col_text(sqlite3_stmt *s, int i, mtm_arena *a);
/* Copies a BLOB column into a, followed by a NUL byte that *n does not
 * count; NULL (with *n = 0) when the column is NULL. */
void *mtm_store__col_blob(sqlite3_stmt *s, int i, mtm_arena *a, size_t *n);
/* Grows an arena array of n elements of size sz to twice *cap (16 when
 * *cap is 0), zeroed beyond n; returns the new array and updates *cap. */
void *mtm_store__grow(mtm_arena *a, void *old, int n, int *cap, size_t sz);
/* Frame cache invalidation (store.c): drops the cached columns of a form
 * and round, once per transaction; forget makes the next touch drop again. */
int mtm_store__frame_touch(mtm_store *st, int64_t form, int round, mtm_err *err);
void mtm_store__frame_forget(mtm_store *st);
#endif

/* ==== gazetteer (areas.c): used by geo ===================================== */

/*
 * Areas are keyed by P-code (exact, case-sensitive in the store; geo does
 * the case-insensitive matching). Names carry a language ("" for aliases in
 * no particular language) and the key geo computed with mtm_text_key; one
 * name per (area, language) is the canonical one (is_alias = 0).
 * Validity dates are YYYY-MM-DD text: valid_from inclusive, valid_to
 * exclusive; NULL means unbounded.
 */

/* What one import writes about one area. NULL (or level < 0, or
 * set_parent == 0) keeps the stored value of an existing area. */
typedef struct mtm_area_put {
  const char *pcode;
  int level;              /* < 0: keep (the area must exist)            */
  int set_parent;         /* 1: store parent (NULL = top level)         */
  const char *parent;
  const char *valid_from; /* NULL: keep                                  */
  const char *valid_to;   /* NULL: keep                                  */
  const char *source;     /* NULL: keep                                  */
  const char *type;       /* as mtm_area.type; NULL: keep                */
} mtm_area_put;

/* Inserts or updates an area; *id receives its row id, *created 1 when it
 * was new (either may be NULL). */
int mtm_store_area_put(mtm_store *st, const mtm_area_put *a, long long *id, int *created,
                       mtm_err *err) MTM_MUST_USE;
/* Finds an area by exact P-code: 0 with *id and *level set, or
 * MTM_ENOTFOUND (err untouched), or MTM_ESTORE. */
int mtm_store_area_find(mtm_store *st, const char *pcode, long long *id, int *level,
                        mtm_err *err) MTM_MUST_USE;
/* Adds a name. A canonical name (is_alias 0) replaces the area's canonical
 * name in that language, which is kept as an alias (a former name); an
 * alias never demotes a canonical name. Returns 0 or MTM_ESTORE. */
int mtm_store_area_name_add(mtm_store *st, long long area, const char *lang, const char *name,
                            const char *key, int is_alias, mtm_err *err) MTM_MUST_USE;
/* Stores (replaces) the boundary of an area: one GeoJSON geometry, and
 * where it comes from (source: an attribution or a file name; NULL: none). */
int mtm_store_area_shape_put(mtm_store *st, long long area, const char *geojson, const char *source,
                             mtm_err *err) MTM_MUST_USE;
/* Records that successor took over (part of) pcode; note may be NULL. */
int mtm_store_area_successor_add(mtm_store *st, const char *pcode, const char *successor,
                                 const char *note, mtm_err *err) MTM_MUST_USE;

typedef struct mtm_area_name {
  char *lang, *name, *key;
  int is_alias;
} mtm_area_name;

typedef struct mtm_area {
  char *pcode, *parent, *valid_from, *valid_to, *source;
  char *type; /* "region", "national_city", "district", "city"; NULL: unknown */
  int level;
  int has_shape;
  int nnames;
  mtm_area_name *names; /* canonical names first, then by language, name */
  int nsuccessors;
  char **successors;
} mtm_area;

/* Every area with its names and successors, ordered by level then P-code.
 * level >= 0 keeps only that level. Arena memory. */
int mtm_store_areas(mtm_store *st, int level, mtm_arena *a, mtm_area **out, int *n,
                    mtm_err *err) MTM_MUST_USE;
/* The stored boundary of an area (arena string), or MTM_ENOTFOUND. */
int mtm_store_area_shape(mtm_store *st, const char *pcode, mtm_arena *a, char **geojson,
                         mtm_err *err) MTM_MUST_USE;

/* ==== end of gazetteer ==================================================== */



/* ==== forms (forms.c): used by form ======================================= */

/* One stored version of a form. */
typedef struct mtm_form_version {
  char *form_id, *kind, *title; /* the form */
  char *version, *file_name, *format, *sha256, *added_at;
  char *fields; /* JSON array of the data-holding question names, in order */
  long size;    /* bytes of the source file */
} mtm_form_version;

/* What mtm_store_form_add did. */
enum { MTM_FORM_ADDED = 1, MTM_FORM_SAME = 2 };

/*
 * Adds a version of a form: its source file byte for byte, its sha256
 * (libsodium) and its fields. kind is "survey" or "baseline"; NULL keeps
 * the kind of a known form ("survey" for a new one). Sets *what to
 * MTM_FORM_ADDED, or MTM_FORM_SAME when these very bytes are already stored
 * for the form (nothing changes). Refuses (MTM_EINVAL) the same form_id and
 * version with different bytes, and a kind that differs from the form's.
 * The form's title becomes the new version's.
 */
int mtm_store_form_add(mtm_store *st, const char *form_id, const char *kind, const char *title,
                       const char *version, const char *file_name, const char *format,
                       const void *bytes, size_t len, const char *fields_json, int *what,
                       mtm_err *err) MTM_MUST_USE;
/* Every version of every form (form_id NULL) or of one form, by form_id
 * then in the order they were added. */
int mtm_store_form_versions(mtm_store *st, const char *form_id, mtm_arena *a,
                            mtm_form_version **out, int *n, mtm_err *err) MTM_MUST_USE;
/* The source bytes of a version (NULL: the latest added). MTM_ENOTFOUND
 * when the form or the version is unknown. */
int mtm_store_form_source(mtm_store *st, const char *form_id, const char *version, mtm_arena *a,
                          void **bytes, size_t *len, char **file_name, char **version_out,
                          mtm_err *err) MTM_MUST_USE;
/* The form a command works on: its forms.id, form_id and kind ("survey" or
 * "baseline"). MTM_ENOTFOUND ("there is no form 'X' in the workspace") when
 * form_id is not in the workspace. */
typedef struct mtm_store_formref {
  long id;
  char *form_id, *kind;
} mtm_store_formref;
int mtm_store_form_find(mtm_store *st, const char *form_id, mtm_arena *a,
                        mtm_store_formref *out, mtm_err *err) MTM_MUST_USE;
/* The kind of a form ("survey", "baseline"); MTM_ENOTFOUND if unknown. */
int mtm_store_form_kind(mtm_store *st, const char *form_id, mtm_arena *a, char **kind,
                        mtm_err *err) MTM_MUST_USE;

/* A file kept with a form version: one that an include row pulled in. */
typedef struct mtm_store_file {
  const char *name; /* without folders */
  const void *bytes;
  size_t len;
} mtm_store_file;
/* Records how a version just added is read again: leniently (lenient 1,
 * 'form add --lenient') or not, and the n files its include rows pulled
 * in, kept byte for byte. */
int mtm_store_form_set_extras(mtm_store *st, const char *form_id, const char *version,
                              int lenient, const mtm_store_file *files, int n,
                              mtm_err *err) MTM_MUST_USE;
/* How version `version` of form_id is read: *lenient, and the files kept
 * with it (copied into a; *n is 0 when none). */
int mtm_store_form_extras(mtm_store *st, const char *form_id, const char *version, mtm_arena *a,
                          int *lenient, mtm_store_file **files, int *n, mtm_err *err) MTM_MUST_USE;

/* ==== end of forms ======================================================== */



/* ==== submissions (submissions.c): used by ingest, check and clean ======== */

/*
 * Blobs: submissions.raw is a mtm_record of the file row's cells in column
 * order (headers in imports.headers, a JSON array); submissions.data a
 * mtm_record of the typed values in the order of the form version's fields
 * outside repeats. repeat_rows.data holds the fields of its (innermost)
 * repeat in form order; repeat_rows.raw is a mtm_record of header, value,
 * header, value, ... of the instance's cells.
 */

typedef struct mtm_import_rec {
  int64_t form;
  int round;
  const char *file_name, *file_format, *checksum; /* BLAKE2b-256, hex */
  const char *headers; /* JSON array of the file's headers */
  const char *mapping; /* JSON object: header -> question or "question/option" */
  const char *who;
  const char *id_source; /* NULL, "column 'X'" or "row numbers" (see ingest.h) */
  long rows_read, added, changed, unchanged;
} mtm_import_rec;

/* Records one imported file (at = now) and returns its imports.id. */
int mtm_store_import_add(mtm_store *st, const mtm_import_rec *r, int64_t *id,
                         mtm_err *err) MTM_MUST_USE;
/* Sets the checksum and the counts of an import once its file is read. */
int mtm_store_import_finish(mtm_store *st, int64_t id, const char *checksum, long rows_read,
                            long added, long changed, long unchanged, mtm_err *err) MTM_MUST_USE;

/* Large imports. bulk_begin (outside a transaction) makes the workspace
 * write each page once (rollback journal instead of WAL, which a large
 * transaction writes twice) with a cache of cache_mb; bulk_end restores WAL.
 * Both are best effort: another process holding the workspace open keeps
 * WAL. */
void mtm_store_bulk_begin(mtm_store *st, int cache_mb);
void mtm_store_bulk_end(mtm_store *st);
/* The number of submissions in the workspace (every form and round). */
int mtm_store_submission_total(mtm_store *st, long *n, mtm_err *err) MTM_MUST_USE;
/* Inside a large import's transaction: drop the submissions' key (uuid,
 * form, round), and build it again before commit (which fails, naming a uuid, if the
 * import broke the one-uuid-per-form-and-round rule). */
int mtm_store_submission_keys_drop(mtm_store *st, mtm_err *err) MTM_MUST_USE;
int mtm_store_submission_keys_build(mtm_store *st, mtm_err *err) MTM_MUST_USE;
/* The id the next submission will get (max(id) + 1), for callers that
 * assign ids themselves inside their write transaction. */
int mtm_store_submission_next_id(mtm_store *st, int64_t *id, mtm_err *err) MTM_MUST_USE;

typedef struct mtm_submission {
  int64_t id, form, import;
  int round;
  const char *form_id;                       /* the form's form_id (readers fill it) */
  const char *uuid, *version, *submitted_at; /* NULL when unknown */
  long row;                                  /* row in the imported file */
  int removed;
  const void *raw, *data;
  size_t raw_n, data_n;
} mtm_submission;

/* Adds a submission (with s->id when not 0; removed ignored); returns its
 * id. A uuid already stored for the form and round is refused (MTM_ESTORE).
 * The blobs and strings are bound without copying. */
int mtm_store_submission_add(mtm_store *st, const mtm_submission *s, int64_t *id,
                             mtm_err *err) MTM_MUST_USE;
int mtm_store_repeat_row_add(mtm_store *st, int64_t submission, const char *repeat, int position,
                             const void *raw, size_t raw_n, const void *data, size_t data_n,
                             mtm_err *err) MTM_MUST_USE;
/* Records a cell problem found at import (rule "type" or "duplicate"). */
int mtm_store_cell_issue_add(mtm_store *st, int64_t submission, const char *question,
                             const char *value, const char *rule, const char *message,
                             mtm_err *err) MTM_MUST_USE;

/* What mtm_store_submissions_each reads: MTM_SUB_RAW also the raw blob
 * (else raw is NULL), MTM_SUB_LIVE only the submissions not removed. */
enum { MTM_SUB_RAW = 1, MTM_SUB_LIVE = 2 };
/* Calls fn for every submission of the form and round (removed ones too,
 * unless MTM_SUB_LIVE), in id order, that is the order they were imported;
 * the strings and blobs are valid during the call only. A non-zero return
 * from fn stops the walk and is returned. */
typedef int (*mtm_submission_fn)(void *ctx, const mtm_submission *s, mtm_err *err);
int mtm_store_submissions_each(mtm_store *st, int64_t form, int round, int flags,
                               mtm_submission_fn fn, void *ctx, mtm_err *err);
/* The index in versions[0..n) of the version s was asked with (no version
 * matching ""), the last if listed twice; 0 when it is not listed. */
int mtm_store_submission_version(const mtm_submission *s, char *const *versions, int n);
/* Decodes the data record of s into arena a: the number of values in
 * *values, or MTM_ESTORE with a message naming the submission when the
 * record is damaged. */
int mtm_store_submission_values(const mtm_submission *s, mtm_arena *a, char ***values,
                                mtm_err *err);
/* One submission, copied into arena a; MTM_ENOTFOUND if no such id. */
int mtm_store_submission_get(mtm_store *st, int64_t id, mtm_arena *a, mtm_submission *s,
                             mtm_err *err) MTM_MUST_USE;
/* Every submission (removed ones included) with this uuid, narrowed to
 * form (0: any) and round (-1: any), in id order, copied into arena a. */
int mtm_store_submissions_by_uuid(mtm_store *st, const char *uuid, int64_t form, int round,
                                  mtm_arena *a, mtm_submission **out, int *n,
                                  mtm_err *err) MTM_MUST_USE;
/* The headers, the column-to-question mapping and the file name that an
 * import recorded (as ingest wrote them; NULL when absent). MTM_ENOTFOUND
 * when no such import. */
/* The mapping (JSON: header -> question) of every import of a form and
 * round, oldest first; entries may be NULL. */
int mtm_store_import_mappings(mtm_store *st, int64_t form, int round, mtm_arena *a, char ***out,
                              int *n, mtm_err *err);
int mtm_store_import_mapping(mtm_store *st, int64_t import, mtm_arena *a, char **headers,
                             char **mapping, char **file_name, mtm_err *err) MTM_MUST_USE;

typedef struct mtm_repeat_row {
  int64_t id;
  const char *repeat;
  int position;
  const void *raw, *data;
  size_t raw_n, data_n;
} mtm_repeat_row;
/* The repeat rows of a submission, by repeat then position, in arena a. */
int mtm_store_repeat_rows(mtm_store *st, int64_t submission, mtm_arena *a, mtm_repeat_row **out,
                          int *n, mtm_err *err) MTM_MUST_USE;

/* One repeat instance as analysis reads it (repeats.c): its repeat_rows.id,
 * its submission and that submission's version (NULL: none), its position
 * and its data record (the fields of its innermost repeat, as
 * repeat_rows.data). Valid during the callback only. */
typedef struct mtm_repeat_inst {
  int64_t id, submission;
  const char *version;
  int position;
  const void *data;
  size_t data_n;
} mtm_repeat_inst;
typedef int (*mtm_repeat_fn)(void *ctx, const mtm_repeat_inst *r, mtm_err *err);
/* Calls fn for every instance of repeat `repeat` in the live (not removed)
 * submissions of form (forms.id) and round, by submission id, then
 * position; a non-zero return from fn stops the walk and is returned. */
int mtm_store_repeat_rows_each(mtm_store *st, int64_t form, int round, const char *repeat,
                               mtm_repeat_fn fn, void *ctx, mtm_err *err) MTM_MUST_USE;
/* The repeats that have instances in the live submissions of form and
 * round, by name, with their numbers of instances, in arena a. */
int mtm_store_repeat_counts(mtm_store *st, int64_t form, int round, mtm_arena *a, char ***names,
                            long **counts, int *n, mtm_err *err) MTM_MUST_USE;

typedef struct mtm_cell_issue {
  int64_t submission;
  const char *uuid, *question, *value, *rule, *message;
} mtm_cell_issue;
/* The cell issues (a cell ingest could not type, a uuid repeated in one
 * import) of the live (not removed) submissions of a form and round, in the
 * order they were found, in arena a. */
int mtm_store_cell_issues(mtm_store *st, int64_t form, int round, mtm_arena *a,
                          mtm_cell_issue **out, int *n, mtm_err *err) MTM_MUST_USE;

/* The value a question of a submission had when it was imported, as the
 * cleaning log remembers it (the old_value of its first change): *found is 0
 * when the question was never changed. */
int mtm_store_imported_value(mtm_store *st, int64_t submission, const char *question,
                             mtm_arena *a, char **value, int *found, mtm_err *err) MTM_MUST_USE;

/* ==== end of submissions ================================================== */



/* ==== checks and cleaning log (cleaning.c): used by check and clean ======= */

/* 1 when round is declared or holds submissions of any form, else 0. */
int mtm_store_check_round_known(mtm_store *st, int round, mtm_err *err);
/* The distinct versions of the live submissions of form in round, oldest
 * first ("" for submissions without a version). */
int mtm_store_check_versions(mtm_store *st, long form, int round, mtm_arena *a,
                             char ***out, int *n, mtm_err *err) MTM_MUST_USE;

/* Inclusion criteria ('mtm criteria'). */
typedef struct mtm_store_criterion {
  long id;
  char *form_id, *expr, *label; /* label may be NULL */
} mtm_store_criterion;
int mtm_store_criterion_add(mtm_store *st, long form, const char *expr, const char *label,
                            long *id, mtm_err *err) MTM_MUST_USE;
/* The criteria of form (0: of every form), in the order they were added. */
int mtm_store_criteria(mtm_store *st, long form, mtm_arena *a, mtm_store_criterion **out,
                       int *n, mtm_err *err) MTM_MUST_USE;

/* The consent question named for a form ('mtm criteria add --consent'):
 * respondents whose answer to question is not value gave no consent. */
typedef struct mtm_store_consent {
  char *form_id, *question, *value;
} mtm_store_consent;
/* Names (or renames) form's consent question and the answer that gives
 * consent. */
int mtm_store_consent_set(mtm_store *st, long form, const char *question, const char *value,
                          mtm_err *err) MTM_MUST_USE;
/* The consent questions named for form (0: for every form), by form_id. */
int mtm_store_consents(mtm_store *st, long form, mtm_arena *a, mtm_store_consent **out, int *n,
                       mtm_err *err) MTM_MUST_USE;

/* Replaces the clean values (data blob) of a submission; raw never changes. */
int mtm_store_clean_set_data(mtm_store *st, long submission, const void *data, size_t n,
                             mtm_err *err) MTM_MUST_USE;
/* Replaces the clean values (data blob) of one repeat row (repeat_rows.id);
 * its raw cells never change. Repeat rows have no frame cache to drop:
 * analysis reads them directly. */
int mtm_store_clean_set_repeat_data(mtm_store *st, int64_t repeat_row, const void *data,
                                    size_t n, mtm_err *err) MTM_MUST_USE;
/* Marks a submission removed (its row and raw values stay). */
int mtm_store_clean_remove(mtm_store *st, long submission, mtm_err *err) MTM_MUST_USE;

/* One entry of the cleaning log. action: change, blank or remove. The
 * REACH columns (reported date, enumerator, comment for the field
 * officer, the officer's response, issue) are kept when a log brings them. */
typedef struct mtm_clean_entry {
  long id, submission, form;
  int round;
  int instance; /* the repeat instance (repeat_rows.position) of an answer
                   inside a repeat; 0 outside repeats */
  char *form_id, *uuid, *question, *old_value, *new_value, *action, *issue, *reason, *who,
      *at, *source, *reported, *enumerator, *comment, *response;
} mtm_clean_entry;
/* Appends e (id, form_id ignored); e->at NULL means now (UTC). */
int mtm_store_clean_log_add(mtm_store *st, const mtm_clean_entry *e, mtm_err *err) MTM_MUST_USE;
/* The log, oldest first, narrowed to form (0: all), round (-1: all) and
 * submission (0: all). */
int mtm_store_clean_log(mtm_store *st, long form, int round, long submission, mtm_arena *a,
                        mtm_clean_entry **out, int *n, mtm_err *err) MTM_MUST_USE;

/* ==== end of checks and cleaning ========================================== */



/* ==== baseline mobility assessment (bma.c): used by bma ==================== */

/* One row of a form's mapping: which question holds which figure. */
typedef struct mtm_store_bma_row {
  const char *field, *population, *period, *origin, *sex; /* origin, sex: "" for all */
} mtm_store_bma_row;

/* Replaces the stored mapping of form (its forms.id) by rows[0..n), and
 * records the file it came from (now). Call inside a transaction. */
int mtm_store_bma_mapping_set(mtm_store *st, int64_t form, const mtm_store_bma_row *rows, int n,
                              const char *file_name, mtm_err *err) MTM_MUST_USE;
/* Stores the location question of form (NULL forgets it). */
int mtm_store_bma_location_set(mtm_store *st, int64_t form, const char *question,
                               mtm_err *err) MTM_MUST_USE;
/* The stored mapping of form in its order (n 0 when none), the file it came
 * from and the location question (NULL when not stored). Arena memory. */
int mtm_store_bma_mapping_get(mtm_store *st, int64_t form, mtm_arena *a, mtm_store_bma_row **rows,
                              int *n, char **file_name, char **location,
                              mtm_err *err) MTM_MUST_USE;
/* Replaces the mapping given with one round of form by rows[0..n) (a
 * round's own mapping: its questions and periods). Call inside a
 * transaction. */
int mtm_store_bma_round_mapping_set(mtm_store *st, int64_t form, int round,
                                    const mtm_store_bma_row *rows, int n,
                                    mtm_err *err) MTM_MUST_USE;
/* The mapping given with round (n 0 when none was). Arena memory. */
int mtm_store_bma_round_mapping_get(mtm_store *st, int64_t form, int round, mtm_arena *a,
                                    mtm_store_bma_row **rows, int *n, mtm_err *err) MTM_MUST_USE;
/* The form_ids of the forms of kind 'baseline' with live submissions in
 * round, by form_id. */
int mtm_store_bma_baseline_forms(mtm_store *st, int round, mtm_arena *a, char ***ids, int *n,
                                 mtm_err *err) MTM_MUST_USE;
/* The latest submitted_at of the live submissions of form in round (NULL
 * when none is known). */
int mtm_store_bma_last_submitted(mtm_store *st, int64_t form, int round, mtm_arena *a,
                                 char **at, mtm_err *err) MTM_MUST_USE;

/* One phone verification of a location's figure (append-only). has_old and
 * has_new say whether old_value and new_value are known. */
typedef struct mtm_store_bma_verif {
  int64_t id, form;
  int round;
  const char *pcode, *field, *status, *who, *note, *at, *source; /* at NULL: now (UTC) */
  double old_value, new_value;
  int has_old, has_new;
} mtm_store_bma_verif;
int mtm_store_bma_verif_add(mtm_store *st, const mtm_store_bma_verif *v, int64_t *id,
                            mtm_err *err) MTM_MUST_USE;
/* The verifications of form in round, oldest first (ties: by id). */
int mtm_store_bma_verifs(mtm_store *st, int64_t form, int round, mtm_arena *a,
                         mtm_store_bma_verif **out, int *n, mtm_err *err) MTM_MUST_USE;

/* ==== end of baseline mobility assessment ================================= */



/* ==== sample plans (sample.c): used by sample ============================== */

/*
 * A sample plan as 'mtm sample --save' keeps it (tables sample_plans and
 * sample_strata, migration 5 -> 6): what it is for, its parameters, how the
 * total was computed, and per stratum the baseline figure N_h, the sample
 * n_h and the inclusion probability pi_h = n_h / N_h. A stratum that was not
 * assessed has figure NaN and sample -1 (stored as NULL); pi is NaN when
 * not assessed or when N_h is 0.
 */
typedef struct mtm_store_sample_stratum {
  char *pcode, *name;
  int level;
  double figure, proportion; /* NaN: not assessed / the plan's proportion */
  long sample;               /* -1: not assessed */
  double pi;                 /* NaN: undefined */
} mtm_store_sample_stratum;

typedef struct mtm_store_sample_plan {
  long id;
  int round, level;
  char *form_id, *population, *period; /* form_id NULL: the baseline form */
  double confidence, z, margin, proportion, deff;
  char *allocation;
  int per_stratum;
  long min_per_stratum;
  double figure_total, n0;
  long required, total;
  char *created_at; /* set by the store (UTC) */
  int nstrata;
  mtm_store_sample_stratum *strata; /* in the order given */
} mtm_store_sample_plan;

/* Stores a plan and its strata (id and created_at of p are ignored); *id
 * receives the new plan's id. Call inside a transaction. */
int mtm_store_sample_plan_add(mtm_store *st, const mtm_store_sample_plan *p, long *id,
                              mtm_err *err) MTM_MUST_USE;
/* The latest plan (highest id) of a round, narrowed to a population unless
 * population is NULL, with its strata in the order they were stored, in
 * arena a. MTM_ENOTFOUND (naming the round) when there is none. */
int mtm_store_sample_plan_latest(mtm_store *st, int round, const char *population, mtm_arena *a,
                                 mtm_store_sample_plan *out, mtm_err *err) MTM_MUST_USE;

/* ==== end of sample plans ================================================= */



/* ==== frame cache (frame.c): used by frame ================================ */

/*
 * Encoded columns of a form's clean data in one round, keyed by question
 * ("" for the row ids and uuids) and valid for the form versions that
 * version_set names. Adding a submission drops every cached column of its
 * form and round; changing, removing or deleting one records it as dirty
 * (frame_dirty, by triggers, only while the round has cached columns), and
 * the frame patches the cached columns with the dirty rows when it loads.
 * Storing or dropping the columns forgets the dirty rows.
 */

/* The cached blob of a column, copied into arena a (8-byte aligned).
 * *found is 0 (and *blob NULL) when nothing is cached for the question or
 * the cached column was built for another version_set. */
int mtm_store_frame_cache_get(mtm_store *st, int64_t form, int round, const char *question,
                              const char *version_set, mtm_arena *a, void **blob, size_t *n,
                              long *nrows, int *found, mtm_err *err) MTM_MUST_USE;
/* Stores (replacing) the blob of a column. Call inside a transaction. */
int mtm_store_frame_cache_put(mtm_store *st, int64_t form, int round, const char *question,
                              const char *version_set, long nrows, const void *blob, size_t n,
                              mtm_err *err) MTM_MUST_USE;
/* Drops every cached column of form and round. */
int mtm_store_frame_cache_clear(mtm_store *st, int64_t form, int round,
                                mtm_err *err) MTM_MUST_USE;
/* The ids of the submissions changed, removed or deleted since the columns
 * of form and round were cached, ascending, in arena a (*n may be 0). */
int mtm_store_frame_dirty_list(mtm_store *st, int64_t form, int round, mtm_arena *a,
                               int64_t **ids, long *n, mtm_err *err) MTM_MUST_USE;
/* Sets the page cache of a bulk import (mtm_store_bulk_begin) to cache_mb:
 * an import that builds the frame's columns holds them in memory too. */
void mtm_store_frame_bulk_cache(mtm_store *st, int cache_mb);
/* The number of cached columns of form and round (for tests and status). */
int mtm_store_frame_cache_count(mtm_store *st, int64_t form, int round, long *n,
                                mtm_err *err) MTM_MUST_USE;

/* ==== end of frame cache ================================================== */

/* ==== map shapes (map.c): used by map ===================================== */

/* One area of a map: its P-code, parent, display name and boundary. */
typedef struct mtm_store_map_area {
  char *pcode, *parent;
  char *name;    /* canonical name in lang, else English, else any, else the P-code */
  char *parent_name; /* the parent's name, the same way; NULL: no parent  */
  char *source;  /* where the boundary comes from (its import's --source,
                    else the file's name); NULL: not recorded             */
  char *type;    /* the area's type (mtm_area.type); NULL: unknown              */
  int level;
  char *geojson; /* one GeoJSON geometry                                  */
} mtm_store_map_area;

/* The areas of one level that have a stored boundary and are valid on
 * date (YYYY-MM-DD; NULL: any time), under parent (a P-code: its
 * descendants at any depth; NULL: everywhere), ordered by P-code. Arena
 * memory. */
int mtm_store_map_areas(mtm_store *st, int level, const char *date, const char *parent,
                        const char *lang, mtm_arena *a, mtm_store_map_area **out, int *n,
                        mtm_err *err) MTM_MUST_USE;

/* ==== end of map shapes =================================================== */

#endif
