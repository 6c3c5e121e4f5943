/*
 * screen_article.c - one answer as rich text: its topic, title, a badge
 * when it is shown from another language, then headings, paragraphs,
 * bullet and numbered lists, bold, links and images, in a reading column
 * that scrolls with kinetic motion.
 *
 * The body is parsed once (richtext) and laid out into text layouts when
 * the width, type or colours change, never while drawing. Tapping a link
 * shows its address and a QR code: the kiosk never opens a browser.
 * Must not: block on anything but the local store and image files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_image.h>

#include "ks/log.h"
#include "ks/richtext.h"
#include "ks/widgets.h"

#include "screen_common.h"

enum { HIT_HANDOFF = 1, HIT_BLOCK0 = 100 };

typedef struct block {
    const ks_rt_block *src;
    ks_text_layout *layout; /* text blocks */
    char *plain;            /* what the harness sees */
    int has_link;
    SDL_Surface *img_src;   /* image blocks: the decoded file (NULL: a placeholder) */
    SDL_Texture *img;       /* the image at its display size */
    int img_w, img_h;       /* natural size */
    int x, y, w, h;         /* in content coordinates (x absolute) */
    int indent;             /* list items: the text starts this far in */
} block;

typedef struct article {
    screen base;
    char *id;
    ks_article *art;
    ks_richtext *doc;
    char *eyebrow;          /* the category's title */
    char *badge;            /* fallback notice, or NULL */
    block *blocks;
    size_t n_blocks;
    char **links;
    size_t n_links;
    ks_scroll *scroll;
    int drawn_off; /* the scroll offset on screen */
    int viewed;
    /* layout (content coordinates: y from the top of the scroll content) */
    SDL_Rect col, view;
    int eyebrow_y, title_y, title_h, badge_y, badge_h, end_y, button_y;
    int content_h;
} article;

static void free_layouts(article *r)
{
    for (size_t i = 0; i < r->n_blocks; i++) {
        ks_text_layout_destroy(r->blocks[i].layout);
        r->blocks[i].layout = NULL;
    }
}

static void free_doc(article *r)
{
    free_layouts(r);
    for (size_t i = 0; i < r->n_blocks; i++) {
        free(r->blocks[i].plain);
        if (r->blocks[i].img) SDL_DestroyTexture(r->blocks[i].img);
        SDL_FreeSurface(r->blocks[i].img_src);
    }
    free(r->blocks);
    r->blocks = NULL;
    r->n_blocks = 0;
    for (size_t i = 0; i < r->n_links; i++) free(r->links[i]);
    free(r->links);
    r->links = NULL;
    r->n_links = 0;
    ks_richtext_free(r->doc);
    r->doc = NULL;
    ks_article_free(r->art);
    r->art = NULL;
    free(r->eyebrow);
    free(r->badge);
    r->eyebrow = r->badge = NULL;
}

static void article_destroy(screen *s)
{
    article *r = (article *)s;
    free_doc(r);
    free(r->id);
    ks_scroll_destroy(r->scroll);
    free(r);
}

static int add_link(article *r, const char *url)
{
    char **p = realloc(r->links, (r->n_links + 1) * sizeof *p);
    if (!p) return -1;
    r->links = p;
    r->links[r->n_links] = strdup(url);
    if (!r->links[r->n_links]) return -1;
    return (int)r->n_links++;
}

