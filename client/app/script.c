/*
 * script.c - the headless harness: plays a script of input steps against
 * the real app (the same event handling, layout and drawing as on a
 * screen) on the simulated clock, writes screenshots, checks what text is
 * visible.
 *
 * Input is injected as SDL events (finger, text, key), so the harness
 * tests the code a visitor exercises, not a shortcut into it. The step
 * table below is the contract: later features (the on-screen keyboard,
 * media, the avatar) add rows. Must not: reach into screens' state.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_image.h>

#include "ks/clock.h"
#include "ks/file.h"
#include "ks/log.h"
#include "ks/path.h"

#include "app_internal.h"
#include "osk.h"
#include "script.h"

#define SCRIPT_MAX_BYTES (4u * 1024u * 1024u)
#define MAX_NUMS 6
#define TAP_HOLD_MS 50u      /* finger down to up: a quick, real tap */
#define TYPE_GAP_MS 0u       /* the harness types as fast as it can */

typedef struct step step;
typedef struct run_ctx {
    app *a;
    const char *path;
    const char *shots;
} run_ctx;

/* Returns 0 on success; on failure fills msg (the line is added by the
 * caller). */
typedef int (*step_fn)(run_ctx *ctx, const step *st, char *msg, size_t cap);

/* Argument spec: one letter per argument: 'n' integer >= 0, 's' a string
 * ("quoted", with \" and \\ escapes, or the rest of the line), 'e' the
 * same but may be empty (""), 'w' a word. */
typedef struct step_def {
    const char *name;
    const char *args;
    step_fn run;
    const char *usage;
} step_def;

struct step {
    const step_def *def;
    int line;
    long n[MAX_NUMS];
    char *s;
};

struct script {
    char *path;
    step *steps;
    size_t n;
};

/* ---- the steps ---------------------------------------------------------- */

static void push_finger(app *a, Uint32 type, int x, int y)
{
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = type;
    ev.tfinger.timestamp = SDL_GetTicks();
    ev.tfinger.touchId = 1;
    ev.tfinger.fingerId = 1;
    ev.tfinger.x = ((float)x + 0.5f) / (float)app_width(a);
    ev.tfinger.y = ((float)y + 0.5f) / (float)app_height(a);
    ev.tfinger.pressure = 1.0f;
    SDL_PushEvent(&ev);
}

static void settle(app *a)
{
    app_pump(a);
    app_frame(a);
}

static void do_tap(app *a, int x, int y)
{
    push_finger(a, SDL_FINGERDOWN, x, y);
    settle(a);
    app_advance(a, TAP_HOLD_MS);
    push_finger(a, SDL_FINGERUP, x, y);
    settle(a);
}

static int step_wait(run_ctx *c, const step *st, char *msg, size_t cap)
{
    (void)msg;
    (void)cap;
    app_advance(c->a, (uint64_t)st->n[0]);
    return 0;
}

static int in_window(app *a, long x, long y, char *msg, size_t cap)
{
    if (x >= app_width(a) || y >= app_height(a)) {
        snprintf(msg, cap, "%ld,%ld is outside the %dx%d screen", x, y, app_width(a), app_height(a));
        return 0;
    }
    return 1;
}

static int step_tap(run_ctx *c, const step *st, char *msg, size_t cap)
{
    if (!in_window(c->a, st->n[0], st->n[1], msg, cap)) return -1;
    do_tap(c->a, (int)st->n[0], (int)st->n[1]);
    return 0;
}

/* Lists some visible texts, to make a failed lookup easy to act on. */
static void visible_summary(app *a, char *out, size_t cap)
{
    ks_ui *ui = app_ui(a);
    size_t n = ks_ui_text_count(ui), o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o + 4 < cap; i++) {
        ks_ui_text_element e;
        if (ks_ui_text_get(ui, i, &e) != 0) break;
        int len = (int)strlen(e.text);
        if (len > 40) { /* cut at a character boundary */
            len = 40;
            while (len > 0 && ((unsigned char)e.text[len] & 0xC0) == 0x80) len--;
        }
        int k = snprintf(out + o, cap - o, "%s\"%.*s\"", i ? ", " : "", len, e.text);
        if (k < 0 || (size_t)k >= cap - o) break;
        o += (size_t)k;
    }
}

