/* interface.* local networks: traffic into, out of and within each -m network. */
#include "api_util.h"

#include "../core/iface.h"
#include "../core/probe.h"
#include "../core/users.h"

/* ntopng's NetworkStats::match: a restricted caller sees a local network when its address is
 * inside the caller's allowed networks. */
static bool network_visible(lua_State *L, const struct local_net *ln)
{
    const struct user_identity *u = lua_ctx_of(L)->user;
    return !u || user_may_see_ip(u, &ln->base);
}

void push_network_stats(lua_State *L, struct iface *ifc, int id)
{
    const struct net_counters *n = &ifc->nets[id];
    const struct local_net *ln = &ifc->probe->local_nets.nets[id];
    lua_newtable(L);
    api_set_str(L, "network_key", ln->name);
    api_set_int(L, "network_id", id);
    api_set_uint(L, "num_hosts", n->num_hosts);
    api_set_uint(L, "ingress", n->bytes_ingress);
    api_set_uint(L, "egress", n->bytes_egress);
    api_set_uint(L, "inner", n->bytes_inner);
    /* ntopng: sent is egress + inner, received is ingress. */
    api_set_uint(L, "bytes.sent", n->bytes_egress + n->bytes_inner);
    api_set_uint(L, "bytes.rcvd", n->bytes_ingress);
    api_set_uint(L, "packets.sent", n->pkts_egress + n->pkts_inner);
    api_set_uint(L, "packets.rcvd", n->pkts_ingress);
    /* Traffic with each other local network, booked when flows end (ntopng Pro's
     * network_matrix): every local network, by name. */
    lua_newtable(L);
    for (int j = 0; j < ifc->probe->local_nets.count; j++) {
        lua_newtable(L);
        api_set_uint(L, "bytes_sent", n->between[j].bytes_sent);
        api_set_uint(L, "bytes_rcvd", n->between[j].bytes_rcvd);
        lua_setfield(L, -2, ifc->probe->local_nets.nets[j].name);
    }
    lua_setfield(L, -2, "intranet_traffic");
}

static bool network_has_traffic(const struct net_counters *n)
{
    return n->pkts_ingress + n->pkts_egress + n->pkts_inner > 0;
}

static int interface_get_networks_stats(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    api_opt_bool(L, 1, false); /* "diff": accepted, no effect (as in ntopng) */
    lua_newtable(L);
    for (int i = 0; i < ifc->probe->local_nets.count; i++) {
        if (!network_has_traffic(&ifc->nets[i]) ||
            !network_visible(L, &ifc->probe->local_nets.nets[i]))
            continue;
        push_network_stats(L, ifc, i);
        lua_setfield(L, -2, ifc->probe->local_nets.nets[i].name);
    }
    return 1;
}

/* getNetworkStats(id): { [name] = stats } or an empty table, as ntopng returns it. */
static int interface_get_network_stats(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_Integer id = luaL_checkinteger(L, 1);
    lua_newtable(L);
    if (id >= 0 && id < ifc->probe->local_nets.count &&
        network_visible(L, &ifc->probe->local_nets.nets[id])) {
        push_network_stats(L, ifc, (int)id);
        lua_setfield(L, -2, ifc->probe->local_nets.nets[id].name);
    }
    return 1;
}

static const struct api_binding interface_networks_bindings[] = {
    {"getNetworkStats",  interface_get_network_stats,  API_READ, API_CTX_IFACE},
    {"getNetworksStats", interface_get_networks_stats, API_READ, API_CTX_IFACE},
};

const struct api_table api_interface_networks =
    API_TABLE("interface", "networks", interface_networks_bindings);
