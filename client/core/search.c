/*
 * search.c - the query side of the search engine (see search.h): from what
 * a visitor typed to ranked articles and an honest "confident" flag.
 *
 * A query is analysed like the content (analyze.h), widened with typo
 * corrections and, for the word being typed, prefix completions from the
 * content's own vocabulary, then scored in two stages:
 *   1. score-at-a-time over impact-ordered postings (BM25 with field
 *      weights), reading at most KS_HEAD_POSTINGS postings per term, so a
 *      query costs the same on 200 or 100,000 articles;
 *   2. the best candidates are re-scored from their stored fields: how much
 *      of the query they cover and how closely their best title or
 *      question matches it; popularity is a small prior.
 * The confidence decision uses the same evidence (coverage, the margin
 * over the runner-up).
 *
 * It must not write to the database, and must never fail on what a visitor
 * types: operators, quotes, huge or invalid UTF-8 input are plain text.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>
#include <utf8proc.h>

#include "ks/analyze.h"
#include "ks/encoder.h"
#include "ks/locale.h"
#include "ks/log.h"
#include "ks/pinyin.h"
#include "ks/search.h"
#include "ks/stem.h"
#include "ks/wordvec.h"
#include "search_util.h"

#define QUERY_MAX_BYTES 1024 /* work cap: the rest of a huge query is ignored */
#define QUERY_MAX_TERMS 96
#define MAX_QTERMS 160
#define TYPO_MAX_CANDIDATES 3
#define PREFIX_MAX_EXPANSIONS 6
#define MIN_CANDIDATES 16
#define MODEL_CANDIDATES 3      /* classes the classifier may add to the candidates */
#define MODEL_ROWS_PER_CLASS 4  /* of each, its versions (locales) */
#define QUERY_MAX_PIECES 48     /* what the sentence encoder reads of a query: a long question's worth */
#define EXTRA_FOR_POPULARITY 4 /* hits beyond the limit kept so popularity may reorder the last ones */
#define QUERY_POSTINGS_BUDGET 12288
#define MIN_TERM_POSTINGS 256

/* Weights of the engine. Fixed in the product; KS_SEARCH_TUNE (see
 * docs/search.md) overrides them for development measurements only. */
typedef struct tune {
    double w_word, w_stop, w_han1, w_han2, w_pinyin;
    double w_typo1, w_typo2, w_prefix, w_prefix_alone;
    double rr_cov, rr_field, rr_lcs, model, model_temp, model_cand, knn, knn_floor, sent, sent_floor, sent_cand,
        conf_sent;
    double pop;
    double conf_field, conf_margin, conf_norm, conf_min, conf_margin_min, conf_prob, conf_min_model;
} tune;

static const tune default_tune = {
    .w_word = 1.0,
    .w_stop = 0.6,
    .w_han1 = 1.0,
    .w_han2 = 1.0,
    .w_pinyin = 0.3,
    .w_typo1 = 0.7,
    .w_typo2 = 0.5,
    .w_prefix = 0.5,
    .w_prefix_alone = 0.8,
    .rr_cov = 0.0,
    .rr_field = 0.0,
    .rr_lcs = 0.2,
    .model = 0.6,
    .model_temp = 1.0,
    .model_cand = 0.05,
    .knn = 2.5,
    .knn_floor = 0.4,
    .sent = 5.0,
    .sent_floor = 0.0,
    .sent_cand = 0.5,
    .conf_sent = 0.55,
    .pop = 0.03,
    .conf_field = 1.0,
    .conf_margin = 1.0,
    .conf_norm = 2.0,
    .conf_min = 0.75,
    .conf_margin_min = 0.01,
    .conf_prob = 1.5,
    .conf_min_model = 0.9,
};

static void tune_from_env(tune *t)
{
    static const ks_tune_field fields[] = {
#define F(x) {#x, offsetof(tune, x)}
        F(w_word),          F(w_stop),    F(w_han1),         F(w_han2),      F(w_pinyin),  F(w_typo1),
        F(w_typo2),         F(w_prefix),  F(w_prefix_alone), F(rr_cov),      F(rr_field),  F(rr_lcs),
        F(model),           F(model_cand), F(knn),           F(knn_floor),   F(sent),      F(sent_floor),
        F(sent_cand),       F(conf_sent),
        F(model_temp),      F(pop),       F(conf_field),     F(conf_margin), F(conf_norm), F(conf_min),
        F(conf_margin_min), F(conf_prob), F(conf_min_model),
#undef F
    };
    ks_tune_apply_env(t, fields, sizeof fields / sizeof fields[0]);
}

/* ------------------------------------------------------------ the engine */

struct ks_search {
    sqlite3 *db;
    ks_norm *norm;
    tune tn;
    ks_itune it;
    sqlite3_stmt *st_term, *st_post1, *st_post2, *st_doc, *st_views, *st_dv, *st_versions, *st_model;
    int64_t data_version, total_changes, generation;
    double n_docs, avgdl;
    int64_t max_rowid;
    /* vocabulary: surface words sorted bytewise */
    uint8_t *vocab; /* the stored blob; words point into it */
    const char **w;
    uint8_t *wlen;
    uint32_t *wdf;
    size_t nw;
    /* typo index: byte-bigram -> word ids (CSR over 65536 keys) */
    uint32_t *bg_start; /* 65537 */
    uint32_t *bg_words;
    uint16_t *bg_cnt; /* per word, scratch */
    /* the on-device classifier (search_model.c); n_class 0 = none */
    ks_strmap model_ids;
    float *model_bias;
    size_t n_class;
    double model_scale;
    double *model_z;
    int has_lr; /* the regression part: model_bias, search_model */
    /* the content's questions as vectors (search_model.c's model_knn),
     * when the index was made with the word-vector table this process
     * has: knn_dim 0 = none */
    const ks_wordvec *wv;
    int64_t knn_want, sent_want; /* ids of the table and encoder the index was made with */
    int tables_checked;          /* use_tables opened: 1 the word vectors, 2 the encoder */
    unsigned knn_dim;
    size_t knn_n;
    float *knn_mu;      /* mu[dim], then pc[dim] */
    uint32_t *knn_cls;  /* per example */
    int8_t *knn_vec;    /* knn_n x dim, unit length x 127 */
    double *knn_sim;    /* per class, the last query's best cosine */
    /* the sentence encoder's centre of each class (search_model.c's
     * model_sent), when the index was made with this process's encoder */
    const ks_encoder *enc;
    int8_t *sent;       /* n_class x KS_ENCODER_DIM, unit length x 127 */
    double *sent_sim;   /* per class, the last query's cosine */
    /* the articles of each class (search_doc rowids), to bring an article
     * the classifier names into the candidates: CSR over n_class */
    uint32_t *cls_first, *cls_rows;
    /* score accumulators, dense by rowid */
    float *acc;
    size_t acc_n;
    uint32_t *touched;
    size_t n_touched, touched_cap;
};

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static ks_status db_fail(ks_search *s, ks_error *err, const char *what)
{
    return ks_error_set(err, KS_ERR_DB, "search: %s: %s", what, sqlite3_errmsg(s->db));
}

static void free_vocab(ks_search *s)
{
    free(s->vocab);
    free(s->w);
    free(s->wlen);
    free(s->wdf);
    free(s->bg_start);
    free(s->bg_words);
    free(s->bg_cnt);
    s->vocab = NULL;
    s->w = NULL;
    s->wlen = NULL;
    s->wdf = NULL;
    s->bg_start = s->bg_words = NULL;
    s->bg_cnt = NULL;
    s->nw = 0;
}

static int typo_word(const char *w, size_t n)
{
    /* Typo tolerance is for words: not numbers, codes or very short words. */
    if (n < 4) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] >= '0' && (unsigned char)w[i] <= '9') return 0;
    return 1;
}

static uint32_t bigram_key(uint8_t a, uint8_t b)
{
    return ((uint32_t)a << 8) | b;
}

/* Builds the typo index: every word under each of its byte bigrams, with
 * '^' and '$' marking its ends (so "pin" and "spin" differ at the start). */
static int build_typo_index(ks_search *s)
{
    s->bg_start = calloc(65537, sizeof *s->bg_start);
    s->bg_cnt = calloc(s->nw ? s->nw : 1, sizeof *s->bg_cnt);
    if (!s->bg_start || !s->bg_cnt) return 0;
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < s->nw; i++) {
            if (!typo_word(s->w[i], s->wlen[i])) continue;
            size_t n = s->wlen[i];
            const uint8_t *p = (const uint8_t *)s->w[i];
            for (size_t k = 0; k <= n; k++) {
                uint8_t a = k == 0 ? '^' : p[k - 1];
                uint8_t b = k == n ? '$' : p[k];
                uint32_t key = bigram_key(a, b);
                if (pass == 0) {
                    s->bg_start[key + 1]++;
                    total++;
                } else {
                    s->bg_words[s->bg_start[key]++] = (uint32_t)i;
                }
            }
        }
        if (pass == 0) {
            for (size_t k = 1; k <= 65536; k++)
                s->bg_start[k] += s->bg_start[k - 1];
            s->bg_words = malloc((total ? total : 1) * sizeof *s->bg_words);
            if (!s->bg_words) return 0;
        }
    }
    /* The second pass advanced each start to the next key's start: shift back. */
    memmove(s->bg_start + 1, s->bg_start, 65536 * sizeof *s->bg_start);
    s->bg_start[0] = 0;
    return 1;
}

