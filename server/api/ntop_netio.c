/* ntop.* bindings, category net-io: outbound UDP/TCP from scripts (ntopng's send_udp_data,
 * send_tcp_data, tcpProbe). Privilege API_EXEC: administrators only, and refused to remote
 * callers unless --rpc-allow-exec. They run on the caller's thread, never on a capture
 * thread, and every wait is bounded (connect, send and read timeouts; name resolution uses
 * the system resolver and its own timeouts). Data is sent as given, NUL bytes included
 * (ntopng stops at the first NUL). */
#include "api_exec.h"
#include "api_util.h"

#include "../core/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NETIO_MAX_TIMEOUT_MS    60000
#define NETIO_TCP_DEFAULT_MS    3000 /* send_tcp_data's timeout 0 (ntopng: non-blocking) */
#define PROBE_DEFAULT_TIMEOUT_S 3    /* tcpProbe, as ntopng */
#define PROBE_BANNER_MAX        511  /* tcpProbe reads at most this much, as ntopng */
#define PROBE_FIRST_WAIT_MS     1000 /* tcpProbe waits this long for the first bytes */

/* Pushes nil, message; returns 2. */
static int netio_fail(lua_State *L, const char *what, const char *detail)
{
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", what, detail);
    return 2;
}

/* A port argument: an integer in 0..65535 (raises otherwise). */
static int netio_check_port(lua_State *L, int arg)
{
    lua_Integer port = luaL_checkinteger(L, arg);
    luaL_argcheck(L, port >= 0 && port <= 65535, arg, "expected a port in 0..65535");
    return (int)port;
}

static const char *netio_check_string(lua_State *L, int arg, size_t *len)
{
    if (lua_type(L, arg) != LUA_TSTRING)
        luaL_typeerror(L, arg, "string");
    return lua_tolstring(L, arg, len);
}

/* NULL when the call may go ahead, else the reason. */
static const char *netio_refused(lua_State *L)
{
    const struct probe *p = lua_ctx_of(L)->probe;
    if (api_on_capture_thread(p))
        return "outbound connections cannot be made on a capture thread";
    if (p && p->shutdown_requested)
        return "the probe is shutting down";
    return NULL;
}

/* Resolves host:port for socktype; the caller frees *res. 0 or a getaddrinfo error. */
static int netio_resolve(const char *host, int port, int socktype, struct addrinfo **res)
{
    char service[8];
    snprintf(service, sizeof(service), "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = socktype};
    return getaddrinfo(host, service, &hints, res);
}

/* Connects a non-blocking socket within timeout_ms; returns the fd (still non-blocking)
 * or -1 with errno. */
static int netio_connect(const struct addrinfo *ai, int timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS)
        goto fail;
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    int n;
    do {
        n = poll(&pfd, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n == 0)
        errno = ETIMEDOUT;
    if (n <= 0)
        goto fail;
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        goto fail;
    if (err) {
        errno = err;
        goto fail;
    }
    return fd;
fail : {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}
}

static int64_t netio_now_ms(void)
{
    return (int64_t)(probe_mono_ns() / 1000000u);
}

/* Sends all of data on a non-blocking fd before deadline; 0 or -1 with errno. */
static int netio_send_all(int fd, const char *data, size_t len, int64_t deadline)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n > 0) {
            data += n, len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return -1;
        int64_t left = deadline - netio_now_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
    }
    return 0;
}

/* ntop.send_udp_data(host, port, data): sends one datagram. Returns nil (ntopng's
 * result) on success, nil, message on failure. */
static int ntop_send_udp_data(lua_State *L)
{
    size_t len;
    const char *host = netio_check_string(L, 1, &len);
    int port = netio_check_port(L, 2);
    const char *data = netio_check_string(L, 3, &len);
    const char *refused = netio_refused(L);
    if (refused)
        return netio_fail(L, "send_udp_data", refused);

    struct addrinfo *res;
    int rc = netio_resolve(host, port, SOCK_DGRAM, &res);
    if (rc != 0)
        return netio_fail(L, host, gai_strerror(rc));
    int fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ssize_t sent = fd < 0 ? -1 : sendto(fd, data, len, 0, res->ai_addr, res->ai_addrlen);
    int err = errno;
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    if (sent < 0)
        return netio_fail(L, "send_udp_data", strerror(err));
    lua_pushnil(L);
    return 1;
}

