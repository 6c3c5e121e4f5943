/*
 * store.c - the kiosk's SQLite database (DATA_DIR/kiosk.db): content in
 * several locales, content version, view counts, key/value state.
 *
 * Design: WAL so readers (the UI) never wait for an import and never see
 * half of one; every write is one transaction; schema changes are numbered
 * migrations applied at open, one transaction each. Imports run in one
 * BEGIN IMMEDIATE transaction with prepared statements and call the search
 * engine's index hooks inside it, so content and index change together.
 *
 * Must not: parse files (faq.c does), know how search indexes (search.c
 * does), or ever leave a failed import half applied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>
#include <sqlite3.h>

#include "ks/clock.h"
#include "ks/file.h"
#include "ks/locale.h"
#include "ks/log.h"
#include "ks/path.h"
#include "ks/search.h"
#include "ks/store.h"
#include "ks/str.h"

#define DB_NAME "kiosk.db"
#define BUSY_TIMEOUT_MS 5000
/* A view count is not worth making the UI thread wait for an import. */
#define VIEW_BUSY_TIMEOUT_MS 50
#define DIGEST_BYTES 16

struct ks_store {
    sqlite3 *db;
    char *data_dir;
    char *db_path;
};

/* Numbered schema migrations: migrations[i] brings the schema from version
 * i to i + 1. Append only: a shipped step never changes, since kiosks in
 * the field have already run it. */
static const char *const migrations[] = {
    /* 1: the content schema. */
    "CREATE TABLE categories("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  position INTEGER NOT NULL DEFAULT 0,"
    "  extra_json TEXT);"
    "CREATE TABLE category_titles("
    "  category_id TEXT NOT NULL REFERENCES categories(id) ON DELETE CASCADE,"
    "  locale TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  PRIMARY KEY(category_id, locale));"
    "CREATE TABLE articles("
    "  rowid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL,"
    "  locale TEXT NOT NULL,"
    "  category TEXT REFERENCES categories(id),"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL DEFAULT '',"
    "  questions TEXT NOT NULL DEFAULT '[]',"
    "  keywords TEXT NOT NULL DEFAULT '[]',"
    "  media_json TEXT,"
    "  extra_json TEXT,"
    "  updated_at TEXT,"
    "  position INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(id, locale));"
    "CREATE INDEX articles_by_category ON articles(category, position);"
    "CREATE TABLE article_views(id TEXT PRIMARY KEY NOT NULL, views INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE kv(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);",

    /* 2: a digest per article so re-importing unchanged content (a bundle
     * that changed ten articles out of 10,000) skips re-indexing; a log of
     * imports for technicians; indexes that answer the screens' lists
     * without reading article rows (whose bodies spill to overflow pages)
     * and most-viewed lists by index. */
    "ALTER TABLE articles ADD COLUMN digest BLOB;"
    "DROP INDEX articles_by_category;"
    "CREATE INDEX articles_listing ON articles(category, locale, id, position, title, updated_at);"
    "CREATE TABLE import_log("
    "  rowid INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  mode TEXT NOT NULL,"
    "  content_version INTEGER NOT NULL,"
    "  sources TEXT NOT NULL,"
    "  categories INTEGER NOT NULL,"
    "  articles INTEGER NOT NULL,"
    "  removed INTEGER NOT NULL);"
    "CREATE INDEX article_views_by_views ON article_views(views DESC);",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int ks_store_schema_version(void) { return SCHEMA_VERSION; }

static char *col_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? ks_strdup((const char *)t) : NULL;
}

/* Maps an SQLite result to our status with a message naming what we were
 * doing and the database file. */
static ks_status db_fail(ks_store *s, ks_error *err, int rc, const char *what)
{
    const char *msg = sqlite3_errmsg(s->db);
    switch (rc & 0xff) {
    case SQLITE_FULL:
        return ks_error_set(err, KS_ERR_NOSPACE,
                            "%s: the database %s is full (the disk is full or its size limit was reached); "
                            "free some space in %s and retry",
                            what, s->db_path, s->data_dir);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ks_error_set(err, KS_ERR_BUSY, "%s: the database %s is busy (another process is writing): %s", what,
                            s->db_path, msg);
    case SQLITE_NOMEM: return ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory", what);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return ks_error_set(err, KS_ERR_CORRUPT, "%s: the database %s is damaged (%s): move it aside to rebuild it",
                            what, s->db_path, msg);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return ks_error_set(err, KS_ERR_IO, "%s: cannot use the database %s: %s", what, s->db_path, msg);
    default: return ks_error_set(err, KS_ERR_DB, "%s: database %s: %s", what, s->db_path, msg);
    }
}

/* A search-index hook failed inside our transaction. A full disk must read
 * the same whichever module's write hit it, so the technician gets one
 * actionable message; anything else keeps the hook's words, with context. */
static ks_status hook_fail(ks_store *s, ks_error *err, ks_status rc, const char *what)
{
    if ((sqlite3_errcode(s->db) & 0xff) == SQLITE_FULL) return db_fail(s, err, SQLITE_FULL, what);
    ks_error_prefix(err, "%s", what);
    return rc;
}

static ks_status exec(ks_store *s, const char *sql, const char *what, ks_error *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? KS_OK : db_fail(s, err, rc, what);
}

static ks_status prepare(ks_store *s, const char *sql, sqlite3_stmt **st, ks_error *err)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? KS_OK : db_fail(s, err, rc, "preparing a query");
}

/* Ends a write transaction: rolls back unless it is already gone (SQLite
 * rolls back by itself after some errors, such as SQLITE_FULL). */
