/*
 * theme.c - themes as data (docs/themes.md): loading, the built-in
 * fallbacks, and the arithmetic from a window to pixel sizes.
 *
 * The built-in themes carry the same values as assets/themes/default.json
 * and high-contrast.json (test_theme.c checks they agree), so a kiosk
 * whose assets are damaged still looks right. Must not: draw, touch the
 * renderer, or hold any state beyond the struct it returns.
 */
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ks/file.h"
#include "ks/jsonx.h"
#include "ks/path.h"
#include "ks/str.h"
#include "ks/theme.h"

#define MAX_THEME_BYTES (256 * 1024)
#define MAX_WARNINGS 64

/* ---- the colour table: JSON name, struct field, built-in values ------- */

typedef struct color_def {
    const char *name;
    size_t offset;
    Uint32 light; /* default theme, 0xRRGGBBAA */
    Uint32 hc;    /* high-contrast theme */
} color_def;

#define C(field, light, hc) {#field, offsetof(ks_theme_colors, field), light, hc}
static const color_def colors[] = {
    C(background, 0xF6F3EDFF, 0x000000FF),
    C(surface, 0xFFFFFFFF, 0x000000FF),
    C(surface_alt, 0xEDE8DFFF, 0x141414FF),
    C(primary, 0x0E5A6BFF, 0xFFE600FF),
    C(primary_pressed, 0x0A4552FF, 0xFFFFFFFF),
    C(on_primary, 0xFFFFFFFF, 0x000000FF),
    C(text, 0x1C2A30FF, 0xFFFFFFFF),
    C(text_muted, 0x56646BFF, 0xE0E0E0FF),
    C(divider, 0xD9D2C5FF, 0xFFFFFFFF),
    C(accent, 0xE3A047FF, 0xFFE600FF),
    C(on_accent, 0x2B1D07FF, 0x000000FF),
    C(link, 0x0B6579FF, 0xFFE600FF),
    C(danger, 0xB3261EFF, 0xFFB3B3FF),
    C(on_danger, 0xFFFFFFFF, 0x000000FF),
    C(success, 0x256B45FF, 0xFFFFFFFF),
    C(warning, 0xF5E4BCFF, 0xFFE600FF),
    C(on_warning, 0x5B3F05FF, 0x000000FF),
    C(focus_ring, 0xC2520CFF, 0xFFE600FF),
    C(overlay, 0x1C2A3099, 0x000000D9),
    C(shadow, 0x1C2A301F, 0x00000000),
    C(key, 0xFFFFFFFF, 0x000000FF),
    C(key_alt, 0xE2DCD1FF, 0x1F1F1FFF),
    C(key_pressed, 0xCFE2E6FF, 0x5C5200FF),
    C(key_text, 0x1C2A30FF, 0xFFFFFFFF),
    C(keyboard_bg, 0xE8E3DAFF, 0x000000FF),
};
#undef C
#define N_COLORS (sizeof colors / sizeof colors[0])

static SDL_Color rgba(Uint32 v)
{
    SDL_Color c = {(Uint8)(v >> 24), (Uint8)(v >> 16), (Uint8)(v >> 8), (Uint8)v};
    return c;
}

static SDL_Color *color_slot(ks_theme_colors *c, size_t i)
{
    return (SDL_Color *)((char *)c + colors[i].offset);
}

/* ---- numbers: JSON name, where, range, built-in values ---------------- */

typedef enum num_where { N_TYPE, N_TOP, N_ANIM } num_where;
typedef struct num_def {
    num_where where;
    const char *name;
    int is_int;
    double lo, hi;
    double light, hc;
} num_def;

