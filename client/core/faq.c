/*
 * faq.c - the kiosk-faq/1 parser and validator (docs/faq-format.md).
 *
 * Turns one JSON document into ks_faq structs, or into the first problem
 * found, in document order, worded for a technician: the file, the article
 * id + locale (or the category id) and the field. JSON syntax is cJSON's
 * job; everything cJSON does not check (UTF-8 validity, NUL escapes,
 * duplicate keys, types, sizes) is checked here.
 *
 * Must not touch the store or any file other than the one it is asked to
 * read: whether a category exists is decided at import time, by the store.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <utf8proc.h>

#include "ks/clock.h"
#include "ks/faq.h"
#include "ks/normalize.h"
#include "ks/file.h"
#include "ks/locale.h"
#include "ks/path.h"
#include "ks/str.h"

#define FORMAT_NAME "kiosk-faq/1"
/* Positions are plain ordering keys; this range keeps arithmetic on them
 * far from int overflow. */
#define POSITION_LIMIT 1000000000.0

/* Where in the document we are, for error messages. */
typedef struct where {
    const char *source;
    const char *kind;    /* "article", "category" or NULL (top level) */
    size_t index;        /* index in its array */
    const char *id;      /* NULL until validated */
    const char *locale;  /* NULL until validated (articles only) */
} where;

