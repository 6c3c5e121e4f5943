/*
 * app.h - the kiosk application (private to client/app): the window or
 * headless surface, the event-driven loop, screens and navigation, the top
 * bar, dialogs, input routing, settings (locale, contrast, text size), and
 * the figures for --stats.
 *
 * One thread (the UI thread) owns all of this. Other threads talk to it
 * only through app_wake() (an SDL user event), never by touching it.
 */
#ifndef KS_APP_APP_H
#define KS_APP_APP_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "ks/config.h"
#include "ks/error.h"
#include "ks/i18n.h"
#include "ks/locale.h"
#include "ks/scroll.h"
#include "ks/text.h"
#include "ks/textfield.h"
#include "ks/theme.h"
#include "ks/ui.h"

#include "content.h"
#include "stats.h"

typedef struct app app;
typedef struct screen screen;

/* ---- screens --------------------------------------------------------- */

/* What every screen does. Callbacks a screen does not need may be NULL. */
typedef struct screen_ops {
    const char *name;
    void (*destroy)(screen *s);
    /* The content area changed (size, theme, text size, keyboard inset). */
    void (*layout)(screen *s, app *a);
    /* The locale or the content changed: fetch again and lay out. */
    void (*reload)(screen *s, app *a);
    /* Draws into s->area (the caller translated and clipped). */
    void (*draw)(screen *s, app *a);
    /* Advances animations; returns 1 while something moves. */
    int (*update)(screen *s, app *a, uint64_t now);
    /* The next time something changes without input (caret blink), or 0. */
    uint64_t (*deadline)(screen *s, app *a, uint64_t now);
    /* A registered hit was tapped at (x, y) (window coordinates). */
    void (*tap)(screen *s, app *a, int id, int x, int y);
    /* A physical key; returns 1 when handled. */
    int (*key)(screen *s, app *a, SDL_Keycode key, Uint16 mod);
    /* The text field typing goes to, or NULL. */
    ks_textfield *(*field)(screen *s);
    /* The focused field's text changed (typed, deleted, cleared). */
    void (*text_changed)(screen *s, app *a);
    /* The scroll view under (x, y), or NULL. */
    ks_scroll *(*scroll_at)(screen *s, int x, int y);
    /* Became the top screen (pushed, or uncovered by a pop). */
    void (*enter)(screen *s, app *a);
} screen_ops;

struct screen {
    const screen_ops *ops;
    SDL_Rect area;  /* where the screen draws: under the top bar, above the keyboard */
    int layout_gen; /* the app's layout generation it was laid out for (nav.c) */
};

/* Constructors (screen_*.c). NULL on failure (logged). A constructor
 * lays its screen out for app_area() and sets layout_gen with
 * app_layout_gen(), so pushing it does not lay it out again. */
int app_layout_gen(app *a);
screen *screen_home_new(app *a);
screen *screen_category_new(app *a, const char *category_id, const char *title);
screen *screen_results_new(app *a, const char *query);
screen *screen_article_new(app *a, const char *article_id);

/* ---- options ----------------------------------------------------------- */

typedef struct app_options {
    const char *config_path;
    const char *data_dir;     /* overrides the config */
    int windowed, win_w, win_h;
    int headless, size_w, size_h;
    const char *script_path;
    const char *shots_dir;
    const char *stats_path;
    uint64_t start_us;        /* ks_clock_real_us() at the top of main */
} app_options;

/* Creates everything and shows the first frame. */
ks_status app_create(const app_options *opt, app **out, ks_error *err);
void app_destroy(app *a);
/* The interactive loop (window); returns the exit status. */
int app_run(app *a);
/* Writes the --stats file if one was asked for. */
void app_write_stats(app *a);

/* ---- the loop, for the loop and the harness ---------------------------- */

void app_handle_event(app *a, const SDL_Event *ev);
/* Handles every queued event without waiting. */
void app_pump(app *a);
/* Runs update + render (+ present) if anything moved or is dirty, timing
 * it as one frame. Returns 1 when a frame was drawn. */
int app_frame(app *a);
/* The next time the loop must wake without input (animation frame, caret,
 * idle timeout), or 0 for "sleep until input". */
uint64_t app_next_deadline(app *a, uint64_t now);
/* Simulated clock: advances ms, drawing the frames that fall due on the way. */
void app_advance(app *a, uint64_t ms);
/* Wakes the UI thread from any thread. */
void app_wake(app *a);
/* Blocks (real time, at most timeout_ms) until background work is done:
 * the harness starts its script on loaded content. Returns 1 if ready. */
int app_wait_ready(app *a, uint32_t timeout_ms);

/* ---- state for screens --------------------------------------------------- */

ks_ui *app_ui(app *a);
content *app_content(app *a);
const char *app_locale(app *a);
/* A UI string in the current locale. */
const char *app_tr(app *a, const char *key);
/* The same with {name} placeholders: pairs of name, value, ending NULL. */
const char *app_trf(app *a, const char *key, char *buf, size_t cap, ...);
uint64_t app_now(app *a);
int app_width(app *a);
int app_height(app *a);
/* The content area for screens. */
SDL_Rect app_area(app *a);
/* 1 when hit (SCREEN owner, id) is the one held down now. */
int app_pressed(app *a, int id);
/* The surface the headless renderer draws into (NULL with a window). */
SDL_Surface *app_surface(app *a);
const app_options *app_opts(app *a);
stats *app_stats(app *a);

/* ---- navigation (nav.c) --------------------------------------------------- */

void app_push(app *a, screen *s);
void app_pop(app *a);
void app_home(app *a);
/* Opens an article / a category / the search results over the current screen. */
void app_open_article(app *a, const char *id);
void app_open_category(app *a, const char *id, const char *title);
void app_open_search(app *a, const char *initial_text);
screen *app_top(app *a);
size_t app_depth(app *a);
int app_transitioning(app *a);

/* ---- dialogs (overlay.c) --------------------------------------------------- */

void app_show_link(app *a, const char *url);
void app_show_handoff(app *a);
void app_show_settings(app *a);
int app_overlay_open(app *a);

/* ---- settings ------------------------------------------------------------- */

ks_status app_set_locale(app *a, const char *locale, ks_error *err);
void app_set_high_contrast(app *a, int on);
void app_set_large_text(app *a, int on);
int app_high_contrast(app *a);
int app_large_text(app *a);
/* Height covered at the bottom by an on-screen keyboard (0 = none). */
void app_set_bottom_inset(app *a, int px);

/* The content sync worker's state as last reported ("starting" before its
 * first pass, then "idle", "checking", "downloading", "applying",
 * "offline", "error"), or "off" when the config enables no sync; *reason
 * (may be NULL) says why for offline/error. */
const char *app_sync_state(app *a, const char **reason);
/* The visitor touched (or pressed A on) the top screen's text field:
 * the on-screen keyboard slides in for it (when enabled). */
void app_keyboard_show(app *a);

#endif