/* Lays out one text block at width w. */
static void layout_block(article *r, app *a, block *b, int w)
{
    ks_ui *ui = app_ui(a);
    const ks_theme_colors *c = ks_ui_colors(ui);
    const ks_rt_block *src = b->src;
    ks_type_role role = KS_TYPE_BODY;
    int bold = 0;
    if (src->kind == KS_RT_HEADING1) role = KS_TYPE_SUBTITLE, bold = 1;
    else if (src->kind == KS_RT_HEADING2) bold = 1;
    ks_text_style base = ks_ui_style(ui, role, bold, c->text);
    ks_text_span spans[64];
    size_t n = src->n_spans < 64 ? src->n_spans : 64;
    for (size_t i = 0; i < n; i++) {
        const ks_rt_span *sp = &src->spans[i];
        spans[i] = (ks_text_span){sp->text, sp->len, sp->bold || bold, sp->link ? c->link : c->text, -1};
        if (sp->link) {
            /* links keep their index across re-layouts: find or add */
            int idx = -1;
            for (size_t k = 0; k < r->n_links; k++)
                if (strcmp(r->links[k], sp->link) == 0) idx = (int)k;
            if (idx < 0) idx = add_link(r, sp->link);
            spans[i].link = idx;
            spans[i].bold = 1;
            b->has_link = 1;
        }
    }
    ks_error err = {0};
    int lh = src->kind == KS_RT_HEADING1 || src->kind == KS_RT_HEADING2 ? 130 : ks_ui_metrics(ui)->line_height_pct;
    if (ks_text_layout_spans(ks_ui_text_engine(ui), spans, n, &base, w, 0, lh, KS_ALIGN_LEFT, &b->layout, &err) != KS_OK) {
        ks_log_warn("article", "'%s': cannot lay out a paragraph: %s", r->id, err.msg);
        b->layout = NULL;
    }
}

/* Makes the image's texture at its display size once per layout:
 * drawing it is then a plain copy, not a filtered stretch every frame. */
static void scale_image(article *r, app *a, block *b)
{
    if (b->img) SDL_DestroyTexture(b->img);
    b->img = NULL;
    if (!b->img_src || b->w <= 0 || b->h <= 0) return;
    SDL_Surface *dst = SDL_CreateRGBSurfaceWithFormat(0, b->w, b->h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!dst) return;
    if (b->w == b->img_w && b->h == b->img_h) SDL_BlitSurface(b->img_src, NULL, dst, NULL);
    else if (SDL_SoftStretchLinear(b->img_src, NULL, dst, NULL) != 0) SDL_BlitScaled(b->img_src, NULL, dst, NULL);
    b->img = SDL_CreateTextureFromSurface(ks_ui_renderer(app_ui(a)), dst);
    SDL_FreeSurface(dst);
    if (b->img) SDL_SetTextureBlendMode(b->img, SDL_BLENDMODE_BLEND);
    else ks_log_warn("article", "'%s': cannot make an image texture: %s", r->id, SDL_GetError());
}

static void article_layout(screen *s, app *a)
{
    article *r = (article *)s;
    ks_ui *ui = app_ui(a);
    const ks_theme_colors *c = ks_ui_colors(ui);
    SDL_Rect A = s->area;
    int M = sc_margin(a);
    int em = ks_ui_type_px(ui, KS_TYPE_BODY);
    r->col = sc_column(a, A, 36);
    r->view = A;
    free_layouts(r);
    int y = M * 3 / 4;
    int w = r->col.w;
    if (!r->art) {
        r->content_h = 0;
        ks_scroll_set_extent(r->scroll, (float)A.h, 0);
        return;
    }
    ks_text_style es = ks_ui_style(ui, KS_TYPE_CAPTION, 1, c->primary);
    ks_text_style ts = ks_ui_style(ui, KS_TYPE_TITLE, 1, c->text);
    int h = 0;
    r->eyebrow_y = y;
    if (r->eyebrow) {
        ks_ui_text_size(ui, r->eyebrow, &es, w, 1, NULL, &h);
        y += h + ks_ui_sp(ui, 1);
    }
    r->title_y = y;
    ks_ui_text_size(ui, r->art->title, &ts, w, 0, NULL, &r->title_h);
    y += r->title_h + ks_ui_sp(ui, 2);
    r->badge_y = y;
    r->badge_h = 0;
    if (r->badge) {
        ks_widget_badge_size(ui, w, KS_ICON_INFO, r->badge, NULL, &r->badge_h);
        y += r->badge_h + ks_ui_sp(ui, 2);
    }
    y += ks_ui_sp(ui, 2);
    for (size_t i = 0; i < r->n_blocks; i++) {
        block *b = &r->blocks[i];
        const ks_rt_block *src = b->src;
        int list = src->kind == KS_RT_BULLET || src->kind == KS_RT_NUMBERED;
        int prev_list = i > 0 && (r->blocks[i - 1].src->kind == KS_RT_BULLET || r->blocks[i - 1].src->kind == KS_RT_NUMBERED);
        if (src->kind == KS_RT_HEADING1 || src->kind == KS_RT_HEADING2) y += i > 0 ? ks_ui_sp(ui, 2) : 0;
        else if (list && prev_list) y -= ks_ui_sp(ui, 1.25f); /* list items sit closer together */
        b->indent = list ? em * 3 / 2 : 0;
        b->x = r->col.x + b->indent;
        b->w = w - b->indent;
        b->y = y;
        if (src->kind == KS_RT_IMAGE) {
            if (b->img_src) {
                float scale = ks_ui_metrics(ui)->scale;
                int iw = (int)((float)b->img_w * scale), ih;
                if (iw > w) iw = w;
                ih = b->img_w ? (int)((float)b->img_h * (float)iw / (float)b->img_w) : 0;
                b->w = iw;
                b->h = ih;
                b->x = r->col.x + (w - iw) / 2;
                scale_image(r, a, b);
            } else {
                b->w = w;
                b->h = em * 5;
            }
            if (src->alt && *src->alt) {
                ks_text_style cs = ks_ui_style(ui, KS_TYPE_CAPTION, 0, c->text_muted);
                int ch = 0;
                ks_ui_text_size(ui, src->alt, &cs, w, 3, NULL, &ch);
                b->h += ks_ui_sp(ui, 1) + ch;
            }
        } else {
            layout_block(r, a, b, b->w);
            b->h = b->layout ? ks_text_layout_height(b->layout) : 0;
        }
        y += b->h + ks_ui_sp(ui, src->kind == KS_RT_HEADING1 || src->kind == KS_RT_HEADING2 ? 1.25f : 2.5f);
    }
    r->end_y = y + ks_ui_sp(ui, 2);
    r->button_y = r->end_y + ks_ui_sp(ui, 3);
    r->content_h = r->button_y + ks_ui_metrics(ui)->touch_px + M;
    ks_scroll_set_extent(r->scroll, (float)A.h, (float)r->content_h);
}