static const num_def nums[] = {
    {N_TYPE, "base_fraction", 0, 0.005, 0.2, 0.024, 0.027},
    {N_TYPE, "base_dp", 0, 4, 200, 0, 0},
    {N_TYPE, "min_base_px", 1, 6, 200, 14, 16},
    {N_TYPE, "caption", 0, 0.3, 6, 0.8, 0.85},
    {N_TYPE, "body", 0, 0.3, 6, 1.0, 1.0},
    {N_TYPE, "subtitle", 0, 0.3, 6, 1.25, 1.25},
    {N_TYPE, "title", 0, 0.3, 6, 1.6, 1.55},
    {N_TYPE, "display", 0, 0.3, 6, 2.2, 2.0},
    {N_TYPE, "line_height_pct", 1, 100, 250, 150, 150},
    {N_TYPE, "large_text_scale", 0, 1.0, 2.5, 1.35, 1.35},
    {N_TOP, "spacing_em", 0, 0.05, 4, 0.5, 0.5},
    {N_TOP, "radius_em", 0, 0, 4, 0.6, 0.35},
    {N_TOP, "touch_em", 0, 1, 6, 2.6, 2.6},
    {N_ANIM, "transition_ms", 1, 0, KS_THEME_MAX_ANIM_MS, 220, 150},
    {N_ANIM, "press_ms", 1, 0, KS_THEME_MAX_ANIM_MS, 90, 60},
    {N_ANIM, "fade_ms", 1, 0, KS_THEME_MAX_ANIM_MS, 160, 120},
    {N_ANIM, "keyboard_ms", 1, 0, KS_THEME_MAX_ANIM_MS, 200, 150},
};
#define N_NUMS (sizeof nums / sizeof nums[0])

static void set_num(ks_theme *t, size_t i, double v)
{
    const num_def *d = &nums[i];
    const char *n = d->name;
    if (d->where == N_TYPE) {
        ks_theme_type *ty = &t->type;
        if (!strcmp(n, "base_fraction")) ty->base_fraction = (float)v;
        else if (!strcmp(n, "base_dp")) ty->base_dp = (float)v;
        else if (!strcmp(n, "min_base_px")) ty->min_base_px = (int)v;
        else if (!strcmp(n, "caption")) ty->caption = (float)v;
        else if (!strcmp(n, "body")) ty->body = (float)v;
        else if (!strcmp(n, "subtitle")) ty->subtitle = (float)v;
        else if (!strcmp(n, "title")) ty->title = (float)v;
        else if (!strcmp(n, "display")) ty->display = (float)v;
        else if (!strcmp(n, "line_height_pct")) ty->line_height_pct = (int)v;
        else ty->large_text_scale = (float)v;
    } else if (d->where == N_TOP) {
        if (!strcmp(n, "spacing_em")) t->spacing_em = (float)v;
        else if (!strcmp(n, "radius_em")) t->radius_em = (float)v;
        else t->touch_em = (float)v;
    } else {
        if (!strcmp(n, "transition_ms")) t->anim.transition_ms = (int)v;
        else if (!strcmp(n, "press_ms")) t->anim.press_ms = (int)v;
        else if (!strcmp(n, "fade_ms")) t->anim.fade_ms = (int)v;
        else t->anim.keyboard_ms = (int)v;
    }
}

static void fill_builtin(ks_theme *t, int hc)
{
    t->high_contrast = hc;
    for (size_t i = 0; i < N_COLORS; i++) *color_slot(&t->color, i) = rgba(hc ? colors[i].hc : colors[i].light);
    for (size_t i = 0; i < N_NUMS; i++) set_num(t, i, hc ? nums[i].hc : nums[i].light);
}

ks_theme *ks_theme_builtin(int high_contrast)
{
    ks_theme *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    fill_builtin(t, high_contrast);
    t->name = ks_strdup(high_contrast ? "high-contrast" : "default");
    if (!t->name) {
        free(t);
        return NULL;
    }
    return t;
}

void ks_theme_free(ks_theme *t)
{
    if (!t) return;
    free(t->name);
    free(t->source_path);
    free(t->logo);
    for (size_t i = 0; i < t->n_warnings; i++) free(t->warnings[i]);
    free(t->warnings);
    free(t);
}

/* ---- loading ----------------------------------------------------------- */

