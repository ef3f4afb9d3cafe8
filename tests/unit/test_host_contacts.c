/* Host contact counters of unanswered TCP/UDP flows (core/host_contacts.c) and their host.*
 * bindings: real captures replayed through the interface's packet path, flows ended by the
 * idle purge, every host compared with an oracle computed from tshark's per-frame fields
 * (tests/checks_contacts/contacts_oracle.py).
 *
 * Exact: the one-way flow counts and the server ports. Estimated, as in ntopng (HyperLogLog
 * of 32 registers, standard error 18.4%): the peer pairs. Each estimate must equal what the
 * same estimator gives for the oracle's set of pairs (so the set booked is the oracle's) and
 * lie within four standard errors of the oracle's exact count.
 *
 * Arguments: the shared folder (NTOP_SHARED_DIR) and the oracle script. Exits 77 when the
 * captures, python3 or tshark are missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lauxlib.h>
#include <math.h>
#include <pcap/pcap.h>
#include <sys/stat.h>

#include "core/host_contacts.h"
#include "core/iface.h"
#include "core/probe.h"
#include "lua/engine.h"

/* After the probe's headers: nDPI's system headers define the TCP flags as macros. */
#include <ndpi/ndpi_api.h>

static const char *shared_dir, *oracle_script;

/* Captures with unanswered TCP SYNs or UDP requests: a SYN scan, probes of closed ports,
 * office traffic, DNS queries without answers, a SYN flood on >4096 ports (the port set's
 * bit map). */
static const char *const captures[] = {"synscan.pcap", "tcp_probing.pcap", "test_01.pcap",
                                       "dns_contacts.pcap", "tcp-flood.pcap"};

struct replay {
    struct probe probe;
    struct iface *ifc;
};

/* How the replayed flows end: idle purge after the file (hosts kept: their idle time is
 * never reached), or the end of the file, then the purge too (which must book nothing). */
enum ending { END_BY_PURGE, END_OF_FILE };

static void purge_flows_keep_hosts(struct iface *ifc)
{
    ifc->clock_us += 10 * 1000000u;
    iface_purge_idle(ifc, false);
    assert_int_equal(ifc->flows.count, 0);
}

/* Replays `path` into a fresh interface and ends every flow. */
static void replay(struct replay *r, const char *path, enum ending ending)
{
    memset(r, 0, sizeof(*r));
    struct probe_options *o = &r->probe.opt;
    o->max_flows = 262144;
    o->max_hosts = 131072;
    o->tcp_idle_s = o->udp_idle_s = o->other_idle_s = 1;
    o->host_idle_s = 1000000;
    o->ndpi_giveup_packets = 12;
    r->ifc = iface_new(&r->probe, 0, path, true);
    assert_non_null(r->ifc);
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, err);
    assert_non_null(pc);
    r->ifc->linktype = pcap_datalink(pc);
    struct pcap_pkthdr *hdr;
    const u_char *data;
    while (pcap_next_ex(pc, &hdr, &data) == 1)
        iface_process_packet(r->ifc, data, hdr->caplen, hdr->len,
                             (uint64_t)hdr->ts.tv_sec * 1000000u + (uint64_t)hdr->ts.tv_usec);
    pcap_close(pc);
    if (ending == END_OF_FILE) {
        assert_true(r->ifc->flows.count > 0);
        iface_end_of_input(r->ifc);
    }
    purge_flows_keep_hosts(r->ifc);
}

struct oracle_host {
    struct ipaddr ip;
    uint16_t vlan;
    uint32_t egress, ingress, n_out, n_in, n_ports;
    struct ndpi_hll out, in; /* the oracle's pairs through the probe's estimator */
    bool seen;
    bool blind; /* touched by frames tshark cannot decide: not judged */
};

struct oracle {
    struct oracle_host *hosts;
    size_t count, cap;
};

static struct oracle_host *oracle_find(struct oracle *o, const struct ipaddr *ip, uint16_t vlan)
{
    for (size_t i = 0; i < o->count; i++)
        if (ipaddr_eq(&o->hosts[i].ip, ip) && o->hosts[i].vlan == vlan)
            return &o->hosts[i];
    return NULL;
}

