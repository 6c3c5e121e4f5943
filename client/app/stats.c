/*
 * stats.c - frame timing and memory figures for `kiosk --stats FILE`.
 *
 * Frame times are real (wall clock) microseconds of update + render +
 * present, whatever clock the animations run on, so the headless harness
 * measures what a visitor would feel. Must not: influence what is drawn.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cjson/cJSON.h>

#include "ks/clock.h"
#include "ks/file.h"

#include "stats.h"

struct stats {
    uint64_t start_us;
    double first_frame_ms;
    int have_first;
    uint64_t *us;
    size_t n, cap;
};

stats *stats_create(uint64_t start_us)
{
    stats *s = calloc(1, sizeof *s);
    if (s) s->start_us = start_us;
    return s;
}

void stats_destroy(stats *s)
{
    if (!s) return;
    free(s->us);
    free(s);
}

void stats_frame(stats *s, uint64_t us)
{
    if (!s) return;
    if (s->n == 0 && !s->have_first) {
        s->first_frame_ms = (double)(ks_clock_real_us() - s->start_us) / 1000.0;
        s->have_first = 1;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        uint64_t *p = realloc(s->us, cap * sizeof *p);
        if (!p) return;
        s->us = p;
        s->cap = cap;
    }
    s->us[s->n++] = us;
}

size_t stats_frames(const stats *s) { return s ? s->n : 0; }

void stats_reset(stats *s)
{
    if (s && s->n) s->n = 0; /* first_frame_ms was fixed by the first frame */
}
double stats_first_frame_ms(const stats *s) { return s ? s->first_frame_ms : 0; }

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

double stats_percentile(const stats *s, double p)
{
    if (!s || s->n == 0) return 0;
    uint64_t *tmp = malloc(s->n * sizeof *tmp);
    if (!tmp) return 0;
    memcpy(tmp, s->us, s->n * sizeof *tmp);
    qsort(tmp, s->n, sizeof *tmp, cmp_u64);
    /* nearest rank: the smallest value with at least p% of frames <= it */
    size_t rank = (size_t)((p / 100.0) * (double)s->n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > s->n) rank = s->n;
    double v = (double)tmp[rank - 1] / 1000.0;
    free(tmp);
    return v;
}

long stats_rss_peak_kb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
    return ru.ru_maxrss; /* kilobytes on Linux and the BSDs */
}

static double round3(double v) { return (double)(long long)(v * 1000.0 + 0.5) / 1000.0; }

ks_status stats_write(const stats *s, const char *path, ks_error *err)
{
    ks_status st = KS_OK;
    char *text = NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o) return ks_error_set(err, KS_ERR_NOMEM, "stats: out of memory");
    double mean = 0, max = 0;
    for (size_t i = 0; i < s->n; i++) {
        mean += (double)s->us[i] / 1000.0;
        if ((double)s->us[i] / 1000.0 > max) max = (double)s->us[i] / 1000.0;
    }
    if (s->n) mean /= (double)s->n;
    if (!cJSON_AddNumberToObject(o, "first_frame_ms", round3(s->first_frame_ms)) ||
        !cJSON_AddNumberToObject(o, "frames", (double)s->n) ||
        !cJSON_AddNumberToObject(o, "frame_ms_p50", round3(stats_percentile(s, 50))) ||
        !cJSON_AddNumberToObject(o, "frame_ms_p95", round3(stats_percentile(s, 95))) ||
        !cJSON_AddNumberToObject(o, "frame_ms_p99", round3(stats_percentile(s, 99))) ||
        !cJSON_AddNumberToObject(o, "frame_ms_max", round3(max)) ||
        !cJSON_AddNumberToObject(o, "frame_ms_mean", round3(mean)) ||
        !cJSON_AddNumberToObject(o, "rss_peak_kb", (double)stats_rss_peak_kb())) {
        st = ks_error_set(err, KS_ERR_NOMEM, "stats: out of memory");
        goto out;
    }
    text = cJSON_Print(o);
    if (!text) {
        st = ks_error_set(err, KS_ERR_NOMEM, "stats: out of memory");
        goto out;
    }
    st = ks_file_write_atomic(path, text, strlen(text), err);
    if (st) ks_error_prefix(err, "stats file %s", path);
out:
    cJSON_free(text);
    cJSON_Delete(o);
    return st;
}
