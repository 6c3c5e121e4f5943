/*
 * test_manifest.c - the signed manifest: what is accepted, and that every
 * refusal (signature, key, expiry, names, limits, malformed input) is
 * refused with the right status and a message that names the problem.
 */
#include "bundle_fixture.h"
#include "test.h"

#include "ks/clock.h"
#include "ks/manifest.h"

static unsigned char pk[32], sk[64], pk2[32], sk2[64];
static const int64_t NOW = 1790000000; /* 2026-09-21 */

static ks_status open_text(const char *env, ks_manifest **m, ks_error *e)
{
    return ks_manifest_open(env, strlen(env), "test manifest", pk, NOW, m, e);
}

static void test_manifest_accepts_signed_manifest(void)
{
    char *inner = fx_inner(7, "2027-01-01T00:00:00Z",
                           "{\"name\":\"img/card.png\",\"sha256\":\""
                           "ab"
                           "000000000000000000000000000000000000000000000000000000000000cd\",\"size\":1234}");
    char *env = fx_envelope(inner, sk, NULL);
    ks_manifest *m = NULL;
    ks_error e = {0};
    KS_REQUIRE(open_text(env, &m, &e) == KS_OK);
    KS_CHECK(m->version == 7);
    KS_CHECK(m->n_content == 1 && m->n_files == 2);
    KS_CHECK(m->total_bytes == 1244);
    KS_CHECK(m->n_locales == 1 && strcmp(m->locales[0], "en") == 0);
    char keyid[KS_KEYID_HEX];
    ks_manifest_keyid(pk, keyid);
    KS_CHECK_STR(m->keyid, keyid);
    KS_CHECK(strlen(m->digest) == 64);
    const ks_manifest_file *f = ks_manifest_find_media(m, "media/img/card.png");
    KS_REQUIRE(f != NULL);
    KS_CHECK(f->size == 1234);
    char rel[96];
    ks_manifest_file_relpath(f, rel, sizeof rel);
    KS_CHECK(strncmp(rel, "media/ab00", 10) == 0);
    ks_manifest_file_relpath(&m->files[0], rel, sizeof rel);
    KS_CHECK(strncmp(rel, "content/0000", 12) == 0 && strstr(rel, ".json"));
    ks_manifest_free(m);
    free(env);
    free(inner);
}

static void test_manifest_rejects_tampered_signed_bytes(void)
{
    char *inner = fx_inner(7, "2027-01-01T00:00:00Z", "");
    char *env = fx_envelope(inner, sk, NULL);
    /* Raise the version inside the signed text after signing. */
    char *p = strstr(env, "\\\"version\\\":7");
    KS_REQUIRE(p != NULL);
    p[strlen("\\\"version\\\":")] = '9';
    ks_manifest *m = NULL;
    ks_error e = {0};
    KS_CHECK(open_text(env, &m, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "does not verify") != NULL, "%s", e.msg);
    KS_CHECK(m == NULL);
    free(env);
    free(inner);
}

static void test_manifest_rejects_missing_signature(void)
{
    char *inner = fx_inner(7, "2027-01-01T00:00:00Z", "");
    cJSON *env = cJSON_CreateObject();
    cJSON_AddStringToObject(env, "format", KS_MANIFEST_ENVELOPE_FORMAT);
    cJSON_AddStringToObject(env, "signed", inner);
    char *no_sigs = cJSON_PrintUnformatted(env);
    cJSON_AddArrayToObject(env, "signatures");
    char *empty_sigs = cJSON_PrintUnformatted(env);
    ks_manifest *m = NULL;
    ks_error e = {0};
    KS_CHECK(open_text(no_sigs, &m, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "no signature") != NULL, "%s", e.msg);
    KS_CHECK(open_text(empty_sigs, &m, &e) == KS_ERR_SECURITY);
    /* A signature that is not base64 of 64 bytes verifies nothing. */
    char *bad = fx_envelope(inner, sk, NULL);
    char *sig = strstr(bad, "\"sig\":\"");
    KS_REQUIRE(sig != NULL);
    memcpy(sig + 7, "!!!!", 4);
    KS_CHECK(open_text(bad, &m, &e) == KS_ERR_SECURITY);
    KS_CHECK(m == NULL);
    free(bad);
    free(no_sigs);
    free(empty_sigs);
    cJSON_Delete(env);
    free(inner);
}

