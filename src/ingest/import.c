/* The import: every file of one run read row by row, typed, deduplicated by
 * uuid and stored in one transaction. */
#include "ingest/internal.h"
#include "table/table.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_LISTED 20 /* bad cells listed per file */


/* ---- the uuids of this form and round ------------------------------------- */

enum { U_STORED = 1, U_SEEN = 2 };

typedef struct uent {
  const char *uuid;
  uint32_t len;
  uint8_t state;
  int sver;      /* stored: index of its version string in imp.svers */
  int file;      /* where it was first read in this import */
  long row;
  int dups;      /* copies stored as "uuid#2", "uuid#3", ... */
  int64_t id;    /* submission id, 0 when not stored */
  uint64_t hash; /* of the typed data: stored, then as read here */
} uent;

typedef struct uset {
  size_t cap;     /* slots, a power of two */
  uint64_t *slot; /* entry index + 1 in the low half, the hash's high half
                     above it (so that a probe rarely touches an entry); 0 empty */
  uent *e;
  size_t n, ecap;
  mtm_arena a;
} uset;

static void uset_init(uset *u) {
  memset(u, 0, sizeof *u);
  mtm_arena_init(&u->a);
  u->cap = 1024;
  u->slot = mtm_xcalloc(u->cap, sizeof *u->slot);
}

static void uset_free(uset *u) {
  free(u->slot);
  free(u->e);
  mtm_arena_free(&u->a);
}

static uent *uset_find(const uset *u, const char *s, size_t n) {
  uint64_t h = mtm_hash(s, n, 7);
  uint64_t tag = h >> 32 << 32;
  size_t i = (size_t)h & (u->cap - 1);
  for (; u->slot[i]; i = (i + 1) & (u->cap - 1)) {
    if ((u->slot[i] & 0xFFFFFFFF00000000ULL) != tag) continue;
    uent *e = &u->e[(u->slot[i] & 0xFFFFFFFFu) - 1];
    if (e->len == n && memcmp(e->uuid, s, n) == 0) return e;
  }
  return NULL;
}

/* Puts entry k (hash h) into the first free slot of its probe sequence. */
static void uset_place(uint64_t *slot, size_t cap, uint64_t h, size_t k) {
  size_t i = (size_t)h & (cap - 1);
  while (slot[i]) i = (i + 1) & (cap - 1);
  slot[i] = (h >> 32 << 32) | (uint64_t)(k + 1);
}

/* Adds a uuid known to be absent. */
static uent *uset_add(uset *u, const char *s, size_t n) {
  if ((u->n + 1) * 2 > u->cap) {
    size_t cap = u->cap * 2;
    uint64_t *slot = mtm_xcalloc(cap, sizeof *slot);
    for (size_t k = 0; k < u->n; k++)
      uset_place(slot, cap, mtm_hash(u->e[k].uuid, u->e[k].len, 7), k);
    free(u->slot);
    u->slot = slot;
    u->cap = cap;
  }
  if (u->n == u->ecap) {
    u->ecap = u->ecap ? u->ecap * 2 : 1024;
    u->e = mtm_xrealloc(u->e, sizeof *u->e * u->ecap);
  }
  uent *e = &u->e[u->n];
  memset(e, 0, sizeof *e);
  e->uuid = mtm_arena_strndup(&u->a, s, n);
  e->len = (uint32_t)n;
  e->sver = -1;
  uset_place(u->slot, u->cap, mtm_hash(s, n, 7), u->n);
  u->n++;
  return e;
}

/* ---- an int64 -> (int64, int) map: _index -> submission, and positions ---- */

typedef struct lmap {
  size_t cap, n;
  int64_t *k, *v;
  int *w;
  unsigned char *used;
} lmap;

static void lmap_free(lmap *m) {
  free(m->k), free(m->v), free(m->w), free(m->used);
  memset(m, 0, sizeof *m);
}

static size_t lmap_slot(const lmap *m, int64_t k) {
  size_t i = (size_t)mtm_hash(&k, sizeof k, 3) & (m->cap - 1);
  while (m->used[i] && m->k[i] != k) i = (i + 1) & (m->cap - 1);
  return i;
}

static void lmap_set(lmap *m, int64_t k, int64_t v, int w) {
  if ((m->n + 1) * 2 > m->cap) {
    lmap o = *m;
    m->cap = o.cap ? o.cap * 2 : 256;
    m->k = mtm_xcalloc(m->cap, sizeof *m->k);
    m->v = mtm_xcalloc(m->cap, sizeof *m->v);
    m->w = mtm_xcalloc(m->cap, sizeof *m->w);
    m->used = mtm_xcalloc(m->cap, 1);
    m->n = 0;
    for (size_t i = 0; i < o.cap; i++)
      if (o.used[i]) lmap_set(m, o.k[i], o.v[i], o.w[i]);
    lmap_free(&o);
  }
  size_t i = lmap_slot(m, k);
  if (!m->used[i]) m->n++;
  m->used[i] = 1;
  m->k[i] = k;
  m->v[i] = v;
  m->w[i] = w;
}

static int lmap_get(const lmap *m, int64_t k, int64_t *v, int *w) {
  if (!m->cap) return 0;
  size_t i = lmap_slot(m, k);
  if (!m->used[i]) return 0;
  *v = m->v[i];
  if (w) *w = m->w[i];
  return 1;
}

/* ---- versions of the form ------------------------------------------------- */

typedef struct ver {
  const char *key;  /* the version as the data names it */
  int use;          /* the loaded version its rows are read with */
  mtm_form *f;      /* loaded versions only */
  mtm_ingest_form *t;
  long unknown_rows;
  long by_name_rows; /* rows of this (unknown) version read through another
                        version's column for a question (mtm_col.alt) */
  ing_map keys;     /* JSON keys already mapped -> index in kcols */
  mtm_col *kcols;
  int nk, capk;
} ver;

/* ---- one sheet of a file (the main one, or a repeat's) -------------------- */

typedef struct sheet {
  const char *name; /* XLSX sheet name; NULL for CSV and JSON */
  int n;
  const char **headers;
  mtm_header_map **maps; /* per version, made when first needed */
  int nmaps;
  const char *repeat;    /* repeat sheets: the repeat's name */
  int c_uuid, c_iid, c_key, c_puuid, c_ver, c_fver, c_sub, c_index, c_pindex, c_ptable;
  int c_id;              /* main sheet: the --id-column, -1 if none */
  lmap index;            /* _index -> submission (0: not stored now), version */
  lmap pos;              /* submission -> instances so far */
} sheet;

/* ---- the run --------------------------------------------------------------- */

typedef struct issue {
  const char *question, *value, *rule, *message;
  struct issue *next;
} issue;

typedef struct fctx {
  const char *path;
  mtm_import_file *file;
  int index;
  int json;
  int workbook; /* XLSX or XLS: repeat sheets link by _index */
  char **sheets; /* a workbook's sheet names (the first is the main one) */
  int nsheets;
  ing_zip *zip;  /* ODK Central's .csv.zip: repeat CSVs link by KEY */
  ing_keys keys; /* zip: KEY -> submission, of the main CSV and the repeats' */
  const char *mem; /* zip: the CSV being read, whole */
  size_t memlen;
  int flags; /* MTM_TYPE_* */
  int64_t import_id;
  long listed_bad;
} fctx;

typedef struct imp {
  mtm_store *st;
  const mtm_import_opts *o;
  mtm_arena *a; /* the report's, and everything that lives for the run */
  mtm_import_report *rep;
  int64_t form;
  ver *vers;
  int nvers, capvers;
  int all_loaded;      /* every stored version of the form is in vers */
  const char **svers; /* distinct stored version strings */
  int nsvers, capsvers;
  uset uuids;
  mtm_arena row; /* reset for every row */
  mtm_buf raw, data;
  int capwarn;
  ing_sink *sink;   /* the writer thread */
  int64_t next_id;  /* submission ids are given here, inside the transaction */
} imp;

