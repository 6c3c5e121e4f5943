/*
 * sync.c - content sync over HTTP(S) with libcurl (ks/sync.h,
 * docs/sync.md): one pass, and the background worker that runs passes.
 *
 * What it must not do: trust the network. Every URL (including each
 * redirect hop) passes the same policy; the manifest is capped in size and
 * checked by ks_manifest_open(); files stream into the media store, which
 * refuses a byte past the declared size and a wrong hash; the switch is
 * ks_bundle_apply()'s one transaction. A failure anywhere leaves the live
 * content untouched. It must not touch SDL or block a UI thread: the
 * worker owns its store connection and talks through a locked snapshot.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "ks/bundle.h"
#include "ks/clock.h"
#include "ks/lock.h"
#include "ks/log.h"
#include "ks/mediastore.h"
#include "ks/path.h"
#include "ks/store.h"
#include "ks/str.h"
#include "ks/sync.h"

#define MAX_REDIRECTS 5
#define LOW_SPEED_BYTES 64
#define USER_AGENT "kiosk-sync/1"
#define URL_MAX 4096
#define PENDING_WRITE_EVERY_US 2000000u
#define ETAG_MAX_AGE_S 86400

static const char *const state_names[] = {"idle", "checking", "downloading", "applying", "offline", "error"};

const char *ks_sync_state_name(ks_sync_state st)
{
    return (unsigned)st < sizeof state_names / sizeof state_names[0] ? state_names[st] : "unknown";
}

/* ================================================================ policy */

static int host_is_loopback(const char *host)
{
    if (strcasecmp(host, "localhost") == 0) return 1;
    unsigned char a4[4], a6[16];
    if (inet_pton(AF_INET, host, a4) == 1) return a4[0] == 127;
    char h6[64];
    size_t n = strlen(host);
    if (n >= 2 && n < sizeof h6 && host[0] == '[' && host[n - 1] == ']') {
        memcpy(h6, host + 1, n - 2);
        h6[n - 2] = '\0';
        if (inet_pton(AF_INET6, h6, a6) == 1) {
            static const unsigned char lo[16] = {[15] = 1};
            return memcmp(a6, lo, 16) == 0;
        }
    }
    return 0;
}

/* Parses url with libcurl's parser into its lower-case scheme and host. */
static ks_status url_parts(const char *url, char *scheme, size_t ss, char *host, size_t hs, ks_error *err)
{
    ks_status rc = KS_OK;
    char *sch = NULL, *h = NULL;
    CURLU *u = curl_url();
    if (!u) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    /* Any scheme parses here: the policy, not the parser, refuses them. */
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &sch, 0) != CURLUE_OK) {
        rc = ks_error_set(err, KS_ERR_INVALID, "'%.200s' is not a usable URL", url);
        goto out;
    }
    if (curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK) h = NULL; /* file:///... has none */
    snprintf(scheme, ss, "%s", sch);
    snprintf(host, hs, "%s", h ? h : "");
    for (char *p = scheme; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
out:
    curl_free(sch);
    curl_free(h);
    curl_url_cleanup(u);
    return rc;
}

ks_status ks_sync_check_url(const char *url, int allow_insecure_http, ks_error *err)
{
    char scheme[16], host[256];
    if (!url || !*url) return ks_error_set(err, KS_ERR_INVALID, "no sync URL configured");
    ks_status rc = url_parts(url, scheme, sizeof scheme, host, sizeof host, err);
    if (rc) return rc;
    if (strcmp(scheme, "https") == 0 && host[0]) return KS_OK;
    if (strcmp(scheme, "http") == 0 && host[0]) {
        if (allow_insecure_http || host_is_loopback(host)) return KS_OK;
        return ks_error_set(
            err, KS_ERR_SECURITY,
            "%.200s: plain http:// is only allowed to this machine (loopback); use https:// or "
            "set allow_insecure_http in the config (refused)",
            url);
    }
    return ks_error_set(err, KS_ERR_SECURITY, "%.200s: scheme '%s' is not allowed, only https:// (refused)",
                        url, scheme);
}

uint64_t ks_sync_backoff_ms(unsigned attempt, unsigned base_s, unsigned max_s)
{
    if (attempt == 0) attempt = 1;
    uint64_t cap = (uint64_t)base_s * 1000u;
    for (unsigned i = 1; i < attempt && cap < (uint64_t)max_s * 1000u; i++)
        cap *= 2;
    if (cap > (uint64_t)max_s * 1000u) cap = (uint64_t)max_s * 1000u;
    if (cap == 0) return 0;
    /* Full jitter: a fleet that lost its network together must not come
     * back in lockstep. */
    uint64_t r = ((uint64_t)randombytes_random() << 32) | randombytes_random();
    return r % (cap + 1);
}

