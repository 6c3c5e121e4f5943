/*
 * app.c - the kiosk application: start-up (config, data dir lock, SDL,
 * fonts, theme, strings, content), the event-driven loop, input routing
 * (first finger wins, taps on release, drags to scroll views, keys to the
 * focused field) and frames that redraw only what changed.
 *
 * The loop sleeps in SDL_WaitEventTimeout until input, a wake from a
 * worker thread, or the next deadline (an animation frame, the caret, the
 * idle reset). Nothing moving and nothing due means no frame and no CPU.
 * Must not: do slow work (imports, network, decoding) on this thread, or
 * draw anything that did not change.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_image.h>

#include "ks/clock.h"
#include "ks/log.h"
#include "ks/path.h"
#include "ks/widgets.h"

#include "app_internal.h"
#include "osk.h"

#define FRAME_MS 16u             /* ~60 frames per second while animating */
#define DEBOUNCE_MS 250u         /* a second tap this soon is a double tap: ignored */
#define MIN_TEXT_BUDGET ((size_t)2 << 20)
#define MAX_OPEN_CJK_FONTS 4
#define MAX_WINDOW 16384

/* ---- small accessors ---------------------------------------------------- */

ks_ui *app_ui(app *a) { return a->ui; }
content *app_content(app *a) { return a->content; }
const char *app_locale(app *a) { return a->locale; }
uint64_t app_now(app *a) { (void)a; return ks_clock_now_ms(); }
int app_width(app *a) { return a->w; }
int app_height(app *a) { return a->h; }
SDL_Surface *app_surface(app *a) { return a->surface; }
const app_options *app_opts(app *a) { return &a->opt; }
stats *app_stats(app *a) { return a->stats; }
int app_high_contrast(app *a) { return a->high_contrast; }
int app_layout_gen(app *a) { return a->layout_gen; }
int app_large_text(app *a) { return a->large_text; }

const char *app_tr(app *a, const char *key) { return ks_i18n_get(a->i18n, a->locale, key); }

const char *app_trf(app *a, const char *key, char *buf, size_t cap, ...)
{
    const char *pairs[17];
    size_t n = 0;
    va_list ap;
    va_start(ap, cap);
    const char *p;
    while (n < 16 && (p = va_arg(ap, const char *)) != NULL) pairs[n++] = p;
    va_end(ap);
    pairs[n] = NULL;
    ks_i18n_format(buf, cap, app_tr(a, key), pairs);
    return buf;
}

SDL_Rect app_area(app *a)
{
    int top = a->bar_h;
    int h = a->h - top - a->bottom_inset;
    if (h < 0) h = 0;
    return (SDL_Rect){0, top, a->w, h};
}

int app_pressed(app *a, int id)
{
    return a->ptr.active && a->ptr.pressed && a->ptr.has_hit && a->ptr.hit.owner == KS_HIT_SCREEN &&
           a->ptr.hit.id == id;
}

void app_wake(app *a)
{
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = a->wake_event;
    SDL_PushEvent(&ev); /* thread safe */
}

static void wake_cb(void *user) { app_wake(user); }

void app_touch_session(app *a)
{
    a->last_input = ks_clock_now_ms();
    a->session_dirty = 1;
}

/* ---- layout and settings ------------------------------------------------ */

static const ks_theme *active_theme(app *a)
{
    return a->high_contrast && a->theme_hc ? a->theme_hc : a->theme_base;
}

void app_relayout(app *a)
{
    ks_ui_configure(a->ui, active_theme(a), a->w, a->h, a->cfg->screen_dpi, a->large_text);
    a->bar_h = chrome_height(a);
    osk_relayout(a);
    nav_layout_all(a);
    ks_ui_invalidate_all(a->ui);
}

ks_status app_set_locale(app *a, const char *locale, ks_error *err)
{
    char canon[KS_LOCALE_MAX];
    if (ks_locale_canonical(locale, canon) != 0)
        return ks_error_set(err, KS_ERR_INVALID, "'%s' is not a locale tag", locale);
    if (!ks_config_has_locale(a->cfg, canon))
        return ks_error_set(err, KS_ERR_INVALID, "locale '%s' is not enabled in the config", canon);
    if (strcmp(canon, a->locale) == 0) return KS_OK;
    memcpy(a->locale, canon, sizeof canon);
    ks_ui_set_locale(a->ui, a->locale);
    a->bar_h = chrome_height(a);
    nav_reload_all(a);
    ks_ui_invalidate_all(a->ui);
    ks_log_info("app", "language switched to %s", a->locale);
    return KS_OK;
}

