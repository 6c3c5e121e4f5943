/*
 * zendesk.c - Zendesk Guide article exports to kiosk-faq/1 (ks/zendesk.h,
 * docs/zendesk.md).
 *
 * The HTML of an article body is converted, not rendered: a small tag
 * scanner recognises the subset help-centre articles use (headings,
 * paragraphs, lists, bold, links, images, line breaks, tables as rows) and
 * writes the kiosk's light markup. Everything else is dropped with its text
 * kept; <script> and <style> are dropped with their content. It must not
 * touch the store, the network or the disk, and must survive any input
 * (unclosed tags, stray '<', broken entities, invalid UTF-8 is passed on
 * for the kiosk-faq/1 validator to reject with a precise message).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <utf8proc.h>

#include "ks/clock.h"
#include "ks/locale.h"
#include "ks/str.h"
#include "ks/zendesk.h"

#define MAX_LIST_DEPTH 16
#define MAX_HREF 2048
#define MAX_MEDIA_NAME 128

/* ================================================================ output */

typedef struct buf {
    char *s;
    size_t len, cap;
    int oom;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->oom || n == 0) return;
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->len + n + 1)
            nc *= 2;
        char *ns = realloc(b->s, nc);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = nc;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static char last_char(const buf *b)
{
    return b->len ? b->s[b->len - 1] : '\n';
}

static void trim_trailing_spaces(buf *b)
{
    while (b->len && b->s[b->len - 1] == ' ')
        b->s[--b->len] = '\0';
}

/* Ends the current line. */
static void line_break(buf *b)
{
    trim_trailing_spaces(b);
    if (b->len && last_char(b) != '\n') puts_(b, "\n");
}

/* Ends the current block: a blank line, as the markup separates blocks. */
static void block_break(buf *b)
{
    trim_trailing_spaces(b);
    if (!b->len) return;
    if (last_char(b) != '\n') puts_(b, "\n");
    if (b->len < 2 || b->s[b->len - 2] != '\n') puts_(b, "\n");
}

/* ============================================================ converter */

typedef struct list_level {
    int ordered;
    int counter;
} list_level;

typedef struct conv {
    buf out;
    int pending_space;
    int bold;         /* nesting of <b>/<strong> */
    size_t bold_mark; /* output length right after the opening ** */
    int in_link;
    char href[MAX_HREF];
    size_t link_mark; /* output length right after '[' */
    list_level lists[MAX_LIST_DEPTH];
    int depth; /* list nesting (beyond MAX_LIST_DEPTH: flattened) */
    int in_heading;
    char ***media;
    size_t *n_media;
    int oom;
} conv;

static void emit_text(conv *c, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
            c->pending_space = 1;
            continue;
        }
        if (c->pending_space) {
            char l = last_char(&c->out);
            if (l != '\n' && l != ' ' && l != '[' && !(c->bold && c->out.len == c->bold_mark))
                puts_(&c->out, " ");
            c->pending_space = 0;
        }
        put(&c->out, (const char *)&s[i], 1);
    }
}

static void emit_codepoint(conv *c, utf8proc_int32_t cp)
{
    utf8proc_uint8_t u[4];
    if (cp == 0xA0) cp = ' '; /* &nbsp; is a space to the markup */
    if (!utf8proc_codepoint_valid(cp) || cp == 0) cp = 0xFFFD;
    utf8proc_ssize_t n = utf8proc_encode_char(cp, u);
    emit_text(c, (const char *)u, (size_t)n);
}

static const struct {
    const char *name;
    utf8proc_int32_t cp;
} entities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},    {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"laquo", 0xAB},    {"raquo", 0xBB},
    {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122}, {"euro", 0x20AC},   {"pound", 0xA3},
    {"yen", 0xA5},     {"cent", 0xA2},    {"deg", 0xB0},     {"middot", 0xB7},   {"bull", 0x2022},
    {"times", 0xD7},   {"divide", 0xF7},  {"eacute", 0xE9},  {"egrave", 0xE8},   {"agrave", 0xE0},
    {"aacute", 0xE1},  {"uuml", 0xFC},    {"ouml", 0xF6},    {"auml", 0xE4},     {"szlig", 0xDF},
    {"ccedil", 0xE7},  {"ntilde", 0xF1},  {"iexcl", 0xA1},   {"iquest", 0xBF},   {"sect", 0xA7},
    {"para", 0xB6},    {"rarr", 0x2192},  {"larr", 0x2190},  {"zwj", 0x200D},    {"zwnj", 0x200C},
};

