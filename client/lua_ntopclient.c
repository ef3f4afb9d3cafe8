/* The "ntopclient" Lua module: probe objects whose ntop, interface, flow, host and network
 * tables call the probe's Lua API remotely, so ntopng-style scripts run unchanged.
 *
 *   local ntopclient = require "ntopclient"
 *   local probe = assert(ntopclient.connect("sensor1:5741", {deadline_ms = 10000}))
 *   tprint(probe.interface.getStats())
 *   ntopclient.install(probe)          -- ntop, interface, ... become globals
 *
 * ntopclient.connect(target [, opts]) -> probe | nil, message
 *   target: "host:port", "host" (port 5741), "[v6]:port", "unix:/path". opts: deadline_ms
 *   (per call, default 30000), connect_timeout_ms (5000), retries (1), max_reply_bytes, ifid
 *   (initial context, 0), lazy (true: do not check that the probe answers now), token (the
 *   API token, sent as "authorization: Token <token>"; default: the environment's
 *   NTOP_TOKEN), tls (true: TLS, the certificate verified against the system's roots),
 *   tls_ca (PEM file of the CA to verify against; implies tls), tls_server_name (the name
 *   the certificate must carry when it is not the target's host). Unknown options raise.
 * probe.ntop / .interface / .flow / .host / .network: the functions of the probe's registry
 *   (listed at build time by ntop-probe --list-api); any other name is a remote call too and
 *   the probe answers UNIMPLEMENTED. A remote error is raised with the probe's Lua message,
 *   prefixed with the caller's position like a local error ("s.lua:3: bad argument #1 ...").
 * probe:context() / probe:set_context{ifid=, host=, flow=, network=}: the context sent with
 *   every call and replaced by the one each reply brings back (interface.select).
 * probe:call("ns.name", ...), probe:ready([ms]) -> true | nil, reason, probe:target(),
 *   probe:close() (also __close and __gc).
 * ntopclient.install(probe): the probe's namespaces become the globals.
 * ntopclient.connect_all(targets [, opts]) -> probes with the keys of targets (lazy); a
 *   target is "host:port" or {target = "host:port", <options of this probe>}.
 * ntopclient.call_all(probes, "ns.name", ...) -> {[key] = {ok=true, n=, value=, results={}} or
 *   {ok=false, error=, status="UNAVAILABLE"...}}: concurrent, one thread per probe (at most 32).
 * ntopclient.api: {{namespace=, name=, category=, privilege=, context=}, ...};
 * ntopclient.version. */
#include "client_internal.h"
#include "lua_ntopclient.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ntopclient_namespaces[] = {"ntop", "interface", "flow", "host", "network", NULL};

struct lprobe *lprobe_check(lua_State *L, int idx, int open)
{
    struct lprobe *p = luaL_checkudata(L, idx, NTOPCLIENT_PROBE_MT);
    if (open && !p->client)
        luaL_error(L, "the probe is closed");
    return p;
}

/* ---- remote functions ---- */

/* upvalues: probe, "ns.name", method path */
static int remote_fn(lua_State *L)
{
    struct lprobe *p = lua_touserdata(L, lua_upvalueindex(1));
    return lcall_run(L, p, lua_tostring(L, lua_upvalueindex(2)),
                     lua_tostring(L, lua_upvalueindex(3)), 1, lua_gettop(L));
}

/* Pushes the remote function ns.name of the probe at probe_idx; nil when name is not a valid
 * function name. */
static void push_remote_fn(lua_State *L, int probe_idx, const char *ns, const char *name)
{
    char path[NTOP_PATH_MAX];
    if (ntop_method_path(path, sizeof(path), ns, name) != 0) {
        lua_pushnil(L);
        return;
    }
    lua_pushvalue(L, probe_idx);
    lua_pushfstring(L, "%s.%s", ns, name);
    lua_pushstring(L, path);
    lua_pushcclosure(L, remote_fn, 3);
}

/* __index of a namespace table: any other name is a remote call too (the probe answers
 * UNIMPLEMENTED for names it does not know). upvalues: probe, ns. Not cached, so typos do not
 * accumulate in the table. */
static int ns_index(lua_State *L)
{
    const char *name = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
    if (!name) {
        lua_pushnil(L);
        return 1;
    }
    push_remote_fn(L, lua_upvalueindex(1), lua_tostring(L, lua_upvalueindex(2)), name);
    return 1;
}

