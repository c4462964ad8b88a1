/* The workspace file: opening, schema migrations, transactions, the
 * operation and its rounds. */
#define MTM_STORE_INTERNAL
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STMT_CACHE 256

struct mtm_store {
  sqlite3 *db;
  char *path;
  int depth; /* transaction nesting */
  /* The form and round whose cached frame columns the current transaction
   * already dropped on insert (frame_form 0: none). */
  int64_t frame_form;
  int frame_round;
  struct {
    const char *sql;
    sqlite3_stmt *stmt;
  } cache[STMT_CACHE];
};

/*
 * Forward migrations. Entry i takes the schema from version i to i+1.
 * Never edit a released entry: append a new one.
 */
static const char *const migrations[] = {
    /* 0 -> 1: the first schema. */
    "CREATE TABLE operation("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  name TEXT NOT NULL, country TEXT, currency TEXT, languages TEXT,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE rounds("
    "  number INTEGER PRIMARY KEY, name TEXT, start_date TEXT, end_date TEXT,"
    "  usd_rate REAL);"
    /* Gazetteer. An area is a P-code with a level, a parent and a validity
     * interval; names carry a language, aliases are names too. */
    "CREATE TABLE areas("
    "  id INTEGER PRIMARY KEY, pcode TEXT NOT NULL UNIQUE,"
    "  level INTEGER NOT NULL, parent TEXT,"
    "  valid_from TEXT, valid_to TEXT, source TEXT);"
    "CREATE INDEX areas_level ON areas(level);"
    "CREATE TABLE area_names("
    "  area INTEGER NOT NULL REFERENCES areas(id) ON DELETE CASCADE,"
    "  lang TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL,"
    "  is_alias INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(area, lang, name));"
    "CREATE INDEX area_names_key ON area_names(key);"
    "CREATE TABLE area_successors("
    "  pcode TEXT NOT NULL, successor TEXT NOT NULL, note TEXT,"
    "  PRIMARY KEY(pcode, successor));"
    "CREATE TABLE area_shapes("
    "  area INTEGER PRIMARY KEY REFERENCES areas(id) ON DELETE CASCADE,"
    "  geojson TEXT NOT NULL);"
    /* Forms and their versions; the source file is kept byte for byte. */
    "CREATE TABLE forms("
    "  id INTEGER PRIMARY KEY, form_id TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL DEFAULT 'survey', title TEXT, settings TEXT);"
    "CREATE TABLE form_versions("
    "  id INTEGER PRIMARY KEY, form INTEGER NOT NULL REFERENCES forms(id),"
    "  version TEXT NOT NULL, file_name TEXT, file_format TEXT,"
    "  source BLOB NOT NULL, sha256 TEXT, fields TEXT NOT NULL,"
    "  added_at TEXT NOT NULL, UNIQUE(form, version));"
    /* Imports and submissions. raw = the row's cells in file order (headers
     * in imports.headers), except that a cell whose question's typed value is
     * the same bytes is stored as missing (the value stands for it; after
     * cleaning, the first old_value of the log does); data = typed values in
     * the order of the form version's fields (form_versions.fields). Both
     * are mtm_record blobs. */
    "CREATE TABLE imports("
    "  id INTEGER PRIMARY KEY, form INTEGER NOT NULL REFERENCES forms(id),"
    "  round INTEGER NOT NULL, file_name TEXT NOT NULL, file_format TEXT,"
    "  sha256 TEXT, headers TEXT NOT NULL, mapping TEXT,"
    "  rows_read INTEGER, added INTEGER, changed INTEGER, unchanged INTEGER,"
    "  at TEXT NOT NULL, who TEXT);"
    "CREATE TABLE submissions("
    "  id INTEGER PRIMARY KEY, form INTEGER NOT NULL REFERENCES forms(id),"
    "  round INTEGER NOT NULL, uuid TEXT NOT NULL, version TEXT,"
    "  import INTEGER REFERENCES imports(id), row INTEGER,"
    "  submitted_at TEXT, removed INTEGER NOT NULL DEFAULT 0,"
    "  raw BLOB NOT NULL, data BLOB NOT NULL,"
    "  UNIQUE(form, round, uuid));"
    "CREATE TABLE repeat_rows("
    "  id INTEGER PRIMARY KEY,"
    "  submission INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,"
    "  repeat TEXT NOT NULL, position INTEGER NOT NULL,"
    "  raw BLOB, data BLOB NOT NULL);"
    "CREATE INDEX repeat_rows_sub ON repeat_rows(submission);"
    /* Cells that could not be typed under --keep-going: stored as missing,
     * reported by check. */
    "CREATE TABLE cell_issues("
    "  submission INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,"
    "  question TEXT NOT NULL, value TEXT, rule TEXT NOT NULL,"
    "  message TEXT NOT NULL);"
    "CREATE INDEX cell_issues_sub ON cell_issues(submission);"
    /* Every change to collected data: who, when, why. */
    "CREATE TABLE clean_log("
    "  id INTEGER PRIMARY KEY,"
    "  submission INTEGER REFERENCES submissions(id),"
    "  form INTEGER REFERENCES forms(id), round INTEGER, uuid TEXT NOT NULL,"
    "  question TEXT, old_value TEXT, new_value TEXT,"
    "  action TEXT NOT NULL, issue TEXT, reason TEXT, who TEXT,"
    "  at TEXT NOT NULL, source TEXT);"
    "CREATE INDEX clean_log_sub ON clean_log(submission);"
    /* Inclusion criteria an operation declares for a form (check). */
    "CREATE TABLE inclusion_rules("
    "  id INTEGER PRIMARY KEY, form INTEGER REFERENCES forms(id),"
    "  expr TEXT NOT NULL, label TEXT);",
    /* 1 -> 2 (check/clean): the REACH cleaning-log columns that mtm keeps
     * when a log brings them, and submissions found by uuid alone (a
     * cleaning log names uuids, not forms or rounds). */
    "ALTER TABLE clean_log ADD COLUMN reported TEXT;"
    "ALTER TABLE clean_log ADD COLUMN enumerator TEXT;"
    "ALTER TABLE clean_log ADD COLUMN comment TEXT;"
    "ALTER TABLE clean_log ADD COLUMN response TEXT;"
    "CREATE INDEX submissions_uuid ON submissions(uuid);",
    /* 2 -> 3 (ingest): a submission's key becomes a named index instead of
     * a table constraint, so that a large import can drop it and build it
     * again at the end (sorting once instead of a million random inserts).
     * Its columns lead with uuid, so it also finds submissions by uuid alone
     * (what submissions_uuid did); (form, round) gets an index of its own,
     * which an import appends to in order. The table is rebuilt as SQLite's
     * documented procedure says, with foreign keys off (see migrate). */
    "CREATE TABLE submissions_new("
    "  id INTEGER PRIMARY KEY, form INTEGER NOT NULL REFERENCES forms(id),"
    "  round INTEGER NOT NULL, uuid TEXT NOT NULL, version TEXT,"
    "  import INTEGER REFERENCES imports(id), row INTEGER,"
    "  submitted_at TEXT, removed INTEGER NOT NULL DEFAULT 0,"
    "  raw BLOB NOT NULL, data BLOB NOT NULL);"
    "INSERT INTO submissions_new(id, form, round, uuid, version, import, row, submitted_at,"
    "  removed, raw, data) SELECT id, form, round, uuid, version, import, row, submitted_at,"
    "  removed, raw, data FROM submissions;"
    "DROP TABLE submissions;"
    "ALTER TABLE submissions_new RENAME TO submissions;"
    "CREATE UNIQUE INDEX submissions_key ON submissions(uuid, form, round);"
    "CREATE INDEX submissions_form_round ON submissions(form, round);",
    /* 3 -> 4: an imported file's checksum is BLAKE2b-256 (four times faster
     * than SHA-256 on a 500 MB export), so the column says checksum. */
    "ALTER TABLE imports RENAME COLUMN sha256 TO checksum;",
    /* 4 -> 5 (bma): the mapping of a baseline form's questions to figures
     * (population, period, origin, sex), its location question, and the
     * phone verifications of consolidated figures. Verifications are
     * append-only: the triggers refuse any change or deletion. */
    "CREATE TABLE bma_mappings("
    "  form INTEGER NOT NULL REFERENCES forms(id), position INTEGER NOT NULL,"
    "  field TEXT NOT NULL, population TEXT NOT NULL, period TEXT NOT NULL,"
    "  origin TEXT NOT NULL DEFAULT '', sex TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY(form, position));"
    "CREATE TABLE bma_settings("
    "  form INTEGER PRIMARY KEY REFERENCES forms(id),"
    "  mapping_file TEXT, mapping_at TEXT, location TEXT);"
    "CREATE TABLE bma_verifications("
    "  id INTEGER PRIMARY KEY, form INTEGER NOT NULL REFERENCES forms(id),"
    "  round INTEGER NOT NULL, pcode TEXT NOT NULL, field TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('verified', 'updated', 'unreachable')),"
    "  old_value REAL, new_value REAL, who TEXT NOT NULL, note TEXT,"
    "  at TEXT NOT NULL, source TEXT);"
    "CREATE INDEX bma_verifications_key ON bma_verifications(form, round, pcode, field);"
    "CREATE TRIGGER bma_verifications_no_update BEFORE UPDATE ON bma_verifications"
    "  BEGIN SELECT RAISE(ABORT, 'phone verifications are never changed'); END;"
    "CREATE TRIGGER bma_verifications_no_delete BEFORE DELETE ON bma_verifications"
    "  BEGIN SELECT RAISE(ABORT, 'phone verifications are never deleted'); END;",
    /* 5 -> 6 (sample): sample plans, kept so that survey weights can be
     * derived from the baseline they were drawn from. A plan names its
     * round, population, period and level and holds its parameters; per
     * stratum the baseline figure N_h (NULL: not assessed), the sample n_h
     * (NULL: not assessed) and pi_h = n_h / N_h (NULL when undefined). */
    "CREATE TABLE sample_plans("
    "  id INTEGER PRIMARY KEY, round INTEGER NOT NULL, form_id TEXT,"
    "  population TEXT NOT NULL, period TEXT NOT NULL, level INTEGER NOT NULL,"
    "  confidence REAL NOT NULL, z REAL NOT NULL, margin REAL NOT NULL,"
    "  proportion REAL NOT NULL, deff REAL NOT NULL, allocation TEXT NOT NULL,"
    "  per_stratum INTEGER NOT NULL, min_per_stratum INTEGER NOT NULL,"
    "  figure_total REAL NOT NULL, n0 REAL NOT NULL, required INTEGER NOT NULL,"
    "  total INTEGER NOT NULL, created_at TEXT NOT NULL);"
    "CREATE INDEX sample_plans_round ON sample_plans(round, population);"
    "CREATE TABLE sample_strata("
    "  plan INTEGER NOT NULL REFERENCES sample_plans(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL, pcode TEXT NOT NULL, name TEXT, level INTEGER NOT NULL,"
    "  figure REAL, proportion REAL, sample INTEGER, pi REAL,"
    "  PRIMARY KEY(plan, position));",
    /* 6 -> 7 (frame): encoded columns of a form's clean data per round
     * (question "" holds the row ids and uuids), valid for the form
     * versions named in version_set. Any change to a submission's clean
     * data, removal or deletion drops the cached columns of its form and
     * round; inserts drop them from mtm_store_submission_add (once per
     * transaction and form and round, which a trigger could not do cheaply). */
    "CREATE TABLE frame_cache("
    "  id INTEGER PRIMARY KEY, form INTEGER NOT NULL, round INTEGER NOT NULL,"
    "  question TEXT NOT NULL, version_set TEXT NOT NULL, nrows INTEGER NOT NULL,"
    "  blob BLOB NOT NULL, UNIQUE(form, round, question));"
    "CREATE TRIGGER frame_cache_update AFTER UPDATE OF data, removed, form, round ON submissions"
    "  BEGIN DELETE FROM frame_cache WHERE form = OLD.form AND round = OLD.round;"
    "  DELETE FROM frame_cache WHERE form = NEW.form AND round = NEW.round; END;"
    "CREATE TRIGGER frame_cache_delete AFTER DELETE ON submissions"
    "  BEGIN DELETE FROM frame_cache WHERE form = OLD.form AND round = OLD.round; END;",
    /* 7 -> 8 (frame): a change, removal or deletion of a submission no
     * longer drops the cached columns of its form and round: it records the
     * submission in frame_dirty (only while columns are cached), and a load
     * patches the cached columns with those rows (src/frame). Rebuilding or
     * dropping the columns forgets the round's dirty rows. */
    "DROP TRIGGER frame_cache_update;"
    "DROP TRIGGER frame_cache_delete;"
    "CREATE TABLE frame_dirty("
    "  form INTEGER NOT NULL, round INTEGER NOT NULL, submission INTEGER NOT NULL,"
    "  PRIMARY KEY(form, round, submission)) WITHOUT ROWID;"
    "CREATE TRIGGER frame_dirty_update AFTER UPDATE OF data, removed, form, round ON submissions"
    "  BEGIN"
    "  INSERT OR IGNORE INTO frame_dirty SELECT OLD.form, OLD.round, OLD.id"
    "    WHERE EXISTS (SELECT 1 FROM frame_cache WHERE form = OLD.form AND round = OLD.round);"
    "  INSERT OR IGNORE INTO frame_dirty SELECT NEW.form, NEW.round, NEW.id"
    "    WHERE EXISTS (SELECT 1 FROM frame_cache WHERE form = NEW.form AND round = NEW.round);"
    "  END;"
    "CREATE TRIGGER frame_dirty_delete AFTER DELETE ON submissions"
    "  BEGIN"
    "  INSERT OR IGNORE INTO frame_dirty SELECT OLD.form, OLD.round, OLD.id"
    "    WHERE EXISTS (SELECT 1 FROM frame_cache WHERE form = OLD.form AND round = OLD.round);"
    "  END;",
    /* 8 -> 9 (ingest): where an import took its submission ids from when
     * the user said so: "column 'X'" (--id-column) or "row numbers"
     * (--id-from-row); NULL: the export's own _uuid / instanceID / KEY. */
    "ALTER TABLE imports ADD COLUMN id_source TEXT;",
    /* 9 -> 10 (clean): a change to an answer inside a repeat names its
     * instance: the repeat row's position (1-based, per submission and
     * repeat, as repeat_rows.position); NULL for answers outside repeats. */
    "ALTER TABLE clean_log ADD COLUMN instance INTEGER;",
    /* 10 -> 11 (report): how a round's respondents were sampled, as the
     * operation records it (mtm round add N --sampling M); NULL: not
     * recorded, and the report's methodology says nothing of it. */
    "ALTER TABLE rounds ADD COLUMN sampling TEXT"
    "  CHECK (sampling IN ('snowball', 'quota', 'probability', 'census'));",
    /* 11 -> 12 (form): a form version added with 'form add --lenient' is read
     * leniently again, and the files its include rows pulled in are kept
     * with it, so that it reads from the workspace alone. */
    "ALTER TABLE form_versions ADD COLUMN lenient INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE form_includes("
    "  version INTEGER NOT NULL REFERENCES form_versions(id),"
    "  name TEXT NOT NULL, source BLOB NOT NULL, PRIMARY KEY(version, name));",
    /* 12 -> 13 (check): the consent question an operation names for a form
     * ('mtm criteria add --consent Q'), kept with the inclusion criteria:
     * respondents whose answer to it is not value are not eligible. */
    "CREATE TABLE consent_rules("
    "  form INTEGER PRIMARY KEY REFERENCES forms(id),"
    "  question TEXT NOT NULL, value TEXT NOT NULL);",
    /* 13 -> 14 (report): where a round's exchange rate comes from
     * (mtm round add N --usd-rate-source TEXT), footnoted with the rate
     * wherever a report shows money; NULL: not recorded. */
    "ALTER TABLE rounds ADD COLUMN usd_rate_source TEXT;",
    /* 14 -> 15 (geo, map): where a boundary comes from, as 'areas import
     * --source TEXT' gives it (else the file's name), for the source line
     * under a map; NULL for boundaries imported before. */
    "ALTER TABLE area_shapes ADD COLUMN source TEXT;",
    /* 15 -> 16 (geo, report): an area's type ('region', 'national_city',
     * 'district', 'city'; NULL: not known), from which a report builds its
     * full official name ("Мангистауская область", "город Шымкент"); and
     * the texts a user typed, in the other languages of the operation:
     * subject 'operation' (key ''), 'round' (key the round number) or
     * 'criterion' (key the inclusion rule's id). */
    "ALTER TABLE areas ADD COLUMN type TEXT;"
    "CREATE TABLE texts("
    "  subject TEXT NOT NULL, key TEXT NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL,"
    "  PRIMARY KEY(subject, key, lang));",
    /* 16 -> 17 (bma): the mapping given with each round, so that a round
     * keeps its own questions and periods once a later round's mapping
     * replaces the form's (bma_mappings: the latest given, for the rounds
     * given none). */
    "CREATE TABLE bma_round_mappings("
    "  form INTEGER NOT NULL REFERENCES forms(id), round INTEGER NOT NULL,"
    "  position INTEGER NOT NULL, field TEXT NOT NULL, population TEXT NOT NULL,"
    "  period TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '', sex TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY(form, round, position));",
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(sizeof migrations / sizeof migrations[0] == MTM_STORE_SCHEMA_VERSION,
               "MTM_STORE_SCHEMA_VERSION (store.h) is the number of migrations");

sqlite3 *mtm_store__db(mtm_store *st) { return st->db; }
const char *mtm_store_path(const mtm_store *st) { return st->path; }

int mtm_store__fail(mtm_store *st, mtm_err *err, const char *what) {
  return mtm_err_set(err, MTM_ESTORE, "workspace %s: %s failed: %s", st->path, what,
                     sqlite3_errmsg(st->db));
}

sqlite3_stmt *mtm_store__stmt(mtm_store *st, const char *sql, mtm_err *err) {
  size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
  for (size_t i = 0; i < STMT_CACHE; i++) {
    size_t k = (h + i) % STMT_CACHE;
    if (st->cache[k].sql == sql) {
      sqlite3_stmt *s = st->cache[k].stmt;
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
      return s;
    }
    if (!st->cache[k].sql) {
      sqlite3_stmt *s;
      if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        mtm_store__fail(st, err, "preparing a statement");
        return NULL;
      }
      st->cache[k].sql = sql;
      st->cache[k].stmt = s;
      return s;
    }
  }
  /* The cache is full: a programming error, there are not that many. */
  mtm_err_set(err, MTM_ESTORE, "statement cache full");
  return NULL;
}

void mtm_store__bind_text(sqlite3_stmt *s, int i, const char *v) {
  if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(s, i);
}

char *mtm_store__col_text(sqlite3_stmt *s, int i, mtm_arena *a) {
  const unsigned char *t = sqlite3_column_text(s, i);
  return t ? mtm_arena_strdup(a, (const char *)t) : NULL;
}

void *mtm_store__col_blob(sqlite3_stmt *s, int i, mtm_arena *a, size_t *n) {
  *n = 0;
  if (sqlite3_column_type(s, i) == SQLITE_NULL) return NULL;
  const void *p = sqlite3_column_blob(s, i);
  *n = (size_t)sqlite3_column_bytes(s, i);
  char *b = mtm_arena_alloc(a, *n + 1);
  if (*n) memcpy(b, p, *n);
  b[*n] = 0;
  return b;
}

void *mtm_store__grow(mtm_arena *a, void *old, int n, int *cap, size_t sz) {
  int nc = *cap ? *cap * 2 : 16;
  void *g = mtm_arena_zalloc(a, sz * (size_t)nc);
  if (n) memcpy(g, old, sz * (size_t)n);
  *cap = nc;
  return g;
}

static int exec(mtm_store *st, const char *sql, mtm_err *err) {
  char *msg = NULL;
  if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    mtm_err_set(err, MTM_ESTORE, "workspace %s: %s", st->path, msg ? msg : "error");
    sqlite3_free(msg);
    return MTM_ESTORE;
  }
  return 0;
}

