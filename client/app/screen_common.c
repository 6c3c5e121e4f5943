/*
 * screen_common.c - helpers shared by the screens: the reading column, the
 * scroll views' redraw, caret blinking, headings and quiet messages.
 * Must not: hold state; each screen owns its own.
 */
#include <math.h>

#include "ks/textfield.h"
#include "ks/widgets.h"

#include "screen_common.h"

int sc_margin(app *a) { return ks_ui_sp(app_ui(a), 5); }

int sc_landscape(SDL_Rect area) { return area.w * 100 >= area.h * 115; }

SDL_Rect sc_column(app *a, SDL_Rect area, float max_em)
{
    int m = sc_margin(a);
    int w = area.w - 2 * m;
    int max_w = (int)((float)ks_ui_type_px(app_ui(a), KS_TYPE_BODY) * max_em);
    if (w > max_w) w = max_w;
    if (w < 0) w = 0;
    return (SDL_Rect){area.x + (area.w - w) / 2, area.y, w, area.h};
}

int sc_offset(ks_scroll *s) { return (int)floorf(ks_scroll_offset(s)); }

int sc_scroll_update_band(app *a, ks_scroll *s, SDL_Rect viewport, int x0, int w, int *drawn, uint64_t now)
{
    if (!s) return 0;
    int moving = ks_scroll_update(s, now);
    int off = sc_offset(s);
    if (off != *drawn) {
        ks_ui *ui = app_ui(a);
        SDL_Rect band = {x0, viewport.y, w, viewport.h}, r;
        if (!SDL_IntersectRect(&band, &viewport, &r)) r = viewport;
        if (app_transitioning(a) || app_overlay_open(a)) ks_ui_invalidate(ui, viewport);
        else ks_ui_move(ui, r, 0, *drawn - off);
        ks_ui_invalidate(ui, ks_widget_scrollbar_strip(ui, viewport));
        *drawn = off;
    }
    return moving;
}

int sc_scroll_update(app *a, ks_scroll *s, SDL_Rect viewport, int *drawn, uint64_t now)
{
    return sc_scroll_update_band(a, s, viewport, viewport.x, viewport.w, drawn, now);
}

uint64_t sc_caret_deadline(app *a, ks_textfield *f, uint64_t now)
{
    (void)a;
    return f ? ks_textfield_next_blink(f, now) : 0;
}

void sc_caret_update(app *a, ks_textfield *f, SDL_Rect r, int *drawn, uint64_t now)
{
    if (!f) return;
    int on = ks_textfield_caret_on(f, now);
    if (on != *drawn) {
        *drawn = on;
        ks_ui_invalidate(app_ui(a), r);
    }
}

int sc_heading(app *a, const char *text, int x, int y, int w, int draw)
{
    ks_ui *ui = app_ui(a);
    ks_text_style st = ks_ui_style(ui, KS_TYPE_SUBTITLE, 1, ks_ui_colors(ui)->text);
    int h = 0;
    if (draw) ks_ui_text(ui, text, &st, x, y, w, 2, KS_ALIGN_LEFT, 255, NULL, &h);
    else ks_ui_text_size(ui, text, &st, w, 2, NULL, &h);
    return h;
}

void sc_message(app *a, const char *text, SDL_Rect r)
{
    ks_ui *ui = app_ui(a);
    ks_text_style st = ks_ui_style(ui, KS_TYPE_SUBTITLE, 0, ks_ui_colors(ui)->text_muted);
    int h = 0;
    ks_ui_text_size(ui, text, &st, r.w, 4, NULL, &h);
    ks_ui_text(ui, text, &st, r.x, r.y + (r.h - h) / 2, r.w, 4, KS_ALIGN_CENTER, 255, NULL, NULL);
}
