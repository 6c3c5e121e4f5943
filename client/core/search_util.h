/*
 * search_util.h - private helpers shared by the search engine's files
 * (search.c, search_index.c): growable byte buffers, LEB128 varints, a
 * string -> id hash map and the on-disk layout of the index. Not a public
 * module: nothing outside client/core/search*.c includes it.
 */
#ifndef KS_SEARCH_UTIL_H
#define KS_SEARCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ks/analyze.h"
#include "ks/error.h"

/* Bumped whenever the stored index changes meaning; an index of another
 * format is rebuilt (ks_store_reindex) before it is used. */
#define KS_SEARCH_FORMAT 4

/* Field kinds inside a document record. */
enum { KS_FIELD_TITLE = 0, KS_FIELD_QUESTION = 1, KS_FIELD_KEYWORD = 2, KS_FIELD_BODY = 3 };

/* Postings a query may read of one term: the first KS_H1_POSTINGS are in
 * column h1 (all a query reads of a common term), the next ones up to
 * KS_HEAD_POSTINGS in h2; the rest goes to "tail" (kept so the index can
 * be merged later, never read by queries). */
#define KS_H1_POSTINGS 256
#define KS_HEAD_POSTINGS 2048

/* BM25 constants of the stored impacts. */
#define KS_BM25_K1 2.0
#define KS_BM25_B 0.75

/* Field weights of the stored impacts: what the visitor asks is closest to
 * titles and alternative questions, then keywords, then the body. */
#define KS_W_TITLE 1.5
#define KS_W_QUESTION 1.0
#define KS_W_KEYWORD 1.0
#define KS_W_BODY 0.5

/* The BM25 constants and field weights the index is built with, and the
 * query side re-scores with (they must agree). KS_SEARCH_TUNE
 * (docs/search.md) overrides them for development measurements only. */
typedef struct ks_itune {
    double k1, b, w_title, w_question, w_keyword, w_body;
} ks_itune;
ks_itune ks_itune_get(void);

/* One tunable double of a struct, by name (for KS_SEARCH_TUNE). */
typedef struct ks_tune_field {
    const char *name;
    size_t off;
} ks_tune_field;
/* Applies KS_SEARCH_TUNE ("name=value,name=value") to the doubles of the
 * struct at target named in fields; unknown names are ignored. */
void ks_tune_apply_env(void *target, const ks_tune_field *fields, size_t n);
double ks_itune_field_weight(const ks_itune *t, uint8_t kind);

/* The pinyin term of a Han pair term ("~hua.bei" for 花呗) into out
 * (KS_TERM_MAX bytes); returns its length, 0 when there is none. */
size_t ks_pinyin_of_pair(const char *s, size_t len, char *out);

typedef struct ks_buf {
    uint8_t *p;
    size_t n;
    size_t cap;
    int oom;
} ks_buf;

void ks_buf_put(ks_buf *b, const void *data, size_t n);
void ks_buf_byte(ks_buf *b, uint8_t c);
void ks_buf_varint(ks_buf *b, uint64_t v);
void ks_buf_free(ks_buf *b);

/* Reads a varint at *p (< end); advances *p. Returns 0 on truncation. */
int ks_rd_varint(const uint8_t **p, const uint8_t *end, uint64_t *v);

/* A string -> uint32 id map with an arena for the strings. */
typedef struct ks_strmap {
    uint32_t *slots; /* id + 1, 0 = empty */
    size_t n_slots;
    char *arena;
    size_t arena_n, arena_cap;
    uint32_t *off; /* per id: offset of its string in arena */
    uint8_t *len;  /* per id: length */
    size_t n, cap;
    int oom;
} ks_strmap;

/* Returns the id of s (inserting it when insert is 1), or UINT32_MAX when
 * absent (insert 0) or out of memory (map->oom set). */
uint32_t ks_strmap_get(ks_strmap *m, const char *s, size_t len, int insert);
const char *ks_strmap_str(const ks_strmap *m, uint32_t id, size_t *len);
void ks_strmap_free(ks_strmap *m);

uint64_t ks_hash_bytes(const void *p, size_t n);

/* The SQL that creates the search tables (idempotent). */
extern const char ks_search_schema_sql[];

/* Reads an integer/real from search_meta; def when missing. */
int64_t ks_search_meta_int(sqlite3 *db, const char *key, int64_t def);
double ks_search_meta_real(sqlite3 *db, const char *key, double def);

ks_status ks_search_meta_set_blob(sqlite3 *db, const char *key, const void *p, size_t n, ks_error *err);
ks_status ks_search_meta_set_int(sqlite3 *db, const char *key, int64_t v, ks_error *err);

/* The on-device classifier (search_model.c): trained at the end of a
 * rebuild from the content's own titles and alternative questions, each a
 * labelled example of its article id. Writes search_model and the
 * model_* keys of search_meta, or clears them when the content is too
 * large or has too few examples for a model to help. */
ks_status ks_search_model_train(sqlite3 *db, ks_error *err);

/* Question vectors from word vectors (search_model.c, search.c):
 * ks_embed_field writes the weighted mean of a field's word vectors into
 * out (ks_wordvec_dim floats) and returns 0 when none of its words has
 * one; ks_dense_project centres x on mu, removes its component along pc
 * and scales it to length gain (0 when nothing is left). Training and
 * queries go through the same two steps. */
struct ks_doc_field;
struct ks_wordvec;
int ks_embed_field(const struct ks_wordvec *wv, const struct ks_doc_field *fd, float *out);
int ks_dense_project(const float *mu, const float *pc, unsigned dim, double gain, float *x);

/* Whether the English sentence encoder can read a text (len bytes):
 * Latin letters and no Han (Chinese is left to words and characters). */
int ks_english_text(const char *t, size_t len);

/* Parsed document record (see search_index.c for the layout). The term
 * strings point into the record's bytes, which must outlive it. */
typedef struct ks_doc_term {
    const char *s;
    uint8_t len;
    uint32_t tf;
} ks_doc_term;

typedef struct ks_doc_field {
    uint8_t kind;
    uint32_t n_tokens;
    ks_doc_term *terms; /* sorted by bytes */
    size_t n_terms;
} ks_doc_field;

typedef struct ks_doc {
    ks_doc_field *fields;
    size_t n_fields;
    ks_doc_term *pool; /* storage behind fields[].terms */
} ks_doc;

/* Parses a record; returns KS_ERR_CORRUPT when it is malformed. */
ks_status ks_doc_parse(const uint8_t *p, size_t n, ks_doc *out, ks_error *err);
void ks_doc_free(ks_doc *d);

#endif
