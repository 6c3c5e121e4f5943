/*
 * fuzz_richtext.c - libFuzzer target for the article markup parser: any
 * bytes must parse, keep the header's promises (valid spans, no empty
 * runs, no two neighbours with the same style) and strip to plain text.
 * Build: cmake -DKS_FUZZ=ON -DCMAKE_C_COMPILER=clang; run with a corpus
 * of article bodies, e.g. ./fuzz_richtext -max_total_time=60.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ks/richtext.h"

static void check(int cond)
{
    if (!cond) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_richtext *r = NULL;
    if (ks_richtext_parse((const char *)data, size, &r, NULL) != KS_OK) return 0;
    for (size_t i = 0; i < r->n_blocks; i++) {
        const ks_rt_block *b = &r->blocks[i];
        if (b->kind == KS_RT_IMAGE) {
            check(b->src && b->src[0] && b->alt && b->n_spans == 0);
            continue;
        }
        check(b->n_spans > 0);
        for (size_t k = 0; k < b->n_spans; k++) {
            const ks_rt_span *s = &b->spans[k];
            check(s->len > 0 && strlen(s->text) == s->len);
            check(!s->link || strlen(s->link) > 0);
            if (k > 0) {
                const ks_rt_span *p = &b->spans[k - 1];
                int same_link = (!p->link && !s->link) || (p->link && s->link && !strcmp(p->link, s->link));
                check(p->bold != s->bold || !same_link);
            }
        }
    }
    char *plain = ks_richtext_plain(r);
    check(plain != NULL);
    free(plain);
    ks_richtext_free(r);
    return 0;
}