/* Sets err to "SOURCE: <context>: <message>". */
static ks_status fail(const where *w, ks_error *err, ks_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ks_status fail(const where *w, ks_error *err, ks_status code, const char *fmt, ...)
{
    char msg[KS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!w->kind)
        return ks_error_set(err, code, "%s: %s", w->source, msg);
    const char *arr = strcmp(w->kind, "article") == 0 ? "articles" : "categories";
    if (!w->id)
        return ks_error_set(err, code, "%s: %s[%zu]: %s", w->source, arr, w->index, msg);
    if (strcmp(w->kind, "article") == 0) {
        if (w->locale)
            return ks_error_set(err, code, "%s: article '%s' (%s): %s", w->source, w->id, w->locale, msg);
        return ks_error_set(err, code, "%s: article '%s' (articles[%zu]): %s", w->source, w->id, w->index,
                            msg);
    }
    return ks_error_set(err, code, "%s: category '%s': %s", w->source, w->id, msg);
}

/* Validates every string and key under item (extra fields, media), so that
 * nothing invalid reaches the store through the "kept as is" path. */
static ks_status check_json_utf8(const cJSON *item, const char *path, const where *w, ks_error *err)
{
    if (cJSON_IsString(item) && !ks_norm_utf8_valid(item->valuestring, strlen(item->valuestring)))
        return fail(w, err, KS_ERR_INVALID, "'%s' is not valid UTF-8", path);
    for (const cJSON *c = item->child; c; c = c->next) {
        char sub[256];
        if (c->string) {
            if (!ks_norm_utf8_valid(c->string, strlen(c->string)))
                return fail(w, err, KS_ERR_INVALID, "a field name inside '%s' is not valid UTF-8", path);
            snprintf(sub, sizeof sub, "%s.%s", path, c->string);
        } else {
            snprintf(sub, sizeof sub, "%s[]", path);
        }
        ks_status st = check_json_utf8(c, sub, w, err);
        if (st != KS_OK) return st;
    }
    return KS_OK;
}

/* A non-empty, valid UTF-8 string of at most max bytes. */
static ks_status get_text(const cJSON *item, const char *field, size_t max, int allow_empty, const where *w,
                          char **out, ks_error *err)
{
    if (!cJSON_IsString(item) || !item->valuestring)
        return fail(w, err, KS_ERR_INVALID, "'%s' must be a string", field);
    size_t len = strlen(item->valuestring);
    if (!ks_norm_utf8_valid(item->valuestring, len))
        return fail(w, err, KS_ERR_INVALID, "'%s' is not valid UTF-8", field);
    if (len == 0 && !allow_empty) return fail(w, err, KS_ERR_INVALID, "'%s' is empty", field);
    if (len > max)
        return fail(w, err, KS_ERR_TOO_LARGE, "'%s' is %zu bytes, over the limit of %zu", field, len, max);
    *out = ks_strdup(item->valuestring);
    if (!*out) return fail(w, err, KS_ERR_NOMEM, "out of memory");
    return KS_OK;
}

/* A printable excerpt of an untrusted string for a message. */
static void excerpt(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (; s[n] && n + 1 < size && n < 40; n++) {
        unsigned char c = (unsigned char)s[n];
        buf[n] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    buf[n] = '\0';
}

static int id_char_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

/* An identifier: [A-Za-z0-9_.-], 1..KS_FAQ_MAX_ID bytes. */
static ks_status get_id(const cJSON *item, const char *field, const where *w, char **out, ks_error *err)
{
    if (!item) return fail(w, err, KS_ERR_INVALID, "'%s' is missing", field);
    if (!cJSON_IsString(item) || !item->valuestring)
        return fail(w, err, KS_ERR_INVALID, "'%s' must be a string", field);
    const char *s = item->valuestring;
    size_t len = strlen(s);
    if (len == 0) return fail(w, err, KS_ERR_INVALID, "'%s' is empty", field);
    if (len > KS_FAQ_MAX_ID)
        return fail(w, err, KS_ERR_TOO_LARGE, "'%s' is %zu bytes, over the limit of %d", field, len,
                    KS_FAQ_MAX_ID);
    for (size_t i = 0; i < len; i++) {
        if (!id_char_ok((unsigned char)s[i])) {
            if (!ks_norm_utf8_valid(s, len)) return fail(w, err, KS_ERR_INVALID, "'%s' is not valid UTF-8", field);
            char ex[48];
            excerpt(s, ex, sizeof ex);
            return fail(w, err, KS_ERR_INVALID, "'%s' \"%s\" may only use letters A-Z a-z, digits, '_', '.' and '-'",
                        field, ex);
        }
    }
    *out = ks_strdup(s);
    return *out ? KS_OK : fail(w, err, KS_ERR_NOMEM, "out of memory");
}

static ks_status get_locale(const cJSON *item, const char *field, const where *w, char **out, ks_error *err)
{
    if (!item) return fail(w, err, KS_ERR_INVALID, "'%s' is missing", field);
    if (!cJSON_IsString(item) || !item->valuestring)
        return fail(w, err, KS_ERR_INVALID, "'%s' must be a string", field);
    const char *s = item->valuestring;
    if (!ks_norm_utf8_valid(s, strlen(s))) return fail(w, err, KS_ERR_INVALID, "'%s' is not valid UTF-8", field);
    if (!*s) return fail(w, err, KS_ERR_INVALID, "'%s' is empty", field);
    char canon[KS_LOCALE_MAX];
    if (ks_locale_canonical(s, canon) != 0) {
        char ex[48];
        excerpt(s, ex, sizeof ex);
        return fail(w, err, KS_ERR_INVALID, "'%s' \"%s\" is not a BCP 47 language tag (like en, zh-Hans, zh-Hant)",
                    field, ex);
    }
    *out = ks_strdup(canon);
    return *out ? KS_OK : fail(w, err, KS_ERR_NOMEM, "out of memory");
}

static ks_status get_position(const cJSON *item, const where *w, int *out, ks_error *err)
{
    if (!cJSON_IsNumber(item)) return fail(w, err, KS_ERR_INVALID, "'position' must be a number");
    double d = item->valuedouble;
    if (d != floor(d) || d < -POSITION_LIMIT || d > POSITION_LIMIT)
        return fail(w, err, KS_ERR_INVALID, "'position' must be a whole number between -1e9 and 1e9");
    *out = (int)d;
    return KS_OK;
}

static ks_status get_string_list(const cJSON *item, const char *field, const where *w, char ***out,
                                 size_t *n_out, ks_error *err)
{
    if (!cJSON_IsArray(item)) return fail(w, err, KS_ERR_INVALID, "'%s' must be an array of strings", field);
    int n = cJSON_GetArraySize(item);
    if (n > KS_FAQ_MAX_LIST_ITEMS)
        return fail(w, err, KS_ERR_TOO_LARGE, "'%s' has %d items, over the limit of %d", field, n,
                    KS_FAQ_MAX_LIST_ITEMS);
    if (n == 0) return KS_OK;
    char **list = calloc((size_t)n, sizeof *list);
    if (!list) return fail(w, err, KS_ERR_NOMEM, "out of memory");
    ks_status st = KS_OK;
    size_t i = 0;
    for (const cJSON *c = item->child; c; c = c->next, i++) {
        char name[96];
        snprintf(name, sizeof name, "%s[%zu]", field, i);
        st = get_text(c, name, KS_FAQ_MAX_ITEM, 0, w, &list[i], err);
        if (st != KS_OK) break;
    }
    if (st != KS_OK) {
        for (size_t j = 0; j < (size_t)n; j++) free(list[j]);
        free(list);
        return st;
    }
    *out = list;
    *n_out = (size_t)n;
    return KS_OK;
}

/* "media": an array (or object) kept verbatim; file names in it must be
 * safe relative paths, since they will be looked up under the content
 * directory and must never escape it. */
static ks_status check_media_name(const cJSON *item, const char *path, const where *w, ks_error *err)
{
    if (!cJSON_IsString(item)) return KS_OK;
    if (!ks_path_is_safe_relative(item->valuestring)) {
        char ex[48];
        excerpt(item->valuestring, ex, sizeof ex);
        return fail(w, err, KS_ERR_INVALID,
                    "'%s' \"%s\" must be a relative path inside the content (no '..', no leading '/')", path, ex);
    }
    return KS_OK;
}

static ks_status get_media(const cJSON *item, const where *w, char **out, ks_error *err)
{
    if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
        return fail(w, err, KS_ERR_INVALID, "'media' must be an array or an object");
    ks_status st = check_json_utf8(item, "media", w, err);
    if (st != KS_OK) return st;
    size_t i = 0;
    for (const cJSON *c = item->child; c; c = c->next, i++) {
        char name[64];
        snprintf(name, sizeof name, "media[%zu]", i);
        if (cJSON_IsArray(item) && (st = check_media_name(c, name, w, err)) != KS_OK) return st;
        if (cJSON_IsObject(c)) {
            static const char *const keys[] = {"src", "path", "file"};
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                snprintf(name, sizeof name, "media[%zu].%s", i, keys[k]);
                st = check_media_name(cJSON_GetObjectItemCaseSensitive(c, keys[k]), name, w, err);
                if (st != KS_OK) return st;
            }
        }
    }
    *out = cJSON_PrintUnformatted(item);
    return *out ? KS_OK : fail(w, err, KS_ERR_NOMEM, "out of memory");
}

/* Moves an unknown field into the extras object (created on first use). */
static ks_status keep_extra(cJSON **extras, const cJSON *c, const where *w, ks_error *err)
{
    ks_status st = check_json_utf8(c, c->string, w, err);
    if (st != KS_OK) return st;
    if (!ks_norm_utf8_valid(c->string, strlen(c->string)))
        return fail(w, err, KS_ERR_INVALID, "a field name is not valid UTF-8");
    if (!*extras && !(*extras = cJSON_CreateObject())) return fail(w, err, KS_ERR_NOMEM, "out of memory");
    cJSON *dup = cJSON_Duplicate(c, 1);
    if (!dup || !cJSON_AddItemToObject(*extras, c->string, dup)) {
        cJSON_Delete(dup);
        return fail(w, err, KS_ERR_NOMEM, "out of memory");
    }
    return KS_OK;
}

static ks_status print_extras(cJSON *extras, const where *w, char **out, ks_error *err)
{
    if (!extras) return KS_OK;
    *out = cJSON_PrintUnformatted(extras);
    return *out ? KS_OK : fail(w, err, KS_ERR_NOMEM, "out of memory");
}

/* A known field must appear once: cJSON keeps duplicate keys, and which
 * one "wins" would otherwise be an accident of the implementation. */
static int seen_twice(unsigned *seen, unsigned bit)
{
    if (*seen & bit) return 1;
    *seen |= bit;
    return 0;
}

static void free_category(ks_faq_category *c)
{
    free(c->id);
    for (size_t i = 0; i < c->n_titles; i++) {
        free(c->titles[i].locale);
        free(c->titles[i].text);
    }
    free(c->titles);
    free(c->extra_json);
}

static void free_article(ks_faq_article *a)
{
    free(a->id);
    free(a->locale);
    free(a->category);
    free(a->title);
    free(a->body);
    for (size_t i = 0; i < a->n_questions; i++) free(a->questions[i]);
    free(a->questions);
    for (size_t i = 0; i < a->n_keywords; i++) free(a->keywords[i]);
    free(a->keywords);
    free(a->media_json);
    free(a->updated_at);
    free(a->extra_json);
}

static ks_status parse_titles(const cJSON *item, where *w, ks_faq_category *cat, ks_error *err)
{
    if (!cJSON_IsObject(item))
        return fail(w, err, KS_ERR_INVALID, "'titles' must be an object of locale: title");
    int n = cJSON_GetArraySize(item);
    if (n == 0) return fail(w, err, KS_ERR_INVALID, "'titles' is empty: give at least one locale");
    cat->titles = calloc((size_t)n, sizeof *cat->titles);
    if (!cat->titles) return fail(w, err, KS_ERR_NOMEM, "out of memory");
    for (const cJSON *c = item->child; c; c = c->next) {
        ks_faq_title *t = &cat->titles[cat->n_titles];
        if (!ks_norm_utf8_valid(c->string, strlen(c->string)))
            return fail(w, err, KS_ERR_INVALID, "a locale in 'titles' is not valid UTF-8");
        char canon[KS_LOCALE_MAX];
        char ex[48];
        excerpt(c->string, ex, sizeof ex);
        if (ks_locale_canonical(c->string, canon) != 0)
            return fail(w, err, KS_ERR_INVALID, "'titles' key \"%s\" is not a BCP 47 language tag", ex);
        for (size_t i = 0; i < cat->n_titles; i++)
            if (strcmp(cat->titles[i].locale, canon) == 0)
                return fail(w, err, KS_ERR_INVALID, "'titles' gives locale %s twice (\"%s\")", canon, ex);
        char field[96];
        snprintf(field, sizeof field, "titles.%s", ex);
        ks_status st = get_text(c, field, KS_FAQ_MAX_TITLE, 0, w, &t->text, err);
        if (st != KS_OK) return st;
        if (!(t->locale = ks_strdup(canon))) return fail(w, err, KS_ERR_NOMEM, "out of memory");
        cat->n_titles++;
    }
    return KS_OK;
}

static ks_status parse_category(const cJSON *obj, where *w, ks_faq_category *cat, ks_error *err)
{
    if (!cJSON_IsObject(obj)) return fail(w, err, KS_ERR_INVALID, "must be an object");
    ks_status st = get_id(cJSON_GetObjectItemCaseSensitive(obj, "id"), "id", w, &cat->id, err);
    if (st != KS_OK) return st;
    w->id = cat->id;
    cat->position = (int)w->index;
    cJSON *extras = NULL;
    unsigned seen = 0;
    int have_titles = 0;
    for (const cJSON *c = obj->child; c && st == KS_OK; c = c->next) {
        const char *k = c->string;
        if (strcmp(k, "id") == 0) {
            if (seen_twice(&seen, 1)) st = fail(w, err, KS_ERR_INVALID, "'id' appears twice");
        } else if (strcmp(k, "titles") == 0) {
            if (seen_twice(&seen, 2)) st = fail(w, err, KS_ERR_INVALID, "'titles' appears twice");
            else st = parse_titles(c, w, cat, err);
            have_titles = 1;
        } else if (strcmp(k, "position") == 0) {
            if (seen_twice(&seen, 4)) st = fail(w, err, KS_ERR_INVALID, "'position' appears twice");
            else st = get_position(c, w, &cat->position, err);
        } else {
            st = keep_extra(&extras, c, w, err);
        }
    }
    if (st == KS_OK && !have_titles) st = fail(w, err, KS_ERR_INVALID, "'titles' is missing");
    if (st == KS_OK) st = print_extras(extras, w, &cat->extra_json, err);
    cJSON_Delete(extras);
    return st;
}

enum {
    A_ID = 1u << 0, A_LOCALE = 1u << 1, A_CATEGORY = 1u << 2, A_TITLE = 1u << 3, A_BODY = 1u << 4,
    A_QUESTIONS = 1u << 5, A_KEYWORDS = 1u << 6, A_MEDIA = 1u << 7, A_UPDATED = 1u << 8,
    A_POSITION = 1u << 9,
};

static ks_status parse_article_field(const cJSON *c, where *w, ks_faq_article *a, unsigned *seen,
                                     cJSON **extras, ks_error *err)
{
    static const struct { const char *name; unsigned bit; } known[] = {
        {"id", A_ID}, {"locale", A_LOCALE}, {"category", A_CATEGORY}, {"title", A_TITLE},
        {"body", A_BODY}, {"questions", A_QUESTIONS}, {"keywords", A_KEYWORDS}, {"media", A_MEDIA},
        {"updated_at", A_UPDATED}, {"position", A_POSITION},
    };
    const char *k = c->string;
    unsigned bit = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(k, known[i].name) == 0) bit = known[i].bit;
    if (!bit) return keep_extra(extras, c, w, err);
    if (seen_twice(seen, bit)) return fail(w, err, KS_ERR_INVALID, "'%s' appears twice", k);
    switch (bit) {
    case A_ID:
    case A_LOCALE:
        return KS_OK; /* validated first, see parse_article */
    case A_CATEGORY:
        /* null or "" both mean "no category" (tools such as the eval sets write "") */
        if (cJSON_IsNull(c) || (cJSON_IsString(c) && c->valuestring && !*c->valuestring)) return KS_OK;
        return get_id(c, "category", w, &a->category, err);
    case A_TITLE:
        return get_text(c, "title", KS_FAQ_MAX_TITLE, 0, w, &a->title, err);
    case A_BODY:
        return get_text(c, "body", KS_FAQ_MAX_BODY, 1, w, &a->body, err);
    case A_QUESTIONS:
        return get_string_list(c, "questions", w, &a->questions, &a->n_questions, err);
    case A_KEYWORDS:
        return get_string_list(c, "keywords", w, &a->keywords, &a->n_keywords, err);
    case A_MEDIA:
        return get_media(c, w, &a->media_json, err);
    case A_UPDATED: {
        ks_status st = get_text(c, "updated_at", 64, 0, w, &a->updated_at, err);
        int64_t t;
        if (st == KS_OK && ks_clock_parse_iso8601(a->updated_at, &t) != 0)
            st = fail(w, err, KS_ERR_INVALID, "'updated_at' must be an ISO 8601 time like 2026-11-01T00:00:00Z");
        return st;
    }
    case A_POSITION:
        return get_position(c, w, &a->position, err);
    }
    return KS_OK;
}

