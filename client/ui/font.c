/*
 * font.c - faces through fontconfig, fonts through SDL_ttf, per code point
 * fallback (see include/ks/font.h).
 *
 * Why a table of open fonts instead of one TTF_Font per face resized with
 * TTF_SetFontSize: a size switch flushes SDL_ttf's glyph cache, and the UI
 * switches sizes many times per frame. Why a cap on that table: each open
 * Noto CJK face holds ~2.4 MB of tables on the heap.
 * Must not: lay out, cache rendered text or touch the renderer.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>

#include "ks/font.h"
#include "ks/log.h"
#include "ks/str.h"

#define DEFAULT_MAX_OPEN 16
#define DEFAULT_MAX_LARGE 8
#define LARGE_CHARS 10000 /* a face covering more code points is "large" (CJK) */
#define MISS_RING 64

typedef struct face_file {
    char *path;
    int index;
    int synth_bold; /* no bold file in the family: SDL_ttf emboldens */
    FcCharSet *cs;
} face_file;

typedef struct face {
    int used;
    int large; /* a CJK-sized face: ~2.4 MB of heap per open font */
    char *family;
    face_file file[2]; /* [0] regular, [1] bold */
} face;

/* Memoised advances of one open font: open addressing on cp + 1. */
typedef struct adv_map {
    uint32_t *keys;
    int16_t *vals;
    size_t cap, count;
} adv_map;

typedef struct open_font {
    int face, size, bold;
    TTF_Font *font;
    uint64_t used;
    adv_map adv;
} open_font;

struct ks_fonts {
    FcConfig *cfg;
    face faces[KS_FONTS_MAX_FACES];
    int n_faces;
    open_font *open;
    int n_open, max_open, max_large;
    uint64_t clock;
    uint32_t misses[MISS_RING]; /* code points no installed font has */
    int n_misses, miss_next;
    int ttf_inited;
};

/* --- fontconfig ---------------------------------------------------------- */

static void face_file_free(face_file *ff)
{
    free(ff->path);
    if (ff->cs) FcCharSetDestroy(ff->cs);
    memset(ff, 0, sizeof *ff);
}

static int family_is(FcPattern *m, const char *family)
{
    FcChar8 *fam;
    for (int i = 0; FcPatternGetString(m, FC_FAMILY, i, &fam) == FcResultMatch; i++)
        if (FcStrCmpIgnoreCase(fam, (const FcChar8 *)family) == 0) return 1;
    return 0;
}

/* Fills ff from a font pattern (file, index, charset). 0 on success. */
static int take_file(FcPattern *m, face_file *ff)
{
    FcChar8 *file;
    FcCharSet *cs;
    int index = 0;
    if (FcPatternGetString(m, FC_FILE, 0, &file) != FcResultMatch) return -1;
    if (access((const char *)file, R_OK) != 0) return -1;
    FcPatternGetInteger(m, FC_INDEX, 0, &index);
    ff->path = ks_strdup((const char *)file);
    if (!ff->path) return -1;
    ff->index = index;
    ff->cs = FcPatternGetCharSet(m, FC_CHARSET, 0, &cs) == FcResultMatch ? FcCharSetCopy(cs) : NULL;
    return 0;
}

/* The installed file of family (exactly that family, not a substitute) in
 * the given weight, for text in lang. 0 when found. */
static int match_family(FcConfig *cfg, const char *family, const char *lang, int bold, face_file *ff)
{
    int rc = -1;
    FcPattern *p = FcPatternCreate(), *m = NULL;
    if (!p) return -1;
    FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)family);
    if (lang) FcPatternAddString(p, FC_LANG, (const FcChar8 *)lang);
    FcPatternAddInteger(p, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddInteger(p, FC_SLANT, FC_SLANT_ROMAN);
    FcPatternAddBool(p, FC_SCALABLE, FcTrue);
    if (!FcConfigSubstitute(cfg, p, FcMatchPattern)) goto out;
    FcDefaultSubstitute(p);
    FcResult res;
    m = FcFontMatch(cfg, p, &res);
    if (!m || !family_is(m, family)) goto out;
    int weight = FC_WEIGHT_REGULAR, slant = FC_SLANT_ROMAN;
    FcPatternGetInteger(m, FC_WEIGHT, 0, &weight);
    FcPatternGetInteger(m, FC_SLANT, 0, &slant);
    if (slant != FC_SLANT_ROMAN) goto out; /* only an italic face: not for UI text */
    if (take_file(m, ff) != 0) goto out;
    ff->synth_bold = bold && weight < FC_WEIGHT_DEMIBOLD;
    rc = 0;
out:
    if (m) FcPatternDestroy(m);
    FcPatternDestroy(p);
    return rc;
}

