/* Interface life cycle, lookups and idle purge. */
#include "iface_internal.h"

#include "../checks/check_engine.h"

#include "../alerts/alert_state.h"
#include "dpi.h"
#include "host_contacts.h"
#include "host_snapshot.h"
#include "log.h"
#include "probe.h"

#include <stdlib.h>
#include <string.h>

struct iface *iface_new(struct probe *probe, int id, const char *name, bool is_file)
{
    struct iface *ifc = calloc(1, sizeof(*ifc));
    if (!ifc)
        return NULL;
    ifc->id = id;
    ifc->probe = probe;
    ifc->is_file = is_file;
    ifc->name = strdup(name);
    ifc->description = strdup(name);
    pthread_mutex_init(&ifc->call_lock, NULL);
    if (!ifc->name || !ifc->description || flow_table_init(&ifc->flows, probe->opt.max_flows) ||
        host_table_init(&ifc->hosts, probe->opt.max_hosts) || mac_table_init(&ifc->macs) ||
        dpi_init(ifc) || !(ifc->alerts = alert_state_new()))
        goto fail;
    ifc->l7_size = dpi_num_protocols(ifc) + 1;
    ifc->l7 = calloc(ifc->l7_size, sizeof(*ifc->l7));
    ifc->nets = calloc(NETLIST_MAX, sizeof(*ifc->nets));
    ifc->l7_num_categories = dpi_num_categories();
    ifc->categories = calloc(ifc->l7_num_categories, sizeof(*ifc->categories));
    if (!ifc->l7 || !ifc->nets || !ifc->categories)
        goto fail;
    return ifc;
fail:
    iface_free(ifc);
    return NULL;
}

void flow_free_state(struct flow *f)
{
    alerts_flow_freed(f); /* its alerts' score leaves its hosts */
    dpi_free_flow(f);
}

void flow_table_destroy(struct flow_table *t, struct iface *ifc)
{
    (void)ifc;
    struct flow *f = t->head;
    while (f) {
        struct flow *next = f->list_next;
        flow_free_state(f);
        f = next;
    }
    flow_table_free_blocks(t);
    free(t->buckets);
    memset(t, 0, sizeof(*t));
}

void iface_free(struct iface *ifc)
{
    if (!ifc)
        return;
    if (ifc->flows.buckets && ifc->hosts.buckets && ifc->macs.buckets)
        iface_log_table_memory(ifc);
    alert_state_free(ifc); /* engaged alerts are released to the store, hosts still here */
    if (ifc->flows.buckets)
        flow_table_destroy(&ifc->flows, ifc);
    if (ifc->hosts.buckets)
        host_table_destroy(&ifc->hosts);
    if (ifc->macs.buckets)
        mac_table_destroy(&ifc->macs);
    dpi_destroy(ifc);
    pthread_mutex_destroy(&ifc->call_lock);
    host_snapshot_release(ifc->host_snap);
    free(ifc->l7);
    free(ifc->categories);
    free(ifc->nets);
    free(ifc->name);
    free(ifc->description);
    free(ifc);
}

struct host *iface_find_host(struct iface *ifc, const struct ipaddr *ip, uint16_t vlan)
{
    return host_table_lookup(&ifc->hosts, ip, vlan);
}

struct mac *iface_find_mac(struct iface *ifc, const uint8_t addr[6])
{
    return mac_table_get(&ifc->macs, addr, false);
}

static uint32_t flow_idle_limit_s(const struct probe *pr, const struct flow *f)
{
    if (f->key.proto == 6)
        return pr->opt.tcp_idle_s;
    if (f->key.proto == 17)
        return pr->opt.udp_idle_s;
    return pr->opt.other_idle_s;
}

void iface_purge_idle(struct iface *ifc, bool force)
{
    struct probe *pr = ifc->probe;
    uint64_t now = ifc->clock_us;
    ifc->next_purge_us = now + 1000000u;

    for (struct flow *f = ifc->flows.head, *next; f; f = next) {
        next = f->list_next;
        uint64_t idle_us = (uint64_t)flow_idle_limit_s(pr, f) * 1000000u;
        if (!force && f->last_seen_us + idle_us > now)
            continue;
        finish_detection(ifc, f, f->last_seen_us);
        iface_nets_flow_end(ifc, f);
        host_contacts_flow_end(ifc, f);
        checks_on_flow_end(ifc, f);
        if (f->cli_host)
            f->cli_host->active_flows_as_client--;
        if (f->srv_host)
            f->srv_host->active_flows_as_server--;
        host_release(ifc, f->cli_host);
        host_release(ifc, f->srv_host);
        flow_table_remove(&ifc->flows, f);
        flow_free_state(f);
        flow_table_release(&ifc->flows, f);
    }

    uint64_t host_idle_us = (uint64_t)pr->opt.host_idle_s * 1000000u;
    for (struct host *h = ifc->hosts.head, *next; h; h = next) {
        next = h->list_next;
        if (h->refs || (!force && h->last_seen_us + host_idle_us > now))
            continue;
        if (h->network_id >= 0 && h->unicast)
            ifc->nets[h->network_id].num_hosts--;
        if (h->has_mac) {
            struct mac *m = mac_table_get(&ifc->macs, h->mac, false);
            if (m && m->num_hosts)
                m->num_hosts--;
        }
        alerts_host_freed(ifc, h); /* its engaged alerts are released */
        checks_on_host_free(ifc, h);
        host_table_remove(&ifc->hosts, h);
        host_free(&ifc->hosts, h);
    }
}

/* Ends detection of every flow still under way, as ndpiReader does at the end of a file. */
void iface_finish_all_detection(struct iface *ifc)
{
    for (struct flow *f = ifc->flows.head; f; f = f->list_next)
        finish_detection(ifc, f, f->last_seen_us);
}

void iface_end_of_input(struct iface *ifc)
{
    iface_finish_all_detection(ifc);
    if (ifc->eof_flows_booked)
        return;
    iface_nets_end_of_input(ifc);
    host_contacts_end_of_input(ifc);
    ifc->eof_flows_booked = true;
}
