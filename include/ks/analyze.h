/*
 * analyze.h - turns text into search terms, the same way for the index and
 * for queries: normalise (normalize.h), then
 *   - Latin and other spaced scripts: one term per word, Porter-stemmed
 *     ("reservations" -> "reserv"); function words are kept as their own
 *     (weak) kind so "where are you from" still means something;
 *   - Han (Chinese): every character and every pair of adjacent characters,
 *     plus the pair's pinyin ("~hua.bei") so homophones meet; a query
 *     written in Traditional Chinese also gets the terms of its mainland
 *     wording (marked variant), so Taiwanese phrasing finds Simplified
 *     content.
 *
 * Terms are short byte strings (at most KS_TERM_MAX - 1 bytes, never
 * containing a space or NUL); their kind can be told from their first byte
 * (see ks_term_kind_of), so the index stores only the string.
 */
#ifndef KS_ANALYZE_H
#define KS_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"
#include "ks/normalize.h"

#define KS_TERM_MAX 40

typedef enum ks_term_kind {
    KS_TERM_WORD = 0,   /* stemmed word (Latin or another spaced script) */
    KS_TERM_STOP = 1,   /* English function word, unstemmed */
    KS_TERM_HAN1 = 2,   /* one Han character */
    KS_TERM_HAN2 = 3,   /* two adjacent Han characters */
    KS_TERM_PINYIN = 4, /* pinyin of two adjacent Han characters, "~hua.bei" */
} ks_term_kind;

typedef struct ks_term {
    char s[KS_TERM_MAX]; /* NUL-terminated */
    uint8_t len;
    uint8_t kind;     /* ks_term_kind */
    uint8_t surf_len; /* KS_TERM_WORD: the word before stemming, in norm */
    uint8_t last;     /* 1 when this term comes from the text's last token */
    uint8_t variant;  /* 1: only in the Taiwan->mainland wording (ks_norm_text_alt) */
    uint32_t surf_off;
    uint32_t pos; /* token position in the text (words and Han characters) */
} ks_term;

/* The terms of one text. norm is the normalised text (surface words of
 * KS_TERM_WORD terms point into it). Free with ks_terms_free(). */
typedef struct ks_terms {
    ks_term *v;
    size_t n;
    size_t cap;
    char *norm;
    size_t norm_len;
    uint32_t n_tokens; /* words + Han characters seen */
    int ends_in_space; /* the raw text ended with a separator */
} ks_terms;

/* Analyses len bytes of text (any bytes) into *out (zero it first or reuse
 * one after ks_terms_free). At most max_terms terms are kept (0 = no
 * limit). Fails only when memory runs out. */
ks_status ks_analyze(ks_norm *norm, const char *text, size_t len, size_t max_terms, ks_terms *out,
                     ks_error *err);
/* What ks_analyze_ex leaves in or out. */
enum {
    KS_ANALYZE_VARIANTS = 1, /* add the mainland wording of Traditional text (queries) */
    KS_ANALYZE_BODY = 2,     /* only stemmed words and Han pairs: what a body is indexed by */
};
ks_status ks_analyze_ex(ks_norm *norm, const char *text, size_t len, size_t max_terms, unsigned flags,
                        ks_terms *out, ks_error *err);

/* Same for a visitor's query: Traditional text also gets the terms of its
 * mainland wording (marked variant). Content is analysed without them:
 * its Simplified translation already speaks mainland usage. */
ks_status ks_analyze_query(ks_norm *norm, const char *text, size_t len, size_t max_terms, ks_terms *out,
                           ks_error *err);
void ks_terms_free(ks_terms *t);

/* Kind of a term string, from its bytes alone. */
ks_term_kind ks_term_kind_of(const char *s, size_t len);

#endif