static int step_tap_text(run_ctx *c, const step *st, char *msg, size_t cap)
{
    settle(c->a);
    ks_ui_text_element e;
    if (ks_ui_text_find(app_ui(c->a), st->s, &e) != 0) {
        char vis[600];
        visible_summary(c->a, vis, sizeof vis);
        snprintf(msg, cap, "tap-text: no visible text contains \"%s\" (visible: %s)", st->s, vis);
        return -1;
    }
    do_tap(c->a, e.rect.x + e.rect.w / 2, e.rect.y + e.rect.h / 2);
    return 0;
}

static int step_type(run_ctx *c, const step *st, char *msg, size_t cap)
{
    (void)msg;
    (void)cap;
    const char *p = st->s;
    while (*p) {
        /* one character per event, as a keyboard sends them */
        size_t k = 1;
        while (p[k] && ((unsigned char)p[k] & 0xC0) == 0x80) k++;
        SDL_Event ev;
        SDL_zero(ev);
        ev.type = SDL_TEXTINPUT;
        memcpy(ev.text.text, p, k < sizeof ev.text.text ? k : sizeof ev.text.text - 1);
        SDL_PushEvent(&ev);
        settle(c->a);
        if (TYPE_GAP_MS) app_advance(c->a, TYPE_GAP_MS);
        p += k;
    }
    return 0;
}

static int step_key(run_ctx *c, const step *st, char *msg, size_t cap)
{
    /* "Shift+Tab", "Ctrl+A": modifiers, then an SDL key name */
    Uint16 mod = KMOD_NONE;
    const char *name = st->s;
    for (;;) {
        const char *plus = strchr(name, '+');
        if (!plus || plus == name || !plus[1]) break;
        size_t len = (size_t)(plus - name);
        if (len == 5 && SDL_strncasecmp(name, "shift", 5) == 0) mod |= KMOD_LSHIFT;
        else if (len == 4 && SDL_strncasecmp(name, "ctrl", 4) == 0) mod |= KMOD_LCTRL;
        else if (len == 3 && SDL_strncasecmp(name, "alt", 3) == 0) mod |= KMOD_LALT;
        else break;
        name = plus + 1;
    }
    SDL_Keycode key = SDL_GetKeyFromName(name);
    if (key == SDLK_UNKNOWN) {
        snprintf(msg, cap, "key: '%s' is not an SDL key name (e.g. Return, Escape, BackSpace, Tab, Up, Down)", st->s);
        return -1;
    }
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_KEYDOWN;
    ev.key.state = SDL_PRESSED;
    ev.key.keysym.sym = key;
    ev.key.keysym.scancode = SDL_GetScancodeFromKey(key);
    ev.key.keysym.mod = mod;
    SDL_PushEvent(&ev);
    ev.type = SDL_KEYUP;
    ev.key.state = SDL_RELEASED;
    SDL_PushEvent(&ev);
    settle(c->a);
    return 0;
}

static int step_locale(run_ctx *c, const step *st, char *msg, size_t cap)
{
    ks_error err = {0};
    if (app_set_locale(c->a, st->s, &err) != KS_OK) {
        snprintf(msg, cap, "locale: %s", err.msg);
        return -1;
    }
    settle(c->a);
    return 0;
}

static int step_shot(run_ctx *c, const step *st, char *msg, size_t cap)
{
    if (!c->shots) {
        snprintf(msg, cap, "shot: no --screenshots DIR was given");
        return -1;
    }
    ks_error err = {0};
    if (ks_path_mkdirs(c->shots, &err) != KS_OK) {
        snprintf(msg, cap, "shot: %s", err.msg);
        return -1;
    }
    settle(c->a);
    char file[512];
    snprintf(file, sizeof file, "%s.png", st->s);
    char *path = ks_path_join(c->shots, file);
    SDL_Surface *s = app_surface(c->a);
    int rc = path && s ? IMG_SavePNG(s, path) : -1;
    if (rc != 0) snprintf(msg, cap, "shot: cannot write %s: %s", path ? path : file, IMG_GetError());
    free(path);
    return rc == 0 ? 0 : -1;
}

static int step_expect_text(run_ctx *c, const step *st, char *msg, size_t cap)
{
    settle(c->a);
    ks_ui_text_element e;
    if (ks_ui_text_find(app_ui(c->a), st->s, &e) == 0) return 0;
    char vis[600];
    visible_summary(c->a, vis, sizeof vis);
    snprintf(msg, cap, "expect-text: \"%s\" is not visible (visible: %s)", st->s, vis);
    return -1;
}

