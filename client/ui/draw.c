/*
 * draw.c - anti-aliased shapes and icons, rasterised once from signed
 * distance functions into textures in the colour they are drawn in.
 *
 * Why: the software renderer has no anti-aliasing and per-pixel work is its
 * slowest path, so every curved edge is a small cached texture and every
 * large area a plain fill. Must not: decide layout or colours, or
 * re-rasterise anything that is already in the cache.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ks/draw.h"
#include "ks/log.h"

/* ---- primitives on the 24-unit design grid ---- */

enum prim_kind { P_CAPSULE, P_DISC, P_RING, P_ARC, P_ELLIPSE_RING, P_HALF_DISC, P_RRECT_RING };
enum prim_op { OP_ADD, OP_CUT };

typedef struct prim {
    unsigned char kind, op;
    float a, b, c, d, e, f; /* meaning depends on kind, see sd_prim() */
} prim;

#define CAP(x1, y1, x2, y2) {P_CAPSULE, OP_ADD, x1, y1, x2, y2, 2.0f, 0}
#define CAPW(x1, y1, x2, y2, w) {P_CAPSULE, OP_ADD, x1, y1, x2, y2, w, 0}
#define CUTCAP(x1, y1, x2, y2, w) {P_CAPSULE, OP_CUT, x1, y1, x2, y2, w, 0}
#define DISC(x, y, r) {P_DISC, OP_ADD, x, y, r, 0, 0, 0}
#define RING(x, y, r, w) {P_RING, OP_ADD, x, y, r, w, 0, 0}
/* arc: centre, radius, width, start and end angle in degrees (y down) */
#define ARC(x, y, r, w, a0, a1) {P_ARC, OP_ADD, x, y, r, w, a0, a1}
#define ELLIPSE(x, y, rx, ry, w) {P_ELLIPSE_RING, OP_ADD, x, y, rx, ry, w, 0}
#define HALF(x, y, r) {P_HALF_DISC, OP_ADD, x, y, r, 0, 0, 0}
/* rounded rectangle outline: left, top, right, bottom, radius, width */
#define RRING(l, t, r, b, rad, w) {P_RRECT_RING, OP_ADD, l, t, r, b, rad, w}

static const prim icon_search[] = {RING(10.5f, 10.5f, 6.5f, 2), CAP(15.5f, 15.5f, 20.5f, 20.5f)};
static const prim icon_back[] = {CAP(19, 12, 5, 12), CAP(5, 12, 11, 6), CAP(5, 12, 11, 18)};
static const prim icon_home[] = {CAP(3.5f, 11.5f, 12, 4), CAP(12, 4, 20.5f, 11.5f), CAP(6, 10, 6, 20),
                                 CAP(18, 10, 18, 20), CAP(6, 20, 18, 20), CAP(10.5f, 20, 10.5f, 15),
                                 CAP(10.5f, 15, 13.5f, 15), CAP(13.5f, 15, 13.5f, 20)};
static const prim icon_globe[] = {RING(12, 12, 9, 2), ELLIPSE(12, 12, 4, 9, 1.8f), CAPW(3.5f, 12, 20.5f, 12, 1.8f)};
static const prim icon_access[] = {RING(12, 12, 10, 1.8f), DISC(12, 7, 1.8f),   CAP(7, 10, 17, 10),
                                   CAP(12, 10, 12, 14),   CAP(12, 14, 9, 18.5f), CAP(12, 14, 15, 18.5f)};
static const prim icon_close[] = {CAP(6, 6, 18, 18), CAP(18, 6, 6, 18)};
static const prim icon_chev_r[] = {CAP(9, 5, 16, 12), CAP(16, 12, 9, 19)};
static const prim icon_chev_l[] = {CAP(15, 5, 8, 12), CAP(8, 12, 15, 19)};
static const prim icon_info[] = {RING(12, 12, 9, 2), DISC(12, 7.8f, 1.4f), CAP(12, 11, 12, 16.5f)};
static const prim icon_person[] = {RING(12, 8, 4, 2), ARC(12, 22.5f, 8.5f, 2, 200, 340)};
static const prim icon_link[] = {CAP(13, 4, 20, 4),  CAP(20, 4, 20, 11), CAP(20, 4, 11, 13),
                                 CAP(17, 14, 17, 20), CAP(17, 20, 4, 20), CAP(4, 20, 4, 7), CAP(4, 7, 10, 7)};
