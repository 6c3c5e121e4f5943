/*
 * test_normalize.c - text folding for search: normalisation (normalize.h),
 * the stemmer and function words (stem.h), the pinyin table (pinyin.h)
 * and term analysis (analyze.h). These decide whether what a visitor
 * types can meet the content at all.
 */
#include <stdlib.h>
#include <string.h>

#include "ks/analyze.h"
#include "ks/normalize.h"
#include "ks/pinyin.h"
#include "ks/stem.h"
#include "test.h"

static ks_norm *norm;

static char *normed(const char *s, size_t len)
{
    char *out = NULL;
    size_t n = 0;
    ks_error err = {0};
    if (ks_norm_text(norm, s, len, &out, &n, &err) != KS_OK) return NULL;
    if (out && strlen(out) != n) {
        free(out);
        return NULL;
    }
    return out;
}

#define CHECK_NORM(in, want)                                                                                 \
    do {                                                                                                     \
        char *got_ = normed(in, strlen(in));                                                                 \
        KS_CHECK_STR(got_, want);                                                                            \
        free(got_);                                                                                          \
    } while (0)

static void test_normalize_folds_case_and_full_width(void)
{
    CHECK_NORM("ＨＥＬＬＯ Ｗｏｒｌｄ１２３", "hello world123");
    CHECK_NORM("RESET my PIN", "reset my pin");
    CHECK_NORM("ǅemal ΣΊΣΥΦΟΣ", "dzemal σισυφοσ");
}

static void test_normalize_strips_accents(void)
{
    CHECK_NORM("Café crème brûlée", "cafe creme brulee");
    CHECK_NORM("naïve résumé", "naive resume");
}

static void test_normalize_turns_punctuation_into_single_spaces(void)
{
    CHECK_NORM("  reset--PIN?!  now...\t\n", "reset pin now");
    CHECK_NORM("\"wallet\" AND (fee* OR -gas) NEAR(x:y)", "wallet and fee or gas near x y");
    CHECK_NORM("我的钱包，怎么了？！", "我的钱包 怎么了");
    CHECK_NORM("!!!???", "");
}

static void test_normalize_keeps_contractions_as_one_word(void)
{
    CHECK_NORM("don't", "dont");
    CHECK_NORM("Hodak’s café", "hodaks cafe");
    CHECK_NORM("'quoted'", "quoted");
}

static void test_normalize_folds_traditional_to_simplified(void)
{
    /* OpenCC's own fold: 帳 -> 帐 (账 is another character) */
    CHECK_NORM("錢包帳戶", "钱包帐户");
    CHECK_NORM("助記詞 恢復", "助记词 恢复");
    CHECK_NORM("钱包", "钱包"); /* Simplified stays as it is */
}

static void test_normalize_treats_invalid_utf8_as_separators(void)
{
    const char bad[] = "\xff\xfe"
                       "abc\xc3"
                       " d\xe4\xb8"
                       "e\x80x";
    char *got = normed(bad, sizeof bad - 1);
    KS_REQUIRE(got != NULL);
    KS_CHECK_STR(got, "abc d e x");
    free(got);
    const char nul[] = "pin\0code";
    got = normed(nul, sizeof nul - 1);
    KS_CHECK_STR(got, "pin code");
    free(got);
}

static void test_normalize_fast_and_full_paths_agree(void)
{
    /* Chinese text with CJK punctuation takes a fast path; an accented
     * letter sends the same text through utf8proc. Both must agree. */
    CHECK_NORM("我的錢包，ABC。「好」", "我的钱包 abc 好");
    CHECK_NORM("我的錢包，ABC。「好」é", "我的钱包 abc 好 e");
    CHECK_NORM("钱包\x01\x7f密码", "钱包 密码");
    CHECK_NORM("钱包\x01\x7f密码ñ", "钱包 密码n");
    /* full-width letters are not on the fast path: NFKC makes them ASCII */
    CHECK_NORM("钱包ＡＢＣ", "钱包abc");
    /* the full-width apostrophe joins a contraction like the ASCII one */
    CHECK_NORM("don＇t 钱包", "dont 钱包");
}

static void test_normalize_empty_and_null_input(void)
{
    char *got = normed("", 0);
    KS_CHECK_STR(got, "");
    free(got);
    char *out = NULL;
    ks_error err = {0};
    KS_CHECK(ks_norm_text(norm, NULL, 5, &out, NULL, &err) == KS_OK);
    KS_CHECK_STR(out, "");
    free(out);
}

static void test_normalize_alt_gives_mainland_wording_for_traditional(void)
{
    char *out = NULL, *alt = NULL;
    ks_error err = {0};
    const char *q = "如何更換花唄繫結銀行卡";
    KS_REQUIRE(ks_norm_text_alt(norm, q, strlen(q), &out, NULL, &alt, NULL, &err) == KS_OK);
    KS_CHECK(out && strstr(out, "系结") != NULL); /* per character */
    KS_CHECK(alt && strstr(alt, "绑定") != NULL); /* Taiwan phrase -> mainland phrase */
    free(out);
    free(alt);
    /* Simplified text has no variant. */
    q = "如何更换绑定银行卡";
    KS_REQUIRE(ks_norm_text_alt(norm, q, strlen(q), &out, NULL, &alt, NULL, &err) == KS_OK);
    KS_CHECK(alt == NULL);
    free(out);
}

