/*
 * log.c - levelled logging to stderr with syslog priority prefixes, which
 * journald understands. One mutex keeps lines from interleaving.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ks/log.h"

static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;
static ks_log_level log_level = KS_LOG_INFO;
static ks_log_sink log_sink;
static void *log_sink_user;

void ks_log_set_level(ks_log_level level) { log_level = level; }
ks_log_level ks_log_get_level(void) { return log_level; }

int ks_log_level_parse(const char *name)
{
    if (!name) return -1;
    if (strcmp(name, "error") == 0) return KS_LOG_ERROR;
    if (strcmp(name, "warn") == 0) return KS_LOG_WARN;
    if (strcmp(name, "info") == 0) return KS_LOG_INFO;
    if (strcmp(name, "debug") == 0) return KS_LOG_DEBUG;
    return -1;
}

void ks_log_set_sink(ks_log_sink sink, void *user)
{
    pthread_mutex_lock(&log_mutex);
    log_sink = sink;
    log_sink_user = user;
    pthread_mutex_unlock(&log_mutex);
}

void ks_log(ks_log_level level, const char *module, const char *fmt, ...)
{
    if (level > log_level)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&log_mutex);
    fprintf(stderr, "<%d>%s: %s\n", (int)level, module ? module : "kiosk", msg);
    if (log_sink)
        log_sink(level, module, msg, log_sink_user);
    pthread_mutex_unlock(&log_mutex);
}
