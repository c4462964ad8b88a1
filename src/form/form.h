/*
 * form: the XLSForm model, its readers, and the expression language of
 * relevant / constraint / calculation / choice_filter.
 *
 * A form is parsed from .xlsx, .xls, .csv or pyxform Markdown (through the
 * table module) into an immutable mtm_form. Expressions are parsed once,
 * when the form is read, and evaluated per submission.
 *
 * Ownership rule: a mtm_form owns everything it points to (its own arena);
 * mtm_form_free releases it all. mtm_expr values live in the arena passed to
 * mtm_expr_parse. mtm_value strings returned by mtm_expr_eval live in the
 * arena passed to it.
 *
 * Errors name the sheet, the row and the column of the form, e.g.
 * "form.xlsx, sheet 'survey', row 12, column 'relevant', question 'age':
 *  cannot read the expression: unexpected ')' at character 14".
 */
#ifndef MTM_FORM_H
#define MTM_FORM_H

#include "core/core.h"

/* ---- expressions ---------------------------------------------------------- */

typedef struct mtm_expr mtm_expr;

typedef enum { MTM_V_NULL, MTM_V_NUM, MTM_V_STR, MTM_V_BOOL } mtm_vtype;

/* XPath-like values. A missing answer is the empty string, as in ODK. */
typedef struct mtm_value {
  mtm_vtype t;
  double num;
  const char *str;
  int b;
} mtm_value;

/* How an expression reads a submission: the value of ${name} and of ".". A
 * lookup returns NULL for an unanswered question. */
typedef struct mtm_expr_env {
  const char *(*lookup)(void *ctx, const char *name);
  void *ctx;
  const char *self; /* the value of "." (the question being checked) */
  int32_t today;    /* days since 1970, for today() and now() */
  /* Optional, NULL/0 when not needed: */
  /* A bare path (/data/grp/q, ../q, q) resolves by its last name; with
   * lookup_node set, through it (choice filters read choice columns so),
   * else through lookup. */
  const char *(*lookup_node)(void *ctx, const char *name);
  /* All values of a question inside a repeat, for count(), sum(), min(),
   * max(), join(); returns their number. Without it a question is one
   * value. */
  int (*lookup_many)(void *ctx, const char *name, const char ***vals);
  /* jr:choice-name(value, '${q}'): the label of value in q's list; without
   * it (or when it returns NULL) the value itself. */
  const char *(*choice_label)(void *ctx, const char *question, const char *value);
  int position;     /* position() inside a repeat, 1-based; 0: 1 */
  int64_t now;      /* seconds since 1970 for now(); 0: midnight of today */
} mtm_expr_env;

/* Parses src; on error fills err->msg with what and where (1-based
 * character), e.g. "unexpected ')' at character 14". Function names are not
 * checked here: an unknown function fails at evaluation. */
int mtm_expr_parse(mtm_arena *a, const char *src, mtm_expr **out, mtm_err *err) MTM_MUST_USE;
/* Evaluates with XPath 1.0 / ODK semantics: a missing answer is "" (NULL
 * value); = and != compare numbers when either side is a number, booleans
 * when either is a boolean, else strings; < <= > >= compare numbers; an ISO
 * date string counts as days since 1970 wherever a number is needed, so
 * today() + 1 and ${dob} < today() work; date functions return ISO text.
 * Runtime problems (an unknown function, a wrong number of arguments, a bad
 * regex) give MTM_EINVAL with the reason. */
int mtm_expr_eval(const mtm_expr *e, const mtm_expr_env *env, mtm_arena *a, mtm_value *out,
                  mtm_err *err);
/* XPath boolean(), number() and string() conversions. */
int mtm_value_bool(const mtm_value *v);
double mtm_value_num(const mtm_value *v); /* NaN when not a number */
const char *mtm_value_str(const mtm_value *v, mtm_arena *a);
/* Calls fn for every ${name} the expression references. */
void mtm_expr_refs(const mtm_expr *e, void (*fn)(void *ctx, const char *name), void *ctx);

/* What e, when true, requires of question name: 1 that ${name} equals the
 * literal *lit (a string or a number), -1 that it differs from it, 0 when
 * this reading cannot tell. Understood: ${name} = 'x' (either way round),
 * ${name} != 'x', selected(${name}, 'x'), not() of these, "and" (either
 * side) and "or" (both sides the same equality). A string literal points
 * into e. */
