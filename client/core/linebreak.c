/*
 * linebreak.c - break opportunities (a UAX #14 subset for English and
 * Chinese) and the greedy line fitter; see include/ks/linebreak.h.
 *
 * Pure text logic: no SDL, no fonts, no I/O. Widths come from the caller's
 * callbacks, so the same rules serve the renderer and the headless tests.
 * Must not: shape, measure or allocate anything but the line array.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "ks/linebreak.h"

/* Line-breaking classes, named after their UAX #14 counterparts. */
typedef enum lbc {
    C_NONE, /* no character (start of a hard line) */
    C_AL,   /* letters, digits, most symbols: no break inside a run of them */
    C_ID,   /* ideographs, kana, hangul, emoji: break before and after */
    C_SP,   /* spaces: break after */
    C_BK,   /* hard newline */
    C_ZW,   /* zero width space: break after */
    C_GL,   /* no-break space, word joiner: glue on both sides */
    C_OP,   /* opening punctuation: no break after */
    C_CL,   /* closing punctuation (also NS, EX, IS): no break before */
    C_QU,   /* ambiguous quotes: no break next to them except at spaces */
    C_HY,   /* hyphen-minus: break after it between letters */
    C_BA,   /* other hyphens and dashes, soft hyphen: break after */
    C_B2,   /* em dash: break around, not inside "——" */
} lbc;

static int in_list(uint32_t c, const uint32_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == c) return 1;
    return 0;
}

/* clang-format off */
static const uint32_t close_list[] = {
    ',', '.', ';', ':', '!', '?', ')', ']', '}',
    0x2019, 0x201D, 0x2025, 0x2026, 0x203C, 0x2047, 0x2048, 0x2049,
    0x3001, 0x3002, 0x3005, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017, 0x3019,
    0x301B, 0x301C, 0x301E, 0x301F, 0x303B, 0x309B, 0x309C, 0x309D, 0x309E, 0x30A0, 0x30FB,
    0x30FC, 0x30FD, 0x30FE,
    /* small kana */
    0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308E, 0x3095,
    0x3096, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE,
    0x30F5, 0x30F6,
    /* full-width and small forms */
    0xFF01, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF5D, 0xFF60, 0xFF61,
    0xFF63, 0xFF64, 0xFF65, 0xFF70, 0xFF9E, 0xFF9F,
    0xFE50, 0xFE51, 0xFE52, 0xFE54, 0xFE55, 0xFE56, 0xFE57, 0xFE5A, 0xFE5C, 0xFE5E,
    0xFE10, 0xFE11, 0xFE12, 0xFE13, 0xFE14, 0xFE15, 0xFE16,
};

static const uint32_t open_list[] = {
    '(', '[', '{', 0x00A1, 0x00BF, 0x2018, 0x201C,
    0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016, 0x3018, 0x301A, 0x301D,
    0xFF08, 0xFF3B, 0xFF5B, 0xFF5F, 0xFF62, 0xFE59, 0xFE5B, 0xFE5D,
};
/* clang-format on */

static int is_close(uint32_t c)
{
    if (c >= 0x31F0 && c <= 0x31FF) return 1; /* small katakana extension */
    return in_list(c, close_list, sizeof close_list / sizeof close_list[0]);
}

static int is_open(uint32_t c)
{
    return in_list(c, open_list, sizeof open_list / sizeof open_list[0]);
}

/* East Asian text that breaks between any two characters. */
static int is_ideographic(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x2FFF) || (c >= 0x3000 && c <= 0x303F) ||
           (c >= 0x3040 && c <= 0x31FF) || (c >= 0x3200 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xA000 && c <= 0xA4CF) || (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE10 && c <= 0xFE1F) || (c >= 0xFE30 && c <= 0xFE6F) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x20000 && c <= 0x3FFFD);
}

/* Full-width forms and CJK punctuation: a closing one may be followed by a
 * break even before Latin text, an opening one preceded by one. */