int mtm_store_schema_version(mtm_store *st) {
  sqlite3_stmt *s;
  int v = -1;
  if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
  }
  return v;
}

/* Fails when a migration left a row pointing at nothing. */
static int fk_check(mtm_store *st, mtm_err *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &s, NULL) != SQLITE_OK)
    return mtm_store__fail(st, err, "checking references");
  int bad = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  if (bad)
    return mtm_err_set(err, MTM_ESTORE,
                       "workspace %s: a schema upgrade would leave broken references", st->path);
  return 0;
}

static int migrate(mtm_store *st, mtm_err *err) {
  int v = mtm_store_schema_version(st);
  if (v < 0) return mtm_store__fail(st, err, "reading the schema version");
  if (v > N_MIGRATIONS)
    return mtm_err_set(err, MTM_ESTORE,
                       "workspace %s has schema version %d, newer than this mtm "
                       "understands (%d): upgrade mtm",
                       st->path, v, N_MIGRATIONS);
  /* A migration may rebuild a table that others reference: with foreign
   * keys on, dropping the old one would cascade. They are checked before
   * each commit instead. */
  if (v < N_MIGRATIONS) exec(st, "PRAGMA foreign_keys=OFF", NULL);
  for (; v < N_MIGRATIONS; v++) {
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
    if (exec(st, "BEGIN IMMEDIATE", err)) return MTM_ESTORE;
    if (exec(st, migrations[v], err) || exec(st, pragma, err) || fk_check(st, err)) {
      exec(st, "ROLLBACK", NULL);
      exec(st, "PRAGMA foreign_keys=ON", NULL);
      return MTM_ESTORE;
    }
    if (exec(st, "COMMIT", err)) {
      exec(st, "PRAGMA foreign_keys=ON", NULL);
      return MTM_ESTORE;
    }
  }
  exec(st, "PRAGMA foreign_keys=ON", NULL);
  return 0;
}