static ks_status load_vocab(ks_search *s, ks_error *err)
{
    free_vocab(s);
    sqlite3_stmt *st = NULL;
    ks_status rc = KS_OK;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM search_meta WHERE key = 'vocab'", -1, &st, NULL) !=
        SQLITE_OK)
        return db_fail(s, err, "reading the vocabulary");
    if (sqlite3_step(st) != SQLITE_ROW) goto out; /* no content yet */
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    const void *blob = sqlite3_column_blob(st, 0);
    s->vocab = malloc(n ? n : 1);
    if (!s->vocab) goto nomem;
    if (n) memcpy(s->vocab, blob, n);
    const uint8_t *p = s->vocab, *end = s->vocab + n;
    uint64_t nw;
    if (!ks_rd_varint(&p, end, &nw) || nw > n) goto corrupt;
    s->w = malloc((nw ? nw : 1) * sizeof *s->w);
    s->wlen = malloc((nw ? nw : 1) * sizeof *s->wlen);
    s->wdf = malloc((nw ? nw : 1) * sizeof *s->wdf);
    if (!s->w || !s->wlen || !s->wdf) goto nomem;
    for (uint64_t i = 0; i < nw; i++) {
        if (p >= end) goto corrupt;
        uint8_t len = *p++;
        if ((size_t)(end - p) < len) goto corrupt;
        s->w[i] = (const char *)p;
        s->wlen[i] = len;
        p += len;
        uint64_t df;
        if (!ks_rd_varint(&p, end, &df)) goto corrupt;
        s->wdf[i] = (uint32_t)df;
    }
    s->nw = (size_t)nw;
    if (!build_typo_index(s)) goto nomem;
    goto out;
corrupt:
    free_vocab(s);
    rc = ks_error_set(err, KS_ERR_CORRUPT, "search: the stored vocabulary is damaged (rebuild the index)");
    goto out;
nomem:
    free_vocab(s);
    rc = ks_error_set(err, KS_ERR_NOMEM, "search: out of memory loading the vocabulary");
out:
    sqlite3_finalize(st);
    return rc;
}

/* (Re)loads what the engine keeps in memory when the content changed. */
/* Starts a read transaction unless the caller already has one; returns
 * 1 when it started one (to be ended with end_read). */
static int begin_read(sqlite3 *db)
{
    return sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

static void end_read(sqlite3 *db, int own)
{
    if (own) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

static void free_model(ks_search *s)
{
    ks_strmap_free(&s->model_ids);
    free(s->model_bias);
    free(s->model_z);
    free(s->knn_mu);
    free(s->knn_cls);
    free(s->knn_vec);
    free(s->knn_sim);
    free(s->sent);
    free(s->sent_sim);
    free(s->cls_first);
    free(s->cls_rows);
    s->model_bias = NULL;
    s->model_z = NULL;
    s->knn_mu = NULL;
    s->knn_cls = NULL;
    s->knn_vec = NULL;
    s->knn_sim = NULL;
    s->sent = NULL;
    s->sent_sim = NULL;
    s->has_lr = 0;
    s->cls_first = s->cls_rows = NULL;
    s->knn_dim = 0;
    s->knn_n = 0;
    s->knn_want = s->sent_want = 0;
    s->tables_checked = 0;
    s->n_class = 0;
}

/* The rowids of each class's articles (one per locale). Returns 0 when
 * memory runs out. */
static int load_classes(ks_search *s, size_t nc)
{
    sqlite3_stmt *st = NULL;
    uint32_t *cls = NULL, *rows = NULL;
    size_t n = 0, cap = 0;
    int ok = 0;
    s->cls_first = calloc(nc + 1, sizeof *s->cls_first);
    if (!s->cls_first || sqlite3_prepare_v2(s->db, "SELECT rowid, aid FROM search_doc", -1, &st, NULL) != SQLITE_OK)
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *aid = (const char *)sqlite3_column_text(st, 1);
        uint32_t c = aid ? ks_strmap_get(&s->model_ids, aid, strlen(aid), 0) : UINT32_MAX;
        if (c == UINT32_MAX) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            uint32_t *nc_ = realloc(cls, cap * sizeof *cls), *nr = realloc(rows, cap * sizeof *rows);
            if (nc_) cls = nc_;
            if (nr) rows = nr;
            if (!nc_ || !nr) goto out;
        }
        cls[n] = c;
        rows[n++] = (uint32_t)sqlite3_column_int64(st, 0);
    }
    s->cls_rows = malloc((n ? n : 1) * sizeof *s->cls_rows);
    if (!s->cls_rows) goto out;
    /* counting sort by class */
    for (size_t i = 0; i < n; i++)
        s->cls_first[cls[i] + 1]++;
    for (size_t c = 0; c < nc; c++)
        s->cls_first[c + 1] += s->cls_first[c];
    for (size_t i = 0; i < n; i++)
        s->cls_rows[s->cls_first[cls[i]]++] = rows[i];
    for (size_t c = nc; c > 0; c--)
        s->cls_first[c] = s->cls_first[c - 1];
    s->cls_first[0] = 0;
    ok = 1;
out:
    sqlite3_finalize(st);
    free(cls);
    free(rows);
    return ok;
}

/* The questions' vectors (model_knn, see search_model.c). The table they
 * came from is opened on the first query that needs it (use_tables), not
 * here: opening the engine stays quick for the first frame. */
static void load_knn(ks_search *s, size_t nc)
{
    s->knn_want = ks_search_meta_int(s->db, "model_wordvec", 0);
    if (!s->knn_want) return;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM search_meta WHERE key = 'model_knn'", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        goto out;
    const uint8_t *p = sqlite3_column_blob(st, 0);
    size_t len = (size_t)sqlite3_column_bytes(st, 0);
    uint32_t dim = 0, n = 0;
    if (!p || len < 8) goto out;
    memcpy(&dim, p, 4);
    memcpy(&n, p + 4, 4);
    if (dim == 0 || dim > KS_WORDVEC_MAX_DIM || n == 0) goto out;
    size_t row = 4 + (size_t)dim;
    if (len != 8 + 2 * (size_t)dim * sizeof(float) + (size_t)n * row) goto out;
    s->knn_mu = malloc(2 * (size_t)dim * sizeof *s->knn_mu);
    s->knn_cls = malloc((size_t)n * sizeof *s->knn_cls);
    s->knn_vec = malloc((size_t)n * dim);
    if (!s->knn_mu || !s->knn_cls || !s->knn_vec) goto out;
    memcpy(s->knn_mu, p + 8, 2 * (size_t)dim * sizeof(float));
    const uint8_t *r = p + 8 + 2 * (size_t)dim * sizeof(float);
    for (uint32_t i = 0; i < n; i++, r += row) {
        memcpy(&s->knn_cls[i], r, 4);
        if (s->knn_cls[i] >= nc) goto out; /* damaged: go without */
        memcpy(s->knn_vec + (size_t)i * dim, r + 4, dim);
    }
    s->knn_dim = dim;
    s->knn_n = n;
out:
    sqlite3_finalize(st);
    if (!s->knn_dim) {
        free(s->knn_mu);
        free(s->knn_cls);
        free(s->knn_vec);
        s->knn_mu = NULL;
        s->knn_cls = NULL;
        s->knn_vec = NULL;
    }
}

/* The classes' sentence vectors (model_sent); the encoder itself is
 * opened on the first query that needs it (use_tables). */
static void load_sent(ks_search *s, size_t nc)
{
    s->sent_want = ks_search_meta_int(s->db, "model_encoder", 0);
    if (!s->sent_want) return;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM search_meta WHERE key = 'model_sent'", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const uint8_t *p = sqlite3_column_blob(st, 0);
        size_t len = (size_t)sqlite3_column_bytes(st, 0);
        uint32_t dim = 0, n = 0;
        if (p && len >= 8) {
            memcpy(&dim, p, 4);
            memcpy(&n, p + 4, 4);
        }
        if (dim == KS_ENCODER_DIM && n == nc && len == 8 + (size_t)n * dim &&
            (s->sent = malloc((size_t)n * dim)) && (s->sent_sim = calloc(n, sizeof *s->sent_sim))) {
            memcpy(s->sent, p + 8, (size_t)n * dim);
        } else {
            free(s->sent);
            s->sent = NULL;
        }
    }
    sqlite3_finalize(st);
}

/* Loads the classifier's classes and biases; without a model (or with a
 * damaged one) search simply goes on with BM25F alone. */
static void load_model(ks_search *s)
{
    free_model(s);
    sqlite3_stmt *st = NULL;
    size_t nc = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT (SELECT value FROM search_meta WHERE key = 'model_classes'),"
                           " (SELECT value FROM search_meta WHERE key = 'model_bias'),"
                           " (SELECT value FROM search_meta WHERE key = 'model_scale_ppm')",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL)
        goto out;
    const uint8_t *p = sqlite3_column_blob(st, 0), *end = p + sqlite3_column_bytes(st, 0);
    uint64_t n;
    if (!ks_rd_varint(&p, end, &n) || n < 2 || n > 1000000) goto out;

    for (uint64_t c = 0; c < n; c++) {
        if (p >= end) goto bad;
        uint8_t len = *p++;
        if ((size_t)(end - p) < len || ks_strmap_get(&s->model_ids, (const char *)p, len, 1) != c) goto bad;
        p += len;
    }
    s->model_bias = calloc(n, sizeof *s->model_bias);
    s->model_z = malloc(n * sizeof *s->model_z);
    s->knn_sim = malloc(n * sizeof *s->knn_sim);
    if (!s->model_bias || !s->model_z || !s->knn_sim) goto bad;
    s->has_lr = (size_t)sqlite3_column_bytes(st, 1) == n * sizeof(float);
    if (s->has_lr) memcpy(s->model_bias, sqlite3_column_blob(st, 1), n * sizeof(float));
    s->model_scale = (double)sqlite3_column_int64(st, 2) / 1e6;
    nc = (size_t)n;
    if (!load_classes(s, nc)) goto bad;
    load_knn(s, nc);
    load_sent(s, nc);
    goto out;
