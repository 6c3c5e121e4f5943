/*
 * test_search.c - the search engine end to end, on a small FAQ written for
 * these tests (tests/fixtures/search/help.json: en, zh-Hans, zh-Hant):
 * titles and questions, script folding both ways, Taiwanese wording,
 * typos, homophones, prefixes as the visitor types, the confidence
 * decision, locale preference, hostile queries, and the index following
 * imports (replace, removal, rollback, rebuild).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ks/encoder.h"
#include "ks/faq.h"
#include "ks/search.h"
#include "ks/store.h"
#include "test.h"

/* ------------------------------------------------------------- helpers */

typedef struct fixture {
    ks_store *store;
    ks_search *search;
} fixture;

static ks_status import_text(ks_store *st, const char *json, ks_import_mode mode, ks_error *err)
{
    ks_faq *faq = NULL;
    ks_status rc = ks_faq_parse(json, strlen(json), "test.json", &faq, err);
    if (rc != KS_OK) return rc;
    ks_import_opts opts = {.mode = mode};
    rc = ks_store_import(st, &faq, 1, &opts, NULL, err);
    ks_faq_free(faq);
    return rc;
}

static int open_fixture(fixture *f)
{
    memset(f, 0, sizeof *f);
    ks_error err = {0};
    ks_faq *faq = NULL;
    if (ks_store_open(ks_test_tmpdir(), &f->store, &err) != KS_OK) goto fail;
    if (ks_faq_load_file(ks_test_src("tests/fixtures/search/help.json"), &faq, &err) != KS_OK) goto fail;
    ks_status rc = ks_store_import(f->store, &faq, 1, NULL, NULL, &err);
    ks_faq_free(faq);
    if (rc != KS_OK) goto fail;
    if (ks_search_open(ks_store_db(f->store), &f->search, &err) != KS_OK) goto fail;
    return 1;
fail:
    fprintf(stderr, "  fixture: %s\n", err.msg);
    return 0;
}

static void close_fixture(fixture *f)
{
    ks_search_close(f->search);
    ks_store_close(f->store);
}

static ks_search_result run(fixture *f, const char *q, const char *locale)
{
    ks_search_result r;
    ks_error err = {0};
    ks_status st = ks_search_query(f->search, q, strlen(q), locale, 5, &r, &err);
    KS_CHECK_MSG(st == KS_OK, "query '%s': %s", q, err.msg);
    if (st != KS_OK) memset(&r, 0, sizeof r);
    return r;
}

static const char *top(const ks_search_result *r)
{
    return r->n_hits ? r->hits[0].id : "(none)";
}

/* Runs q and checks that want comes first. */
static void expect_top(fixture *f, const char *q, const char *locale, const char *want)
{
    ks_search_result r = run(f, q, locale);
    KS_CHECK_MSG(r.n_hits && strcmp(top(&r), want) == 0, "'%s' -> %s, want %s", q, top(&r), want);
    ks_search_result_free(&r);
}

static void expect_confident(fixture *f, const char *q, int want)
{
    ks_search_result r = run(f, q, NULL);
    KS_CHECK_MSG(r.confident == want, "'%s' -> %s confident=%d, want %d", q, top(&r), r.confident, want);
    ks_search_result_free(&r);
}

/* --------------------------------------------------------------- tests */

static void test_search_finds_titles_and_alternative_questions(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    expect_top(&f, "Keep your recovery phrase secret", NULL, "seed_phrase");
    expect_top(&f, "my phone was stolen", NULL, "lost_phone");
    expect_top(&f, "why is my payment still pending", NULL, "stuck_transfer");
    expect_top(&f, "头显画面模糊", NULL, "headset_fit");
    expect_top(&f, "转账为什么扣了钱", NULL, "network_fee");
    close_fixture(&f);
}

