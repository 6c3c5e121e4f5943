/*
 * wordvec_build.c - makes the word-vector table of wordvec.h from the
 * wink-embeddings JSON (tools/mkwordvec, at build time): scans the source,
 * analyses every kept word with the engine's own analyser, merges words
 * that give the same term, quantises the vectors to int8 and writes the
 * hashed layout atomically.
 *
 * The source is a 300 MB JSON object. cJSON would need it whole in memory
 * and several times over as a DOM, so this file has its own streaming
 * scanner, read in 1 MB chunks and limited to that file's shape (one
 * object with "dimensions", "size", "words" and "vectors"; other keys are
 * checked as JSON and skipped). It is strict all the same: anything
 * malformed is an error naming the file and the byte offset, never a
 * guess. Numbers go through strtod, so the caller must be in the "C"
 * numeric locale (mkwordvec and the tests never call setlocale).
 *
 * It must not be used at run time (the kiosk only reads tables, wordvec.c)
 * and must not depend on the reader beyond the shared hash.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks/analyze.h"
#include "ks/file.h"
#include "ks/normalize.h"
#include "ks/wordvec.h"

#define CHUNK ((size_t)1 << 20)
#define STR_MAX 65536 /* longest string accepted (the longest real word is ~1 KB) */
#define NUM_MAX 64    /* longest number accepted, in characters */
#define DEPTH_MAX 64  /* nesting of skipped values */
#define SIZE_MAX_WORDS ((long long)1 << 28)
#define DEFAULT_MAX_WORDS 50000
#define DEFAULT_A 3e-3
/* Zipf-Mandelbrot offset: p(rank) ~ 1 / (rank + 2.7), close to measured
 * English word frequencies for the top ranks, where plain 1/rank is too
 * steep. */
#define ZIPF_Q 2.7

/* ---- the scanner ---- */

typedef struct scan {
    FILE *f;
    const char *path;
    unsigned char *buf; /* CHUNK bytes */
    size_t len, pos;    /* bytes in buf, next byte to read */
    uint64_t base;      /* file offset of buf[0] */
    int eof;
    int failed; /* the first error wins: later ones are its consequences */
    ks_status st;
    ks_error *err;
    char *str; /* the last string read, NUL-terminated (owned) */
    size_t str_len, str_cap;
} scan;

static uint64_t at(const scan *s)
{
    return s->base + s->pos;
}

static int fail_code(scan *s, ks_status code, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_code(scan *s, ks_status code, uint64_t off, const char *fmt, ...)
{
    if (s->failed) return -1;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->failed = 1;
    s->st = ks_error_set(s->err, code, "%s: byte %llu: %s", s->path, (unsigned long long)off, msg);
    return -1;
}

#define fail_at(s, off, ...) fail_code((s), KS_ERR_INVALID, (off), __VA_ARGS__)

static int nomem(scan *s)
{
    return fail_code(s, KS_ERR_NOMEM, at(s), "out of memory");
}

/* Makes *buf hold at least need bytes (doubling from first), and exist
 * even when need is 0. 0 when memory runs out (*buf is then unchanged). */
static int reserve_bytes(char **buf, size_t *cap, size_t need, size_t first)
{
    if (need <= *cap && *buf) return 1;
    size_t c = *cap ? *cap : first;
    while (c < need)
        c *= 2;
    char *nb = realloc(*buf, c);
    if (!nb) return 0;
    *buf = nb;
    *cap = c;
    return 1;
}

/* Makes the next byte available; 0 at the end of the file or on a read
 * error (which is recorded). */
static int fill(scan *s)
{
    if (s->pos < s->len) return 1;
    if (s->eof) return 0;
    s->base += s->len;
    s->pos = 0;
    s->len = fread(s->buf, 1, CHUNK, s->f);
    if (s->len == 0) {
        s->eof = 1;
        if (ferror(s->f)) fail_code(s, KS_ERR_IO, at(s), "read failed: %s", strerror(errno));
        return 0;
    }
    return 1;
}

/* The next byte, not consumed; -1 at the end. */
static int peek(scan *s)
{
    if (s->pos < s->len) return s->buf[s->pos];
    return fill(s) ? s->buf[s->pos] : -1;
}

static void skip_ws(scan *s)
{
    for (;;) {
        int c = peek(s);
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
        s->pos++;
    }
}

/* "<what>, found 'x'" at the current byte. */
static int unexpected(scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int unexpected(scan *s, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int c = peek(s);
    if (c < 0) return fail_at(s, at(s), "%s, found the end of the file", what);
    if (c > 0x20 && c < 0x7f) return fail_at(s, at(s), "%s, found '%c'", what, c);
    return fail_at(s, at(s), "%s, found byte 0x%02x", what, c);
}

static int expect(scan *s, int want, const char *what)
{
    skip_ws(s);
    if (peek(s) == want) {
        s->pos++;
        return 0;
    }
    return unexpected(s, "%s", what);
}

static int str_put(scan *s, const char *p, size_t n, uint64_t start)
{
    if (s->str_len + n + 1 > STR_MAX) return fail_at(s, start, "string longer than %d bytes", STR_MAX);
    if (!reserve_bytes(&s->str, &s->str_cap, s->str_len + n + 1, 256)) return nomem(s);
    memcpy(s->str + s->str_len, p, n);
    s->str_len += n;
    return 0;
}

static int hex4(scan *s, unsigned *out, uint64_t esc)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int c = peek(s);
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return fail_at(s, esc, "\\u escape needs four hex digits");
        v = v * 16 + d;
        s->pos++;
    }
    *out = v;
    return 0;
}