int mtm_store_open(mtm_store **out, const char *path, int create, mtm_err *err) {
  *out = NULL;
  if (!create && access(path, F_OK) != 0) {
    mtm_err_set(err, MTM_ENOTFOUND,
                "no workspace at %s: create one with 'mtm -w %s init', or point "
                "-w or MTM_WORKSPACE at an existing one",
                path, path);
    return MTM_ENOTFOUND;
  }
  mtm_store *st = mtm_xcalloc(1, sizeof *st);
  st->path = mtm_xstrdup(path);
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
    mtm_err_set(err, MTM_ESTORE, "cannot open workspace %s: %s", path,
                st->db ? sqlite3_errmsg(st->db) : "out of memory");
    mtm_store_close(st);
    return MTM_ESTORE;
  }
  sqlite3_busy_timeout(st->db, 5000);
  if (exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
               "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
           err)) {
    if (strstr(err ? err->msg : "", "not a database"))
      mtm_err_set(err, MTM_ESTORE, "%s is not an mtm workspace (not an SQLite file)", path);
    mtm_store_close(st);
    return MTM_ESTORE;
  }
  if (!create) {
    /* An existing file must already be ours. */
    sqlite3_stmt *s;
    int ours = 0;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT 1 FROM sqlite_master WHERE type='table' AND name='operation'",
                           -1, &s, NULL) == SQLITE_OK) {
      ours = sqlite3_step(s) == SQLITE_ROW;
      sqlite3_finalize(s);
    }
    if (!ours) {
      mtm_err_set(err, MTM_ESTORE, "%s is not an mtm workspace", path);
      mtm_store_close(st);
      return MTM_ESTORE;
    }
  }
  if (migrate(st, err)) {
    mtm_store_close(st);
    return MTM_ESTORE;
  }
  *out = st;
  return 0;
}

