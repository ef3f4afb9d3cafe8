/* Shared blocks: one allocation holding the strings and record entries of a decoded list of
 * records, so a 10,000-host page costs a few allocations instead of ~300,000. Every value
 * that points into a block (a string, a record table's entries) holds one reference; the
 * block is freed when the last of them is cleared. Values say they are shared through their
 * internal fields (string.block_/tag_, table.cap_array/cap_entries) with a tag that also
 * covers the data pointer, so a value filled by hand is never taken for a shared one. */
#include "client_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Blocks from this size on are mapped with transparent huge pages allowed: a 10,000-host
 * page is ~35 MB of entries, and 4 KB page faults on it cost more than decoding. */
#define BLOCK_MAP_MIN  ((size_t)4 << 20)
#define HUGE_PAGE_SIZE ((size_t)2 << 20)

/* The last mapped block freed is kept for the next one (a client reading page after page
 * reuses the same memory instead of having the kernel map and zero ~35 MB each time), up to
 * this size. */
#define BLOCK_SPARE_MAX ((size_t)256 << 20)

/* The internal string fields live in the union's room: the public layout is unchanged. */
_Static_assert(sizeof(struct ntop_value) == 56 && sizeof(struct ntop_entry) == 112,
               "struct ntop_value keeps its size (ABI)");

struct ntop_block {
    atomic_size_t refs;
    size_t mapped; /* bytes mapped (munmap), 0 when malloc'd */
    max_align_t data[];
};

static _Atomic(struct ntop_block *) spare;

static void *block_map(size_t size, size_t *mapped)
{
    struct ntop_block *s = atomic_exchange_explicit(&spare, NULL, memory_order_acquire);
    if (s && s->mapped >= size && s->mapped / 2 <= size) { /* not much bigger than needed */
        *mapped = s->mapped;
        return s;
    }
    if (s)
        munmap(s, s->mapped);
    size_t len = (size + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1);
    /* over-map by one huge page to align the start, then give the slack back */
    char *p = mmap(NULL, len + HUGE_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uintptr_t start = ((uintptr_t)p + HUGE_PAGE_SIZE - 1) & ~(uintptr_t)(HUGE_PAGE_SIZE - 1);
    size_t head = start - (uintptr_t)p, tail = HUGE_PAGE_SIZE - head;
    if (head)
        munmap(p, head);
    if (tail)
        munmap((char *)start + len, tail);
#ifdef MADV_HUGEPAGE
    madvise((void *)start, len, MADV_HUGEPAGE); /* a hint: fine if refused */
#endif
    *mapped = len;
    return (void *)start;
}

struct ntop_block *ntop_block_new(size_t size)
{
    size_t total = sizeof(struct ntop_block) + size, mapped = 0;
    if (total < size)
        return NULL;
    struct ntop_block *b = total >= BLOCK_MAP_MIN ? block_map(total, &mapped) : malloc(total);
    if (!b)
        return NULL;
    atomic_init(&b->refs, NTOP_BLOCK_BUILDING);
    b->mapped = mapped;
    return b;
}

void *ntop_block_data(struct ntop_block *b)
{
    return b->data;
}

void ntop_block_release(struct ntop_block *b, size_t n)
{
    if (!b || n == 0)
        return;
    if (atomic_fetch_sub_explicit(&b->refs, n, memory_order_acq_rel) != n)
        return;
    if (!b->mapped) {
        free(b);
        return;
    }
    if (b->mapped <= BLOCK_SPARE_MAX)
        b = atomic_exchange_explicit(&spare, b, memory_order_acq_rel);
    if (b)
        munmap(b, b->mapped);
}

void ntop_string_share(struct ntop_value *v, struct ntop_block *b, char *data, size_t len)
{
    v->type = NTOP_TSTRING;
    v->string.data = data;
    v->string.len = len;
    v->string.block_ = b;
    v->string.tag_ = ntop_string_tag(b, data);
}

void ntop_table_share(struct ntop_value *t, struct ntop_block *b, struct ntop_entry *entries)
{
    t->type = NTOP_TTABLE;
    t->table.array = NULL;
    t->table.n_array = 0;
    t->table.entries = entries;
    t->table.n_entries = 0;
    t->table.cap_array = (uintptr_t)b;
    t->table.cap_entries = (uintptr_t)b ^ (uintptr_t)entries ^ NTOP_TABLE_SALT;
}

int ntop_table_own(struct ntop_value *t)
{
    struct ntop_block *b = ntop_table_block(t);
    if (!b)
        return 0;
    const size_t n = t->table.n_entries;
    struct ntop_entry *e = NULL;
    if (n && !(e = malloc(n * sizeof(*e))))
        return NTOP_ENOMEM;
    if (n)
        memcpy(e, t->table.entries, n * sizeof(*e)); /* the keys and values move as they are */
    t->table.entries = e;
    t->table.cap_entries = n;
    t->table.cap_array = 0;
    ntop_block_release(b, 1);
    return 0;
}