typedef struct loader {
    const char *name;
    const char *base_dir;
    ks_theme *t;
    ks_error *err;
} loader;

static ks_status nomem(loader *ld)
{
    return ks_error_set(ld->err, KS_ERR_NOMEM, "theme %s: out of memory", ld->name);
}

static ks_status add_warning(loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ks_status add_warning(loader *ld, const char *fmt, ...)
{
    ks_theme *t = ld->t;
    if (t->n_warnings >= MAX_WARNINGS) return KS_OK;
    char line[KS_ERROR_MSG_MAX];
    int off = snprintf(line, sizeof line, "theme %s: ", ld->name);
    if (off < 0 || (size_t)off >= sizeof line) off = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + off, sizeof line - (size_t)off, fmt, ap);
    va_end(ap);
    char **grown = realloc(t->warnings, (t->n_warnings + 1) * sizeof *grown);
    if (!grown) return nomem(ld);
    t->warnings = grown;
    if (!(grown[t->n_warnings] = ks_strdup(line))) return nomem(ld);
    t->n_warnings++;
    return KS_OK;
}

static ks_status bad_value(loader *ld, const char *key, const char *what, const cJSON *v)
{
    char shown[80];
    ks_jsonx_describe(v, shown, sizeof shown);
    return ks_error_set(ld->err, KS_ERR_INVALID, "theme %s: key '%s' must be %s, got %s", ld->name, key,
                        what, shown);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* "#RRGGBB" or "#RRGGBBAA". */
static int parse_color(const char *s, SDL_Color *out)
{
    size_t n = strlen(s);
    if (s[0] != '#' || (n != 7 && n != 9)) return -1;
    Uint8 v[4] = {0, 0, 0, 255};
    for (size_t i = 0; i < (n - 1) / 2; i++) {
        int hi = hex_digit(s[1 + 2 * i]), lo = hex_digit(s[2 + 2 * i]);
        if (hi < 0 || lo < 0) return -1;
        v[i] = (Uint8)(hi * 16 + lo);
    }
    *out = (SDL_Color){v[0], v[1], v[2], v[3]};
    return 0;
}

/* Warns about keys of obj not in names (NULL-terminated), "_" excepted. */
static ks_status warn_unknown(loader *ld, const cJSON *obj, const char *prefix, const char *const *names,
                              size_t n)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, obj) {
        const char *k = item->string ? item->string : "";
        if (k[0] == '_') continue;
        int known = 0;
        for (size_t i = 0; i < n && !known; i++) known = strcmp(k, names[i]) == 0;
        if (known) continue;
        const char *hint = ks_jsonx_suggest(k, names, n);
        ks_status st = hint ? add_warning(ld, "unknown key '%s%s' ignored (did you mean '%s%s'?)", prefix,
                                          k, prefix, hint)
                            : add_warning(ld, "unknown key '%s%s' ignored", prefix, k);
        if (st) return st;
    }
    return KS_OK;
}

static ks_status read_colors(loader *ld, const cJSON *obj)
{
    const char *names[N_COLORS];
    for (size_t i = 0; i < N_COLORS; i++) names[i] = colors[i].name;
    if (!obj) return add_warning(ld, "no \"colors\" object; using the built-in colours");
    if (!cJSON_IsObject(obj)) return bad_value(ld, "colors", "an object of colours", obj);
    ks_status st = warn_unknown(ld, obj, "colors.", names, N_COLORS);
    if (st) return st;
    for (size_t i = 0; i < N_COLORS; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, colors[i].name);
        char key[64];
        snprintf(key, sizeof key, "colors.%s", colors[i].name);
        if (!v || cJSON_IsNull(v)) {
            if ((st = add_warning(ld, "key '%s' is missing; using the built-in colour", key))) return st;
            continue;
        }
        if (!cJSON_IsString(v) || parse_color(v->valuestring, color_slot(&ld->t->color, i)) != 0)
            return bad_value(ld, key, "a colour like \"#1B2A33\" or \"#1B2A3380\"", v);
    }
    return KS_OK;
}

