/* Interface life cycle and the per-packet path: counters, flows, hosts, MACs, networks. */
#include "iface.h"

#include "dpi.h"
#include "log.h"
#include "probe.h"

#include <stdlib.h>
#include <string.h>

struct iface *iface_new(struct probe *probe, int id, const char *name, bool is_file)
{
    struct iface *ifc = calloc(1, sizeof(*ifc));
    if (!ifc)
        return NULL;
    ifc->id = id;
    ifc->probe = probe;
    ifc->is_file = is_file;
    ifc->name = strdup(name);
    ifc->description = strdup(name);
    pthread_mutex_init(&ifc->call_lock, NULL);
    if (!ifc->name || !ifc->description || flow_table_init(&ifc->flows, probe->opt.max_flows) ||
        host_table_init(&ifc->hosts, probe->opt.max_hosts) || mac_table_init(&ifc->macs) ||
        dpi_init(ifc))
        goto fail;
    ifc->l7_size = dpi_num_protocols(ifc) + 1;
    ifc->l7 = calloc(ifc->l7_size, sizeof(*ifc->l7));
    ifc->nets = calloc(NETLIST_MAX, sizeof(*ifc->nets));
    ifc->l7_num_categories = dpi_num_categories();
    ifc->categories = calloc(ifc->l7_num_categories, sizeof(*ifc->categories));
    if (!ifc->l7 || !ifc->nets || !ifc->categories)
        goto fail;
    return ifc;
fail:
    iface_free(ifc);
    return NULL;
}

static void flow_free(struct flow *f)
{
    dpi_free_flow(f);
    free(f);
}

void flow_table_destroy(struct flow_table *t, struct iface *ifc)
{
    (void)ifc;
    struct flow *f = t->head;
    while (f) {
        struct flow *next = f->list_next;
        flow_free(f);
        f = next;
    }
    free(t->buckets);
    memset(t, 0, sizeof(*t));
}

void iface_free(struct iface *ifc)
{
    if (!ifc)
        return;
    if (ifc->flows.buckets)
        flow_table_destroy(&ifc->flows, ifc);
    if (ifc->hosts.buckets)
        host_table_destroy(&ifc->hosts);
    if (ifc->macs.buckets)
        mac_table_destroy(&ifc->macs);
    dpi_destroy(ifc);
    pthread_mutex_destroy(&ifc->call_lock);
    free(ifc->l7);
    free(ifc->categories);
    free(ifc->nets);
    free(ifc->name);
    free(ifc->description);
    free(ifc);
}

struct host *iface_find_host(struct iface *ifc, const struct ipaddr *ip, uint16_t vlan)
{
    return host_table_lookup(&ifc->hosts, ip, vlan);
}

struct mac *iface_find_mac(struct iface *ifc, const uint8_t addr[6])
{
    return mac_table_get(&ifc->macs, addr, false);
}

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

static struct host *host_get(struct iface *ifc, const struct ipaddr *ip, uint16_t vlan,
                             const uint8_t *mac, uint64_t ts)
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

static void host_release(struct iface *ifc, struct host *h)
{
    if (h && h->refs > 0)
        h->refs--;
}

static struct host_l7 *host_l7_slot(struct host *h, uint16_t proto)
{
    for (uint16_t i = 0; i < h->l7_count; i++)
        if (h->l7[i].proto == proto)
            return &h->l7[i];
    if (h->l7_count == h->l7_cap) {
        uint16_t cap = h->l7_cap ? (uint16_t)(h->l7_cap * 2) : 4;
        struct host_l7 *n = realloc(h->l7, cap * sizeof(*n));
        if (!n)
            return NULL;
        h->l7 = n;
        h->l7_cap = cap;
    }
    struct host_l7 *s = &h->l7[h->l7_count++];
    memset(s, 0, sizeof(*s));
    s->proto = proto;
    return s;
}

/* ---- contacts: distinct peers in a small open-addressing set of address hashes ---- */

struct peer_set {
    uint32_t cap, count;
    uint32_t slots[];
};

#define PEER_SET_MAX 4096

static bool peer_set_add(struct peer_set **ps, uint32_t key)
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

