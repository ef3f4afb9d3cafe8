/* A capture interface: one packet source and every table built from it. The state is
 * owned by the interface's capture thread; other threads reach it through iface_call(). */
#ifndef NTOP_IFACE_H
#define NTOP_IFACE_H

#include "decode.h"
#include "flow.h"
#include "host.h"
#include "mac.h"
#include "netlist.h"
#include "pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct probe;
struct ndpi_detection_module_struct;
struct iface_call;
struct check_engine;
struct alert_state;
struct host_snapshot;

/* Bytes ntopng adds per frame for interface totals: preamble, inter-frame gap and CRC. */
#define WIRE_OVERHEAD_BYTES 24

struct flow_table {
    struct flow **buckets;
    uint32_t mask; /* buckets - 1; a power of two */
    uint32_t count;
    uint32_t max_entries;
    struct flow *head, *tail; /* creation order */
    struct flow *last;        /* the last one found or inserted (flow_table_find checks it first) */
    uint64_t next_id;
    uint64_t dropped_full; /* packets whose flow could not be created */
    struct pool mem;       /* where the flows live */
};

struct host_table {
    struct host **buckets;
    uint32_t mask;
    uint32_t count;
    uint32_t local_count;   /* unicast local hosts */
    uint32_t unicast_count; /* unicast hosts: what stats.hosts reports */
    uint32_t max_entries;
    struct host *head, *tail;
    uint64_t next_id;
    uint64_t dropped_full;
    struct pool mem; /* where the hosts live */
};

struct mac_table {
    struct mac **buckets;
    uint32_t mask;
    uint32_t count;
    uint32_t devices; /* source MACs that are not special */
    struct mac *head, *tail;
    struct mac *recent[2]; /* the last two looked up (mac_table_get) */
    unsigned recent_next;
    struct pool mem; /* where the MACs live, side by side */
};

/* Per application protocol counters of an interface, indexed by nDPI protocol id. */
struct l7_counters {
    struct traffic t;
    uint32_t num_flows;
    uint32_t duration;
    uint32_t last_sec;
};

/* Bytes this network exchanged with another local network, booked when flows end
 * (ntopng's network_matrix, getNetworkStats' "intranet_traffic"). */
struct net_between {
    uint64_t bytes_sent, bytes_rcvd;
};

struct net_counters {
    uint64_t bytes_ingress, bytes_egress, bytes_inner; /* traffic into, out of, within */
    uint64_t pkts_ingress, pkts_egress, pkts_inner;
    uint32_t num_hosts;
    struct net_between between[NETLIST_MAX]; /* by the other network's id */
};

struct iface_counters {
    uint64_t packets, bytes; /* every frame; bytes include WIRE_OVERHEAD_BYTES */
    uint64_t ip_packets, ip_bytes;
    uint64_t ipv4_packets, ipv6_packets;
    uint64_t arp_packets, arp_requests, arp_replies;
    uint64_t other_packets;     /* non-IP, non-ARP frames */
    uint64_t malformed_packets; /* headers that did not decode */
    uint64_t fragments;
    uint64_t vlan_packets;                                   /* frames with at least one VLAN tag */
    uint64_t ipv4_bytes, ipv6_bytes, arp_bytes, other_bytes; /* frame lengths */
    uint64_t tcp_retransmissions, tcp_out_of_order, tcp_lost;
    uint64_t drops; /* reported by libpcap */
    uint64_t new_flows;
    struct traffic l4[L4_SLOTS]; /* packets/bytes per L4 protocol (sent = rcvd side unused) */
};

struct iface {
    int id;
    char *name; /* ntopng's naming: device name, or the capture file path */
    char *description;
    bool is_file;
    int linktype;
    struct probe *probe;

    struct flow_table flows;
    struct host_table hosts;
    struct mac_table macs;
    struct iface_counters c;
    struct l7_counters *l7; /* [l7_size] */
    uint32_t l7_size;
    struct l7_counters *categories; /* [l7_num_categories], by nDPI category id */
    uint32_t l7_num_categories;
    struct net_counters *nets; /* one per probe local network */

    struct ndpi_detection_module_struct *ndpi;
    struct check_engine *checks; /* check scripts (server/checks/); NULL when none */

    struct alert_state *alerts; /* engaged alerts and caches (server/alerts/alert_state.h) */

