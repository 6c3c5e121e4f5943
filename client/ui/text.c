/*
 * text.c - the text engine (see include/ks/text.h): layout of styled spans
 * into lines and font runs, one texture per rendered line, and an LRU cache
 * of label layouts under a texture byte budget.
 *
 * Why line textures: SDL_ttf's glyph cache has 256 slots per font and
 * thrashes on CJK text, so rendering text every frame would re-rasterise
 * every ideograph every frame. A line is rendered once (one
 * TTF_RenderUTF8_Blended per run, composited on the baseline) and then
 * costs one SDL_RenderCopy per frame.
 * Must not: decide line breaks (linebreak.c), choose or open fonts
 * (font.c), or know about screens and widgets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>
#include <utf8proc.h>

#include "ks/font.h"
#include "ks/linebreak.h"
#include "ks/locale.h"
#include "ks/log.h"
#include "ks/text.h"

#define DEFAULT_BUDGET ((size_t)32 * 1024 * 1024)
#define DEFAULT_MAX_ENTRIES 1024
#define DEFAULT_LINE_PCT 140
#define MAX_TEXT_BYTES ((size_t)4 * 1024 * 1024)
#define MAX_SIZE_PX 1000
#define ELLIPSIS "\xE2\x80\xA6"
#define ELLIPSIS_CP 0x2026u
#define MEMO_SLOTS 4

typedef struct run {
    uint32_t start, end; /* code points [start, end); the ellipsis run is empty */
    uint8_t face, bold, ellipsis;
    uint16_t span;
    int x;      /* pen position of its origin, from the line's start */
    int adv;    /* its advance */
    int xstart; /* ink left of the origin (SDL_ttf starts the surface there) */
} run;

typedef struct line {
    uint32_t start, end, next;
    int ellipsis;
    uint32_t run0, n_runs;
    int width, x, y, baseline;
    int rendered; /* the texture below is current (NULL: nothing to draw) */
    SDL_Texture *tex;
    SDL_Rect tex_rect; /* relative to the layout's top-left */
} line;

typedef struct span_style {
    SDL_Color color;
    int bold;
    int link;
} span_style;

struct ks_text_layout {
    ks_text *t; /* NULL once the engine is gone */
    ks_text_layout *all_prev, *all_next;
    ks_text_layout *lru_prev, *lru_next;
    int in_lru;
    size_t tex_bytes;

    size_t n;            /* code points */
    uint32_t *cps, *src; /* src: n + 1 byte offsets */
    uint16_t *span;
    uint8_t *face, *bold, *flags;

    span_style *spans;
    size_t n_spans;

    int size, cjk_face, chinese;
    int max_width, max_lines, line_h, baseline_off;
    ks_text_align align;

    line *lines;
    size_t n_lines;
    run *runs;
    size_t n_runs, cap_runs;
    int width, height;
};

/* A ks_text_draw / ks_text_measure cache entry. */
typedef struct centry {
    uint64_t hash;
    char *text;
    size_t len;
    int size, bold, max_width, max_lines;
    SDL_Color color;
    char locale[KS_LOCALE_MAX];
    ks_text_layout *layout;
    struct centry *hnext, *prev, *next;
} centry;

struct ks_text {
    SDL_Renderer *r;
    ks_fonts *fonts;
    size_t budget, max_entries;
    size_t tex_bytes;
    ks_text_layout *lru_head, *lru_tail; /* layouts holding textures, most recently drawn first */
    ks_text_layout *all;                 /* every live layout */

    centry **buckets;
    size_t n_buckets, n_entries;
    centry *e_head, *e_tail; /* cache entries, most recently used first */
    size_t hits, misses;

    char *scratch;
    size_t scratch_cap;
    /* The runs of the last few measurements while fitting a layout: the
     * fitter measures the line it finally keeps, then maybe a longer one
     * that fails; building the line reuses the first without shaping it
     * again (shaping CJK is the expensive part: glyph loads). */
    struct memo {
        run *runs;
        size_t n, cap;
        size_t from, to;
        int ell, valid, w;
    } memo[MEMO_SLOTS];
    int memo_next;
    unsigned errors_logged;
};

/* --- small helpers ------------------------------------------------------- */

static void log_error_limited(ks_text *t, const char *what, const char *msg)
{
    /* A broken label would otherwise log 60 times a second. */
    if (t->errors_logged < 20 || t->errors_logged % 1000 == 0) ks_log_error("text", "%s: %s", what, msg);
    t->errors_logged++;
}

static char *scratch(ks_text *t, size_t need)
{
    if (need > t->scratch_cap) {
        size_t cap = t->scratch_cap ? t->scratch_cap : 256;
        while (cap < need)
            cap *= 2;
        char *s = realloc(t->scratch, cap);
        if (!s) return NULL;
        t->scratch = s;
        t->scratch_cap = cap;
    }
    return t->scratch;
}

