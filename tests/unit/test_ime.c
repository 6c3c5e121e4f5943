/*
 * test_ime.c - the librime input methods: deployment in the background and
 * its cache, pinyin / zhuyin / cangjie conversions, paging, learning off,
 * reset, and the failure paths (missing data, unwritable dir, a second
 * engine).
 *
 * Deploying rime takes seconds, so the tests share one deployment: the
 * deployment test makes it in a fresh suite directory (removed at the
 * end), the conversion tests then share one engine started from that
 * cache. The failure-path tests use their own ks_test_tmpdir().
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ks/ime.h"
#include "ks/path.h"
#include "test.h"

/* librime (C++, not built with the sanitizer) keeps process-lifetime
 * singletons that LeakSanitizer would report; they are not ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:librime\nleak:libglog\nleak:libyaml-cpp\nleak:libopencc\nleak:libleveldb\n";
}

#define DEPLOY_TIMEOUT_MS 120000

static ks_ime *g_ime;
static char g_suite_dir[256];

static void type_codes(ks_ime *ime, const char *codes)
{
    for (const char *k = codes; *k; k++)
        ks_ime_process_key(ime, (unsigned char)*k);
}

static const char *cand(ks_ime *ime, size_t i)
{
    ks_ime_view v;
    ks_ime_get_view(ime, &v);
    return i < v.n_candidates ? v.candidates[i].text : "";
}

static char *take(ks_ime *ime)
{
    static char buf[256];
    char *c = ks_ime_take_commit(ime);
    snprintf(buf, sizeof buf, "%s", c ? c : "");
    free(c);
    return buf;
}

/* Counts entries named *.userdb (rime's learning databases) in dir. */
static int count_userdbs(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 7 && strcmp(e->d_name + l - 7, ".userdb") == 0) n++;
        if (strstr(e->d_name, ".userdb.txt")) n++;
    }
    closedir(d);
    return n;
}

