/*
 * overlay.c - the dialogs over a dimmed screen: display settings (high
 * contrast, large text), an external link (the address and a QR code to
 * continue on a phone: the kiosk never opens a browser) and "talk to a
 * person".
 *
 * One dialog at a time. It fades and rises in over the theme's fade_ms;
 * the dim appears at once, so only the card's rectangle is redrawn while
 * it moves. A tap outside the card closes it. Must not: navigate or
 * change content beyond the settings it shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "ks/clock.h"
#include "ks/log.h"
#include "ks/widgets.h"

#include "app_internal.h"

static void qr_free(app *a)
{
    if (a->ov.qr) SDL_DestroyTexture(a->ov.qr);
    free(a->ov.qr_url);
    a->ov.qr = NULL;
    a->ov.qr_url = NULL;
    a->ov.qr_size = 0;
}

/* The link's QR code: black modules on white with the standard quiet
 * zone, at whole pixels per module so any phone scans it. Made once per
 * address and size. */
static SDL_Texture *qr_texture(app *a, const char *url, int size, int *out_size)
{
    if (a->ov.qr && a->ov.qr_size == size && a->ov.qr_url && strcmp(a->ov.qr_url, url) == 0) {
        SDL_QueryTexture(a->ov.qr, NULL, NULL, out_size, NULL);
        return a->ov.qr;
    }
    qr_free(a);
    QRcode *code = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) {
        ks_log_warn("app", "cannot make a QR code for a %zu-byte address", strlen(url));
        return NULL;
    }
    int modules = code->width + 8;
    int px = size / modules;
    if (px < 1) px = 1;
    int dim = modules * px;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, dim, dim, 32, SDL_PIXELFORMAT_ARGB8888);
    if (s) {
        SDL_FillRect(s, NULL, 0xFFFFFFFFu);
        for (int y = 0; y < code->width; y++)
            for (int x = 0; x < code->width; x++)
                if (code->data[y * code->width + x] & 1) {
                    SDL_Rect r = {(x + 4) * px, (y + 4) * px, px, px};
                    SDL_FillRect(s, &r, 0xFF000000u);
                }
        a->ov.qr = SDL_CreateTextureFromSurface(ks_ui_renderer(a->ui), s);
        SDL_FreeSurface(s);
    }
    QRcode_free(code);
    if (!a->ov.qr) return NULL;
    a->ov.qr_url = strdup(url);
    a->ov.qr_size = size;
    *out_size = dim;
    return a->ov.qr;
}

int app_overlay_open(app *a) { return a->ov.kind != OVERLAY_NONE; }

static SDL_Rect card_rect(app *a, float k);

static void open_overlay(app *a, overlay_kind kind)
{
    int was_open = a->ov.kind != OVERLAY_NONE;
    a->ov.kind = kind;
    a->ov.t0 = ks_clock_now_ms();
    a->ov.contrast_pos = (float)a->high_contrast;
    a->ov.large_pos = (float)a->large_text;
    if (a->focus.visible && a->focus.owner != KS_HIT_OVERLAY) a->focus.visible = 0;
    /* Dim what is on screen as it is, and draw only the card: no need to
     * redraw the whole screen underneath just to darken it. */
    SDL_Rect full = {0, 0, a->w, a->h};
    if (!was_open && !app_transitioning(a) && ks_ui_dim_now(a->ui, full, ks_ui_colors(a->ui)->overlay)) {
        SDL_Rect r = card_rect(a, 0.0f);
        int m = ks_ui_sp(a->ui, 4);
        ks_ui_invalidate(a->ui, (SDL_Rect){r.x, r.y - m, r.w, r.h + 2 * m});
    } else {
        ks_ui_invalidate_all(a->ui);
    }
}

void app_show_settings(app *a) { open_overlay(a, OVERLAY_SETTINGS); }
void app_show_handoff(app *a) { open_overlay(a, OVERLAY_HANDOFF); }

void app_show_link(app *a, const char *url)
{
    free(a->ov.url);
    a->ov.url = strdup(url ? url : "");
    open_overlay(a, OVERLAY_LINK);
}

void overlay_close(app *a)
{
    if (a->ov.kind == OVERLAY_NONE) return;
    a->ov.kind = OVERLAY_NONE;
    free(a->ov.url);
    a->ov.url = NULL;
    qr_free(a);
    if (a->focus.owner == KS_HIT_OVERLAY) a->focus.visible = 0;
    ks_ui_invalidate_all(a->ui);
}

