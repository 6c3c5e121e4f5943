/*
 * screen_category.c - one topic: its title, how many articles it has, and
 * the articles as a scrollable list of rows.
 *
 * Titles come from the store in the visitor's locale along the fallback
 * chain, so a switch of language relists them. Must not: query the store
 * while drawing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks/widgets.h"

#include "screen_common.h"

enum { HIT_ROW0 = 100 };

typedef struct category {
    screen base;
    char *id;
    char *title;
    char *count;
    ks_article *arts;
    size_t n;
    char **captions;
    int *row_y, *row_h;
    ks_scroll *scroll;
    int drawn_off; /* the scroll offset on screen */
    SDL_Rect col, header, list;
    int title_h;
} category;

static void free_list(category *c)
{
    for (size_t i = 0; c->captions && i < c->n; i++) free(c->captions[i]);
    free(c->captions);
    free(c->row_y);
    free(c->row_h);
    ks_articles_free(c->arts, c->n);
    c->captions = NULL;
    c->row_y = c->row_h = NULL;
    c->arts = NULL;
    c->n = 0;
}

static void category_destroy(screen *s)
{
    category *c = (category *)s;
    free_list(c);
    free(c->id);
    free(c->title);
    free(c->count);
    ks_scroll_destroy(c->scroll);
    free(c);
}

static void category_layout(screen *s, app *a)
{
    category *c = (category *)s;
    ks_ui *ui = app_ui(a);
    SDL_Rect A = s->area;
    int M = sc_margin(a);
    c->col = sc_column(a, A, 44);
    ks_text_style ts = ks_ui_style(ui, KS_TYPE_TITLE, 1, ks_ui_colors(ui)->text);
    ks_text_style cs = ks_ui_style(ui, KS_TYPE_BODY, 0, ks_ui_colors(ui)->text_muted);
    int ch = 0;
    ks_ui_text_size(ui, c->title, &ts, c->col.w, 2, NULL, &c->title_h);
    ks_ui_text_size(ui, c->count, &cs, c->col.w, 1, NULL, &ch);
    c->header = (SDL_Rect){c->col.x, A.y + M * 3 / 4, c->col.w, c->title_h + ks_ui_sp(ui, 1) + ch};
    int ly = c->header.y + c->header.h + ks_ui_sp(ui, 2.5f);
    c->list = (SDL_Rect){A.x, ly, A.w, A.y + A.h - ly};
    int y = ks_ui_sp(ui, 1);
    for (size_t i = 0; i < c->n; i++) {
        c->row_y[i] = y;
        c->row_h[i] = ks_widget_row_height(ui, c->col.w, c->arts[i].title, c->captions[i], 3);
        y += c->row_h[i] + ks_ui_sp(ui, 1.5f);
    }
    ks_scroll_set_extent(c->scroll, (float)c->list.h, (float)(y + M));
}

static void category_reload(screen *s, app *a)
{
    category *c = (category *)s;
    free_list(c);
    content_articles(app_content(a), c->id, app_locale(a), 0, &c->arts, &c->n);
    char *t = content_category_title(app_content(a), c->id, app_locale(a));
    if (t) {
        free(c->title);
        c->title = t;
    }
    char num[24], buf[128];
    snprintf(num, sizeof num, "%zu", c->n);
    app_trf(a, c->n == 1 ? "category.count_one" : "category.count_other", buf, sizeof buf, "count", num, NULL);
    free(c->count);
    c->count = strdup(buf);
    size_t n = c->n ? c->n : 1;
    c->captions = calloc(n, sizeof *c->captions);
    c->row_y = calloc(n, sizeof *c->row_y);
    c->row_h = calloc(n, sizeof *c->row_h);
    if (!c->captions || !c->row_y || !c->row_h) {
        free_list(c);
        c->captions = NULL;
    }
    for (size_t i = 0; c->captions && i < c->n; i++) {
        if (strcmp(c->arts[i].locale, app_locale(a)) != 0) {
            char key[64];
            snprintf(key, sizeof key, "lang.in.%s", c->arts[i].locale);
            c->captions[i] = strdup(app_tr(a, key));
        }
    }
    category_layout(s, a);
}

