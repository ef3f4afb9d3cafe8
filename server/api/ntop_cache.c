/* ntop.* bindings, category cache: ntopng's Redis calls (getCache, setCache, ...) on the
 * probe's Redis (core/redis.h). Keys and values are binary-safe. When Redis cannot be had
 * a call returns nil, message; a wrong argument type raises. */
#include "ntop_cache.h"

/* ntop.getCache(key): the value, "" when the key does not exist (as ntopng). */
int ntop_cache_get(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    CACHE_CMD(r, "GET %b", k, klen);
    return cache_push_str(L, r);
}

static int cache_set(lua_State *L, bool nx)
{
    size_t klen, vlen;
    const char *k = luaL_checklstring(L, 1, &klen);
    const char *v = cache_check_value(L, 2, &vlen);
    lua_Integer ttl = luaL_optinteger(L, 3, 0);
    luaL_argcheck(L, ttl >= 0, 3, "ttl must be >= 0");
    redisReply *r;
    char err[256];
    if (ttl > 0)
        r = redis_command(err, sizeof(err), nx ? "SET %b %b EX %lld NX" : "SET %b %b EX %lld", k,
                          klen, v, vlen, (long long)ttl);
    else
        r = redis_command(err, sizeof(err), nx ? "SET %b %b NX" : "SET %b %b", k, klen, v, vlen);
    if (!r || r->type == REDIS_REPLY_ERROR)
        return cache_fail(L, r, err);
    /* SET NX answers nil when the key existed. */
    lua_pushboolean(L, r->type == REDIS_REPLY_STATUS);
    freeReplyObject(r);
    return 1;
}

/* ntop.setCache(key, value [, ttl_secs]): true once stored. */
int ntop_cache_set(lua_State *L)
{
    return cache_set(L, false);
}

/* ntop.setnxCache(key, value [, ttl_secs]): true when stored, false when the key existed. */
static int ntop_setnx_cache(lua_State *L)
{
    return cache_set(L, true);
}

/* ntop.incrCache(key [, amount]): the new value. */
static int ntop_incr_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    lua_Integer n = luaL_optinteger(L, 2, 1);
    CACHE_CMD(r, "INCRBY %b %lld", k, klen, (long long)n);
    lua_pushinteger(L, (lua_Integer)r->integer);
    freeReplyObject(r);
    return 1;
}

/* ntop.delCache(key): nothing. */
static int ntop_del_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    CACHE_CMD(r, "DEL %b", k, klen);
    freeReplyObject(r);
    return 0;
}

/* ntop.renameCache(old_key, new_key): nothing; nil, message when old_key does not
 * exist (Redis's "no such key") or Redis cannot be had. */
static int ntop_rename_cache(lua_State *L)
{
    size_t olen, nlen;
    const char *o = luaL_checklstring(L, 1, &olen);
    const char *n = luaL_checklstring(L, 2, &nlen);
    CACHE_CMD(r, "RENAME %b %b", o, olen, n, nlen);
    freeReplyObject(r);
    return 0;
}

/* An array reply as {element = ""} (ntopng's shape for key lists); nil when empty. */
static int cache_push_set(lua_State *L, redisReply *r)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) {
        freeReplyObject(r);
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, (int)r->elements);
    for (size_t i = 0; i < r->elements; i++) {
        redisReply *e = r->element[i];
        if (e->type != REDIS_REPLY_STRING)
            continue;
        lua_pushlstring(L, e->str, e->len);
        lua_pushliteral(L, "");
        lua_rawset(L, -3);
    }
    freeReplyObject(r);
    return 1;
}

/* An array reply as a sequence; empty table when empty. */
static int cache_push_array(lua_State *L, redisReply *r)
{
    size_t n = r->type == REDIS_REPLY_ARRAY ? r->elements : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        redisReply *e = r->element[i];
        if (e->type == REDIS_REPLY_STRING)
            lua_pushlstring(L, e->str, e->len);
        else
            lua_pushliteral(L, "");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    freeReplyObject(r);
    return 1;
}

/* ntop.getKeysCache(pattern): {key = ""} of the matching keys, nil when none (as
 * ntopng). */
static int ntop_get_keys_cache(lua_State *L)
{
    size_t plen;
    const char *p = luaL_checklstring(L, 1, &plen);
    CACHE_CMD(r, "KEYS %b", p, plen);
    return cache_push_set(L, r);
}

