/*
 * test_richtext.c - the article markup parser: every block kind, inline
 * bold and links, line joining (Latin and CJK), and hostile input that must
 * parse without crashing or going quadratic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ks/richtext.h"
#include "test.h"

static ks_richtext *parse(const char *s)
{
    ks_richtext *r = NULL;
    ks_error err;
    ks_status st = ks_richtext_parse(s, strlen(s), &r, &err);
    if (st != KS_OK) fprintf(stderr, "  parse failed: %s\n", err.msg);
    return r;
}

/* All span texts of block i, concatenated (static buffer). */
static const char *block_text(const ks_richtext *r, size_t i)
{
    static char out[4096];
    size_t n = 0;
    out[0] = '\0';
    for (size_t k = 0; k < r->blocks[i].n_spans && n < sizeof out - 1; k++) {
        const ks_rt_span *sp = &r->blocks[i].spans[k];
        size_t take = sp->len < sizeof out - 1 - n ? sp->len : sizeof out - 1 - n;
        memcpy(out + n, sp->text, take);
        n += take;
    }
    out[n] = '\0';
    return out;
}

/* Every invariant the header promises, for any document. */
static void check_invariants(const ks_richtext *r)
{
    for (size_t i = 0; i < r->n_blocks; i++) {
        const ks_rt_block *b = &r->blocks[i];
        if (b->kind == KS_RT_IMAGE) {
            KS_CHECK(b->src && b->src[0]);
            KS_CHECK(b->alt != NULL);
            KS_CHECK(b->n_spans == 0);
            continue;
        }
        KS_CHECK(b->n_spans >= 1);
        for (size_t k = 0; k < b->n_spans; k++) {
            const ks_rt_span *sp = &b->spans[k];
            KS_CHECK(sp->len > 0);
            KS_CHECK(strlen(sp->text) == sp->len);
            if (k > 0) {
                const ks_rt_span *pv = &b->spans[k - 1];
                int same_link = (!pv->link && !sp->link) ||
                                (pv->link && sp->link && strcmp(pv->link, sp->link) == 0);
                KS_CHECK_MSG(pv->bold != sp->bold || !same_link, "adjacent spans %zu/%zu share a style", k - 1, k);
            }
        }
    }
}

static void test_parses_every_block_kind(void)
{
    ks_richtext *r = parse("# Lost card\n"
                           "\n"
                           "If your card is lost, act quickly.\n"
                           "\n"
                           "## What to do\n"
                           "- Call us\n"
                           "* Lock the card in the app\n"
                           "1. Open the app\n"
                           "12. Tap **Cards**\n"
                           "![The cards screen](media/cards.png)\n");
    KS_REQUIRE(r);
    KS_REQUIRE(r->n_blocks == 8);
    KS_CHECK(r->blocks[0].kind == KS_RT_HEADING1);
    KS_CHECK_STR(block_text(r, 0), "Lost card");
    KS_CHECK(r->blocks[1].kind == KS_RT_PARAGRAPH);
    KS_CHECK_STR(block_text(r, 1), "If your card is lost, act quickly.");
    KS_CHECK(r->blocks[2].kind == KS_RT_HEADING2);
    KS_CHECK_STR(block_text(r, 2), "What to do");
    KS_CHECK(r->blocks[3].kind == KS_RT_BULLET);
    KS_CHECK_STR(block_text(r, 3), "Call us");
    KS_CHECK(r->blocks[4].kind == KS_RT_BULLET);
    KS_CHECK_STR(block_text(r, 4), "Lock the card in the app");
    KS_CHECK(r->blocks[5].kind == KS_RT_NUMBERED);
    KS_CHECK(r->blocks[5].number == 1);
    KS_CHECK(r->blocks[6].kind == KS_RT_NUMBERED);
    KS_CHECK(r->blocks[6].number == 12);
    KS_CHECK_STR(block_text(r, 6), "Tap Cards");
    KS_CHECK(r->blocks[7].kind == KS_RT_IMAGE);
    KS_CHECK_STR(r->blocks[7].src, "media/cards.png");
    check_invariants(r);
    ks_richtext_free(r);

    r = parse("Before\n![The cards screen](media/cards.png)\nAfter");
    KS_REQUIRE(r && r->n_blocks == 3);
    KS_CHECK(r->blocks[1].kind == KS_RT_IMAGE);
    KS_CHECK_STR(r->blocks[1].src, "media/cards.png");
    KS_CHECK_STR(r->blocks[1].alt, "The cards screen");
    KS_CHECK_STR(block_text(r, 0), "Before");
    KS_CHECK_STR(block_text(r, 2), "After");
    ks_richtext_free(r);
}

