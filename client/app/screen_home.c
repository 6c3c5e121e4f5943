/*
 * screen_home.c - the first thing a visitor sees: the avatar's place with
 * a greeting, the search field, and the topics (categories) as tiles.
 *
 * Landscape puts the greeting beside the search and topics; portrait
 * stacks them. The animated agent is a later piece of work: its space here
 * holds a calm static emblem. Typing anywhere (or tapping the field) opens
 * the search screen. Must not: query the store while drawing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks/textfield.h"
#include "ks/widgets.h"

#include "screen_common.h"

enum { HIT_FIELD = 1, HIT_TILE0 = 100 };

typedef struct home {
    screen base;
    ks_textfield *field;
    ks_category *cats;
    size_t n_cats;
    char **captions;
    ks_scroll *scroll;
    int drawn_off; /* the scroll offset on screen */
    /* layout */
    int emblem_x, emblem_y, emblem_r;
    SDL_Rect greet, sub;
    SDL_Rect field_r;
    int heading_y, heading_x, heading_w;
    SDL_Rect grid;
    int cols, tile_h, gap;
} home;

static void free_cats(home *h)
{
    for (size_t i = 0; i < h->n_cats; i++) free(h->captions ? h->captions[i] : NULL);
    free(h->captions);
    h->captions = NULL;
    ks_categories_free(h->cats, h->n_cats);
    h->cats = NULL;
    h->n_cats = 0;
}

static void home_destroy(screen *s)
{
    home *h = (home *)s;
    free_cats(h);
    ks_textfield_destroy(h->field);
    ks_scroll_destroy(h->scroll);
    free(h);
}

