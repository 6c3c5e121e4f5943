/*
 * analyze.c - text to search terms (see analyze.h): words are stemmed,
 * Han text becomes characters, pairs and pinyin pairs. Shared by indexing
 * and querying so both sides always agree; it must stay free of anything
 * that depends on the index (weights, vocabulary): that is search.c's job.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "ks/analyze.h"
#include "ks/pinyin.h"
#include "ks/stem.h"

void ks_terms_free(ks_terms *t)
{
    if (!t) return;
    free(t->v);
    free(t->norm);
    memset(t, 0, sizeof *t);
}

ks_term_kind ks_term_kind_of(const char *s, size_t len)
{
    if (len == 0) return KS_TERM_WORD;
    if (s[0] == '~') return KS_TERM_PINYIN;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &cp);
    if (k > 0 && ks_norm_is_han(cp)) return (size_t)k == len ? KS_TERM_HAN1 : KS_TERM_HAN2;
    return ks_stem_is_stop(s, len) ? KS_TERM_STOP : KS_TERM_WORD;
}

static ks_term *push(ks_terms *t, size_t max_terms)
{
    if (max_terms && t->n >= max_terms) return NULL;
    if (t->n == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 32;
        ks_term *nv = realloc(t->v, ncap * sizeof *nv);
        if (!nv) return NULL;
        t->v = nv;
        t->cap = ncap;
    }
    ks_term *x = &t->v[t->n++];
    memset(x, 0, sizeof *x);
    return x;
}

/* Longest prefix of s[0..len) that fits a term and ends on a character. */
static size_t fit(const char *s, size_t len)
{
    return ks_norm_clip(s, len, KS_TERM_MAX - 1);
}

static int is_last_codepoint_word(const char *text, size_t len)
{
    if (len == 0) return 0;
    size_t i = len - 1;
    for (int back = 0; back < 3 && i > 0 && ((unsigned char)text[i] & 0xC0) == 0x80; back++)
        i--;
    utf8proc_int32_t cp;
    if (utf8proc_iterate((const utf8proc_uint8_t *)text + i, (utf8proc_ssize_t)(len - i), &cp) <= 0) return 0;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
        return 1;
    default:
        return 0;
    }
}

/* Appends the terms of normalised text s[0..n) to out. variant: only Han
 * terms, marked as variants (the Latin parts of both wordings are equal). */
static int tokenize(const char *s, size_t n, size_t max_terms, int variant, int body, ks_terms *out)
{
    size_t i = 0;
    uint32_t pos = 0;
    /* The previous Han character of the current run, for pairs. */
    int32_t prev_cp = -1;
    size_t prev_off = 0, prev_len = 0;
    size_t first_of_last_token = out->n;
    int full = 0;
    while (i < n && !full) {
        if (s[i] == ' ') {
            prev_cp = -1;
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) { /* not produced by the normaliser; skip defensively */
            i++;
            continue;
        }
        if (ks_norm_is_han(cp)) {
            first_of_last_token = out->n;
            if (!body) {
                ks_term *x = push(out, max_terms);
                if (!x) {
                    full = 1;
                    break;
                }
                memcpy(x->s, s + i, (size_t)k);
                x->len = (uint8_t)k;
                x->kind = KS_TERM_HAN1;
                x->pos = pos;
                x->variant = (uint8_t)variant;
            }
            if (prev_cp >= 0) {
                ks_term *y = push(out, max_terms);
                if (!y) {
                    full = 1;
                    break;
                }
                memcpy(y->s, s + prev_off, prev_len);
                memcpy(y->s + prev_len, s + i, (size_t)k);
                y->len = (uint8_t)(prev_len + (size_t)k);
                y->kind = KS_TERM_HAN2;
                y->pos = pos - 1;
                y->variant = (uint8_t)variant;
                const char *pa = body ? NULL : ks_pinyin_of(prev_cp);
                const char *pb = pa ? ks_pinyin_of(cp) : NULL;
                if (pa && pb) {
                    size_t la = strlen(pa), lb = strlen(pb);
                    ks_term *z = la + lb + 2 < KS_TERM_MAX ? push(out, max_terms) : NULL;
                    if (!z && la + lb + 2 < KS_TERM_MAX) {
                        full = 1;
                        break;
                    }
                    if (z) {
                        z->s[0] = '~';
                        memcpy(z->s + 1, pa, la);
                        z->s[1 + la] = '.';
                        memcpy(z->s + 2 + la, pb, lb);
                        z->s[2 + la + lb] = '\0';
                        z->len = (uint8_t)(2 + la + lb);
                        z->kind = KS_TERM_PINYIN;
                        z->pos = pos - 1;
                        z->variant = (uint8_t)variant;
                    }
                }
            }
            prev_cp = cp;
            prev_off = i;
            prev_len = (size_t)k;
            pos++;
            i += (size_t)k;
            continue;
        }
        /* A word: everything up to the next space or Han character. */
        prev_cp = -1;
        size_t start = i;
        while (i < n && s[i] != ' ') {
            utf8proc_int32_t c2;
            utf8proc_ssize_t k2 =
                utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c2);
            if (k2 <= 0) {
                i++;
                continue;
            }
            if (ks_norm_is_han(c2)) break;
            i += (size_t)k2;
        }
        size_t wl = fit(s + start, i - start);
        if (wl == 0) continue;
        pos++;
        if (variant || (body && ks_stem_is_stop(s + start, wl))) continue;
        first_of_last_token = out->n;
        ks_term *x = push(out, max_terms);
        if (!x) {
            full = 1;
            break;
        }
        x->pos = pos - 1;
        x->surf_off = (uint32_t)start;
        x->surf_len = (uint8_t)wl;
        if (ks_stem_is_stop(s + start, wl)) {
            memcpy(x->s, s + start, wl);
            x->len = (uint8_t)wl;
            x->kind = KS_TERM_STOP;
        } else {
            char st_buf[KS_STEM_MAX];
            size_t sl = ks_stem_en(s + start, wl, st_buf);
            sl = fit(st_buf, sl);
            memcpy(x->s, st_buf, sl);
            x->s[sl] = '\0';
            x->len = (uint8_t)sl;
            x->kind = KS_TERM_WORD;
        }
    }
    if (!variant) {
        out->n_tokens = pos;
        for (size_t j = first_of_last_token; j < out->n; j++)
            out->v[j].last = 1;
    }
    return full;
}

