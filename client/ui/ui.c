/*
 * ui.c - the drawing context (see include/ks/ui.h): metrics from the theme,
 * a dirty region, translation and clipping, and the per-frame registries
 * of tap targets and visible text.
 *
 * Why everything goes through here: one place decides what is worth
 * drawing (the dirty region), where input lands (hits registered in
 * drawing order) and what the harness can see (text elements), so screens
 * stay simple immediate-mode drawing code. Must not: know about screens,
 * content or input events.
 */
#include <stdlib.h>
#include <string.h>

#include "ks/clock.h"
#include "ks/log.h"
#include "ks/ui.h"

#define CLIP_MAX 16
#define DIRTY_MAX 12
#define CHANGED_MAX 32

typedef struct text_rec {
    size_t off; /* into arena */
    SDL_Rect rect;
} text_rec;

struct ks_ui {
    SDL_Renderer *r;
    ks_text *text;
    ks_draw *draw;
    const ks_theme *theme;
    ks_theme_metrics m;
    int w, h;
    char locale[36];

    SDL_Rect dirty[DIRTY_MAX];
    int n_dirty;
    SDL_Rect passes[DIRTY_MAX]; /* this frame's rectangles */
    int n_passes, pass;
    SDL_Rect frame;             /* this pass's redraw region */
    int in_frame, recording;
    SDL_Rect changed[CHANGED_MAX];
    int n_changed;
    SDL_Surface *fb;
    int warm, warm_over, saved_recording;
    uint64_t warm_deadline;
    SDL_Texture *warm_tex; /* 1 px wide, screen high: where warming draws */

    int tx, ty;
    SDL_Rect clip[CLIP_MAX];
    int n_clip;

    ks_hit *hits;
    size_t n_hits, cap_hits;

    text_rec *texts;
    size_t n_texts, cap_texts;
    char *arena;
    size_t arena_len, arena_cap;
};

ks_status ks_ui_create(SDL_Renderer *r, ks_text *t, ks_ui **out, ks_error *err)
{
    ks_ui *ui = calloc(1, sizeof *ui);
    if (!ui) return ks_error_set(err, KS_ERR_NOMEM, "ui: out of memory");
    ks_status st = ks_draw_create(r, &ui->draw, err);
    if (st) {
        free(ui);
        return st;
    }
    ui->r = r;
    ui->text = t;
    memcpy(ui->locale, "en", 3);
    *out = ui;
    return KS_OK;
}

void ks_ui_destroy(ks_ui *ui)
{
    if (!ui) return;
    ks_draw_destroy(ui->draw);
    if (ui->warm_tex) SDL_DestroyTexture(ui->warm_tex);
    free(ui->hits);
    free(ui->texts);
    free(ui->arena);
    free(ui);
}

void ks_ui_configure(ks_ui *ui, const ks_theme *theme, int w, int h, int dpi, int large_text)
{
    ui->theme = theme;
    ui->w = w;
    ui->h = h;
    ks_theme_metrics_compute(theme, w, h, dpi, large_text, &ui->m);
    ks_ui_invalidate_all(ui);
}

void ks_ui_set_locale(ks_ui *ui, const char *locale)
{
    size_t n = locale ? strlen(locale) : 0;
    if (n >= sizeof ui->locale) n = sizeof ui->locale - 1;
    memcpy(ui->locale, locale ? locale : "", n);
    ui->locale[n] = '\0';
}

const char *ks_ui_locale(const ks_ui *ui) { return ui->locale; }
const ks_theme *ks_ui_theme(const ks_ui *ui) { return ui->theme; }
const ks_theme_colors *ks_ui_colors(const ks_ui *ui) { return &ui->theme->color; }
const ks_theme_metrics *ks_ui_metrics(const ks_ui *ui) { return &ui->m; }
int ks_ui_width(const ks_ui *ui) { return ui->w; }
int ks_ui_height(const ks_ui *ui) { return ui->h; }
SDL_Renderer *ks_ui_renderer(ks_ui *ui) { return ui->r; }
ks_text *ks_ui_text_engine(ks_ui *ui) { return ui->text; }
ks_draw *ks_ui_draw(ks_ui *ui) { return ui->draw; }

int ks_ui_sp(const ks_ui *ui, float n)
{
    return (int)((float)ui->m.spacing_px * n + (n >= 0 ? 0.5f : -0.5f));
}

