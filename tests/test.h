/*
 * test.h - a tiny test harness: each tests/unit/test_*.c is one program,
 * one CTest test. KS_CHECK records a failure and goes on; KS_REQUIRE stops
 * the current test function. ks_test_tmpdir() gives each test a fresh
 * temporary directory, removed at exit when everything passed.
 *
 *   static void test_import_rejects_invalid_utf8(void) { ... }
 *   int main(void) { KS_RUN(test_import_rejects_invalid_utf8); return ks_test_summary(); }
 */
#ifndef KS_TEST_H
#define KS_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ks/path.h"

static int ks_test_failed_checks;
static int ks_test_passed, ks_test_failed;
static jmp_buf ks_test_jmp;
static char ks_test_dir[512];

#define KS_CHECK(cond)                                                              \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "  FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);       \
            ks_test_failed_checks++;                                                \
        }                                                                           \
    } while (0)
#define KS_CHECK_MSG(cond, ...)                                                     \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "  FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);       \
            fprintf(stderr, __VA_ARGS__);                                           \
            fputc('\n', stderr);                                                    \
            ks_test_failed_checks++;                                                \
        }                                                                           \
    } while (0)
#define KS_REQUIRE(cond)                                                            \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "  FAIL %s:%d: %s (stopping this test)\n", __FILE__,    \
                    __LINE__, #cond);                                               \
            ks_test_failed_checks++;                                                \
            longjmp(ks_test_jmp, 1);                                                \
        }                                                                           \
    } while (0)
#define KS_CHECK_STR(a, b)                                                          \
    do {                                                                            \
        const char *ks_a_ = (a), *ks_b_ = (b);                                      \
        if (!ks_a_ || !ks_b_ || strcmp(ks_a_, ks_b_) != 0) {                        \
            fprintf(stderr, "  FAIL %s:%d: %s == %s (\"%s\" vs \"%s\")\n", __FILE__, \
                    __LINE__, #a, #b, ks_a_ ? ks_a_ : "(null)", ks_b_ ? ks_b_ : "(null)"); \
            ks_test_failed_checks++;                                                \
        }                                                                           \
    } while (0)

/* A fresh empty directory for the running test. Static storage. */
static inline const char *ks_test_tmpdir(void)
{
    return ks_test_dir;
}

/* Path of a file in the source tree (tests/fixtures/..., assets/...). */
static inline const char *ks_test_src(const char *rel)
{
    static char buf[4][1024];
    static int i;
    const char *root = getenv("KS_SOURCE_DIR");
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", root ? root : KS_SOURCE_DIR, rel);
    return buf[i];
}

static inline void ks_test_run(const char *name, void (*fn)(void))
{
    char tmpl[] = "/tmp/ks-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    snprintf(ks_test_dir, sizeof ks_test_dir, "%s", d ? d : "/tmp");
    int before = ks_test_failed_checks;
    if (setjmp(ks_test_jmp) == 0)
        fn();
    if (ks_test_failed_checks == before) {
        ks_test_passed++;
        fprintf(stderr, "ok   %s\n", name);
        if (d) ks_path_remove_tree(d, NULL);
    } else {
        ks_test_failed++;
        fprintf(stderr, "FAIL %s (files kept in %s)\n", name, ks_test_dir);
    }
}

#define KS_RUN(fn) ks_test_run(#fn, fn)

static inline int ks_test_summary(void)
{
    printf("%d passed, %d failed\n", ks_test_passed, ks_test_failed);
    return ks_test_failed ? 1 : 0;
}

#endif
