/* flow.* of a flow check: the current flow's endpoints, traffic and application metadata
 * (ntopng's LuaEngineFlow.cpp). The registry refuses them without a current flow. */
#include "api_util.h"
#include "push_flow.h"

#include "../core/flow.h"
#include "../core/iface.h"

static const struct flow *current_flow(lua_State *L)
{
    return lua_ctx_of(L)->flow;
}

static int push_ip(lua_State *L, const struct ipaddr *ip)
{
    char buf[IPADDR_STRLEN];
    lua_pushstring(L, ipaddr_str(ip, buf, sizeof(buf)));
    return 1;
}

static int flow_cli(lua_State *L)
{
    return push_ip(L, &current_flow(L)->key.cli);
}

static int flow_srv(lua_State *L)
{
    return push_ip(L, &current_flow(L)->key.srv);
}

static int flow_cli_port(lua_State *L)
{
    lua_pushinteger(L, current_flow(L)->key.cli_port);
    return 1;
}

static int flow_srv_port(lua_State *L)
{
    lua_pushinteger(L, current_flow(L)->key.srv_port);
    return 1;
}

static int flow_protocol(lua_State *L)
{
    lua_pushinteger(L, current_flow(L)->key.proto);
    return 1;
}

static int flow_vlan_id(lua_State *L)
{
    lua_pushinteger(L, current_flow(L)->key.vlan);
    return 1;
}

/* Flow::isOneWay: packets seen, but in one direction only. */
static int flow_is_oneway(lua_State *L)
{
    const struct flow *f = current_flow(L);
    lua_pushboolean(L, flow_packets(f) && (!f->c2s.packets || !f->s2c.packets));
    return 1;
}

/* Flow::isUnicast: neither address is broadcast or multicast. */
static int flow_is_unicast(lua_State *L)
{
    const struct flow *f = current_flow(L);
    lua_pushboolean(L, !ipaddr_is_multicast(&f->key.cli) && !ipaddr_is_broadcast(&f->key.cli) &&
                           !ipaddr_is_multicast(&f->key.srv) && !ipaddr_is_broadcast(&f->key.srv));
    return 1;
}

static int push_u64(lua_State *L, uint64_t v)
{
    lua_pushinteger(L, v > (uint64_t)INT64_MAX ? INT64_MAX : (lua_Integer)v);
    return 1;
}

static int flow_cli2srv_bytes(lua_State *L)
{
    return push_u64(L, current_flow(L)->c2s.bytes);
}

static int flow_srv2cli_bytes(lua_State *L)
{
    return push_u64(L, current_flow(L)->s2c.bytes);
}

static int flow_bytes_total(lua_State *L)
{
    return push_u64(L, flow_bytes(current_flow(L)));
}

/* The protos.* table of one protocol; empty for flows of other protocols. */
/* A table sized for its `fields` keys at once: growing from empty rehashes it each time
 * its size doubles (flow.dns() in every DNS flow's checks). */
static int push_info(lua_State *L, void (*push)(lua_State *, const struct flow *), int fields)
{
    lua_createtable(L, 0, fields);
    push(L, current_flow(L));
    return 1;
}

static int flow_http(lua_State *L)
{
    return push_info(L, push_flow_http_info, 6);
}

static int flow_dns(lua_State *L)
{
    return push_info(L, push_flow_dns_info, 3);
}

static int flow_ssh(lua_State *L)
{
    return push_info(L, push_flow_ssh_info, 4);
}

static int flow_tls_quic(lua_State *L)
{
    return push_info(L, push_flow_tls_info, 7);
}

/* ntopng's order of tests: remote2remote needs both hosts; the others read the addresses. */
static int flow_direction(lua_State *L)
{
    const struct flow *f = current_flow(L);
    struct iface *ifc = lua_ctx_iface(L);
    bool cli = api_flow_end_is_local(ifc, f, true), srv = api_flow_end_is_local(ifc, f, false);
    const char *d;
    if (f->cli_host && f->srv_host && !f->cli_host->local && !f->srv_host->local)
        d = "remote2remote";
    else if (cli && !srv)
        d = "local@remote";
    else if (!cli && srv)
        d = "remote@local";
    else if (cli && srv)
        d = "local@local";
    else
        d = "unknown";
    lua_pushstring(L, d);
    return 1;
}

static const struct api_binding flow_flows_bindings[] = {
    {"bytes",         flow_bytes_total,   API_READ, API_CTX_FLOW},
    {"cli",           flow_cli,           API_READ, API_CTX_FLOW},
    {"cli2srv_bytes", flow_cli2srv_bytes, API_READ, API_CTX_FLOW},
    {"cli_port",      flow_cli_port,      API_READ, API_CTX_FLOW},
    {"direction",     flow_direction,     API_READ, API_CTX_FLOW},
    {"dns",           flow_dns,           API_READ, API_CTX_FLOW},
    {"http",          flow_http,          API_READ, API_CTX_FLOW},
    {"is_oneway",     flow_is_oneway,     API_READ, API_CTX_FLOW},
    {"is_unicast",    flow_is_unicast,    API_READ, API_CTX_FLOW},
    {"protocol",      flow_protocol,      API_READ, API_CTX_FLOW},
    {"srv",           flow_srv,           API_READ, API_CTX_FLOW},
    {"srv2cli_bytes", flow_srv2cli_bytes, API_READ, API_CTX_FLOW},
    {"srv_port",      flow_srv_port,      API_READ, API_CTX_FLOW},
    {"ssh",           flow_ssh,           API_READ, API_CTX_FLOW},
    {"tls_quic",      flow_tls_quic,      API_READ, API_CTX_FLOW},
    {"vlan_id",       flow_vlan_id,       API_READ, API_CTX_FLOW},
};

const struct api_table api_flow_flows = API_TABLE("flow", "flows", flow_flows_bindings);
