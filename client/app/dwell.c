/*
 * dwell.c - dwell (gaze) selection for VR booths and head pointers: a
 * pointer resting on any button, tile, result or link for osk.dwell_ms
 * presses it, while a ring around the pointer fills; the target is then
 * spent until the pointer moves onto another one (so a still gaze never
 * presses twice, even when the press changed the screen under it). The
 * on-screen keyboard runs the same rule on its keys (ks_keyboard_hover).
 *
 * On with the config's osk.dwell, and in the headless harness's `hover`
 * step. Must not: press anything that is not a focusable target (a
 * dialog's dim, a scroll area), or fire during a screen transition.
 */
#include <stdlib.h>

#include "ks/clock.h"
#include "ks/log.h"

#include "app_internal.h"
#include "osk.h"

struct dwell_state {
    int on;
    int has;       /* a target under the pointer */
    ks_hit_owner owner;
    int id;
    int x, y;      /* the pointer */
    uint64_t t0;
    int fired;     /* spent until the pointer moves to another target */
    int drawn;     /* the ring was drawn: erase it */
    SDL_Rect ring; /* where it was drawn */
    unsigned count;
};

void dwell_init(app *a)
{
    a->dwell = calloc(1, sizeof *a->dwell);
    if (!a->dwell) {
        ks_log_warn("dwell", "out of memory: dwell selection off");
        return;
    }
    dwell_enable(a, a->cfg->osk.dwell);
}

void dwell_fini(app *a)
{
    free(a->dwell);
    a->dwell = NULL;
}

void dwell_enable(app *a, int on)
{
    struct dwell_state *d = a->dwell;
    if (!d || d->on == !!on) return;
    d->on = !!on;
    d->has = 0;
    osk_set_dwell(a, d->on);
}

int dwell_enabled(app *a) { return a->dwell && a->dwell->on; }

unsigned dwell_fired_count(app *a) { return a->dwell ? a->dwell->count : 0; }

static int ring_radius(app *a) { return ks_ui_metrics(a->ui)->touch_px * 40 / 100; }

static SDL_Rect ring_rect(app *a, int x, int y)
{
    int r = ring_radius(a) + ks_ui_px(a->ui, 3);
    return (SDL_Rect){x - r, y - r, 2 * r, 2 * r};
}

static void erase(app *a)
{
    struct dwell_state *d = a->dwell;
    if (!d->drawn) return;
    ks_ui_invalidate(a->ui, d->ring);
    const ks_hit *h = ks_ui_hit_find(a->ui, d->owner, d->id);
    if (h) {
        int m = ks_ui_px(a->ui, 8);
        ks_ui_invalidate(a->ui, (SDL_Rect){h->rect.x - m, h->rect.y - m, h->rect.w + 2 * m, h->rect.h + 2 * m});
    }
    d->drawn = 0;
}

void dwell_leave(app *a)
{
    struct dwell_state *d = a->dwell;
    if (!d) return;
    erase(a);
    d->has = 0;
    d->fired = 0;
    osk_hover(a, -1, -1);
}

void dwell_motion(app *a, int x, int y)
{
    struct dwell_state *d = a->dwell;
    if (!d || !d->on) return;
    uint64_t now = ks_clock_now_ms();
    if (osk_hover(a, x, y)) {
        /* on the keyboard: its own dwell */
        erase(a);
        d->has = 0;
        d->fired = 0;
        return;
    }
    const ks_hit *h = ks_ui_hit_at(a->ui, x, y);
    if (h && (!h->focusable || (app_overlay_open(a) && h->owner != KS_HIT_OVERLAY))) h = NULL;
    int same = h && d->has && h->owner == d->owner && h->id == d->id;
    if (!h && !d->has) {
        d->fired = 0;
        return;
    }
    if (same) {
        if (!d->fired && (x != d->x || y != d->y)) {
            erase(a); /* the ring follows the pointer */
            d->x = x;
            d->y = y;
        }
        return;
    }
    erase(a);
    d->has = h != NULL;
    d->fired = 0;
    d->x = x;
    d->y = y;
    d->t0 = now;
    if (h) {
        d->owner = h->owner;
        d->id = h->id;
        app_touch_session(a);
        if (a->focus.visible) { /* the gaze takes over from the gamepad's ring */
            a->focus.visible = 0;
            ks_ui_invalidate_all(a->ui);
        }
    }
}

static float progress(app *a, uint64_t now)
{
    struct dwell_state *d = a->dwell;
    if (!d || !d->on || !d->has || d->fired) return 0;
    float p = (float)(now - d->t0) / (float)a->cfg->osk.dwell_ms;
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

int dwell_update(app *a, uint64_t now)
{
    struct dwell_state *d = a->dwell;
    if (!d || !d->on || !d->has || d->fired) {
        if (d && d->drawn) erase(a);
        return 0;
    }
    if (app_transitioning(a) || a->ptr.active) {
        d->t0 = now; /* nothing settled (or a finger is down): start again after */
        return 0;
    }
    const ks_hit *h = ks_ui_hit_find(a->ui, d->owner, d->id);
    if (!h) { /* the target went away under the pointer */
        erase(a);
        d->has = 0;
        return 0;
    }
    if (now - d->t0 >= (uint64_t)a->cfg->osk.dwell_ms) {
        erase(a);
        d->fired = 1;
        d->count++;
        app_touch_session(a);
        ks_hit hit = *h;
        app_activate_hit(a, &hit);
        return 0;
    }
    ks_ui_invalidate(a->ui, ring_rect(a, d->x, d->y));
    if (!d->drawn) { /* the target's outline appears with the ring */
        int m = ks_ui_px(a->ui, 8);
        ks_ui_invalidate(a->ui, (SDL_Rect){h->visible.x - m, h->visible.y - m, h->visible.w + 2 * m, h->visible.h + 2 * m});
    }
    return 1;
}

void dwell_draw(app *a)
{
    struct dwell_state *d = a->dwell;
    uint64_t now = ks_clock_now_ms();
    float p = progress(a, now);
    if (!d || !d->has || d->fired || app_transitioning(a)) return;
    const ks_hit *h = ks_ui_hit_find(a->ui, d->owner, d->id);
    if (!h) return;
    /* What will be pressed: a quiet outline; the ring at the pointer
     * fills clockwise, in the focus colour, as the gaze rests. */
    SDL_Color c = ks_ui_colors(a->ui)->focus_ring;
    c.a = 110;
    int out = ks_ui_px(a->ui, 4);
    SDL_Rect o = {h->visible.x - out, h->visible.y - out, h->visible.w + 2 * out, h->visible.h + 2 * out};
    ks_ui_round_outline(a->ui, o, ks_ui_metrics(a->ui)->radius_px + out, ks_ui_px(a->ui, 2), c);
    int r = ring_radius(a);
    ks_keyboard_draw_dwell_ring(a->ui, d->x, d->y, r, ks_ui_px(a->ui, 5), p);
    d->ring = ring_rect(a, d->x, d->y);
    d->drawn = 1;
}
