/*
 * i18n.c - UI string tables per locale, looked up along the locale
 * fallback chain, with {name} placeholders.
 *
 * Tables are immutable after loading (sorted arrays, binary search), so
 * lookups need no lock; only the "log a missing key once" set is shared
 * mutable state and sits behind a mutex. A lookup never fails: the worst
 * case shows the key itself, which a tester will notice and a visitor can
 * still read past. Must not: render, or decide wording in code.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <utf8proc.h>

#include "ks/file.h"
#include "ks/i18n.h"
#include "ks/jsonx.h"
#include "ks/locale.h"
#include "ks/log.h"
#include "ks/normalize.h"
#include "ks/path.h"
#include "ks/str.h"

#define MAX_MISSING_LOGGED 256
#define MAX_FMT_PAIRS 16

typedef struct entry {
    char *key;
    char *value;
    size_t order; /* position in the file: the first of duplicates wins */
} entry;

typedef struct table {
    char locale[KS_LOCALE_MAX];
    entry *entries; /* sorted by key */
    size_t n;
} table;

struct ks_i18n {
    table *tables;
    size_t n_tables;
    char **warnings;
    size_t n_warnings;
    pthread_mutex_t lock; /* guards missing */
    char **missing;
    size_t n_missing;
};

static ks_status add_warning(ks_i18n *i18n, ks_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ks_status add_warning(ks_i18n *i18n, ks_error *err, const char *fmt, ...)
{
    char line[KS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* The log line has the module name already; the stored line keeps
     * its "i18n: " so it reads on its own in a diagnostics list. */
    ks_log_warn("i18n", "%s", strncmp(line, "i18n: ", 6) == 0 ? line + 6 : line);
    char **grown = realloc(i18n->warnings, (i18n->n_warnings + 1) * sizeof *grown);
    if (!grown) return ks_error_set(err, KS_ERR_NOMEM, "i18n: out of memory");
    i18n->warnings = grown;
    if (!(grown[i18n->n_warnings] = ks_strdup(line)))
        return ks_error_set(err, KS_ERR_NOMEM, "i18n: out of memory");
    i18n->n_warnings++;
    return KS_OK;
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c) return c;
    return x->order < y->order ? -1 : (x->order > y->order);
}

static void free_table(table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->entries[i].key);
        free(t->entries[i].value);
    }
    free(t->entries);
    t->entries = NULL;
    t->n = 0;
}

/* Reads path into t. KS_ERR_NOT_FOUND when the file is missing, another
 * error (with a message naming the file) when it cannot be used at all;
 * single bad keys only add warnings. */
static ks_status load_table(ks_i18n *i18n, const char *path, table *t, ks_error *err)
{
    char *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    ks_status st = ks_file_read_all(path, KS_I18N_MAX_FILE_BYTES, &text, &len, err);
    if (st) goto out;
    if ((st = ks_jsonx_parse(text, len, path, &root, err))) goto out;
    if (!cJSON_IsObject(root)) {
        st = ks_error_set(err, KS_ERR_INVALID, "%s: must hold one JSON object {\"key\": \"text\", ...}",
                          path);
        goto out;
    }
    size_t cap = (size_t)cJSON_GetArraySize(root);
    t->entries = calloc(cap ? cap : 1, sizeof *t->entries);
    if (!t->entries) {
        st = ks_error_set(err, KS_ERR_NOMEM, "i18n: out of memory reading %s", path);
        goto out;
    }
    size_t order = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, root) {
        const char *k = item->string ? item->string : "";
        if (k[0] == '_' || k[0] == '\0') continue; /* comments */
        if (!cJSON_IsString(item) || !item->valuestring) {
            if ((st = add_warning(i18n, err, "%s: key '%s' is not a string; skipped", path, k))) goto out;
            continue;
        }
        if (!ks_norm_utf8_valid(k, strlen(k)) || !ks_norm_utf8_valid(item->valuestring, strlen(item->valuestring))) {
            if ((st = add_warning(i18n, err, "%s: key '%s' is not valid UTF-8; skipped", path, k)))
                goto out;
            continue;
        }
        entry *e = &t->entries[t->n];
        e->key = ks_strdup(k);
        e->value = ks_strdup(item->valuestring);
        e->order = order++;
        if (!e->key || !e->value) {
            free(e->key);
            free(e->value);
            st = ks_error_set(err, KS_ERR_NOMEM, "i18n: out of memory reading %s", path);
            goto out;
        }
        t->n++;
    }
    qsort(t->entries, t->n, sizeof *t->entries, cmp_entry);
    /* Drop later duplicates, keeping the first one written in the file. */
    size_t w = 0;
    for (size_t r = 0; r < t->n; r++) {
        if (w > 0 && strcmp(t->entries[w - 1].key, t->entries[r].key) == 0) {
            st = add_warning(i18n, err, "%s: key '%s' appears twice; the first is used", path,
                             t->entries[r].key);
            free(t->entries[r].key);
            free(t->entries[r].value);
            if (st) {
                /* Keep the table consistent before bailing out. */
                for (size_t k = r + 1; k < t->n; k++) t->entries[w++] = t->entries[k];
                t->n = w;
                goto out;
            }
            continue;
        }
        t->entries[w++] = t->entries[r];
    }
    t->n = w;
