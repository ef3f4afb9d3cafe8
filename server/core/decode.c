#include "decode.h"

#include <string.h>

#define ETH_P_IP     0x0800
#define ETH_P_ARP    0x0806
#define ETH_P_8021Q  0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ1  0x9100
#define ETH_P_IPV6   0x86dd

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

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

static void decode_l4(struct pkt *p, const uint8_t *l4, uint32_t avail)
{
    p->l4_offset = (uint16_t)(l4 - p->data);
    switch (p->l4_proto) {
    case 6: /* TCP */
        if (avail < 20)
            return;
        {
            uint32_t hlen = (uint32_t)(l4[12] >> 4) * 4;
            if (hlen < 20 || hlen > avail)
                return;
            p->sport = rd16(l4);
            p->dport = rd16(l4 + 2);
            p->tcp_seq = rd32(l4 + 4);
            p->tcp_ack = rd32(l4 + 8);
            p->tcp_flags = l4[13];
            p->tcp_win = rd16(l4 + 14);
            p->payload = l4 + hlen;
            p->payload_len = avail - hlen;
            p->l4_present = true;
        }
        return;
    case 17:  /* UDP */
    case 136: /* UDP-Lite */
        if (avail < 8)
            return;
        p->sport = rd16(l4);
        p->dport = rd16(l4 + 2);
        p->payload = l4 + 8;
        p->payload_len = avail - 8;
        p->l4_present = true;
        return;
    case 1:  /* ICMP */
    case 58: /* ICMPv6 */
        if (avail < 4)
            return;
        p->icmp_type = l4[0];
        p->icmp_code = l4[1];
        if (avail >= 8)
            p->icmp_id = rd16(l4 + 4);
        p->payload = l4 + 4;
        p->payload_len = avail - 4;
        p->l4_present = true;
        return;
    default:
        p->payload = l4;
        p->payload_len = avail;
        return;
    }
}

static void decode_ipv4(struct pkt *p, const uint8_t *ip, uint32_t avail)
{
    if (avail < 20 || (ip[0] >> 4) != 4) {
        p->kind = PKT_MALFORMED;
        return;
    }
    uint32_t hlen = (uint32_t)(ip[0] & 0x0f) * 4;
    uint32_t tot = rd16(ip + 2);
    if (hlen < 20 || hlen > avail || tot < hlen) {
        p->kind = PKT_MALFORMED;
        return;
    }
    p->ip_ver = 4;
    p->ip_len = tot;
    p->ttl = ip[8];
    p->l4_proto = ip[9];
    ipaddr_set_v4(&p->src, ip + 12);
    ipaddr_set_v4(&p->dst, ip + 16);
    p->kind = PKT_IP;

    uint16_t frag = rd16(ip + 6);
    uint16_t offset = frag & 0x1fff;
    bool more = (frag & 0x2000) != 0;
    p->fragment = more || offset != 0;
    p->first_fragment = offset == 0;
    if (!p->first_fragment)
        return; /* no L4 header in a non-first fragment */

    /* Trust the smaller of what the header claims and what was captured. */
    uint32_t l4avail = (tot < avail ? tot : avail) - hlen;
    decode_l4(p, ip + hlen, l4avail);
}

static bool ipv6_is_ext_header(uint8_t nh)
{
    return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51 || nh == 135 || nh == 139 ||
           nh == 140;
}

static void decode_ipv6(struct pkt *p, const uint8_t *ip, uint32_t avail)
{
    if (avail < 40 || (ip[0] >> 4) != 6) {
        p->kind = PKT_MALFORMED;
        return;
    }
    p->ip_ver = 6;
    p->ip_len = 40u + rd16(ip + 4);
    p->ttl = ip[7];
    ipaddr_set_v6(&p->src, ip + 8);
    ipaddr_set_v6(&p->dst, ip + 24);
    p->kind = PKT_IP;
    p->first_fragment = true;

    uint8_t nh = ip[6];
    uint32_t off = 40;
    uint32_t limit = p->ip_len < avail ? p->ip_len : avail;
    /* Walk extension headers; a bounded count guards against loops of tiny headers. */
    for (int guard = 0; guard < 16 && ipv6_is_ext_header(nh); guard++) {
        if (off + 8 > limit) {
            p->l4_proto = nh;
            return;
        }
        const uint8_t *eh = ip + off;
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
        off += elen;
    }
    p->l4_proto = nh;
    if (off > limit || !p->first_fragment)
        return;
    decode_l4(p, ip + off, limit - off);
}