static const prim icon_check[] = {CAP(5, 12.5f, 10, 17.5f), CAP(10, 17.5f, 19, 7)};
static const prim icon_clear[] = {DISC(12, 12, 10), CUTCAP(8.5f, 8.5f, 15.5f, 15.5f, 2.2f),
                                  CUTCAP(15.5f, 8.5f, 8.5f, 15.5f, 2.2f)};
static const prim icon_face[] = {CAPW(8.5f, 9, 8.5f, 11, 2.6f), CAPW(15.5f, 9, 15.5f, 11, 2.6f),
                                 ARC(12, 11.5f, 5.5f, 2.2f, 25, 155)};
static const prim icon_contrast[] = {RING(12, 12, 9, 2), HALF(12, 12, 9)};
static const prim icon_text_size[] = {CAP(3, 19, 8.5f, 5),   CAP(8.5f, 5, 14, 19), CAP(5.2f, 14, 11.8f, 14),
                                      CAP(14, 19, 17.5f, 10), CAP(17.5f, 10, 21, 19), CAP(15.4f, 16, 19.6f, 16)};
static const prim icon_document[] = {RRING(5, 3, 19, 21, 2.5f, 2), CAP(8.5f, 8.5f, 15.5f, 8.5f),
                                     CAP(8.5f, 12.5f, 15.5f, 12.5f), CAP(8.5f, 16.5f, 12.5f, 16.5f)};
static const prim icon_question[] = {RING(12, 12, 9, 2), ARC(12, 9.5f, 3, 2, 180, 390), CAP(14.6f, 11, 12, 12.6f), CAP(12, 12.6f, 12, 13.6f),
                                     DISC(12, 16.8f, 1.4f)};
static const prim icon_image[] = {RRING(3, 5, 21, 19, 2.5f, 2), DISC(8.5f, 9.5f, 1.8f), CAP(5, 17, 10, 12),
                                  CAP(10, 12, 13, 15), CAP(13, 15, 15.5f, 12.5f), CAP(15.5f, 12.5f, 19, 16)};

/* On-screen keyboard keys. */
static const prim icon_kb_shift[] = {CAP(12, 3.5f, 3.5f, 12), CAP(3.5f, 12, 8, 12), CAP(8, 12, 8, 20),
                                     CAP(8, 20, 16, 20),     CAP(16, 20, 16, 12), CAP(16, 12, 20.5f, 12),
                                     CAP(20.5f, 12, 12, 3.5f)};
static const prim icon_kb_caps[] = {CAP(12, 3, 4, 11),   CAP(4, 11, 8, 11),   CAP(8, 11, 8, 16),
                                    CAP(8, 16, 16, 16),  CAP(16, 16, 16, 11), CAP(16, 11, 20, 11),
                                    CAP(20, 11, 12, 3),  CAP(8, 20.5f, 16, 20.5f)};
static const prim icon_kb_backspace[] = {CAP(8.5f, 5, 20.5f, 5),  CAP(20.5f, 5, 20.5f, 19), CAP(20.5f, 19, 8.5f, 19),
                                         CAP(8.5f, 19, 2.5f, 12), CAP(2.5f, 12, 8.5f, 5),
                                         CAP(11.5f, 9, 16.5f, 15), CAP(16.5f, 9, 11.5f, 15)};
static const prim icon_kb_return[] = {CAP(19.5f, 5, 19.5f, 13.5f), CAP(19.5f, 13.5f, 5, 13.5f),
                                      CAP(5, 13.5f, 9.5f, 9), CAP(5, 13.5f, 9.5f, 18)};
static const prim icon_kb_hide[] = {RRING(2.5f, 2.5f, 21.5f, 15.5f, 2.5f, 1.8f),
                                    DISC(6.5f, 6.5f, 1.1f), DISC(10.2f, 6.5f, 1.1f), DISC(13.8f, 6.5f, 1.1f),
                                    DISC(17.5f, 6.5f, 1.1f), CAPW(7.5f, 11.2f, 16.5f, 11.2f, 1.8f),
                                    CAP(8.5f, 18.5f, 12, 21.5f), CAP(12, 21.5f, 15.5f, 18.5f)};

