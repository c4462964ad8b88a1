/* Typing: a cell's text becomes the canonical value of its question, or a
 * sentence saying why it cannot. */
#include "ingest/internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Puts the value into a message: at most 80 bytes (cut on a character
 * boundary, with "..."), line breaks shown as spaces. */
static const char *shown(mtm_slice v, mtm_arena *a) {
  size_t n = v.n;
  int cut = 0;
  if (n > 80) {
    n = 80;
    while (n > 0 && ((unsigned char)v.p[n] & 0xC0) == 0x80) n--;
    cut = 1;
  }
  char *s = mtm_arena_alloc(a, n + 4);
  for (size_t i = 0; i < n; i++) s[i] = (v.p[i] == '\n' || v.p[i] == '\r') ? ' ' : v.p[i];
  if (cut) memcpy(s + n, "...", 3), n += 3;
  s[n] = 0;
  return s;
}

static int bad(mtm_err *err, mtm_slice v, mtm_arena *a, const char *what) {
  return mtm_err_set(err, MTM_EINVAL, "'%s' is not %s", shown(v, a), what);
}

/* Copies a NUL-terminated string of known length into the arena. */
static mtm_slice dup(mtm_arena *a, const char *s, size_t n) {
  return (mtm_slice){mtm_arena_strndup(a, s, n), n};
}

static int all_digits(const char *p, size_t n) {
  if (!n) return 0;
  for (size_t i = 0; i < n; i++)
    if (p[i] < '0' || p[i] > '9') return 0;
  return 1;
}

/* An integer already in canonical form: -?(0|[1-9][0-9]{0,17}), not -0. */
static int canonical_int(mtm_slice v) {
  const char *p = v.p;
  size_t n = v.n;
  int neg = 0;
  if (n && *p == '-') p++, n--, neg = 1;
  if (!n || n > 18 || !all_digits(p, n)) return 0;
  if (n > 1 && p[0] == '0') return 0;
  return !(neg && p[0] == '0');
}

/* A decimal already in its shortest form, as %.15g would write it. */
static int canonical_decimal(mtm_slice v) {
  const char *p = v.p, *end = v.p + v.n;
  if (p < end && *p == '-') p++;
  const char *ip = p;
  while (p < end && *p >= '0' && *p <= '9') p++;
  size_t in = (size_t)(p - ip);
  if (!in || in > 15 || (in > 1 && ip[0] == '0')) return 0;
  if (p == end) return !(in == 1 && ip[0] == '0' && v.p[0] == '-');
  if (*p++ != '.') return 0;
  const char *fp = p;
  while (p < end && *p >= '0' && *p <= '9') p++;
  size_t fn = (size_t)(p - fp);
  if (p != end || !fn || fp[fn - 1] == '0') return 0;
  size_t sig = in + fn;
  if (ip[0] == '0') {
    /* 0.000x: %g switches to exponents below 1e-4. */
    size_t z = 0;
    while (z < fn && fp[z] == '0') z++;
    if (z >= 4) return 0;
    sig = fn - z;
  }
  return sig <= 15;
}

static void put2(char *o, int v) {
  o[0] = (char)('0' + v / 10 % 10);
  o[1] = (char)('0' + v % 10);
}

