/*
 * test_sync.c - the sync client's policy (URLs, backoff, Retry-After), its
 * offline behaviour (content kept, state recorded), and the background
 * worker's life cycle (status, "sync now", stop). Transfers against real
 * servers are in tests/integration/sync_*.
 */
#include <pthread.h>
#include <time.h>

#include "bundle_fixture.h"
#include "test.h"

#include "ks/bundle.h"
#include "ks/clock.h"
#include "ks/lock.h"
#include "ks/store.h"
#include "ks/sync.h"

static unsigned char pk[32], sk[64];

static void test_url_policy_allows_https_and_loopback_http_only(void)
{
    ks_error e = {0};
    KS_CHECK(ks_sync_check_url("https://cdn.example.org/kiosk/", 0, &e) == KS_OK);
    KS_CHECK(ks_sync_check_url("http://127.0.0.1:8080/bundle/", 0, &e) == KS_OK);
    KS_CHECK(ks_sync_check_url("http://127.8.9.10/", 0, &e) == KS_OK);
    KS_CHECK(ks_sync_check_url("http://localhost/b/", 0, &e) == KS_OK);
    KS_CHECK(ks_sync_check_url("http://[::1]:99/b/", 0, &e) == KS_OK);
    KS_CHECK(ks_sync_check_url("http://cdn.example.org/", 0, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "allow_insecure_http") != NULL, "%s", e.msg);
    KS_CHECK(ks_sync_check_url("http://10.0.0.1/", 0, &e) == KS_ERR_SECURITY);
    KS_CHECK(ks_sync_check_url("http://128.0.0.1/", 0, &e) == KS_ERR_SECURITY);
    KS_CHECK(ks_sync_check_url("http://localhost.evil.example/", 0, &e) == KS_ERR_SECURITY);
    KS_CHECK(ks_sync_check_url("http://cdn.example.org/", 1, &e) == KS_OK);
    KS_CHECK(ks_sync_check_url("ftp://127.0.0.1/", 1, &e) == KS_ERR_SECURITY);
    KS_CHECK(ks_sync_check_url("file:///etc/passwd", 1, &e) == KS_ERR_SECURITY);
    KS_CHECK(ks_sync_check_url("not a url at all", 0, &e) != KS_OK);
    KS_CHECK(ks_sync_check_url("", 0, &e) == KS_ERR_INVALID);
    KS_CHECK(ks_sync_check_url(NULL, 0, &e) == KS_ERR_INVALID);
}

static void test_backoff_is_full_jitter_capped(void)
{
    for (unsigned attempt = 1; attempt <= 12; attempt++) {
        uint64_t cap = 5000ull << (attempt - 1);
        if (cap > 60000) cap = 60000;
        uint64_t lo = UINT64_MAX, hi = 0;
        for (int i = 0; i < 200; i++) {
            uint64_t d = ks_sync_backoff_ms(attempt, 5, 60);
            KS_CHECK(d <= cap);
            if (d < lo) lo = d;
            if (d > hi) hi = d;
        }
        /* Full jitter spreads over the whole range, from near 0 to near cap. */
        KS_CHECK_MSG(lo < cap / 4 && hi > cap * 3 / 4, "attempt %u: %llu..%llu of %llu", attempt,
                     (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)cap);
    }
    KS_CHECK(ks_sync_backoff_ms(1000, 5, 3600) <= 3600000);
    KS_CHECK(ks_sync_backoff_ms(3, 0, 60) == 0);
}

static void test_retry_after_seconds_and_http_dates(void)
{
    int64_t now = 1790000000;
    KS_CHECK(ks_sync_parse_retry_after("7", now) == 7);
    KS_CHECK(ks_sync_parse_retry_after("  120 ", now) == 120);
    KS_CHECK(ks_sync_parse_retry_after("999999999", now) == 86400);
    KS_CHECK(ks_sync_parse_retry_after("soon", now) == 0);
    KS_CHECK(ks_sync_parse_retry_after("12abc", now) == 0);
    KS_CHECK(ks_sync_parse_retry_after(NULL, now) == 0);
    /* 1790000000 is Mon, 21 Sep 2026 14:13:20 GMT. */
    KS_CHECK(ks_sync_parse_retry_after("Mon, 21 Sep 2026 14:14:00 GMT", now) == 40);
    KS_CHECK(ks_sync_parse_retry_after("Mon, 21 Sep 2026 14:00:00 GMT", now) == 0);
}

