/*
 * encoder.c - the sentence encoder of encoder.h: SentencePiece unigram
 * tokenising, then the two-layer transformer of the Universal Sentence
 * Encoder lite, then mean pooling and a tanh layer, in plain C.
 *
 * The computation follows the package's TensorFlow.js graph step by step
 * (its ops are listed in docs/search.md), including its quirks: the first
 * layer's input is twice the piece embedding plus the timing signal (the
 * graph adds the embeddings to their own copy with the signal), and the
 * tokeniser breaks ties between lattice paths towards the later start, as
 * the package's JavaScript does, so vectors match the reference within
 * float rounding.
 *
 * Matrices are row-major [in][out]; products run row by row of the weight
 * over all tokens at once (each weight row is read once per sentence),
 * with restrict pointers so that the compiler vectorises the inner loop.
 *
 * The embedding table (8,000 rows, 8 MB as floats) stays in the file: a
 * sentence reads the rows of its own pieces (a few dozen KB), so the
 * encoder holds 5 MB of memory, the transformer's int8 weights, and not 7.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "ks/encoder.h"
#include "ks/file.h"
#include "ks/log.h"
#include "ks/wordvec.h" /* ks_wordvec_hash: the same FNV-1a */

#define ENCODER_MAX_BYTES (64u * 1024u * 1024u)
#define MAX_PIECE_CPS 32   /* longest piece, in code points (the real one: 16) */
#define MAX_TEXT_CPS 2048  /* what is tokenised of a text: far more than 128 pieces */
#define LN_EPS 1e-6f

/* A weight matrix [in][out] kept as int8 with one scale per output
 * column: a quarter of the memory (7 MB for the whole model instead of
 * 28), and the products get faster for it; the vectors stay within a
 * cosine of 0.9999 of the float model's (test_encoder). */
typedef struct qmat {
    int8_t *w;
    float *scale;
} qmat;

typedef struct layer {
    float *ln1_s, *ln1_b;
    qmat adj; /* layer 0 only: the residual from din to d1 */
    float *adj_b;
    qmat qkv;
    float *qkv_b;
    qmat out;
    float *out_b;
    float *ln2_s, *ln2_b;
    qmat f1, f2;
    float *f1_b, *f2_b;
    unsigned din;
} layer;

struct ks_encoder {
    uint64_t id;
    unsigned rows, pieces, d0, d1, ffn, heads, max_tokens, out;
    /* vocabulary: per piece its score and bytes; an open-addressing table
     * from bytes to piece */
    double *score;
    char *pool; /* the pieces' bytes */
    const char **piece;
    uint8_t *piece_len;
    uint8_t *piece_cps;
    unsigned longest; /* the longest piece, in code points: how far the lattice looks */
    uint32_t *slots;
    uint32_t n_slots;
    ks_file_reader *file; /* the embedding table is read from it, a row per piece */
    uint64_t emb_off;     /* where the table (rows x d0 floats) starts */
    float *timing;
    layer l[2];
    qmat tanh;
    float *tanh_b;
};

/* w (rows x cols floats at src) into int8 with a scale per column. */
static int quantize(qmat *m, const uint8_t *src, size_t rows, size_t cols)
{
    m->w = malloc(rows * cols);
    m->scale = calloc(cols, sizeof *m->scale);
    if (!m->w || !m->scale) return 0;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            float v;
            memcpy(&v, src + (r * cols + c) * sizeof v, sizeof v);
            if (fabsf(v) > m->scale[c]) m->scale[c] = fabsf(v);
        }
    for (size_t k = 0; k < cols; k++)
        m->scale[k] = m->scale[k] > 0 ? m->scale[k] / 127.0f : 1.0f;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            float v;
            memcpy(&v, src + (r * cols + c) * sizeof v, sizeof v);
            m->w[r * cols + c] = (int8_t)lrintf(v / m->scale[c]);
        }
    return 1;
}

static void qmat_free(qmat *m)
{
    free(m->w);
    free(m->scale);
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}


static int32_t find_piece(const ks_encoder *e, const char *s, size_t n)
{
    uint32_t mask = e->n_slots - 1;
    for (uint32_t h = (uint32_t)ks_wordvec_hash(s, n, KS_WORDVEC_HASH_SEED) & mask;; h = (h + 1) & mask) {
        uint32_t slot = e->slots[h];
        if (!slot) return -1;
        if (e->piece_len[slot - 1] == n && memcmp(e->piece[slot - 1], s, n) == 0) return (int32_t)(slot - 1);
    }
}