static uint32_t peer_key(const struct host *peer, bool as_client)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ peer->ip.b[i]) * 16777619u;
    h = (h ^ peer->vlan) * 16777619u;
    /* One set serves both roles: the top bit tells them apart. */
    return as_client ? (h | 0x80000000u) : (h & 0x7fffffffu);
}

/* ---- flows ---- */

static enum l4_slot l4_slot_of(uint8_t proto)
{
    switch (proto) {
    case 6:
        return L4_TCP;
    case 17:
        return L4_UDP;
    case 1: /* ICMPv6 counts as other IP, as in ntopng */
        return L4_ICMP;
    default:
        return L4_OTHER;
    }
}

static void add_traffic(struct traffic *t, bool sent, uint64_t bytes)
{
    if (sent) {
        t->pkts_sent++;
        t->bytes_sent += bytes;
    } else {
        t->pkts_rcvd++;
        t->bytes_rcvd += bytes;
    }
}

static void l7_duration_tick(uint32_t *duration, uint32_t *last_sec, uint64_t ts_us)
{
    uint32_t sec = (uint32_t)(ts_us / 1000000u);
    if (sec != *last_sec) {
        *last_sec = sec;
        (*duration)++;
    }
}

/* Adds `c2s`/`s2c` traffic of flow f to the L7 counters of the interface and both hosts. */
static void account_l7(struct iface *ifc, struct flow *f, const struct flow_dir *c2s,
                       const struct flow_dir *s2c, uint64_t ts_us, bool new_flow)
{
    uint16_t proto = dpi_flow_stats_proto(ifc, f);
    if (proto >= ifc->l7_size)
        proto = 0;
    struct l7_counters *ic = &ifc->l7[proto];
    /* Interface side: client-to-server traffic is "sent", the reverse "rcvd". */
    ic->t.pkts_sent += c2s->packets;
    ic->t.bytes_sent += c2s->bytes;
    ic->t.pkts_rcvd += s2c->packets;
    ic->t.bytes_rcvd += s2c->bytes;
    l7_duration_tick(&ic->duration, &ic->last_sec, ts_us);
    if (new_flow)
        ic->num_flows++;
    if (f->ndpi_category < ifc->l7_num_categories) {
        struct l7_counters *cc = &ifc->categories[f->ndpi_category];
        cc->t.pkts_sent += c2s->packets;
        cc->t.bytes_sent += c2s->bytes;
        cc->t.pkts_rcvd += s2c->packets;
        cc->t.bytes_rcvd += s2c->bytes;
        l7_duration_tick(&cc->duration, &cc->last_sec, ts_us);
        if (new_flow)
            cc->num_flows++;
    }

    struct host *ends[2] = {f->cli_host, f->srv_host};
    for (int i = 0; i < 2; i++) {
        struct host *h = ends[i];
        if (!h)
            continue;
        struct host_l7 *s = host_l7_slot(h, proto);
        if (!s)
            continue;
        const struct flow_dir *out = i == 0 ? c2s : s2c;
        const struct flow_dir *in = i == 0 ? s2c : c2s;
        s->category = f->ndpi_category;
        s->t.pkts_sent += out->packets;
        s->t.bytes_sent += out->bytes;
        s->t.pkts_rcvd += in->packets;
        s->t.bytes_rcvd += in->bytes;
        l7_duration_tick(&s->duration, &s->last_sec, ts_us);
        if (new_flow)
            s->num_flows++;
    }
}

static void host_set_name(struct host *h, const char *name)
{
    if (!h || !name || !*name || (h->name && strcmp(h->name, name) == 0))
        return;
    char *copy = strdup(name);
    if (!copy)
        return;
    free(h->name);
    h->name = copy;
}

/* Names come from what the traffic says about a server: the HTTP Host or TLS/QUIC SNI it
 * was asked for, and the address a DNS answer gave for a name. */
static void learn_names(struct iface *ifc, struct flow *f)
{
    const struct flow_meta *m = f->meta;
    if (!m)
        return;
    if (m->dns_query) {
        if (m->dns_answer.ver) {
            struct host *h = host_table_lookup(&ifc->hosts, &m->dns_answer, f->key.vlan);
            host_set_name(h, m->dns_query);
        }
    } else if (m->host_server_name && (m->http_url || m->tls_version || m->http_method ||
                                       f->key.proto == 6 || f->key.proto == 17)) {
        host_set_name(f->srv_host, m->host_server_name);
    }
}

