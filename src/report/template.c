/* The template reader: front matter, figure tags {{name k=v ...}} found in
 * the Markdown, generated sections expanded, every tag evaluated into a
 * figure and replaced by its placeholder, then the text parsed by cmark
 * (raw HTML is not let through). */
#include "report/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *rp_arg_get(const rp_tag *t, const char *k) {
  /* The value of a named argument, NULL when absent. */
  for (int i = 0; i < t->nargs; i++)
    if (t->args[i].k && !strcmp(t->args[i].k, k)) return t->args[i].v;
  return NULL;
}

const char *rp_arg_pos(const rp_tag *t, int i) {
  /* The i-th positional argument (0-based), NULL when absent. */
  for (int j = 0; j < t->nargs; j++)
    if (!t->args[j].k && i-- == 0) return t->args[j].v;
  return NULL;
}

int rp_fail(rp_ctx *c, const rp_tag *t, const char *fmt, ...) {
  /* "TEMPLATE, line L, tag '{{...}}': message" as an MTM_EINVAL. */
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  mtm_err_clear(c->err);
  if (!t) return mtm_err_set(c->err, MTM_EINVAL, "%s, line %ld: %s", c->tmpl_name, c->line, msg);
  return mtm_err_set(c->err, MTM_EINVAL, "%s, line %ld, tag '%s': %s", c->tmpl_name, c->line,
                     t->text, msg);
}

/* Parses the tag between "{{" at s and the matching "}}" (at end) into t;
 * returns 0 or fails naming the tag. */