out:
    cJSON_Delete(root);
    free(text);
    if (st) free_table(t);
    return st;
}

ks_status ks_i18n_load(const char *dir, const char *const *locales, size_t n, ks_i18n **out,
                       ks_error *err)
{
    *out = NULL;
    ks_status st = KS_OK;
    ks_i18n *i18n = calloc(1, sizeof *i18n);
    char (*wanted)[KS_LOCALE_MAX] = calloc(n + 1, sizeof *wanted);
    if (!i18n || !wanted) {
        free(i18n);
        free(wanted);
        return ks_error_set(err, KS_ERR_NOMEM, "i18n: out of memory");
    }
    pthread_mutex_init(&i18n->lock, NULL);
    if (!dir) dir = ".";

    /* The list to load: canonical, without repeats, English last-resort. */
    size_t n_wanted = 0;
    for (size_t i = 0; i < n; i++) {
        char canon[KS_LOCALE_MAX];
        if (!locales[i] || ks_locale_canonical(locales[i], canon) != 0) {
            if ((st = add_warning(i18n, err, "i18n: '%s' is not a locale tag; skipped",
                                  locales[i] ? locales[i] : "(null)")))
                goto out;
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < n_wanted; j++)
            if (strcmp(wanted[j], canon) == 0) dup = 1;
        if (!dup) memcpy(wanted[n_wanted++], canon, KS_LOCALE_MAX);
    }
    int has_en = 0;
    for (size_t j = 0; j < n_wanted; j++)
        if (strcmp(wanted[j], "en") == 0) has_en = 1;
    if (!has_en) memcpy(wanted[n_wanted++], "en", 3);

    i18n->tables = calloc(n_wanted, sizeof *i18n->tables);
    if (!i18n->tables) {
        st = ks_error_set(err, KS_ERR_NOMEM, "i18n: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_wanted; i++) {
        char name[KS_LOCALE_MAX + 8];
        snprintf(name, sizeof name, "%s.json", wanted[i]);
        char *path = ks_path_join(dir, name);
        if (!path) {
            st = ks_error_set(err, KS_ERR_NOMEM, "i18n: out of memory");
            goto out;
        }
        table *t = &i18n->tables[i18n->n_tables];
        ks_error e;
        ks_status ls = load_table(i18n, path, t, &e);
        if (ls == KS_OK) {
            memcpy(t->locale, wanted[i], KS_LOCALE_MAX);
            i18n->n_tables++;
        } else if (ls == KS_ERR_NOMEM) {
            free(path);
            st = ks_error_set(err, KS_ERR_NOMEM, "%s", e.msg);
            goto out;
        } else {
            const char *then = strcmp(wanted[i], "en") == 0
                                   ? "strings missing elsewhere will show as their keys"
                                   : "it falls back to the next language";
            st = ls == KS_ERR_NOT_FOUND
                     ? add_warning(i18n, err, "i18n: no strings for '%s' (%s is missing); %s", wanted[i],
                                   path, then)
                     : add_warning(i18n, err, "i18n: strings for '%s' not loaded (%s): %s", wanted[i],
                                   then, e.msg);
            if (st) {
                free(path);
                goto out;
            }
        }
        free(path);
    }
    if (i18n->n_tables == 0) {
        st = ks_error_set(err, KS_ERR_NOT_FOUND,
                          "i18n: no UI strings could be loaded from %s (expected en.json there); "
                          "check 'assets_dir' in the config",
                          dir);
        goto out;
    }
    *out = i18n;
    i18n = NULL;
out:
    free(wanted);
    ks_i18n_free(i18n);
    return st;
}

void ks_i18n_free(ks_i18n *i18n)
{
    if (!i18n) return;
    for (size_t i = 0; i < i18n->n_tables; i++) free_table(&i18n->tables[i]);
    free(i18n->tables);
    for (size_t i = 0; i < i18n->n_warnings; i++) free(i18n->warnings[i]);
    free(i18n->warnings);
    for (size_t i = 0; i < i18n->n_missing; i++) free(i18n->missing[i]);
    free(i18n->missing);
    pthread_mutex_destroy(&i18n->lock);
    free(i18n);
}

static const table *find_table(const ks_i18n *i18n, const char *locale)
{
    for (size_t i = 0; i < i18n->n_tables; i++)
        if (strcmp(i18n->tables[i].locale, locale) == 0) return &i18n->tables[i];
    return NULL;
}

static const char *find_in(const table *t, const char *key)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->entries[mid].key, key);
        if (c == 0) return t->entries[mid].value;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Logs a key missing from every table, once per key per i18n. */
