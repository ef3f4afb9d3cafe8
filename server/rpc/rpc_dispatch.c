/* One RPC call on a worker's Lua state: path -> binding, Call -> Lua values, binding in
 * lua_pcall, results -> Reply. See rpc_dispatch.h. */
#include "rpc_dispatch.h"

#include "wire_check.h"

#include "../core/iface.h"
#include "../core/log.h"
#include "../core/probe.h"
#include "../core/users.h"
#include "../lua/context.h"
#include "../lua/engine.h"
#include "../lua/registry.h"
#include "rpc_auth.h"
#include "wire_columns.h"
#include "wire_lua.h"
#include "wire_packed.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rpc_worker {
    struct probe *probe;
    struct lua_ctx ctx; /* the state's context: rebuilt from every Call */
    lua_State *L;
};

/* registry[&ns_key] = {ntop = <ntop table>, interface = ...}: the namespaces as the engine
 * installed them, kept out of reach of anything that could change the globals. */
static const char ns_key = 0;

/* Service of the method path -> Lua namespace (the namespace with its first letter upper). */
static const struct {
    const char *service, *ns;
} services[] = {
    {"Ntop",      "ntop"     },
    {"Interface", "interface"},
    {"Flow",      "flow"     },
    {"Host",      "host"     },
    {"Network",   "network"  },
};

#define METHOD_PREFIX "/ntop.v1."

/* The context's interface while the caller may not use the one it sent: no interface (any
 * negative id is none), told apart from -1 that interface.select() may set. */
#define IFID_HIDDEN (-1000)

enum rpc_status rpc_status_for(enum rpc_error err, const char *msg)
{
    switch (err) {
    case RPC_ERR_NONE:
        return RPC_STATUS_OK;
    case RPC_ERR_METHOD:
        return RPC_STATUS_UNIMPLEMENTED;
    case RPC_ERR_MALFORMED:
    case RPC_ERR_ARGS:
    case RPC_ERR_DEPTH:
        return RPC_STATUS_INVALID_ARGUMENT;
    case RPC_ERR_SIZE:
        return RPC_STATUS_RESOURCE_EXHAUSTED;
    case RPC_ERR_REPLY:
        return RPC_STATUS_INTERNAL;
    case RPC_ERR_DENIED:
        return RPC_STATUS_PERMISSION_DENIED;
    case RPC_ERR_LUA:
        break;
    }
    /* A binding's error: luaL_argerror / luaL_check* say "bad argument #n to 'f' (...)";
     * lua_ctx_iface and the context trampoline name the missing context. */
    if (!msg)
        return RPC_STATUS_UNKNOWN;
    if (strncmp(msg, "bad argument", 12) == 0)
        return RPC_STATUS_INVALID_ARGUMENT;
    /* bindings that refuse the caller: "ns.fn: permission denied: ..." */
    if (strstr(msg, ": permission denied: "))
        return RPC_STATUS_PERMISSION_DENIED;
    if (strstr(msg, "no interface selected") || strncmp(msg, "no current ", 11) == 0 ||
        strstr(msg, ": no current "))
        return RPC_STATUS_FAILED_PRECONDITION;
    return RPC_STATUS_UNKNOWN;
}

void rpc_result_free(struct rpc_result *r)
{
    free(r->message);
    free(r->body);
    r->message = NULL;
    r->body = NULL;
    r->body_len = 0;
}

static int snapshot_namespaces(lua_State *L)
{
    lua_createtable(L, 0, (int)(sizeof(services) / sizeof(services[0])));
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        lua_getglobal(L, services[i].ns);
        lua_setfield(L, -2, services[i].ns);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &ns_key);
    return 0;
}

