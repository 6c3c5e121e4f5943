/*
 * app_internal.h - the app's state, shared by app.c, nav.c, chrome.c and
 * overlay.c only. Screens use the functions of app.h, never these fields.
 */
#ifndef KS_APP_INTERNAL_H
#define KS_APP_INTERNAL_H

#include "ks/lock.h"
#include "ks/sync.h"

#include "app.h"

#define NAV_MAX 16

typedef enum trans_kind { TRANS_NONE, TRANS_PUSH, TRANS_POP } trans_kind;

typedef enum overlay_kind { OVERLAY_NONE, OVERLAY_SETTINGS, OVERLAY_LINK, OVERLAY_HANDOFF } overlay_kind;

/* Chrome (top bar) hit ids. */
enum {
    CH_BACK = 1,
    CH_HOME,
    CH_A11Y,
    CH_LANG0 = 100, /* + locale index */
};

/* Overlay hit ids. */
enum {
    OV_SCRIM = 1,
    OV_CARD,
    OV_CLOSE,
    OV_CONTRAST,
    OV_LARGE_TEXT,
};

struct app {
    app_options opt;
    ks_config *cfg;
    char *data_dir;
    ks_lock *lock;

    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Surface *surface; /* headless target */
    int sw_window;        /* software renderer on a window: present only the dirty rect */
    int full_redraw;      /* GPU renderer: the back buffer is not kept between frames */
    int pending_fullscreen; /* switch to full screen after the first frame */
    int w, h;

    ks_text *text;
    ks_ui *ui;
    ks_theme *theme_base, *theme_hc;
    int high_contrast, large_text;
    ks_i18n *i18n;
    char locale[KS_LOCALE_MAX];

    content *content;
    stats *stats;
    Uint32 wake_event;

    /* navigation */
    screen *stack[NAV_MAX];
    size_t depth;
    struct {
        trans_kind kind;
        screen *from, *to; /* from is owned here during a pop */
        uint64_t t0;
        int ms;
        int under_x, over_x; /* offsets of the two screens as drawn */
        int warmed;          /* the incoming screen's text is all in the cache */
    } trans;

    /* overlay */
    struct {
        overlay_kind kind;
        char *url;
        uint64_t t0;
        float contrast_pos, large_pos; /* toggle knobs, animated */
        uint64_t knob_t0;
        SDL_Rect card;        /* where the card was last drawn */
        SDL_Texture *qr;      /* the link's QR code, made once per address and size */
        char *qr_url;
        int qr_size;
    } ov;

    /* top bar */
    int bar_h;
    int bar_depth; /* stack depth the bar was last drawn for */

    /* pointer: the first finger (or the mouse) wins until it lifts */
    struct {
        int active;
        SDL_FingerID finger; /* -1 = mouse */
        int x0, y0, x, y;
        uint64_t t0;
        int has_hit;
        ks_hit hit;
        int pressed; /* hit still held (not cancelled by a drag) */
        ks_scroll *scroll;
        int dragging;
        int on_kb; /* this press belongs to the on-screen keyboard */
    } ptr;
    uint64_t last_activation;

    /* keyboard focus (Tab / arrows / Return) */
    struct {
        int visible;
        ks_hit_owner owner;
        int id;
    } focus;

    /* content sync (syncview.c) */
    ks_sync *sync;              /* NULL when sync is off */
    ks_sync_status sync_status; /* the worker's last snapshot */
    int64_t shown_version;      /* the content version the screens show */
    char sync_url[1024];

    /* on-screen keyboard, gamepad, dwell (osk.c, pad.c, dwell.c; osk.h) */
    struct osk *osk;
    struct pad_state *pad;
    struct dwell_state *dwell;

    int bottom_inset;
    int layout_gen;    /* bumped when every screen must be laid out again */
    uint64_t last_input;
    int session_dirty; /* something to wipe on idle */
    int running;
    int animating;     /* the last update said something moves */
    uint64_t pending_us; /* input handling since the last frame: part of its time */
    uint64_t frame_t0;   /* real time this frame's update started */
};

/* chrome.c */
int chrome_height(app *a);
void chrome_draw(app *a);
void chrome_tap(app *a, int id);

/* overlay.c */
void overlay_draw(app *a);
void overlay_tap(app *a, int id, int x, int y);
int overlay_update(app *a, uint64_t now);
void overlay_close(app *a);

/* syncview.c */
enum { SYNCVIEW_CHROME = 1, SYNCVIEW_CONTENT = 2 };
void syncview_start(app *a);
void syncview_stop(app *a);
/* After a wake: copies the worker's status; returns SYNCVIEW_* flags of
 * what must be drawn again (the top bar, or every screen's content). */
int syncview_poll(app *a);
/* The top bar's status pill: its width (0 when nothing to say) and drawing
 * it right-aligned at right, centred on cy. */
int syncview_pill_width(app *a, int max_w);
void syncview_draw_pill(app *a, int right, int cy, int max_w);
/* One line of content version and sync state for the settings card
 * (empty when there is nothing to say). Returns buf. */
const char *syncview_describe(app *a, char *buf, size_t cap);

/* nav.c */
void nav_draw(app *a);
int nav_update(app *a, uint64_t now);
void nav_clear(app *a);
void nav_layout_all(app *a);
void nav_reload_all(app *a);

/* app.c */
/* Real microseconds this frame may still spend on optional work (warming
 * the next screen's text) and stay within half its target (8 ms up to
 * 1080p, growing with the pixels to 16 ms at 4K). */
uint64_t app_frame_slack_us(app *a);
void app_relayout(app *a);
void app_touch_session(app *a);
/* The focused text field (the top screen's, no dialog open), or NULL. */
ks_textfield *app_focused_field(app *a);
/* The focused field's text or composition changed: caret, search. */
void app_field_changed(app *a);
/* Activates a hit as a deliberate press (gamepad A, dwell): never
 * swallowed as a double tap. */
void app_activate_hit(app *a, const ks_hit *h);

#endif