int mtm_expr_requires(const mtm_expr *e, const char *name, mtm_value *lit);

/* ---- the model ------------------------------------------------------------ */

typedef enum {
  MTM_Q_TEXT,
  MTM_Q_INTEGER,
  MTM_Q_DECIMAL,
  MTM_Q_RANGE,
  MTM_Q_SELECT_ONE,
  MTM_Q_SELECT_MULTIPLE,
  MTM_Q_RANK,
  MTM_Q_DATE,
  MTM_Q_DATETIME,
  MTM_Q_TIME,
  MTM_Q_GEOPOINT,
  MTM_Q_GEOTRACE,
  MTM_Q_GEOSHAPE,
  MTM_Q_MEDIA,     /* image, audio, video, file, background-audio */
  MTM_Q_BARCODE,
  MTM_Q_ACKNOWLEDGE,
  MTM_Q_CALCULATE,
  MTM_Q_HIDDEN,
  MTM_Q_NOTE,
  MTM_Q_BEGIN_GROUP,
  MTM_Q_END_GROUP,
  MTM_Q_BEGIN_REPEAT,
  MTM_Q_END_REPEAT,
  MTM_Q_META       /* start, end, today, deviceid, username, audit, ... */
} mtm_qtype;

typedef struct mtm_choice {
  const char *name;
  const char **labels; /* one per form language (form->langs), may be NULL */
  const char **reports; /* report::LANG, one per form language, entries and the
                           array may be NULL: the answer as a finding's
                           predicate, "were men", "work in construction" */
  const char *filter_cols; /* extra choices columns as "col=value\n..." or NULL */
  long row;
} mtm_choice;

typedef struct mtm_choice_list {
  const char *name;
  int n;
  mtm_choice *choices;
} mtm_choice_list;

typedef struct mtm_question {
  const char *name;
  const char *type_text;     /* as written, e.g. "select_one yes_no or_other" */
  mtm_qtype type;
  const char *meta;          /* for MTM_Q_META: "start", "end", "deviceid", ... */
  mtm_choice_list *list;     /* selects from a list; NULL otherwise, and NULL for
                                selects from a file or from a previous answer */
  /* Choices from a previous answer (pyxform's "select from a repeat"):
   * "select_one ${q}" / "select_multiple ${q}" offer as choices the answers
   * that the same submission gave to question q (every instance of it when
   * q is in a repeat; empty answers are not offered). choices_from points
   * to q in form->q (a question that holds data; its index is
   * choices_from - form->q), list is NULL and list_name is "${q}" as
   * written; NULL for every other question (so a zeroed question has
   * none). A value is text, one of q's answers (for select_multiple,
   * several separated by spaces); its levels are the distinct answers
   * found. choice_filter, if any, is evaluated per candidate answer, with
   * the names of q's repeat read in that candidate's instance ("." is the
   * candidate). or_other is never set with it. */
  const struct mtm_question *choices_from;
  int or_other;
  const char **labels;       /* one per form language; entries may be NULL */
  /* report::LANG, one per form language (entries, and the array, may be
   * NULL): the finding a report writes. A select question's holds {share}
   * (the percentage) and may hold {answer} (the answer's phrase) and
   * {groups} (the breakdown, else put at the end in brackets): "{share} of
   * respondents have a written contract"; a number question's holds {mean}
   * and/or {median}. "{one|few|many}" selectors agree with the number.
   * Checked when the form is read. */
  const char **reports;
  const char **hints;
  const char **constraint_msgs;
  int required;              /* "yes"/"true"/"TRUE()" */
  const char *required_src;
  const char *relevant_src, *constraint_src, *calculation_src, *choice_filter_src;
  mtm_expr *relevant, *constraint, *calculation, *choice_filter; /* NULL if none */
  const char *appearance;
  const char *hxl;
  const char *default_value;
  const char *list_name;     /* selects: the list (or file) as written */
  const char *parameters;    /* the parameters column, e.g. "start=0 end=10" */
  int read_only;
  mtm_expr *required_expr;   /* required written as an expression, else NULL
                                (then required is 0: evaluate it) */
  int synthetic;             /* 1 for the <name>_other text question that
                                "or_other" adds */
  const char *path;          /* group path of names: "profile/work/sector" */
  int group;                 /* index of the enclosing begin_group/begin_repeat
                                question, -1 at top level */
  int repeat;                /* index of the enclosing begin_repeat, -1 if none */
  int field;                 /* index in form->fields, -1 if it holds no data */
  long row;                  /* row on the survey sheet */
  const char *file;          /* the file an include row pulled the row from
                                (form->includes), NULL: the form's own */
} mtm_question;

