/* Flows: bidirectional conversations keyed on VLAN, L4 protocol and the endpoint pair.
 * The client is the initiator (or what the role heuristics decide, see flow_table.c). */
#ifndef NTOP_FLOW_H
#define NTOP_FLOW_H

#include "ipaddr.h"

#include <stdbool.h>
#include <stdint.h>

struct host;
struct ndpi_flow_struct;
struct flow_alert_info;

struct flow_key {
    struct ipaddr cli, srv;
    uint16_t cli_port, srv_port; /* 0 for protocols without ports */
    uint16_t vlan;
    uint8_t proto;
    /* Splits what the 5-tuple would merge, as ntopng does: the DNS transaction id of a
     * UDP/53 packet, or the embedded tuple of an ICMP port-unreachable. */
    uint32_t aux;
};

static inline bool flow_key_same(const struct flow_key *a, const struct flow_key *b)
{
    return a->cli_port == b->cli_port && a->srv_port == b->srv_port && a->vlan == b->vlan &&
           a->proto == b->proto && a->aux == b->aux && ipaddr_eq(&a->cli, &b->cli) &&
           ipaddr_eq(&a->srv, &b->srv);
}

/* The same flow seen from the other side. */
static inline bool flow_key_reversed(const struct flow_key *a, const struct flow_key *b)
{
    return a->cli_port == b->srv_port && a->srv_port == b->cli_port && a->vlan == b->vlan &&
           a->proto == b->proto && a->aux == b->aux && ipaddr_eq(&a->cli, &b->srv) &&
           ipaddr_eq(&a->srv, &b->cli);
}

/* Counters of one direction. */
struct flow_dir {
    uint64_t packets;
    uint64_t bytes;         /* L2 header + IP total length, as ntopng counts */
    uint64_t goodput_bytes; /* L4 payload */
    uint32_t fragments;
    uint32_t retransmissions, out_of_order, lost;
    uint32_t next_seq, last_seq; /* TCP sequence tracking (ntopng's rules) */
    uint16_t pkt_len_min, pkt_len_max;
    uint8_t tcp_flags; /* OR of all flags seen */
};

/* Application-layer metadata, allocated only for flows that carry some. */
struct flow_meta {
    char *host_server_name; /* HTTP Host, TLS/QUIC SNI, DNS query */
    char *http_url, *http_method, *http_user_agent, *http_content_type, *http_server;
    uint16_t http_response_code;
    char *dns_query;
    uint16_t dns_query_type, dns_return_code;
    struct ipaddr dns_answer; /* first A/AAAA address of the response; ver 0 when none */
    uint16_t tls_version;
    char *tls_ja3_client, *tls_ja3_server, *tls_issuer, *tls_subject, *tls_alpn;
    uint64_t tls_not_before, tls_not_after;
    char *ssh_client_signature, *ssh_server_signature, *ssh_hassh_client, *ssh_hassh_server;
};

struct flow {
    struct flow *hash_next;             /* bucket chain */
    struct flow *list_prev, *list_next; /* creation order, for walks and purge */
    struct flow_key key;
    struct host *cli_host, *srv_host; /* counted references */
    /* The MACs its packets last carried on the key's client and server side: checked against
     * each packet, they spare two MAC table lookups (MACs live as long as the table). */
    struct mac *cli_mac, *srv_mac;
    uint64_t id;                      /* serial number on its interface */
    uint64_t first_seen_us, last_seen_us;
    struct flow_dir c2s, s2c;
    uint64_t risk;                 /* nDPI risk bitmap */
    struct ndpi_flow_struct *ndpi; /* only until detection is final */
    struct flow_meta *meta;
    struct flow_alert_info *alerts; /* NULL until alerted (server/alerts/alert_state.h) */
    uint16_t ndpi_master, ndpi_app;
    uint16_t ndpi_category;
    uint16_t ndpi_packets; /* packets handed to nDPI */
    uint8_t icmp_type, icmp_code;
    bool detection_done;
    bool l7_accounted; /* traffic so far booked to the L7 counters */
    bool guessed;
    bool swap_requested; /* roles to change on the first packet of the other side */
    bool swapped;
    bool idle;
    /* Fixed once l7_accounted: the protocol the flow is booked under and its client's and
     * server's slots in host->l7 (FLOW_L7_SLOT_NONE: not found yet), so each later packet
     * books without looking them up. Fits the struct's tail padding. */
    uint16_t l7_proto;
    uint16_t l7_slot[2];
};

#define FLOW_L7_SLOT_NONE 0xffffu

static inline uint64_t flow_packets(const struct flow *f)
{
    return f->c2s.packets + f->s2c.packets;
}

static inline uint64_t flow_bytes(const struct flow *f)
{
    return f->c2s.bytes + f->s2c.bytes;
}

#endif
