/*
 * pad.c - gamepads and VR controllers (SDL GameController): the D-pad or
 * the left stick moves a focus ring over everything that can be pressed,
 * A presses, B goes back (or closes the keyboard first), the shoulder
 * buttons switch keyboard layouts or page the candidates.
 *
 * Focus moves spatially: from the focused element to the nearest one in
 * the direction pressed, among the tap targets the frame registered (the
 * top bar, the screen, a dialog's own only while it is open) and the
 * keys of the on-screen keyboard. So it works on every screen and at
 * every size with no per-screen tables. Inside the keyboard the
 * keyboard's own row-aware moves apply; at its edge focus leaves it.
 * A list that hides more rows scrolls when the focus reaches its edge.
 * A direction held down (D-pad or stick) repeats, as a held key does.
 *
 * Must not: know what a screen shows, or act on anything but the
 * registered targets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks/clock.h"
#include "ks/log.h"
#include "ks/scroll.h"

#include "app_internal.h"
#include "osk.h"

#define MAX_PADS 4
#define MAX_NODES 768
#define STICK_ON 16000  /* of 32767: past this a stick push is a direction */
#define STICK_OFF 8000  /* back under this, the stick is re-armed */
#define REPEAT_DELAY_MS 450u /* a held direction starts repeating after this */
#define REPEAT_MS 120u       /* then moves this often: about 8 elements a second */

struct pad_state {
    SDL_GameController *dev[MAX_PADS];
    int stick_x, stick_y; /* -1, 0, 1: the direction the stick holds now */
    int held;             /* the ks_kb_pad direction held down, or -1 */
    uint64_t repeat_at;   /* when the held direction moves again */
};

/* One focusable thing: a registered hit or a key of the keyboard. */
typedef struct node {
    int key;           /* 1: keyboard target index idx; 0: hit */
    int idx;
    ks_hit_owner owner;
    int id;
    SDL_Rect r;
    ks_scroll *scroll;
} node;

void pad_init(app *a)
{
    a->pad = calloc(1, sizeof *a->pad);
    if (!a->pad) ks_log_warn("pad", "out of memory: gamepads are ignored");
    else a->pad->held = -1;
    /* Controllers already plugged in arrive as DEVICEADDED events too. */
}

void pad_fini(app *a)
{
    if (!a->pad) return;
    for (int i = 0; i < MAX_PADS; i++)
        if (a->pad->dev[i]) SDL_GameControllerClose(a->pad->dev[i]);
    free(a->pad);
    a->pad = NULL;
}

static size_t collect(app *a, node *out, size_t cap)
{
    size_t n = 0;
    int overlay = app_overlay_open(a);
    size_t hc = ks_ui_hit_count(a->ui);
    for (size_t i = 0; i < hc && n < cap; i++) {
        const ks_hit *h = ks_ui_hit_get(a->ui, i);
        if (!h->focusable || h->visible.w <= 0 || h->visible.h <= 0) continue;
        if (overlay && h->owner != KS_HIT_OVERLAY) continue;
        out[n++] = (node){0, (int)i, h->owner, h->id, h->rect, h->scroll};
    }
    ks_keyboard *kb = osk_keyboard(a);
    if (kb && !overlay && osk_active(a)) {
        size_t kc = ks_keyboard_target_count(kb);
        for (size_t i = 0; i < kc && n < cap; i++) {
            ks_kb_target t;
            if (ks_keyboard_target_get(kb, i, &t) != 0) continue;
            out[n++] = (node){1, (int)i, KS_HIT_SCREEN, 0, t.rect, NULL};
        }
    }
    return n;
}

/* Index in list of what has the focus now, -1 for nothing. */
static int current(app *a, const node *list, size_t n)
{
    ks_keyboard *kb = osk_keyboard(a);
    int kf = kb && osk_active(a) ? ks_keyboard_focus(kb) : -1;
    for (size_t i = 0; i < n; i++) {
        if (list[i].key && list[i].idx == kf) return (int)i;
        if (!list[i].key && kf < 0 && a->focus.visible && list[i].owner == a->focus.owner && list[i].id == a->focus.id)
            return (int)i;
    }
    return -1;
}

