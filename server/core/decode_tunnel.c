/* Tunnels, opened as ntopng does by default (decode_tunnels is on: NtopGlobals.cpp): the
 * checks of NetworkInterface::dissectPacket's IPv4 and IPv6 branches, with their offsets
 * and quirks, but every read bounded by the captured length (where ntopng reads past it,
 * the frame is dropped as malformed). Nesting stops at DECODE_MAX_TUNNELS. */
#include "decode_priv.h"

#define GRE_CSUM       0x8000
#define GRE_ROUTING    0x4000
#define GRE_KEY        0x2000
#define GRE_SEQ        0x1000
#define ETH_P_TEB      0x6558 /* transparent Ethernet bridging */
#define ETH_P_ERSPAN   0x88be /* type II: 8-byte header */
#define ETH_P_ERSPAN3  0x22eb /* type III: ntopng skips 20 bytes */
#define PORT_GTPU      2152
#define PORT_EOIP      16667
#define PORT_L2TP      1701
#define PORT_TZSP      37008
#define PORT_VXLAN     4789
#define PORT_CAPWAP    5247
#define PORT_CAPWAP_V6 32532 /* ntopng compares the raw network-order port with 5247 */

/* GRE after the IP header (at g). Carrying IPv4/IPv6: the inner packet, with the
 * encapsulation overhead set to its offset; Ethernet (IPv4 only): the capture's link
 * decoder again, overhead unchanged; ERSPAN II (and III over IPv4): the inner Ethernet
 * frame, overhead = its offset. Anything else: the outer packet, protocol 47. */
static bool tunnel_gre(struct dctx *c, uint32_t g, bool outer_v6)
{
    struct pkt *p = c->p;
    if (avail_at(p, g) < 4)
        return false;
    uint16_t flags = rd16(p->data + g);
    uint16_t proto = rd16(p->data + g + 2);
    uint32_t off = g + 4;
    if (flags & (GRE_CSUM | GRE_ROUTING))
        off += 4;
    if (flags & GRE_KEY)
        off += 4;
    if (flags & GRE_SEQ)
        off += 4;
    if (p->caplen >= off) {
        if (proto == ETH_P_TEB && !outer_v6) {
            if (tunnel_enter(c, PKT_TUN_GRE))
                decode_link(c, off);
            return true;
        }
        if (proto == ETH_P_IP || proto == ETH_P_IPV6) {
            if (!tunnel_enter(c, PKT_TUN_GRE))
                return true;
            c->overhead = off;
            if (proto == ETH_P_IP)
                dissect_ipv4(c, off);
            else
                dissect_ipv6(c, off);
            return true;
        }
    }
    uint32_t skip = 0;
    if (proto == ETH_P_ERSPAN && p->caplen >= off + 14 + 8)
        skip = 8;
    else if (proto == ETH_P_ERSPAN3 && !outer_v6 && p->caplen >= off + 14 + 20)
        skip = 20;
    if (!skip)
        return false;
    if (tunnel_enter(c, PKT_TUN_ERSPAN)) {
        c->overhead = off + skip;
        decode_eth_at(c, off + skip);
    }
    return true;
}

/* CAPWAP data: ntopng assumes the CAPWAP header (HLEN words), a 24-byte 802.11 header and
 * 8 bytes of LLC/SNAP whose last two give the ethertype; the inner IP packet goes straight
 * to processPacket. `limit` is what ntopng compares the inner offset with (IPv4: the wire
 * length, IPv6: the captured length). */
static bool tunnel_capwap(struct dctx *c, uint32_t pl, uint32_t limit)
{
    struct pkt *p = c->p;
    if (avail_at(p, pl) < 2) {
        decode_drop(p, PKT_MALFORMED);
        return true;
    }
    uint32_t in = pl + (uint32_t)(p->data[pl + 1] >> 3) * 4 + 24 + 8;
    if (in >= limit || in > p->caplen) {
        decode_drop(p, in >= limit ? PKT_NON_IP : PKT_MALFORMED);
        return true;
    }
    uint16_t type = rd16(p->data + in - 2);
    if (type != ETH_P_IP && type != ETH_P_IPV6) {
        decode_drop(p, PKT_NON_IP);
        return true;
    }
    if (tunnel_enter(c, PKT_TUN_CAPWAP)) {
        if (type == ETH_P_IP)
            process_ipv4(c, in);
        else
            process_ipv6(c, in);
    }
    return true;
}

