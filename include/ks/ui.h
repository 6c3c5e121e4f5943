/*
 * ui.h - the drawing context every screen and widget draws through.
 *
 * It holds the renderer, the text engine, the shape cache, the theme and
 * the pixel metrics of the current window, and it keeps, for each frame:
 *   - the dirty region: only what changed is redrawn (the software
 *     renderer's cost is proportional to the pixels it touches); every
 *     draw call outside it is skipped, everything is still walked;
 *   - the tap targets ("hits") in drawing order, so input goes to what
 *     the visitor sees, topmost first;
 *   - the visible text elements and their rectangles, which the headless
 *     harness uses for tap-text and expect-text.
 * A translation and a clip stack let a screen be drawn at an offset (slide
 * transitions) and a scroll view clip its content.
 *
 * Coordinates are window pixels. All calls are for the UI thread.
 */
#ifndef KS_UI_H
#define KS_UI_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "ks/draw.h"
#include "ks/error.h"
#include "ks/text.h"
#include "ks/theme.h"

typedef struct ks_ui ks_ui;
typedef struct ks_scroll ks_scroll;

/* Creates a context over renderer r and text engine t (neither owned);
 * it owns its shape cache. *out: ks_ui_destroy(). */
ks_status ks_ui_create(SDL_Renderer *r, ks_text *t, ks_ui **out, ks_error *err);
void ks_ui_destroy(ks_ui *ui);

/* Sets the theme (not owned: keep it alive while set), the window size,
 * DPI and large-text mode, recomputing the metrics. Marks everything
 * dirty. */
void ks_ui_configure(ks_ui *ui, const ks_theme *theme, int w, int h, int dpi, int large_text);
/* The UI locale: text styles from ks_ui_style() carry it (zh-Hant picks
 * Traditional glyph forms). Copied. */
void ks_ui_set_locale(ks_ui *ui, const char *locale);
const char *ks_ui_locale(const ks_ui *ui);

const ks_theme *ks_ui_theme(const ks_ui *ui);
const ks_theme_colors *ks_ui_colors(const ks_ui *ui);
const ks_theme_metrics *ks_ui_metrics(const ks_ui *ui);
int ks_ui_width(const ks_ui *ui);
int ks_ui_height(const ks_ui *ui);
/* A length in the theme's spacing units (n * spacing_px). */
int ks_ui_sp(const ks_ui *ui, float n);
/* A stroke or small length that scales with the screen (n * scale, >= 1). */
int ks_ui_px(const ks_ui *ui, float n);
SDL_Renderer *ks_ui_renderer(ks_ui *ui);
ks_text *ks_ui_text_engine(ks_ui *ui);
ks_draw *ks_ui_draw(ks_ui *ui);

/* Type roles of the theme's scale. */
typedef enum ks_type_role {
    KS_TYPE_CAPTION,
    KS_TYPE_BODY,
    KS_TYPE_SUBTITLE,
    KS_TYPE_TITLE,
    KS_TYPE_DISPLAY,
} ks_type_role;
/* A text style of role, in the UI locale. */
ks_text_style ks_ui_style(const ks_ui *ui, ks_type_role role, int bold, SDL_Color color);
int ks_ui_type_px(const ks_ui *ui, ks_type_role role);

/* --- dirty region -------------------------------------------------------- */

/* Marks r (in current translated coordinates) as needing a redraw. */
void ks_ui_invalidate(ks_ui *ui, SDL_Rect r);
void ks_ui_invalidate_all(ks_ui *ui);
int ks_ui_dirty(const ks_ui *ui);

/* The surface the renderer draws into, when its pixels persist between
 * frames and may be moved (the software renderer); NULL otherwise (every
 * move then becomes a redraw). Not owned. */
void ks_ui_set_framebuffer(ks_ui *ui, SDL_Surface *fb);
/* Moves what is already drawn inside r (window coordinates) by dx, dy,
 * right now, and marks only the uncovered strips dirty: a slide or a
 * scroll then costs a memory move plus drawing what came into view,
 * instead of a whole redraw. Dirty rectangles inside r move along. Call
 * between frames (not while drawing). */
void ks_ui_move(ks_ui *ui, SDL_Rect r, int dx, int dy);

/* --- frames -------------------------------------------------------------- */

/* Starts a frame: takes the dirty rectangles, clears the registries and
 * clips the renderer to the first rectangle. Returns 0 when nothing is
 * dirty (skip the frame). Draw the whole scene once per pass:
 *   if (ks_ui_begin_frame(ui)) { do draw(); while (ks_ui_next_pass(ui)); ks_ui_end_frame(ui); }
 * Hits and visible text are recorded during the first pass only. */
int ks_ui_begin_frame(ks_ui *ui);
/* Moves to the next dirty rectangle; 0 when the frame is complete. */
int ks_ui_next_pass(ks_ui *ui);
/* The rectangle this pass redraws. */
SDL_Rect ks_ui_frame_rect(const ks_ui *ui);
void ks_ui_end_frame(ks_ui *ui);
/* Copies into out (at most cap) the rectangles changed since the last call
 * (redrawn or moved), which a window must present, and forgets them.
 * Returns how many were copied (when more changed than fit, their
 * bounding rectangle is the last one). */
size_t ks_ui_take_changed(ks_ui *ui, SDL_Rect *out, size_t cap);

/* Translation added to everything drawn and registered. */
void ks_ui_translate(ks_ui *ui, int dx, int dy);
void ks_ui_get_translation(const ks_ui *ui, int *dx, int *dy);
/* Clip stack (rects in translated coordinates; intersected). */
void ks_ui_push_clip(ks_ui *ui, SDL_Rect r);
void ks_ui_pop_clip(ks_ui *ui);
/* 1 when r (translated) intersects the visible clip and the frame's dirty
 * region: worth drawing. */