static int step_expect_no_text(run_ctx *c, const step *st, char *msg, size_t cap)
{
    settle(c->a);
    ks_ui_text_element e;
    if (ks_ui_text_find(app_ui(c->a), st->s, &e) != 0) return 0;
    snprintf(msg, cap, "expect-no-text: \"%s\" is visible at %d,%d (in \"%.60s\")", st->s, e.rect.x, e.rect.y, e.text);
    return -1;
}

/* A finger moving from one point to another over MS, then lifting: a
 * swipe (a quick one flings the list). */
static int step_drag(run_ctx *c, const step *st, char *msg, size_t cap)
{
    app *a = c->a;
    if (!in_window(a, st->n[0], st->n[1], msg, cap) || !in_window(a, st->n[2], st->n[3], msg, cap)) return -1;
    long ms = st->n[4] > 0 ? st->n[4] : 1;
    push_finger(a, SDL_FINGERDOWN, (int)st->n[0], (int)st->n[1]);
    settle(a);
    const long step_ms = 16;
    for (long t = step_ms; t <= ms; t += step_ms) {
        app_advance(a, (uint64_t)step_ms);
        int x = (int)(st->n[0] + (st->n[2] - st->n[0]) * t / ms);
        int y = (int)(st->n[1] + (st->n[3] - st->n[1]) * t / ms);
        push_finger(a, SDL_FINGERMOTION, x, y);
        settle(a);
    }
    push_finger(a, SDL_FINGERMOTION, (int)st->n[2], (int)st->n[3]);
    settle(a);
    push_finger(a, SDL_FINGERUP, (int)st->n[2], (int)st->n[3]);
    settle(a);
    return 0;
}

static int step_stats_reset(run_ctx *c, const step *st, char *msg, size_t cap)
{
    (void)st;
    (void)msg;
    (void)cap;
    settle(c->a);
    stats_reset(app_stats(c->a));
    return 0;
}

/* Waits in real time (the sync worker runs on real time) until the worker
 * reports STATE, keeping the app's events and frames going. */
static int step_sync_wait(run_ctx *c, const step *st, char *msg, size_t cap)
{
    uint64_t end = ks_clock_real_us() + (uint64_t)st->n[0] * 1000u;
    for (;;) {
        app_pump(c->a);
        app_frame(c->a);
        const char *reason = "";
        const char *now = app_sync_state(c->a, &reason);
        if (strcmp(now, st->s) == 0) return 0;
        if (ks_clock_real_us() >= end) {
            snprintf(msg, cap, "sync-wait: the sync worker is '%s'%s%s, not '%s', after %ld ms", now,
                     reason[0] ? ": " : "", reason, st->s, st->n[0]);
            return -1;
        }
        ks_clock_sleep_ms(20);
    }
}

/* ---- on-screen keyboard, gamepad, dwell ---------------------------------- */

#define OSK_SETTLE_MS 300u   /* the keyboard's slide (<= 250 ms) is over */
#define OSK_KEY_GAP_MS 30u   /* between two key taps: a frame or two renders */
#define OSK_TAP_MS 40u       /* finger down to up on a key */
#define IME_WAIT_MS 60000u   /* rime's first deployment (seconds) */

static void push_motion(int x, int y)
{
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_MOUSEMOTION;
    ev.motion.timestamp = SDL_GetTicks();
    ev.motion.which = 0; /* a real mouse or head pointer, not touch */
    ev.motion.state = 0; /* no button: hovering */
    ev.motion.x = x;
    ev.motion.y = y;
    SDL_PushEvent(&ev);
}

/* The keyboard, shown and in place, or NULL with msg. */
static ks_keyboard *osk_ready(app *a, const char *what, char *msg, size_t cap)
{
    ks_keyboard *kb = osk_keyboard(a);
    if (!kb) {
        snprintf(msg, cap, "%s: the on-screen keyboard is off (config osk.enabled) or failed to load (see the log)", what);
        return NULL;
    }
    if (!osk_active(a)) {
        snprintf(msg, cap, "%s: the on-screen keyboard is not shown (use osk-layout, or tap the search field)", what);
        return NULL;
    }
    return kb;
}

