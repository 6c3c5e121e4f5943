/*
 * bundle.c - signed content bundles (ks/bundle.h, docs/bundles.md): key
 * files, building a bundle from a source folder, verifying one, and
 * installing one into the store (shared by the USB import and sync).
 *
 * What it must not do: install anything that has not passed every check
 * (signature, newer version, expiry, every file's size and hash), change
 * live content other than in one store transaction, or hold a media file
 * in memory (files are streamed).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>
#include <sqlite3.h>

#include "ks/bundle.h"
#include "ks/clock.h"
#include "ks/faq.h"
#include "ks/file.h"
#include "ks/locale.h"
#include "ks/lock.h"
#include "ks/log.h"
#include "ks/path.h"
#include "ks/str.h"

#define CHUNK (64 * 1024)
#define KEY_FILE_MAX 4096
#define MEDIA_WALK_DEPTH 8

static ks_status crypto_ready(ks_error *err)
{
    if (sodium_init() < 0) return ks_error_set(err, KS_ERR_IO, "libsodium failed to initialise");
    return KS_OK;
}

/* ================================================================= keys */

static ks_status write_new_file(const char *path, const char *text, mode_t mode, ks_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        if (errno == EEXIST)
            return ks_error_set(err, KS_ERR_INVALID, "%s already exists: refusing to overwrite a key", path);
        return ks_error_set(err, KS_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    }
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int ok = n == (ssize_t)len && fsync(fd) == 0;
    int e = errno;
    close(fd);
    if (!ok) {
        unlink(path);
        return ks_error_set(err, KS_ERR_IO, "cannot write %s: %s", path, strerror(e));
    }
    return KS_OK;
}

ks_status ks_bundle_keygen(const char *secret_path, const char *public_path, ks_error *err)
{
    ks_status rc = crypto_ready(err);
    if (rc) return rc;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char sk64[sodium_base64_ENCODED_LEN(crypto_sign_SECRETKEYBYTES, sodium_base64_VARIANT_ORIGINAL) + 1];
    char pk64[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_ORIGINAL) + 1];
    crypto_sign_keypair(pk, sk);
    sodium_bin2base64(sk64, sizeof sk64 - 1, sk, sizeof sk, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(pk64, sizeof pk64 - 1, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    /* One line each: the buffers have room for the newline. */
    size_t l = strlen(sk64);
    sk64[l] = '\n';
    sk64[l + 1] = '\0';
    l = strlen(pk64);
    pk64[l] = '\n';
    pk64[l + 1] = '\0';
    if (ks_path_exists(public_path)) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s already exists: refusing to overwrite a key", public_path);
        goto out;
    }
    rc = write_new_file(secret_path, sk64, 0600, err);
    if (rc) goto out;
    rc = write_new_file(public_path, pk64, 0644, err);
    if (rc) unlink(secret_path);
out:
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(sk64, sizeof sk64);
    return rc;
}

/* Decodes a key file: base64 text (whitespace ignored) of exactly want
 * bytes, or (public keys only) the raw bytes. */
static ks_status read_key(const char *path, unsigned char *key, size_t want, int allow_raw, const char *what,
                          ks_error *err)
{
    char *data = NULL;
    size_t len = 0;
    ks_status rc = ks_file_read_all(path, KEY_FILE_MAX, &data, &len, err);
    if (rc) {
        ks_error_prefix(err, "%s", what);
        return rc;
    }
    size_t got = 0;
    if (allow_raw && len == want) {
        memcpy(key, data, want);
    } else if (sodium_base642bin(key, want, data, len, " \t\r\n", &got, NULL,
                                 sodium_base64_VARIANT_ORIGINAL) != 0 ||
               got != want) {
        rc = ks_error_set(err, KS_ERR_INVALID,
                          "%s: %s is not a %s (expected one line of base64 for %zu bytes%s)", what, path,
                          what, want, want == 32 && len > 60 ? "; is this the secret key file?" : "");
    }
    sodium_memzero(data, len);
    free(data);
    return rc;
}

ks_status ks_bundle_read_pubkey(const char *path, unsigned char pk[32], ks_error *err)
{
    ks_status rc = crypto_ready(err);
    if (rc) return rc;
    return read_key(path, pk, 32, 1, "public key", err);
}

ks_status ks_bundle_read_seckey(const char *path, unsigned char sk[64], ks_error *err)
{
    ks_status rc = crypto_ready(err);
    if (rc) return rc;
    rc = read_key(path, sk, 64, 0, "secret key", err);
    if (rc) return rc;
    /* libsodium's secret key embeds its public half: check they agree, so a
     * damaged key file fails here and not on every kiosk. */
    unsigned char seed[32], pk[32], sk2[64];
    crypto_sign_ed25519_sk_to_seed(seed, sk);
    crypto_sign_seed_keypair(pk, sk2, seed);
    int same = sodium_memcmp(sk, sk2, 64) == 0;
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk2, sizeof sk2);
    if (!same)
        return ks_error_set(err, KS_ERR_CORRUPT, "secret key: %s is damaged (its two halves disagree)", path);
    return KS_OK;
}

/* ============================================================= building */

typedef struct src_media {
    char *name; /* relative to SRC/media */
    char *path; /* full path */
    char sha256[KS_SHA256_HEX];
    uint64_t size;
} src_media;

typedef struct content_doc {
    char *name; /* "categories" or "<locale>/<id>" */
    char *json;
    size_t len;
    char sha256[KS_SHA256_HEX];
} content_doc;

typedef struct build_ctx {
    const char *src_dir, *out_dir;
    src_media *media;
    size_t n_media, cap_media;
    content_doc *docs;
    size_t n_docs, cap_docs;
    cJSON *categories; /* array, all categories of all files */
    char **cat_ids;
    size_t n_cat_ids;
    char **art_keys; /* "id\nlocale" */
    size_t n_art_keys;
    char **locales;
    size_t n_locales;
} build_ctx;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_media(const void *a, const void *b)
{
    return strcmp(((const src_media *)a)->name, ((const src_media *)b)->name);
}

