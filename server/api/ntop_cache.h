/* Helpers shared by the ntop.*Cache binding files (ntop_cache*.c): error results, value
 * arguments and string replies the way ntopng's Redis bindings give them. */
#ifndef NTOP_API_CACHE_H
#define NTOP_API_CACHE_H

#include "api_util.h"

#include "../core/redis.h"

#include <string.h>

/* Pushes nil, message for a failed command (err) or an error reply; returns 2. */
static inline int cache_fail(lua_State *L, redisReply *r, const char *err)
{
    lua_pushnil(L);
    if (r) {
        lua_pushlstring(L, r->str ? r->str : "redis error", r->str ? r->len : 11);
        freeReplyObject(r);
    } else {
        lua_pushstring(L, err);
    }
    return 2;
}

/* Runs a command into `r`; returns nil, message from the binding when it failed. */
#define CACHE_CMD(r, ...)                                                                          \
    char err_[256];                                                                                \
    redisReply *r = redis_command(err_, sizeof(err_), __VA_ARGS__);                                \
    if (!r || r->type == REDIS_REPLY_ERROR)                                                        \
    return cache_fail(L, r, err_)

/* A value argument as ntopng takes it: string, number or boolean ("true"/"false"). */
static inline const char *cache_check_value(lua_State *L, int arg, size_t *len)
{
    if (lua_type(L, arg) == LUA_TBOOLEAN) {
        const char *s = lua_toboolean(L, arg) ? "true" : "false";
        *len = strlen(s);
        return s;
    }
    return luaL_checklstring(L, arg, len);
}

/* Pushes a string reply, "" for nil (ntopng's answer for a missing key); frees r. */
static inline int cache_push_str(lua_State *L, redisReply *r)
{
    if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
        lua_pushlstring(L, r->str, r->len);
    else if (r->type == REDIS_REPLY_INTEGER)
        lua_pushfstring(L, "%I", (lua_Integer)r->integer);
    else
        lua_pushliteral(L, "");
    freeReplyObject(r);
    return 1;
}

/* Pushes a string reply, nil for anything else (an element that is not there); frees r. */
static inline int cache_push_str_or_nil(lua_State *L, redisReply *r)
{
    if (r->type != REDIS_REPLY_STRING) {
        freeReplyObject(r);
        lua_pushnil(L);
        return 1;
    }
    return cache_push_str(L, r);
}

/* ntop.getCache / ntop.getPref and ntop.setCache / ntop.setPref (ntop_cache.c). */
int ntop_cache_get(lua_State *L);
int ntop_cache_set(lua_State *L);

#endif
