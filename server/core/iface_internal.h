/* What the interface's files (iface*.c) share; not for the rest of the probe. */
#ifndef NTOP_IFACE_INTERNAL_H
#define NTOP_IFACE_INTERNAL_H

#include "iface.h"

/* L4 slot of per-protocol counters; ICMPv6 counts as other IP, as in ntopng. */
static inline enum l4_slot l4_slot_of(uint8_t proto)
{
    switch (proto) {
    case 6:
        return L4_TCP;
    case 17:
        return L4_UDP;
    case 1:
        return L4_ICMP;
    default:
        return L4_OTHER;
    }
}

static inline void add_traffic(struct traffic *t, bool sent, uint64_t bytes)
{
    if (sent) {
        t->pkts_sent++;
        t->bytes_sent += bytes;
    } else {
        t->pkts_rcvd++;
        t->bytes_rcvd += bytes;
    }
}

/* Packets come in runs of one flow: the last one found is checked, inline, before hashing. */
static inline struct flow *flow_table_find(struct flow_table *t, const struct flow_key *k,
                                           bool *reversed)
{
    struct flow *f = t->last;
    if (f) {
        if (flow_key_same(&f->key, k)) {
            *reversed = false;
            return f;
        }
        if (flow_key_reversed(&f->key, k)) {
            *reversed = true;
            return f;
        }
    }
    return flow_table_lookup(t, k, reversed);
}

/* mac_table_get's first step without the call: most frames carry one of the last two MACs
 * it found. NULL when neither matches. */
static inline struct mac *mac_table_recent(const struct mac_table *t, const uint8_t *addr)
{
    for (int i = 0; i < 2; i++)
        if (t->recent[i] && mac_addr_eq(t->recent[i]->addr, addr))
            return t->recent[i];
    return NULL;
}

/* iface.c */
/* Frees what f owns (nDPI state, metadata, alerts); the flow table keeps f's memory. */
void flow_free_state(struct flow *f);

/* iface_hosts.c */
struct host *host_get(struct iface *ifc, const struct ipaddr *ip, uint16_t vlan, const uint8_t *mac,
                      uint64_t ts);
void host_release(struct iface *ifc, struct host *h);
/* Index of h's counters for proto in h->l7, added when missing; -1 when out of memory. */
int host_l7_slot(struct host *h, uint16_t proto);
bool peer_set_add(struct peer_set **ps, uint32_t key);
uint32_t peer_key(const struct host *peer, bool as_client);

/* iface_l7.c */
void account_l7_packet(struct iface *ifc, struct flow *f, bool src_is_client, uint64_t bytes,
                       uint64_t ts_us);
void finish_detection(struct iface *ifc, struct flow *f, uint64_t ts_us);
void host_set_name(struct host *h, const char *name);

/* iface_flows.c */
/* A packet's flow key and the flow found for it, if any. */
struct flow_lookup {
    struct flow_key key;
    struct flow *flow;
    bool reversed; /* the packet goes from the key's server to its client */
};
void flow_key_of(const struct pkt *p, struct flow_key *k);
/* The flow found (l->flow), else a new one for the packet; NULL when the table is full. */
struct flow *flow_get(struct iface *ifc, const struct pkt *p, const struct flow_lookup *l,
                      bool *src_is_client, bool *is_new);
void flow_swap(struct iface *ifc, struct flow *f);
void flow_request_swap(struct iface *ifc, struct flow *f);
void update_tcp_seq(struct iface *ifc, struct flow_dir *d, const struct pkt *p);
void account_networks(struct iface *ifc, const struct host *src, const struct host *dst,
                      int64_t bytes, int64_t pkts);

#endif
