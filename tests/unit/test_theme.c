/*
 * test_theme.c - themes: the shipped ones load cleanly, match the built-in
 * fallbacks, meet their contrast targets (WCAG AA for the default, AAA for
 * high contrast); sizes follow the screen, the DPI (9 mm touch targets) and
 * large text; bad theme files name the key.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks/theme.h"
#include "test.h"

static ks_theme *load_shipped(const char *name)
{
    ks_theme *t = NULL;
    ks_error err;
    ks_status st = ks_theme_load_named(ks_test_src("assets"), name, &t, &err);
    if (st) fprintf(stderr, "  %s\n", err.msg);
    return t;
}

static int has_warning(const ks_theme *t, const char *needle)
{
    for (size_t i = 0; i < t->n_warnings; i++)
        if (strstr(t->warnings[i], needle)) return 1;
    return 0;
}

static ks_status parse(const char *json, ks_theme **t, ks_error *err)
{
    ks_error_clear(err);
    return ks_theme_parse(json, strlen(json), "x.json", ks_test_tmpdir(), t, err);
}

static int same_color(SDL_Color a, SDL_Color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

static const char *const color_names[] = {
    "background", "surface",   "surface_alt", "primary",   "primary_pressed", "on_primary", "text",
    "text_muted", "divider",   "accent",      "on_accent", "link",            "danger",     "on_danger",
    "success",    "warning",   "on_warning",  "focus_ring", "overlay",        "shadow",     "key",
    "key_alt",    "key_pressed", "key_text",  "keyboard_bg",
};
#define N_COLOR_NAMES (sizeof color_names / sizeof color_names[0])

static void test_shipped_themes_load_without_warnings(void)
{
    const char *names[] = {"default", "high-contrast"};
    for (int i = 0; i < 2; i++) {
        ks_theme *t = load_shipped(names[i]);
        KS_REQUIRE(t);
        for (size_t w = 0; w < t->n_warnings; w++) fprintf(stderr, "  warning: %s\n", t->warnings[w]);
        KS_CHECK(t->n_warnings == 0);
        KS_CHECK_STR(t->name, names[i]);
        KS_CHECK(t->high_contrast == i);
        KS_CHECK(t->source_path && strstr(t->source_path, names[i]));
        KS_CHECK(t->anim.transition_ms > 0 && t->anim.transition_ms <= KS_THEME_MAX_ANIM_MS);
        KS_CHECK(t->anim.press_ms <= KS_THEME_MAX_ANIM_MS && t->anim.fade_ms <= KS_THEME_MAX_ANIM_MS &&
                 t->anim.keyboard_ms <= KS_THEME_MAX_ANIM_MS);
        ks_theme_free(t);
    }
}

/* The compiled-in fallbacks must look exactly like the files. */
static void test_builtin_themes_match_the_files(void)
{
    for (int hc = 0; hc < 2; hc++) {
        ks_theme *f = load_shipped(hc ? "high-contrast" : "default");
        ks_theme *b = ks_theme_builtin(hc);
        KS_REQUIRE(f && b);
        for (size_t i = 0; i < N_COLOR_NAMES; i++) {
            SDL_Color cf, cb;
            KS_REQUIRE(ks_theme_color(f, color_names[i], &cf) == 0);
            KS_REQUIRE(ks_theme_color(b, color_names[i], &cb) == 0);
            KS_CHECK_MSG(same_color(cf, cb), "%s colour '%s' differs from the built-in", f->name, color_names[i]);
        }
        KS_CHECK(memcmp(&f->type, &b->type, sizeof f->type) == 0);
        KS_CHECK(f->spacing_em == b->spacing_em && f->radius_em == b->radius_em && f->touch_em == b->touch_em);
        KS_CHECK(memcmp(&f->anim, &b->anim, sizeof f->anim) == 0);
        KS_CHECK(f->high_contrast == b->high_contrast);
        KS_CHECK(b->source_path == NULL && b->n_warnings == 0);
        ks_theme_free(f);
        ks_theme_free(b);
    }
}

