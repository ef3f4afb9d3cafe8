/* The bump allocator messages are built in (no Lua here: the C client links it alone). */
#include "wire_lua.h"

#include <stdlib.h>
#include <string.h>

struct wire_chunk {
    struct wire_chunk *next;
    size_t used, size;
    max_align_t data[];
};

#define WIRE_CHUNK_MIN (64 * 1024)

void *wire_arena_alloc(struct wire_arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    struct wire_chunk *c = a->chunks;
    if (!c || c->size - c->used < size) {
        size_t cap = size > WIRE_CHUNK_MIN ? size : WIRE_CHUNK_MIN;
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->size = cap;
        c->used = 0;
        c->next = a->chunks;
        a->chunks = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

void wire_arena_free(struct wire_arena *a)
{
    struct wire_chunk *c = a->chunks;
    while (c) {
        struct wire_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->chunks = NULL;
}