unsigned ks_sync_parse_retry_after(const char *value, int64_t now)
{
    if (!value) return 0;
    while (*value == ' ' || *value == '\t')
        value++;
    if (*value >= '0' && *value <= '9') {
        char *end = NULL;
        errno = 0;
        unsigned long v = strtoul(value, &end, 10);
        while (end && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
            end++;
        if (errno || !end || *end) return 0;
        return v > 86400 ? 86400 : (unsigned)v;
    }
    time_t t = curl_getdate(value, NULL);
    if (t < 0) return 0;
    if ((int64_t)t <= now) return 0;
    int64_t d = (int64_t)t - now;
    return d > 86400 ? 86400 : (unsigned)d;
}

/* ============================================================ transfers */

typedef enum sink_kind { SINK_MEM, SINK_BLOB } sink_kind;

typedef struct sync_run sync_run;

typedef struct xfer {
    sync_run *run;
    sink_kind sink;
    /* response */
    long status;
    char etag[256];
    char retry_after[128];
    char content_range[128];
    int body_started;
    /* SINK_MEM */
    char *mem;
    size_t mem_len, mem_cap, mem_max;
    const ks_manifest_file *doc; /* NULL: the manifest; else the content document */
    /* SINK_BLOB */
    ks_blob_writer *w;
    uint64_t offset;         /* bytes asked to skip with Range */
    uint64_t file_size;      /* declared size */
    int restarted;           /* server ignored the range */
    char final_url[URL_MAX]; /* where the response came from, after redirects */
    ks_status sink_rc;
    ks_error sink_err;
} xfer;

struct ks_sync {
    ks_sync_config cfg;
    char *data_dir, *url, *pinned, *ca;
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int now_requested;
    atomic_int stop;
    ks_sync_status status;
    ks_sync_notify notify;
    void *user;
    uint64_t last_notify_us;
};

struct sync_run {
    const ks_sync_config *cfg;
    ks_sync *worker; /* NULL for ks_sync_once */
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE];
    char scheme[16];
    ks_sync_result res;
    int offline;
    uint64_t done_base, total; /* progress of the download phase */
};

/* ---------------------------------------------------------- worker status */

static void publish(ks_sync *s, int force)
{
    if (!s || !s->notify) return;
    uint64_t now = ks_clock_real_us();
    pthread_mutex_lock(&s->mu);
    int go = force || now - s->last_notify_us >= 100000;
    if (go) s->last_notify_us = now;
    pthread_mutex_unlock(&s->mu);
    if (go) s->notify(s->user);
}

static void set_state(sync_run *r, ks_sync_state st, const char *reason)
{
    ks_sync *s = r->worker;
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->status.state = st;
    if (st != KS_SYNC_DOWNLOADING) s->status.done_bytes = s->status.total_bytes = 0;
    snprintf(s->status.reason, sizeof s->status.reason, "%s", reason ? reason : "");
    pthread_mutex_unlock(&s->mu);
    publish(s, 1);
}

static void set_progress(sync_run *r, uint64_t done)
{
    ks_sync *s = r->worker;
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->status.done_bytes = done;
    s->status.total_bytes = r->total;
    pthread_mutex_unlock(&s->mu);
    publish(s, 0);
}

/* ----------------------------------------------------------- callbacks */

static size_t on_header(char *buf, size_t size, size_t n, void *user)
{
    xfer *x = user;
    size_t len = size * n;
    if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
        /* A new response (after a 100 Continue or similar): forget the last. */
        x->etag[0] = x->retry_after[0] = x->content_range[0] = '\0';
        return len;
    }
    static const struct {
        const char *name;
        size_t off, cap;
    } want[] = {
        {"etag:", offsetof(xfer, etag), sizeof((xfer *)0)->etag},
        {"retry-after:", offsetof(xfer, retry_after), sizeof((xfer *)0)->retry_after},
        {"content-range:", offsetof(xfer, content_range), sizeof((xfer *)0)->content_range},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t nl = strlen(want[i].name);
        if (len <= nl || strncasecmp(buf, want[i].name, nl) != 0) continue;
        const char *v = buf + nl;
        size_t vl = len - nl;
        while (vl && (*v == ' ' || *v == '\t')) {
            v++;
            vl--;
        }
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
            vl--;
        if (vl >= want[i].cap) vl = want[i].cap - 1;
        char *dst = (char *)x + want[i].off;
        memcpy(dst, v, vl);
        dst[vl] = '\0';
    }
    return len;
}

/* "bytes START-END/TOTAL": START, or -1. */
static long long range_start(const char *cr)
{
    if (strncasecmp(cr, "bytes", 5) != 0) return -1;
    cr += 5;
    while (*cr == ' ')
        cr++;
    char *end = NULL;
    long long v = strtoll(cr, &end, 10);
    return end && *end == '-' ? v : -1;
}

static size_t sink_fail(xfer *x, ks_status rc)
{
    x->sink_rc = rc;
    return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
}

