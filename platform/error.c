/*
 * error.c - the project's one result type: status names and messages.
 * Must not allocate: errors are reported in low-memory situations too.
 */
#include <stdio.h>
#include <string.h>

#include "ks/error.h"

const char *ks_status_name(ks_status st)
{
    switch (st) {
    case KS_OK: return "ok";
    case KS_ERR_INVALID: return "invalid";
    case KS_ERR_IO: return "io";
    case KS_ERR_NOMEM: return "nomem";
    case KS_ERR_NOT_FOUND: return "not-found";
    case KS_ERR_CORRUPT: return "corrupt";
    case KS_ERR_DB: return "database";
    case KS_ERR_NETWORK: return "network";
    case KS_ERR_SECURITY: return "security";
    case KS_ERR_NOSPACE: return "no-space";
    case KS_ERR_BUSY: return "busy";
    case KS_ERR_TOO_LARGE: return "too-large";
    case KS_ERR_UNSUPPORTED: return "unsupported";
    }
    return "unknown";
}

ks_status ks_error_vset(ks_error *err, ks_status code, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return code;
}

ks_status ks_error_set(ks_error *err, ks_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ks_error_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

void ks_error_prefix(ks_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[KS_ERROR_MSG_MAX];
    char old[KS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    /* Built by hand: a long message is meant to be cut, not to warn. */
    size_t pl = strnlen(prefix, sizeof prefix), ol = strnlen(old, sizeof old);
    size_t cap = sizeof err->msg - 1, at = 0;
    size_t n = pl < cap ? pl : cap;
    memcpy(err->msg, prefix, n);
    at = n;
    n = cap - at < 2 ? cap - at : 2;
    memcpy(err->msg + at, ": ", n);
    at += n;
    n = ol < cap - at ? ol : cap - at;
    memcpy(err->msg + at, old, n);
    at += n;
    err->msg[at] = '\0';
}

void ks_error_clear(ks_error *err)
{
    if (err) {
        err->code = KS_OK;
        err->msg[0] = '\0';
    }
}
