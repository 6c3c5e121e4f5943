/*
 * stem.h - English word folding for search: a Porter (1980) stemmer, so
 * "reservations", "reserving" and "reserved" meet at "reserv", and a list
 * of English function words that carry no meaning on their own.
 *
 * Both work on normalised words (lowercase, see normalize.h). Pure
 * functions: no allocation, no state, thread safe.
 */
#ifndef KS_STEM_H
#define KS_STEM_H

#include <stddef.h>

#define KS_STEM_MAX 64 /* longer words are returned unchanged */

/* Stems word[0..len) into out (KS_STEM_MAX bytes, NUL-terminated) and
 * returns the stem's length. Words that are not plain ASCII letters, or
 * are shorter than 3 or longer than KS_STEM_MAX - 1 bytes, are copied
 * unchanged (truncated to fit when longer). */
size_t ks_stem_en(const char *word, size_t len, char out[KS_STEM_MAX]);

/* 1 when word[0..len) is an English function word ("the", "is", "how"). */
int ks_stem_is_stop(const char *word, size_t len);

#endif
