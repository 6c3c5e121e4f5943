/*
 * mkwordvec.c - the build-time tool that turns the wink-embeddings JSON
 * (scripts/setup.sh fetches it) into the word-vector table search reads:
 *
 *   mkwordvec [--max-words N] [--weight-a A] SOURCE.json OUT.ksv
 *
 * A thin main over ks_wordvec_build (wordvec.h): all the work and all the
 * checks live there, so the tests can drive the same code. Exit 0 on
 * success, 1 when the build fails (the message names the file and byte),
 * 2 on a usage error. It must never be run by the kiosk itself.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ks/file.h"
#include "ks/wordvec.h"

static int usage(const char *why)
{
    if (why) fprintf(stderr, "mkwordvec: %s\n", why);
    fprintf(stderr, "usage: mkwordvec [--max-words N] [--weight-a A] SOURCE.json OUT.ksv\n"
                    "  --max-words N  keep the N most frequent source words (default 50000)\n"
                    "  --weight-a A   term weight = A / (A + p(term)) (default 0.003)\n");
    return 2;
}

int main(int argc, char **argv)
{
    ks_wordvec_build_opts opts = {0};
    const char *pos[2];
    int n_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--max-words") == 0 || strcmp(a, "--weight-a") == 0) {
            if (i + 1 >= argc) return usage("an option needs a value");
            const char *v = argv[++i];
            char *end = NULL;
            errno = 0;
            if (a[2] == 'm') {
                unsigned long long n = strtoull(v, &end, 10);
                if (errno || end == v || *end || v[0] == '-' || n == 0 || n > (1ull << 28))
                    return usage("--max-words needs a whole number from 1 to 268435456");
                opts.max_words = (size_t)n;
            } else {
                double x = strtod(v, &end);
                if (errno || end == v || *end || !(x > 0) || !isfinite(x))
                    return usage("--weight-a needs a positive number");
                opts.weight_a = x;
            }
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(NULL);
            return 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            char msg[300];
            snprintf(msg, sizeof msg, "unknown option %s", a);
            return usage(msg);
        } else {
            if (n_pos == 2) return usage("too many arguments");
            pos[n_pos++] = a;
        }
    }
    if (n_pos != 2) return usage("needs SOURCE.json and OUT.ksv");

    ks_error err = {0};
    size_t n_keys = 0;
    if (ks_wordvec_build(pos[0], pos[1], &opts, &n_keys, &err) != KS_OK) {
        fprintf(stderr, "mkwordvec: %s\n", err.msg);
        return 1;
    }
    /* The atomic write makes a private file (mkstemp); the table is
     * read-only data that the kiosk's own user must be able to read. */
    if (chmod(pos[1], 0644) != 0) {
        fprintf(stderr, "mkwordvec: %s: cannot make it readable: %s\n", pos[1], strerror(errno));
        return 1;
    }
    uint64_t size = 0;
    if (ks_file_size(pos[1], &size, &err) != KS_OK) {
        fprintf(stderr, "mkwordvec: %s\n", err.msg);
        return 1;
    }
    /* The build does not report how many words the source had, so this is
     * the limit: with a smaller source, all of its words. */
    printf("mkwordvec: %zu terms from the first %zu words -> %s (%.1f MB)\n", n_keys,
           opts.max_words ? opts.max_words : (size_t)50000, pos[1], (double)size / 1e6);
    return 0;
}
