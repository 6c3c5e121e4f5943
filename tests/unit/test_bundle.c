/*
 * test_bundle.c - keys, building, verifying and installing bundles (the
 * USB path): what is accepted, every refusal, and that a refused or failed
 * install leaves the live content exactly as it was.
 */
#include <dirent.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "bundle_fixture.h"
#include "test.h"

#include "ks/bundle.h"
#include "ks/clock.h"
#include "ks/lock.h"
#include "ks/mediastore.h"
#include "ks/store.h"

static unsigned char pk[32], sk[64];

static void make_keys(const char *dir)
{
    KS_REQUIRE(ks_bundle_keygen(fx_path(dir, "sec.key"), fx_path(dir, "pub.key"), NULL) == KS_OK);
    KS_REQUIRE(ks_bundle_read_seckey(fx_path(dir, "sec.key"), sk, NULL) == KS_OK);
    KS_REQUIRE(ks_bundle_read_pubkey(fx_path(dir, "pub.key"), pk, NULL) == KS_OK);
}

/* Title of article "card" (en) in the store, or "" when missing. */
static void card_title(ks_store *s, char *out, size_t size)
{
    ks_article *a = NULL;
    out[0] = '\0';
    if (ks_store_article(s, "card", "en", &a, NULL) == KS_OK) snprintf(out, size, "%s", a->title);
    ks_article_free(a);
}

static int64_t version_of(ks_store *s)
{
    int64_t v = -1;
    ks_store_content_version(s, &v, NULL);
    return v;
}

/* Number of regular files directly in dir. */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

static void flip_byte(const char *path, long at)
{
    FILE *f = fopen(path, "r+b");
    KS_REQUIRE(f != NULL);
    fseek(f, at, SEEK_SET);
    int c = fgetc(f);
    fseek(f, at, SEEK_SET);
    fputc(c ^ 0x55, f);
    fclose(f);
}

/* Path of the one media file in a bundle's media/ folder. */
static void first_media(const char *out, char *path, size_t size)
{
    char *dir = ks_path_join(out, "media");
    DIR *d = opendir(dir);
    path[0] = '\0';
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strlen(e->d_name) == 64) snprintf(path, size, "%s/%s", dir, e->d_name);
    if (d) closedir(d);
    free(dir);
}

static void test_keygen_writes_keys_and_refuses_overwrite(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    struct stat st;
    KS_REQUIRE(stat(fx_path(t, "sec.key"), &st) == 0);
    KS_CHECK((st.st_mode & 0777) == 0600);
    unsigned char derived[32];
    crypto_sign_ed25519_sk_to_pk(derived, sk);
    KS_CHECK(memcmp(derived, pk, 32) == 0);
    ks_error e = {0};
    KS_CHECK(ks_bundle_keygen(fx_path(t, "sec.key"), fx_path(t, "new.pub"), &e) != KS_OK);
    KS_CHECK(strstr(e.msg, "refusing to overwrite") != NULL);
    KS_CHECK(ks_bundle_keygen(fx_path(t, "new.key"), fx_path(t, "pub.key"), &e) != KS_OK);
    KS_CHECK(!ks_path_exists(fx_path(t, "new.key")));
    /* A secret key file where a public key belongs is named as such. */
    unsigned char k[32];
    KS_CHECK(ks_bundle_read_pubkey(fx_path(t, "sec.key"), k, &e) == KS_ERR_INVALID);
    KS_CHECK_MSG(strstr(e.msg, "secret key") != NULL, "%s", e.msg);
    fx_write_str(t, "junk.key", "hello world\n");
    KS_CHECK(ks_bundle_read_pubkey(fx_path(t, "junk.key"), k, &e) == KS_ERR_INVALID);
    unsigned char s[64];
    KS_CHECK(ks_bundle_read_seckey(fx_path(t, "pub.key"), s, &e) == KS_ERR_INVALID);
    KS_CHECK(ks_bundle_read_pubkey(fx_path(t, "missing.key"), k, &e) == KS_ERR_NOT_FOUND);
    /* Raw 32 bytes are a public key too (ks_config_pubkey accepts them). */
    fx_write(t, "raw.pub", pk, 32);
    KS_CHECK(ks_bundle_read_pubkey(fx_path(t, "raw.pub"), k, &e) == KS_OK && memcmp(k, pk, 32) == 0);
}

