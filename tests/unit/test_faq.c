/*
 * test_faq.c - the kiosk-faq/1 parser: every field read, every documented
 * rejection, and error messages that name file, article/category and field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ks/faq.h"
#include "test.h"

static ks_status parse(const char *json, ks_faq **out, ks_error *err)
{
    ks_error_clear(err);
    *out = NULL;
    return ks_faq_parse(json, strlen(json), "t.json", out, err);
}

/* Parses json, expects failure with code, and that the message contains
 * each of the given fragments. */
static void expect_error(const char *json, ks_status code, const char *const *fragments, size_t n, int line)
{
    ks_faq *faq = NULL;
    ks_error err;
    ks_status st = parse(json, &faq, &err);
    KS_CHECK_MSG(st == code, "line %d: status %s, want %s (%s)", line, ks_status_name(st), ks_status_name(code),
                 err.msg);
    KS_CHECK_MSG(faq == NULL, "line %d: document returned on failure", line);
    for (size_t i = 0; i < n; i++)
        KS_CHECK_MSG(strstr(err.msg, fragments[i]) != NULL, "line %d: message \"%s\" lacks \"%s\"", line, err.msg,
                     fragments[i]);
    ks_faq_free(faq);
}
#define EXPECT_ERROR(json, code, ...)                                                                    \
    do {                                                                                                 \
        const char *const frags_[] = {__VA_ARGS__};                                                      \
        expect_error(json, code, frags_, sizeof frags_ / sizeof frags_[0], __LINE__);                    \
    } while (0)

#define DOC(arts) "{\"format\":\"kiosk-faq/1\",\"articles\":[" arts "]}"
#define ART(extra) "{\"id\":\"a1\",\"locale\":\"en\",\"title\":\"T\"" extra "}"

static void test_parse_reads_every_field(void)
{
    ks_faq *faq = NULL;
    ks_error err = {0};
    ks_status st = ks_faq_load_file(ks_test_src("tests/fixtures/faq/basic.json"), &faq, &err);
    KS_REQUIRE(st == KS_OK);
    KS_CHECK(strstr(faq->source, "basic.json") != NULL);
    KS_REQUIRE(faq->n_categories == 3);
    const ks_faq_category *wallet = &faq->categories[0];
    KS_CHECK_STR(wallet->id, "wallet");
    KS_CHECK(wallet->position == 1);
    KS_REQUIRE(wallet->n_titles == 3);
    KS_CHECK_STR(wallet->titles[1].locale, "zh-Hans");
    KS_CHECK_STR(wallet->titles[1].text, "钱包安全");
    KS_CHECK_STR(wallet->extra_json, "{\"icon\":\"shield\"}");
    KS_CHECK(faq->categories[1].extra_json == NULL);

    KS_REQUIRE(faq->n_articles == 8);
    const ks_faq_article *a = &faq->articles[0];
    KS_CHECK_STR(a->id, "seed_phrase");
    KS_CHECK_STR(a->locale, "en");
    KS_CHECK_STR(a->category, "wallet");
    KS_CHECK_STR(a->title, "Should I ever tell anyone my recovery phrase?");
    KS_CHECK(strncmp(a->body, "# Never share it\n\n", 18) == 0);
    KS_REQUIRE(a->n_questions == 2 && a->n_keywords == 3);
    KS_CHECK_STR(a->questions[1], "someone wants my 12 words");
    KS_CHECK_STR(a->keywords[2], "scam");
    KS_CHECK_STR(a->media_json, "[\"media/seed.png\"]");
    KS_CHECK_STR(a->updated_at, "2026-11-01T00:00:00Z");
    KS_CHECK(a->position == 1);
    KS_CHECK_STR(a->extra_json, "{\"reviewed_by\":{\"team\":\"safety\",\"round\":2}}");
    /* zh-TW is stored under its canonical tag. */
    KS_CHECK_STR(faq->articles[2].locale, "zh-Hant");
    /* Defaults: no category, empty body, position = index in the file. */
    const ks_faq_article *last = &faq->articles[7];
    KS_CHECK(last->category == NULL);
    KS_CHECK_STR(last->body, "Every day from 10:00 to 20:00.");
    KS_CHECK(last->position == 7);
    KS_CHECK(last->n_questions == 0 && last->questions == NULL);
    KS_CHECK(last->media_json == NULL && last->updated_at == NULL && last->extra_json == NULL);
    ks_faq_free(faq);
}

