/*
 * manifest.c - parses and checks a bundle's signed manifest (ks/manifest.h).
 *
 * What it must not do: touch the network, the disk or the store, or trust
 * anything before the signature has been checked. The envelope is parsed
 * only far enough to find the signed bytes and the signatures; the inner
 * manifest is parsed only after one signature verified.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "ks/clock.h"
#include "ks/faq.h"
#include "ks/locale.h"
#include "ks/manifest.h"
#include "ks/path.h"
#include "ks/str.h"

#define MAX_LOCALES 64

static void hex_lower(const unsigned char *bin, size_t n, char *out, size_t out_size)
{
    sodium_bin2hex(out, out_size, bin, n);
}

void ks_manifest_keyid(const unsigned char pk[32], char out[KS_KEYID_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, pk, 32);
    hex_lower(h, 8, out, KS_KEYID_HEX);
}

static int is_sha256_hex(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
    }
    return n == 64;
}

/* A JSON number that is an integer within [lo, hi] (exact in a double). */
static int get_int(const cJSON *item, double lo, double hi, int64_t *out)
{
    if (!cJSON_IsNumber(item)) return 0;
    double d = item->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < lo || d > hi) return 0;
    *out = (int64_t)d;
    return 1;
}

static int get_time(const cJSON *obj, const char *key, int64_t *out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(it) && ks_clock_parse_iso8601(it->valuestring, out) == 0;
}

void ks_manifest_free(ks_manifest *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n_locales; i++)
        free(m->locales[i]);
    free(m->locales);
    for (size_t i = 0; i < m->n_files; i++)
        free(m->files[i].name);
    free(m->files);
    free(m);
}

static int cmp_file_name(const void *a, const void *b)
{
    const ks_manifest_file *fa = *(const ks_manifest_file *const *)a;
    const ks_manifest_file *fb = *(const ks_manifest_file *const *)b;
    if (fa->kind != fb->kind) return fa->kind < fb->kind ? -1 : 1;
    return strcmp(fa->name, fb->name);
}

static const char *kind_name(ks_manifest_kind k)
{
    return k == KS_MANIFEST_CONTENT ? "content" : "media";
}

static ks_status parse_files(const cJSON *root, const char *key, ks_manifest_kind kind, ks_manifest *m,
                             const char *source, ks_error *err)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!arr && kind == KS_MANIFEST_MEDIA) return KS_OK; /* media is optional */
    if (!cJSON_IsArray(arr))
        return ks_error_set(err, KS_ERR_INVALID, "%s: '%s' must be an array", source, key);
    int idx = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        if (m->n_files >= KS_MANIFEST_MAX_FILES)
            return ks_error_set(err, KS_ERR_TOO_LARGE, "%s: more than %u files listed", source,
                                KS_MANIFEST_MAX_FILES);
        if (!cJSON_IsObject(e))
            return ks_error_set(err, KS_ERR_INVALID, "%s: %s[%d] must be an object", source, key, idx);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
        const cJSON *sha = cJSON_GetObjectItemCaseSensitive(e, "sha256");
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(e, "size");
        if (!cJSON_IsString(name) || !name->valuestring[0])
            return ks_error_set(err, KS_ERR_INVALID, "%s: %s[%d]: 'name' must be a non-empty string", source,
                                key, idx);
        const char *nm = name->valuestring;
        if (strlen(nm) > KS_MANIFEST_MAX_NAME)
            return ks_error_set(err, KS_ERR_INVALID, "%s: %s[%d]: name is longer than %d bytes", source, key,
                                idx, KS_MANIFEST_MAX_NAME);
        /* Names never become paths on the kiosk (files are stored by hash),
         * but a name that could escape a directory is refused outright: it
         * is the mark of a hostile or broken publisher. */
        if (!ks_path_is_safe_relative(nm))
            return ks_error_set(err, KS_ERR_SECURITY,
                                "%s: %s[%d]: name '%.100s' is an absolute path or climbs out of its "
                                "folder (refused)",
                                source, key, idx, nm);
        if (!cJSON_IsString(sha) || !is_sha256_hex(sha->valuestring))
            return ks_error_set(err, KS_ERR_INVALID, "%s: %s '%s': 'sha256' must be 64 lowercase hex digits",
                                source, key, nm);
        int64_t sz;
        if (!get_int(size, 0, (double)KS_MANIFEST_MAX_FILE_SIZE, &sz))
            return ks_error_set(err, KS_ERR_INVALID, "%s: %s '%s': 'size' must be an integer from 0 to %llu",
                                source, key, nm, (unsigned long long)KS_MANIFEST_MAX_FILE_SIZE);
        ks_manifest_file *f = &m->files[m->n_files];
        f->kind = kind;
        f->name = ks_strdup(nm);
        if (!f->name) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        memcpy(f->sha256, sha->valuestring, KS_SHA256_HEX);
        f->size = (uint64_t)sz;
        m->n_files++;
        m->total_bytes += f->size;
        idx++;
    }
    return KS_OK;
}