static void test_luminance_and_contrast_follow_wcag(void)
{
    SDL_Color white = {255, 255, 255, 255}, black = {0, 0, 0, 255}, grey = {0x77, 0x77, 0x77, 255};
    KS_CHECK(fabs(ks_theme_luminance(white) - 1.0) < 1e-9);
    KS_CHECK(fabs(ks_theme_luminance(black)) < 1e-9);
    KS_CHECK(fabs(ks_theme_contrast(white, black) - 21.0) < 1e-9);
    KS_CHECK(fabs(ks_theme_contrast(black, white) - 21.0) < 1e-9);
    /* #777 on white is the classic just-fails-AA grey: 4.48:1 */
    KS_CHECK(fabs(ks_theme_contrast(grey, white) - 4.48) < 0.01);
    KS_CHECK(fabs(ks_theme_contrast(grey, grey) - 1.0) < 1e-9);
}

typedef struct pair { const char *fg, *bg; } pair;

/* Every text colour on every surface it is drawn on. */
static const pair text_pairs[] = {
    {"text", "background"},        {"text", "surface"},        {"text", "surface_alt"},
    {"text_muted", "background"},  {"text_muted", "surface"},  {"text_muted", "surface_alt"},
    {"on_primary", "primary"},     {"on_primary", "primary_pressed"},
    {"on_accent", "accent"},       {"link", "background"},     {"link", "surface"},
    {"on_danger", "danger"},       {"danger", "background"},   {"danger", "surface"},
    {"success", "background"},     {"success", "surface"},     {"on_warning", "warning"},
    {"key_text", "key"},           {"key_text", "key_alt"},    {"key_text", "key_pressed"},
    {"primary", "background"},     {"primary", "surface"}, /* primary as text: selected tabs, icons */
};

static void check_contrast(const char *theme, double text_min)
{
    ks_theme *t = load_shipped(theme);
    KS_REQUIRE(t);
    for (size_t i = 0; i < sizeof text_pairs / sizeof text_pairs[0]; i++) {
        SDL_Color fg, bg;
        KS_REQUIRE(ks_theme_color(t, text_pairs[i].fg, &fg) == 0);
        KS_REQUIRE(ks_theme_color(t, text_pairs[i].bg, &bg) == 0);
        double c = ks_theme_contrast(fg, bg);
        KS_CHECK_MSG(c >= text_min, "%s: %s on %s is %.2f:1, needs %.1f:1", theme, text_pairs[i].fg,
                     text_pairs[i].bg, c, text_min);
    }
    /* Focus rings are not text: WCAG asks 3:1 against what they sit on. */
    SDL_Color ring, bg, surface;
    ks_theme_color(t, "focus_ring", &ring);
    ks_theme_color(t, "background", &bg);
    ks_theme_color(t, "surface", &surface);
    KS_CHECK(ks_theme_contrast(ring, bg) >= 3.0);
    KS_CHECK(ks_theme_contrast(ring, surface) >= 3.0);
    ks_theme_free(t);
}

static void test_default_theme_meets_wcag_aa(void)
{
    check_contrast("default", 4.5);
}

static void test_high_contrast_theme_meets_wcag_aaa(void)
{
    check_contrast("high-contrast", 7.0);
}

static void test_touch_targets_are_nine_millimetres(void)
{
    KS_CHECK(ks_theme_touch_min_px(96) == 35);   /* 34.02 rounded up */
    KS_CHECK(ks_theme_touch_min_px(254) == 90);  /* exactly 90, not 91 */
    KS_CHECK(ks_theme_touch_min_px(160) == 57);  /* 56.69 */
    KS_CHECK(ks_theme_touch_min_px(0) == 35);    /* unknown -> 96 dpi */
    KS_CHECK(ks_theme_touch_min_px(-3) == 35);
    ks_theme *t = ks_theme_builtin(0);
    KS_REQUIRE(t);
    ks_theme_metrics m;
    int sizes[][2] = {{1920, 1080}, {1080, 1920}, {3840, 2160}, {1280, 800}, {320, 240}};
    int dpis[] = {96, 160, 300};
    for (size_t s = 0; s < 5; s++)
        for (size_t d = 0; d < 3; d++) {
            ks_theme_metrics_compute(t, sizes[s][0], sizes[s][1], dpis[d], 0, &m);
            KS_CHECK(m.touch_min_px == ks_theme_touch_min_px(dpis[d]));
            KS_CHECK_MSG(m.touch_px >= m.touch_min_px, "%dx%d@%d: %d < %d", sizes[s][0], sizes[s][1], dpis[d],
                         m.touch_px, m.touch_min_px);
        }
    ks_theme_free(t);
}

