/* ntop.* bindings, category prefs: ntopng's preferences. A preference is a Redis key
 * under ntopng's prefix "ntopng.prefs." (the caller names it in full, as in ntopng):
 * getPref/setPref are getCache/setCache. getPrefs answers ntopng's table of runtime
 * preferences, with the keys that mean something for this probe:
 *   - from the command line (never from Redis; the probe runs with these):
 *     max_num_hosts (--max-num-hosts), max_num_flows (--max-num-flows), local_host_max_idle
 *     and non_local_host_max_idle (the probe's host idle timeout, one for every host);
 *   - from Redis, as last read at the first getPrefs or by reloadPreferences (ntopng
 *     reads its runtime preferences the same way), present only when the key is set:
 *     max_entity_alerts (ntopng.prefs.max_entity_alerts), ewma_alpha_percent
 *     (ntopng.prefs.ewma_alpha_percent), are_alerts_enabled (the negation of
 *     ntopng.prefs.disable_alerts_generation). The probe only reports these for scripts
 *     that read them; its own behaviour does not depend on them. */
#include "ntop_cache.h"

#include "../core/probe.h"

#include <pthread.h>
#include <stdlib.h>

#define PREFS_PREFIX "ntopng.prefs."

enum pref_kind { PREF_INT, PREF_BOOL_NEGATED };

/* The Redis-backed preferences: getPrefs key, Redis key after the prefix, kind. */
static const struct {
    const char *name;
    const char *redis_key;
    enum pref_kind kind;
} prefs_runtime[] = {
    {"max_entity_alerts",  "max_entity_alerts",         PREF_INT         },
    {"ewma_alpha_percent", "ewma_alpha_percent",        PREF_INT         },
    {"are_alerts_enabled", "disable_alerts_generation", PREF_BOOL_NEGATED},
};
#define PREFS_RUNTIME_COUNT (sizeof(prefs_runtime) / sizeof(prefs_runtime[0]))

static pthread_mutex_t prefs_lock = PTHREAD_MUTEX_INITIALIZER;
static bool prefs_loaded;                          /* under prefs_lock */
static bool prefs_set[PREFS_RUNTIME_COUNT];        /* the key exists in Redis */
static long long prefs_value[PREFS_RUNTIME_COUNT]; /* its value as ntopng parses it */

/* Reads every runtime preference from Redis; 0, or -1 with err set and the previous
 * values kept. */
static int prefs_load(char *err, size_t errlen)
{
    bool set[PREFS_RUNTIME_COUNT];
    long long value[PREFS_RUNTIME_COUNT];
    for (size_t i = 0; i < PREFS_RUNTIME_COUNT; i++) {
        redisReply *r =
            redis_command(err, errlen, "GET " PREFS_PREFIX "%s", prefs_runtime[i].redis_key);
        if (!r || r->type == REDIS_REPLY_ERROR) {
            if (r) {
                snprintf(err, errlen, "redis: %s", r->str ? r->str : "error");
                freeReplyObject(r);
            }
            return -1;
        }
        /* ntopng: integers with atoi; booleans true when the value starts with 1 or t. */
        set[i] = r->type == REDIS_REPLY_STRING && r->len > 0;
        value[i] = 0;
        if (set[i] && prefs_runtime[i].kind == PREF_INT)
            value[i] = strtoll(r->str, NULL, 10);
        else if (set[i])
            value[i] = !(r->str[0] == '1' || r->str[0] == 't');
        freeReplyObject(r);
    }
    pthread_mutex_lock(&prefs_lock);
    memcpy(prefs_set, set, sizeof(set));
    memcpy(prefs_value, value, sizeof(value));
    prefs_loaded = true;
    pthread_mutex_unlock(&prefs_lock);
    return 0;
}

/* ntop.getPrefs(): the table above. Redis keys are absent while Redis cannot be had. */
static int ntop_get_prefs(lua_State *L)
{
    pthread_mutex_lock(&prefs_lock);
    bool loaded = prefs_loaded;
    pthread_mutex_unlock(&prefs_lock);
    char err[256];
    if (!loaded)
        prefs_load(err, sizeof(err));

    struct probe *p = lua_ctx_of(L)->probe;
    lua_createtable(L, 0, 4 + (int)PREFS_RUNTIME_COUNT);
    if (p) {
        api_set_uint(L, "max_num_hosts", p->opt.max_hosts);
        api_set_uint(L, "max_num_flows", p->opt.max_flows);
        api_set_uint(L, "local_host_max_idle", p->opt.host_idle_s);
        api_set_uint(L, "non_local_host_max_idle", p->opt.host_idle_s);
    }
    bool set[PREFS_RUNTIME_COUNT];
    long long value[PREFS_RUNTIME_COUNT];
    pthread_mutex_lock(&prefs_lock);
    memcpy(set, prefs_set, sizeof(set));
    memcpy(value, prefs_value, sizeof(value));
    pthread_mutex_unlock(&prefs_lock);
    for (size_t i = 0; i < PREFS_RUNTIME_COUNT; i++) {
        if (!set[i])
            continue;
        if (prefs_runtime[i].kind == PREF_INT)
            api_set_int(L, prefs_runtime[i].name, value[i]);
        else
            api_set_bool(L, prefs_runtime[i].name, value[i] != 0);
    }
    return 1;
}

/* ntop.reloadPreferences([set_redis_defaults]): reads the Redis-backed preferences again;
 * nothing, or nil, message when Redis cannot be had (the previous values stay). ntopng
 * writes its defaults to Redis when set_redis_defaults is true; the probe has no defaults
 * of its own for these keys, so the flag is checked and writes nothing. */
static int ntop_reload_preferences(lua_State *L)
{
    api_opt_bool(L, 1, false);
    char err[256];
    if (prefs_load(err, sizeof(err)) != 0) {
        lua_pushnil(L);
        lua_pushstring(L, err);
        return 2;
    }
    return 0;
}

static const struct api_binding ntop_prefs_bindings[] = {
    {"getPref",           ntop_cache_get,          API_READ,  API_CTX_NONE},
    {"getPrefs",          ntop_get_prefs,          API_READ,  API_CTX_NONE},
    {"reloadPreferences", ntop_reload_preferences, API_WRITE, API_CTX_NONE},
    {"setPref",           ntop_cache_set,          API_WRITE, API_CTX_NONE},
};

const struct api_table api_ntop_prefs = API_TABLE("ntop", "prefs", ntop_prefs_bindings);