int ks_ui_needs_draw(const ks_ui *ui, SDL_Rect r);
/* 1 when r (translated) is at least partly visible (ignores dirtiness). */
int ks_ui_visible(const ks_ui *ui, SDL_Rect r);

/* Warming: between ks_ui_warm_begin() and ks_ui_warm_end(), drawing
 * touches no pixel and records nothing, but text that would be visible
 * is rendered into the text engine's cache, until budget_us of real time
 * is spent. A screen sliding in is warmed a little each frame, so its
 * first visible frame does not pay for rendering all its text at once.
 * Use inside a frame, in its first pass. ks_ui_warm_end() returns 1 when
 * the budget ran out before everything was warm. */
void ks_ui_warm_begin(ks_ui *ui, uint64_t budget_us);
int ks_ui_warm_end(ks_ui *ui);
/* 1 during the first pass of a frame. */
int ks_ui_first_pass(const ks_ui *ui);

/* --- drawing (skipped outside the dirty region) ------------------------- */

void ks_ui_fill(ks_ui *ui, SDL_Rect r, SDL_Color c);
/* Blends colour c (its alpha is the strength) over what is already drawn
 * in r: the dim behind dialogs. Done directly on the framebuffer when
 * there is one (fast at any size), else as a blended fill. */
void ks_ui_dim(ks_ui *ui, SDL_Rect r, SDL_Color c);
/* The same, right now, on what is already on screen (between frames, like
 * ks_ui_move): a dialog opening dims the screen without redrawing it.
 * Returns 0 (and does nothing) without a framebuffer: redraw instead. */
int ks_ui_dim_now(ks_ui *ui, SDL_Rect r, SDL_Color c);
void ks_ui_round_rect(ks_ui *ui, SDL_Rect r, int radius, SDL_Color c);
void ks_ui_round_outline(ks_ui *ui, SDL_Rect r, int radius, int thickness, SDL_Color c);
void ks_ui_circle(ks_ui *ui, int cx, int cy, int rad, SDL_Color c);
void ks_ui_ring(ks_ui *ui, int cx, int cy, int rad, int thickness, SDL_Color c);
void ks_ui_icon(ks_ui *ui, ks_icon icon, int x, int y, int size, SDL_Color c);
/* A texture scaled into dst (alpha 0..255). */
void ks_ui_texture(ks_ui *ui, SDL_Texture *tex, const SDL_Rect *src, SDL_Rect dst, Uint8 alpha);

/* Draws a label (cached by the text engine) and records it as a visible
 * text element. Returns the drawn size through w/h (may be NULL). */
void ks_ui_text(ks_ui *ui, const char *utf8, const ks_text_style *style, int x, int y, int max_width,
                int max_lines, ks_text_align align, Uint8 alpha, int *w, int *h);
/* Measures what ks_ui_text would draw. */
void ks_ui_text_size(ks_ui *ui, const char *utf8, const ks_text_style *style, int max_width,
                     int max_lines, int *w, int *h);
/* Draws a laid-out paragraph and records plain (its text: the spans'
 * text concatenated, for tap-text and expect-text; may be NULL to record
 * nothing). Each link is also recorded as an element of its own, before
 * the paragraph. */
void ks_ui_layout(ks_ui *ui, ks_text_layout *l, const char *plain, int x, int y, Uint8 alpha);

/* Records the name of an icon-only control (the settings button, a close
 * cross) as a text element over r without drawing anything: what a
 * screen reader would say, and what tap-text finds. */
void ks_ui_label(ks_ui *ui, const char *utf8, SDL_Rect r);

/* --- hits (tap targets) --------------------------------------------------- */

/* Who handles a hit. */
typedef enum ks_hit_owner { KS_HIT_CHROME, KS_HIT_SCREEN, KS_HIT_OVERLAY } ks_hit_owner;

typedef struct ks_hit {
    ks_hit_owner owner;
    int id;
    SDL_Rect rect;     /* full rectangle, window coordinates */
    SDL_Rect visible;  /* the part inside the clip when registered */
    ks_scroll *scroll; /* the scroll view it lives in, or NULL */
    int focusable;     /* reachable with Tab / arrows */
} ks_hit;

/* Registers a tap target (translated, clipped to the current clip);
 * scroll: the scroll view the target moves with (may be NULL). Targets
 * wholly clipped away are not registered. */
void ks_ui_hit(ks_ui *ui, ks_hit_owner owner, int id, SDL_Rect r, ks_scroll *scroll, int focusable);
/* The topmost target containing (x, y), or NULL. Valid until the next
 * ks_ui_begin_frame(). */
const ks_hit *ks_ui_hit_at(const ks_ui *ui, int x, int y);
/* The target with this owner and id, or NULL. */
const ks_hit *ks_ui_hit_find(const ks_ui *ui, ks_hit_owner owner, int id);
size_t ks_ui_hit_count(const ks_ui *ui);
const ks_hit *ks_ui_hit_get(const ks_ui *ui, size_t index);

/* --- visible text (for the headless harness) ----------------------------- */

typedef struct ks_ui_text_element {
    const char *text;
    SDL_Rect rect; /* the visible part, window coordinates */
} ks_ui_text_element;
size_t ks_ui_text_count(const ks_ui *ui);
/* Fills *out with element index (its text valid until the next frame).
 * Returns 0, or -1 when index is out of range. */
int ks_ui_text_get(const ks_ui *ui, size_t index, ks_ui_text_element *out);
/* The first visible element whose text contains needle (byte substring):
 * returns 0 and fills *out, or -1 when none does. */
int ks_ui_text_find(const ks_ui *ui, const char *needle, ks_ui_text_element *out);

#endif
