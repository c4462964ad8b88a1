/* mtm_report_write: the command's engine. Loads the round (and the round
 * compared), evaluates the template into a document, runs the consistency
 * checks and, only when they pass, writes the HTML, the figures, the data
 * behind them and the PDF. */
#include "geo/geo.h"
#include "prose/prose.h"
#include "report/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Creates a directory if it is not there. */
static int mkdir1(const char *path, mtm_err *err) {
  if (mkdir(path, 0777) == 0 || errno == EEXIST) return 0;
  mtm_err_where(err, path, NULL, 0, NULL, NULL);
  return mtm_err_set(err, MTM_EIO, "cannot create the folder: %s", strerror(errno));
}

/* The survey form of the report: the one given, else the workspace's only
 * survey form. */
static int pick_form(rp_ctx *c, const char *given, const char **out) {
  mtm_form_version *v;
  int n;
  int rc = mtm_store_form_versions(c->st, NULL, c->a, &v, &n, c->err);
  if (rc) return rc;
  if (given) {
    for (int i = 0; i < n; i++)
      if (!strcmp(v[i].form_id, given)) {
        if (strcmp(v[i].kind, "survey"))
          return mtm_err_set(c->err, MTM_EINVAL,
                             "form '%s' is a %s form; a report is written from a survey form", given,
                             v[i].kind);
        *out = given;
        return 0;
      }
    return mtm_err_set(c->err, MTM_ENOTFOUND, "there is no form '%s' in the workspace", given);
  }
  const char *found = NULL;
  mtm_buf names;
  mtm_buf_init(&names);
  int count = 0;
  for (int i = 0; i < n; i++) {
    if (strcmp(v[i].kind, "survey") || (found && !strcmp(found, v[i].form_id))) continue;
    int dup = 0;
    for (int j = 0; j < i; j++)
      if (!strcmp(v[j].form_id, v[i].form_id)) dup = 1;
    if (dup) continue;
    if (count++) mtm_buf_adds(&names, ", ");
    mtm_buf_adds(&names, v[i].form_id);
    found = v[i].form_id;
  }
  if (count == 1) {
    mtm_buf_free(&names);
    *out = found;
    return 0;
  }
  rc = count ? mtm_err_set(c->err, MTM_EINVAL, "the workspace has %d survey forms (%s): say which with --form FORM_ID",
                           count, names.p)
             : mtm_err_set(c->err, MTM_ENOTFOUND, "the workspace has no survey form: add one with 'mtm form add --kind survey FILE'");
  mtm_buf_free(&names);
  return rc;
}

/* The cover's subtitle in the report's language: the country's name, the
 * round and the months of fieldwork ("Kazakhstan · Round 2 · March–April
 * 2023", "Казахстан · Раунд 2 · март–апрель 2023"). */
static const char *subtitle(rp_ctx *c) {
  mtm_buf b;
  mtm_buf_init(&b);
  if (c->country && *c->country) {
    const char *name = mtm_geo_country_name(c->country, c->lang_code);
    mtm_buf_printf(&b, "%s \xC2\xB7 ", name ? name : c->country);
  }
  mtm_prose_round(&b, c->lang, c->o->round, 1);
  int y1, m1, d1, y2, m2, d2;
  if (c->start_date && c->end_date && sscanf(c->start_date, "%d-%d-%d", &y1, &m1, &d1) == 3 &&
      sscanf(c->end_date, "%d-%d-%d", &y2, &m2, &d2) == 3) {
    mtm_buf_adds(&b, " \xC2\xB7 ");
    mtm_prose_period(&b, c->lang, y1, m1, y2, m2);
  }
  const char *s = mtm_arena_strdup(c->a, b.p ? b.p : "");
  mtm_buf_free(&b);
  return s;
}

