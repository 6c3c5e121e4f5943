/*
 * cmd_search.c - `kioskctl --data-dir D search [--json] [--batch]
 * [--locale L] [--limit N] [QUERY...]`: runs the kiosk's search engine
 * from the command line, for technicians and for the quality harness
 * (tests/quality). The JSON output is a contract (ARCHITECTURE.md, "Search
 * output"): one object per query, one per line with --batch, in input
 * order, flushed after each line.
 *
 * It only reads content, except when the search index is missing or from
 * an older engine: then it rebuilds it once (ks_store_reindex) and says so
 * on stderr. JSON is printed with cJSON, and the echoed query is made
 * valid UTF-8 first, so the output always parses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <utf8proc.h>

#include "commands.h"
#include "ks/search.h"
#include "ks/store.h"

#define DEFAULT_LIMIT 10

typedef struct opts {
    int json;
    int batch;
    const char *locale;
    size_t limit;
} opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: kioskctl --data-dir DIR search [--json] [--batch] [--locale L] [--limit N] [QUERY...]\n"
            "  --batch    read one query per line from standard input\n"
            "  --json     one JSON object per query (see docs/search.md)\n"
            "  --locale   prefer articles in this locale, falling back along its chain\n"
            "  --limit    at most N results per query (1..100, default %d)\n",
            DEFAULT_LIMIT);
}

/* Copy of s[0..n) with every invalid UTF-8 byte replaced by U+FFFD. */
static char *valid_utf8(const char *s, size_t n)
{
    char *out = malloc(n * 3 + 1);
    if (!out) return NULL;
    size_t o = 0, i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || cp == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            continue;
        }
        memcpy(out + o, s + i, (size_t)k);
        o += (size_t)k;
        i += (size_t)k;
    }
    out[o] = '\0';
    return out;
}

static int print_json(const char *query, size_t len, const ks_search_result *r)
{
    int ok = 0;
    char *q = valid_utf8(query, len);
    cJSON *root = cJSON_CreateObject();
    cJSON *results = cJSON_CreateArray();
    char *text = NULL;
    if (!q || !root || !results) goto out;
    cJSON_AddStringToObject(root, "query", q);
    for (size_t i = 0; i < r->n_hits; i++) {
        cJSON *h = cJSON_CreateObject();
        if (!h) goto out;
        cJSON_AddItemToArray(results, h);
        cJSON_AddStringToObject(h, "id", r->hits[i].id);
        cJSON_AddStringToObject(h, "locale", r->hits[i].locale);
        cJSON_AddStringToObject(h, "title", r->hits[i].title);
        /* four decimals are plenty to compare and keep lines short */
        cJSON_AddNumberToObject(h, "score", (double)(long long)(r->hits[i].score * 10000.0 + 0.5) / 10000.0);
    }
    cJSON_AddItemToObject(root, "results", results);
    results = NULL;
    cJSON_AddBoolToObject(root, "confident", r->confident);
    cJSON_AddNumberToObject(root, "took_us", (double)r->took_us);
    text = cJSON_PrintUnformatted(root);
    if (!text) goto out;
    ok = printf("%s\n", text) >= 0 && fflush(stdout) == 0;
out:
    cJSON_free(text);
    cJSON_Delete(root);
    cJSON_Delete(results);
    free(q);
    return ok;
}

static int print_text(const char *query, size_t len, const ks_search_result *r)
{
    char *q = valid_utf8(query, len);
    if (!q) return 0;
    printf("query: %s\n", q);
    free(q);
    if (!r->n_hits) printf("  (no results)\n");
    for (size_t i = 0; i < r->n_hits; i++)
        printf("  %2zu. %-40s [%s] %s  (%.2f)\n", i + 1, r->hits[i].title, r->hits[i].locale, r->hits[i].id,
               r->hits[i].score);
    printf("  %s, %llu us\n",
           r->confident ? "confident: the first result answers the query"
                        : "not confident: offer choices or a human",
           (unsigned long long)r->took_us);
    return fflush(stdout) == 0;
}