static size_t on_body(char *buf, size_t size, size_t n, void *user)
{
    xfer *x = user;
    size_t len = size * n;
    if (!x->body_started) {
        x->body_started = 1;
        curl_easy_getinfo(x->run->curl, CURLINFO_RESPONSE_CODE, &x->status);
        if (x->sink == SINK_BLOB && x->status == 206 && x->offset > 0 &&
            range_start(x->content_range) != (long long)x->offset)
            return sink_fail(x, ks_error_set(&x->sink_err, KS_ERR_NETWORK,
                                             "the server answered a range request for byte %llu with '%s'",
                                             (unsigned long long)x->offset, x->content_range));
        if (x->sink == SINK_BLOB && x->status == 200 && x->offset > 0) {
            /* The server ignored Range and sends the whole file. */
            ks_status rc = ks_blob_writer_restart(x->w, &x->sink_err);
            if (rc) return sink_fail(x, rc);
            x->restarted = 1;
        }
    }
    if (x->status != 200 && x->status != 206) return len; /* an error page: not kept */
    if (x->sink == SINK_MEM) {
        if (len > x->mem_max - x->mem_len) {
            if (x->doc)
                return sink_fail(
                    x, ks_error_set(&x->sink_err, KS_ERR_SECURITY,
                                    "content '%s': more data than the %zu bytes the manifest declares "
                                    "(refused)",
                                    x->doc->name, x->mem_max));
            return sink_fail(x, ks_error_set(&x->sink_err, KS_ERR_TOO_LARGE,
                                             "the manifest is larger than the limit of %zu bytes (refused)",
                                             x->mem_max));
        }
        if (x->mem_len + len + 1 > x->mem_cap) {
            size_t nc = x->mem_cap ? x->mem_cap : 16384;
            while (nc < x->mem_len + len + 1)
                nc *= 2;
            char *nm = realloc(x->mem, nc);
            if (!nm) return sink_fail(x, ks_error_set(&x->sink_err, KS_ERR_NOMEM, "out of memory"));
            x->mem = nm;
            x->mem_cap = nc;
        }
        memcpy(x->mem + x->mem_len, buf, len);
        x->mem_len += len;
        x->mem[x->mem_len] = '\0';
        return len;
    }
    ks_status rc = ks_blob_writer_write(x->w, buf, len, &x->sink_err);
    if (rc) return sink_fail(x, rc);
    set_progress(x->run, x->run->done_base + ks_blob_writer_size(x->w));
    return len;
}

static int on_progress(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt;
    (void)dn;
    (void)ut;
    (void)un;
    xfer *x = user;
    return x->run->worker && atomic_load(&x->run->worker->stop) ? 1 : 0;
}

/* ------------------------------------------------------------- requests */

static ks_status map_curl_error(sync_run *r, CURLcode cc, const char *url, xfer *x, ks_error *err)
{
    const char *detail = r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc);
    switch (cc) {
    case CURLE_WRITE_ERROR:
        if (x->sink_rc) {
            ks_error_set(err, x->sink_rc, "%s", x->sink_err.msg);
            return x->sink_rc;
        }
        return ks_error_set(err, KS_ERR_IO, "%.300s: cannot store the download: %s", url, detail);
    case CURLE_ABORTED_BY_CALLBACK:
        return ks_error_set(err, KS_ERR_NETWORK, "%.300s: stopped", url);
    case CURLE_FILESIZE_EXCEEDED:
        if (x->sink == SINK_MEM && !x->doc)
            return ks_error_set(err, KS_ERR_TOO_LARGE,
                                "%.300s: the manifest is larger than the limit of %zu "
                                "bytes (refused)",
                                url, x->mem_max);
        return ks_error_set(err, KS_ERR_SECURITY,
                            "%.300s: the server sends more than the manifest declares (refused)", url);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        r->offline = 1;
        return ks_error_set(err, KS_ERR_NETWORK, "offline: cannot reach %.300s (%s)", url, detail);
    case CURLE_OPERATION_TIMEDOUT:
        if (!x->body_started) r->offline = 1;
        return ks_error_set(
            err, KS_ERR_NETWORK, "%.300s: timed out or stalled (under %d bytes/s for %u s): %s", url,
            LOW_SPEED_BYTES, r->cfg->low_speed_time_s ? r->cfg->low_speed_time_s : 30, detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ISSUER_ERROR:
        return ks_error_set(err, KS_ERR_SECURITY, "%.300s: TLS verification failed (refused): %s", url,
                            detail);
    case CURLE_UNSUPPORTED_PROTOCOL:
        return ks_error_set(err, KS_ERR_SECURITY, "%.300s: protocol not allowed (refused): %s", url, detail);
    default:
        return ks_error_set(err, KS_ERR_NETWORK, "%.300s: transfer failed: %s", url, detail);
    }
}

/* One GET, following at most MAX_REDIRECTS redirects, each hop checked by
 * the URL policy and kept on the first URL's scheme. */