void mtm_store_close(mtm_store *st) {
  if (!st) return;
  for (int i = 0; i < STMT_CACHE; i++)
    if (st->cache[i].stmt) sqlite3_finalize(st->cache[i].stmt);
  if (st->db) sqlite3_close(st->db);
  free(st->path);
  free(st);
}

int mtm_store_begin(mtm_store *st, mtm_err *err) {
  if (st->depth++ > 0) return 0;
  st->frame_form = 0;
  if (exec(st, "BEGIN IMMEDIATE", err)) {
    st->depth = 0;
    return MTM_ESTORE;
  }
  return 0;
}

int mtm_store_commit(mtm_store *st, mtm_err *err) {
  if (st->depth <= 0) return mtm_err_set(err, MTM_ESTORE, "commit without begin");
  if (--st->depth > 0) return 0;
  st->frame_form = 0;
  if (exec(st, "COMMIT", err)) {
    exec(st, "ROLLBACK", NULL);
    return MTM_ESTORE;
  }
  return 0;
}

void mtm_store_rollback(mtm_store *st) {
  if (!st || st->depth <= 0) return;
  st->depth = 0;
  st->frame_form = 0;
  exec(st, "ROLLBACK", NULL);
}

/* Drops the cached frame columns (and the dirty rows recorded against
 * them) of form and round, once per transaction
 * (and after each mtm_store_frame_cache_put), so that a large import pays
 * one statement, not one per submission. */