typedef struct mtm_form {
  const char *form_id;       /* settings form_id (or id_string), else file stem */
  const char *title;
  const char *version;       /* settings version, "" if none (kept as "" in the
                                workspace too, shown as "(none)"; a changed
                                form without a version is refused there) */
  const char *default_language;
  const char *file_name;
  const char *format;        /* "xlsx", "xls", "csv" or "md" */
  int nlangs;
  const char **langs;        /* "English (en)", "Russian (ru)", or "default" */
  const char **lang_codes;   /* "en", "ru", ... or the name itself lower-cased */
  int nq;
  mtm_question *q;           /* every survey row, groups included, in order */
  int nfields;
  int *fields;               /* indices of the questions that hold data
                                (not groups, notes, end markers), in order */
  int nlists;
  mtm_choice_list *lists;
  int lenient;               /* read with MTM_FORM_LENIENT */
  int nwarnings;             /* lenient: one per cell left out, naming file, */
  mtm_err *warnings;         /* sheet, row, column and question */
  int nincludes;             /* the files that include rows pulled in (their */
  struct mtm_form_file *includes; /* bytes are the form's), in the order met */
  void *priv;                /* the arena and indices */
} mtm_form;

/* A form file in memory: a file that an include row pulled in. */
typedef struct mtm_form_file {
  const char *name; /* the file name without folders, e.g. "household.xlsx" */
  const void *bytes;
  size_t len;
} mtm_form_file;

/* Flags for reading a form. MTM_FORM_LENIENT keeps a form with cells that
 * mtm cannot use: an expression it cannot read or that names an unknown
 * question is left out (the question stays, without that rule), a calculate
 * without a calculation stays without one, an unknown type is read as
 * text; each such cell adds one entry to form->warnings. */
enum { MTM_FORM_LENIENT = 1 };

/* Reads an XLSForm file (.xlsx .xls .csv .md). On error *out is NULL and
 * err names the sheet, row, column and question. pyxform's CSV layout (the
 * first column holds "survey", "choices", "settings") is understood; a
 * plain CSV is read as the survey sheet alone. */
int mtm_form_read(const char *path, mtm_form **out, mtm_err *err) MTM_MUST_USE;
/* Same, and hands back the file's bytes in *bytes (initialised by the
 * caller), for storing them. */
int mtm_form_read_file(const char *path, mtm_buf *bytes, mtm_form **out,
                       mtm_err *err) MTM_MUST_USE;
/* Same from bytes kept in the workspace; name is used in messages. */
int mtm_form_read_mem(const void *bytes, size_t len, const char *name, mtm_form **out,
                      mtm_err *err) MTM_MUST_USE;
/* With flags (MTM_FORM_LENIENT). An "include NAME" row of the survey sheet
 * is replaced by the survey rows of the form file NAME (pyxform's legacy
 * include, recursive; a cycle is refused naming the row), and that file's
 * choice lists join the form's. From a path, the file is looked for beside
 * it (NAME.xlsx, .xls, .md or .csv, the including file's own extension
 * first); form->includes then lists the files read, to be stored with the
 * form. From memory, it is one of the given files (matched by name or
 * stem), as mtm_form_load passes those stored. */
int mtm_form_read_file_opts(const char *path, int flags, mtm_buf *bytes, mtm_form **out,
                            mtm_err *err) MTM_MUST_USE;
int mtm_form_read_mem_opts(const void *bytes, size_t len, const char *name, int flags,
                           const mtm_form_file *includes, int nincludes, mtm_form **out,
                           mtm_err *err) MTM_MUST_USE;
void mtm_form_free(mtm_form *f);

