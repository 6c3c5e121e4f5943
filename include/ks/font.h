/*
 * font.h - the kiosk's fonts: faces found through fontconfig (family +
 * language), opened with SDL_ttf only when text needs them, and the choice
 * of face for each code point (per-run fallback) so mixed Chinese/Latin
 * text never shows missing-glyph boxes.
 *
 * Faces: KS_FACE_LATIN (Noto Sans if installed, else DejaVu Sans),
 * KS_FACE_CJK_SC (Noto Sans CJK SC: Simplified glyph forms) and
 * KS_FACE_CJK_TC (Noto Sans CJK TC: Traditional forms), each with a bold
 * variant (a real bold file, or synthetic bold when the family has none),
 * plus fallback faces found with FcFontSort for code points none of these
 * covers (other scripts, symbols).
 *
 * Memory: every open (face, size, bold) font is a separate FreeType face
 * (about 2.4 MB of heap for a Noto CJK face, 0.1 MB for DejaVu), so fonts
 * open lazily, at most max_open_fonts stay open and at most
 * max_open_cjk_fonts of the large (CJK) faces; the least recently used one
 * is closed first. Switching sizes on one TTF_Font (TTF_SetFontSize) would
 * save that memory but flushes SDL_ttf's glyph cache on every switch (a
 * 6-ideograph label alternating two sizes: 0.36 ms per draw instead of
 * 0.006 ms, bench_text).
 *
 * UI thread only (SDL_ttf is not thread safe).
 */
#ifndef KS_FONT_H
#define KS_FONT_H

#include <stddef.h>
#include <stdint.h>

#include <SDL_ttf.h>

#include "ks/error.h"

typedef struct ks_fonts ks_fonts;

enum {
    KS_FACE_LATIN = 0,
    KS_FACE_CJK_SC = 1,
    KS_FACE_CJK_TC = 2,
    KS_FACE_FIRST_FALLBACK = 3,
    KS_FONTS_MAX_FACES = 12, /* the three above plus up to nine fallbacks */
};

typedef struct ks_font_options {
    const char *latin_family;  /* NULL: "Noto Sans", then "DejaVu Sans" */
    const char *cjk_sc_family; /* NULL: "Noto Sans CJK SC", then other Simplified Chinese faces */
    const char *cjk_tc_family; /* NULL: "Noto Sans CJK TC", then other Traditional Chinese faces */
    int max_open_fonts;        /* (face, size, bold) fonts kept open; <= 0: 16 */
    int max_open_cjk_fonts;    /* of which of large (CJK) faces; <= 0: 8 */
} ks_font_options;

/* Finds the faces (opt may be NULL for the defaults). A missing face fails
 * with KS_ERR_NOT_FOUND and a message naming the family and the Debian
 * package to install (fonts-dejavu-core, fonts-noto-cjk). Calls TTF_Init.
 * *out: ks_fonts_destroy(). */
ks_status ks_fonts_create(const ks_font_options *opt, ks_fonts **out, ks_error *err);
void ks_fonts_destroy(ks_fonts *f);

/* The face to draw cp with. want is the face the text around it asks for
 * (KS_FACE_LATIN or a CJK face); cjk_face is the CJK face of the locale.
 * Order: want, then the other of Latin/CJK, then the other CJK variant,
 * then fallback faces (found with FcFontSort on first need). A face
 * "has" cp when its open font says so (TTF_GlyphIsProvided32) or, while it
 * is not open, when its fontconfig charset does. *bold (in/out): 1 asks for
 * the bold variant; set to 0 when only a regular face has the glyph.
 * When no font has cp at all, returns want (which draws its .notdef). */
int ks_fonts_pick(ks_fonts *f, uint32_t cp, int want, int cjk_face, int *bold);

/* The open font for (face, size_px, bold), opening it if needed (and
 * closing the least recently used one beyond max_open_fonts). The pointer
 * is borrowed: valid until the next ks_fonts_get, ks_fonts_pick or
 * ks_fonts_advance call. NULL with err set when the file cannot be opened. */
TTF_Font *ks_fonts_get(ks_fonts *f, int face, int size_px, int bold, ks_error *err);

/* The advance of cp alone in that font, in pixels (memoised per font: the
 * line breaker asks for every character). -1 when the font cannot open. */
int ks_fonts_advance(ks_fonts *f, int face, int size_px, int bold, uint32_t cp);

/* Number of faces found so far (KS_FACE_FIRST_FALLBACK + fallbacks). */
int ks_fonts_face_count(const ks_fonts *f);
/* The file, collection index and family behind a face (for diagnostics and
 * tests). Strings owned by f. */
const char *ks_fonts_face_file(const ks_fonts *f, int face, int bold, int *index);
const char *ks_fonts_face_family(const ks_fonts *f, int face);
/* How many fonts are open now. */
size_t ks_fonts_open_count(const ks_fonts *f);

#endif