int ks_ui_px(const ks_ui *ui, float n)
{
    int v = (int)(ui->m.scale * n + 0.5f);
    return v < 1 && n > 0 ? 1 : v;
}

int ks_ui_type_px(const ks_ui *ui, ks_type_role role)
{
    switch (role) {
    case KS_TYPE_CAPTION: return ui->m.caption_px;
    case KS_TYPE_BODY: return ui->m.body_px;
    case KS_TYPE_SUBTITLE: return ui->m.subtitle_px;
    case KS_TYPE_TITLE: return ui->m.title_px;
    case KS_TYPE_DISPLAY: return ui->m.display_px;
    }
    return ui->m.body_px;
}

ks_text_style ks_ui_style(const ks_ui *ui, ks_type_role role, int bold, SDL_Color color)
{
    ks_text_style s = {ks_ui_type_px(ui, role), bold, color, ui->locale};
    return s;
}

/* --- rectangles ---------------------------------------------------------- */

static SDL_Rect moved(const ks_ui *ui, SDL_Rect r)
{
    r.x += ui->tx;
    r.y += ui->ty;
    return r;
}

static SDL_Rect rect_union(SDL_Rect a, SDL_Rect b)
{
    SDL_Rect u;
    SDL_UnionRect(&a, &b, &u);
    return u;
}

static SDL_Rect screen_rect(const ks_ui *ui) { return (SDL_Rect){0, 0, ui->w, ui->h}; }

/* The current clip (window coordinates), before the dirty region. */
static SDL_Rect cur_clip(const ks_ui *ui)
{
    return ui->n_clip > 0 ? ui->clip[ui->n_clip - 1] : screen_rect(ui);
}

static void apply_clip(ks_ui *ui)
{
    if (ui->warm) { /* drawing into the scratch target: no clip */
        SDL_RenderSetClipRect(ui->r, NULL);
        return;
    }
    SDL_Rect c = cur_clip(ui), out;
    if (!SDL_IntersectRect(&c, &ui->frame, &out)) out = (SDL_Rect){0, 0, 0, 0};
    SDL_RenderSetClipRect(ui->r, &out);
}

/* Warming draws text into a scratch target one pixel wide and as high as
 * the screen: the text engine renders every line that would be visible
 * (it decides by height) into its cache, and the copies land nowhere that
 * matters. The screen's pixels are never touched. */
void ks_ui_warm_begin(ks_ui *ui, uint64_t budget_us)
{
    int th = 0;
    if (ui->warm_tex) SDL_QueryTexture(ui->warm_tex, NULL, NULL, NULL, &th);
    if (ui->warm_tex && th != ui->h) {
        SDL_DestroyTexture(ui->warm_tex);
        ui->warm_tex = NULL;
    }
    if (!ui->warm_tex && ui->h > 0)
        ui->warm_tex = SDL_CreateTexture(ui->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, 1, ui->h);
    ui->warm_over = 0;
    ui->saved_recording = ui->recording;
    if (!ui->warm_tex || SDL_SetRenderTarget(ui->r, ui->warm_tex) != 0) {
        ui->warm_over = 1; /* no scratch target: nothing is warmed */
        ui->warm_deadline = 0;
    } else {
        ui->warm_deadline = ks_clock_real_us() + budget_us;
    }
    ui->warm = 1;
    ui->recording = 0;
    apply_clip(ui);
}

int ks_ui_warm_end(ks_ui *ui)
{
    if (ui->warm_tex) SDL_SetRenderTarget(ui->r, NULL);
    ui->warm = 0;
    ui->recording = ui->saved_recording;
    apply_clip(ui);
    return ui->warm_over;
}

int ks_ui_first_pass(const ks_ui *ui) { return ui->in_frame && ui->pass == 0; }

/* In warm mode: may this text be rendered into the cache now? */
static int warm_text(ks_ui *ui, SDL_Rect r)
{
    if (!ks_ui_visible(ui, r)) return 0;
    if (ks_clock_real_us() >= ui->warm_deadline) {
        ui->warm_over = 1;
        return 0;
    }
    return 1;
}

/* --- dirty region -------------------------------------------------------- */

static long long area(SDL_Rect r) { return (long long)r.w * r.h; }

/* Two dirty rectangles are drawn as one when that wastes little: a strip
 * beside a strip, a rectangle inside another. A top bar and a column at
 * the far side stay two passes instead of becoming the whole screen. */
