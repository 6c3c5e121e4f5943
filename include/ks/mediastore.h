/*
 * mediastore.h - the kiosk's content-addressed store of bundle files.
 *
 * Media files live once each as DATA_DIR/media/<sha256>, shared by all
 * versions. A file only appears there complete and verified: downloads and
 * copies stream into DATA_DIR/media/.partial/<sha256> (hash and size checked
 * on the way, never held in memory) and are renamed into place when both
 * match. A partial file survives a crash so the next attempt resumes it.
 *
 * The kiosk-faq/1 content documents of a bundle (one per article, a few KB
 * each, thousands of them) are kept by hash in the store's database
 * (table content_blobs) instead: one file per article would cost a file
 * creation and an fsync each, and they are always read whole anyway.
 *
 * Which files and documents the live content uses is the media_live table,
 * rewritten by ks_mediastore_write_live() from inside the import
 * transaction, so content and its file list switch together. After the
 * switch ks_mediastore_gc() removes what no live row names.
 *
 * A ks_mediastore borrows its ks_store: use both from one thread; other
 * threads open their own pair.
 */
#ifndef KS_MEDIASTORE_H
#define KS_MEDIASTORE_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"
#include "ks/manifest.h"
#include "ks/store.h"

typedef struct ks_mediastore ks_mediastore;

/* Opens DATA_DIR/media of store (creating it and the media_live table).
 * *out: ks_mediastore_close(). The store must outlive it. */
ks_status ks_mediastore_open(ks_store *store, ks_mediastore **out, ks_error *err);
void ks_mediastore_close(ks_mediastore *ms);

/* Creates the media_live and content_blobs tables if missing (idempotent;
 * also run by open). */
ks_status ks_mediastore_schema_create(sqlite3 *db, ks_error *err);

/* Final path of the file with this hash. Caller frees; NULL on no memory. */
char *ks_mediastore_path(const ks_mediastore *ms, const char *sha256);

/* 1 when the file for sha256 is in the store with this size. The hash was
 * checked when it entered the store, so only the size is looked at here. */
int ks_mediastore_has(const ks_mediastore *ms, const char *sha256, uint64_t size);

/* --- streaming writer --------------------------------------------------- */

typedef struct ks_blob_writer ks_blob_writer;

/* Opens (or resumes) the partial file for sha256/size. *offset receives the
 * bytes already there (already hashed), to ask the server for the rest.
 * *out: finish with ks_blob_writer_commit() or ks_blob_writer_abort(). */
ks_status ks_blob_writer_open(ks_mediastore *ms, const char *sha256, uint64_t size, const char *label,
                              ks_blob_writer **out, uint64_t *offset, ks_error *err);
/* Appends bytes. Refuses (KS_ERR_SECURITY) anything past the declared size:
 * a server cannot feed the kiosk endless data. */
ks_status ks_blob_writer_write(ks_blob_writer *w, const void *data, size_t len, ks_error *err);
/* Discards what was written (the server ignored a range request). */
ks_status ks_blob_writer_restart(ks_blob_writer *w, ks_error *err);
/* Bytes in the partial file so far (resumed + written). */
uint64_t ks_blob_writer_size(const ks_blob_writer *w);
/* Checks size and hash, fsyncs, renames into place and frees w. A short
 * file is KS_ERR_NETWORK (the partial is kept for a resume); a wrong hash
 * is KS_ERR_SECURITY (the partial is removed). The directory itself is
 * synced by ks_mediastore_sync(). Frees w in every case. */
ks_status ks_blob_writer_commit(ks_blob_writer *w, ks_error *err);
/* Closes w; keeps the partial file for a later resume when keep is 1,
 * removes it otherwise. NULL is fine. */
void ks_blob_writer_abort(ks_blob_writer *w, int keep);

/* Copies a local media file (a USB bundle) into the store, verifying size
 * and hash while streaming. No-op when the store already has it. */
ks_status ks_mediastore_add_file(ks_mediastore *ms, const char *src_path, const char *sha256, uint64_t size,
                                 const char *label, ks_error *err);

/* fsyncs DATA_DIR/media so the renames survive a power cut; call before
 * the import that makes the files live. */
ks_status ks_mediastore_sync(ks_mediastore *ms, ks_error *err);

/* --- content documents (in the database) ----------------------------------- */

/* 1 when the document with this hash and size is stored. */
int ks_mediastore_has_doc(ks_mediastore *ms, const char *sha256, uint64_t size);

typedef struct ks_mediastore_doc {
    const ks_manifest_file *file; /* what the manifest declares */
    const void *data;
    size_t len;
} ks_mediastore_doc;

/* Checks one document against its declaration: KS_ERR_SECURITY (naming
 * it) when the size or SHA-256 differs. */
ks_status ks_mediastore_check_doc(const ks_manifest_file *f, const void *data, size_t len, ks_error *err);

/* Checks and stores n documents in one short transaction (call it with
 * documents already in memory, never across network waits). */
ks_status ks_mediastore_put_docs(ks_mediastore *ms, const ks_mediastore_doc *docs, size_t n, ks_error *err);

/* Reads a stored document. *data is malloc'ed and NUL-terminated (free()).
 * KS_ERR_NOT_FOUND when absent. */
ks_status ks_mediastore_get_doc(ks_mediastore *ms, const char *sha256, char **data, size_t *len,
                                ks_error *err);

/* --- the live set --------------------------------------------------------- */

/* Replaces media_live with m's files. Call inside the import transaction
 * (ks_import_opts.before_commit). */
ks_status ks_mediastore_write_live(sqlite3 *db, const ks_manifest *m, ks_error *err);

/* Removes files, partial files and documents that no media_live row names.
 * Counts may be NULL. Safe to interrupt: the next call finishes the job. */
ks_status ks_mediastore_gc(ks_mediastore *ms, size_t *removed, uint64_t *freed, ks_error *err);

/* --- lookup for the UI ---------------------------------------------------- */

/* The file to show for a media reference in live content: name is what an
 * article body cites, "media/NAME" or "NAME". KS_ERR_NOT_FOUND when the live
 * content has no such media. *path is malloc'ed: free(). Any thread may call
 * this with its own store. */
ks_status ks_media_lookup(ks_store *store, const char *name, char **path, ks_error *err);

#endif