/* Installs version 1 into data via the USB path. */
static void install_v1(const char *t, const char *data)
{
    fx_make_src(fx_path(t, "src"), "v1", NULL, 0);
    KS_REQUIRE(fx_build(fx_path(t, "src"), fx_path(t, "b1"), sk, 1) == KS_OK);
    ks_store *s = NULL;
    KS_REQUIRE(ks_store_open(data, &s, NULL) == KS_OK);
    KS_REQUIRE(ks_bundle_import_dir(s, fx_path(t, "b1"), pk, NULL, NULL) == KS_OK);
    ks_store_close(s);
}

static char *kv(const char *data, const char *key)
{
    ks_store *s = NULL;
    char *v = NULL;
    if (ks_store_open(data, &s, NULL) == KS_OK) ks_store_get(s, key, &v, NULL);
    ks_store_close(s);
    return v;
}

static void test_offline_sync_keeps_content_and_records_state(void)
{
    const char *t = ks_test_tmpdir();
    FX_DIR(data, "data");
    install_v1(t, data);
    ks_sync_config cfg = {.data_dir = data, .url = "http://127.0.0.1:1/bundle/", .connect_timeout_s = 5};
    memcpy(cfg.pubkey, pk, 32);
    ks_sync_result r = {0};
    ks_error e = {0};
    KS_CHECK(ks_sync_once(&cfg, &r, &e) == KS_ERR_NETWORK);
    KS_CHECK(r.state == KS_SYNC_OFFLINE);
    KS_CHECK_MSG(strstr(e.msg, "offline") != NULL, "%s", e.msg);
    KS_CHECK(r.requests == 1);
    char *st = kv(data, "sync.state"), *le = kv(data, "sync.last_error");
    KS_CHECK_STR(st, "offline");
    KS_CHECK(le && strstr(le, "127.0.0.1:1"));
    free(st);
    free(le);
    ks_store *s = NULL;
    KS_REQUIRE(ks_store_open(data, &s, NULL) == KS_OK);
    int64_t v = 0;
    ks_store_content_version(s, &v, NULL);
    KS_CHECK(v == 1);
    ks_store_close(s);
}

static void test_insecure_url_is_refused_before_any_request(void)
{
    const char *t = ks_test_tmpdir();
    (void)t;
    FX_DIR(data, "data");
    ks_sync_config cfg = {.data_dir = data, .url = "http://updates.example.org/bundle/"};
    memcpy(cfg.pubkey, pk, 32);
    ks_sync_result r = {0};
    ks_error e = {0};
    KS_CHECK(ks_sync_once(&cfg, &r, &e) == KS_ERR_SECURITY);
    KS_CHECK(r.requests == 0);
    KS_CHECK(r.state == KS_SYNC_ERROR);
    cfg.url = "ftp://127.0.0.1/bundle/";
    KS_CHECK(ks_sync_once(&cfg, &r, &e) == KS_ERR_SECURITY);
    ks_sync *w = NULL;
    KS_CHECK(ks_sync_start(&cfg, NULL, NULL, &w, &e) == KS_ERR_SECURITY);
    KS_CHECK(w == NULL);
}

static void test_sync_is_busy_while_another_holds_the_lock(void)
{
    FX_DIR(data, "data");
    ks_path_mkdirs(data, NULL);
    ks_lock *lock = NULL;
    KS_REQUIRE(ks_lock_acquire(data, "sync", &lock, NULL) == KS_OK);
    ks_sync_config cfg = {.data_dir = data, .url = "http://127.0.0.1:1/bundle/"};
    ks_error e = {0};
    KS_CHECK(ks_sync_once(&cfg, NULL, &e) == KS_ERR_BUSY);
    ks_lock_release(lock);
}

