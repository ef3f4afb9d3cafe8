/* The "ntopclient" Lua module: internals shared by its files and ntoplua-shell. */
#ifndef NTOP_LUA_NTOPCLIENT_H
#define NTOP_LUA_NTOPCLIENT_H

#include "ntopclient.h"
#include "ntop/v1/value.pb-c.h"
#include "wire_lua.h"

#include <lua.h>
#include <stdint.h>

#define NTOPCLIENT_PROBE_MT "ntopclient.probe"

struct wire_limits;

/* The namespaces a probe object offers, in order. */
extern const char *const ntopclient_namespaces[];

/* One function of the probe's registry (generated at build time from ntop-probe --list-api). */
struct ntopclient_api_fn {
    const char *ns, *name, *category, *privilege, *context;
};

/* NULL-terminated (ntopclient_api.c, generated). */
extern const struct ntopclient_api_fn ntopclient_api[];

/* A probe object: the userdata behind ntopclient.connect(). Its user value holds the
 * namespace tables. Owned by Lua; the client is freed by __gc / __close / probe:close(). */
struct lprobe {
    struct ntop_client *client; /* NULL once closed */
    struct ntop_context ctx;    /* sent with every call, replaced by each reply's context */
};

/* The probe at idx, raising a Lua error when it is not one (or closed, when open is set). */
struct lprobe *lprobe_check(lua_State *L, int idx, int open);

/* Encodes the Lua values at first..first+n-1 and ctx (borrowed) as a serialized ntop.v1.Call in
 * *req (malloc'd, owned by the caller). 0, or -1 with a "bad argument" message pushed. May raise
 * memory errors only. */
int lcall_encode(lua_State *L, int first, int n, const struct ntop_context *ctx,
                 const struct wire_limits *lim, const char *fname, uint8_t **req, size_t *req_len);

/* Decodes the serialized ntop.v1.Reply in reply (borrowed), pushes its results and adopts its
 * context into p. Returns the number of results, or -1 with an error message pushed. Frees what
 * it unpacked, even when a memory error is raised. */
int lcall_decode(lua_State *L, struct lprobe *p, const uint8_t *reply, size_t reply_len,
                 const char *fname);

/* Pushes the error message of a failed call (status, message borrowed) to fname. */
/* The fast path of lcall_decode (lua_decode.c): pushes the results of the pre-checked Reply
 * buf read in place and returns how many, with its Context unpacked in *ctx (NULL: none;
 * owned by the caller: ntop__v1__context__free_unpacked); or -1 with the stack unchanged when
 * the reply needs the slow path. May raise Lua memory errors before *ctx is set (it holds no
 * C memory until then): call it protected. */
int ldecode_fast(lua_State *L, const uint8_t *buf, size_t len, const struct wire_limits *lim,
                 Ntop__V1__Context **ctx);

void lcall_push_error(lua_State *L, const char *fname, int status, const char *message);

/* Calls fname (its method path given) on p with the n Lua values at first.. as arguments and
 * returns the results as a lua_CFunction does; raises the remote error, prefixed with the
 * caller's position as luaL_error does ("script.lua:12: bad argument #1 to ..."). */
int lcall_run(lua_State *L, struct lprobe *p, const char *fname, const char *path, int first,
              int n);

/* ntopclient.connect_all and ntopclient.call_all (lua_callall.c). */
int ntopclient_connect_all(lua_State *L);
int ntopclient_call_all(lua_State *L);

/* Creates the probe object for target with the options table at opts_idx (0: none); pushes it,
 * or nil and a message. Shared by connect and connect_all. */
int lprobe_new(lua_State *L, const char *target, int opts_idx, int wait);

/* Splits "interface.getStats" into a method path; 0 or -1 (not "ns.name"). */
int lcall_path(const char *fname, char *path, size_t len);

/* The loader: require "ntopclient". */
int luaopen_ntopclient(lua_State *L);

#endif