bad:
    free_model(s);
    nc = 0;
out:
    sqlite3_finalize(st);
    if (nc)
        s->n_class = nc;
    else
        free_model(s);
}

/* (Re)loads what the engine keeps in memory when the index changed: after
 * an import by another connection (PRAGMA data_version moves) or by this
 * one (its change counter moves), and the index's generation, bumped by
 * every rebuild, differs. View counts and the like cost one lookup. */
static ks_status refresh(ks_search *s, int force, ks_error *err)
{
    int64_t dv = 0;
    if (sqlite3_step(s->st_dv) == SQLITE_ROW) dv = sqlite3_column_int64(s->st_dv, 0);
    sqlite3_reset(s->st_dv);
    int64_t tc = sqlite3_total_changes64(s->db);
    if (!force && dv == s->data_version && tc == s->total_changes) return KS_OK;
    int own = begin_read(s->db); /* so the statistics and vocabulary agree */
    ks_status rc = KS_OK;
    int64_t gen = ks_search_meta_int(s->db, "generation", 0);
    if (force || gen != s->generation) {
        s->n_docs = (double)ks_search_meta_int(s->db, "n_docs", 0);
        s->avgdl = ks_search_meta_real(s->db, "avgdl", 1.0);
        s->max_rowid = ks_search_meta_int(s->db, "max_rowid", 0);
        rc = load_vocab(s, err);
        load_model(s);
    }
    end_read(s->db, own);
    if (rc != KS_OK) return rc;
    size_t need = (size_t)(s->max_rowid > 0 ? s->max_rowid : 0) + 1;
    if (need > s->acc_n) {
        float *a = realloc(s->acc, need * sizeof *a);
        if (!a) return ks_error_set(err, KS_ERR_NOMEM, "search: out of memory for %zu articles", need);
        memset(a + s->acc_n, 0, (need - s->acc_n) * sizeof *a);
        s->acc = a;
        s->acc_n = need;
    }
    s->data_version = dv;
    s->total_changes = tc;
    s->generation = gen;
    return KS_OK;
}

int ks_search_needs_reindex(sqlite3 *db)
{
    int64_t articles = -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM articles", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        articles = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (articles <= 0) return 0; /* nothing to find, nothing to rebuild */
    if (ks_search_meta_int(db, "format", 0) != KS_SEARCH_FORMAT) return 1;
    return ks_search_meta_int(db, "n_docs", -1) != articles;
}

ks_status ks_search_open(sqlite3 *db, ks_search **out, ks_error *err)
{
    *out = NULL;
    ks_status rc;
    ks_search *s = calloc(1, sizeof *s);
    if (!s) return ks_error_set(err, KS_ERR_NOMEM, "search: out of memory opening the engine");
    s->db = db;
    s->tn = default_tune;
    tune_from_env(&s->tn);
    s->it = ks_itune_get();
    s->data_version = -1;
    if ((rc = ks_norm_open(&s->norm, err)) != KS_OK) goto fail;
    {
        /* OpenCC loads its phrase tables on first use, and the pinyin table
         * is read on first use: pay that here, not on the visitor's first
         * Chinese query. */
        ks_pinyin_table_size();
        char *w = NULL, *walt = NULL;
        if (ks_norm_text_alt(s->norm, "繫結帳號", strlen("繫結帳號"), &w, NULL, &walt, NULL, NULL) == KS_OK) {
            free(w);
            free(walt);
        }
    }
    if (ks_search_needs_reindex(db)) {
        rc = ks_error_set(err, KS_ERR_CORRUPT,
                          "search: the index is missing or from another version of the engine; rebuild it "
                          "(ks_store_reindex, done by `kioskctl search` automatically)");
        goto fail;
    }
    struct {
        sqlite3_stmt **st;
        const char *sql;
    } stmts[] = {
        {&s->st_term, "SELECT df, pid FROM search_term WHERE term = ?1"},
        {&s->st_post1, "SELECT h1 FROM search_post WHERE pid = ?1"},
        {&s->st_post2, "SELECT h1, h2 FROM search_post WHERE pid = ?1"},
        {&s->st_doc, "SELECT aid, locale, title, data FROM search_doc WHERE rowid = ?1"},
        {&s->st_views, "SELECT views FROM article_views WHERE id = ?1"},
        {&s->st_dv, "PRAGMA data_version"},
        {&s->st_versions, "SELECT locale, title FROM articles WHERE id = ?1"},
        {&s->st_model, "SELECT w FROM search_model WHERE feature = ?1"},
    };
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
        if (sqlite3_prepare_v3(db, stmts[i].sql, -1, SQLITE_PREPARE_PERSISTENT, stmts[i].st, NULL) !=
            SQLITE_OK) {
            rc = db_fail(s, err, "preparing the queries (is this a kiosk database?)");
            goto fail;
        }
    }
    /* Postings and records of common terms are read by most queries: a
     * page cache of 8 MiB keeps them (SQLite's default is 2 MiB). This is
     * the store's connection; the setting only ever grows it. */
    if (sqlite3_exec(db, "PRAGMA cache_size = -8192", NULL, NULL, NULL) != SQLITE_OK)
        ks_log_debug("search", "could not enlarge the page cache: %s", sqlite3_errmsg(db));
    if ((rc = refresh(s, 1, err)) != KS_OK) goto fail;
    *out = s;
    return KS_OK;
fail:
    ks_search_close(s);
    return rc;
}

void ks_search_close(ks_search *s)
{
    if (!s) return;
    sqlite3_finalize(s->st_term);
    sqlite3_finalize(s->st_post1);
    sqlite3_finalize(s->st_post2);
    sqlite3_finalize(s->st_doc);
    sqlite3_finalize(s->st_views);
    sqlite3_finalize(s->st_dv);
    sqlite3_finalize(s->st_versions);
    sqlite3_finalize(s->st_model);
    free_model(s);
    ks_norm_close(s->norm);
    free_vocab(s);
    free(s->acc);
    free(s->touched);
    free(s);
}

/* ------------------------------------------------------ query expansion */

typedef struct qterm {
    char s[KS_TERM_MAX];
    uint8_t len;
    uint8_t kind;
    uint8_t alt; /* 1: a typo correction or prefix completion */
    int group;   /* index of the visitor's term it stands for */
    double w;    /* query weight */
    double idf;
    int64_t df;
    int64_t pid; /* its postings (search_post) */
} qterm;

typedef struct query {
    qterm v[MAX_QTERMS];
    size_t n;
    size_t sorted[MAX_QTERMS]; /* known, non-pinyin terms, bytewise (for rescore's merge) */
    size_t n_sorted;
    int n_groups;
    double group_mass[QUERY_MAX_TERMS]; /* w * idf of each visitor term (best of its alternatives) */
} query;

static qterm *add_qterm(query *q, const char *s, size_t len, uint8_t kind, double w, int alt, int group)
{
    if (len == 0 || len >= KS_TERM_MAX) return NULL;
    for (size_t i = 0; i < q->n; i++) {
        if (q->v[i].len == len && memcmp(q->v[i].s, s, len) == 0) {
            /* The same term twice counts once, at its best weight. */
            if (w > q->v[i].w) {
                q->v[i].w = w;
                q->v[i].alt = (uint8_t)alt;
                q->v[i].group = group;
            }
            return NULL;
        }
    }
    if (q->n >= MAX_QTERMS) return NULL;
    qterm *t = &q->v[q->n++];
    memset(t, 0, sizeof *t);
    memcpy(t->s, s, len);
    t->len = (uint8_t)len;
    t->kind = kind;
    t->w = w;
    t->alt = (uint8_t)alt;
    t->group = group;
    return t;
}

static int vocab_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c) return c;
    return an < bn ? -1 : (an > bn);
}

/* First vocabulary index whose word is >= key. */
static size_t vocab_lower(const ks_search *s, const char *key, size_t n)
{
    size_t lo = 0, hi = s->nw;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vocab_cmp(s->w[mid], s->wlen[mid], key, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int vocab_has(const ks_search *s, const char *key, size_t n)
{
    size_t i = vocab_lower(s, key, n);
    return i < s->nw && s->wlen[i] == n && memcmp(s->w[i], key, n) == 0;
}

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions), giving up above max. */
static int osa_distance(const char *a, size_t an, const char *b, size_t bn, int max)
{
    if (an > 48 || bn > 48) return max + 1;
    int d[50][50];
    for (size_t i = 0; i <= an; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= bn; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= an; i++) {
        int row_min = max + 1;
        for (size_t j = 1; j <= bn; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < row_min) row_min = v;
        }
        if (row_min > max) return max + 1;
    }
    return d[an][bn];
}

