/*
 * scroll.c - kinetic scrolling on one axis (see include/ks/scroll.h).
 *
 * Every motion is a closed-form curve of the time since it started
 * (exponential decay for a fling, a damped bounce at an end, ease-out for
 * spring-back and animated jumps), never an integration over frames: the
 * result does not depend on the frame rate, and the simulated clock of the
 * headless harness reproduces it exactly. Must not: know about SDL,
 * drawing, or which screen owns it.
 */
#include <math.h>
#include <stdlib.h>

#include "ks/scroll.h"

enum mode { M_IDLE, M_DRAG, M_FLING, M_BOUNCE, M_EASE };

#define SAMPLES 8
#define FLING_TAU_S 0.325f      /* decay time constant: iOS-like glide */
#define FLING_MIN_V 60.0f       /* px/s: slower releases just stop */
#define FLING_STOP_V 12.0f      /* px/s: the glide ends here */
#define FLING_MAX_V 9000.0f     /* px/s: a wild flick stays readable */
#define BOUNCE_OMEGA 20.0f      /* 1/s: how stiff the end of the list is */
#define SPRING_MS 250u          /* release past an end: back within 250 ms */
#define VELOCITY_WINDOW_MS 100u /* the release velocity looks this far back */

struct ks_scroll {
    float viewport, content, offset;
    enum mode mode;
    /* drag */
    float drag_pos0, drag_off0;
    struct {
        float pos;
        uint64_t t;
    } s[SAMPLES];
    int ns, si;
    float release_v;
    /* motions */
    uint64_t t0;
    float m_from, m_to, m_v; /* start, target (ease) or end (bounce), velocity */
    uint64_t m_dur;
};

ks_scroll *ks_scroll_create(void) { return calloc(1, sizeof(ks_scroll)); }
void ks_scroll_destroy(ks_scroll *s) { free(s); }

float ks_scroll_max(const ks_scroll *s)
{
    float m = s->content - s->viewport;
    return m > 0 ? m : 0;
}

static float clamp_off(const ks_scroll *s, float o)
{
    float m = ks_scroll_max(s);
    return o < 0 ? 0 : o > m ? m : o;
}

void ks_scroll_set_extent(ks_scroll *s, float viewport, float content)
{
    s->viewport = viewport > 0 ? viewport : 0;
    s->content = content > 0 ? content : 0;
    if (s->mode != M_DRAG) {
        float c = clamp_off(s, s->offset);
        if (c != s->offset) {
            s->offset = c;
            s->mode = M_IDLE;
        }
    }
}

float ks_scroll_offset(const ks_scroll *s) { return s->offset; }
float ks_scroll_velocity(const ks_scroll *s) { return s->release_v; }
int ks_scroll_dragging(const ks_scroll *s) { return s->mode == M_DRAG; }

void ks_scroll_set_offset(ks_scroll *s, float offset)
{
    s->offset = clamp_off(s, offset);
    s->mode = M_IDLE;
}

/* Resistance past an end: the further you pull, the less it follows,
 * never more than the viewport (the curve iOS made familiar). */
static float rubber(float excess, float dim)
{
    if (dim <= 0) return 0;
    return (1.0f - 1.0f / (excess * 0.55f / dim + 1.0f)) * dim;
}

static void add_sample(ks_scroll *s, float pos, uint64_t t)
{
    s->s[s->si].pos = pos;
    s->s[s->si].t = t;
    s->si = (s->si + 1) % SAMPLES;
    if (s->ns < SAMPLES) s->ns++;
}

void ks_scroll_drag_begin(ks_scroll *s, float pos, uint64_t now_ms)
{
    ks_scroll_update(s, now_ms); /* catch the content where it is now */
    s->mode = M_DRAG;
    s->drag_pos0 = pos;
    s->drag_off0 = s->offset;
    s->ns = s->si = 0;
    s->release_v = 0;
    add_sample(s, pos, now_ms);
}

void ks_scroll_drag_move(ks_scroll *s, float pos, uint64_t now_ms)
{
    if (s->mode != M_DRAG) return;
    float raw = s->drag_off0 + (s->drag_pos0 - pos);
    float m = ks_scroll_max(s);
    if (raw < 0) s->offset = -rubber(-raw, s->viewport);
    else if (raw > m) s->offset = m + rubber(raw - m, s->viewport);
    else s->offset = raw;
    add_sample(s, pos, now_ms);
}