static void test_search_traditional_query_finds_simplified_content(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    /* headset_fit and network_fee exist only in en and zh-Hans */
    expect_top(&f, "頭顯畫面模糊", NULL, "headset_fit");
    expect_top(&f, "礦工費是什麼", NULL, "network_fee");
    close_fixture(&f);
}

static void test_search_simplified_query_finds_traditional_content(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    /* only the zh-Hant version is looked at when it is the preferred locale */
    ks_search_result r = run(&f, "手机丢了怎么办", "zh-Hant");
    KS_CHECK_STR(top(&r), "lost_phone");
    KS_CHECK(r.n_hits && strcmp(r.hits[0].locale, "zh-Hant") == 0);
    ks_search_result_free(&r);
    close_fixture(&f);
}

static void test_search_without_a_locale_answers_in_the_query_script(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    ks_search_result r = run(&f, "手機丟了怎麼辦", NULL);
    KS_CHECK_STR(top(&r), "lost_phone");
    KS_CHECK(r.n_hits && strcmp(r.hits[0].locale, "zh-Hant") == 0);
    ks_search_result_free(&r);
    r = run(&f, "手机丢了怎么办", NULL);
    KS_CHECK_STR(top(&r), "lost_phone");
    KS_CHECK(r.n_hits && strcmp(r.hits[0].locale, "zh-Hans") == 0);
    ks_search_result_free(&r);
    /* only a preference: an article with no Traditional version is still found */
    r = run(&f, "頭顯畫面模糊", NULL);
    KS_CHECK_STR(top(&r), "headset_fit");
    KS_CHECK(r.n_hits && strcmp(r.hits[0].locale, "zh-Hans") == 0);
    ks_search_result_free(&r);
    close_fixture(&f);
}

static void test_search_taiwanese_wording_finds_mainland_content(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    /* 繫結 is the Taiwanese word for 绑定; bind_card has no zh-Hant version */
    expect_top(&f, "如何解除繫結的銀行卡", NULL, "bind_card");
    close_fixture(&f);
}

static void test_search_tolerates_typos(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    expect_top(&f, "recovrey phrsae", NULL, "seed_phrase");      /* transpositions */
    expect_top(&f, "the headst is blury", NULL, "headset_fit");  /* deletions */
    expect_top(&f, "my phonne was stollen", NULL, "lost_phone"); /* insertions */
    expect_top(&f, "trasnfer pneding", NULL, "stuck_transfer");
    close_fixture(&f);
}

static void test_search_matches_homophones_in_chinese(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    /* 助记次 (ci) for 助记词 (ci): the wrong candidate picked in the IME */
    expect_top(&f, "助记次", NULL, "seed_phrase");
    /* 投显 (tou xian) for 头显 */
    expect_top(&f, "投显模糊", NULL, "headset_fit");
    close_fixture(&f);
}

static void test_search_completes_the_word_being_typed(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    expect_top(&f, "recove", NULL, "seed_phrase");
    expect_top(&f, "dizz", NULL, "motion_sickness");
    expect_top(&f, "how do i tight", NULL, "headset_fit");
    /* a finished word (followed by a space) is not completed, but may
     * still be corrected as a typo */
    expect_top(&f, "dizz ", NULL, "motion_sickness");
    /* one character already finds something */
    ks_search_result r = run(&f, "s", NULL);
    KS_CHECK(r.n_hits > 0);
    ks_search_result_free(&r);
    r = run(&f, "助", NULL);
    KS_CHECK_STR(top(&r), "seed_phrase");
    ks_search_result_free(&r);
    close_fixture(&f);
}

static void test_search_is_confident_on_a_clear_match(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    expect_confident(&f, "Someone asked for my seed words", 1);
    expect_confident(&f, "I lost my phone", 1);
    expect_confident(&f, "手机被偷了", 1);
    close_fixture(&f);
}

