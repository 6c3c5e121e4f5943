/*
 * richtext.h - parses an article body written in the kiosk's light markup
 * (docs/faq-format.md) into blocks of styled spans, for the article screen,
 * and strips it to plain text, for speech and search snippets.
 *
 * The markup, line by line:
 *   a blank line          ends the current block
 *   "# Title"             heading1      "## Title" (or deeper) heading2
 *   "- item" / "* item"   bullet        "3. item" numbered (keeps its 3)
 *   "![alt](media/x.png)" image, when it is alone on its line
 *   other lines           a paragraph; consecutive lines join with a space
 *                         (no space between two CJK characters); a line
 *                         after a list item continues that item
 * inline: **bold**, [text](https://url) (http, https, mailto and tel URLs
 * only; others show as plain text), backslash escapes a markup character
 * (\*, \[, \#, ...).
 *
 * Any input parses: unclosed ** or brackets stay literal text, invalid
 * UTF-8 becomes U+FFFD, control characters are dropped, CR LF is a line
 * end. Parsing is linear in the input size (links are at most
 * KS_RICHTEXT_MAX_LINK_TEXT / _URL bytes). No SDL, no I/O.
 */
#ifndef KS_RICHTEXT_H
#define KS_RICHTEXT_H

#include <stddef.h>

#include "ks/error.h"

#define KS_RICHTEXT_MAX_LINK_TEXT 1024
#define KS_RICHTEXT_MAX_LINK_URL 2048

typedef enum ks_rt_kind {
    KS_RT_HEADING1,
    KS_RT_HEADING2,
    KS_RT_PARAGRAPH,
    KS_RT_BULLET,
    KS_RT_NUMBERED,
    KS_RT_IMAGE,
} ks_rt_kind;

/* A run of text with one style. text is NUL-terminated valid UTF-8 (len
 * bytes, len > 0); link is the URL when the run is a link, else NULL.
 * Adjacent runs always differ in bold or link. */
typedef struct ks_rt_span {
    const char *text;
    size_t len;
    int bold;
    const char *link;
} ks_rt_span;

typedef struct ks_rt_block {
    ks_rt_kind kind;
    int number;        /* KS_RT_NUMBERED: the item's number as written */
    const char *src;   /* KS_RT_IMAGE: the path as written (e.g. "media/x.png") */
    const char *alt;   /* KS_RT_IMAGE: alt text, "" when none */
    ks_rt_span *spans; /* text blocks: at least one span; images: none */
    size_t n_spans;
} ks_rt_block;

/* A parsed body. Everything it points to belongs to it: free the whole with
 * ks_richtext_free(). Read-only; safe to share between threads. */
typedef struct ks_richtext {
    ks_rt_block *blocks;
    size_t n_blocks;
} ks_richtext;

/* Parses len bytes of src (need not be NUL-terminated; NULL with len 0 is
 * an empty document). Fails only when out of memory. *out:
 * ks_richtext_free(). */
ks_status ks_richtext_parse(const char *src, size_t len, ks_richtext **out, ks_error *err);
void ks_richtext_free(ks_richtext *doc);

/* The document as plain text: one line per block ('\n' between blocks),
 * numbered items keep "N. ", bullets and headings lose their marker, images
 * are left out, links keep their text only. malloc'ed: free(); NULL only
 * when out of memory. */
char *ks_richtext_plain(const ks_richtext *doc);

/* Parse + plain in one call for markup text. malloc'ed: free(); NULL only
 * when out of memory. */
char *ks_richtext_strip(const char *src, size_t len);

#endif
