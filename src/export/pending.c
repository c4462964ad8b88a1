/* export: the kinds not built yet (issue 11 in progress). Each helper
 * removes its function from this file when it lands its own; the file goes
 * when it is empty. */
#include "export/export.h"

static int pending(const char *what, mtm_err *err) {
  return mtm_err_set(err, MTM_EINVAL, "mtm export: %s is not built yet", what);
}
int mtm_export_indicators(mtm_store *st, const mtm_export_opts *o, mtm_pub_writer *w, mtm_err *err) {
  (void)st, (void)o, (void)w;
  return pending("--what indicators", err);
}
int mtm_export_microdata(mtm_store *st, const mtm_export_opts *o, mtm_pub_writer *w, mtm_err *err) {
  (void)st, (void)o, (void)w;
  return pending("--what microdata", err);
}
int mtm_export_metadata(mtm_store *st, const mtm_export_opts *o, mtm_arena *a, mtm_pub_meta **out,
                        int *n, mtm_err *err) {
  (void)st, (void)o, (void)a, (void)err;
  *out = NULL;
  *n = 0;
  return 0;
}
int mtm_export_hdx(mtm_store *st, const mtm_export_opts *o, const char *dir, mtm_err *err) {
  (void)st, (void)o, (void)dir;
  return pending("--hdx", err);
}
#include "export/internal.h"
int ex_anonymise(mtm_store *st, const mtm_export_opts *o, mtm_frame *f, mtm_arena *a,
                 ex_micro_view *v, mtm_err *err) {
  (void)st, (void)o, (void)f, (void)a, (void)v;
  return pending("--anonymise", err);
}
