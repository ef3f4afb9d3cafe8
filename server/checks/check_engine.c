/* Running check scripts: the context around each call, the time budget, errors. */
#include "check_engine_priv.h"

#include "../alerts/alert_state.h"
#include "../core/log.h"
#include "../core/probe.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* Errors logged per script; later ones are only counted (a script failing on every flow
 * would otherwise flood the log). */
#define CHECK_MAX_LOGGED_ERRORS 10

static void add(uint64_t *counter, uint64_t v)
{
    __atomic_fetch_add(counter, v, __ATOMIC_RELAXED);
}

static void run_script(struct check_engine *e, struct check_script *s)
{
    lua_State *L = e->L;
    uint64_t t0 = probe_mono_ns();
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref);
    check_budget_begin(e);
    int rc = lua_pcall(L, 0, 0, 0);
    check_budget_end(e);
    add(&s->st.calls, 1);
    add(&s->st.execution_time_ns, probe_mono_ns() - t0);
    if (rc != LUA_OK) {
        add(&s->st.errors, 1);
        if (e->timed_out)
            add(&s->st.timeouts, 1);
        if (s->logged_errors < CHECK_MAX_LOGGED_ERRORS) {
            const char *msg = lua_tostring(L, -1);
            log_warning("%s: check %s: %s%s", e->ifc->name, s->name,
                        msg ? msg : "(error object is not a string)",
                        ++s->logged_errors == CHECK_MAX_LOGGED_ERRORS
                            ? " (further errors of this script are counted, not logged)"
                            : "");
        }
    }
    lua_settop(L, 0);
    /* A script may select another interface or network: the next one starts afresh. */
    e->ctx.ifid = e->ifc->id;
}

void check_run_kind(struct check_engine *e, enum check_kind kind)
{
    for (int i = 0; i < e->count[kind]; i++) {
        struct check_script *s = &e->scripts[kind][i];
        if (check_only_pass(e, s))
            run_script(e, s);
    }
}

static bool has_scripts(const struct check_engine *e)
{
    for (int k = 0; k < CK_KINDS; k++)
        if (e->count[k])
            return true;
    return false;
}

static void engine_free(struct check_engine *e)
{
    if (e->watched)
        check_budget_unwatch(e);
    if (e->L)
        lua_close(e->L);
    for (int k = 0; k < CK_KINDS; k++) {
        for (int i = 0; i < e->count[k]; i++) {
            free(e->scripts[k][i].name);
            check_only_free(&e->scripts[k][i]);
        }
        free(e->scripts[k]);
    }
    free(e);
}

void check_engine_start(struct iface *ifc)
{
    struct probe *p = ifc->probe;
    if (!p->opt.checks && !p->opt.checks_dir)
        return;
    struct check_engine *e = calloc(1, sizeof(*e));
    if (!e) {
        log_error("%s: checks disabled: out of memory", ifc->name);
        return;
    }
    e->ifc = ifc;
    e->ctx = (struct lua_ctx){.probe = p, .ifid = ifc->id, .network_id = -1};
    if (check_load_all(e) != 0) {
        log_error("%s: checks disabled: cannot create a Lua state", ifc->name);
        engine_free(e);
        return;
    }
    if (!has_scripts(e)) {
        log_normal("%s: no check script found", ifc->name);
        engine_free(e);
        return;
    }
    if (check_budget_watch(e) != 0) {
        log_error("%s: checks disabled: cannot start the scripts' watchdog", ifc->name);
        engine_free(e);
        return;
    }
    e->watched = true;
    __atomic_store_n(&ifc->checks, e, __ATOMIC_RELEASE);
}

static void log_summary(struct check_engine *e)
{
    for (int k = 0; k < CK_KINDS; k++)
        for (int i = 0; i < e->count[k]; i++) {
            const struct check_script *s = &e->scripts[k][i];
            if (s->st.errors)
                log_warning("%s: check %s: %llu runs, %llu errors (%llu over the time budget)",
                            e->ifc->name, s->name, (unsigned long long)s->st.calls,
                            (unsigned long long)s->st.errors, (unsigned long long)s->st.timeouts);
        }
}

void check_engine_stop(struct iface *ifc)
{
    struct check_engine *e = ifc->checks;
    if (!e)
        return;
    __atomic_store_n(&ifc->checks, NULL, __ATOMIC_RELEASE);
    if (!e->input_ended)
        log_summary(e); /* live interfaces: at stop */
    engine_free(e);
}