static void test_build_and_verify_roundtrip(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    FX_DIR(src, "src");
    FX_DIR(out, "out");
    KS_REQUIRE(fx_make_src(src, "v1", "card.png", 3) == 0);
    KS_REQUIRE(fx_write_media(fx_path(src, "media"), "card.png", 5000, 1) == 0);
    KS_REQUIRE(fx_write_media(fx_path(src, "media"), "video/intro.mp4", 7000, 2) == 0);
    ks_bundle_build_opts o = {.version = 4};
    ks_bundle_build_stats bs = {0};
    ks_error e = {0};
    KS_REQUIRE(ks_bundle_build(src, out, sk, &o, &bs, &e) == KS_OK);
    KS_CHECK(bs.articles == 5 && bs.categories == 1 && bs.media == 2);
    ks_manifest *m = NULL;
    KS_REQUIRE(ks_bundle_verify_dir(out, pk, ks_clock_unix_s(), &m, &e) == KS_OK);
    KS_CHECK(m->version == 4);
    KS_CHECK(m->n_content == 6); /* categories + 5 articles */
    KS_CHECK_STR(m->files[0].name, "categories");
    KS_CHECK(ks_manifest_find_media(m, "video/intro.mp4") != NULL);
    KS_CHECK(m->n_locales == 2);
    KS_CHECK(m->expires - m->created == KS_BUNDLE_DEFAULT_VALIDITY_S);
    ks_manifest_free(m);
    /* Building the same content again only needs a higher version. */
    o.version = 4;
    KS_CHECK(ks_bundle_build(src, out, sk, &o, NULL, &e) == KS_ERR_INVALID);
    KS_CHECK_MSG(strstr(e.msg, "--version 5") != NULL, "%s", e.msg);
    o.version = 5;
    bs = (ks_bundle_build_stats){0};
    KS_CHECK(ks_bundle_build(src, out, sk, &o, &bs, &e) == KS_OK);
    KS_CHECK(bs.files_written == 1); /* only the manifest is new */
}

static void test_build_refuses_bad_sources(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    ks_bundle_build_opts o = {.version = 1};
    ks_error e = {0};
    /* A body citing media that is not in src/media/. */
    char src[1024];
    snprintf(src, sizeof src, "%s/src1", t);
    fx_make_src(src, "v1", "missing.png", 0);
    KS_CHECK(ks_bundle_build(src, fx_path(t, "out1"), sk, &o, NULL, &e) == KS_ERR_NOT_FOUND);
    KS_CHECK_MSG(strstr(e.msg, "media/missing.png") != NULL, "%s", e.msg);
    KS_CHECK(!ks_path_exists(fx_path(t, "out1/manifest.json")));
    /* The same article in two files. */
    snprintf(src, sizeof src, "%s/src2", t);
    fx_make_src(src, "v1", NULL, 0);
    char *a = NULL;
    size_t len = 0;
    KS_REQUIRE(ks_file_read_all(fx_path(src, "cards.json"), 1 << 20, &a, &len, NULL) == KS_OK);
    fx_write(src, "copy.json", a, len);
    free(a);
    KS_CHECK(ks_bundle_build(src, fx_path(t, "out2"), sk, &o, NULL, &e) == KS_ERR_INVALID);
    KS_CHECK_MSG(strstr(e.msg, "also defined in another file") != NULL, "%s", e.msg);
    /* Invalid kiosk-faq/1 is refused with the parser's message. */
    snprintf(src, sizeof src, "%s/src3", t);
    fx_write_str(src, "bad.json",
                 "{\"format\":\"kiosk-faq/1\",\"articles\":[{\"id\":\"x\",\"locale\":\"en\"}]}");
    KS_CHECK(ks_bundle_build(src, fx_path(t, "out3"), sk, &o, NULL, &e) == KS_ERR_INVALID);
    KS_CHECK_MSG(strstr(e.msg, "title") != NULL, "%s", e.msg);
    /* Nothing to publish. */
    KS_CHECK(ks_bundle_build(fx_path(t, "empty"), fx_path(t, "out4"), sk, &o, NULL, &e) == KS_ERR_NOT_FOUND);
    ks_path_mkdirs(fx_path(t, "empty"), NULL);
    KS_CHECK(ks_bundle_build(fx_path(t, "empty"), fx_path(t, "out4"), sk, &o, NULL, &e) == KS_ERR_NOT_FOUND);
    /* Expiry must lie ahead. */
    fx_make_src(fx_path(t, "src5"), "v1", NULL, 0);
    o.expires = ks_clock_unix_s() - 10;
    KS_CHECK(ks_bundle_build(fx_path(t, "src5"), fx_path(t, "out5"), sk, &o, NULL, &e) == KS_ERR_INVALID);
}