static ks_status read_num(loader *ld, size_t i, const cJSON *v)
{
    const num_def *d = &nums[i];
    char key[64];
    snprintf(key, sizeof key, "%s%s", d->where == N_TYPE ? "type." : (d->where == N_ANIM ? "anim." : ""),
             d->name);
    int ok = d->is_int ? ks_jsonx_is_int(v, 0, 1e9) : (cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
                                                      v->valuedouble >= 0);
    if (!ok) return bad_value(ld, key, d->is_int ? "a non-negative integer" : "a non-negative number", v);
    double x = v->valuedouble, c = x < d->lo ? d->lo : (x > d->hi ? d->hi : x);
    set_num(ld->t, i, c);
    if (c != x) return add_warning(ld, "key '%s' is %g, outside %g..%g; using %g", key, x, d->lo, d->hi, c);
    return KS_OK;
}

static ks_status read_group(loader *ld, const cJSON *root, num_where where, const char *group)
{
    const cJSON *obj = group ? cJSON_GetObjectItemCaseSensitive(root, group) : root;
    ks_status st;
    if (group && obj && !cJSON_IsNull(obj) && !cJSON_IsObject(obj))
        return bad_value(ld, group, "an object", obj);
    if (group && obj && cJSON_IsObject(obj)) {
        const char *names[N_NUMS];
        size_t n = 0;
        for (size_t i = 0; i < N_NUMS; i++)
            if (nums[i].where == where) names[n++] = nums[i].name;
        char prefix[32];
        snprintf(prefix, sizeof prefix, "%s.", group);
        if ((st = warn_unknown(ld, obj, prefix, names, n))) return st;
    }
    for (size_t i = 0; i < N_NUMS; i++) {
        if (nums[i].where != where) continue;
        const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, nums[i].name) : NULL;
        if (!v || cJSON_IsNull(v)) {
            /* base_dp is the optional alternative to base_fraction. */
            if (strcmp(nums[i].name, "base_dp") == 0) continue;
            if ((st = add_warning(ld, "key '%s%s%s' is missing; using the built-in value",
                                  group ? group : "", group ? "." : "", nums[i].name)))
                return st;
            continue;
        }
        if ((st = read_num(ld, i, v))) return st;
    }
    return KS_OK;
}

