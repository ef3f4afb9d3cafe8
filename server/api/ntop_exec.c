/* ntop.* bindings, category exec: running commands. Privilege API_EXEC: administrators
 * only, and refused to remote callers unless the probe runs with --rpc-allow-exec.
 *
 * A command runs under /bin/sh -c in its own process group, stdin from /dev/null, stdout
 * captured (stderr goes where the probe's goes, as with ntopng's popen), no other
 * descriptor of the probe inherited. It runs on the
 * caller's thread, never on a capture thread, and is bounded in time and output: past
 * either bound the whole process group is killed and the call returns nil, message. */
#define _GNU_SOURCE /* pipe2, posix_spawn_file_actions_addclosefrom_np */
#include "api_exec.h"
#include "api_util.h"

#include "../core/iface.h"
#include "../core/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define EXEC_DEFAULT_TIMEOUT_S 10.0
#define EXEC_MAX_TIMEOUT_S     60.0          /* as ntop.msleep's cap */
#define EXEC_MAX_OUTPUT        (1024 * 1024) /* bytes of stdout kept */
#define EXEC_POLL_SLICE_MS     100           /* how often shutdown is checked */

enum exec_end { EXEC_DONE, EXEC_TIMEOUT, EXEC_TOO_BIG, EXEC_SHUTDOWN, EXEC_IO_ERROR };

struct exec_result {
    char *out; /* malloc'd, owned by the caller */
    size_t len;
    enum exec_end end;
};

static int exec_result_gc(lua_State *L)
{
    struct exec_result *r = lua_touserdata(L, 1);
    free(r->out);
    r->out = NULL;
    return 0;
}

bool api_on_capture_thread(const struct probe *p)
{
    for (int i = 0; p && i < p->num_ifaces; i++)
        if (p->ifaces[i] && pthread_equal(pthread_self(), p->ifaces[i]->thread))
            return true;
    return false;
}

static int64_t now_ms(void)
{
    return (int64_t)(probe_mono_ns() / 1000000u);
}

/* Starts /bin/sh -c cmd with stdout on a pipe; returns the pid (its process group id too)
 * and the read end in *out_fd, or -1 with errno. */
static pid_t exec_spawn(const char *cmd, int *out_fd)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    /* The probe's sockets and files are not the command's business (not all are
     * close-on-exec: libpcap, hiredis, gRPC). */
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    /* Own process group (killed as a whole), no inherited mask, default dispositions for
     * the signals the probe ignores or handles. */
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    int defaults[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
        sigaddset(&dfl, defaults[i]);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);

    char *argv[] = {"sh", "-c", (char *)cmd, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        errno = rc;
        return -1;
    }
    *out_fd = fds[0];
    return pid;
}

/* Reads the child's stdout until EOF or a bound; then reaps it (killing its group when it
 * outlives the deadline). No Lua call in here: nothing can raise while a child runs. */
static void exec_collect(const struct probe *p, pid_t pid, int fd, int64_t deadline,
                         struct exec_result *r)
{
    size_t cap = 0;
    r->end = EXEC_DONE;
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            r->end = EXEC_TIMEOUT;
            break;
        }
        if (p && p->shutdown_requested) {
            r->end = EXEC_SHUTDOWN;
            break;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int n = poll(&pfd, 1, (int)(left < EXEC_POLL_SLICE_MS ? left : EXEC_POLL_SLICE_MS));
        if (n < 0 && errno != EINTR) {
            r->end = EXEC_IO_ERROR;
            break;
        }
        if (n <= 0)
            continue;
        if (r->len + 65536 > cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            if (ncap > EXEC_MAX_OUTPUT + 1)
                ncap = EXEC_MAX_OUTPUT + 1;
            if (ncap > cap) {
                char *grown = realloc(r->out, ncap);
                if (!grown) {
                    r->end = EXEC_IO_ERROR;
                    break;
                }
                r->out = grown, cap = ncap;
            }
        }
        ssize_t got = read(fd, r->out + r->len, cap - r->len);
        if (got == 0)
            break; /* EOF */
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            r->end = EXEC_IO_ERROR;
            break;
        }
        r->len += (size_t)got;
        if (r->len > EXEC_MAX_OUTPUT) {
            r->end = EXEC_TOO_BIG;
            break;
        }
    }
    close(fd);
    bool killed = false;
    if (r->end != EXEC_DONE) {
        kill(-pid, SIGKILL);
        killed = true;
    }
    for (;;) {
        int status;
        pid_t w = waitpid(pid, &status, killed ? 0 : WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        if (w == 0 && (now_ms() >= deadline || (p && p->shutdown_requested))) {
            /* stdout closed but the shell still runs past the deadline */
            r->end = p && p->shutdown_requested ? EXEC_SHUTDOWN : EXEC_TIMEOUT;
            kill(-pid, SIGKILL);
            killed = true;
        } else if (w == 0) {
            struct timespec ts = {0, 5 * 1000000};
            nanosleep(&ts, NULL);
        }
    }
}