ks_status ks_manifest_parse(const char *json, size_t len, const char *source, ks_manifest **out,
                            ks_error *err)
{
    ks_status rc = KS_OK;
    ks_manifest *m = NULL;
    const ks_manifest_file **sorted = NULL;
    if (!source) source = "manifest";
    if (len > KS_MANIFEST_MAX_BYTES)
        return ks_error_set(err, KS_ERR_TOO_LARGE, "%s: manifest is %zu bytes, over the limit of %u", source,
                            len, KS_MANIFEST_MAX_BYTES);
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: the signed manifest is not valid JSON", source);
        goto out;
    }
    if (!cJSON_IsObject(root)) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: the signed manifest must be a JSON object", source);
        goto out;
    }
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, KS_MANIFEST_FORMAT) != 0) {
        rc = ks_error_set(err, KS_ERR_UNSUPPORTED, "%s: 'format' must be \"%s\"", source, KS_MANIFEST_FORMAT);
        goto out;
    }
    m = calloc(1, sizeof *m);
    if (!m) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (!get_int(cJSON_GetObjectItemCaseSensitive(root, "version"), 1, 9007199254740991.0, &m->version)) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: 'version' must be an integer >= 1", source);
        goto out;
    }
    if (!get_time(root, "created", &m->created)) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: 'created' must be an ISO 8601 time", source);
        goto out;
    }
    if (!get_time(root, "expires", &m->expires)) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: 'expires' must be an ISO 8601 time", source);
        goto out;
    }
    if (m->expires <= m->created) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: 'expires' is not after 'created'", source);
        goto out;
    }
    const cJSON *locs = cJSON_GetObjectItemCaseSensitive(root, "locales");
    if (!cJSON_IsArray(locs)) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: 'locales' must be an array of locale tags", source);
        goto out;
    }
    int nl = cJSON_GetArraySize(locs);
    if (nl > MAX_LOCALES) {
        rc = ks_error_set(err, KS_ERR_TOO_LARGE, "%s: more than %d locales", source, MAX_LOCALES);
        goto out;
    }
    m->locales = calloc((size_t)nl + 1, sizeof *m->locales);
    if (!m->locales) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    const cJSON *l;
    cJSON_ArrayForEach(l, locs)
    {
        char canon[KS_LOCALE_MAX];
        if (!cJSON_IsString(l) || ks_locale_canonical(l->valuestring, canon) != 0) {
            rc = ks_error_set(err, KS_ERR_INVALID, "%s: locales[%zu] is not a locale tag", source,
                              m->n_locales);
            goto out;
        }
        m->locales[m->n_locales] = ks_strdup(canon);
        if (!m->locales[m->n_locales]) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        m->n_locales++;
    }
    /* Count first so the file array is allocated once. */
    size_t cap = 0;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "content");
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(root, "media");
    if (cJSON_IsArray(c)) cap += (size_t)cJSON_GetArraySize(c);
    if (cJSON_IsArray(md)) cap += (size_t)cJSON_GetArraySize(md);
    if (cap > KS_MANIFEST_MAX_FILES) {
        rc = ks_error_set(err, KS_ERR_TOO_LARGE, "%s: %zu files listed, over the limit of %u", source, cap,
                          KS_MANIFEST_MAX_FILES);
        goto out;
    }
    m->files = calloc(cap + 1, sizeof *m->files);
    if (!m->files) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = parse_files(root, "content", KS_MANIFEST_CONTENT, m, source, err);
    if (rc) goto out;
    m->n_content = m->n_files;
    if (m->n_content == 0) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: 'content' lists no files", source);
        goto out;
    }
    for (size_t i = 0; i < m->n_content; i++) {
        if (m->files[i].size > KS_FAQ_MAX_FILE_BYTES) {
            rc = ks_error_set(err, KS_ERR_TOO_LARGE, "%s: content '%s' is %llu bytes, over the limit", source,
                              m->files[i].name, (unsigned long long)m->files[i].size);
            goto out;
        }
    }
    rc = parse_files(root, "media", KS_MANIFEST_MEDIA, m, source, err);
    if (rc) goto out;
    /* Names are keys (media/NAME lookups): duplicates would make the
     * content ambiguous. */
    if (m->n_files > 1) {
        sorted = malloc(m->n_files * sizeof *sorted);
        if (!sorted) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < m->n_files; i++)
            sorted[i] = &m->files[i];
        qsort(sorted, m->n_files, sizeof *sorted, cmp_file_name);
        for (size_t i = 1; i < m->n_files; i++) {
            if (sorted[i]->kind == sorted[i - 1]->kind && strcmp(sorted[i]->name, sorted[i - 1]->name) == 0) {
                rc = ks_error_set(err, KS_ERR_INVALID, "%s: %s '%s' is listed twice", source,
                                  kind_name(sorted[i]->kind), sorted[i]->name);
                goto out;
            }
        }
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)json, len);
    hex_lower(h, sizeof h, m->digest, sizeof m->digest);
    *out = m;
    m = NULL;