#define ICON(arr) {arr, sizeof arr / sizeof arr[0]}
static const struct {
    const prim *p;
    size_t n;
} icons[KS_ICON_COUNT_] = {
    [KS_ICON_SEARCH] = ICON(icon_search),     [KS_ICON_BACK] = ICON(icon_back),
    [KS_ICON_HOME] = ICON(icon_home),         [KS_ICON_GLOBE] = ICON(icon_globe),
    [KS_ICON_ACCESS] = ICON(icon_access),     [KS_ICON_CLOSE] = ICON(icon_close),
    [KS_ICON_CHEVRON_RIGHT] = ICON(icon_chev_r), [KS_ICON_CHEVRON_LEFT] = ICON(icon_chev_l),
    [KS_ICON_INFO] = ICON(icon_info),         [KS_ICON_PERSON] = ICON(icon_person),
    [KS_ICON_LINK] = ICON(icon_link),         [KS_ICON_CHECK] = ICON(icon_check),
    [KS_ICON_CLEAR] = ICON(icon_clear),       [KS_ICON_FACE] = ICON(icon_face),
    [KS_ICON_CONTRAST] = ICON(icon_contrast), [KS_ICON_TEXT_SIZE] = ICON(icon_text_size),
    [KS_ICON_DOCUMENT] = ICON(icon_document), [KS_ICON_QUESTION] = ICON(icon_question),
    [KS_ICON_IMAGE] = ICON(icon_image),
    [KS_ICON_KB_SHIFT] = ICON(icon_kb_shift), [KS_ICON_KB_CAPS] = ICON(icon_kb_caps),
    [KS_ICON_KB_BACKSPACE] = ICON(icon_kb_backspace), [KS_ICON_KB_RETURN] = ICON(icon_kb_return),
    [KS_ICON_KB_HIDE] = ICON(icon_kb_hide),
};

static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

static float sd_capsule(float px, float py, float ax, float ay, float bx, float by, float w)
{
    float pax = px - ax, pay = py - ay, bax = bx - ax, bay = by - ay;
    float len2 = bax * bax + bay * bay;
    float h = len2 > 0 ? clampf((pax * bax + pay * bay) / len2, 0, 1) : 0;
    float dx = pax - bax * h, dy = pay - bay * h;
    return sqrtf(dx * dx + dy * dy) - w * 0.5f;
}

static float sd_arc(float px, float py, const prim *p)
{
    float dx = px - p->a, dy = py - p->b;
    float ang = atan2f(dy, dx) * 180.0f / (float)M_PI; /* -180..180, y down */
    float a0 = p->e, a1 = p->f;
    /* Bring the angle into [a0, a0 + 360) so ranges crossing 360 work. */
    while (ang < a0) ang += 360.0f;
    while (ang >= a0 + 360.0f) ang -= 360.0f;
    if (ang <= a1) return fabsf(sqrtf(dx * dx + dy * dy) - p->c) - p->d * 0.5f;
    float e0x = p->a + p->c * cosf(a0 * (float)M_PI / 180.0f), e0y = p->b + p->c * sinf(a0 * (float)M_PI / 180.0f);
    float e1x = p->a + p->c * cosf(a1 * (float)M_PI / 180.0f), e1y = p->b + p->c * sinf(a1 * (float)M_PI / 180.0f);
    float d0 = sqrtf((px - e0x) * (px - e0x) + (py - e0y) * (py - e0y));
    float d1 = sqrtf((px - e1x) * (px - e1x) + (py - e1y) * (py - e1y));
    return (d0 < d1 ? d0 : d1) - p->d * 0.5f;
}

/* Signed distance from a rounded box (centre cx, cy, half sizes hx, hy). */
static float sd_rbox(float px, float py, float cx, float cy, float hx, float hy, float r)
{
    float qx = fabsf(px - cx) - hx + r, qy = fabsf(py - cy) - hy + r;
    float ox = qx > 0 ? qx : 0, oy = qy > 0 ? qy : 0;
    float inside = qx > qy ? qx : qy;
    return sqrtf(ox * ox + oy * oy) + (inside < 0 ? inside : 0) - r;
}