/* A small set of term strings, to add only the variant terms that the
 * main wording does not already have. */
typedef struct tset {
    uint32_t *slot; /* index + 1 into terms, 0 = empty */
    size_t n_slots;
} tset;

static uint64_t term_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static int tset_has_or_add(tset *t, const ks_terms *terms, size_t idx)
{
    const ks_term *x = &terms->v[idx];
    size_t i = term_hash(x->s, x->len) & (t->n_slots - 1);
    while (t->slot[i]) {
        const ks_term *y = &terms->v[t->slot[i] - 1];
        if (y->len == x->len && memcmp(y->s, x->s, x->len) == 0) return 1;
        i = (i + 1) & (t->n_slots - 1);
    }
    t->slot[i] = (uint32_t)idx + 1;
    return 0;
}

/* Merges the Han terms of the variant wording alt into out. */
static int add_variant(const char *alt, size_t alt_len, size_t max_terms, ks_terms *out)
{
    ks_terms v = {0};
    int ok = 0;
    tset set = {0};
    tokenize(alt, alt_len, 0, 1, 0, &v);
    if (v.n == 0) {
        ok = 1;
        goto out;
    }
    set.n_slots = 64;
    while (set.n_slots < 2 * (out->n + v.n))
        set.n_slots *= 2;
    set.slot = calloc(set.n_slots, sizeof *set.slot);
    if (!set.slot) goto out;
    size_t main_n = out->n;
    for (size_t i = 0; i < main_n; i++)
        tset_has_or_add(&set, out, i);
    for (size_t i = 0; i < v.n; i++) {
        ks_term *x = push(out, max_terms);
        if (!x) break; /* the cap: a variant is a bonus, not a must */
        *x = v.v[i];
        if (tset_has_or_add(&set, out, out->n - 1)) out->n--;
    }
    ok = 1;
out:
    free(set.slot);
    ks_terms_free(&v);
    return ok;
}

ks_status ks_analyze_ex(ks_norm *norm, const char *text, size_t len, size_t max_terms, unsigned flags,
                        ks_terms *out, ks_error *err)
{
    int variants = (flags & KS_ANALYZE_VARIANTS) != 0;
    char *alt = NULL;
    size_t alt_len = 0;
    ks_status st =
        ks_norm_text_alt(norm, text, len, &out->norm, &out->norm_len, variants ? &alt : NULL, &alt_len, err);
    if (st != KS_OK) return st;
    out->ends_in_space = !is_last_codepoint_word(text, len);
    int full = tokenize(out->norm, out->norm_len, max_terms, 0, (flags & KS_ANALYZE_BODY) != 0, out);
    int nomem = full && !(max_terms && out->n >= max_terms);
    if (!nomem && alt && !(max_terms && out->n >= max_terms))
        nomem = !add_variant(alt, alt_len, max_terms, out);
    free(alt);
    if (nomem) {
        ks_status rc =
            ks_error_set(err, KS_ERR_NOMEM, "search: out of memory analysing %zu bytes of text", len);
        ks_terms_free(out);
        return rc;
    }
    return KS_OK;
}

ks_status ks_analyze(ks_norm *norm, const char *text, size_t len, size_t max_terms, ks_terms *out,
                     ks_error *err)
{
    return ks_analyze_ex(norm, text, len, max_terms, 0, out, err);
}

ks_status ks_analyze_query(ks_norm *norm, const char *text, size_t len, size_t max_terms, ks_terms *out,
                           ks_error *err)
{
    return ks_analyze_ex(norm, text, len, max_terms, KS_ANALYZE_VARIANTS, out, err);
}