static void oracle_load(struct oracle *o, const char *pcap)
{
    memset(o, 0, sizeof(*o));
    char cmd[8192];
    snprintf(cmd, sizeof(cmd), "python3 '%s' '%s'", oracle_script, pcap);
    FILE *fp = popen(cmd, "r");
    assert_non_null(fp);
    char line[512];
    while (fgets(line, sizeof(line), fp)) {
        char tag, ip[64], peer[64];
        unsigned vlan, a, b, c, d, e;
        bool blind = sscanf(line, "X\t%63s\t%u", ip, &vlan) == 2;
        if (blind ||
            sscanf(line, "H\t%63s\t%u\t%u\t%u\t%u\t%u\t%u", ip, &vlan, &a, &b, &c, &d, &e) == 7) {
            if (o->count == o->cap) {
                o->cap = o->cap ? o->cap * 2 : 64;
                o->hosts = realloc(o->hosts, o->cap * sizeof(*o->hosts));
                assert_non_null(o->hosts);
            }
            struct oracle_host *h = &o->hosts[o->count++];
            memset(h, 0, sizeof(*h));
            assert_int_equal(ipaddr_parse(ip, &h->ip), 0);
            h->vlan = (uint16_t)vlan;
            h->blind = blind;
            if (!blind)
                h->egress = a, h->ingress = b, h->n_out = c, h->n_in = d, h->n_ports = e;
            assert_int_equal(ndpi_hll_init(&h->out, HOST_CONTACTS_HLL_BITS), 0);
            assert_int_equal(ndpi_hll_init(&h->in, HOST_CONTACTS_HLL_BITS), 0);
        } else if (sscanf(line, "%c\t%63s\t%u\t%63s\t%u", &tag, ip, &vlan, peer, &a) == 5) {
            struct ipaddr hip, pip;
            assert_int_equal(ipaddr_parse(ip, &hip), 0);
            assert_int_equal(ipaddr_parse(peer, &pip), 0);
            struct oracle_host *h = oracle_find(o, &hip, (uint16_t)vlan);
            assert_non_null(h);
            uint8_t buf[HOST_CONTACTS_PAIR_LEN];
            host_contacts_pair_bytes(buf, &pip, (uint16_t)a);
            ndpi_hll_add(tag == 'O' ? &h->out : &h->in, (const char *)buf, sizeof(buf));
        } else {
            fail_msg("unexpected oracle line: %s", line);
        }
    }
    int rc = pclose(fp);
    if (rc != 0)
        fail_msg("oracle failed on %s (exit status %d)", pcap, rc);
}

static void oracle_free(struct oracle *o)
{
    for (size_t i = 0; i < o->count; i++) {
        ndpi_hll_destroy(&o->hosts[i].out);
        ndpi_hll_destroy(&o->hosts[i].in);
    }
    free(o->hosts);
}

/* Four standard errors of a 32-register HyperLogLog (so few registers spread wider than the
 * asymptotic 1.04/sqrt(m): tcp-flood.pcap's 5244 pairs come out at 8148, +55%), at least 2
 * for tiny counts. */
static void assert_estimate(uint32_t est, uint32_t exact, const char *what, const char *host)
{
    double bound = 4 * 1.04 / sqrt(32.0) * exact;
    if (bound < 2)
        bound = 2;
    if (fabs((double)est - (double)exact) > bound)
        fail_msg("%s %s: estimate %u, exact %u (bound %.1f)", host, what, est, exact, bound);
}

/* The bindings, through a Lua state whose current host is h: they must give what the core
 * counted. */
static void check_bindings(struct replay *r, struct host *h)
{
    struct lua_ctx ctx = {.probe = &r->probe, .ifid = -1, .host = h, .network_id = -1};
    lua_State *L = engine_new_state(&ctx);
    assert_non_null(L);
    const char *script =
        "local t = host.getUnidirectionalTCPUDPFlowsStats()\n"
        "return t.num_ingress, t.num_egress, host.getNumContactedPeersAsClientTCPUDPNoTX(),\n"
        "  host.getNumContactsFromPeersAsServerTCPUDPNoTX(),\n"
        "  host.getNumContactedTCPUDPServerPortsNoTX(), math.type(t.num_ingress)";
    if (luaL_dostring(L, script) != LUA_OK)
        fail_msg("%s", lua_tostring(L, -1));
    assert_int_equal(lua_tointeger(L, 1), host_contacts_num_ingress(h));
    assert_int_equal(lua_tointeger(L, 2), host_contacts_num_egress(h));
    assert_int_equal(lua_tointeger(L, 3), host_contacts_peers_as_client(h));
    assert_int_equal(lua_tointeger(L, 4), host_contacts_peers_as_server(h));
    assert_int_equal(lua_tointeger(L, 5), host_contacts_server_ports(h));
    assert_string_equal(lua_tostring(L, 6), "integer");
    lua_close(L);
}

