/*
 * search_model.c - a small classifier trained on the device from the
 * content itself: every title and alternative question is a labelled
 * example of its article id (all locales of an id form one class). It is
 * a multinomial logistic regression over the same terms the index uses,
 * trained with AdaGrad at the end of each index rebuild, so it learns which
 * words tell one article from its neighbours ("change" tells "credit limit
 * change" from "credit limit") where BM25 only knows how rare a word is.
 * Queries combine its probabilities with the BM25F score (search.c).
 *
 * Nothing is downloaded and nothing but the content is learnt from. It
 * must stay cheap: it trains only when the content is small enough for the
 * work to stay well under a second, and only when articles have enough
 * questions to learn from; otherwise the model is cleared and search works
 * without it.
 *
 * Two more parts know what words mean, so that a query sharing no word
 * with an article's questions ("my fridge" for "food storage in the
 * refrigerator") can still find it:
 *   - with English word vectors (wordvec.h), every example's vector: the
 *     weighted mean of its words' vectors, centred and with the common
 *     direction of all examples removed (Arora et al.'s "simple but
 *     tough-to-beat baseline" for sentence embeddings), for the
 *     nearest-question score (store_knn);
 *   - with the sentence encoder (encoder.h), each article's centre: the
 *     mean of its English questions' sentence vectors (store_sentences),
 *     cached by text across imports in search_sentvec.
 *
 * Stored: search_model(feature, w) with, per term, (class, int8 weight)
 * pairs above a small threshold; search_meta model_classes (the ids, in
 * class order, shared by all parts), model_bias (float per class),
 * model_scale (weight unit), model_knn + model_wordvec, model_sent +
 * model_encoder (the ids of the table and encoder used: a query must use
 * the same ones).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ks/encoder.h"
#include "ks/log.h"
#include "ks/wordvec.h"
#include "search_util.h"

#define MODEL_EPOCHS 15
#define MODEL_LR 1.0
#define MODEL_L2 1e-5
#define MODEL_MIN_EXAMPLES_PER_CLASS 3.0     /* on average: fewer, and the model mostly memorises titles */
#define MODEL_MAX_CELLS (4u * 1024u * 1024u) /* features x classes kept in memory while training */
#define MODEL_MAX_WORK 400000000.0           /* epochs x examples x features x classes */
#define MODEL_KEEP 0.02                      /* weights below this share of the largest are dropped */
#define KNN_MAX_EXAMPLES 20000 /* more, and a query's scan of them would cost over a millisecond */
#define SENT_MAX_EXAMPLES 4000 /* English questions the encoder reads at an import (~6 ms each) */
#define DENSE_PC_ITERS 40

typedef struct trainset {
    ks_strmap classes; /* article id -> class */
    ks_strmap feats;   /* term -> feature */
    uint32_t *ex_class;
    size_t *ex_first; /* n_ex + 1 offsets into ex_feat */
    uint32_t *ex_feat;
    size_t n_ex, ex_cap, n_feat_refs, feat_cap;
    /* dense features (dim 0 without word vectors): n_ex x dim, and per
     * example whether any of its words has a vector */
    const ks_wordvec *wv;
    unsigned dim;
    float *ex_dense;
    uint8_t *ex_has;
} trainset;

static void trainset_free(trainset *t)
{
    ks_strmap_free(&t->classes);
    ks_strmap_free(&t->feats);
    free(t->ex_class);
    free(t->ex_first);
    free(t->ex_feat);
    free(t->ex_dense);
    free(t->ex_has);
    memset(t, 0, sizeof *t);
}

int ks_embed_field(const ks_wordvec *wv, const ks_doc_field *fd, float *out)
{
    unsigned dim = ks_wordvec_dim(wv);
    memset(out, 0, dim * sizeof *out);
    double total = 0;
    for (size_t i = 0; i < fd->n_terms; i++) {
        ks_term_kind k = ks_term_kind_of(fd->terms[i].s, fd->terms[i].len);
        if (k != KS_TERM_WORD && k != KS_TERM_STOP) continue;
        /* tf times: a word said twice weighs twice, as in the query */
        for (uint32_t r = 0; r < fd->terms[i].tf && r < 4; r++)
            total += ks_wordvec_add(wv, fd->terms[i].s, fd->terms[i].len, out);
    }
    if (total <= 0) return 0;
    for (unsigned d = 0; d < dim; d++)
        out[d] = (float)(out[d] / total);
    return 1;
}

