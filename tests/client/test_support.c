#include "test_support.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>

static const char same_lua[] =
    "function same(a, b)\n"
    "  if type(a) ~= type(b) then return false end\n"
    "  if type(a) == 'number' then\n"
    "    if math.type(a) ~= math.type(b) then return false end\n"
    "    if a ~= a then return b ~= b end\n"
    "    return a == b and (a ~= 0 or 1 / a == 1 / b)\n"
    "  end\n"
    "  if type(a) ~= 'table' then return a == b end\n"
    "  for k, v in pairs(a) do if not same(v, b[k]) then return false end end\n"
    "  for k in pairs(b) do if a[k] == nil then return false end end\n"
    "  return true\n"
    "end\n";

int test_lua_setup(void **state)
{
    lua_State *L = luaL_newstate();
    if (!L)
        return -1;
    luaL_openlibs(L);
    if (luaL_dostring(L, same_lua) != LUA_OK) {
        lua_close(L);
        return -1;
    }
    *state = L;
    return 0;
}

int test_lua_teardown(void **state)
{
    lua_close(*state);
    return 0;
}

uint8_t *test_pack_result(Ntop__V1__Value *v, size_t *len)
{
    Ntop__V1__Reply reply = NTOP__V1__REPLY__INIT;
    reply.results = &v;
    reply.n_results = 1;
    *len = ntop__v1__reply__get_packed_size(&reply);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (buf)
        ntop__v1__reply__pack(&reply, buf);
    return buf;
}
