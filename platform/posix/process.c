/*
 * process.c - process-wide set-up (POSIX): ignore SIGPIPE, because libcurl
 * runs with CURLOPT_NOSIGNAL on worker threads and a server closing a TLS
 * connection must fail one transfer, not kill the kiosk.
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>
#ifdef __GLIBC__ /* defined by the headers above */
#include <malloc.h>
#endif

#include "ks/process.h"

void ks_process_init(void)
{
    signal(SIGPIPE, SIG_IGN);
}

static sigset_t stop_set(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

void ks_process_catch_stop(void)
{
    sigset_t set = stop_set();
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int ks_process_wait_stop(unsigned timeout_ms)
{
    sigset_t set = stop_set();
    struct timespec ts = {(time_t)(timeout_ms / 1000), (long)(timeout_ms % 1000) * 1000000L};
    int sig = sigtimedwait(&set, NULL, &ts);
    return sig == SIGINT || sig == SIGTERM;
}

void ks_process_release_memory(void)
{
#ifdef __GLIBC__
    malloc_trim(0); /* glibc keeps freed pages in its arenas otherwise */
#endif
}
