/*
 * cmd_import.c - `kioskctl import`: puts content into the kiosk's store.
 *
 *   import [--replace-all] FILE...   kiosk-faq/1 files, all in one
 *                                    transaction (docs/kioskctl.md)
 *
 * Signed bundle directories (`import --pubkey PUBLIC_FILE BUNDLE_DIR`) are a
 * separate branch with its own function, kept apart from the plain-file
 * import below. This file only parses arguments and reports; parsing and
 * storing live in client/core (faq.c, store.c). It must not write to the
 * store unless every file parsed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ks/bundle.h"
#include "ks/clock.h"
#include "ks/faq.h"
#include "ks/locale.h"
#include "ks/path.h"
#include "ks/store.h"

static void import_usage(FILE *f)
{
    fprintf(f, "usage: kioskctl [--data-dir DIR] import [--replace-all] FILE...\n"
               "       kioskctl [--data-dir DIR] import --pubkey PUBLIC_FILE BUNDLE_DIR\n");
}

/* Article counts per locale over the imported documents, for the summary. */
static void locale_summary(ks_faq *const *faqs, size_t n, char *buf, size_t size)
{
    struct { char locale[KS_LOCALE_MAX]; size_t count; } seen[16];
    size_t n_seen = 0, other = 0;
    for (size_t f = 0; f < n; f++) {
        for (size_t i = 0; i < faqs[f]->n_articles; i++) {
            const char *loc = faqs[f]->articles[i].locale;
            size_t k = 0;
            while (k < n_seen && strcmp(seen[k].locale, loc) != 0) k++;
            if (k == n_seen) {
                if (n_seen == sizeof seen / sizeof seen[0]) {
                    other++;
                    continue;
                }
                snprintf(seen[k].locale, sizeof seen[k].locale, "%s", loc);
                seen[k].count = 0;
                n_seen++;
            }
            seen[k].count++;
        }
    }
    size_t at = 0;
    buf[0] = '\0';
    for (size_t k = 0; k <= n_seen && at + 1 < size; k++) {
        int w;
        if (k < n_seen) w = snprintf(buf + at, size - at, "%s%s %zu", k ? ", " : "", seen[k].locale, seen[k].count);
        else if (other) w = snprintf(buf + at, size - at, ", other %zu", other);
        else break;
        if (w < 0) break;
        at += (size_t)w < size - at ? (size_t)w : size - at - 1;
    }
}

/* The plain-file import: parse everything first, then one transaction. */
static int import_files(const char *data_dir, ks_import_mode mode, int n_files, char **files)
{
    int exit_code = 1;
    ks_error err = {0};
    ks_store *store = NULL;
    ks_faq **faqs = calloc((size_t)n_files, sizeof *faqs);
    if (!faqs) {
        fprintf(stderr, "kioskctl: import: out of memory\n");
        return 1;
    }
    uint64_t t0 = ks_clock_real_us();
    for (int i = 0; i < n_files; i++) {
        if (ks_path_is_dir(files[i])) {
            fprintf(stderr,
                    "kioskctl: import: %s is a directory: a signed bundle is imported with "
                    "--pubkey PUBLIC_FILE %s\n",
                    files[i], files[i]);
            goto out;
        }
        if (ks_faq_load_file(files[i], &faqs[i], &err) != KS_OK) {
            fprintf(stderr, "kioskctl: import: %s (nothing was changed)\n", err.msg);
            goto out;
        }
    }
    if (ks_store_open(data_dir, &store, &err) != KS_OK) {
        fprintf(stderr, "kioskctl: import: %s\n", err.msg);
        goto out;
    }
    ks_import_opts opts = {.mode = mode};
    ks_import_stats stats = {0};
    if (ks_store_import(store, faqs, (size_t)n_files, &opts, &stats, &err) != KS_OK) {
        fprintf(stderr, "kioskctl: import: %s (nothing was changed)\n", err.msg);
        goto out;
    }
    int64_t version = 0;
    ks_store_content_version(store, &version, NULL);
    char locales[256];
    locale_summary(faqs, (size_t)n_files, locales, sizeof locales);
    double secs = (double)(ks_clock_real_us() - t0) / 1e6;
    printf("imported %d file%s: %zu article%s (%s), %zu categor%s; %zu unchanged, %zu removed; "
           "content version %lld; %.2f s\n",
           n_files, n_files == 1 ? "" : "s", stats.articles, stats.articles == 1 ? "" : "s",
           locales[0] ? locales : "none", stats.categories, stats.categories == 1 ? "y" : "ies", stats.unchanged,
           stats.removed, (long long)version, secs);
    exit_code = 0;
out:
    ks_store_close(store);
    for (int i = 0; i < n_files; i++) ks_faq_free(faqs[i]);
    free(faqs);
    return exit_code;
}

/* The signed-bundle branch (the technician's USB path): every check of a
 * sync (signature, newer version, expiry, sizes and hashes) plus a free
 * disk check, then one switch. Work is in client/core/bundle.c. */
static int import_bundle(const char *data_dir, int argc, char **argv)
{
    if (argc != 4 || argv[3][0] == '-') {
        import_usage(stderr);
        return 2;
    }
    ks_error err = {0};
    unsigned char pk[32];
    ks_store *store = NULL;
    ks_bundle_import_stats st = {0};
    int exit_code = 1;
    uint64_t t0 = ks_clock_real_us();
    if (ks_bundle_read_pubkey(argv[2], pk, &err) != KS_OK || ks_store_open(data_dir, &store, &err) != KS_OK ||
        ks_bundle_import_dir(store, argv[3], pk, &st, &err) != KS_OK) {
        fprintf(stderr, "kioskctl: import: %s (live content unchanged)\n", err.msg);
        goto out;
    }
    if (st.already_installed)
        printf("bundle version %lld from %s is already installed: nothing to do\n", (long long)st.version, argv[3]);
    else
        printf("imported bundle version %lld from %s: %zu articles, %zu categories; %zu files copied (%.1f KB), "
               "%zu old files removed; %.2f s\n",
               (long long)st.version, argv[3], st.apply.articles, st.apply.categories, st.files_copied,
               st.bytes_copied / 1024.0, st.apply.gc_removed, (double)(ks_clock_real_us() - t0) / 1e6);
    exit_code = 0;
out:
    ks_store_close(store);
    return exit_code;
}

int ks_cmd_import(const char *data_dir, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--pubkey") == 0) return import_bundle(data_dir, argc, argv);
    ks_import_mode mode = KS_IMPORT_MERGE;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "--replace-all") == 0) {
            mode = KS_IMPORT_REPLACE_ALL;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            import_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "kioskctl: import: unknown option '%s'\n", argv[i]);
            import_usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "kioskctl: import: no file given\n");
        import_usage(stderr);
        return 2;
    }
    return import_files(data_dir, mode, argc - i, argv + i);
}