static void rollback(ks_store *s)
{
    if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A read transaction so multi-query reads describe one version of the
 * content; skipped when the caller already has a transaction open on this
 * connection (ks_store_db users). */
static int read_begin(ks_store *s)
{
    return sqlite3_get_autocommit(s->db) && sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

static void read_end(ks_store *s, int began)
{
    if (began) sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

static ks_status meta_get_int(ks_store *s, const char *key, int64_t *out, ks_error *err)
{
    sqlite3_stmt *st = NULL;
    ks_status rc = prepare(s, "SELECT value FROM meta WHERE key = ?1", &st, err);
    if (rc != KS_OK) return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    *out = 0;
    if (r == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    else if (r != SQLITE_DONE) rc = db_fail(s, err, r, "reading the schema information");
    sqlite3_finalize(st);
    return rc;
}

static ks_status meta_set_int(ks_store *s, const char *key, int64_t value, ks_error *err)
{
    sqlite3_stmt *st = NULL;
    ks_status rc = prepare(s, "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           &st, err);
    if (rc != KS_OK) return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, value);
    int r = sqlite3_step(st);
    if (r != SQLITE_DONE) rc = db_fail(s, err, r, "writing the schema information");
    sqlite3_finalize(st);
    return rc;
}

/* Applies the missing migrations, each in its own transaction, re-reading
 * the version inside it: another process may have migrated meanwhile. */
static ks_status migrate(ks_store *s, ks_error *err)
{
    ks_status rc = exec(s, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY NOT NULL, value)",
                        "creating the schema table", err);
    if (rc != KS_OK) return rc;
    int64_t version = 0;
    if ((rc = meta_get_int(s, "schema_version", &version, err)) != KS_OK) return rc;
    if (version > SCHEMA_VERSION)
        return ks_error_set(err, KS_ERR_UNSUPPORTED,
                            "the database %s has schema version %lld, newer than this kiosk's %d: "
                            "install the newer kiosk, or move the database aside",
                            s->db_path, (long long)version, SCHEMA_VERSION);
    int64_t from = version;
    while (version < SCHEMA_VERSION) {
        if ((rc = exec(s, "BEGIN IMMEDIATE", "starting a schema migration", err)) != KS_OK) return rc;
        rc = meta_get_int(s, "schema_version", &version, err);
        if (rc == KS_OK && version < SCHEMA_VERSION) {
            char what[96];
            snprintf(what, sizeof what, "migrating the schema to version %lld", (long long)version + 1);
            rc = exec(s, migrations[version], what, err);
            if (rc == KS_OK) rc = meta_set_int(s, "schema_version", version + 1, err);
            if (rc == KS_OK) version++;
        }
        if (rc == KS_OK) rc = exec(s, "COMMIT", "committing a schema migration", err);
        if (rc != KS_OK) {
            rollback(s);
            return rc;
        }
    }
    if (from == 0 && version > 0)
        ks_log_debug("store", "%s: created at schema version %lld", s->db_path, (long long)version);
    else if (from != version)
        ks_log_info("store", "%s: schema migrated from version %lld to %lld", s->db_path, (long long)from,
                    (long long)version);
    /* The search engine's tables: idempotent, and a deferred transaction
     * takes no write lock when they exist, so opening never waits for an
     * import running in another process. */
    if ((rc = exec(s, "BEGIN", "creating the search tables", err)) != KS_OK) return rc;
    rc = ks_search_schema_create(s->db, err);
    if (rc == KS_OK) rc = exec(s, "COMMIT", "creating the search tables", err);
    if (rc != KS_OK) rollback(s);
    return rc;
}

ks_status ks_store_open(const char *data_dir, ks_store **out, ks_error *err)
{
    ks_status rc = KS_OK;
    ks_store *s = NULL;
    if (!data_dir || !*data_dir) return ks_error_set(err, KS_ERR_INVALID, "no data directory given");
    if (sodium_init() < 0) return ks_error_set(err, KS_ERR_IO, "libsodium failed to initialise");
    if ((rc = ks_path_mkdirs(data_dir, err)) != KS_OK) return rc;
    s = calloc(1, sizeof *s);
    if (!s || !(s->data_dir = ks_strdup(data_dir)) || !(s->db_path = ks_path_join(data_dir, DB_NAME))) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    int r = sqlite3_open_v2(s->db_path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (r != SQLITE_OK) {
        rc = s->db ? db_fail(s, err, r, "opening")
                   : ks_error_set(err, KS_ERR_NOMEM, "out of memory opening %s", s->db_path);
        goto out;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* WAL: readers never block on an import and see the old content until
     * the commit; a crash at any moment leaves the last committed state.
     * synchronous=NORMAL is safe from corruption in WAL mode; imports
     * switch to FULL so a finished import also survives a power cut. */
    sqlite3_stmt *st = NULL;
    if ((rc = prepare(s, "PRAGMA journal_mode=WAL", &st, err)) != KS_OK) goto out;
    r = sqlite3_step(st);
    int wal = r == SQLITE_ROW && sqlite3_column_text(st, 0) &&
              strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    if (r != SQLITE_ROW) rc = db_fail(s, err, r, "opening");
    else if (!wal) rc = ks_error_set(err, KS_ERR_IO, "cannot switch %s to WAL mode", s->db_path);
    sqlite3_finalize(st);
    if (rc != KS_OK) goto out;
    if ((rc = exec(s, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL", "opening", err)) != KS_OK) goto out;
    if ((rc = migrate(s, err)) != KS_OK) goto out;
    *out = s;
    s = NULL;
out:
    ks_store_close(s);
    return rc;
}

void ks_store_close(ks_store *store)
{
    if (!store) return;
    sqlite3_close_v2(store->db);
    free(store->data_dir);
    free(store->db_path);
    free(store);
}

sqlite3 *ks_store_db(ks_store *store) { return store->db; }
const char *ks_store_data_dir(const ks_store *store) { return store->data_dir; }

/* ---------------------------------------------------------------- import */

/* One category after merging its definitions across the imported files. */
typedef struct merged_cat {
    const char *id;
    const ks_faq_category *last; /* position and extras come from the last definition */
    const ks_faq_title **titles; /* one per locale, later files win */
    size_t n_titles;
} merged_cat;

typedef struct import_ctx {
    ks_store *s;
    ks_faq *const *faqs;
    size_t n_faqs;
    ks_import_mode mode;
    merged_cat *cats;
    size_t n_cats;
    sqlite3_stmt *cat_upsert, *cat_titles_clear, *title_insert, *cat_exists;
    sqlite3_stmt *art_find, *art_insert, *art_update, *keep_insert;
    ks_import_stats stats;
} import_ctx;

typedef struct art_ref {
    const ks_faq_article *a;
    size_t file;
} art_ref;

static int cmp_art_ref(const void *pa, const void *pb)
{
    const art_ref *a = pa, *b = pb;
    int c = strcmp(a->a->id, b->a->id);
    if (c) return c;
    c = strcmp(a->a->locale, b->a->locale);
    if (c) return c;
    return a->file < b->file ? -1 : a->file > b->file;
}

/* The same id+locale in two files is refused rather than resolved: which
 * file "wins" would depend on the order on the command line. */
static ks_status check_cross_file_duplicates(import_ctx *c, ks_error *err)
{
    size_t n = 0;
    for (size_t f = 0; f < c->n_faqs; f++) n += c->faqs[f]->n_articles;
    if (c->n_faqs < 2 || n < 2) return KS_OK;
    art_ref *refs = malloc(n * sizeof *refs);
    if (!refs) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t f = 0; f < c->n_faqs; f++)
        for (size_t i = 0; i < c->faqs[f]->n_articles; i++) refs[k++] = (art_ref){&c->faqs[f]->articles[i], f};
    qsort(refs, n, sizeof *refs, cmp_art_ref);
    ks_status rc = KS_OK;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(refs[i - 1].a->id, refs[i].a->id) == 0 && strcmp(refs[i - 1].a->locale, refs[i].a->locale) == 0) {
            rc = ks_error_set(err, KS_ERR_INVALID, "%s: article '%s' (%s): also in %s; an article may be in one file only",
                              c->faqs[refs[i].file]->source, refs[i].a->id, refs[i].a->locale,
                              c->faqs[refs[i - 1].file]->source);
            break;
        }
    }
    free(refs);
    return rc;
}

typedef struct cat_ref {
    const ks_faq_category *c;
    size_t file;
} cat_ref;

static int cmp_cat_ref(const void *pa, const void *pb)
{
    const cat_ref *a = pa, *b = pb;
    int c = strcmp(a->c->id, b->c->id);
    if (c) return c;
    return a->file < b->file ? -1 : a->file > b->file;
}

static int cmp_merged_id(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const merged_cat *)elem)->id);
}

static void free_merged(import_ctx *c)
{
    for (size_t i = 0; i < c->n_cats; i++) free(c->cats[i].titles);
    free(c->cats);
    c->cats = NULL;
    c->n_cats = 0;
}

/* Groups the categories of all files by id (sorted, for lookups). */
static ks_status merge_categories(import_ctx *c, ks_error *err)
{
    size_t n = 0;
    for (size_t f = 0; f < c->n_faqs; f++) n += c->faqs[f]->n_categories;
    if (n == 0) return KS_OK;
    ks_status rc = KS_OK;
    cat_ref *refs = malloc(n * sizeof *refs);
    c->cats = calloc(n, sizeof *c->cats);
    if (!refs || !c->cats) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t k = 0;
    for (size_t f = 0; f < c->n_faqs; f++)
        for (size_t i = 0; i < c->faqs[f]->n_categories; i++) refs[k++] = (cat_ref){&c->faqs[f]->categories[i], f};
    qsort(refs, n, sizeof *refs, cmp_cat_ref);
    for (size_t i = 0; i < n;) {
        size_t j = i, n_titles = 0;
        for (; j < n && strcmp(refs[j].c->id, refs[i].c->id) == 0; j++) n_titles += refs[j].c->n_titles;
        merged_cat *m = &c->cats[c->n_cats++];
        m->id = refs[i].c->id;
        m->last = refs[j - 1].c;
        m->titles = calloc(n_titles ? n_titles : 1, sizeof *m->titles);
        if (!m->titles) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t g = i; g < j; g++) {
            for (size_t t = 0; t < refs[g].c->n_titles; t++) {
                const ks_faq_title *title = &refs[g].c->titles[t];
                size_t at = 0;
                while (at < m->n_titles && strcmp(m->titles[at]->locale, title->locale) != 0) at++;
                m->titles[at] = title;
                if (at == m->n_titles) m->n_titles++;
            }
        }
        i = j;
    }
out:
    free(refs);
    return rc;
}

static ks_status step_done(import_ctx *c, sqlite3_stmt *st, const char *what, ks_error *err)
{
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_DONE ? KS_OK : db_fail(c->s, err, r, what);
}

/* Every category an article names exists after the import: checked before
 * anything is written, with the article's file, id and locale. */
static ks_status check_categories(import_ctx *c, ks_error *err)
{
    for (size_t f = 0; f < c->n_faqs; f++) {
        const ks_faq *faq = c->faqs[f];
        for (size_t i = 0; i < faq->n_articles; i++) {
            const ks_faq_article *a = &faq->articles[i];
            if (!a->category) continue;
            if (c->n_cats && bsearch(a->category, c->cats, c->n_cats, sizeof *c->cats, cmp_merged_id)) continue;
            if (c->mode == KS_IMPORT_MERGE) {
                sqlite3_bind_text(c->cat_exists, 1, a->category, -1, SQLITE_STATIC);
                int r = sqlite3_step(c->cat_exists);
                sqlite3_reset(c->cat_exists);
                if (r == SQLITE_ROW) continue;
                if (r != SQLITE_DONE) return db_fail(c->s, err, r, "checking categories");
                return ks_error_set(err, KS_ERR_INVALID,
                                    "%s: article '%s' (%s): 'category' \"%s\" is defined neither in the imported "
                                    "files nor in the store",
                                    faq->source, a->id, a->locale, a->category);
            }
            return ks_error_set(err, KS_ERR_INVALID,
                                "%s: article '%s' (%s): 'category' \"%s\" is not defined in the imported files "
                                "(they replace all content, so the category must be among them)",
                                faq->source, a->id, a->locale, a->category);
        }
    }
    return KS_OK;
}

static ks_status write_categories(import_ctx *c, ks_error *err)
{
    ks_status rc = KS_OK;
    for (size_t i = 0; i < c->n_cats && rc == KS_OK; i++) {
        const merged_cat *m = &c->cats[i];
        char what[256];
        snprintf(what, sizeof what, "category '%s'", m->id);
        sqlite3_bind_text(c->cat_upsert, 1, m->id, -1, SQLITE_STATIC);
        sqlite3_bind_int(c->cat_upsert, 2, m->last->position);
        if (m->last->extra_json) sqlite3_bind_text(c->cat_upsert, 3, m->last->extra_json, -1, SQLITE_STATIC);
        else sqlite3_bind_null(c->cat_upsert, 3);
        if ((rc = step_done(c, c->cat_upsert, what, err)) != KS_OK) break;
        sqlite3_bind_text(c->cat_titles_clear, 1, m->id, -1, SQLITE_STATIC);
        if ((rc = step_done(c, c->cat_titles_clear, what, err)) != KS_OK) break;
        for (size_t t = 0; t < m->n_titles && rc == KS_OK; t++) {
            sqlite3_bind_text(c->title_insert, 1, m->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(c->title_insert, 2, m->titles[t]->locale, -1, SQLITE_STATIC);
            sqlite3_bind_text(c->title_insert, 3, m->titles[t]->text, -1, SQLITE_STATIC);
            rc = step_done(c, c->title_insert, what, err);
        }
        c->stats.categories++;
    }
    return rc;
}

/* questions/keywords are stored as JSON arrays of strings: the search
 * engine reads them back with cJSON. */
static char *json_string_array(char *const *items, size_t n)
{
    if (n == 0) return ks_strdup("[]");
    cJSON *arr = cJSON_CreateStringArray((const char *const *)items, (int)n);
    char *txt = arr ? cJSON_PrintUnformatted(arr) : NULL;
    cJSON_Delete(arr);
    return txt;
}

static void digest_field(crypto_generichash_state *h, const char *s)
{
    /* Length-prefixed, with NULL distinct from "": no two different
     * articles feed the same bytes. */
    uint64_t len = s ? (uint64_t)strlen(s) + 1 : 0;
    crypto_generichash_update(h, (const unsigned char *)&len, sizeof len);
    if (s) crypto_generichash_update(h, (const unsigned char *)s, len - 1);
}

static void article_digest(const ks_faq_article *a, const char *questions, const char *keywords,
                           unsigned char out[DIGEST_BYTES])
{
    crypto_generichash_state h;
    char pos[24];
    snprintf(pos, sizeof pos, "%d", a->position);
    crypto_generichash_init(&h, NULL, 0, DIGEST_BYTES);
    const char *fields[] = {a->category, a->title, a->body, questions, keywords,
                            a->media_json, a->extra_json, a->updated_at, pos};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) digest_field(&h, fields[i]);
    crypto_generichash_final(&h, out, DIGEST_BYTES);
}

static void bind_opt(sqlite3_stmt *st, int col, const char *s)
{
    if (s) sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, col);
}

