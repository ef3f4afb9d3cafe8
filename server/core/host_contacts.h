/* Contact counters of a host over TCP/UDP flows that never got a reply (ntopng's "NoTX"
 * counters): how many such flows ended with the host as client (egress) or server
 * (ingress), an estimate of the distinct <peer, server port> pairs on each side, and the
 * exact set of the host's own server ports contacted. As in ntopng, a flow counts when it
 * ends and is one-way: packets in one direction only. A flow ends when the idle purge removes
 * it or, for a capture file, when the file ends (its flows are never purged afterwards; the
 * check engine ends them there too); it is booked once. The peer pairs use a
 * HyperLogLog of 2^5 registers (nDPI's, as ntopng: standard error 1.04/sqrt(32) = 18.4%).
 *
 * The state is allocated only for hosts that took part in such a flow; all functions run
 * on the interface's owner thread. */
#ifndef NTOP_HOST_CONTACTS_H
#define NTOP_HOST_CONTACTS_H

#include "ipaddr.h"

#include <stddef.h>
#include <stdint.h>

struct flow;
struct host;
struct iface;

#define HOST_CONTACTS_HLL_BITS 5
/* Bytes one <peer, port> pair adds to a HyperLogLog: the 16-byte address, then the port
 * in network order. */
#define HOST_CONTACTS_PAIR_LEN 18

/* Books a flow that is being purged: call once per flow, before its hosts are released.
 * Nothing after iface_end_of_input(), which booked it already. */
void host_contacts_flow_end(struct iface *ifc, const struct flow *f);

/* End of a capture file: books every flow still in the table (iface_end_of_input calls it,
 * once). */
void host_contacts_end_of_input(struct iface *ifc);

/* Frees h's contact state (host_free). */
void host_contacts_free(struct host *h);

/* ntopng's resetHostContacts: forgets the peer pairs and ports; the flow counts stay. */
void host_contacts_reset(struct host *h);

uint32_t host_contacts_num_egress(const struct host *h);      /* one-way flows as client */
uint32_t host_contacts_num_ingress(const struct host *h);     /* one-way flows as server */
uint32_t host_contacts_peers_as_client(const struct host *h); /* <server, port> estimate */
uint32_t host_contacts_peers_as_server(const struct host *h); /* <client, port> estimate */
uint32_t host_contacts_server_ports(const struct host *h);    /* exact */

/* Heap bytes held for h's contacts (the struct, registers and port set). */
size_t host_contacts_mem(const struct host *h);

/* The bytes a pair is counted as (tests feed the same bytes to their own estimator). */
void host_contacts_pair_bytes(uint8_t out[HOST_CONTACTS_PAIR_LEN], const struct ipaddr *peer,
                              uint16_t port);

#endif