/* Builds { ntop = {...}, interface = {...}, ... } for the probe at probe_idx. */
static void push_namespaces(lua_State *L, int probe_idx)
{
    lua_newtable(L);
    for (int i = 0; ntopclient_namespaces[i]; i++) {
        const char *ns = ntopclient_namespaces[i];
        lua_newtable(L);
        for (const struct ntopclient_api_fn *f = ntopclient_api; f->ns; f++) {
            if (strcmp(f->ns, ns) != 0)
                continue;
            push_remote_fn(L, probe_idx, ns, f->name);
            lua_setfield(L, -2, f->name);
        }
        lua_createtable(L, 0, 2); /* its metatable */
        lua_pushvalue(L, probe_idx);
        lua_pushstring(L, ns);
        lua_pushcclosure(L, ns_index, 2);
        lua_setfield(L, -2, "__index");
        lua_pushfstring(L, "ntopclient.%s", ns);
        lua_setfield(L, -2, "__name");
        lua_setmetatable(L, -2);
        lua_setfield(L, -2, ns);
    }
}

/* ---- probe objects ---- */

static const char *const option_names[] = {"deadline_ms", "connect_timeout_ms",
                                           "retries",     "max_reply_bytes",
                                           "token",       "lazy",
                                           "ifid",        "tls",
                                           "tls_ca",      "tls_server_name",
                                           NULL};

/* The string option key, or def; raises on another type. Borrowed from the options table. */
static const char *opt_string(lua_State *L, int idx, const char *key, const char *def)
{
    int t = lua_getfield(L, idx, key);
    const char *v = def;
    if (t != LUA_TNIL) {
        if (t != LUA_TSTRING)
            luaL_error(L, "option '%s': string expected, got %s", key, luaL_typename(L, -1));
        v = lua_tostring(L, -1);
    }
    lua_pop(L, 1); /* the table still holds the string */
    return v;
}

/* Reads token and TLS options at idx (0: none) into sec; the token defaults to NTOP_TOKEN. */
static void read_security(lua_State *L, int idx, struct ntop_client_security *sec)
{
    memset(sec, 0, sizeof(*sec));
    sec->token = getenv("NTOP_TOKEN");
    if (idx == 0 || lua_isnoneornil(L, idx))
        return;
    sec->token = opt_string(L, idx, "token", sec->token);
    sec->tls_ca_file = opt_string(L, idx, "tls_ca", NULL);
    sec->tls_server_name = opt_string(L, idx, "tls_server_name", NULL);
    if (lua_getfield(L, idx, "tls") != LUA_TNIL && !lua_isboolean(L, -1))
        luaL_error(L, "option 'tls': boolean expected, got %s", luaL_typename(L, -1));
    sec->tls = lua_toboolean(L, -1);
    lua_pop(L, 1);
}