static ks_ime *shared_ime(void)
{
    if (g_ime) return g_ime;
    ks_error err = {0};
    KS_REQUIRE(ks_ime_create(g_suite_dir, &g_ime, &err) == KS_OK);
    ks_status st = ks_ime_wait_ready(g_ime, DEPLOY_TIMEOUT_MS, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    KS_REQUIRE(st == KS_OK);
    return g_ime;
}

static void test_schema_names_round_trip(void)
{
    for (int s = 0; s < KS_IME_SCHEMA_COUNT; s++)
        KS_CHECK(ks_ime_schema_parse(ks_ime_schema_name(s)) == s);
    KS_CHECK(ks_ime_schema_parse("wubi") == -1);
    KS_CHECK(ks_ime_schema_parse(NULL) == -1);
    KS_CHECK_STR(ks_ime_schema_rime_id(KS_IME_ZHUYIN), "bopomofo");
    KS_CHECK_STR(ks_ime_schema_name(KS_IME_SCHEMA_COUNT), "");
}

static void test_create_rejects_empty_data_dir(void)
{
    ks_ime *ime = NULL;
    ks_error err = {0};
    KS_CHECK(ks_ime_create("", &ime, &err) == KS_ERR_INVALID);
    KS_CHECK(ime == NULL);
    KS_CHECK(strstr(err.msg, "data directory") != NULL);
}

static void test_missing_shared_data_fails_naming_the_package(void)
{
    ks_ime *ime = NULL;
    ks_error err = {0};
    char shared[600];
    snprintf(shared, sizeof shared, "%s/no-rime-data", ks_test_tmpdir());
    KS_REQUIRE(ks_ime_create_with_shared(ks_test_tmpdir(), shared, &ime, &err) == KS_OK);
    KS_CHECK(ks_ime_wait_ready(ime, DEPLOY_TIMEOUT_MS, &err) == KS_ERR_IO);
    KS_CHECK(ks_ime_get_state(ime) == KS_IME_FAILED);
    KS_CHECK_MSG(strstr(ks_ime_failure(ime), "install the Debian package") != NULL, "%s",
                 ks_ime_failure(ime));
    KS_CHECK(strstr(err.msg, "default.yaml") != NULL);
    /* Failed means inert, not crashing: keys fall through to the caller. */
    KS_CHECK(ks_ime_process_key(ime, 'a') == 0);
    KS_CHECK(ks_ime_select(ime, 0) == 0);
    KS_CHECK(ks_ime_take_commit(ime) == NULL);
    ks_ime_destroy(ime);
}

static void test_unwritable_data_dir_fails_with_the_path(void)
{
    ks_ime *ime = NULL;
    ks_error err = {0};
    char file[600];
    snprintf(file, sizeof file, "%s/a-file", ks_test_tmpdir());
    FILE *f = fopen(file, "w");
    KS_REQUIRE(f != NULL);
    fclose(f);
    /* DATA_DIR is a regular file: DATA_DIR/rime cannot be created. */
    KS_REQUIRE(ks_ime_create(file, &ime, &err) == KS_OK);
    KS_CHECK(ks_ime_wait_ready(ime, DEPLOY_TIMEOUT_MS, &err) != KS_OK);
    KS_CHECK_MSG(strstr(ks_ime_failure(ime), "a-file") != NULL, "%s", ks_ime_failure(ime));
    ks_ime_destroy(ime);
}

static void test_second_engine_in_one_process_is_refused(void)
{
    ks_ime *a = NULL, *b = NULL;
    ks_error err = {0};
    char shared[600];
    snprintf(shared, sizeof shared, "%s/none", ks_test_tmpdir());
    KS_REQUIRE(ks_ime_create_with_shared(ks_test_tmpdir(), shared, &a, &err) == KS_OK);
    KS_CHECK(ks_ime_create(ks_test_tmpdir(), &b, &err) == KS_ERR_BUSY);
    KS_CHECK(b == NULL);
    ks_ime_destroy(a);
    /* Once the first is gone, a new one may be made. */
    KS_CHECK(ks_ime_create_with_shared(ks_test_tmpdir(), shared, &b, &err) == KS_OK);
    ks_ime_destroy(b);
}

/* Runs first on the (fresh, empty) suite directory, so the conversion
 * tests after it start from the cache it leaves, as a kiosk does. */
static void test_deploys_in_background_then_reuses_the_cache(void)
{
    ks_ime *ime = NULL;
    ks_error err = {0};
    ks_ime_stats st1, st2;
    KS_REQUIRE(ks_ime_create(g_suite_dir, &ime, &err) == KS_OK);
    /* An empty data dir cannot be deployed in the time create() takes:
     * the engine says so, and keys fall through for Latin input. */
    if (ks_ime_get_state(ime) == KS_IME_DEPLOYING) {
        ks_ime_set_schema(ime, KS_IME_CANGJIE);
        KS_CHECK(ks_ime_process_key(ime, 'a') == 0);
        KS_CHECK(!ks_ime_composing(ime));
    }
    KS_REQUIRE(ks_ime_wait_ready(ime, DEPLOY_TIMEOUT_MS, &err) == KS_OK);
    ks_ime_get_stats(ime, &st1);
    KS_CHECK(st1.deployed == 1);
    KS_CHECK(st1.deploy_ms > 0);
    /* The schema chosen while deploying applies once ready. */
    KS_CHECK(ks_ime_get_schema(ime) == KS_IME_CANGJIE);
    type_codes(ime, "a");
    KS_CHECK_STR(cand(ime, 0), "日");
    ks_ime_destroy(ime);

    char build[600];
    snprintf(build, sizeof build, "%s/rime/build/cangjie5.table.bin", g_suite_dir);
    KS_CHECK(ks_path_exists(build));

    KS_REQUIRE(ks_ime_create(g_suite_dir, &ime, &err) == KS_OK);
    KS_REQUIRE(ks_ime_wait_ready(ime, DEPLOY_TIMEOUT_MS, &err) == KS_OK);
    ks_ime_get_stats(ime, &st2);
    KS_CHECK(st2.deployed == 0);
    KS_CHECK(st2.deploy_ms == 0);
    type_codes(ime, "nihao");
    KS_CHECK_STR(cand(ime, 0), "你好");
    ks_ime_destroy(ime);
}

static void test_pinyin_nihao_candidate_one_commits_nihao(void)
{
    ks_ime *ime = shared_ime();
    ks_ime_view v;
    ks_ime_set_schema(ime, KS_IME_PINYIN);
    type_codes(ime, "nihao");
    ks_ime_get_view(ime, &v);
    KS_CHECK_STR(v.preedit, "ni hao");
    KS_CHECK(v.caret == strlen("ni hao"));
    KS_CHECK(v.n_candidates == 9);
    KS_CHECK(v.page_no == 0);
    KS_CHECK_STR(cand(ime, 0), "你好");
    KS_CHECK(ks_ime_take_commit(ime) == NULL);
    KS_CHECK(ks_ime_select(ime, 0) == 1);
    KS_CHECK_STR(take(ime), "你好");
    KS_CHECK(!ks_ime_composing(ime));
    ks_ime_get_view(ime, &v);
    KS_CHECK(v.n_candidates == 0);
}

static void test_pinyin_partial_selection_keeps_composing(void)
{
    ks_ime *ime = shared_ime();
    ks_ime_set_schema(ime, KS_IME_PINYIN);
    type_codes(ime, "nihao");
    /* Pick the single character 你 (not the phrase): 好 is still to choose. */
    ks_ime_view v;
    ks_ime_get_view(ime, &v);
    int idx = -1;
    for (size_t i = 0; i < v.n_candidates; i++)
        if (strcmp(v.candidates[i].text, "你") == 0) idx = (int)i;
    KS_REQUIRE(idx > 0);
    KS_CHECK(ks_ime_select(ime, idx) == 1);
    KS_CHECK(ks_ime_composing(ime));
    KS_CHECK(ks_ime_take_commit(ime) == NULL);
    KS_CHECK_STR(cand(ime, 0), "好");
    KS_CHECK(ks_ime_select(ime, 0) == 1);
    KS_CHECK_STR(take(ime), "你好");
}

static void test_zhuyin_dachen_keys_give_nihao(void)
{
    ks_ime *ime = shared_ime();
    ks_ime_view v;
    ks_ime_set_schema(ime, KS_IME_ZHUYIN);
    /* Dachen: s=ㄋ u=ㄧ 3=ˇ c=ㄏ l=ㄠ 3=ˇ */
    type_codes(ime, "su3cl3");
    ks_ime_get_view(ime, &v);
    KS_CHECK_STR(v.preedit, "ㄋㄧˇ ㄏㄠˇ");
    KS_CHECK_STR(cand(ime, 0), "你好");
    KS_CHECK(ks_ime_select(ime, 0) == 1);
    KS_CHECK_STR(take(ime), "你好");
    /* 中文: ㄓㄨㄥ (5 j /) tone 1 (space), ㄨㄣˊ (j p 6) */
    type_codes(ime, "5j/ jp6");
    KS_CHECK_STR(cand(ime, 0), "中文");
    KS_CHECK(ks_ime_select(ime, 0) == 1);
    KS_CHECK_STR(take(ime), "中文");
    /* In Dachen ',' is the key of ㄝ, not punctuation: it spells (ㄒㄩㄝ). */
    type_codes(ime, "vm,");
    ks_ime_get_view(ime, &v);
    KS_CHECK_STR(v.preedit, "ㄒㄩㄝ");
    KS_CHECK(ks_ime_take_commit(ime) == NULL);
    ks_ime_clear(ime);
}

static void test_cangjie_codes_give_the_dictionary_characters(void)
{
    ks_ime *ime = shared_ime();
    ks_ime_view v;
    ks_ime_set_schema(ime, KS_IME_CANGJIE);
    /* From cangjie5.dict.yaml: 日 a, 明 ab, 你 onf, 好 vnd, 中 l. */
    static const struct {
        const char *codes, *want, *radicals;
    } cases[] = {
        {"a", "日", "日"},       {"ab", "明", "日月"}, {"onf", "你", "人弓火"},
        {"vnd", "好", "女弓木"}, {"l", "中", "中"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        type_codes(ime, cases[i].codes);
        ks_ime_get_view(ime, &v);
        KS_CHECK_STR(v.preedit, cases[i].radicals);
        KS_CHECK_STR(cand(ime, 0), cases[i].want);
        KS_CHECK(ks_ime_select(ime, 0) == 1);
        KS_CHECK_STR(take(ime), cases[i].want);
    }
}

static void test_paging_moves_through_pages_and_stops_at_the_ends(void)
{
    ks_ime *ime = shared_ime();
    ks_ime_view v;
    char first[64];
    ks_ime_set_schema(ime, KS_IME_PINYIN);
    type_codes(ime, "shi");
    ks_ime_get_view(ime, &v);
    KS_REQUIRE(v.n_candidates == 9);
    KS_CHECK(!v.is_last_page);
    snprintf(first, sizeof first, "%s", v.candidates[0].text);
    KS_CHECK(ks_ime_page(ime, -1) == 0); /* already on the first page */
    KS_CHECK(ks_ime_page(ime, +1) == 1);
    ks_ime_get_view(ime, &v);
    KS_CHECK(v.page_no == 1);
    KS_CHECK(strcmp(v.candidates[0].text, first) != 0);
    /* Selecting on page 2 commits that page's candidate. */
    char want[64];
    snprintf(want, sizeof want, "%s", v.candidates[2].text);
    KS_CHECK(ks_ime_page(ime, -1) == 1);
    ks_ime_get_view(ime, &v);
    KS_CHECK(v.page_no == 0);
    KS_CHECK_STR(v.candidates[0].text, first);
    KS_CHECK(ks_ime_page(ime, +1) == 1);
    KS_CHECK(ks_ime_select(ime, 2) == 1);
    KS_CHECK_STR(take(ime), want);
    /* A code with few candidates has one, last, page. */
    ks_ime_set_schema(ime, KS_IME_CANGJIE);
    type_codes(ime, "onf");
    ks_ime_get_view(ime, &v);
    for (int i = 0; i < 50 && !v.is_last_page; i++) {
        ks_ime_page(ime, +1);
        ks_ime_get_view(ime, &v);
    }
    KS_CHECK(v.is_last_page);
    int last = v.page_no;
    KS_CHECK(ks_ime_page(ime, +1) == 0);
    ks_ime_get_view(ime, &v);
    KS_CHECK(v.page_no == last);
    ks_ime_clear(ime);
    KS_CHECK(ks_ime_page(ime, +1) == 0); /* nothing to page */
}

static void test_keys_the_engine_does_not_want_fall_through(void)
{
    ks_ime *ime = shared_ime();
    ks_ime_set_schema(ime, KS_IME_PINYIN);
    KS_CHECK(ks_ime_process_key(ime, KS_IME_KEY_BACKSPACE) == 0);
    KS_CHECK(ks_ime_process_key(ime, ' ') == 0);
    KS_CHECK(ks_ime_process_key(ime, KS_IME_KEY_RETURN) == 0);
    KS_CHECK(ks_ime_process_key(ime, 0) == 0);
    KS_CHECK(ks_ime_process_key(ime, -5) == 0);
    KS_CHECK(ks_ime_select(ime, 0) == 0);
    KS_CHECK(ks_ime_select(ime, -1) == 0);
    KS_CHECK(ks_ime_commit_composition(ime) == 0);
    /* With a composition, Backspace edits it. */
    type_codes(ime, "ni");
    KS_CHECK(ks_ime_process_key(ime, KS_IME_KEY_BACKSPACE) == 1);
    ks_ime_view v;
    ks_ime_get_view(ime, &v);
    KS_CHECK_STR(v.preedit, "n");
    KS_CHECK(ks_ime_process_key(ime, KS_IME_KEY_BACKSPACE) == 1);
    KS_CHECK(!ks_ime_composing(ime));
    KS_CHECK(ks_ime_take_commit(ime) == NULL);
}

static void test_pinyin_punctuation_and_space_commit(void)
{
    ks_ime *ime = shared_ime();
    ks_ime_set_schema(ime, KS_IME_PINYIN);
    KS_CHECK(ks_ime_process_key(ime, ',') == 1);
    KS_CHECK_STR(take(ime), "，");
    /* Space takes the first candidate. */
    type_codes(ime, "mima");
    KS_CHECK(ks_ime_process_key(ime, ' ') == 1);
    KS_CHECK_STR(take(ime), "密码");
    /* Punctuation after a composition commits the composition first. */
    type_codes(ime, "kefu");
    KS_CHECK(ks_ime_process_key(ime, '.') == 1);
    KS_CHECK_STR(take(ime), "客服。");
    type_codes(ime, "nihao");
    KS_CHECK(ks_ime_process_key(ime, '?') == 1);
    KS_CHECK_STR(take(ime), "你好？");
    /* commit_composition commits what is highlighted. */
    type_codes(ime, "yinhangka");
    KS_CHECK(ks_ime_commit_composition(ime) == 1);
    KS_CHECK_STR(take(ime), "银行卡");
}

static void test_switching_schema_drops_the_composition(void)
{
    ks_ime *ime = shared_ime();
    ks_ime_set_schema(ime, KS_IME_PINYIN);
    type_codes(ime, "ni");
    KS_CHECK(ks_ime_composing(ime));
    ks_ime_set_schema(ime, KS_IME_CANGJIE);
    KS_CHECK(!ks_ime_composing(ime));
    ks_ime_set_schema(ime, KS_IME_PINYIN);
    KS_CHECK(!ks_ime_composing(ime)); /* not resurrected */
    KS_CHECK(ks_ime_take_commit(ime) == NULL);
}

static void test_learning_is_off_choices_do_not_reorder_or_persist(void)
{
    ks_ime *ime = shared_ime();
    char before[9][64];
    ks_ime_view v;
    ks_ime_set_schema(ime, KS_IME_PINYIN);
    type_codes(ime, "ni");
    ks_ime_get_view(ime, &v);
    KS_REQUIRE(v.n_candidates == 9);
    for (int i = 0; i < 9; i++)
        snprintf(before[i], sizeof before[i], "%s", v.candidates[i].text);
    ks_ime_clear(ime);
    /* With learning on, picking the last candidate again and again would
     * move it up (and write a user dictionary). */
    for (int round = 0; round < 4; round++) {
        type_codes(ime, "ni");
        KS_CHECK(ks_ime_select(ime, 8) == 1);
        KS_CHECK_STR(take(ime), before[8]);
        type_codes(ime, "nihao");
        KS_CHECK(ks_ime_select(ime, 1) == 1); /* 你 of 你好 alone, then 好 */
        ks_ime_commit_composition(ime);
        take(ime);
    }
    type_codes(ime, "ni");
    ks_ime_get_view(ime, &v);
    for (int i = 0; i < 9; i++)
        KS_CHECK_STR(v.candidates[i].text, before[i]);
    ks_ime_clear(ime);
    /* Cangjie's phrase encoder is off too. */
    ks_ime_set_schema(ime, KS_IME_CANGJIE);
    for (int round = 0; round < 3; round++) {
        type_codes(ime, "onf");
        ks_ime_select(ime, 0);
        type_codes(ime, "vnd");
        ks_ime_select(ime, 0);
        take(ime);
    }
    char rime[600];
    snprintf(rime, sizeof rime, "%s/rime", g_suite_dir);
    KS_CHECK(count_userdbs(rime) == 0);
    KS_CHECK(count_userdbs(g_suite_dir) == 0);
}

static void test_reset_clears_composition_and_pending_commit(void)
{
    ks_ime *ime = shared_ime();
    ks_ime_set_schema(ime, KS_IME_PINYIN);
    type_codes(ime, "mima");
    ks_ime_process_key(ime, ' ');
    type_codes(ime, "wangji");
    KS_CHECK(ks_ime_composing(ime));
    ks_ime_reset(ime);
    KS_CHECK(!ks_ime_composing(ime));
    KS_CHECK(ks_ime_take_commit(ime) == NULL);
    ks_ime_view v;
    ks_ime_get_view(ime, &v);
    KS_CHECK(v.n_candidates == 0);
    /* Still fully working afterwards, in every schema. */
    type_codes(ime, "nihao");
    KS_CHECK_STR(cand(ime, 0), "你好");
    ks_ime_clear(ime);
    ks_ime_set_schema(ime, KS_IME_ZHUYIN);
    type_codes(ime, "su3cl3");
    KS_CHECK_STR(cand(ime, 0), "你好");
    ks_ime_clear(ime);
}

int main(void)
{
    char tmpl[] = "/tmp/ks-test-ime-XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    snprintf(g_suite_dir, sizeof g_suite_dir, "%s", tmpl);

    KS_RUN(test_schema_names_round_trip);
    KS_RUN(test_create_rejects_empty_data_dir);
    KS_RUN(test_missing_shared_data_fails_naming_the_package);
    KS_RUN(test_unwritable_data_dir_fails_with_the_path);
    KS_RUN(test_second_engine_in_one_process_is_refused);
    KS_RUN(test_deploys_in_background_then_reuses_the_cache);
    KS_RUN(test_pinyin_nihao_candidate_one_commits_nihao);
    KS_RUN(test_pinyin_partial_selection_keeps_composing);
    KS_RUN(test_zhuyin_dachen_keys_give_nihao);
    KS_RUN(test_cangjie_codes_give_the_dictionary_characters);
    KS_RUN(test_paging_moves_through_pages_and_stops_at_the_ends);
    KS_RUN(test_keys_the_engine_does_not_want_fall_through);
    KS_RUN(test_pinyin_punctuation_and_space_commit);
    KS_RUN(test_switching_schema_drops_the_composition);
    KS_RUN(test_learning_is_off_choices_do_not_reorder_or_persist);
    KS_RUN(test_reset_clears_composition_and_pending_commit);

    ks_ime_destroy(g_ime);
    ks_path_remove_tree(g_suite_dir, NULL);
    return ks_test_summary();
}
