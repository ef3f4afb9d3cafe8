/* client_e2e: libntopclient against a real probe, as a C user would use it (run under valgrind
 * by e2e_valgrind.sh). The probe replays test_01.pcap (interface 0, -m 192.168.1.0/24) and
 * dns_contacts.pcap (interface 1).
 *
 *   client_e2e TARGET DNS_PACKETS
 *
 * Checks ntopng's figures for test_01, a hosts page, binary strings, errors and their statuses,
 * the context (interface.select), a deadline, 8 threads sharing one client; then prints
 * "READY-FOR-RESTART", waits for a line on stdin (the harness restarts the probe meanwhile)
 * and checks that the next call succeeds. Prints "N passed, M failed"; exit 0 when all pass. */
#include "ntopclient.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int passed, failed;

static void check(int cond, const char *name, const char *detail)
{
    if (cond) {
        passed++;
        printf("ok   %s\n", name);
    } else {
        failed++;
        printf("FAIL %s%s%s\n", name, detail ? ": " : "", detail ? detail : "");
    }
    fflush(stdout);
}

/* res.values[0].stats.<key> as an integer, or -1. */
static int64_t stat(const struct ntop_result *res, const char *key)
{
    if (res->count < 1)
        return -1;
    const struct ntop_value *v =
        ntop_table_get_field(ntop_table_get_field(&res->values[0], "stats"), key);
    return v && v->type == NTOP_TINTEGER ? v->integer : -1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_stats(struct ntop_client *c)
{
    struct ntop_result res;
    int st = ntop_client_call(c, "interface", "getStats", NULL, 0, NULL, &res);
    check(st == NTOP_STATUS_OK, "interface.getStats", res.message);
    check(stat(&res, "packets") == 4999, "test_01: 4999 packets (an integer)", NULL);
    check(stat(&res, "bytes") == 3744413, "test_01: 3,744,413 bytes", NULL);
    check(stat(&res, "flows") == 177, "test_01: 177 flows", NULL);
    check(stat(&res, "hosts") == 42, "test_01: 42 hosts", NULL);
    check(res.context.ifid == 0, "context: interface 0 by default", NULL);
    ntop_result_clear(&res);
}

/* interface.getHostsInfo: the 42 hosts of test_01 (a list of records on the wire: strings and
 * entries in a shared block), each under its key "ip" ("ip@vlan" on a VLAN); one host kept past
 * its result. */
static void test_hosts_page(struct ntop_client *c)
{
    struct ntop_value args[4] = {NTOP_BOOLEAN(false), NTOP_STRING("column_ip"), NTOP_INTEGER(100),
                                 NTOP_INTEGER(0)};
    struct ntop_result res;
    int st = ntop_client_call(c, "interface", "getHostsInfo", args, 4, NULL, &res);
    check(st == NTOP_STATUS_OK, "interface.getHostsInfo", res.message);
    const struct ntop_value *hosts =
        res.count ? ntop_table_get_field(&res.values[0], "hosts") : NULL;
    check(hosts && hosts->type == NTOP_TTABLE && hosts->table.n_entries == 42,
          "getHostsInfo: test_01's 42 hosts", NULL);
    int good = hosts != NULL;
    for (size_t i = 0; hosts && i < hosts->table.n_entries; i++) {
        const struct ntop_entry *e = &hosts->table.entries[i];
        const struct ntop_value *ip = ntop_table_get_field(&e->value, "ip");
        const struct ntop_value *sent = ntop_table_get_field(&e->value, "bytes.sent");
        good &= e->key.type == NTOP_TSTRING && ip && ip->type == NTOP_TSTRING &&
                strncmp(e->key.string.data, ip->string.data, ip->string.len) == 0 &&
                (e->key.string.data[ip->string.len] == '\0' ||
                 e->key.string.data[ip->string.len] == '@') &&
                sent && sent->type == NTOP_TINTEGER;
    }
    check(good, "getHostsInfo: each host under its ip[@vlan], bytes.sent an integer", NULL);
    struct ntop_value kept = NTOP_NIL;
    if (hosts && hosts->table.n_entries) { /* moved out: struct copy, the source nil */
        kept = hosts->table.entries[0].value;
        ((struct ntop_value *)hosts)->table.entries[0].value = NTOP_INTEGER(0);
    }
    ntop_result_clear(&res);
    const struct ntop_value *ip = ntop_table_get_field(&kept, "ip");
    check(ip && ip->type == NTOP_TSTRING && ip->string.len > 0, "a host record outlives its result",
          NULL);
    ntop_value_clear(&kept);
}

static void test_values(struct ntop_client *c)
{
    struct ntop_result res;
    struct ntop_value bin = {
        .type = NTOP_TSTRING, .string = {"a\0b\377", 4}
    };
    int st = ntop_client_call(c, "ntop", "md5", &bin, 1, NULL, &res);
    check(st == 0 && res.count == 1 && res.values[0].type == NTOP_TSTRING &&
              strcmp(res.values[0].string.data, "0dd4df5b5be53b9566c53387ec9a7bac") == 0,
          "ntop.md5 of a string with NUL and 0xff bytes (md5sum's answer)", res.message);
    ntop_result_clear(&res);

    /* a 1 MB argument built with the heap constructors */
    char *big = malloc(1000000);
    memset(big, 'a', 1000000);
    struct ntop_value *arg = ntop_value_new_lstring(big, 1000000);
    free(big);
    st = ntop_client_call(c, "ntop", "md5", arg, 1, NULL, &res);
    check(st == 0 && res.count == 1 &&
              strcmp(res.values[0].string.data, "7707d6ae4e027c70eea2a935c2296f21") == 0,
          "ntop.md5 of 1 MB", res.message);
    ntop_result_clear(&res);
    ntop_value_free(arg);

    struct ntop_value args[] = {NTOP_INTEGER(0), NTOP_INTEGER(63)}; /* 1 << 63 */
    st = ntop_client_call(c, "ntop", "bitmapSet", args, 2, NULL, &res);
    check(st == 0 && res.count == 1 && res.values[0].type == NTOP_TINTEGER &&
              res.values[0].integer == INT64_MIN,
          "int64 min stays an integer", res.message);
    ntop_result_clear(&res);

    st = ntop_client_call(c, "ntop", "gettickspersec", NULL, 0, NULL, &res);
    check(st == 0 && res.count == 1 && res.values[0].type == NTOP_TNUMBER,
          "a float result stays a float", res.message);
    ntop_result_clear(&res);
}

static void test_errors(struct ntop_client *c)
{
    struct ntop_result res;
    struct ntop_value arg = NTOP_STRING("x");
    int st = ntop_client_call(c, "interface", "getNetworkStats", &arg, 1, NULL, &res);
    check(st == NTOP_STATUS_INVALID_ARGUMENT && res.message &&
              strstr(res.message, "bad argument #1") &&
              strstr(res.message, "number expected, got string"),
          "bad argument: INVALID_ARGUMENT with the Lua message", res.message);
    ntop_result_clear(&res);
    st = ntop_client_call(c, "interface", "noSuchFunction", NULL, 0, NULL, &res);
    check(st == NTOP_STATUS_UNIMPLEMENTED, "unknown function: UNIMPLEMENTED", res.message);
    ntop_result_clear(&res);
    struct ntop_context none = {.ifid = -1};
    st = ntop_client_call(c, "interface", "getStats", NULL, 0, &none, &res);
    check(st == NTOP_STATUS_FAILED_PRECONDITION, "no interface selected: FAILED_PRECONDITION",
          res.message);
    ntop_result_clear(&res);
}

static void test_context(struct ntop_client *c, int64_t dns_packets)
{
    struct ntop_result res;
    struct ntop_value one = NTOP_INTEGER(1);
    int st = ntop_client_call(c, "interface", "select", &one, 1, NULL, &res);
    check(st == 0 && res.context.ifid == 1, "interface.select(1) returns context ifid 1",
          res.message);
    struct ntop_context ctx;
    ntop_context_copy(&ctx, &res.context);
    ntop_result_clear(&res);
    st = ntop_client_call(c, "interface", "getStats", NULL, 0, &ctx, &res);
    check(st == 0 && stat(&res, "packets") == dns_packets,
          "the returned context selects dns_contacts.pcap (capinfos' packets)", res.message);
    ntop_result_clear(&res);
    ntop_context_clear(&ctx);
}

static void test_deadline(const char *target)
{
    struct ntop_client_options o;
    ntop_client_options_init(&o);
    o.deadline_ms = 500;
    struct ntop_client *c;
    if (ntop_client_new(target, &o, &c) != 0) {
        check(0, "client with a 500 ms deadline", NULL);
        return;
    }
    struct ntop_result res;
    struct ntop_value ms = NTOP_INTEGER(3000);
    double t = now_s();
    int st = ntop_client_call(c, "ntop", "msleep", &ms, 1, NULL, &res);
    t = now_s() - t;
    check(st == NTOP_STATUS_DEADLINE_EXCEEDED && t < 2.5,
          "ntop.msleep(3000) with a 500 ms deadline: DEADLINE_EXCEEDED", res.message);
    ntop_result_clear(&res);
    ntop_client_free(c);
}

#define THREADS 8
#define CALLS   25

static void *worker(void *arg)
{
    struct ntop_client *c = arg;
    intptr_t bad = 0;
    for (int i = 0; i < CALLS; i++) {
        struct ntop_result res;
        if (ntop_client_call(c, "interface", "getStats", NULL, 0, NULL, &res) != 0 ||
            stat(&res, "packets") != 4999)
            bad++;
        ntop_result_clear(&res);
    }
    return (void *)bad;
}

static void test_threads(struct ntop_client *c)
{
    pthread_t t[THREADS];
    intptr_t bad = 0;
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, c);
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (intptr_t)r;
    }
    check(bad == 0, "8 threads x 25 calls on one client", NULL);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: client_e2e TARGET DNS_PACKETS\n");
        return 2;
    }
    struct ntop_client *c;
    if (ntop_client_new(argv[1], NULL, &c) != 0) {
        fprintf(stderr, "client_e2e: bad target %s\n", argv[1]);
        return 2;
    }
    check(ntop_client_wait_ready(c, 10000) == 0, "wait_ready", NULL);
    test_stats(c);
    test_hosts_page(c);
    test_values(c);
    test_errors(c);
    test_context(c, strtoll(argv[2], NULL, 10));
    test_deadline(argv[1]);
    test_threads(c);

    printf("READY-FOR-RESTART\n");
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof(line), stdin))
        check(0, "the harness restarted the probe", NULL);
    struct ntop_result res;
    int st = ntop_client_call(c, "interface", "getStats", NULL, 0, NULL, &res);
    check(st == 0 && stat(&res, "packets") == 4999, "the first call after a restart succeeds",
          res.message);
    ntop_result_clear(&res);
    ntop_client_free(c);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
