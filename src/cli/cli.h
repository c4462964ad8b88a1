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

/* Option parsing shared by the commands: getopt_long with the usage line
 * printed on error. Long options only. Returns the index of the first
 * non-option argument, or -1 after printing the usage. */
typedef struct mtm_opt {
  const char *name;
  int has_arg;         /* 0 flag, 1 required value */
  const char **value;  /* set to the argument (or "1" for flags) */
} mtm_opt;
int mtm_cli_parse(const char *cmd, int argc, char **argv, const mtm_opt *opts);

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

#endif
