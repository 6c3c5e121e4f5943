/*
 * textfield.h - a one-line text field: UTF-8 text, a caret that moves by
 * grapheme cluster, an input-method composition (preedit) shown inline
 * but not yet part of the text, a blinking caret that settles, and its
 * drawing.
 *
 * Anything that produces text feeds the focused field through the same
 * calls: the physical keyboard (SDL text input), the on-screen keyboard,
 * an input method (ks_textfield_set_preedit while composing, then
 * ks_textfield_insert with the committed text). Nothing here reads
 * events.
 *
 * The caret blinks for a while after the last edit, then stays on: an idle
 * kiosk draws no frames.
 */
#ifndef KS_TEXTFIELD_H
#define KS_TEXTFIELD_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "ks/ui.h"

typedef struct ks_textfield ks_textfield;

/* An empty field holding at most max_bytes of UTF-8. NULL on no memory.
 * Free with ks_textfield_destroy(). */
ks_textfield *ks_textfield_create(size_t max_bytes);
void ks_textfield_destroy(ks_textfield *tf);

/* The text (NUL-terminated, valid UTF-8, no control characters). Valid
 * until the next change. */
const char *ks_textfield_text(const ks_textfield *tf);
size_t ks_textfield_length(const ks_textfield *tf);
/* Caret position as a byte offset into the text. */
size_t ks_textfield_caret(const ks_textfield *tf);
/* Increases on every change of the text (not of the caret or preedit):
 * compare to know whether to search again. */
uint64_t ks_textfield_revision(const ks_textfield *tf);

/* Replaces the text (sanitised like insert, cut at a character boundary
 * when too long), caret at the end, preedit cleared. Returns 1 if the
 * text changed. */
int ks_textfield_set_text(ks_textfield *tf, const char *utf8);
/* Inserts at the caret. Invalid UTF-8 and control characters (newlines,
 * tabs: this is one line) are dropped; what does not fit is cut at a
 * character boundary. Clears the preedit. Returns 1 if the text changed. */
int ks_textfield_insert(ks_textfield *tf, const char *utf8);
/* Deletes the grapheme cluster before / after the caret. 1 if changed. */
int ks_textfield_backspace(ks_textfield *tf);
int ks_textfield_delete(ks_textfield *tf);
/* Moves the caret by n grapheme clusters (negative = left). 1 if moved. */
int ks_textfield_move(ks_textfield *tf, int n);
void ks_textfield_home(ks_textfield *tf);
void ks_textfield_end(ks_textfield *tf);
void ks_textfield_clear(ks_textfield *tf);

/* The input method's composition, shown at the caret, underlined; "" or
 * NULL clears it. caret_bytes is the composition's own caret (clamped). */
void ks_textfield_set_preedit(ks_textfield *tf, const char *utf8, size_t caret_bytes);
const char *ks_textfield_preedit(const ks_textfield *tf);

/* The text as displayed: the preedit inserted at the caret. Valid until
 * the next change. *caret (may be NULL) receives the display caret. */
const char *ks_textfield_display(ks_textfield *tf, size_t *caret);

/* --- caret blinking --------------------------------------------------- */

/* Restarts the blink cycle (call on any edit or focus). */
void ks_textfield_touch(ks_textfield *tf, uint64_t now_ms);
/* Whether the caret shows at now_ms. */
int ks_textfield_caret_on(const ks_textfield *tf, uint64_t now_ms);
/* When the caret next changes, or 0 when it has settled (stays on). */
uint64_t ks_textfield_next_blink(const ks_textfield *tf, uint64_t now_ms);

/* --- drawing ------------------------------------------------------------ */

typedef struct ks_textfield_look {
    const char *placeholder; /* shown muted when empty */
    int focused;             /* caret and focus border */
    int show_clear;          /* a clear button at the right when not empty */
    uint64_t now_ms;         /* for the caret */
} ks_textfield_look;

/* Draws the field into r (a pill with a search icon). *clear_rect (may be
 * NULL) receives the clear button's touch rectangle, or w = 0 when none is
 * shown; the caller registers it as a hit. */
void ks_textfield_draw(ks_ui *ui, ks_textfield *tf, SDL_Rect r, const ks_textfield_look *look,
                       SDL_Rect *clear_rect);

#endif
