/*
 * search_index.c - building the search index inside the store's import
 * transaction: the per-article hooks analyse an article into a compact
 * record (search_doc), and ks_search_finish_import turns the records into
 * impact-ordered posting lists (search_term) and the word vocabulary used
 * for typo tolerance and prefixes (search_meta 'vocab').
 *
 * It must stay cheap per article (imports run at thousands of articles per
 * second) and never see half an import: everything it writes is part of the
 * store's transaction, so a rolled back import rolls the index back too.
 *
 * Tables (all named search_*):
 *   search_doc(rowid = articles.rowid, aid, locale, title, data, surf)
 *                                   what a result shows (copied from the
 *                                   article, so a query reads one row per
 *                                   candidate), its analysed fields, and its
 *                                   distinct words as written (vocabulary)
 *   search_term(term, df, pid)      the dictionary: small rows, so lookups
 *                                   stay in SQLite's cache
 *   search_post(pid, h1, h2, tail)  postings, best impact first: the first
 *                                   KS_H1_POSTINGS in h1, up to
 *                                   KS_HEAD_POSTINGS in h2, the rest in tail
 *   search_model(feature, w)        the on-device classifier (search_model.c)
 *   search_pending(rowid, old)                 articles changed in this import
 *   search_sentvec(key, gen, vec)              sentence vectors of questions, by text
 *                                              (search_model.c: an import encodes
 *                                              only the questions it has not seen)
 *   search_meta(key, value)                    n_docs, avgdl, format, vocab...
 *
 * Document record (data): byte 1 (version); varint n_fields; per field:
 * byte kind, varint n_tokens, varint n_terms, per term: byte len, bytes,
 * varint tf (terms sorted by bytes). Surface words (surf): varint n, per
 * word: byte len, bytes. They are apart so queries, which re-score from
 * data, never read them.
 *
 * Posting lists: groups of [byte impact][varint count][count varint rowid
 * deltas], impacts descending, rowids ascending within a group. impact/255
 * is the BM25 term-frequency factor scaled to [0, 1).
 */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <utf8proc.h>

#include "ks/analyze.h"
#include "ks/log.h"
#include "ks/pinyin.h"
#include "ks/search.h"
#include "search_util.h"

/* Caps that keep indexing cheap and the index small. */
#define BODY_MAX_BYTES (64u * 1024u) /* analysed prefix of a body */
#define BODY_MAX_TERMS 64            /* distinct body terms kept per article */
#define FIELD_MAX_TERMS 4096         /* terms analysed per title/question/keyword */
#define MAX_QUESTIONS 64

/* ------------------------------------------------------------ helpers */

void ks_buf_put(ks_buf *b, const void *data, size_t n)
{
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t ncap = b->cap ? b->cap : 256;
        while (ncap < b->n + n)
            ncap *= 2;
        uint8_t *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

void ks_buf_byte(ks_buf *b, uint8_t c)
{
    ks_buf_put(b, &c, 1);
}

void ks_buf_varint(ks_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        uint8_t c = v & 0x7F;
        v >>= 7;
        tmp[n++] = (uint8_t)(c | (v ? 0x80 : 0));
    } while (v);
    ks_buf_put(b, tmp, n);
}

void ks_buf_free(ks_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

int ks_rd_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
    const uint8_t *p = *pp;
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end) return 0;
        uint8_t c = *p++;
        x |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *pp = p;
            *v = x;
            return 1;
        }
    }
    return 0;
}

