/*
 * content.h - the app's view of the FAQ (private to client/app): the store
 * and the search engine opened on the UI thread, the bundled sample content
 * imported by a worker thread when the store is empty, and article media
 * resolved to files.
 *
 * Reads are quick local SQLite queries and run on the UI thread; the one
 * slow job (the first import) never does.
 */
#ifndef KS_APP_CONTENT_H
#define KS_APP_CONTENT_H

#include <stddef.h>

#include "ks/error.h"
#include "ks/search.h"
#include "ks/store.h"

typedef struct content content;

/* Opens DATA_DIR's store. When it holds no article, starts importing every
 * .json file of ASSETS/content/sample in one transaction on a worker thread;
 * when the search index needs rebuilding, rebuilds it there. The worker
 * calls wake(user) when it is done. *out: content_close(). */
ks_status content_open(const char *data_dir, const char *assets_dir, void (*wake)(void *user),
                       void *user, content **out, ks_error *err);
void content_close(content *c);

/* Call on the UI thread after a wake: finishes a completed import (joins
 * the worker, reopens search). Returns 1 when the content changed. */
int content_poll(content *c);
/* 1 once the content can be shown (no import running). */
int content_ready(const content *c);
/* Blocks up to timeout_ms for the background job; returns content_ready(). */
int content_wait(content *c, unsigned timeout_ms);
/* The last import error, or NULL. */
const char *content_error(const content *c);

ks_store *content_store(content *c);

/* The wrappers log failures and return empty results: a visitor sees an
 * empty list, the technician a precise log line. */
void content_categories(content *c, const char *locale, ks_category **out, size_t *n);
void content_articles(content *c, const char *category, const char *locale, size_t limit,
                      ks_article **out, size_t *n);
/* NULL when not found. Free with ks_article_free(). */
ks_article *content_article(content *c, const char *id, const char *locale);
/* 0 on success (fills *out: ks_search_result_free()), -1 on failure.
 * flags: ks_search_query_ex's (KS_SEARCH_QUICK while the visitor types). */
int content_search(content *c, const char *query, const char *locale, size_t limit, unsigned flags,
                   ks_search_result *out);
/* Counts a view of article id: queued for a background thread (a write
 * waits for the disk); written before content_close() returns. */
void content_record_view(content *c, const char *id);
/* The file for a media reference in an article body ("media/x.png"):
 * the live media store first, then the bundled sample media. malloc'ed,
 * free(); NULL when there is none. */
char *content_media_path(content *c, const char *src);
/* The category's title in locale, or NULL (malloc'ed: free()). */
char *content_category_title(content *c, const char *id, const char *locale);

#endif
