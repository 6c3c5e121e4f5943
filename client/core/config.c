/*
 * config.c - loads the kiosk's JSON config (docs/config.md) into a plain
 * struct with a default for every key.
 *
 * The rule for errors: the loader refuses only what the kiosk cannot run
 * with as the operator wrote it (unreadable file, invalid JSON, a value of
 * the wrong type or an unusable one). Out-of-range numbers are clamped and
 * unknown keys ignored, each with a warning line the caller logs. Every
 * message names the file and the key so a technician can fix it in one go.
 *
 * Must not: touch SDL, start anything, or keep the technician PIN as text.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "ks/config.h"
#include "ks/file.h"
#include "ks/jsonx.h"
#include "ks/locale.h"
#include "ks/log.h"
#include "ks/path.h"
#include "ks/str.h"

_Static_assert(KS_CONFIG_PIN_HASH_MAX >= crypto_pwhash_STRBYTES, "pin hash buffer too small");

#define MAX_WARNINGS 64
#define MAX_LOCALES 16
#define PIN_MIN_DIGITS 4
#define PIN_MAX_DIGITS 12

enum pin_kind { PIN_DIGEST, PIN_ARGON2 };

/* The PIN never stays in memory as text: a plain PIN from the file becomes a
 * BLAKE2b digest under a random per-process key (cheap to check, useless if
 * memory is read later); a hash from the file is kept as the argon2id
 * string libsodium verifies. */
struct ks_config_pin {
    enum pin_kind kind;
    unsigned char key[crypto_generichash_KEYBYTES];
    unsigned char digest[crypto_generichash_BYTES];
    char hash[crypto_pwhash_STRBYTES];
};

static const char *const top_keys[] = {
    "data_dir",       "assets_dir",     "support_api_url", "content_pubkey",
    "allow_insecure_http", "sync_interval_s", "locales",    "default_locale",
    "theme",          "large_text",     "idle_timeout_s",  "attract_after_s",
    "screen_dpi",     "fullscreen",     "window_size",     "log_level",
    "osk",            "technician_pin", "technician_pin_hash",
};
#define N_TOP_KEYS (sizeof top_keys / sizeof top_keys[0])

static const char *const osk_keys[] = {"enabled", "dwell_ms", "key_click", "dwell"};
#define N_OSK_KEYS (sizeof osk_keys / sizeof osk_keys[0])

static const char *const default_locales[] = {"en", "zh-Hans", "zh-Hant"};

/* Everything one parse needs, so helpers can name file and key. */
typedef struct loader {
    const char *name;     /* the file name used in messages */
    const char *base_dir; /* resolves relative paths; NULL = as written */
    ks_config *cfg;
    ks_error *err;
    size_t dropped_warnings;
} loader;

/* ---- small helpers ---------------------------------------------------- */

static ks_status nomem(loader *ld)
{
    return ks_error_set(ld->err, KS_ERR_NOMEM, "config %s: out of memory", ld->name);
}

static ks_status add_warning(loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ks_status add_warning(loader *ld, const char *fmt, ...)
{
    ks_config *cfg = ld->cfg;
    if (cfg->n_warnings >= MAX_WARNINGS) {
        ld->dropped_warnings++;
        return KS_OK;
    }
    char line[KS_ERROR_MSG_MAX];
    int off = snprintf(line, sizeof line, "config %s: ", ld->name);
    if (off < 0 || (size_t)off >= sizeof line) off = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + off, sizeof line - (size_t)off, fmt, ap);
    va_end(ap);
    char **grown = realloc(cfg->warnings, (cfg->n_warnings + 1) * sizeof *grown);
    if (!grown) return nomem(ld);
    cfg->warnings = grown;
    char *copy = ks_strdup(line);
    if (!copy) return nomem(ld);
    cfg->warnings[cfg->n_warnings++] = copy;
    return KS_OK;
}

/* "config F: key 'K' must be WHAT, got VALUE" - the one shape of error. */
static ks_status bad_value(loader *ld, const char *key, const char *what, const cJSON *v)
{
    char shown[80];
    ks_jsonx_describe(v, shown, sizeof shown);
    return ks_error_set(ld->err, KS_ERR_INVALID, "config %s: key '%s' must be %s, got %s", ld->name,
                        key, what, shown);
}

/* A relative path from the file resolves against the file's directory, so
 * a config and the things it names can move together. */
static char *resolve_path(loader *ld, const char *p)
{
    if (p[0] == '/' || !ld->base_dir) return ks_strdup(p);
    return ks_path_join(ld->base_dir, p);
}

