/* Link, L2, IP and L4 decoding; tunnels are in decode_tunnel.c. The rules are ntopng's
 * (NetworkInterface::dissectPacket and ::processPacket, Oct 2024), except the deliberate
 * differences of doc/counting-rules.md (QinQ 0x88a8/0x9100, SLL2 and DLT_IPV6, every IPv6
 * extension header walked, truncated IPv4 kept). */
#include "decode_priv.h"

#include <string.h>

bool decode_link_supported(int linktype)
{
    switch (linktype) {
    case LINK_NULL:
    case LINK_ETHERNET:
    case LINK_RAW_OLD:
    case LINK_RAW:
    case LINK_LOOP:
    case LINK_LINUX_SLL:
    case LINK_IPV4:
    case LINK_IPV6:
    case LINK_LINUX_SLL2:
        return true;
    default:
        return false;
    }
}

void decode_drop(struct pkt *p, enum pkt_kind kind)
{
    p->kind = kind;
    p->early_drop = true;
}

bool tunnel_enter(struct dctx *c, enum pkt_tunnel t)
{
    if (c->p->tunnel_depth >= DECODE_MAX_TUNNELS) {
        c->p->kind = PKT_MALFORMED;
        return false;
    }
    c->p->tunnel_depth++;
    c->p->tunnel = (uint8_t)t;
    return true;
}

static uint32_t sub0(uint32_t a, uint32_t b)
{
    return a > b ? a - b : 0;
}

/* processPacket's L4 part: `trusted` is ntopng's trusted_l4_packet_len (captured bytes
 * from the L4 header on, less the frame padding). TCP, UDP and SCTP need their whole fixed
 * header or the packet makes no flow; a bogus TCP data offset is clamped, as ntopng does. */
static void decode_l4(struct pkt *p, uint32_t l4off, uint32_t trusted)
{
    const uint8_t *l4 = p->data + l4off;
    p->l4_offset = (uint16_t)l4off;
    switch (p->l4_proto) {
    case 6: { /* TCP */
        if (trusted < 20) {
            p->l4_short = true;
            return;
        }
        uint32_t hlen = (uint32_t)(l4[12] >> 4) * 4;
        if (hlen > trusted)
            hlen = trusted;
        p->sport = rd16(l4);
        p->dport = rd16(l4 + 2);
        p->tcp_seq = rd32(l4 + 4);
        p->tcp_ack = rd32(l4 + 8);
        p->tcp_flags = l4[13];
        p->tcp_win = rd16(l4 + 14);
        p->payload = l4 + hlen;
        p->payload_len = trusted - hlen;
        p->l4_present = true;
        return;
    }
    case 17:  /* UDP */
    case 136: /* UDP-Lite (ntopng: no ports, no length rule) */
        if (trusted < 8) {
            p->l4_short = p->l4_proto == 17;
            return;
        }
        p->sport = rd16(l4);
        p->dport = rd16(l4 + 2);
        p->payload = l4 + 8;
        p->payload_len = trusted - 8;
        p->l4_present = true;
        return;
    case 132: /* SCTP: ports from the 12-byte common header */
        if (trusted < 12) {
            p->l4_short = true;
            return;
        }
        p->sport = rd16(l4);
        p->dport = rd16(l4 + 2);
        p->payload = l4 + 12;
        p->payload_len = trusted - 12;
        p->l4_present = true;
        return;
    case 1:  /* ICMP */
    case 58: /* ICMPv6 */
        if (trusted < 4)
            return;
        p->icmp_type = l4[0];
        p->icmp_code = l4[1];
        if (trusted >= 8)
            p->icmp_id = rd16(l4 + 4);
        p->payload = l4 + 4;
        p->payload_len = trusted - 4;
        p->l4_present = true;
        return;
    default:
        p->payload = l4;
        p->payload_len = trusted;
        return;
    }
}

/* processPacket, IPv4. Reached from dissect_ipv4 or straight from a GTP, L2TP or CAPWAP
 * payload, where ntopng checks neither the version nor nested tunnels. */
