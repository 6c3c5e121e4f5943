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

    /* left: brand on home, the way back elsewhere */
    if (a->depth > 1) {
        const char *back = app_tr(a, "nav.back"), *home = app_tr(a, "nav.home");
        int w = ks_widget_button_width(ui, bh, KS_ICON_BACK, back);
        SDL_Rect r = {x - ks_ui_sp(ui, 1), y, w, bh};
        ks_widget_button(ui, r, KS_BUTTON_GHOST, KS_ICON_BACK, back, chrome_pressed(a, CH_BACK));
        ks_ui_hit(ui, KS_HIT_CHROME, CH_BACK, r, NULL, 1);
        x = r.x + r.w + ks_ui_sp(ui, 0.5f);
        w = ks_widget_button_width(ui, bh, KS_ICON_HOME, home);
        r = (SDL_Rect){x, y, w, bh};
        ks_widget_button(ui, r, KS_BUTTON_GHOST, KS_ICON_HOME, home, chrome_pressed(a, CH_HOME));
        ks_ui_hit(ui, KS_HIT_CHROME, CH_HOME, r, NULL, 1);
    } else {
        int rad = bh * 36 / 100;
        ks_ui_circle(ui, x + rad, a->bar_h / 2, rad, c->primary);
        int f = rad * 2 * 120 / 100;
        ks_ui_icon(ui, KS_ICON_FACE, x + rad - f / 2, a->bar_h / 2 - f / 2, f, c->on_primary);
        ks_text_style st = ks_ui_style(ui, KS_TYPE_SUBTITLE, 1, c->text);
        int th = 0;
        const char *name = app_tr(a, "app.name");
        ks_ui_text_size(ui, name, &st, 0, 1, NULL, &th);
        ks_ui_text(ui, name, &st, x + rad * 2 + ks_ui_sp(ui, 1.5f), (a->bar_h - th) / 2, 0, 1, KS_ALIGN_LEFT, 255,
                   NULL, NULL);
    }

    /* right: settings, language switch, status spot */
    int rx = a->w - margin;
    SDL_Rect set = {rx - bh, y, bh, bh};
    int sp = chrome_pressed(a, CH_A11Y);
    if (sp) ks_ui_circle(ui, set.x + bh / 2, set.y + bh / 2, bh / 2, c->surface_alt);
    int is = bh * 52 / 100;
    ks_ui_icon(ui, KS_ICON_ACCESS, set.x + (bh - is) / 2, set.y + (bh - is) / 2, is, c->text);
    ks_ui_hit(ui, KS_HIT_CHROME, CH_A11Y, set, NULL, 1);
    ks_ui_label(ui, app_tr(a, "a11y.settings"), set);
    rx = set.x - ks_ui_sp(ui, 1.5f);

    size_t n = a->cfg->n_locales;
    if (n > 1) {
        ks_segment segs[8];
        char keys[8][48];
        if (n > 8) n = 8;
        for (size_t i = 0; i < n; i++) {
            snprintf(keys[i], sizeof keys[i], "lang.name.%s", a->cfg->locales[i]);
            segs[i].label = app_tr(a, keys[i]);
            segs[i].locale = a->cfg->locales[i];
        }
        int sh = bh * 86 / 100;
        int sw = ks_widget_segmented_width(ui, sh, segs, n);
        SDL_Rect sr = {rx - sw, (a->bar_h - sh) / 2, sw, sh};
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
        rx = sr.x - ks_ui_sp(ui, 2);
    }
    /* The status spot (rx leftwards) stays empty until the sync worker
     * reports something a visitor should know (offline, updating). */
    (void)rx;
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
