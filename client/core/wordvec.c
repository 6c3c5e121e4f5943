/*
 * wordvec.c - reads a word-vector table (layout in wordvec.h) and looks
 * terms up in it. The file is checked once per process (every offset, the
 * id, the analyser version) before it is used, so a lookup never leaves
 * it however damaged the file was. The slots, entries and keys (about a
 * megabyte) stay in memory; the vectors (3.3 MB of the 4.6) stay on disk
 * and a lookup reads its one row: a query needs a handful, and the kiosk
 * should not hold the rest (docs/PERFORMANCE.md, memory). The builder is
 * wordvec_build.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ks/file.h"
#include "ks/log.h"
#include "ks/wordvec.h"

/* The biggest table accepted: 1M terms of 100 components are ~120 MB. */
#define WORDVEC_MAX_BYTES (256u * 1024u * 1024u)

#define HASH_CHUNK 65536 /* what the check reads of the vectors at a time */

struct ks_wordvec {
    ks_file_reader *file;
    unsigned dim;
    uint32_t n, n_slots;
    uint64_t id;
    uint8_t *index;         /* the slots then the entries, as in the file */
    const uint8_t *slots;   /* uint32 each, unaligned reads */
    const uint8_t *entries; /* KS_WORDVEC_ENTRY each */
    uint64_t vec_off;       /* where the vectors start in the file */
    char *keys;
    size_t keys_len;
};

uint64_t ks_wordvec_hash(const void *p, size_t n, uint64_t h)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static float rdf(const uint8_t *p)
{
    float v;
    memcpy(&v, p, sizeof v);
    return v;
}

static ks_status bad(ks_wordvec *v, const char *path, const char *what, ks_error *err)
{
    ks_wordvec_close(v);
    return ks_error_set(err, KS_ERR_CORRUPT, "%s: not a usable word-vector table: %s (rebuild it with mkwordvec)",
                        path, what);
}

ks_status ks_wordvec_open(const char *path, ks_wordvec **out, ks_error *err)
{
    *out = NULL;
    ks_wordvec *v = calloc(1, sizeof *v);
    if (!v) return ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory", path);
    ks_status rc = ks_file_reader_open(path, WORDVEC_MAX_BYTES, &v->file, err);
    if (rc != KS_OK) {
        free(v);
        return rc;
    }
    uint64_t size = ks_file_reader_size(v->file);
    uint8_t b[KS_WORDVEC_HEADER];
    if (size < KS_WORDVEC_HEADER || !ks_file_reader_read(v->file, 0, b, sizeof b) ||
        memcmp(b, KS_WORDVEC_MAGIC, 8) != 0)
        return bad(v, path, "it does not start with " "\"KSWVEC1\"", err);
    v->dim = rd32(b + 8);
    v->n = rd32(b + 12);
    v->n_slots = rd32(b + 16);
    uint32_t analyzer = rd32(b + 20);
    memcpy(&v->id, b + 24, sizeof v->id);
    if (analyzer != KS_WORDVEC_ANALYZER) return bad(v, path, "it was made for another version of the analyser", err);
    if (v->dim == 0 || v->dim > KS_WORDVEC_MAX_DIM) return bad(v, path, "its dimension is out of range", err);
    if (v->n == 0 || v->n_slots < 2 || (v->n_slots & (v->n_slots - 1)) || v->n_slots / 2 < v->n)
        return bad(v, path, "its entry or slot count is inconsistent", err);
    /* sizes as 64-bit sums: n, n_slots and dim are bounded, so no overflow */
    uint64_t index_len = 4ull * v->n_slots + (uint64_t)KS_WORDVEC_ENTRY * v->n;
    uint64_t need = (uint64_t)KS_WORDVEC_HEADER + index_len + (uint64_t)v->n * v->dim;
    if (need > size) return bad(v, path, "it is truncated", err);
    v->vec_off = KS_WORDVEC_HEADER + index_len;
    v->keys_len = (size_t)(size - need);
    v->index = malloc((size_t)index_len);
    v->keys = malloc(v->keys_len + 1);
    uint8_t *chunk = malloc(HASH_CHUNK);
    if (!v->index || !v->keys || !chunk) {
        free(chunk);
        ks_wordvec_close(v);
        return ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory", path);
    }
    /* every byte after the header goes through the checksum once, in file
     * order; the vectors only pass through */
    int ok = ks_file_reader_read(v->file, KS_WORDVEC_HEADER, v->index, (size_t)index_len);
    uint64_t h = ks_wordvec_hash(v->index, (size_t)index_len, KS_WORDVEC_HASH_SEED);
    for (uint64_t off = v->vec_off; ok && off < need; off += HASH_CHUNK) {
        size_t n = need - off < HASH_CHUNK ? (size_t)(need - off) : HASH_CHUNK;
        ok = ks_file_reader_read(v->file, off, chunk, n);
        h = ks_wordvec_hash(chunk, n, h);
    }
    free(chunk);
    ok = ok && ks_file_reader_read(v->file, need, v->keys, v->keys_len);
    if (!ok) return bad(v, path, "it could not be read to its end", err);
    h = ks_wordvec_hash(v->keys, v->keys_len, h);
    if (h != v->id) return bad(v, path, "its checksum does not match (damaged file)", err);
    v->slots = v->index;
    v->entries = v->slots + 4ull * v->n_slots;
    for (uint32_t i = 0; i < v->n_slots; i++)
        if (rd32(v->slots + 4ull * i) > v->n) return bad(v, path, "a slot points past the entries", err);
    for (uint32_t i = 0; i < v->n; i++) {
        const uint8_t *e = v->entries + (size_t)KS_WORDVEC_ENTRY * i;
        uint32_t off = rd32(e);
        uint8_t len = e[4];
        if (len == 0 || off > v->keys_len || len > v->keys_len - off)
            return bad(v, path, "an entry's key is outside the file", err);
    }
    *out = v;
    return KS_OK;
}