static int worth_merging(SDL_Rect a, SDL_Rect b)
{
    int touch = a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;
    if (!touch) return 0;
    return area(rect_union(a, b)) * 4 <= (area(a) + area(b)) * 5;
}

/* Adds c (window coordinates, already inside the screen) to the list,
 * merging it with rectangles where that wastes little; a full list
 * collapses into one bounding rectangle. */
static void add_dirty(ks_ui *ui, SDL_Rect c)
{
    if (c.w <= 0 || c.h <= 0) return;
    for (;;) {
        int merged = 0;
        for (int i = 0; i < ui->n_dirty; i++) {
            if (worth_merging(ui->dirty[i], c)) {
                c = rect_union(ui->dirty[i], c);
                ui->dirty[i] = ui->dirty[--ui->n_dirty];
                merged = 1;
                break;
            }
        }
        if (!merged) break;
    }
    if (ui->n_dirty == DIRTY_MAX) {
        for (int i = 0; i < ui->n_dirty; i++) c = rect_union(c, ui->dirty[i]);
        ui->n_dirty = 0;
    }
    ui->dirty[ui->n_dirty++] = c;
}

void ks_ui_invalidate(ks_ui *ui, SDL_Rect r)
{
    r = moved(ui, r);
    SDL_Rect s = screen_rect(ui), c;
    if (!SDL_IntersectRect(&r, &s, &c)) return;
    add_dirty(ui, c);
}

void ks_ui_invalidate_all(ks_ui *ui)
{
    ui->n_dirty = 0;
    if (ui->w > 0 && ui->h > 0) add_dirty(ui, screen_rect(ui));
}

int ks_ui_dirty(const ks_ui *ui) { return ui->n_dirty > 0; }

void ks_ui_set_framebuffer(ks_ui *ui, SDL_Surface *fb) { ui->fb = fb; }

static void note_changed(ks_ui *ui, SDL_Rect r)
{
    if (ui->n_changed == CHANGED_MAX) {
        for (int i = 1; i < ui->n_changed; i++) ui->changed[0] = rect_union(ui->changed[0], ui->changed[i]);
        ui->n_changed = 1;
    }
    ui->changed[ui->n_changed++] = r;
}

void ks_ui_move(ks_ui *ui, SDL_Rect r, int dx, int dy)
{
    SDL_Rect s = screen_rect(ui), c;
    if (!SDL_IntersectRect(&r, &s, &c) || (dx == 0 && dy == 0)) return;
    int adx = dx < 0 ? -dx : dx, ady = dy < 0 ? -dy : dy;
    if (!ui->fb || ui->in_frame || adx >= c.w || ady >= c.h || ui->fb->w != ui->w || ui->fb->h != ui->h) {
        add_dirty(ui, c);
        return;
    }
    /* The part of c that receives moved pixels. */
    SDL_Rect dst = {c.x + (dx > 0 ? dx : 0), c.y + (dy > 0 ? dy : 0), c.w - adx, c.h - ady};
    if (SDL_MUSTLOCK(ui->fb) && SDL_LockSurface(ui->fb) != 0) {
        add_dirty(ui, c);
        return;
    }
    int bpp = ui->fb->format->BytesPerPixel;
    Uint8 *px = ui->fb->pixels;
    size_t pitch = (size_t)ui->fb->pitch, row_bytes = (size_t)dst.w * (size_t)bpp;
    /* Rows are copied away from the direction of motion so overlapping
     * source rows are read before they are overwritten. */
    for (int k = 0; k < dst.h; k++) {
        int y = dy > 0 ? dst.y + dst.h - 1 - k : dst.y + k;
        Uint8 *to = px + (size_t)y * pitch + (size_t)dst.x * (size_t)bpp;
        Uint8 *from = px + (size_t)(y - dy) * pitch + (size_t)(dst.x - dx) * (size_t)bpp;
        memmove(to, from, row_bytes);
    }
    if (SDL_MUSTLOCK(ui->fb)) SDL_UnlockSurface(ui->fb);
    note_changed(ui, c);
    /* Pending redraws inside c were for pixels that just moved: redraw
     * them where they went too. */
    int n = ui->n_dirty;
    for (int i = 0; i < n; i++) {
        SDL_Rect in;
        if (SDL_IntersectRect(&ui->dirty[i], &c, &in)) {
            SDL_Rect sh = {in.x + dx, in.y + dy, in.w, in.h}, cl;
            if (SDL_IntersectRect(&sh, &c, &cl)) add_dirty(ui, cl);
        }
    }
    /* What came into view. */
    if (dx > 0) add_dirty(ui, (SDL_Rect){c.x, c.y, dx, c.h});
    if (dx < 0) add_dirty(ui, (SDL_Rect){c.x + c.w + dx, c.y, -dx, c.h});
    if (dy > 0) add_dirty(ui, (SDL_Rect){c.x, c.y, c.w, dy});
    if (dy < 0) add_dirty(ui, (SDL_Rect){c.x, c.y + c.h + dy, c.w, -dy});
}