static ks_status parse_article(const cJSON *obj, where *w, ks_faq_article *a, ks_error *err)
{
    if (!cJSON_IsObject(obj)) return fail(w, err, KS_ERR_INVALID, "must be an object");
    /* id and locale first: every later message names them. */
    ks_status st = get_id(cJSON_GetObjectItemCaseSensitive(obj, "id"), "id", w, &a->id, err);
    if (st != KS_OK) return st;
    w->id = a->id;
    st = get_locale(cJSON_GetObjectItemCaseSensitive(obj, "locale"), "locale", w, &a->locale, err);
    if (st != KS_OK) return st;
    w->locale = a->locale;
    a->position = (int)w->index;
    cJSON *extras = NULL;
    unsigned seen = 0;
    for (const cJSON *c = obj->child; c && st == KS_OK; c = c->next)
        st = parse_article_field(c, w, a, &seen, &extras, err);
    if (st == KS_OK && !a->title) st = fail(w, err, KS_ERR_INVALID, "'title' is missing");
    if (st == KS_OK && !a->body && !(a->body = ks_strdup("")))
        st = fail(w, err, KS_ERR_NOMEM, "out of memory");
    if (st == KS_OK) st = print_extras(extras, w, &a->extra_json, err);
    cJSON_Delete(extras);
    return st;
}

