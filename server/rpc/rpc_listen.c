#include "rpc_listen.h"

#include "../core/log.h"

#include <errno.h>
#include <grpc/support/log.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- gRPC's log ---- */

static _Thread_local bool capturing;
static _Thread_local char captured[512];

static void grpc_log_to_probe(gpr_log_func_args *a)
{
    if (capturing) {
        snprintf(captured, sizeof(captured), "%s", a->message);
        return;
    }
    enum log_level level = a->severity == GPR_LOG_SEVERITY_ERROR  ? LOG_WARNING
                           : a->severity == GPR_LOG_SEVERITY_INFO ? LOG_INFO
                                                                  : LOG_DEBUG;
    log_msg(level, "grpc: %s", a->message);
}

void rpc_log_install(void)
{
    gpr_set_log_function(grpc_log_to_probe);
}

void rpc_log_capture_begin(void)
{
    captured[0] = '\0';
    capturing = true;
}

const char *rpc_log_capture_end(void)
{
    capturing = false;
    return captured;
}

/* ---- addresses ---- */

static const char *unix_path(const char *addr)
{
    if (strncmp(addr, "unix://", 7) == 0)
        return addr + 7;
    if (strncmp(addr, "unix:", 5) == 0)
        return addr + 5;
    return NULL;
}

static int unix_sockaddr(const char *path, struct sockaddr_un *sun, char *err, size_t errlen)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        snprintf(err, errlen, "unix socket path longer than %zu bytes", sizeof(sun->sun_path) - 1);
        return -1;
    }
    memcpy(sun->sun_path, path, strlen(path) + 1);
    return 0;
}

int rpc_listen_precheck(const char *addr, char *err, size_t errlen)
{
    const char *path = unix_path(addr);
    struct stat st;
    if (!path || lstat(path, &st) != 0)
        return 0;
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "cannot listen on %s: %s exists and is not a socket", addr, path);
        return -1;
    }
    struct sockaddr_un sun;
    char why[128];
    if (unix_sockaddr(path, &sun, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", addr, why);
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    int rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
    close(fd);
    if (rc == 0) {
        snprintf(err, errlen,
                 "cannot listen on %s: address already in use (another process serves on it)",
                 addr);
        return -1;
    }
    return 0; /* a stale socket file: gRPC replaces it */
}

/* host:port, [v6]:port, with gRPC's optional ipv4:/ipv6: scheme; 0 or -1. */
static int split_host_port(const char *addr, char *host, size_t hostlen, char *port, size_t portlen)
{
    if (strncmp(addr, "ipv4:", 5) == 0 || strncmp(addr, "ipv6:", 5) == 0)
        addr += 5;
    const char *colon;
    const char *h = addr;
    size_t hl;
    if (*addr == '[') {
        const char *close = strchr(addr, ']');
        if (!close || close[1] != ':')
            return -1;
        h = addr + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(addr, ':');
        if (!colon)
            return -1;
        hl = (size_t)(colon - addr);
    }
    if (hl >= hostlen || strlen(colon + 1) >= portlen || colon[1] == '\0')
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    snprintf(port, portlen, "%s", colon + 1);
    return 0;
}

/* Tries to bind like gRPC does; 0 when it would work, else errno's text in why. */
static int try_bind(const char *addr, char *why, size_t whylen)
{
    const char *path = unix_path(addr);
    if (path) {
        struct sockaddr_un sun;
        if (unix_sockaddr(path, &sun, why, whylen) != 0)
            return -1;
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
            snprintf(why, whylen, "%s", strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
        unlink(path);
        return 0;
    }
    char host[256], port[32];
    if (split_host_port(addr, host, sizeof(host), port, sizeof(port)) != 0) {
        snprintf(why, whylen, "not an address (expected HOST:PORT, [IPv6]:PORT or unix:PATH)");
        return -1;
    }
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res;
    int gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (gai != 0) {
        snprintf(why, whylen, "cannot resolve '%.200s': %s", host, gai_strerror(gai));
        return -1;
    }
    int rc = 0;
    for (struct addrinfo *ai = res; ai && rc == 0; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        int one = 1;
        if (fd >= 0)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1) != 0) {
            snprintf(why, whylen, "%s", strerror(errno));
            rc = -1;
        }
        if (fd >= 0)
            close(fd);
    }
    freeaddrinfo(res);
    return rc;
}

void rpc_listen_explain(const char *addr, const char *grpc_msg, char *err, size_t errlen)
{
    char why[256];
    if (try_bind(addr, why, sizeof(why)) != 0)
        snprintf(err, errlen, "cannot listen on %s: %s", addr, why);
    else if (grpc_msg && *grpc_msg)
        snprintf(err, errlen, "cannot listen on %s: %.300s", addr, grpc_msg);
    else
        snprintf(err, errlen, "cannot listen on %s (gRPC refused the address)", addr);
}

void rpc_listen_display(const char *addr, int port, char *out, size_t outlen)
{
    size_t n = strlen(addr);
    if (!unix_path(addr) && n >= 2 && strcmp(addr + n - 2, ":0") == 0 && port > 0)
        snprintf(out, outlen, "%.*s:%d", (int)(n - 2), addr, port);
    else
        snprintf(out, outlen, "%s", addr);
}
