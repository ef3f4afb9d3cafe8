/* One remote call from Lua: Lua values -> ntop.v1.Call through the ntopwire codec (no C value
 * tree in between), the raw call, ntop.v1.Reply -> Lua values. Everything allocated outside
 * Lua is freed on every path, Lua memory errors included: encoding and decoding run in
 * protected calls. */
#include "client_internal.h"
#include "lua_ntopclient.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lcall_path(const char *fname, char *path, size_t len)
{
    const char *dot = strchr(fname, '.');
    char ns[64];
    if (!dot || (size_t)(dot - fname) >= sizeof(ns))
        return -1;
    memcpy(ns, fname, (size_t)(dot - fname));
    ns[dot - fname] = '\0';
    return ntop_method_path(path, len, ns, dot + 1) == 0 ? 0 : -1;
}

/* ---- encoding ---- */

struct encode_state {
    const struct ntop_context *ctx;
    const struct wire_limits *lim;
    const char *fname;
    struct wire_arena arena;
    uint8_t *req;
    size_t req_len;
    char err[256];
};

/* Protected: (state, args...) -> nothing; fills state->req, or state->err. */
static int encode_k(lua_State *L)
{
    struct encode_state *st = lua_touserdata(L, 1);
    int n = lua_gettop(L) - 1;
    Ntop__V1__Call call = NTOP__V1__CALL__INIT;
    Ntop__V1__Context wctx;
    ntop_context_to_wire(&wctx, st->ctx);
    call.context = &wctx;
    call.accept_records = 1; /* wire_push_value decodes Table.records */
    if (n > 0 && !(call.args = wire_arena_alloc(&st->arena, (size_t)n * sizeof(*call.args))))
        return luaL_error(L, "not enough memory");
    const int top = lua_gettop(L);
    uint32_t elements = 0;
    char why[200];
    for (int i = 0; i < n; i++, call.n_args++) {
        call.args[i] = wire_from_lua(L, 2 + i, &st->arena, st->lim, &elements, why, sizeof(why));
        lua_settop(L, top); /* wire_from_lua may leave values behind */
        if (!call.args[i]) {
            snprintf(st->err, sizeof(st->err), "bad argument #%d to '%s' (%s)", i + 1, st->fname,
                     why);
            return 0;
        }
    }
    size_t len = ntop__v1__call__get_packed_size(&call);
    if (len > 0 && !(st->req = malloc(len)))
        return luaL_error(L, "not enough memory");
    st->req_len = ntop__v1__call__pack(&call, st->req);
    return 0;
}

int lcall_encode(lua_State *L, int first, int n, const struct ntop_context *ctx,
                 const struct wire_limits *lim, const char *fname, uint8_t **req, size_t *req_len)
{
    struct encode_state st = {.ctx = ctx, .lim = lim, .fname = fname};
    *req = NULL;
    *req_len = 0;
    luaL_checkstack(L, n + 3, "too many arguments");
    lua_pushcfunction(L, encode_k);
    lua_pushlightuserdata(L, &st);
    for (int i = 0; i < n; i++)
        lua_pushvalue(L, first + i);
    int rc = lua_pcall(L, n + 1, 0, 0);
    wire_arena_free(&st.arena);
    if (rc == LUA_OK && st.err[0]) {
        lua_pushstring(L, st.err);
        rc = LUA_ERRRUN;
    }
    if (rc != LUA_OK) {
        free(st.req);
        return -1;
    }
    *req = st.req;
    *req_len = st.req_len;
    return 0;
}

/* ---- decoding ---- */

struct decode_state {
    const Ntop__V1__Reply *reply;
    struct wire_limits lim;
    const char *fname;
};

/* Protected: (state) -> the results. */
static int decode_k(lua_State *L)
{
    struct decode_state *st = lua_touserdata(L, 1);
    lua_pop(L, 1);
    uint32_t elements = 0;
    char why[200];
    for (size_t i = 0; i < st->reply->n_results; i++) {
        if (wire_push_value(L, st->reply->results[i], &st->lim, &elements, why, sizeof(why)) != 0)
            return luaL_error(L, "%s: result #%d: %s", st->fname, (int)i + 1, why);
    }
    return (int)st->reply->n_results;
}

struct fast_state {
    const uint8_t *buf;
    size_t len;
    const struct wire_limits *lim;
    Ntop__V1__Context *ctx;
    int n;
};

/* Protected: (state) -> the results, or nothing with state->n = -1 (the slow path's turn). */
static int fast_k(lua_State *L)
{
    struct fast_state *fs = lua_touserdata(L, 1);
    lua_pop(L, 1);
    fs->n = ldecode_fast(L, fs->buf, fs->len, fs->lim, &fs->ctx);
    return fs->n < 0 ? 0 : fs->n;
}

/* The reply read in place (lua_decode.c). The number of results pushed; -1 with the error
 * pushed; -2 with the stack unchanged: decode it the slow way. */
