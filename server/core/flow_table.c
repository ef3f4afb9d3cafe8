/* The flow hash table: chained buckets sized from the configured maximum, plus a list in
 * creation order for walks and idle purge. Lookups match either orientation of the key.
 * Flows live in blocks the table owns: a calloc and a free per flow cost ~550 instructions
 * (a tenth of a packet's budget on the nDPI corpus), taking one from a block ~40. */
#include "iface.h"

#include "dpi.h"
#include "hash.h"

#include <sanitizer/asan_interface.h>
#include <stdlib.h>
#include <string.h>

#define FLOW_BLOCK_FLOWS 256

struct flow_block {
    struct flow_block *next;
    struct flow flows[FLOW_BLOCK_FLOWS];
};

/* A zeroed flow: a released one, else the next unused one of the newest block. */
static struct flow *flow_alloc(struct flow_table *t)
{
    struct flow *f = t->spare;
    if (f) {
        ASAN_UNPOISON_MEMORY_REGION(f, sizeof(*f));
        t->spare = f->hash_next;
    } else {
        if (!t->block_unused) {
            struct flow_block *b = malloc(sizeof(*b));
            if (!b)
                return NULL;
            b->next = t->blocks;
            t->blocks = b;
            t->block_unused = FLOW_BLOCK_FLOWS;
            /* Handed out one by one: ASan reports a use of any flow not handed out. */
            ASAN_POISON_MEMORY_REGION(b->flows, sizeof(b->flows));
        }
        f = &t->blocks->flows[FLOW_BLOCK_FLOWS - t->block_unused--];
        ASAN_UNPOISON_MEMORY_REGION(f, sizeof(*f));
    }
    memset(f, 0, sizeof(*f));
    return f;
}

void flow_table_release(struct flow_table *t, struct flow *f)
{
    f->hash_next = t->spare;
    t->spare = f;
    /* A released flow stays in its block: ASan reports any use of it, as of freed memory. */
    ASAN_POISON_MEMORY_REGION(f, sizeof(*f));
}

void flow_table_free_blocks(struct flow_table *t)
{
    for (struct flow_block *b = t->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    t->blocks = NULL;
    t->block_unused = 0;
    t->spare = NULL;
}

static inline uint32_t flow_key_hash(const struct flow_key *k)
{
    /* Symmetric in the two endpoints so both directions land in one bucket. */
    uint64_t h = hash_ipaddr(&k->cli) + hash_ipaddr(&k->srv);
    h += (uint64_t)k->cli_port + k->srv_port;
    h ^= ((uint64_t)k->vlan << 8) | k->proto | ((uint64_t)k->aux << 24);
    return (uint32_t)hash_mix64(h);
}

int flow_table_init(struct flow_table *t, uint32_t max_entries)
{
    memset(t, 0, sizeof(*t));
    uint32_t n = hash_bucket_count(max_entries);
    t->buckets = calloc(n, sizeof(*t->buckets));
    if (!t->buckets)
        return -1;
    t->mask = n - 1;
    t->max_entries = max_entries;
    return 0;
}

struct flow *flow_table_lookup(struct flow_table *t, const struct flow_key *k, bool *reversed)
{
    /* Packets come in runs of one flow: the last flow found is checked before hashing. */
    struct flow *f = t->last;
    if (f && (flow_key_same(&f->key, k) || flow_key_reversed(&f->key, k))) {
        *reversed = !flow_key_same(&f->key, k);
        return f;
    }
    for (f = t->buckets[flow_key_hash(k) & t->mask]; f; f = f->hash_next) {
        if (flow_key_same(&f->key, k)) {
            *reversed = false;
            return t->last = f;
        }
        if (flow_key_reversed(&f->key, k)) {
            *reversed = true;
            return t->last = f;
        }
    }
    return NULL;
}

struct flow *flow_table_insert(struct flow_table *t, const struct flow_key *k)
{
    if (t->count >= t->max_entries)
        return NULL;
    struct flow *f = flow_alloc(t);
    if (!f)
        return NULL;
    f->key = *k;
    f->id = t->next_id++;
    uint32_t b = flow_key_hash(k) & t->mask;
    f->hash_next = t->buckets[b];
    t->buckets[b] = f;
    f->list_prev = t->tail;
    if (t->tail)
        t->tail->list_next = f;
    else
        t->head = f;
    t->tail = f;
    t->count++;
    t->last = f;
    return f;
}

/* Unlinks f from the bucket and the list; the caller releases it (flow_table_release). */
void flow_table_remove(struct flow_table *t, struct flow *f)
{
    struct flow **pp = &t->buckets[flow_key_hash(&f->key) & t->mask];
    while (*pp && *pp != f)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = f->hash_next;
    if (f->list_prev)
        f->list_prev->list_next = f->list_next;
    else
        t->head = f->list_next;
    if (f->list_next)
        f->list_next->list_prev = f->list_prev;
    else
        t->tail = f->list_prev;
    t->count--;
    if (t->last == f)
        t->last = NULL;
}

void flow_table_rekey(struct flow_table *t, struct flow *f, const struct flow_key *k)
{
    struct flow **pp = &t->buckets[flow_key_hash(&f->key) & t->mask];
    while (*pp && *pp != f)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = f->hash_next;
    f->key = *k;
    uint32_t b = flow_key_hash(k) & t->mask;
    f->hash_next = t->buckets[b];
    t->buckets[b] = f;
}

size_t flow_table_heap(const struct flow_table *t, size_t *ndpi_bytes, uint32_t *ndpi_flows)
{
    size_t n = 0;
    *ndpi_bytes = 0;
    *ndpi_flows = 0;
    for (const struct flow_block *b = t->blocks; b; b = b->next)
        n += dpi_heap_bytes(b); /* the flows themselves, unused and released ones included */
    for (const struct flow *f = t->head; f; f = f->list_next) {
        size_t state;
        n += dpi_flow_heap(f, &state);
        *ndpi_bytes += state;
        *ndpi_flows += state != 0;
    }
    return n;
}
