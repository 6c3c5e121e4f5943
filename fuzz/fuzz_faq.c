/*
 * fuzz_faq.c - libFuzzer target for the kiosk-faq/1 parser (faq.c): any
 * bytes in, either a clean error or a document whose every promise holds
 * (valid UTF-8 everywhere, ids in the allowed set, canonical locales, sizes
 * within the documented limits). abort() marks a broken promise here; the
 * product code itself never aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "ks/faq.h"
#include "ks/locale.h"

static void must(int cond)
{
    if (!cond) abort();
}

static void check_text(const char *s, size_t max)
{
    must(s != NULL);
    size_t len = strlen(s);
    must(len <= max);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)len;
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        must(n > 0 && cp >= 0);
        p += n;
        left -= n;
    }
}

static void check_id(const char *id)
{
    must(id && *id && strlen(id) <= KS_FAQ_MAX_ID);
    for (const char *c = id; *c; c++)
        must((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
             *c == '.' || *c == '-');
}

static void check_locale(const char *loc)
{
    char canon[KS_LOCALE_MAX];
    must(ks_locale_canonical(loc, canon) == 0 && strcmp(canon, loc) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_faq *faq = NULL;
    ks_error err = {0};
    if (ks_faq_parse((const char *)data, size, "fuzz.json", &faq, &err) != KS_OK) {
        must(faq == NULL && err.code != KS_OK && strncmp(err.msg, "fuzz.json", 9) == 0);
        return 0;
    }
    for (size_t i = 0; i < faq->n_categories; i++) {
        const ks_faq_category *c = &faq->categories[i];
        check_id(c->id);
        must(c->n_titles > 0);
        for (size_t t = 0; t < c->n_titles; t++) {
            check_locale(c->titles[t].locale);
            check_text(c->titles[t].text, KS_FAQ_MAX_TITLE);
        }
        if (c->extra_json) check_text(c->extra_json, KS_FAQ_MAX_FILE_BYTES);
    }
    for (size_t i = 0; i < faq->n_articles; i++) {
        const ks_faq_article *a = &faq->articles[i];
        check_id(a->id);
        check_locale(a->locale);
        if (a->category) check_id(a->category);
        check_text(a->title, KS_FAQ_MAX_TITLE);
        must(a->title[0] != '\0');
        check_text(a->body, KS_FAQ_MAX_BODY);
        must(a->n_questions <= KS_FAQ_MAX_LIST_ITEMS && a->n_keywords <= KS_FAQ_MAX_LIST_ITEMS);
        for (size_t q = 0; q < a->n_questions; q++) check_text(a->questions[q], KS_FAQ_MAX_ITEM);
        for (size_t k = 0; k < a->n_keywords; k++) check_text(a->keywords[k], KS_FAQ_MAX_ITEM);
        if (a->media_json) check_text(a->media_json, KS_FAQ_MAX_FILE_BYTES);
        if (a->extra_json) check_text(a->extra_json, KS_FAQ_MAX_FILE_BYTES);
        for (size_t j = 0; j < i && j < 64; j++)
            must(strcmp(faq->articles[j].id, a->id) != 0 || strcmp(faq->articles[j].locale, a->locale) != 0);
    }
    ks_faq_free(faq);
    return 0;
}