out:
    free(sorted);
    ks_manifest_free(m);
    cJSON_Delete(root);
    return rc;
}

/* Finds the envelope's parts. On success *root owns everything the other
 * out-pointers point into. */
static ks_status open_envelope(const char *data, size_t len, const char *source, cJSON **root_out,
                               const cJSON **signed_out, const cJSON **sigs_out, ks_error *err)
{
    if (len > KS_MANIFEST_MAX_BYTES)
        return ks_error_set(err, KS_ERR_TOO_LARGE, "%s: %zu bytes, over the manifest limit of %u bytes",
                            source, len, KS_MANIFEST_MAX_BYTES);
    cJSON *root = cJSON_ParseWithLength(data, len);
    if (!root)
        return ks_error_set(err, KS_ERR_INVALID, "%s: not valid JSON (truncated or corrupt manifest)",
                            source);
    ks_status rc = KS_OK;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *sgn = cJSON_GetObjectItemCaseSensitive(root, "signed");
    const cJSON *sigs = cJSON_GetObjectItemCaseSensitive(root, "signatures");
    if (!cJSON_IsObject(root) || !cJSON_IsString(fmt) ||
        strcmp(fmt->valuestring, KS_MANIFEST_ENVELOPE_FORMAT) != 0) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: not a bundle manifest ('format' must be \"%s\")", source,
                          KS_MANIFEST_ENVELOPE_FORMAT);
    } else if (!cJSON_IsString(sgn)) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: 'signed' (the manifest text) is missing", source);
    } else if (!cJSON_IsArray(sigs) || cJSON_GetArraySize(sigs) == 0) {
        rc = ks_error_set(err, KS_ERR_SECURITY, "%s: the manifest carries no signature (refused)", source);
    } else if (cJSON_GetArraySize(sigs) > KS_MANIFEST_MAX_SIGNATURES) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: more than %d signatures", source,
                          KS_MANIFEST_MAX_SIGNATURES);
    }
    if (rc) {
        cJSON_Delete(root);
        return rc;
    }
    *root_out = root;
    *signed_out = sgn;
    *sigs_out = sigs;
    return KS_OK;
}

ks_status ks_manifest_envelope_signed(const char *data, size_t len, const char *source, char **signed_json,
                                      size_t *signed_len, ks_error *err)
{
    cJSON *root;
    const cJSON *sgn, *sigs;
    if (!source) source = "manifest.json";
    ks_status rc = open_envelope(data, len, source, &root, &sgn, &sigs, err);
    if (rc) return rc;
    *signed_json = ks_strdup(sgn->valuestring);
    if (signed_len) *signed_len = strlen(sgn->valuestring);
    cJSON_Delete(root);
    return *signed_json ? KS_OK : ks_error_set(err, KS_ERR_NOMEM, "out of memory");
}