int mtm_store__frame_touch(mtm_store *st, int64_t form, int round, mtm_err *err) {
  if (st->depth > 0 && st->frame_form == form && st->frame_round == round) return 0;
  sqlite3_stmt *s =
      mtm_store__stmt(st, "DELETE FROM frame_cache WHERE form = ?1 AND round = ?2", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "dropping cached columns");
  s = mtm_store__stmt(st, "DELETE FROM frame_dirty WHERE form = ?1 AND round = ?2", err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int64(s, 1, form);
  sqlite3_bind_int(s, 2, round);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "dropping cached columns");
  if (st->depth > 0) {
    st->frame_form = form;
    st->frame_round = round;
  }
  return 0;
}

/* Forgets which form and round the transaction already dropped. */
void mtm_store__frame_forget(mtm_store *st) {
  st->frame_form = 0;
}

/* ---- operation and rounds ---- */

int mtm_store_operation_set(mtm_store *st, const mtm_operation *op, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO operation(id, name, country, currency, languages, created_at) "
      "VALUES (1, ?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
      "ON CONFLICT(id) DO UPDATE SET name = ?1, country = ?2, currency = ?3, "
      "languages = ?4",
      err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, op->name);
  mtm_store__bind_text(s, 2, op->country);
  mtm_store__bind_text(s, 3, op->currency);
  mtm_store__bind_text(s, 4, op->languages);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving the operation");
  return 0;
}

