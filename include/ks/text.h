/*
 * text.h - the text engine: fonts found through fontconfig, shaping through
 * SDL_ttf (HarfBuzz), per-run font fallback so mixed Chinese/Latin text never
 * shows missing-glyph boxes, word wrap for Latin and line breaking for CJK
 * (no line starts with closing punctuation), ellipsis, and a cache of
 * rendered lines so nothing unchanged is re-rendered each frame.
 *
 * How text is drawn: a layout splits its text into lines (linebreak.h) and
 * each line into runs of one face and one span style (font.h); on first
 * draw each visible line is rendered once (TTF_RenderUTF8_Blended per run,
 * runs aligned on a common baseline) into one texture, kept until the
 * layout is destroyed or the texture budget evicts it (least recently drawn
 * first). Works with every renderer, including the software one.
 *
 * Vertical metrics: a line box is size_px * line_height_pct / 100 high
 * (default 140 %); the baseline sits where the Latin face's ascent and
 * descent are centred in the box, the same for every line and every face,
 * so Latin and CJK runs share one baseline. Ink may reach slightly outside
 * the box when the line height is small; nothing is clipped.
 *
 * Byte offsets (caret, hit tests, runs) count in the text as given: for
 * spans, in their texts one after the other.
 *
 * All calls are for the UI thread (they use the SDL_Renderer). Destroy the
 * engine (or call ks_text_set_renderer) before destroying its renderer.
 */
#ifndef KS_TEXT_H
#define KS_TEXT_H

#include <stddef.h>

#include <SDL.h>

#include "ks/error.h"

typedef struct ks_text ks_text;
typedef struct ks_fonts ks_fonts;

/* Creates the engine for renderer r (not owned; may be NULL for layout
 * and measuring only). Finds a Latin and CJK
 * faces (Simplified and Traditional variants) through fontconfig; when a
 * needed font is missing, fails with a message that names the Debian
 * packages to install. *out: ks_text_destroy(). */
ks_status ks_text_create(SDL_Renderer *r, ks_text **out, ks_error *err);
void ks_text_destroy(ks_text *t);

/* Tuning; zero / NULL fields take the defaults. */
typedef struct ks_text_options {
    const char *latin_family;  /* default "Noto Sans", then "DejaVu Sans" */
    const char *cjk_sc_family; /* default "Noto Sans CJK SC" (zh-Hans, and CJK outside zh-Hant) */
    const char *cjk_tc_family; /* default "Noto Sans CJK TC" (zh-Hant) */
    int max_open_fonts;        /* (face, size, bold) fonts kept open, default 16 */
    int max_open_cjk_fonts;    /* of which CJK (~2.4 MB of heap each), default 8 */
    size_t texture_budget;     /* bytes of line textures kept, default 32 MB */
    size_t max_cached_layouts; /* ks_text_draw/measure cache entries, default 1024 */
} ks_text_options;
/* ks_text_create with options (opt may be NULL). A family named here that
 * is not installed fails like a missing default font. */
ks_status ks_text_create_with(SDL_Renderer *r, const ks_text_options *opt, ks_text **out, ks_error *err);

/* Drops every cached texture (call after the renderer was recreated or
 * when the theme's type scale changed). */
void ks_text_flush_cache(ks_text *t);
/* Switches to another renderer: drops every texture first, so call it
 * while the old renderer still exists. */
void ks_text_set_renderer(ks_text *t, SDL_Renderer *r);

typedef enum ks_text_align { KS_ALIGN_LEFT, KS_ALIGN_CENTER, KS_ALIGN_RIGHT } ks_text_align;

typedef struct ks_text_style {
    int size_px; /* pixel size of the em */
    int bold;
    SDL_Color color;
    const char *locale; /* "zh-Hant" picks Traditional glyph forms; NULL = zh-Hans/Latin */
} ks_text_style;

/* One run of rich text: a piece of a paragraph with its own weight/colour.
 * link >= 0 marks a tappable link (returned by ks_text_layout_hit).
 * bold adds to the base style's; a colour with alpha 0 takes the base
 * style's colour. Links are drawn underlined. */