int ks_dense_project(const float *mu, const float *pc, unsigned dim, double gain, float *x)
{
    double dot = 0, len = 0;
    for (unsigned d = 0; d < dim; d++) {
        x[d] -= mu[d];
        dot += (double)x[d] * pc[d];
    }
    for (unsigned d = 0; d < dim; d++) {
        x[d] -= (float)(dot * pc[d]);
        len += (double)x[d] * x[d];
    }
    if (len <= 1e-12) return 0;
    double k = gain / sqrt(len);
    for (unsigned d = 0; d < dim; d++)
        x[d] = (float)(x[d] * k);
    return 1;
}

/* Centres the examples' dense vectors and removes their first principal
 * component (power iteration: deterministic, no library), then scales
 * each to unit length; writes the mean and the component to mu and pc. An
 * example without vectors keeps zero dense features. */
static void prepare_dense(trainset *t, float *mu, float *pc)
{
    unsigned dim = t->dim;
    size_t nh = 0;
    memset(mu, 0, dim * sizeof *mu);
    for (size_t e = 0; e < t->n_ex; e++) {
        if (!t->ex_has[e]) continue;
        nh++;
        for (unsigned d = 0; d < dim; d++)
            mu[d] += t->ex_dense[e * dim + d];
    }
    for (unsigned d = 0; d < dim; d++)
        mu[d] = nh ? mu[d] / (float)nh : 0.0f;
    double *v = malloc(dim * sizeof *v), *nv = malloc(dim * sizeof *nv);
    memset(pc, 0, dim * sizeof *pc);
    if (v && nv && nh > 1) {
        for (unsigned d = 0; d < dim; d++)
            v[d] = 1.0 / sqrt((double)dim);
        for (int it = 0; it < DENSE_PC_ITERS; it++) {
            memset(nv, 0, dim * sizeof *nv);
            for (size_t e = 0; e < t->n_ex; e++) {
                if (!t->ex_has[e]) continue;
                const float *x = t->ex_dense + e * dim;
                double dot = 0;
                for (unsigned d = 0; d < dim; d++)
                    dot += (x[d] - mu[d]) * v[d];
                for (unsigned d = 0; d < dim; d++)
                    nv[d] += dot * (x[d] - mu[d]);
            }
            double len = 0;
            for (unsigned d = 0; d < dim; d++)
                len += nv[d] * nv[d];
            if (len <= 1e-24) break;
            len = sqrt(len);
            for (unsigned d = 0; d < dim; d++)
                v[d] = nv[d] / len;
        }
        for (unsigned d = 0; d < dim; d++)
            pc[d] = (float)v[d];
    }
    free(v);
    free(nv);
    for (size_t e = 0; e < t->n_ex; e++) {
        float *x = t->ex_dense + e * dim;
        if (!t->ex_has[e] || !ks_dense_project(mu, pc, dim, 1.0, x)) {
            memset(x, 0, dim * sizeof *x);
            t->ex_has[e] = 0;
        }
    }
}

