/*
 * bench_frames.c - the kiosk's speed and memory, as figures (not a test):
 *
 *   - per screen size and per screen (home, category, results, article):
 *     frame time p50/p95/p99/max and peak RSS from `kiosk --headless
 *     --stats`, driving each screen the way a visitor does (slides in and
 *     out, flicks, typing, a language switch on home);
 *   - first frame (process start to first presented frame), warm;
 *   - a day's memory: peak RSS over a "tour" that looks up, opens and
 *     scrolls every sample article in each language (at 1920x1080), so
 *     that caches fill as they would in a kiosk left running;
 *   - idle CPU and memory of a real window under Xvfb, measured from
 *     /proc/PID/stat and /proc/PID/status over 10 s (when Xvfb exists).
 *
 * Runs the kiosk next to this program on the bundled sample content (the
 * first run imports it into a temporary data directory). Each screen's
 * script runs once in a fresh process (cold figures), then twice in one
 * process with a `stats-reset` between (warm figures: steady state, caches
 * filled). Targets are in docs/PERFORMANCE.md. Usage: bench_frames
 * [--quick] (one size, no Xvfb).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ks/config.h"
#include "ks/faq.h"
#include "ks/file.h"
#include "ks/path.h"

static char kiosk[1024], tmp[256];

static const char *sizes[] = {"1920x1080", "1080x1920", "3840x2160", "1280x800"};

typedef struct scenario {
    const char *name;
    const char *script;
} scenario;

/* Each screen is reached, then exercised; the entry slide counts as one
 * of its frames. Coordinates are written for any size via tap-text and
 * drags in the middle of the screen (%d: width/2, %d: heights). */
static const scenario scenarios[] = {
    {"home",
     "wait 500\n"
     "tap-text \"Ask a question\"\nwait 300\nkey Escape\nwait 300\n"
     "tap-text \"简体中文\"\nwait 300\ntap-text \"繁體中文\"\nwait 300\ntap-text \"English\"\nwait 300\n"
     "tap-text \"Display settings\"\nwait 300\nkey Escape\nwait 300\n"},
    {"category",
     "tap-text \"Wallet safety\"\nwait 400\n"
     "drag %d %d %d %d 60\nwait 2500\ndrag %d %d %d %d 60\nwait 2500\n"
     "tap-text \"Back\"\nwait 400\ntap-text \"VR booth\"\nwait 400\n"
     "drag %d %d %d %d 60\nwait 2500\ntap-text \"Home\"\nwait 400\n"},
    {"results",
     "type \"how do i send crypto\"\nwait 400\n"
     "key BackSpace\nkey BackSpace\nkey BackSpace\nkey BackSpace\nkey BackSpace\nkey BackSpace\n"
     "type \"money to a friend\"\nwait 400\n"
     "drag %d %d %d %d 60\nwait 2500\ndrag %d %d %d %d 60\nwait 2500\n"
     "type \" zzqx\"\nwait 400\nkey Escape\nwait 400\n"},
    {"article",
     "tap-text \"Sending & receiving\"\nwait 400\ntap-text \"How do I send crypto to someone?\"\nwait 400\n"
     "drag %d %d %d %d 60\nwait 2500\ndrag %d %d %d %d 60\nwait 2500\n"
     "drag %d %d %d %d 300\nwait 1500\n"
     "tap-text \"Back\"\nwait 400\n"},
    /* the on-screen keyboard up: taps, a held backspace, pinyin with
     * candidates, a layout switch, then it slides away */
    {"keyboard",
     "osk-layout en\nosk-type \"how do I send crypto\"\nosk-hold backspace 900\n"
     "osk-layout pinyin\nosk-type \"zhuanzhang\"\nosk-pick 1\nosk-type \"shouxufei\"\nosk-pick 1\n"
     "osk-layout symbols\nosk-type \"?\"\nosk-hold hide 40\nwait 400\n"},
};

