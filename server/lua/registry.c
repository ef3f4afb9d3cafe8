/* Installs the registered bindings as Lua namespaces; finds bindings by name. */
#include "registry.h"

#include "../api/api_util.h"
#include "../core/capture.h"
#include "../core/iface.h"
#include "../core/probe.h"
#include "context.h"

#include <lauxlib.h>
#include <string.h>

const char *api_privilege_name(enum api_privilege p)
{
    switch (p) {
    case API_READ:
        return "read";
    case API_WRITE:
        return "write";
    case API_ADMIN:
        return "admin";
    case API_EXEC:
        return "exec";
    }
    return "?";
}

const char *api_context_name(enum api_context c)
{
    switch (c) {
    case API_CTX_NONE:
        return "none";
    case API_CTX_IFACE:
        return "interface";
    case API_CTX_FLOW:
        return "flow";
    case API_CTX_HOST:
        return "host";
    case API_CTX_NETWORK:
        return "network";
    }
    return "?";
}

const struct api_binding *api_find(const char *ns, const char *name,
                                   const struct api_table **table_out)
{
    for (const struct api_table *const *t = api_all_tables; *t; t++) {
        if (strcmp((*t)->ns, ns) != 0)
            continue;
        for (size_t i = 0; i < (*t)->count; i++) {
            if (strcmp((*t)->bindings[i].name, name) == 0) {
                if (table_out)
                    *table_out = *t;
                return &(*t)->bindings[i];
            }
        }
    }
    return NULL;
}

struct iface *lua_ctx_iface(lua_State *L)
{
    struct lua_ctx *ctx = lua_ctx_of(L);
    struct iface *ifc = probe_iface(ctx->probe, ctx->ifid);
    if (!ifc)
        luaL_error(L, "no interface selected (call interface.select() first)");
    return ifc;
}

/* An interface-bound call: the binding runs on the thread that owns the interface, in a
 * protected call there, so an error never unwinds across threads; it is re-raised here. */
struct owner_call {
    lua_State *L;
    lua_CFunction fn;
    bool writes; /* a write-class binding: counted on the interface */
    int status;
};

static void run_on_owner(struct iface *ifc, void *arg)
{
    struct owner_call *oc = arg;
    lua_State *L = oc->L;
    /* Counted before the call: what it changes is newer than any snapshot built so far
     * (host_snapshot.h), also when it fails half-way. */
    if (oc->writes)
        __atomic_add_fetch(&ifc->api_writes, 1, __ATOMIC_RELAXED);
    int nargs = lua_gettop(L);
    lua_pushcfunction(L, oc->fn);
    lua_insert(L, 1);
    oc->status = lua_pcall(L, nargs, LUA_MULTRET, 0);
}

/* The binding ran through lua_pcall from C, where Lua cannot name it: argument errors read
 * "bad argument #1 to '?'". Name it as the script called it. */
static void name_the_function(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    const char *q = msg ? strstr(msg, " to '?'") : NULL;
    if (!q)
        return;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, msg, (size_t)(q - msg));
    luaL_addstring(&b, " to '");
    luaL_addstring(&b, lua_tostring(L, lua_upvalueindex(2)));
    luaL_addstring(&b, "'");
    luaL_addstring(&b, q + strlen(" to '?'"));
    luaL_pushresult(&b);
    lua_replace(L, -2);
}

static bool is_write(const struct api_binding *b)
{
    return b->privilege != API_READ;
}

static int iface_trampoline(lua_State *L)
{
    const struct api_binding *b = lua_touserdata(L, lua_upvalueindex(1));
    struct iface *ifc = lua_ctx_iface(L);
    struct owner_call oc = {.L = L, .fn = b->fn, .writes = is_write(b)};
    iface_call(ifc, run_on_owner, &oc);
    if (oc.status != LUA_OK) {
        name_the_function(L);
        return lua_error(L);
    }
    return lua_gettop(L);
}

/* A remote host.* call: the host named by the call's Context is looked up on the owner
 * thread and is the current host for the binding only. */
struct keyed_host_call {
    struct owner_call oc;
    const char *key;
    bool found;
};

