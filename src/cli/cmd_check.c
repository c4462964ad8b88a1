/* mtm check: being built (see the open issue); replaced by its module's command. */
#include "cli/cli.h"

int mtm_cmd_check(mtm_cli *cli, int argc, char **argv) {
  (void)cli, (void)argc;
  return mtm_cli_usage(argv[0], "this command is not built yet");
}

int mtm_cmd_criteria(mtm_cli *cli, int argc, char **argv) {
  (void)cli, (void)argc;
  return mtm_cli_usage(argv[0], "this command is not built yet");
}
