/*
 * test_text.c - the text engine with the real fonts (fontconfig, SDL_ttf)
 * on a software renderer: font fallback per run, wrapping, CJK punctuation
 * rules, ellipsis, the label cache, link hit tests, carets, missing fonts,
 * and rendered pixels (baseline alignment, descenders, alpha).
 *
 * Sample PNGs go to the test's temporary directory, and also to
 * $KS_TEXT_SAMPLES_DIR when set (to look at them).
 */
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include "test.h"
#include "ks/font.h"
#include "ks/text.h"

static const SDL_Color INK = {20, 24, 32, 255};
static const SDL_Color LINK = {0, 90, 200, 255};

typedef struct canvas {
    SDL_Surface *s;
    SDL_Renderer *r;
    ks_text *t;
} canvas;

static void canvas_open(canvas *c, int w, int h, const ks_text_options *opt)
{
    memset(c, 0, sizeof *c);
    c->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    KS_REQUIRE(c->s != NULL);
    c->r = SDL_CreateSoftwareRenderer(c->s);
    KS_REQUIRE(c->r != NULL);
    SDL_SetRenderDrawColor(c->r, 255, 255, 255, 255);
    SDL_RenderClear(c->r);
    ks_error err = {0};
    ks_status st = ks_text_create_with(c->r, opt, &c->t, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    KS_REQUIRE(st == KS_OK);
}

static void canvas_close(canvas *c)
{
    ks_text_destroy(c->t);
    if (c->r) SDL_DestroyRenderer(c->r);
    if (c->s) SDL_FreeSurface(c->s);
    memset(c, 0, sizeof *c);
}

static void canvas_save(canvas *c, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.png", ks_test_tmpdir(), name);
    KS_CHECK(IMG_SavePNG(c->s, path) == 0);
    const char *keep = getenv("KS_TEXT_SAMPLES_DIR");
    if (keep && *keep) {
        snprintf(path, sizeof path, "%s/%s.png", keep, name);
        IMG_SavePNG(c->s, path);
        fprintf(stderr, "     sample: %s\n", path);
    }
}

/* Darkness 0..255 of a pixel on the white canvas. */
static int dark(SDL_Surface *s, int x, int y)
{
    if (x < 0 || y < 0 || x >= s->w || y >= s->h) return 0;
    Uint32 p = ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
    int g = (int)(((p >> 16) & 0xFF) + ((p >> 8) & 0xFF) + (p & 0xFF)) / 3;
    return 255 - g;
}

/* The lowest row with ink in columns [x0, x1), or -1. */
static int ink_bottom(SDL_Surface *s, int x0, int x1, int y0, int y1)
{
    for (int y = y1 - 1; y >= y0; y--)
        for (int x = x0; x < x1; x++)
            if (dark(s, x, y) > 96) return y;
    return -1;
}

static int ink_top(SDL_Surface *s, int x0, int x1, int y0, int y1)
{
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            if (dark(s, x, y) > 96) return y;
    return -1;
}

static ks_text_style style(int size, const char *locale)
{
    ks_text_style st = {size, 0, INK, locale};
    return st;
}

/* The UTF-8 text of a line of a layout made from text. */
static void line_text(const ks_text_layout *l, const char *text, size_t i, char *out, size_t cap)
{
    ks_text_line_info li;
    out[0] = '\0';
    if (ks_text_layout_line_info(l, i, &li) != 0) return;
    size_t n = li.byte_end - li.byte_start;
    if (n >= cap) n = cap - 1;
    memcpy(out, text + li.byte_start, n);
    out[n] = '\0';
}

static uint32_t decode1(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *len = 1;
        return u[0];
    }
    if ((u[0] & 0xE0) == 0xC0) {
        *len = 2;
        return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    }
    if ((u[0] & 0xF0) == 0xE0) {
        *len = 3;
        return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    }
    *len = 4;
    return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
           ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
}

/* --- fallback ------------------------------------------------------------ */

static void check_every_glyph_provided(ks_text *t, ks_text_layout *l, const char *text, int size,
                                       int want_cjk_face)
{
    ks_fonts *fonts = ks_text_fonts(t);
    int latin = 0, cjk = 0;
    for (size_t i = 0; i < ks_text_layout_runs(l); i++) {
        ks_text_run_info ri;
        KS_REQUIRE(ks_text_layout_run_info(l, i, &ri) == 0);
        for (size_t b = ri.byte_start; b < ri.byte_end;) {
            size_t n;
            uint32_t cp = decode1(text + b, &n);
            TTF_Font *f = ks_fonts_get(fonts, ri.face, size, ri.bold, NULL);
            KS_REQUIRE(f != NULL);
            KS_CHECK_MSG(TTF_GlyphIsProvided32(f, cp), "U+%04X drawn with face %d (%s) that lacks it",
                         (unsigned)cp, ri.face, ks_fonts_face_family(fonts, ri.face));
            if (cp >= 0x4E00 && cp <= 0x9FFF) {
                KS_CHECK_MSG(ri.face == want_cjk_face, "U+%04X in face %d, want %d", (unsigned)cp, ri.face,
                             want_cjk_face);
                cjk++;
            }
            if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
                KS_CHECK_MSG(ri.face == KS_FACE_LATIN, "'%c' in face %d, not the Latin face", (char)cp,
                             ri.face);
                latin++;
            }
            b += n;
        }
    }
    KS_CHECK(latin > 0 && cjk > 0);
}

