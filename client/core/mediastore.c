/*
 * mediastore.c - the content-addressed store of bundle files
 * (ks/mediastore.h): media files under DATA_DIR/media, content documents
 * in the content_blobs table, and the live list both are kept by.
 *
 * What it must not do: let a file or document in before its size and
 * SHA-256 were checked, hold a whole media file in memory, or remove
 * anything live content names. Files stream through DATA_DIR/media/.partial/
 * and are renamed into place only when complete and correct.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "ks/file.h"
#include "ks/log.h"
#include "ks/mediastore.h"
#include "ks/path.h"

#define CHUNK (64 * 1024)
#define LABEL_MAX 160

struct ks_mediastore {
    ks_store *store;
    char *dir;         /* DATA_DIR/media */
    char *partial_dir; /* DATA_DIR/media/.partial */
};

struct ks_blob_writer {
    ks_mediastore *ms;
    char sha256[KS_SHA256_HEX];
    uint64_t size;
    uint64_t have;
    int fd;
    crypto_hash_sha256_state hash;
    char *partial_path;
    char label[LABEL_MAX];
};

static const char schema_sql[] = "CREATE TABLE IF NOT EXISTS media_live("
                                 " kind TEXT NOT NULL CHECK(kind IN ('content','media')),"
                                 " name TEXT NOT NULL,"
                                 " sha256 TEXT NOT NULL,"
                                 " size INTEGER NOT NULL,"
                                 " PRIMARY KEY(kind, name)) WITHOUT ROWID;"
                                 "CREATE TABLE IF NOT EXISTS content_blobs("
                                 " sha256 TEXT PRIMARY KEY NOT NULL,"
                                 " data BLOB NOT NULL);";

ks_status ks_mediastore_schema_create(sqlite3 *db, ks_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
        ks_status rc = ks_error_set(err, KS_ERR_DB, "media store: cannot create its tables: %s",
                                    msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return rc;
    }
    return KS_OK;
}

ks_status ks_mediastore_open(ks_store *store, ks_mediastore **out, ks_error *err)
{
    ks_status rc = KS_OK;
    ks_mediastore *ms = calloc(1, sizeof *ms);
    if (!ms) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    ms->store = store;
    ms->dir = ks_path_join(ks_store_data_dir(store), "media");
    ms->partial_dir = ms->dir ? ks_path_join(ms->dir, ".partial") : NULL;
    if (!ms->dir || !ms->partial_dir) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = ks_path_mkdirs(ms->partial_dir, err);
    if (rc) goto out;
    rc = ks_mediastore_schema_create(ks_store_db(store), err);
    if (rc) goto out;
    *out = ms;
    ms = NULL;
out:
    ks_mediastore_close(ms);
    return rc;
}

void ks_mediastore_close(ks_mediastore *ms)
{
    if (!ms) return;
    free(ms->dir);
    free(ms->partial_dir);
    free(ms);
}

char *ks_mediastore_path(const ks_mediastore *ms, const char *sha256)
{
    return ks_path_join(ms->dir, sha256);
}

int ks_mediastore_has(const ks_mediastore *ms, const char *sha256, uint64_t size)
{
    char *p = ks_mediastore_path(ms, sha256);
    if (!p) return 0;
    struct stat st;
    int ok = stat(p, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size;
    free(p);
    return ok;
}

static ks_status io_error(ks_error *err, int e, const char *what, const char *path)
{
    return ks_error_set(err, e == ENOSPC || e == EDQUOT ? KS_ERR_NOSPACE : KS_ERR_IO, "%s %s: %s", what, path,
                        strerror(e));
}

static ks_status write_all(int fd, const void *data, size_t len, const char *path, ks_error *err)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error(err, errno, "cannot write", path);
        }
        p += n;
        len -= (size_t)n;
    }
    return KS_OK;
}

void ks_blob_writer_abort(ks_blob_writer *w, int keep)
{
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    if (!keep && w->partial_path) unlink(w->partial_path);
    free(w->partial_path);
    free(w);
}

