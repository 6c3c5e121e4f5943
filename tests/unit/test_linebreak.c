/*
 * test_linebreak.c - the line-breaking rules and the greedy fitter, headless:
 * widths come from a fake measure (ASCII 10 px, wide characters 20 px, the
 * ellipsis 10 px), so every expectation can be worked out by hand.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "ks/linebreak.h"

typedef struct para {
    uint32_t cps[512];
    uint32_t off[512];
    uint8_t flags[513];
    size_t n;
    int calls;
    int fail;
} para;

static int cp_width(uint32_t c)
{
    if (c == '\n') return 0;
    return c < 0x1100 ? 10 : 20;
}

static int fake_measure(void *user, size_t from, size_t to, int ellipsis)
{
    para *p = user;
    p->calls++;
    if (p->fail) return -1;
    int w = 0;
    for (size_t i = from; i < to; i++)
        w += cp_width(p->cps[i]);
    return w + (ellipsis ? 10 : 0);
}

static int fake_advance(void *user, size_t i)
{
    para *p = user;
    return cp_width(p->cps[i]);
}

static void setup(para *p, const char *s)
{
    memset(p, 0, sizeof *p);
    p->n = ks_linebreak_decode(s, strlen(s), p->cps, p->off, 0);
    ks_linebreak_analyze(p->cps, p->n, p->flags);
}

/* Fits and returns the lines as UTF-8 strings joined by '|' ("…" marks an
 * ellipsis), in a static buffer. */
