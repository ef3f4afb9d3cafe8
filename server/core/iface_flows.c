/* Flows of an interface: keys as ntopng splits them, role swaps, TCP sequence analysis,
 * local-network booking. */
#include "iface_internal.h"

#include "dpi.h"
#include "log.h"
#include "probe.h"

#include <stdlib.h>
#include <string.h>

/* ntopng's sequence analysis: a repeat of the last sequence number is a retransmission,
 * older data seen again is "lost", anything else unexpected (a forward gap) out of order. */
void update_tcp_seq(struct iface *ifc, struct flow_dir *d, const struct pkt *p)
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

/* Kept out of flow_get so the lookup of a known flow, nearly every packet, stays small. */
__attribute__((noinline)) static struct flow *flow_new(struct iface *ifc, const struct pkt *p,
                                                       const struct flow_key *k,
                                                       bool *src_is_client, bool *is_new)
{
    struct flow *f = flow_table_insert(&ifc->flows, k);
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
    f->cli_host = host_get(ifc, &k->cli, k->vlan, p->src_mac, p->ts_us);
    f->srv_host = host_get(ifc, &k->srv, k->vlan, p->dst_mac, p->ts_us);
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
    if ((k->proto == 6 || k->proto == 132) && k->cli_port && k->srv_port &&
        !(k->proto == 6 && (p->tcp_flags & TH_SYN)) && k->cli_port < k->srv_port &&
        !(f->cli_host && f->cli_host->unicast && f->srv_host && !f->srv_host->unicast))
        f->swap_requested = true;
    return f;
}

void flow_key_of(const struct pkt *p, struct flow_key *k)
{
    *k = (struct flow_key){.cli = p->src,
                           .srv = p->dst,
                           .vlan = p->vlan_id,
                           .proto = p->l4_proto,
                           .aux = flow_aux_key(p)};
    if (p->l4_present &&
        (p->l4_proto == 6 || p->l4_proto == 17 || p->l4_proto == 136 || p->l4_proto == 132)) {
        k->cli_port = p->sport;
        k->srv_port = p->dport;
    }
}

struct flow *flow_get(struct iface *ifc, const struct pkt *p, const struct flow_lookup *l,
                      bool *src_is_client, bool *is_new)
{
    *is_new = false;
    if (l->flow) {
        *src_is_client = !l->reversed;
        return l->flow;
    }
    return flow_new(ifc, p, &l->key, src_is_client, is_new);
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
void flow_request_swap(struct iface *ifc, struct flow *f)
{
    enum l4_slot slot = l4_slot_of(f->key.proto);
    rebook_reversed(ifc, f->cli_host, f->srv_host, &f->c2s, slot);
    rebook_reversed(ifc, f->srv_host, f->cli_host, &f->s2c, slot);
    f->swap_requested = true;
}

/* Exchanges the roles of a flow. Like ntopng, the counters are not exchanged: what was
 * counted client-to-server stays there and now counts as sent by the new client, which is
 * how the hosts were booked since the swap was requested. */
void flow_swap(struct iface *ifc, struct flow *f)
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
    struct mac *m = f->cli_mac;
    f->cli_mac = f->srv_mac;
    f->srv_mac = m;
    uint16_t slot = f->l7_slot[0]; /* the hosts' L7 slots follow them */
    f->l7_slot[0] = f->l7_slot[1];
    f->l7_slot[1] = slot;
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
void account_networks(struct iface *ifc, const struct host *src, const struct host *dst,
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

void iface_log_table_memory(const struct iface *ifc)
{
    if (log_get_level() < LOG_INFO) /* a walk over every entry: only when it is shown */
        return;
    size_t ndpi_bytes;
    uint32_t ndpi_flows;
    size_t fb = flow_table_heap(&ifc->flows, &ndpi_bytes, &ndpi_flows);
    size_t hb = host_table_heap(&ifc->hosts), mb = mac_table_heap(&ifc->macs);
    uint32_t nf = ifc->flows.count, nh = ifc->hosts.count, nm = ifc->macs.count;
    size_t buckets = dpi_heap_bytes(ifc->flows.buckets) + dpi_heap_bytes(ifc->hosts.buckets) +
                     dpi_heap_bytes(ifc->macs.buckets);
    log_info("%s: table memory: %u flows %zu B (%.0f B/flow; nDPI state still held by %u flows: "
             "%zu B more), %u hosts %zu B (%.0f B/host), %u MACs %zu B, bucket arrays %zu B; "
             "pool blocks %zu B",
             ifc->name, nf, fb, nf ? (double)fb / nf : 0.0, ndpi_flows, ndpi_bytes, nh, hb,
             nh ? (double)hb / nh : 0.0, nm, mb, buckets,
             pool_heap(&ifc->flows.mem) + pool_heap(&ifc->hosts.mem) + pool_heap(&ifc->macs.mem));
}

static void book_between_nets(struct iface *ifc, const struct flow *f)
{
    if (!f->cli_host || !f->srv_host)
        return;
    int cn = f->cli_host->network_id, sn = f->srv_host->network_id;
    if (cn < 0 || sn < 0 || cn == sn)
        return;
    ifc->nets[cn].between[sn].bytes_sent += f->c2s.bytes;
    ifc->nets[cn].between[sn].bytes_rcvd += f->s2c.bytes;
    ifc->nets[sn].between[cn].bytes_sent += f->s2c.bytes;
    ifc->nets[sn].between[cn].bytes_rcvd += f->c2s.bytes;
}

void iface_nets_flow_end(struct iface *ifc, const struct flow *f)
{
    if (!ifc->eof_flows_booked) /* else booked at the end of the file already */
        book_between_nets(ifc, f);
}

void iface_nets_end_of_input(struct iface *ifc)
{
    for (const struct flow *f = ifc->flows.head; f; f = f->list_next)
        book_between_nets(ifc, f);
}
