/*
 * test_wordvec.c - the word-vector table end to end: small sources in the
 * wink-embeddings shape are built with ks_wordvec_build (wordvec_build.c)
 * and read back with ks_wordvec_open / ks_wordvec_add (wordvec.c). Proves
 * the keys are the analyser's terms (stems merged, function words kept
 * whole, punctuation and multi-word entries dropped), the Zipf weights,
 * determinism, and that malformed sources and damaged tables are refused
 * with messages that say where.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "ks/file.h"
#include "ks/wordvec.h"

#define DIM 4
#define A 3e-3

/* A source word: its JSON spelling (already escaped) and its vector. */
typedef struct fx_word {
    const char *json;
    float v[DIM];
} fx_word;

/* Rank order: the most frequent first. */
static const fx_word words[] = {
    {"the", {1, 0, 0, 0}},            /* 0: function word, kept unstemmed */
    {",", {0, 0, 0, 1}},              /* 1: punctuation: no term */
    {"car", {0, 1, 0, 0}},            /* 2: merges with "cars" */
    {"was", {0, 0, 1, 1}},            /* 3: function word Porter would cut to "wa" */
    {"e-mail", {1, 1, 1, 1}},         /* 4: two terms ("e", "mail"): dropped */
    {"cars", {0, 0, 1, 0}},           /* 5: stem "car" */
    {"\\\"", {1, 1, 0, 0}},           /* 6: a quote, escaped: no term */
    {"caf\\u00e9", {0, 0, 0, -2}},    /* 7: \u escape, accent folded: "cafe" */
    {"\\ud83d\\ude00", {1, 0, 1, 0}}, /* 8: a surrogate pair (emoji): no term */
    {"zebra", {-3, 0, 0.5f, 0}},      /* 9: rare, heavy */
    {"aed", {0, 2, 0, 0}},            /* 10: stems to "a", a function word's spelling: dropped */
};
#define N_WORDS (sizeof words / sizeof words[0])

/* Writes a source with the given words; vectors are listed in reverse
 * rank order (the builder must go by their index, not their order).
 * Returns the JSON text (static buffer) so tests can corrupt it. */
static const char *source_text(const fx_word *w, size_t n)
{
    static char buf[16384];
    size_t o = 0;
    o += (size_t)snprintf(
        buf + o, sizeof buf - o,
        "{\"precision\":8,\"l2NormIndex\":%d,\"wordIndex\":%d,\"size\":%zu,\"dimensions\":%d,"
        "\"words\":[",
        DIM, DIM + 1, n, DIM);
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\"%s\"", i ? "," : "", w[i].json);
    o += (size_t)snprintf(buf + o, sizeof buf - o, "],\"vectors\":{");
    for (size_t k = 0; k < n; k++) {
        size_t i = n - 1 - k;
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\"%s\":[", k ? "," : "", w[i].json);
        for (int j = 0; j < DIM; j++)
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%g,", (double)w[i].v[j]);
        o += (size_t)snprintf(buf + o, sizeof buf - o, "1.5,%zu]", i);
    }
    o += (size_t)snprintf(buf + o, sizeof buf - o, "},\"unkVector\":[0,0,0,0,0,-1]}\n");
    return buf;
}

static const char *tmp_path(const char *name)
{
    static char buf[4][600];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", ks_test_tmpdir(), name);
    return buf[i];
}

static void write_text(const char *path, const char *text)
{
    ks_error err;
    KS_REQUIRE(ks_file_write_atomic(path, text, strlen(text), &err) == KS_OK);
}