/* Decodes the entity at s (s[0] == '&'); returns bytes consumed (0: not an
 * entity, the '&' is text) and the code point. */
static size_t decode_entity(const char *s, size_t n, utf8proc_int32_t *cp)
{
    size_t i = 1;
    if (i < n && s[i] == '#') {
        i++;
        int hex = i < n && (s[i] == 'x' || s[i] == 'X');
        if (hex) i++;
        long v = 0;
        size_t start = i;
        while (i < n && i - start < 8 &&
               (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))) {
            int d = isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10);
            v = v * (hex ? 16 : 10) + d;
            i++;
        }
        if (i == start) return 0;
        if (i < n && s[i] == ';') i++;
        *cp = v > 0x10FFFF ? 0xFFFD : (utf8proc_int32_t)v;
        return i;
    }
    size_t start = i;
    while (i < n && i - start < 10 && isalnum((unsigned char)s[i]))
        i++;
    if (i == start || i >= n || s[i] != ';') return 0;
    for (size_t k = 0; k < sizeof entities / sizeof entities[0]; k++) {
        if (strlen(entities[k].name) == i - start && strncmp(entities[k].name, s + start, i - start) == 0) {
            *cp = entities[k].cp;
            return i + 1;
        }
    }
    return 0;
}

/* Text with entities decoded. */
static void emit_html_text(conv *c, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t run = amp ? (size_t)(amp - (s + i)) : n - i;
        emit_text(c, s + i, run);
        i += run;
        if (i >= n) break;
        utf8proc_int32_t cp;
        size_t used = decode_entity(s + i, n - i, &cp);
        if (used) {
            emit_codepoint(c, cp);
            i += used;
        } else {
            emit_text(c, "&", 1);
            i++;
        }
    }
}

/* Value of attribute name in a tag's attribute text, entity-decoded into
 * out (size bytes). 1 when present. */
static int get_attr(const char *attrs, size_t n, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name), i = 0;
    while (i < n) {
        while (i < n && (isspace((unsigned char)attrs[i]) || attrs[i] == '/'))
            i++;
        size_t ks = i;
        while (i < n && !isspace((unsigned char)attrs[i]) && attrs[i] != '=' && attrs[i] != '>' &&
               attrs[i] != '/')
            i++;
        size_t kl = i - ks;
        while (i < n && isspace((unsigned char)attrs[i]))
            i++;
        const char *v = NULL;
        size_t vl = 0;
        if (i < n && attrs[i] == '=') {
            i++;
            while (i < n && isspace((unsigned char)attrs[i]))
                i++;
            if (i < n && (attrs[i] == '"' || attrs[i] == '\'')) {
                char q = attrs[i++];
                v = attrs + i;
                while (i < n && attrs[i] != q)
                    i++;
                vl = (size_t)(attrs + i - v);
                if (i < n) i++;
            } else {
                v = attrs + i;
                while (i < n && !isspace((unsigned char)attrs[i]) && attrs[i] != '>')
                    i++;
                vl = (size_t)(attrs + i - v);
            }
        }
        if (kl == 0) {
            if (i < n) i++;
            continue;
        }
        if (kl == nl && strncasecmp(attrs + ks, name, nl) == 0) {
            /* Decode entities (&amp; in URLs) with a scratch converter. */
            size_t o = 0;
            for (size_t k = 0; k < vl && o + 5 < size;) {
                utf8proc_int32_t cp;
                size_t used = v[k] == '&' ? decode_entity(v + k, vl - k, &cp) : 0;
                if (used) {
                    utf8proc_uint8_t u[4];
                    utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_codepoint_valid(cp) ? cp : 0xFFFD, u);
                    memcpy(out + o, u, (size_t)m);
                    o += (size_t)m;
                    k += used;
                } else {
                    out[o++] = v[k++];
                }
            }
            out[o] = '\0';
            return 1;
        }
    }
    return 0;
}

