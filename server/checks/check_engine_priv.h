/* What the files of server/checks/ share. */
#ifndef NTOP_CHECK_ENGINE_PRIV_H
#define NTOP_CHECK_ENGINE_PRIV_H

#include "../lua/context.h"
#include "check_engine.h"

#include <lua.h>
#include <stdatomic.h>

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

/* A script's "-- @only: COND" lines (doc/checks.md): conditions the engine tests in C
 * before it enters Lua; the script runs when all hold. Each one must only skip runs in
 * which the script would do nothing. */
enum check_only {
    ONLY_L7 = 1u << 0,          /* l7=NAME[,NAME]: master protocol (first part of the name) */
    ONLY_NEW_RISKS = 1u << 1,   /* the flow has a risk whose alert it has not raised yet */
    ONLY_BLACKLISTED = 1u << 2, /* host.is_blacklisted() */
    ONLY_CONTACTS = 1u << 3,    /* new unanswered flows (contact counters) in this run or last */
    ONLY_NEW_FLOWS = 1u << 4,   /* new_flows[>=N]: the host started N (1) flows as client or
                                   as server in this minute or the last */
};

#define CHECK_ONLY_MAX_L7 8

struct check_script {
    char *name;    /* relative to its root: "flow/end/count.lua" */
    int ref;       /* the loaded chunk (with its own _ENV) in the registry */
    uint32_t only; /* enum check_only bits */
    uint32_t new_flows_min; /* ONLY_NEW_FLOWS: N */
    int num_l7;    /* ONLY_L7: protocol names */
    char *l7[CHECK_ONLY_MAX_L7];
    uint8_t *l7_ids; /* ONLY_L7: per nDPI protocol id, 1 when its name is listed */
    uint32_t num_l7_ids;
    uint32_t logged_errors;
    struct check_script_stats st; /* updated atomically: read by other threads */
};

struct check_engine {
    struct lua_ctx ctx; /* first: the state's context is the engine */
    lua_State *L;
    struct iface *ifc;
    struct check_script *scripts[CK_KINDS];
    int count[CK_KINDS];
    /* The run in progress (check_budget.c): its deadline (0 between runs) and thread,
     * read by the watchdog thread; the deadline the watchdog last signalled (its own). */
    _Atomic uint64_t run_deadline_ns;
    _Atomic unsigned long runner;
    uint64_t signalled_deadline;
    bool watched;
    bool timed_out;
    /* Capture clock: index of the current period (seconds / period) per period. */
    bool clock_started;
    uint64_t period_index[PERIODS];
    uint64_t next_tick_us;
    bool input_ended;
    /* The current host had new unanswered flows in this minute run or the last
     * (ONLY_CONTACTS); its new flows are in struct host (ONLY_NEW_FLOWS). */
    bool host_new_unanswered;
};

/* check_budget.c: the watchdog that interrupts a script over --check-timeout-ms. An
 * engine is watched (0, or -1 when no watchdog can run) before its first script and
 * unwatched before it is freed; every script run is between begin and end. */
int check_budget_watch(struct check_engine *e);
void check_budget_unwatch(struct check_engine *e);
void check_budget_begin(struct check_engine *e);
void check_budget_end(struct check_engine *e);

/* check_load.c: loads every script of the configured directories. 0, or -1 on a failure
 * to create the state. */
int check_load_all(struct check_engine *e);

/* check_engine.c: runs every script of `kind` with the context as it is (the current flow
 * or host, if any, for the scripts' conditions). */
void check_run_kind(struct check_engine *e, enum check_kind kind);

/* check_engine.c: the flow scripts of `kind` on f, then f's alert row if their alerts
 * changed its predominant alert (ntopng's FlowChecksExecutor). */
void check_flow_event(struct check_engine *e, struct flow *f, enum check_kind kind);

/* check_only.c: parses the script's "-- @only:" lines (0, or -1 with a logged error: the
 * script then runs without conditions); whether s runs for the current object. */
int check_only_parse(struct check_engine *e, struct check_script *s, const char *path,
                     enum check_kind kind);
bool check_only_pass(struct check_engine *e, const struct check_script *s);
void check_only_free(struct check_script *s);

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