void check_flow_event(struct check_engine *e, struct flow *f, enum check_kind kind)
{
    uint16_t predominant = alerts_flow_predominant(f);
    e->ctx.flow = f;
    check_run_kind(e, kind);
    check_ctx_reset(e);
    /* ntopng writes a flow once per event that changed its predominant alert. */
    alerts_flow_emit(e->ifc, f, predominant);
}

void check_flow_detected(struct iface *ifc, struct flow *f)
{
    struct check_engine *e = ifc->checks;
    if (e->count[CK_FLOW_DETECTED])
        check_flow_event(e, f, CK_FLOW_DETECTED);
}

void check_flow_end(struct iface *ifc, struct flow *f)
{
    struct check_engine *e = ifc->checks;
    /* After the end of a file every flow left has had its end already. */
    if (e->count[CK_FLOW_END] && !e->input_ended)
        check_flow_event(e, f, CK_FLOW_END);
}

/* Host scripts keep what they know of a host between runs in their global host_state, keyed
 * "ip" or "ip@vlan" (doc/checks.md): the key goes when the host does, so the table stays
 * as large as the host table and a host seen again later starts afresh, as its counters.
 * Protected (the key string may not fit in memory): (engine, key). */
static int drop_host_state(lua_State *L)
{
    struct check_engine *e = lua_touserdata(L, 1);
    const char *key = lua_tostring(L, 2);
    for (int p = 0; p < PERIODS; p++)
        for (int i = 0; i < e->count[CK_HOST + p]; i++) {
            lua_settop(L, 2);
            lua_rawgeti(L, LUA_REGISTRYINDEX, e->scripts[CK_HOST + p][i].ref);
            if (!lua_getupvalue(L, -1, 1) || lua_type(L, -1) != LUA_TTABLE)
                continue;
            lua_pushliteral(L, "host_state");
            if (lua_rawget(L, -2) != LUA_TTABLE)
                continue;
            lua_pushnil(L);
            lua_setfield(L, -2, key);
        }
    return 0;
}

void check_host_free(struct iface *ifc, struct host *h)
{
    struct check_engine *e = ifc->checks;
    bool any = false;
    for (int p = 0; p < PERIODS; p++)
        any = any || e->count[CK_HOST + p];
    if (!any)
        return;
    lua_State *L = e->L;
    char key[IPADDR_STRLEN + 8];
    int top = lua_gettop(L);
    lua_pushcfunction(L, drop_host_state);
    lua_pushlightuserdata(L, e);
    lua_pushstring(L, alerts_host_value(h, key, sizeof(key)));
    if (lua_pcall(L, 2, 0, 0) != LUA_OK)
        log_warning("%s: checks: cannot drop a host's host_state: %s", ifc->name,
                    lua_tostring(L, -1));
    lua_settop(L, top);
}

void check_end_of_input(struct iface *ifc)
{
    struct check_engine *e = ifc->checks;
    if (e->input_ended)
        return;
    for (struct flow *f = ifc->flows.head; f; f = f->list_next)
        check_flow_end(ifc, f);
    e->input_ended = true;
    /* The period in progress when the file ends runs once, as if its end had come. */
    if (e->clock_started) {
        uint64_t now_s = ifc->clock_us / 1000000u;
        for (int p = 0; p < PERIODS; p++)
            check_run_period(e, (enum check_period)p,
                             (now_s / check_period_secs[p] + 1) * check_period_secs[p]);
    }
    log_summary(e);
}

void check_engine_each_flow_script(struct probe *p,
                                   void (*fn)(const char *name, const struct check_script_stats *s,
                                              void *arg),
                                   void *arg)
{
    static const enum check_kind kinds[] = {CK_FLOW_DETECTED, CK_FLOW_PERIODIC, CK_FLOW_END};
    for (int i = 0; i < p->num_ifaces; i++) {
        struct check_engine *e = __atomic_load_n(&p->ifaces[i]->checks, __ATOMIC_ACQUIRE);
        if (!e)
            continue;
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
            for (int j = 0; j < e->count[kinds[k]]; j++) {
                const struct check_script *s = &e->scripts[kinds[k]][j];
                struct check_script_stats st = {
                    .calls = __atomic_load_n(&s->st.calls, __ATOMIC_RELAXED),
                    .errors = __atomic_load_n(&s->st.errors, __ATOMIC_RELAXED),
                    .timeouts = __atomic_load_n(&s->st.timeouts, __ATOMIC_RELAXED),
                    .execution_time_ns =
                        __atomic_load_n(&s->st.execution_time_ns, __ATOMIC_RELAXED),
                };
                fn(s->name, &st, arg);
            }
    }
}
