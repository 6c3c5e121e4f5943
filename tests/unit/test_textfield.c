/*
 * test_textfield.c - the text field's editing model: UTF-8 only, one line,
 * caret and backspace by grapheme cluster, the size limit, the input
 * method's composition kept apart from the text, and a caret that stops
 * blinking so an idle kiosk draws nothing.
 */
#include <string.h>

#include "ks/textfield.h"
#include "test.h"

static void test_textfield_insert_and_caret(void)
{
    ks_textfield *tf = ks_textfield_create(64);
    KS_REQUIRE(tf);
    uint64_t r0 = ks_textfield_revision(tf);
    KS_CHECK(ks_textfield_insert(tf, "lost"));
    KS_CHECK(ks_textfield_insert(tf, " card"));
    KS_CHECK_STR(ks_textfield_text(tf), "lost card");
    KS_CHECK(ks_textfield_caret(tf) == 9);
    KS_CHECK(ks_textfield_revision(tf) > r0);
    ks_textfield_home(tf);
    KS_CHECK(ks_textfield_insert(tf, "my "));
    KS_CHECK_STR(ks_textfield_text(tf), "my lost card");
    KS_CHECK(ks_textfield_caret(tf) == 3);
    ks_textfield_destroy(tf);
}

static void test_textfield_rejects_invalid_utf8_and_control_characters(void)
{
    ks_textfield *tf = ks_textfield_create(64);
    KS_CHECK(ks_textfield_insert(tf, "a\xff\xfe" "b\n\tc\x01" "d"));
    KS_CHECK_STR(ks_textfield_text(tf), "abcd");
    KS_CHECK(!ks_textfield_insert(tf, "\xc3")); /* a lone lead byte: nothing */
    KS_CHECK(!ks_textfield_insert(tf, "\r\n"));
    KS_CHECK_STR(ks_textfield_text(tf), "abcd");
    ks_textfield_destroy(tf);
}

static void test_textfield_backspace_removes_a_whole_grapheme(void)
{
    ks_textfield *tf = ks_textfield_create(64);
    /* e + combining acute, then a thumbs-up with a skin tone */
    ks_textfield_insert(tf, "cafe\xcc\x81 \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd");
    KS_CHECK(ks_textfield_backspace(tf));
    KS_CHECK_STR(ks_textfield_text(tf), "cafe\xcc\x81 ");
    KS_CHECK(ks_textfield_backspace(tf));
    KS_CHECK(ks_textfield_backspace(tf));
    KS_CHECK_STR(ks_textfield_text(tf), "caf");
    ks_textfield_home(tf);
    KS_CHECK(!ks_textfield_backspace(tf)); /* nothing before the caret */
    KS_CHECK(ks_textfield_delete(tf));
    KS_CHECK_STR(ks_textfield_text(tf), "af");
    ks_textfield_destroy(tf);
}

static void test_textfield_caret_moves_over_cjk_and_clusters(void)
{
    ks_textfield *tf = ks_textfield_create(64);
    ks_textfield_insert(tf, "你好e\xcc\x81");
    KS_CHECK(ks_textfield_move(tf, -1));
    KS_CHECK(ks_textfield_caret(tf) == 6); /* before the e + accent */
    KS_CHECK(ks_textfield_move(tf, -1));
    KS_CHECK(ks_textfield_caret(tf) == 3);
    KS_CHECK(ks_textfield_move(tf, -5)); /* stops at the start */
    KS_CHECK(ks_textfield_caret(tf) == 0);
    KS_CHECK(!ks_textfield_move(tf, -1));
    KS_CHECK(ks_textfield_move(tf, 3));
    KS_CHECK(ks_textfield_caret(tf) == strlen("你好e\xcc\x81"));
    ks_textfield_destroy(tf);
}

static void test_textfield_limit_never_splits_a_character(void)
{
    ks_textfield *tf = ks_textfield_create(8);
    ks_textfield_insert(tf, "ab你好吗"); /* 2 + 9 bytes: only two CJK fit */
    KS_CHECK_STR(ks_textfield_text(tf), "ab你好");
    KS_CHECK(!ks_textfield_insert(tf, "x"));
    KS_CHECK(ks_textfield_length(tf) == 8);
    ks_textfield_set_text(tf, "0123456789");
    KS_CHECK_STR(ks_textfield_text(tf), "01234567");
    ks_textfield_destroy(tf);
}

static void test_textfield_preedit_is_shown_but_not_text(void)
{
    ks_textfield *tf = ks_textfield_create(64);
    ks_textfield_insert(tf, "我的");
    uint64_t rev = ks_textfield_revision(tf);
    ks_textfield_set_preedit(tf, "ka", 2);
    KS_CHECK_STR(ks_textfield_text(tf), "我的");
    KS_CHECK(ks_textfield_revision(tf) == rev); /* composing does not search */
    size_t caret = 0;
    KS_CHECK_STR(ks_textfield_display(tf, &caret), "我的ka");
    KS_CHECK(caret == strlen("我的ka"));
    KS_CHECK(!ks_textfield_backspace(tf)); /* the input method owns backspace while composing */
    ks_textfield_insert(tf, "卡"); /* commit replaces the composition */
    KS_CHECK_STR(ks_textfield_text(tf), "我的卡");
    KS_CHECK_STR(ks_textfield_preedit(tf), "");
    KS_CHECK_STR(ks_textfield_display(tf, NULL), "我的卡");
    ks_textfield_destroy(tf);
}

static void test_textfield_set_text_reports_change_once(void)
{
    ks_textfield *tf = ks_textfield_create(64);
    KS_CHECK(ks_textfield_set_text(tf, "pin"));
    KS_CHECK(!ks_textfield_set_text(tf, "pin"));
    uint64_t rev = ks_textfield_revision(tf);
    ks_textfield_clear(tf);
    KS_CHECK_STR(ks_textfield_text(tf), "");
    KS_CHECK(ks_textfield_revision(tf) > rev);
    ks_textfield_destroy(tf);
}

static void test_textfield_caret_blinks_then_settles(void)
{
    ks_textfield *tf = ks_textfield_create(64);
    ks_textfield_touch(tf, 10000);
    KS_CHECK(ks_textfield_caret_on(tf, 10000));
    KS_CHECK(!ks_textfield_caret_on(tf, 10600));
    KS_CHECK(ks_textfield_caret_on(tf, 11100));
    uint64_t next = ks_textfield_next_blink(tf, 10000);
    KS_CHECK(next > 10000 && next <= 10600);
    /* long after the last edit: steady on, and no more wake-ups */
    KS_CHECK(ks_textfield_caret_on(tf, 40000));
    KS_CHECK(ks_textfield_next_blink(tf, 40000) == 0);
    ks_textfield_destroy(tf);
}

int main(void)
{
    KS_RUN(test_textfield_insert_and_caret);
    KS_RUN(test_textfield_rejects_invalid_utf8_and_control_characters);
    KS_RUN(test_textfield_backspace_removes_a_whole_grapheme);
    KS_RUN(test_textfield_caret_moves_over_cjk_and_clusters);
    KS_RUN(test_textfield_limit_never_splits_a_character);
    KS_RUN(test_textfield_preedit_is_shown_but_not_text);
    KS_RUN(test_textfield_set_text_reports_change_once);
    KS_RUN(test_textfield_caret_blinks_then_settles);
    return ks_test_summary();
}