static int run(char *const argv[], int quiet)
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (quiet) {
            FILE *f = freopen("/dev/null", "w", stderr);
            (void)f;
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static double num(cJSON *o, const char *k)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Plays script at size; fills the figures. Returns 0 on success. */
static int play(const char *size, const char *script_text, const char *data, double out[6])
{
    char script[512], stats[512];
    snprintf(script, sizeof script, "%s/script.txt", tmp);
    snprintf(stats, sizeof stats, "%s/stats.json", tmp);
    if (ks_file_write_atomic(script, script_text, strlen(script_text), NULL) != KS_OK) return -1;
    char *argv[] = {kiosk, "--headless", "--size", (char *)size, "--script", script, "--stats", stats,
                    "--data-dir", (char *)data, NULL};
    int rc = run(argv, 1);
    if (rc != 0) {
        fprintf(stderr, "bench_frames: kiosk exited with %d at %s\n", rc, size);
        return -1;
    }
    char *json = NULL;
    size_t len = 0;
    if (ks_file_read_all(stats, 1 << 20, &json, &len, NULL) != KS_OK) return -1;
    cJSON *o = cJSON_Parse(json);
    free(json);
    if (!o) return -1;
    out[0] = num(o, "frames");
    out[1] = num(o, "frame_ms_p50");
    out[2] = num(o, "frame_ms_p95");
    out[3] = num(o, "frame_ms_p99");
    out[4] = num(o, "frame_ms_max");
    out[5] = num(o, "rss_peak_kb");
    double ff = num(o, "first_frame_ms");
    cJSON_Delete(o);
    return ff >= 0 ? 0 : -1;
}

static double first_frame(const char *size, const char *data)
{
    char stats[512];
    snprintf(stats, sizeof stats, "%s/stats.json", tmp);
    double best = -1;
    for (int i = 0; i < 5; i++) {
        double f[6];
        if (play(size, "wait 10\n", data, f) != 0) return -1;
        char *json = NULL;
        size_t len = 0;
        if (ks_file_read_all(stats, 1 << 20, &json, &len, NULL) != KS_OK) return -1;
        cJSON *o = cJSON_Parse(json);
        free(json);
        double v = o ? num(o, "first_frame_ms") : -1;
        cJSON_Delete(o);
        if (v >= 0 && (best < 0 || v < best)) best = v;
    }
    return best;
}

/* The tour's script: each sample article of each language searched for by
 * its title, opened, scrolled, left. NULL when the sample is not found. */
static char *tour_script(void)
{
    static const char *const locales[] = {"en", "zh-Hans", "zh-Hant"};
    char *assets = NULL;
    if (ks_config_find_assets_dir(&assets, NULL) != KS_OK) return NULL;
    size_t cap = 1 << 20, used = 0;
    char *out = malloc(cap);
    for (size_t l = 0; out && l < sizeof locales / sizeof locales[0]; l++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/content/sample/%s.json", assets, locales[l]);
        ks_faq *faq = NULL;
        if (ks_faq_load_file(path, &faq, NULL) != KS_OK) {
            free(out);
            out = NULL;
            break;
        }
        used += (size_t)snprintf(out + used, cap - used, "locale %s\n", locales[l]);
        for (size_t i = 0; i < faq->n_articles && cap - used > 2048; i++) {
            char title[512];
            size_t n = 0;
            for (const char *t = faq->articles[i].title; *t && n + 1 < sizeof title; t++)
                if (*t != '"') title[n++] = *t; /* the script's quotes */
            title[n] = '\0';
            used += (size_t)snprintf(out + used, cap - used,
                                     "type \"%s\"\nwait 400\ntap-text \"%s\"\nwait 400\n"
                                     "drag 960 800 960 200 60\nwait 600\nkey Escape\nwait 300\nkey Escape\nwait 300\n",
                                     title, title);
        }
        ks_faq_free(faq);
    }
    free(assets);
    return out;
}

/* utime + stime of pid, in clock ticks; -1 when it is gone. */
static long long cpu_ticks(pid_t pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p) return -1;
    long long ut = 0, stt = 0;
    /* fields after ")": state(3) ... utime(14) stime(15) */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &ut, &stt) != 2) return -1;
    return ut + stt;
}

