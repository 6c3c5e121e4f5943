/*
 * nav.c - the screen stack and the slide transitions between screens.
 *
 * A push slides the new screen in from the right, like a sheet laid over
 * the old one (which stays still, underneath); a pop slides it away. Only
 * the sheet's pixels move (ks_ui_move) and only the strip that comes into
 * view is drawn, so a slide costs little more than a memory copy even on
 * a 4K software-rendered screen. Transitions last the theme's transition_ms (<= 250 ms) and
 * ease out. Input is ignored while one runs, which is also what keeps a
 * double tap from opening two screens. Must not: know what is on a screen.
 */
#include <stdlib.h>
#include <string.h>

#include "ks/clock.h"
#include "ks/log.h"
#include "ks/process.h"

#include "app_internal.h"

screen *app_top(app *a) { return a->depth ? a->stack[a->depth - 1] : NULL; }
size_t app_depth(app *a) { return a->depth; }
int app_transitioning(app *a) { return a->trans.kind != TRANS_NONE; }

static void destroy_screen(screen *s)
{
    if (s && s->ops->destroy) s->ops->destroy(s);
}

/* Lays s out for the current area, unless nothing changed since it last
 * was (a screen built for this area is not laid out twice). */
static void layout_one(app *a, screen *s)
{
    SDL_Rect area = app_area(a);
    if (s->layout_gen == a->layout_gen && SDL_RectEquals(&s->area, &area)) return;
    s->area = area;
    s->layout_gen = a->layout_gen;
    if (s->ops->layout) s->ops->layout(s, a);
}

void nav_layout_all(app *a)
{
    a->layout_gen++;
    for (size_t i = 0; i < a->depth; i++) layout_one(a, a->stack[i]);
    if (a->trans.kind == TRANS_POP && a->trans.from) layout_one(a, a->trans.from);
}

void nav_reload_all(app *a)
{
    a->layout_gen++;
    for (size_t i = 0; i < a->depth; i++) {
        screen *s = a->stack[i];
        s->area = app_area(a);
        s->layout_gen = a->layout_gen;
        if (s->ops->reload) s->ops->reload(s, a);
        else if (s->ops->layout) s->ops->layout(s, a);
    }
    if (a->trans.kind == TRANS_POP && a->trans.from) {
        screen *s = a->trans.from;
        s->area = app_area(a);
        s->layout_gen = a->layout_gen;
        if (s->ops->reload) s->ops->reload(s, a);
    }
}

static void finish_transition(app *a)
{
    if (a->trans.kind == TRANS_POP) destroy_screen(a->trans.from);
    a->trans.kind = TRANS_NONE;
    a->trans.from = a->trans.to = NULL;
    /* The screen has settled and what the last one held (its article,
     * layouts, images) is freed: give those pages back, or the kiosk's
     * memory would stay at the highest any screen ever took. */
    uint64_t t0 = ks_clock_real_us();
    ks_process_release_memory();
    ks_log_debug("nav", "memory released in %.2f ms", (double)(ks_clock_real_us() - t0) / 1000.0);
}

static void start_transition(app *a, trans_kind kind, screen *from, screen *to)
{
    if (a->trans.kind != TRANS_NONE) {
        /* Interrupted: what is on screen is no longer a known state. */
        finish_transition(a);
        ks_ui_invalidate(a->ui, app_area(a));
    }
    int ms = ks_ui_theme(a->ui)->anim.transition_ms;
    if (ms > KS_THEME_MAX_ANIM_MS) ms = KS_THEME_MAX_ANIM_MS;
    a->trans.kind = ms > 0 && from ? kind : TRANS_NONE;
    a->trans.from = from;
    a->trans.to = to;
    a->trans.t0 = ks_clock_now_ms();
    a->trans.ms = ms;
    a->trans.warmed = 0;
    /* What is on screen now: the old screen, in place. */
    int w = app_area(a).w;
    a->trans.under_x = 0;
    a->trans.over_x = kind == TRANS_PUSH ? w : 0;
    if (a->trans.kind == TRANS_NONE) {
        if (kind == TRANS_POP) destroy_screen(from);
        ks_ui_invalidate(a->ui, app_area(a));
    }
    /* Keyboard focus belonged to the old screen. */
    if (a->focus.owner == KS_HIT_SCREEN && a->focus.visible) {
        a->focus.visible = 0;
        ks_ui_invalidate(a->ui, app_area(a));
    }
}