static void test_parse_keeps_unknown_fields_intact(void)
{
    ks_faq *faq = NULL;
    ks_error err;
    const char *json = DOC(ART(",\"video\":{\"src\":\"media/fit.mp4\",\"captions\":[\"en\",\"zh-Hans\"]},"
                               "\"score\":1.5,\"flags\":null,\"note\":\"第一版\""));
    KS_REQUIRE(parse(json, &faq, &err) == KS_OK);
    cJSON *extra = cJSON_Parse(faq->articles[0].extra_json);
    KS_REQUIRE(extra != NULL);
    cJSON *video = cJSON_GetObjectItemCaseSensitive(extra, "video");
    KS_CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(video, "src")), "media/fit.mp4");
    KS_CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(video, "captions")) == 2);
    KS_CHECK(cJSON_GetObjectItemCaseSensitive(extra, "score")->valuedouble == 1.5);
    KS_CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(extra, "flags")));
    KS_CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(extra, "note")), "第一版");
    /* Known fields are not repeated among the extras. */
    KS_CHECK(cJSON_GetObjectItemCaseSensitive(extra, "title") == NULL);
    cJSON_Delete(extra);
    ks_faq_free(faq);
}

static void test_parse_accepts_documents_without_articles_or_categories(void)
{
    ks_faq *faq = NULL;
    ks_error err;
    KS_REQUIRE(parse("{\"format\":\"kiosk-faq/1\"}", &faq, &err) == KS_OK);
    KS_CHECK(faq->n_articles == 0 && faq->n_categories == 0);
    ks_faq_free(faq);
    KS_REQUIRE(ks_faq_load_file(ks_test_src("tests/fixtures/faq/categories.json"), &faq, &err) == KS_OK);
    KS_CHECK(faq->n_categories == 2 && faq->n_articles == 0);
    ks_faq_free(faq);
}

static void test_parse_rejects_other_formats(void)
{
    EXPECT_ERROR("{\"articles\":[]}", KS_ERR_INVALID, "t.json: 'format' is missing");
    EXPECT_ERROR("{\"format\":1}", KS_ERR_INVALID, "'format' must be the string");
    EXPECT_ERROR("{\"format\":\"kiosk-faq/2\"}", KS_ERR_UNSUPPORTED, "\"kiosk-faq/2\"", "kiosk-faq/1");
    EXPECT_ERROR("[1,2]", KS_ERR_INVALID, "must be a JSON object");
    EXPECT_ERROR("{\"format\":\"kiosk-faq/1\",\"articles\":{}}", KS_ERR_INVALID, "'articles' must be an array");
    EXPECT_ERROR("{\"format\":\"kiosk-faq/1\",\"categories\":\"x\"}", KS_ERR_INVALID,
                 "'categories' must be an array");
    EXPECT_ERROR("{\"format\":\"kiosk-faq/1\",\"format\":\"kiosk-faq/1\"}", KS_ERR_INVALID, "'format' appears twice");
}

static void test_parse_rejects_broken_json_naming_the_line(void)
{
    EXPECT_ERROR("{\"format\":\"kiosk-faq/1\",\n\"articles\":[\n{\"id\": }]}", KS_ERR_INVALID, "t.json",
                 "not valid JSON", "line 3");
    EXPECT_ERROR("{\"format\":\"kiosk-faq/1\"} trailing", KS_ERR_INVALID, "not valid JSON", "line 1, column 26");
    EXPECT_ERROR("", KS_ERR_INVALID, "not valid JSON");
    ks_faq *faq = NULL;
    ks_error err;
    /* Trailing whitespace is fine; the buffer need not be NUL-terminated. */
    KS_CHECK(parse("{\"format\":\"kiosk-faq/1\"}\n\n  ", &faq, &err) == KS_OK);
    ks_faq_free(faq);
    const char buf[] = {'{', '}', 'x'};
    KS_CHECK(ks_faq_parse(buf, 2, "t.json", &faq, &err) == KS_ERR_INVALID);
    KS_CHECK(strstr(err.msg, "'format' is missing") != NULL);
}