static int replace_str(char **slot, char *value)
{
    if (!value) return -1;
    free(*slot);
    *slot = value;
    return 0;
}

/* ---- typed readers ---------------------------------------------------- */

static ks_status read_bool(loader *ld, const char *key, const cJSON *v, int *out)
{
    if (!cJSON_IsBool(v)) return bad_value(ld, key, "true or false", v);
    *out = cJSON_IsTrue(v) ? 1 : 0;
    return KS_OK;
}

/* Non-negative integer; values outside [lo, hi] are clamped with a warning
 * because the intent is clear and the kiosk can still run. */
static ks_status read_int(loader *ld, const char *key, const cJSON *v, int lo, int hi, int positive,
                          int *out)
{
    const char *what = positive ? "a positive integer" : "a non-negative integer";
    if (!ks_jsonx_is_int(v, positive ? 1 : 0, 1e15)) return bad_value(ld, key, what, v);
    double d = v->valuedouble;
    int val;
    if (d < lo) {
        val = lo;
    } else if (d > hi) {
        val = hi;
    } else {
        *out = (int)d;
        return KS_OK;
    }
    *out = val;
    return add_warning(ld, "key '%s' is %.0f, outside %d..%d; using %d", key, d, lo, hi, val);
}

static ks_status read_string(loader *ld, const char *key, const cJSON *v, const char *what,
                             const char **out)
{
    if (!cJSON_IsString(v) || !v->valuestring || v->valuestring[0] == '\0')
        return bad_value(ld, key, what, v);
    *out = v->valuestring;
    return KS_OK;
}

static int is_loopback_host(const char *host, size_t len)
{
    static const char *const names[] = {"localhost", "127.0.0.1", "[::1]"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == len && strncmp(host, names[i], len) == 0) return 1;
    return len > 4 && strncmp(host, "127.", 4) == 0;
}

/* The scheme and a host are all the loader checks; libcurl does the rest.
 * Plain http is for loopback (tests, a local proxy) unless the operator
 * says otherwise, because content and tickets travel over it. */
static ks_status check_url(loader *ld, const cJSON *v)
{
    const char *url = ld->cfg->support_api_url;
    size_t skip;
    int insecure;
    if (strncmp(url, "https://", 8) == 0) {
        skip = 8;
        insecure = 0;
    } else if (strncmp(url, "http://", 7) == 0) {
        skip = 7;
        insecure = 1;
    } else {
        return bad_value(ld, "support_api_url", "an http:// or https:// URL", v);
    }
    const char *host = url + skip;
    size_t hlen = strcspn(host, ":/?#");
    if (host[0] == '[') hlen = strcspn(host, "]") + 1;
    if (hlen == 0 || strchr(url, ' ') || strchr(url, '\n'))
        return bad_value(ld, "support_api_url", "a URL with a host name", v);
    if (insecure && !ld->cfg->allow_insecure_http && !is_loopback_host(host, hlen))
        return ks_error_set(ld->err, KS_ERR_INVALID,
                            "config %s: key 'support_api_url' uses plain http:// to a remote "
                            "host (%s); use https://, or set \"allow_insecure_http\": true on a "
                            "closed test network",
                            ld->name, url);
    return KS_OK;
}

/* A key written inline: 32 bytes as base64 (with or without padding) or
 * 64 hex digits. Returns 0 and fills key, or -1. */
static int decode_key_text(const char *text, size_t len, unsigned char key[32])
{
    while (len > 0 && isspace((unsigned char)text[len - 1])) len--;
    while (len > 0 && isspace((unsigned char)*text)) {
        text++;
        len--;
    }
    size_t got = 0;
    const int variants[] = {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                            sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING};
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        const char *end = NULL;
        if (sodium_base642bin(key, 32, text, len, NULL, &got, &end, variants[i]) == 0 && got == 32 &&
            end == text + len)
            return 0;
    }
    if (len == 64) {
        const char *end = NULL;
        if (sodium_hex2bin(key, 32, text, len, NULL, &got, &end) == 0 && got == 32 && end == text + len)
            return 0;
    }
    return -1;
}

static ks_status read_pubkey(loader *ld, const cJSON *v)
{
    const char *s = NULL;
    ks_status st = read_string(ld, "content_pubkey", v,
                               "a base64 Ed25519 public key or the path of a key file", &s);
    if (st) return st;
    unsigned char key[32];
    if (decode_key_text(s, strlen(s), key) == 0) {
        if (replace_str(&ld->cfg->content_pubkey, ks_strdup(s))) return nomem(ld);
        return KS_OK;
    }
    char *path = resolve_path(ld, s);
    if (!path) return nomem(ld);
    if (!ks_path_exists(path)) {
        ks_error_set(ld->err, KS_ERR_INVALID,
                     "config %s: key 'content_pubkey' is neither a base64 key nor an existing "
                     "file (looked for '%s')",
                     ld->name, path);
        free(path);
        return KS_ERR_INVALID;
    }
    replace_str(&ld->cfg->content_pubkey, path);
    return KS_OK;
}