/* --- frames -------------------------------------------------------------- */

static void start_pass(ks_ui *ui)
{
    ui->frame = ui->passes[ui->pass];
    ui->tx = ui->ty = 0;
    ui->n_clip = 0;
    apply_clip(ui);
}

int ks_ui_begin_frame(ks_ui *ui)
{
    if (ui->n_dirty == 0) return 0;
    memcpy(ui->passes, ui->dirty, (size_t)ui->n_dirty * sizeof ui->dirty[0]);
    ui->n_passes = ui->n_dirty;
    ui->n_dirty = 0;
    ui->pass = 0;
    ui->in_frame = 1;
    ui->recording = 1;
    ui->n_hits = 0;
    ui->n_texts = 0;
    ui->arena_len = 0;
    /* moves done since the last frame are already in changed[] */
    for (int i = 0; i < ui->n_passes; i++) note_changed(ui, ui->passes[i]);
    start_pass(ui);
    return 1;
}

int ks_ui_next_pass(ks_ui *ui)
{
    if (ui->n_clip != 0 || ui->tx != 0 || ui->ty != 0)
        ks_log_warn("ui", "pass ended with %d clip(s) pushed and translation %d,%d: a screen forgot to pop",
                    ui->n_clip, ui->tx, ui->ty);
    if (ui->pass + 1 >= ui->n_passes) return 0;
    ui->pass++;
    ui->recording = 0;
    start_pass(ui);
    return 1;
}

SDL_Rect ks_ui_frame_rect(const ks_ui *ui) { return ui->frame; }

void ks_ui_end_frame(ks_ui *ui)
{
    ui->in_frame = 0;
    ui->recording = 0;
    ui->n_clip = 0;
    ui->tx = ui->ty = 0;
    SDL_RenderSetClipRect(ui->r, NULL);
}

size_t ks_ui_take_changed(ks_ui *ui, SDL_Rect *out, size_t cap)
{
    size_t n = 0;
    for (int i = 0; i < ui->n_changed && cap > 0; i++) {
        if (n < cap) out[n++] = ui->changed[i];
        else out[cap - 1] = rect_union(out[cap - 1], ui->changed[i]);
    }
    ui->n_changed = 0;
    return n;
}

void ks_ui_translate(ks_ui *ui, int dx, int dy)
{
    ui->tx += dx;
    ui->ty += dy;
}

void ks_ui_get_translation(const ks_ui *ui, int *dx, int *dy)
{
    if (dx) *dx = ui->tx;
    if (dy) *dy = ui->ty;
}

void ks_ui_push_clip(ks_ui *ui, SDL_Rect r)
{
    if (ui->n_clip >= CLIP_MAX) {
        ks_log_warn("ui", "clip stack full (%d): ignoring a nested clip", CLIP_MAX);
        ui->n_clip++;
        return;
    }
    SDL_Rect c = cur_clip(ui), out, m = moved(ui, r);
    if (!SDL_IntersectRect(&c, &m, &out)) out = (SDL_Rect){m.x, m.y, 0, 0};
    ui->clip[ui->n_clip++] = out;
    apply_clip(ui);
}

void ks_ui_pop_clip(ks_ui *ui)
{
    if (ui->n_clip > 0) ui->n_clip--;
    apply_clip(ui);
}

int ks_ui_visible(const ks_ui *ui, SDL_Rect r)
{
    SDL_Rect c = cur_clip(ui), m = moved(ui, r);
    return SDL_HasIntersection(&c, &m);
}

