/*
 * bench_encoder.c - what the sentence encoder (encoder.h) costs: opening
 * it, encoding one visitor question (what every English query pays on
 * content small enough to have sentence vectors), and the memory it
 * takes. Prints figures; asserts nothing.
 *
 *   bench_encoder [--rounds N]      (default 20 rounds of 40 questions)
 *
 * The questions are written for this program: short and long, typed the
 * way visitors type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ks/encoder.h"

static const char *questions[] = {
    "hi",
    "lost phone",
    "refund",
    "how do i send crypto",
    "my transfer is stuck",
    "where is the exit",
    "is vr safe for kids",
    "I feel sick in the headset",
    "can I talk to a real person please",
    "what happens if someone sees my recovery phrase",
    "I sent money to the wrong network what now",
    "how long does a refund take to reach my card",
    "why is my account verification taking so long",
    "does this kiosk keep my data after I leave",
    "how do I change the language of this screen",
    "my nft does not show up in the wallet after I bought it yesterday",
    "someone called me saying they are from support and asked for my twelve words",
    "the network fee was much higher than the app told me, can I get it back",
    "can i use the vr booth if i wear glasses and have a history of migraines",
    "i bought a virtual jacket in the world shop but it never appeared in my inventory and the money is gone",
    "how do i receive",
    "fees",
    "stuck transaction",
    "wrong address",
    "opening hours",
    "reset my pin",
    "new phone",
    "is this legit",
    "accessibility options for blind visitors",
    "the headset is too tight",
    "clean the controllers",
    "can my child play",
    "what is a seed phrase",
    "where do i see my balance",
    "how to cancel a pending payment",
    "i forgot my password and my email changed",
    "qr code does not scan",
    "the screen is too small to read",
    "speak to staff",
    "thank you",
};
#define N_Q (sizeof questions / sizeof questions[0])

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static long max_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

int main(int argc, char **argv)
{
    int rounds = 20;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 100000) {
                fprintf(stderr, "bench_encoder: --rounds wants a number from 1 to 100000, got '%s'\n", argv[i]);
                return 2;
            }
            rounds = (int)v;
        }
    long rss0 = max_rss_kb();
    double t0 = now_ms();
    const ks_encoder *e = ks_encoder_default();
    double t_open = now_ms() - t0;
    if (!e) {
        printf("bench_encoder: no sentence encoder in this build (scripts/setup.sh fetches it)\n");
        return 0;
    }
    long rss1 = max_rss_kb();
    size_t n = (size_t)rounds * N_Q;
    double *ms = malloc(n * sizeof *ms);
    double tokens = 0;
    if (!ms) return 1;
    float v[KS_ENCODER_DIM];
    int32_t ids[128];
    for (int r = 0; r < rounds; r++)
        for (size_t q = 0; q < N_Q; q++) {
            double a = now_ms();
            ks_encoder_embed(e, questions[q], strlen(questions[q]), 0, v);
            ms[r * N_Q + q] = now_ms() - a;
            if (r == 0) tokens += (double)ks_encoder_tokenize(e, questions[q], strlen(questions[q]), ids, 128);
        }
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += ms[i];
    qsort(ms, n, sizeof *ms, cmp_d);
    printf("bench_encoder: open %.1f ms, +%.1f MB peak RSS; %zu encodes of %zu questions (%.1f pieces on average)\n",
           t_open, (rss1 - rss0) / 1024.0, n, N_Q, tokens / N_Q);
    printf("  per question: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %.0f questions/s on one core\n",
           ms[n / 2], ms[n * 9 / 10], ms[n * 99 / 100], ms[n - 1], 1000.0 * n / total);
    printf("  peak RSS after encoding: %.1f MB\n", max_rss_kb() / 1024.0);
    free(ms);
    return 0;
}
