/*
 * bench_import.c - how fast content gets into the store, and how fast the
 * screens read it back. Prints figures; asserts nothing.
 *
 *   bench_import [--keep] [N]   N articles (default 20000), a third each
 *                        in en, zh-Hans and zh-Hant, of realistic lengths;
 *                        --keep leaves the data directory for inspection
 *
 * Figures: parse (kiosk-faq/1 -> structs), first import into an empty
 * store, re-import of unchanged content, a replace-all where one article in
 * ten changed, then the reads the UI makes, and the database size per
 * article. The search engine's index hooks run inside the imports, so the
 * import figures include indexing. The generated text is random filler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ks/clock.h"
#include "ks/faq.h"
#include "ks/file.h"
#include "ks/path.h"
#include "ks/store.h"

static const char *const words[] = {
    "wallet", "send", "receive", "network", "fee", "phone", "recovery", "phrase", "booth", "headset",
    "account", "verify", "refund", "card", "payment", "item", "avatar", "event", "ticket", "staff",
    "desk", "screen", "language", "keyboard", "transfer", "pending", "address", "safety", "help", "time",
    "the", "a", "to", "your", "is", "can", "how", "why", "when", "what", "do", "i", "my", "it", "not",
};
/* A pool of common characters, so Chinese text has realistic n-grams. */
static const char *const hanzi[] = {
    "钱", "包", "发", "送", "接", "收", "网", "络", "费", "用", "手", "机", "恢", "复", "助", "记",
    "词", "体", "验", "头", "显", "账", "户", "验", "证", "退", "款", "卡", "支", "付", "物", "品",
    "活", "动", "工", "作", "人", "员", "服", "务", "台", "屏", "幕", "语", "言", "键", "盘", "转",
    "账", "地", "址", "安", "全", "帮", "我", "的", "是", "怎", "么", "为", "什", "么", "不", "了",
};
static const char *const hant_extra[] = {"錢", "發", "網", "絡", "費", "機", "復", "記", "詞", "體", "驗", "顯", "帳", "戶"};

static unsigned long rng_state = 88172645463325252ul;
static unsigned long rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Appends roughly n units of text (words or characters) to buf. */
static void filler(char *buf, size_t size, int locale, size_t n)
{
    size_t at = strlen(buf);
    for (size_t i = 0; i < n && at + 8 < size; i++) {
        const char *w;
        if (locale == 0) {
            w = words[rnd() % (sizeof words / sizeof words[0])];
        } else if (locale == 2 && rnd() % 3 == 0) {
            w = hant_extra[rnd() % (sizeof hant_extra / sizeof hant_extra[0])];
        } else {
            w = hanzi[rnd() % (sizeof hanzi / sizeof hanzi[0])];
        }
        int k = snprintf(buf + at, size - at, "%s%s", locale == 0 && i ? " " : "", w);
        if (k < 0) break;
        at += (size_t)k;
        if (locale != 0 && i % 24 == 23 && at + 4 < size) at += (size_t)snprintf(buf + at, size - at, "。");
    }
}

static const char *const locales[] = {"en", "zh-Hans", "zh-Hant"};

