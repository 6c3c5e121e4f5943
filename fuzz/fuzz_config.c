/*
 * fuzz_config.c - libFuzzer target for the config loader: any bytes give
 * either a complete config or an error with a message, never a crash, a
 * leak or a half-filled struct. Also feeds the bytes to the i18n
 * placeholder formatter, which runs on strings from files too.
 * Build: cmake -DKS_FUZZ=ON -DCMAKE_C_COMPILER=clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ks/config.h"
#include "ks/i18n.h"
#include "ks/log.h"

static void check(int cond)
{
    if (!cond) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_log_set_level(KS_LOG_ERROR);
    ks_config *cfg = NULL;
    ks_error err;
    ks_error_clear(&err);
    ks_status st = ks_config_parse((const char *)data, size, "fuzz.json", "/nonexistent", &cfg, &err);
    if (st == KS_OK) {
        check(cfg && cfg->assets_dir && cfg->theme && cfg->theme_path && cfg->default_locale);
        check(cfg->n_locales >= 1 && cfg->n_locales <= 16);
        check(ks_config_has_locale(cfg, cfg->default_locale));
        check(cfg->idle_timeout_s >= 0 && cfg->osk.dwell_ms >= 300 && cfg->osk.dwell_ms <= 1100);
        check(cfg->screen_dpi >= 40 && cfg->window_w >= 320 && cfg->window_h >= 240);
        /* No ks_config_pin_ok(): a fuzzed argon2 string may ask for gigabytes
         * of memory, which is the operator's choice, not a parser bug. */
        ks_config_free(cfg);
    } else {
        check(cfg == NULL && err.msg[0] != '\0');
    }

    /* The formatter: NUL-terminate a copy and use it as a template. */
    char *tmpl = malloc(size + 1);
    if (!tmpl) return 0;
    memcpy(tmpl, data, size);
    tmpl[size] = '\0';
    const char *pairs[] = {"name", "Ana", "q", "\xe9\x93\xb6\xe8\xa1\x8c", NULL};
    char out[64];
    size_t need = ks_i18n_format(out, sizeof out, tmpl, pairs);
    check(strlen(out) < sizeof out && (need >= sizeof out || strlen(out) == need));
    free(tmpl);
    return 0;
}
