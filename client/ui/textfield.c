/*
 * textfield.c - the one-line text field (see include/ks/textfield.h).
 *
 * Editing works on grapheme clusters (utf8proc) so backspace removes what
 * the visitor sees as one character (an emoji with a skin tone, a letter
 * with a combining accent), never half of it. Must not: read SDL events,
 * search, or know which screen it is on.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "ks/textfield.h"

#define BLINK_HALF_MS 530u
#define BLINK_FOR_MS 12000u /* then the caret stays on and the loop sleeps */

struct ks_textfield {
    char *buf;    /* the text, NUL-terminated */
    size_t len, cap;
    size_t caret;
    char *pre;    /* preedit */
    size_t pre_caret;
    char *disp;   /* text with preedit, rebuilt on demand */
    uint64_t rev;
    uint64_t touched;
    float scroll_x; /* horizontal scroll when the text is wider than the field */
};

ks_textfield *ks_textfield_create(size_t max_bytes)
{
    if (max_bytes < 4) max_bytes = 4;
    ks_textfield *tf = calloc(1, sizeof *tf);
    if (!tf) return NULL;
    tf->cap = max_bytes;
    tf->buf = calloc(1, max_bytes + 1);
    tf->pre = calloc(1, 1);
    if (!tf->buf || !tf->pre) {
        ks_textfield_destroy(tf);
        return NULL;
    }
    return tf;
}

void ks_textfield_destroy(ks_textfield *tf)
{
    if (!tf) return;
    free(tf->buf);
    free(tf->pre);
    free(tf->disp);
    free(tf);
}

const char *ks_textfield_text(const ks_textfield *tf) { return tf->buf; }
size_t ks_textfield_length(const ks_textfield *tf) { return tf->len; }
size_t ks_textfield_caret(const ks_textfield *tf) { return tf->caret; }
uint64_t ks_textfield_revision(const ks_textfield *tf) { return tf->rev; }
const char *ks_textfield_preedit(const ks_textfield *tf) { return tf->pre; }

/* Copies the valid, non-control characters of src into dst (at most cap
 * bytes, never splitting a character). Returns the bytes written. */
static size_t sanitize(const char *src, char *dst, size_t cap)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)src;
    size_t n = strlen(src), i = 0, o = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) { /* invalid byte: skip it */
            i++;
            continue;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat != UTF8PROC_CATEGORY_CC && cat != UTF8PROC_CATEGORY_ZL && cat != UTF8PROC_CATEGORY_ZP) {
            if (o + (size_t)k > cap) break;
            memcpy(dst + o, src + i, (size_t)k);
            o += (size_t)k;
        }
        i += (size_t)k;
    }
    return o;
}

int ks_textfield_insert(ks_textfield *tf, const char *utf8)
{
    tf->pre[0] = '\0';
    if (!utf8 || !*utf8) return 0;
    size_t room = tf->cap - tf->len;
    char *tmp = malloc(room + 1);
    if (!tmp) return 0;
    size_t n = sanitize(utf8, tmp, room);
    if (n > 0) {
        memmove(tf->buf + tf->caret + n, tf->buf + tf->caret, tf->len - tf->caret + 1);
        memcpy(tf->buf + tf->caret, tmp, n);
        tf->len += n;
        tf->caret += n;
        tf->rev++;
    }
    free(tmp);
    return n > 0;
}

int ks_textfield_set_text(ks_textfield *tf, const char *utf8)
{
    char *old = strdup(tf->buf);
    tf->len = tf->caret = 0;
    tf->buf[0] = '\0';
    tf->pre[0] = '\0';
    if (utf8) tf->len = sanitize(utf8, tf->buf, tf->cap);
    tf->buf[tf->len] = '\0';
    tf->caret = tf->len;
    int changed = !old || strcmp(old, tf->buf) != 0;
    free(old);
    if (changed) tf->rev++;
    return changed;
}

void ks_textfield_clear(ks_textfield *tf) { ks_textfield_set_text(tf, ""); }

/* The grapheme cluster boundary before / after byte offset pos. Fields are
 * short, so both scan from the start: the break state needs the history.
 * The text is always valid UTF-8 (sanitised on the way in). */
