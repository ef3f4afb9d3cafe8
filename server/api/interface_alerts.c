/* interface.* bindings, category alerts: the interface entity's engaged alerts and caches,
 * external entities, every engaged alert of the interface, and the alert store. They run
 * on the interface's owner thread (registry trampoline), where the alert state lives;
 * alert_store_query runs on the caller's thread (its own read-only connection), so a slow
 * query never holds capture up. */
#include "alerts_lua.h"

#include "../alerts/alert_store.h"
#include "../alerts/alert_types.h"
#include "../core/iface.h"
#include "../core/probe.h"

#include <time.h>

static struct alert_entity_state *iface_entity(struct iface *ifc, bool create)
{
    char v[16];
    return alerts_entity(ifc, ALERT_ENTITY_INTERFACE, alerts_iface_value(ifc, v, sizeof(v)), false,
                         create);
}

/* interface.storeTriggeredAlert(key, periodicity, score, alert_type, subtype, json):
 * the alert table when newly engaged, nil when that key was already engaged. */
static int interface_store_triggered_alert(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    char v[16];
    return alerts_lua_store_triggered(L, ifc, ALERT_ENTITY_INTERFACE,
                                      alerts_iface_value(ifc, v, sizeof(v)), false, -1, 1);
}

/* interface.releaseTriggeredAlert(key, periodicity, when): the released alert (written to
 * the store with tstamp_end = when), nil when it was not engaged. */
static int interface_release_triggered_alert(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    char v[16];
    return alerts_lua_release_triggered(L, ifc, ALERT_ENTITY_INTERFACE,
                                        alerts_iface_value(ifc, v, sizeof(v)), false, 1);
}

/* interface.getAlerts([periodicity]): the interface entity's engaged alerts, an array. */
static int interface_get_alerts(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    int periodicity = alerts_opt_periodicity(L, 1);
    struct alert_entity_state *e = iface_entity(ifc, false);
    lua_newtable(L);
    if (e)
        alerts_push_entity_alerts(L, e, periodicity, -1, -1, 0);
    return 1;
}

/* interface.getCachedAlertValue(key, periodicity): the value, "" when unset. */
static int interface_get_cached_alert_value(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    const char *key = luaL_checkstring(L, 1);
    int periodicity = alerts_check_periodicity(L, 2);
    lua_pushstring(L, alerts_cache_get(iface_entity(ifc, false), key, periodicity));
    return 1;
}

/* interface.setCachedAlertValue(key, value, periodicity): nil. */
static int interface_set_cached_alert_value(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    const char *key = luaL_checkstring(L, 1);
    const char *value = luaL_checkstring(L, 2);
    int periodicity = alerts_check_periodicity(L, 3);
    struct alert_entity_state *e = iface_entity(ifc, true);
    if (!e || alerts_cache_set(ifc, e, key, value, periodicity) != 0)
        return luaL_error(L, "out of memory");
    lua_pushnil(L);
    return 1;
}

/* interface.checkContext(entity_val): whether entity_val is the selected interface's
 * entity value (its id as a string). */
static int interface_check_context(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    const char *val = luaL_checkstring(L, 1);
    char v[16];
    lua_pushboolean(L, strcmp(val, alerts_iface_value(ifc, v, sizeof(v))) == 0);
    return 1;
}

/* An external entity type argument: one that has an alert table. */
static int check_external_entity(lua_State *L, int arg)
{
    lua_Integer t = luaL_checkinteger(L, arg);
    luaL_argcheck(
        L, t >= 0 && t < ALERT_ENTITY_MAX && t != ALERT_ENTITY_FLOW && alert_entity_table((int)t),
        arg, "entity type without an alert table (0-3, 5, 7-9)");
    return (int)t;
}

/* interface.triggerExternalAlert(entity_type, entity_value, key, periodicity, score,
 * alert_type, subtype, json): engages an alert on any entity; as storeTriggeredAlert. */
static int interface_trigger_external_alert(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    int type = check_external_entity(L, 1);
    const char *value = luaL_checkstring(L, 2);
    return alerts_lua_store_triggered(L, ifc, type, value, true, -1, 3);
}

/* interface.releaseExternalAlert(entity_type, entity_value, key, periodicity, when). */
static int interface_release_external_alert(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    int type = check_external_entity(L, 1);
    const char *value = luaL_checkstring(L, 2);
    return alerts_lua_release_triggered(L, ifc, type, value, true, 3);
}