/* Finds the first installed family of the list for face slot id. */
static int find_face(ks_fonts *f, int id, const char *const *families, const char *lang)
{
    face *fc = &f->faces[id];
    for (size_t i = 0; families[i]; i++) {
        face_file reg = {0}, bold = {0};
        if (match_family(f->cfg, families[i], lang, 0, &reg) != 0) continue;
        if (match_family(f->cfg, families[i], lang, 1, &bold) != 0) {
            /* No bold file at all: embolden the regular one. */
            bold.path = ks_strdup(reg.path);
            bold.index = reg.index;
            bold.cs = reg.cs ? FcCharSetCopy(reg.cs) : NULL;
            bold.synth_bold = 1;
            if (!bold.path) {
                face_file_free(&reg);
                return -1;
            }
        }
        fc->family = ks_strdup(families[i]);
        if (!fc->family) {
            face_file_free(&reg);
            face_file_free(&bold);
            return -1;
        }
        fc->file[0] = reg;
        fc->file[1] = bold;
        fc->large = reg.cs && FcCharSetCount(reg.cs) > LARGE_CHARS;
        fc->used = 1;
        return 0;
    }
    return -1;
}

static void list_families(const char *const *families, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; families[i] && o < cap; i++) {
        int k = snprintf(buf + o, cap - o, "%s'%s'", i ? ", " : "", families[i]);
        if (k < 0) break;
        o += (size_t)k;
    }
}

/* --- the table of open fonts -------------------------------------------- */

static void adv_free(adv_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static int adv_get(const adv_map *m, uint32_t cp, int *out)
{
    if (!m->cap) return 0;
    uint32_t key = cp + 1;
    for (size_t i = (key * 2654435761u) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key) {
            *out = m->vals[i];
            return 1;
        }
        if (m->keys[i] == 0) return 0;
    }
}

static void adv_put(adv_map *m, uint32_t cp, int v)
{
    if (m->count * 2 >= m->cap) {
        /* Grow (or, past 64k entries, start over: a bounded memo). */
        size_t nc = m->cap ? m->cap * 2 : 256;
        if (nc > 131072) {
            memset(m->keys, 0, m->cap * sizeof *m->keys);
            m->count = 0;
        } else {
            uint32_t *nk = calloc(nc, sizeof *nk);
            int16_t *nv = calloc(nc, sizeof *nv);
            if (!nk || !nv) {
                free(nk);
                free(nv);
                return; /* not memoised: only slower */
            }
            for (size_t i = 0; i < m->cap; i++) {
                if (!m->keys[i]) continue;
                size_t j = (m->keys[i] * 2654435761u) & (nc - 1);
                while (nk[j])
                    j = (j + 1) & (nc - 1);
                nk[j] = m->keys[i];
                nv[j] = m->vals[i];
            }
            free(m->keys);
            free(m->vals);
            m->keys = nk;
            m->vals = nv;
            m->cap = nc;
        }
    }
    uint32_t key = cp + 1;
    size_t i = (key * 2654435761u) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) m->count++;
    m->keys[i] = key;
    m->vals[i] = (int16_t)(v > 32767 ? 32767 : v);
}

static void close_slot(ks_fonts *f, int i)
{
    TTF_CloseFont(f->open[i].font);
    adv_free(&f->open[i].adv);
    f->open[i] = f->open[--f->n_open];
}

static open_font *find_open(ks_fonts *f, int face_id, int size, int bold)
{
    for (int i = 0; i < f->n_open; i++) {
        open_font *o = &f->open[i];
        if (o->face == face_id && o->size == size && o->bold == bold) return o;
    }
    return NULL;
}

