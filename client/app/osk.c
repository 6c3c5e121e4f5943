/*
 * osk.c - the on-screen keyboard in the kiosk: it slides in for the
 * focused search field (a touch on the field, or A on it with a gamepad),
 * the screen reflows above it (the app's bottom inset) so the field is
 * never covered, its keys type into the field, rime's composition shows
 * inline in the field, and it hides with its hide key, Enter (search:
 * the results are already there, the keyboard makes room for them), B,
 * or when the visitor leaves the field (another screen, a dialog).
 *
 * The layout follows the UI language: en -> QWERTY (then pinyin, zhuyin,
 * cangjie behind the globe key), zh-Hans -> pinyin, zh-Hant -> zhuyin
 * with cangjie one globe press away. Until rime is deployed (first start:
 * seconds, on its worker) the Chinese layouts type Latin letters and the
 * candidate bar says so in the UI language.
 *
 * Must not: parse SDL events (app.c does), draw outside ks_keyboard_draw,
 * or keep anything of what was typed (the idle reset wipes rime too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks/clock.h"
#include "ks/ime.h"
#include "ks/keyboard.h"
#include "ks/keyclick.h"
#include "ks/log.h"
#include "ks/path.h"

#include "app_internal.h"
#include "osk.h"

/* librime and its libraries keep process-lifetime allocations that
 * LeakSanitizer would report at exit in the sanitizer build (the kiosk's
 * own memory is still checked). Unused in normal builds. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:librime\nleak:libglog\nleak:libyaml-cpp\nleak:libopencc\nleak:libleveldb\n"
           "leak:libfontconfig\n";
}

struct osk {
    ks_ime *ime;
    ks_keyboard *kb;
    ks_keyclick *click;
    int want;          /* shown for owner */
    screen *owner;     /* compared, never dereferenced: it may be gone */
    int inset;         /* the bottom inset asked of the app */
    int by_pad;        /* the field activation in progress comes from the gamepad */
    int ime_tried;     /* rime was started (or failed to) */
    uint64_t t_start;  /* the app's clock at start-up */
    char cycle_locale[KS_LOCALE_MAX];
};

/* The input-method cycle per UI language: the first is what the keyboard
 * opens with; the globe key goes round the rest. */
static size_t cycle_for(const char *locale, const char **out)
{
    if (strcmp(locale, "zh-Hans") == 0) {
        out[0] = "pinyin";
        out[1] = "en";
        return 2;
    }
    if (strcmp(locale, "zh-Hant") == 0) {
        out[0] = "zhuyin";
        out[1] = "cangjie";
        out[2] = "en";
        return 3;
    }
    out[0] = "en";
    out[1] = "pinyin";
    out[2] = "zhuyin";
    out[3] = "cangjie";
    return 4;
}

static void apply_locale(app *a)
{
    struct osk *o = a->osk;
    if (strcmp(o->cycle_locale, a->locale) == 0) return;
    snprintf(o->cycle_locale, sizeof o->cycle_locale, "%s", a->locale);
    const char *names[4];
    size_t n = cycle_for(a->locale, names);
    ks_error err = {0};
    if (ks_keyboard_set_ime_cycle(o->kb, names, n, &err) != KS_OK ||
        ks_keyboard_set_layout(o->kb, names[0], &err) != KS_OK)
        ks_log_warn("osk", "keyboard for %s: %s", a->locale, err.msg);
    if (ks_keyboard_set_notes(o->kb, app_tr(a, "osk.preparing"), app_tr(a, "osk.unavailable"), &err) != KS_OK)
        ks_log_warn("osk", "%s", err.msg);
}

void osk_init(app *a)
{
    if (!a->cfg->osk.enabled) {
        ks_log_info("osk", "on-screen keyboard off (config osk.enabled)");
        return;
    }
    struct osk *o = calloc(1, sizeof *o);
    if (!o) {
        ks_log_error("osk", "out of memory: no on-screen keyboard");
        return;
    }
    ks_error err = {0};
    char *dir = ks_path_join(a->cfg->assets_dir, "layouts");
    ks_status st = dir ? ks_keyboard_create(dir, o->ime, a->text, &o->kb, &err)
                       : ks_error_set(&err, KS_ERR_NOMEM, "out of memory");
    free(dir);
    if (st != KS_OK) {
        ks_log_error("osk", "no on-screen keyboard: %s", err.msg);
        free(o);
        return;
    }
    o->t_start = ks_clock_now_ms();
    ks_keyboard_set_enter_search(o->kb, 1);
    if (a->cfg->osk.key_click && ks_keyclick_create(&o->click, &err) != KS_OK) {
        ks_log_warn("osk", "no key click: %s", err.msg);
        o->click = NULL;
    }
    a->osk = o;
    osk_set_dwell(a, a->cfg->osk.dwell);
    apply_locale(a);
    osk_relayout(a);
}