static void finish_detection(struct iface *ifc, struct flow *f, uint64_t ts_us)
{
    dpi_finish(ifc, f);
    if (f->l7_accounted)
        return;
    learn_names(ifc, f);
    /* Everything the flow carried so far goes to the protocol now known. */
    f->l7_accounted = true;
    account_l7(ifc, f, &f->c2s, &f->s2c, ts_us, true);
}

/* ntopng's sequence analysis: a repeat of the last sequence number is a retransmission,
 * older data seen again is "lost", anything else unexpected (a forward gap) out of order. */
static void update_tcp_seq(struct iface *ifc, struct flow_dir *d, const struct pkt *p)
{
    uint32_t hdr = (uint32_t)(p->payload - (p->data + p->l3_offset));
    uint32_t len = p->ip_len > hdr ? p->ip_len - hdr : 0;
    uint32_t seq = p->tcp_seq;
    uint32_t next = seq + ((p->tcp_flags & TH_SYN) ? 1 : 0) + len;
    if (d->next_seq != 0) {
        bool keep_alive =
            seq == d->next_seq - 1 && len <= 1 && !(p->tcp_flags & (TH_SYN | TH_FIN | TH_RST));
        if (seq == d->next_seq || seq == d->next_seq + 1 || keep_alive) {
            /* in order */
        } else if (seq == d->last_seq && d->next_seq != d->last_seq) {
            d->retransmissions++;
            ifc->c.tcp_retransmissions++;
        } else if (seq < d->last_seq && seq < d->next_seq) {
            d->lost++;
            ifc->c.tcp_lost++;
        } else {
            d->out_of_order++;
            ifc->c.tcp_out_of_order++;
            if (seq - 1 > d->last_seq)
                d->last_seq = seq;
            d->next_seq = next;
            return;
        }
    }
    d->next_seq = next;
    d->last_seq = seq;
}

/* The extra key part that keeps ntopng's flow boundaries (see struct flow_key). */
static uint32_t flow_aux_key(const struct pkt *p)
{
    if (p->l4_proto == 17 && p->l4_present && (p->sport == 53 || p->dport == 53) &&
        p->payload_len > 20)
        return (uint32_t)((p->payload[0] << 8) | p->payload[1]) + 1; /* DNS transaction id */
    if (p->l4_proto == 1 && p->l4_present && p->icmp_type == 3 && p->icmp_code == 3 &&
        p->payload_len >= 4 + 20 + 8) {
        /* Port unreachable: the embedded IPv4+UDP header names the refused flow. */
        const uint8_t *in = p->payload + 4;
        uint32_t ihl = (uint32_t)(in[0] & 0x0f) * 4;
        if (in[9] == 17 && ihl >= 20 && p->payload_len >= 4 + ihl + 8) {
            uint32_t k = 0;
            for (int i = 12; i < 20; i++)
                k += in[i];
            k += (uint32_t)((in[ihl] << 8) | in[ihl + 1]) +
                 (uint32_t)((in[ihl + 2] << 8) | in[ihl + 3]);
            return k + 17;
        }
    }
    return 0;
}

static void host_add_flow_role(struct host *h, bool client)
{
    if (!h)
        return;
    if (client) {
        h->active_flows_as_client++;
        h->flows_as_client++;
    } else {
        h->active_flows_as_server++;
        h->flows_as_server++;
    }
}