static void test_search_is_not_confident_on_gibberish_or_other_topics(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    expect_confident(&f, "qwzx plorb vvtrk", 0);
    expect_confident(&f, "what is the weather in paris tomorrow", 0);
    expect_confident(&f, "recommend a good italian restaurant", 0);
    expect_confident(&f, "明天北京天气怎么样", 0);
    expect_confident(&f, "the", 0);
    expect_confident(&f, "", 0);
    close_fixture(&f);
}

static void test_search_prefers_the_locale_and_falls_back_along_its_chain(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    ks_search_result r = run(&f, "recovery phrase", "zh-Hant");
    KS_CHECK_STR(top(&r), "seed_phrase");
    KS_CHECK(r.n_hits && strcmp(r.hits[0].locale, "zh-Hant") == 0);
    KS_CHECK(r.n_hits && strcmp(r.hits[0].title, "請妥善保管助記詞") == 0);
    ks_search_result_free(&r);
    /* network_fee has no zh-Hant version: zh-Hans is next in the chain */
    r = run(&f, "network fee", "zh-Hant");
    KS_CHECK_STR(top(&r), "network_fee");
    KS_CHECK(r.n_hits && strcmp(r.hits[0].locale, "zh-Hans") == 0);
    ks_search_result_free(&r);
    /* regional tags fold to their script */
    r = run(&f, "network fee", "zh-TW");
    KS_CHECK(r.n_hits && strcmp(r.hits[0].locale, "zh-Hans") == 0);
    ks_search_result_free(&r);
    r = run(&f, "头晕", "en");
    KS_CHECK_STR(top(&r), "motion_sickness");
    KS_CHECK(r.n_hits && strcmp(r.hits[0].locale, "en") == 0);
    ks_search_result_free(&r);
    close_fixture(&f);
}

static void test_search_gives_one_hit_per_article(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    ks_search_result r = run(&f, "助记词", NULL);
    for (size_t i = 0; i < r.n_hits; i++)
        for (size_t j = i + 1; j < r.n_hits; j++)
            KS_CHECK(strcmp(r.hits[i].id, r.hits[j].id) != 0);
    KS_CHECK(r.n_hits >= 1);
    for (size_t i = 1; i < r.n_hits; i++)
        KS_CHECK(r.hits[i - 1].score >= r.hits[i].score);
    ks_search_result_free(&r);
    close_fixture(&f);
}

static void test_search_respects_the_limit(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    ks_search_result r;
    ks_error err = {0};
    KS_REQUIRE(ks_search_query(f.search, "the", 3, NULL, 2, &r, &err) == KS_OK);
    KS_CHECK(r.n_hits <= 2);
    ks_search_result_free(&r);
    KS_REQUIRE(ks_search_query(f.search, "wallet phone fee card", 21, NULL, 0, &r, &err) == KS_OK);
    KS_CHECK(r.n_hits <= 1); /* 0 means 1: always at least the best */
    ks_search_result_free(&r);
    close_fixture(&f);
}

