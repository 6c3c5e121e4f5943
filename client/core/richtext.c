/*
 * richtext.c - the kiosk's light article markup (see richtext.h) parsed
 * into blocks of styled spans, and stripped to plain text.
 *
 * Three passes, each linear in the input: clean the bytes (valid UTF-8, no
 * control characters, '\n' line ends), group lines into blocks, then split
 * each block's text into spans. Link brackets are matched through tables
 * of "next ']' / ')' / '[' after here" built once per block, so a hostile
 * body full of unmatched brackets costs no more than a normal one.
 *
 * While building, strings live in one growing pool and spans in one
 * growing array, referenced by offset; pointers are fixed up once at the
 * end, so the result is three allocations however long the article.
 *
 * Must not: render, allocate per character, recurse, or reject input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "ks/richtext.h"

#define NONE UINT32_MAX

/* ---- growing buffers ------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static int buf_reserve(buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) return -1;
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

static int buf_add(buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n)) return -1;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

/* Spans and blocks while building: offsets into the pool / span array. */
typedef struct bspan {
    size_t text, len, link; /* link: pool offset or SIZE_MAX */
    int bold;
} bspan;

typedef struct bblock {
    ks_rt_kind kind;
    int number;
    size_t src, alt;          /* pool offsets (images) */
    size_t first_span, n_spans;
} bblock;

/* The published document plus the storage it points into. */
typedef struct doc {
    ks_richtext pub; /* first: ks_richtext_free() casts back */
    char *pool;
    ks_rt_span *spans;
} doc;

/* A piece of a block's inline text, before styles are resolved. */
typedef enum tok_kind { T_TEXT, T_BOLD, T_LINK_START, T_LINK_END } tok_kind;
typedef struct tok {
    tok_kind kind;
    size_t at, len; /* T_TEXT: bytes of the block text; T_LINK_START: the URL */
} tok;

typedef struct parser {
    buf pool;
    bspan *spans;
    size_t n_spans, cap_spans;
    bblock *blocks;
    size_t n_blocks, cap_blocks;
    /* the block being collected */
    int open;            /* 0 none, else the kind + 1 */
    int number;
    buf raw;             /* its text, lines joined */
    /* per-block scratch for inline parsing */
    tok *toks;
    size_t n_toks, cap_toks;
    uint32_t *next_close, *next_paren, *next_open;
    unsigned char *escaped;
    size_t scratch_cap;
    int oom;
} parser;

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem) return -1;
        c *= 2;
    }
    void *p = realloc(*arr, c * elem);
    if (!p) return -1;
    *arr = p;
    *cap = c;
    return 0;
}

/* ---- pass 1: clean bytes --------------------------------------------- */

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

/* Valid UTF-8 with '\n' line ends, tabs as spaces, control characters
 * dropped, invalid bytes as U+FFFD, U+2028/2029 as line ends. */
static int clean_input(const char *src, size_t len, buf *out)
{
    if (buf_reserve(out, len + 16)) return -1;
    size_t i = 0;
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) i = 3; /* BOM */
    while (i < len) {
        unsigned char c = (unsigned char)src[i];
        if (c < 0x80) {
            i++;
            if (c == '\r') {
                if (i < len && src[i] == '\n') i++;
                c = '\n';
            }
            if (c == '\t') c = ' ';
            if ((c < 0x20 && c != '\n') || c == 0x7F) continue;
            char ch = (char)c;
            if (buf_add(out, &ch, 1)) return -1;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)src + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            if (buf_add(out, REPLACEMENT, 3)) return -1;
            i++;
            continue;
        }
        if (cp >= 0x80 && cp <= 0x9F) { /* C1 controls */
        } else if (cp == 0x2028 || cp == 0x2029) {
            if (buf_add(out, "\n", 1)) return -1;
        } else if (buf_add(out, src + i, (size_t)n)) {
            return -1;
        }
        i += (size_t)n;
    }
    return 0;
}