int mtm_store_operation_get(mtm_store *st, mtm_arena *a, mtm_operation *op, mtm_err *err) {
  memset(op, 0, sizeof *op);
  sqlite3_stmt *s = mtm_store__stmt(
      st, "SELECT name, country, currency, languages, created_at FROM operation WHERE id = 1",
      err);
  if (!s) return MTM_ESTORE;
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE)
    return mtm_err_set(err, MTM_ENOTFOUND, "workspace %s has no operation: run 'mtm init'",
                       st->path);
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading the operation");
  op->name = mtm_store__col_text(s, 0, a);
  op->country = mtm_store__col_text(s, 1, a);
  op->currency = mtm_store__col_text(s, 2, a);
  op->languages = mtm_store__col_text(s, 3, a);
  op->created_at = mtm_store__col_text(s, 4, a);
  return 0;
}

int mtm_store_round_put(mtm_store *st, const mtm_round *r, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      "INSERT INTO rounds(number, name, start_date, end_date, usd_rate, sampling, usd_rate_source) "
      "VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), ?7) ON CONFLICT(number) DO UPDATE SET "
      "usd_rate_source = coalesce(?7, usd_rate_source), "
      "name = coalesce(?2, name), start_date = coalesce(?3, start_date), "
      "end_date = coalesce(?4, end_date), usd_rate = coalesce(?5, usd_rate), "
      "sampling = CASE WHEN ?6 IS NULL THEN sampling ELSE nullif(?6, '') END",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int(s, 1, r->number);
  mtm_store__bind_text(s, 2, r->name);
  mtm_store__bind_text(s, 3, r->start_date);
  mtm_store__bind_text(s, 4, r->end_date);
  if (r->usd_rate > 0) sqlite3_bind_double(s, 5, r->usd_rate);
  else sqlite3_bind_null(s, 5);
  mtm_store__bind_text(s, 6, r->sampling);
  mtm_store__bind_text(s, 7, r->usd_rate_source);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a round");
  return 0;
}

