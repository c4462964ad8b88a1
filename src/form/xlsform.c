/* The XLSForm reader: survey, choices and settings sheets (through the
 * table module) into an immutable mtm_form, with every expression parsed
 * and every reference checked. Errors name sheet, row, column, question. */
#include "form/form.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "store/store.h"
#include "table/table.h"

/* ---- sheets held in memory ------------------------------------------------- */

typedef struct srow {
  long row;
  int n;
  char **c;         /* trimmed cells, never NULL */
  const char *file; /* the file an include row pulled it from; NULL: the form's */
  long hdr_row;     /* the row of its sheet's header */
  const char *node; /* a loop's copy: the name in the data (pyxform's), when
                       the name cell was made unique; NULL: the name cell */
} srow;

typedef struct sheet {
  const char *name; /* "survey", "choices", "settings" */
  int found;
  srow hdr;
  int nrows, cap;
  srow *rows;
} sheet;

/* Column roles on the survey and choices sheets. */
enum {
  C_NONE,
  C_TYPE,
  C_NAME,
  C_LABEL,
  C_HINT,
  C_REQUIRED,
  C_REQUIRED_MSG,
  C_RELEVANT,
  C_CONSTRAINT,
  C_CONSTRAINT_MSG,
  C_CHOICE_FILTER,
  C_CALCULATION,
  C_APPEARANCE,
  C_DEFAULT,
  C_HXL,
  C_READ_ONLY,
  C_PARAMETERS,
  C_LIST_NAME,
  C_MEDIA,
  C_REPORT, /* report::LANG: a finding's phrase (see mtm_question.reports) */
  C_IGNORED
};

typedef struct colspec {
  int role;
  int lang;           /* translatable roles: index in the form's languages */
  const char *header; /* as written, for messages */
} colspec;

typedef struct reader {
  mtm_arena *a; /* the form's arena */
  mtm_err *err;
  const char *file; /* for messages */
  mtm_form *f;
  sheet survey, choices, settings;
  int langcap;
  const char *plain_lang; /* the language of unsuffixed label columns */
  int allow_dup_choices;
  const char *survey_sheet; /* the survey sheet's name ("survey", or a lone sheet's) */
  const char *row_file;     /* the file of the row being read, when included */
  const char *reading;      /* the included file whose sheets are being read */
  int lenient;              /* MTM_FORM_LENIENT: leave out what cannot be used */
  int wcap;                 /* of f->warnings */
  /* Include rows: files beside path (dir), or the ones given. */
  const char *dir;
  const mtm_form_file *given;
  int ngiven;
  int incap;                /* of f->includes */
  const char *chain[16];    /* the files being included, outermost first */
  int nchain;
} reader;

static char *dup(reader *r, const char *s) { return mtm_arena_strdup(r->a, s ? s : ""); }

/* Sets the error position on a sheet and returns MTM_EINVAL with msg. */
static int ferr(reader *r, const char *sheet_name, long row, const char *col, const char *q,
                const char *fmt, ...) MTM_PRINTF(6, 7);
static int ferr(reader *r, const char *sheet_name, long row, const char *col, const char *q,
                const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  mtm_err_where(r->err, r->row_file ? r->row_file : r->file, sheet_name, row, col, q);
  return mtm_err_set(r->err, MTM_EINVAL, "%s", msg);
}

/* Records a warning about a cell left out of a form read leniently. */
static void fwarn(reader *r, const char *sheet_name, long row, const char *col, const char *q,
                  const char *fmt, ...) MTM_PRINTF(6, 7);
static void fwarn(reader *r, const char *sheet_name, long row, const char *col, const char *q,
                  const char *fmt, ...) {
  mtm_form *f = r->f;
  if (f->nwarnings == r->wcap) {
    r->wcap = r->wcap ? r->wcap * 2 : 8;
    mtm_err *g = mtm_arena_alloc(r->a, sizeof *g * (size_t)r->wcap);
    if (f->nwarnings) memcpy(g, f->warnings, sizeof *g * (size_t)f->nwarnings);
    f->warnings = g;
  }
  mtm_err *w = &f->warnings[f->nwarnings++];
  mtm_err_clear(w);
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  mtm_err_where(w, r->row_file ? r->row_file : r->file, sheet_name, row, col, q);
  mtm_err_set(w, MTM_EINVAL, "%s", msg);
}

static void sheet_add(reader *r, sheet *s, long row, int n, char **cells) {
  if (!s->hdr.c) {
    s->hdr = (srow){row, n, cells, r->reading, row, NULL};
    return;
  }
  if (s->nrows == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    srow *g = mtm_arena_alloc(r->a, sizeof *g * (size_t)s->cap);
    if (s->nrows) memcpy(g, s->rows, sizeof *g * (size_t)s->nrows);
    s->rows = g;
  }
  s->rows[s->nrows++] = (srow){row, n, cells, r->reading, s->hdr.row, NULL};
}

/* Copies a table row, trimmed; returns the number of non-empty cells. */
static int copy_row(reader *r, const mtm_row *row, char ***out) {
  char **c = mtm_arena_alloc(r->a, sizeof *c * (size_t)(row->n ? row->n : 1));
  int nonempty = 0;
  for (int i = 0; i < row->n; i++) {
    mtm_slice t = mtm_slice_trim(row->cells[i]);
    c[i] = mtm_arena_strndup(r->a, t.p ? t.p : "", t.n);
    if (t.n) nonempty++;
  }
  *out = c;
  return nonempty;
}

/* Drops the first column when every row leaves it empty (Markdown and
 * pyxform CSV keep the sheet name there). */
static void drop_first_column(sheet *s) {
  if (!s->hdr.c || s->hdr.n < 2 || s->hdr.c[0][0]) return;
  for (int i = 0; i < s->nrows; i++)
    if (s->rows[i].n > 0 && s->rows[i].c[0][0]) return;
  s->hdr.c++, s->hdr.n--;
  for (int i = 0; i < s->nrows; i++)
    if (s->rows[i].n > 0) s->rows[i].c++, s->rows[i].n--;
}

static mtm_table_format guess_format(const void *bytes, size_t len, const char *name) {
  const char *dot = name ? strrchr(name, '.') : NULL;
  if (dot) {
    if (!mtm_strcasecmp(dot, ".xlsx") || !mtm_strcasecmp(dot, ".xlsm")) return MTM_TABLE_XLSX;
    if (!mtm_strcasecmp(dot, ".xls")) return MTM_TABLE_XLS;
    if (!mtm_strcasecmp(dot, ".md")) return MTM_TABLE_MD;
    if (!mtm_strcasecmp(dot, ".csv") || !mtm_strcasecmp(dot, ".tsv") ||
        !mtm_strcasecmp(dot, ".txt"))
      return MTM_TABLE_CSV;
  }
  const unsigned char *b = bytes;
  if (len >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) return MTM_TABLE_XLSX;
  if (len >= 4 && b[0] == 0xD0 && b[1] == 0xCF && b[2] == 0x11 && b[3] == 0xE0)
    return MTM_TABLE_XLS;
  size_t i = 0;
  while (i < len && isspace(b[i])) i++;
  if (i < len && b[i] == '|') return MTM_TABLE_MD;
  return MTM_TABLE_CSV;
}

static const char *format_name(mtm_table_format f) {
  switch (f) {
  case MTM_TABLE_XLSX:
    return "xlsx";
  case MTM_TABLE_XLS:
    return "xls";
  case MTM_TABLE_MD:
    return "md";
  default:
    return "csv";
  }
}

/* Reads one named sheet of a workbook; a missing sheet is not an error. */
static int read_sheet(reader *r, const void *bytes, size_t len, mtm_table_format fmt, sheet *s) {
  mtm_table *t;
  mtm_err e;
  mtm_err_clear(&e);
  int rc = mtm_table_open_mem(&t, bytes, len, fmt, r->file, s->name, &e);
  if (rc == MTM_ENOTFOUND) return 0;
  if (rc) {
    *r->err = e;
    return rc;
  }
  s->found = 1;
  mtm_row row;
  while ((rc = mtm_table_next(t, &row, &e)) == 1) {
    char **c;
    if (copy_row(r, &row, &c) == 0) continue;
    sheet_add(r, s, row.row, row.n, c);
  }
  mtm_table_close(t);
  if (rc < 0) {
    *r->err = e;
    return rc;
  }
  drop_first_column(s);
  return 0;
}

/* pyxform's CSV layout: a row whose first cell is a sheet name opens that
 * sheet; the rows below it leave the first cell empty. A CSV without it is
 * the survey sheet alone. */
static int read_csv(reader *r, const void *bytes, size_t len, sheet *survey, sheet *choices,
                    sheet *settings) {
  mtm_table *t;
  mtm_err e;
  mtm_err_clear(&e);
  int rc = mtm_table_open_mem(&t, bytes, len, MTM_TABLE_CSV, r->file, NULL, &e);
  if (rc) {
    *r->err = e;
    return rc;
  }
  sheet *cur = NULL, skip = {0};
  int layout = -1; /* unknown, 0 plain, 1 pyxform */
  mtm_row row;
  while ((rc = mtm_table_next(t, &row, &e)) == 1) {
    char **c;
    if (copy_row(r, &row, &c) == 0) continue;
    if (layout < 0) {
      int only_first = c[0][0] != 0;
      for (int i = 1; i < row.n && only_first; i++)
        if (c[i][0]) only_first = 0;
      layout = only_first && (!mtm_strcasecmp(c[0], "survey") || !mtm_strcasecmp(c[0], "choices") ||
                              !mtm_strcasecmp(c[0], "settings"));
      if (!layout) {
        cur = survey;
        cur->found = 1;
      }
    }
    if (layout == 1 && c[0][0]) {
      cur = !mtm_strcasecmp(c[0], "survey")     ? survey
            : !mtm_strcasecmp(c[0], "choices")  ? choices
            : !mtm_strcasecmp(c[0], "settings") ? settings
                                                : &skip;
      cur->found = 1;
      /* Cells after the sheet name on the same row are ignored. */
      continue;
    }
    if (layout == 1) {
      /* Drop the empty sheet-name column. */
      if (row.n > 1) sheet_add(r, cur, row.row, row.n - 1, c + 1);
    } else {
      sheet_add(r, cur, row.row, row.n, c);
    }
  }
  mtm_table_close(t);
  if (rc < 0) {
    *r->err = e;
    return rc;
  }
  return 0;
}

/* Whether XLSForm knows a sheet of this name (pyxform's list). */
static int known_sheet(const char *name) {
  static const char *known[] = {"survey", "choices", "settings", "external_choices", "osm",
                                "entities"};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (!mtm_strcasecmp(name, known[i])) return 1;
  return 0;
}

/* Reads the survey, choices and settings sheets of a form file. As pyxform
 * does, a workbook whose only sheet has a name XLSForm does not know (say
 * "Sheet1") is read as the survey sheet; *survey_name is the name read. */
static int read_sheets(reader *r, const void *bytes, size_t len, mtm_table_format fmt,
                       sheet *survey, sheet *choices, sheet *settings, const char **survey_name) {
  *survey_name = "survey";
  if (fmt == MTM_TABLE_CSV) return read_csv(r, bytes, len, survey, choices, settings);
  int rc = read_sheet(r, bytes, len, fmt, survey);
  if (!rc) rc = read_sheet(r, bytes, len, fmt, choices);
  if (!rc) rc = read_sheet(r, bytes, len, fmt, settings);
  if (rc || survey->found) return rc;
  char **names;
  int n;
  mtm_err e;
  mtm_err_clear(&e);
  if (mtm_table_sheets_mem(bytes, len, fmt, r->file, r->a, &names, &n, &e) == 0 && n == 1 &&
      !known_sheet(names[0])) {
    survey->name = names[0];
    *survey_name = names[0];
    rc = read_sheet(r, bytes, len, fmt, survey);
  }
  return rc;
}