/* An input-method layout waits for rime, so runs are repeatable. */
static int osk_wait_layout_ime(app *a, ks_keyboard *kb, const char *what, char *msg, size_t cap)
{
    const char *name = ks_keyboard_layout(kb);
    if (strcmp(name, "pinyin") != 0 && strcmp(name, "zhuyin") != 0 && strcmp(name, "cangjie") != 0) return 0;
    ks_error err = {0};
    if (osk_wait_ime(a, IME_WAIT_MS, &err) != KS_OK) {
        snprintf(msg, cap, "%s: the %s input method is not ready after %u s: %s", what, name, IME_WAIT_MS / 1000,
                 err.msg);
        return -1;
    }
    app_advance(a, 120); /* the keyboard notices (it polls every 100 ms) and redraws its bar */
    return 0;
}

static int step_osk_layout(run_ctx *c, const step *st, char *msg, size_t cap)
{
    app *a = c->a;
    settle(a);
    ks_keyboard *kb = osk_keyboard(a);
    if (!kb) {
        snprintf(msg, cap, "osk-layout: the on-screen keyboard is off (config osk.enabled) or failed to load (see the log)");
        return -1;
    }
    if (!app_focused_field(a)) {
        /* nothing focused: the search field, as a tap on it would */
        app_open_search(a, "");
        app_advance(a, OSK_SETTLE_MS);
    }
    if (!app_focused_field(a)) {
        snprintf(msg, cap, "osk-layout: no text field to show the keyboard on");
        return -1;
    }
    osk_show(a, 0);
    ks_error err = {0};
    if (ks_keyboard_set_layout(kb, st->s, &err) != KS_OK) {
        char names[200] = "";
        size_t o = 0;
        for (size_t i = 0; i < ks_keyboard_layout_count(kb) && o < sizeof names; i++) {
            int k = snprintf(names + o, sizeof names - o, "%s%s", i ? ", " : "", ks_keyboard_layout_name(kb, i));
            if (k < 0) break;
            o += (size_t)k;
        }
        snprintf(msg, cap, "osk-layout: no layout '%s' (there are: %s)", st->s, names);
        return -1;
    }
    app_advance(a, OSK_SETTLE_MS);
    return osk_wait_layout_ime(a, kb, "osk-layout", msg, cap);
}

static void field_display(app *a, char *buf, size_t cap)
{
    ks_textfield *f = app_focused_field(a);
    snprintf(buf, cap, "%s", f ? ks_textfield_display(f, NULL) : "");
}

/* One touch on the keyboard through the real finger path: a tap, or a
 * long press that slides to an alternate. */
static void osk_touch(app *a, const ks_kb_step *s)
{
    push_finger(a, SDL_FINGERDOWN, s->x, s->y);
    settle(a);
    if (s->hold_ms > 0) {
        app_advance(a, (uint64_t)s->hold_ms);
        push_finger(a, SDL_FINGERMOTION, s->alt_x, s->alt_y);
        settle(a);
        push_finger(a, SDL_FINGERUP, s->alt_x, s->alt_y);
    } else {
        app_advance(a, OSK_TAP_MS);
        push_finger(a, SDL_FINGERUP, s->x, s->y);
    }
}

static int step_osk_type(run_ctx *c, const step *st, char *msg, size_t cap)
{
    app *a = c->a;
    settle(a);
    ks_keyboard *kb = osk_ready(a, "osk-type", msg, cap);
    if (!kb) return -1;
    if (osk_wait_layout_ime(a, kb, "osk-type", msg, cap) != 0) return -1;
    const char *p = st->s;
    while (*p) {
        size_t k = 1;
        while (p[k] && ((unsigned char)p[k] & 0xC0) == 0x80) k++;
        char ch[8] = "";
        memcpy(ch, p, k < sizeof ch ? k : sizeof ch - 1);
        int done = 0;
        for (int tries = 0; tries < 6 && !done; tries++) {
            ks_kb_step s;
            ks_error err = {0};
            if (ks_keyboard_route(kb, ch, &s, &err) != KS_OK) {
                snprintf(msg, cap, "osk-type: cannot type '%s' on the %s layout: %s", ch, ks_keyboard_layout(kb), err.msg);
                return -1;
            }
            char before[1024], after[1024];
            field_display(a, before, sizeof before);
            osk_touch(a, &s);
            settle(a); /* the frame right after the release */
            field_display(a, after, sizeof after);
            if (s.final && strcmp(before, after) == 0 && strcmp(ks_keyboard_layout(kb), "numeric") != 0) {
                /* A key must show in the field in the very next frame:
                 * count how many it took, to say so. */
                int frames = 1;
                while (frames < 10 && strcmp(before, after) == 0) {
                    app_advance(a, 16);
                    frames++;
                    field_display(a, after, sizeof after);
                }
                if (strcmp(before, after) != 0) {
                    snprintf(msg, cap, "osk-type: '%s' showed in the field only %d frames after the key's release", ch,
                             frames);
                    return -1;
                }
            }
            app_advance(a, OSK_KEY_GAP_MS);
            done = s.final;
        }
        if (!done) {
            snprintf(msg, cap, "osk-type: '%s' still needs another layout or shift after 6 taps", ch);
            return -1;
        }
        p += k;
    }
    return 0;
}

