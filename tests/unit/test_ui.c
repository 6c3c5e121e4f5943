/*
 * test_ui.c - the drawing context: only dirty rectangles are redrawn,
 * moving drawn pixels uncovers exactly the strips that need drawing,
 * hits resolve to the topmost visible target, visible text is recorded
 * once per frame with its rectangle, and the dim blends in place.
 */
#include <SDL.h>

#include "ks/text.h"
#include "ks/theme.h"
#include "ks/ui.h"
#include "test.h"

typedef struct fixture {
    SDL_Surface *s;
    SDL_Renderer *r;
    ks_text *text;
    ks_theme *theme;
    ks_ui *ui;
} fixture;

static int setup(fixture *f, int with_text)
{
    memset(f, 0, sizeof *f);
    f->s = SDL_CreateRGBSurfaceWithFormat(0, 400, 300, 32, SDL_PIXELFORMAT_ARGB8888);
    f->r = f->s ? SDL_CreateSoftwareRenderer(f->s) : NULL;
    f->theme = ks_theme_builtin(0);
    if (!f->r || !f->theme) return -1;
    ks_error err = {0};
    if (with_text && ks_text_create(f->r, &f->text, &err) != KS_OK) {
        fprintf(stderr, "text engine: %s\n", err.msg);
        return -1;
    }
    if (ks_ui_create(f->r, f->text, &f->ui, &err) != KS_OK) return -1;
    ks_ui_configure(f->ui, f->theme, 400, 300, 96, 0);
    ks_ui_set_framebuffer(f->ui, f->s);
    return 0;
}

static void teardown(fixture *f)
{
    ks_ui_destroy(f->ui);
    ks_text_destroy(f->text);
    ks_theme_free(f->theme);
    if (f->r) SDL_DestroyRenderer(f->r);
    SDL_FreeSurface(f->s);
}

static Uint32 px(fixture *f, int x, int y)
{
    SDL_RenderFlush(f->r);
    return ((Uint32 *)((Uint8 *)f->s->pixels + y * f->s->pitch))[x] & 0xFFFFFFu;
}

static const SDL_Color RED = {255, 0, 0, 255}, BLUE = {0, 0, 255, 255}, WHITE = {255, 255, 255, 255};

/* Draws the whole "scene" (one colour everywhere) for every pass. */
static int frame_fill(fixture *f, SDL_Color c, int *passes)
{
    if (!ks_ui_begin_frame(f->ui)) return 0;
    int n = 0;
    do {
        ks_ui_fill(f->ui, (SDL_Rect){0, 0, 400, 300}, c);
        n++;
    } while (ks_ui_next_pass(f->ui));
    ks_ui_end_frame(f->ui);
    if (passes) *passes = n;
    return 1;
}

static void test_ui_nothing_dirty_means_no_frame(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 0) == 0);
    KS_CHECK(frame_fill(&f, WHITE, NULL) == 1); /* configure marks everything */
    KS_CHECK(!ks_ui_dirty(f.ui));
    KS_CHECK(frame_fill(&f, WHITE, NULL) == 0);
    teardown(&f);
}

static void test_ui_draws_only_inside_dirty_rectangles(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 0) == 0);
    frame_fill(&f, WHITE, NULL);
    ks_ui_invalidate(f.ui, (SDL_Rect){10, 10, 20, 20});
    ks_ui_invalidate(f.ui, (SDL_Rect){300, 200, 20, 20});
    int passes = 0;
    KS_CHECK(frame_fill(&f, RED, &passes) == 1);
    KS_CHECK(passes == 2); /* two separate rectangles, two passes */
    KS_CHECK(px(&f, 15, 15) == 0xFF0000);
    KS_CHECK(px(&f, 310, 210) == 0xFF0000);
    KS_CHECK(px(&f, 100, 100) == 0xFFFFFF); /* untouched */
    KS_CHECK(px(&f, 31, 15) == 0xFFFFFF);
    teardown(&f);
}

static void test_ui_touching_dirty_rectangles_merge(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 0) == 0);
    frame_fill(&f, WHITE, NULL);
    ks_ui_invalidate(f.ui, (SDL_Rect){10, 10, 20, 20});
    ks_ui_invalidate(f.ui, (SDL_Rect){30, 10, 20, 20});
    ks_ui_invalidate(f.ui, (SDL_Rect){-50, -50, 10, 10}); /* off screen: ignored */
    int passes = 0;
    frame_fill(&f, RED, &passes);
    KS_CHECK(passes == 1);
    teardown(&f);
}