/* The file, read front to back in pieces (never whole: the float weights
 * are 28 MB, what the encoder keeps is 5), hashing as it goes. */
typedef struct source {
    const ks_file_reader *f;
    uint64_t off;  /* the next byte to read */
    uint64_t left; /* bytes not read yet */
    uint64_t hash; /* of every byte after the header */
} source;

static int source_read(source *s, void *dst, size_t n)
{
    if (n > s->left || !ks_file_reader_read(s->f, s->off, dst, n)) return 0;
    s->off += n;
    s->left -= n;
    s->hash = ks_wordvec_hash(dst, n, s->hash);
    return 1;
}

static ks_status bad(ks_encoder *e, const char *path, const char *what, ks_error *err)
{
    ks_encoder_close(e);
    return ks_error_set(err, KS_ERR_CORRUPT, "%s: not a usable sentence encoder: %s (rebuild it with mkencoder.py)",
                        path, what);
}

ks_status ks_encoder_open(const char *path, ks_encoder **out, ks_error *err)
{
    *out = NULL;
    ks_encoder *e = calloc(1, sizeof *e);
    if (!e) return ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory", path);
    ks_status rc = ks_file_reader_open(path, ENCODER_MAX_BYTES, &e->file, err);
    if (rc != KS_OK) {
        free(e);
        if (rc == KS_ERR_TOO_LARGE)
            return ks_error_set(err, rc, "%s: more than a sentence encoder can be (%u MB at most)", path,
                                ENCODER_MAX_BYTES >> 20);
        return rc;
    }
    uint64_t size = ks_file_reader_size(e->file);
    source src = {e->file, KS_ENCODER_HEADER, size, KS_WORDVEC_HASH_SEED};
    uint8_t b[KS_ENCODER_HEADER];
    if (size < KS_ENCODER_HEADER || !ks_file_reader_read(e->file, 0, b, sizeof b) ||
        memcmp(b, KS_ENCODER_MAGIC, 8) != 0)
        return bad(e, path, "it does not start with \"KSENC1\"", err);
    src.left -= KS_ENCODER_HEADER;
    if (rd32(b + 8) != 1) return bad(e, path, "it is of another version", err);
    e->rows = rd32(b + 12);
    e->pieces = rd32(b + 16);
    e->d0 = rd32(b + 20);
    e->d1 = rd32(b + 24);
    e->ffn = rd32(b + 28);
    e->heads = rd32(b + 32);
    e->max_tokens = rd32(b + 36);
    e->out = rd32(b + 40);
    memcpy(&e->id, b + 48, sizeof e->id);
    /* the shapes this code computes with: the published model's */
    if (e->d0 != 256 || e->d1 != 512 || e->ffn != 1536 || e->heads != 4 || e->max_tokens != 128 ||
        e->out != KS_ENCODER_DIM || e->pieces < 7 || e->pieces > e->rows || e->rows > 100000)
        return bad(e, path, "its shapes are not the ones this build computes", err);

    e->score = malloc(e->pieces * sizeof *e->score);
    e->piece = malloc(e->pieces * sizeof *e->piece);
    e->piece_len = malloc(e->pieces);
    e->piece_cps = malloc(e->pieces);
    /* room for the longest possible vocabulary; the pages never written
     * (all but a few hundred KB) are never made resident */
    e->pool = malloc((size_t)e->pieces * 255);
    for (e->n_slots = 2; e->n_slots < 2 * e->pieces; e->n_slots *= 2)
        ;
    e->slots = calloc(e->n_slots, sizeof *e->slots);
    if (!e->score || !e->piece || !e->piece_len || !e->piece_cps || !e->slots || !e->pool) goto nomem;
    size_t off = KS_ENCODER_HEADER, used = 0;
    for (unsigned i = 0; i < e->pieces; i++) {
        uint8_t rec[9];
        if (!source_read(&src, rec, sizeof rec)) return bad(e, path, "its vocabulary is truncated", err);
        memcpy(&e->score[i], rec, 8);
        uint8_t n = rec[8];
        char *piece = e->pool + used;
        if (!source_read(&src, piece, n)) return bad(e, path, "its vocabulary is truncated", err);
        off += 9 + (size_t)n;
        used += n;
        e->piece[i] = piece;
        e->piece_len[i] = n;
        utf8proc_ssize_t cps = 0;
        for (utf8proc_ssize_t k = 0, step; k < n; k += step, cps++) {
            utf8proc_int32_t c;
            step = utf8proc_iterate((const utf8proc_uint8_t *)piece + k, n - k, &c);
            if (step <= 0) return bad(e, path, "a vocabulary piece is not UTF-8", err);
        }
        if (cps > MAX_PIECE_CPS) return bad(e, path, "a vocabulary piece is too long", err);
        e->piece_cps[i] = (uint8_t)cps;
        if ((unsigned)cps > e->longest) e->longest = (unsigned)cps;
        /* the reserved symbols (unknown, <s>, </s>, extras) are never matched */
        if (i < 6 || n == 0 || find_piece(e, piece, n) >= 0) continue;
        uint32_t h = (uint32_t)ks_wordvec_hash(piece, n, KS_WORDVEC_HASH_SEED) & (e->n_slots - 1);
        while (e->slots[h])
            h = (h + 1) & (e->n_slots - 1);
        e->slots[h] = i + 1;
    }
    uint8_t pad[4];
    if (!source_read(&src, pad, ((off + 3) & ~(size_t)3) - off))
        return bad(e, path, "its vocabulary is truncated", err);
    uint64_t need_floats = (uint64_t)e->rows * e->d0 + e->d0 / 2;
    unsigned d1 = e->d1, ffn = e->ffn;
    for (int l = 0; l < 2; l++) {
        unsigned din = l == 0 ? e->d0 : d1;
        need_floats += 2 * din + 3 * din * (uint64_t)din + 3 * din + (uint64_t)din * d1 + d1 + 2 * d1 +
                       (uint64_t)d1 * ffn + ffn + (uint64_t)ffn * d1 + d1;
        if (l == 0) need_floats += (uint64_t)din * d1 + d1;
    }
    need_floats += (uint64_t)d1 * e->out + e->out;
    if (src.left != need_floats * 4) return bad(e, path, "its weights are not the size its shapes say", err);
    /* Biases and norms are copied as they are; matrices are quantised
     * (quantize) from a buffer that holds one of them at a time. */
    float *tmp = malloc((size_t)d1 * ffn * sizeof *tmp); /* the largest matrix but the embeddings */
    if (!tmp) goto nomem;
#define FLOATS(dst, n)                                                              \
    if (!((dst) = malloc((size_t)(n) * sizeof(float)))) goto nomem_tmp;             \
    if (!source_read(&src, (dst), (size_t)(n) * sizeof(float))) goto truncated
#define MATRIX(dst, rows, cols)                                             \
    if (!source_read(&src, tmp, (size_t)(rows) * (cols) * sizeof(float))) goto truncated; \
    if (!quantize(&(dst), (const uint8_t *)tmp, (rows), (cols))) goto nomem_tmp
    /* the embedding table stays in the file (see the top): it only goes
     * through the checksum, a row at a time */
    e->emb_off = src.off;
    for (uint64_t left = (uint64_t)e->rows * e->d0; left > 0;) {
        size_t n = left < (uint64_t)d1 * ffn ? (size_t)left : (size_t)d1 * ffn;
        if (!source_read(&src, tmp, n * sizeof *tmp)) goto truncated;
        left -= n;
    }
    FLOATS(e->timing, e->d0 / 2);
    for (int l = 0; l < 2; l++) {
        layer *L = &e->l[l];
        unsigned din = L->din = l == 0 ? e->d0 : d1;
        FLOATS(L->ln1_s, din);
        FLOATS(L->ln1_b, din);
        if (l == 0) {
            MATRIX(L->adj, din, d1);
            FLOATS(L->adj_b, d1);
        }
        MATRIX(L->qkv, din, 3 * din);
        FLOATS(L->qkv_b, 3 * din);
        MATRIX(L->out, din, d1);
        FLOATS(L->out_b, d1);
        FLOATS(L->ln2_s, d1);
        FLOATS(L->ln2_b, d1);
        MATRIX(L->f1, d1, ffn);
        FLOATS(L->f1_b, ffn);
        MATRIX(L->f2, ffn, d1);
        FLOATS(L->f2_b, d1);
    }
    MATRIX(e->tanh, d1, e->out);
    FLOATS(e->tanh_b, e->out);
#undef FLOATS
#undef MATRIX
    free(tmp);
    if (src.hash != e->id) return bad(e, path, "its checksum does not match (damaged file)", err);
    *out = e;
    return KS_OK;
truncated:
    free(tmp);
    return bad(e, path, "it is truncated", err);
nomem_tmp:
    free(tmp);
nomem:
    ks_encoder_close(e);
    return ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory loading the encoder", path);
}