/* GTPv1-U T-PDU: ntopng's offsets for the optional fields; IPv4 inside only (anything
 * else is dropped), straight to processPacket. */
static bool tunnel_gtp(struct dctx *c, uint32_t pl)
{
    struct pkt *p = c->p;
    if (avail_at(p, pl) < 2)
        return false;
    uint8_t flags = p->data[pl];
    if (((flags & 0xe0) >> 5) != 1 || p->data[pl + 1] != 0xff)
        return false;
    uint32_t in = pl + 8;
    if (flags & 0x04)
        in += 8; /* next extension header (ntopng skips 1 + 3 + 4) */
    if (flags & 0x02)
        in += 4; /* sequence number */
    if (flags & 0x01)
        in += 1; /* N-PDU number */
    if (!tunnel_enter(c, PKT_TUN_GTP))
        return true;
    if (in >= p->caplen)
        decode_drop(p, PKT_MALFORMED);
    else if ((p->data[in] >> 4) != 4)
        decode_drop(p, PKT_NON_IP); /* IPv6 in GTP: not supported by ntopng */
    else
        process_ipv4(c, in);
    return true;
}

/* L2TPv2 data with PPP: ntopng's header arithmetic (a sequence bit skips 2 bytes, not 4),
 * PPP address/control skipped, then the PPP protocol. IPv4: processPacket on it. IPv6:
 * ntopng keeps the outer IPv4 header (its iph pointer stays set): the outer packet. */
static bool tunnel_l2tp(struct dctx *c, uint32_t pl)
{
    struct pkt *p = c->p;
    uint32_t off = pl;
    if (avail_at(p, off) < 2) {
        decode_drop(p, PKT_MALFORMED);
        return true;
    }
    uint16_t flags = rd16(p->data + off);
    if ((flags & 0x8002) == 0x0002) {
        off += 6;
        if (flags & 0x4000)
            off += 2;
        if (flags & 0x0800)
            off += 2;
        if (flags & 0x0200)
            off += 2;
    }
    off += 2; /* PPP address and control */
    if (avail_at(p, off) < 2) {
        decode_drop(p, PKT_MALFORMED);
        return true;
    }
    uint16_t proto = rd16(p->data + off);
    if (proto == 0x0057)
        return false;
    if (proto != 0x0021) {
        decode_drop(p, PKT_NON_IP);
        return true;
    }
    if (tunnel_enter(c, PKT_TUN_L2TP))
        process_ipv4(c, off + 2);
    return true;
}

/* TZSP v1 received frame carrying Ethernet: ntopng's tag loop always stops after the first
 * tag (padding and end: 1 byte, others: their length byte alone), then the link decoder. */
static bool tunnel_tzsp(struct dctx *c, uint32_t pl)
{
    struct pkt *p = c->p;
    if (avail_at(p, pl) < 4)
        return false;
    const uint8_t *t = p->data + pl;
    if (t[0] != 1 || t[1] != 0 || rd16(t + 2) != 1)
        return false;
    uint32_t off = pl + 4;
    if (off >= p->caplen)
        return false;
    uint8_t tag = p->data[off];
    if (tag == 0 || tag == 1) {
        off += 1;
    } else {
        if (off + 1 >= p->caplen) {
            decode_drop(p, PKT_MALFORMED);
            return true;
        }
        off += p->data[off + 1];
    }
    if (off >= p->caplen)
        decode_drop(p, PKT_NON_IP);
    else if (tunnel_enter(c, PKT_TUN_TZSP))
        decode_link(c, off);
    return true;
}

