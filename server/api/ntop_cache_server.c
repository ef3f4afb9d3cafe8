/* ntop.* bindings, category cache: the Redis server itself (getCacheStatus, the probe's
 * command counters getCacheStats) and DUMP/RESTORE of single keys. Dumps travel as
 * upper-case hex text, as ntopng gives and takes them, so they are plain strings for Lua,
 * JSON and RPC. */
#include "ntop_cache.h"

#include <stdlib.h>

/* ntop.getCacheStatus(): {info = INFO text, dbsize = number of keys} (as ntopng); nil,
 * message when Redis cannot be had. */
static int ntop_get_cache_status(lua_State *L)
{
    CACHE_CMD(info, "INFO");
    char err[256];
    redisReply *size = redis_command(err, sizeof(err), "DBSIZE");
    if (!size || size->type != REDIS_REPLY_INTEGER) {
        freeReplyObject(info);
        return cache_fail(L, size, err);
    }
    lua_createtable(L, 0, 2);
    if (info->type == REDIS_REPLY_STRING)
        lua_pushlstring(L, info->str, info->len);
    else
        lua_pushliteral(L, "");
    lua_setfield(L, -2, "info");
    api_set_uint(L, "dbsize", (uint64_t)size->integer);
    freeReplyObject(info);
    freeReplyObject(size);
    return 1;
}

/* ntop.getCacheStats(): the probe's Redis command counters with ntopng's names (num_get,
 * num_set, ..., num_reconnections), counted per call since start. ntopng's resolver
 * counters are absent: the probe resolves no names. */
static int ntop_get_cache_stats(lua_State *L)
{
    uint64_t n[REDIS_STAT_COUNT];
    redis_get_stats(n);
    lua_createtable(L, 0, REDIS_STAT_COUNT);
    for (int i = 0; i < REDIS_STAT_COUNT; i++)
        api_set_uint(L, redis_stat_name((enum redis_stat)i), n[i]);
    return 1;
}

/* ntop.hasDumpCache(): true when the Redis server has DUMP/RESTORE (version >= 2.6, as
 * ntopng checks); nil, message when Redis cannot be had. */
static int ntop_has_dump_cache(lua_State *L)
{
    CACHE_CMD(r, "INFO server");
    int a = 0, b = 0;
    const char *v = r->str ? strstr(r->str, "redis_version:") : NULL;
    bool ok = v && sscanf(v + 14, "%d.%d", &a, &b) == 2 && (a > 2 || (a == 2 && b >= 6));
    freeReplyObject(r);
    lua_pushboolean(L, ok);
    return 1;
}

/* ntop.dumpCache(key): the key's DUMP payload as upper-case hex, "" when the key does not
 * exist (as ntopng). */
static int ntop_dump_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    CACHE_CMD(r, "DUMP %b", k, klen);
    if (r->type != REDIS_REPLY_STRING) {
        freeReplyObject(r);
        lua_pushliteral(L, "");
        return 1;
    }
    static const char digits[] = "0123456789ABCDEF";
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, r->len * 2);
    for (size_t i = 0; i < r->len; i++) {
        unsigned char c = (unsigned char)r->str[i];
        out[2 * i] = digits[c >> 4];
        out[2 * i + 1] = digits[c & 15];
    }
    size_t n = r->len * 2;
    freeReplyObject(r);
    luaL_pushresultsize(&b, n);
    return 1;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* ntop.restoreCache(key, hex_dump): replaces key with the dumped value (no TTL), true once
 * done; nil, message when Redis refuses the payload. ntopng deletes the key and then
 * restores it, and answers true when that failed; here RESTORE ... REPLACE keeps the old
 * value when the payload is refused, and true means restored. */
static int ntop_restore_cache(lua_State *L)
{
    size_t klen, hlen;
    const char *k = luaL_checklstring(L, 1, &klen);
    const char *hex = luaL_checklstring(L, 2, &hlen);
    luaL_argcheck(L, hlen % 2 == 0 && hlen > 0, 2, "not a hex dump (from dumpCache)");
    size_t n = hlen / 2;
    char *bin = malloc(n);
    if (!bin)
        return luaL_error(L, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(bin);
            return luaL_argerror(L, 2, "not a hex dump (from dumpCache)");
        }
        bin[i] = (char)(hi << 4 | lo);
    }
    char err[256];
    redisReply *r = redis_command(err, sizeof(err), "RESTORE %b 0 %b REPLACE", k, klen, bin, n);
    free(bin);
    if (!r || r->type == REDIS_REPLY_ERROR)
        return cache_fail(L, r, err);
    freeReplyObject(r);
    lua_pushboolean(L, 1);
    return 1;
}

static const struct api_binding ntop_cache_server_bindings[] = {
    {"dumpCache",      ntop_dump_cache,       API_READ,  API_CTX_NONE},
    {"getCacheStats",  ntop_get_cache_stats,  API_READ,  API_CTX_NONE},
    {"getCacheStatus", ntop_get_cache_status, API_READ,  API_CTX_NONE},
    {"hasDumpCache",   ntop_has_dump_cache,   API_READ,  API_CTX_NONE},
    {"restoreCache",   ntop_restore_cache,    API_WRITE, API_CTX_NONE},
};

const struct api_table api_ntop_cache_server =
    API_TABLE("ntop", "cache", ntop_cache_server_bindings);