static ks_wordvec *build_and_open(const char *text, size_t max_words, size_t *n_keys)
{
    ks_error err = {0};
    const char *src = tmp_path("src.json"), *out = tmp_path("table.ksv");
    write_text(src, text);
    ks_wordvec_build_opts opts = {.max_words = max_words};
    ks_status st = ks_wordvec_build(src, out, &opts, n_keys, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    if (st != KS_OK) return NULL;
    ks_wordvec *v = NULL;
    st = ks_wordvec_open(out, &v, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    return v;
}

/* Zipf probability of a rank among size words, as the builder defines it. */
static double zipf(size_t rank, size_t size)
{
    double h = 0;
    for (size_t r = 0; r < size; r++)
        h += 1.0 / ((double)r + 2.7);
    return 1.0 / (((double)rank + 2.7) * h);
}

static double lookup(const ks_wordvec *v, const char *term, float acc[DIM])
{
    memset(acc, 0, DIM * sizeof *acc);
    return ks_wordvec_add(v, term, strlen(term), acc);
}

static int near(double a, double b, double tol)
{
    return fabs(a - b) <= tol;
}

static void test_build_keys_are_analyser_terms(void)
{
    size_t n_keys = 0;
    ks_wordvec *v = build_and_open(source_text(words, N_WORDS), 0, &n_keys);
    KS_REQUIRE(v);
    /* the, car (+cars), was, cafe, zebra */
    KS_CHECK(n_keys == 5);
    KS_CHECK(ks_wordvec_count(v) == 5);
    KS_CHECK(ks_wordvec_dim(v) == DIM);
    float acc[DIM];
    KS_CHECK(lookup(v, "the", acc) > 0);
    KS_CHECK(lookup(v, "car", acc) > 0);
    KS_CHECK(lookup(v, "was", acc) > 0);
    KS_CHECK(lookup(v, "cafe", acc) > 0);
    KS_CHECK(lookup(v, "zebra", acc) > 0);
    /* function words keep their spelling; only the stem is a key */
    KS_CHECK(lookup(v, "wa", acc) == 0);
    KS_CHECK(lookup(v, "cars", acc) == 0);
    /* punctuation, quotes, emoji and two-term words give no key */
    KS_CHECK(lookup(v, ",", acc) == 0);
    KS_CHECK(lookup(v, "\"", acc) == 0);
    KS_CHECK(lookup(v, "e", acc) == 0);
    KS_CHECK(lookup(v, "mail", acc) == 0);
    KS_CHECK(lookup(v, "e-mail", acc) == 0);
    KS_CHECK(lookup(v, "caf\xc3\xa9", acc) == 0);
    /* a stem that spells a function word is not that word */
    KS_CHECK(lookup(v, "a", acc) == 0);
    KS_CHECK(lookup(v, "aed", acc) == 0);
    /* an unknown term adds nothing */
    float before[DIM];
    lookup(v, "zebra", acc);
    memcpy(before, acc, sizeof before);
    KS_CHECK(ks_wordvec_add(v, "unicorn", 7, acc) == 0);
    KS_CHECK(memcmp(before, acc, sizeof before) == 0);
    ks_wordvec_close(v);
}

static void test_build_merges_stems_weighted_by_frequency(void)
{
    ks_wordvec *v = build_and_open(source_text(words, N_WORDS), 0, NULL);
    KS_REQUIRE(v);
    float acc[DIM];
    double w = lookup(v, "car", acc);
    double p2 = zipf(2, N_WORDS), p5 = zipf(5, N_WORDS);
    KS_CHECK_MSG(near(w, A / (A + p2 + p5), 1e-6), "weight %g, expected %g", w, A / (A + p2 + p5));
    /* "car" [0,1,0,0] at rank 2 and "cars" [0,0,1,0] at rank 5: the mean
     * leans to the more frequent word in the ratio of their p. */
    KS_CHECK(acc[0] == 0 && acc[3] == 0);
    KS_REQUIRE(acc[2] > 0);
    KS_CHECK_MSG(near(acc[1] / acc[2], p2 / p5, 0.02), "ratio %g, expected %g", acc[1] / acc[2], p2 / p5);
    /* the stored vector is the mean (scaled by the weight), not the sum */
    double expect1 = w * p2 / (p2 + p5);
    KS_CHECK_MSG(near(acc[1], expect1, 0.01), "component %g, expected %g", acc[1], expect1);
    /* int8 quantisation keeps the largest component exact */
    double wz = lookup(v, "zebra", acc);
    KS_CHECK(near(acc[0], -3 * wz, 1e-5));
    KS_CHECK(near(acc[2], 0.5 * wz, 3.0 / 127 * wz));
    ks_wordvec_close(v);
}

static void test_build_weights_decrease_with_frequency(void)
{
    ks_wordvec *v = build_and_open(source_text(words, N_WORDS), 0, NULL);
    KS_REQUIRE(v);
    float acc[DIM];
    double the = lookup(v, "the", acc), was = lookup(v, "was", acc), cafe = lookup(v, "cafe", acc),
           zebra = lookup(v, "zebra", acc);
    KS_CHECK(the > 0 && the < was && was < cafe && cafe < zebra && zebra < 1);
    KS_CHECK(near(the, A / (A + zipf(0, N_WORDS)), 1e-6));
    ks_wordvec_close(v);
}

static void test_build_keeps_only_the_most_frequent_words(void)
{
    size_t n_keys = 0;
    ks_wordvec *v = build_and_open(source_text(words, N_WORDS), 3, &n_keys);
    KS_REQUIRE(v);
    KS_CHECK(n_keys == 2); /* the, car */
    float acc[DIM];
    KS_CHECK(lookup(v, "zebra", acc) == 0);
    /* "cars" is past the limit: "car" is that word alone, but p still
     * counts the whole source */
    double w = lookup(v, "car", acc);
    KS_CHECK(near(w, A / (A + zipf(2, N_WORDS)), 1e-6));
    KS_CHECK(acc[2] == 0 && acc[1] > 0);
    ks_wordvec_close(v);
}

static void test_build_skips_empty_and_han_words(void)
{
    size_t n_keys = 0;
    ks_wordvec *v =
        build_and_open("{\"size\":3,\"dimensions\":2,\"words\":[\"\",\"\xe5\x8c\x97\xe4\xba\xac\",\"zebra\"],"
                       "\"vectors\":{\"\":[1,0,1,0],\"zebra\":[0,1,1,2],"
                       "\"\\u5317\\u4eac\":[1,1,1.4,1]}}",
                       0, &n_keys);
    KS_REQUIRE(v);
    KS_CHECK(n_keys == 1);
    float acc[2] = {0};
    KS_CHECK(ks_wordvec_add(v, "zebra", 5, acc) > 0);
    KS_CHECK(ks_wordvec_add(v, "\xe5\x8c\x97", 3, acc) == 0);
    ks_wordvec_close(v);
}

static void test_build_is_deterministic_and_id_follows_content(void)
{
    ks_error err = {0};
    char src[600]; /* tmp_path's buffers are reused */
    snprintf(src, sizeof src, "%s", tmp_path("src.json"));
    write_text(src, source_text(words, N_WORDS));
    KS_REQUIRE(ks_wordvec_build(src, tmp_path("a.ksv"), NULL, NULL, &err) == KS_OK);
    KS_REQUIRE(ks_wordvec_build(src, tmp_path("b.ksv"), NULL, NULL, &err) == KS_OK);
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    KS_REQUIRE(ks_file_read_all(tmp_path("a.ksv"), 1 << 20, &a, &la, &err) == KS_OK);
    KS_REQUIRE(ks_file_read_all(tmp_path("b.ksv"), 1 << 20, &b, &lb, &err) == KS_OK);
    KS_CHECK(la == lb && memcmp(a, b, la) == 0);
    free(a);
    free(b);

    fx_word changed[N_WORDS];
    memcpy(changed, words, sizeof changed);
    changed[9].v[1] = 0.25f;
    write_text(tmp_path("src2.json"), source_text(changed, N_WORDS));
    KS_REQUIRE(ks_wordvec_build(tmp_path("src2.json"), tmp_path("c.ksv"), NULL, NULL, &err) == KS_OK);
    ks_wordvec *va = NULL, *vb = NULL, *vc = NULL;
    KS_REQUIRE(ks_wordvec_open(tmp_path("a.ksv"), &va, &err) == KS_OK);
    KS_CHECK(ks_wordvec_open(tmp_path("b.ksv"), &vb, &err) == KS_OK);
    KS_CHECK(ks_wordvec_open(tmp_path("c.ksv"), &vc, &err) == KS_OK);
    KS_CHECK(ks_wordvec_id(va) == ks_wordvec_id(vb));
    KS_CHECK(ks_wordvec_id(va) != ks_wordvec_id(vc));
    uint64_t id_a = ks_wordvec_id(va);
    ks_wordvec_close(va);
    ks_wordvec_close(vb);
    ks_wordvec_close(vc);

    /* a different weight_a changes the weights, so the id too */
    ks_wordvec_build_opts opts = {.weight_a = 1e-2};
    KS_REQUIRE(ks_wordvec_build(src, tmp_path("d.ksv"), &opts, NULL, &err) == KS_OK);
    ks_wordvec *vd = NULL;
    KS_REQUIRE(ks_wordvec_open(tmp_path("d.ksv"), &vd, &err) == KS_OK);
    float acc[DIM] = {0};
    KS_CHECK(near(lookup(vd, "the", acc), 1e-2 / (1e-2 + zipf(0, N_WORDS)), 1e-6));
    KS_CHECK(ks_wordvec_id(vd) != id_a);
    ks_wordvec_close(vd);
}

/* ---- malformed sources ---- */

/* Builds from text and checks the error: KS_ERR_INVALID and a message with
 * the file's name and every given substring. */
static void expect_refused(const char *text, const char *want1, const char *want2)
{
    ks_error err = {0};
    const char *src = tmp_path("bad.json"), *out = tmp_path("bad.ksv");
    write_text(src, text);
    ks_status st = ks_wordvec_build(src, out, NULL, NULL, &err);
    KS_CHECK_MSG(st == KS_ERR_INVALID, "status %d for %s", (int)st, text);
    KS_CHECK_MSG(strstr(err.msg, src) != NULL, "message: %s", err.msg);
    KS_CHECK_MSG(strstr(err.msg, want1) != NULL, "want \"%s\" in: %s", want1, err.msg);
    if (want2) KS_CHECK_MSG(strstr(err.msg, want2) != NULL, "want \"%s\" in: %s", want2, err.msg);
    KS_CHECK(access(out, F_OK) != 0); /* nothing written */
}

/* The source with the first occurrence of from replaced by to; *at gets
 * the byte offset where from was. */
static const char *replaced(const char *from, const char *to, size_t *at)
{
    static char buf[16384];
    const char *text = source_text(words, N_WORDS);
    const char *p = strstr(text, from);
    if (!p) return "";
    *at = (size_t)(p - text);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)*at, text, to, p + strlen(from));
    return buf;
}