/* UTF-8 of code points [a, b) of l, NUL-terminated, in the scratch buffer. */
static const char *encode(ks_text *t, const ks_text_layout *l, size_t a, size_t b)
{
    char *s = scratch(t, (b - a) * 4 + 1);
    if (!s) return NULL;
    size_t o = 0;
    for (size_t i = a; i < b; i++) {
        uint32_t u = l->cps[i];
        if (u < 0x80) {
            s[o++] = (char)u;
        } else if (u < 0x800) {
            s[o++] = (char)(0xC0 | (u >> 6));
            s[o++] = (char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            s[o++] = (char)(0xE0 | (u >> 12));
            s[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (u & 0x3F));
        } else {
            s[o++] = (char)(0xF0 | (u >> 18));
            s[o++] = (char)(0x80 | ((u >> 12) & 0x3F));
            s[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (u & 0x3F));
        }
    }
    s[o] = '\0';
    return s;
}

static int line_height_px(int size, int pct)
{
    if (pct <= 0) pct = DEFAULT_LINE_PCT;
    if (pct > 1000) pct = 1000;
    int h = (size * pct + 50) / 100;
    return h < 1 ? 1 : h;
}

/* Baseline of a line box: the Latin face's ascent + descent centred in it. */
static int metrics(ks_text *t, int size, int pct, ks_text_metrics *m, ks_error *err)
{
    TTF_Font *f = ks_fonts_get(t->fonts, KS_FACE_LATIN, size, 0, err);
    if (!f) return -1;
    m->ascent = TTF_FontAscent(f);
    m->descent = -TTF_FontDescent(f);
    m->line_height = line_height_px(size, pct);
    int content = m->ascent + m->descent;
    int half = m->line_height - content;
    half = half >= 0 ? half / 2 : -((-half + 1) / 2);
    m->baseline = half + m->ascent;
    return 0;
}

/* --- the texture LRU ----------------------------------------------------- */

static void lru_unlink(ks_text *t, ks_text_layout *l)
{
    if (!l->in_lru) return;
    if (l->lru_prev)
        l->lru_prev->lru_next = l->lru_next;
    else
        t->lru_head = l->lru_next;
    if (l->lru_next)
        l->lru_next->lru_prev = l->lru_prev;
    else
        t->lru_tail = l->lru_prev;
    l->lru_prev = l->lru_next = NULL;
    l->in_lru = 0;
}

static void lru_push_front(ks_text *t, ks_text_layout *l)
{
    l->lru_prev = NULL;
    l->lru_next = t->lru_head;
    if (t->lru_head) t->lru_head->lru_prev = l;
    t->lru_head = l;
    if (!t->lru_tail) t->lru_tail = l;
    l->in_lru = 1;
}

static void drop_line_texture(ks_text_layout *l, line *ln)
{
    if (ln->tex) {
        size_t bytes = (size_t)ln->tex_rect.w * (size_t)ln->tex_rect.h * 4;
        SDL_DestroyTexture(ln->tex);
        l->tex_bytes -= bytes;
        if (l->t) l->t->tex_bytes -= bytes;
    }
    ln->tex = NULL;
    ln->rendered = 0;
}

static void drop_textures(ks_text_layout *l)
{
    for (size_t i = 0; i < l->n_lines; i++)
        drop_line_texture(l, &l->lines[i]);
    if (l->t) lru_unlink(l->t, l);
}

/* Evicts textures of the least recently drawn layouts (never keep's)
 * until the budget holds. */
static void enforce_budget(ks_text *t, const ks_text_layout *keep)
{
    while (t->tex_bytes > t->budget && t->lru_tail && t->lru_tail != keep)
        drop_textures(t->lru_tail);
}

/* --- measuring runs ------------------------------------------------------ */

static int push_run(run **v, size_t *n, size_t *cap, run r)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        run *nv = realloc(*v, nc * sizeof *nv);
        if (!nv) return -1;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = r;
    return 0;
}

/* Advance and left overhang of text in a font: SDL_ttf's width spans the
 * ink, starting left of the origin when the first glyph overhangs. */
static int size_text(TTF_Font *f, const char *s, uint32_t first_cp, int *adv, int *xstart)
{
    int w = 0, h = 0, minx = 0;
    if (TTF_SizeUTF8(f, s, &w, &h) != 0) return -1;
    if (TTF_GlyphMetrics32(f, first_cp, &minx, NULL, NULL, NULL, NULL) != 0) minx = 0;
    *xstart = minx < 0 ? -minx : 0;
    *adv = w - *xstart;
    if (*adv < 0) *adv = 0;
    return 0;
}

/* The face of the ellipsis that ends a cut line: the face of the text
 * before it (a CJK "…" after Chinese, a Latin one after Latin). */
static void ellipsis_style(ks_text *t, const ks_text_layout *l, size_t from, size_t to, int *face, int *bold,
                           int *span)
{
    int want, b, sp;
    if (to > from) {
        want = l->face[to - 1];
        b = l->bold[to - 1];
        sp = l->span[to - 1];
    } else {
        want = l->chinese ? l->cjk_face : KS_FACE_LATIN;
        sp = from < l->n ? l->span[from] : 0;
        b = l->n_spans ? l->spans[sp].bold : 0;
    }
    *face = ks_fonts_pick(t->fonts, ELLIPSIS_CP, want, l->cjk_face, &b);
    *bold = b;
    *span = sp;
}

static void memo_forget(ks_text *t)
{
    for (int i = 0; i < MEMO_SLOTS; i++)
        t->memo[i].valid = 0;
}

/* Splits [from, to) (+ an ellipsis) into runs of one face, weight and span
 * and measures them. Returns the memo slot holding them, NULL on error. */
static struct memo *measure_runs(ks_text *t, ks_text_layout *l, size_t from, size_t to, int ell)
{
    for (int i = 0; i < MEMO_SLOTS; i++) {
        struct memo *m = &t->memo[i];
        if (m->valid && m->from == from && m->to == to && m->ell == ell) return m;
    }
    struct memo *m = &t->memo[t->memo_next];
    t->memo_next = (t->memo_next + 1) % MEMO_SLOTS;
    m->valid = 0;
    m->n = 0;
    int x = 0;
    size_t i = from;
    while (i < to) {
        size_t j = i + 1;
        while (j < to && l->face[j] == l->face[i] && l->bold[j] == l->bold[i] && l->span[j] == l->span[i])
            j++;
        run r = {(uint32_t)i, (uint32_t)j, l->face[i], l->bold[i], 0, l->span[i], x, 0, 0};
        const char *s = encode(t, l, i, j);
        TTF_Font *f = s ? ks_fonts_get(t->fonts, r.face, l->size, r.bold, NULL) : NULL;
        if (!f || size_text(f, s, l->cps[i], &r.adv, &r.xstart) != 0) return NULL;
        if (push_run(&m->runs, &m->n, &m->cap, r) != 0) return NULL;
        x += r.adv;
        i = j;
    }
    if (ell) {
        int face, bold, sp;
        ellipsis_style(t, l, from, to, &face, &bold, &sp);
        run r = {(uint32_t)to, (uint32_t)to, (uint8_t)face, (uint8_t)bold, 1, (uint16_t)sp, x, 0, 0};
        TTF_Font *f = ks_fonts_get(t->fonts, face, l->size, bold, NULL);
        if (!f || size_text(f, ELLIPSIS, ELLIPSIS_CP, &r.adv, &r.xstart) != 0) return NULL;
        if (push_run(&m->runs, &m->n, &m->cap, r) != 0) return NULL;
        x += r.adv;
    }
    m->from = from;
    m->to = to;
    m->ell = ell;
    m->w = x;
    m->valid = 1;
    return m;
}

