/*
 * keyboard.h - the on-screen keyboard: layouts loaded from data files
 * (assets/layouts/NAME.json, format in docs/keyboard.md), their geometry for a
 * screen area and DPI (keys >= 9 mm), a state machine driven by plain calls
 * (pointer down/move/up, hover for dwell, gamepad buttons, a tick) with
 * times from the simulated clock, input methods through ks_ime, and
 * drawing through ks_ui.
 *
 * The app feeds input in and takes a queue of events out (insert text,
 * backspace, enter, layout changed, hide, ...); it shows the composition
 * (ks_keyboard_preedit) inline in its field and reflows its screen around
 * ks_keyboard_visible_height(). The keyboard keeps no history of what was
 * typed: ks_keyboard_reset() (idle reset) clears all of it.
 *
 * Threads: everything is for the UI thread.
 */
#ifndef KS_KEYBOARD_H
#define KS_KEYBOARD_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "ks/error.h"
#include "ks/ime.h"
#include "ks/text.h"
#include "ks/ui.h"

typedef struct ks_keyboard ks_keyboard;

/* Timings (ms). Long-press opens the alternates, backspace repeats after
 * the delay at the interval while held. */
#define KS_KB_LONG_PRESS_MS 500
#define KS_KB_REPEAT_DELAY_MS 500
#define KS_KB_REPEAT_INTERVAL_MS 50
#define KS_KB_DWELL_MIN_MS 300
#define KS_KB_DWELL_MAX_MS 1100
#define KS_KB_DWELL_DEFAULT_MS 600
/* A second shift tap within this time locks capitals. */
#define KS_KB_CAPS_DOUBLE_TAP_MS 400

/* Creates a keyboard with every *.json layout in layout_dir (one of them
 * must be "en"). ime (may be NULL: Latin only) and text (may be NULL:
 * widths are estimated; used to measure candidates) are not owned and
 * must outlive the keyboard. A bad file fails with a message naming the
 * file and the key. *out: ks_keyboard_destroy(). */
ks_status ks_keyboard_create(const char *layout_dir, ks_ime *ime, ks_text *text, ks_keyboard **out,
                             ks_error *err);
void ks_keyboard_destroy(ks_keyboard *kb);
/* Attaches an input method later (the app starts rime after its first
 * frame); NULL detaches. Not owned; it must outlive the keyboard or be
 * detached first. */
void ks_keyboard_set_ime(ks_keyboard *kb, ks_ime *ime);

/* Checks one layout file without a keyboard (for tools and the fuzzer):
 * json/len is the file's content, name is used in messages. */
ks_status ks_keyboard_check_layout(const char *json, size_t len, const char *name, ks_error *err);

/* Layouts by name: "en", "symbols", "numeric", "phone", "pinyin",
 * "zhuyin", "cangjie" with the shipped files. Switching to a layout with
 * an input method selects that rime schema; leaving one commits what was
 * being composed. */
ks_status ks_keyboard_set_layout(ks_keyboard *kb, const char *name, ks_error *err);
const char *ks_keyboard_layout(const ks_keyboard *kb);
size_t ks_keyboard_layout_count(const ks_keyboard *kb);
/* Name of the i-th loaded layout (sorted by name), NULL when out of range. */
const char *ks_keyboard_layout_name(const ks_keyboard *kb, size_t i);
/* The text layouts the input-method key cycles through, in order (e.g.
 * {"en", "zhuyin", "cangjie"} for a zh-Hant kiosk). The first is what
 * ks_keyboard_reset() returns to. Default: en, pinyin, zhuyin, cangjie. */
ks_status ks_keyboard_set_ime_cycle(ks_keyboard *kb, const char *const *names, size_t n, ks_error *err);

/* Geometry: the keyboard sits at the bottom of the area (x, y, w, h) in
 * window pixels, its keys at least 9 mm at dpi. Fails (keeping the old
 * geometry) when the area cannot hold 9 mm keys for the current layout, or
 * any layout, naming the layout and the sizes. Call again after a resize. */
ks_status ks_keyboard_set_area(ks_keyboard *kb, int x, int y, int w, int h, int dpi, ks_error *err);
/* Full height of the panel for the current layout (what the app reflows
 * around once the slide-in is over). */
int ks_keyboard_height(const ks_keyboard *kb);
/* The panel's rectangle when fully shown. */
SDL_Rect ks_keyboard_rect(const ks_keyboard *kb);
/* The smallest key's width and height in px (>= 9 mm at the dpi). */
void ks_keyboard_min_key_size(const ks_keyboard *kb, int *w, int *h);

/* Hiding commits any composition first (INSERT events follow). */
/* Showing and hiding slide over anim_ms (<= 250; default 200, or the
 * theme's keyboard_ms through ks_keyboard_set_anim_ms). */