/* One \uXXXX escape (the backslash and 'u' already read), with a
 * following low surrogate when it is a high one, appended as UTF-8. */
static int read_u_escape(scan *s, uint64_t esc, uint64_t start)
{
    unsigned u;
    if (hex4(s, &u, esc)) return -1;
    unsigned long cp = u;
    if (u >= 0xDC00 && u <= 0xDFFF) return fail_at(s, esc, "\\u escape is a lone low surrogate");
    if (u >= 0xD800 && u <= 0xDBFF) {
        unsigned lo;
        if (peek(s) != '\\') return fail_at(s, esc, "\\u escape is a high surrogate without its low half");
        s->pos++;
        if (peek(s) != 'u') return fail_at(s, esc, "\\u escape is a high surrogate without its low half");
        s->pos++;
        if (hex4(s, &lo, esc)) return -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail_at(s, esc, "\\u escape is a high surrogate without its low half");
        cp = 0x10000 + (((unsigned long)u - 0xD800) << 10) + (lo - 0xDC00);
    }
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return str_put(s, b, n, start);
}

/* Reads a string (the current byte is its opening quote) into s->str. */
static int read_string(scan *s)
{
    uint64_t start = at(s);
    s->pos++;
    s->str_len = 0;
    if (str_put(s, "", 0, start)) return -1; /* room for the NUL even when empty */
    for (;;) {
        int c = peek(s);
        if (c < 0)
            return fail_at(s, at(s), "the string that starts at byte %llu is not closed",
                           (unsigned long long)start);
        if (c == '"') {
            s->pos++;
            break;
        }
        if (c < 0x20) return fail_at(s, at(s), "control character 0x%02x inside a string", c);
        if (c == '\\') {
            uint64_t esc = at(s);
            s->pos++;
            int e = peek(s);
            char ch;
            switch (e) {
            case '"':
                ch = '"';
                break;
            case '\\':
                ch = '\\';
                break;
            case '/':
                ch = '/';
                break;
            case 'b':
                ch = '\b';
                break;
            case 'f':
                ch = '\f';
                break;
            case 'n':
                ch = '\n';
                break;
            case 'r':
                ch = '\r';
                break;
            case 't':
                ch = '\t';
                break;
            case 'u':
                s->pos++;
                if (read_u_escape(s, esc, start)) return -1;
                continue;
            default:
                return fail_at(s, esc, "invalid escape in a string");
            }
            s->pos++;
            if (str_put(s, &ch, 1, start)) return -1;
            continue;
        }
        /* A run of plain bytes within the buffer, copied at once. */
        size_t i = s->pos;
        while (i < s->len && s->buf[i] != '"' && s->buf[i] != '\\' && s->buf[i] >= 0x20)
            i++;
        if (str_put(s, (const char *)s->buf + s->pos, i - s->pos, start)) return -1;
        s->pos = i;
    }
    if (!ks_norm_utf8_valid(s->str, s->str_len)) return fail_at(s, start, "string is not valid UTF-8");
    s->str[s->str_len] = '\0';
    return 0;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Reads a JSON number (checked against the JSON grammar, then converted
 * by strtod). *start gets its offset, for errors about its value. */
static int read_number(scan *s, double *out, uint64_t *start)
{
    char nb[NUM_MAX + 1];
    size_t n = 0;
    *start = at(s);
    int c = peek(s);
#define TAKE()                                                                                               \
    do {                                                                                                     \
        if (n >= NUM_MAX) return fail_at(s, *start, "number longer than %d characters", NUM_MAX);            \
        nb[n++] = (char)c;                                                                                   \
        s->pos++;                                                                                            \
        c = peek(s);                                                                                         \
    } while (0)
    if (c == '-') TAKE();
    if (c == '0') {
        TAKE();
    } else if (c >= '1' && c <= '9') {
        while (is_digit(c))
            TAKE();
    } else {
        return unexpected(s, "expected a number");
    }
    if (c == '.') {
        TAKE();
        if (!is_digit(c)) return unexpected(s, "expected a digit after the decimal point");
        while (is_digit(c))
            TAKE();
    }
    if (c == 'e' || c == 'E') {
        TAKE();
        if (c == '+' || c == '-') TAKE();
        if (!is_digit(c)) return unexpected(s, "expected a digit in the exponent");
        while (is_digit(c))
            TAKE();
    }
#undef TAKE
    nb[n] = '\0';
    char *end = NULL;
    double v = strtod(nb, &end);
    if (end != nb + n || !isfinite(v)) return fail_at(s, *start, "number %s is out of range", nb);
    *out = v;
    return 0;
}

/* An integer in [lo, hi] (a JSON number with no fraction). */
static int read_int(scan *s, long long lo, long long hi, const char *what, long long *out)
{
    double v;
    uint64_t start;
    if (read_number(s, &v, &start)) return -1;
    if (v != floor(v) || v < (double)lo || v > (double)hi)
        return fail_at(s, start, "%s must be a whole number from %lld to %lld", what, lo, hi);
    *out = (long long)v;
    return 0;
}

static int match_lit(scan *s, const char *lit)
{
    uint64_t start = at(s);
    for (const char *p = lit; *p; p++) {
        if (peek(s) != (unsigned char)*p) return fail_at(s, start, "invalid literal (expected %s)", lit);
        s->pos++;
    }
    return 0;
}

/* Checks and skips any JSON value (keys this builder does not use). */
static int skip_value(scan *s, int depth)
{
    skip_ws(s);
    int c = peek(s);
    if (depth > DEPTH_MAX) return fail_at(s, at(s), "values nested more than %d deep", DEPTH_MAX);
    if (c == '"') return read_string(s);
    if (c == '-' || is_digit(c)) {
        double v;
        uint64_t start;
        return read_number(s, &v, &start);
    }
    if (c == 't') return match_lit(s, "true");
    if (c == 'f') return match_lit(s, "false");
    if (c == 'n') return match_lit(s, "null");
    if (c == '[' || c == '{') {
        int close = c == '[' ? ']' : '}';
        s->pos++;
        skip_ws(s);
        if (peek(s) == close) {
            s->pos++;
            return 0;
        }
        for (;;) {
            if (close == '}') {
                skip_ws(s);
                if (peek(s) != '"') return unexpected(s, "expected a key (a string)");
                if (read_string(s)) return -1;
                if (expect(s, ':', "expected ':' after a key")) return -1;
            }
            if (skip_value(s, depth + 1)) return -1;
            skip_ws(s);
            c = peek(s);
            if (c == ',') {
                s->pos++;
                continue;
            }
            if (c == close) {
                s->pos++;
                return 0;
            }
            return close == ']' ? unexpected(s, "expected ',' or ']' in an array")
                                : unexpected(s, "expected ',' or '}' in an object");
        }
    }
    return unexpected(s, "expected a value");
}

/* ---- what is kept of the source ---- */

/* One source word of rank < keep: its spelling in "words" and the key of
 * the vector whose index is this rank (they must agree). */
typedef struct rank_rec {
    size_t word_off, word_len; /* in src.arena */
    size_t vkey_off, vkey_len;
    uint64_t vkey_at; /* byte offset of the vector's key, for errors */
    uint8_t has_word, has_vec;
} rank_rec;

enum { K_DIM = 1, K_SIZE = 2, K_WORDS = 4, K_VECTORS = 8, K_NORM = 16, K_WIDX = 32, K_PREC = 64 };

typedef struct src {
    size_t keep;         /* ranks kept: opts->max_words */
    unsigned seen;       /* K_* keys met, to refuse duplicates */
    long long dim, size; /* -1 until read */
    long long norm_idx, word_idx;
    uint64_t norm_at, widx_at, words_at, vectors_at;
    size_t n_words, n_vectors;
    rank_rec *rec; /* [rec_cap], ranks < keep (owned) */
    size_t rec_cap;
    char *arena; /* word and key bytes (owned) */
    size_t arena_len, arena_cap;
    float *vec;        /* [min(keep, size)][dim] (owned) */
    uint8_t *idx_seen; /* bit per rank < size (owned) */
} src;

static int arena_add(scan *s, src *d, const char *p, size_t n, size_t *off)
{
    if (!reserve_bytes(&d->arena, &d->arena_cap, d->arena_len + n, 65536)) return nomem(s); /* even for "" */
    memcpy(d->arena + d->arena_len, p, n);
    *off = d->arena_len;
    d->arena_len += n;
    return 0;
}

/* Makes rec[r] exist (r < keep). */
static int ensure_rank(scan *s, src *d, size_t r)
{
    if (r < d->rec_cap) return 0;
    size_t cap = d->rec_cap ? d->rec_cap : 1024;
    while (cap <= r)
        cap *= 2;
    if (cap > d->keep) cap = d->keep;
    rank_rec *nr = realloc(d->rec, cap * sizeof *nr);
    if (!nr) return nomem(s);
    memset(nr + d->rec_cap, 0, (cap - d->rec_cap) * sizeof *nr);
    d->rec = nr;
    d->rec_cap = cap;
    return 0;
}

/* The stored vector layout is fixed: dim components, then the norm, then
 * the index. Checked whenever the keys that describe it are known. */
static int check_layout(scan *s, src *d)
{
    if (d->dim < 0) return 0;
    if (d->norm_idx >= 0 && d->norm_idx != d->dim)
        return fail_at(s, d->norm_at,
                       "\"l2NormIndex\" is %lld; this builder reads the norm right after the %lld components",
                       d->norm_idx, d->dim);
    if (d->word_idx >= 0 && d->word_idx != d->dim + 1)
        return fail_at(s, d->widx_at,
                       "\"wordIndex\" is %lld; this builder reads the index right after the norm, at %lld",
                       d->word_idx, d->dim + 1);
    return 0;
}

static int parse_words(scan *s, src *d)
{
    if (peek(s) != '[') return unexpected(s, "expected '[' to open \"words\"");
    s->pos++;
    skip_ws(s);
    if (peek(s) == ']') {
        s->pos++;
        return 0;
    }
    for (;;) {
        skip_ws(s);
        if (peek(s) != '"') return unexpected(s, "expected a word (a string) in \"words\"");
        if (read_string(s)) return -1;
        size_t r = d->n_words++;
        if (r < d->keep) {
            if (ensure_rank(s, d, r)) return -1;
            if (arena_add(s, d, s->str, s->str_len, &d->rec[r].word_off)) return -1;
            d->rec[r].word_len = s->str_len;
            d->rec[r].has_word = 1;
        }
        skip_ws(s);
        int c = peek(s);
        if (c == ',') {
            s->pos++;
            continue;
        }
        if (c == ']') {
            s->pos++;
            return 0;
        }
        return unexpected(s, "expected ',' or ']' in \"words\"");
    }
}

/* One vector: [dim components, norm, index], for the key in s->str (the
 * array holds only numbers, so s->str stays that key throughout). */
static int parse_vector(scan *s, src *d, uint64_t key_at, float *tmp)
{
    size_t dim = (size_t)d->dim;
    skip_ws(s);
    uint64_t open_at = at(s);
    if (peek(s) != '[') return unexpected(s, "expected '[' to open the vector of \"%s\"", s->str);
    s->pos++;
    size_t n = 0;
    double idx = -1;
    uint64_t idx_at = 0;
    skip_ws(s);
    if (peek(s) == ']') {
        s->pos++;
    } else {
        for (;;) {
            skip_ws(s);
            double v;
            uint64_t num_at;
            if (read_number(s, &v, &num_at)) return -1;
            if (n < dim) {
                if (fabs(v) > FLT_MAX)
                    return fail_at(s, num_at, "component of \"%s\" is out of range", s->str);
                tmp[n] = (float)v;
            } else if (n == dim + 1) {
                idx = v;
                idx_at = num_at;
            } else if (n > dim + 1) {
                return fail_at(s, num_at,
                               "the vector of \"%s\" has more than %zu numbers (%zu components, norm, index)",
                               s->str, dim + 2, dim);
            }
            n++;
            skip_ws(s);
            int c = peek(s);
            if (c == ',') {
                s->pos++;
                continue;
            }
            if (c == ']') {
                s->pos++;
                break;
            }
            return unexpected(s, "expected ',' or ']' in the vector of \"%s\"", s->str);
        }
    }
    if (n != dim + 2)
        return fail_at(s, open_at,
                       "the vector of \"%s\" has %zu numbers, expected %zu (%zu components, norm, index)",
                       s->str, n, dim + 2, dim);
    if (idx != floor(idx) || idx < 0 || idx >= (double)d->size)
        return fail_at(s, idx_at, "the index of \"%s\" (%g) is not a rank from 0 to %lld", s->str, idx,
                       d->size - 1);
    size_t r = (size_t)idx;
    if (d->idx_seen[r / 8] & (1u << (r % 8)))
        return fail_at(s, idx_at, "the index of \"%s\" (%zu) was already given to another word", s->str, r);
    d->idx_seen[r / 8] |= (uint8_t)(1u << (r % 8));
    d->n_vectors++;
    if (r >= d->keep) return 0;
    if (ensure_rank(s, d, r)) return -1;
    rank_rec *rr = &d->rec[r];
    if (arena_add(s, d, s->str, s->str_len, &rr->vkey_off)) return -1;
    rr->vkey_len = s->str_len;
    rr->vkey_at = key_at;
    rr->has_vec = 1;
    memcpy(d->vec + r * dim, tmp, dim * sizeof *tmp);
    return 0;
}

static int parse_vectors(scan *s, src *d)
{
    if (d->dim < 0 || d->size < 0)
        return fail_at(s, d->vectors_at,
                       "\"vectors\" comes before \"dimensions\" and \"size\"; this builder needs them first");
    size_t dim = (size_t)d->dim;
    size_t kept = d->keep < (size_t)d->size ? d->keep : (size_t)d->size;
    float *tmp = malloc(dim * sizeof *tmp);
    d->vec = calloc(kept ? kept * dim : 1, sizeof *d->vec);
    d->idx_seen = calloc((size_t)d->size / 8 + 1, 1);
    if (!tmp || !d->vec || !d->idx_seen) {
        free(tmp);
        return nomem(s);
    }
    int rc = -1;
    if (peek(s) != '{') {
        unexpected(s, "expected '{' to open \"vectors\"");
        goto out;
    }
    s->pos++;
    skip_ws(s);
    if (peek(s) == '}') {
        s->pos++;
        rc = 0;
        goto out;
    }
    for (;;) {
        skip_ws(s);
        if (peek(s) != '"') {
            unexpected(s, "expected a word (a string) in \"vectors\"");
            goto out;
        }
        uint64_t key_at = at(s);
        if (read_string(s)) goto out;
        if (expect(s, ':', "expected ':' after a key")) goto out;
        if (parse_vector(s, d, key_at, tmp)) goto out;
        skip_ws(s);
        int c = peek(s);
        if (c == ',') {
            s->pos++;
            continue;
        }
        if (c == '}') {
            s->pos++;
            break;
        }
        unexpected(s, "expected ',' or '}' in \"vectors\"");
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    return rc;
}

static int parse_source(scan *s, src *d)
{
    skip_ws(s);
    if (peek(s) != '{') return unexpected(s, "expected '{' at the start of the file");
    s->pos++;
    skip_ws(s);
    uint64_t end_at = at(s);
    if (peek(s) == '}') {
        s->pos++;
    } else {
        for (;;) {
            skip_ws(s);
            if (peek(s) != '"') return unexpected(s, "expected a key (a string)");
            uint64_t key_at = at(s);
            if (read_string(s)) return -1;
            unsigned k = !strcmp(s->str, "dimensions")    ? K_DIM
                         : !strcmp(s->str, "size")        ? K_SIZE
                         : !strcmp(s->str, "words")       ? K_WORDS
                         : !strcmp(s->str, "vectors")     ? K_VECTORS
                         : !strcmp(s->str, "l2NormIndex") ? K_NORM
                         : !strcmp(s->str, "wordIndex")   ? K_WIDX
                         : !strcmp(s->str, "precision")   ? K_PREC
                                                          : 0;
            if (k & d->seen) return fail_at(s, key_at, "key \"%s\" appears twice", s->str);
            d->seen |= k;
            if (expect(s, ':', "expected ':' after a key")) return -1;
            skip_ws(s);
            int rc = 0;
            switch (k) {
            case K_DIM:
                rc = read_int(s, 1, KS_WORDVEC_MAX_DIM, "\"dimensions\"", &d->dim);
                if (!rc) rc = check_layout(s, d);
                break;
            case K_SIZE:
                rc = read_int(s, 1, SIZE_MAX_WORDS, "\"size\"", &d->size);
                break;
            case K_NORM:
                d->norm_at = at(s);
                rc = read_int(s, 0, KS_WORDVEC_MAX_DIM + 1, "\"l2NormIndex\"", &d->norm_idx);
                if (!rc) rc = check_layout(s, d);
                break;
            case K_WIDX:
                d->widx_at = at(s);
                rc = read_int(s, 0, KS_WORDVEC_MAX_DIM + 1, "\"wordIndex\"", &d->word_idx);
                if (!rc) rc = check_layout(s, d);
                break;
            case K_WORDS:
                d->words_at = key_at;
                rc = parse_words(s, d);
                break;
            case K_VECTORS:
                d->vectors_at = key_at;
                rc = parse_vectors(s, d);
                break;
            default: /* "precision" and anything else: valid JSON, unused */
                rc = skip_value(s, 0);
                break;
            }
            if (rc) return -1;
            skip_ws(s);
            int c = peek(s);
            end_at = at(s);
            if (c == ',') {
                s->pos++;
                continue;
            }
            if (c == '}') {
                s->pos++;
                break;
            }
            return unexpected(s, "expected ',' or '}' after the value of a key");
        }
    }
    skip_ws(s);
    if (peek(s) >= 0) return fail_at(s, at(s), "unexpected data after the end of the JSON object");
    if (s->failed) return -1; /* a read error at the end */
    static const struct {
        unsigned k;
        const char *name;
    } required[] = {{K_DIM, "dimensions"}, {K_SIZE, "size"}, {K_WORDS, "words"}, {K_VECTORS, "vectors"}};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!(d->seen & required[i].k))
            return fail_at(s, end_at, "the object has no \"%s\"", required[i].name);
    if (d->n_words != (size_t)d->size)
        return fail_at(s, d->words_at, "\"words\" has %zu words but \"size\" is %lld", d->n_words, d->size);
    if (d->n_vectors != (size_t)d->size)
        return fail_at(s, d->vectors_at, "\"vectors\" has %zu vectors but \"size\" is %lld", d->n_vectors,
                       d->size);
    /* n_vectors distinct ranks below size: every rank has its vector. Its
     * key must be the word "words" lists at that rank. */
    size_t kept = d->keep < (size_t)d->size ? d->keep : (size_t)d->size;
    for (size_t r = 0; r < kept; r++) {
        const rank_rec *rr = &d->rec[r];
        if (!rr->has_word || !rr->has_vec) /* cannot happen once the counts agree; never read garbage */
            return fail_at(s, d->vectors_at, "word %zu has no vector", r);
        if (rr->word_len != rr->vkey_len ||
            memcmp(d->arena + rr->word_off, d->arena + rr->vkey_off, rr->word_len))
            return fail_at(s, rr->vkey_at,
                           "the vector \"%.*s\" has index %zu, but word %zu of \"words\" is \"%.*s\"",
                           (int)(rr->vkey_len > 60 ? 60 : rr->vkey_len), d->arena + rr->vkey_off, r, r,
                           (int)(rr->word_len > 60 ? 60 : rr->word_len), d->arena + rr->word_off);
    }
    return 0;
}

/* ---- terms, merging and the table ---- */

/* A table key: the merged words that give one term. */
typedef struct term_acc {
    char key[KS_TERM_MAX];
    uint8_t len;
    uint32_t first; /* most frequent word's rank: its row of src.vec holds the p-weighted sum */
    double p;       /* sum of the words' Zipf probabilities */
} term_acc;

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void put_u64(unsigned char *p, uint64_t v)
{
    put_u32(p, (uint32_t)v);
    put_u32(p + 4, (uint32_t)(v >> 32));
}

static void put_f32(unsigned char *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, sizeof v);
    put_u32(p, v);
}

