/*
 * keyboard.c - the on-screen keyboard (include/ks/keyboard.h): layout
 * files, geometry, the input state machine (touch, mouse, dwell, gamepad),
 * input methods through ks_ime, and drawing through ks_ui.
 *
 * How it fits: the app passes input in with plain calls and times from the
 * simulated clock, and takes events out of a queue; nothing here parses SDL
 * events, owns a window, or knows about screens.
 *
 * Must not: keep any history of what was typed (only the composition in
 * progress, which reset drops), block (rime deployment is the ime's worker
 * thread's business), or draw outside ks_ui (so the dirty region holds).
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <cjson/cJSON.h>
#include <utf8proc.h>

#include "ks/draw.h"
#include "ks/file.h"
#include "ks/keyboard.h"
#include "ks/log.h"
#include "ks/normalize.h"
#include "ks/path.h"
#include "ks/str.h"
#include "ks/theme.h"

#define MOD "keyboard"
#define LAYOUT_FORMAT "kiosk-keyboard/1"
#define MAX_LAYOUT_BYTES (256 * 1024)
#define MAX_LAYOUTS 32
#define MAX_ROWS 8
#define MAX_KEYS_PER_ROW 24
#define MAX_ALTS 16
#define MAX_TEXT_BYTES 32
#define MAX_CYCLE 16
#define MAX_EVENTS 4096
#define DEFAULT_KEY_MM 22.0f
#define DEFAULT_ANIM_MS 200
#define MAX_ANIM_MS 250
#define FRAME_MS 16
#define NO_ICON ((ks_icon)-1)

/* Proportions of the key pitch (the "unit"): gaps between keys, panel
 * padding, candidate bar height and row pitch. Chosen so the keys read as
 * separate rounded tiles with room to breathe, as on phone keyboards. */
#define GAP_FRAC 0.12f
#define PAD_FRAC 0.22f
#define BAR_FRAC 0.80f
#define ROW_FRAC 0.94f

typedef enum key_action {
    ACT_CHAR,
    ACT_SHIFT,
    ACT_BACKSPACE,
    ACT_ENTER,
    ACT_SPACE,
    ACT_LAYOUT,
    ACT_IME,
    ACT_HIDE,
    ACT_COUNT_
} key_action;

static const char *const k_action_names[ACT_COUNT_] = {
    "char", "shift", "backspace", "enter", "space", "layout", "ime", "hide",
};

typedef enum layout_kind { KIND_TEXT, KIND_SYMBOLS, KIND_NUMERIC } layout_kind;

typedef struct kb_key {
    key_action action;
    char *text;       /* ACT_CHAR: what it types (or the input code it sends) */
    char *shift_text; /* upper-case form, NULL when the same */
    char *label;      /* what it shows, NULL = text (or an icon for actions) */
    char *hint;       /* small secondary label, may be NULL */
    char *target;     /* ACT_LAYOUT: a layout name or "@text" */
    float label_size; /* label size factor (tone marks are small glyphs) */
    float label_dy;   /* label shift down, in key heights (glyphs drawn high in their box) */
    char **alts;      /* long-press alternates */
    char **shift_alts;
    size_t n_alts;
    float x_units, width; /* position and width within its row, in key units */
    int row;
    SDL_Rect rect; /* window pixels, panel fully shown */
} kb_key;

typedef struct kb_layout {
    char *name, *title, *short_name, *locale, *file;
    char *preparing;   /* candidate-bar text while the input method deploys */
    char *unavailable; /* ... when it failed */
    layout_kind kind;
    int ime; /* ks_ime_schema, -1 = none */
    float key_mm;
    kb_key *keys;
    size_t n_keys;
    int n_rows;
    float row_units[MAX_ROWS];
    float units_wide;
    int has_shift;
} kb_layout;

typedef struct kb_geom {
    int dpi, min_px, unit, row_h, gap, pad, bar_h, height, radius;
    SDL_Rect panel; /* fully shown */
    SDL_Rect keys;  /* the block of keys */
    SDL_Rect bar;   /* the candidate bar; h = 0 without an input method */
} kb_geom;

typedef struct kb_target {
    ks_kb_target_kind kind;
    SDL_Rect rect;
    int index; /* KEY: key index; CANDIDATE: index on the ime page */
} kb_target;

struct ks_keyboard {
    kb_layout *layouts;
    size_t n_layouts;
    int cur;
    int last_text; /* the text layout "@text" returns to */
    int cycle[MAX_CYCLE];
    size_t n_cycle;
    ks_ime *ime;
    ks_text *text;

    int has_area;
    int ax, ay, aw, ah, dpi;
    kb_geom g;

    kb_target *targets;
    size_t n_targets, cap_targets;
    int targets_valid;
    int cand_first; /* first candidate (index on the ime page) the bar shows */
    int cand_shown;

    /* Slide animation: fraction shown at anim_start, moving to 1 or 0. */
    int shown;
    uint64_t anim_start;
    float anim_from;
    int anim_ms;

    /* The press in progress (first pointer wins). */
    int pressing;
    int64_t pointer;
    int press_target;
    uint64_t press_ms;
    int popup, popup_key, popup_sel, popup_n;
    SDL_Rect popup_rect, popup_cells[MAX_ALTS + 1];
    uint64_t bs_next;

    int shift; /* 0 off, 1 once, 2 caps lock */
    uint64_t shift_tap_ms;

    int dwell_ms;
    int hovering, hover_x, hover_y, hover_target, hover_fired;
    uint64_t hover_start;

    int focus;
    int enter_search;
    int ime_seen_ready;

    ks_kb_event *events;
    size_t ev_head, ev_len, ev_cap;

    char *preedit; /* copy of the current composition, to notice changes */
    char *note_preparing, *note_unavailable; /* UI-language notes for the bar, or NULL */

    int dirty;
    SDL_Rect overlay, last_overlay; /* bubble/popup areas above the panel */
};

/* ---------------------------------------------------------------------- */
/* small helpers                                                           */

static int imin(int a, int b)
{
    return a < b ? a : b;
}
static int imax(int a, int b)
{
    return a > b ? a : b;
}

/* Upper-case form through utf8proc (é -> É), or NULL when unchanged. */
static char *to_upper(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(len * 4 + 1);
    if (!out) return NULL;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)len;
    size_t o = 0;
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0) break;
        o += (size_t)utf8proc_encode_char(utf8proc_toupper(cp), (utf8proc_uint8_t *)out + o);
        p += n;
        left -= n;
    }
    out[o] = '\0';
    if (strcmp(out, s) == 0) {
        free(out);
        return NULL;
    }
    return out;
}

static int point_in(SDL_Rect r, int x, int y)
{
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

static SDL_Rect grow(SDL_Rect r, int d)
{
    return (SDL_Rect){r.x - d, r.y - d, r.w + 2 * d, r.h + 2 * d};
}

static int rect_empty(SDL_Rect r)
{
    return r.w <= 0 || r.h <= 0;
}

static SDL_Rect rect_union(SDL_Rect a, SDL_Rect b)
{
    if (rect_empty(a)) return b;
    if (rect_empty(b)) return a;
    SDL_Rect u;
    SDL_UnionRect(&a, &b, &u);
    return u;
}

/* ---------------------------------------------------------------------- */
/* layout files                                                            */

static void free_key(kb_key *k)
{
    free(k->text);
    free(k->shift_text);
    free(k->label);
    free(k->hint);
    free(k->target);
    for (size_t i = 0; i < k->n_alts; i++) {
        free(k->alts[i]);
        if (k->shift_alts) free(k->shift_alts[i]);
    }
    free(k->alts);
    free(k->shift_alts);
}

static void free_layout(kb_layout *l)
{
    for (size_t i = 0; i < l->n_keys; i++)
        free_key(&l->keys[i]);
    free(l->keys);
    free(l->name);
    free(l->title);
    free(l->short_name);
    free(l->locale);
    free(l->file);
    free(l->preparing);
    free(l->unavailable);
    memset(l, 0, sizeof *l);
}

/* Rejects members not in allowed (NULL-terminated); "_comment" and other
 * names starting with '_' are notes for people and always allowed. A typo
 * ("alt" for "alts") must not be silently ignored. */
static ks_status check_members(const cJSON *obj, const char *const *allowed, const char *where, ks_error *err)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (!c->string || c->string[0] == '_') continue;
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, c->string) == 0) ok = 1;
        if (!ok) return ks_error_set(err, KS_ERR_INVALID, "%s: unknown field '%s'", where, c->string);
    }
    return KS_OK;
}

/* An optional string member: valid UTF-8, non-empty, at most max bytes.
 * *out stays NULL when absent. */
static ks_status get_string(const cJSON *obj, const char *name, size_t max, char **out, const char *where,
                            ks_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    *out = NULL;
    if (!v) return KS_OK;
    if (!cJSON_IsString(v) || !v->valuestring)
        return ks_error_set(err, KS_ERR_INVALID, "%s: '%s' must be a string", where, name);
    size_t len = strlen(v->valuestring);
    if (len == 0) return ks_error_set(err, KS_ERR_INVALID, "%s: '%s' is empty", where, name);
    if (len > max)
        return ks_error_set(err, KS_ERR_INVALID, "%s: '%s' is longer than %zu bytes", where, name, max);
    if (!ks_norm_utf8_valid(v->valuestring, strlen(v->valuestring)))
        return ks_error_set(err, KS_ERR_INVALID, "%s: '%s' is not valid UTF-8", where, name);
    *out = ks_strdup(v->valuestring);
    if (!*out) return ks_error_set(err, KS_ERR_NOMEM, "%s: no memory", where);
    return KS_OK;
}

static ks_status get_number(const cJSON *obj, const char *name, double lo, double hi, double *out,
                            const char *where, ks_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v) return KS_OK;
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi))
        return ks_error_set(err, KS_ERR_INVALID, "%s: '%s' must be a number from %g to %g", where, name, lo,
                            hi);
    *out = v->valuedouble;
    return KS_OK;
}

static ks_status parse_key(const cJSON *o, const char *where, int has_text_case, kb_key *k, ks_error *err)
{
    static const char *const fields[] = {"text",   "label",  "shift",      "hint",     "alts", "width",
                                         "action", "target", "label_size", "label_dy", NULL};
    ks_status st;
    char *action = NULL;
    double width = 1.0;
    if (!cJSON_IsObject(o)) return ks_error_set(err, KS_ERR_INVALID, "%s: a key must be an object", where);
    if ((st = check_members(o, fields, where, err))) return st;
    if ((st = get_string(o, "action", 32, &action, where, err))) return st;
    if ((st = get_string(o, "text", MAX_TEXT_BYTES, &k->text, where, err))) goto out;
    if ((st = get_string(o, "label", MAX_TEXT_BYTES, &k->label, where, err))) goto out;
    if ((st = get_string(o, "hint", MAX_TEXT_BYTES, &k->hint, where, err))) goto out;
    if ((st = get_string(o, "shift", MAX_TEXT_BYTES, &k->shift_text, where, err))) goto out;
    if ((st = get_string(o, "target", 64, &k->target, where, err))) goto out;
    if ((st = get_number(o, "width", 0.25, 12.0, &width, where, err))) goto out;
    k->width = (float)width;
    double lsize = 1.0;
    if ((st = get_number(o, "label_size", 0.5, 2.5, &lsize, where, err))) goto out;
    k->label_size = (float)lsize;
    double ldy = 0.0;
    if ((st = get_number(o, "label_dy", -0.5, 0.5, &ldy, where, err))) goto out;
    k->label_dy = (float)ldy;

    k->action = ACT_CHAR;
    if (action) {
        int found = -1;
        for (int a = 1; a < ACT_COUNT_; a++)
            if (strcmp(action, k_action_names[a]) == 0) found = a;
        if (found < 0) {
            st = ks_error_set(err, KS_ERR_INVALID,
                              "%s: unknown action '%s' (shift, backspace, enter, space, layout, ime, hide)",
                              where, action);
            goto out;
        }
        k->action = (key_action)found;
        if (k->text) {
            st =
                ks_error_set(err, KS_ERR_INVALID, "%s: a key has either 'text' or 'action', not both", where);
            goto out;
        }
    } else if (!k->text) {
        st = ks_error_set(err, KS_ERR_INVALID, "%s: a key needs 'text', 'action' or 'spacer'", where);
        goto out;
    }
    if (k->action == ACT_LAYOUT && !k->target) {
        st = ks_error_set(err, KS_ERR_INVALID, "%s: a layout key needs a 'target' layout name", where);
        goto out;
    }

    const cJSON *alts = cJSON_GetObjectItemCaseSensitive(o, "alts");
    if (alts) {
        int n = cJSON_IsArray(alts) ? cJSON_GetArraySize(alts) : -1;
        if (n < 1 || n > MAX_ALTS) {
            st = ks_error_set(err, KS_ERR_INVALID, "%s: 'alts' must be an array of 1 to %d strings", where,
                              MAX_ALTS);
            goto out;
        }
        if (k->action != ACT_CHAR) {
            st = ks_error_set(err, KS_ERR_INVALID, "%s: only text keys have 'alts'", where);
            goto out;
        }
        k->alts = calloc((size_t)n, sizeof *k->alts);
        k->shift_alts = calloc((size_t)n, sizeof *k->shift_alts);
        if (!k->alts || !k->shift_alts) {
            st = ks_error_set(err, KS_ERR_NOMEM, "%s: no memory", where);
            goto out;
        }
        int i = 0;
        for (const cJSON *a = alts->child; a; a = a->next, i++) {
            const char *s = cJSON_IsString(a) ? a->valuestring : NULL;
            if (!s || !*s || strlen(s) > MAX_TEXT_BYTES || !ks_norm_utf8_valid(s, strlen(s))) {
                st = ks_error_set(err, KS_ERR_INVALID,
                                  "%s: alternate %d must be a non-empty UTF-8 string of at most %d bytes",
                                  where, i + 1, MAX_TEXT_BYTES);
                goto out;
            }
            k->alts[i] = ks_strdup(s);
            k->shift_alts[i] = has_text_case ? to_upper(s) : NULL;
            k->n_alts = (size_t)i + 1;
            if (!k->alts[i]) {
                st = ks_error_set(err, KS_ERR_NOMEM, "%s: no memory", where);
                goto out;
            }
        }
    }
    if (k->action == ACT_CHAR && !k->shift_text && has_text_case) k->shift_text = to_upper(k->text);
out:
    free(action);
    return st;
}