static ks_status http_get(sync_run *r, const char *url_in, xfer *x, const char *if_none_match, ks_error *err)
{
    ks_status rc = KS_OK;
    char url[URL_MAX];
    struct curl_slist *hdrs = NULL;
    snprintf(url, sizeof url, "%s", url_in);
    if (if_none_match && *if_none_match) {
        char h[300];
        snprintf(h, sizeof h, "If-None-Match: %s", if_none_match);
        hdrs = curl_slist_append(NULL, h);
        if (!hdrs) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    }
    const ks_sync_config *cfg = r->cfg;
    for (int hop = 0;; hop++) {
        char scheme[16], host[256];
        if ((rc = url_parts(url, scheme, sizeof scheme, host, sizeof host, err))) goto out;
        if (strcmp(scheme, r->scheme) != 0) {
            rc = ks_error_set(err, KS_ERR_SECURITY, "%.300s: redirected to another scheme (%s), refused",
                              url_in, scheme);
            goto out;
        }
        if ((rc = ks_sync_check_url(url, cfg->allow_insecure_http, err))) {
            if (hop) ks_error_prefix(err, "redirect from %.300s", url_in);
            goto out;
        }
        CURL *c = r->curl;
        char range[64];
        x->status = 0;
        x->body_started = 0;
        x->etag[0] = x->retry_after[0] = x->content_range[0] = '\0';
        r->errbuf[0] = '\0';
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
        if (x->sink == SINK_BLOB && x->offset > 0) {
            snprintf(range, sizeof range, "%llu-", (unsigned long long)x->offset);
            curl_easy_setopt(c, CURLOPT_RANGE, range);
        } else {
            curl_easy_setopt(c, CURLOPT_RANGE, NULL);
        }
        /* Only the manifest may come compressed: file sizes, hashes and
         * ranges are about the bytes on the server. Its cap applies after
         * decoding. */
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, x->sink == SINK_MEM && !x->doc ? "gzip" : NULL);
        /* A declared Content-Length over the limit fails before any byte
         * arrives; the sinks enforce the exact limit either way. A file's
         * limit is its whole size: a server that ignores Range sends it all. */
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                         (curl_off_t)(x->sink == SINK_MEM ? x->mem_max : x->file_size));
        /* Documents are capped at their declared size by mem_max. */
        CURLcode cc = curl_easy_perform(c);
        curl_off_t body = 0;
        long hsize = 0;
        curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &body);
        curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &hsize);
        r->res.requests++;
        r->res.bytes_received += (uint64_t)body + (uint64_t)hsize;
        if (cc != CURLE_OK) {
            rc = map_curl_error(r, cc, url, x, err);
            goto out;
        }
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x->status);
        if (x->status >= 300 && x->status < 400 && x->status != 304) {
            char *loc = NULL;
            curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
            if (!loc) {
                rc = ks_error_set(err, KS_ERR_NETWORK, "%.300s: HTTP %ld without a Location", url, x->status);
                goto out;
            }
            if (hop + 1 > MAX_REDIRECTS) {
                rc = ks_error_set(err, KS_ERR_NETWORK, "%.300s: more than %d redirects (a redirect loop?)",
                                  url_in, MAX_REDIRECTS);
                goto out;
            }
            char next[URL_MAX];
            snprintf(next, sizeof next, "%s", loc);
            ks_log_debug("sync", "%s redirects to %s", url, next);
            memcpy(url, next, sizeof url);
            /* A redirect's body went nowhere: the sink starts fresh. */
            x->mem_len = 0;
            continue;
        }
        snprintf(x->final_url, sizeof x->final_url, "%s", url);
        break;
    }
out:
    curl_slist_free_all(hdrs);
    return rc;
}

/* Turns a non-success status into an error (after http_get returned OK). */
static ks_status status_error(sync_run *r, const xfer *x, const char *url, ks_error *err)
{
    if (x->status == 429 || x->status == 503) {
        unsigned ra = ks_sync_parse_retry_after(x->retry_after, ks_clock_unix_s());
        if (ra > r->res.retry_after_s) r->res.retry_after_s = ra;
        if (ra)
            return ks_error_set(err, KS_ERR_NETWORK,
                                "%.300s: server busy (HTTP %ld), asked to retry after %u s", url, x->status,
                                ra);
        return ks_error_set(err, KS_ERR_NETWORK, "%.300s: server busy (HTTP %ld)", url, x->status);
    }
    if (x->status == 404)
        return ks_error_set(err, KS_ERR_NOT_FOUND, "%.300s: not on the server (HTTP 404)", url);
    return ks_error_set(err, KS_ERR_NETWORK, "%.300s: HTTP %ld from the server", url, x->status);
}

static ks_status curl_setup(sync_run *r, ks_error *err)
{
    const ks_sync_config *cfg = r->cfg;
    r->curl = curl_easy_init();
    if (!r->curl) return ks_error_set(err, KS_ERR_NOMEM, "cannot start libcurl");
    CURL *c = r->curl;
    /* Never change scheme, never follow redirects on libcurl's own (each
     * hop is checked here), always verify TLS. */
    const char *protos = strcmp(r->scheme, "https") == 0 ? "https" : "http";
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protos);
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, protos);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (cfg->pinned_pubkey && *cfg->pinned_pubkey)
        curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, cfg->pinned_pubkey);
    if (cfg->ca_file && *cfg->ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, USER_AGENT);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(cfg->connect_timeout_s ? cfg->connect_timeout_s : 15));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, (long)LOW_SPEED_BYTES);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)(cfg->low_speed_time_s ? cfg->low_speed_time_s : 30));
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY,
                     ""); /* no proxy from the environment: kiosks are configured explicitly */
    return KS_OK;
}

/* ---------------------------------------------------------------- files */