/* The numbers behind a figure as CSV: one row per source. */
static void data_csv(const mtm_fig *f, mtm_buf *b) {
  const char *head[] = {"analysis_key", "question", "filter", "denominator", "shown", "value", "n", "n_total"};
  mtm_buf_add_csv_row(b, 8, head);
  for (int i = 0; i < f->nsources; i++) {
    const mtm_fig_source *s = &f->sources[i];
    if (!s->key) continue;
    char v[3][40];
    double x[3] = {s->value, s->n, s->n_total};
    for (int k = 0; k < 3; k++) {
      if (isfinite(x[k])) snprintf(v[k], sizeof v[k], "%.15g", x[k]);
      else v[k][0] = 0;
    }
    const char *row[] = {s->key, s->question, s->filter, s->denominator, s->shown, v[0], v[1], v[2]};
    mtm_buf_add_csv_row(b, 8, row);
  }
  if (f->kind == MTM_FIG_TABLE && f->nsources == 0) { /* the annex: its cells */
    mtm_buf_reset(b);
    for (int r = 0; r < f->nrows; r++) mtm_buf_add_csv_row(b, f->ncols, f->cells + r * f->ncols);
  }
}

/* Removes, from a folder of an earlier report, the figures and data files
 * that mtm report names (figure-*, map-*, table-*, annex-indicators.csv), so
 * that a figure the report no longer has does not linger beside the new
 * ones; any other file is left alone. */
static void remove_stale(const char *dir) {
  static const char *const pats[] = {"figure-*.svg", "map-*.svg", "figure-*.csv", "map-*.csv",
                                     "table-*.csv", "annex-indicators.csv"};
  DIR *d = opendir(dir);
  if (!d) return;
  char path[4096];
  for (struct dirent *e; (e = readdir(d));)
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
      if (fnmatch(pats[i], e->d_name, 0) == 0) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        remove(path);
        break;
      }
  closedir(d);
}

/* Writes the document's files under out_dir. */
static int write_files(rp_ctx *c, const mtm_report_doc *d, mtm_report_stats *stats) {
  const char *dir = c->o->out_dir;
  char path[4096];
  int rc = mkdir1(dir, c->err);
  snprintf(path, sizeof path, "%s/figures", dir);
  if (!rc) rc = mkdir1(path, c->err);
  snprintf(path, sizeof path, "%s/data", dir);
  if (!rc) rc = mkdir1(path, c->err);
  if (rc) return rc;
  snprintf(path, sizeof path, "%s/figures", dir);
  remove_stale(path);
  snprintf(path, sizeof path, "%s/data", dir);
  remove_stale(path);
  mtm_buf b;
  mtm_buf_init(&b);
  for (int i = 0; i < d->nfigs && !rc; i++) {
    const mtm_fig *f = &d->figs[i];
    if (f->file && f->svg) {
      mtm_buf_reset(&b);
      mtm_buf_add(&b, f->svg, f->svg_len);
      snprintf(path, sizeof path, "%s/%s", dir, f->file);
      rc = mtm_buf_write_file(&b, path, "the figure", c->err);
    }
    if (!rc && f->data_file) {
      mtm_buf_reset(&b);
      data_csv(f, &b);
      snprintf(path, sizeof path, "%s/%s", dir, f->data_file);
      rc = mtm_buf_write_file(&b, path, "the figure's data", c->err);
    }
  }
  if (!rc) {
    mtm_buf_reset(&b);
    rc = mtm_report_html(d, &b, c->err);
    snprintf(path, sizeof path, "%s/report.html", dir);
    if (!rc) rc = mtm_buf_write_file(&b, path, "the report", c->err);
  }
  mtm_buf_free(&b);
  if (!rc && !c->o->no_pdf) {
    snprintf(path, sizeof path, "%s/report.pdf", dir);
    rc = mtm_report_pdf(d, path, &stats->pages, c->err);
  }
  return rc;
}

/* Loads the round's frame; the compared round's when asked or when the
 * previous round has data. */
static int load_frames(rp_ctx *c) {
  mtm_frame_opts fo = {0};
  int rc = mtm_frame_load(c->st, c->form_id, c->o->round, &fo, &c->f, c->err);
  if (rc) return rc;
  if (c->f->nrows == 0)
    return mtm_err_set(c->err, MTM_EINVAL, "form '%s' has no submissions in round %d: import them first",
                       c->form_id, c->o->round);
  int m = c->o->compare;
  if (m == 0) m = c->o->round - 1;
  if (m <= 0 || c->o->compare < 0) return 0;
  mtm_err e;
  mtm_err_clear(&e);
  rc = mtm_frame_load(c->st, c->form_id, m, &fo, &c->fc, c->o->compare > 0 ? c->err : &e);
  if (rc) {
    c->fc = NULL;
    return c->o->compare > 0 ? rc : 0;
  }
  if (c->fc->nrows == 0) {
    mtm_frame_free(c->fc);
    c->fc = NULL;
    if (c->o->compare > 0)
      return mtm_err_set(c->err, MTM_EINVAL, "form '%s' has no submissions in round %d to compare with",
                         c->form_id, m);
    return 0;
  }
  c->compare = m;
  return 0;
}

