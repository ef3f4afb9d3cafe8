/* flow.triggerAlert / host.triggerAlert and the flow risk alerts on real flows: a capture
 * is read into an interface (no capture thread), a Lua state gets a check context with a
 * real flow or host, and the scores of hosts, the store rows (read with SQLite directly)
 * and the clean-up when flows and hosts go are checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alerts/alert_state.h"
#include "alerts/alert_store.h"
#include "alerts/alert_types.h"
#include "core/iface.h"
#include "core/probe.h"
#include "lua/context.h"
#include "lua/engine.h"

#include <lauxlib.h>
#include <ndpi/ndpi_api.h>
#include <pcap/pcap.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char pcap_dir[4096];
static char data_dir[1024];

struct fixture {
    struct probe probe;
    struct iface *ifc;
    struct lua_ctx ctx;
    lua_State *L;
};

static void load(struct iface *ifc, const char *path)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, err);
    assert_non_null(pc);
    ifc->linktype = pcap_datalink(pc);
    struct pcap_pkthdr *h;
    const u_char *data;
    while (pcap_next_ex(pc, &h, &data) == 1)
        iface_process_packet(ifc, data, h->caplen, h->len,
                             (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec);
    pcap_close(pc);
    iface_finish_all_detection(ifc);
}

static struct fixture *setup_capture(const char *name, bool with_store)
{
    char path[8192];
    snprintf(path, sizeof(path), "%s/%s", pcap_dir, name);
    if (access(path, R_OK) != 0)
        return NULL;
    struct fixture *fx = calloc(1, sizeof(*fx));
    struct probe *p = &fx->probe;
    p->opt.max_flows = 65536;
    p->opt.max_hosts = 65536;
    p->opt.tcp_idle_s = p->opt.udp_idle_s = p->opt.other_idle_s = 60;
    p->opt.host_idle_s = 300;
    p->opt.ndpi_giveup_packets = 12;
    p->opt.max_stored_alerts = 1000;
    p->opt.alerts_retention_days = 30;
    static int runs; /* a fresh store per fixture */
    snprintf(p->data_dir, sizeof(p->data_dir), "%s/%d", data_dir, ++runs);
    snprintf(p->install_dir, sizeof(p->install_dir), "/nonexistent");
    char err[64];
    netlist_parse(&p->local_nets, "192.168.0.0/16", err, sizeof(err));
    fx->ifc = iface_new(p, 0, path, true);
    assert_non_null(fx->ifc);
    p->ifaces[0] = fx->ifc;
    p->num_ifaces = 1;
    load(fx->ifc, path);
    if (with_store)
        assert_int_equal(alert_store_start(p), 0);
    fx->ctx = (struct lua_ctx){.probe = p, .ifid = 0, .network_id = -1};
    fx->L = engine_new_state(&fx->ctx);
    assert_non_null(fx->L);
    return fx;
}

static void teardown_capture(struct fixture *fx)
{
    lua_close(fx->L);
    iface_free(fx->ifc);
    alert_store_stop();
    free(fx);
}

static int run(struct fixture *fx, const char *code)
{
    int rc = luaL_dostring(fx->L, code);
    if (rc != LUA_OK)
        lua_pop(fx->L, 1);
    return rc;
}

/* Code run as one check event on the context's flow: then the flow's row is written when
 * the event changed its predominant alert, as the checks engine does. */
static int run_flow_event(struct fixture *fx, const char *code)
{
    struct flow *f = fx->ctx.flow;
    uint16_t before = alerts_flow_predominant(f);
    int rc = run(fx, code);
    alerts_flow_emit(fx->ifc, f, before);
    return rc;
}

static const char *run_error(struct fixture *fx, const char *code, char *buf, size_t len)
{
    buf[0] = '\0';
    if (luaL_dostring(fx->L, code) != LUA_OK) {
        snprintf(buf, len, "%s", lua_tostring(fx->L, -1));
        lua_pop(fx->L, 1);
    }
    return buf;
}

