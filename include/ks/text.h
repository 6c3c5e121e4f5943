/*
 * text.h - the text engine: fonts found through fontconfig, shaping through
 * SDL_ttf (HarfBuzz), per-run font fallback so mixed Chinese/Latin text never
 * shows missing-glyph boxes, word wrap for Latin and line breaking for CJK
 * (no line starts with closing punctuation), ellipsis, and a cache of
 * rendered lines so nothing unchanged is re-rendered each frame.
 *
 * All calls are for the UI thread (they use the SDL_Renderer).
 */
#ifndef KS_TEXT_H
#define KS_TEXT_H

#include <stddef.h>

#include <SDL.h>

#include "ks/error.h"

typedef struct ks_text ks_text;

/* Creates the engine for renderer r (not owned). Finds a Latin and CJK
 * faces (Simplified and Traditional variants) through fontconfig; when a
 * needed font is missing, fails with a message that names the Debian
 * packages to install. *out: ks_text_destroy(). */
ks_status ks_text_create(SDL_Renderer *r, ks_text **out, ks_error *err);
void ks_text_destroy(ks_text *t);

/* Drops every cached texture (call after the renderer was recreated or
 * when the theme's type scale changed). */
void ks_text_flush_cache(ks_text *t);

typedef enum ks_text_align { KS_ALIGN_LEFT, KS_ALIGN_CENTER, KS_ALIGN_RIGHT } ks_text_align;

typedef struct ks_text_style {
    int size_px;          /* pixel size of the em */
    int bold;
    SDL_Color color;
    const char *locale;   /* "zh-Hant" picks Traditional glyph forms; NULL = zh-Hans/Latin */
} ks_text_style;

/* One run of rich text: a piece of a paragraph with its own weight/colour.
 * link >= 0 marks a tappable link (returned by ks_text_layout_hit). */
typedef struct ks_text_span {
    const char *text;
    size_t len;
    int bold;
    SDL_Color color;
    int link;             /* -1 when not a link */
} ks_text_span;

/* A laid-out paragraph: lines broken to max_width. Owned by the caller:
 * ks_text_layout_destroy(). Its textures are created on first draw. */
typedef struct ks_text_layout ks_text_layout;

/* Lays out spans (their text is copied). max_lines > 0 ends the last line
 * with an ellipsis when the text is longer. line_height_pct: line spacing
 * in percent of the size (0 = 140). */
ks_status ks_text_layout_spans(ks_text *t, const ks_text_span *spans, size_t n_spans,
                               const ks_text_style *base, int max_width, int max_lines,
                               int line_height_pct, ks_text_align align, ks_text_layout **out,
                               ks_error *err);
/* Shorthand for one plain span. */
ks_status ks_text_layout_plain(ks_text *t, const char *utf8, const ks_text_style *style, int max_width,
                               int max_lines, ks_text_align align, ks_text_layout **out, ks_error *err);
void ks_text_layout_destroy(ks_text_layout *l);

int ks_text_layout_width(const ks_text_layout *l);
int ks_text_layout_height(const ks_text_layout *l);
size_t ks_text_layout_lines(const ks_text_layout *l);
/* Draws with its top-left at x, y; alpha 0..255 multiplies colours. */
void ks_text_layout_draw(ks_text *t, ks_text_layout *l, int x, int y, Uint8 alpha);
/* The link index under point (px, py) relative to the layout's top-left, or -1. */
int ks_text_layout_hit(const ks_text_layout *l, int px, int py);

/* Draws one string, cached by (text, style, max_width, max_lines): the
 * simple path for labels. Returns the drawn size through w/h (may be NULL).
 * Cached layouts unused for a while are evicted. */
void ks_text_draw(ks_text *t, const char *utf8, const ks_text_style *style, int x, int y, int max_width,
                  int max_lines, ks_text_align align, Uint8 alpha, int *w, int *h);
/* Measures what ks_text_draw would draw, without drawing. */
void ks_text_measure(ks_text *t, const char *utf8, const ks_text_style *style, int max_width,
                     int max_lines, int *w, int *h);

/* Cache figures for the stats file and tests. */
typedef struct ks_text_stats {
    size_t cached_layouts;
    size_t cached_bytes;
    size_t hits;
    size_t misses;
} ks_text_stats;
void ks_text_get_stats(const ks_text *t, ks_text_stats *out);

#endif