/* ---- headers ----------------------------------------------------------------- */

/* The index of language name (case-insensitive), added if new. */
static int lang_index(reader *r, const char *name) {
  mtm_form *f = r->f;
  for (int i = 0; i < f->nlangs; i++)
    if (!mtm_strcasecmp(f->langs[i], name)) return i;
  if (f->nlangs == r->langcap) {
    r->langcap = r->langcap ? r->langcap * 2 : 8;
    const char **g = mtm_arena_alloc(r->a, sizeof *g * (size_t)r->langcap);
    const char **gc = mtm_arena_alloc(r->a, sizeof *gc * (size_t)r->langcap);
    if (f->nlangs) {
      memcpy(g, f->langs, sizeof *g * (size_t)f->nlangs);
      memcpy(gc, f->lang_codes, sizeof *gc * (size_t)f->nlangs);
    }
    f->langs = g;
    f->lang_codes = gc;
  }
  f->langs[f->nlangs] = dup(r, name);
  /* "English (en)" -> "en"; otherwise the name lower-cased. */
  const char *open = strrchr(name, '('), *close = open ? strchr(open, ')') : NULL;
  char *code;
  if (open && close && close > open + 1 && close[1] == 0)
    code = mtm_arena_strndup(r->a, open + 1, (size_t)(close - open - 1));
  else
    code = dup(r, name);
  f->lang_codes[f->nlangs] = mtm_ascii_lower(code);
  return f->nlangs++;
}

static const struct {
  const char *key;
  int role;
} header_keys[] = {
    {"type", C_TYPE},
    {"command", C_TYPE},
    {"name", C_NAME},
    {"value", C_NAME},
    {"tag", C_NAME},
    {"label", C_LABEL},
    {"caption", C_LABEL},
    {"hint", C_HINT},
    {"required", C_REQUIRED},
    {"required_message", C_REQUIRED_MSG},
    {"required message", C_REQUIRED_MSG},
    {"requiredmsg", C_REQUIRED_MSG},
    {"jr:requiredmsg", C_REQUIRED_MSG},
    {"relevant", C_RELEVANT},
    {"relevance", C_RELEVANT},
    {"constraint", C_CONSTRAINT},
    {"constraint_message", C_CONSTRAINT_MSG},
    {"constraint message", C_CONSTRAINT_MSG},
    {"constraining message", C_CONSTRAINT_MSG},
    {"constraining_message", C_CONSTRAINT_MSG},
    {"jr:constraintmsg", C_CONSTRAINT_MSG},
    {"choice_filter", C_CHOICE_FILTER},
    {"calculation", C_CALCULATION},
    {"calculate", C_CALCULATION},
    {"appearance", C_APPEARANCE},
    {"default", C_DEFAULT},
    {"hxl", C_HXL},
    {"read_only", C_READ_ONLY},
    {"readonly", C_READ_ONLY},
    {"parameters", C_PARAMETERS},
    {"list_name", C_LIST_NAME},
    {"list name", C_LIST_NAME},
    {"image", C_MEDIA},
    {"big-image", C_MEDIA},
    {"audio", C_MEDIA},
    {"video", C_MEDIA},
    {"media", C_MEDIA},
    {"report", C_REPORT},
};

/* Reads a column header: "label::English (en)", legacy "label:English",
 * "bind:constraint", "bind:jr:constraintMsg", "control:appearance". */
static colspec parse_header_as(reader *r, const char *h, int langs) {
  colspec cs = {C_NONE, -1, h};
  if (!h[0]) return cs;
  char *low = mtm_ascii_lower(dup(r, h));
  const char *sep = strstr(low, "::") ? "::" : ":";
  size_t sl = strlen(sep);
  /* Split off a bind/control/body/instance prefix. */
  const char *key = low;
  size_t off = 0;
  const char *prefixes[] = {"bind", "control", "body", "instance"};
  for (size_t i = 0; i < 4; i++) {
    size_t n = strlen(prefixes[i]);
    if (!strncmp(low, prefixes[i], n) && !strncmp(low + n, sep, sl)) {
      if (i == 3) {
        cs.role = C_IGNORED;
        return cs;
      }
      off = n + sl;
      key = low + off;
      break;
    }
  }
  /* The key ends at the next separator, except "jr:" which belongs to it. */
  const char *rest = NULL;
  const char *p = key;
  if (!strncmp(p, "jr", 2) && !strncmp(p + 2, sep, sl)) p += 2 + sl;
  const char *s2 = strstr(p, sep);
  size_t klen = s2 ? (size_t)(s2 - key) : strlen(key);
  if (s2) rest = h + (s2 - low) + sl;
  char *k = mtm_arena_strndup(r->a, key, klen);
  /* "jr::constraintmsg" (from "bind::jr:constraintMsg") and "jr:..." alike. */
  for (char *q = k; (q = strstr(q, "::"));) memmove(q, q + 1, strlen(q));
  mtm_slice ks = mtm_slice_trim(mtm_slice_c(k));
  for (size_t i = 0; i < sizeof header_keys / sizeof header_keys[0]; i++)
    if (mtm_slice_eq(ks, header_keys[i].key)) {
      cs.role = header_keys[i].role;
      break;
    }
  if (langs && (cs.role == C_LABEL || cs.role == C_HINT || cs.role == C_REQUIRED_MSG ||
                cs.role == C_CONSTRAINT_MSG || cs.role == C_REPORT)) {
    const char *lang = r->plain_lang;
    char *l = NULL;
    if (rest) {
      mtm_slice t = mtm_slice_trim(mtm_slice_c(rest));
      if (t.n) lang = l = mtm_arena_strndup(r->a, t.p, t.n);
    }
    (void)l;
    cs.lang = lang_index(r, lang);
  }
  return cs;
}

static colspec parse_header(reader *r, const char *h) { return parse_header_as(r, h, 1); }

/* The role of a column header, without taking note of its language. */
static int header_role(reader *r, const char *h) { return parse_header_as(r, h, 0).role; }

static colspec *parse_headers(reader *r, const sheet *s) {
  colspec *cs = mtm_arena_alloc(r->a, sizeof *cs * (size_t)(s->hdr.n ? s->hdr.n : 1));
  for (int i = 0; i < s->hdr.n; i++) cs[i] = parse_header(r, s->hdr.c[i]);
  return cs;
}

static const char *cell(const srow *row, int i) { return i >= 0 && i < row->n ? row->c[i] : ""; }

/* The first column with the role, or -1. */
static int find_col(const sheet *s, const colspec *cs, int role) {
  for (int i = 0; i < s->hdr.n; i++)
    if (cs[i].role == role) return i;
  return -1;
}

/* ---- settings ----------------------------------------------------------------- */

static void read_settings(reader *r, const char *stem) {
  mtm_form *f = r->f;
  const char *id = NULL, *id_string = NULL, *title = NULL, *version = NULL, *lang = NULL;
  sheet *s = &r->settings;
  if (s->found && s->hdr.c && s->nrows > 0) {
    const srow *v = &s->rows[0];
    for (int i = 0; i < s->hdr.n; i++) {
      const char *h = s->hdr.c[i], *val = cell(v, i);
      if (!val[0]) continue;
      if (!mtm_strcasecmp(h, "form_id") || !mtm_strcasecmp(h, "set form id"))
        id = val;
      else if (!mtm_strcasecmp(h, "id_string"))
        id_string = val;
      else if (!mtm_strcasecmp(h, "form_title") || !mtm_strcasecmp(h, "set form title") ||
               !mtm_strcasecmp(h, "title"))
        title = val;
      else if (!mtm_strcasecmp(h, "version"))
        version = val;
      else if (!mtm_strcasecmp(h, "default_language"))
        lang = val;
      else if (!mtm_strcasecmp(h, "allow_choice_duplicates"))
        r->allow_dup_choices = !mtm_strcasecmp(val, "yes") || !mtm_strcasecmp(val, "true");
    }
  }
  f->form_id = dup(r, id ? id : id_string ? id_string : stem);
  f->title = dup(r, title ? title : f->form_id);
  f->version = dup(r, version ? version : "");
  f->default_language = lang ? dup(r, lang) : NULL;
  r->plain_lang = lang ? f->default_language : "default";
}

/* ---- report phrases ------------------------------------------------------------ */

/* Checks a report::LANG cell (see mtm_question.reports): kind 0 a choice's
 * phrase (no placeholders), 1 a select question's template (needs
 * {share}; may hold {answer} and {groups}), 2 a number question's (needs
 * {mean} or {median}), 3 any other question (no phrase is read). "{a|b|c}"
 * selectors are allowed everywhere. Returns 0 when the phrase is kept, 1
 * when a lenient read leaves it out (with a warning), negative (the error
 * set, naming sheet, row, column and question) when it is refused. */
static int check_phrase(reader *r, const char *sheet_name, long row, const char *col,
                        const char *q, const char *v, int kind) {
  char why[256] = "";
  int share = 0, num = 0;
  if (kind == 3) snprintf(why, sizeof why, "a phrase is read only for select and number questions");
  for (const char *p = v; !why[0] && (p = strchr(p, '{'));) {
    const char *e = strchr(p, '}');
    if (!e) break; /* a lone brace is text */
    size_t n = (size_t)(e - p - 1);
    const char *w = p + 1;
    if (memchr(w, '|', n)) { /* a selector: {one|few|many} */
      p = e + 1;
      continue;
    }
    int ok = 0;
    if (kind == 1 && n == 5 && !strncmp(w, "share", 5)) ok = share = 1;
    if (kind == 1 && n == 6 && (!strncmp(w, "answer", 6) || !strncmp(w, "groups", 6))) ok = 1;
    if (kind == 2 && ((n == 4 && !strncmp(w, "mean", 4)) || (n == 6 && !strncmp(w, "median", 6))))
      ok = num = 1;
    if (!ok)
      snprintf(why, sizeof why, "'{%.*s}' is not a placeholder here: %s", (int)(n > 40 ? 40 : n), w,
               kind == 0   ? "a choice's phrase holds none, only {one|few|many} selectors"
               : kind == 1 ? "a select question's phrase may hold {share}, {answer} and {groups}"
                           : "a number question's phrase may hold {mean} and {median}");
    p = e + 1;
  }
  if (!why[0] && kind == 1 && !share)
    snprintf(why, sizeof why, "the phrase has no {share}: write where the percentage goes, e.g. "
                              "'{share} of respondents have a written contract'");
  if (!why[0] && kind == 2 && !num)
    snprintf(why, sizeof why, "the phrase has no {mean} or {median}");
  if (!why[0]) return 0;
  if (!r->lenient) {
    ferr(r, sheet_name, row, col, q, "%s", why);
    return -1;
  }
  fwarn(r, sheet_name, row, col, q, "%s; the phrase is left out (the form was added with --lenient)",
        why);
  return 1;
}

/* ---- choices ------------------------------------------------------------------- */

static mtm_choice_list *find_list(const mtm_form *f, const char *name) {
  for (int i = 0; i < f->nlists; i++)
    if (!strcmp(f->lists[i].name, name)) return &f->lists[i];
  return NULL;
}