void app_push(app *a, screen *s)
{
    if (!s) return;
    if (a->depth == NAV_MAX) {
        /* Deep chains (article -> link -> article ...) drop the oldest
         * screen above home rather than refusing to navigate. */
        destroy_screen(a->stack[1]);
        memmove(&a->stack[1], &a->stack[2], (NAV_MAX - 2) * sizeof a->stack[0]);
        a->depth--;
    }
    screen *from = app_top(a);
    a->stack[a->depth++] = s;
    layout_one(a, s);
    start_transition(a, TRANS_PUSH, from, s);
    if (s->ops->enter) s->ops->enter(s, a);
}

void app_pop(app *a)
{
    if (a->depth <= 1) return;
    screen *from = a->stack[--a->depth];
    screen *to = app_top(a);
    layout_one(a, to);
    start_transition(a, TRANS_POP, from, to);
    if (to->ops->enter) to->ops->enter(to, a);
}

void app_home(app *a)
{
    if (a->depth <= 1) return;
    screen *from = a->stack[--a->depth];
    while (a->depth > 1) destroy_screen(a->stack[--a->depth]);
    screen *to = app_top(a);
    layout_one(a, to);
    start_transition(a, TRANS_POP, from, to);
    if (to->ops->enter) to->ops->enter(to, a);
}

void nav_clear(app *a)
{
    if (a->trans.kind == TRANS_POP) destroy_screen(a->trans.from);
    a->trans.kind = TRANS_NONE;
    while (a->depth) destroy_screen(a->stack[--a->depth]);
}

void app_open_article(app *a, const char *id)
{
    screen *s = screen_article_new(a, id);
    if (s) app_push(a, s);
}

void app_open_category(app *a, const char *id, const char *title)
{
    screen *s = screen_category_new(a, id, title);
    if (s) app_push(a, s);
}

void app_open_search(app *a, const char *initial_text)
{
    screen *s = screen_results_new(a, initial_text);
    if (s) app_push(a, s);
}

/* Ease-out cubic: quick to respond, gentle to land. */
static float ease(float p) { return 1.0f - (1.0f - p) * (1.0f - p) * (1.0f - p); }