void ks_keyboard_show(ks_keyboard *kb, uint64_t now_ms);
void ks_keyboard_hide(ks_keyboard *kb, uint64_t now_ms);
void ks_keyboard_set_anim_ms(ks_keyboard *kb, int ms);
/* 1 when shown or sliding in. */
int ks_keyboard_is_shown(const ks_keyboard *kb);
/* How much of the panel is on screen at now_ms (0..height), eased. */
int ks_keyboard_visible_height(const ks_keyboard *kb, uint64_t now_ms);

/* Pointer input (touch or mouse), window pixels. The first pointer down
 * wins: others are ignored until it is released. Return 1 when the
 * keyboard took the event (it was on the keyboard or continues a press
 * that started there): the app must not also use it. */
int ks_keyboard_pointer_down(ks_keyboard *kb, int64_t pointer, int x, int y, uint64_t now_ms);
int ks_keyboard_pointer_move(ks_keyboard *kb, int64_t pointer, int x, int y, uint64_t now_ms);
int ks_keyboard_pointer_up(ks_keyboard *kb, int64_t pointer, int x, int y, uint64_t now_ms);
/* The press is abandoned (window lost focus, touch cancelled): nothing types. */
void ks_keyboard_pointer_cancel(ks_keyboard *kb);

/* Dwell (gaze) selection: with dwell on, a pointer hovering (no button)
 * over the same key for dwell_ms presses it once, with a progress ring;
 * it does not fire again until the pointer leaves that key. ms = 0 turns
 * dwell off; otherwise 300..1100 (KS_ERR_INVALID outside). */
ks_status ks_keyboard_set_dwell(ks_keyboard *kb, int ms, ks_error *err);
/* Returns 1 when (x, y) is on the keyboard. */
int ks_keyboard_hover(ks_keyboard *kb, int x, int y, uint64_t now_ms);
/* The pointer left the window or the keyboard. */
void ks_keyboard_hover_leave(ks_keyboard *kb);

/* Gamepad / VR controller. Directions move a focus ring across the keys
 * and the candidate bar; A presses the focused key; B closes the
 * alternates popup; LB/RB page the candidates when there are any, else
 * switch to the previous/next layout of the input-method cycle. Returns 1
 * when used; 0 means the app should handle it (e.g. "up" from the top row
 * leaves the keyboard, B goes back). */
typedef enum ks_kb_pad {
    KS_KB_PAD_UP,
    KS_KB_PAD_DOWN,
    KS_KB_PAD_LEFT,
    KS_KB_PAD_RIGHT,
    KS_KB_PAD_A,
    KS_KB_PAD_B,
    KS_KB_PAD_LB,
    KS_KB_PAD_RB,
} ks_kb_pad;
int ks_keyboard_pad(ks_keyboard *kb, ks_kb_pad button, uint64_t now_ms);
/* Parses "up", "down", "left", "right", "a", "b", "lb", "rb"; -1 if unknown. */
int ks_keyboard_pad_parse(const char *name);
/* Drops the focus ring (focus moved elsewhere on the screen). */
void ks_keyboard_focus_clear(ks_keyboard *kb);
/* Puts the focus ring on the keyboard (its first key) if it has none. */
void ks_keyboard_focus_enter(ks_keyboard *kb);
/* Puts the focus ring on target index (as ks_keyboard_target_get numbers
 * them), e.g. the key nearest to where the gamepad focus came from; -1
 * clears it. Returns 0, or -1 (nothing changed) when out of range. */
int ks_keyboard_focus_set(ks_keyboard *kb, int index);

/* The notes the candidate bar shows while rime deploys / when it failed,
 * in the UI language; they replace the layouts' preparing_text and
 * unavailable_text (NULL or "" = the layout's own). Copied. */
ks_status ks_keyboard_set_notes(ks_keyboard *kb, const char *preparing, const char *unavailable,
                                ks_error *err);

/* Runs timers: long-press, backspace repeat, dwell, the ime becoming
 * ready. Call each loop iteration (cheap). */
void ks_keyboard_tick(ks_keyboard *kb, uint64_t now_ms);
/* When the keyboard next needs a tick or a frame (an absolute time in
 * ms), or UINT64_MAX when it is idle: the event loop sleeps until then. */
uint64_t ks_keyboard_next_wake(const ks_keyboard *kb, uint64_t now_ms);
/* 1 when something visible changed since the last ks_keyboard_draw(). */
int ks_keyboard_needs_redraw(const ks_keyboard *kb, uint64_t now_ms);
/* What to invalidate then: the panel, plus the preview bubble or popup
 * above it (the ones drawn last time too, so they are erased). */
SDL_Rect ks_keyboard_redraw_rect(const ks_keyboard *kb, uint64_t now_ms);