static ks_status fetch_file(sync_run *r, ks_mediastore *ms, const char *base, const ks_manifest_file *f,
                            ks_error *err)
{
    char rel[96], url[URL_MAX];
    ks_manifest_file_relpath(f, rel, sizeof rel);
    int un = snprintf(url, sizeof url, "%s%s", base, rel);
    if (un < 0 || (size_t)un >= sizeof url)
        return ks_error_set(err, KS_ERR_INVALID, "the sync URL is too long");
    ks_status rc = KS_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        xfer x = {.run = r, .sink = SINK_BLOB, .file_size = f->size};
        rc = ks_blob_writer_open(ms, f->sha256, f->size, f->name, &x.w, &x.offset, err);
        if (rc) return rc;
        uint64_t had = x.offset;
        if (x.offset < f->size) {
            rc = http_get(r, url, &x, NULL, err);
            if (rc == KS_OK && x.status == 416) {
                /* Our partial file does not fit the server's: start over. */
                ks_blob_writer_abort(x.w, 0);
                continue;
            }
            if (rc == KS_OK && x.status != 200 && x.status != 206) rc = status_error(r, &x, url, err);
            if (rc) {
                /* Keep what arrived intact for a resume, unless the server
                 * broke the rules (then the bytes are suspect). */
                ks_blob_writer_abort(x.w, rc != KS_ERR_SECURITY);
                return rc;
            }
            if (x.status == 206 && !x.restarted) r->res.bytes_resumed += had;
        }
        rc = ks_blob_writer_commit(x.w, err);
        if (rc == KS_ERR_SECURITY && had > 0 && attempt == 0) {
            /* The resumed part may be what was wrong (a crash during a
             * write): one clean download before blaming the server. */
            ks_log_warn("sync", "%s: resumed file failed its hash check; downloading it again", f->name);
            continue;
        }
        if (rc == KS_OK) r->res.files_fetched++;
        return rc;
    }
    return rc;
}

/* Content documents: small, fetched whole into memory, checked, and stored
 * in batches so thousands of them cost a few transactions. */
#define DOC_BATCH 256
#define DOC_BATCH_BYTES (4u * 1024u * 1024u)

typedef struct doc_batch {
    ks_mediastore_doc docs[DOC_BATCH];
    char *bufs[DOC_BATCH];
    size_t n, bytes;
} doc_batch;

static ks_status flush_docs(ks_mediastore *ms, doc_batch *b, ks_error *err)
{
    ks_status rc = ks_mediastore_put_docs(ms, b->docs, b->n, err);
    for (size_t i = 0; i < b->n; i++)
        free(b->bufs[i]);
    b->n = b->bytes = 0;
    return rc;
}

static ks_status fetch_doc(sync_run *r, ks_mediastore *ms, doc_batch *b, const char *base,
                           const ks_manifest_file *f, ks_error *err)
{
    char rel[96], url[URL_MAX];
    ks_manifest_file_relpath(f, rel, sizeof rel);
    int un = snprintf(url, sizeof url, "%s%s", base, rel);
    if (un < 0 || (size_t)un >= sizeof url)
        return ks_error_set(err, KS_ERR_INVALID, "the sync URL is too long");
    xfer x = {.run = r, .sink = SINK_MEM, .mem_max = (size_t)f->size, .doc = f};
    ks_status rc = http_get(r, url, &x, NULL, err);
    if (rc == KS_OK && x.status != 200) rc = status_error(r, &x, url, err);
    if (rc == KS_OK && !x.mem && f->size == 0) x.mem = calloc(1, 1);
    if (rc == KS_OK && !x.mem) rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    if (rc == KS_OK) rc = ks_mediastore_check_doc(f, x.mem, x.mem_len, err);
    if (rc) {
        free(x.mem);
        return rc;
    }
    b->docs[b->n] = (ks_mediastore_doc){f, x.mem, x.mem_len};
    b->bufs[b->n] = x.mem;
    b->n++;
    b->bytes += x.mem_len;
    r->res.files_fetched++;
    if (b->n == DOC_BATCH || b->bytes >= DOC_BATCH_BYTES) return flush_docs(ms, b, err);
    return KS_OK;
}

/* ----------------------------------------------------------------- pass */

static void kv_set(ks_store *store, const char *key, const char *value)
{
    ks_error e = {0};
    if (ks_store_set(store, key, value, &e) != KS_OK) ks_log_warn("sync", "cannot save %s: %s", key, e.msg);
}

static void kv_set_u64(ks_store *store, const char *key, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    kv_set(store, key, buf);
}

static void record_state(sync_run *r, ks_store *store, ks_sync_state st, const char *reason)
{
    if (store) kv_set(store, "sync.state", ks_sync_state_name(st));
    set_state(r, st, reason);
}

/* URL of the manifest, and the base every file URL is relative to. */
static ks_status split_url(const char *url, char *manifest, char *base, ks_error *err)
{
    size_t n = strlen(url);
    if (n + 32 >= URL_MAX) return ks_error_set(err, KS_ERR_INVALID, "the sync URL is too long");
    if (n > 5 && strcmp(url + n - 5, ".json") == 0) {
        snprintf(manifest, URL_MAX, "%s", url);
        const char *slash = strrchr(url, '/');
        size_t bl = slash ? (size_t)(slash - url) + 1 : 0;
        memcpy(base, url, bl);
        base[bl] = '\0';
    } else {
        int a = snprintf(base, URL_MAX, "%s%s", url, url[n - 1] == '/' ? "" : "/");
        int b = snprintf(manifest, URL_MAX, "%s%s", base, KS_BUNDLE_MANIFEST);
        if (a < 0 || b < 0 || a >= URL_MAX || b >= URL_MAX)
            return ks_error_set(err, KS_ERR_INVALID, "the sync URL is too long");
    }
    return KS_OK;
}