/* n articles in 12 categories; 'generation' changes every tenth body. */
static char *generate(size_t n, int generation)
{
    rng_state = 88172645463325252ul;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "kiosk-faq/1");
    cJSON *cats = cJSON_AddArrayToObject(root, "categories");
    for (int c = 0; c < 12; c++) {
        char id[16], en[32];
        snprintf(id, sizeof id, "cat%d", c);
        snprintf(en, sizeof en, "Category %d", c);
        cJSON *cat = cJSON_CreateObject();
        cJSON_AddStringToObject(cat, "id", id);
        cJSON *titles = cJSON_AddObjectToObject(cat, "titles");
        cJSON_AddStringToObject(titles, "en", en);
        cJSON_AddStringToObject(titles, "zh-Hans", "类别");
        cJSON_AddStringToObject(titles, "zh-Hant", "類別");
        cJSON_AddItemToArray(cats, cat);
    }
    cJSON *arts = cJSON_AddArrayToObject(root, "articles");
    char text[4096];
    for (size_t i = 0; i < n; i++) {
        int loc = (int)(i % 3);
        char id[32], cat[16];
        snprintf(id, sizeof id, "article_%zu", i / 3);
        snprintf(cat, sizeof cat, "cat%zu", (i / 3) % 12);
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "id", id);
        cJSON_AddStringToObject(a, "locale", locales[loc]);
        cJSON_AddStringToObject(a, "category", cat);
        text[0] = '\0';
        filler(text, sizeof text, loc, loc ? 14 : 8);
        cJSON_AddStringToObject(a, "title", text);
        text[0] = '\0';
        if (generation && (i / 3) % 10 == 0) snprintf(text, sizeof text, "Revision %d. ", generation);
        filler(text, sizeof text, loc, loc ? 300 : 160);
        cJSON_AddStringToObject(a, "body", text);
        cJSON *qs = cJSON_AddArrayToObject(a, "questions");
        for (int q = 0; q < 5; q++) {
            text[0] = '\0';
            filler(text, sizeof text, loc, loc ? 12 : 7);
            cJSON_AddItemToArray(qs, cJSON_CreateString(text));
        }
        cJSON *ks = cJSON_AddArrayToObject(a, "keywords");
        for (int k = 0; k < 4; k++) {
            text[0] = '\0';
            filler(text, sizeof text, loc, loc ? 2 : 1);
            cJSON_AddItemToArray(ks, cJSON_CreateString(text));
        }
        cJSON_AddStringToObject(a, "updated_at", "2026-11-01T00:00:00Z");
        cJSON_AddItemToArray(arts, a);
    }
    char *json = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return json;
}

static double secs_since(uint64_t t0) { return (double)(ks_clock_real_us() - t0) / 1e6; }