static const char *byte_at(size_t off)
{
    static char buf[4][32];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], ": byte %zu: ", off);
    return buf[i];
}

static void test_build_refuses_malformed_json_naming_the_byte(void)
{
    size_t at = 0;
    expect_refused("{\"dimensions\" 4}", ": byte 14: ", "expected ':' after a key");
    expect_refused("[1,2]", ": byte 0: ", "expected '{'");
    expect_refused("", ": byte 0: ", "end of the file");

    /* a missing ':' deep inside "vectors" */
    const char *t = replaced("\"zebra\":[", "\"zebra\" [", &at);
    expect_refused(t, byte_at(at + 8), "expected ':' after a key");
    /* a number JSON does not allow */
    t = replaced("\"zebra\":[-3,", "\"zebra\":[-.3,", &at);
    expect_refused(t, byte_at(at + 10), "expected a number");
    t = replaced("\"zebra\":[-3,", "\"zebra\":[-3.,", &at);
    expect_refused(t, byte_at(at + 12), "digit after the decimal point");
    t = replaced("\"zebra\":[-3,", "\"zebra\":[1e999,", &at);
    expect_refused(t, byte_at(at + 9), "out of range");
    /* a missing comma between numbers */
    t = replaced("\"zebra\":[-3,", "\"zebra\":[-3 ", &at);
    expect_refused(t, byte_at(at + 12), "expected ',' or ']'");
    /* strings: bad escape, unclosed, control character, invalid UTF-8,
     * lone surrogate */
    t = replaced("\"car\",", "\"ca\\qr\",", &at);
    expect_refused(t, byte_at(at + 3), "invalid escape");
    t = replaced("\"car\",", "\"car\x01\",", &at);
    expect_refused(t, byte_at(at + 4), "control character");
    t = replaced("\"car\",", "\"ca\xc3\",", &at);
    expect_refused(t, byte_at(at), "not valid UTF-8");
    t = replaced("\"car\",", "\"\\ud83dcar\",", &at);
    expect_refused(t, byte_at(at + 1), "surrogate");
    t = replaced("\"car\",", "\"\\u12g4\",", &at);
    expect_refused(t, byte_at(at + 1), "four hex digits");
    expect_refused("{\"words\":[\"car", ": byte 14: ", "the string that starts at byte 10 is not closed");
    /* cut short in the middle of "vectors" */
    const char *full = source_text(words, N_WORDS);
    char cut[16384];
    size_t half = (size_t)(strstr(full, "\"car\":[") - full) + 7;
    snprintf(cut, sizeof cut, "%.*s", (int)half, full);
    expect_refused(cut, byte_at(half), "expected a number, found the end of the file");
    /* something after the object */
    snprintf(cut, sizeof cut, "%.*s x", (int)(strlen(full) - 1), full);
    expect_refused(cut, byte_at(strlen(full)), "after the end of the JSON object");
    /* an unused key is still checked as JSON */
    t = replaced("\"precision\":8", "\"precision\":tru", &at);
    expect_refused(t, byte_at(at + 12), "invalid literal");
}