typedef struct fit_ctx {
    ks_text *t;
    ks_text_layout *l;
} fit_ctx;

static int fit_measure(void *user, size_t from, size_t to, int ellipsis)
{
    fit_ctx *c = user;
    struct memo *m = measure_runs(c->t, c->l, from, to, ellipsis);
    return m ? m->w : -1;
}

static int fit_advance(void *user, size_t i)
{
    fit_ctx *c = user;
    const ks_text_layout *l = c->l;
    if (!(l->flags[i] & KS_LB_GRAPHEME)) return 0;
    return ks_fonts_advance(c->t->fonts, l->face[i], l->size, l->bold[i], l->cps[i]);
}

/* --- layout -------------------------------------------------------------- */

/* The x of line ln for an alignment, from the layout's left. */
static int aligned_x(const ks_text_layout *l, const line *ln, ks_text_align align)
{
    int box = l->max_width > 0 ? l->max_width : l->width;
    int slack = box - ln->width;
    if (slack < 0) slack = 0;
    return align == KS_ALIGN_CENTER ? slack / 2 : align == KS_ALIGN_RIGHT ? slack : 0;
}

static int invisible(uint32_t cp)
{
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
    return cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME;
}

/* Chooses a face for every grapheme cluster: CJK text wants the locale's
 * CJK face, other text the Latin face; neutral punctuation goes CJK when a
 * neighbouring strong character is CJK; spaces follow the text before. */
static void assign_faces(ks_text *t, ks_text_layout *l, uint8_t *next_strong)
{
    /* next_strong[i]: script of the first strong character at or after i. */
    uint8_t ns = KS_SCRIPT_NEUTRAL;
    for (size_t i = l->n; i-- > 0;) {
        ks_lb_script s = ks_linebreak_script(l->cps[i]);
        if (s == KS_SCRIPT_CJK || s == KS_SCRIPT_OTHER) ns = (uint8_t)s;
        if (l->flags[i] & KS_LB_NEWLINE) ns = KS_SCRIPT_NEUTRAL;
        next_strong[i] = ns;
    }
    int prev_strong = KS_SCRIPT_NEUTRAL, prev_face = -1;
    size_t i = 0;
    while (i < l->n) {
        size_t j = i + 1;
        while (j < l->n && !(l->flags[j] & KS_LB_GRAPHEME))
            j++;
        uint32_t cp = l->cps[i];
        ks_lb_script s = ks_linebreak_script(cp);
        int want;
        if (s == KS_SCRIPT_CJK) {
            want = l->cjk_face;
        } else if (s == KS_SCRIPT_OTHER && !(l->flags[i] & KS_LB_NEWLINE)) {
            want = KS_FACE_LATIN;
        } else if (s == KS_SCRIPT_SPACE && prev_face >= 0) {
            want = prev_face;
        } else {
            int nx = j < l->n ? next_strong[j] : KS_SCRIPT_NEUTRAL;
            int cjk = prev_strong == KS_SCRIPT_CJK || nx == KS_SCRIPT_CJK ||
                      (prev_strong == KS_SCRIPT_NEUTRAL && nx == KS_SCRIPT_NEUTRAL && l->chinese);
            want = cjk ? l->cjk_face : KS_FACE_LATIN;
        }
        int bold = l->spans[l->span[i]].bold;
        int face;
        if (l->flags[i] & KS_LB_NEWLINE) {
            face = want;
        } else if (prev_face >= 0 && invisible(cp)) {
            /* Joiners, variation selectors, stray marks: HarfBuzz hides or
             * attaches them; keep the run going instead of searching a
             * font for them. */
            face = prev_face;
            bold = l->bold[i - 1];
        } else {
            face = ks_fonts_pick(t->fonts, cp, want, l->cjk_face, &bold);
        }
        for (size_t k = i; k < j; k++) {
            l->face[k] = (uint8_t)face;
            l->bold[k] = (uint8_t)bold;
        }
        if (s == KS_SCRIPT_CJK || s == KS_SCRIPT_OTHER) prev_strong = s;
        if (l->flags[i] & KS_LB_NEWLINE) {
            prev_strong = KS_SCRIPT_NEUTRAL;
            prev_face = -1;
        } else {
            prev_face = face;
        }
        i = j;
    }
}

static void list_add(ks_text *t, ks_text_layout *l)
{
    l->all_prev = NULL;
    l->all_next = t->all;
    if (t->all) t->all->all_prev = l;
    t->all = l;
}

static void list_remove(ks_text *t, ks_text_layout *l)
{
    if (l->all_prev)
        l->all_prev->all_next = l->all_next;
    else
        t->all = l->all_next;
    if (l->all_next) l->all_next->all_prev = l->all_prev;
    l->all_prev = l->all_next = NULL;
}

void ks_text_layout_destroy(ks_text_layout *l)
{
    if (!l) return;
    drop_textures(l);
    if (l->t) list_remove(l->t, l);
    free(l->cps);
    free(l->src);
    free(l->span);
    free(l->face);
    free(l->bold);
    free(l->flags);
    free(l->spans);
    free(l->lines);
    free(l->runs);
    free(l);
}