static ks_status write_article(import_ctx *c, const ks_faq *faq, const ks_faq_article *a, ks_error *err)
{
    ks_status rc = KS_OK;
    char what[320];
    snprintf(what, sizeof what, "%s: article '%s' (%s)", faq->source, a->id, a->locale);
    char *questions = json_string_array(a->questions, a->n_questions);
    char *keywords = json_string_array(a->keywords, a->n_keywords);
    if (!questions || !keywords) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory", what);
        goto out;
    }
    unsigned char digest[DIGEST_BYTES];
    article_digest(a, questions, keywords, digest);

    sqlite3_bind_text(c->art_find, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->art_find, 2, a->locale, -1, SQLITE_STATIC);
    int r = sqlite3_step(c->art_find);
    int64_t rowid = 0;
    int exists = 0, same = 0;
    if (r == SQLITE_ROW) {
        exists = 1;
        rowid = sqlite3_column_int64(c->art_find, 0);
        same = sqlite3_column_bytes(c->art_find, 1) == DIGEST_BYTES &&
               memcmp(sqlite3_column_blob(c->art_find, 1), digest, DIGEST_BYTES) == 0;
    }
    sqlite3_reset(c->art_find);
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        rc = db_fail(c->s, err, r, what);
        goto out;
    }
    if (same) {
        c->stats.unchanged++;
    } else {
        sqlite3_stmt *st = exists ? c->art_update : c->art_insert;
        if (exists && (rc = ks_search_unindex_article(c->s->db, rowid, err)) != KS_OK) {
            rc = hook_fail(c->s, err, rc, what);
            goto out;
        }
        sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, a->locale, -1, SQLITE_STATIC);
        bind_opt(st, 3, a->category);
        sqlite3_bind_text(st, 4, a->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, a->body, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, questions, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, keywords, -1, SQLITE_STATIC);
        bind_opt(st, 8, a->media_json);
        bind_opt(st, 9, a->extra_json);
        bind_opt(st, 10, a->updated_at);
        sqlite3_bind_int(st, 11, a->position);
        sqlite3_bind_blob(st, 12, digest, DIGEST_BYTES, SQLITE_STATIC);
        if (exists) sqlite3_bind_int64(st, 13, rowid);
        if ((rc = step_done(c, st, what, err)) != KS_OK) goto out;
        if (!exists) rowid = sqlite3_last_insert_rowid(c->s->db);
        if ((rc = ks_search_index_article(c->s->db, rowid, err)) != KS_OK) {
            rc = hook_fail(c->s, err, rc, what);
            goto out;
        }
    }
    if (c->keep_insert) {
        sqlite3_bind_int64(c->keep_insert, 1, rowid);
        rc = step_done(c, c->keep_insert, what, err);
    }
    c->stats.articles++;