static void test_verify_detects_tampering(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    FX_DIR(src, "src");
    FX_DIR(out, "out");
    fx_make_src(src, "v1", "card.png", 0);
    fx_write_media(fx_path(src, "media"), "card.png", 4096, 3);
    KS_REQUIRE(fx_build(src, out, sk, 1) == KS_OK);
    ks_error e = {0};
    char media[1024];
    first_media(out, media, sizeof media);
    KS_REQUIRE(media[0]);
    flip_byte(media, 100);
    KS_CHECK(ks_bundle_verify_dir(out, pk, ks_clock_unix_s(), NULL, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "wrong SHA-256") != NULL, "%s", e.msg);
    flip_byte(media, 100);
    KS_CHECK(ks_bundle_verify_dir(out, pk, ks_clock_unix_s(), NULL, &e) == KS_OK);
    /* Longer than declared. */
    FILE *f = fopen(media, "ab");
    fputs("x", f);
    fclose(f);
    KS_CHECK(ks_bundle_verify_dir(out, pk, ks_clock_unix_s(), NULL, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "longer than") != NULL, "%s", e.msg);
    remove(media);
    KS_CHECK(ks_bundle_verify_dir(out, pk, ks_clock_unix_s(), NULL, &e) == KS_ERR_NOT_FOUND);
    /* Another key. */
    unsigned char pk2[32], sk2[64];
    crypto_sign_keypair(pk2, sk2);
    KS_CHECK(ks_bundle_verify_dir(out, pk2, ks_clock_unix_s(), NULL, &e) == KS_ERR_SECURITY);
    KS_CHECK(ks_bundle_verify_dir(fx_path(t, "nowhere"), pk, 0, NULL, &e) == KS_ERR_NOT_FOUND);
}

