/*
 * clock.h - time sources.
 *
 * ks_clock_now_ms() is monotonic (never jumps with the wall clock) and is
 * what timers and animations use. The headless harness replaces it with a
 * simulated clock through ks_clock_set_simulated(), so scripted runs are
 * deterministic; wall-clock figures (first frame, frame time) always use
 * ks_clock_real_us().
 */
#ifndef KS_CLOCK_H
#define KS_CLOCK_H

#include <stdint.h>

/* Milliseconds since an arbitrary start; simulated when enabled. */
uint64_t ks_clock_now_ms(void);
/* Real monotonic microseconds, never simulated. */
uint64_t ks_clock_real_us(void);
/* Wall-clock seconds since the Unix epoch (for timestamps in data). */
int64_t ks_clock_unix_s(void);
/* Formats unix seconds as "2026-11-01T00:00:00Z" into buf (>= 21 bytes). */
void ks_clock_format_iso8601(int64_t unix_s, char *buf, unsigned long size);
/* Parses "YYYY-MM-DDTHH:MM:SSZ" (optional fraction, Z or +HH:MM offset).
 * Returns 0 and sets *out on success, -1 when malformed. */
int ks_clock_parse_iso8601(const char *s, int64_t *out);

/* Simulated clock for the headless harness: once enabled, now_ms() returns
 * the simulated value, advanced only by ks_clock_advance_ms(). */
void ks_clock_set_simulated(int enabled);
void ks_clock_advance_ms(uint64_t ms);

/* Sleeps the calling thread (never call on the UI thread). */
void ks_clock_sleep_ms(uint64_t ms);

#endif