static int fade_ms(app *a)
{
    int ms = ks_ui_theme(a->ui)->anim.fade_ms;
    return ms > KS_THEME_MAX_ANIM_MS ? KS_THEME_MAX_ANIM_MS : ms < 0 ? 0 : ms;
}

static float appear(app *a, uint64_t now)
{
    int ms = fade_ms(a);
    if (ms <= 0) return 1;
    float p = (float)(now - a->ov.t0) / (float)ms;
    if (p >= 1) return 1;
    return 1.0f - (1.0f - p) * (1.0f - p) * (1.0f - p);
}

int overlay_update(app *a, uint64_t now)
{
    if (a->ov.kind == OVERLAY_NONE) return 0;
    int moving = 0;
    int ms = fade_ms(a);
    if (ms > 0 && now - a->ov.t0 <= (uint64_t)ms) moving = 1;
    /* toggle knobs glide to their state */
    float step = ms > 0 ? (float)(now - a->ov.knob_t0) / (float)ms : 1.0f;
    a->ov.knob_t0 = now;
    float targets[2] = {(float)a->high_contrast, (float)a->large_text};
    float *pos[2] = {&a->ov.contrast_pos, &a->ov.large_pos};
    for (int i = 0; i < 2; i++) {
        if (*pos[i] == targets[i]) continue;
        if (*pos[i] < targets[i]) *pos[i] = *pos[i] + step > targets[i] ? targets[i] : *pos[i] + step;
        else *pos[i] = *pos[i] - step < targets[i] ? targets[i] : *pos[i] - step;
        moving = 1;
    }
    if (moving) {
        SDL_Rect r = a->ov.card;
        int m = ks_ui_sp(a->ui, 4);
        r.y -= m;
        r.h += 2 * m;
        ks_ui_invalidate(a->ui, r);
    }
    return moving;
}

static int ov_pressed(app *a, int id)
{
    return a->ptr.active && a->ptr.pressed && a->ptr.has_hit && a->ptr.hit.owner == KS_HIT_OVERLAY &&
           a->ptr.hit.id == id;
}

static SDL_Color with_alpha(SDL_Color c, float k)
{
    c.a = (Uint8)((float)c.a * k);
    return c;
}

