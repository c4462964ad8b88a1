/* The evaluated document's lifetime (everything but the cmark tree lives
 * in the arena it was built in) and the GitHub-flavoured Markdown of
 * every report: cmark-gfm with its table and strikethrough extensions and
 * footnotes. */
#include "report/doc.h"

#include <cmark-gfm-core-extensions.h>
#include <string.h>

void mtm_report_doc_free(mtm_report_doc *d) {
  /* Releases the cmark tree (the rest belongs to the arena). */
  if (!d) return;
  if (d->root) cmark_node_free(d->root);
  d->root = NULL;
}

static const char *const extensions[] = {"table", "strikethrough"};

/* The extensions as cmark-gfm's list (registered once; the list is
 * allocated with cmark's default allocator, freed by free_list). */
static cmark_llist *ext_list(void) {
  cmark_gfm_core_extensions_ensure_registered();
  cmark_llist *l = NULL;
  for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++) {
    cmark_syntax_extension *e = cmark_find_syntax_extension(extensions[i]);
    if (e) l = cmark_llist_append(cmark_get_default_mem_allocator(), l, e);
  }
  return l;
}

/* Frees a list made by ext_list (not the extensions themselves). */
static void free_list(cmark_llist *l) {
  cmark_llist_free(cmark_get_default_mem_allocator(), l);
}

cmark_node *mtm_report_md_parse(const char *md, size_t len) {
  /* A parser with the extensions attached, fed the whole text. */
  cmark_llist *l = ext_list();
  cmark_parser *p = cmark_parser_new(MTM_DOC_CMARK_OPTS);
  if (!p) {
    free_list(l);
    return NULL;
  }
  for (cmark_llist *e = l; e; e = e->next) cmark_parser_attach_syntax_extension(p, e->data);
  cmark_parser_feed(p, md, len);
  cmark_node *root = cmark_parser_finish(p);
  cmark_parser_free(p);
  free_list(l);
  return root;
}

char *mtm_report_md_html(cmark_node *root) {
  /* cmark-gfm's HTML with the extensions' renderers. */
  cmark_llist *l = ext_list();
  char *html = cmark_render_html(root, MTM_DOC_CMARK_OPTS, l);
  free_list(l);
  return html;
}

/* True when n is an extension's node named type (the extensions' node
 * types are variables their headers do not declare). */
static int is_type(cmark_node *n, const char *type) {
  const char *t = n ? cmark_node_get_type_string(n) : NULL;
  return t && !strcmp(t, type);
}

int mtm_report_md_is_table(cmark_node *n) {
  /* A table ("table" in cmark-gfm's table extension). */
  return is_type(n, "table");
}

int mtm_report_md_is_table_row(cmark_node *n) {
  /* A table row, the header row included. */
  return is_type(n, "table_row") || is_type(n, "table_header");
}

int mtm_report_md_is_table_header(cmark_node *n) {
  /* The header row (cmark-gfm marks it on the row). */
  return is_type(n, "table_header");
}

int mtm_report_md_is_strike(cmark_node *n) {
  /* ~~text~~. */
  return is_type(n, "strikethrough");
}
