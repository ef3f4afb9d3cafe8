/* Hosts: one per IP address and VLAN seen in a flow. */
#ifndef NTOP_HOST_H
#define NTOP_HOST_H

#include "ipaddr.h"

#include <stdbool.h>
#include <stdint.h>

struct traffic {
    uint64_t pkts_sent, pkts_rcvd;
    uint64_t bytes_sent, bytes_rcvd;
};

enum l4_slot { L4_TCP = 0, L4_UDP, L4_ICMP, L4_OTHER, L4_SLOTS };

/* Per application protocol counters of a host; kept in a small sorted array. */
struct host_l7 {
    uint16_t proto; /* nDPI protocol id */
    uint16_t category;
    uint32_t num_flows;
    uint32_t duration; /* seconds with traffic */
    uint32_t last_sec;
    struct traffic t;
};

struct host {
    struct host *hash_next;
    struct host *list_prev, *list_next;
    struct ipaddr ip;
    uint16_t vlan;
    uint8_t mac[6];
    bool has_mac;
    bool local;
    bool multicast, broadcast;
    bool unicast; /* counted in the interface's host totals (ntopng's isUnicastHost) */
    bool is_private;
    int16_t network_id; /* local network index, -1 when none */
    uint64_t id;
    uint64_t first_seen_us, last_seen_us;
    struct traffic total;
    struct traffic l4[L4_SLOTS];
    uint32_t active_flows_as_client, active_flows_as_server;
    uint64_t flows_as_client, flows_as_server;
    uint32_t contacts_as_client, contacts_as_server; /* distinct peers */
    uint32_t refs;                                   /* flows that point here */
    uint16_t l7_count, l7_cap;
    struct host_l7 *l7;
    struct peer_set *peers; /* distinct peers, lazily allocated */
    char *name;             /* learned from DNS, HTTP Host or TLS SNI */
    bool blacklisted;       /* in --blacklist when created */
    /* Host check scripts: host.skipVisitedHost (until 0 = for ever), isFirstCheckRun. */
    bool check_skip, check_ran_once;
    uint32_t check_skip_until_s;
    /* The check engine's memory from the last minute run (server/checks/check_periodic.c):
     * flows_as_client, flows_as_server and the unanswered flows (host_contacts.h) then;
     * the flows started as client / as server in the minute that run ended (the probe
     * extensions host.new_flows_as_client/as_server), the larger of the two in the run
     * before; whether that run saw new unanswered flows. */
    uint32_t check_cli_flows_seen, check_srv_flows_seen;
    uint32_t check_new_cli_flows, check_new_srv_flows, check_prev_new_flows;
    uint32_t check_unanswered_seen;
    bool check_new_unanswered;
    bool check_flows_counted; /* a minute run counted its new flows: they mean something */
    /* Score (ntopng's rule): the scores of its flows' alerts, as client or server, while
     * those flows live, plus its engaged host alerts (server/alerts/alert_state.c). */
    uint32_t score_as_client, score_as_server;
    /* Unanswered TCP/UDP flows (host_contacts.h); allocated on the first one. */
    struct host_contacts *contacts;
};

/* The host's score: score_as_client + score_as_server. */
uint32_t host_score(const struct host *h);

#endif