static void read_round(sqlite3_stmt *s, mtm_arena *a, mtm_round *r) {
  r->number = sqlite3_column_int(s, 0);
  r->name = mtm_store__col_text(s, 1, a);
  r->start_date = mtm_store__col_text(s, 2, a);
  r->end_date = mtm_store__col_text(s, 3, a);
  r->usd_rate = sqlite3_column_double(s, 4);
  r->sampling = mtm_store__col_text(s, 5, a);
  r->usd_rate_source = mtm_store__col_text(s, 6, a);
}

int mtm_store_round_get(mtm_store *st, int number, mtm_arena *a, mtm_round *r, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st, "SELECT number, name, start_date, end_date, usd_rate, sampling, usd_rate_source FROM rounds WHERE number = ?1",
      err);
  if (!s) return MTM_ESTORE;
  sqlite3_bind_int(s, 1, number);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return mtm_err_set(err, MTM_ENOTFOUND, "round %d does not exist", number);
  if (rc != SQLITE_ROW) return mtm_store__fail(st, err, "reading a round");
  read_round(s, a, r);
  return 0;
}

int mtm_store_rounds(mtm_store *st, mtm_arena *a, mtm_round **out, int *n, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st, "SELECT number, name, start_date, end_date, usd_rate, sampling, usd_rate_source FROM rounds ORDER BY number", err);
  if (!s) return MTM_ESTORE;
  int cap = 8, k = 0;
  mtm_round *r = mtm_arena_alloc(a, sizeof *r * (size_t)cap);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) {
      mtm_round *g = mtm_arena_alloc(a, sizeof *r * (size_t)cap * 2);
      memcpy(g, r, sizeof *r * (size_t)cap);
      r = g;
      cap *= 2;
    }
    read_round(s, a, &r[k++]);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "listing rounds");
  *out = r;
  *n = k;
  return 0;
}

int mtm_store_area_counts(mtm_store *st, long counts[10], mtm_err *err) {
  memset(counts, 0, sizeof(long) * 10);
  sqlite3_stmt *s = mtm_store__stmt(
      st, "SELECT level, count(*) FROM areas GROUP BY level ORDER BY level", err);
  if (!s) return MTM_ESTORE;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    int lv = sqlite3_column_int(s, 0);
    if (lv >= 0 && lv < 10) counts[lv] = sqlite3_column_int64(s, 1);
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "counting areas");
  return 0;
}