static void test_bold_and_links_become_spans(void)
{
    ks_richtext *r = parse("Call **now** or see [our page](https://example.org/help) today.");
    KS_REQUIRE(r && r->n_blocks == 1);
    const ks_rt_block *b = &r->blocks[0];
    KS_REQUIRE(b->n_spans == 5);
    KS_CHECK_STR(b->spans[0].text, "Call ");
    KS_CHECK(!b->spans[0].bold && !b->spans[0].link);
    KS_CHECK_STR(b->spans[1].text, "now");
    KS_CHECK(b->spans[1].bold);
    KS_CHECK_STR(b->spans[2].text, " or see ");
    KS_CHECK_STR(b->spans[3].text, "our page");
    KS_CHECK_STR(b->spans[3].link, "https://example.org/help");
    KS_CHECK(!b->spans[3].bold);
    KS_CHECK_STR(b->spans[4].text, " today.");
    KS_CHECK(b->spans[4].link == NULL);
    check_invariants(r);
    ks_richtext_free(r);

    /* Bold inside a link, and a link inside bold. */
    r = parse("**Read [the guide](https://a.example/g) first**");
    KS_REQUIRE(r && r->n_blocks == 1);
    b = &r->blocks[0];
    KS_REQUIRE(b->n_spans == 3);
    KS_CHECK(b->spans[0].bold && b->spans[1].bold && b->spans[2].bold);
    KS_CHECK_STR(b->spans[1].link, "https://a.example/g");
    ks_richtext_free(r);
}

static void test_unsafe_link_schemes_show_text_only(void)
{
    ks_richtext *r = parse("[click](javascript:alert(1)) and [mail](mailto:help@example.org) and "
                           "[file](file:///etc/passwd) and [rel](/x)");
    KS_REQUIRE(r && r->n_blocks == 1);
    const ks_rt_block *b = &r->blocks[0];
    int links = 0;
    for (size_t k = 0; k < b->n_spans; k++)
        if (b->spans[k].link) {
            links++;
            KS_CHECK_STR(b->spans[k].link, "mailto:help@example.org");
        }
    KS_CHECK(links == 1);
    /* javascript:alert(1) ends at the first ')', leaving ")" as text */
    KS_CHECK_STR(block_text(r, 0), "click) and mail and file and rel");
    ks_richtext_free(r);
}

static void test_unclosed_markup_stays_literal(void)
{
    ks_richtext *r = parse("a **b** c **d");
    KS_REQUIRE(r && r->n_blocks == 1);
    KS_CHECK_STR(block_text(r, 0), "a b c **d");
    KS_CHECK(r->blocks[0].spans[1].bold);
    check_invariants(r);
    ks_richtext_free(r);

    r = parse("see [the page] and [broken](no close and ]( and [x](");
    KS_REQUIRE(r && r->n_blocks == 1);
    KS_CHECK_STR(block_text(r, 0), "see [the page] and [broken](no close and ]( and [x](");
    for (size_t k = 0; k < r->blocks[0].n_spans; k++) KS_CHECK(r->blocks[0].spans[k].link == NULL);
    ks_richtext_free(r);

    r = parse("[a [b](https://x.example/) c]");
    KS_REQUIRE(r && r->n_blocks == 1);
    KS_CHECK_STR(block_text(r, 0), "[a b c]");
    ks_richtext_free(r);
}