static int step_osk_pick(run_ctx *c, const step *st, char *msg, size_t cap)
{
    app *a = c->a;
    settle(a);
    ks_keyboard *kb = osk_ready(a, "osk-pick", msg, cap);
    if (!kb) return -1;
    int x = 0, y = 0;
    ks_error err = {0};
    if (ks_keyboard_candidate_center(kb, (int)st->n[0], &x, &y, &err) != KS_OK) {
        snprintf(msg, cap, "osk-pick: %s (the bar shows %d candidates)", err.msg, ks_keyboard_candidate_count(kb));
        return -1;
    }
    ks_kb_step s = {x, y, 0, 0, 0, 1, NULL};
    osk_touch(a, &s);
    settle(a);
    app_advance(a, OSK_KEY_GAP_MS);
    return 0;
}

/* Holds a key (an action name: backspace, shift, space, enter, hide, ime,
 * layout; or a character) for MS: backspace repeats, a long press opens
 * the alternates. */
static int step_osk_hold(run_ctx *c, const step *st, char *msg, size_t cap)
{
    app *a = c->a;
    settle(a);
    ks_keyboard *kb = osk_ready(a, "osk-hold", msg, cap);
    if (!kb) return -1;
    int found = 0;
    ks_kb_target t;
    for (size_t i = 0; i < ks_keyboard_target_count(kb) && !found; i++)
        if (ks_keyboard_target_get(kb, i, &t) == 0 && t.kind == KS_KB_TARGET_KEY &&
            ((strcmp(t.action, "char") != 0 && strcmp(t.action, st->s) == 0) ||
             (strcmp(t.action, "char") == 0 && t.label && strcmp(t.label, st->s) == 0)))
            found = 1;
    if (!found) {
        snprintf(msg, cap, "osk-hold: no key '%s' on the %s layout", st->s, ks_keyboard_layout(kb));
        return -1;
    }
    int x = t.rect.x + t.rect.w / 2, y = t.rect.y + t.rect.h / 2;
    push_finger(a, SDL_FINGERDOWN, x, y);
    settle(a);
    app_advance(a, (uint64_t)st->n[0]);
    push_finger(a, SDL_FINGERUP, x, y);
    settle(a);
    app_advance(a, OSK_KEY_GAP_MS);
    return 0;
}

/* The SDL button of each ks_kb_pad, in its order. */
static const SDL_GameControllerButton pad_buttons[] = {
    SDL_CONTROLLER_BUTTON_DPAD_UP,    SDL_CONTROLLER_BUTTON_DPAD_DOWN, SDL_CONTROLLER_BUTTON_DPAD_LEFT,
    SDL_CONTROLLER_BUTTON_DPAD_RIGHT, SDL_CONTROLLER_BUTTON_A,         SDL_CONTROLLER_BUTTON_B,
    SDL_CONTROLLER_BUTTON_LEFTSHOULDER, SDL_CONTROLLER_BUTTON_RIGHTSHOULDER};

/* Holds a gamepad button down for MS ms of the simulated clock: a held
 * direction repeats. */
