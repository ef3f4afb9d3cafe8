/* The links the flow, host and MAC tables share: each entry is in one bucket's chain
 * (hash_next) and in the table's creation-order list (list_prev, list_next); each table has
 * buckets, mask, head, tail and count. Macros, so that one code serves the three entry types. */
#ifndef NTOP_TABLE_LINKS_H
#define NTOP_TABLE_LINKS_H

#include "hash.h"

#include <stdint.h>
#include <stdlib.h>

/* Buckets for max_entries entries (NULL when out of memory); *mask = their count - 1. */
static inline void *table_buckets_new(uint32_t max_entries, uint32_t *mask)
{
    uint32_t n = hash_bucket_count(max_entries);
    void *b = calloc(n, sizeof(void *));
    if (b)
        *mask = n - 1;
    return b;
}

/* e first in bucket b (evaluated once: it is a hash). */
#define TABLE_BUCKET_PUSH(t, e, b)                                                                 \
    do {                                                                                           \
        const uint32_t b_ = (b);                                                                   \
        (e)->hash_next = (t)->buckets[b_];                                                         \
        (t)->buckets[b_] = (e);                                                                    \
    } while (0)

/* e out of bucket b (where it is: nothing when it is not there). */
#define TABLE_BUCKET_UNLINK(t, e, b)                                                               \
    do {                                                                                           \
        __typeof__(e) *pp_ = &(t)->buckets[b];                                                     \
        while (*pp_ && *pp_ != (e))                                                                \
            pp_ = &(*pp_)->hash_next;                                                              \
        if (*pp_)                                                                                  \
            *pp_ = (e)->hash_next;                                                                 \
    } while (0)

/* A new entry e: first in bucket b, last in the list, counted. */
#define TABLE_LINK(t, e, b)                                                                        \
    do {                                                                                           \
        TABLE_BUCKET_PUSH(t, e, b);                                                                \
        (e)->list_prev = (t)->tail;                                                                \
        if ((t)->tail)                                                                             \
            (t)->tail->list_next = (e);                                                            \
        else                                                                                       \
            (t)->head = (e);                                                                       \
        (t)->tail = (e);                                                                           \
        (t)->count++;                                                                              \
    } while (0)

/* e out of bucket b and of the list, no longer counted. */
#define TABLE_UNLINK(t, e, b)                                                                      \
    do {                                                                                           \
        TABLE_BUCKET_UNLINK(t, e, b);                                                              \
        if ((e)->list_prev)                                                                        \
            (e)->list_prev->list_next = (e)->list_next;                                            \
        else                                                                                       \
            (t)->head = (e)->list_next;                                                            \
        if ((e)->list_next)                                                                        \
            (e)->list_next->list_prev = (e)->list_prev;                                            \
        else                                                                                       \
            (t)->tail = (e)->list_prev;                                                            \
        (t)->count--;                                                                              \
    } while (0)

#endif
