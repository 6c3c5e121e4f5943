/*
 * test_scroll.c - the kinetic scroll model: drags follow the finger, a
 * flick glides and decelerates to rest, the ends resist and spring back,
 * animated jumps land on target, and the motion depends on time only (not
 * on how often it is sampled).
 */
#include <math.h>

#include "ks/scroll.h"
#include "test.h"

static ks_scroll *make(float viewport, float content)
{
    ks_scroll *s = ks_scroll_create();
    ks_scroll_set_extent(s, viewport, content);
    return s;
}

/* Runs the motion to rest in steps of step_ms; returns the time it took. */
static uint64_t settle(ks_scroll *s, uint64_t t, uint64_t step_ms)
{
    uint64_t t0 = t;
    while (ks_scroll_update(s, t) && t - t0 < 20000) t += step_ms;
    return t - t0;
}

static void test_scroll_drag_follows_the_finger(void)
{
    ks_scroll *s = make(500, 2000);
    ks_scroll_drag_begin(s, 400, 1000);
    ks_scroll_drag_move(s, 300, 1016);
    KS_CHECK(fabsf(ks_scroll_offset(s) - 100) < 0.01f);
    ks_scroll_drag_move(s, 100, 1032);
    KS_CHECK(fabsf(ks_scroll_offset(s) - 300) < 0.01f);
    KS_CHECK(ks_scroll_dragging(s));
    ks_scroll_destroy(s);
}

static void test_scroll_flick_glides_then_stops_inside_the_range(void)
{
    ks_scroll *s = make(500, 10000);
    uint64_t t = 1000;
    ks_scroll_drag_begin(s, 400, t);
    for (int i = 1; i <= 5; i++) ks_scroll_drag_move(s, 400 - (float)i * 30, t + (uint64_t)i * 10);
    ks_scroll_drag_end(s, t + 50);
    KS_CHECK(ks_scroll_velocity(s) > 2000); /* 30 px per 10 ms = 3000 px/s */
    float at_release = ks_scroll_offset(s);
    KS_CHECK(ks_scroll_update(s, t + 150) == 1);
    float later = ks_scroll_offset(s);
    KS_CHECK(later > at_release); /* keeps going after the finger left */
    uint64_t took = settle(s, t + 150, 16);
    KS_CHECK(took > 300 && took < 4000);
    KS_CHECK(ks_scroll_offset(s) > later);
    KS_CHECK(ks_scroll_offset(s) <= ks_scroll_max(s));
    KS_CHECK(ks_scroll_update(s, t + 10000) == 0); /* at rest: no more frames */
    ks_scroll_destroy(s);
}

static void test_scroll_glide_is_the_same_at_any_frame_rate(void)
{
    float end[2];
    uint64_t steps[2] = {8, 33};
    for (int k = 0; k < 2; k++) {
        ks_scroll *s = make(500, 10000);
        ks_scroll_drag_begin(s, 800, 0);
        for (int i = 1; i <= 4; i++) ks_scroll_drag_move(s, 800 - (float)i * 40, (uint64_t)i * 16);
        ks_scroll_drag_end(s, 64);
        for (uint64_t t = 64; t <= 700; t += steps[k]) ks_scroll_update(s, t);
        ks_scroll_update(s, 700);
        end[k] = ks_scroll_offset(s);
        ks_scroll_destroy(s);
    }
    KS_CHECK_MSG(fabsf(end[0] - end[1]) < 0.5f, "%f vs %f", end[0], end[1]);
}

static void test_scroll_slow_release_does_not_fling(void)
{
    ks_scroll *s = make(500, 2000);
    ks_scroll_drag_begin(s, 400, 0);
    ks_scroll_drag_move(s, 390, 100);
    ks_scroll_drag_move(s, 380, 400); /* held still for a while before lifting */
    ks_scroll_drag_end(s, 500);
    KS_CHECK(ks_scroll_update(s, 520) == 0);
    KS_CHECK(fabsf(ks_scroll_offset(s) - 20) < 0.01f);
    ks_scroll_destroy(s);
}

static void test_scroll_pulling_past_the_top_resists_and_springs_back(void)
{
    ks_scroll *s = make(500, 2000);
    ks_scroll_drag_begin(s, 100, 0);
    ks_scroll_drag_move(s, 400, 100); /* 300 px down at the top */
    float o = ks_scroll_offset(s);
    KS_CHECK(o < 0);
    KS_CHECK(o > -300); /* resistance: less than the finger moved */
    ks_scroll_drag_end(s, 400);
    KS_CHECK(ks_scroll_update(s, 450) == 1);
    uint64_t took = settle(s, 450, 16);
    KS_CHECK(took <= 260); /* back within the 250 ms rule */
    KS_CHECK(ks_scroll_offset(s) == 0);
    ks_scroll_destroy(s);
}