static int read_choices(reader *r) {
  mtm_form *f = r->f;
  sheet *s = &r->choices;
  if (!s->found || !s->hdr.c) return 0;
  colspec *cs = parse_headers(r, s);
  int lcol = find_col(s, cs, C_LIST_NAME), ncol = find_col(s, cs, C_NAME);
  if (lcol < 0 && s->nrows > 0)
    return ferr(r, "choices", s->hdr.row, NULL, NULL,
                "the choices sheet has no 'list_name' column");
  if (ncol < 0 && s->nrows > 0)
    return ferr(r, "choices", s->hdr.row, NULL, NULL, "the choices sheet has no 'name' column");
  /* Count the lists and their sizes. */
  int cap = 16;
  f->lists = mtm_arena_zalloc(r->a, sizeof *f->lists * (size_t)cap);
  int *sizes = mtm_arena_zalloc(r->a, sizeof(int) * (size_t)s->nrows + sizeof(int));
  int *which = mtm_arena_alloc(r->a, sizeof(int) * (size_t)s->nrows + sizeof(int));
  for (int i = 0; i < s->nrows; i++) {
    const srow *row = &s->rows[i];
    const char *ln = cell(row, lcol);
    which[i] = -1;
    if (!ln[0]) continue;
    const char *name = cell(row, ncol);
    if (!name[0])
      return ferr(r, "choices", row->row, s->hdr.c[ncol], NULL,
                  "the choice in list '%s' has no name", ln);
    mtm_choice_list *l = find_list(f, ln);
    if (!l) {
      if (f->nlists == cap) {
        mtm_choice_list *g = mtm_arena_zalloc(r->a, sizeof *g * (size_t)cap * 2);
        memcpy(g, f->lists, sizeof *g * (size_t)cap);
        f->lists = g;
        cap *= 2;
      }
      l = &f->lists[f->nlists++];
      l->name = ln;
    }
    which[i] = (int)(l - f->lists);
    sizes[which[i]]++;
  }
  for (int k = 0; k < f->nlists; k++)
    f->lists[k].choices = mtm_arena_zalloc(r->a, sizeof(mtm_choice) * (size_t)(sizes[k] + 1));
  for (int i = 0; i < s->nrows; i++) {
    if (which[i] < 0) continue;
    const srow *row = &s->rows[i];
    mtm_choice_list *l = &f->lists[which[i]];
    mtm_choice *c = &l->choices[l->n++];
    c->name = cell(row, ncol);
    c->row = row->row;
    c->labels = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)(f->nlangs ? f->nlangs : 1));
    c->reports = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)(f->nlangs ? f->nlangs : 1));
    mtm_buf fc;
    mtm_buf_init(&fc);
    for (int j = 0; j < s->hdr.n; j++) {
      const char *v = cell(row, j);
      if (cs[j].role == C_LABEL) {
        if (v[0] && !c->labels[cs[j].lang]) c->labels[cs[j].lang] = v;
      } else if (cs[j].role == C_REPORT) {
        int bad = v[0] && !c->reports[cs[j].lang]
                      ? check_phrase(r, "choices", row->row, s->hdr.c[j], NULL, v, 0)
                      : 1;
        if (bad < 0) {
          mtm_buf_free(&fc);
          return MTM_EINVAL;
        }
        if (!bad) c->reports[cs[j].lang] = v;
      } else if (cs[j].role == C_NONE && s->hdr.c[j][0] && v[0]) {
        mtm_buf_printf(&fc, "%s=%s\n", s->hdr.c[j], v);
      }
    }
    c->filter_cols = fc.n ? dup(r, fc.p) : NULL;
    mtm_buf_free(&fc);
  }
  return 0;
}

/* ---- types ----------------------------------------------------------------------- */

typedef struct typeinfo {
  mtm_qtype t;
  const char *meta;
  int has_list;  /* the type names a list */
  int from_file; /* the list is a file or an external sheet: not checked */
} typeinfo;

static const struct {
  const char *name;
  mtm_qtype t;
  const char *meta;
} plain_types[] = {
    {"text", MTM_Q_TEXT, NULL},
    {"string", MTM_Q_TEXT, NULL},
    {"q string", MTM_Q_TEXT, NULL},
    {"add text prompt", MTM_Q_TEXT, NULL},
    {"phone number", MTM_Q_TEXT, NULL},
    {"integer", MTM_Q_INTEGER, NULL},
    {"int", MTM_Q_INTEGER, NULL},
    {"q int", MTM_Q_INTEGER, NULL},
    {"add integer prompt", MTM_Q_INTEGER, NULL},
    {"percentage", MTM_Q_INTEGER, NULL},
    {"number of days in last month", MTM_Q_INTEGER, NULL},
    {"number of days in last six months", MTM_Q_INTEGER, NULL},
    {"number of days in last year", MTM_Q_INTEGER, NULL},
    {"decimal", MTM_Q_DECIMAL, NULL},
    {"q decimal", MTM_Q_DECIMAL, NULL},
    {"add decimal prompt", MTM_Q_DECIMAL, NULL},
    {"range", MTM_Q_RANGE, NULL},
    {"date", MTM_Q_DATE, NULL},
    {"q date", MTM_Q_DATE, NULL},
    {"add date prompt", MTM_Q_DATE, NULL},
    {"datetime", MTM_Q_DATETIME, NULL},
    {"date time", MTM_Q_DATETIME, NULL},
    {"q datetime", MTM_Q_DATETIME, NULL},
    {"q date time", MTM_Q_DATETIME, NULL},
    {"add datetime prompt", MTM_Q_DATETIME, NULL},
    {"add date time prompt", MTM_Q_DATETIME, NULL},
    {"time", MTM_Q_TIME, NULL},
    {"geopoint", MTM_Q_GEOPOINT, NULL},
    {"gps", MTM_Q_GEOPOINT, NULL},
    {"location", MTM_Q_GEOPOINT, NULL},
    {"q geopoint", MTM_Q_GEOPOINT, NULL},
    {"q location", MTM_Q_GEOPOINT, NULL},
    {"add location prompt", MTM_Q_GEOPOINT, NULL},
    {"background-geopoint", MTM_Q_GEOPOINT, NULL},
    {"geotrace", MTM_Q_GEOTRACE, NULL},
    {"q geotrace", MTM_Q_GEOTRACE, NULL},
    {"geoshape", MTM_Q_GEOSHAPE, NULL},
    {"q geoshape", MTM_Q_GEOSHAPE, NULL},
    {"osm", MTM_Q_MEDIA, NULL},
    {"image", MTM_Q_MEDIA, NULL},
    {"photo", MTM_Q_MEDIA, NULL},
    {"q image", MTM_Q_MEDIA, NULL},
    {"q picture", MTM_Q_MEDIA, NULL},
    {"add image prompt", MTM_Q_MEDIA, NULL},
    {"add photo prompt", MTM_Q_MEDIA, NULL},
    {"audio", MTM_Q_MEDIA, NULL},
    {"q audio", MTM_Q_MEDIA, NULL},
    {"add audio prompt", MTM_Q_MEDIA, NULL},
    {"video", MTM_Q_MEDIA, NULL},
    {"q video", MTM_Q_MEDIA, NULL},
    {"add video prompt", MTM_Q_MEDIA, NULL},
    {"file", MTM_Q_MEDIA, NULL},
    {"add file prompt", MTM_Q_MEDIA, NULL},
    {"background-audio", MTM_Q_MEDIA, NULL},
    {"barcode", MTM_Q_BARCODE, NULL},
    {"q barcode", MTM_Q_BARCODE, NULL},
    {"add barcode prompt", MTM_Q_BARCODE, NULL},
    {"acknowledge", MTM_Q_ACKNOWLEDGE, NULL},
    {"trigger", MTM_Q_ACKNOWLEDGE, NULL},
    {"q acknowledge", MTM_Q_ACKNOWLEDGE, NULL},
    {"add acknowledge prompt", MTM_Q_ACKNOWLEDGE, NULL},
    {"calculate", MTM_Q_CALCULATE, NULL},
    {"q calculate", MTM_Q_CALCULATE, NULL},
    {"add calculate prompt", MTM_Q_CALCULATE, NULL},
    {"hidden", MTM_Q_HIDDEN, NULL},
    {"note", MTM_Q_NOTE, NULL},
    {"q note", MTM_Q_NOTE, NULL},
    {"add note prompt", MTM_Q_NOTE, NULL},
    {"start", MTM_Q_META, "start"},
    {"start time", MTM_Q_META, "start"},
    {"get start time", MTM_Q_META, "start"},
    {"end", MTM_Q_META, "end"},
    {"end time", MTM_Q_META, "end"},
    {"get end time", MTM_Q_META, "end"},
    {"today", MTM_Q_META, "today"},
    {"get today", MTM_Q_META, "today"},
    {"deviceid", MTM_Q_META, "deviceid"},
    {"device id", MTM_Q_META, "deviceid"},
    {"get device id", MTM_Q_META, "deviceid"},
    {"imei", MTM_Q_META, "deviceid"},
    {"uri:deviceid", MTM_Q_META, "deviceid"},
    {"subscriberid", MTM_Q_META, "subscriberid"},
    {"subscriber id", MTM_Q_META, "subscriberid"},
    {"get subscriber id", MTM_Q_META, "subscriberid"},
    {"uri:subscriberid", MTM_Q_META, "subscriberid"},
    {"simserial", MTM_Q_META, "simserial"},
    {"sim id", MTM_Q_META, "simserial"},
    {"get sim id", MTM_Q_META, "simserial"},
    {"uri:simserial", MTM_Q_META, "simserial"},
    {"phonenumber", MTM_Q_META, "phonenumber"},
    {"get phone number", MTM_Q_META, "phonenumber"},
    {"uri:phonenumber", MTM_Q_META, "phonenumber"},
    {"username", MTM_Q_META, "username"},
    {"uri:username", MTM_Q_META, "username"},
    {"email", MTM_Q_META, "email"},
    {"uri:email", MTM_Q_META, "email"},
    {"audit", MTM_Q_META, "audit"},
    {"start-geopoint", MTM_Q_META, "start-geopoint"},
    {"instanceid", MTM_Q_META, "instanceID"},
    {"xml-external", MTM_Q_META, "xml-external"},
    {"csv-external", MTM_Q_META, "csv-external"},
    {"begin group", MTM_Q_BEGIN_GROUP, NULL},
    {"begin_group", MTM_Q_BEGIN_GROUP, NULL},
    {"end group", MTM_Q_END_GROUP, NULL},
    {"end_group", MTM_Q_END_GROUP, NULL},
    {"begin repeat", MTM_Q_BEGIN_REPEAT, NULL},
    {"begin_repeat", MTM_Q_BEGIN_REPEAT, NULL},
    {"begin lgroup", MTM_Q_BEGIN_REPEAT, NULL},
    {"begin looped group", MTM_Q_BEGIN_REPEAT, NULL},
    {"end repeat", MTM_Q_END_REPEAT, NULL},
    {"end_repeat", MTM_Q_END_REPEAT, NULL},
    {"end lgroup", MTM_Q_END_REPEAT, NULL},
    {"end looped group", MTM_Q_END_REPEAT, NULL},
    {"end loop", MTM_Q_END_GROUP, NULL},
    {"end_loop", MTM_Q_END_GROUP, NULL},
};

static const struct {
  const char *prefix; /* followed by a space and the list */
  mtm_qtype t;
  int from_file;
} select_types[] = {
    {"select_one_from_file", MTM_Q_SELECT_ONE, 1},
    {"select_multiple_from_file", MTM_Q_SELECT_MULTIPLE, 1},
    {"select one from file", MTM_Q_SELECT_ONE, 1},
    {"select multiple from file", MTM_Q_SELECT_MULTIPLE, 1},
    {"select_one_external", MTM_Q_SELECT_ONE, 1},
    {"add select one prompt using", MTM_Q_SELECT_ONE, 0},
    {"add select multiple prompt using", MTM_Q_SELECT_MULTIPLE, 0},
    {"select all that apply from", MTM_Q_SELECT_MULTIPLE, 0},
    {"select all that apply", MTM_Q_SELECT_MULTIPLE, 0},
    {"select multiple from", MTM_Q_SELECT_MULTIPLE, 0},
    {"select multiple using", MTM_Q_SELECT_MULTIPLE, 0},
    {"select one from", MTM_Q_SELECT_ONE, 0},
    {"select one using", MTM_Q_SELECT_ONE, 0},
    {"select_one", MTM_Q_SELECT_ONE, 0},
    {"select one", MTM_Q_SELECT_ONE, 0},
    {"select1", MTM_Q_SELECT_ONE, 0},
    {"select_multiple", MTM_Q_SELECT_MULTIPLE, 0},
    {"select multiple", MTM_Q_SELECT_MULTIPLE, 0},
    {"rank", MTM_Q_RANK, 0},
    {"begin loop over", MTM_Q_BEGIN_GROUP, 0},
    {"begin_loop over", MTM_Q_BEGIN_GROUP, 0},
    {"osm", MTM_Q_MEDIA, 1},
};