static void test_search_handles_hostile_queries_as_text(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    static const char *const hostile[] = {
        "\"recovery phrase\"",
        "phrase*",
        "-phrase",
        "title:phrase",
        "NEAR(recovery phrase)",
        "phrase AND OR NOT",
        "'; DROP TABLE articles; --",
        "*",
        "-",
        ":",
        "\"",
        "(",
        ")",
        "^",
        "\\",
        "%s%n%x",
        "\xff\xfe\xfd",
        "助记词\xe4\xb8",
        "\t\n\r",
        "~hua.bei",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        ks_search_result r;
        ks_error err = {0};
        KS_CHECK_MSG(ks_search_query(f.search, hostile[i], strlen(hostile[i]), NULL, 5, &r, &err) == KS_OK,
                     "'%s': %s", hostile[i], err.msg);
        ks_search_result_free(&r);
    }
    expect_top(&f, "NEAR(recovery phrase)", NULL, "seed_phrase");
    expect_top(&f, "\"recovery phrase\"", NULL, "seed_phrase");
    /* NUL bytes inside the query are separators, not the end */
    ks_search_result r;
    ks_error err = {0};
    const char nul[] = "xx\0recovery phrase";
    KS_REQUIRE(ks_search_query(f.search, nul, sizeof nul - 1, NULL, 5, &r, &err) == KS_OK);
    KS_CHECK_STR(top(&r), "seed_phrase");
    ks_search_result_free(&r);
    /* a megabyte of text: answered, using its beginning (what it costs is
     * bench_search's business: no test fails on time) */
    size_t big = 1024 * 1024;
    char *huge = malloc(big);
    KS_REQUIRE(huge != NULL);
    for (size_t i = 0; i < big; i++)
        huge[i] = "recovery phrase "[i % 16];
    KS_REQUIRE(ks_search_query(f.search, huge, big, NULL, 5, &r, &err) == KS_OK);
    KS_CHECK_STR(top(&r), "seed_phrase");
    ks_search_result_free(&r);
    for (size_t i = 0; i < big; i++)
        huge[i] = (char)(0x80 + i % 64); /* continuation bytes only */
    KS_CHECK(ks_search_query(f.search, huge, big, NULL, 5, &r, &err) == KS_OK);
    ks_search_result_free(&r);
    free(huge);
    KS_CHECK(ks_search_query(f.search, NULL, 10, NULL, 5, &r, &err) == KS_OK && r.n_hits == 0);
    ks_search_result_free(&r);
    close_fixture(&f);
}

static void test_search_empty_store_has_no_results(void)
{
    ks_store *st = NULL;
    ks_search *s = NULL;
    ks_error err = {0};
    KS_REQUIRE(ks_store_open(ks_test_tmpdir(), &st, &err) == KS_OK);
    KS_REQUIRE(ks_search_open(ks_store_db(st), &s, &err) == KS_OK);
    ks_search_result r;
    KS_CHECK(ks_search_query(s, "wallet", 6, "en", 5, &r, &err) == KS_OK);
    KS_CHECK(r.n_hits == 0 && !r.confident);
    ks_search_result_free(&r);
    ks_search_close(s);
    ks_store_close(st);
}

static void test_search_follows_reimport_and_removal(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    ks_error err = {0};
    /* the engine stays open: it notices the new content by itself */
    KS_REQUIRE(
        import_text(f.store,
                    "{\"format\":\"kiosk-faq/1\",\"articles\":[{\"id\":\"lost_phone\",\"locale\":\"en\","
                    "\"title\":\"Replacing a misplaced handset\",\"body\":\"\"}]}",
                    KS_IMPORT_MERGE, &err) == KS_OK);
    expect_top(&f, "misplaced handset", NULL, "lost_phone");
    ks_search_result r = run(&f, "my phone was stolen", "en");
    KS_CHECK(r.n_hits == 0 || strcmp(top(&r), "lost_phone") != 0 || strcmp(r.hits[0].locale, "en") != 0);
    ks_search_result_free(&r);
    /* replace-all with one article: everything else leaves the index */
    KS_REQUIRE(
        import_text(f.store,
                    "{\"format\":\"kiosk-faq/1\",\"articles\":[{\"id\":\"opening_hours\",\"locale\":\"en\","
                    "\"title\":\"Opening hours of the booth\",\"body\":\"\"}]}",
                    KS_IMPORT_REPLACE_ALL, &err) == KS_OK);
    expect_top(&f, "opening hours", NULL, "opening_hours");
    r = run(&f, "recovery phrase", NULL);
    KS_CHECK(r.n_hits == 0);
    ks_search_result_free(&r);
    KS_CHECK(!ks_search_needs_reindex(ks_store_db(f.store)));
    close_fixture(&f);
}

