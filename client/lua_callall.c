/* Several probes at once: ntopclient.connect_all and ntopclient.call_all. The calls of
 * call_all run concurrently on threads that touch no Lua state: requests are encoded before,
 * replies decoded after, on the caller's thread. */
#include "client_internal.h"
#include "lua_ntopclient.h"

#include <lauxlib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_MT          "ntopclient.batch"
#define BATCH_MAX_THREADS 32

/* ntopclient.connect_all(targets [, opts]) -> probes: the same keys as targets ({"a:1", "b:2"}
 * or {name = "host:port"} or {name = {target = "host:port", token = ...}} with per-probe
 * options over opts), each value a probe object. Connections are made lazily: a probe
 * that is down shows in call_all's results, not here. Raises on a malformed address. */
int ntopclient_connect_all(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    int opts = lua_isnoneornil(L, 2) ? 0 : 2;
    lua_settop(L, 2);
    lua_newtable(L); /* 3: the probes */
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (lua_type(L, -1) == LUA_TTABLE) {
            /* {target = "host:port", token = ..., tls_ca = ...}: this probe's options over
             * the common ones */
            int spec = lua_gettop(L);
            if (lua_getfield(L, spec, "target") != LUA_TSTRING)
                return luaL_error(L, "connect_all: key %s: field 'target' (string) expected",
                                  luaL_tolstring(L, -3, NULL));
            lua_newtable(L); /* the merged options */
            for (int src = opts ? 2 : spec; src; src = src == 2 ? spec : 0) {
                lua_pushnil(L);
                while (lua_next(L, src)) {
                    if (lua_type(L, -2) == LUA_TSTRING &&
                        strcmp(lua_tostring(L, -2), "target") == 0) {
                        lua_pop(L, 1);
                        continue;
                    }
                    lua_pushvalue(L, -2);
                    lua_insert(L, -2);
                    lua_settable(L, -4);
                }
            }
            int rc = lprobe_new(L, lua_tostring(L, spec + 1), spec + 2, 0);
            if (rc != 1)
                return lua_error(L);
            lua_replace(L, spec + 1); /* key, spec, probe, merged */
            lua_settop(L, spec + 1);
        } else if (lua_type(L, -1) == LUA_TSTRING) {
            if (lprobe_new(L, lua_tostring(L, -1), opts, 0) != 1)
                return lua_error(L); /* the message of nil, message */
        } else {
            const char *type = luaL_typename(L, -1);
            return luaL_error(L, "connect_all: target expected at key %s, got %s",
                              luaL_tolstring(L, -2, NULL), type);
        }
        lua_pushvalue(L, -3); /* key */
        lua_insert(L, -2);
        lua_settable(L, 3);
        lua_pop(L, 1); /* the target; keep the key */
    }
    return 1;
}

struct job {
    struct lprobe *probe; /* NULL: closed */
    struct ntop_client *client;
    const char *path;
    uint8_t *req, *reply;
    size_t req_len, reply_len;
    char *message;
    int status;
};

struct batch {
    size_t n;
    atomic_size_t next;
    struct job jobs[];
};

static void job_free(struct job *j)
{
    free(j->req);
    free(j->reply);
    free(j->message);
    j->req = j->reply = NULL;
    j->message = NULL;
}

static int batch_gc(lua_State *L)
{
    struct batch *b = luaL_checkudata(L, 1, BATCH_MT);
    for (size_t i = 0; i < b->n; i++)
        job_free(&b->jobs[i]);
    b->n = 0;
    return 0;
}

static void *worker(void *arg)
{
    struct batch *b = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n)
            return NULL;
        struct job *j = &b->jobs[i];
        if (j->client)
            j->status = ntop_client_call_raw(j->client, j->path, j->req, j->req_len, &j->reply,
                                             &j->reply_len, &j->message);
    }
}

static void run_batch(struct batch *b)
{
    pthread_t threads[BATCH_MAX_THREADS];
    size_t want = b->n < BATCH_MAX_THREADS ? b->n : BATCH_MAX_THREADS, started = 0;
    while (started + 1 < want && pthread_create(&threads[started], NULL, worker, b) == 0)
        started++;
    worker(b); /* this thread works too (and alone if no thread could start) */
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
}