static void test_manifest_rejects_other_key(void)
{
    char *inner = fx_inner(7, "2027-01-01T00:00:00Z", "");
    char *env = fx_envelope(inner, sk2, NULL);
    ks_manifest *m = NULL;
    ks_error e = {0};
    KS_CHECK(open_text(env, &m, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "not by the trusted key") != NULL, "%s", e.msg);
    /* Claiming the trusted key id does not help a foreign signature. */
    char trusted[KS_KEYID_HEX];
    ks_manifest_keyid(pk, trusted);
    char *liar = fx_envelope(inner, sk2, trusted);
    KS_CHECK(open_text(liar, &m, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "does not verify") != NULL, "%s", e.msg);
    KS_CHECK(m == NULL);
    free(liar);
    free(env);
    free(inner);
}

static void test_manifest_rejects_expired(void)
{
    char *inner = fx_inner(7, "2026-09-01T00:00:00Z", "");
    char *env = fx_envelope(inner, sk, NULL);
    ks_manifest *m = NULL;
    ks_error e = {0};
    KS_CHECK(open_text(env, &m, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "expired") != NULL, "%s", e.msg);
    KS_CHECK(m == NULL);
    /* now = 0 skips the clock (the builder reading its own output). */
    KS_CHECK(ks_manifest_open(env, strlen(env), "x", pk, 0, &m, &e) == KS_OK);
    ks_manifest_free(m);
    free(env);
    free(inner);
}

static void test_manifest_rejects_path_traversal_names(void)
{
    static const char *const bad[] = {"../etc/passwd", "/etc/passwd", "a/../../b", "a\\\\b",
                                      "./x",           "a//b",        ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char media[256];
        snprintf(media, sizeof media, "{\"name\":\"%s\",\"sha256\":\"%064d\",\"size\":1}", bad[i], 1);
        char *inner = fx_inner(7, "2027-01-01T00:00:00Z", media);
        char *env = fx_envelope(inner, sk, NULL);
        ks_manifest *m = NULL;
        ks_error e = {0};
        ks_status rc = open_text(env, &m, &e);
        if (bad[i][0])
            KS_CHECK_MSG(rc == KS_ERR_SECURITY, "%s -> %s: %s", bad[i], ks_status_name(rc), e.msg);
        else
            KS_CHECK(rc == KS_ERR_INVALID);
        KS_CHECK(m == NULL);
        free(env);
        free(inner);
    }
}

static void test_manifest_rejects_over_size_cap(void)
{
    size_t n = KS_MANIFEST_MAX_BYTES + 1;
    char *big = malloc(n);
    KS_REQUIRE(big != NULL);
    memset(big, ' ', n);
    ks_manifest *m = NULL;
    ks_error e = {0};
    KS_CHECK(ks_manifest_open(big, n, "big", pk, NOW, &m, &e) == KS_ERR_TOO_LARGE);
    KS_CHECK(ks_manifest_parse(big, n, "big", &m, &e) == KS_ERR_TOO_LARGE);
    free(big);
}

static void test_manifest_rejects_bad_hash_size_and_version(void)
{
    static const char *const media[] = {
        "{\"name\":\"a\",\"sha256\":\"ABCD\",\"size\":1}",
        "{\"name\":\"a\",\"sha256\":\""
        "AB00000000000000000000000000000000000000000000000000000000000000\",\"size\":1}",
        "{\"name\":\"a\",\"sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\","
        "\"size\":-1}",
        "{\"name\":\"a\",\"sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\","
        "\"size\":1.5}",
        "{\"name\":\"a\",\"sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\","
        "\"size\":1e30}",
        "{\"name\":\"a\",\"sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\"}",
        "{\"name\":5,\"sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\","
        "\"size\":1}",
        "\"just a string\"",
    };
    for (size_t i = 0; i < sizeof media / sizeof media[0]; i++) {
        char *inner = fx_inner(7, "2027-01-01T00:00:00Z", media[i]);
        ks_manifest *m = NULL;
        ks_error e = {0};
        KS_CHECK_MSG(ks_manifest_parse(inner, strlen(inner), "t", &m, &e) == KS_ERR_INVALID, "case %zu: %s",
                     i, e.msg);
        KS_CHECK(m == NULL);
        free(inner);
    }
    static const char *const versions[] = {"0", "-3", "2.5", "\"7\"", "1e300"};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        char inner[512];
        snprintf(
            inner, sizeof inner,
            "{\"format\":\"kiosk-manifest/1\",\"version\":%s,\"created\":\"2026-01-01T00:00:00Z\","
            "\"expires\":\"2027-01-01T00:00:00Z\",\"locales\":[],\"content\":[{\"name\":\"a\",\"sha256\":"
            "\"%064d\",\"size\":1}]}",
            versions[i], 0);
        ks_manifest *m = NULL;
        ks_error e = {0};
        KS_CHECK_MSG(ks_manifest_parse(inner, strlen(inner), "t", &m, &e) == KS_ERR_INVALID, "version %s",
                     versions[i]);
        KS_CHECK(strstr(e.msg, "'version'") != NULL);
    }
}