struct rpc_worker *rpc_worker_new(struct probe *p)
{
    struct rpc_worker *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->probe = p;
    w->ctx = (struct lua_ctx){.probe = p, .ifid = 0, .network_id = -1, .remote = true};
    w->L = engine_new_state(&w->ctx);
    if (!w->L) {
        free(w);
        return NULL;
    }
    lua_pushcfunction(w->L, snapshot_namespaces);
    if (lua_pcall(w->L, 0, 0, 0) != LUA_OK) {
        lua_close(w->L);
        free(w);
        return NULL;
    }
    return w;
}

void rpc_worker_free(struct rpc_worker *w)
{
    if (!w)
        return;
    lua_close(w->L);
    free(w);
}

/* "/ntop.v1.<Service>/<name>" -> namespace and name (a registered binding), or -1. */
static int parse_method(const char *method, const char **ns, char *name, size_t namelen,
                        const struct api_binding **binding)
{
    size_t plen = strlen(METHOD_PREFIX);
    if (strncmp(method, METHOD_PREFIX, plen) != 0)
        return -1;
    const char *service = method + plen;
    const char *slash = strchr(service, '/');
    if (!slash)
        return -1;
    const char *fn = slash + 1;
    size_t flen = strlen(fn);
    if (flen == 0 || flen >= namelen || strchr(fn, '/'))
        return -1;
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        if (strlen(services[i].service) == (size_t)(slash - service) &&
            strncmp(services[i].service, service, (size_t)(slash - service)) == 0) {
            memcpy(name, fn, flen + 1);
            *ns = services[i].ns;
            *binding = api_find(*ns, name, NULL);
            return *binding ? 0 : -1;
        }
    }
    return -1;
}

/* One call's state, shared between rpc_dispatch and the protected part (run_call). */
struct run {
    const Ntop__V1__Call *call;
    const char *ns, *name;
    const struct lua_ctx *ctx;
    enum rpc_error err;
    char msg[RPC_MAX_STATUS_MSG];
    struct wire_arena arena;
    uint8_t *body; /* packed Reply, malloc'd */
    size_t body_len;
    int hidden_ifid; /* the Call's interface when hidden from the binding */
};

static enum rpc_error wire_error_kind(const struct wire_limits *lim, uint32_t elements,
                                      const char *msg, enum rpc_error otherwise)
{
    if (elements > lim->max_elements || strstr(msg, "out of memory"))
        return RPC_ERR_SIZE;
    if (strstr(msg, "nested deeper"))
        return RPC_ERR_DEPTH;
    return otherwise;
}

/* Packs the Reply by hand when some results came pre-encoded (wire_packed.h): field 1 once
 * per result, then the context, as protobuf-c would order them. */
static void pack_reply_spliced(lua_State *L, struct run *r, Ntop__V1__Value **results, int n,
                               const Ntop__V1__Context *ctx)
{
    struct wire_buf out = {0};
    size_t total = 0;
    for (int i = 1; i <= n; i++) {
        size_t len = 0;
        if (!wire_to_packed(L, i, &len))
            len = ntop__v1__value__get_packed_size(results[i - 1]);
        total += 1 + wire_varint_size(len) + len;
    }
    size_t ctx_len = ntop__v1__context__get_packed_size(ctx);
    total += 1 + wire_varint_size(ctx_len) + ctx_len;
    if (total > RPC_MAX_REPLY) {
        r->err = RPC_ERR_SIZE;
        snprintf(r->msg, sizeof(r->msg), "%s.%s: reply of %zu bytes is over the %u-byte limit",
                 r->ns, r->name, total, RPC_MAX_REPLY);
        return;
    }
    uint8_t *tmp = malloc(ctx_len > 0 ? ctx_len : 1);
    for (int i = 1; i <= n && tmp; i++) {
        size_t len = 0;
        const uint8_t *packed = wire_to_packed(L, i, &len);
        if (packed) {
            wire_put_message(&out, 1, packed, len);
            continue;
        }
        len = ntop__v1__value__get_packed_size(results[i - 1]);
        uint8_t *v = malloc(len ? len : 1);
        if (!v) {
            out.oom = true;
            break;
        }
        ntop__v1__value__pack(results[i - 1], v);
        wire_put_message(&out, 1, v, len);
        free(v);
    }
    if (tmp) {
        ntop__v1__context__pack(ctx, tmp);
        wire_put_message(&out, 2, tmp, ctx_len);
        free(tmp);
    }
    if (!tmp || out.oom) {
        wire_buf_free(&out);
        r->err = RPC_ERR_SIZE;
        snprintf(r->msg, sizeof(r->msg), "out of memory packing a reply of %zu bytes", total);
        return;
    }
    r->body = out.p;
    r->body_len = out.len;
}