static struct flow *flow_get(struct iface *ifc, const struct pkt *p, bool *src_is_client,
                             bool *is_new)
{
    *is_new = false;
    struct flow_key k = {.cli = p->src,
                         .srv = p->dst,
                         .vlan = p->vlan_id,
                         .proto = p->l4_proto,
                         .aux = flow_aux_key(p)};
    if (p->l4_present &&
        (p->l4_proto == 6 || p->l4_proto == 17 || p->l4_proto == 136 || p->l4_proto == 132)) {
        k.cli_port = p->sport;
        k.srv_port = p->dport;
    }
    bool reversed = false;
    struct flow *f = flow_table_lookup(&ifc->flows, &k, &reversed);
    if (f) {
        *src_is_client = !reversed;
        return f;
    }

    f = flow_table_insert(&ifc->flows, &k);
    ifc->c.new_flows++;
    if (!f) {
        if (ifc->flows.dropped_full++ == 0)
            log_warning("%s: flow table full (%u flows): new flows are not tracked; raise -X",
                        ifc->name, ifc->flows.max_entries);
        return NULL;
    }
    *src_is_client = true;
    *is_new = true;
    f->first_seen_us = p->ts_us;
    f->cli_host = host_get(ifc, &k.cli, k.vlan, p->src_mac, p->ts_us);
    f->srv_host = host_get(ifc, &k.srv, k.vlan, p->dst_mac, p->ts_us);
    if (f->cli_host)
        f->cli_host->refs++;
    if (f->srv_host)
        f->srv_host->refs++;
    host_add_flow_role(f->cli_host, true);
    host_add_flow_role(f->srv_host, false);
    if (f->cli_host && f->srv_host) {
        if (peer_set_add(&f->cli_host->peers, peer_key(f->srv_host, true)))
            f->cli_host->contacts_as_client++;
        if (peer_set_add(&f->srv_host->peers, peer_key(f->cli_host, false)))
            f->srv_host->contacts_as_server++;
    }
    if (p->l4_proto == 1 || p->l4_proto == 58) {
        f->icmp_type = p->icmp_type;
        f->icmp_code = p->icmp_code;
    }

    /* A TCP flow caught mid-connection (no SYN in the first packet): ntopng takes the
     * lower port as the server and swaps the roles when the other side first speaks. */
    if ((k.proto == 6 || k.proto == 132) && k.cli_port && k.srv_port &&
        !(k.proto == 6 && (p->tcp_flags & TH_SYN)) && k.cli_port < k.srv_port &&
        !(f->cli_host && f->cli_host->unicast && f->srv_host && !f->srv_host->unicast))
        f->swap_requested = true;
    return f;
}

static void move_traffic(struct host *from_sender, struct host *from_receiver,
                         struct host *to_sender, struct host *to_receiver, const struct flow_dir *d,
                         enum l4_slot slot)
{
    struct traffic t = {.pkts_sent = d->packets, .bytes_sent = d->bytes};
    struct host *hs[4] = {from_sender, from_receiver, to_sender, to_receiver};
    for (int i = 0; i < 4; i++) {
        struct host *h = hs[i];
        if (!h)
            continue;
        struct traffic *tt[2] = {&h->total, &h->l4[slot]};
        for (int j = 0; j < 2; j++) {
            if (i == 0) {
                tt[j]->pkts_sent -= t.pkts_sent;
                tt[j]->bytes_sent -= t.bytes_sent;
            } else if (i == 1) {
                tt[j]->pkts_rcvd -= t.pkts_sent;
                tt[j]->bytes_rcvd -= t.bytes_sent;
            } else if (i == 2) {
                tt[j]->pkts_sent += t.pkts_sent;
                tt[j]->bytes_sent += t.bytes_sent;
            } else {
                tt[j]->pkts_rcvd += t.pkts_sent;
                tt[j]->bytes_rcvd += t.bytes_sent;
            }
        }
    }
}

static void account_networks(struct iface *ifc, const struct host *src, const struct host *dst,
                             int64_t bytes, int64_t pkts);

/* Takes back traffic booked from old_sender to old_receiver and books it the other way. */
static void rebook_reversed(struct iface *ifc, struct host *old_sender, struct host *old_receiver,
                            const struct flow_dir *d, enum l4_slot slot)
{
    move_traffic(old_sender, old_receiver, old_receiver, old_sender, d, slot);
    if (ifc->probe->local_nets.count) {
        int64_t b = (int64_t)d->bytes, n = (int64_t)d->packets;
        account_networks(ifc, old_sender, old_receiver, -b, -n);
        account_networks(ifc, old_receiver, old_sender, b, n);
    }
}

/* Asks for a role swap, performed on the flow's next packet. Hosts and networks are booked
 * with the roles to come from now on (ntopng's "actual peers"), so what was booked with the
 * old roles is booked again: client-to-server traffic as sent by the future client. */
static void flow_request_swap(struct iface *ifc, struct flow *f)
{
    enum l4_slot slot = l4_slot_of(f->key.proto);
    rebook_reversed(ifc, f->cli_host, f->srv_host, &f->c2s, slot);
    rebook_reversed(ifc, f->srv_host, f->cli_host, &f->s2c, slot);
    f->swap_requested = true;
}