/* Analyses the kept words and merges them by term into *terms (entries
 * in order of their most frequent word, so the output is deterministic).
 * The rows of d->vec of each term's first word become p-weighted sums. */
static ks_status merge_terms(const char *path, src *d, size_t kept, term_acc **terms, size_t *n_terms,
                             ks_error *err)
{
    ks_status st = KS_OK;
    ks_norm *norm = NULL;
    uint32_t *slot = NULL;
    term_acc *t = NULL;
    size_t n = 0, dim = (size_t)d->dim;
    size_t n_slots = 1;
    while (n_slots < 2 * kept)
        n_slots *= 2;
    slot = calloc(n_slots, sizeof *slot);
    t = malloc((kept ? kept : 1) * sizeof *t);
    if (!slot || !t) {
        st = ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory merging %zu words", path, kept);
        goto out;
    }
    st = ks_norm_open(&norm, err);
    if (st != KS_OK) goto out;
    /* H normalises the Zipf probabilities over the whole source, not only
     * the kept words: p(word) is its share of all English text. Summed
     * from the smallest term up, for accuracy. */
    double h = 0;
    for (size_t r = (size_t)d->size; r-- > 0;)
        h += 1.0 / ((double)r + ZIPF_Q);
    for (size_t r = 0; r < kept; r++) {
        ks_terms tm = {0};
        /* Two terms are enough to tell "exactly one". */
        st = ks_analyze(norm, d->arena + d->rec[r].word_off, d->rec[r].word_len, 2, &tm, err);
        if (st != KS_OK) goto out;
        /* One word or function-word term, whose kind its bytes tell
         * (ks_term_kind_of, all the engine keeps of a term): a stem that
         * spells a function word ("aed" -> "a", "ied" -> "i") would give
         * the function word another word's meaning. */
        int one = tm.n == 1 && (tm.v[0].kind == KS_TERM_WORD || tm.v[0].kind == KS_TERM_STOP) &&
                  tm.v[0].len > 0 && ks_term_kind_of(tm.v[0].s, tm.v[0].len) == (ks_term_kind)tm.v[0].kind;
        char key[KS_TERM_MAX];
        size_t klen = 0;
        if (one) {
            klen = tm.v[0].len;
            memcpy(key, tm.v[0].s, klen);
        }
        ks_terms_free(&tm);
        if (!one) continue;
        double p = 1.0 / (((double)r + ZIPF_Q) * h);
        float *row = d->vec + r * dim;
        size_t i = ks_wordvec_hash(key, klen, KS_WORDVEC_HASH_SEED) & (n_slots - 1);
        while (slot[i] && !(t[slot[i] - 1].len == klen && !memcmp(t[slot[i] - 1].key, key, klen)))
            i = (i + 1) & (n_slots - 1);
        if (!slot[i]) {
            term_acc *x = &t[n];
            memset(x, 0, sizeof *x);
            memcpy(x->key, key, klen);
            x->len = (uint8_t)klen;
            x->first = (uint32_t)r;
            x->p = p;
            for (size_t j = 0; j < dim; j++)
                row[j] = (float)(row[j] * p);
            slot[i] = (uint32_t)++n;
        } else {
            term_acc *x = &t[slot[i] - 1];
            float *sum = d->vec + (size_t)x->first * dim;
            x->p += p;
            for (size_t j = 0; j < dim; j++)
                sum[j] = (float)(sum[j] + p * row[j]);
        }
    }
    *terms = t;
    *n_terms = n;
    t = NULL;
out:
    ks_norm_close(norm);
    free(slot);
    free(t);
    return st;
}

