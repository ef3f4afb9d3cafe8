/* The per-packet path: counters, MACs, then the flow and its hosts. */
#include "iface_internal.h"

#include "../checks/check_engine.h"

#include "dpi.h"
#include "log.h"
#include "probe.h"

#include <stdlib.h>
#include <string.h>

/* l: the packet's flow lookup, NULL when it has no flow key. */
static void process_ip(struct iface *ifc, const struct pkt *p, const struct flow_lookup *l,
                       struct mac *src_mac, struct mac *dst_mac)
{
    /* ntopng's per-flow byte count (the decoder applies it): the frame less Ethernet padding
     * and, for GRE/6in4/4in6, the outer headers. */
    uint64_t bytes = p->flow_bytes;

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
    if (!l) /* no flow key: interface counters only */
        return;

    bool src_is_client, is_new;
    struct flow *f = flow_get(ifc, p, l, &src_is_client, &is_new);
    if (!f)
        return;
    if (is_new) { /* the packet goes from the key's client */
        f->cli_mac = src_mac;
        f->srv_mac = dst_mac;
    }
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
        account_l7_packet(ifc, f, src_is_client, bytes, p->ts_us);
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

/* hint: the MAC the packet's flow remembers for this side, when it is this one. */
static inline struct mac *mac_touch(struct iface *ifc, const uint8_t *addr, const struct pkt *p,
                                    bool sent, uint64_t bytes, struct mac *hint)
{
    struct mac *m = hint ? hint : mac_table_recent(&ifc->macs, addr);
    if (!m) {
        uint32_t before = ifc->macs.count;
        m = mac_table_get(&ifc->macs, addr, true);
        if (!m)
            return NULL;
        if (before != ifc->macs.count) {
            m->first_seen_us = p->ts_us;
            m->special = mac_is_special(addr);
        }
    }
    m->last_seen_us = p->ts_us;
    m->vlan = p->vlan_id;
    add_traffic(&m->t, sent, bytes);
    return m;
}

static struct mac *remembered(struct mac *m, const uint8_t *addr)
{
    return m && mac_addr_eq(m->addr, addr) ? m : NULL;
}

/* Source and destination MACs of every Ethernet frame, broadcast included (ntopng's
 * current_macs); a source of IP or ARP traffic that is not special is a device. The packet's
 * flow (l->flow, when known) remembers its MACs, and learns them here. */
static void process_macs(struct iface *ifc, const struct pkt *p, const struct flow_lookup *l,
                         struct mac **src_out, struct mac **dst_out)
{
    struct flow *f = l ? l->flow : NULL;
    struct mac **fs = NULL, **fd = NULL; /* the flow's slots for the source and destination */
    if (f) {
        fs = l->reversed ? &f->srv_mac : &f->cli_mac;
        fd = l->reversed ? &f->cli_mac : &f->srv_mac;
    }
    struct mac *s =
        mac_touch(ifc, p->src_mac, p, true, p->wirelen, fs ? remembered(*fs, p->src_mac) : NULL);
    struct mac *d = p->dst_mac ? mac_touch(ifc, p->dst_mac, p, false, p->wirelen,
                                           fd ? remembered(*fd, p->dst_mac) : NULL)
                               : NULL;
    if (f) {
        *fs = s;
        *fd = d;
    }
    *src_out = s;
    *dst_out = d;
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
    checks_on_clock(ifc, ifc->clock_us);

    decode_packet(ifc->linktype, data, caplen, wirelen, ts_us, &p);
    /* The flow is looked up first: it knows the packet's MACs, and is created (for a new one)
     * after the MACs, as its hosts learn their MAC then. */
    /* A later fragment has no ports, a truncated L4 header no usable ones: no flow, as in
     * ntopng (interface counters only). */
    struct flow_lookup l, *lp = NULL;
    if (p.kind == PKT_IP && p.first_fragment && !p.l4_short) {
        flow_key_of(&p, &l.key);
        l.reversed = false;
        l.flow = flow_table_find(&ifc->flows, &l.key, &l.reversed);
        lp = &l;
    }
    struct mac *src_mac = NULL, *dst_mac = NULL;
    if (p.src_mac && !p.early_drop) /* ntopng drops those before MAC accounting */
        process_macs(ifc, &p, lp, &src_mac, &dst_mac);
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
        process_ip(ifc, &p, lp, src_mac, dst_mac);
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
