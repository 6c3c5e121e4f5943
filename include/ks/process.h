/*
 * process.h - process-wide set-up the OS asks of a program that talks to
 * the network from worker threads.
 *
 * ks_process_init() makes a peer that closes a connection an error on that
 * connection instead of a signal that ends the whole process (SIGPIPE on
 * POSIX). Call it once, first thing in main(), before any thread starts.
 */
#ifndef KS_PROCESS_H
#define KS_PROCESS_H

void ks_process_init(void);

/* For programs that run until told to stop (kioskctl sync without
 * --once): the stop requests (SIGINT, SIGTERM) are held for
 * ks_process_wait_stop() instead of ending the process. Call before any
 * thread starts, so the threads inherit it. */
void ks_process_catch_stop(void);
/* Waits up to timeout_ms for a stop request; 1 when one came. */
int ks_process_wait_stop(unsigned timeout_ms);

/* Hands memory the allocator keeps but no longer uses back to the system
 * (freed pages inside its heaps; without it the resident size stays at
 * its highest). Call at calm moments: it walks the heaps, ~0.1-1 ms. */
void ks_process_release_memory(void);

#endif
