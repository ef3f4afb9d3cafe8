/* Shared helpers for bindings: table fields with ntopng's key names and types, argument
 * checks. Bindings raise on wrong argument types (luaL_argerror) and return nil (or
 * nil, message) when the thing asked for does not exist. */
#ifndef NTOP_API_UTIL_H
#define NTOP_API_UTIL_H

#include "../core/ipaddr.h"
#include "../lua/context.h"
#include "../lua/registry.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

static inline void api_set_int(lua_State *L, const char *key, int64_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, key);
}

/* Counters are unsigned 64-bit; Lua integers are signed: clamp rather than wrap. */
static inline void api_set_uint(lua_State *L, const char *key, uint64_t v)
{
    lua_pushinteger(L, v > (uint64_t)INT64_MAX ? INT64_MAX : (lua_Integer)v);
    lua_setfield(L, -2, key);
}

static inline void api_set_num(lua_State *L, const char *key, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

static inline void api_set_bool(lua_State *L, const char *key, bool v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, key);
}

/* NULL leaves the key absent, as ntopng does. */
static inline void api_set_str(lua_State *L, const char *key, const char *v)
{
    if (!v)
        return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, key);
}

/* Optional boolean argument: absent or nil gives `def`; anything but a boolean raises. */
bool api_opt_bool(lua_State *L, int arg, bool def);

struct probe;
/* The probe of this Lua state; raises when none is attached. */
struct probe *api_probe(lua_State *L);

/* "AA:BB:CC:DD:EE:FF" (ntopng's upper-case form) into buf[18]. */
char *api_mac_str(const uint8_t *mac, char *buf);
/* Parses a MAC in either case; 0 or -1. */
int api_mac_parse(const char *s, uint8_t out[6]);

/* Host key "ip" or "ip@vlan" (vlan > 0), into buf of at least IPADDR_STRLEN + 8. */
char *api_host_key(const struct ipaddr *ip, uint16_t vlan, char *buf, size_t len);

/* Parses "ip[@vlan]"; an explicit vlan argument (when >= 0) wins. 0 or -1. */
int api_parse_host_key(const char *s, int vlan_arg, struct ipaddr *ip, uint16_t *vlan);

struct iface;
/* Pushes NetworkStats::lua of local network `id` of `ifc` (owner thread). */
void push_network_stats(lua_State *L, struct iface *ifc, int id);

/* Seconds from microseconds of capture time. */
static inline int64_t api_secs(uint64_t us)
{
    return (int64_t)(us / 1000000u);
}

#endif
