/* render: an SVG document drawn onto a cairo context with librsvg, so that
 * the PDF's charts and maps are the very SVGs of the HTML report. */
#include "render/render.h"

#include <cairo.h>
#include <librsvg/rsvg.h>

int mtm_render_svg_cairo(void *cr, const char *svg, size_t len, double x, double y, double w,
                         double *h, mtm_err *err) {
  /* Parses the document, reads its intrinsic size in px (96 dpi), and
   * renders it into the viewport x, y, w by w * height/width, which keeps
   * the aspect ratio; cairo's state is saved and restored around it. */
  if (h) *h = 0;
  if (!cr || !svg || len == 0)
    return mtm_err_set(err, MTM_EINVAL, "There is no SVG drawing to place on the page.");
  if (!(w > 0))
    return mtm_err_set(err, MTM_EINVAL,
                       "A drawing cannot be placed in a box %.1f points wide; the width must "
                       "be more than zero.",
                       w);
  GError *gerr = NULL;
  RsvgHandle *hd = rsvg_handle_new_from_data((const guint8 *)svg, len, &gerr);
  if (!hd) {
    int rc = mtm_err_set(err, MTM_EINVAL, "The SVG drawing could not be read: %s.",
                         gerr && gerr->message ? gerr->message : "unknown error");
    if (gerr) g_error_free(gerr);
    return rc;
  }
  rsvg_handle_set_dpi(hd, 96.0);
  double pw = 0, ph = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(hd, &pw, &ph) || !(pw > 0) || !(ph > 0)) {
    g_object_unref(hd);
    return mtm_err_set(err, MTM_EINVAL,
                       "The SVG drawing has no width and height in pixels, so it cannot be "
                       "scaled onto the page.");
  }
  double hh = w * ph / pw;
  RsvgRectangle vp = {.x = x, .y = y, .width = w, .height = hh};
  cairo_t *c = cr;
  cairo_save(c);
  gboolean ok = rsvg_handle_render_document(hd, c, &vp, &gerr);
  cairo_restore(c);
  g_object_unref(hd);
  if (!ok) {
    int rc = mtm_err_set(err, MTM_EINVAL, "The SVG drawing could not be drawn: %s.",
                         gerr && gerr->message ? gerr->message : "unknown error");
    if (gerr) g_error_free(gerr);
    return rc;
  }
  if (cairo_status(c) != CAIRO_STATUS_SUCCESS)
    return mtm_err_set(err, MTM_EIO, "The drawing surface failed: %s.",
                       cairo_status_to_string(cairo_status(c)));
  if (h) *h = hh;
  return 0;
}