out:
    cJSON_free(questions);
    cJSON_free(keywords);
    return rc;
}

/* REPLACE_ALL: what the files do not name goes, with its index entries
 * and (for ids gone in every locale) its view count. */
static ks_status remove_stale(import_ctx *c, ks_error *err)
{
    ks_status rc = KS_OK;
    sqlite3_stmt *sel = NULL, *del = NULL, *cats = NULL, *del_cat = NULL;
    int64_t *rowids = NULL;
    size_t n = 0, cap = 0;
    if ((rc = prepare(c->s, "SELECT rowid FROM articles WHERE rowid NOT IN (SELECT rowid FROM temp.ks_import_keep)",
                      &sel, err)) != KS_OK)
        goto out;
    int r;
    /* Collected first: deleting from a table while stepping over it is
     * allowed in SQLite but its visiting order is then unspecified. */
    while ((r = sqlite3_step(sel)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            int64_t *nr = realloc(rowids, ncap * sizeof *nr);
            if (!nr) {
                rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
                goto out;
            }
            rowids = nr;
            cap = ncap;
        }
        rowids[n++] = sqlite3_column_int64(sel, 0);
    }
    if (r != SQLITE_DONE) {
        rc = db_fail(c->s, err, r, "removing old articles");
        goto out;
    }
    if ((rc = prepare(c->s, "DELETE FROM articles WHERE rowid = ?1", &del, err)) != KS_OK) goto out;
    for (size_t i = 0; i < n; i++) {
        if ((rc = ks_search_unindex_article(c->s->db, rowids[i], err)) != KS_OK) {
            rc = hook_fail(c->s, err, rc, "removing old articles");
            goto out;
        }
        sqlite3_bind_int64(del, 1, rowids[i]);
        if ((rc = step_done(c, del, "removing old articles", err)) != KS_OK) goto out;
        c->stats.removed++;
    }
    if ((rc = prepare(c->s, "SELECT id FROM categories", &cats, err)) != KS_OK) goto out;
    if ((rc = prepare(c->s, "DELETE FROM categories WHERE id = ?1", &del_cat, err)) != KS_OK) goto out;
    char **gone = NULL;
    size_t n_gone = 0;
    while ((r = sqlite3_step(cats)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(cats, 0);
        if (id && c->n_cats && bsearch(id, c->cats, c->n_cats, sizeof *c->cats, cmp_merged_id)) continue;
        char **ng = realloc(gone, (n_gone + 1) * sizeof *ng);
        if (!ng || !(ng[n_gone] = ks_strdup(id ? id : ""))) {
            if (ng) gone = ng;
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            break;
        }
        gone = ng;
        n_gone++;
    }
    if (rc == KS_OK && r != SQLITE_DONE) rc = db_fail(c->s, err, r, "removing old categories");
    for (size_t i = 0; i < n_gone && rc == KS_OK; i++) {
        sqlite3_bind_text(del_cat, 1, gone[i], -1, SQLITE_STATIC);
        rc = step_done(c, del_cat, "removing old categories", err);
    }
    for (size_t i = 0; i < n_gone; i++) free(gone[i]);
    free(gone);
    if (rc == KS_OK)
        rc = exec(c->s, "DELETE FROM article_views WHERE id NOT IN (SELECT id FROM articles)",
                  "removing view counts of old articles", err);
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(del);
    sqlite3_finalize(cats);
    sqlite3_finalize(del_cat);
    free(rowids);
    return rc;
}

static ks_status log_import(import_ctx *c, int64_t version, ks_error *err)
{
    char sources[1024];
    size_t at = 0;
    sources[0] = '\0';
    for (size_t f = 0; f < c->n_faqs && at + 1 < sizeof sources; f++) {
        int w = snprintf(sources + at, sizeof sources - at, "%s%s", f ? ", " : "", c->faqs[f]->source);
        if (w < 0) break;
        at += (size_t)w < sizeof sources - at ? (size_t)w : sizeof sources - at - 1;
    }
    sqlite3_stmt *st = NULL;
    ks_status rc = prepare(c->s,
                           "INSERT INTO import_log(at, mode, content_version, sources, categories, articles, removed) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           &st, err);
    if (rc != KS_OK) return rc;
    sqlite3_bind_int64(st, 1, ks_clock_unix_s());
    sqlite3_bind_text(st, 2, c->mode == KS_IMPORT_REPLACE_ALL ? "replace-all" : "merge", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, version);
    sqlite3_bind_text(st, 4, sources, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (int64_t)c->stats.categories);
    sqlite3_bind_int64(st, 6, (int64_t)c->stats.articles);
    sqlite3_bind_int64(st, 7, (int64_t)c->stats.removed);
    rc = step_done(c, st, "recording the import", err);
    sqlite3_finalize(st);
    /* Technicians need the recent history, not all of it. */
    if (rc == KS_OK)
        rc = exec(c->s, "DELETE FROM import_log WHERE rowid <= (SELECT MAX(rowid) - 100 FROM import_log)",
                  "recording the import", err);
    return rc;
}

static ks_status prepare_import(import_ctx *c, ks_error *err)
{
    static const char *const cols =
        "id, locale, category, title, body, questions, keywords, media_json, extra_json, updated_at, position, digest";
    char insert_sql[512], update_sql[512];
    snprintf(insert_sql, sizeof insert_sql,
             "INSERT INTO articles(%s) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", cols);
    snprintf(update_sql, sizeof update_sql,
             "UPDATE articles SET id = ?1, locale = ?2, category = ?3, title = ?4, body = ?5, questions = ?6, "
             "keywords = ?7, media_json = ?8, extra_json = ?9, updated_at = ?10, position = ?11, digest = ?12 "
             "WHERE rowid = ?13");
    ks_status rc;
    if ((rc = prepare(c->s,
                      "INSERT INTO categories(id, position, extra_json) VALUES(?1, ?2, ?3) ON CONFLICT(id) DO "
                      "UPDATE SET position = excluded.position, extra_json = excluded.extra_json",
                      &c->cat_upsert, err)) != KS_OK ||
        (rc = prepare(c->s, "DELETE FROM category_titles WHERE category_id = ?1", &c->cat_titles_clear, err)) !=
            KS_OK ||
        (rc = prepare(c->s, "INSERT INTO category_titles(category_id, locale, title) VALUES(?1, ?2, ?3)",
                      &c->title_insert, err)) != KS_OK ||
        (rc = prepare(c->s, "SELECT 1 FROM categories WHERE id = ?1", &c->cat_exists, err)) != KS_OK ||
        (rc = prepare(c->s, "SELECT rowid, digest FROM articles WHERE id = ?1 AND locale = ?2", &c->art_find,
                      err)) != KS_OK ||
        (rc = prepare(c->s, insert_sql, &c->art_insert, err)) != KS_OK ||
        (rc = prepare(c->s, update_sql, &c->art_update, err)) != KS_OK)
        return rc;
    if (c->mode == KS_IMPORT_REPLACE_ALL) {
        /* A temp table lives in this connection only; created inside the
         * transaction, so a rollback drops it too. */
        if ((rc = exec(c->s, "CREATE TEMP TABLE IF NOT EXISTS ks_import_keep(rowid INTEGER PRIMARY KEY);"
                             "DELETE FROM temp.ks_import_keep",
                       "preparing the import", err)) != KS_OK)
            return rc;
        rc = prepare(c->s, "INSERT OR IGNORE INTO temp.ks_import_keep(rowid) VALUES(?1)", &c->keep_insert, err);
    }
    return rc;
}

static void finalize_import(import_ctx *c)
{
    sqlite3_stmt *all[] = {c->cat_upsert, c->cat_titles_clear, c->title_insert, c->cat_exists,
                           c->art_find,   c->art_insert,       c->art_update,   c->keep_insert};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) sqlite3_finalize(all[i]);
}

ks_status ks_store_import(ks_store *store, ks_faq *const *faqs, size_t n_faqs, const ks_import_opts *opts,
                          ks_import_stats *stats, ks_error *err)
{
    static const ks_import_opts defaults = {KS_IMPORT_MERGE, 0, NULL, NULL};
    if (!opts) opts = &defaults;
    import_ctx c = {.s = store, .faqs = faqs, .n_faqs = n_faqs, .mode = opts->mode};
    ks_status rc = KS_OK;
    int in_txn = 0;
    for (size_t f = 0; f < n_faqs; f++)
        if (!faqs[f]) return ks_error_set(err, KS_ERR_INVALID, "import: document %zu is missing", f);
    if ((rc = check_cross_file_duplicates(&c, err)) != KS_OK) goto out;
    if ((rc = merge_categories(&c, err)) != KS_OK) goto out;

    /* Durable once this returns, even across a power cut. */
    if ((rc = exec(store, "PRAGMA synchronous=FULL", "starting the import", err)) != KS_OK) goto out;
    if ((rc = exec(store, "BEGIN IMMEDIATE", "starting the import", err)) != KS_OK) goto out;
    in_txn = 1;
    if ((rc = prepare_import(&c, err)) != KS_OK) goto out;
    if ((rc = check_categories(&c, err)) != KS_OK) goto out;
    if ((rc = write_categories(&c, err)) != KS_OK) goto out;
    for (size_t f = 0; f < n_faqs && rc == KS_OK; f++)
        for (size_t i = 0; i < faqs[f]->n_articles && rc == KS_OK; i++)
            rc = write_article(&c, faqs[f], &faqs[f]->articles[i], err);
    if (rc != KS_OK) goto out;
    if (c.mode == KS_IMPORT_REPLACE_ALL && (rc = remove_stale(&c, err)) != KS_OK) goto out;
    if (opts->content_version > 0 &&
        (rc = meta_set_int(store, "content_version", opts->content_version, err)) != KS_OK)
        goto out;
    int64_t version = 0;
    if ((rc = meta_get_int(store, "content_version", &version, err)) != KS_OK) goto out;
    if ((rc = log_import(&c, version, err)) != KS_OK) goto out;
    if ((rc = ks_search_finish_import(store->db, err)) != KS_OK) {
        rc = hook_fail(store, err, rc, "finishing the search index");
        goto out;
    }
    if (opts->before_commit && (rc = opts->before_commit(store->db, opts->user, err)) != KS_OK) goto out;
    /* Done with the statements; cleared so the finalize_import() after
     * out: is harmless. */
    finalize_import(&c);
    c.cat_upsert = c.cat_titles_clear = c.title_insert = c.cat_exists = NULL;
    c.art_find = c.art_insert = c.art_update = c.keep_insert = NULL;
    if ((rc = exec(store, "COMMIT", "committing the import", err)) != KS_OK) goto out;
    in_txn = 0;
    if (stats) *stats = c.stats;
out:
    finalize_import(&c);
    if (in_txn) rollback(store);
    if (rc != KS_OK && in_txn) ks_log_debug("store", "import rolled back: %s", err ? err->msg : "");
    sqlite3_exec(store->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    free_merged(&c);
    return rc;
}

ks_status ks_store_reindex(ks_store *store, size_t *n_articles, ks_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    ks_status rc = exec(store, "BEGIN IMMEDIATE", "starting to rebuild the search index", err);
    if (rc != KS_OK) return rc;
    if ((rc = prepare(store, "SELECT rowid FROM articles ORDER BY rowid", &st, err)) != KS_OK) goto out;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t rowid = sqlite3_column_int64(st, 0);
        if ((rc = ks_search_unindex_article(store->db, rowid, err)) != KS_OK ||
            (rc = ks_search_index_article(store->db, rowid, err)) != KS_OK) {
            rc = hook_fail(store, err, rc, "rebuilding the search index");
            goto out;
        }
        n++;
    }
    if (r != SQLITE_DONE) {
        rc = db_fail(store, err, r, "rebuilding the search index");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = ks_search_finish_import(store->db, err)) != KS_OK) {
        rc = hook_fail(store, err, rc, "rebuilding the search index");
        goto out;
    }
    rc = exec(store, "COMMIT", "committing the rebuilt search index", err);
out:
    sqlite3_finalize(st);
    if (rc != KS_OK) rollback(store);
    else if (n_articles) *n_articles = n;
    return rc;
}

