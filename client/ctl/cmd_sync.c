/*
 * cmd_sync.c - `kioskctl sync` (docs/kioskctl.md, docs/sync.md):
 *
 *   sync --once [--url URL] [--pubkey PUBLIC_FILE] [--config FILE] [--json] ...
 *   sync [--passes N] ...     the kiosk's background worker, in the foreground
 *
 * Without --url/--pubkey the values come from the config (--config FILE,
 * else DATA_DIR/config.json when it exists): support_api_url + "bundle/",
 * content_pubkey, allow_insecure_http, sync_interval_s. Only argument
 * handling and reporting here; the sync itself is client/core/sync.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "commands.h"
#include "ks/bundle.h"
#include "ks/clock.h"
#include "ks/config.h"
#include "ks/path.h"
#include "ks/process.h"
#include "ks/sync.h"

static void sync_usage(FILE *f)
{
    fprintf(
        f,
        "usage: kioskctl [--data-dir DIR] sync [--once] [--url URL] [--pubkey PUBLIC_FILE] [--config FILE]\n"
        "         [--allow-insecure-http] [--pin sha256//BASE64] [--cacert FILE] [--json]\n"
        "         [--connect-timeout S] [--low-speed-time S] [--interval S] [--passes N]\n");
}

static int parse_uint(const char *s, unsigned *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || !end || *end || end == s || v > 100000000ul) return -1;
    *out = (unsigned)v;
    return 0;
}

static void print_result_json(const ks_sync_result *r, const ks_error *err)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return;
    cJSON_AddStringToObject(o, "status", ks_status_name(r->status));
    cJSON_AddStringToObject(o, "state", ks_sync_state_name(r->state));
    cJSON_AddBoolToObject(o, "updated", r->updated);
    cJSON_AddNumberToObject(o, "content_version", (double)r->content_version);
    cJSON_AddNumberToObject(o, "requests", r->requests);
    cJSON_AddNumberToObject(o, "bytes_received", (double)r->bytes_received);
    cJSON_AddNumberToObject(o, "files_fetched", r->files_fetched);
    cJSON_AddNumberToObject(o, "bytes_resumed", (double)r->bytes_resumed);
    cJSON_AddNumberToObject(o, "retry_after_s", r->retry_after_s);
    if (r->status != KS_OK)
        cJSON_AddStringToObject(o, "error", err->msg);
    else
        cJSON_AddNullToObject(o, "error");
    char *s = cJSON_PrintUnformatted(o);
    if (s) printf("%s\n", s);
    free(s);
    cJSON_Delete(o);
}

typedef struct watch {
    ks_sync *s;
    ks_sync_state last;
    int json;
} watch;

static void on_change(void *user)
{
    watch *w = user;
    ks_sync_status st;
    if (!w->s) return;
    ks_sync_get_status(w->s, &st);
    if (st.state == w->last) return;
    w->last = st.state;
    char now[32];
    ks_clock_format_iso8601(ks_clock_unix_s(), now, sizeof now);
    if (w->json) {
        cJSON *o = cJSON_CreateObject();
        if (!o) return;
        cJSON_AddStringToObject(o, "at", now);
        cJSON_AddStringToObject(o, "state", ks_sync_state_name(st.state));
        cJSON_AddNumberToObject(o, "content_version", (double)st.content_version);
        cJSON_AddStringToObject(o, "reason", st.reason);
        char *s = cJSON_PrintUnformatted(o);
        if (s) printf("%s\n", s);
        free(s);
        cJSON_Delete(o);
    } else {
        printf("%s sync: %s%s%s\n", now, ks_sync_state_name(st.state), st.reason[0] ? ": " : "", st.reason);
    }
    fflush(stdout);
}

/* Runs the worker until SIGINT/SIGTERM or N completed passes. */
static int run_worker(const ks_sync_config *cfg, unsigned passes, int json)
{
    /* Before the thread starts, so only this thread takes the stop. */
    ks_process_catch_stop();
    watch w = {.last = (ks_sync_state)-1, .json = json};
    ks_error err = {0};
    ks_sync *s = NULL;
    if (ks_sync_start(cfg, on_change, &w, &s, &err) != KS_OK) {
        fprintf(stderr, "kioskctl: sync: %s\n", err.msg);
        return 1;
    }
    w.s = s;
    int rc = 0;
    for (;;) {
        if (ks_process_wait_stop(200)) break;
        ks_sync_status st;
        ks_sync_get_status(s, &st);
        if (passes && st.passes >= passes) {
            rc = st.state == KS_SYNC_IDLE ? 0 : 1;
            break;
        }
    }
    w.s = NULL;
    ks_sync_stop(s);
    return rc;
}