static void test_import_installs_bundle_and_is_idempotent(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    FX_DIR(src, "src");
    FX_DIR(out, "out");
    FX_DIR(data, "data");
    fx_make_src(src, "v1", "card.png", 2);
    fx_write_media(fx_path(src, "media"), "card.png", 3000, 4);
    KS_REQUIRE(fx_build(src, out, sk, 1) == KS_OK);
    ks_store *s = NULL;
    KS_REQUIRE(ks_store_open(data, &s, NULL) == KS_OK);
    char *path = NULL;
    ks_error e = {0};
    KS_CHECK(ks_media_lookup(s, "media/card.png", &path, &e) == KS_ERR_NOT_FOUND);
    ks_bundle_import_stats st = {0};
    KS_REQUIRE(ks_bundle_import_dir(s, out, pk, &st, &e) == KS_OK);
    KS_CHECK(st.version == 1 && !st.already_installed);
    KS_CHECK(st.files_copied == 6); /* categories, 4 articles, 1 media */
    KS_CHECK(st.apply.articles == 4);
    KS_CHECK(version_of(s) == 1);
    char title[128];
    card_title(s, title, sizeof title);
    KS_CHECK_STR(title, "Card arrival v1");
    KS_REQUIRE(ks_media_lookup(s, "media/card.png", &path, &e) == KS_OK);
    char *bytes = NULL;
    size_t len = 0;
    KS_CHECK(ks_file_read_all(path, 1 << 20, &bytes, &len, NULL) == KS_OK && len == 3000);
    char src_media[1024];
    snprintf(src_media, sizeof src_media, "%s/media/card.png", src);
    char *orig = NULL;
    size_t olen = 0;
    KS_CHECK(ks_file_read_all(src_media, 1 << 20, &orig, &olen, NULL) == KS_OK && olen == len &&
             memcmp(orig, bytes, len) == 0);
    free(orig);
    free(bytes);
    free(path);
    KS_CHECK(ks_media_lookup(s, "card.png", &path, &e) == KS_OK);
    free(path);
    KS_CHECK(ks_media_lookup(s, "media/other.png", &path, &e) == KS_ERR_NOT_FOUND);
    /* Again: nothing to do. */
    st = (ks_bundle_import_stats){0};
    KS_CHECK(ks_bundle_import_dir(s, out, pk, &st, &e) == KS_OK);
    KS_CHECK(st.already_installed == 1 && st.files_copied == 0);
    ks_store_close(s);
}

static void test_import_refuses_rollback_and_version_reuse(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    FX_DIR(data, "data");
    fx_make_src(fx_path(t, "s1"), "v1", NULL, 0);
    fx_make_src(fx_path(t, "s2"), "v2", NULL, 0);
    KS_REQUIRE(fx_build(fx_path(t, "s1"), fx_path(t, "b1"), sk, 1) == KS_OK);
    KS_REQUIRE(fx_build(fx_path(t, "s2"), fx_path(t, "b2"), sk, 2) == KS_OK);
    KS_REQUIRE(fx_build(fx_path(t, "s1"), fx_path(t, "b2other"), sk, 2) == KS_OK);
    ks_store *s = NULL;
    KS_REQUIRE(ks_store_open(data, &s, NULL) == KS_OK);
    ks_error e = {0};
    KS_REQUIRE(ks_bundle_import_dir(s, fx_path(t, "b2"), pk, NULL, &e) == KS_OK);
    KS_CHECK(ks_bundle_import_dir(s, fx_path(t, "b1"), pk, NULL, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "rollback") != NULL, "%s", e.msg);
    KS_CHECK(ks_bundle_import_dir(s, fx_path(t, "b2other"), pk, NULL, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "reuse a version") != NULL, "%s", e.msg);
    char title[128];
    card_title(s, title, sizeof title);
    KS_CHECK_STR(title, "Card arrival v2");
    KS_CHECK(version_of(s) == 2);
    ks_store_close(s);
}