/* Lays the table out (wordvec.h) in one malloc'ed buffer, *out: free(). */
static ks_status lay_out(const char *path, const src *d, const term_acc *t, size_t n, double a,
                         unsigned char **out, size_t *out_len, ks_error *err)
{
    size_t dim = (size_t)d->dim;
    if (n > ((size_t)1 << 30))
        return ks_error_set(err, KS_ERR_TOO_LARGE, "%s: %zu terms are more than a table holds", path, n);
    size_t n_slots = 1;
    while (n_slots < 2 * n)
        n_slots *= 2;
    size_t keys_len = 0;
    for (size_t i = 0; i < n; i++)
        keys_len += t[i].len;
    size_t slots_at = KS_WORDVEC_HEADER;
    size_t ent_at = slots_at + 4 * n_slots;
    size_t vec_at = ent_at + KS_WORDVEC_ENTRY * n;
    size_t keys_at = vec_at + n * dim;
    size_t total = keys_at + keys_len;
    unsigned char *b = calloc(total, 1);
    float *x = malloc(dim * sizeof *x);
    if (!b || !x) {
        free(b);
        free(x);
        return ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory laying out %zu terms", path, n);
    }
    memcpy(b, KS_WORDVEC_MAGIC, 8);
    put_u32(b + 8, (uint32_t)dim);
    put_u32(b + 12, (uint32_t)n);
    put_u32(b + 16, (uint32_t)n_slots);
    put_u32(b + 20, KS_WORDVEC_ANALYZER);
    size_t key_off = 0;
    for (size_t i = 0; i < n; i++) {
        const float *sum = d->vec + (size_t)t[i].first * dim;
        float maxabs = 0;
        for (size_t j = 0; j < dim; j++) {
            x[j] = (float)(sum[j] / t[i].p); /* the p-weighted mean */
            if (fabsf(x[j]) > maxabs) maxabs = fabsf(x[j]);
        }
        /* One scale per vector: int8 keeps ~2 significant digits of each
         * component relative to the largest, plenty for cosine ranking,
         * at a quarter of the size of floats. */
        float scale = maxabs > 0 ? maxabs / 127.0f : 1.0f;
        signed char *q = (signed char *)(b + vec_at + i * dim);
        for (size_t j = 0; j < dim; j++) {
            long v = lrintf(x[j] / scale);
            q[j] = (signed char)(v > 127 ? 127 : v < -127 ? -127 : v);
        }
        unsigned char *e = b + ent_at + i * KS_WORDVEC_ENTRY;
        put_u32(e, (uint32_t)key_off);
        e[4] = t[i].len;
        put_f32(e + 8, (float)(a / (a + t[i].p)));
        put_f32(e + 12, scale);
        memcpy(b + keys_at + key_off, t[i].key, t[i].len);
        key_off += t[i].len;
        size_t s = ks_wordvec_hash(t[i].key, t[i].len, KS_WORDVEC_HASH_SEED) & (n_slots - 1);
        for (;;) {
            unsigned char *sp = b + slots_at + 4 * s;
            if (!(sp[0] | sp[1] | sp[2] | sp[3])) {
                put_u32(sp, (uint32_t)(i + 1));
                break;
            }
            s = (s + 1) & (n_slots - 1);
        }
    }
    put_u64(b + 24, ks_wordvec_hash(b + KS_WORDVEC_HEADER, total - KS_WORDVEC_HEADER, KS_WORDVEC_HASH_SEED));
    free(x);
    *out = b;
    *out_len = total;
    return KS_OK;
}