static int64_t opt_integer(lua_State *L, int idx, const char *key, int64_t def)
{
    int t = lua_getfield(L, idx, key);
    int64_t v = def;
    if (t != LUA_TNIL) {
        if (!lua_isinteger(L, -1))
            luaL_error(L, "option '%s': integer expected, got %s", key, luaL_typename(L, -1));
        v = lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

/* Reads the options table at idx (0: none) into opts; returns lazy / ifid through pointers. */
static void read_options(lua_State *L, int idx, struct ntop_client_options *opts, int *lazy,
                         int *ifid)
{
    ntop_client_options_init(opts);
    *lazy = 0;
    *ifid = 0;
    if (idx == 0 || lua_isnoneornil(L, idx))
        return;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int known = 0;
        for (int i = 0; option_names[i] && lua_type(L, -2) == LUA_TSTRING; i++)
            known |= strcmp(lua_tostring(L, -2), option_names[i]) == 0;
        if (!known)
            luaL_error(L, "unknown option '%s'", luaL_tolstring(L, -2, NULL));
        lua_pop(L, 1);
    }
    opts->deadline_ms = opt_integer(L, idx, "deadline_ms", opts->deadline_ms);
    opts->connect_timeout_ms = opt_integer(L, idx, "connect_timeout_ms", opts->connect_timeout_ms);
    opts->retries = (int)opt_integer(L, idx, "retries", opts->retries);
    int64_t reply = opt_integer(L, idx, "max_reply_bytes", (int64_t)opts->max_reply_bytes);
    if (reply <= 0 || opts->retries < 0 || opts->retries > 100)
        luaL_error(L, "option out of range");
    opts->max_reply_bytes = (size_t)reply;
    *ifid = (int)opt_integer(L, idx, "ifid", 0);
    lua_getfield(L, idx, "lazy");
    *lazy = lua_toboolean(L, -1);
    lua_pop(L, 1);
}

int lprobe_new(lua_State *L, const char *target, int opts_idx, int wait)
{
    struct ntop_client_options opts;
    int lazy, ifid;
    struct ntop_client_security sec;
    read_options(L, opts_idx, &opts, &lazy, &ifid);
    read_security(L, opts_idx, &sec);
    struct lprobe *p = lua_newuserdatauv(L, sizeof(*p), 1);
    memset(p, 0, sizeof(*p));
    luaL_setmetatable(L, NTOPCLIENT_PROBE_MT);
    int rc = ntop_client_new_secure(target, &opts, &sec, &p->client);
    if (rc != 0) {
        lua_pushnil(L);
        if (rc == NTOP_ETLS)
            lua_pushfstring(L, "probe %s: cannot use the TLS CA file '%s': %s", target,
                            sec.tls_ca_file, ntop_strerror(rc));
        else if (rc == NTOP_EINVAL && sec.token && *sec.token)
            lua_pushfstring(L, "probe %s: bad address or token: %s", target, ntop_strerror(rc));
        else
            lua_pushfstring(L, "bad probe address '%s': %s", target, ntop_strerror(rc));
        return 2;
    }
    p->ctx.ifid = ifid;
    int idx = lua_gettop(L);
    push_namespaces(L, idx);
    lua_setiuservalue(L, idx, 1);
    char reason[512];
    if (wait && !lazy &&
        ntop_client_wait_ready_reason(p->client, opts.connect_timeout_ms, reason, sizeof(reason)) !=
            0) {
        ntop_client_free(p->client);
        p->client = NULL;
        lua_pushnil(L);
        lua_pushfstring(L, "cannot connect to probe %s: %s", target, reason);
        return 2;
    }
    return 1;
}

/* ntopclient.connect(target [, opts]) -> probe | nil, message */
static int l_connect(lua_State *L)
{
    const char *target = luaL_checkstring(L, 1);
    return lprobe_new(L, target, lua_isnoneornil(L, 2) ? 0 : 2, 1);
}

static int probe_close(lua_State *L)
{
    struct lprobe *p = lprobe_check(L, 1, 0);
    ntop_client_free(p->client);
    p->client = NULL;
    ntop_context_clear(&p->ctx);
    return 0;
}

static int probe_target(lua_State *L)
{
    struct lprobe *p = lprobe_check(L, 1, 1);
    lua_pushstring(L, ntop_client_target(p->client));
    return 1;
}

/* probe:context() -> {ifid=, host=, flow=, network=} */
static int probe_context(lua_State *L)
{
    struct lprobe *p = lprobe_check(L, 1, 0);
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, p->ctx.ifid);
    lua_setfield(L, -2, "ifid");
    if (p->ctx.host) {
        lua_pushstring(L, p->ctx.host);
        lua_setfield(L, -2, "host");
    }
    if (p->ctx.flow) {
        lua_pushstring(L, p->ctx.flow);
        lua_setfield(L, -2, "flow");
    }
    if (p->ctx.has_network) {
        lua_pushinteger(L, p->ctx.network);
        lua_setfield(L, -2, "network");
    }
    return 1;
}

/* Replaces *field with the string (or nil/false: none) at the top; raises on other types. */
static void set_string_field(lua_State *L, char **field, const char *key)
{
    if (lua_isnil(L, -1) || (lua_isboolean(L, -1) && !lua_toboolean(L, -1))) {
        free(*field);
        *field = NULL;
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        char *copy = ntop_strndup(s, len);
        if (!copy)
            luaL_error(L, "not enough memory");
        free(*field);
        *field = copy;
    } else {
        luaL_error(L, "context field '%s': string expected", key);
    }
}

/* probe:set_context{ifid=, host=, flow=, network=}: sets the fields present in the table
 * (host/flow/network = false clears them). Returns the probe. */
static int probe_set_context(lua_State *L)
{
    struct lprobe *p = lprobe_check(L, 1, 0);
    luaL_checktype(L, 2, LUA_TTABLE);
    if (lua_getfield(L, 2, "ifid") != LUA_TNIL) {
        if (!lua_isinteger(L, -1))
            return luaL_error(L, "context field 'ifid': integer expected");
        p->ctx.ifid = (int32_t)lua_tointeger(L, -1);
    }
    if (lua_getfield(L, 2, "host") != LUA_TNIL)
        set_string_field(L, &p->ctx.host, "host");
    if (lua_getfield(L, 2, "flow") != LUA_TNIL)
        set_string_field(L, &p->ctx.flow, "flow");
    int t = lua_getfield(L, 2, "network");
    if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
        p->ctx.has_network = false;
    } else if (t != LUA_TNIL) {
        if (!lua_isinteger(L, -1))
            return luaL_error(L, "context field 'network': integer expected");
        p->ctx.network = (int32_t)lua_tointeger(L, -1);
        p->ctx.has_network = true;
    }
    lua_settop(L, 1);
    return 1;
}