/* Parses one layout file's JSON into *l (freed on failure). */
static ks_status parse_layout(const char *json, size_t len, const char *file, kb_layout *l, ks_error *err)
{
    static const char *const fields[] = {
        "format", "name",   "title", "short",          "locale",           "kind",
        "ime",    "key_mm", "rows",  "preparing_text", "unavailable_text", NULL};
    ks_status st = KS_OK;
    char where[192];
    char *fmt = NULL, *kind = NULL, *ime = NULL;
    memset(l, 0, sizeof *l);
    l->ime = -1;
    l->key_mm = DEFAULT_KEY_MM;
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root) {
        const char *e = cJSON_GetErrorPtr();
        long off = e && e >= json && e <= json + len ? (long)(e - json) : -1;
        return ks_error_set(err, KS_ERR_INVALID, "layout %s: not valid JSON (near byte %ld)", file, off);
    }
    snprintf(where, sizeof where, "layout %s", file);
    if (!cJSON_IsObject(root)) {
        st = ks_error_set(err, KS_ERR_INVALID, "%s: the top level must be an object", where);
        goto out;
    }
    if ((st = check_members(root, fields, where, err))) goto out;
    if ((st = get_string(root, "format", 64, &fmt, where, err))) goto out;
    if (!fmt || strcmp(fmt, LAYOUT_FORMAT) != 0) {
        st = ks_error_set(err, KS_ERR_UNSUPPORTED, "%s: 'format' must be \"%s\"", where, LAYOUT_FORMAT);
        goto out;
    }
    if ((st = get_string(root, "name", 64, &l->name, where, err))) goto out;
    if (!l->name) {
        st = ks_error_set(err, KS_ERR_INVALID, "%s: 'name' is missing", where);
        goto out;
    }
    if (strcmp(l->name, "@text") == 0) {
        st = ks_error_set(err, KS_ERR_INVALID, "%s: '@text' is reserved", where);
        goto out;
    }
    if ((st = get_string(root, "title", 64, &l->title, where, err))) goto out;
    if ((st = get_string(root, "short", 16, &l->short_name, where, err))) goto out;
    if ((st = get_string(root, "locale", 32, &l->locale, where, err))) goto out;
    if ((st = get_string(root, "preparing_text", 256, &l->preparing, where, err))) goto out;
    if ((st = get_string(root, "unavailable_text", 256, &l->unavailable, where, err))) goto out;
    if ((st = get_string(root, "kind", 16, &kind, where, err))) goto out;
    if ((st = get_string(root, "ime", 16, &ime, where, err))) goto out;
    double mm = l->key_mm;
    if ((st = get_number(root, "key_mm", 10.0, 40.0, &mm, where, err))) goto out;
    l->key_mm = (float)mm;
    if (!l->title) l->title = ks_strdup(l->name);
    if (!l->short_name) l->short_name = ks_strdup(l->name);
    if (!l->locale) l->locale = ks_strdup("en");
    l->file = ks_strdup(file);
    if (!l->title || !l->short_name || !l->locale || !l->file) {
        st = ks_error_set(err, KS_ERR_NOMEM, "%s: no memory", where);
        goto out;
    }
    l->kind = KIND_TEXT;
    if (kind) {
        if (strcmp(kind, "text") == 0)
            l->kind = KIND_TEXT;
        else if (strcmp(kind, "symbols") == 0)
            l->kind = KIND_SYMBOLS;
        else if (strcmp(kind, "numeric") == 0)
            l->kind = KIND_NUMERIC;
        else {
            st = ks_error_set(err, KS_ERR_INVALID, "%s: 'kind' must be text, symbols or numeric", where);
            goto out;
        }
    }
    if (ime) {
        l->ime = ks_ime_schema_parse(ime);
        if (l->ime < 0) {
            st = ks_error_set(err, KS_ERR_INVALID, "%s: unknown input method '%s' (pinyin, zhuyin, cangjie)",
                              where, ime);
            goto out;
        }
    }

    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(root, "rows");
    int n_rows = cJSON_IsArray(rows) ? cJSON_GetArraySize(rows) : -1;
    if (n_rows < 1 || n_rows > MAX_ROWS) {
        st =
            ks_error_set(err, KS_ERR_INVALID, "%s: 'rows' must be an array of 1 to %d rows", where, MAX_ROWS);
        goto out;
    }
    size_t total = 0;
    int ri = 0;
    for (const cJSON *r = rows->child; r; r = r->next, ri++) {
        int n = cJSON_IsArray(r) ? cJSON_GetArraySize(r) : -1;
        if (n < 1 || n > MAX_KEYS_PER_ROW) {
            st = ks_error_set(err, KS_ERR_INVALID, "%s: row %d must be an array of 1 to %d keys", where,
                              ri + 1, MAX_KEYS_PER_ROW);
            goto out;
        }
        total += (size_t)n;
    }
    l->keys = calloc(total, sizeof *l->keys);
    if (!l->keys) {
        st = ks_error_set(err, KS_ERR_NOMEM, "%s: no memory", where);
        goto out;
    }
    /* Shift makes sense only where letters have cases: layouts whose keys
     * type Latin text (not input codes, digits or symbols). */
    int cased = l->ime < 0 && l->kind == KIND_TEXT;
    int row = 0;
    for (const cJSON *r = rows->child; r; r = r->next, row++) {
        float x = 0;
        int col = 0, real = 0;
        for (const cJSON *ko = r->child; ko; ko = ko->next, col++) {
            char kw[256];
            const cJSON *t = cJSON_IsObject(ko) ? cJSON_GetObjectItemCaseSensitive(ko, "text") : NULL;
            const cJSON *a = cJSON_IsObject(ko) ? cJSON_GetObjectItemCaseSensitive(ko, "action") : NULL;
            const char *name = cJSON_IsString(t) ? t->valuestring : cJSON_IsString(a) ? a->valuestring : NULL;
            if (name && strlen(name) <= MAX_TEXT_BYTES && ks_norm_utf8_valid(name, strlen(name)))
                snprintf(kw, sizeof kw, "%s: row %d, key %d (\"%s\")", where, row + 1, col + 1, name);
            else
                snprintf(kw, sizeof kw, "%s: row %d, key %d", where, row + 1, col + 1);
            const cJSON *sp = cJSON_IsObject(ko) ? cJSON_GetObjectItemCaseSensitive(ko, "spacer") : NULL;
            if (sp) {
                if (!cJSON_IsNumber(sp) || !(sp->valuedouble > 0 && sp->valuedouble <= 12)) {
                    st = ks_error_set(err, KS_ERR_INVALID, "%s: 'spacer' must be a number from 0 to 12", kw);
                    goto out;
                }
                if (cJSON_GetArraySize(ko) != 1) {
                    st = ks_error_set(err, KS_ERR_INVALID, "%s: a spacer has no other fields", kw);
                    goto out;
                }
                x += (float)sp->valuedouble;
                continue;
            }
            kb_key *k = &l->keys[l->n_keys];
            if ((st = parse_key(ko, kw, cased, k, err))) {
                free_key(k);
                memset(k, 0, sizeof *k);
                goto out;
            }
            l->n_keys++;
            k->row = row;
            k->x_units = x;
            x += k->width;
            real++;
            if (k->action == ACT_SHIFT) l->has_shift = 1;
        }
        if (!real) {
            st = ks_error_set(err, KS_ERR_INVALID, "%s: row %d has only spacers", where, row + 1);
            goto out;
        }
        l->row_units[row] = x;
        if (x > l->units_wide) l->units_wide = x;
    }
    l->n_rows = row;
    if (l->has_shift && !cased) {
        st = ks_error_set(err, KS_ERR_INVALID,
                          "%s: a shift key is only for Latin text layouts (no 'ime', kind text)", where);
        goto out;
    }
out:
    free(fmt);
    free(kind);
    free(ime);
    cJSON_Delete(root);
    if (st) free_layout(l);
    return st;
}

ks_status ks_keyboard_check_layout(const char *json, size_t len, const char *name, ks_error *err)
{
    kb_layout l;
    ks_status st = parse_layout(json, len, name ? name : "(memory)", &l, err);
    if (!st) free_layout(&l);
    return st;
}

static int find_layout(const ks_keyboard *kb, const char *name)
{
    for (size_t i = 0; i < kb->n_layouts; i++)
        if (strcmp(kb->layouts[i].name, name) == 0) return (int)i;
    return -1;
}

