/*
 * bench_ime.c - input-method figures: first-time schema deployment (an
 * empty data dir), later start-up (the cache reused), how long create()
 * holds the calling (UI) thread, and candidate lookup latency per key
 * press (process_key + reading the candidate page) for pinyin, zhuyin and
 * cangjie, as p50 / p99 / max. Target: lookup p99 <= 5 ms.
 *
 *   bench_ime [ROUNDS]     (default 20 rounds over the word lists)
 *
 * Lookups are timed twice: wall clock (what the visitor waits, including
 * whatever else the machine is doing) and the thread's CPU time (the
 * engine's own cost), so a busy machine does not hide a slow engine or
 * make a fast one look slow.
 *
 * Prints figures; never fails on time. Uses a temporary data dir.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ks/clock.h"
#include "ks/ime.h"
#include "ks/path.h"

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:librime\nleak:libglog\nleak:libyaml-cpp\nleak:libopencc\nleak:libleveldb\n";
}

/* Words a kiosk visitor types, as key codes of each schema. */
static const char *const k_pinyin[] = {"nihao",      "yinhangka",   "mima",    "wangjimima", "guashi",
                                       "zhuanzhang", "kefu",        "tuikuan", "zenmeban",   "xinyongka",
                                       "shoujihao",  "dizhi",       "zhanghu", "yue",        "chaxun",
                                       "shenqing",   "rengongfuwu", "shi"};
/* Dachen codes: 你好 su3cl3, 中文 5j/ jp6, 銀行 up6c;6, 密碼 au4a83, 帳戶 5;4cj4, 查詢 t86vmp6, ... */
static const char *const k_zhuyin[] = {"su3cl3",  "5j/ jp6", "up6c;6", "au4a83", "5;4cj4",
                                       "t86vmp6", "rup ",    "g4",     "xu6",    "ej/ "};
/* Cangjie: 你 onf 好 vnd 銀 cav 行 hommn 卡 ym 密 juou 碼 mrsqf 中 l 文 yk 明 ab 日 a 我 hqi */
static const char *const k_cangjie[] = {"onf",   "vnd", "cav", "hommn", "ym", "juou",
                                        "mrsqf", "l",   "yk",  "ab",    "a",  "hqi"};

/* CPU time of this thread, microseconds. */
static uint64_t cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, uint64_t *v, size_t n)
{
    if (!n) return;
    qsort(v, n, sizeof *v, cmp_u64);
    size_t p99 = (n * 99 + 99) / 100;
    if (p99 >= n) p99 = n - 1;
    printf("%-30s n=%-6zu p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms\n", what, n, (double)v[n / 2] / 1000.0,
           (double)v[p99] / 1000.0, (double)v[n - 1] / 1000.0);
}