/* The nearest node from list[cur] in direction (dx, dy): it must lie
 * beyond the current one's centre that way; distance along the direction
 * counts once, sideways misalignment three times (so "down" prefers what
 * is below over what is merely nearer), centre distance breaks ties.
 * only_screen skips the keyboard's keys (leaving the keyboard). */
static int neighbour(const node *list, size_t n, int cur, int dx, int dy, int only_screen)
{
    SDL_Rect f = list[cur].r;
    long fcx = f.x + f.w / 2, fcy = f.y + f.h / 2;
    int best = -1;
    long best_score = 0;
    for (size_t i = 0; i < n; i++) {
        if ((int)i == cur || (only_screen && list[i].key)) continue;
        SDL_Rect r = list[i].r;
        long cx = r.x + r.w / 2, cy = r.y + r.h / 2;
        long along, side;
        if (dy) {
            /* its near edge past our centre, and its centre past our edge region */
            if (dy > 0 ? (r.y < fcy || cy <= f.y + f.h - f.h / 4) : (r.y + r.h > fcy || cy >= f.y + f.h / 4)) continue;
            along = dy > 0 ? r.y - (f.y + f.h) : f.y - (r.y + r.h);
            long gap = r.x > f.x + f.w ? r.x - (f.x + f.w) : f.x > r.x + r.w ? f.x - (r.x + r.w) : 0;
            side = gap;
        } else {
            if (dx > 0 ? (r.x < fcx || cx <= f.x + f.w - f.w / 4) : (r.x + r.w > fcx || cx >= f.x + f.w / 4)) continue;
            along = dx > 0 ? r.x - (f.x + f.w) : f.x - (r.x + r.w);
            long gap = r.y > f.y + f.h ? r.y - (f.y + f.h) : f.y > r.y + r.h ? f.y - (r.y + r.h) : 0;
            side = gap;
        }
        if (along < 0) along = 0;
        long tie = labs(cx - fcx) + labs(cy - fcy);
        long score = (along + 3 * side) * 16 + tie / 64;
        if (best < 0 || score < best_score) {
            best = (int)i;
            best_score = score;
        }
    }
    return best;
}

/* Puts the focus on list[i]: the ring, and the element scrolled into view. */
static void focus_node(app *a, const node *nd)
{
    ks_keyboard *kb = osk_keyboard(a);
    if (nd->key) {
        a->focus.visible = 0;
        ks_keyboard_focus_set(kb, nd->idx);
    } else {
        if (kb) ks_keyboard_focus_clear(kb);
        a->focus.visible = 1;
        a->focus.owner = nd->owner;
        a->focus.id = nd->id;
        const ks_hit *h = ks_ui_hit_find(a->ui, nd->owner, nd->id);
        if (h && h->scroll && (h->visible.h < h->rect.h || h->visible.w < h->rect.w)) {
            int margin = ks_ui_sp(a->ui, 2);
            float delta = h->rect.y < h->visible.y
                              ? (float)(h->rect.y - h->visible.y - margin)
                              : (float)(h->rect.y + h->rect.h - h->visible.y - h->visible.h + margin);
            ks_scroll_animate_by(h->scroll, delta, ks_clock_now_ms(), 180);
            a->animating = 1;
        }
    }
    ks_ui_invalidate_all(a->ui);
}

/* Nothing further that way: a list that hides more scrolls on. */
static void scroll_on(app *a, const node *nd, int dy)
{
    if (!dy || nd->key || !nd->scroll) return;
    float before = ks_scroll_offset(nd->scroll);
    if ((dy > 0 && before >= ks_scroll_max(nd->scroll)) || (dy < 0 && before <= 0)) return;
    ks_scroll_animate_by(nd->scroll, (float)(dy * app_area(a).h / 3), ks_clock_now_ms(), 180);
    a->animating = 1;
}

