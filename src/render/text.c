/* render: label widths measured with pango, and the palette. */
#include "render/render.h"

#include <pango/pangocairo.h>
#include <pthread.h>

const char *const mtm_render_palette[] = {
    "#0033A0", /* IOM blue                 */
    "#5B92E5", /* light blue               */
    "#F2A900", /* amber                    */
    "#7D8C9C", /* slate                    */
    "#00A99D", /* teal                     */
    "#D2691E", /* ochre                    */
};
const int mtm_render_palette_n = (int)(sizeof mtm_render_palette / sizeof mtm_render_palette[0]);

static pthread_mutex_t text_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoContext *text_ctx;

double mtm_render_text_width(const char *utf8, double size, int bold) {
  /* One pango context on the cairo font map, with hinting off so that
   * widths are the same at every scale (the SVG is scaled into the PDF);
   * a layout per call, measured in pango units. */
  if (!utf8 || !*utf8) return 0;
  pthread_mutex_lock(&text_lock);
  if (!text_ctx) {
    PangoFontMap *fm = pango_cairo_font_map_get_default();
    text_ctx = pango_font_map_create_context(fm);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(text_ctx, fo);
    pango_context_set_round_glyph_positions(text_ctx, FALSE);
    cairo_font_options_destroy(fo);
  }
  PangoLayout *l = pango_layout_new(text_ctx);
  PangoFontDescription *d = pango_font_description_new();
  pango_font_description_set_family(d, MTM_RENDER_FONT);
  pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
  pango_font_description_set_weight(d, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(l, d);
  pango_layout_set_text(l, utf8, -1);
  int w = 0, h = 0;
  pango_layout_get_size(l, &w, &h);
  pango_font_description_free(d);
  g_object_unref(l);
  pthread_mutex_unlock(&text_lock);
  return (double)w / PANGO_SCALE;
}
