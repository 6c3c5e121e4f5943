/*
 * content.c - the app's access to the FAQ: store and search on the UI
 * thread, the first-run import of the bundled sample on a worker thread,
 * media references resolved to files.
 *
 * Why a worker: importing and indexing the sample takes long enough to
 * miss the first-frame budget, and the UI thread must never block. The
 * worker opens its own store connection (SQLite WAL: the UI keeps reading
 * the old state meanwhile) and wakes the UI thread when done. Must not:
 * draw, or hold the UI thread longer than a query.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "ks/faq.h"
#include "ks/log.h"
#include "ks/mediastore.h"
#include "ks/path.h"

#include "content.h"

#define VIEW_QUEUE 64

struct content {
    ks_store *store;
    ks_search *search;
    char *data_dir, *assets_dir;
    void (*wake)(void *);
    void *wake_user;
    SDL_Thread *worker;
    int job;           /* JOB_IMPORT or JOB_REINDEX */
    /* view counts are written by their own thread: a write transaction
     * waits for the disk (fsync), which the UI thread never does; the same
     * thread preloads what search will need (preload) */
    SDL_Thread *writer;
    SDL_mutex *lock;
    SDL_cond *cond;
    char *views[VIEW_QUEUE];
    size_t n_views;
    int preload; /* search was (re)opened: open its word vectors and encoder */
    int stop;
    SDL_atomic_t done; /* the worker finished (successfully or not) */
    int ready;
    char error[KS_ERROR_MSG_MAX];
};

enum { JOB_IMPORT, JOB_REINDEX };

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Imports every sample file in one transaction: all of it or none. */
static ks_status import_sample(const char *data_dir, const char *assets_dir, ks_error *err)
{
    ks_status st = KS_OK;
    ks_store *store = NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    ks_faq **faqs = NULL;
    size_t n_faqs = 0;
    char *dir = ks_path_join(assets_dir, "content/sample");
    if (!dir) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    DIR *d = opendir(dir);
    if (!d) {
        st = ks_error_set(err, KS_ERR_NOT_FOUND, "no bundled sample content: cannot open %s", dir);
        goto out;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 || e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            char **p = realloc(names, cap * sizeof *p);
            if (!p) {
                closedir(d);
                st = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
                goto out;
            }
            names = p;
        }
        names[n] = ks_path_join(dir, e->d_name);
        if (!names[n]) {
            closedir(d);
            st = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        n++;
    }
    closedir(d);
    if (n == 0) {
        st = ks_error_set(err, KS_ERR_NOT_FOUND, "no bundled sample content: %s has no .json file", dir);
        goto out;
    }
    /* Sorted, so the same files always import in the same order. */
    qsort(names, n, sizeof *names, cmp_str);
    faqs = calloc(n, sizeof *faqs);
    if (!faqs) {
        st = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        st = ks_faq_load_file(names[i], &faqs[n_faqs], err);
        if (st) goto out;
        n_faqs++;
    }
    st = ks_store_open(data_dir, &store, err);
    if (st) goto out;
    ks_import_stats is = {0};
    st = ks_store_import(store, faqs, n_faqs, NULL, &is, err);
    if (st) goto out;
    ks_log_info("content", "imported the bundled sample: %zu files, %zu categories, %zu articles", n_faqs,
                is.categories, is.articles);
out:
    ks_store_close(store);
    for (size_t i = 0; i < n_faqs; i++) ks_faq_free(faqs[i]);
    free(faqs);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    free(dir);
    return st;
}

/* Rebuilds the search index (lost, or from another engine version). */
static ks_status reindex(const char *data_dir, ks_error *err)
{
    ks_store *store = NULL;
    size_t n = 0;
    ks_status st = ks_store_open(data_dir, &store, err);
    if (st == KS_OK) st = ks_store_reindex(store, &n, err);
    if (st == KS_OK) ks_log_info("content", "rebuilt the search index: %zu articles", n);
    ks_store_close(store);
    return st;
}

static int worker_main(void *arg)
{
    content *c = arg;
    ks_error err = {0};
    if (c->job == JOB_IMPORT && import_sample(c->data_dir, c->assets_dir, &err) != KS_OK) {
        snprintf(c->error, sizeof c->error, "%s", err.msg);
        ks_log_error("content", "the bundled sample content could not be imported: %s", err.msg);
    } else if (c->job == JOB_REINDEX && reindex(c->data_dir, &err) != KS_OK) {
        snprintf(c->error, sizeof c->error, "%s", err.msg);
        ks_log_error("content", "the search index could not be rebuilt: %s", err.msg);
    }
    SDL_AtomicSet(&c->done, 1);
    if (c->wake) c->wake(c->wake_user);
    return 0;
}