static void test_import_rejects_invalid_utf8(void)
{
    /* Invalid sequences: stray continuation, overlong '/', a UTF-16
     * surrogate, a truncated sequence, a byte that never appears. */
    EXPECT_ERROR(DOC(ART(",\"body\":\"ok \x80 bad\"")), KS_ERR_INVALID, "t.json: article 'a1' (en): 'body' is not valid UTF-8");
    EXPECT_ERROR(DOC("{\"id\":\"a1\",\"locale\":\"en\",\"title\":\"\xc0\xaf\"}"), KS_ERR_INVALID, "'a1' (en): 'title' is not valid UTF-8");
    EXPECT_ERROR(DOC(ART(",\"body\":\"\xed\xa0\x80\"")), KS_ERR_INVALID, "'body' is not valid UTF-8");
    EXPECT_ERROR(DOC(ART(",\"body\":\"\xe4\xb8\"")), KS_ERR_INVALID, "'body' is not valid UTF-8");
    EXPECT_ERROR(DOC(ART(",\"body\":\"\xf5\x80\x80\x80\"")), KS_ERR_INVALID, "'body' is not valid UTF-8");
    EXPECT_ERROR(DOC(ART(",\"questions\":[\"fine\",\"bad \xff\"]")), KS_ERR_INVALID, "'questions[1]' is not valid UTF-8");
    EXPECT_ERROR(DOC(ART(",\"keywords\":[\"\xfe\"]")), KS_ERR_INVALID, "'keywords[0]' is not valid UTF-8");
    EXPECT_ERROR(DOC(ART(",\"extra\":{\"deep\":[\"\xc3\"]}")), KS_ERR_INVALID, "'extra.deep[]' is not valid UTF-8");
    EXPECT_ERROR(DOC(ART(",\"k\xff\":1")), KS_ERR_INVALID, "field name", "not valid UTF-8");
    EXPECT_ERROR(DOC("{\"id\":\"a1\",\"locale\":\"e\xffn\",\"title\":\"T\"}"), KS_ERR_INVALID, "'locale' is not valid UTF-8");
    EXPECT_ERROR(DOC("{\"id\":\"a\xff\",\"locale\":\"en\",\"title\":\"T\"}"), KS_ERR_INVALID, "articles[0]: 'id' is not valid UTF-8");
    EXPECT_ERROR("{\"format\":\"kiosk-faq/1\",\"categories\":[{\"id\":\"c\",\"titles\":{\"en\":\"\xe9t\xe9\"}}]}",
                 KS_ERR_INVALID, "category 'c': 'titles.en' is not valid UTF-8");
    EXPECT_ERROR("{\"format\":\"kiosk-faq/1\",\"comment\":\"\x80\"}", KS_ERR_INVALID, "t.json: 'comment' is not valid UTF-8");
    /* Valid multi-byte text of every length passes. */
    ks_faq *faq = NULL;
    ks_error err;
    KS_CHECK(parse(DOC(ART(",\"body\":\"é 中 😀 \\u00e9 \\ud83d\\ude00\"")), &faq, &err) == KS_OK);
    ks_faq_free(faq);
}

static void test_parse_rejects_nul_escapes_but_not_escaped_backslashes(void)
{
    EXPECT_ERROR("{\"format\":\"kiosk-faq/1\",\n\"articles\":[" ART(",\"body\":\"a\\u0000b\"") "]}", KS_ERR_INVALID,
                 "line 2", "\\u0000");
    ks_faq *faq = NULL;
    ks_error err;
    KS_REQUIRE(parse(DOC(ART(",\"body\":\"a\\\\u0000b\"")), &faq, &err) == KS_OK);
    KS_CHECK_STR(faq->articles[0].body, "a\\u0000b");
    ks_faq_free(faq);
}

