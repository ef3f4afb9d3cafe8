/* network.select and network.getNetworkStats (ntopng's LuaEngineNetwork.cpp). */
#include "api_util.h"

#include "../core/iface.h"
#include "../core/probe.h"

#include <string.h>

/* select(id): the current local network for later network.* calls; nil or an unknown id
 * clears it, as ntopng's getNetworkStats(id) gives no network then. The selection travels
 * back to remote callers in the reply's context. */
static int network_select(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    struct lua_ctx *ctx = lua_ctx_of(L);
    if (lua_isnoneornil(L, 1)) {
        ctx->network_id = -1;
        return 0;
    }
    lua_Integer id = luaL_checkinteger(L, 1);
    ctx->network_id = id >= 0 && id < ifc->probe->local_nets.count ? (int)id : -1;
    return 0;
}

/* NetworkStats::lua of the current network: the table interface.getNetworkStats(id) holds
 * under the network's name. */
static int network_get_network_stats(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    int id = lua_ctx_of(L)->network_id;
    if (id < 0 || id >= ifc->probe->local_nets.count)
        return luaL_error(L, "no current network");
    push_network_stats(L, ifc, id);
    return 1;
}

/* resetTrafficBetweenNets(): zeroes the current network's intranet_traffic matrix. */
static int network_reset_traffic_between_nets(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    int id = lua_ctx_of(L)->network_id;
    if (id < 0 || id >= ifc->probe->local_nets.count)
        return luaL_error(L, "no current network");
    memset(ifc->nets[id].between, 0, sizeof(ifc->nets[id].between));
    return 0;
}

static const struct api_binding network_networks_bindings[] = {
    {"getNetworkStats",         network_get_network_stats,          API_READ,  API_CTX_NETWORK},
    {"resetTrafficBetweenNets", network_reset_traffic_between_nets, API_WRITE, API_CTX_NETWORK},
    {"select",                  network_select,                     API_READ,  API_CTX_IFACE  },
};

const struct api_table api_network_networks =
    API_TABLE("network", "networks", network_networks_bindings);