/* Collapses runs of spaces; returns an arena copy. */
static char *squeeze(reader *r, const char *s) {
  char *o = mtm_arena_alloc(r->a, strlen(s) + 1);
  size_t k = 0;
  int sp = 0;
  for (; *s; s++) {
    if (isspace((unsigned char)*s))
      sp = 1;
    else {
      if (sp && k) o[k++] = ' ';
      sp = 0;
      o[k++] = *s;
    }
  }
  o[k] = 0;
  return o;
}

/* Reads a type cell. Returns 0, or MTM_EINVAL with the message set (the
 * caller adds the position). */
static int parse_type(reader *r, const char *text, typeinfo *ti, const char **list, int *or_other) {
  memset(ti, 0, sizeof *ti);
  *list = NULL;
  *or_other = 0;
  char *orig = squeeze(r, text);
  char *low = mtm_ascii_lower(dup(r, orig));
  size_t n = strlen(low);
  const char *suffixes[] = {" or_other", " or specify other"};
  for (int i = 0; i < 2; i++) {
    size_t m = strlen(suffixes[i]);
    if (n > m && !strcmp(low + n - m, suffixes[i])) {
      *or_other = 1;
      low[n - m] = orig[n - m] = 0;
      n -= m;
    }
  }
  for (size_t i = 0; i < sizeof plain_types / sizeof plain_types[0]; i++)
    if (!strcmp(low, plain_types[i].name)) {
      ti->t = plain_types[i].t;
      ti->meta = plain_types[i].meta;
      if (*or_other)
        return mtm_err_set(r->err, MTM_EINVAL,
                           "'or_other' goes only with select_one and select_multiple, not with "
                           "'%s'",
                           text);
      return 0;
    }
  for (size_t i = 0; i < sizeof select_types / sizeof select_types[0]; i++) {
    size_t m = strlen(select_types[i].prefix);
    if (strncmp(low, select_types[i].prefix, m) != 0) continue;
    if (low[m] != ' ' && low[m] != 0) continue;
    ti->t = select_types[i].t;
    ti->has_list = 1;
    ti->from_file = select_types[i].from_file;
    const char *l = orig + m + (low[m] == ' ');
    if (!*l)
      return mtm_err_set(r->err, MTM_EINVAL,
                         "the type '%s' needs a list name after it, e.g. '%s yes_no'", text,
                         select_types[i].prefix);
    if (strchr(l, ' '))
      return mtm_err_set(r->err, MTM_EINVAL,
                         "the type '%s' names more than one list: a list name has no spaces", text);
    *list = l;
    if (*or_other && ti->t != MTM_Q_SELECT_ONE && ti->t != MTM_Q_SELECT_MULTIPLE)
      return mtm_err_set(r->err, MTM_EINVAL,
                         "'or_other' goes only with select_one and select_multiple, not with "
                         "'%s'",
                         text);
    return 0;
  }
  if (!strcmp(low, "include"))
    return mtm_err_set(r->err, MTM_EINVAL,
                       "the type 'include' (pulling rows in from another form file) is not "
                       "supported: copy those rows into this form");
  return mtm_err_set(r->err, MTM_EINVAL, "unknown question type '%s'", text);
}

/* ---- include --------------------------------------------------------------------- */

/* The file name without folders. */
static const char *base_of(const char *path) {
  const char *b = strrchr(path, '/');
  return b ? b + 1 : path;
}

/* Whether file (a name without folders) is name followed by an extension. */
static int has_stem(const char *file, const char *name) {
  size_t n = strlen(name);
  return !strncmp(file, name, n) && file[n] == '.' && file[n + 1] && !strchr(file + n + 1, '.');
}

/* Finds the form file an include row names, as pyxform finds a section by
 * its file's stem. From the workspace: a file kept with the form. Beside
 * the form: name itself if it ends in a form file's extension, else name
 * with the extension of the including file, then .xlsx, .xls, .md, .csv.
 * The bytes are copied into the form's arena and listed in f->includes. */
static int find_include(reader *r, const char *name, const char *from, mtm_form_file *out) {
  mtm_form *f = r->f;
  for (int i = 0; i < f->nincludes; i++)
    if (!strcmp(f->includes[i].name, name) || has_stem(f->includes[i].name, name)) {
      *out = f->includes[i];
      return 0;
    }
  mtm_form_file got = {0};
  int found = 0;
  if (r->given) {
    for (int i = 0; i < r->ngiven && !found; i++)
      if (!strcmp(r->given[i].name, name) || has_stem(r->given[i].name, name)) {
        void *copy = mtm_arena_alloc(r->a, r->given[i].len ? r->given[i].len : 1);
        memcpy(copy, r->given[i].bytes, r->given[i].len);
        got = (mtm_form_file){dup(r, r->given[i].name), copy, r->given[i].len};
        found = 1;
      }
  } else if (r->dir) {
    static const char *exts[] = {"", "xlsx", "xls", "xlsm", "md", "csv"};
    const char *own = strrchr(from, '.');
    const char *dot = strrchr(name, '.');
    int named = 0;
    for (size_t k = 1; dot && k < sizeof exts / sizeof exts[0]; k++)
      if (!mtm_strcasecmp(dot + 1, exts[k])) named = 1;
    mtm_buf b;
    mtm_buf_init(&b);
    for (size_t k = 0; k < sizeof exts / sizeof exts[0] && !found; k++) {
      const char *ext = k == 0 ? (own ? own + 1 : NULL) : exts[k];
      if (named && k > 0) break;
      if (!named && !ext) continue;
      char *path = named ? mtm_arena_printf(r->a, "%s/%s", r->dir, name)
                         : mtm_arena_printf(r->a, "%s/%s.%s", r->dir, name, ext);
      mtm_err e;
      mtm_err_clear(&e);
      if (mtm_buf_read_file(&b, path, &e)) continue;
      void *copy = mtm_arena_alloc(r->a, b.n ? b.n : 1);
      memcpy(copy, b.p ? b.p : "", b.n);
      got = (mtm_form_file){dup(r, base_of(path)), copy, b.n};
      found = 1;
    }
    mtm_buf_free(&b);
  }
  if (!found) return MTM_ENOTFOUND;
  if (f->nincludes == r->incap) {
    r->incap = r->incap ? r->incap * 2 : 4;
    mtm_form_file *g = mtm_arena_alloc(r->a, sizeof *g * (size_t)r->incap);
    if (f->nincludes) memcpy(g, f->includes, sizeof *g * (size_t)f->nincludes);
    f->includes = g;
  }
  f->includes[f->nincludes++] = got;
  *out = got;
  return 0;
}

/* The column of dst whose header is h (case-insensitive), added if absent. */
static int column_for(reader *r, sheet *dst, const char *h) {
  for (int j = 0; j < dst->hdr.n; j++)
    if (!mtm_strcasecmp(dst->hdr.c[j], h)) return j;
  char **g = mtm_arena_alloc(r->a, sizeof *g * (size_t)(dst->hdr.n + 1));
  if (dst->hdr.n) memcpy(g, dst->hdr.c, sizeof *g * (size_t)dst->hdr.n);
  g[dst->hdr.n] = dup(r, h);
  dst->hdr.c = g;
  return dst->hdr.n++;
}

/* The rows of src with their cells moved to the columns of dst that carry
 * the same headers (dst gains the headers it lacks). */
static srow *remap_rows(reader *r, sheet *dst, const sheet *src) {
  if (!dst->hdr.c) {
    dst->hdr = src->hdr;
    dst->hdr.c = mtm_arena_alloc(r->a, sizeof(char *) * (size_t)(src->hdr.n ? src->hdr.n : 1));
    memcpy(dst->hdr.c, src->hdr.c, sizeof(char *) * (size_t)src->hdr.n);
    dst->found = 1;
  }
  int *map = mtm_arena_alloc(r->a, sizeof(int) * (size_t)(src->hdr.n ? src->hdr.n : 1));
  for (int j = 0; j < src->hdr.n; j++)
    map[j] = src->hdr.c[j][0] ? column_for(r, dst, src->hdr.c[j]) : -1;
  srow *rows = mtm_arena_alloc(r->a, sizeof *rows * (size_t)(src->nrows ? src->nrows : 1));
  for (int i = 0; i < src->nrows; i++) {
    const srow *o = &src->rows[i];
    srow *n = &rows[i];
    *n = *o;
    n->n = dst->hdr.n;
    n->c = mtm_arena_alloc(r->a, sizeof(char *) * (size_t)n->n);
    for (int j = 0; j < n->n; j++) n->c[j] = "";
    for (int j = 0; j < o->n && j < src->hdr.n; j++)
      if (map[j] >= 0) n->c[map[j]] = o->c[j];
  }
  return rows;
}

/* The first column of s with the role, or -1. */
static int role_col(reader *r, const sheet *s, int role) {
  for (int j = 0; s->hdr.c && j < s->hdr.n; j++)
    if (header_role(r, s->hdr.c[j]) == role) return j;
  return -1;
}

/* Adds the choice lists of an included file (src) to the form's choices
 * sheet (dst). A list the form has already is used as it is when its
 * choices are the same, and refused when they differ. */
static int merge_choices(reader *r, sheet *dst, const sheet *src, const char *file) {
  if (!src->hdr.c || src->nrows == 0) return 0;
  int sl = role_col(r, src, C_LIST_NAME), sn = role_col(r, src, C_NAME);
  int dl = role_col(r, dst, C_LIST_NAME), dn = role_col(r, dst, C_NAME);
  if (sl < 0 || sn < 0) return 0;
  /* keep[i]: 0 undecided, 1 added, 2 the form's own list stands. */
  char *keep = mtm_arena_zalloc(r->a, (size_t)src->nrows);
  for (int i = 0; i < src->nrows; i++) {
    const char *ln = cell(&src->rows[i], sl);
    if (!ln[0] || keep[i]) continue;
    int known = 0;
    for (int d = 0; dl >= 0 && d < dst->nrows && !known; d++)
      known = !strcmp(cell(&dst->rows[d], dl), ln);
    /* Walk both lists side by side. */
    int k = i, d = 0, same = 1;
    for (;;) {
      while (k < src->nrows && strcmp(cell(&src->rows[k], sl), ln) != 0) k++;
      while (known && d < dst->nrows && strcmp(cell(&dst->rows[d], dl), ln) != 0) d++;
      if (k == src->nrows) {
        if (known && d < dst->nrows) same = 0;
        break;
      }
      keep[k] = known ? 2 : 1;
      if (known && (d == dst->nrows || strcmp(cell(&src->rows[k], sn), cell(&dst->rows[d], dn))))
        same = 0;
      k++, d++;
    }
    if (known && !same) {
      r->row_file = file;
      return ferr(r, "choices", src->rows[i].row, src->hdr.c[sl], NULL,
                  "the list '%s' of this included file differs from the list of that name in "
                  "%s: give one of them another name",
                  ln, base_of(r->file));
    }
  }
  srow *rows = remap_rows(r, dst, src);
  int n = 0;
  for (int i = 0; i < src->nrows; i++) n += keep[i] == 1;
  srow *all = mtm_arena_alloc(r->a, sizeof *all * (size_t)(dst->nrows + n + 1));
  if (dst->nrows) memcpy(all, dst->rows, sizeof *all * (size_t)dst->nrows);
  for (int i = 0; i < src->nrows; i++)
    if (keep[i] == 1) all[dst->nrows++] = rows[i];
  dst->rows = all;
  dst->cap = dst->nrows;
  return 0;
}

