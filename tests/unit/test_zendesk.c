/*
 * test_zendesk.c - Zendesk Guide exports to kiosk-faq/1: the HTML subset
 * becomes the kiosk's markup, entities are decoded, hostile or broken HTML
 * never breaks the converter, and the fixture export pages (written for
 * these tests, tests/fixtures/zendesk/) convert into content the kiosk's
 * own parser accepts.
 */
#include "test.h"

#include "ks/faq.h"
#include "ks/file.h"
#include "ks/zendesk.h"

static char *md(const char *html)
{
    char *out = NULL;
    if (ks_zendesk_html_to_markup(html, strlen(html), &out, NULL, NULL, NULL) != KS_OK) return NULL;
    return out;
}

#define CHECK_MD(html, want)                                                                                 \
    do {                                                                                                     \
        char *got_ = md(html);                                                                               \
        KS_CHECK_STR(got_, want);                                                                            \
        free(got_);                                                                                          \
    } while (0)

static void test_html_headings_paragraphs_and_lists(void)
{
    CHECK_MD("<h1>Title</h1><p>First.</p><p>Second\n  line.</p>", "# Title\n\nFirst.\n\nSecond line.");
    CHECK_MD("<h2>A</h2><h3>B</h3><h6>C</h6>", "# A\n\n## B\n\n## C");
    CHECK_MD("<p>Steps:</p><ol><li>One</li><li>Two</li></ol><p>After</p>",
             "Steps:\n\n1. One\n2. Two\n\nAfter");
    CHECK_MD("<ul><li><p>Para in item</p></li><li>Next</li></ul>", "- Para in item\n- Next");
    CHECK_MD("<ul><li>Outer<ul><li>Inner</li></ul></li></ul>", "- Outer\n- Inner");
    CHECK_MD("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three");
    CHECK_MD("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>", "A | B\n1 | 2");
    CHECK_MD("", "");
    CHECK_MD("   \n\t ", "");
}

static void test_html_bold_links_and_images(void)
{
    CHECK_MD("<p>Press <strong>Block</strong> now.</p>", "Press **Block** now.");
    CHECK_MD("<p><b> spaced </b>word</p>", "**spaced** word");
    CHECK_MD("<p>x<strong></strong>y</p>", "xy");
    CHECK_MD("<h2>Already <b>bold</b></h2>", "# Already bold");
    CHECK_MD("<p>See <a href=\"https://example.org/a?b=1&amp;c=2\">the page</a>.</p>",
             "See [the page](https://example.org/a?b=1&c=2).");
    CHECK_MD("<a href='https://x.org/(y) z'>t</a>", "[t](https://x.org/(y%29%20z)");
    CHECK_MD("<a href=\"https://x.org/\"></a>", "[https://x.org/](https://x.org/)");
    CHECK_MD("<a href=\"javascript:alert(1)\">click</a> <a href=\"/relative\">rel</a>", "click rel");
    CHECK_MD("<a href=mailto:help@example.org>mail us</a>", "[mail us](mailto:help@example.org)");
    char **media = NULL;
    size_t n = 0;
    char *out = NULL;
    const char *html =
        "<p>Before <img src=\"https://cdn.example.org/att/77/My Card.png?v=2\" alt=\"The [card]\"> after</p>"
        "<img src=\"/a/b/pic.jpg\"><img src=\"https://x.org/a/b/pic.jpg#frag\"><img alt=\"no src\">";
    KS_REQUIRE(ks_zendesk_html_to_markup(html, strlen(html), &out, &media, &n, NULL) == KS_OK);
    KS_CHECK_STR(out,
                 "Before\n![The  card ](media/My_Card.png)\nafter\n\n![](media/pic.jpg)\n![](media/pic.jpg)");
    KS_CHECK(n == 2);
    if (n == 2) {
        KS_CHECK_STR(media[0], "My_Card.png");
        KS_CHECK_STR(media[1], "pic.jpg");
    }
    for (size_t i = 0; i < n; i++)
        free(media[i]);
    free(media);
    free(out);
}

static void test_html_entities_are_decoded(void)
{
    CHECK_MD("Fish &amp; chips &lt;3 &gt; &quot;q&quot; &#39;s&#39;", "Fish & chips <3 > \"q\" 's'");
    CHECK_MD("a&nbsp;b &ndash; c&mdash;d &hellip; &euro;5", "a b – c—d … €5");
    CHECK_MD("&#20013;&#x6587; &#X4E2D;", "中文 中");
    CHECK_MD("&unknown; & alone &#; &#xZZ; &amp", "&unknown; & alone &#; &#xZZ; &amp");
    CHECK_MD("&#0; &#x110000;", "\xEF\xBF\xBD \xEF\xBF\xBD");
}