void ks_encoder_close(ks_encoder *e)
{
    if (!e) return;
    ks_file_reader_close(e->file);
    free(e->timing);
    for (int l = 0; l < 2; l++) {
        layer *L = &e->l[l];
        float *owned[] = {L->ln1_s, L->ln1_b, L->adj_b, L->qkv_b, L->out_b, L->ln2_s, L->ln2_b, L->f1_b, L->f2_b};
        for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
            free(owned[i]);
        qmat_free(&L->adj);
        qmat_free(&L->qkv);
        qmat_free(&L->out);
        qmat_free(&L->f1);
        qmat_free(&L->f2);
    }
    qmat_free(&e->tanh);
    free(e->tanh_b);
    free(e->pool);
    free(e->score);
    free(e->piece);
    free(e->piece_len);
    free(e->piece_cps);
    free(e->slots);
    free(e);
}

uint64_t ks_encoder_id(const ks_encoder *e) { return e ? e->id : 0; }

/* ------------------------------------------------------------ tokenising */

size_t ks_encoder_tokenize(const ks_encoder *e, const char *text, size_t len, int32_t *ids, size_t max)
{
    if (!e || !max) return 0;
    /* NFKC, then "▁" before the text and for every space, as the package's
     * processInput does. Invalid bytes are dropped first (utf8proc refuses
     * invalid input as a whole). */
    char *clean = malloc(len + 1);
    if (!clean) return 0;
    size_t cn = 0;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)text + i, (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0) {
            i++;
            continue;
        }
        if (c != 0) {
            memcpy(clean + cn, text + i, (size_t)k);
            cn += (size_t)k;
        }
        i += (size_t)k;
    }
    clean[cn] = '\0';
    utf8proc_uint8_t *nfkc = cn ? utf8proc_NFKC((const utf8proc_uint8_t *)clean) : NULL;
    free(clean);
    if (!nfkc) return 0;
    /* code points of "▁" + text with spaces as "▁", each with its bytes */
    size_t nb = strlen((const char *)nfkc);
    size_t ncp = 0;
    uint32_t *cp_off = malloc((MAX_TEXT_CPS + 2) * sizeof *cp_off);
    char *s = malloc(nb * 3 + 4);
    if (!cp_off || !s) {
        free(nfkc);
        free(cp_off);
        free(s);
        return 0;
    }
    size_t sn = 0;
    static const char sep[] = "\xe2\x96\x81"; /* U+2581 */
    cp_off[ncp++] = 0;
    memcpy(s, sep, 3);
    sn = 3;
    for (size_t i = 0; i < nb && ncp < MAX_TEXT_CPS;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(nfkc + i, (utf8proc_ssize_t)(nb - i), &c);
        if (k <= 0) break;
        cp_off[ncp++] = (uint32_t)sn;
        if (c == ' ') {
            memcpy(s + sn, sep, 3);
            sn += 3;
        } else {
            memcpy(s + sn, nfkc + i, (size_t)k);
            sn += (size_t)k;
        }
        i += (size_t)k;
    }
    cp_off[ncp] = (uint32_t)sn;
    free(nfkc);
    /* Viterbi over the lattice: best[end] and the piece ending there
     * (-1 = unknown symbol); 0 means "not reached yet", as in the JS. */
    double *best = calloc(ncp + 1, sizeof *best);
    int32_t *word = calloc(ncp + 1, sizeof *word);
    size_t n = 0;
    if (!best || !word) goto out;
    for (size_t end = 1; end <= ncp; end++) {
        /* candidates ending here, by ascending start (the JS order) */
        size_t lo = end > e->longest ? end - e->longest : 0;
        for (size_t start = lo; start < end; start++) {
            size_t ncps = end - start;
            int32_t id = find_piece(e, s + cp_off[start], cp_off[end] - cp_off[start]);
            double sc;
            if (id >= 0) {
                sc = e->score[id];
            } else if (ncps == 1) {
                /* an unknown symbol: only when no piece starts here at all */
                int any = 0;
                for (size_t k = start + 1; k <= ncp && k - start <= e->longest && !any; k++)
                    any = find_piece(e, s + cp_off[start], cp_off[k] - cp_off[start]) >= 0;
                if (any) continue;
                sc = 0;
            } else {
                continue;
            }
            double total = sc + best[start];
            if (best[end] == 0 || total >= best[end]) {
                best[end] = total;
                word[end] = id >= 0 ? id : 0;
            }
        }
    }
    /* back from the end; consecutive unknowns become one */
    int32_t *rev = malloc((ncp + 1) * sizeof *rev);
    if (!rev) goto out;
    size_t nr = 0;
    for (size_t it = ncp; it > 0;) {
        rev[nr++] = word[it];
        /* the JS steps back by the piece's own length (the unknown piece is
         * one symbol long) */
        size_t step = word[it] > 0 ? e->piece_cps[word[it]] : 1;
        it = step > it ? 0 : it - step;
    }
    int prev_unk = 0;
    for (size_t i = 0; i < nr && n < max; i++) {
        int32_t id = rev[nr - 1 - i];
        if (!(prev_unk && id == 0)) ids[n++] = id;
        prev_unk = id == 0;
    }
    free(rev);