static void category_draw(screen *s, app *a)
{
    category *c = (category *)s;
    ks_ui *ui = app_ui(a);
    const ks_theme_colors *col = ks_ui_colors(ui);
    ks_text_style ts = ks_ui_style(ui, KS_TYPE_TITLE, 1, col->text);
    ks_text_style cs = ks_ui_style(ui, KS_TYPE_BODY, 0, col->text_muted);
    ks_ui_text(ui, c->title, &ts, c->header.x, c->header.y, c->header.w, 2, KS_ALIGN_LEFT, 255, NULL, NULL);
    ks_ui_text(ui, c->count, &cs, c->header.x, c->header.y + c->title_h + ks_ui_sp(ui, 1), c->header.w, 1,
               KS_ALIGN_LEFT, 255, NULL, NULL);
    if (c->n == 0) {
        sc_message(a, app_tr(a, "category.empty"), c->list);
        return;
    }
    ks_ui_push_clip(ui, c->list);
    c->drawn_off = sc_offset(c->scroll);
    int base = c->list.y - c->drawn_off;
    for (size_t i = 0; i < c->n; i++) {
        SDL_Rect r = {c->col.x, base + c->row_y[i], c->col.w, c->row_h[i]};
        if (!ks_ui_visible(ui, (SDL_Rect){r.x, r.y, r.w, r.h + ks_ui_px(ui, 4)})) continue;
        ks_widget_row(ui, r, KS_ICON_DOCUMENT, c->arts[i].title, c->captions[i], 3, app_pressed(a, HIT_ROW0 + (int)i));
        ks_ui_hit(ui, KS_HIT_SCREEN, HIT_ROW0 + (int)i, r, c->scroll, 1);
    }
    ks_ui_pop_clip(ui);
    ks_widget_scrollbar(ui, c->list, ks_scroll_offset(c->scroll), ks_scroll_max(c->scroll), 255);
}

static int category_update(screen *s, app *a, uint64_t now)
{
    category *c = (category *)s;
    int m = ks_ui_sp(app_ui(a), 2);
    return sc_scroll_update_band(a, c->scroll, c->list, c->col.x - m, c->col.w + 2 * m, &c->drawn_off, now);
}

static void category_tap(screen *s, app *a, int id, int x, int y)
{
    category *c = (category *)s;
    (void)x;
    (void)y;
    if (id >= HIT_ROW0 && (size_t)(id - HIT_ROW0) < c->n) app_open_article(a, c->arts[id - HIT_ROW0].id);
}

static int category_key(screen *s, app *a, SDL_Keycode key, Uint16 mod)
{
    category *c = (category *)s;
    (void)mod;
    if (key == SDLK_PAGEDOWN || key == SDLK_PAGEUP) {
        float d = (float)c->list.h * 0.85f * (key == SDLK_PAGEDOWN ? 1.0f : -1.0f);
        ks_scroll_animate_by(c->scroll, d, app_now(a), 200);
        ks_ui_invalidate(app_ui(a), c->list);
        return 1;
    }
    return 0;
}

static ks_scroll *category_scroll_at(screen *s, int x, int y)
{
    category *c = (category *)s;
    SDL_Point p = {x, y};
    return SDL_PointInRect(&p, &c->list) ? c->scroll : NULL;
}

static const screen_ops category_ops = {
    .name = "category",
    .destroy = category_destroy,
    .layout = category_layout,
    .reload = category_reload,
    .draw = category_draw,
    .update = category_update,
    .tap = category_tap,
    .key = category_key,
    .scroll_at = category_scroll_at,
};

screen *screen_category_new(app *a, const char *category_id, const char *title)
{
    category *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->base.ops = &category_ops;
    c->id = strdup(category_id ? category_id : "");
    c->title = strdup(title ? title : "");
    c->scroll = ks_scroll_create();
    if (!c->id || !c->title || !c->scroll) {
        category_destroy(&c->base);
        return NULL;
    }
    c->base.area = app_area(a);
    c->base.layout_gen = app_layout_gen(a);
    category_reload(&c->base, a);
    return &c->base;
}
