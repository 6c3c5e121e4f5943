/*
 * screen_results.c - search as you type: the field at the top, the
 * answers below, refreshed on every change of the text.
 *
 * When the engine is confident, its first answer is shown as the "best
 * answer" with the start of its text; when it is not, the visitor picks
 * from the closest answers, with a person offered right after them, or,
 * when nothing comes close, the screen says so plainly and offers a person. An
 * empty field shows the most viewed questions. The search runs on the UI
 * thread (the engine answers in well under a frame). Must not: guess
 * confidence itself; the engine decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks/richtext.h"
#include "ks/textfield.h"
#include "ks/widgets.h"

#include "screen_common.h"

#define MAX_HITS 12
#define UNSURE_CHOICES 3 /* choices shown when the engine is not sure */
#define POPULAR 8
#define SNIPPET_BYTES 400
/* While the visitor types, every keystroke searches without sentence
 * vectors (under a millisecond, so typing never waits on search); once
 * they pause this long, the full search (a few milliseconds more in
 * English) refines the list. */
#define REFINE_AFTER_MS 250

enum { HIT_CLEAR = 1, HIT_HANDOFF = 2, HIT_BEST = 3, HIT_FIELD = 4, HIT_ROW0 = 100 };

typedef enum item_kind { IT_HEADING, IT_HINT, IT_BEST, IT_NOMATCH, IT_ROW } item_kind;

typedef struct item {
    item_kind kind;
    const char *text;    /* heading/hint text, row title (owned elsewhere) */
    const char *caption; /* row caption, or NULL */
    const char *id;      /* article to open */
    int y, h;            /* in list coordinates */
} item;

typedef struct results {
    screen base;
    ks_textfield *field;
    uint64_t searched_rev;
    int searched_once;
    uint64_t refine_at; /* when to run the full search, 0 = not due */
    ks_search_result res;
    ks_article *popular;
    size_t n_popular;
    char *snippet;       /* the best answer's first lines */
    char *title_buf;     /* "Results for ..." */
    char *captions[MAX_HITS + POPULAR];
    item items[MAX_HITS + POPULAR + 8];
    size_t n_items;
    /* what the previous list looked like, to redraw only what changed */
    struct {
        uint64_t hash;
        int y, h;
    } prev[MAX_HITS + POPULAR + 8];
    size_t n_prev;
    int drawn_once;
    ks_scroll *scroll;
    int drawn_off; /* the scroll offset on screen */
    int caret_drawn;
    /* layout */
    SDL_Rect col, field_r, list;
} results;

static void free_results(results *r)
{
    ks_search_result_free(&r->res);
    memset(&r->res, 0, sizeof r->res);
    ks_articles_free(r->popular, r->n_popular);
    r->popular = NULL;
    r->n_popular = 0;
    free(r->snippet);
    r->snippet = NULL;
    free(r->title_buf);
    r->title_buf = NULL;
    for (size_t i = 0; i < sizeof r->captions / sizeof r->captions[0]; i++) {
        free(r->captions[i]);
        r->captions[i] = NULL;
    }
    r->n_items = 0;
}

static void results_destroy(screen *s)
{
    results *r = (results *)s;
    free_results(r);
    ks_textfield_destroy(r->field);
    ks_scroll_destroy(r->scroll);
    free(r);
}

/* A caption naming the language when an answer is not in the visitor's. */
static char *lang_caption(app *a, const char *locale)
{
    if (!locale || strcmp(locale, app_locale(a)) == 0) return NULL;
    char key[64];
    snprintf(key, sizeof key, "lang.in.%s", locale);
    return strdup(app_tr(a, key));
}

static void add(results *r, item it)
{
    if (r->n_items < sizeof r->items / sizeof r->items[0]) r->items[r->n_items++] = it;
}

/* The start of an answer: its first paragraphs and list items as plain
 * text (headings left out, they read badly run into a sentence), cut at
 * a character boundary. */
