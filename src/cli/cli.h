/*
 * cli: the mtm command line. main.c holds the command table; each command
 * family lives in its own cmd_*.c file and only calls module APIs.
 *
 * Exit codes: 0 success; 1 the command ran and found problems (check);
 * 2 bad input or usage, with a message on stderr; 3 workspace failure.
 */
#ifndef MTM_CLI_H
#define MTM_CLI_H

#include "core/core.h"
#include "store/store.h"

typedef struct mtm_cli {
  const char *workspace; /* -w, else MTM_WORKSPACE, else ./mtm.db */
  const char *argv0;
  int quiet;
} mtm_cli;

typedef int (*mtm_cmd_fn)(mtm_cli *cli, int argc, char **argv);

typedef struct mtm_cmd {
  const char *name;
  mtm_cmd_fn fn;
  const char *usage; /* one line after "mtm " */
  const char *help;  /* one sentence */
} mtm_cmd;

/* Opens the workspace (which must exist) or prints why not. */
int mtm_cli_open(mtm_cli *cli, mtm_store **st);
/* Prints an error and returns the exit code for it. */
int mtm_cli_fail(const mtm_err *err);
/* Prints "mtm CMD: message" and the usage line; returns 2. */
int mtm_cli_usage(const char *cmd, const char *fmt, ...) MTM_PRINTF(2, 3);
/* Opens the output (NULL or "-": stdout). */
FILE *mtm_cli_out(const char *path, mtm_err *err);
/* Closes an output opened with mtm_cli_out; reports write errors. */
int mtm_cli_out_close(FILE *f, const char *path, mtm_err *err);

/* A command's work on the workspace: the open store, an error and an arena.
 * mtm_cli_ws_open opens the workspace (which must exist), clears err and
 * initialises the arena; on failure it prints why and returns the exit code,
 * with nothing left to close. mtm_cli_ws_close frees the arena and closes
 * the store. */
typedef struct mtm_cli_ws {
  mtm_store *st;
  mtm_err err;
  mtm_arena a;
} mtm_cli_ws;
int mtm_cli_ws_open(mtm_cli *cli, mtm_cli_ws *w);
void mtm_cli_ws_close(mtm_cli_ws *w);

/* Reads a whole number from min to max into *out: 0, or -1 (nothing
 * printed) when s is NULL or no such number. */
int mtm_cli_number(const char *s, long long min, long long max, long long *out);
/* Reads an optional --round value: NULL gives -1; a round number (0 to
 * 1000000) itself; anything else prints "--round takes a round number, not
 * 'X'" with the usage and returns 2. */
int mtm_cli_round(const char *cmd, const char *s, int *out);
/* The index of value in names (NULL-terminated); anything else prints
 * "OPT is a, b or c, not 'X'" with the usage and returns -1. */
int mtm_cli_choice(const char *cmd, const char *opt, const char *value,
                   const char *const *names);
/* Writes b to path (NULL or "-": standard output) and closes it: 0, or the
 * exit code after printing why. */
int mtm_cli_write(const char *path, const mtm_buf *b);

/* Option parsing shared by the commands: getopt_long with the usage line
 * printed on error. Long options only. Returns the index of the first
 * non-option argument, or -1 after printing the usage. */
typedef struct mtm_opt {
  const char *name;
  int has_arg;         /* 0 flag, 1 required value */
  const char **value;  /* set to the argument (or "1" for flags) */
} mtm_opt;
int mtm_cli_parse(const char *cmd, int argc, char **argv, const mtm_opt *opts);

/* Texts in the operation's other languages (texts.c): --BASE-LANG TEXT
 * or --BASE-LANG=TEXT beside --BASE TEXT (--operation-ru, --name-kk,
 * --label-ru), LANG a code of 2 or 3 letters. mtm_cli_take_texts takes them
 * out of argv (before mtm_cli_parse) into t, whose language codes it
 * allocates (mtm_cli_texts_free); 0, or 2 after printing the usage.
 * mtm_cli_texts_check refuses a language that is not in langs (the
 * operation's, "en,ru"; NULL: "en"), _check_ws the workspace's; _save
 * stores them under subject and key (mtm_store_text_set). */
#define MTM_CLI_MAX_TEXTS 8
typedef struct mtm_cli_texts {
  int n;
  char *lang[MTM_CLI_MAX_TEXTS];
  const char *text[MTM_CLI_MAX_TEXTS]; /* point into argv */
} mtm_cli_texts;
int mtm_cli_take_texts(const char *cmd, const char *base, int *argc, char **argv,
                       mtm_cli_texts *t);
void mtm_cli_texts_free(mtm_cli_texts *t);
int mtm_cli_texts_check(const char *langs, const char *option, const mtm_cli_texts *t,
                        mtm_err *err);
int mtm_cli_texts_check_ws(mtm_store *st, const char *option, const mtm_cli_texts *t,
                           mtm_err *err);
int mtm_cli_texts_save(mtm_store *st, const char *subject, const char *key,
                       const mtm_cli_texts *t, mtm_err *err);

/* The command families. */
int mtm_cmd_init(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_status(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_round(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_areas(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_form(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_import(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_check(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_criteria(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_clean(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_demo(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_bma(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_sample(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_frame(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_analyse(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_report(mtm_cli *cli, int argc, char **argv);
int mtm_cmd_export(mtm_cli *cli, int argc, char **argv);

#endif