static int step_pad_hold(run_ctx *c, const step *st, char *msg, size_t cap)
{
    int b = ks_keyboard_pad_parse(st->s);
    if (b < 0) {
        snprintf(msg, cap, "pad-hold: '%s' is not a button (up, down, left, right, a, b, lb, rb)", st->s);
        return -1;
    }
    settle(c->a);
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_CONTROLLERBUTTONDOWN;
    ev.cbutton.button = (Uint8)pad_buttons[b];
    ev.cbutton.state = SDL_PRESSED;
    SDL_PushEvent(&ev);
    app_advance(c->a, (uint64_t)st->n[0]);
    ev.type = SDL_CONTROLLERBUTTONUP;
    ev.cbutton.state = SDL_RELEASED;
    SDL_PushEvent(&ev);
    settle(c->a);
    return 0;
}

static int step_pad(run_ctx *c, const step *st, char *msg, size_t cap)
{
    int b = ks_keyboard_pad_parse(st->s);
    if (b < 0) {
        snprintf(msg, cap, "pad: '%s' is not a button (up, down, left, right, a, b, lb, rb)", st->s);
        return -1;
    }
    settle(c->a);
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_CONTROLLERBUTTONDOWN;
    ev.cbutton.which = 0;
    ev.cbutton.button = (Uint8)pad_buttons[b];
    ev.cbutton.state = SDL_PRESSED;
    SDL_PushEvent(&ev);
    settle(c->a);
    ev.type = SDL_CONTROLLERBUTTONUP;
    ev.cbutton.state = SDL_RELEASED;
    SDL_PushEvent(&ev);
    settle(c->a);
    app_advance(c->a, OSK_KEY_GAP_MS);
    return 0;
}

static int step_hover(run_ctx *c, const step *st, char *msg, size_t cap)
{
    app *a = c->a;
    if (!in_window(a, st->n[0], st->n[1], msg, cap)) return -1;
    dwell_enable(a, 1); /* the harness's hover always dwells (for the rest of the run) */
    settle(a);
    push_motion((int)st->n[0], (int)st->n[1]);
    settle(a);
    /* small steps: the ring fills frame by frame and the press renders */
    for (long t = 0; t < st->n[2]; t += 16) app_advance(a, (uint64_t)(st->n[2] - t < 16 ? st->n[2] - t : 16));
    return 0;
}

/* hover at the centre of a visible text (an exact match first, so a
 * key's one-letter label wins over words containing it) */
static int step_hover_text(run_ctx *c, const step *st, char *msg, size_t cap)
{
    app *a = c->a;
    settle(a);
    ks_ui *ui = app_ui(a);
    ks_ui_text_element e;
    int found = 0;
    for (size_t i = 0; i < ks_ui_text_count(ui) && !found; i++)
        if (ks_ui_text_get(ui, i, &e) == 0 && strcmp(e.text, st->s) == 0) found = 1;
    if (!found && ks_ui_text_find(ui, st->s, &e) != 0) {
        char vis[600];
        visible_summary(a, vis, sizeof vis);
        snprintf(msg, cap, "hover-text: no visible text contains \"%s\" (visible: %s)", st->s, vis);
        return -1;
    }
    step h = *st;
    h.n[0] = e.rect.x + e.rect.w / 2;
    h.n[1] = e.rect.y + e.rect.h / 2;
    h.n[2] = st->n[0];
    return step_hover(c, &h, msg, cap);
}

static int step_expect_focus(run_ctx *c, const step *st, char *msg, size_t cap)
{
    settle(c->a);
    char name[512];
    if (pad_focus_name(c->a, name, sizeof name) != 0) {
        snprintf(msg, cap, "expect-focus: nothing has the focus (expected \"%s\")", st->s);
        return -1;
    }
    if (strstr(name, st->s)) return 0;
    snprintf(msg, cap, "expect-focus: the focus is on \"%s\", not \"%s\"", name, st->s);
    return -1;
}

static int step_expect_pad_reach(run_ctx *c, const step *st, char *msg, size_t cap)
{
    (void)st;
    settle(c->a);
    if (pad_check_reach(c->a, msg, cap) == 0) return 0;
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "expect-pad-reach: %s", msg);
    snprintf(msg, cap, "%s", tmp);
    return -1;
}

static int step_expect_field(run_ctx *c, const step *st, char *msg, size_t cap)
{
    settle(c->a);
    ks_textfield *f = app_focused_field(c->a);
    if (!f) {
        snprintf(msg, cap, "expect-field: no text field has the focus");
        return -1;
    }
    if (strcmp(ks_textfield_text(f), st->s) == 0) return 0;
    snprintf(msg, cap, "expect-field: the field holds \"%s\" (composing \"%s\"), not \"%s\"", ks_textfield_text(f),
             ks_textfield_preedit(f), st->s);
    return -1;
}

