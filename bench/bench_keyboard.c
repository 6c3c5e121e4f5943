/*
 * bench_keyboard.c - the on-screen keyboard's drawing cost on the software
 * renderer: frame times with the keyboard on screen at 1920x1080 (target
 * p99 <= 8 ms), for a whole-screen redraw and for the region a key press
 * dirties (panel + preview bubble), in English and in pinyin with a full
 * candidate bar; plus the time from a key release to its INSERT event.
 *
 *   bench_keyboard [FRAMES]   (default 400 per case)
 *
 * Frames are timed in wall-clock time and in this thread's CPU time: on a
 * machine busy with other work the first grows, the second is the
 * keyboard's own cost.
 *
 * Prints figures; never fails on time. Each frame also reads the pixels
 * back once per 50 frames so the renderer cannot defer its work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>

#include "ks/clock.h"
#include "ks/ime.h"
#include "ks/keyboard.h"
#include "ks/path.h"
#include "ks/text.h"
#include "ks/theme.h"
#include "ks/ui.h"

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:librime\nleak:libglog\nleak:libyaml-cpp\nleak:libopencc\nleak:libleveldb\n"
           "leak:libfontconfig\n";
}

#define W 1920
#define H 1080

static uint64_t cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t g_last_cpu; /* CPU time of the last frame() */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, uint64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_u64);
    size_t p99 = (n * 99 + 99) / 100;
    if (p99 >= n) p99 = n - 1;
    printf("%-44s p50 %6.2f ms   p99 %6.2f ms   max %6.2f ms\n", what, (double)v[n / 2] / 1000.0,
           (double)v[p99] / 1000.0, (double)v[n - 1] / 1000.0);
}

typedef struct rig {
    SDL_Surface *s;
    SDL_Renderer *r;
    ks_text *text;
    ks_ui *ui;
    ks_theme *theme;
    ks_keyboard *kb;
} rig;

/* One frame the way the app draws one: the dirty region, the screen
 * behind, then the keyboard on top. */
static uint64_t frame(rig *g, SDL_Rect dirty, uint64_t now, int readback)
{
    uint64_t t0 = ks_clock_real_us(), c0 = cpu_us();
    ks_ui_invalidate(g->ui, dirty);
    if (ks_ui_begin_frame(g->ui)) {
        const ks_theme_colors *c = ks_ui_colors(g->ui);
        ks_ui_fill(g->ui, (SDL_Rect){0, 0, W, H}, c->background);
        int fy = H - ks_keyboard_visible_height(g->kb, now) - 140;
        ks_ui_round_rect(g->ui, (SDL_Rect){60, fy, W - 120, 96}, 20, c->surface);
        ks_text_style st = ks_ui_style(g->ui, KS_TYPE_SUBTITLE, 0, c->text);
        ks_ui_text(g->ui, "How do I reset my PIN?", &st, 100, fy + 26, W - 200, 1, KS_ALIGN_LEFT, 255, NULL,
                   NULL);
        ks_keyboard_draw(g->kb, g->ui, now);
        ks_ui_end_frame(g->ui);
    }
    if (readback) {
        /* Touch the pixels so nothing is left pending in the renderer. */
        volatile Uint32 px = ((Uint32 *)g->s->pixels)[(H - 10) * (g->s->pitch / 4) + W / 2];
        (void)px;
    }
    g_last_cpu = cpu_us() - c0;
    return ks_clock_real_us() - t0;
}

static void key_centre(ks_keyboard *kb, const char *label, int *x, int *y)
{
    ks_kb_target t;
    for (size_t i = 0; i < ks_keyboard_target_count(kb); i++) {
        ks_keyboard_target_get(kb, i, &t);
        if (strcmp(t.label, label) == 0) {
            *x = t.rect.x + t.rect.w / 2;
            *y = t.rect.y + t.rect.h / 2;
            return;
        }
    }
    *x = *y = -1;
}

