/* export: the dispatch of `mtm export` (export.h): one writer opened on
 * --out, the rows of the kind asked, the metadata, closed into place. */
#include "export/export.h"

#include <string.h>

int mtm_export_what_parse(const char *s, mtm_export_what *out) {
  /* Reads the name of a kind of export. */
  static const char *const names[] = {"bma", "indicators", "microdata"};
  for (int i = 0; i < 3; i++)
    if (s && !strcmp(s, names[i])) {
      *out = (mtm_export_what)(i + 1);
      return 0;
    }
  return MTM_EINVAL;
}

int mtm_export_run(mtm_store *st, const mtm_export_opts *o, mtm_err *err) {
  /* Opens the writer, writes the rows and (XLSX, CSV zip) the metadata,
   * and renames the file into place; on any error nothing is left. */
  if (o->hdx) return mtm_export_hdx(st, o, o->hdx, err);
  mtm_pub_opts po = {0};
  po.format = o->format ? o->format : mtm_pub_format_of_path(o->out);
  if (!po.format) po.format = MTM_PUB_CSV;
  po.hxl = o->hxl;
  mtm_pub_writer *w = NULL;
  if (mtm_pub_open(&w, o->out, &po, err)) return err->code ? err->code : MTM_EIO;
  int rc;
  switch (o->what) {
  case MTM_EXPORT_BMA: rc = mtm_export_bma(st, o, w, err); break;
  case MTM_EXPORT_INDICATORS: rc = mtm_export_indicators(st, o, w, err); break;
  case MTM_EXPORT_MICRODATA: rc = mtm_export_microdata(st, o, w, err); break;
  default: rc = mtm_err_set(err, MTM_EINVAL, "say what to export with --what bma|indicators|microdata");
  }
  if (!rc && po.format != MTM_PUB_JSON) {
    mtm_arena a;
    mtm_arena_init(&a);
    mtm_pub_meta *m = NULL;
    int n = 0;
    rc = mtm_export_metadata(st, o, &a, &m, &n, err);
    if (!rc && n) rc = mtm_pub_metadata(w, n, m, err);
    mtm_arena_free(&a);
  }
  if (rc) {
    mtm_pub_abort(w);
    return rc;
  }
  return mtm_pub_close(w, err);
}