static void warn(imp *m, const char *fmt, ...) MTM_PRINTF(2, 3);
static void warn(imp *m, const char *fmt, ...) {
  va_list ap, aq;
  va_start(ap, fmt);
  va_copy(aq, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = mtm_arena_alloc(m->a, (size_t)n + 1);
  vsnprintf(s, (size_t)n + 1, fmt, aq);
  va_end(aq);
  mtm_import_report *r = m->rep;
  if (r->nwarnings == m->capwarn) {
    m->capwarn = m->capwarn ? m->capwarn * 2 : 16;
    const char **g = mtm_arena_alloc(m->a, sizeof *g * (size_t)m->capwarn);
    if (r->nwarnings) memcpy(g, r->warnings, sizeof *g * (size_t)r->nwarnings);
    r->warnings = g;
  }
  r->warnings[r->nwarnings++] = s;
}

/* Finds or loads the version a row names; returns the index of the loaded
 * version to read it with (the latest, index 0, when the workspace does not
 * have the one named) and, when keyi is not NULL, the index of the version
 * the row names (-1 when it names none). */
static int get_ver(imp *m, mtm_slice key, mtm_err *err, int *out, int *keyi) {
  if (keyi) *keyi = -1;
  if (!key.p || !key.n) {
    *out = 0;
    return 0;
  }
  for (int i = 0; i < m->nvers; i++)
    if (strlen(m->vers[i].key) == key.n && memcmp(m->vers[i].key, key.p, key.n) == 0) {
      *out = m->vers[i].use;
      if (keyi) *keyi = i;
      if (m->vers[i].use != i) m->vers[i].unknown_rows++;
      return 0;
    }
  if (m->nvers == m->capvers) {
    m->capvers *= 2;
    ver *g = mtm_arena_zalloc(m->a, sizeof *g * (size_t)m->capvers);
    memcpy(g, m->vers, sizeof *g * (size_t)m->nvers);
    m->vers = g;
  }
  ver *v = &m->vers[m->nvers];
  memset(v, 0, sizeof *v);
  v->key = mtm_arena_strndup(m->a, key.p, key.n);
  mtm_err e;
  mtm_err_clear(&e);
  int rc = mtm_form_load(m->st, m->o->form_id, v->key, &v->f, &e);
  if (rc == MTM_ENOTFOUND) {
    v->use = 0;
    v->unknown_rows = 1;
    if (keyi) *keyi = m->nvers;
    m->nvers++;
    *out = 0;
    return 0;
  }
  if (rc) {
    if (err) *err = e;
    return rc;
  }
  v->t = mtm_ingest_form_new(v->f);
  v->use = m->nvers;
  ing_map_init(&v->keys, m->a, 64);
  if (keyi) *keyi = m->nvers;
  *out = m->nvers++;
  return 0;
}

/* Loads every version of the form that the workspace keeps. */
static int load_all_versions(imp *m, mtm_err *err) {
  if (m->all_loaded) return 0;
  m->all_loaded = 1;
  mtm_form_version *fv;
  int n;
  mtm_arena a;
  mtm_arena_init(&a);
  int rc = mtm_store_form_versions(m->st, m->o->form_id, &a, &fv, &n, err);
  for (int i = 0; !rc && i < n; i++) {
    int v;
    const char *key = fv[i].version ? fv[i].version : "";
    if (key[0]) rc = get_ver(m, (mtm_slice){key, strlen(key)}, err, &v, NULL);
  }
  mtm_arena_free(&a);
  return rc;
}

static void sheet_init(sheet *sh, const char *name, int n, const char **headers) {
  memset(sh, 0, sizeof *sh);
  sh->name = name;
  sh->n = n;
  sh->headers = headers;
  sh->c_id = -1;
}

static void sheet_free(sheet *sh) {
  lmap_free(&sh->index);
  lmap_free(&sh->pos);
}

/* The header map of a sheet for version v; the first one made (the latest
 * version's) also finds the system columns and warns about unknown ones. */
static int sheet_map(imp *m, fctx *fc, sheet *sh, int v, mtm_header_map **out, mtm_err *err) {
  if (sh->nmaps == 0) {
    sh->nmaps = m->capvers;
    sh->maps = mtm_arena_zalloc(m->a, sizeof *sh->maps * (size_t)sh->nmaps);
  }
  if (v >= sh->nmaps) {
    mtm_header_map **g = mtm_arena_zalloc(m->a, sizeof *g * (size_t)m->capvers);
    memcpy(g, sh->maps, sizeof *g * (size_t)sh->nmaps);
    sh->maps = g;
    sh->nmaps = m->capvers;
  }
  if (sh->maps[v]) {
    *out = sh->maps[v];
    return 0;
  }
  mtm_header_map *hm = mtm_arena_zalloc(m->a, sizeof *hm);
  int rc = mtm_ingest_map_headers(m->vers[v].t, sh->n, sh->headers, fc->path, m->a, hm, err);
  if (rc) {
    if (sh->name) mtm_err_where(err, NULL, sh->name, 0, NULL, NULL);
    return rc;
  }
  sh->maps[v] = hm;
  *out = hm;
  return 0;
}

/* Finds the system columns of a sheet from its first map. */
static void sheet_system(sheet *sh, const mtm_header_map *hm) {
  int *c[] = {&sh->c_uuid, &sh->c_iid, &sh->c_key, &sh->c_puuid, &sh->c_ver,
              &sh->c_fver, &sh->c_sub, &sh->c_index, &sh->c_pindex, &sh->c_ptable};
  mtm_sys_col s[] = {MTM_SYS_UUID,    MTM_SYS_INSTANCE_ID,  MTM_SYS_KEY,   MTM_SYS_PLAIN_UUID,
                     MTM_SYS_VERSION, MTM_SYS_FORM_VERSION, MTM_SYS_SUBMITTED_AT,
                     MTM_SYS_INDEX,   MTM_SYS_PARENT_INDEX, MTM_SYS_PARENT_TABLE};
  for (int k = 0; k < 10; k++) {
    *c[k] = -1;
    for (int i = 0; i < hm->n; i++)
      if (hm->cols[i].kind == MTM_COL_SYSTEM && hm->cols[i].sys == s[k]) {
        *c[k] = i;
        break;
      }
  }
}

static mtm_slice cell_at(const mtm_slice *cells, int n, int i) {
  if (i < 0 || i >= n || !cells[i].p) return (mtm_slice){NULL, 0};
  mtm_slice s = mtm_slice_trim(cells[i]);
  return s.n ? s : (mtm_slice){NULL, 0};
}

static const char *cstr(mtm_arena *a, mtm_slice s) {
  return s.p ? mtm_arena_strndup(a, s.p, s.n) : NULL;
}

/* Where a cell is: for messages. */
typedef struct loc {
  const char *sheet;
  long row;
} loc;

static void set_where(mtm_err *e, const fctx *fc, const loc *l, const char *column,
                      const char *question) {
  if (fc->json) mtm_err_row_word(e, "submission");
  mtm_err_where(e, fc->path, l->sheet, l->row, column, question);
}

/* A cell that cannot be typed: the error, or with --keep-going a cell issue
 * (written once the submission is stored) and a warning. */
static int cell_bad(imp *m, fctx *fc, const loc *l, const char *column, const char *question,
                    mtm_slice value, const char *msg, issue **issues, mtm_err *err) {
  mtm_err e;
  mtm_err_clear(&e);
  set_where(&e, fc, l, column, question);
  mtm_err_set(&e, MTM_EINVAL, "%s", msg);
  if (!m->o->keep_going) {
    if (err) *err = e;
    return MTM_EINVAL;
  }
  char line[2048];
  mtm_err_format(&e, line, sizeof line);
  issue *is = mtm_arena_alloc(&m->row, sizeof *is);
  is->question = mtm_arena_strdup(&m->row, question);
  is->value = cstr(&m->row, value);
  is->rule = "type";
  is->message = mtm_arena_strdup(&m->row, line);
  is->next = *issues;
  *issues = is;
  fc->file->bad_cells++;
  if (fc->listed_bad++ < MAX_LISTED) warn(m, "%s (stored as missing)", line);
  return 0;
}

/* ---- typed records --------------------------------------------------------- */

typedef struct dummy {
  int combined;         /* the combined column, -1 if none */
  unsigned char *sel;   /* per choice: 1 selected, 0 not */
  unsigned char *has;   /* per choice: it has a column */
  int any;              /* some option column is not empty */
} dummy;

typedef struct geo {
  int seen;             /* some part was read */
  int q;                /* the geopoint */
  int col;              /* the first of its columns read, for messages */
  mtm_slice part[4];    /* latitude, longitude, altitude, accuracy */
} geo;

typedef struct recb {
  const mtm_ingest_form *t;
  geo *geo;             /* per field, when ODK Central's geopoint parts came */
  int rr;               /* -1: the main record; else a repeat */
  int nf;
  mtm_slice *vals;
  dummy **dums;         /* per select_multiple (t->nsm), when it has option columns */
  int *comb;            /* per select_multiple: its combined column + 1, 0 if none */
  int any;              /* some value is not missing */
} recb;

static void rb_init(recb *rb, const mtm_ingest_form *t, int rr, mtm_arena *a) {
  rb->t = t;
  rb->rr = rr;
  rb->nf = rr < 0 ? t->nmain : t->reps[rr].nf;
  rb->vals = mtm_arena_zalloc(a, sizeof *rb->vals * (size_t)(rb->nf ? rb->nf : 1));
  rb->dums = NULL;
  rb->comb = NULL;
  rb->geo = NULL;
  rb->any = 0;
}

static dummy *rb_dummy(recb *rb, int q, mtm_arena *a) {
  const mtm_ingest_form *t = rb->t;
  if (!rb->dums) rb->dums = mtm_arena_zalloc(a, sizeof *rb->dums * (size_t)(t->nsm ? t->nsm : 1));
  int k = t->smi[q];
  if (!rb->dums[k]) {
    int nc = t->f->q[q].list->n;
    dummy *d = mtm_arena_zalloc(a, sizeof *d);
    d->combined = -1;
    d->sel = mtm_arena_zalloc(a, (size_t)(nc ? nc : 1));
    d->has = mtm_arena_zalloc(a, (size_t)(nc ? nc : 1));
    rb->dums[k] = d;
  }
  return rb->dums[k];
}

/* Types the cell of column i into the record. */
static int rb_cell(imp *m, fctx *fc, const loc *l, recb *rb, const mtm_col *col,
                   const char *header, int i, mtm_slice cell, issue **issues, mtm_err *err) {
  const mtm_ingest_form *t = rb->t;
  int q = col->q;
  const char *qname = t->f->q[q].name;
  if (col->kind == MTM_COL_QUESTION) {
    if (t->pos[q] < 0) return 0;
    if (t->smi[q] >= 0) {
      if (!rb->comb) rb->comb = mtm_arena_zalloc(&m->row, sizeof(int) * (size_t)t->nsm);
      rb->comb[t->smi[q]] = i + 1;
    }
    if (!cell.p || !cell.n) return 0;
    mtm_slice out;
    mtm_err e;
    if (mtm_ingest_type(t, q, cell, fc->flags, &m->row, &out, &e))
      return cell_bad(m, fc, l, header, qname, cell, e.msg, issues, err);
    if (out.p) {
      rb->vals[t->pos[q]] = out;
      rb->any = 1;
    }
    return 0;
  }
  if (col->kind == MTM_COL_GEO_PART) {
    if (t->pos[q] < 0 || ing_cell_missing(cell, fc->flags)) return 0;
    if (!rb->geo) rb->geo = mtm_arena_zalloc(&m->row, sizeof *rb->geo * (size_t)rb->nf);
    geo *g = &rb->geo[t->pos[q]];
    if (!g->seen) g->seen = 1, g->q = q, g->col = i;
    g->part[col->choice] = mtm_slice_trim(cell);
    return 0;
  }
  if (col->kind == MTM_COL_OPTION) {
    if (t->pos[q] < 0 || t->smi[q] < 0) return 0;
    int sel;
    mtm_err e;
    if (mtm_ingest_type_option(cell, fc->flags, &sel, &e))
      return cell_bad(m, fc, l, header, qname, cell, e.msg, issues, err);
    dummy *d = rb_dummy(rb, q, &m->row);
    d->has[col->choice] = 1;
    if (sel >= 0) {
      d->sel[col->choice] = (unsigned char)sel;
      d->any = 1;
    }
  }
  return 0;
}

/* Reconciles select_multiple option columns with the combined column: the
 * options make the value when there is no combined column, and must agree
 * with it when there is. */
/* The value of question name in the record being built, for choice filters. */
typedef struct rb_lookup_ctx {
  const recb *rb;
  mtm_arena *a;
} rb_lookup_ctx;

static const char *rb_lookup(void *p, const char *name) {
  rb_lookup_ctx *c = p;
  const mtm_ingest_form *t = c->rb->t;
  int q = mtm_form_question_index(t->f, name);
  if (q < 0 || t->pos[q] < 0 || t->rep[q] != c->rb->rr) return NULL;
  mtm_slice v = c->rb->vals[t->pos[q]];
  return v.p ? mtm_arena_strndup(c->a, v.p, v.n) : NULL;
}

/* Settles select_one labels shared by several choices with the question's
 * choice_filter, once the whole record is typed. */
static void rb_choice_filters(imp *m, recb *rb) {
  const mtm_ingest_form *t = rb->t;
  rb_lookup_ctx c = {rb, &m->row};
  for (int qi = 0; qi < t->f->nq; qi++) {
    if (!t->f->q[qi].choice_filter || t->pos[qi] < 0 || t->rep[qi] != rb->rr) continue;
    mtm_slice *v = &rb->vals[t->pos[qi]];
    mtm_slice out;
    if (v->p && mtm_ingest_choice_by_filter(t, qi, *v, rb_lookup, &c, &m->row, &out)) *v = out;
  }
}

static int rb_finish(imp *m, fctx *fc, const loc *l, recb *rb, const char *const *headers,
                     const mtm_slice *cells, int ncells, issue **issues, mtm_err *err) {
  const mtm_ingest_form *t = rb->t;
  rb_choice_filters(m, rb);
  /* ODK Central's geopoint parts make the value "lat lon alt acc". */
  for (int i = 0; rb->geo && i < rb->nf; i++) {
    geo *g = &rb->geo[i];
    if (!g->seen || rb->vals[i].p) continue;
    mtm_slice *p = g->part;
    char *v = mtm_arena_printf(&m->row, "%.*s %.*s %.*s %.*s", (int)p[0].n, p[0].p ? p[0].p : "",
                               (int)p[1].n, p[1].p ? p[1].p : "", (int)(p[2].p ? p[2].n : 1),
                               p[2].p ? p[2].p : "0", (int)(p[3].p ? p[3].n : 1),
                               p[3].p ? p[3].p : "0");
    mtm_slice out;
    mtm_err e;
    mtm_err_clear(&e);
    if (!p[0].p || !p[1].p)
      mtm_err_set(&e, MTM_EINVAL, "a location needs its Latitude and its Longitude; '%s' has "
                                  "only one",
                  t->f->q[g->q].name);
    else if (!mtm_ingest_type(t, g->q, mtm_slice_c(v), fc->flags, &m->row, &out, &e)) {
      rb->vals[i] = out;
      rb->any = 1;
      continue;
    }
    int rc = cell_bad(m, fc, l, headers[g->col], t->f->q[g->q].name, mtm_slice_c(v), e.msg,
                      issues, err);
    if (rc) return rc;
  }
  if (!rb->dums) return 0;
  for (int k = 0; k < t->nsm; k++) {
    dummy *d = rb->dums[k];
    if (!d) continue;
    d->combined = rb->comb ? rb->comb[k] - 1 : -1;
    int q = t->sm[k];
    if (t->rep[q] != rb->rr) continue;
    mtm_slice *v = &rb->vals[t->pos[q]];
    int nc = t->f->q[q].list->n;
    if (!d->any) continue;
    int anysel = 0, hasdum = 0;
    for (int c = 0; c < nc; c++) anysel |= d->sel[c], hasdum |= d->has[c];
    if (!hasdum) continue;
    if (!v->p) {
      if (anysel) {
        *v = mtm_ingest_join_options(t, q, d->sel, &m->row);
        rb->any = 1;
      }
      continue;
    }
    unsigned char *sel2 = mtm_arena_alloc(&m->row, (size_t)nc);
    mtm_ingest_split_options(t, q, *v, sel2);
    int agree = 1;
    for (int c = 0; c < nc; c++)
      if (d->has[c] && sel2[c] != d->sel[c]) agree = 0;
    if (agree) continue;
    mtm_slice says = mtm_ingest_join_options(t, q, d->sel, &m->row);
    mtm_slice given = cell_at(cells, ncells, d->combined);
    char *msg = mtm_arena_printf(&m->row, "'%.*s' disagrees with the option columns, which say '%s'",
                                 (int)(given.n < 200 ? given.n : 200), given.p ? given.p : "",
                                 says.p);
    int rc = cell_bad(m, fc, l, d->combined >= 0 ? headers[d->combined] : NULL,
                      t->f->q[q].name, given, msg, issues, err);
    if (rc) return rc;
    *v = (mtm_slice){NULL, 0};
  }
  return 0;
}

static void rb_record(const recb *rb, mtm_buf *b) {
  mtm_buf_reset(b);
  for (int i = 0; i < rb->nf; i++) ing_rec_add(b, rb->vals[i].p, rb->vals[i].n);
}

static int write_issues(imp *m, int64_t sub, issue *is, mtm_err *err) {
  for (; is; is = is->next)
    if (ing_sink_issue(m->sink, sub, is->question, is->value, is->rule, is->message, err))
      return MTM_ESTORE;
  return 0;
}

/* The repeat index in t of the repeat named name, -1 if none. */
static int rep_named(const mtm_ingest_form *t, const char *name) {
  for (int r = 0; r < t->nreps; r++)
    if (!strcmp(t->reps[r].name, name)) return r;
  return -1;
}

/* Stores one repeat instance: the cells are (header, value) pairs with their
 * columns mapped for version v. */
static int instance(imp *m, fctx *fc, const loc *l, int v, int64_t sub, int rr, int position,
                    int n, const char *const *keys, const mtm_slice *vals, mtm_col *const *cols,
                    issue **issues, mtm_err *err) {
  const mtm_ingest_form *t = m->vers[v].t;
  recb rb;
  rb_init(&rb, t, rr, &m->row);
  mtm_buf_reset(&m->raw);
  for (int i = 0; i < n; i++) {
    ing_rec_add(&m->raw, keys[i], strlen(keys[i]));
    ing_rec_add(&m->raw, vals[i].p, vals[i].n);
    const mtm_col *c = cols[i];
    if (c->alt >= 0 && (c->alt >= n || vals[c->alt].n || !vals[i].n ||
                        (c->kind == MTM_COL_QUESTION && t->pos[c->q] >= 0 && rb.vals[t->pos[c->q]].p)))
      continue;
    if ((c->kind == MTM_COL_QUESTION || c->kind == MTM_COL_OPTION ||
         c->kind == MTM_COL_GEO_PART) &&
        t->rep[c->q] == rr) {
      int rc = rb_cell(m, fc, l, &rb, c, keys[i], i, vals[i], issues, err);
      if (rc) return rc;
    }
  }
  int rc = rb_finish(m, fc, l, &rb, keys, vals, n, issues, err);
  if (rc) return rc;
  rb_record(&rb, &m->data);
  if (ing_sink_repeat(m->sink, sub, t->reps[rr].name, position, &m->raw, &m->data, err))
    return MTM_ESTORE;
  fc->file->repeat_rows++;
  return 0;
}

/* Maps a JSON key for version v (remembered for the run). */
static int json_col(imp *m, fctx *fc, int v, const char *key, mtm_col **out, mtm_err *err) {
  ver *vv = &m->vers[v];
  size_t n = strlen(key);
  int k = ing_map_get(&vv->keys, key, n, -1);
  if (k < 0) {
    mtm_header_map hm;
    const char *h[1] = {key};
    int rc = mtm_ingest_map_headers(vv->t, 1, h, fc->path, m->a, &hm, err);
    if (rc) return rc;
    if (vv->nk == vv->capk) {
      vv->capk = vv->capk ? vv->capk * 2 : 64;
      mtm_col *g = mtm_arena_alloc(m->a, sizeof *g * (size_t)vv->capk);
      if (vv->nk) memcpy(g, vv->kcols, sizeof *g * (size_t)vv->nk);
      vv->kcols = g;
    }
    vv->kcols[vv->nk] = hm.cols[0];
    k = vv->nk++;
    ing_map_put(&vv->keys, key, n, k);
  }
  *out = &vv->kcols[k];
  return 0;
}

/* Stores the repeats of a JSON submission or instance, depth first. */
static int json_groups(imp *m, fctx *fc, const loc *l, int v, int64_t sub, const mtm_json_rec *r,
                       int *posc, issue **issues, mtm_err *err) {
  const mtm_ingest_form *t = m->vers[v].t;
  for (int g = 0; g < r->ngroups; g++) {
    const mtm_json_group *gr = &r->groups[g];
    mtm_col *c;
    int rc = json_col(m, fc, v, gr->key, &c, err);
    if (rc) return rc;
    if (c->kind != MTM_COL_REPEAT) continue; /* kept as JSON text in the raw data */
    int rr = t->self_rep[c->q];
    for (int k = 0; k < gr->n; k++) {
      const mtm_json_rec *it = &gr->items[k];
      mtm_col **cols = mtm_arena_alloc(&m->row, sizeof *cols * (size_t)(it->n ? it->n : 1));
      for (int i = 0; i < it->n; i++)
        if ((rc = json_col(m, fc, v, it->keys[i], &cols[i], err))) return rc;
      if ((rc = instance(m, fc, l, v, sub, rr, ++posc[rr], it->n, it->keys, it->vals, cols,
                         issues, err)))
        return rc;
      if ((rc = json_groups(m, fc, l, v, sub, it, posc, issues, err))) return rc;
    }
  }
  return 0;
}

/* Lists the questions whose values differ between what is stored and what
 * was read, leaving out those whose stored value came from cleaning while
 * the file still has the value first imported. */
static int differences(imp *m, uent *e, int v, const recb *rb, mtm_buf *out, mtm_err *err) {
  mtm_submission s;
  if (ing_sink_drain(m->sink, err)) return MTM_ESTORE;
  if (mtm_store_submission_get(m->st, e->id, &m->row, &s, err)) return MTM_ESTORE;
  int sv;
  if (get_ver(m, mtm_slice_c(s.version), err, &sv, NULL)) return MTM_EINVAL;
  char **old;
  int nold = mtm_record_decode(s.data, s.data_n, &m->row, &old);
  if (nold < 0) nold = 0;
  const mtm_ingest_form *tn = m->vers[v].t, *ts = m->vers[sv].t;
  for (int i = 0; i < tn->nmain; i++) {
    const char *name = tn->f->q[tn->main_q[i]].name;
    int qs[8], sq = -1;
    const char *o = NULL;
    /* The question of that name outside repeats (a repeat may reuse it). */
    int nq = ing_form_find(ts, &ts->by_name, name, strlen(name), qs, 8);
    for (int j = 0; j < nq && j < 8 && sq != -2; j++)
      if (ts->rep[qs[j]] < 0) sq = sq == -1 ? qs[j] : -2;
    if (sq >= 0 && ts->pos[sq] >= 0 && ts->pos[sq] < nold) o = old[ts->pos[sq]];
    mtm_slice nv = rb->vals[i];
    int same = (!o && !nv.p) || (o && nv.p && strlen(o) == nv.n && !memcmp(o, nv.p, nv.n));
    if (same) continue;
    char *orig;
    int found;
    if (mtm_store_imported_value(m->st, e->id, name, &m->row, &orig, &found, err))
      return MTM_ESTORE;
    if (found && ((!orig && !nv.p) || (orig && nv.p && strlen(orig) == nv.n &&
                                         !memcmp(orig, nv.p, nv.n))))
      continue;
    if (out->n) mtm_buf_adds(out, ", ");
    mtm_buf_adds(out, name);
  }
  return 0;
}

/* Whether column i, another version's column for the question of column
 * c->alt, is read for this row: only when the row's version is not in the
 * workspace (unknown) or column c->alt is not the version's own group path
 * either, when column c->alt has no answer, when this one has, and when no
 * earlier such column gave the answer. */
static int alt_read(const mtm_header_map *hm, const mtm_col *c, const mtm_slice *cells,
                    int ncells, int i, int unknown, const recb *b) {
  if (!unknown && hm->cols[c->alt].exact) return 0;
  if (cell_at(cells, ncells, c->alt).p || !cell_at(cells, ncells, i).p) return 0;
  if (c->kind == MTM_COL_QUESTION && b->t->pos[c->q] >= 0 && b->vals[b->t->pos[c->q]].p) return 0;
  return 1;
}

/* The workbook sheet that holds the instances of repeat name (KoBo names
 * the sheet after the repeat, cut to 31 characters), or -1. */
static int repeat_sheet(const fctx *fc, const char *name) {
  size_t nl = strlen(name);
  for (int s = 1; s < fc->nsheets; s++) {
    size_t ln = strlen(fc->sheets[s]);
    if (!mtm_strcasecmp(fc->sheets[s], name) || (ln == 31 && nl > 31 && !strncmp(fc->sheets[s], name, 31)))
      return s;
  }
  return -1;
}

/* Strips the "uuid:" that instanceID and KEY carry. */
static mtm_slice strip_uuid(mtm_slice s) {
  if (s.n > 5 && !memcmp(s.p, "uuid:", 5)) s.p += 5, s.n -= 5;
  return s;
}

/* Remembers where the repeat rows of a main row go: its _index (workbook)
 * or its KEY (ODK Central's zip) -> submission sub (0: not stored by this
 * import, so neither are its repeat rows) read with version v. */
static void link_row(fctx *fc, sheet *sh, long rowno, const mtm_slice *cells, int ncells,
                     int64_t sub, int v) {
  if (fc->workbook && sh->c_index >= 0) {
    long long ix;
    mtm_slice xs = cell_at(cells, ncells, sh->c_index);
    if (xs.p && !mtm_parse_int(xs, &ix)) lmap_set(&sh->index, ix, sub, v);
  }
  if (fc->zip && sh->c_key >= 0) {
    mtm_slice ks = cell_at(cells, ncells, sh->c_key);
    if (ks.p) ing_keys_put(&fc->keys, ks, sub, v, rowno);
  }
}

/* Stores the wide repeat instances of a new submission's row (KoBoCAT's
 * "kids[2]/name" columns): each instance with a cell that is not missing
 * becomes a repeat row, at its [N] (nested ones numbered in order). */
static int wide_instances(imp *m, fctx *fc, const loc *l, const sheet *sh,
                          const mtm_header_map *hm, int v, int64_t sub, int ncells,
                          const mtm_slice *cells, issue **issues, mtm_err *err) {
  const mtm_ingest_form *t = m->vers[v].t;
  int *count = mtm_arena_zalloc(&m->row, sizeof(int) * (size_t)(t->nreps ? t->nreps : 1));
  /* An instance is there when a cell of it, or of one nested in it, is. */
  unsigned char *has = mtm_arena_zalloc(&m->row, (size_t)hm->nwide);
  for (int k = 0; k < hm->nwide; k++) {
    const mtm_wide *w = &hm->wide[k];
    for (int j = 0; j < w->n && !has[k]; j++)
      has[k] = w->cols[j] < ncells && !ing_cell_missing(cells[w->cols[j]], fc->flags);
  }
  for (int k = hm->nwide - 1; k >= 0; k--) /* enclosing instances sort first */
    if (has[k] && hm->wide[k].parent >= 0) has[hm->wide[k].parent] = 1;
  for (int k = 0; k < hm->nwide; k++) {
    const mtm_wide *w = &hm->wide[k];
    if (!has[k]) continue;
    int rr = t->self_rep[w->q];
    size_t nn = (size_t)(w->n ? w->n : 1);
    const char **keys = mtm_arena_alloc(&m->row, sizeof *keys * nn);
    mtm_slice *vals = mtm_arena_alloc(&m->row, sizeof *vals * nn);
    mtm_col **cols = mtm_arena_alloc(&m->row, sizeof *cols * nn);
    for (int j = 0; j < w->n; j++) {
      int c = w->cols[j];
      keys[j] = sh->headers[c];
      vals[j] = c < ncells ? cells[c] : (mtm_slice){NULL, 0};
      cols[j] = &hm->cols[c];
    }
    int rc = instance(m, fc, l, v, sub, rr, w->position ? w->position : ++count[rr], w->n, keys,
                      vals, cols, issues, err);
    if (rc) return rc;
  }
  return 0;
}

/* One submission: a main-sheet row, or a JSON submission (jr). */
static int main_row(imp *m, fctx *fc, sheet *sh, long rowno, int ncells, const mtm_slice *cells,
                    const mtm_json_rec *jr, mtm_err *err) {
  mtm_arena_reset(&m->row);
  mtm_import_file *file = fc->file;
  file->rows++;
  loc l = {sh->name, rowno};
  issue *issues = NULL;
  /* Who it is and which version. */
  mtm_slice uuid = {NULL, 0};
  if (m->o->id_from_row) {
    uuid = mtm_slice_c(mtm_arena_printf(&m->row, "%s#%ld", file->name, rowno));
  } else if (sh->c_id >= 0) {
    uuid = cell_at(cells, ncells, sh->c_id);
    if (!uuid.p) {
      set_where(err, fc, &l, sh->headers[sh->c_id], NULL);
      return mtm_err_set(err, MTM_EINVAL,
                         "this submission has no id in the column --id-column names (use "
                         "--id-from-row to number the rows instead)");
    }
  } else {
    uuid = cell_at(cells, ncells, sh->c_uuid);
    /* ODK Central's KEY stays the submission's first instanceID when it is
     * edited (meta-instanceID changes): an edit is then a change, not
     * another submission. */
    if (!uuid.p) uuid = strip_uuid(cell_at(cells, ncells, sh->c_key));
    if (!uuid.p) uuid = strip_uuid(cell_at(cells, ncells, sh->c_iid));
    if (!uuid.p) uuid = strip_uuid(cell_at(cells, ncells, sh->c_puuid));
  }
  if (!uuid.p) {
    set_where(err, fc, &l, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL,
                       "this submission has no uuid (_uuid, meta/instanceID, instanceID and KEY "
                       "are all empty): name the column of the submission ids with --id-column "
                       "COL, or number the rows with --id-from-row");
  }
  mtm_slice vkey = cell_at(cells, ncells, sh->c_ver);
  if (!vkey.p) vkey = cell_at(cells, ncells, sh->c_fver);
  int v, keyi;
  if (get_ver(m, vkey, err, &v, &keyi)) return MTM_EINVAL;
  mtm_header_map *hm;
  int rc = sheet_map(m, fc, sh, v, &hm, err);
  if (rc) return rc;
  const mtm_ingest_form *t = m->vers[v].t;
  /* A row of a version the workspace lacks (or that names none) may have
   * its answer in another version's column for a question (mtm_col.alt). */
  int unknown = keyi < 0 || m->vers[keyi].use != keyi;
  int by_name = 0;
  /* Type the cells. Repeat questions in the main sheet (an export flattened
   * to one instance per row) make that repeat's first instance. */
  recb rb;
  rb_init(&rb, t, -1, &m->row);
  recb *rbs = NULL;
  for (int i = 0; i < hm->n; i++) {
    const mtm_col *c = &hm->cols[i];
    if ((c->kind != MTM_COL_QUESTION && c->kind != MTM_COL_OPTION &&
         c->kind != MTM_COL_GEO_PART) ||
        c->wide)
      continue;
    mtm_slice cell = i < ncells ? cells[i] : (mtm_slice){NULL, 0};
    recb *b = &rb;
    int r = t->rep[c->q];
    if (r >= 0 && repeat_sheet(fc, t->reps[r].name) > 0) continue; /* its sheet has them */
    if (r >= 0) {
      if (!rbs) rbs = mtm_arena_zalloc(&m->row, sizeof *rbs * (size_t)t->nreps);
      if (!rbs[r].vals) rb_init(&rbs[r], t, r, &m->row);
      b = &rbs[r];
    }
    if (c->alt >= 0) {
      if (!alt_read(hm, c, cells, ncells, i, unknown, b)) continue;
      by_name = 1;
    }
    if ((rc = rb_cell(m, fc, &l, b, c, sh->headers[i], i, cell, &issues, err))) return rc;
  }
  if (by_name && keyi >= 0) m->vers[keyi].by_name_rows++;
  if ((rc = rb_finish(m, fc, &l, &rb, sh->headers, cells, ncells, &issues, err))) return rc;
  for (int r = 0; rbs && r < t->nreps; r++)
    if (rbs[r].vals && (rc = rb_finish(m, fc, &l, &rbs[r], sh->headers, cells, ncells, &issues, err)))
      return rc;
  rb_record(&rb, &m->data);
  uint64_t h = mtm_hash(m->data.p, m->data.n, 11);
  const char *stored_version = m->vers[v].f->version ? m->vers[v].f->version : "";
  /* Known already? */
  const char *u = cstr(&m->row, uuid);
  uent *e = uset_find(&m->uuids, uuid.p, uuid.n);
  issue *dup_issue = NULL;
  if (e && e->state & U_SEEN) {
    const char *first = m->rep->files[e->file].path;
    if (e->hash == h) {
      file->duplicates++;
      link_row(fc, sh, rowno, cells, ncells, 0, v);
      if (!e->id) return 0;
      char *msg = mtm_arena_printf(&m->row,
                                   "uuid '%s' is in %s, %s %ld, and again, identical, in %s, %s "
                                   "%ld; the copy was skipped",
                                   u, first, fc->json ? "submission" : "row", e->row, fc->path,
                                   fc->json ? "submission" : "row", rowno);
      return ing_sink_issue(m->sink, e->id, "_uuid", u, "duplicate", msg, err);
    }
    if (!m->o->keep_going) {
      set_where(err, fc, &l, NULL, NULL);
      return mtm_err_set(err, MTM_EINVAL,
                         "uuid '%s' was already read from %s, %s %ld, with different answers; "
                         "one import cannot hold two versions of a submission (remove one, or "
                         "use --keep-going to keep both)",
                         u, first, fc->json ? "submission" : "row", e->row);
    }
    e->dups++;
    char *nu = mtm_arena_printf(&m->row, "%s#%d", u, e->dups + 1);
    dup_issue = mtm_arena_alloc(&m->row, sizeof *dup_issue);
    dup_issue->question = "_uuid";
    dup_issue->value = u;
    dup_issue->rule = "duplicate";
    dup_issue->message = mtm_arena_printf(
        &m->row, "uuid '%s' is in %s, %s %ld, and again with different answers in %s, %s %ld; "
                 "this copy was stored as '%s'",
        u, first, fc->json ? "submission" : "row", e->row, fc->path,
        fc->json ? "submission" : "row", rowno, nu);
    warn(m, "%s", dup_issue->message);
    u = nu;
    e = uset_find(&m->uuids, u, strlen(u));
  }
  if (e && (e->state & U_STORED) && !(e->state & U_SEEN)) {
    e->state |= U_SEEN;
    e->file = fc->index;
    e->row = rowno;
    int same = e->hash == h && e->sver >= 0 && !strcmp(m->svers[e->sver], stored_version);
    mtm_buf diff;
    mtm_buf_init(&diff);
    if (!same && (rc = differences(m, e, v, &rb, &diff, err))) {
      mtm_buf_free(&diff);
      return rc;
    }
    if (diff.n) {
      if (file->nchanges < MAX_LISTED * 50) {
        if (!file->changes)
          file->changes = mtm_arena_alloc(m->a, sizeof *file->changes * MAX_LISTED * 50);
        file->changes[file->nchanges].uuid = mtm_arena_strdup(m->a, u);
        file->changes[file->nchanges++].questions = mtm_arena_strdup(m->a, diff.p);
      }
      file->changed++;
    } else {
      file->unchanged++;
    }
    mtm_buf_free(&diff);
    e->hash = h;
    link_row(fc, sh, rowno, cells, ncells, 0, v);
    return 0;
  }
  /* A new submission. Its raw cells, except that a cell the import kept
   * unchanged as the value of its question is stored as missing: the value
   * in data (or, once cleaned, the first old_value in the cleaning log) is
   * that cell, byte for byte (see ingest.h). This halves what is written. */
  mtm_buf_reset(&m->raw);
  for (int i = 0; i < sh->n; i++) {
    if (i >= ncells || (jr && hm->cols[i].kind == MTM_COL_REPEAT)) {
      ing_rec_add(&m->raw, NULL, 0);
      continue;
    }
    const mtm_col *c = &hm->cols[i];
    if (c->kind == MTM_COL_QUESTION && c->alt < 0 && t->rep[c->q] < 0 && t->pos[c->q] >= 0 &&
        t->smi[c->q] < 0) {
      mtm_slice tv = rb.vals[t->pos[c->q]];
      if (tv.p && tv.n == cells[i].n && memcmp(tv.p, cells[i].p, tv.n) == 0) {
        ing_rec_add(&m->raw, NULL, 0);
        continue;
      }
    }
    ing_rec_add(&m->raw, cells[i].p, cells[i].n);
  }
  mtm_slice sat = cell_at(cells, ncells, sh->c_sub);
  const char *submitted_at = NULL;
  if (sat.p) {
    int64_t secs;
    submitted_at = mtm_parse_datetime(sat, &secs) == 0 ? ing_format_datetime(secs, &m->row).p
                                                       : cstr(&m->row, sat);
  }
  int64_t id = m->next_id++;
  if (ing_sink_submission(m->sink, id, fc->import_id, rowno, u, stored_version, submitted_at,
                          &m->raw, &m->data, err))
    return MTM_ESTORE;
  file->added++;
  if (!e) e = uset_add(&m->uuids, u, strlen(u));
  e->state |= U_SEEN;
  e->id = id;
  e->hash = h;
  e->file = fc->index;
  e->row = rowno;
  if (dup_issue) dup_issue->next = issues, issues = dup_issue;
  if ((rc = write_issues(m, id, issues, err))) return rc;
  issues = NULL;
  link_row(fc, sh, rowno, cells, ncells, id, v);
  /* Repeat values that came in the main sheet. */
  for (int r = 0; rbs && r < t->nreps; r++) {
    if (!rbs[r].vals || !rbs[r].any) continue;
    rb_record(&rbs[r], &m->data);
    if (ing_sink_repeat(m->sink, id, t->reps[r].name, 1, NULL, &m->data, err)) return MTM_ESTORE;
    file->repeat_rows++;
  }
  if (hm->nwide) {
    if ((rc = wide_instances(m, fc, &l, sh, hm, v, id, ncells, cells, &issues, err))) return rc;
    if ((rc = write_issues(m, id, issues, err))) return rc;
  }
  if (jr && jr->ngroups) {
    int *posc = mtm_arena_zalloc(&m->row, sizeof(int) * (size_t)(t->nreps ? t->nreps : 1));
    if ((rc = json_groups(m, fc, &l, v, id, jr, posc, &issues, err))) return rc;
    if ((rc = write_issues(m, id, issues, err))) return rc;
  }
  return 0;
}

/* ---- files ------------------------------------------------------------------ */

/* The header row's JSON array and the mapping's JSON object. */
/* The map of column i in the first of the maps (latest version first) that
 * ties it to a question; NULL when none does. */
static const mtm_col *col_in_any(mtm_header_map *const *maps, int nmaps, int i) {
  for (int v = 0; v < nmaps; v++) {
    if (!maps[v] || i >= maps[v]->n) continue;
    const mtm_col *c = &maps[v]->cols[i];
    if (c->kind == MTM_COL_QUESTION || c->kind == MTM_COL_OPTION || c->kind == MTM_COL_REPEAT ||
        c->kind == MTM_COL_GEO_PART)
      return c;
  }
  return NULL;
}

static void describe_headers(imp *m, const sheet *sh, mtm_header_map *const *maps, int nmaps,
                             const char **hj, const char **mj) {
  mtm_buf b;
  mtm_buf_init(&b);
  mtm_buf_addc(&b, '[');
  for (int i = 0; i < sh->n; i++) {
    if (i) mtm_buf_addc(&b, ',');
    mtm_buf_add_json(&b, sh->headers[i]);
  }
  mtm_buf_addc(&b, ']');
  *hj = mtm_arena_strdup(m->a, b.p);
  mtm_buf_reset(&b);
  mtm_buf_addc(&b, '{');
  int first = 1;
  for (int i = 0; i < sh->n; i++) {
    const mtm_col *c = col_in_any(maps, nmaps, i);
    if (!c) continue;
    if (!first) mtm_buf_addc(&b, ',');
    first = 0;
    mtm_buf_add_json(&b, sh->headers[i]);
    mtm_buf_addc(&b, ':');
    mtm_buf_add_json(&b, c->target);
  }
  mtm_buf_addc(&b, '}');
  *mj = mtm_arena_strdup(m->a, b.p);
  mtm_buf_free(&b);
}

/* Opens the file's table (sheet NULL: the first) and reads its header row. */
static int open_sheet(imp *m, fctx *fc, const char *sheetname, mtm_table **tb, sheet *sh,
                      mtm_err *err) {
  if (fc->mem ? mtm_table_open_mem(tb, fc->mem, fc->memlen, MTM_TABLE_CSV, fc->path, NULL, err)
              : mtm_table_open(tb, fc->path, sheetname, err))
    return MTM_EINVAL;
  mtm_row row;
  int rc;
  do rc = mtm_table_next(*tb, &row, err);
  while (rc == 1 && row.n == 0);
  if (rc < 0) return rc;
  if (rc == 0) {
    mtm_err_where(err, fc->path, sheetname, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL, "the %s is empty: there is no header row",
                       sheetname ? "sheet" : "file");
  }
  const char **h = mtm_arena_alloc(m->a, sizeof *h * (size_t)row.n);
  int n = row.n;
  while (n > 0 && !row.cells[n - 1].n && mtm_table_format_of(*tb) != MTM_TABLE_CSV) n--;
  for (int i = 0; i < n; i++) h[i] = mtm_arena_strndup(m->a, row.cells[i].p, row.cells[i].n);
  sheet_init(sh, sheetname ? mtm_arena_strdup(m->a, sheetname) : NULL, n, h);
  return 0;
}

/* The check a CSV row's width gets: a different field count than the header
 * row usually means a second delimiter somewhere in the file. */
static int check_width(fctx *fc, mtm_table *tb, const sheet *sh, const mtm_row *row,
                       mtm_err *err) {
  if (mtm_table_format_of(tb) != MTM_TABLE_CSV || row->n == sh->n) return 0;
  /* ODK Central 0.x left out the last, empty Status of its rows. */
  if (fc->zip && row->n < sh->n) return 0;
  /* A delimiter at the end of every data row (KoBoCAT's older CSV export
   * writes one): the last field is empty and belongs to no column. */
  if (row->n == sh->n + 1 && row->cells[sh->n].n == 0) return 0;
  char d = mtm_table_delimiter(tb);
  const char *other = d == ';' ? "," : ";";
  int hint = 0;
  for (int i = 0; i < row->n && !hint; i++)
    if (memchr(row->cells[i].p, other[0], row->cells[i].n)) hint = 1;
  mtm_err_where(err, fc->path, NULL, row->row, NULL, NULL);
  char dn[8];
  snprintf(dn, sizeof dn, d == '\t' ? "a tab" : "'%c'", d);
  if (hint)
    return mtm_err_set(err, MTM_EINVAL,
                       "this row has %d field%s but the header row has %d, separated by %s; "
                       "this row seems to use '%s' instead: save the file with one delimiter",
                       row->n, row->n == 1 ? "" : "s", sh->n, dn, other);
  return mtm_err_set(err, MTM_EINVAL,
                     "this row has %d field%s but the header row has %d, separated by %s",
                     row->n, row->n == 1 ? "" : "s", sh->n, dn);
}

/* Reads the repeat sheets of a workbook, linked to their submissions by
 * _parent_index (and _parent_table_name for nested repeats). */
static int repeat_sheets(imp *m, fctx *fc, sheet *main_sh, mtm_err *err) {
  mtm_arena *a = m->a;
  char **names;
  int nsheets;
  if (mtm_table_sheets(fc->path, a, &names, &nsheets, err)) return MTM_EINVAL;
  if (nsheets < 2) return 0;
  const mtm_ingest_form *t0 = m->vers[0].t;
  /* Sheets in the order of the form's repeats, so that parents come first. */
  int *order = mtm_arena_alloc(a, sizeof(int) * (size_t)nsheets);
  int *rr_of = mtm_arena_alloc(a, sizeof(int) * (size_t)nsheets);
  int k = 0;
  for (int r = 0; r < t0->nreps; r++)
    for (int s = 1; s < nsheets; s++) {
      const char *nm = t0->reps[r].name;
      size_t ln = strlen(names[s]);
      /* KoBo cuts sheet names to 31 characters. */
      if (!mtm_strcasecmp(names[s], nm) ||
          (ln == 31 && strlen(nm) > 31 && !strncmp(names[s], nm, 31))) {
        order[k] = s;
        rr_of[k++] = r;
      }
    }
  for (int s = 1; s < nsheets; s++) {
    int used = 0;
    for (int j = 0; j < k; j++) used |= order[j] == s;
    if (!used)
      warn(m, "%s: sheet '%s' matches no repeat of form '%s' and was not imported", fc->path,
           names[s], m->o->form_id);
  }
  if (k && main_sh->c_index < 0) {
    mtm_err_where(err, fc->path, main_sh->name, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL,
                       "the main sheet has no _index column, so the rows of sheet '%s' cannot be "
                       "linked to their submissions",
                       names[order[0]]);
  }
  sheet *done = mtm_arena_zalloc(a, sizeof *done * (size_t)(k ? k : 1));
  int rc = 0;
  for (int j = 0; j < k && !rc; j++) {
    mtm_table *tb = NULL;
    sheet *sh = &done[j];
    if ((rc = open_sheet(m, fc, names[order[j]], &tb, sh, err))) {
      mtm_table_close(tb);
      break;
    }
    sh->repeat = t0->reps[rr_of[j]].name;
    mtm_header_map *hm0;
    if ((rc = sheet_map(m, fc, sh, 0, &hm0, err))) {
      mtm_table_close(tb);
      break;
    }
    sheet_system(sh, hm0);
    if (sh->c_pindex < 0) {
      mtm_table_close(tb);
      mtm_err_where(err, fc->path, sh->name, 0, NULL, NULL);
      rc = mtm_err_set(err, MTM_EINVAL,
                       "this sheet has no _parent_index column, so its rows cannot be linked to "
                       "their submissions");
      break;
    }
    mtm_row row;
    while ((rc = mtm_table_next(tb, &row, err)) == 1) {
      if (row.n == 0) continue;
      mtm_arena_reset(&m->row);
      loc l = {sh->name, row.row};
      long long pix;
      mtm_slice ps = cell_at(row.cells, row.n, sh->c_pindex);
      if (!ps.p || mtm_parse_int(ps, &pix)) {
        mtm_err_where(err, fc->path, sh->name, row.row, sh->headers[sh->c_pindex], NULL);
        rc = mtm_err_set(err, MTM_EINVAL, "'%.*s' is not a row number (_parent_index)",
                         (int)ps.n, ps.p ? ps.p : "");
        break;
      }
      /* The parent: the main sheet, or the repeat sheet _parent_table_name names. */
      sheet *parent = main_sh;
      mtm_slice pt = cell_at(row.cells, row.n, sh->c_ptable);
      for (int p = 0; p < j && pt.p; p++)
        if (pt.n == strlen(done[p].name) && !strncmp(pt.p, done[p].name, pt.n)) parent = &done[p];
      int64_t sub;
      int v;
      if (!lmap_get(&parent->index, pix, &sub, &v)) {
        mtm_err_where(err, fc->path, sh->name, row.row, sh->headers[sh->c_pindex], NULL);
        rc = mtm_err_set(err, MTM_EINVAL, "_parent_index %lld matches no row of sheet '%s'", pix,
                         parent->name ? parent->name : "main");
        break;
      }
      long long ix;
      mtm_slice xs = cell_at(row.cells, row.n, sh->c_index);
      if (!sub) { /* the submission was not stored by this import */
        if (xs.p && !mtm_parse_int(xs, &ix)) lmap_set(&sh->index, ix, 0, v);
        continue;
      }
      const mtm_ingest_form *t = m->vers[v].t;
      int rr = rep_named(t, sh->repeat);
      if (rr < 0) continue;
      mtm_header_map *hm;
      if ((rc = sheet_map(m, fc, sh, v, &hm, err))) break;
      int64_t npos = 0;
      lmap_get(&sh->pos, sub, &npos, NULL);
      lmap_set(&sh->pos, sub, ++npos, 0);
      int n = row.n < sh->n ? row.n : sh->n;
      mtm_col **cols = mtm_arena_alloc(&m->row, sizeof *cols * (size_t)(n ? n : 1));
      for (int i = 0; i < n; i++) cols[i] = &hm->cols[i];
      issue *issues = NULL;
      if ((rc = instance(m, fc, &l, v, sub, rr, (int)npos, n, sh->headers, row.cells, cols,
                         &issues, err)))
        break;
      if ((rc = write_issues(m, sub, issues, err))) break;
      if (xs.p && !mtm_parse_int(xs, &ix)) lmap_set(&sh->index, ix, sub, v);
    }
    mtm_table_close(tb);
  }
  for (int j = 0; j < k; j++) sheet_free(&done[j]);
  return rc < 0 ? rc : 0;
}

/* Reads member of the zip into fc->mem, named "ZIP/MEMBER" in messages. */
static int zip_member(imp *m, fctx *fc, const char *member, char **buf, mtm_err *err) {
  size_t n;
  int rc = ing_zip_read(fc->zip, member, buf, &n, err);
  if (rc) return rc;
  fc->mem = *buf;
  fc->memlen = n;
  fc->path = mtm_arena_printf(m->a, "%s/%s", fc->file->path, member);
  return 0;
}

/* The repeat (index in version 0's tables) a repeat CSV of the zip holds:
 * the one of its name; of two with one name (FORM-NAME~2.csv), the one whose
 * path the first row's KEY spells. -1: none. */
static int zip_repeat_of(imp *m, fctx *fc, int i, const sheet *sh, mtm_table *tb, mtm_row *first,
                         int *have_first, mtm_err *err) {
  const mtm_ingest_form *t0 = m->vers[0].t;
  const char *name = ing_zip_repeat_name(fc->zip, i);
  int found = -1, count = 0;
  for (int r = 0; r < t0->nreps; r++)
    if (!strcmp(t0->reps[r].name, name)) found = r, count++;
  if (count < 2) return found;
  int c_key = -1;
  for (int c = 0; c < sh->n; c++)
    if (!strcmp(sh->headers[c], "KEY")) c_key = c;
  *have_first = mtm_table_next(tb, first, err);
  if (*have_first < 0) return -2;
  const char *path;
  long ix;
  if (*have_first != 1 || c_key < 0 ||
      ing_odk_key(cell_at(first->cells, first->n, c_key), &m->row, &path, &ix))
    return -1;
  size_t pn = strlen(path);
  for (int r = 0; r < t0->nreps; r++) {
    size_t rn = strlen(t0->reps[r].path);
    if (!strcmp(t0->reps[r].name, name) && pn >= rn && !strcmp(path + pn - rn, t0->reps[r].path) &&
        (pn == rn || path[pn - rn - 1] == '/'))
      return r;
  }
  return -1;
}

/* Reads one repeat CSV of ODK Central's zip: each row is an instance of
 * repeat rr (of version 0) whose PARENT_KEY is the KEY of a submission in
 * the main CSV or of a row of an enclosing repeat's CSV (read before). Its
 * headers are paths inside the repeat ("name", "grp-q"): they are mapped
 * with the repeat's path before them. A top-level repeat's rows take the
 * [N] of their KEY as position; a nested repeat's are numbered in order
 * within the submission, as the workbook and JSON imports number them. */
static int zip_repeat_rows(imp *m, fctx *fc, sheet *sh, mtm_table *tb, int rr, mtm_row *first,
                           int have_first, mtm_err *err) {
  const mtm_ingest_form *t0 = m->vers[0].t;
  const char *repname = t0->reps[rr].name;
  /* The headers to map: the repeat's path, '-', the header. */
  const char **orig = sh->headers;
  const char **mapped = mtm_arena_alloc(m->a, sizeof *mapped * (size_t)(sh->n ? sh->n : 1));
  int c_pkey = -1;
  for (int c = 0; c < sh->n; c++) {
    if (!strcmp(orig[c], "PARENT_KEY")) c_pkey = c;
    mapped[c] = !strcmp(orig[c], "PARENT_KEY") || !strcmp(orig[c], "KEY")
                    ? orig[c]
                    : mtm_arena_printf(m->a, "%s-%s", t0->reps[rr].path, orig[c]);
    char *w = (char *)mapped[c];
    if (mapped[c] != orig[c])
      for (size_t k = 0; k < strlen(t0->reps[rr].path); k++)
        if (w[k] == '/') w[k] = '-';
  }
  sh->headers = mapped;
  sh->repeat = repname;
  mtm_header_map *hm0;
  int rc = sheet_map(m, fc, sh, 0, &hm0, err);
  if (rc) return rc;
  sheet_system(sh, hm0);
  if (c_pkey < 0 || sh->c_key < 0) {
    mtm_err_where(err, fc->path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL,
                       "this CSV has no %s column, so its rows cannot be linked to their "
                       "submissions",
                       c_pkey < 0 ? "PARENT_KEY" : "KEY");
  }
  int nested = t0->reps[rr].parent >= 0;
  mtm_row row;
  while (have_first == 1 || (rc = mtm_table_next(tb, &row, err)) == 1) {
    if (have_first == 1) row = *first, have_first = 0, rc = 1;
    if (row.n == 0) continue;
    if ((rc = check_width(fc, tb, sh, &row, err))) break;
    mtm_arena_reset(&m->row);
    loc l = {NULL, row.row};
    mtm_slice pk = cell_at(row.cells, row.n, c_pkey), ks = cell_at(row.cells, row.n, sh->c_key);
    int64_t sub;
    int v;
    if (!pk.p || !ing_keys_get(&fc->keys, pk, &sub, &v)) {
      mtm_err_where(err, fc->path, NULL, row.row, "PARENT_KEY", NULL);
      if (!pk.p)
        rc = mtm_err_set(err, MTM_EINVAL, "PARENT_KEY is empty: this row belongs to no submission");
      else if (nested)
        rc = mtm_err_set(err, MTM_EINVAL,
                         "PARENT_KEY '%.*s' is the KEY of no row of repeat '%s' (nor of a "
                         "submission in %s)",
                         (int)pk.n, pk.p, t0->reps[t0->reps[rr].parent].name,
                         ing_zip_main(fc->zip));
      else
        rc = mtm_err_set(err, MTM_EINVAL,
                         "PARENT_KEY '%.*s' is the KEY of no submission in %s", (int)pk.n, pk.p,
                         ing_zip_main(fc->zip));
      break;
    }
    const char *path;
    long ix;
    if (!ks.p || ing_odk_key(ks, &m->row, &path, &ix)) {
      mtm_err_where(err, fc->path, NULL, row.row, "KEY", NULL);
      rc = mtm_err_set(err, MTM_EINVAL,
                       "KEY '%.*s' does not end in the instance number, such as "
                       "'uuid:...%s[1]'",
                       (int)ks.n, ks.p ? ks.p : "", repname);
      break;
    }
    long before = ing_keys_put(&fc->keys, ks, sub, v, row.row);
    if (before) {
      mtm_err_where(err, fc->path, NULL, row.row, "KEY", NULL);
      rc = mtm_err_set(err, MTM_EINVAL, "KEY '%.*s' was read before, in row %ld", (int)ks.n,
                       ks.p, before);
      break;
    }
    if (!sub) continue; /* its submission was known already: so is this row */
    const mtm_ingest_form *t = m->vers[v].t;
    int r = rep_named(t, repname);
    if (r < 0) continue;
    mtm_header_map *hm;
    if ((rc = sheet_map(m, fc, sh, v, &hm, err))) break;
    int64_t npos = ix;
    if (nested) {
      npos = 0;
      lmap_get(&sh->pos, sub, &npos, NULL);
      lmap_set(&sh->pos, sub, ++npos, 0);
    }
    int n = row.n < sh->n ? row.n : sh->n;
    mtm_col **cols = mtm_arena_alloc(&m->row, sizeof *cols * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) cols[i] = &hm->cols[i];
    issue *issues = NULL;
    if ((rc = instance(m, fc, &l, v, sub, r, (int)npos, n, orig, row.cells, cols, &issues, err)))
      break;
    if ((rc = write_issues(m, sub, issues, err))) break;
  }
  sh->headers = orig;
  return rc < 0 ? rc : 0;
}

/* Reads the repeat CSVs of ODK Central's zip, enclosing repeats first. */
static int zip_repeats(imp *m, fctx *fc, const sheet *main_sh, mtm_err *err) {
  ing_zip *z = fc->zip;
  int nr = ing_zip_nrepeats(z);
  if (nr && main_sh->c_key < 0) {
    mtm_err_where(err, fc->path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EINVAL,
                       "this CSV has no KEY column, so the rows of %s cannot be linked to their "
                       "submissions",
                       ing_zip_repeat_member(z, 0));
  }
  /* Each member's repeat, then the members in the form's order of repeats. */
  int *rr = mtm_arena_alloc(m->a, sizeof *rr * (size_t)(nr ? nr : 1));
  int rc = 0;
  for (int i = 0; i < nr && !rc; i++) {
    const mtm_ingest_form *t0 = m->vers[0].t;
    int named = 0;
    for (int r = 0; r < t0->nreps; r++)
      if (!strcmp(t0->reps[r].name, ing_zip_repeat_name(z, i))) rr[i] = r, named++;
    if (named < 2) { /* the name tells: no need to read the rows */
      if (!named) rr[i] = -1;
      continue;
    }
    char *buf = NULL;
    mtm_table *tb = NULL;
    sheet sh;
    memset(&sh, 0, sizeof sh);
    mtm_row first;
    int have = 0;
    if (!(rc = zip_member(m, fc, ing_zip_repeat_member(z, i), &buf, err)) &&
        !(rc = open_sheet(m, fc, NULL, &tb, &sh, err))) {
      rr[i] = zip_repeat_of(m, fc, i, &sh, tb, &first, &have, err);
      if (rr[i] == -2) rc = MTM_EINVAL;
    }
    mtm_table_close(tb);
    sheet_free(&sh);
    free(buf);
  }
  for (int r = 0; r < m->vers[0].t->nreps && !rc; r++)
    for (int i = 0; i < nr && !rc; i++) {
      if (rr[i] != r) continue;
      char *buf = NULL;
      mtm_table *tb = NULL;
      sheet sh;
      memset(&sh, 0, sizeof sh);
      mtm_row first;
      int have = 0;
      if (!(rc = zip_member(m, fc, ing_zip_repeat_member(z, i), &buf, err)) &&
          !(rc = open_sheet(m, fc, NULL, &tb, &sh, err)) &&
          zip_repeat_of(m, fc, i, &sh, tb, &first, &have, err) == r)
        rc = zip_repeat_rows(m, fc, &sh, tb, r, &first, have, err);
      mtm_table_close(tb);
      sheet_free(&sh);
      free(buf);
    }
  for (int i = 0; i < nr && !rc; i++)
    if (rr[i] < 0)
      warn(m, "%s: %s matches no repeat of form '%s' and was not imported", fc->file->path,
           ing_zip_repeat_member(z, i), m->o->form_id);
  return rc;
}

/* Finds the column --id-column names in the main sheet: its header as
 * written (trimmed, a BOM and R's "X_" mangling aside), or else the one
 * column mapped to the question of that name. */
static int id_column(imp *m, fctx *fc, sheet *sh, mtm_err *err) {
  const char *want = m->o->id_column;
  for (int i = 0; i < sh->n && sh->c_id < 0; i++) {
    const char *h = sh->headers[i] ? sh->headers[i] : "";
    if (!strncmp(h, "\xEF\xBB\xBF", 3)) h += 3;
    mtm_slice t = mtm_slice_trim(mtm_slice_c(h));
    if (t.n == strlen(want) && !memcmp(t.p, want, t.n)) sh->c_id = i;
  }
  mtm_header_map *hm = sh->maps[0];
  for (int i = 0; i < sh->n && sh->c_id < 0 && hm; i++)
    if (hm->cols[i].kind == MTM_COL_QUESTION && !strcmp(hm->cols[i].target, want)) sh->c_id = i;
  if (sh->c_id >= 0) return 0;
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < sh->n && i < 8; i++)
    mtm_buf_printf(&b, "%s'%s'", i ? ", " : "", sh->headers[i] ? sh->headers[i] : "");
  if (sh->n > 8) mtm_buf_printf(&b, ", and %d more", sh->n - 8);
  mtm_err_where(err, fc->path, sh->name, 0, NULL, NULL);
  int rc = mtm_err_set(err, MTM_EINVAL, "there is no column '%s' (--id-column); the columns are %s",
                       want, b.p ? b.p : "none");
  mtm_buf_free(&b);
  return rc;
}

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

