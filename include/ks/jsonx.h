/*
 * jsonx.h - small helpers over cJSON for files people write by hand
 * (config, themes, UI strings): parse errors with line and column, a short
 * printable form of a bad value for messages, and "did you mean" for
 * misspelt keys. The JSON itself is cJSON's work; this adds only the
 * wording a technician needs.
 */
#ifndef KS_JSONX_H
#define KS_JSONX_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "ks/error.h"

/* Parses len bytes of text. On invalid JSON fails with KS_ERR_INVALID and
 * "NAME: invalid JSON at line L, column C (near '...')"; trailing garbage
 * after the value is an error too. *out: cJSON_Delete(). */
ks_status ks_jsonx_parse(const char *text, size_t len, const char *name, cJSON **out,
                         ks_error *err);

/* A short printable form of v for messages: strings quoted, long values cut
 * with "...". Writes into buf (cap bytes) and returns buf. */
const char *ks_jsonx_describe(const cJSON *v, char *buf, size_t cap);

/* The candidate closest to key (small edit distance), or NULL when none is
 * plausibly meant. For "unknown key 'x' (did you mean 'y'?)". */
const char *ks_jsonx_suggest(const char *key, const char *const *candidates, size_t n);

/* 1 when v is a number with an integral value within [lo, hi]. */
int ks_jsonx_is_int(const cJSON *v, double lo, double hi);

#endif