static int add_example(trainset *t, uint32_t cls, const ks_doc_field *fd)
{
    if (fd->n_terms == 0) return 1;
    if (t->n_ex + 1 >= t->ex_cap) {
        size_t ncap = t->ex_cap ? t->ex_cap * 2 : 1024;
        uint32_t *c = realloc(t->ex_class, ncap * sizeof *c);
        if (!c) return 0;
        t->ex_class = c;
        size_t *f = realloc(t->ex_first, (ncap + 1) * sizeof *f);
        if (!f) return 0;
        t->ex_first = f;
        if (t->dim) {
            float *d = realloc(t->ex_dense, ncap * t->dim * sizeof *d);
            if (!d) return 0;
            t->ex_dense = d;
            uint8_t *h = realloc(t->ex_has, ncap);
            if (!h) return 0;
            t->ex_has = h;
        }
        t->ex_cap = ncap;
    }
    if (t->n_feat_refs + fd->n_terms > t->feat_cap) {
        size_t ncap = t->feat_cap ? t->feat_cap : 8192;
        while (ncap < t->n_feat_refs + fd->n_terms)
            ncap *= 2;
        uint32_t *f = realloc(t->ex_feat, ncap * sizeof *f);
        if (!f) return 0;
        t->ex_feat = f;
        t->feat_cap = ncap;
    }
    t->ex_class[t->n_ex] = cls;
    t->ex_first[t->n_ex] = t->n_feat_refs;
    for (size_t i = 0; i < fd->n_terms; i++) {
        uint32_t id = ks_strmap_get(&t->feats, fd->terms[i].s, fd->terms[i].len, 1);
        if (id == UINT32_MAX) return 0;
        t->ex_feat[t->n_feat_refs++] = id;
    }
    if (t->dim) t->ex_has[t->n_ex] = ks_embed_field(t->wv, fd, t->ex_dense + t->n_ex * t->dim);
    t->n_ex++;
    t->ex_first[t->n_ex] = t->n_feat_refs;
    return 1;
}

static ks_status clear_model(sqlite3 *db, ks_error *err)
{
    if (sqlite3_exec(db, "DELETE FROM search_model; DELETE FROM search_meta WHERE key LIKE 'model_%'", NULL,
                     NULL, NULL) != SQLITE_OK)
        return ks_error_set(err, KS_ERR_DB, "search index: clearing the classifier: %s", sqlite3_errmsg(db));
    return KS_OK;
}

/* A small deterministic generator for the example order. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The examples' projected vectors for the nearest-question scores
 * (search.c). model_knn: uint32 dim, uint32 n, float mu[dim], float
 * pc[dim], then per example uint32 class and int8 x[dim] (unit length
 * times 127); examples without vectors are left out. model_wordvec: the
 * word-vector table's id. */
static ks_status store_knn(sqlite3 *db, trainset *t, ks_error *err)
{
    uint32_t dim = t->dim, n = 0;
    float *mu = malloc(dim * sizeof *mu), *pc = malloc(dim * sizeof *pc);
    ks_buf b = {0};
    ks_status rc = KS_OK;
    if (!mu || !pc) goto nomem;
    prepare_dense(t, mu, pc);
    for (size_t e = 0; e < t->n_ex; e++)
        n += t->ex_has[e];
    ks_buf_put(&b, &dim, sizeof dim);
    ks_buf_put(&b, &n, sizeof n);
    ks_buf_put(&b, mu, dim * sizeof *mu);
    ks_buf_put(&b, pc, dim * sizeof *pc);
    for (size_t e = 0; e < t->n_ex; e++) {
        if (!t->ex_has[e]) continue;
        ks_buf_put(&b, &t->ex_class[e], sizeof t->ex_class[e]);
        for (uint32_t d = 0; d < dim; d++)
            ks_buf_byte(&b, (uint8_t)(int8_t)lroundf(t->ex_dense[e * dim + d] * 127.0f));
    }
    if (b.oom) goto nomem;
    if ((rc = ks_search_meta_set_blob(db, "model_knn", b.p, b.n, err)) == KS_OK)
        rc = ks_search_meta_set_int(db, "model_wordvec", (int64_t)ks_wordvec_id(t->wv), err);
    goto out;
nomem:
    rc = ks_error_set(err, KS_ERR_NOMEM, "search index: out of memory storing the example vectors");
out:
    free(mu);
    free(pc);
    ks_buf_free(&b);
    return rc;
}

/* Whether a text is one the English encoder can read: Latin letters and
 * no Han (a Chinese question is left to the words and characters). */
int ks_english_text(const char *t, size_t len)
{
    int letters = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) letters++;
        if (c >= 0xE3 && c <= 0xE9) return 0; /* lead bytes of U+3000-U+9FFF: CJK */
    }
    return letters >= 2;
}

/* Sentence vectors already computed, by text (search_sentvec): encoding
 * is most of an import's time on small content, and a sync changes a few
 * questions at a time. Rows used by this import get its generation; the
 * others are deleted at the end. */
