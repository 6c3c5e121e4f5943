/*
 * test_locale.c - locale tags: canonical forms, regional folding to a
 * script, the fallback chain content and UI strings follow, and refusal of
 * things that are not tags.
 */
#include <string.h>

#include "ks/locale.h"
#include "test.h"

static void check_canon(const char *tag, const char *want, int line)
{
    char out[KS_LOCALE_MAX];
    int rc = ks_locale_canonical(tag, out);
    KS_CHECK_MSG(rc == 0, "line %d: '%s' refused", line, tag);
    if (rc == 0) KS_CHECK_MSG(strcmp(out, want) == 0, "line %d: '%s' -> '%s', want '%s'", line, tag, out, want);
}
#define CANON(tag, want) check_canon(tag, want, __LINE__)

static void test_canonical_folds_regions_to_scripts(void)
{
    CANON("zh-TW", "zh-Hant");
    CANON("zh-hk", "zh-Hant");
    CANON("ZH-MO", "zh-Hant");
    CANON("zh_TW", "zh-Hant");
    CANON("zh-Hant-TW", "zh-Hant");
    CANON("zh-hant", "zh-Hant");
    CANON("zh", "zh-Hans");
    CANON("zh-CN", "zh-Hans");
    CANON("zh-sg", "zh-Hans");
    CANON("zh-Hans", "zh-Hans");
    CANON("zh_CN", "zh-Hans");
}

static void test_canonical_normalises_other_tags(void)
{
    CANON("en", "en");
    CANON("EN", "en");
    CANON("en-US", "en");
    CANON("en_GB", "en");
    CANON("de", "de");
    CANON("pt_BR", "pt-BR");
    CANON("fr-ca", "fr-CA");
    CANON("FR-CA", "fr-CA");
    CANON("sr-latn-rs", "sr-Latn-RS");
    CANON("english", "english");
}

static void test_canonical_refuses_what_is_not_a_tag(void)
{
    char out[KS_LOCALE_MAX];
    KS_CHECK(ks_locale_canonical(NULL, out) == -1);
    KS_CHECK(ks_locale_canonical("", out) == -1);
    KS_CHECK(ks_locale_canonical("e", out) == -1);
    KS_CHECK(ks_locale_canonical("en us", out) == -1);
    KS_CHECK(ks_locale_canonical("en/../x", out) == -1);
    KS_CHECK(ks_locale_canonical("中文", out) == -1);
    char longtag[KS_LOCALE_MAX + 2];
    memset(longtag, 'a', sizeof longtag - 1);
    longtag[sizeof longtag - 1] = '\0';
    KS_CHECK(ks_locale_canonical(longtag, out) == -1);
    longtag[KS_LOCALE_MAX - 1] = '\0'; /* 35 characters: the longest allowed */
    KS_CHECK(ks_locale_canonical(longtag, out) == 0);
}

static void check_chain(const char *tag, const char *const *want, size_t n, int line)
{
    char chain[KS_LOCALE_CHAIN_MAX][KS_LOCALE_MAX];
    size_t got = ks_locale_chain(tag, chain);
    KS_CHECK_MSG(got == n, "line %d: chain of '%s' has %zu entries, want %zu", line, tag ? tag : "(null)", got, n);
    for (size_t i = 0; i < n && i < got; i++)
        KS_CHECK_MSG(strcmp(chain[i], want[i]) == 0, "line %d: chain[%zu] '%s', want '%s'", line, i, chain[i], want[i]);
}
#define CHAIN(tag, ...)                                                                        \
    do {                                                                                       \
        const char *const want_[] = {__VA_ARGS__};                                             \
        check_chain(tag, want_, sizeof want_ / sizeof want_[0], __LINE__);                     \
    } while (0)

static void test_chain_falls_back_across_scripts_then_english(void)
{
    CHAIN("zh-Hant", "zh-Hant", "zh-Hans", "en");
    CHAIN("zh-TW", "zh-Hant", "zh-Hans", "en");
    CHAIN("zh-Hans", "zh-Hans", "zh-Hant", "en");
    CHAIN("zh-CN", "zh-Hans", "zh-Hant", "en");
    CHAIN("en", "en");
    CHAIN("en-GB", "en");
    CHAIN("fr", "fr", "en");
    /* Garbage falls back to English rather than failing. */
    CHAIN("not a tag", "en");
    CHAIN(NULL, "en");
}

static void test_is_chinese_knows_both_scripts(void)
{
    KS_CHECK(ks_locale_is_chinese("zh-Hans"));
    KS_CHECK(ks_locale_is_chinese("zh-Hant"));
    KS_CHECK(ks_locale_is_chinese("zh-HK"));
    KS_CHECK(ks_locale_is_chinese("zh"));
    KS_CHECK(!ks_locale_is_chinese("en"));
    KS_CHECK(!ks_locale_is_chinese("ja"));
    KS_CHECK(!ks_locale_is_chinese(""));
    KS_CHECK(!ks_locale_is_chinese(NULL));
}

int main(void)
{
    KS_RUN(test_canonical_folds_regions_to_scripts);
    KS_RUN(test_canonical_normalises_other_tags);
    KS_RUN(test_canonical_refuses_what_is_not_a_tag);
    KS_RUN(test_chain_falls_back_across_scripts_then_english);
    KS_RUN(test_is_chinese_knows_both_scripts);
    return ks_test_summary();
}