/* The helper thread's own connection, opened on first need. */
static ks_store *helper_store(content *c, ks_store **store)
{
    ks_error err = {0};
    if (!*store && ks_store_open(c->data_dir, store, &err) != KS_OK)
        ks_log_warn("content", "view counts and search preloading are off: cannot open the store: %s", err.msg);
    return *store;
}

static int writer_main(void *arg)
{
    content *c = arg;
    ks_store *store = NULL;
    ks_error err = {0};
    SDL_LockMutex(c->lock);
    for (;;) {
        while (!c->stop && c->n_views == 0 && !c->preload) SDL_CondWait(c->cond, c->lock);
        if (c->n_views == 0 && c->stop) break;
        if (c->preload) {
            c->preload = 0;
            SDL_UnlockMutex(c->lock);
            /* the encoder's 75 ms are spent here, not on the UI thread
             * when the first visitor pauses typing */
            if (helper_store(c, &store)) ks_search_preload(ks_store_db(store));
            SDL_LockMutex(c->lock);
            continue;
        }
        char *id = c->views[0];
        memmove(c->views, c->views + 1, (c->n_views - 1) * sizeof c->views[0]);
        c->n_views--;
        SDL_UnlockMutex(c->lock);
        if (helper_store(c, &store) && ks_store_record_view(store, id, &err) != KS_OK)
            ks_log_warn("content", "view of '%s' not counted: %s", id, err.msg);
        free(id);
        SDL_LockMutex(c->lock);
    }
    SDL_UnlockMutex(c->lock);
    ks_store_close(store);
    return 0;
}

static void open_search(content *c)
{
    ks_error err = {0};
    ks_search_close(c->search);
    c->search = NULL;
    if (ks_search_open(ks_store_db(c->store), &c->search, &err) != KS_OK) {
        ks_log_error("content", "search is unavailable: %s", err.msg);
        return;
    }
    SDL_LockMutex(c->lock);
    c->preload = 1;
    SDL_CondSignal(c->cond);
    SDL_UnlockMutex(c->lock);
}

