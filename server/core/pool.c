/* Object pools: see pool.h. */
#include "pool.h"

#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>

/* LeakSanitizer scans malloc's chunks for pointers, not mapped pages: under ASan each block
 * is a root region, or what live entries own would be reported as leaked. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LSAN_ROOT(p, n)   __lsan_register_root_region((p), (n))
#define LSAN_UNROOT(p, n) __lsan_unregister_root_region((p), (n))
#else
#define LSAN_ROOT(p, n)   ((void)(p), (void)(n))
#define LSAN_UNROOT(p, n) ((void)(p), (void)(n))
#endif

enum { POOL_ALL, POOL_ROOM }; /* the two lists a block can be in (struct pool's lists) */

struct pool_block {
    struct pool_block *prev[2], *next[2]; /* in p->lists[POOL_ALL] and, with room, [POOL_ROOM] */
    void *spare;     /* released objects, chained through their first 8 bytes */
    uint32_t live;   /* objects handed out */
    uint32_t unused; /* objects never handed out, at the end of the block */
    unsigned char objs[] __attribute__((aligned(16))); /* as aligned as malloc's */
};

static bool has_room(const struct pool_block *b)
{
    return b->spare || b->unused;
}

static void list_push(struct pool *p, int l, struct pool_block *b)
{
    b->prev[l] = NULL;
    b->next[l] = p->lists[l];
    if (p->lists[l])
        p->lists[l]->prev[l] = b;
    p->lists[l] = b;
}

static void list_unlink(struct pool *p, int l, struct pool_block *b)
{
    if (b->prev[l])
        b->prev[l]->next[l] = b->next[l];
    else
        p->lists[l] = b->next[l];
    if (b->next[l])
        b->next[l]->prev[l] = b->prev[l];
    b->prev[l] = b->next[l] = NULL;
}

void pool_init(struct pool *p, size_t size, uint32_t min_per_block)
{
    memset(p, 0, sizeof(*p));
    p->size = (size + 7) & ~(size_t)7;
    size_t need = sizeof(struct pool_block) + p->size * (min_per_block ? min_per_block : 1);
    p->block_bytes = 4096;
    while (p->block_bytes < need)
        p->block_bytes <<= 1;
    p->per_block = (uint32_t)((p->block_bytes - sizeof(struct pool_block)) / p->size);
}

/* block_bytes of fresh pages aligned to block_bytes, straight from the kernel: malloc would
 * carve them from its heap, which keeps freed memory (server/main.c's trim threshold). */
static void *map_aligned(size_t bytes)
{
    uint8_t *m = mmap(NULL, 2 * bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    uint8_t *start = (uint8_t *)(((uintptr_t)m + bytes - 1) & ~(uintptr_t)(bytes - 1));
    if (start > m)
        munmap(m, (size_t)(start - m));
    munmap(start + bytes, (size_t)(m + 2 * bytes - (start + bytes)));
    return start;
}

static struct pool_block *block_new(struct pool *p)
{
    struct pool_block *b = map_aligned(p->block_bytes);
    if (!b)
        return NULL;
    b->unused = p->per_block;
    list_push(p, POOL_ALL, b);
    list_push(p, POOL_ROOM, b);
    p->nblocks++;
    p->empty_blocks++;
    LSAN_ROOT(b, p->block_bytes);
    ASAN_POISON_MEMORY_REGION(b->objs, p->size * p->per_block);
    return b;
}

static void block_unmap(struct pool *p, struct pool_block *b)
{
    ASAN_UNPOISON_MEMORY_REGION(b->objs, p->size * p->per_block);
    LSAN_UNROOT(b, p->block_bytes);
    munmap(b, p->block_bytes);
}

/* An emptied block (so one with room) goes. */
static void block_free(struct pool *p, struct pool_block *b)
{
    list_unlink(p, POOL_ROOM, b);
    list_unlink(p, POOL_ALL, b);
    p->nblocks--;
    block_unmap(p, b);
}

void *pool_alloc(struct pool *p)
{
    struct pool_block *b = p->lists[POOL_ROOM];
    if (!b && !(b = block_new(p)))
        return NULL;
    void *obj = b->spare;
    if (obj) {
        ASAN_UNPOISON_MEMORY_REGION(obj, p->size);
        memcpy(&b->spare, obj, sizeof(void *));
    } else {
        obj = b->objs + p->size * (p->per_block - b->unused--);
        ASAN_UNPOISON_MEMORY_REGION(obj, p->size);
    }
    if (b->live++ == 0)
        p->empty_blocks--;
    if (!has_room(b))
        list_unlink(p, POOL_ROOM, b);
    return obj;
}

void pool_release(struct pool *p, void *obj)
{
    struct pool_block *b = (struct pool_block *)((uintptr_t)obj & ~(uintptr_t)(p->block_bytes - 1));
    if (!has_room(b))
        list_push(p, POOL_ROOM, b); /* first in line: its freed object is the warmest */
    memcpy(obj, &b->spare, sizeof(void *));
    b->spare = obj;
    ASAN_POISON_MEMORY_REGION(obj, p->size);
    if (--b->live == 0) {
        if (p->empty_blocks)
            block_free(p, b);
        else
            p->empty_blocks++;
    }
}

void pool_destroy(struct pool *p)
{
    for (struct pool_block *b = p->lists[POOL_ALL], *next; b; b = next) {
        next = b->next[POOL_ALL];
        block_unmap(p, b);
    }
    p->lists[POOL_ALL] = p->lists[POOL_ROOM] = NULL;
    p->nblocks = p->empty_blocks = 0;
}

size_t pool_heap(const struct pool *p)
{
    return (size_t)p->nblocks * p->block_bytes;
}