static char *make_snippet(app *a, const char *id)
{
    ks_article *art = content_article(app_content(a), id, app_locale(a));
    if (!art) return NULL;
    ks_richtext *doc = NULL;
    ks_error err = {0};
    const char *body = art->body ? art->body : "";
    char *out = NULL;
    if (ks_richtext_parse(body, strlen(body), &doc, &err) != KS_OK) goto done;
    out = calloc(1, SNIPPET_BYTES + 8);
    if (!out) goto done;
    size_t n = 0;
    for (size_t b = 0; b < doc->n_blocks && n < SNIPPET_BYTES; b++) {
        const ks_rt_block *blk = &doc->blocks[b];
        if (blk->kind != KS_RT_PARAGRAPH && blk->kind != KS_RT_BULLET && blk->kind != KS_RT_NUMBERED) continue;
        if (n > 0) out[n++] = ' ';
        for (size_t k = 0; k < blk->n_spans && n < SNIPPET_BYTES; k++) {
            size_t len = blk->spans[k].len;
            if (n + len > SNIPPET_BYTES) {
                len = SNIPPET_BYTES - n;
                while (len > 0 && ((unsigned char)blk->spans[k].text[len] & 0xC0) == 0x80) len--;
            }
            memcpy(out + n, blk->spans[k].text, len);
            n += len;
        }
    }
    out[n] = '\0';
done:
    ks_richtext_free(doc);
    ks_article_free(art);
    return out;
}

/* Builds the list from the current query: search (quick: without the
 * sentence vectors, see REFINE_AFTER_MS), or popular questions. */
static void rebuild(results *r, app *a, int quick)
{
    free_results(r);
    const char *q = ks_textfield_text(r->field);
    content *ct = app_content(a);
    size_t ci = 0;
    if (!*q) {
        add(r, (item){IT_HINT, app_tr(a, "search.hint"), NULL, NULL, 0, 0});
        if (content_ready(ct)) content_articles(ct, NULL, app_locale(a), POPULAR, &r->popular, &r->n_popular);
        if (r->n_popular) add(r, (item){IT_HEADING, app_tr(a, "home.popular"), NULL, NULL, 0, 0});
        for (size_t i = 0; i < r->n_popular; i++) {
            r->captions[ci] = lang_caption(a, r->popular[i].locale);
            add(r, (item){IT_ROW, r->popular[i].title, r->captions[ci], r->popular[i].id, 0, 0});
            ci++;
        }
        return;
    }
    content_search(ct, q, app_locale(a), MAX_HITS, quick ? KS_SEARCH_QUICK : 0, &r->res);
    r->refine_at = quick && r->res.partial ? app_now(a) + REFINE_AFTER_MS : 0;
    int unsure = r->res.n_hits && !r->res.confident;
    if (unsure) {
        /* Several plausible answers and no clear one: the visitor picks
         * (the query is in the field above), and a person is offered
         * right after the choices. */
        add(r, (item){IT_HEADING, app_tr(a, "results.pick_one"), NULL, NULL, 0, 0});
    } else {
        char buf[512];
        app_trf(a, "results.title", buf, sizeof buf, "query", q, NULL);
        r->title_buf = strdup(buf);
        if (r->title_buf) add(r, (item){IT_HEADING, r->title_buf, NULL, NULL, 0, 0});
    }
    size_t first = 0;
    if (r->res.n_hits && r->res.confident) {
        r->snippet = make_snippet(a, r->res.hits[0].id);
        add(r, (item){IT_BEST, r->res.hits[0].title, r->snippet, r->res.hits[0].id, 0, 0});
        first = 1;
        if (r->res.n_hits > 1) add(r, (item){IT_HEADING, app_tr(a, "results.maybe"), NULL, NULL, 0, 0});
    } else if (!unsure) {
        add(r, (item){IT_NOMATCH, app_tr(a, "results.no_match_title"), app_tr(a, "results.no_match"), NULL, 0, 0});
    }
    /* Unsure, the engine's closest few stay short enough that the offer of
     * a person below them is on screen without scrolling. */
    size_t shown = r->res.confident ? r->res.n_hits : (r->res.n_hits < UNSURE_CHOICES ? r->res.n_hits : UNSURE_CHOICES);
    for (size_t i = first; i < shown && ci < MAX_HITS; i++) {
        r->captions[ci] = lang_caption(a, r->res.hits[i].locale);
        add(r, (item){IT_ROW, r->res.hits[i].title, r->captions[ci], r->res.hits[i].id, 0, 0});
        ci++;
    }
    if (unsure) add(r, (item){IT_NOMATCH, app_tr(a, "results.not_listed_title"), NULL, NULL, 0, 0});
}

