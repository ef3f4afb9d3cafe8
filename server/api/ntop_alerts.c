/* ntop.* bindings, category alerts: ntopng's flow alert registry (default scores, the
 * nDPI risk <-> flow alert mapping) and queries on an interface's alert store. */
#include "alerts_lua.h"

#include "../alerts/alert_store.h"
#include "../alerts/alert_types.h"
#include "../core/iface.h"
#include "../core/probe.h"

#include <ndpi/ndpi_api.h>

static lua_Integer check_alert_id(lua_State *L)
{
    return luaL_checkinteger(L, 1);
}

/* ntop.getFlowAlertScore(alert_id): the default score of a flow alert type (nDPI's score
 * of its risk for risk alerts), 0 for ids ntopng does not register. */
static int ntop_get_flow_alert_score(lua_State *L)
{
    lua_Integer id = check_alert_id(L);
    const struct flow_alert_type *t =
        id >= 0 && id <= FLOW_ALERT_MAX_ID ? flow_alert_type_get((unsigned)id) : NULL;
    lua_pushinteger(L, t ? flow_alert_default_score(t) : 0);
    return 1;
}

/* ntop.getFlowAlertRisk(alert_id): the nDPI risk id a flow alert type stands for, 0 when
 * none. */
static int ntop_get_flow_alert_risk(lua_State *L)
{
    lua_Integer id = check_alert_id(L);
    const struct flow_alert_type *t =
        id >= 0 && id <= FLOW_ALERT_MAX_ID ? flow_alert_type_get((unsigned)id) : NULL;
    lua_pushinteger(L, t ? t->risk : 0);
    return 1;
}

/* ntop.getFlowRiskAlerts(): {alert_name = {alert_id, category, risk_name}} for every nDPI
 * risk that raises a flow alert. */
static int ntop_get_flow_risk_alerts(lua_State *L)
{
    lua_newtable(L);
    for (unsigned risk = 1; risk < NDPI_MAX_RISK; risk++) {
        const struct flow_alert_type *t = flow_alert_type_for_risk(risk);
        if (!t)
            continue;
        lua_createtable(L, 0, 3);
        api_set_int(L, "alert_id", t->id);
        api_set_int(L, "category", t->category);
        api_set_str(L, "risk_name", ndpi_risk2str((ndpi_risk_enum)risk));
        lua_setfield(L, -2, t->name);
    }
    return 1;
}

/* ntop.alert_store_query(sql [, ifid | ifname [, limit_rows]]): rows of one SELECT on an
 * interface's alert store (the selected one by default); nil, message on failure. */
static int ntop_alert_store_query(lua_State *L)
{
    struct lua_ctx *ctx = lua_ctx_of(L);
    const char *sql = luaL_checkstring(L, 1);
    int ifid = ctx->ifid;
    if (lua_type(L, 2) == LUA_TSTRING) {
        const char *name = lua_tostring(L, 2);
        ifid = -1;
        for (int i = 0; i < ctx->probe->num_ifaces; i++)
            if (strcmp(ctx->probe->ifaces[i]->name, name) == 0)
                ifid = i;
    } else if (!lua_isnoneornil(L, 2)) {
        ifid = (int)luaL_checkinteger(L, 2);
    }
    bool limit_rows = api_opt_bool(L, 3, false);
    char err[512];
    if (!probe_iface(ctx->probe, ifid)) {
        lua_pushnil(L);
        lua_pushstring(L, "no such interface");
        return 2;
    }
    if (alert_store_query(L, ifid, sql, limit_rows, err, sizeof(err)))
        return 1;
    lua_pushnil(L);
    lua_pushstring(L, err);
    return 2;
}

static const struct api_binding ntop_alerts_bindings[] = {
    {"alert_store_query", ntop_alert_store_query,    API_READ, API_CTX_NONE},
    {"getFlowAlertRisk",  ntop_get_flow_alert_risk,  API_READ, API_CTX_NONE},
    {"getFlowAlertScore", ntop_get_flow_alert_score, API_READ, API_CTX_NONE},
    {"getFlowRiskAlerts", ntop_get_flow_risk_alerts, API_READ, API_CTX_NONE},
};

const struct api_table api_ntop_alerts = API_TABLE("ntop", "alerts", ntop_alerts_bindings);