int ks_ui_needs_draw(const ks_ui *ui, SDL_Rect r)
{
    if (ui->warm) return 0;
    SDL_Rect c = cur_clip(ui), m = moved(ui, r), a;
    if (!SDL_IntersectRect(&c, &m, &a)) return 0;
    return SDL_HasIntersection(&a, &ui->frame);
}

/* --- drawing ------------------------------------------------------------- */

void ks_ui_fill(ks_ui *ui, SDL_Rect r, SDL_Color c)
{
    if (ks_ui_needs_draw(ui, r)) ks_draw_rect(ui->draw, moved(ui, r), c);
}

/* Blends c over the framebuffer pixels of d (window coordinates, inside
 * the surface) with three 256-entry tables: one lookup per channel, no
 * arithmetic per pixel beyond that. */
static void dim_pixels(SDL_Surface *fb, SDL_Rect d, SDL_Color c)
{
    Uint32 lut[3][256];
    Uint32 k = c.a, inv = 255u - k;
    Uint8 ch[3] = {c.r, c.g, c.b};
    for (int i = 0; i < 3; i++)
        for (Uint32 v = 0; v < 256; v++) lut[i][v] = ((v * inv + (Uint32)ch[i] * k + 127u) / 255u) << (16 - 8 * i);
    for (int y = d.y; y < d.y + d.h; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)fb->pixels + (size_t)y * (size_t)fb->pitch) + d.x;
        for (int x = 0; x < d.w; x++) {
            Uint32 p = row[x];
            row[x] = 0xFF000000u | lut[0][(p >> 16) & 0xFF] | lut[1][(p >> 8) & 0xFF] | lut[2][p & 0xFF];
        }
    }
}

static int can_dim_in_place(const ks_ui *ui)
{
    return ui->fb && ui->fb->format->format == SDL_PIXELFORMAT_ARGB8888 && ui->fb->w == ui->w && ui->fb->h == ui->h;
}

void ks_ui_dim(ks_ui *ui, SDL_Rect r, SDL_Color c)
{
    SDL_Rect m = moved(ui, r), cl = cur_clip(ui), a, d;
    if (ui->warm || !SDL_IntersectRect(&m, &cl, &a) || !SDL_IntersectRect(&a, &ui->frame, &d)) return;
    if (!can_dim_in_place(ui) || (SDL_MUSTLOCK(ui->fb) && SDL_LockSurface(ui->fb) != 0)) {
        ks_draw_rect(ui->draw, m, c);
        return;
    }
    /* Everything queued so far must be on the pixels before they are dimmed. */
    SDL_RenderFlush(ui->r);
    dim_pixels(ui->fb, d, c);
    if (SDL_MUSTLOCK(ui->fb)) SDL_UnlockSurface(ui->fb);
}

int ks_ui_dim_now(ks_ui *ui, SDL_Rect r, SDL_Color c)
{
    SDL_Rect s = screen_rect(ui), d;
    if (ui->in_frame || !can_dim_in_place(ui) || !SDL_IntersectRect(&r, &s, &d)) return 0;
    if (SDL_MUSTLOCK(ui->fb) && SDL_LockSurface(ui->fb) != 0) return 0;
    dim_pixels(ui->fb, d, c);
    if (SDL_MUSTLOCK(ui->fb)) SDL_UnlockSurface(ui->fb);
    note_changed(ui, d);
    /* pending redraws in d will draw the dim themselves (ks_ui_dim) */
    return 1;
}

void ks_ui_round_rect(ks_ui *ui, SDL_Rect r, int radius, SDL_Color c)
{
    if (ks_ui_needs_draw(ui, r)) ks_draw_round_rect(ui->draw, moved(ui, r), radius, c);
}

void ks_ui_round_outline(ks_ui *ui, SDL_Rect r, int radius, int thickness, SDL_Color c)
{
    if (ks_ui_needs_draw(ui, r)) ks_draw_round_rect_outline(ui->draw, moved(ui, r), radius, thickness, c);
}

void ks_ui_circle(ks_ui *ui, int cx, int cy, int rad, SDL_Color c)
{
    SDL_Rect r = {cx - rad, cy - rad, rad * 2, rad * 2};
    if (ks_ui_needs_draw(ui, r)) ks_draw_circle(ui->draw, cx + ui->tx, cy + ui->ty, rad, c);
}