/* Velocity of the offset in px/s over the last VELOCITY_WINDOW_MS. */
static float release_velocity(const ks_scroll *s, uint64_t now_ms)
{
    if (s->ns < 2) return 0;
    int newest = (s->si + SAMPLES - 1) % SAMPLES;
    int oldest = newest;
    for (int k = 1; k < s->ns; k++) {
        int i = (newest - k + SAMPLES) % SAMPLES;
        if (now_ms - s->s[i].t > VELOCITY_WINDOW_MS) break;
        oldest = i;
    }
    /* A finger that stopped before lifting does not fling. */
    if (now_ms - s->s[newest].t > VELOCITY_WINDOW_MS / 2) return 0;
    uint64_t dt = s->s[newest].t - s->s[oldest].t;
    if (dt == 0) return 0;
    float v = -(s->s[newest].pos - s->s[oldest].pos) * 1000.0f / (float)dt;
    return v > FLING_MAX_V ? FLING_MAX_V : v < -FLING_MAX_V ? -FLING_MAX_V : v;
}

static void start_ease(ks_scroll *s, float to, uint64_t now_ms, uint64_t dur)
{
    s->mode = M_EASE;
    s->t0 = now_ms;
    s->m_from = s->offset;
    s->m_to = to;
    s->m_dur = dur ? dur : 1;
}

void ks_scroll_drag_end(ks_scroll *s, uint64_t now_ms)
{
    if (s->mode != M_DRAG) return;
    float v = release_velocity(s, now_ms);
    s->release_v = v;
    float m = ks_scroll_max(s);
    if (s->offset < 0 || s->offset > m) {
        start_ease(s, clamp_off(s, s->offset), now_ms, SPRING_MS);
    } else if (fabsf(v) >= FLING_MIN_V) {
        s->mode = M_FLING;
        s->t0 = now_ms;
        s->m_from = s->offset;
        s->m_v = v;
    } else {
        s->mode = M_IDLE;
    }
}

void ks_scroll_stop(ks_scroll *s, uint64_t now_ms)
{
    ks_scroll_update(s, now_ms);
    if (s->mode == M_FLING || s->mode == M_EASE) s->mode = M_IDLE;
    if (s->mode == M_IDLE) s->offset = clamp_off(s, s->offset);
}

void ks_scroll_animate_to(ks_scroll *s, float target, uint64_t now_ms, uint64_t duration_ms)
{
    if (s->mode == M_DRAG) return;
    ks_scroll_update(s, now_ms);
    start_ease(s, clamp_off(s, target), now_ms, duration_ms);
}

void ks_scroll_animate_by(ks_scroll *s, float delta, uint64_t now_ms, uint64_t duration_ms)
{
    if (s->mode == M_DRAG) return;
    float base = s->mode == M_EASE ? s->m_to : s->offset;
    ks_scroll_animate_to(s, base + delta, now_ms, duration_ms);
}

int ks_scroll_update(ks_scroll *s, uint64_t now_ms)
{
    float t = (float)(now_ms - s->t0) / 1000.0f;
    float m = ks_scroll_max(s);
    switch (s->mode) {
    case M_IDLE:
    case M_DRAG: /* drag moves are driven by pointer events, not time */
        return 0;
    case M_EASE: {
        float p = (float)(now_ms - s->t0) / (float)s->m_dur;
        if (p >= 1) {
            s->offset = s->m_to;
            s->mode = M_IDLE;
            return 1; /* one last frame at the target */
        }
        float e = 1.0f - (1.0f - p) * (1.0f - p) * (1.0f - p);
        s->offset = s->m_from + (s->m_to - s->m_from) * e;
        return 1;
    }
    case M_FLING: {
        float decay = expf(-t / FLING_TAU_S);
        float off = s->m_from + s->m_v * FLING_TAU_S * (1.0f - decay);
        float v = s->m_v * decay;
        if (off < 0 || off > m) {
            /* Hit an end: bounce from it with the velocity it had there. */
            float edge = off < 0 ? 0 : m;
            float tc = -FLING_TAU_S * logf(1.0f - (edge - s->m_from) / (s->m_v * FLING_TAU_S));
            if (!(tc >= 0) || tc > t) tc = t;
            float vc = s->m_v * expf(-tc / FLING_TAU_S);
            s->mode = M_BOUNCE;
            s->t0 = now_ms - (uint64_t)((t - tc) * 1000.0f);
            s->m_to = edge;
            s->m_v = vc;
            return ks_scroll_update(s, now_ms);
        }
        s->offset = off;
        if (fabsf(v) < FLING_STOP_V) {
            s->mode = M_IDLE;
            return 1;
        }
        return 1;
    }
    case M_BOUNCE: {
        float x = s->m_v * t * expf(-BOUNCE_OMEGA * t);
        s->offset = s->m_to + x;
        if (t > 1.0f / BOUNCE_OMEGA && fabsf(x) < 0.5f) {
            s->offset = s->m_to;
            s->mode = M_IDLE;
        }
        return 1;
    }
    }
    return 0;
}
