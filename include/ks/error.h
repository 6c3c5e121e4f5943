/*
 * error.h - the one result type of the project.
 *
 * Every fallible function returns a ks_status and, when the caller passes a
 * non-NULL ks_error, fills in a message a technician can act on: what was
 * wrong and where ("faq.json: article 'card_arrival' (en): field 'title' is
 * missing"). KS_OK is zero so `if (st != KS_OK)` and `if (st)` both read well.
 * The error struct is plain data on the caller's stack: nothing to free.
 */
#ifndef KS_ERROR_H
#define KS_ERROR_H

#include <stdarg.h>

typedef enum ks_status {
    KS_OK = 0,
    KS_ERR_INVALID,     /* bad input: a file, an argument, a config value */
    KS_ERR_IO,          /* a file or device operation failed */
    KS_ERR_NOMEM,       /* an allocation failed */
    KS_ERR_NOT_FOUND,   /* the thing asked for does not exist */
    KS_ERR_CORRUPT,     /* stored data is damaged or fails a check */
    KS_ERR_DB,          /* SQLite reported an error */
    KS_ERR_NETWORK,     /* a transfer failed; retrying later may work */
    KS_ERR_SECURITY,    /* refused for safety: signature, rollback, expiry, path */
    KS_ERR_NOSPACE,     /* not enough free disk space */
    KS_ERR_BUSY,        /* another process holds the lock */
    KS_ERR_TOO_LARGE,   /* over a documented size limit */
    KS_ERR_UNSUPPORTED, /* a format or feature this build does not handle */
} ks_status;

#define KS_ERROR_MSG_MAX 512

typedef struct ks_error {
    ks_status code;
    char msg[KS_ERROR_MSG_MAX];
} ks_error;

/* Short stable name of a status, e.g. "invalid". Static string. */
const char *ks_status_name(ks_status st);

/* Sets err (if non-NULL) to code and a printf-style message; returns code so
 * callers can write `return ks_error_set(err, KS_ERR_IO, "...", ...);`. */
ks_status ks_error_set(ks_error *err, ks_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
ks_status ks_error_vset(ks_error *err, ks_status code, const char *fmt, va_list ap);

/* Prepends "prefix: " to an existing message (context from an outer layer). */
void ks_error_prefix(ks_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clears err to KS_OK with an empty message. */
void ks_error_clear(ks_error *err);

#endif