ks_status ks_wordvec_build(const char *src_json, const char *out_path, const ks_wordvec_build_opts *opts,
                           size_t *n_keys, ks_error *err)
{
    ks_status st = KS_OK;
    scan s = {0};
    src d = {0};
    term_acc *terms = NULL;
    size_t n_terms = 0;
    unsigned char *table = NULL;
    size_t table_len = 0;
    if (n_keys) *n_keys = 0;
    d.keep = opts && opts->max_words ? opts->max_words : DEFAULT_MAX_WORDS;
    double a = opts && opts->weight_a != 0 ? opts->weight_a : DEFAULT_A;
    if (!(a > 0) || !isfinite(a))
        return ks_error_set(err, KS_ERR_INVALID, "wordvec: weight_a must be a positive number, got %g", a);
    d.dim = d.size = d.norm_idx = d.word_idx = -1;

    s.path = src_json;
    s.err = err;
    s.f = fopen(src_json, "rb");
    if (!s.f) {
        st = ks_error_set(err, errno == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO, "%s: cannot open: %s",
                          src_json, strerror(errno));
        goto out;
    }
    s.buf = malloc(CHUNK);
    if (!s.buf) {
        st = ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory", src_json);
        goto out;
    }
    if (parse_source(&s, &d)) {
        st = s.st;
        goto out;
    }
    fclose(s.f);
    s.f = NULL;

    size_t kept = d.keep < (size_t)d.size ? d.keep : (size_t)d.size;
    st = merge_terms(src_json, &d, kept, &terms, &n_terms, err);
    if (st != KS_OK) goto out;
    if (n_terms == 0) {
        st = ks_error_set(err, KS_ERR_INVALID, "%s: none of the first %zu words gives a search term",
                          src_json, kept);
        goto out;
    }
    st = lay_out(src_json, &d, terms, n_terms, a, &table, &table_len, err);
    if (st != KS_OK) goto out;
    st = ks_file_write_atomic(out_path, table, table_len, err);
    if (st != KS_OK) goto out;
    if (n_keys) *n_keys = n_terms;
out:
    if (s.f) fclose(s.f);
    free(s.buf);
    free(s.str);
    free(d.rec);
    free(d.arena);
    free(d.vec);
    free(d.idx_seen);
    free(terms);
    free(table);
    return st;
}
