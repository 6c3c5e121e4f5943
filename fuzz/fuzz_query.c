/*
 * fuzz_query.c - libFuzzer target for what a visitor can type: any bytes
 * go through normalisation, analysis and a full query against a small
 * store, and must come back as a well-formed answer: normalised text that
 * is valid UTF-8 with single spaces and no punctuation, terms that fit,
 * hits within the limit, best first, with finite scores. Never a crash, a
 * leak or an error. The first input byte picks the locale and the limit.
 * Build: cmake -DKS_FUZZ=ON -DCMAKE_C_COMPILER=clang.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "ks/analyze.h"
#include "ks/faq.h"
#include "ks/log.h"
#include "ks/normalize.h"
#include "ks/path.h"
#include "ks/search.h"
#include "ks/store.h"

static void check(int cond)
{
    if (!cond) __builtin_trap();
}

static const char faq_json[] =
    "{\"format\":\"kiosk-faq/1\",\"articles\":["
    "{\"id\":\"seed\",\"locale\":\"en\",\"title\":\"Keep your recovery phrase secret\","
    "\"body\":\"Never share the twelve words.\",\"questions\":[\"Someone asked for my seed words\"],"
    "\"keywords\":[\"backup\"]},"
    "{\"id\":\"seed\",\"locale\":\"zh-Hans\",\"title\":\"请妥善保管助记词\",\"body\":\"不要告诉任何人。\","
    "\"questions\":[\"有人向我要助记词\"]},"
    "{\"id\":\"seed\",\"locale\":\"zh-Hant\",\"title\":\"請妥善保管助記詞\",\"body\":\"不要告訴任何人。\"},"
    "{\"id\":\"fee\",\"locale\":\"en\",\"title\":\"Why do I pay a network fee?\",\"body\":\"Every transfer "
    "pays.\","
    "\"questions\":[\"What is the gas fee\"]},"
    "{\"id\":\"fee\",\"locale\":\"zh-Hans\",\"title\":\"为什么要付网络手续费\",\"body\":"
    "\"每笔转账都要付费。\"},"
    "{\"id\":\"card\",\"locale\":\"zh-Hans\",\"title\":\"如何绑定银行卡\",\"body\":\"在设置里绑定。\"}"
    "]}";

static ks_norm *norm;
static ks_store *store;
static ks_search *engine;

static void setup(void)
{
    ks_log_set_level(KS_LOG_ERROR);
    ks_error err = {0};
    check(ks_norm_open(&norm, &err) == KS_OK);
    char tmpl[] = "/tmp/ks-fuzz-query-XXXXXX";
    char *dir = mkdtemp(tmpl);
    check(dir != NULL);
    check(ks_store_open(dir, &store, &err) == KS_OK);
    ks_faq *faq = NULL;
    check(ks_faq_parse(faq_json, sizeof faq_json - 1, "fuzz.json", &faq, &err) == KS_OK);
    check(ks_store_import(store, &faq, 1, NULL, NULL, &err) == KS_OK);
    ks_faq_free(faq);
    check(ks_search_open(ks_store_db(store), &engine, &err) == KS_OK);
    /* The database stays open for the process; its directory can go. */
    ks_path_remove_tree(dir, NULL);
}

static void check_normalised(const char *s, size_t n)
{
    check(strlen(s) == n);
    check(n == 0 || (s[0] != ' ' && s[n - 1] != ' '));
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        check(k > 0);
        if (cp == ' ') {
            check(i + 1 < n && s[i + 1] != ' ');
        } else {
            utf8proc_category_t c = utf8proc_category(cp);
            check(c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT ||
                  c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_LO || c == UTF8PROC_CATEGORY_MN ||
                  c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME || c == UTF8PROC_CATEGORY_ND ||
                  c == UTF8PROC_CATEGORY_NL || c == UTF8PROC_CATEGORY_NO);
        }
        i += (size_t)k;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine) setup();
    ks_error err = {0};
    static const char *const locales[] = {NULL, "en", "zh-Hans", "zh-Hant", "zh-TW", "fr", "x"};
    const char *locale = size ? locales[data[0] % 7] : NULL;
    size_t limit = size ? (size_t)(data[0] >> 3) : 5; /* 0..31, 0 means 1 */
    const char *text = size ? (const char *)data + 1 : "";
    size_t len = size ? size - 1 : 0;

    char *out = NULL, *alt = NULL;
    size_t n = 0, alt_n = 0;
    check(ks_norm_text_alt(norm, text, len, &out, &n, &alt, &alt_n, &err) == KS_OK);
    check_normalised(out, n);
    if (alt) check_normalised(alt, alt_n);
    free(out);
    free(alt);

    ks_terms t = {0};
    check(ks_analyze_query(norm, text, len, 64, &t, &err) == KS_OK);
    check(t.n <= 64);
    for (size_t i = 0; i < t.n; i++) {
        check(t.v[i].len > 0 && t.v[i].len < KS_TERM_MAX && t.v[i].s[t.v[i].len] == '\0');
        check(memchr(t.v[i].s, ' ', t.v[i].len) == NULL);
        check(t.v[i].surf_off + t.v[i].surf_len <= t.norm_len);
    }
    ks_terms_free(&t);

    ks_search_result r;
    check(ks_search_query(engine, text, len, locale, limit, &r, &err) == KS_OK);
    check(r.n_hits <= (limit ? limit : 1));
    for (size_t i = 0; i < r.n_hits; i++) {
        check(r.hits[i].id && r.hits[i].locale && r.hits[i].title);
        check(isfinite(r.hits[i].score) && r.hits[i].score >= 0);
        if (i) check(r.hits[i - 1].score >= r.hits[i].score);
        for (size_t j = 0; j < i; j++)
            check(strcmp(r.hits[i].id, r.hits[j].id) != 0);
    }
    check(!r.confident || r.n_hits > 0);
    ks_search_result_free(&r);
    return 0;
}
