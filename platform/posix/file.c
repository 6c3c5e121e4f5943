/*
 * file.c - whole-file reads and crash-safe writes (POSIX).
 *
 * The atomic write never leaves a half-written target: data goes to a
 * uniquely named temp file in the same directory, which is fsynced, renamed
 * over the target, and then the directory is fsynced so the rename itself
 * survives a power cut.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ks/file.h"

ks_status ks_file_read_all(const char *path, size_t max_size, char **out, size_t *len, ks_error *err)
{
    ks_status rc = KS_OK;
    char *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return ks_error_set(err, errno == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO, "cannot open %s: %s",
                            path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = ks_error_set(err, KS_ERR_IO, "%s is not a regular file", path);
        goto out;
    }
    if ((uint64_t)st.st_size > max_size) {
        rc = ks_error_set(err, KS_ERR_TOO_LARGE, "%s is %lld bytes, over the limit of %zu", path,
                          (long long)st.st_size, max_size);
        goto out;
    }
    /* Room for one byte past the size, so the read that finds the end of
     * the file needs no bigger buffer, and for the terminating NUL. */
    size_t cap = (size_t)st.st_size + 2, used = 0;
    buf = malloc(cap);
    if (!buf) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory reading %s", path);
        goto out;
    }
    for (;;) {
        if (used > max_size) {
            rc = ks_error_set(err, KS_ERR_TOO_LARGE, "%s grew over the limit of %zu", path, max_size);
            goto out;
        }
        if (used + 1 >= cap) {
            /* The file grew while we read it: keep going up to the limit. */
            char *nb = realloc(buf, cap * 2);
            if (!nb) { rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory reading %s", path); goto out; }
            buf = nb;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + used, cap - used - 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            rc = ks_error_set(err, KS_ERR_IO, "cannot read %s: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0) break;
        used += (size_t)n;
    }
    buf[used] = '\0';
    *out = buf;
    if (len) *len = used;
    buf = NULL;
out:
    free(buf);
    close(fd);
    return rc;
}

ks_status ks_file_fsync_dir(const char *dir, ks_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ks_error_set(err, KS_ERR_IO, "cannot open directory %s: %s", dir, strerror(errno));
    int r = fsync(fd);
    int e = errno;
    close(fd);
    if (r != 0) return ks_error_set(err, KS_ERR_IO, "cannot sync directory %s: %s", dir, strerror(e));
    return KS_OK;
}

ks_status ks_file_write_atomic(const char *path, const void *data, size_t len, ks_error *err)
{
    ks_status rc = KS_OK;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    char *dir = malloc(plen + 2);
    int fd = -1;
    if (!tmp || !dir) { rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory"); goto out; }
    snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = ks_error_set(err, errno == ENOSPC ? KS_ERR_NOSPACE : KS_ERR_IO, "cannot create %s: %s", tmp,
                          strerror(errno));
        tmp[0] = '\0';
        goto out;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            rc = ks_error_set(err, errno == ENOSPC ? KS_ERR_NOSPACE : KS_ERR_IO, "cannot write %s: %s",
                              tmp, strerror(errno));
            goto out;
        }
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) != 0) {
        rc = ks_error_set(err, errno == ENOSPC ? KS_ERR_NOSPACE : KS_ERR_IO, "cannot sync %s: %s", tmp,
                          strerror(errno));
        goto out;
    }
    close(fd);
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = ks_error_set(err, KS_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto out;
    }
    tmp[0] = '\0';
    memcpy(dir, path, plen + 1);
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else if (slash) *slash = '\0';
    else { dir[0] = '.'; dir[1] = '\0'; }
    rc = ks_file_fsync_dir(dir, err);
out:
    if (fd >= 0) close(fd);
    if (tmp && tmp[0]) unlink(tmp);
    free(tmp);
    free(dir);
    return rc;
}

ks_status ks_file_free_space(const char *path, uint64_t *bytes, ks_error *err)
{
    struct statvfs vfs;
    if (statvfs(path, &vfs) != 0)
        return ks_error_set(err, KS_ERR_IO, "cannot read free space of %s: %s", path, strerror(errno));
    *bytes = (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
    return KS_OK;
}

ks_status ks_file_size(const char *path, uint64_t *size, ks_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ks_error_set(err, errno == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO, "cannot stat %s: %s", path,
                            strerror(errno));
    *size = (uint64_t)st.st_size;
    return KS_OK;
}

ks_status ks_file_sync_filesystem(const char *path, ks_error *err)
{
    /* POSIX sync(2) flushes every filesystem; Linux (the platform this
     * file serves) returns only once the data is on disk. A syncfs(2) on
     * path would touch one filesystem only, at the price of _GNU_SOURCE. */
    struct stat st;
    if (stat(path, &st) != 0)
        return ks_error_set(err, KS_ERR_IO, "cannot sync the filesystem of %s: %s", path, strerror(errno));
    sync();
    return KS_OK;
}

struct ks_file_reader {
    int fd;
    uint64_t size;
};

ks_status ks_file_reader_open(const char *path, uint64_t max_size, ks_file_reader **out, ks_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ks_error_set(err, errno == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO, "cannot open %s: %s", path,
                            strerror(errno));
    struct stat st;
    ks_status rc = KS_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        rc = ks_error_set(err, KS_ERR_IO, "%s is not a regular file", path);
    else if ((uint64_t)st.st_size > max_size)
        rc = ks_error_set(err, KS_ERR_TOO_LARGE, "%s is %lld bytes, over the limit of %llu", path,
                          (long long)st.st_size, (unsigned long long)max_size);
    ks_file_reader *r = rc == KS_OK ? malloc(sizeof *r) : NULL;
    if (rc == KS_OK && !r) rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory opening %s", path);
    if (rc != KS_OK) {
        close(fd);
        return rc;
    }
    r->fd = fd;
    r->size = (uint64_t)st.st_size;
    *out = r;
    return KS_OK;
}

void ks_file_reader_close(ks_file_reader *r)
{
    if (!r) return;
    close(r->fd);
    free(r);
}

uint64_t ks_file_reader_size(const ks_file_reader *r) { return r->size; }

int ks_file_reader_read(const ks_file_reader *r, uint64_t off, void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t got = pread(r->fd, p, n, (off_t)off);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return 0; /* an error, or the file ends early */
        p += got;
        off += (uint64_t)got;
        n -= (size_t)got;
    }
    return 1;
}
