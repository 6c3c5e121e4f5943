/*
 * log.h - levelled logging to stderr in a journald-friendly form.
 *
 * Each line starts with a syslog priority prefix ("<3>" error ... "<7>" debug)
 * that systemd-journald turns into the entry's priority, then the module name
 * and the message: "<4>sync: manifest refused: version 3 is not newer than 5".
 * Thread safe. Lines below the current level are dropped cheaply.
 */
#ifndef KS_LOG_H
#define KS_LOG_H

typedef enum ks_log_level {
    KS_LOG_ERROR = 3,
    KS_LOG_WARN = 4,
    KS_LOG_INFO = 6,
    KS_LOG_DEBUG = 7,
} ks_log_level;

void ks_log_set_level(ks_log_level level);
ks_log_level ks_log_get_level(void);
/* Parses "error", "warn", "info", "debug"; returns -1 when unknown. */
int ks_log_level_parse(const char *name);

/* Optional sink that receives every emitted line as well (e.g. the
 * technician's diagnostics view). Called with the log lock held: keep it
 * short and never log from it. Pass NULL to remove. */
typedef void (*ks_log_sink)(ks_log_level level, const char *module, const char *msg, void *user);
void ks_log_set_sink(ks_log_sink sink, void *user);

void ks_log(ks_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define ks_log_error(mod, ...) ks_log(KS_LOG_ERROR, mod, __VA_ARGS__)
#define ks_log_warn(mod, ...) ks_log(KS_LOG_WARN, mod, __VA_ARGS__)
#define ks_log_info(mod, ...) ks_log(KS_LOG_INFO, mod, __VA_ARGS__)
#define ks_log_debug(mod, ...) ks_log(KS_LOG_DEBUG, mod, __VA_ARGS__)

#endif