static ks_status read_locales(loader *ld, const cJSON *v)
{
    ks_config *cfg = ld->cfg;
    if (!cJSON_IsArray(v))
        return bad_value(ld, "locales", "a list of locale tags like [\"en\", \"zh-Hant\"]", v);
    char **list = NULL;
    size_t n = 0;
    ks_status st = KS_OK;
    int index = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, v) {
        index++;
        char canon[KS_LOCALE_MAX];
        if (!cJSON_IsString(item) || ks_locale_canonical(item->valuestring, canon) != 0) {
            char shown[80];
            ks_jsonx_describe(item, shown, sizeof shown);
            st = ks_error_set(ld->err, KS_ERR_INVALID,
                              "config %s: key 'locales' item %d must be a locale tag like "
                              "\"zh-Hant\", got %s",
                              ld->name, index, shown);
            goto out;
        }
        int dup = 0;
        for (size_t i = 0; i < n; i++)
            if (strcmp(list[i], canon) == 0) dup = 1;
        if (dup) {
            if ((st = add_warning(ld, "key 'locales' lists '%s' twice; the first is used", canon)))
                goto out;
            continue;
        }
        if (n == MAX_LOCALES) {
            if ((st = add_warning(ld, "key 'locales' lists more than %d locales; the rest are ignored",
                                  MAX_LOCALES)))
                goto out;
            break;
        }
        char **grown = realloc(list, (n + 1) * sizeof *grown);
        if (!grown || !(grown[n] = ks_strdup(canon))) {
            if (grown) list = grown;
            st = nomem(ld);
            goto out;
        }
        list = grown;
        n++;
    }
    if (n == 0) {
        st = add_warning(ld, "key 'locales' is empty; using en, zh-Hans, zh-Hant");
        goto out;
    }
    for (size_t i = 0; i < cfg->n_locales; i++) free(cfg->locales[i]);
    free(cfg->locales);
    cfg->locales = list;
    cfg->n_locales = n;
    list = NULL;
    n = 0;
out:
    for (size_t i = 0; i < n; i++) free(list[i]);
    free(list);
    return st;
}

static ks_status read_window_size(loader *ld, const cJSON *v)
{
    const char *what = "a size like \"1280x800\"";
    if (!cJSON_IsString(v) || !v->valuestring) return bad_value(ld, "window_size", what, v);
    const char *s = v->valuestring;
    char *end;
    if (!isdigit((unsigned char)s[0])) return bad_value(ld, "window_size", what, v);
    long w = strtol(s, &end, 10);
    if (*end != 'x' && *end != 'X') return bad_value(ld, "window_size", what, v);
    const char *hs = end + 1;
    if (!isdigit((unsigned char)hs[0])) return bad_value(ld, "window_size", what, v);
    long h = strtol(hs, &end, 10);
    if (*end != '\0') return bad_value(ld, "window_size", what, v);
    long cw = w < 320 ? 320 : (w > 16384 ? 16384 : w);
    long ch = h < 240 ? 240 : (h > 16384 ? 16384 : h);
    ld->cfg->window_w = (int)cw;
    ld->cfg->window_h = (int)ch;
    if (cw != w || ch != h)
        return add_warning(ld, "key 'window_size' %s is outside 320x240..16384x16384; using %ldx%ld",
                           s, cw, ch);
    return KS_OK;
}

static ks_status read_log_level(loader *ld, const cJSON *v)
{
    const char *what = "one of \"error\", \"warn\", \"info\", \"debug\"";
    if (!cJSON_IsString(v) || !v->valuestring) return bad_value(ld, "log_level", what, v);
    int lvl = ks_log_level_parse(v->valuestring);
    if (lvl < 0 && strcmp(v->valuestring, "warning") == 0) lvl = KS_LOG_WARN;
    if (lvl < 0) return bad_value(ld, "log_level", what, v);
    ld->cfg->log_level = (ks_log_level)lvl;
    return KS_OK;
}

static int all_digits(const char *s, size_t *n)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    *n = i;
    return 1;
}