static void home_layout(screen *s, app *a)
{
    home *h = (home *)s;
    ks_ui *ui = app_ui(a);
    SDL_Rect A = s->area;
    int M = sc_margin(a);
    int touch = ks_ui_metrics(ui)->touch_px;
    int em = ks_ui_type_px(ui, KS_TYPE_BODY);
    const ks_theme_colors *c = ks_ui_colors(ui);
    ks_text_style gs = ks_ui_style(ui, KS_TYPE_DISPLAY, 1, c->text);
    ks_text_style ss = ks_ui_style(ui, KS_TYPE_BODY, 0, c->text_muted);
    const char *greeting = app_tr(a, "home.greeting"), *subtitle = app_tr(a, "home.subtitle");
    int field_h = touch * 5 / 4;
    h->gap = ks_ui_sp(ui, 2);
    h->tile_h = em * 4;
    if (h->tile_h < touch * 3 / 2) h->tile_h = touch * 3 / 2;
    int gh = 0, sh = 0;

    if (sc_landscape(A)) {
        int lw = A.w * 34 / 100;
        int lx = A.x + M;
        h->emblem_r = lw * 30 / 100;
        if (h->emblem_r > A.h * 17 / 100) h->emblem_r = A.h * 17 / 100;
        ks_ui_text_size(ui, greeting, &gs, lw, 3, NULL, &gh);
        ks_ui_text_size(ui, subtitle, &ss, lw, 3, NULL, &sh);
        int g1 = ks_ui_sp(ui, 4), g2 = ks_ui_sp(ui, 1.5f);
        int total = h->emblem_r * 2 + g1 + gh + g2 + sh;
        int y = A.y + (A.h - total) * 45 / 100;
        h->emblem_x = lx + lw / 2;
        h->emblem_y = y + h->emblem_r;
        h->greet = (SDL_Rect){lx, y + h->emblem_r * 2 + g1, lw, gh};
        h->sub = (SDL_Rect){lx, h->greet.y + gh + g2, lw, sh};
        int rx = lx + lw + ks_ui_sp(ui, 7);
        int rw = A.x + A.w - M - rx;
        h->field_r = (SDL_Rect){rx, A.y + M, rw, field_h};
        h->heading_x = rx;
        h->heading_w = rw;
        h->cols = rw / (em * 15);
    } else {
        int cw = A.w - 2 * M;
        h->emblem_r = A.w * 12 / 100;
        if (h->emblem_r > A.h * 8 / 100) h->emblem_r = A.h * 8 / 100;
        ks_ui_text_size(ui, greeting, &gs, cw, 3, NULL, &gh);
        ks_ui_text_size(ui, subtitle, &ss, cw, 3, NULL, &sh);
        int y = A.y + M;
        h->emblem_x = A.x + A.w / 2;
        h->emblem_y = y + h->emblem_r;
        h->greet = (SDL_Rect){A.x + M, y + h->emblem_r * 2 + ks_ui_sp(ui, 3), cw, gh};
        h->sub = (SDL_Rect){A.x + M, h->greet.y + gh + ks_ui_sp(ui, 1), cw, sh};
        h->field_r = (SDL_Rect){A.x + M, h->sub.y + sh + ks_ui_sp(ui, 4), cw, field_h};
        h->heading_x = A.x + M;
        h->heading_w = cw;
        h->cols = cw / (em * 15);
    }
    if (h->cols < 1) h->cols = 1;
    if (h->cols > 4) h->cols = 4;
    h->heading_y = h->field_r.y + h->field_r.h + ks_ui_sp(ui, 5);
    int hh = sc_heading(a, app_tr(a, "home.browse_topics"), h->heading_x, h->heading_y, h->heading_w, 0);
    int gy = h->heading_y + hh + ks_ui_sp(ui, 2);
    int bottom = A.y + A.h - M / 2;
    /* the grid's viewport starts a little above the tiles so their
     * pressed offset and edges are never cut */
    h->grid = (SDL_Rect){h->heading_x - ks_ui_sp(ui, 1), gy, h->heading_w + ks_ui_sp(ui, 2), bottom - gy};
    if (h->grid.h < 0) h->grid.h = 0;
    size_t rows = (h->n_cats + (size_t)h->cols - 1) / (size_t)h->cols;
    /* Tiles grow to fill the space when they all fit (no half-empty
     * screen), within a comfortable range; otherwise the grid scrolls. */
    if (rows > 0) {
        int fill = (h->grid.h - ks_ui_px(ui, 8) - (int)(rows - 1) * h->gap) / (int)rows;
        int lo = h->tile_h, hi = em * 6;
        h->tile_h = fill < lo ? lo : fill > hi ? hi : fill;
    }
    int content_h = rows ? (int)rows * (h->tile_h + h->gap) - h->gap + ks_ui_px(ui, 6) : 0;
    ks_scroll_set_extent(h->scroll, (float)h->grid.h, (float)content_h);
}

static void home_reload(screen *s, app *a)
{
    home *h = (home *)s;
    free_cats(h);
    if (content_ready(app_content(a))) {
        content_categories(app_content(a), app_locale(a), &h->cats, &h->n_cats);
        h->captions = calloc(h->n_cats ? h->n_cats : 1, sizeof *h->captions);
        for (size_t i = 0; h->captions && i < h->n_cats; i++) {
            char num[24], buf[128];
            snprintf(num, sizeof num, "%zu", h->cats[i].n_articles);
            app_trf(a, h->cats[i].n_articles == 1 ? "category.count_one" : "category.count_other", buf, sizeof buf,
                    "count", num, NULL);
            h->captions[i] = strdup(buf);
        }
    }
    home_layout(s, a);
}