static float progress(app *a, uint64_t now)
{
    if (a->trans.ms <= 0) return 1;
    float p = (float)(now - a->trans.t0) / (float)a->trans.ms;
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* Moves the two sliding screens from where they were drawn to under_x,
 * over_x: the pixels on screen are moved, and only the strips that came
 * into view are redrawn. */
static void slide_to(app *a, int under_x, int over_x)
{
    SDL_Rect A = app_area(a);
    int du = under_x - a->trans.under_x, d_o = over_x - a->trans.over_x;
    int o_old = a->trans.over_x;
    if (app_overlay_open(a)) {
        ks_ui_invalidate(a->ui, A); /* the dim is over everything: redraw */
    } else if (d_o < 0) {
        /* push: the old screen drifts left first, then the new one slides */
        ks_ui_move(a->ui, (SDL_Rect){A.x, A.y, o_old, A.h}, du, 0);
        ks_ui_move(a->ui, (SDL_Rect){A.x + over_x, A.y, A.w - over_x, A.h}, d_o, 0);
    } else if (d_o > 0) {
        /* pop: the top screen leaves first, then the one under it follows */
        ks_ui_move(a->ui, (SDL_Rect){A.x + o_old, A.y, A.w - o_old, A.h}, d_o, 0);
        ks_ui_move(a->ui, (SDL_Rect){A.x, A.y, o_old + du, A.h}, du, 0);
        ks_ui_invalidate(a->ui, (SDL_Rect){A.x, A.y, du > 0 ? du : 0, A.h});
        ks_ui_invalidate(a->ui, (SDL_Rect){A.x + o_old + du, A.y, over_x - o_old - du, A.h});
    }
    /* The hairline at the sheet's edge travels with the moved pixels;
     * redraw a sliver there so it is right (and gone at the end). */
    int hair = ks_ui_px(a->ui, 1) + 1;
    ks_ui_invalidate(a->ui, (SDL_Rect){A.x + over_x - hair, A.y, hair * 2, A.h});
    a->trans.under_x = under_x;
    a->trans.over_x = over_x;
}

int nav_update(app *a, uint64_t now)
{
    int moving = 0;
    if (a->trans.kind != TRANS_NONE) {
        float p = progress(a, now);
        float e = ease(p);
        int w = app_area(a).w;
        float q = a->trans.kind == TRANS_PUSH ? e : 1.0f - e; /* how much the top sheet covers */
        int over_x = (int)((float)w * (1.0f - q) + 0.5f);
        int under_x = 0; /* the screen underneath stays still: only the sheet moves */
        slide_to(a, under_x, over_x);
        if (p >= 1) finish_transition(a); /* this frame draws the end state */
        moving = 1;
    }
    screen *s = app_top(a);
    if (s && s->ops->update && s->ops->update(s, a, now)) moving = 1;
    return moving;
}

/* Draws s shifted by dx, showing only the part inside window rect vis. */
static void draw_at(app *a, screen *s, int dx, SDL_Rect vis)
{
    if (vis.w <= 0 || vis.h <= 0) return;
    ks_ui_push_clip(a->ui, vis);
    ks_ui_translate(a->ui, dx, 0);
    if (s->ops->draw) s->ops->draw(s, a);
    ks_ui_translate(a->ui, -dx, 0);
    ks_ui_pop_clip(a->ui);
}

void nav_draw(app *a)
{
    screen *top = app_top(a);
    if (!top) return;
    SDL_Rect area = app_area(a);
    if (a->trans.kind == TRANS_NONE) {
        draw_at(a, top, 0, area);
        return;
    }
    int w = area.w;
    if (!a->trans.warmed && ks_ui_first_pass(a->ui)) {
        /* Render the incoming screen's text into the cache a little each
         * frame, while only its edge shows: the frame that first shows
         * its text then only copies textures. It uses what the frame has
         * to spare, at least a little so it always progresses. */
        uint64_t budget = app_frame_slack_us(a);
        if (budget < 1000u) budget = 1000u;
        uint64_t t0 = ks_clock_real_us();
        ks_ui_warm_begin(a->ui, budget);
        draw_at(a, a->trans.to, 0, area);
        a->trans.warmed = !ks_ui_warm_end(a->ui);
        ks_log_debug("nav", "warmed %s for %.2f ms%s", a->trans.to->ops->name, (double)(ks_clock_real_us() - t0) / 1000.0,
                     a->trans.warmed ? " (done)" : "");
    }
    screen *under_s = a->trans.kind == TRANS_PUSH ? a->trans.from : a->trans.to;
    screen *over_s = a->trans.kind == TRANS_PUSH ? a->trans.to : a->trans.from;
    int over = a->trans.over_x, under = a->trans.under_x;
    /* Each screen draws only the strip the visitor sees of it. */
    draw_at(a, under_s, under, (SDL_Rect){area.x, area.y, over, area.h});
    SDL_Rect top_vis = {area.x + over, area.y, w - over, area.h};
    if (top_vis.w > 0) {
        ks_ui_push_clip(a->ui, top_vis);
        ks_ui_fill(a->ui, top_vis, ks_ui_colors(a->ui)->background);
        ks_ui_pop_clip(a->ui);
    }
    draw_at(a, over_s, over, top_vis);
    /* A hairline at the leading edge, so the sliding sheet reads as one. */
    if (over > 0 && over < w)
        ks_ui_fill(a->ui, (SDL_Rect){area.x + over, area.y, ks_ui_px(a->ui, 1), area.h}, ks_ui_colors(a->ui)->divider);
}
