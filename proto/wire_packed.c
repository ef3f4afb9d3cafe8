#include "wire_packed.h"

#include <lauxlib.h>
#include <stdlib.h>

#define PACKED_META "ntop.wire.packed_value"

struct packed_value {
    uint8_t *bytes;
    size_t len;
};

static int packed_gc(lua_State *L)
{
    struct packed_value *p = luaL_checkudata(L, 1, PACKED_META);
    free(p->bytes);
    p->bytes = NULL;
    p->len = 0;
    return 0;
}

/* Runs protected: a memory error leaves `bytes` to the caller. */
static int push_packed(lua_State *L)
{
    struct packed_value *p = lua_newuserdatauv(L, sizeof(*p), 0);
    p->bytes = NULL;
    p->len = 0;
    if (luaL_newmetatable(L, PACKED_META)) {
        lua_pushcfunction(L, packed_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, "packed value");
        lua_setfield(L, -2, "__name");
    }
    lua_setmetatable(L, -2);
    return 1;
}

void wire_push_packed(lua_State *L, uint8_t *bytes, size_t len)
{
    lua_pushcfunction(L, push_packed);
    if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
        free(bytes);
        lua_error(L);
    }
    struct packed_value *p = lua_touserdata(L, -1);
    p->bytes = bytes;
    p->len = len;
}

const uint8_t *wire_to_packed(lua_State *L, int idx, size_t *len)
{
    struct packed_value *p = luaL_testudata(L, idx, PACKED_META);
    if (!p || !p->bytes)
        return NULL;
    *len = p->len;
    return p->bytes;
}
