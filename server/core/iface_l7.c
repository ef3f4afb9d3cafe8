/* Application-protocol accounting and what detection teaches about hosts (names). */
#include "iface_internal.h"

#include "../checks/check_engine.h"

#include "dpi.h"
#include "log.h"
#include "probe.h"

#include <stdlib.h>
#include <string.h>

static void l7_duration_tick(uint32_t *duration, uint32_t *last_sec, uint32_t sec)
{
    if (sec != *last_sec) {
        *last_sec = sec;
        (*duration)++;
    }
}

static void add_l7(struct l7_counters *c, const struct flow_dir *sent, const struct flow_dir *rcvd,
                   uint32_t sec, bool new_flow)
{
    c->t.pkts_sent += sent->packets;
    c->t.bytes_sent += sent->bytes;
    c->t.pkts_rcvd += rcvd->packets;
    c->t.bytes_rcvd += rcvd->bytes;
    l7_duration_tick(&c->duration, &c->last_sec, sec);
    if (new_flow)
        c->num_flows++;
}

static void add_host_l7(struct host_l7 *s, uint16_t category, const struct flow_dir *sent,
                        const struct flow_dir *rcvd, uint32_t sec, bool new_flow)
{
    s->category = category;
    s->t.pkts_sent += sent->packets;
    s->t.bytes_sent += sent->bytes;
    s->t.pkts_rcvd += rcvd->packets;
    s->t.bytes_rcvd += rcvd->bytes;
    l7_duration_tick(&s->duration, &s->last_sec, sec);
    if (new_flow)
        s->num_flows++;
}

/* The flow's slot in the counters of its end i (0 client, 1 server), found once and kept. */
static struct host_l7 *flow_host_l7(struct flow *f, int i)
{
    struct host *h = i == 0 ? f->cli_host : f->srv_host;
    if (!h)
        return NULL;
    if (f->l7_slot[i] == FLOW_L7_SLOT_NONE) {
        int slot = host_l7_slot(h, f->l7_proto);
        if (slot < 0)
            return NULL;
        f->l7_slot[i] = (uint16_t)slot;
    }
    return &h->l7[f->l7_slot[i]];
}

/* Adds `c2s`/`s2c` traffic of flow f to the L7 counters of the interface (client-to-server
 * is "sent", the reverse "rcvd"), its category and both hosts. */
static void account_l7(struct iface *ifc, struct flow *f, const struct flow_dir *c2s,
                       const struct flow_dir *s2c, uint64_t ts_us, bool new_flow)
{
    uint32_t sec = (uint32_t)(ts_us / 1000000u);
    add_l7(&ifc->l7[f->l7_proto], c2s, s2c, sec, new_flow);
    if (f->ndpi_category < ifc->l7_num_categories)
        add_l7(&ifc->categories[f->ndpi_category], c2s, s2c, sec, new_flow);
    struct host_l7 *s = flow_host_l7(f, 0);
    if (s)
        add_host_l7(s, f->ndpi_category, c2s, s2c, sec, new_flow);
    if ((s = flow_host_l7(f, 1)))
        add_host_l7(s, f->ndpi_category, s2c, c2s, sec, new_flow);
}

/* One packet of a flow whose traffic is already booked to its protocol: the same counters
 * as account_l7, one side each. */
void account_l7_packet(struct iface *ifc, struct flow *f, bool src_is_client, uint64_t bytes,
                       uint64_t ts_us)
{
    uint32_t sec = (uint32_t)(ts_us / 1000000u);
    struct l7_counters *c = &ifc->l7[f->l7_proto];
    add_traffic(&c->t, src_is_client, bytes);
    l7_duration_tick(&c->duration, &c->last_sec, sec);
    if (f->ndpi_category < ifc->l7_num_categories) {
        c = &ifc->categories[f->ndpi_category];
        add_traffic(&c->t, src_is_client, bytes);
        l7_duration_tick(&c->duration, &c->last_sec, sec);
    }
    for (int i = 0; i < 2; i++) {
        struct host_l7 *s = flow_host_l7(f, i);
        if (!s)
            continue;
        s->category = f->ndpi_category;
        add_traffic(&s->t, src_is_client == (i == 0), bytes);
        l7_duration_tick(&s->duration, &s->last_sec, sec);
    }
}

void host_set_name(struct host *h, const char *name)
{
    if (!h || !name || !*name || (h->name && strcmp(h->name, name) == 0))
        return;
    char *copy = strdup(name);
    if (!copy)
        return;
    free(h->name);
    h->name = copy;
}

/* Names come from what the traffic says about a server: the HTTP Host or TLS/QUIC SNI it
 * was asked for, and the address a DNS answer gave for a name. */
static void learn_names(struct iface *ifc, struct flow *f)
{
    const struct flow_meta *m = f->meta;
    if (!m)
        return;
    if (m->dns_query) {
        if (m->dns_answer.ver) {
            struct host *h = host_table_lookup(&ifc->hosts, &m->dns_answer, f->key.vlan);
            host_set_name(h, m->dns_query);
        }
    } else if (m->host_server_name && (m->http_url || m->tls_version || m->http_method ||
                                       f->key.proto == 6 || f->key.proto == 17)) {
        host_set_name(f->srv_host, m->host_server_name);
    }
}

void finish_detection(struct iface *ifc, struct flow *f, uint64_t ts_us)
{
    dpi_finish(ifc, f);
    if (f->l7_accounted)
        return;
    learn_names(ifc, f);
    /* Everything the flow carried so far goes to the protocol now known. */
    f->l7_accounted = true;
    f->l7_proto = dpi_flow_stats_proto(ifc, f);
    if (f->l7_proto >= ifc->l7_size)
        f->l7_proto = 0;
    f->l7_slot[0] = f->l7_slot[1] = FLOW_L7_SLOT_NONE;
    account_l7(ifc, f, &f->c2s, &f->s2c, ts_us, true);
    checks_on_flow_detected(ifc, f);
}
