/* Binding threads to CPU cores (ntopng's --cpu-affinity / --other-cpu-affinity): capture
 * threads each on their own core, everything else (RPC, alerts writer, Redis client,
 * signals) on the others, so a remote API load or a burst of alerts never takes a capture
 * thread's core. */
#ifndef NTOP_CPU_AFFINITY_H
#define NTOP_CPU_AFFINITY_H

#include <stddef.h>

#define CPU_LIST_MAX 64

struct cpu_list {
    int count; /* 0: not set, threads run where the kernel puts them */
    int cpus[CPU_LIST_MAX];
};

/* Parses "0,2,4-6" into `out` (ids in the order given, ranges expanded). Every id must be a
 * core this machine has. -1 with a message in err on a malformed list or an unknown core. */
int cpu_list_parse(const char *s, struct cpu_list *out, char *err, size_t errlen);

/* Binds the calling thread to the cores of `l` (all of them). 0, or -1 with errno. */
int cpu_bind_self_to_list(const struct cpu_list *l);

/* Binds the calling thread to the one core l->cpus[index % l->count]; returns that core, or
 * -1 with errno. */
int cpu_bind_self_to_one(const struct cpu_list *l, int index);

#endif