static void test_search_failed_import_leaves_the_index_as_it_was(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    ks_error err = {0};
    /* unknown category: the store refuses the whole file */
    KS_CHECK(import_text(
                 f.store,
                 "{\"format\":\"kiosk-faq/1\",\"articles\":["
                 "{\"id\":\"seed_phrase\",\"locale\":\"en\",\"title\":\"Totally different\",\"body\":\"\"},"
                 "{\"id\":\"zz\",\"locale\":\"en\",\"category\":\"nope\",\"title\":\"x\",\"body\":\"\"}]}",
                 KS_IMPORT_MERGE, &err) != KS_OK);
    expect_top(&f, "keep your recovery phrase secret", "en", "seed_phrase");
    ks_search_result r = run(&f, "totally different", NULL);
    KS_CHECK(r.n_hits == 0);
    ks_search_result_free(&r);
    KS_CHECK(!ks_search_needs_reindex(ks_store_db(f.store)));
    close_fixture(&f);
}

static void test_search_lost_index_is_detected_and_rebuilt(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    sqlite3 *db = ks_store_db(f.store);
    ks_search_close(f.search);
    f.search = NULL;
    KS_REQUIRE(sqlite3_exec(db, "DELETE FROM search_meta", NULL, NULL, NULL) == SQLITE_OK);
    KS_CHECK(ks_search_needs_reindex(db));
    ks_error err = {0};
    KS_CHECK(ks_search_open(db, &f.search, &err) == KS_ERR_CORRUPT);
    KS_CHECK(strstr(err.msg, "rebuild") != NULL);
    size_t n = 0;
    KS_REQUIRE(ks_store_reindex(f.store, &n, &err) == KS_OK);
    KS_CHECK(n == 19);
    KS_CHECK(!ks_search_needs_reindex(db));
    KS_REQUIRE(ks_search_open(db, &f.search, &err) == KS_OK);
    expect_top(&f, "Keep your recovery phrase secret", NULL, "seed_phrase");
    close_fixture(&f);
}

static void test_search_damaged_record_is_skipped_not_fatal(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    sqlite3 *db = ks_store_db(f.store);
    KS_REQUIRE(sqlite3_exec(db, "UPDATE search_doc SET data = x'01ff' WHERE aid = 'lost_phone'", NULL, NULL,
                            NULL) == SQLITE_OK);
    ks_search_result r = run(&f, "my phone was stolen", NULL);
    KS_CHECK(r.n_hits == 0 || strcmp(top(&r), "lost_phone") != 0 || !r.confident);
    ks_search_result_free(&r);
    expect_top(&f, "Keep your recovery phrase secret", NULL, "seed_phrase");
    /* a rebuild from damaged records says what to do */
    ks_error err = {0};
    KS_REQUIRE(sqlite3_exec(db, "INSERT INTO search_pending(rowid) VALUES(1)", NULL, NULL, NULL) ==
               SQLITE_OK);
    KS_CHECK(ks_search_finish_import(db, &err) == KS_ERR_CORRUPT);
    KS_CHECK(strstr(err.msg, "reindex") != NULL);
    close_fixture(&f);
}

static void test_search_popularity_breaks_near_ties(void)
{
    ks_store *st = NULL;
    ks_search *s = NULL;
    ks_error err = {0};
    KS_REQUIRE(ks_store_open(ks_test_tmpdir(), &st, &err) == KS_OK);
    KS_REQUIRE(
        import_text(st,
                    "{\"format\":\"kiosk-faq/1\",\"articles\":["
                    "{\"id\":\"a\",\"locale\":\"en\",\"title\":\"Booth opening hours\",\"body\":\"\"},"
                    "{\"id\":\"b\",\"locale\":\"en\",\"title\":\"Booth opening hours\",\"body\":\"\"}]}",
                    KS_IMPORT_MERGE, &err) == KS_OK);
    for (int i = 0; i < 50; i++)
        KS_REQUIRE(ks_store_record_view(st, "b", &err) == KS_OK);
    KS_REQUIRE(ks_search_open(ks_store_db(st), &s, &err) == KS_OK);
    ks_search_result r;
    KS_REQUIRE(ks_search_query(s, "opening hours", 13, NULL, 5, &r, &err) == KS_OK);
    KS_CHECK(r.n_hits == 2 && strcmp(r.hits[0].id, "b") == 0);
    /* two equal answers: the engine must not claim the first is the one */
    KS_CHECK(!r.confident);
    ks_search_result_free(&r);
    ks_search_close(s);
    ks_store_close(st);
}