out:
    free(best);
    free(word);
    free(cp_off);
    free(s);
    return n;
}

/* --------------------------------------------------------------- forward */

/* y[t][j] = b[j] + scale[j] sum_i x[t][i] w[i][j], for n tokens */
static void matmul(const float *restrict x, size_t n, unsigned din, const qmat *m, const float *restrict b,
                   unsigned dout, float *restrict y)
{
    memset(y, 0, n * dout * sizeof *y);
    for (unsigned i = 0; i < din; i++) {
        const int8_t *restrict wr = m->w + (size_t)i * dout;
        for (size_t t = 0; t < n; t++) {
            float xi = x[t * din + i];
            if (xi == 0.0f) continue; /* after a ReLU, most are */
            float *restrict yr = y + t * dout;
            for (unsigned j = 0; j < dout; j++)
                yr[j] += xi * (float)wr[j];
        }
    }
    for (size_t t = 0; t < n; t++) {
        float *restrict yr = y + t * dout;
        for (unsigned j = 0; j < dout; j++)
            yr[j] = yr[j] * m->scale[j] + b[j];
    }
}

static void layer_norm(const float *x, size_t n, unsigned d, const float *s, const float *b, float *y)
{
    for (size_t t = 0; t < n; t++) {
        const float *xr = x + t * d;
        float *yr = y + t * d;
        double mean = 0, var = 0;
        for (unsigned i = 0; i < d; i++)
            mean += xr[i];
        mean /= d;
        for (unsigned i = 0; i < d; i++)
            var += (xr[i] - mean) * (xr[i] - mean);
        var /= d;
        float k = (float)(1.0 / sqrt(var + LN_EPS));
        for (unsigned i = 0; i < d; i++)
            yr[i] = s[i] * k * (float)(xr[i] - mean) + b[i];
    }
}