/* What the keyboard asks of the app. */
typedef enum ks_kb_event_type {
    KS_KB_EV_INSERT,    /* insert text at the caret */
    KS_KB_EV_BACKSPACE, /* delete the character before the caret */
    KS_KB_EV_ENTER,     /* submit (search) */
    KS_KB_EV_PREEDIT,   /* the composition changed: redraw it (ks_keyboard_preedit) */
    KS_KB_EV_LAYOUT,    /* the layout changed (text: its name); the height may have too */
    KS_KB_EV_HIDE,      /* the visitor pressed the hide key (the panel slides out) */
    KS_KB_EV_CLICK,     /* a key was pressed: play the click sound if wanted */
} ks_kb_event_type;

#define KS_KB_EVENT_TEXT_MAX 128

typedef struct ks_kb_event {
    ks_kb_event_type type;
    char text[KS_KB_EVENT_TEXT_MAX]; /* UTF-8; longer inserts come as several events */
} ks_kb_event;

/* Takes the oldest event into *ev: 1, or 0 when there is none. */
int ks_keyboard_poll(ks_keyboard *kb, ks_kb_event *ev);

/* The composition to show inline in the field ("" when none) and the
 * caret's byte offset in it. Valid until the next keyboard call. */
const char *ks_keyboard_preedit(const ks_keyboard *kb, size_t *caret);

/* What the Enter key shows: a return arrow or a search magnifier. */
void ks_keyboard_set_enter_search(ks_keyboard *kb, int search);

/* Idle reset: drops the composition, pending events, shift, popups,
 * focus and dwell, returns to the first layout of the cycle, hides at
 * once. */
void ks_keyboard_reset(ks_keyboard *kb);

/* The dwell progress ring drawn on keys (a faint track and an arc from 12
 * o'clock filling clockwise, in the theme's focus_ring colour), for the
 * app's own dwell targets so both look the same. radius is the outer edge. */
void ks_keyboard_draw_dwell_ring(ks_ui *ui, int cx, int cy, int radius, int thickness, float frac);

/* Draws the panel (sliding per now_ms) through ui, in the theme's colours,
 * then the preview bubble or alternates popup on top. */
void ks_keyboard_draw(ks_keyboard *kb, ks_ui *ui, uint64_t now_ms);

/* ---- for the headless harness and tests ---- */

/* One step towards typing a character (or an input code, e.g. "n" for
 * pinyin, "s" for the zhuyin key ㄋ, or a key's label): where to touch,
 * as the keyboard stands now. When final is 0 the step prepares (shift,
 * switch layout) and the caller asks again after doing it. hold_ms > 0
 * means "press at (x, y), hold that long (the alternates open), move to
 * (alt_x, alt_y) and release there". */
typedef struct ks_kb_step {
    int x, y;
    int hold_ms;
    int alt_x, alt_y;
    int final;
    const char *needs; /* when not final: "shift", or the layout name the tap switches to
                          (static or owned by the keyboard; for messages) */
} ks_kb_step;
ks_status ks_keyboard_route(ks_keyboard *kb, const char *utf8_char, ks_kb_step *step, ks_error *err);

/* The centre of candidate n (1-based) of those shown in the bar now. */
ks_status ks_keyboard_candidate_center(ks_keyboard *kb, int n, int *x, int *y, ks_error *err);
/* How many candidates the bar shows now. */
int ks_keyboard_candidate_count(ks_keyboard *kb);

typedef enum ks_kb_target_kind {
    KS_KB_TARGET_KEY,
    KS_KB_TARGET_CANDIDATE,
    KS_KB_TARGET_PAGE_PREV,
    KS_KB_TARGET_PAGE_NEXT,
} ks_kb_target_kind;

/* Everything focusable/pressable now (keys of the current layout, then
 * the candidate bar), for gamepad tests and the harness. */
typedef struct ks_kb_target {
    ks_kb_target_kind kind;
    SDL_Rect rect;      /* window pixels, panel fully shown */
    const char *label;  /* what it shows (key label, candidate text, or the action name) */
    const char *action; /* "char", "shift", "backspace", "enter", "space", "layout", "ime", "hide",
                           "candidate", "page" */
} ks_kb_target;
size_t ks_keyboard_target_count(ks_keyboard *kb);
int ks_keyboard_target_get(ks_keyboard *kb, size_t i, ks_kb_target *out);
/* Index of the focused target, -1 when none. */
int ks_keyboard_focus(const ks_keyboard *kb);

/* Shift state: 0 off, 1 next letter upper case, 2 caps lock. */
int ks_keyboard_shift_state(const ks_keyboard *kb);
/* 1 while the alternates popup is open. */
int ks_keyboard_popup_open(const ks_keyboard *kb);
/* Dwell progress 0..1 of the hovered key (0 when none). */
float ks_keyboard_dwell_progress(const ks_keyboard *kb, uint64_t now_ms);

#endif