/* ----------------------------------------------------------------- reads */

/* Binds the locale chain of tag to parameters first..first+3 (unused ones
 * NULL, which matches nothing). */
static void bind_chain(sqlite3_stmt *st, int first, const char *tag)
{
    char chain[KS_LOCALE_CHAIN_MAX][KS_LOCALE_MAX];
    size_t n = ks_locale_chain(tag ? tag : "en", chain);
    for (int i = 0; i < KS_LOCALE_CHAIN_MAX; i++) {
        if ((size_t)i < n) sqlite3_bind_text(st, first + i, chain[i], -1, SQLITE_TRANSIENT);
        else sqlite3_bind_null(st, first + i);
    }
}

/* SQL ranking a locale column by its place in the chain bound at ?1..?4. */
#define CHAIN_RANK(col)                                                                                   \
    "CASE " col " WHEN ?1 THEN 0 WHEN ?2 THEN 1 WHEN ?3 THEN 2 WHEN ?4 THEN 3 ELSE 4 END"

void ks_categories_free(ks_category *cats, size_t n)
{
    if (!cats) return;
    for (size_t i = 0; i < n; i++) {
        free(cats[i].id);
        free(cats[i].title);
        free(cats[i].locale);
    }
    free(cats);
}

ks_status ks_store_categories(ks_store *store, const char *locale, ks_category **out, size_t *n, ks_error *err)
{
    static const char sql[] =
        "SELECT c.id, c.position,"
        " (SELECT t.title FROM category_titles t WHERE t.category_id = c.id"
        "   ORDER BY " CHAIN_RANK("t.locale") ", t.locale LIMIT 1),"
        " (SELECT t.locale FROM category_titles t WHERE t.category_id = c.id"
        "   ORDER BY " CHAIN_RANK("t.locale") ", t.locale LIMIT 1),"
        " (SELECT COUNT(DISTINCT a.id) FROM articles a WHERE a.category = c.id"
        "   AND a.locale IN (?1, ?2, ?3, ?4))"
        " FROM categories c ORDER BY c.position, c.id";
    sqlite3_stmt *st = NULL;
    ks_category *cats = NULL;
    size_t count = 0, cap = 0;
    ks_status rc = prepare(store, sql, &st, err);
    if (rc != KS_OK) return rc;
    bind_chain(st, 1, locale);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            ks_category *nc = realloc(cats, ncap * sizeof *nc);
            if (!nc) {
                rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
                goto out;
            }
            cats = nc;
            cap = ncap;
        }
        ks_category *c = &cats[count];
        memset(c, 0, sizeof *c);
        count++;
        c->id = col_dup(st, 0);
        c->position = sqlite3_column_int(st, 1);
        /* A category without any title still shows: by its id. */
        c->title = sqlite3_column_type(st, 2) == SQLITE_NULL ? ks_strdup(c->id ? c->id : "") : col_dup(st, 2);
        c->locale = sqlite3_column_type(st, 3) == SQLITE_NULL ? ks_strdup("") : col_dup(st, 3);
        c->n_articles = (size_t)sqlite3_column_int64(st, 4);
        if (!c->id || !c->title || !c->locale) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    if (r != SQLITE_DONE) {
        rc = db_fail(store, err, r, "listing categories");
        goto out;
    }
    *out = cats;
    *n = count;
    cats = NULL;