static const char *fit(para *p, int max_width, int max_lines, size_t *n_out)
{
    static char buf[4096];
    ks_lb_line *lines = NULL;
    size_t n = 0;
    ks_error err;
    ks_status st = ks_linebreak_fit(p->flags, p->n, max_width, max_lines, fake_measure, fake_advance, p,
                                    &lines, &n, &err);
    if (st) {
        snprintf(buf, sizeof buf, "ERROR %s", err.msg);
        if (n_out) *n_out = 0;
        return buf;
    }
    size_t o = 0;
    for (size_t k = 0; k < n; k++) {
        if (k) buf[o++] = '|';
        for (size_t i = lines[k].start; i < lines[k].end; i++) {
            uint32_t c = p->cps[i];
            /* encode back to UTF-8 */
            if (c < 0x80)
                buf[o++] = (char)c;
            else if (c < 0x800) {
                buf[o++] = (char)(0xC0 | (c >> 6));
                buf[o++] = (char)(0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                buf[o++] = (char)(0xE0 | (c >> 12));
                buf[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
                buf[o++] = (char)(0x80 | (c & 0x3F));
            } else {
                buf[o++] = (char)(0xF0 | (c >> 18));
                buf[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
                buf[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
                buf[o++] = (char)(0x80 | (c & 0x3F));
            }
        }
        if (lines[k].ellipsis) {
            memcpy(buf + o, "\xE2\x80\xA6", 3);
            o += 3;
        }
        if (max_width > 0 && lines[k].width > max_width) {
            memcpy(buf + o, "[TOO WIDE]", 10);
            o += 10;
        }
    }
    buf[o] = '\0';
    if (n_out) *n_out = n;
    free(lines);
    return buf;
}

static void test_latin_wraps_at_spaces(void)
{
    para p;
    setup(&p, "The quick brown fox jumps over the lazy dog");
    KS_CHECK_STR(fit(&p, 100, 0, NULL), "The quick|brown fox|jumps over|the lazy|dog");
    KS_CHECK_STR(fit(&p, 0, 0, NULL), "The quick brown fox jumps over the lazy dog");
}

static void test_spaces_hang_and_do_not_start_lines(void)
{
    para p;
    setup(&p, "aaaa     bbbb");
    KS_CHECK_STR(fit(&p, 60, 0, NULL), "aaaa|bbbb");
}

static void test_hyphen_breaks_between_letters_only(void)
{
    para p;
    setup(&p, "state-of-the-art design");
    KS_CHECK_STR(fit(&p, 130, 0, NULL), "state-of-the-|art design");
    /* No break inside "-5" (a minus sign) nor inside "a--b". */
    setup(&p, "go -5 now a--b");
    KS_CHECK((p.flags[4] & KS_LB_ALLOW) == 0);  /* before '5' */
    KS_CHECK((p.flags[3] & KS_LB_ALLOW) != 0);  /* before '-', after a space */
    KS_CHECK((p.flags[12] & KS_LB_ALLOW) == 0); /* between the two '-' */
    KS_CHECK((p.flags[13] & KS_LB_ALLOW) == 0); /* "--b": the hyphen is not between letters */
}

static void test_long_word_is_broken_anywhere(void)
{
    para p;
    setup(&p, "see https://example.org/averyveryverylongpath now");
    const char *r = fit(&p, 100, 0, NULL);
    KS_CHECK_STR(r, "see|https://ex|ample.org/|averyveryv|erylongpat|h now");
}

static void test_grapheme_clusters_are_not_split(void)
{
    para p;
    /* "e" + combining acute, five times: 10 px per code point. */
    setup(&p, "e\xCC\x81"
              "e\xCC\x81"
              "e\xCC\x81"
              "e\xCC\x81"
              "e\xCC\x81");
    size_t n = 0;
    ks_lb_line *lines = NULL;
    ks_error err;
    KS_REQUIRE(ks_linebreak_fit(p.flags, p.n, 30, 0, fake_measure, fake_advance, &p, &lines, &n, &err) ==
               KS_OK);
    KS_CHECK(n == 5);
    for (size_t k = 0; k < n; k++) {
        KS_CHECK(lines[k].end - lines[k].start == 2);
        KS_CHECK(p.cps[lines[k].start] == 'e');
    }
    free(lines);
}

/* Every width from one character to the whole line: no line may start with
 * closing punctuation or end with opening punctuation. */
static void check_cjk_rules_at_every_width(const char *text)
{
    para p;
    setup(&p, text);
    for (int w = 40; w <= 20 * (int)p.n; w += 10) {
        ks_lb_line *lines = NULL;
        size_t n = 0;
        ks_error err;
        KS_REQUIRE(ks_linebreak_fit(p.flags, p.n, w, 0, fake_measure, fake_advance, &p, &lines, &n, &err) ==
                   KS_OK);
        size_t covered = 0;
        for (size_t k = 0; k < n; k++) {
            KS_CHECK(lines[k].start == covered);
            covered = lines[k].next;
            if (lines[k].end > lines[k].start) {
                uint32_t first = p.cps[lines[k].start], last = p.cps[lines[k].end - 1];
                KS_CHECK_MSG(k == 0 || (p.flags[lines[k].start] & KS_LB_CLOSE) == 0,
                             "width %d line %zu starts with U+%04X", w, k, (unsigned)first);
                KS_CHECK_MSG(first != 0xFF0C && first != 0x3002, "width %d line %zu starts with %04X", w, k,
                             (unsigned)first);
                KS_CHECK_MSG(k + 1 == n || (p.flags[lines[k].end - 1] & KS_LB_OPEN) == 0,
                             "width %d line %zu ends with U+%04X", w, k, (unsigned)last);
            }
            /* Only a unit that punctuation glues together may overflow. */
            int glued = 1;
            for (size_t i = lines[k].start + 1; i < lines[k].end; i++)
                if ((p.flags[i] & KS_LB_GRAPHEME) && !(p.flags[i] & KS_LB_CLOSE) &&
                    !(p.flags[i - 1] & KS_LB_OPEN))
                    glued = 0;
            KS_CHECK_MSG(lines[k].width <= w || glued, "width %d: line %zu is %d wide", w, k, lines[k].width);
        }
        KS_CHECK(covered == p.n);
        free(lines);
    }
}

static void test_cjk_punctuation_rules_win_over_a_too_narrow_width(void)
{
    /* One ideograph per line is all that fits: "好，" stays together and
     * overflows rather than start a line with "，". */
    para p;
    setup(&p, "你好，世界。");
    ks_lb_line *lines = NULL;
    size_t n = 0;
    ks_error err;
    KS_REQUIRE(ks_linebreak_fit(p.flags, p.n, 20, 0, fake_measure, fake_advance, &p, &lines, &n, &err) ==
               KS_OK);
    KS_REQUIRE(n == 4);
    KS_CHECK(lines[1].start == 1 && lines[1].end == 3 && lines[1].width == 40);
    KS_CHECK(lines[3].start == 4 && lines[3].end == 6);
    free(lines);
}

static void test_cjk_never_starts_a_line_with_closing_punctuation(void)
{
    check_cjk_rules_at_every_width("您好，欢迎使用自助服务。请选择您需要的业务：开户、挂失、转账？");
    check_cjk_rules_at_every_width("他說：「請稍候……」然後（再試一次）！謝謝。");
    check_cjk_rules_at_every_width("请在“设置”中打开蓝牙，然后点击《确认》。");
}

static void test_cjk_breaks_between_ideographs(void)
{
    para p;
    setup(&p, "请选择您需要的业务");
    KS_CHECK_STR(fit(&p, 60, 0, NULL), "请选择|您需要|的业务");
    /* "，" cannot start the second line: "好" moves down with it. */
    setup(&p, "你好，世界");
    KS_CHECK_STR(fit(&p, 40, 0, NULL), "你|好，|世界");
    /* "（" cannot end a line: it moves down with what follows. */
    setup(&p, "请按（确认）键");
    KS_CHECK_STR(fit(&p, 60, 0, NULL), "请按|（确|认）键");
}

static void test_mixed_latin_and_cjk_break_at_script_change(void)
{
    para p;
    setup(&p, "请输入PIN码");
    KS_CHECK_STR(fit(&p, 80, 0, NULL), "请输入|PIN码");
}

static void test_ascii_punctuation_and_quotes(void)
{
    para p;
    setup(&p, "Say \"hello\", then go!");
    KS_CHECK_STR(fit(&p, 110, 0, NULL), "Say|\"hello\",|then go!");
    setup(&p, "x (yy) z");
    KS_CHECK_STR(fit(&p, 40, 0, NULL), "x|(yy)|z");
}

static void test_no_break_at_no_break_space(void)
{
    para p;
    setup(&p, "pay 100\xC2\xA0"
              "CHF now");
    KS_CHECK_STR(fit(&p, 90, 0, NULL), "pay|100\xC2\xA0"
                                       "CHF|now");
}

static void test_hard_newlines_and_crlf(void)
{
    para p;
    setup(&p, "one\r\ntwo\rthree\n\nfive\n");
    size_t n = 0;
    KS_CHECK_STR(fit(&p, 0, 0, &n), "one|two|three||five|");
    KS_CHECK(n == 6);
    setup(&p, "  indented\nline");
    KS_CHECK_STR(fit(&p, 200, 0, NULL), "  indented|line");
}

static void test_empty_text_is_one_empty_line(void)
{
    para p;
    setup(&p, "");
    size_t n = 0;
    KS_CHECK_STR(fit(&p, 100, 0, &n), "");
    KS_CHECK(n == 1);
}

static void test_max_lines_ends_with_an_ellipsis_that_fits(void)
{
    para p;
    setup(&p, "The quick brown fox jumps over the lazy dog");
    size_t n = 0;
    const char *r = fit(&p, 100, 2, &n);
    KS_CHECK(n == 2);
    /* "brown fox jumps" cut so that it plus the 10 px ellipsis fits 100 px. */
    KS_CHECK_STR(r, "The quick|brown fox\xE2\x80\xA6");
    r = fit(&p, 95, 1, &n);
    KS_CHECK_STR(r, "The quic\xE2\x80\xA6");
    r = fit(&p, 100, 1, &n);
    KS_CHECK_STR(r, "The quick\xE2\x80\xA6");
    /* Exactly enough lines: no ellipsis. */
    setup(&p, "one two");
    KS_CHECK_STR(fit(&p, 40, 2, &n), "one|two");
    /* A cut after opening punctuation drops it: never "（…". */
    setup(&p, "你好（世界）再见");
    KS_CHECK_STR(fit(&p, 70, 1, &n), "你好\xE2\x80\xA6");
    /* Unlimited width, but lines are capped: the rest of the text is cut. */
    setup(&p, "first\nsecond\nthird");
    KS_CHECK_STR(fit(&p, 0, 2, &n), "first|second\xE2\x80\xA6");
}

static void test_ellipsis_line_fits_even_for_cjk(void)
{
    para p;
    setup(&p, "您好，欢迎使用自助服务。请选择您需要的业务。");
    for (int w = 30; w <= 200; w += 7) {
        ks_lb_line *lines = NULL;
        size_t n = 0;
        ks_error err;
        KS_REQUIRE(ks_linebreak_fit(p.flags, p.n, w, 2, fake_measure, fake_advance, &p, &lines, &n, &err) ==
                   KS_OK);
        KS_CHECK(n <= 2);
        KS_CHECK(lines[n - 1].ellipsis);
        for (size_t k = 0; k < n; k++)
            KS_CHECK_MSG(lines[k].width <= w, "w %d line %zu: %d", w, k, lines[k].width);
        free(lines);
    }
}

static void test_measure_failure_is_reported(void)
{
    para p;
    setup(&p, "some text to lay out");
    p.fail = 1;
    ks_lb_line *lines = NULL;
    size_t n = 0;
    ks_error err = {0};
    KS_CHECK(ks_linebreak_fit(p.flags, p.n, 50, 0, fake_measure, fake_advance, &p, &lines, &n, &err) ==
             KS_ERR_IO);
    KS_CHECK(lines == NULL);
    KS_CHECK(strstr(err.msg, "measuring") != NULL);
}

static void test_decode_replaces_invalid_utf8_and_drops_controls(void)
{
    uint32_t cps[32], off[32];
    const char in[] = "a\xFF"
                      "b\x01\tc\xE4\xBD";
    size_t n = ks_linebreak_decode(in, sizeof in - 1, cps, off, 100);
    KS_REQUIRE(n == 6);
    KS_CHECK(cps[0] == 'a' && off[0] == 100);
    KS_CHECK(cps[1] == 0xFFFD && off[1] == 101);
    KS_CHECK(cps[2] == 'b');
    KS_CHECK(cps[3] == ' ' && off[3] == 104); /* tab */
    KS_CHECK(cps[4] == 'c');
    KS_CHECK(cps[5] == 0xFFFD && off[5] == 106); /* a truncated sequence: one U+FFFD */
}

static void test_script_classes_for_font_fallback(void)
{
    KS_CHECK(ks_linebreak_script(0x4F60) == KS_SCRIPT_CJK); /* 你 */
    KS_CHECK(ks_linebreak_script(0xFF0C) == KS_SCRIPT_CJK); /* ， */
    KS_CHECK(ks_linebreak_script(0x3002) == KS_SCRIPT_CJK); /* 。 */
    KS_CHECK(ks_linebreak_script('A') == KS_SCRIPT_OTHER);
    KS_CHECK(ks_linebreak_script('7') == KS_SCRIPT_OTHER);
    KS_CHECK(ks_linebreak_script(0x201C) == KS_SCRIPT_NEUTRAL); /* “ */
    KS_CHECK(ks_linebreak_script(0x2026) == KS_SCRIPT_NEUTRAL); /* … */
    KS_CHECK(ks_linebreak_script(' ') == KS_SCRIPT_SPACE);
}

int main(void)
{
    KS_RUN(test_latin_wraps_at_spaces);
    KS_RUN(test_spaces_hang_and_do_not_start_lines);
    KS_RUN(test_hyphen_breaks_between_letters_only);
    KS_RUN(test_long_word_is_broken_anywhere);
    KS_RUN(test_grapheme_clusters_are_not_split);
    KS_RUN(test_cjk_never_starts_a_line_with_closing_punctuation);
    KS_RUN(test_cjk_punctuation_rules_win_over_a_too_narrow_width);
    KS_RUN(test_cjk_breaks_between_ideographs);
    KS_RUN(test_mixed_latin_and_cjk_break_at_script_change);
    KS_RUN(test_ascii_punctuation_and_quotes);
    KS_RUN(test_no_break_at_no_break_space);
    KS_RUN(test_hard_newlines_and_crlf);
    KS_RUN(test_empty_text_is_one_empty_line);
    KS_RUN(test_max_lines_ends_with_an_ellipsis_that_fits);
    KS_RUN(test_ellipsis_line_fits_even_for_cjk);
    KS_RUN(test_measure_failure_is_reported);
    KS_RUN(test_decode_replaces_invalid_utf8_and_drops_controls);
    KS_RUN(test_script_classes_for_font_fallback);
    return ks_test_summary();
}
