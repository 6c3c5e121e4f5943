/*
 * bundle_fixture.h - shared helpers for the bundle, media store and sync
 * unit tests: small source trees, signed manifests made to order.
 * Test code only; every function is static.
 */
#ifndef KS_TEST_BUNDLE_FIXTURE_H
#define KS_TEST_BUNDLE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "ks/bundle.h"
#include "ks/file.h"
#include "ks/manifest.h"
#include "ks/path.h"

/* Test paths live under /tmp/ks-test-XXXXXX and are short; GCC cannot know
 * that and warns about every snprintf of a path into a fixed buffer. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* Writes text to dir/name (creating dir). Returns 0 on success. */
static inline int fx_write(const char *dir, const char *name, const void *data, size_t len)
{
    char *p = ks_path_join(dir, name);
    char *slash = p ? strrchr(p, '/') : NULL;
    int rc = -1;
    if (slash) {
        *slash = '\0';
        ks_path_mkdirs(p, NULL);
        *slash = '/';
        rc = ks_file_write_atomic(p, data, len, NULL) == KS_OK ? 0 : -1;
    }
    free(p);
    return rc;
}

static inline int fx_write_str(const char *dir, const char *name, const char *text)
{
    return fx_write(dir, name, text, strlen(text));
}

/* dir/name joined into a static buffer (4 rotating slots). */
static inline const char *fx_path(const char *dir, const char *name)
{
    static char buf[4][1024];
    static int i;
    char tmp[1024]; /* dir may be an earlier result: build apart, then copy */
    snprintf(tmp, sizeof tmp, "%s/%s", dir, name);
    i = (i + 1) % 4;
    memcpy(buf[i], tmp, sizeof tmp);
    return buf[i];
}

/* A long-lived path under the test's temporary directory (fx_path results
 * are reused after four calls). */
#define FX_DIR(var, name)                                                                                    \
    char var[1024];                                                                                          \
    snprintf(var, sizeof var, "%s/%s", ks_test_tmpdir(), name)

/* A deterministic pseudo-random media file of size bytes, seeded. */
static inline int fx_write_media(const char *dir, const char *name, size_t size, unsigned seed)
{
    unsigned char *b = malloc(size ? size : 1);
    if (!b) return -1;
    unsigned x = seed * 2654435761u + 1;
    for (size_t i = 0; i < size; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (unsigned char)(x >> 16);
    }
    int rc = fx_write(dir, name, b, size);
    free(b);
    return rc;
}

/* A source tree: one category, article "card" in en (citing media/NAME when
 * media_name is set) and zh-Hans, plus `extra` numbered articles. title_tag
 * distinguishes versions. */
static inline int fx_make_src(const char *src, const char *title_tag, const char *media_name, int extra)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "format", "kiosk-faq/1");
    cJSON *cats = cJSON_AddArrayToObject(doc, "categories");
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "id", "cards");
    cJSON *t = cJSON_AddObjectToObject(c, "titles");
    cJSON_AddStringToObject(t, "en", "Cards");
    cJSON_AddStringToObject(t, "zh-Hans", "银行卡");
    cJSON_AddItemToArray(cats, c);
    cJSON *arts = cJSON_AddArrayToObject(doc, "articles");
    char title[128], body[256];
    snprintf(title, sizeof title, "Card arrival %s", title_tag);
    if (media_name)
        snprintf(body, sizeof body, "It comes by post.\n\n![card](media/%s)", media_name);
    else
        snprintf(body, sizeof body, "It comes by post.");
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "id", "card");
    cJSON_AddStringToObject(a, "locale", "en");
    cJSON_AddStringToObject(a, "category", "cards");
    cJSON_AddStringToObject(a, "title", title);
    cJSON_AddStringToObject(a, "body", body);
    cJSON_AddItemToArray(arts, a);
    a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "id", "card");
    cJSON_AddStringToObject(a, "locale", "zh-Hans");
    cJSON_AddStringToObject(a, "category", "cards");
    snprintf(title, sizeof title, "银行卡何时到 %s", title_tag);
    cJSON_AddStringToObject(a, "title", title);
    cJSON_AddStringToObject(a, "body", "邮寄。");
    cJSON_AddItemToArray(arts, a);
    for (int i = 0; i < extra; i++) {
        char id[32];
        snprintf(id, sizeof id, "extra_%d", i);
        snprintf(title, sizeof title, "Extra question %d %s", i, title_tag);
        a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "id", id);
        cJSON_AddStringToObject(a, "locale", "en");
        cJSON_AddStringToObject(a, "category", "cards");
        cJSON_AddStringToObject(a, "title", title);
        cJSON_AddStringToObject(a, "body", "Some answer.");
        cJSON_AddItemToArray(arts, a);
    }
    char *s = cJSON_Print(doc);
    int rc = s ? fx_write_str(src, "cards.json", s) : -1;
    free(s);
    cJSON_Delete(doc);
    return rc;
}

static inline ks_status fx_build(const char *src, const char *out, const unsigned char sk[64],
                                 int64_t version)
{
    ks_bundle_build_opts o = {.version = version};
    ks_error e = {0};
    ks_status rc = ks_bundle_build(src, out, sk, &o, NULL, &e);
    if (rc) fprintf(stderr, "  build failed: %s\n", e.msg);
    return rc;
}

/* Wraps inner (the signed manifest text) in an envelope signed by sk.
 * Returns malloc'ed text. keyid_override may be NULL. */
static inline char *fx_envelope(const char *inner, const unsigned char sk[64], const char *keyid_override)
{
    unsigned char sig[crypto_sign_BYTES], pk[32];
    char sig64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    char keyid[KS_KEYID_HEX];
    crypto_sign_detached(sig, NULL, (const unsigned char *)inner, strlen(inner), sk);
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    ks_manifest_keyid(pk, keyid);
    sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    cJSON *env = cJSON_CreateObject();
    cJSON_AddStringToObject(env, "format", KS_MANIFEST_ENVELOPE_FORMAT);
    cJSON_AddStringToObject(env, "signed", inner);
    cJSON *sigs = cJSON_AddArrayToObject(env, "signatures");
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "keyid", keyid_override ? keyid_override : keyid);
    cJSON_AddStringToObject(s, "sig", sig64);
    cJSON_AddItemToArray(sigs, s);
    char *out = cJSON_PrintUnformatted(env);
    cJSON_Delete(env);
    return out;
}

/* A minimal valid inner manifest with one content file and the given media
 * entry JSON (may be ""), version and expiry. malloc'ed. */
static inline char *fx_inner(int64_t version, const char *expires, const char *media_json)
{
    char *s = malloc(2048);
    if (!s) return NULL;
    snprintf(s, 2048,
             "{\"format\":\"kiosk-manifest/1\",\"version\":%lld,\"created\":\"2026-01-01T00:00:00Z\","
             "\"expires\":\"%s\",\"locales\":[\"en\"],"
             "\"content\":[{\"name\":\"en/a\",\"sha256\":\"%064d\",\"size\":10}],"
             "\"media\":[%s]}",
             (long long)version, expires, 0, media_json);
    return s;
}

#endif