void app_set_high_contrast(app *a, int on)
{
    on = !!on;
    if (on == a->high_contrast) return;
    if (on && !a->theme_hc) {
        ks_error err = {0};
        if (ks_theme_load_named(a->cfg->assets_dir, "high-contrast", &a->theme_hc, &err) != KS_OK) {
            ks_log_warn("app", "high-contrast theme: %s; using the built-in one", err.msg);
            a->theme_hc = ks_theme_builtin(1);
        }
        if (!a->theme_hc) return;
    }
    a->high_contrast = on;
    app_relayout(a);
    nav_reload_all(a); /* rich text carries colours: lay it out again */
}

void app_set_large_text(app *a, int on)
{
    on = !!on;
    if (on == a->large_text) return;
    a->large_text = on;
    app_relayout(a);
}

void app_set_bottom_inset(app *a, int px)
{
    if (px < 0) px = 0;
    if (px > a->h / 2) px = a->h / 2;
    if (px == a->bottom_inset) return;
    a->bottom_inset = px;
    nav_layout_all(a);
    ks_ui_invalidate_all(a->ui);
}

/* The idle reset: the next visitor finds the kiosk as the first one did,
 * with nothing of the last one left on screen. */
static void idle_reset(app *a)
{
    ks_log_info("app", "no input for %d s: starting over for the next visitor", a->cfg->idle_timeout_s);
    overlay_close(a);
    osk_reset(a); /* the keyboard and rime forget the visitor's typing */
    app_home(a);
    screen *home = a->depth ? a->stack[0] : NULL;
    if (home && home->ops->field && home->ops->field(home)) ks_textfield_clear(home->ops->field(home));
    ks_error err = {0};
    if (app_set_locale(a, a->cfg->default_locale, &err) != KS_OK) ks_log_warn("app", "idle reset: %s", err.msg);
    app_set_high_contrast(a, 0);
    app_set_large_text(a, a->cfg->large_text);
    a->focus.visible = 0;
    a->session_dirty = 0;
    ks_ui_invalidate_all(a->ui);
}

/* ---- input -------------------------------------------------------------- */

static ks_textfield *focused_field(app *a)
{
    screen *s = app_top(a);
    if (!s || app_overlay_open(a) || !s->ops->field) return NULL;
    return s->ops->field(s);
}

static void field_changed(app *a)
{
    screen *s = app_top(a);
    ks_textfield *f = focused_field(a);
    if (f) ks_textfield_touch(f, ks_clock_now_ms());
    if (s && s->ops->text_changed) s->ops->text_changed(s, a);
}

ks_textfield *app_focused_field(app *a) { return focused_field(a); }
void app_field_changed(app *a) { field_changed(a); }

static void text_input(app *a, const char *text)
{
    app_touch_session(a);
    if (app_overlay_open(a)) return;
    ks_textfield *f = focused_field(a);
    if (f) {
        if (ks_textfield_insert(f, text)) field_changed(a);
        return;
    }
    app_open_search(a, text);
}

static void text_editing(app *a, const char *text, int start)
{
    ks_textfield *f = focused_field(a);
    if (!f) return;
    app_touch_session(a);
    /* SDL gives the caret in characters; the field wants bytes. */
    size_t caret = 0;
    for (int n = 0; text[caret] && n < start; n++) {
        caret++;
        while ((text[caret] & 0xC0) == 0x80) caret++;
    }
    ks_textfield_set_preedit(f, text, caret);
    field_changed(a);
}

static void invalidate_hit(app *a, const ks_hit *h)
{
    SDL_Rect r = h->visible;
    int m = ks_ui_px(a->ui, 10);
    r.x -= m;
    r.y -= m;
    r.w += 2 * m;
    r.h += 2 * m;
    ks_ui_invalidate(a->ui, r);
}

static void activate(app *a, const ks_hit *h, int x, int y)
{
    uint64_t now = ks_clock_now_ms();
    if (a->last_activation && now - a->last_activation < DEBOUNCE_MS) return;
    a->last_activation = now;
    ks_hit hit = *h; /* the registry changes under us when screens change */
    switch (hit.owner) {
    case KS_HIT_CHROME: chrome_tap(a, hit.id); break;
    case KS_HIT_OVERLAY: overlay_tap(a, hit.id, x, y); break;
    case KS_HIT_SCREEN: {
        screen *s = app_top(a);
        if (s && s->ops->tap) s->ops->tap(s, a, hit.id, x, y);
        break;
    }
    }
}

void app_activate_hit(app *a, const ks_hit *h)
{
    SDL_Rect r = h->visible;
    a->last_activation = 0; /* deliberate: never a double tap */
    activate(a, h, r.x + r.w / 2, r.y + r.h / 2);
}

static int slop_px(app *a)
{
    int s = ks_ui_metrics(a->ui)->touch_min_px / 4;
    return s < 4 ? 4 : s;
}