void process_ipv4(struct dctx *c, uint32_t off)
{
    struct pkt *p = c->p;
    uint32_t avail = avail_at(p, off);
    if (off > 0xffff || avail < 20 || (p->data[off] & 0x0f) == 0) {
        p->kind = PKT_MALFORMED;
        return;
    }
    const uint8_t *ip = p->data + off;
    uint32_t hlen = (uint32_t)(ip[0] & 0x0f) * 4; /* below 20 too: ntopng only rejects 0 */
    uint32_t tot = rd16(ip + 2);
    p->kind = PKT_IP;
    p->ethertype = ETH_P_IP;
    p->l3_offset = (uint16_t)off;
    p->ip_ver = 4;
    p->ip_len = tot;
    p->ttl = ip[8];
    p->l4_proto = ip[9];
    ipaddr_set_v4(&p->src, ip + 12);
    ipaddr_set_v4(&p->dst, ip + 16);

    uint16_t frag = rd16(ip + 6);
    p->fragment = (frag & 0x3fff) != 0;
    p->first_fragment = (frag & 0x1fff) == 0;

    /* Frame padding: the captured bytes beyond the total length. A total length of 0
     * (TSO) makes the whole IP packet "padding": the flow gets the L2 header only. */
    uint32_t pad = 0;
    if (tot > avail) {
        p->ip_truncated = true;
        uint32_t len = off + tot < p->wirelen ? off + tot : p->wirelen;
        p->flow_bytes = sub0(len, c->overhead);
    } else {
        pad = avail - tot;
        p->flow_bytes = sub0(p->wirelen, c->overhead + pad);
    }
    if (!p->first_fragment)
        return; /* no L4 header in a non-first fragment */

    uint32_t l4off = off + hlen;
    if (l4off >= p->caplen || l4off > 0xffff) {
        p->l4_short = true;
        return;
    }
    uint32_t trusted = p->caplen - l4off;
    if (trusted > pad) /* with a total length below the header, ntopng keeps it all */
        trusted -= pad;
    decode_l4(p, l4off, trusted);
}

static bool ipv6_is_ext_header(uint8_t nh)
{
    return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51 || nh == 135 || nh == 139 ||
           nh == 140;
}

/* processPacket, IPv6: no padding (the L4 bytes are what was captured, whatever the payload
 * length says: TSO frames carry 0), flow bytes = wirelen - overhead. */
void process_ipv6(struct dctx *c, uint32_t off)
{
    struct pkt *p = c->p;
    uint32_t limit = avail_at(p, off);
    if (off > 0xffff || limit < 40) {
        p->kind = PKT_MALFORMED;
        return;
    }
    const uint8_t *ip = p->data + off;
    p->kind = PKT_IP;
    p->ethertype = ETH_P_IPV6;
    p->l3_offset = (uint16_t)off;
    p->ip_ver = 6;
    p->ip_len = 40u + rd16(ip + 4);
    p->ttl = ip[7];
    ipaddr_set_v6(&p->src, ip + 8);
    ipaddr_set_v6(&p->dst, ip + 24);
    p->first_fragment = true;
    p->flow_bytes = sub0(p->wirelen, c->overhead);

    uint8_t nh = ip[6];
    uint32_t pos = 40;
    /* Walk extension headers; a bounded count guards against loops of tiny headers. */
    for (int guard = 0; guard < 16 && ipv6_is_ext_header(nh); guard++) {
        if (pos + 8 > limit) {
            p->l4_proto = nh;
            p->l4_short = true;
            return;
        }
        const uint8_t *eh = ip + pos;
        uint32_t elen;
        if (nh == 44) { /* fragment header: fixed 8 bytes */
            uint16_t fo = rd16(eh + 2);
            p->fragment = true;
            p->first_fragment = (fo & 0xfff8) == 0;
            elen = 8;
        } else if (nh == 51) { /* AH: length in 4-byte units, minus 2 */
            elen = ((uint32_t)eh[1] + 2) * 4;
        } else {
            elen = ((uint32_t)eh[1] + 1) * 8;
        }
        nh = eh[0];
        pos += elen;
    }
    p->l4_proto = nh;
    if (!p->first_fragment)
        return;
    if (pos >= limit || off + pos > 0xffff) {
        p->l4_short = true;
        return;
    }
    decode_l4(p, off + pos, limit - pos);
}