static void build_free(build_ctx *b)
{
    for (size_t i = 0; i < b->n_media; i++) {
        free(b->media[i].name);
        free(b->media[i].path);
    }
    free(b->media);
    for (size_t i = 0; i < b->n_docs; i++) {
        free(b->docs[i].name);
        free(b->docs[i].json);
    }
    free(b->docs);
    cJSON_Delete(b->categories);
    for (size_t i = 0; i < b->n_cat_ids; i++)
        free(b->cat_ids[i]);
    free(b->cat_ids);
    for (size_t i = 0; i < b->n_art_keys; i++)
        free(b->art_keys[i]);
    free(b->art_keys);
    for (size_t i = 0; i < b->n_locales; i++)
        free(b->locales[i]);
    free(b->locales);
}

static ks_status push_str(char ***arr, size_t *n, const char *s, ks_error *err)
{
    char **na = realloc(*arr, (*n + 1) * sizeof *na);
    if (!na) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    *arr = na;
    if (!(na[*n] = ks_strdup(s))) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    (*n)++;
    return KS_OK;
}

static int has_str(char **arr, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arr[i], s) == 0) return 1;
    return 0;
}

/* Lists SRC/media recursively (regular files, hidden entries skipped). */
static ks_status walk_media(build_ctx *b, const char *dir, const char *prefix, int depth, ks_error *err)
{
    if (depth > MEDIA_WALK_DEPTH)
        return ks_error_set(err, KS_ERR_INVALID, "%s: folders nested deeper than %d levels", dir,
                            MEDIA_WALK_DEPTH);
    DIR *d = opendir(dir);
    if (!d) return ks_error_set(err, KS_ERR_IO, "cannot list %s: %s", dir, strerror(errno));
    ks_status rc = KS_OK;
    struct dirent *e;
    while (rc == KS_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *path = ks_path_join(dir, e->d_name);
        size_t nlen = strlen(prefix) + strlen(e->d_name) + 2;
        char *name = malloc(nlen);
        if (!path || !name) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        } else {
            snprintf(name, nlen, "%s%s%s", prefix, prefix[0] ? "/" : "", e->d_name);
            struct stat st;
            if (stat(path, &st) != 0) {
                rc = ks_error_set(err, KS_ERR_IO, "cannot stat %s: %s", path, strerror(errno));
            } else if (S_ISDIR(st.st_mode)) {
                rc = walk_media(b, path, name, depth + 1, err);
            } else if (S_ISREG(st.st_mode)) {
                if (!ks_path_is_safe_relative(name) || strlen(name) > KS_MANIFEST_MAX_NAME) {
                    rc = ks_error_set(err, KS_ERR_INVALID, "%s: the name 'media/%s' cannot be published",
                                      path, name);
                } else if (b->n_media == b->cap_media) {
                    size_t nc = b->cap_media ? b->cap_media * 2 : 32;
                    src_media *nm = realloc(b->media, nc * sizeof *nm);
                    if (!nm)
                        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
                    else {
                        b->media = nm;
                        b->cap_media = nc;
                    }
                }
                if (rc == KS_OK) {
                    src_media *m = &b->media[b->n_media++];
                    memset(m, 0, sizeof *m);
                    m->name = name;
                    m->path = path;
                    m->size = (uint64_t)st.st_size;
                    name = path = NULL;
                }
            }
        }
        free(path);
        free(name);
    }
    closedir(d);
    return rc;
}

static int media_known(const build_ctx *b, const char *name)
{
    src_media key = {.name = (char *)name};
    return b->n_media && bsearch(&key, b->media, b->n_media, sizeof *b->media, cmp_media) != NULL;
}

/* Every ](media/NAME) an article body cites must ship in the bundle, or
 * kiosks would show a broken image. */
static ks_status check_body_media(const build_ctx *b, const char *file, const char *id, const char *locale,
                                  const char *body, ks_error *err)
{
    for (const char *p = strstr(body, "](media/"); p; p = strstr(p + 1, "](media/")) {
        const char *s = p + 8;
        const char *e = strchr(s, ')');
        if (!e) break;
        size_t n = (size_t)(e - s);
        char name[KS_MANIFEST_MAX_NAME + 1];
        if (n == 0 || n > KS_MANIFEST_MAX_NAME) continue;
        memcpy(name, s, n);
        name[n] = '\0';
        if (!media_known(b, name))
            return ks_error_set(err, KS_ERR_NOT_FOUND,
                                "%s: article '%s' (%s): body cites media/%s, which is not in %s/media/", file,
                                id, locale, name, b->src_dir);
    }
    return KS_OK;
}

static void sha256_hex(const void *data, size_t len, char out[KS_SHA256_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, KS_SHA256_HEX, h, sizeof h);
}

static ks_status add_doc(build_ctx *b, const char *name, cJSON *doc, ks_error *err)
{
    if (b->n_docs == b->cap_docs) {
        size_t nc = b->cap_docs ? b->cap_docs * 2 : 64;
        content_doc *nd = realloc(b->docs, nc * sizeof *nd);
        if (!nd) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        b->docs = nd;
        b->cap_docs = nc;
    }
    content_doc *d = &b->docs[b->n_docs];
    memset(d, 0, sizeof *d);
    d->name = ks_strdup(name);
    d->json = cJSON_PrintUnformatted(doc);
    if (!d->name || !d->json) {
        free(d->name);
        free(d->json);
        return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    }
    d->len = strlen(d->json);
    sha256_hex(d->json, d->len, d->sha256);
    b->n_docs++;
    return KS_OK;
}

/* Splits one source file into per-article documents and collects its
 * categories. The file was validated by ks_faq_parse already. Positions
 * are made explicit so the split keeps the file's order. */