static void pointer_down(app *a, SDL_FingerID finger, int x, int y)
{
    if (a->ptr.active) return; /* the first finger wins until it lifts */
    app_touch_session(a);
    if (a->focus.visible) {
        a->focus.visible = 0;
        ks_ui_invalidate_all(a->ui);
    }
    uint64_t now = ks_clock_now_ms();
    memset(&a->ptr, 0, sizeof a->ptr);
    a->ptr.active = 1;
    a->ptr.finger = finger;
    a->ptr.x0 = a->ptr.x = x;
    a->ptr.y0 = a->ptr.y = y;
    a->ptr.t0 = now;
    if (osk_pointer_down(a, finger, x, y)) {
        a->ptr.on_kb = 1; /* the keyboard has this press until it lifts */
        return;
    }
    if (app_transitioning(a)) return; /* consumed: nothing under it is settled yet */
    const ks_hit *h = ks_ui_hit_at(a->ui, x, y);
    if (h) {
        a->ptr.hit = *h;
        a->ptr.has_hit = 1;
        a->ptr.pressed = 1;
        invalidate_hit(a, h);
    }
    screen *s = app_top(a);
    if (!app_overlay_open(a) && s && s->ops->scroll_at && (!h || h->owner == KS_HIT_SCREEN)) {
        ks_scroll *sc = s->ops->scroll_at(s, x, y);
        if (sc) {
            /* A touch on gliding content catches it; that touch is not a tap. */
            if (ks_scroll_update(sc, now)) a->ptr.pressed = 0;
            ks_scroll_stop(sc, now);
            a->ptr.scroll = sc;
        }
    }
}

static void pointer_move(app *a, SDL_FingerID finger, int x, int y)
{
    if (!a->ptr.active || a->ptr.finger != finger) return;
    a->ptr.x = x;
    a->ptr.y = y;
    if (a->ptr.on_kb) {
        osk_pointer_move(a, finger, x, y);
        return;
    }
    uint64_t now = ks_clock_now_ms();
    if (!a->ptr.dragging) {
        int dx = abs(x - a->ptr.x0), dy = abs(y - a->ptr.y0);
        if ((dx > dy ? dx : dy) <= slop_px(a)) return;
        if (a->ptr.pressed) {
            a->ptr.pressed = 0;
            invalidate_hit(a, &a->ptr.hit);
        }
        if (a->ptr.scroll) {
            a->ptr.dragging = 1;
            ks_scroll_drag_begin(a->ptr.scroll, (float)a->ptr.y0, a->ptr.t0);
        }
    }
    if (a->ptr.dragging) ks_scroll_drag_move(a->ptr.scroll, (float)y, now); /* the screen's update redraws */
}

static void pointer_up(app *a, SDL_FingerID finger, int x, int y)
{
    if (!a->ptr.active || a->ptr.finger != finger) return;
    pointer_move(a, finger, x, y);
    uint64_t now = ks_clock_now_ms();
    a->ptr.active = 0;
    if (a->ptr.on_kb) {
        a->ptr.on_kb = 0;
        osk_pointer_up(a, finger, x, y);
        return;
    }
    if (a->ptr.dragging) {
        ks_scroll_drag_end(a->ptr.scroll, now);
        a->animating = 1;
    } else if (a->ptr.pressed && a->ptr.has_hit) {
        SDL_Point p = {x, y};
        invalidate_hit(a, &a->ptr.hit);
        if (SDL_PointInRect(&p, &a->ptr.hit.visible)) activate(a, &a->ptr.hit, x, y);
    }
    if (a->ptr.has_hit) invalidate_hit(a, &a->ptr.hit);
    a->ptr.pressed = 0;
}

static void wheel(app *a, int x, int y, float dy)
{
    app_touch_session(a);
    screen *s = app_top(a);
    if (!s || app_overlay_open(a) || !s->ops->scroll_at) return;
    ks_scroll *sc = s->ops->scroll_at(s, x, y);
    if (!sc) return;
    float step = (float)ks_ui_type_px(a->ui, KS_TYPE_BODY) * 4.0f;
    ks_scroll_animate_by(sc, -dy * step, ks_clock_now_ms(), 180);
    a->animating = 1;
}

/* Tab and arrows move the focus through the tap targets in drawing order
 * (the dialog's only, while one is open). */