ks_status ks_text_layout_spans(ks_text *t, const ks_text_span *spans, size_t n_spans,
                               const ks_text_style *base, int max_width, int max_lines, int line_height_pct,
                               ks_text_align align, ks_text_layout **out, ks_error *err)
{
    ks_status st = KS_OK;
    ks_text_layout *l = NULL;
    ks_lb_line *fitted = NULL;
    uint8_t *next_strong = NULL;
    size_t n_fitted = 0;
    *out = NULL;
    if (!t || !base) return ks_error_set(err, KS_ERR_INVALID, "text layout: no engine or no style");
    if (base->size_px < 1 || base->size_px > MAX_SIZE_PX)
        return ks_error_set(err, KS_ERR_INVALID, "text layout: size %d px is out of range 1..%d",
                            base->size_px, MAX_SIZE_PX);
    if (n_spans > 65535)
        return ks_error_set(err, KS_ERR_TOO_LARGE, "text layout: %zu spans (at most 65535)", n_spans);
    size_t total = 0;
    for (size_t i = 0; i < n_spans; i++) {
        if (!spans[i].text && spans[i].len)
            return ks_error_set(err, KS_ERR_INVALID, "text layout: span %zu has no text", i);
        total += spans[i].len;
        if (total > MAX_TEXT_BYTES)
            return ks_error_set(err, KS_ERR_TOO_LARGE, "text layout: text longer than %zu bytes",
                                MAX_TEXT_BYTES);
    }

    l = calloc(1, sizeof *l);
    if (!l) return ks_error_set(err, KS_ERR_NOMEM, "text layout: out of memory");
    l->t = t;
    list_add(t, l);
    l->cps = malloc((total + 1) * sizeof *l->cps);
    l->src = malloc((total + 1) * sizeof *l->src);
    l->span = malloc((total + 1) * sizeof *l->span);
    l->face = calloc(total + 1, 1);
    l->bold = calloc(total + 1, 1);
    l->flags = calloc(total + 1, 1);
    next_strong = malloc(total + 1);
    l->n_spans = n_spans ? n_spans : 1;
    l->spans = calloc(l->n_spans, sizeof *l->spans);
    if (!l->cps || !l->src || !l->span || !l->face || !l->bold || !l->flags || !next_strong || !l->spans) {
        st = ks_error_set(err, KS_ERR_NOMEM, "text layout: out of memory");
        goto out;
    }

    /* Style. */
    char canon[KS_LOCALE_MAX];
    int have_locale = base->locale && ks_locale_canonical(base->locale, canon) == 0;
    l->chinese = have_locale && ks_locale_is_chinese(canon);
    l->cjk_face = have_locale && strcmp(canon, "zh-Hant") == 0 ? KS_FACE_CJK_TC : KS_FACE_CJK_SC;
    l->size = base->size_px;
    l->max_width = max_width;
    l->max_lines = max_lines;
    l->align = align;
    ks_text_metrics m;
    if (metrics(t, l->size, line_height_pct, &m, err) != 0) {
        st = err ? err->code : KS_ERR_IO;
        goto out;
    }
    l->line_h = m.line_height;
    l->baseline_off = m.baseline;
    l->spans[0] = (span_style){base->color, base->bold ? 1 : 0, -1};
    for (size_t i = 0; i < n_spans; i++) {
        SDL_Color c = spans[i].color.a ? spans[i].color : base->color;
        l->spans[i] = (span_style){c, (base->bold || spans[i].bold) ? 1 : 0, spans[i].link};
    }

    /* Text. */
    size_t off = 0;
    for (size_t i = 0; i < n_spans; i++) {
        size_t k =
            ks_linebreak_decode(spans[i].text, spans[i].len, l->cps + l->n, l->src + l->n, (uint32_t)off);
        for (size_t j = l->n; j < l->n + k; j++)
            l->span[j] = (uint16_t)i;
        l->n += k;
        off += spans[i].len;
    }
    l->src[l->n] = (uint32_t)off;
    ks_linebreak_analyze(l->cps, l->n, l->flags);
    assign_faces(t, l, next_strong);

    /* Lines. */
    fit_ctx fc = {t, l};
    memo_forget(t);
    st = ks_linebreak_fit(l->flags, l->n, max_width, max_lines, fit_measure, fit_advance, &fc, &fitted,
                          &n_fitted, err);
    if (st) {
        if (err) ks_error_prefix(err, "text layout (%d px)", l->size);
        goto out;
    }
    l->lines = calloc(n_fitted, sizeof *l->lines);
    if (!l->lines) {
        st = ks_error_set(err, KS_ERR_NOMEM, "text layout: out of memory");
        goto out;
    }
    l->n_lines = n_fitted;
    for (size_t k = 0; k < n_fitted; k++) {
        line *ln = &l->lines[k];
        ln->start = (uint32_t)fitted[k].start;
        ln->end = (uint32_t)fitted[k].end;
        ln->next = (uint32_t)fitted[k].next;
        ln->ellipsis = fitted[k].ellipsis;
        struct memo *mr = measure_runs(t, l, ln->start, ln->end, ln->ellipsis);
        if (!mr) {
            st = ks_error_set(err, KS_ERR_IO, "text layout (%d px): measuring failed: %s", l->size,
                              TTF_GetError());
            goto out;
        }
        int w = mr->w;
        ln->run0 = (uint32_t)l->n_runs;
        ln->n_runs = (uint32_t)mr->n;
        for (size_t r = 0; r < mr->n; r++) {
            if (push_run(&l->runs, &l->n_runs, &l->cap_runs, mr->runs[r]) != 0) {
                st = ks_error_set(err, KS_ERR_NOMEM, "text layout: out of memory");
                goto out;
            }
        }
        ln->width = w;
        ln->y = (int)k * l->line_h;
        ln->baseline = ln->y + l->baseline_off;
        if (w > l->width) l->width = w;
    }
    for (size_t k = 0; k < n_fitted; k++)
        l->lines[k].x = aligned_x(l, &l->lines[k], align);
    l->height = (int)n_fitted * l->line_h;
out:
    memo_forget(t);
    free(fitted);
    free(next_strong);
    if (st) {
        ks_text_layout_destroy(l);
        return st;
    }
    *out = l;
    return KS_OK;
}

ks_status ks_text_layout_plain(ks_text *t, const char *utf8, const ks_text_style *style, int max_width,
                               int max_lines, ks_text_align align, ks_text_layout **out, ks_error *err)
{
    ks_text_span sp = {utf8 ? utf8 : "", utf8 ? strlen(utf8) : 0, 0, {0, 0, 0, 0}, -1};
    return ks_text_layout_spans(t, &sp, 1, style, max_width, max_lines, 0, align, out, err);
}

int ks_text_layout_width(const ks_text_layout *l)
{
    return l ? l->width : 0;
}
int ks_text_layout_height(const ks_text_layout *l)
{
    return l ? l->height : 0;
}
size_t ks_text_layout_lines(const ks_text_layout *l)
{
    return l ? l->n_lines : 0;
}
int ks_text_layout_baseline(const ks_text_layout *l)
{
    return l ? l->baseline_off : 0;
}

/* --- rendering ----------------------------------------------------------- */

/* Paints src over dst (both ARGB8888, straight alpha) with its top-left at
 * (dx, dy) in dst. SDL's own blend onto a transparent surface would darken
 * the antialiased edges (it multiplies the colour by alpha). */
