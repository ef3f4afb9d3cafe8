/* What the files of server/checks/ share. */
#ifndef NTOP_CHECK_ENGINE_PRIV_H
#define NTOP_CHECK_ENGINE_PRIV_H

#include "../lua/context.h"
#include "check_engine.h"

#include <lua.h>

/* ntopng's periodic script directories and their periods. */
enum check_period { PERIOD_MINUTE = 0, PERIOD_5MINUTE, PERIOD_HOURLY, PERIOD_DAILY, PERIODS };

extern const char *const check_period_dir[PERIODS];
extern const uint32_t check_period_secs[PERIODS];

/* When a script runs: one list of scripts per kind. */
enum check_kind {
    CK_FLOW_DETECTED = 0,
    CK_FLOW_PERIODIC,
    CK_FLOW_END,
    CK_HOST,                             /* + period: host/ is minute, host/<period>/ */
    CK_INTERFACE = CK_HOST + PERIODS,    /* + period */
    CK_NETWORK = CK_INTERFACE + PERIODS, /* + period */
    CK_SYSTEM = CK_NETWORK + PERIODS,    /* + period */
    CK_KINDS = CK_SYSTEM + PERIODS,
};

struct check_script {
    char *name; /* relative to its root: "flow/end/count.lua" */
    int ref;    /* the loaded chunk (with its own _ENV) in the registry */
    uint32_t logged_errors;
    struct check_script_stats st; /* updated atomically: read by other threads */
};

struct check_engine {
    struct lua_ctx ctx; /* first: the state's context is the engine */
    lua_State *L;
    struct iface *ifc;
    struct check_script *scripts[CK_KINDS];
    int count[CK_KINDS];
    uint64_t deadline_ns;
    bool timed_out;
    /* Capture clock: index of the current period (seconds / period) per period. */
    bool clock_started;
    uint64_t period_index[PERIODS];
    uint64_t next_tick_us;
    bool input_ended;
};

/* check_load.c: loads every script of the configured directories. 0, or -1 on a failure
 * to create the state. */
int check_load_all(struct check_engine *e);

/* check_engine.c: runs every script of `kind` with the context as it is. */
void check_run_kind(struct check_engine *e, enum check_kind kind);

/* check_periodic.c */
void check_run_period(struct check_engine *e, enum check_period p, uint64_t period_end_s);

/* Resets the per-object fields of the context (the interface stays selected). */
static inline void check_ctx_reset(struct check_engine *e)
{
    e->ctx.ifid = e->ifc->id;
    e->ctx.flow = NULL;
    e->ctx.host = NULL;
    e->ctx.network_id = -1;
}

#endif