typedef struct cand {
    uint32_t word;
    int dist;
} cand;

/* Adds the stems of up to TYPO_MAX_CANDIDATES vocabulary words within
 * edit distance 1 (2 for words of 7+ bytes) of the unknown word. */
static void add_typo_candidates(ks_search *s, query *q, const char *word, size_t n, double base, int group)
{
    if (!s->nw || !typo_word(word, n) || n > 40) return;
    int maxd = n >= 7 ? 2 : 1;
    size_t nb = n + 1;
    const uint8_t *p = (const uint8_t *)word;
    uint32_t touched[4096];
    size_t nt = 0;
    for (size_t k = 0; k <= n; k++) {
        uint32_t key = bigram_key(k == 0 ? '^' : p[k - 1], k == n ? '$' : p[k]);
        for (uint32_t i = s->bg_start[key]; i < s->bg_start[key + 1]; i++) {
            uint32_t wi = s->bg_words[i];
            if (s->bg_cnt[wi]++ == 0 && nt < sizeof touched / sizeof touched[0]) touched[nt++] = wi;
        }
    }
    /* An edit changes at most two bigrams, a transposition three. */
    int need = (int)nb - 3 * maxd;
    if (need < 1) need = 1;
    cand best[TYPO_MAX_CANDIDATES];
    size_t nbest = 0;
    for (size_t i = 0; i < nt; i++) {
        uint32_t wi = touched[i];
        int c = s->bg_cnt[wi];
        s->bg_cnt[wi] = 0;
        if (c < need) continue;
        size_t wl = s->wlen[wi];
        if ((wl > n ? wl - n : n - wl) > (size_t)maxd) continue;
        int d = osa_distance(word, n, s->w[wi], wl, maxd);
        if (d == 0 || d > maxd) continue;
        /* keep the closest, then the most common */
        size_t pos = nbest;
        while (pos > 0 && (best[pos - 1].dist > d ||
                           (best[pos - 1].dist == d && s->wdf[best[pos - 1].word] < s->wdf[wi])))
            pos--;
        if (pos >= TYPO_MAX_CANDIDATES) continue;
        if (nbest < TYPO_MAX_CANDIDATES) nbest++;
        memmove(best + pos + 1, best + pos, (nbest - 1 - pos) * sizeof *best);
        best[pos].word = wi;
        best[pos].dist = d;
    }
    /* Words beyond the touched buffer were counted but not remembered. */
    if (nt == sizeof touched / sizeof touched[0]) memset(s->bg_cnt, 0, s->nw * sizeof *s->bg_cnt);
    for (size_t i = 0; i < nbest; i++) {
        char st[KS_STEM_MAX];
        size_t sl = ks_stem_en(s->w[best[i].word], s->wlen[best[i].word], st);
        double w = base * (best[i].dist == 1 ? s->tn.w_typo1 : s->tn.w_typo2);
        add_qterm(q, st, sl, KS_TERM_WORD, w, 1, group);
    }
}

/* Adds completions of the word being typed: the most common vocabulary
 * words that start with it, at weight w. Returns how many. */
static size_t add_prefix_completions(ks_search *s, query *q, const char *word, size_t n, int group, double w)
{
    if (!s->nw || n == 0) return 0;
    uint32_t best[PREFIX_MAX_EXPANSIONS];
    size_t nbest = 0;
    for (size_t i = vocab_lower(s, word, n); i < s->nw; i++) {
        if (s->wlen[i] < n || memcmp(s->w[i], word, n) != 0) break;
        if (s->wlen[i] == n) continue;
        size_t pos = nbest;
        while (pos > 0 && s->wdf[best[pos - 1]] < s->wdf[i])
            pos--;
        if (pos >= PREFIX_MAX_EXPANSIONS) continue;
        if (nbest < PREFIX_MAX_EXPANSIONS) nbest++;
        memmove(best + pos + 1, best + pos, (nbest - 1 - pos) * sizeof *best);
        best[pos] = (uint32_t)i;
    }
    for (size_t i = 0; i < nbest; i++) {
        char st[KS_STEM_MAX];
        size_t sl = ks_stem_en(s->w[best[i]], s->wlen[best[i]], st);
        add_qterm(q, st, sl, KS_TERM_WORD, w, 1, group);
    }
    return nbest;
}

static double kind_weight(const tune *tn, uint8_t kind)
{
    switch (kind) {
    case KS_TERM_STOP:
        return tn->w_stop;
    case KS_TERM_HAN1:
        return tn->w_han1;
    case KS_TERM_HAN2:
        return tn->w_han2;
    case KS_TERM_PINYIN:
        return tn->w_pinyin;
    default:
        return tn->w_word;
    }
}

static double idf_of(const ks_search *s, int64_t df)
{
    return log(1.0 + (s->n_docs - (double)df + 0.5) / ((double)df + 0.5));
}

/* Looks up t in the dictionary: its df (0 when absent) and postings id. */
static int64_t term_df(ks_search *s, qterm *t)
{
    sqlite3_bind_blob(s->st_term, 1, t->s, t->len, SQLITE_STATIC);
    int64_t df = 0;
    if (sqlite3_step(s->st_term) == SQLITE_ROW) {
        df = sqlite3_column_int64(s->st_term, 0);
        t->pid = sqlite3_column_int64(s->st_term, 1);
    }
    sqlite3_reset(s->st_term);
    return df;
}

static void build_query(ks_search *s, const ks_terms *tt, query *q)
{
    q->n = 0;
    q->n_groups = 0;
    int group_of_main[QUERY_MAX_TERMS];
    for (size_t i = 0; i < tt->n && q->n_groups < QUERY_MAX_TERMS; i++) {
        const ks_term *t = &tt->v[i];
        double w = kind_weight(&s->tn, t->kind);
        if (t->variant) {
            /* The mainland wording of a Traditional text: an alternative
             * for the visitor's own term at the same place. */
            int group = -1;
            for (size_t j = 0; j < i && group < 0; j++)
                if (!tt->v[j].variant && tt->v[j].kind == t->kind && tt->v[j].pos == t->pos &&
                    j < QUERY_MAX_TERMS)
                    group = group_of_main[j];
            if (group < 0) group = q->n_groups++;
            qterm *qt = add_qterm(q, t->s, t->len, t->kind, w, 1, group);
            if (qt) qt->df = term_df(s, qt);
            continue;
        }
        int group = q->n_groups;
        if (i < QUERY_MAX_TERMS) group_of_main[i] = group;
        qterm *qt = add_qterm(q, t->s, t->len, t->kind, w, 0, group);
        if (!qt) {
            /* a repeated term: remember where it went for its variants */
            for (size_t j = 0; j < q->n; j++)
                if (q->v[j].len == t->len && memcmp(q->v[j].s, t->s, t->len) == 0 && i < QUERY_MAX_TERMS)
                    group_of_main[i] = q->v[j].group;
            continue;
        }
        q->n_groups++;
        qt->df = term_df(s, qt);
        /* The word being typed is completed first; only a word that is
         * neither known nor the start of a known word is a typo. */
        int typing = t->last && !tt->ends_in_space && (t->kind == KS_TERM_WORD || t->kind == KS_TERM_STOP);
        size_t completed = 0;
        if (typing && t->surf_len)
            completed = add_prefix_completions(s, q, tt->norm + t->surf_off, t->surf_len, group,
                                               qt->df ? s->tn.w_prefix : s->tn.w_prefix_alone);
        if (t->kind == KS_TERM_WORD && t->surf_len && !completed) {
            const char *surf = tt->norm + t->surf_off;
            if (qt->df == 0 && !vocab_has(s, surf, t->surf_len))
                add_typo_candidates(s, q, surf, t->surf_len, w, group);
        }
    }
    q->n_sorted = 0;
    for (size_t i = 0; i < q->n; i++) {
        qterm *qt = &q->v[i];
        if (qt->alt && !qt->df) qt->df = term_df(s, qt);
        qt->idf = idf_of(s, qt->df);
        if (!qt->df || qt->kind == KS_TERM_PINYIN) continue;
        size_t j = q->n_sorted++;
        while (j > 0 && vocab_cmp(q->v[q->sorted[j - 1]].s, q->v[q->sorted[j - 1]].len, qt->s, qt->len) > 0) {
            q->sorted[j] = q->sorted[j - 1];
            j--;
        }
        q->sorted[j] = i;
    }
    /* What each visitor term can contribute at best: its own weight, or,
     * when it is unknown, its best known alternative's. Unknown terms with
     * no known alternative still count, at the rarest term's weight: a
     * query full of words the content never uses is not answered by it.
     * Single Han characters and pinyin are left out: their pairs speak for
     * them. */
    double max_idf = idf_of(s, 0);
    int known[QUERY_MAX_TERMS];
    for (int g = 0; g < q->n_groups; g++) {
        q->group_mass[g] = 0;
        known[g] = 0;
    }
    for (size_t i = 0; i < q->n; i++) {
        qterm *qt = &q->v[i];
        if (qt->kind == KS_TERM_PINYIN || qt->kind == KS_TERM_HAN1 || !qt->df) continue;
        double m = qt->w * qt->idf;
        if (!known[qt->group] || m > q->group_mass[qt->group]) q->group_mass[qt->group] = m;
        known[qt->group] = 1;
    }
    for (size_t i = 0; i < q->n; i++) {
        qterm *qt = &q->v[i];
        if (qt->kind == KS_TERM_PINYIN || qt->kind == KS_TERM_HAN1 || qt->alt || known[qt->group]) continue;
        q->group_mass[qt->group] = qt->w * max_idf;
    }
}