/* One value from the interface's store, read with its own connection. */
static long long store_int(const char *sql)
{
    alert_store_flush();
    char path[4200];
    sqlite3 *db;
    sqlite3_stmt *st;
    long long v = -1;
    assert_int_equal(
        sqlite3_open_v2(alert_store_path(0, path, sizeof(path)), &db, SQLITE_OPEN_READONLY, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static uint64_t all_host_scores(struct iface *ifc)
{
    uint64_t s = 0;
    for (struct host *h = ifc->hosts.head; h; h = h->list_next)
        s += host_score(h);
    return s;
}

static void test_flow_trigger_alert(void **state)
{
    (void)state;
    struct fixture *fx = setup_capture("ntopng-e2e/test_01.pcap", true);
    if (!fx)
        skip();
    struct iface *ifc = fx->ifc;
    assert_true(ifc->flows.count > 10);

    /* Three flows with distinct hosts on both sides raise the custom script alert. */
    int raised = 0;
    uint32_t expect_cli = 0;
    struct host *cli0 = ifc->flows.head->cli_host;
    for (struct flow *f = ifc->flows.head; f && raised < 3; f = f->list_next) {
        if (f->cli_host != cli0 || !f->srv_host)
            continue;
        fx->ctx.flow = f;
        char code[64];
        snprintf(code, sizeof(code), "flow.triggerAlert(%d, 'msg %d')", 31 + raised, raised);
        assert_int_equal(run_flow_event(fx, code), LUA_OK);
        /* ntopng's split: half to the client (rounded down), the rest to the server. */
        expect_cli += (31 + raised) / 2;
        assert_int_equal(f->alerts->score, 31 + raised);
        assert_int_equal(f->alerts->srv_score, 31 + raised - (31 + raised) / 2);
        /* Once per flow and alert type. */
        assert_int_equal(run_flow_event(fx, "flow.triggerAlert(200, 'again')"), LUA_OK);
        assert_int_equal(f->alerts->score, 31 + raised);
        raised++;
    }
    assert_int_equal(raised, 3);
    fx->ctx.flow = NULL;
    /* The client host's score is the sum of its flows' client shares (ntopng's rule). */
    assert_int_equal(cli0->score_as_client, expect_cli);
    assert_int_equal(all_host_scores(ifc), 31 + 32 + 33);
    assert_int_equal(store_int("SELECT count(*) FROM flow_alerts WHERE alert_id = 87"), 3);
    assert_int_equal(store_int("SELECT sum(score) FROM flow_alerts"), 31 + 32 + 33);
    assert_int_equal(store_int("SELECT count(*) FROM flow_alerts WHERE json LIKE "
                               "'%\"alert.message\":\"msg 1\"%' AND severity = 3"),
                     1);

    /* Bad arguments and missing context. */
    char err[256];
    fx->ctx.flow = ifc->flows.head;
    assert_non_null(strstr(run_error(fx, "flow.triggerAlert('x', 'm')", err, sizeof(err)),
                           "bad argument #1 to '"));
    assert_non_null(strstr(run_error(fx, "flow.triggerAlert(501, 'm')", err, sizeof(err)),
                           "score must be 0..500"));
    assert_non_null(
        strstr(run_error(fx, "flow.triggerAlert(1)", err, sizeof(err)), "bad argument #2"));
    fx->ctx.flow = NULL;
    assert_non_null(
        strstr(run_error(fx, "flow.triggerAlert(1, 'm')", err, sizeof(err)), "no current flow"));

    /* Freed flows take their score back. */
    iface_purge_idle(ifc, true);
    assert_int_equal(ifc->flows.count, 0);
    assert_int_equal(all_host_scores(ifc), 0);
    teardown_capture(fx);
}

/* ntopng's rows: one per event that changed the flow's predominant alert, with that
 * alert's id and message, the flow's total score and the map of all its alerts. */
static void test_flow_predominant_rows(void **state)
{
    (void)state;
    struct fixture *fx = setup_capture("ntopng-e2e/test_01.pcap", true);
    if (!fx)
        skip();
    struct iface *ifc = fx->ifc;
    struct flow *f = ifc->flows.head;
    assert_int_equal(alerts_flow_predominant(f), FLOW_ALERT_NORMAL);

    /* Event 1: two alerts, the second outscores the first: one row, the second's. */
    alerts_flow_raise(f, 22, 10, 10, "first");
    alerts_flow_raise(f, 6, 30, 30, "a \"quoted\"\nline");
    alerts_flow_emit(ifc, f, FLOW_ALERT_NORMAL);
    assert_int_equal(store_int("SELECT count(*) FROM flow_alerts"), 1);
    assert_int_equal(
        store_int("SELECT count(*) FROM flow_alerts WHERE alert_id = 6 AND score = 80 "
                  "AND alerts_map = '00000000000000000000000000400040' AND json = "
                  "'{\"alert_generation\":{\"script_key\":\"dns_data_exfiltration\","
                  "\"subdir\":\"flow\"},\"alert.message\":\"a \\\"quoted\\\"\\u000aline\"}'"),
        1);

    /* Event 2: a lower-scored alert adds to the score, not to the rows. */
    uint16_t before = alerts_flow_predominant(f);
    alerts_flow_raise(f, 87, 5, 5, "lower");
    alerts_flow_emit(ifc, f, before);
    assert_int_equal(store_int("SELECT count(*) FROM flow_alerts"), 1);
    assert_int_equal(f->alerts->score, 90);

    /* Event 3: a higher one without a message: a second row with the total so far. */
    before = alerts_flow_predominant(f);
    alerts_flow_raise(f, 43, 100, 100, NULL);
    alerts_flow_emit(ifc, f, before);
    assert_int_equal(store_int("SELECT count(*) FROM flow_alerts WHERE alert_id = 43 AND score = "
                               "290 AND json NOT LIKE '%alert.message%'"),
                     1);
    char ip[IPADDR_STRLEN], sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM flow_alerts WHERE cli_ip = '%s' AND srv_port = %u",
             ipaddr_str(&f->key.cli, ip, sizeof(ip)), f->key.srv_port);
    assert_int_equal(store_int(sql), 2);
    teardown_capture(fx);
}

static void test_host_trigger_alert(void **state)
{
    (void)state;
    struct fixture *fx = setup_capture("ntopng-e2e/test_01.pcap", true);
    if (!fx)
        skip();
    struct iface *ifc = fx->ifc;
    struct host *h = ifc->hosts.head;
    fx->ctx.host = h;
    alerts_host_checks_begin(ifc, h);
    assert_int_equal(run(fx, "host.triggerAlert(40, 'too many contacts')"), LUA_OK);
    alerts_host_checks_end(ifc, h);
    assert_int_equal(host_score(h), 40);
    assert_int_equal(h->score_as_client, 40);
    assert_int_equal(alerts_num_engaged(ifc, ALERT_ENTITY_HOST), 1);

    /* Triggered again in the next run: stays engaged, first score kept (ntopng refreshes). */
    alerts_host_checks_begin(ifc, h);
    assert_int_equal(run(fx, "host.triggerAlert(90, 'again')"), LUA_OK);
    alerts_host_checks_end(ifc, h);
    assert_int_equal(host_score(h), 40);
    assert_int_equal(store_int("SELECT count(*) FROM host_alerts"), 0);

    /* A run without the trigger releases it: stored, score gone. */
    alerts_host_checks_begin(ifc, h);
    alerts_host_checks_end(ifc, h);
    assert_int_equal(host_score(h), 0);
    assert_int_equal(alerts_num_engaged(ifc, ALERT_ENTITY_HOST), 0);
    assert_int_equal(store_int("SELECT count(*) FROM host_alerts WHERE alert_id = 24 AND score = "
                               "40 AND granularity = 60 AND json LIKE '%too many contacts%'"),
                     1);

    /* Engaged when the host goes: released to the store then. */
    assert_int_equal(run(fx, "host.triggerAlert(5, 'last')"), LUA_OK);
    fx->ctx.host = NULL;
    char err[256];
    assert_non_null(
        strstr(run_error(fx, "host.triggerAlert(1, 'm')", err, sizeof(err)), "no current host"));
    iface_purge_idle(ifc, true);
    assert_int_equal(ifc->hosts.count, 0);
    assert_int_equal(store_int("SELECT count(*) FROM host_alerts"), 2);
    teardown_capture(fx);
}

static void test_flow_risk_alerts(void **state)
{
    (void)state;
    struct fixture *fx = setup_capture("ntopng-e2e/xss.pcap", true);
    if (!fx)
        skip();
    struct iface *ifc = fx->ifc;
    int flows = 0, numeric_ip_flows = 0;
    uint32_t expect = 0;
    for (struct flow *f = ifc->flows.head; f; f = f->list_next) {
        if (!f->risk)
            continue;
        flows++;
        numeric_ip_flows += (int)((f->risk >> NDPI_HTTP_NUMERIC_IP_HOST) & 1);
        int mapped = 0;
        for (unsigned r = 1; r < NDPI_MAX_RISK; r++)
            if ((f->risk >> r) & 1) {
                assert_non_null(flow_alert_type_for_risk(r)); /* nDPI 4.2: all mapped */
                uint16_t c, s;
                expect += flow_risk_score(r, &c, &s);
                mapped++;
            }
        assert_int_equal(alerts_flow_raise_risks(ifc, f), mapped);
        alerts_flow_emit(ifc, f, FLOW_ALERT_NORMAL);
        uint16_t predominant = alerts_flow_predominant(f);
        assert_int_equal(alerts_flow_raise_risks(ifc, f), 0); /* once per flow */
        alerts_flow_emit(ifc, f, predominant);                /* no change: no row */
        /* ntopng's predominant alert: the highest score, the first of equal ones. */
        unsigned best = 0, best_score = 0;
        for (unsigned r = 1; r < NDPI_MAX_RISK; r++)
            if ((f->risk >> r) & 1) {
                unsigned sc = flow_risk_score(r, NULL, NULL);
                if (!best || sc > best_score) {
                    best = flow_alert_type_for_risk(r)->id;
                    best_score = sc;
                }
            }
        assert_int_equal(predominant, best);
    }
    assert_true(flows > 0);
    assert_int_equal(all_host_scores(ifc), expect);
    /* One row per alerted flow, with the flow's whole score. */
    assert_int_equal(store_int("SELECT count(*) FROM flow_alerts"), flows);
    assert_int_equal(store_int("SELECT sum(score) FROM flow_alerts"), expect);
    /* ndpiReader reports "HTTP Numeric IP Address" on this capture: ntopng's alert 43. */
    assert_true(numeric_ip_flows > 0);
    char sql[256];
    /* alerts_map: ntopng's hex, most significant byte first; id 43 is bit 3 of byte 5. */
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM flow_alerts WHERE flow_risk_bitmap & %llu AND "
             "(instr('0123456789abcdef', substr(alerts_map, %d, 1)) - 1) & %d",
             1ull << NDPI_HTTP_NUMERIC_IP_HOST, 2 * (15 - 43 / 8) + 1 + (43 % 8 < 4),
             1 << (43 % 4));
    assert_int_equal(store_int(sql), numeric_ip_flows);
    teardown_capture(fx);
}

static void test_drops_without_store(void **state)
{
    (void)state;
    alert_store_stop(); /* in case a failed test left it running */
    struct fixture *fx = setup_capture("ntopng-e2e/test_01.pcap", false);
    if (!fx)
        skip();
    fx->ctx.flow = fx->ifc->flows.head;
    assert_int_equal(run_flow_event(fx, "flow.triggerAlert(10, 'no store')"), LUA_OK);
    assert_int_equal(run(fx, "interface.storeTriggeredAlert('k', 0, 1, 1, '', '{}')"), LUA_OK);
    assert_int_equal(run(fx, "interface.releaseTriggeredAlert('k', 0, 1)"), LUA_OK);
    uint64_t host, flow, other;
    alert_store_drops(0, &host, &flow, &other);
    assert_int_equal(flow, 1);
    assert_int_equal(other, 1);
    assert_int_equal(host, 0);
    teardown_capture(fx);
}

static void test_flow_alert_table(void **state)
{
    (void)state;
    /* Every nDPI 4.2 risk maps to one flow alert id whose risk maps back. */
    for (unsigned r = 1; r < NDPI_MAX_RISK; r++) {
        const struct flow_alert_type *t = flow_alert_type_for_risk(r);
        assert_non_null(t);
        assert_int_equal(t->risk, r);
        assert_ptr_equal(flow_alert_type_get(t->id), t);
    }
    /* Sorted by id, no duplicates. */
    const struct flow_alert_type *prev = NULL, *t;
    for (unsigned i = 0; (t = flow_alert_type_at(i)); prev = t, i++)
        if (prev)
            assert_true(prev->id < t->id);
    assert_int_equal(flow_alert_default_score(flow_alert_type_get(87)), 100);
    assert_null(flow_alert_type_get(15)); /* notused_3 */
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PCAPS_DIR\n", argv[0]);
        return 2;
    }
    snprintf(pcap_dir, sizeof(pcap_dir), "%s", argv[1]);
    char tmpl[] = "/tmp/ntop-alerts-XXXXXX";
    if (!mkdtemp(tmpl))
        return 1;
    snprintf(data_dir, sizeof(data_dir), "%s", tmpl);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_alert_table),    cmocka_unit_test(test_flow_trigger_alert),
        cmocka_unit_test(test_host_trigger_alert),  cmocka_unit_test(test_flow_risk_alerts),
        cmocka_unit_test(test_drops_without_store), cmocka_unit_test(test_flow_predominant_rows),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data_dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
