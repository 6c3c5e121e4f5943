/*
 * chrome.c - the top bar: the brand on home, Back and Home everywhere
 * else, a discreet status spot (reserved for the sync/offline indicator),
 * the language switch and the display-settings button.
 *
 * The bar stays put while screens slide under it, so the way back is
 * always in the same place. Must not: hold state of its own beyond what
 * app_internal.h keeps, or know what a screen shows.
 */
#include <stdio.h>
#include <string.h>

#include "ks/log.h"
#include "ks/widgets.h"

#include "app_internal.h"

int chrome_height(app *a)
{
    return ks_ui_metrics(a->ui)->touch_px + ks_ui_sp(a->ui, 1.5f) * 2;
}

static int chrome_pressed(app *a, int id)
{
    return a->ptr.active && a->ptr.pressed && a->ptr.has_hit && a->ptr.hit.owner == KS_HIT_CHROME &&
           a->ptr.hit.id == id;
}

static size_t locale_index(app *a)
{
    for (size_t i = 0; i < a->cfg->n_locales; i++)
        if (strcmp(a->cfg->locales[i], a->locale) == 0) return i;
    return 0;
}

void chrome_draw(app *a)
{
    ks_ui *ui = a->ui;
    const ks_theme_colors *c = ks_ui_colors(ui);
    SDL_Rect bar = {0, 0, a->w, a->bar_h};
    if (a->bar_depth != (int)a->depth) {
        a->bar_depth = (int)a->depth;
        ks_ui_invalidate(ui, bar);
    }
    ks_ui_fill(ui, bar, c->background);
    ks_ui_fill(ui, (SDL_Rect){0, a->bar_h - ks_ui_px(ui, 1), a->w, ks_ui_px(ui, 1)}, c->divider);

    int margin = ks_ui_sp(ui, 3);
    int bh = ks_ui_metrics(ui)->touch_px;
    int y = (a->bar_h - bh) / 2;
    int x = margin;

    /* The right side first: it decides how much room the left has. */
    size_t n = a->cfg->n_locales < 8 ? a->cfg->n_locales : 8;
    ks_segment segs[8];
    char keys[8][48];
    for (size_t i = 0; i < n; i++) {
        snprintf(keys[i], sizeof keys[i], "lang.name.%s", a->cfg->locales[i]);
        segs[i].label = app_tr(a, keys[i]);
        segs[i].locale = a->cfg->locales[i];
    }
    int sh = bh * 86 / 100;
    int sw = n > 1 ? ks_widget_segmented_width(ui, sh, segs, n) : 0;
    SDL_Rect set = {a->w - margin - bh, y, bh, bh};
    SDL_Rect sr = {set.x - ks_ui_sp(ui, 1.5f) - sw, (a->bar_h - sh) / 2, sw, sh};
    int switch_x = n > 1 ? sr.x : set.x;
    int pill_max = a->w / 4;
    int pill_w = syncview_pill_width(a, pill_max);
    int left_limit = switch_x - (pill_w ? pill_w + ks_ui_sp(ui, 2) : 0) - ks_ui_sp(ui, 2);

    /* left: brand on home, the way back elsewhere */
    if (a->depth > 1) {
        const char *back = app_tr(a, "nav.back"), *home = app_tr(a, "nav.home");
        int wb = ks_widget_button_width(ui, bh, KS_ICON_BACK, back);
        int wh = ks_widget_button_width(ui, bh, KS_ICON_HOME, home);
        /* Narrow screens (a portrait totem with large text) keep the two
         * buttons as icons; their names stay what tap-text and a screen
         * reader find. */
        int labels = x - ks_ui_sp(ui, 1) + wb + ks_ui_sp(ui, 0.5f) + wh <= left_limit;
        if (!labels) wb = wh = bh;
        SDL_Rect r = {x - ks_ui_sp(ui, 1), y, wb, bh};
        ks_widget_button(ui, r, KS_BUTTON_GHOST, KS_ICON_BACK, labels ? back : NULL, chrome_pressed(a, CH_BACK));
        ks_ui_hit(ui, KS_HIT_CHROME, CH_BACK, r, NULL, 1);
        if (!labels) ks_ui_label(ui, back, r);
        x = r.x + r.w + ks_ui_sp(ui, 0.5f);
        r = (SDL_Rect){x, y, wh, bh};
        ks_widget_button(ui, r, KS_BUTTON_GHOST, KS_ICON_HOME, labels ? home : NULL, chrome_pressed(a, CH_HOME));
        ks_ui_hit(ui, KS_HIT_CHROME, CH_HOME, r, NULL, 1);
        if (!labels) ks_ui_label(ui, home, r);
    } else {
        int rad = bh * 36 / 100;
        ks_ui_circle(ui, x + rad, a->bar_h / 2, rad, c->primary);
        int f = rad * 2 * 120 / 100;
        ks_ui_icon(ui, KS_ICON_FACE, x + rad - f / 2, a->bar_h / 2 - f / 2, f, c->on_primary);
        ks_text_style st = ks_ui_style(ui, KS_TYPE_SUBTITLE, 1, c->text);
        int th = 0, nx = x + rad * 2 + ks_ui_sp(ui, 1.5f);
        const char *name = app_tr(a, "app.name");
        ks_ui_text_size(ui, name, &st, 0, 1, NULL, &th);
        if (left_limit > nx)
            ks_ui_text(ui, name, &st, nx, (a->bar_h - th) / 2, left_limit - nx, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
    }

    /* right: status spot, language switch, settings */
    int sp = chrome_pressed(a, CH_A11Y);
    if (sp) ks_ui_circle(ui, set.x + bh / 2, set.y + bh / 2, bh / 2, c->surface_alt);
    int is = bh * 52 / 100;
    ks_ui_icon(ui, KS_ICON_ACCESS, set.x + (bh - is) / 2, set.y + (bh - is) / 2, is, c->text);
    ks_ui_hit(ui, KS_HIT_CHROME, CH_A11Y, set, NULL, 1);
    ks_ui_label(ui, app_tr(a, "a11y.settings"), set);
    if (n > 1) {
        int pressed = -1;
        if (a->ptr.active && a->ptr.pressed && a->ptr.has_hit && a->ptr.hit.owner == KS_HIT_CHROME &&
            a->ptr.hit.id >= CH_LANG0)
            pressed = a->ptr.hit.id - CH_LANG0;
        SDL_Rect items[8];
        ks_widget_segmented(ui, sr, segs, n, locale_index(a), pressed, items);
        for (size_t i = 0; i < n; i++) {
            /* The touch target is the bar's full height: easy to hit. */
            SDL_Rect t = {items[i].x, y, items[i].w, bh};
            ks_ui_hit(ui, KS_HIT_CHROME, CH_LANG0 + (int)i, t, NULL, 1);
        }
    }
    /* The status spot, left of the language switch, stays empty until the
     * sync worker reports something a visitor should know (offline,
     * updating). */
    if (pill_w) syncview_draw_pill(a, switch_x - ks_ui_sp(ui, 2), a->bar_h / 2, pill_max);
}

void chrome_tap(app *a, int id)
{
    if (id == CH_BACK) {
        app_pop(a);
    } else if (id == CH_HOME) {
        app_home(a);
    } else if (id == CH_A11Y) {
        app_show_settings(a);
    } else if (id >= CH_LANG0 && (size_t)(id - CH_LANG0) < a->cfg->n_locales) {
        ks_error err = {0};
        if (app_set_locale(a, a->cfg->locales[id - CH_LANG0], &err) != KS_OK)
            ks_log_warn("app", "language switch: %s", err.msg);
    }
}
