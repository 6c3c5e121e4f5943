/*
 * locale.h - BCP 47 locale tags the kiosk knows and their fallback chain.
 *
 * Content and UI strings fall back along a chain so a visitor always sees
 * something: zh-Hant -> zh-Hans -> en, zh-Hans -> zh-Hant -> en, others ->
 * en. Regional tags fold to their script (zh-TW, zh-HK, zh-MO -> zh-Hant;
 * zh, zh-CN, zh-SG -> zh-Hans; en-US, en-GB -> en).
 */
#ifndef KS_LOCALE_H
#define KS_LOCALE_H

#include <stddef.h>

#define KS_LOCALE_MAX 36   /* longest tag we store, with its NUL */
#define KS_LOCALE_CHAIN_MAX 4

/* Canonical form of a tag ("zh-tw" -> "zh-Hant", "EN-us" -> "en"); writes
 * into out (KS_LOCALE_MAX bytes). Returns 0, or -1 when tag is not a
 * well-formed BCP 47 tag (letters, digits, '-' only, 2..35 chars). */
int ks_locale_canonical(const char *tag, char out[KS_LOCALE_MAX]);

/* The fallback chain starting with the canonical tag itself; returns its
 * length (>= 1). Strings point to static storage or into chain_buf. */
size_t ks_locale_chain(const char *tag, char chain[KS_LOCALE_CHAIN_MAX][KS_LOCALE_MAX]);

/* 1 for zh-Hans/zh-Hant (text shaped and broken as CJK), else 0. */
int ks_locale_is_chinese(const char *tag);

#endif