static void focus_move(app *a, int dir)
{
    size_t n = ks_ui_hit_count(a->ui);
    int overlay = app_overlay_open(a);
    const ks_hit *list[512];
    size_t m = 0;
    for (size_t i = 0; i < n && m < 512; i++) {
        const ks_hit *h = ks_ui_hit_get(a->ui, i);
        if (!h->focusable) continue;
        if (overlay && h->owner != KS_HIT_OVERLAY) continue;
        list[m++] = h;
    }
    if (m == 0) return;
    size_t cur = m;
    if (a->focus.visible)
        for (size_t i = 0; i < m; i++)
            if (list[i]->owner == a->focus.owner && list[i]->id == a->focus.id) cur = i;
    size_t next = cur == m ? (dir > 0 ? 0 : m - 1) : (cur + m + (size_t)(dir > 0 ? 1 : m - 1)) % m;
    const ks_hit *h = list[next];
    a->focus.visible = 1;
    a->focus.owner = h->owner;
    a->focus.id = h->id;
    /* Bring it into view when its scroll view hides part of it. */
    if (h->scroll && h->visible.h < h->rect.h) {
        int margin = ks_ui_sp(a->ui, 2);
        float delta = h->rect.y < h->visible.y ? (float)(h->rect.y - h->visible.y - margin)
                                               : (float)(h->rect.y + h->rect.h - h->visible.y - h->visible.h + margin);
        ks_scroll_animate_by(h->scroll, delta, ks_clock_now_ms(), 180);
        a->animating = 1;
    }
    ks_ui_invalidate_all(a->ui);
}

static void key_down(app *a, const SDL_Keysym *ks)
{
    app_touch_session(a);
    SDL_Keycode k = ks->sym;
    if (k == SDLK_ESCAPE || k == SDLK_AC_BACK) {
        if (app_overlay_open(a)) overlay_close(a);
        else if (a->depth > 1) app_pop(a);
        else {
            ks_textfield *f = focused_field(a);
            if (f && ks_textfield_length(f)) {
                ks_textfield_clear(f);
                field_changed(a);
            }
        }
        return;
    }
    if (k == SDLK_TAB) {
        focus_move(a, (ks->mod & KMOD_SHIFT) ? -1 : 1);
        return;
    }
    if ((k == SDLK_RETURN || k == SDLK_KP_ENTER || (k == SDLK_SPACE && !focused_field(a))) && a->focus.visible) {
        const ks_hit *h = ks_ui_hit_find(a->ui, a->focus.owner, a->focus.id);
        if (h) {
            SDL_Rect r = h->visible;
            a->last_activation = 0; /* a deliberate key press is never a double tap */
            activate(a, h, r.x + r.w / 2, r.y + r.h / 2);
            return;
        }
    }
    ks_textfield *f = focused_field(a);
    if (f) {
        int changed = 0, moved = 0;
        switch (k) {
        case SDLK_BACKSPACE: changed = ks_textfield_backspace(f); break;
        case SDLK_DELETE: changed = ks_textfield_delete(f); break;
        case SDLK_LEFT: moved = ks_textfield_move(f, -1); break;
        case SDLK_RIGHT: moved = ks_textfield_move(f, 1); break;
        case SDLK_HOME: ks_textfield_home(f); moved = 1; break;
        case SDLK_END: ks_textfield_end(f); moved = 1; break;
        default: break;
        }
        if (changed) {
            field_changed(a);
            return;
        }
        if (moved) {
            ks_textfield_touch(f, ks_clock_now_ms());
            ks_ui_invalidate_all(a->ui);
            return;
        }
    }
    screen *s = app_top(a);
    if (s && s->ops->key && s->ops->key(s, a, k, ks->mod)) return;
    if (k == SDLK_DOWN) focus_move(a, 1);
    else if (k == SDLK_UP) focus_move(a, -1);
}

static void handle_event(app *a, const SDL_Event *ev);

/* The time spent handling input counts toward the frame it leads to: a
 * tap that builds a screen is part of what the visitor waits for. */
void app_handle_event(app *a, const SDL_Event *ev)
{
    uint64_t t0 = ks_clock_real_us();
    handle_event(a, ev);
    a->pending_us += ks_clock_real_us() - t0;
}

