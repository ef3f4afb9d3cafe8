/* Fixed-size objects carved from blocks their table owns (flows, hosts, MACs). A calloc and a
 * free per object cost ~550 instructions, a tenth of a packet's budget on the nDPI corpus
 * (doc/performance.md); taking one from a block costs a few dozen.
 *
 * Blocks are aligned to their size (a power of two), so a released object finds its block
 * by masking its address. Each block keeps its own released objects; objects are taken from
 * blocks that have room, most recently freed first. A block whose objects are all released
 * again is freed, except one kept empty for the next burst: after a traffic peak is purged, a
 * sensor gives the peak's memory back to the system at once (blocks are mapped pages, not
 * malloc's). Under ASan, objects not handed out or released are poisoned, so a use of one is
 * reported as of freed memory. */
#ifndef NTOP_POOL_H
#define NTOP_POOL_H

#include <stddef.h>
#include <stdint.h>

struct pool_block;

struct pool {
    size_t size;        /* object size, rounded up to 8 */
    size_t block_bytes; /* a power of two; blocks are aligned to it */
    uint32_t per_block; /* objects per block */
    uint32_t nblocks;
    uint32_t empty_blocks; /* blocks with room and no object handed out (kept: at most 1) */
    /* [POOL_ALL]: every block; [POOL_ROOM]: the blocks with room, where objects are taken */
    struct pool_block *lists[2];
};

/* Objects of `size` bytes, at least min_per_block of them per block. */
void pool_init(struct pool *p, size_t size, uint32_t min_per_block);
/* An object's memory, not zeroed (like malloc); NULL when out of memory. */
void *pool_alloc(struct pool *p);
/* Gives obj back; its block is freed when it was the block's last object handed out and
 * another empty block is kept already. */
void pool_release(struct pool *p, void *obj);
/* Frees every block: every object of the pool, handed out or not, is gone. */
void pool_destroy(struct pool *p);
/* Bytes of the blocks held. */
size_t pool_heap(const struct pool *p);

#endif