static void test_import_refuses_tampered_bundle_and_keeps_content(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    FX_DIR(data, "data");
    fx_make_src(fx_path(t, "s1"), "v1", "a.png", 0);
    fx_write_media(fx_path(t, "s1/media"), "a.png", 2000, 5);
    fx_make_src(fx_path(t, "s2"), "v2", "b.png", 0);
    fx_write_media(fx_path(t, "s2/media"), "b.png", 2000, 6);
    KS_REQUIRE(fx_build(fx_path(t, "s1"), fx_path(t, "b1"), sk, 1) == KS_OK);
    KS_REQUIRE(fx_build(fx_path(t, "s2"), fx_path(t, "b2"), sk, 2) == KS_OK);
    ks_store *s = NULL;
    KS_REQUIRE(ks_store_open(data, &s, NULL) == KS_OK);
    ks_error e = {0};
    KS_REQUIRE(ks_bundle_import_dir(s, fx_path(t, "b1"), pk, NULL, &e) == KS_OK);
    char media[1024];
    first_media(fx_path(t, "b2"), media, sizeof media);
    flip_byte(media, 7);
    KS_CHECK(ks_bundle_import_dir(s, fx_path(t, "b2"), pk, NULL, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "wrong SHA-256") != NULL, "%s", e.msg);
    char title[128];
    card_title(s, title, sizeof title);
    KS_CHECK_STR(title, "Card arrival v1");
    char *path = NULL;
    KS_CHECK(ks_media_lookup(s, "a.png", &path, NULL) == KS_OK && ks_path_exists(path));
    free(path);
    KS_CHECK(ks_media_lookup(s, "b.png", &path, NULL) == KS_ERR_NOT_FOUND);
    /* The refused file never reached the store (media is named by hash). */
    const char *base = strrchr(media, '/') + 1;
    char stored[1024];
    snprintf(stored, sizeof stored, "%s/media/%s", data, base);
    KS_CHECK(!ks_path_exists(stored));
    snprintf(stored, sizeof stored, "%s/media/.partial/%s", data, base);
    KS_CHECK(!ks_path_exists(stored));
    /* Signed with another key: refused before anything is copied. */
    unsigned char pk2[32], sk2[64];
    crypto_sign_keypair(pk2, sk2);
    KS_CHECK(ks_bundle_import_dir(s, fx_path(t, "b1"), pk2, NULL, &e) == KS_ERR_SECURITY);
    ks_store_close(s);
}

static void test_import_checks_free_space_against_reserve(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    fx_make_src(fx_path(t, "s1"), "v1", NULL, 0);
    KS_REQUIRE(fx_build(fx_path(t, "s1"), fx_path(t, "b1"), sk, 1) == KS_OK);
    ks_store *s = NULL;
    KS_REQUIRE(ks_store_open(fx_path(t, "data"), &s, NULL) == KS_OK);
    uint64_t avail = 0;
    KS_REQUIRE(ks_file_free_space(fx_path(t, "data"), &avail, NULL) == KS_OK);
    char mb[32];
    snprintf(mb, sizeof mb, "%llu", (unsigned long long)(avail / 1048576 + 10));
    setenv("KS_DISK_RESERVE_MB", mb, 1);
    ks_error e = {0};
    KS_CHECK(ks_bundle_import_dir(s, fx_path(t, "b1"), pk, NULL, &e) == KS_ERR_NOSPACE);
    KS_CHECK_MSG(strstr(e.msg, "not enough free disk space") != NULL, "%s", e.msg);
    KS_CHECK(version_of(s) == 0);
    setenv("KS_DISK_RESERVE_MB", "junk", 1);
    KS_CHECK(ks_bundle_disk_reserve() == (uint64_t)KS_BUNDLE_DEFAULT_RESERVE_MB * 1048576);
    setenv("KS_DISK_RESERVE_MB", "0", 1);
    KS_CHECK(ks_bundle_import_dir(s, fx_path(t, "b1"), pk, NULL, &e) == KS_OK);
    KS_CHECK(version_of(s) == 1);
    unsetenv("KS_DISK_RESERVE_MB");
    ks_store_close(s);
}