static open_font *get_open(ks_fonts *f, int face_id, int size, int bold, ks_error *err)
{
    if (face_id < 0 || face_id >= f->n_faces || !f->faces[face_id].used) {
        ks_error_set(err, KS_ERR_INVALID, "font: no face %d", face_id);
        return NULL;
    }
    bold = bold ? 1 : 0;
    open_font *o = find_open(f, face_id, size, bold);
    if (o) {
        o->used = ++f->clock;
        return o;
    }
    /* Over a cap: close the least recently used font (a large one when
     * the large cap is what overflows). */
    int large = f->faces[face_id].large, n_large = 0;
    for (int i = 0; i < f->n_open; i++)
        n_large += f->faces[f->open[i].face].large;
    int only_large = large && n_large >= f->max_large;
    if (only_large || f->n_open >= f->max_open) {
        int lru = -1;
        for (int i = 0; i < f->n_open; i++) {
            if (only_large && !f->faces[f->open[i].face].large) continue;
            if (lru < 0 || f->open[i].used < f->open[lru].used) lru = i;
        }
        if (lru >= 0) close_slot(f, lru);
    }
    const face_file *ff = &f->faces[face_id].file[bold];
    TTF_Font *font = TTF_OpenFontIndex(ff->path, size, ff->index);
    if (!font) {
        ks_error_set(err, KS_ERR_IO, "font: cannot open %s (face %d) at %d px: %s", ff->path, ff->index, size,
                     TTF_GetError());
        return NULL;
    }
    /* Light hinting: crisp horizontal stems without distorting glyph shapes,
     * and cheaper than full hinting on CJK outlines. */
    TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    if (ff->synth_bold) TTF_SetFontStyle(font, TTF_STYLE_BOLD);
    o = &f->open[f->n_open++];
    memset(o, 0, sizeof *o);
    o->face = face_id;
    o->size = size;
    o->bold = bold;
    o->font = font;
    o->used = ++f->clock;
    return o;
}

TTF_Font *ks_fonts_get(ks_fonts *f, int face_id, int size_px, int bold, ks_error *err)
{
    open_font *o = get_open(f, face_id, size_px, bold, err);
    return o ? o->font : NULL;
}

int ks_fonts_advance(ks_fonts *f, int face_id, int size_px, int bold, uint32_t cp)
{
    open_font *o = get_open(f, face_id, size_px, bold, NULL);
    if (!o) return -1;
    int adv;
    if (adv_get(&o->adv, cp, &adv)) return adv;
    if (TTF_GlyphMetrics32(o->font, cp, NULL, NULL, NULL, NULL, &adv) != 0) adv = 0;
    adv_put(&o->adv, cp, adv);
    return adv;
}

/* --- choosing a face ----------------------------------------------------- */

/* Whether face_id (bold variant or not) has cp: asked of the open font
 * when there is one (the cmap SDL_ttf will use), else of fontconfig's
 * charset, so choosing never opens a large CJK face just to ask. */
static int face_has(ks_fonts *f, int face_id, int bold, uint32_t cp)
{
    if (face_id < 0 || face_id >= f->n_faces || !f->faces[face_id].used) return 0;
    for (int i = 0; i < f->n_open; i++) {
        open_font *o = &f->open[i];
        if (o->face == face_id && o->bold == bold) return TTF_GlyphIsProvided32(o->font, cp) != 0;
    }
    const FcCharSet *cs = f->faces[face_id].file[bold].cs;
    return cs && FcCharSetHasChar(cs, cp);
}

static int missed(const ks_fonts *f, uint32_t cp)
{
    for (int i = 0; i < f->n_misses; i++)
        if (f->misses[i] == cp) return 1;
    return 0;
}

static void remember_miss(ks_fonts *f, uint32_t cp)
{
    f->misses[f->miss_next] = cp;
    f->miss_next = (f->miss_next + 1) % MISS_RING;
    if (f->n_misses < MISS_RING) f->n_misses++;
}

/* Asks fontconfig for any installed font with cp (FcFontSort by coverage
 * and language) and adds it as a fallback face. Its id, or -1. */