static ks_status pin_alloc(loader *ld)
{
    if (ld->cfg->pin) return KS_OK;
    if (sodium_init() < 0)
        return ks_error_set(ld->err, KS_ERR_UNSUPPORTED, "config %s: libsodium failed to start",
                            ld->name);
    ld->cfg->pin = calloc(1, sizeof *ld->cfg->pin);
    return ld->cfg->pin ? KS_OK : nomem(ld);
}

static ks_status read_pin(loader *ld, cJSON *v)
{
    const char *what = "a string of 4 to 12 digits in quotes, like \"1234\"";
    size_t n = 0;
    if (cJSON_IsNumber(v)) {
        /* Never echo a PIN into a log line. */
        return ks_error_set(ld->err, KS_ERR_INVALID,
                            "config %s: key 'technician_pin' must be %s, got a number (a "
                            "leading zero would be lost)",
                            ld->name, what);
    }
    if (!cJSON_IsString(v) || !v->valuestring || !all_digits(v->valuestring, &n) ||
        n < PIN_MIN_DIGITS || n > PIN_MAX_DIGITS)
        return ks_error_set(ld->err, KS_ERR_INVALID, "config %s: key 'technician_pin' must be %s",
                            ld->name, what);
    ks_status st = pin_alloc(ld);
    if (st) return st;
    ks_config_pin *pin = ld->cfg->pin;
    if (pin->kind == PIN_ARGON2 && pin->hash[0]) {
        sodium_memzero(v->valuestring, n);
        return add_warning(ld, "both 'technician_pin' and 'technician_pin_hash' are set; the "
                               "hash is used");
    }
    pin->kind = PIN_DIGEST;
    randombytes_buf(pin->key, sizeof pin->key);
    crypto_generichash(pin->digest, sizeof pin->digest, (const unsigned char *)v->valuestring, n,
                       pin->key, sizeof pin->key);
    sodium_memzero(v->valuestring, n);
    return KS_OK;
}

static ks_status read_pin_hash(loader *ld, const cJSON *v)
{
    const char *what = "an argon2id string from `kioskctl pin-hash` (starting \"$argon2id$\")";
    if (!cJSON_IsString(v) || !v->valuestring ||
        strncmp(v->valuestring, crypto_pwhash_STRPREFIX, strlen(crypto_pwhash_STRPREFIX)) != 0 ||
        strlen(v->valuestring) >= crypto_pwhash_STRBYTES)
        return bad_value(ld, "technician_pin_hash", what, v);
    ks_status st = pin_alloc(ld); /* also starts libsodium */
    if (st) return st;
    /* -1 means libsodium cannot read the string at all (cut or mangled):
     * better refused now than a PIN that can never match. */
    if (crypto_pwhash_str_needs_rehash(v->valuestring, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE) < 0)
        return bad_value(ld, "technician_pin_hash", what, v);
    ks_config_pin *pin = ld->cfg->pin;
    int had_plain = pin->kind == PIN_DIGEST && !sodium_is_zero(pin->key, sizeof pin->key);
    sodium_memzero(pin, sizeof *pin);
    pin->kind = PIN_ARGON2;
    snprintf(pin->hash, sizeof pin->hash, "%s", v->valuestring);
    if (had_plain)
        return add_warning(ld, "both 'technician_pin' and 'technician_pin_hash' are set; the "
                               "hash is used");
    return KS_OK;
}

static ks_status read_osk(loader *ld, const cJSON *v)
{
    if (!cJSON_IsObject(v))
        return bad_value(ld, "osk", "an object like {\"enabled\": true, \"dwell_ms\": 600}", v);
    ks_osk_config *osk = &ld->cfg->osk;
    int seen[N_OSK_KEYS] = {0};
    const cJSON *item;
    ks_status st = KS_OK;
    cJSON_ArrayForEach(item, v) {
        const char *k = item->string ? item->string : "";
        if (k[0] == '_') continue;
        size_t idx = N_OSK_KEYS;
        for (size_t i = 0; i < N_OSK_KEYS; i++)
            if (strcmp(k, osk_keys[i]) == 0) idx = i;
        if (idx == N_OSK_KEYS) {
            const char *hint = ks_jsonx_suggest(k, osk_keys, N_OSK_KEYS);
            st = hint ? add_warning(ld, "unknown key 'osk.%s' ignored (did you mean 'osk.%s'?)", k, hint)
                      : add_warning(ld, "unknown key 'osk.%s' ignored", k);
            if (st) return st;
            continue;
        }
        if (seen[idx]++) {
            if ((st = add_warning(ld, "key 'osk.%s' appears twice; the first is used", k))) return st;
            continue;
        }
        if (cJSON_IsNull(item)) continue;
        switch (idx) {
        case 0: st = read_bool(ld, "osk.enabled", item, &osk->enabled); break;
        case 1: st = read_int(ld, "osk.dwell_ms", item, 300, 1100, 1, &osk->dwell_ms); break;
        case 2: st = read_bool(ld, "osk.key_click", item, &osk->key_click); break;
        default: st = read_bool(ld, "osk.dwell", item, &osk->dwell); break;
        }
        if (st) return st;
    }
    return KS_OK;
}