/* Heights of the best-answer and no-match cards, drawn or measured. */
static int best_card(app *a, const item *it, SDL_Rect rc, int draw, int pressed)
{
    ks_ui *ui = app_ui(a);
    const ks_theme_colors *c = ks_ui_colors(ui);
    int pad = ks_ui_sp(ui, 3.5f);
    int w = rc.w - pad * 2;
    ks_text_style ls = ks_ui_style(ui, KS_TYPE_CAPTION, 1, c->primary);
    ks_text_style ts = ks_ui_style(ui, KS_TYPE_TITLE, 1, c->text);
    ks_text_style bs = ks_ui_style(ui, KS_TYPE_BODY, 0, c->text_muted);
    if (ks_ui_theme(ui)->high_contrast) ls.color = c->text;
    int lh = 0, th = 0, bh = 0;
    const char *label = app_tr(a, "results.best");
    ks_ui_text_size(ui, label, &ls, w, 1, NULL, &lh);
    ks_ui_text_size(ui, it->text, &ts, w, 3, NULL, &th);
    if (it->caption) ks_ui_text_size(ui, it->caption, &bs, w, 3, NULL, &bh);
    int g = ks_ui_sp(ui, 1.25f);
    int h = pad + lh + g + th + (bh ? g + bh : 0) + pad;
    if (draw) {
        rc.h = h;
        ks_widget_card(ui, rc, ks_ui_metrics(ui)->radius_px, pressed);
        /* an accent bar marks the best answer */
        ks_ui_round_rect(ui, (SDL_Rect){rc.x + ks_ui_sp(ui, 1.5f), rc.y + pad, ks_ui_px(ui, 5), h - pad * 2}, ks_ui_px(ui, 3),
                         c->primary);
        int y = rc.y + pad;
        ks_ui_text(ui, label, &ls, rc.x + pad, y, w, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
        y += lh + g;
        ks_ui_text(ui, it->text, &ts, rc.x + pad, y, w, 3, KS_ALIGN_LEFT, 255, NULL, NULL);
        y += th + g;
        if (bh) ks_ui_text(ui, it->caption, &bs, rc.x + pad, y, w, 3, KS_ALIGN_LEFT, 255, NULL, NULL);
    }
    return h;
}

static int nomatch_card(app *a, const item *it, SDL_Rect rc, int draw)
{
    ks_ui *ui = app_ui(a);
    const ks_theme_colors *c = ks_ui_colors(ui);
    int pad = ks_ui_sp(ui, 3.5f);
    int touch = ks_ui_metrics(ui)->touch_px;
    int disc = touch;
    int tx = rc.x + pad + disc + ks_ui_sp(ui, 2.5f);
    int w = rc.x + rc.w - pad - tx;
    ks_text_style ts = ks_ui_style(ui, KS_TYPE_SUBTITLE, 1, c->text);
    ks_text_style bs = ks_ui_style(ui, KS_TYPE_BODY, 0, c->text_muted);
    int th = 0, bh = 0;
    ks_ui_text_size(ui, it->text, &ts, w, 3, NULL, &th);
    if (it->caption) ks_ui_text_size(ui, it->caption, &bs, w, 4, NULL, &bh);
    const char *cta = app_tr(a, "handoff.talk_to_person");
    int bw = ks_widget_button_width(ui, touch, KS_ICON_PERSON, cta);
    if (bw > w) bw = w;
    int g = ks_ui_sp(ui, 1.25f);
    int h = pad + th + (bh ? g + bh : 0) + ks_ui_sp(ui, 3) + touch + pad;
    if (draw) {
        rc.h = h;
        ks_widget_card(ui, rc, ks_ui_metrics(ui)->radius_px, 0);
        ks_ui_circle(ui, rc.x + pad + disc / 2, rc.y + pad + disc / 2, disc / 2, ks_widget_hue(ui, 1, 0));
        int is = disc * 60 / 100;
        ks_ui_icon(ui, KS_ICON_QUESTION, rc.x + pad + (disc - is) / 2, rc.y + pad + (disc - is) / 2, is,
                   ks_widget_hue(ui, 1, 1));
        int y = rc.y + pad;
        ks_ui_text(ui, it->text, &ts, tx, y, w, 3, KS_ALIGN_LEFT, 255, NULL, NULL);
        y += th;
        if (bh) {
            ks_ui_text(ui, it->caption, &bs, tx, y + g, w, 4, KS_ALIGN_LEFT, 255, NULL, NULL);
            y += g + bh;
        }
        y += ks_ui_sp(ui, 3);
        SDL_Rect b = {tx, y, bw, touch};
        ks_widget_button(ui, b, KS_BUTTON_PRIMARY, KS_ICON_PERSON, cta, app_pressed(a, HIT_HANDOFF));
        ks_ui_hit(ui, KS_HIT_SCREEN, HIT_HANDOFF, b, NULL, 1);
    }
    return h;
}

static int item_height(results *r, app *a, item *it)
{
    int w = r->col.w;
    switch (it->kind) {
    case IT_HEADING: return sc_heading(a, it->text, 0, 0, w, 0);
    case IT_HINT: {
        ks_ui *ui = app_ui(a);
        ks_text_style st = ks_ui_style(ui, KS_TYPE_BODY, 0, ks_ui_colors(ui)->text_muted);
        int h = 0;
        ks_ui_text_size(ui, it->text, &st, w, 3, NULL, &h);
        return h;
    }
    case IT_BEST: return best_card(a, it, (SDL_Rect){0, 0, w, 0}, 0, 0);
    case IT_NOMATCH: return nomatch_card(a, it, (SDL_Rect){0, 0, w, 0}, 0);
    case IT_ROW: return ks_widget_row_height(app_ui(a), w, it->text, it->caption, 2);
    }
    return 0;
}

static void results_layout(screen *s, app *a)
{
    results *r = (results *)s;
    ks_ui *ui = app_ui(a);
    SDL_Rect A = s->area;
    r->col = sc_column(a, A, 44);
    int touch = ks_ui_metrics(ui)->touch_px;
    int M = sc_margin(a);
    r->field_r = (SDL_Rect){r->col.x, A.y + M * 3 / 4, r->col.w, touch * 5 / 4};
    int ly = r->field_r.y + r->field_r.h + ks_ui_sp(ui, 2);
    r->list = (SDL_Rect){A.x, ly, A.w, A.y + A.h - ly};
    int y = ks_ui_sp(ui, 2);
    for (size_t i = 0; i < r->n_items; i++) {
        item *it = &r->items[i];
        /* more air before a heading than between rows */
        if (it->kind == IT_HEADING && i > 0) y += ks_ui_sp(ui, 3);
        it->y = y;
        it->h = item_height(r, a, it);
        y += it->h + (it->kind == IT_HEADING || it->kind == IT_HINT ? ks_ui_sp(ui, 2) : ks_ui_sp(ui, 1.5f));
    }
    ks_scroll_set_extent(r->scroll, (float)r->list.h, (float)(y + M));
}

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xFF) * 1099511628211ull; /* a separator, so "ab"+"c" != "a"+"bc" */
}