static int run_one(ks_search *s, const opts *o, const char *query, size_t len)
{
    ks_search_result r;
    ks_error err = {0};
    if (ks_search_query(s, query, len, o->locale, o->limit, &r, &err) != KS_OK) {
        fprintf(stderr, "kioskctl search: %s\n", err.msg);
        return 0;
    }
    int ok = o->json ? print_json(query, len, &r) : print_text(query, len, &r);
    ks_search_result_free(&r);
    if (!ok) fprintf(stderr, "kioskctl search: cannot write the results: %s\n", strerror(errno));
    return ok;
}

static int parse_args(int argc, char **argv, opts *o, char **query)
{
    size_t qcap = 0, qlen = 0;
    *query = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(a, "--batch") == 0) {
            o->batch = 1;
        } else if (strcmp(a, "--locale") == 0 && i + 1 < argc) {
            o->locale = argv[++i];
        } else if (strcmp(a, "--limit") == 0 && i + 1 < argc) {
            char *end = NULL;
            errno = 0;
            long v = strtol(argv[++i], &end, 10);
            if (errno || end == argv[i] || *end || v < 1 || v > 100) {
                fprintf(stderr, "kioskctl search: --limit wants a number from 1 to 100, not '%s'\n", argv[i]);
                return 0;
            }
            o->limit = (size_t)v;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--") == 0 || a[0] != '-' || a[1] == '\0') {
            /* The rest is the query; "--" lets a query start with '-'. */
            if (strcmp(a, "--") == 0) i++;
            for (; i < argc; i++) {
                size_t n = strlen(argv[i]);
                if (qlen + n + 2 > qcap) {
                    qcap = (qlen + n + 2) * 2;
                    char *nq = realloc(*query, qcap);
                    if (!nq) {
                        fprintf(stderr, "kioskctl search: out of memory\n");
                        return 0;
                    }
                    *query = nq;
                }
                if (qlen) (*query)[qlen++] = ' ';
                memcpy(*query + qlen, argv[i], n);
                qlen += n;
                (*query)[qlen] = '\0';
            }
            break;
        } else {
            fprintf(stderr, "kioskctl search: unknown option '%s'\n", a);
            return 0;
        }
    }
    return 1;
}

int ks_cmd_search(const char *data_dir, int argc, char **argv)
{
    opts o = {.limit = DEFAULT_LIMIT};
    char *query = NULL;
    char *line = NULL;
    ks_store *store = NULL;
    ks_search *s = NULL;
    ks_error err = {0};
    int rc = 1;
    if (!parse_args(argc, argv, &o, &query)) {
        usage(stderr);
        free(query);
        return 2;
    }
    if (!o.batch && !query) {
        fprintf(stderr, "kioskctl search: give a QUERY, or --batch to read queries from standard input\n");
        usage(stderr);
        return 2;
    }
    if (ks_store_open(data_dir, &store, &err) != KS_OK) {
        fprintf(stderr, "kioskctl search: %s\n", err.msg);
        goto out;
    }
    sqlite3 *db = ks_store_db(store);
    if (ks_search_needs_reindex(db)) {
        size_t n = 0;
        fprintf(stderr, "kioskctl search: the search index is out of date; rebuilding it...\n");
        if (ks_store_reindex(store, &n, &err) != KS_OK) {
            fprintf(stderr, "kioskctl search: %s\n", err.msg);
            goto out;
        }
        fprintf(stderr, "kioskctl search: index rebuilt (%zu articles)\n", n);
    }
    if (ks_search_open(db, &s, &err) != KS_OK) {
        fprintf(stderr, "kioskctl search: %s\n", err.msg);
        goto out;
    }
    if (query && !run_one(s, &o, query, strlen(query))) goto out;
    if (o.batch) {
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, stdin)) >= 0) {
            size_t len = (size_t)n;
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                len--;
            if (!run_one(s, &o, line, len)) goto out;
        }
        if (ferror(stdin)) {
            fprintf(stderr, "kioskctl search: reading queries from standard input: %s\n", strerror(errno));
            goto out;
        }
    }
    rc = 0;
out:
    free(line);
    free(query);
    ks_search_close(s);
    ks_store_close(store);
    return rc;
}