/* Replaces each include row of the survey sheet s by the survey rows of the
 * form file it names, as pyxform's legacy include does (the rows go where
 * the include row stood, inside its group), and adds that file's choice
 * lists to the choices sheet c. Included files may include others; a file
 * that comes back to one including it is refused. */
static int expand_includes(reader *r, sheet *s, sheet *c, const char *file) {
  int tcol = role_col(r, s, C_TYPE), ncol = role_col(r, s, C_NAME);
  if (tcol < 0) return 0;
  for (int i = 0; i < s->nrows; i++) {
    srow *row = &s->rows[i];
    if (mtm_strcasecmp(squeeze(r, cell(row, tcol)), "include") != 0) continue;
    r->row_file = row->file;
    const char *name = cell(row, ncol);
    if (!name[0])
      return ferr(r, r->survey_sheet, row->row, s->hdr.c[tcol], NULL,
                  "the include row has no name: write the name of the form file to pull in "
                  "(without its extension) in the name column");
    mtm_buf chain;
    mtm_buf_init(&chain);
    int cycle = 0;
    for (int k = 0; k < r->nchain; k++) {
      mtm_buf_printf(&chain, "%s -> ", r->chain[k]);
      if (!strcmp(r->chain[k], name)) cycle = 1;
    }
    mtm_buf_adds(&chain, name);
    if (cycle || r->nchain == (int)(sizeof r->chain / sizeof r->chain[0])) {
      int rc = ferr(r, r->survey_sheet, row->row, s->hdr.c[ncol], name,
                    "including '%s' here comes back to a form that includes it (%s): an include "
                    "may not lead back to itself",
                    name, chain.p);
      mtm_buf_free(&chain);
      return rc;
    }
    mtm_buf_free(&chain);
    mtm_form_file ff;
    if (find_include(r, name, file, &ff)) {
      if (r->given || !r->dir)
        return ferr(r, r->survey_sheet, row->row, s->hdr.c[ncol], name,
                    "the include row names '%s', but no file of that name is kept with the form",
                    name);
      return ferr(r, r->survey_sheet, row->row, s->hdr.c[ncol], name,
                  "the include row names '%s', but there is no form file %s.xlsx, %s.xls, %s.md "
                  "or %s.csv beside %s",
                  name, name, name, name, name, base_of(file));
    }
    sheet is = {.name = "survey"}, ic = {.name = "choices"}, iset = {.name = "settings"};
    const char *saved_file = r->file, *saved_reading = r->reading, *sname;
    r->file = r->reading = ff.name;
    r->row_file = NULL;
    int rc = read_sheets(r, ff.bytes, ff.len, guess_format(ff.bytes, ff.len, ff.name), &is, &ic,
                         &iset, &sname);
    if (!rc && !is.hdr.c)
      rc = ferr(r, NULL, 0, NULL, NULL,
                "this file, which %s includes on row %ld, has no survey sheet (or it is empty)",
                base_of(saved_file), row->row);
    r->file = saved_file;
    r->reading = saved_reading;
    if (rc) return rc;
    r->chain[r->nchain++] = name;
    rc = expand_includes(r, &is, &ic, ff.name);
    r->nchain--;
    if (!rc) rc = merge_choices(r, c, &ic, ff.name);
    if (rc) return rc;
    /* Splice: the rows before, the included rows, the rows after. */
    srow *in = remap_rows(r, s, &is);
    srow *all = mtm_arena_alloc(r->a, sizeof *all * (size_t)(s->nrows - 1 + is.nrows + 1));
    memcpy(all, s->rows, sizeof *all * (size_t)i);
    memcpy(all + i, in, sizeof *all * (size_t)is.nrows);
    memcpy(all + i + is.nrows, s->rows + i + 1, sizeof *all * (size_t)(s->nrows - i - 1));
    s->nrows += is.nrows - 1;
    s->cap = s->nrows;
    s->rows = all;
    i += is.nrows - 1;
  }
  r->row_file = NULL;
  return 0;
}

/* ---- loops ------------------------------------------------------------------------ */

/* The control a type cell opens (+1: begin group, repeat or loop) or
 * closes (-1), 0 for other rows; *loop_list is the list of a "begin loop
 * over LIST" (NULL otherwise). */
static int control_of(reader *r, const char *type, const char **loop_list) {
  *loop_list = NULL;
  if (!type[0]) return 0;
  typeinfo ti;
  const char *list;
  int or_other;
  mtm_err saved = *r->err;
  int bad = parse_type(r, type, &ti, &list, &or_other);
  *r->err = saved;
  if (bad) return 0;
  if (ti.t == MTM_Q_BEGIN_GROUP || ti.t == MTM_Q_BEGIN_REPEAT) {
    if (ti.t == MTM_Q_BEGIN_GROUP && list) *loop_list = list;
    return 1;
  }
  return ti.t == MTM_Q_END_GROUP || ti.t == MTM_Q_END_REPEAT ? -1 : 0;
}

/* s with pyxform's substitutions of a loop's choice: Python's
 * "s % {'name': ..., 'label': ...}", so %(name)s and %(label)s become the
 * choice's name and label and %% becomes %; any other % stays. */
static const char *loop_subst(reader *r, const char *s, const char *name, const char *label) {
  if (!strchr(s, '%')) return s;
  mtm_buf b;
  mtm_buf_init(&b);
  for (const char *p = s; *p;) {
    if (!strncmp(p, "%(name)s", 8)) {
      mtm_buf_adds(&b, name);
      p += 8;
    } else if (!strncmp(p, "%(label)s", 9)) {
      mtm_buf_adds(&b, label);
      p += 9;
    } else if (!strncmp(p, "%%", 2)) {
      mtm_buf_addc(&b, '%');
      p += 2;
    } else {
      mtm_buf_addc(&b, *p++);
    }
  }
  const char *o = dup(r, b.p ? b.p : "");
  mtm_buf_free(&b);
  return o;
}

/* s with each ${n} of renamed[0..nren) (data names of one loop copy)
 * written ${n_choice}, so that the copy's rules name its own questions. */
static const char *loop_refs(reader *r, const char *s, const char *const *renamed, int nren,
                             const char *choice) {
  if (!strstr(s, "${")) return s;
  mtm_buf b;
  mtm_buf_init(&b);
  for (const char *p = s; *p;) {
    const char *e = !strncmp(p, "${", 2) ? strchr(p + 2, '}') : NULL;
    int hit = 0;
    for (int k = 0; e && k < nren && !hit; k++)
      hit = strlen(renamed[k]) == (size_t)(e - p - 2) && !strncmp(p + 2, renamed[k], (size_t)(e - p - 2));
    if (hit) {
      mtm_buf_printf(&b, "${%.*s_%s}", (int)(e - p - 2), p + 2, choice);
      p = e + 1;
    } else {
      mtm_buf_addc(&b, *p++);
    }
  }
  const char *o = dup(r, b.p ? b.p : "");
  mtm_buf_free(&b);
  return o;
}

/* Expands pyxform's legacy "begin loop over LIST" ... "end loop" as
 * pyxform's builder does (_create_loop_from_dict): the loop is a group of
 * its name, label and rules, holding one group per choice of LIST (a
 * choice named "none" left out), named by the choice's name and labelled
 * by its label, each with a copy of the loop's rows in which every cell of
 * a row directly in the loop has %(name)s and %(label)s replaced (a label,
 * hint or message column by the choice's label in that column's language;
 * rows deeper in a group of the loop are copied as they are, as pyxform's
 * copy is shallow). pyxform keeps a question's name in every copy; here
 * the copy of a question is named NAME_CHOICE, its name in the data (its
 * path, e.g. loop/ambulance/NAME, as exports write it) stays NAME, and a
 * ${NAME} of a sibling in the same copy names the copy's own question.
 * Loops inside loops are expanded in turn. */
static int expand_loops(reader *r) {
  sheet *s = &r->survey;
  if (!s->hdr.c) return 0;
  colspec *cs = parse_headers(r, s);
  int tcol = find_col(s, cs, C_TYPE), ncol = find_col(s, cs, C_NAME);
  if (tcol < 0 || ncol < 0) return 0;
  int ncolumns = s->hdr.n;
  for (int i = 0; i < s->nrows; i++) {
    srow *lr = &s->rows[i];
    const char *list;
    if (control_of(r, cell(lr, tcol), &list) != 1 || !list) continue;
    mtm_choice_list *l = find_list(r->f, list);
    r->row_file = lr->file;
    if (!l)
      return ferr(r, r->survey_sheet, lr->row, s->hdr.c[tcol], cell(lr, ncol),
                  "begin loop over %s: there is no list '%s' on the choices sheet", list, list);
    /* The matching end. */
    int depth = 0, end = -1;
    for (int j = i + 1; j < s->nrows && end < 0; j++) {
      const char *ll;
      int c = control_of(r, cell(&s->rows[j], tcol), &ll);
      if (c < 0 && depth == 0) end = j;
      depth += c;
    }
    if (end < 0)
      return ferr(r, r->survey_sheet, lr->row, s->hdr.c[tcol], cell(lr, ncol),
                  "the loop '%s' begun on this row is never closed: add an 'end loop' row",
                  cell(lr, ncol));
    int body = end - i - 1, nout = 0;
    srow *out = mtm_arena_alloc(r->a, sizeof *out * (size_t)((body + 2) * (l->n + 1) + 2));
    /* The loop itself: a group. */
    srow g = *lr;
    g.c = mtm_arena_alloc(r->a, sizeof(char *) * (size_t)(ncolumns > g.n ? ncolumns : g.n));
    for (int k = 0; k < lr->n; k++) g.c[k] = lr->c[k];
    g.c[tcol] = "begin group";
    out[nout++] = g;
    const char **renamed = mtm_arena_alloc(r->a, sizeof(char *) * (size_t)(body + 1));
    for (int ci = 0; ci < l->n; ci++) {
      const mtm_choice *ch = &l->choices[ci];
      if (!strcmp(ch->name, "none")) continue;
      const char *dlabel = mtm_form_label(r->f, ch->labels, -1);
      if (!dlabel) dlabel = "";
      srow cg = {lr->row, ncolumns, mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)ncolumns),
                 lr->file, lr->hdr_row, NULL};
      for (int k = 0; k < ncolumns; k++) {
        const char *lab = cs[k].role == C_LABEL ? mtm_form_label(r->f, ch->labels, cs[k].lang) : NULL;
        cg.c[k] = (char *)(lab ? lab : "");
      }
      cg.c[tcol] = "begin group";
      cg.c[ncol] = (char *)ch->name;
      out[nout++] = cg;
      /* The data names of the copy, renamed. */
      int nren = 0, d = 0;
      for (int j = i + 1; j < end; j++) {
        const char *ll;
        int c = control_of(r, cell(&s->rows[j], tcol), &ll);
        if (c == 0 && cell(&s->rows[j], ncol)[0]) renamed[nren++] = cell(&s->rows[j], ncol);
        d += c;
      }
      d = 0;
      for (int j = i + 1; j < end; j++) {
        const srow *src = &s->rows[j];
        const char *ll;
        int c = control_of(r, cell(src, tcol), &ll);
        srow cp = *src;
        int n = src->n > ncolumns ? src->n : ncolumns;
        cp.c = mtm_arena_alloc(r->a, sizeof(char *) * (size_t)n);
        cp.n = n;
        for (int k = 0; k < n; k++) {
          const char *v = cell(src, k);
          if (d == 0 || (d == 1 && c < 0)) {
            const char *lab = k < ncolumns && cs[k].lang >= 0 && cs[k].role != C_NONE
                                  ? mtm_form_label(r->f, ch->labels, cs[k].lang)
                                  : dlabel;
            v = loop_subst(r, v, ch->name, lab ? lab : dlabel);
          }
          if (k != ncol) v = loop_refs(r, v, renamed, nren, ch->name);
          cp.c[k] = (char *)v;
        }
        if (c == 0 && cell(src, ncol)[0]) {
          cp.node = cp.c[ncol];
          cp.c[ncol] = mtm_arena_printf(r->a, "%s_%s", cp.c[ncol], ch->name);
        }
        d += c;
        out[nout++] = cp;
      }
      srow ce = cg;
      ce.c = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)ncolumns);
      for (int k = 0; k < ncolumns; k++) ce.c[k] = "";
      ce.c[tcol] = "end group";
      out[nout++] = ce;
    }
    srow e = s->rows[end];
    e.c = mtm_arena_alloc(r->a, sizeof(char *) * (size_t)(e.n > ncolumns ? e.n : ncolumns));
    for (int k = 0; k < s->rows[end].n; k++) e.c[k] = s->rows[end].c[k];
    e.c[tcol] = "end group";
    out[nout++] = e;
    /* Splice: the rows before, the expansion, the rows after. */
    srow *all = mtm_arena_alloc(r->a, sizeof *all * (size_t)(s->nrows - (end - i + 1) + nout + 1));
    memcpy(all, s->rows, sizeof *all * (size_t)i);
    memcpy(all + i, out, sizeof *all * (size_t)nout);
    memcpy(all + i + nout, s->rows + end + 1, sizeof *all * (size_t)(s->nrows - end - 1));
    s->nrows = s->nrows - (end - i + 1) + nout;
    s->cap = s->nrows;
    s->rows = all;
    /* Row i is now the loop's group: go on inside it (inner loops). */
  }
  r->row_file = NULL;
  return 0;
}