ks_status ks_manifest_open(const char *data, size_t len, const char *source, const unsigned char pk[32],
                           int64_t now, ks_manifest **out, ks_error *err)
{
    if (sodium_init() < 0) return ks_error_set(err, KS_ERR_IO, "libsodium failed to initialise");
    if (!source) source = "manifest.json";
    cJSON *root;
    const cJSON *sgn, *sigs;
    ks_status rc = open_envelope(data, len, source, &root, &sgn, &sigs, err);
    if (rc) return rc;
    ks_manifest *m = NULL;
    char trusted[KS_KEYID_HEX];
    ks_manifest_keyid(pk, trusted);
    const char *signed_text = sgn->valuestring;
    size_t signed_len = strlen(signed_text);
    int verified = 0, by_trusted_id = 0;
    char others[3 * KS_KEYID_HEX + 8] = "";
    const cJSON *s;
    cJSON_ArrayForEach(s, sigs)
    {
        const cJSON *kid = cJSON_GetObjectItemCaseSensitive(s, "keyid");
        const cJSON *sig = cJSON_GetObjectItemCaseSensitive(s, "sig");
        if (!cJSON_IsString(sig)) continue;
        int ours = cJSON_IsString(kid) && strcmp(kid->valuestring, trusted) == 0;
        if (ours)
            by_trusted_id = 1;
        else if (cJSON_IsString(kid) && strlen(others) + strlen(kid->valuestring) + 2 < sizeof others)
            snprintf(others + strlen(others), sizeof others - strlen(others), "%s%.16s",
                     others[0] ? ", " : "", kid->valuestring);
        unsigned char raw[crypto_sign_BYTES];
        size_t raw_len = 0;
        if (sodium_base642bin(raw, sizeof raw, sig->valuestring, strlen(sig->valuestring), "\n\r ", &raw_len,
                              NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
            raw_len != sizeof raw)
            continue;
        /* Every signature is tried against the trusted key: the key id is
         * only a hint for messages, an attacker controls it. */
        if (crypto_sign_verify_detached(raw, (const unsigned char *)signed_text, signed_len, pk) == 0) {
            verified = 1;
            break;
        }
    }
    if (!verified) {
        if (by_trusted_id)
            rc = ks_error_set(err, KS_ERR_SECURITY,
                              "%s: the signature by key %s does not verify: the manifest was altered or "
                              "corrupted (refused)",
                              source, trusted);
        else
            rc = ks_error_set(err, KS_ERR_SECURITY,
                              "%s: signed by key %s, not by the trusted key %s (refused)", source,
                              others[0] ? others : "(unknown)", trusted);
        goto out;
    }
    rc = ks_manifest_parse(signed_text, signed_len, source, &m, err);
    if (rc) goto out;
    memcpy(m->keyid, trusted, sizeof trusted);
    if (now != 0 && m->expires <= now) {
        char e[32], n[32];
        ks_clock_format_iso8601(m->expires, e, sizeof e);
        ks_clock_format_iso8601(now, n, sizeof n);
        rc = ks_error_set(err, KS_ERR_SECURITY,
                          "%s: version %lld expired at %s (now %s): the publisher must sign a fresh "
                          "manifest (refused)",
                          source, (long long)m->version, e, n);
        goto out;
    }
    *out = m;
    m = NULL;
out:
    ks_manifest_free(m);
    cJSON_Delete(root);
    return rc;
}

void ks_manifest_file_relpath(const ks_manifest_file *f, char *out, size_t size)
{
    if (f->kind == KS_MANIFEST_CONTENT)
        snprintf(out, size, "content/%s.json", f->sha256);
    else
        snprintf(out, size, "media/%s", f->sha256);
}

const ks_manifest_file *ks_manifest_find_media(const ks_manifest *m, const char *name)
{
    if (strncmp(name, "media/", 6) == 0) name += 6;
    for (size_t i = m->n_content; i < m->n_files; i++)
        if (strcmp(m->files[i].name, name) == 0) return &m->files[i];
    return NULL;
}