typedef struct sentcache {
    const ks_encoder *enc;
    sqlite3_stmt *get, *put;
    int64_t gen;
    int failed;
} sentcache;

static int add_sentence(sentcache *sc, const char *text, float *centroid, size_t *count)
{
    float v[KS_ENCODER_DIM];
    if (!text || !ks_english_text(text, strlen(text))) return 0;
    size_t len = strlen(text);
    uint64_t id = ks_encoder_id(sc->enc);
    int64_t key = (int64_t)ks_wordvec_hash(text, len, ks_wordvec_hash(&id, sizeof id, KS_WORDVEC_HASH_SEED));
    int8_t q[KS_ENCODER_DIM];
    int found = 0;
    sqlite3_bind_int64(sc->get, 1, key);
    if (sqlite3_step(sc->get) == SQLITE_ROW && sqlite3_column_bytes(sc->get, 0) == KS_ENCODER_DIM) {
        memcpy(q, sqlite3_column_blob(sc->get, 0), sizeof q);
        found = 1;
    }
    sqlite3_reset(sc->get);
    if (!found) {
        if (!ks_encoder_embed(sc->enc, text, len, 0, v)) return 0;
        for (unsigned d = 0; d < KS_ENCODER_DIM; d++)
            q[d] = (int8_t)lroundf(v[d] * 127.0f);
    }
    /* what the centre is made of is the stored int8 form either way, so
     * an import gives the same centres whatever was cached */
    for (unsigned d = 0; d < KS_ENCODER_DIM; d++)
        centroid[d] += (float)q[d] / 127.0f;
    sqlite3_bind_int64(sc->put, 1, key);
    sqlite3_bind_int64(sc->put, 2, sc->gen);
    sqlite3_bind_blob(sc->put, 3, q, sizeof q, SQLITE_STATIC);
    if (sqlite3_step(sc->put) != SQLITE_DONE) sc->failed = 1;
    sqlite3_reset(sc->put);
    (*count)++;
    return 1;
}

/* The sentence encoder's view of each class: the mean of its English
 * titles' and questions' vectors, unit length (the centre of what the
 * article answers). model_sent: uint32 dim, uint32 classes, then per
 * class int8 x[dim] (unit length times 127; all zero for a class with no
 * English example); model_encoder: the encoder's id. Skipped without an
 * encoder or when there are more English examples than an import should
 * spend encoding (SENT_MAX_EXAMPLES). */
