/* ntop.* bindings, category networks: IP address helpers, the local networks (-m) and
 * the services database.
 *
 * Addresses are parsed strictly (inet_pton). ntopng instead turns a malformed string into
 * 255.255.255.255 or 0.0.0.0 and goes on (so isLocalAddress("foo") is true there); here a
 * malformed address gives nil and a message. */
#include "api_util.h"

#include "../core/netlist.h"
#include "../core/probe.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

/* Parses argument `arg` as an address; on failure pushes nil, message and returns false. */
static bool check_addr(lua_State *L, int arg, struct ipaddr *a)
{
    const char *s = luaL_checkstring(L, arg);
    if (ipaddr_parse(s, a) == 0)
        return true;
    lua_pushnil(L);
    lua_pushfstring(L, "invalid IP address '%s'", s);
    return false;
}

static int push_addr(lua_State *L, const struct ipaddr *a)
{
    char buf[IPADDR_STRLEN];
    lua_pushstring(L, ipaddr_str(a, buf, sizeof(buf)));
    return 1;
}

/* ntop.isIPv6(s): true when s is IPv6 text (inet_pton, so "::ffff:1.2.3.4" counts; zone
 * ids, brackets and IPv4 do not). */
static int ntop_is_ipv6(lua_State *L)
{
    const char *s = luaL_checkstring(L, 1);
    struct in6_addr a6;
    lua_pushboolean(L, inet_pton(AF_INET6, s, &a6) == 1);
    return 1;
}

/* ntop.inet_ntoa(n): dotted IPv4 text of a host-order 32-bit integer (a numeric string is
 * converted as Lua does). Not copied from ntopng: it reads a string with atol, so
 * "1.2.3.4" silently becomes 1 ("0.0.0.1"), and wraps numbers beyond 32 bits; here both
 * raise. */
static int ntop_inet_ntoa(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 0 && n <= 0xffffffffLL, 1, "expected an IPv4 address 0..2^32-1");
    uint8_t four[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    struct ipaddr a;
    ipaddr_set_v4(&a, four);
    return push_addr(L, &a);
}

/* ntop.networkPrefix(ip, bits): ip with its host bits zeroed, as text without "/bits";
 * bits beyond the family's width are clamped (as ntopng). ntopng leaves the bytes after
 * the prefix untouched for IPv6 ("2001:db8::1", 64 gives "2001:db8::1"); here every host
 * bit is zeroed in both families ("2001:db8::"). */
static int ntop_network_prefix(lua_State *L)
{
    lua_Integer bits = luaL_checkinteger(L, 2);
    luaL_argcheck(L, bits >= 0, 2, "prefix length must be >= 0");
    struct ipaddr a;
    if (!check_addr(L, 1, &a))
        return 2;
    ipaddr_mask(&a, bits > 128 ? 128 : (int)bits);
    return push_addr(L, &a);
}

/* ntop.ipCmp(a, b): -1, 0 or 1; every IPv4 address sorts before every IPv6 one, then by
 * address bytes. (ntopng returns memcmp's raw value: only its sign is meaningful.) */
static int ntop_ip_cmp(lua_State *L)
{
    struct ipaddr a, b;
    luaL_checkstring(L, 2);
    if (!check_addr(L, 1, &a) || !check_addr(L, 2, &b))
        return 2;
    lua_pushinteger(L, ipaddr_cmp(&a, &b));
    return 1;
}

/* ntop.isLocalAddress(addr): true for an address inside a -m network, loopback, IPv6
 * link-local, multicast or broadcast (ntopng's rules, probe_is_local). "net/len" asks
 * whether that whole network lies inside one -m network (loopback and the other special
 * ranges are not considered for this form); ntopng's parsing of this form is
 * broken (it always tests 255.255.255.255), so the intent is followed instead. */
static int ntop_is_local_address(lua_State *L)
{
    const struct probe *p = lua_ctx_of(L)->probe;
    const char *s = luaL_checkstring(L, 1);
    struct ipaddr a;
    int bits;
    if (!strchr(s, '/')) {
        if (!check_addr(L, 1, &a))
            return 2;
        lua_pushboolean(L, p && probe_is_local(p, &a, NULL));
        return 1;
    }
    if (cidr_parse(s, &a, &bits) != 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "invalid network '%s'", s);
        return 2;
    }
    bool local = false;
    for (int i = 0; p && i < p->local_nets.count && !local; i++) {
        const struct local_net *ln = &p->local_nets.nets[i];
        local = ln->bits <= bits && cidr_contains(&ln->base, ln->bits, &a);
    }
    lua_pushboolean(L, local);
    return 1;
}

/* ntop.getNetworks(): { ["192.168.1.0/24"] = 0, ... }, CIDR -> local network id, for
 * every -m network (keyed by CIDR even when an alias was given, as ntopng does). */
static int ntop_get_networks(lua_State *L)
{
    const struct probe *p = lua_ctx_of(L)->probe;
    lua_newtable(L);
    for (int i = 0; p && i < p->local_nets.count; i++) {
        const struct local_net *ln = &p->local_nets.nets[i];
        char ip[IPADDR_STRLEN];
        lua_pushfstring(L, "%s/%d", ipaddr_str(&ln->base, ip, sizeof(ip)), ln->bits);
        lua_pushinteger(L, i);
        lua_settable(L, -3);
    }
    return 1;
}

/* ntop.getservbyport(port, proto): the service name from the system services database
 * (getservbyport_r, thread-safe), else the port number as a string, as ntopng. A port
 * outside 0..65535 raises (ntopng would truncate it to 16 bits). */
static int ntop_getservbyport(lua_State *L)
{
    lua_Integer port = luaL_checkinteger(L, 1);
    const char *proto = luaL_checkstring(L, 2);
    luaL_argcheck(L, port >= 0 && port <= 65535, 1, "port must be 0..65535");
    struct servent se, *res = NULL;
    char buf[1024];
    if (port > 0 &&
        getservbyport_r(htons((uint16_t)port), proto, &se, buf, sizeof(buf), &res) == 0 && res)
        lua_pushstring(L, res->s_name);
    else
        lua_pushfstring(L, "%d", (int)port);
    return 1;
}

static const struct api_binding ntop_net_bindings[] = {
    {"getNetworks",    ntop_get_networks,     API_READ, API_CTX_NONE},
    {"getservbyport",  ntop_getservbyport,    API_READ, API_CTX_NONE},
    {"inet_ntoa",      ntop_inet_ntoa,        API_READ, API_CTX_NONE},
    {"ipCmp",          ntop_ip_cmp,           API_READ, API_CTX_NONE},
    {"isIPv6",         ntop_is_ipv6,          API_READ, API_CTX_NONE},
    {"isLocalAddress", ntop_is_local_address, API_READ, API_CTX_NONE},
    {"networkPrefix",  ntop_network_prefix,   API_READ, API_CTX_NONE},
};

const struct api_table api_ntop_net = API_TABLE("ntop", "networks", ntop_net_bindings);