/* The card's contents, drawn (draw = 1) or only measured; returns height. */
static int card_contents(app *a, SDL_Rect card, int draw, float k, uint64_t now)
{
    ks_ui *ui = a->ui;
    const ks_theme_colors *c = ks_ui_colors(ui);
    int pad = ks_ui_sp(ui, 4);
    int x = card.x + pad, w = card.w - pad * 2, y = card.y + pad;
    Uint8 alpha = (Uint8)(255.0f * k);
    int touch = ks_ui_metrics(ui)->touch_px;
    ks_text_style title = ks_ui_style(ui, KS_TYPE_TITLE, 1, c->text);
    ks_text_style body = ks_ui_style(ui, KS_TYPE_BODY, 0, c->text);
    ks_text_style muted = ks_ui_style(ui, KS_TYPE_BODY, 0, c->text_muted);
    int th = 0;
    (void)now;

    /* close button, top right */
    SDL_Rect close = {card.x + card.w - touch - ks_ui_sp(ui, 1.5f), card.y + ks_ui_sp(ui, 1.5f), touch, touch};
    if (draw) {
        if (ov_pressed(a, OV_CLOSE)) ks_ui_circle(ui, close.x + touch / 2, close.y + touch / 2, touch / 2, c->surface_alt);
        int is = touch * 40 / 100;
        ks_ui_icon(ui, KS_ICON_CLOSE, close.x + (touch - is) / 2, close.y + (touch - is) / 2, is, with_alpha(c->text_muted, k));
        ks_ui_hit(ui, KS_HIT_OVERLAY, OV_CLOSE, close, NULL, 1);
        ks_ui_label(ui, app_tr(a, "nav.close"), close);
    }
    int tw = w - touch;

    if (a->ov.kind == OVERLAY_SETTINGS) {
        const char *t = app_tr(a, "a11y.settings");
        ks_ui_text_size(ui, t, &title, tw, 2, NULL, &th);
        if (draw) ks_ui_text(ui, t, &title, x, y, tw, 2, KS_ALIGN_LEFT, alpha, NULL, NULL);
        y += th + ks_ui_sp(ui, 3);
        struct {
            int id;
            ks_icon icon;
            const char *key;
            float pos;
        } rows[2] = {{OV_CONTRAST, KS_ICON_CONTRAST, "a11y.high_contrast", a->ov.contrast_pos},
                     {OV_LARGE_TEXT, KS_ICON_TEXT_SIZE, "a11y.large_text", a->ov.large_pos}};
        int rh = touch + ks_ui_sp(ui, 2);
        for (int i = 0; i < 2; i++) {
            SDL_Rect row = {x - ks_ui_sp(ui, 1.5f), y, w + ks_ui_sp(ui, 3), rh};
            if (draw) {
                if (ov_pressed(a, rows[i].id)) ks_ui_round_rect(ui, row, ks_ui_metrics(ui)->radius_px, c->surface_alt);
                int is = touch * 50 / 100;
                ks_ui_icon(ui, rows[i].icon, x, y + (rh - is) / 2, is, with_alpha(c->text, k));
                ks_text_style ls = ks_ui_style(ui, KS_TYPE_SUBTITLE, 0, c->text);
                int lh = 0;
                int tgw = touch * 17 / 10, tgh = touch * 60 / 100;
                const char *label = app_tr(a, rows[i].key);
                ks_ui_text_size(ui, label, &ls, w - is - tgw - ks_ui_sp(ui, 4), 2, NULL, &lh);
                ks_ui_text(ui, label, &ls, x + is + ks_ui_sp(ui, 2), y + (rh - lh) / 2, w - is - tgw - ks_ui_sp(ui, 4), 2,
                           KS_ALIGN_LEFT, alpha, NULL, NULL);
                SDL_Rect tg = {x + w - tgw, y + (rh - tgh) / 2, tgw, tgh};
                ks_widget_toggle(ui, tg, rows[i].pos);
                /* the switch's state, as a screen reader would say it */
                int on = rows[i].id == OV_CONTRAST ? a->high_contrast : a->large_text;
                ks_ui_label(ui, app_tr(a, on ? "a11y.on" : "a11y.off"), tg);
                ks_ui_hit(ui, KS_HIT_OVERLAY, rows[i].id, row, NULL, 1);
            }
            y += rh;
            if (i == 0 && draw) ks_ui_fill(ui, (SDL_Rect){x, y, w, ks_ui_px(ui, 1)}, c->divider);
        }
        y += ks_ui_sp(ui, 2);
        /* The content's state, in small type, for the technician. */
        char state[768];
        if (syncview_describe(a, state, sizeof state)[0]) {
            ks_text_style small = ks_ui_style(ui, KS_TYPE_CAPTION, 0, c->text_muted);
            ks_ui_text_size(ui, state, &small, w, 3, NULL, &th);
            if (draw) ks_ui_text(ui, state, &small, x, y, w, 3, KS_ALIGN_LEFT, alpha, NULL, NULL);
            y += th + ks_ui_sp(ui, 2);
        }
    } else if (a->ov.kind == OVERLAY_LINK) {
        const char *t = app_tr(a, "article.link_title");
        ks_ui_text_size(ui, t, &title, tw, 2, NULL, &th);
        if (draw) ks_ui_text(ui, t, &title, x, y, tw, 2, KS_ALIGN_LEFT, alpha, NULL, NULL);
        y += th + ks_ui_sp(ui, 1.5f);
        const char *hint = app_tr(a, "article.link_hint");
        ks_ui_text_size(ui, hint, &muted, w, 3, NULL, &th);
        if (draw) ks_ui_text(ui, hint, &muted, x, y, w, 3, KS_ALIGN_LEFT, alpha, NULL, NULL);
        y += th + ks_ui_sp(ui, 3);
        int qs = w * 55 / 100;
        int max_qs = a->h * 32 / 100;
        if (qs > max_qs) qs = max_qs;
        int dim = qs;
        SDL_Texture *tex = draw ? qr_texture(a, a->ov.url ? a->ov.url : "", qs, &dim) : NULL;
        if (draw && tex) {
            int frame = ks_ui_sp(ui, 1.5f);
            SDL_Rect bg = {card.x + (card.w - dim) / 2 - frame, y - frame, dim + frame * 2, dim + frame * 2};
            ks_ui_round_rect(ui, bg, ks_ui_metrics(ui)->radius_px, with_alpha((SDL_Color){255, 255, 255, 255}, k));
            ks_ui_texture(ui, tex, NULL, (SDL_Rect){card.x + (card.w - dim) / 2, y, dim, dim}, alpha);
        }
        y += qs + ks_ui_sp(ui, 3);
        ks_text_style ls = ks_ui_style(ui, KS_TYPE_BODY, 1, c->link);
        const char *url = a->ov.url ? a->ov.url : "";
        ks_ui_text_size(ui, url, &ls, w, 3, NULL, &th);
        if (draw) ks_ui_text(ui, url, &ls, x, y, w, 3, KS_ALIGN_CENTER, alpha, NULL, NULL);
        y += th + ks_ui_sp(ui, 3);
    } else if (a->ov.kind == OVERLAY_HANDOFF) {
        int disc = touch * 13 / 10;
        if (draw) {
            ks_ui_circle(ui, x + disc / 2, y + disc / 2, disc / 2, ks_widget_hue(ui, 0, 0));
            int is = disc * 55 / 100;
            ks_ui_icon(ui, KS_ICON_PERSON, x + (disc - is) / 2, y + (disc - is) / 2, is, ks_widget_hue(ui, 0, 1));
        }
        y += disc + ks_ui_sp(ui, 2);
        const char *t = app_tr(a, "handoff.title");
        ks_ui_text_size(ui, t, &title, w, 2, NULL, &th);
        if (draw) ks_ui_text(ui, t, &title, x, y, w, 2, KS_ALIGN_LEFT, alpha, NULL, NULL);
        y += th + ks_ui_sp(ui, 1.5f);
        const char *b = app_tr(a, "handoff.body");
        ks_ui_text_size(ui, b, &body, w, 4, NULL, &th);
        if (draw) ks_ui_text(ui, b, &body, x, y, w, 4, KS_ALIGN_LEFT, alpha, NULL, NULL);
        y += th + ks_ui_sp(ui, 4);
    }

    /* the closing button */
    const char *ok = app_tr(a, "nav.close");
    int bw = ks_widget_button_width(ui, touch, KS_NO_ICON, ok);
    if (bw < touch * 3) bw = touch * 3;
    SDL_Rect btn = {card.x + card.w - pad - bw, y, bw, touch};
    if (draw) {
        ks_widget_button(ui, btn, KS_BUTTON_PRIMARY, KS_NO_ICON, ok, ov_pressed(a, OV_CLOSE + 100));
        ks_ui_hit(ui, KS_HIT_OVERLAY, OV_CLOSE + 100, btn, NULL, 1);
    }
    y += touch + pad;
    return y - card.y;
}

