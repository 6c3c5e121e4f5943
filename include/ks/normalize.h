/*
 * normalize.h - text normalisation shared by the search index and queries,
 * so that whatever a visitor types folds to the same form as the content:
 * lenient UTF-8 (invalid bytes become separators, never an error), Unicode
 * NFKC with case folding and accents stripped (utf8proc; this also turns
 * full-width Latin letters and digits into ASCII), punctuation, symbols and
 * control characters to single spaces, and Traditional Chinese folded to
 * Simplified (OpenCC), so either script finds either.
 *
 * A ks_norm holds the OpenCC converter, which is slow to open: open one per
 * engine (or per import) and reuse it. Not thread safe: one per thread.
 */
#ifndef KS_NORMALIZE_H
#define KS_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"

typedef struct ks_norm ks_norm;

/* Opens the normaliser and its Traditional->Simplified converters (OpenCC's
 * t2s.json and tw2sp.json from the system's OpenCC data). *out:
 * ks_norm_close(). */
ks_status ks_norm_open(ks_norm **out, ks_error *err);
void ks_norm_close(ks_norm *n);

/* Normalises len bytes of text (any bytes). *out receives a malloc'ed,
 * NUL-terminated string of lowercase words separated by single spaces (no
 * leading/trailing space), free() it; *out_len its length (may be NULL).
 * Fails only when memory runs out. */
ks_status ks_norm_text(ks_norm *n, const char *text, size_t len, char **out, size_t *out_len, ks_error *err);

/* Like ks_norm_text, and when the text is written in Traditional Chinese
 * (and is at most 1 KB: meant for queries) also gives, in *alt (else
 * NULL), the text with Taiwan usage folded to mainland usage as well
 * (OpenCC tw2sp: 繫結 -> 绑定, 登出 -> 注销), so a visitor's Taiwanese
 * wording can meet content written in Simplified. *alt: malloc'ed,
 * free(); alt_len may be NULL. */
ks_status ks_norm_text_alt(ks_norm *n, const char *text, size_t len, char **out, size_t *out_len, char **alt,
                           size_t *alt_len, ks_error *err);

/* 1 when codepoint c is a Han (CJK ideograph) character: the script that is
 * written without spaces and indexed as characters rather than words. */
int ks_norm_is_han(int32_t c);

/* Length of the longest prefix of text[0..len) that ends on a UTF-8
 * character boundary and is at most max bytes (used to cap work on huge
 * input without splitting a character). */
size_t ks_norm_clip(const char *text, size_t len, size_t max);

/* 1 when s[0..len) is well-formed UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF), else 0. For checking input at the edges:
 * content files, UI strings, keyboard layouts. */
int ks_norm_utf8_valid(const char *s, size_t len);

#endif