ks_status ks_theme_parse(const char *json, size_t len, const char *name, const char *base_dir, ks_theme **out,
                         ks_error *err)
{
    *out = NULL;
    if (!name) name = "(theme)";
    static const char *const top[] = {"name", "high_contrast", "colors", "type", "spacing_em",
                                      "radius_em", "touch_em", "logo", "anim"};
    cJSON *root = NULL;
    ks_theme *t = calloc(1, sizeof *t);
    loader ld = {name, base_dir, t, err};
    ks_status st;
    if (!t) return ks_error_set(err, KS_ERR_NOMEM, "theme %s: out of memory", name);
    char label[600];
    snprintf(label, sizeof label, "theme %s", name);
    if ((st = ks_jsonx_parse(json, len, label, &root, err))) goto out;
    if (!cJSON_IsObject(root)) {
        st = bad_value(&ld, "(top level)", "an object {\"colors\": {...}, ...}", root);
        goto out;
    }
    if ((st = warn_unknown(&ld, root, "", top, sizeof top / sizeof top[0]))) goto out;

    const cJSON *hc = cJSON_GetObjectItemCaseSensitive(root, "high_contrast");
    if (hc && !cJSON_IsNull(hc) && !cJSON_IsBool(hc)) {
        st = bad_value(&ld, "high_contrast", "true or false", hc);
        goto out;
    }
    /* Missing keys come from the built-in theme of the same kind. */
    fill_builtin(t, cJSON_IsTrue(hc));

    const cJSON *nm = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (nm && !cJSON_IsNull(nm) && (!cJSON_IsString(nm) || !nm->valuestring[0])) {
        st = bad_value(&ld, "name", "a non-empty string", nm);
        goto out;
    }
    if (cJSON_IsString(nm)) {
        t->name = ks_strdup(nm->valuestring);
    } else {
        /* The file's stem: "themes/ocean.json" -> "ocean". */
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        size_t bl = strlen(base);
        if (bl > 5 && strcmp(base + bl - 5, ".json") == 0) bl -= 5;
        t->name = strndup(base, bl);
    }
    if (!t->name) {
        st = nomem(&ld);
        goto out;
    }

    if ((st = read_colors(&ld, cJSON_GetObjectItemCaseSensitive(root, "colors")))) goto out;
    if ((st = read_group(&ld, root, N_TYPE, "type"))) goto out;
    if ((st = read_group(&ld, root, N_TOP, NULL))) goto out;
    if ((st = read_group(&ld, root, N_ANIM, "anim"))) goto out;
    /* base_dp only counts when base_fraction is absent: one way to size. */
    {
        const cJSON *ty = cJSON_GetObjectItemCaseSensitive(root, "type");
        int has_frac = cJSON_IsObject(ty) && cJSON_GetObjectItemCaseSensitive(ty, "base_fraction");
        int has_dp = cJSON_IsObject(ty) && cJSON_GetObjectItemCaseSensitive(ty, "base_dp");
        if (has_dp && !has_frac) {
            t->type.base_fraction = 0;
            /* That warning about a missing base_fraction is not true. */
            for (size_t i = 0; i < t->n_warnings; i++) {
                if (strstr(t->warnings[i], "'type.base_fraction' is missing")) {
                    free(t->warnings[i]);
                    memmove(&t->warnings[i], &t->warnings[i + 1], (t->n_warnings - i - 1) * sizeof *t->warnings);
                    t->n_warnings--;
                    break;
                }
            }
        } else if (has_dp && has_frac) {
            if ((st = add_warning(&ld, "both 'type.base_fraction' and 'type.base_dp' are set; "
                                       "base_fraction is used")))
                goto out;
        }
    }

    const cJSON *logo = cJSON_GetObjectItemCaseSensitive(root, "logo");
    if (logo && !cJSON_IsNull(logo)) {
        if (!cJSON_IsString(logo) || !logo->valuestring[0]) {
            st = bad_value(&ld, "logo", "an image path or null", logo);
            goto out;
        }
        const char *p = logo->valuestring;
        char *path = (p[0] == '/' || !base_dir) ? ks_strdup(p) : ks_path_join(base_dir, p);
        if (!path) {
            st = nomem(&ld);
            goto out;
        }
        if (ks_path_exists(path)) {
            t->logo = path;
        } else {
            /* A missing logo is not worth a dark screen: show none. */
            st = add_warning(&ld, "logo '%s' not found; no logo is shown", path);
            free(path);
            if (st) goto out;
        }
    }
    *out = t;
    t = NULL;
out:
    cJSON_Delete(root);
    ks_theme_free(t);
    return st;
}

ks_status ks_theme_load(const char *path, ks_theme **out, ks_error *err)
{
    *out = NULL;
    char *text = NULL, *dir = NULL;
    size_t len = 0;
    ks_status st = ks_file_read_all(path, MAX_THEME_BYTES, &text, &len, err);
    if (st) {
        ks_error_prefix(err, "theme");
        return st;
    }
    const char *slash = strrchr(path, '/');
    dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : ks_strdup(".");
    if (!dir) {
        free(text);
        return ks_error_set(err, KS_ERR_NOMEM, "theme %s: out of memory", path);
    }
    st = ks_theme_parse(text, len, path, dir, out, err);
    if (st == KS_OK && !((*out)->source_path = ks_strdup(path))) {
        ks_theme_free(*out);
        *out = NULL;
        st = ks_error_set(err, KS_ERR_NOMEM, "theme %s: out of memory", path);
    }
    free(text);
    free(dir);
    return st;
}

