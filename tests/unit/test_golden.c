/*
 * test_golden.c - every screen of the kiosk against reference images.
 *
 * Plays tests/golden/screens.txt through the real program (kiosk
 * --headless) at 1920x1080 and 1080x1920 on the fixture
 * tests/fixtures/app/faq.json, and compares each screenshot with
 * tests/golden/<size>/<name>.png. The comparison tolerates what does not
 * matter (anti-aliasing, a glyph rasterised a shade differently) and
 * catches what does (a moved row, a missing word, a wrong colour):
 *
 *   a pixel differs when any channel differs by more than 40 (of 255);
 *   an image fails when more than 0.1% of its pixels differ, or when its
 *   size differs.
 *
 * On failure the new image and a diff (differing pixels in red over a
 * darkened copy) are kept in the test's temporary directory.
 * KS_UPDATE_GOLDENS=1 writes the new images as the goldens instead
 * (docs/testing.md). It also checks that drawing only the changed parts of
 * the screen (the kiosk's normal mode) gives exactly the pixels of a full
 * redraw of every frame (KS_FULL_REDRAW=1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_image.h>

#include "ks/file.h"
#include "ks/path.h"
#include "test.h"

#define CHANNEL_TOLERANCE 40
#define MAX_DIFF_PER_MILLE 1 /* 0.1 % */

static const char *sizes[] = {"1920x1080", "1080x1920"};

static char build_dir[1024];

static int run(char *const argv[], const char *env)
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (env) putenv((char *)env);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Imports the fixture into a fresh data dir and plays the script at size
 * into shots. Returns the kiosk's exit status. */
static int play(const char *size, const char *data, const char *shots, const char *env)
{
    char kiosk[1100], ctl[1100];
    snprintf(kiosk, sizeof kiosk, "%s/kiosk", build_dir);
    snprintf(ctl, sizeof ctl, "%s/kioskctl", build_dir);
    char *imp[] = {ctl, "--data-dir", (char *)data, "import", (char *)ks_test_src("tests/fixtures/app/faq.json"), NULL};
    if (run(imp, NULL) != 0) return -1;
    /* The keyboard shots wait for rime: the first play deploys it (5-30 s),
     * later plays start from a copy of that deployment (tens of ms). */
    static char rime_seed[1200];
    if (rime_seed[0]) {
        char *cp[] = {"/bin/cp", "-a", rime_seed, (char *)data, NULL};
        if (run(cp, NULL) != 0) return -1;
    }
    char *argv[] = {kiosk, "--headless", "--size", (char *)size, "--script",
                    (char *)ks_test_src("tests/golden/screens.txt"), "--screenshots", (char *)shots,
                    "--data-dir", (char *)data, NULL};
    int rc = run(argv, env);
    if (rc == 0 && !rime_seed[0]) {
        char seed_dir[1200], from[1300];
        snprintf(seed_dir, sizeof seed_dir, "%s/golden-rime-seed", build_dir);
        snprintf(from, sizeof from, "%s/rime", data);
        char *rm[] = {"/bin/rm", "-rf", seed_dir, NULL};
        char *mk[] = {"/bin/mkdir", "-p", seed_dir, NULL};
        char *cp[] = {"/bin/cp", "-a", from, seed_dir, NULL};
        if (run(rm, NULL) == 0 && run(mk, NULL) == 0 && run(cp, NULL) == 0)
            snprintf(rime_seed, sizeof rime_seed, "%.1100s/rime", seed_dir);
    }
    return rc;
}

static SDL_Surface *load(const char *path)
{
    SDL_Surface *s = IMG_Load(path);
    if (!s) return NULL;
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(s);
    return c;
}

/* Compares two images; returns the number of differing pixels (-1 when
 * the sizes differ or a file cannot be read) and writes a diff image. */
static long compare(const char *got_path, const char *want_path, const char *diff_path, int tolerance)
{
    SDL_Surface *got = load(got_path), *want = load(want_path);
    long n = -1;
    if (!got || !want || got->w != want->w || got->h != want->h) goto out;
    SDL_Surface *diff = SDL_CreateRGBSurfaceWithFormat(0, got->w, got->h, 32, SDL_PIXELFORMAT_ARGB8888);
    n = 0;
    for (int y = 0; y < got->h; y++) {
        const Uint32 *g = (const Uint32 *)((const Uint8 *)got->pixels + y * got->pitch);
        const Uint32 *w = (const Uint32 *)((const Uint8 *)want->pixels + y * want->pitch);
        Uint32 *d = diff ? (Uint32 *)((Uint8 *)diff->pixels + y * diff->pitch) : NULL;
        for (int x = 0; x < got->w; x++) {
            int worst = 0;
            for (int sh = 0; sh < 24; sh += 8) {
                int dv = abs((int)((g[x] >> sh) & 0xFF) - (int)((w[x] >> sh) & 0xFF));
                if (dv > worst) worst = dv;
            }
            if (worst > tolerance) n++;
            if (d) d[x] = worst > tolerance ? 0xFFFF0000u : 0xFF000000u | ((g[x] & 0xFEFEFEu) >> 1);
        }
    }
    if (diff && n > 0 && diff_path) IMG_SavePNG(diff, diff_path);
    SDL_FreeSurface(diff);
out:
    SDL_FreeSurface(got);
    SDL_FreeSurface(want);
    return n;
}