static void run_with_keyed_host(struct iface *ifc, void *arg)
{
    struct keyed_host_call *kc = arg;
    struct lua_ctx *ctx = lua_ctx_of(kc->oc.L);
    struct ipaddr ip;
    uint16_t vlan;
    struct host *h =
        api_parse_host_key(kc->key, -1, &ip, &vlan) == 0 ? iface_find_host(ifc, &ip, vlan) : NULL;
    kc->found = h != NULL;
    if (!h)
        return;
    ctx->host = h;
    run_on_owner(ifc, &kc->oc);
    ctx->host = NULL;
}

static int keyed_host_trampoline(lua_State *L, const struct api_binding *b)
{
    struct lua_ctx *ctx = lua_ctx_of(L);
    struct iface *ifc = lua_ctx_iface(L);
    struct keyed_host_call kc = {
        .oc = {.L = L, .fn = b->fn, .writes = is_write(b)},
          .key = ctx->host_key
    };
    iface_call(ifc, run_with_keyed_host, &kc);
    if (!kc.found)
        return luaL_error(L, "%s: no current host (%s is not a host of interface %d)", b->name,
                          kc.key, ifc->id);
    if (kc.oc.status != LUA_OK) {
        name_the_function(L);
        return lua_error(L);
    }
    return lua_gettop(L);
}

/* A binding of a table with handles_owner: the interface must be selected, the binding
 * runs here and reaches the owner thread itself. */
static int selected_iface_trampoline(lua_State *L)
{
    const struct api_binding *b = lua_touserdata(L, lua_upvalueindex(1));
    (void)lua_ctx_iface(L);
    return b->fn(L);
}

static int context_trampoline(lua_State *L)
{
    const struct api_binding *b = lua_touserdata(L, lua_upvalueindex(1));
    struct lua_ctx *ctx = lua_ctx_of(L);
    if (b->context == API_CTX_HOST && !ctx->host && ctx->host_key)
        return keyed_host_trampoline(L, b);
    bool ok = (b->context == API_CTX_FLOW && ctx->flow) ||
              (b->context == API_CTX_HOST && ctx->host) ||
              (b->context == API_CTX_NETWORK && ctx->network_id >= 0);
    if (!ok)
        return luaL_error(L, "%s: no current %s (only available in a %s check script)", b->name,
                          api_context_name(b->context), api_context_name(b->context));
    /* A network's counters belong to the interface's thread (remote callers too). */
    if (b->context == API_CTX_NETWORK)
        return iface_trampoline(L);
    /* A check's current flow or host: already on the owner thread. */
    struct iface *ifc = is_write(b) ? probe_iface(ctx->probe, ctx->ifid) : NULL;
    if (ifc)
        __atomic_add_fetch(&ifc->api_writes, 1, __ATOMIC_RELAXED);
    return b->fn(L);
}

void api_open_all(lua_State *L)
{
    static const char *const namespaces[] = {"ntop", "interface", "flow", "host", "network"};
    for (size_t n = 0; n < sizeof(namespaces) / sizeof(namespaces[0]); n++) {
        lua_newtable(L);
        for (const struct api_table *const *t = api_all_tables; *t; t++) {
            if (strcmp((*t)->ns, namespaces[n]) != 0)
                continue;
            for (size_t i = 0; i < (*t)->count; i++) {
                const struct api_binding *b = &(*t)->bindings[i];
                if (b->context == API_CTX_NONE) {
                    lua_pushcfunction(L, b->fn);
                } else {
                    lua_pushlightuserdata(L, (void *)b);
                    lua_pushfstring(L, "%s.%s", namespaces[n], b->name);
                    lua_CFunction tramp = context_trampoline;
                    if (b->context == API_CTX_IFACE)
                        tramp = (*t)->handles_owner ? selected_iface_trampoline : iface_trampoline;
                    lua_pushcclosure(L, tramp, 2);
                }
                lua_setfield(L, -2, b->name);
            }
        }
        /* Also in package.loaded, so error messages name functions "ntop.md5". */
        luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
        lua_pushvalue(L, -2);
        lua_setfield(L, -2, namespaces[n]);
        lua_pop(L, 1);
        lua_setglobal(L, namespaces[n]);
    }
}