ks_status ks_theme_load_named(const char *assets_dir, const char *name_or_path, ks_theme **out, ks_error *err)
{
    *out = NULL;
    if (!name_or_path || !name_or_path[0]) name_or_path = "default";
    size_t n = strlen(name_or_path);
    if (strchr(name_or_path, '/') || (n > 5 && strcmp(name_or_path + n - 5, ".json") == 0))
        return ks_theme_load(name_or_path, out, err);
    char rel[300];
    snprintf(rel, sizeof rel, "themes/%s.json", name_or_path);
    char *path = ks_path_join(assets_dir ? assets_dir : ".", rel);
    if (!path) return ks_error_set(err, KS_ERR_NOMEM, "theme %s: out of memory", name_or_path);
    ks_status st = ks_theme_load(path, out, err);
    free(path);
    return st;
}

/* ---- sizes and colour maths ------------------------------------------- */

int ks_theme_touch_min_px(int dpi)
{
    if (dpi <= 0) dpi = 96;
    /* 9 mm = 90/254 inch; integer ceiling so 254 dpi gives exactly 90. */
    long long num = 90LL * dpi;
    return (int)((num + 253) / 254);
}

static int round_px(double v)
{
    long r = lround(v);
    return r < 1 ? 1 : (r > 100000 ? 100000 : (int)r);
}

void ks_theme_metrics_compute(const ks_theme *t, int w, int h, int dpi, int large_text, ks_theme_metrics *m)
{
    memset(m, 0, sizeof *m);
    if (dpi <= 0) dpi = 96;
    int shorter = w < h ? w : h;
    if (shorter < 1) shorter = 1;
    const ks_theme_type *ty = &t->type;
    double base = ty->base_fraction > 0 ? ty->base_fraction * shorter : ty->base_dp * dpi / 160.0;
    int base_px = round_px(base);
    if (base_px < ty->min_base_px) base_px = ty->min_base_px;
    double ls = large_text ? ty->large_text_scale : 1.0;
    m->scale = (float)shorter / 1080.0f;
    m->base_px = base_px;
    m->caption_px = round_px(base_px * ty->caption * ls);
    m->body_px = round_px(base_px * ty->body * ls);
    m->subtitle_px = round_px(base_px * ty->subtitle * ls);
    m->title_px = round_px(base_px * ty->title * ls);
    m->display_px = round_px(base_px * ty->display * ls);
    m->line_height_pct = ty->line_height_pct;
    m->spacing_px = round_px(t->spacing_em * base_px);
    if (m->spacing_px < 2) m->spacing_px = 2;
    m->radius_px = (int)lround(t->radius_em * base_px);
    m->touch_min_px = ks_theme_touch_min_px(dpi);
    int pref = round_px(t->touch_em * m->body_px);
    m->touch_px = pref > m->touch_min_px ? pref : m->touch_min_px;
}

static double channel(Uint8 v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double ks_theme_luminance(SDL_Color c)
{
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double ks_theme_contrast(SDL_Color a, SDL_Color b)
{
    double la = ks_theme_luminance(a), lb = ks_theme_luminance(b);
    double hi = la > lb ? la : lb, lo = la > lb ? lb : la;
    return (hi + 0.05) / (lo + 0.05);
}

SDL_Color ks_theme_mix(SDL_Color a, SDL_Color b, float t)
{
    if (!(t > 0)) t = 0; /* also catches NaN */
    if (t > 1) t = 1;
#define MIX(f) (Uint8)lroundf((float)a.f + ((float)b.f - (float)a.f) * t)
    SDL_Color c = {MIX(r), MIX(g), MIX(b), MIX(a)};
#undef MIX
    return c;
}

int ks_theme_color(const ks_theme *t, const char *name, SDL_Color *out)
{
    if (!t || !name) return -1;
    for (size_t i = 0; i < N_COLORS; i++) {
        if (strcmp(colors[i].name, name) == 0) {
            *out = *(const SDL_Color *)((const char *)&t->color + colors[i].offset);
            return 0;
        }
    }
    return -1;
}