static void composite(SDL_Surface *dst, SDL_Surface *src, int dx, int dy)
{
    for (int y = 0; y < src->h; y++) {
        int ty = dy + y;
        if (ty < 0 || ty >= dst->h) continue;
        const Uint32 *s = (const Uint32 *)((const Uint8 *)src->pixels + (size_t)y * (size_t)src->pitch);
        Uint32 *d = (Uint32 *)((Uint8 *)dst->pixels + (size_t)ty * (size_t)dst->pitch);
        for (int x = 0; x < src->w; x++) {
            int tx = dx + x;
            if (tx < 0 || tx >= dst->w) continue;
            Uint32 sp = s[x], dp = d[tx];
            Uint32 sa = sp >> 24, da = dp >> 24;
            if (sa == 0) continue;
            if (sa == 255 || da == 0) {
                d[tx] = sp;
                continue;
            }
            Uint32 dw = da * (255 - sa) / 255; /* what shows of dst */
            Uint32 oa = sa + dw;
            Uint32 out = oa << 24;
            for (int sh = 0; sh <= 16; sh += 8) {
                Uint32 sc = (sp >> sh) & 0xFF, dc = (dp >> sh) & 0xFF;
                out |= ((sc * sa + dc * dw) / oa) << sh;
            }
            d[tx] = out;
        }
    }
}

static void fill(SDL_Surface *dst, SDL_Rect r, SDL_Color c)
{
    Uint32 px = ((Uint32)c.a << 24) | ((Uint32)c.r << 16) | ((Uint32)c.g << 8) | c.b;
    for (int y = r.y; y < r.y + r.h; y++) {
        if (y < 0 || y >= dst->h) continue;
        Uint32 *d = (Uint32 *)((Uint8 *)dst->pixels + (size_t)y * (size_t)dst->pitch);
        for (int x = r.x; x < r.x + r.w; x++)
            if (x >= 0 && x < dst->w) d[x] = px;
    }
}

typedef struct piece {
    SDL_Surface *s;
    int x, y; /* top-left relative to the line's origin on its baseline */
} piece;

/* Renders line k into one texture: each run with TTF_RenderUTF8_Blended,
 * placed on the common baseline (TTF_FontAscent, plus the extra rows SDL_ttf
 * adds above it for glyphs taller than the ascent), links underlined, the
 * transparent border cropped. */
static int render_line(ks_text *t, ks_text_layout *l, size_t k)
{
    line *ln = &l->lines[k];
    piece *pieces = calloc(ln->n_runs ? ln->n_runs : 1, sizeof *pieces);
    size_t np = 0;
    int rc = -1;
    SDL_Surface *canvas = NULL, *sub = NULL;
    int minx = 0, miny = 0, maxx = 0, maxy = 0, any = 0;
    int ul_y = l->size / 10 > 1 ? l->size / 10 : 1; /* underline below the baseline */
    int ul_h = l->size / 14 > 1 ? l->size / 14 : 1;

    ln->rendered = 1;
    ln->tex = NULL;
    if (!pieces) goto out;
    for (uint32_t ri = 0; ri < ln->n_runs; ri++) {
        const run *r = &l->runs[ln->run0 + ri];
        int ink = r->ellipsis;
        for (uint32_t i = r->start; i < r->end && !ink; i++)
            if (!(l->flags[i] & (KS_LB_SPACE | KS_LB_NEWLINE))) ink = 1;
        const span_style *ss = &l->spans[r->span];
        if (ss->link >= 0) { /* the underline, even under spaces inside a link */
            int x0 = r->x, x1 = r->x + r->adv, y0 = ul_y, y1 = ul_y + ul_h;
            if (!any || x0 < minx) minx = x0;
            if (!any || y0 < miny) miny = y0;
            if (!any || x1 > maxx) maxx = x1;
            if (!any || y1 > maxy) maxy = y1;
            any = 1;
        }
        if (!ink) continue;
        const char *s = r->ellipsis ? ELLIPSIS : encode(t, l, r->start, r->end);
        TTF_Font *f = s ? ks_fonts_get(t->fonts, r->face, l->size, r->bold, NULL) : NULL;
        if (!f) goto out;
        SDL_Color c = ss->color;
        if (c.a == 0) c.a = 255;
        SDL_Surface *surf = TTF_RenderUTF8_Blended(f, s, c);
        if (!surf) continue; /* zero-width text (format characters only) */
        if (surf->format->format != SDL_PIXELFORMAT_ARGB8888) {
            SDL_Surface *conv = SDL_ConvertSurfaceFormat(surf, SDL_PIXELFORMAT_ARGB8888, 0);
            SDL_FreeSurface(surf);
            if (!conv) goto out;
            surf = conv;
        }
        int asc = TTF_FontAscent(f), ystart = 0;
        if (surf->h != TTF_FontHeight(f)) {
            /* Some glyph reaches above the ascent or below the descent:
             * SDL_ttf grew the surface; find how much of that is on top. */
            int top = asc;
            uint32_t a = r->ellipsis ? 0 : r->start, b = r->ellipsis ? 0 : r->end;
            if (r->ellipsis) {
                int maxy_g = 0;
                if (TTF_GlyphMetrics32(f, ELLIPSIS_CP, NULL, NULL, NULL, &maxy_g, NULL) == 0 && maxy_g > top)
                    top = maxy_g;
            }
            for (uint32_t i = a; i < b; i++) {
                int maxy_g = 0;
                if (TTF_GlyphMetrics32(f, l->cps[i], NULL, NULL, NULL, &maxy_g, NULL) == 0 && maxy_g > top)
                    top = maxy_g;
            }
            ystart = top - asc;
        }
        piece p = {surf, r->x - r->xstart, -(asc + ystart)};
        pieces[np++] = p;
        if (!any || p.x < minx) minx = p.x;
        if (!any || p.y < miny) miny = p.y;
        if (!any || p.x + surf->w > maxx) maxx = p.x + surf->w;
        if (!any || p.y + surf->h > maxy) maxy = p.y + surf->h;
        any = 1;
    }
    if (!any) {
        rc = 0; /* a blank line */
        goto out;
    }
    canvas = SDL_CreateRGBSurfaceWithFormat(0, maxx - minx, maxy - miny, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!canvas) goto out;
    memset(canvas->pixels, 0, (size_t)canvas->pitch * (size_t)canvas->h);
    for (uint32_t ri = 0; ri < ln->n_runs; ri++) {
        const run *r = &l->runs[ln->run0 + ri];
        const span_style *ss = &l->spans[r->span];
        if (ss->link < 0) continue;
        SDL_Color c = ss->color;
        if (c.a == 0) c.a = 255;
        fill(canvas, (SDL_Rect){r->x - minx, ul_y - miny, r->adv, ul_h}, c);
    }
    for (size_t i = 0; i < np; i++)
        composite(canvas, pieces[i].s, pieces[i].x - minx, pieces[i].y - miny);

    /* Crop to the ink: CJK faces report tall ascents, most rows are empty. */
    int cx0 = canvas->w, cy0 = canvas->h, cx1 = -1, cy1 = -1;
    for (int y = 0; y < canvas->h; y++) {
        const Uint32 *row =
            (const Uint32 *)((const Uint8 *)canvas->pixels + (size_t)y * (size_t)canvas->pitch);
        for (int x = 0; x < canvas->w; x++) {
            if (!(row[x] >> 24)) continue;
            if (x < cx0) cx0 = x;
            if (x > cx1) cx1 = x;
            if (y < cy0) cy0 = y;
            if (y > cy1) cy1 = y;
        }
    }
    if (cx1 < 0) {
        rc = 0;
        goto out;
    }
    int cw = cx1 - cx0 + 1, ch = cy1 - cy0 + 1;
    sub = SDL_CreateRGBSurfaceWithFormatFrom((Uint8 *)canvas->pixels + (size_t)cy0 * (size_t)canvas->pitch +
                                                 (size_t)cx0 * 4,
                                             cw, ch, 32, canvas->pitch, SDL_PIXELFORMAT_ARGB8888);
    if (!sub) goto out;
    ln->tex = SDL_CreateTextureFromSurface(t->r, sub);
    if (!ln->tex) goto out;
    SDL_SetTextureBlendMode(ln->tex, SDL_BLENDMODE_BLEND);
    ln->tex_rect = (SDL_Rect){ln->x + minx + cx0, ln->baseline + miny + cy0, cw, ch};
    size_t bytes = (size_t)cw * (size_t)ch * 4;
    l->tex_bytes += bytes;
    t->tex_bytes += bytes;
    rc = 0;
out:
    if (rc != 0) log_error_limited(t, "rendering a line of text failed", SDL_GetError());
    for (size_t i = 0; i < np; i++)
        SDL_FreeSurface(pieces[i].s);
    free(pieces);
    SDL_FreeSurface(sub);
    SDL_FreeSurface(canvas);
    return rc;
}

