/*
 * test_i18n.c - UI strings: the shipped tables agree with each other and
 * are written in the right script, lookups fall back along the locale
 * chain and never fail, broken files degrade to warnings, placeholders.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <opencc/opencc.h>

#include "ks/file.h"
#include "ks/i18n.h"
#include "ks/log.h"
#include "test.h"

static const char *const shipped[] = {"en", "zh-Hans", "zh-Hant"};

static cJSON *load_json(const char *rel)
{
    char *text = NULL;
    size_t len = 0;
    if (ks_file_read_all(ks_test_src(rel), 1 << 20, &text, &len, NULL) != KS_OK) return NULL;
    cJSON *j = cJSON_ParseWithLength(text, len);
    free(text);
    return j;
}

static void put(const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", ks_test_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static int has_warning(const ks_i18n *i18n, const char *needle)
{
    for (size_t i = 0; i < ks_i18n_warning_count(i18n); i++)
        if (strstr(ks_i18n_warning_at(i18n, i), needle)) return 1;
    return 0;
}

/* The set of {placeholders} in s, sorted and joined, into out. */
static void placeholders(const char *s, char *out, size_t cap)
{
    char names[16][32];
    int n = 0;
    for (const char *p = s; (p = strchr(p, '{')) != NULL; p++) {
        const char *e = strchr(p, '}');
        if (!e || e - p - 1 >= 32 || n == 16) break;
        memcpy(names[n], p + 1, (size_t)(e - p - 1));
        names[n][e - p - 1] = '\0';
        n++;
    }
    qsort(names, (size_t)n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    out[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < n; i++) used += (size_t)snprintf(out + used, cap - used, "%s,", names[i]);
}

static void test_shipped_tables_have_the_same_keys_and_placeholders(void)
{
    cJSON *t[3];
    for (int i = 0; i < 3; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "assets/i18n/%s.json", shipped[i]);
        t[i] = load_json(rel);
        KS_REQUIRE(cJSON_IsObject(t[i]));
    }
    int n_en = cJSON_GetArraySize(t[0]);
    KS_CHECK(n_en >= 90);
    for (int i = 1; i < 3; i++) {
        KS_CHECK_MSG(cJSON_GetArraySize(t[i]) == n_en, "%s has %d keys, en %d", shipped[i], cJSON_GetArraySize(t[i]), n_en);
        const cJSON *item;
        cJSON_ArrayForEach(item, t[0]) {
            const cJSON *other = cJSON_GetObjectItemCaseSensitive(t[i], item->string);
            KS_CHECK_MSG(cJSON_IsString(other), "%s lacks '%s'", shipped[i], item->string);
            if (!cJSON_IsString(other)) continue;
            KS_CHECK_MSG(other->valuestring[0] != '\0', "%s '%s' is empty", shipped[i], item->string);
            char a[256], b[256];
            placeholders(item->valuestring, a, sizeof a);
            placeholders(other->valuestring, b, sizeof b);
            KS_CHECK_MSG(strcmp(a, b) == 0, "%s '%s' placeholders {%s} vs en {%s}", shipped[i], item->string, b, a);
        }
        cJSON_ArrayForEach(item, t[i]) KS_CHECK_MSG(cJSON_GetObjectItemCaseSensitive(t[0], item->string) != NULL,
                                                    "%s has extra key '%s'", shipped[i], item->string);
    }
    /* Language names are written in their own script in every table. */
    for (int i = 0; i < 3; i++) {
        KS_CHECK_STR(cJSON_GetObjectItemCaseSensitive(t[i], "lang.name.en")->valuestring, "English");
        KS_CHECK_STR(cJSON_GetObjectItemCaseSensitive(t[i], "lang.name.zh-Hans")->valuestring, "简体中文");
        KS_CHECK_STR(cJSON_GetObjectItemCaseSensitive(t[i], "lang.name.zh-Hant")->valuestring, "繁體中文");
    }
    for (int i = 0; i < 3; i++) cJSON_Delete(t[i]);
}

/* Converts s with an OpenCC config; caller frees with free(). */
static char *convert(opencc_t cc, const char *s)
{
    char *o = opencc_convert_utf8(cc, s, strlen(s));
    if (!o) return NULL;
    char *copy = strdup(o);
    opencc_convert_utf8_free(o);
    return copy;
}

/* zh-Hant must be in Traditional characters (Taiwan forms) and zh-Hans in
 * Simplified: converting each to its own script changes nothing. And the
 * Traditional table is its own writing, not zh-Hans run through a
 * converter: many strings differ in wording, not only in script. */