static uint64_t item_hash(const item *it)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)it->kind;
    return fnv(fnv(fnv(h, it->text), it->caption), it->id);
}

/* Redraws only the items that differ from the list on screen: typing one
 * more letter usually changes the heading and a few rows, not all. */
static void invalidate_changes(results *r, app *a, int scrolled)
{
    ks_ui *ui = app_ui(a);
    if (!r->drawn_once || scrolled) {
        ks_ui_invalidate(ui, r->list);
    } else {
        int base = r->list.y;
        size_t n = r->n_items > r->n_prev ? r->n_items : r->n_prev;
        int edge = ks_ui_px(ui, 8); /* the card's soft lower edge */
        for (size_t i = 0; i < n; i++) {
            int same = i < r->n_items && i < r->n_prev && r->prev[i].hash == item_hash(&r->items[i]) &&
                       r->prev[i].y == r->items[i].y && r->prev[i].h == r->items[i].h;
            if (same) continue;
            if (i < r->n_prev) ks_ui_invalidate(ui, (SDL_Rect){r->list.x, base + r->prev[i].y, r->list.w, r->prev[i].h + edge});
            if (i < r->n_items) ks_ui_invalidate(ui, (SDL_Rect){r->list.x, base + r->items[i].y, r->list.w, r->items[i].h + edge});
        }
        ks_ui_invalidate(ui, ks_widget_scrollbar_strip(ui, r->list));
    }
    for (size_t i = 0; i < r->n_items; i++) {
        r->prev[i].hash = item_hash(&r->items[i]);
        r->prev[i].y = r->items[i].y;
        r->prev[i].h = r->items[i].h;
    }
    r->n_prev = r->n_items;
}