/* ---- pass 3: inline text to spans ------------------------------------ */

static int is_escapable(char c)
{
    return c != '\0' && strchr("\\`*_{}[]()#+-.!<>|~", c) != NULL;
}

static int url_allowed(const char *u, size_t n)
{
    static const char *const schemes[] = {"https://", "http://", "mailto:", "tel:"};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t k = strlen(schemes[i]);
        if (n > k && strncasecmp(u, schemes[i], k) == 0) return 1;
    }
    return 0;
}

static int push_tok(parser *ps, tok_kind kind, size_t at, size_t len)
{
    if (kind == T_TEXT && len == 0) return 0;
    /* Consecutive text pieces that touch merge into one. */
    if (kind == T_TEXT && ps->n_toks > 0) {
        tok *last = &ps->toks[ps->n_toks - 1];
        if (last->kind == T_TEXT && last->at + last->len == at) {
            last->len += len;
            return 0;
        }
    }
    if (grow((void **)&ps->toks, &ps->cap_toks, ps->n_toks + 1, sizeof *ps->toks)) return -1;
    ps->toks[ps->n_toks++] = (tok){kind, at, len};
    return 0;
}

/* Where "[text](url)" starting with '[' at i ends, or 0 when it is not a
 * well-formed link: fills the text and URL ranges. */
static size_t match_link(const parser *ps, const char *s, size_t n, size_t i, size_t *text_end,
                         size_t *url_at, size_t *url_len)
{
    uint32_t j = i + 1 < n ? ps->next_close[i + 1] : NONE;
    if (j == NONE || j - i - 1 > KS_RICHTEXT_MAX_LINK_TEXT) return 0;
    if (ps->next_open[i + 1] != NONE && ps->next_open[i + 1] < j) return 0; /* inner '[' wins */
    if ((size_t)j + 1 >= n || s[j + 1] != '(') return 0;
    uint32_t k = (size_t)j + 2 < n ? ps->next_paren[j + 2] : NONE;
    if (k == NONE || k - j - 2 > KS_RICHTEXT_MAX_LINK_URL) return 0;
    size_t a = (size_t)j + 2, b = k;
    while (a < b && s[a] == ' ') a++;
    while (b > a && s[b - 1] == ' ') b--;
    for (size_t x = a; x < b; x++)
        if (s[x] == ' ') return 0;
    *text_end = j;
    *url_at = a;
    *url_len = b - a;
    return (size_t)k + 1;
}

static int prepare_scratch(parser *ps, const char *s, size_t n)
{
    if (n + 1 > ps->scratch_cap) {
        size_t cap = n + 1;
        uint32_t *a = realloc(ps->next_close, cap * sizeof *a);
        if (a) ps->next_close = a;
        uint32_t *b = realloc(ps->next_paren, cap * sizeof *b);
        if (b) ps->next_paren = b;
        uint32_t *c = realloc(ps->next_open, cap * sizeof *c);
        if (c) ps->next_open = c;
        unsigned char *e = realloc(ps->escaped, cap);
        if (e) ps->escaped = e;
        if (!a || !b || !c || !e) return -1;
        ps->scratch_cap = cap;
    }
    /* A character is escaped when an odd run of backslashes precedes it. */
    int bs = 0;
    for (size_t i = 0; i < n; i++) {
        ps->escaped[i] = (unsigned char)(bs && is_escapable(s[i]));
        bs = (s[i] == '\\' && !ps->escaped[i]) ? !bs : 0;
    }
    uint32_t nc = NONE, np = NONE, no = NONE;
    for (size_t i = n; i-- > 0;) {
        if (!ps->escaped[i]) {
            if (s[i] == ']') nc = (uint32_t)i;
            else if (s[i] == ')') np = (uint32_t)i;
            else if (s[i] == '[') no = (uint32_t)i;
        }
        ps->next_close[i] = nc;
        ps->next_paren[i] = np;
        ps->next_open[i] = no;
    }
    return 0;
}