/* ntop.send_tcp_data(host, port, data [, timeout_ms]): connects, sends data, closes; true
 * when all of it was sent. timeout_ms bounds the connect and the send (ntopng's 0, the
 * default, is 3 s here; at most 60 s). */
static int ntop_send_tcp_data(lua_State *L)
{
    size_t len;
    const char *host = netio_check_string(L, 1, &len);
    int port = netio_check_port(L, 2);
    const char *data = netio_check_string(L, 3, &len);
    lua_Integer timeout_ms = luaL_optinteger(L, 4, 0);
    luaL_argcheck(L, timeout_ms >= 0 && timeout_ms <= NETIO_MAX_TIMEOUT_MS, 4,
                  "expected a timeout in ms, 0..60000");
    if (timeout_ms == 0)
        timeout_ms = NETIO_TCP_DEFAULT_MS;
    const char *refused = netio_refused(L);
    if (refused)
        return netio_fail(L, "send_tcp_data", refused);

    struct addrinfo *res;
    if (netio_resolve(host, port, SOCK_STREAM, &res) != 0) {
        lua_pushboolean(L, 0);
        return 1;
    }
    int64_t deadline = netio_now_ms() + timeout_ms;
    int fd = netio_connect(res, (int)timeout_ms);
    freeaddrinfo(res);
    bool ok = fd >= 0 && netio_send_all(fd, data, len, deadline) == 0;
    if (fd >= 0)
        close(fd);
    lua_pushboolean(L, ok);
    return 1;
}

/* ntop.tcpProbe(ip, port [, timeout_s]): connects (timeout 3 s by default, at most 60)
 * and returns what the server sends first (at most 511 bytes, waiting 1 s for it; "" when
 * it sends nothing), or nil when the connection fails. */
static int ntop_tcp_probe(lua_State *L)
{
    size_t len;
    const char *host = netio_check_string(L, 1, &len);
    int port = netio_check_port(L, 2);
    lua_Integer timeout_s = luaL_optinteger(L, 3, PROBE_DEFAULT_TIMEOUT_S);
    luaL_argcheck(L, timeout_s > 0 && timeout_s <= NETIO_MAX_TIMEOUT_MS / 1000, 3,
                  "expected a timeout in seconds, 1..60");
    const char *refused = netio_refused(L);
    if (refused)
        return netio_fail(L, "tcpProbe", refused);

    struct addrinfo *res;
    int rc = netio_resolve(host, port, SOCK_STREAM, &res);
    if (rc != 0)
        return netio_fail(L, host, gai_strerror(rc));
    int fd = netio_connect(res, (int)timeout_s * 1000);
    freeaddrinfo(res);
    if (fd < 0)
        return netio_fail(L, "tcpProbe", strerror(errno));
    char buf[PROBE_BANNER_MAX];
    size_t got = 0;
    int wait_ms = PROBE_FIRST_WAIT_MS;
    while (got < sizeof(buf)) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, wait_ms) <= 0)
            break;
        ssize_t n = read(fd, buf + got, sizeof(buf) - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        wait_ms = 0; /* then only what is already there, as ntopng */
    }
    close(fd);
    lua_pushlstring(L, buf, got);
    return 1;
}

static const struct api_binding ntop_netio_bindings[] = {
    {"send_tcp_data", ntop_send_tcp_data, API_EXEC, API_CTX_NONE},
    {"send_udp_data", ntop_send_udp_data, API_EXEC, API_CTX_NONE},
    {"tcpProbe",      ntop_tcp_probe,     API_EXEC, API_CTX_NONE},
};

const struct api_table api_ntop_netio = API_TABLE("ntop", "net-io", ntop_netio_bindings);
