/*
 * stem.c - the Porter (1980) suffix-stripping stemmer and the English
 * function-word list used by the search analyser. Written from the
 * published description of the algorithm (M. F. Porter, "An algorithm for
 * suffix stripping", Program 14(3), 1980), with the two later revisions
 * its author recommends (bli->ble, logi->log). It must stay a pure function
 * of its input: the index and every query depend on it folding the same.
 */
#include <string.h>

#include "ks/stem.h"

typedef struct word {
    char w[KS_STEM_MAX];
    size_t n;
} word;

static int is_cons(const word *x, size_t i)
{
    switch (x->w[i]) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
        return 0;
    case 'y':
        /* 'y' is a vowel after a consonant ("fly") and a consonant at the
         * start or after a vowel ("yes", "toy"). */
        return i == 0 ? 1 : !is_cons(x, i - 1);
    default:
        return 1;
    }
}

/* Porter's m: the number of vowel-consonant sequences in w[0..len). */
static int measure(const word *x, size_t len)
{
    size_t i = 0;
    int m = 0;
    while (i < len && is_cons(x, i))
        i++;
    for (;;) {
        while (i < len && !is_cons(x, i))
            i++;
        if (i >= len) return m;
        while (i < len && is_cons(x, i))
            i++;
        m++;
    }
}

static int has_vowel(const word *x, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_cons(x, i)) return 1;
    return 0;
}

static int double_cons(const word *x, size_t len)
{
    return len >= 2 && x->w[len - 1] == x->w[len - 2] && is_cons(x, len - 1);
}

/* consonant-vowel-consonant ending, the last not w, x or y ("hop", "fil"). */
static int cvc(const word *x, size_t len)
{
    if (len < 3 || !is_cons(x, len - 3) || is_cons(x, len - 2) || !is_cons(x, len - 1)) return 0;
    char c = x->w[len - 1];
    return c != 'w' && c != 'x' && c != 'y';
}

static int ends(const word *x, const char *suf, size_t *stem_len)
{
    size_t k = strlen(suf);
    if (k > x->n || memcmp(x->w + x->n - k, suf, k) != 0) return 0;
    *stem_len = x->n - k;
    return 1;
}

static void set_to(word *x, size_t stem_len, const char *rep)
{
    size_t k = strlen(rep);
    memcpy(x->w + stem_len, rep, k);
    x->n = stem_len + k;
}

typedef struct rule {
    const char *suf;
    const char *rep;
} rule;

/* Applies the first rule whose suffix matches when the stem before it has
 * m > min_m. Returns 1 when a suffix matched (replaced or not). */
static int apply_rules(word *x, const rule *rules, size_t n_rules, int min_m)
{
    for (size_t i = 0; i < n_rules; i++) {
        size_t s;
        if (!ends(x, rules[i].suf, &s)) continue;
        if (measure(x, s) > min_m) set_to(x, s, rules[i].rep);
        return 1;
    }
    return 0;
}

static void step1ab(word *x)
{
    size_t s;
    if (ends(x, "sses", &s))
        set_to(x, s, "ss");
    else if (ends(x, "ies", &s))
        set_to(x, s, "i");
    else if (ends(x, "ss", &s)) { /* unchanged */
    } else if (ends(x, "s", &s))
        set_to(x, s, "");

    if (ends(x, "eed", &s)) {
        if (measure(x, s) > 0) set_to(x, s, "ee");
        return;
    }
    int cut = 0;
    if (ends(x, "ed", &s) && has_vowel(x, s))
        cut = 1;
    else if (ends(x, "ing", &s) && has_vowel(x, s))
        cut = 1;
    if (!cut) return;
    x->n = s;
    if (ends(x, "at", &s))
        set_to(x, s, "ate");
    else if (ends(x, "bl", &s))
        set_to(x, s, "ble");
    else if (ends(x, "iz", &s))
        set_to(x, s, "ize");
    else if (double_cons(x, x->n)) {
        char c = x->w[x->n - 1];
        if (c != 'l' && c != 's' && c != 'z') x->n--;
    } else if (measure(x, x->n) == 1 && cvc(x, x->n)) {
        set_to(x, x->n, "e");
    }
}

static void step1c(word *x)
{
    size_t s;
    if (ends(x, "y", &s) && has_vowel(x, s)) x->w[x->n - 1] = 'i';
}