static void test_sizes_scale_with_the_shorter_side(void)
{
    ks_theme *t = ks_theme_builtin(0);
    KS_REQUIRE(t);
    ks_theme_metrics hd, portrait, uhd, small, tiny;
    ks_theme_metrics_compute(t, 1920, 1080, 96, 0, &hd);
    ks_theme_metrics_compute(t, 1080, 1920, 96, 0, &portrait);
    ks_theme_metrics_compute(t, 3840, 2160, 96, 0, &uhd);
    ks_theme_metrics_compute(t, 1280, 800, 96, 0, &small);
    ks_theme_metrics_compute(t, 100, 60, 96, 0, &tiny);
    KS_CHECK(hd.base_px == 26); /* 0.024 * 1080 */
    KS_CHECK(hd.body_px == 26);
    KS_CHECK(hd.title_px == 42 && hd.display_px == 57 && hd.caption_px == 21 && hd.subtitle_px == 33);
    KS_CHECK(hd.spacing_px == 13 && hd.radius_px == 16);
    KS_CHECK(hd.touch_px == 68);
    KS_CHECK(fabs(hd.scale - 1.0) < 1e-6);
    KS_CHECK(memcmp(&hd, &portrait, sizeof hd) == 0); /* portrait totem = same type */
    KS_CHECK(uhd.base_px == 2 * hd.base_px);           /* 4K = same layout at 2x */
    KS_CHECK(uhd.spacing_px == 2 * hd.spacing_px);
    KS_CHECK(fabs(uhd.scale - 2.0) < 1e-6);
    KS_CHECK(small.base_px == 19);
    KS_CHECK(tiny.base_px == t->type.min_base_px);
    KS_CHECK(hd.line_height_pct == 150);
    ks_theme_free(t);
}

static void test_large_text_scales_type_not_spacing(void)
{
    ks_theme *t = ks_theme_builtin(0);
    KS_REQUIRE(t);
    ks_theme_metrics normal, large;
    ks_theme_metrics_compute(t, 1920, 1080, 96, 0, &normal);
    ks_theme_metrics_compute(t, 1920, 1080, 96, 1, &large);
    KS_CHECK(large.body_px == 35); /* 26 * 1.35 */
    KS_CHECK(large.title_px == (int)lround(26 * 1.6 * 1.35));
    double r = (double)large.body_px / normal.body_px;
    KS_CHECK(r > 1.3 && r < 1.4);
    KS_CHECK(large.base_px == normal.base_px);
    KS_CHECK(large.spacing_px == normal.spacing_px);
    KS_CHECK(large.radius_px == normal.radius_px);
    KS_CHECK(large.touch_px >= normal.touch_px);
    ks_theme_free(t);
}

static void test_base_size_in_dp_follows_the_dpi(void)
{
    ks_theme *t = NULL;
    ks_error err;
    KS_REQUIRE(parse("{\"type\": {\"base_dp\": 20}}", &t, &err) == KS_OK);
    KS_CHECK(t->type.base_fraction == 0);
    KS_CHECK(!has_warning(t, "base_fraction"));
    ks_theme_metrics m;
    ks_theme_metrics_compute(t, 1920, 1080, 160, 0, &m);
    KS_CHECK(m.base_px == 20);
    ks_theme_metrics_compute(t, 1920, 1080, 320, 0, &m);
    KS_CHECK(m.base_px == 40);
    ks_theme_free(t);

    KS_REQUIRE(parse("{\"type\": {\"base_dp\": 20, \"base_fraction\": 0.03}}", &t, &err) == KS_OK);
    KS_CHECK(has_warning(t, "both 'type.base_fraction' and 'type.base_dp'"));
    ks_theme_metrics_compute(t, 1920, 1080, 160, 0, &m);
    KS_CHECK(m.base_px == 32);
    ks_theme_free(t);
}