/* The UDP header (at u) of a non-fragmented IPv4 packet. */
static bool tunnel_udp4(struct dctx *c, uint32_t off, uint32_t u)
{
    struct pkt *p = c->p;
    if (avail_at(p, u) < 8) {
        /* ntopng: "other" before processPacket */
        process_ipv4(c, off);
        decode_drop(p, p->kind);
        return true;
    }
    uint16_t sport = rd16(p->data + u), dport = rd16(p->data + u + 2);
    uint32_t pl = u + 8;
    if (sport == PORT_GTPU || dport == PORT_GTPU) {
        if (tunnel_gtp(c, pl))
            return true;
    } else if (sport == PORT_EOIP && dport == PORT_EOIP) {
        if (tunnel_enter(c, PKT_TUN_EOIP))
            decode_link(c, pl + 12);
        return true;
    } else if (sport == PORT_L2TP && dport == PORT_L2TP) {
        return tunnel_l2tp(c, pl);
    } else if (sport == PORT_TZSP || dport == PORT_TZSP) {
        if (tunnel_tzsp(c, pl))
            return true;
    } else if (dport == PORT_VXLAN) {
        if (tunnel_enter(c, PKT_TUN_VXLAN))
            decode_link(c, pl + 8);
        return true;
    }
    if (sport == PORT_CAPWAP || dport == PORT_CAPWAP)
        return tunnel_capwap(c, pl, p->wirelen);
    return false;
}

bool tunnel_ipv4(struct dctx *c, uint32_t off)
{
    struct pkt *p = c->p;
    const uint8_t *ip = p->data + off;
    uint32_t l4 = off + (uint32_t)(ip[0] & 0x0f) * 4;
    bool frag = (rd16(ip + 6) & 0x3fff) != 0;
    switch (ip[9]) {
    case 47: /* GRE */
        return !frag && tunnel_gre(c, l4, false);
    case 41: /* 6in4 (fragments too) */
        if (avail_at(p, l4) < 40)
            return false;
        if (tunnel_enter(c, PKT_TUN_IPIP)) {
            c->overhead = l4;
            dissect_ipv6(c, l4);
        }
        return true;
    case 17:
        return !frag && tunnel_udp4(c, off, l4);
    case 4: /* IP-in-IP (fragments too); overhead unchanged */
        if (l4 > p->caplen)
            decode_drop(p, PKT_MALFORMED);
        else if (tunnel_enter(c, PKT_TUN_IPIP))
            dissect_ipv4(c, l4);
        return true;
    default:
        return false;
    }
}

bool tunnel_ipv6(struct dctx *c, uint32_t off)
{
    struct pkt *p = c->p;
    const uint8_t *ip = p->data + off;
    uint8_t nh = ip[6];
    uint32_t shift = 40;
    if (nh == 60) {
        /* ntopng skips one Destination Options header here, but takes its length alone
         * (not 40 + length) as the offset of the next header from the IPv6 header. */
        if (avail_at(p, off + 40) < 2)
            return false;
        nh = ip[40];
        shift = 8 * ((uint32_t)ip[41] + 1);
    }
    uint32_t l4 = off + shift;
    switch (nh) {
    case 47:
        return tunnel_gre(c, l4, true);
    case 17: {
        if (avail_at(p, l4) < 8) {
            process_ipv6(c, off);
            p->l4_present = false;
            p->l4_short = true;
            decode_drop(p, p->kind);
            return true;
        }
        uint16_t sport = rd16(p->data + l4), dport = rd16(p->data + l4 + 2);
        if (sport != PORT_CAPWAP_V6 && dport != PORT_CAPWAP_V6)
            return false;
        if (l4 + 8 + 1 < p->caplen)
            return tunnel_capwap(c, l4 + 8, p->caplen);
        /* ntopng moved ip_offset to the UDP payload but kept the IPv6 header pointer:
         * processPacket then finds fewer than 40 bytes and drops the packet. */
        p->kind = PKT_MALFORMED;
        return true;
    }
    case 4: /* 4in6: always 40 bytes after the IPv6 header start, as ntopng */
        if (tunnel_enter(c, PKT_TUN_IPIP)) {
            c->overhead = off + 40;
            dissect_ipv4(c, off + 40);
        }
        return true;
    default:
        return false;
    }
}
