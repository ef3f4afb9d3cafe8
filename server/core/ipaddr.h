/* IP addresses as the probe stores them: one 16-byte form for both families. */
#ifndef NTOP_IPADDR_H
#define NTOP_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* IPv4 lives in the last 4 bytes with the first 12 zero; `ver` tells the family. */
struct ipaddr {
    uint8_t b[16];
    uint8_t ver; /* 4 or 6 */
};

#define IPADDR_STRLEN 46

static inline void ipaddr_set_v4(struct ipaddr *a, const uint8_t *four)
{
    memset(a->b, 0, 12);
    memcpy(a->b + 12, four, 4);
    a->ver = 4;
}

static inline void ipaddr_set_v6(struct ipaddr *a, const uint8_t *sixteen)
{
    memcpy(a->b, sixteen, 16);
    a->ver = 6;
}

static inline uint32_t ipaddr_v4(const struct ipaddr *a)
{
    return ((uint32_t)a->b[12] << 24) | ((uint32_t)a->b[13] << 16) | ((uint32_t)a->b[14] << 8) |
           a->b[15];
}

static inline bool ipaddr_eq(const struct ipaddr *a, const struct ipaddr *b)
{
    /* Two 8-byte compares: memcmp is a library call here, on every flow and host lookup. */
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, a->b, 8);
    memcpy(&a1, a->b + 8, 8);
    memcpy(&b0, b->b, 8);
    memcpy(&b1, b->b + 8, 8);
    return a->ver == b->ver && a0 == b0 && a1 == b1;
}

/* Total order: IPv4 before IPv6, then by address bytes (network order). */
int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b);

/* Formats into buf (IPADDR_STRLEN bytes); returns buf. */
char *ipaddr_str(const struct ipaddr *a, char *buf, size_t len);

/* Parses a dotted IPv4 or an IPv6 text address; returns 0 or -1. */
int ipaddr_parse(const char *s, struct ipaddr *out);

/* Broadcast/multicast test as ntopng uses it for "local" flags. */
bool ipaddr_is_multicast(const struct ipaddr *a);
bool ipaddr_is_broadcast(const struct ipaddr *a);
/* RFC1918 / ULA */
bool ipaddr_is_private(const struct ipaddr *a);

/* Keeps the first `bits` bits, zeroing the rest (bits relative to the family's width). */
void ipaddr_mask(struct ipaddr *a, int bits);

#endif
