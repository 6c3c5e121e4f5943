/*
 * faq.h - the kiosk-faq/1 interchange format (docs/faq-format.md), parsed
 * into plain C structs and validated. Parsing never touches the store: a
 * file that fails validation changes nothing anywhere.
 *
 * Every error names the source, the article id + locale (or category id)
 * and the field: "cards.json: article 'card_arrival' (en): 'title' is
 * missing".
 */
#ifndef KS_FAQ_H
#define KS_FAQ_H

#include <stddef.h>

#include "ks/error.h"

/* Documented size limits (docs/faq-format.md). */
#define KS_FAQ_MAX_FILE_BYTES (256u * 1024u * 1024u)
#define KS_FAQ_MAX_ID 128
#define KS_FAQ_MAX_TITLE 1024
#define KS_FAQ_MAX_BODY (1024u * 1024u)
#define KS_FAQ_MAX_LIST_ITEMS 256   /* questions, keywords */
#define KS_FAQ_MAX_ITEM 1024        /* one question or keyword */

typedef struct ks_faq_title {
    char *locale;
    char *text;
} ks_faq_title;

typedef struct ks_faq_category {
    char *id;
    ks_faq_title *titles;
    size_t n_titles;
    int position;        /* "position" if given, else order in the file */
    char *extra_json;    /* fields beyond the documented ones, as a JSON object, or NULL */
} ks_faq_category;

typedef struct ks_faq_article {
    char *id;
    char *locale;        /* canonical BCP 47 tag */
    char *category;      /* may be NULL */
    char *title;
    char *body;
    char **questions;
    size_t n_questions;
    char **keywords;
    size_t n_keywords;
    char *media_json;    /* the "media" value as JSON text, or NULL */
    char *updated_at;    /* as given (ISO 8601), or NULL */
    int position;
    char *extra_json;    /* fields beyond the documented ones, or NULL */
} ks_faq_article;

typedef struct ks_faq {
    char *source;        /* the name given to ks_faq_parse (file name), for errors at import */
    ks_faq_category *categories;
    size_t n_categories;
    ks_faq_article *articles;
    size_t n_articles;
} ks_faq;

/* Parses and validates one kiosk-faq/1 document (len bytes, need not be
 * NUL-terminated). source names it in errors. Categories that articles name
 * are checked at import (they may be defined in another file or already in
 * the store). On success *out is owned by the caller: ks_faq_free(). On
 * failure *out is untouched and err holds the first problem found, in
 * document order. */
ks_status ks_faq_parse(const char *json, size_t len, const char *source, ks_faq **out, ks_error *err);
/* Reads the file (up to KS_FAQ_MAX_FILE_BYTES) and parses it. */
ks_status ks_faq_load_file(const char *path, ks_faq **out, ks_error *err);
void ks_faq_free(ks_faq *faq);

#endif
