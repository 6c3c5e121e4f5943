/*
 * fuzz_encoder.c - libFuzzer target for the sentence encoder's input side:
 * any bytes a visitor can type go through the SentencePiece lattice and
 * must come back as pieces of the vocabulary, at most what was asked for.
 * The network itself only ever sees those ids; it runs here on the
 * shortest inputs alone (a 1-2 piece pass already costs ~100 ms under the
 * fuzzer's instrumentation) and must give a vector that is all zero
 * (nothing to read) or finite and of unit length. Never a crash, a leak
 * or an out-of-bounds read.
 *
 * The encoder file is the normal build's (scripts/fuzz.sh sets
 * $KS_ENCODER to build/share/encoder-en.kse); without it there is nothing
 * to fuzz and every input passes.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "ks/encoder.h"

static void check(int cond)
{
    if (!cond) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const ks_encoder *e = ks_encoder_default();
    if (!e) return 0;
    int32_t ids[200];
    size_t max = size ? 1 + data[0] % 160 : 1;
    size_t n = ks_encoder_tokenize(e, (const char *)data, size, ids, max);
    check(n <= max);
    for (size_t i = 0; i < n; i++)
        check(ids[i] >= 0 && ids[i] < 8002);
    if (size <= 3) {
        float v[KS_ENCODER_DIM];
        int ok = ks_encoder_embed(e, (const char *)data, size, 2, v);
        double norm = 0;
        for (int i = 0; i < KS_ENCODER_DIM; i++) {
            check(isfinite(v[i]));
            norm += (double)v[i] * v[i];
        }
        check(ok ? fabs(norm - 1.0) < 1e-3 : norm == 0);
    }
    return 0;
}