/* ntop.flushCache(): true once the database is empty. Admin only. */
static int ntop_flush_cache(lua_State *L)
{
    CACHE_CMD(r, "FLUSHDB");
    freeReplyObject(r);
    lua_pushboolean(L, 1);
    return 1;
}

/* ntop.getHashCache(key, field): the value, "" when absent (as ntopng). */
static int ntop_get_hash_cache(lua_State *L)
{
    size_t klen, flen;
    const char *k = luaL_checklstring(L, 1, &klen);
    const char *f = luaL_checklstring(L, 2, &flen);
    CACHE_CMD(r, "HGET %b %b", k, klen, f, flen);
    return cache_push_str(L, r);
}

/* ntop.setHashCache(key, field, value): nothing. */
static int ntop_set_hash_cache(lua_State *L)
{
    size_t klen, flen, vlen;
    const char *k = luaL_checklstring(L, 1, &klen);
    const char *f = luaL_checklstring(L, 2, &flen);
    const char *v = cache_check_value(L, 3, &vlen);
    CACHE_CMD(r, "HSET %b %b %b", k, klen, f, flen, v, vlen);
    freeReplyObject(r);
    return 0;
}

/* ntop.delHashCache(key, field): nothing. */
static int ntop_del_hash_cache(lua_State *L)
{
    size_t klen, flen;
    const char *k = luaL_checklstring(L, 1, &klen);
    const char *f = luaL_checklstring(L, 2, &flen);
    CACHE_CMD(r, "HDEL %b %b", k, klen, f, flen);
    freeReplyObject(r);
    return 0;
}

/* ntop.getHashKeysCache(key): {field = ""}, nil when the hash is empty (as ntopng). */
static int ntop_get_hash_keys_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    CACHE_CMD(r, "HKEYS %b", k, klen);
    return cache_push_set(L, r);
}

/* ntop.getHashAllCache(key): {field = value}, nil when the hash is empty (as ntopng). */
static int ntop_get_hash_all_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    CACHE_CMD(r, "HGETALL %b", k, klen);
    if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) {
        freeReplyObject(r);
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, (int)(r->elements / 2));
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
        lua_pushlstring(L, r->element[i]->str, r->element[i]->len);
        lua_pushlstring(L, r->element[i + 1]->str, r->element[i + 1]->len);
        lua_rawset(L, -3);
    }
    freeReplyObject(r);
    return 1;
}

/* lpushCache/rpushCache(list, value [, trim_size]): a positive trim size keeps that many
 * elements from the pushed end, as ntopng. */
static int cache_push(lua_State *L, bool left)
{
    size_t klen, vlen;
    const char *k = luaL_checklstring(L, 1, &klen);
    const char *v = cache_check_value(L, 2, &vlen);
    lua_Integer trim = luaL_optinteger(L, 3, 0);
    luaL_argcheck(L, trim >= 0, 3, "trim size must be >= 0");
    CACHE_CMD(r, left ? "LPUSH %b %b" : "RPUSH %b %b", k, klen, v, vlen);
    freeReplyObject(r);
    if (trim > 0) {
        char err[256];
        redisReply *t = left ? redis_command_as(REDIS_STAT_TRIM, err, sizeof(err),
                                                "LTRIM %b 0 %lld", k, klen, (long long)trim - 1)
                             : redis_command_as(REDIS_STAT_TRIM, err, sizeof(err),
                                                "LTRIM %b %lld -1", k, klen, -(long long)trim);
        if (!t || t->type == REDIS_REPLY_ERROR)
            return cache_fail(L, t, err);
        freeReplyObject(t);
    }
    return 0;
}

/* ntop.lpushCache(list, value [, trim_size]): nothing. */
static int ntop_lpush_cache(lua_State *L)
{
    return cache_push(L, true);
}

/* ntop.rpushCache(list, value [, trim_size]): nothing. */
static int ntop_rpush_cache(lua_State *L)
{
    return cache_push(L, false);
}

static int cache_pop(lua_State *L, bool left)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    CACHE_CMD(r, left ? "LPOP %b" : "RPOP %b", k, klen);
    return cache_push_str_or_nil(L, r);
}

/* ntop.lpopCache(list): the head element, nil when the list is empty. */
static int ntop_lpop_cache(lua_State *L)
{
    return cache_pop(L, true);
}