static void move(app *a, int dx, int dy)
{
    static node list[MAX_NODES];
    size_t n = collect(a, list, MAX_NODES);
    if (n == 0) return;
    int cur = current(a, list, n);
    if (cur < 0) {
        /* First press: the keyboard when it is up, else the first
         * element the screen drew (reading order), else the top bar. */
        ks_keyboard *kb = osk_keyboard(a);
        if (kb && osk_active(a) && !app_overlay_open(a)) {
            a->focus.visible = 0;
            ks_keyboard_focus_enter(kb);
            ks_ui_invalidate_all(a->ui);
            return;
        }
        int pick = 0;
        for (size_t i = 0; i < n; i++)
            if (!list[i].key && list[i].owner != KS_HIT_CHROME) {
                pick = (int)i;
                break;
            }
        focus_node(a, &list[pick]);
        return;
    }
    if (list[cur].key) {
        ks_kb_pad b = dy < 0 ? KS_KB_PAD_UP : dy > 0 ? KS_KB_PAD_DOWN : dx < 0 ? KS_KB_PAD_LEFT : KS_KB_PAD_RIGHT;
        if (osk_pad(a, b)) return; /* moved within the keyboard */
        int nb = neighbour(list, n, cur, dx, dy, 1);
        if (nb >= 0) focus_node(a, &list[nb]);
        return;
    }
    int nb = neighbour(list, n, cur, dx, dy, 0);
    if (nb >= 0) focus_node(a, &list[nb]);
    else scroll_on(a, &list[cur], dy);
}

static void press(app *a)
{
    ks_keyboard *kb = osk_keyboard(a);
    if (kb && osk_active(a) && ks_keyboard_focus(kb) >= 0) {
        osk_pad(a, KS_KB_PAD_A);
        return;
    }
    if (!a->focus.visible) {
        move(a, 0, 1); /* nothing focused: A shows where the focus starts */
        return;
    }
    const ks_hit *h = ks_ui_hit_find(a->ui, a->focus.owner, a->focus.id);
    if (!h) return;
    osk_set_by_pad(a, 1);
    app_activate_hit(a, h);
    osk_set_by_pad(a, 0);
}

static void back(app *a)
{
    if (osk_pad(a, KS_KB_PAD_B)) return; /* an alternates popup closed */
    if (osk_active(a)) {
        osk_hide(a);
        return;
    }
    if (app_overlay_open(a)) overlay_close(a);
    else if (a->depth > 1) app_pop(a);
}

void pad_button(app *a, ks_kb_pad button)
{
    app_touch_session(a);
    if (app_transitioning(a)) return; /* like touch: nothing settled yet */
    switch (button) {
    case KS_KB_PAD_UP: move(a, 0, -1); break;
    case KS_KB_PAD_DOWN: move(a, 0, 1); break;
    case KS_KB_PAD_LEFT: move(a, -1, 0); break;
    case KS_KB_PAD_RIGHT: move(a, 1, 0); break;
    case KS_KB_PAD_A: press(a); break;
    case KS_KB_PAD_B: back(a); break;
    case KS_KB_PAD_LB:
    case KS_KB_PAD_RB: osk_pad(a, button); break;
    }
}

/* A direction pressed: move once now, then repeat while it stays held. */
static void hold(app *a, ks_kb_pad dir)
{
    pad_button(a, dir);
    a->pad->held = (int)dir;
    a->pad->repeat_at = ks_clock_now_ms() + REPEAT_DELAY_MS;
}

static void release(app *a, ks_kb_pad dir)
{
    if (a->pad->held == (int)dir) a->pad->held = -1;
}

static void stick(app *a, int *held, int value, ks_kb_pad neg, ks_kb_pad pos)
{
    int dir = value > STICK_ON ? 1 : value < -STICK_ON ? -1 : 0;
    if (*held && (value > STICK_OFF || value < -STICK_OFF)) return; /* still pushed: the repeat moves on */
    if (*held) release(a, *held < 0 ? neg : pos);
    *held = dir;
    if (dir) hold(a, dir < 0 ? neg : pos);
}

/* The held direction as a pad button, or -1 for other buttons. */
static int direction_of(Uint8 button)
{
    switch (button) {
    case SDL_CONTROLLER_BUTTON_DPAD_UP: return KS_KB_PAD_UP;
    case SDL_CONTROLLER_BUTTON_DPAD_DOWN: return KS_KB_PAD_DOWN;
    case SDL_CONTROLLER_BUTTON_DPAD_LEFT: return KS_KB_PAD_LEFT;
    case SDL_CONTROLLER_BUTTON_DPAD_RIGHT: return KS_KB_PAD_RIGHT;
    default: return -1;
    }
}