void ks_ui_ring(ks_ui *ui, int cx, int cy, int rad, int thickness, SDL_Color c)
{
    SDL_Rect r = {cx - rad, cy - rad, rad * 2, rad * 2};
    if (ks_ui_needs_draw(ui, r)) ks_draw_ring(ui->draw, cx + ui->tx, cy + ui->ty, rad, thickness, c);
}

void ks_ui_icon(ks_ui *ui, ks_icon icon, int x, int y, int size, SDL_Color c)
{
    SDL_Rect r = {x, y, size, size};
    if (ks_ui_needs_draw(ui, r)) ks_draw_icon(ui->draw, icon, x + ui->tx, y + ui->ty, size, c);
}

void ks_ui_texture(ks_ui *ui, SDL_Texture *tex, const SDL_Rect *src, SDL_Rect dst, Uint8 alpha)
{
    if (!tex || !ks_ui_needs_draw(ui, dst)) return;
    SDL_Rect m = moved(ui, dst);
    SDL_SetTextureAlphaMod(tex, alpha);
    SDL_RenderCopy(ui->r, tex, src, &m);
}

static void record_text(ks_ui *ui, const char *utf8, SDL_Rect r)
{
    if (!ui->recording || !utf8 || !*utf8) return;
    SDL_Rect c = cur_clip(ui), m = moved(ui, r), vis;
    if (!SDL_IntersectRect(&c, &m, &vis)) return;
    size_t len = strlen(utf8) + 1;
    if (ui->arena_len + len > ui->arena_cap) {
        size_t cap = ui->arena_cap ? ui->arena_cap * 2 : 4096;
        while (cap < ui->arena_len + len) cap *= 2;
        char *a = realloc(ui->arena, cap);
        if (!a) return;
        ui->arena = a;
        ui->arena_cap = cap;
    }
    if (ui->n_texts == ui->cap_texts) {
        size_t cap = ui->cap_texts ? ui->cap_texts * 2 : 64;
        text_rec *t = realloc(ui->texts, cap * sizeof *t);
        if (!t) return;
        ui->texts = t;
        ui->cap_texts = cap;
    }
    memcpy(ui->arena + ui->arena_len, utf8, len);
    ui->texts[ui->n_texts++] = (text_rec){ui->arena_len, vis};
    ui->arena_len += len;
}

void ks_ui_text_size(ks_ui *ui, const char *utf8, const ks_text_style *style, int max_width,
                     int max_lines, int *w, int *h)
{
    int tw = 0, th = 0;
    if (utf8 && *utf8) ks_text_measure(ui->text, utf8, style, max_width, max_lines, &tw, &th);
    if (w) *w = tw;
    if (h) *h = th;
}

void ks_ui_text(ks_ui *ui, const char *utf8, const ks_text_style *style, int x, int y, int max_width,
                int max_lines, ks_text_align align, Uint8 alpha, int *w, int *h)
{
    int tw = 0, th = 0;
    if (!utf8 || !*utf8) {
        if (w) *w = 0;
        if (h) *h = 0;
        return;
    }
    ks_text_measure(ui->text, utf8, style, max_width, max_lines, &tw, &th);
    /* Where the ink lands: aligned text sits inside the max_width box. */
    int left = x;
    if (max_width > 0 && align == KS_ALIGN_CENTER) left = x + (max_width - tw) / 2;
    else if (max_width > 0 && align == KS_ALIGN_RIGHT) left = x + max_width - tw;
    SDL_Rect r = {left, y, tw, th};
    if (ui->warm) {
        if (alpha > 0 && warm_text(ui, r))
            ks_text_draw(ui->text, utf8, style, x + ui->tx, y + ui->ty, max_width, max_lines, align, alpha, NULL, NULL);
    } else if (alpha > 0 && ks_ui_needs_draw(ui, r))
        ks_text_draw(ui->text, utf8, style, x + ui->tx, y + ui->ty, max_width, max_lines, align, alpha, NULL, NULL);
    if (alpha > 0) record_text(ui, utf8, r);
    if (w) *w = tw;
    if (h) *h = th;
}

/* Records each link run of l as its own element before the paragraph, so
 * tap-text on a link's words lands on the link, not the paragraph's
 * middle. Byte offsets index plain (the spans' text, concatenated). */