static const step_def step_table[] = {
    {"wait", "n", step_wait, "wait MS"},
    {"tap", "nn", step_tap, "tap X Y"},
    {"tap-text", "s", step_tap_text, "tap-text \"TEXT\""},
    {"type", "s", step_type, "type \"TEXT\""},
    {"key", "w", step_key, "key NAME (an SDL key name, optionally Shift+/Ctrl+/Alt+)"},
    {"locale", "w", step_locale, "locale TAG (en, zh-Hans, zh-Hant)"},
    {"shot", "w", step_shot, "shot NAME"},
    {"expect-text", "s", step_expect_text, "expect-text \"TEXT\""},
    /* extensions beyond the list */
    {"expect-no-text", "s", step_expect_no_text, "expect-no-text \"TEXT\""},
    {"drag", "nnnnn", step_drag, "drag X1 Y1 X2 Y2 MS"},
    {"stats-reset", "", step_stats_reset, "stats-reset"},
    {"sync-wait", "wn", step_sync_wait, "sync-wait STATE MS (idle, offline, error, ...; real time)"},
    /* the on-screen keyboard, gamepad and dwell (contract, issue 5) */
    {"osk-layout", "w", step_osk_layout, "osk-layout NAME (en, symbols, numeric, phone, pinyin, zhuyin, cangjie)"},
    {"osk-type", "s", step_osk_type, "osk-type \"KEYS\""},
    {"osk-pick", "n", step_osk_pick, "osk-pick N (1-based)"},
    {"pad", "w", step_pad, "pad BUTTON (up, down, left, right, a, b, lb, rb)"},
    {"hover", "nnn", step_hover, "hover X Y MS"},
    {"pad-hold", "wn", step_pad_hold, "pad-hold BUTTON MS (held down: a direction repeats)"},
    /* extensions for their tests */
    {"hover-text", "sn", step_hover_text, "hover-text \"TEXT\" MS"},
    {"osk-hold", "wn", step_osk_hold, "osk-hold KEY MS (backspace, shift, space, enter, ... or a character)"},
    {"expect-focus", "s", step_expect_focus, "expect-focus \"TEXT\""},
    {"expect-pad-reach", "", step_expect_pad_reach, "expect-pad-reach"},
    {"expect-field", "e", step_expect_field, "expect-field \"TEXT\""},
};

/* ---- parsing ------------------------------------------------------------ */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t') p++;
    return p;
}

/* Parses one argument of kind k at *pp into st. Returns 0, or -1 with msg. */
static int parse_arg(char k, const char **pp, step *st, int *ni, char *msg, size_t cap)
{
    const char *p = skip_ws(*pp);
    if (!*p) {
        snprintf(msg, cap, "missing argument");
        return -1;
    }
    if (k == 'n') {
        if (!isdigit((unsigned char)*p)) {
            snprintf(msg, cap, "expected a number, got \"%.20s\"", p);
            return -1;
        }
        errno = 0;
        char *end = NULL;
        long v = strtol(p, &end, 10);
        if (errno || v < 0 || v > 100000000L || (*end && *end != ' ' && *end != '\t')) {
            snprintf(msg, cap, "expected a number, got \"%.20s\"", p);
            return -1;
        }
        st->n[(*ni)++] = v;
        *pp = end;
        return 0;
    }
    size_t cap_s = strlen(p) + 1;
    char *s = malloc(cap_s);
    if (!s) {
        snprintf(msg, cap, "out of memory");
        return -1;
    }
    size_t o = 0;
    if ((k == 's' || k == 'e') && *p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) p++;
            s[o++] = *p++;
        }
        if (*p != '"') {
            free(s);
            snprintf(msg, cap, "unterminated string (a closing \" is missing)");
            return -1;
        }
        p++;
    } else if (k == 's' || k == 'e') {
        /* unquoted: the rest of the line, trailing blanks trimmed */
        while (*p) s[o++] = *p++;
        while (o > 0 && (s[o - 1] == ' ' || s[o - 1] == '\t')) o--;
    } else {
        while (*p && *p != ' ' && *p != '\t') s[o++] = *p++;
    }
    s[o] = '\0';
    if (k == 's' && o == 0) {
        free(s);
        snprintf(msg, cap, "empty text");
        return -1;
    }
    free(st->s);
    st->s = s;
    *pp = p;
    return 0;
}