/* Draws l with its lines aligned by align (which may differ from the
 * layout's own: cached labels are laid out once for every alignment). */
static void draw_aligned(ks_text_layout *l, int x, int y, Uint8 alpha, ks_text_align align)
{
    ks_text *t;
    if (!l || !l->t || alpha == 0) return;
    t = l->t;
    if (!t->r) return;
    SDL_Rect vp, vis;
    SDL_RenderGetViewport(t->r, &vp);
    vis = (SDL_Rect){0, 0, vp.w, vp.h};
    if (SDL_RenderIsClipEnabled(t->r)) {
        SDL_Rect clip;
        SDL_RenderGetClipRect(t->r, &clip);
        if (!SDL_IntersectRect(&vis, &clip, &vis)) return;
    }
    /* This layout is now the most recently drawn: budget eviction spares it. */
    if (l->in_lru) {
        lru_unlink(t, l);
        lru_push_front(t, l);
    }
    int pad = l->size; /* ink may reach beyond the line box */
    size_t first_vis = l->n_lines, last_vis = 0;
    for (size_t k = 0; k < l->n_lines; k++) {
        line *ln = &l->lines[k];
        int top = y + ln->y - pad, bottom = y + ln->y + l->line_h + pad;
        if (ln->rendered && ln->tex) {
            top = y + ln->tex_rect.y;
            bottom = top + ln->tex_rect.h;
        }
        if (bottom <= vis.y || top >= vis.y + vis.h) continue; /* off screen: not rendered either */
        if (k < first_vis) first_vis = k;
        last_vis = k;
        if (!ln->rendered) {
            render_line(t, l, k);
            if (l->tex_bytes && !l->in_lru) lru_push_front(t, l);
        }
        if (!ln->tex) continue;
        int shift = align == l->align ? 0 : aligned_x(l, ln, align) - ln->x;
        SDL_Rect dst = {x + shift + ln->tex_rect.x, y + ln->tex_rect.y, ln->tex_rect.w, ln->tex_rect.h};
        SDL_SetTextureAlphaMod(ln->tex, alpha);
        SDL_RenderCopy(t->r, ln->tex, NULL, &dst);
    }
    enforce_budget(t, l);
    /* Still over: this layout alone is too big (a long article scrolled
     * through); keep only the lines on screen now. */
    if (t->tex_bytes > t->budget) {
        for (size_t k = 0; k < l->n_lines; k++)
            if (k < first_vis || k > last_vis) drop_line_texture(l, &l->lines[k]);
        if (!l->tex_bytes) lru_unlink(t, l);
    }
}

void ks_text_layout_draw(ks_text *t, ks_text_layout *l, int x, int y, Uint8 alpha)
{
    (void)t; /* the layout knows its engine */
    if (l) draw_aligned(l, x, y, alpha, l->align);
}

int ks_text_layout_hit(const ks_text_layout *l, int px, int py)
{
    if (!l || py < 0 || py >= l->height) return -1;
    const line *ln = &l->lines[(size_t)(py / l->line_h)];
    for (uint32_t ri = 0; ri < ln->n_runs; ri++) {
        const run *r = &l->runs[ln->run0 + ri];
        int link = l->spans[r->span].link;
        if (link < 0) continue;
        int x0 = ln->x + r->x;
        if (px >= x0 && px < x0 + r->adv) return link;
    }
    return -1;
}

/* --- carets -------------------------------------------------------------- */