static size_t prev_boundary(const ks_textfield *tf, size_t pos)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)tf->buf;
    size_t i = 0, last = 0;
    utf8proc_int32_t prev = -1, state = 0;
    while (i < pos) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(tf->len - i), &cp);
        if (k <= 0) k = 1, cp = 0xFFFD;
        if (prev < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state)) last = i;
        prev = cp;
        i += (size_t)k;
    }
    return last;
}

static size_t next_boundary(const ks_textfield *tf, size_t pos)
{
    if (pos >= tf->len) return tf->len;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)tf->buf;
    size_t i = 0;
    utf8proc_int32_t prev = -1, state = 0;
    while (i < tf->len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(tf->len - i), &cp);
        if (k <= 0) k = 1, cp = 0xFFFD;
        int brk = prev < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state);
        if (brk && i > pos) return i;
        prev = cp;
        i += (size_t)k;
    }
    return tf->len;
}

int ks_textfield_backspace(ks_textfield *tf)
{
    if (tf->pre[0]) return 0; /* the input method owns backspace while composing */
    if (tf->caret == 0) return 0;
    size_t b = prev_boundary(tf, tf->caret);
    memmove(tf->buf + b, tf->buf + tf->caret, tf->len - tf->caret + 1);
    tf->len -= tf->caret - b;
    tf->caret = b;
    tf->rev++;
    return 1;
}

int ks_textfield_delete(ks_textfield *tf)
{
    if (tf->pre[0] || tf->caret >= tf->len) return 0;
    size_t e = next_boundary(tf, tf->caret);
    memmove(tf->buf + tf->caret, tf->buf + e, tf->len - e + 1);
    tf->len -= e - tf->caret;
    tf->rev++;
    return 1;
}

int ks_textfield_move(ks_textfield *tf, int n)
{
    size_t old = tf->caret;
    for (; n < 0 && tf->caret > 0; n++) tf->caret = prev_boundary(tf, tf->caret);
    for (; n > 0 && tf->caret < tf->len; n--) tf->caret = next_boundary(tf, tf->caret);
    return tf->caret != old;
}

void ks_textfield_home(ks_textfield *tf) { tf->caret = 0; }
void ks_textfield_end(ks_textfield *tf) { tf->caret = tf->len; }

void ks_textfield_set_preedit(ks_textfield *tf, const char *utf8, size_t caret_bytes)
{
    size_t n = utf8 ? strlen(utf8) : 0;
    char *p = malloc(n + 1);
    if (!p) return;
    n = utf8 ? sanitize(utf8, p, n) : 0;
    p[n] = '\0';
    free(tf->pre);
    tf->pre = p;
    tf->pre_caret = caret_bytes > n ? n : caret_bytes;
}

const char *ks_textfield_display(ks_textfield *tf, size_t *caret)
{
    size_t pn = strlen(tf->pre);
    char *d = malloc(tf->len + pn + 1);
    if (!d) {
        if (caret) *caret = tf->caret;
        return tf->buf;
    }
    memcpy(d, tf->buf, tf->caret);
    memcpy(d + tf->caret, tf->pre, pn);
    memcpy(d + tf->caret + pn, tf->buf + tf->caret, tf->len - tf->caret + 1);
    free(tf->disp);
    tf->disp = d;
    if (caret) *caret = tf->caret + (pn ? tf->pre_caret : 0);
    return d;
}

void ks_textfield_touch(ks_textfield *tf, uint64_t now_ms) { tf->touched = now_ms; }

int ks_textfield_caret_on(const ks_textfield *tf, uint64_t now_ms)
{
    uint64_t t = now_ms - tf->touched;
    if (now_ms < tf->touched || t >= BLINK_FOR_MS) return 1;
    return (t / BLINK_HALF_MS) % 2 == 0;
}

uint64_t ks_textfield_next_blink(const ks_textfield *tf, uint64_t now_ms)
{
    if (now_ms < tf->touched) return 0;
    uint64_t t = now_ms - tf->touched;
    if (t >= BLINK_FOR_MS) return 0;
    uint64_t next = (t / BLINK_HALF_MS + 1) * BLINK_HALF_MS;
    if (next > BLINK_FOR_MS) next = BLINK_FOR_MS;
    return tf->touched + next;
}

/* --- drawing ------------------------------------------------------------- */

