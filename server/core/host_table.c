/* Host and MAC hash tables: chained buckets plus a creation-order list. */
#include "iface.h"

#include "dpi.h"
#include "hash.h"
#include "host_contacts.h"
#include "table_links.h"

#include <stdlib.h>
#include <string.h>

#define HOSTS_PER_BLOCK 256

static inline uint32_t host_hash(const struct ipaddr *ip, uint16_t vlan)
{
    return (uint32_t)(hash_ipaddr(ip) ^ ((uint64_t)vlan * 0x9e3779b97f4a7c15ULL));
}

int host_table_init(struct host_table *t, uint32_t max_entries)
{
    memset(t, 0, sizeof(*t));
    pool_init(&t->mem, sizeof(struct host), HOSTS_PER_BLOCK);
    if (!(t->buckets = table_buckets_new(max_entries, &t->mask)))
        return -1;
    t->max_entries = max_entries;
    return 0;
}

struct host *host_table_lookup(struct host_table *t, const struct ipaddr *ip, uint16_t vlan)
{
    for (struct host *h = t->buckets[host_hash(ip, vlan) & t->mask]; h; h = h->hash_next)
        if (h->vlan == vlan && ipaddr_eq(&h->ip, ip))
            return h;
    return NULL;
}

struct host *host_table_insert(struct host_table *t, const struct ipaddr *ip, uint16_t vlan)
{
    if (t->count >= t->max_entries)
        return NULL;
    struct host *h = pool_alloc(&t->mem);
    if (!h)
        return NULL;
    memset(h, 0, sizeof(*h));
    h->ip = *ip;
    h->vlan = vlan;
    h->network_id = -1;
    h->id = t->next_id++;
    TABLE_LINK(t, h, host_hash(ip, vlan) & t->mask);
    return h;
}

void host_table_remove(struct host_table *t, struct host *h)
{
    TABLE_UNLINK(t, h, host_hash(&h->ip, h->vlan) & t->mask);
    if (h->unicast) {
        t->unicast_count--;
        if (h->local)
            t->local_count--;
    }
}

static void host_free_state(struct host *h)
{
    free(h->l7);
    free(h->peers);
    host_contacts_free(h);
    free(h->name);
}

void host_free(struct host_table *t, struct host *h)
{
    host_free_state(h);
    pool_release(&t->mem, h);
}

uint32_t host_score(const struct host *h)
{
    return h->score_as_client + h->score_as_server;
}

void host_table_destroy(struct host_table *t)
{
    struct host *h = t->head;
    while (h) {
        struct host *next = h->list_next;
        host_free_state(h);
        h = next;
    }
    pool_destroy(&t->mem);
    free(t->buckets);
    memset(t, 0, sizeof(*t));
}

static inline uint32_t mac_hash(const uint8_t a[6])
{
    uint64_t v = 0;
    memcpy(&v, a, 6);
    return (uint32_t)hash_mix64(v);
}

/* The bucket array grows with the MACs seen (a sensor sees a few thousand at most, whatever
 * its host table size): small, it stays in the cache that every frame's two lookups need. */
#define MAC_BUCKETS_MIN 1024 /* table_buckets_new's least */
#define MACS_PER_BLOCK  64

int mac_table_init(struct mac_table *t)
{
    memset(t, 0, sizeof(*t));
    pool_init(&t->mem, sizeof(struct mac), MACS_PER_BLOCK);
    return (t->buckets = table_buckets_new(MAC_BUCKETS_MIN, &t->mask)) ? 0 : -1;
}

/* Doubles the buckets once there are more MACs than buckets; on allocation failure the
 * chains just get longer. */
static void mac_table_grow(struct mac_table *t)
{
    uint32_t mask;
    struct mac **b = table_buckets_new((t->mask + 1) * 2, &mask);
    if (!b)
        return;
    free(t->buckets);
    t->buckets = b;
    t->mask = mask;
    for (struct mac *m = t->head; m; m = m->list_next)
        TABLE_BUCKET_PUSH(t, m, mac_hash(m->addr) & t->mask);
}

struct mac *mac_table_get(struct mac_table *t, const uint8_t addr[6], bool create)
{
    /* Every frame looks up its two MACs, and runs of frames share them: the last two found
     * are checked first (MACs are never removed before the table is destroyed). */
    for (int i = 0; i < 2; i++)
        if (t->recent[i] && mac_addr_eq(t->recent[i]->addr, addr))
            return t->recent[i];
    uint32_t b = mac_hash(addr) & t->mask;
    for (struct mac *m = t->buckets[b]; m; m = m->hash_next)
        if (mac_addr_eq(m->addr, addr)) {
            t->recent[t->recent_next ^= 1] = m;
            return m;
        }
    if (!create)
        return NULL;
    struct mac *m = pool_alloc(&t->mem);
    if (!m)
        return NULL;
    memset(m, 0, sizeof(*m));
    memcpy(m->addr, addr, 6);
    m->special = (addr[0] & 1) != 0;
    TABLE_LINK(t, m, b);
    if (t->count > t->mask + 1 && t->mask < (1u << 24))
        mac_table_grow(t);
    t->recent[t->recent_next ^= 1] = m;
    return m;
}

void mac_table_destroy(struct mac_table *t)
{
    pool_destroy(&t->mem);
    free(t->buckets);
    memset(t, 0, sizeof(*t));
}

size_t host_table_heap(const struct host_table *t)
{
    size_t n = pool_heap(&t->mem); /* the hosts themselves, unused and released ones too */
    for (const struct host *h = t->head; h; h = h->list_next)
        n += dpi_heap_bytes(h->l7) + dpi_heap_bytes(h->peers) + dpi_heap_bytes(h->name);
    return n;
}

size_t mac_table_heap(const struct mac_table *t)
{
    return pool_heap(&t->mem);
}