static float sd_prim(float px, float py, const prim *p)
{
    switch (p->kind) {
    case P_CAPSULE: return sd_capsule(px, py, p->a, p->b, p->c, p->d, p->e);
    case P_DISC: return sqrtf((px - p->a) * (px - p->a) + (py - p->b) * (py - p->b)) - p->c;
    case P_RING: return fabsf(sqrtf((px - p->a) * (px - p->a) + (py - p->b) * (py - p->b)) - (p->c - p->d * 0.5f)) - p->d * 0.5f;
    case P_ARC: return sd_arc(px, py, p);
    case P_ELLIPSE_RING: {
        /* Scaled-circle approximation: good enough for a thin stroke. */
        float nx = (px - p->a) / p->c, ny = (py - p->b) / p->d;
        float k = sqrtf(nx * nx + ny * ny);
        float m = p->c < p->d ? p->c : p->d;
        return fabsf((k - 1.0f) * m) - p->e * 0.5f;
    }
    case P_HALF_DISC: {
        float dd = sqrtf((px - p->a) * (px - p->a) + (py - p->b) * (py - p->b)) - p->c;
        float dx = px - p->a; /* keep the left half */
        return dd > dx ? dd : dx;
    }
    case P_RRECT_RING: {
        float hx = (p->c - p->a) * 0.5f, hy = (p->d - p->b) * 0.5f;
        float w = p->f, cx = p->a + hx, cy = p->b + hy;
        return fabsf(sd_rbox(px, py, cx, cy, hx - w * 0.5f, hy - w * 0.5f, p->e)) - w * 0.5f;
    }
    }
    return 1e9f;
}

static SDL_Surface *new_surface(int w, int h)
{
    return SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
}

/* Coverage 0..1 from a signed distance in pixels: a one-pixel ramp centred
 * on the edge, which is what makes strokes look smooth at any size. */
static Uint32 white_alpha(float d)
{
    float cov = clampf(0.5f - d, 0, 1);
    Uint32 a = (Uint32)(cov * 255.0f + 0.5f);
    return (a << 24) | 0x00FFFFFFu;
}

/* Bakes colour c into a white coverage surface: RGB = c, alpha = coverage
 * times c.a. Drawing it then needs no colour modulation, which keeps the
 * software renderer on its fast path (opaque pixels copied, transparent
 * ones skipped, only the edges blended). */
static void tint_surface(SDL_Surface *s, SDL_Color c)
{
    Uint32 rgb = ((Uint32)c.r << 16) | ((Uint32)c.g << 8) | c.b;
    for (int y = 0; y < s->h; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < s->w; x++) {
            Uint32 a = (row[x] >> 24) * c.a / 255u;
            row[x] = (a << 24) | rgb;
        }
    }
}

SDL_Surface *ks_draw_icon_surface(ks_icon icon, int size)
{
    if ((int)icon < 0 || icon >= KS_ICON_COUNT_ || size <= 0 || size > 4096) return NULL;
    SDL_Surface *s = new_surface(size, size);
    if (!s) return NULL;
    float scale = (float)size / 24.0f;
    const prim *ps = icons[icon].p;
    size_t n = icons[icon].n;
    for (int y = 0; y < size; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < size; x++) {
            float px = ((float)x + 0.5f) / scale, py = ((float)y + 0.5f) / scale;
            float d = 1e9f;
            for (size_t i = 0; i < n; i++) {
                float dp = sd_prim(px, py, &ps[i]);
                if (ps[i].op == OP_CUT) d = d > -dp ? d : -dp;
                else d = d < dp ? d : dp;
            }
            row[x] = white_alpha(d * scale);
        }
    }
    return s;
}

/* A disc (thickness 0) or ring of radius rad in a 2rad x 2rad surface. */
static SDL_Surface *circle_surface(int rad, int thickness)
{
    int dim = rad * 2;
    SDL_Surface *s = new_surface(dim, dim);
    if (!s) return NULL;
    float r = (float)rad;
    for (int y = 0; y < dim; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < dim; x++) {
            float dx = (float)x + 0.5f - r, dy = (float)y + 0.5f - r;
            float len = sqrtf(dx * dx + dy * dy);
            float d = len - r;
            if (thickness > 0) {
                float inner = r - (float)thickness;
                float di = inner - len;
                d = d > di ? d : di;
            }
            row[x] = white_alpha(d);
        }
    }
    return s;
}

