/*
 * store.h - the kiosk's SQLite database: content (categories, articles in
 * several locales), content version, view counts, settings and sync state.
 *
 * One file, DATA_DIR/kiosk.db, in WAL mode. Schema changes are versioned
 * migrations run at open. Every write is one transaction: a reader never
 * sees half an import. A ks_store is used by one thread at a time; other
 * threads open their own (SQLite connections are cheap).
 *
 * Strings in returned structs are owned by the struct: free with the
 * matching *_free function.
 */
#ifndef KS_STORE_H
#define KS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"
#include "ks/faq.h"
#include "ks/locale.h"

typedef struct ks_store ks_store;
typedef struct sqlite3 sqlite3;

/* Opens (creating and migrating) DATA_DIR/kiosk.db. Creates data_dir. */
ks_status ks_store_open(const char *data_dir, ks_store **out, ks_error *err);
void ks_store_close(ks_store *store);
/* The underlying connection, for core modules that keep their own tables
 * (search index, sync state). Owned by the store. */
sqlite3 *ks_store_db(ks_store *store);
const char *ks_store_data_dir(const ks_store *store);

typedef enum ks_import_mode {
    KS_IMPORT_MERGE,       /* replace the categories and id+locale articles the files name */
    KS_IMPORT_REPLACE_ALL, /* the files are the whole content (bundles) */
} ks_import_mode;

typedef struct ks_import_opts {
    ks_import_mode mode;
    int64_t content_version; /* > 0: set it in the same transaction */
    /* Called inside the transaction just before commit, e.g. to record the
     * media a bundle references. A non-OK status rolls everything back. */
    ks_status (*before_commit)(sqlite3 *db, void *user, ks_error *err);
    void *user;
} ks_import_opts;

typedef struct ks_import_stats {
    size_t categories;  /* categories written */
    size_t articles;    /* articles in the files */
    size_t removed;     /* articles deleted (REPLACE_ALL) */
    size_t unchanged;   /* articles identical to the stored ones: not re-indexed */
} ks_import_stats;

/* Imports one or more parsed documents in one transaction, all or nothing.
 * opts may be NULL (merge, version unchanged). stats may be NULL.
 * A category named by an article must be defined in one of the documents
 * or (MERGE only) already be in the store. The same category in several
 * documents merges its titles (later documents win per locale); the same
 * id+locale article in two documents is an error. SQLITE_FULL (disk full,
 * size cap) is KS_ERR_NOSPACE. On any failure the database is exactly as
 * before. */
ks_status ks_store_import(ks_store *store, ks_faq *const *faqs, size_t n_faqs,
                          const ks_import_opts *opts, ks_import_stats *stats, ks_error *err);

/* Re-indexes every article (unindex + index, then finish) in one
 * transaction: for when the search index was lost or its format changed,
 * since imports skip unchanged articles. n_articles may be NULL. */
ks_status ks_store_reindex(ks_store *store, size_t *n_articles, ks_error *err);

typedef struct ks_category {
    char *id;
    char *title;        /* in the best locale of the chain */
    char *locale;       /* the locale the title came from */
    int position;
    size_t n_articles;  /* articles reachable in the chain */
} ks_category;

/* Categories ordered by position, titles along locale's fallback chain. */
ks_status ks_store_categories(ks_store *store, const char *locale, ks_category **out, size_t *n,
                              ks_error *err);
void ks_categories_free(ks_category *cats, size_t n);

typedef struct ks_article {
    char *id;
    char *locale;       /* the locale actually returned (may be a fallback) */
    char *category;     /* NULL when none */
    char *title;
    char *body;         /* light markup, see docs/faq-format.md */
    char *media_json;   /* NULL when none */
    char *updated_at;   /* NULL when none */
    int64_t views;
} ks_article;

/* Article summaries (id, locale, title; body NULL) in a category, one per id
 * in the best locale of the chain, ordered by position then title. category
 * NULL lists the most viewed articles (limit applies; 0 = no limit): viewed
 * ones by views (ties by id), then, so the list is full on a new kiosk, the
 * others in category order then article order. */
ks_status ks_store_articles(ks_store *store, const char *category, const char *locale, size_t limit,
                            ks_article **out, size_t *n, ks_error *err);
void ks_articles_free(ks_article *arts, size_t n);

/* One article by id in the best locale of locale's chain. KS_ERR_NOT_FOUND
 * when it exists in no locale. *out: ks_article_free(). */
ks_status ks_store_article(ks_store *store, const char *id, const char *locale, ks_article **out,
                           ks_error *err);
void ks_article_free(ks_article *art);

/* Counts one view of article id (all locales share the count).
 * KS_ERR_NOT_FOUND when no such article. Waits at most ~50 ms for an import
 * running in another process (then KS_ERR_BUSY, the view is not counted):
 * it is called from the UI thread. */
ks_status ks_store_record_view(ks_store *store, const char *id, ks_error *err);

/* Installed content version (0 when only sample/imported files). */
ks_status ks_store_content_version(ks_store *store, int64_t *out, ks_error *err);
/* Number of articles (all locales). */
ks_status ks_store_article_count(ks_store *store, int64_t *out, ks_error *err);

/* Key/value state that must survive restarts (settings, sync state).
 * ks_store_get: *out malloc'ed (free()), KS_ERR_NOT_FOUND when unset. */
ks_status ks_store_get(ks_store *store, const char *key, char **out, ks_error *err);
/* value NULL deletes the key. */
ks_status ks_store_set(ks_store *store, const char *key, const char *value, ks_error *err);

/* --- for technicians (kioskctl status, diagnostics) --- */

typedef struct ks_store_locale_count {
    char locale[KS_LOCALE_MAX];
    int64_t articles;
} ks_store_locale_count;

typedef struct ks_store_info {
    int schema_version;
    int64_t content_version;
    int64_t articles;          /* rows, all locales */
    int64_t article_ids;       /* distinct ids */
    int64_t categories;
    ks_store_locale_count *locales; /* sorted by locale */
    size_t n_locales;
    uint64_t db_bytes;         /* kiosk.db plus its WAL */
    /* The last import: last_import_at 0 when there was none. */
    int64_t last_import_at;    /* unix seconds */
    char *last_import_mode;    /* "merge" or "replace-all" */
    char *last_import_sources; /* file names, ", "-separated (may be cut) */
    int64_t last_import_articles;
} ks_store_info;

/* Fills *out: free with ks_store_info_free(). */
ks_status ks_store_get_info(ks_store *store, ks_store_info *out, ks_error *err);
void ks_store_info_free(ks_store_info *info);

/* The schema version this build migrates databases to. */
int ks_store_schema_version(void);

#endif