/* ---- the survey ------------------------------------------------------------------- */

static int valid_name(const char *s) {
  /* An XML name: a letter or "_" first, then letters, digits, "_", "-", ".";
   * any non-ASCII byte is taken as a letter. */
  const unsigned char *u = (const unsigned char *)s;
  if (!(isalpha(u[0]) || u[0] == '_' || u[0] >= 0x80)) return 0;
  for (u++; *u; u++)
    if (!(isalnum(*u) || *u == '_' || *u == '-' || *u == '.' || *u >= 0x80)) return 0;
  return 1;
}

static int is_yes(const char *v) {
  return !mtm_strcasecmp(v, "yes") || !mtm_strcasecmp(v, "true") || !mtm_strcasecmp(v, "true()");
}
static int is_no(const char *v) {
  return !v[0] || !mtm_strcasecmp(v, "no") || !mtm_strcasecmp(v, "false") ||
         !mtm_strcasecmp(v, "false()");
}

static int holds_data(const mtm_question *q) {
  switch (q->type) {
  case MTM_Q_NOTE:
  case MTM_Q_BEGIN_GROUP:
  case MTM_Q_END_GROUP:
  case MTM_Q_BEGIN_REPEAT:
  case MTM_Q_END_REPEAT:
    return 0;
  case MTM_Q_META:
    return strcmp(q->meta, "xml-external") != 0 && strcmp(q->meta, "csv-external") != 0;
  default:
    return 1;
  }
}

/* Where each expression of a question came from, for messages. */
typedef struct qsrc {
  long row;
  const char *file;    /* the included file of the row, NULL: the form's */
  int from_answer;     /* a select whose choices are a previous answer */
  const char *cols[5]; /* relevant, constraint, calculation, choice_filter, required */
  const srow *srow;    /* the row itself, for ${} in labels and hints */
} qsrc;

static int parse_expr(reader *r, const char *src, mtm_expr **out, long row, const char *col,
                      const char *qname) {
  *out = NULL;
  if (!src || !src[0]) return 0;
  mtm_err e;
  mtm_err_clear(&e);
  if (mtm_expr_parse(r->a, src, out, &e)) {
    if (r->lenient) {
      *out = NULL;
      fwarn(r, r->survey_sheet, row, col, qname,
            "cannot read the expression: %s; this rule is left out (the form was added with "
            "--lenient)",
            e.msg);
      return 0;
    }
    return ferr(r, r->survey_sheet, row, col, qname, "cannot read the expression: %s", e.msg);
  }
  return 0;
}

/* A copy of list l with an "other" choice appended, as or_other does. */
static mtm_choice_list *with_other(reader *r, mtm_choice_list *l) {
  if (mtm_form_choice(l, "other")) return l;
  mtm_choice_list *c = mtm_arena_alloc(r->a, sizeof *c);
  c->name = l->name;
  c->n = l->n + 1;
  c->choices = mtm_arena_alloc(r->a, sizeof(mtm_choice) * (size_t)c->n);
  memcpy(c->choices, l->choices, sizeof(mtm_choice) * (size_t)l->n);
  mtm_choice *o = &c->choices[l->n];
  o->name = "other";
  o->row = 0;
  o->filter_cols = NULL;
  o->labels = mtm_arena_alloc(r->a, sizeof(char *) * (size_t)(r->f->nlangs ? r->f->nlangs : 1));
  for (int i = 0; i < r->f->nlangs; i++) o->labels[i] = "Other";
  o->reports = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)(r->f->nlangs ? r->f->nlangs : 1));
  return c;
}

typedef struct refcheck {
  const mtm_form *f;
  const char *bad;
} refcheck;

static void check_ref(void *ctx, const char *name) {
  refcheck *rc = ctx;
  if (rc->bad) return;
  if (mtm_form_question_index(rc->f, name) < 0) rc->bad = name;
}

/* Scans text (a label or hint) for ${name} references. */
static const char *unknown_ref_in_text(reader *r, const char *s) {
  char name[256];
  for (const char *p = s ? strstr(s, "${") : NULL; p; p = strstr(p + 2, "${")) {
    const char *e = strchr(p + 2, '}');
    if (!e) return NULL;
    size_t n = (size_t)(e - p - 2);
    if (n == 0 || n >= sizeof name) continue;
    memcpy(name, p + 2, n);
    name[n] = 0;
    if (valid_name(name) && mtm_form_question_index(r->f, name) < 0) return dup(r, name);
  }
  return NULL;
}

