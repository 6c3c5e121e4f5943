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
 * ("quoted", with \" and \\ escapes, or the rest of the line), 'w' a word. */
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
    if (k == 's' && *p == '"') {
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
    } else if (k == 's') {
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
