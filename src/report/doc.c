/* The evaluated document's lifetime: everything but the cmark tree lives
 * in the arena it was built in. */
#include "report/doc.h"

void mtm_report_doc_free(mtm_report_doc *d) {
  /* Releases the cmark tree (the rest belongs to the arena). */
  if (!d) return;
  if (d->root) cmark_node_free(d->root);
  d->root = NULL;
}
