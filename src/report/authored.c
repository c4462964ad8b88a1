/* The author's text: the blocks of a text folder (introduction, target
 * populations, partners, key findings, conclusions, a migrant's story)
 * placed by {{text NAME}} tags, with their photos, footnotes and figure
 * tags; the logo and the publication date of the cover; the footnote on
 * the exchange rate wherever money appears. */
#include "prose/prose.h"
#include "report/internal.h"

#include <stdio.h>
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>

/* The names a text folder may hold (NAME.LANG.md, else NAME.md). */
static const char *const block_names[] = {"introduction", "populations", "partners",
                                          "key-findings", "conclusions", "story", NULL};

/* The label of the exchange-rate footnote (no author's label has a '_'
 * prefix after the rewriting of authored_labels). */
#define RATE_NOTE "[^_usd-rate]"

/* 1 when path names a directory. */
static int is_dir(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int rp_text_dir(rp_ctx *c) {
  /* --text DIR (which must exist), else text/ beside a user's template,
   * else none. */
  c->text_dir = NULL;
  if (c->o->text_dir) {
    if (!is_dir(c->o->text_dir)) {
      mtm_err_clear(c->err);
      mtm_err_where(c->err, c->o->text_dir, NULL, 0, NULL, NULL);
      return mtm_err_set(c->err, MTM_EINVAL,
                         "the text folder does not exist (--text names a folder of NAME.md files: %s)",
                         "introduction, populations, partners, key-findings, conclusions, story");
    }
    c->text_dir = c->o->text_dir;
    return 0;
  }
  if (!c->o->template_path) return 0;
  const char *slash = strrchr(c->o->template_path, '/');
  const char *dir = slash ? mtm_arena_printf(c->a, "%.*s/text", (int)(slash - c->o->template_path),
                                             c->o->template_path)
                          : "text";
  if (is_dir(dir)) c->text_dir = dir;
  return 0;
}

/* Reads a file into the arena; *len its size. Fails naming the file. */
static int read_bytes(rp_ctx *c, const char *path, const unsigned char **out, size_t *len) {
  mtm_buf b;
  mtm_buf_init(&b);
  int rc = mtm_buf_read_file(&b, path, c->err);
  if (rc) {
    mtm_buf_free(&b);
    return rc;
  }
  unsigned char *p = mtm_arena_alloc(c->a, b.n ? b.n : 1);
  if (b.n) memcpy(p, b.p, b.n);
  *out = p;
  *len = b.n;
  mtm_buf_free(&b);
  return 0;
}

const char *rp_image_mime(const unsigned char *p, size_t n, int svg_ok) {
  /* By the file's first bytes, not its name. */
  if (n >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
  if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return "image/jpeg";
  if (svg_ok) {
    size_t k = n < 4096 ? n : 4096;
    for (size_t i = 0; i + 4 <= k; i++)
      if (!memcmp(p + i, "<svg", 4)) return "image/svg+xml";
  }
  return NULL;
}

/* Replaces the photos of an authored text, ![caption](file "credit") each,
 * by placeholders of photo figures (the file read now, relative to the
 * folder); the rest is copied. Fails naming the text's file and line. */
static int photos(rp_ctx *c, const char *path, const char *text, mtm_buf *out) {
  long line = 1;
  const char *p = text;
  while (*p) {
    if (*p == '\n') line++;
    if (!(p[0] == '!' && p[1] == '[')) {
      mtm_buf_addc(out, *p++);
      continue;
    }
    const char *cap0 = p + 2, *cap1 = strstr(cap0, "](");
    const char *close = cap1 ? strchr(cap1 + 2, ')') : NULL;
    const char *nl = strchr(cap0, '\n');
    if (!cap1 || !close || (nl && nl < close)) {
      mtm_buf_addc(out, *p++);
      continue;
    }
    /* the target: a file name, then an optional "credit" */
    const char *f0 = cap1 + 2, *f1 = f0;
    while (f1 < close && *f1 != ' ' && *f1 != '"') f1++;
    const char *credit = NULL;
    const char *q = memchr(f1, '"', (size_t)(close - f1));
    if (q) {
      const char *q2 = memchr(q + 1, '"', (size_t)(close - q - 1));
      if (q2) credit = mtm_arena_strndup(c->a, q + 1, (size_t)(q2 - q - 1));
    }
    const char *file = mtm_arena_strndup(c->a, f0, (size_t)(f1 - f0));
    const char *full = file[0] == '/' ? file : mtm_arena_printf(c->a, "%s/%s", c->text_dir, file);
    const unsigned char *img;
    size_t n;
    if (!*file)
      return mtm_err_set(c->err, MTM_EINVAL, "%s, line %ld: a photo names no file: ![caption](file.jpg \"credit\")",
                         path, line);
    if (read_bytes(c, full, &img, &n)) {
      char why[1024];
      snprintf(why, sizeof why, "%s", c->err->msg);
      mtm_err_clear(c->err);
      return mtm_err_set(c->err, MTM_EINVAL, "%s, line %ld: cannot read the photo '%s' (%s)", path, line,
                         full, why);
    }
    const char *mime = rp_image_mime(img, n, 0);
    if (!mime)
      return mtm_err_set(c->err, MTM_EINVAL, "%s, line %ld: the photo '%s' is neither a JPEG nor a PNG",
                         path, line, file);
    rp_tag t;
    memset(&t, 0, sizeof t);
    t.name = "photo";
    t.text = mtm_arena_strndup(c->a, p, (size_t)(close + 1 - p));
    int fig = rp_fig_new(c, MTM_FIG_PHOTO, &t);
    mtm_fig *f = &c->figs[fig];
    f->caption = mtm_arena_strndup(c->a, cap0, (size_t)(cap1 - cap0));
    f->note = credit;
    f->img = img;
    f->img_len = n;
    f->img_mime = mime;
    f->file = file;
    mtm_buf_printf(out, MTM_DOC_MARK_OPEN "%d" MTM_DOC_MARK_CLOSE, fig);
    p = close + 1;
  }
  return 0;
}

/* Prefixes the labels of the footnotes of block name ("[^1]" in
 * conclusions.md becomes "[^conclusions-1]"), so that two files may both
 * number theirs from 1. */
static void footnote_labels(const char *name, const char *text, mtm_buf *out) {
  for (const char *p = text; *p;) {
    if (p[0] == '[' && p[1] == '^' && p[2] && p[2] != ']') {
      mtm_buf_printf(out, "[^%s-", name);
      p += 2;
      continue;
    }
    mtm_buf_addc(out, *p++);
  }
}

/* 1 when the text's first line that is not blank is a heading. */
static int starts_with_heading(const char *s) {
  while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t') s++;
  return *s == '#';
}

int rp_authored(rp_ctx *c, const rp_tag *t, mtm_buf *md) {
  /* {{text NAME [heading="..."] [level=N] [box=yes]}}: the file's Markdown
   * under the heading, its tags evaluated with the file's name and lines
   * in messages; nothing at all when the folder has no such file. */
  const char *name = rp_arg_get(t, "name");
  if (!name) name = rp_arg_pos(t, 0);
  int known = 0;
  for (int i = 0; name && block_names[i]; i++)
    if (!strcmp(block_names[i], name)) known = 1;
  /* profile-CODE: the paragraph of a nationality profile (the built-in
   * profiles ask for one per nationality code) */
  if (name && !strncmp(name, "profile-", 8) && name[8]) {
    known = 1;
    for (const char *q = name + 8; *q; q++)
      if (!isalnum((unsigned char)*q) && *q != '_' && *q != '-') known = 0;
  }
  if (!known)
    return rp_fail(c, t,
                   "text takes the name of an authored block: introduction, populations, partners, "
                   "key-findings, conclusions, story or profile-CODE");
  if (!c->text_dir) return 0;
  const char *path = mtm_arena_printf(c->a, "%s/%s.%s.md", c->text_dir, name, c->lang_code);
  struct stat sb;
  if (stat(path, &sb) != 0) path = mtm_arena_printf(c->a, "%s/%s.md", c->text_dir, name);
  if (stat(path, &sb) != 0) return 0;
  mtm_buf raw, fixed, pic;
  mtm_buf_init(&raw);
  mtm_buf_init(&fixed);
  mtm_buf_init(&pic);
  int rc = mtm_buf_read_file(&raw, path, c->err);
  if (!rc) {
    footnote_labels(name, raw.p ? raw.p : "", &fixed);
    rc = photos(c, path, fixed.p ? fixed.p : "", &pic);
  }
  if (!rc) {
    const char *heading = rp_arg_get(t, "heading");
    const char *lv = rp_arg_get(t, "level");
    int level = lv && *lv >= '1' && *lv <= '6' ? *lv - '0' : 1;
    int box = rp_arg_get(t, "box") && !strcmp(rp_arg_get(t, "box"), "yes");
    mtm_buf_adds(md, "\n\n");
    if (heading && *heading && !starts_with_heading(pic.p ? pic.p : ""))
      mtm_buf_printf(md, "%.*s %s\n\n", level, "######", heading);
    if (box) mtm_buf_adds(md, MTM_DOC_BOX_OPEN "\n\n");
    rc = rp_expand_text(c, path, pic.p ? pic.p : "", md);
    if (box) mtm_buf_adds(md, "\n\n" MTM_DOC_BOX_CLOSE);
    mtm_buf_adds(md, "\n\n");
  }
  mtm_buf_free(&raw);
  mtm_buf_free(&fixed);
  mtm_buf_free(&pic);
  return rc;
}

/* ---- boxes ---------------------------------------------------------------- */

/* 1 when n is a paragraph whose only text is the marker m. */
static int is_marker(cmark_node *n, const char *m) {
  if (!n || cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH) return 0;
  cmark_node *t = cmark_node_first_child(n);
  if (!t || cmark_node_next(t) || cmark_node_get_type(t) != CMARK_NODE_TEXT) return 0;
  const char *s = cmark_node_get_literal(t);
  return s && !strcmp(s, m);
}

void rp_boxes(cmark_node *root) {
  /* Moves the blocks between a pair of markers into a custom block (the
   * HTML's <aside class="story">, the PDF's framed box) and drops the
   * markers. */
  cmark_node *n = cmark_node_first_child(root);
  while (n) {
    if (!is_marker(n, MTM_DOC_BOX_OPEN)) {
      n = cmark_node_next(n);
      continue;
    }
    cmark_node *box = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
    cmark_node_set_on_enter(box, "<aside class=\"story\">");
    cmark_node_set_on_exit(box, "</aside>");
    cmark_node_insert_before(n, box);
    cmark_node *m = cmark_node_next(n);
    cmark_node_free(n);
    while (m && !is_marker(m, MTM_DOC_BOX_CLOSE)) {
      cmark_node *next = cmark_node_next(m);
      cmark_node_append_child(box, m);
      m = next;
    }
    if (m) {
      n = cmark_node_next(m);
      cmark_node_free(m);
    } else {
      n = NULL;
    }
  }
}

/* ---- money ---------------------------------------------------------------- */

void rp_money_mark(rp_ctx *c, const rp_tag *t, int fig, mtm_buf *md) {
  /* A figure of a money question (q= in the operation's currency): a
   * number or sentence gets the rate's footnote; a chart or table the
   * rate in its note. */
  const char *q = rp_arg_get(t, "q");
  if (!q) q = rp_arg_pos(t, 0);
  if (!q || !c->currency || fig < 0 || !c->f || !mtm_analysis_is_money(c->f, q, c->currency)) return;
  mtm_fig *f = &c->figs[fig];
  if (f->kind == MTM_FIG_NUMBER || f->kind == MTM_FIG_TEXT) {
    mtm_buf_adds(md, RATE_NOTE);
    c->money_refs++;
  } else if (f->kind == MTM_FIG_CHART || f->kind == MTM_FIG_TABLE) {
    const char *r = rp_rate_text(c);
    f->note = f->note && *f->note ? mtm_arena_printf(c->a, "%s. %s", f->note, r) : r;
  }
}

const char *rp_rate_text(rp_ctx *c) {
  /* "Amounts in KZT; in US dollars at the exchange rate of Round 2, 451.7
   * KZT per USD (source: ...)." */
  int ru = c->lang == MTM_PROSE_RU;
  char rate[40];
  snprintf(rate, sizeof rate, "%g", c->rate);
  if (ru)
    for (char *p = rate; *p; p++)
      if (*p == '.') *p = ',';
  const char *src = c->rate_source && *c->rate_source ? c->rate_source
                    : ru                              ? "не указан"
                                                      : "not recorded";
  if (c->rate <= 0)
    return ru ? mtm_arena_printf(c->a, "Суммы в %s; курс доллара США для раунда %d не записан.", c->currency,
                                 c->o->round)
              : mtm_arena_printf(c->a, "Amounts in %s; no exchange rate to the US dollar is recorded for Round %d.",
                                 c->currency, c->o->round);
  return ru ? mtm_arena_printf(c->a,
                               "Суммы в %s; в долларах США по курсу раунда %d: %s %s за 1 USD "
                               "(источник: %s).",
                               c->currency, c->o->round, rate, c->currency, src)
            : mtm_arena_printf(c->a,
                               "Amounts in %s; in US dollars at the exchange rate of Round %d, %s %s "
                               "per USD (source: %s).",
                               c->currency, c->o->round, rate, c->currency, src);
}

void rp_money_footnote(rp_ctx *c, mtm_buf *md) {
  /* The definition, once, when a figure referred to it. */
  if (c->money_refs) mtm_buf_printf(md, "\n\n" RATE_NOTE ": %s\n", rp_rate_text(c));
}

/* ---- the cover ------------------------------------------------------------ */

int rp_cover(rp_ctx *c, mtm_report_doc *doc) {
  /* --logo FILE (PNG, JPEG or SVG, checked by its bytes) and the
   * publication date (--date, else today) in the report's language. */
  if (c->o->logo_path) {
    const unsigned char *p;
    size_t n;
    if (read_bytes(c, c->o->logo_path, &p, &n)) return c->err->code;
    const char *mime = rp_image_mime(p, n, 1);
    if (!mime) {
      mtm_err_clear(c->err);
      mtm_err_where(c->err, c->o->logo_path, NULL, 0, NULL, NULL);
      return mtm_err_set(c->err, MTM_EINVAL, "the logo is neither a PNG, a JPEG nor an SVG file");
    }
    doc->logo = p;
    doc->logo_len = n;
    doc->logo_mime = mime;
  }
  int32_t days = mtm_today();
  if (c->o->date && mtm_parse_date(mtm_slice_c(c->o->date), &days))
    return mtm_err_set(c->err, MTM_EINVAL, "--date is a date YYYY-MM-DD, not '%s'", c->o->date);
  int y;
  unsigned m, d;
  mtm_civil_from_days(days, &y, &m, &d);
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_prose_date(&b, c->lang, y, (int)m, (int)d);
  doc->date = mtm_arena_strdup(c->a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return 0;
}
