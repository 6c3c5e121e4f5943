/*
 * i18n.h - the kiosk's UI strings, one flat JSON table per locale in
 * ASSETS/i18n/<locale>.json ({"key": "string", ...}).
 *
 * Keys are grouped by screen with a dotted prefix ("home.greeting",
 * "search.placeholder", "article.fallback_badge", "osk.space", ...); the
 * full list is assets/i18n/en.json, and docs/i18n.md describes it.
 * Strings may hold {name} placeholders filled by ks_i18n_fmt().
 *
 * Lookups never fail: a key missing in the asked locale falls back along
 * ks_locale_chain() (zh-Hant -> zh-Hans -> en), and a key missing
 * everywhere returns the key itself (logged once per key), so a gap is
 * visible on screen but never crashes. Safe to call from any thread.
 */
#ifndef KS_I18N_H
#define KS_I18N_H

#include <stddef.h>

#include "ks/error.h"

typedef struct ks_i18n ks_i18n;

/* String files larger than this are refused. */
#define KS_I18N_MAX_FILE_BYTES (512 * 1024)

/* Loads dir/<locale>.json for each of the n locales (canonical tags), plus
 * dir/en.json (the last fallback) when it is not listed. A missing or broken
 * file for one locale is logged and added to the warnings (that locale then
 * falls back); a value that is not a string, or not valid UTF-8, skips that
 * key with a warning. Fails (KS_ERR_NOT_FOUND, naming dir) only when no file
 * at all could be loaded. *out: free with ks_i18n_free(). */
ks_status ks_i18n_load(const char *dir, const char *const *locales, size_t n, ks_i18n **out,
                       ks_error *err);
void ks_i18n_free(ks_i18n *i18n);

/* The string for key in locale (any spelling: "zh-TW" works), following the
 * fallback chain; the key itself when no table has it. Never NULL. Valid
 * until ks_i18n_free(). i18n NULL also returns key. */
const char *ks_i18n_get(ks_i18n *i18n, const char *locale, const char *key);

/* 1 when the table of locale itself (no fallback) has key. */
int ks_i18n_has(const ks_i18n *i18n, const char *locale, const char *key);

/* Replaces {name} placeholders in tmpl with values from NULL-terminated
 * pairs (name, value, name, value, ..., NULL). Unknown placeholders are
 * kept as written; "{{" writes "{". Writes at most cap bytes including the
 * NUL, never cutting a UTF-8 character in half. Returns the length the
 * full result needs (like snprintf), so result >= cap means truncated. */
size_t ks_i18n_format(char *out, size_t cap, const char *tmpl, const char *const *pairs);

/* ks_i18n_get() then ks_i18n_format() into buf; the variadic arguments are
 * the name/value pairs, ending with NULL. Returns buf.
 *   ks_i18n_fmt(i18n, loc, "results.title", buf, sizeof buf, "query", q, NULL);
 */
const char *ks_i18n_fmt(ks_i18n *i18n, const char *locale, const char *key, char *buf, size_t cap,
                        ...);

/* Locales whose table was loaded, in load order. Valid until free. */
size_t ks_i18n_locale_count(const ks_i18n *i18n);
const char *ks_i18n_locale_at(const ks_i18n *i18n, size_t index);

/* Problems found while loading, as lines to log. Valid until free. */
size_t ks_i18n_warning_count(const ks_i18n *i18n);
const char *ks_i18n_warning_at(const ks_i18n *i18n, size_t index);

#endif