static void test_import_rejects_missing_or_empty_identity(void)
{
    EXPECT_ERROR(DOC("{\"locale\":\"en\",\"title\":\"T\"}"), KS_ERR_INVALID, "t.json: articles[0]: 'id' is missing");
    EXPECT_ERROR(DOC(ART("") ",{\"id\":\"\",\"locale\":\"en\",\"title\":\"T\"}"), KS_ERR_INVALID, "articles[1]: 'id' is empty");
    EXPECT_ERROR(DOC("{\"id\":\"a1\",\"title\":\"T\"}"), KS_ERR_INVALID, "article 'a1' (articles[0]): 'locale' is missing");
    EXPECT_ERROR(DOC("{\"id\":\"a1\",\"locale\":\"\",\"title\":\"T\"}"), KS_ERR_INVALID, "'locale' is empty");
    EXPECT_ERROR(DOC("{\"id\":\"a1\",\"locale\":\"en\"}"), KS_ERR_INVALID, "article 'a1' (en): 'title' is missing");
    EXPECT_ERROR(DOC("{\"id\":\"a1\",\"locale\":\"en\",\"title\":\"\"}"), KS_ERR_INVALID, "'title' is empty");
    EXPECT_ERROR(DOC("{\"id\":\"a1\",\"locale\":\"e\",\"title\":\"T\"}"), KS_ERR_INVALID, "'locale' \"e\" is not a BCP 47");
    EXPECT_ERROR(DOC("{\"id\":\"a1\",\"locale\":\"en us\",\"title\":\"T\"}"), KS_ERR_INVALID, "not a BCP 47");
    EXPECT_ERROR(DOC("7"), KS_ERR_INVALID, "articles[0]: must be an object");
}

static void test_import_rejects_wrong_types(void)
{
    EXPECT_ERROR(DOC("{\"id\":5,\"locale\":\"en\",\"title\":\"T\"}"), KS_ERR_INVALID, "'id' must be a string");
    EXPECT_ERROR(DOC("{\"id\":\"a1\",\"locale\":[\"en\"],\"title\":\"T\"}"), KS_ERR_INVALID, "'locale' must be a string");
    EXPECT_ERROR(DOC("{\"id\":\"a1\",\"locale\":\"en\",\"title\":7}"), KS_ERR_INVALID, "(en): 'title' must be a string");
    EXPECT_ERROR(DOC(ART(",\"body\":true")), KS_ERR_INVALID, "'body' must be a string");
    EXPECT_ERROR(DOC(ART(",\"category\":3")), KS_ERR_INVALID, "'category' must be a string");
    EXPECT_ERROR(DOC(ART(",\"questions\":\"one\"")), KS_ERR_INVALID, "'questions' must be an array of strings");
    EXPECT_ERROR(DOC(ART(",\"keywords\":[\"a\",2]")), KS_ERR_INVALID, "'keywords[1]' must be a string");
    EXPECT_ERROR(DOC(ART(",\"questions\":[\"\"]")), KS_ERR_INVALID, "'questions[0]' is empty");
    EXPECT_ERROR(DOC(ART(",\"position\":\"1\"")), KS_ERR_INVALID, "'position' must be a number");
    EXPECT_ERROR(DOC(ART(",\"position\":1.5")), KS_ERR_INVALID, "'position' must be a whole number");
    EXPECT_ERROR(DOC(ART(",\"position\":1e12")), KS_ERR_INVALID, "'position' must be a whole number");
    EXPECT_ERROR(DOC(ART(",\"media\":\"media/a.png\"")), KS_ERR_INVALID, "'media' must be an array or an object");
    EXPECT_ERROR(DOC(ART(",\"updated_at\":20261101")), KS_ERR_INVALID, "'updated_at' must be a string");
    EXPECT_ERROR(DOC(ART(",\"updated_at\":\"yesterday\"")), KS_ERR_INVALID, "'updated_at' must be an ISO 8601 time");
    EXPECT_ERROR(DOC(ART(",\"title\":\"again\"")), KS_ERR_INVALID, "(en): 'title' appears twice");
    /* "category": null is the same as no category. */
    ks_faq *faq = NULL;
    ks_error err;
    KS_REQUIRE(parse(DOC(ART(",\"category\":null,\"updated_at\":\"2026-01-02T03:04:05.25+08:00\"")), &faq, &err) == KS_OK);
    KS_CHECK(faq->articles[0].category == NULL);
    ks_faq_free(faq);
}