static int import_file(imp *m, fctx *fc, mtm_err *err) {
  mtm_import_file *file = fc->file;
  int rc;
  FILE *probe = fopen(fc->path, "rb");
  if (!probe) {
    mtm_err_where(err, fc->path, NULL, 0, NULL, NULL);
    return mtm_err_set(err, MTM_EIO, "cannot open the file: %s", strerror(errno));
  }
  fclose(probe);
  size_t pl = strlen(fc->path);
  fc->json = pl > 5 && !mtm_strcasecmp(fc->path + pl - 5, ".json");
  mtm_table *tb = NULL;
  mtm_json_export *js = NULL;
  sheet sh;
  mtm_table_format fmt = MTM_TABLE_CSV;
  char *zbuf = NULL; /* the main CSV of a zip */
  memset(&sh, 0, sizeof sh);
  if (fc->json) {
    if ((rc = mtm_ingest_json_open(fc->path, &js, err))) goto out;
    int n;
    const char *const *h;
    mtm_ingest_json_headers(js, &n, &h);
    sheet_init(&sh, NULL, n, (const char **)h);
    file->format = "json";
  } else {
    if (ing_zip_is(fc->path)) { /* ODK Central's .csv.zip */
      if ((rc = ing_zip_open(fc->path, &fc->zip, err))) goto out;
      ing_keys_init(&fc->keys);
      if ((rc = zip_member(m, fc, ing_zip_main(fc->zip), &zbuf, err))) goto out;
    }
    if ((rc = open_sheet(m, fc, NULL, &tb, &sh, err))) goto out;
    fmt = mtm_table_format_of(tb);
    file->format = fmt == MTM_TABLE_XLSX ? "xlsx" : fmt == MTM_TABLE_XLS ? "xls" : "csv";
    if (fc->zip) file->format = "csv.zip";
    if (fmt == MTM_TABLE_XLSX || fmt == MTM_TABLE_XLS) {
      char **names;
      int ns;
      if ((rc = mtm_table_sheets(fc->path, m->a, &names, &ns, err))) goto out;
      if (ns > 0) sh.name = names[0];
      fc->sheets = names;
      fc->nsheets = ns;
      fc->flags |= MTM_TYPE_EXCEL_SERIAL;
      fc->workbook = 1;
    }
  }
  mtm_header_map *hm;
  if ((rc = sheet_map(m, fc, &sh, 0, &hm, err))) goto out;
  sheet_system(&sh, hm);
  if (hm->r_export) fc->flags |= MTM_TYPE_R_NA;
  sh.c_id = -1;
  if (m->o->id_column && (rc = id_column(m, fc, &sh, err))) goto out;
  /* A workbook saved by R (REACH's cleaned data) names KoBo's _index
   * "index": the repeat sheets' _parent_index refers to it. */
  for (int i = 0; i < sh.n && fc->workbook && sh.c_index < 0; i++)
    if (hm->cols[i].kind == MTM_COL_RAW && !strcmp(sh.headers[i], "index")) sh.c_index = i;
  if (sh.c_uuid < 0 && sh.c_iid < 0 && sh.c_key < 0 && sh.c_puuid < 0 && sh.c_id < 0 &&
      !m->o->id_from_row) {
    mtm_err_where(err, fc->path, sh.name, 0, NULL, NULL);
    rc = mtm_err_set(err, MTM_EINVAL,
                     "no column identifies the submissions: expected _uuid, meta/instanceID, "
                     "instanceID, KEY or uuid; name the column that holds the submission ids "
                     "with --id-column COL, or number the rows with --id-from-row");
    goto out;
  }
  /* Repeat questions in the main sheet: an export flattened to one instance
   * per row (as R users often save one). */
  const mtm_ingest_form *t0 = m->vers[0].t;
  for (int r = 0; r < t0->nreps; r++) {
    int k = 0;
    for (int i = 0; i < hm->n; i++)
      if ((hm->cols[i].kind == MTM_COL_QUESTION || hm->cols[i].kind == MTM_COL_OPTION) &&
          t0->rep[hm->cols[i].q] == r && !hm->cols[i].wide)
        k++;
    int rs = k ? repeat_sheet(fc, t0->reps[r].name) : -1;
    if (k && rs > 0)
      warn(m, "%s: %d column%s of the main sheet belong%s to repeat '%s', whose instances are on "
              "sheet '%s'; %s kept in the raw data only",
           fc->path, k, k == 1 ? "" : "s", k == 1 ? "s" : "", t0->reps[r].name, fc->sheets[rs],
           k == 1 ? "it is" : "they are");
    else if (k)
      warn(m, "%s: %d column%s belong%s to repeat '%s'; each row's %s stored as the "
              "first instance of that repeat",
           fc->path, k, k == 1 ? "" : "s", k == 1 ? "s" : "", t0->reps[r].name,
           k == 1 ? "value is" : "values are");
  }
  /* Every stored version of the form maps the header, so that a column an
   * older version asks (rows of that version come in the same export) is
   * neither called unknown nor left out of the stored mapping. */
  if ((rc = load_all_versions(m, err))) goto out;
  for (int v = 1; v < m->nvers; v++)
    if (m->vers[v].t && (rc = sheet_map(m, fc, &sh, v, &hm, err))) goto out;
  sheet_map(m, fc, &sh, 0, &hm, err);
  int nunknown = 0;
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < sh.n; i++) {
    if (hm->cols[i].kind != MTM_COL_RAW || col_in_any(sh.maps, sh.nmaps, i) || i == sh.c_index)
      continue;
    if (nunknown < 10) mtm_buf_printf(&b, "%s%s", nunknown ? ", " : "", sh.headers[i]);
    nunknown++;
  }
  if (nunknown > 10) mtm_buf_printf(&b, ", and %d more", nunknown - 10);
  if (nunknown)
    warn(m, "%s: %d column%s match%s no question and %s kept only in the raw data: %s", fc->path,
         nunknown, nunknown == 1 ? "" : "s", nunknown == 1 ? "es" : "",
         nunknown == 1 ? "is" : "are", b.p);
  mtm_buf_free(&b);
  mtm_import_rec ir = {0};
  ir.form = m->form;
  ir.round = m->o->round;
  ir.file_name = file->name;
  ir.file_format = file->format;
  describe_headers(m, &sh, sh.maps, sh.nmaps, &ir.headers, &ir.mapping);
  ir.who = m->o->who;
  ir.id_source = m->o->id_from_row ? "row numbers"
                 : m->o->id_column ? mtm_arena_printf(m->a, "column '%s'", sh.headers[sh.c_id])
                                   : NULL;
  if ((rc = ing_sink_drain(m->sink, err))) goto out;
  if ((rc = mtm_store_import_add(m->st, &ir, &fc->import_id, err))) goto out;
  if (js) {
    mtm_json_rec jr;
    long k = 0;
    mtm_arena ja;
    mtm_arena_init(&ja);
    while ((rc = mtm_ingest_json_next(js, &ja, &jr, err)) == 1) {
      if ((rc = main_row(m, fc, &sh, ++k, jr.n, jr.vals, &jr, err))) break;
      mtm_arena_reset(&ja);
    }
    mtm_arena_free(&ja);
  } else {
    mtm_row row;
    while ((rc = mtm_table_next(tb, &row, err)) == 1) {
      if (row.n == 0) continue;
      if ((rc = check_width(fc, tb, &sh, &row, err))) break;
      if ((rc = main_row(m, fc, &sh, row.row, row.n, row.cells, NULL, err))) break;
    }
    if (rc == 0 && fmt != MTM_TABLE_CSV) {
      mtm_table_close(tb);
      tb = NULL;
      rc = repeat_sheets(m, fc, &sh, err);
    }
    if (rc == 0 && fc->zip) {
      mtm_table_close(tb);
      tb = NULL;
      rc = zip_repeats(m, fc, &sh, err);
    }
  }