static void home_draw(screen *s, app *a)
{
    home *h = (home *)s;
    ks_ui *ui = app_ui(a);
    const ks_theme_colors *c = ks_ui_colors(ui);

    ks_textfield_look look = {app_tr(a, "search.placeholder"), 0, 0, app_now(a)};
    ks_textfield_draw(ui, h->field, h->field_r, &look, NULL);
    ks_ui_hit(ui, KS_HIT_SCREEN, HIT_FIELD, h->field_r, NULL, 1);

    sc_heading(a, app_tr(a, "home.browse_topics"), h->heading_x, h->heading_y, h->heading_w, 1);
    ks_widget_emblem(ui, h->emblem_x, h->emblem_y, h->emblem_r);
    ks_text_style gs = ks_ui_style(ui, KS_TYPE_DISPLAY, 1, c->text);
    ks_text_style ss = ks_ui_style(ui, KS_TYPE_BODY, 0, c->text_muted);
    ks_ui_text(ui, app_tr(a, "home.greeting"), &gs, h->greet.x, h->greet.y, h->greet.w, 3, KS_ALIGN_CENTER, 255, NULL,
               NULL);
    ks_ui_text(ui, app_tr(a, "home.subtitle"), &ss, h->sub.x, h->sub.y, h->sub.w, 3, KS_ALIGN_CENTER, 255, NULL, NULL);

    if (!content_ready(app_content(a))) {
        sc_message(a, app_tr(a, "status.loading"), h->grid);
        return;
    }
    if (h->n_cats == 0) {
        sc_message(a, app_tr(a, "category.empty"), h->grid);
        return;
    }
    ks_ui_push_clip(ui, h->grid);
    int off = sc_offset(h->scroll);
    h->drawn_off = off;
    int tw = (h->heading_w - (h->cols - 1) * h->gap) / h->cols;
    for (size_t i = 0; i < h->n_cats; i++) {
        int col = (int)i % h->cols, row = (int)i / h->cols;
        SDL_Rect r = {h->heading_x + col * (tw + h->gap), h->grid.y + ks_ui_px(ui, 2) + row * (h->tile_h + h->gap) - off,
                      tw, h->tile_h};
        if (!ks_ui_visible(ui, r)) continue;
        ks_widget_tile(ui, r, h->cats[i].title, h->captions ? h->captions[i] : NULL, (int)i,
                       app_pressed(a, HIT_TILE0 + (int)i));
        ks_ui_hit(ui, KS_HIT_SCREEN, HIT_TILE0 + (int)i, r, h->scroll, 1);
    }
    ks_ui_pop_clip(ui);
    ks_widget_scrollbar(ui, h->grid, ks_scroll_offset(h->scroll), ks_scroll_max(h->scroll), 255);
}

static int home_update(screen *s, app *a, uint64_t now)
{
    home *h = (home *)s;
    return sc_scroll_update(a, h->scroll, h->grid, &h->drawn_off, now);
}

static void home_tap(screen *s, app *a, int id, int x, int y)
{
    home *h = (home *)s;
    (void)x;
    (void)y;
    if (id == HIT_FIELD) {
        app_open_search(a, "");
        app_keyboard_show(a); /* for the new screen's field */
    } else if (id >= HIT_TILE0 && (size_t)(id - HIT_TILE0) < h->n_cats) {
        ks_category *cat = &h->cats[id - HIT_TILE0];
        app_open_category(a, cat->id, cat->title);
    }
}

static ks_scroll *home_scroll_at(screen *s, int x, int y)
{
    home *h = (home *)s;
    SDL_Point p = {x, y};
    return SDL_PointInRect(&p, &h->grid) && ks_scroll_max(h->scroll) > 0 ? h->scroll : NULL;
}

static void home_enter(screen *s, app *a)
{
    home *h = (home *)s;
    (void)a;
    ks_textfield_clear(h->field);
}

static const screen_ops home_ops = {
    .name = "home",
    .destroy = home_destroy,
    .layout = home_layout,
    .reload = home_reload,
    .draw = home_draw,
    .update = home_update,
    .tap = home_tap,
    .scroll_at = home_scroll_at,
    .enter = home_enter,
    /* no .field: typing on home opens the search screen with that text */
};

screen *screen_home_new(app *a)
{
    home *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->base.ops = &home_ops;
    h->field = ks_textfield_create(256);
    h->scroll = ks_scroll_create();
    if (!h->field || !h->scroll) {
        home_destroy(&h->base);
        return NULL;
    }
    h->base.area = app_area(a);
    h->base.layout_gen = app_layout_gen(a);
    home_reload(&h->base, a);
    return &h->base;
}
