/*
 * widgets.c - buttons, tiles, rows, the language switch, toggles, badges,
 * cards, focus ring, scroll indicator and the avatar emblem, drawn through
 * ks_ui in the theme's colours (see include/ks/widgets.h).
 *
 * Proportions are fractions of the target height or of the theme's
 * spacing unit, never pixel constants, so every size of screen gets the
 * same design. Must not: keep state, register hits or load content.
 */
#include <string.h>

#include <utf8proc.h>

#include "ks/theme.h"
#include "ks/widgets.h"

static int high_contrast(ks_ui *ui) { return ks_ui_theme(ui)->high_contrast; }

/* ---- buttons ---- */

static int button_pad(int h) { return h * 45 / 100; }
static int button_icon(int h) { return h * 44 / 100; }

int ks_widget_button_width(ks_ui *ui, int h, ks_icon icon, const char *label)
{
    int w = 0;
    if (label && *label) {
        ks_text_style st = ks_ui_style(ui, KS_TYPE_BODY, 1, ks_ui_colors(ui)->text);
        ks_ui_text_size(ui, label, &st, 0, 1, &w, NULL);
    }
    int iw = icon == KS_NO_ICON ? 0 : button_icon(h);
    int gap = iw && w ? h * 22 / 100 : 0;
    if (!w) return h; /* icon only: a circle */
    return button_pad(h) * 2 + iw + gap + w;
}

void ks_widget_button(ks_ui *ui, SDL_Rect r, ks_button_kind kind, ks_icon icon, const char *label,
                      int pressed)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    SDL_Color bg = c->surface, fg = c->text;
    int rad = r.h / 2;
    switch (kind) {
    case KS_BUTTON_PRIMARY:
        bg = pressed ? c->primary_pressed : c->primary;
        fg = c->on_primary;
        ks_ui_round_rect(ui, r, rad, bg);
        break;
    case KS_BUTTON_SECONDARY: {
        int b = ks_ui_px(ui, 2);
        ks_ui_round_rect(ui, r, rad, high_contrast(ui) ? c->text : c->divider);
        bg = pressed ? c->surface_alt : c->surface;
        ks_ui_round_rect(ui, (SDL_Rect){r.x + b, r.y + b, r.w - 2 * b, r.h - 2 * b}, rad - b, bg);
        fg = c->primary;
        if (high_contrast(ui)) fg = c->text;
        break;
    }
    case KS_BUTTON_GHOST:
        if (pressed) ks_ui_round_rect(ui, r, rad, c->surface_alt);
        fg = c->text;
        break;
    }
    ks_text_style st = ks_ui_style(ui, KS_TYPE_BODY, 1, fg);
    int tw = 0, th = 0;
    if (label && *label) ks_ui_text_size(ui, label, &st, 0, 1, &tw, &th);
    int iw = icon == KS_NO_ICON ? 0 : button_icon(r.h);
    int gap = iw && tw ? r.h * 22 / 100 : 0;
    int total = iw + gap + tw;
    int max_tw = r.w - button_pad(r.h) * 2 - iw - gap;
    if (tw > max_tw && max_tw > 0) {
        tw = max_tw;
        total = iw + gap + tw;
    }
    int x = r.x + (r.w - total) / 2;
    if (iw) ks_ui_icon(ui, icon, x, r.y + (r.h - iw) / 2, iw, fg);
    /* the label may use all the room left, so measuring and drawing never
     * disagree by a pixel into an ellipsis */
    if (tw) ks_ui_text(ui, label, &st, x + iw + gap, r.y + (r.h - th) / 2, r.x + r.w - (x + iw + gap), 1, KS_ALIGN_LEFT,
                       255, NULL, NULL);
}

/* ---- cards, tiles, rows ---- */