static void handle_event(app *a, const SDL_Event *ev)
{
    if (ev->type == a->wake_event) {
        int reload = content_poll(a->content);
        if (reload) ks_log_info("app", "content is ready");
        int sync = syncview_poll(a);
        if (reload || (sync & SYNCVIEW_CONTENT)) {
            nav_reload_all(a);
            ks_ui_invalidate_all(a->ui);
        } else if (sync & SYNCVIEW_CHROME) {
            ks_ui_invalidate(a->ui, (SDL_Rect){0, 0, a->w, a->bar_h});
        }
        return;
    }
    switch (ev->type) {
    case SDL_QUIT: a->running = 0; break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            int w = 0, h = 0;
            SDL_GetRendererOutputSize(a->ren, &w, &h);
            if (w > 0 && h > 0 && (w != a->w || h != a->h)) {
                a->w = w;
                a->h = h;
                if (a->sw_window) ks_ui_set_framebuffer(a->ui, SDL_GetWindowSurface(a->win));
                app_relayout(a);
            }
        } else if (ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
            ks_ui_invalidate_all(a->ui);
        } else if (ev->window.event == SDL_WINDOWEVENT_LEAVE) {
            dwell_leave(a);
        }
        break;
    case SDL_FINGERDOWN:
        pointer_down(a, ev->tfinger.fingerId, (int)(ev->tfinger.x * (float)a->w), (int)(ev->tfinger.y * (float)a->h));
        break;
    case SDL_FINGERMOTION:
        pointer_move(a, ev->tfinger.fingerId, (int)(ev->tfinger.x * (float)a->w), (int)(ev->tfinger.y * (float)a->h));
        break;
    case SDL_FINGERUP:
        pointer_up(a, ev->tfinger.fingerId, (int)(ev->tfinger.x * (float)a->w), (int)(ev->tfinger.y * (float)a->h));
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.which != SDL_TOUCH_MOUSEID && ev->button.button == SDL_BUTTON_LEFT)
            pointer_down(a, -1, ev->button.x, ev->button.y);
        break;
    case SDL_MOUSEMOTION:
        if (ev->motion.which == SDL_TOUCH_MOUSEID) break;
        if (ev->motion.state == 0) dwell_motion(a, ev->motion.x, ev->motion.y); /* hovering: gaze */
        else pointer_move(a, -1, ev->motion.x, ev->motion.y);
        break;
    case SDL_MOUSEBUTTONUP:
        if (ev->button.which != SDL_TOUCH_MOUSEID && ev->button.button == SDL_BUTTON_LEFT)
            pointer_up(a, -1, ev->button.x, ev->button.y);
        break;
    case SDL_MOUSEWHEEL: {
        int mx = 0, my = 0;
        SDL_GetMouseState(&mx, &my);
        wheel(a, mx, my, ev->wheel.preciseY);
        break;
    }
    case SDL_TEXTINPUT: text_input(a, ev->text.text); break;
    case SDL_TEXTEDITING: text_editing(a, ev->edit.text, ev->edit.start); break;
    case SDL_KEYDOWN: key_down(a, &ev->key.keysym); break;
    case SDL_CONTROLLERDEVICEADDED:
    case SDL_CONTROLLERDEVICEREMOVED:
    case SDL_CONTROLLERBUTTONDOWN:
    case SDL_CONTROLLERBUTTONUP:
    case SDL_CONTROLLERAXISMOTION: pad_event(a, ev); break;
    default: break;
    }
}

void app_pump(app *a)
{
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) app_handle_event(a, &ev);
}

/* ---- frames ------------------------------------------------------------- */

static void draw_focus(app *a)
{
    if (!a->focus.visible) return;
    const ks_hit *h = ks_ui_hit_find(a->ui, a->focus.owner, a->focus.id);
    if (!h) return;
    ks_ui_push_clip(a->ui, h->owner == KS_HIT_SCREEN ? app_area(a) : (SDL_Rect){0, 0, a->w, a->h});
    ks_widget_focus_ring(a->ui, h->rect, ks_ui_metrics(a->ui)->radius_px);
    ks_ui_pop_clip(a->ui);
}

static int update(app *a, uint64_t now)
{
    int moving = nav_update(a, now);
    moving |= overlay_update(a, now);
    moving |= osk_update(a, now);
    moving |= dwell_update(a, now);
    moving |= pad_update(a, now);
    if (a->session_dirty && a->cfg->idle_timeout_s > 0 && !a->ptr.active &&
        now - a->last_input >= (uint64_t)a->cfg->idle_timeout_s * 1000u)
        idle_reset(a);
    return moving;
}

uint64_t app_frame_slack_us(app *a)
{
    uint64_t px = (uint64_t)a->w * (uint64_t)a->h;
    uint64_t target = 8000u * px / (1920u * 1080u);
    target = target < 8000u ? 8000u : target > 16000u ? 16000u : target;
    uint64_t spent = ks_clock_real_us() - a->frame_t0 + a->pending_us;
    return spent >= target / 2 ? 0 : target / 2 - spent;
}