static int cmp_layout(const void *a, const void *b)
{
    return strcmp(((const kb_layout *)a)->name, ((const kb_layout *)b)->name);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static ks_status load_layouts(ks_keyboard *kb, const char *dir, ks_error *err)
{
    ks_status st = KS_OK;
    char *names[MAX_LAYOUTS];
    size_t n = 0;
    DIR *d = opendir(dir);
    if (!d) return ks_error_set(err, KS_ERR_NOT_FOUND, "keyboard: cannot open the layout directory %s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || e->d_name[0] == '.' || strcmp(e->d_name + l - 5, ".json") != 0) continue;
        if (n == MAX_LAYOUTS) {
            st =
                ks_error_set(err, KS_ERR_TOO_LARGE, "keyboard: more than %d layouts in %s", MAX_LAYOUTS, dir);
            break;
        }
        if (!(names[n] = ks_strdup(e->d_name))) {
            st = ks_error_set(err, KS_ERR_NOMEM, "keyboard: no memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (st) goto out;
    qsort(names, n, sizeof names[0], cmp_str);
    kb->layouts = calloc(n ? n : 1, sizeof *kb->layouts);
    if (!kb->layouts) {
        st = ks_error_set(err, KS_ERR_NOMEM, "keyboard: no memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char *path = ks_path_join(dir, names[i]), *json = NULL;
        size_t len = 0;
        st = path ? ks_file_read_all(path, MAX_LAYOUT_BYTES, &json, &len, err)
                  : ks_error_set(err, KS_ERR_NOMEM, "keyboard: no memory");
        if (!st) st = parse_layout(json, len, names[i], &kb->layouts[kb->n_layouts], err);
        free(json);
        free(path);
        if (st) goto out;
        kb->n_layouts++;
        if (find_layout(kb, kb->layouts[kb->n_layouts - 1].name) != (int)kb->n_layouts - 1) {
            st = ks_error_set(err, KS_ERR_INVALID, "layout %s: the name '%s' is used by another file too",
                              names[i], kb->layouts[kb->n_layouts - 1].name);
            goto out;
        }
    }
    qsort(kb->layouts, kb->n_layouts, sizeof *kb->layouts, cmp_layout);
    if (find_layout(kb, "en") < 0) {
        st = ks_error_set(err, KS_ERR_NOT_FOUND, "keyboard: %s has no layout named 'en' (en.json)", dir);
        goto out;
    }
    for (size_t i = 0; i < kb->n_layouts; i++) {
        const kb_layout *l = &kb->layouts[i];
        for (size_t k = 0; k < l->n_keys; k++) {
            const char *t = l->keys[k].target;
            if (l->keys[k].action == ACT_LAYOUT && strcmp(t, "@text") != 0 && find_layout(kb, t) < 0) {
                st = ks_error_set(err, KS_ERR_INVALID,
                                  "layout %s: a layout key targets '%s', which no file in %s defines",
                                  l->file, t, dir);
                goto out;
            }
        }
    }
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return st;
}

/* ---------------------------------------------------------------------- */
/* events                                                                  */

static void push_event(ks_keyboard *kb, ks_kb_event_type type, const char *text, size_t len)
{
    if (kb->ev_head > 0 && kb->ev_head == kb->ev_len) kb->ev_head = kb->ev_len = 0;
    if (kb->ev_len == kb->ev_cap) {
        if (kb->ev_head > 0) {
            memmove(kb->events, kb->events + kb->ev_head, (kb->ev_len - kb->ev_head) * sizeof *kb->events);
            kb->ev_len -= kb->ev_head;
            kb->ev_head = 0;
        }
        if (kb->ev_len == kb->ev_cap) {
            size_t cap = kb->ev_cap ? kb->ev_cap * 2 : 32;
            ks_kb_event *e = cap <= MAX_EVENTS ? realloc(kb->events, cap * sizeof *e) : NULL;
            if (!e) {
                ks_log_warn(MOD, "event queue full (%zu): the app is not polling; dropping an event",
                            kb->ev_len);
                return;
            }
            kb->events = e;
            kb->ev_cap = cap;
        }
    }
    ks_kb_event *ev = &kb->events[kb->ev_len++];
    ev->type = type;
    if (len >= sizeof ev->text) len = sizeof ev->text - 1;
    if (text) memcpy(ev->text, text, len);
    ev->text[text ? len : 0] = '\0';
}

static void emit(ks_keyboard *kb, ks_kb_event_type type, const char *text)
{
    push_event(kb, type, text, text ? strlen(text) : 0);
}

/* Inserts as many events as needed, cut at character boundaries. */
static void emit_insert(ks_keyboard *kb, const char *s)
{
    size_t len = strlen(s);
    while (len > 0) {
        size_t n = len < KS_KB_EVENT_TEXT_MAX - 1 ? len : KS_KB_EVENT_TEXT_MAX - 1;
        while (n < len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        push_event(kb, KS_KB_EV_INSERT, s, n);
        s += n;
        len -= n;
    }
}

int ks_keyboard_poll(ks_keyboard *kb, ks_kb_event *ev)
{
    if (kb->ev_head >= kb->ev_len) {
        kb->ev_head = kb->ev_len = 0;
        return 0;
    }
    *ev = kb->events[kb->ev_head++];
    return 1;
}

/* ---------------------------------------------------------------------- */
/* geometry                                                                */

static int mm_px(int dpi, float mm)
{
    return (int)ceilf(mm * (float)dpi / 25.4f - 1e-4f);
}

/* The 9 mm rule in exact integer maths: ceil(9 * dpi / 25.4). */
static int min_key_px(int dpi)
{
    return (90 * dpi + 253) / 254;
}

static ks_status compute_geom(const kb_layout *l, int ax, int ay, int aw, int ah, int dpi, kb_geom *g,
                              ks_error *err)
{
    memset(g, 0, sizeof *g);
    if (dpi <= 0) dpi = 96;
    int ime = l->ime >= 0;
    float rows = (float)l->n_rows, units = l->units_wide;
    int min_px = min_key_px(dpi);
    /* Smallest unit that keeps keys (unit - gap wide, row - gap tall) and
     * the candidate bar at 9 mm. */
    float u_need = fmaxf((float)min_px / (1.0f - GAP_FRAC), (float)min_px / (ROW_FRAC - GAP_FRAC));
    if (ime) u_need = fmaxf(u_need, (float)min_px / BAR_FRAC);
    u_need = ceilf(u_need) + 1.0f;
    float depth = 2.0f * PAD_FRAC + (ime ? BAR_FRAC : 0.0f) + rows * ROW_FRAC;
    float by_w = (float)aw / (units + 2.0f * PAD_FRAC);
    /* The keyboard takes at most half a landscape screen (42% of a
     * portrait one) so the field and some results stay in view; 60% is
     * the last resort before giving up the 9 mm rule. */
    float share = ah > aw ? 0.42f : 0.5f;
    float by_h = share * (float)ah / depth;
    if (by_h < u_need) by_h = 0.6f * (float)ah / depth;
    float u = fmaxf((float)mm_px(dpi, l->key_mm), u_need);
    u = fminf(u, fminf(by_w, by_h));
    if (u < u_need) {
        int need_w = (int)ceilf(u_need * (units + 2.0f * PAD_FRAC));
        int need_h = (int)ceilf(u_need * depth);
        return ks_error_set(err, KS_ERR_INVALID,
                            "keyboard layout '%s': 9 mm keys at %d dpi (%d px) need %d x %d px; the "
                            "area is %d x %d (lower the dpi setting only if the screen really is that "
                            "coarse)",
                            l->name, dpi, min_px, need_w, need_h, aw, (int)(0.6f * (float)ah));
    }
    int unit = (int)floorf(u);
    g->dpi = dpi;
    g->min_px = min_px;
    g->unit = unit;
    g->gap = imax(2, (int)lroundf((float)unit * GAP_FRAC));
    g->row_h = (int)lroundf((float)unit * ROW_FRAC);
    g->pad = imax(4, (int)lroundf((float)unit * PAD_FRAC));
    g->bar_h = ime ? imax(min_px, (int)lroundf((float)unit * BAR_FRAC)) : 0;
    g->radius = imax(4, (int)lroundf((float)unit * 0.13f));
    g->height = g->pad * 2 + g->bar_h + l->n_rows * g->row_h;
    g->panel = (SDL_Rect){ax, ay + ah - g->height, aw, g->height};
    int kw = (int)lroundf(units * (float)unit);
    g->keys = (SDL_Rect){ax + (aw - kw) / 2, g->panel.y + g->pad + g->bar_h, kw, l->n_rows * g->row_h};
    g->bar = (SDL_Rect){g->keys.x + g->gap / 2, g->panel.y + g->pad / 2 + g->gap / 2, kw - g->gap, g->bar_h};
    return KS_OK;
}

static void place_keys(kb_layout *l, const kb_geom *g)
{
    for (size_t i = 0; i < l->n_keys; i++) {
        kb_key *k = &l->keys[i];
        float off = (l->units_wide - l->row_units[k->row]) * 0.5f;
        int x0 = g->keys.x + (int)lroundf((off + k->x_units) * (float)g->unit);
        int x1 = g->keys.x + (int)lroundf((off + k->x_units + k->width) * (float)g->unit);
        int y0 = g->keys.y + k->row * g->row_h;
        k->rect = (SDL_Rect){x0 + g->gap / 2, y0 + g->gap / 2, x1 - x0 - g->gap, g->row_h - g->gap};
    }
}

/* ---------------------------------------------------------------------- */
/* input method glue                                                       */

static kb_layout *cur_layout(const ks_keyboard *kb)
{
    return &kb->layouts[kb->cur];
}

/* The input method is in charge of keys: the layout has one and rime is
 * deployed. Until then IME layouts type their codes as Latin text. */
static int ime_active(const ks_keyboard *kb)
{
    return kb->ime && cur_layout(kb)->ime >= 0 && ks_ime_ready(kb->ime);
}

static void invalidate_targets(ks_keyboard *kb)
{
    kb->targets_valid = 0;
    kb->dirty = 1;
}

/* After every call into the ime: committed text becomes INSERT events, a
 * changed composition a PREEDIT event; the bar starts at its first
 * candidate again. */
static void ime_sync(ks_keyboard *kb)
{
    if (!kb->ime) return;
    char *c = ks_ime_take_commit(kb->ime);
    if (c) {
        emit_insert(kb, c);
        free(c);
    }
    ks_ime_view v;
    ks_ime_get_view(kb->ime, &v);
    const char *pre = ime_active(kb) ? v.preedit : "";
    if (strcmp(pre, kb->preedit ? kb->preedit : "") != 0) {
        free(kb->preedit);
        kb->preedit = ks_strdup(pre);
        emit(kb, KS_KB_EV_PREEDIT, NULL);
    }
    kb->cand_first = 0;
    invalidate_targets(kb);
}

static void commit_composition(ks_keyboard *kb)
{
    if (ime_active(kb) && ks_ime_composing(kb->ime)) {
        ks_ime_commit_composition(kb->ime);
        ime_sync(kb);
    }
}

/* Types a key's text: through the input method when it wants it, else as
 * is. Non-ASCII text (full-width punctuation, alternates) first commits
 * any composition so the mark lands after the word. */
static void type_text(ks_keyboard *kb, const char *s)
{
    if (!ime_active(kb)) {
        emit_insert(kb, s);
        return;
    }
    if (s[0] && !s[1] && (unsigned char)s[0] >= 0x20 && (unsigned char)s[0] < 0x7f) {
        int used = ks_ime_process_key(kb->ime, (unsigned char)s[0]);
        ime_sync(kb);
        if (!used) emit_insert(kb, s);
        return;
    }
    commit_composition(kb);
    emit_insert(kb, s);
}

const char *ks_keyboard_preedit(const ks_keyboard *kb, size_t *caret)
{
    if (caret) *caret = 0;
    if (!ime_active(kb)) return "";
    ks_ime_view v;
    ks_ime_get_view(kb->ime, &v);
    if (caret) *caret = v.caret;
    return v.preedit;
}

/* ---------------------------------------------------------------------- */
/* targets: keys, then the candidate bar                                   */

static ks_text_style cand_style(const ks_keyboard *kb, int bold, SDL_Color color)
{
    ks_text_style s = {imax(12, (int)lroundf((float)kb->g.bar_h * 0.46f)), bold, color,
                       cur_layout(kb)->locale};
    return s;
}

static int text_width(const ks_keyboard *kb, const char *s, const ks_text_style *st)
{
    int w = 0, h = 0;
    if (kb->text) {
        ks_text_measure(kb->text, s, st, 0, 1, &w, &h);
        return w;
    }
    /* No text engine (tests of the state machine alone): CJK is about one
     * em wide, Latin about half. */
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
    float em = 0;
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0) break;
        em += cp >= 0x2E80 ? 1.0f : 0.55f;
        p += n;
        left -= n;
    }
    return (int)lroundf(em * (float)st->size_px);
}

static int cand_cell_width(const ks_keyboard *kb, const char *s)
{
    ks_text_style st = cand_style(kb, 1, (SDL_Color){0, 0, 0, 255});
    int pad = imax(8, (int)lroundf((float)kb->g.bar_h * 0.32f));
    return imax(kb->g.min_px, text_width(kb, s, &st) + 2 * pad);
}

static int page_button_width(const ks_keyboard *kb)
{
    return imax(kb->g.min_px, kb->g.unit);
}

/* How many candidates fit in the bar starting at first (at least one). */
static int window_len(const ks_keyboard *kb, const ks_ime_view *v, int first)
{
    int room = kb->g.bar.w - 2 * page_button_width(kb), used = 0, n = 0;
    for (size_t i = (size_t)first; i < v->n_candidates; i++) {
        int w = cand_cell_width(kb, v->candidates[i].text);
        if (n > 0 && used + w > room) break;
        used += w;
        n++;
    }
    return n;
}

static int add_target(ks_keyboard *kb, ks_kb_target_kind kind, SDL_Rect r, int index)
{
    if (kb->n_targets == kb->cap_targets) {
        size_t cap = kb->cap_targets ? kb->cap_targets * 2 : 64;
        kb_target *t = realloc(kb->targets, cap * sizeof *t);
        if (!t) return -1;
        kb->targets = t;
        kb->cap_targets = cap;
    }
    kb->targets[kb->n_targets++] = (kb_target){kind, r, index};
    return 0;
}

static int target_at(ks_keyboard *kb, int x, int y);

static void ensure_targets(ks_keyboard *kb)
{
    if (kb->targets_valid) return;
    SDL_Rect old_focus = {0, 0, 0, 0};
    int had_focus = kb->focus >= 0 && (size_t)kb->focus < kb->n_targets;
    if (had_focus) old_focus = kb->targets[kb->focus].rect;
    kb->n_targets = 0;
    kb->cand_shown = 0;
    kb_layout *l = cur_layout(kb);
    for (size_t i = 0; i < l->n_keys; i++)
        add_target(kb, KS_KB_TARGET_KEY, l->keys[i].rect, (int)i);
    if (kb->has_area && ime_active(kb)) {
        ks_ime_view v;
        ks_ime_get_view(kb->ime, &v);
        if (v.n_candidates > 0) {
            if (kb->cand_first < 0 || (size_t)kb->cand_first >= v.n_candidates) kb->cand_first = 0;
            SDL_Rect bar = kb->g.bar;
            int bw = page_button_width(kb);
            add_target(kb, KS_KB_TARGET_PAGE_PREV, (SDL_Rect){bar.x, bar.y, bw, bar.h}, -1);
            int n = window_len(kb, &v, kb->cand_first), x = bar.x + bw;
            int room = bar.w - 2 * bw;
            for (int i = 0; i < n; i++) {
                int idx = kb->cand_first + i;
                int w = imin(cand_cell_width(kb, v.candidates[idx].text), room);
                add_target(kb, KS_KB_TARGET_CANDIDATE, (SDL_Rect){x, bar.y, w, bar.h}, idx);
                x += w;
            }
            kb->cand_shown = n;
            add_target(kb, KS_KB_TARGET_PAGE_NEXT, (SDL_Rect){bar.x + bar.w - bw, bar.y, bw, bar.h}, -1);
        }
    }
    kb->targets_valid = 1;
    /* Keep the focus ring and the dwell where they were on screen. */
    if (had_focus) {
        long best = -1;
        int cx = old_focus.x + old_focus.w / 2, cy = old_focus.y + old_focus.h / 2;
        for (size_t i = 0; i < kb->n_targets; i++) {
            SDL_Rect r = kb->targets[i].rect;
            long dx = r.x + r.w / 2 - cx, dy = r.y + r.h / 2 - cy, d = dx * dx + 4 * dy * dy;
            if (best < 0 || d < best) {
                best = d;
                kb->focus = (int)i;
            }
        }
    } else {
        kb->focus = -1;
    }
    if (kb->hovering) kb->hover_target = target_at(kb, kb->hover_x, kb->hover_y);
}

/* The target under a point: keys count up to half a gap beyond their
 * edges, so a touch between two keys still lands on the nearer one. */
static int target_at(ks_keyboard *kb, int x, int y)
{
    ensure_targets(kb);
    int half = kb->g.gap / 2 + 1;
    for (size_t i = 0; i < kb->n_targets; i++) {
        SDL_Rect r = kb->targets[i].rect;
        if (kb->targets[i].kind == KS_KB_TARGET_KEY) r = grow(r, half);
        if (point_in(r, x, y)) return (int)i;
    }
    return -1;
}

static const kb_key *target_key(ks_keyboard *kb, int t)
{
    if (t < 0 || (size_t)t >= kb->n_targets || kb->targets[t].kind != KS_KB_TARGET_KEY) return NULL;
    return &cur_layout(kb)->keys[kb->targets[t].index];
}

/* ---------------------------------------------------------------------- */
/* creation, layouts, area                                                 */

ks_status ks_keyboard_create(const char *layout_dir, ks_ime *ime, ks_text *text, ks_keyboard **out,
                             ks_error *err)
{
    ks_status st;
    *out = NULL;
    if (!layout_dir) return ks_error_set(err, KS_ERR_INVALID, "keyboard: no layout directory given");
    ks_keyboard *kb = calloc(1, sizeof *kb);
    if (!kb) return ks_error_set(err, KS_ERR_NOMEM, "keyboard: no memory");
    kb->ime = ime;
    kb->text = text;
    kb->anim_ms = DEFAULT_ANIM_MS;
    kb->focus = -1;
    kb->press_target = -1;
    kb->hover_target = -1;
    kb->popup_sel = -1;
    if ((st = load_layouts(kb, layout_dir, err))) {
        ks_keyboard_destroy(kb);
        return st;
    }
    static const char *const defaults[] = {"en", "pinyin", "zhuyin", "cangjie"};
    for (size_t i = 0; i < 4; i++) {
        int li = find_layout(kb, defaults[i]);
        if (li >= 0 && kb->layouts[li].kind == KIND_TEXT) kb->cycle[kb->n_cycle++] = li;
    }
    kb->cur = kb->last_text = find_layout(kb, "en");
    *out = kb;
    return KS_OK;
}

void ks_keyboard_destroy(ks_keyboard *kb)
{
    if (!kb) return;
    for (size_t i = 0; i < kb->n_layouts; i++)
        free_layout(&kb->layouts[i]);
    free(kb->layouts);
    free(kb->targets);
    free(kb->events);
    free(kb->preedit);
    free(kb->note_preparing);
    free(kb->note_unavailable);
    free(kb);
}

ks_status ks_keyboard_set_notes(ks_keyboard *kb, const char *preparing, const char *unavailable, ks_error *err)
{
    char *p = preparing && *preparing ? ks_strdup(preparing) : NULL;
    char *u = unavailable && *unavailable ? ks_strdup(unavailable) : NULL;
    if ((preparing && *preparing && !p) || (unavailable && *unavailable && !u)) {
        free(p);
        free(u);
        return ks_error_set(err, KS_ERR_NOMEM, "keyboard: out of memory for the candidate-bar notes");
    }
    free(kb->note_preparing);
    free(kb->note_unavailable);
    kb->note_preparing = p;
    kb->note_unavailable = u;
    kb->dirty = 1;
    return KS_OK;
}

static void end_press(ks_keyboard *kb)
{
    kb->pressing = 0;
    kb->press_target = -1;
    kb->popup = 0;
    kb->popup_sel = -1;
    kb->dirty = 1;
}

static void switch_layout(ks_keyboard *kb, int li)
{
    if (li == kb->cur) return;
    /* Leaving an input method: what was being composed is kept, as shown. */
    commit_composition(kb);
    kb->cur = li;
    kb_layout *l = cur_layout(kb);
    if (l->kind == KIND_TEXT) kb->last_text = li;
    if (l->ime >= 0 && kb->ime) ks_ime_set_schema(kb->ime, (ks_ime_schema)l->ime);
    kb->ime_seen_ready = kb->ime && ks_ime_ready(kb->ime);
    kb->shift = 0;
    kb->cand_first = 0;
    end_press(kb);
    if (kb->has_area) {
        kb_geom g;
        if (compute_geom(l, kb->ax, kb->ay, kb->aw, kb->ah, kb->dpi, &g, NULL) == KS_OK) {
            kb->g = g;
            place_keys(l, &kb->g);
        }
    }
    free(kb->preedit);
    kb->preedit = NULL;
    ime_sync(kb);
    /* A dwell that just fired must not fire the key that slid under the
     * still pointer: it waits until the pointer moves to another key. */
    invalidate_targets(kb);
    ensure_targets(kb);
    emit(kb, KS_KB_EV_LAYOUT, l->name);
}

void ks_keyboard_set_ime(ks_keyboard *kb, ks_ime *ime)
{
    if (ime == kb->ime) return;
    commit_composition(kb);
    kb->ime = ime;
    kb_layout *l = cur_layout(kb);
    if (ime && l->ime >= 0) ks_ime_set_schema(ime, (ks_ime_schema)l->ime);
    kb->ime_seen_ready = ime && ks_ime_ready(ime);
    free(kb->preedit);
    kb->preedit = NULL;
    kb->cand_first = 0;
    invalidate_targets(kb);
}

ks_status ks_keyboard_set_layout(ks_keyboard *kb, const char *name, ks_error *err)
{
    int li = name ? find_layout(kb, name) : -1;
    if (li < 0)
        return ks_error_set(err, KS_ERR_NOT_FOUND, "keyboard: no layout named '%s'", name ? name : "");
    switch_layout(kb, li);
    return KS_OK;
}

const char *ks_keyboard_layout(const ks_keyboard *kb)
{
    return cur_layout(kb)->name;
}
size_t ks_keyboard_layout_count(const ks_keyboard *kb)
{
    return kb->n_layouts;
}

const char *ks_keyboard_layout_name(const ks_keyboard *kb, size_t i)
{
    return i < kb->n_layouts ? kb->layouts[i].name : NULL;
}

ks_status ks_keyboard_set_ime_cycle(ks_keyboard *kb, const char *const *names, size_t n, ks_error *err)
{
    int idx[MAX_CYCLE];
    if (n == 0 || n > MAX_CYCLE)
        return ks_error_set(err, KS_ERR_INVALID, "keyboard: the input-method cycle needs 1 to %d layouts",
                            MAX_CYCLE);
    for (size_t i = 0; i < n; i++) {
        idx[i] = names[i] ? find_layout(kb, names[i]) : -1;
        if (idx[i] < 0)
            return ks_error_set(err, KS_ERR_NOT_FOUND, "keyboard: input-method cycle: no layout named '%s'",
                                names[i] ? names[i] : "");
        if (kb->layouts[idx[i]].kind != KIND_TEXT)
            return ks_error_set(err, KS_ERR_INVALID,
                                "keyboard: input-method cycle: '%s' is not a text layout", names[i]);
    }
    memcpy(kb->cycle, idx, n * sizeof idx[0]);
    kb->n_cycle = n;
    kb->dirty = 1;
    return KS_OK;
}

ks_status ks_keyboard_set_area(ks_keyboard *kb, int x, int y, int w, int h, int dpi, ks_error *err)
{
    kb_geom g;
    if (w <= 0 || h <= 0)
        return ks_error_set(err, KS_ERR_INVALID, "keyboard: the area %d x %d is empty", w, h);
    /* Every layout must fit, not only the current one: a visitor may
     * switch to any of them. */
    for (size_t i = 0; i < kb->n_layouts; i++) {
        ks_status st = compute_geom(&kb->layouts[i], x, y, w, h, dpi, &g, err);
        if (st) return st;
    }
    compute_geom(cur_layout(kb), x, y, w, h, dpi, &kb->g, NULL);
    kb->has_area = 1;
    kb->ax = x;
    kb->ay = y;
    kb->aw = w;
    kb->ah = h;
    kb->dpi = dpi;
    place_keys(cur_layout(kb), &kb->g);
    end_press(kb);
    invalidate_targets(kb);
    return KS_OK;
}

int ks_keyboard_height(const ks_keyboard *kb)
{
    return kb->has_area ? kb->g.height : 0;
}
SDL_Rect ks_keyboard_rect(const ks_keyboard *kb)
{
    return kb->g.panel;
}

void ks_keyboard_min_key_size(const ks_keyboard *kb, int *w, int *h)
{
    int mw = 0, mh = 0;
    const kb_layout *l = cur_layout(kb);
    for (size_t i = 0; i < l->n_keys && kb->has_area; i++) {
        if (!mw || l->keys[i].rect.w < mw) mw = l->keys[i].rect.w;
        if (!mh || l->keys[i].rect.h < mh) mh = l->keys[i].rect.h;
    }
    if (w) *w = mw;
    if (h) *h = mh;
}

void ks_keyboard_set_enter_search(ks_keyboard *kb, int search)
{
    kb->enter_search = search ? 1 : 0;
    kb->dirty = 1;
}

/* ---------------------------------------------------------------------- */
/* showing and hiding                                                      */

static float ease_out(float t)
{
    return 1.0f - (1.0f - t) * (1.0f - t) * (1.0f - t);
}

static float shown_fraction(const ks_keyboard *kb, uint64_t now)
{
    float t = kb->anim_ms > 0 ? (float)(now - kb->anim_start) / (float)kb->anim_ms : 1.0f;
    if (now < kb->anim_start) t = 0;
    if (t > 1) t = 1;
    float e = ease_out(t);
    return kb->shown ? kb->anim_from + (1.0f - kb->anim_from) * e : kb->anim_from * (1.0f - e);
}

static int animating(const ks_keyboard *kb, uint64_t now)
{
    return now < kb->anim_start + (uint64_t)kb->anim_ms;
}

void ks_keyboard_show(ks_keyboard *kb, uint64_t now)
{
    if (kb->shown) return;
    kb->anim_from = shown_fraction(kb, now);
    kb->shown = 1;
    kb->anim_start = now;
    kb->dirty = 1;
}

void ks_keyboard_hide(ks_keyboard *kb, uint64_t now)
{
    if (!kb->shown) return;
    commit_composition(kb); /* the words being composed land in the field */
    kb->anim_from = shown_fraction(kb, now);
    kb->shown = 0;
    kb->anim_start = now;
    end_press(kb);
    kb->hovering = 0;
    kb->hover_target = -1;
    kb->dirty = 1;
}

void ks_keyboard_set_anim_ms(ks_keyboard *kb, int ms)
{
    kb->anim_ms = ms < 0 ? 0 : ms > MAX_ANIM_MS ? MAX_ANIM_MS : ms;
}

int ks_keyboard_is_shown(const ks_keyboard *kb)
{
    return kb->shown;
}

int ks_keyboard_visible_height(const ks_keyboard *kb, uint64_t now)
{
    if (!kb->has_area) return 0;
    return (int)lroundf(shown_fraction(kb, now) * (float)kb->g.height);
}

/* Input only reaches a keyboard that is fully in place. */
static int accepting(const ks_keyboard *kb, uint64_t now)
{
    return kb->has_area && kb->shown && !animating(kb, now);
}

/* ---------------------------------------------------------------------- */
/* actions                                                                 */

static void shift_tap(ks_keyboard *kb, uint64_t now)
{
    if (!cur_layout(kb)->has_shift) return;
    if (kb->shift == 0)
        kb->shift = 1;
    else if (kb->shift == 1)
        kb->shift = now - kb->shift_tap_ms <= KS_KB_CAPS_DOUBLE_TAP_MS ? 2 : 0;
    else
        kb->shift = 0;
    kb->shift_tap_ms = now;
    kb->dirty = 1;
}

static void do_backspace(ks_keyboard *kb)
{
    if (ime_active(kb) && ks_ime_composing(kb->ime)) {
        ks_ime_process_key(kb->ime, KS_IME_KEY_BACKSPACE);
        ime_sync(kb);
    } else {
        emit(kb, KS_KB_EV_BACKSPACE, NULL);
    }
}

static const char *key_output(const ks_keyboard *kb, const kb_key *k)
{
    return kb->shift && k->shift_text ? k->shift_text : k->text;
}

static int resolve_target(const ks_keyboard *kb, const char *t)
{
    return strcmp(t, "@text") == 0 ? kb->last_text : find_layout(kb, t);
}

static void cycle_ime(ks_keyboard *kb, int dir)
{
    if (kb->n_cycle == 0) return;
    int pos = -1;
    for (size_t i = 0; i < kb->n_cycle; i++)
        if (kb->cycle[i] == kb->cur || (pos < 0 && kb->cycle[i] == kb->last_text)) pos = (int)i;
    int n = (int)kb->n_cycle;
    int next = pos < 0 ? 0 : ((pos + dir) % n + n) % n;
    switch_layout(kb, kb->cycle[next]);
}

static void bar_page(ks_keyboard *kb, int dir)
{
    if (!ime_active(kb)) return;
    ensure_targets(kb);
    ks_ime_view v;
    ks_ime_get_view(kb->ime, &v);
    if (v.n_candidates == 0) return;
    if (dir > 0) {
        if ((size_t)(kb->cand_first + kb->cand_shown) < v.n_candidates) {
            kb->cand_first += kb->cand_shown;
        } else if (!v.is_last_page && ks_ime_page(kb->ime, +1)) {
            kb->cand_first = 0;
        }
    } else {
        if (kb->cand_first > 0) {
            /* Back to the window before, as paging forward laid them out. */
            int w = 0, prev = 0;
            while (w < kb->cand_first) {
                prev = w;
                w += window_len(kb, &v, w);
            }
            kb->cand_first = prev;
        } else if (v.page_no > 0 && ks_ime_page(kb->ime, -1)) {
            ks_ime_get_view(kb->ime, &v);
            int w = 0, last = 0;
            while ((size_t)w < v.n_candidates) {
                last = w;
                w += window_len(kb, &v, w);
            }
            kb->cand_first = last;
        }
    }
    invalidate_targets(kb);
}

static int can_page(ks_keyboard *kb, int dir)
{
    if (!ime_active(kb)) return 0;
    ensure_targets(kb);
    ks_ime_view v;
    ks_ime_get_view(kb->ime, &v);
    if (v.n_candidates == 0) return 0;
    if (dir < 0) return kb->cand_first > 0 || v.page_no > 0;
    return (size_t)(kb->cand_first + kb->cand_shown) < v.n_candidates || !v.is_last_page;
}

static void activate_key(ks_keyboard *kb, int key_index, uint64_t now)
{
    kb_layout *l = cur_layout(kb);
    const kb_key *k = &l->keys[key_index];
    switch (k->action) {
    case ACT_CHAR: {
        const char *s = key_output(kb, k);
        type_text(kb, s);
        if (kb->shift == 1) kb->shift = 0;
        break;
    }
    case ACT_SHIFT:
        shift_tap(kb, now);
        break;
    case ACT_BACKSPACE:
        do_backspace(kb);
        break;
    case ACT_ENTER:
        /* With a composition, Enter commits the conversion shown (a
         * visitor who typed "nihao" means 你好, not the letters); the next
         * Enter submits. */
        if (ime_active(kb) && ks_ime_composing(kb->ime))
            commit_composition(kb);
        else
            emit(kb, KS_KB_EV_ENTER, NULL);
        break;
    case ACT_SPACE:
        type_text(kb, " ");
        break;
    case ACT_LAYOUT: {
        int li = resolve_target(kb, k->target);
        if (li >= 0) switch_layout(kb, li);
        break;
    }
    case ACT_IME:
        cycle_ime(kb, +1);
        break;
    case ACT_HIDE:
        commit_composition(kb);
        emit(kb, KS_KB_EV_HIDE, NULL);
        ks_keyboard_hide(kb, now);
        break;
    case ACT_COUNT_:
        break;
    }
    kb->dirty = 1;
}

/* Presses target t once: a key, a candidate or a page button. */
static void activate(ks_keyboard *kb, int t, uint64_t now)
{
    ensure_targets(kb);
    if (t < 0 || (size_t)t >= kb->n_targets) return;
    kb_target tg = kb->targets[t];
    switch (tg.kind) {
    case KS_KB_TARGET_KEY:
        activate_key(kb, tg.index, now);
        break;
    case KS_KB_TARGET_CANDIDATE:
        if (ime_active(kb) && ks_ime_select(kb->ime, tg.index)) ime_sync(kb);
        break;
    case KS_KB_TARGET_PAGE_PREV:
        bar_page(kb, -1);
        break;
    case KS_KB_TARGET_PAGE_NEXT:
        bar_page(kb, +1);
        break;
    }
    kb->dirty = 1;
}

/* ---------------------------------------------------------------------- */
/* long-press alternates                                                   */

/* The popup's cells for key k: the key's own character, then its
 * alternates, in a row above the key, kept inside the panel's width. */
static int popup_layout(const ks_keyboard *kb, const kb_key *k, SDL_Rect *rect, SDL_Rect *cells)
{
    int n = 1 + (int)k->n_alts;
    int cw = k->rect.w, ch = k->rect.h, m = imax(3, kb->g.gap / 2);
    int w = n * cw + 2 * m, h = ch + 2 * m;
    int x = k->rect.x + k->rect.w / 2 - w / 2;
    int lo = kb->g.panel.x + m, hi = kb->g.panel.x + kb->g.panel.w - w - m;
    if (x > hi) x = hi;
    if (x < lo) x = lo;
    int y = k->rect.y - h - kb->g.gap / 2;
    *rect = (SDL_Rect){x, y, w, h};
    for (int i = 0; i < n; i++)
        cells[i] = (SDL_Rect){x + m + i * cw, y + m, cw, ch};
    return n;
}

static const char *popup_text(const ks_keyboard *kb, const kb_key *k, int cell)
{
    if (cell == 0) return key_output(kb, k);
    const char *up = kb->shift && k->shift_alts ? k->shift_alts[cell - 1] : NULL;
    return up ? up : k->alts[cell - 1];
}

static void open_popup(ks_keyboard *kb, int t)
{
    const kb_key *k = target_key(kb, t);
    if (!k || k->action != ACT_CHAR || k->n_alts == 0) return;
    kb->popup = 1;
    kb->popup_key = kb->targets[t].index;
    kb->popup_n = popup_layout(kb, k, &kb->popup_rect, kb->popup_cells);
    kb->popup_sel = 0;
    kb->dirty = 1;
}

/* The cell under the pointer; a pointer well above or below the popup
 * means "none of them" (release there cancels). */
static int popup_hit(const ks_keyboard *kb, int x, int y)
{
    const kb_key *k = &cur_layout(kb)->keys[kb->popup_key];
    SDL_Rect pr = kb->popup_rect;
    int cw = kb->popup_cells[0].w;
    int top = pr.y - pr.h, bottom = k->rect.y + k->rect.h + kb->g.row_h;
    if (y < top || y > bottom || x < pr.x - cw || x > pr.x + pr.w + cw) return -1;
    for (int i = 0; i < kb->popup_n; i++)
        if (x < kb->popup_cells[i].x + kb->popup_cells[i].w) return i;
    return kb->popup_n - 1;
}

/* ---------------------------------------------------------------------- */
/* pointer                                                                 */

int ks_keyboard_pointer_down(ks_keyboard *kb, int64_t pointer, int x, int y, uint64_t now)
{
    if (!accepting(kb, now)) return 0;
    int inside = point_in(kb->g.panel, x, y);
    if (kb->pressing) return inside || pointer == kb->pointer; /* first finger wins */
    if (!inside) return 0;
    int t = target_at(kb, x, y);
    kb->pressing = 1;
    kb->pointer = pointer;
    kb->press_target = t;
    kb->press_ms = now;
    kb->popup = 0;
    kb->dirty = 1;
    const kb_key *k = target_key(kb, t);
    if (t >= 0) emit(kb, KS_KB_EV_CLICK, NULL);
    /* Backspace and shift act at once (backspace then repeats while
     * held); everything else acts on release, so sliding off cancels. */
    if (k && k->action == ACT_BACKSPACE) {
        activate(kb, t, now);
        kb->bs_next = now + KS_KB_REPEAT_DELAY_MS;
    } else if (k && k->action == ACT_SHIFT) {
        activate(kb, t, now);
    }
    return 1;
}

int ks_keyboard_pointer_move(ks_keyboard *kb, int64_t pointer, int x, int y, uint64_t now)
{
    if (!kb->pressing || pointer != kb->pointer) return accepting(kb, now) && point_in(kb->g.panel, x, y);
    if (kb->popup) {
        int sel = popup_hit(kb, x, y);
        if (sel != kb->popup_sel) kb->dirty = 1;
        kb->popup_sel = sel;
        return 1;
    }
    int t = point_in(kb->g.panel, x, y) ? target_at(kb, x, y) : -1;
    if (t != kb->press_target) {
        const kb_key *old = target_key(kb, kb->press_target);
        /* Shift and backspace acted on the way down: sliding onto another
         * key must not type it too. */
        if (old && (old->action == ACT_BACKSPACE || old->action == ACT_SHIFT)) t = -1;
        kb->press_target = t;
        kb->press_ms = now; /* the long-press counts from reaching the key */
        kb->dirty = 1;
    }
    return 1;
}

int ks_keyboard_pointer_up(ks_keyboard *kb, int64_t pointer, int x, int y, uint64_t now)
{
    if (!kb->pressing || pointer != kb->pointer) return accepting(kb, now) && point_in(kb->g.panel, x, y);
    if (kb->popup) {
        int sel = popup_hit(kb, x, y);
        if (sel >= 0) {
            const kb_key *k = &cur_layout(kb)->keys[kb->popup_key];
            type_text(kb, popup_text(kb, k, sel));
            if (kb->shift == 1) kb->shift = 0;
        }
        end_press(kb);
        return 1;
    }
    ks_keyboard_pointer_move(kb, pointer, x, y, now);
    int t = kb->press_target;
    const kb_key *k = target_key(kb, t);
    int acted_on_down = k && (k->action == ACT_BACKSPACE || k->action == ACT_SHIFT);
    end_press(kb);
    if (t >= 0 && !acted_on_down) activate(kb, t, now);
    return 1;
}

void ks_keyboard_pointer_cancel(ks_keyboard *kb)
{
    end_press(kb);
}

/* ---------------------------------------------------------------------- */
/* dwell                                                                   */

ks_status ks_keyboard_set_dwell(ks_keyboard *kb, int ms, ks_error *err)
{
    if (ms != 0 && (ms < KS_KB_DWELL_MIN_MS || ms > KS_KB_DWELL_MAX_MS))
        return ks_error_set(err, KS_ERR_INVALID, "keyboard: dwell time %d ms is outside %d..%d (or 0 = off)",
                            ms, KS_KB_DWELL_MIN_MS, KS_KB_DWELL_MAX_MS);
    kb->dwell_ms = ms;
    kb->hover_target = -1;
    kb->dirty = 1;
    return KS_OK;
}

int ks_keyboard_hover(ks_keyboard *kb, int x, int y, uint64_t now)
{
    int inside = accepting(kb, now) && point_in(kb->g.panel, x, y);
    int t = inside ? target_at(kb, x, y) : -1;
    kb->hovering = inside;
    kb->hover_x = x;
    kb->hover_y = y;
    if (t != kb->hover_target) {
        kb->hover_target = t;
        kb->hover_start = now;
        kb->hover_fired = 0;
        kb->dirty = 1;
    }
    return inside;
}

void ks_keyboard_hover_leave(ks_keyboard *kb)
{
    kb->hovering = 0;
    if (kb->hover_target >= 0) kb->dirty = 1;
    kb->hover_target = -1;
    kb->hover_fired = 0;
}

float ks_keyboard_dwell_progress(const ks_keyboard *kb, uint64_t now)
{
    if (!kb->dwell_ms || kb->hover_target < 0 || kb->hover_fired || kb->pressing) return 0;
    float p = (float)(now - kb->hover_start) / (float)kb->dwell_ms;
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* ---------------------------------------------------------------------- */
/* gamepad                                                                 */

int ks_keyboard_pad_parse(const char *name)
{
    static const char *const names[] = {"up", "down", "left", "right", "a", "b", "lb", "rb"};
    for (int i = 0; name && i < 8; i++)
        if (strcmp(name, names[i]) == 0) return i;
    return -1;
}

void ks_keyboard_focus_clear(ks_keyboard *kb)
{
    if (kb->focus >= 0) kb->dirty = 1;
    kb->focus = -1;
}

void ks_keyboard_focus_enter(ks_keyboard *kb)
{
    ensure_targets(kb);
    if (kb->focus < 0 && kb->n_targets > 0) {
        kb->focus = 0;
        kb->dirty = 1;
    }
}

int ks_keyboard_focus(const ks_keyboard *kb)
{
    return kb->focus;
}

int ks_keyboard_focus_set(ks_keyboard *kb, int index)
{
    ensure_targets(kb);
    if (index < -1 || (index >= 0 && (size_t)index >= kb->n_targets)) return -1;
    if (index != kb->focus) kb->dirty = 1;
    kb->focus = index;
    return 0;
}

/* The nearest target in direction (dx, dy) from the focused one. Moving
 * sideways stays in the row when it can; moving up or down goes to the
 * nearest row, then the key closest in x. */
static int pad_neighbour(ks_keyboard *kb, int dx, int dy)
{
    SDL_Rect f = kb->targets[kb->focus].rect;
    int fcx = f.x + f.w / 2, fcy = f.y + f.h / 2;
    int best = -1;
    long best_score = 0;
    for (size_t i = 0; i < kb->n_targets; i++) {
        if ((int)i == kb->focus) continue;
        SDL_Rect r = kb->targets[i].rect;
        int cx = r.x + r.w / 2, cy = r.y + r.h / 2;
        long score;
        if (dx) {
            long ddx = (long)(cx - fcx) * dx;
            if (ddx <= 0) continue;
            int same_row = r.y < f.y + f.h && f.y < r.y + r.h;
            if (!same_row) continue;
            score = ddx;
        } else {
            long ddy = (long)(cy - fcy) * dy;
            if (ddy <= f.h / 4) continue;
            score = ddy * 100000L + labs((long)(cx - fcx));
        }
        if (best < 0 || score < best_score) {
            best = (int)i;
            best_score = score;
        }
    }
    return best;
}

int ks_keyboard_pad(ks_keyboard *kb, ks_kb_pad button, uint64_t now)
{
    if (!accepting(kb, now)) return 0;
    ensure_targets(kb);
    switch (button) {
    case KS_KB_PAD_UP:
    case KS_KB_PAD_DOWN:
    case KS_KB_PAD_LEFT:
    case KS_KB_PAD_RIGHT: {
        if (kb->focus < 0 || (size_t)kb->focus >= kb->n_targets) {
            kb->focus = -1;
            ks_keyboard_focus_enter(kb);
            return kb->focus >= 0;
        }
        int dx = button == KS_KB_PAD_LEFT ? -1 : button == KS_KB_PAD_RIGHT ? 1 : 0;
        int dy = button == KS_KB_PAD_UP ? -1 : button == KS_KB_PAD_DOWN ? 1 : 0;
        int n = pad_neighbour(kb, dx, dy);
        if (n < 0) return 0; /* the edge: the app moves focus off the keyboard */
        kb->focus = n;
        kb->dirty = 1;
        return 1;
    }
    case KS_KB_PAD_A:
        if (kb->focus < 0) return 0;
        emit(kb, KS_KB_EV_CLICK, NULL);
        activate(kb, kb->focus, now);
        return 1;
    case KS_KB_PAD_B:
        if (kb->popup) {
            end_press(kb);
            return 1;
        }
        return 0;
    case KS_KB_PAD_LB:
    case KS_KB_PAD_RB: {
        int dir = button == KS_KB_PAD_LB ? -1 : 1;
        if (kb->cand_shown > 0)
            bar_page(kb, dir);
        else
            cycle_ime(kb, dir);
        return 1;
    }
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* time                                                                    */

void ks_keyboard_tick(ks_keyboard *kb, uint64_t now)
{
    if (kb->ime && cur_layout(kb)->ime >= 0 && !kb->ime_seen_ready &&
        ks_ime_get_state(kb->ime) != KS_IME_DEPLOYING) {
        kb->ime_seen_ready = 1; /* ready or failed: either way the bar changes */
        ks_ime_set_schema(kb->ime, (ks_ime_schema)cur_layout(kb)->ime);
        ime_sync(kb);
    }
    if (kb->pressing && !kb->popup) {
        const kb_key *k = target_key(kb, kb->press_target);
        if (k && k->action == ACT_BACKSPACE) {
            /* Catch up when the clock jumped (the headless harness holds
             * a key with one long step); bounded against a stuck clock. */
            for (int i = 0; i < 200 && now >= kb->bs_next; i++) {
                do_backspace(kb);
                kb->bs_next += KS_KB_REPEAT_INTERVAL_MS;
            }
        } else if (k && k->action == ACT_CHAR && k->n_alts > 0 && now - kb->press_ms >= KS_KB_LONG_PRESS_MS) {
            open_popup(kb, kb->press_target);
        }
    }
    if (kb->dwell_ms && kb->hover_target >= 0 && !kb->hover_fired && !kb->pressing && accepting(kb, now) &&
        now - kb->hover_start >= (uint64_t)kb->dwell_ms) {
        kb->hover_fired = 1;
        emit(kb, KS_KB_EV_CLICK, NULL);
        activate(kb, kb->hover_target, now);
        /* activate() may have rebuilt the targets (new candidates, another
         * layout): the pointer's key is now whatever lies under it, and it
         * stays spent until the pointer moves to another one. */
        ensure_targets(kb);
        kb->hover_fired = 1;
        kb->dirty = 1;
    }
}

uint64_t ks_keyboard_next_wake(const ks_keyboard *kb, uint64_t now)
{
    uint64_t wake = UINT64_MAX;
    if (animating(kb, now)) wake = now + FRAME_MS;
    if (kb->pressing && !kb->popup && kb->press_target >= 0 && (size_t)kb->press_target < kb->n_targets &&
        kb->targets[kb->press_target].kind == KS_KB_TARGET_KEY) {
        const kb_key *k = &cur_layout(kb)->keys[kb->targets[kb->press_target].index];
        if (k->action == ACT_BACKSPACE && kb->bs_next < wake) wake = kb->bs_next;
        if (k->action == ACT_CHAR && k->n_alts > 0 && kb->press_ms + KS_KB_LONG_PRESS_MS < wake)
            wake = kb->press_ms + KS_KB_LONG_PRESS_MS;
    }
    if (kb->shown && kb->dwell_ms && kb->hover_target >= 0 && !kb->hover_fired && !kb->pressing)
        wake = now + FRAME_MS < wake ? now + FRAME_MS : wake; /* the ring fills frame by frame */
    if (kb->shown && kb->ime && cur_layout(kb)->ime >= 0 && !kb->ime_seen_ready && now + 100 < wake)
        wake = now + 100; /* poll for the end of deployment */
    if (wake < now) wake = now;
    return wake;
}

int ks_keyboard_needs_redraw(const ks_keyboard *kb, uint64_t now)
{
    return kb->dirty || animating(kb, now) || ks_keyboard_dwell_progress(kb, now) > 0;
}

void ks_keyboard_reset(ks_keyboard *kb)
{
    if (kb->ime) {
        ks_ime_clear(kb->ime);
        free(ks_ime_take_commit(kb->ime));
    }
    free(kb->preedit);
    kb->preedit = NULL;
    kb->ev_head = kb->ev_len = 0;
    end_press(kb);
    kb->shift = 0;
    kb->focus = -1;
    kb->hovering = 0;
    kb->hover_target = -1;
    kb->hover_fired = 0;
    kb->shown = 0;
    kb->anim_from = 0;
    kb->anim_start = 0;
    int first = kb->n_cycle ? kb->cycle[0] : find_layout(kb, "en");
    if (first != kb->cur) switch_layout(kb, first);
    kb->last_text = first;
    kb->ev_head = kb->ev_len = 0; /* the layout event too: nobody asked */
    invalidate_targets(kb);
}

/* ---------------------------------------------------------------------- */
/* for the harness                                                         */

/* How tapping key k types s: 0 no, 1 as is, 2 with the other shift state;
 * *cell >= 0 when through the popup. */
static int key_types(const kb_layout *l, const kb_key *k, const char *s, int shift, int *cell)
{
    *cell = -1;
    if (k->action == ACT_SPACE && strcmp(s, " ") == 0) return 1;
    if (k->action != ACT_CHAR) return 0;
    const char *now = shift && k->shift_text ? k->shift_text : k->text;
    const char *other = l->has_shift ? (!shift && k->shift_text ? k->shift_text : k->text) : NULL;
    if (strcmp(now, s) == 0) return 1;
    if (other && strcmp(other, s) == 0) return 2;
    for (size_t i = 0; i < k->n_alts; i++) {
        const char *up = k->shift_alts ? k->shift_alts[i] : NULL;
        const char *a_now = shift && up ? up : k->alts[i];
        const char *a_other = !shift && up ? up : k->alts[i];
        if (strcmp(a_now, s) == 0) {
            *cell = (int)i + 1;
            return 1;
        }
        if (l->has_shift && strcmp(a_other, s) == 0) {
            *cell = (int)i + 1;
            return 2;
        }
    }
    if (k->label && strcmp(k->label, s) == 0) return 1;
    return 0;
}

/* Best key of layout l for s: plain taps before shifted, before popups. */
static int find_key(const kb_layout *l, const char *s, int shift, int *how, int *cell)
{
    int best = -1, best_rank = 99;
    for (size_t i = 0; i < l->n_keys; i++) {
        int c, h = key_types(l, &l->keys[i], s, shift, &c);
        if (!h) continue;
        int rank = (c >= 0 ? 2 : 0) + (h == 2 ? 1 : 0);
        if (rank < best_rank) {
            best = (int)i;
            best_rank = rank;
            *how = h;
            *cell = c;
        }
    }
    return best;
}

static void centre(SDL_Rect r, int *x, int *y)
{
    *x = r.x + r.w / 2;
    *y = r.y + r.h / 2;
}

ks_status ks_keyboard_route(ks_keyboard *kb, const char *s, ks_kb_step *step, ks_error *err)
{
    memset(step, 0, sizeof *step);
    if (!kb->has_area)
        return ks_error_set(err, KS_ERR_INVALID, "keyboard: no area set (ks_keyboard_set_area)");
    if (!s || !*s) return ks_error_set(err, KS_ERR_INVALID, "keyboard: nothing to type");
    kb_layout *l = cur_layout(kb);
    int how = 0, cell = -1;
    int k = find_key(l, s, kb->shift, &how, &cell);
    if (k >= 0) {
        const kb_key *key = &l->keys[k];
        if (how == 2) {
            for (size_t i = 0; i < l->n_keys; i++)
                if (l->keys[i].action == ACT_SHIFT) {
                    centre(l->keys[i].rect, &step->x, &step->y);
                    step->needs = "shift";
                    return KS_OK;
                }
        }
        centre(key->rect, &step->x, &step->y);
        step->final = 1;
        if (cell >= 0) {
            SDL_Rect pr, cells[MAX_ALTS + 1];
            popup_layout(kb, key, &pr, cells);
            step->hold_ms = KS_KB_LONG_PRESS_MS + 50;
            centre(cells[cell], &step->alt_x, &step->alt_y);
        }
        return KS_OK;
    }
    /* Breadth-first over the layouts the layout keys reach (not the
     * input-method key: which input method to use is the caller's choice). */
    int queue[MAX_LAYOUTS], first_key[MAX_LAYOUTS], seen[MAX_LAYOUTS] = {0};
    int qh = 0, qt = 0;
    seen[kb->cur] = 1;
    for (size_t i = 0; i < l->n_keys; i++) {
        if (l->keys[i].action != ACT_LAYOUT) continue;
        int li = resolve_target(kb, l->keys[i].target);
        if (li >= 0 && !seen[li]) {
            seen[li] = 1;
            queue[qt] = li;
            first_key[qt++] = (int)i;
        }
    }
    while (qh < qt) {
        int li = queue[qh], via = first_key[qh++];
        const kb_layout *o = &kb->layouts[li];
        if (find_key(o, s, 0, &how, &cell) >= 0) {
            centre(l->keys[via].rect, &step->x, &step->y);
            int next = resolve_target(kb, l->keys[via].target);
            step->needs = next >= 0 ? kb->layouts[next].name : l->keys[via].target;
            return KS_OK;
        }
        for (size_t i = 0; i < o->n_keys; i++) {
            if (o->keys[i].action != ACT_LAYOUT) continue;
            /* "@text" from there leads back to this layout's text layout. */
            int nli = strcmp(o->keys[i].target, "@text") == 0
                          ? (l->kind == KIND_TEXT ? kb->cur : kb->last_text)
                          : find_layout(kb, o->keys[i].target);
            if (nli >= 0 && !seen[nli] && qt < MAX_LAYOUTS) {
                seen[nli] = 1;
                queue[qt] = nli;
                first_key[qt++] = via;
            }
        }
    }
    return ks_error_set(err, KS_ERR_NOT_FOUND,
                        "keyboard: no key of layout '%s' (or a layout its keys reach) types \"%s\"", l->name,
                        s);
}

int ks_keyboard_candidate_count(ks_keyboard *kb)
{
    ensure_targets(kb);
    return kb->cand_shown;
}

ks_status ks_keyboard_candidate_center(ks_keyboard *kb, int n, int *x, int *y, ks_error *err)
{
    ensure_targets(kb);
    int seen = 0;
    for (size_t i = 0; i < kb->n_targets; i++) {
        if (kb->targets[i].kind != KS_KB_TARGET_CANDIDATE) continue;
        if (++seen == n) {
            centre(kb->targets[i].rect, x, y);
            return KS_OK;
        }
    }
    return ks_error_set(err, KS_ERR_NOT_FOUND, "keyboard: candidate %d is not shown (the bar shows %d)", n,
                        kb->cand_shown);
}

size_t ks_keyboard_target_count(ks_keyboard *kb)
{
    ensure_targets(kb);
    return kb->n_targets;
}

int ks_keyboard_target_get(ks_keyboard *kb, size_t i, ks_kb_target *out)
{
    ensure_targets(kb);
    if (i >= kb->n_targets) return -1;
    const kb_target *t = &kb->targets[i];
    out->kind = t->kind;
    out->rect = t->rect;
    switch (t->kind) {
    case KS_KB_TARGET_KEY: {
        const kb_key *k = &cur_layout(kb)->keys[t->index];
        out->action = k_action_names[k->action];
        out->label = k->label ? k->label : k->text ? key_output(kb, k) : k_action_names[k->action];
        break;
    }
    case KS_KB_TARGET_CANDIDATE: {
        ks_ime_view v;
        ks_ime_get_view(kb->ime, &v);
        out->action = "candidate";
        out->label = (size_t)t->index < v.n_candidates ? v.candidates[t->index].text : "";
        break;
    }
    case KS_KB_TARGET_PAGE_PREV:
        out->action = "page";
        out->label = "previous";
        break;
    case KS_KB_TARGET_PAGE_NEXT:
        out->action = "page";
        out->label = "next";
        break;
    }
    return 0;
}

int ks_keyboard_shift_state(const ks_keyboard *kb)
{
    return kb->shift;
}
int ks_keyboard_popup_open(const ks_keyboard *kb)
{
    return kb->popup;
}

/* ---------------------------------------------------------------------- */
/* drawing                                                                 */

static SDL_Color with_alpha(SDL_Color c, Uint8 a)
{
    c.a = (Uint8)((int)c.a * a / 255);
    return c;
}

static void draw_centered_text(ks_ui *ui, const char *s, const ks_text_style *st, SDL_Rect box)
{
    int w = 0, h = 0;
    ks_ui_text_size(ui, s, st, box.w, 1, &w, &h);
    ks_ui_text(ui, s, st, box.x, box.y + (box.h - h) / 2, box.w, 1, KS_ALIGN_CENTER, 255, NULL, NULL);
}

/* A progress arc (dwell) from 12 o'clock clockwise, with a one-pixel
 * feathered edge on both sides so it reads smooth on the software
 * renderer, which has no anti-aliasing. */
static void draw_arc(ks_ui *ui, int cx, int cy, float radius, float thick, float frac, SDL_Color c)
{
    enum { MAX_SEG = 96 };
    SDL_Vertex v[MAX_SEG * 18];
    int tx = 0, ty = 0;
    ks_ui_get_translation(ui, &tx, &ty);
    int seg = (int)ceilf(frac * MAX_SEG);
    if (seg < 1 || frac <= 0) return;
    float r_in = radius - thick * 0.5f, r_out = radius + thick * 0.5f;
    const float radii[4] = {r_in - 1.0f, r_in, r_out, r_out + 1.0f};
    const Uint8 alpha[4] = {0, c.a, c.a, 0};
    int n = 0;
    for (int i = 0; i < seg; i++) {
        float a0 = -(float)M_PI / 2 + 2.0f * (float)M_PI * frac * (float)i / (float)seg;
        float a1 = -(float)M_PI / 2 + 2.0f * (float)M_PI * frac * (float)(i + 1) / (float)seg;
        for (int b = 0; b < 3; b++) {
            SDL_FPoint p[4] = {
                {(float)(cx + tx) + radii[b] * cosf(a0), (float)(cy + ty) + radii[b] * sinf(a0)},
                {(float)(cx + tx) + radii[b + 1] * cosf(a0), (float)(cy + ty) + radii[b + 1] * sinf(a0)},
                {(float)(cx + tx) + radii[b + 1] * cosf(a1), (float)(cy + ty) + radii[b + 1] * sinf(a1)},
                {(float)(cx + tx) + radii[b] * cosf(a1), (float)(cy + ty) + radii[b] * sinf(a1)},
            };
            SDL_Color ci = c, co = c;
            ci.a = alpha[b];
            co.a = alpha[b + 1];
            SDL_Vertex q[4] = {
                {p[0], ci, {0, 0}}, {p[1], co, {0, 0}}, {p[2], co, {0, 0}}, {p[3], ci, {0, 0}}};
            v[n++] = q[0];
            v[n++] = q[1];
            v[n++] = q[2];
            v[n++] = q[0];
            v[n++] = q[2];
            v[n++] = q[3];
        }
    }
    SDL_Renderer *r = ks_ui_renderer(ui);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(r, NULL, v, n, NULL, 0);
}

static ks_icon key_icon(const ks_keyboard *kb, const kb_key *k)
{
    switch (k->action) {
    case ACT_SHIFT:
        return kb->shift == 2 ? KS_ICON_KB_CAPS : KS_ICON_KB_SHIFT;
    case ACT_BACKSPACE:
        return KS_ICON_KB_BACKSPACE;
    case ACT_ENTER:
        return kb->enter_search ? KS_ICON_SEARCH : KS_ICON_KB_RETURN;
    case ACT_IME:
        return KS_ICON_GLOBE;
    case ACT_HIDE:
        return KS_ICON_KB_HIDE;
    default:
        return NO_ICON;
    }
}

static void draw_key(ks_keyboard *kb, ks_ui *ui, const ks_theme_colors *c, int t, int pressed)
{
    kb_layout *l = cur_layout(kb);
    const kb_key *k = &l->keys[kb->targets[t].index];
    SDL_Rect r = k->rect;
    int sh = imax(1, kb->g.unit / 36);
    if (!ks_ui_needs_draw(ui, grow(r, sh + 4))) {
        /* Not redrawn this frame, but still on screen: what is visible
         * stays readable to the harness and a screen reader. */
        if (key_icon(kb, k) == NO_ICON) {
            const char *lab = k->label;
            if (k->action == ACT_SPACE) lab = k->label ? k->label : l->title;
            if (!lab) lab = key_output(kb, k);
            if (lab) ks_ui_label(ui, lab, r);
        }
        return;
    }
    int special = k->action != ACT_CHAR && k->action != ACT_SPACE;
    SDL_Color bg = special ? c->key_alt : c->key, fg = c->key_text;
    if (k->action == ACT_ENTER) {
        bg = pressed ? c->primary_pressed : c->primary;
        fg = c->on_primary;
    } else if (pressed) {
        bg = c->key_pressed;
    } else if (k->action == ACT_SHIFT && kb->shift) {
        bg = c->key_pressed;
        fg = c->primary;
    }
    /* A soft lower edge gives the keys a touchable, raised look. */
    ks_ui_round_rect(ui, (SDL_Rect){r.x, r.y + sh, r.w, r.h}, kb->g.radius, c->shadow);
    ks_ui_round_rect(ui, r, kb->g.radius, bg);

    int kh = r.h;
    ks_icon icon = key_icon(kb, k);
    if (icon != NO_ICON) {
        int size = imin(r.w - 8, (int)lroundf((float)kh * 0.46f));
        int x = r.x + (r.w - size) / 2, y = r.y + (r.h - size) / 2;
        if (k->action == ACT_IME && kb->n_cycle > 1) {
            /* The globe and the short name of where it leads next ("拼",
             * "EN"), so a visitor who cannot read the other script still
             * finds their own. */
            int pos = 0;
            for (size_t i = 0; i < kb->n_cycle; i++)
                if (kb->cycle[i] == kb->cur) pos = (int)i;
            const kb_layout *next = &kb->layouts[kb->cycle[(pos + 1) % (int)kb->n_cycle]];
            ks_text_style hs = {imax(10, (int)lroundf((float)kh * 0.3f)), 1, fg, next->locale};
            int tw = 0, th = 0, gap = imax(3, kh / 12);
            size = (int)lroundf((float)kh * 0.4f);
            ks_ui_text_size(ui, next->short_name, &hs, r.w / 2, 1, &tw, &th);
            x = r.x + (r.w - size - gap - tw) / 2;
            ks_ui_icon(ui, icon, x, r.y + (r.h - size) / 2, size, fg);
            ks_ui_text(ui, next->short_name, &hs, x + size + gap, r.y + (r.h - th) / 2, r.w / 2, 1,
                       KS_ALIGN_LEFT, 255, NULL, NULL);
            return;
        }
        ks_ui_icon(ui, icon, x, y, size, fg);
        return;
    }
    const char *label = k->label;
    if (k->action == ACT_SPACE) label = k->label ? k->label : l->title;
    if (!label) label = key_output(kb, k);
    ks_text_style st = {0, 0, fg, l->locale};
    if (k->action == ACT_SPACE) {
        st.size_px = (int)lroundf((float)kh * 0.28f);
        st.color = c->text_muted;
    } else if (k->action == ACT_LAYOUT) {
        st.size_px = (int)lroundf((float)kh * 0.3f);
        st.bold = 1;
    } else {
        size_t len = strlen(label);
        st.size_px = (int)lroundf((float)kh * (len <= 1 ? 0.46f : 0.40f) * k->label_size);
    }
    SDL_Rect box = {r.x + 4, r.y + (int)lroundf(k->label_dy * (float)kh), r.w - 8, r.h};
    draw_centered_text(ui, label, &st, box);
    if (k->hint) {
        ks_text_style hs = {imax(10, (int)lroundf((float)kh * 0.2f)), 0, c->text_muted, "en"};
        if (k->action == ACT_SPACE) {
            hs.size_px = (int)lroundf((float)kh * 0.3f);
            ks_ui_text(ui, k->hint, &hs, r.x + 4, r.y + 2, r.w / 4, 1, KS_ALIGN_LEFT, 255, NULL, NULL);
        } else {
            ks_ui_text(ui, k->hint, &hs, r.x + 3, r.y + 2, r.w - 8, 1, KS_ALIGN_RIGHT, 255, NULL, NULL);
        }
    }
}

static void draw_bar(ks_keyboard *kb, ks_ui *ui, const ks_theme_colors *c)
{
    kb_layout *l = cur_layout(kb);
    SDL_Rect bar = kb->g.bar;
    if (bar.h <= 0) return;
    if (!ks_ui_needs_draw(ui, bar)) {
        /* still visible: keep it readable (see draw_key) */
        if (ime_active(kb)) {
            ks_ime_view v;
            ks_ime_get_view(kb->ime, &v);
            for (size_t i = 0; i < kb->n_targets; i++)
                if (kb->targets[i].kind == KS_KB_TARGET_CANDIDATE && (size_t)kb->targets[i].index < v.n_candidates)
                    ks_ui_label(ui, v.candidates[kb->targets[i].index].text, kb->targets[i].rect);
        } else if (kb->ime && ks_ime_get_state(kb->ime) == KS_IME_DEPLOYING) {
            ks_ui_label(ui, kb->note_preparing ? kb->note_preparing : l->preparing ? l->preparing : "", bar);
        }
        return;
    }
    int line = imax(1, kb->g.unit / 64);
    ks_ui_fill(ui, (SDL_Rect){bar.x, bar.y + bar.h + kb->g.pad / 4, bar.w, line}, c->divider);
    if (!kb->ime || !ime_active(kb)) {
        const char *msg = NULL;
        if (!kb->ime || ks_ime_get_state(kb->ime) == KS_IME_FAILED)
            msg = kb->note_unavailable ? kb->note_unavailable
                  : l->unavailable   ? l->unavailable
                                     : "Input method unavailable";
        else
            msg = kb->note_preparing ? kb->note_preparing
                  : l->preparing     ? l->preparing
                                     : "Preparing the input method...";
        ks_text_style st = cand_style(kb, 0, c->text_muted);
        st.size_px = imax(12, (int)lroundf((float)bar.h * 0.36f));
        int w = 0, h = 0;
        ks_ui_text_size(ui, msg, &st, bar.w - 2 * kb->g.pad, 1, &w, &h);
        ks_ui_text(ui, msg, &st, bar.x + kb->g.pad, bar.y + (bar.h - h) / 2, bar.w - 2 * kb->g.pad, 1,
                   KS_ALIGN_LEFT, 255, NULL, NULL);
        return;
    }
    ks_ime_view v;
    ks_ime_get_view(kb->ime, &v);
    for (size_t i = 0; i < kb->n_targets; i++) {
        const kb_target *t = &kb->targets[i];
        int pressed = kb->pressing && kb->press_target == (int)i;
        if (t->kind == KS_KB_TARGET_CANDIDATE) {
            SDL_Rect r = t->rect;
            if (pressed) ks_ui_round_rect(ui, grow(r, -2), kb->g.radius, c->key_pressed);
            int first = t->index == (v.highlighted >= 0 ? v.highlighted : 0);
            ks_text_style st = cand_style(kb, first, first ? c->primary : c->text);
            draw_centered_text(ui, v.candidates[t->index].text, &st, (SDL_Rect){r.x + 2, r.y, r.w - 4, r.h});
            if (i + 1 < kb->n_targets && kb->targets[i + 1].kind == KS_KB_TARGET_CANDIDATE)
                ks_ui_fill(ui, (SDL_Rect){r.x + r.w - line / 2, r.y + r.h / 4, line, r.h / 2}, c->divider);
        } else if (t->kind == KS_KB_TARGET_PAGE_PREV || t->kind == KS_KB_TARGET_PAGE_NEXT) {
            int dir = t->kind == KS_KB_TARGET_PAGE_PREV ? -1 : 1;
            int ok = can_page(kb, dir);
            SDL_Rect r = t->rect;
            if (pressed && ok) ks_ui_round_rect(ui, grow(r, -2), kb->g.radius, c->key_pressed);
            int size = imin(r.w, (int)lroundf((float)r.h * 0.5f));
            ks_ui_icon(ui, dir < 0 ? KS_ICON_CHEVRON_LEFT : KS_ICON_CHEVRON_RIGHT, r.x + (r.w - size) / 2,
                       r.y + (r.h - size) / 2, size, ok ? c->text : c->divider);
        }
    }
}

static void draw_overlays(ks_keyboard *kb, ks_ui *ui, const ks_theme_colors *c)
{
    kb_layout *l = cur_layout(kb);
    int sh = imax(2, kb->g.unit / 24);
    kb->overlay = (SDL_Rect){0, 0, 0, 0};
    if (kb->popup) {
        const kb_key *k = &l->keys[kb->popup_key];
        SDL_Rect pr = kb->popup_rect;
        ks_ui_round_rect(ui, (SDL_Rect){pr.x, pr.y + sh, pr.w, pr.h}, kb->g.radius + 2, c->shadow);
        ks_ui_round_rect(ui, pr, kb->g.radius + 2, c->key);
        for (int i = 0; i < kb->popup_n; i++) {
            SDL_Rect cr = kb->popup_cells[i];
            SDL_Color fg = c->key_text;
            if (i == kb->popup_sel) {
                ks_ui_round_rect(ui, cr, kb->g.radius, c->primary);
                fg = c->on_primary;
            }
            ks_text_style st = {(int)lroundf((float)cr.h * 0.46f), 0, fg, l->locale};
            draw_centered_text(ui, popup_text(kb, k, i), &st, cr);
        }
        kb->overlay = grow(pr, sh + 2);
        return;
    }
    const kb_key *k = kb->pressing ? target_key(kb, kb->press_target) : NULL;
    if (!k || k->action != ACT_CHAR) return;
    /* The key preview: the character large above the finger, which hides
     * the key itself. */
    SDL_Rect r = k->rect;
    int bw = imax(r.w + 2 * kb->g.gap, (int)lroundf((float)r.w * 1.4f)), bh = (int)lroundf((float)r.h * 1.5f);
    int bx = r.x + r.w / 2 - bw / 2, by = r.y - bh - kb->g.gap / 2;
    bx = imax(kb->g.panel.x + 2, imin(bx, kb->g.panel.x + kb->g.panel.w - bw - 2));
    SDL_Rect b = {bx, by, bw, bh};
    ks_ui_round_rect(ui, (SDL_Rect){b.x, b.y + sh, b.w, b.h}, kb->g.radius + 2, c->shadow);
    ks_ui_round_rect(ui, b, kb->g.radius + 2, c->key);
    ks_ui_round_outline(ui, b, kb->g.radius + 2, imax(1, kb->g.unit / 64), c->divider);
    const char *label = k->label ? k->label : key_output(kb, k);
    ks_text_style st = {(int)lroundf((float)r.h * 0.8f * k->label_size), 0, c->key_text, l->locale};
    b.y += (int)lroundf(k->label_dy * (float)bh);
    draw_centered_text(ui, label, &st, b);
    b.y -= (int)lroundf(k->label_dy * (float)bh);
    kb->overlay = grow(b, sh + 2);
}

void ks_keyboard_draw_dwell_ring(ks_ui *ui, int cx, int cy, int radius, int thickness, float frac)
{
    const ks_theme_colors *c = ks_ui_colors(ui);
    float th = (float)imax(2, thickness);
    float rad = (float)radius - th / 2;
    ks_ui_ring(ui, cx, cy, radius, (int)th, with_alpha(c->focus_ring, 60));
    if (frac > 0) draw_arc(ui, cx, cy, rad, th, frac > 1 ? 1 : frac, c->focus_ring);
}

void ks_keyboard_draw(ks_keyboard *kb, ks_ui *ui, uint64_t now)
{
    kb->dirty = 0;
    kb->last_overlay = kb->overlay;
    kb->overlay = (SDL_Rect){0, 0, 0, 0};
    if (!kb->has_area) return;
    int vis = ks_keyboard_visible_height(kb, now);
    if (vis <= 0) return;
    const ks_theme_colors *c = ks_ui_colors(ui);
    ensure_targets(kb);
    int dy = kb->g.height - vis;
    ks_ui_translate(ui, 0, dy);

    SDL_Rect p = kb->g.panel;
    ks_ui_fill(ui, p, c->keyboard_bg);
    ks_ui_fill(ui, (SDL_Rect){p.x, p.y, p.w, imax(1, kb->g.unit / 64)}, c->divider);
    draw_bar(kb, ui, c);
    for (size_t i = 0; i < kb->n_targets; i++) {
        if (kb->targets[i].kind != KS_KB_TARGET_KEY) continue;
        int pressed = kb->pressing && !kb->popup && kb->press_target == (int)i;
        draw_key(kb, ui, c, (int)i, pressed);
    }
    if (kb->focus >= 0 && (size_t)kb->focus < kb->n_targets) {
        int th = imax(3, kb->g.unit / 22);
        SDL_Rect r = grow(kb->targets[kb->focus].rect, th + 1);
        ks_ui_round_outline(ui, r, kb->g.radius + th, th, c->focus_ring);
    }
    float prog = ks_keyboard_dwell_progress(kb, now);
    if (kb->dwell_ms && kb->hover_target >= 0 && (size_t)kb->hover_target < kb->n_targets && !kb->pressing) {
        SDL_Rect r = kb->targets[kb->hover_target].rect;
        int cx = r.x + r.w / 2, cy = r.y + r.h / 2;
        float rad = (float)imin(r.w, r.h) * 0.5f - 3.0f;
        float th = fmaxf(3.0f, (float)kb->g.unit / 16.0f);
        if (ks_ui_needs_draw(ui, r)) {
            ks_ui_ring(ui, cx, cy, (int)(rad + th / 2), (int)th, with_alpha(c->focus_ring, 60));
            if (prog > 0) draw_arc(ui, cx, cy, rad, th, prog, c->focus_ring);
        }
    }
    draw_overlays(kb, ui, c);
    if (!rect_empty(kb->overlay)) kb->overlay.y += dy;
    ks_ui_translate(ui, 0, -dy);
}

SDL_Rect ks_keyboard_redraw_rect(const ks_keyboard *kb, uint64_t now)
{
    (void)now;
    SDL_Rect r = kb->g.panel;
    r = rect_union(r, kb->overlay);
    r = rect_union(r, kb->last_overlay);
    /* A bubble or popup that is about to appear lies above the panel. */
    if (kb->pressing)
        r = rect_union(r, (SDL_Rect){r.x, kb->g.panel.y - 2 * kb->g.row_h, r.w, 2 * kb->g.row_h});
    return r;
}