static int valid_shot_name(const char *s)
{
    if (!*s || strlen(s) > 200) return 0;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.') return 0;
    return s[0] != '.';
}

static ks_status parse_line(script *sc, char *line, int lineno, ks_error *err)
{
    char msg[300];
    char *p = (char *)skip_ws(line);
    if (!*p || *p == '#') return KS_OK;
    char *name = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    size_t nlen = (size_t)(p - name);
    const step_def *def = NULL;
    for (size_t i = 0; i < sizeof step_table / sizeof step_table[0]; i++)
        if (strlen(step_table[i].name) == nlen && strncmp(step_table[i].name, name, nlen) == 0) def = &step_table[i];
    if (!def)
        return ks_error_set(err, KS_ERR_INVALID, "%s:%d: unknown step '%.*s'", sc->path, lineno, (int)nlen, name);
    step st = {def, lineno, {0}, NULL};
    int ni = 0;
    const char *q = p;
    for (const char *k = def->args; *k; k++) {
        if (parse_arg(*k, &q, &st, &ni, msg, sizeof msg) != 0) {
            free(st.s);
            return ks_error_set(err, KS_ERR_INVALID, "%s:%d: %s: %s (usage: %s)", sc->path, lineno, def->name, msg,
                                def->usage);
        }
    }
    q = skip_ws(q);
    if (*q && *q != '#') {
        free(st.s);
        return ks_error_set(err, KS_ERR_INVALID, "%s:%d: %s: unexpected \"%.30s\" (usage: %s)", sc->path, lineno,
                            def->name, q, def->usage);
    }
    if (def->run == step_shot && !valid_shot_name(st.s)) {
        ks_error_set(err, KS_ERR_INVALID, "%s:%d: shot: '%s' is not a file name (letters, digits, - _ . only)",
                     sc->path, lineno, st.s);
        free(st.s);
        return KS_ERR_INVALID;
    }
    step *grown = realloc(sc->steps, (sc->n + 1) * sizeof *grown);
    if (!grown) {
        free(st.s);
        return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    }
    sc->steps = grown;
    sc->steps[sc->n++] = st;
    return KS_OK;
}

ks_status script_load(const char *path, script **out, ks_error *err)
{
    char *text = NULL;
    size_t len = 0;
    ks_status rc = ks_file_read_all(path, SCRIPT_MAX_BYTES, &text, &len, err);
    if (rc) {
        ks_error_prefix(err, "script");
        return rc;
    }
    script *sc = calloc(1, sizeof *sc);
    if (!sc || !(sc->path = strdup(path))) {
        free(sc);
        free(text);
        return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    }
    int lineno = 1;
    for (size_t pos = 0; pos < len && rc == KS_OK; lineno++) {
        size_t end = pos;
        while (end < len && text[end] != '\n') end++;
        size_t l = end - pos;
        if (memchr(text + pos, '\0', l)) {
            rc = ks_error_set(err, KS_ERR_INVALID, "%s:%d: a NUL byte in the line", path, lineno);
            break;
        }
        text[end] = '\0'; /* text[len] is the reader's NUL */
        if (l && text[pos + l - 1] == '\r') text[pos + l - 1] = '\0';
        rc = parse_line(sc, text + pos, lineno, err);
        pos = end + 1;
    }
    free(text);
    if (rc) {
        script_free(sc);
        return rc;
    }
    *out = sc;
    return KS_OK;
}

void script_free(script *sc)
{
    if (!sc) return;
    for (size_t i = 0; i < sc->n; i++) free(sc->steps[i].s);
    free(sc->steps);
    free(sc->path);
    free(sc);
}

int script_run(script *sc, app *a, const char *shots_dir)
{
    run_ctx ctx = {a, sc->path, shots_dir};
    for (size_t i = 0; i < sc->n; i++) {
        const step *st = &sc->steps[i];
        char msg[1024] = "";
        ks_log_debug("script", "%s:%d: %s", sc->path, st->line, st->def->name);
        if (st->def->run(&ctx, st, msg, sizeof msg) != 0) {
            fprintf(stderr, "kiosk: %s:%d: %s\n", sc->path, st->line, msg);
            return 1;
        }
    }
    return 0;
}
