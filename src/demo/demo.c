/* Finding the bundled data. */
#include "demo/demo.h"

#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MTM_DATADIR
#define MTM_DATADIR "data"
#endif

/* A directory is the bundled data if it holds the Kazakhstan gazetteer. */
static int is_data_dir(const char *d) {
  mtm_buf p;
  mtm_buf_init(&p);
  mtm_buf_printf(&p, "%s/geo/kazakhstan/kaz_adm2_2024_attributes.csv", d);
  int ok = access(p.p, R_OK) == 0;
  mtm_buf_free(&p);
  return ok;
}

const char *mtm_demo_data_dir(void) {
  static char *found;
  const char *env = getenv("MTM_DATA");
  if (env && *env) return env;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    char *dir = dirname(exe);
    const char *up[] = {"/../data", "/../../data", "/../share/mtm/data"};
    for (int i = 0; i < 3; i++) {
      mtm_buf p;
      mtm_buf_init(&p);
      mtm_buf_printf(&p, "%s%s", dir, up[i]);
      if (is_data_dir(p.p)) {
        free(found);
        found = realpath(p.p, NULL); /* kept for the life of the process */
        mtm_buf_free(&p);
        if (found) return found;
        break;
      }
      mtm_buf_free(&p);
    }
  }
  return MTM_DATADIR;
}