/* Where the card is when it has appeared by k (0..1). */
static SDL_Rect card_rect(app *a, float k)
{
    ks_ui *ui = a->ui;
    int em = ks_ui_type_px(ui, KS_TYPE_BODY);
    int cw = em * 26;
    if (cw > a->w - ks_ui_sp(ui, 4) * 2) cw = a->w - ks_ui_sp(ui, 4) * 2;
    SDL_Rect card = {(a->w - cw) / 2, 0, cw, 0};
    card.h = card_contents(a, card, 0, k, ks_clock_now_ms());
    card.y = (a->h - card.h) / 2;
    if (card.y < ks_ui_sp(ui, 2)) card.y = ks_ui_sp(ui, 2);
    card.y += (int)((1.0f - k) * (float)ks_ui_sp(ui, 4));
    return card;
}

void overlay_draw(app *a)
{
    if (a->ov.kind == OVERLAY_NONE) return;
    ks_ui *ui = a->ui;
    const ks_theme_colors *c = ks_ui_colors(ui);
    uint64_t now = ks_clock_now_ms();
    float k = appear(a, now);
    SDL_Rect full = {0, 0, a->w, a->h};
    ks_ui_dim(ui, full, c->overlay);
    ks_ui_hit(ui, KS_HIT_OVERLAY, OV_SCRIM, full, NULL, 0);

    SDL_Rect card = card_rect(a, k);
    a->ov.card = card;
    /* the card itself is opaque from the first frame (a translucent one
     * costs a blend of its whole area per frame); its contents fade in */
    ks_ui_round_rect(ui, card, ks_ui_metrics(ui)->radius_px * 3 / 2, c->surface);
    if (ks_ui_theme(ui)->high_contrast)
        ks_ui_round_outline(ui, card, ks_ui_metrics(ui)->radius_px * 3 / 2, ks_ui_px(ui, 2), c->divider);
    ks_ui_hit(ui, KS_HIT_OVERLAY, OV_CARD, card, NULL, 0);
    card_contents(a, card, 1, k, now);
}

void overlay_tap(app *a, int id, int x, int y)
{
    (void)x;
    (void)y;
    switch (id) {
    case OV_SCRIM:
    case OV_CLOSE:
    case OV_CLOSE + 100: overlay_close(a); break;
    case OV_CONTRAST:
        a->ov.knob_t0 = ks_clock_now_ms();
        app_set_high_contrast(a, !a->high_contrast);
        break;
    case OV_LARGE_TEXT:
        a->ov.knob_t0 = ks_clock_now_ms();
        app_set_large_text(a, !a->large_text);
        break;
    default: break; /* the card itself: absorbs the tap */
    }
}
