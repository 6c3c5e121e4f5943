/*
 * theme.h - the look of the kiosk as data: colours, type scale, spacing,
 * corner radius, logo and animation durations, loaded from
 * ASSETS/themes/<name>.json (docs/themes.md), plus the arithmetic that turns
 * them into pixel sizes for a given window, DPI and large-text setting.
 *
 * No rendering here: the theme only uses SDL_Color as a value type.
 * Sizes scale with the screen's shorter side, so a 3840x2160 wall gets the
 * same layout as 1920x1080 at twice the pixels, and a portrait totem the
 * same type as a landscape screen of the same width.
 *
 * A theme file need not set every key: missing keys take the built-in
 * default theme's value (with a warning), unknown keys are warned about,
 * out-of-range numbers are clamped (with a warning); a value of the wrong
 * type fails with a message naming the file and the key ("theme x.json:
 * key 'colors.text' must be a colour like \"#1B2A33\", got \"blue\"").
 * A loaded theme is plain read-only data: free with ks_theme_free().
 */
#ifndef KS_THEME_H
#define KS_THEME_H

#include <stddef.h>

#include <SDL.h>

#include "ks/error.h"

/* Longest animation a theme may ask for (the product's 250 ms rule). */
#define KS_THEME_MAX_ANIM_MS 250

/* Every colour of a theme; JSON keys under "colors" have the same names. */
typedef struct ks_theme_colors {
    SDL_Color background;      /* the screen behind everything */
    SDL_Color surface;         /* cards, tiles, the search field */
    SDL_Color surface_alt;     /* a second, quieter surface (list rows, top bar) */
    SDL_Color primary;         /* main action buttons, selected states */
    SDL_Color primary_pressed; /* primary while held down */
    SDL_Color on_primary;      /* text and icons on primary */
    SDL_Color text;            /* body text on background/surface */
    SDL_Color text_muted;      /* captions, placeholders, secondary text */
    SDL_Color divider;         /* hairlines and field borders */
    SDL_Color accent;          /* highlights: badges, the avatar emblem */
    SDL_Color on_accent;       /* text on accent */
    SDL_Color link;            /* links in article text */
    SDL_Color danger;          /* errors, destructive actions */
    SDL_Color on_danger;       /* text on danger */
    SDL_Color success;         /* "thank you", synced */
    SDL_Color warning;         /* offline notice, fallback badge background */
    SDL_Color on_warning;      /* text on warning */
    SDL_Color focus_ring;      /* keyboard/gamepad/gaze focus outline */
    SDL_Color overlay;         /* dims the screen behind dialogs (has alpha) */
    SDL_Color shadow;          /* soft shadows under cards (has alpha) */
    SDL_Color key;             /* on-screen keyboard: letter keys */
    SDL_Color key_alt;         /* on-screen keyboard: shift, backspace, ... */
    SDL_Color key_pressed;     /* on-screen keyboard: a key held down */
    SDL_Color key_text;        /* on-screen keyboard: labels */
    SDL_Color keyboard_bg;     /* on-screen keyboard: the panel behind keys */
} ks_theme_colors;

/* The type scale. The base (body) size comes from the screen's shorter side
 * (base_fraction) or from a physical size (base_dp, 1 dp = 1/160 inch at
 * the configured DPI): the file sets one of them. */
typedef struct ks_theme_type {
    float base_fraction;  /* e.g. 0.025: body px = 0.025 * shorter side; 0 = unused */
    float base_dp;        /* used when base_fraction is 0 */
    int min_base_px;      /* floor for tiny windows, default 14 */
    float caption, body, subtitle, title, display; /* ratios to the base */
    int line_height_pct;  /* body line spacing, percent of the size (e.g. 150) */
    float large_text_scale; /* large-text mode multiplies type, ~1.35 */
} ks_theme_type;