static int cmp_article_key(const void *pa, const void *pb)
{
    const ks_faq_article *a = *(void *const *)pa, *b = *(void *const *)pb;
    int c = strcmp(a->id, b->id);
    if (c) return c;
    c = strcmp(a->locale, b->locale);
    if (c) return c;
    return a < b ? -1 : a > b;
}

static int cmp_category_id(const void *pa, const void *pb)
{
    const ks_faq_category *a = *(void *const *)pa, *b = *(void *const *)pb;
    int c = strcmp(a->id, b->id);
    if (c) return c;
    return a < b ? -1 : a > b;
}

/* Sorting finds duplicates in n log n: content can hold 100,000 articles. */
static ks_status check_duplicates(ks_faq *faq, ks_error *err)
{
    ks_status st = KS_OK;
    size_t n_max = faq->n_articles > faq->n_categories ? faq->n_articles : faq->n_categories;
    if (n_max < 2) return KS_OK;
    void **order = malloc(n_max * sizeof *order);
    if (!order) return ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory", faq->source);
    for (size_t i = 0; i < faq->n_categories; i++) order[i] = &faq->categories[i];
    qsort(order, faq->n_categories, sizeof *order, cmp_category_id);
    for (size_t i = 1; i < faq->n_categories; i++) {
        const ks_faq_category *a = order[i - 1], *b = order[i];
        if (strcmp(a->id, b->id) == 0) {
            size_t ia = (size_t)(a - faq->categories), ib = (size_t)(b - faq->categories);
            where w = {faq->source, "category", ib, b->id, NULL};
            st = fail(&w, err, KS_ERR_INVALID, "defined twice in the file (categories[%zu] and categories[%zu])",
                      ia, ib);
            goto out;
        }
    }
    for (size_t i = 0; i < faq->n_articles; i++) order[i] = &faq->articles[i];
    qsort(order, faq->n_articles, sizeof *order, cmp_article_key);
    for (size_t i = 1; i < faq->n_articles; i++) {
        const ks_faq_article *a = order[i - 1], *b = order[i];
        if (strcmp(a->id, b->id) == 0 && strcmp(a->locale, b->locale) == 0) {
            size_t ia = (size_t)(a - faq->articles), ib = (size_t)(b - faq->articles);
            where w = {faq->source, "article", ib, b->id, b->locale};
            st = fail(&w, err, KS_ERR_INVALID, "appears twice in the file (articles[%zu] and articles[%zu])", ia, ib);
            goto out;
        }
    }
out:
    free(order);
    return st;
}

