/*
 * normalize.c - folds text to the one form the search index and queries
 * share (see normalize.h). Uses utf8proc for Unicode normalisation and
 * OpenCC for Traditional->Simplified; it must never fail on strange input
 * (only on memory), and must not know anything about tokens or ranking.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opencc/opencc.h>
#include <utf8proc.h>

#include "ks/normalize.h"

#define KS_OPENCC_CONFIG "t2s.json"
#define KS_OPENCC_TW_CONFIG "tw2sp.json"

/* OpenCC converts a few MB/s: fine for a query, too slow for importing
 * thousands of articles. So each character's own conversion is asked once
 * and cached (for the common CJK blocks, where both forms are 3-byte
 * UTF-8) and text is folded per character, the same way for content and
 * queries; only the variant wording of a short Traditional text (a query)
 * goes through OpenCC's phrase tables. */
#define CACHE_LO 0x3400
#define CACHE_HI 0xA000
#define PHRASE_MAX_BYTES 1024

struct ks_norm {
    opencc_t cc;                       /* Traditional -> Simplified, characters and phrases */
    opencc_t tw;                       /* Taiwan usage -> mainland usage; (opencc_t)-1 when unavailable */
    uint16_t t2s[CACHE_HI - CACHE_LO]; /* cached char conversion; 0 = not asked yet */
};

ks_status ks_norm_open(ks_norm **out, ks_error *err)
{
    *out = NULL;
    ks_norm *n = calloc(1, sizeof *n);
    if (!n) return ks_error_set(err, KS_ERR_NOMEM, "search: out of memory opening the normaliser");
    n->tw = (opencc_t)-1;
    n->cc = opencc_open(KS_OPENCC_CONFIG);
    if (n->cc == (opencc_t)-1) {
        ks_status st = ks_error_set(err, KS_ERR_NOT_FOUND,
                                    "search: cannot open OpenCC '%s' (%s): is libopencc-data installed?",
                                    KS_OPENCC_CONFIG, opencc_error());
        free(n);
        return st;
    }
    /* Without the Taiwan phrases search still folds characters. */
    n->tw = opencc_open(KS_OPENCC_TW_CONFIG);
    *out = n;
    return KS_OK;
}

void ks_norm_close(ks_norm *n)
{
    if (!n) return;
    if (n->cc != (opencc_t)-1) opencc_close(n->cc);
    if (n->tw != (opencc_t)-1) opencc_close(n->tw);
    free(n);
}

int ks_norm_is_han(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || c == 0x3007 ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

size_t ks_norm_clip(const char *text, size_t len, size_t max)
{
    if (len <= max) return len;
    size_t n = max;
    /* Back off over at most three continuation bytes to a character start. */
    for (int i = 0; i < 3 && n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80; i++)
        n--;
    return n;
}

/* Copies text with every byte that is not part of a valid, non-control
 * UTF-8 character replaced by a space: utf8proc refuses invalid input,
 * and a visitor's stray byte must not cost them their query. */
static char *sanitize(const char *text, size_t len, size_t *out_len)
{
    char *buf = malloc(len + 1);
    if (!buf) return NULL;
    size_t o = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            buf[o++] = ' ';
            i++;
            continue;
        }
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
            buf[o++] = ' ';
        } else {
            memcpy(buf + o, text + i, (size_t)k);
            o += (size_t)k;
        }
        i += (size_t)k;
    }
    buf[o] = '\0';
    *out_len = o;
    return buf;
}