/* YYYY-MM-DD into o (10 bytes and a NUL), without printf. */
static void fmt_date(int32_t days, char *o) {
  int y;
  unsigned m, d;
  mtm_civil_from_days(days, &y, &m, &d);
  unsigned u = (unsigned)y % 10000u;
  o[0] = (char)('0' + u / 1000), o[1] = (char)('0' + u / 100 % 10);
  o[2] = (char)('0' + u / 10 % 10), o[3] = (char)('0' + u % 10);
  o[4] = '-';
  put2(o + 5, (int)m);
  o[7] = '-';
  put2(o + 8, (int)d);
  o[10] = 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" for seconds since 1970. */
mtm_slice ing_format_datetime(int64_t secs, mtm_arena *a) {
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  char *o = mtm_arena_alloc(a, 21);
  fmt_date((int32_t)days, o);
  o[10] = 'T';
  put2(o + 11, (int)(rem / 3600));
  o[13] = ':';
  put2(o + 14, (int)(rem / 60 % 60));
  o[16] = ':';
  put2(o + 17, (int)(rem % 60));
  o[19] = 'Z';
  o[20] = 0;
  return (mtm_slice){o, 20};
}

/* An Excel serial day number (1900 system), when the flags allow it. */
static int excel_serial(mtm_slice v, int flags, double *out) {
  if (!(flags & MTM_TYPE_EXCEL_SERIAL)) return 0;
  double d;
  if (mtm_parse_double(v, &d) || d < 0 || d > 110000) return 0;
  *out = d;
  return 1;
}

static int type_date(mtm_slice v, int flags, mtm_arena *a, mtm_slice *out, mtm_err *err) {
  int32_t days;
  double serial;
  if (v.n == 10 && v.p[4] == '-' && v.p[7] == '-' && mtm_parse_date(v, &days) == 0) {
    *out = v; /* already YYYY-MM-DD */
    return 0;
  }
  if (mtm_parse_date(v, &days) == 0) {
  } else if (excel_serial(v, flags, &serial) && serial >= 1) {
    days = (int32_t)floor(serial) - 25569;
  } else {
    return bad(err, v, a, "a date (YYYY-MM-DD)");
  }
  char *o = mtm_arena_alloc(a, 11);
  fmt_date(days, o);
  *out = (mtm_slice){o, 10};
  return 0;
}

static int type_datetime(mtm_slice v, int flags, mtm_arena *a, mtm_slice *out, mtm_err *err) {
  int64_t secs;
  double serial;
  if (mtm_parse_datetime(v, &secs) == 0) {
  } else if (excel_serial(v, flags, &serial) && serial >= 1) {
    secs = (int64_t)llround((serial - 25569) * 86400.0);
  } else {
    return bad(err, v, a, "a date and time (YYYY-MM-DDThh:mm:ss)");
  }
  *out = ing_format_datetime(secs, a);
  return 0;
}

/* hh:mm[:ss[.fff]] with an optional zone (ignored: a time of day is kept as
 * the enumerator's clock showed it). */
static int type_time(mtm_slice v, int flags, mtm_arena *a, mtm_slice *out, mtm_err *err) {
  const char *p = v.p, *end = v.p + v.n;
  int h = -1, m = -1, s = 0;
  double serial;
  if (v.n >= 5 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && p[2] == ':' &&
      isdigit((unsigned char)p[3]) && isdigit((unsigned char)p[4])) {
    h = (p[0] - '0') * 10 + p[1] - '0';
    m = (p[3] - '0') * 10 + p[4] - '0';
    p += 5;
    if (p + 3 <= end && p[0] == ':' && isdigit((unsigned char)p[1]) &&
        isdigit((unsigned char)p[2])) {
      s = (p[1] - '0') * 10 + p[2] - '0';
      p += 3;
      if (p < end && *p == '.') {
        p++;
        while (p < end && isdigit((unsigned char)*p)) p++;
      }
    }
    if (p < end && *p == 'Z') p++;
    else if (p < end && (*p == '+' || *p == '-')) {
      p++;
      int k = 0;
      while (p < end && (isdigit((unsigned char)*p) || *p == ':')) p++, k++;
      if (k < 2) h = -1;
    }
    if (p != end || h > 23 || m > 59 || s > 59) h = -1;
  } else if (excel_serial(v, flags, &serial) && serial < 1) {
    long t = lround(serial * 86400.0);
    if (t >= 86400) t = 86399;
    h = (int)(t / 3600), m = (int)(t / 60 % 60), s = (int)(t % 60);
  }
  if (h < 0) return bad(err, v, a, "a time (hh:mm:ss)");
  char *o = mtm_arena_alloc(a, 9);
  put2(o, h), o[2] = ':', put2(o + 3, m), o[5] = ':', put2(o + 6, s), o[8] = 0;
  *out = (mtm_slice){o, 8};
  return 0;
}

static int type_geopoint(mtm_slice v, mtm_arena *a, mtm_slice *out, mtm_err *err) {
  double x[4] = {0, 0, 0, 0};
  int k = 0;
  const char *p = v.p, *end = v.p + v.n;
  while (p < end) {
    while (p < end && (isspace((unsigned char)*p) || *p == ',')) p++;
    if (p == end) break;
    const char *s = p;
    while (p < end && !isspace((unsigned char)*p) && *p != ',') p++;
    if (k == 4 || mtm_parse_double((mtm_slice){s, (size_t)(p - s)}, &x[k]))
      return bad(err, v, a, "a geopoint (latitude longitude altitude accuracy)");
    k++;
  }
  if (k < 2 || fabs(x[0]) > 90 || fabs(x[1]) > 180)
    return bad(err, v, a, "a geopoint (latitude longitude altitude accuracy)");
  char t[4][32];
  for (int i = 0; i < 4; i++) ing_shortest(x[i], t[i]);
  char *o = mtm_arena_printf(a, "%s %s %s %s", t[0], t[1], t[2], t[3]);
  *out = (mtm_slice){o, strlen(o)};
  return 0;
}

/* The choice a select value names: by name, by exact label in any language,
 * by an integer written as a decimal ("1.0"), then by text key. -1: none. */
static int find_choice(const mtm_ingest_form *t, const ing_list *l, mtm_slice v, mtm_arena *a) {
  int c = ing_map_get(&l->names, v.p, v.n, -1);
  if (c >= 0) return c;
  c = ing_map_get(&l->labels, v.p, v.n, -1);
  if (c >= 0) return c;
  long long iv;
  if (memchr(v.p, '.', v.n) && mtm_parse_int(v, &iv) == 0) {
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", iv);
    c = ing_map_get(&l->names, tmp, (size_t)n, -1);
    if (c >= 0) return c;
  }
  (void)t;
  char *key = mtm_text_key(a, mtm_arena_strndup(a, v.p, v.n));
  if (!key[0]) return -1;
  c = ing_map_get(&l->keys, key, strlen(key), -1);
  return c >= 0 ? c : -1;
}

typedef struct tok {
  const char *p;
  size_t n;
} tok;

/* Splits on white space into at most max tokens; returns the count. */
static int tokens(mtm_slice v, tok *out, int max) {
  int k = 0;
  const char *p = v.p, *end = v.p + v.n;
  while (p < end) {
    while (p < end && isspace((unsigned char)*p)) p++;
    if (p == end) break;
    const char *s = p;
    while (p < end && !isspace((unsigned char)*p)) p++;
    if (k < max) out[k] = (tok){s, (size_t)(p - s)};
    k++;
  }
  return k;
}

/* Labels hold spaces, so a labels export's "Cash Food vouchers" is cut into
 * choices by dynamic programming over the tokens: the first cut that uses
 * only names or labels wins. Returns 1 and marks sel when one exists. */
static int segment_labels(const mtm_ingest_form *t, const ing_list *l, const tok *tk, int n,
                          unsigned char *sel, mtm_arena *a) {
  if (n > 256) return 0;
  int from[257], choice[257];
  for (int i = 0; i <= n; i++) from[i] = -1;
  from[0] = 0;
  for (int i = 1; i <= n; i++)
    for (int j = i - 1; j >= 0 && j >= i - 16; j--) {
      if (from[j] < 0) continue;
      mtm_slice s = {tk[j].p, (size_t)(tk[i - 1].p + tk[i - 1].n - tk[j].p)};
      int c = find_choice(t, l, s, a);
      if (c >= 0) {
        from[i] = j;
        choice[i] = c;
        break;
      }
    }
  if (from[n] < 0) return 0;
  for (int i = n; i > 0; i = from[i]) sel[choice[i]] = 1;
  return 1;
}

mtm_slice mtm_ingest_join_options(const mtm_ingest_form *t, int qi, const unsigned char *sel,
                                  mtm_arena *a) {
  const mtm_choice_list *l = t->f->q[qi].list;
  size_t len = 0;
  for (int c = 0; c < l->n; c++)
    if (sel[c]) len += strlen(l->choices[c].name) + 1;
  char *o = mtm_arena_alloc(a, len + 1), *w = o;
  for (int c = 0; c < l->n; c++)
    if (sel[c]) {
      if (w != o) *w++ = ' ';
      size_t k = strlen(l->choices[c].name);
      memcpy(w, l->choices[c].name, k);
      w += k;
    }
  *w = 0;
  return (mtm_slice){o, (size_t)(w - o)};
}

int mtm_ingest_split_options(const mtm_ingest_form *t, int qi, mtm_slice v, unsigned char *sel) {
  const mtm_choice_list *l = t->f->q[qi].list;
  memset(sel, 0, (size_t)l->n);
  if (t->qlist[qi] < 0) return 0;
  const ing_list *il = &t->lists[t->qlist[qi]];
  int unknown = 0;
  const char *p = v.p, *end = v.p + v.n;
  while (p < end) {
    while (p < end && *p == ' ') p++;
    if (p == end) break;
    const char *s = p;
    while (p < end && *p != ' ') p++;
    int c = ing_map_get(&il->names, s, (size_t)(p - s), -1);
    if (c >= 0) sel[c] = 1;
    else unknown++;
  }
  return unknown;
}

static int type_select_multiple(const mtm_ingest_form *t, int qi, mtm_slice v, mtm_arena *a,
                                mtm_slice *out) {
  const mtm_question *q = &t->f->q[qi];
  if (t->qlist[qi] < 0 || !q->list) {
    *out = v;
    return 0;
  }
  const ing_list *l = &t->lists[t->qlist[qi]];
  int nc = q->list->n;
  tok stack[64];
  tok *tk = stack;
  int n = tokens(v, stack, 64);
  if (n > 64) {
    tk = mtm_arena_alloc(a, sizeof *tk * (size_t)n);
    tokens(v, tk, n);
  }
  unsigned char sbuf[256];
  unsigned char *sel = nc <= 256 ? sbuf : mtm_arena_alloc(a, (size_t)nc);
  memset(sel, 0, (size_t)nc);
  /* The usual case: every token is a choice name. */
  int unknown = 0;
  for (int i = 0; i < n; i++) {
    int c = ing_map_get(&l->names, tk[i].p, tk[i].n, -1);
    if (c >= 0) sel[c] = 1;
    else unknown++;
  }
  if (!unknown) {
    *out = mtm_ingest_join_options(t, qi, sel, a);
    return 0;
  }
  /* Labels, or names mixed with labels. */
  memset(sel, 0, (size_t)nc);
  if (segment_labels(t, l, tk, n, sel, a)) {
    *out = mtm_ingest_join_options(t, qi, sel, a);
    return 0;
  }
  /* Some tokens are no choice: keep them, after the known ones. */
  memset(sel, 0, (size_t)nc);
  mtm_buf rest;
  mtm_buf_init(&rest);
  for (int i = 0; i < n; i++) {
    int c = find_choice(t, l, (mtm_slice){tk[i].p, tk[i].n}, a);
    if (c >= 0) sel[c] = 1;
    else {
      if (rest.n) mtm_buf_addc(&rest, ' ');
      mtm_buf_add(&rest, tk[i].p, tk[i].n);
    }
  }
  mtm_slice known = mtm_ingest_join_options(t, qi, sel, a);
  char *o = mtm_arena_printf(a, "%s%s%s", known.p, known.n ? " " : "", rest.p ? rest.p : "");
  mtm_buf_free(&rest);
  *out = (mtm_slice){o, strlen(o)};
  return 0;
}

/* KoBoCAT's legacy exports write "n/a" in the cells of skipped questions
 * (and of repeat instances a submission does not have); no number, date,
 * time, location or 0/1 reads so, and pandas reads it as missing too. */
static int is_na_slash(mtm_slice v) { return mtm_slice_eq(mtm_slice_trim(v), "n/a"); }

int ing_cell_missing(mtm_slice cell, int flags) {
  mtm_slice v = mtm_slice_trim(cell);
  return !v.p || !v.n || is_na_slash(v) || ((flags & MTM_TYPE_R_NA) && mtm_slice_eq(v, "NA"));
}

int mtm_ingest_type_option(mtm_slice cell, int flags, int *sel, mtm_err *err) {
  mtm_slice v = mtm_slice_trim(cell);
  if (ing_cell_missing(v, flags)) {
    *sel = -1;
    return 0;
  }
  static const char *const yes[] = {"1", "1.0", "True", "true", "TRUE", "yes", "Yes"};
  static const char *const no[] = {"0", "0.0", "False", "false", "FALSE", "no", "No"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (mtm_slice_eq(v, yes[i])) return *sel = 1, 0;
    if (mtm_slice_eq(v, no[i])) return *sel = 0, 0;
  }
  char tmp[96];
  size_t n = v.n < 80 ? v.n : 80;
  memcpy(tmp, v.p, n);
  tmp[n] = 0;
  return mtm_err_set(err, MTM_EINVAL, "'%s%s' is not 0 or 1 (selected or not)", tmp,
                     v.n > 80 ? "..." : "");
}

int mtm_ingest_type(const mtm_ingest_form *t, int qi, mtm_slice cell, int flags, mtm_arena *a,
                    mtm_slice *out, mtm_err *err) {
  const mtm_question *q = &t->f->q[qi];
  mtm_slice v = cell;
  while (v.n && v.p[v.n - 1] == '\r') v.n--;
  *out = (mtm_slice){NULL, 0};
  if (!v.n) return 0;
  mtm_qtype type = q->type;
  if (type == MTM_Q_META) {
    const char *m = q->meta ? q->meta : "";
    type = !strcmp(m, "start") || !strcmp(m, "end") ? MTM_Q_DATETIME
           : !strcmp(m, "today")                     ? MTM_Q_DATE
                                                     : MTM_Q_TEXT;
  }
  int is_text = type == MTM_Q_TEXT || type == MTM_Q_BARCODE || type == MTM_Q_MEDIA ||
                type == MTM_Q_CALCULATE || type == MTM_Q_HIDDEN || type == MTM_Q_NOTE ||
                type == MTM_Q_ACKNOWLEDGE || type == MTM_Q_GEOTRACE || type == MTM_Q_GEOSHAPE;
  if ((flags & MTM_TYPE_R_NA) && mtm_slice_eq(v, "NA")) return 0;
  /* "n/a" is missing, unless a choice of the question is named or labelled
   * exactly so (a choice "na" or "N/A" is not: KoBoCAT's n/a is a skip). */
  if (is_na_slash(v)) {
    const ing_list *l = (type == MTM_Q_SELECT_ONE || type == MTM_Q_SELECT_MULTIPLE) &&
                                t->qlist[qi] >= 0
                            ? &t->lists[t->qlist[qi]]
                            : NULL;
    if (!l || (ing_map_get(&l->names, "n/a", 3, -1) < 0 && ing_map_get(&l->labels, "n/a", 3, -1) < 0))
      return 0;
  }
  if (is_text) {
    *out = v;
    return 0;
  }
  v = mtm_slice_trim(v);
  if (!v.n) return 0;
  switch (type) {
  case MTM_Q_INTEGER: {
    if (canonical_int(v)) {
      *out = v;
      return 0;
    }
    long long x;
    double d;
    /* R writes 1000000 as 1e+06: a whole number all the same. */
    if (mtm_parse_int(v, &x) == 0) {
    } else if (mtm_parse_double(v, &d) == 0 && d == floor(d) && fabs(d) < 9007199254740992.0) {
      x = (long long)d;
    } else {
      return bad(err, v, a, "a whole number");
    }
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", x);
    *out = dup(a, tmp, (size_t)n);
    return 0;
  }
  case MTM_Q_DECIMAL:
  case MTM_Q_RANGE: {
    if (canonical_decimal(v)) {
      *out = v;
      return 0;
    }
    double x;
    if (mtm_parse_double(v, &x)) return bad(err, v, a, "a number");
    char tmp[32];
    ing_shortest(x, tmp);
    *out = dup(a, tmp, strlen(tmp));
    return 0;
  }
  case MTM_Q_DATE: return type_date(v, flags, a, out, err);
  case MTM_Q_DATETIME: return type_datetime(v, flags, a, out, err);
  case MTM_Q_TIME: return type_time(v, flags, a, out, err);
  case MTM_Q_GEOPOINT: return type_geopoint(v, a, out, err);
  case MTM_Q_SELECT_ONE: {
    if (t->qlist[qi] >= 0) {
      int c = find_choice(t, &t->lists[t->qlist[qi]], v, a);
      if (c >= 0) {
        const char *name = q->list->choices[c].name;
        *out = (mtm_slice){name, strlen(name)};
        return 0;
      }
    }
    *out = v; /* not a choice: kept as given; check's 'choice' rule reports it */
    return 0;
  }
  case MTM_Q_SELECT_MULTIPLE: return type_select_multiple(t, qi, v, a, out);
  default: *out = v; return 0;
  }
}

/* Context of a choice filter evaluated for one candidate choice. */
typedef struct cf_ctx {
  const char *(*lookup)(void *ctx, const char *name);
  void *ctx;
  const mtm_choice *choice;
  mtm_arena *a;
} cf_ctx;

static const char *cf_lookup(void *p, const char *name) {
  cf_ctx *c = p;
  return c->lookup(c->ctx, name);
}

/* A bare name in a choice filter is a column of the choices sheet. */
static const char *cf_node(void *p, const char *name) {
  cf_ctx *c = p;
  const char *s = c->choice->filter_cols;
  size_t n = strlen(name);
  while (s && *s) {
    const char *eol = strchr(s, '\n');
    size_t len = eol ? (size_t)(eol - s) : strlen(s);
    if (len > n && strncmp(s, name, n) == 0 && s[n] == '=')
      return mtm_arena_strndup(c->a, s + n + 1, len - n - 1);
    s = eol ? eol + 1 : NULL;
  }
  return c->lookup(c->ctx, name);
}

int mtm_ingest_choice_by_filter(const mtm_ingest_form *t, int qi, mtm_slice v,
                                const char *(*lookup)(void *ctx, const char *name), void *ctx,
                                mtm_arena *a, mtm_slice *out) {
  const mtm_question *q = &t->f->q[qi];
  if (q->type != MTM_Q_SELECT_ONE || !q->list || !q->choice_filter || !v.n) return 0;
  const mtm_choice_list *l = q->list;
  if (ing_map_get(&t->lists[t->qlist[qi]].names, v.p, v.n, -1) >= 0) return 0;
  const char *key = mtm_text_key(a, mtm_arena_strndup(a, v.p, v.n));
  int found = -1, nfound = 0;
  for (int c = 0; c < l->n && nfound < 2; c++) {
    const mtm_choice *ch = &l->choices[c];
    int match = 0;
    for (int g = 0; g < t->f->nlangs && !match; g++)
      match = ch->labels && ch->labels[g] && strcmp(mtm_text_key(a, ch->labels[g]), key) == 0;
    if (!match) continue;
    cf_ctx cc = {lookup, ctx, ch, a};
    mtm_expr_env env = {0};
    env.lookup = cf_lookup;
    env.lookup_node = cf_node;
    env.ctx = &cc;
    env.today = mtm_today();
    mtm_value r;
    mtm_err e;
    if (mtm_expr_eval(q->choice_filter, &env, a, &r, &e) == 0 && mtm_value_bool(&r)) {
      found = c;
      nfound++;
    }
  }
  if (nfound != 1) return 0;
  const char *name = l->choices[found].name;
  *out = (mtm_slice){name, strlen(name)};
  return 1;
}