static int add_fallback(ks_fonts *f, uint32_t cp, int cjk_face)
{
    if (f->n_faces >= KS_FONTS_MAX_FACES || missed(f, cp)) return -1;
    int id = -1;
    FcPattern *p = FcPatternCreate();
    FcCharSet *cs = FcCharSetCreate();
    FcFontSet *fs = NULL;
    if (!p || !cs) goto out;
    FcCharSetAddChar(cs, cp);
    FcPatternAddCharSet(p, FC_CHARSET, cs);
    FcPatternAddString(p, FC_LANG, (const FcChar8 *)(cjk_face == KS_FACE_CJK_TC ? "zh-tw" : "zh-cn"));
    FcPatternAddBool(p, FC_SCALABLE, FcTrue);
    if (!FcConfigSubstitute(f->cfg, p, FcMatchPattern)) goto out;
    FcDefaultSubstitute(p);
    FcResult res;
    fs = FcFontSort(f->cfg, p, FcFalse, NULL, &res);
    if (!fs) goto out;
    for (int i = 0; i < fs->nfont && id < 0; i++) {
        FcCharSet *fcs;
        if (FcPatternGetCharSet(fs->fonts[i], FC_CHARSET, 0, &fcs) != FcResultMatch) continue;
        if (!FcCharSetHasChar(fcs, cp)) continue;
        face_file ff = {0};
        if (take_file(fs->fonts[i], &ff) != 0) continue;
        int dup = 0;
        for (int k = 0; k < f->n_faces; k++)
            if (f->faces[k].used && strcmp(f->faces[k].file[0].path, ff.path) == 0 &&
                f->faces[k].file[0].index == ff.index)
                dup = 1;
        if (dup) { /* a face we have says no to cp after all (e.g. its open font) */
            face_file_free(&ff);
            continue;
        }
        face *fc = &f->faces[f->n_faces];
        FcChar8 *fam = NULL;
        FcPatternGetString(fs->fonts[i], FC_FAMILY, 0, &fam);
        fc->family = ks_strdup(fam ? (const char *)fam : "?");
        fc->file[1].path = ks_strdup(ff.path);
        if (!fc->family || !fc->file[1].path) {
            free(fc->family);
            free(fc->file[1].path);
            memset(fc, 0, sizeof *fc);
            face_file_free(&ff);
            break;
        }
        fc->file[1].index = ff.index;
        fc->file[1].cs = ff.cs ? FcCharSetCopy(ff.cs) : NULL;
        fc->file[1].synth_bold = 1;
        fc->file[0] = ff;
        fc->large = ff.cs && FcCharSetCount(ff.cs) > LARGE_CHARS;
        fc->used = 1;
        id = f->n_faces++;
        ks_log_info("text", "font fallback: '%s' (%s) for U+%04X", fc->family, fc->file[0].path,
                    (unsigned)cp);
    }
out:
    if (id < 0) remember_miss(f, cp);
    if (fs) FcFontSetDestroy(fs);
    if (cs) FcCharSetDestroy(cs);
    if (p) FcPatternDestroy(p);
    return id;
}

int ks_fonts_pick(ks_fonts *f, uint32_t cp, int want, int cjk_face, int *bold)
{
    int order[KS_FONTS_MAX_FACES + 3], n = 0;
    int other_cjk = cjk_face == KS_FACE_CJK_TC ? KS_FACE_CJK_SC : KS_FACE_CJK_TC;
    order[n++] = want;
    order[n++] = want == KS_FACE_LATIN ? cjk_face : KS_FACE_LATIN;
    order[n++] = other_cjk;
    for (int i = KS_FACE_FIRST_FALLBACK; i < f->n_faces; i++)
        order[n++] = i;
    int b = bold && *bold ? 1 : 0;
    for (int pass = b; pass >= 0; pass--) {
        for (int i = 0; i < n; i++) {
            if (face_has(f, order[i], pass, cp)) {
                if (bold) *bold = pass;
                return order[i];
            }
        }
    }
    int id = add_fallback(f, cp, cjk_face);
    return id >= 0 ? id : want;
}

/* --- life cycle ---------------------------------------------------------- */

