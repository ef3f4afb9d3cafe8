/* Host snapshots (core/host_snapshot.c): a real capture (test_01.pcap) replayed through the
 * interface's packet path in two halves. Checks that every record equals its live host, when
 * the cached snapshot is reused and when a new one is built: traffic within the age limit
 * reuses it; max age 0, a write-class binding, removed hosts and the end of the file make a
 * new one at once. Prints the record size and the build time.
 *
 * Argument: the shared folder (NTOP_SHARED_DIR). Exits 77 when the capture is missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/host_snapshot.h"
#include "core/iface.h"
#include "core/probe.h"

static char pcap_path[4096];

struct replay {
    struct probe probe;
    struct iface *ifc;
    pcap_t *pc;
};

static void replay_open(struct replay *r)
{
    memset(r, 0, sizeof(*r));
    struct probe_options *o = &r->probe.opt;
    o->max_flows = 262144;
    o->max_hosts = 131072;
    o->tcp_idle_s = o->udp_idle_s = o->other_idle_s = 1;
    o->host_idle_s = 1;
    o->ndpi_giveup_packets = 12;
    char err[PCAP_ERRBUF_SIZE];
    assert_int_equal(netlist_parse(&r->probe.local_nets, "192.168.1.0/24", err, sizeof(err)), 0);
    r->ifc = iface_new(&r->probe, 0, pcap_path, true);
    assert_non_null(r->ifc);
    r->pc = pcap_open_offline(pcap_path, err);
    assert_non_null(r->pc);
    r->ifc->linktype = pcap_datalink(r->pc);
}

/* Up to n packets; the number read. */
static uint32_t replay_some(struct replay *r, uint32_t n)
{
    struct pcap_pkthdr *hdr;
    const u_char *data;
    uint32_t k = 0;
    while (k < n && pcap_next_ex(r->pc, &hdr, &data) == 1) {
        iface_process_packet(r->ifc, data, hdr->caplen, hdr->len,
                             (uint64_t)hdr->ts.tv_sec * 1000000u + (uint64_t)hdr->ts.tv_usec);
        k++;
    }
    return k;
}

static void replay_close(struct replay *r)
{
    pcap_close(r->pc);
    iface_free(r->ifc);
}

/* Every live host, in list order, equals its record. */
static void assert_matches_live(const struct host_snapshot *s, struct iface *ifc)
{
    assert_int_equal(s->count, ifc->hosts.count);
    uint32_t i = 0;
    for (const struct host *h = ifc->hosts.head; h; h = h->list_next, i++) {
        struct host_snap_rec want;
        host_snap_fill(&want, h);
        const struct host_snap_rec *got = &s->recs[i];
        assert_memory_equal(&got->total, &want.total, sizeof(want.total));
        assert_memory_equal(got->l4, want.l4, sizeof(want.l4));
        assert_true(ipaddr_eq(&got->ip, &h->ip));
        assert_int_equal(got->vlan, h->vlan);
        assert_int_equal(got->flags, want.flags);
        assert_int_equal(got->network_id, h->network_id);
        assert_int_equal(got->first_seen_us, h->first_seen_us);
        assert_int_equal(got->last_seen_us, h->last_seen_us);
        assert_int_equal(got->active_flows_as_client, h->active_flows_as_client);
        assert_int_equal(got->active_flows_as_server, h->active_flows_as_server);
        assert_int_equal(got->flows_as_client, h->flows_as_client);
        assert_int_equal(got->contacts_as_server, h->contacts_as_server);
        assert_int_equal(got->unknown_bytes, want.unknown_bytes);
        assert_string_equal(host_snap_name(s, got), h->name ? h->name : "");
    }
}