/* ------------------------------------------------------------- scoring */

static void acc_add(ks_search *s, uint32_t rowid, float v)
{
    if (rowid >= s->acc_n) return; /* content newer than our statistics */
    if (s->acc[rowid] == 0.0f) {
        if (s->n_touched == s->touched_cap) {
            size_t ncap = s->touched_cap ? s->touched_cap * 2 : 4096;
            uint32_t *nt = realloc(s->touched, ncap * sizeof *nt);
            if (!nt) return; /* a lost candidate, not a failure */
            s->touched = nt;
            s->touched_cap = ncap;
        }
        s->touched[s->n_touched++] = rowid;
    }
    s->acc[rowid] += v;
}

/* Adds up to cap postings of t (its best impacts) to the accumulators;
 * returns how many it read. */
static size_t score_postings(ks_search *s, const uint8_t *p, const uint8_t *end, double scale, size_t cap)
{
    size_t used = 0;
    while (p && p < end && used < cap) {
        uint8_t impact = *p++;
        uint64_t count, delta;
        if (!ks_rd_varint(&p, end, &count)) break;
        uint32_t rowid = 0;
        float v = (float)(scale * impact);
        for (uint64_t k = 0; k < count && used < cap; k++, used++) {
            if (!ks_rd_varint(&p, end, &delta)) return used;
            rowid += (uint32_t)delta;
            acc_add(s, rowid, v);
        }
    }
    return used;
}

static size_t score_term(ks_search *s, const qterm *t, size_t cap)
{
    if (!t->df) return 0;
    size_t used = 0;
    /* Only a term allowed more than h1's postings reads h2 at all. */
    int two = cap > KS_H1_POSTINGS;
    sqlite3_stmt *st = two ? s->st_post2 : s->st_post1;
    sqlite3_bind_int64(st, 1, t->pid);
    if (sqlite3_step(st) == SQLITE_ROW) {
        double scale = t->w * t->idf * (s->it.k1 + 1.0) / 255.0;
        for (int col = 0; col <= two && used < cap; col++) {
            const uint8_t *p = sqlite3_column_blob(st, col);
            used += score_postings(s, p, p + sqlite3_column_bytes(st, col), scale, cap - used);
        }
    }
    sqlite3_reset(st);
    return used;
}

/* First stage: finds candidates by reading the best postings of every
 * term, most telling terms first, within a budget of postings per query,
 * so a query costs about the same on any size of FAQ. Each term gets at
 * least MIN_TERM_POSTINGS; selective terms have short lists and leave
 * their share to the common ones. The exact score comes later. */
static void find_candidates(ks_search *s, const query *q)
{
    size_t order[MAX_QTERMS];
    for (size_t i = 0; i < q->n; i++) {
        /* insertion sort by w * idf, descending (at most MAX_QTERMS terms) */
        double v = q->v[i].w * q->v[i].idf;
        size_t j = i;
        while (j > 0 && q->v[order[j - 1]].w * q->v[order[j - 1]].idf < v) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    size_t budget = QUERY_POSTINGS_BUDGET;
    for (size_t i = 0; i < q->n; i++) {
        size_t left = q->n - i;
        size_t cap = budget / left;
        if (cap < MIN_TERM_POSTINGS) cap = MIN_TERM_POSTINGS;
        size_t used = score_term(s, &q->v[order[i]], cap);
        budget = used < budget ? budget - used : 0;
    }
}

typedef struct scored {
    uint32_t rowid;
    double s1;    /* first-stage score */
    double score; /* final */
    double cov;   /* share of the query's weight this article matches */
    double field; /* best single title/question/keyword match */
    double exact; /* second-stage BM25F score */
    int content;  /* matched terms that carry meaning (not function words or pinyin) */
    double prob;  /* the classifier's probability of this article (0 without one) */
    double sim;   /* cosine of the query with its nearest question (0 without vectors) */
    double sent;  /* the sentence encoder's cosine, less its floor (0 without one) */
    char *id, *locale, *title;
} scored;

static int cmp_s1(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->s1 != y->s1) return x->s1 > y->s1 ? -1 : 1;
    return x->rowid < y->rowid ? -1 : (x->rowid > y->rowid);
}

static int cmp_final(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->rowid < y->rowid ? -1 : (x->rowid > y->rowid);
}

/* The classifier's probability for every class given the query, into
 * s->model_z. Returns 0 without a model or when no query term is one of
 * its features. Features are the query's terms, as in training (binary,
 * unit length); typo and prefix alternatives count at their weight. */
#define LCS_MAX 64

/* The Han characters of normalised text, in order (at most LCS_MAX). */
static size_t han_seq(const char *t, size_t len, int32_t *out)
{
    size_t n = 0, i = 0;
    while (i < len && n < LCS_MAX) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)t + i, (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0) {
            i++;
            continue;
        }
        i += (size_t)k;
        if (ks_norm_is_han(c)) out[n++] = c;
    }
    return n;
}

/* Share of the query's Han characters (a) found in order in a title (b),
 * i.e. their longest common subsequence over the query's length: word
 * order, which bag-of-terms BM25 does not see (a paraphrase keeps most of
 * its characters in order; a different question reuses them shuffled). */
static double lcs_ratio(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    if (!na || !nb) return 0;
    uint8_t row[LCS_MAX + 1] = {0};
    for (size_t i = 0; i < na; i++) {
        uint8_t diag = 0;
        for (size_t j = 0; j < nb; j++) {
            uint8_t up = row[j + 1];
            row[j + 1] = a[i] == b[j] ? (uint8_t)(diag + 1) : (up > row[j] ? up : row[j]);
            diag = up;
        }
    }
    return (double)row[nb] / (double)na;
}

void ks_search_preload(sqlite3 *db)
{
    if (ks_search_meta_int(db, "model_wordvec", 0)) (void)ks_wordvec_default();
    if (ks_search_meta_int(db, "model_encoder", 0)) (void)ks_encoder_default();
}

/* Opens the word vectors and the encoder the first time a query may use
 * them, and keeps their parts of the model only when they are the very
 * ones the index was made with (another table's vectors would not compare
 * with its questions'; a reindex makes them usable). */
static void use_tables(ks_search *s, int with_encoder)
{
    if (!(s->tables_checked & 1) && s->knn_dim) {
        s->wv = ks_wordvec_default();
        if (!s->wv || s->knn_want != (int64_t)ks_wordvec_id(s->wv) || ks_wordvec_dim(s->wv) != s->knn_dim) {
            ks_log_debug("search", "the index was made with other word vectors: reindex to use these");
            s->knn_dim = 0;
        }
    }
    s->tables_checked |= 1;
    if (!with_encoder || (s->tables_checked & 2)) return;
    s->tables_checked |= 2;
    if (s->sent) {
        s->enc = ks_encoder_default();
        if (!s->enc || s->sent_want != (int64_t)ks_encoder_id(s->enc)) {
            ks_log_debug("search", "the index was made with another sentence encoder: reindex to use it");
            free(s->sent);
            s->sent = NULL;
        }
    }
}

/* The query as one vector, as search_model.c makes the questions' (the
 * words' weighted mean, centred, its common direction removed, unit
 * length): per visitor word its own vector, or when it has none (a typo,
 * a word being typed) that of its best correction or completion, at that
 * alternative's weight. Returns 0 when no word has a vector. */
static int query_vector(ks_search *s, const query *q, float *x)
{
    unsigned dim = s->knn_dim;
    float tmp[KS_WORDVEC_MAX_DIM];
    double total = 0;
    memset(x, 0, dim * sizeof *x);
    for (int g = 0; g < q->n_groups; g++) {
        const qterm *own = NULL, *best_alt = NULL;
        for (size_t i = 0; i < q->n; i++) {
            const qterm *t = &q->v[i];
            if (t->group != g || (t->kind != KS_TERM_WORD && t->kind != KS_TERM_STOP)) continue;
            if (!t->alt)
                own = t;
            else if (!best_alt || t->w > best_alt->w)
                best_alt = t;
        }
        const qterm *use[2] = {own, best_alt};
        for (int k = 0; k < 2; k++) {
            if (!use[k]) continue;
            memset(tmp, 0, dim * sizeof *tmp);
            double w = ks_wordvec_add(s->wv, use[k]->s, use[k]->len, tmp);
            if (w <= 0) continue;
            double m = k == 0 ? 1.0 : use[k]->w;
            for (unsigned d = 0; d < dim; d++)
                x[d] += (float)(m * tmp[d]);
            total += m * w;
            break;
        }
    }
    if (total <= 0) return 0;
    for (unsigned d = 0; d < dim; d++)
        x[d] = (float)(x[d] / total);
    return ks_dense_project(s->knn_mu, s->knn_mu + dim, dim, 1.0, x);
}

/* Cosines against stored int8 unit vectors (x127) use integer dot
 * products: exact enough at this precision, and the loop vectorises (a
 * float sum may not be reordered), which makes scanning every question
 * ~5x cheaper. q_quantize prepares the query once, q_cosine scores one. */
