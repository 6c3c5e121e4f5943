/*
 * bundle.h - signed content bundles (docs/bundles.md): keys, building,
 * verifying, and installing a bundle into the store.
 *
 * A bundle is a directory any static server can host unchanged:
 *   manifest.json            signed envelope (ks/manifest.h)
 *   content/<sha256>.json    kiosk-faq/1 documents (one per article+locale,
 *                            one with all categories)
 *   media/<sha256>           media files, content-addressed
 * Installing one (from a USB stick here, from the network in ks/sync.h)
 * always runs the same checks: signature, version newer than the installed
 * one, not expired, every file's size and hash, then one store transaction
 * that switches content and the live media list together.
 *
 * Key files are one line of base64: the public key (32 bytes) and the
 * secret key (libsodium's 64-byte Ed25519 secret key, file mode 0600).
 */
#ifndef KS_BUNDLE_H
#define KS_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"
#include "ks/manifest.h"
#include "ks/mediastore.h"
#include "ks/store.h"

#define KS_BUNDLE_MANIFEST "manifest.json"
/* Default validity of a built manifest when --expires is not given. */
#define KS_BUNDLE_DEFAULT_VALIDITY_S (90 * 24 * 3600)
/* Free space kept on the data directory's disk after an install, unless the
 * environment variable KS_DISK_RESERVE_MB says otherwise. */
#define KS_BUNDLE_DEFAULT_RESERVE_MB 128

/* --- keys --------------------------------------------------------------- */

/* Writes a new key pair. Refuses to overwrite an existing file. */
ks_status ks_bundle_keygen(const char *secret_path, const char *public_path, ks_error *err);
/* Reads a public key file (base64 text or raw 32 bytes). */
ks_status ks_bundle_read_pubkey(const char *path, unsigned char pk[32], ks_error *err);
/* Reads a secret key file written by ks_bundle_keygen(). */
ks_status ks_bundle_read_seckey(const char *path, unsigned char sk[64], ks_error *err);

/* --- building ------------------------------------------------------------- */

typedef struct ks_bundle_build_opts {
    int64_t version; /* >= 1 and newer than a manifest already in out_dir */
    int64_t expires; /* unix seconds; 0 = now + KS_BUNDLE_DEFAULT_VALIDITY_S */
    int64_t now;     /* "created"; 0 = the wall clock */
} ks_bundle_build_opts;

typedef struct ks_bundle_build_stats {
    size_t articles, categories, media, files_written;
    uint64_t total_bytes;
} ks_bundle_build_stats;

/* Builds a bundle from src_dir (*.json kiosk-faq/1 files, optional media/
 * folder) into out_dir, which may already hold older versions (their files
 * are kept; the new manifest.json is written last, atomically). Validates
 * everything first: every file parses, no duplicate ids, every media/NAME an
 * article body cites exists. stats may be NULL. */
ks_status ks_bundle_build(const char *src_dir, const char *out_dir, const unsigned char sk[64],
                          const ks_bundle_build_opts *opts, ks_bundle_build_stats *stats, ks_error *err);

/* --- checking --------------------------------------------------------------- */

/* Reads and opens dir/manifest.json (signature, expiry against now unless
 * 0, names, limits), then checks every file's presence, size and hash and
 * that every content file parses as kiosk-faq/1. *out (may be NULL):
 * ks_manifest_free(). */
ks_status ks_bundle_verify_dir(const char *dir, const unsigned char pk[32], int64_t now, ks_manifest **out,
                               ks_error *err);

/* The installed bundle: version 0 and empty digest when none. */
ks_status ks_bundle_installed(ks_store *store, int64_t *version, char digest[KS_SHA256_HEX], ks_error *err);

/* Rollback guard: OK and *same = 0 when m is newer than the installed
 * content; OK and *same = 1 when m is exactly the installed manifest;
 * KS_ERR_SECURITY otherwise (older, or the same version with other bytes). */
ks_status ks_bundle_check_newer(ks_store *store, const ks_manifest *m, int *same, ks_error *err);

/* Free-space check: OK when needed bytes plus the reserve fit on the disk
 * holding dir, else KS_ERR_NOSPACE naming both figures. */
ks_status ks_bundle_check_space(const char *dir, uint64_t needed, ks_error *err);
/* The reserve in bytes (KS_DISK_RESERVE_MB or the default). */
uint64_t ks_bundle_disk_reserve(void);

/* --- installing ------------------------------------------------------------- */

typedef struct ks_bundle_apply_stats {
    size_t articles, categories;
    size_t gc_removed;
    uint64_t gc_freed;
} ks_bundle_apply_stats;

/* Switches the store to m, whose files must all be in ms already: parses the
 * content files, imports them (replace all, content version m->version,
 * media_live rewritten in the same transaction), then removes unreferenced
 * files. Re-checks the rollback guard first. stats may be NULL. */
ks_status ks_bundle_apply(ks_store *store, ks_mediastore *ms, const ks_manifest *m,
                          ks_bundle_apply_stats *stats, ks_error *err);

typedef struct ks_bundle_import_stats {
    int64_t version;
    int already_installed; /* 1: the bundle was the installed one; nothing changed */
    size_t files_copied;
    uint64_t bytes_copied;
    ks_bundle_apply_stats apply;
} ks_bundle_import_stats;

/* The technician's USB path: verifies the bundle in dir against pk (same
 * checks as sync), checks free space against the reserve, copies missing
 * files into the media store (verified while copying), applies it. Holds
 * the data directory's sync lock meanwhile (KS_ERR_BUSY if a sync runs).
 * stats may be NULL. */
ks_status ks_bundle_import_dir(ks_store *store, const char *dir, const unsigned char pk[32],
                               ks_bundle_import_stats *stats, ks_error *err);

#endif
