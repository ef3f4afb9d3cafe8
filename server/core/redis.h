/* Redis for the probe's cached state (ntop.*Cache): one hiredis connection shared by every
 * thread under a mutex, connected lazily and again after Redis went away. Without -r the
 * probe starts a private redis-server on a Unix socket in its data directory (no TCP port,
 * persisted there in an append-only file) on first use and stops it at exit. */
#ifndef NTOP_REDIS_H
#define NTOP_REDIS_H

#include <hiredis/hiredis.h>
#include <stddef.h>

/* Where Redis is: spec is HOST[:PORT][@DB], a Unix socket path (starts with '/' or '.'),
 * or NULL for the private server under data_dir. Both strings are copied. Call once from
 * main() before any thread uses redis_command(). */
void redis_configure(const char *spec, const char *data_dir);

/* Runs one command (hiredis format, %b for binary). Returns a reply the caller frees with
 * freeReplyObject(), or NULL with a message in err when Redis cannot be had or the
 * connection broke; an error reply (REDIS_REPLY_ERROR) is returned as a reply. Any
 * thread. */
redisReply *redis_command(char *err, size_t errlen, const char *fmt, ...);

/* Closes the connection and stops the private server, if started. main() at exit. */
void redis_shutdown(void);

#endif