int pad_update(app *a, uint64_t now)
{
    struct pad_state *p = a->pad;
    if (!p || p->held < 0 || now < p->repeat_at) return 0;
    p->repeat_at = now + REPEAT_MS;
    pad_button(a, (ks_kb_pad)p->held);
    return 0;
}

uint64_t pad_deadline(app *a, uint64_t now)
{
    (void)now;
    struct pad_state *p = a->pad;
    return p && p->held >= 0 ? p->repeat_at : 0;
}

void pad_event(app *a, const SDL_Event *ev)
{
    struct pad_state *p = a->pad;
    if (!p) return;
    switch (ev->type) {
    case SDL_CONTROLLERDEVICEADDED: {
        int slot = -1;
        for (int i = 0; i < MAX_PADS; i++)
            if (!p->dev[i]) {
                slot = i;
                break;
            }
        if (slot < 0) return;
        p->dev[slot] = SDL_GameControllerOpen(ev->cdevice.which);
        if (p->dev[slot]) ks_log_info("pad", "controller connected: %s", SDL_GameControllerName(p->dev[slot]));
        else ks_log_warn("pad", "cannot open controller %d: %s", ev->cdevice.which, SDL_GetError());
        break;
    }
    case SDL_CONTROLLERDEVICEREMOVED:
        for (int i = 0; i < MAX_PADS; i++) {
            SDL_GameController *c = p->dev[i];
            if (c && SDL_JoystickInstanceID(SDL_GameControllerGetJoystick(c)) == ev->cdevice.which) {
                SDL_GameControllerClose(c);
                p->dev[i] = NULL;
                ks_log_info("pad", "controller disconnected");
            }
        }
        break;
    case SDL_CONTROLLERBUTTONDOWN:
        if (direction_of(ev->cbutton.button) >= 0) {
            hold(a, (ks_kb_pad)direction_of(ev->cbutton.button));
            break;
        }
        switch (ev->cbutton.button) {
        case SDL_CONTROLLER_BUTTON_A: pad_button(a, KS_KB_PAD_A); break;
        case SDL_CONTROLLER_BUTTON_B:
        case SDL_CONTROLLER_BUTTON_BACK: pad_button(a, KS_KB_PAD_B); break;
        case SDL_CONTROLLER_BUTTON_LEFTSHOULDER: pad_button(a, KS_KB_PAD_LB); break;
        case SDL_CONTROLLER_BUTTON_RIGHTSHOULDER: pad_button(a, KS_KB_PAD_RB); break;
        default: break;
        }
        break;
    case SDL_CONTROLLERBUTTONUP:
        if (direction_of(ev->cbutton.button) >= 0) release(a, (ks_kb_pad)direction_of(ev->cbutton.button));
        break;
    case SDL_CONTROLLERAXISMOTION:
        if (ev->caxis.axis == SDL_CONTROLLER_AXIS_LEFTX) stick(a, &p->stick_x, ev->caxis.value, KS_KB_PAD_LEFT, KS_KB_PAD_RIGHT);
        else if (ev->caxis.axis == SDL_CONTROLLER_AXIS_LEFTY) stick(a, &p->stick_y, ev->caxis.value, KS_KB_PAD_UP, KS_KB_PAD_DOWN);
        break;
    default: break;
    }
}

/* The visible text inside a hit's rectangle, as a screen reader says it. */
static void hit_name(app *a, SDL_Rect r, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    size_t n = ks_ui_text_count(a->ui);
    for (size_t i = 0; i < n; i++) {
        ks_ui_text_element e;
        if (ks_ui_text_get(a->ui, i, &e) != 0) break;
        SDL_Point c = {e.rect.x + e.rect.w / 2, e.rect.y + e.rect.h / 2};
        if (!SDL_PointInRect(&c, &r)) continue;
        int k = snprintf(buf + o, cap - o, "%s%s", o ? " " : "", e.text);
        if (k < 0 || (size_t)k >= cap - o) break;
        o += (size_t)k;
    }
}