/* dissectPacket, IPv4 branch: header checks, then tunnels, then processPacket. */
void dissect_ipv4(struct dctx *c, uint32_t off)
{
    struct pkt *p = c->p;
    p->ethertype = ETH_P_IP;
    if (avail_at(p, off) < 20) { /* ntopng counts nothing at all */
        decode_drop(p, PKT_MALFORMED);
        return;
    }
    uint8_t v = p->data[off];
    if ((v & 0x0f) == 0 || (v >> 4) != 4) {
        decode_drop(p, PKT_MALFORMED);
        return;
    }
    if (!tunnel_ipv4(c, off))
        process_ipv4(c, off);
}

void dissect_ipv6(struct dctx *c, uint32_t off)
{
    struct pkt *p = c->p;
    p->ethertype = ETH_P_IPV6;
    if (avail_at(p, off) < 40 || (p->data[off] >> 4) != 6) {
        decode_drop(p, PKT_MALFORMED);
        return;
    }
    if (!tunnel_ipv6(c, off))
        process_ipv6(c, off);
}

static bool is_vlan(uint16_t type)
{
    return type == ETH_P_8021Q || type == ETH_P_8021AD || type == ETH_P_QINQ1;
}

/* NetworkInterface::guessEthType for the payload of an MPLS label stack: an Ethernet
 * header when bytes 12-13 look like an IP, PPPoE or VLAN ethertype (then skipped), else
 * the IP version nibble; 1 means unknown. */
static uint16_t mpls_guess(const struct pkt *p, uint32_t *off)
{
    uint32_t len = avail_at(p, *off);
    const uint8_t *q = p->data + *off;
    if (len >= 14) {
        uint16_t t = rd16(q + 12);
        if (t == ETH_P_IP || t == ETH_P_IPV6 || t == ETH_P_PPPOES || t == ETH_P_8021Q) {
            *off += 14;
            return t;
        }
    }
    if (len >= 20 && (q[0] >> 4) == 4)
        return ETH_P_IP;
    if (len >= 40 && (q[0] >> 4) == 6)
        return ETH_P_IPV6;
    return 1;
}

/* The frame from an ethertype on (ntopng's decode_packet_eth): VLAN tags (innermost VID
 * wins), an MPLS label stack (0x8847 only, as ntopng), a PPPoE session, then L3. */
static void decode_l2_payload(struct dctx *c, uint16_t type, uint32_t off)
{
    struct pkt *p = c->p;
    const uint8_t *d = p->data;
    for (;;) {
        while (off < p->caplen) {
            if (is_vlan(type)) {
                if (off + 4 >= p->caplen) {
                    p->l3_offset = (uint16_t)(off > 0xffff ? 0xffff : off);
                    p->kind = PKT_MALFORMED;
                    return;
                }
                p->vlan_id = rd16(d + off) & 0x0fff;
                p->vlan_tags++;
                type = rd16(d + off + 2);
                off += 4;
            } else if (type == ETH_P_MPLS && off + 2 < p->caplen) {
                bool bottom = (d[off + 2] & 1) != 0;
                off += 4;
                if (bottom) {
                    type = mpls_guess(p, &off);
                    break;
                }
            } else {
                break;
            }
        }
        if (type != ETH_P_PPPOES)
            break;
        /* PPPoE session: 6-byte header, then a 1- or 2-byte PPP protocol. */
        off += 6;
        if (off + 2 > p->caplen) {
            p->ethertype = ETH_P_PPPOES;
            decode_drop(p, PKT_MALFORMED);
            return;
        }
        uint8_t ppp = d[off] ? d[off] : d[off + 1];
        off += d[off] ? 1 : 2;
        if (ppp == 0x21) {
            type = ETH_P_IP;
        } else if (ppp == 0x57) {
            type = ETH_P_IPV6;
        } else {
            p->ethertype = ETH_P_PPPOES;
            decode_drop(p, PKT_NON_IP);
            return;
        }
    }
    if (off > 0xffff) {
        p->kind = PKT_MALFORMED;
        return;
    }
    p->ethertype = type;
    p->l3_offset = (uint16_t)off;
    switch (type) {
    case ETH_P_IP:
        dissect_ipv4(c, off);
        return;
    case ETH_P_IPV6:
        dissect_ipv6(c, off);
        return;
    case ETH_P_ARP:
        if (avail_at(p, off) < 8) {
            p->kind = PKT_MALFORMED;
            return;
        }
        p->kind = PKT_ARP;
        p->arp_op = rd16(d + off + 6);
        return;
    default: /* LLC/802.3 lengths, LLDP, MPLS not decoded, ... */
        p->kind = PKT_NON_IP;
        return;
    }
}