static void test_backslash_escapes_markup(void)
{
    ks_richtext *r = parse("\\# not a heading \\*\\*not bold\\*\\* \\[x\\](https://a.example) a\\\\b \\q");
    KS_REQUIRE(r && r->n_blocks == 1);
    KS_CHECK(r->blocks[0].kind == KS_RT_PARAGRAPH);
    KS_CHECK_STR(block_text(r, 0), "# not a heading **not bold** [x](https://a.example) a\\b \\q");
    KS_CHECK(r->blocks[0].n_spans == 1);
    ks_richtext_free(r);

    r = parse("\\- not a bullet");
    KS_REQUIRE(r && r->n_blocks == 1);
    KS_CHECK(r->blocks[0].kind == KS_RT_PARAGRAPH);
    KS_CHECK_STR(block_text(r, 0), "- not a bullet");
    ks_richtext_free(r);
}

static void test_lines_join_with_space_except_between_cjk(void)
{
    ks_richtext *r = parse("Your card\nwill arrive\r\nsoon.\n\n您的银行卡\n将在五个工作日内寄到。\n请留意\nSMS 通知");
    KS_REQUIRE(r && r->n_blocks == 2);
    KS_CHECK_STR(block_text(r, 0), "Your card will arrive soon.");
    KS_CHECK_STR(block_text(r, 1), "您的银行卡将在五个工作日内寄到。请留意 SMS 通知");
    ks_richtext_free(r);
}

static void test_list_items_continue_on_following_lines(void)
{
    ks_richtext *r = parse("- first line\n  goes on\n- second\n\nParagraph");
    KS_REQUIRE(r && r->n_blocks == 3);
    KS_CHECK_STR(block_text(r, 0), "first line goes on");
    KS_CHECK(r->blocks[1].kind == KS_RT_BULLET);
    KS_CHECK(r->blocks[2].kind == KS_RT_PARAGRAPH);
    ks_richtext_free(r);
}

static void test_edge_lines_are_not_blocks_they_resemble(void)
{
    /* "#tag" without a space, "-x", "1.5 kg", "**bold** start": paragraphs. */
    ks_richtext *r = parse("#tag\n\n-x\n\n1.5 kg\n\n**Bold** start\n\n### Deep heading\n\n#\n\n- \n\n3.");
    KS_REQUIRE(r);
    KS_REQUIRE(r->n_blocks == 5);
    KS_CHECK(r->blocks[0].kind == KS_RT_PARAGRAPH);
    KS_CHECK_STR(block_text(r, 0), "#tag");
    KS_CHECK(r->blocks[1].kind == KS_RT_PARAGRAPH);
    KS_CHECK(r->blocks[2].kind == KS_RT_PARAGRAPH);
    KS_CHECK_STR(block_text(r, 2), "1.5 kg");
    KS_CHECK(r->blocks[3].kind == KS_RT_PARAGRAPH);
    KS_CHECK(r->blocks[3].spans[0].bold);
    KS_CHECK(r->blocks[4].kind == KS_RT_HEADING2);
    KS_CHECK_STR(block_text(r, 4), "Deep heading");
    check_invariants(r);
    ks_richtext_free(r);
}

static void test_inline_image_shows_alt_text(void)
{
    ks_richtext *r = parse("Tap the ![gear](media/gear.png) icon");
    KS_REQUIRE(r && r->n_blocks == 1);
    KS_CHECK_STR(block_text(r, 0), "Tap the gear icon");
    ks_richtext_free(r);
}

static void test_invalid_utf8_and_controls_are_cleaned(void)
{
    const char in[] = "ok\xff\xfe bad\x01\x7f tab\there \xe4\xb8 cut\0nul \xc0\xaf end";
    ks_richtext *r = NULL;
    KS_REQUIRE(ks_richtext_parse(in, sizeof in - 1, &r, NULL) == KS_OK);
    KS_REQUIRE(r->n_blocks == 1);
    KS_CHECK_STR(block_text(r, 0),
                 "ok\xEF\xBF\xBD\xEF\xBF\xBD bad tab here \xEF\xBF\xBD\xEF\xBF\xBD cutnul "
                 "\xEF\xBF\xBD\xEF\xBF\xBD end");
    check_invariants(r);
    ks_richtext_free(r);
}

