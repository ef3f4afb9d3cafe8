/* MAC addresses seen as frame sources or destinations on Ethernet interfaces. */
#ifndef NTOP_MAC_H
#define NTOP_MAC_H

#include "host.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct mac {
    struct mac *hash_next;
    struct mac *list_prev, *list_next;
    uint8_t addr[6];
    bool source_mac; /* seen as a sender at least once */
    bool special;    /* broadcast, multicast or a reserved prefix: never a device */
    uint16_t vlan;
    uint64_t first_seen_us, last_seen_us;
    struct traffic t;
    uint64_t arp_requests_sent, arp_requests_rcvd, arp_replies_sent, arp_replies_rcvd;
    uint32_t num_hosts; /* hosts whose MAC this is */
};

static inline bool mac_addr_eq(const uint8_t *a, const uint8_t *b)
{
    uint32_t a4, b4;
    uint16_t a2, b2;
    memcpy(&a4, a, 4);
    memcpy(&b4, b, 4);
    memcpy(&a2, a + 4, 2);
    memcpy(&b2, b + 4, 2);
    return a4 == b4 && a2 == b2;
}

#endif