static void test_ui_move_shifts_pixels_and_dirties_what_came_into_view(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 0) == 0);
    frame_fill(&f, WHITE, NULL);
    /* a red bar at y 100..109 inside a viewport 50..249 */
    ks_ui_invalidate(f.ui, (SDL_Rect){0, 100, 400, 10});
    if (ks_ui_begin_frame(f.ui)) {
        do ks_ui_fill(f.ui, (SDL_Rect){0, 100, 400, 10}, RED);
        while (ks_ui_next_pass(f.ui));
        ks_ui_end_frame(f.ui);
    }
    SDL_Rect vp = {0, 50, 400, 200};
    ks_ui_move(f.ui, vp, 0, -30); /* content scrolls up 30 px */
    KS_CHECK(px(&f, 200, 75) == 0xFF0000);
    KS_CHECK(px(&f, 200, 100) == 0xFFFFFF);
    KS_CHECK(px(&f, 200, 45) == 0xFFFFFF); /* outside the viewport: untouched */
    /* only the strip at the bottom of the viewport needs drawing */
    int passes = 0;
    frame_fill(&f, BLUE, &passes);
    KS_CHECK(passes == 1);
    KS_CHECK(px(&f, 200, 225) == 0x0000FF);
    KS_CHECK(px(&f, 200, 249) == 0x0000FF);
    KS_CHECK(px(&f, 200, 215) == 0xFFFFFF);
    KS_CHECK(px(&f, 200, 250) == 0xFFFFFF);
    SDL_Rect changed[8];
    KS_CHECK(ks_ui_take_changed(f.ui, changed, 8) >= 2); /* the moved viewport and the strip */
    KS_CHECK(ks_ui_take_changed(f.ui, changed, 8) == 0);
    teardown(&f);
}

static void test_ui_move_carries_pending_redraws_along(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 0) == 0);
    frame_fill(&f, WHITE, NULL);
    ks_ui_invalidate(f.ui, (SDL_Rect){0, 150, 400, 10}); /* pending, not drawn yet */
    ks_ui_move(f.ui, (SDL_Rect){0, 0, 400, 300}, 0, -40);
    frame_fill(&f, BLUE, NULL);
    KS_CHECK(px(&f, 10, 155) == 0x0000FF); /* where it was */
    KS_CHECK(px(&f, 10, 115) == 0x0000FF); /* and where its stale pixels went */
    KS_CHECK(px(&f, 10, 130) == 0xFFFFFF);
    teardown(&f);
}

static void test_ui_move_without_framebuffer_redraws_the_region(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 0) == 0);
    ks_ui_set_framebuffer(f.ui, NULL);
    frame_fill(&f, WHITE, NULL);
    ks_ui_move(f.ui, (SDL_Rect){0, 50, 400, 100}, 0, -10);
    frame_fill(&f, BLUE, NULL);
    KS_CHECK(px(&f, 200, 60) == 0x0000FF);
    KS_CHECK(px(&f, 200, 149) == 0x0000FF);
    KS_CHECK(px(&f, 200, 40) == 0xFFFFFF);
    teardown(&f);
}

static void test_ui_hits_resolve_topmost_and_respect_clips(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 0) == 0);
    KS_REQUIRE(ks_ui_begin_frame(f.ui));
    ks_ui_hit(f.ui, KS_HIT_SCREEN, 1, (SDL_Rect){0, 0, 200, 200}, NULL, 1);
    ks_ui_hit(f.ui, KS_HIT_OVERLAY, 2, (SDL_Rect){50, 50, 50, 50}, NULL, 1);
    ks_ui_push_clip(f.ui, (SDL_Rect){0, 0, 400, 100});
    ks_ui_hit(f.ui, KS_HIT_SCREEN, 3, (SDL_Rect){300, 80, 50, 50}, NULL, 1); /* half clipped */
    ks_ui_hit(f.ui, KS_HIT_SCREEN, 4, (SDL_Rect){300, 200, 50, 50}, NULL, 1); /* wholly clipped */
    ks_ui_pop_clip(f.ui);
    ks_ui_translate(f.ui, 10, 0);
    ks_ui_hit(f.ui, KS_HIT_CHROME, 5, (SDL_Rect){0, 250, 20, 20}, NULL, 0);
    ks_ui_translate(f.ui, -10, 0);
    while (ks_ui_next_pass(f.ui)) {
    }
    ks_ui_end_frame(f.ui);
    const ks_hit *h = ks_ui_hit_at(f.ui, 60, 60);
    KS_REQUIRE(h);
    KS_CHECK(h->owner == KS_HIT_OVERLAY && h->id == 2);
    h = ks_ui_hit_at(f.ui, 10, 10);
    KS_CHECK(h && h->id == 1);
    KS_CHECK(ks_ui_hit_at(f.ui, 320, 90) && ks_ui_hit_at(f.ui, 320, 90)->id == 3);
    KS_CHECK(ks_ui_hit_at(f.ui, 320, 110) == NULL);
    KS_CHECK(ks_ui_hit_find(f.ui, KS_HIT_SCREEN, 4) == NULL);
    h = ks_ui_hit_find(f.ui, KS_HIT_SCREEN, 3);
    KS_CHECK(h && h->visible.h == 20 && h->rect.h == 50);
    h = ks_ui_hit_at(f.ui, 15, 255);
    KS_CHECK(h && h->id == 5 && h->rect.x == 10);
    KS_CHECK(ks_ui_hit_count(f.ui) == 4);
    teardown(&f);
}

