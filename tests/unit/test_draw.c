/*
 * test_draw.c - the shape cache: anti-aliased discs, rings, rounded
 * rectangles and icons, drawn in the right colour and place on the
 * software renderer, and rasterised once, not per frame.
 */
#include <SDL.h>

#include "ks/draw.h"
#include "test.h"

typedef struct fixture {
    SDL_Surface *s;
    SDL_Renderer *r;
    ks_draw *d;
} fixture;

static int setup(fixture *f, int w, int h)
{
    f->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    f->r = f->s ? SDL_CreateSoftwareRenderer(f->s) : NULL;
    if (!f->r || ks_draw_create(f->r, &f->d, NULL) != KS_OK) return -1;
    SDL_SetRenderDrawColor(f->r, 255, 255, 255, 255);
    SDL_RenderClear(f->r);
    return 0;
}

static void teardown(fixture *f)
{
    ks_draw_destroy(f->d);
    if (f->r) SDL_DestroyRenderer(f->r);
    SDL_FreeSurface(f->s);
}

static Uint32 px(fixture *f, int x, int y)
{
    SDL_RenderFlush(f->r);
    return ((Uint32 *)((Uint8 *)f->s->pixels + y * f->s->pitch))[x] & 0xFFFFFFu;
}

static int green(Uint32 p) { return (int)((p >> 8) & 0xFF); }

static void test_draw_every_icon_has_ink_inside_its_box(void)
{
    for (int i = 0; i < KS_ICON_COUNT_; i++) {
        SDL_Surface *s = ks_draw_icon_surface((ks_icon)i, 48);
        KS_REQUIRE(s);
        long ink = 0, edge = 0;
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 48; x++) {
                Uint32 a = ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x] >> 24;
                ink += a;
                if ((x == 0 || y == 0 || x == 47 || y == 47) && a > 128) edge++;
            }
        KS_CHECK_MSG(ink > 255 * 20, "icon %d has almost no ink", i);
        KS_CHECK_MSG(edge == 0, "icon %d touches its box edge", i);
        SDL_FreeSurface(s);
    }
    KS_CHECK(ks_draw_icon_surface(KS_ICON_COUNT_, 48) == NULL);
    KS_CHECK(ks_draw_icon_surface(KS_ICON_SEARCH, 0) == NULL);
}

static void test_draw_disc_is_antialiased_and_in_place(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 200, 200) == 0);
    ks_draw_circle(f.d, 100, 100, 50, (SDL_Color){0, 0, 0, 255});
    KS_CHECK(px(&f, 100, 100) == 0x000000);
    KS_CHECK(px(&f, 100, 52) == 0x000000);   /* inside the top edge */
    KS_CHECK(px(&f, 100, 45) == 0xFFFFFF);   /* outside it */
    KS_CHECK(px(&f, 60, 60) == 0xFFFFFF);    /* the square's corner stays clear */
    /* somewhere on the 45-degree edge a pixel is neither black nor white */
    int partial = 0;
    for (int i = 60; i < 70; i++) {
        int g = green(px(&f, i, i));
        if (g > 20 && g < 235) partial = 1;
    }
    KS_CHECK(partial);
    teardown(&f);
}

static void test_draw_round_rect_fills_and_rounds(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 300, 200) == 0);
    SDL_Rect r = {50, 40, 200, 100};
    ks_draw_round_rect(f.d, r, 20, (SDL_Color){10, 90, 110, 255});
    KS_CHECK(px(&f, 150, 90) == 0x0A5A6E);  /* middle */
    KS_CHECK(px(&f, 150, 41) == 0x0A5A6E);  /* top edge between the corners */
    KS_CHECK(px(&f, 51, 90) == 0x0A5A6E);   /* left edge between the corners */
    KS_CHECK(px(&f, 50, 40) == 0xFFFFFF);   /* the very corner is rounded off */
    KS_CHECK(px(&f, 249, 139) == 0xFFFFFF);
    KS_CHECK(px(&f, 150, 141) == 0xFFFFFF); /* nothing below */
    /* a radius larger than half the height becomes a pill, not garbage */
    ks_draw_round_rect(f.d, (SDL_Rect){50, 160, 200, 30}, 500, (SDL_Color){0, 0, 0, 255});
    KS_CHECK(px(&f, 150, 175) == 0x000000);
    KS_CHECK(px(&f, 51, 161) == 0xFFFFFF);
    teardown(&f);
}

static void test_draw_outline_leaves_the_inside_alone(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 200, 200) == 0);
    ks_draw_round_rect_outline(f.d, (SDL_Rect){20, 20, 160, 160}, 16, 4, (SDL_Color){0, 0, 0, 255});
    KS_CHECK(px(&f, 100, 21) == 0x000000);
    KS_CHECK(px(&f, 100, 100) == 0xFFFFFF);
    KS_CHECK(px(&f, 100, 30) == 0xFFFFFF);
    teardown(&f);
}

static void test_draw_translucent_fill_blends(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 50, 50) == 0);
    ks_draw_rect(f.d, (SDL_Rect){0, 0, 50, 50}, (SDL_Color){0, 0, 0, 128});
    int g = green(px(&f, 25, 25));
    KS_CHECK_MSG(g > 110 && g < 145, "green %d", g);
    teardown(&f);
}

static void test_draw_shapes_are_cached_not_rasterised_per_frame(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 200, 200) == 0);
    SDL_Color c = {0, 0, 0, 255};
    for (int i = 0; i < 50; i++) {
        ks_draw_icon(f.d, KS_ICON_SEARCH, 10, 10, 32, c);
        ks_draw_round_rect(f.d, (SDL_Rect){0, 100, 150, 60}, 12, c);
        ks_draw_circle(f.d, 100, 50, 20, c);
    }
    KS_CHECK(ks_draw_cached_textures(f.d) == 3); /* icon, corner disc, disc */
    ks_draw_icon(f.d, KS_ICON_SEARCH, 10, 10, 32, (SDL_Color){200, 0, 0, 255});
    KS_CHECK(ks_draw_cached_textures(f.d) == 4); /* another colour is another texture */
    ks_draw_flush(f.d);
    KS_CHECK(ks_draw_cached_textures(f.d) == 0);
    KS_CHECK(ks_draw_cached_bytes(f.d) == 0);
    teardown(&f);
}

static void test_draw_cache_stays_within_its_budget(void)
{
    fixture f;
    KS_REQUIRE(setup(&f, 64, 64) == 0);
    /* many large discs: far more than the budget */
    for (int r = 200; r < 400; r += 2) ks_draw_circle(f.d, 32, 32, r, (SDL_Color){0, 0, 0, 255});
    KS_CHECK(ks_draw_cached_bytes(f.d) <= 12u * 1024u * 1024u);
    KS_CHECK(ks_draw_cached_textures(f.d) > 0);
    teardown(&f);
}

int main(void)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    KS_RUN(test_draw_every_icon_has_ink_inside_its_box);
    KS_RUN(test_draw_disc_is_antialiased_and_in_place);
    KS_RUN(test_draw_round_rect_fills_and_rounds);
    KS_RUN(test_draw_outline_leaves_the_inside_alone);
    KS_RUN(test_draw_translucent_fill_blends);
    KS_RUN(test_draw_shapes_are_cached_not_rasterised_per_frame);
    KS_RUN(test_draw_cache_stays_within_its_budget);
    SDL_Quit();
    return ks_test_summary();
}