static void test_norm_clip_never_splits_a_character(void)
{
    const char *s = "a钱b"; /* 1 + 3 + 1 bytes */
    KS_CHECK(ks_norm_clip(s, 5, 10) == 5);
    KS_CHECK(ks_norm_clip(s, 5, 4) == 4);
    KS_CHECK(ks_norm_clip(s, 5, 3) == 1);
    KS_CHECK(ks_norm_clip(s, 5, 2) == 1);
    KS_CHECK(ks_norm_clip(s, 5, 0) == 0);
}

static void test_norm_is_han_covers_cjk_blocks(void)
{
    KS_CHECK(ks_norm_is_han(0x4E2D));  /* 中 */
    KS_CHECK(ks_norm_is_han(0x3400));  /* extension A */
    KS_CHECK(ks_norm_is_han(0x20000)); /* extension B */
    KS_CHECK(!ks_norm_is_han('a'));
    KS_CHECK(!ks_norm_is_han(0x3042)); /* hiragana */
    KS_CHECK(!ks_norm_is_han(0xFF0C)); /* full-width comma */
}

#define CHECK_STEM(w, want)                                                                                  \
    do {                                                                                                     \
        char st_[KS_STEM_MAX];                                                                               \
        size_t n_ = ks_stem_en(w, strlen(w), st_);                                                           \
        KS_CHECK_STR(st_, want);                                                                             \
        KS_CHECK(n_ == strlen(want));                                                                        \
    } while (0)

static void test_stem_follows_porter(void)
{
    CHECK_STEM("caresses", "caress");
    CHECK_STEM("ponies", "poni");
    CHECK_STEM("cats", "cat");
    CHECK_STEM("agreed", "agre");
    CHECK_STEM("plastered", "plaster");
    CHECK_STEM("motoring", "motor");
    CHECK_STEM("hopping", "hop");
    CHECK_STEM("filing", "file");
    CHECK_STEM("happy", "happi");
    CHECK_STEM("relational", "relat");
    CHECK_STEM("conditional", "condit");
    CHECK_STEM("generalization", "gener");
    CHECK_STEM("electrical", "electr");
    CHECK_STEM("adjustment", "adjust");
    CHECK_STEM("reservations", "reserv");
    CHECK_STEM("reserving", "reserv");
    CHECK_STEM("controlling", "control");
    CHECK_STEM("roll", "roll");
}

static void test_stem_leaves_other_words_alone(void)
{
    CHECK_STEM("is", "is");
    CHECK_STEM("5pm", "5pm");
    CHECK_STEM("café", "café");
    char longw[100];
    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = '\0';
    char out[KS_STEM_MAX];
    KS_CHECK(ks_stem_en(longw, strlen(longw), out) == KS_STEM_MAX - 1);
}

static void test_stop_words_are_recognised(void)
{
    KS_CHECK(ks_stem_is_stop("the", 3));
    KS_CHECK(ks_stem_is_stop("how", 3));
    KS_CHECK(ks_stem_is_stop("yourselves", 10));
    KS_CHECK(ks_stem_is_stop("a", 1));
    KS_CHECK(!ks_stem_is_stop("wallet", 6));
    KS_CHECK(!ks_stem_is_stop("th", 2));
    KS_CHECK(!ks_stem_is_stop("", 0));
}

static void test_pinyin_reads_common_characters(void)
{
    KS_REQUIRE(ks_pinyin_table_size() > 5000);
    KS_CHECK_STR(ks_pinyin_of(0x82B1), "hua"); /* 花 */
    KS_CHECK_STR(ks_pinyin_of(0x5457), "bei"); /* 呗: bei is its usual reading */
    KS_CHECK_STR(ks_pinyin_of(0x88AB), "bei"); /* 被 */
    KS_CHECK(ks_pinyin_of('a') == NULL);
}

static int has_term(const ks_terms *t, const char *s, int kind)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].len == strlen(s) && memcmp(t->v[i].s, s, t->v[i].len) == 0 &&
            (kind < 0 || t->v[i].kind == kind))
            return 1;
    return 0;
}

static void test_analyze_han_gives_characters_pairs_and_pinyin(void)
{
    ks_terms t = {0};
    ks_error err = {0};
    KS_REQUIRE(ks_analyze(norm, "花唄額度", strlen("花唄額度"), 0, &t, &err) == KS_OK);
    KS_CHECK(has_term(&t, "花", KS_TERM_HAN1));
    KS_CHECK(has_term(&t, "呗", KS_TERM_HAN1)); /* folded to Simplified */
    KS_CHECK(has_term(&t, "花呗", KS_TERM_HAN2));
    KS_CHECK(has_term(&t, "呗额", KS_TERM_HAN2));
    KS_CHECK(has_term(&t, "~hua.bei", KS_TERM_PINYIN));
    KS_CHECK(t.n_tokens == 4);
    ks_terms_free(&t);
}

