/* Redis for the probe's cached state (ntop.*Cache): one hiredis connection shared by every
 * thread under a mutex, connected lazily and again after Redis went away. Without -r the
 * probe starts a private redis-server on a Unix socket in its data directory (no TCP port,
 * persisted there in an append-only file) on first use and stops it at exit.
 *
 * A slow or absent Redis costs a caller a bounded time: connecting waits at most
 * REDIS_CONNECT_TIMEOUT_MS, a command REDIS_COMMAND_TIMEOUT_MS, waiting for the connection
 * held by another thread REDIS_LOCK_TIMEOUT_MS; after a failed connection attempt the next
 * REDIS_RETRY_MS of calls fail at once instead of trying again. Only Lua bindings use it:
 * the capture threads never wait on Redis. */
#ifndef NTOP_REDIS_H
#define NTOP_REDIS_H

#include <hiredis/hiredis.h>
#include <stddef.h>
#include <stdint.h>

#define REDIS_CONNECT_TIMEOUT_MS 500
#define REDIS_COMMAND_TIMEOUT_MS 1000
#define REDIS_LOCK_TIMEOUT_MS    1500
#define REDIS_RETRY_MS           250

/* Command counters, per command type as ntopng's Redis class counts them
 * (ntop.getCacheStats). Names by redis_stat_name(). */
enum redis_stat {
    REDIS_STAT_EXPIRE,
    REDIS_STAT_GET,
    REDIS_STAT_TTL,
    REDIS_STAT_DEL,
    REDIS_STAT_HGET,
    REDIS_STAT_HSET,
    REDIS_STAT_HDEL,
    REDIS_STAT_SET,
    REDIS_STAT_KEYS,
    REDIS_STAT_HKEYS,
    REDIS_STAT_HGETALL,
    REDIS_STAT_TRIM, /* the trim after lpushCache/rpushCache with a trim size */
    REDIS_STAT_LPUSH_RPUSH,
    REDIS_STAT_LPOP_RPOP,
    REDIS_STAT_LLEN,
    REDIS_STAT_STRLEN,
    REDIS_STAT_OTHER,
    REDIS_STAT_RECONNECTIONS, /* successful connections, the first one included */
    REDIS_STAT_COUNT,
};

/* "num_get", ... (ntopng's key names). */
const char *redis_stat_name(enum redis_stat s);

/* A copy of the counters. Any thread. */
void redis_get_stats(uint64_t out[REDIS_STAT_COUNT]);

/* Where Redis is: spec is HOST[:PORT][@DB], a Unix socket path (starts with '/' or '.'),
 * or NULL for the private server under data_dir. Both strings are copied. Call once from
 * main() before any thread uses redis_command(). */
void redis_configure(const char *spec, const char *data_dir);

/* Runs one command (hiredis format, %b for binary), counted by its command word. Returns
 * a reply the caller frees with freeReplyObject(), or NULL with a message in err when
 * Redis cannot be had, is too slow or the connection broke; an error reply
 * (REDIS_REPLY_ERROR) is returned as a reply. Any thread. */
redisReply *redis_command(char *err, size_t errlen, const char *fmt, ...);

/* The same, counted as `stat` whatever the command. */
redisReply *redis_command_as(enum redis_stat stat, char *err, size_t errlen, const char *fmt, ...);

/* Closes the connection and stops the private server, if started. main() at exit. */
void redis_shutdown(void);

#endif