void ks_widget_card(ks_ui *ui, SDL_Rect r, int radius, int pressed)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    if (high_contrast(ui)) {
        int b = ks_ui_px(ui, 2);
        ks_ui_round_rect(ui, r, radius, pressed ? c->primary : c->divider);
        ks_ui_round_rect(ui, (SDL_Rect){r.x + b, r.y + b, r.w - 2 * b, r.h - 2 * b}, radius - b,
                         pressed ? c->surface_alt : c->surface);
        return;
    }
    /* A soft lower edge instead of a blurred shadow: the shadow colour
     * composed over the background once, then drawn opaque, so even a 4K
     * software-rendered screen fills it at memset speed. Only a strip the
     * height of the corners is drawn. */
    int ledge = ks_ui_px(ui, 3);
    int strip = radius * 2 > ledge * 2 ? radius * 2 : ledge * 2;
    if (!pressed && c->shadow.a) {
        SDL_Color sh = ks_theme_mix(c->background, (SDL_Color){c->shadow.r, c->shadow.g, c->shadow.b, 255},
                                    (float)c->shadow.a / 255.0f);
        sh.a = 255;
        ks_ui_round_rect(ui, (SDL_Rect){r.x, r.y + r.h - strip + ledge, r.w, strip}, radius, sh);
    }
    SDL_Color bg = pressed ? ks_theme_mix(c->surface, c->primary, 0.10f) : c->surface;
    SDL_Rect body = r;
    if (pressed) body.y += ledge / 2;
    ks_ui_round_rect(ui, body, radius, bg);
}

SDL_Color ks_widget_hue(ks_ui *ui, int hue, int strong)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    if (high_contrast(ui)) return strong ? c->on_primary : c->primary;
    SDL_Color base[4] = {c->primary, c->accent, c->success, c->link};
    SDL_Color h = base[(hue % 4 + 4) % 4];
    if (strong) return ks_theme_mix(h, c->text, 0.25f);
    return ks_theme_mix(h, c->surface, 0.84f);
}

/* The first character of s, upper-cased when it has a case. */
static void monogram(const char *s, char out[8])
{
    utf8proc_int32_t cp = 0;
    out[0] = '\0';
    if (!s || !*s) return;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
    if (k <= 0) return;
    cp = utf8proc_toupper(cp);
    utf8proc_ssize_t n = utf8proc_encode_char(cp, (utf8proc_uint8_t *)out);
    out[n] = '\0';
}

void ks_widget_tile(ks_ui *ui, SDL_Rect r, const char *title, const char *caption, int hue, int pressed)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    const ks_theme_metrics *m = ks_ui_metrics(ui);
    ks_widget_card(ui, r, m->radius_px, pressed);
    if (pressed && !high_contrast(ui)) r.y += ks_ui_px(ui, 3) / 2;
    int pad = ks_ui_sp(ui, 2.5f);
    int disc = r.h * 46 / 100;
    int max_disc = ks_ui_type_px(ui, KS_TYPE_DISPLAY) * 3 / 2;
    if (disc > max_disc) disc = max_disc;
    int cx = r.x + pad + disc / 2, cy = r.y + r.h / 2;
    ks_ui_circle(ui, cx, cy, disc / 2, ks_widget_hue(ui, hue, 0));
    char mono[8];
    monogram(title, mono);
    ks_text_style ms = ks_ui_style(ui, KS_TYPE_TITLE, 1, ks_widget_hue(ui, hue, 1));
    ms.size_px = disc * 48 / 100; /* a CJK character fills its em: keep it inside the disc */
    int mw = 0, mh = 0;
    ks_ui_text_size(ui, mono, &ms, 0, 1, &mw, &mh);
    if (mono[0]) {
        /* Drawn directly: the monogram repeats the title, which the
         * harness already sees. */
        SDL_Rect mr = {cx - mw / 2, cy - mh / 2, mw, mh};
        if (ks_ui_needs_draw(ui, mr)) {
            int tx, ty;
            ks_ui_get_translation(ui, &tx, &ty);
            ks_text_draw(ks_ui_text_engine(ui), mono, &ms, mr.x + tx, mr.y + ty, 0, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
        }
    }
    int tx0 = r.x + pad + disc + ks_ui_sp(ui, 2);
    int tw = r.x + r.w - pad - tx0;
    ks_text_style ts = ks_ui_style(ui, KS_TYPE_BODY, 1, c->text);
    ks_text_style cs = ks_ui_style(ui, KS_TYPE_CAPTION, 0, c->text_muted);
    int th = 0, ch = 0, gap = caption ? ks_ui_sp(ui, 0.5f) : 0;
    ks_ui_text_size(ui, title, &ts, tw, 2, NULL, &th);
    if (caption) ks_ui_text_size(ui, caption, &cs, tw, 1, NULL, &ch);
    int y = r.y + (r.h - th - gap - ch) / 2;
    ks_ui_text(ui, title, &ts, tx0, y, tw, 2, KS_ALIGN_LEFT, 255, NULL, NULL);
    if (caption) ks_ui_text(ui, caption, &cs, tx0, y + th + gap, tw, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
}

static int row_pad(ks_ui *ui) { return ks_ui_sp(ui, 2.5f); }
static int row_icon(ks_ui *ui) { return ks_ui_type_px(ui, KS_TYPE_BODY) * 2; }

static int row_text_width(ks_ui *ui, int w)
{
    int pad = row_pad(ui), chev = ks_ui_type_px(ui, KS_TYPE_BODY);
    return w - pad * 2 - row_icon(ui) - ks_ui_sp(ui, 2.5f) - chev - ks_ui_sp(ui, 2);
}

int ks_widget_row_height(ks_ui *ui, int w, const char *title, const char *caption, int max_lines)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    if (max_lines <= 0) max_lines = 2;
    int tw = row_text_width(ui, w), th = 0, ch = 0;
    ks_text_style ts = ks_ui_style(ui, KS_TYPE_SUBTITLE, 0, c->text);
    ks_text_style cs = ks_ui_style(ui, KS_TYPE_CAPTION, 0, c->text_muted);
    ks_ui_text_size(ui, title, &ts, tw, max_lines, NULL, &th);
    if (caption && *caption) ks_ui_text_size(ui, caption, &cs, tw, 3, NULL, &ch);
    int h = th + (ch ? ch + ks_ui_sp(ui, 0.75f) : 0) + ks_ui_sp(ui, 2.5f) * 2;
    int min = ks_ui_metrics(ui)->touch_px;
    return h < min ? min : h;
}

