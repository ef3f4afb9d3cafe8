/* Small hashing helpers for the tables. */
#ifndef NTOP_HASH_H
#define NTOP_HASH_H

#include "ipaddr.h"

#include <stdint.h>
#include <string.h>

static inline uint64_t hash_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline uint64_t hash_ipaddr(const struct ipaddr *a)
{
    uint64_t hi, lo;
    memcpy(&hi, a->b, 8);
    memcpy(&lo, a->b + 8, 8);
    return hash_mix64(hi * 31 + lo);
}

static inline uint32_t hash_bucket_count(uint32_t max_entries)
{
    uint32_t n = 1024;
    while (n < max_entries && n < (1u << 30))
        n <<= 1;
    return n;
}

#endif