static int is_wide(uint32_t c)
{
    return c >= 0x2E80;
}

static lbc classify(uint32_t c)
{
    if (c == '\n' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028 || c == 0x2029) return C_BK;
    if (c == ' ' || c == 0x1680 || (c >= 0x2000 && c <= 0x200A && c != 0x2007) || c == 0x205F) return C_SP;
    if (c == 0x200B) return C_ZW;
    if (c == 0x00A0 || c == 0x202F || c == 0x2007 || c == 0x2060 || c == 0xFEFF || c == 0x180E) return C_GL;
    if (is_open(c)) return C_OP;
    if (is_close(c)) return C_CL;
    if (c == '"' || c == '\'' || c == 0x00AB || c == 0x00BB || c == 0x2039 || c == 0x203A || c == 0x201B ||
        c == 0x201F)
        return C_QU;
    if (c == '-') return C_HY;
    if (c == 0x2010 || c == 0x2012 || c == 0x2013 || c == 0x00AD) return C_BA;
    if (c == 0x2014 || c == 0x2E3A || c == 0x2E3B) return C_B2;
    if (is_ideographic(c)) return C_ID;
    return C_AL;
}

static int is_letter(uint32_t c)
{
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)c);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

ks_lb_script ks_linebreak_script(uint32_t c)
{
    if (c == ' ' || c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F)
        return KS_SCRIPT_SPACE;
    if ((c >= 0x2010 && c <= 0x205E) || c == 0x00B7 || c == 0x2E3A || c == 0x2E3B) return KS_SCRIPT_NEUTRAL;
    if ((c >= 0x1100 && c <= 0x11FF) || (c >= 0x2E80 && c <= 0x2FFF) || (c >= 0x3000 && c <= 0x4DBF) ||
        (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7FF) ||
        (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE10 && c <= 0xFE1F) || (c >= 0xFE30 && c <= 0xFE6F) ||
        (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF))
        return KS_SCRIPT_CJK;
    return KS_SCRIPT_OTHER;
}

size_t ks_linebreak_decode(const char *utf8, size_t len, uint32_t *cps, uint32_t *src_off, uint32_t base_off)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)utf8;
    size_t i = 0, n = 0;
    while (i < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0) { /* invalid or truncated: its maximal subpart becomes one U+FFFD */
            c = 0xFFFD;
            k = 1;
            size_t need = p[i] >= 0xF0 && p[i] <= 0xF4   ? 4
                          : p[i] >= 0xE0 && p[i] <= 0xEF ? 3
                          : p[i] >= 0xC2 && p[i] <= 0xDF ? 2
                                                         : 1;
            while ((size_t)k < need && i + (size_t)k < len && (p[i + k] & 0xC0) == 0x80)
                k++;
        }
        size_t at = i;
        i += (size_t)k;
        if (c == '\r') {
            if (i < len && p[i] == '\n') continue; /* CR LF: the LF stands for both */
            c = '\n';
        } else if (c == '\t') {
            c = ' ';
        } else if ((c < 0x20 && c != '\n') || c == 0x7F || (c >= 0x80 && c < 0xA0 && c != 0x85)) {
            continue;
        }
        cps[n] = (uint32_t)c;
        if (src_off) src_off[n] = base_off + (uint32_t)at;
        n++;
    }
    return n;
}