static int read_survey(reader *r) {
  mtm_form *f = r->f;
  sheet *s = &r->survey;
  if (!s->hdr.c) return ferr(r, r->survey_sheet, 0, NULL, NULL, "the survey sheet is empty");
  colspec *cs = parse_headers(r, s);
  int tcol = find_col(s, cs, C_TYPE), ncol = find_col(s, cs, C_NAME);
  if (tcol < 0)
    return ferr(r, r->survey_sheet, s->hdr.row, NULL, NULL,
                "the survey sheet has no 'type' column (its first row must hold the column "
                "names: type, name, label, ...)");
  if (ncol < 0)
    return ferr(r, r->survey_sheet, s->hdr.row, NULL, NULL, "the survey sheet has no 'name' column");
  int cap = s->nrows * 2 + 1;
  f->q = mtm_arena_zalloc(r->a, sizeof *f->q * (size_t)cap);
  qsrc *src = mtm_arena_zalloc(r->a, sizeof *src * (size_t)cap);
  int *stack = mtm_arena_alloc(r->a, sizeof(int) * (size_t)cap);
  int depth = 0;
  const char *tname = s->hdr.c[tcol], *nname = s->hdr.c[ncol];
  int nl = f->nlangs ? f->nlangs : 1;
  for (int i = 0; i < s->nrows; i++) {
    const srow *row = &s->rows[i];
    const char *type = cell(row, tcol), *name = cell(row, ncol);
    r->row_file = row->file;
    if (!type[0]) {
      if (name[0])
        return ferr(r, r->survey_sheet, row->row, tname, name, "the question '%s' has no type", name);
      continue; /* a blank or comment row */
    }
    /* pyxform reads these types on the survey sheet as settings. */
    const char *st = mtm_ascii_lower(squeeze(r, type));
    if (!strcmp(st, "form_title") || !strcmp(st, "set_form_title") ||
        !strcmp(st, "set form title")) {
      if (name[0]) f->title = name;
      continue;
    }
    if (!strcmp(st, "form_id") || !strcmp(st, "set_form_id") || !strcmp(st, "set form id")) {
      if (name[0]) f->form_id = name;
      continue;
    }
    if (!strcmp(st, "prefix")) continue;
    typeinfo ti;
    const char *list;
    int or_other;
    if (parse_type(r, type, &ti, &list, &or_other)) {
      char msg[1024];
      snprintf(msg, sizeof msg, "%s", r->err->msg);
      if (!r->lenient || strncmp(msg, "unknown question type", 21) != 0)
        return ferr(r, r->survey_sheet, row->row, tname, name[0] ? name : NULL, "%s", msg);
      /* Kept as a text question rather than dropped. */
      mtm_err_clear(r->err);
      fwarn(r, r->survey_sheet, row->row, tname, name[0] ? name : NULL,
            "%s; the question is read as text (the form was added with --lenient)", msg);
      memset(&ti, 0, sizeof ti);
      ti.t = MTM_Q_TEXT;
      list = NULL;
      or_other = 0;
    }
    int is_end = ti.t == MTM_Q_END_GROUP || ti.t == MTM_Q_END_REPEAT;
    if (is_end) {
      if (depth == 0)
        return ferr(r, r->survey_sheet, row->row, tname, name[0] ? name : NULL,
                    "'%s' has no matching 'begin %s' above it", type,
                    ti.t == MTM_Q_END_GROUP ? "group" : "repeat");
      mtm_question *open = &f->q[stack[depth - 1]];
      int want = open->type == MTM_Q_BEGIN_REPEAT ? MTM_Q_END_REPEAT : MTM_Q_END_GROUP;
      if ((int)ti.t != want)
        return ferr(r, r->survey_sheet, row->row, tname, name[0] ? name : NULL,
                    "'%s' closes the %s '%s' begun on row %ld: write '%s'", type,
                    open->type == MTM_Q_BEGIN_REPEAT ? "repeat" : "group", open->name, open->row,
                    want == MTM_Q_END_REPEAT ? "end_repeat" : "end_group");
    } else {
      /* pyxform names a nameless note after its row (the header is row 1). */
      if (!name[0] && ti.t == MTM_Q_NOTE)
        name = mtm_arena_printf(r->a, "generated_note_name_%ld", row->row - row->hdr_row + 1);
      if (!name[0])
        return ferr(r, r->survey_sheet, row->row, nname, NULL,
                    "the %s on this row has no name: every question needs one", type);
      if (!valid_name(name))
        return ferr(r, r->survey_sheet, row->row, nname, name,
                    "the name '%s' is not a valid name: use letters, digits, '_', '-' and '.', "
                    "starting with a letter or '_'",
                    name);
    }
    mtm_question *q = &f->q[f->nq];
    int qi = f->nq++;
    q->row = row->row;
    q->type_text = type;
    q->type = ti.t;
    q->meta = ti.meta;
    q->or_other = or_other;
    q->list_name = list;
    q->field = -1;
    q->file = row->file;
    q->group = depth ? stack[depth - 1] : -1;
    q->repeat = -1;
    for (int d = depth - 1; d >= 0; d--)
      if (f->q[stack[d]].type == MTM_Q_BEGIN_REPEAT) {
        q->repeat = stack[d];
        break;
      }
    if (is_end) {
      q->name = f->q[stack[depth - 1]].name;
      q->path = f->q[stack[depth - 1]].path;
      q->group = stack[depth - 1];
      depth--;
      /* The end marker belongs to the group it closes. */
      q->repeat = f->q[q->group].repeat;
      if (f->q[q->group].type == MTM_Q_BEGIN_REPEAT) q->repeat = q->group;
      q->labels = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
      q->reports = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
      q->hints = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
      q->constraint_msgs = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
      continue;
    }
    q->name = name;
    /* A loop's copy keeps its name in the data (see expand_loops). */
    const char *node = row->node ? row->node : name;
    q->path = q->group >= 0 ? mtm_arena_printf(r->a, "%s/%s", f->q[q->group].path, node) : node;
    q->labels = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
    q->reports = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
    q->hints = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
    q->constraint_msgs = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
    qsrc *qs = &src[qi];
    qs->row = row->row;
    qs->file = row->file;
    qs->srow = row;
    const char *required = "";
    for (int j = 0; j < s->hdr.n; j++) {
      const char *v = cell(row, j);
      if (!v[0]) continue;
      switch (cs[j].role) {
      case C_LABEL:
        if (!q->labels[cs[j].lang]) q->labels[cs[j].lang] = v;
        break;
      case C_HINT:
        if (!q->hints[cs[j].lang]) q->hints[cs[j].lang] = v;
        break;
      case C_REPORT:
        if (!q->reports[cs[j].lang]) {
          int kind = q->type == MTM_Q_SELECT_ONE || q->type == MTM_Q_SELECT_MULTIPLE ? 1
                     : q->type == MTM_Q_INTEGER || q->type == MTM_Q_DECIMAL ||
                             q->type == MTM_Q_RANGE
                         ? 2
                         : 3;
          int bad = check_phrase(r, r->survey_sheet, row->row, s->hdr.c[j], name, v, kind);
          if (bad < 0) return MTM_EINVAL;
          if (!bad) q->reports[cs[j].lang] = v;
        }
        break;
      case C_CONSTRAINT_MSG:
        if (!q->constraint_msgs[cs[j].lang]) q->constraint_msgs[cs[j].lang] = v;
        break;
      case C_RELEVANT:
        if (!q->relevant_src) q->relevant_src = v, qs->cols[0] = s->hdr.c[j];
        break;
      case C_CONSTRAINT:
        if (!q->constraint_src) q->constraint_src = v, qs->cols[1] = s->hdr.c[j];
        break;
      case C_CALCULATION:
        if (!q->calculation_src) q->calculation_src = v, qs->cols[2] = s->hdr.c[j];
        break;
      case C_CHOICE_FILTER:
        if (!q->choice_filter_src) q->choice_filter_src = v, qs->cols[3] = s->hdr.c[j];
        break;
      case C_REQUIRED:
        if (!required[0]) required = v, qs->cols[4] = s->hdr.c[j];
        break;
      case C_APPEARANCE:
        if (!q->appearance) q->appearance = v;
        break;
      case C_DEFAULT:
        if (!q->default_value) q->default_value = v;
        break;
      case C_HXL:
        if (!q->hxl) q->hxl = v;
        break;
      case C_READ_ONLY:
        q->read_only = is_yes(v);
        break;
      case C_PARAMETERS:
        if (!q->parameters) q->parameters = v;
        break;
      default:
        break;
      }
    }
    if (required[0]) {
      q->required_src = required;
      if (is_yes(required))
        q->required = 1;
      else if (!is_no(required) &&
               parse_expr(r, required, &q->required_expr, row->row, qs->cols[4], name))
        return MTM_EINVAL;
    }
    if (parse_expr(r, q->relevant_src, &q->relevant, row->row, qs->cols[0], name) ||
        parse_expr(r, q->constraint_src, &q->constraint, row->row, qs->cols[1], name) ||
        parse_expr(r, q->calculation_src, &q->calculation, row->row, qs->cols[2], name) ||
        parse_expr(r, q->choice_filter_src, &q->choice_filter, row->row, qs->cols[3], name))
      return MTM_EINVAL;
    if (q->type == MTM_Q_CALCULATE && !q->calculation && !q->default_value) {
      if (!r->lenient)
        return ferr(r, r->survey_sheet, row->row, tname, name,
                    "the calculate question '%s' has no calculation", name);
      if (!q->calculation_src)
        fwarn(r, r->survey_sheet, row->row, tname, name,
              "the calculate question '%s' has no calculation; it is kept without one (the form "
              "was added with --lenient)",
              name);
    }
    if (ti.has_list && !ti.from_file && list[0] == '$') {
      /* Choices from a previous answer: "select_one ${q}" offers the answers
       * to q (in a repeat, every instance's), resolved below. */
      size_t n = strlen(list);
      char *ref = n > 3 && list[1] == '{' && list[n - 1] == '}'
                      ? mtm_arena_strndup(r->a, list + 2, n - 3)
                      : NULL;
      if (!ref || !valid_name(ref))
        return ferr(r, r->survey_sheet, row->row, tname, name,
                    "'%s' is neither a list name nor a reference to a question like ${name}",
                    list);
      if (or_other)
        return ferr(r, r->survey_sheet, row->row, tname, name,
                    "'or_other' cannot go with choices from a previous answer (%s): pyxform "
                    "refuses it too; add an 'other' answer to the question %s instead",
                    list, ref);
      qs->from_answer = 1; /* resolved once every question is read */
    } else if (ti.has_list && !ti.from_file) {
      mtm_choice_list *l = find_list(f, list);
      if (!l) {
        char prefix[256];
        size_t k = strcspn(q->type_text, " \t");
        snprintf(prefix, sizeof prefix, "%.*s", (int)k, q->type_text);
        return ferr(r, r->survey_sheet, row->row, tname, name,
                    "%s %s: there is no list '%s' on the choices sheet%s", prefix, list, list,
                    r->choices.found ? "" : " (the form has no choices sheet)");
      }
      q->list = or_other ? with_other(r, l) : l;
    }
    /* Duplicates: two questions of one group, or two that hold data in the
     * same repeat (or both outside any), would be one column of data. */
    for (int k = 0; k < qi; k++) {
      mtm_question *o = &f->q[k];
      if (o->type == MTM_Q_END_GROUP || o->type == MTM_Q_END_REPEAT) continue;
      if (strcmp(o->name, name) != 0) continue;
      int same_group = o->group == q->group;
      int both_data = holds_data(o) && holds_data(q) && o->repeat == q->repeat;
      if (same_group || both_data)
        return ferr(r, r->survey_sheet, row->row, nname, name,
                    "the name '%s' is already used on row %ld: names must be unique", name, o->row);
    }
    if (ti.t == MTM_Q_BEGIN_GROUP || ti.t == MTM_Q_BEGIN_REPEAT) stack[depth++] = qi;
    if (or_other) {
      /* pyxform adds a text question for the other answer. */
      mtm_question *o = &f->q[f->nq++];
      char *oname = mtm_arena_printf(r->a, "%s_other", name);
      o->name = oname;
      o->type_text = "text";
      o->type = MTM_Q_TEXT;
      o->synthetic = 1;
      o->file = q->file;
      o->row = row->row;
      o->group = q->group;
      o->repeat = q->repeat;
      o->field = -1;
      o->path = q->group >= 0 ? mtm_arena_printf(r->a, "%s/%s", f->q[q->group].path, oname) : oname;
      o->labels = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
      o->reports = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
      o->hints = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
      o->constraint_msgs = mtm_arena_zalloc(r->a, sizeof(char *) * (size_t)nl);
      for (int k = 0; k < nl; k++) o->labels[k] = "Specify other.";
      o->relevant_src = mtm_arena_printf(r->a, "selected(${%s}, 'other')", name);
      if (parse_expr(r, o->relevant_src, &o->relevant, row->row, tname, oname)) return MTM_EINVAL;
      for (int k = 0; k < f->nq - 1; k++)
        if (f->q[k].type != MTM_Q_END_GROUP && f->q[k].type != MTM_Q_END_REPEAT &&
            holds_data(&f->q[k]) && f->q[k].repeat == o->repeat && !strcmp(f->q[k].name, oname))
          return ferr(r, r->survey_sheet, row->row, tname, name,
                      "'or_other' adds the question '%s', but row %ld already has that name", oname,
                      f->q[k].row);
      src[f->nq - 1] = *qs;
      src[f->nq - 1].srow = NULL;
    }
  }
  if (depth > 0) {
    mtm_question *open = &f->q[stack[depth - 1]];
    int rep = open->type == MTM_Q_BEGIN_REPEAT;
    return ferr(r, r->survey_sheet, open->row, tname, open->name,
                "the %s '%s' begun on this row is never closed: add an '%s' row",
                rep ? "repeat" : "group", open->name, rep ? "end_repeat" : "end_group");
  }
  if (f->nq == 0) return ferr(r, r->survey_sheet, 0, NULL, NULL, "the survey sheet has no questions");
  /* Fields, in order. */
  f->fields = mtm_arena_alloc(r->a, sizeof(int) * (size_t)f->nq);
  for (int i = 0; i < f->nq; i++)
    if (holds_data(&f->q[i])) {
      f->q[i].field = f->nfields;
      f->fields[f->nfields++] = i;
    }
  /* Every ${name} must be a question of the form. */
  for (int i = 0; i < f->nq; i++) {
    mtm_question *q = &f->q[i];
    if (q->type == MTM_Q_END_GROUP || q->type == MTM_Q_END_REPEAT) continue;
    r->row_file = src[i].file;
    if (src[i].from_answer) {
      char *ref = mtm_arena_strndup(r->a, q->list_name + 2, strlen(q->list_name) - 3);
      int k = mtm_form_question_index(f, ref);
      if (k < 0 || f->q[k].field < 0 || k == i)
        return ferr(r, r->survey_sheet, src[i].row, tname, q->name,
                    k < 0 ? "the choices come from ${%s}, but no question is named '%s'"
                          : "the choices come from ${%s}, but '%s' holds no answers",
                    ref, ref);
      q->choices_from = &f->q[k];
    }
    mtm_expr **ex[5] = {&q->relevant, &q->constraint, &q->calculation, &q->choice_filter,
                        &q->required_expr};
    for (int k = 0; k < 5; k++) {
      refcheck rc = {f, NULL};
      mtm_expr_refs(*ex[k], check_ref, &rc);
      if (!rc.bad) continue;
      const char *col = q->synthetic ? tname : src[i].cols[k];
      if (!r->lenient)
        return ferr(r, r->survey_sheet, src[i].row, col, q->name,
                    "the expression refers to ${%s}, but no question is named '%s'", rc.bad,
                    rc.bad);
      fwarn(r, r->survey_sheet, src[i].row, col, q->name,
            "the expression refers to ${%s}, but no question is named '%s'; this rule is left "
            "out (the form was added with --lenient)",
            rc.bad, rc.bad);
      *ex[k] = NULL;
    }
    if (q->synthetic) continue;
    /* ${name} in labels and hints, in any language. */
    const srow *row = src[i].srow;
    for (int j = 0; row && j < s->hdr.n; j++) {
      if (cs[j].role != C_LABEL && cs[j].role != C_HINT) continue;
      const char *bad = unknown_ref_in_text(r, cell(row, j));
      if (bad && !r->lenient)
        return ferr(r, r->survey_sheet, src[i].row, s->hdr.c[j], q->name,
                    "the text refers to ${%s}, but no question is named '%s'", bad, bad);
      if (bad)
        fwarn(r, r->survey_sheet, src[i].row, s->hdr.c[j], q->name,
              "the text refers to ${%s}, but no question is named '%s'; the text is kept as "
              "written (the form was added with --lenient)",
              bad, bad);
    }
  }
  r->row_file = NULL;
  return 0;
}

/* ---- indices ---------------------------------------------------------------------- */

