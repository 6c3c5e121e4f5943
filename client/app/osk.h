/*
 * osk.h - the app's input beyond touch and the physical keyboard (private
 * to client/app): the on-screen keyboard on the focused field (osk.c),
 * the gamepad with spatial focus across every screen (pad.c) and dwell
 * (gaze) selection of any button (dwell.c).
 *
 * app.c calls these hooks from its event handling, update and frame; the
 * headless harness (script.c) drives them through the same SDL events a
 * visitor produces, plus the few look-ups below. Everything is for the UI
 * thread.
 */
#ifndef KS_APP_OSK_H
#define KS_APP_OSK_H

#include <stdint.h>

#include "ks/keyboard.h"

#include "app.h"

/* ---- on-screen keyboard (osk.c) ---------------------------------------- */

/* Creates the keyboard (and rime, and the click) when the config's
 * osk.enabled is on. Failures are logged and leave the kiosk without an
 * on-screen keyboard (or without Chinese), never without a kiosk. */
void osk_init(app *a);
void osk_fini(app *a);
/* The window, theme or top bar changed: new geometry. */
void osk_relayout(app *a);
/* Shows the keyboard for the top screen's field; by_pad puts the gamepad
 * focus on its keys. No-op without a keyboard or a field. */
void osk_show(app *a, int by_pad);
/* Slides it away (committing a composition into the field). */
void osk_hide(app *a);
/* 1 when shown for the top screen (or sliding in). */
int osk_active(app *a);
/* Pointer input; 1 when the keyboard took it (the app must not use it). */
int osk_pointer_down(app *a, int64_t finger, int x, int y);
int osk_pointer_move(app *a, int64_t finger, int x, int y);
int osk_pointer_up(app *a, int64_t finger, int x, int y);
/* Hover with dwell; 1 when (x, y) is on the keyboard. */
int osk_hover(app *a, int x, int y);
void osk_set_dwell(app *a, int on);
/* A gamepad button for the keyboard; 1 when it used it. */
int osk_pad(app *a, ks_kb_pad button);
/* Runs the keyboard: timers, its events into the field, the reflow.
 * Returns 1 while something moves. */
int osk_update(app *a, uint64_t now);
/* When the keyboard next needs a frame or a tick, 0 = not at all. */
uint64_t osk_deadline(app *a, uint64_t now);
void osk_draw(app *a);
/* Idle reset: nothing of the visitor's typing survives. */
void osk_reset(app *a);
/* For the harness and the pad: the keyboard, or NULL when disabled. */
ks_keyboard *osk_keyboard(app *a);
/* Waits (real time, at most timeout_ms) for rime's deployment. */
ks_status osk_wait_ime(app *a, uint64_t timeout_ms, ks_error *err);
/* Marks the next field activation as coming from the gamepad. */
void osk_set_by_pad(app *a, int on);

/* ---- gamepad and spatial focus (pad.c) --------------------------------- */

void pad_init(app *a);
void pad_fini(app *a);
/* SDL_CONTROLLERDEVICEADDED / REMOVED / BUTTONDOWN / BUTTONUP / AXISMOTION. */
void pad_event(app *a, const SDL_Event *ev);
/* A held D-pad direction repeats: the time it moves next (0 when nothing
 * is held), and the move itself when it is due (returns 0: nothing
 * animates in between). */
uint64_t pad_deadline(app *a, uint64_t now);
int pad_update(app *a, uint64_t now);
/* One button, as the harness's `pad` step names them (ks_kb_pad). */
void pad_button(app *a, ks_kb_pad button);
/* The focused element's name (its visible text, or the key's label) into
 * buf; returns 0, or -1 when nothing is focused. */
int pad_focus_name(app *a, char *buf, size_t cap);
/* Checks that D-pad moves reach every focusable element on screen (and
 * every key) from the current one. Returns 0, or -1 with the ones missed
 * in msg. Leaves the focus where it was. */
int pad_check_reach(app *a, char *msg, size_t cap);
/* How many elements the D-pad can focus now. */
size_t pad_focusable_count(app *a);

/* ---- dwell (dwell.c) ---------------------------------------------------- */

void dwell_init(app *a);
void dwell_fini(app *a);
/* Dwell on or off (config osk.dwell; the harness's hover step). */
void dwell_enable(app *a, int on);
int dwell_enabled(app *a);
/* The pointer moved with no button down. */
void dwell_motion(app *a, int x, int y);
void dwell_leave(app *a);
/* Advances the dwell; presses the target when its time is up. Returns 1
 * while a ring is filling. */
int dwell_update(app *a, uint64_t now);
void dwell_draw(app *a);
/* How many targets dwell has pressed since start (for the harness). */
unsigned dwell_fired_count(app *a);

#endif