/* cJSON turns the escape \u0000 into a NUL that silently cuts the string
 * short; refuse it instead. A real escape has an odd run of backslashes. */
static ks_status check_nul_escapes(const char *json, size_t len, const char *source, ks_error *err)
{
    for (size_t i = 0; i + 6 <= len; i++) {
        if (json[i] != '\\' || (json[i + 1] != 'u' && json[i + 1] != 'U')) continue;
        if (memcmp(json + i + 2, "0000", 4) != 0) continue;
        size_t run = 0;
        for (size_t j = i + 1; j-- > 0 && json[j] == '\\';) run++;
        if (run % 2 == 1) {
            size_t line = 1;
            for (size_t j = 0; j < i; j++) line += json[j] == '\n';
            return ks_error_set(err, KS_ERR_INVALID,
                                "%s: line %zu: the escape \\u0000 (a NUL character) is not allowed in text",
                                source, line);
        }
    }
    return KS_OK;
}

static ks_status syntax_error(const char *json, size_t len, const char *at, const char *source, ks_error *err)
{
    size_t off = at && at >= json && at <= json + len ? (size_t)(at - json) : 0;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < off; i++) {
        if (json[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)json[i] & 0xc0) != 0x80) {
            col++;
        }
    }
    return ks_error_set(err, KS_ERR_INVALID, "%s: not valid JSON near line %zu, column %zu", source, line, col);
}