uint64_t ks_hash_bytes(const void *data, size_t n)
{
    /* FNV-1a: a table index, not a security hash. */
    const uint8_t *p = data;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static int strmap_grow(ks_strmap *m)
{
    size_t ns = m->n_slots ? m->n_slots * 2 : 1024;
    uint32_t *slots = calloc(ns, sizeof *slots);
    if (!slots) return 0;
    for (size_t id = 0; id < m->n; id++) {
        uint64_t h = ks_hash_bytes(m->arena + m->off[id], m->len[id]);
        size_t i = h & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = (uint32_t)id + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->n_slots = ns;
    return 1;
}

uint32_t ks_strmap_get(ks_strmap *m, const char *s, size_t len, int insert)
{
    if (m->oom || len > 255) return UINT32_MAX;
    if (m->n_slots) {
        uint64_t h = ks_hash_bytes(s, len);
        size_t i = h & (m->n_slots - 1);
        while (m->slots[i]) {
            uint32_t id = m->slots[i] - 1;
            if (m->len[id] == len && memcmp(m->arena + m->off[id], s, len) == 0) return id;
            i = (i + 1) & (m->n_slots - 1);
        }
    }
    if (!insert) return UINT32_MAX;
    if ((m->n + 1) * 2 > m->n_slots && !strmap_grow(m)) goto oom;
    if (m->n == m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 1024;
        uint32_t *noff = realloc(m->off, ncap * sizeof *noff);
        if (!noff) goto oom;
        m->off = noff;
        uint8_t *nlen = realloc(m->len, ncap * sizeof *nlen);
        if (!nlen) goto oom;
        m->len = nlen;
        m->cap = ncap;
    }
    if (m->arena_n + len > m->arena_cap) {
        size_t ncap = m->arena_cap ? m->arena_cap * 2 : 16384;
        while (ncap < m->arena_n + len)
            ncap *= 2;
        char *na = realloc(m->arena, ncap);
        if (!na) goto oom;
        m->arena = na;
        m->arena_cap = ncap;
    }
    if (m->arena_n + len > UINT32_MAX) goto oom;
    memcpy(m->arena + m->arena_n, s, len);
    uint32_t id = (uint32_t)m->n++;
    m->off[id] = (uint32_t)m->arena_n;
    m->len[id] = (uint8_t)len;
    m->arena_n += len;
    uint64_t h = ks_hash_bytes(s, len);
    size_t i = h & (m->n_slots - 1);
    while (m->slots[i])
        i = (i + 1) & (m->n_slots - 1);
    m->slots[i] = id + 1;
    return id;
oom:
    m->oom = 1;
    return UINT32_MAX;
}

const char *ks_strmap_str(const ks_strmap *m, uint32_t id, size_t *len)
{
    *len = m->len[id];
    return m->arena + m->off[id];
}

void ks_strmap_free(ks_strmap *m)
{
    free(m->slots);
    free(m->arena);
    free(m->off);
    free(m->len);
    memset(m, 0, sizeof *m);
}

const char ks_search_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS search_doc(rowid INTEGER PRIMARY KEY, aid TEXT, locale TEXT, title TEXT,"
    " data BLOB NOT NULL, surf BLOB);"
    "CREATE TABLE IF NOT EXISTS search_term(term BLOB PRIMARY KEY, df INTEGER NOT NULL, pid INTEGER NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS search_post(pid INTEGER PRIMARY KEY, h1 BLOB, h2 BLOB, tail BLOB);"
    "CREATE TABLE IF NOT EXISTS search_model(feature BLOB PRIMARY KEY, w BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS search_pending(rowid INTEGER PRIMARY KEY, old BLOB);"
    "CREATE TABLE IF NOT EXISTS search_sentvec(key INTEGER PRIMARY KEY, gen INTEGER NOT NULL, vec BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS search_meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;";

static sqlite3_stmt *meta_stmt(sqlite3 *db, const char *key)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM search_meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL) {
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

int64_t ks_search_meta_int(sqlite3 *db, const char *key, int64_t def)
{
    sqlite3_stmt *st = meta_stmt(db, key);
    if (!st) return def;
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

double ks_search_meta_real(sqlite3 *db, const char *key, double def)
{
    sqlite3_stmt *st = meta_stmt(db, key);
    if (!st) return def;
    double v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

void ks_tune_apply_env(void *target, const ks_tune_field *fields, size_t n)
{
    const char *env = getenv("KS_SEARCH_TUNE");
    for (const char *p = env; p && *p;) {
        const char *eq = strchr(p, '=');
        if (!eq) break;
        char *end;
        double v = strtod(eq + 1, &end);
        for (size_t i = 0; i < n; i++)
            if (strlen(fields[i].name) == (size_t)(eq - p) && memcmp(fields[i].name, p, (size_t)(eq - p)) == 0)
                *(double *)((char *)target + fields[i].off) = v;
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
}

ks_itune ks_itune_get(void)
{
    ks_itune t = {KS_BM25_K1, KS_BM25_B, KS_W_TITLE, KS_W_QUESTION, KS_W_KEYWORD, KS_W_BODY};
    static const ks_tune_field fields[] = {
        {"k1", offsetof(ks_itune, k1)},
        {"b", offsetof(ks_itune, b)},
        {"w_title", offsetof(ks_itune, w_title)},
        {"w_question", offsetof(ks_itune, w_question)},
        {"w_keyword", offsetof(ks_itune, w_keyword)},
        {"w_body", offsetof(ks_itune, w_body)},
    };
    ks_tune_apply_env(&t, fields, sizeof fields / sizeof fields[0]);
    return t;
}

double ks_itune_field_weight(const ks_itune *t, uint8_t kind)
{
    switch (kind) {
    case KS_FIELD_TITLE:
        return t->w_title;
    case KS_FIELD_QUESTION:
        return t->w_question;
    case KS_FIELD_KEYWORD:
        return t->w_keyword;
    default:
        return t->w_body;
    }
}

/* The pinyin term of a Han pair term ("~hua.bei" for 花呗) into out
 * (KS_TERM_MAX bytes); returns its length, 0 when there is none. */
size_t ks_pinyin_of_pair(const char *s, size_t len, char *out)
{
    utf8proc_int32_t a, b;
    utf8proc_ssize_t ka = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &a);
    if (ka <= 0 || (size_t)ka >= len) return 0;
    utf8proc_ssize_t kb =
        utf8proc_iterate((const utf8proc_uint8_t *)s + ka, (utf8proc_ssize_t)(len - (size_t)ka), &b);
    if (kb <= 0 || (size_t)(ka + kb) != len) return 0;
    const char *pa = ks_pinyin_of(a), *pb = ks_pinyin_of(b);
    if (!pa || !pb) return 0;
    size_t la = strlen(pa), lb = strlen(pb);
    if (la + lb + 2 >= KS_TERM_MAX) return 0;
    out[0] = '~';
    memcpy(out + 1, pa, la);
    out[1 + la] = '.';
    memcpy(out + 2 + la, pb, lb);
    return 2 + la + lb;
}

static ks_status db_error(sqlite3 *db, ks_error *err, const char *what)
{
    int code = sqlite3_errcode(db);
    ks_status st = (code == SQLITE_FULL) ? KS_ERR_NOSPACE : (code == SQLITE_NOMEM ? KS_ERR_NOMEM : KS_ERR_DB);
    return ks_error_set(err, st, "search index: %s: %s", what, sqlite3_errmsg(db));
}

/* ------------------------------------------------------- document records */

ks_status ks_doc_parse(const uint8_t *p, size_t n, ks_doc *out, ks_error *err)
{
    memset(out, 0, sizeof *out);
    const uint8_t *end = p + n;
    uint64_t nf, v;
    /* Every term costs at least 2 bytes, so n bounds the pool. */
    size_t pool_cap = n / 2 + 1, pool_n = 0;
    if (n < 2 || p[0] != 1) goto corrupt;
    p++;
    if (!ks_rd_varint(&p, end, &nf) || nf > n) goto corrupt;
    out->fields = calloc(nf ? nf : 1, sizeof *out->fields);
    out->pool = malloc(pool_cap * sizeof *out->pool);
    if (!out->fields || !out->pool) {
        ks_doc_free(out);
        return ks_error_set(err, KS_ERR_NOMEM, "search index: out of memory reading a document");
    }
    for (uint64_t f = 0; f < nf; f++) {
        ks_doc_field *fd = &out->fields[out->n_fields++];
        uint64_t nt;
        if (p >= end) goto corrupt;
        fd->kind = *p++;
        if (!ks_rd_varint(&p, end, &v) || !ks_rd_varint(&p, end, &nt)) goto corrupt;
        fd->n_tokens = (uint32_t)v;
        if (nt > pool_cap - pool_n) goto corrupt;
        fd->terms = out->pool + pool_n;
        for (uint64_t t = 0; t < nt; t++) {
            if (p >= end) goto corrupt;
            uint8_t len = *p++;
            if ((size_t)(end - p) < len) goto corrupt;
            ks_doc_term *dt = &out->pool[pool_n++];
            dt->s = (const char *)p;
            dt->len = len;
            p += len;
            if (!ks_rd_varint(&p, end, &v)) goto corrupt;
            dt->tf = (uint32_t)v;
        }
        fd->n_terms = (size_t)nt;
    }
    return KS_OK;
corrupt:
    ks_doc_free(out);
    return ks_error_set(err, KS_ERR_CORRUPT,
                        "search index: a document record is damaged (rebuild with ks_store_reindex)");
}

void ks_doc_free(ks_doc *d)
{
    free(d->fields);
    free(d->pool);
    memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------ per-thread state */

/* The hooks get only the connection, yet must not reopen OpenCC or
 * re-prepare statements for every article: they keep one context per
 * thread (freed when the thread exits), bound to the connection they last
 * served. Statements left by an import that failed before
 * ks_search_finish_import are finalised when the thread next indexes (for
 * the same or another connection) or exits; a connection closed meanwhile
 * with sqlite3_close_v2 stays a zombie until then, which SQLite allows. */
typedef struct indexer {
    sqlite3 *db;
    ks_norm *norm;
    sqlite3_stmt *sel_article, *put_doc, *pend_old, *pend_new, *del_doc;
} indexer;

static pthread_key_t ix_key;
static pthread_once_t ix_once = PTHREAD_ONCE_INIT;
static int ix_key_ok;

static void indexer_release_stmts(indexer *ix)
{
    sqlite3_finalize(ix->sel_article);
    sqlite3_finalize(ix->put_doc);
    sqlite3_finalize(ix->pend_old);
    sqlite3_finalize(ix->pend_new);
    sqlite3_finalize(ix->del_doc);
    ix->sel_article = ix->put_doc = ix->pend_old = ix->pend_new = ix->del_doc = NULL;
    ix->db = NULL;
}

static ks_status prep(sqlite3 *db, const char *sql, sqlite3_stmt **st, ks_error *err)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return db_error(db, err, "preparing a statement");
    return KS_OK;
}

static void indexer_destroy(void *p)
{
    indexer *ix = p;
    indexer_release_stmts(ix);
    ks_norm_close(ix->norm);
    free(ix);
}

static void indexer_make_key(void)
{
    ix_key_ok = pthread_key_create(&ix_key, indexer_destroy) == 0;
}

/* This thread's context, or NULL (create = 0 and none yet, or no memory). */
static indexer *indexer_self(int create)
{
    pthread_once(&ix_once, indexer_make_key);
    if (!ix_key_ok) return NULL;
    indexer *ix = pthread_getspecific(ix_key);
    if (!ix && create) {
        ix = calloc(1, sizeof *ix);
        if (ix && pthread_setspecific(ix_key, ix) != 0) {
            free(ix);
            ix = NULL;
        }
    }
    return ix;
}

static ks_status indexer_get(sqlite3 *db, indexer **out, ks_error *err)
{
    indexer *ix = indexer_self(1);
    ks_status rc;
    if (!ix) return ks_error_set(err, KS_ERR_NOMEM, "search index: out of memory starting to index");
    if (!ix->norm && (rc = ks_norm_open(&ix->norm, err)) != KS_OK) return rc;
    if (ix->db == db) {
        *out = ix;
        return KS_OK;
    }
    indexer_release_stmts(ix);
    if ((rc = prep(db, "SELECT title, body, questions, keywords, id, locale FROM articles WHERE rowid = ?1",
                   &ix->sel_article, err)) != KS_OK ||
        (rc = prep(db,
                   "INSERT OR REPLACE INTO search_doc(rowid, aid, locale, title, data, surf)"
                   " SELECT ?1, id, locale, title, ?2, ?3 FROM articles WHERE rowid = ?1",
                   &ix->put_doc, err)) != KS_OK ||
        (rc = prep(db,
                   "INSERT OR IGNORE INTO search_pending(rowid, old)"
                   " VALUES(?1, (SELECT data FROM search_doc WHERE rowid = ?1))",
                   &ix->pend_old, err)) != KS_OK ||
        (rc = prep(db, "INSERT OR IGNORE INTO search_pending(rowid, old) VALUES(?1, NULL)", &ix->pend_new,
                   err)) != KS_OK ||
        (rc = prep(db, "DELETE FROM search_doc WHERE rowid = ?1", &ix->del_doc, err)) != KS_OK) {
        indexer_release_stmts(ix);
        return rc;
    }
    ix->db = db;
    *out = ix;
    return KS_OK;
}

static ks_status step_done(indexer *ix, sqlite3_stmt *st, const char *what, ks_error *err)
{
    int r = sqlite3_step(st);
    ks_status rc = (r == SQLITE_DONE || r == SQLITE_ROW) ? KS_OK : db_error(ix->db, err, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* ------------------------------------------------------------- analysis */

typedef struct fterm {
    const ks_term *t;
    uint32_t tf;
} fterm;

static int cmp_term_ptr(const void *a, const void *b)
{
    const ks_term *x = *(const ks_term *const *)a, *y = *(const ks_term *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    if (c) return c;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return x->pos < y->pos ? -1 : (x->pos > y->pos);
}

static int cmp_body(const void *a, const void *b)
{
    const fterm *x = a, *y = b;
    if (x->tf != y->tf) return x->tf > y->tf ? -1 : 1;
    return x->t->pos < y->t->pos ? -1 : (x->t->pos > y->t->pos);
}

static int cmp_fterm_bytes(const void *a, const void *b)
{
    const fterm *x = a, *y = b;
    const ks_term *const px = x->t, *const py = y->t;
    return cmp_term_ptr(&px, &py);
}

static int body_keeps(uint8_t kind)
{
    /* Function words and single characters say little in a body, and a
     * homophone match in a body is too weak to be worth its postings. */
    return kind == KS_TERM_WORD || kind == KS_TERM_HAN2;
}

/* Appends one field to rec: its distinct terms with frequencies (counted
 * through a small hash table: bodies have hundreds of terms, and sorting
 * them all was the slow part of indexing). */
static int add_field(ks_buf *rec, uint8_t kind, const ks_terms *tt, ks_strmap *surf)
{
    int ok = 0;
    size_t cap = 16;
    while (cap < 2 * tt->n)
        cap *= 2;
    uint32_t *slot = calloc(cap, sizeof *slot); /* index + 1 into ft */
    fterm *ft = malloc((tt->n ? tt->n : 1) * sizeof *ft);
    if (!slot || !ft) goto out;
    size_t nd = 0;
    for (size_t i = 0; i < tt->n; i++) {
        const ks_term *t = &tt->v[i];
        /* Pinyin pairs are left out: the rebuild derives them from the Han
         * pairs (ks_pinyin_of_pair), which keeps the records a third smaller. */
        if (t->kind == KS_TERM_PINYIN || (kind == KS_FIELD_BODY && !body_keeps(t->kind))) continue;
        size_t h = ks_hash_bytes(t->s, t->len) & (cap - 1);
        for (;;) {
            if (!slot[h]) {
                ft[nd].t = t;
                ft[nd].tf = 1;
                slot[h] = (uint32_t)++nd;
                break;
            }
            fterm *f = &ft[slot[h] - 1];
            if (f->t->len == t->len && memcmp(f->t->s, t->s, t->len) == 0) {
                f->tf++;
                break;
            }
            h = (h + 1) & (cap - 1);
        }
    }
    if (kind == KS_FIELD_BODY && nd > BODY_MAX_TERMS) {
        /* Static pruning: keep the body's most repeated terms, earliest first. */
        qsort(ft, nd, sizeof *ft, cmp_body);
        nd = BODY_MAX_TERMS;
    }
    qsort(ft, nd, sizeof *ft, cmp_fterm_bytes);
    ks_buf_byte(rec, kind);
    ks_buf_varint(rec, tt->n_tokens);
    ks_buf_varint(rec, nd);
    for (size_t i = 0; i < nd; i++) {
        ks_buf_byte(rec, ft[i].t->len);
        ks_buf_put(rec, ft[i].t->s, ft[i].t->len);
        ks_buf_varint(rec, ft[i].tf);
    }
    for (size_t i = 0; i < tt->n; i++) {
        const ks_term *t = &tt->v[i];
        if (t->kind == KS_TERM_WORD && t->surf_len)
            ks_strmap_get(surf, tt->norm + t->surf_off, t->surf_len, 1);
    }
    ok = !rec->oom && !surf->oom;
out:
    free(slot);
    free(ft);
    return ok;
}

static ks_status analyze_field(indexer *ix, const char *text, size_t len, uint8_t kind, ks_buf *rec,
                               ks_strmap *surf, size_t *n_fields, ks_error *err)
{
    if (!text || !len) return KS_OK;
    ks_terms tt = {0};
    size_t max_terms = kind == KS_FIELD_BODY ? 0 : FIELD_MAX_TERMS;
    ks_status rc =
        ks_analyze_ex(ix->norm, text, len, max_terms, kind == KS_FIELD_BODY ? KS_ANALYZE_BODY : 0, &tt, err);
    if (rc != KS_OK) return rc;
    if (tt.n && !add_field(rec, kind, &tt, surf))
        rc = ks_error_set(err, KS_ERR_NOMEM, "search index: out of memory indexing an article");
    else if (tt.n)
        (*n_fields)++;
    ks_terms_free(&tt);
    return rc;
}

static ks_status analyze_list(indexer *ix, const char *json, uint8_t kind, size_t max_items, ks_buf *rec,
                              ks_strmap *surf, size_t *n_fields, ks_error *err)
{
    if (!json || !*json) return KS_OK;
    cJSON *arr = cJSON_Parse(json);
    ks_status rc = KS_OK;
    if (!cJSON_IsArray(arr)) {
        /* The store validated it; a damaged value only loses this field. */
        cJSON_Delete(arr);
        return KS_OK;
    }
    size_t k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (k++ >= max_items) break;
        if (!cJSON_IsString(it) || !it->valuestring) continue;
        rc = analyze_field(ix, it->valuestring, strlen(it->valuestring), kind, rec, surf, n_fields, err);
        if (rc != KS_OK) break;
    }
    cJSON_Delete(arr);
    return rc;
}

/* Builds the record of the article at rowid into rec. *found = 0 when the
 * row does not exist. */
static ks_status build_record(indexer *ix, int64_t rowid, ks_buf *rec, ks_buf *srec, int *found,
                              ks_error *err)
{
    ks_status rc = KS_OK;
    ks_buf fields = {0};
    ks_strmap surf = {0};
    size_t n_fields = 0;
    *found = 0;
    sqlite3_bind_int64(ix->sel_article, 1, rowid);
    int r = sqlite3_step(ix->sel_article);
    if (r == SQLITE_DONE) goto out;
    if (r != SQLITE_ROW) {
        rc = db_error(ix->db, err, "reading an article to index");
        goto out;
    }
    *found = 1;
    const char *title = (const char *)sqlite3_column_text(ix->sel_article, 0);
    size_t title_n = (size_t)sqlite3_column_bytes(ix->sel_article, 0);
    if ((rc = analyze_field(ix, title, title_n, KS_FIELD_TITLE, &fields, &surf, &n_fields, err)) != KS_OK)
        goto out;
    const char *qs = (const char *)sqlite3_column_text(ix->sel_article, 2);
    if ((rc = analyze_list(ix, qs, KS_FIELD_QUESTION, MAX_QUESTIONS, &fields, &surf, &n_fields, err)) !=
        KS_OK)
        goto out;
    const char *kw = (const char *)sqlite3_column_text(ix->sel_article, 3);
    if ((rc = analyze_list(ix, kw, KS_FIELD_KEYWORD, MAX_QUESTIONS, &fields, &surf, &n_fields, err)) != KS_OK)
        goto out;
    const char *body = (const char *)sqlite3_column_text(ix->sel_article, 1);
    size_t body_n = (size_t)sqlite3_column_bytes(ix->sel_article, 1);
    body_n = body ? ks_norm_clip(body, body_n, BODY_MAX_BYTES) : 0;
    if ((rc = analyze_field(ix, body, body_n, KS_FIELD_BODY, &fields, &surf, &n_fields, err)) != KS_OK)
        goto out;

    ks_buf_byte(rec, 1);
    ks_buf_varint(rec, n_fields);
    ks_buf_put(rec, fields.p, fields.n);
    ks_buf_varint(srec, surf.n);
    for (uint32_t i = 0; i < surf.n; i++) {
        size_t len;
        const char *s = ks_strmap_str(&surf, i, &len);
        ks_buf_byte(srec, (uint8_t)len);
        ks_buf_put(srec, s, len);
    }
    if (rec->oom || srec->oom || fields.oom || surf.oom)
        rc = ks_error_set(err, KS_ERR_NOMEM, "search index: out of memory indexing an article");
out:
    sqlite3_reset(ix->sel_article);
    ks_buf_free(&fields);
    ks_strmap_free(&surf);
    return rc;
}

/* ------------------------------------------------------------ the hooks */

/* 1 when the search tables exist in a layout this engine cannot read: an
 * index written by another version (its format in search_meta differs) or
 * from before the format was recorded. Reads only. */
static int old_layout(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int has_doc = 0, has_aid = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA table_info(search_doc)", -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            has_doc = 1;
            const char *col = (const char *)sqlite3_column_text(st, 1);
            if (col && strcmp(col, "aid") == 0) has_aid = 1;
        }
    }
    sqlite3_finalize(st);
    if (has_doc && !has_aid) return 1;
    int64_t format = ks_search_meta_int(db, "format", KS_SEARCH_FORMAT);
    return format != KS_SEARCH_FORMAT;
}

ks_status ks_search_schema_create(sqlite3 *db, ks_error *err)
{
    char *msg = NULL;
    /* The index is derived data: one in another layout is dropped, and
     * ks_search_needs_reindex() then asks for a rebuild. Only then does
     * this write anything when the tables exist. */
    if (old_layout(db) &&
        sqlite3_exec(db,
                     "DROP TABLE IF EXISTS search_doc; DROP TABLE IF EXISTS search_term;"
                     "DROP TABLE IF EXISTS search_post; DROP TABLE IF EXISTS search_pending;"
                     "DROP TABLE IF EXISTS search_model; DROP TABLE IF EXISTS search_sentvec;"
                     "DROP TABLE IF EXISTS search_meta;",
                     NULL, NULL, &msg) != SQLITE_OK) {
        ks_status st = ks_error_set(err, KS_ERR_DB, "search index: dropping an index of an older layout: %s",
                                    msg ? msg : "?");
        sqlite3_free(msg);
        return st;
    }
    if (sqlite3_exec(db, ks_search_schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
        ks_status st = ks_error_set(err, KS_ERR_DB, "search index: creating its tables: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return st;
    }
    return KS_OK;
}

ks_status ks_search_index_article(sqlite3 *db, int64_t rowid, ks_error *err)
{
    indexer *ix;
    ks_status rc = indexer_get(db, &ix, err);
    if (rc != KS_OK) return rc;
    ks_buf rec = {0}, srec = {0};
    int found = 0;
    if ((rc = build_record(ix, rowid, &rec, &srec, &found, err)) != KS_OK) goto out;
    if (!found) {
        rc = ks_error_set(err, KS_ERR_NOT_FOUND, "search index: article rowid %lld does not exist",
                          (long long)rowid);
        goto out;
    }
    sqlite3_bind_int64(ix->pend_new, 1, rowid);
    if ((rc = step_done(ix, ix->pend_new, "recording a changed article", err)) != KS_OK) goto out;
    sqlite3_bind_int64(ix->put_doc, 1, rowid);
    sqlite3_bind_blob(ix->put_doc, 2, rec.p, (int)rec.n, SQLITE_STATIC);
    sqlite3_bind_blob(ix->put_doc, 3, srec.p, (int)srec.n, SQLITE_STATIC);
    rc = step_done(ix, ix->put_doc, "storing an indexed article", err);
out:
    ks_buf_free(&rec);
    ks_buf_free(&srec);
    return rc;
}

ks_status ks_search_unindex_article(sqlite3 *db, int64_t rowid, ks_error *err)
{
    indexer *ix;
    ks_status rc = indexer_get(db, &ix, err);
    if (rc != KS_OK) return rc;
    sqlite3_bind_int64(ix->pend_old, 1, rowid);
    if ((rc = step_done(ix, ix->pend_old, "recording a removed article", err)) != KS_OK) return rc;
    sqlite3_bind_int64(ix->del_doc, 1, rowid);
    return step_done(ix, ix->del_doc, "removing an article from the index", err);
}

/* ---------------------------------------------------------- the rebuild */

typedef struct build {
    ks_strmap terms;
    ks_strmap words; /* surface words -> vocabulary */
    uint32_t *term_df;
    size_t term_df_cap;
    uint32_t *word_df;
    size_t word_df_cap;
    /* Per document: its rowid, weighted length and a slice of pairs. */
    int64_t *doc_rowid;
    float *doc_len;
    size_t *doc_first;
    size_t n_docs, docs_cap;
    uint32_t *pair_term; /* (term id, weighted tf) pairs, per document */
    float *pair_tf;
    size_t n_pairs, pairs_cap;
    uint32_t *term_slot; /* see build_add */
    size_t term_slot_cap;
} build;

static void build_free(build *b)
{
    ks_strmap_free(&b->terms);
    ks_strmap_free(&b->words);
    free(b->term_df);
    free(b->word_df);
    free(b->doc_rowid);
    free(b->doc_len);
    free(b->doc_first);
    free(b->pair_term);
    free(b->pair_tf);
    free(b->term_slot);
    memset(b, 0, sizeof *b);
}

static int grow_u32(uint32_t **v, size_t *cap, size_t need)
{
    if (need <= *cap) return 1;
    size_t ncap = *cap ? *cap : 4096;
    while (ncap < need)
        ncap *= 2;
    uint32_t *nv = realloc(*v, ncap * sizeof *nv);
    if (!nv) return 0;
    memset(nv + *cap, 0, (ncap - *cap) * sizeof *nv);
    *v = nv;
    *cap = ncap;
    return 1;
}

/* Adds one parsed document to the build. A term found in several fields
 * becomes one posting with the summed weighted frequency: term_slot
 * remembers, per term, where this document's pair for it is. */
static int build_add(build *b, const ks_itune *it, int64_t rowid, const ks_doc *d, const uint8_t *surf,
                     size_t surf_n)
{
    size_t n = 0;
    for (size_t f = 0; f < d->n_fields; f++)
        n += 2 * d->fields[f].n_terms; /* with derived pinyin */
    if (b->n_docs == b->docs_cap) {
        size_t ncap = b->docs_cap ? b->docs_cap * 2 : 1024;
        int64_t *r = realloc(b->doc_rowid, ncap * sizeof *r);
        if (!r) return 0;
        b->doc_rowid = r;
        float *l = realloc(b->doc_len, ncap * sizeof *l);
        if (!l) return 0;
        b->doc_len = l;
        size_t *fi = realloc(b->doc_first, (ncap + 1) * sizeof *fi);
        if (!fi) return 0;
        b->doc_first = fi;
        b->docs_cap = ncap;
    }
    if (b->n_pairs + n > b->pairs_cap) {
        size_t ncap = b->pairs_cap ? b->pairs_cap : 65536;
        while (ncap < b->n_pairs + n)
            ncap *= 2;
        uint32_t *pt = realloc(b->pair_term, ncap * sizeof *pt);
        if (!pt) return 0;
        b->pair_term = pt;
        float *pf = realloc(b->pair_tf, ncap * sizeof *pf);
        if (!pf) return 0;
        b->pair_tf = pf;
        b->pairs_cap = ncap;
    }
    size_t first = b->n_pairs;
    double len = 0;
    for (size_t f = 0; f < d->n_fields; f++) {
        const ks_doc_field *fd = &d->fields[f];
        double fw = ks_itune_field_weight(it, fd->kind);
        len += fw * fd->n_tokens;
        for (size_t t = 0; t < 2 * fd->n_terms; t++) {
            const char *ts = fd->terms[t / 2].s;
            size_t tl = fd->terms[t / 2].len;
            char py[KS_TERM_MAX];
            if (t % 2) {
                /* odd steps: the pinyin of a Han pair in a title/question/keyword */
                if (fd->kind == KS_FIELD_BODY || ks_term_kind_of(ts, tl) != KS_TERM_HAN2) continue;
                if (!(tl = ks_pinyin_of_pair(ts, tl, py))) continue;
                ts = py;
            }
            uint32_t id = ks_strmap_get(&b->terms, ts, tl, 1);
            if (id == UINT32_MAX || !grow_u32(&b->term_df, &b->term_df_cap, b->terms.n) ||
                !grow_u32(&b->term_slot, &b->term_slot_cap, b->terms.n))
                return 0;
            /* term_slot holds pair index + 1 for pairs of this document */
            uint32_t sl = b->term_slot[id];
            float tf = (float)(fw * fd->terms[t / 2].tf);
            if (sl > first && sl - 1 < b->n_pairs && b->pair_term[sl - 1] == id) {
                b->pair_tf[sl - 1] += tf;
                continue;
            }
            b->pair_term[b->n_pairs] = id;
            b->pair_tf[b->n_pairs] = tf;
            b->term_slot[id] = (uint32_t)(b->n_pairs + 1);
            b->term_df[id]++;
            b->n_pairs++;
        }
    }
    b->doc_rowid[b->n_docs] = rowid;
    b->doc_len[b->n_docs] = (float)len;
    b->doc_first[b->n_docs] = first;
    b->n_docs++;
    b->doc_first[b->n_docs] = b->n_pairs;
    const uint8_t *p = surf, *end = surf + surf_n;
    uint64_t nw = 0;
    if (surf && !ks_rd_varint(&p, end, &nw)) nw = 0; /* a damaged list only loses vocabulary */
    for (uint64_t w = 0; w < nw && p < end; w++) {
        uint8_t wl = *p++;
        if ((size_t)(end - p) < wl) break;
        uint32_t id = ks_strmap_get(&b->words, (const char *)p, wl, 1);
        p += wl;
        if (id == UINT32_MAX || !grow_u32(&b->word_df, &b->word_df_cap, b->words.n)) return 0;
        b->word_df[id]++;
    }
    return 1;
}

typedef struct posting {
    uint32_t rowid;
    uint8_t impact;
} posting;

/* Orders a term's postings best impact first, rowids ascending within an
 * impact. They arrive in rowid order, so a stable counting sort on the
 * impact byte does it in linear time (tmp holds n postings). */
static void sort_postings(posting *p, size_t n, posting *tmp)
{
    if (n < 2) return;
    size_t count[257] = {0};
    for (size_t i = 0; i < n; i++)
        count[255 - p[i].impact + 1]++;
    for (int k = 1; k <= 256; k++)
        count[k] += count[k - 1];
    for (size_t i = 0; i < n; i++)
        tmp[count[255 - p[i].impact]++] = p[i];
    memcpy(p, tmp, n * sizeof *p);
}

static void encode_postings(ks_buf *out, const posting *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j].impact == p[i].impact)
            j++;
        ks_buf_byte(out, p[i].impact);
        ks_buf_varint(out, j - i);
        uint32_t prev = 0;
        for (size_t k = i; k < j; k++) {
            ks_buf_varint(out, p[k].rowid - prev);
            prev = p[k].rowid;
        }
        i = j;
    }
}

static _Thread_local const ks_strmap *sort_map;

static int cmp_id_by_str(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    size_t lx, ly;
    const char *sx = ks_strmap_str(sort_map, x, &lx), *sy = ks_strmap_str(sort_map, y, &ly);
    int c = memcmp(sx, sy, lx < ly ? lx : ly);
    if (c) return c;
    return lx < ly ? -1 : (lx > ly);
}

static uint32_t *sorted_ids(const ks_strmap *m)
{
    uint32_t *ids = malloc((m->n ? m->n : 1) * sizeof *ids);
    if (!ids) return NULL;
    for (uint32_t i = 0; i < m->n; i++)
        ids[i] = i;
    sort_map = m; /* qsort takes no context argument: a per-thread pointer */
    qsort(ids, m->n, sizeof *ids, cmp_id_by_str);
    sort_map = NULL;
    return ids;
}

static ks_status set_meta(sqlite3 *db, const char *key, double d, int64_t i, const void *blob, size_t blob_n,
                          int kind, ks_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO search_meta(key, value) VALUES(?1, ?2)", -1, &st,
                           NULL) != SQLITE_OK)
        return db_error(db, err, "writing the index statistics");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (kind == 0)
        sqlite3_bind_int64(st, 2, i);
    else if (kind == 1)
        sqlite3_bind_double(st, 2, d);
    else
        sqlite3_bind_blob(st, 2, blob ? blob : "", (int)blob_n, SQLITE_STATIC);
    ks_status rc =
        sqlite3_step(st) == SQLITE_DONE ? KS_OK : db_error(db, err, "writing the index statistics");
    sqlite3_finalize(st);
    return rc;
}

#define META_INT(db, k, v, err) set_meta(db, k, 0, v, NULL, 0, 0, err)
#define META_REAL(db, k, v, err) set_meta(db, k, v, 0, NULL, 0, 1, err)
#define META_BLOB(db, k, p, n, err) set_meta(db, k, 0, 0, p, n, 2, err)

ks_status ks_search_meta_set_blob(sqlite3 *db, const char *key, const void *p, size_t n, ks_error *err)
{
    return META_BLOB(db, key, p, n, err);
}

ks_status ks_search_meta_set_int(sqlite3 *db, const char *key, int64_t v, ks_error *err)
{
    return META_INT(db, key, v, err);
}

/* Rebuilds search_term and the statistics from every search_doc record. */
static ks_status rebuild_all(sqlite3 *db, ks_error *err)
{
    ks_status rc = KS_OK;
    build b = {0};
    sqlite3_stmt *sel = NULL, *ins = NULL, *ins_post = NULL;
    size_t *slot = NULL;
    posting *post = NULL, *tmp = NULL;
    uint32_t *order = NULL;
    ks_buf head = {0}, head2 = {0}, tail = {0}, vocab = {0};
    int64_t max_rowid = 0;
    ks_itune it = ks_itune_get();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    if (sqlite3_prepare_v2(db, "SELECT rowid, data, surf FROM search_doc", -1, &sel, NULL) != SQLITE_OK) {
        rc = db_error(db, err, "reading the indexed articles");
        goto out;
    }
    int r;
    while ((r = sqlite3_step(sel)) == SQLITE_ROW) {
        int64_t rowid = sqlite3_column_int64(sel, 0);
        if (rowid < 0 || rowid > (int64_t)UINT32_MAX) {
            rc = ks_error_set(err, KS_ERR_UNSUPPORTED, "search index: article rowid %lld is out of range",
                              (long long)rowid);
            goto out;
        }
        ks_doc d;
        const uint8_t *blob = sqlite3_column_blob(sel, 1);
        if ((rc = ks_doc_parse(blob, (size_t)sqlite3_column_bytes(sel, 1), &d, err)) != KS_OK) goto out;
        int ok =
            build_add(&b, &it, rowid, &d, sqlite3_column_blob(sel, 2), (size_t)sqlite3_column_bytes(sel, 2));
        ks_doc_free(&d);
        if (!ok) goto nomem;
        if (rowid > max_rowid) max_rowid = rowid;
    }
    if (r != SQLITE_DONE) {
        rc = db_error(db, err, "reading the indexed articles");
        goto out;
    }
    double sum_len = 0;
    for (size_t i = 0; i < b.n_docs; i++)
        sum_len += b.doc_len[i];
    double avgdl = b.n_docs ? sum_len / (double)b.n_docs : 1.0;
    if (avgdl <= 0) avgdl = 1.0;

    /* Scatter the pairs into per-term posting slices. */
    slot = malloc((b.terms.n + 1) * sizeof *slot);
    post = malloc((b.n_pairs ? b.n_pairs : 1) * sizeof *post);
    if (!slot || !post) goto nomem;
    size_t acc = 0, max_df = 1;
    for (size_t t = 0; t < b.terms.n; t++) {
        slot[t] = acc;
        acc += b.term_df[t];
        if (b.term_df[t] > max_df) max_df = b.term_df[t];
    }
    tmp = malloc(max_df * sizeof *tmp);
    if (!tmp) goto nomem;
    slot[b.terms.n] = acc;
    for (size_t d = 0; d < b.n_docs; d++) {
        double norm = it.k1 * (1.0 - it.b + it.b * b.doc_len[d] / avgdl);
        for (size_t k = b.doc_first[d]; k < b.doc_first[d + 1]; k++) {
            double tf = b.pair_tf[k];
            double f = tf / (tf + norm); /* BM25's (k1+1) factor is applied at query time */
            int q = (int)lround(f * 255.0);
            posting *p = &post[slot[b.pair_term[k]]++];
            p->rowid = (uint32_t)b.doc_rowid[d];
            p->impact = (uint8_t)(q < 1 ? 1 : (q > 255 ? 255 : q));
        }
    }
    /* slot[t] now points at the end of term t's slice. */

    if (sqlite3_exec(db, "DELETE FROM search_term; DELETE FROM search_post", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(db, err, "clearing the old postings");
        goto out;
    }
    if (sqlite3_prepare_v2(db, "INSERT INTO search_term(term, df, pid) VALUES(?1, ?2, ?3)", -1, &ins, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO search_post(pid, h1, h2, tail) VALUES(?1, ?2, ?3, ?4)", -1,
                           &ins_post, NULL) != SQLITE_OK) {
        rc = db_error(db, err, "writing postings");
        goto out;
    }
    order = sorted_ids(&b.terms);
    if (!order) goto nomem;
    for (size_t i = 0; i < b.terms.n; i++) {
        uint32_t t = order[i];
        size_t df = b.term_df[t];
        posting *p = post + slot[t] - df;
        sort_postings(p, df, tmp);
        size_t n1 = df < KS_H1_POSTINGS ? df : KS_H1_POSTINGS;
        size_t nh = df < KS_HEAD_POSTINGS ? df : KS_HEAD_POSTINGS;
        head.n = head2.n = tail.n = 0;
        encode_postings(&head, p, n1);
        encode_postings(&head2, p + n1, nh - n1);
        encode_postings(&tail, p + nh, df - nh);
        if (head.oom || head2.oom || tail.oom) goto nomem;
        size_t len;
        const char *s = ks_strmap_str(&b.terms, t, &len);
        int64_t pid = (int64_t)i + 1;
        sqlite3_bind_blob(ins, 1, s, (int)len, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 2, (int64_t)df);
        sqlite3_bind_int64(ins, 3, pid);
        sqlite3_bind_int64(ins_post, 1, pid);
        sqlite3_bind_blob(ins_post, 2, head.p, (int)head.n, SQLITE_STATIC);
        if (head2.n)
            sqlite3_bind_blob(ins_post, 3, head2.p, (int)head2.n, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins_post, 3);
        if (tail.n)
            sqlite3_bind_blob(ins_post, 4, tail.p, (int)tail.n, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins_post, 4);
        if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_step(ins_post) != SQLITE_DONE) {
            rc = db_error(db, err, "writing postings");
            goto out;
        }
        sqlite3_reset(ins);
        sqlite3_reset(ins_post);
    }

    /* The vocabulary: surface words sorted bytewise, with their df. */
    free(order);
    order = sorted_ids(&b.words);
    if (!order) goto nomem;
    ks_buf_varint(&vocab, b.words.n);
    for (size_t i = 0; i < b.words.n; i++) {
        size_t len;
        const char *s = ks_strmap_str(&b.words, order[i], &len);
        ks_buf_byte(&vocab, (uint8_t)len);
        ks_buf_put(&vocab, s, len);
        ks_buf_varint(&vocab, b.word_df[order[i]]);
    }
    if (vocab.oom) goto nomem;
    int64_t generation = ks_search_meta_int(db, "generation", 0) + 1;
    if ((rc = META_INT(db, "format", KS_SEARCH_FORMAT, err)) != KS_OK ||
        (rc = META_INT(db, "generation", generation, err)) != KS_OK ||
        (rc = META_INT(db, "n_docs", (int64_t)b.n_docs, err)) != KS_OK ||
        (rc = META_REAL(db, "avgdl", avgdl, err)) != KS_OK ||
        (rc = META_INT(db, "max_rowid", max_rowid, err)) != KS_OK ||
        (rc = META_INT(db, "n_terms", (int64_t)b.terms.n, err)) != KS_OK ||
        (rc = META_BLOB(db, "vocab", vocab.p, vocab.n, err)) != KS_OK)
        goto out;
    if ((rc = ks_search_model_train(db, err)) == KS_ERR_NOMEM) {
        /* The classifier is a bonus: without memory for it, search goes on without. */
        ks_log_warn("search", "%s; searching without the classifier", err ? err->msg : "out of memory");
        sqlite3_exec(db, "DELETE FROM search_model; DELETE FROM search_meta WHERE key LIKE 'model_%'", NULL,
                     NULL, NULL);
        rc = KS_OK;
    }
    if (rc != KS_OK) goto out;
    if (sqlite3_exec(db, "DELETE FROM search_pending", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(db, err, "clearing the list of changed articles");
        goto out;
    }
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ks_log_debug("search", "index rebuilt in %.0f ms: %zu articles, %zu terms, %zu postings, %zu words",
                 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6, b.n_docs,
                 (size_t)b.terms.n, b.n_pairs, (size_t)b.words.n);
    goto out;
nomem:
    rc = ks_error_set(err, KS_ERR_NOMEM, "search index: out of memory rebuilding the index (%zu articles)",
                      b.n_docs);
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    sqlite3_finalize(ins_post);
    free(slot);
    free(post);
    free(tmp);
    free(order);
    ks_buf_free(&head);
    ks_buf_free(&head2);
    ks_buf_free(&tail);
    ks_buf_free(&vocab);
    build_free(&b);
    return rc;
}

ks_status ks_search_finish_import(sqlite3 *db, ks_error *err)
{
    /* The statements of this import are done: release them so the store
     * can close its connection cleanly. */
    indexer *ix = indexer_self(0);
    if (ix && ix->db == db) indexer_release_stmts(ix);
    int64_t pending = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM search_pending", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, err, "counting changed articles");
    if (sqlite3_step(st) == SQLITE_ROW) pending = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (pending == 0 && ks_search_meta_int(db, "format", 0) == KS_SEARCH_FORMAT) return KS_OK;
    return rebuild_all(db, err);
}
