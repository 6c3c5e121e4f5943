/*
 * pinyin.h - the usual Mandarin reading (toneless pinyin) of a Han
 * character, so the search engine can match homophones: visitors often pick
 * the wrong candidate in their input method (花被 for 花呗).
 *
 * The table is read once per process from the Rime "luna_pinyin"
 * dictionary installed by the rime-data-luna-pinyin package (path below,
 * or $KS_PINYIN_DICT). When it is missing, lookups find nothing and search
 * simply works without homophones. Thread safe after the first call.
 */
#ifndef KS_PINYIN_H
#define KS_PINYIN_H

#include <stdint.h>

#define KS_PINYIN_DICT_PATH "/usr/share/rime-data/luna_pinyin.dict.yaml"
#define KS_PINYIN_MAX 8 /* longest syllable ("zhuang") plus NUL, rounded */

/* The most frequent reading of codepoint c, e.g. "hua" for 花, or NULL
 * when c has none in the table (or the table is unavailable). The string
 * lives as long as the process. */
const char *ks_pinyin_of(int32_t c);

/* Number of characters in the loaded table (0 when unavailable). */
int ks_pinyin_table_size(void);

#endif