static void test_empty_and_null_input_give_empty_document(void)
{
    ks_richtext *r = NULL;
    KS_REQUIRE(ks_richtext_parse(NULL, 0, &r, NULL) == KS_OK);
    KS_CHECK(r->n_blocks == 0);
    char *p = ks_richtext_plain(r);
    KS_CHECK_STR(p, "");
    free(p);
    ks_richtext_free(r);
    r = parse("\n\n   \n\t\n");
    KS_REQUIRE(r);
    KS_CHECK(r->n_blocks == 0);
    ks_richtext_free(r);
    ks_richtext_free(NULL);
}

static void test_plain_drops_markup_keeps_numbers(void)
{
    const char *src = "# Title\n\nSome **bold** and [a link](https://x.example).\n\n- one\n2. two\n"
                      "![pic](media/p.png)\n";
    char *p = ks_richtext_strip(src, strlen(src));
    KS_CHECK_STR(p, "Title\nSome bold and a link.\none\n2. two");
    free(p);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Many unmatched brackets and stars in one long line: a quadratic parser
 * would take minutes here; a linear one, milliseconds. The bound is loose
 * on purpose (sanitizer builds are slow); it catches complexity, not speed. */
static void test_hostile_long_line_parses_in_linear_time(void)
{
    size_t n = 2 * 1024 * 1024;
    char *s = malloc(n);
    KS_REQUIRE(s);
    for (size_t i = 0; i < n; i++) s[i] = "[[*!(]"[i % 3 == 0 ? 0 : (i % 7 == 0 ? 2 : (i % 11 == 0 ? 3 : 1))];
    for (size_t i = 5000; i < n; i += 10007) s[i] = ']';
    double t0 = now_s();
    ks_richtext *r = NULL;
    KS_REQUIRE(ks_richtext_parse(s, n, &r, NULL) == KS_OK);
    double took = now_s() - t0;
    KS_CHECK(r->n_blocks == 1);
    check_invariants(r);
    KS_CHECK_MSG(took < 20.0, "took %.1f s", took);
    ks_richtext_free(r);
    free(s);
}

/* Random bytes biased toward markup characters: must never crash, and the
 * header's invariants hold for every document. */
static void test_random_input_keeps_invariants(void)
{
    static const char alphabet[] = "ab *[]()!#-1.\n\\\xe4\xb8\xad\xff\t\r";
    unsigned seed = 12345;
    char buf[512];
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(round % 500);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        ks_richtext *r = NULL;
        KS_REQUIRE(ks_richtext_parse(buf, n, &r, NULL) == KS_OK);
        check_invariants(r);
        char *p = ks_richtext_plain(r);
        KS_CHECK(p != NULL);
        free(p);
        ks_richtext_free(r);
    }
}

int main(void)
{
    KS_RUN(test_parses_every_block_kind);
    KS_RUN(test_bold_and_links_become_spans);
    KS_RUN(test_unsafe_link_schemes_show_text_only);
    KS_RUN(test_unclosed_markup_stays_literal);
    KS_RUN(test_backslash_escapes_markup);
    KS_RUN(test_lines_join_with_space_except_between_cjk);
    KS_RUN(test_list_items_continue_on_following_lines);
    KS_RUN(test_edge_lines_are_not_blocks_they_resemble);
    KS_RUN(test_inline_image_shows_alt_text);
    KS_RUN(test_invalid_utf8_and_controls_are_cleaned);
    KS_RUN(test_empty_and_null_input_give_empty_document);
    KS_RUN(test_plain_drops_markup_keeps_numbers);
    KS_RUN(test_hostile_long_line_parses_in_linear_time);
    KS_RUN(test_random_input_keeps_invariants);
    return ks_test_summary();
}