static void node_name(app *a, const node *nd, char *buf, size_t cap)
{
    if (nd->key) {
        ks_kb_target t;
        if (ks_keyboard_target_get(osk_keyboard(a), (size_t)nd->idx, &t) == 0)
            snprintf(buf, cap, "%s", t.label && *t.label ? t.label : t.action);
        else
            snprintf(buf, cap, "?");
        return;
    }
    hit_name(a, nd->r, buf, cap);
    if (!buf[0]) snprintf(buf, cap, "(unnamed %s target %d)", nd->owner == KS_HIT_CHROME ? "top-bar" : nd->owner == KS_HIT_OVERLAY ? "dialog" : "screen", nd->id);
}

int pad_focus_name(app *a, char *buf, size_t cap)
{
    static node list[MAX_NODES];
    size_t n = collect(a, list, MAX_NODES);
    int cur = current(a, list, n);
    if (cur < 0) {
        buf[0] = '\0';
        return -1;
    }
    node_name(a, &list[cur], buf, cap);
    return 0;
}

size_t pad_focusable_count(app *a)
{
    static node list[MAX_NODES];
    return collect(a, list, MAX_NODES);
}

/* Breadth-first over the moves the D-pad makes, from the focused node
 * (or the first one), using the same neighbour rules as the real moves:
 * the keyboard's own moves inside it, the spatial ones elsewhere. */
int pad_check_reach(app *a, char *msg, size_t cap)
{
    static node list[MAX_NODES];
    static int queue[MAX_NODES];
    static unsigned char seen[MAX_NODES];
    size_t n = collect(a, list, MAX_NODES);
    if (n == 0) {
        snprintf(msg, cap, "nothing on screen can take the focus");
        return -1;
    }
    ks_keyboard *kb = osk_keyboard(a);
    int kb_focus = kb ? ks_keyboard_focus(kb) : -1;
    int start = current(a, list, n);
    if (start < 0) start = 0;
    memset(seen, 0, n);
    size_t qh = 0, qt = 0;
    queue[qt++] = start;
    seen[start] = 1;
    static const int dirs[4][2] = {{0, -1}, {0, 1}, {-1, 0}, {1, 0}};
    static const ks_kb_pad kdirs[4] = {KS_KB_PAD_UP, KS_KB_PAD_DOWN, KS_KB_PAD_LEFT, KS_KB_PAD_RIGHT};
    uint64_t now = ks_clock_now_ms();
    while (qh < qt) {
        int cur = queue[qh++];
        for (int d = 0; d < 4; d++) {
            int nb = -1;
            if (list[cur].key) {
                ks_keyboard_focus_set(kb, list[cur].idx);
                if (ks_keyboard_pad(kb, kdirs[d], now)) {
                    int f = ks_keyboard_focus(kb);
                    for (size_t i = 0; i < n; i++)
                        if (list[i].key && list[i].idx == f) nb = (int)i;
                } else {
                    nb = neighbour(list, n, cur, dirs[d][0], dirs[d][1], 1);
                }
            } else {
                nb = neighbour(list, n, cur, dirs[d][0], dirs[d][1], 0);
            }
            if (nb >= 0 && !seen[nb]) {
                seen[nb] = 1;
                queue[qt++] = nb;
            }
        }
    }
    if (kb) ks_keyboard_focus_set(kb, kb_focus);
    size_t o = 0, missed = 0;
    msg[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (seen[i]) continue;
        char name[160];
        node_name(a, &list[i], name, sizeof name);
        if (o + 8 < cap) {
            int k = snprintf(msg + o, cap - o, "%s\"%s\"", missed ? ", " : "the D-pad cannot reach ", name);
            if (k > 0 && (size_t)k < cap - o) o += (size_t)k;
        }
        missed++;
    }
    if (missed) {
        char tail[64];
        snprintf(tail, sizeof tail, " (%zu of %zu)", missed, n);
        if (o + strlen(tail) < cap) memcpy(msg + o, tail, strlen(tail) + 1);
        return -1;
    }
    snprintf(msg, cap, "%zu elements reachable", n);
    return 0;
}