ks_status ks_fonts_create(const ks_font_options *opt, ks_fonts **out, ks_error *err)
{
    static const char *const latin_default[] = {"Noto Sans", "DejaVu Sans", NULL};
    static const char *const sc_default[] = {"Noto Sans CJK SC",
                                             "Source Han Sans SC",
                                             "Source Han Sans CN",
                                             "WenQuanYi Micro Hei",
                                             "WenQuanYi Zen Hei",
                                             "Droid Sans Fallback",
                                             NULL};
    static const char *const tc_default[] = {
        "Noto Sans CJK TC", "Source Han Sans TC",  "Source Han Sans TW", "Noto Sans CJK HK",
        "Noto Sans CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",  NULL};
    ks_status st = KS_OK;
    *out = NULL;
    ks_fonts *f = calloc(1, sizeof *f);
    if (!f) return ks_error_set(err, KS_ERR_NOMEM, "font: out of memory");
    f->max_open = opt && opt->max_open_fonts > 0 ? opt->max_open_fonts : DEFAULT_MAX_OPEN;
    f->max_large = opt && opt->max_open_cjk_fonts > 0 ? opt->max_open_cjk_fonts : DEFAULT_MAX_LARGE;
    if (f->max_large > f->max_open) f->max_large = f->max_open;
    f->open = calloc((size_t)f->max_open, sizeof *f->open);
    if (!f->open) {
        st = ks_error_set(err, KS_ERR_NOMEM, "font: out of memory");
        goto out;
    }
    if (TTF_Init() != 0) {
        st = ks_error_set(err, KS_ERR_IO, "font: SDL_ttf cannot start: %s", TTF_GetError());
        goto out;
    }
    f->ttf_inited = 1;
    f->cfg = FcInitLoadConfigAndFonts();
    if (!f->cfg) {
        st = ks_error_set(err, KS_ERR_IO,
                          "font: fontconfig cannot load its configuration (is the fontconfig package "
                          "installed?)");
        goto out;
    }
    struct {
        int id;
        const char *custom;
        const char *const *defaults;
        const char *lang;
        const char *what, *package;
    } want[] = {
        {KS_FACE_LATIN, opt ? opt->latin_family : NULL, latin_default, "en", "Latin", "fonts-dejavu-core"},
        {KS_FACE_CJK_SC, opt ? opt->cjk_sc_family : NULL, sc_default, "zh-cn", "Simplified Chinese",
         "fonts-noto-cjk"},
        {KS_FACE_CJK_TC, opt ? opt->cjk_tc_family : NULL, tc_default, "zh-tw", "Traditional Chinese",
         "fonts-noto-cjk"},
    };
    f->n_faces = KS_FACE_FIRST_FALLBACK;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *custom_list[] = {want[i].custom, NULL};
        const char *const *list = want[i].custom ? custom_list : want[i].defaults;
        if (find_face(f, want[i].id, list, want[i].lang) == 0) continue;
        char names[256];
        list_families(list, names, sizeof names);
        st = ks_error_set(err, KS_ERR_NOT_FOUND,
                          "font: no %s font installed (fontconfig has none of the families %s); install "
                          "the Debian packages fonts-dejavu-core and fonts-noto-cjk (apt-get install %s)",
                          want[i].what, names, want[i].package);
        goto out;
    }
    ks_log_info("text", "fonts: Latin '%s' (%s), Simplified '%s' (%s #%d), Traditional '%s' (%s #%d)",
                f->faces[0].family, f->faces[0].file[0].path, f->faces[1].family, f->faces[1].file[0].path,
                f->faces[1].file[0].index, f->faces[2].family, f->faces[2].file[0].path,
                f->faces[2].file[0].index);
out:
    if (st) {
        ks_fonts_destroy(f);
        return st;
    }
    *out = f;
    return KS_OK;
}

void ks_fonts_destroy(ks_fonts *f)
{
    if (!f) return;
    while (f->n_open > 0)
        close_slot(f, f->n_open - 1);
    free(f->open);
    for (int i = 0; i < KS_FONTS_MAX_FACES; i++) {
        free(f->faces[i].family);
        face_file_free(&f->faces[i].file[0]);
        face_file_free(&f->faces[i].file[1]);
    }
    if (f->cfg) FcConfigDestroy(f->cfg);
    if (f->ttf_inited) TTF_Quit();
    free(f);
}

int ks_fonts_face_count(const ks_fonts *f)
{
    return f->n_faces;
}

const char *ks_fonts_face_file(const ks_fonts *f, int face_id, int bold, int *index)
{
    if (face_id < 0 || face_id >= f->n_faces || !f->faces[face_id].used) return NULL;
    const face_file *ff = &f->faces[face_id].file[bold ? 1 : 0];
    if (index) *index = ff->index;
    return ff->path;
}

const char *ks_fonts_face_family(const ks_fonts *f, int face_id)
{
    if (face_id < 0 || face_id >= f->n_faces || !f->faces[face_id].used) return NULL;
    return f->faces[face_id].family;
}

size_t ks_fonts_open_count(const ks_fonts *f)
{
    return (size_t)f->n_open;
}