/* Exchanges the roles of a flow. Like ntopng, the counters are not exchanged: what was
 * counted client-to-server stays there and now counts as sent by the new client, which is
 * how the hosts were booked since the swap was requested. */
static void flow_swap(struct iface *ifc, struct flow *f)
{
    struct flow_key r = f->key;
    r.cli = f->key.srv;
    r.srv = f->key.cli;
    r.cli_port = f->key.srv_port;
    r.srv_port = f->key.cli_port;
    flow_table_rekey(&ifc->flows, f, &r);
    struct host *h = f->cli_host;
    f->cli_host = f->srv_host;
    f->srv_host = h;
    /* Active counts move with the roles; the lifetime totals count the flow again for the
     * new roles, as ntopng's swap does (each host ends with one more as client and server). */
    if (f->srv_host) {
        f->srv_host->active_flows_as_client--;
        f->srv_host->active_flows_as_server++;
        f->srv_host->flows_as_server++;
    }
    if (f->cli_host) {
        f->cli_host->active_flows_as_server--;
        f->cli_host->active_flows_as_client++;
        f->cli_host->flows_as_client++;
    }
    uint8_t flags = f->c2s.tcp_flags;
    f->c2s.tcp_flags = f->s2c.tcp_flags;
    f->s2c.tcp_flags = flags;
    f->swap_requested = false;
    f->swapped = true;
}

/* Books traffic from src to dst on the local networks: within one network it is inner,
 * otherwise egress of the sender's network and ingress of the receiver's. Negative amounts
 * take back what an earlier call booked (a role swap). */
static void account_networks(struct iface *ifc, const struct host *src, const struct host *dst,
                             int64_t bytes, int64_t pkts)
{
    int sn = src ? src->network_id : -1, dn = dst ? dst->network_id : -1;
    if (sn >= 0 && sn == dn) {
        ifc->nets[sn].bytes_inner += (uint64_t)bytes;
        ifc->nets[sn].pkts_inner += (uint64_t)pkts;
        return;
    }
    if (sn >= 0) {
        ifc->nets[sn].bytes_egress += (uint64_t)bytes;
        ifc->nets[sn].pkts_egress += (uint64_t)pkts;
    }
    if (dn >= 0) {
        ifc->nets[dn].bytes_ingress += (uint64_t)bytes;
        ifc->nets[dn].pkts_ingress += (uint64_t)pkts;
    }
}