/* Pushes the result table of job j: {ok=true, n=, value=, results={...}} or {ok=false,
 * error=, status=}. */
static void push_job_result(lua_State *L, struct job *j, const char *fname)
{
    lua_createtable(L, 0, 4);
    int t = lua_gettop(L);
    int ok = j->probe && j->status == NTOP_STATUS_OK;
    if (ok) {
        int top = lua_gettop(L);
        int n = lcall_decode(L, j->probe, j->reply, j->reply_len, fname);
        if (n >= 0) {
            lua_createtable(L, n, 0);
            for (int i = n; i >= 1; i--) {
                lua_pushvalue(L, top + i);
                lua_rawseti(L, -2, i);
            }
            lua_setfield(L, t, "results");
            lua_pushinteger(L, n);
            lua_setfield(L, t, "n");
            if (n > 0) {
                lua_pushvalue(L, top + 1);
                lua_setfield(L, t, "value");
            }
        } else {
            lua_setfield(L, t, "error");
            ok = 0;
            j->status = NTOP_STATUS_INTERNAL;
        }
        lua_settop(L, t);
    } else if (!j->probe) {
        lua_pushfstring(L, "%s: the probe is closed", fname);
        lua_setfield(L, t, "error");
        j->status = NTOP_STATUS_FAILED_PRECONDITION;
    } else {
        lcall_push_error(L, fname, j->status, j->message);
        lua_setfield(L, t, "error");
    }
    lua_pushboolean(L, ok);
    lua_setfield(L, t, "ok");
    if (!ok) {
        lua_pushstring(L, ntop_status_name(j->status));
        lua_setfield(L, t, "status");
    }
    job_free(j);
}

/* ntopclient.call_all(probes, "ns.name", args...) -> results with the keys of probes, each
 * {ok=true, n=, value=first result, results={...}} or {ok=false, error=message, status=name}.
 * The calls run concurrently; each probe sends and adopts its own context. */
int ntopclient_call_all(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    const char *fname = luaL_checkstring(L, 2);
    char path[NTOP_PATH_MAX];
    if (lcall_path(fname, path, sizeof(path)) != 0)
        return luaL_argerror(L, 2, "function name expected, as \"namespace.name\"");
    const int nargs = lua_gettop(L) - 2;

    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (!luaL_testudata(L, -1, NTOPCLIENT_PROBE_MT))
            return luaL_error(L, "bad argument #1 to 'call_all' (probe expected at key %s)",
                              luaL_tolstring(L, -2, NULL));
        lua_pop(L, 1);
        n++;
    }
    struct batch *b = lua_newuserdatauv(L, sizeof(*b) + n * sizeof(struct job), 0);
    memset(b, 0, sizeof(*b) + n * sizeof(struct job));
    if (luaL_newmetatable(L, BATCH_MT)) {
        lua_pushcfunction(L, batch_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    const int batch_idx = lua_gettop(L);
    lua_createtable(L, (int)n, 0); /* the keys, in job order */
    const int keys_idx = lua_gettop(L);

    lua_pushnil(L);
    while (b->n < n && lua_next(L, 1)) {
        struct lprobe *p = lua_touserdata(L, -1);
        struct job *j = &b->jobs[b->n++];
        lua_pushvalue(L, -2);
        lua_rawseti(L, keys_idx, (lua_Integer)b->n);
        lua_pop(L, 1);
        if (!p->client)
            continue;
        j->probe = p;
        j->client = p->client;
        j->path = path;
        const struct wire_limits lim = ntop_client_limits(p->client);
        if (lcall_encode(L, 3, nargs, &p->ctx, &lim, fname, &j->req, &j->req_len) != 0)
            return lua_error(L); /* the arguments cannot travel: the same for every probe */
    }
    run_batch(b);

    lua_createtable(L, 0, (int)n);
    for (size_t i = 0; i < b->n; i++) {
        lua_rawgeti(L, keys_idx, (lua_Integer)i + 1);
        push_job_result(L, &b->jobs[i], fname);
        lua_settable(L, -3);
    }
    lua_pushvalue(L, batch_idx); /* keep the batch alive until here */
    lua_pop(L, 1);
    return 1;
}