static int import_timed(ks_store *s, ks_faq *faq, ks_import_mode mode, const char *label, size_t n)
{
    ks_import_opts opts = {.mode = mode};
    ks_import_stats stats = {0};
    ks_error err = {0};
    uint64_t t0 = ks_clock_real_us();
    if (ks_store_import(s, &faq, 1, &opts, &stats, &err) != KS_OK) {
        fprintf(stderr, "bench_import: %s: %s\n", label, err.msg);
        return -1;
    }
    double t = secs_since(t0);
    printf("%-34s %8.3f s  %9.0f articles/s  (%zu unchanged, %zu removed)\n", label, t, (double)n / t,
           stats.unchanged, stats.removed);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = 20000;
    int keep = 0;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        long v = strtol(argv[i], &end, 10);
        if (strcmp(argv[i], "--keep") == 0) {
            keep = 1;
        } else if (end && !*end && v >= 3 && v <= 2000000) {
            n = (size_t)v;
        } else {
            fprintf(stderr, "usage: bench_import [--keep] [N]   (3..2000000 articles)\n");
            return 2;
        }
    }
    int rc = 1;
    char tmpl[] = "/tmp/ks-bench-import-XXXXXX";
    char *dir = mkdtemp(tmpl);
    ks_store *s = NULL;
    ks_faq *faq = NULL, *faq2 = NULL;
    char *json = NULL, *json2 = NULL;
    ks_error err = {0};
    if (!dir) {
        perror("bench_import: mkdtemp");
        return 1;
    }
    printf("bench_import: %zu articles (en, zh-Hans, zh-Hant), data in %s\n", n, dir);
    json = generate(n, 0);
    json2 = generate(n, 1);
    if (!json || !json2) {
        fprintf(stderr, "bench_import: out of memory generating content\n");
        goto out;
    }
    size_t len = strlen(json);
    printf("%-34s %8.1f MiB (%.0f bytes/article)\n", "kiosk-faq/1 document", (double)len / 1048576.0,
           (double)len / (double)n);

    uint64_t t0 = ks_clock_real_us();
    if (ks_faq_parse(json, len, "generated.json", &faq, &err) != KS_OK) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        goto out;
    }
    double t = secs_since(t0);
    printf("%-34s %8.3f s  %9.0f articles/s  %6.1f MiB/s\n", "parse + validate", t, (double)n / t,
           (double)len / 1048576.0 / t);
    if (ks_faq_parse(json2, strlen(json2), "generated2.json", &faq2, &err) != KS_OK) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        goto out;
    }
    if (ks_store_open(dir, &s, &err) != KS_OK) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        goto out;
    }
    if (import_timed(s, faq, KS_IMPORT_MERGE, "import into an empty store", n) ||
        import_timed(s, faq, KS_IMPORT_MERGE, "re-import, unchanged", n) ||
        import_timed(s, faq2, KS_IMPORT_REPLACE_ALL, "replace-all, 1 in 10 changed", n))
        goto out;

    /* What the screens read. */
    const int reps = 200;
    ks_category *cats = NULL;
    size_t nc = 0;
    t0 = ks_clock_real_us();
    for (int i = 0; i < reps; i++) {
        ks_categories_free(cats, nc);
        cats = NULL;
        if (ks_store_categories(s, "zh-Hant", &cats, &nc, &err) != KS_OK) goto read_fail;
    }
    printf("%-34s %8.3f ms (%zu categories)\n", "categories (zh-Hant chain)", secs_since(t0) * 1e3 / reps, nc);
    ks_categories_free(cats, nc);
    ks_article *arts = NULL;
    size_t na = 0;
    t0 = ks_clock_real_us();
    for (int i = 0; i < reps; i++) {
        ks_articles_free(arts, na);
        arts = NULL;
        if (ks_store_articles(s, "cat3", "zh-Hant", 0, &arts, &na, &err) != KS_OK) goto read_fail;
    }
    printf("%-34s %8.3f ms (%zu articles)\n", "articles in one category", secs_since(t0) * 1e3 / reps, na);
    ks_articles_free(arts, na);
    arts = NULL;
    for (size_t i = 0; i < 50; i++) {
        char id[32];
        snprintf(id, sizeof id, "article_%zu", (i * 7919) % (n / 3));
        ks_store_record_view(s, id, NULL);
    }
    t0 = ks_clock_real_us();
    for (int i = 0; i < 20; i++) {
        ks_articles_free(arts, na);
        arts = NULL;
        if (ks_store_articles(s, NULL, "zh-Hans", 8, &arts, &na, &err) != KS_OK) goto read_fail;
    }
    printf("%-34s %8.3f ms\n", "most viewed, top 8", secs_since(t0) * 1e3 / 20);
    ks_articles_free(arts, na);
    t0 = ks_clock_real_us();
    for (int i = 0; i < 1000; i++) {
        char id[32];
        snprintf(id, sizeof id, "article_%zu", ((size_t)i * 104729) % (n / 3));
        ks_article *a = NULL;
        if (ks_store_article(s, id, "zh-Hant", &a, &err) != KS_OK) goto read_fail;
        ks_article_free(a);
    }
    printf("%-34s %8.1f us\n", "one article with fallback", secs_since(t0) * 1e6 / 1000);
    t0 = ks_clock_real_us();
    for (int i = 0; i < 100; i++) ks_store_record_view(s, "article_1", NULL);
    printf("%-34s %8.1f us\n", "record a view", secs_since(t0) * 1e6 / 100);

    ks_store_close(s);
    s = NULL;
    char *db = ks_path_join(dir, "kiosk.db");
    uint64_t size = 0;
    if (db && ks_file_size(db, &size, NULL) == KS_OK)
        printf("%-34s %8.1f MiB (%.0f bytes/article, search index included)\n", "database size",
               (double)size / 1048576.0, (double)size / (double)n);
    free(db);
    rc = 0;
    goto out;
read_fail:
    fprintf(stderr, "bench_import: %s\n", err.msg);
out:
    ks_store_close(s);
    ks_faq_free(faq);
    ks_faq_free(faq2);
    cJSON_free(json);
    cJSON_free(json2);
    if (keep) printf("data directory kept: %s\n", dir);
    else ks_path_remove_tree(dir, NULL);
    return rc;
}