static void test_ui_records_visible_text_once_with_its_rectangle(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 1) == 0);
    ks_ui_invalidate(f.ui, (SDL_Rect){0, 0, 10, 10});
    ks_ui_invalidate(f.ui, (SDL_Rect){300, 250, 10, 10}); /* two passes */
    ks_text_style st = ks_ui_style(f.ui, KS_TYPE_BODY, 0, (SDL_Color){0, 0, 0, 255});
    KS_REQUIRE(ks_ui_begin_frame(f.ui));
    do {
        ks_ui_text(f.ui, "Lost card", &st, 20, 20, 0, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
        ks_ui_push_clip(f.ui, (SDL_Rect){0, 0, 400, 100});
        ks_ui_text(f.ui, "hidden below", &st, 20, 200, 0, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
        ks_ui_pop_clip(f.ui);
        ks_ui_text(f.ui, "繁體中文", &st, 20, 60, 0, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
    } while (ks_ui_next_pass(f.ui));
    ks_ui_end_frame(f.ui);
    KS_CHECK(ks_ui_text_count(f.ui) == 2);
    ks_ui_text_element e;
    KS_REQUIRE(ks_ui_text_find(f.ui, "card", &e) == 0);
    KS_CHECK_STR(e.text, "Lost card");
    KS_CHECK(e.rect.x == 20 && e.rect.y == 20 && e.rect.w > 40 && e.rect.h > 10);
    KS_CHECK(ks_ui_text_find(f.ui, "體中", &e) == 0);
    KS_CHECK(ks_ui_text_find(f.ui, "hidden", &e) != 0);
    KS_CHECK(ks_ui_text_get(f.ui, 5, &e) != 0);
    teardown(&f);
}

static void test_ui_dim_darkens_what_is_drawn(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 0) == 0);
    KS_REQUIRE(ks_ui_begin_frame(f.ui));
    do {
        ks_ui_fill(f.ui, (SDL_Rect){0, 0, 400, 300}, WHITE);
        ks_ui_dim(f.ui, (SDL_Rect){0, 0, 200, 300}, (SDL_Color){0, 0, 0, 128});
    } while (ks_ui_next_pass(f.ui));
    ks_ui_end_frame(f.ui);
    Uint32 p = px(&f, 50, 50);
    int g = (int)((p >> 8) & 0xFF);
    KS_CHECK_MSG(g >= 125 && g <= 129, "green %d", g);
    KS_CHECK(px(&f, 300, 50) == 0xFFFFFF);
    teardown(&f);
}

static void test_ui_metrics_follow_the_window(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 0) == 0);
    ks_ui_configure(f.ui, f.theme, 1920, 1080, 96, 0);
    int body_hd = ks_ui_type_px(f.ui, KS_TYPE_BODY);
    ks_ui_configure(f.ui, f.theme, 3840, 2160, 96, 0);
    int body_4k = ks_ui_type_px(f.ui, KS_TYPE_BODY);
    KS_CHECK(body_4k >= body_hd * 2 - 1 && body_4k <= body_hd * 2 + 1); /* the same layout at 2x */
    ks_ui_configure(f.ui, f.theme, 1920, 1080, 96, 1);
    KS_CHECK(ks_ui_type_px(f.ui, KS_TYPE_BODY) > body_hd); /* large text */
    KS_CHECK(ks_ui_metrics(f.ui)->touch_px >= ks_theme_touch_min_px(96));
    teardown(&f);
}

int main(void)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    KS_RUN(test_ui_nothing_dirty_means_no_frame);
    KS_RUN(test_ui_draws_only_inside_dirty_rectangles);
    KS_RUN(test_ui_touching_dirty_rectangles_merge);
    KS_RUN(test_ui_move_shifts_pixels_and_dirties_what_came_into_view);
    KS_RUN(test_ui_move_carries_pending_redraws_along);
    KS_RUN(test_ui_move_without_framebuffer_redraws_the_region);
    KS_RUN(test_ui_hits_resolve_topmost_and_respect_clips);
    KS_RUN(test_ui_records_visible_text_once_with_its_rectangle);
    KS_RUN(test_ui_dim_darkens_what_is_drawn);
    KS_RUN(test_ui_metrics_follow_the_window);
    SDL_Quit();
    return ks_test_summary();
}
