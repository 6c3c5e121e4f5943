/*
 * widgets.h - the kiosk's visual building blocks: buttons, category tiles,
 * list rows, the language switch, toggles, badges, cards, the scroll
 * indicator, the focus ring and the avatar emblem.
 *
 * Widgets are drawing functions over ks_ui (immediate mode): the caller
 * owns layout and state (pressed, selected, focused) and registers the
 * tap targets; a widget only turns a rectangle and a state into pixels in
 * the theme's colours and type. Sizes they need come from the theme
 * metrics, so they scale from 1280x800 panels to 4K walls.
 */
#ifndef KS_WIDGETS_H
#define KS_WIDGETS_H

#include <stddef.h>

#include <SDL.h>

#include "ks/draw.h"
#include "ks/ui.h"

#define KS_NO_ICON ((ks_icon)-1)

typedef enum ks_button_kind {
    KS_BUTTON_PRIMARY,   /* filled with the primary colour */
    KS_BUTTON_SECONDARY, /* a quiet surface with a border */
    KS_BUTTON_GHOST,     /* text and icon only (top bar) */
} ks_button_kind;

/* A button with an optional icon before the label (label may be NULL for
 * an icon-only button). Height comes from r; content is centred. */
void ks_widget_button(ks_ui *ui, SDL_Rect r, ks_button_kind kind, ks_icon icon, const char *label,
                      int pressed);
/* The width a button needs for icon + label at height h. */
int ks_widget_button_width(ks_ui *ui, int h, ks_icon icon, const char *label);

/* A surface card with a soft lower edge; pressed darkens it. */
void ks_widget_card(ks_ui *ui, SDL_Rect r, int radius, int pressed);

/* A category tile: a monogram disc (the title's first character) tinted
 * by palette index hue, the title (two lines at most) and a caption. */
void ks_widget_tile(ks_ui *ui, SDL_Rect r, const char *title, const char *caption, int hue, int pressed);

/* A list row: a leading icon, a title (max_lines, 0 = 2), an optional
 * caption under it, a chevron. */
void ks_widget_row(ks_ui *ui, SDL_Rect r, ks_icon icon, const char *title, const char *caption,
                   int max_lines, int pressed);
/* The height a row needs at width w. */
int ks_widget_row_height(ks_ui *ui, int w, const char *title, const char *caption, int max_lines);

/* One option of a segmented control: its label and the locale to shape it
 * in (language names are written in their own script). */
typedef struct ks_segment {
    const char *label;
    const char *locale; /* NULL = the UI locale */
} ks_segment;
/* A segmented control (the language switch). Fills item_rects[i] (n
 * entries) with each option's touch rectangle. pressed: index or -1. */
void ks_widget_segmented(ks_ui *ui, SDL_Rect r, const ks_segment *items, size_t n, size_t selected,
                         int pressed, SDL_Rect *item_rects);
/* The width the segmented control needs at height h. */
int ks_widget_segmented_width(ks_ui *ui, int h, const ks_segment *items, size_t n);

/* An on/off switch drawn in r (about 1.7:1); pos 0..1 animates the knob. */
void ks_widget_toggle(ks_ui *ui, SDL_Rect r, float pos);

/* A rounded badge with an icon and text that wraps within max_w; draws at
 * (x, y) and returns its size. */
void ks_widget_badge(ks_ui *ui, int x, int y, int max_w, ks_icon icon, const char *text, SDL_Color bg,
                     SDL_Color fg, int *w, int *h);
/* The size ks_widget_badge would use. */
void ks_widget_badge_size(ks_ui *ui, int max_w, ks_icon icon, const char *text, int *w, int *h);

/* The keyboard/gamepad focus outline around r. */
void ks_widget_focus_ring(ks_ui *ui, SDL_Rect r, int radius);

/* A thin scroll indicator at the right edge of viewport; alpha fades it. */
void ks_widget_scrollbar(ks_ui *ui, SDL_Rect viewport, float offset, float max, Uint8 alpha);
/* The strip of viewport the indicator may occupy (to redraw it alone). */
SDL_Rect ks_widget_scrollbar_strip(ks_ui *ui, SDL_Rect viewport);

/* The avatar's place on the home screen until the animated agent lands:
 * a calm emblem (a face in a disc with a soft halo) of radius rad. */
void ks_widget_emblem(ks_ui *ui, int cx, int cy, int rad);

/* A colour of the tile palette (hue index wraps). */
SDL_Color ks_widget_hue(ks_ui *ui, int hue, int strong);

#endif
