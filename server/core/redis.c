#include "redis.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t redis_lock = PTHREAD_MUTEX_INITIALIZER;
static redisContext *redis_ctx; /* under redis_lock */
static char redis_host[256];    /* TCP host, empty for a socket */
static int redis_port = 6379;
static int redis_db;
static char redis_sock[4096 + 16]; /* Unix socket path */
static char redis_dir[4096];       /* data dir of the private server; empty with -r */
static volatile pid_t redis_child; /* the private server, 0 when not started */
static int redis_child_failed;     /* the private server could not be started */

/* exit() from a script (os.exit) skips main()'s cleanup: stop the private server anyway.
 * Takes no lock: other threads may hold it when the process exits. */
static void redis_atexit(void)
{
    pid_t pid = redis_child;
    if (pid > 0) {
        redis_child = 0;
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        unlink(redis_sock);
    }
}

void redis_configure(const char *spec, const char *data_dir)
{
    atexit(redis_atexit);
    if (!spec) {
        snprintf(redis_dir, sizeof(redis_dir), "%s", data_dir ? data_dir : "/tmp");
        snprintf(redis_sock, sizeof(redis_sock), "%s/redis.sock", redis_dir);
        return;
    }
    if (spec[0] == '/' || spec[0] == '.') {
        snprintf(redis_sock, sizeof(redis_sock), "%s", spec);
        return;
    }
    snprintf(redis_host, sizeof(redis_host), "%s", spec);
    char *at = strrchr(redis_host, '@');
    if (at) {
        *at = '\0';
        redis_db = atoi(at + 1);
    }
    char *colon = strrchr(redis_host, ':');
    char *bracket = strchr(redis_host, ']');
    if (colon && (redis_host[0] != '[' || (bracket && colon > bracket))) {
        *colon = '\0';
        redis_port = atoi(colon + 1);
    }
    if (redis_host[0] == '[' && bracket) { /* [v6]:port */
        *bracket = '\0';
        memmove(redis_host, redis_host + 1, strlen(redis_host));
    }
    if (!redis_host[0])
        snprintf(redis_host, sizeof(redis_host), "127.0.0.1");
}

static redisContext *redis_try_connect(void)
{
    struct timeval tv = {.tv_sec = 2, .tv_usec = 0};
    redisContext *c = redis_host[0] ? redisConnectWithTimeout(redis_host, redis_port, tv)
                                    : redisConnectUnixWithTimeout(redis_sock, tv);
    if (c && !c->err) {
        redisSetTimeout(c, tv);
        return c;
    }
    if (c)
        redisFree(c);
    return NULL;
}

/* Persistence of the private server: what ntopng keeps in Redis (users, API tokens,
 * preferences) must survive a restart with the same data directory. An append-only file
 * in DIR (fsync every second, flushed when the server stops on SIGTERM) keeps it. */
#define REDIS_PERSISTENCE_ARGS(dir)                                                                \
    "--dir", (dir), "--save", "", "--appendonly", "yes", "--appendfsync", "everysec"

/* A persisted server answers LOADING until its data is read back: wait for it (up to 10 s). */
static void redis_wait_loaded(redisContext *c)
{
    for (int i = 0; i < 500; i++) {
        redisReply *r = redisCommand(c, "PING");
        bool loading = r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "LOADING", 7) == 0;
        if (r)
            freeReplyObject(r);
        if (!loading)
            return;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Starts the private redis-server; 0 or -1 with err set. Under redis_lock. */
static int redis_start_child(char *err, size_t errlen)
{
    mkdir(redis_dir, 0700);
    unlink(redis_sock);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "redis: fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execlp("redis-server", "redis-server", "--port", "0", "--unixsocket", redis_sock,
               "--unixsocketperm", "700", REDIS_PERSISTENCE_ARGS(redis_dir), "--daemonize", "no",
               (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            snprintf(err, errlen, "redis: %s",
                     WIFEXITED(status) && WEXITSTATUS(status) == 127
                         ? "redis-server is not installed (give -r HOST[:PORT] or a socket)"
                         : "the private redis-server exited at start");
            return -1;
        }
        redisContext *c = redis_try_connect();
        if (c) {
            redis_wait_loaded(c);
            redis_ctx = c;
            redis_child = pid;
            log_info("redis: private server on %s (pid %d)", redis_sock, (int)pid);
            return 0;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    snprintf(err, errlen, "redis: the private redis-server did not come up");
    return -1;
}

/* Under redis_lock: a connected context, or NULL with err set. */
static redisContext *redis_get(char *err, size_t errlen)
{
    if (redis_ctx)
        return redis_ctx;
    /* The private server died (killed, crashed): start another one. */
    if (redis_child > 0 && waitpid(redis_child, NULL, WNOHANG) == redis_child) {
        log_warning("redis: the private redis-server exited; starting it again");
        redis_child = 0;
    }
    if (redis_dir[0] && !redis_child) {
        if (redis_child_failed) {
            snprintf(err, errlen, "redis: the private redis-server could not be started");
            return NULL;
        }
        if (redis_start_child(err, errlen) != 0) {
            redis_child_failed = 1;
            log_warning("%s", err);
            return NULL;
        }
    } else {
        redis_ctx = redis_try_connect();
    }
    if (!redis_ctx) {
        snprintf(err, errlen, "redis: cannot connect to %s",
                 redis_host[0] ? redis_host : redis_sock);
        return NULL;
    }
    if (redis_db) {
        redisReply *r = redisCommand(redis_ctx, "SELECT %d", redis_db);
        int ok = r && r->type != REDIS_REPLY_ERROR;
        if (r)
            freeReplyObject(r);
        if (!ok) {
            snprintf(err, errlen, "redis: cannot select database %d", redis_db);
            redisFree(redis_ctx);
            redis_ctx = NULL;
        }
    }
    return redis_ctx;
}

redisReply *redis_command(char *err, size_t errlen, const char *fmt, ...)
{
    redisReply *r = NULL;
    pthread_mutex_lock(&redis_lock);
    /* Twice: a connection broken since the last call is replaced once. */
    for (int attempt = 0; attempt < 2 && !r; attempt++) {
        redisContext *c = redis_get(err, errlen);
        if (!c)
            break;
        va_list ap;
        va_start(ap, fmt);
        r = redisvCommand(c, fmt, ap);
        va_end(ap);
        if (!r) {
            snprintf(err, errlen, "redis: %s", c->errstr[0] ? c->errstr : "connection lost");
            redisFree(c);
            redis_ctx = NULL;
        }
    }
    pthread_mutex_unlock(&redis_lock);
    return r;
}

void redis_shutdown(void)
{
    pthread_mutex_lock(&redis_lock);
    if (redis_ctx)
        redisFree(redis_ctx);
    redis_ctx = NULL;
    pthread_mutex_unlock(&redis_lock);
    redis_atexit();
}