static void test_bad_values_name_the_key(void)
{
    ks_theme *t = NULL;
    ks_error err;
    KS_CHECK(parse("{\"colors\": {\"text\": \"blue\"}}", &t, &err) == KS_ERR_INVALID);
    KS_CHECK_STR(err.msg, "theme x.json: key 'colors.text' must be a colour like \"#1B2A33\" or \"#1B2A3380\", got \"blue\"");
    KS_CHECK(t == NULL);
    const char *bad[][2] = {
        {"{\"colors\": {\"text\": \"#12345\"}}", "'colors.text'"},
        {"{\"colors\": {\"text\": \"#12345G\"}}", "'colors.text'"},
        {"{\"colors\": {\"text\": 255}}", "'colors.text'"},
        {"{\"colors\": []}", "'colors' must be an object"},
        {"{\"type\": {\"body\": \"big\"}}", "'type.body' must be a non-negative number"},
        {"{\"type\": {\"line_height_pct\": 1.5}}", "'type.line_height_pct' must be a non-negative integer"},
        {"{\"type\": 3}", "'type' must be an object"},
        {"{\"anim\": {\"fade_ms\": -1}}", "'anim.fade_ms'"},
        {"{\"spacing_em\": \"wide\"}", "'spacing_em'"},
        {"{\"high_contrast\": \"yes\"}", "'high_contrast' must be true or false"},
        {"{\"name\": 5}", "'name'"},
        {"{\"logo\": 5}", "'logo' must be an image path or null"},
        {"[]", "must be an object"},
        {"{\"colors\": {}", "theme x.json: invalid JSON at line 1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        KS_CHECK_MSG(parse(bad[i][0], &t, &err) == KS_ERR_INVALID, "%s", bad[i][0]);
        KS_CHECK_MSG(strstr(err.msg, bad[i][1]) != NULL, "'%s' not in \"%s\"", bad[i][1], err.msg);
        ks_theme_free(t);
        t = NULL;
    }
}

static void test_partial_theme_takes_builtin_values_with_warnings(void)
{
    ks_theme *t = NULL;
    ks_error err;
    KS_REQUIRE(parse("{\"colors\": {\"primary\": \"#112233\", \"primry\": \"#000000\"}, \"anim\": "
                     "{\"transition_ms\": 900}, \"spacing\": 2, \"_comment\": \"mine\"}",
                     &t, &err) == KS_OK);
    KS_CHECK_STR(t->name, "x");
    KS_CHECK(t->color.primary.r == 0x11 && t->color.primary.g == 0x22 && t->color.primary.b == 0x33 &&
             t->color.primary.a == 255);
    ks_theme *b = ks_theme_builtin(0);
    KS_REQUIRE(b);
    KS_CHECK(same_color(t->color.text, b->color.text));
    KS_CHECK(t->anim.transition_ms == 250);
    KS_CHECK(has_warning(t, "'anim.transition_ms' is 900, outside 0..250; using 250"));
    KS_CHECK(has_warning(t, "key 'colors.text' is missing; using the built-in colour"));
    KS_CHECK(has_warning(t, "unknown key 'colors.primry' ignored (did you mean 'colors.primary'?)"));
    KS_CHECK(has_warning(t, "unknown key 'spacing' ignored"));
    KS_CHECK(has_warning(t, "'type.body' is missing"));
    KS_CHECK(!has_warning(t, "_comment"));
    ks_theme_free(b);
    ks_theme_free(t);

    /* A partial high-contrast theme falls back to high-contrast values. */
    KS_REQUIRE(parse("{\"high_contrast\": true, \"colors\": {}}", &t, &err) == KS_OK);
    KS_CHECK(t->color.background.r == 0 && t->color.text.r == 255);
    ks_theme_free(t);
}

static void test_colours_with_alpha(void)
{
    ks_theme *t = NULL;
    ks_error err;
    KS_REQUIRE(parse("{\"colors\": {\"overlay\": \"#10203080\"}}", &t, &err) == KS_OK);
    KS_CHECK(t->color.overlay.r == 0x10 && t->color.overlay.g == 0x20 && t->color.overlay.b == 0x30 &&
             t->color.overlay.a == 0x80);
    SDL_Color c;
    KS_CHECK(ks_theme_color(t, "overlay", &c) == 0 && c.a == 0x80);
    KS_CHECK(ks_theme_color(t, "nope", &c) == -1);
    ks_theme_free(t);
}

static void test_logo_resolves_or_is_dropped(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/logo.png", ks_test_tmpdir());
    FILE *f = fopen(path, "wb");
    KS_REQUIRE(f);
    fputs("png", f);
    fclose(f);
    ks_theme *t = NULL;
    ks_error err;
    KS_REQUIRE(parse("{\"logo\": \"logo.png\"}", &t, &err) == KS_OK);
    KS_CHECK_STR(t->logo, path);
    ks_theme_free(t);
    KS_REQUIRE(parse("{\"logo\": \"missing.png\"}", &t, &err) == KS_OK);
    KS_CHECK(t->logo == NULL);
    KS_CHECK(has_warning(t, "missing.png' not found; no logo is shown"));
    ks_theme_free(t);
    KS_REQUIRE(parse("{\"logo\": null}", &t, &err) == KS_OK);
    KS_CHECK(t->logo == NULL);
    ks_theme_free(t);
}

static void test_load_errors_name_the_file(void)
{
    ks_theme *t = NULL;
    ks_error err;
    char path[1024];
    snprintf(path, sizeof path, "%s/none.json", ks_test_tmpdir());
    KS_CHECK(ks_theme_load(path, &t, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(strstr(err.msg, "none.json") != NULL);
    KS_CHECK(ks_theme_load_named(ks_test_tmpdir(), "ocean", &t, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(strstr(err.msg, "themes/ocean.json") != NULL);
    KS_CHECK(t == NULL);
    /* a path is used as given */
    KS_REQUIRE(ks_theme_load_named("/nonexistent", ks_test_src("assets/themes/default.json"), &t, &err) == KS_OK);
    KS_CHECK_STR(t->name, "default");
    ks_theme_free(t);
}

static void test_mix_blends_and_clamps(void)
{
    SDL_Color a = {0, 0, 0, 0}, b = {255, 255, 255, 255};
    SDL_Color m = ks_theme_mix(a, b, 0.5f);
    KS_CHECK(m.r == 128 && m.g == 128 && m.b == 128 && m.a == 128);
    KS_CHECK(same_color(ks_theme_mix(a, b, -1.0f), a));
    KS_CHECK(same_color(ks_theme_mix(a, b, 7.0f), b));
    KS_CHECK(same_color(ks_theme_mix(a, b, NAN), a));
}

int main(void)
{
    KS_RUN(test_shipped_themes_load_without_warnings);
    KS_RUN(test_builtin_themes_match_the_files);
    KS_RUN(test_luminance_and_contrast_follow_wcag);
    KS_RUN(test_default_theme_meets_wcag_aa);
    KS_RUN(test_high_contrast_theme_meets_wcag_aaa);
    KS_RUN(test_touch_targets_are_nine_millimetres);
    KS_RUN(test_sizes_scale_with_the_shorter_side);
    KS_RUN(test_large_text_scales_type_not_spacing);
    KS_RUN(test_base_size_in_dp_follows_the_dpi);
    KS_RUN(test_bad_values_name_the_key);
    KS_RUN(test_partial_theme_takes_builtin_values_with_warnings);
    KS_RUN(test_colours_with_alpha);
    KS_RUN(test_logo_resolves_or_is_dropped);
    KS_RUN(test_load_errors_name_the_file);
    KS_RUN(test_mix_blends_and_clamps);
    return ks_test_summary();
}