static int keeps(utf8proc_int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

/* Final pass over valid UTF-8: keeps letters, marks and digits, turns runs
 * of anything else into one space, and drops an apostrophe between two
 * letters ("don't" -> "dont", "hodak's" -> "hodaks") so contractions and
 * possessives stay one word. Writes in place (the output is never longer). */
static size_t squeeze(char *s, size_t len)
{
    size_t o = 0;
    size_t i = 0;
    int pending_space = 0;
    int prev_kept = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) { /* cannot happen on utf8proc/OpenCC output; be safe */
            i++;
            pending_space = o > 0;
            prev_kept = 0;
            continue;
        }
        if (cp == '\'' && prev_kept && !pending_space && i + 1 < len) {
            utf8proc_int32_t next;
            utf8proc_ssize_t k2 = utf8proc_iterate(p + i + 1, (utf8proc_ssize_t)(len - i - 1), &next);
            if (k2 > 0 && keeps(next) && !ks_norm_is_han(next)) {
                i += (size_t)k;
                continue;
            }
        }
        if (keeps(cp)) {
            if (pending_space) s[o++] = ' ';
            pending_space = 0;
            memmove(s + o, s + i, (size_t)k);
            o += (size_t)k;
            prev_kept = 1;
        } else {
            pending_space = o > 0;
            prev_kept = 0;
        }
        i += (size_t)k;
    }
    s[o] = '\0';
    return o;
}

static int has_cjk(const char *s, size_t len)
{
    /* Every CJK codepoint (U+2E80 and up) starts with a lead byte >= 0xE2. */
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0xE2) return 1;
    return 0;
}

/* The Simplified form of Han character cp (itself when it has none or
 * converts to more than one character). */
static int32_t simplified_char(ks_norm *n, int32_t cp)
{
    if (cp < CACHE_LO || cp >= CACHE_HI) return cp;
    uint16_t *slot = &n->t2s[cp - CACHE_LO];
    if (*slot) return *slot;
    utf8proc_uint8_t in[8];
    utf8proc_ssize_t k = utf8proc_encode_char(cp, in);
    int32_t res = cp;
    char *conv = opencc_convert_utf8(n->cc, (const char *)in, (size_t)k);
    if (conv) {
        utf8proc_int32_t c2;
        size_t cl = strlen(conv);
        utf8proc_ssize_t k2 = utf8proc_iterate((const utf8proc_uint8_t *)conv, (utf8proc_ssize_t)cl, &c2);
        if (k2 > 0 && (size_t)k2 == cl && c2 >= CACHE_LO && c2 < CACHE_HI) res = c2;
        opencc_convert_utf8_free(conv);
    }
    *slot = (uint16_t)res;
    return res;
}

/* Folds s per character, in place (cached range only: same byte length).
 * Returns 1 when any character changed, i.e. the text is Traditional. */
static int fold_chars(ks_norm *n, char *s, size_t len, int apply)
{
    int changed = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0xE3 || c > 0xE9) { /* not a lead byte of U+3400..U+9FFF */
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k != 3) {
            i++;
            continue;
        }
        int32_t sc = simplified_char(n, cp);
        if (sc != cp) {
            changed = 1;
            if (!apply) return 1;
            utf8proc_encode_char(sc, (utf8proc_uint8_t *)s + i);
        }
        i += 3;
    }
    return changed;
}

/* ASCII text needs no Unicode tables: lowercase, controls to spaces. */
static char *ascii_fast(const char *text, size_t len)
{
    char *buf = malloc(len + 1);
    if (!buf) return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if ((unsigned char)c < 0x20 || c == 0x7F)
            c = ' ';
        buf[i] = c;
    }
    buf[len] = '\0';
    return buf;
}

/* Codepoints that NFKC, case folding, LUMP and mark stripping leave alone
 * or turn into punctuation (a separator either way): the common CJK
 * ideographs and the CJK and full-width punctuation Chinese text is made
 * of. Text of only these and ASCII skips utf8proc, which is the slow part
 * of indexing Chinese. (Full-width letters, digits and the full-width
 * apostrophe are not here: NFKC changes what they mean to a word.) */
static int cjk_plain(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x3000 && c <= 0x3003) ||
           (c >= 0x3008 && c <= 0x3011) || (c >= 0x3014 && c <= 0x301F) || (c >= 0xFF01 && c <= 0xFF06) ||
           (c >= 0xFF08 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
           (c >= 0xFF5B && c <= 0xFF60);
}

/* A copy of text lowercased (ASCII) with controls as spaces when it is
 * only ASCII and cjk_plain characters, else NULL (*ok = 0 when the reason
 * was memory). */