void ks_widget_row(ks_ui *ui, SDL_Rect r, ks_icon icon, const char *title, const char *caption,
                   int max_lines, int pressed)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    if (max_lines <= 0) max_lines = 2;
    ks_widget_card(ui, r, ks_ui_metrics(ui)->radius_px, pressed);
    if (pressed && !high_contrast(ui)) r.y += ks_ui_px(ui, 3) / 2;
    int pad = row_pad(ui), isz = row_icon(ui);
    if (icon != KS_NO_ICON) {
        int cx = r.x + pad + isz / 2, cy = r.y + r.h / 2;
        ks_ui_circle(ui, cx, cy, isz / 2, ks_widget_hue(ui, 0, 0));
        int is = isz * 55 / 100;
        ks_ui_icon(ui, icon, cx - is / 2, cy - is / 2, is, ks_widget_hue(ui, 0, 1));
    }
    int tx0 = r.x + pad + isz + ks_ui_sp(ui, 2.5f);
    int tw = row_text_width(ui, r.w);
    ks_text_style ts = ks_ui_style(ui, KS_TYPE_SUBTITLE, 0, c->text);
    ks_text_style cs = ks_ui_style(ui, KS_TYPE_CAPTION, 0, c->text_muted);
    int th = 0, ch = 0, gap = 0;
    ks_ui_text_size(ui, title, &ts, tw, max_lines, NULL, &th);
    if (caption && *caption) {
        ks_ui_text_size(ui, caption, &cs, tw, 3, NULL, &ch);
        gap = ks_ui_sp(ui, 0.75f);
    }
    int y = r.y + (r.h - th - gap - ch) / 2;
    ks_ui_text(ui, title, &ts, tx0, y, tw, max_lines, KS_ALIGN_LEFT, 255, NULL, NULL);
    if (ch) ks_ui_text(ui, caption, &cs, tx0, y + th + gap, tw, 3, KS_ALIGN_LEFT, 255, NULL, NULL);
    int chev = ks_ui_type_px(ui, KS_TYPE_BODY);
    ks_ui_icon(ui, KS_ICON_CHEVRON_RIGHT, r.x + r.w - pad - chev, r.y + (r.h - chev) / 2, chev, c->text_muted);
}

/* ---- language switch ---- */