static void note_missing(ks_i18n *i18n, const char *locale, const char *key)
{
    pthread_mutex_lock(&i18n->lock);
    int seen = 0;
    for (size_t i = 0; i < i18n->n_missing && !seen; i++)
        if (strcmp(i18n->missing[i], key) == 0) seen = 1;
    if (!seen && i18n->n_missing < MAX_MISSING_LOGGED) {
        char **grown = realloc(i18n->missing, (i18n->n_missing + 1) * sizeof *grown);
        if (grown) {
            i18n->missing = grown;
            char *copy = ks_strdup(key);
            if (copy) i18n->missing[i18n->n_missing++] = copy;
        }
        ks_log_warn("i18n", "no string for key '%s' (asked in %s); showing the key", key,
                    locale ? locale : "(no locale)");
    }
    pthread_mutex_unlock(&i18n->lock);
}

const char *ks_i18n_get(ks_i18n *i18n, const char *locale, const char *key)
{
    if (!key) return "";
    if (!i18n) return key;
    char chain[KS_LOCALE_CHAIN_MAX][KS_LOCALE_MAX];
    size_t n = ks_locale_chain(locale && locale[0] ? locale : "en", chain);
    for (size_t i = 0; i < n; i++) {
        const table *t = find_table(i18n, chain[i]);
        const char *v = t ? find_in(t, key) : NULL;
        if (v) return v;
    }
    note_missing(i18n, locale, key);
    return key;
}

int ks_i18n_has(const ks_i18n *i18n, const char *locale, const char *key)
{
    char canon[KS_LOCALE_MAX];
    if (!i18n || !key || ks_locale_canonical(locale, canon) != 0) return 0;
    const table *t = find_table(i18n, canon);
    return t && find_in(t, key) != NULL;
}

/* Output of ks_i18n_format: copies whole UTF-8 sequences while they fit,
 * and counts what the full result would need. */
typedef struct sink {
    char *out;
    size_t cap, used, total;
    int full;
} sink;

static size_t seq_len(unsigned char c)
{
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 1; /* a stray byte: copy it alone */
}

static void emit(sink *s, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = seq_len((unsigned char)p[i]);
        if (k > n - i) k = n - i;
        if (!s->full && s->cap > 0 && s->used + k <= s->cap - 1) {
            memcpy(s->out + s->used, p + i, k);
            s->used += k;
        } else {
            s->full = 1;
        }
        s->total += k;
        i += k;
    }
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

size_t ks_i18n_format(char *out, size_t cap, const char *tmpl, const char *const *pairs)
{
    sink s = {.out = out, .cap = out ? cap : 0};
    const char *p = tmpl ? tmpl : "";
    while (*p) {
        if (p[0] == '{' && p[1] == '{') {
            emit(&s, "{", 1);
            p += 2;
            continue;
        }
        if (p[0] == '{') {
            size_t nl = 0;
            while (name_char(p[1 + nl])) nl++;
            if (nl > 0 && p[1 + nl] == '}') {
                const char *value = NULL;
                for (size_t i = 0; pairs && pairs[i] && pairs[i + 1]; i += 2) {
                    if (strlen(pairs[i]) == nl && memcmp(pairs[i], p + 1, nl) == 0) {
                        value = pairs[i + 1];
                        break;
                    }
                }
                if (value) {
                    emit(&s, value, strlen(value));
                    p += nl + 2;
                    continue;
                }
            }
        }
        /* Plain text up to the next brace. */
        const char *next = strchr(p + 1, '{');
        size_t run = next ? (size_t)(next - p) : strlen(p);
        emit(&s, p, run);
        p += run;
    }
    if (s.cap > 0) s.out[s.used] = '\0';
    return s.total;
}

const char *ks_i18n_fmt(ks_i18n *i18n, const char *locale, const char *key, char *buf, size_t cap,
                        ...)
{
    const char *pairs[2 * MAX_FMT_PAIRS + 1];
    size_t n = 0;
    va_list ap;
    va_start(ap, cap);
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (!name) break;
        const char *value = va_arg(ap, const char *);
        if (n < 2 * MAX_FMT_PAIRS) {
            pairs[n++] = name;
            pairs[n++] = value ? value : "";
        }
    }
    va_end(ap);
    pairs[n] = NULL;
    ks_i18n_format(buf, cap, ks_i18n_get(i18n, locale, key), pairs);
    return buf;
}

size_t ks_i18n_locale_count(const ks_i18n *i18n)
{
    return i18n ? i18n->n_tables : 0;
}

const char *ks_i18n_locale_at(const ks_i18n *i18n, size_t index)
{
    return i18n && index < i18n->n_tables ? i18n->tables[index].locale : NULL;
}

size_t ks_i18n_warning_count(const ks_i18n *i18n)
{
    return i18n ? i18n->n_warnings : 0;
}

const char *ks_i18n_warning_at(const ks_i18n *i18n, size_t index)
{
    return i18n && index < i18n->n_warnings ? i18n->warnings[index] : NULL;
}
