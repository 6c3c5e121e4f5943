/*
 * kioskctl.c - the technicians' and operators' command-line tool over the
 * core library: kioskctl [--data-dir DIR] [--config FILE] [-v] COMMAND ARGS.
 * This file only parses the global options and dispatches; each command
 * lives in its own cmd_*.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ks/log.h"
#include "ks/path.h"
#include "ks/process.h"

static const struct {
    const char *name;
    int (*run)(const char *data_dir, int argc, char **argv);
    int needs_data_dir;
    const char *usage;
} commands[] = {
    {"import", ks_cmd_import, 1, "import FILE... | import --pubkey PUBLIC_FILE BUNDLE_DIR"},
    {"search", ks_cmd_search, 1, "search [--json] [--batch] [--locale L] [--limit N] [QUERY]"},
    {"status", ks_cmd_status, 1, "status [--json]"},
    {"sync", ks_cmd_sync, 1, "sync [--once] [--url URL] [--pubkey PUBLIC_FILE]"},
    {"bundle", ks_cmd_bundle, 0,
     "bundle build --key SECRET_FILE --version N [--expires ISO8601] SRC_DIR OUT_DIR\n"
     "           bundle verify --pubkey PUBLIC_FILE DIR"},
    {"keygen", ks_cmd_keygen, 0, "keygen SECRET_FILE PUBLIC_FILE"},
    {"import-zendesk", ks_cmd_import_zendesk, 1, "import-zendesk FILE..."},
    {"check-config", ks_cmd_check_config, 0, "check-config FILE"},
    {"pin-hash", ks_cmd_pin_hash, 0, "pin-hash   (reads the technician PIN from standard input)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: kioskctl [--data-dir DIR] [-v] COMMAND ...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s\n", commands[i].usage);
    fprintf(f, "\nThe data directory defaults to $XDG_STATE_HOME/kiosk. See docs/kioskctl.md.\n");
}

int main(int argc, char **argv)
{
    ks_process_init();
    const char *data_dir_arg = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) {
            data_dir_arg = argv[++i];
        } else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
            ks_log_set_level(KS_LOG_DEBUG);
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "kioskctl: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
        if (strcmp(argv[i], commands[c].name) != 0)
            continue;
        char *data_dir = NULL;
        if (commands[c].needs_data_dir) {
            if (data_dir_arg) {
                data_dir = strdup(data_dir_arg);
            } else {
                ks_error err = {0};
                if (ks_path_default_data_dir(&data_dir, &err) != KS_OK) {
                    fprintf(stderr, "kioskctl: %s\n", err.msg);
                    return 1;
                }
            }
        }
        int rc = commands[c].run(data_dir, argc - i, argv + i);
        free(data_dir);
        return rc;
    }
    fprintf(stderr, "kioskctl: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return 2;
}