/* Reads version `version` (NULL: the latest added) of form `form_id` from
 * the workspace, as it was added (leniently or not, with the files its
 * include rows pulled in). MTM_ENOTFOUND when the form or version is
 * unknown. */
struct mtm_store;
int mtm_form_load(struct mtm_store *st, const char *form_id, const char *version,
                  mtm_form **out, mtm_err *err) MTM_MUST_USE;
/* Reads the version of form_id a submission was asked with: like
 * mtm_form_load, except that a submission without a version (version ""
 * or NULL), which was read with the latest form, gets the latest when no
 * version "" is stored. */
int mtm_form_load_asked(struct mtm_store *st, const char *form_id, const char *version,
                        mtm_form **out, mtm_err *err) MTM_MUST_USE;

/* The number of survey rows that are questions: everything but the begin
 * and end markers of groups and repeats. */
int mtm_form_nquestions(const mtm_form *f);
/* The fields (data-holding question names, in order) as a JSON array. */
char *mtm_form_fields_json(const mtm_form *f, mtm_arena *a);
/* The name of a question type: "select_one", "integer", "begin_group", ... */
const char *mtm_form_type_name(mtm_qtype t);

/* Lookups; NULL / -1 when absent. */
const mtm_question *mtm_form_question(const mtm_form *f, const char *name);
int mtm_form_question_index(const mtm_form *f, const char *name);
const mtm_choice *mtm_form_choice(const mtm_choice_list *l, const char *name);
/* The index of a language by name, code or label ("ru", "Russian (ru)",
 * "Russian"); -1 if unknown. */
int mtm_form_lang(const mtm_form *f, const char *lang);
/* Label in language i, falling back to the default language, then to any. */
const char *mtm_form_label(const mtm_form *f, const char **labels, int lang);
/* A report::LANG phrase in language i only (a phrase in another language
 * would not fit the report's sentences), or the only language's when the
 * form has one; NULL when none. */
const char *mtm_form_report_phrase(const mtm_form *f, const char **reports, int lang);

/* ---- consent (consent.c) -------------------------------------------------- */

/* The form's consent question: the first select_one (outside repeats, with
 * at least two choices) whose "no" ends the interview because every later
 * question that is asked (not a note, calculation, hidden or meta field) is
 * relevant, through its own relevant or an enclosing group's, only when it
 * has one and the same answer ("yes"), and those later questions are at
 * least half of the form's asked questions (so that a follow-up at the end
 * of a form is not taken for it). NULL: none. The pointer is into f. */
const mtm_question *mtm_form_consent_question(const mtm_form *f);
/* The answer of q (a choice name of its list) that later questions require
 * to be asked: the consent given. For the form's consent question, the
 * answer that gates the rest; for another select_one named as consent, the
 * answer most later relevances require of it, else a choice named "yes",
 * "y", "1", "true", "da" or "да" (any case). NULL: none can be told. */
const char *mtm_form_consent_value(const mtm_form *f, const mtm_question *q);


/* ---- HXL tags (hxl.c) ------------------------------------------------------
 * A question's hxl column, e.g. "#adm2 +code": a hashtag and attributes,
 * case-insensitive, spaces optional; "+pcode" is read as "+code". Names are
 * stored lowercased without '#' or '+'. Nothing is allocated. */

#define MTM_HXL_MAX_ATTRS 16

typedef struct mtm_hxl_tag {
  char hashtag[64];
  int nattrs;
  char attrs[MTM_HXL_MAX_ATTRS][64];
} mtm_hxl_tag;

/* Parses tag into out; -1 (out empty) when tag is NULL or not a HXL tag. */
int mtm_hxl_parse(const char *tag, mtm_hxl_tag *out);
/* 1 when tag's hashtag is hashtag (any if NULL) and it has attribute attr
 * (any if NULL), e.g. mtm_hxl_has(t, "adm1", "code"); else 0. */
int mtm_hxl_has(const char *tag, const char *hashtag, const char *attr);
/* N when tag's hashtag is #admN (any N >= 1, so #adm10 is 10), else 0. */
int mtm_hxl_admin(const char *tag);
/* N when tag is #admN with +code or +pcode, else 0. */
int mtm_hxl_admin_level(const char *tag);

#endif
