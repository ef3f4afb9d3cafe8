/* Check scripts inside the probe: flow scripts (protocol detected, periodic, flow end), host
 * scripts (every minute per host), and the periodic interface / local-network / system
 * scripts (minute, 5minute, hourly, daily). Layout and timing: doc/checks.md.
 *
 * Each capture thread owns one Lua state for its interface's checks (ifc->checks, NULL when
 * no script is loaded, so the packet path pays one branch). Every function here runs on the
 * interface's capture thread. */
#ifndef NTOP_CHECK_ENGINE_H
#define NTOP_CHECK_ENGINE_H

#include "../core/iface.h"

#include <stdbool.h>
#include <stdint.h>

struct check_engine;

/* Loads the scripts (--checks, --checks-dir) into a new state owned by the calling thread
 * and sets ifc->checks; leaves it NULL when there is nothing to run. */
void check_engine_start(struct iface *ifc);

/* Frees the state; the thread that started it. */
void check_engine_stop(struct iface *ifc);

/* Hooks (the core calls them through the inline wrappers below). */
void check_flow_detected(struct iface *ifc, struct flow *f);
void check_flow_end(struct iface *ifc, struct flow *f);
void check_clock(struct iface *ifc, uint64_t now_us);
void check_end_of_input(struct iface *ifc);
void check_host_free(struct iface *ifc, struct host *h);

/* Protocol detected (once per flow). */
static inline void checks_on_flow_detected(struct iface *ifc, struct flow *f)
{
    if (ifc->checks)
        check_flow_detected(ifc, f);
}

/* The flow leaves memory (purge), or its capture file ended. Once per flow. */
static inline void checks_on_flow_end(struct iface *ifc, struct flow *f)
{
    if (ifc->checks)
        check_flow_end(ifc, f);
}

/* The host leaves memory (idle purge): its entries in the host scripts' host_state tables
 * go with it. */
static inline void checks_on_host_free(struct iface *ifc, struct host *h)
{
    if (ifc->checks)
        check_host_free(ifc, h);
}

/* The interface clock moved: runs the periodic scripts whose period ended. */
static inline void checks_on_clock(struct iface *ifc, uint64_t now_us)
{
    if (ifc->checks)
        check_clock(ifc, now_us);
}

/* A capture file was read to the end: flow-end scripts for the flows still in memory, then
 * the periodic scripts for the last (partial) period. */
static inline void checks_on_end_of_input(struct iface *ifc)
{
    if (ifc->checks)
        check_end_of_input(ifc);
}

/* Run counters of one script, summed over interfaces (ntop.getFlowChecksStats). */
struct check_script_stats {
    uint64_t calls, errors, timeouts, execution_time_ns;
};

/* Calls fn once per loaded flow script of every interface, with its name relative to its
 * directory ("flow/end/count.lua"). Any thread: the counters are read atomically. */
void check_engine_each_flow_script(struct probe *p,
                                   void (*fn)(const char *name, const struct check_script_stats *s,
                                              void *arg),
                                   void *arg);

#endif