out:
    if (cats) ks_categories_free(cats, count);
    sqlite3_finalize(st);
    return rc;
}

static void free_article_fields(ks_article *a)
{
    free(a->id);
    free(a->locale);
    free(a->category);
    free(a->title);
    free(a->body);
    free(a->media_json);
    free(a->updated_at);
}

void ks_articles_free(ks_article *arts, size_t n)
{
    if (!arts) return;
    for (size_t i = 0; i < n; i++) free_article_fields(&arts[i]);
    free(arts);
}

void ks_article_free(ks_article *art)
{
    if (!art) return;
    free_article_fields(art);
    free(art);
}

/* Columns of a summary row: id, locale, category, title, updated_at, views. */
#define SUMMARY_COLS "a.id, a.locale, a.category, a.title, a.updated_at, COALESCE(v.views, 0)"

/* Appends one summary row of st to *arts. */
static ks_status add_summary(sqlite3_stmt *st, ks_article **arts, size_t *count, size_t *cap, ks_error *err)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        ks_article *na = realloc(*arts, ncap * sizeof *na);
        if (!na) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        *arts = na;
        *cap = ncap;
    }
    ks_article *a = &(*arts)[*count];
    memset(a, 0, sizeof *a);
    (*count)++;
    a->id = col_dup(st, 0);
    a->locale = col_dup(st, 1);
    a->category = col_dup(st, 2);
    a->title = col_dup(st, 3);
    a->updated_at = col_dup(st, 4);
    a->views = sqlite3_column_int64(st, 5);
    if (!a->id || !a->locale || !a->title) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    return KS_OK;
}

