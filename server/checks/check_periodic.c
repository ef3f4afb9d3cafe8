/* Periodic scripts on the interface clock (packet time for files, wall time for quiet live
 * devices): periods end on multiples of their length (minute, 5 minutes, hour, day in
 * UTC seconds). At the end of each minute: flow periodic scripts for the long flows still
 * active, host scripts for every host in memory; at the end of each period: that period's
 * interface, local-network and system scripts. */
#include "check_engine_priv.h"

#include "../alerts/alert_state.h"
#include "../core/host_contacts.h"
#include "../core/log.h"
#include "../core/probe.h"

/* Periods run for one jump of the clock at most (a day of minutes); a capture with a longer
 * silence runs the skipped ones once. */
#define CHECK_MAX_CATCH_UP 1440

/* ntopng runs a flow's periodic checks once a minute while packets update it. Here: at the
 * end of a minute, the flows detected, at least a minute old and seen during that minute. */
static void run_flow_periodic(struct check_engine *e, uint64_t end_us)
{
    if (!e->count[CK_FLOW_PERIODIC])
        return;
    uint64_t start_us = end_us - 60u * 1000000u;
    for (struct flow *f = e->ifc->flows.head; f; f = f->list_next) {
        if (!f->l7_accounted || f->last_seen_us < start_us || f->first_seen_us > start_us)
            continue;
        check_flow_event(e, f, CK_FLOW_PERIODIC);
    }
}

/* host.skipVisitedHost: skipped until `check_skip_until_s` (0 = for ever). */
static bool host_skipped(const struct host *h, uint64_t now_s)
{
    return h->check_skip && (h->check_skip_until_s == 0 || now_s < h->check_skip_until_s);
}

/* ONLY_NEW_FLOWS / ONLY_CONTACTS: the flows the host started as client and as server
 * since its last minute run (and the larger of them in that run), and whether its count of
 * unanswered flows (the only events that feed its contact counters) moved since then or in
 * that run (a script that raised an alert then must run once more to release it). */
static void note_host_news(struct check_engine *e, struct host *h)
{
    uint32_t cli = (uint32_t)h->flows_as_client, srv = (uint32_t)h->flows_as_server;
    uint32_t last = h->check_new_cli_flows > h->check_new_srv_flows ? h->check_new_cli_flows
                                                                    : h->check_new_srv_flows;
    h->check_prev_new_flows = last;
    h->check_new_cli_flows = cli - h->check_cli_flows_seen;
    h->check_new_srv_flows = srv - h->check_srv_flows_seen;
    h->check_cli_flows_seen = cli;
    h->check_srv_flows_seen = srv;
    h->check_flows_counted = true;

    uint32_t unanswered = host_contacts_num_egress(h) + host_contacts_num_ingress(h);
    bool now = unanswered != h->check_unanswered_seen;
    e->host_new_unanswered = now || h->check_new_unanswered;
    h->check_new_unanswered = now;
    h->check_unanswered_seen = unanswered;
}

static void run_hosts(struct check_engine *e, enum check_period p, uint64_t now_s)
{
    if (!e->count[CK_HOST + p])
        return;
    for (struct host *h = e->ifc->hosts.head; h; h = h->list_next) {
        if (host_skipped(h, now_s))
            continue;
        e->ctx.host = h;
        if (p == PERIOD_MINUTE)
            note_host_news(e, h);
        /* host.triggerAlert engages minute alerts: those a minute run does not trigger
         * again are released (ntopng's host checks). */
        if (p == PERIOD_MINUTE)
            alerts_host_checks_begin(e->ifc, h);
        check_run_kind(e, CK_HOST + p);
        if (p == PERIOD_MINUTE)
            alerts_host_checks_end(e->ifc, h);
        h->check_ran_once = true;
        check_ctx_reset(e);
    }
}

static bool network_has_traffic(const struct net_counters *n)
{
    return n->pkts_ingress + n->pkts_egress + n->pkts_inner > 0;
}

void check_run_period(struct check_engine *e, enum check_period p, uint64_t period_end_s)
{
    struct iface *ifc = e->ifc;
    if (p == PERIOD_MINUTE)
        run_flow_periodic(e, period_end_s * 1000000u);
    run_hosts(e, p, period_end_s);
    check_run_kind(e, CK_INTERFACE + p);
    if (e->count[CK_NETWORK + p]) {
        /* ntopng's local_network_checks walk interface.getNetworksStats(): networks with
         * traffic. */
        for (int i = 0; i < ifc->probe->local_nets.count; i++) {
            if (!network_has_traffic(&ifc->nets[i]))
                continue;
            e->ctx.network_id = i;
            check_run_kind(e, CK_NETWORK + p);
            check_ctx_reset(e);
        }
    }
    check_run_kind(e, CK_SYSTEM + p);
}

void check_clock(struct iface *ifc, uint64_t now_us)
{
    struct check_engine *e = ifc->checks;
    if (now_us < e->next_tick_us || e->input_ended)
        return;
    uint64_t now_s = now_us / 1000000u;
    if (!e->clock_started) {
        e->clock_started = true;
        for (int p = 0; p < PERIODS; p++)
            e->period_index[p] = now_s / check_period_secs[p];
    } else {
        for (int p = 0; p < PERIODS; p++) {
            uint64_t secs = check_period_secs[p], idx = now_s / secs;
            uint64_t n = idx - e->period_index[p];
            if (idx <= e->period_index[p])
                continue;
            if (n > CHECK_MAX_CATCH_UP) {
                log_info("%s: clock jumped %llu %s periods: running them once", ifc->name,
                         (unsigned long long)n, check_period_dir[p]);
                e->period_index[p] = idx - 1;
                n = 1;
            }
            for (uint64_t i = 1; i <= n; i++)
                check_run_period(e, (enum check_period)p, (e->period_index[p] + i) * secs);
            e->period_index[p] = idx;
        }
    }
    e->next_tick_us = (now_s / 60 + 1) * 60u * 1000000u;
}
