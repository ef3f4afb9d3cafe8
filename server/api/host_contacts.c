/* host.* bindings, contact counters of unanswered TCP/UDP flows (ntopng's "NoTX" counters,
 * LuaEngineHost.cpp). They read the current host of a host check; the registry's context
 * trampoline raises when there is none. The counting is in core/host_contacts.c. */
#include "api_util.h"

#include "../core/host.h"
#include "../core/host_contacts.h"

/* host.getUnidirectionalTCPUDPFlowsStats(): {num_ingress, num_egress}, the one-way TCP/UDP
 * flows that ended with the host as server / client. */
static int host_get_unidirectional_tcp_udp_flows_stats(lua_State *L)
{
    const struct host *h = lua_ctx_of(L)->host;
    lua_createtable(L, 0, 2);
    api_set_uint(L, "num_ingress", host_contacts_num_ingress(h));
    api_set_uint(L, "num_egress", host_contacts_num_egress(h));
    return 1;
}

/* Estimated distinct <server, server port> pairs the host contacted without a reply. */
static int host_get_num_contacted_peers_as_client_tcp_udp_no_tx(lua_State *L)
{
    lua_pushinteger(L, host_contacts_peers_as_client(lua_ctx_of(L)->host));
    return 1;
}

/* Estimated distinct <client, server port> pairs that contacted the host, unanswered. */
static int host_get_num_contacts_from_peers_as_server_tcp_udp_no_tx(lua_State *L)
{
    lua_pushinteger(L, host_contacts_peers_as_server(lua_ctx_of(L)->host));
    return 1;
}

/* Distinct ports of the host contacted without a reply (exact). */
static int host_get_num_contacted_tcp_udp_server_ports_no_tx(lua_State *L)
{
    lua_pushinteger(L, host_contacts_server_ports(lua_ctx_of(L)->host));
    return 1;
}

/* Forgets the pairs and ports (not the flow counts), as ntopng's resetHostContacts. */
static int host_reset_host_contacts(lua_State *L)
{
    host_contacts_reset(lua_ctx_of(L)->host);
    return 0;
}

/* clang-format off */
static const struct api_binding host_contacts_bindings[] = {
    {"getNumContactedPeersAsClientTCPUDPNoTX",    host_get_num_contacted_peers_as_client_tcp_udp_no_tx,    API_READ,  API_CTX_HOST},
    {"getNumContactedTCPUDPServerPortsNoTX",      host_get_num_contacted_tcp_udp_server_ports_no_tx,       API_READ,  API_CTX_HOST},
    {"getNumContactsFromPeersAsServerTCPUDPNoTX", host_get_num_contacts_from_peers_as_server_tcp_udp_no_tx, API_READ,  API_CTX_HOST},
    {"getUnidirectionalTCPUDPFlowsStats",         host_get_unidirectional_tcp_udp_flows_stats,             API_READ,  API_CTX_HOST},
    {"resetHostContacts",                         host_reset_host_contacts,                                API_WRITE, API_CTX_HOST},
};
/* clang-format on */

const struct api_table api_host_contacts = API_TABLE("host", "hosts", host_contacts_bindings);
