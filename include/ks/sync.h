/*
 * sync.h - content sync from a bundle URL (docs/sync.md), once or on a
 * background thread.
 *
 * One pass: conditional GET of URL/manifest.json (If-None-Match: an
 * unchanged poll is one small request), the bundle checks of ks/bundle.h,
 * download of only the files the media store lacks (HTTP Range resumes a
 * partial file; size and hash verified while streaming), then one atomic
 * switch. Any refusal or failure leaves the live content untouched and is
 * recorded in the store's kv keys sync.state, sync.last_error,
 * sync.last_sync, sync.pending_bytes.
 *
 * The host process should ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)): libcurl
 * runs with CURLOPT_NOSIGNAL so it can live on a thread, and a peer closing
 * a TLS connection could otherwise raise it.
 *
 * The worker thread opens its own ks_store, never touches SDL or the UI,
 * and reports through a polled, thread-safe snapshot plus an optional
 * notify callback (called on the worker thread: just wake your loop, e.g.
 * with SDL_PushEvent, and read ks_sync_get_status() there).
 */
#ifndef KS_SYNC_H
#define KS_SYNC_H

#include <stdint.h>

#include "ks/error.h"

typedef struct ks_sync_config {
    const char *data_dir;       /* required */
    const char *url;            /* bundle directory URL, or the manifest's URL if it ends in .json */
    unsigned char pubkey[32];   /* trusted Ed25519 content key */
    int allow_insecure_http;    /* 0: http:// only to loopback hosts */
    const char *pinned_pubkey;  /* NULL, or CURLOPT_PINNEDPUBLICKEY ("sha256//base64") */
    const char *ca_file;        /* NULL = system CA store */
    unsigned interval_s;        /* worker poll interval (jittered); 0 = 900 */
    unsigned connect_timeout_s; /* 0 = 15 */
    unsigned low_speed_time_s;  /* abort a transfer slower than 64 B/s for this long; 0 = 30 */
    unsigned backoff_base_s;    /* first retry delay cap after a failure; 0 = 5 */
    unsigned backoff_max_s;     /* 0 = 3600 */
    unsigned first_delay_ms;    /* worker: delay before the first pass; 0 = random up to 5 s */
} ks_sync_config;

typedef enum ks_sync_state {
    KS_SYNC_IDLE,        /* up to date (or not started yet) */
    KS_SYNC_CHECKING,    /* fetching the manifest */
    KS_SYNC_DOWNLOADING, /* done_bytes of total_bytes */
    KS_SYNC_APPLYING,    /* switching content */
    KS_SYNC_OFFLINE,     /* server unreachable: normal, old content served */
    KS_SYNC_ERROR,       /* refused or failed: reason says why */
} ks_sync_state;

/* Stable lower-case name: "idle", "checking", ... (the sync.state kv). */
const char *ks_sync_state_name(ks_sync_state st);

typedef struct ks_sync_result {
    ks_sync_state state;     /* state after the pass: IDLE, OFFLINE or ERROR */
    ks_status status;        /* KS_OK or why it failed */
    int updated;             /* 1 when new content was switched in */
    int64_t content_version; /* installed after the pass */
    unsigned requests;       /* HTTP requests made */
    uint64_t bytes_received; /* headers + bodies */
    unsigned files_fetched;
    uint64_t bytes_resumed; /* bytes not fetched again thanks to Range */
    unsigned retry_after_s; /* server asked to wait (429/503), else 0 */
} ks_sync_result;

/* One synchronous pass (kioskctl sync --once). res may be NULL. Takes the
 * data directory's sync lock (KS_ERR_BUSY when another pass holds it). */
ks_status ks_sync_once(const ks_sync_config *cfg, ks_sync_result *res, ks_error *err);

/* --- background worker ------------------------------------------------------ */

typedef struct ks_sync ks_sync;

typedef struct ks_sync_status {
    ks_sync_state state;
    uint64_t done_bytes, total_bytes; /* while downloading */
    int64_t content_version;          /* installed */
    int64_t last_sync;                /* unix s of the last successful check, 0 = never */
    unsigned passes;                  /* completed passes */
    uint64_t next_pass_us;            /* ks_clock_real_us() of the next scheduled pass */
    char reason[KS_ERROR_MSG_MAX];    /* OFFLINE/ERROR: why; else empty */
} ks_sync_status;

typedef void (*ks_sync_notify)(void *user);

/* Starts the worker (copies cfg). notify (may be NULL) runs on the worker
 * thread after each status change, at most ~10 times a second while
 * downloading. *out: ks_sync_stop(). */
ks_status ks_sync_start(const ks_sync_config *cfg, ks_sync_notify notify, void *user, ks_sync **out,
                        ks_error *err);
/* Copies the current status; any thread, never blocks for long. */
void ks_sync_get_status(ks_sync *s, ks_sync_status *out);
/* Asks for a pass now (technician's "sync now"); returns at once. */
void ks_sync_now(ks_sync *s);
/* Cancels a running transfer (partial files are kept; a switch already
 * under way finishes first: a transaction is never interrupted), joins the
 * thread, frees s. NULL is fine. */
void ks_sync_stop(ks_sync *s);

/* --- policy helpers (exposed for tests) -------------------------------------- */

/* OK when url may be used: https://, or http:// to a loopback host (or any
 * host when allow_insecure_http). KS_ERR_SECURITY names the reason. */
ks_status ks_sync_check_url(const char *url, int allow_insecure_http, ks_error *err);
/* Delay before retry number attempt (1, 2, ...): full jitter, uniformly
 * random in [0, min(max_s, base_s * 2^(attempt-1))] seconds, in ms. */
uint64_t ks_sync_backoff_ms(unsigned attempt, unsigned base_s, unsigned max_s);
/* Parses a Retry-After value (delta seconds or an HTTP date) relative to
 * now; returns seconds (capped at 86400), or 0 when malformed. */
unsigned ks_sync_parse_retry_after(const char *value, int64_t now);

#endif
