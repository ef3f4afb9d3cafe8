/* Tokens, the failed-authentication limiter, privileges and local listeners. See
 * rpc_auth.h. */
#include "rpc_auth.h"

#include "../core/log.h"
#include "../core/users.h"
#include "../lua/registry.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- tokens ---- */

static bool key_is(const char *key, size_t len, const char *name)
{
    return len == strlen(name) && strncasecmp(key, name, len) == 0;
}

static int copy_token(const char *v, size_t len, char *out)
{
    while (len > 0 && (*v == ' ' || *v == '\t'))
        v++, len--;
    while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
        len--;
    if (len == 0 || len > RPC_TOKEN_MAX)
        return -1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
            return -1;
    memcpy(out, v, len);
    out[len] = '\0';
    return 1;
}

int rpc_auth_token_from_entry(const char *key, size_t key_len, const char *value, size_t value_len,
                              char *out)
{
    if (key_is(key, key_len, "x-ntop-token"))
        return copy_token(value, value_len, out);
    if (!key_is(key, key_len, "authorization"))
        return 0;
    /* "Token <token>", the scheme of ntopng's REST API. */
    if (value_len < 6 || strncasecmp(value, "Token ", 6) != 0)
        return -1;
    return copy_token(value + 6, value_len - 6, out);
}

/* ---- limiter ---- */

#define PEER_KEY_MAX 80

struct peer_slot {
    char key[PEER_KEY_MAX]; /* "" = free */
    uint32_t failures;
    uint64_t window_start_ms;
    uint64_t blocked_until_ms;
    uint64_t last_seen_ms;
};

struct rpc_limiter {
    pthread_mutex_t lock;
    uint64_t block_ms;
    struct peer_slot slots[RPC_AUTH_PEERS];
};

struct rpc_limiter *rpc_limiter_new(void)
{
    struct rpc_limiter *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    pthread_mutex_init(&l->lock, NULL);
    l->block_ms = (uint64_t)RPC_AUTH_BLOCK_S * 1000;
    const char *env = getenv("NTOP_RPC_AUTH_BLOCK_SECONDS");
    if (env && *env) {
        char *end;
        long s = strtol(env, &end, 10);
        if (*end == '\0' && s >= 1 && s <= 86400)
            l->block_ms = (uint64_t)s * 1000;
    }
    return l;
}

void rpc_limiter_free(struct rpc_limiter *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->lock);
    free(l);
}

void rpc_peer_key(const char *peer, char *out, size_t outlen)
{
    if (!peer || strncmp(peer, "unix:", 5) == 0 || strncmp(peer, "unix-abstract:", 14) == 0) {
        snprintf(out, outlen, "unix");
        return;
    }
    /* gRPC's peers always end with ":port" (IPv6 addresses in brackets, maybe %-encoded) */
    const char *colon = strrchr(peer, ':');
    size_t n = colon && colon > strchr(peer, ':') ? (size_t)(colon - peer) : strlen(peer);
    snprintf(out, outlen, "%.*s", (int)n, peer);
}

/* The slot of key, or NULL (lock held). */
static struct peer_slot *find(struct rpc_limiter *l, const char *key)
{
    for (int i = 0; i < RPC_AUTH_PEERS; i++)
        if (l->slots[i].key[0] && strcmp(l->slots[i].key, key) == 0)
            return &l->slots[i];
    return NULL;
}

/* A slot for key: its own, a free one, or the one seen least recently (lock held). */
static struct peer_slot *take(struct rpc_limiter *l, const char *key, uint64_t now_ms)
{
    struct peer_slot *s = find(l, key), *oldest = NULL;
    if (s)
        return s;
    for (int i = 0; i < RPC_AUTH_PEERS; i++) {
        struct peer_slot *c = &l->slots[i];
        if (!c->key[0]) {
            oldest = c;
            break;
        }
        if (!oldest || c->last_seen_ms < oldest->last_seen_ms)
            oldest = c;
    }
    memset(oldest, 0, sizeof(*oldest));
    snprintf(oldest->key, sizeof(oldest->key), "%s", key);
    oldest->window_start_ms = now_ms;
    return oldest;
}