static ks_status store_sentences(sqlite3 *db, ks_strmap *classes, int *stored, ks_error *err)
{
    sentcache sc = {0};
    *stored = 0;
    if (classes->n < 2) return KS_OK;
    sqlite3_stmt *st = NULL;
    float *sum = calloc(classes->n * (size_t)KS_ENCODER_DIM, sizeof *sum);
    size_t *cnt = calloc(classes->n, sizeof *cnt), total = 0;
    ks_buf b = {0};
    ks_status rc = KS_OK;
    if (!sum || !cnt) goto nomem;
    /* count first: a large content is left to the other signals */
    if (sqlite3_prepare_v2(db, "SELECT id, title, questions FROM articles", -1, &st, NULL) != SQLITE_OK) {
        rc = ks_error_set(err, KS_ERR_DB, "search index: reading questions: %s", sqlite3_errmsg(db));
        goto out;
    }
    for (int pass = 0; pass < 2; pass++) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(st, 0);
            const char *title = (const char *)sqlite3_column_text(st, 1);
            const char *qs = (const char *)sqlite3_column_text(st, 2);
            uint32_t c = id ? ks_strmap_get(classes, id, strlen(id), 0) : UINT32_MAX;
            if (c == UINT32_MAX) continue;
            cJSON *arr = qs ? cJSON_Parse(qs) : NULL;
            const cJSON *q;
            if (pass == 0) {
                total += title && ks_english_text(title, strlen(title));
                cJSON_ArrayForEach(q, arr)
                {
                    total += cJSON_IsString(q) && ks_english_text(q->valuestring, strlen(q->valuestring));
                }
            } else {
                float *cen = sum + (size_t)c * KS_ENCODER_DIM;
                add_sentence(&sc, title, cen, &cnt[c]);
                cJSON_ArrayForEach(q, arr) if (cJSON_IsString(q)) add_sentence(&sc, q->valuestring, cen, &cnt[c]);
            }
            cJSON_Delete(arr);
        }
        sqlite3_reset(st);
        if (pass == 0 && (total == 0 || total > SENT_MAX_EXAMPLES || !(sc.enc = ks_encoder_default()))) {
            ks_log_debug("search", "no sentence vectors: %zu English examples", total);
            sqlite3_exec(db, "DELETE FROM search_sentvec", NULL, NULL, NULL);
            goto out;
        }
        if (pass == 0) {
            sc.gen = ks_search_meta_int(db, "sentvec_gen", 0) + 1;
            if (sqlite3_prepare_v2(db, "SELECT vec FROM search_sentvec WHERE key = ?1", -1, &sc.get, NULL) !=
                    SQLITE_OK ||
                sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO search_sentvec(key, gen, vec) VALUES(?1, ?2, ?3)",
                                   -1, &sc.put, NULL) != SQLITE_OK) {
                rc = ks_error_set(err, KS_ERR_DB, "search index: sentence vectors: %s", sqlite3_errmsg(db));
                goto out;
            }
        }
    }
    uint32_t dim = KS_ENCODER_DIM, nc = (uint32_t)classes->n;
    ks_buf_put(&b, &dim, sizeof dim);
    ks_buf_put(&b, &nc, sizeof nc);
    for (uint32_t c = 0; c < nc; c++) {
        const float *cen = sum + (size_t)c * dim;
        double len = 0;
        for (uint32_t d = 0; d < dim; d++)
            len += (double)cen[d] * cen[d];
        double k = len > 0 ? 127.0 / sqrt(len) : 0;
        for (uint32_t d = 0; d < dim; d++)
            ks_buf_byte(&b, (uint8_t)(int8_t)lround(cen[d] * k));
    }
    if (b.oom) goto nomem;
    if (sc.failed) {
        rc = ks_error_set(err, KS_ERR_DB, "search index: storing sentence vectors: %s", sqlite3_errmsg(db));
        goto out;
    }
    /* questions no longer in the content leave the cache */
    sqlite3_stmt *del = NULL;
    if (sqlite3_prepare_v2(db, "DELETE FROM search_sentvec WHERE gen != ?1", -1, &del, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(del, 1, sc.gen);
        if (sqlite3_step(del) != SQLITE_DONE) sc.failed = 1;
    }
    sqlite3_finalize(del);
    if (sc.failed || (rc = ks_search_meta_set_int(db, "sentvec_gen", sc.gen, err)) != KS_OK) {
        if (rc == KS_OK)
            rc = ks_error_set(err, KS_ERR_DB, "search index: pruning sentence vectors: %s", sqlite3_errmsg(db));
        goto out;
    }
    if ((rc = ks_search_meta_set_blob(db, "model_sent", b.p, b.n, err)) == KS_OK)
        rc = ks_search_meta_set_int(db, "model_encoder", (int64_t)ks_encoder_id(sc.enc), err);
    *stored = rc == KS_OK;
    ks_log_debug("search", "sentence vectors: %zu English examples", total);
    goto out;
nomem:
    rc = ks_error_set(err, KS_ERR_NOMEM, "search index: out of memory encoding the questions");
out:
    sqlite3_finalize(st);
    sqlite3_finalize(sc.get);
    sqlite3_finalize(sc.put);
    free(sum);
    free(cnt);
    ks_buf_free(&b);
    return rc;
}

