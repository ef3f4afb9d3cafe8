#include "alerts_lua.h"

#include "../alerts/alert_types.h"
#include "../core/capture.h"
#include "../core/iface.h"

#include <string.h>
#include <time.h>

void alerts_push_alert(lua_State *L, const struct alert_entity_state *e,
                       const struct engaged_alert *a)
{
    lua_createtable(L, 0, 13);
    api_set_int(L, "alert_id", a->alert_id);
    api_set_str(L, "subtype", a->subtype);
    api_set_int(L, "entity_id", e->type);
    api_set_str(L, "entity_val", e->value);
    api_set_int(L, "score", a->score);
    api_set_int(L, "severity", alert_score_to_severity(a->score));
    api_set_str(L, "name", a->name && *a->name ? a->name : e->value);
    api_set_int(L, "tstamp", a->tstamp);
    api_set_int(L, "tstamp_end", a->tstamp_end ? a->tstamp_end : (int64_t)time(NULL));
    api_set_int(L, "granularity", alert_periodicity_seconds(a->periodicity));
    api_set_str(L, "json", a->json);
    api_set_str(L, "ip", a->ip ? a->ip : "");
    api_set_int(L, "port", a->port);
}

int alerts_check_periodicity(lua_State *L, int arg)
{
    lua_Integer p = luaL_checkinteger(L, arg);
    luaL_argcheck(L, p >= 0 && p < ALERT_NUM_PERIODICITIES, arg,
                  "periodicity must be 0..5 (aperiodic, minute, 5mins, hour, day)");
    return (int)p;
}

int alerts_opt_periodicity(lua_State *L, int arg)
{
    return lua_isnoneornil(L, arg) ? -1 : alerts_check_periodicity(L, arg);
}

int alerts_push_entity_alerts(lua_State *L, const struct alert_entity_state *e, int periodicity,
                              int64_t alert_type, int severity, int idx)
{
    /* Periodicity order, as ntopng walks its per-periodicity maps. */
    for (int p = 0; p < ALERT_NUM_PERIODICITIES; p++) {
        if (periodicity >= 0 && p != periodicity)
            continue;
        for (uint32_t i = 0; i < e->num_alerts; i++) {
            const struct engaged_alert *a = e->alerts[i];
            if (a->periodicity != p || (alert_type >= 0 && a->alert_id != alert_type) ||
                (severity > 0 && (int)alert_score_to_severity(a->score) != severity))
                continue;
            alerts_push_alert(L, e, a);
            lua_rawseti(L, -2, ++idx);
        }
    }
    return idx;
}

static char *opt_dup(lua_State *L, int arg)
{
    const char *s = luaL_optstring(L, arg, NULL);
    return s ? strdup(s) : NULL;
}

int alerts_lua_store_triggered(lua_State *L, struct iface *ifc, int type, const char *value,
                               bool external, int network_id, int arg)
{
    const char *key = luaL_checkstring(L, arg);
    int periodicity = alerts_check_periodicity(L, arg + 1);
    lua_Integer score = luaL_checkinteger(L, arg + 2);
    luaL_argcheck(L, score >= 0 && score <= UINT32_MAX, arg + 2, "score must be >= 0");
    lua_Integer alert_type = luaL_checkinteger(L, arg + 3);
    luaL_argcheck(L, alert_type >= 0 && alert_type <= UINT32_MAX, arg + 3,
                  "alert type must be >= 0");
    const char *subtype = luaL_checkstring(L, arg + 4);
    const char *json = luaL_checkstring(L, arg + 5);
    luaL_optstring(L, arg + 6, NULL);
    luaL_optstring(L, arg + 7, NULL);
    lua_Integer port = luaL_optinteger(L, arg + 8, 0);
    luaL_argcheck(L, port >= 0 && port <= 65535, arg + 8, "port must be 0..65535");

    struct alert_entity_state *e = alerts_entity(ifc, type, value, external, true);
    if (!e)
        return luaL_error(L, "out of memory");
    e->network_id = network_id;
    if (external)
        alerts_set_external_seen(ifc);
    struct engaged_alert *a = alerts_engage(ifc, e, key, periodicity, (uint32_t)score,
                                            (uint32_t)alert_type, subtype, json);
    if (!a) {
        lua_pushnil(L);
        return 1;
    }
    a->ip = opt_dup(L, arg + 6);
    a->name = opt_dup(L, arg + 7);
    a->port = (uint16_t)port;
    alerts_push_alert(L, e, a);
    return 1;
}

int alerts_lua_release_triggered(lua_State *L, struct iface *ifc, int type, const char *value,
                                 bool external, int arg)
{
    const char *key = luaL_checkstring(L, arg);
    int periodicity = alerts_check_periodicity(L, arg + 1);
    lua_Integer when = luaL_checkinteger(L, arg + 2);
    struct alert_entity_state *e = alerts_entity(ifc, type, value, external, false);
    struct engaged_alert *a = e ? alerts_release(ifc, e, key, periodicity, when) : NULL;
    if (!a) {
        lua_pushnil(L);
        return 1;
    }
    /* e may be gone with its last alert: push from a stand-in with its identity. */
    struct alert_entity_state id = {.type = type, .value = (char *)value};
    alerts_push_alert(L, &id, a);
    engaged_alert_free(a);
    return 1;
}

struct owner_call {
    lua_State *L;
    lua_CFunction fn;
    int status;
};

static void run_on_owner(struct iface *ifc, void *arg)
{
    (void)ifc;
    struct owner_call *oc = arg;
    int nargs = lua_gettop(oc->L);
    lua_pushcfunction(oc->L, oc->fn);
    lua_insert(oc->L, 1);
    oc->status = lua_pcall(oc->L, nargs, LUA_MULTRET, 0);
}

int alerts_lua_on_owner(lua_State *L, lua_CFunction fn)
{
    struct owner_call oc = {.L = L, .fn = fn};
    iface_call(lua_ctx_iface(L), run_on_owner, &oc);
    if (oc.status != LUA_OK) {
        /* Called through lua_pcall, the binding's argument errors say "to '?'": name it
         * as the registry's trampolines do (their upvalue 2 is "ns.name"). */
        const char *msg = lua_tostring(L, -1);
        const char *q = msg ? strstr(msg, " to '?'") : NULL;
        const char *name = lua_tostring(L, lua_upvalueindex(2));
        if (q && name) {
            lua_pushfstring(L, "%s to '%s'%s", "", name, q + strlen(" to '?'"));
            lua_pushlstring(L, msg, (size_t)(q - msg));
            lua_insert(L, -2);
            lua_concat(L, 2);
            lua_replace(L, -2);
        }
        return lua_error(L);
    }
    return lua_gettop(L);
}