static void search_now(results *r, app *a, int quick)
{
    int refining = !quick && r->refine_at != 0;
    r->searched_rev = ks_textfield_revision(r->field);
    r->searched_once = 1;
    rebuild(r, a, quick);
    /* a refinement keeps where the visitor scrolled to; a new query starts
     * at the top */
    int scrolled = !refining && sc_offset(r->scroll) != 0;
    if (!refining) ks_scroll_set_offset(r->scroll, 0);
    results_layout(&r->base, a);
    invalidate_changes(r, a, scrolled);
}

static void results_reload(screen *s, app *a)
{
    results *r = (results *)s;
    r->drawn_once = 0; /* locale or content changed: everything is new */
    search_now(r, a, 0);
}

static void results_draw(screen *s, app *a)
{
    results *r = (results *)s;
    ks_ui *ui = app_ui(a);
    const ks_theme_colors *c = ks_ui_colors(ui);
    ks_textfield_look look = {app_tr(a, "search.placeholder"), 1, 1, app_now(a)};
    SDL_Rect clear = {0};
    ks_textfield_draw(ui, r->field, r->field_r, &look, &clear);
    /* The field itself: a touch (or A) brings the on-screen keyboard. */
    ks_ui_hit(ui, KS_HIT_SCREEN, HIT_FIELD, r->field_r, NULL, 1);
    if (clear.w) ks_ui_hit(ui, KS_HIT_SCREEN, HIT_CLEAR, clear, NULL, 1);

    r->drawn_once = 1;
    ks_ui_push_clip(ui, r->list);
    int off = sc_offset(r->scroll);
    r->drawn_off = off;
    int base = r->list.y - off;
    for (size_t i = 0; i < r->n_items; i++) {
        item *it = &r->items[i];
        SDL_Rect rc = {r->col.x, base + it->y, r->col.w, it->h};
        if (!ks_ui_visible(ui, (SDL_Rect){rc.x, rc.y, rc.w, rc.h + ks_ui_px(ui, 4)})) continue;
        switch (it->kind) {
        case IT_HEADING: sc_heading(a, it->text, rc.x, rc.y, rc.w, 1); break;
        case IT_HINT: {
            ks_text_style st = ks_ui_style(ui, KS_TYPE_BODY, 0, c->text_muted);
            ks_ui_text(ui, it->text, &st, rc.x, rc.y, rc.w, 3, KS_ALIGN_LEFT, 255, NULL, NULL);
            break;
        }
        case IT_BEST:
            best_card(a, it, rc, 1, app_pressed(a, HIT_BEST));
            ks_ui_hit(ui, KS_HIT_SCREEN, HIT_BEST, rc, r->scroll, 1);
            break;
        case IT_NOMATCH: nomatch_card(a, it, rc, 1); break;
        case IT_ROW:
            ks_widget_row(ui, rc, KS_ICON_DOCUMENT, it->text, it->caption, 2, app_pressed(a, HIT_ROW0 + (int)i));
            ks_ui_hit(ui, KS_HIT_SCREEN, HIT_ROW0 + (int)i, rc, r->scroll, 1);
            break;
        }
    }
    ks_ui_pop_clip(ui);
    ks_widget_scrollbar(ui, r->list, ks_scroll_offset(r->scroll), ks_scroll_max(r->scroll), 255);
}

