/* The RPC bridge's Lua side: one method path and one serialized ntop.v1.Call in, one gRPC
 * status and one serialized ntop.v1.Reply out.
 *
 * A worker owns one lua_State (made once by engine_new_state, reused for every call) and
 * one struct lua_ctx that is rebuilt from each Call.context. The binding is the one the
 * state's namespace table holds, so interface-bound functions go through the registry's
 * trampoline to the capture thread that owns the interface, exactly as from a script.
 *
 * Nothing here knows gRPC: rpc_server.c moves bytes, this file gives them meaning. */
#ifndef NTOP_RPC_DISPATCH_H
#define NTOP_RPC_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

struct probe;
struct rpc_worker;

/* gRPC status codes used here (grpc/status.h has them all; the values are the wire's). */
enum rpc_status {
    RPC_STATUS_OK = 0,
    RPC_STATUS_CANCELLED = 1,
    RPC_STATUS_UNKNOWN = 2,
    RPC_STATUS_INVALID_ARGUMENT = 3,
    RPC_STATUS_DEADLINE_EXCEEDED = 4,
    RPC_STATUS_PERMISSION_DENIED = 7,
    RPC_STATUS_RESOURCE_EXHAUSTED = 8,
    RPC_STATUS_FAILED_PRECONDITION = 9,
    RPC_STATUS_UNIMPLEMENTED = 12,
    RPC_STATUS_INTERNAL = 13,
    RPC_STATUS_UNAVAILABLE = 14,
    RPC_STATUS_UNAUTHENTICATED = 16,
};

/* Why a call failed, before the text is known; rpc_status_for() turns it into a status. */
enum rpc_error {
    RPC_ERR_NONE = 0,
    RPC_ERR_METHOD,    /* no such path, namespace or function */
    RPC_ERR_MALFORMED, /* the body is not a valid ntop.v1.Call */
    RPC_ERR_ARGS,      /* the Call decodes but its values cannot become Lua values */
    RPC_ERR_DEPTH,     /* tables nested deeper than the limit */
    RPC_ERR_SIZE,      /* too many values, a reply over the size limit, out of memory */
    RPC_ERR_LUA,       /* the binding raised: classified by its message */
    RPC_ERR_REPLY,     /* the binding returned something that cannot travel */
    RPC_ERR_DENIED,    /* the caller may not call this function or use this interface */
};

/* The one mapping from an error (and, for Lua errors, its text) to a gRPC status. */
enum rpc_status rpc_status_for(enum rpc_error err, const char *msg);

/* Request limits beyond gRPC's own message size limit. */
#define RPC_MAX_ARGS       255
#define RPC_MAX_REPLY      (64u * 1024 * 1024) /* bytes of one packed Reply */
#define RPC_MAX_STATUS_MSG 1024                /* status text: trailers stay small */

/* The outcome of one call. message and body are malloc'd and owned by the result until
 * rpc_result_free(). body is the packed Reply when status is OK, else NULL. */
struct rpc_result {
    enum rpc_status status;
    char *message;
    uint8_t *body;
    size_t body_len;
};

void rpc_result_free(struct rpc_result *r);

/* Creates a worker bound to `p` (borrowed; outlives the worker): its Lua state and context.
 * NULL on failure. The worker may move between threads but is used by one at a time. */
struct rpc_worker *rpc_worker_new(struct probe *p);
void rpc_worker_free(struct rpc_worker *w);

/* Runs one call: `method` is the gRPC path ("/ntop.v1.Interface/getStats", NUL-terminated),
 * `req`/`len` the request body (borrowed for the call), `user` the authenticated caller
 * (borrowed for the call; NULL with --rpc-no-auth: unrestricted). The binding's privilege
 * and the context's interface are checked against the user before the binding runs
 * (PERMISSION_DENIED), and the binding sees the user through lua_ctx.user to filter what
 * it returns. Always fills `out`, never raises; the worker's stack and context are reset
 * before it returns. The thread that uses `w`. */
struct user_identity;
void rpc_dispatch(struct rpc_worker *w, const char *method, const uint8_t *req, size_t len,
                  const struct user_identity *user, struct rpc_result *out);

#endif
