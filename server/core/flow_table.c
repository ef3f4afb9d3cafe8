/* The flow hash table: chained buckets sized from the configured maximum, plus a list in
 * creation order for walks and idle purge. Lookups match either orientation of the key.
 * The flows live in the table's pool (pool.h). */
#include "iface.h"

#include "dpi.h"
#include "hash.h"
#include "table_links.h"

#include <stdlib.h>
#include <string.h>

#define FLOWS_PER_BLOCK 256

void flow_table_release(struct flow_table *t, struct flow *f)
{
    pool_release(&t->mem, f);
}

void flow_table_free_blocks(struct flow_table *t)
{
    pool_destroy(&t->mem);
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
    pool_init(&t->mem, sizeof(struct flow), FLOWS_PER_BLOCK);
    if (!(t->buckets = table_buckets_new(max_entries, &t->mask)))
        return -1;
    t->max_entries = max_entries;
    return 0;
}

struct flow *flow_table_lookup(struct flow_table *t, const struct flow_key *k, bool *reversed)
{
    for (struct flow *f = t->buckets[flow_key_hash(k) & t->mask]; f; f = f->hash_next) {
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
    struct flow *f = pool_alloc(&t->mem);
    if (!f)
        return NULL;
    memset(f, 0, sizeof(*f));
    f->key = *k;
    f->id = t->next_id++;
    TABLE_LINK(t, f, flow_key_hash(k) & t->mask);
    t->last = f;
    return f;
}

/* Unlinks f from the bucket and the list; the caller releases it (flow_table_release). */
void flow_table_remove(struct flow_table *t, struct flow *f)
{
    TABLE_UNLINK(t, f, flow_key_hash(&f->key) & t->mask);
    if (t->last == f)
        t->last = NULL;
}

void flow_table_rekey(struct flow_table *t, struct flow *f, const struct flow_key *k)
{
    TABLE_BUCKET_UNLINK(t, f, flow_key_hash(&f->key) & t->mask);
    f->key = *k;
    TABLE_BUCKET_PUSH(t, f, flow_key_hash(k) & t->mask);
}

size_t flow_table_heap(const struct flow_table *t, size_t *ndpi_bytes, uint32_t *ndpi_flows)
{
    *ndpi_bytes = 0;
    *ndpi_flows = 0;
    size_t n = pool_heap(&t->mem); /* the flows themselves, unused and released ones too */
    for (const struct flow *f = t->head; f; f = f->list_next) {
        size_t state;
        n += dpi_flow_heap(f, &state);
        *ndpi_bytes += state;
        *ndpi_flows += state != 0;
    }
    return n;
}