/* Builds and packs the Reply from the results on the stack (1..top) and the context after
 * the call. Strings are borrowed from the stack, which holds them until packing is done. */
static void encode_reply(lua_State *L, struct run *r)
{
    struct wire_limits lim = WIRE_DEFAULT_LIMITS;
    lim.emit_records = r->call->accept_records; /* lists of records, keys once (value.proto) */
    uint32_t elements = 0;
    int n = lua_gettop(L);
    Ntop__V1__Reply reply = NTOP__V1__REPLY__INIT;
    Ntop__V1__Context ctx = NTOP__V1__CONTEXT__INIT;
    const Ntop__V1__Context *in = r->call->context;
    char err[256];

    if (n > 0) {
        reply.results = wire_arena_alloc(&r->arena, (size_t)n * sizeof(*reply.results));
        if (!reply.results) {
            r->err = RPC_ERR_SIZE;
            snprintf(r->msg, sizeof(r->msg), "out of memory encoding the reply");
            return;
        }
    }
    bool spliced = false;
    for (int i = 1; i <= n; i++) {
        size_t packed_len;
        if (wire_to_packed(L, i, &packed_len)) {
            spliced = true; /* checked by its binding against the same limits */
            continue;
        }
        Ntop__V1__Value *v = wire_from_lua(L, i, &r->arena, &lim, &elements, err, sizeof(err));
        if (!v) {
            r->err = wire_error_kind(&lim, elements, err, RPC_ERR_REPLY);
            if (r->err == RPC_ERR_DEPTH)
                r->err = RPC_ERR_REPLY;
            snprintf(r->msg, sizeof(r->msg), "%s.%s: result #%d cannot be sent: %s", r->ns, r->name,
                     i, err);
            return;
        }
        reply.results[i - 1] = v;
    }
    reply.n_results = (size_t)n;

    ctx.ifid = r->ctx->ifid;
    if (ctx.ifid == IFID_HIDDEN)
        ctx.ifid = r->hidden_ifid; /* not changed by the call: give the client its own back */
    ctx.host = in && in->host ? in->host : (char *)"";
    ctx.flow = in && in->flow ? in->flow : (char *)"";
    ctx.has_network = r->ctx->network_id >= 0;
    ctx.network = ctx.has_network ? r->ctx->network_id : 0;
    reply.context = &ctx;
    if (spliced) {
        pack_reply_spliced(L, r, reply.results, n, &ctx);
        return;
    }

    size_t size = ntop__v1__reply__get_packed_size(&reply);
    if (size > RPC_MAX_REPLY) {
        r->err = RPC_ERR_SIZE;
        snprintf(r->msg, sizeof(r->msg), "%s.%s: reply of %zu bytes is over the %u-byte limit",
                 r->ns, r->name, size, RPC_MAX_REPLY);
        return;
    }
    r->body = malloc(size ? size : 1);
    if (!r->body) {
        r->err = RPC_ERR_SIZE;
        snprintf(r->msg, sizeof(r->msg), "out of memory packing a reply of %zu bytes", size);
        return;
    }
    r->body_len = ntop__v1__reply__pack(&reply, r->body);
}

