/*
 * search.h - the search engine: from what a visitor types (Simplified or
 * Traditional Chinese, English, typos, their own words) to ranked articles,
 * plus an honest decision whether the first one answers the query.
 *
 * The index lives in the store's database, in tables this module owns, and
 * is kept current by the store's import (the ks_search_index_* calls run
 * inside the import transaction). Queries never fail for the visitor:
 * operators, quotes, huge or invalid UTF-8 input are treated as text.
 */
#ifndef KS_SEARCH_H
#define KS_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"

typedef struct sqlite3 sqlite3;

/* --- index maintenance (called by the store, inside its transaction) --- */

/* Creates this module's tables if missing (run from the store's migrations). */
ks_status ks_search_schema_create(sqlite3 *db, ks_error *err);
/* Indexes the article at articles.rowid (after insert or update). */
ks_status ks_search_index_article(sqlite3 *db, int64_t article_rowid, ks_error *err);
/* Removes the article at articles.rowid from the index (before delete). */
ks_status ks_search_unindex_article(sqlite3 *db, int64_t article_rowid, ks_error *err);
/* Once at the end of an import, still inside the transaction: refresh
 * whatever is derived from the whole content (vocabulary, statistics). */
ks_status ks_search_finish_import(sqlite3 *db, ks_error *err);

/* 1 when db holds articles but the index is missing, incomplete or from
 * another version of the engine (then ks_search_open fails with
 * KS_ERR_CORRUPT until ks_store_reindex has rebuilt it). */
int ks_search_needs_reindex(sqlite3 *db);

/* Opens what db's index was made with beyond its own tables (the word
 * vectors of wordvec.h, the sentence encoder of encoder.h; both
 * process-wide), so that the first query needing them does not wait for
 * that (~75 ms). For a worker thread, with its own connection; does nothing
 * for content that uses neither. */
void ks_search_preload(sqlite3 *db);

/* --- queries --- */

typedef struct ks_search ks_search;

/* A query engine over db (not owned). One per thread. *out:
 * ks_search_close(). Cheap to reopen after an import changed the content. */
ks_status ks_search_open(sqlite3 *db, ks_search **out, ks_error *err);
void ks_search_close(ks_search *s);

typedef struct ks_search_hit {
    char *id;
    char *locale;
    char *title;
    double score;
} ks_search_hit;

typedef struct ks_search_result {
    ks_search_hit *hits;  /* best first */
    size_t n_hits;
    int confident;        /* 1 when hits[0] answers the query */
    int partial;          /* KS_SEARCH_QUICK left out sentence vectors that may change the answer */
    uint64_t took_us;
} ks_search_result;

/* Searches for query (len bytes, any bytes). locale: prefer articles in this
 * locale, falling back along its chain; NULL = any locale, one hit per id.
 * limit: most hits (1..100). *out is filled: ks_search_result_free(). */
ks_status ks_search_query(ks_search *s, const char *query, size_t len, const char *locale, size_t limit,
                          ks_search_result *out, ks_error *err);

/* What a query may leave out (ks_search_query_ex). */
enum {
    /* No sentence vectors (encoder.h), which cost an English query a few
     * milliseconds: for every keystroke, with the full query once the
     * visitor pauses (out->partial says whether it would add anything). */
    KS_SEARCH_QUICK = 1,
};
ks_status ks_search_query_ex(ks_search *s, const char *query, size_t len, const char *locale, size_t limit,
                             unsigned flags, ks_search_result *out, ks_error *err);
void ks_search_result_free(ks_search_result *r);

#endif