static void test_snapshot_rules(void **state)
{
    (void)state;
    struct replay r;
    replay_open(&r);
    assert_true(replay_some(&r, 300) == 300);

    struct host_snapshot *a = host_snapshot_get(r.ifc, 60000);
    assert_non_null(a);
    assert_matches_live(a, r.ifc);
    /* nothing changed: the same one, whatever the age limit */
    struct host_snapshot *b = host_snapshot_get(r.ifc, 0);
    assert_ptr_equal(a, b);
    host_snapshot_release(b);

    /* traffic only, young snapshot: reused; max age 0: a new one, equal to the live state */
    uint32_t hosts_before = r.ifc->hosts.count;
    assert_true(replay_some(&r, 200) == 200);
    assert_true(r.ifc->hosts.count >= hosts_before);
    b = host_snapshot_get(r.ifc, 60000);
    assert_ptr_equal(a, b);
    host_snapshot_release(b);
    b = host_snapshot_get(r.ifc, 0);
    assert_ptr_not_equal(a, b);
    assert_matches_live(b, r.ifc);
    host_snapshot_release(b);

    /* the first snapshot is still valid (held), though no longer the cached one */
    assert_int_equal(a->count, hosts_before);
    host_snapshot_release(a);

    /* a write-class binding ran: new at once */
    a = host_snapshot_get(r.ifc, 60000);
    __atomic_add_fetch(&r.ifc->api_writes, 1, __ATOMIC_RELAXED);
    b = host_snapshot_get(r.ifc, 60000);
    assert_ptr_not_equal(a, b);
    host_snapshot_release(a);
    host_snapshot_release(b);

    /* the rest of the file, its end, then a purge that removes hosts: new each time */
    replay_some(&r, UINT32_MAX);
    a = host_snapshot_get(r.ifc, 0);
    iface_end_of_input(r.ifc);
    b = host_snapshot_get(r.ifc, 60000);
    assert_ptr_not_equal(a, b);
    assert_matches_live(b, r.ifc);
    host_snapshot_release(a);
    host_snapshot_release(b);
    a = host_snapshot_get(r.ifc, 60000);
    r.ifc->clock_us += 3600 * 1000000ull;
    iface_purge_idle(r.ifc, true);
    assert_true(r.ifc->hosts.count < a->count);
    /* Removed hosts wait for the rate limit: while the last build is younger than
     * HOST_SNAPSHOT_PURGE_FACTOR times its build time (here made to look endless), the
     * snapshot stays; then a new one. */
    double build_ms = a->build_ms;
    a->build_ms = 1e9;
    b = host_snapshot_get(r.ifc, 60000);
    assert_ptr_equal(a, b);
    host_snapshot_release(b);
    a->build_ms = build_ms;
    usleep((useconds_t)(HOST_SNAPSHOT_PURGE_FACTOR * build_ms * 1000) + 2000);
    b = host_snapshot_get(r.ifc, 60000);
    assert_ptr_not_equal(a, b);
    assert_matches_live(b, r.ifc);
    print_message("host snapshot: %zu bytes per host; %u hosts built in %.3f ms\n",
                  sizeof(struct host_snap_rec), a->count, a->build_ms);
    host_snapshot_release(a);
    host_snapshot_release(b);

    /* no reader left: the next build refills the cached one's memory, equal to the live */
    __atomic_add_fetch(&r.ifc->api_writes, 1, __ATOMIC_RELAXED);
    a = host_snapshot_get(r.ifc, 60000);
    assert_ptr_equal(a, b);
    assert_matches_live(a, r.ifc);
    host_snapshot_release(a);
    replay_close(&r);
}

/* A private snapshot of one protocol's hosts: exactly the hosts with its traffic. */
static void test_snapshot_proto(void **state)
{
    (void)state;
    struct replay r;
    replay_open(&r);
    replay_some(&r, UINT32_MAX);
    const int dns = 5; /* NDPI_PROTOCOL_DNS */
    struct host_snapshot *s = host_snapshot_build_proto(r.ifc, dns);
    assert_non_null(s);
    uint32_t want = 0, i = 0;
    for (const struct host *h = r.ifc->hosts.head; h; h = h->list_next) {
        bool has = false;
        for (uint16_t k = 0; k < h->l7_count; k++)
            has |= h->l7[k].proto == dns && h->l7[k].t.bytes_sent + h->l7[k].t.bytes_rcvd > 0;
        if (!has)
            continue;
        want++;
        assert_true(i < s->count);
        assert_true(ipaddr_eq(&s->recs[i].ip, &h->ip));
        i++;
    }
    assert_true(want > 0);
    assert_int_equal(s->count, want);
    host_snapshot_release(s);
    replay_close(&r);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_host_snapshot SHARED_DIR\n");
        return 2;
    }
    snprintf(pcap_path, sizeof(pcap_path), "%s/pcaps/ntopng-e2e/test_01.pcap", argv[1]);
    struct stat st;
    if (stat(pcap_path, &st) != 0) {
        printf("SKIP: %s not found (set NTOP_SHARED_DIR)\n", pcap_path);
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot_rules),
        cmocka_unit_test(test_snapshot_proto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
