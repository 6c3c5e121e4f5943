/*
 * cmd_bundle.c - `kioskctl bundle build|verify` (docs/bundles.md):
 *
 *   bundle build --key SECRET_FILE --version N [--expires ISO8601] SRC_DIR OUT_DIR
 *   bundle verify --pubkey PUBLIC_FILE DIR
 *
 * Only argument handling and the report; the work is in client/core
 * (bundle.c). verify exits 0 only when every check passed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "commands.h"
#include "ks/bundle.h"
#include "ks/clock.h"

static void bundle_usage(FILE *f)
{
    fprintf(f,
            "usage: kioskctl bundle build --key SECRET_FILE --version N [--expires ISO8601] SRC_DIR OUT_DIR\n"
            "       kioskctl bundle verify --pubkey PUBLIC_FILE DIR\n");
}

static int parse_i64(const char *s, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || !end || *end || end == s) return -1;
    *out = v;
    return 0;
}

static int cmd_build(int argc, char **argv)
{
    const char *key = NULL, *pos[2] = {NULL, NULL};
    int n_pos = 0;
    ks_bundle_build_opts opts = {0};
    int have_version = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
            key = argv[++i];
        } else if (strcmp(argv[i], "--version") == 0 && i + 1 < argc) {
            if (parse_i64(argv[++i], &opts.version) != 0 || opts.version < 1) {
                fprintf(stderr, "kioskctl: bundle build: --version must be a whole number >= 1, got '%s'\n",
                        argv[i]);
                return 2;
            }
            have_version = 1;
        } else if (strcmp(argv[i], "--expires") == 0 && i + 1 < argc) {
            if (ks_clock_parse_iso8601(argv[++i], &opts.expires) != 0) {
                fprintf(stderr,
                        "kioskctl: bundle build: --expires must be an ISO 8601 time like "
                        "2027-01-01T00:00:00Z, got '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "kioskctl: bundle build: unknown option '%s'\n", argv[i]);
            bundle_usage(stderr);
            return 2;
        } else if (n_pos < 2) {
            pos[n_pos++] = argv[i];
        } else {
            bundle_usage(stderr);
            return 2;
        }
    }
    if (!key || !have_version || n_pos != 2) {
        bundle_usage(stderr);
        return 2;
    }
    ks_error err = {0};
    unsigned char sk[64];
    if (ks_bundle_read_seckey(key, sk, &err) != KS_OK) {
        fprintf(stderr, "kioskctl: bundle build: %s\n", err.msg);
        return 1;
    }
    ks_bundle_build_stats st = {0};
    ks_status rc = ks_bundle_build(pos[0], pos[1], sk, &opts, &st, &err);
    sodium_memzero(sk, sizeof sk);
    if (rc != KS_OK) {
        fprintf(stderr, "kioskctl: bundle build: %s\n", err.msg);
        return 1;
    }
    printf("bundle: version %lld in %s: %zu articles, %zu categories, %zu media, %.1f KB, %zu new files\n",
           (long long)opts.version, pos[1], st.articles, st.categories, st.media, st.total_bytes / 1024.0,
           st.files_written);
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    const char *pub = NULL, *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pubkey") == 0 && i + 1 < argc) {
            pub = argv[++i];
        } else if (argv[i][0] == '-' || dir) {
            bundle_usage(stderr);
            return 2;
        } else {
            dir = argv[i];
        }
    }
    if (!pub || !dir) {
        bundle_usage(stderr);
        return 2;
    }
    ks_error err = {0};
    unsigned char pk[32];
    ks_manifest *m = NULL;
    if (ks_bundle_read_pubkey(pub, pk, &err) != KS_OK ||
        ks_bundle_verify_dir(dir, pk, ks_clock_unix_s(), &m, &err) != KS_OK) {
        fprintf(stderr, "kioskctl: bundle verify: %s\n", err.msg);
        return 1;
    }
    char exp[32];
    ks_clock_format_iso8601(m->expires, exp, sizeof exp);
    printf(
        "bundle: %s verifies: version %lld, %zu content files, %zu media, %llu bytes, key %s, expires %s\n",
        dir, (long long)m->version, m->n_content, m->n_files - m->n_content,
        (unsigned long long)m->total_bytes, m->keyid, exp);
    ks_manifest_free(m);
    return 0;
}

int ks_cmd_bundle(const char *data_dir, int argc, char **argv)
{
    (void)data_dir;
    if (argc >= 2 && strcmp(argv[1], "build") == 0) return cmd_build(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "verify") == 0) return cmd_verify(argc - 1, argv + 1);
    bundle_usage(stderr);
    return 2;
}