typedef struct ks_text_span {
    const char *text;
    size_t len;
    int bold;
    SDL_Color color;
    int link; /* -1 when not a link */
} ks_text_span;

/* A laid-out paragraph: lines broken to max_width. Owned by the caller:
 * ks_text_layout_destroy(). Its textures are created on first draw. */
typedef struct ks_text_layout ks_text_layout;

/* Lays out spans (their text is copied). max_lines > 0 ends the last line
 * with an ellipsis when the text is longer. line_height_pct: line spacing
 * in percent of the size (0 = 140). max_width <= 0: no wrapping (lines
 * end only at newlines). Lines are aligned inside max_width (or inside the
 * widest line when max_width <= 0). */
ks_status ks_text_layout_spans(ks_text *t, const ks_text_span *spans, size_t n_spans,
                               const ks_text_style *base, int max_width, int max_lines, int line_height_pct,
                               ks_text_align align, ks_text_layout **out, ks_error *err);
/* Shorthand for one plain span. */
ks_status ks_text_layout_plain(ks_text *t, const char *utf8, const ks_text_style *style, int max_width,
                               int max_lines, ks_text_align align, ks_text_layout **out, ks_error *err);
void ks_text_layout_destroy(ks_text_layout *l);

/* The widest line's width (with center/right alignment and max_width > 0
 * the lines sit inside the max_width box that starts at the draw x). */
int ks_text_layout_width(const ks_text_layout *l);
/* Number of lines times the line height. */
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
void ks_text_measure(ks_text *t, const char *utf8, const ks_text_style *style, int max_width, int max_lines,
                     int *w, int *h);

/* Cache figures for the stats file and tests. hits/misses count lookups
 * by ks_text_draw and ks_text_measure; cached_bytes is every line texture
 * the engine holds (cached labels and caller-owned layouts). */
typedef struct ks_text_stats {
    size_t cached_layouts;
    size_t cached_bytes;
    size_t hits;
    size_t misses;
} ks_text_stats;
void ks_text_get_stats(const ks_text *t, ks_text_stats *out);

/* --- metrics, carets and inspection ------------------------------------- */

/* Vertical metrics of a style, in pixels: the Latin face's ascent and
 * descent (positive, below the baseline), the line box height for
 * line_height_pct (0 = 140) and the baseline's offset from the box top. */
typedef struct ks_text_metrics {
    int ascent, descent, line_height, baseline;
} ks_text_metrics;
void ks_text_font_metrics(ks_text *t, const ks_text_style *style, int line_height_pct, ks_text_metrics *out);

/* Offset of the first line's baseline from the layout's top. */
int ks_text_layout_baseline(const ks_text_layout *l);

/* The caret before byte offset off (clamped to the text; inside a
 * character: before it), relative to the layout's top-left: x, top of the
 * line box, width 1..size/16, line height. For text fields. */
SDL_Rect ks_text_layout_caret(ks_text_layout *l, size_t off);
/* The byte offset of the character boundary nearest to (px, py). */
size_t ks_text_layout_offset_at(ks_text_layout *l, int px, int py);

/* One line / one run of a layout, for tests and diagnostics. face is a
 * font.h face id (KS_FACE_LATIN, KS_FACE_CJK_SC, ...). The ellipsis run
 * has byte_start == byte_end. */
typedef struct ks_text_line_info {
    size_t byte_start, byte_end; /* drawn text */
    int x, y, width, baseline;
    int ellipsis;
} ks_text_line_info;
typedef struct ks_text_run_info {
    size_t line;
    size_t byte_start, byte_end;
    int face, bold, link, ellipsis;
    int x, width; /* relative to the layout's top-left */
} ks_text_run_info;
int ks_text_layout_line_info(const ks_text_layout *l, size_t i, ks_text_line_info *out);
size_t ks_text_layout_runs(const ks_text_layout *l);
int ks_text_layout_run_info(const ks_text_layout *l, size_t i, ks_text_run_info *out);

/* The engine's fonts (font.h), e.g. to check glyph coverage. Borrowed. */
ks_fonts *ks_text_fonts(ks_text *t);

#endif
