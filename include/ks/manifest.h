/*
 * manifest.h - the signed manifest of a content bundle (docs/bundles.md).
 *
 * A bundle's manifest.json is an envelope
 *   {"format": "kiosk-bundle/1", "signed": "<manifest JSON text>",
 *    "signatures": [{"keyid": "<16 hex>", "sig": "<base64 Ed25519>"}]}
 * The signature covers the exact bytes of the "signed" string, so nothing
 * needs canonical JSON. The inner manifest ("kiosk-manifest/1") names the
 * content version, created/expires times, locales, and every content file
 * (kiosk-faq/1 documents) and media file by SHA-256 and size.
 *
 * This module only parses and checks: it never touches the network, the
 * disk or the store. Everything it returns is owned by the ks_manifest:
 * free with ks_manifest_free().
 */
#ifndef KS_MANIFEST_H
#define KS_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"

/* Documented limits (docs/bundles.md). */
#define KS_MANIFEST_MAX_BYTES (16u * 1024u * 1024u)           /* whole manifest.json */
#define KS_MANIFEST_MAX_FILES 500000u                         /* content + media entries */
#define KS_MANIFEST_MAX_FILE_SIZE (4ull * 1024 * 1024 * 1024) /* one media file */
#define KS_MANIFEST_MAX_NAME 255
#define KS_MANIFEST_MAX_SIGNATURES 16

#define KS_MANIFEST_ENVELOPE_FORMAT "kiosk-bundle/1"
#define KS_MANIFEST_FORMAT "kiosk-manifest/1"

/* Length of a hex SHA-256 with its NUL, and of a key id with its NUL. */
#define KS_SHA256_HEX 65
#define KS_KEYID_HEX 17

typedef enum ks_manifest_kind {
    KS_MANIFEST_CONTENT, /* a kiosk-faq/1 document: served as content/<sha256>.json */
    KS_MANIFEST_MEDIA,   /* a media file: served as media/<sha256> */
} ks_manifest_kind;

typedef struct ks_manifest_file {
    ks_manifest_kind kind;
    char *name;                 /* safe relative name; media: what articles cite as media/NAME */
    char sha256[KS_SHA256_HEX]; /* lowercase hex */
    uint64_t size;
} ks_manifest_file;

typedef struct ks_manifest {
    int64_t version; /* >= 1, strictly increasing per publisher */
    int64_t created; /* unix seconds */
    int64_t expires; /* unix seconds, > created */
    char **locales;
    size_t n_locales;
    ks_manifest_file *files; /* content files first, then media, as listed */
    size_t n_files;
    size_t n_content;           /* files[0 .. n_content) are content */
    uint64_t total_bytes;       /* sum of all file sizes */
    char keyid[KS_KEYID_HEX];   /* key that signed it (set by ks_manifest_open) */
    char digest[KS_SHA256_HEX]; /* SHA-256 of the signed bytes: this manifest's identity */
} ks_manifest;

/* The key id of an Ed25519 public key: first 8 bytes of its SHA-256, hex. */
void ks_manifest_keyid(const unsigned char pk[32], char out[KS_KEYID_HEX]);

/* Checks the envelope of manifest.json (len bytes, at most
 * KS_MANIFEST_MAX_BYTES), the Ed25519 signature by pk over the signed bytes,
 * then parses and validates the inner manifest. Expiry is checked against
 * now (unix seconds) unless now is 0. Refusals are KS_ERR_SECURITY (missing
 * or bad signature, other key, expired, unsafe name), KS_ERR_TOO_LARGE,
 * or KS_ERR_INVALID (malformed), each naming source and what was wrong.
 * On success *out: ks_manifest_free(). */
ks_status ks_manifest_open(const char *data, size_t len, const char *source, const unsigned char pk[32],
                           int64_t now, ks_manifest **out, ks_error *err);

/* Parses and validates an inner manifest (the signed bytes) without any
 * signature check: for the builder and for fuzzing. keyid/digest are left
 * empty / set to the digest of json. */
ks_status ks_manifest_parse(const char *json, size_t len, const char *source, ks_manifest **out,
                            ks_error *err);

/* Splits an envelope without verifying it: *signed_json (malloc'ed,
 * NUL-terminated, free()) and its length. For tools that must read an
 * untrusted manifest's version (the builder's "is newer" guard). */
ks_status ks_manifest_envelope_signed(const char *data, size_t len, const char *source, char **signed_json,
                                      size_t *signed_len, ks_error *err);

/* Relative URL / path of a file inside a bundle directory:
 * "content/<sha256>.json" or "media/<sha256>". Writes into out. */
void ks_manifest_file_relpath(const ks_manifest_file *f, char *out, size_t size);

/* The media entry named name (with or without a "media/" prefix), or NULL. */
const ks_manifest_file *ks_manifest_find_media(const ks_manifest *m, const char *name);

void ks_manifest_free(ks_manifest *m);

#endif
