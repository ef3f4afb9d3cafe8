/* Object pools: see pool.h. */
#include "pool.h"

#include "dpi.h"

#include <sanitizer/asan_interface.h>
#include <stdlib.h>
#include <string.h>

struct pool_block {
    struct pool_block *next;
    uint64_t pad; /* objects start 16 bytes in, as aligned as malloc's */
    unsigned char objs[];
};

void pool_init(struct pool *p, size_t size, uint32_t per_block)
{
    memset(p, 0, sizeof(*p));
    p->size = (size + 7) & ~(size_t)7;
    p->per_block = per_block;
}

void *pool_alloc(struct pool *p)
{
    void *obj = p->spare;
    if (obj) {
        ASAN_UNPOISON_MEMORY_REGION(obj, p->size);
        memcpy(&p->spare, obj, sizeof(void *));
        return obj;
    }
    if (!p->unused) {
        struct pool_block *b = malloc(sizeof(*b) + p->size * p->per_block);
        if (!b)
            return NULL;
        b->next = p->blocks;
        p->blocks = b;
        p->unused = p->per_block;
        ASAN_POISON_MEMORY_REGION(b->objs, p->size * p->per_block);
    }
    obj = p->blocks->objs + p->size * (p->per_block - p->unused--);
    ASAN_UNPOISON_MEMORY_REGION(obj, p->size);
    return obj;
}

void pool_release(struct pool *p, void *obj)
{
    memcpy(obj, &p->spare, sizeof(void *));
    p->spare = obj;
    ASAN_POISON_MEMORY_REGION(obj, p->size);
}

void pool_destroy(struct pool *p)
{
    for (struct pool_block *b = p->blocks, *next; b; b = next) {
        next = b->next;
        ASAN_UNPOISON_MEMORY_REGION(b->objs, p->size * p->per_block);
        free(b);
    }
    p->blocks = NULL;
    p->unused = 0;
    p->spare = NULL;
}

size_t pool_heap(const struct pool *p)
{
    size_t n = 0;
    for (const struct pool_block *b = p->blocks; b; b = b->next)
        n += dpi_heap_bytes(b);
    return n;
}