static void test_build_refuses_sources_of_the_wrong_shape(void)
{
    size_t at = 0;
    /* a vector with one number too few, and one too many */
    const char *t = replaced("\"zebra\":[-3,", "\"zebra\":[", &at);
    expect_refused(t, byte_at(at + 8), "has 5 numbers, expected 6");
    t = replaced("\"zebra\":[-3,", "\"zebra\":[-3,0,", &at);
    expect_refused(t, "more than 6 numbers", NULL);
    /* an index that is not the word's rank in "words" */
    t = replaced("1.5,9]", "1.5,8]", &at);
    expect_refused(t, "already given to another word", NULL);
    t = replaced("1.5,9]", "1.5,9.5]", &at);
    expect_refused(t, byte_at(at + 4), "is not a rank");
    t = replaced("\"zebra\":[", "\"zebro\":[", &at);
    expect_refused(t, byte_at(at), "word 9 of \"words\" is \"zebra\"");
    /* counts that disagree with "size" */
    t = replaced("\"size\":11", "\"size\":12", &at);
    expect_refused(t, "\"words\" has 11 words but \"size\" is 12", NULL);
    /* a key twice, a layout this builder does not read, a missing key,
     * "vectors" before "dimensions" */
    t = replaced("\"precision\":8", "\"size\":11", &at);
    expect_refused(t, "key \"size\" appears twice", NULL);
    t = replaced("\"l2NormIndex\":4", "\"l2NormIndex\":0", &at);
    expect_refused(t, byte_at(at + 14), "l2NormIndex");
    t = replaced("\"dimensions\":4", "\"dimension\":4", &at);
    expect_refused(t, "vectors\" comes before \"dimensions\"", NULL);
    expect_refused("{\"size\":1,\"dimensions\":2}", ": byte 24: ", "has no \"words\"");
    expect_refused("{\"dimensions\":0}", ": byte 14: ", "\"dimensions\" must be a whole number");
    /* no word gives a term */
    expect_refused("{\"size\":1,\"dimensions\":1,\"words\":[\",\"],\"vectors\":{\",\":[1,1,0]}}",
                   "none of the first 1 words gives a search term", NULL);
}