static int link_allowed(const char *href)
{
    return strncasecmp(href, "https://", 8) == 0 || strncasecmp(href, "http://", 7) == 0 ||
           strncasecmp(href, "mailto:", 7) == 0 || strncasecmp(href, "tel:", 4) == 0;
}

/* The markup cannot carry ')' or whitespace inside a link target. */
static void emit_url(conv *c, const char *u)
{
    for (; *u; u++) {
        if (*u == ')')
            puts_(&c->out, "%29");
        else if (*u == ' ')
            puts_(&c->out, "%20");
        else if ((unsigned char)*u >= 0x20)
            put(&c->out, u, 1);
    }
}

/* media NAME from an image URL: its last path segment, reduced to a safe
 * file name. Empty when nothing usable is left. */
static void media_name(const char *src, char *out, size_t size)
{
    size_t end = strcspn(src, "?#");
    size_t start = end;
    while (start > 0 && src[start - 1] != '/')
        start--;
    size_t o = 0;
    for (size_t i = start; i < end && o + 1 < size; i++) {
        unsigned char ch = (unsigned char)src[i];
        out[o++] = (isalnum(ch) || ch == '.' || ch == '-' || ch == '_') ? (char)ch : '_';
    }
    out[o] = '\0';
    if (out[0] == '.' || strcmp(out, "_") == 0) out[0] = '\0';
}

static void add_media(conv *c, const char *name)
{
    if (!c->media) return;
    for (size_t i = 0; i < *c->n_media; i++)
        if (strcmp((*c->media)[i], name) == 0) return;
    char **nm = realloc(*c->media, (*c->n_media + 1) * sizeof *nm);
    if (!nm) {
        c->oom = 1;
        return;
    }
    *c->media = nm;
    if (!(nm[*c->n_media] = ks_strdup(name))) {
        c->oom = 1;
        return;
    }
    (*c->n_media)++;
}