/* Width of the first n bytes of s as the text engine lays them out. */
static int prefix_width(ks_ui *ui, const char *s, size_t n, const ks_text_style *st)
{
    if (n == 0) return 0;
    char *tmp = malloc(n + 1);
    if (!tmp) return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    int w = 0;
    ks_ui_text_size(ui, tmp, st, 0, 1, &w, NULL);
    free(tmp);
    return w;
}

void ks_textfield_draw(ks_ui *ui, ks_textfield *tf, SDL_Rect r, const ks_textfield_look *look,
                       SDL_Rect *clear_rect)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    int border = look->focused ? ks_ui_px(ui, 3) : ks_ui_px(ui, 2);
    SDL_Color bc = look->focused ? c->primary : c->divider;
    int rad = r.h / 2;
    ks_ui_round_rect(ui, r, rad, bc);
    SDL_Rect in = {r.x + border, r.y + border, r.w - 2 * border, r.h - 2 * border};
    ks_ui_round_rect(ui, in, rad - border, c->surface);

    int icon = r.h * 42 / 100;
    int pad = r.h * 32 / 100;
    ks_ui_icon(ui, KS_ICON_SEARCH, r.x + pad, r.y + (r.h - icon) / 2, icon, look->focused ? c->primary : c->text_muted);

    int tx0 = r.x + pad + icon + pad * 2 / 3;
    int has_clear = look->show_clear && tf->len > 0;
    int tx1 = r.x + r.w - (has_clear ? r.h : pad);
    int avail = tx1 - tx0;
    if (clear_rect) *clear_rect = (SDL_Rect){0, 0, 0, 0};
    if (has_clear) {
        int cs = r.h * 40 / 100;
        int cx = r.x + r.w - r.h + (r.h - cs) / 2 - ks_ui_px(ui, 4);
        ks_ui_icon(ui, KS_ICON_CLEAR, cx, r.y + (r.h - cs) / 2, cs, c->text_muted);
        if (clear_rect) *clear_rect = (SDL_Rect){r.x + r.w - r.h, r.y, r.h, r.h};
    }

    ks_text_style st = ks_ui_style(ui, KS_TYPE_SUBTITLE, 0, c->text);
    size_t caret = 0;
    const char *disp = ks_textfield_display(tf, &caret);
    int th = 0;
    ks_ui_text_size(ui, "Ag", &st, 0, 1, NULL, &th);
    int ty = r.y + (r.h - th) / 2;
    SDL_Rect area = {tx0, r.y + border, avail, r.h - 2 * border};

    if (!*disp) {
        if (look->placeholder) {
            ks_text_style ps = ks_ui_style(ui, KS_TYPE_SUBTITLE, 0, c->text_muted);
            ks_ui_push_clip(ui, area);
            ks_ui_text(ui, look->placeholder, &ps, tx0, ty, avail, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
            ks_ui_pop_clip(ui);
        }
        tf->scroll_x = 0;
    }
    int caret_x = prefix_width(ui, disp, caret, &st);
    /* Keep the caret in view with a little margin. */
    float margin = (float)th;
    if ((float)caret_x - tf->scroll_x > (float)avail - margin) tf->scroll_x = (float)caret_x - (float)avail + margin;
    if ((float)caret_x - tf->scroll_x < 0) tf->scroll_x = (float)caret_x;
    if (tf->scroll_x < 0) tf->scroll_x = 0;
    int sx = (int)tf->scroll_x;

    ks_ui_push_clip(ui, area);
    if (*disp) {
        ks_ui_text(ui, disp, &st, tx0 - sx, ty, 0, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
        size_t pn = strlen(tf->pre);
        if (pn) {
            int a = prefix_width(ui, disp, tf->caret, &st);
            int b = prefix_width(ui, disp, tf->caret + pn, &st);
            ks_ui_fill(ui, (SDL_Rect){tx0 - sx + a, ty + th, b - a, ks_ui_px(ui, 2)}, c->primary);
        }
    }
    if (look->focused && ks_textfield_caret_on(tf, look->now_ms)) {
        int cw = ks_ui_px(ui, 3);
        ks_ui_fill(ui, (SDL_Rect){tx0 - sx + caret_x, ty - th / 10, cw, th + th / 5}, c->primary);
    }
    ks_ui_pop_clip(ui);
}