/* One top-level key. v is never JSON null here (null means "default"). */
static ks_status read_key(loader *ld, const char *key, cJSON *v)
{
    ks_config *cfg = ld->cfg;
    const char *s = NULL;
    ks_status st;
    if (strcmp(key, "data_dir") == 0) {
        if ((st = read_string(ld, key, v, "a directory path", &s))) return st;
        return replace_str(&cfg->data_dir, resolve_path(ld, s)) ? nomem(ld) : KS_OK;
    }
    if (strcmp(key, "assets_dir") == 0) {
        if ((st = read_string(ld, key, v, "a directory path", &s))) return st;
        char *p = resolve_path(ld, s);
        if (!p) return nomem(ld);
        if (!ks_path_is_dir(p)) {
            ks_error_set(ld->err, KS_ERR_INVALID,
                         "config %s: key 'assets_dir': directory '%s' does not exist", ld->name, p);
            free(p);
            return KS_ERR_INVALID;
        }
        replace_str(&cfg->assets_dir, p);
        return KS_OK;
    }
    if (strcmp(key, "support_api_url") == 0) {
        if (cJSON_IsString(v) && v->valuestring && v->valuestring[0] == '\0') return KS_OK;
        if ((st = read_string(ld, key, v, "an http:// or https:// URL", &s))) return st;
        return replace_str(&cfg->support_api_url, ks_strdup(s)) ? nomem(ld) : KS_OK;
    }
    if (strcmp(key, "content_pubkey") == 0) return read_pubkey(ld, v);
    if (strcmp(key, "allow_insecure_http") == 0) return read_bool(ld, key, v, &cfg->allow_insecure_http);
    if (strcmp(key, "sync_interval_s") == 0)
        return read_int(ld, key, v, 10, 604800, 1, &cfg->sync_interval_s);
    if (strcmp(key, "locales") == 0) return read_locales(ld, v);
    if (strcmp(key, "default_locale") == 0) {
        char canon[KS_LOCALE_MAX];
        if (!cJSON_IsString(v) || ks_locale_canonical(v->valuestring, canon) != 0)
            return bad_value(ld, key, "a locale tag like \"en\" or \"zh-Hant\"", v);
        return replace_str(&cfg->default_locale, ks_strdup(canon)) ? nomem(ld) : KS_OK;
    }
    if (strcmp(key, "theme") == 0) {
        if ((st = read_string(ld, key, v, "\"default\", \"high-contrast\" or a theme file path", &s)))
            return st;
        return replace_str(&cfg->theme, ks_strdup(s)) ? nomem(ld) : KS_OK;
    }
    if (strcmp(key, "large_text") == 0) return read_bool(ld, key, v, &cfg->large_text);
    if (strcmp(key, "idle_timeout_s") == 0) return read_int(ld, key, v, 0, 86400, 0, &cfg->idle_timeout_s);
    if (strcmp(key, "attract_after_s") == 0)
        return read_int(ld, key, v, 0, 86400, 0, &cfg->attract_after_s);
    if (strcmp(key, "screen_dpi") == 0) return read_int(ld, key, v, 40, 1200, 1, &cfg->screen_dpi);
    if (strcmp(key, "fullscreen") == 0) return read_bool(ld, key, v, &cfg->fullscreen);
    if (strcmp(key, "window_size") == 0) return read_window_size(ld, v);
    if (strcmp(key, "log_level") == 0) return read_log_level(ld, v);
    if (strcmp(key, "osk") == 0) return read_osk(ld, v);
    if (strcmp(key, "technician_pin") == 0) return read_pin(ld, v);
    return read_pin_hash(ld, v); /* "technician_pin_hash", the last known key */
}

/* ---- after all keys: cross-key rules and derived paths --------------- */

