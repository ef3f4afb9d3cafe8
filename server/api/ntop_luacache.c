/* ntop.* bindings, category cache: the in-process Lua cache (getLuaCache, setLuaCache,
 * dumpLuaCache). One key/value store for the whole probe, shared by every Lua state (the
 * --run-script state, check scripts, remote calls), guarded by a mutex. Keys and values
 * are binary-safe strings; numbers are stored as their string form, as setCache does.
 * Entries may expire (ttl in seconds, monotonic clock); expired ones are dropped when met.
 * Nothing goes to Redis and nothing survives the process. */
#include "api_util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LUACACHE_BUCKETS 1024
/* A bound on memory a script or remote caller can take; setLuaCache fails beyond it. */
#define LUACACHE_MAX_ENTRIES 100000
#define LUACACHE_MAX_TTL_S   (100ll * 366 * 86400)

struct luacache_entry {
    struct luacache_entry *next;
    uint64_t expire_ms; /* monotonic; 0: never */
    size_t klen, vlen;
    char *val;
    char key[]; /* klen bytes */
};

static pthread_mutex_t luacache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct luacache_entry *luacache_buckets[LUACACHE_BUCKETS]; /* under luacache_lock */
static size_t luacache_count;

static uint64_t luacache_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static size_t luacache_hash(const char *k, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
    return (size_t)(h % LUACACHE_BUCKETS);
}

static bool luacache_expired(const struct luacache_entry *e, uint64_t now)
{
    return e->expire_ms && e->expire_ms <= now;
}

/* Unlinks and frees *pp. Under luacache_lock. */
static void luacache_remove(struct luacache_entry **pp)
{
    struct luacache_entry *e = *pp;
    *pp = e->next;
    free(e->val);
    free(e);
    luacache_count--;
}

/* The link to key's entry (live or expired), or to the bucket's NULL end. */
static struct luacache_entry **luacache_find(const char *k, size_t klen)
{
    struct luacache_entry **pp = &luacache_buckets[luacache_hash(k, klen)];
    while (*pp && !((*pp)->klen == klen && memcmp((*pp)->key, k, klen) == 0))
        pp = &(*pp)->next;
    return pp;
}

static void luacache_purge_expired(uint64_t now)
{
    for (size_t b = 0; b < LUACACHE_BUCKETS; b++) {
        struct luacache_entry **pp = &luacache_buckets[b];
        while (*pp) {
            if (luacache_expired(*pp, now))
                luacache_remove(pp);
            else
                pp = &(*pp)->next;
        }
    }
}

/* A string or number argument (numbers in their Lua string form). */
static const char *luacache_check_value(lua_State *L, int arg, size_t *len)
{
    int t = lua_type(L, arg);
    if (t != LUA_TSTRING && t != LUA_TNUMBER)
        luaL_typeerror(L, arg, "string or number");
    return lua_tolstring(L, arg, len);
}

/* Copies the live value of key into buf when it has room: its length, or (size_t)-1 when
 * absent. Under luacache_lock. */
static size_t luacache_copy_value(const char *k, size_t klen, char *buf, size_t room)
{
    struct luacache_entry **pp = luacache_find(k, klen);
    if (*pp && luacache_expired(*pp, luacache_now_ms()))
        luacache_remove(pp);
    if (!*pp)
        return (size_t)-1;
    if (buf && (*pp)->vlen <= room)
        memcpy(buf, (*pp)->val, (*pp)->vlen);
    return (*pp)->vlen;
}

/* ntop.getLuaCache(key): the value, "" when absent or expired (like getCache). */
static int ntop_get_lua_cache(lua_State *L)
{
    size_t klen;
    const char *k = luaL_checklstring(L, 1, &klen);
    /* Lua may raise on memory: never allocate from it with the lock held. Copy into a
     * userdata sized beforehand, again if the value grew in between. */
    size_t room = 0;
    char *buf = NULL;
    for (;;) {
        pthread_mutex_lock(&luacache_lock);
        size_t len = luacache_copy_value(k, klen, buf, room);
        pthread_mutex_unlock(&luacache_lock);
        if (len == (size_t)-1) {
            lua_pushliteral(L, "");
            return 1;
        }
        if (buf && len <= room) {
            lua_pushlstring(L, buf, len);
            return 1;
        }
        if (buf)
            lua_pop(L, 1);
        room = len;
        buf = lua_newuserdatauv(L, room ? room : 1, 0);
    }
}

/* ntop.setLuaCache(key, value [, ttl_secs]): stores value (string or number) for every
 * Lua state of the probe; ttl_secs > 0 makes it expire. Nothing; nil, message when the
 * cache holds LUACACHE_MAX_ENTRIES live entries already. */
