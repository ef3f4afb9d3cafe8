/* ntop.* bindings, category ndpi: nDPI flow risk names (nDPI 4.2: ids 0..NDPI_MAX_RISK-1,
 * 0 is NDPI_NO_RISK). */
#include "api_util.h"

#include <ndpi_api.h>
#include <pthread.h>
#include <stdio.h>

/* ndpi_risk2str answers an unknown id with the decimal id printed into a static buffer,
 * which is not thread-safe; so ids outside 1..NDPI_MAX_RISK-1 are printed here, and the
 * library call is serialised and its answer copied. */
static pthread_mutex_t risk_lock = PTHREAD_MUTEX_INITIALIZER;

static void push_risk_str(lua_State *L, lua_Integer id)
{
    if (id <= NDPI_NO_RISK || id >= NDPI_MAX_RISK) {
        lua_pushfstring(L, "%I", id);
        return;
    }
    char buf[128];
    pthread_mutex_lock(&risk_lock);
    snprintf(buf, sizeof(buf), "%s", ndpi_risk2str((ndpi_risk_enum)id));
    pthread_mutex_unlock(&risk_lock);
    lua_pushstring(L, buf);
}

/* ntop.getRiskStr(id): nDPI's short description, e.g. 6 -> "Self-signed Certificate";
 * 0 and unknown ids give the id as a decimal string, as in ntopng. */
static int ntop_get_risk_str(lua_State *L)
{
    push_risk_str(L, luaL_checkinteger(L, 1));
    return 1;
}

/* ntop.getRiskList(): array 1..NDPI_MAX_RISK; element i + 1 describes risk id i (so
 * element 1 is "0", NDPI_NO_RISK), as ntopng returns it. */
static int ntop_get_risk_list(lua_State *L)
{
    lua_createtable(L, NDPI_MAX_RISK, 0);
    for (int i = 0; i < NDPI_MAX_RISK; i++) {
        push_risk_str(L, i);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static const struct api_binding ntop_ndpi_bindings[] = {
    {"getRiskList", ntop_get_risk_list, API_READ, API_CTX_NONE},
    {"getRiskStr",  ntop_get_risk_str,  API_READ, API_CTX_NONE},
};

const struct api_table api_ntop_ndpi = API_TABLE("ntop", "ndpi", ntop_ndpi_bindings);
