/*
 * locale.c - locale tag canonicalisation and the content fallback chain.
 * Pure string work: no allocation, no I/O.
 */
#include <ctype.h>
#include <string.h>

#include "ks/locale.h"

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

static void copy_tag(char out[KS_LOCALE_MAX], const char *s)
{
    size_t n = strlen(s);
    if (n >= KS_LOCALE_MAX) n = KS_LOCALE_MAX - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

int ks_locale_canonical(const char *tag, char out[KS_LOCALE_MAX])
{
    size_t n = tag ? strlen(tag) : 0;
    if (n < 2 || n >= KS_LOCALE_MAX) return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)tag[i];
        if (!isalnum(c) && c != '-' && c != '_') return -1;
    }
    static const struct { const char *from, *to; } folds[] = {
        {"zh", "zh-Hans"},      {"zh-CN", "zh-Hans"},   {"zh-SG", "zh-Hans"},
        {"zh-Hans", "zh-Hans"}, {"zh-Hans-CN", "zh-Hans"}, {"zh_CN", "zh-Hans"},
        {"zh-TW", "zh-Hant"},   {"zh-HK", "zh-Hant"},   {"zh-MO", "zh-Hant"},
        {"zh-Hant", "zh-Hant"}, {"zh-Hant-TW", "zh-Hant"}, {"zh-Hant-HK", "zh-Hant"},
        {"zh_TW", "zh-Hant"},   {"zh_HK", "zh-Hant"},
    };
    for (size_t i = 0; i < sizeof folds / sizeof folds[0]; i++) {
        if (ieq(tag, folds[i].from)) {
            copy_tag(out, folds[i].to);
            return 0;
        }
    }
    /* Other tags get BCP 47's case conventions, so "fr-ca" and "fr-CA" are
     * one locale: language lower case, script title case (4 letters),
     * region upper case (2 letters), anything else lower case. English
     * regions fold to plain "en": the kiosk has one English. */
    char buf[KS_LOCALE_MAX];
    for (size_t i = 0; i <= n; i++) buf[i] = tag[i] == '_' ? '-' : tag[i];
    for (char *seg = buf; *seg;) {
        char *end = strchr(seg, '-');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        for (size_t i = 0; i < len; i++) {
            int c = (unsigned char)seg[i];
            int upper = (seg != buf && len == 2) || (seg != buf && len == 4 && i == 0);
            seg[i] = (char)(upper ? toupper(c) : tolower(c));
        }
        seg += len;
        if (*seg == '-') seg++;
    }
    if (strncmp(buf, "en", 2) == 0 && (buf[2] == '\0' || buf[2] == '-')) buf[2] = '\0';
    copy_tag(out, buf);
    return 0;
}

size_t ks_locale_chain(const char *tag, char chain[KS_LOCALE_CHAIN_MAX][KS_LOCALE_MAX])
{
    char canon[KS_LOCALE_MAX];
    if (ks_locale_canonical(tag, canon) != 0) copy_tag(canon, "en");
    size_t n = 0;
    copy_tag(chain[n++], canon);
    if (strcmp(canon, "zh-Hant") == 0) copy_tag(chain[n++], "zh-Hans");
    else if (strcmp(canon, "zh-Hans") == 0) copy_tag(chain[n++], "zh-Hant");
    if (strcmp(canon, "en") != 0) copy_tag(chain[n++], "en");
    return n;
}

int ks_locale_is_chinese(const char *tag)
{
    char canon[KS_LOCALE_MAX];
    if (ks_locale_canonical(tag, canon) != 0) return 0;
    return strcmp(canon, "zh-Hans") == 0 || strcmp(canon, "zh-Hant") == 0;
}
