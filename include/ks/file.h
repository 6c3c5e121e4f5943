/*
 * file.h - reading and writing files so that a power cut never leaves a
 * half-written one: ks_file_write_atomic() writes a temp file beside the
 * target, fsyncs it, renames it over the target and fsyncs the directory.
 */
#ifndef KS_FILE_H
#define KS_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"

/* Reads a whole file (at most max_size bytes, else KS_ERR_TOO_LARGE).
 * *out is malloc'ed, NUL-terminated (not counted in *len): free() it. */
ks_status ks_file_read_all(const char *path, size_t max_size, char **out, size_t *len,
                           ks_error *err);
/* Atomically replaces path with data (temp + fsync + rename + dir fsync). */
ks_status ks_file_write_atomic(const char *path, const void *data, size_t len, ks_error *err);
/* fsyncs a directory so a rename inside it survives a power cut. */
ks_status ks_file_fsync_dir(const char *dir, ks_error *err);
/* Bytes available to an unprivileged user on the filesystem holding path. */
ks_status ks_file_free_space(const char *path, uint64_t *bytes, ks_error *err);
/* Size of a regular file. */
ks_status ks_file_size(const char *path, uint64_t *size, ks_error *err);
/* Makes every write so far durable, as one barrier: cheaper than one fsync
 * per file when thousands of small files were written (the bundle builder).
 * path names the filesystem concerned. */
ks_status ks_file_sync_filesystem(const char *path, ks_error *err);

/* A file kept open for reads at any offset, from any thread at once: for
 * large read-only tables (word vectors, embeddings) of which a query needs
 * a few rows, so the rest stays on disk instead of in memory. A file
 * replaced by renaming a new one over it (how the build installs them)
 * keeps being read as it was when opened. */
typedef struct ks_file_reader ks_file_reader;

/* Opens path (a regular file of at most max_size bytes, else
 * KS_ERR_TOO_LARGE). *out: ks_file_reader_close(). */
ks_status ks_file_reader_open(const char *path, uint64_t max_size, ks_file_reader **out, ks_error *err);
void ks_file_reader_close(ks_file_reader *r);
/* The file's size when it was opened. */
uint64_t ks_file_reader_size(const ks_file_reader *r);
/* Reads n bytes at offset off into buf. 1 when all n were read, 0 when
 * the file is shorter now or cannot be read. Thread-safe. */
int ks_file_reader_read(const ks_file_reader *r, uint64_t off, void *buf, size_t n);

#endif