/* ---- the cache ---- */

enum entry_kind { E_ICON, E_CIRCLE };

typedef struct entry {
    int kind, a, b;
    Uint32 color;
    SDL_Texture *tex;
    size_t bytes;
    uint64_t used;
} entry;

#define CACHE_MAX 256
#define CACHE_BUDGET_BYTES (12u * 1024u * 1024u)

struct ks_draw {
    SDL_Renderer *r;
    entry e[CACHE_MAX];
    size_t n;
    size_t bytes;
    uint64_t tick;
};

ks_status ks_draw_create(SDL_Renderer *r, ks_draw **out, ks_error *err)
{
    if (!r) return ks_error_set(err, KS_ERR_INVALID, "draw: no renderer");
    ks_draw *d = calloc(1, sizeof *d);
    if (!d) return ks_error_set(err, KS_ERR_NOMEM, "draw: out of memory");
    d->r = r;
    *out = d;
    return KS_OK;
}

void ks_draw_flush(ks_draw *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) SDL_DestroyTexture(d->e[i].tex);
    d->n = 0;
    d->bytes = 0;
}

void ks_draw_destroy(ks_draw *d)
{
    if (!d) return;
    ks_draw_flush(d);
    free(d);
}

size_t ks_draw_cached_textures(const ks_draw *d) { return d ? d->n : 0; }
size_t ks_draw_cached_bytes(const ks_draw *d) { return d ? d->bytes : 0; }

static void evict_one(ks_draw *d)
{
    size_t victim = 0;
    for (size_t i = 1; i < d->n; i++)
        if (d->e[i].used < d->e[victim].used) victim = i;
    SDL_DestroyTexture(d->e[victim].tex);
    d->bytes -= d->e[victim].bytes;
    d->e[victim] = d->e[--d->n];
}

static Uint32 pack(SDL_Color c) { return ((Uint32)c.a << 24) | ((Uint32)c.r << 16) | ((Uint32)c.g << 8) | c.b; }

static SDL_Texture *lookup(ks_draw *d, int kind, int a, int b, SDL_Color c)
{
    d->tick++;
    Uint32 col = pack(c);
    for (size_t i = 0; i < d->n; i++) {
        if (d->e[i].kind == kind && d->e[i].a == a && d->e[i].b == b && d->e[i].color == col) {
            d->e[i].used = d->tick;
            return d->e[i].tex;
        }
    }
    SDL_Surface *s = kind == E_ICON ? ks_draw_icon_surface((ks_icon)a, b) : circle_surface(a, b);
    if (!s) {
        ks_log_warn("draw", "cannot rasterise shape %d (%d, %d): out of memory", kind, a, b);
        return NULL;
    }
    tint_surface(s, c);
    SDL_Texture *t = SDL_CreateTextureFromSurface(d->r, s);
    size_t bytes = (size_t)s->w * (size_t)s->h * 4u;
    SDL_FreeSurface(s);
    if (!t) {
        ks_log_warn("draw", "cannot create a texture for shape %d: %s", kind, SDL_GetError());
        return NULL;
    }
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    while (d->n > 0 && (d->n >= CACHE_MAX || d->bytes + bytes > CACHE_BUDGET_BYTES)) evict_one(d);
    d->e[d->n] = (entry){kind, a, b, col, t, bytes, d->tick};
    d->n++;
    d->bytes += bytes;
    return t;
}