out:
  mtm_table_close(tb);
  free(zbuf);
  if (fc->zip) {
    ing_zip_close(fc->zip);
    ing_keys_free(&fc->keys);
    fc->zip = NULL;
    fc->mem = NULL;
    fc->path = file->path;
  }
  mtm_ingest_json_close(js);
  sheet_free(&sh);
  return rc < 0 ? rc : 0;
}

/* Remembers a stored submission's uuid, version and data hash. */
static int preload_one(void *ctx, const mtm_submission *s, mtm_err *err) {
  imp *m = ctx;
  const char *v = s->version ? s->version : "";
  int k = -1;
  for (int i = m->nsvers - 1; i >= 0 && k < 0; i--)
    if (!strcmp(m->svers[i], v)) k = i;
  if (k < 0) {
    if (m->nsvers == m->capsvers) {
      m->capsvers = m->capsvers ? m->capsvers * 2 : 8;
      const char **g = mtm_arena_alloc(m->a, sizeof *g * (size_t)m->capsvers);
      if (m->nsvers) memcpy(g, m->svers, sizeof *g * (size_t)m->nsvers);
      m->svers = g;
    }
    m->svers[k = m->nsvers++] = mtm_arena_strdup(m->a, v);
  }
  size_t n = strlen(s->uuid);
  uent *e = uset_find(&m->uuids, s->uuid, n);
  if (!e) e = uset_add(&m->uuids, s->uuid, n);
  e->state = U_STORED;
  e->sver = k;
  e->id = s->id;
  e->hash = mtm_hash(s->data ? s->data : "", s->data_n, 11);
  return 0;
}