static int ntop_set_lua_cache(lua_State *L)
{
    size_t klen, vlen;
    const char *k = luaL_checklstring(L, 1, &klen);
    const char *v = luacache_check_value(L, 2, &vlen);
    lua_Integer ttl = luaL_optinteger(L, 3, 0);
    luaL_argcheck(L, ttl >= 0, 3, "ttl must be >= 0");
    char *val = malloc(vlen ? vlen : 1);
    if (!val)
        return luaL_error(L, "out of memory");
    memcpy(val, v, vlen);
    uint64_t now = luacache_now_ms();
    const char *fail = NULL;
    pthread_mutex_lock(&luacache_lock);
    struct luacache_entry **pp = luacache_find(k, klen);
    struct luacache_entry *e = *pp;
    if (!e && luacache_count >= LUACACHE_MAX_ENTRIES) {
        luacache_purge_expired(now);
        pp = luacache_find(k, klen);
        if (luacache_count >= LUACACHE_MAX_ENTRIES)
            fail = "lua cache full";
    }
    if (!fail && !e) {
        e = malloc(sizeof(*e) + klen);
        if (e) {
            memcpy(e->key, k, klen);
            e->klen = klen;
            e->val = NULL;
            e->next = NULL;
            *pp = e;
            luacache_count++;
        } else {
            fail = "out of memory";
        }
    }
    if (!fail) {
        free(e->val);
        e->val = val;
        e->vlen = vlen;
        /* A ttl beyond a century is as good as none (and cannot overflow). */
        e->expire_ms = ttl > 0 && ttl < LUACACHE_MAX_TTL_S ? now + (uint64_t)ttl * 1000u : 0;
        val = NULL;
    }
    pthread_mutex_unlock(&luacache_lock);
    free(val);
    if (fail) {
        lua_pushnil(L);
        lua_pushstring(L, fail);
        return 2;
    }
    return 0;
}

/* Serialises every live entry as klen, vlen, key, value into buf when it has room: the
 * bytes needed. Under luacache_lock. */
static size_t luacache_snapshot(char *buf, size_t room, size_t *count)
{
    luacache_purge_expired(luacache_now_ms());
    size_t total = 0;
    for (size_t b = 0; b < LUACACHE_BUCKETS; b++)
        for (struct luacache_entry *e = luacache_buckets[b]; e; e = e->next)
            total += 2 * sizeof(size_t) + e->klen + e->vlen;
    *count = luacache_count;
    if (!buf || total > room)
        return total;
    for (size_t b = 0; b < LUACACHE_BUCKETS; b++)
        for (struct luacache_entry *e = luacache_buckets[b]; e; e = e->next) {
            memcpy(buf, &e->klen, sizeof(size_t));
            memcpy(buf + sizeof(size_t), &e->vlen, sizeof(size_t));
            buf += 2 * sizeof(size_t);
            memcpy(buf, e->key, e->klen);
            memcpy(buf + e->klen, e->val, e->vlen);
            buf += e->klen + e->vlen;
        }
    return total;
}

/* ntop.dumpLuaCache(): {key = value} of every live entry. */
static int ntop_dump_lua_cache(lua_State *L)
{
    /* As getLuaCache: snapshot into a userdata allocated without the lock held. */
    size_t room = 0, n = 0, total;
    char *buf = NULL;
    for (;;) {
        pthread_mutex_lock(&luacache_lock);
        total = luacache_snapshot(buf, room, &n);
        pthread_mutex_unlock(&luacache_lock);
        if (buf && total <= room)
            break;
        if (buf)
            lua_pop(L, 1);
        room = total;
        buf = lua_newuserdatauv(L, room ? room : 1, 0);
    }
    lua_createtable(L, 0, (int)(n < 1000000 ? n : 1000000));
    const char *p = buf;
    for (size_t i = 0; i < n; i++) {
        size_t kl, vl;
        memcpy(&kl, p, sizeof(size_t));
        memcpy(&vl, p + sizeof(size_t), sizeof(size_t));
        p += 2 * sizeof(size_t);
        lua_pushlstring(L, p, kl);
        lua_pushlstring(L, p + kl, vl);
        lua_rawset(L, -3);
        p += kl + vl;
    }
    return 1;
}

static const struct api_binding ntop_luacache_bindings[] = {
    {"dumpLuaCache", ntop_dump_lua_cache, API_READ,  API_CTX_NONE},
    {"getLuaCache",  ntop_get_lua_cache,  API_READ,  API_CTX_NONE},
    {"setLuaCache",  ntop_set_lua_cache,  API_WRITE, API_CTX_NONE},
};

const struct api_table api_ntop_luacache = API_TABLE("ntop", "cache", ntop_luacache_bindings);