static char *cjk_fast(const char *text, size_t len, int *ok)
{
    *ok = 1;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)text + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0 || !cjk_plain(cp)) return NULL;
        i += (size_t)k;
    }
    char *buf = malloc(len + 1);
    if (!buf) {
        *ok = 0;
        return NULL;
    }
    for (i = 0; i < len; i++) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if ((unsigned char)c < 0x20 || c == 0x7F)
            c = ' ';
        buf[i] = c;
    }
    buf[len] = '\0';
    return buf;
}

static int is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80) return 0;
    return 1;
}

static char *finish(const char *work, size_t work_len, size_t *out_len)
{
    char *res = malloc(work_len + 1);
    if (!res) return NULL;
    memcpy(res, work, work_len);
    res[work_len] = '\0';
    *out_len = squeeze(res, work_len);
    return res;
}

ks_status ks_norm_text_alt(ks_norm *n, const char *text, size_t len, char **out, size_t *out_len, char **alt,
                           size_t *alt_len, ks_error *err)
{
    *out = NULL;
    if (out_len) *out_len = 0;
    if (alt) *alt = NULL;
    if (alt_len) *alt_len = 0;
    ks_status st = KS_OK;
    char *clean = NULL;
    utf8proc_uint8_t *mapped = NULL;
    char *conv_tw = NULL;
    size_t clean_len = 0;

    if (!text) len = 0;
    if (is_ascii(text ? text : "", len)) {
        char *res = ascii_fast(text ? text : "", len);
        if (!res) goto nomem;
        size_t res_len = squeeze(res, len);
        *out = res;
        if (out_len) *out_len = res_len;
        return KS_OK;
    }
    int fast_ok;
    char *work = cjk_fast(text, len, &fast_ok);
    size_t work_len = len;
    if (!fast_ok) goto nomem;
    if (work) {
        mapped = (utf8proc_uint8_t *)work; /* freed below like utf8proc's buffer */
    } else {
        clean = sanitize(text, len, &clean_len);
        if (!clean) goto nomem;
        utf8proc_ssize_t m =
            utf8proc_map((const utf8proc_uint8_t *)clean, (utf8proc_ssize_t)clean_len, &mapped,
                         UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                             UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_LUMP);
        if (m < 0) {
            /* Only UTF8PROC_ERROR_NOMEM is possible on sanitised input. */
            mapped = NULL;
            goto nomem;
        }
        work = (char *)mapped;
        work_len = (size_t)m;
    }
    if (n && n->cc != (opencc_t)-1 && has_cjk(work, work_len) && fold_chars(n, work, work_len, 0)) {
        /* Traditional text: the variant wording first (it needs the
         * original), then fold the text itself per character, the same
         * way for content and queries so both always agree. */
        if (alt && n->tw != (opencc_t)-1 && work_len <= PHRASE_MAX_BYTES)
            conv_tw = opencc_convert_utf8(n->tw, work, work_len);
        fold_chars(n, work, work_len, 1);
    }
    size_t res_len = 0;
    char *res = finish(work, work_len, &res_len);
    if (!res) goto nomem;
    if (conv_tw) {
        size_t tl = strlen(conv_tw);
        if (tl != work_len || memcmp(conv_tw, work, tl) != 0) {
            size_t a_len = 0;
            char *a = finish(conv_tw, tl, &a_len);
            if (!a) {
                free(res);
                goto nomem;
            }
            *alt = a;
            if (alt_len) *alt_len = a_len;
        }
    }
    *out = res;
    if (out_len) *out_len = res_len;
    goto out;
nomem:
    st = ks_error_set(err, KS_ERR_NOMEM, "search: out of memory normalising %zu bytes of text", len);
out:
    if (conv_tw) opencc_convert_utf8_free(conv_tw);
    free(mapped);
    free(clean);
    return st;
}

ks_status ks_norm_text(ks_norm *n, const char *text, size_t len, char **out, size_t *out_len, ks_error *err)
{
    return ks_norm_text_alt(n, text, len, out, out_len, NULL, NULL, err);
}

int ks_norm_utf8_valid(const char *s, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)len;
    while (left > 0) {
        if (*p < 0x80) { /* fast path: ASCII */
            p++;
            left--;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0 || cp < 0) return 0;
        p += n;
        left -= n;
    }
    return 1;
}