static void test_import_rejects_bad_ids(void)
{
    EXPECT_ERROR(DOC("{\"id\":\"a b\",\"locale\":\"en\",\"title\":\"T\"}"), KS_ERR_INVALID, "articles[0]: 'id' \"a b\" may only use");
    EXPECT_ERROR(DOC("{\"id\":\"../x\",\"locale\":\"en\",\"title\":\"T\"}"), KS_ERR_INVALID, "may only use");
    EXPECT_ERROR(DOC("{\"id\":\"卡\",\"locale\":\"en\",\"title\":\"T\"}"), KS_ERR_INVALID, "'id' \"卡\" may only use");
    EXPECT_ERROR(DOC(ART(",\"category\":\"c d\"")), KS_ERR_INVALID, "(en): 'category' \"c d\" may only use");
    char id[KS_FAQ_MAX_ID + 2];
    memset(id, 'x', sizeof id);
    id[KS_FAQ_MAX_ID] = '\0'; /* exactly at the limit: fine */
    char json[512];
    snprintf(json, sizeof json, DOC("{\"id\":\"%s\",\"locale\":\"en\",\"title\":\"T\"}"), id);
    ks_faq *faq = NULL;
    ks_error err;
    KS_CHECK(parse(json, &faq, &err) == KS_OK);
    ks_faq_free(faq);
    id[KS_FAQ_MAX_ID] = 'x';
    id[KS_FAQ_MAX_ID + 1] = '\0';
    snprintf(json, sizeof json, DOC("{\"id\":\"%s\",\"locale\":\"en\",\"title\":\"T\"}"), id);
    EXPECT_ERROR(json, KS_ERR_TOO_LARGE, "'id' is 129 bytes, over the limit of 128");
}

static void test_import_rejects_duplicate_id_and_locale(void)
{
    EXPECT_ERROR(DOC(ART("") "," ART(",\"body\":\"x\"")), KS_ERR_INVALID,
                 "article 'a1' (en): appears twice in the file (articles[0] and articles[1])");
    /* Tags that canonicalise to the same locale are the same article. */
    EXPECT_ERROR(DOC("{\"id\":\"a\",\"locale\":\"zh-TW\",\"title\":\"T\"},{\"id\":\"b\",\"locale\":\"en\",\"title\":\"T\"},"
                     "{\"id\":\"a\",\"locale\":\"zh-Hant\",\"title\":\"T\"}"),
                 KS_ERR_INVALID, "article 'a' (zh-Hant): appears twice", "articles[0] and articles[2]");
    ks_faq *faq = NULL;
    ks_error err;
    KS_CHECK(parse(DOC("{\"id\":\"a\",\"locale\":\"en\",\"title\":\"T\"},{\"id\":\"a\",\"locale\":\"zh-Hans\",\"title\":\"T\"}"),
                   &faq, &err) == KS_OK);
    ks_faq_free(faq);
}

/* A JSON document with one article whose field holds n copies of unit. */
static char *doc_with_repeated(const char *field, const char *unit, size_t n)
{
    size_t ul = strlen(unit);
    char *buf = malloc(n * ul + 256);
    if (!buf) return NULL;
    int at = snprintf(buf, 256, "{\"format\":\"kiosk-faq/1\",\"articles\":[{\"id\":\"big\",\"locale\":\"en\",\"title\":\"T\",\"%s\":", field);
    size_t pos = (size_t)at;
    for (size_t i = 0; i < n; i++) {
        memcpy(buf + pos, unit, ul);
        pos += ul;
    }
    memcpy(buf + pos, "}]}", 4);
    return buf;
}

