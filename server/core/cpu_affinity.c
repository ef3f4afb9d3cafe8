#define _GNU_SOURCE /* CPU_SET, pthread_setaffinity_np */
#include "cpu_affinity.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int parse_id(const char **p, long ncpu, int *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    long v = strtol(*p, &end, 10);
    if (end == *p || errno || v < 0) {
        snprintf(err, errlen, "expected a core number at '%s'", *p);
        return -1;
    }
    if (v >= ncpu || v >= CPU_SETSIZE) {
        snprintf(err, errlen, "core %ld does not exist (this machine has cores 0-%ld)", v,
                 ncpu - 1);
        return -1;
    }
    *p = end;
    *out = (int)v;
    return 0;
}

int cpu_list_parse(const char *s, struct cpu_list *out, char *err, size_t errlen)
{
    long ncpu = sysconf(_SC_NPROCESSORS_CONF);
    if (ncpu < 1)
        ncpu = 1;
    out->count = 0;
    const char *p = s;
    for (;;) {
        int lo, hi;
        if (parse_id(&p, ncpu, &lo, err, errlen) != 0)
            return -1;
        hi = lo;
        if (*p == '-') {
            p++;
            if (parse_id(&p, ncpu, &hi, err, errlen) != 0)
                return -1;
            if (hi < lo) {
                snprintf(err, errlen, "range %d-%d goes backwards", lo, hi);
                return -1;
            }
        }
        for (int c = lo; c <= hi; c++) {
            if (out->count == CPU_LIST_MAX) {
                snprintf(err, errlen, "more than %d cores", CPU_LIST_MAX);
                return -1;
            }
            out->cpus[out->count++] = c;
        }
        if (*p == '\0')
            return 0;
        if (*p != ',') {
            snprintf(err, errlen, "unexpected '%c' (a list looks like 0,2-3)", *p);
            return -1;
        }
        p++;
    }
}

static int bind_set(const cpu_set_t *set)
{
    int rc = pthread_setaffinity_np(pthread_self(), sizeof(*set), set);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return 0;
}

int cpu_bind_self_to_list(const struct cpu_list *l)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < l->count; i++)
        CPU_SET(l->cpus[i], &set);
    return bind_set(&set);
}

int cpu_bind_self_to_one(const struct cpu_list *l, int index)
{
    int cpu = l->cpus[index % l->count];
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return bind_set(&set) == 0 ? cpu : -1;
}
