/*
 * fuzz_zendesk.c - libFuzzer target for the Zendesk connector: the HTML
 * tag scanner and entity decoder on arbitrary bytes, and the export page
 * converter on arbitrary JSON. Nothing may crash, hang or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ks/zendesk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = NULL;
    char **media = NULL;
    size_t n_media = 0;
    ks_error err;
    if (ks_zendesk_html_to_markup((const char *)data, size, &out, &media, &n_media, &err) == KS_OK) free(out);
    for (size_t i = 0; i < n_media; i++)
        free(media[i]);
    free(media);
    ks_zendesk_page page = {(const char *)data, size, "fuzz"};
    ks_zendesk_stats st = {0};
    char *json = NULL;
    if (ks_zendesk_convert(&page, 1, &json, &st, &err) == KS_OK) {
        free(json);
        ks_zendesk_stats_free(&st);
    }
    return 0;
}