static int is_tag(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

static int any_tag(const char *name, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (is_tag(name, n, *list)) return 1;
    return 0;
}

static void open_bold(conv *c)
{
    if (c->bold++ == 0) {
        if (c->pending_space && last_char(&c->out) != '\n' && last_char(&c->out) != ' ') puts_(&c->out, " ");
        c->pending_space = 0;
        puts_(&c->out, "**");
        c->bold_mark = c->out.len;
    }
}

static void close_bold(conv *c)
{
    if (c->bold == 0) return;
    if (--c->bold == 0) {
        if (c->out.len == c->bold_mark) {
            /* Nothing was bold: take the marker back instead of "****". */
            c->out.len -= 2;
            c->out.s[c->out.len] = '\0';
        } else {
            trim_trailing_spaces(&c->out);
            puts_(&c->out, "**");
        }
    }
}

/* Closes inline state before a block boundary: markup never spans blocks. */
static void end_inline(conv *c)
{
    while (c->bold)
        close_bold(c);
    if (c->in_link) {
        trim_trailing_spaces(&c->out);
        puts_(&c->out, "](");
        emit_url(c, c->href);
        puts_(&c->out, ")");
        c->in_link = 0;
    }
    c->pending_space = 0;
}

static void handle_tag(conv *c, const char *name, size_t nl, int closing, const char *attrs, size_t al)
{
    static const char *const blocks[] = {"p",          "div",        "section", "article", "header",
                                         "footer",     "blockquote", "table",   "pre",     "figure",
                                         "figcaption", "main",       "aside",   "nav",     "dl",
                                         "address",    "details",    "summary", NULL};
    if (nl == 2 && tolower((unsigned char)name[0]) == 'h' && name[1] >= '1' && name[1] <= '6') {
        end_inline(c);
        block_break(&c->out);
        if (!closing) {
            puts_(&c->out, name[1] <= '2' ? "# " : "## ");
            c->in_heading = 1;
        } else {
            c->in_heading = 0;
        }
        return;
    }
    if (any_tag(name, nl, blocks)) {
        /* Inside a list item a paragraph is part of the item. */
        if (c->depth > 0) {
            c->pending_space = 1;
            return;
        }
        end_inline(c);
        block_break(&c->out);
        return;
    }
    if (is_tag(name, nl, "ul") || is_tag(name, nl, "ol")) {
        end_inline(c);
        if (!closing) {
            if (c->depth == 0) block_break(&c->out);
            if (c->depth < MAX_LIST_DEPTH) {
                c->lists[c->depth].ordered = is_tag(name, nl, "ol");
                c->lists[c->depth].counter = 0;
            }
            c->depth++;
        } else if (c->depth > 0) {
            c->depth--;
            if (c->depth == 0) block_break(&c->out);
        }
        return;
    }
    if (is_tag(name, nl, "li")) {
        end_inline(c);
        if (closing) return;
        line_break(&c->out);
        int d = c->depth > MAX_LIST_DEPTH ? MAX_LIST_DEPTH : c->depth;
        if (d > 0 && c->lists[d - 1].ordered) {
            char num[24];
            snprintf(num, sizeof num, "%d. ", ++c->lists[d - 1].counter);
            puts_(&c->out, num);
        } else {
            puts_(&c->out, "- ");
        }
        return;
    }
    if (is_tag(name, nl, "br")) {
        end_inline(c);
        line_break(&c->out);
        return;
    }
    if (is_tag(name, nl, "hr")) {
        end_inline(c);
        block_break(&c->out);
        return;
    }
    if (is_tag(name, nl, "tr")) {
        end_inline(c);
        if (c->depth > 0)
            c->pending_space = 1;
        else if (closing)
            line_break(&c->out);
        return;
    }
    if (is_tag(name, nl, "td") || is_tag(name, nl, "th")) {
        /* Cells of a row on one line: "Service | Time". */
        end_inline(c);
        if (!closing && last_char(&c->out) != '\n') puts_(&c->out, " | ");
        return;
    }
    if (is_tag(name, nl, "strong") || is_tag(name, nl, "b")) {
        if (c->in_heading) return; /* a heading is bold already */
        if (closing)
            close_bold(c);
        else
            open_bold(c);
        return;
    }
    if (is_tag(name, nl, "a")) {
        if (!closing) {
            if (c->in_link) return;
            char href[MAX_HREF];
            if (get_attr(attrs, al, "href", href, sizeof href) && link_allowed(href)) {
                if (c->pending_space && last_char(&c->out) != '\n' && last_char(&c->out) != ' ')
                    puts_(&c->out, " ");
                c->pending_space = 0;
                snprintf(c->href, sizeof c->href, "%s", href);
                puts_(&c->out, "[");
                c->link_mark = c->out.len;
                c->in_link = 1;
            }
        } else if (c->in_link) {
            int had_space = c->pending_space;
            while (c->bold)
                close_bold(c);
            trim_trailing_spaces(&c->out);
            if (c->out.len == c->link_mark) {
                /* A link without text: show its address as the text. */
                emit_url(c, c->href);
            }
            puts_(&c->out, "](");
            emit_url(c, c->href);
            puts_(&c->out, ")");
            c->in_link = 0;
            c->pending_space = had_space;
        }
        return;
    }
    if (is_tag(name, nl, "img") && !closing) {
        char src[MAX_HREF], alt[512], nm[MAX_MEDIA_NAME];
        if (!get_attr(attrs, al, "src", src, sizeof src)) return;
        media_name(src, nm, sizeof nm);
        if (!nm[0]) return;
        if (!get_attr(attrs, al, "alt", alt, sizeof alt)) alt[0] = '\0';
        for (char *p = alt; *p; p++)
            if (*p == ']' || *p == '[' || *p == '\n' || *p == '\r') *p = ' ';
        end_inline(c);
        /* Images stand on their own line in the markup. */
        line_break(&c->out);
        puts_(&c->out, "![");
        puts_(&c->out, alt);
        puts_(&c->out, "](media/");
        puts_(&c->out, nm);
        puts_(&c->out, ")\n");
        add_media(c, nm);
        return;
    }
    /* Anything else (span, em, i, u, code, font, ...): text only. */
}

/* Finds the end of a raw-text element (</script>) from s; returns the
 * offset just past it, or n. */
static size_t skip_raw(const char *s, size_t n, size_t i, const char *tag)
{
    size_t tl = strlen(tag);
    for (; i + tl + 2 < n + 1; i++) {
        if (s[i] == '<' && i + 1 < n && s[i + 1] == '/' && i + 2 + tl <= n &&
            strncasecmp(s + i + 2, tag, tl) == 0) {
            const char *gt = memchr(s + i, '>', n - i);
            return gt ? (size_t)(gt - s) + 1 : n;
        }
    }
    return n;
}

static void convert(conv *c, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] != '<') {
            const char *lt = memchr(s + i, '<', n - i);
            size_t run = lt ? (size_t)(lt - (s + i)) : n - i;
            emit_html_text(c, s + i, run);
            i += run;
            continue;
        }
        if (i + 4 <= n && strncmp(s + i, "<!--", 4) == 0) {
            const char *e = NULL;
            for (size_t k = i + 4; k + 3 <= n; k++)
                if (strncmp(s + k, "-->", 3) == 0) {
                    e = s + k + 3;
                    break;
                }
            i = e ? (size_t)(e - s) : n;
            continue;
        }
        size_t j = i + 1;
        int closing = 0;
        if (j < n && s[j] == '/') {
            closing = 1;
            j++;
        }
        size_t ns = j;
        while (j < n && (isalnum((unsigned char)s[j])))
            j++;
        size_t nl = j - ns;
        if (nl == 0 && !(j < n && (s[j] == '!' || s[j] == '?'))) {
            emit_text(c, "<", 1); /* a stray '<' is text */
            i++;
            continue;
        }
        /* Find the tag's end, skipping quoted attribute values. */
        size_t k = j;
        char q = 0;
        while (k < n && (q || s[k] != '>')) {
            if (q && s[k] == q)
                q = 0;
            else if (!q && (s[k] == '"' || s[k] == '\''))
                q = s[k];
            k++;
        }
        const char *name = s + ns;
        if (nl) handle_tag(c, name, nl, closing, s + j, k - j);
        i = k < n ? k + 1 : n;
        if (!closing && (is_tag(name, nl, "script") || is_tag(name, nl, "style")))
            i = skip_raw(s, n, i, is_tag(name, nl, "script") ? "script" : "style");
    }
    end_inline(c);
}

