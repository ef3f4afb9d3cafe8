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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