static ks_status run_pass(sync_run *r, ks_error *err)
{
    const ks_sync_config *cfg = r->cfg;
    ks_status rc = KS_OK;
    ks_lock *lock = NULL;
    ks_store *store = NULL;
    ks_mediastore *ms = NULL;
    ks_manifest *m = NULL;
    xfer mx = {.run = r, .sink = SINK_MEM, .mem_max = KS_MANIFEST_MAX_BYTES};
    char *etag = NULL, *etag_url = NULL;
    char manifest_url[URL_MAX], base[URL_MAX];
    const ks_manifest_file **missing = NULL;
    size_t n_missing = 0;
    int need_gc = 0;
    doc_batch docs = {0};

    if (!cfg->data_dir) return ks_error_set(err, KS_ERR_INVALID, "sync: no data directory");
    if ((rc = ks_sync_check_url(cfg->url, cfg->allow_insecure_http, err))) return rc;
    char host[256];
    if ((rc = url_parts(cfg->url, r->scheme, sizeof r->scheme, host, sizeof host, err))) return rc;
    if ((rc = split_url(cfg->url, manifest_url, base, err))) return rc;
    if ((rc = ks_path_mkdirs(cfg->data_dir, err))) return rc;
    rc = ks_lock_acquire(cfg->data_dir, "sync", &lock, err);
    if (rc == KS_ERR_BUSY)
        return ks_error_set(err, KS_ERR_BUSY, "another sync or bundle import is running on %s",
                            cfg->data_dir);
    if (rc) return rc;
    if ((rc = ks_store_open(cfg->data_dir, &store, err))) goto out;
    if ((rc = ks_mediastore_open(store, &ms, err))) goto out;
    if ((rc = curl_setup(r, err))) goto out;
    record_state(r, store, KS_SYNC_CHECKING, NULL);

    int64_t installed = 0;
    char digest[KS_SHA256_HEX];
    if ((rc = ks_bundle_installed(store, &installed, digest, err))) goto out;
    r->res.content_version = installed;
    /* The ETag is only trusted when it belongs to this URL and to what is
     * installed: then an unchanged poll is one small 304. */
    if (digest[0] && ks_store_get(store, "sync.etag_url", &etag_url, NULL) == KS_OK &&
        strcmp(etag_url, manifest_url) == 0) {
        /* Some servers' ETags are weak (mtime + size): at least once a day
         * the manifest is fetched whole, whatever the validator says. */
        char *at = NULL;
        int64_t since = 0;
        if (ks_store_get(store, "sync.etag_at", &at, NULL) == KS_OK) since = strtoll(at, NULL, 10);
        free(at);
        int64_t age = ks_clock_unix_s() - since;
        if (age >= 0 && age < ETAG_MAX_AGE_S) ks_store_get(store, "sync.etag", &etag, NULL);
    }
    rc = http_get(r, manifest_url, &mx, etag, err);
    if (rc) goto out;
    if (mx.status == 304 && !etag) {
        rc = ks_error_set(err, KS_ERR_NETWORK, "%s: HTTP 304 to a request that was not conditional",
                          manifest_url);
        goto out;
    }
    if (mx.status == 304) {
        ks_log_debug("sync", "manifest unchanged (version %lld)", (long long)installed);
        goto done;
    }
    if (mx.status != 200) {
        rc = status_error(r, &mx, manifest_url, err);
        goto out;
    }
    rc = ks_manifest_open(mx.mem ? mx.mem : "", mx.mem_len, manifest_url, cfg->pubkey, ks_clock_unix_s(), &m,
                          err);
    if (rc) goto out;
    /* Files are relative to where the manifest really is (after any
     * redirect), as relative links are on the web. */
    if (strcmp(mx.final_url, manifest_url) != 0) {
        size_t end = strcspn(mx.final_url, "?#");
        while (end > 0 && mx.final_url[end - 1] != '/')
            end--;
        memcpy(base, mx.final_url, end);
        base[end] = '\0';
    }
    int same = 0;
    if ((rc = ks_bundle_check_newer(store, m, &same, err))) {
        ks_error_prefix(err, "%s", manifest_url);
        goto out;
    }
    if (same) {
        need_gc = 1; /* an earlier pass may have stopped before cleaning up */
        goto remember;
    }

    missing = calloc(m->n_files ? m->n_files : 1, sizeof *missing);
    if (!missing) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    uint64_t content_bytes = 0;
    r->total = 0;
    for (size_t i = 0; i < m->n_files; i++) {
        const ks_manifest_file *f = &m->files[i];
        int have;
        if (f->kind == KS_MANIFEST_CONTENT) {
            content_bytes += f->size;
            have = ks_mediastore_has_doc(ms, f->sha256, f->size);
        } else {
            have = ks_mediastore_has(ms, f->sha256, f->size);
        }
        if (have) continue;
        missing[n_missing++] = f;
        r->total += f->size;
    }
    /* The database grows by about four times the content text during the
     * switch (documents, rows, search index, WAL). */
    if ((rc = ks_bundle_check_space(cfg->data_dir, r->total + 4 * content_bytes, err))) goto out;
    ks_log_info("sync", "version %lld available (installed %lld): %zu of %zu files to fetch, %llu bytes",
                (long long)m->version, (long long)installed, n_missing, m->n_files,
                (unsigned long long)r->total);
    kv_set_u64(store, "sync.pending_bytes", r->total);
    record_state(r, store, KS_SYNC_DOWNLOADING, NULL);
    r->done_base = 0;
    set_progress(r, 0);
    uint64_t last_kv = ks_clock_real_us();
    for (size_t i = 0; i < n_missing; i++) {
        if (missing[i]->kind == KS_MANIFEST_CONTENT)
            rc = fetch_doc(r, ms, &docs, base, missing[i], err);
        else
            rc = fetch_file(r, ms, base, missing[i], err);
        if (rc) goto out;
        r->done_base += missing[i]->size;
        set_progress(r, r->done_base);
        if (ks_clock_real_us() - last_kv > PENDING_WRITE_EVERY_US) {
            kv_set_u64(store, "sync.pending_bytes", r->total - r->done_base);
            last_kv = ks_clock_real_us();
        }
    }
    if ((rc = flush_docs(ms, &docs, err))) goto out;
    if ((rc = ks_mediastore_sync(ms, err))) goto out;
    record_state(r, store, KS_SYNC_APPLYING, NULL);
    if ((rc = ks_bundle_apply(store, ms, m, NULL, err))) goto out;
    r->res.updated = 1;
    r->res.content_version = m->version;
remember:
    if (mx.etag[0]) {
        kv_set(store, "sync.etag", mx.etag);
        kv_set(store, "sync.etag_url", manifest_url);
        kv_set_u64(store, "sync.etag_at", (uint64_t)ks_clock_unix_s());
    }
    if (need_gc) {
        ks_error ge = {0};
        if (ks_mediastore_gc(ms, NULL, NULL, &ge)) ks_log_warn("sync", "media clean-up: %s", ge.msg);
    }
done : {
    char now_s[32];
    ks_clock_format_iso8601(ks_clock_unix_s(), now_s, sizeof now_s);
    kv_set(store, "sync.last_sync", now_s);
    kv_set(store, "sync.last_error", NULL);
    kv_set(store, "sync.pending_bytes", "0");
}
    if (r->worker) {
        pthread_mutex_lock(&r->worker->mu);
        r->worker->status.last_sync = ks_clock_unix_s();
        r->worker->status.content_version = r->res.content_version;
        pthread_mutex_unlock(&r->worker->mu);
    }
    record_state(r, store, KS_SYNC_IDLE, NULL);
out:
    if (rc && store && r->worker && atomic_load(&r->worker->stop)) {
        /* Stopped (the kiosk is shutting down): not a failure to report.
         * Partial files stay for the next start. */
        if (r->total > r->done_base) kv_set_u64(store, "sync.pending_bytes", r->total - r->done_base);
        kv_set(store, "sync.state", ks_sync_state_name(KS_SYNC_IDLE));
    } else if (rc && store) {
        ks_sync_state st = rc == KS_ERR_NETWORK && r->offline ? KS_SYNC_OFFLINE : KS_SYNC_ERROR;
        kv_set(store, "sync.last_error", err ? err->msg : ks_status_name(rc));
        if (r->total > r->done_base) kv_set_u64(store, "sync.pending_bytes", r->total - r->done_base);
        record_state(r, store, st, err ? err->msg : ks_status_name(rc));
    }
    /* Documents fetched before a failure are kept: the next pass needs
     * them anyway. */
    if (docs.n) {
        ks_error fe = {0};
        if (store && ms && flush_docs(ms, &docs, &fe)) ks_log_warn("sync", "%s", fe.msg);
        for (size_t i = 0; i < docs.n; i++)
            free(docs.bufs[i]);
    }
    free(missing);
    free(mx.mem);
    free(etag);
    free(etag_url);
    ks_manifest_free(m);
    if (r->curl) curl_easy_cleanup(r->curl);
    r->curl = NULL;
    ks_mediastore_close(ms);
    ks_store_close(store);
    ks_lock_release(lock);
    return rc;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;
static void curl_init_once(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static ks_status global_init(ks_error *err)
{
    pthread_once(&curl_once, curl_init_once);
    if (curl_init_rc != CURLE_OK) return ks_error_set(err, KS_ERR_NETWORK, "libcurl failed to initialise");
    if (sodium_init() < 0) return ks_error_set(err, KS_ERR_IO, "libsodium failed to initialise");
    return KS_OK;
}

static ks_status pass(const ks_sync_config *cfg, ks_sync *worker, ks_sync_result *res, ks_error *err)
{
    sync_run r = {.cfg = cfg, .worker = worker};
    ks_status rc = global_init(err);
    if (rc == KS_OK) rc = run_pass(&r, err);
    r.res.status = rc;
    r.res.state =
        rc == KS_OK ? KS_SYNC_IDLE : (rc == KS_ERR_NETWORK && r.offline ? KS_SYNC_OFFLINE : KS_SYNC_ERROR);
    if (rc && rc != KS_ERR_BUSY) {
        if (r.res.state == KS_SYNC_OFFLINE)
            ks_log_info("sync", "%s", err ? err->msg : "offline");
        else
            ks_log_error("sync", "%s", err ? err->msg : ks_status_name(rc));
    }
    if (res) *res = r.res;
    return rc;
}

ks_status ks_sync_once(const ks_sync_config *cfg, ks_sync_result *res, ks_error *err)
{
    return pass(cfg, NULL, res, err);
}

/* ================================================================ worker */

static void wait_until(ks_sync *s, uint64_t deadline_us)
{
    pthread_mutex_lock(&s->mu);
    s->status.next_pass_us = deadline_us;
    while (!atomic_load(&s->stop) && !s->now_requested) {
        uint64_t now = ks_clock_real_us();
        if (now >= deadline_us) break;
        /* The condition variable runs on CLOCK_MONOTONIC, the same clock
         * ks_clock_real_us() reads. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t left = deadline_us - now;
        ts.tv_sec += (time_t)(left / 1000000u);
        ts.tv_nsec += (long)(left % 1000000u) * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
    }
    s->now_requested = 0;
    pthread_mutex_unlock(&s->mu);
}

static void *worker_main(void *arg)
{
    ks_sync *s = arg;
    const ks_sync_config *cfg = &s->cfg;
    unsigned failures = 0;
    uint64_t interval_ms = (uint64_t)(cfg->interval_s ? cfg->interval_s : 900) * 1000u;
    uint64_t delay_ms = cfg->first_delay_ms ? cfg->first_delay_ms : randombytes_uniform(5000);
    for (;;) {
        wait_until(s, ks_clock_real_us() + delay_ms * 1000u);
        if (atomic_load(&s->stop)) break;
        ks_error err = {0};
        ks_sync_result res;
        ks_status rc = pass(cfg, s, &res, &err);
        if (atomic_load(&s->stop)) break;
        if (rc == KS_OK) {
            failures = 0;
            /* 75%..125% of the interval: polls of a fleet spread out. */
            delay_ms = interval_ms * 3 / 4 + randombytes_uniform((uint32_t)(interval_ms / 2 + 1));
        } else if (rc == KS_ERR_BUSY) {
            delay_ms = 2000 + randombytes_uniform(3000);
        } else if (res.retry_after_s) {
            failures++;
            delay_ms = (uint64_t)res.retry_after_s * 1000u + randombytes_uniform(1000);
        } else if (rc == KS_ERR_NETWORK || rc == KS_ERR_NOT_FOUND) {
            failures++;
            delay_ms = ks_sync_backoff_ms(failures, cfg->backoff_base_s ? cfg->backoff_base_s : 5,
                                          cfg->backoff_max_s ? cfg->backoff_max_s : 3600);
        } else {
            /* Refused or broken content does not mend itself in seconds. */
            failures++;
            delay_ms = interval_ms;
        }
        pthread_mutex_lock(&s->mu);
        s->status.passes++;
        if (rc == KS_OK) s->status.content_version = res.content_version;
        pthread_mutex_unlock(&s->mu);
        publish(s, 1);
    }
    return NULL;
}

ks_status ks_sync_start(const ks_sync_config *cfg, ks_sync_notify notify, void *user, ks_sync **out,
                        ks_error *err)
{
    ks_status rc = global_init(err);
    if (rc) return rc;
    if (!cfg || !cfg->data_dir) return ks_error_set(err, KS_ERR_INVALID, "sync: no data directory");
    if ((rc = ks_sync_check_url(cfg->url, cfg->allow_insecure_http, err))) return rc;
    ks_sync *s = calloc(1, sizeof *s);
    if (!s) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    s->cfg = *cfg;
    s->data_dir = ks_strdup(cfg->data_dir);
    s->url = ks_strdup(cfg->url);
    s->pinned = ks_strdup(cfg->pinned_pubkey);
    s->ca = ks_strdup(cfg->ca_file);
    s->cfg.data_dir = s->data_dir;
    s->cfg.url = s->url;
    s->cfg.pinned_pubkey = s->pinned;
    s->cfg.ca_file = s->ca;
    s->notify = notify;
    s->user = user;
    atomic_init(&s->stop, 0);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (!s->data_dir || !s->url) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    /* The installed version is known before the first pass. */
    ks_store *store = NULL;
    if (ks_store_open(s->data_dir, &store, NULL) == KS_OK) {
        ks_store_content_version(store, &s->status.content_version, NULL);
        ks_store_close(store);
    }
    if (pthread_create(&s->thread, NULL, worker_main, s) != 0) {
        rc = ks_error_set(err, KS_ERR_IO, "cannot start the sync thread: %s", strerror(errno));
        goto fail;
    }
    s->started = 1;
    *out = s;
    return KS_OK;
fail:
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->data_dir);
    free(s->url);
    free(s->pinned);
    free(s->ca);
    free(s);
    return rc;
}

void ks_sync_get_status(ks_sync *s, ks_sync_status *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->status;
    pthread_mutex_unlock(&s->mu);
}

void ks_sync_now(ks_sync *s)
{
    pthread_mutex_lock(&s->mu);
    s->now_requested = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void ks_sync_stop(ks_sync *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    atomic_store(&s->stop, 1);
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->started) pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    sodium_memzero(s->cfg.pubkey, sizeof s->cfg.pubkey);
    free(s->data_dir);
    free(s->url);
    free(s->pinned);
    free(s->ca);
    free(s);
}
