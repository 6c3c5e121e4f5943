/*
 * keyclick.h - the optional soft click the on-screen keyboard can make on
 * each key press (config "osk": {"key_click": true}).
 *
 * The click is synthesised once (a short decaying two-tone tick, 15 ms)
 * and queued on its own SDL audio device on each KS_KB_EV_CLICK event, so
 * it never waits for the media player and costs nothing between presses.
 * Calls are for the UI thread.
 */
#ifndef KS_KEYCLICK_H
#define KS_KEYCLICK_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"

typedef struct ks_keyclick ks_keyclick;

/* Opens the default audio output. Fails (KS_ERR_IO, with SDL's reason)
 * when there is none: the kiosk then simply stays silent.
 * *out: ks_keyclick_destroy(). */
ks_status ks_keyclick_create(ks_keyclick **out, ks_error *err);
/* Plays the click, cutting off one still playing. */
void ks_keyclick_play(ks_keyclick *k);
void ks_keyclick_destroy(ks_keyclick *k);

/* Writes the click as mono signed 16-bit samples at rate Hz into out (at
 * most max samples); returns how many were written. For tests, and for
 * devices that want another rate. */
size_t ks_keyclick_render(int16_t *out, size_t max, int rate);

#endif
