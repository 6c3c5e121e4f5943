/*
 * jsonx.c - wording helpers over cJSON for hand-written files: where a
 * parse failed (line, column), what a bad value looked like, which known
 * key a misspelt one probably meant. Parsing itself is cJSON's; this file
 * must not grow into a JSON parser or a schema engine.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ks/jsonx.h"

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Line and column (1-based; columns count UTF-8 characters, which is what
 * an editor shows) of byte offset pos in text. */
static void line_col(const char *text, size_t pos, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < pos; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Up to 16 printable bytes starting at pos, for "near '...'". Non-ASCII and
 * control bytes are shown as '?', so the message stays one clean line. */
static void near_text(const char *text, size_t len, size_t pos, char out[20])
{
    size_t n = 0;
    for (size_t i = pos; i < len && n < 16; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') break;
        out[n++] = (ch >= 0x20 && ch < 0x7F) ? (char)ch : '?';
    }
    out[n] = '\0';
}

ks_status ks_jsonx_parse(const char *text, size_t len, const char *name, cJSON **out,
                         ks_error *err)
{
    *out = NULL;
    if (!text) text = "";
    size_t start = 0;
    /* A UTF-8 byte order mark is common in files saved by Windows editors. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) start = 3;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text + start, len - start, &end, 0);
    size_t pos;
    if (!root) {
        pos = end ? (size_t)(end - text) : len;
        if (pos > len) pos = len;
        goto fail;
    }
    pos = end ? (size_t)(end - text) : len;
    while (pos < len && is_ws(text[pos])) pos++;
    if (pos < len && text[pos] != '\0') {
        cJSON_Delete(root);
        goto fail;
    }
    *out = root;
    return KS_OK;

fail: {
    int line, col;
    char near[20];
    line_col(text, pos, &line, &col);
    near_text(text, len, pos, near);
    size_t rest = pos;
    while (rest < len && is_ws(text[rest])) rest++;
    if (rest >= len || near[0] == '\0')
        return ks_error_set(err, KS_ERR_INVALID,
                            "%s: invalid JSON at line %d, column %d (the text ends too early "
                            "or a line is unfinished)",
                            name, line, col);
    return ks_error_set(err, KS_ERR_INVALID, "%s: invalid JSON at line %d, column %d (near '%s')",
                        name, line, col, near);
}
}

const char *ks_jsonx_describe(const cJSON *v, char *buf, size_t cap)
{
    if (!buf || cap == 0) return "";
    buf[0] = '\0';
    if (!v) {
        snprintf(buf, cap, "nothing");
        return buf;
    }
    char *printed = cJSON_PrintUnformatted(v);
    if (!printed) {
        snprintf(buf, cap, "(a value)");
        return buf;
    }
    size_t n = strlen(printed);
    const size_t max_show = 48;
    if (n > max_show && cap > max_show + 4) {
        /* Cut on a UTF-8 character boundary so the message stays valid. */
        size_t cut = max_show;
        while (cut > 0 && ((unsigned char)printed[cut] & 0xC0) == 0x80) cut--;
        snprintf(buf, cap, "%.*s...", (int)cut, printed);
    } else {
        snprintf(buf, cap, "%s", printed);
    }
    cJSON_free(printed);
    return buf;
}

/* Optimal string alignment distance, capped: keys are short, so a small
 * fixed table is enough and nothing is allocated. */
static int edit_distance(const char *a, const char *b)
{
    enum { MAXL = 48 };
    size_t la = strlen(a), lb = strlen(b);
    if (la >= MAXL || lb >= MAXL) return 99;
    int d[MAXL][MAXL];
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *ks_jsonx_suggest(const char *key, const char *const *candidates, size_t n)
{
    if (!key) return NULL;
    const char *best = NULL;
    int best_d = 99;
    for (size_t i = 0; i < n; i++) {
        int dist = edit_distance(key, candidates[i]);
        if (dist < best_d) {
            best_d = dist;
            best = candidates[i];
        }
    }
    /* One or two slips in a key of reasonable length is a typo; more is a
     * different word and a suggestion would only confuse. */
    size_t len = strlen(key);
    int limit = len <= 4 ? 1 : (len <= 8 ? 2 : 3);
    return best_d <= limit ? best : NULL;
}

int ks_jsonx_is_int(const cJSON *v, double lo, double hi)
{
    if (!cJSON_IsNumber(v)) return 0;
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d)) return 0;
    return d >= lo && d <= hi;
}