static void q_quantize(const float *x, unsigned dim, int16_t *xq)
{
    for (unsigned d = 0; d < dim; d++)
        xq[d] = (int16_t)lrintf(x[d] * 4096.0f);
}

static double q_cosine(const int16_t *xq, const int8_t *v, unsigned dim)
{
    int32_t dot = 0;
    for (unsigned d = 0; d < dim; d++)
        dot += (int32_t)xq[d] * v[d];
    return dot / (127.0 * 4096.0);
}

/* Per class, the cosine of the query with its nearest question, into
 * s->knn_sim (0 for classes with none, and never below 0). Returns 0 when
 * there are no question vectors or the query has no vector. */
static int knn_sims(ks_search *s, const query *q)
{
    float x[KS_WORDVEC_MAX_DIM];
    if (!s->knn_dim || !query_vector(s, q, x)) return 0;
    for (size_t c = 0; c < s->n_class; c++)
        s->knn_sim[c] = 0;
    unsigned dim = s->knn_dim;
    int16_t xq[KS_WORDVEC_MAX_DIM];
    q_quantize(x, dim, xq);
    for (size_t e = 0; e < s->knn_n; e++) {
        /* below knn_floor, two sentences are no nearer than unrelated ones */
        double cs = q_cosine(xq, s->knn_vec + e * dim, dim) - s->tn.knn_floor;
        if (cs > s->knn_sim[s->knn_cls[e]]) s->knn_sim[s->knn_cls[e]] = cs;
    }
    return 1;
}

/* The regression's probability of every class given the query, into
 * s->model_z. Returns 0 without one or when no query term is one of its
 * features. Features are the query's terms, as in training (binary, unit
 * length); typo and prefix alternatives count at their weight. */
static int lr_probs(ks_search *s, const query *q)
{
    if (!s->has_lr) return 0;
    size_t nfeat = 0;
    for (size_t i = 0; i < q->n; i++)
        nfeat += !q->v[i].alt && q->v[i].kind != KS_TERM_PINYIN;
    if (!nfeat) return 0;
    double x = 1.0 / sqrt((double)nfeat);
    for (size_t c = 0; c < s->n_class; c++)
        s->model_z[c] = s->model_bias[c];
    int any = 0;
    for (size_t i = 0; i < q->n; i++) {
        const qterm *t = &q->v[i];
        if (t->kind == KS_TERM_PINYIN || !t->df) continue;
        sqlite3_bind_blob(s->st_model, 1, t->s, t->len, SQLITE_STATIC);
        if (sqlite3_step(s->st_model) == SQLITE_ROW) {
            const uint8_t *p = sqlite3_column_blob(s->st_model, 0);
            const uint8_t *end = p + sqlite3_column_bytes(s->st_model, 0);
            double unit = s->model_scale * x * (t->alt ? t->w : 1.0);
            uint64_t c = 0, delta;
            while (p && p < end && ks_rd_varint(&p, end, &delta) && p < end) {
                c += delta;
                int8_t wq = (int8_t)*p++;
                if (c < s->n_class) s->model_z[c] += unit * wq;
            }
            any = 1;
        }
        sqlite3_reset(s->st_model);
    }
    if (!any) return 0;
    double mx = -1e300, sum = 0;
    for (size_t c = 0; c < s->n_class; c++)
        if (s->model_z[c] > mx) mx = s->model_z[c];
    for (size_t c = 0; c < s->n_class; c++)
        sum += (s->model_z[c] = exp((s->model_z[c] - mx) / s->tn.model_temp));
    for (size_t c = 0; c < s->n_class; c++)
        s->model_z[c] /= sum;
    return 1;
}

/* Per class, the cosine of the query's sentence vector with the class's
 * centre, less sent_floor (what unrelated questions score), never below
 * 0, into s->sent_sim. Returns 0 without sentence vectors. */
/* Whether most of the visitor's words are words at all: known to the
 * content (or corrected or completed to its words) or to the word
 * vectors. The encoder makes a confident-looking vector of anything,
 * "xyzzy plugh" included; this keeps it to queries made of words. */
static int words_known(const query *q)
{
    const ks_wordvec *wv = ks_wordvec_default();
    int words = 0, known = 0;
    for (int g = 0; g < q->n_groups; g++) {
        int is_word = 0, ok = 0;
        for (size_t i = 0; i < q->n; i++) {
            const qterm *t = &q->v[i];
            if (t->group != g || (t->kind != KS_TERM_WORD && t->kind != KS_TERM_STOP)) continue;
            is_word = 1;
            if (t->df > 0) ok = 1;
            if (!t->alt && wv) {
                float tmp[KS_WORDVEC_MAX_DIM] = {0};
                if (ks_wordvec_add(wv, t->s, t->len, tmp) > 0) ok = 1;
            }
        }
        words += is_word;
        known += is_word && ok;
    }
    return words > 0 && 2 * known >= words;
}

static int sent_sims(ks_search *s, const query *q, const char *text, size_t len)
{
    float x[KS_ENCODER_DIM];
    if (!s->sent || !ks_english_text(text, len) || !words_known(q) ||
        !ks_encoder_embed(s->enc, text, len, QUERY_MAX_PIECES, x))
        return 0;
    int16_t xq[KS_ENCODER_DIM];
    q_quantize(x, KS_ENCODER_DIM, xq);
    for (size_t c = 0; c < s->n_class; c++) {
        double cs = q_cosine(xq, s->sent + c * KS_ENCODER_DIM, KS_ENCODER_DIM) - s->tn.sent_floor;
        s->sent_sim[c] = cs > 0 ? cs : 0;
    }
    return 1;
}

/* What the on-device model says of each class, into model_z (the
 * regression's probability, 0 without it), knn_sim (nearest question by
 * word vectors) and sent_sim (sentence vectors), 0 where absent. Returns
 * 0 when it has nothing to say. */
static int model_scores(ks_search *s, const query *q, const char *text, size_t len, unsigned flags, int *partial)
{
    if (!s->n_class) return 0;
    /* a keystroke (quick) never waits for the encoder to open */
    use_tables(s, !(flags & KS_SEARCH_QUICK));
    int sent = 0;
    if (!(flags & KS_SEARCH_QUICK))
        sent = sent_sims(s, q, text, len);
    else
        *partial = s->sent && ks_english_text(text, len) && words_known(q);
    if (!sent && s->sent_sim)
        for (size_t c = 0; c < s->n_class; c++)
            s->sent_sim[c] = 0;
    int lr = lr_probs(s, q);
    if (!lr)
        for (size_t c = 0; c < s->n_class; c++)
            s->model_z[c] = 0;
    int knn = knn_sims(s, q);
    if (!knn)
        for (size_t c = 0; c < s->n_class; c++)
            s->knn_sim[c] = 0;
    return lr || knn || sent;
}

/* A class's evidence from the model, in the units of the final score. */
static double model_evidence(const ks_search *s, size_t c)
{
    return s->tn.model * s->model_z[c] + s->tn.knn * s->knn_sim[c] + (s->sent_sim ? s->tn.sent * s->sent_sim[c] : 0);
}

/* Adds the articles of the classifier's MODEL_CANDIDATES most probable
 * classes to the n candidates in out (room for cap), unless already
 * there: what the visitor means may share no word with its article. */
static size_t add_model_candidates(ks_search *s, scored *out, size_t n, size_t cap)
{
    size_t top[MODEL_CANDIDATES];
    size_t nt = 0;
    for (size_t c = 0; c < s->n_class; c++) {
        /* the regression or the word vectors, or a sentence close enough
         * to be a paraphrase, may bring an article in */
        double ev = model_evidence(s, c);
        int near = s->sent_sim && s->sent_sim[c] + s->tn.sent_floor >= s->tn.sent_cand;
        if (!near && ev - (s->sent_sim ? s->tn.sent * s->sent_sim[c] : 0) < s->tn.model_cand) continue;
        size_t j = nt < MODEL_CANDIDATES ? nt++ : MODEL_CANDIDATES;
        if (j == MODEL_CANDIDATES) {
            if (ev <= model_evidence(s, top[MODEL_CANDIDATES - 1])) continue;
            j = MODEL_CANDIDATES - 1;
        }
        while (j > 0 && model_evidence(s, top[j - 1]) < ev) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = c;
    }
    for (size_t i = 0; i < nt; i++) {
        size_t c = top[i];
        for (uint32_t r = s->cls_first[c]; r < s->cls_first[c + 1] && r - s->cls_first[c] < MODEL_ROWS_PER_CLASS;
             r++) {
            uint32_t rowid = s->cls_rows[r];
            int have = 0;
            for (size_t j = 0; j < n && !have; j++)
                have = out[j].rowid == rowid;
            if (have || n >= cap) continue;
            memset(&out[n], 0, sizeof out[n]);
            out[n++].rowid = rowid;
        }
    }
    return n;
}

