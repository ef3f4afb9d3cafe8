#include "engine.h"

#include "../core/probe.h"
#include "registry.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <string.h>

static void prepend_module_path(lua_State *L, const char *install_dir)
{
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "path");
    const char *old = lua_tostring(L, -1);
    lua_pushfstring(L, "%s/scripts/lua/modules/?.lua;%s/scripts/lua/modules/?/init.lua;%s",
                    install_dir, install_dir, old ? old : "");
    lua_setfield(L, -3, "path");
    lua_pop(L, 2);
}

lua_State *engine_new_state(struct lua_ctx *ctx)
{
    lua_State *L = luaL_newstate();
    if (!L)
        return NULL;
    *(struct lua_ctx **)lua_getextraspace(L) = ctx;
    luaL_openlibs(L);
    api_open_all(L);
    prepend_module_path(L, ctx->probe->install_dir);
    return L;
}

static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg)
        msg = luaL_tolstring(L, 1, NULL);
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int engine_run_file(lua_State *L, const char *path, int argc, char **argv)
{
    lua_createtable(L, argc, 1);
    lua_pushstring(L, path);
    lua_rawseti(L, -2, 0);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setglobal(L, "arg");

    lua_pushcfunction(L, traceback);
    int base = lua_gettop(L);
    int rc = luaL_loadfile(L, path);
    if (rc == LUA_OK)
        rc = lua_pcall(L, 0, 0, base);
    if (rc != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(error object)");
        lua_settop(L, base - 1);
        return -1;
    }
    lua_settop(L, base - 1);
    fflush(stdout);
    return 0;
}