static void test_import_refuses_incomplete_bundle(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    fx_make_src(fx_path(t, "s1"), "v1", "a.png", 0);
    fx_write_media(fx_path(t, "s1/media"), "a.png", 1000, 7);
    KS_REQUIRE(fx_build(fx_path(t, "s1"), fx_path(t, "b1"), sk, 1) == KS_OK);
    char media[1024];
    first_media(fx_path(t, "b1"), media, sizeof media);
    remove(media);
    ks_store *s = NULL;
    KS_REQUIRE(ks_store_open(fx_path(t, "data"), &s, NULL) == KS_OK);
    ks_error e = {0};
    KS_CHECK(ks_bundle_import_dir(s, fx_path(t, "b1"), pk, NULL, &e) == KS_ERR_NOT_FOUND);
    KS_CHECK_MSG(strstr(e.msg, "incomplete") != NULL, "%s", e.msg);
    KS_CHECK(version_of(s) == 0);
    ks_store_close(s);
}

static void test_switch_removes_media_no_longer_referenced(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    fx_make_src(fx_path(t, "s1"), "v1", "a.png", 0);
    fx_write_media(fx_path(t, "s1/media"), "a.png", 1500, 8);
    fx_write_media(fx_path(t, "s1/media"), "shared.png", 1500, 9);
    fx_make_src(fx_path(t, "s2"), "v2", "b.png", 0);
    fx_write_media(fx_path(t, "s2/media"), "b.png", 1500, 10);
    fx_write_media(fx_path(t, "s2/media"), "shared.png", 1500, 9);
    KS_REQUIRE(fx_build(fx_path(t, "s1"), fx_path(t, "b1"), sk, 1) == KS_OK);
    KS_REQUIRE(fx_build(fx_path(t, "s2"), fx_path(t, "b2"), sk, 2) == KS_OK);
    ks_store *s = NULL;
    KS_REQUIRE(ks_store_open(fx_path(t, "data"), &s, NULL) == KS_OK);
    KS_REQUIRE(ks_bundle_import_dir(s, fx_path(t, "b1"), pk, NULL, NULL) == KS_OK);
    char *a = NULL, *shared1 = NULL, *shared2 = NULL, *b = NULL;
    KS_REQUIRE(ks_media_lookup(s, "a.png", &a, NULL) == KS_OK);
    KS_REQUIRE(ks_media_lookup(s, "shared.png", &shared1, NULL) == KS_OK);
    /* A stale partial download from some abandoned version. */
    fx_write_str(fx_path(t, "data/media/.partial"),
                 "1111111111111111111111111111111111111111111111111111111111111111", "part");
    ks_bundle_import_stats st = {0};
    KS_REQUIRE(ks_bundle_import_dir(s, fx_path(t, "b2"), pk, &st, NULL) == KS_OK);
    KS_CHECK(st.files_copied == 3); /* categories doc and shared.png unchanged; 2 articles + b.png new */
    KS_REQUIRE(ks_media_lookup(s, "shared.png", &shared2, NULL) == KS_OK);
    KS_REQUIRE(ks_media_lookup(s, "b.png", &b, NULL) == KS_OK);
    KS_CHECK(!ks_path_exists(a));
    KS_CHECK(strcmp(shared1, shared2) == 0 && ks_path_exists(shared2));
    KS_CHECK(ks_path_exists(b));
    KS_CHECK(count_files(fx_path(t, "data/media/.partial")) == 0);
    KS_CHECK(st.apply.gc_removed >= 4); /* a.png, 2 old article docs, the partial */
    free(a);
    free(b);
    free(shared1);
    free(shared2);
    ks_store_close(s);
}

static void test_import_is_busy_while_sync_lock_is_held(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    fx_make_src(fx_path(t, "s1"), "v1", NULL, 0);
    KS_REQUIRE(fx_build(fx_path(t, "s1"), fx_path(t, "b1"), sk, 1) == KS_OK);
    ks_store *s = NULL;
    KS_REQUIRE(ks_store_open(fx_path(t, "data"), &s, NULL) == KS_OK);
    ks_lock *lock = NULL;
    KS_REQUIRE(ks_lock_acquire(fx_path(t, "data"), "sync", &lock, NULL) == KS_OK);
    ks_error e = {0};
    KS_CHECK(ks_bundle_import_dir(s, fx_path(t, "b1"), pk, NULL, &e) == KS_ERR_BUSY);
    ks_lock_release(lock);
    KS_CHECK(ks_bundle_import_dir(s, fx_path(t, "b1"), pk, NULL, &e) == KS_OK);
    ks_store_close(s);
}