static void test_html_drops_scripts_styles_comments(void)
{
    CHECK_MD("<p>Keep</p><script>var x = '<p>no</p>';</script><style>p{color:red}</style><!-- hidden -->tail",
             "Keep\n\ntail");
    CHECK_MD("<SCRIPT type=x>alert(1)</SCRIPT>ok", "ok");
    CHECK_MD("<span class=\"x\" data-y='1>2'>kept</span> <em>text</em>", "kept text");
}

static void test_html_survives_malformed_input(void)
{
    static const char *const inputs[] = {
        "<",
        "<<<<",
        "<p",
        "<p class=\"unterminated>text",
        "<!-- never closed",
        "<script>no end",
        "</li></ul></ol></b></a>",
        "<a href=\"https://x.org\">open link",
        "<b><b><b>deep",
        "a < b > c",
        "<h1><h2><h3>",
        "<img src=>",
        "<img src=\"\">",
        "&#99999999999;",
        "<li>item</li>",
        "\xff\xfe<p>\x80</p>",
        "<table><td>cell",
        "<a href='https://x.org'><img src='y.png'></a>",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char *out = md(inputs[i]);
        KS_CHECK_MSG(out != NULL, "input %zu", i);
        free(out);
    }
    CHECK_MD("a < b > c", "a < b > c");
    CHECK_MD("</li></ul></b>text", "text");
    CHECK_MD("<b>never closed", "**never closed**");
    CHECK_MD("<a href=\"https://x.org\">open link", "[open link](https://x.org)");
    /* A long run of tags is linear, not quadratic, and bounded in output. */
    size_t n = 200000;
    char *big = malloc(n * 4 + 1);
    KS_REQUIRE(big != NULL);
    for (size_t i = 0; i < n; i++)
        memcpy(big + i * 4, "<b>x", 4);
    big[n * 4] = '\0';
    char *out = md(big);
    KS_CHECK(out != NULL && strlen(out) < n * 4);
    free(out);
    free(big);
}

static char *read_fixture(const char *name, size_t *len)
{
    char *data = NULL;
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/zendesk/%s", name);
    if (ks_file_read_all(ks_test_src(rel), KS_ZENDESK_MAX_PAGE_BYTES, &data, len, NULL) != KS_OK) return NULL;
    return data;
}

static const ks_faq_article *find(const ks_faq *faq, const char *id, const char *locale)
{
    for (size_t i = 0; i < faq->n_articles; i++)
        if (strcmp(faq->articles[i].id, id) == 0 && strcmp(faq->articles[i].locale, locale) == 0)
            return &faq->articles[i];
    return NULL;
}

static void test_fixture_export_converts_to_valid_content(void)
{
    size_t l1 = 0, l2 = 0;
    char *p1 = read_fixture("articles_page1.json", &l1), *p2 = read_fixture("articles_page2.json", &l2);
    KS_REQUIRE(p1 && p2);
    ks_zendesk_page pages[2] = {{p1, l1, "articles_page1.json"}, {p2, l2, "articles_page2.json"}};
    char *json = NULL;
    ks_zendesk_stats st = {0};
    ks_error e = {0};
    KS_REQUIRE(ks_zendesk_convert(pages, 2, &json, &st, &e) == KS_OK);
    KS_CHECK(st.articles == 5);
    KS_CHECK(st.drafts == 1);
    KS_CHECK(st.superseded == 1);
    KS_CHECK(st.sections == 2);
    KS_CHECK(st.more_pages == 0);
    KS_CHECK(st.n_media == 1 && strcmp(st.media[0], "block-card.png") == 0);
    ks_faq *faq = NULL;
    KS_REQUIRE(ks_faq_parse(json, strlen(json), "converted", &faq, &e) == KS_OK);
    const ks_faq_article *a = find(faq, "zd-4410001", "en");
    KS_REQUIRE(a != NULL);
    KS_CHECK_STR(a->title, "Replacing a lost card");
    KS_CHECK_STR(a->category, "zd-section-3300100");
    KS_CHECK(strstr(a->body, "# Block the card first\n\n") == a->body);
    KS_CHECK(strstr(a->body, "**block it at once**") != NULL);
    KS_CHECK(strstr(a->body, "1. Tap **Cards**.\n2. Choose the card and tap Block.\n3. Order") != NULL);
    KS_CHECK(
        strstr(a->body, "[card delivery times](https://help.example-bank.test/hc/en-us/articles/4410002)"));
    KS_CHECK(strstr(a->body, "![The Block button](media/block-card.png)") != NULL);
    KS_CHECK(strstr(a->body, "trackView") == NULL);
    KS_CHECK(a->n_keywords == 3 && strcmp(a->keywords[2], "stolen") == 0);
    /* The later page's newer copy replaced the first. */
    a = find(faq, "zd-4410002", "en");
    KS_REQUIRE(a != NULL);
    KS_CHECK_STR(a->title, "Card delivery times and tracking");
    KS_CHECK(strstr(a->body, "3 working days") != NULL);
    KS_CHECK_STR(a->updated_at, "2026-10-02T08:00:00Z");
    /* Zendesk locales fold to the kiosk's. */
    KS_CHECK(find(faq, "zd-4410001", "zh-Hans") != NULL);
    a = find(faq, "zd-4410001", "zh-Hant");
    KS_REQUIRE(a != NULL);
    KS_CHECK_STR(a->body, "金融卡遺失時，請**立即凍結**。\n需要協助請洽櫃檯。");
    KS_CHECK(find(faq, "zd-4410003", "en") == NULL); /* draft */
    a = find(faq, "zd-4410020", "en");
    KS_REQUIRE(a != NULL);
    KS_CHECK(strstr(a->body, "javascript") == NULL);
    KS_CHECK(faq->n_categories == 2);
    for (size_t i = 0; i < faq->n_categories; i++) {
        if (strcmp(faq->categories[i].id, "zd-section-3300100") == 0)
            KS_CHECK(faq->categories[i].n_titles == 1 &&
                     strcmp(faq->categories[i].titles[0].text, "Cards") == 0);
    }
    ks_faq_free(faq);
    ks_zendesk_stats_free(&st);
    free(json);
    free(p1);
    free(p2);
}

