#include "redis.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t redis_lock = PTHREAD_MUTEX_INITIALIZER;
static redisContext *redis_ctx; /* under redis_lock */
static char redis_host[256];    /* TCP host, empty for a socket */
static int redis_port = 6379;
static int redis_db;
static char redis_sock[4096 + 16];             /* Unix socket path */
static char redis_dir[4096];                   /* data dir of the private server; empty with -r */
static volatile pid_t redis_child;             /* the private server, 0 when not started */
static int redis_child_failed;                 /* the private server could not be started */
static uint64_t redis_retry_at_ns;             /* no new connection attempt before (monotonic) */
static uint64_t redis_stats[REDIS_STAT_COUNT]; /* under redis_lock */

static const char *const redis_stat_names[REDIS_STAT_COUNT] = {
    [REDIS_STAT_EXPIRE] = "num_expire",
    [REDIS_STAT_GET] = "num_get",
    [REDIS_STAT_TTL] = "num_ttl",
    [REDIS_STAT_DEL] = "num_del",
    [REDIS_STAT_HGET] = "num_hget",
    [REDIS_STAT_HSET] = "num_hset",
    [REDIS_STAT_HDEL] = "num_hdel",
    [REDIS_STAT_SET] = "num_set",
    [REDIS_STAT_KEYS] = "num_keys",
    [REDIS_STAT_HKEYS] = "num_hkeys",
    [REDIS_STAT_HGETALL] = "num_hgetall",
    [REDIS_STAT_TRIM] = "num_trim",
    [REDIS_STAT_LPUSH_RPUSH] = "num_lpush_rpush",
    [REDIS_STAT_LPOP_RPOP] = "num_lpop_rpop",
    [REDIS_STAT_LLEN] = "num_llen",
    [REDIS_STAT_STRLEN] = "num_strlen",
    [REDIS_STAT_OTHER] = "num_other",
    [REDIS_STAT_RECONNECTIONS] = "num_reconnections",
};

const char *redis_stat_name(enum redis_stat s)
{
    return (unsigned)s < REDIS_STAT_COUNT ? redis_stat_names[s] : "num_other";
}

/* The counter of a command by its first word, as ntopng counts its calls. */
static enum redis_stat redis_classify(const char *fmt)
{
    static const struct {
        const char *cmd;
        enum redis_stat stat;
    } map[] = {
        {"GET",     REDIS_STAT_GET        },
        {"SET",     REDIS_STAT_SET        },
        {"DEL",     REDIS_STAT_DEL        },
        {"HGET",    REDIS_STAT_HGET       },
        {"HSET",    REDIS_STAT_HSET       },
        {"HDEL",    REDIS_STAT_HDEL       },
        {"KEYS",    REDIS_STAT_KEYS       },
        {"HKEYS",   REDIS_STAT_HKEYS      },
        {"HGETALL", REDIS_STAT_HGETALL    },
        {"LPUSH",   REDIS_STAT_LPUSH_RPUSH},
        {"RPUSH",   REDIS_STAT_LPUSH_RPUSH},
        {"LPOP",    REDIS_STAT_LPOP_RPOP  },
        {"RPOP",    REDIS_STAT_LPOP_RPOP  },
        {"LLEN",    REDIS_STAT_LLEN       },
        {"STRLEN",  REDIS_STAT_STRLEN     },
        {"EXPIRE",  REDIS_STAT_EXPIRE     },
        {"TTL",     REDIS_STAT_TTL        },
    };
    size_t n = strcspn(fmt, " ");
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strlen(map[i].cmd) == n && strncasecmp(fmt, map[i].cmd, n) == 0)
            return map[i].stat;
    return REDIS_STAT_OTHER;
}

void redis_get_stats(uint64_t out[REDIS_STAT_COUNT])
{
    pthread_mutex_lock(&redis_lock);
    memcpy(out, redis_stats, sizeof(redis_stats));
    pthread_mutex_unlock(&redis_lock);
}

static uint64_t redis_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

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
    struct timeval tv = {.tv_sec = 0, .tv_usec = REDIS_CONNECT_TIMEOUT_MS * 1000};
    struct timeval cmd_tv = {.tv_sec = REDIS_COMMAND_TIMEOUT_MS / 1000,
                             .tv_usec = (REDIS_COMMAND_TIMEOUT_MS % 1000) * 1000};
    redisContext *c = redis_host[0] ? redisConnectWithTimeout(redis_host, redis_port, tv)
                                    : redisConnectUnixWithTimeout(redis_sock, tv);
    if (c && !c->err) {
        redisSetTimeout(c, cmd_tv);
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
        /* Redis is away: fail fast for a while rather than wait on every call. */
        if (redis_now_ns() < redis_retry_at_ns) {
            snprintf(err, errlen, "redis: %s is not reachable (retrying)",
                     redis_host[0] ? redis_host : redis_sock);
            return NULL;
        }
        redis_ctx = redis_try_connect();
    }
    if (!redis_ctx) {
        redis_retry_at_ns = redis_now_ns() + (uint64_t)REDIS_RETRY_MS * 1000000u;
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
            return NULL;
        }
    }
    redis_stats[REDIS_STAT_RECONNECTIONS]++;
    return redis_ctx;
}

static redisReply *redis_vcommand(enum redis_stat stat, char *err, size_t errlen, const char *fmt,
                                  va_list ap)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)(REDIS_LOCK_TIMEOUT_MS % 1000) * 1000000L;
    until.tv_sec += REDIS_LOCK_TIMEOUT_MS / 1000 + until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    /* Another thread is stuck on a slow Redis: do not queue behind it for long. */
    if (pthread_mutex_timedlock(&redis_lock, &until) != 0) {
        snprintf(err, errlen, "redis: busy (another call is waiting on Redis)");
        return NULL;
    }
    redis_stats[stat]++;
    redisReply *r = NULL;
    /* Twice: a connection broken since the last call is replaced once. Not after a
     * timeout: a stalled server would make the caller wait twice. */
    for (int attempt = 0; attempt < 2 && !r; attempt++) {
        redisContext *c = redis_get(err, errlen);
        if (!c)
            break;
        va_list aq;
        va_copy(aq, ap);
        r = redisvCommand(c, fmt, aq);
        va_end(aq);
        if (!r) {
            bool timeout = c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
            snprintf(err, errlen, "redis: %s",
                     timeout        ? "no answer in time"
                     : c->errstr[0] ? c->errstr
                                    : "connection lost");
            redisFree(c);
            redis_ctx = NULL;
            if (timeout) {
                redis_retry_at_ns = redis_now_ns() + (uint64_t)REDIS_RETRY_MS * 1000000u;
                break;
            }
        }
    }
    pthread_mutex_unlock(&redis_lock);
    return r;
}

redisReply *redis_command(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redis_vcommand(redis_classify(fmt), err, errlen, fmt, ap);
    va_end(ap);
    return r;
}

redisReply *redis_command_as(enum redis_stat stat, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redis_vcommand(stat, err, errlen, fmt, ap);
    va_end(ap);
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