static void test_import_rejects_sizes_over_limits(void)
{
    char title[KS_FAQ_MAX_TITLE + 64];
    memset(title, 'T', KS_FAQ_MAX_TITLE + 1);
    title[KS_FAQ_MAX_TITLE + 1] = '\0';
    char *json = malloc(KS_FAQ_MAX_TITLE + 256);
    KS_REQUIRE(json);
    snprintf(json, KS_FAQ_MAX_TITLE + 256, DOC("{\"id\":\"a1\",\"locale\":\"en\",\"title\":\"%s\"}"), title);
    EXPECT_ERROR(json, KS_ERR_TOO_LARGE, "article 'a1' (en): 'title' is 1025 bytes, over the limit of 1024");
    free(json);

    /* body: 1 MiB is fine, one byte more is not. */
    char *body = malloc(KS_FAQ_MAX_BODY + 3);
    KS_REQUIRE(body);
    body[0] = '"';
    memset(body + 1, 'b', KS_FAQ_MAX_BODY);
    body[KS_FAQ_MAX_BODY + 1] = '"';
    body[KS_FAQ_MAX_BODY + 2] = '\0';
    json = doc_with_repeated("body", body, 1);
    ks_faq *faq = NULL;
    ks_error err;
    KS_CHECK(parse(json, &faq, &err) == KS_OK);
    ks_faq_free(faq);
    free(json);
    body[KS_FAQ_MAX_BODY + 1] = 'b';
    body[KS_FAQ_MAX_BODY + 2] = '"';
    char *body2 = malloc(KS_FAQ_MAX_BODY + 4);
    KS_REQUIRE(body2);
    memcpy(body2, body, KS_FAQ_MAX_BODY + 3);
    body2[KS_FAQ_MAX_BODY + 3] = '\0';
    json = doc_with_repeated("body", body2, 1);
    EXPECT_ERROR(json, KS_ERR_TOO_LARGE, "'body' is 1048577 bytes, over the limit of 1048576");
    free(json);
    free(body);
    free(body2);

    /* questions: 257 items; one item of 1025 bytes. */
    size_t list_size = 8 * (KS_FAQ_MAX_LIST_ITEMS + 1) + 8;
    char *list = malloc(list_size);
    KS_REQUIRE(list);
    size_t at = 0;
    list[at++] = '[';
    for (int i = 0; i <= KS_FAQ_MAX_LIST_ITEMS; i++)
        at += (size_t)snprintf(list + at, list_size - at, "%s\"q\"", i ? "," : "");
    list[at++] = ']';
    list[at] = '\0';
    json = doc_with_repeated("questions", list, 1);
    EXPECT_ERROR(json, KS_ERR_TOO_LARGE, "'questions' has 257 items, over the limit of 256");
    free(json);
    free(list);
    char item[KS_FAQ_MAX_ITEM + 8];
    item[0] = '[';
    item[1] = '"';
    memset(item + 2, 'k', KS_FAQ_MAX_ITEM + 1);
    memcpy(item + 3 + KS_FAQ_MAX_ITEM, "\"]", 3);
    json = doc_with_repeated("keywords", item, 1);
    EXPECT_ERROR(json, KS_ERR_TOO_LARGE, "'keywords[0]' is 1025 bytes, over the limit of 1024");
    free(json);

    /* The whole document. */
    KS_CHECK(ks_faq_parse("{}", (size_t)KS_FAQ_MAX_FILE_BYTES + 1, "huge.json", &faq, &err) == KS_ERR_TOO_LARGE);
    KS_CHECK(strstr(err.msg, "huge.json") != NULL);
}

static void test_parse_rejects_media_paths_outside_the_content(void)
{
    EXPECT_ERROR(DOC(ART(",\"media\":[\"media/a.png\",\"../../etc/passwd\"]")), KS_ERR_INVALID,
                 "'media[1]' \"../../etc/passwd\" must be a relative path");
    EXPECT_ERROR(DOC(ART(",\"media\":[{\"src\":\"/abs.png\"}]")), KS_ERR_INVALID, "'media[0].src'");
    ks_faq *faq = NULL;
    ks_error err;
    KS_REQUIRE(parse(DOC(ART(",\"media\":[\"media/a.png\",{\"src\":\"media/b.mp4\",\"kind\":\"video\"}]")), &faq, &err) == KS_OK);
    KS_CHECK_STR(faq->articles[0].media_json, "[\"media/a.png\",{\"src\":\"media/b.mp4\",\"kind\":\"video\"}]");
    ks_faq_free(faq);
}