/* The protected part: everything that touches Lua. Lua errors (a binding that raises, or
 * memory) unwind to rpc_dispatch's lua_pcall; other failures set r->err and return. */
static int run_call(lua_State *L)
{
    struct run *r = lua_touserdata(L, 1);
    const Ntop__V1__Call *call = r->call;
    struct wire_limits lim = WIRE_DEFAULT_LIMITS;
    uint32_t elements = 0;
    char err[256];

    lua_settop(L, 0);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &ns_key);
    if (lua_getfield(L, 1, r->ns) != LUA_TTABLE || lua_getfield(L, 2, r->name) != LUA_TFUNCTION) {
        r->err = RPC_ERR_METHOD;
        snprintf(r->msg, sizeof(r->msg), "%s.%s is not installed in the RPC worker", r->ns,
                 r->name);
        return 0;
    }
    lua_replace(L, 1);
    lua_settop(L, 1);
    luaL_checkstack(L, (int)call->n_args + 8, "too many arguments");
    for (size_t i = 0; i < call->n_args; i++) {
        if (wire_push_value(L, call->args[i], &lim, &elements, err, sizeof(err)) != 0) {
            r->err = wire_error_kind(&lim, elements, err, RPC_ERR_ARGS);
            snprintf(r->msg, sizeof(r->msg), "%s.%s: argument #%zu: %s", r->ns, r->name, i + 1,
                     err);
            return 0;
        }
    }
    lua_call(L, (int)call->n_args, LUA_MULTRET);
    encode_reply(L, r);
    return 0;
}

/* The error object of a failed pcall as text, without running any metamethod. */
static void error_text(lua_State *L, int status, char *msg, size_t len)
{
    if (status == LUA_ERRMEM) {
        snprintf(msg, len, "not enough memory");
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        snprintf(msg, len, "%s", lua_tostring(L, -1));
    } else {
        snprintf(msg, len, "(error object is a %s value)", luaL_typename(L, -1));
    }
}