ks_status ks_blob_writer_open(ks_mediastore *ms, const char *sha256, uint64_t size, const char *label,
                              ks_blob_writer **out, uint64_t *offset, ks_error *err)
{
    ks_status rc = KS_OK;
    unsigned char *buf = NULL;
    if (sodium_init() < 0) return ks_error_set(err, KS_ERR_IO, "libsodium failed to initialise");
    if (strlen(sha256) != 64 || strchr(sha256, '/'))
        return ks_error_set(err, KS_ERR_INVALID, "media store: '%s' is not a SHA-256", sha256);
    ks_blob_writer *w = calloc(1, sizeof *w);
    if (!w) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    w->fd = -1;
    w->ms = ms;
    w->size = size;
    memcpy(w->sha256, sha256, KS_SHA256_HEX);
    snprintf(w->label, sizeof w->label, "%s", label ? label : sha256);
    w->partial_path = ks_path_join(ms->partial_dir, sha256);
    buf = malloc(CHUNK);
    if (!w->partial_path || !buf) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    w->fd = open(w->partial_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (w->fd < 0) {
        rc = io_error(err, errno, "cannot open", w->partial_path);
        goto out;
    }
    crypto_hash_sha256_init(&w->hash);
    struct stat st;
    if (fstat(w->fd, &st) != 0) {
        rc = io_error(err, errno, "cannot stat", w->partial_path);
        goto out;
    }
    uint64_t have = (uint64_t)st.st_size;
    if (have > size) {
        /* Longer than the file can be: not ours to resume. */
        if (ftruncate(w->fd, 0) != 0) {
            rc = io_error(err, errno, "cannot truncate", w->partial_path);
            goto out;
        }
        have = 0;
    }
    /* Hash what an earlier attempt left, streaming, so the final check
     * covers every byte of the file. */
    uint64_t done = 0;
    while (done < have) {
        size_t want = have - done > CHUNK ? CHUNK : (size_t)(have - done);
        ssize_t n = pread(w->fd, buf, want, (off_t)done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            rc = io_error(err, n < 0 ? errno : EIO, "cannot read", w->partial_path);
            goto out;
        }
        crypto_hash_sha256_update(&w->hash, buf, (size_t)n);
        done += (uint64_t)n;
    }
    if (lseek(w->fd, (off_t)have, SEEK_SET) < 0) {
        rc = io_error(err, errno, "cannot seek", w->partial_path);
        goto out;
    }
    w->have = have;
    if (offset) *offset = have;
    *out = w;
    w = NULL;
out:
    free(buf);
    ks_blob_writer_abort(w, 1);
    return rc;
}

ks_status ks_blob_writer_write(ks_blob_writer *w, const void *data, size_t len, ks_error *err)
{
    if (len > w->size - w->have)
        return ks_error_set(err, KS_ERR_SECURITY,
                            "%s: more data than the %llu bytes the manifest declares (refused)", w->label,
                            (unsigned long long)w->size);
    ks_status rc = write_all(w->fd, data, len, w->partial_path, err);
    if (rc) return rc;
    crypto_hash_sha256_update(&w->hash, data, len);
    w->have += len;
    return KS_OK;
}

ks_status ks_blob_writer_restart(ks_blob_writer *w, ks_error *err)
{
    if (ftruncate(w->fd, 0) != 0 || lseek(w->fd, 0, SEEK_SET) < 0)
        return io_error(err, errno, "cannot truncate", w->partial_path);
    crypto_hash_sha256_init(&w->hash);
    w->have = 0;
    return KS_OK;
}

uint64_t ks_blob_writer_size(const ks_blob_writer *w)
{
    return w->have;
}

ks_status ks_blob_writer_commit(ks_blob_writer *w, ks_error *err)
{
    ks_status rc = KS_OK;
    int keep = 1;
    char *final = NULL;
    if (w->have < w->size) {
        rc = ks_error_set(err, KS_ERR_NETWORK, "%s: incomplete, %llu of %llu bytes (will resume)", w->label,
                          (unsigned long long)w->have, (unsigned long long)w->size);
        goto out;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[KS_SHA256_HEX];
    crypto_hash_sha256_final(&w->hash, h);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    if (strcmp(hex, w->sha256) != 0) {
        keep = 0;
        rc = ks_error_set(err, KS_ERR_SECURITY, "%s: wrong SHA-256 %s, the manifest declares %s (refused)",
                          w->label, hex, w->sha256);
        goto out;
    }
    if (fsync(w->fd) != 0) {
        rc = io_error(err, errno, "cannot sync", w->partial_path);
        goto out;
    }
    final = ks_mediastore_path(w->ms, w->sha256);
    if (!final) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (rename(w->partial_path, final) != 0) {
        rc = io_error(err, errno, "cannot move into place", final);
        goto out;
    }
    keep = 1; /* renamed: nothing left to remove */
out:
    free(final);
    ks_blob_writer_abort(w, keep);
    return rc;
}

ks_status ks_mediastore_add_file(ks_mediastore *ms, const char *src_path, const char *sha256, uint64_t size,
                                 const char *label, ks_error *err)
{
    if (ks_mediastore_has(ms, sha256, size)) return KS_OK;
    ks_status rc = KS_OK;
    ks_blob_writer *w = NULL;
    unsigned char *buf = NULL;
    uint64_t offset = 0;
    int fd = open(src_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ks_error_set(err, errno == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO, "%s: cannot open %s: %s",
                            label ? label : sha256, src_path, strerror(errno));
    rc = ks_blob_writer_open(ms, sha256, size, label, &w, &offset, err);
    if (rc) goto out;
    buf = malloc(CHUNK);
    if (!buf) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    uint64_t pos = offset;
    for (;;) {
        ssize_t n = pread(fd, buf, CHUNK, (off_t)pos);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = io_error(err, errno, "cannot read", src_path);
            goto out;
        }
        if (n == 0) break;
        rc = ks_blob_writer_write(w, buf, (size_t)n, err);
        if (rc) {
            /* Too long on the stick: the partial holds good bytes only
             * up to the declared size, but the file is wrong: drop it. */
            ks_blob_writer_abort(w, 0);
            w = NULL;
            goto out;
        }
        pos += (uint64_t)n;
    }
    rc = ks_blob_writer_commit(w, err);
    w = NULL;
    if (rc == KS_ERR_NETWORK) {
        /* A short local file is not a network problem: say what it is. */
        rc =
            ks_error_set(err, KS_ERR_CORRUPT, "%s: %s is %llu bytes, the manifest declares %llu",
                         label ? label : sha256, src_path, (unsigned long long)pos, (unsigned long long)size);
    }
out:
    ks_blob_writer_abort(w, 1);
    free(buf);
    close(fd);
    return rc;
}

ks_status ks_mediastore_sync(ks_mediastore *ms, ks_error *err)
{
    return ks_file_fsync_dir(ms->dir, err);
}

/* ------------------------------------------------------------ documents */

int ks_mediastore_has_doc(ks_mediastore *ms, const char *sha256, uint64_t size)
{
    sqlite3 *db = ks_store_db(ms->store);
    sqlite3_stmt *q = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT length(data) FROM content_blobs WHERE sha256 = ?", -1, &q, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(q, 1, sha256, -1, SQLITE_STATIC);
        found = sqlite3_step(q) == SQLITE_ROW && (uint64_t)sqlite3_column_int64(q, 0) == size;
    }
    sqlite3_finalize(q);
    return found;
}

ks_status ks_mediastore_check_doc(const ks_manifest_file *f, const void *data, size_t len, ks_error *err)
{
    if ((uint64_t)len != f->size)
        return ks_error_set(err, KS_ERR_SECURITY,
                            "content '%s': %zu bytes, the manifest declares %llu (refused)", f->name, len,
                            (unsigned long long)f->size);
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[KS_SHA256_HEX];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    if (strcmp(hex, f->sha256) != 0)
        return ks_error_set(err, KS_ERR_SECURITY,
                            "content '%s': wrong SHA-256 %s, the manifest declares %s (refused)", f->name,
                            hex, f->sha256);
    return KS_OK;
}

ks_status ks_mediastore_put_docs(ks_mediastore *ms, const ks_mediastore_doc *docs, size_t n, ks_error *err)
{
    ks_status rc = KS_OK;
    sqlite3 *db = ks_store_db(ms->store);
    sqlite3_stmt *ins = NULL;
    int in_txn = 0;
    if (sodium_init() < 0) return ks_error_set(err, KS_ERR_IO, "libsodium failed to initialise");
    for (size_t i = 0; i < n; i++)
        if ((rc = ks_mediastore_check_doc(docs[i].file, docs[i].data, docs[i].len, err))) return rc;
    if (n == 0) return KS_OK;
    /* Documents are a cache until the switch names them: losing the last
     * of them to a power cut only means fetching them again, and the
     * switch's own synchronous commit makes everything before it durable. */
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) goto db_fail;
    in_txn = 1;
    if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO content_blobs(sha256, data) VALUES(?, ?)", -1, &ins,
                           NULL) != SQLITE_OK)
        goto db_fail;
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_text(ins, 1, docs[i].file->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_blob64(ins, 2, docs[i].data, (sqlite3_uint64)docs[i].len, SQLITE_STATIC);
        int r = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (r != SQLITE_DONE) goto db_fail;
    }
    sqlite3_finalize(ins);
    ins = NULL;
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) goto db_fail;
    return KS_OK;