static long status_kb(pid_t pid, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long v = -1;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') v = strtol(line + kl + 1, NULL, 10);
    fclose(f);
    return v;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* A real window on Xvfb: CPU while nobody touches it, and memory. */
static void idle_window(const char *data)
{
    const char *xvfb = "/usr/bin/Xvfb";
    if (access(xvfb, X_OK) != 0) {
        printf("idle window: skipped (no %s; install xvfb)\n", xvfb);
        return;
    }
    int display = 90 + (int)(getpid() % 9);
    char disp[16], sock[64];
    snprintf(disp, sizeof disp, ":%d", display);
    snprintf(sock, sizeof sock, "/tmp/.X11-unix/X%d", display);
    pid_t x = fork();
    if (x == 0) {
        FILE *f = freopen("/dev/null", "w", stderr);
        (void)f;
        execl(xvfb, xvfb, disp, "-screen", "0", "1920x1080x24", "-nolisten", "tcp", (char *)NULL);
        _exit(127);
    }
    struct stat sb;
    for (int i = 0; i < 100 && stat(sock, &sb) != 0; i++) sleep_ms(50);
    pid_t k = fork();
    if (k == 0) {
        setenv("DISPLAY", disp, 1);
        unsetenv("SDL_VIDEODRIVER");
        FILE *f = freopen("/dev/null", "w", stderr);
        (void)f;
        execl(kiosk, kiosk, "--data-dir", data, (char *)NULL); /* full screen, the default */
        _exit(127);
    }
    sleep_ms(3000); /* start, first frames, settle */
    long long t0 = cpu_ticks(k);
    sleep_ms(10000);
    long long t1 = cpu_ticks(k);
    long rss = status_kb(k, "VmRSS"), hwm = status_kb(k, "VmHWM");
    kill(k, SIGTERM);
    waitpid(k, NULL, 0);
    kill(x, SIGTERM);
    waitpid(x, NULL, 0);
    if (t0 < 0 || t1 < 0) {
        printf("idle window: the kiosk did not stay up under Xvfb\n");
        return;
    }
    double hz = (double)sysconf(_SC_CLK_TCK);
    double pct = (double)(t1 - t0) / hz / 10.0 * 100.0;
    printf("idle window (Xvfb 1920x1080, full screen): CPU %.2f %% of one core over 10 s (target <= 1 %%); "
           "RSS %ld kB, peak %ld kB\n",
           pct, rss, hwm);
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    char *dir = NULL;
    if (ks_path_exe_dir(&dir, NULL) != KS_OK) return 1;
    snprintf(kiosk, sizeof kiosk, "%s/kiosk", dir);
    free(dir);
    if (access(kiosk, X_OK) != 0) {
        fprintf(stderr, "bench_frames: no kiosk program at %s (build it first)\n", kiosk);
        return 1;
    }
    snprintf(tmp, sizeof tmp, "/tmp/ks-bench-frames-XXXXXX");
    if (!mkdtemp(tmp)) return 1;
    char data[300];
    snprintf(data, sizeof data, "%s/data", tmp);
    setenv("SDL_VIDEODRIVER", "dummy", 1);

    printf("bench_frames: kiosk headless (software renderer), bundled sample content\n");
    /* the first run imports the sample: not measured */
    double f[6];
    if (play("1280x800", "wait 10\n", data, f) != 0) return 1;

    printf("Each screen is driven twice in one process: the second round is measured (warm: caches\n"
           "filled), the first round alone is the cold figure (fresh process: first frame, first\n"
           "render of every text included).\n");
    printf("%-10s %-9s %6s %8s %8s %8s %8s | %9s %9s | %9s\n", "size", "screen", "frames", "p50 ms", "p95 ms",
           "p99 ms", "max ms", "cold p99", "cold max", "RSS kB");
    size_t n_sizes = quick ? 1 : sizeof sizes / sizeof sizes[0];
    for (size_t s = 0; s < n_sizes; s++) {
        int w = 0, h = 0;
        sscanf(sizes[s], "%dx%d", &w, &h);
        int cx = w / 2, lo = h * 80 / 100, hi = h * 30 / 100;
        for (size_t k = 0; k < sizeof scenarios / sizeof scenarios[0]; k++) {
            char body[2048], script[4200];
            /* every drag: up (lo -> hi) then down, then up again */
            snprintf(body, sizeof body, scenarios[k].script, cx, lo, cx, hi, cx, hi, cx, lo, cx, lo, cx, hi);
            double cold[6], warm[6];
            if (play(sizes[s], body, data, cold) != 0) continue;
            snprintf(script, sizeof script, "%sstats-reset\n%s", body, body);
            if (play(sizes[s], script, data, warm) != 0) continue;
            printf("%-10s %-9s %6.0f %8.2f %8.2f %8.2f %8.2f | %9.2f %9.2f | %9.0f\n", sizes[s], scenarios[k].name,
                   warm[0], warm[1], warm[2], warm[3], warm[4], cold[3], cold[4], warm[5]);
            fflush(stdout);
        }
        printf("%-10s first frame (process start to first frame, warm, best of 5): %.1f ms (target <= 150)\n",
               sizes[s], first_frame(sizes[s], data));
    }
    if (!quick) {
        char *tour = tour_script();
        double t[6];
        if (tour && play("1920x1080", tour, data, t) == 0)
            printf("1920x1080  tour (every sample article, three languages): %.0f frames, p99 %.2f ms, "
                   "max %.2f ms, peak RSS %.0f kB (target <= 80 MB)\n",
                   t[0], t[3], t[4], t[5]);
        else
            printf("tour: skipped (the bundled sample content was not found)\n");
        free(tour);
        idle_window(data);
    }
    ks_path_remove_tree(tmp, NULL);
    return 0;
}
