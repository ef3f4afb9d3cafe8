/* MD5 (RFC 1321), for ntop.md5 and anything else that needs ntopng-compatible digests.
 * Not for security: MD5 is broken as a cryptographic hash. */
#ifndef NTOP_MD5_H
#define NTOP_MD5_H

#include <stddef.h>
#include <stdint.h>

struct md5_ctx {
    uint32_t state[4];
    uint64_t nbytes; /* message length so far */
    uint8_t block[64];
};

/* Caller owns the context (stack is fine); any thread, one thread per context. */
void md5_init(struct md5_ctx *c);
void md5_update(struct md5_ctx *c, const void *data, size_t len);
void md5_final(struct md5_ctx *c, uint8_t digest[16]);

/* One-shot: 32 lower-case hex characters and a NUL into hex[33]; returns hex. */
char *md5_hex(const void *data, size_t len, char hex[33]);

#endif