static ks_text_style seg_style(ks_ui *ui, const ks_segment *s, SDL_Color col)
{
    ks_text_style st = ks_ui_style(ui, KS_TYPE_BODY, 0, col);
    if (s->locale) st.locale = s->locale;
    return st;
}

static int seg_pad(int h) { return h * 40 / 100; }

int ks_widget_segmented_width(ks_ui *ui, int h, const ks_segment *items, size_t n)
{
    int w = 0, inset = ks_ui_px(ui, 4);
    for (size_t i = 0; i < n; i++) {
        ks_text_style st = seg_style(ui, &items[i], ks_ui_colors(ui)->text);
        int tw = 0;
        ks_ui_text_size(ui, items[i].label, &st, 0, 1, &tw, NULL);
        w += tw + seg_pad(h) * 2;
    }
    return w + inset * 2;
}

void ks_widget_segmented(ks_ui *ui, SDL_Rect r, const ks_segment *items, size_t n, size_t selected,
                         int pressed, SDL_Rect *item_rects)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    int inset = ks_ui_px(ui, 4);
    ks_ui_round_rect(ui, r, r.h / 2, high_contrast(ui) ? c->divider : c->surface_alt);
    if (high_contrast(ui)) {
        int b = ks_ui_px(ui, 2);
        ks_ui_round_rect(ui, (SDL_Rect){r.x + b, r.y + b, r.w - 2 * b, r.h - 2 * b}, r.h / 2 - b, c->background);
    }
    int x = r.x + inset;
    for (size_t i = 0; i < n; i++) {
        ks_text_style st = seg_style(ui, &items[i], c->text);
        int tw = 0, th = 0;
        ks_ui_text_size(ui, items[i].label, &st, 0, 1, &tw, &th);
        int w = tw + seg_pad(r.h) * 2;
        SDL_Rect ir = {x, r.y + inset, w, r.h - inset * 2};
        if (i == selected) {
            ks_ui_round_rect(ui, ir, ir.h / 2, c->primary);
            st.color = c->on_primary;
            st.bold = 1;
        } else if ((int)i == pressed) {
            ks_ui_round_rect(ui, ir, ir.h / 2, ks_theme_mix(c->surface_alt, c->primary, 0.15f));
        }
        int bw = 0;
        ks_ui_text_size(ui, items[i].label, &st, 0, 1, &bw, NULL);
        ks_ui_text(ui, items[i].label, &st, ir.x + (ir.w - bw) / 2, ir.y + (ir.h - th) / 2, 0, 1, KS_ALIGN_LEFT,
                   255, NULL, NULL);
        if (item_rects) item_rects[i] = (SDL_Rect){ir.x, r.y, ir.w, r.h};
        x += w;
    }
}

/* ---- toggle, badge, focus, scrollbar ---- */

void ks_widget_toggle(ks_ui *ui, SDL_Rect r, float pos)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    if (pos < 0) pos = 0;
    if (pos > 1) pos = 1;
    SDL_Color off = high_contrast(ui) ? c->surface_alt : c->divider;
    SDL_Color track = ks_theme_mix(off, c->primary, pos);
    ks_ui_round_rect(ui, r, r.h / 2, track);
    if (high_contrast(ui)) ks_ui_round_outline(ui, r, r.h / 2, ks_ui_px(ui, 2), c->text);
    int inset = r.h / 8;
    int rad = r.h / 2 - inset;
    int x0 = r.x + inset + rad, x1 = r.x + r.w - inset - rad;
    int cx = x0 + (int)((float)(x1 - x0) * pos);
    SDL_Color knob = high_contrast(ui) ? (pos > 0.5f ? c->on_primary : c->text) : c->surface;
    ks_ui_circle(ui, cx, r.y + r.h / 2, rad, knob);
}

void ks_widget_badge_size(ks_ui *ui, int max_w, ks_icon icon, const char *text, int *w, int *h)
{
    ks_text_style st = ks_ui_style(ui, KS_TYPE_CAPTION, 0, ks_ui_colors(ui)->text);
    int pad = ks_ui_sp(ui, 1.5f), isz = icon == KS_NO_ICON ? 0 : st.size_px * 13 / 10;
    int gap = isz ? ks_ui_sp(ui, 1) : 0;
    int tw = 0, th = 0;
    ks_ui_text_size(ui, text, &st, max_w - pad * 2 - isz - gap, 4, &tw, &th);
    int inner = th > isz ? th : isz;
    if (w) *w = tw + isz + gap + pad * 2;
    if (h) *h = inner + ks_ui_sp(ui, 1.0f) * 2;
}

