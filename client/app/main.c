/*
 * main.c - the kiosk program: its command line, then either the
 * full-screen (or windowed) kiosk, or the headless harness playing a
 * script (docs/ui.md, docs/testing.md).
 *
 *   kiosk [--windowed WxH] [--data-dir DIR] [--config FILE] [--stats FILE]
 *   kiosk --headless --size WxH --script FILE --screenshots DIR --stats FILE [--data-dir DIR]
 *
 * Must not: do anything app.c does; it only reads arguments and reports.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks/clock.h"
#include "ks/log.h"
#include "ks/process.h"

#include "app.h"
#include "script.h"

#define READY_TIMEOUT_MS 120000u

static void usage(FILE *f)
{
    fprintf(f,
            "usage: kiosk [--windowed WxH] [--data-dir DIR] [--config FILE] [--stats FILE]\n"
            "       kiosk --headless --size WxH --script FILE [--screenshots DIR] [--stats FILE]\n"
            "             [--data-dir DIR] [--config FILE]\n"
            "\n"
            "  --windowed WxH     a window of that size instead of full screen\n"
            "  --data-dir DIR     where the kiosk keeps its database and media\n"
            "  --config FILE      the JSON configuration (docs/config.md)\n"
            "  --headless         no display: SDL dummy video, software renderer,\n"
            "                     simulated clock, plays --script (docs/testing.md)\n"
            "  --size WxH         the headless screen size\n"
            "  --script FILE      steps to play, one per line\n"
            "  --screenshots DIR  where 'shot NAME' writes NAME.png\n"
            "  --stats FILE       frame times, first frame and memory as JSON\n");
}

/* "1920x1080" -> w, h (each 1..16384). */
static int parse_size(const char *s, int *w, int *h)
{
    char *end = NULL;
    errno = 0;
    long a = strtol(s, &end, 10);
    if (errno || end == s || (*end != 'x' && *end != 'X')) return -1;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (errno || end == p || *end || a < 1 || b < 1 || a > 16384 || b > 16384) return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

int main(int argc, char **argv)
{
    app_options opt = {0};
    opt.start_us = ks_clock_real_us();
    ks_process_init();
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(arg, "--headless") == 0) {
            opt.headless = 1;
            takes = 0;
        } else if (!val && (strcmp(arg, "--windowed") == 0 || strcmp(arg, "--size") == 0 ||
                            strcmp(arg, "--data-dir") == 0 || strcmp(arg, "--config") == 0 ||
                            strcmp(arg, "--script") == 0 || strcmp(arg, "--screenshots") == 0 ||
                            strcmp(arg, "--stats") == 0)) {
            fprintf(stderr, "kiosk: %s needs a value\n", arg);
            return 2;
        } else if (strcmp(arg, "--windowed") == 0) {
            if (parse_size(val, &opt.win_w, &opt.win_h) != 0) {
                fprintf(stderr, "kiosk: --windowed wants WxH (e.g. 1280x800), got '%s'\n", val);
                return 2;
            }
            opt.windowed = 1;
        } else if (strcmp(arg, "--size") == 0) {
            if (parse_size(val, &opt.size_w, &opt.size_h) != 0) {
                fprintf(stderr, "kiosk: --size wants WxH (e.g. 1920x1080), got '%s'\n", val);
                return 2;
            }
        } else if (strcmp(arg, "--data-dir") == 0) {
            opt.data_dir = val;
        } else if (strcmp(arg, "--config") == 0) {
            opt.config_path = val;
        } else if (strcmp(arg, "--script") == 0) {
            opt.script_path = val;
        } else if (strcmp(arg, "--screenshots") == 0) {
            opt.shots_dir = val;
        } else if (strcmp(arg, "--stats") == 0) {
            opt.stats_path = val;
        } else {
            fprintf(stderr, "kiosk: unknown argument '%s'\n", arg);
            usage(stderr);
            return 2;
        }
        i += takes;
    }
    if (opt.headless && (!opt.size_w || !opt.script_path)) {
        fprintf(stderr, "kiosk: --headless needs --size WxH and --script FILE\n");
        return 2;
    }
    if (!opt.headless && (opt.script_path || opt.size_w || opt.shots_dir)) {
        fprintf(stderr, "kiosk: --size, --script and --screenshots go with --headless\n");
        return 2;
    }

    ks_error err = {0};
    script *sc = NULL;
    if (opt.headless) {
        /* A broken script fails before anything starts. */
        if (script_load(opt.script_path, &sc, &err) != KS_OK) {
            fprintf(stderr, "kiosk: %s\n", err.msg);
            return 2;
        }
        ks_clock_set_simulated(1);
    }

    app *a = NULL;
    if (app_create(&opt, &a, &err) != KS_OK) {
        fprintf(stderr, "kiosk: cannot start: %s\n", err.msg);
        script_free(sc);
        return 1;
    }
    int rc;
    if (opt.headless) {
        if (!app_wait_ready(a, READY_TIMEOUT_MS)) {
            fprintf(stderr, "kiosk: the content was not ready after %u s\n", READY_TIMEOUT_MS / 1000);
            rc = 1;
        } else {
            rc = script_run(sc, a, opt.shots_dir);
        }
    } else {
        rc = app_run(a);
    }
    app_write_stats(a);
    app_destroy(a);
    script_free(sc);
    return rc;
}