ks_status content_open(const char *data_dir, const char *assets_dir, void (*wake)(void *user), void *user,
                       content **out, ks_error *err)
{
    ks_status st = KS_OK;
    content *c = calloc(1, sizeof *c);
    if (!c) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    c->data_dir = strdup(data_dir);
    c->assets_dir = strdup(assets_dir);
    c->wake = wake;
    c->wake_user = user;
    if (!c->data_dir || !c->assets_dir) {
        st = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    c->lock = SDL_CreateMutex();
    c->cond = SDL_CreateCond();
    if (!c->lock || !c->cond || !(c->writer = SDL_CreateThread(writer_main, "ks-views", c))) {
        st = ks_error_set(err, KS_ERR_NOMEM, "cannot start the view-count thread: %s", SDL_GetError());
        goto fail;
    }
    st = ks_store_open(data_dir, &c->store, err);
    if (st) goto fail;
    int64_t count = 0;
    st = ks_store_article_count(c->store, &count, err);
    if (st) goto fail;
    if (count == 0) {
        ks_log_info("content", "the store in %s is empty: importing the bundled sample content", data_dir);
        c->job = JOB_IMPORT;
    } else if (ks_search_needs_reindex(ks_store_db(c->store))) {
        /* Browsing works meanwhile; search comes back when it is done. */
        ks_log_info("content", "the search index needs rebuilding: doing it in the background");
        c->job = JOB_REINDEX;
        c->ready = 1;
    } else {
        c->ready = 1;
        open_search(c);
    }
    if (!c->ready || c->job == JOB_REINDEX) {
        c->worker = SDL_CreateThread(worker_main, "ks-content", c);
        if (!c->worker) {
            st = ks_error_set(err, KS_ERR_NOMEM, "cannot start the content thread: %s", SDL_GetError());
            goto fail;
        }
    }
    *out = c;
    return KS_OK;
fail:
    content_close(c);
    return st;
}

void content_close(content *c)
{
    if (!c) return;
    if (c->worker) SDL_WaitThread(c->worker, NULL);
    if (c->writer) {
        SDL_LockMutex(c->lock);
        c->stop = 1; /* the queue is written out first */
        SDL_CondSignal(c->cond);
        SDL_UnlockMutex(c->lock);
        SDL_WaitThread(c->writer, NULL);
    }
    for (size_t i = 0; i < c->n_views; i++) free(c->views[i]);
    if (c->cond) SDL_DestroyCond(c->cond);
    if (c->lock) SDL_DestroyMutex(c->lock);
    ks_search_close(c->search);
    ks_store_close(c->store);
    free(c->data_dir);
    free(c->assets_dir);
    free(c);
}

int content_poll(content *c)
{
    if (!c->worker || !SDL_AtomicGet(&c->done)) return 0;
    SDL_WaitThread(c->worker, NULL);
    c->worker = NULL;
    c->ready = 1;
    open_search(c);
    return 1;
}

int content_ready(const content *c) { return c->ready; }
const char *content_error(const content *c) { return c->error[0] ? c->error : NULL; }
ks_store *content_store(content *c) { return c->store; }

int content_wait(content *c, unsigned timeout_ms)
{
    if (!c->worker) return c->ready;
    unsigned waited = 0;
    while (!SDL_AtomicGet(&c->done) && waited < timeout_ms) {
        SDL_Delay(5);
        waited += 5;
    }
    content_poll(c);
    return c->ready;
}

void content_categories(content *c, const char *locale, ks_category **out, size_t *n)
{
    ks_error err = {0};
    *out = NULL;
    *n = 0;
    if (ks_store_categories(c->store, locale, out, n, &err) != KS_OK) {
        ks_log_error("content", "cannot list categories (%s): %s", locale, err.msg);
        *out = NULL;
        *n = 0;
    }
}

void content_articles(content *c, const char *category, const char *locale, size_t limit, ks_article **out,
                      size_t *n)
{
    ks_error err = {0};
    *out = NULL;
    *n = 0;
    if (ks_store_articles(c->store, category, locale, limit, out, n, &err) != KS_OK) {
        ks_log_error("content", "cannot list articles of '%s' (%s): %s", category ? category : "(popular)", locale,
                     err.msg);
        *out = NULL;
        *n = 0;
    }
}

ks_article *content_article(content *c, const char *id, const char *locale)
{
    ks_error err = {0};
    ks_article *a = NULL;
    ks_status st = ks_store_article(c->store, id, locale, &a, &err);
    if (st == KS_ERR_NOT_FOUND) return NULL;
    if (st) {
        ks_log_error("content", "cannot read article '%s' (%s): %s", id, locale, err.msg);
        return NULL;
    }
    return a;
}

int content_search(content *c, const char *query, const char *locale, size_t limit, unsigned flags,
                   ks_search_result *out)
{
    memset(out, 0, sizeof *out);
    if (!c->search) return -1;
    ks_error err = {0};
    if (ks_search_query_ex(c->search, query, strlen(query), locale, limit, flags, out, &err) != KS_OK) {
        ks_log_error("content", "search failed for a %zu-byte query: %s", strlen(query), err.msg);
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}

void content_record_view(content *c, const char *id)
{
    char *copy = strdup(id);
    if (!copy) return;
    SDL_LockMutex(c->lock);
    if (c->n_views < VIEW_QUEUE) {
        c->views[c->n_views++] = copy;
        copy = NULL;
        SDL_CondSignal(c->cond);
    }
    SDL_UnlockMutex(c->lock);
    if (copy) {
        ks_log_warn("content", "view of '%s' not counted: %d views already waiting to be written", id, VIEW_QUEUE);
        free(copy);
    }
}

char *content_media_path(content *c, const char *src)
{
    if (!src || !*src) return NULL;
    ks_error err = {0};
    char *path = NULL;
    if (ks_media_lookup(c->store, src, &path, &err) == KS_OK) return path;
    /* The bundled sample ships its media beside it, not in the media
     * store: "media/x.png" -> ASSETS/content/sample/media/x.png. */
    const char *name = strncmp(src, "media/", 6) == 0 ? src + 6 : src;
    if (!ks_path_is_safe_relative(name)) {
        ks_log_warn("content", "refusing media reference '%s': not a safe relative name", src);
        return NULL;
    }
    char *dir = ks_path_join(c->assets_dir, "content/sample/media");
    char *p = dir ? ks_path_join(dir, name) : NULL;
    free(dir);
    if (p && ks_path_exists(p)) return p;
    free(p);
    ks_log_warn("content", "media '%s' is neither in the media store nor in the bundled sample", src);
    return NULL;
}

char *content_category_title(content *c, const char *id, const char *locale)
{
    if (!id) return NULL;
    ks_category *cats = NULL;
    size_t n = 0;
    content_categories(c, locale, &cats, &n);
    char *t = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(cats[i].id, id) == 0) t = strdup(cats[i].title);
    ks_categories_free(cats, n);
    return t;
}