typedef struct priv {
  mtm_arena arena;
  int nslots;
  int *slots;  /* open addressing: question index + 1, 0 empty */
  void *bytes; /* the source, kept for mtm_form_read */
} priv;

static void build_index(mtm_form *f) {
  priv *p = f->priv;
  int n = 16;
  while (n < f->nq * 2) n *= 2;
  p->nslots = n;
  p->slots = mtm_arena_zalloc(&p->arena, sizeof(int) * (size_t)n);
  for (int i = 0; i < f->nq; i++) {
    const mtm_question *q = &f->q[i];
    if (q->type == MTM_Q_END_GROUP || q->type == MTM_Q_END_REPEAT || !q->name) continue;
    unsigned h = (unsigned)mtm_hash_str(q->name) & (unsigned)(n - 1);
    for (;; h = (h + 1) & (unsigned)(n - 1)) {
      int k = p->slots[h];
      if (!k) {
        p->slots[h] = i + 1;
        break;
      }
      if (!strcmp(f->q[k - 1].name, q->name)) break; /* keep the first */
    }
  }
}

int mtm_form_question_index(const mtm_form *f, const char *name) {
  const priv *p = f->priv;
  if (!p || !p->slots) {
    for (int i = 0; i < f->nq; i++)
      if (f->q[i].type != MTM_Q_END_GROUP && f->q[i].type != MTM_Q_END_REPEAT && f->q[i].name &&
          !strcmp(f->q[i].name, name))
        return i;
    return -1;
  }
  unsigned h = (unsigned)mtm_hash_str(name) & (unsigned)(p->nslots - 1);
  for (;; h = (h + 1) & (unsigned)(p->nslots - 1)) {
    int k = p->slots[h];
    if (!k) return -1;
    if (!strcmp(f->q[k - 1].name, name)) return k - 1;
  }
}

const mtm_question *mtm_form_question(const mtm_form *f, const char *name) {
  int i = mtm_form_question_index(f, name);
  return i < 0 ? NULL : &f->q[i];
}

const mtm_choice *mtm_form_choice(const mtm_choice_list *l, const char *name) {
  if (!l) return NULL;
  for (int i = 0; i < l->n; i++)
    if (!strcmp(l->choices[i].name, name)) return &l->choices[i];
  return NULL;
}

int mtm_form_lang(const mtm_form *f, const char *lang) {
  if (!lang) return -1;
  for (int i = 0; i < f->nlangs; i++)
    if (!mtm_strcasecmp(f->langs[i], lang) || !mtm_strcasecmp(f->lang_codes[i], lang)) return i;
  /* "Russian" for "Russian (ru)". */
  size_t n = strlen(lang);
  for (int i = 0; i < f->nlangs; i++) {
    const char *l = f->langs[i];
    if (strlen(l) > n + 1 && !strncasecmp(l, lang, n) && l[n] == ' ' && l[n + 1] == '(') return i;
  }
  return -1;
}

const char *mtm_form_label(const mtm_form *f, const char **labels, int lang) {
  if (!labels) return NULL;
  if (lang >= 0 && lang < f->nlangs && labels[lang]) return labels[lang];
  int d = mtm_form_lang(f, f->default_language);
  if (d >= 0 && labels[d]) return labels[d];
  for (int i = 0; i < f->nlangs; i++)
    if (labels[i]) return labels[i];
  return NULL;
}

const char *mtm_form_report_phrase(const mtm_form *f, const char **reports, int lang) {
  /* Only the asked language: an English phrase in a Russian sentence
   * would be worse than the generic wording. */
  if (!reports) return NULL;
  if (lang >= 0 && lang < f->nlangs && reports[lang] && reports[lang][0]) return reports[lang];
  if (f->nlangs == 1 && reports[0] && reports[0][0]) return reports[0];
  return NULL;
}

int mtm_form_nquestions(const mtm_form *f) {
  int n = 0;
  for (int i = 0; i < f->nq; i++) {
    mtm_qtype t = f->q[i].type;
    n += t != MTM_Q_BEGIN_GROUP && t != MTM_Q_END_GROUP && t != MTM_Q_BEGIN_REPEAT &&
         t != MTM_Q_END_REPEAT;
  }
  return n;
}

char *mtm_form_fields_json(const mtm_form *f, mtm_arena *a) {
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_addc(&b, '[');
  for (int i = 0; i < f->nfields; i++) {
    if (i) mtm_buf_addc(&b, ',');
    mtm_buf_add_json(&b, f->q[f->fields[i]].name);
  }
  mtm_buf_addc(&b, ']');
  char *r = mtm_arena_strdup(a, b.p);
  mtm_buf_free(&b);
  return r;
}

const char *mtm_form_type_name(mtm_qtype t) {
  static const char *names[] = {
      "text",     "integer",     "decimal",   "range",        "select_one", "select_multiple",
      "rank",     "date",        "datetime",  "time",         "geopoint",   "geotrace",
      "geoshape", "media",       "barcode",   "acknowledge",  "calculate",  "hidden",
      "note",     "begin_group", "end_group", "begin_repeat", "end_repeat", "meta"};
  return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

/* ---- entry points ------------------------------------------------------------------ */

void mtm_form_free(mtm_form *f) {
  if (!f) return;
  priv *p = f->priv;
  mtm_arena a = p->arena;
  mtm_arena_free(&a);
}

/* The file name without folders and extension. */
static char *stem_of(mtm_arena *a, const char *name) {
  const char *b = strrchr(name, '/');
  b = b ? b + 1 : name;
  const char *dot = strrchr(b, '.');
  return dot && dot > b ? mtm_arena_strndup(a, b, (size_t)(dot - b)) : mtm_arena_strdup(a, b);
}

/* Reads a form from bytes; name is used in messages. With path, include
 * rows find their files beside it; else among the given files. */
static int read_form(const void *bytes, size_t len, const char *name, const char *path, int flags,
                     const mtm_form_file *given, int ngiven, mtm_form **out, mtm_err *err) {
  *out = NULL;
  mtm_arena tmp;
  mtm_arena_init(&tmp);
  priv *p = mtm_arena_zalloc(&tmp, sizeof *p);
  mtm_form *f = mtm_arena_zalloc(&tmp, sizeof *f);
  f->priv = p;
  f->lenient = (flags & MTM_FORM_LENIENT) != 0;
  reader r;
  memset(&r, 0, sizeof r);
  r.a = &tmp;
  r.err = err;
  r.f = f;
  r.file = name;
  r.lenient = f->lenient;
  r.survey.name = "survey";
  r.choices.name = "choices";
  r.settings.name = "settings";
  if (path) {
    const char *slash = strrchr(path, '/');
    r.dir = slash ? mtm_arena_strndup(&tmp, path, (size_t)(slash - path)) : ".";
  } else {
    r.given = given;
    r.ngiven = ngiven;
  }
  mtm_err local;
  if (!err) r.err = &local;
  mtm_err_clear(r.err);
  f->file_name = dup(&r, name);
  mtm_table_format fmt = guess_format(bytes, len, name);
  f->format = format_name(fmt);
  int rc = read_sheets(&r, bytes, len, fmt, &r.survey, &r.choices, &r.settings, &r.survey_sheet);
  if (!rc && !r.survey.found) {
    mtm_buf b;
    mtm_buf_init(&b);
    char **names;
    int n = 0;
    mtm_err e2;
    mtm_err_clear(&e2);
    if (mtm_table_sheets_mem(bytes, len, fmt, name, &tmp, &names, &n, &e2) == 0) {
      for (int i = 0; i < n; i++) mtm_buf_printf(&b, "%s'%s'", i ? ", " : "", names[i]);
    }
    mtm_err_where(r.err, name, NULL, 0, NULL, NULL);
    if (b.n)
      rc = mtm_err_set(r.err, MTM_EINVAL, "there is no 'survey' sheet (the sheets are: %s)", b.p);
    else
      rc = mtm_err_set(r.err, MTM_EINVAL, "there is no 'survey' sheet");
    mtm_buf_free(&b);
  }
  if (!rc) {
    read_settings(&r, stem_of(&tmp, name));
    r.chain[r.nchain++] = stem_of(&tmp, name);
    rc = expand_includes(&r, &r.survey, &r.choices, name);
  }
  if (!rc) {
    /* Languages from the headers of both sheets, before any row. */
    if (r.survey.hdr.c) parse_headers(&r, &r.survey);
    if (r.choices.hdr.c) parse_headers(&r, &r.choices);
    if (f->nlangs == 0) lang_index(&r, r.plain_lang);
    rc = read_choices(&r);
  }
  if (!rc) rc = expand_loops(&r);
  if (!rc) rc = read_survey(&r);
  if (rc) {
    if (r.err->file[0] == 0) mtm_err_where(r.err, name, NULL, 0, NULL, NULL);
    mtm_arena_free(&tmp);
    return rc;
  }
  p->arena = tmp; /* the arena moves into the form it holds */
  build_index(f);
  *out = f;
  return 0;
}

int mtm_form_read_mem_opts(const void *bytes, size_t len, const char *name, int flags,
                           const mtm_form_file *includes, int nincludes, mtm_form **out,
                           mtm_err *err) {
  return read_form(bytes, len, name, NULL, flags, includes, nincludes, out, err);
}

int mtm_form_read_mem(const void *bytes, size_t len, const char *name, mtm_form **out,
                      mtm_err *err) {
  return read_form(bytes, len, name, NULL, 0, NULL, 0, out, err);
}

int mtm_form_read_file_opts(const char *path, int flags, mtm_buf *bytes, mtm_form **out,
                            mtm_err *err) {
  *out = NULL;
  mtm_buf_reset(bytes);
  int rc = mtm_buf_read_file(bytes, path, err);
  if (rc) return rc;
  return read_form(bytes->p ? bytes->p : "", bytes->n, path, path, flags, NULL, 0, out, err);
}

int mtm_form_read_file(const char *path, mtm_buf *bytes, mtm_form **out, mtm_err *err) {
  return mtm_form_read_file_opts(path, 0, bytes, out, err);
}

int mtm_form_read(const char *path, mtm_form **out, mtm_err *err) {
  mtm_buf b;
  mtm_buf_init(&b);
  int rc = mtm_form_read_file(path, &b, out, err);
  mtm_buf_free(&b);
  return rc;
}

int mtm_form_load(mtm_store *st, const char *form_id, const char *version, mtm_form **out,
                  mtm_err *err) {
  *out = NULL;
  mtm_arena a;
  mtm_arena_init(&a);
  void *bytes;
  size_t len;
  char *file_name, *ver;
  int rc = mtm_store_form_source(st, form_id, version, &a, &bytes, &len, &file_name, &ver, err);
  /* Read as it was added: leniently or not, with the files it included. */
  int lenient = 0, n = 0;
  mtm_store_file *files = NULL;
  if (!rc) rc = mtm_store_form_extras(st, form_id, ver, &a, &lenient, &files, &n, err);
  mtm_form_file *incl = NULL;
  if (!rc && n) {
    incl = mtm_arena_alloc(&a, sizeof *incl * (size_t)n);
    for (int i = 0; i < n; i++) incl[i] = (mtm_form_file){files[i].name, files[i].bytes, files[i].len};
  }
  if (!rc)
    rc = mtm_form_read_mem_opts(bytes, len, file_name, lenient ? MTM_FORM_LENIENT : 0, incl, n,
                                out, err);
  mtm_arena_free(&a);
  return rc;
}

int mtm_form_load_asked(mtm_store *st, const char *form_id, const char *version, mtm_form **out,
                        mtm_err *err) {
  int rc = mtm_form_load(st, form_id, version, out, err);
  if (rc == MTM_ENOTFOUND && version && !version[0]) {
    mtm_err_clear(err);
    rc = mtm_form_load(st, form_id, NULL, out, err);
  }
  return rc;
}
