/* publish: not built yet (issue 11 in progress); the publish helper
 * replaces this file with the writer. */
#include "publish/publish.h"

#include <string.h>

int mtm_pub_format_parse(const char *s, mtm_pub_format *out) {
  static const char *const names[] = {"csv", "xlsx", "json"};
  for (int i = 0; i < 3; i++)
    if (s && !strcmp(s, names[i])) {
      *out = (mtm_pub_format)(i + 1);
      return 0;
    }
  return MTM_EINVAL;
}
mtm_pub_format mtm_pub_format_of_path(const char *path) {
  (void)path;
  return (mtm_pub_format)0;
}
int mtm_pub_open(mtm_pub_writer **w, const char *path, const mtm_pub_opts *o, mtm_err *err) {
  (void)path, (void)o;
  *w = NULL;
  return mtm_err_set(err, MTM_EINVAL, "mtm export: the file writer is not built yet");
}
int mtm_pub_metadata(mtm_pub_writer *w, int n, const mtm_pub_meta *m, mtm_err *err) {
  (void)w, (void)n, (void)m, (void)err;
  return 0;
}
int mtm_pub_close(mtm_pub_writer *w, mtm_err *err) {
  (void)w, (void)err;
  return 0;
}
void mtm_pub_abort(mtm_pub_writer *w) { (void)w; }
int mtm_pub_table(mtm_pub_writer *w, const char *name, int ncols, const mtm_pub_col *cols,
                  mtm_err *err) {
  (void)w, (void)name, (void)ncols, (void)cols;
  return mtm_err_set(err, MTM_EINVAL, "mtm export: the file writer is not built yet");
}
int mtm_pub_row(mtm_pub_writer *w, const char *const *cells, mtm_err *err) {
  (void)w, (void)cells;
  return mtm_err_set(err, MTM_EINVAL, "mtm export: the file writer is not built yet");
}