/* Two titles made of the same characters and pairs, in another order:
 * BM25 cannot tell them apart; the one that keeps the query's order wins
 * (it is imported second, so the tie-break by row alone would not pick it). */
static void test_search_prefers_chinese_titles_in_the_query_order(void)
{
    ks_store *st = NULL;
    ks_search *s = NULL;
    ks_error err = {0};
    KS_REQUIRE(ks_store_open(ks_test_tmpdir(), &st, &err) == KS_OK);
    KS_REQUIRE(import_text(st,
                           "{\"format\":\"kiosk-faq/1\",\"articles\":["
                           "{\"id\":\"shuffled\",\"locale\":\"zh-Hans\",\"title\":\"到账，退款时间\",\"body\":\"\"},"
                           "{\"id\":\"ordered\",\"locale\":\"zh-Hans\",\"title\":\"退款，到账时间\",\"body\":\"\"}]}",
                           KS_IMPORT_MERGE, &err) == KS_OK);
    KS_REQUIRE(ks_search_open(ks_store_db(st), &s, &err) == KS_OK);
    ks_search_result r;
    const char *q = "退款多久到账";
    KS_REQUIRE(ks_search_query(s, q, strlen(q), NULL, 5, &r, &err) == KS_OK);
    KS_CHECK(r.n_hits == 2);
    KS_CHECK_STR(top(&r), "ordered");
    ks_search_result_free(&r);
    /* the same in Traditional script */
    q = "退款多久到帳";
    KS_REQUIRE(ks_search_query(s, q, strlen(q), NULL, 5, &r, &err) == KS_OK);
    KS_CHECK_STR(top(&r), "ordered");
    ks_search_result_free(&r);
    ks_search_close(s);
    ks_store_close(st);
}