db_fail:
    rc = ks_error_set(err, sqlite3_errcode(db) == SQLITE_FULL ? KS_ERR_NOSPACE : KS_ERR_DB,
                      "media store: cannot store content documents: %s", sqlite3_errmsg(db));
    sqlite3_finalize(ins);
    if (in_txn) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

ks_status ks_mediastore_get_doc(ks_mediastore *ms, const char *sha256, char **data, size_t *len,
                                ks_error *err)
{
    sqlite3 *db = ks_store_db(ms->store);
    sqlite3_stmt *q = NULL;
    ks_status rc = KS_OK;
    if (sqlite3_prepare_v2(db, "SELECT data FROM content_blobs WHERE sha256 = ?", -1, &q, NULL) != SQLITE_OK)
        return ks_error_set(err, KS_ERR_DB, "media store: cannot read content documents: %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_text(q, 1, sha256, -1, SQLITE_STATIC);
    int r = sqlite3_step(q);
    if (r == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(q, 0);
        const void *b = sqlite3_column_blob(q, 0);
        char *out = malloc(n + 1);
        if (!out) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        } else {
            if (n) memcpy(out, b, n);
            out[n] = '\0';
            *data = out;
            if (len) *len = n;
        }
    } else if (r == SQLITE_DONE) {
        rc = ks_error_set(err, KS_ERR_NOT_FOUND, "content document %s is not in the store", sha256);
    } else {
        rc = ks_error_set(err, KS_ERR_DB, "media store: cannot read content documents: %s",
                          sqlite3_errmsg(db));
    }
    sqlite3_finalize(q);
    return rc;
}