void ks_wordvec_close(ks_wordvec *v)
{
    if (!v) return;
    ks_file_reader_close(v->file);
    free(v->index);
    free(v->keys);
    free(v);
}

unsigned ks_wordvec_dim(const ks_wordvec *v) { return v ? v->dim : 0; }
uint64_t ks_wordvec_id(const ks_wordvec *v) { return v ? v->id : 0; }
size_t ks_wordvec_count(const ks_wordvec *v) { return v ? v->n : 0; }

double ks_wordvec_add(const ks_wordvec *v, const char *term, size_t len, float *acc)
{
    if (!v || len == 0) return 0;
    uint32_t mask = v->n_slots - 1;
    uint32_t s = (uint32_t)ks_wordvec_hash(term, len, KS_WORDVEC_HASH_SEED) & mask;
    /* at most half the slots are full, so an empty one ends every probe */
    for (uint32_t probes = 0; probes < v->n_slots; probes++, s = (s + 1) & mask) {
        uint32_t slot = rd32(v->slots + 4ull * s);
        if (slot == 0) return 0;
        const uint8_t *e = v->entries + (size_t)KS_WORDVEC_ENTRY * (slot - 1);
        if (e[4] != len || memcmp(v->keys + rd32(e), term, len) != 0) continue;
        float weight = rdf(e + 8), scale = rdf(e + 12);
        int8_t x[KS_WORDVEC_MAX_DIM];
        if (!ks_file_reader_read(v->file, v->vec_off + (uint64_t)(slot - 1) * v->dim, x, v->dim))
            return 0; /* the file changed under us: as if unknown */
        float k = weight * scale;
        for (unsigned d = 0; d < v->dim; d++)
            acc[d] += k * (float)x[d];
        return weight;
    }
    return 0;
}

static ks_wordvec *default_table;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void open_default(void)
{
    const char *path = getenv("KS_WORDVEC");
    if (!path) path = KS_WORDVEC_PATH;
    if (!*path || strcmp(path, "none") == 0) return;
    ks_error err = {0};
    if (ks_wordvec_open(path, &default_table, &err) != KS_OK)
        ks_log_warn("search", "%s: search works without word vectors (scripts/setup.sh fetches them)", err.msg);
}

const ks_wordvec *ks_wordvec_default(void)
{
    pthread_once(&default_once, open_default);
    return default_table;
}
