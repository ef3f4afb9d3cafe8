/* The gRPC front of the probe: every registered Lua function is the unary rpc
 * /ntop.v1.<Namespace>/<name> (request ntop.v1.Call, reply ntop.v1.Reply).
 *
 * Threads: RPC_POLLERS threads ("rpc-poll-N") take turns at the completion queue; the one
 * that receives a call runs it with a Lua worker (its own lua_State, rpc_dispatch.h) taken
 * from a pool of RPC_WORKERS, so at most RPC_WORKERS calls run at once and one thread is
 * left to poll. Interface-bound bindings hand themselves to the interface's capture thread,
 * so the interfaces must run for as long as the server does. */
#ifndef NTOP_RPC_SERVER_H
#define NTOP_RPC_SERVER_H

#include <stddef.h>

struct probe;
struct rpc_server;

/* Limits. Requests: RPC_MAX_REQUEST bytes (gRPC answers RESOURCE_EXHAUSTED above it).
 * Calls waiting for a worker (all RPC_WORKERS run one, e.g. long scripts): RPC_QUEUE_MAX,
 * holding at most RPC_QUEUE_MAX_BYTES of requests; beyond either, a call is refused at once
 * with RESOURCE_EXHAUSTED ("busy"). */
#define RPC_MAX_LISTEN      8                 /* --rpc-listen addresses */
#define RPC_WORKERS         4                 /* Lua workers: calls running at once */
#define RPC_POLLERS         (RPC_WORKERS + 1) /* one left to poll when every worker runs */
#define RPC_MAX_REQUEST     (4 * 1024 * 1024)
#define RPC_QUEUE_MAX       256
#define RPC_QUEUE_MAX_BYTES (256u * 1024 * 1024)
#define RPC_MAX_STREAMS     64 /* concurrent calls per client connection */
#define RPC_PENDING_ACCEPT  16 /* calls requested from gRPC ahead of their arrival */

/* The checks rpc_server_start makes before anything else, for main() to run before the
 * interfaces start: --rpc-no-auth only with loopback/unix listeners, TLS files readable and
 * matching. 0, or -1 with a clear message in err. Main thread. */
int rpc_server_check(const struct probe *p, const char *const *addrs, int naddrs, char *err,
                     size_t errlen);

/* Listens on every address ("127.0.0.1:5741", "[::1]:5741", "unix:/path"; port 0 picks a
 * free port) and starts serving. Logs "rpc: listening on ADDR" per address. Returns the
 * server, or NULL with a clear message in err (bad address, address in use) after undoing
 * everything. Main thread, after the interfaces have started; stop it with
 * rpc_server_stop() before they stop. */
struct rpc_server *rpc_server_start(struct probe *p, const char *const *addrs, int naddrs,
                                    char *err, size_t errlen);

/* Refuses new calls, cancels those in flight, waits for the pollers (a binding that is
 * running finishes first), drains the completion queue, frees everything and shuts gRPC
 * down. NULL is a no-op. Main thread. */
void rpc_server_stop(struct rpc_server *s);

#endif
