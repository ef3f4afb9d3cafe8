/* interface.* selection: which interfaces exist and which one later calls address. */
#include "api_util.h"

#include "../core/iface.h"
#include "../core/probe.h"
#include "../core/users.h"

#include <stdlib.h>
#include <string.h>

/* A remote user bound to one interface (allowed_ifname) sees only that one, as in ntopng. */
static bool iface_allowed(lua_State *L, const struct iface *ifc)
{
    return user_may_use_iface(lua_ctx_of(L)->user, ifc->name);
}

static int interface_get_if_names(lua_State *L)
{
    struct probe *p = lua_ctx_of(L)->probe;
    lua_newtable(L);
    for (int i = 0; i < p->num_ifaces; i++) {
        if (!iface_allowed(L, p->ifaces[i]))
            continue;
        lua_pushfstring(L, "%d", p->ifaces[i]->id);
        lua_pushstring(L, p->ifaces[i]->name);
        lua_settable(L, -3);
    }
    return 1;
}

static int interface_get_first_interface_id(lua_State *L)
{
    struct probe *p = lua_ctx_of(L)->probe;
    for (int i = 0; i < p->num_ifaces; i++) {
        if (iface_allowed(L, p->ifaces[i])) {
            lua_pushinteger(L, p->ifaces[i]->id);
            return 1;
        }
    }
    return 0;
}

/* An id (number or numeric string) or an interface name; -1 when none matches. */
static int find_iface(struct probe *p, lua_State *L, int arg)
{
    if (lua_type(L, arg) == LUA_TNUMBER) {
        lua_Integer id = luaL_checkinteger(L, arg);
        return probe_iface(p, (int)id) ? (int)id : -1;
    }
    const char *s = luaL_checkstring(L, arg);
    for (int i = 0; i < p->num_ifaces; i++)
        if (strcmp(p->ifaces[i]->name, s) == 0)
            return i;
    char *end;
    long id = strtol(s, &end, 10);
    if (*s && *end == '\0' && probe_iface(p, (int)id))
        return (int)id;
    return -1;
}

/* select(name_or_id): ntopng returns nil either way; an unknown interface leaves nothing
 * selected, so later interface calls fail with a clear error instead of using a stale one. */
static int interface_select(lua_State *L)
{
    struct lua_ctx *ctx = lua_ctx_of(L);
    luaL_argexpected(L, lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER, 1,
                     "interface name or id");
    int id = find_iface(ctx->probe, L, 1);
    struct iface *ifc = probe_iface(ctx->probe, id);
    if (ifc && !iface_allowed(L, ifc))
        return luaL_error(L,
                          "interface.select: permission denied: user '%s' may not use "
                          "interface %d (%s)",
                          ctx->user->name, ifc->id, ifc->name);
    ctx->ifid = id;
    lua_pushnil(L);
    return 1;
}

static int interface_get_id(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_pushinteger(L, ifc->id);
    return 1;
}

static int interface_get_name(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_pushstring(L, ifc->name);
    return 1;
}

static int interface_is_valid_if_id(lua_State *L)
{
    struct probe *p = lua_ctx_of(L)->probe;
    luaL_argexpected(L, lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER, 1,
                     "interface id");
    lua_Integer id;
    if (lua_type(L, 1) == LUA_TNUMBER) {
        id = luaL_checkinteger(L, 1);
    } else {
        const char *s = lua_tostring(L, 1);
        char *end;
        id = strtol(s, &end, 0);
        if (*s == '\0' || *end != '\0') {
            lua_pushboolean(L, 0);
            return 1;
        }
    }
    struct iface *ifc = probe_iface(p, (int)id);
    lua_pushboolean(L, ifc != NULL && iface_allowed(L, ifc));
    return 1;
}

static const struct api_binding interface_ifaces_bindings[] = {
    {"getFirstInterfaceId", interface_get_first_interface_id, API_READ, API_CTX_NONE},
    {"getId",               interface_get_id,                 API_READ, API_CTX_NONE},
    {"getIfNames",          interface_get_if_names,           API_READ, API_CTX_NONE},
    {"getName",             interface_get_name,               API_READ, API_CTX_NONE},
    {"isValidIfId",         interface_is_valid_if_id,         API_READ, API_CTX_NONE},
    {"select",              interface_select,                 API_READ, API_CTX_NONE},
};

const struct api_table api_interface_ifaces =
    API_TABLE("interface", "ifaces", interface_ifaces_bindings);