static int decode_fast(lua_State *L, struct lprobe *p, const uint8_t *reply, size_t reply_len,
                       const struct wire_limits *lim)
{
    const int top = lua_gettop(L);
    struct fast_state fs = {.buf = reply, .len = reply_len, .lim = lim};
    lua_pushcfunction(L, fast_k);
    lua_pushlightuserdata(L, &fs);
    if (lua_pcall(L, 1, LUA_MULTRET, 0) != LUA_OK)
        return -1; /* a Lua error (out of memory), as the slow path would have had */
    if (fs.n < 0)
        return -2;
    if (fs.ctx) {
        struct ntop_context ctx;
        int rc = ntop_context_from_wire(&ctx, fs.ctx);
        ntop__v1__context__free_unpacked(fs.ctx, NULL);
        if (rc != 0) {
            lua_settop(L, top);
            lua_pushliteral(L, "not enough memory");
            return -1;
        }
        ntop_context_clear(&p->ctx);
        p->ctx = ctx;
    }
    return lua_gettop(L) - top;
}

int lcall_decode(lua_State *L, struct lprobe *p, const uint8_t *reply, size_t reply_len,
                 const char *fname)
{
    struct decode_state st = {.lim = ntop_client_limits(p->client), .fname = fname};
    char why[200];
    if (ntop_wire_check(reply, reply_len, &st.lim, why, sizeof(why)) != 0) {
        lua_pushfstring(L, "%s: reply refused: %s", fname, why);
        return -1;
    }
    int fast = decode_fast(L, p, reply, reply_len, &st.lim);
    if (fast != -2)
        return fast;
    /* the slow path: protobuf-c, then wire_push_value (every error is reported from here) */
    Ntop__V1__Reply *r = ntop__v1__reply__unpack(NULL, reply_len, reply);
    if (!r) {
        lua_pushfstring(L, "%s: malformed reply (not an ntop.v1.Reply)", fname);
        return -1;
    }
    st.reply = r;
    const int top = lua_gettop(L);
    if (r->n_results > 1000000 || !lua_checkstack(L, (int)r->n_results + 4)) {
        size_t n = r->n_results;
        ntop__v1__reply__free_unpacked(r, NULL); /* before pushing: that may raise */
        lua_pushfstring(L, "%s: too many results (%I)", fname, (lua_Integer)n);
        return -1;
    }
    lua_pushcfunction(L, decode_k);
    lua_pushlightuserdata(L, &st);
    int rc = lua_pcall(L, 1, LUA_MULTRET, 0);
    if (rc == LUA_OK && r->context) {
        struct ntop_context ctx;
        if (ntop_context_from_wire(&ctx, r->context) == 0) {
            ntop_context_clear(&p->ctx);
            p->ctx = ctx;
        } else {
            lua_settop(L, top); /* the results */
            rc = LUA_ERRMEM;
        }
    }
    ntop__v1__reply__free_unpacked(r, NULL);
    if (rc != LUA_OK && lua_gettop(L) == top)
        lua_pushliteral(L, "not enough memory");
    return rc == LUA_OK ? lua_gettop(L) - top : -1;
}

/* ---- errors and the call ---- */

void lcall_push_error(lua_State *L, const char *fname, int status, const char *message)
{
    const char *m = message && *message ? message : NULL;
    switch (status) {
    case NTOP_STATUS_UNKNOWN:
    case NTOP_STATUS_INVALID_ARGUMENT:
    case NTOP_STATUS_NOT_FOUND:
    case NTOP_STATUS_PERMISSION_DENIED:
    case NTOP_STATUS_FAILED_PRECONDITION:
    case NTOP_STATUS_UNIMPLEMENTED:
    case NTOP_STATUS_UNAUTHENTICATED:
        if (m) { /* the Lua error as the probe raised it */
            lua_pushstring(L, m);
            return;
        }
        break;
    default:
        break;
    }
    if (m)
        lua_pushfstring(L, "%s: %s", fname, m);
    else
        lua_pushfstring(L, "%s: %s", fname, ntop_status_name(status));
}

int lcall_run(lua_State *L, struct lprobe *p, const char *fname, const char *path, int first, int n)
{
    if (!p->client)
        return luaL_error(L, "%s: the probe is closed", fname);
    const struct wire_limits lim = ntop_client_limits(p->client);
    uint8_t *req, *reply;
    size_t req_len, reply_len;
    if (lcall_encode(L, first, n, &p->ctx, &lim, fname, &req, &req_len) != 0) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    char *message = NULL;
    int status = ntop_client_call_raw(p->client, path, req, req_len, &reply, &reply_len, &message);
    free(req);
    if (status != NTOP_STATUS_OK) {
        /* Copied to the C stack first: pushing may raise, and message must not leak. */
        char buf[4096];
        snprintf(buf, sizeof(buf), "%s", message ? message : "");
        free(message);
        luaL_where(L, 1); /* "script.lua:12: ", as a local binding's error would have */
        lcall_push_error(L, fname, status, buf);
        lua_concat(L, 2);
        return lua_error(L);
    }
    int nres = lcall_decode(L, p, reply, reply_len, fname);
    free(reply);
    if (nres >= 0)
        return nres;
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
    return lua_error(L);
}