static void test_scroll_flick_into_the_end_bounces_and_rests_at_max(void)
{
    ks_scroll *s = make(500, 800); /* max 300 */
    ks_scroll_drag_begin(s, 400, 0);
    for (int i = 1; i <= 4; i++) ks_scroll_drag_move(s, 400 - (float)i * 20, (uint64_t)i * 8);
    ks_scroll_drag_end(s, 32);
    float peak = 0;
    for (uint64_t t = 32; t < 3000; t += 8) {
        ks_scroll_update(s, t);
        if (ks_scroll_offset(s) > peak) peak = ks_scroll_offset(s);
    }
    KS_CHECK(peak > 300); /* overshoots a little */
    KS_CHECK(peak < 400);
    KS_CHECK(ks_scroll_offset(s) == 300);
    ks_scroll_destroy(s);
}

static void test_scroll_animate_to_lands_on_target_and_clamps(void)
{
    ks_scroll *s = make(500, 2000);
    ks_scroll_animate_to(s, 600, 0, 200);
    ks_scroll_update(s, 100);
    KS_CHECK(ks_scroll_offset(s) > 300 && ks_scroll_offset(s) < 600); /* ease-out: past half at half time */
    ks_scroll_update(s, 200);
    KS_CHECK(ks_scroll_offset(s) == 600);
    ks_scroll_animate_by(s, 5000, 300, 200);
    settle(s, 300, 16);
    KS_CHECK(ks_scroll_offset(s) == 1500);
    ks_scroll_animate_by(s, -100, 1000, 200);
    ks_scroll_animate_by(s, -100, 1010, 200); /* accumulates toward the first target */
    settle(s, 1010, 16);
    KS_CHECK(ks_scroll_offset(s) == 1300);
    ks_scroll_destroy(s);
}

static void test_scroll_nothing_to_scroll_stays_at_zero(void)
{
    ks_scroll *s = make(500, 300);
    KS_CHECK(ks_scroll_max(s) == 0);
    ks_scroll_set_offset(s, 100);
    KS_CHECK(ks_scroll_offset(s) == 0);
    ks_scroll_animate_to(s, 100, 0, 100);
    settle(s, 0, 16);
    KS_CHECK(ks_scroll_offset(s) == 0);
    ks_scroll_destroy(s);
}

static void test_scroll_shrinking_content_clamps_the_offset(void)
{
    ks_scroll *s = make(500, 3000);
    ks_scroll_set_offset(s, 2500);
    KS_CHECK(ks_scroll_offset(s) == 2500);
    ks_scroll_set_extent(s, 500, 1000);
    KS_CHECK(ks_scroll_offset(s) == 500);
    ks_scroll_destroy(s);
}

static void test_scroll_touch_stops_a_glide(void)
{
    ks_scroll *s = make(500, 10000);
    ks_scroll_drag_begin(s, 400, 0);
    for (int i = 1; i <= 4; i++) ks_scroll_drag_move(s, 400 - (float)i * 40, (uint64_t)i * 10);
    ks_scroll_drag_end(s, 40);
    ks_scroll_update(s, 100);
    ks_scroll_stop(s, 120);
    float o = ks_scroll_offset(s);
    KS_CHECK(ks_scroll_update(s, 500) == 0);
    KS_CHECK(ks_scroll_offset(s) == o);
    ks_scroll_destroy(s);
}

int main(void)
{
    KS_RUN(test_scroll_drag_follows_the_finger);
    KS_RUN(test_scroll_flick_glides_then_stops_inside_the_range);
    KS_RUN(test_scroll_glide_is_the_same_at_any_frame_rate);
    KS_RUN(test_scroll_slow_release_does_not_fling);
    KS_RUN(test_scroll_pulling_past_the_top_resists_and_springs_back);
    KS_RUN(test_scroll_flick_into_the_end_bounces_and_rests_at_max);
    KS_RUN(test_scroll_animate_to_lands_on_target_and_clamps);
    KS_RUN(test_scroll_nothing_to_scroll_stays_at_zero);
    KS_RUN(test_scroll_shrinking_content_clamps_the_offset);
    KS_RUN(test_scroll_touch_stops_a_glide);
    return ks_test_summary();
}
