/*
 * syncview.c - the kiosk's side of content sync: starts the background sync
 * worker (client/core/sync.c) when the config names a support API and a
 * content key, turns its status snapshots into what people see, and
 * switches screens to new content when the worker installed some.
 *
 * Visitors see at most a discreet pill in the top bar ("Offline",
 * "Updating help content..."); the settings card shows the technician the
 * precise state (content version, last sync, the last error).
 *
 * Must not: do any network or disk work on the UI thread (the worker does
 * it all; this file only copies a snapshot), or interrupt a visitor: new
 * content takes effect on screens without moving them.
 */
#include <stdio.h>
#include <string.h>

#include "ks/clock.h"
#include "ks/log.h"
#include "ks/widgets.h"

#include "app_internal.h"
#include "content.h"

static void notify_cb(void *user) { app_wake(user); }

void syncview_start(app *a)
{
    const ks_config *cfg = a->cfg;
    if (!cfg->support_api_url || !cfg->support_api_url[0]) {
        ks_log_info("sync", "no support_api_url in the config: content sync is off");
        return;
    }
    ks_sync_config sc;
    memset(&sc, 0, sizeof sc);
    ks_error err = {0};
    if (ks_config_pubkey(cfg, sc.pubkey, &err) != KS_OK) {
        ks_log_error("sync", "content sync is off: %s", err.msg);
        return;
    }
    /* The support API serves the current bundle under bundle/ (docs/api.md). */
    size_t n = strlen(cfg->support_api_url);
    int slash = n > 0 && cfg->support_api_url[n - 1] == '/';
    snprintf(a->sync_url, sizeof a->sync_url, "%s%sbundle/", cfg->support_api_url, slash ? "" : "/");
    sc.data_dir = a->data_dir;
    sc.url = a->sync_url;
    sc.allow_insecure_http = cfg->allow_insecure_http;
    sc.interval_s = cfg->sync_interval_s > 0 ? (unsigned)cfg->sync_interval_s : 0;
    if (ks_store_content_version(content_store(a->content), &a->shown_version, &err) != KS_OK)
        a->shown_version = 0;
    if (ks_sync_start(&sc, notify_cb, a, &a->sync, &err) != KS_OK) {
        ks_log_error("sync", "cannot start content sync: %s", err.msg);
        return;
    }
    ks_log_info("sync", "content sync from %s every %d s", a->sync_url, cfg->sync_interval_s);
}

void syncview_stop(app *a)
{
    ks_sync_stop(a->sync);
    a->sync = NULL;
}

/* What a visitor sees of a state: nothing while all is well. */
static const char *pill_key(ks_sync_state st)
{
    switch (st) {
    case KS_SYNC_OFFLINE: return "status.offline";
    case KS_SYNC_DOWNLOADING:
    case KS_SYNC_APPLYING: return "status.syncing";
    default: return NULL;
    }
}

int syncview_poll(app *a)
{
    if (!a->sync) return 0;
    ks_sync_status st;
    ks_sync_get_status(a->sync, &st);
    int changed = 0;
    if (pill_key(st.state) != pill_key(a->sync_status.state)) {
        a->bar_depth = -1; /* the top bar draws again */
        changed |= SYNCVIEW_CHROME;
    }
    /* New content is live once the worker is past its switch. The screens
     * read it again; the search engine notices the new index by itself
     * (docs/search.md), so nothing is reopened here. */
    if (st.state != KS_SYNC_APPLYING && st.content_version != a->shown_version) {
        ks_log_info("sync", "content version %lld is live", (long long)st.content_version);
        a->shown_version = st.content_version;
        changed |= SYNCVIEW_CONTENT;
    }
    a->sync_status = st;
    return changed;
}

int syncview_pill_width(app *a, int max_w)
{
    const char *key = a->sync ? pill_key(a->sync_status.state) : NULL;
    if (!key) return 0;
    int w = 0, h = 0;
    ks_widget_badge_size(a->ui, max_w, KS_ICON_INFO, app_tr(a, key), &w, &h);
    return w;
}

void syncview_draw_pill(app *a, int right, int cy, int max_w)
{
    const char *key = a->sync ? pill_key(a->sync_status.state) : NULL;
    if (!key) return;
    const ks_theme_colors *c = ks_ui_colors(a->ui);
    int w = 0, h = 0;
    const char *text = app_tr(a, key);
    ks_widget_badge_size(a->ui, max_w, KS_ICON_INFO, text, &w, &h);
    ks_widget_badge(a->ui, right - w, cy - h / 2, max_w, KS_ICON_INFO, text, c->surface_alt, c->text_muted, NULL,
                    NULL);
}

/* "Content version 12 · Last sync: 2026-11-22 18:00 UTC · Offline" for the
 * settings card; empty when sync is off and no bundle was ever installed. */
const char *syncview_describe(app *a, char *buf, size_t cap)
{
    char ver[32], part[3][256];
    int64_t version = 0;
    if (a->sync) {
        version = a->sync_status.content_version;
    } else {
        ks_error err = {0};
        if (ks_store_content_version(content_store(a->content), &version, &err) != KS_OK) version = 0;
    }
    buf[0] = '\0';
    if (!a->sync && version == 0) return buf;
    snprintf(ver, sizeof ver, "%lld", (long long)version);
    app_trf(a, "tech.content_version", part[0], sizeof part[0], "version", ver, (const char *)NULL);
    if (!a->sync) {
        snprintf(buf, cap, "%s", part[0]);
        return buf;
    }
    if (a->sync_status.last_sync > 0) {
        char when[32];
        ks_clock_format_iso8601(a->sync_status.last_sync, when, sizeof when);
        app_trf(a, "tech.last_sync", part[1], sizeof part[1], "time", when, (const char *)NULL);
    } else {
        snprintf(part[1], sizeof part[1], "%s", app_tr(a, "tech.never_synced"));
    }
    char key[32];
    snprintf(key, sizeof key, "sync.%s", ks_sync_state_name(a->sync_status.state));
    if (a->sync_status.state == KS_SYNC_ERROR) {
        app_trf(a, "sync.error", part[2], sizeof part[2], "reason", a->sync_status.reason, (const char *)NULL);
    } else if (a->sync_status.state == KS_SYNC_DOWNLOADING) {
        char done[32], total[32];
        snprintf(done, sizeof done, "%.1f MB", (double)a->sync_status.done_bytes / 1e6);
        snprintf(total, sizeof total, "%.1f MB", (double)a->sync_status.total_bytes / 1e6);
        app_trf(a, "sync.downloading", part[2], sizeof part[2], "done", done, "total", total, (const char *)NULL);
    } else {
        snprintf(part[2], sizeof part[2], "%s", app_tr(a, key));
    }
    snprintf(buf, cap, "%s · %s · %s", part[0], part[1], part[2]);
    return buf;
}

const char *app_sync_state(app *a, const char **reason)
{
    if (reason) *reason = a->sync ? a->sync_status.reason : "";
    if (!a->sync) return "off";
    /* Before its first pass the worker says "idle": that is not news. */
    if (a->sync_status.passes == 0 && a->sync_status.state == KS_SYNC_IDLE) return "starting";
    return ks_sync_state_name(a->sync_status.state);
}