static void test_mixed_text_falls_back_per_run_with_no_missing_glyph(void)
{
    canvas c;
    canvas_open(&c, 640, 200, NULL);
    const char *text = "Hello 你好 world 繁體";
    ks_text_layout *l = NULL;
    ks_error err;
    ks_text_style st = style(28, "en");
    KS_REQUIRE(ks_text_layout_plain(c.t, text, &st, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    KS_CHECK(ks_text_layout_lines(l) == 1);
    KS_CHECK(ks_text_layout_runs(l) >= 4); /* Latin, CJK, Latin, CJK */
    check_every_glyph_provided(c.t, l, text, 28, KS_FACE_CJK_SC);
    ks_text_layout_draw(c.t, l, 10, 10, 255);
    ks_text_layout_destroy(l);

    /* Traditional locale: the same ideographs come from the TC face. */
    st = style(28, "zh-Hant");
    KS_REQUIRE(ks_text_layout_plain(c.t, text, &st, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    check_every_glyph_provided(c.t, l, text, 28, KS_FACE_CJK_TC);
    ks_text_layout_draw(c.t, l, 10, 60, 255);
    ks_text_layout_destroy(l);

    /* Bold, with punctuation of both kinds and a symbol. */
    const char *text2 = "PIN码：“1234”，OK… → ½ 確認！";
    st = style(28, "zh-Hans");
    st.bold = 1;
    KS_REQUIRE(ks_text_layout_plain(c.t, text2, &st, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    check_every_glyph_provided(c.t, l, text2, 28, KS_FACE_CJK_SC);
    ks_text_layout_draw(c.t, l, 10, 110, 255);
    ks_text_layout_destroy(l);
    canvas_save(&c, "fallback");
    canvas_close(&c);
}

static void test_ideographs_take_the_locale_variant_faces(void)
{
    canvas c;
    canvas_open(&c, 10, 10, NULL);
    ks_fonts *f = ks_text_fonts(c.t);
    int sc_index = -1, tc_index = -1;
    const char *sc = ks_fonts_face_file(f, KS_FACE_CJK_SC, 0, &sc_index);
    const char *tc = ks_fonts_face_file(f, KS_FACE_CJK_TC, 0, &tc_index);
    KS_REQUIRE(sc && tc);
    /* Noto Sans CJK ships one .ttc: the variants are different faces in it. */
    KS_CHECK(strcmp(sc, tc) != 0 || sc_index != tc_index);
    KS_CHECK(strstr(ks_fonts_face_family(f, KS_FACE_CJK_SC), "SC") != NULL);
    KS_CHECK(strstr(ks_fonts_face_family(f, KS_FACE_CJK_TC), "TC") != NULL);
    int bold = 0;
    KS_CHECK(ks_fonts_pick(f, 0x4F60, KS_FACE_CJK_TC, KS_FACE_CJK_TC, &bold) == KS_FACE_CJK_TC);
    bold = 0;
    KS_CHECK(ks_fonts_pick(f, 'A', KS_FACE_LATIN, KS_FACE_CJK_TC, &bold) == KS_FACE_LATIN);
    /* A Latin face asked for an ideograph hands it to the CJK face. */
    bold = 0;
    KS_CHECK(ks_fonts_pick(f, 0x4F60, KS_FACE_LATIN, KS_FACE_CJK_SC, &bold) == KS_FACE_CJK_SC);
    canvas_close(&c);
}

static void test_code_point_outside_both_faces_uses_a_fontconfig_fallback(void)
{
    canvas c;
    canvas_open(&c, 300, 80, NULL);
    /* U+1D49C MATHEMATICAL SCRIPT CAPITAL A: only DejaVu Math TeX Gyre has
     * it here. U+0E01 (Thai): no installed font has it. */
    const char *text = "A \xF0\x9D\x92\x9C B \xE0\xB8\x81";
    ks_text_style st = style(28, "en");
    ks_text_layout *l = NULL;
    ks_error err;
    KS_REQUIRE(ks_text_layout_plain(c.t, text, &st, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    ks_fonts *f = ks_text_fonts(c.t);
    KS_CHECK(ks_fonts_face_count(f) == KS_FACE_FIRST_FALLBACK + 1);
    int found = 0;
    for (size_t i = 0; i < ks_text_layout_runs(l); i++) {
        ks_text_run_info ri;
        ks_text_layout_run_info(l, i, &ri);
        if (ri.byte_start == 2) {
            found = 1;
            KS_CHECK(ri.face == KS_FACE_FIRST_FALLBACK);
            KS_CHECK(ri.byte_end == 6 || ri.byte_end == 7); /* the space after may join it */
            TTF_Font *font = ks_fonts_get(f, ri.face, 28, 0, NULL);
            KS_CHECK(font && TTF_GlyphIsProvided32(font, 0x1D49C));
        }
    }
    KS_CHECK(found);
    const char *fam = ks_fonts_face_family(f, KS_FACE_FIRST_FALLBACK);
    KS_CHECK_MSG(fam && strstr(fam, "Math"), "fallback family %s", fam ? fam : "(none)");
    ks_text_layout_draw(c.t, l, 10, 10, 255);
    ks_text_layout_destroy(l);
    /* Laying it out again finds no new face (the miss is remembered). */
    KS_REQUIRE(ks_text_layout_plain(c.t, text, &st, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    KS_CHECK(ks_fonts_face_count(f) == KS_FACE_FIRST_FALLBACK + 1);
    ks_text_layout_destroy(l);
    canvas_close(&c);
}

/* --- wrapping ------------------------------------------------------------ */

static void test_latin_wraps_at_spaces_within_the_width(void)
{
    canvas c;
    canvas_open(&c, 400, 300, NULL);
    const char *text = "The quick brown fox jumps over the lazy dog and keeps on running far away";
    ks_text_style st = style(22, "en");
    ks_text_layout *l = NULL;
    ks_error err;
    KS_REQUIRE(ks_text_layout_plain(c.t, text, &st, 180, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    size_t n = ks_text_layout_lines(l);
    KS_CHECK(n >= 4);
    KS_CHECK(ks_text_layout_width(l) <= 180);
    KS_CHECK(ks_text_layout_height(l) == (int)n * ((22 * 140 + 50) / 100));
    size_t covered = 0;
    for (size_t i = 0; i < n; i++) {
        ks_text_line_info li;
        KS_REQUIRE(ks_text_layout_line_info(l, i, &li) == 0);
        KS_CHECK(li.width <= 180);
        KS_CHECK(li.byte_start >= covered);
        KS_CHECK(text[li.byte_start] != ' ');
        /* Broken at a space (or the end): no word is split. */
        KS_CHECK_MSG(text[li.byte_end] == ' ' || text[li.byte_end] == '\0', "line %zu ends inside a word", i);
        covered = li.byte_end;
        /* Greedy: the next word would not have fitted. */
        if (i + 1 < n) {
            ks_text_line_info next;
            ks_text_layout_line_info(l, i + 1, &next);
            char buf[256];
            size_t wl = strcspn(text + next.byte_start, " ");
            snprintf(buf, sizeof buf, "%.*s %.*s", (int)(li.byte_end - li.byte_start), text + li.byte_start,
                     (int)wl, text + next.byte_start);
            int w = 0, h = 0;
            ks_text_measure(c.t, buf, &st, 0, 0, &w, &h);
            KS_CHECK_MSG(w > 180, "\"%s\" is %d px: it fitted on one line", buf, w);
        }
    }
    ks_text_layout_draw(c.t, l, 10, 10, 255);
    ks_text_layout_destroy(l);
    canvas_save(&c, "latin_wrap");
    canvas_close(&c);
}

static void test_cjk_never_starts_a_line_with_comma_or_full_stop(void)
{
    canvas c;
    canvas_open(&c, 480, 600, NULL);
    const char *text =
        "您好，欢迎使用自助服务终端。请选择您需要办理的业务，如需帮助，请按屏幕下方的“人工服务”按钮，"
        "工作人员会尽快为您服务。谢谢您的耐心等待。";
    ks_text_style st = style(24, "zh-Hans");
    int bad = 0, lines_total = 0;
    for (int w = 100; w <= 460; w += 9) {
        ks_text_layout *l = NULL;
        ks_error err;
        KS_REQUIRE(ks_text_layout_plain(c.t, text, &st, w, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
        for (size_t i = 0; i < ks_text_layout_lines(l); i++) {
            char buf[512];
            line_text(l, text, i, buf, sizeof buf);
            lines_total++;
            if (strncmp(buf, "，", 3) == 0 || strncmp(buf, "。", 3) == 0 || strncmp(buf, "”", 3) == 0) {
                bad++;
                fprintf(stderr, "  width %d line %zu starts with punctuation: %s\n", w, i, buf);
            }
            size_t len = strlen(buf);
            if (len >= 3 && strcmp(buf + len - 3, "“") == 0) {
                bad++;
                fprintf(stderr, "  width %d line %zu ends with an opening quote: %s\n", w, i, buf);
            }
            ks_text_line_info li;
            ks_text_layout_line_info(l, i, &li);
            KS_CHECK_MSG(li.width <= w, "width %d line %zu is %d wide", w, i, li.width);
        }
        if (w == 316) ks_text_layout_draw(c.t, l, 10, 10, 255);
        ks_text_layout_destroy(l);
    }
    KS_CHECK(bad == 0);
    KS_CHECK(lines_total > 100);
    canvas_save(&c, "cjk_wrap");
    canvas_close(&c);
}

/* --- ellipsis and max_lines ---------------------------------------------- */

static void test_max_lines_end_with_an_ellipsis_within_the_width(void)
{
    canvas c;
    canvas_open(&c, 420, 260, NULL);
    const char *texts[] = {
        "When will my new debit card arrive, and what should I do if it has not arrived after ten days?",
        "新卡寄出后一般七个工作日内送达；如果十天后仍未收到，请致电客服热线挂失并补办新卡。",
        "Supercalifragilisticexpialidociousandevenlongerwordsthatneverend",
    };
    for (size_t k = 0; k < 3; k++) {
        for (int lines = 1; lines <= 2; lines++) {
            ks_text_style st = style(24, k == 1 ? "zh-Hans" : "en");
            ks_text_layout *l = NULL;
            ks_error err;
            KS_REQUIRE(ks_text_layout_plain(c.t, texts[k], &st, 220, lines, KS_ALIGN_LEFT, &l, &err) ==
                       KS_OK);
            KS_CHECK(ks_text_layout_lines(l) == (size_t)lines);
            ks_text_line_info li;
            KS_REQUIRE(ks_text_layout_line_info(l, (size_t)lines - 1, &li) == 0);
            KS_CHECK(li.ellipsis);
            KS_CHECK_MSG(li.width <= 220, "text %zu, %d lines: last line %d px", k, lines, li.width);
            KS_CHECK(ks_text_layout_width(l) <= 220);
            ks_text_run_info ri;
            KS_REQUIRE(ks_text_layout_run_info(l, ks_text_layout_runs(l) - 1, &ri) == 0);
            KS_CHECK(ri.ellipsis && ri.line == (size_t)lines - 1);
            KS_CHECK(ri.x + ri.width <= 220);
            if (lines == 2) ks_text_layout_draw(c.t, l, 10, 10 + (int)k * 80, 255);
            ks_text_layout_destroy(l);
        }
    }
    /* Short text with room to spare: no ellipsis. */
    ks_text_style st = style(24, "en");
    ks_text_layout *l = NULL;
    ks_error err;
    KS_REQUIRE(ks_text_layout_plain(c.t, "Cards", &st, 220, 1, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    ks_text_line_info li;
    ks_text_layout_line_info(l, 0, &li);
    KS_CHECK(!li.ellipsis);
    ks_text_layout_destroy(l);
    canvas_save(&c, "ellipsis");
    canvas_close(&c);
}

static void test_hard_newlines_make_lines(void)
{
    canvas c;
    canvas_open(&c, 100, 100, NULL);
    ks_text_style st = style(18, "en");
    int w1 = 0, h1 = 0, w3 = 0, h3 = 0;
    ks_text_measure(c.t, "one", &st, 0, 0, &w1, &h1);
    ks_text_measure(c.t, "one\r\ntwo\nthree", &st, 0, 0, &w3, &h3);
    KS_CHECK(h3 == 3 * h1);
    KS_CHECK(w3 > w1);
    canvas_close(&c);
}

/* --- cache --------------------------------------------------------------- */

static void test_drawing_the_same_text_twice_is_one_miss_then_one_hit(void)
{
    canvas c;
    canvas_open(&c, 400, 100, NULL);
    ks_text_style st = style(24, "zh-Hant");
    ks_text_stats s;
    ks_text_draw(c.t, "歡迎光臨 Welcome", &st, 10, 10, 0, 0, KS_ALIGN_LEFT, 255, NULL, NULL);
    ks_text_get_stats(c.t, &s);
    KS_CHECK(s.misses == 1 && s.hits == 0);
    KS_CHECK(s.cached_layouts == 1);
    KS_CHECK(s.cached_bytes > 0);
    size_t bytes = s.cached_bytes;
    int w = 0, h = 0;
    ks_text_draw(c.t, "歡迎光臨 Welcome", &st, 10, 50, 0, 0, KS_ALIGN_LEFT, 255, &w, &h);
    ks_text_get_stats(c.t, &s);
    KS_CHECK(s.misses == 1 && s.hits == 1);
    KS_CHECK(s.cached_bytes == bytes); /* nothing rendered again */
    KS_CHECK(w > 0 && h > 0);
    /* Any difference in the key is another entry. */
    st.bold = 1;
    ks_text_draw(c.t, "歡迎光臨 Welcome", &st, 10, 50, 0, 0, KS_ALIGN_LEFT, 255, NULL, NULL);
    ks_text_get_stats(c.t, &s);
    KS_CHECK(s.misses == 2 && s.cached_layouts == 2);
    /* Measuring, then drawing centred (what a widget does each frame):
     * one layout for both, aligned when drawn. */
    st.bold = 0;
    st.size_px = 20;
    int mw = 0, mh = 0;
    ks_text_measure(c.t, "OK", &st, 200, 1, &mw, &mh);
    SDL_SetRenderDrawColor(c.r, 255, 255, 255, 255);
    SDL_RenderClear(c.r);
    ks_text_draw(c.t, "OK", &st, 100, 10, 200, 1, KS_ALIGN_CENTER, 255, NULL, NULL);
    ks_text_get_stats(c.t, &s);
    KS_CHECK(s.misses == 3 && s.hits == 2);
    int left = -1, right = -1;
    for (int x = 0; x < 400; x++)
        for (int y = 0; y < 60; y++)
            if (dark(c.s, x, y) > 96) {
                if (left < 0) left = x;
                right = x;
            }
    KS_CHECK_MSG(left >= 100 + (200 - mw) / 2 - 2 && right <= 100 + (200 + mw) / 2 + 2,
                 "ink %d..%d, width %d", left, right, mw);
    ks_text_flush_cache(c.t);
    ks_text_get_stats(c.t, &s);
    KS_CHECK(s.cached_layouts == 0 && s.cached_bytes == 0);
    canvas_close(&c);
}

static void test_texture_budget_evicts_least_recently_drawn(void)
{
    canvas c;
    ks_text_options opt = {0};
    opt.texture_budget = 48 * 1024;
    opt.max_cached_layouts = 8;
    canvas_open(&c, 800, 600, &opt);
    ks_text_style st = style(30, "en");
    ks_text_stats s;
    char buf[64];
    for (int i = 0; i < 40; i++) {
        snprintf(buf, sizeof buf, "Label number %d with some width", i);
        ks_text_draw(c.t, buf, &st, 0, (i % 15) * 40, 0, 0, KS_ALIGN_LEFT, 255, NULL, NULL);
        ks_text_get_stats(c.t, &s);
        KS_CHECK(s.cached_layouts <= 8);
        KS_CHECK_MSG(s.cached_bytes <= opt.texture_budget, "%zu bytes over a %zu budget", s.cached_bytes,
                     opt.texture_budget);
    }
    KS_CHECK(s.misses == 40);
    /* The most recent label is still cached; the first one is gone. */
    ks_text_draw(c.t, buf, &st, 0, 0, 0, 0, KS_ALIGN_LEFT, 255, NULL, NULL);
    ks_text_get_stats(c.t, &s);
    KS_CHECK(s.hits == 1);
    ks_text_draw(c.t, "Label number 0 with some width", &st, 0, 0, 0, 0, KS_ALIGN_LEFT, 255, NULL, NULL);
    ks_text_get_stats(c.t, &s);
    KS_CHECK(s.misses == 41);
    canvas_close(&c);
}

static void test_a_long_layout_scrolled_through_keeps_only_visible_lines(void)
{
    canvas c;
    ks_text_options opt = {0};
    opt.texture_budget = 400 * 1024; /* a screenful, a fifth of the article */
    canvas_open(&c, 400, 200, &opt);
    char text[8192];
    size_t o = 0;
    for (int i = 0; i < 60 && o + 100 < sizeof text; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "第%d段：请携带有效身份证件到任一网点柜台办理。", i);
    ks_text_style st = style(24, "zh-Hans");
    ks_text_layout *l = NULL;
    ks_error err;
    KS_REQUIRE(ks_text_layout_plain(c.t, text, &st, 380, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    KS_REQUIRE(ks_text_layout_lines(l) > 40);
    ks_text_stats s;
    for (int scroll = 0; scroll < ks_text_layout_height(l); scroll += 50) {
        ks_text_layout_draw(c.t, l, 10, -scroll, 255);
        ks_text_get_stats(c.t, &s);
        KS_CHECK_MSG(s.cached_bytes <= opt.texture_budget, "%zu bytes at scroll %d", s.cached_bytes, scroll);
        KS_CHECK(s.cached_bytes > 0);
    }
    /* Lines evicted earlier come back when scrolled to again. */
    SDL_SetRenderDrawColor(c.r, 255, 255, 255, 255);
    SDL_RenderClear(c.r);
    ks_text_layout_draw(c.t, l, 10, -40, 255);
    KS_CHECK(ink_top(c.s, 0, 400, 0, 200) >= 0 && ink_top(c.s, 0, 400, 0, 200) < 20);
    KS_CHECK(ink_bottom(c.s, 0, 400, 0, 200) > 180);
    KS_CHECK(ks_text_layout_height(l) * 380 * 4 > 4 * (int)opt.texture_budget);
    ks_text_layout_destroy(l);
    ks_text_get_stats(c.t, &s);
    KS_CHECK(s.cached_bytes == 0);
    canvas_close(&c);
}

static void test_open_fonts_stay_within_the_cap(void)
{
    canvas c;
    ks_text_options opt = {0};
    opt.max_open_fonts = 3;
    canvas_open(&c, 600, 400, &opt);
    for (int size = 14; size <= 40; size += 2) {
        ks_text_style st = style(size, "zh-Hans");
        ks_text_draw(c.t, "字号 size", &st, 0, size * 5, 0, 0, KS_ALIGN_LEFT, 255, NULL, NULL);
        KS_CHECK(ks_fonts_open_count(ks_text_fonts(c.t)) <= 3);
    }
    canvas_close(&c);
}

/* --- missing fonts ------------------------------------------------------- */

static void test_missing_font_names_the_packages_to_install(void)
{
    const char *slots[] = {"latin", "sc", "tc"};
    for (int i = 0; i < 3; i++) {
        ks_text_options opt = {0};
        if (i == 0) opt.latin_family = "No Such Family KS Test";
        if (i == 1) opt.cjk_sc_family = "No Such Family KS Test";
        if (i == 2) opt.cjk_tc_family = "No Such Family KS Test";
        ks_text *t = NULL;
        ks_error err = {0};
        ks_status st = ks_text_create_with(NULL, &opt, &t, &err);
        KS_CHECK_MSG(st == KS_ERR_NOT_FOUND, "%s: status %d", slots[i], (int)st);
        KS_CHECK(t == NULL);
        KS_CHECK_MSG(strstr(err.msg, "fonts-noto-cjk") && strstr(err.msg, "fonts-dejavu-core"), "%s",
                     err.msg);
        KS_CHECK_MSG(strstr(err.msg, "No Such Family KS Test") != NULL, "%s", err.msg);
        if (i == 0) fprintf(stderr, "     message: %s\n", err.msg);
    }
}

/* --- links, carets, alignment -------------------------------------------- */

static void test_layout_hit_finds_the_link_span(void)
{
    canvas c;
    canvas_open(&c, 500, 120, NULL);
    ks_text_span spans[] = {
        {"Lost your card? ", 16, 0, {0, 0, 0, 0}, -1},
        {"Call support", 12, 1, LINK, 7},
        {" or visit a branch.", 19, 0, {0, 0, 0, 0}, -1},
    };
    ks_text_style st = style(22, "en");
    ks_text_layout *l = NULL;
    ks_error err;
    KS_REQUIRE(ks_text_layout_spans(c.t, spans, 3, &st, 0, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    int link_x0 = -1, link_x1 = -1;
    for (size_t i = 0; i < ks_text_layout_runs(l); i++) {
        ks_text_run_info ri;
        ks_text_layout_run_info(l, i, &ri);
        if (ri.link == 7) {
            if (link_x0 < 0) link_x0 = ri.x;
            link_x1 = ri.x + ri.width;
            KS_CHECK(ri.bold);
            KS_CHECK(ri.byte_start >= 16 && ri.byte_end <= 28);
        }
    }
    KS_REQUIRE(link_x0 > 0 && link_x1 > link_x0);
    int mid_y = ks_text_layout_height(l) / 2;
    KS_CHECK(ks_text_layout_hit(l, (link_x0 + link_x1) / 2, mid_y) == 7);
    KS_CHECK(ks_text_layout_hit(l, link_x0 + 1, mid_y) == 7);
    KS_CHECK(ks_text_layout_hit(l, link_x0 - 3, mid_y) == -1);
    KS_CHECK(ks_text_layout_hit(l, link_x1 + 3, mid_y) == -1);
    KS_CHECK(ks_text_layout_hit(l, (link_x0 + link_x1) / 2, -1) == -1);
    KS_CHECK(ks_text_layout_hit(l, (link_x0 + link_x1) / 2, ks_text_layout_height(l)) == -1);
    ks_text_layout_draw(c.t, l, 10, 20, 255);
    /* The link is underlined: ink in the link's columns a little below the baseline. */
    int base = 20 + ks_text_layout_baseline(l);
    int under = 0;
    for (int y = base + 1; y <= base + 22 / 5; y++)
        under += dark(c.s, 10 + (link_x0 + link_x1) / 2, y) > 96;
    KS_CHECK(under > 0);
    ks_text_layout_destroy(l);
    canvas_save(&c, "link");
    canvas_close(&c);
}

static void test_caret_moves_right_and_offset_at_inverts_it(void)
{
    canvas c;
    canvas_open(&c, 100, 100, NULL);
    const char *text = "PIN 密码 ok";
    ks_text_style st = style(24, "zh-Hans");
    ks_text_layout *l = NULL;
    ks_error err;
    KS_REQUIRE(ks_text_layout_plain(c.t, text, &st, 0, 1, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    size_t offs[] = {0, 1, 2, 3, 4, 7, 10, 11, 12, 13};
    int prev = -1;
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        SDL_Rect r = ks_text_layout_caret(l, offs[i]);
        KS_CHECK_MSG(r.x > prev, "caret at %zu: x %d after %d", offs[i], r.x, prev);
        KS_CHECK(r.h == ks_text_layout_height(l) && r.w >= 1);
        KS_CHECK_MSG(ks_text_layout_offset_at(l, r.x, r.h / 2) == offs[i], "offset_at(%d) = %zu, want %zu",
                     r.x, ks_text_layout_offset_at(l, r.x, r.h / 2), offs[i]);
        prev = r.x;
    }
    KS_CHECK(ks_text_layout_caret(l, 13).x == ks_text_layout_width(l));
    /* Inside a character: the caret goes before it. */
    KS_CHECK(ks_text_layout_caret(l, 5).x == ks_text_layout_caret(l, 4).x);
    KS_CHECK(ks_text_layout_offset_at(l, -50, 0) == 0);
    KS_CHECK(ks_text_layout_offset_at(l, 5000, 0) == strlen(text));
    ks_text_layout_destroy(l);
    canvas_close(&c);
}

static void test_alignment_places_lines_inside_the_box(void)
{
    canvas c;
    canvas_open(&c, 100, 100, NULL);
    ks_text_style st = style(20, "en");
    ks_text_align aligns[] = {KS_ALIGN_LEFT, KS_ALIGN_CENTER, KS_ALIGN_RIGHT};
    for (int a = 0; a < 3; a++) {
        ks_text_layout *l = NULL;
        ks_error err;
        KS_REQUIRE(ks_text_layout_plain(c.t, "Help", &st, 300, 0, aligns[a], &l, &err) == KS_OK);
        ks_text_line_info li;
        ks_text_layout_line_info(l, 0, &li);
        int want = a == 0 ? 0 : a == 1 ? (300 - li.width) / 2 : 300 - li.width;
        KS_CHECK_MSG(li.x == want, "align %d: x %d, want %d", a, li.x, want);
        ks_text_layout_destroy(l);
    }
    canvas_close(&c);
}

/* --- pixels -------------------------------------------------------------- */

static void test_latin_and_cjk_runs_share_the_baseline(void)
{
    canvas c;
    canvas_open(&c, 700, 160, NULL);
    const int size = 48;
    const char *text = "Hxg 你好 Help 歡迎";
    ks_text_style st = style(size, "zh-Hant");
    ks_text_layout *l = NULL;
    ks_error err;
    KS_REQUIRE(ks_text_layout_plain(c.t, text, &st, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    const int ox = 20, oy = 30;
    ks_text_layout_draw(c.t, l, ox, oy, 255);
    int base = oy + ks_text_layout_baseline(l);
    /* "H" (first run, first glyph): its ink ends on the baseline. */
    ks_text_run_info r0, rc = {0};
    ks_text_layout_run_info(l, 0, &r0);
    int h_w = size / 2;
    int h_bottom = ink_bottom(c.s, ox + r0.x, ox + r0.x + h_w, 0, c.s->h);
    int h_top = ink_top(c.s, ox + r0.x, ox + r0.x + h_w, 0, c.s->h);
    KS_CHECK_MSG(h_bottom == base - 1 || h_bottom == base, "H ends at row %d, baseline %d", h_bottom, base);
    /* "g": the descender goes well below the baseline and is not clipped. */
    int g_x = ox + r0.x + r0.width * 2 / 3;
    int g_bottom = ink_bottom(c.s, g_x, ox + r0.x + r0.width, 0, c.s->h);
    KS_CHECK_MSG(g_bottom >= base + size / 6, "g descends to %d, baseline %d", g_bottom, base);
    /* The ideographs: on the same baseline, they sit slightly lower (their
     * em box goes ~0.12 em below it) and rise to about cap height. */
    for (size_t i = 0; i < ks_text_layout_runs(l); i++) {
        ks_text_run_info ri;
        ks_text_layout_run_info(l, i, &ri);
        if (ri.face == KS_FACE_CJK_TC && ri.byte_end > ri.byte_start) {
            rc = ri;
            break;
        }
    }
    KS_REQUIRE(rc.width > 0);
    int c_bottom = ink_bottom(c.s, ox + rc.x, ox + rc.x + rc.width, 0, c.s->h);
    int c_top = ink_top(c.s, ox + rc.x, ox + rc.x + rc.width, 0, c.s->h);
    KS_CHECK_MSG(c_bottom > base && c_bottom <= base + size / 5, "CJK ends at %d, baseline %d", c_bottom,
                 base);
    KS_CHECK_MSG(c_top < h_top + size / 8 && c_top > h_top - size / 4, "CJK top %d, H top %d", c_top, h_top);
    /* Everything inside the line box plus a little. */
    KS_CHECK(ink_top(c.s, 0, c.s->w, 0, c.s->h) >= oy - size / 8);
    ks_text_layout_destroy(l);
    canvas_save(&c, "baseline");
    canvas_close(&c);
}

static void test_alpha_fades_the_drawn_text(void)
{
    canvas c;
    canvas_open(&c, 300, 120, NULL);
    ks_text_style st = style(40, "en");
    st.color = (SDL_Color){0, 0, 0, 255};
    ks_text_layout *l = NULL;
    ks_error err;
    KS_REQUIRE(ks_text_layout_plain(c.t, "I", &st, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    ks_text_layout_draw(c.t, l, 10, 10, 255);
    ks_text_layout_draw(c.t, l, 110, 10, 128);
    int full = 0, half = 0;
    for (int y = 0; y < 120; y++)
        for (int x = 0; x < 100; x++) {
            if (dark(c.s, x, y) > full) full = dark(c.s, x, y);
            if (dark(c.s, x + 100, y) > half) half = dark(c.s, x + 100, y);
        }
    KS_CHECK_MSG(full > 240, "full %d", full);
    KS_CHECK_MSG(half > 110 && half < 145, "half %d", half);
    ks_text_layout_destroy(l);
    canvas_close(&c);
}

static void test_samples_for_review(void)
{
    canvas c;
    canvas_open(&c, 900, 640, NULL);
    ks_text_style title = style(40, "zh-Hans");
    title.bold = 1;
    ks_text_draw(c.t, "银行卡 Cards · 帮助中心", &title, 30, 20, 840, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
    ks_text_style body = style(24, "zh-Hans");
    ks_text_draw(
        c.t,
        "新卡寄出后一般7个工作日内送达（偏远地区可能需要更长时间）。如果10天后仍未收到，请拨打客服热线"
        "95555挂失，并在“我的卡片”中申请补办。",
        &body, 30, 90, 560, 0, KS_ALIGN_LEFT, 255, NULL, NULL);
    ks_text_style tc = style(24, "zh-Hant");
    ks_text_draw(c.t, "「歡迎光臨！」請於櫃檯前排隊等候，服務人員將盡快為您辦理業務。", &tc, 30, 250, 560, 0,
                 KS_ALIGN_LEFT, 255, NULL, NULL);
    ks_text_style en = style(24, "en");
    ks_text_draw(c.t,
                 "When will my card arrive? Usually within 7 working days. Typography: quick jumpy glyphs "
                 "(g, j, p, q, y) keep their descenders.",
                 &en, 30, 360, 560, 3, KS_ALIGN_LEFT, 255, NULL, NULL);
    ks_text_style small = style(16, "en");
    small.color = (SDL_Color){90, 96, 110, 255};
    ks_text_draw(c.t, "Centered caption under the paragraph", &small, 30, 480, 560, 1, KS_ALIGN_CENTER, 255,
                 NULL, NULL);
    ks_text_draw(c.t, "Right-aligned 右对齐", &small, 30, 510, 560, 1, KS_ALIGN_RIGHT, 255, NULL, NULL);
    SDL_SetRenderDrawColor(c.r, 200, 60, 60, 255);
    SDL_RenderDrawLine(c.r, 590, 80, 590, 620); /* the 560 px measure */
    canvas_save(&c, "samples");
    canvas_close(&c);
}

static void test_bad_input_fails_or_renders_safely(void)
{
    canvas c;
    canvas_open(&c, 300, 100, NULL);
    ks_text_layout *l = NULL;
    ks_error err = {0};
    ks_text_style st = style(0, "en");
    KS_CHECK(ks_text_layout_plain(c.t, "x", &st, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_ERR_INVALID);
    KS_CHECK(l == NULL && strstr(err.msg, "size") != NULL);
    st = style(20, "not a locale!");
    const char bad[] = "ok \xFF\xFE bad \xE4\xBD end\x01";
    KS_REQUIRE(ks_text_layout_plain(c.t, bad, &st, 100, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    ks_text_layout_draw(c.t, l, 0, 0, 255);
    KS_CHECK(ks_text_layout_lines(l) >= 1);
    ks_text_layout_destroy(l);
    /* Format characters stay in their run; no font search, no failure. */
    const char fmt[] = "a\xE2\x80\x8B"
                       "b\xE2\x80\x8D"
                       "c\xEF\xB8\x8F \xE4\xBD\xA0\xE2\x80\x8B\xE5\xA5\xBD";
    KS_REQUIRE(ks_text_layout_plain(c.t, fmt, &st, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    KS_CHECK(ks_text_layout_runs(l) == 2);
    KS_CHECK(ks_fonts_face_count(ks_text_fonts(c.t)) == KS_FACE_FIRST_FALLBACK);
    ks_text_layout_draw(c.t, l, 0, 40, 255);
    ks_text_layout_destroy(l);
    /* Empty and NULL text: one empty line, nothing drawn, no failure. */
    int w = -1, h = -1;
    st = style(20, NULL);
    ks_text_draw(c.t, "", &st, 0, 0, 0, 0, KS_ALIGN_LEFT, 255, &w, &h);
    KS_CHECK(w == 0 && h > 0);
    ks_text_draw(c.t, NULL, &st, 0, 0, 0, 0, KS_ALIGN_LEFT, 255, &w, &h);
    KS_CHECK(w == 0);
    /* A layout outlives its engine: destroying it later is safe. */
    KS_REQUIRE(ks_text_layout_plain(c.t, "late", &st, 0, 0, KS_ALIGN_LEFT, &l, &err) == KS_OK);
    ks_text_layout_draw(c.t, l, 0, 0, 255);
    canvas_close(&c);
    ks_text_layout_destroy(l);
}

int main(void)
{
    KS_RUN(test_mixed_text_falls_back_per_run_with_no_missing_glyph);
    KS_RUN(test_ideographs_take_the_locale_variant_faces);
    KS_RUN(test_code_point_outside_both_faces_uses_a_fontconfig_fallback);
    KS_RUN(test_latin_wraps_at_spaces_within_the_width);
    KS_RUN(test_cjk_never_starts_a_line_with_comma_or_full_stop);
    KS_RUN(test_max_lines_end_with_an_ellipsis_within_the_width);
    KS_RUN(test_hard_newlines_make_lines);
    KS_RUN(test_drawing_the_same_text_twice_is_one_miss_then_one_hit);
    KS_RUN(test_texture_budget_evicts_least_recently_drawn);
    KS_RUN(test_a_long_layout_scrolled_through_keeps_only_visible_lines);
    KS_RUN(test_open_fonts_stay_within_the_cap);
    KS_RUN(test_missing_font_names_the_packages_to_install);
    KS_RUN(test_layout_hit_finds_the_link_span);
    KS_RUN(test_caret_moves_right_and_offset_at_inverts_it);
    KS_RUN(test_alignment_places_lines_inside_the_box);
    KS_RUN(test_latin_and_cjk_runs_share_the_baseline);
    KS_RUN(test_alpha_fades_the_drawn_text);
    KS_RUN(test_samples_for_review);
    KS_RUN(test_bad_input_fails_or_renders_safely);
    return ks_test_summary();
}