static void record_links(ks_ui *ui, ks_text_layout *l, const char *plain, int x, int y)
{
    size_t plen = strlen(plain), n = ks_text_layout_runs(l), lines = ks_text_layout_lines(l);
    for (size_t i = 0; i < n; i++) {
        ks_text_run_info run;
        ks_text_line_info line, next;
        if (ks_text_layout_run_info(l, i, &run) != 0 || run.link < 0 || run.ellipsis) continue;
        if (run.byte_end <= run.byte_start || run.byte_end > plen) continue;
        if (ks_text_layout_line_info(l, run.line, &line) != 0) continue;
        int bottom = run.line + 1 < lines && ks_text_layout_line_info(l, run.line + 1, &next) == 0
                         ? next.y
                         : ks_text_layout_height(l);
        char buf[512];
        size_t len = run.byte_end - run.byte_start;
        if (len >= sizeof buf) len = sizeof buf - 1;
        memcpy(buf, plain + run.byte_start, len);
        buf[len] = '\0';
        record_text(ui, buf, (SDL_Rect){x + run.x, y + line.y, run.width, bottom - line.y});
    }
}

void ks_ui_layout(ks_ui *ui, ks_text_layout *l, const char *plain, int x, int y, Uint8 alpha)
{
    if (!l) return;
    SDL_Rect r = {x, y, ks_text_layout_width(l), ks_text_layout_height(l)};
    if (ui->warm) {
        if (alpha > 0 && warm_text(ui, r)) ks_text_layout_draw(ui->text, l, x + ui->tx, y + ui->ty, alpha);
    } else if (alpha > 0 && ks_ui_needs_draw(ui, r)) {
        ks_text_layout_draw(ui->text, l, x + ui->tx, y + ui->ty, alpha);
    }
    if (alpha > 0 && plain && ui->recording) {
        record_links(ui, l, plain, x, y);
        record_text(ui, plain, r);
    }
}

void ks_ui_label(ks_ui *ui, const char *utf8, SDL_Rect r) { record_text(ui, utf8, r); }

/* --- hits ---------------------------------------------------------------- */

void ks_ui_hit(ks_ui *ui, ks_hit_owner owner, int id, SDL_Rect r, ks_scroll *scroll, int focusable)
{
    if (!ui->recording) return;
    SDL_Rect c = cur_clip(ui), m = moved(ui, r), vis;
    if (!SDL_IntersectRect(&c, &m, &vis)) return;
    if (ui->n_hits == ui->cap_hits) {
        size_t cap = ui->cap_hits ? ui->cap_hits * 2 : 64;
        ks_hit *h = realloc(ui->hits, cap * sizeof *h);
        if (!h) return;
        ui->hits = h;
        ui->cap_hits = cap;
    }
    ui->hits[ui->n_hits++] = (ks_hit){owner, id, m, vis, scroll, focusable};
}

const ks_hit *ks_ui_hit_at(const ks_ui *ui, int x, int y)
{
    SDL_Point p = {x, y};
    for (size_t i = ui->n_hits; i-- > 0;)
        if (SDL_PointInRect(&p, &ui->hits[i].visible)) return &ui->hits[i];
    return NULL;
}

const ks_hit *ks_ui_hit_find(const ks_ui *ui, ks_hit_owner owner, int id)
{
    for (size_t i = 0; i < ui->n_hits; i++)
        if (ui->hits[i].owner == owner && ui->hits[i].id == id) return &ui->hits[i];
    return NULL;
}

size_t ks_ui_hit_count(const ks_ui *ui) { return ui->n_hits; }
const ks_hit *ks_ui_hit_get(const ks_ui *ui, size_t index)
{
    return index < ui->n_hits ? &ui->hits[index] : NULL;
}

/* --- visible text -------------------------------------------------------- */

size_t ks_ui_text_count(const ks_ui *ui) { return ui->n_texts; }

int ks_ui_text_get(const ks_ui *ui, size_t index, ks_ui_text_element *out)
{
    if (index >= ui->n_texts) return -1;
    out->text = ui->arena + ui->texts[index].off;
    out->rect = ui->texts[index].rect;
    return 0;
}

int ks_ui_text_find(const ks_ui *ui, const char *needle, ks_ui_text_element *out)
{
    if (!needle) return -1;
    for (size_t i = 0; i < ui->n_texts; i++)
        if (strstr(ui->arena + ui->texts[i].off, needle)) return ks_ui_text_get(ui, i, out);
    return -1;
}
