/*
 * cmd_config.c - kioskctl's config helpers for installers and technicians:
 *   check-config FILE  loads FILE as the kiosk would and prints every error
 *                      and warning (exit 0 usable, 1 not, 2 bad usage);
 *   pin-hash           reads a technician PIN (4-12 digits) from standard
 *                      input and prints the "technician_pin_hash" value.
 * The PIN is read from stdin, never taken as an argument, so it stays out
 * of shell history and the process list. Must not write any file.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "ks/config.h"

int ks_cmd_check_config(const char *data_dir, int argc, char **argv)
{
    (void)data_dir;
    if (argc != 2) {
        fprintf(stderr, "usage: kioskctl check-config FILE\n");
        return 2;
    }
    ks_config *cfg = NULL;
    ks_error err;
    if (ks_config_load(argv[1], &cfg, &err) != KS_OK) {
        fprintf(stderr, "kioskctl: %s\n", err.msg);
        return 1;
    }
    for (size_t i = 0; i < cfg->n_warnings; i++) fprintf(stderr, "warning: %s\n", cfg->warnings[i]);
    printf("%s: usable (%zu warning%s); assets %s, theme %s, locales", argv[1], cfg->n_warnings,
           cfg->n_warnings == 1 ? "" : "s", cfg->assets_dir, cfg->theme_path);
    for (size_t i = 0; i < cfg->n_locales; i++) printf("%s%s", i ? ", " : " ", cfg->locales[i]);
    printf(" (default %s), sync %s\n", cfg->default_locale,
           cfg->support_api_url ? cfg->support_api_url : "off");
    ks_config_free(cfg);
    return 0;
}

int ks_cmd_pin_hash(const char *data_dir, int argc, char **argv)
{
    (void)data_dir;
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: echo PIN | kioskctl pin-hash   (the PIN is read from standard input)\n");
        return 2;
    }
    if (isatty(STDIN_FILENO)) fprintf(stderr, "technician PIN (4-12 digits): ");
    char line[64] = "";
    if (!fgets(line, sizeof line, stdin)) {
        fprintf(stderr, "kioskctl: no PIN on standard input\n");
        return 1;
    }
    line[strcspn(line, "\r\n")] = '\0';
    char hash[KS_CONFIG_PIN_HASH_MAX];
    ks_error err;
    ks_status st = ks_config_pin_hash(line, hash, &err);
    memset(line, 0, sizeof line);
    if (st != KS_OK) {
        fprintf(stderr, "kioskctl: %s\n", err.msg);
        return 1;
    }
    printf("%s\n", hash);
    return 0;
}