static void test_chinese_tables_are_in_their_own_script(void)
{
    opencc_t s2tw = opencc_open("s2tw.json");
    opencc_t t2s = opencc_open("t2s.json");
    opencc_t tw2sp = opencc_open("tw2sp.json");
    KS_REQUIRE(s2tw != (opencc_t)-1 && t2s != (opencc_t)-1 && tw2sp != (opencc_t)-1);
    cJSON *hans = load_json("assets/i18n/zh-Hans.json");
    cJSON *hant = load_json("assets/i18n/zh-Hant.json");
    KS_REQUIRE(hans && hant);
    int reworded = 0, total = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, hant) {
        if (strncmp(item->string, "lang.name.", 10) == 0) continue; /* own script on purpose */
        char *c = convert(s2tw, item->valuestring);
        KS_CHECK_MSG(c && strcmp(c, item->valuestring) == 0, "zh-Hant '%s' is not Traditional: \"%s\" -> \"%s\"",
                     item->string, item->valuestring, c ? c : "?");
        free(c);
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(hans, item->string);
        char *back = convert(tw2sp, item->valuestring);
        if (h && back && strcmp(back, h->valuestring) != 0) reworded++;
        free(back);
        total++;
    }
    cJSON_ArrayForEach(item, hans) {
        if (strncmp(item->string, "lang.name.", 10) == 0) continue;
        char *c = convert(t2s, item->valuestring);
        KS_CHECK_MSG(c && strcmp(c, item->valuestring) == 0, "zh-Hans '%s' is not Simplified: \"%s\" -> \"%s\"",
                     item->string, item->valuestring, c ? c : "?");
        free(c);
    }
    KS_CHECK_MSG(reworded * 3 >= total, "only %d of %d zh-Hant strings differ from zh-Hans beyond script",
                 reworded, total);
    cJSON_Delete(hans);
    cJSON_Delete(hant);
    opencc_close(s2tw);
    opencc_close(t2s);
    opencc_close(tw2sp);
}

static void test_shipped_strings_load_and_resolve(void)
{
    ks_i18n *i18n = NULL;
    ks_error err;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", ks_test_src("assets/i18n"));
    KS_REQUIRE(ks_i18n_load(dir, shipped, 3, &i18n, &err) == KS_OK);
    KS_CHECK(ks_i18n_warning_count(i18n) == 0);
    KS_CHECK(ks_i18n_locale_count(i18n) == 3);
    KS_CHECK_STR(ks_i18n_get(i18n, "zh-Hant", "search.button"), "搜尋");
    KS_CHECK_STR(ks_i18n_get(i18n, "zh-TW", "search.button"), "搜尋");
    KS_CHECK_STR(ks_i18n_get(i18n, "zh-CN", "search.button"), "搜索");
    KS_CHECK_STR(ks_i18n_get(i18n, "en-US", "search.placeholder"), "Ask a question");
    KS_CHECK_STR(ks_i18n_get(i18n, "fr", "nav.back"), "Back"); /* unknown locale -> en */
    char buf[256];
    ks_i18n_fmt(i18n, "en", "article.fallback_badge", buf, sizeof buf, "language",
                ks_i18n_get(i18n, "en", "lang.in.en"), NULL);
    KS_CHECK_STR(buf, "Shown in English because this article is not yet available in your language");
    ks_i18n_fmt(i18n, "zh-Hant", "article.fallback_badge", buf, sizeof buf, "language",
                ks_i18n_get(i18n, "zh-Hant", "lang.in.en"), NULL);
    KS_CHECK_STR(buf, "本文尚無您所選語言的版本，目前以英文顯示");
    ks_i18n_free(i18n);
}

static void make_small_tables(void)
{
    put("en.json", "{\"greet\": \"Hello\", \"bye\": \"Bye {name}\", \"only_en\": \"E\", \"_comment\": \"x\"}");
    put("zh-Hans.json", "{\"greet\": \"你好\", \"only_hans\": \"简\"}");
    put("zh-Hant.json", "{\"greet\": \"您好\"}");
}