static ks_status resolve_theme(loader *ld)
{
    ks_config *cfg = ld->cfg;
    const char *t = cfg->theme;
    int builtin = strcmp(t, "default") == 0 || strcmp(t, "high-contrast") == 0;
    size_t tl = strlen(t);
    int is_path = strchr(t, '/') != NULL || (tl > 5 && strcmp(t + tl - 5, ".json") == 0);
    char *path;
    if (is_path) {
        path = resolve_path(ld, t);
    } else {
        char name[300];
        snprintf(name, sizeof name, "themes/%s.json", t);
        path = ks_path_join(cfg->assets_dir, name);
    }
    if (!path) return nomem(ld);
    /* The two built-in names always work: the kiosk has them compiled in
     * when the assets are damaged. Anything else must exist. */
    if (!builtin && !ks_path_exists(path)) {
        if (is_path)
            ks_error_set(ld->err, KS_ERR_INVALID, "config %s: key 'theme': file '%s' does not exist",
                         ld->name, path);
        else
            ks_error_set(ld->err, KS_ERR_INVALID,
                         "config %s: key 'theme': no theme named '%s' (looked for '%s'; built in: "
                         "\"default\", \"high-contrast\")",
                         ld->name, t, path);
        free(path);
        return KS_ERR_INVALID;
    }
    free(cfg->theme_path);
    cfg->theme_path = path;
    return KS_OK;
}

static ks_status finish(loader *ld, const cJSON *url_value)
{
    ks_config *cfg = ld->cfg;
    ks_status st;
    if (cfg->support_api_url && (st = check_url(ld, url_value))) return st;

    int found = 0;
    for (size_t i = 0; i < cfg->n_locales; i++)
        if (strcmp(cfg->locales[i], cfg->default_locale) == 0) found = 1;
    if (!found) {
        if ((st = add_warning(ld, "key 'default_locale' '%s' is not in 'locales'; using '%s'",
                              cfg->default_locale, cfg->locales[0])))
            return st;
        if (replace_str(&cfg->default_locale, ks_strdup(cfg->locales[0]))) return nomem(ld);
    }

    if (!cfg->assets_dir) {
        ks_error e;
        if (ks_config_find_assets_dir(&cfg->assets_dir, &e) != KS_OK) {
            if (e.code == KS_ERR_NOMEM) return nomem(ld);
            /* Still run: the built-in theme and the string keys keep the
             * screen usable, and the warning says where we looked. */
            if ((st = add_warning(ld, "%s", e.msg))) return st;
            cfg->assets_dir = ks_strdup(KS_SOURCE_DIR "/assets");
            if (!cfg->assets_dir) return nomem(ld);
        }
    }
    if ((st = resolve_theme(ld))) return st;
    if (ld->dropped_warnings) {
        size_t dropped = ld->dropped_warnings;
        ld->dropped_warnings = 0;
        cfg->n_warnings--; /* make room for the summary line */
        free(cfg->warnings[cfg->n_warnings]);
        return add_warning(ld, "... and %zu more warnings", dropped + 1);
    }
    return KS_OK;
}

static ks_config *new_defaults(void)
{
    ks_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg) return NULL;
    cfg->sync_interval_s = 900;
    cfg->idle_timeout_s = 90;
    cfg->attract_after_s = 180;
    cfg->screen_dpi = 96;
    cfg->fullscreen = 1;
    cfg->window_w = 1280;
    cfg->window_h = 800;
    cfg->log_level = KS_LOG_INFO;
    cfg->osk.enabled = 1;
    cfg->osk.dwell_ms = 600;
    cfg->osk.key_click = 0;
    cfg->osk.dwell = 0;
    size_t n = sizeof default_locales / sizeof default_locales[0];
    cfg->locales = calloc(n, sizeof *cfg->locales);
    cfg->theme = ks_strdup("default");
    cfg->default_locale = ks_strdup("en");
    if (!cfg->locales || !cfg->theme || !cfg->default_locale) goto fail;
    for (size_t i = 0; i < n; i++) {
        if (!(cfg->locales[i] = ks_strdup(default_locales[i]))) goto fail;
        cfg->n_locales = i + 1;
    }
    return cfg;
fail:
    ks_config_free(cfg);
    return NULL;
}

