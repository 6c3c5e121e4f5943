/*
 * screen_common.h - layout and motion helpers shared by the screens
 * (private to client/app): the reading column, scroll views that redraw
 * only while they move, the caret blink of a focused field.
 */
#ifndef KS_APP_SCREEN_COMMON_H
#define KS_APP_SCREEN_COMMON_H

#include "app.h"

/* The content column inside area: centred, at most max_em body sizes wide,
 * with the screen margins. */
SDL_Rect sc_column(app *a, SDL_Rect area, float max_em);
/* The outer margin of screens. */
int sc_margin(app *a);
/* 1 when the area is landscape enough for side-by-side layouts. */
int sc_landscape(SDL_Rect area);
/* The scroll offset as drawn: whole pixels. */
int sc_offset(ks_scroll *s);
/* Advances a scroll view. When its offset changed since it was drawn
 * (*drawn, which the screen's draw sets to sc_offset()), moves the pixels
 * already on screen and redraws only what came into view and the scroll
 * indicator. Returns 1 while moving. */
int sc_scroll_update(app *a, ks_scroll *s, SDL_Rect viewport, int *drawn, uint64_t now);
/* The same, moving only the columns x0..x0+w of the viewport: the only
 * part with content, the rest being plain background. */
int sc_scroll_update_band(app *a, ks_scroll *s, SDL_Rect viewport, int x0, int w, int *drawn, uint64_t now);
/* The caret of a focused field: invalidates r when the blink changes what
 * is shown since the last draw (*drawn keeps that). Returns the deadline
 * of the next change, or 0. */
uint64_t sc_caret_deadline(app *a, ks_textfield *f, uint64_t now);
void sc_caret_update(app *a, ks_textfield *f, SDL_Rect r, int *drawn, uint64_t now);
/* A section heading (subtitle, bold) at y; returns its height. */
int sc_heading(app *a, const char *text, int x, int y, int w, int draw);
/* Draws a centred muted message (empty and loading states). */
void sc_message(app *a, const char *text, SDL_Rect r);

#endif