void ks_draw_rect(ks_draw *d, SDL_Rect r, SDL_Color c)
{
    if (r.w <= 0 || r.h <= 0 || c.a == 0) return;
    SDL_SetRenderDrawBlendMode(d->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(d->r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(d->r, &r);
}

static int clamp_radius(SDL_Rect r, int radius)
{
    int m = (r.w < r.h ? r.w : r.h) / 2;
    if (radius > m) radius = m;
    return radius < 0 ? 0 : radius;
}

/* Draws the four quadrants of a circle texture of radius rad into the
 * corners of r. */
static void corners(ks_draw *d, SDL_Texture *t, SDL_Rect r, int rad)
{
    SDL_Rect src[4] = {{0, 0, rad, rad}, {rad, 0, rad, rad}, {0, rad, rad, rad}, {rad, rad, rad, rad}};
    SDL_Rect dst[4] = {{r.x, r.y, rad, rad},
                       {r.x + r.w - rad, r.y, rad, rad},
                       {r.x, r.y + r.h - rad, rad, rad},
                       {r.x + r.w - rad, r.y + r.h - rad, rad, rad}};
    for (int i = 0; i < 4; i++) SDL_RenderCopy(d->r, t, &src[i], &dst[i]);
}

void ks_draw_round_rect(ks_draw *d, SDL_Rect r, int radius, SDL_Color c)
{
    if (r.w <= 0 || r.h <= 0 || c.a == 0) return;
    int rad = clamp_radius(r, radius);
    SDL_Texture *t = rad > 0 ? lookup(d, E_CIRCLE, rad, 0, c) : NULL;
    if (!t) {
        ks_draw_rect(d, r, c);
        return;
    }
    corners(d, t, r, rad);
    ks_draw_rect(d, (SDL_Rect){r.x + rad, r.y, r.w - 2 * rad, rad}, c);
    ks_draw_rect(d, (SDL_Rect){r.x, r.y + rad, r.w, r.h - 2 * rad}, c);
    ks_draw_rect(d, (SDL_Rect){r.x + rad, r.y + r.h - rad, r.w - 2 * rad, rad}, c);
}

void ks_draw_round_rect_outline(ks_draw *d, SDL_Rect r, int radius, int thickness, SDL_Color c)
{
    if (r.w <= 0 || r.h <= 0 || c.a == 0 || thickness <= 0) return;
    int rad = clamp_radius(r, radius);
    if (thickness > rad) rad = thickness <= (r.w < r.h ? r.w : r.h) / 2 ? thickness : rad;
    SDL_Texture *t = rad > 0 ? lookup(d, E_CIRCLE, rad, thickness, c) : NULL;
    if (t) corners(d, t, r, rad);
    ks_draw_rect(d, (SDL_Rect){r.x + rad, r.y, r.w - 2 * rad, thickness}, c);
    ks_draw_rect(d, (SDL_Rect){r.x + rad, r.y + r.h - thickness, r.w - 2 * rad, thickness}, c);
    ks_draw_rect(d, (SDL_Rect){r.x, r.y + rad, thickness, r.h - 2 * rad}, c);
    ks_draw_rect(d, (SDL_Rect){r.x + r.w - thickness, r.y + rad, thickness, r.h - 2 * rad}, c);
}

void ks_draw_circle(ks_draw *d, int cx, int cy, int rad, SDL_Color c)
{
    if (rad <= 0 || c.a == 0) return;
    SDL_Texture *t = lookup(d, E_CIRCLE, rad, 0, c);
    if (!t) return;
    SDL_Rect dst = {cx - rad, cy - rad, rad * 2, rad * 2};
    SDL_RenderCopy(d->r, t, NULL, &dst);
}

void ks_draw_ring(ks_draw *d, int cx, int cy, int rad, int thickness, SDL_Color c)
{
    if (rad <= 0 || thickness <= 0 || c.a == 0) return;
    SDL_Texture *t = lookup(d, E_CIRCLE, rad, thickness, c);
    if (!t) return;
    SDL_Rect dst = {cx - rad, cy - rad, rad * 2, rad * 2};
    SDL_RenderCopy(d->r, t, NULL, &dst);
}

void ks_draw_icon(ks_draw *d, ks_icon icon, int x, int y, int size, SDL_Color c)
{
    if ((int)icon < 0 || icon >= KS_ICON_COUNT_ || size <= 0 || c.a == 0) return;
    SDL_Texture *t = lookup(d, E_ICON, (int)icon, size, c);
    if (!t) return;
    SDL_Rect dst = {x, y, size, size};
    SDL_RenderCopy(d->r, t, NULL, &dst);
}
