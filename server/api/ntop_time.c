/* ntop.* bindings, category time: wall clock with sub-second precision and a tick counter
 * for measuring intervals. */
#include "api_util.h"

#include "../core/probe.h"

#include <sys/time.h>

/* ntop.gettimemsec(): despite the name, ntopng returns the current epoch time in
 * *seconds* as a float with microsecond resolution (e.g. 1718000000.123456); same here. */
static int ntop_gettimemsec(lua_State *L)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    lua_pushnumber(L, (lua_Number)tv.tv_sec + (lua_Number)tv.tv_usec / 1e6);
    return 1;
}

/* ntop.getticks(): a float tick count for intervals, (t2 - t1) / ntop.gettickspersec()
 * seconds. ntopng reads the x86 TSC (or gettimeofday microseconds elsewhere) and measures
 * the rate by sleeping; here a tick is one nanosecond of CLOCK_MONOTONIC, so the rate is
 * exact and the counter never jumps with the wall clock. */
static int ntop_getticks(lua_State *L)
{
    lua_pushnumber(L, (lua_Number)probe_mono_ns());
    return 1;
}

/* ntop.gettickspersec(): float, as in ntopng. */
static int ntop_gettickspersec(lua_State *L)
{
    lua_pushnumber(L, 1e9);
    return 1;
}

static const struct api_binding ntop_time_bindings[] = {
    {"getticks",       ntop_getticks,       API_READ, API_CTX_NONE},
    {"gettickspersec", ntop_gettickspersec, API_READ, API_CTX_NONE},
    {"gettimemsec",    ntop_gettimemsec,    API_READ, API_CTX_NONE},
};

const struct api_table api_ntop_time = API_TABLE("ntop", "time", ntop_time_bindings);