/* The shot names of the script, in order. */
static size_t shot_names(char names[][64], size_t cap)
{
    char *text = NULL;
    size_t len = 0, n = 0;
    if (ks_file_read_all(ks_test_src("tests/golden/screens.txt"), 1 << 20, &text, &len, NULL) != KS_OK) return 0;
    for (char *line = strtok(text, "\n"); line && n < cap; line = strtok(NULL, "\n"))
        if (strncmp(line, "shot ", 5) == 0) snprintf(names[n++], 64, "%s", line + 5);
    free(text);
    return n;
}

static void test_golden_every_screen_matches_its_reference(void)
{
    char names[64][64];
    size_t n = shot_names(names, 64);
    KS_REQUIRE(n >= 10);
    int update = getenv("KS_UPDATE_GOLDENS") && strcmp(getenv("KS_UPDATE_GOLDENS"), "1") == 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        char data[1200], shots[1200];
        snprintf(data, sizeof data, "%s/data-%s", ks_test_tmpdir(), sizes[s]);
        snprintf(shots, sizeof shots, "%s/shots-%s", ks_test_tmpdir(), sizes[s]);
        int rc = play(sizes[s], data, shots, NULL);
        KS_CHECK_MSG(rc == 0, "kiosk --headless --size %s exited with %d", sizes[s], rc);
        if (rc != 0) continue;
        for (size_t i = 0; i < n; i++) {
            char got[1400], want[1400], diff[1400], dir[1200];
            snprintf(got, sizeof got, "%s/%s.png", shots, names[i]);
            snprintf(dir, sizeof dir, "%s", ks_test_src("tests/golden"));
            snprintf(want, sizeof want, "%s/%s/%s.png", dir, sizes[s], names[i]);
            snprintf(diff, sizeof diff, "%s/diff-%s-%s.png", ks_test_tmpdir(), sizes[s], names[i]);
            if (update) {
                char subdir[1300];
                snprintf(subdir, sizeof subdir, "%s/%s", dir, sizes[s]);
                ks_path_mkdirs(subdir, NULL);
                char *bytes = NULL;
                size_t len = 0;
                KS_CHECK(ks_file_read_all(got, 64u << 20, &bytes, &len, NULL) == KS_OK &&
                         ks_file_write_atomic(want, bytes, len, NULL) == KS_OK);
                free(bytes);
                fprintf(stderr, "  updated %s\n", want);
                continue;
            }
            if (!ks_path_exists(want)) {
                KS_CHECK_MSG(0, "no golden %s: look at %s, then run with KS_UPDATE_GOLDENS=1", want, got);
                continue;
            }
            long bad = compare(got, want, diff, CHANNEL_TOLERANCE);
            SDL_Surface *img = load(want);
            long total = img ? (long)img->w * img->h : 1;
            SDL_FreeSurface(img);
            KS_CHECK_MSG(bad >= 0 && bad * 1000 <= total * MAX_DIFF_PER_MILLE,
                         "%s/%s: %ld of %ld pixels differ (allowed %ld); new image %s, diff %s", sizes[s], names[i],
                         bad, total, total * MAX_DIFF_PER_MILLE / 1000, got, diff);
        }
    }
}

static void test_golden_partial_redraws_equal_full_redraws(void)
{
    char names[64][64];
    size_t n = shot_names(names, 64);
    KS_REQUIRE(n >= 10);
    const char *size = sizes[0];
    char d1[1200], d2[1200], s1[1200], s2[1200];
    snprintf(d1, sizeof d1, "%s/data-partial", ks_test_tmpdir());
    snprintf(d2, sizeof d2, "%s/data-full", ks_test_tmpdir());
    snprintf(s1, sizeof s1, "%s/partial", ks_test_tmpdir());
    snprintf(s2, sizeof s2, "%s/full", ks_test_tmpdir());
    KS_REQUIRE(play(size, d1, s1, NULL) == 0);
    KS_REQUIRE(play(size, d2, s2, "KS_FULL_REDRAW=1") == 0);
    for (size_t i = 0; i < n; i++) {
        char a[1400], b[1400], diff[1400];
        snprintf(a, sizeof a, "%s/%s.png", s1, names[i]);
        snprintf(b, sizeof b, "%s/%s.png", s2, names[i]);
        snprintf(diff, sizeof diff, "%s/diff-redraw-%s.png", ks_test_tmpdir(), names[i]);
        long bad = compare(a, b, diff, 0);
        KS_CHECK_MSG(bad == 0, "%s: %ld pixels differ between partial and full redraws (diff %s)", names[i], bad, diff);
    }
}

int main(void)
{
    const char *bd = getenv("KS_BUILD_DIR");
    if (!bd) {
        fprintf(stderr, "test_golden: KS_BUILD_DIR is not set (run it through ctest)\n");
        return 1;
    }
    snprintf(build_dir, sizeof build_dir, "%s", bd);
    if (SDL_Init(0) != 0) return 1;
    KS_RUN(test_golden_every_screen_matches_its_reference);
    KS_RUN(test_golden_partial_redraws_equal_full_redraws);
    SDL_Quit();
    return ks_test_summary();
}
