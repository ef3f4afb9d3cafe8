/* network.* bindings, category alerts: the current local network's engaged alerts and
 * caches. Network alerts belong to the selected interface (ntopng keeps one NetworkStats
 * per interface), so each binding runs on that interface's owner thread. */
#include "alerts_lua.h"

#include "../alerts/alert_types.h"
#include "../core/iface.h"
#include "../core/probe.h"

/* The current network's id, checked against the probe's -m networks. */
static int current_network(lua_State *L)
{
    struct lua_ctx *ctx = lua_ctx_of(L);
    if (ctx->network_id < 0 || ctx->network_id >= ctx->probe->local_nets.count)
        luaL_error(L, "no local network %d", ctx->network_id);
    return ctx->network_id;
}

static struct alert_entity_state *network_entity(lua_State *L, struct iface *ifc, bool create)
{
    int id = current_network(L);
    char v[IPADDR_STRLEN + 8];
    struct alert_entity_state *e = alerts_entity(
        ifc, ALERT_ENTITY_NETWORK, alerts_network_value(ifc, id, v, sizeof(v)), false, create);
    if (e)
        e->network_id = id;
    return e;
}

static int store_triggered(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    int id = current_network(L);
    char v[IPADDR_STRLEN + 8];
    return alerts_lua_store_triggered(L, ifc, ALERT_ENTITY_NETWORK,
                                      alerts_network_value(ifc, id, v, sizeof(v)), false, id, 1);
}

/* network.storeTriggeredAlert(key, periodicity, score, alert_type, subtype, json): the
 * alert table when newly engaged, nil when already engaged. */
static int network_store_triggered_alert(lua_State *L)
{
    return alerts_lua_on_owner(L, store_triggered);
}

static int release_triggered(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    char v[IPADDR_STRLEN + 8];
    return alerts_lua_release_triggered(L, ifc, ALERT_ENTITY_NETWORK,
                                        alerts_network_value(ifc, current_network(L), v, sizeof(v)),
                                        false, 1);
}

/* network.releaseTriggeredAlert(key, periodicity, when): the released alert (stored with
 * tstamp_end = when), nil when it was not engaged. */
static int network_release_triggered_alert(lua_State *L)
{
    return alerts_lua_on_owner(L, release_triggered);
}

static int get_alerts(lua_State *L)
{
    int periodicity = alerts_opt_periodicity(L, 1);
    struct alert_entity_state *e = network_entity(L, lua_ctx_iface(L), false);
    lua_newtable(L);
    if (e)
        alerts_push_entity_alerts(L, e, periodicity, -1, -1, 0);
    return 1;
}

/* network.getAlerts([periodicity]): the network's engaged alerts, an array. */
static int network_get_alerts(lua_State *L)
{
    return alerts_lua_on_owner(L, get_alerts);
}

static int get_cached(lua_State *L)
{
    const char *key = luaL_checkstring(L, 1);
    int periodicity = alerts_check_periodicity(L, 2);
    lua_pushstring(L,
                   alerts_cache_get(network_entity(L, lua_ctx_iface(L), false), key, periodicity));
    return 1;
}

/* network.getCachedAlertValue(key, periodicity): the value, "" when unset. */
static int network_get_cached_alert_value(lua_State *L)
{
    return alerts_lua_on_owner(L, get_cached);
}

static int set_cached(lua_State *L)
{
    const char *key = luaL_checkstring(L, 1);
    const char *value = luaL_checkstring(L, 2);
    int periodicity = alerts_check_periodicity(L, 3);
    struct iface *ifc = lua_ctx_iface(L);
    struct alert_entity_state *e = network_entity(L, ifc, true);
    if (!e || alerts_cache_set(ifc, e, key, value, periodicity) != 0)
        return luaL_error(L, "out of memory");
    lua_pushnil(L);
    return 1;
}

/* network.setCachedAlertValue(key, value, periodicity): nil. */
static int network_set_cached_alert_value(lua_State *L)
{
    return alerts_lua_on_owner(L, set_cached);
}

/* network.checkContext(entity_val): true when entity_val is the current network, or names
 * a local network (its CIDR or -m alias), which then becomes the current one, as ntopng
 * does; false otherwise. */
static int network_check_context(lua_State *L)
{
    const char *val = luaL_checkstring(L, 1);
    struct lua_ctx *ctx = lua_ctx_of(L);
    const struct netlist *nl = &ctx->probe->local_nets;
    for (int i = 0; i < nl->count; i++) {
        char cidr[IPADDR_STRLEN + 8], a[IPADDR_STRLEN];
        snprintf(cidr, sizeof(cidr), "%s/%d", ipaddr_str(&nl->nets[i].base, a, sizeof(a)),
                 nl->nets[i].bits);
        if (strcmp(val, cidr) == 0 || strcmp(val, nl->nets[i].name) == 0) {
            ctx->network_id = i;
            lua_pushboolean(L, 1);
            return 1;
        }
    }
    lua_pushboolean(L, 0);
    return 1;
}

static const struct api_binding network_alerts_bindings[] = {
    {"checkContext",          network_check_context,           API_READ,  API_CTX_NONE   },
    {"getAlerts",             network_get_alerts,              API_READ,  API_CTX_NETWORK},
    {"getCachedAlertValue",   network_get_cached_alert_value,  API_READ,  API_CTX_NETWORK},
    {"releaseTriggeredAlert", network_release_triggered_alert, API_WRITE, API_CTX_NETWORK},
    {"setCachedAlertValue",   network_set_cached_alert_value,  API_WRITE, API_CTX_NETWORK},
    {"storeTriggeredAlert",   network_store_triggered_alert,   API_WRITE, API_CTX_NETWORK},
};

const struct api_table api_network_alerts = API_TABLE("network", "alerts", network_alerts_bindings);