static int results_update(screen *s, app *a, uint64_t now)
{
    results *r = (results *)s;
    if (r->refine_at && now >= r->refine_at) search_now(r, a, 0);
    sc_caret_update(a, r->field, r->field_r, &r->caret_drawn, now);
    int m = ks_ui_sp(app_ui(a), 2);
    return sc_scroll_update_band(a, r->scroll, r->list, r->col.x - m, r->col.w + 2 * m, &r->drawn_off, now);
}

static uint64_t results_deadline(screen *s, app *a, uint64_t now)
{
    results *r = (results *)s;
    uint64_t d = sc_caret_deadline(a, r->field, now);
    return r->refine_at && (!d || r->refine_at < d) ? r->refine_at : d;
}

static void open_item(results *r, app *a, size_t i)
{
    if (i < r->n_items && r->items[i].id) app_open_article(a, r->items[i].id);
}

static void results_tap(screen *s, app *a, int id, int x, int y)
{
    results *r = (results *)s;
    (void)x;
    (void)y;
    if (id == HIT_CLEAR) {
        ks_textfield_clear(r->field);
        ks_textfield_touch(r->field, app_now(a));
        search_now(r, a, 0);
    } else if (id == HIT_FIELD) {
        ks_textfield_touch(r->field, app_now(a));
        app_keyboard_show(a);
    } else if (id == HIT_HANDOFF) {
        app_show_handoff(a);
    } else if (id == HIT_BEST) {
        for (size_t i = 0; i < r->n_items; i++)
            if (r->items[i].kind == IT_BEST) open_item(r, a, i);
    } else if (id >= HIT_ROW0) {
        open_item(r, a, (size_t)(id - HIT_ROW0));
    }
}

static int results_key(screen *s, app *a, SDL_Keycode key, Uint16 mod)
{
    results *r = (results *)s;
    (void)mod;
    if (key == SDLK_RETURN || key == SDLK_KP_ENTER) {
        /* Enter opens the best answer, or the first suggestion. */
        for (size_t i = 0; i < r->n_items; i++)
            if (r->items[i].id) {
                open_item(r, a, i);
                return 1;
            }
        return 1;
    }
    if (key == SDLK_PAGEDOWN || key == SDLK_PAGEUP) {
        float d = (float)r->list.h * 0.85f * (key == SDLK_PAGEDOWN ? 1.0f : -1.0f);
        ks_scroll_animate_by(r->scroll, d, app_now(a), 200);
        ks_ui_invalidate(app_ui(a), r->list);
        return 1;
    }
    return 0;
}

static ks_textfield *results_field(screen *s) { return ((results *)s)->field; }

static void results_text_changed(screen *s, app *a)
{
    results *r = (results *)s;
    ks_ui_invalidate(app_ui(a), r->field_r);
    if (!r->searched_once || ks_textfield_revision(r->field) != r->searched_rev) search_now(r, a, 1);
}

static ks_scroll *results_scroll_at(screen *s, int x, int y)
{
    results *r = (results *)s;
    SDL_Point p = {x, y};
    return SDL_PointInRect(&p, &r->list) ? r->scroll : NULL;
}

static void results_enter(screen *s, app *a)
{
    results *r = (results *)s;
    ks_textfield_touch(r->field, app_now(a));
}

static const screen_ops results_ops = {
    .name = "results",
    .destroy = results_destroy,
    .layout = results_layout,
    .reload = results_reload,
    .draw = results_draw,
    .update = results_update,
    .deadline = results_deadline,
    .tap = results_tap,
    .key = results_key,
    .field = results_field,
    .text_changed = results_text_changed,
    .scroll_at = results_scroll_at,
    .enter = results_enter,
};

screen *screen_results_new(app *a, const char *query)
{
    results *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->base.ops = &results_ops;
    r->field = ks_textfield_create(256);
    r->scroll = ks_scroll_create();
    if (!r->field || !r->scroll) {
        results_destroy(&r->base);
        return NULL;
    }
    r->caret_drawn = 1;
    ks_textfield_set_text(r->field, query ? query : "");
    r->base.area = app_area(a);
    r->base.layout_gen = app_layout_gen(a);
    search_now(r, a, 0);
    return &r->base;
}
