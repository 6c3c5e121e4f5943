/*
 * lock.c - single-instance lock with flock(2): released by the kernel when
 * the process exits or crashes, so there is never a stale lock to clean.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "ks/lock.h"
#include "ks/path.h"

struct ks_lock {
    int fd;
};

ks_status ks_lock_acquire(const char *dir, const char *name, ks_lock **out, ks_error *err)
{
    size_t n = strlen(name) + 6;
    char *file = malloc(n);
    if (!file) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    memcpy(file, name, n - 6);
    memcpy(file + n - 6, ".lock", 6);
    char *path = ks_path_join(dir, file);
    free(file);
    if (!path) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    ks_status rc = KS_OK;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = ks_error_set(err, KS_ERR_IO, "cannot open lock file %s: %s", path, strerror(errno));
        goto out;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        rc = errno == EWOULDBLOCK
                 ? ks_error_set(err, KS_ERR_BUSY, "another process is using %s (lock %s is held)", dir, path)
                 : ks_error_set(err, KS_ERR_IO, "cannot lock %s: %s", path, strerror(errno));
        close(fd);
        goto out;
    }
    ks_lock *lock = malloc(sizeof *lock);
    if (!lock) {
        close(fd);
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    lock->fd = fd;
    *out = lock;
out:
    free(path);
    return rc;
}

void ks_lock_release(ks_lock *lock)
{
    if (!lock) return;
    flock(lock->fd, LOCK_UN);
    close(lock->fd);
    free(lock);
}