static int tokenize(parser *ps, const char *s, size_t n)
{
    ps->n_toks = 0;
    if (n >= NONE) n = NONE - 1; /* offsets are 32-bit; a 4 GiB paragraph is cut */
    if (prepare_scratch(ps, s, n)) return -1;
    size_t link_end = NONE; /* where the open link's text ends */
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (i == link_end) {
            if (push_tok(ps, T_LINK_END, 0, 0)) return -1;
            link_end = NONE;
            i = ps->next_paren[i] + 1;
            continue;
        }
        if (c == '\\' && i + 1 < n && ps->escaped[i + 1]) {
            if (push_tok(ps, T_TEXT, i + 1, 1)) return -1;
            i += 2;
            continue;
        }
        if (c == '*' && !ps->escaped[i] && i + 1 < n && s[i + 1] == '*' && !ps->escaped[i + 1]) {
            if (push_tok(ps, T_BOLD, i, 2)) return -1;
            i += 2;
            continue;
        }
        if (c == '!' && !ps->escaped[i] && i + 1 < n && s[i + 1] == '[' && !ps->escaped[i + 1]) {
            size_t te, ua, ul;
            size_t end = match_link(ps, s, n, i + 1, &te, &ua, &ul);
            if (end && (link_end == NONE || end <= link_end)) {
                /* An image inside running text shows as its alt text. */
                if (push_tok(ps, T_TEXT, i + 2, te - i - 2)) return -1;
                i = end;
                continue;
            }
        }
        if (c == '[' && !ps->escaped[i] && link_end == NONE) {
            size_t te, ua, ul;
            size_t end = match_link(ps, s, n, i, &te, &ua, &ul);
            if (end) {
                /* A URL a kiosk cannot open (javascript:, file:, relative)
                 * becomes a link without a URL: its words stay, as text. */
                int ok = url_allowed(s + ua, ul);
                if (push_tok(ps, T_LINK_START, ok ? ua : 0, ok ? ul : 0)) return -1;
                link_end = te;
                i++;
                continue;
            }
        }
        /* Plain text up to the next character that may mean something. */
        size_t j = i + 1;
        while (j < n && j != link_end && !strchr("\\*![", s[j])) j++;
        if (push_tok(ps, T_TEXT, i, j - i)) return -1;
        i = j;
    }
    if (link_end != NONE && push_tok(ps, T_LINK_END, 0, 0)) return -1;
    /* An unpaired last "**" is literal text. */
    size_t marks = 0, last = 0;
    for (size_t t = 0; t < ps->n_toks; t++)
        if (ps->toks[t].kind == T_BOLD) {
            marks++;
            last = t;
        }
    if (marks % 2) ps->toks[last].kind = T_TEXT;
    return 0;
}

static int add_span(parser *ps, size_t text, size_t len, int bold, size_t link)
{
    if (grow((void **)&ps->spans, &ps->cap_spans, ps->n_spans + 1, sizeof *ps->spans)) return -1;
    ps->spans[ps->n_spans++] = (bspan){text, len, link, bold};
    return 0;
}

static int same_link(const parser *ps, size_t a, size_t b)
{
    if (a == b) return 1;
    if (a == SIZE_MAX || b == SIZE_MAX) return 0;
    return strcmp(ps->pool.p + a, ps->pool.p + b) == 0;
}

/* Closes the run of text that started at pool offset at. */
static int close_run(parser *ps, size_t at, int bold, size_t link)
{
    if (add_span(ps, at, ps->pool.len - at, bold, link)) return -1;
    return buf_add(&ps->pool, "", 1); /* the NUL after the run */
}

/* Turns the tokens of text s into spans of the block being emitted. Text
 * with the same style is copied into the pool as one run, one span. */
