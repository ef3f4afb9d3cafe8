/* Who may call what over RPC: the API token of a call, the failed-authentication limit per
 * peer, the privilege check of a binding, and the listener check of --rpc-no-auth.
 *
 * Tokens travel in the call's metadata, as ntopng's REST API takes them in HTTP headers:
 *     authorization: Token <token>
 * or  x-ntop-token: <token>
 * Nothing here knows gRPC: rpc_server.c hands over the metadata values and the peer. */
#ifndef NTOP_RPC_AUTH_H
#define NTOP_RPC_AUTH_H

#include "rpc_dispatch.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct user_identity;
struct api_binding;

#define RPC_TOKEN_MAX 128 /* longer tokens are refused without a Redis lookup */

/* The token of one metadata entry: key (lower case, as gRPC delivers it) and value, both
 * with explicit lengths. Copies it into out (RPC_TOKEN_MAX + 1 bytes) and returns 1 when
 * the entry carries a token, 0 when it is another entry, -1 when it is a token entry that
 * is malformed ("authorization: Basic ...", too long, control characters). */
int rpc_auth_token_from_entry(const char *key, size_t key_len, const char *value, size_t value_len,
                              char *out);

/* ---- failed authentications per peer ---- */

/* After RPC_AUTH_MAX_FAILURES unknown tokens within RPC_AUTH_WINDOW_S seconds, a peer (its
 * address without the port; every unix-socket client is one peer) is refused for
 * RPC_AUTH_BLOCK_S seconds, right token or not (env NTOP_RPC_AUTH_BLOCK_SECONDS overrides
 * the block time, for tests). The table holds RPC_AUTH_PEERS peers; when full, the entry
 * seen least recently is reused. */
#define RPC_AUTH_MAX_FAILURES 5
#define RPC_AUTH_WINDOW_S     60
#define RPC_AUTH_BLOCK_S      60
#define RPC_AUTH_PEERS        1024

struct rpc_limiter;

/* NULL when out of memory. Free with rpc_limiter_free (NULL is fine). */
struct rpc_limiter *rpc_limiter_new(void);
void rpc_limiter_free(struct rpc_limiter *l);

/* "ipv4:10.0.0.1:5555" -> "ipv4:10.0.0.1"; "ipv6:[::1]:5555" -> "ipv6:[::1]"; unix peers ->
 * "unix". out has outlen bytes. */
void rpc_peer_key(const char *peer, char *out, size_t outlen);

/* Seconds the peer must still wait (0 = may try). Any thread. */
int rpc_limiter_blocked(struct rpc_limiter *l, const char *peer_key, uint64_t now_ms);

/* Counts a failed authentication; logs once when the peer becomes blocked. Any thread. */
void rpc_limiter_failure(struct rpc_limiter *l, const char *peer_key, uint64_t now_ms);

/* A successful authentication clears the peer's failures. Any thread. */
void rpc_limiter_success(struct rpc_limiter *l, const char *peer_key);

/* ---- authorization ---- */

/* May `user` (NULL: --rpc-no-auth, unrestricted) call binding b of namespace ns remotely?
 * RPC_STATUS_OK, or PERMISSION_DENIED with the reason in msg: unprivileged users call
 * API_READ functions only; API_EXEC is refused to every remote caller unless allow_exec
 * (--rpc-allow-exec), and then needs an administrator like API_ADMIN. */
enum rpc_status rpc_authorize(const struct api_binding *b, const char *ns,
                              const struct user_identity *user, bool allow_exec, char *msg,
                              size_t msglen);

/* ---- listeners ---- */

/* True when addr ("127.0.0.1:5741", "[::1]:0", "localhost:1", "unix:/p", "ipv4:...") can
 * only be reached from this host: a unix socket, or a host part that is a literal address
 * in 127.0.0.0/8 or ::1 (names are not trusted, except "localhost"). */
bool rpc_listen_is_local(const char *addr);

#endif
