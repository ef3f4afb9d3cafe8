/* Hosts of an interface: creation with ntopng's local/unicast flags, MAC links, per-L7
 * slots and distinct peers. */
#include "iface_internal.h"

#include "../checks/blacklist.h"

#include "dpi.h"
#include "log.h"
#include "probe.h"

#include <stdlib.h>
#include <string.h>

/* ---- hosts ---- */

/* ntopng flags the network and broadcast addresses of a local network as broadcast. */
static bool is_local_net_edge(const struct probe *pr, const struct ipaddr *ip, int net)
{
    if (net < 0 || ip->ver != 4)
        return false;
    int bits = pr->local_nets.nets[net].bits;
    if (bits < 1 || bits > 30)
        return false;
    uint32_t hostmask = (1u << (32 - bits)) - 1;
    uint32_t v = ipaddr_v4(ip) & hostmask;
    return v == 0 || v == hostmask;
}

struct host *host_get(struct iface *ifc, const struct ipaddr *ip, uint16_t vlan, const uint8_t *mac,
                      uint64_t ts)
{
    struct host *h = host_table_lookup(&ifc->hosts, ip, vlan);
    if (!h) {
        h = host_table_insert(&ifc->hosts, ip, vlan);
        if (!h) {
            if (ifc->hosts.dropped_full++ == 0)
                log_warning("%s: host table full (%u hosts): new hosts are not tracked; raise -x",
                            ifc->name, ifc->hosts.max_entries);
            return NULL;
        }
        int net = -1;
        h->local = probe_is_local(ifc->probe, ip, &net);
        h->network_id = (int16_t)net;
        h->multicast = ipaddr_is_multicast(ip);
        h->broadcast = ipaddr_is_broadcast(ip) || is_local_net_edge(ifc->probe, ip, net);
        h->is_private = ipaddr_is_private(ip);
        h->blacklisted = blacklist_contains(ip);
        h->first_seen_us = ts;
        static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        /* Decided once, at creation, as ntopng does. */
        h->unicast = !h->multicast && !h->broadcast && !(mac && memcmp(mac, bcast_mac, 6) == 0);
        if (h->unicast) {
            ifc->hosts.unicast_count++;
            if (h->local)
                ifc->hosts.local_count++;
            if (net >= 0)
                ifc->nets[net].num_hosts++;
        }
    }
    if (mac && !(mac[0] & 1) && (!h->has_mac || memcmp(h->mac, mac, 6) != 0)) {
        if (h->has_mac) {
            struct mac *old = mac_table_get(&ifc->macs, h->mac, false);
            if (old && old->num_hosts)
                old->num_hosts--;
        }
        memcpy(h->mac, mac, 6);
        h->has_mac = true;
        struct mac *m = mac_table_get(&ifc->macs, mac, false);
        if (m)
            m->num_hosts++;
    }
    h->last_seen_us = ts;
    return h;
}

void host_release(struct iface *ifc, struct host *h)
{
    if (h && h->refs > 0)
        h->refs--;
}

int host_l7_slot(struct host *h, uint16_t proto)
{
    for (uint16_t i = 0; i < h->l7_count; i++)
        if (h->l7[i].proto == proto)
            return i;
    if (h->l7_count == FLOW_L7_SLOT_NONE)
        return -1; /* an index must stay below the "none" mark flows keep */
    if (h->l7_count == h->l7_cap) {
        uint16_t cap = h->l7_cap ? (uint16_t)(h->l7_cap * 2) : 4;
        struct host_l7 *n = realloc(h->l7, cap * sizeof(*n));
        if (!n)
            return -1;
        h->l7 = n;
        h->l7_cap = cap;
    }
    struct host_l7 *s = &h->l7[h->l7_count];
    memset(s, 0, sizeof(*s));
    s->proto = proto;
    return h->l7_count++;
}

/* ---- contacts: distinct peers in a small open-addressing set of address hashes ---- */

struct peer_set {
    uint32_t cap, count;
    uint32_t slots[];
};

#define PEER_SET_MAX 4096

bool peer_set_add(struct peer_set **ps, uint32_t key)
{
    if (key == 0)
        key = 1;
    struct peer_set *s = *ps;
    if (!s || s->count * 2 >= s->cap) {
        uint32_t cap = s ? s->cap * 2 : 8;
        if (cap > PEER_SET_MAX)
            return false; /* saturated: further peers are not counted */
        struct peer_set *n = calloc(1, sizeof(*n) + cap * sizeof(uint32_t));
        if (!n)
            return false;
        n->cap = cap;
        if (s) {
            for (uint32_t i = 0; i < s->cap; i++) {
                uint32_t v = s->slots[i];
                if (!v)
                    continue;
                uint32_t j = v & (cap - 1);
                while (n->slots[j])
                    j = (j + 1) & (cap - 1);
                n->slots[j] = v;
                n->count++;
            }
            free(s);
        }
        *ps = s = n;
    }
    uint32_t j = key & (s->cap - 1);
    while (s->slots[j]) {
        if (s->slots[j] == key)
            return false;
        j = (j + 1) & (s->cap - 1);
    }
    s->slots[j] = key;
    s->count++;
    return true;
}

uint32_t peer_key(const struct host *peer, bool as_client)
{
    /* FNV-1a over the 16 address bytes. A zero byte only multiplies by the prime, so the
     * 12 zero bytes that lead every IPv4 address are one multiply by its 12th power. */
    uint32_t h = 2166136261u;
    int i = 0;
    uint64_t w0;
    uint32_t w1;
    memcpy(&w0, peer->ip.b, 8);
    memcpy(&w1, peer->ip.b + 8, 4);
    if (w0 == 0 && w1 == 0) {
        h *= 0xd38c7031u; /* 16777619^12 mod 2^32 */
        i = 12;
    }
    for (; i < 16; i++)
        h = (h ^ peer->ip.b[i]) * 16777619u;
    h = (h ^ peer->vlan) * 16777619u;
    /* One set serves both roles: the top bit tells them apart. */
    return as_client ? (h | 0x80000000u) : (h & 0x7fffffffu);
}