static int listed(const ks_article *arts, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arts[i].id, id) == 0) return 1;
    return 0;
}

/* Summaries in one category (NULL: articles without one), one per id in
 * the best locale of the chain, skipping ids already in *arts, until
 * *count reaches limit (0: no limit). */
static ks_status list_category(ks_store *store, const char *category, const char *locale, size_t limit,
                               ks_article **arts, size_t *count, size_t *cap, ks_error *err)
{
    static const char sql[] =
        "SELECT id, locale, category, title, updated_at, views FROM ("
        " SELECT " SUMMARY_COLS " AS views, a.position AS position,"
        "  ROW_NUMBER() OVER (PARTITION BY a.id ORDER BY " CHAIN_RANK("a.locale") ") AS rn"
        " FROM articles a LEFT JOIN article_views v ON v.id = a.id"
        " WHERE a.category IS ?5 AND a.locale IN (?1, ?2, ?3, ?4))"
        " WHERE rn = 1 ORDER BY position, title, id LIMIT ?6";
    sqlite3_stmt *st = NULL;
    ks_status rc = prepare(store, sql, &st, err);
    if (rc != KS_OK) return rc;
    size_t already = *count;
    bind_chain(st, 1, locale);
    if (category) sqlite3_bind_text(st, 5, category, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, limit ? (int64_t)(limit + already) : -1);
    int r;
    while ((limit == 0 || *count < limit) && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (already && id && listed(*arts, already, id)) continue;
        if ((rc = add_summary(st, arts, count, cap, err)) != KS_OK) goto out;
    }
    if ((limit == 0 || *count < limit) && r != SQLITE_DONE) rc = db_fail(store, err, r, "listing articles");
out:
    sqlite3_finalize(st);
    return rc;
}

/* Most viewed first (ties by id), then, to fill the list on a kiosk where
 * little was viewed yet, the others in category and article order. Walks
 * the views index and the categories so a short list never scans all
 * articles. */
static ks_status list_most_viewed(ks_store *store, const char *locale, size_t limit, ks_article **arts,
                                  size_t *count, size_t *cap, ks_error *err)
{
    static const char viewed_sql[] = "SELECT id FROM article_views WHERE views > 0 ORDER BY views DESC, id";
    static const char best_sql[] =
        "SELECT " SUMMARY_COLS " FROM articles a LEFT JOIN article_views v ON v.id = a.id"
        " WHERE a.id = ?5 AND a.locale IN (?1, ?2, ?3, ?4) ORDER BY " CHAIN_RANK("a.locale") " LIMIT 1";
    sqlite3_stmt *viewed = NULL, *best = NULL, *cats = NULL;
    ks_status rc;
    int r;
    if ((rc = prepare(store, viewed_sql, &viewed, err)) != KS_OK ||
        (rc = prepare(store, best_sql, &best, err)) != KS_OK ||
        (rc = prepare(store, "SELECT id FROM categories ORDER BY position, id", &cats, err)) != KS_OK)
        goto out;
    bind_chain(best, 1, locale);
    while ((limit == 0 || *count < limit) && (r = sqlite3_step(viewed)) == SQLITE_ROW) {
        sqlite3_bind_text(best, 5, (const char *)sqlite3_column_text(viewed, 0), -1, SQLITE_TRANSIENT);
        int rb = sqlite3_step(best);
        if (rb == SQLITE_ROW) rc = add_summary(best, arts, count, cap, err);
        else if (rb != SQLITE_DONE) rc = db_fail(store, err, rb, "listing most viewed articles");
        sqlite3_reset(best);
        if (rc != KS_OK) goto out;
    }
    if ((limit == 0 || *count < limit) && r != SQLITE_DONE) {
        rc = db_fail(store, err, r, "listing most viewed articles");
        goto out;
    }
    while ((limit == 0 || *count < limit) && (r = sqlite3_step(cats)) == SQLITE_ROW) {
        char *id = col_dup(cats, 0);
        if (!id) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        rc = list_category(store, id, locale, limit, arts, count, cap, err);
        free(id);
        if (rc != KS_OK) goto out;
    }
    if ((limit == 0 || *count < limit) && r != SQLITE_DONE) {
        rc = db_fail(store, err, r, "listing categories");
        goto out;
    }
    if (limit == 0 || *count < limit) rc = list_category(store, NULL, locale, limit, arts, count, cap, err);
out:
    sqlite3_finalize(viewed);
    sqlite3_finalize(best);
    sqlite3_finalize(cats);
    return rc;
}

ks_status ks_store_articles(ks_store *store, const char *category, const char *locale, size_t limit,
                            ks_article **out, size_t *n, ks_error *err)
{
    ks_article *arts = NULL;
    size_t count = 0, cap = 0;
    ks_status rc;
    int began = read_begin(store);
    if (category) rc = list_category(store, category, locale, limit, &arts, &count, &cap, err);
    else rc = list_most_viewed(store, locale, limit, &arts, &count, &cap, err);
    read_end(store, began);
    if (rc != KS_OK) {
        ks_articles_free(arts, count);
        return rc;
    }
    *out = arts;
    *n = count;
    return KS_OK;
}

ks_status ks_store_article(ks_store *store, const char *id, const char *locale, ks_article **out, ks_error *err)
{
    static const char sql[] =
        "SELECT a.id, a.locale, a.category, a.title, a.body, a.media_json, a.updated_at, COALESCE(v.views, 0)"
        " FROM articles a LEFT JOIN article_views v ON v.id = a.id WHERE a.id = ?5"
        " ORDER BY " CHAIN_RANK("a.locale") ", a.locale LIMIT 1";
    if (!id) return ks_error_set(err, KS_ERR_INVALID, "no article id given");
    sqlite3_stmt *st = NULL;
    ks_article *a = NULL;
    ks_status rc = prepare(store, sql, &st, err);
    if (rc != KS_OK) return rc;
    bind_chain(st, 1, locale);
    sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        rc = ks_error_set(err, KS_ERR_NOT_FOUND, "no article '%s' in any locale", id);
        goto out;
    }
    if (r != SQLITE_ROW) {
        rc = db_fail(store, err, r, "reading an article");
        goto out;
    }
    a = calloc(1, sizeof *a);
    if (!a) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    a->id = col_dup(st, 0);
    a->locale = col_dup(st, 1);
    a->category = col_dup(st, 2);
    a->title = col_dup(st, 3);
    a->body = col_dup(st, 4);
    a->media_json = col_dup(st, 5);
    a->updated_at = col_dup(st, 6);
    a->views = sqlite3_column_int64(st, 7);
    if (!a->id || !a->locale || !a->title || !a->body) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    *out = a;
    a = NULL;