static void step2(word *x)
{
    static const rule rules[] = {
        {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
        {"bli", "ble"},     {"alli", "al"},     {"entli", "ent"}, {"eli", "e"},     {"ousli", "ous"},
        {"ization", "ize"}, {"ation", "ate"},   {"ator", "ate"},  {"alism", "al"},  {"iveness", "ive"},
        {"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"},  {"iviti", "ive"}, {"biliti", "ble"},
        {"logi", "log"},
    };
    apply_rules(x, rules, sizeof rules / sizeof rules[0], 0);
}

static void step3(word *x)
{
    static const rule rules[] = {
        {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"},
        {"ical", "ic"},  {"ful", ""},   {"ness", ""},
    };
    apply_rules(x, rules, sizeof rules / sizeof rules[0], 0);
}

static void step4(word *x)
{
    static const char *const sufs[] = {
        "al",  "ance", "ence", "er",  "ic",  "able", "ible", "ant", "ement", "ment",
        "ent", "ion",  "ou",   "ism", "ate", "iti",  "ous",  "ive", "ize",
    };
    /* Longest match first matters where one suffix ends another
     * ("ement"/"ment"/"ent"): try every suffix and keep the longest. */
    size_t best = 0, best_s = 0;
    for (size_t i = 0; i < sizeof sufs / sizeof sufs[0]; i++) {
        size_t s;
        size_t k = strlen(sufs[i]);
        if (k > best && ends(x, sufs[i], &s)) {
            best = k;
            best_s = s;
        }
    }
    if (!best || measure(x, best_s) <= 1) return;
    if (best == 3 && memcmp(x->w + best_s, "ion", 3) == 0) {
        if (best_s == 0 || (x->w[best_s - 1] != 's' && x->w[best_s - 1] != 't')) return;
    }
    x->n = best_s;
}

static void step5(word *x)
{
    size_t s;
    if (ends(x, "e", &s)) {
        int m = measure(x, s);
        if (m > 1 || (m == 1 && !cvc(x, s))) x->n = s;
    }
    if (x->n >= 2 && x->w[x->n - 1] == 'l' && double_cons(x, x->n) && measure(x, x->n) > 1) x->n--;
}

size_t ks_stem_en(const char *in, size_t len, char out[KS_STEM_MAX])
{
    int plain = len >= 3 && len < KS_STEM_MAX;
    for (size_t i = 0; plain && i < len; i++)
        if (in[i] < 'a' || in[i] > 'z') plain = 0;
    if (!plain) {
        size_t n = len < KS_STEM_MAX ? len : KS_STEM_MAX - 1;
        memcpy(out, in, n);
        out[n] = '\0';
        return n;
    }
    word x;
    memcpy(x.w, in, len);
    x.n = len;
    step1ab(&x);
    step1c(&x);
    step2(&x);
    step3(&x);
    step4(&x);
    step5(&x);
    memcpy(out, x.w, x.n);
    out[x.n] = '\0';
    return x.n;
}

/* Function words: articles, pronouns, auxiliaries, prepositions and
 * conjunctions. Sorted, for the binary search below; lengths are kept so
 * the search (run for every word indexed) never calls strlen. */
#define W(s)                                                                                                 \
    {                                                                                                        \
        s, sizeof(s) - 1                                                                                     \
    }
static const struct {
    const char *w;
    size_t len;
} stop_words[] = {
    W("a"),         W("about"),   W("above"),      W("after"),   W("again"), W("against"),  W("all"),
    W("am"),        W("an"),      W("and"),        W("any"),     W("are"),   W("as"),       W("at"),
    W("be"),        W("because"), W("been"),       W("before"),  W("being"), W("below"),    W("between"),
    W("both"),      W("but"),     W("by"),         W("can"),     W("could"), W("did"),      W("do"),
    W("does"),      W("doing"),   W("down"),       W("during"),  W("each"),  W("few"),      W("for"),
    W("from"),      W("further"), W("had"),        W("has"),     W("have"),  W("having"),   W("he"),
    W("her"),       W("here"),    W("hers"),       W("herself"), W("him"),   W("himself"),  W("his"),
    W("how"),       W("i"),       W("if"),         W("im"),      W("in"),    W("into"),     W("is"),
    W("it"),        W("its"),     W("itself"),     W("just"),    W("me"),    W("more"),     W("most"),
    W("my"),        W("myself"),  W("no"),         W("nor"),     W("not"),   W("of"),       W("off"),
    W("on"),        W("once"),    W("only"),       W("or"),      W("other"), W("our"),      W("ours"),
    W("ourselves"), W("out"),     W("over"),       W("own"),     W("same"),  W("she"),      W("should"),
    W("so"),        W("some"),    W("such"),       W("than"),    W("that"),  W("the"),      W("their"),
    W("theirs"),    W("them"),    W("themselves"), W("then"),    W("there"), W("these"),    W("they"),
    W("this"),      W("those"),   W("through"),    W("to"),      W("too"),   W("under"),    W("until"),
    W("up"),        W("very"),    W("was"),        W("we"),      W("were"),  W("what"),     W("when"),
    W("where"),     W("which"),   W("while"),      W("who"),     W("whom"),  W("why"),      W("will"),
    W("with"),      W("would"),   W("you"),        W("your"),    W("yours"), W("yourself"), W("yourselves"),
};
#undef W

int ks_stem_is_stop(const char *word_s, size_t len)
{
    if (len == 0 || len > 10 || word_s[0] < 'a' || word_s[0] > 'y') return 0;
    size_t lo = 0, hi = sizeof stop_words / sizeof stop_words[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        size_t wl = stop_words[mid].len;
        int c = memcmp(stop_words[mid].w, word_s, wl < len ? wl : len);
        if (c == 0) c = wl < len ? -1 : (wl > len ? 1 : 0);
        if (c == 0) return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
