/*
 * pinyin.c - loads the character -> reading table from the installed Rime
 * luna_pinyin dictionary once per process (see pinyin.h). It keeps only
 * single characters and, for characters with several readings, the one
 * with the highest weight. It must never fail loudly: without the file,
 * search loses homophone matching and nothing else.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "ks/log.h"
#include "ks/pinyin.h"

typedef struct entry {
    int32_t cp;
    float weight;
    char py[KS_PINYIN_MAX];
} entry;

static entry *table;
static int table_n;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* The common CJK blocks are looked up directly (index + 1 into table),
 * since every Han character pair of the content asks for two readings. */
#define DIRECT_LO 0x3400
#define DIRECT_HI 0xA000
static uint16_t *direct;

static int by_cp_then_weight(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->cp != y->cp) return x->cp < y->cp ? -1 : 1;
    /* heavier first, so the first entry of each character is its usual reading */
    if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
    return strcmp(x->py, y->py);
}

/* Parses one "字<TAB>pin<TAB>98.5%" line (the weight is optional and means
 * 100% when absent). Returns 1 when it is a single-character entry. */
static int parse_line(const char *line, entry *e)
{
    const char *tab = strchr(line, '\t');
    if (!tab) return 0;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)line, tab - line, &cp);
    if (k <= 0 || line + k != tab || cp < 0x2E80) return 0;
    const char *py = tab + 1;
    size_t n = strcspn(py, "\t\r\n");
    if (n == 0 || n >= KS_PINYIN_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (py[i] < 'a' || py[i] > 'z') return 0; /* multi-syllable or odd entries */
    e->cp = cp;
    memcpy(e->py, py, n);
    e->py[n] = '\0';
    e->weight = 100.0f;
    if (py[n] == '\t') e->weight = strtof(py + n + 1, NULL);
    return 1;
}

static void load_table(void)
{
    const char *path = getenv("KS_PINYIN_DICT");
    if (!path || !*path) path = KS_PINYIN_DICT_PATH;
    FILE *f = fopen(path, "r");
    if (!f) {
        ks_log_warn("search",
                    "%s: cannot open the pinyin dictionary (package rime-data-luna-pinyin): "
                    "search works without homophone matching",
                    path);
        return;
    }
    char line[512];
    size_t cap = 0, n = 0;
    entry *v = NULL;
    int in_body = 0;
    while (fgets(line, sizeof line, f)) {
        if (!in_body) {
            /* The YAML header ends with a "..." line; entries follow. */
            if (strncmp(line, "...", 3) == 0) in_body = 1;
            continue;
        }
        entry e;
        if (!parse_line(line, &e)) continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16384;
            entry *nv = realloc(v, ncap * sizeof *nv);
            if (!nv) break;
            v = nv;
            cap = ncap;
        }
        v[n++] = e;
    }
    fclose(f);
    if (!v) return;
    qsort(v, n, sizeof *v, by_cp_then_weight);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (o == 0 || v[o - 1].cp != v[i].cp) v[o++] = v[i];
    entry *shrunk = realloc(v, (o ? o : 1) * sizeof *v);
    table = shrunk ? shrunk : v;
    table_n = (int)o;
    direct = calloc(DIRECT_HI - DIRECT_LO, sizeof *direct);
    if (direct && table_n < 65535)
        for (int i = 0; i < table_n; i++)
            if (table[i].cp >= DIRECT_LO && table[i].cp < DIRECT_HI)
                direct[table[i].cp - DIRECT_LO] = (uint16_t)(i + 1);
}

const char *ks_pinyin_of(int32_t c)
{
    pthread_once(&table_once, load_table);
    if (direct && c >= DIRECT_LO && c < DIRECT_HI) {
        uint16_t i = direct[c - DIRECT_LO];
        return i ? table[i - 1].py : NULL;
    }
    int lo = 0, hi = table_n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (table[mid].cp == c) return table[mid].py;
        if (table[mid].cp < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int ks_pinyin_table_size(void)
{
    pthread_once(&table_once, load_table);
    return table_n;
}