/* A signed bundle whose content does not parse: the import fails inside the
 * store and nothing changes, not even the live media list. */
static void test_failed_apply_changes_nothing(void)
{
    const char *t = ks_test_tmpdir();
    make_keys(t);
    FX_DIR(data, "data");
    fx_make_src(fx_path(t, "s1"), "v1", "a.png", 0);
    fx_write_media(fx_path(t, "s1/media"), "a.png", 800, 11);
    KS_REQUIRE(fx_build(fx_path(t, "s1"), fx_path(t, "b1"), sk, 1) == KS_OK);
    ks_store *s = NULL;
    KS_REQUIRE(ks_store_open(data, &s, NULL) == KS_OK);
    KS_REQUIRE(ks_bundle_import_dir(s, fx_path(t, "b1"), pk, NULL, NULL) == KS_OK);
    /* Hand-made version 2: one content file that is not kiosk-faq/1. */
    const char *bad = "{\"format\":\"kiosk-faq/1\",\"articles\":[{\"id\":\"card\",\"locale\":\"en\"}]}";
    char sha[KS_SHA256_HEX];
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)bad, strlen(bad));
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    char inner[1024], name[128];
    snprintf(inner, sizeof inner,
             "{\"format\":\"kiosk-manifest/1\",\"version\":2,\"created\":\"2026-01-01T00:00:00Z\","
             "\"expires\":\"2099-01-01T00:00:00Z\",\"locales\":[\"en\"],"
             "\"content\":[{\"name\":\"en/card\",\"sha256\":\"%s\",\"size\":%zu}],\"media\":[]}",
             sha, strlen(bad));
    char *env = fx_envelope(inner, sk, NULL);
    FX_DIR(b2, "b2");
    fx_write_str(b2, "manifest.json", env);
    snprintf(name, sizeof name, "content/%s.json", sha);
    fx_write_str(b2, name, bad);
    free(env);
    ks_error e = {0};
    KS_CHECK(ks_bundle_import_dir(s, b2, pk, NULL, &e) == KS_ERR_INVALID);
    KS_CHECK_MSG(strstr(e.msg, "title") != NULL, "%s", e.msg);
    KS_CHECK(version_of(s) == 1);
    char title[128];
    card_title(s, title, sizeof title);
    KS_CHECK_STR(title, "Card arrival v1");
    char *p = NULL;
    KS_CHECK(ks_media_lookup(s, "a.png", &p, NULL) == KS_OK && ks_path_exists(p));
    free(p);
    int64_t v = 0;
    char digest[KS_SHA256_HEX];
    KS_CHECK(ks_bundle_installed(s, &v, digest, NULL) == KS_OK && v == 1 && strlen(digest) == 64);
    ks_store_close(s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    KS_RUN(test_keygen_writes_keys_and_refuses_overwrite);
    KS_RUN(test_build_and_verify_roundtrip);
    KS_RUN(test_build_refuses_bad_sources);
    KS_RUN(test_verify_detects_tampering);
    KS_RUN(test_import_installs_bundle_and_is_idempotent);
    KS_RUN(test_import_refuses_rollback_and_version_reuse);
    KS_RUN(test_import_refuses_tampered_bundle_and_keeps_content);
    KS_RUN(test_import_checks_free_space_against_reserve);
    KS_RUN(test_import_refuses_incomplete_bundle);
    KS_RUN(test_switch_removes_media_no_longer_referenced);
    KS_RUN(test_import_is_busy_while_sync_lock_is_held);
    KS_RUN(test_failed_apply_changes_nothing);
    return ks_test_summary();
}
