/* flow.* bindings, category alerts: alerts raised by a flow check script on its flow. */
#include "alerts_lua.h"

#include "../alerts/alert_types.h"
#include "../core/iface.h"
#include "../core/probe.h"

#include <ndpi_api.h>
#include <stdlib.h>

/* flow.triggerAlert(score, message): raises ntopng's custom-script flow alert (87) on the
 * current flow, once per flow; its score goes half to the client and half to the server
 * host (ntopng's CLIENT_FAIR_RISK_PERCENTAGE); the flow is stored with the message after
 * the event's checks when the alert became its predominant one. Returns nothing, as
 * ntopng. */
static int flow_trigger_alert(lua_State *L)
{
    struct lua_ctx *ctx = lua_ctx_of(L);
    lua_Integer score = luaL_checkinteger(L, 1);
    luaL_argcheck(L, score >= 0 && score <= ALERT_SCORE_MAX, 1, "score must be 0..500");
    const char *msg = luaL_checkstring(L, 2);
    uint16_t cli = (uint16_t)(score * 50 / 100);
    int rc = alerts_flow_raise(ctx->flow, FLOW_ALERT_CUSTOM_LUA_SCRIPT, cli,
                               (uint16_t)(score - cli), msg);
    if (rc < 0)
        return luaL_error(L, "out of memory");
    return 0;
}

/* Probe extension (not in ntopng's Lua API; ntopng raises risk alerts in its C++ flow
 * risk check): flow.getRisks() -> {[risk_id] = "nDPI risk name"}, the flow's nDPI risks. */
static int flow_get_risks(lua_State *L)
{
    const struct flow *f = lua_ctx_of(L)->flow;
    lua_newtable(L);
    for (unsigned risk = 1; risk < 64; risk++) {
        if (!(f->risk & ((uint64_t)1 << risk)))
            continue;
        lua_pushstring(L, ndpi_risk2str((ndpi_risk_enum)risk));
        lua_rawseti(L, -2, (lua_Integer)risk);
    }
    return 1;
}

/* Probe extension: flow.triggerRiskAlerts() raises ntopng's flow alert of every mapped nDPI
 * risk of the flow with nDPI's client/server score split (what ntopng's flow risk check
 * does); returns how many were raised now (an alert already raised on the flow is not
 * raised again). */
static int flow_trigger_risk_alerts(lua_State *L)
{
    int n = alerts_flow_raise_risks(lua_ctx_iface(L), lua_ctx_of(L)->flow);
    if (n < 0)
        return luaL_error(L, "out of memory");
    lua_pushinteger(L, n);
    return 1;
}

/* Probe extension: flow.triggerAlertType(alert_id [, message]) raises a registered flow
 * alert type (ntop.getFlowRiskAlerts / alert_types.c) with its default score
 * (ntop.getFlowAlertScore), half to each side; true when raised now, false when the flow
 * already has it. */
static int flow_trigger_alert_type(lua_State *L)
{
    lua_Integer id = luaL_checkinteger(L, 1);
    const char *msg = luaL_optstring(L, 2, NULL);
    const struct flow_alert_type *t =
        id >= 0 && id <= FLOW_ALERT_MAX_ID ? flow_alert_type_get((unsigned)id) : NULL;
    luaL_argcheck(L, t != NULL, 1, "unknown flow alert type");
    uint16_t score = flow_alert_default_score(t);
    uint16_t cli = (uint16_t)(score / 2);
    int rc = alerts_flow_raise(lua_ctx_of(L)->flow, t->id, cli, (uint16_t)(score - cli), msg);
    if (rc < 0)
        return luaL_error(L, "out of memory");
    lua_pushboolean(L, rc == 1);
    return 1;
}

static const struct api_binding flow_alerts_bindings[] = {
    {"getRisks",          flow_get_risks,           API_READ,  API_CTX_FLOW},
    {"triggerAlert",      flow_trigger_alert,       API_WRITE, API_CTX_FLOW},
    {"triggerAlertType",  flow_trigger_alert_type,  API_WRITE, API_CTX_FLOW},
    {"triggerRiskAlerts", flow_trigger_risk_alerts, API_WRITE, API_CTX_FLOW},
};

const struct api_table api_flow_alerts = API_TABLE("flow", "alerts", flow_alerts_bindings);