/* Sets or forgets the text of one subject in one language. */
int mtm_store_text_set(mtm_store *st, const char *subject, const char *key, const char *lang,
                       const char *text, mtm_err *err) {
  sqlite3_stmt *s = mtm_store__stmt(
      st,
      text && *text ? "INSERT INTO texts(subject, key, lang, text) VALUES (?1, ?2, ?3, ?4)"
                      " ON CONFLICT(subject, key, lang) DO UPDATE SET text = excluded.text"
                    : "DELETE FROM texts WHERE subject = ?1 AND key = ?2 AND lang = ?3",
      err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, subject);
  mtm_store__bind_text(s, 2, key ? key : "");
  mtm_store__bind_text(s, 3, lang);
  if (text && *text) mtm_store__bind_text(s, 4, text);
  if (sqlite3_step(s) != SQLITE_DONE) return mtm_store__fail(st, err, "saving a translated text");
  return 0;
}

/* Reads the text of one subject in one language (NULL when none). */
int mtm_store_text_get(mtm_store *st, const char *subject, const char *key, const char *lang,
                       mtm_arena *a, char **out, mtm_err *err) {
  *out = NULL;
  sqlite3_stmt *s = mtm_store__stmt(
      st, "SELECT text FROM texts WHERE subject = ?1 AND key = ?2 AND lang = ?3", err);
  if (!s) return MTM_ESTORE;
  mtm_store__bind_text(s, 1, subject);
  mtm_store__bind_text(s, 2, key ? key : "");
  mtm_store__bind_text(s, 3, lang);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) *out = mtm_store__col_text(s, 0, a);
  else if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "reading a translated text");
  return 0;
}

int mtm_store_form_summaries(mtm_store *st, mtm_arena *a, mtm_form_summary **out, int *n,
                             mtm_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *s = mtm_store__stmt(st, "SELECT id, form_id, kind, title FROM forms ORDER BY form_id", err);
  if (!s) return MTM_ESTORE;
  int cap = 0, k = 0, rc;
  long *ids = NULL;
  mtm_form_summary *r = NULL;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (k == cap) {
      cap = cap ? cap * 2 : 8;
      mtm_form_summary *g = mtm_arena_zalloc(a, sizeof *g * (size_t)cap);
      long *gi = mtm_arena_alloc(a, sizeof *gi * (size_t)cap);
      if (k) memcpy(g, r, sizeof *g * (size_t)k), memcpy(gi, ids, sizeof *gi * (size_t)k);
      r = g, ids = gi;
    }
    ids[k] = sqlite3_column_int64(s, 0);
    r[k].form_id = mtm_store__col_text(s, 1, a);
    r[k].kind = mtm_store__col_text(s, 2, a);
    r[k].title = mtm_store__col_text(s, 3, a);
    k++;
  }
  if (rc != SQLITE_DONE) return mtm_store__fail(st, err, "listing forms");
  for (int i = 0; i < k; i++) {
    s = mtm_store__stmt(st, "SELECT version FROM form_versions WHERE form = ?1 ORDER BY id", err);
    if (!s) return MTM_ESTORE;
    sqlite3_bind_int64(s, 1, ids[i]);
    int vc = 0;
    char **v = mtm_arena_alloc(a, sizeof *v * 64);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && vc < 64) v[vc++] = mtm_store__col_text(s, 0, a);
    r[i].versions = v;
    r[i].nversions = vc;
    s = mtm_store__stmt(st,
                        "SELECT round, count(*) FROM submissions WHERE form = ?1 AND removed = 0 "
                        "GROUP BY round ORDER BY round",
                        err);
    if (!s) return MTM_ESTORE;
    sqlite3_bind_int64(s, 1, ids[i]);
    int rcap = 64, rn = 0;
    r[i].rounds = mtm_arena_alloc(a, sizeof(int) * (size_t)rcap);
    r[i].counts = mtm_arena_alloc(a, sizeof(long) * (size_t)rcap);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && rn < rcap) {
      r[i].rounds[rn] = sqlite3_column_int(s, 0);
      r[i].counts[rn++] = sqlite3_column_int64(s, 1);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return mtm_store__fail(st, err, "counting submissions");
    r[i].nrounds = rn;
  }
  *out = r;
  *n = k;
  return 0;
}