int mtm_ingest_import(mtm_store *st, const mtm_import_opts *o, mtm_arena *a,
                      mtm_import_report *rep, mtm_err *err) {
  memset(rep, 0, sizeof *rep);
  if (sodium_init() < 0) return mtm_err_set(err, MTM_EIO, "libsodium could not start");
  imp m;
  memset(&m, 0, sizeof m);
  m.st = st;
  m.o = o;
  m.a = a;
  m.rep = rep;
  uset_init(&m.uuids);
  mtm_arena_init(&m.row);
  mtm_buf_init(&m.raw);
  mtm_buf_init(&m.data);
  m.capvers = 8;
  m.vers = mtm_arena_zalloc(a, sizeof *m.vers * (size_t)m.capvers);
  mtm_import_opts oo = *o;
  if (!oo.who) oo.who = getenv("USER") && *getenv("USER") ? getenv("USER") : "unknown";
  m.o = &oo;
  /* A large import writes each page once and keeps more of the workspace
   * in memory (a small one gains little but loses nothing). */
  mtm_store_bulk_begin(st, getenv("XBULK") ? atoi(getenv("XBULK")) : 256);
  ing_sha *sha = NULL;
  mtm_frame_builder *fb = NULL;
  int rc = mtm_store_begin(st, err);
  if (rc) goto done;
  mtm_store_formref fr;
  if ((rc = mtm_store_form_find(st, o->form_id, a, &fr, err))) {
    if (rc == MTM_ENOTFOUND)
      mtm_err_set(err, MTM_ENOTFOUND,
                  "form '%s' is not in the workspace: add its XLSForm with 'mtm form add FILE'",
                  o->form_id);
    goto fail;
  }
  m.form = fr.id;
  /* The latest version is version 0. */
  ver *v0 = &m.vers[0];
  if ((rc = mtm_form_load(st, o->form_id, NULL, &v0->f, err))) goto fail;
  v0->t = mtm_ingest_form_new(v0->f);
  v0->key = v0->f->version ? v0->f->version : "";
  v0->use = 0;
  ing_map_init(&v0->keys, a, 64);
  m.nvers = 1;
  mtm_round r;
  mtm_err e;
  mtm_err_clear(&e);
  rc = mtm_store_round_get(st, o->round, a, &r, &e);
  if (rc == MTM_ENOTFOUND) {
    mtm_round nr = {0};
    nr.number = o->round;
    if ((rc = mtm_store_round_put(st, &nr, err))) goto fail;
    rep->round_created = 1;
  } else if (rc) {
    *err = e;
    goto fail;
  }
  if ((rc = mtm_store_submissions_each(st, m.form, o->round, 0, preload_one, &m, err))) goto fail;
  if ((rc = mtm_store_submission_next_id(st, &m.next_id, err))) goto fail;
  /* A large import into a smaller workspace builds the uuid indexes once at
   * the end rather than inserting into them row by row. The estimate of the
   * rows counts 200 bytes a row, which errs on the side of more. */
  long existing, est = 0;
  if ((rc = mtm_store_submission_total(st, &existing, err))) goto fail;
  for (int i = 0; i < o->nfiles; i++) {
    struct stat sb;
    if (stat(o->files[i], &sb) == 0) est += (long)(sb.st_size / 200);
  }
  est -= (long)m.uuids.n; /* the rows of this form and round are likely known */
  int rebuild = est >= 50000 && est >= existing;
  if (rebuild && (rc = mtm_store_submission_keys_drop(st, err))) goto fail;
  /* An import into a round without submissions of the form builds the
   * round's cached columns as it stores the rows (the writer thread decodes
   * each stored record), so that the first analysis reads them. */
  if (m.uuids.n == 0) {
    if ((rc = mtm_frame_builder_new(st, o->form_id, o->round, &fb, err))) goto fail;
    /* The columns take up to ~360 MB at 1,000,000 rows: a smaller page
     * cache keeps the peak under 1 GB (the writes are the same). */
    if (rebuild) mtm_store_frame_bulk_cache(st, 128);
  }
  m.sink = ing_sink_start(st, m.form, o->round, fb);
  rep->nfiles = o->nfiles;
  rep->files = mtm_arena_zalloc(a, sizeof *rep->files * (size_t)(o->nfiles ? o->nfiles : 1));
  int64_t *import_ids = mtm_arena_zalloc(a, sizeof(int64_t) * (size_t)(o->nfiles ? o->nfiles : 1));
  for (int i = 0; i < o->nfiles; i++) {
    mtm_import_file *f = &rep->files[i];
    f->path = o->files[i];
    f->name = base_name(o->files[i]);
    fctx fc = {0};
    fc.path = o->files[i];
    fc.file = f;
    fc.index = i;
    if ((rc = import_file(&m, &fc, err))) goto fail;
    import_ids[i] = fc.import_id;
    if (f->bad_cells > MAX_LISTED)
      warn(&m, "%s: %ld more cells could not be typed and were stored as missing", f->path,
           f->bad_cells - MAX_LISTED);
  }
  /* A warning per version the workspace lacks whose rows needed another
   * version's columns (read by question name). None when every column of
   * those rows is the latest version's own: a form downloaded from
   * KoboToolbox as XLS or JSON carries no version, or its own version
   * string, while its submissions name the deployment's version id; the
   * rows read the same. (Columns no version knows are warned about with
   * the file.) */
  for (int i = 1; i < m.nvers; i++) {
    ver *vi = &m.vers[i];
    if (vi->use == i || !vi->by_name_rows) continue;
    warn(&m, "%ld submission%s name%s version '%s' of form '%s', which the workspace does not "
             "have; %s read with version '%s', the latest, and %ld had answers only in "
             "another version's columns, read by question name (add that version with "
             "'mtm form add')",
         vi->unknown_rows, vi->unknown_rows == 1 ? "" : "s", vi->unknown_rows == 1 ? "s" : "",
         vi->key, o->form_id, vi->unknown_rows == 1 ? "it was" : "they were",
         m.vers[0].key[0] ? m.vers[0].key : "(none)", vi->by_name_rows);
  }
  /* The checksums are read now, beside the building of the key, which
   * leaves the other core idle. */
  sha = ing_sha_start(o->files, o->nfiles);
  if ((rc = ing_sink_drain(m.sink, err))) goto fail;
  ing_sink_stop(m.sink);
  m.sink = NULL;
  if (rebuild && (rc = mtm_store_submission_keys_build(st, err))) goto fail;
  if (fb && (rc = mtm_frame_builder_store(fb, st, err))) goto fail;
  mtm_frame_builder_free(fb);
  fb = NULL;
  {
    char **hex;
    rc = ing_sha_finish(sha, a, &hex, err);
    sha = NULL;
    if (rc) goto fail;
    for (int i = 0; i < o->nfiles; i++) {
      const mtm_import_file *f = &rep->files[i];
      if ((rc = mtm_store_import_finish(st, import_ids[i], hex[i], f->rows, f->added, f->changed,
                                        f->unchanged, err)))
        goto fail;
    }
  }
  if ((rc = mtm_store_commit(st, err))) goto done;
  goto done;
fail:
  ing_sha_finish(sha, a, NULL, NULL);
  ing_sink_stop(m.sink);
  m.sink = NULL;
  mtm_store_rollback(st);
done:
  mtm_frame_builder_free(fb);
  mtm_store_bulk_end(st);
  for (int i = 0; i < m.nvers; i++) {
    mtm_ingest_form_free(m.vers[i].t);
    mtm_form_free(m.vers[i].f);
  }
  uset_free(&m.uuids);
  mtm_arena_free(&m.row);
  mtm_buf_free(&m.raw);
  mtm_buf_free(&m.data);
  return rc < 0 ? rc : rc ? MTM_EINVAL : 0;
}
