/* Application-protocol accounting and what detection teaches about hosts (names). */
#include "iface_internal.h"

#include "../checks/check_engine.h"

#include "dpi.h"
#include "log.h"
#include "probe.h"

#include <stdlib.h>
#include <string.h>

static void l7_duration_tick(uint32_t *duration, uint32_t *last_sec, uint64_t ts_us)
{
    uint32_t sec = (uint32_t)(ts_us / 1000000u);
    if (sec != *last_sec) {
        *last_sec = sec;
        (*duration)++;
    }
}

/* Adds `c2s`/`s2c` traffic of flow f to the L7 counters of the interface and both hosts. */
void account_l7(struct iface *ifc, struct flow *f, const struct flow_dir *c2s,
                const struct flow_dir *s2c, uint64_t ts_us, bool new_flow)
{
    uint16_t proto = dpi_flow_stats_proto(ifc, f);
    if (proto >= ifc->l7_size)
        proto = 0;
    struct l7_counters *ic = &ifc->l7[proto];
    /* Interface side: client-to-server traffic is "sent", the reverse "rcvd". */
    ic->t.pkts_sent += c2s->packets;
    ic->t.bytes_sent += c2s->bytes;
    ic->t.pkts_rcvd += s2c->packets;
    ic->t.bytes_rcvd += s2c->bytes;
    l7_duration_tick(&ic->duration, &ic->last_sec, ts_us);
    if (new_flow)
        ic->num_flows++;
    if (f->ndpi_category < ifc->l7_num_categories) {
        struct l7_counters *cc = &ifc->categories[f->ndpi_category];
        cc->t.pkts_sent += c2s->packets;
        cc->t.bytes_sent += c2s->bytes;
        cc->t.pkts_rcvd += s2c->packets;
        cc->t.bytes_rcvd += s2c->bytes;
        l7_duration_tick(&cc->duration, &cc->last_sec, ts_us);
        if (new_flow)
            cc->num_flows++;
    }

    struct host *ends[2] = {f->cli_host, f->srv_host};
    for (int i = 0; i < 2; i++) {
        struct host *h = ends[i];
        if (!h)
            continue;
        struct host_l7 *s = host_l7_slot(h, proto);
        if (!s)
            continue;
        const struct flow_dir *out = i == 0 ? c2s : s2c;
        const struct flow_dir *in = i == 0 ? s2c : c2s;
        s->category = f->ndpi_category;
        s->t.pkts_sent += out->packets;
        s->t.bytes_sent += out->bytes;
        s->t.pkts_rcvd += in->packets;
        s->t.bytes_rcvd += in->bytes;
        l7_duration_tick(&s->duration, &s->last_sec, ts_us);
        if (new_flow)
            s->num_flows++;
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
    account_l7(ifc, f, &f->c2s, &f->s2c, ts_us, true);
    checks_on_flow_detected(ifc, f);
}