int rpc_limiter_blocked(struct rpc_limiter *l, const char *peer_key, uint64_t now_ms)
{
    pthread_mutex_lock(&l->lock);
    struct peer_slot *s = find(l, peer_key);
    int wait = 0;
    if (s && s->blocked_until_ms > now_ms)
        wait = (int)((s->blocked_until_ms - now_ms + 999) / 1000);
    pthread_mutex_unlock(&l->lock);
    return wait;
}

void rpc_limiter_failure(struct rpc_limiter *l, const char *peer_key, uint64_t now_ms)
{
    bool blocked_now = false;
    pthread_mutex_lock(&l->lock);
    struct peer_slot *s = take(l, peer_key, now_ms);
    s->last_seen_ms = now_ms;
    if (now_ms - s->window_start_ms > (uint64_t)RPC_AUTH_WINDOW_S * 1000) {
        s->window_start_ms = now_ms;
        s->failures = 0;
    }
    if (++s->failures >= RPC_AUTH_MAX_FAILURES && s->blocked_until_ms <= now_ms) {
        s->blocked_until_ms = now_ms + l->block_ms;
        s->failures = 0;
        s->window_start_ms = now_ms;
        blocked_now = true;
    }
    uint64_t block_s = l->block_ms / 1000;
    pthread_mutex_unlock(&l->lock);
    if (blocked_now)
        log_warning("rpc: %d failed authentications from %s within %d s: refusing its calls "
                    "for %llu s",
                    RPC_AUTH_MAX_FAILURES, peer_key, RPC_AUTH_WINDOW_S,
                    (unsigned long long)block_s);
}

void rpc_limiter_success(struct rpc_limiter *l, const char *peer_key)
{
    pthread_mutex_lock(&l->lock);
    struct peer_slot *s = find(l, peer_key);
    if (s && s->blocked_until_ms == 0)
        memset(s, 0, sizeof(*s));
    else if (s)
        s->failures = 0;
    pthread_mutex_unlock(&l->lock);
}

/* ---- authorization ---- */

enum rpc_status rpc_authorize(const struct api_binding *b, const char *ns,
                              const struct user_identity *user, bool allow_exec, char *msg,
                              size_t msglen)
{
    if (b->privilege == API_EXEC && !allow_exec) {
        snprintf(msg, msglen,
                 "%s.%s: permission denied: it runs commands or opens connections, which the "
                 "probe refuses to remote callers (start it with --rpc-allow-exec to allow "
                 "administrators)",
                 ns, b->name);
        return RPC_STATUS_PERMISSION_DENIED;
    }
    if (!user || user->admin || b->privilege == API_READ)
        return RPC_STATUS_OK;
    snprintf(msg, msglen,
             "%s.%s: permission denied: needs the '%s' privilege (administrator); user '%s' is "
             "unprivileged and may call read functions only",
             ns, b->name, api_privilege_name(b->privilege), user->name);
    return RPC_STATUS_PERMISSION_DENIED;
}

/* ---- listeners ---- */

bool rpc_listen_is_local(const char *addr)
{
    if (strncmp(addr, "unix:", 5) == 0 || strncmp(addr, "unix-abstract:", 14) == 0)
        return true;
    if (strncmp(addr, "ipv4:", 5) == 0 || strncmp(addr, "ipv6:", 5) == 0)
        addr += 5;
    char host[256];
    const char *end;
    const char *h = addr;
    if (*addr == '[') {
        h = addr + 1;
        end = strchr(h, ']');
    } else {
        end = strrchr(addr, ':');
    }
    if (!end || (size_t)(end - h) >= sizeof(host))
        return false;
    memcpy(host, h, (size_t)(end - h));
    host[end - h] = '\0';
    if (strcasecmp(host, "localhost") == 0)
        return true;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}