/* x of the boundary before code point c of line ln, relative to the layout. */
static int caret_x(ks_text *t, ks_text_layout *l, const line *ln, size_t c)
{
    for (uint32_t ri = 0; ri < ln->n_runs; ri++) {
        const run *r = &l->runs[ln->run0 + ri];
        if (r->ellipsis || c < r->start || c >= r->end) continue;
        if (c == r->start) return ln->x + r->x;
        const char *s = encode(t, l, r->start, c);
        TTF_Font *f = s ? ks_fonts_get(t->fonts, r->face, l->size, r->bold, NULL) : NULL;
        int adv = 0, xs = 0;
        if (!f || size_text(f, s, l->cps[r->start], &adv, &xs) != 0) return ln->x + r->x;
        return ln->x + r->x + adv;
    }
    if (ln->ellipsis && c >= ln->end && ln->n_runs) { /* hidden text: before the ellipsis */
        const run *last = &l->runs[ln->run0 + ln->n_runs - 1];
        return ln->x + last->x;
    }
    return ln->x + ln->width;
}

static size_t line_of(const ks_text_layout *l, size_t c)
{
    for (size_t k = 0; k + 1 < l->n_lines; k++)
        if (c < l->lines[k + 1].start) return k;
    return l->n_lines - 1;
}

SDL_Rect ks_text_layout_caret(ks_text_layout *l, size_t off)
{
    SDL_Rect r = {0, 0, 1, 0};
    if (!l || !l->t || !l->n_lines) return r;
    /* The code point that holds off (the last one starting at or before
     * it), then the start of its grapheme cluster. */
    size_t c;
    if (off >= l->src[l->n]) {
        c = l->n;
    } else {
        size_t lo = 0, hi = l->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (l->src[mid] <= off)
                lo = mid + 1;
            else
                hi = mid;
        }
        c = lo ? lo - 1 : 0;
        while (c > 0 && !(l->flags[c] & KS_LB_GRAPHEME))
            c--;
    }
    const line *ln = &l->lines[line_of(l, c)];
    r.x = caret_x(l->t, l, ln, c < ln->end ? c : ln->end);
    r.y = ln->y;
    r.w = l->size / 16 > 1 ? l->size / 16 : 1;
    r.h = l->line_h;
    return r;
}

size_t ks_text_layout_offset_at(ks_text_layout *l, int px, int py)
{
    if (!l || !l->t || !l->n_lines) return 0;
    int k = py < 0 ? 0 : py / l->line_h;
    if ((size_t)k >= l->n_lines) k = (int)l->n_lines - 1;
    const line *ln = &l->lines[k];
    size_t best = ln->start;
    int best_d = -1;
    for (size_t c = ln->start; c <= ln->end; c++) {
        if (c < ln->end && !(l->flags[c] & KS_LB_GRAPHEME)) continue;
        int x = caret_x(l->t, l, ln, c);
        int d = x > px ? x - px : px - x;
        if (best_d < 0 || d < best_d) {
            best_d = d;
            best = c;
        }
        if (x > px) break; /* further boundaries only get further away */
    }
    return l->src[best];
}

/* --- inspection ---------------------------------------------------------- */

int ks_text_layout_line_info(const ks_text_layout *l, size_t i, ks_text_line_info *out)
{
    if (!l || i >= l->n_lines) return -1;
    const line *ln = &l->lines[i];
    out->byte_start = l->src[ln->start];
    out->byte_end = l->src[ln->end]; /* where the next kept character starts */
    out->x = ln->x;
    out->y = ln->y;
    out->width = ln->width;
    out->baseline = ln->baseline;
    out->ellipsis = ln->ellipsis;
    return 0;
}

size_t ks_text_layout_runs(const ks_text_layout *l)
{
    return l ? l->n_runs : 0;
}

int ks_text_layout_run_info(const ks_text_layout *l, size_t i, ks_text_run_info *out)
{
    if (!l || i >= l->n_runs) return -1;
    const run *r = &l->runs[i];
    size_t k = 0;
    while (k + 1 < l->n_lines && i >= l->lines[k + 1].run0)
        k++;
    out->line = k;
    out->byte_start = l->src[r->start];
    out->byte_end = r->ellipsis ? out->byte_start : l->src[r->end];
    out->face = r->face;
    out->bold = r->bold;
    out->link = l->spans[r->span].link;
    out->ellipsis = r->ellipsis;
    out->x = l->lines[k].x + r->x;
    out->width = r->adv;
    return 0;
}

ks_fonts *ks_text_fonts(ks_text *t)
{
    return t ? t->fonts : NULL;
}

void ks_text_font_metrics(ks_text *t, const ks_text_style *style, int line_height_pct, ks_text_metrics *out)
{
    memset(out, 0, sizeof *out);
    if (!t || !style || style->size_px < 1 || style->size_px > MAX_SIZE_PX) return;
    metrics(t, style->size_px, line_height_pct, out, NULL);
}

/* --- the label cache ----------------------------------------------------- */

static uint64_t key_hash(const char *s, size_t len, const ks_text_style *st, int max_width, int max_lines)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    uint32_t vals[] = {(uint32_t)st->size_px, st->bold ? 1u : 0u, (uint32_t)max_width, (uint32_t)max_lines,
                       ((uint32_t)st->color.r << 24) | ((uint32_t)st->color.g << 16) |
                           ((uint32_t)st->color.b << 8) | st->color.a};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        h = (h ^ vals[i]) * 1099511628211ull;
    if (st->locale)
        for (const char *p = st->locale; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return h;
}

static void entry_unlink(ks_text *t, centry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        t->e_head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        t->e_tail = e->prev;
    e->prev = e->next = NULL;
}

static void entry_push_front(ks_text *t, centry *e)
{
    e->prev = NULL;
    e->next = t->e_head;
    if (t->e_head) t->e_head->prev = e;
    t->e_head = e;
    if (!t->e_tail) t->e_tail = e;
}

static void entry_destroy(ks_text *t, centry *e)
{
    centry **pp = &t->buckets[e->hash & (t->n_buckets - 1)];
    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp) *pp = e->hnext;
    entry_unlink(t, e);
    ks_text_layout_destroy(e->layout);
    free(e->text);
    free(e);
    t->n_entries--;
}