void ks_faq_free(ks_faq *faq)
{
    if (!faq) return;
    for (size_t i = 0; i < faq->n_categories; i++) free_category(&faq->categories[i]);
    free(faq->categories);
    for (size_t i = 0; i < faq->n_articles; i++) free_article(&faq->articles[i]);
    free(faq->articles);
    free(faq->source);
    free(faq);
}

ks_status ks_faq_parse(const char *json, size_t len, const char *source, ks_faq **out, ks_error *err)
{
    ks_status st = KS_OK;
    cJSON *root = NULL;
    ks_faq *faq = NULL;
    if (!source) source = "(faq)";
    where top = {source, NULL, 0, NULL, NULL};
    if (len > KS_FAQ_MAX_FILE_BYTES) {
        st = ks_error_set(err, KS_ERR_TOO_LARGE, "%s: %zu bytes, over the limit of %u", source, len,
                          KS_FAQ_MAX_FILE_BYTES);
        goto out;
    }
    if ((st = check_nul_escapes(json, len, source, err)) != KS_OK) goto out;
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (!root) {
        st = syntax_error(json, len, cJSON_GetErrorPtr(), source, err);
        goto out;
    }
    /* Anything but whitespace after the document is an error too. */
    for (size_t off = (size_t)(end - json); off < len; off++) {
        char ch = json[off];
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
            st = syntax_error(json, len, json + off, source, err);
            goto out;
        }
    }
    if (!cJSON_IsObject(root)) {
        st = fail(&top, err, KS_ERR_INVALID, "the document must be a JSON object with \"format\": \"%s\"",
                  FORMAT_NAME);
        goto out;
    }
    const cJSON *format = NULL, *cats = NULL, *arts = NULL;
    for (const cJSON *c = root->child; c; c = c->next) {
        const cJSON **slot = strcmp(c->string, "format") == 0       ? &format
                             : strcmp(c->string, "categories") == 0 ? &cats
                             : strcmp(c->string, "articles") == 0   ? &arts
                                                                    : NULL;
        if (slot && *slot) {
            st = fail(&top, err, KS_ERR_INVALID, "'%s' appears twice", c->string);
            goto out;
        }
        if (slot) {
            *slot = c;
        } else if ((st = check_json_utf8(c, c->string, &top, err)) != KS_OK) {
            goto out;
        }
    }
    if (!format) {
        st = fail(&top, err, KS_ERR_INVALID, "'format' is missing (expected \"%s\")", FORMAT_NAME);
        goto out;
    }
    if (!cJSON_IsString(format)) {
        st = fail(&top, err, KS_ERR_INVALID, "'format' must be the string \"%s\"", FORMAT_NAME);
        goto out;
    }
    if (strcmp(format->valuestring, FORMAT_NAME) != 0) {
        char ex[48];
        excerpt(format->valuestring, ex, sizeof ex);
        st = fail(&top, err, KS_ERR_UNSUPPORTED, "'format' is \"%s\"; this kiosk reads \"%s\"", ex, FORMAT_NAME);
        goto out;
    }
    if (cats && !cJSON_IsArray(cats)) {
        st = fail(&top, err, KS_ERR_INVALID, "'categories' must be an array");
        goto out;
    }
    if (arts && !cJSON_IsArray(arts)) {
        st = fail(&top, err, KS_ERR_INVALID, "'articles' must be an array");
        goto out;
    }
    faq = calloc(1, sizeof *faq);
    if (!faq || !(faq->source = ks_strdup(source))) {
        st = ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory", source);
        goto out;
    }
    size_t n_cats = cats ? (size_t)cJSON_GetArraySize(cats) : 0;
    size_t n_arts = arts ? (size_t)cJSON_GetArraySize(arts) : 0;
    if ((n_cats && !(faq->categories = calloc(n_cats, sizeof *faq->categories))) ||
        (n_arts && !(faq->articles = calloc(n_arts, sizeof *faq->articles)))) {
        st = ks_error_set(err, KS_ERR_NOMEM, "%s: out of memory", source);
        goto out;
    }
    size_t i = 0;
    for (const cJSON *c = cats ? cats->child : NULL; c; c = c->next, i++) {
        where w = {source, "category", i, NULL, NULL};
        faq->n_categories = i + 1; /* counted before parsing so a failure frees it */
        if ((st = parse_category(c, &w, &faq->categories[i], err)) != KS_OK) goto out;
    }
    i = 0;
    for (const cJSON *c = arts ? arts->child : NULL; c; c = c->next, i++) {
        where w = {source, "article", i, NULL, NULL};
        faq->n_articles = i + 1;
        if ((st = parse_article(c, &w, &faq->articles[i], err)) != KS_OK) goto out;
    }
    if ((st = check_duplicates(faq, err)) != KS_OK) goto out;
    *out = faq;
    faq = NULL;
out:
    cJSON_Delete(root);
    ks_faq_free(faq);
    return st;
}

ks_status ks_faq_load_file(const char *path, ks_faq **out, ks_error *err)
{
    char *data = NULL;
    size_t len = 0;
    ks_status st = ks_file_read_all(path, KS_FAQ_MAX_FILE_BYTES, &data, &len, err);
    if (st != KS_OK) return st;
    st = ks_faq_parse(data, len, path, out, err);
    free(data);
    return st;
}
