/*
 * scroll.h - the motion model of a scroll view: drag, kinetic fling with
 * exponential deceleration, rubber-band overscroll and spring back,
 * animated jumps (keys, wheel).
 *
 * Pure arithmetic on one axis: no SDL, no drawing. Every call takes the
 * time in milliseconds (ks_clock_now_ms(), simulated in the headless
 * harness), and positions come from closed-form curves of the elapsed time,
 * so the motion is the same at any frame rate and scripted runs are
 * deterministic.
 *
 * The offset is how far the content is scrolled: 0 shows its top;
 * ks_scroll_max() its bottom. While dragging past an end the offset goes
 * outside [0, max] (with resistance) and springs back on release.
 */
#ifndef KS_SCROLL_H
#define KS_SCROLL_H

#include <stdint.h>

#include "ks/error.h"

typedef struct ks_scroll ks_scroll;

/* A scroll model at offset 0 with nothing to scroll. NULL on no memory.
 * Free with ks_scroll_destroy(). */
ks_scroll *ks_scroll_create(void);
void ks_scroll_destroy(ks_scroll *s);

/* Sizes in pixels. Keeps the offset within the new range (without
 * animation) unless a drag is in progress. */
void ks_scroll_set_extent(ks_scroll *s, float viewport, float content);
float ks_scroll_max(const ks_scroll *s);
float ks_scroll_offset(const ks_scroll *s);
/* Jumps without animation (clamped), stopping any motion. */
void ks_scroll_set_offset(ks_scroll *s, float offset);

/* A finger or the mouse: pos is the pointer's coordinate on the axis. */
void ks_scroll_drag_begin(ks_scroll *s, float pos, uint64_t now_ms);
void ks_scroll_drag_move(ks_scroll *s, float pos, uint64_t now_ms);
/* Releases: flings with the release velocity, or springs back when past
 * an end. */
void ks_scroll_drag_end(ks_scroll *s, uint64_t now_ms);
int ks_scroll_dragging(const ks_scroll *s);
/* Stops a fling where it is (a finger touching moving content). */
void ks_scroll_stop(ks_scroll *s, uint64_t now_ms);

/* Animates to offset target (clamped) with an ease-out over duration_ms
 * (<= 250 ms keeps the kiosk feeling quick). */
void ks_scroll_animate_to(ks_scroll *s, float target, uint64_t now_ms, uint64_t duration_ms);
/* Animates by delta from where the current animation is heading (wheel
 * notches and Page Down accumulate). */
void ks_scroll_animate_by(ks_scroll *s, float delta, uint64_t now_ms, uint64_t duration_ms);

/* Advances the motion to now_ms. Returns 1 while the offset is still
 * changing (the caller keeps drawing frames), 0 when at rest. */
int ks_scroll_update(ks_scroll *s, uint64_t now_ms);
/* The release velocity of the last drag, px/s (for tests and tuning). */
float ks_scroll_velocity(const ks_scroll *s);

#endif