/* Keeps the k best accumulators (by s1) in out; returns how many. */
static size_t top_candidates(ks_search *s, scored *out, size_t k)
{
    size_t n = 0;
    /* a min-heap on s1 of size k */
    for (size_t i = 0; i < s->n_touched; i++) {
        uint32_t r = s->touched[i];
        double v = s->acc[r];
        if (n < k) {
            size_t c = n++;
            out[c].rowid = r;
            out[c].s1 = v;
            while (c > 0) {
                size_t p = (c - 1) / 2;
                if (out[p].s1 <= out[c].s1) break;
                scored tmp = out[p];
                out[p] = out[c];
                out[c] = tmp;
                c = p;
            }
        } else if (v > out[0].s1) {
            out[0].rowid = r;
            out[0].s1 = v;
            size_t c = 0;
            for (;;) {
                size_t l = 2 * c + 1, m = c;
                if (l < n && out[l].s1 < out[m].s1) m = l;
                if (l + 1 < n && out[l + 1].s1 < out[m].s1) m = l + 1;
                if (m == c) break;
                scored tmp = out[m];
                out[m] = out[c];
                out[c] = tmp;
                c = m;
            }
        }
    }
    for (size_t i = 0; i < s->n_touched; i++)
        s->acc[s->touched[i]] = 0.0f;
    s->n_touched = 0;
    qsort(out, n, sizeof *out, cmp_s1);
    return n;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    char *d = malloc(n + 1);
    if (!d) return NULL;
    if (t) memcpy(d, t, n);
    d[n] = '\0';
    return d;
}

#define MAX_DOC_PINYIN 256

/* Second stage, from the article's stored fields: its exact BM25F score
 * for every query term (the first stage may have read only part of a
 * common term's postings), how much of the query it covers, and how
 * closely its best title, question or keyword matches the query. */
static void rescore(ks_search *s, const query *q, scored *c)
{
    c->cov = 0;
    c->field = 0;
    c->exact = 0;
    c->content = 0;
    sqlite3_bind_int64(s->st_doc, 1, c->rowid);
    if (sqlite3_step(s->st_doc) != SQLITE_ROW) {
        sqlite3_reset(s->st_doc);
        return;
    }
    ks_doc d;
    if (ks_doc_parse(sqlite3_column_blob(s->st_doc, 3), (size_t)sqlite3_column_bytes(s->st_doc, 3), &d,
                     NULL) != KS_OK) {
        sqlite3_reset(s->st_doc);
        return;
    }
    c->id = dup_col(s->st_doc, 0);
    c->locale = dup_col(s->st_doc, 1);
    c->title = dup_col(s->st_doc, 2);
    const ks_itune *it = &s->it;
    /* The pinyin of the article's Han pairs, when the query has pinyin. */
    static _Thread_local char py[MAX_DOC_PINYIN][KS_TERM_MAX];
    uint8_t py_len[MAX_DOC_PINYIN];
    double py_w[MAX_DOC_PINYIN];
    size_t n_py = 0;
    int want_py = 0;
    for (size_t i = 0; i < q->n && !want_py; i++)
        want_py = q->v[i].kind == KS_TERM_PINYIN && q->v[i].df;
    double dl = 0;
    for (size_t f = 0; f < d.n_fields; f++) {
        const ks_doc_field *fd = &d.fields[f];
        double fw = ks_itune_field_weight(it, fd->kind);
        dl += fw * fd->n_tokens;
        if (!want_py || fd->kind == KS_FIELD_BODY) continue;
        for (size_t t = 0; t < fd->n_terms && n_py < MAX_DOC_PINYIN; t++) {
            if (ks_term_kind_of(fd->terms[t].s, fd->terms[t].len) != KS_TERM_HAN2) continue;
            size_t l = ks_pinyin_of_pair(fd->terms[t].s, fd->terms[t].len, py[n_py]);
            if (!l) continue;
            py_len[n_py] = (uint8_t)l;
            py_w[n_py] = fw * fd->terms[t].tf;
            n_py++;
        }
    }
    double norm = it->k1 * (1.0 - it->b + it->b * dl / (s->avgdl > 0 ? s->avgdl : 1.0));
    double got[QUERY_MAX_TERMS] = {0};
    double total = 0;
    for (int g = 0; g < q->n_groups; g++)
        total += q->group_mass[g];
    /* One pass over fields x terms: the weighted frequencies for the score,
     * and each field's share of the query for the best-field match. Both
     * term lists are sorted bytewise, so each field is one merge. */
    double tf[MAX_QTERMS] = {0};
    for (size_t f = 0; f < d.n_fields; f++) {
        const ks_doc_field *fd = &d.fields[f];
        double fw = ks_itune_field_weight(it, fd->kind);
        double fgot[QUERY_MAX_TERMS];
        int scoring_field = fd->kind != KS_FIELD_BODY && total > 0;
        if (scoring_field) memset(fgot, 0, (size_t)q->n_groups * sizeof *fgot);
        size_t a = 0, b = 0;
        while (a < q->n_sorted && b < fd->n_terms) {
            const qterm *t = &q->v[q->sorted[a]];
            int cmp = vocab_cmp(fd->terms[b].s, fd->terms[b].len, t->s, t->len);
            if (cmp < 0) {
                b++;
                continue;
            }
            if (cmp > 0) {
                a++;
                continue;
            }
            tf[q->sorted[a]] += fw * fd->terms[b].tf;
            if (scoring_field && t->kind != KS_TERM_HAN1) {
                double m = t->w * t->idf;
                if (m > fgot[t->group]) fgot[t->group] = m;
            }
            a++;
            b++;
        }
        if (!scoring_field) continue;
        double fm = 0;
        for (int g = 0; g < q->n_groups; g++)
            fm += fgot[g] < q->group_mass[g] ? fgot[g] : q->group_mass[g];
        /* A field that matches the query but says much more is a weaker
         * match than one that says just that: Dice over token counts. */
        double qtok = q->n_groups, ftok = fd->n_tokens ? fd->n_tokens : 1;
        double sim = fm / total * 2.0 * (qtok < ftok ? qtok : ftok) / (qtok + ftok);
        if (sim > c->field) c->field = sim;
    }
    for (size_t i = 0; i < q->n; i++) {
        const qterm *t = &q->v[i];
        if (!t->df) continue;
        if (t->kind == KS_TERM_PINYIN)
            for (size_t k = 0; k < n_py; k++)
                if (py_len[k] == t->len && memcmp(py[k], t->s, t->len) == 0) tf[i] += py_w[k];
        if (tf[i] <= 0) continue;
        c->exact += t->w * t->idf * (it->k1 + 1.0) * tf[i] / (tf[i] + norm);
        if (t->kind != KS_TERM_PINYIN && t->kind != KS_TERM_STOP) c->content++;
        if (t->kind == KS_TERM_PINYIN || t->kind == KS_TERM_HAN1) continue;
        double m = t->w * t->idf;
        if (m > got[t->group]) got[t->group] = m;
    }
    double m = 0;
    for (int g = 0; g < q->n_groups; g++)
        m += got[g] < q->group_mass[g] ? got[g] : q->group_mass[g];
    c->cov = total > 0 ? m / total : 0;
    ks_doc_free(&d);
    sqlite3_reset(s->st_doc);
}

static int64_t views_of(ks_search *s, const char *id)
{
    sqlite3_bind_text(s->st_views, 1, id, -1, SQLITE_STATIC);
    int64_t v = 0;
    if (sqlite3_step(s->st_views) == SQLITE_ROW) v = sqlite3_column_int64(s->st_views, 0);
    sqlite3_reset(s->st_views);
    return v;
}

static void free_scored(scored *c)
{
    free(c->id);
    free(c->locale);
    free(c->title);
    c->id = c->locale = c->title = NULL;
}

/* Position of loc in the chain, or n when absent. */
static size_t chain_pos(char chain[KS_LOCALE_CHAIN_MAX][KS_LOCALE_MAX], size_t n, const char *loc)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(chain[i], loc) == 0) return i;
    return n;
}

/* For locale-preferring queries: swap c's version for the best one of its
 * id along the chain (it may not have been a candidate itself). Returns 0
 * when the id has no version in the chain. */
static int prefer_locale(ks_search *s, scored *c, char chain[KS_LOCALE_CHAIN_MAX][KS_LOCALE_MAX], size_t nch)
{
    size_t best = chain_pos(chain, nch, c->locale);
    if (best == 0) return 1;
    sqlite3_bind_text(s->st_versions, 1, c->id, -1, SQLITE_STATIC);
    char *loc = NULL, *title = NULL;
    while (sqlite3_step(s->st_versions) == SQLITE_ROW) {
        const char *l = (const char *)sqlite3_column_text(s->st_versions, 0);
        size_t p = l ? chain_pos(chain, nch, l) : nch;
        if (p < best) {
            char *nl = dup_col(s->st_versions, 0), *nt = dup_col(s->st_versions, 1);
            if (!nl || !nt) {
                free(nl);
                free(nt);
                continue;
            }
            free(loc);
            free(title);
            loc = nl;
            title = nt;
            best = p;
        }
    }
    sqlite3_reset(s->st_versions);
    if (loc) {
        free(c->locale);
        free(c->title);
        c->locale = loc;
        c->title = title;
    }
    return best < nch;
}

/* Without a locale from the caller, results are shown in the script the
 * visitor typed: Han characters that script folding changed mean
 * Traditional, other Han characters Simplified; Latin text has no
 * preference. Returns the tag, or NULL. */
static const char *script_of_query(const char *raw, size_t raw_len, const char *norm, size_t norm_len)
{
    int32_t a[LCS_MAX], b[LCS_MAX];
    size_t na = han_seq(raw, raw_len, a), nb = han_seq(norm, norm_len, b);
    if (na == 0) return NULL;
    if (na != nb || memcmp(a, b, na * sizeof a[0]) != 0) return "zh-Hant";
    return "zh-Hans";
}