static void test_lookup_falls_back_along_the_chain(void)
{
    make_small_tables();
    ks_i18n *i18n = NULL;
    ks_error err;
    KS_REQUIRE(ks_i18n_load(ks_test_tmpdir(), shipped, 3, &i18n, &err) == KS_OK);
    KS_CHECK_STR(ks_i18n_get(i18n, "zh-Hant", "greet"), "您好");
    KS_CHECK_STR(ks_i18n_get(i18n, "zh-Hant", "only_hans"), "简"); /* zh-Hant -> zh-Hans */
    KS_CHECK_STR(ks_i18n_get(i18n, "zh-Hant", "only_en"), "E");    /* ... -> en */
    KS_CHECK_STR(ks_i18n_get(i18n, "zh-Hans", "only_en"), "E");
    KS_CHECK_STR(ks_i18n_get(i18n, NULL, "greet"), "Hello");
    KS_CHECK_STR(ks_i18n_get(i18n, "", "greet"), "Hello");
    KS_CHECK_STR(ks_i18n_get(i18n, "!!bad", "greet"), "Hello");
    KS_CHECK(ks_i18n_has(i18n, "zh-Hans", "only_hans"));
    KS_CHECK(!ks_i18n_has(i18n, "zh-Hant", "only_hans"));
    KS_CHECK(!ks_i18n_has(i18n, "en", "_comment"));
    ks_i18n_free(i18n);
}

static void test_missing_key_returns_the_key_itself(void)
{
    make_small_tables();
    ks_i18n *i18n = NULL;
    ks_error err;
    KS_REQUIRE(ks_i18n_load(ks_test_tmpdir(), shipped, 3, &i18n, &err) == KS_OK);
    const char *key = "home.no_such_string";
    for (int i = 0; i < 3; i++) KS_CHECK(ks_i18n_get(i18n, "zh-Hant", key) == key);
    KS_CHECK_STR(ks_i18n_get(NULL, "en", "x.y"), "x.y");
    KS_CHECK_STR(ks_i18n_get(i18n, "en", NULL), "");
    ks_i18n_free(i18n);
}