static int emit_spans(parser *ps, const char *s)
{
    /* URLs go into the pool first, so every run below is contiguous. */
    for (size_t t = 0; t < ps->n_toks; t++) {
        tok *k = &ps->toks[t];
        if (k->kind != T_LINK_START || k->len == 0) continue;
        size_t at = ps->pool.len;
        if (buf_add(&ps->pool, s + k->at, k->len) || buf_add(&ps->pool, "", 1)) return -1;
        k->at = at;
    }
    int bold = 0, run_open = 0, run_bold = 0;
    size_t link = SIZE_MAX, run_at = 0, run_link = SIZE_MAX;
    for (size_t t = 0; t < ps->n_toks; t++) {
        const tok *k = &ps->toks[t];
        switch (k->kind) {
        case T_BOLD: bold = !bold; continue;
        case T_LINK_START: link = k->len ? k->at : SIZE_MAX; continue;
        case T_LINK_END: link = SIZE_MAX; continue;
        case T_TEXT: break;
        }
        if (run_open && run_bold == bold && same_link(ps, run_link, link)) {
            if (buf_add(&ps->pool, s + k->at, k->len)) return -1;
            continue;
        }
        if (run_open && close_run(ps, run_at, run_bold, run_link)) return -1;
        run_open = 1;
        run_at = ps->pool.len;
        run_bold = bold;
        run_link = link;
        if (buf_add(&ps->pool, s + k->at, k->len)) return -1;
    }
    if (run_open && close_run(ps, run_at, run_bold, run_link)) return -1;
    return 0;
}

/* ---- pass 2: lines to blocks ----------------------------------------- */

static int push_block(parser *ps, bblock b)
{
    if (grow((void **)&ps->blocks, &ps->cap_blocks, ps->n_blocks + 1, sizeof *ps->blocks)) return -1;
    ps->blocks[ps->n_blocks++] = b;
    return 0;
}

/* Emits a text block of kind with inline text s (n bytes); blocks whose
 * text is empty after markup are dropped. */
static int text_block(parser *ps, ks_rt_kind kind, int number, const char *s, size_t n)
{
    while (n > 0 && s[0] == ' ') {
        s++;
        n--;
    }
    while (n > 0 && s[n - 1] == ' ') n--;
    if (n == 0) return 0;
    if (tokenize(ps, s, n)) return -1;
    size_t first = ps->n_spans;
    if (emit_spans(ps, s)) return -1;
    if (ps->n_spans == first) return 0;
    return push_block(ps, (bblock){kind, number, SIZE_MAX, SIZE_MAX, first, ps->n_spans - first});
}

static int flush(parser *ps)
{
    if (!ps->open) return 0;
    ks_rt_kind kind = (ks_rt_kind)(ps->open - 1);
    ps->open = 0;
    int rc = text_block(ps, kind, ps->number, ps->raw.p ? ps->raw.p : "", ps->raw.len);
    ps->raw.len = 0;
    return rc;
}

/* Wide characters that are written without spaces between them. */
static int is_cjk(utf8proc_int32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
           (cp >= 0x20000 && cp <= 0x3FFFF);
}

static int is_cjk_punct(utf8proc_int32_t cp)
{
    return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF65);
}

static utf8proc_int32_t last_cp(const buf *b)
{
    if (b->len == 0) return -1;
    size_t i = b->len - 1;
    while (i > 0 && ((unsigned char)b->p[i] & 0xC0) == 0x80) i--;
    utf8proc_int32_t cp = -1;
    utf8proc_iterate((const utf8proc_uint8_t *)b->p + i, (utf8proc_ssize_t)(b->len - i), &cp);
    return cp;
}

/* Adds one line's text to the open block: a space between lines, except
 * where CJK text was broken across lines (Chinese uses no spaces). */
static int append_line(parser *ps, const char *s, size_t n)
{
    if (ps->raw.len > 0) {
        utf8proc_int32_t a = last_cp(&ps->raw), b = -1;
        utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &b);
        int tight = (is_cjk(a) && is_cjk(b)) || is_cjk_punct(a) || is_cjk_punct(b);
        if (!tight && buf_add(&ps->raw, " ", 1)) return -1;
    }
    return buf_add(&ps->raw, s, n);
}