static void test_missing_pages_and_older_copies(void)
{
    size_t l1 = 0;
    char *p1 = read_fixture("articles_page1.json", &l1);
    KS_REQUIRE(p1);
    ks_zendesk_page one = {p1, l1, "articles_page1.json"};
    char *json = NULL;
    ks_zendesk_stats st = {0};
    KS_REQUIRE(ks_zendesk_convert(&one, 1, &json, &st, NULL) == KS_OK);
    KS_CHECK(st.more_pages == 1);
    ks_zendesk_stats_free(&st);
    free(json);
    const char *newer = "{\"articles\":[{\"id\":1,\"locale\":\"en\",\"title\":\"New\",\"body\":\"n\","
                        "\"updated_at\":\"2026-05-01T00:00:00Z\"}]}";
    const char *older = "{\"articles\":[{\"id\":1,\"locale\":\"en\",\"title\":\"Old\",\"body\":\"o\","
                        "\"updated_at\":\"2026-01-01T00:00:00Z\"}]}";
    ks_zendesk_page pages[2] = {{newer, strlen(newer), "a"}, {older, strlen(older), "b"}};
    KS_REQUIRE(ks_zendesk_convert(pages, 2, &json, &st, NULL) == KS_OK);
    KS_CHECK(strstr(json, "\"New\"") != NULL && strstr(json, "\"Old\"") == NULL);
    KS_CHECK(st.articles == 1 && st.superseded == 1);
    ks_zendesk_stats_free(&st);
    free(json);
    free(p1);
}

static void test_convert_rejects_what_is_not_an_export(void)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"not json", "not valid JSON"},
        {"{\"results\":[]}", "not a Zendesk articles export"},
        {"{\"articles\":[{\"locale\":\"en\",\"title\":\"t\"}]}", "'id'"},
        {"{\"articles\":[{\"id\":5,\"locale\":\"??\",\"title\":\"t\"}]}", "article 5: 'locale'"},
        {"{\"articles\":[{\"id\":5,\"locale\":\"en\"}]}", "article 5 (en): 'title'"},
        {"{\"articles\":[{\"id\":5,\"locale\":\"en\",\"title\":\"t\",\"body\":42}]}", "'body'"},
        {"{\"articles\":[{\"id\":\"5/../x\",\"locale\":\"en\",\"title\":\"t\"}]}", "'id'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ks_zendesk_page p = {cases[i].json, strlen(cases[i].json), "page.json"};
        char *json = NULL;
        ks_error e = {0};
        KS_CHECK(ks_zendesk_convert(&p, 1, &json, NULL, &e) != KS_OK);
        KS_CHECK_MSG(strstr(e.msg, cases[i].want) != NULL && strstr(e.msg, "page.json") != NULL,
                     "case %zu: %s", i, e.msg);
        KS_CHECK(json == NULL);
    }
}

int main(void)
{
    KS_RUN(test_html_headings_paragraphs_and_lists);
    KS_RUN(test_html_bold_links_and_images);
    KS_RUN(test_html_entities_are_decoded);
    KS_RUN(test_html_drops_scripts_styles_comments);
    KS_RUN(test_html_survives_malformed_input);
    KS_RUN(test_fixture_export_converts_to_valid_content);
    KS_RUN(test_missing_pages_and_older_copies);
    KS_RUN(test_convert_rejects_what_is_not_an_export);
    return ks_test_summary();
}
