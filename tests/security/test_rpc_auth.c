/* server/rpc/rpc_auth.c without a server: token metadata, peer keys, the failed-auth
 * limiter, the privilege rule (exec included, which no registered binding may use yet) and
 * the local-listener test of --rpc-no-auth. */
#include "rpc/rpc_auth.h"

#include "core/users.h"
#include "lua/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);                     \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static int token(const char *key, const char *value, char *out)
{
    return rpc_auth_token_from_entry(key, strlen(key), value, strlen(value), out);
}

static void test_tokens(void)
{
    char t[RPC_TOKEN_MAX + 1];
    CHECK(token("authorization", "Token abc123", t) == 1 && strcmp(t, "abc123") == 0);
    CHECK(token("authorization", "token  abc123 ", t) == 1 && strcmp(t, "abc123") == 0);
    CHECK(token("x-ntop-token", "deadbeef", t) == 1 && strcmp(t, "deadbeef") == 0);
    CHECK(token("authorization", "Basic YWRtaW46YWRtaW4=", t) == -1);
    CHECK(token("authorization", "Token ", t) == -1);
    CHECK(token("authorization", "Token a b", t) == -1);
    CHECK(token("x-ntop-token", "a\x01", t) == -1);
    CHECK(token("user-agent", "grpc-c/29.0.0", t) == 0);
    char longv[300];
    memset(longv, 'a', sizeof(longv) - 1);
    longv[sizeof(longv) - 1] = '\0';
    CHECK(token("x-ntop-token", longv, t) == -1);
}

static void test_peer_keys(void)
{
    char k[96];
    rpc_peer_key("ipv4:10.1.2.3:5555", k, sizeof(k));
    CHECK(strcmp(k, "ipv4:10.1.2.3") == 0);
    rpc_peer_key("ipv6:[::1]:40000", k, sizeof(k));
    CHECK(strcmp(k, "ipv6:[::1]") == 0);
    rpc_peer_key("ipv6:%5B::1%5D:40000", k, sizeof(k));
    CHECK(strcmp(k, "ipv6:%5B::1%5D") == 0);
    rpc_peer_key("unix:/tmp/x.sock", k, sizeof(k));
    CHECK(strcmp(k, "unix") == 0);
    rpc_peer_key(NULL, k, sizeof(k));
    CHECK(strcmp(k, "unix") == 0);
}

static void test_limiter(void)
{
    struct rpc_limiter *l = rpc_limiter_new();
    CHECK(l != NULL);
    uint64_t t0 = 1000000;
    for (int i = 0; i < RPC_AUTH_MAX_FAILURES - 1; i++)
        rpc_limiter_failure(l, "ipv4:10.0.0.1", t0 + (uint64_t)i);
    CHECK(rpc_limiter_blocked(l, "ipv4:10.0.0.1", t0 + 10) == 0);
    rpc_limiter_failure(l, "ipv4:10.0.0.1", t0 + 10);
    CHECK(rpc_limiter_blocked(l, "ipv4:10.0.0.1", t0 + 11) == RPC_AUTH_BLOCK_S);
    CHECK(rpc_limiter_blocked(l, "ipv4:10.0.0.2", t0 + 11) == 0); /* per peer */
    rpc_limiter_success(l, "ipv4:10.0.0.1"); /* a success does not lift a block */
    CHECK(rpc_limiter_blocked(l, "ipv4:10.0.0.1", t0 + 12) > 0);
    CHECK(rpc_limiter_blocked(l, "ipv4:10.0.0.1", t0 + 10 + RPC_AUTH_BLOCK_S * 1000) == 0);

    /* failures spread over more than the window do not block */
    uint64_t t1 = t0 + 10000000;
    for (int i = 0; i < 2 * RPC_AUTH_MAX_FAILURES; i++)
        rpc_limiter_failure(l, "ipv4:10.0.0.3", t1 + (uint64_t)i * (RPC_AUTH_WINDOW_S * 1000 / 3));
    CHECK(rpc_limiter_blocked(l, "ipv4:10.0.0.3",
                              t1 + 2 * RPC_AUTH_MAX_FAILURES * (RPC_AUTH_WINDOW_S * 1000 / 3)) ==
          0);
    /* a success clears the count */
    for (int i = 0; i < RPC_AUTH_MAX_FAILURES - 1; i++)
        rpc_limiter_failure(l, "ipv4:10.0.0.4", t1 + (uint64_t)i);
    rpc_limiter_success(l, "ipv4:10.0.0.4");
    rpc_limiter_failure(l, "ipv4:10.0.0.4", t1 + 100);
    CHECK(rpc_limiter_blocked(l, "ipv4:10.0.0.4", t1 + 101) == 0);

    /* a full table reuses the slot seen least recently, and keeps working */
    char key[32];
    for (int i = 0; i < 2 * RPC_AUTH_PEERS; i++) {
        snprintf(key, sizeof(key), "ipv4:10.9.%d.%d", i / 256, i % 256);
        rpc_limiter_failure(l, key, t1 + 200 + (uint64_t)i);
    }
    for (int i = 0; i < RPC_AUTH_MAX_FAILURES; i++)
        rpc_limiter_failure(l, "ipv4:10.0.0.5", t1 + 100000 + (uint64_t)i);
    CHECK(rpc_limiter_blocked(l, "ipv4:10.0.0.5", t1 + 100010) > 0);
    rpc_limiter_free(l);
}

