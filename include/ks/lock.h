/*
 * lock.h - single-instance lock: one kiosk per data directory.
 *
 * An advisory lock on DIR/NAME.lock, released automatically by the OS when
 * the process dies (so a crash never leaves a stale lock behind).
 */
#ifndef KS_LOCK_H
#define KS_LOCK_H

#include "ks/error.h"

typedef struct ks_lock ks_lock;

/* Takes the lock without waiting; KS_ERR_BUSY if another process holds it.
 * On success *out is owned by the caller: release with ks_lock_release(). */
ks_status ks_lock_acquire(const char *dir, const char *name, ks_lock **out, ks_error *err);
void ks_lock_release(ks_lock *lock);

#endif