static void article_reload(screen *s, app *a)
{
    article *r = (article *)s;
    free_doc(r);
    r->art = content_article(app_content(a), r->id, app_locale(a));
    if (r->art) {
        ks_error err = {0};
        const char *body = r->art->body ? r->art->body : "";
        if (ks_richtext_parse(body, strlen(body), &r->doc, &err) != KS_OK) {
            ks_log_error("article", "'%s': %s", r->id, err.msg);
            r->doc = NULL;
        }
        r->eyebrow = content_category_title(app_content(a), r->art->category, app_locale(a));
        if (strcmp(r->art->locale, app_locale(a)) != 0) {
            char key[64], buf[512];
            snprintf(key, sizeof key, "lang.in.%s", r->art->locale);
            app_trf(a, "article.fallback_badge", buf, sizeof buf, "language", app_tr(a, key), NULL);
            r->badge = strdup(buf);
        }
    }
    if (r->doc && r->doc->n_blocks) {
        r->blocks = calloc(r->doc->n_blocks, sizeof *r->blocks);
        if (r->blocks) r->n_blocks = r->doc->n_blocks;
    }
    for (size_t i = 0; i < r->n_blocks; i++) {
        block *b = &r->blocks[i];
        b->src = &r->doc->blocks[i];
        if (b->src->kind == KS_RT_IMAGE) {
            char *path = content_media_path(app_content(a), b->src->src);
            if (path) {
                SDL_Surface *raw = IMG_Load(path);
                b->img_src = raw ? SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
                SDL_FreeSurface(raw);
                if (!b->img_src) ks_log_warn("article", "'%s': cannot show image %s: %s", r->id, path, IMG_GetError());
                else b->img_w = b->img_src->w, b->img_h = b->img_src->h;
                free(path);
            }
            continue;
        }
        size_t len = 0;
        for (size_t k = 0; k < b->src->n_spans; k++) len += b->src->spans[k].len;
        b->plain = malloc(len + 1);
        if (b->plain) {
            size_t o = 0;
            for (size_t k = 0; k < b->src->n_spans; k++) {
                memcpy(b->plain + o, b->src->spans[k].text, b->src->spans[k].len);
                o += b->src->spans[k].len;
            }
            b->plain[o] = '\0';
        }
    }
    if (r->art && !r->viewed) {
        content_record_view(app_content(a), r->id);
        r->viewed = 1;
    }
    article_layout(s, a);
}