    uint64_t first_packet_us, last_packet_us;
    uint64_t clock_us; /* the interface's clock: packet time, or wall time on a quiet device */
    uint64_t next_purge_us;
    bool purge_enabled; /* live devices; capture files only with --pcap-file-purge-flows */
    /* End of a capture file: the flows still in memory were booked as ended (host contact
     * counters, network matrix); a later purge must not book them again. */
    bool eof_flows_booked;

    /* Host lists off the capture thread (host_snapshot.h): the newest snapshot, and a count
     * of write-class bindings run here (the registry bumps it), so writes show at once. */
    struct host_snapshot *host_snap;
    uint64_t api_writes;

    /* Threading: see capture.c */
    pthread_t thread;
    bool thread_running; /* guarded by call_lock */
    pthread_mutex_t call_lock;
    struct iface_call *calls_head, *calls_tail;
    void *loop_async; /* uv_async_t* of the owner loop while it runs */
    void *capture;    /* struct capture* */
    bool done;        /* input exhausted (files) */
};

/* Creates an interface bound to probe-wide settings; NULL on allocation failure.
 * The caller owns it; free with iface_free(). */
struct iface *iface_new(struct probe *probe, int id, const char *name, bool is_file);
void iface_free(struct iface *ifc);

/* Processes one captured frame. Owner thread only. */
void iface_process_packet(struct iface *ifc, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                          uint64_t ts_us);

/* Purges idle flows and hosts against the capture clock; `force` ignores the schedule. */
void iface_purge_idle(struct iface *ifc, bool force);

/* Ends detection of every flow still under way (end of a capture file). Owner thread. */
void iface_finish_all_detection(struct iface *ifc);

/* End of a capture file: finishes detection and books the flows still in memory as ended
 * (network matrix, host contact counters), once. Owner thread. */
void iface_end_of_input(struct iface *ifc);

/* Finds a host by address and VLAN; NULL when absent. Owner thread. */
struct host *iface_find_host(struct iface *ifc, const struct ipaddr *ip, uint16_t vlan);
struct mac *iface_find_mac(struct iface *ifc, const uint8_t addr[6]);

/* Table internals shared by the iface files. */
int flow_table_init(struct flow_table *t, uint32_t max_entries);
void flow_table_destroy(struct flow_table *t, struct iface *ifc);
struct flow *flow_table_lookup(struct flow_table *t, const struct flow_key *k, bool *reversed);
struct flow *flow_table_insert(struct flow_table *t, const struct flow_key *k);
void flow_table_remove(struct flow_table *t, struct flow *f);
/* Gives a removed flow's memory back to the table (the flow must own nothing any more). */
void flow_table_release(struct flow_table *t, struct flow *f);
/* Frees the memory of every flow at once (after the table's flows were walked). */
void flow_table_free_blocks(struct flow_table *t);
/* Changes f's key in place (a role swap), keeping its position in the creation order. */
void flow_table_rekey(struct flow_table *t, struct flow *f, const struct flow_key *k);

int host_table_init(struct host_table *t, uint32_t max_entries);
void host_table_destroy(struct host_table *t);
struct host *host_table_lookup(struct host_table *t, const struct ipaddr *ip, uint16_t vlan);
struct host *host_table_insert(struct host_table *t, const struct ipaddr *ip, uint16_t vlan);
void host_table_remove(struct host_table *t, struct host *h);
/* Frees what h owns and gives its memory back to t (h was removed from t). */
void host_free(struct host_table *t, struct host *h);

/* An empty MAC table; its buckets grow with the MACs seen. */
int mac_table_init(struct mac_table *t);
void mac_table_destroy(struct mac_table *t);
struct mac *mac_table_get(struct mac_table *t, const uint8_t addr[6], bool create);

/* Heap bytes of the tables' entries and what they own (not the bucket arrays; nDPI's
 * per-flow state apart), for the memory figures of doc/performance.md. */
size_t flow_table_heap(const struct flow_table *t, size_t *ndpi_bytes, uint32_t *ndpi_flows);
size_t host_table_heap(const struct host_table *t);
size_t mac_table_heap(const struct mac_table *t);
/* Logs (info) the tables' heap bytes per flow, host and MAC. */
void iface_log_table_memory(const struct iface *ifc);

/* Books a flow between two different local networks into both networks' matrix. Flow end
 * (purge) and end of a capture file, like the host contact counters. Owner thread. */
void iface_nets_flow_end(struct iface *ifc, const struct flow *f);
/* The flows still in memory at the end of a capture file (iface_end_of_input). */
void iface_nets_end_of_input(struct iface *ifc);

#endif