/* One transformer layer: x (n x din) -> y (n x d1). scratch has room for
 * n x (3 din + d1 + ffn) floats plus n x n. */
static void run_layer(const ks_encoder *e, const layer *L, const float *x, size_t n, float *y, float *scratch)
{
    unsigned din = L->din, d1 = e->d1, ffn = e->ffn, heads = e->heads, hd = din / heads;
    float *h = scratch;             /* n x din, then n x d1 */
    float *qkv = h + n * d1;        /* n x 3 din */
    float *o = qkv + n * 3 * din;   /* n x din */
    float *f = o + n * din;         /* n x ffn */
    float *att = f + n * ffn;       /* n */
    /* attention, on the normalised input; the residual is the input itself
     * (or its projection to d1 in the first layer) */
    layer_norm(x, n, din, L->ln1_s, L->ln1_b, h);
    matmul(h, n, din, &L->qkv, L->qkv_b, 3 * din, qkv);
    float scale = 1.0f / sqrtf((float)hd);
    for (unsigned hh = 0; hh < heads; hh++) {
        for (size_t t = 0; t < n; t++) {
            const float *q = qkv + t * 3 * din + hh * hd;
            float mx = -INFINITY;
            for (size_t u = 0; u < n; u++) {
                const float *k = qkv + u * 3 * din + din + hh * hd;
                float dot = 0;
                for (unsigned d = 0; d < hd; d++)
                    dot += q[d] * scale * k[d];
                att[u] = dot;
                if (dot > mx) mx = dot;
            }
            float sum = 0;
            for (size_t u = 0; u < n; u++)
                sum += (att[u] = expf(att[u] - mx));
            float *orow = o + t * din + hh * hd;
            memset(orow, 0, hd * sizeof *orow);
            for (size_t u = 0; u < n; u++) {
                const float *v = qkv + u * 3 * din + 2 * din + hh * hd;
                float a = att[u] / sum;
                for (unsigned d = 0; d < hd; d++)
                    orow[d] += a * v[d];
            }
        }
    }
    matmul(o, n, din, &L->out, L->out_b, d1, y);
    if (L->adj.w) {
        matmul(x, n, din, &L->adj, L->adj_b, d1, h);
        for (size_t i = 0; i < n * d1; i++)
            y[i] += h[i];
    } else {
        for (size_t i = 0; i < n * d1; i++)
            y[i] += x[i];
    }
    /* feed-forward, on the normalised result, added to it */
    layer_norm(y, n, d1, L->ln2_s, L->ln2_b, h);
    matmul(h, n, d1, &L->f1, L->f1_b, ffn, f);
    for (size_t i = 0; i < n * ffn; i++)
        if (f[i] < 0) f[i] = 0;
    matmul(f, n, ffn, &L->f2, L->f2_b, d1, h);
    for (size_t i = 0; i < n * d1; i++)
        y[i] += h[i];
}