static void test_parse_rejects_bad_categories(void)
{
#define CATS(c) "{\"format\":\"kiosk-faq/1\",\"categories\":[" c "]}"
    EXPECT_ERROR(CATS("{\"titles\":{\"en\":\"A\"}}"), KS_ERR_INVALID, "t.json: categories[0]: 'id' is missing");
    EXPECT_ERROR(CATS("{\"id\":\"c\"}"), KS_ERR_INVALID, "category 'c': 'titles' is missing");
    EXPECT_ERROR(CATS("{\"id\":\"c\",\"titles\":{}}"), KS_ERR_INVALID, "category 'c': 'titles' is empty");
    EXPECT_ERROR(CATS("{\"id\":\"c\",\"titles\":[\"A\"]}"), KS_ERR_INVALID, "'titles' must be an object");
    EXPECT_ERROR(CATS("{\"id\":\"c\",\"titles\":{\"en\":\"\"}}"), KS_ERR_INVALID, "'titles.en' is empty");
    EXPECT_ERROR(CATS("{\"id\":\"c\",\"titles\":{\"en\":3}}"), KS_ERR_INVALID, "'titles.en' must be a string");
    EXPECT_ERROR(CATS("{\"id\":\"c\",\"titles\":{\"e!\":\"A\"}}"), KS_ERR_INVALID, "'titles' key \"e!\" is not a BCP 47");
    EXPECT_ERROR(CATS("{\"id\":\"c\",\"titles\":{\"zh-TW\":\"A\",\"zh-Hant\":\"B\"}}"), KS_ERR_INVALID,
                 "gives locale zh-Hant twice");
    EXPECT_ERROR(CATS("{\"id\":\"c\",\"titles\":{\"en\":\"A\"}},{\"id\":\"d\",\"titles\":{\"en\":\"D\"}},{\"id\":\"c\",\"titles\":{\"en\":\"B\"}}"),
                 KS_ERR_INVALID, "category 'c': defined twice in the file (categories[0] and categories[2])");
    EXPECT_ERROR(CATS("{\"id\":\"c\",\"titles\":{\"en\":\"A\"},\"position\":\"x\"}"), KS_ERR_INVALID,
                 "category 'c': 'position' must be a number");
#undef CATS
}

static void test_load_file_reports_missing_file(void)
{
    ks_faq *faq = NULL;
    ks_error err = {0};
    char path[600];
    snprintf(path, sizeof path, "%s/nope.json", ks_test_tmpdir());
    KS_CHECK(ks_faq_load_file(path, &faq, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(strstr(err.msg, "nope.json") != NULL);
    KS_CHECK(faq == NULL);
}

static void test_parse_handles_large_documents(void)
{
    /* 20,000 articles: the duplicate check must not be quadratic. */
    size_t n = 20000;
    size_t size = n * 96 + 64;
    char *buf = malloc(size);
    KS_REQUIRE(buf);
    size_t at = (size_t)snprintf(buf, size, "{\"format\":\"kiosk-faq/1\",\"articles\":[");
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(buf + at, size - at, "%s{\"id\":\"a%zu\",\"locale\":\"%s\",\"title\":\"t%zu\"}", i ? "," : "", i / 2,
                              i % 2 ? "zh-Hans" : "en", i);
    memcpy(buf + at, "]}", 3);
    ks_faq *faq = NULL;
    ks_error err;
    KS_CHECK(ks_faq_parse(buf, at + 2, "big.json", &faq, &err) == KS_OK);
    KS_CHECK(faq && faq->n_articles == n);
    ks_faq_free(faq);
    free(buf);
}

int main(void)
{
    KS_RUN(test_parse_reads_every_field);
    KS_RUN(test_parse_keeps_unknown_fields_intact);
    KS_RUN(test_parse_accepts_documents_without_articles_or_categories);
    KS_RUN(test_parse_rejects_other_formats);
    KS_RUN(test_parse_rejects_broken_json_naming_the_line);
    KS_RUN(test_import_rejects_invalid_utf8);
    KS_RUN(test_parse_rejects_nul_escapes_but_not_escaped_backslashes);
    KS_RUN(test_import_rejects_missing_or_empty_identity);
    KS_RUN(test_import_rejects_wrong_types);
    KS_RUN(test_import_rejects_bad_ids);
    KS_RUN(test_import_rejects_duplicate_id_and_locale);
    KS_RUN(test_import_rejects_sizes_over_limits);
    KS_RUN(test_parse_rejects_media_paths_outside_the_content);
    KS_RUN(test_parse_rejects_bad_categories);
    KS_RUN(test_load_file_reports_missing_file);
    KS_RUN(test_parse_handles_large_documents);
    return ks_test_summary();
}