static void test_manifest_rejects_duplicate_names(void)
{
    char media[512];
    snprintf(media, sizeof media,
             "{\"name\":\"x.png\",\"sha256\":\"%064d\",\"size\":1},{\"name\":\"x.png\",\"sha256\":\"%064d\","
             "\"size\":2}",
             1, 2);
    char *inner = fx_inner(7, "2027-01-01T00:00:00Z", media);
    ks_manifest *m = NULL;
    ks_error e = {0};
    KS_CHECK(ks_manifest_parse(inner, strlen(inner), "t", &m, &e) == KS_ERR_INVALID);
    KS_CHECK_MSG(strstr(e.msg, "listed twice") != NULL, "%s", e.msg);
    free(inner);
}

static void test_manifest_rejects_malformed_envelope_and_inner(void)
{
    ks_manifest *m = NULL;
    ks_error e = {0};
    static const char *const envs[] = {
        "",
        "{",
        "[]",
        "{\"format\":\"kiosk-bundle/2\",\"signed\":\"{}\",\"signatures\":[]}",
        "{\"format\":\"kiosk-bundle/1\",\"signatures\":[]}",
        "{\"format\":\"kiosk-bundle/1\",\"signed\":42,\"signatures\":[]}",
    };
    for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
        ks_status rc = open_text(envs[i], &m, &e);
        KS_CHECK_MSG(rc == KS_ERR_INVALID, "case %zu: %s", i, ks_status_name(rc));
    }
    /* Signed but not a manifest: the signature is fine, the content is not. */
    static const char *const inners[] = {
        "not json",
        "[1,2]",
        "{\"format\":\"kiosk-manifest/9\"}",
        "{\"format\":\"kiosk-manifest/1\",\"version\":1,\"created\":\"2026-01-01T00:00:00Z\","
        "\"expires\":\"2025-01-01T00:00:00Z\",\"locales\":[],\"content\":[]}",
        "{\"format\":\"kiosk-manifest/1\",\"version\":1,\"created\":\"2026-01-01T00:00:00Z\","
        "\"expires\":\"2027-01-01T00:00:00Z\",\"locales\":[],\"content\":[]}",
        "{\"format\":\"kiosk-manifest/1\",\"version\":1,\"created\":\"yesterday\","
        "\"expires\":\"2027-01-01T00:00:00Z\",\"locales\":[],\"content\":[]}",
        "{\"format\":\"kiosk-manifest/1\",\"version\":1,\"created\":\"2026-01-01T00:00:00Z\","
        "\"expires\":\"2027-01-01T00:00:00Z\",\"locales\":[\"!!\"],\"content\":[]}",
    };
    for (size_t i = 0; i < sizeof inners / sizeof inners[0]; i++) {
        char *env = fx_envelope(inners[i], sk, NULL);
        ks_status rc = open_text(env, &m, &e);
        KS_CHECK_MSG(rc == KS_ERR_INVALID || rc == KS_ERR_UNSUPPORTED, "inner %zu: %s", i,
                     ks_status_name(rc));
        KS_CHECK(m == NULL);
        free(env);
    }
}

static void test_manifest_envelope_signed_reads_without_key(void)
{
    char *inner = fx_inner(3, "2027-01-01T00:00:00Z", "");
    char *env = fx_envelope(inner, sk2, NULL);
    char *got = NULL;
    size_t len = 0;
    KS_REQUIRE(ks_manifest_envelope_signed(env, strlen(env), "x", &got, &len, NULL) == KS_OK);
    KS_CHECK_STR(got, inner);
    KS_CHECK(len == strlen(inner));
    free(got);
    free(env);
    free(inner);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    crypto_sign_keypair(pk, sk);
    crypto_sign_keypair(pk2, sk2);
    KS_RUN(test_manifest_accepts_signed_manifest);
    KS_RUN(test_manifest_rejects_tampered_signed_bytes);
    KS_RUN(test_manifest_rejects_missing_signature);
    KS_RUN(test_manifest_rejects_other_key);
    KS_RUN(test_manifest_rejects_expired);
    KS_RUN(test_manifest_rejects_path_traversal_names);
    KS_RUN(test_manifest_rejects_over_size_cap);
    KS_RUN(test_manifest_rejects_bad_hash_size_and_version);
    KS_RUN(test_manifest_rejects_duplicate_names);
    KS_RUN(test_manifest_rejects_malformed_envelope_and_inner);
    KS_RUN(test_manifest_envelope_signed_reads_without_key);
    return ks_test_summary();
}