/* The text the user gave for subject and key in the report's language
 * (init --operation-ru, round add --name-ru, criteria add --label-ru), else
 * dflt, the text of the command's own option. */
const char *rp_user_text(rp_ctx *c, const char *subject, const char *key, const char *dflt) {
  char *t = NULL;
  if (mtm_store_text_get(c->st, subject, key, c->lang_code, c->a, &t, c->err)) {
    mtm_err_clear(c->err);
    return dflt;
  }
  return t ? t : dflt;
}

/* Round, operation and currency details (missing ones are left empty);
 * the operation's and the round's names in the report's language. */
static int load_details(rp_ctx *c) {
  mtm_operation op;
  mtm_round r;
  int rc = mtm_store_operation_get(c->st, c->a, &op, c->err);
  if (rc == 0) {
    c->currency = op.currency && *op.currency ? op.currency : NULL;
    c->operation = rp_user_text(c, "operation", "", op.name);
    c->country = op.country;
  } else if (rc != MTM_ENOTFOUND) {
    return rc;
  }
  mtm_err_clear(c->err);
  rc = mtm_store_round_get(c->st, c->o->round, c->a, &r, c->err);
  if (rc == 0) {
    c->rate = r.usd_rate;
    char key[16];
    snprintf(key, sizeof key, "%d", c->o->round);
    c->round_name = rp_user_text(c, "round", key, r.name);
    c->start_date = r.start_date;
    c->end_date = r.end_date;
    c->sampling = r.sampling;
    c->rate_source = r.usd_rate_source;
  } else if (rc != MTM_ENOTFOUND) {
    return rc;
  }
  mtm_err_clear(c->err);
  return 0;
}

/* Who counts in the round and the compared round (rp_ctx.elig,
 * elig_then), and the consent and screening questions of the form. */
static int load_eligibility(rp_ctx *c) {
  int rc = mtm_analysis_eligible(c->st, c->f, c->a, &c->elig, c->err);
  if (!rc && c->fc) rc = mtm_analysis_eligible(c->st, c->fc, c->a, &c->elig_then, c->err);
  if (rc) return rc;
  c->consent_q = c->elig.consent_q;
  c->nscreen = c->elig.nscreen;
  c->screen_q = c->elig.screen_q;
  if (c->elig.nrules && !c->elig.neligible)
    return mtm_err_set(c->err, MTM_EINVAL,
                       "none of the %ld records of form '%s' in round %d is eligible (consent "
                       "given and the inclusion criteria met): see 'mtm criteria list'",
                       c->elig.nrows, c->form_id, c->o->round);
  return 0;
}

int rp_in(rp_ctx *c, const mtm_frame *f, long r) {
  if (!f || r < 0) return 1;
  if (f->parent) return rp_in(c, f->parent, f->parent_row[r]);
  if (f == c->f) return !c->elig.eligible || c->elig.eligible[r];
  if (f == c->fc) return !c->elig_then.eligible || c->elig_then.eligible[r];
  return 1;
}

const uint8_t *rp_domain(rp_ctx *c, const mtm_frame *f) {
  const mtm_frame *top = f && f->parent ? f->parent : f;
  const uint8_t *d = top == c->f ? c->elig.eligible : top == c->fc ? c->elig_then.eligible : NULL;
  if (!d || top == f) return d;
  uint8_t *m = mtm_arena_alloc(c->a, (size_t)(f->nrows ? f->nrows : 1));
  for (long r = 0; r < f->nrows; r++) m[r] = d[f->parent_row[r]];
  return m;
}

long rp_neligible(rp_ctx *c) { return c->elig.nrules ? c->elig.neligible : c->f->nrows; }