static void test_capture(const char *name, enum ending ending)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/pcaps/ntopng-e2e/%s", shared_dir, name);
    struct replay r;
    replay(&r, path, ending);
    struct oracle o;
    oracle_load(&o, path);

    size_t with_contacts = 0, mem = 0;
    uint32_t max_err_pct = 0;
    for (struct host *h = r.ifc->hosts.head; h; h = h->list_next) {
        char ip[IPADDR_STRLEN];
        ipaddr_str(&h->ip, ip, sizeof(ip));
        struct oracle_host *e = oracle_find(&o, &h->ip, h->vlan);
        if (!e) {
            /* No unanswered flow: nothing counted, nothing allocated. */
            assert_int_equal(host_contacts_num_egress(h) + host_contacts_num_ingress(h), 0);
            assert_int_equal(host_contacts_mem(h), 0);
            continue;
        }
        e->seen = true;
        if (e->blind)
            continue;
        with_contacts++;
        mem += host_contacts_mem(h);
        assert_int_equal(host_contacts_num_egress(h), e->egress);
        assert_int_equal(host_contacts_num_ingress(h), e->ingress);
        assert_int_equal(host_contacts_server_ports(h), e->n_ports);
        uint32_t out = host_contacts_peers_as_client(h), in = host_contacts_peers_as_server(h);
        assert_int_equal(out, (uint32_t)ndpi_hll_count(&e->out));
        assert_int_equal(in, (uint32_t)ndpi_hll_count(&e->in));
        assert_estimate(out, e->n_out, "peers as client", ip);
        assert_estimate(in, e->n_in, "peers as server", ip);
        uint32_t pcts[2] = {e->n_out ? (uint32_t)(100 * fabs((double)out - e->n_out) / e->n_out)
                                     : 0,
                            e->n_in ? (uint32_t)(100 * fabs((double)in - e->n_in) / e->n_in) : 0};
        for (int i = 0; i < 2; i++)
            if (pcts[i] > max_err_pct)
                max_err_pct = pcts[i];
        check_bindings(&r, h);
    }
    for (size_t i = 0; i < o.count; i++)
        if (!o.hosts[i].seen)
            fail_msg("%s: an oracle host is missing from the probe's host table", name);
    assert_true(with_contacts > 0); /* each capture was chosen for its unanswered flows */
    printf("%s%s: %zu hosts, %zu with unanswered flows, %zu B of contact state each on average, "
           "largest estimate error %u%%\n",
           name, ending == END_OF_FILE ? " (ended by the end of the file)" : "",
           (size_t)r.ifc->hosts.count, with_contacts, mem / with_contacts, max_err_pct);
    oracle_free(&o);
    iface_free(r.ifc);
}

static void test_captures(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(captures) / sizeof(captures[0]); i++)
        test_capture(captures[i], END_BY_PURGE);
}

/* The end of a capture file books the flows left, once: the purge that follows adds
 * nothing. */
static void test_end_of_file(void **state)
{
    (void)state;
    test_capture("dns_contacts.pcap", END_OF_FILE);
    test_capture("synscan.pcap", END_OF_FILE);
}

/* resetHostContacts forgets the pairs and ports and keeps the flow counts, as in ntopng;
 * without a current host the bindings raise instead of answering. */
static void test_reset_and_context(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof(path), "%s/pcaps/ntopng-e2e/synscan.pcap", shared_dir);
    struct replay r;
    replay(&r, path, END_BY_PURGE);
    struct host *target = NULL;
    for (struct host *h = r.ifc->hosts.head; h; h = h->list_next)
        if (host_contacts_server_ports(h) > 100)
            target = h;
    assert_non_null(target);
    uint32_t ingress = host_contacts_num_ingress(target);
    assert_true(host_contacts_peers_as_server(target) > 0);

    struct lua_ctx ctx = {.probe = &r.probe, .ifid = -1, .host = target, .network_id = -1};
    lua_State *L = engine_new_state(&ctx);
    assert_non_null(L);
    if (luaL_dostring(L, "return host.resetHostContacts()") != LUA_OK)
        fail_msg("%s", lua_tostring(L, -1));
    assert_int_equal(lua_gettop(L), 0);
    assert_int_equal(host_contacts_server_ports(target), 0);
    assert_int_equal(host_contacts_peers_as_server(target), 0);
    assert_int_equal(host_contacts_num_ingress(target), ingress);
    check_bindings(&r, target);

    ctx.host = NULL;
    assert_int_not_equal(luaL_dostring(L, "return host.getNumContactedTCPUDPServerPortsNoTX()"),
                         LUA_OK);
    assert_non_null(strstr(lua_tostring(L, -1), "no current host"));
    lua_close(L);
    iface_free(r.ifc);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SHARED_DIR ORACLE_SCRIPT\n", argv[0]);
        return 2;
    }
    shared_dir = argv[1];
    oracle_script = argv[2];
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/pcaps/ntopng-e2e", shared_dir);
    struct stat st;
    if (stat(dir, &st) != 0) {
        printf("SKIP: %s not found\n", dir);
        return 77;
    }
    if (system("command -v python3 >/dev/null && command -v tshark >/dev/null") != 0) {
        printf("SKIP: python3 or tshark not found\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_captures),
        cmocka_unit_test(test_end_of_file),
        cmocka_unit_test(test_reset_and_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
