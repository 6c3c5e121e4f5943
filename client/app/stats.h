/*
 * stats.h - the figures of a run for `--stats FILE` (private to client/app):
 * first frame time, per-frame times and peak memory, written as JSON.
 */
#ifndef KS_APP_STATS_H
#define KS_APP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"

typedef struct stats stats;

/* start_us: ks_clock_real_us() at process start. NULL on no memory. */
stats *stats_create(uint64_t start_us);
void stats_destroy(stats *s);
/* One frame took us microseconds (update + render + present). The first
 * call also fixes first_frame_ms (now - start). */
void stats_frame(stats *s, uint64_t us);
size_t stats_frames(const stats *s);
/* Forgets the frame times so far (first_frame_ms stays): benchmarks
 * measure a steady state after a warm-up. */
void stats_reset(stats *s);
/* The p-th percentile (0..100) of frame times in ms (nearest rank). */
double stats_percentile(const stats *s, double p);
double stats_first_frame_ms(const stats *s);
/* Peak resident set size of the process, kB. */
long stats_rss_peak_kb(void);
/* Writes {"first_frame_ms", "frames", "frame_ms_p50", "frame_ms_p95",
 * "frame_ms_p99", "rss_peak_kb", ...} atomically to path. */
ks_status stats_write(const stats *s, const char *path, ks_error *err);

#endif