out:
    ks_article_free(a);
    sqlite3_finalize(st);
    return rc;
}

ks_status ks_store_record_view(ks_store *store, const char *id, ks_error *err)
{
    if (!id) return ks_error_set(err, KS_ERR_INVALID, "no article id given");
    sqlite3_stmt *st = NULL;
    ks_status rc = prepare(store,
                           "INSERT INTO article_views(id, views) SELECT ?1, 1 WHERE EXISTS "
                           "(SELECT 1 FROM articles WHERE id = ?1) "
                           "ON CONFLICT(id) DO UPDATE SET views = views + 1",
                           &st, err);
    if (rc != KS_OK) return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_busy_timeout(store->db, VIEW_BUSY_TIMEOUT_MS);
    int r = sqlite3_step(st);
    sqlite3_busy_timeout(store->db, BUSY_TIMEOUT_MS);
    if (r != SQLITE_DONE) rc = db_fail(store, err, r, "counting a view");
    else if (sqlite3_changes(store->db) == 0)
        rc = ks_error_set(err, KS_ERR_NOT_FOUND, "no article '%s' to count a view for", id);
    sqlite3_finalize(st);
    return rc;
}

ks_status ks_store_content_version(ks_store *store, int64_t *out, ks_error *err)
{
    return meta_get_int(store, "content_version", out, err);
}

static ks_status count_query(ks_store *store, const char *sql, int64_t *out, ks_error *err)
{
    sqlite3_stmt *st = NULL;
    ks_status rc = prepare(store, sql, &st, err);
    if (rc != KS_OK) return rc;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    else rc = db_fail(store, err, r, "counting");
    sqlite3_finalize(st);
    return rc;
}

ks_status ks_store_article_count(ks_store *store, int64_t *out, ks_error *err)
{
    return count_query(store, "SELECT COUNT(*) FROM articles", out, err);
}

ks_status ks_store_get(ks_store *store, const char *key, char **out, ks_error *err)
{
    if (!key) return ks_error_set(err, KS_ERR_INVALID, "no key given");
    sqlite3_stmt *st = NULL;
    ks_status rc = prepare(store, "SELECT value FROM kv WHERE key = ?1", &st, err);
    if (rc != KS_OK) return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *out = col_dup(st, 0);
        if (!*out) rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    } else if (r == SQLITE_DONE) {
        rc = ks_error_set(err, KS_ERR_NOT_FOUND, "setting '%s' is not set", key);
    } else {
        rc = db_fail(store, err, r, "reading a setting");
    }
    sqlite3_finalize(st);
    return rc;
}

ks_status ks_store_set(ks_store *store, const char *key, const char *value, ks_error *err)
{
    if (!key) return ks_error_set(err, KS_ERR_INVALID, "no key given");
    sqlite3_stmt *st = NULL;
    ks_status rc = prepare(store,
                           value ? "INSERT INTO kv(key, value) VALUES(?1, ?2) "
                                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                                 : "DELETE FROM kv WHERE key = ?1",
                           &st, err);
    if (rc != KS_OK) return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (value) sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r != SQLITE_DONE) {
        char what[160];
        snprintf(what, sizeof what, "saving setting '%s'", key);
        rc = db_fail(store, err, r, what);
    }
    sqlite3_finalize(st);
    return rc;
}

/* ------------------------------------------------------------------ info */

void ks_store_info_free(ks_store_info *info)
{
    if (!info) return;
    free(info->locales);
    free(info->last_import_mode);
    free(info->last_import_sources);
    memset(info, 0, sizeof *info);
}

ks_status ks_store_get_info(ks_store *store, ks_store_info *out, ks_error *err)
{
    ks_store_info info = {0};
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    ks_status rc;
    int began = read_begin(store);
    if ((rc = meta_get_int(store, "schema_version", &v, err)) != KS_OK) goto out;
    info.schema_version = (int)v;
    if ((rc = meta_get_int(store, "content_version", &info.content_version, err)) != KS_OK ||
        (rc = count_query(store, "SELECT COUNT(*) FROM articles", &info.articles, err)) != KS_OK ||
        (rc = count_query(store, "SELECT COUNT(DISTINCT id) FROM articles", &info.article_ids, err)) != KS_OK ||
        (rc = count_query(store, "SELECT COUNT(*) FROM categories", &info.categories, err)) != KS_OK)
        goto out;
    if ((rc = prepare(store, "SELECT locale, COUNT(*) FROM articles GROUP BY locale ORDER BY locale", &st, err)) !=
        KS_OK)
        goto out;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        ks_store_locale_count *nl = realloc(info.locales, (info.n_locales + 1) * sizeof *nl);
        if (!nl) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        info.locales = nl;
        const char *loc = (const char *)sqlite3_column_text(st, 0);
        snprintf(nl[info.n_locales].locale, KS_LOCALE_MAX, "%s", loc ? loc : "");
        nl[info.n_locales].articles = sqlite3_column_int64(st, 1);
        info.n_locales++;
    }
    if (r != SQLITE_DONE) {
        rc = db_fail(store, err, r, "reading the status");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = prepare(store, "SELECT at, mode, sources, articles FROM import_log ORDER BY rowid DESC LIMIT 1", &st,
                      err)) != KS_OK)
        goto out;
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        info.last_import_at = sqlite3_column_int64(st, 0);
        info.last_import_mode = col_dup(st, 1);
        info.last_import_sources = col_dup(st, 2);
        info.last_import_articles = sqlite3_column_int64(st, 3);
    } else if (r != SQLITE_DONE) {
        rc = db_fail(store, err, r, "reading the status");
        goto out;
    }
    uint64_t size = 0;
    if (ks_file_size(store->db_path, &size, NULL) == KS_OK) info.db_bytes += size;
    char *wal = malloc(strlen(store->db_path) + 5);
    if (wal) {
        memcpy(wal, store->db_path, strlen(store->db_path));
        memcpy(wal + strlen(store->db_path), "-wal", 5);
        if (ks_file_size(wal, &size, NULL) == KS_OK) info.db_bytes += size;
        free(wal);
    }
    *out = info;
    memset(&info, 0, sizeof info);
out:
    sqlite3_finalize(st);
    read_end(store, began);
    ks_store_info_free(&info);
    return rc;
}