int mtm_report_write(mtm_store *st, const mtm_report_opts *o, mtm_report_stats *stats,
                     mtm_err *err) {
  /* Evaluate, check, write; nothing written when a check fails. */
  memset(stats, 0, sizeof *stats);
  const char *lang = o->lang ? o->lang : "en";
  int pl = mtm_prose_lang_parse(lang);
  if (pl < 0) return mtm_err_set(err, MTM_EINVAL, "the report's language is en or ru, not '%s'", lang);
  mtm_arena a;
  mtm_arena_init(&a);
  rp_ctx c;
  memset(&c, 0, sizeof c);
  c.st = st;
  c.a = &a;
  c.err = err;
  c.o = o;
  c.lang = pl;
  c.lang_code = pl == MTM_PROSE_RU ? "ru" : "en";
  c.annex_fig = -1;
  mtm_report_doc doc;
  memset(&doc, 0, sizeof doc);
  mtm_buf tmpl;
  mtm_buf_init(&tmpl);
  const char *text = NULL, *name;
  int rc = pick_form(&c, o->form_id, &c.form_id);
  if (!rc) rc = load_details(&c);
  if (!rc) rc = load_frames(&c);
  if (!rc) rc = load_eligibility(&c);
  if (!rc) rc = rp_text_dir(&c);
  if (!rc) {
    c.spec.lang = mtm_form_lang(c.f->form, c.lang_code);
    if (o->template_path) {
      rc = mtm_buf_read_file(&tmpl, o->template_path, err);
      text = tmpl.p ? tmpl.p : "";
      name = o->template_path;
    } else {
      text = mtm_report_builtin_template(c.lang_code);
      name = mtm_arena_printf(&a, "built-in template (%s)", c.lang_code);
    }
  }
  if (!rc) {
    doc.lang = c.lang_code;
    doc.title = mtm_arena_printf(&a, "%s%s%s", rp_text(&c, "mtm_title"),
                                 c.operation ? ": " : "", c.operation ? c.operation : "");
    doc.subtitle = subtitle(&c);
    doc.footer = doc.title;
    doc.author = c.operation ? mtm_arena_printf(&a, "%s, %s", rp_text(&c, "iom"), c.operation)
                             : rp_text(&c, "iom");
    rc = rp_cover(&c, &doc);
  }
  if (!rc) {
    rc = rp_template_eval(&c, name, text, &doc);
  }
  if (!rc) {
    mtm_buf fails;
    mtm_buf_init(&fails);
    int nf = mtm_report_check(&doc, &fails, &stats->checks);
    if (nf) {
      stats->failures = nf;
      mtm_err_clear(err);
      /* the lines that fit in a message, then how many more */
      size_t cut = 0;
      int shown = 0;
      for (const char *p = fails.p; *p && cut < 800;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (cut + len > 800 && shown) break;
        cut += len;
        shown++;
        p += len;
      }
      rc = mtm_err_set(err, MTM_EINVAL,
                       "the report's consistency checks failed %d time%s; nothing was written:\n%.*s%s",
                       nf, nf == 1 ? "" : "s", (int)(cut && fails.p[cut - 1] == '\n' ? cut - 1 : cut),
                       fails.p, shown < nf ? "\n  (and more)" : "");
    }
    mtm_buf_free(&fails);
  }
  if (!rc) rc = write_files(&c, &doc, stats);
  if (!rc) {
    mtm_strmap keys;
    mtm_strmap_init(&keys, &a, 256);
    for (int i = 0; i < doc.nfigs; i++) {
      const mtm_fig *f = &doc.figs[i];
      if (f->kind == MTM_FIG_CHART || f->kind == MTM_FIG_MAP) stats->charts++;
      else if (f->kind != MTM_FIG_TABLE || f->nsources) stats->figures += f->nsources ? f->nsources : 0;
      if (f->kind == MTM_FIG_TABLE) stats->figures += 0;
      for (int k = 0; k < f->nsources; k++)
        if (f->sources[k].key && mtm_strmap_get(&keys, f->sources[k].key) < 0)
          mtm_strmap_put(&keys, f->sources[k].key, 1), stats->indicators++;
    }
  }
  mtm_report_doc_free(&doc);
  mtm_buf_free(&tmpl);
  if (c.f) mtm_frame_free(c.f);
  rp_repeats_free(&c);
  if (c.fc) mtm_frame_free(c.fc);
  mtm_arena_free(&a);
  return rc;
}