static int open_block(parser *ps, ks_rt_kind kind, int number, const char *s, size_t n)
{
    if (flush(ps)) return -1;
    ps->open = (int)kind + 1;
    ps->number = number;
    ps->raw.len = 0;
    return append_line(ps, s, n);
}

/* "![alt](src)" filling the whole (trimmed) line? */
static int image_line(parser *ps, const char *s, size_t n)
{
    if (n < 5 || s[0] != '!' || s[1] != '[' || s[n - 1] != ')') return 0;
    const char *close = memchr(s + 2, ']', n - 2);
    if (!close || close[1] != '(') return 0;
    const char *alt = s + 2, *src = close + 2;
    size_t alt_len = (size_t)(close - alt), src_len = (size_t)(s + n - 1 - src);
    if (memchr(alt, '[', alt_len) || memchr(src, ')', src_len) || memchr(src, '(', src_len)) return 0;
    while (src_len > 0 && src[0] == ' ') {
        src++;
        src_len--;
    }
    while (src_len > 0 && src[src_len - 1] == ' ') src_len--;
    if (src_len == 0 || memchr(src, ' ', src_len)) return 0;
    while (alt_len > 0 && alt[0] == ' ') {
        alt++;
        alt_len--;
    }
    while (alt_len > 0 && alt[alt_len - 1] == ' ') alt_len--;
    if (flush(ps)) return -1;
    size_t src_at = ps->pool.len;
    if (buf_add(&ps->pool, src, src_len) || buf_add(&ps->pool, "", 1)) return -1;
    size_t alt_at = ps->pool.len;
    if (buf_add(&ps->pool, alt, alt_len) || buf_add(&ps->pool, "", 1)) return -1;
    if (push_block(ps, (bblock){KS_RT_IMAGE, 0, src_at, alt_at, ps->n_spans, 0})) return -1;
    return 1;
}

static int parse_line(parser *ps, const char *s, size_t n)
{
    while (n > 0 && s[0] == ' ') {
        s++;
        n--;
    }
    while (n > 0 && s[n - 1] == ' ') n--;
    if (n == 0) return flush(ps);

    if (s[0] == '#') {
        size_t h = 0;
        while (h < n && s[h] == '#') h++;
        if (h == n || s[h] == ' ') {
            if (flush(ps)) return -1;
            return text_block(ps, h == 1 ? KS_RT_HEADING1 : KS_RT_HEADING2, 0, s + h, n - h);
        }
    }
    /* "- " starts a bullet; a lone "-" is an empty one (dropped unless a
     * following line gives it text). */
    if ((s[0] == '-' || s[0] == '*') && (n == 1 || s[1] == ' '))
        return open_block(ps, KS_RT_BULLET, 0, s + 1, n - 1);
    if (s[0] >= '0' && s[0] <= '9') {
        size_t d = 0;
        int num = 0;
        while (d < n && d < 9 && s[d] >= '0' && s[d] <= '9') num = num * 10 + (s[d++] - '0');
        if (d < n && s[d] == '.' && (d + 1 == n || s[d + 1] == ' '))
            return open_block(ps, KS_RT_NUMBERED, num, s + d + 1, n - d - 1);
    }
    int img = image_line(ps, s, n);
    if (img) return img < 0 ? -1 : 0;
    if (ps->open) return append_line(ps, s, n);
    return open_block(ps, KS_RT_PARAGRAPH, 0, s, n);
}

/* ---- public ------------------------------------------------------------ */

static void parser_free(parser *ps)
{
    free(ps->pool.p);
    free(ps->spans);
    free(ps->blocks);
    free(ps->raw.p);
    free(ps->toks);
    free(ps->next_close);
    free(ps->next_paren);
    free(ps->next_open);
    free(ps->escaped);
}

