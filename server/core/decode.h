/* Packet decoder: L2..L4 headers of one frame, with no allocation and no side effects.
 * Every field is read with bounds checks against the captured length, so a malformed
 * or truncated frame yields a kind of PKT_MALFORMED (or a partial decode), never a read
 * past the buffer. */
#ifndef NTOP_DECODE_H
#define NTOP_DECODE_H

#include "ipaddr.h"

#include <stdbool.h>
#include <stdint.h>

/* Link types (pcap LINKTYPE_* numbering) the decoder understands. */
enum {
    LINK_NULL = 0, /* BSD loopback, 4-byte host-order family */
    LINK_ETHERNET = 1,
    LINK_RAW_OLD = 12, /* DLT_RAW on some BSDs */
    LINK_RAW = 101,
    LINK_LOOP = 108, /* OpenBSD loopback, network-order family */
    LINK_LINUX_SLL = 113,
    LINK_IPV4 = 228,
    LINK_IPV6 = 229,
    LINK_LINUX_SLL2 = 276,
};

enum pkt_kind {
    PKT_IP = 0,    /* IPv4 or IPv6 with at least the IP header decoded */
    PKT_ARP,       /* ARP over Ethernet */
    PKT_NON_IP,    /* a well-formed frame carrying something else (LLDP, STP, ...) */
    PKT_MALFORMED, /* too short or inconsistent headers */
    PKT_UNSUPPORTED_LINK,
};

enum { ARP_OP_REQUEST = 1, ARP_OP_REPLY = 2 };

/* Tunnels the decoder opens, as ntopng does by default (NetworkInterface::dissectPacket). */
enum pkt_tunnel {
    PKT_TUN_NONE = 0,
    PKT_TUN_GRE,    /* GRE carrying IPv4, IPv6 or Ethernet (0x6558) */
    PKT_TUN_ERSPAN, /* GRE 0x88be (type II) or 0x22eb (type III) */
    PKT_TUN_IPIP,   /* IP protocol 4 (4in4, 4in6) or 41 (6in4) */
    PKT_TUN_GTP,    /* GTP-U T-PDU on UDP 2152 */
    PKT_TUN_VXLAN,  /* UDP dst port 4789 */
    PKT_TUN_CAPWAP, /* CAPWAP data, UDP 5247 */
    PKT_TUN_EOIP,   /* UDP 16667 both ports */
    PKT_TUN_L2TP,   /* UDP 1701 both ports, PPP IPv4 */
    PKT_TUN_TZSP,   /* UDP 37008 */
};

struct pkt {
    /* Input */
    const uint8_t *data;
    uint32_t caplen;
    uint32_t wirelen;
    uint64_t ts_us;

    enum pkt_kind kind;

    /* L2 */
    const uint8_t *src_mac; /* NULL when the link type has no MAC addresses */
    const uint8_t *dst_mac;
    uint16_t ethertype;
    uint16_t vlan_id;   /* innermost tag, 0 when untagged */
    uint8_t vlan_tags;  /* number of 802.1Q/802.1ad tags */
    uint16_t l3_offset; /* bytes from frame start to the (innermost) IP header */
    uint16_t arp_op;

    /* L3 */
    uint8_t ip_ver;
    struct ipaddr src, dst;
    uint32_t ip_len;     /* IP total length from the header (v6: 40 + payload length) */
    uint8_t ttl;         /* or hop limit */
    uint8_t l4_proto;    /* after IPv6 extension headers */
    bool fragment;       /* part of a fragmented datagram */
    bool first_fragment; /* offset 0: carries the L4 header */
    uint16_t l4_offset;  /* from frame start; 0 when absent */

    /* L4 (set when l4_present) */
    bool l4_present;
    uint16_t sport, dport;
    uint8_t tcp_flags;
    uint32_t tcp_seq, tcp_ack;
    uint16_t tcp_win;
    uint8_t icmp_type, icmp_code;
    uint16_t icmp_id;
    const uint8_t *payload;
    uint32_t payload_len; /* captured payload bytes */

    /* Tunnels: when tunnel_depth > 0 every L3/L4 field above describes the innermost packet.
     * src_mac/dst_mac and vlan_id follow ntopng: the inner Ethernet header of VXLAN, GRE
     * 0x6558, ERSPAN, EoIP and TZSP replaces the outer one; the others keep the outer one. */
    uint8_t tunnel_depth; /* decapsulations done (at most DECODE_MAX_TUNNELS) */
    uint8_t tunnel;       /* enum pkt_tunnel: the innermost one */

    /* Bytes ntopng books on the flow and its hosts for this packet (kind PKT_IP only):
     * wirelen - encapsulation overhead - frame padding. The overhead is the offset of the
     * inner packet for GRE carrying IP, ERSPAN, 6in4 and 4in6, else 0; the padding (IPv4)
     * is what was captured beyond the innermost IPv4 total length. A truncated IPv4 packet
     * (see ip_truncated) gets l3_offset + total length - overhead instead. */
    uint32_t flow_bytes;
    /* ntopng's processPacket drops the packet before the flow: no L4 byte captured after
     * the IP header, or fewer than 20 (TCP), 8 (UDP), 12 (SCTP). l4_present is false. */
    bool l4_short;
    /* IPv4 total length beyond the captured bytes (snaplen): ntopng drops it; the probe
     * keeps it (doc/counting-rules.md). */
    bool ip_truncated;
    /* ntopng gives up on the frame in dissectPacket, before any MAC or flow accounting: it
     * only counts it on the interface, as "other" (a tunnel payload it cannot use, a PPP
     * protocol other than IP, a UDP header not captured, an unusable IP header). */
    bool early_drop;
};

/* Tunnels opened inside one another at most (ntopng has no limit). */
enum { DECODE_MAX_TUNNELS = 8 };

/* TCP flag bits as on the wire. */
enum {
    TH_FIN = 0x01,
    TH_SYN = 0x02,
    TH_RST = 0x04,
    TH_PUSH = 0x08,
    TH_ACK = 0x10,
    TH_URG = 0x20,
    TH_ECE = 0x40,
    TH_CWR = 0x80,
};

/* Decodes one frame of the given link type into *p. Never fails hard: p->kind says how
 * far decoding went. The pointers in *p borrow from `data`. Any thread. */
void decode_packet(int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                   uint64_t ts_us, struct pkt *p);

/* True when the decoder handles this pcap link type. */
bool decode_link_supported(int linktype);

#endif