static void decode_l3(struct pkt *p, uint16_t ethertype, uint32_t off)
{
    p->ethertype = ethertype;
    p->l3_offset = (uint16_t)off;
    const uint8_t *l3 = p->data + off;
    uint32_t avail = p->caplen - off;
    switch (ethertype) {
    case ETH_P_IP:
        decode_ipv4(p, l3, avail);
        return;
    case ETH_P_IPV6:
        decode_ipv6(p, l3, avail);
        return;
    case ETH_P_ARP:
        if (avail < 8) {
            p->kind = PKT_MALFORMED;
            return;
        }
        p->kind = PKT_ARP;
        p->arp_op = rd16(l3 + 6);
        return;
    default:
        p->kind = PKT_NON_IP;
        return;
    }
}

static void decode_ethernet(struct pkt *p)
{
    if (p->caplen < 14) {
        p->kind = PKT_MALFORMED;
        return;
    }
    p->dst_mac = p->data;
    p->src_mac = p->data + 6;
    uint32_t off = 12;
    uint16_t type = rd16(p->data + off);
    while (type == ETH_P_8021Q || type == ETH_P_8021AD || type == ETH_P_QINQ1) {
        if (off + 6 > p->caplen) {
            p->kind = PKT_MALFORMED;
            return;
        }
        p->vlan_id = rd16(p->data + off + 2) & 0x0fff;
        p->vlan_tags++;
        off += 4;
        type = rd16(p->data + off);
    }
    off += 2;
    if (type < 0x0600) { /* 802.3 length field: LLC/SNAP, STP and friends */
        p->kind = PKT_NON_IP;
        return;
    }
    decode_l3(p, type, off);
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

static void decode_raw(struct pkt *p, uint32_t off)
{
    if (p->caplen <= off) {
        p->kind = PKT_MALFORMED;
        return;
    }
    uint8_t v = p->data[off] >> 4;
    decode_l3(p, v == 4 ? ETH_P_IP : (v == 6 ? ETH_P_IPV6 : 0), off);
    if (v != 4 && v != 6)
        p->kind = PKT_MALFORMED;
}

void decode_packet(int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                   uint64_t ts_us, struct pkt *p)
{
    memset(p, 0, sizeof(*p));
    p->data = data;
    p->caplen = caplen;
    p->wirelen = wirelen;
    p->ts_us = ts_us;

    switch (linktype) {
    case LINK_ETHERNET:
        decode_ethernet(p);
        return;
    case LINK_RAW:
    case LINK_RAW_OLD:
    case LINK_IPV4:
    case LINK_IPV6:
        decode_raw(p, 0);
        return;
    case LINK_NULL:
    case LINK_LOOP: {
        if (caplen < 4) {
            p->kind = PKT_MALFORMED;
            return;
        }
        uint32_t fam;
        if (linktype == LINK_LOOP)
            fam = rd32(data);
        else
            memcpy(&fam, data, 4); /* host order of the capturing machine */
        if (fam > 0xffff)
            fam = __builtin_bswap32(fam);
        uint16_t et = family_to_ethertype(fam);
        if (!et) {
            p->kind = PKT_NON_IP;
            return;
        }
        decode_l3(p, et, 4);
        return;
    }
    case LINK_LINUX_SLL:
        if (caplen < 16) {
            p->kind = PKT_MALFORMED;
            return;
        }
        if (rd16(data + 4) == 6) /* link-layer address length 6: a MAC */
            p->src_mac = data + 6;
        decode_l3(p, rd16(data + 14), 16);
        return;
    case LINK_LINUX_SLL2:
        if (caplen < 20) {
            p->kind = PKT_MALFORMED;
            return;
        }
        if (data[11] == 6)
            p->src_mac = data + 12;
        decode_l3(p, rd16(data), 20);
        return;
    default:
        p->kind = PKT_UNSUPPORTED_LINK;
        return;
    }
}
