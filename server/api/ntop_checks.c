/* ntop.* about the check scripts: their run counters. */
#include "api_util.h"

#include "../checks/check_engine.h"
#include "../core/probe.h"

static void add_script(const char *name, const struct check_script_stats *s, void *arg)
{
    lua_State *L = arg;
    /* The same script on several interfaces: one entry, summed. */
    if (lua_getfield(L, -1, name) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_newtable(L);
        lua_setfield(L, -2, "stats");
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, name);
    }
    lua_getfield(L, -1, "stats");
    static const char *const keys[] = {"execution_time", "calls", "errors", "timeouts"};
    const uint64_t vals[] = {s->execution_time_ns, s->calls, s->errors, s->timeouts};
    for (int i = 0; i < 4; i++) {
        lua_getfield(L, -1, keys[i]);
        uint64_t v = (uint64_t)lua_tointeger(L, -1) + vals[i];
        lua_pop(L, 1);
        api_set_uint(L, keys[i], v);
    }
    lua_pop(L, 2);
}

/* getFlowChecksStats(): { [script] = { stats = { execution_time (ns), calls, errors,
 * timeouts } } } for the loaded flow scripts (FlowChecksLoader::lua's shape, keyed by the
 * script's path under its checks directory). */
static int ntop_get_flow_checks_stats(lua_State *L)
{
    lua_newtable(L);
    check_engine_each_flow_script(lua_ctx_of(L)->probe, add_script, L);
    return 1;
}

static const struct api_binding ntop_checks_bindings[] = {
    {"getFlowChecksStats", ntop_get_flow_checks_stats, API_READ, API_CTX_NONE},
};

const struct api_table api_ntop_checks = API_TABLE("ntop", "checks", ntop_checks_bindings);