typedef struct ks_theme_anim {
    int transition_ms;  /* screen changes (slide/fade), <= 250 */
    int press_ms;       /* pressed-state feedback, <= 250 */
    int fade_ms;        /* dialogs, badges, overlays, <= 250 */
    int keyboard_ms;    /* on-screen keyboard slide in/out, <= 250 */
} ks_theme_anim;

typedef struct ks_theme {
    char *name;           /* "name" in the file, else the file's stem */
    char *source_path;    /* NULL for the built-in theme */
    int high_contrast;    /* the file's "high_contrast": true (AAA theme) */
    ks_theme_colors color;
    ks_theme_type type;
    float spacing_em;     /* one spacing unit, in base sizes (e.g. 0.5) */
    float radius_em;      /* corner radius, in base sizes */
    float touch_em;       /* preferred touch target, in body sizes */
    char *logo;           /* absolute path of the logo image, or NULL */
    ks_theme_anim anim;
    char **warnings;      /* missing/unknown keys, clamped values: to log */
    size_t n_warnings;
} ks_theme;

/* Pixel sizes for one window. Type sizes include large-text scaling;
 * spacing and radius do not, so large text gets more lines, not a new
 * layout. */
typedef struct ks_theme_metrics {
    float scale;        /* shorter side / 1080: for strokes and icons */
    int base_px;        /* body size before large-text scaling */
    int caption_px, body_px, subtitle_px, title_px, display_px;
    int line_height_pct;
    int spacing_px;     /* one spacing unit (>= 2) */
    int radius_px;
    int touch_min_px;   /* the 9 mm rule: ceil(9 / 25.4 * dpi) */
    int touch_px;       /* use this: max(touch_min_px, touch_em * body_px) */
} ks_theme_metrics;

/* Loads a theme file. Relative "logo" paths resolve against the theme
 * file's directory. *out: free with ks_theme_free(). */
ks_status ks_theme_load(const char *path, ks_theme **out, ks_error *err);

/* Loads "default", "high-contrast" (ASSETS/themes/NAME.json) or, when
 * name_or_path contains '/' or ends in ".json", that file. */
ks_status ks_theme_load_named(const char *assets_dir, const char *name_or_path, ks_theme **out,
                              ks_error *err);

/* Parses theme JSON in memory; name is used in messages, base_dir resolves
 * the logo (NULL = current directory). *out: ks_theme_free(). */
ks_status ks_theme_parse(const char *json, size_t len, const char *name, const char *base_dir,
                         ks_theme **out, ks_error *err);

/* The built-in theme (the same values as assets/themes/default.json, or
 * high-contrast.json when high_contrast): what the kiosk uses when no file
 * can be read. Free with ks_theme_free(); NULL only when out of memory. */
ks_theme *ks_theme_builtin(int high_contrast);

void ks_theme_free(ks_theme *theme);

/* Pixel sizes for a w x h window at dpi (<= 0 means 96). */
void ks_theme_metrics_compute(const ks_theme *theme, int w, int h, int dpi, int large_text,
                              ks_theme_metrics *out);

/* Minimum touch target in pixels: ceil(9 mm at dpi), exact integer maths. */
int ks_theme_touch_min_px(int dpi);

/* WCAG 2 relative luminance (0..1) of an sRGB colour (alpha ignored), and
 * the contrast ratio (1..21) of two colours. AA body text needs >= 4.5,
 * AAA >= 7. */
double ks_theme_luminance(SDL_Color c);
double ks_theme_contrast(SDL_Color a, SDL_Color b);

/* a blended toward b by t (0..1), alpha included: for hover/pressed tints. */
SDL_Color ks_theme_mix(SDL_Color a, SDL_Color b, float t);

/* Looks a colour up by its JSON name ("text", "primary", ...). Returns 0
 * and fills *out, or -1 for an unknown name. */
int ks_theme_color(const ks_theme *theme, const char *name, SDL_Color *out);

#endif
