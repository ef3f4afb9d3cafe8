/* Decoder unit tests: hand-built frames with known fields, and truncations of each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/decode.h"

/* Ethernet + 802.1Q(vlan 20) + IPv4 + TCP SYN 10.0.0.1:40000 -> 10.0.0.2:80, 4 bytes data. */
static const uint8_t vlan_tcp[] = {
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, /* MACs */
    0x81, 0x00, 0x00, 0x14, 0x08, 0x00,                                     /* VLAN 20 */
    0x45, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00, /* IPv4 */
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,                         /* addrs */
    0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, /* TCP */
    0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 'a',  'b',  'c',  'd',
};

static void test_vlan_tcp(void **state)
{
    struct pkt p;
    decode_packet(LINK_ETHERNET, vlan_tcp, sizeof(vlan_tcp), sizeof(vlan_tcp), 1, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_int_equal(p.vlan_id, 20);
    assert_int_equal(p.vlan_tags, 1);
    assert_int_equal(p.l3_offset, 18);
    assert_int_equal(p.ip_ver, 4);
    assert_int_equal(p.ip_len, 44);
    assert_int_equal(p.l4_proto, 6);
    assert_true(p.l4_present);
    assert_int_equal(p.sport, 40000);
    assert_int_equal(p.dport, 80);
    assert_int_equal(p.tcp_flags, TH_SYN);
    assert_int_equal(p.tcp_seq, 100);
    assert_int_equal(p.payload_len, 4);
    assert_memory_equal(p.payload, "abcd", 4);
    assert_int_equal(ipaddr_v4(&p.src), 0x0a000001);
    assert_int_equal(ipaddr_v4(&p.dst), 0x0a000002);
}

/* Every truncation of a valid frame decodes without reading past the end (ASan checks the
 * reads) and never claims more than it saw. */
static void test_truncations(void **state)
{
    for (uint32_t len = 0; len < sizeof(vlan_tcp); len++) {
        uint8_t buf[sizeof(vlan_tcp)];
        memcpy(buf, vlan_tcp, len);
        uint8_t *exact = test_malloc(len ? len : 1);
        memcpy(exact, buf, len);
        struct pkt p;
        decode_packet(LINK_ETHERNET, exact, len, sizeof(vlan_tcp), 1, &p);
        if (p.l4_present)
            assert_true(p.payload + p.payload_len <= exact + len);
        if (len < 14)
            assert_int_equal(p.kind, PKT_MALFORMED);
        test_free(exact);
    }
}

/* IPv6 with a hop-by-hop and a destination-options header before UDP 53. */
static void test_ipv6_ext_headers(void **state)
{
    uint8_t f[14 + 40 + 8 + 8 + 8 + 4] = {0};
    f[12] = 0x86;
    f[13] = 0xdd;
    uint8_t *ip = f + 14;
    ip[0] = 0x60;
    ip[4] = 0;
    ip[5] = 8 + 8 + 8 + 4; /* payload length */
    ip[6] = 0;             /* hop-by-hop */
    ip[7] = 64;
    ip[8] = 0x20;
    ip[23] = 1;
    ip[24] = 0x20;
    ip[39] = 2;
    uint8_t *hbh = ip + 40;
    hbh[0] = 60; /* next: destination options */
    hbh[1] = 0;
    uint8_t *dst = hbh + 8;
    dst[0] = 17;
    dst[1] = 0;
    uint8_t *udp = dst + 8;
    udp[0] = 0x13;
    udp[1] = 0x88; /* 5000 */
    udp[2] = 0x00;
    udp[3] = 0x35; /* 53 */
    struct pkt p;
    decode_packet(LINK_ETHERNET, f, sizeof(f), sizeof(f), 1, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_int_equal(p.ip_ver, 6);
    assert_int_equal(p.l4_proto, 17);
    assert_true(p.l4_present);
    assert_int_equal(p.sport, 5000);
    assert_int_equal(p.dport, 53);
    assert_int_equal(p.payload_len, 4);
}

static void test_ipv4_fragment(void **state)
{
    uint8_t f[sizeof(vlan_tcp)];
    memcpy(f, vlan_tcp, sizeof(f));
    f[18 + 6] = 0x00;
    f[18 + 7] = 0x10; /* offset 16 * 8 bytes: a later fragment */
    struct pkt p;
    decode_packet(LINK_ETHERNET, f, sizeof(f), sizeof(f), 1, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_true(p.fragment);
    assert_false(p.first_fragment);
    assert_false(p.l4_present);
}

static void test_arp_and_other(void **state)
{
    uint8_t arp[42] = {0};
    memset(arp, 0xff, 6);
    arp[12] = 0x08;
    arp[13] = 0x06;
    arp[14 + 7] = 1;
    struct pkt p;
    decode_packet(LINK_ETHERNET, arp, sizeof(arp), 60, 1, &p);
    assert_int_equal(p.kind, PKT_ARP);
    assert_int_equal(p.arp_op, ARP_OP_REQUEST);

    uint8_t lldp[20] = {0};
    lldp[12] = 0x88;
    lldp[13] = 0xcc;
    decode_packet(LINK_ETHERNET, lldp, sizeof(lldp), 60, 1, &p);
    assert_int_equal(p.kind, PKT_NON_IP);
}

static void test_other_link_types(void **state)
{
    /* Raw IP: the same IPv4 packet without L2. */
    const uint8_t *ip = vlan_tcp + 18;
    uint32_t iplen = sizeof(vlan_tcp) - 18;
    struct pkt p;
    decode_packet(LINK_RAW, ip, iplen, iplen, 1, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_int_equal(p.l3_offset, 0);
    assert_int_equal(p.dport, 80);

    /* Linux cooked (SLL): 16-byte header, protocol at 14. */
    uint8_t sll[16 + 64];
    memset(sll, 0, 16);
    sll[5] = 6;
    sll[14] = 0x08;
    sll[15] = 0x00;
    memcpy(sll + 16, ip, iplen);
    decode_packet(LINK_LINUX_SLL, sll, 16 + iplen, 16 + iplen, 1, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_int_equal(p.l3_offset, 16);
    assert_int_equal(p.sport, 40000);

    /* BSD loopback: 4-byte family in host order. */
    uint8_t null[4 + 64];
    uint32_t fam = 2;
    memcpy(null, &fam, 4);
    memcpy(null + 4, ip, iplen);
    decode_packet(LINK_NULL, null, 4 + iplen, 4 + iplen, 1, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_int_equal(p.dport, 80);

    decode_packet(147, null, 4 + iplen, 4 + iplen, 1, &p);
    assert_int_equal(p.kind, PKT_UNSUPPORTED_LINK);
}

static void test_qinq(void **state)
{
    uint8_t f[sizeof(vlan_tcp) + 4];
    memcpy(f, vlan_tcp, 12);
    const uint8_t tags[] = {0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x14};
    memcpy(f + 12, tags, sizeof(tags));
    memcpy(f + 20, vlan_tcp + 16, sizeof(vlan_tcp) - 16);
    struct pkt p;
    decode_packet(LINK_ETHERNET, f, sizeof(f), sizeof(f), 1, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_int_equal(p.vlan_tags, 2);
    assert_int_equal(p.vlan_id, 20); /* innermost, as ntopng */
    assert_int_equal(p.l3_offset, 22);
}

/* ---- Hand-built frames for tunnels, PPPoE, MPLS, SCTP and ntopng's length rules ---- */

static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0x0a}, MAC_B[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t MAC_C[6] = {0x02, 0, 0, 0, 0, 0x0c}, MAC_D[6] = {0x02, 0, 0, 0, 0, 0x0d};

struct buf {
    uint8_t b[2048];
    uint32_t n;
};

static uint8_t *put(struct buf *f, const void *src, uint32_t len)
{
    uint8_t *at = f->b + f->n;
    assert_true(f->n + len <= sizeof(f->b));
    if (src)
        memcpy(at, src, len);
    else
        memset(at, 0, len);
    f->n += len;
    return at;
}

static void put16(struct buf *f, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(f, x, 2);
}

static void put_eth(struct buf *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
    put(f, dst, 6);
    put(f, src, 6);
    put16(f, type);
}

/* IPv4 header; the total length is patched by ipv4_done(). */
static uint32_t put_ipv4(struct buf *f, uint8_t proto, uint32_t src, uint32_t dst)
{
    uint32_t at = f->n;
    uint8_t *ip = put(f, NULL, 20);
    ip[0] = 0x45;
    ip[8] = 64;
    ip[9] = proto;
    for (int i = 0; i < 4; i++) {
        ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
        ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
    }
    return at;
}

static void ipv4_done(struct buf *f, uint32_t at)
{
    uint32_t tot = f->n - at;
    f->b[at + 2] = (uint8_t)(tot >> 8);
    f->b[at + 3] = (uint8_t)tot;
}

static uint32_t put_ipv6(struct buf *f, uint8_t nh, uint8_t src_last, uint8_t dst_last)
{
    uint32_t at = f->n;
    uint8_t *ip = put(f, NULL, 40);
    ip[0] = 0x60;
    ip[6] = nh;
    ip[7] = 64;
    ip[8] = 0x20;
    ip[23] = src_last;
    ip[24] = 0x20;
    ip[39] = dst_last;
    return at;
}

static void ipv6_done(struct buf *f, uint32_t at)
{
    uint32_t plen = f->n - at - 40;
    f->b[at + 4] = (uint8_t)(plen >> 8);
    f->b[at + 5] = (uint8_t)plen;
}

static uint32_t put_udp(struct buf *f, uint16_t sport, uint16_t dport)
{
    uint32_t at = f->n;
    put16(f, sport);
    put16(f, dport);
    put(f, NULL, 4);
    return at;
}

static void udp_done(struct buf *f, uint32_t at)
{
    uint32_t len = f->n - at;
    f->b[at + 4] = (uint8_t)(len >> 8);
    f->b[at + 5] = (uint8_t)len;
}

/* The reference inner packet: IPv4 TCP 10.1.1.1:1234 -> 10.2.2.2:80, PSH+ACK, "data". */
static void put_inner_tcp4(struct buf *f)
{
    uint32_t ip = put_ipv4(f, 6, 0x0a010101, 0x0a020202);
    put16(f, 1234);
    put16(f, 80);
    uint8_t *t = put(f, NULL, 16);
    t[8] = 0x50;
    t[9] = TH_PUSH | TH_ACK;
    put(f, "data", 4);
    ipv4_done(f, ip);
}

/* The reference inner IPv6 packet: UDP 2001::1:5000 -> 2001::2:53, 4 bytes. */
static void put_inner_udp6(struct buf *f)
{
    uint32_t ip = put_ipv6(f, 17, 1, 2);
    uint32_t u = put_udp(f, 5000, 53);
    put(f, "abcd", 4);
    udp_done(f, u);
    ipv6_done(f, ip);
}

static void decode_buf(const struct buf *f, uint32_t wirelen, struct pkt *p)
{
    decode_packet(LINK_ETHERNET, f->b, f->n, wirelen ? wirelen : f->n, 1, p);
}

static void assert_inner_tcp4(const struct pkt *p, uint32_t l3_offset)
{
    assert_int_equal(p->kind, PKT_IP);
    assert_int_equal(p->ip_ver, 4);
    assert_int_equal(p->l3_offset, l3_offset);
    assert_int_equal(ipaddr_v4(&p->src), 0x0a010101);
    assert_int_equal(ipaddr_v4(&p->dst), 0x0a020202);
    assert_int_equal(p->l4_proto, 6);
    assert_true(p->l4_present);
    assert_false(p->l4_short);
    assert_int_equal(p->sport, 1234);
    assert_int_equal(p->dport, 80);
    assert_int_equal(p->tcp_flags, TH_PUSH | TH_ACK);
    assert_int_equal(p->payload_len, 4);
    assert_memory_equal(p->payload, "data", 4);
    assert_false(p->early_drop);
}

static void assert_inner_udp6(const struct pkt *p, uint32_t l3_offset)
{
    assert_int_equal(p->kind, PKT_IP);
    assert_int_equal(p->ip_ver, 6);
    assert_int_equal(p->l3_offset, l3_offset);
    assert_int_equal(p->l4_proto, 17);
    assert_true(p->l4_present);
    assert_int_equal(p->sport, 5000);
    assert_int_equal(p->dport, 53);
    assert_int_equal(p->payload_len, 4);
}

static void assert_macs(const struct pkt *p, const uint8_t *dst, const uint8_t *src)
{
    assert_memory_equal(p->dst_mac, dst, 6);
    assert_memory_equal(p->src_mac, src, 6);
}

/* Every prefix of the frame decodes without reading past it (ASan watches the exact-size
 * copy) and never points L4 data beyond it. */
static void check_prefixes(const struct buf *f)
{
    for (uint32_t len = 0; len <= f->n; len++) {
        uint8_t *exact = test_malloc(len ? len : 1);
        memcpy(exact, f->b, len);
        struct pkt p;
        decode_packet(LINK_ETHERNET, exact, len, f->n, 1, &p);
        if (p.l4_present)
            assert_true(p.payload + p.payload_len <= exact + len);
        if (p.l4_short)
            assert_false(p.l4_present);
        assert_true(p.flow_bytes <= f->n);
        test_free(exact);
    }
}

static void test_plain_flow_bytes(void **state)
{
    /* Plain IPv4: wirelen (the frame is exactly L2 + IP) */
    struct buf f = {0};
    put_eth(&f, MAC_A, MAC_B, 0x0800);
    put_inner_tcp4(&f);
    struct pkt p;
    decode_buf(&f, 0, &p);
    assert_inner_tcp4(&p, 14);
    assert_int_equal(p.flow_bytes, 14 + 44);
    assert_int_equal(p.tunnel_depth, 0);

    /* Ethernet padding (and an FCS) beyond the total length is not booked. */
    put(&f, NULL, 6);
    decode_buf(&f, 0, &p);
    assert_inner_tcp4(&p, 14);
    assert_int_equal(p.flow_bytes, 58);

    /* caplen < wirelen (an FCS counted but not captured): wirelen - captured padding. */
    decode_buf(&f, f.n + 4, &p);
    assert_int_equal(p.flow_bytes, 58 + 4);

    /* IPv6: wirelen, padding included. */
    struct buf g = {0};
    put_eth(&g, MAC_A, MAC_B, 0x86dd);
    put_inner_udp6(&g);
    decode_buf(&g, 0, &p);
    assert_inner_udp6(&p, 14);
    put(&g, NULL, 2);
    decode_buf(&g, 0, &p);
    assert_int_equal(p.flow_bytes, g.n);
    assert_int_equal(p.payload_len, 4 + 2); /* ntopng: what was captured, for IPv6 */

    /* Truncated IPv4 (snaplen): kept, booked with L2 + total length. */
    decode_packet(LINK_ETHERNET, f.b, 56, f.n, 1, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_true(p.ip_truncated);
    assert_true(p.l4_present);
    assert_int_equal(p.flow_bytes, 14 + 44);
}

static void test_gre(void **state)
{
    /* GRE (key present) carrying IPv4: overhead = offset of the inner header. */
    struct buf f = {0};
    put_eth(&f, MAC_A, MAC_B, 0x0800);
    uint32_t ip = put_ipv4(&f, 47, 0xc0000201, 0xc0000202);
    put16(&f, 0x2000);
    put16(&f, 0x0800);
    put(&f, "\0\0\0\x07", 4);
    put_inner_tcp4(&f);
    ipv4_done(&f, ip);
    struct pkt p;
    decode_buf(&f, 0, &p);
    assert_inner_tcp4(&p, 14 + 20 + 8);
    assert_int_equal(p.tunnel, PKT_TUN_GRE);
    assert_int_equal(p.tunnel_depth, 1);
    assert_macs(&p, MAC_A, MAC_B); /* the outer MACs stay */
    assert_int_equal(p.flow_bytes, 44);
    check_prefixes(&f);

    /* A fragmented GRE packet is not opened: the outer flow, protocol 47. */
    f.b[14 + 6] = 0x20;
    decode_buf(&f, 0, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_int_equal(p.l4_proto, 47);
    assert_int_equal(p.tunnel_depth, 0);
    assert_int_equal(ipaddr_v4(&p.src), 0xc0000201);

    /* GRE carrying IPv6. */
    struct buf g = {0};
    put_eth(&g, MAC_A, MAC_B, 0x0800);
    ip = put_ipv4(&g, 47, 0xc0000201, 0xc0000202);
    put16(&g, 0);
    put16(&g, 0x86dd);
    put_inner_udp6(&g);
    ipv4_done(&g, ip);
    decode_buf(&g, 0, &p);
    assert_inner_udp6(&p, 38);
    assert_int_equal(p.flow_bytes, g.n - 38);
    check_prefixes(&g);

    /* GRE carrying Ethernet (0x6558): the inner MACs replace the outer ones (ntopng's
     * `ethernet` pointer), no overhead. */
    struct buf h = {0};
    put_eth(&h, MAC_A, MAC_B, 0x0800);
    ip = put_ipv4(&h, 47, 0xc0000201, 0xc0000202);
    put16(&h, 0);
    put16(&h, 0x6558);
    put_eth(&h, MAC_C, MAC_D, 0x8100);
    put16(&h, 42);
    put16(&h, 0x0800);
    put_inner_tcp4(&h);
    ipv4_done(&h, ip);
    decode_buf(&h, 0, &p);
    assert_inner_tcp4(&p, 38 + 18);
    assert_macs(&p, MAC_C, MAC_D);
    assert_int_equal(p.vlan_id, 42);
    assert_int_equal(p.flow_bytes, h.n);
    check_prefixes(&h);
}

static void test_erspan(void **state)
{
    /* ERSPAN II: GRE with a sequence number, 8-byte ERSPAN header, inner Ethernet. */
    for (int type3 = 0; type3 <= 1; type3++) {
        struct buf f = {0};
        put_eth(&f, MAC_A, MAC_B, 0x0800);
        uint32_t ip = put_ipv4(&f, 47, 0xc0000201, 0xc0000202);
        put16(&f, 0x1000);
        put16(&f, type3 ? 0x22eb : 0x88be);
        put(&f, NULL, 4);
        put(&f, NULL, type3 ? 20 : 8);
        uint32_t inner_eth = f.n;
        put_eth(&f, MAC_C, MAC_D, 0x0800);
        put_inner_tcp4(&f);
        ipv4_done(&f, ip);
        struct pkt p;
        decode_buf(&f, 0, &p);
        assert_inner_tcp4(&p, inner_eth + 14);
        assert_int_equal(p.tunnel, PKT_TUN_ERSPAN);
        assert_macs(&p, MAC_C, MAC_D);
        assert_int_equal(p.flow_bytes, 14 + 44); /* the mirrored frame */
        check_prefixes(&f);
    }
}

static void test_ip_in_ip(void **state)
{
    struct pkt p;
    /* 4in4: no overhead, the whole outer frame is booked. */
    struct buf f = {0};
    put_eth(&f, MAC_A, MAC_B, 0x0800);
    uint32_t ip = put_ipv4(&f, 4, 0xc0000201, 0xc0000202);
    put_inner_tcp4(&f);
    ipv4_done(&f, ip);
    decode_buf(&f, 0, &p);
    assert_inner_tcp4(&p, 34);
    assert_int_equal(p.tunnel, PKT_TUN_IPIP);
    assert_int_equal(p.flow_bytes, f.n);
    check_prefixes(&f);

    /* 6in4: overhead = L2 + outer IPv4 header. */
    struct buf g = {0};
    put_eth(&g, MAC_A, MAC_B, 0x0800);
    ip = put_ipv4(&g, 41, 0xc0000201, 0xc0000202);
    put_inner_udp6(&g);
    ipv4_done(&g, ip);
    decode_buf(&g, 0, &p);
    assert_inner_udp6(&p, 34);
    assert_int_equal(p.flow_bytes, g.n - 34);
    check_prefixes(&g);

    /* 4in6: overhead = L2 + IPv6 header, padding measured on the inner IPv4. */
    struct buf h = {0};
    put_eth(&h, MAC_A, MAC_B, 0x86dd);
    ip = put_ipv6(&h, 4, 1, 2);
    put_inner_tcp4(&h);
    ipv6_done(&h, ip);
    put(&h, NULL, 4);
    decode_buf(&h, 0, &p);
    assert_inner_tcp4(&p, 54);
    assert_int_equal(p.flow_bytes, 44);
    check_prefixes(&h);

    /* Nesting is bounded: 4in4 inside 4in4 ... past DECODE_MAX_TUNNELS is malformed. */
    for (int levels = 1; levels <= DECODE_MAX_TUNNELS + 1; levels++) {
        struct buf n = {0};
        put_eth(&n, MAC_A, MAC_B, 0x0800);
        uint32_t at[DECODE_MAX_TUNNELS + 1];
        for (int i = 0; i < levels; i++)
            at[i] = put_ipv4(&n, 4, 0xc0000201, 0xc0000202);
        put_inner_tcp4(&n);
        for (int i = levels - 1; i >= 0; i--)
            ipv4_done(&n, at[i]);
        decode_buf(&n, 0, &p);
        if (levels <= DECODE_MAX_TUNNELS) {
            assert_inner_tcp4(&p, 14 + 20 * (uint32_t)levels);
            assert_int_equal(p.tunnel_depth, levels);
        } else {
            assert_int_equal(p.kind, PKT_MALFORMED);
        }
    }
}

static void put_gtp(struct buf *f, uint8_t flags, uint8_t type, uint32_t extra)
{
    uint8_t h[8] = {flags, type, 0, 0, 0, 0, 0, 1};
    put(f, h, 8);
    put(f, NULL, extra);
}

static void test_gtp(void **state)
{
    struct pkt p;
    /* GTPv1-U T-PDU with a sequence number (flags 0x32: 4 more bytes). */
    for (int sflag = 0; sflag <= 1; sflag++) {
        struct buf f = {0};
        put_eth(&f, MAC_A, MAC_B, 0x0800);
        uint32_t ip = put_ipv4(&f, 17, 0xc0000201, 0xc0000202);
        uint32_t u = put_udp(&f, 2152, 2152);
        put_gtp(&f, sflag ? 0x32 : 0x30, 0xff, sflag ? 4 : 0);
        uint32_t inner = f.n;
        put_inner_tcp4(&f);
        udp_done(&f, u);
        ipv4_done(&f, ip);
        decode_buf(&f, 0, &p);
        assert_inner_tcp4(&p, inner);
        assert_int_equal(p.tunnel, PKT_TUN_GTP);
        assert_macs(&p, MAC_A, MAC_B);
        assert_int_equal(p.flow_bytes, f.n); /* no overhead for GTP */
        check_prefixes(&f);
    }

    /* Not a T-PDU (echo request): the outer UDP flow. */
    struct buf g = {0};
    put_eth(&g, MAC_A, MAC_B, 0x0800);
    uint32_t ip = put_ipv4(&g, 17, 0xc0000201, 0xc0000202);
    uint32_t u = put_udp(&g, 40000, 2152);
    put_gtp(&g, 0x32, 0x01, 4);
    udp_done(&g, u);
    ipv4_done(&g, ip);
    decode_buf(&g, 0, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_int_equal(p.tunnel_depth, 0);
    assert_int_equal(p.dport, 2152);

    /* IPv6 inside GTP: ntopng drops the frame (interface counters only). */
    struct buf h = {0};
    put_eth(&h, MAC_A, MAC_B, 0x0800);
    ip = put_ipv4(&h, 17, 0xc0000201, 0xc0000202);
    u = put_udp(&h, 2152, 2152);
    put_gtp(&h, 0x30, 0xff, 0);
    put_inner_udp6(&h);
    udp_done(&h, u);
    ipv4_done(&h, ip);
    decode_buf(&h, 0, &p);
    assert_int_not_equal(p.kind, PKT_IP);
    assert_true(p.early_drop);
    check_prefixes(&h);
}

static void test_vxlan(void **state)
{
    struct pkt p;
    struct buf f = {0};
    put_eth(&f, MAC_A, MAC_B, 0x0800);
    uint32_t ip = put_ipv4(&f, 17, 0xc0000201, 0xc0000202);
    uint32_t u = put_udp(&f, 51000, 4789);
    uint8_t vx[8] = {0x08, 0, 0, 0, 0, 0, 0x64, 0};
    put(&f, vx, 8);
    put_eth(&f, MAC_C, MAC_D, 0x0800);
    uint32_t inner = f.n;
    put_inner_tcp4(&f);
    udp_done(&f, u);
    ipv4_done(&f, ip);
    decode_buf(&f, 0, &p);
    assert_inner_tcp4(&p, inner);
    assert_int_equal(p.tunnel, PKT_TUN_VXLAN);
    assert_macs(&p, MAC_C, MAC_D); /* ntopng re-enters datalink_check: the inner MACs */
    assert_int_equal(p.flow_bytes, f.n);
    check_prefixes(&f);

    /* 4789 as the source port only: not VXLAN. */
    f.b[34] = 0x12, f.b[35] = 0xb5, f.b[36] = 0xc7, f.b[37] = 0x38;
    decode_buf(&f, 0, &p);
    assert_int_equal(p.tunnel_depth, 0);
    assert_int_equal(p.sport, 4789);
}

static void test_capwap(void **state)
{
    struct pkt p;
    for (int v6 = 0; v6 <= 1; v6++) {
        struct buf f = {0};
        put_eth(&f, MAC_A, MAC_B, 0x0800);
        uint32_t ip = put_ipv4(&f, 17, 0xc0000201, 0xc0000202);
        uint32_t u = put_udp(&f, 5247, 12223);
        uint8_t cw[8] = {0, 0x10, 0x42, 0, 0, 0, 0, 0}; /* HLEN 2 words */
        put(&f, cw, 8);
        put(&f, NULL, 24); /* 802.11 data header */
        uint8_t llc[8] = {0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00};
        if (v6)
            llc[6] = 0x86, llc[7] = 0xdd;
        put(&f, llc, 8);
        uint32_t inner = f.n;
        if (v6)
            put_inner_udp6(&f);
        else
            put_inner_tcp4(&f);
        udp_done(&f, u);
        ipv4_done(&f, ip);
        decode_buf(&f, 0, &p);
        if (v6)
            assert_inner_udp6(&p, inner);
        else
            assert_inner_tcp4(&p, inner);
        assert_int_equal(p.tunnel, PKT_TUN_CAPWAP);
        assert_int_equal(p.flow_bytes, f.n);
        check_prefixes(&f);
    }
}

static void test_eoip_l2tp_tzsp(void **state)
{
    struct pkt p;
    /* EoIP: 12 bytes after the UDP header, then Ethernet. */
    struct buf f = {0};
    put_eth(&f, MAC_A, MAC_B, 0x0800);
    uint32_t ip = put_ipv4(&f, 17, 0xc0000201, 0xc0000202);
    uint32_t u = put_udp(&f, 16667, 16667);
    put(&f, NULL, 12);
    put_eth(&f, MAC_C, MAC_D, 0x0800);
    uint32_t inner = f.n;
    put_inner_tcp4(&f);
    udp_done(&f, u);
    ipv4_done(&f, ip);
    decode_buf(&f, 0, &p);
    assert_inner_tcp4(&p, inner);
    assert_int_equal(p.tunnel, PKT_TUN_EOIP);
    assert_macs(&p, MAC_C, MAC_D);
    check_prefixes(&f);

    /* L2TPv2 data with a length field, PPP IPv4. */
    struct buf g = {0};
    put_eth(&g, MAC_A, MAC_B, 0x0800);
    ip = put_ipv4(&g, 17, 0xc0000201, 0xc0000202);
    u = put_udp(&g, 1701, 1701);
    put16(&g, 0x4002);
    put(&g, NULL, 6); /* length, tunnel, session */
    put16(&g, 0xff03);
    put16(&g, 0x0021);
    inner = g.n;
    put_inner_tcp4(&g);
    udp_done(&g, u);
    ipv4_done(&g, ip);
    decode_buf(&g, 0, &p);
    assert_inner_tcp4(&p, inner);
    assert_int_equal(p.tunnel, PKT_TUN_L2TP);
    assert_macs(&p, MAC_A, MAC_B);
    assert_int_equal(p.flow_bytes, g.n);
    check_prefixes(&g);
    /* PPP LCP (0xc021): dropped; PPP IPv6: ntopng keeps the outer packet. */
    g.b[inner - 2] = 0xc0;
    decode_buf(&g, 0, &p);
    assert_true(p.early_drop);
    assert_int_equal(p.kind, PKT_NON_IP);
    g.b[inner - 2] = 0x00, g.b[inner - 1] = 0x57;
    decode_buf(&g, 0, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_int_equal(p.tunnel_depth, 0);
    assert_int_equal(p.dport, 1701);

    /* TZSP v1, Ethernet, an END tag, then the frame. */
    struct buf h = {0};
    put_eth(&h, MAC_A, MAC_B, 0x0800);
    ip = put_ipv4(&h, 17, 0xc0000201, 0xc0000202);
    u = put_udp(&h, 40000, 37008);
    uint8_t tz[5] = {1, 0, 0, 1, 1};
    put(&h, tz, 5);
    put_eth(&h, MAC_C, MAC_D, 0x0800);
    inner = h.n;
    put_inner_tcp4(&h);
    udp_done(&h, u);
    ipv4_done(&h, ip);
    decode_buf(&h, 0, &p);
    assert_inner_tcp4(&p, inner);
    assert_int_equal(p.tunnel, PKT_TUN_TZSP);
    assert_macs(&p, MAC_C, MAC_D);
    check_prefixes(&h);
}

static void test_pppoe_mpls(void **state)
{
    struct pkt p;
    /* PPPoE session, PPP 0x0021 and 0x0057. */
    for (int v6 = 0; v6 <= 1; v6++) {
        struct buf f = {0};
        put_eth(&f, MAC_A, MAC_B, 0x8864);
        uint8_t ppp[8] = {0x11, 0, 0, 0x01, 0, 0, 0x00, v6 ? 0x57 : 0x21};
        put(&f, ppp, 8);
        if (v6)
            put_inner_udp6(&f);
        else
            put_inner_tcp4(&f);
        decode_buf(&f, 0, &p);
        if (v6) {
            assert_inner_udp6(&p, 22);
            assert_int_equal(p.flow_bytes, f.n);
        } else {
            assert_inner_tcp4(&p, 22);
            assert_int_equal(p.flow_bytes, 22 + 44);
        }
        assert_int_equal(p.tunnel_depth, 0);
        check_prefixes(&f);
        f.b[20] = 0xc0; /* LCP */
        decode_buf(&f, 0, &p);
        assert_int_equal(p.kind, PKT_NON_IP);
        assert_true(p.early_drop);
    }

    /* MPLS: two labels, bottom of stack, IPv4 guessed from the version nibble. */
    struct buf g = {0};
    put_eth(&g, MAC_A, MAC_B, 0x8847);
    uint8_t labels[8] = {0, 0x01, 0x00, 0x40, 0, 0x02, 0x01, 0x40};
    put(&g, labels, 8);
    put_inner_tcp4(&g);
    decode_buf(&g, 0, &p);
    assert_inner_tcp4(&p, 22);
    assert_int_equal(p.flow_bytes, 22 + 44);
    check_prefixes(&g);

    /* MPLS carrying Ethernet (bytes 12-13 an IP ethertype): skipped, the MACs stay. */
    struct buf h = {0};
    put_eth(&h, MAC_A, MAC_B, 0x8847);
    put(&h, labels + 4, 4);
    put_eth(&h, MAC_C, MAC_D, 0x0800);
    put_inner_tcp4(&h);
    decode_buf(&h, 0, &p);
    assert_inner_tcp4(&p, 32);
    assert_macs(&p, MAC_A, MAC_B);
    check_prefixes(&h);

    /* 0x8848 (multicast MPLS) is not decoded by ntopng: non-IP. */
    g.b[13] = 0x48;
    decode_buf(&g, 0, &p);
    assert_int_equal(p.kind, PKT_NON_IP);
}

static void test_sctp_and_short_l4(void **state)
{
    struct pkt p;
    /* SCTP: ports from the common header. */
    struct buf f = {0};
    put_eth(&f, MAC_A, MAC_B, 0x0800);
    uint32_t ip = put_ipv4(&f, 132, 0x0a000001, 0x0a000002);
    put16(&f, 2905);
    put16(&f, 3868);
    put(&f, NULL, 8 + 16);
    ipv4_done(&f, ip);
    decode_buf(&f, 0, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_true(p.l4_present);
    assert_int_equal(p.sport, 2905);
    assert_int_equal(p.dport, 3868);
    assert_int_equal(p.payload_len, 16);

    /* The total length cuts each header one byte short: no flow (l4_short). */
    const uint8_t protos[3] = {132, 6, 17};
    const uint32_t need[3] = {12, 20, 8};
    for (int i = 0; i < 3; i++) {
        struct buf g = {0};
        put_eth(&g, MAC_A, MAC_B, 0x0800);
        ip = put_ipv4(&g, protos[i], 0x0a000001, 0x0a000002);
        put(&g, "\x13\x88\x00\x35", 4);
        put(&g, NULL, need[i] - 1 - 4);
        ipv4_done(&g, ip);
        put(&g, NULL, 60 - g.n); /* Ethernet padding up to 60 bytes */
        decode_buf(&g, 0, &p);
        assert_int_equal(p.kind, PKT_IP);
        assert_true(p.l4_short);
        assert_false(p.l4_present);
        assert_int_equal(p.flow_bytes, 14 + 20 + need[i] - 1);
    }

    /* No L4 byte at all (any protocol): no flow either. */
    struct buf h = {0};
    put_eth(&h, MAC_A, MAC_B, 0x0800);
    ip = put_ipv4(&h, 89, 0x0a000001, 0x0a000002);
    ipv4_done(&h, ip);
    decode_buf(&h, 0, &p);
    assert_true(p.l4_short);

    /* A UDP header not captured: ntopng drops the frame in dissectPacket. */
    struct buf u = {0};
    put_eth(&u, MAC_A, MAC_B, 0x0800);
    ip = put_ipv4(&u, 17, 0x0a000001, 0x0a000002);
    put_udp(&u, 5000, 53);
    ipv4_done(&u, ip);
    decode_packet(LINK_ETHERNET, u.b, u.n - 2, u.n, 1, &p);
    assert_true(p.l4_short);
    assert_true(p.early_drop);
    assert_false(p.l4_present);

    /* TCP with 20 captured bytes but a bogus data offset: real ports, payload clamped. */
    struct buf t = {0};
    put_eth(&t, MAC_A, MAC_B, 0x0800);
    put_inner_tcp4(&t);
    t.b[14 + 20 + 12] = 0xf0; /* 60-byte header claimed, 24 bytes there */
    decode_buf(&t, 0, &p);
    assert_true(p.l4_present);
    assert_int_equal(p.sport, 1234);
    assert_int_equal(p.dport, 80);
    assert_int_equal(p.payload_len, 0);
    t.b[14 + 20 + 12] = 0x00; /* 0: ntopng's payload starts at the TCP header */
    decode_buf(&t, 0, &p);
    assert_true(p.l4_present);
    assert_int_equal(p.dport, 80);
    assert_int_equal(p.payload_len, 24);
}

static void test_tso_zero_length(void **state)
{
    struct buf f = {0};
    put_eth(&f, MAC_A, MAC_B, 0x0800);
    put_inner_tcp4(&f);
    put(&f, NULL, 1000); /* more segment data: the NIC will cut it */
    f.b[16] = 0, f.b[17] = 0;
    struct pkt p;
    decode_buf(&f, 0, &p);
    assert_int_equal(p.kind, PKT_IP);
    assert_int_equal(p.ip_len, 0);
    assert_true(p.l4_present);
    assert_false(p.l4_short);
    assert_int_equal(p.sport, 1234);
    assert_int_equal(p.dport, 80);
    assert_int_equal(p.payload_len, 1004); /* everything captured after the TCP header */
    assert_int_equal(p.flow_bytes, 14);    /* the L2 header only */
    /* Snaplen-cut: wirelen - (captured IP bytes). */
    decode_packet(LINK_ETHERNET, f.b, 200, f.n, 1, &p);
    assert_int_equal(p.flow_bytes, f.n - (200 - 14));
}

static void test_link_ipv4(void **state)
{
    /* DLT_IPV4 is IPv4 whatever the version nibble says (ntopng): IPv6 there is dropped. */
    struct buf f = {0};
    put_inner_udp6(&f);
    struct pkt p;
    decode_packet(LINK_IPV4, f.b, f.n, f.n, 1, &p);
    assert_int_not_equal(p.kind, PKT_IP);
    decode_packet(LINK_RAW, f.b, f.n, f.n, 1, &p);
    assert_inner_udp6(&p, 0);
    assert_null(p.src_mac);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vlan_tcp),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_ipv6_ext_headers),
        cmocka_unit_test(test_ipv4_fragment),
        cmocka_unit_test(test_arp_and_other),
        cmocka_unit_test(test_other_link_types),
        cmocka_unit_test(test_qinq),
        cmocka_unit_test(test_plain_flow_bytes),
        cmocka_unit_test(test_gre),
        cmocka_unit_test(test_erspan),
        cmocka_unit_test(test_ip_in_ip),
        cmocka_unit_test(test_gtp),
        cmocka_unit_test(test_vxlan),
        cmocka_unit_test(test_capwap),
        cmocka_unit_test(test_eoip_l2tp_tzsp),
        cmocka_unit_test(test_pppoe_mpls),
        cmocka_unit_test(test_sctp_and_short_l4),
        cmocka_unit_test(test_tso_zero_length),
        cmocka_unit_test(test_link_ipv4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