ks_status ks_search_model_train(sqlite3 *db, ks_error *err)
{
    ks_status rc = KS_OK;
    trainset t = {0};
    sqlite3_stmt *sel = NULL, *ins = NULL;
    float *w = NULL, *g = NULL, *bias = NULL, *gb = NULL;

    double *z = NULL;
    size_t *order = NULL;
    ks_buf row = {0}, ids = {0};

    if ((rc = clear_model(db, err)) != KS_OK) return rc;
    t.wv = ks_wordvec_default();
    t.dim = ks_wordvec_dim(t.wv);
    if (sqlite3_prepare_v2(db, "SELECT aid, data FROM search_doc", -1, &sel, NULL) != SQLITE_OK) {
        rc = ks_error_set(err, KS_ERR_DB, "search index: reading examples: %s", sqlite3_errmsg(db));
        goto out;
    }
    while (sqlite3_step(sel) == SQLITE_ROW) {
        const char *aid = (const char *)sqlite3_column_text(sel, 0);
        if (!aid) continue;
        uint32_t cls = ks_strmap_get(&t.classes, aid, strlen(aid), 1);
        ks_doc d;
        if (cls == UINT32_MAX) goto nomem;
        if (ks_doc_parse(sqlite3_column_blob(sel, 1), (size_t)sqlite3_column_bytes(sel, 1), &d, NULL) !=
            KS_OK)
            continue; /* a damaged record only loses its examples */
        int ok = 1;
        for (size_t f = 0; f < d.n_fields && ok; f++)
            if (d.fields[f].kind == KS_FIELD_TITLE || d.fields[f].kind == KS_FIELD_QUESTION)
                ok = add_example(&t, cls, &d.fields[f]);
        ks_doc_free(&d);
        if (!ok) goto nomem;
    }
    sqlite3_finalize(sel);
    sel = NULL;
    size_t nc = t.classes.n, nf = t.feats.n, ne = t.n_ex;
    double work = (double)MODEL_EPOCHS * (double)t.n_feat_refs * (double)nc;
    int lr = nc >= 2 && (double)ne >= MODEL_MIN_EXAMPLES_PER_CLASS * (double)nc &&
             (double)nf * (double)nc <= MODEL_MAX_CELLS && work <= MODEL_MAX_WORK;
    int knn = nc >= 2 && t.dim && ne <= KNN_MAX_EXAMPLES;
    if (nc < 2) {
        ks_log_debug("search", "no classifier: %zu classes, %zu examples, %zu features", nc, ne, nf);
        goto out;
    }
    if (!lr) goto classes;
    w = calloc(nf * nc, sizeof *w);
    g = malloc(nf * nc * sizeof *g);
    bias = calloc(nc, sizeof *bias);
    gb = malloc(nc * sizeof *gb);
    z = malloc(nc * sizeof *z);
    order = malloc(ne * sizeof *order);
    if (!w || !g || !bias || !gb || !z || !order) goto nomem;

    for (size_t i = 0; i < nf * nc; i++)
        g[i] = 1e-8f;
    for (size_t i = 0; i < nc; i++)
        gb[i] = 1e-8f;
    for (size_t i = 0; i < ne; i++)
        order[i] = i;
    uint64_t seed = 0x2545F4914F6CDD1Dull;
    for (int ep = 0; ep < MODEL_EPOCHS; ep++) {
        for (size_t i = ne; i > 1; i--) {
            size_t j = (size_t)(next_rand(&seed) % i);
            size_t tmp = order[i - 1];
            order[i - 1] = order[j];
            order[j] = tmp;
        }
        for (size_t k = 0; k < ne; k++) {
            size_t e = order[k];
            size_t first = t.ex_first[e], n = t.ex_first[e + 1] - first;
            double x = 1.0 / sqrt((double)n); /* binary features, unit length */
            double mx = -1e300;
            for (size_t c = 0; c < nc; c++)
                z[c] = bias[c];
            for (size_t f = first; f < first + n; f++) {
                const float *wf = w + (size_t)t.ex_feat[f] * nc;
                for (size_t c = 0; c < nc; c++)
                    z[c] += wf[c] * x;
            }

            for (size_t c = 0; c < nc; c++)
                if (z[c] > mx) mx = z[c];
            double sum = 0;
            for (size_t c = 0; c < nc; c++)
                sum += (z[c] = exp(z[c] - mx));
            for (size_t c = 0; c < nc; c++)
                z[c] = z[c] / sum - (c == t.ex_class[e] ? 1.0 : 0.0);
            for (size_t f = first; f < first + n; f++) {
                float *wf = w + (size_t)t.ex_feat[f] * nc, *gf = g + (size_t)t.ex_feat[f] * nc;
                for (size_t c = 0; c < nc; c++) {
                    double d = z[c] * x + MODEL_L2 * wf[c];
                    gf[c] += (float)(d * d);
                    wf[c] -= (float)(MODEL_LR * d / sqrt(gf[c]));
                }
            }
            for (size_t c = 0; c < nc; c++) {
                gb[c] += (float)(z[c] * z[c]);
                bias[c] -= (float)(MODEL_LR * z[c] / sqrt(gb[c]));
            }
        }
    }
    /* Store: per feature the (class, weight) pairs worth keeping. */
    float wmax = 0;
    for (size_t i = 0; i < nf * nc; i++)
        if (fabsf(w[i]) > wmax) wmax = fabsf(w[i]);
    if (wmax <= 0) goto out;
    double scale = wmax / 127.0;
    if (sqlite3_prepare_v2(db, "INSERT INTO search_model(feature, w) VALUES(?1, ?2)", -1, &ins, NULL) !=
        SQLITE_OK) {
        rc = ks_error_set(err, KS_ERR_DB, "search index: writing the classifier: %s", sqlite3_errmsg(db));
        goto out;
    }
    size_t kept = 0;
    for (uint32_t f = 0; f < nf; f++) {
        row.n = 0;
        uint32_t prev = 0;
        for (size_t c = 0; c < nc; c++) {
            float v = w[(size_t)f * nc + c];
            if (fabsf(v) < MODEL_KEEP * wmax) continue;
            long q = lround(v / scale);
            if (q == 0) continue;
            ks_buf_varint(&row, c - prev); /* class delta */
            ks_buf_byte(&row, (uint8_t)(int8_t)(q > 127 ? 127 : (q < -127 ? -127 : q)));
            prev = (uint32_t)c;
            kept++;
        }
        if (row.oom) goto nomem;
        if (!row.n) continue;
        size_t len;
        const char *s = ks_strmap_str(&t.feats, f, &len);
        sqlite3_bind_blob(ins, 1, s, (int)len, SQLITE_STATIC);
        sqlite3_bind_blob(ins, 2, row.p, (int)row.n, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = ks_error_set(err, KS_ERR_DB, "search index: writing the classifier: %s", sqlite3_errmsg(db));
            goto out;
        }
        sqlite3_reset(ins);
    }
    if ((rc = ks_search_meta_set_blob(db, "model_bias", bias, nc * sizeof *bias, err)) != KS_OK ||
        (rc = ks_search_meta_set_int(db, "model_scale_ppm", (int64_t)llround(scale * 1e6), err)) != KS_OK)
        goto out;
    ks_log_debug("search", "classifier: %zu classes, %zu examples, %zu features, %zu weights kept", nc, ne,
                 nf, kept);
classes:
    /* the nearest-question and sentence parts, then the class ids all parts
     * share (none when no part was kept) */
    if (knn && (rc = store_knn(db, &t, err)) != KS_OK) goto out;
    int sent = 0;
    if ((rc = store_sentences(db, &t.classes, &sent, err)) != KS_OK) goto out;
    if (!lr && !knn && !sent) {
        ks_log_debug("search", "no classifier: %zu classes, %zu examples, %zu features", nc, ne, nf);
        goto out;
    }
    ks_buf_varint(&ids, nc);
    for (uint32_t c = 0; c < nc; c++) {
        size_t len;
        const char *s = ks_strmap_str(&t.classes, c, &len);
        ks_buf_byte(&ids, (uint8_t)len);
        ks_buf_put(&ids, s, len);
    }
    if (ids.oom) goto nomem;
    rc = ks_search_meta_set_blob(db, "model_classes", ids.p, ids.n, err);
    goto out;
nomem:
    rc = ks_error_set(err, KS_ERR_NOMEM, "search index: out of memory training the classifier");
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    free(w);
    free(g);
    free(bias);
    free(gb);
    free(z);
    free(order);
    ks_buf_free(&row);
    ks_buf_free(&ids);
    trainset_free(&t);
    return rc;
}