/* Final tidying: at most one blank line in a row, no blank start or end. */
static char *tidy(buf *b)
{
    char *out = malloc(b->len + 1);
    if (!out) return NULL;
    size_t o = 0, nl = 0;
    for (size_t i = 0; i < b->len; i++) {
        char ch = b->s[i];
        if (ch == '\n') {
            while (o && out[o - 1] == ' ')
                o--;
            nl++;
            continue;
        }
        if (nl) {
            if (o) {
                out[o++] = '\n';
                if (nl > 1) out[o++] = '\n';
            }
            nl = 0;
        }
        if (ch == ' ' && (o == 0 || out[o - 1] == '\n')) continue;
        out[o++] = ch;
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return out;
}

ks_status ks_zendesk_html_to_markup(const char *html, size_t len, char **out, char ***media, size_t *n_media,
                                    ks_error *err)
{
    conv c = {.media = media, .n_media = n_media};
    convert(&c, html ? html : "", html ? len : 0);
    if (c.out.oom || c.oom) {
        free(c.out.s);
        return ks_error_set(err, KS_ERR_NOMEM, "out of memory converting HTML");
    }
    if (!c.out.s) {
        *out = ks_strdup("");
    } else {
        *out = tidy(&c.out);
        free(c.out.s);
    }
    return *out ? KS_OK : ks_error_set(err, KS_ERR_NOMEM, "out of memory converting HTML");
}

/* ============================================================ articles */

typedef struct zd_article {
    char *key;  /* "id\nlocale" */
    cJSON *obj; /* the kiosk-faq/1 article */
    int64_t updated;
} zd_article;

typedef struct zd_section {
    char *id;
    cJSON *titles; /* locale -> name */
} zd_section;

void ks_zendesk_stats_free(ks_zendesk_stats *stats)
{
    if (!stats) return;
    for (size_t i = 0; i < stats->n_media; i++)
        free(stats->media[i]);
    free(stats->media);
    stats->media = NULL;
    stats->n_media = 0;
}

/* A Zendesk id (number or string of digits) as text. */
static int id_text(const cJSON *v, char *out, size_t size)
{
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9.007199254740992e15) {
        snprintf(out, size, "%.0f", v->valuedouble);
        return 1;
    }
    if (cJSON_IsString(v) && v->valuestring[0] && strlen(v->valuestring) < 40) {
        for (const char *p = v->valuestring; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') return 0;
        snprintf(out, size, "%s", v->valuestring);
        return 1;
    }
    return 0;
}

static zd_section *find_section(zd_section *s, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].id, id) == 0) return &s[i];
    return NULL;
}