void ks_linebreak_analyze(const uint32_t *cps, size_t n, uint8_t *flags)
{
    utf8proc_int32_t gstate = 0;
    /* The classes of the last two clusters, and the last non-space one in
     * the current hard line (C_NONE at its start: no break there, it would
     * make an empty line). */
    lbc prev = C_NONE, prev2 = C_NONE, last_ns = C_NONE;
    uint32_t prev_cp = 0, prev2_cp = 0;
    lbc cur = C_NONE;    /* class of the cluster being read */
    uint32_t cur_cp = 0; /* its base code point */

    for (size_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        lbc b = classify(c);
        uint8_t f = 0;
        if (b == C_SP) f |= KS_LB_SPACE;
        if (b == C_BK) f |= KS_LB_NEWLINE;
        if (b == C_CL) f |= KS_LB_CLOSE;
        if (b == C_OP) f |= KS_LB_OPEN;

        int boundary = 1;
        if (i > 0)
            boundary =
                utf8proc_grapheme_break_stateful((utf8proc_int32_t)cps[i - 1], (utf8proc_int32_t)c, &gstate);
        if (i > 0 && classify(cps[i - 1]) == C_BK) boundary = 1;
        if (!boundary) {
            flags[i] = f & (uint8_t) ~(KS_LB_CLOSE | KS_LB_OPEN); /* a mark inherits its base */
            continue;
        }
        f |= KS_LB_GRAPHEME;
        /* A new cluster starts: the one that just ended becomes "prev". */
        if (i > 0) {
            prev2 = prev;
            prev2_cp = prev_cp;
            prev = cur;
            prev_cp = cur_cp;
            if (prev == C_BK)
                last_ns = C_NONE;
            else if (prev != C_SP)
                last_ns = prev;
        }
        cur = b;
        cur_cp = c;

        if (i == 0) {
            flags[i] = f;
            continue;
        }
        if (prev == C_BK) {
            flags[i] = f | KS_LB_MANDATORY;
            continue;
        }
        int sp = prev == C_SP;
        lbc a = sp ? last_ns : prev;
        int allow;
        if (b == C_BK || b == C_SP || b == C_ZW)
            allow = 0; /* they stay on the line */
        else if (last_ns == C_NONE && prev != C_ZW)
            allow = 0; /* nothing before: empty line */
        else if (prev == C_ZW)
            allow = 1;
        else if (prev == C_GL || (b == C_GL && !sp))
            allow = 0;
        else if (b == C_CL)
            allow = 0; /* even after spaces */
        else if (a == C_OP)
            allow = 0; /* even before spaces */
        else if (sp)
            allow = 1;
        else if (a == C_QU || b == C_QU)
            allow = 0;
        else if (a == C_HY)
            allow = b == C_AL && is_letter(c) && prev2 == C_AL && is_letter(prev2_cp);
        else if (a == C_BA)
            allow = 1;
        else if (b == C_HY || b == C_BA)
            allow = 0;
        else if (a == C_B2 && b == C_B2)
            allow = 0;
        else if (a == C_B2 || b == C_B2)
            allow = 1;
        else if (a == C_ID || b == C_ID)
            allow = 1;
        else if (a == C_CL && is_wide(prev_cp))
            allow = 1;
        else if (b == C_OP && is_wide(c))
            allow = 1;
        else
            allow = 0;
        flags[i] = f | (allow ? KS_LB_ALLOW : 0);
    }
    flags[n] = KS_LB_GRAPHEME;
    if (n > 0 && classify(cps[n - 1]) == C_BK) flags[n] |= KS_LB_MANDATORY;
}

/* --- fitting ------------------------------------------------------------- */

typedef enum fit_mode {
    FIT_WORDS,     /* positions: break opportunities */
    FIT_GRAPHEMES, /* positions: any cluster boundary (a word too long) */
    FIT_ELLIPSIS,  /* cluster boundaries, measured with "…" after */
} fit_mode;

typedef struct fitter {
    const uint8_t *flags;
    size_t n;
    int max_width;
    ks_lb_measure_fn measure;
    ks_lb_advance_fn advance;
    void *user;
    int failed;
    int ellipsis_w; /* measured once, when needed */
} fitter;

/* Positions where a line may end. Breaking a too-long word still keeps
 * punctuation with its neighbour: the line overflows rather than start with
 * closing or end with opening punctuation. */
static int is_pos(const fitter *f, fit_mode mode, size_t i, size_t limit)
{
    if (i == limit) return 1;
    if (mode == FIT_WORDS) return (f->flags[i] & KS_LB_ALLOW) != 0;
    if (!(f->flags[i] & KS_LB_GRAPHEME)) return 0;
    if (mode == FIT_GRAPHEMES)
        return !(f->flags[i] & KS_LB_CLOSE) && (i == 0 || !(f->flags[i - 1] & KS_LB_OPEN));
    return 1;
}

