/* host.* of a host check: the current host's identity, address class and traffic (ntopng's
 * LuaEngineHost.cpp). The registry refuses them without a current host. */
#include "api_util.h"
#include "push_host.h"

#include "../core/host.h"
#include "../core/iface.h"

static const struct host *current_host(lua_State *L)
{
    return lua_ctx_of(L)->host;
}

static int push_u64(lua_State *L, uint64_t v)
{
    lua_pushinteger(L, v > (uint64_t)INT64_MAX ? INT64_MAX : (lua_Integer)v);
    return 1;
}

static int host_ip(lua_State *L)
{
    char buf[IPADDR_STRLEN];
    lua_pushstring(L, ipaddr_str(&current_host(L)->ip, buf, sizeof(buf)));
    return 1;
}

/* As interface.getHostInfo's "mac": all zeros when the host has none. */
static int host_mac(lua_State *L)
{
    static const uint8_t no_mac[6];
    const struct host *h = current_host(L);
    char buf[18];
    lua_pushstring(L, api_mac_str(h->has_mac ? h->mac : no_mac, buf));
    return 1;
}

/* Host::get_visual_name: the learnt name, or "". */
static int host_name(lua_State *L)
{
    const struct host *h = current_host(L);
    lua_pushstring(L, h->name ? h->name : "");
    return 1;
}

static int host_vlan_id(lua_State *L)
{
    lua_pushinteger(L, current_host(L)->vlan);
    return 1;
}

static int host_is_local(lua_State *L)
{
    lua_pushboolean(L, current_host(L)->local);
    return 1;
}

/* The address classes (IpAddress::isBroadMulticastAddress & co.), not the MAC. */
static int host_is_unicast(lua_State *L)
{
    const struct host *h = current_host(L);
    lua_pushboolean(L, !h->multicast && !h->broadcast);
    return 1;
}

static int host_is_multicast(lua_State *L)
{
    lua_pushboolean(L, current_host(L)->multicast);
    return 1;
}

static int host_is_broadcast(lua_State *L)
{
    lua_pushboolean(L, current_host(L)->broadcast);
    return 1;
}

/* Listed in --blacklist when the host was created. */
static int host_is_blacklisted(lua_State *L)
{
    lua_pushboolean(L, current_host(L)->blacklisted);
    return 1;
}

/* As interface.getHostInfo's "is_rx_only". */
static int host_is_rx_only(lua_State *L)
{
    const struct host *h = current_host(L);
    lua_pushboolean(L, h->unicast && h->total.pkts_sent == 0);
    return 1;
}

static int host_bytes_sent(lua_State *L)
{
    return push_u64(L, current_host(L)->total.bytes_sent);
}

static int host_bytes_rcvd(lua_State *L)
{
    return push_u64(L, current_host(L)->total.bytes_rcvd);
}

static int host_bytes(lua_State *L)
{
    const struct host *h = current_host(L);
    return push_u64(L, h->total.bytes_sent + h->total.bytes_rcvd);
}

/* Probe extensions: the flows the host opened / answered since it was first seen
 * (interface.getHostInfo's "total_flows.as_client" / "total_flows.as_server"). ntopng's
 * flow-flood check reads these in C++; a Lua check would otherwise build the host's whole
 * getHostInfo table (~100 keys) each minute to read two numbers. */
static int host_total_flows_as_client(lua_State *L)
{
    return push_u64(L, current_host(L)->flows_as_client);
}

static int host_total_flows_as_server(lua_State *L)
{
    return push_u64(L, current_host(L)->flows_as_server);
}

/* Probe extensions: the flows the host started as client / as server in the last minute
 * of its checks (since the minute run before), what ntopng's flow-flood check counts in
 * C++; in a minute host check, this minute's. nil while no minute host check has run for
 * the host (a probe without minute host scripts never counts them). */
static int push_new_flows(lua_State *L, bool as_client)
{
    const struct host *h = current_host(L);
    if (!h->check_flows_counted) {
        lua_pushnil(L);
        return 1;
    }
    return push_u64(L, as_client ? h->check_new_cli_flows : h->check_new_srv_flows);
}

static int host_new_flows_as_client(lua_State *L)
{
    return push_new_flows(L, true);
}

static int host_new_flows_as_server(lua_State *L)
{
    return push_new_flows(L, false);
}

static int host_score_fn(lua_State *L)
{
    lua_pushinteger(L, host_score(current_host(L)));
    return 1;
}

static const struct api_binding host_hosts_bindings[] = {
    {"bytes",                 host_bytes,                 API_READ, API_CTX_HOST},
    {"bytes_rcvd",            host_bytes_rcvd,            API_READ, API_CTX_HOST},
    {"bytes_sent",            host_bytes_sent,            API_READ, API_CTX_HOST},
    {"ip",                    host_ip,                    API_READ, API_CTX_HOST},
    {"is_blacklisted",        host_is_blacklisted,        API_READ, API_CTX_HOST},
    {"is_broadcast",          host_is_broadcast,          API_READ, API_CTX_HOST},
    {"is_local",              host_is_local,              API_READ, API_CTX_HOST},
    {"is_multicast",          host_is_multicast,          API_READ, API_CTX_HOST},
    {"is_rx_only",            host_is_rx_only,            API_READ, API_CTX_HOST},
    {"is_unicast",            host_is_unicast,            API_READ, API_CTX_HOST},
    {"mac",                   host_mac,                   API_READ, API_CTX_HOST},
    {"name",                  host_name,                  API_READ, API_CTX_HOST},
    {"new_flows_as_client",   host_new_flows_as_client,   API_READ, API_CTX_HOST},
    {"new_flows_as_server",   host_new_flows_as_server,   API_READ, API_CTX_HOST},
    {"score",                 host_score_fn,              API_READ, API_CTX_HOST},
    {"total_flows_as_client", host_total_flows_as_client, API_READ, API_CTX_HOST},
    {"total_flows_as_server", host_total_flows_as_server, API_READ, API_CTX_HOST},
    {"vlan_id",               host_vlan_id,               API_READ, API_CTX_HOST},
};

const struct api_table api_host_hosts = API_TABLE("host", "hosts", host_hosts_bindings);