/* ------------------------------------------------------------ live list */

ks_status ks_mediastore_write_live(sqlite3 *db, const ks_manifest *m, ks_error *err)
{
    ks_status rc = ks_mediastore_schema_create(db, err);
    if (rc) return rc;
    sqlite3_stmt *ins = NULL;
    if (sqlite3_exec(db, "DELETE FROM media_live", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO media_live(kind, name, sha256, size) VALUES(?,?,?,?)", -1, &ins,
                           NULL) != SQLITE_OK) {
        rc = ks_error_set(err, KS_ERR_DB, "media store: cannot rewrite media_live: %s", sqlite3_errmsg(db));
        goto out;
    }
    for (size_t i = 0; i < m->n_files; i++) {
        const ks_manifest_file *f = &m->files[i];
        sqlite3_bind_text(ins, 1, f->kind == KS_MANIFEST_CONTENT ? "content" : "media", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, f->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, f->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 4, (sqlite3_int64)f->size);
        int r = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (r != SQLITE_DONE) {
            rc = ks_error_set(err, r == SQLITE_FULL ? KS_ERR_NOSPACE : KS_ERR_DB,
                              "media store: cannot record '%s': %s", f->name, sqlite3_errmsg(db));
            goto out;
        }
    }
out:
    sqlite3_finalize(ins);
    return rc;
}

static int cmp_hex(const void *a, const void *b)
{
    return memcmp(a, b, KS_SHA256_HEX);
}

static int is_hex64(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f'))) return 0;
    return n == 64;
}

/* Removes regular files in dir whose hex name is not in live (sorted). */
static ks_status sweep(const char *dir, char (*live)[KS_SHA256_HEX], size_t n_live, int all, size_t *removed,
                       uint64_t *freed, ks_error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) return KS_OK;
        return ks_error_set(err, KS_ERR_IO, "media store: cannot list %s: %s", dir, strerror(errno));
    }
    ks_status rc = KS_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_hex64(e->d_name)) continue; /* not ours: leave it alone */
        char key[KS_SHA256_HEX];
        memcpy(key, e->d_name, KS_SHA256_HEX);
        if (!all && n_live && bsearch(key, live, n_live, KS_SHA256_HEX, cmp_hex)) continue;
        char *p = ks_path_join(dir, e->d_name);
        if (!p) {
            rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
            break;
        }
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && unlink(p) == 0) {
            (*removed)++;
            *freed += (uint64_t)st.st_size;
        }
        free(p);
    }
    closedir(d);
    return rc;
}