static void test_missing_or_broken_locale_files_are_warnings(void)
{
    put("en.json", "{\"a\": \"A\", \"n\": 5, \"bad\": \"\xff\xfe\", \"a\": \"second\", \"list\": [\"x\"]}");
    put("zh-Hans.json", "{\"a\": \n \"unterminated}");
    /* no zh-Hant.json at all */
    ks_i18n *i18n = NULL;
    ks_error err;
    KS_REQUIRE(ks_i18n_load(ks_test_tmpdir(), shipped, 3, &i18n, &err) == KS_OK);
    KS_CHECK(ks_i18n_locale_count(i18n) == 1);
    KS_CHECK_STR(ks_i18n_locale_at(i18n, 0), "en");
    KS_CHECK(ks_i18n_locale_at(i18n, 1) == NULL);
    KS_CHECK(has_warning(i18n, "key 'n' is not a string"));
    KS_CHECK(has_warning(i18n, "key 'list' is not a string"));
    KS_CHECK(has_warning(i18n, "key 'bad' is not valid UTF-8"));
    KS_CHECK(has_warning(i18n, "key 'a' appears twice; the first is used"));
    KS_CHECK(has_warning(i18n, "zh-Hans.json: invalid JSON at line 2"));
    KS_CHECK(has_warning(i18n, "no strings for 'zh-Hant'"));
    KS_CHECK_STR(ks_i18n_get(i18n, "zh-Hant", "a"), "A");
    KS_CHECK_STR(ks_i18n_get(i18n, "en", "n"), "n");
    ks_i18n_free(i18n);

    put("en.json", "[\"not an object\"]");
    KS_CHECK(ks_i18n_load(ks_test_tmpdir(), shipped, 1, &i18n, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(i18n == NULL);
}

static void test_load_fails_only_when_nothing_loads(void)
{
    ks_i18n *i18n = NULL;
    ks_error err;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/nowhere", ks_test_tmpdir());
    KS_CHECK(ks_i18n_load(dir, shipped, 3, &i18n, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(i18n == NULL);
    KS_CHECK(strstr(err.msg, dir) != NULL);
    KS_CHECK(strstr(err.msg, "assets_dir") != NULL);
}

static void test_english_is_always_loaded_as_the_last_resort(void)
{
    make_small_tables();
    const char *only[] = {"zh-Hant", "zh-TW", "not a tag"};
    ks_i18n *i18n = NULL;
    ks_error err;
    KS_REQUIRE(ks_i18n_load(ks_test_tmpdir(), only, 3, &i18n, &err) == KS_OK);
    KS_CHECK(ks_i18n_locale_count(i18n) == 2);
    KS_CHECK_STR(ks_i18n_locale_at(i18n, 0), "zh-Hant");
    KS_CHECK_STR(ks_i18n_locale_at(i18n, 1), "en");
    KS_CHECK(has_warning(i18n, "'not a tag' is not a locale tag"));
    KS_CHECK_STR(ks_i18n_get(i18n, "zh-Hant", "only_en"), "E");
    ks_i18n_free(i18n);
}

static void test_format_fills_placeholders(void)
{
    char out[64];
    const char *pairs[] = {"name", "Ana", "count", "3", NULL};
    KS_CHECK(ks_i18n_format(out, sizeof out, "Hi {name}, {count} new", pairs) == 13);
    KS_CHECK_STR(out, "Hi Ana, 3 new");
    ks_i18n_format(out, sizeof out, "{unknown} {name} {{name}} {} {na me} {", pairs);
    KS_CHECK_STR(out, "{unknown} Ana {name}} {} {na me} {");
    ks_i18n_format(out, sizeof out, "plain", NULL);
    KS_CHECK_STR(out, "plain");
    ks_i18n_format(out, sizeof out, NULL, pairs);
    KS_CHECK_STR(out, "");
}

static void test_format_truncates_on_character_boundaries(void)
{
    char out[8];
    const char *pairs[] = {"q", "银行卡", NULL};
    /* "“银行卡”" needs 15 bytes; 7 fit: “ and 银 (6 bytes), then 行 would
     * be cut in half, so it is left out whole. */
    size_t need = ks_i18n_format(out, sizeof out, "“{q}”", pairs);
    KS_CHECK(need == 15);
    KS_CHECK_STR(out, "“银");
    KS_CHECK(ks_i18n_format(NULL, 0, "{q}", pairs) == 9);
    char one[1] = {'x'};
    KS_CHECK(ks_i18n_format(one, 1, "abc", NULL) == 3);
    KS_CHECK(one[0] == '\0');
}

static void test_fmt_looks_up_then_formats(void)
{
    make_small_tables();
    ks_i18n *i18n = NULL;
    ks_error err;
    KS_REQUIRE(ks_i18n_load(ks_test_tmpdir(), shipped, 3, &i18n, &err) == KS_OK);
    char buf[32];
    KS_CHECK_STR(ks_i18n_fmt(i18n, "zh-Hant", "bye", buf, sizeof buf, "name", "Li", NULL), "Bye Li");
    KS_CHECK_STR(ks_i18n_fmt(i18n, "en", "bye", buf, sizeof buf, "name", NULL, NULL), "Bye ");
    ks_i18n_free(i18n);
}

static void *hammer(void *arg)
{
    ks_i18n *i18n = arg;
    char key[32];
    for (int i = 0; i < 2000; i++) {
        snprintf(key, sizeof key, "missing.%d", i % 300);
        ks_i18n_get(i18n, (i & 1) ? "zh-Hant" : "en", key);
        ks_i18n_get(i18n, "zh-Hant", "greet");
    }
    return NULL;
}

static void test_lookups_are_safe_from_many_threads(void)
{
    make_small_tables();
    ks_i18n *i18n = NULL;
    ks_error err;
    KS_REQUIRE(ks_i18n_load(ks_test_tmpdir(), shipped, 3, &i18n, &err) == KS_OK);
    ks_log_level before = ks_log_get_level();
    ks_log_set_level(KS_LOG_ERROR); /* 300 "missing" lines are expected here */
    pthread_t th[4];
    for (int i = 0; i < 4; i++) KS_REQUIRE(pthread_create(&th[i], NULL, hammer, i18n) == 0);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    ks_log_set_level(before);
    KS_CHECK_STR(ks_i18n_get(i18n, "zh-Hant", "greet"), "您好");
    ks_i18n_free(i18n);
}

int main(void)
{
    KS_RUN(test_shipped_tables_have_the_same_keys_and_placeholders);
    KS_RUN(test_chinese_tables_are_in_their_own_script);
    KS_RUN(test_shipped_strings_load_and_resolve);
    KS_RUN(test_lookup_falls_back_along_the_chain);
    KS_RUN(test_missing_key_returns_the_key_itself);
    KS_RUN(test_missing_or_broken_locale_files_are_warnings);
    KS_RUN(test_load_fails_only_when_nothing_loads);
    KS_RUN(test_english_is_always_loaded_as_the_last_resort);
    KS_RUN(test_format_fills_placeholders);
    KS_RUN(test_format_truncates_on_character_boundaries);
    KS_RUN(test_fmt_looks_up_then_formats);
    KS_RUN(test_lookups_are_safe_from_many_threads);
    return ks_test_summary();
}