static ks_status split_file(build_ctx *b, const char *file, const char *json, size_t len, ks_error *err)
{
    ks_status rc = KS_OK;
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root) return ks_error_set(err, KS_ERR_INVALID, "%s: not valid JSON", file);
    cJSON *cats = cJSON_GetObjectItemCaseSensitive(root, "categories");
    cJSON *arts = cJSON_GetObjectItemCaseSensitive(root, "articles");
    int pos = 0;
    cJSON *c;
    cJSON_ArrayForEach(c, cats)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
        if (has_str(b->cat_ids, b->n_cat_ids, id->valuestring)) {
            rc = ks_error_set(err, KS_ERR_INVALID, "%s: category '%s' is also defined in another file", file,
                              id->valuestring);
            goto out;
        }
        if ((rc = push_str(&b->cat_ids, &b->n_cat_ids, id->valuestring, err))) goto out;
        cJSON *dup = cJSON_Duplicate(c, 1);
        if (!dup) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (!cJSON_HasObjectItem(dup, "position")) cJSON_AddNumberToObject(dup, "position", pos);
        cJSON_AddItemToArray(b->categories, dup);
        pos++;
    }
    pos = 0;
    cJSON *a;
    cJSON_ArrayForEach(a, arts)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(a, "id");
        const cJSON *loc = cJSON_GetObjectItemCaseSensitive(a, "locale");
        const cJSON *body = cJSON_GetObjectItemCaseSensitive(a, "body");
        char canon[KS_LOCALE_MAX];
        if (!cJSON_IsString(id) || !cJSON_IsString(loc) ||
            ks_locale_canonical(loc->valuestring, canon) != 0) {
            rc = ks_error_set(err, KS_ERR_INVALID, "%s: article %d has no usable id or locale", file, pos);
            goto out;
        }
        size_t klen = strlen(id->valuestring) + strlen(canon) + 2;
        char *key = malloc(klen);
        if (!key) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        snprintf(key, klen, "%s/%s", canon, id->valuestring);
        if (has_str(b->art_keys, b->n_art_keys, key)) {
            rc = ks_error_set(err, KS_ERR_INVALID, "%s: article '%s' (%s) is also defined in another file",
                              file, id->valuestring, canon);
            free(key);
            goto out;
        }
        if (cJSON_IsString(body) &&
            (rc = check_body_media(b, file, id->valuestring, canon, body->valuestring, err))) {
            free(key);
            goto out;
        }
        if (!has_str(b->locales, b->n_locales, canon) &&
            (rc = push_str(&b->locales, &b->n_locales, canon, err))) {
            free(key);
            goto out;
        }
        cJSON *doc = cJSON_CreateObject();
        cJSON *list = cJSON_CreateArray();
        cJSON *dup = cJSON_Duplicate(a, 1);
        if (!doc || !list || !dup) {
            cJSON_Delete(doc);
            cJSON_Delete(list);
            cJSON_Delete(dup);
            free(key);
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (!cJSON_HasObjectItem(dup, "position")) cJSON_AddNumberToObject(dup, "position", pos);
        cJSON_AddStringToObject(doc, "format", "kiosk-faq/1");
        cJSON_AddItemToArray(list, dup);
        cJSON_AddItemToObject(doc, "articles", list);
        rc = add_doc(b, key, doc, err);
        cJSON_Delete(doc);
        if (rc == KS_OK) rc = push_str(&b->art_keys, &b->n_art_keys, key, err);
        free(key);
        if (rc) goto out;
        pos++;
    }
out:
    cJSON_Delete(root);
    return rc;
}