static int parse_tag(rp_ctx *c, const char *s, const char *end, rp_tag *t) {
  memset(t, 0, sizeof *t);
  t->text = mtm_arena_strndup(c->a, s, (size_t)(end + 2 - s));
  const char *p = s + 2;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n')) p++;
  const char *n0 = p;
  while (p < end && ((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9'))) p++;
  if (p == n0) return rp_fail(c, t, "a tag starts with its name, e.g. {{share q=QUESTION value=VALUE}}");
  t->name = mtm_arena_strndup(c->a, n0, (size_t)(p - n0));
  for (;;) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n')) p++;
    if (p >= end) break;
    if (t->nargs == 16) return rp_fail(c, t, "a tag takes at most 16 arguments");
    const char *k0 = p, *k1 = NULL;
    while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '=' && *p != '"') p++;
    if (p < end && *p == '=') {
      k1 = p;
      p++;
    } else {
      p = k0;
    }
    const char *v0, *v1;
    if (p < end && *p == '"') {
      v0 = ++p;
      while (p < end && *p != '"') p++;
      if (p >= end) return rp_fail(c, t, "a quoted value has no closing '\"'");
      v1 = p++;
    } else {
      v0 = p;
      while (p < end && *p != ' ' && *p != '\t' && *p != '\n') p++;
      v1 = p;
    }
    rp_arg *a = &t->args[t->nargs++];
    a->k = k1 ? mtm_arena_strndup(c->a, k0, (size_t)(k1 - k0)) : NULL;
    a->v = mtm_arena_strndup(c->a, v0, (size_t)(v1 - v0));
    if (k1 && k1 == k0) return rp_fail(c, t, "'=' without a name before it");
  }
  return 0;
}

/* Expands text into md: tags become placeholders (or text), generators
 * become their Markdown, itself expanded (depth 1, its tags reported at
 * the generator's line). */
static int expand(rp_ctx *c, const char *text, mtm_buf *md, int depth, long fixed_line) {
  const char *p = text;
  long line = fixed_line ? fixed_line : c->line;
  while (*p) {
    const char *o = strstr(p, "{{");
    const char *stop = o ? o : p + strlen(p);
    for (const char *q = p; q < stop; q++)
      if (*q == '\n' && !fixed_line) line++;
    mtm_buf_add(md, p, (size_t)(stop - p));
    if (!o) break;
    c->line = line;
    const char *e = strstr(o + 2, "}}");
    if (!e) return rp_fail(c, NULL, "'{{' opens a tag that no '}}' closes");
    rp_tag t;
    int rc = parse_tag(c, o, e, &t);
    if (rc) return rc;
    int generated = 0;
    if (depth <= 1 && !strcmp(t.name, "text")) { /* a template's or a generated section's */
      const char *name0 = c->tmpl_name;
      rc = rp_authored(c, &t, md);
      c->tmpl_name = name0;
      c->line = line;
      if (rc) return rc;
      generated = 1;
    } else if (depth == 0) {
      mtm_buf gen;
      mtm_buf_init(&gen);
      rc = rp_generate(c, &t, &gen);
      if (rc == 1) {
        generated = 1;
        rc = expand(c, gen.p ? gen.p : "", md, 1, line);
      }
      mtm_buf_free(&gen);
      c->line = line;
      if (rc < 0) return rc;
    }
    if (!generated) {
      int fig = -1;
      const char *txt = NULL;
      rc = rp_eval_tag(c, &t, &fig, &txt);
      if (rc) return rc;
      if (fig >= 0) mtm_buf_printf(md, MTM_DOC_MARK_OPEN "%d" MTM_DOC_MARK_CLOSE, fig);
      else if (txt) mtm_buf_adds(md, txt);
      rp_money_mark(c, &t, fig, md);
    }
    for (const char *q = o; q < e; q++)
      if (*q == '\n' && !fixed_line) line++;
    p = e + 2;
  }
  if (!fixed_line) c->line = line;
  return 0;
}

int rp_expand_text(rp_ctx *c, const char *name, const char *text, mtm_buf *md) {
  /* Depth 2 (no generators, no nested authored text), lines counted from
   * the text's first. */
  c->tmpl_name = name;
  c->line = 1;
  return expand(c, text, md, 2, 0);
}

/* Reads the front matter (--- lines of "key: value" ---) at the start of
 * text: title, subtitle, weight. Returns where the Markdown starts. */
static const char *front_matter(rp_ctx *c, const char *text, mtm_report_doc *doc) {
  if (strncmp(text, "---\n", 4)) return text;
  const char *p = text + 4;
  long line = 2;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len == 3 && !strncmp(p, "---", 3)) {
      c->line = line + 1;
      return nl ? nl + 1 : p + len;
    }
    const char *colon = memchr(p, ':', len);
    if (colon) {
      mtm_slice k = mtm_slice_trim((mtm_slice){p, (size_t)(colon - p)});
      mtm_slice v = mtm_slice_trim((mtm_slice){colon + 1, len - (size_t)(colon + 1 - p)});
      const char *val = mtm_arena_strndup(c->a, v.p, v.n);
      if (mtm_slice_eq(k, "title")) doc->title = val;
      else if (mtm_slice_eq(k, "subtitle")) doc->subtitle = val;
      else if (mtm_slice_eq(k, "weight") && *val) c->spec.weight = val;
    }
    if (!nl) break;
    p = nl + 1;
    line++;
  }
  c->line = 1;
  return text; /* no closing line: not front matter */
}

int rp_template_eval(rp_ctx *c, const char *name, const char *text, mtm_report_doc *doc) {
  /* Front matter, expansion and evaluation, then cmark. */
  c->tmpl_name = name;
  c->line = 1;
  c->annex_fig = -1;
  const char *body = front_matter(c, text, doc);
  mtm_buf md;
  mtm_buf_init(&md);
  int rc = expand(c, body, &md, 0, 0);
  if (rc) {
    mtm_buf_free(&md);
    return rc;
  }
  if (c->annex_fig >= 0) rp_fill_annex(c, c->annex_fig);
  rp_money_footnote(c, &md);
  doc->root = mtm_report_md_parse(md.p ? md.p : "", md.n);
  if (doc->root) rp_boxes(doc->root);
  mtm_buf_free(&md);
  if (!doc->root) return mtm_err_set(c->err, MTM_ENOMEM, "cannot parse the template %s", name);
  doc->nfigs = c->nfigs;
  doc->figs = c->figs;
  return 0;
}
