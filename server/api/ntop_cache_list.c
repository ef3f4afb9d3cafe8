/* ntop.* bindings, category cache: ntopng's list calls beyond push/pop/range
 * (listIndexCache, lremCache, ltrimCache). Binary-safe; nil, message when Redis cannot be
 * had or the key holds another type. */
#include "ntop_cache.h"

/* ntop.listIndexCache(list, index): the element at index (Redis indices: 0 first, -1
 * last), nil when the list is shorter or missing (as ntopng). */
static int ntop_list_index_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    lua_Integer idx = luaL_checkinteger(L, 2);
    CACHE_CMD(r, "LINDEX %b %lld", k, klen, (long long)idx);
    return cache_push_str_or_nil(L, r);
}

/* ntop.lremCache(list, value): removes every element equal to value (LREM 0); true, also
 * when there was none (as ntopng). */
static int ntop_lrem_cache(lua_State *L)
{
    size_t klen, vlen;
    const char *k = luaL_checklstring(L, 1, &klen);
    const char *v = cache_check_value(L, 2, &vlen);
    CACHE_CMD(r, "LREM %b 0 %b", k, klen, v, vlen);
    freeReplyObject(r);
    lua_pushboolean(L, 1);
    return 1;
}

/* ntop.ltrimCache(list, start, end): keeps elements start..end (Redis indices); nothing. */
static int ntop_ltrim_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    lua_Integer start = luaL_checkinteger(L, 2);
    lua_Integer end = luaL_checkinteger(L, 3);
    CACHE_CMD(r, "LTRIM %b %lld %lld", k, klen, (long long)start, (long long)end);
    freeReplyObject(r);
    return 0;
}

static const struct api_binding ntop_cache_list_bindings[] = {
    {"listIndexCache", ntop_list_index_cache, API_READ,  API_CTX_NONE},
    {"lremCache",      ntop_lrem_cache,       API_WRITE, API_CTX_NONE},
    {"ltrimCache",     ntop_ltrim_cache,      API_WRITE, API_CTX_NONE},
};

const struct api_table api_ntop_cache_list = API_TABLE("ntop", "cache", ntop_cache_list_bindings);