int ks_cmd_sync(const char *data_dir, int argc, char **argv)
{
    int once = 0, json = 0, exit_code = 1;
    const char *url = NULL, *pubkey_file = NULL, *config_file = NULL;
    ks_sync_config cfg = {.data_dir = data_dir};
    unsigned passes = 0;
    ks_config *conf = NULL;
    char *bundle_url = NULL, *default_conf = NULL;
    ks_error err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (strcmp(a, "--once") == 0)
            once = 1;
        else if (strcmp(a, "--json") == 0)
            json = 1;
        else if (strcmp(a, "--allow-insecure-http") == 0)
            cfg.allow_insecure_http = 1;
        else if (strcmp(a, "--url") == 0 && has)
            url = argv[++i];
        else if (strcmp(a, "--pubkey") == 0 && has)
            pubkey_file = argv[++i];
        else if (strcmp(a, "--config") == 0 && has)
            config_file = argv[++i];
        else if (strcmp(a, "--pin") == 0 && has)
            cfg.pinned_pubkey = argv[++i];
        else if (strcmp(a, "--cacert") == 0 && has)
            cfg.ca_file = argv[++i];
        else if ((strcmp(a, "--connect-timeout") == 0 && has &&
                  parse_uint(argv[++i], &cfg.connect_timeout_s) == 0) ||
                 (strcmp(a, "--low-speed-time") == 0 && has &&
                  parse_uint(argv[++i], &cfg.low_speed_time_s) == 0) ||
                 (strcmp(a, "--interval") == 0 && has && parse_uint(argv[++i], &cfg.interval_s) == 0) ||
                 (strcmp(a, "--passes") == 0 && has && parse_uint(argv[++i], &passes) == 0))
            continue;
        else {
            fprintf(stderr, "kioskctl: sync: unexpected argument '%s'\n", a);
            sync_usage(stderr);
            return 2;
        }
    }
    if (!config_file) {
        default_conf = ks_path_join(data_dir, "config.json");
        if (default_conf && ks_path_exists(default_conf)) config_file = default_conf;
    }
    if (config_file && (!url || !pubkey_file)) {
        if (ks_config_load(config_file, &conf, &err) != KS_OK) {
            fprintf(stderr, "kioskctl: sync: %s\n", err.msg);
            goto out;
        }
        if (!url && conf->support_api_url) {
            bundle_url = ks_path_join(conf->support_api_url, "bundle/");
            url = bundle_url;
        }
        if (conf->allow_insecure_http) cfg.allow_insecure_http = 1;
        if (!cfg.interval_s && conf->sync_interval_s > 0) cfg.interval_s = (unsigned)conf->sync_interval_s;
    }
    if (!url) {
        fprintf(stderr, "kioskctl: sync: no URL: pass --url URL or set support_api_url in the config (%s)\n",
                config_file ? config_file : "none found");
        exit_code = 2;
        goto out;
    }
    cfg.url = url;
    if (pubkey_file) {
        if (ks_bundle_read_pubkey(pubkey_file, cfg.pubkey, &err) != KS_OK) {
            fprintf(stderr, "kioskctl: sync: %s\n", err.msg);
            goto out;
        }
    } else if (!conf || ks_config_pubkey(conf, cfg.pubkey, &err) != KS_OK) {
        fprintf(stderr,
                "kioskctl: sync: no content key: pass --pubkey PUBLIC_FILE or set content_pubkey in the "
                "config%s%s\n",
                conf ? ": " : "", conf ? err.msg : "");
        exit_code = 2;
        goto out;
    }
    if (!once) {
        cfg.first_delay_ms = 1; /* run by hand: the first pass now */
        exit_code = run_worker(&cfg, passes, json);
        goto out;
    }
    ks_sync_result res = {0};
    ks_status rc = ks_sync_once(&cfg, &res, &err);
    if (json) {
        print_result_json(&res, &err);
    } else if (rc == KS_OK) {
        printf("sync: %s version %lld (%u requests, %llu bytes received, %u files fetched, %llu bytes "
               "resumed)\n",
               res.updated ? "installed" : "up to date at", (long long)res.content_version, res.requests,
               (unsigned long long)res.bytes_received, res.files_fetched,
               (unsigned long long)res.bytes_resumed);
    }
    if (rc != KS_OK && !json) {
        const char *st = ks_sync_state_name(res.state);
        int said = strncmp(err.msg, st, strlen(st)) == 0; /* "offline: cannot reach ..." */
        fprintf(stderr, "kioskctl: sync: %s%s%s\n", said ? "" : st, said ? "" : ": ", err.msg);
    }
    exit_code = rc == KS_OK ? 0 : 1;
out:
    ks_config_free(conf);
    free(bundle_url);
    free(default_conf);
    return exit_code;
}
