/* Decoder internals shared by decode.c (link, L2, IP, L4) and decode_tunnel.c (tunnels).
 * The structure follows ntopng's NetworkInterface::dissectPacket: decode_link is its
 * "datalink_check" label, decode_l2_payload its "decode_packet_eth" label, dissect_ipv4/6
 * its IPv4/IPv6 branches (tunnel checks), process_ipv4/6 its processPacket. */
#ifndef NTOP_DECODE_PRIV_H
#define NTOP_DECODE_PRIV_H

#include "decode.h"

#define ETH_P_IP     0x0800
#define ETH_P_ARP    0x0806
#define ETH_P_8021Q  0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ1  0x9100
#define ETH_P_IPV6   0x86dd
#define ETH_P_MPLS   0x8847
#define ETH_P_PPPOES 0x8864

struct dctx {
    struct pkt *p;
    int linktype;      /* the capture's: a tunnel carrying Ethernet re-enters it */
    uint32_t overhead; /* ntopng's encapsulation_overhead */
};

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Captured bytes from offset off on (0 at or past the end). */
static inline uint32_t avail_at(const struct pkt *p, uint32_t off)
{
    return off < p->caplen ? p->caplen - off : 0;
}

void decode_link(struct dctx *c, uint32_t off);
void decode_eth_at(struct dctx *c, uint32_t off);
void dissect_ipv4(struct dctx *c, uint32_t off);
void dissect_ipv6(struct dctx *c, uint32_t off);
void process_ipv4(struct dctx *c, uint32_t off);
void process_ipv6(struct dctx *c, uint32_t off);

/* ntopng stops in dissectPacket: interface counters only. */
void decode_drop(struct pkt *p, enum pkt_kind kind);

/* Counts one more decapsulation; false (and p is PKT_MALFORMED) past DECODE_MAX_TUNNELS. */
bool tunnel_enter(struct dctx *c, enum pkt_tunnel t);

/* decode_tunnel.c: the tunnel checks of dissectPacket's IPv4 / IPv6 branch for the header at
 * off (captured, version checked). True when the frame was handled (decapsulated or
 * dropped), false when ntopng processes the outer packet as it is. */
bool tunnel_ipv4(struct dctx *c, uint32_t off);
bool tunnel_ipv6(struct dctx *c, uint32_t off);

#endif