static ks_status add_section(zd_section **secs, size_t *n, const char *id, zd_section **out, ks_error *err)
{
    zd_section *f = find_section(*secs, *n, id);
    if (f) {
        *out = f;
        return KS_OK;
    }
    zd_section *ns = realloc(*secs, (*n + 1) * sizeof *ns);
    if (!ns) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    *secs = ns;
    ns[*n].id = ks_strdup(id);
    ns[*n].titles = cJSON_CreateObject();
    if (!ns[*n].id || !ns[*n].titles) {
        free(ns[*n].id);
        cJSON_Delete(ns[*n].titles);
        return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    }
    *out = &ns[(*n)++];
    return KS_OK;
}

static ks_status convert_article(const cJSON *a, const char *source, int index, zd_article *za,
                                 zd_section **secs, size_t *n_secs, ks_zendesk_stats *stats, ks_error *err)
{
    char id[48], loc[KS_LOCALE_MAX], sec[48];
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(a, "title");
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(a, "body");
    const cJSON *locale = cJSON_GetObjectItemCaseSensitive(a, "locale");
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(a, "label_names");
    const cJSON *updated = cJSON_GetObjectItemCaseSensitive(a, "updated_at");
    const cJSON *position = cJSON_GetObjectItemCaseSensitive(a, "position");
    const cJSON *html_url = cJSON_GetObjectItemCaseSensitive(a, "html_url");
    if (!cJSON_IsObject(a) || !id_text(cJSON_GetObjectItemCaseSensitive(a, "id"), id, sizeof id))
        return ks_error_set(err, KS_ERR_INVALID, "%s: articles[%d]: 'id' is missing or not a Zendesk id",
                            source, index);
    if (!cJSON_IsString(locale) || ks_locale_canonical(locale->valuestring, loc) != 0)
        return ks_error_set(err, KS_ERR_INVALID, "%s: article %s: 'locale' is missing or not a locale tag",
                            source, id);
    if (!cJSON_IsString(title) || !title->valuestring[0])
        return ks_error_set(err, KS_ERR_INVALID, "%s: article %s (%s): 'title' is missing", source, id, loc);
    if (body && !cJSON_IsString(body) && !cJSON_IsNull(body))
        return ks_error_set(err, KS_ERR_INVALID, "%s: article %s (%s): 'body' must be HTML text", source, id,
                            loc);
    char *markup = NULL;
    const char *html = cJSON_IsString(body) ? body->valuestring : "";
    ks_status rc =
        ks_zendesk_html_to_markup(html, strlen(html), &markup, &stats->media, &stats->n_media, err);
    if (rc) return rc;
    /* Zendesk titles may carry entities too. */
    char *title_txt = NULL;
    rc = ks_zendesk_html_to_markup(title->valuestring, strlen(title->valuestring), &title_txt, NULL, NULL,
                                   err);
    if (rc) {
        free(markup);
        return rc;
    }
    cJSON *o = cJSON_CreateObject();
    char kid[64];
    snprintf(kid, sizeof kid, "zd-%s", id);
    cJSON_AddStringToObject(o, "id", kid);
    cJSON_AddStringToObject(o, "locale", loc);
    if (id_text(cJSON_GetObjectItemCaseSensitive(a, "section_id"), sec, sizeof sec)) {
        char cid[64];
        snprintf(cid, sizeof cid, "zd-section-%s", sec);
        cJSON_AddStringToObject(o, "category", cid);
        zd_section *s = NULL;
        if ((rc = add_section(secs, n_secs, sec, &s, err))) goto fail;
    }
    cJSON_AddStringToObject(o, "title", title_txt[0] ? title_txt : title->valuestring);
    cJSON_AddStringToObject(o, "body", markup);
    cJSON *kw = cJSON_AddArrayToObject(o, "keywords");
    const cJSON *l;
    cJSON_ArrayForEach(l, labels) if (cJSON_IsString(l) && l->valuestring[0])
        cJSON_AddItemToArray(kw, cJSON_CreateString(l->valuestring));
    za->updated = 0;
    if (cJSON_IsString(updated) && ks_clock_parse_iso8601(updated->valuestring, &za->updated) == 0)
        cJSON_AddStringToObject(o, "updated_at", updated->valuestring);
    if (cJSON_IsNumber(position) && position->valuedouble >= -1e9 && position->valuedouble <= 1e9)
        cJSON_AddNumberToObject(o, "position", (double)(long)position->valuedouble);
    cJSON *src = cJSON_AddObjectToObject(o, "zendesk");
    cJSON_AddStringToObject(src, "id", id);
    if (cJSON_IsString(html_url)) cJSON_AddStringToObject(src, "html_url", html_url->valuestring);
    size_t kl = strlen(kid) + strlen(loc) + 2;
    za->key = malloc(kl);
    if (!za->key || !o) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    snprintf(za->key, kl, "%s\n%s", kid, loc);
    za->obj = o;
    free(markup);
    free(title_txt);
    return KS_OK;
fail:
    free(za->key);
    za->key = NULL;
    cJSON_Delete(o);
    free(markup);
    free(title_txt);
    return rc;
}