/* rime starts a moment after start-up (IME_START_MS of the app's clock),
 * or at once when the keyboard is wanted sooner: its deployment (seconds
 * of CPU the first time, on its worker) must not compete with the first
 * frame and the first import, and a run that never types needs none. */
#define IME_START_MS 3000u

static void start_ime(app *a)
{
    struct osk *o = a->osk;
    if (o->ime_tried) return;
    o->ime_tried = 1;
    ks_error err = {0};
    if (ks_ime_create(a->data_dir, &o->ime, &err) != KS_OK) {
        ks_log_warn("osk", "Chinese input unavailable: %s", err.msg);
        o->ime = NULL; /* the bar says Chinese input is unavailable; Latin works */
        return;
    }
    ks_keyboard_set_ime(o->kb, o->ime);
}

void osk_fini(app *a)
{
    struct osk *o = a->osk;
    if (!o) return;
    ks_keyboard_set_ime(o->kb, NULL);
    ks_keyboard_destroy(o->kb);
    ks_keyclick_destroy(o->click);
    ks_ime_destroy(o->ime); /* waits for a deployment still running */
    free(o);
    a->osk = NULL;
}

static void set_inset(app *a, int px)
{
    struct osk *o = a->osk;
    if (px == o->inset) return;
    o->inset = px;
    app_set_bottom_inset(a, px);
}

void osk_relayout(app *a)
{
    struct osk *o = a->osk;
    if (!o) return;
    ks_error err = {0};
    /* The keyboard may use the area under the top bar; the screen keeps
     * what the keyboard leaves (at least half: app_set_bottom_inset). */
    if (ks_keyboard_set_area(o->kb, 0, a->bar_h, a->w, a->h - a->bar_h, a->cfg->screen_dpi, &err) != KS_OK)
        ks_log_warn("osk", "%s", err.msg);
    ks_keyboard_set_anim_ms(o->kb, ks_ui_theme(a->ui)->anim.keyboard_ms);
    if (o->want) set_inset(a, ks_keyboard_height(o->kb));
}

static int has_field(app *a) { return app_focused_field(a) != NULL; }

void osk_show(app *a, int by_pad)
{
    struct osk *o = a->osk;
    if (!o || !has_field(a)) return;
    uint64_t now = ks_clock_now_ms();
    start_ime(a);
    apply_locale(a);
    o->owner = app_top(a);
    o->want = 1;
    ks_keyboard_show(o->kb, now);
    /* The screen reflows first, the keyboard slides into the room. */
    set_inset(a, ks_keyboard_height(o->kb));
    if (by_pad || o->by_pad) {
        a->focus.visible = 0;
        ks_keyboard_focus_enter(o->kb);
    }
    ks_ui_invalidate_all(a->ui);
}

void app_keyboard_show(app *a) { osk_show(a, 0); }

void osk_hide(app *a)
{
    struct osk *o = a->osk;
    if (!o || !o->want) return;
    o->want = 0;
    ks_keyboard_focus_clear(o->kb);
    ks_keyboard_hide(o->kb, ks_clock_now_ms());
}

int osk_active(app *a)
{
    struct osk *o = a->osk;
    return o && o->want && o->owner == app_top(a);
}

void osk_set_by_pad(app *a, int on)
{
    if (a->osk) a->osk->by_pad = on;
}

int osk_pointer_down(app *a, int64_t finger, int x, int y)
{
    struct osk *o = a->osk;
    if (!o || !o->want) return 0;
    if (!ks_keyboard_pointer_down(o->kb, finger, x, y, ks_clock_now_ms())) return 0;
    ks_keyboard_focus_clear(o->kb); /* touch takes over from the gamepad */
    return 1;
}

int osk_pointer_move(app *a, int64_t finger, int x, int y)
{
    return a->osk && ks_keyboard_pointer_move(a->osk->kb, finger, x, y, ks_clock_now_ms());
}

int osk_pointer_up(app *a, int64_t finger, int x, int y)
{
    return a->osk && ks_keyboard_pointer_up(a->osk->kb, finger, x, y, ks_clock_now_ms());
}

int osk_hover(app *a, int x, int y)
{
    struct osk *o = a->osk;
    if (!o) return 0;
    if (!o->want) {
        ks_keyboard_hover_leave(o->kb);
        return 0;
    }
    return ks_keyboard_hover(o->kb, x, y, ks_clock_now_ms());
}