/* Streams src into OUT/media/.tmp, hashing it, then renames it to its hash. */
static ks_status publish_media(build_ctx *b, src_media *m, const char *media_dir, ks_error *err)
{
    ks_status rc = KS_OK;
    unsigned char *buf = malloc(CHUNK);
    size_t tlen = strlen(media_dir) + 32;
    char *tmp = malloc(tlen);
    char *final = NULL;
    int in = -1, out = -1;
    uint64_t total = 0;
    if (!buf || !tmp) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    snprintf(tmp, tlen, "%s/.tmp.XXXXXX", media_dir);
    in = open(m->path, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        rc = ks_error_set(err, KS_ERR_IO, "cannot open %s: %s", m->path, strerror(errno));
        goto out;
    }
    out = mkstemp(tmp);
    if (out < 0) {
        rc = ks_error_set(err, KS_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
        tmp[0] = '\0';
        goto out;
    }
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    for (;;) {
        ssize_t n = read(in, buf, CHUNK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = ks_error_set(err, KS_ERR_IO, "cannot read %s: %s", m->path, strerror(errno));
            goto out;
        }
        if (n == 0) break;
        crypto_hash_sha256_update(&st, buf, (size_t)n);
        if (write(out, buf, (size_t)n) != n) {
            rc = ks_error_set(err, errno == ENOSPC ? KS_ERR_NOSPACE : KS_ERR_IO, "cannot write %s: %s", tmp,
                              strerror(errno));
            goto out;
        }
        total += (uint64_t)n;
    }
    if (total > KS_MANIFEST_MAX_FILE_SIZE) {
        rc = ks_error_set(err, KS_ERR_TOO_LARGE, "%s: larger than the %llu-byte limit for one media file",
                          m->path, (unsigned long long)KS_MANIFEST_MAX_FILE_SIZE);
        goto out;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(m->sha256, sizeof m->sha256, h, sizeof h);
    m->size = total;
    final = ks_path_join(media_dir, m->sha256);
    if (!final) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    uint64_t have = 0;
    if (ks_file_size(final, &have, NULL) == KS_OK && have == total) goto out; /* already published */
    /* Bundles are public, signed data: any static server must read them.
     * Durability comes from one filesystem sync before the manifest. */
    if (fchmod(out, 0644) != 0 || rename(tmp, final) != 0) {
        rc = ks_error_set(err, KS_ERR_IO, "cannot publish %s: %s", final, strerror(errno));
        goto out;
    }
    tmp[0] = '\0';
out:
    (void)b;
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    if (tmp && tmp[0]) unlink(tmp);
    free(tmp);
    free(final);
    free(buf);
    return rc;
}

/* Writes data to dir/name through a temp file: world-readable (bundles are
 * public, signed data a web server's own user must read), synced when
 * durable (else the caller syncs the filesystem once for many files),
 * renamed into place. The directory is synced by the caller. */
static ks_status write_public(const char *dir, const char *name, const char *data, size_t len, int durable,
                              ks_error *err)
{
    ks_status rc = KS_OK;
    char *final = ks_path_join(dir, name);
    size_t tlen = strlen(dir) + 32;
    char *tmp = malloc(tlen);
    int fd = -1;
    if (!final || !tmp) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    snprintf(tmp, tlen, "%s/.tmp.XXXXXX", dir);
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = ks_error_set(err, KS_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
        tmp[0] = '\0';
        goto out;
    }
    if (write(fd, data, len) != (ssize_t)len || fchmod(fd, 0644) != 0 || (durable && fsync(fd) != 0) ||
        rename(tmp, final) != 0) {
        rc = ks_error_set(err, errno == ENOSPC ? KS_ERR_NOSPACE : KS_ERR_IO, "cannot write %s: %s", final,
                          strerror(errno));
        goto out;
    }
    tmp[0] = '\0';
out:
    if (fd >= 0) close(fd);
    if (tmp && tmp[0]) unlink(tmp);
    free(tmp);
    free(final);
    return rc;
}

/* Writes data as dir/name unless a file of that size is already there
 * (content-addressed: same name, same bytes). */
static ks_status publish_bytes(const char *dir, const char *name, const char *data, size_t len, int *written,
                               ks_error *err)
{
    char *final = ks_path_join(dir, name);
    uint64_t have = 0;
    *written = 0;
    if (!final) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    int exists = ks_file_size(final, &have, NULL) == KS_OK && have == len;
    free(final);
    if (exists) return KS_OK;
    ks_status rc = write_public(dir, name, data, len, 0, err);
    if (rc == KS_OK) *written = 1;
    return rc;
}

/* The version of a manifest already in out_dir, or 0. Read without a
 * signature check: it only guards the operator against going backwards. */
static int64_t existing_version(const char *out_dir)
{
    char *path = ks_path_join(out_dir, KS_BUNDLE_MANIFEST);
    char *data = NULL, *inner = NULL;
    size_t len = 0, ilen = 0;
    ks_manifest *m = NULL;
    int64_t v = 0;
    if (path && ks_file_read_all(path, KS_MANIFEST_MAX_BYTES, &data, &len, NULL) == KS_OK &&
        ks_manifest_envelope_signed(data, len, path, &inner, &ilen, NULL) == KS_OK &&
        ks_manifest_parse(inner, ilen, path, &m, NULL) == KS_OK)
        v = m->version;
    ks_manifest_free(m);
    free(inner);
    free(data);
    free(path);
    return v;
}

static ks_status list_sources(const char *src_dir, char ***out, size_t *n, ks_error *err)
{
    DIR *d = opendir(src_dir);
    if (!d)
        return ks_error_set(err, KS_ERR_NOT_FOUND, "cannot open the source folder %s: %s", src_dir,
                            strerror(errno));
    ks_status rc = KS_OK;
    struct dirent *e;
    while (rc == KS_OK && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json") != 0) continue;
        char *p = ks_path_join(src_dir, e->d_name);
        if (!p) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            break;
        }
        if (!ks_path_is_dir(p)) rc = push_str(out, n, p, err);
        free(p);
    }
    closedir(d);
    if (rc == KS_OK && *n) qsort(*out, *n, sizeof **out, cmp_str);
    return rc;
}

ks_status ks_bundle_build(const char *src_dir, const char *out_dir, const unsigned char sk[64],
                          const ks_bundle_build_opts *opts, ks_bundle_build_stats *stats, ks_error *err)
{
    ks_status rc = crypto_ready(err);
    if (rc) return rc;
    build_ctx b = {.src_dir = src_dir, .out_dir = out_dir};
    char **files = NULL;
    size_t n_files = 0;
    char *media_src = NULL, *media_dir = NULL, *content_dir = NULL, *manifest_path = NULL;
    char *inner_text = NULL, *envelope_text = NULL;
    cJSON *inner = NULL, *env = NULL;
    ks_manifest *check = NULL;
    ks_bundle_build_stats st = {0};
    int64_t now = opts->now ? opts->now : ks_clock_unix_s();
    int64_t expires = opts->expires ? opts->expires : now + KS_BUNDLE_DEFAULT_VALIDITY_S;

    if (opts->version < 1) return ks_error_set(err, KS_ERR_INVALID, "--version must be 1 or more");
    if (expires <= now) return ks_error_set(err, KS_ERR_INVALID, "--expires must be in the future");
    int64_t prev = existing_version(out_dir);
    if (prev >= opts->version)
        return ks_error_set(err, KS_ERR_INVALID,
                            "%s already publishes version %lld: pass --version %lld or higher (kiosks refuse "
                            "anything not newer than what they have)",
                            out_dir, (long long)prev, (long long)prev + 1);
    b.categories = cJSON_CreateArray();
    media_src = ks_path_join(src_dir, "media");
    media_dir = ks_path_join(out_dir, "media");
    content_dir = ks_path_join(out_dir, "content");
    manifest_path = ks_path_join(out_dir, KS_BUNDLE_MANIFEST);
    if (!b.categories || !media_src || !media_dir || !content_dir || !manifest_path) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }

    /* 1. Everything is validated before anything is written. */
    if (ks_path_is_dir(media_src) && (rc = walk_media(&b, media_src, "", 0, err))) goto out;
    if (b.n_media) qsort(b.media, b.n_media, sizeof *b.media, cmp_media);
    if ((rc = list_sources(src_dir, &files, &n_files, err))) goto out;
    if (n_files == 0) {
        rc = ks_error_set(err, KS_ERR_NOT_FOUND, "%s has no *.json FAQ files to publish", src_dir);
        goto out;
    }
    for (size_t i = 0; i < n_files; i++) {
        char *data = NULL;
        size_t len = 0;
        ks_faq *faq = NULL;
        rc = ks_file_read_all(files[i], KS_FAQ_MAX_FILE_BYTES, &data, &len, err);
        if (rc == KS_OK) rc = ks_faq_parse(data, len, files[i], &faq, err);
        if (rc == KS_OK) rc = split_file(&b, files[i], data, len, err);
        ks_faq_free(faq);
        free(data);
        if (rc) goto out;
    }
    if (b.n_docs == 0) {
        rc = ks_error_set(err, KS_ERR_INVALID, "%s: the files define no articles", src_dir);
        goto out;
    }
    /* Categories go first: the store checks articles' categories against
     * what the import defines. */
    if (cJSON_GetArraySize(b.categories) > 0) {
        cJSON *doc = cJSON_CreateObject();
        if (!doc) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        cJSON_AddStringToObject(doc, "format", "kiosk-faq/1");
        cJSON_AddItemToObject(doc, "categories", b.categories);
        b.categories = NULL;
        rc = add_doc(&b, "categories", doc, err);
        cJSON_Delete(doc);
        if (rc) goto out;
        content_doc cat = b.docs[b.n_docs - 1];
        memmove(b.docs + 1, b.docs, (b.n_docs - 1) * sizeof *b.docs);
        b.docs[0] = cat;
        st.categories = (size_t)b.n_cat_ids;
    }
    st.articles = b.n_art_keys;

    /* 2. Files, then the manifest last: a half-built bundle is never
     * published. */
    if ((rc = ks_path_mkdirs(media_dir, err)) || (rc = ks_path_mkdirs(content_dir, err))) goto out;
    /* World-readable, like the files: a web server's own user serves them. */
    if (chmod(out_dir, 0755) != 0 || chmod(media_dir, 0755) != 0 || chmod(content_dir, 0755) != 0)
        ks_log_warn("bundle", "cannot make %s readable by a web server: %s", out_dir, strerror(errno));
    for (size_t i = 0; i < b.n_media; i++) {
        if ((rc = publish_media(&b, &b.media[i], media_dir, err))) goto out;
        st.total_bytes += b.media[i].size;
    }
    st.media = b.n_media;
    for (size_t i = 0; i < b.n_docs; i++) {
        char name[KS_SHA256_HEX + 8];
        int written = 0;
        snprintf(name, sizeof name, "%s.json", b.docs[i].sha256);
        if ((rc = publish_bytes(content_dir, name, b.docs[i].json, b.docs[i].len, &written, err))) goto out;
        st.files_written += (size_t)written;
        st.total_bytes += b.docs[i].len;
    }
    /* One barrier for all the files: none of them is named by a manifest
     * until they are on disk. */
    if ((rc = ks_file_sync_filesystem(out_dir, err)) || (rc = ks_file_fsync_dir(media_dir, err)) ||
        (rc = ks_file_fsync_dir(content_dir, err)))
        goto out;

    inner = cJSON_CreateObject();
    cJSON *locs = cJSON_CreateArray(), *content = cJSON_CreateArray(), *media = cJSON_CreateArray();
    char created_s[32], expires_s[32];
    ks_clock_format_iso8601(now, created_s, sizeof created_s);
    ks_clock_format_iso8601(expires, expires_s, sizeof expires_s);
    if (!inner || !locs || !content || !media) {
        cJSON_Delete(locs);
        cJSON_Delete(content);
        cJSON_Delete(media);
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (b.n_locales) qsort(b.locales, b.n_locales, sizeof *b.locales, cmp_str);
    for (size_t i = 0; i < b.n_locales; i++)
        cJSON_AddItemToArray(locs, cJSON_CreateString(b.locales[i]));
    for (size_t i = 0; i < b.n_docs; i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", b.docs[i].name);
        cJSON_AddStringToObject(f, "sha256", b.docs[i].sha256);
        cJSON_AddNumberToObject(f, "size", (double)b.docs[i].len);
        cJSON_AddItemToArray(content, f);
    }
    for (size_t i = 0; i < b.n_media; i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", b.media[i].name);
        cJSON_AddStringToObject(f, "sha256", b.media[i].sha256);
        cJSON_AddNumberToObject(f, "size", (double)b.media[i].size);
        cJSON_AddItemToArray(media, f);
    }
    cJSON_AddStringToObject(inner, "format", KS_MANIFEST_FORMAT);
    cJSON_AddNumberToObject(inner, "version", (double)opts->version);
    cJSON_AddStringToObject(inner, "created", created_s);
    cJSON_AddStringToObject(inner, "expires", expires_s);
    cJSON_AddItemToObject(inner, "locales", locs);
    cJSON_AddItemToObject(inner, "content", content);
    cJSON_AddItemToObject(inner, "media", media);
    inner_text = cJSON_PrintUnformatted(inner);
    if (!inner_text) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t inner_len = strlen(inner_text);
    /* The builder checks its own output with the kiosk's parser. */
    if ((rc = ks_manifest_parse(inner_text, inner_len, "built manifest", &check, err))) goto out;

    unsigned char sig[crypto_sign_BYTES], pk[32];
    char sig64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    char keyid[KS_KEYID_HEX];
    crypto_sign_detached(sig, NULL, (const unsigned char *)inner_text, inner_len, sk);
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    ks_manifest_keyid(pk, keyid);
    sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    env = cJSON_CreateObject();
    cJSON *sigs = cJSON_CreateArray(), *s = cJSON_CreateObject();
    if (!env || !sigs || !s) {
        cJSON_Delete(sigs);
        cJSON_Delete(s);
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    cJSON_AddStringToObject(s, "keyid", keyid);
    cJSON_AddStringToObject(s, "sig", sig64);
    cJSON_AddItemToArray(sigs, s);
    cJSON_AddStringToObject(env, "format", KS_MANIFEST_ENVELOPE_FORMAT);
    cJSON_AddStringToObject(env, "signed", inner_text);
    cJSON_AddItemToObject(env, "signatures", sigs);
    envelope_text = cJSON_Print(env);
    if (!envelope_text) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t env_len = strlen(envelope_text);
    if (env_len > KS_MANIFEST_MAX_BYTES) {
        rc = ks_error_set(err, KS_ERR_TOO_LARGE,
                          "the manifest would be %zu bytes, over the %u-byte limit kiosks accept", env_len,
                          KS_MANIFEST_MAX_BYTES);
        goto out;
    }
    struct stat before;
    int had_prev = stat(manifest_path, &before) == 0;
    if ((rc = write_public(out_dir, KS_BUNDLE_MANIFEST, envelope_text, env_len, 1, err)) ||
        (rc = ks_file_fsync_dir(out_dir, err)))
        goto out;
    st.files_written++;
    /* Static servers derive ETags from mtime (whole seconds) and size, so
     * two versions published within one second with equal sizes would
     * share an ETag and kiosks would miss the second: keep the manifest's
     * mtime strictly increasing. */
    struct stat now_st;
    if (had_prev && stat(manifest_path, &now_st) == 0 && now_st.st_mtime <= before.st_mtime) {
        struct timespec ts[2] = {{.tv_sec = before.st_mtime + 1}, {.tv_sec = before.st_mtime + 1}};
        if (utimensat(AT_FDCWD, manifest_path, ts, 0) != 0)
            ks_log_warn("bundle", "cannot bump the mtime of %s: %s", manifest_path, strerror(errno));
    }
    ks_log_info("bundle", "built version %lld in %s: %zu articles, %zu categories, %zu media, key %s",
                (long long)opts->version, out_dir, st.articles, st.categories, st.media, keyid);
    if (stats) *stats = st;
out:
    for (size_t i = 0; i < n_files; i++)
        free(files[i]);
    free(files);
    build_free(&b);
    cJSON_Delete(inner);
    cJSON_Delete(env);
    ks_manifest_free(check);
    free(inner_text);
    free(envelope_text);
    free(media_src);
    free(media_dir);
    free(content_dir);
    free(manifest_path);
    return rc;
}

/* ============================================================ verifying */

static ks_status read_manifest_file(const char *dir, char **data, size_t *len, char **path_out, ks_error *err)
{
    char *path = ks_path_join(dir, KS_BUNDLE_MANIFEST);
    if (!path) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    ks_status rc = ks_file_read_all(path, KS_MANIFEST_MAX_BYTES, data, len, err);
    if (rc == KS_ERR_NOT_FOUND)
        rc = ks_error_set(err, KS_ERR_NOT_FOUND, "%s: no %s here: not a bundle folder", dir,
                          KS_BUNDLE_MANIFEST);
    if (rc) {
        free(path);
        return rc;
    }
    *path_out = path;
    return KS_OK;
}

/* Streams path through SHA-256 and compares size and hash. */
static ks_status check_file(const char *path, const ks_manifest_file *f, ks_error *err)
{
    ks_status rc = KS_OK;
    unsigned char *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ks_error_set(
            err, errno == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO, "%s '%s': %s is missing (%s)",
            f->kind == KS_MANIFEST_CONTENT ? "content" : "media", f->name, path, strerror(errno));
    buf = malloc(CHUNK);
    if (!buf) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    uint64_t total = 0;
    for (;;) {
        ssize_t n = read(fd, buf, CHUNK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = ks_error_set(err, KS_ERR_IO, "cannot read %s: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0) break;
        total += (uint64_t)n;
        if (total > f->size) {
            rc = ks_error_set(err, KS_ERR_SECURITY, "%s: longer than the %llu bytes the manifest declares",
                              path, (unsigned long long)f->size);
            goto out;
        }
        crypto_hash_sha256_update(&st, buf, (size_t)n);
    }
    if (total != f->size) {
        rc = ks_error_set(err, KS_ERR_CORRUPT, "%s: %llu bytes, the manifest declares %llu", path,
                          (unsigned long long)total, (unsigned long long)f->size);
        goto out;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[KS_SHA256_HEX];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    if (strcmp(hex, f->sha256) != 0)
        rc = ks_error_set(err, KS_ERR_SECURITY, "%s: wrong SHA-256 (%s '%s' was altered or corrupted)", path,
                          f->kind == KS_MANIFEST_CONTENT ? "content" : "media", f->name);
out:
    free(buf);
    close(fd);
    return rc;
}

ks_status ks_bundle_verify_dir(const char *dir, const unsigned char pk[32], int64_t now, ks_manifest **out,
                               ks_error *err)
{
    char *data = NULL, *mpath = NULL;
    size_t len = 0;
    ks_manifest *m = NULL;
    ks_status rc = crypto_ready(err);
    if (rc) return rc;
    if ((rc = read_manifest_file(dir, &data, &len, &mpath, err))) return rc;
    if ((rc = ks_manifest_open(data, len, mpath, pk, now, &m, err))) goto out;
    for (size_t i = 0; i < m->n_files && rc == KS_OK; i++) {
        const ks_manifest_file *f = &m->files[i];
        char rel[96];
        ks_manifest_file_relpath(f, rel, sizeof rel);
        char *p = ks_path_join(dir, rel);
        if (!p) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            break;
        }
        rc = check_file(p, f, err);
        if (rc == KS_OK && f->kind == KS_MANIFEST_CONTENT) {
            char *json = NULL;
            size_t jl = 0;
            ks_faq *faq = NULL;
            rc = ks_file_read_all(p, KS_FAQ_MAX_FILE_BYTES, &json, &jl, err);
            if (rc == KS_OK) rc = ks_faq_parse(json, jl, f->name, &faq, err);
            ks_faq_free(faq);
            free(json);
        }
        free(p);
    }
    if (rc == KS_OK && out) {
        *out = m;
        m = NULL;
    }
out:
    ks_manifest_free(m);
    free(data);
    free(mpath);
    return rc;
}

/* ======================================================== install state */

static const char state_sql[] = "CREATE TABLE IF NOT EXISTS bundle_state("
                                " id INTEGER PRIMARY KEY CHECK(id = 1),"
                                " version INTEGER NOT NULL,"
                                " digest TEXT NOT NULL,"
                                " keyid TEXT NOT NULL,"
                                " created INTEGER NOT NULL,"
                                " expires INTEGER NOT NULL,"
                                " installed_at INTEGER NOT NULL);";

ks_status ks_bundle_installed(ks_store *store, int64_t *version, char digest[KS_SHA256_HEX], ks_error *err)
{
    sqlite3 *db = ks_store_db(store);
    int64_t v = 0;
    ks_status rc = ks_store_content_version(store, &v, err);
    if (rc) return rc;
    *version = v;
    digest[0] = '\0';
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT digest FROM bundle_state WHERE id = 1 AND version = ?", -1, &q,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, v);
        if (sqlite3_step(q) == SQLITE_ROW) {
            const char *d = (const char *)sqlite3_column_text(q, 0);
            if (d && strlen(d) == 64) memcpy(digest, d, KS_SHA256_HEX);
        }
    } /* else: no bundle ever installed, the table does not exist yet */
    sqlite3_finalize(q);
    return KS_OK;
}

ks_status ks_bundle_check_newer(ks_store *store, const ks_manifest *m, int *same, ks_error *err)
{
    int64_t v;
    char digest[KS_SHA256_HEX];
    ks_status rc = ks_bundle_installed(store, &v, digest, err);
    if (rc) return rc;
    *same = 0;
    if (m->version > v) return KS_OK;
    if (m->version == v && strcmp(digest, m->digest) == 0) {
        *same = 1;
        return KS_OK;
    }
    if (m->version == v)
        return ks_error_set(err, KS_ERR_SECURITY,
                            "version %lld is installed already with a different manifest: a publisher must "
                            "never reuse a version number (refused)",
                            (long long)v);
    return ks_error_set(err, KS_ERR_SECURITY,
                        "version %lld is older than the installed version %lld (rollback refused)",
                        (long long)m->version, (long long)v);
}

uint64_t ks_bundle_disk_reserve(void)
{
    const char *s = getenv("KS_DISK_RESERVE_MB");
    if (s && *s) {
        char *end = NULL;
        errno = 0;
        unsigned long long mb = strtoull(s, &end, 10);
        if (errno == 0 && end && *end == '\0' && mb < (1ull << 40)) return mb * 1024 * 1024;
        ks_log_warn("bundle", "KS_DISK_RESERVE_MB='%s' is not a number of megabytes: using %d", s,
                    KS_BUNDLE_DEFAULT_RESERVE_MB);
    }
    return (uint64_t)KS_BUNDLE_DEFAULT_RESERVE_MB * 1024 * 1024;
}

ks_status ks_bundle_check_space(const char *dir, uint64_t needed, ks_error *err)
{
    uint64_t avail = 0, reserve = ks_bundle_disk_reserve();
    ks_status rc = ks_file_free_space(dir, &avail, err);
    if (rc) return rc;
    if (needed > avail || avail - needed < reserve)
        return ks_error_set(
            err, KS_ERR_NOSPACE,
            "not enough free disk space in %s: the update needs %.1f MB and %.1f MB must stay "
            "free (KS_DISK_RESERVE_MB), but only %.1f MB are free",
            dir, needed / 1048576.0, reserve / 1048576.0, avail / 1048576.0);
    return KS_OK;
}

/* ============================================================ installing */

typedef struct commit_ctx {
    const ks_manifest *m;
} commit_ctx;

static ks_status on_before_commit(sqlite3 *db, void *user, ks_error *err)
{
    const commit_ctx *c = user;
    ks_status rc = ks_mediastore_write_live(db, c->m, err);
    if (rc) return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(db, state_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(
            db,
            "INSERT OR REPLACE INTO bundle_state(id, version, digest, keyid, created, expires, "
            "installed_at) VALUES(1, ?, ?, ?, ?, ?, ?)",
            -1, &st, NULL) != SQLITE_OK)
        return ks_error_set(err, KS_ERR_DB, "cannot record the installed bundle: %s", sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, c->m->version);
    sqlite3_bind_text(st, 2, c->m->digest, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->m->keyid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->m->created);
    sqlite3_bind_int64(st, 5, c->m->expires);
    sqlite3_bind_int64(st, 6, ks_clock_unix_s());
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return ks_error_set(err, r == SQLITE_FULL ? KS_ERR_NOSPACE : KS_ERR_DB,
                            "cannot record the installed bundle: %s", sqlite3_errmsg(db));
    return KS_OK;
}

ks_status ks_bundle_apply(ks_store *store, ks_mediastore *ms, const ks_manifest *m,
                          ks_bundle_apply_stats *stats, ks_error *err)
{
    int same = 0;
    ks_status rc = ks_bundle_check_newer(store, m, &same, err);
    if (rc) return rc;
    ks_bundle_apply_stats st = {0};
    ks_faq **faqs = calloc(m->n_content ? m->n_content : 1, sizeof *faqs);
    size_t n = 0;
    if (!faqs) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    if (same) goto gc;
    /* Every file the new content names must be here before it goes live. */
    for (size_t i = 0; i < m->n_files; i++) {
        const ks_manifest_file *f = &m->files[i];
        int have = f->kind == KS_MANIFEST_CONTENT ? ks_mediastore_has_doc(ms, f->sha256, f->size)
                                                  : ks_mediastore_has(ms, f->sha256, f->size);
        if (!have) {
            rc = ks_error_set(err, KS_ERR_NOT_FOUND, "%s '%s' (%s) is not in the media store",
                              f->kind == KS_MANIFEST_CONTENT ? "content" : "media", f->name, f->sha256);
            goto out;
        }
    }
    for (; n < m->n_content; n++) {
        char *json = NULL;
        size_t len = 0;
        rc = ks_mediastore_get_doc(ms, m->files[n].sha256, &json, &len, err);
        if (rc == KS_OK) rc = ks_faq_parse(json, len, m->files[n].name, &faqs[n], err);
        free(json);
        if (rc) {
            ks_error_prefix(err, "bundle version %lld", (long long)m->version);
            goto out;
        }
    }
    commit_ctx cc = {m};
    ks_import_opts io = {.mode = KS_IMPORT_REPLACE_ALL,
                         .content_version = m->version,
                         .before_commit = on_before_commit,
                         .user = &cc};
    ks_import_stats is = {0};
    rc = ks_store_import(store, (ks_faq *const *)faqs, n, &io, &is, err);
    if (rc) {
        ks_error_prefix(err, "installing bundle version %lld", (long long)m->version);
        goto out;
    }
    st.articles = is.articles;
    st.categories = is.categories;
    ks_log_info("bundle", "version %lld installed: %zu articles, %zu categories, %zu files",
                (long long)m->version, is.articles, is.categories, m->n_files);
gc:
    /* After the switch: a failed or interrupted clean-up only leaves
     * garbage the next one removes. */
    if (ks_mediastore_gc(ms, &st.gc_removed, &st.gc_freed, err) != KS_OK) {
        ks_log_warn("bundle", "clean-up of old media failed (will retry): %s", err ? err->msg : "");
        ks_error_clear(err);
    }
    if (stats) *stats = st;
out:
    for (size_t i = 0; i < n; i++)
        ks_faq_free(faqs[i]);
    free(faqs);
    return rc;
}

/* Reads the content documents the store lacks from a bundle folder and
 * stores them, checked, in batches of a few hundred. */
#define DOC_BATCH 256
static ks_status copy_docs(ks_mediastore *ms, const ks_manifest *m, const char *dir,
                           ks_bundle_import_stats *st, ks_error *err)
{
    ks_status rc = KS_OK;
    ks_mediastore_doc batch[DOC_BATCH];
    char *bufs[DOC_BATCH];
    size_t n = 0;
    for (size_t i = 0; i <= m->n_content; i++) {
        if (n == DOC_BATCH || (i == m->n_content && n)) {
            rc = ks_mediastore_put_docs(ms, batch, n, err);
            for (size_t k = 0; k < n; k++)
                free(bufs[k]);
            n = 0;
            if (rc) return rc;
        }
        if (i == m->n_content) break;
        const ks_manifest_file *f = &m->files[i];
        if (ks_mediastore_has_doc(ms, f->sha256, f->size)) continue;
        char rel[96];
        ks_manifest_file_relpath(f, rel, sizeof rel);
        char *p = ks_path_join(dir, rel);
        size_t len = 0;
        if (!p) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            break;
        }
        /* One byte over the declared size is enough to call it too long. */
        rc = ks_file_read_all(p, (size_t)f->size + 1, &bufs[n], &len, err);
        free(p);
        if (rc) break; /* bufs[n] is only set on success */
        if ((rc = ks_mediastore_check_doc(f, bufs[n], len, err))) {
            free(bufs[n]);
            break;
        }
        batch[n] = (ks_mediastore_doc){f, bufs[n], len};
        n++;
        st->files_copied++;
        st->bytes_copied += f->size;
    }
    for (size_t k = 0; k < n; k++)
        free(bufs[k]);
    return rc;
}

ks_status ks_bundle_import_dir(ks_store *store, const char *dir, const unsigned char pk[32],
                               ks_bundle_import_stats *stats, ks_error *err)
{
    ks_status rc = crypto_ready(err);
    if (rc) return rc;
    ks_lock *lock = NULL;
    ks_mediastore *ms = NULL;
    ks_manifest *m = NULL;
    char *data = NULL, *mpath = NULL;
    size_t len = 0;
    ks_bundle_import_stats st = {0};
    const char *data_dir = ks_store_data_dir(store);

    rc = ks_lock_acquire(data_dir, "sync", &lock, err);
    if (rc == KS_ERR_BUSY) {
        rc = ks_error_set(err, KS_ERR_BUSY,
                          "a sync or another import is running on %s: try again when it ends", data_dir);
    }
    if (rc) goto out;
    if ((rc = read_manifest_file(dir, &data, &len, &mpath, err))) goto out;
    if ((rc = ks_manifest_open(data, len, mpath, pk, ks_clock_unix_s(), &m, err))) goto out;
    st.version = m->version;
    int same = 0;
    if ((rc = ks_bundle_check_newer(store, m, &same, err))) goto out;
    if ((rc = ks_mediastore_open(store, &ms, err))) goto out;
    if (same) {
        st.already_installed = 1;
        goto out;
    }
    /* The whole bundle must be on the stick before anything is copied. */
    uint64_t needed = 0, content_bytes = 0;
    for (size_t i = 0; i < m->n_files; i++) {
        const ks_manifest_file *f = &m->files[i];
        char rel[96];
        ks_manifest_file_relpath(f, rel, sizeof rel);
        char *p = ks_path_join(dir, rel);
        uint64_t size = 0;
        if (!p) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        ks_status s = ks_file_size(p, &size, NULL);
        free(p);
        if (s != KS_OK) {
            rc = ks_error_set(err, KS_ERR_NOT_FOUND, "%s: %s '%s' (%s) is missing: the bundle is incomplete",
                              dir, f->kind == KS_MANIFEST_CONTENT ? "content" : "media", f->name, rel);
            goto out;
        }
        if (size != f->size) {
            rc = ks_error_set(err, KS_ERR_CORRUPT, "%s/%s: %llu bytes, the manifest declares %llu", dir, rel,
                              (unsigned long long)size, (unsigned long long)f->size);
            goto out;
        }
        if (f->kind == KS_MANIFEST_CONTENT)
            content_bytes += f->size;
        else if (!ks_mediastore_has(ms, f->sha256, f->size))
            needed += f->size;
    }
    /* The database grows by roughly four times the content text (the
     * documents, rows, search index, WAL) during the switch. */
    if ((rc = ks_bundle_check_space(data_dir, needed + 4 * content_bytes, err))) goto out;
    if ((rc = copy_docs(ms, m, dir, &st, err))) goto out;
    for (size_t i = m->n_content; i < m->n_files; i++) {
        const ks_manifest_file *f = &m->files[i];
        if (ks_mediastore_has(ms, f->sha256, f->size)) continue;
        char rel[96];
        ks_manifest_file_relpath(f, rel, sizeof rel);
        char *p = ks_path_join(dir, rel);
        if (!p) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            goto out;
        }
        rc = ks_mediastore_add_file(ms, p, f->sha256, f->size, f->name, err);
        free(p);
        if (rc) goto out;
        st.files_copied++;
        st.bytes_copied += f->size;
    }
    if ((rc = ks_mediastore_sync(ms, err))) goto out;
    rc = ks_bundle_apply(store, ms, m, &st.apply, err);
out:
    if (rc == KS_OK && stats) *stats = st;
    if (rc && rc != KS_ERR_BUSY)
        ks_log_error("bundle", "import from %s refused: %s", dir, err ? err->msg : "");
    ks_manifest_free(m);
    ks_mediastore_close(ms);
    free(data);
    free(mpath);
    ks_lock_release(lock);
    return rc;
}