ks_status ks_richtext_parse(const char *src, size_t len, ks_richtext **out, ks_error *err)
{
    *out = NULL;
    parser ps = {0};
    buf clean = {0};
    doc *d = NULL;
    ks_status st = KS_OK;
    if (!src) len = 0;
    if (clean_input(src ? src : "", len, &clean) || buf_add(&ps.pool, "", 1)) goto oom;
    for (size_t i = 0; i < clean.len;) {
        const char *nl = memchr(clean.p + i, '\n', clean.len - i);
        size_t end = nl ? (size_t)(nl - clean.p) : clean.len;
        if (parse_line(&ps, clean.p + i, end - i)) goto oom;
        i = end + 1;
    }
    if (flush(&ps)) goto oom;

    d = calloc(1, sizeof *d);
    if (!d) goto oom;
    /* Offsets become pointers now that nothing moves any more. */
    d->pool = ps.pool.p;
    ps.pool.p = NULL;
    d->spans = calloc(ps.n_spans ? ps.n_spans : 1, sizeof *d->spans);
    d->pub.blocks = calloc(ps.n_blocks ? ps.n_blocks : 1, sizeof *d->pub.blocks);
    if (!d->spans || !d->pub.blocks) goto oom;
    for (size_t i = 0; i < ps.n_spans; i++) {
        bspan *b = &ps.spans[i];
        d->spans[i] = (ks_rt_span){d->pool + b->text, b->len, b->bold,
                                   b->link == SIZE_MAX ? NULL : d->pool + b->link};
    }
    for (size_t i = 0; i < ps.n_blocks; i++) {
        bblock *b = &ps.blocks[i];
        ks_rt_block *o = &d->pub.blocks[i];
        o->kind = b->kind;
        o->number = b->number;
        o->src = b->src == SIZE_MAX ? NULL : d->pool + b->src;
        o->alt = b->alt == SIZE_MAX ? NULL : d->pool + b->alt;
        o->spans = b->n_spans ? d->spans + b->first_span : NULL;
        o->n_spans = b->n_spans;
    }
    d->pub.n_blocks = ps.n_blocks;
    *out = &d->pub;
    d = NULL;
    goto out;
oom:
    st = ks_error_set(err, KS_ERR_NOMEM, "article text: out of memory parsing %zu bytes", len);
out:
    if (d) ks_richtext_free(&d->pub);
    free(clean.p);
    parser_free(&ps);
    return st;
}

void ks_richtext_free(ks_richtext *r)
{
    if (!r) return;
    doc *d = (doc *)r;
    free(d->pub.blocks);
    free(d->spans);
    free(d->pool);
    free(d);
}

char *ks_richtext_plain(const ks_richtext *r)
{
    buf b = {0};
    if (buf_reserve(&b, 0)) return NULL;
    b.p[0] = '\0';
    for (size_t i = 0; r && i < r->n_blocks; i++) {
        const ks_rt_block *blk = &r->blocks[i];
        if (blk->kind == KS_RT_IMAGE) continue;
        if (b.len > 0 && buf_add(&b, "\n", 1)) goto oom;
        if (blk->kind == KS_RT_NUMBERED) {
            char num[16];
            int w = snprintf(num, sizeof num, "%d. ", blk->number);
            if (buf_add(&b, num, (size_t)w)) goto oom;
        }
        for (size_t k = 0; k < blk->n_spans; k++)
            if (buf_add(&b, blk->spans[k].text, blk->spans[k].len)) goto oom;
    }
    return b.p;
oom:
    free(b.p);
    return NULL;
}

char *ks_richtext_strip(const char *src, size_t len)
{
    ks_richtext *r = NULL;
    if (ks_richtext_parse(src, len, &r, NULL) != KS_OK) return NULL;
    char *plain = ks_richtext_plain(r);
    ks_richtext_free(r);
    return plain;
}
