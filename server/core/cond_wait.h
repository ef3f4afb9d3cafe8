/* Waiting on a condition variable for at most a number of milliseconds: the writer, the
 * checks' watchdog and the RPC pollers each poll something on an interval. */
#ifndef NTOP_COND_WAIT_H
#define NTOP_COND_WAIT_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* pthread_cond_timedwait for `ms` from now (CLOCK_REALTIME, the condition's default
 * clock); the mutex is held by the caller. */
static inline void cond_wait_ms(pthread_cond_t *cv, pthread_mutex_t *mx, uint32_t ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    uint64_t ns = (uint64_t)until.tv_nsec + (uint64_t)ms * 1000000u;
    until.tv_sec += (time_t)(ns / 1000000000u);
    until.tv_nsec = (long)(ns % 1000000000u);
    pthread_cond_timedwait(cv, mx, &until);
}

#endif