typedef struct counter {
    pthread_mutex_t mu;
    int calls;
} counter;

static void on_notify(void *user)
{
    counter *c = user;
    pthread_mutex_lock(&c->mu);
    c->calls++;
    pthread_mutex_unlock(&c->mu);
}

/* Waits up to ms for the worker to complete at least passes passes. */
static int wait_passes(ks_sync *w, unsigned passes, unsigned ms, ks_sync_status *st)
{
    for (unsigned waited = 0; waited < ms; waited += 20) {
        ks_sync_get_status(w, st);
        if (st->passes >= passes) return 1;
        ks_clock_sleep_ms(20);
    }
    return 0;
}

static void test_worker_reports_offline_syncs_now_and_stops(void)
{
    const char *t = ks_test_tmpdir();
    FX_DIR(data, "data");
    install_v1(t, data);
    ks_sync_config cfg = {.data_dir = data,
                          .url = "http://127.0.0.1:1/bundle/",
                          .first_delay_ms = 1,
                          .backoff_base_s = 600, /* the next retry would be far away... */
                          .backoff_max_s = 600,
                          .interval_s = 600};
    memcpy(cfg.pubkey, pk, 32);
    counter c = {PTHREAD_MUTEX_INITIALIZER, 0};
    ks_sync *w = NULL;
    ks_error e = {0};
    KS_REQUIRE(ks_sync_start(&cfg, on_notify, &c, &w, &e) == KS_OK);
    ks_sync_status st;
    ks_sync_get_status(w, &st);
    KS_CHECK(st.content_version == 1);
    KS_CHECK(wait_passes(w, 1, 5000, &st));
    KS_CHECK(st.state == KS_SYNC_OFFLINE);
    KS_CHECK(strstr(st.reason, "offline") != NULL);
    KS_CHECK(st.content_version == 1);
    KS_CHECK(st.last_sync == 0);
    pthread_mutex_lock(&c.mu);
    KS_CHECK(c.calls >= 2); /* checking, offline */
    pthread_mutex_unlock(&c.mu);
    /* ...but "sync now" runs a pass at once. */
    uint64_t t0 = ks_clock_real_us();
    ks_sync_now(w);
    KS_CHECK(wait_passes(w, 2, 5000, &st));
    KS_CHECK(ks_clock_real_us() - t0 < 3000000);
    KS_CHECK(st.next_pass_us > ks_clock_real_us()); /* a retry is scheduled */
    /* Stopping a worker that waits for minutes returns promptly. */
    t0 = ks_clock_real_us();
    ks_sync_stop(w);
    KS_CHECK(ks_clock_real_us() - t0 < 2000000);
    ks_sync_stop(NULL);
}

static void test_state_names_are_stable(void)
{
    KS_CHECK_STR(ks_sync_state_name(KS_SYNC_IDLE), "idle");
    KS_CHECK_STR(ks_sync_state_name(KS_SYNC_CHECKING), "checking");
    KS_CHECK_STR(ks_sync_state_name(KS_SYNC_DOWNLOADING), "downloading");
    KS_CHECK_STR(ks_sync_state_name(KS_SYNC_APPLYING), "applying");
    KS_CHECK_STR(ks_sync_state_name(KS_SYNC_OFFLINE), "offline");
    KS_CHECK_STR(ks_sync_state_name(KS_SYNC_ERROR), "error");
    KS_CHECK_STR(ks_sync_state_name((ks_sync_state)42), "unknown");
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    crypto_sign_keypair(pk, sk);
    KS_RUN(test_url_policy_allows_https_and_loopback_http_only);
    KS_RUN(test_backoff_is_full_jitter_capped);
    KS_RUN(test_retry_after_seconds_and_http_dates);
    KS_RUN(test_offline_sync_keeps_content_and_records_state);
    KS_RUN(test_insecure_url_is_refused_before_any_request);
    KS_RUN(test_sync_is_busy_while_another_holds_the_lock);
    KS_RUN(test_worker_reports_offline_syncs_now_and_stops);
    KS_RUN(test_state_names_are_stable);
    return ks_test_summary();
}