/* Section names from a "sections" side-load, when the export has one. */
static void read_sections(const cJSON *root, zd_section **secs, size_t *n_secs)
{
    const cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(root, "sections"))
    {
        char id[48], loc[KS_LOCALE_MAX];
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(s, "name");
        const cJSON *locale = cJSON_GetObjectItemCaseSensitive(s, "locale");
        if (!id_text(cJSON_GetObjectItemCaseSensitive(s, "id"), id, sizeof id) || !cJSON_IsString(name))
            continue;
        if (!cJSON_IsString(locale) || ks_locale_canonical(locale->valuestring, loc) != 0)
            snprintf(loc, sizeof loc, "en");
        zd_section *z = NULL;
        if (add_section(secs, n_secs, id, &z, NULL) != KS_OK) continue;
        cJSON_DeleteItemFromObjectCaseSensitive(z->titles, loc);
        cJSON_AddStringToObject(z->titles, loc, name->valuestring);
    }
}

ks_status ks_zendesk_convert(const ks_zendesk_page *pages, size_t n_pages, char **out_json,
                             ks_zendesk_stats *stats_out, ks_error *err)
{
    ks_status rc = KS_OK;
    ks_zendesk_stats stats = {0};
    zd_article *arts = NULL;
    size_t n_arts = 0, cap = 0;
    zd_section *secs = NULL;
    size_t n_secs = 0;
    cJSON *doc = NULL;
    for (size_t p = 0; p < n_pages && rc == KS_OK; p++) {
        const char *source = pages[p].source ? pages[p].source : "page";
        if (pages[p].len > KS_ZENDESK_MAX_PAGE_BYTES) {
            rc = ks_error_set(err, KS_ERR_TOO_LARGE, "%s: larger than %u bytes", source,
                              KS_ZENDESK_MAX_PAGE_BYTES);
            break;
        }
        cJSON *root = cJSON_ParseWithLength(pages[p].json, pages[p].len);
        const cJSON *list = root ? cJSON_GetObjectItemCaseSensitive(root, "articles") : NULL;
        if (!root || !cJSON_IsArray(list)) {
            rc = ks_error_set(err, KS_ERR_INVALID, "%s: %s", source,
                              root ? "no 'articles' array: not a Zendesk articles export page"
                                   : "not valid JSON");
            cJSON_Delete(root);
            break;
        }
        read_sections(root, &secs, &n_secs);
        if (p + 1 == n_pages) {
            const cJSON *next = cJSON_GetObjectItemCaseSensitive(root, "next_page");
            const cJSON *eos = cJSON_GetObjectItemCaseSensitive(root, "end_of_stream");
            stats.more_pages = cJSON_IsString(next) && next->valuestring[0] && !cJSON_IsTrue(eos);
        }
        int idx = 0;
        const cJSON *a;
        cJSON_ArrayForEach(a, list)
        {
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "draft"))) {
                stats.drafts++;
                idx++;
                continue;
            }
            zd_article za = {0};
            rc = convert_article(a, source, idx++, &za, &secs, &n_secs, &stats, err);
            if (rc) break;
            /* A later copy of the same article wins unless it is older. */
            size_t k = 0;
            while (k < n_arts && strcmp(arts[k].key, za.key) != 0)
                k++;
            if (k < n_arts) {
                stats.superseded++;
                if (za.updated && arts[k].updated && za.updated < arts[k].updated) {
                    free(za.key);
                    cJSON_Delete(za.obj);
                } else {
                    free(arts[k].key);
                    cJSON_Delete(arts[k].obj);
                    arts[k] = za;
                }
                continue;
            }
            if (n_arts == cap) {
                size_t nc = cap ? cap * 2 : 64;
                zd_article *na = realloc(arts, nc * sizeof *na);
                if (!na) {
                    free(za.key);
                    cJSON_Delete(za.obj);
                    rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
                    break;
                }
                arts = na;
                cap = nc;
            }
            arts[n_arts++] = za;
        }
        cJSON_Delete(root);
    }
    if (rc) goto out;
    doc = cJSON_CreateObject();
    if (!doc) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    cJSON_AddStringToObject(doc, "format", "kiosk-faq/1");
    cJSON *cats = cJSON_AddArrayToObject(doc, "categories");
    cJSON *list = cJSON_AddArrayToObject(doc, "articles");
    for (size_t i = 0; i < n_secs; i++) {
        int used = 0;
        char cid[64];
        snprintf(cid, sizeof cid, "zd-section-%s", secs[i].id);
        for (size_t k = 0; k < n_arts && !used; k++) {
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(arts[k].obj, "category");
            used = cJSON_IsString(c) && strcmp(c->valuestring, cid) == 0;
        }
        if (!used) continue;
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "id", cid);
        if (!cJSON_GetArraySize(secs[i].titles)) {
            /* The export named no section: a neutral title the operator
             * can replace. */
            char t[80];
            snprintf(t, sizeof t, "Section %s", secs[i].id);
            cJSON_AddStringToObject(secs[i].titles, "en", t);
        }
        cJSON_AddItemToObject(c, "titles", cJSON_Duplicate(secs[i].titles, 1));
        cJSON_AddItemToArray(cats, c);
        stats.sections++;
    }
    for (size_t i = 0; i < n_arts; i++) {
        cJSON_AddItemToArray(list, arts[i].obj);
        arts[i].obj = NULL;
    }
    stats.articles = n_arts;
    *out_json = cJSON_Print(doc);
    if (!*out_json) {
        rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (stats_out) {
        *stats_out = stats;
        memset(&stats, 0, sizeof stats);
    }
out:
    ks_zendesk_stats_free(&stats);
    for (size_t i = 0; i < n_arts; i++) {
        free(arts[i].key);
        cJSON_Delete(arts[i].obj);
    }
    free(arts);
    for (size_t i = 0; i < n_secs; i++) {
        free(secs[i].id);
        cJSON_Delete(secs[i].titles);
    }
    free(secs);
    cJSON_Delete(doc);
    return rc;
}