/* ntop.execCmd(cmd [, timeout_s]): runs cmd with /bin/sh and returns what it printed on
 * stdout (whatever its exit status, as ntopng). timeout_s (an extension: ntopng has no
 * bound) defaults to 10 s, at most 60 s. nil, message when the command cannot start, runs
 * past the timeout, prints more than 1 MiB, or the probe is shutting down. */
static int ntop_exec_cmd(lua_State *L)
{
    size_t len;
    if (lua_type(L, 1) != LUA_TSTRING)
        luaL_typeerror(L, 1, "string");
    const char *cmd = lua_tolstring(L, 1, &len);
    luaL_argcheck(L, memchr(cmd, '\0', len) == NULL, 1, "command contains a NUL byte");
    double timeout_s = EXEC_DEFAULT_TIMEOUT_S;
    if (!lua_isnoneornil(L, 2)) {
        timeout_s = luaL_checknumber(L, 2);
        luaL_argcheck(L, timeout_s > 0 && timeout_s <= EXEC_MAX_TIMEOUT_S, 2,
                      "expected a timeout in seconds, > 0 and <= 60");
    }
    const struct probe *p = lua_ctx_of(L)->probe;
    const char *refused = NULL;
    if (api_on_capture_thread(p))
        refused = "commands cannot run on a capture thread";
    else if (p && p->shutdown_requested)
        refused = "the probe is shutting down";
    if (refused) {
        lua_pushnil(L);
        lua_pushstring(L, refused);
        return 2;
    }

    /* The output buffer lives in a userdata whose __gc frees it, so a Lua error after the
     * command ran (out of memory) cannot leak it. Made before the child starts. */
    struct exec_result *r = lua_newuserdatauv(L, sizeof(*r), 0);
    memset(r, 0, sizeof(*r));
    if (luaL_newmetatable(L, "ntop.exec.result")) {
        lua_pushcfunction(L, exec_result_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);

    int fd;
    int64_t deadline = now_ms() + (int64_t)(timeout_s * 1000.0);
    pid_t pid = exec_spawn(cmd, &fd);
    if (pid < 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "cannot run /bin/sh: %s", strerror(errno));
        return 2;
    }
    exec_collect(p, pid, fd, deadline, r);
    if (r->end == EXEC_DONE) {
        lua_pushlstring(L, r->out ? r->out : "", r->len);
        return 1;
    }
    lua_pushnil(L);
    switch (r->end) {
    case EXEC_TIMEOUT:
        lua_pushfstring(L, "command timed out after %f s", timeout_s);
        break;
    case EXEC_TOO_BIG:
        lua_pushfstring(L, "command output exceeds %d bytes", EXEC_MAX_OUTPUT);
        break;
    case EXEC_SHUTDOWN:
        lua_pushliteral(L, "the probe is shutting down");
        break;
    default:
        lua_pushliteral(L, "cannot read the command's output");
        break;
    }
    return 2;
}

static const struct api_binding ntop_exec_bindings[] = {
    {"execCmd", ntop_exec_cmd, API_EXEC, API_CTX_NONE},
};

const struct api_table api_ntop_exec = API_TABLE("ntop", "exec", ntop_exec_bindings);