static void test_build_reports_missing_file_and_unwritable_output(void)
{
    ks_error err = {0};
    const char *missing = tmp_path("nope.json");
    KS_CHECK(ks_wordvec_build(missing, tmp_path("x.ksv"), NULL, NULL, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK_MSG(strstr(err.msg, missing) != NULL, "%s", err.msg);
    write_text(tmp_path("src.json"), source_text(words, N_WORDS));
    KS_CHECK(ks_wordvec_build(tmp_path("src.json"), tmp_path("no/such/dir/x.ksv"), NULL, NULL, &err) !=
             KS_OK);
    KS_CHECK_MSG(strstr(err.msg, "no/such/dir") != NULL, "%s", err.msg);
    ks_wordvec_build_opts bad = {.weight_a = -1};
    KS_CHECK(ks_wordvec_build(tmp_path("src.json"), tmp_path("x.ksv"), &bad, NULL, &err) == KS_ERR_INVALID);
}

/* ---- damaged tables ---- */

static void expect_open_refused(const char *path, const char *bytes, size_t len)
{
    ks_error err = {0};
    KS_REQUIRE(ks_file_write_atomic(path, bytes, len, &err) == KS_OK);
    ks_wordvec *v = (ks_wordvec *)&err; /* must be reset to NULL */
    ks_status st = ks_wordvec_open(path, &v, &err);
    KS_CHECK_MSG(st == KS_ERR_CORRUPT, "status %d: %s", (int)st, err.msg);
    KS_CHECK(v == NULL);
    KS_CHECK_MSG(strstr(err.msg, path) != NULL, "%s", err.msg);
}

static void put32(char *p, uint32_t x)
{
    for (int i = 0; i < 4; i++)
        p[i] = (char)(x >> (8 * i));
}

static void test_open_refuses_damaged_tables(void)
{
    ks_error err = {0};
    write_text(tmp_path("src.json"), source_text(words, N_WORDS));
    KS_REQUIRE(ks_wordvec_build(tmp_path("src.json"), tmp_path("good.ksv"), NULL, NULL, &err) == KS_OK);
    char *good = NULL;
    size_t len = 0;
    KS_REQUIRE(ks_file_read_all(tmp_path("good.ksv"), 1 << 20, &good, &len, &err) == KS_OK);
    KS_REQUIRE(len > KS_WORDVEC_HEADER + 64);
    char *b = malloc(len);
    KS_REQUIRE(b);

    /* the layout is the documented one */
    KS_CHECK(memcmp(good, KS_WORDVEC_MAGIC, 8) == 0);
    uint32_t hdr[4];
    memcpy(hdr, good + 8, sizeof hdr);
    KS_CHECK(hdr[0] == DIM && hdr[1] == 5 && hdr[2] == 16 && hdr[3] == KS_WORDVEC_ANALYZER);
    KS_CHECK(len ==
             KS_WORDVEC_HEADER + 4 * 16 + KS_WORDVEC_ENTRY * 5 + 5 * DIM + strlen("thecarwascafezebra"));

    expect_open_refused(tmp_path("short.ksv"), good, 20);                     /* no whole header */
    expect_open_refused(tmp_path("trunc.ksv"), good, KS_WORDVEC_HEADER + 40); /* cut in the slots */
    expect_open_refused(tmp_path("trunc2.ksv"), good, len - 3);               /* cut in the keys */
    memcpy(b, good, len);
    b[0] = 'X';
    expect_open_refused(tmp_path("magic.ksv"), b, len);
    memcpy(b, good, len);
    put32(b + 20, KS_WORDVEC_ANALYZER + 1);
    expect_open_refused(tmp_path("analyzer.ksv"), b, len);
    memcpy(b, good, len);
    b[len - 1] ^= 0x20; /* one letter of a key */
    expect_open_refused(tmp_path("flip.ksv"), b, len);
    memcpy(b, good, len);
    b[KS_WORDVEC_HEADER + 4 * 16 + KS_WORDVEC_ENTRY * 5] ^= 1; /* a vector component */
    expect_open_refused(tmp_path("flip2.ksv"), b, len);

    ks_wordvec *v = NULL;
    KS_CHECK(ks_wordvec_open(tmp_path("missing.ksv"), &v, &err) != KS_OK);
    KS_CHECK(v == NULL);
    free(b);
    free(good);
}

/* The vectors stay on disk and are read per lookup: a table the build
 * replaces (a new file renamed over it) keeps answering as opened, and one
 * cut short under the process answers "unknown" instead of crashing. */
static void test_lookups_read_the_file_as_opened(void)
{
    ks_wordvec *v = build_and_open(source_text(words, N_WORDS), 0, NULL);
    KS_REQUIRE(v);
    float a[DIM], b[DIM];
    double w = lookup(v, "zebra", a);
    KS_CHECK(w > 0);
    /* replaced by rename, as the build does: the old file is still read */
    const char *tmp = tmp_path("other.ksv");
    write_text(tmp, "not a table");
    KS_REQUIRE(rename(tmp, tmp_path("table.ksv")) == 0);
    KS_CHECK(lookup(v, "zebra", b) == w);
    KS_CHECK(memcmp(a, b, sizeof a) == 0);
    ks_wordvec_close(v);

    /* cut short in place while open: no vector can be read any more */
    v = build_and_open(source_text(words, N_WORDS), 0, NULL);
    KS_REQUIRE(v);
    KS_CHECK(lookup(v, "zebra", a) > 0);
    KS_REQUIRE(truncate(tmp_path("table.ksv"), KS_WORDVEC_HEADER) == 0);
    KS_CHECK(lookup(v, "zebra", b) == 0);
    ks_wordvec_close(v);
}

int main(void)
{
    KS_RUN(test_build_keys_are_analyser_terms);
    KS_RUN(test_build_merges_stems_weighted_by_frequency);
    KS_RUN(test_build_weights_decrease_with_frequency);
    KS_RUN(test_build_keeps_only_the_most_frequent_words);
    KS_RUN(test_build_skips_empty_and_han_words);
    KS_RUN(test_build_is_deterministic_and_id_follows_content);
    KS_RUN(test_build_refuses_malformed_json_naming_the_byte);
    KS_RUN(test_build_refuses_sources_of_the_wrong_shape);
    KS_RUN(test_build_reports_missing_file_and_unwritable_output);
    KS_RUN(test_open_refuses_damaged_tables);
    KS_RUN(test_lookups_read_the_file_as_opened);
    return ks_test_summary();
}