void ks_widget_badge(ks_ui *ui, int x, int y, int max_w, ks_icon icon, const char *text, SDL_Color bg,
                     SDL_Color fg, int *w, int *h)
{
    int bw = 0, bh = 0;
    ks_widget_badge_size(ui, max_w, icon, text, &bw, &bh);
    ks_text_style st = ks_ui_style(ui, KS_TYPE_CAPTION, 0, fg);
    int pad = ks_ui_sp(ui, 1.5f), isz = icon == KS_NO_ICON ? 0 : st.size_px * 13 / 10;
    int gap = isz ? ks_ui_sp(ui, 1) : 0;
    ks_ui_round_rect(ui, (SDL_Rect){x, y, bw, bh}, ks_ui_metrics(ui)->radius_px * 2 / 3, bg);
    int vy = ks_ui_sp(ui, 1.0f);
    if (isz) ks_ui_icon(ui, icon, x + pad, y + vy, isz, fg);
    ks_ui_text(ui, text, &st, x + pad + isz + gap, y + vy + (isz > st.size_px * 14 / 10 ? (isz - st.size_px * 14 / 10) / 2 : 0),
               max_w - pad * 2 - isz - gap, 4, KS_ALIGN_LEFT, 255, NULL, NULL);
    if (w) *w = bw;
    if (h) *h = bh;
}

void ks_widget_focus_ring(ks_ui *ui, SDL_Rect r, int radius)
{
    int t = ks_ui_px(ui, 3), out = ks_ui_px(ui, 5);
    SDL_Rect o = {r.x - out, r.y - out, r.w + out * 2, r.h + out * 2};
    ks_ui_round_outline(ui, o, radius + out, t, ks_ui_colors(ui)->focus_ring);
}

void ks_widget_scrollbar(ks_ui *ui, SDL_Rect vp, float offset, float max, Uint8 alpha)
{
    if (max <= 0 || alpha == 0) return;
    const ks_theme_colors *c = ks_ui_colors(ui);
    int w = ks_ui_px(ui, 5), margin = ks_ui_px(ui, 4);
    float content = (float)vp.h + max;
    int h = (int)((float)vp.h * (float)vp.h / content);
    int min_h = ks_ui_sp(ui, 5);
    if (h < min_h) h = min_h;
    float p = offset / max;
    if (p < 0) p = 0;
    if (p > 1) p = 1;
    int y = vp.y + margin + (int)((float)(vp.h - h - margin * 2) * p);
    SDL_Color col = c->text_muted;
    col.a = (Uint8)((int)col.a * alpha * 6 / 10 / 255);
    ks_ui_round_rect(ui, (SDL_Rect){vp.x + vp.w - w - margin, y, w, h}, w / 2, col);
}

SDL_Rect ks_widget_scrollbar_strip(ks_ui *ui, SDL_Rect vp)
{
    int w = ks_ui_px(ui, 5) + ks_ui_px(ui, 4) * 2;
    return (SDL_Rect){vp.x + vp.w - w, vp.y, w, vp.h};
}

void ks_widget_emblem(ks_ui *ui, int cx, int cy, int rad)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    SDL_Color halo = high_contrast(ui) ? c->surface_alt : ks_theme_mix(c->primary, c->background, 0.86f);
    SDL_Color ring = high_contrast(ui) ? c->primary : ks_theme_mix(c->accent, c->background, 0.55f);
    ks_ui_circle(ui, cx, cy, rad, halo);
    int inner = rad * 74 / 100;
    /* a thin warm ring between halo and disc: the accent, quietly */
    ks_ui_ring(ui, cx, cy, inner + rad * 7 / 100, ks_ui_px(ui, 3), ring);
    ks_ui_circle(ui, cx, cy, inner, c->primary);
    int face = inner * 135 / 100;
    ks_ui_icon(ui, KS_ICON_FACE, cx - face / 2, cy - face / 2, face, c->on_primary);
}
