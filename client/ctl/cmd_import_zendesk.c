/*
 * cmd_import_zendesk.c - `kioskctl import-zendesk [--out FILE] PAGE...`
 * (docs/zendesk.md): converts Zendesk Guide article export pages into
 * kiosk-faq/1 and imports them into the store (merge), or writes the
 * converted document to FILE (to review it, or to build a bundle from).
 *
 * Only argument handling and reporting; conversion is client/core/zendesk.c,
 * validation faq.c, storing store.c. Nothing is stored unless the whole
 * converted document validates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ks/faq.h"
#include "ks/file.h"
#include "ks/store.h"
#include "ks/zendesk.h"

int ks_cmd_import_zendesk(const char *data_dir, int argc, char **argv)
{
    const char *out_file = NULL;
    int i = 1, exit_code = 1;
    if (i + 1 < argc && strcmp(argv[i], "--out") == 0) {
        out_file = argv[i + 1];
        i += 2;
    }
    int n = argc - i;
    if (n <= 0 || argv[i][0] == '-') {
        fprintf(stderr, "usage: kioskctl [--data-dir DIR] import-zendesk [--out FILE] EXPORT_PAGE.json...\n");
        return 2;
    }
    ks_error err = {0};
    ks_zendesk_page *pages = calloc((size_t)n, sizeof *pages);
    char **data = calloc((size_t)n, sizeof *data);
    char *json = NULL;
    ks_faq *faq = NULL;
    ks_store *store = NULL;
    ks_zendesk_stats st = {0};
    if (!pages || !data) {
        fprintf(stderr, "kioskctl: import-zendesk: out of memory\n");
        goto out;
    }
    for (int k = 0; k < n; k++) {
        size_t len = 0;
        if (ks_file_read_all(argv[i + k], KS_ZENDESK_MAX_PAGE_BYTES, &data[k], &len, &err) != KS_OK) {
            fprintf(stderr, "kioskctl: import-zendesk: %s\n", err.msg);
            goto out;
        }
        pages[k] = (ks_zendesk_page){data[k], len, argv[i + k]};
    }
    if (ks_zendesk_convert(pages, (size_t)n, &json, &st, &err) != KS_OK ||
        ks_faq_parse(json, strlen(json), "converted Zendesk export", &faq, &err) != KS_OK) {
        fprintf(stderr, "kioskctl: import-zendesk: %s (nothing was changed)\n", err.msg);
        goto out;
    }
    if (out_file) {
        if (ks_file_write_atomic(out_file, json, strlen(json), &err) != KS_OK) {
            fprintf(stderr, "kioskctl: import-zendesk: %s\n", err.msg);
            goto out;
        }
        printf("converted %zu articles (%zu sections) into %s", st.articles, st.sections, out_file);
    } else {
        ks_import_stats is = {0};
        if (ks_store_open(data_dir, &store, &err) != KS_OK ||
            ks_store_import(store, &faq, 1, NULL, &is, &err) != KS_OK) {
            fprintf(stderr, "kioskctl: import-zendesk: %s (nothing was changed)\n", err.msg);
            goto out;
        }
        printf("imported %zu Zendesk articles (%zu sections) into %s", st.articles, st.sections, data_dir);
    }
    printf("; skipped %zu drafts, %zu superseded copies\n", st.drafts, st.superseded);
    if (st.n_media) {
        printf("the articles show %zu images: put these files in the content's media/ folder:\n", st.n_media);
        for (size_t k = 0; k < st.n_media; k++)
            printf("  media/%s\n", st.media[k]);
    }
    if (st.more_pages)
        fprintf(stderr,
                "kioskctl: import-zendesk: warning: the last page names a next_page: the export has more "
                "pages than were given\n");
    exit_code = 0;
out:
    ks_store_close(store);
    ks_faq_free(faq);
    free(json);
    ks_zendesk_stats_free(&st);
    for (int k = 0; data && k < n; k++)
        free(data[k]);
    free(data);
    free(pages);
    return exit_code;
}