/* probe:call("interface.getStats", ...) */
static int probe_call(lua_State *L)
{
    struct lprobe *p = lprobe_check(L, 1, 1);
    const char *fname = luaL_checkstring(L, 2);
    char path[NTOP_PATH_MAX];
    if (lcall_path(fname, path, sizeof(path)) != 0)
        return luaL_argerror(L, 2, "function name expected, as \"namespace.name\"");
    return lcall_run(L, p, fname, path, 3, lua_gettop(L) - 2);
}

/* probe:ready([timeout_ms]) -> true | nil, reason */
static int probe_ready(lua_State *L)
{
    struct lprobe *p = lprobe_check(L, 1, 1);
    lua_Integer ms = luaL_optinteger(L, 2, ntop_client_options(p->client)->connect_timeout_ms);
    char reason[512];
    if (ntop_client_wait_ready_reason(p->client, ms, reason, sizeof(reason)) != 0) {
        lua_pushnil(L);
        lua_pushstring(L, reason);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int probe_tostring(lua_State *L)
{
    struct lprobe *p = lprobe_check(L, 1, 0);
    if (p->client)
        lua_pushfstring(L, "ntopclient.probe(%s)", ntop_client_target(p->client));
    else
        lua_pushliteral(L, "ntopclient.probe(closed)");
    return 1;
}

/* __index: the namespace tables, then the methods (upvalue 1). */
static int probe_index(lua_State *L)
{
    lprobe_check(L, 1, 0);
    lua_getiuservalue(L, 1, 1);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) != LUA_TNIL)
        return 1;
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static const luaL_Reg probe_methods[] = {
    {"call",        probe_call       },
    {"close",       probe_close      },
    {"context",     probe_context    },
    {"ready",       probe_ready      },
    {"set_context", probe_set_context},
    {"target",      probe_target     },
    {NULL,          NULL             },
};

/* ---- module functions ---- */

/* ntopclient.install(probe): the probe's namespaces become the globals ntop, interface, flow,
 * host and network. Returns the probe. */
static int l_install(lua_State *L)
{
    lprobe_check(L, 1, 1);
    lua_getiuservalue(L, 1, 1);
    for (int i = 0; ntopclient_namespaces[i]; i++) {
        lua_getfield(L, -1, ntopclient_namespaces[i]);
        lua_setglobal(L, ntopclient_namespaces[i]);
    }
    lua_settop(L, 1);
    return 1;
}

/* ntopclient.api: { {namespace=, name=, category=, privilege=, context=}, ... } */
static void push_api(lua_State *L)
{
    lua_newtable(L);
    lua_Integer n = 0;
    for (const struct ntopclient_api_fn *f = ntopclient_api; f->ns; f++) {
        lua_createtable(L, 0, 5);
        lua_pushstring(L, f->ns);
        lua_setfield(L, -2, "namespace");
        lua_pushstring(L, f->name);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, f->category);
        lua_setfield(L, -2, "category");
        lua_pushstring(L, f->privilege);
        lua_setfield(L, -2, "privilege");
        lua_pushstring(L, f->context);
        lua_setfield(L, -2, "context");
        lua_rawseti(L, -2, ++n);
    }
}

static const luaL_Reg module_functions[] = {
    {"call_all",    ntopclient_call_all   },
    {"connect",     l_connect             },
    {"connect_all", ntopclient_connect_all},
    {"install",     l_install             },
    {NULL,          NULL                  },
};

int luaopen_ntopclient(lua_State *L)
{
    if (luaL_newmetatable(L, NTOPCLIENT_PROBE_MT)) {
        luaL_newlib(L, probe_methods);
        lua_pushcclosure(L, probe_index, 1);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, probe_close);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, probe_close);
        lua_setfield(L, -2, "__close");
        lua_pushcfunction(L, probe_tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_pop(L, 1);
    luaL_newlib(L, module_functions);
    push_api(L);
    lua_setfield(L, -2, "api");
    lua_pushliteral(L, NTOP_CLIENT_VERSION);
    lua_setfield(L, -2, "version");
    return 1;
}