ks_status ks_config_parse(const char *json, size_t len, const char *name, const char *base_dir,
                          ks_config **out, ks_error *err)
{
    *out = NULL;
    if (!name) name = "(config)";
    cJSON *root = NULL;
    ks_config *cfg = new_defaults();
    loader ld = {.name = name, .base_dir = base_dir, .cfg = cfg, .err = err};
    ks_status st = KS_OK;
    int default_locale_set = 0;
    const cJSON *url_value = NULL;
    if (!cfg) {
        st = nomem(&ld);
        goto out;
    }
    if (json) {
        char label[600];
        snprintf(label, sizeof label, "config %s", name);
        if ((st = ks_jsonx_parse(json, len, label, &root, err))) goto out;
    }
    if (root && !cJSON_IsObject(root)) {
        char shown[80];
        st = ks_error_set(err, KS_ERR_INVALID,
                          "config %s: the file must hold one JSON object {\"key\": value, ...}, got %s",
                          name, ks_jsonx_describe(root, shown, sizeof shown));
        goto out;
    }
    int seen[N_TOP_KEYS] = {0};
    cJSON *item;
    cJSON_ArrayForEach(item, root) {
        const char *k = item->string ? item->string : "";
        if (k[0] == '_') continue; /* "_comment" and friends */
        size_t idx = N_TOP_KEYS;
        for (size_t i = 0; i < N_TOP_KEYS; i++)
            if (strcmp(k, top_keys[i]) == 0) idx = i;
        if (idx == N_TOP_KEYS) {
            const char *hint = ks_jsonx_suggest(k, top_keys, N_TOP_KEYS);
            st = hint ? add_warning(&ld, "unknown key '%s' ignored (did you mean '%s'?)", k, hint)
                      : add_warning(&ld, "unknown key '%s' ignored", k);
            if (st) goto out;
            continue;
        }
        if (seen[idx]++) {
            if ((st = add_warning(&ld, "key '%s' appears twice; the first is used", k))) goto out;
            continue;
        }
        if (cJSON_IsNull(item)) continue;
        if (strcmp(k, "default_locale") == 0) default_locale_set = 1;
        if (strcmp(k, "support_api_url") == 0) url_value = item;
        if ((st = read_key(&ld, k, item))) goto out;
    }
    /* Without an explicit default, the first enabled locale is it. */
    if (!default_locale_set && strcmp(cfg->default_locale, cfg->locales[0]) != 0) {
        if (replace_str(&cfg->default_locale, ks_strdup(cfg->locales[0]))) {
            st = nomem(&ld);
            goto out;
        }
    }
    if ((st = finish(&ld, url_value))) goto out;
    *out = cfg;
    cfg = NULL;
out:
    cJSON_Delete(root);
    ks_config_free(cfg);
    return st;
}

ks_status ks_config_load(const char *path, ks_config **out, ks_error *err)
{
    *out = NULL;
    if (!path) return ks_config_parse(NULL, 0, "(built-in defaults)", NULL, out, err);
    char *text = NULL, *dir = NULL;
    size_t len = 0;
    ks_status st = ks_file_read_all(path, KS_CONFIG_MAX_BYTES, &text, &len, err);
    if (st) {
        if (st == KS_ERR_TOO_LARGE)
            ks_error_set(err, st, "config %s: file is larger than %d bytes; is it the right file?",
                         path, KS_CONFIG_MAX_BYTES);
        else
            ks_error_prefix(err, "config"); /* the message already names the file */
        goto out;
    }
    /* Relative paths inside resolve against the file's own directory. */
    const char *slash = strrchr(path, '/');
    char *parent = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    if (!parent) {
        st = ks_error_set(err, KS_ERR_NOMEM, "config %s: out of memory", path);
        goto out;
    }
    dir = realpath(parent, NULL);
    if (!dir) dir = parent;
    else free(parent);
    st = ks_config_parse(text, len, path, dir, out, err);
    if (st == KS_OK && !((*out)->source_path = strdup(path))) {
        ks_config_free(*out);
        *out = NULL;
        st = ks_error_set(err, KS_ERR_NOMEM, "config %s: out of memory", path);
    }
out:
    /* The text may hold the technician PIN: do not leave it in freed memory. */
    if (text) sodium_memzero(text, len);
    free(text);
    free(dir);
    return st;
}

void ks_config_free(ks_config *cfg)
{
    if (!cfg) return;
    free(cfg->source_path);
    free(cfg->data_dir);
    free(cfg->assets_dir);
    free(cfg->support_api_url);
    free(cfg->content_pubkey);
    for (size_t i = 0; i < cfg->n_locales; i++) free(cfg->locales[i]);
    free(cfg->locales);
    free(cfg->default_locale);
    free(cfg->theme);
    free(cfg->theme_path);
    if (cfg->pin) {
        sodium_memzero(cfg->pin, sizeof *cfg->pin);
        free(cfg->pin);
    }
    for (size_t i = 0; i < cfg->n_warnings; i++) free(cfg->warnings[i]);
    free(cfg->warnings);
    free(cfg);
}

void ks_config_log_warnings(const ks_config *cfg)
{
    if (!cfg) return;
    for (size_t i = 0; i < cfg->n_warnings; i++) ks_log_warn("config", "%s", cfg->warnings[i]);
}