int app_frame(app *a)
{
    uint64_t t0 = ks_clock_real_us();
    a->frame_t0 = t0;
    a->animating = update(a, ks_clock_now_ms());
    if (a->full_redraw && ks_ui_dirty(a->ui)) ks_ui_invalidate_all(a->ui);
    if (!ks_ui_begin_frame(a->ui)) {
        a->pending_us = 0; /* input that changed nothing on screen */
        return 0;
    }
    const ks_theme_colors *c = ks_ui_colors(a->ui);
    int passes = 0;
    SDL_Rect fr = {0, 0, 0, 0};
    do {
        SDL_Rect pr = ks_ui_frame_rect(a->ui);
        SDL_UnionRect(&fr, &pr, &fr);
        ks_ui_fill(a->ui, pr, c->background);
        nav_draw(a);
        chrome_draw(a);
        osk_draw(a);
        overlay_draw(a);
        draw_focus(a);
        dwell_draw(a);
        passes++;
    } while (ks_ui_next_pass(a->ui));
    ks_ui_end_frame(a->ui);
    SDL_Rect changed[32];
    size_t n_changed = ks_ui_take_changed(a->ui, changed, 32);
    if (a->surface) {
        SDL_RenderFlush(a->ren);
    } else if (a->sw_window) {
        /* The software renderer draws into the window surface; push only
         * the rectangles that changed instead of the whole screen. */
        SDL_RenderFlush(a->ren);
        SDL_UpdateWindowSurfaceRects(a->win, changed, (int)n_changed);
    } else {
        SDL_RenderPresent(a->ren);
    }
    uint64_t us = ks_clock_real_us() - t0 + a->pending_us;
    ks_log_debug("frame", "%.2f ms (input %.2f), %d pass(es) within %dx%d at %d,%d", (double)us / 1000.0,
                 (double)a->pending_us / 1000.0, passes, fr.w, fr.h, fr.x, fr.y);
    a->pending_us = 0;
    stats_frame(a->stats, us);
    if (a->pending_fullscreen) {
        a->pending_fullscreen = 0;
        if (SDL_SetWindowFullscreen(a->win, SDL_WINDOW_FULLSCREEN_DESKTOP) != 0)
            ks_log_warn("app", "full screen refused (%s): staying a borderless window over the screen", SDL_GetError());
        ks_ui_invalidate_all(a->ui);
    }

    return 1;
}

uint64_t app_next_deadline(app *a, uint64_t now)
{
    if (a->animating || app_transitioning(a) || ks_ui_dirty(a->ui)) return now + FRAME_MS;
    uint64_t d = 0;
    screen *s = app_top(a);
    if (s && s->ops->deadline) d = s->ops->deadline(s, a, now);
    uint64_t k = osk_deadline(a, now); /* key repeat, long press, dwell, rime */
    if (k && (!d || k < d)) d = k;
    k = pad_deadline(a, now); /* a held D-pad direction repeats */
    if (k && (!d || k < d)) d = k;
    if (a->session_dirty && a->cfg->idle_timeout_s > 0) {
        uint64_t idle = a->last_input + (uint64_t)a->cfg->idle_timeout_s * 1000u;
        if (!d || idle < d) d = idle;
    }
    return d;
}

void app_advance(app *a, uint64_t ms)
{
    uint64_t end = ks_clock_now_ms() + ms;
    for (;;) {
        app_pump(a);
        app_frame(a);
        uint64_t now = ks_clock_now_ms();
        if (now >= end) break;
        uint64_t d = app_next_deadline(a, now);
        uint64_t to = d && d < end ? d : end;
        if (to <= now) to = now + 1;
        ks_clock_advance_ms(to - now);
    }
    app_pump(a);
    app_frame(a);
}

int app_wait_ready(app *a, uint32_t timeout_ms)
{
    int ok = content_wait(a->content, timeout_ms);
    if (ok) {
        nav_reload_all(a);
        ks_ui_invalidate_all(a->ui);
    }
    app_pump(a);
    app_frame(a);
    return ok;
}

int app_run(app *a)
{
    a->running = 1;
    while (a->running) {
        uint64_t now = ks_clock_now_ms();
        uint64_t d = app_next_deadline(a, now);
        SDL_Event ev;
        int got;
        if (!d) got = SDL_WaitEvent(&ev);
        else got = SDL_WaitEventTimeout(&ev, d > now ? (int)(d - now) : 0);
        if (got) app_handle_event(a, &ev);
        app_pump(a);
        app_frame(a);
    }
    return 0;
}

/* ---- start-up and shutdown ---------------------------------------------- */

