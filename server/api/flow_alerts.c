/* flow.* bindings, category alerts: alerts raised by a flow check script on its flow. */
#include "alerts_lua.h"

#include "../alerts/alert_types.h"
#include "../core/iface.h"
#include "../core/probe.h"

#include <stdlib.h>

/* flow.triggerAlert(score, message): raises ntopng's custom-script flow alert (87) on the
 * current flow, once per flow; its score goes half to the client and half to the server
 * host (ntopng's CLIENT_FAIR_RISK_PERCENTAGE) and the alert is stored at once with the
 * message. Returns nothing, as ntopng. */
static int flow_trigger_alert(lua_State *L)
{
    struct lua_ctx *ctx = lua_ctx_of(L);
    lua_Integer score = luaL_checkinteger(L, 1);
    luaL_argcheck(L, score >= 0 && score <= ALERT_SCORE_MAX, 1, "score must be 0..500");
    const char *msg = luaL_checkstring(L, 2);
    struct iface *ifc = lua_ctx_iface(L);
    uint16_t cli = (uint16_t)(score * 50 / 100);
    char *json = alerts_flow_json(FLOW_ALERT_CUSTOM_LUA_SCRIPT, msg);
    if (!json)
        return luaL_error(L, "out of memory");
    int rc = alerts_flow_raise(ifc, ctx->flow, FLOW_ALERT_CUSTOM_LUA_SCRIPT, cli,
                               (uint16_t)(score - cli), json);
    free(json);
    if (rc < 0)
        return luaL_error(L, "out of memory");
    return 0;
}

static const struct api_binding flow_alerts_bindings[] = {
    {"triggerAlert", flow_trigger_alert, API_WRITE, API_CTX_FLOW},
};

const struct api_table api_flow_alerts = API_TABLE("flow", "alerts", flow_alerts_bindings);
