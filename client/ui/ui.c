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

#include "ks/log.h"
#include "ks/ui.h"

#define CLIP_MAX 16

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

    int dirty;
    SDL_Rect dirty_rect;
    SDL_Rect frame; /* this frame's redraw region */
    int in_frame;

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
    SDL_Rect c = cur_clip(ui), out;
    if (!SDL_IntersectRect(&c, &ui->frame, &out)) out = (SDL_Rect){0, 0, 0, 0};
    SDL_RenderSetClipRect(ui->r, &out);
}

/* --- dirty region -------------------------------------------------------- */

void ks_ui_invalidate(ks_ui *ui, SDL_Rect r)
{
    r = moved(ui, r);
    SDL_Rect s = screen_rect(ui), c;
    if (!SDL_IntersectRect(&r, &s, &c)) return;
    ui->dirty_rect = ui->dirty ? rect_union(ui->dirty_rect, c) : c;
    ui->dirty = 1;
}

void ks_ui_invalidate_all(ks_ui *ui)
{
    ui->dirty_rect = screen_rect(ui);
    ui->dirty = ui->w > 0 && ui->h > 0;
}

int ks_ui_dirty(const ks_ui *ui) { return ui->dirty; }

/* --- frames -------------------------------------------------------------- */

int ks_ui_begin_frame(ks_ui *ui)
{
    if (!ui->dirty) return 0;
    ui->frame = ui->dirty_rect;
    ui->dirty = 0;
    ui->in_frame = 1;
    ui->tx = ui->ty = 0;
    ui->n_clip = 0;
    ui->n_hits = 0;
    ui->n_texts = 0;
    ui->arena_len = 0;
    apply_clip(ui);
    return 1;
}

SDL_Rect ks_ui_frame_rect(const ks_ui *ui) { return ui->frame; }

void ks_ui_end_frame(ks_ui *ui)
{
    ui->in_frame = 0;
    if (ui->n_clip != 0 || ui->tx != 0 || ui->ty != 0)
        ks_log_warn("ui", "frame ended with %d clip(s) pushed and translation %d,%d: a screen forgot to pop",
                    ui->n_clip, ui->tx, ui->ty);
    ui->n_clip = 0;
    ui->tx = ui->ty = 0;
    SDL_RenderSetClipRect(ui->r, NULL);
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
    SDL_Rect c = cur_clip(ui), m = moved(ui, r), a;
    if (!SDL_IntersectRect(&c, &m, &a)) return 0;
    return SDL_HasIntersection(&a, &ui->frame);
}

/* --- drawing ------------------------------------------------------------- */

void ks_ui_fill(ks_ui *ui, SDL_Rect r, SDL_Color c)
{
    if (ks_ui_needs_draw(ui, r)) ks_draw_rect(ui->draw, moved(ui, r), c);
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
    if (!ui->in_frame || !utf8 || !*utf8) return;
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
    if (alpha > 0 && ks_ui_needs_draw(ui, r))
        ks_text_draw(ui->text, utf8, style, x + ui->tx, y + ui->ty, max_width, max_lines, align, alpha, NULL, NULL);
    if (alpha > 0) record_text(ui, utf8, r);
    if (w) *w = tw;
    if (h) *h = th;
}

void ks_ui_layout(ks_ui *ui, ks_text_layout *l, const char *plain, int x, int y, Uint8 alpha)
{
    if (!l) return;
    SDL_Rect r = {x, y, ks_text_layout_width(l), ks_text_layout_height(l)};
    if (alpha > 0 && ks_ui_needs_draw(ui, r)) ks_text_layout_draw(ui->text, l, x + ui->tx, y + ui->ty, alpha);
    if (alpha > 0 && plain) record_text(ui, plain, r);
}

/* --- hits ---------------------------------------------------------------- */

void ks_ui_hit(ks_ui *ui, ks_hit_owner owner, int id, SDL_Rect r, ks_scroll *scroll, int focusable)
{
    if (!ui->in_frame) return;
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