/* The drawn end of a line that breaks at p: without hanging spaces and the
 * newline; before an ellipsis also without opening punctuation. */
static size_t drawn_end(const fitter *f, size_t s, size_t p, fit_mode mode)
{
    uint8_t drop = KS_LB_SPACE | KS_LB_NEWLINE;
    if (mode == FIT_ELLIPSIS) drop |= KS_LB_OPEN;
    while (p > s && (f->flags[p - 1] & drop))
        p--;
    return p;
}

static int measure(fitter *f, size_t s, size_t e, int ellipsis)
{
    int w = f->measure(f->user, s, e, ellipsis);
    if (w < 0) f->failed = 1;
    return w;
}

static int est_advance(fitter *f, size_t i)
{
    if (f->flags[i] & KS_LB_NEWLINE) return 0;
    int a = f->advance ? f->advance(f->user, i) : 0;
    return a > 0 ? a : 0;
}

/* Estimated width of [s, e) (+ the ellipsis), from the advances. */
static long est_width(fitter *f, size_t s, size_t e, int ell)
{
    long w = ell;
    for (size_t i = s; i < e; i++)
        w += est_advance(f, i);
    return w;
}

/* The furthest position p in (s, limit] (by mode) whose line [s, p) fits;
 * 0 when none fits. Estimates with advances, then confirms with measure()
 * backwards, then looks further only while the estimate, corrected by the
 * error just seen (kerning, rounding), says the next position may fit:
 * usually one measure() per line. */
static int best_fit(fitter *f, size_t s, size_t limit, fit_mode mode, size_t *out_p, int *out_w)
{
    int ell = mode == FIT_ELLIPSIS ? f->ellipsis_w : 0;
    int with_ell = mode == FIT_ELLIPSIS;
    int budget = f->max_width - ell;
    size_t est = 0; /* last position the estimate accepts */
    long sum = 0, drawn = 0;
    size_t i;
    for (i = s; i < limit; i++) {
        if (i > s && is_pos(f, mode, i, limit) && drawn <= budget) est = i;
        sum += est_advance(f, i);
        uint8_t hang = KS_LB_SPACE | KS_LB_NEWLINE;
        if (mode == FIT_ELLIPSIS) hang |= KS_LB_OPEN;
        if (!(f->flags[i] & hang)) drawn = sum;
        if (drawn > budget) break;
    }
    if (i == limit && drawn <= budget) est = limit;

    size_t p = est;
    int w = -1;
    if (p == 0) { /* the estimate accepts nothing: try the first position */
        for (p = s + 1; p < limit && !is_pos(f, mode, p, limit); p++) {
        }
    }
    /* Backwards until one fits. */
    for (;;) {
        w = measure(f, s, drawn_end(f, s, p, mode), with_ell);
        if (f->failed) return 0;
        if (w <= f->max_width) break;
        size_t q = p - 1; /* the previous position, if any */
        while (q > s && !is_pos(f, mode, q, limit))
            q--;
        if (q <= s) return 0;
        p = q;
    }
    /* Forwards while the next position still fits. */
    long over = est_width(f, s, drawn_end(f, s, p, mode), ell) - w; /* the estimate's error */
    for (int tries = 0; tries < 4 && p < limit; tries++) {
        size_t q = p + 1;
        while (q < limit && !is_pos(f, mode, q, limit))
            q++;
        if (est_width(f, s, drawn_end(f, s, q, mode), ell) - over > f->max_width) break;
        int wq = measure(f, s, drawn_end(f, s, q, mode), with_ell);
        if (f->failed) return 0;
        if (wq > f->max_width) break;
        p = q;
        w = wq;
    }
    *out_p = p;
    *out_w = w;
    return 1;
}

