/* ntop.* bindings, category log: the probe's log with ntopng's trace levels
 * (0 error, 1 warning, 2 normal, 3 info, 6 debug, 9 trace; see core/log.h). */
#include "api_util.h"

#include "../core/log.h"
#include "../core/probe.h"

#include <string.h>

/* ntop.traceEvent(level, file, line, msg): logs "[basename(file):line] msg" at `level`
 * when the current level lets it through. ntopng only logs a type mismatch and traces
 * nothing; here wrong types, and levels outside 0..9, raise. Returns nothing. */
static int ntop_trace_event(lua_State *L)
{
    lua_Integer level = luaL_checkinteger(L, 1);
    const char *file = luaL_checkstring(L, 2);
    lua_Integer line = luaL_checkinteger(L, 3);
    const char *msg = luaL_checkstring(L, 4);
    luaL_argcheck(L, level >= LOG_ERROR && level <= LOG_TRACE, 1, "trace level must be 0..9");
    const char *base = strrchr(file, '/');
    log_msg((enum log_level)level, "[%s:%lld] %s", base ? base + 1 : file, (long long)line, msg);
    return 0;
}

/* ntop.verboseTrace(): true when the level is trace (9), ntopng's maximum. */
static int ntop_verbose_trace(lua_State *L)
{
    lua_pushboolean(L, log_get_level() == LOG_TRACE);
    return 1;
}

/* ntop.setLoggingLevel(name): "error", "warning", "normal", "info", "debug" or "trace"
 * (ntopng's names; case is ignored). As in ntopng, a level chosen on the command line
 * (-v, -q) wins and the call changes nothing. An unknown name raises (ntopng ignores it).
 * Returns nothing. */
static int ntop_set_logging_level(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    int level = log_level_from_name(name);
    if (level < 0)
        return luaL_argerror(
            L, 1,
            lua_pushfstring(L, "unknown level '%s' (error, warning, normal, info, debug, trace)",
                            name));
    const struct probe *p = lua_ctx_of(L)->probe;
    if (p && p->opt.verbosity != 0)
        return 0;
    log_set_level((enum log_level)level);
    return 0;
}

static const struct api_binding ntop_log_bindings[] = {
    {"setLoggingLevel", ntop_set_logging_level, API_ADMIN, API_CTX_NONE},
    {"traceEvent",      ntop_trace_event,       API_WRITE, API_CTX_NONE},
    {"verboseTrace",    ntop_verbose_trace,     API_READ,  API_CTX_NONE},
};

const struct api_table api_ntop_log = API_TABLE("ntop", "log", ntop_log_bindings);