ks_status ks_search_query(ks_search *s, const char *query_text, size_t len, const char *locale, size_t limit,
                          ks_search_result *out, ks_error *err)
{
    return ks_search_query_ex(s, query_text, len, locale, limit, 0, out, err);
}

ks_status ks_search_query_ex(ks_search *s, const char *query_text, size_t len, const char *locale, size_t limit,
                             unsigned flags, ks_search_result *out, ks_error *err)
{
    uint64_t t0 = now_us();
    memset(out, 0, sizeof *out);
    ks_status rc = KS_OK;
    ks_terms tt = {0};
    query *q = NULL;
    scored *cands = NULL;
    size_t nc = 0;
    if (limit < 1) limit = 1;
    if (limit > 100) limit = 100;
    if ((rc = refresh(s, 0, err)) != KS_OK) goto out;
    if (!query_text) len = 0;
    len = ks_norm_clip(query_text ? query_text : "", len, QUERY_MAX_BYTES);
    if ((rc = ks_analyze_query(s->norm, query_text ? query_text : "", len, QUERY_MAX_TERMS, &tt, err)) !=
        KS_OK)
        goto out;
    if (tt.n == 0 || s->n_docs <= 0) goto done;
    q = malloc(sizeof *q);
    size_t k = limit * 2 > MIN_CANDIDATES ? limit * 2 : MIN_CANDIDATES;
    cands = calloc(k + MODEL_CANDIDATES * MODEL_ROWS_PER_CLASS, sizeof *cands);
    if (!q || !cands) goto nomem;

    /* One read transaction: a concurrent import never shows half its work. */
    int own = begin_read(s->db);
    build_query(s, &tt, q);
    int debug = ks_log_get_level() >= KS_LOG_DEBUG;
    for (size_t i = 0; debug && i < q->n; i++)
        ks_log_debug("search", "term '%.*s' kind=%d alt=%d group=%d w=%.2f df=%lld idf=%.2f", q->v[i].len,
                     q->v[i].s, q->v[i].kind, q->v[i].alt, q->v[i].group, q->v[i].w, (long long)q->v[i].df,
                     q->v[i].idf);
    find_candidates(s, q);
    nc = top_candidates(s, cands, k);
    int with_model = model_scores(s, q, query_text ? query_text : "", len, flags, &out->partial);
    if (with_model) nc = add_model_candidates(s, cands, nc, k + MODEL_CANDIDATES * MODEL_ROWS_PER_CLASS);
    double best_exact = 0;
    for (size_t i = 0; i < nc; i++) {
        rescore(s, q, &cands[i]);
        if (cands[i].exact > best_exact) best_exact = cands[i].exact;
    }
    /* The final score: BM25F, and with a classifier, BM25F relative to the
     * best candidate plus the classifier's probability of the article. */
    int32_t qhan[LCS_MAX], than[LCS_MAX];
    size_t nqhan = s->tn.rr_lcs > 0 ? han_seq(tt.norm, tt.norm_len, qhan) : 0;
    for (size_t i = 0; i < nc; i++) {
        scored *c = &cands[i];
        double lcs = 0;
        if (nqhan >= 2 && c->title) {
            char *nt = NULL;
            size_t ntl = 0;
            if (ks_norm_text(s->norm, c->title, strlen(c->title), &nt, &ntl, NULL) == KS_OK) {
                size_t nth = han_seq(nt, ntl, than);
                lcs = lcs_ratio(qhan, nqhan, than, nth);
            }
            free(nt);
        }
        c->score = c->exact * (1.0 + s->tn.rr_cov * c->cov + s->tn.rr_field * c->field + s->tn.rr_lcs * lcs);
        if (with_model && c->id) {
            uint32_t cls = ks_strmap_get(&s->model_ids, c->id, strlen(c->id), 0);
            c->prob = cls != UINT32_MAX ? s->model_z[cls] : 0;
            c->sim = cls != UINT32_MAX ? s->knn_sim[cls] : 0;
            c->sent = cls != UINT32_MAX && s->sent_sim ? s->sent_sim[cls] : 0;
            c->score = (best_exact > 0 ? c->score / best_exact : 0) + s->tn.model * c->prob + s->tn.knn * c->sim +
                       s->tn.sent * c->sent;
        }
    }
    /* Articles are fetched best first until enough distinct ids are found. */
    qsort(cands, nc, sizeof *cands, cmp_final);
    char chain[KS_LOCALE_CHAIN_MAX][KS_LOCALE_MAX];
    /* A caller's locale filters (ids with no version in its chain are
     * left out); a locale read from the query's script only prefers. */
    const char *script = locale ? NULL : script_of_query(query_text ? query_text : "", len, tt.norm, tt.norm_len);
    size_t nch = locale ? ks_locale_chain(locale, chain) : script ? ks_locale_chain(script, chain) : 0;
    out->hits = calloc(limit, sizeof *out->hits);
    if (!out->hits) {
        end_read(s->db, own);
        goto nomem;
    }
    size_t kept = 0;
    for (size_t i = 0; i < nc; i++) {
        if (kept >= limit + EXTRA_FOR_POPULARITY || !cands[i].id || !cands[i].locale || !cands[i].title) {
            free_scored(&cands[i]);
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < kept && !dup; j++)
            dup = strcmp(cands[j].id, cands[i].id) == 0;
        if (dup || (nch && !prefer_locale(s, &cands[i], chain, nch) && locale)) {
            free_scored(&cands[i]);
            continue;
        }
        if (s->tn.pop > 0) {
            int64_t v = views_of(s, cands[i].id);
            cands[i].score *= 1.0 + s->tn.pop * log10(1.0 + (double)v);
        }
        if (kept != i) {
            cands[kept] = cands[i];
            memset(&cands[i], 0, sizeof cands[i]);
        }
        kept++;
    }
    end_read(s->db, own);
    qsort(cands, kept, sizeof *cands, cmp_final);
    for (size_t i = 0; i < kept && out->n_hits < limit; i++) {
        ks_search_hit *h = &out->hits[out->n_hits++];
        h->id = cands[i].id;
        h->locale = cands[i].locale;
        h->title = cands[i].title;
        h->score = cands[i].score;
        cands[i].id = cands[i].locale = cands[i].title = NULL;
    }
    if (out->n_hits) {
        const scored *a = &cands[0];
        /* The margin is the content's alone: popularity orders near-equal
         * answers but does not make the engine surer of the first. */
        double second = 0;
        for (size_t i = 1; i < kept; i++)
            if (cands[i].exact > second) second = cands[i].exact;
        double margin = a->exact > 0 ? (a->exact - second) / a->exact : 0;
        double smargin = kept > 1 && a->score > 0 ? (a->score - cands[1].score) / a->score : 1.0;
        double qmax = 0;
        for (int g = 0; g < q->n_groups; g++)
            qmax += q->group_mass[g] * (s->it.k1 + 1.0);
        /* Confident when the best title/question matches the query closely,
         * clearly better than the runner-up, and the score is a good share
         * of what the query could score at best. */
        double norm = qmax > 0 ? a->exact / qmax : 0;
        double z = s->tn.conf_field * a->field + s->tn.conf_margin * margin + s->tn.conf_norm * norm;
        double need = s->tn.conf_min;
        if (with_model) {
            /* the classifier's own certainty is evidence too */
            z += s->tn.conf_prob * a->prob;
            need = s->tn.conf_min_model;
        }
        /* BM25F must agree on the winner (margin > 0): when the classifier
         * overturned it, or two articles tie, the visitor gets choices. */
        out->confident = a->exact > 0 && a->content > 0 && margin >= s->tn.conf_margin_min && z >= need;
        /* Or the sentence encoder finds the query close to what the first
         * article answers, as close as paraphrases of one question are
         * (unrelated questions stay well below): a visitor's own words
         * for a known question, with no word in common. */
        double sent2 = 0;
        for (size_t i = 1; i < kept; i++)
            if (cands[i].sent > sent2) sent2 = cands[i].sent;
        /* ... and closer than to any other article (two the encoder cannot
         * tell apart, or a first hit it disagrees with, give choices) */
        if (a->sent >= s->tn.conf_sent && a->sent > sent2) out->confident = 1;
        if (debug)
            ks_log_debug("search",
                         "top %s cov=%.3f field=%.3f margin=%.3f exact=%.3f qmax=%.3f prob=%.3f smargin=%.3f "
                         "sim=%.3f sent=%.3f sent2=%.3f content=%d z=%.3f confident=%d",
                         out->hits[0].id, a->cov, a->field, margin, a->exact, qmax, a->prob, smargin, a->sim,
                         a->sent, sent2, a->content, z, out->confident);
    }
    for (size_t i = 0; i < kept; i++)
        free_scored(&cands[i]);
    nc = 0;
    goto done;
nomem:
    rc = ks_error_set(err, KS_ERR_NOMEM, "search: out of memory running a query");
    ks_search_result_free(out);
done:
    out->took_us = now_us() - t0;
out:
    for (size_t i = 0; i < nc; i++)
        free_scored(&cands[i]);
    free(cands);
    free(q);
    ks_terms_free(&tt);
    return rc;
}

void ks_search_result_free(ks_search_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_hits; i++) {
        free(r->hits[i].id);
        free(r->hits[i].locale);
        free(r->hits[i].title);
    }
    free(r->hits);
    r->hits = NULL;
    r->n_hits = 0;
}