static void draw_block(article *r, app *a, size_t i, int base)
{
    ks_ui *ui = app_ui(a);
    const ks_theme_colors *c = ks_ui_colors(ui);
    block *b = &r->blocks[i];
    const ks_rt_block *src = b->src;
    int y = base + b->y;
    if (!ks_ui_visible(ui, (SDL_Rect){r->col.x, y, r->col.w, b->h})) return;
    int em = ks_ui_type_px(ui, KS_TYPE_BODY);
    int line = em * ks_ui_metrics(ui)->line_height_pct / 100;
    if (src->kind == KS_RT_BULLET) {
        int rad = em * 16 / 100;
        if (rad < 2) rad = 2;
        ks_ui_circle(ui, r->col.x + em / 2, y + line / 2, rad, c->primary);
    } else if (src->kind == KS_RT_NUMBERED) {
        char num[16];
        snprintf(num, sizeof num, "%d.", src->number);
        ks_text_style ns = ks_ui_style(ui, KS_TYPE_BODY, 1, c->primary);
        if (ks_ui_theme(ui)->high_contrast) ns.color = c->text;
        ks_ui_text(ui, num, &ns, r->col.x, y + (line - em * 14 / 10) / 2, b->indent - em / 3, 1, KS_ALIGN_RIGHT, 255,
                   NULL, NULL);
    }
    if (src->kind == KS_RT_IMAGE) {
        int ih = b->h;
        if (src->alt && *src->alt) {
            ks_text_style cs = ks_ui_style(ui, KS_TYPE_CAPTION, 0, c->text_muted);
            int ch = 0;
            ks_ui_text_size(ui, src->alt, &cs, r->col.w, 3, NULL, &ch);
            ih = b->h - ch - ks_ui_sp(ui, 1);
            ks_ui_text(ui, src->alt, &cs, r->col.x, y + ih + ks_ui_sp(ui, 1), r->col.w, 3, KS_ALIGN_CENTER, 255, NULL,
                       NULL);
        }
        if (b->img) {
            int tw = 0, th = 0;
            SDL_QueryTexture(b->img, NULL, NULL, &tw, &th);
            ks_ui_texture(ui, b->img, NULL, (SDL_Rect){b->x, y, tw, th}, 255);
        } else {
            SDL_Rect box = {r->col.x, y, r->col.w, ih};
            ks_ui_round_rect(ui, box, ks_ui_metrics(ui)->radius_px, c->surface_alt);
            int is = em * 2;
            ks_ui_icon(ui, KS_ICON_IMAGE, box.x + (box.w - is) / 2, box.y + box.h / 2 - is, is, c->text_muted);
            ks_text_style ms = ks_ui_style(ui, KS_TYPE_CAPTION, 0, c->text_muted);
            ks_ui_text(ui, app_tr(a, "article.image_missing"), &ms, box.x, box.y + box.h / 2 + em / 3, box.w, 1,
                       KS_ALIGN_CENTER, 255, NULL, NULL);
        }
        return;
    }
    if (b->layout) {
        ks_ui_layout(ui, b->layout, b->plain, b->x, y, 255);
        if (b->has_link)
            ks_ui_hit(ui, KS_HIT_SCREEN, HIT_BLOCK0 + (int)i, (SDL_Rect){b->x, y, b->w, b->h}, r->scroll, 0);
    }
}

