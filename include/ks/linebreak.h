/*
 * linebreak.h - where a paragraph may break into lines, and the greedy
 * line fitter that uses it: pure text logic with no SDL and no fonts, so it
 * is tested headless. The text engine (text.h) supplies the widths.
 *
 * The rules are a compact subset of Unicode line breaking (UAX #14) tuned
 * for the kiosk's languages, English and Chinese in both scripts:
 *   - Latin text breaks after spaces and after a hyphen between letters;
 *     a word too long for a line is broken between any two characters
 *     (grapheme clusters are never split);
 *   - CJK text breaks between any two ideographs (and between an ideograph
 *     and Latin text), but no line starts with closing punctuation
 *     (，。、；：？！）」』》〉】… and ASCII , . ; : ! ? ) ] }) and no line
 *     ends with opening punctuation (（「『《〈【 and ASCII ( [ {); the
 *     ambiguous ASCII quotes " and ' never start or end a line unless a
 *     space stands between them and the neighbouring word;
 *   - a newline (LF, CR LF, CR, U+2028, U+2029) is a hard break;
 *   - no break at U+00A0, U+202F, U+2060; U+200B is a break opportunity.
 * Lines never start with a space after a soft break (spaces at a line's end
 * hang and are not drawn); spaces after a hard break are kept (indentation).
 */
#ifndef KS_LINEBREAK_H
#define KS_LINEBREAK_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"

/* Per-position flags from ks_linebreak_analyze(): flags[i] describes the
 * position just before code point i (flags[n] is the end of the text), and
 * the code point i itself for the class bits. */
enum {
    KS_LB_GRAPHEME = 1 << 0,  /* a grapheme cluster starts at i */
    KS_LB_ALLOW = 1 << 1,     /* a line may start at i (soft break opportunity) */
    KS_LB_MANDATORY = 1 << 2, /* a line must start at i (after a hard newline) */
    KS_LB_SPACE = 1 << 3,     /* cp i is white space that hangs at a line's end */
    KS_LB_NEWLINE = 1 << 4,   /* cp i is a hard newline: never drawn */
    KS_LB_CLOSE = 1 << 5,     /* cp i must not start a line (closing punctuation) */
    KS_LB_OPEN = 1 << 6,      /* cp i must not end a line (opening punctuation) */
};

/* Decodes len bytes of UTF-8 for layout into cps (room for len code points
 * needed): invalid or truncated sequences become U+FFFD, CR LF and a lone
 * CR become LF, a tab becomes a space, other C0/C1 controls and DEL are
 * dropped. src_off[k] (may be NULL) receives base_off + the byte offset in
 * utf8 where code point k came from. Returns the number of code points. */
size_t ks_linebreak_decode(const char *utf8, size_t len, uint32_t *cps, uint32_t *src_off, uint32_t base_off);

/* Fills flags[0..n] (n + 1 entries) for the n code points. */
void ks_linebreak_analyze(const uint32_t *cps, size_t n, uint8_t *flags);

/* Which kind of face a code point wants, for font fallback:
 * CJK ideographs, kana, hangul, CJK and full-width punctuation want the CJK
 * face; general punctuation (quotes, dashes, ellipsis) is neutral and
 * follows its neighbours; spaces follow the text before them; combining
 * marks and other format characters stay with their base. */
typedef enum ks_lb_script {
    KS_SCRIPT_OTHER = 0, /* Latin, digits, ASCII punctuation, other scripts */
    KS_SCRIPT_CJK,
    KS_SCRIPT_NEUTRAL,
    KS_SCRIPT_SPACE,
} ks_lb_script;
ks_lb_script ks_linebreak_script(uint32_t cp);

/* One fitted line: code points [start, end) are drawn (trailing spaces and
 * the newline excluded); the next line starts at next. ellipsis: the line
 * was cut short and ends with "…". width is what measure() returned for it
 * (including the ellipsis). */
typedef struct ks_lb_line {
    size_t start, end, next;
    int width;
    int ellipsis;
} ks_lb_line;

/* Width in pixels of code points [from, to) drawn on one line, followed by
 * an ellipsis when ellipsis != 0 (from == to: the ellipsis alone). Return
 * a negative value on failure; fitting then fails with KS_ERR_IO. */
typedef int (*ks_lb_measure_fn)(void *user, size_t from, size_t to, int ellipsis);
/* Cheap additive width estimate of code point i alone (an advance). The
 * fitter estimates with it and confirms every line with measure(). */
typedef int (*ks_lb_advance_fn)(void *user, size_t i);

/* Greedy fitting of n code points (flags from ks_linebreak_analyze) into
 * lines of at most max_width pixels (<= 0: break only at hard newlines).
 * max_lines > 0 caps the count; when text is left over, the last line is
 * cut at a grapheme boundary so that it plus "…" fits in max_width.
 * Empty text gives one empty line; a trailing newline gives an empty last
 * line. *lines is malloc'ed: free(). */
ks_status ks_linebreak_fit(const uint8_t *flags, size_t n, int max_width, int max_lines,
                           ks_lb_measure_fn measure, ks_lb_advance_fn advance, void *user, ks_lb_line **lines,
                           size_t *n_lines, ks_error *err);

#endif