static ks_status open_display(app *a, ks_error *err)
{
    if (a->opt.headless) {
        a->w = a->opt.size_w;
        a->h = a->opt.size_h;
        a->surface = SDL_CreateRGBSurfaceWithFormat(0, a->w, a->h, 32, SDL_PIXELFORMAT_ARGB8888);
        if (!a->surface) return ks_error_set(err, KS_ERR_NOMEM, "cannot create a %dx%d surface: %s", a->w, a->h, SDL_GetError());
        a->ren = SDL_CreateSoftwareRenderer(a->surface);
        if (!a->ren) return ks_error_set(err, KS_ERR_UNSUPPORTED, "cannot create the software renderer: %s", SDL_GetError());
        return KS_OK;
    }
    Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
    int w = a->opt.win_w, h = a->opt.win_h;
    int fullscreen = !a->opt.windowed && a->cfg->fullscreen;
    if (fullscreen) {
        SDL_DisplayMode dm;
        if (SDL_GetDesktopDisplayMode(0, &dm) == 0) {
            w = dm.w;
            h = dm.h;
        }
        /* A borderless window over the whole screen first, true full
         * screen right after the first frame: asking the window manager
         * for full screen can make SDL wait ~100 ms for an answer, and the
         * first frame should not. */
        flags |= SDL_WINDOW_BORDERLESS;
        a->pending_fullscreen = 1;
    } else if (!a->opt.windowed) {
        w = a->cfg->window_w;
        h = a->cfg->window_h;
    }
    if (w <= 0 || h <= 0) w = 1280, h = 800;
    /* SDL's software renderer with our dirty rectangles and pixel moves
     * by default: it needs no GPU driver, stays small in memory and keeps
     * frames short even at 4K (docs/PERFORMANCE.md). SDL_RENDER_DRIVER
     * (e.g. opengl) picks another; the app then redraws whole frames. */
    if (!SDL_getenv("SDL_RENDER_DRIVER")) {
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
        /* and the window's pixels go to the screen as they are: SDL would
         * otherwise load OpenGL (100 MB of Mesa) just to upload them */
        if (!SDL_getenv("SDL_FRAMEBUFFER_ACCELERATION")) SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    }
    int pos = fullscreen ? 0 : SDL_WINDOWPOS_CENTERED;
    a->win = SDL_CreateWindow("Help", pos, pos, w, h, flags);
    if (!a->win) return ks_error_set(err, KS_ERR_UNSUPPORTED, "cannot open a %dx%d window: %s", w, h, SDL_GetError());
    a->ren = SDL_CreateRenderer(a->win, -1, 0);
    if (!a->ren) return ks_error_set(err, KS_ERR_UNSUPPORTED, "cannot create a renderer: %s", SDL_GetError());
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(a->ren, &info) == 0) {
        a->sw_window = strcmp(info.name, "software") == 0;
        a->full_redraw = !a->sw_window;
        ks_log_info("app", "renderer: %s%s", info.name, a->full_redraw ? " (full redraws)" : " (dirty rectangles)");
    }
    SDL_GetRendererOutputSize(a->ren, &a->w, &a->h);
    if (fullscreen) SDL_ShowCursor(SDL_DISABLE);
    SDL_StartTextInput();
    return KS_OK;
}

static double since_start(const app *a) { return (double)(ks_clock_real_us() - a->opt.start_us) / 1000.0; }