ks_status ks_mediastore_gc(ks_mediastore *ms, size_t *removed_out, uint64_t *freed_out, ks_error *err)
{
    ks_status rc = KS_OK;
    sqlite3 *db = ks_store_db(ms->store);
    sqlite3_stmt *q = NULL;
    char(*live)[KS_SHA256_HEX] = NULL;
    size_t n = 0, cap = 0, removed = 0;
    uint64_t freed = 0;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT sha256 FROM media_live WHERE kind = 'media'", -1, &q, NULL) !=
        SQLITE_OK) {
        rc = ks_error_set(err, KS_ERR_DB, "media store: cannot read media_live: %s", sqlite3_errmsg(db));
        goto out;
    }
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(q, 0);
        if (!s || !is_hex64(s)) continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            void *nl = realloc(live, nc * KS_SHA256_HEX);
            if (!nl) {
                rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
                goto out;
            }
            live = nl;
            cap = nc;
        }
        memcpy(live[n++], s, KS_SHA256_HEX);
    }
    if (r != SQLITE_DONE) {
        rc = ks_error_set(err, KS_ERR_DB, "media store: cannot read media_live: %s", sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (n) qsort(live, n, KS_SHA256_HEX, cmp_hex);
    rc = sweep(ms->dir, live, n, 0, &removed, &freed, err);
    /* Partial files belong to versions that were not installed: after a
     * switch none of them is worth keeping. */
    if (!rc) rc = sweep(ms->partial_dir, live, n, 1, &removed, &freed, err);
    if (!rc) {
        /* Documents no live content names: the previous versions' ones. */
        if (sqlite3_exec(db,
                         "DELETE FROM content_blobs WHERE sha256 NOT IN "
                         "(SELECT sha256 FROM media_live WHERE kind = 'content')",
                         NULL, NULL, NULL) == SQLITE_OK)
            removed += (size_t)sqlite3_changes(db);
        else
            rc = ks_error_set(err, KS_ERR_DB, "media store: cannot remove old documents: %s",
                              sqlite3_errmsg(db));
    }
    if (!rc && removed)
        ks_log_info("media", "removed %zu unreferenced files and documents (%llu bytes of files)", removed,
                    (unsigned long long)freed);
out:
    if (removed_out) *removed_out = removed;
    if (freed_out) *freed_out = freed;
    sqlite3_finalize(q);
    free(live);
    return rc;
}

ks_status ks_media_lookup(ks_store *store, const char *name, char **path, ks_error *err)
{
    sqlite3 *db = ks_store_db(store);
    sqlite3_stmt *q = NULL;
    ks_status rc = KS_OK;
    if (!name) return ks_error_set(err, KS_ERR_INVALID, "media lookup: no name");
    if (strncmp(name, "media/", 6) == 0) name += 6;
    if (sqlite3_prepare_v2(db, "SELECT sha256 FROM media_live WHERE kind='media' AND name=?", -1, &q, NULL) !=
        SQLITE_OK) {
        /* No bundle was ever installed: the table does not exist yet. */
        return ks_error_set(err, KS_ERR_NOT_FOUND, "media/%s: no installed bundle provides it", name);
    }
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    int r = sqlite3_step(q);
    if (r == SQLITE_ROW) {
        const char *sha = (const char *)sqlite3_column_text(q, 0);
        char *dir = ks_path_join(ks_store_data_dir(store), "media");
        *path = (dir && sha) ? ks_path_join(dir, sha) : NULL;
        free(dir);
        if (!*path) rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    } else if (r == SQLITE_DONE) {
        rc = ks_error_set(err, KS_ERR_NOT_FOUND, "media/%s: the installed content has no such media", name);
    } else {
        rc = ks_error_set(err, KS_ERR_DB, "media/%s: lookup failed: %s", name, sqlite3_errmsg(db));
    }
    sqlite3_finalize(q);
    return rc;
}