/* ntop.rpopCache(list): the tail element, nil when the list is empty. */
static int ntop_rpop_cache(lua_State *L)
{
    return cache_pop(L, false);
}

/* ntop.lrangeCache(list [, start [, end]]): elements start..end (0, -1 by default, Redis
 * indices) as a sequence. */
static int ntop_lrange_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    lua_Integer start = luaL_optinteger(L, 2, 0);
    lua_Integer end = luaL_optinteger(L, 3, -1);
    CACHE_CMD(r, "LRANGE %b %lld %lld", k, klen, (long long)start, (long long)end);
    return cache_push_array(L, r);
}

/* ntop.llenCache(list): the length, 0 for a missing list. */
static int ntop_llen_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    CACHE_CMD(r, "LLEN %b", k, klen);
    lua_pushinteger(L, (lua_Integer)r->integer);
    freeReplyObject(r);
    return 1;
}

/* set/delMembersCache(key, member): adds or removes the member; nothing. */
static int cache_member(lua_State *L, bool add)
{
    size_t klen, mlen;
    const char *k = luaL_checklstring(L, 1, &klen);
    const char *m = cache_check_value(L, 2, &mlen);
    CACHE_CMD(r, add ? "SADD %b %b" : "SREM %b %b", k, klen, m, mlen);
    freeReplyObject(r);
    return 0;
}

/* ntop.setMembersCache(key, member): nothing. */
static int ntop_set_members_cache(lua_State *L)
{
    return cache_member(L, true);
}

/* ntop.delMembersCache(key, member): nothing. */
static int ntop_del_members_cache(lua_State *L)
{
    return cache_member(L, false);
}

/* ntop.getMembersCache(key): the members as a sequence (as ntopng), empty when none. */
static int ntop_get_members_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    CACHE_CMD(r, "SMEMBERS %b", k, klen);
    return cache_push_array(L, r);
}

static const struct api_binding ntop_cache_bindings[] = {
    {"delCache",         ntop_del_cache,           API_WRITE, API_CTX_NONE},
    {"delHashCache",     ntop_del_hash_cache,      API_WRITE, API_CTX_NONE},
    {"delMembersCache",  ntop_del_members_cache,   API_WRITE, API_CTX_NONE},
    {"flushCache",       ntop_flush_cache,         API_ADMIN, API_CTX_NONE},
    {"getCache",         ntop_cache_get,           API_READ,  API_CTX_NONE},
    {"getHashAllCache",  ntop_get_hash_all_cache,  API_READ,  API_CTX_NONE},
    {"getHashCache",     ntop_get_hash_cache,      API_READ,  API_CTX_NONE},
    {"getHashKeysCache", ntop_get_hash_keys_cache, API_READ,  API_CTX_NONE},
    {"getKeysCache",     ntop_get_keys_cache,      API_READ,  API_CTX_NONE},
    {"getMembersCache",  ntop_get_members_cache,   API_READ,  API_CTX_NONE},
    {"incrCache",        ntop_incr_cache,          API_WRITE, API_CTX_NONE},
    {"llenCache",        ntop_llen_cache,          API_READ,  API_CTX_NONE},
    {"lpopCache",        ntop_lpop_cache,          API_WRITE, API_CTX_NONE},
    {"lpushCache",       ntop_lpush_cache,         API_WRITE, API_CTX_NONE},
    {"lrangeCache",      ntop_lrange_cache,        API_READ,  API_CTX_NONE},
    {"renameCache",      ntop_rename_cache,        API_WRITE, API_CTX_NONE},
    {"rpopCache",        ntop_rpop_cache,          API_WRITE, API_CTX_NONE},
    {"rpushCache",       ntop_rpush_cache,         API_WRITE, API_CTX_NONE},
    {"setCache",         ntop_cache_set,           API_WRITE, API_CTX_NONE},
    {"setHashCache",     ntop_set_hash_cache,      API_WRITE, API_CTX_NONE},
    {"setMembersCache",  ntop_set_members_cache,   API_WRITE, API_CTX_NONE},
    {"setnxCache",       ntop_setnx_cache,         API_WRITE, API_CTX_NONE},
};

const struct api_table api_ntop_cache = API_TABLE("ntop", "cache", ntop_cache_bindings);