ks_status app_create(const app_options *opt, app **out, ks_error *err)
{
    ks_status st = KS_OK;
    app *a = calloc(1, sizeof *a);
    if (!a) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    a->opt = *opt;

    st = ks_config_load(opt->config_path, &a->cfg, err);
    if (st) goto fail;
    ks_log_set_level(a->cfg->log_level);
    ks_config_log_warnings(a->cfg);

    if (opt->data_dir) a->data_dir = strdup(opt->data_dir);
    else if (a->cfg->data_dir) a->data_dir = strdup(a->cfg->data_dir);
    else if ((st = ks_path_default_data_dir(&a->data_dir, err)) != KS_OK) goto fail;
    if (!a->data_dir) {
        st = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((st = ks_path_mkdirs(a->data_dir, err)) != KS_OK) goto fail;
    if ((st = ks_lock_acquire(a->data_dir, "kiosk", &a->lock, err)) != KS_OK) {
        ks_error_prefix(err, "another kiosk is already running on this data directory");
        goto fail;
    }

    if (opt->headless) SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    /* Touch is handled as touch: no synthetic mouse events doubling taps. */
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS | SDL_INIT_GAMECONTROLLER) != 0) {
        st = ks_error_set(err, KS_ERR_UNSUPPORTED, "cannot start SDL video: %s", SDL_GetError());
        goto fail;
    }
    IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG);
    a->wake_event = SDL_RegisterEvents(1);
    if (a->wake_event == (Uint32)-1) {
        st = ks_error_set(err, KS_ERR_UNSUPPORTED, "cannot register an SDL event: %s", SDL_GetError());
        goto fail;
    }
    ks_log_debug("app", "start-up: SDL ready at %.1f ms", since_start(a));
    if ((st = open_display(a, err)) != KS_OK) goto fail;
    ks_log_debug("app", "start-up: display ready at %.1f ms", since_start(a));
    /* What the text engine may keep, from the screen's size: line textures
     * worth half a screen of pixels (4 MB at 1080p: text covers well under
     * half of a screen, so the screen shown and much of the last one) and
     * four open CJK fonts (~2.4 MB of FreeType heap each; a screen uses two
     * to four sizes; with three, reopening showed in p99). With the
     * defaults (32 MB, eight) a day of visitors in three languages took the
     * kiosk to 127 MB; with these it stays under the 80 MB target
     * (bench_frames, "tour"; docs/PERFORMANCE.md). */
    ks_text_options text_opt = {0};
    size_t half_screen = (size_t)(a->w > 0 ? a->w : 1) * (size_t)(a->h > 0 ? a->h : 1) * 2u;
    text_opt.texture_budget = half_screen > MIN_TEXT_BUDGET ? half_screen : MIN_TEXT_BUDGET;
    text_opt.max_open_cjk_fonts = MAX_OPEN_CJK_FONTS;
    if ((st = ks_text_create_with(a->ren, &text_opt, &a->text, err)) != KS_OK) goto fail;
    ks_log_debug("app", "start-up: fonts ready at %.1f ms", since_start(a));

    if (ks_theme_load_named(a->cfg->assets_dir, a->cfg->theme, &a->theme_base, err) != KS_OK) {
        ks_log_warn("app", "theme '%s': %s; using the built-in theme", a->cfg->theme, err->msg);
        ks_error_clear(err);
        a->theme_base = ks_theme_builtin(0);
    }
    if (!a->theme_base) {
        st = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < a->theme_base->n_warnings; i++) ks_log_warn("theme", "%s", a->theme_base->warnings[i]);
    a->high_contrast = a->theme_base->high_contrast;
    a->large_text = a->cfg->large_text;

    char *i18n_dir = ks_path_join(a->cfg->assets_dir, "i18n");
    if (!i18n_dir) {
        st = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    st = ks_i18n_load(i18n_dir, (const char *const *)a->cfg->locales, a->cfg->n_locales, &a->i18n, err);
    free(i18n_dir);
    if (st) goto fail;
    for (size_t i = 0; i < ks_i18n_warning_count(a->i18n); i++) ks_log_warn("i18n", "%s", ks_i18n_warning_at(a->i18n, i));
    snprintf(a->locale, sizeof a->locale, "%s", a->cfg->default_locale);

    if ((st = ks_ui_create(a->ren, a->text, &a->ui, err)) != KS_OK) goto fail;
    ks_ui_set_locale(a->ui, a->locale);
    /* Pixels persist between frames with the software renderer: slides and
     * scrolls move them instead of redrawing. */
    if (a->surface) ks_ui_set_framebuffer(a->ui, a->surface);
    else if (a->sw_window) ks_ui_set_framebuffer(a->ui, SDL_GetWindowSurface(a->win));
    /* KS_FULL_REDRAW=1 redraws every frame whole: the reference the tests
     * compare the partial redraws against (docs/testing.md). */
    const char *full = getenv("KS_FULL_REDRAW");
    if (full && *full && strcmp(full, "0") != 0) a->full_redraw = 1;
    ks_ui_configure(a->ui, a->theme_base, a->w, a->h, a->cfg->screen_dpi, a->large_text);
    a->bar_h = chrome_height(a);

    a->stats = stats_create(opt->start_us);
    if (!a->stats) {
        st = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((st = content_open(a->data_dir, a->cfg->assets_dir, wake_cb, a, &a->content, err)) != KS_OK) goto fail;
    osk_init(a); /* rime deploys on its worker: this returns at once */
    pad_init(a);
    dwell_init(a);
    syncview_start(a);

    screen *home = screen_home_new(a);
    if (!home) {
        st = ks_error_set(err, KS_ERR_NOMEM, "cannot create the home screen");
        goto fail;
    }
    app_push(a, home);
    a->last_input = ks_clock_now_ms();
    ks_log_debug("app", "start-up: home laid out at %.1f ms", since_start(a));
    app_frame(a);
    ks_log_debug("app", "start-up: first frame at %.1f ms", since_start(a));
    *out = a;
    return KS_OK;
fail:
    app_destroy(a);
    return st;
}

void app_write_stats(app *a)
{
    if (!a->opt.stats_path) return;
    ks_error err = {0};
    if (stats_write(a->stats, a->opt.stats_path, &err) != KS_OK) ks_log_error("app", "%s", err.msg);
}

void app_destroy(app *a)
{
    if (!a) return;
    overlay_close(a);
    nav_clear(a);
    dwell_fini(a);
    pad_fini(a);
    osk_fini(a);
    syncview_stop(a);
    content_close(a->content);
    ks_ui_destroy(a->ui);
    ks_text_destroy(a->text);
    if (a->ren) SDL_DestroyRenderer(a->ren);
    if (a->surface) SDL_FreeSurface(a->surface);
    if (a->win) SDL_DestroyWindow(a->win);
    ks_i18n_free(a->i18n);
    ks_theme_free(a->theme_base);
    ks_theme_free(a->theme_hc);
    stats_destroy(a->stats);
    if (SDL_WasInit(0)) {
        IMG_Quit();
        SDL_Quit();
    }
    ks_lock_release(a->lock);
    ks_config_free(a->cfg);
    free(a->data_dir);
    free(a);
}
