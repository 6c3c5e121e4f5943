/*
 * cmd_status.c - `kioskctl status [--json]`: what a technician needs to
 * know about a kiosk's content and sync at a glance (docs/kioskctl.md).
 *
 * Reads only: the figures come from ks_store_get_info() and the sync.* kv
 * keys the sync worker writes. JSON is built with cJSON so it is always
 * valid, whatever the stored strings contain.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "commands.h"
#include "ks/clock.h"
#include "ks/store.h"

typedef struct sync_fields {
    char *state;        /* NULL when unset */
    char *last_sync;
    char *last_error;
    long long pending_bytes;
} sync_fields;

static char *kv_or_null(ks_store *store, const char *key)
{
    char *v = NULL;
    ks_error err = {0};
    if (ks_store_get(store, key, &v, &err) != KS_OK) return NULL;
    return v;
}

static void read_sync(ks_store *store, sync_fields *s)
{
    s->state = kv_or_null(store, "sync.state");
    s->last_sync = kv_or_null(store, "sync.last_sync");
    s->last_error = kv_or_null(store, "sync.last_error");
    s->pending_bytes = 0;
    char *p = kv_or_null(store, "sync.pending_bytes");
    if (p) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (errno == 0 && end != p && *end == '\0' && v >= 0) s->pending_bytes = v;
        free(p);
    }
}

static void free_sync(sync_fields *s)
{
    free(s->state);
    free(s->last_sync);
    free(s->last_error);
}

static cJSON *str_or_null(const char *s) { return s ? cJSON_CreateString(s) : cJSON_CreateNull(); }

static int print_json(const char *data_dir, const ks_store_info *info, const sync_fields *sync)
{
    int rc = 1;
    cJSON *root = cJSON_CreateObject();
    cJSON *locales = cJSON_CreateObject();
    cJSON *sy = cJSON_CreateObject();
    cJSON *last = NULL;
    if (!root || !locales || !sy) goto out;
    cJSON_AddStringToObject(root, "data_dir", data_dir);
    cJSON_AddNumberToObject(root, "schema_version", info->schema_version);
    cJSON_AddNumberToObject(root, "content_version", (double)info->content_version);
    cJSON_AddNumberToObject(root, "articles", (double)info->articles);
    cJSON_AddNumberToObject(root, "article_ids", (double)info->article_ids);
    for (size_t i = 0; i < info->n_locales; i++)
        cJSON_AddNumberToObject(locales, info->locales[i].locale, (double)info->locales[i].articles);
    cJSON_AddItemToObject(root, "articles_by_locale", locales);
    locales = NULL;
    cJSON_AddNumberToObject(root, "categories", (double)info->categories);
    cJSON_AddNumberToObject(root, "database_bytes", (double)info->db_bytes);
    if (info->last_import_at > 0) {
        char when[32];
        ks_clock_format_iso8601(info->last_import_at, when, sizeof when);
        last = cJSON_CreateObject();
        if (!last) goto out;
        cJSON_AddStringToObject(last, "at", when);
        cJSON_AddItemToObject(last, "mode", str_or_null(info->last_import_mode));
        cJSON_AddItemToObject(last, "sources", str_or_null(info->last_import_sources));
        cJSON_AddNumberToObject(last, "articles", (double)info->last_import_articles);
        cJSON_AddItemToObject(root, "last_import", last);
    } else {
        cJSON_AddNullToObject(root, "last_import");
    }
    cJSON_AddItemToObject(sy, "state", str_or_null(sync->state));
    cJSON_AddItemToObject(sy, "last_sync", str_or_null(sync->last_sync));
    cJSON_AddItemToObject(sy, "last_error", str_or_null(sync->last_error));
    cJSON_AddNumberToObject(sy, "pending_bytes", (double)sync->pending_bytes);
    cJSON_AddItemToObject(root, "sync", sy);
    sy = NULL;
    char *txt = cJSON_PrintUnformatted(root);
    if (!txt) goto out;
    printf("%s\n", txt);
    cJSON_free(txt);
    rc = 0;
out:
    if (rc) fprintf(stderr, "kioskctl: status: out of memory\n");
    cJSON_Delete(root);
    cJSON_Delete(locales);
    cJSON_Delete(sy);
    return rc;
}

static void print_size(uint64_t bytes, char *buf, size_t size)
{
    if (bytes >= 10u * 1024u * 1024u) snprintf(buf, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
    else if (bytes >= 10u * 1024u) snprintf(buf, size, "%.1f KiB", (double)bytes / 1024.0);
    else snprintf(buf, size, "%llu bytes", (unsigned long long)bytes);
}

static void print_text(const char *data_dir, const ks_store_info *info, const sync_fields *sync)
{
    char size[32];
    print_size(info->db_bytes, size, sizeof size);
    printf("data directory   %s\n", data_dir);
    printf("database         kiosk.db, %s, schema version %d\n", size, info->schema_version);
    printf("content version  %lld\n", (long long)info->content_version);
    printf("articles         %lld in %lld ids", (long long)info->articles, (long long)info->article_ids);
    for (size_t i = 0; i < info->n_locales; i++)
        printf("%s%s %lld", i ? ", " : ": ", info->locales[i].locale, (long long)info->locales[i].articles);
    printf("\ncategories       %lld\n", (long long)info->categories);
    if (info->last_import_at > 0) {
        char when[32];
        ks_clock_format_iso8601(info->last_import_at, when, sizeof when);
        printf("last import      %s, %s, %lld articles from %s\n", when,
               info->last_import_mode ? info->last_import_mode : "?", (long long)info->last_import_articles,
               info->last_import_sources ? info->last_import_sources : "?");
    } else {
        printf("last import      never\n");
    }
    printf("sync state       %s\n", sync->state ? sync->state : "unknown (never synced)");
    printf("last sync        %s\n", sync->last_sync ? sync->last_sync : "never");
    printf("last sync error  %s\n", sync->last_error && *sync->last_error ? sync->last_error : "none");
    printf("pending download %lld bytes\n", sync->pending_bytes);
}

int ks_cmd_status(const char *data_dir, int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: kioskctl [--data-dir DIR] status [--json]\n");
            return 0;
        } else {
            fprintf(stderr, "kioskctl: status: unknown argument '%s'\nusage: kioskctl [--data-dir DIR] status [--json]\n",
                    argv[i]);
            return 2;
        }
    }
    ks_error err = {0};
    ks_store *store = NULL;
    ks_store_info info = {0};
    sync_fields sync = {0};
    int rc = 1;
    if (ks_store_open(data_dir, &store, &err) != KS_OK || ks_store_get_info(store, &info, &err) != KS_OK) {
        fprintf(stderr, "kioskctl: status: %s\n", err.msg);
        goto out;
    }
    read_sync(store, &sync);
    if (json) {
        rc = print_json(data_dir, &info, &sync);
    } else {
        print_text(data_dir, &info, &sync);
        rc = 0;
    }
out:
    free_sync(&sync);
    ks_store_info_free(&info);
    ks_store_close(store);
    return rc;
}