static void article_draw(screen *s, app *a)
{
    article *r = (article *)s;
    ks_ui *ui = app_ui(a);
    const ks_theme_colors *c = ks_ui_colors(ui);
    if (!r->art) {
        sc_message(a, app_tr(a, "article.not_found"), r->col);
        return;
    }
    ks_ui_push_clip(ui, r->view);
    r->drawn_off = sc_offset(r->scroll);
    int base = r->view.y - r->drawn_off;
    int w = r->col.w;
    if (r->eyebrow) {
        ks_text_style es = ks_ui_style(ui, KS_TYPE_CAPTION, 1, c->primary);
        if (ks_ui_theme(ui)->high_contrast) es.color = c->text;
        ks_ui_text(ui, r->eyebrow, &es, r->col.x, base + r->eyebrow_y, w, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
    }
    ks_text_style ts = ks_ui_style(ui, KS_TYPE_TITLE, 1, c->text);
    ks_ui_text(ui, r->art->title, &ts, r->col.x, base + r->title_y, w, 0, KS_ALIGN_LEFT, 255, NULL, NULL);
    if (r->badge)
        ks_widget_badge(ui, r->col.x, base + r->badge_y, w, KS_ICON_INFO, r->badge, c->warning, c->on_warning, NULL, NULL);
    for (size_t i = 0; i < r->n_blocks; i++) draw_block(r, a, i, base);
    /* the end of the answer, and a person if it did not help */
    ks_ui_fill(ui, (SDL_Rect){r->col.x, base + r->end_y, w, ks_ui_px(ui, 1)}, c->divider);
    int touch = ks_ui_metrics(ui)->touch_px;
    const char *cta = app_tr(a, "handoff.talk_to_person");
    int bw = ks_widget_button_width(ui, touch, KS_ICON_PERSON, cta);
    if (bw > w) bw = w;
    SDL_Rect btn = {r->col.x, base + r->button_y, bw, touch};
    ks_widget_button(ui, btn, KS_BUTTON_SECONDARY, KS_ICON_PERSON, cta, app_pressed(a, HIT_HANDOFF));
    ks_ui_hit(ui, KS_HIT_SCREEN, HIT_HANDOFF, btn, r->scroll, 1);
    ks_ui_pop_clip(ui);
    ks_widget_scrollbar(ui, r->view, ks_scroll_offset(r->scroll), ks_scroll_max(r->scroll), 255);
}

static int article_update(screen *s, app *a, uint64_t now)
{
    article *r = (article *)s;
    int m = ks_ui_sp(app_ui(a), 2);
    return sc_scroll_update_band(a, r->scroll, r->view, r->col.x - m, r->col.w + 2 * m, &r->drawn_off, now);
}

static void article_tap(screen *s, app *a, int id, int x, int y)
{
    article *r = (article *)s;
    if (id == HIT_HANDOFF) {
        app_show_handoff(a);
        return;
    }
    size_t i = (size_t)(id - HIT_BLOCK0);
    if (id < HIT_BLOCK0 || i >= r->n_blocks || !r->blocks[i].layout) return;
    block *b = &r->blocks[i];
    int top = r->view.y - sc_offset(r->scroll) + b->y;
    int link = ks_text_layout_hit(b->layout, x - b->x, y - top);
    if (link >= 0 && (size_t)link < r->n_links) app_show_link(a, r->links[link]);
}

static int article_key(screen *s, app *a, SDL_Keycode key, Uint16 mod)
{
    article *r = (article *)s;
    (void)mod;
    float line = (float)ks_ui_type_px(app_ui(a), KS_TYPE_BODY) * 3.0f;
    float page = (float)r->view.h * 0.85f;
    float d = 0;
    switch (key) {
    case SDLK_DOWN: d = line; break;
    case SDLK_UP: d = -line; break;
    case SDLK_PAGEDOWN:
    case SDLK_SPACE: d = page; break;
    case SDLK_PAGEUP: d = -page; break;
    case SDLK_HOME: d = -ks_scroll_offset(r->scroll); break;
    case SDLK_END: d = ks_scroll_max(r->scroll) - ks_scroll_offset(r->scroll); break;
    default: return 0;
    }
    ks_scroll_animate_by(r->scroll, d, app_now(a), 200);
    ks_ui_invalidate(app_ui(a), r->view);
    return 1;
}

static ks_scroll *article_scroll_at(screen *s, int x, int y)
{
    article *r = (article *)s;
    SDL_Point p = {x, y};
    return SDL_PointInRect(&p, &r->view) ? r->scroll : NULL;
}

static const screen_ops article_ops = {
    .name = "article",
    .destroy = article_destroy,
    .layout = article_layout,
    .reload = article_reload,
    .draw = article_draw,
    .update = article_update,
    .tap = article_tap,
    .key = article_key,
    .scroll_at = article_scroll_at,
};

screen *screen_article_new(app *a, const char *article_id)
{
    article *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->base.ops = &article_ops;
    r->id = strdup(article_id ? article_id : "");
    r->scroll = ks_scroll_create();
    if (!r->id || !r->scroll) {
        article_destroy(&r->base);
        return NULL;
    }
    r->base.area = app_area(a);
    r->base.layout_gen = app_layout_gen(a);
    article_reload(&r->base, a);
    return &r->base;
}
