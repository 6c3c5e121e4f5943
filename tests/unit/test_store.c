/*
 * test_store.c - the SQLite store: schema and migrations, import semantics
 * (merge, replace-all, all or nothing), reads along the locale fallback
 * chain, view counts, key/value state, and the failure paths that must
 * leave the database exactly as it was: a bad category, a failing
 * before_commit, a full disk, and a process killed with SIGKILL mid-import.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ks/clock.h"
#include "ks/faq.h"
#include "ks/file.h"
#include "ks/store.h"
#include "test.h"

/* ------------------------------------------------------------- helpers */

static ks_store *open_store(void)
{
    ks_store *s = NULL;
    ks_error err = {0};
    ks_status st = ks_store_open(ks_test_tmpdir(), &s, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    return st == KS_OK ? s : NULL;
}

static ks_faq *load_fixture(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/faq/%s", name);
    ks_faq *faq = NULL;
    ks_error err = {0};
    ks_status st = ks_faq_load_file(ks_test_src(rel), &faq, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    return faq;
}

static ks_faq *parse(const char *json)
{
    ks_faq *faq = NULL;
    ks_error err = {0};
    ks_status st = ks_faq_parse(json, strlen(json), "inline.json", &faq, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    return faq;
}

static ks_status import1(ks_store *s, ks_faq *faq, ks_import_mode mode, int64_t version, ks_import_stats *stats,
                         ks_error *err)
{
    ks_import_opts opts = {.mode = mode, .content_version = version};
    return ks_store_import(s, &faq, 1, &opts, stats, err);
}

/* A growing string. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = (b->cap + (size_t)n + 1) * 2;
        char *np = realloc(b->p, ncap);
        if (!np) return;
        b->p = np;
        b->cap = ncap;
    }
}

/* n articles (ids a0.., alternating en / zh-Hans under the same id), in
 * categories c0..c3, titles "<tag> <i>", bodies of a realistic length. */
static char *gen_faq_json(size_t n, const char *tag)
{
    sbuf b = {0};
    sb_add(&b, "{\"format\":\"kiosk-faq/1\",\"categories\":[");
    for (int c = 0; c < 4; c++)
        sb_add(&b, "%s{\"id\":\"c%d\",\"titles\":{\"en\":\"%s category %d\",\"zh-Hans\":\"类别 %d\"}}", c ? "," : "", c,
               tag, c, c);
    sb_add(&b, "],\"articles\":[");
    for (size_t i = 0; i < n; i++) {
        int zh = i % 2;
        sb_add(&b,
               "%s{\"id\":\"a%zu\",\"locale\":\"%s\",\"category\":\"c%zu\",\"title\":\"%s %zu\","
               "\"body\":\"%s\",\"questions\":[\"%s question %zu\",\"another way to ask %zu\"],"
               "\"keywords\":[\"k%zu\"]}",
               i ? "," : "", i / 2, zh ? "zh-Hans" : "en", i % 4, tag, i,
               zh ? "请在服务台询问工作人员，他们会帮助你完成每一个步骤。这里是一段较长的说明文字。"
                  : "Ask the staff at the desk; they will help you with every step. This is a longer paragraph.",
               tag, i, i, i);
    }
    sb_add(&b, "]}");
    return b.p;
}

static ks_faq *gen_faq(size_t n, const char *tag)
{
    char *json = gen_faq_json(n, tag);
    ks_faq *faq = json ? parse(json) : NULL;
    free(json);
    return faq;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every row of every table (the search engine's included), sorted: two
 * equal dumps mean the database holds exactly the same data. */
static char *dump_db(sqlite3 *db)
{
    sbuf out = {0};
    sqlite3_stmt *tables = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                       "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
                       -1, &tables, NULL);
    while (tables && sqlite3_step(tables) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(tables, 0);
        char sql[300];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
        sqlite3_stmt *rows = NULL;
        sqlite3_prepare_v2(db, sql, -1, &rows, NULL);
        char **lines = NULL;
        size_t n = 0;
        while (rows && sqlite3_step(rows) == SQLITE_ROW) {
            sbuf line = {0};
            for (int c = 0; c < sqlite3_column_count(rows); c++) {
                if (sqlite3_column_type(rows, c) == SQLITE_BLOB) {
                    const unsigned char *p = sqlite3_column_blob(rows, c);
                    sb_add(&line, "|x");
                    for (int k = 0; k < sqlite3_column_bytes(rows, c); k++) sb_add(&line, "%02x", p[k]);
                } else {
                    const unsigned char *t = sqlite3_column_text(rows, c);
                    sb_add(&line, "|%s", t ? (const char *)t : "NULL");
                }
            }
            char **nl = realloc(lines, (n + 1) * sizeof *nl);
            if (!nl) break;
            lines = nl;
            lines[n++] = line.p ? line.p : calloc(1, 1);
        }
        sqlite3_finalize(rows);
        if (n) qsort(lines, n, sizeof *lines, cmp_str);
        sb_add(&out, "== %s (%zu rows)\n", name, n);
        for (size_t i = 0; i < n; i++) {
            sb_add(&out, "%s\n", lines[i]);
            free(lines[i]);
        }
        free(lines);
    }
    sqlite3_finalize(tables);
    return out.p ? out.p : calloc(1, 1);
}

static int64_t count(ks_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(ks_store_db(s), sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* --------------------------------------------------------------- schema */

static void test_open_creates_a_wal_database_at_the_current_schema(void)
{
    ks_store *s = open_store();
    KS_REQUIRE(s);
    KS_CHECK_STR(ks_store_data_dir(s), ks_test_tmpdir());
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(ks_store_db(s), "PRAGMA journal_mode", -1, &st, NULL);
    KS_REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    KS_CHECK_STR((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    KS_CHECK(count(s, "PRAGMA foreign_keys") == 1);
    KS_CHECK(count(s, "SELECT value FROM meta WHERE key = 'schema_version'") == ks_store_schema_version());
    KS_CHECK(ks_store_schema_version() >= 2);
    int64_t v = -1;
    KS_CHECK(ks_store_content_version(s, &v, NULL) == KS_OK && v == 0);
    KS_CHECK(ks_store_article_count(s, &v, NULL) == KS_OK && v == 0);
    ks_store_close(s);
    /* Opening again is a no-op for the schema. */
    s = open_store();
    KS_REQUIRE(s);
    KS_CHECK(count(s, "SELECT value FROM meta WHERE key = 'schema_version'") == ks_store_schema_version());
    ks_store_close(s);
}

static void test_open_migrates_a_version_1_database(void)
{
    char *sql = NULL;
    size_t len = 0;
    KS_REQUIRE(ks_file_read_all(ks_test_src("tests/fixtures/faq/schema_v1.sql"), 1 << 20, &sql, &len, NULL) == KS_OK);
    char path[600];
    snprintf(path, sizeof path, "%s/kiosk.db", ks_test_tmpdir());
    sqlite3 *db = NULL;
    KS_REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    KS_CHECK_MSG(rc == SQLITE_OK, "%s", msg ? msg : "");
    sqlite3_free(msg);
    sqlite3_close(db);
    free(sql);

    ks_store *s = open_store();
    KS_REQUIRE(s);
    KS_CHECK(count(s, "SELECT value FROM meta WHERE key = 'schema_version'") == ks_store_schema_version());
    /* The content, the version, the views and the settings survived. */
    int64_t v = 0;
    KS_CHECK(ks_store_content_version(s, &v, NULL) == KS_OK && v == 7);
    KS_CHECK(ks_store_article_count(s, &v, NULL) == KS_OK && v == 2);
    ks_article *a = NULL;
    KS_REQUIRE(ks_store_article(s, "seed_phrase", "en", &a, NULL) == KS_OK);
    KS_CHECK_STR(a->title, "Old title from version 1");
    KS_CHECK(a->views == 12);
    ks_article_free(a);
    char *state = NULL;
    KS_CHECK(ks_store_get(s, "sync.state", &state, NULL) == KS_OK);
    KS_CHECK_STR(state, "idle");
    free(state);
    /* Version 2's additions exist and work: a re-import updates the old
     * row (its digest was NULL) and is logged. */
    KS_CHECK(count(s, "SELECT COUNT(*) FROM pragma_table_info('articles') WHERE name = 'digest'") == 1);
    KS_CHECK(count(s, "SELECT COUNT(*) FROM import_log") == 0);
    ks_faq *faq = load_fixture("basic.json");
    KS_REQUIRE(faq);
    ks_import_stats stats = {0};
    ks_error err = {0};
    KS_CHECK_MSG(import1(s, faq, KS_IMPORT_MERGE, 0, &stats, &err) == KS_OK, "%s", err.msg);
    KS_CHECK(stats.unchanged == 0);
    KS_REQUIRE(ks_store_article(s, "seed_phrase", "en", &a, NULL) == KS_OK);
    KS_CHECK_STR(a->title, "Should I ever tell anyone my recovery phrase?");
    ks_article_free(a);
    KS_CHECK(count(s, "SELECT COUNT(*) FROM import_log") == 1);
    ks_faq_free(faq);
    ks_store_close(s);
}

static void test_open_refuses_a_database_from_a_newer_kiosk(void)
{
    ks_store *s = open_store();
    KS_REQUIRE(s);
    KS_REQUIRE(sqlite3_exec(ks_store_db(s), "UPDATE meta SET value = 999 WHERE key = 'schema_version'", NULL, NULL,
                            NULL) == SQLITE_OK);
    ks_store_close(s);
    ks_error err = {0};
    s = NULL;
    KS_CHECK(ks_store_open(ks_test_tmpdir(), &s, &err) == KS_ERR_UNSUPPORTED);
    KS_CHECK(s == NULL);
    KS_CHECK(strstr(err.msg, "schema version 999") != NULL);
}

static void test_open_reports_a_damaged_database(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/kiosk.db", ks_test_tmpdir());
    char junk[8192];
    memset(junk, 0x5a, sizeof junk);
    KS_REQUIRE(ks_file_write_atomic(path, junk, sizeof junk, NULL) == KS_OK);
    ks_store *s = NULL;
    ks_error err = {0};
    KS_CHECK(ks_store_open(ks_test_tmpdir(), &s, &err) == KS_ERR_CORRUPT);
    KS_CHECK(strstr(err.msg, "kiosk.db") != NULL);
    KS_CHECK(s == NULL);
}

/* ---------------------------------------------------------------- reads */

static ks_store *store_with_basic(void)
{
    ks_store *s = open_store();
    ks_faq *faq = load_fixture("basic.json");
    ks_error err = {0};
    if (s && faq) KS_CHECK_MSG(import1(s, faq, KS_IMPORT_MERGE, 0, NULL, &err) == KS_OK, "%s", err.msg);
    ks_faq_free(faq);
    return s;
}

static void test_categories_follow_the_locale_chain(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    ks_category *cats = NULL;
    size_t n = 0;
    KS_REQUIRE(ks_store_categories(s, "zh-TW", &cats, &n, NULL) == KS_OK);
    KS_REQUIRE(n == 3);
    /* Ordered by position: kiosk (0), wallet (1), booth (2). */
    KS_CHECK_STR(cats[0].id, "kiosk");
    KS_CHECK_STR(cats[0].title, "Using this kiosk");
    KS_CHECK_STR(cats[0].locale, "en");
    KS_CHECK_STR(cats[1].title, "錢包安全");
    KS_CHECK_STR(cats[1].locale, "zh-Hant");
    KS_CHECK_STR(cats[2].title, "VR 体验间");
    KS_CHECK_STR(cats[2].locale, "zh-Hans");
    KS_CHECK(cats[1].n_articles == 1 && cats[2].n_articles == 2 && cats[0].n_articles == 1);
    ks_categories_free(cats, n);
    KS_REQUIRE(ks_store_categories(s, "en", &cats, &n, NULL) == KS_OK);
    KS_CHECK_STR(cats[1].title, "Wallet safety");
    ks_categories_free(cats, n);
    ks_store_close(s);
}

static void test_articles_lists_one_per_id_in_the_best_locale(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    ks_article *arts = NULL;
    size_t n = 0;
    KS_REQUIRE(ks_store_articles(s, "booth", "zh-Hant", 0, &arts, &n, NULL) == KS_OK);
    KS_REQUIRE(n == 2);
    /* motion_sickness (position 1) has zh-Hans, headset_fit (2) only en. */
    KS_CHECK_STR(arts[0].id, "motion_sickness");
    KS_CHECK_STR(arts[0].locale, "zh-Hans");
    KS_CHECK_STR(arts[0].title, "在 VR 里感到头晕");
    KS_CHECK(arts[0].body == NULL);
    KS_CHECK_STR(arts[1].id, "headset_fit");
    KS_CHECK_STR(arts[1].locale, "en");
    ks_articles_free(arts, n);
    KS_REQUIRE(ks_store_articles(s, "wallet", "zh-Hant", 0, &arts, &n, NULL) == KS_OK);
    KS_REQUIRE(n == 1);
    KS_CHECK_STR(arts[0].locale, "zh-Hant");
    ks_articles_free(arts, n);
    KS_REQUIRE(ks_store_articles(s, "no_such_category", "en", 0, &arts, &n, NULL) == KS_OK);
    KS_CHECK(n == 0);
    ks_articles_free(arts, n);
    ks_store_close(s);
}

static void test_article_falls_back_and_says_which_locale(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    ks_article *a = NULL;
    KS_REQUIRE(ks_store_article(s, "motion_sickness", "zh-Hant", &a, NULL) == KS_OK);
    KS_CHECK_STR(a->locale, "zh-Hans");
    KS_CHECK_STR(a->body, "请摘下头显，坐下休息，并告诉服务台的工作人员。");
    KS_CHECK_STR(a->category, "booth");
    ks_article_free(a);
    KS_REQUIRE(ks_store_article(s, "seed_phrase", "zh-HK", &a, NULL) == KS_OK);
    KS_CHECK_STR(a->locale, "zh-Hant");
    ks_article_free(a);
    KS_REQUIRE(ks_store_article(s, "seed_phrase", "en", &a, NULL) == KS_OK);
    KS_CHECK_STR(a->media_json, "[\"media/seed.png\"]");
    KS_CHECK_STR(a->updated_at, "2026-11-01T00:00:00Z");
    ks_article_free(a);
    KS_REQUIRE(ks_store_article(s, "opening_hours", "zh-Hans", &a, NULL) == KS_OK);
    KS_CHECK_STR(a->locale, "en");
    KS_CHECK(a->category == NULL);
    ks_article_free(a);
    ks_error err = {0};
    a = NULL;
    KS_CHECK(ks_store_article(s, "nope", "en", &a, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(a == NULL);
    KS_CHECK(strstr(err.msg, "'nope'") != NULL);
    ks_store_close(s);
}

static void test_article_outside_the_chain_is_still_shown(void)
{
    ks_store *s = open_store();
    KS_REQUIRE(s);
    ks_faq *faq = parse("{\"format\":\"kiosk-faq/1\",\"articles\":[{\"id\":\"x\",\"locale\":\"fr\",\"title\":\"Bonjour\"}]}");
    KS_REQUIRE(faq);
    KS_REQUIRE(import1(s, faq, KS_IMPORT_MERGE, 0, NULL, NULL) == KS_OK);
    ks_article *a = NULL;
    KS_REQUIRE(ks_store_article(s, "x", "en", &a, NULL) == KS_OK);
    KS_CHECK_STR(a->locale, "fr");
    ks_article_free(a);
    ks_faq_free(faq);
    ks_store_close(s);
}

static void test_most_viewed_lists_by_view_count(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    ks_article *fresh = NULL;
    size_t nf = 0;
    /* Nothing viewed yet: the list is still full, in category order. */
    KS_REQUIRE(ks_store_articles(s, NULL, "en", 3, &fresh, &nf, NULL) == KS_OK);
    KS_REQUIRE(nf == 3);
    KS_CHECK_STR(fresh[0].id, "switch_language");
    KS_CHECK_STR(fresh[1].id, "seed_phrase");
    KS_CHECK_STR(fresh[2].id, "motion_sickness");
    ks_articles_free(fresh, nf);
    for (int i = 0; i < 3; i++) KS_CHECK(ks_store_record_view(s, "headset_fit", NULL) == KS_OK);
    for (int i = 0; i < 2; i++) KS_CHECK(ks_store_record_view(s, "seed_phrase", NULL) == KS_OK);
    ks_error err = {0};
    KS_CHECK(ks_store_record_view(s, "no_such_article", &err) == KS_ERR_NOT_FOUND);
    ks_article *arts = NULL;
    size_t n = 0;
    KS_REQUIRE(ks_store_articles(s, NULL, "zh-Hans", 2, &arts, &n, NULL) == KS_OK);
    KS_REQUIRE(n == 2);
    KS_CHECK_STR(arts[0].id, "headset_fit");
    KS_CHECK(arts[0].views == 3);
    KS_CHECK_STR(arts[1].id, "seed_phrase");
    KS_CHECK_STR(arts[1].locale, "zh-Hans");
    KS_CHECK(arts[1].views == 2);
    ks_articles_free(arts, n);
    /* No limit: every id once, in the chain; after the viewed ones, the
     * others in category order (kiosk, wallet, booth), then those without
     * a category. */
    KS_REQUIRE(ks_store_articles(s, NULL, "zh-Hans", 0, &arts, &n, NULL) == KS_OK);
    KS_REQUIRE(n == 5);
    const char *order[] = {"headset_fit", "seed_phrase", "switch_language", "motion_sickness", "opening_hours"};
    for (size_t i = 0; i < n; i++) KS_CHECK_STR(arts[i].id, order[i]);
    KS_CHECK_STR(arts[3].locale, "zh-Hans");
    KS_CHECK(arts[4].views == 0);
    ks_articles_free(arts, n);
    /* The count is shared by every locale of the id, and kept across a
     * re-import. */
    ks_faq *faq = load_fixture("basic.json");
    KS_REQUIRE(faq);
    KS_REQUIRE(import1(s, faq, KS_IMPORT_MERGE, 0, NULL, NULL) == KS_OK);
    ks_article *a = NULL;
    KS_REQUIRE(ks_store_article(s, "seed_phrase", "zh-Hant", &a, NULL) == KS_OK);
    KS_CHECK(a->views == 2);
    ks_article_free(a);
    ks_faq_free(faq);
    ks_store_close(s);
}

static void test_kv_set_get_and_delete(void)
{
    ks_store *s = open_store();
    KS_REQUIRE(s);
    char *v = NULL;
    ks_error err = {0};
    KS_CHECK(ks_store_get(s, "sync.state", &v, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(ks_store_set(s, "sync.state", "downloading", NULL) == KS_OK);
    KS_CHECK(ks_store_set(s, "sync.state", "idle", NULL) == KS_OK);
    KS_REQUIRE(ks_store_get(s, "sync.state", &v, NULL) == KS_OK);
    KS_CHECK_STR(v, "idle");
    free(v);
    KS_CHECK(ks_store_set(s, "sync.state", NULL, NULL) == KS_OK);
    KS_CHECK(ks_store_get(s, "sync.state", &v, NULL) == KS_ERR_NOT_FOUND);
    KS_CHECK(ks_store_set(s, "empty", "", NULL) == KS_OK);
    KS_REQUIRE(ks_store_get(s, "empty", &v, NULL) == KS_OK);
    KS_CHECK_STR(v, "");
    free(v);
    ks_store_close(s);
    /* Survives a restart. */
    s = open_store();
    KS_REQUIRE(s);
    KS_CHECK(ks_store_get(s, "empty", &v, NULL) == KS_OK);
    free(v);
    ks_store_close(s);
}

/* --------------------------------------------------------------- import */

static void test_merge_replaces_only_what_the_file_names(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    ks_faq *faq = parse("{\"format\":\"kiosk-faq/1\",\"categories\":[{\"id\":\"booth\",\"titles\":{\"en\":\"Booth\"}}],"
                        "\"articles\":[{\"id\":\"headset_fit\",\"locale\":\"en\",\"category\":\"booth\","
                        "\"title\":\"Fitting the headset\"},{\"id\":\"new_one\",\"locale\":\"en\",\"category\":\"wallet\","
                        "\"title\":\"New\"}]}");
    KS_REQUIRE(faq);
    ks_import_stats stats = {0};
    ks_error err = {0};
    KS_REQUIRE(import1(s, faq, KS_IMPORT_MERGE, 0, &stats, &err) == KS_OK);
    KS_CHECK(stats.articles == 2 && stats.categories == 1 && stats.removed == 0 && stats.unchanged == 0);
    int64_t n = 0;
    KS_CHECK(ks_store_article_count(s, &n, NULL) == KS_OK && n == 9);
    ks_article *a = NULL;
    KS_REQUIRE(ks_store_article(s, "headset_fit", "en", &a, NULL) == KS_OK);
    KS_CHECK_STR(a->title, "Fitting the headset");
    KS_CHECK_STR(a->body, "");
    ks_article_free(a);
    /* The category was replaced whole: its zh-Hans title is gone. */
    ks_category *cats = NULL;
    size_t nc = 0;
    KS_REQUIRE(ks_store_categories(s, "zh-Hans", &cats, &nc, NULL) == KS_OK);
    KS_REQUIRE(nc == 3);
    /* Now at position 0 (its index in the new file), before "kiosk" by id. */
    KS_CHECK_STR(cats[0].id, "booth");
    KS_CHECK_STR(cats[0].title, "Booth");
    KS_CHECK_STR(cats[0].locale, "en");
    KS_CHECK(cats[0].position == 0);
    ks_categories_free(cats, nc);
    ks_faq_free(faq);
    ks_store_close(s);
}

static void test_reimporting_unchanged_content_skips_reindexing(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    ks_faq *faq = load_fixture("basic.json");
    KS_REQUIRE(faq);
    ks_import_stats stats = {0};
    KS_REQUIRE(import1(s, faq, KS_IMPORT_MERGE, 0, &stats, NULL) == KS_OK);
    KS_CHECK(stats.articles == 8 && stats.unchanged == 8);
    /* One changed field in one article: only that one is rewritten. */
    free(faq->articles[3].body);
    faq->articles[3].body = strdup("Changed body");
    KS_REQUIRE(import1(s, faq, KS_IMPORT_MERGE, 0, &stats, NULL) == KS_OK);
    KS_CHECK(stats.unchanged == 7);
    ks_article *a = NULL;
    KS_REQUIRE(ks_store_article(s, "headset_fit", "en", &a, NULL) == KS_OK);
    KS_CHECK_STR(a->body, "Changed body");
    ks_article_free(a);
    ks_faq_free(faq);
    ks_store_close(s);
}

static void test_replace_all_removes_what_the_files_do_not_name(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    KS_CHECK(ks_store_record_view(s, "headset_fit", NULL) == KS_OK);
    KS_CHECK(ks_store_record_view(s, "seed_phrase", NULL) == KS_OK);
    ks_faq *faq = parse("{\"format\":\"kiosk-faq/1\",\"categories\":[{\"id\":\"wallet\",\"titles\":{\"en\":\"Wallet\"}}],"
                        "\"articles\":[{\"id\":\"seed_phrase\",\"locale\":\"en\",\"category\":\"wallet\",\"title\":\"Seed\"}]}");
    KS_REQUIRE(faq);
    ks_import_stats stats = {0};
    ks_error err = {0};
    KS_REQUIRE(import1(s, faq, KS_IMPORT_REPLACE_ALL, 42, &stats, &err) == KS_OK);
    KS_CHECK(stats.articles == 1 && stats.removed == 7);
    int64_t v = 0;
    KS_CHECK(ks_store_article_count(s, &v, NULL) == KS_OK && v == 1);
    KS_CHECK(ks_store_content_version(s, &v, NULL) == KS_OK && v == 42);
    KS_CHECK(count(s, "SELECT COUNT(*) FROM categories") == 1);
    KS_CHECK(count(s, "SELECT COUNT(*) FROM category_titles") == 1);
    /* Views of ids that are gone are dropped; the kept id keeps its count. */
    KS_CHECK(count(s, "SELECT COUNT(*) FROM article_views") == 1);
    KS_CHECK(count(s, "SELECT views FROM article_views WHERE id = 'seed_phrase'") == 1);
    /* An empty replace-all empties the store. */
    ks_faq *empty = parse("{\"format\":\"kiosk-faq/1\"}");
    KS_REQUIRE(import1(s, empty, KS_IMPORT_REPLACE_ALL, 43, &stats, NULL) == KS_OK);
    KS_CHECK(ks_store_article_count(s, &v, NULL) == KS_OK && v == 0);
    KS_CHECK(count(s, "SELECT COUNT(*) FROM categories") == 0);
    ks_faq_free(empty);
    ks_faq_free(faq);
    ks_store_close(s);
}

static void test_import_merges_category_titles_across_files(void)
{
    ks_store *s = open_store();
    KS_REQUIRE(s);
    ks_faq *faqs[2] = {load_fixture("categories.json"), load_fixture("articles_en.json")};
    KS_REQUIRE(faqs[0] && faqs[1]);
    ks_import_stats stats = {0};
    ks_error err = {0};
    KS_REQUIRE(ks_store_import(s, faqs, 2, NULL, &stats, &err) == KS_OK);
    KS_CHECK(stats.categories == 2 && stats.articles == 2);
    /* "help": en from categories.json, zh-Hant from articles_en.json. */
    KS_CHECK(count(s, "SELECT COUNT(*) FROM category_titles WHERE category_id = 'help'") == 2);
    ks_category *cats = NULL;
    size_t n = 0;
    KS_REQUIRE(ks_store_categories(s, "zh-Hant", &cats, &n, NULL) == KS_OK);
    KS_REQUIRE(n == 2);
    KS_CHECK_STR(cats[1].title, "取得協助");
    KS_CHECK(cats[1].position == 0); /* the last definition's position */
    ks_categories_free(cats, n);
    ks_faq_free(faqs[0]);
    ks_faq_free(faqs[1]);
    ks_store_close(s);
}

static void test_import_rejects_the_same_article_in_two_files(void)
{
    ks_store *s = open_store();
    KS_REQUIRE(s);
    ks_faq *faqs[2] = {load_fixture("basic.json"),
                       parse("{\"format\":\"kiosk-faq/1\",\"articles\":[{\"id\":\"opening_hours\",\"locale\":\"en\",\"title\":\"x\"}]}")};
    KS_REQUIRE(faqs[0] && faqs[1]);
    ks_error err = {0};
    KS_CHECK(ks_store_import(s, faqs, 2, NULL, NULL, &err) == KS_ERR_INVALID);
    KS_CHECK(strstr(err.msg, "article 'opening_hours' (en): also in") != NULL);
    KS_CHECK(strstr(err.msg, "basic.json") != NULL && strstr(err.msg, "inline.json") != NULL);
    int64_t v = -1;
    KS_CHECK(ks_store_article_count(s, &v, NULL) == KS_OK && v == 0);
    ks_faq_free(faqs[0]);
    ks_faq_free(faqs[1]);
    ks_store_close(s);
}

static void test_import_rejects_unknown_category_and_changes_nothing(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    char *before = dump_db(ks_store_db(s));
    /* Many good articles first, then one naming a category nowhere. */
    char *json = gen_faq_json(200, "new");
    KS_REQUIRE(json);
    char *tail = strstr(json, "\"category\":\"c3\"");
    KS_REQUIRE(tail);
    memcpy(tail, "\"category\":\"zz\"", 15);
    ks_faq *faq = parse(json);
    free(json);
    KS_REQUIRE(faq);
    ks_error err = {0};
    KS_CHECK(import1(s, faq, KS_IMPORT_MERGE, 5, NULL, &err) == KS_ERR_INVALID);
    KS_CHECK_MSG(strstr(err.msg, "inline.json: article 'a1' (zh-Hans): 'category' \"zz\" is defined neither") != NULL,
                 "%s", err.msg);
    char *after = dump_db(ks_store_db(s));
    KS_CHECK(strcmp(before, after) == 0);
    free(after);
    /* Replace-all: a category only in the store does not count, since the
     * import is about to remove it. */
    ks_faq *f2 = parse("{\"format\":\"kiosk-faq/1\",\"articles\":[{\"id\":\"x\",\"locale\":\"en\",\"category\":\"wallet\",\"title\":\"x\"}]}");
    KS_REQUIRE(f2);
    KS_CHECK(import1(s, f2, KS_IMPORT_REPLACE_ALL, 5, NULL, &err) == KS_ERR_INVALID);
    KS_CHECK(strstr(err.msg, "is not defined in the imported files") != NULL);
    after = dump_db(ks_store_db(s));
    KS_CHECK(strcmp(before, after) == 0);
    free(after);
    /* Merge: the same file is fine, "wallet" is in the store. */
    KS_CHECK(import1(s, f2, KS_IMPORT_MERGE, 0, NULL, &err) == KS_OK);
    ks_faq_free(f2);
    free(before);
    ks_faq_free(faq);
    ks_store_close(s);
}

typedef struct commit_probe {
    const char *db_path;
    int64_t seen_by_import;  /* articles the import's connection sees */
    int64_t seen_by_reader;  /* articles another connection sees meanwhile */
    int fail;
} commit_probe;

static ks_status probe_before_commit(sqlite3 *db, void *user, ks_error *err)
{
    commit_probe *p = user;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM articles", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        p->seen_by_import = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3 *other = NULL;
    if (sqlite3_open_v2(p->db_path, &other, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(other, "SELECT COUNT(*) FROM articles", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        p->seen_by_reader = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(other);
    if (p->fail) return ks_error_set(err, KS_ERR_SECURITY, "media check refused the bundle");
    return KS_OK;
}

static void test_before_commit_runs_inside_the_transaction_and_can_veto(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    char db_path[600];
    snprintf(db_path, sizeof db_path, "%s/kiosk.db", ks_test_tmpdir());
    char *before = dump_db(ks_store_db(s));
    ks_faq *faq = gen_faq(300, "new");
    KS_REQUIRE(faq);
    commit_probe probe = {db_path, -1, -1, 1};
    ks_import_opts opts = {KS_IMPORT_REPLACE_ALL, 9, probe_before_commit, &probe};
    ks_error err = {0};
    KS_CHECK(ks_store_import(s, &faq, 1, &opts, NULL, &err) == KS_ERR_SECURITY);
    KS_CHECK_STR(err.msg, "media check refused the bundle");
    /* Inside: the new content; a concurrent reader: still the old. */
    KS_CHECK(probe.seen_by_import == 300);
    KS_CHECK(probe.seen_by_reader == 8);
    char *after = dump_db(ks_store_db(s));
    KS_CHECK(strcmp(before, after) == 0);
    free(after);
    int64_t v = -1;
    KS_CHECK(ks_store_content_version(s, &v, NULL) == KS_OK && v == 0);
    /* Accepted: committed with the version. */
    probe.fail = 0;
    ks_import_stats stats = {0};
    KS_CHECK_MSG(ks_store_import(s, &faq, 1, &opts, &stats, &err) == KS_OK, "%s", err.msg);
    KS_CHECK(stats.removed == 8 && stats.articles == 300);
    KS_CHECK(ks_store_content_version(s, &v, NULL) == KS_OK && v == 9);
    KS_CHECK(ks_store_article_count(s, &v, NULL) == KS_OK && v == 300);
    free(before);
    ks_faq_free(faq);
    ks_store_close(s);
}

static void test_import_on_a_full_disk_reports_nospace_and_changes_nothing(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    char *before = dump_db(ks_store_db(s));
    int64_t pages = count(s, "PRAGMA page_count");
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)pages + 4);
    KS_REQUIRE(sqlite3_exec(ks_store_db(s), sql, NULL, NULL, NULL) == SQLITE_OK);
    ks_faq *faq = gen_faq(2000, "big");
    KS_REQUIRE(faq);
    ks_error err = {0};
    KS_CHECK(import1(s, faq, KS_IMPORT_REPLACE_ALL, 3, NULL, &err) == KS_ERR_NOSPACE);
    KS_CHECK_MSG(strstr(err.msg, "is full") != NULL && strstr(err.msg, "free some space") != NULL, "%s", err.msg);
    char *after = dump_db(ks_store_db(s));
    KS_CHECK(strcmp(before, after) == 0);
    free(after);
    /* With room again, the same import goes through. */
    KS_REQUIRE(sqlite3_exec(ks_store_db(s), "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL) == SQLITE_OK);
    KS_CHECK_MSG(import1(s, faq, KS_IMPORT_REPLACE_ALL, 3, NULL, &err) == KS_OK, "%s", err.msg);
    int64_t v = 0;
    KS_CHECK(ks_store_article_count(s, &v, NULL) == KS_OK && v == 2000);
    free(before);
    ks_faq_free(faq);
    ks_store_close(s);
}

static void test_info_counts_locales_and_remembers_the_last_import(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    ks_store_info info = {0};
    KS_REQUIRE(ks_store_get_info(s, &info, NULL) == KS_OK);
    KS_CHECK(info.schema_version == ks_store_schema_version());
    KS_CHECK(info.articles == 8 && info.article_ids == 5 && info.categories == 3);
    KS_REQUIRE(info.n_locales == 3);
    KS_CHECK_STR(info.locales[0].locale, "en");
    KS_CHECK(info.locales[0].articles == 5);
    KS_CHECK_STR(info.locales[2].locale, "zh-Hant");
    KS_CHECK(info.db_bytes > 0);
    KS_CHECK(info.last_import_at > 0 && info.last_import_articles == 8);
    KS_CHECK_STR(info.last_import_mode, "merge");
    KS_CHECK(info.last_import_sources && strstr(info.last_import_sources, "basic.json") != NULL);
    ks_store_info_free(&info);
    ks_store_close(s);
}

static void test_reindex_visits_every_article(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    size_t n = 0;
    ks_error err = {0};
    KS_CHECK_MSG(ks_store_reindex(s, &n, &err) == KS_OK, "%s", err.msg);
    KS_CHECK(n == 8);
    int64_t v = 0;
    KS_CHECK(ks_store_article_count(s, &v, NULL) == KS_OK && v == 8);
    ks_store_close(s);
}

static void test_reads_work_inside_a_callers_transaction(void)
{
    ks_store *s = store_with_basic();
    KS_REQUIRE(s);
    KS_REQUIRE(sqlite3_exec(ks_store_db(s), "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
    ks_article *arts = NULL;
    size_t n = 0;
    KS_CHECK(ks_store_articles(s, NULL, "en", 2, &arts, &n, NULL) == KS_OK && n == 2);
    ks_articles_free(arts, n);
    ks_store_info info = {0};
    KS_CHECK(ks_store_get_info(s, &info, NULL) == KS_OK && info.articles == 8);
    ks_store_info_free(&info);
    /* Still the caller's transaction: it must be the one to end it. */
    KS_CHECK(sqlite3_get_autocommit(ks_store_db(s)) == 0);
    /* An import cannot nest inside it, and says so. */
    ks_faq *faq = load_fixture("categories.json");
    ks_error err = {0};
    KS_CHECK(import1(s, faq, KS_IMPORT_MERGE, 0, NULL, &err) != KS_OK);
    KS_CHECK(strstr(err.msg, "starting the import") != NULL);
    KS_CHECK(sqlite3_exec(ks_store_db(s), "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
    KS_CHECK(count(s, "SELECT COUNT(*) FROM categories") == 3);
    ks_faq_free(faq);
    ks_store_close(s);
}

/* --------------------------------------------------------- kill -9 */

/* The child tells the parent where it is through a pipe: 'P' when the file
 * is parsed and the store open (the transaction is about to begin), 'C'
 * from before_commit (everything written, COMMIT next). */
static ks_status child_before_commit(sqlite3 *db, void *user, ks_error *err)
{
    (void)db;
    (void)err;
    int fd = *(int *)user;
    if (write(fd, "C", 1) != 1) return KS_ERR_IO;
    return KS_OK;
}

/* The child: import the new content, then exit. Never returns. */
static void child_import(const char *dir, const char *file, int fd)
{
    ks_faq *faq = NULL;
    ks_store *s = NULL;
    int ok = ks_faq_load_file(file, &faq, NULL) == KS_OK && ks_store_open(dir, &s, NULL) == KS_OK;
    ks_import_opts opts = {KS_IMPORT_REPLACE_ALL, 2, child_before_commit, &fd};
    if (ok) ok = write(fd, "P", 1) == 1;
    if (ok) ok = ks_store_import(s, &faq, 1, &opts, NULL, NULL) == KS_OK;
    _exit(ok ? 0 : 3);
}

/* Old content (version 1, n_old articles titled "old i") or new content
 * (version 2, n_new titled "new i"), entirely; returns 1 or 2, 0 if mixed. */
static int which_content(size_t n_old, size_t n_new)
{
    ks_store *s = open_store();
    if (!s) return 0;
    int result = 0;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(ks_store_db(s), "PRAGMA integrity_check", -1, &st, NULL);
    int ok = sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    KS_CHECK_MSG(ok, "integrity_check failed after SIGKILL");
    int64_t old = count(s, "SELECT COUNT(*) FROM articles WHERE title LIKE 'old %'");
    int64_t new = count(s, "SELECT COUNT(*) FROM articles WHERE title LIKE 'new %'");
    int64_t total = count(s, "SELECT COUNT(*) FROM articles");
    int64_t version = -1;
    ks_store_content_version(s, &version, NULL);
    if (ok && old == (int64_t)n_old && new == 0 && total == old && version == 1) result = 1;
    if (ok && new == (int64_t)n_new && old == 0 && total == new && version == 2) result = 2;
    if (!result)
        fprintf(stderr, "  mixed content: old %lld new %lld total %lld version %lld\n", (long long)old,
                (long long)new, (long long)total, (long long)version);
    ks_store_close(s);
    return result;
}

static void reset_to_old(ks_faq *old)
{
    ks_store *s = open_store();
    KS_REQUIRE(s);
    ks_error err = {0};
    KS_CHECK_MSG(import1(s, old, KS_IMPORT_REPLACE_ALL, 1, NULL, &err) == KS_OK, "%s", err.msg);
    ks_store_close(s);
}

static void test_import_survives_sigkill_at_random_moments(void)
{
    const size_t n_old = 1500, n_new = 4000;
    ks_faq *old = gen_faq(n_old, "old");
    char *new_json = gen_faq_json(n_new, "new");
    KS_REQUIRE(old && new_json);
    char file[600];
    snprintf(file, sizeof file, "%s/new.json", ks_test_tmpdir());
    KS_REQUIRE(ks_file_write_atomic(file, new_json, strlen(new_json), NULL) == KS_OK);
    free(new_json);
    reset_to_old(old);

    /* A full run first, to time the write phase: from 'P' to 'C'. */
    int fds[2];
    KS_REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    KS_REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child_import(ks_test_tmpdir(), file, fds[1]);
    }
    close(fds[1]);
    char ch = 0;
    KS_REQUIRE(read(fds[0], &ch, 1) == 1 && ch == 'P');
    uint64_t t_p = ks_clock_real_us();
    KS_REQUIRE(read(fds[0], &ch, 1) == 1 && ch == 'C');
    uint64_t write_us = ks_clock_real_us() - t_p;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    KS_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    KS_CHECK(which_content(n_old, n_new) == 2);

    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    srand(seed);
    const int rounds = 8;
    int seen_old = 0, seen_new = 0;
    for (int r = 0; r < rounds; r++) {
        reset_to_old(old);
        KS_REQUIRE(pipe(fds) == 0);
        pid = fork();
        KS_REQUIRE(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_import(ks_test_tmpdir(), file, fds[1]);
        }
        close(fds[1]);
        /* Spread over the write phase and a little past the commit,
         * jittered; the last round waits for the commit itself. */
        uint64_t at = write_us * (uint64_t)(r * 100 + rand() % 100) * 150 / (uint64_t)(rounds * 100 * 100);
        int got_p = read(fds[0], &ch, 1) == 1 && ch == 'P';
        if (r == rounds - 1) {
            if (read(fds[0], &ch, 1) != 1) ch = 0;
            at = 0;
        }
        ks_clock_sleep_ms(at / 1000);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        close(fds[0]);
        KS_CHECK(got_p);
        int which = which_content(n_old, n_new);
        KS_CHECK_MSG(which != 0, "round %d (seed %u): killed %llu us into a %llu us write left mixed content", r,
                     seed, (unsigned long long)at, (unsigned long long)write_us);
        seen_old += which == 1;
        seen_new += which == 2;
    }
    fprintf(stderr, "  sigkill: %d rounds over a %.0f ms write phase (seed %u): %d old, %d new\n", rounds,
            (double)write_us / 1000.0, seed, seen_old, seen_new);
    ks_faq_free(old);
}

int main(void)
{
    KS_RUN(test_open_creates_a_wal_database_at_the_current_schema);
    KS_RUN(test_open_migrates_a_version_1_database);
    KS_RUN(test_open_refuses_a_database_from_a_newer_kiosk);
    KS_RUN(test_open_reports_a_damaged_database);
    KS_RUN(test_categories_follow_the_locale_chain);
    KS_RUN(test_articles_lists_one_per_id_in_the_best_locale);
    KS_RUN(test_article_falls_back_and_says_which_locale);
    KS_RUN(test_article_outside_the_chain_is_still_shown);
    KS_RUN(test_most_viewed_lists_by_view_count);
    KS_RUN(test_kv_set_get_and_delete);
    KS_RUN(test_merge_replaces_only_what_the_file_names);
    KS_RUN(test_reimporting_unchanged_content_skips_reindexing);
    KS_RUN(test_replace_all_removes_what_the_files_do_not_name);
    KS_RUN(test_import_merges_category_titles_across_files);
    KS_RUN(test_import_rejects_the_same_article_in_two_files);
    KS_RUN(test_import_rejects_unknown_category_and_changes_nothing);
    KS_RUN(test_before_commit_runs_inside_the_transaction_and_can_veto);
    KS_RUN(test_import_on_a_full_disk_reports_nospace_and_changes_nothing);
    KS_RUN(test_info_counts_locales_and_remembers_the_last_import);
    KS_RUN(test_reindex_visits_every_article);
    KS_RUN(test_reads_work_inside_a_callers_transaction);
    KS_RUN(test_import_survives_sigkill_at_random_moments);
    return ks_test_summary();
}
