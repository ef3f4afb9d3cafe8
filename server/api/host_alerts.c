/* host.* bindings, category alerts: alerts raised by a host check script on its host. */
#include "alerts_lua.h"

#include "../alerts/alert_types.h"
#include "../core/iface.h"

/* host.triggerAlert(score, message): engages ntopng's custom-script host alert (24) on the
 * current host, or keeps it engaged when it already is (first score and message stay, as
 * ntopng refreshes the engaged alert). Its score is part of the host's score while
 * engaged; it is released (and stored) when a later run of the host's checks does not
 * trigger it again, or when the host goes. Returns nothing, as ntopng. */
static int host_trigger_alert(lua_State *L)
{
    struct lua_ctx *ctx = lua_ctx_of(L);
    lua_Integer score = luaL_checkinteger(L, 1);
    luaL_argcheck(L, score >= 0 && score <= ALERT_SCORE_MAX, 1, "score must be 0..500");
    const char *msg = luaL_checkstring(L, 2);
    if (alerts_host_trigger(lua_ctx_iface(L), ctx->host, (uint32_t)score, msg) < 0)
        return luaL_error(L, "out of memory");
    return 0;
}

static const struct api_binding host_alerts_bindings[] = {
    {"triggerAlert", host_trigger_alert, API_WRITE, API_CTX_HOST},
};

const struct api_table api_host_alerts = API_TABLE("host", "alerts", host_alerts_bindings);
