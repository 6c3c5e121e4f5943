/*
 * zendesk.h - converts Zendesk Guide help-centre article exports into the
 * kiosk's kiosk-faq/1 format (docs/zendesk.md).
 *
 * Input: pages of the incremental articles export, each a JSON object with
 * "articles": [{id, locale, title, body (HTML), section_id, label_names,
 * updated_at, draft, ...}], "next_page", "end_time" (optionally a
 * "sections" side-load with names). Article HTML becomes the kiosk's light
 * markup: headings, paragraphs, lists, **bold**, [links](url), images as
 * ![alt](media/NAME); entities decoded; scripts, styles and unknown tags
 * dropped (their text kept). This is conversion, not rendering: a small tag
 * scanner for that subset.
 *
 * Nothing here touches the store or the network.
 */
#ifndef KS_ZENDESK_H
#define KS_ZENDESK_H

#include <stddef.h>

#include "ks/error.h"

#define KS_ZENDESK_MAX_PAGE_BYTES (64u * 1024u * 1024u)

typedef struct ks_zendesk_page {
    const char *json; /* one export page */
    size_t len;
    const char *source; /* file name, for messages */
} ks_zendesk_page;

typedef struct ks_zendesk_stats {
    size_t articles;   /* converted */
    size_t drafts;     /* skipped: draft */
    size_t superseded; /* skipped: a later page has a newer copy */
    size_t sections;   /* categories produced */
    char **media;      /* media NAMEs the bodies cite (to copy into media/) */
    size_t n_media;
    int more_pages; /* 1: the last page names a next_page not given */
} ks_zendesk_stats;

/* Converts pages (in export order; a later copy of id+locale replaces an
 * earlier one unless older by updated_at) into one kiosk-faq/1 document.
 * *out_json is malloc'ed (free()); stats may be NULL, else release it with
 * ks_zendesk_stats_free(). Errors name the page and the article id. */
ks_status ks_zendesk_convert(const ks_zendesk_page *pages, size_t n_pages, char **out_json,
                             ks_zendesk_stats *stats, ks_error *err);
void ks_zendesk_stats_free(ks_zendesk_stats *stats);

/* Converts one article body. *out malloc'ed (free()). When media is
 * non-NULL, cited image names are appended to it (*media, *n_media grow;
 * free each and the array). */
ks_status ks_zendesk_html_to_markup(const char *html, size_t len, char **out, char ***media, size_t *n_media,
                                    ks_error *err);

#endif