void rpc_dispatch(struct rpc_worker *w, const char *method, const uint8_t *req, size_t len,
                  const struct user_identity *user, struct rpc_result *out)
{
    struct wire_limits lim = WIRE_DEFAULT_LIMITS;
    lua_State *L = w->L;
    Ntop__V1__Call *call = NULL;
    char name[128];
    const struct api_binding *binding = NULL;
    struct run *r = calloc(1, sizeof(*r));
    /* Timed only for the debug log: a thread's CPU clock is a system call, not a vDSO read,
     * and would cost every tiny call. */
    bool timed = log_get_level() >= LOG_DEBUG;
    struct timespec t0, t1, c0, c1;
    if (timed) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    }

    memset(out, 0, sizeof(*out));
    if (!r) {
        out->status = RPC_STATUS_RESOURCE_EXHAUSTED;
        out->message = strdup("out of memory");
        return;
    }
    r->ctx = &w->ctx;
    r->name = name;
    if (parse_method(method, &r->ns, name, sizeof(name), &binding) != 0) {
        r->err = RPC_ERR_METHOD;
        snprintf(r->msg, sizeof(r->msg), "unknown method %s",
                 *method ? method : "(an invalid or overlong path)");
        goto done;
    }
    if (rpc_authorize(binding, r->ns, user, w->probe->opt.rpc_allow_exec, r->msg, sizeof(r->msg)) !=
        RPC_STATUS_OK) {
        r->err = RPC_ERR_DENIED;
        goto done;
    }
    char why[256];
    int checked = wire_check_message(req, len, &lim, why, sizeof(why));
    if (checked != WIRE_CHECK_OK) {
        r->err = checked == WIRE_CHECK_TOO_MANY   ? RPC_ERR_SIZE
                 : checked == WIRE_CHECK_TOO_DEEP ? RPC_ERR_DEPTH
                                                  : RPC_ERR_MALFORMED;
        if (checked == WIRE_CHECK_MALFORMED)
            snprintf(r->msg, sizeof(r->msg),
                     "%s.%s: malformed request: not a valid ntop.v1.Call (%s)", r->ns, name, why);
        else
            snprintf(r->msg, sizeof(r->msg), "%s.%s: %s", r->ns, name, why);
        goto done;
    }
    call = ntop__v1__call__unpack(NULL, len, req);
    if (!call) {
        r->err = RPC_ERR_MALFORMED;
        snprintf(r->msg, sizeof(r->msg), "%s.%s: malformed request: not a valid ntop.v1.Call",
                 r->ns, name);
        goto done;
    }
    if (call->n_args > RPC_MAX_ARGS) {
        r->err = RPC_ERR_ARGS;
        snprintf(r->msg, sizeof(r->msg), "%s.%s: %zu arguments (at most %d)", r->ns, name,
                 call->n_args, RPC_MAX_ARGS);
        goto done;
    }
    r->call = call;

    /* A fresh context from the Call: ifid 0 (the first interface) when absent. The current
     * host is found by its key when a host.* binding runs (on the interface's thread); the
     * current flow is not resolved remotely: flow.* calls fail with FAILED_PRECONDITION.
     * The keys travel back unchanged. */
    w->ctx = (struct lua_ctx){.probe = w->probe, .ifid = 0, .network_id = -1, .remote = true};
    if (call->context) {
        w->ctx.ifid = call->context->ifid;
        if (call->context->has_network && call->context->network >= 0)
            w->ctx.network_id = call->context->network;
        if (call->context->host && *call->context->host)
            w->ctx.host_key = call->context->host;
    }
    w->ctx.user = user;
    w->ctx.reply_records = call->accept_records;
    r->hidden_ifid = w->ctx.ifid;
    /* A user bound to one interface: a context on another one is refused to functions that
     * need it; the others run with none selected (interface.select() works from there) and
     * the client keeps its context. */
    struct iface *ifc = user ? probe_iface(w->probe, w->ctx.ifid) : NULL;
    if (ifc && !user_may_use_iface(user, ifc->name)) {
        if (binding->context != API_CTX_NONE) {
            r->err = RPC_ERR_DENIED;
            snprintf(r->msg, sizeof(r->msg),
                     "%s.%s: permission denied: user '%s' may not use interface %d (%s); "
                     "allowed: %s",
                     r->ns, name, user->name, ifc->id, ifc->name, user->allowed_ifname);
            goto done;
        }
        w->ctx.ifid = IFID_HIDDEN;
    }

    lua_settop(L, 0);
    lua_pushcfunction(L, run_call);
    lua_pushlightuserdata(L, r);
    int status = lua_pcall(L, 1, 0, 0);
    if (status != LUA_OK) {
        r->err = status == LUA_ERRMEM ? RPC_ERR_SIZE : RPC_ERR_LUA;
        error_text(L, status, r->msg, sizeof(r->msg));
    }

done:
    lua_settop(L, 0);
    wire_arena_free(&r->arena);
    if (call)
        ntop__v1__call__free_unpacked(call, NULL);
    w->ctx = (struct lua_ctx){.probe = w->probe, .ifid = 0, .network_id = -1, .remote = true};

    out->status = rpc_status_for(r->err, r->msg);
    if (out->status == RPC_STATUS_OK) {
        out->body = r->body;
        out->body_len = r->body_len;
    } else {
        free(r->body);
        out->message = strdup(r->msg);
    }
    if (timed) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
        /* the server side of a call without gRPC's transport: wall time, and this thread's CPU
         * time (which other processes on a busy machine do not inflate) */
        log_debug("rpc: %s -> %d in %.3f ms (cpu %.3f ms), %zu bytes%s%s", method, (int)out->status,
                  (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
                  (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6,
                  out->body_len, out->message ? " " : "", out->message ? out->message : "");
    }
    free(r);
}