static void process_ip(struct iface *ifc, const struct pkt *p)
{
    /* ntopng's per-flow byte count: for IPv4 the L2 header plus the datagram's own length
     * (Ethernet padding is not counted), for IPv6 the frame length. */
    uint64_t bytes = p->ip_ver == 4 ? (uint64_t)p->l3_offset + p->ip_len : p->wirelen;
    if (bytes > p->wirelen)
        bytes = p->wirelen;

    enum l4_slot slot = l4_slot_of(p->l4_proto);
    ifc->c.ip_packets++;
    ifc->c.ip_bytes += bytes;
    if (p->ip_ver == 4)
        ifc->c.ipv4_packets++;
    else
        ifc->c.ipv6_packets++;
    if (p->fragment)
        ifc->c.fragments++;
    add_traffic(&ifc->c.l4[slot], true, bytes);
    if (!p->first_fragment)
        return; /* a later fragment has no ports: interface counters only, as in ntopng */

    bool src_is_client, is_new;
    struct flow *f = flow_get(ifc, p, &src_is_client, &is_new);
    if (!f)
        return;
    if (f->swap_requested && !is_new) {
        /* ntopng performs a requested swap on the next packet, either side. */
        flow_swap(ifc, f);
        src_is_client = !src_is_client;
    } else if (p->l4_proto == 6 && !src_is_client && !f->swapped &&
               (p->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN &&
               (f->c2s.tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
        /* The SYN+ACK came first (reordered capture): the SYN's sender is the client. */
        flow_request_swap(ifc, f);
    }

    struct flow_dir *d = src_is_client ? &f->c2s : &f->s2c;
    d->packets++;
    d->bytes += bytes;
    if (p->fragment)
        d->fragments++;
    uint16_t plen = (uint16_t)(bytes > 0xffff ? 0xffff : bytes);
    if (d->packets == 1 || plen < d->pkt_len_min)
        d->pkt_len_min = plen;
    if (plen > d->pkt_len_max)
        d->pkt_len_max = plen;
    if (p->l4_present) {
        if (p->l4_proto == 6) {
            d->tcp_flags |= p->tcp_flags;
            update_tcp_seq(ifc, d, p);
        }
        /* From the IP length, so a snaplen-truncated frame still counts its whole payload. */
        uint32_t hdr = (uint32_t)(p->payload - (p->data + p->l3_offset));
        d->goodput_bytes += p->ip_len > hdr ? p->ip_len - hdr : 0;
    }
    f->last_seen_us = p->ts_us;

    /* While a swap is pending (the first packet), ntopng books hosts with the roles to come
     * ("actual peers"): a one-packet flow that never swaps stays booked that way. */
    bool book_as_client = f->swap_requested ? !src_is_client : src_is_client;
    struct host *src = book_as_client ? f->cli_host : f->srv_host;
    struct host *dst = book_as_client ? f->srv_host : f->cli_host;
    if (src) {
        add_traffic(&src->total, true, bytes);
        add_traffic(&src->l4[slot], true, bytes);
        src->last_seen_us = p->ts_us;
    }
    if (dst) {
        add_traffic(&dst->total, false, bytes);
        add_traffic(&dst->l4[slot], false, bytes);
        dst->last_seen_us = p->ts_us;
    }
    if (ifc->probe->local_nets.count)
        account_networks(ifc, src, dst, (int64_t)bytes, 1);

    if (!f->l7_accounted) {
        dpi_process(ifc, f, p);
        if (f->detection_done)
            finish_detection(ifc, f, p->ts_us);
    } else {
        struct flow_dir one = {.packets = 1, .bytes = bytes};
        struct flow_dir none = {0};
        account_l7(ifc, f, src_is_client ? &one : &none, src_is_client ? &none : &one, p->ts_us,
                   false);
    }
}

/* ntopng's special MACs never count as devices: all-zero, broadcast, IPv6 and IPv4
 * multicast and the IEEE/Cisco reserved ranges. */
static bool mac_is_special(const uint8_t *m)
{
    static const uint8_t zero[6];
    if (memcmp(m, zero, 6) == 0)
        return true;
    if ((m[0] == 0xff && m[1] == 0xff) || (m[0] == 0x33 && m[1] == 0x33))
        return true;
    static const uint8_t ouis[][3] = {
        {0x01, 0x00, 0x0c},
        {0x01, 0x80, 0xc2},
        {0x01, 0x00, 0x5e},
        {0x01, 0x0c, 0xcd},
        {0x01, 0x1b, 0x19},
        {0x01, 0x00, 0x0c},
        {0x09, 0x00, 0x2b},
        {0x09, 0x00, 0x07},
    };
    for (size_t i = 0; i < sizeof(ouis) / sizeof(ouis[0]); i++)
        if (memcmp(m, ouis[i], 3) == 0)
            return true;
    return false;
}

static struct mac *mac_touch(struct iface *ifc, const uint8_t *addr, const struct pkt *p, bool sent,
                             uint64_t bytes)
{
    uint32_t before = ifc->macs.count;
    struct mac *m = mac_table_get(&ifc->macs, addr, true);
    if (!m)
        return NULL;
    if (before != ifc->macs.count) {
        m->first_seen_us = p->ts_us;
        m->special = mac_is_special(addr);
    }
    m->last_seen_us = p->ts_us;
    m->vlan = p->vlan_id;
    add_traffic(&m->t, sent, bytes);
    return m;
}

/* Source and destination MACs of every Ethernet frame, broadcast included (ntopng's
 * current_macs); a source of IP or ARP traffic that is not special is a device. */
static void process_macs(struct iface *ifc, const struct pkt *p)
{
    struct mac *s = mac_touch(ifc, p->src_mac, p, true, p->wirelen);
    struct mac *d = p->dst_mac ? mac_touch(ifc, p->dst_mac, p, false, p->wirelen) : NULL;
    if (s && !s->source_mac && !s->special && (p->kind == PKT_IP || p->kind == PKT_ARP)) {
        s->source_mac = true;
        ifc->macs.devices++;
    }
    if (p->kind == PKT_ARP) {
        bool req = p->arp_op == ARP_OP_REQUEST;
        bool rep = p->arp_op == ARP_OP_REPLY;
        if (s) {
            s->arp_requests_sent += req;
            s->arp_replies_sent += rep;
        }
        if (d) {
            d->arp_requests_rcvd += req;
            d->arp_replies_rcvd += rep;
        }
    }
}

void iface_process_packet(struct iface *ifc, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                          uint64_t ts_us)
{
    struct pkt p;
    ifc->c.packets++;
    ifc->c.bytes += (uint64_t)wirelen + WIRE_OVERHEAD_BYTES;
    if (!ifc->first_packet_us)
        ifc->first_packet_us = ts_us;
    if (ts_us > ifc->last_packet_us)
        ifc->last_packet_us = ts_us;
    if (ts_us > ifc->clock_us)
        ifc->clock_us = ts_us;

    decode_packet(ifc->linktype, data, caplen, wirelen, ts_us, &p);
    if (p.src_mac)
        process_macs(ifc, &p);
    if (p.vlan_tags)
        ifc->c.vlan_packets++;
    if (p.kind == PKT_IP) {
        if (p.ip_ver == 4)
            ifc->c.ipv4_bytes += wirelen;
        else
            ifc->c.ipv6_bytes += wirelen;
    } else if (p.kind == PKT_ARP) {
        ifc->c.arp_bytes += wirelen;
    } else {
        ifc->c.other_bytes += wirelen;
    }

    switch (p.kind) {
    case PKT_IP:
        process_ip(ifc, &p);
        break;
    case PKT_ARP:
        ifc->c.arp_packets++;
        if (p.arp_op == ARP_OP_REQUEST)
            ifc->c.arp_requests++;
        else if (p.arp_op == ARP_OP_REPLY)
            ifc->c.arp_replies++;
        break;
    case PKT_MALFORMED:
        ifc->c.malformed_packets++;
        break;
    default:
        ifc->c.other_packets++;
        break;
    }

    if (ifc->clock_us >= ifc->next_purge_us && ifc->purge_enabled)
        iface_purge_idle(ifc, false);
}

static uint32_t flow_idle_limit_s(const struct probe *pr, const struct flow *f)
{
    if (f->key.proto == 6)
        return pr->opt.tcp_idle_s;
    if (f->key.proto == 17)
        return pr->opt.udp_idle_s;
    return pr->opt.other_idle_s;
}

void iface_purge_idle(struct iface *ifc, bool force)
{
    struct probe *pr = ifc->probe;
    uint64_t now = ifc->clock_us;
    ifc->next_purge_us = now + 1000000u;

    for (struct flow *f = ifc->flows.head, *next; f; f = next) {
        next = f->list_next;
        uint64_t idle_us = (uint64_t)flow_idle_limit_s(pr, f) * 1000000u;
        if (!force && f->last_seen_us + idle_us > now)
            continue;
        finish_detection(ifc, f, f->last_seen_us);
        if (f->cli_host)
            f->cli_host->active_flows_as_client--;
        if (f->srv_host)
            f->srv_host->active_flows_as_server--;
        host_release(ifc, f->cli_host);
        host_release(ifc, f->srv_host);
        flow_table_remove(&ifc->flows, f);
        flow_free(f);
    }

    uint64_t host_idle_us = (uint64_t)pr->opt.host_idle_s * 1000000u;
    for (struct host *h = ifc->hosts.head, *next; h; h = next) {
        next = h->list_next;
        if (h->refs || (!force && h->last_seen_us + host_idle_us > now))
            continue;
        if (h->network_id >= 0 && h->unicast)
            ifc->nets[h->network_id].num_hosts--;
        if (h->has_mac) {
            struct mac *m = mac_table_get(&ifc->macs, h->mac, false);
            if (m && m->num_hosts)
                m->num_hosts--;
        }
        host_table_remove(&ifc->hosts, h);
        host_free(h);
    }
}

/* Ends detection of every flow still under way, as ndpiReader does at the end of a file. */
void iface_finish_all_detection(struct iface *ifc)
{
    for (struct flow *f = ifc->flows.head; f; f = f->list_next)
        finish_detection(ifc, f, f->last_seen_us);
}