static int fn(lua_State *L)
{
    (void)L;
    return 0;
}

static void test_authorize(void)
{
    struct user_identity admin = {.name = "admin", .admin = true};
    struct user_identity bob = {.name = "bob", .admin = false};
    const struct api_binding rd = {"getStats", fn, API_READ, API_CTX_IFACE};
    const struct api_binding wr = {"setCache", fn, API_WRITE, API_CTX_NONE};
    const struct api_binding ad = {"flushCache", fn, API_ADMIN, API_CTX_NONE};
    const struct api_binding ex = {"execCmd", fn, API_EXEC, API_CTX_NONE};
    char msg[512];
    CHECK(rpc_authorize(&rd, "interface", &bob, false, msg, sizeof(msg)) == RPC_STATUS_OK);
    CHECK(rpc_authorize(&wr, "ntop", &bob, false, msg, sizeof(msg)) ==
          RPC_STATUS_PERMISSION_DENIED);
    CHECK(strstr(msg, "ntop.setCache: permission denied: needs the 'write' privilege"));
    CHECK(rpc_authorize(&ad, "ntop", &bob, true, msg, sizeof(msg)) == RPC_STATUS_PERMISSION_DENIED);
    CHECK(strstr(msg, "'admin'") && strstr(msg, "'bob'"));
    CHECK(rpc_authorize(&wr, "ntop", &admin, false, msg, sizeof(msg)) == RPC_STATUS_OK);
    CHECK(rpc_authorize(&ad, "ntop", &admin, false, msg, sizeof(msg)) == RPC_STATUS_OK);
    CHECK(rpc_authorize(&wr, "ntop", NULL, false, msg, sizeof(msg)) == RPC_STATUS_OK);
    /* exec: nobody without --rpc-allow-exec, administrators (and --rpc-no-auth) with it */
    CHECK(rpc_authorize(&ex, "ntop", &admin, false, msg, sizeof(msg)) ==
          RPC_STATUS_PERMISSION_DENIED);
    CHECK(strstr(msg, "ntop.execCmd: permission denied") && strstr(msg, "--rpc-allow-exec"));
    CHECK(rpc_authorize(&ex, "ntop", NULL, false, msg, sizeof(msg)) ==
          RPC_STATUS_PERMISSION_DENIED);
    CHECK(rpc_authorize(&ex, "ntop", &admin, true, msg, sizeof(msg)) == RPC_STATUS_OK);
    CHECK(rpc_authorize(&ex, "ntop", NULL, true, msg, sizeof(msg)) == RPC_STATUS_OK);
    CHECK(rpc_authorize(&ex, "ntop", &bob, true, msg, sizeof(msg)) == RPC_STATUS_PERMISSION_DENIED);
    CHECK(strstr(msg, "'exec'"));
}

static void test_local_listeners(void)
{
    CHECK(rpc_listen_is_local("127.0.0.1:5741"));
    CHECK(rpc_listen_is_local("127.1.2.3:0"));
    CHECK(rpc_listen_is_local("[::1]:5741"));
    CHECK(rpc_listen_is_local("ipv4:127.0.0.1:1"));
    CHECK(rpc_listen_is_local("unix:/tmp/p.sock"));
    CHECK(rpc_listen_is_local("localhost:5741"));
    CHECK(!rpc_listen_is_local("0.0.0.0:5741"));
    CHECK(!rpc_listen_is_local("[::]:5741"));
    CHECK(!rpc_listen_is_local(":5741"));
    CHECK(!rpc_listen_is_local("192.168.1.10:5741"));
    CHECK(!rpc_listen_is_local("[::ffff:127.0.0.1]:5741"));
    CHECK(!rpc_listen_is_local("sensor1:5741"));
    CHECK(!rpc_listen_is_local("garbage"));
}

int main(void)
{
    test_tokens();
    test_peer_keys();
    test_limiter();
    test_authorize();
    test_local_listeners();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all rpc_auth checks passed\n");
    return 0;
}
