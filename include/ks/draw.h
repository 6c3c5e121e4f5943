/*
 * draw.h - anti-aliased shapes and icons for the software renderer.
 *
 * SDL's renderer has no anti-aliasing and no rounded corners, and the
 * software renderer is slow at anything per-pixel. So shapes are rasterised
 * once, from signed distance functions, into small white textures (a
 * corner of a given radius, an icon at a given size, a circle) that are
 * kept and tinted with SDL_SetTextureColorMod when drawn. Large areas are
 * plain fill rectangles, which the software renderer does at memset speed.
 *
 * Icons are drawn on a 24 x 24 design grid with 2-unit strokes, so they
 * scale to any size and keep the same weight as the type.
 *
 * All calls are for the UI thread. Nothing here decides layout or colours:
 * callers pass rectangles and SDL_Colors (from the theme).
 */
#ifndef KS_DRAW_H
#define KS_DRAW_H

#include <stddef.h>

#include <SDL.h>

#include "ks/error.h"

typedef struct ks_draw ks_draw;

typedef enum ks_icon {
    KS_ICON_SEARCH,
    KS_ICON_BACK,
    KS_ICON_HOME,
    KS_ICON_GLOBE,
    KS_ICON_ACCESS,      /* accessibility: a figure in a circle */
    KS_ICON_CLOSE,
    KS_ICON_CHEVRON_RIGHT,
    KS_ICON_CHEVRON_LEFT,
    KS_ICON_INFO,
    KS_ICON_PERSON,
    KS_ICON_LINK,
    KS_ICON_CHECK,
    KS_ICON_CLEAR,       /* a filled disc with an X cut out */
    KS_ICON_FACE,        /* the avatar emblem's calm face */
    KS_ICON_CONTRAST,
    KS_ICON_TEXT_SIZE,
    KS_ICON_DOCUMENT,
    KS_ICON_QUESTION,
    KS_ICON_IMAGE,       /* placeholder for an image that failed to load */
    KS_ICON_KB_SHIFT,    /* on-screen keyboard: shift (an outlined arrow) */
    KS_ICON_KB_CAPS,     /* on-screen keyboard: caps lock (the arrow over a bar) */
    KS_ICON_KB_BACKSPACE,
    KS_ICON_KB_RETURN,   /* on-screen keyboard: Enter */
    KS_ICON_KB_HIDE,     /* on-screen keyboard: hide (a keyboard over a chevron) */
    KS_ICON_COUNT_
} ks_icon;

/* Creates the shape cache for renderer r (not owned). *out:
 * ks_draw_destroy(). */
ks_status ks_draw_create(SDL_Renderer *r, ks_draw **out, ks_error *err);
void ks_draw_destroy(ks_draw *d);
/* Drops every cached texture (after the renderer was recreated). */
void ks_draw_flush(ks_draw *d);

/* A filled rectangle; blended when c.a < 255. */
void ks_draw_rect(ks_draw *d, SDL_Rect r, SDL_Color c);
/* A filled rectangle with rounded corners (radius clamped to half the
 * shorter side). */
void ks_draw_round_rect(ks_draw *d, SDL_Rect r, int radius, SDL_Color c);
/* Only the outline, thickness px wide, inside r. */
void ks_draw_round_rect_outline(ks_draw *d, SDL_Rect r, int radius, int thickness, SDL_Color c);
/* A filled disc of radius rad centred on (cx, cy). */
void ks_draw_circle(ks_draw *d, int cx, int cy, int rad, SDL_Color c);
/* A ring (circle outline) thickness px wide, inside radius rad. */
void ks_draw_ring(ks_draw *d, int cx, int cy, int rad, int thickness, SDL_Color c);
/* An icon scaled to size x size px with its top-left at (x, y). */
void ks_draw_icon(ks_draw *d, ks_icon icon, int x, int y, int size, SDL_Color c);

/* Cache figures for stats and tests. */
size_t ks_draw_cached_textures(const ks_draw *d);
size_t ks_draw_cached_bytes(const ks_draw *d);

/* Rasterises icon at size px into a new ARGB8888 surface (white, alpha =
 * coverage). For tests and for callers that compose their own textures.
 * NULL on no memory or a bad argument. Free with SDL_FreeSurface(). */
SDL_Surface *ks_draw_icon_surface(ks_icon icon, int size);

#endif
