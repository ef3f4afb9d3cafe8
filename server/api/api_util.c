#include "api_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool api_opt_bool(lua_State *L, int arg, bool def)
{
    if (lua_isnoneornil(L, arg))
        return def;
    luaL_checktype(L, arg, LUA_TBOOLEAN);
    return lua_toboolean(L, arg);
}

struct probe *api_probe(lua_State *L)
{
    struct probe *p = lua_ctx_of(L)->probe;
    if (!p)
        luaL_error(L, "no probe attached to this Lua state");
    return p;
}

char *api_mac_str(const uint8_t *mac, char *buf)
{
    snprintf(buf, 18, "%02X:%02X:%02X:%02X:%02X:%02X", mac[0], mac[1], mac[2], mac[3], mac[4],
             mac[5]);
    return buf;
}

int api_mac_parse(const char *s, uint8_t out[6])
{
    unsigned v[6];
    char tail;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) !=
        6)
        return -1;
    for (int i = 0; i < 6; i++)
        out[i] = (uint8_t)v[i];
    return 0;
}

char *api_host_key(const struct ipaddr *ip, uint16_t vlan, char *buf, size_t len)
{
    char a[IPADDR_STRLEN];
    ipaddr_str(ip, a, sizeof(a));
    if (vlan)
        snprintf(buf, len, "%s@%u", a, vlan);
    else
        snprintf(buf, len, "%s", a);
    return buf;
}

int api_parse_host_key(const char *s, int vlan_arg, struct ipaddr *ip, uint16_t *vlan)
{
    char buf[IPADDR_STRLEN + 16];
    if (strlen(s) >= sizeof(buf))
        return -1;
    strcpy(buf, s);
    long v = 0;
    char *at = strchr(buf, '@');
    if (at) {
        *at = '\0';
        char *end;
        v = strtol(at + 1, &end, 10);
        if (*end != '\0' || end == at + 1 || v < 0 || v > 4095)
            return -1;
    }
    if (ipaddr_parse(buf, ip) != 0)
        return -1;
    if (vlan_arg >= 0)
        v = vlan_arg;
    *vlan = (uint16_t)v;
    return 0;
}
