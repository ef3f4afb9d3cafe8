/* Fixed-size objects carved from blocks their table owns (flows, hosts). A calloc and a
 * free per object cost ~550 instructions, a tenth of a packet's budget on the nDPI corpus
 * (doc/performance.md); taking one from a block costs a few dozen. Released objects are
 * reused first; the blocks are freed together when the table goes. Under ASan, objects
 * not handed out or released are poisoned, so a use of one is reported as of freed memory. */
#ifndef NTOP_POOL_H
#define NTOP_POOL_H

#include <stddef.h>
#include <stdint.h>

struct pool_block;

struct pool {
    size_t size;        /* object size, rounded up to 8 */
    uint32_t per_block; /* objects per block */
    struct pool_block *blocks;
    uint32_t unused; /* objects never handed out, at the end of the newest block */
    void *spare;     /* released objects, chained through their first 8 bytes */
};

void pool_init(struct pool *p, size_t size, uint32_t per_block);
/* An object's memory, not zeroed (like malloc); NULL when out of memory. */
void *pool_alloc(struct pool *p);
void pool_release(struct pool *p, void *obj);
/* Frees every block: every object of the pool, handed out or not, is gone. */
void pool_destroy(struct pool *p);
/* Heap bytes of the blocks (glibc chunk sizes, as dpi_heap_bytes counts them). */
size_t pool_heap(const struct pool *p);

#endif