/* An Ethernet header at off: its MACs become the frame's (ntopng's `ethernet` pointer). */
void decode_eth_at(struct dctx *c, uint32_t off)
{
    struct pkt *p = c->p;
    if (avail_at(p, off) < 14) {
        decode_drop(p, PKT_MALFORMED);
        return;
    }
    p->dst_mac = p->data + off;
    p->src_mac = p->data + off + 6;
    decode_l2_payload(c, rd16(p->data + off + 12), off + 14);
}

static uint16_t family_to_ethertype(uint32_t family)
{
    switch (family) {
    case 2:
        return ETH_P_IP;
    case 10: /* Linux */
    case 24: /* NetBSD/OpenBSD */
    case 28: /* FreeBSD */
    case 30: /* macOS */
        return ETH_P_IPV6;
    default:
        return 0;
    }
}

/* The capture's link header at off: the frame start, or (ntopng's "goto datalink_check")
 * the payload of a tunnel carrying Ethernet, decoded with the capture's link type. */
void decode_link(struct dctx *c, uint32_t off)
{
    struct pkt *p = c->p;
    const uint8_t *d = p->data;
    uint32_t avail = avail_at(p, off);
    switch (c->linktype) {
    case LINK_ETHERNET:
        decode_eth_at(c, off);
        return;
    case LINK_IPV4: /* ntopng: IPv4 whatever the version nibble says */
        dissect_ipv4(c, off);
        return;
    case LINK_RAW:
    case LINK_RAW_OLD:
    case LINK_IPV6: {
        uint8_t v = avail ? d[off] >> 4 : 0;
        p->l3_offset = (uint16_t)(off > 0xffff ? 0xffff : off);
        if (v == 4)
            dissect_ipv4(c, off);
        else if (v == 6)
            dissect_ipv6(c, off);
        else
            decode_drop(p, PKT_MALFORMED);
        return;
    }
    case LINK_NULL:
    case LINK_LOOP: {
        if (avail < 4) {
            decode_drop(p, PKT_MALFORMED);
            return;
        }
        uint32_t fam;
        if (c->linktype == LINK_LOOP)
            fam = rd32(d + off);
        else
            memcpy(&fam, d + off, 4); /* host order of the capturing machine */
        if (fam > 0xffff)
            fam = __builtin_bswap32(fam);
        uint16_t et = family_to_ethertype(fam);
        if (!et) {
            decode_drop(p, PKT_NON_IP);
            return;
        }
        decode_l2_payload(c, et, off + 4);
        return;
    }
    case LINK_LINUX_SLL:
        if (avail < 16) {
            decode_drop(p, PKT_MALFORMED);
            return;
        }
        if (off == 0 && rd16(d + 4) == 6) /* link-layer address length 6: a MAC */
            p->src_mac = d + 6;
        decode_l2_payload(c, rd16(d + off + 14), off + 16);
        return;
    case LINK_LINUX_SLL2:
        if (avail < 20) {
            decode_drop(p, PKT_MALFORMED);
            return;
        }
        if (off == 0 && d[11] == 6)
            p->src_mac = d + 12;
        decode_l2_payload(c, rd16(d + off), off + 20);
        return;
    default:
        p->kind = PKT_UNSUPPORTED_LINK;
        return;
    }
}

void decode_packet(int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                   uint64_t ts_us, struct pkt *p)
{
    memset(p, 0, sizeof(*p));
    p->data = data;
    p->caplen = caplen;
    p->wirelen = wirelen;
    p->ts_us = ts_us;
    p->kind = PKT_MALFORMED; /* until a decoder says otherwise */

    struct dctx c = {.p = p, .linktype = linktype};
    decode_link(&c, 0);
}