/* The first position after s by mode. */
static size_t first_pos(const fitter *f, fit_mode mode, size_t s, size_t limit)
{
    size_t p = s + 1;
    while (p < limit && !is_pos(f, mode, p, limit))
        p++;
    return p;
}

static ks_status push_line(ks_lb_line **v, size_t *n, size_t *cap, ks_lb_line l, ks_error *err)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        ks_lb_line *nv = realloc(*v, nc * sizeof *nv);
        if (!nv) return ks_error_set(err, KS_ERR_NOMEM, "line breaking: out of memory");
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = l;
    return KS_OK;
}

ks_status ks_linebreak_fit(const uint8_t *flags, size_t n, int max_width, int max_lines,
                           ks_lb_measure_fn measure_fn, ks_lb_advance_fn advance, void *user,
                           ks_lb_line **lines, size_t *n_lines, ks_error *err)
{
    fitter f = {flags, n, max_width, measure_fn, advance, user, 0, -1};
    ks_lb_line *v = NULL;
    size_t nv = 0, cap = 0;
    ks_status st = KS_OK;
    *lines = NULL;
    *n_lines = 0;

    if (n == 0) {
        st = push_line(&v, &nv, &cap, (ks_lb_line){0, 0, 0, 0, 0}, err);
        goto out;
    }
    size_t s = 0;
    for (;;) {
        size_t m = s + 1; /* the hard end: the line cannot go past it */
        while (m < n && !(flags[m] & KS_LB_MANDATORY))
            m++;
        if (s >= n) m = n;
        int last = max_lines > 0 && nv + 1 == (size_t)max_lines;
        size_t brk;
        int w;
        if (s >= n) { /* the empty line after a final newline */
            brk = n;
            w = 0;
        } else if (max_width <= 0) {
            brk = m;
            w = measure(&f, s, drawn_end(&f, s, m, FIT_WORDS), 0);
        } else if (!best_fit(&f, s, m, FIT_WORDS, &brk, &w) && !f.failed) {
            /* The first word alone is too wide: break it between clusters;
             * when not even one fits, take one anyway (and overflow). */
            size_t limit = first_pos(&f, FIT_WORDS, s, m);
            if (!best_fit(&f, s, limit, FIT_GRAPHEMES, &brk, &w) && !f.failed) {
                brk = first_pos(&f, FIT_GRAPHEMES, s, limit);
                w = measure(&f, s, drawn_end(&f, s, brk, FIT_WORDS), 0);
            }
        }
        if (f.failed) break;

        ks_lb_line line = {s, drawn_end(&f, s, brk, FIT_WORDS), brk, w, 0};
        if (s >= n) line.end = n;
        if (last && brk < n) {
            /* Text is left over: cut this line so that it plus "…" fits. */
            if (f.ellipsis_w < 0) f.ellipsis_w = measure(&f, s, s, 1);
            if (f.failed) break;
            size_t e;
            int we;
            if (max_width <= 0) {
                e = drawn_end(&f, s, m, FIT_ELLIPSIS);
                we = measure(&f, s, e, 1);
            } else if (best_fit(&f, s, m, FIT_ELLIPSIS, &e, &we)) {
                e = drawn_end(&f, s, e, FIT_ELLIPSIS);
            } else {
                e = s;
                we = f.ellipsis_w;
            }
            if (f.failed) break;
            line.end = e;
            line.width = we;
            line.ellipsis = 1;
            line.next = n;
        }
        st = push_line(&v, &nv, &cap, line, err);
        if (st) goto out;
        if (line.ellipsis || s >= n) break;
        s = brk;
        if (s >= n && !(flags[n] & KS_LB_MANDATORY)) break;
        if (max_lines > 0 && nv >= (size_t)max_lines) break;
    }
    if (f.failed) st = ks_error_set(err, KS_ERR_IO, "line breaking: measuring the text failed");
out:
    if (st) {
        free(v);
        return st;
    }
    *lines = v;
    *n_lines = nv;
    return KS_OK;
}