/* interface.hasExternalAlerts(): whether an external alert was ever triggered here. */
static int interface_has_external_alerts(lua_State *L)
{
    lua_pushboolean(L, alerts_has_external(lua_ctx_iface(L)));
    return 1;
}

struct engaged_filter {
    lua_State *L;
    int entity_type; /* -1: any */
    const char *entity_value;
    int64_t alert_type; /* -1: any */
    int severity;       /* 0: any */
    int idx;
};

static void push_matching(struct alert_entity_state *e, void *ud)
{
    struct engaged_filter *f = ud;
    if ((f->entity_type >= 0 && e->type != f->entity_type) ||
        (f->entity_value && strcmp(f->entity_value, e->value) != 0))
        return;
    f->idx = alerts_push_entity_alerts(f->L, e, -1, f->alert_type, f->severity, f->idx);
}

static lua_Integer opt_int(lua_State *L, int arg, lua_Integer def)
{
    return lua_isnoneornil(L, arg) ? def : luaL_checkinteger(L, arg);
}

/* interface.getEngagedAlerts([entity_type, entity_value, alert_type, severity,
 * role_filter]): every engaged alert of the interface's entities (interface, networks,
 * hosts, external) that matches, an array. Roles are not tracked: role_filter is
 * accepted and ignored, as ntopng does for non-host entities. */
static int interface_get_engaged_alerts(lua_State *L)
{
    struct engaged_filter f = {.L = L};
    f.entity_type = (int)opt_int(L, 1, -1);
    f.entity_value = luaL_optstring(L, 2, NULL);
    f.alert_type = opt_int(L, 3, -1);
    f.severity = (int)opt_int(L, 4, 0);
    opt_int(L, 5, 0);
    lua_newtable(L);
    alerts_foreach_entity(lua_ctx_iface(L), push_matching, &f);
    return 1;
}

/* interface.releaseEngagedAlerts(): releases every engaged alert of the interface (all
 * entities), each written to the store. nil. */
static int interface_release_engaged_alerts(lua_State *L)
{
    alerts_release_all(lua_ctx_iface(L), (int64_t)time(NULL));
    lua_pushnil(L);
    return 1;
}

/* interface.alert_store_query(sql [, ifid [, limit_rows]]): rows of one SELECT on the
 * alert store of the selected (or given) interface; nil, message on failure. */
static int interface_alert_store_query(lua_State *L)
{
    const char *sql = luaL_checkstring(L, 1);
    lua_Integer ifid = lua_isnoneornil(L, 2) ? lua_ctx_of(L)->ifid : luaL_checkinteger(L, 2);
    bool limit_rows = api_opt_bool(L, 3, false);
    if (!probe_iface(lua_ctx_of(L)->probe, (int)ifid)) {
        lua_pushnil(L);
        lua_pushfstring(L, "no interface %I", (LUAI_UACINT)ifid);
        return 2;
    }
    char err[512];
    if (alert_store_query(L, (int)ifid, sql, limit_rows, err, sizeof(err)))
        return 1;
    lua_pushnil(L);
    lua_pushstring(L, err);
    return 2;
}

static const struct api_binding interface_alerts_bindings[] = {
    {"alert_store_query",     interface_alert_store_query,       API_READ,  API_CTX_NONE },
    {"checkContext",          interface_check_context,           API_READ,  API_CTX_IFACE},
    {"getAlerts",             interface_get_alerts,              API_READ,  API_CTX_IFACE},
    {"getCachedAlertValue",   interface_get_cached_alert_value,  API_READ,  API_CTX_IFACE},
    {"getEngagedAlerts",      interface_get_engaged_alerts,      API_READ,  API_CTX_IFACE},
    {"hasExternalAlerts",     interface_has_external_alerts,     API_READ,  API_CTX_IFACE},
    {"releaseEngagedAlerts",  interface_release_engaged_alerts,  API_WRITE, API_CTX_IFACE},
    {"releaseExternalAlert",  interface_release_external_alert,  API_WRITE, API_CTX_IFACE},
    {"releaseTriggeredAlert", interface_release_triggered_alert, API_WRITE, API_CTX_IFACE},
    {"setCachedAlertValue",   interface_set_cached_alert_value,  API_WRITE, API_CTX_IFACE},
    {"storeTriggeredAlert",   interface_store_triggered_alert,   API_WRITE, API_CTX_IFACE},
    {"triggerExternalAlert",  interface_trigger_external_alert,  API_WRITE, API_CTX_IFACE},
};

const struct api_table api_interface_alerts =
    API_TABLE("interface", "alerts", interface_alerts_bindings);
