/*
 * fuzz_manifest.c - libFuzzer target for the bundle manifest: the envelope
 * (untrusted bytes from the network, parsed before any signature check),
 * the signature check, and the inner manifest parser (names, hashes,
 * sizes, limits). Nothing may crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <sodium.h>

#include "ks/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned char pk[32];
    static int ready;
    if (!ready) {
        if (sodium_init() < 0) return 0;
        unsigned char sk[64];
        crypto_sign_keypair(pk, sk);
        ready = 1;
    }
    ks_manifest *m = NULL;
    ks_error err;
    if (ks_manifest_parse((const char *)data, size, "fuzz", &m, &err) == KS_OK) {
        char rel[96];
        for (size_t i = 0; i < m->n_files; i++)
            ks_manifest_file_relpath(&m->files[i], rel, sizeof rel);
        if (m->n_files > m->n_content) (void)ks_manifest_find_media(m, m->files[m->n_content].name);
        ks_manifest_free(m);
        m = NULL;
    }
    if (ks_manifest_open((const char *)data, size, "fuzz", pk, 1790000000, &m, &err) == KS_OK)
        ks_manifest_free(m);
    char *inner = NULL;
    size_t len = 0;
    if (ks_manifest_envelope_signed((const char *)data, size, "fuzz", &inner, &len, &err) == KS_OK)
        free(inner);
    return 0;
}