int ks_encoder_embed(const ks_encoder *e, const char *text, size_t len, size_t max_pieces, float *out)
{
    memset(out, 0, KS_ENCODER_DIM * sizeof *out);
    if (!e) return 0;
    int32_t ids[128];
    size_t cap = e->max_tokens < 128 ? e->max_tokens : 128;
    if (max_pieces && max_pieces < cap) cap = max_pieces;
    size_t n = ks_encoder_tokenize(e, text, len, ids, cap);
    if (!n) return 0;
    unsigned d0 = e->d0, d1 = e->d1;
    size_t scratch_n = n * (d1 + 3 * d1 + d1 + e->ffn) + n;
    float *x = malloc(n * d1 * sizeof *x), *y = malloc(n * d1 * sizeof *y);
    float *scratch = malloc(scratch_n * sizeof *scratch);
    if (!x || !y || !scratch) {
        free(x);
        free(y);
        free(scratch);
        return 0;
    }
    /* input: twice the embedding plus the timing signal (see the top) */
    for (size_t t = 0; t < n; t++) {
        int32_t id = ids[t] >= 0 && (unsigned)ids[t] < e->rows ? ids[t] : 0;
        float *xr = x + t * d0;
        /* the row lands in xr (floats, little-endian as this build) */
        if (!ks_file_reader_read(e->file, e->emb_off + (uint64_t)id * d0 * sizeof(float), xr,
                                 d0 * sizeof(float))) {
            free(x); /* the file was cut under us: no vector */
            free(y);
            free(scratch);
            return 0;
        }
        for (unsigned i = 0; i < d0 / 2; i++) {
            float a = (float)t * e->timing[i];
            xr[i] = 2.0f * xr[i] + sinf(a);
            xr[i + d0 / 2] = 2.0f * xr[i + d0 / 2] + cosf(a);
        }
    }
    run_layer(e, &e->l[0], x, n, y, scratch);
    run_layer(e, &e->l[1], y, n, x, scratch);
    /* mean over the tokens, then tanh(W x + b), unit length */
    float pool[KS_ENCODER_DIM];
    for (unsigned j = 0; j < d1; j++) {
        double sum = 0;
        for (size_t t = 0; t < n; t++)
            sum += x[t * d1 + j];
        pool[j] = (float)(sum / (double)n);
    }
    matmul(pool, 1, d1, &e->tanh, e->tanh_b, e->out, out);
    double norm = 0;
    for (unsigned j = 0; j < e->out; j++) {
        out[j] = tanhf(out[j]);
        norm += (double)out[j] * out[j];
    }
    float k = (float)(1.0 / sqrt(norm > 1e-12 ? norm : 1e-12));
    for (unsigned j = 0; j < e->out; j++)
        out[j] *= k;
    free(x);
    free(y);
    free(scratch);
    return 1;
}

static ks_encoder *default_encoder;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void open_default(void)
{
    const char *path = getenv("KS_ENCODER");
    if (!path) path = KS_ENCODER_PATH;
    if (!*path || strcmp(path, "none") == 0) return;
    ks_error err = {0};
    if (ks_encoder_open(path, &default_encoder, &err) != KS_OK)
        ks_log_warn("search", "%s: search works without sentence vectors (scripts/setup.sh fetches them)", err.msg);
}

const ks_encoder *ks_encoder_default(void)
{
    pthread_once(&default_once, open_default);
    return default_encoder;
}