static void grow_buckets(ks_text *t)
{
    size_t nb = t->n_buckets * 2;
    centry **b = calloc(nb, sizeof *b);
    if (!b) return; /* longer chains: only slower */
    for (size_t i = 0; i < t->n_buckets; i++) {
        centry *e = t->buckets[i];
        while (e) {
            centry *next = e->hnext;
            e->hnext = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
            e = next;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->n_buckets = nb;
}

/* The cached layout of a label. The key leaves out the alignment: the
 * layout is made left-aligned and aligned when drawn, so measuring and
 * drawing a centred label share one entry. */
static ks_text_layout *cached_layout(ks_text *t, const char *utf8, const ks_text_style *style, int max_width,
                                     int max_lines)
{
    if (!utf8) utf8 = "";
    size_t len = strlen(utf8);
    const char *loc = style->locale ? style->locale : "";
    uint64_t h = key_hash(utf8, len, style, max_width, max_lines);
    for (centry *e = t->buckets[h & (t->n_buckets - 1)]; e; e = e->hnext) {
        if (e->hash != h || e->len != len || e->size != style->size_px || e->bold != (style->bold ? 1 : 0) ||
            e->max_width != max_width || e->max_lines != max_lines ||
            memcmp(&e->color, &style->color, sizeof e->color) != 0 || strcmp(e->locale, loc) != 0 ||
            memcmp(e->text, utf8, len) != 0)
            continue;
        t->hits++;
        entry_unlink(t, e);
        entry_push_front(t, e);
        return e->layout;
    }
    t->misses++;
    ks_error err = {0};
    ks_text_layout *l = NULL;
    if (ks_text_layout_plain(t, utf8, style, max_width, max_lines, KS_ALIGN_LEFT, &l, &err) != KS_OK) {
        log_error_limited(t, "laying out a label failed", err.msg);
        return NULL;
    }
    centry *e = calloc(1, sizeof *e);
    char *copy = malloc(len + 1);
    if (!e || !copy) {
        free(e);
        free(copy);
        ks_text_layout_destroy(l);
        return NULL;
    }
    memcpy(copy, utf8, len + 1);
    e->hash = h;
    e->text = copy;
    e->len = len;
    e->size = style->size_px;
    e->bold = style->bold ? 1 : 0;
    e->max_width = max_width;
    e->max_lines = max_lines;
    e->color = style->color;
    snprintf(e->locale, sizeof e->locale, "%s", loc);
    e->layout = l;
    e->hnext = t->buckets[h & (t->n_buckets - 1)];
    t->buckets[h & (t->n_buckets - 1)] = e;
    entry_push_front(t, e);
    t->n_entries++;
    while (t->n_entries > t->max_entries && t->e_tail && t->e_tail != e)
        entry_destroy(t, t->e_tail);
    if (t->n_entries > t->n_buckets) grow_buckets(t);
    return l;
}

void ks_text_draw(ks_text *t, const char *utf8, const ks_text_style *style, int x, int y, int max_width,
                  int max_lines, ks_text_align align, Uint8 alpha, int *w, int *h)
{
    ks_text_layout *l = t && style ? cached_layout(t, utf8, style, max_width, max_lines) : NULL;
    if (w) *w = l ? l->width : 0;
    if (h) *h = l ? l->height : 0;
    if (l) draw_aligned(l, x, y, alpha, align);
}

void ks_text_measure(ks_text *t, const char *utf8, const ks_text_style *style, int max_width, int max_lines,
                     int *w, int *h)
{
    ks_text_layout *l = t && style ? cached_layout(t, utf8, style, max_width, max_lines) : NULL;
    if (w) *w = l ? l->width : 0;
    if (h) *h = l ? l->height : 0;
}

void ks_text_get_stats(const ks_text *t, ks_text_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!t) return;
    out->cached_layouts = t->n_entries;
    out->cached_bytes = t->tex_bytes;
    out->hits = t->hits;
    out->misses = t->misses;
}

/* --- life cycle ---------------------------------------------------------- */

ks_status ks_text_create_with(SDL_Renderer *r, const ks_text_options *opt, ks_text **out, ks_error *err)
{
    *out = NULL;
    ks_text *t = calloc(1, sizeof *t);
    if (!t) return ks_error_set(err, KS_ERR_NOMEM, "text: out of memory");
    t->r = r;
    t->budget = opt && opt->texture_budget ? opt->texture_budget : DEFAULT_BUDGET;
    t->max_entries = opt && opt->max_cached_layouts ? opt->max_cached_layouts : DEFAULT_MAX_ENTRIES;
    t->n_buckets = 256;
    t->buckets = calloc(t->n_buckets, sizeof *t->buckets);
    if (!t->buckets) {
        free(t);
        return ks_error_set(err, KS_ERR_NOMEM, "text: out of memory");
    }
    ks_font_options fo = {0};
    if (opt) {
        fo.latin_family = opt->latin_family;
        fo.cjk_sc_family = opt->cjk_sc_family;
        fo.cjk_tc_family = opt->cjk_tc_family;
        fo.max_open_fonts = opt->max_open_fonts;
        fo.max_open_cjk_fonts = opt->max_open_cjk_fonts;
    }
    ks_status st = ks_fonts_create(&fo, &t->fonts, err);
    if (st) {
        free(t->buckets);
        free(t);
        return st;
    }
    *out = t;
    return KS_OK;
}

ks_status ks_text_create(SDL_Renderer *r, ks_text **out, ks_error *err)
{
    return ks_text_create_with(r, NULL, out, err);
}

void ks_text_flush_cache(ks_text *t)
{
    if (!t) return;
    while (t->e_head)
        entry_destroy(t, t->e_head);
    for (ks_text_layout *l = t->all; l; l = l->all_next)
        drop_textures(l);
}

void ks_text_set_renderer(ks_text *t, SDL_Renderer *r)
{
    if (!t) return;
    ks_text_flush_cache(t);
    t->r = r;
}

void ks_text_destroy(ks_text *t)
{
    if (!t) return;
    ks_text_flush_cache(t);
    /* Layouts the caller still holds stay valid to destroy, not to draw. */
    while (t->all) {
        ks_text_layout *l = t->all;
        list_remove(t, l);
        l->t = NULL;
    }
    free(t->buckets);
    free(t->scratch);
    for (int i = 0; i < MEMO_SLOTS; i++)
        free(t->memo[i].runs);
    ks_fonts_destroy(t->fonts);
    free(t);
}