int ks_config_has_locale(const ks_config *cfg, const char *locale)
{
    char canon[KS_LOCALE_MAX];
    if (!cfg || ks_locale_canonical(locale, canon) != 0) return 0;
    for (size_t i = 0; i < cfg->n_locales; i++)
        if (strcmp(cfg->locales[i], canon) == 0) return 1;
    return 0;
}

ks_status ks_config_pubkey(const ks_config *cfg, unsigned char key[32], ks_error *err)
{
    if (!cfg || !cfg->content_pubkey)
        return ks_error_set(err, KS_ERR_NOT_FOUND,
                            "no content public key configured (config key 'content_pubkey')");
    if (sodium_init() < 0) return ks_error_set(err, KS_ERR_UNSUPPORTED, "libsodium failed to start");
    const char *v = cfg->content_pubkey;
    if (decode_key_text(v, strlen(v), key) == 0) return KS_OK;
    char *text = NULL;
    size_t len = 0;
    ks_status st = ks_file_read_all(v, 4096, &text, &len, err);
    if (st) {
        ks_error_prefix(err, "content public key (config key 'content_pubkey')");
        return st;
    }
    if (len == 32) {
        memcpy(key, text, 32);
    } else if (decode_key_text(text, len, key) != 0) {
        st = ks_error_set(err, KS_ERR_INVALID,
                          "content public key %s: expected 32 raw bytes, or 32 bytes as base64 or "
                          "hex text, found %zu bytes of something else",
                          v, len);
    }
    free(text);
    return st;
}

int ks_config_has_pin(const ks_config *cfg)
{
    return cfg && cfg->pin != NULL;
}

int ks_config_pin_ok(const ks_config *cfg, const char *entered)
{
    if (!cfg || !cfg->pin || !entered) return 0;
    size_t n = strnlen(entered, PIN_MAX_DIGITS + 1);
    if (n > PIN_MAX_DIGITS) return 0;
    const ks_config_pin *pin = cfg->pin;
    if (pin->kind == PIN_ARGON2) return crypto_pwhash_str_verify(pin->hash, entered, n) == 0;
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)entered, n, pin->key,
                       sizeof pin->key);
    int ok = sodium_memcmp(digest, pin->digest, sizeof digest) == 0;
    sodium_memzero(digest, sizeof digest);
    return ok;
}

ks_status ks_config_pin_hash(const char *pin, char out[KS_CONFIG_PIN_HASH_MAX], ks_error *err)
{
    size_t n = 0;
    if (!pin || !all_digits(pin, &n) || n < PIN_MIN_DIGITS || n > PIN_MAX_DIGITS)
        return ks_error_set(err, KS_ERR_INVALID, "a technician PIN must be 4 to 12 digits");
    if (sodium_init() < 0) return ks_error_set(err, KS_ERR_UNSUPPORTED, "libsodium failed to start");
    if (crypto_pwhash_str(out, pin, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return ks_error_set(err, KS_ERR_NOMEM, "hashing the technician PIN ran out of memory");
    return KS_OK;
}

ks_status ks_config_find_assets_dir(char **out, ks_error *err)
{
    *out = NULL;
    char *exe = NULL;
    char *cands[4] = {0};
    ks_status st = KS_OK;
    ks_error ignored;
    if (ks_path_exe_dir(&exe, &ignored) == KS_OK) {
        cands[0] = ks_path_join(exe, "../assets");
        cands[1] = ks_path_join(exe, "assets");
    }
    cands[2] = ks_strdup(KS_SOURCE_DIR "/assets");
    cands[3] = ks_strdup("/usr/share/kiosk");
    char tried[KS_ERROR_MSG_MAX] = "";
    size_t used = 0;
    for (size_t i = 0; i < 4; i++) {
        if (!cands[i]) continue;
        char *marker = ks_path_join(cands[i], "i18n");
        if (!marker) {
            st = ks_error_set(err, KS_ERR_NOMEM, "finding the assets directory: out of memory");
            goto out;
        }
        int ok = ks_path_is_dir(marker);
        free(marker);
        if (ok) {
            /* realpath() tidies "build/../assets" for messages and logs. */
            char *real = realpath(cands[i], NULL);
            *out = real ? real : cands[i];
            if (real) free(cands[i]);
            cands[i] = NULL;
            goto out;
        }
        int w = snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", cands[i]);
        if (w > 0 && (size_t)w < sizeof tried - used) used += (size_t)w;
    }
    st = ks_error_set(err, KS_ERR_NOT_FOUND,
                      "no assets directory (with i18n/ inside) found; tried %s; set 'assets_dir' "
                      "in the config",
                      tried);
out:
    for (size_t i = 0; i < 4; i++) free(cands[i]);
    free(exe);
    return st;
}