void osk_set_dwell(app *a, int on)
{
    struct osk *o = a->osk;
    if (!o) return;
    ks_error err = {0};
    if (ks_keyboard_set_dwell(o->kb, on ? a->cfg->osk.dwell_ms : 0, &err) != KS_OK)
        ks_log_warn("osk", "%s", err.msg);
}

int osk_pad(app *a, ks_kb_pad button)
{
    struct osk *o = a->osk;
    if (!osk_active(a)) return 0;
    return ks_keyboard_pad(o->kb, button, ks_clock_now_ms());
}

/* Takes the keyboard's events into the field it is shown for. */
static void drain(app *a)
{
    struct osk *o = a->osk;
    ks_textfield *f = o->owner == app_top(a) ? app_focused_field(a) : NULL;
    ks_kb_event ev;
    while (ks_keyboard_poll(o->kb, &ev)) {
        app_touch_session(a);
        switch (ev.type) {
        case KS_KB_EV_INSERT:
            if (f && ks_textfield_insert(f, ev.text)) app_field_changed(a);
            break;
        case KS_KB_EV_BACKSPACE:
            if (f && ks_textfield_backspace(f)) app_field_changed(a);
            break;
        case KS_KB_EV_PREEDIT:
            if (f) {
                size_t caret = 0;
                const char *pre = ks_keyboard_preedit(o->kb, &caret);
                ks_textfield_set_preedit(f, pre, caret);
                app_field_changed(a);
            }
            break;
        case KS_KB_EV_ENTER:
            /* Search: the results follow the typing already; the keyboard
             * steps aside so the visitor sees all of them. */
            osk_hide(a);
            break;
        case KS_KB_EV_LAYOUT:
            if (o->want) set_inset(a, ks_keyboard_height(o->kb));
            break;
        case KS_KB_EV_HIDE:
            o->want = 0;
            break;
        case KS_KB_EV_CLICK:
            if (o->click) ks_keyclick_play(o->click);
            break;
        }
    }
}

int osk_update(app *a, uint64_t now)
{
    struct osk *o = a->osk;
    if (!o) return 0;
    if (!o->ime_tried && now - o->t_start >= IME_START_MS) start_ime(a);
    apply_locale(a);
    /* Leaving the field (another screen, a dialog) hides the keyboard. */
    if (o->want && (o->owner != app_top(a) || !has_field(a))) {
        o->want = 0;
        ks_keyboard_focus_clear(o->kb);
        ks_keyboard_hide(o->kb, now);
    }
    ks_keyboard_tick(o->kb, now);
    drain(a);
    if (!o->want && ks_keyboard_visible_height(o->kb, now) == 0) set_inset(a, 0);
    if (ks_keyboard_needs_redraw(o->kb, now)) ks_ui_invalidate(a->ui, ks_keyboard_redraw_rect(o->kb, now));
    uint64_t w = ks_keyboard_next_wake(o->kb, now);
    return w != UINT64_MAX && w <= now + 16;
}

uint64_t osk_deadline(app *a, uint64_t now)
{
    struct osk *o = a->osk;
    if (!o) return 0;
    uint64_t w = ks_keyboard_next_wake(o->kb, now);
    if (!o->ime_tried && o->t_start + IME_START_MS < w) w = o->t_start + IME_START_MS;
    return w == UINT64_MAX ? 0 : w;
}

void osk_draw(app *a)
{
    struct osk *o = a->osk;
    if (!o) return;
    ks_keyboard_draw(o->kb, a->ui, ks_clock_now_ms());
}

void osk_reset(app *a)
{
    struct osk *o = a->osk;
    if (!o) return;
    ks_keyboard_reset(o->kb);
    if (o->ime) ks_ime_reset(o->ime);
    o->want = 0;
    o->owner = NULL;
    o->cycle_locale[0] = '\0';
    set_inset(a, 0);
}

ks_keyboard *osk_keyboard(app *a) { return a->osk ? a->osk->kb : NULL; }

ks_status osk_wait_ime(app *a, uint64_t timeout_ms, ks_error *err)
{
    struct osk *o = a->osk;
    if (!o) return ks_error_set(err, KS_ERR_UNSUPPORTED, "the on-screen keyboard is off (config osk.enabled)");
    start_ime(a);
    if (!o->ime) return ks_error_set(err, KS_ERR_UNSUPPORTED, "no input method engine (see the log)");
    return ks_ime_wait_ready(o->ime, timeout_ms, err);
}