static int64_t count_rows(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_search_classifier_learns_from_alternative_questions(void)
{
    ks_store *st = NULL;
    ks_search *s = NULL;
    ks_error err = {0};
    KS_REQUIRE(ks_store_open(ks_test_tmpdir(), &st, &err) == KS_OK);
    /* Two neighbours that share most words; their questions tell them apart. */
    KS_REQUIRE(
        import_text(
            st,
            "{\"format\":\"kiosk-faq/1\",\"articles\":["
            "{\"id\":\"daily_limit\",\"locale\":\"en\",\"title\":\"Daily sending limit\",\"body\":\"\","
            "\"questions\":[\"what is my daily sending limit\",\"how much can I send per day\","
            "\"show my limit for sending\",\"what is the most I can send today\"]},"
            "{\"id\":\"raise_limit\",\"locale\":\"en\",\"title\":\"Raise your sending limit\",\"body\":\"\","
            "\"questions\":[\"can I raise my limit\",\"increase the daily limit\",\"I need a higher limit\","
            "\"make my limit bigger\"]},"
            "{\"id\":\"fees\",\"locale\":\"en\",\"title\":\"Sending fees\",\"body\":\"\","
            "\"questions\":[\"how much does sending cost\",\"what is the fee to send\",\"why was I charged\","
            "\"are transfers free\"]}]}",
            KS_IMPORT_MERGE, &err) == KS_OK);
    sqlite3 *db = ks_store_db(st);
    KS_CHECK(count_rows(db, "SELECT count(*) FROM search_model") > 0);
    KS_REQUIRE(ks_search_open(db, &s, &err) == KS_OK);
    ks_search_result r;
    const char *q = "I want a higher daily limit";
    KS_REQUIRE(ks_search_query(s, q, strlen(q), NULL, 3, &r, &err) == KS_OK);
    KS_CHECK_STR(top(&r), "raise_limit");
    ks_search_result_free(&r);
    q = "what is my limit per day";
    KS_REQUIRE(ks_search_query(s, q, strlen(q), NULL, 3, &r, &err) == KS_OK);
    KS_CHECK_STR(top(&r), "daily_limit");
    ks_search_result_free(&r);
    ks_search_close(s);
    /* content with titles only teaches the regression nothing: none is
     * kept (with word vectors, the titles' vectors still are) */
    KS_REQUIRE(import_text(st,
                           "{\"format\":\"kiosk-faq/1\",\"articles\":["
                           "{\"id\":\"a\",\"locale\":\"en\",\"title\":\"Opening hours\",\"body\":\"\"},"
                           "{\"id\":\"b\",\"locale\":\"en\",\"title\":\"Parking\",\"body\":\"\"}]}",
                           KS_IMPORT_REPLACE_ALL, &err) == KS_OK);
    KS_CHECK(count_rows(db, "SELECT count(*) FROM search_model") == 0);
    KS_CHECK(count_rows(db, "SELECT count(*) FROM search_meta WHERE key IN ('model_bias', 'model_scale_ppm')") == 0);
    ks_store_close(st);
}

/* KS_SEARCH_QUICK (every keystroke) leaves the sentence vectors out and
 * says so when they could change the answer; the full query uses them. */
static void test_search_quick_queries_say_what_they_left_out(void)
{
    fixture f;
    KS_REQUIRE(open_fixture(&f));
    ks_error err = {0};
    ks_search_result r;
    const char *q = "someone might have seen my secret words";
    KS_REQUIRE(ks_search_query_ex(f.search, q, strlen(q), NULL, 5, KS_SEARCH_QUICK, &r, &err) == KS_OK);
    /* only an index with sentence vectors has anything to add */
    KS_CHECK(r.partial == (ks_encoder_default() != NULL));
    ks_search_result_free(&r);
    KS_REQUIRE(ks_search_query_ex(f.search, q, strlen(q), NULL, 5, 0, &r, &err) == KS_OK);
    KS_CHECK(!r.partial);
    ks_search_result_free(&r);
    /* the encoder reads English only: a Chinese query is whole when quick */
    q = "助记词被别人看到了";
    KS_REQUIRE(ks_search_query_ex(f.search, q, strlen(q), NULL, 5, KS_SEARCH_QUICK, &r, &err) == KS_OK);
    KS_CHECK(!r.partial);
    ks_search_result_free(&r);
    close_fixture(&f);
}

/* An import encodes only the English questions it has not seen: the
 * others come from search_sentvec, which keeps exactly the questions of
 * the content (and answers do not depend on what was cached). */
static void test_search_sentence_vectors_are_reused_across_imports(void)
{
    if (!ks_encoder_default()) return; /* a build without the encoder has none */
    ks_store *st = NULL;
    ks_error err = {0};
    KS_REQUIRE(ks_store_open(ks_test_tmpdir(), &st, &err) == KS_OK);
    sqlite3 *db = ks_store_db(st);
    const char *v1 = "{\"format\":\"kiosk-faq/1\",\"articles\":["
                     "{\"id\":\"park\",\"locale\":\"en\",\"title\":\"Parking your car\",\"body\":\"\","
                     "\"questions\":[\"where can I park\",\"is there a car park\"]},"
                     "{\"id\":\"pay\",\"locale\":\"en\",\"title\":\"Paying by card\",\"body\":\"\","
                     "\"questions\":[\"can I pay by card\",\"do you take cards\"]},"
                     "{\"id\":\"pay\",\"locale\":\"zh-Hans\",\"title\":\"刷卡付款\",\"body\":\"\"}]}";
    KS_REQUIRE(import_text(st, v1, KS_IMPORT_REPLACE_ALL, &err) == KS_OK);
    /* 6 English texts; the Chinese title is the words' business */
    KS_CHECK(count_rows(db, "SELECT count(*) FROM search_sentvec") == 6);
    ks_search *s = NULL;
    KS_REQUIRE(ks_search_open(db, &s, &err) == KS_OK);
    ks_search_result before;
    KS_REQUIRE(ks_search_query(s, "somewhere to leave my vehicle", 29, NULL, 3, &before, &err) == KS_OK);
    ks_search_close(s);
    /* one question changed: its old vector leaves, the new one comes */
    const char *v2 = "{\"format\":\"kiosk-faq/1\",\"articles\":["
                     "{\"id\":\"park\",\"locale\":\"en\",\"title\":\"Parking your car\",\"body\":\"\","
                     "\"questions\":[\"where can I park\",\"is there a car park nearby\"]},"
                     "{\"id\":\"pay\",\"locale\":\"en\",\"title\":\"Paying by card\",\"body\":\"\","
                     "\"questions\":[\"can I pay by card\",\"do you take cards\"]}]}";
    KS_REQUIRE(import_text(st, v2, KS_IMPORT_REPLACE_ALL, &err) == KS_OK);
    KS_CHECK(count_rows(db, "SELECT count(*) FROM search_sentvec") == 6);
    KS_CHECK(count_rows(db, "SELECT count(DISTINCT gen) FROM search_sentvec") == 1);
    /* back to the first content, partly from the cache: the same answer */
    KS_REQUIRE(import_text(st, v1, KS_IMPORT_REPLACE_ALL, &err) == KS_OK);
    KS_REQUIRE(ks_search_open(db, &s, &err) == KS_OK);
    ks_search_result after;
    KS_REQUIRE(ks_search_query(s, "somewhere to leave my vehicle", 29, NULL, 3, &after, &err) == KS_OK);
    KS_CHECK(before.n_hits == after.n_hits && before.n_hits > 0);
    for (size_t i = 0; i < before.n_hits && i < after.n_hits; i++) {
        KS_CHECK_STR(before.hits[i].id, after.hits[i].id);
        KS_CHECK(fabs(before.hits[i].score - after.hits[i].score) < 1e-9);
    }
    ks_search_result_free(&before);
    ks_search_result_free(&after);
    ks_search_close(s);
    ks_store_close(st);
}

int main(void)
{
    KS_RUN(test_search_finds_titles_and_alternative_questions);
    KS_RUN(test_search_traditional_query_finds_simplified_content);
    KS_RUN(test_search_simplified_query_finds_traditional_content);
    KS_RUN(test_search_without_a_locale_answers_in_the_query_script);
    KS_RUN(test_search_taiwanese_wording_finds_mainland_content);
    KS_RUN(test_search_tolerates_typos);
    KS_RUN(test_search_matches_homophones_in_chinese);
    KS_RUN(test_search_completes_the_word_being_typed);
    KS_RUN(test_search_is_confident_on_a_clear_match);
    KS_RUN(test_search_is_not_confident_on_gibberish_or_other_topics);
    KS_RUN(test_search_prefers_the_locale_and_falls_back_along_its_chain);
    KS_RUN(test_search_gives_one_hit_per_article);
    KS_RUN(test_search_respects_the_limit);
    KS_RUN(test_search_handles_hostile_queries_as_text);
    KS_RUN(test_search_empty_store_has_no_results);
    KS_RUN(test_search_follows_reimport_and_removal);
    KS_RUN(test_search_failed_import_leaves_the_index_as_it_was);
    KS_RUN(test_search_lost_index_is_detected_and_rebuilt);
    KS_RUN(test_search_damaged_record_is_skipped_not_fatal);
    KS_RUN(test_search_popularity_breaks_near_ties);
    KS_RUN(test_search_classifier_learns_from_alternative_questions);
    KS_RUN(test_search_prefers_chinese_titles_in_the_query_order);
    KS_RUN(test_search_quick_queries_say_what_they_left_out);
    KS_RUN(test_search_sentence_vectors_are_reused_across_imports);
    return ks_test_summary();
}