static void test_analyze_words_are_stemmed_and_function_words_kept(void)
{
    ks_terms t = {0};
    ks_error err = {0};
    const char *q = "How do I cancel reservations";
    KS_REQUIRE(ks_analyze(norm, q, strlen(q), 0, &t, &err) == KS_OK);
    KS_CHECK(has_term(&t, "how", KS_TERM_STOP));
    KS_CHECK(has_term(&t, "cancel", KS_TERM_WORD));
    KS_CHECK(has_term(&t, "reserv", KS_TERM_WORD));
    KS_CHECK(t.ends_in_space == 0);
    KS_CHECK(t.v[t.n - 1].last == 1 && t.v[0].last == 0);
    /* the surface word is kept for typo tolerance and prefixes */
    const ks_term *last = &t.v[t.n - 1];
    KS_CHECK(last->surf_len == strlen("reservations") &&
             memcmp(t.norm + last->surf_off, "reservations", last->surf_len) == 0);
    ks_terms_free(&t);
    KS_REQUIRE(ks_analyze(norm, "reset ", 6, 0, &t, &err) == KS_OK);
    KS_CHECK(t.ends_in_space == 1);
    ks_terms_free(&t);
}

static void test_analyze_caps_the_number_of_terms(void)
{
    ks_terms t = {0};
    ks_error err = {0};
    const char *q = "one two three four five six seven eight nine ten";
    KS_REQUIRE(ks_analyze(norm, q, strlen(q), 4, &t, &err) == KS_OK);
    KS_CHECK(t.n == 4);
    ks_terms_free(&t);
}

static void test_analyze_query_adds_mainland_variants(void)
{
    ks_terms t = {0};
    ks_error err = {0};
    const char *q = "繫結銀行卡";
    KS_REQUIRE(ks_analyze_query(norm, q, strlen(q), 0, &t, &err) == KS_OK);
    KS_CHECK(has_term(&t, "系结", KS_TERM_HAN2));
    int variant = 0;
    for (size_t i = 0; i < t.n; i++)
        if (t.v[i].len == strlen("绑定") && memcmp(t.v[i].s, "绑定", t.v[i].len) == 0)
            variant = t.v[i].variant;
    KS_CHECK(variant == 1);
    ks_terms_free(&t);
    /* content is analysed without variants */
    KS_REQUIRE(ks_analyze(norm, q, strlen(q), 0, &t, &err) == KS_OK);
    KS_CHECK(!has_term(&t, "绑定", -1));
    ks_terms_free(&t);
}

static void test_term_kind_from_bytes(void)
{
    KS_CHECK(ks_term_kind_of("~hua.bei", 8) == KS_TERM_PINYIN);
    KS_CHECK(ks_term_kind_of("花", 3) == KS_TERM_HAN1);
    KS_CHECK(ks_term_kind_of("花呗", 6) == KS_TERM_HAN2);
    KS_CHECK(ks_term_kind_of("the", 3) == KS_TERM_STOP);
    KS_CHECK(ks_term_kind_of("wallet", 6) == KS_TERM_WORD);
}

int main(void)
{
    ks_error err = {0};
    if (ks_norm_open(&norm, &err) != KS_OK) {
        fprintf(stderr, "cannot open the normaliser: %s\n", err.msg);
        return 1;
    }
    KS_RUN(test_normalize_folds_case_and_full_width);
    KS_RUN(test_normalize_strips_accents);
    KS_RUN(test_normalize_turns_punctuation_into_single_spaces);
    KS_RUN(test_normalize_keeps_contractions_as_one_word);
    KS_RUN(test_normalize_folds_traditional_to_simplified);
    KS_RUN(test_normalize_treats_invalid_utf8_as_separators);
    KS_RUN(test_normalize_fast_and_full_paths_agree);
    KS_RUN(test_normalize_empty_and_null_input);
    KS_RUN(test_normalize_alt_gives_mainland_wording_for_traditional);
    KS_RUN(test_norm_clip_never_splits_a_character);
    KS_RUN(test_norm_is_han_covers_cjk_blocks);
    KS_RUN(test_stem_follows_porter);
    KS_RUN(test_stem_leaves_other_words_alone);
    KS_RUN(test_stop_words_are_recognised);
    KS_RUN(test_pinyin_reads_common_characters);
    KS_RUN(test_analyze_han_gives_characters_pairs_and_pinyin);
    KS_RUN(test_analyze_words_are_stemmed_and_function_words_kept);
    KS_RUN(test_analyze_caps_the_number_of_terms);
    KS_RUN(test_analyze_query_adds_mainland_variants);
    KS_RUN(test_term_kind_from_bytes);
    ks_norm_close(norm);
    return ks_test_summary();
}
