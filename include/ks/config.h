/*
 * config.h - the kiosk's JSON configuration file (`kiosk --config FILE`,
 * `kioskctl --config FILE`), every key documented in docs/config.md.
 *
 * Loading never half-succeeds: either *out is a complete config (defaults
 * for every key the file does not set) or an error names the key and what
 * is wrong ("config kiosk.json: key 'idle_timeout_s' must be a non-negative
 * integer, got \"abc\""). The loader fails only when the kiosk truly cannot
 * run as configured: an unreadable file given explicitly, invalid JSON
 * (with line and column), a value of the wrong type or one that cannot be
 * used (a malformed locale tag, URL or window size). Numbers out of their
 * range are clamped and unknown keys are ignored; both add a line to
 * `warnings` for the caller to log. Keys starting with '_' are comments
 * and are ignored silently ("_comment": "...").
 *
 * Relative paths in the file (data_dir, assets_dir, theme, content_pubkey)
 * are resolved against the directory of the config file.
 *
 * The config is plain data, read-only after loading, safe to read from any
 * thread. Free with ks_config_free().
 */
#ifndef KS_CONFIG_H
#define KS_CONFIG_H

#include <stddef.h>

#include "ks/error.h"
#include "ks/log.h"

/* Config files larger than this are refused (KS_ERR_TOO_LARGE). */
#define KS_CONFIG_MAX_BYTES (1024 * 1024)
/* Room for a libsodium argon2id string from ks_config_pin_hash(). */
#define KS_CONFIG_PIN_HASH_MAX 128

/* The on-screen keyboard ("osk": {...}). */
typedef struct ks_osk_config {
    int enabled;   /* default 1: shown whenever a text field has focus */
    int dwell_ms;  /* gaze/hover press time, 300..1100, default 600 */
    int key_click; /* default 0: a soft click sound on each key press */
    int dwell;     /* default 0: hovering dwell_ms over a key or button presses it (gaze) */
} ks_osk_config;

typedef struct ks_config_pin ks_config_pin; /* private: use ks_config_pin_*() */

typedef struct ks_config {
    char *source_path;     /* the file loaded, or NULL for built-in defaults */
    char *data_dir;        /* NULL = platform default (ks_path_default_data_dir) */
    char *assets_dir;      /* never NULL: from the file, else found next to the
                              executable (../assets, ./assets), then
                              KS_SOURCE_DIR/assets, then /usr/share/kiosk */
    char *support_api_url; /* NULL = no sync; http(s):// only, http:// needs
                              allow_insecure_http */
    char *content_pubkey;  /* NULL, or a base64 Ed25519 key, or an absolute
                              path to a key file: see ks_config_pubkey() */
    int allow_insecure_http; /* default 0; for tests and closed networks */
    int sync_interval_s;   /* default 900, clamped to 10..604800 */
    char **locales;        /* enabled UI/content locales, canonical tags, in
                              the order the language switch shows them;
                              default en, zh-Hans, zh-Hant */
    size_t n_locales;      /* >= 1 */
    char *default_locale;  /* one of locales; default locales[0] */
    char *theme;           /* "default", "high-contrast", or a path as given */
    char *theme_path;      /* theme resolved to its .json file (assets_dir/themes/
                              NAME.json, or the path against the config dir) */
    int large_text;        /* default 0 */
    int idle_timeout_s;    /* default 90; 0 = never reset the session */
    int attract_after_s;   /* default 180; 0 = no attract loop */
    int screen_dpi;        /* default 96, clamped to 40..1200 (9 mm rule) */
    int fullscreen;        /* default 1 */
    int window_w, window_h; /* window_size "WxH" when not fullscreen; 1280x800 */
    ks_log_level log_level; /* default KS_LOG_INFO */
    ks_osk_config osk;
    ks_config_pin *pin;    /* private; NULL = no technician PIN configured */

    char **warnings;       /* unknown keys, clamped values: lines to log */
    size_t n_warnings;
} ks_config;

/* Loads path (JSON). path NULL = built-in defaults only. *out: free with
 * ks_config_free(). On failure *out is NULL and err names file and key. */
ks_status ks_config_load(const char *path, ks_config **out, ks_error *err);

/* Parses a JSON text already in memory (for tests and fuzzing). name is
 * used in messages; base_dir resolves relative paths (NULL = the current
 * directory). *out: free with ks_config_free(). */
ks_status ks_config_parse(const char *json, size_t len, const char *name, const char *base_dir,
                          ks_config **out, ks_error *err);

/* Frees cfg and everything it points to; NULL is fine. */
void ks_config_free(ks_config *cfg);

/* Logs every warning of cfg at warn level under module "config". */
void ks_config_log_warnings(const ks_config *cfg);

/* 1 when locale (any spelling, e.g. "zh-TW") canonicalises to one of the
 * enabled locales, else 0. */
int ks_config_has_locale(const ks_config *cfg, const char *locale);

/* The 32-byte Ed25519 content public key: content_pubkey decoded from
 * base64, or read from the file it names (raw 32 bytes or base64 text).
 * KS_ERR_NOT_FOUND when no key is configured. */
ks_status ks_config_pubkey(const ks_config *cfg, unsigned char key[32], ks_error *err);

/* Technician PIN. The file holds either "technician_pin": "4..12 digits"
 * (kept in memory only as a keyed digest, never as text) or
 * "technician_pin_hash": an argon2id string from ks_config_pin_hash().
 * Without either, technician mode is unavailable on screen. */
int ks_config_has_pin(const ks_config *cfg);
/* 1 when entered matches, compared in constant time; 0 otherwise (also
 * when no PIN is configured). With a pin hash this takes ~0.1 s (argon2id):
 * call it once per submitted PIN, not per key press. */
int ks_config_pin_ok(const ks_config *cfg, const char *entered);
/* Hashes pin (4..12 digits) into out for "technician_pin_hash". */
ks_status ks_config_pin_hash(const char *pin, char out[KS_CONFIG_PIN_HASH_MAX], ks_error *err);

/* Finds the assets directory the way the loader does when the file does not
 * set assets_dir (a directory containing i18n/). Caller frees *out.
 * KS_ERR_NOT_FOUND names every place tried. */
ks_status ks_config_find_assets_dir(char **out, ks_error *err);

#endif