static void run_case(rig *g, const char *name, const char *keys, int frames)
{
    uint64_t *full = malloc((size_t)frames * sizeof *full), *press = malloc((size_t)frames * sizeof *press);
    uint64_t *event = malloc((size_t)frames * sizeof *event);
    uint64_t *full_cpu = malloc((size_t)frames * sizeof *full_cpu);
    uint64_t *press_cpu = malloc((size_t)frames * sizeof *press_cpu);
    uint64_t now = 10000;
    size_t nk = strlen(keys);
    char label[96];
    if (!full || !press || !event || !full_cpu || !press_cpu) exit(1);
    for (int i = 0; i < frames; i++) {
        char k[2] = {keys[(size_t)i % nk], 0};
        int x, y;
        key_centre(g->kb, k, &x, &y);
        ks_keyboard_pointer_down(g->kb, 1, x, y, now);
        press[i] = frame(g, ks_keyboard_redraw_rect(g->kb, now), now, i % 50 == 0);
        press_cpu[i] = g_last_cpu;
        now += 60;
        uint64_t t0 = ks_clock_real_us();
        ks_keyboard_pointer_up(g->kb, 1, x, y, now);
        ks_kb_event ev;
        int got = 0;
        while (ks_keyboard_poll(g->kb, &ev))
            got |= ev.type == KS_KB_EV_INSERT || ev.type == KS_KB_EV_PREEDIT;
        event[i] = got ? ks_clock_real_us() - t0 : 0;
        full[i] = frame(g, (SDL_Rect){0, 0, W, H}, now, i % 50 == 0);
        full_cpu[i] = g_last_cpu;
        now += 60;
        if (i % 12 == 11) { /* keep the composition short: pick candidate 1 */
            int cx, cy;
            if (ks_keyboard_candidate_center(g->kb, 1, &cx, &cy, NULL) == KS_OK) {
                ks_keyboard_pointer_down(g->kb, 1, cx, cy, now);
                ks_keyboard_pointer_up(g->kb, 1, cx, cy, now + 30);
                while (ks_keyboard_poll(g->kb, &ev)) {
                }
            }
            now += 100;
        }
    }
    snprintf(label, sizeof label, "%s: whole screen redrawn", name);
    report(label, full, (size_t)frames);
    snprintf(label, sizeof label, "%s: whole screen redrawn (cpu)", name);
    report(label, full_cpu, (size_t)frames);
    snprintf(label, sizeof label, "%s: key press (panel + bubble)", name);
    report(label, press, (size_t)frames);
    snprintf(label, sizeof label, "%s: key press (cpu)", name);
    report(label, press_cpu, (size_t)frames);
    snprintf(label, sizeof label, "%s: key release -> event", name);
    report(label, event, (size_t)frames);
    free(full);
    free(press);
    free(event);
    free(full_cpu);
    free(press_cpu);
}

int main(int argc, char **argv)
{
    int frames = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 400;
    if (frames < 10) frames = 10;
    ks_error err = {0};
    rig g = {0};
    char tmpl[] = "/tmp/bench-kb-XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    g.s = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    g.r = g.s ? SDL_CreateSoftwareRenderer(g.s) : NULL;
    if (!g.r || ks_text_create(g.r, &g.text, &err) || ks_ui_create(g.r, g.text, &g.ui, &err)) {
        fprintf(stderr, "bench_keyboard: %s %s\n", err.msg, SDL_GetError());
        return 1;
    }
    g.theme = ks_theme_builtin(0);
    ks_ui_configure(g.ui, g.theme, W, H, 96, 0);
    ks_ime *ime = NULL;
    if (ks_ime_create(tmpl, &ime, &err) || ks_ime_wait_ready(ime, 300000, &err)) {
        fprintf(stderr, "bench_keyboard: %s\n", err.msg);
        return 1;
    }
    char *dir = NULL;
    const char *src = getenv("KS_SOURCE_DIR");
    dir = ks_path_join(src ? src : KS_SOURCE_DIR, "assets/layouts");
    if (!dir || ks_keyboard_create(dir, ime, g.text, &g.kb, &err) ||
        ks_keyboard_set_area(g.kb, 0, 0, W, H, 96, &err)) {
        fprintf(stderr, "bench_keyboard: %s\n", err.msg);
        return 1;
    }
    ks_keyboard_show(g.kb, 0);
    ks_keyboard_set_enter_search(g.kb, 1);
    printf("== bench_keyboard (software renderer, %dx%d, %d frames per case)\n", W, H, frames);
    /* Warm the text cache once, as a running kiosk has. */
    frame(&g, (SDL_Rect){0, 0, W, H}, 5000, 1);
    run_case(&g, "en", "howdoiresetmypin", frames);
    ks_keyboard_set_layout(g.kb, "pinyin", NULL);
    frame(&g, (SDL_Rect){0, 0, W, H}, 5000, 1);
    run_case(&g, "pinyin", "nihaoyinhangka", frames);

    ks_keyboard_destroy(g.kb);
    ks_ime_destroy(ime);
    ks_ui_destroy(g.ui);
    ks_text_destroy(g.text);
    ks_theme_free(g.theme);
    SDL_DestroyRenderer(g.r);
    SDL_FreeSurface(g.s);
    free(dir);
    ks_path_remove_tree(tmpl, NULL);
    return 0;
}