static size_t run_words(ks_ime *ime, ks_ime_schema s, const char *const *words, size_t n_words, int rounds,
                        uint64_t *out, uint64_t *cpu_out, size_t cap, size_t *n_page, uint64_t *page_out)
{
    size_t n = 0;
    ks_ime_set_schema(ime, s);
    for (int r = 0; r < rounds; r++) {
        for (size_t w = 0; w < n_words; w++) {
            for (const char *k = words[w]; *k; k++) {
                uint64_t t0 = ks_clock_real_us(), c0 = cpu_us();
                ks_ime_process_key(ime, (unsigned char)*k);
                ks_ime_view v;
                ks_ime_get_view(ime, &v);
                volatile size_t touch = v.n_candidates ? strlen(v.candidates[0].text) : 0;
                (void)touch;
                uint64_t t1 = ks_clock_real_us(), c1 = cpu_us();
                if (n < cap) {
                    cpu_out[n] = c1 - c0;
                    out[n++] = t1 - t0;
                }
            }
            uint64_t t0 = ks_clock_real_us();
            int paged = ks_ime_page(ime, +1);
            uint64_t t1 = ks_clock_real_us();
            if (paged && *n_page < cap) page_out[(*n_page)++] = t1 - t0;
            ks_ime_select(ime, 0);
            free(ks_ime_take_commit(ime));
            ks_ime_clear(ime);
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 20;
    if (rounds < 1) rounds = 1;
    char tmpl[] = "/tmp/bench-ime-XXXXXX";
    if (!mkdtemp(tmpl)) {
        perror("bench_ime: mkdtemp");
        return 1;
    }
    ks_error err = {0};
    ks_ime *ime = NULL;
    ks_ime_stats st;

    printf("== bench_ime (librime; data dir %s)\n", tmpl);
    uint64_t t0 = ks_clock_real_us();
    if (ks_ime_create(tmpl, &ime, &err)) {
        fprintf(stderr, "bench_ime: %s\n", err.msg);
        return 1;
    }
    uint64_t t1 = ks_clock_real_us();
    printf("create() on the calling thread:   %8.2f ms (deployment runs on a worker)\n",
           (double)(t1 - t0) / 1000.0);
    if (ks_ime_wait_ready(ime, 300000, &err)) {
        fprintf(stderr, "bench_ime: %s\n", err.msg);
        return 1;
    }
    ks_ime_get_stats(ime, &st);
    printf("first start (empty data dir):     %8.0f ms to ready (deploying %.0f ms)\n", st.prepare_ms,
           st.deploy_ms);
    ks_ime_destroy(ime);

    double later[3];
    for (int i = 0; i < 3; i++) {
        if (ks_ime_create(tmpl, &ime, &err) || ks_ime_wait_ready(ime, 300000, &err)) {
            fprintf(stderr, "bench_ime: %s\n", err.msg);
            return 1;
        }
        ks_ime_get_stats(ime, &st);
        later[i] = st.prepare_ms;
        if (st.deployed) printf("  (start %d redeployed: %.0f ms)\n", i + 2, st.deploy_ms);
        if (i < 2) ks_ime_destroy(ime);
    }
    printf("later start (cache reused):       %8.0f / %.0f / %.0f ms to ready (3 starts)\n", later[0],
           later[1], later[2]);

    size_t cap = 200000;
    uint64_t *all = malloc(cap * sizeof *all), *one = malloc(cap * sizeof *one);
    uint64_t *all_cpu = malloc(cap * sizeof *all_cpu), *one_cpu = malloc(cap * sizeof *one_cpu);
    uint64_t *pages = malloc(cap * sizeof *pages);
    size_t n_all = 0, n_pages = 0;
    if (!all || !one || !pages || !all_cpu || !one_cpu) return 1;
    struct {
        const char *name;
        ks_ime_schema s;
        const char *const *words;
        size_t n;
    } sets[] = {
        {"lookup pinyin", KS_IME_PINYIN, k_pinyin, sizeof k_pinyin / sizeof k_pinyin[0]},
        {"lookup zhuyin", KS_IME_ZHUYIN, k_zhuyin, sizeof k_zhuyin / sizeof k_zhuyin[0]},
        {"lookup cangjie", KS_IME_CANGJIE, k_cangjie, sizeof k_cangjie / sizeof k_cangjie[0]},
    };
    for (size_t i = 0; i < 3; i++) {
        size_t n =
            run_words(ime, sets[i].s, sets[i].words, sets[i].n, rounds, one, one_cpu, cap, &n_pages, pages);
        size_t keep = n_all + n <= cap ? n : cap - n_all;
        memcpy(all + n_all, one, keep * sizeof *one);
        memcpy(all_cpu + n_all, one_cpu, keep * sizeof *one_cpu);
        n_all += keep;
        char label[64];
        snprintf(label, sizeof label, "%s (wall)", sets[i].name);
        report(label, one, n);
        snprintf(label, sizeof label, "%s (cpu)", sets[i].name);
        report(label, one_cpu, n);
    }
    report("lookup, all schemas (wall)", all, n_all);
    report("lookup, all schemas (cpu)", all_cpu, n_all);
    report("next candidate page", pages, n_pages);

    uint64_t r0 = ks_clock_real_us();
    ks_ime_reset(ime);
    uint64_t r1 = ks_clock_real_us();
    printf("reset (idle wipe, 3 sessions):    %8.2f ms\n", (double)(r1 - r0) / 1000.0);

    ks_ime_destroy(ime);
    free(all);
    free(one);
    free(all_cpu);
    free(one_cpu);
    free(pages);
    ks_path_remove_tree(tmpl, NULL);
    return 0;
}
