/* Table and address unit tests: flow lookups in both orientations, host table, CIDRs. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/iface.h"
#include "core/netlist.h"
#include "core/pool.h"

static struct ipaddr ip(const char *s)
{
    struct ipaddr a;
    assert_int_equal(ipaddr_parse(s, &a), 0);
    return a;
}

static void test_flow_table_both_directions(void **state)
{
    struct flow_table t;
    assert_int_equal(flow_table_init(&t, 1000), 0);
    struct flow_key k = {
        .cli = ip("10.0.0.1"), .srv = ip("10.0.0.2"), .cli_port = 1234, .srv_port = 80, .proto = 6};
    struct flow *f = flow_table_insert(&t, &k);
    assert_non_null(f);
    bool rev = true;
    assert_ptr_equal(flow_table_lookup(&t, &k, &rev), f);
    assert_false(rev);
    struct flow_key r = {.cli = k.srv, .srv = k.cli, .cli_port = 80, .srv_port = 1234, .proto = 6};
    assert_ptr_equal(flow_table_lookup(&t, &r, &rev), f);
    assert_true(rev);
    /* Same endpoints, other protocol or VLAN or DNS id: another flow. */
    struct flow_key o = k;
    o.proto = 17;
    assert_null(flow_table_lookup(&t, &o, &rev));
    o = k;
    o.vlan = 3;
    assert_null(flow_table_lookup(&t, &o, &rev));
    o = k;
    o.aux = 77;
    assert_null(flow_table_lookup(&t, &o, &rev));

    /* A role swap keeps the flow findable from both sides. */
    flow_table_rekey(&t, f, &r);
    assert_ptr_equal(flow_table_lookup(&t, &r, &rev), f);
    assert_false(rev);
    assert_ptr_equal(flow_table_lookup(&t, &k, &rev), f);
    assert_true(rev);

    f->c2s.packets = 9;
    flow_table_remove(&t, f);
    assert_null(flow_table_lookup(&t, &k, &rev));
    assert_int_equal(t.count, 0);
    flow_table_release(&t, f);
    /* A released flow is reused for the next one, zeroed. */
    struct flow *g = flow_table_insert(&t, &r);
    assert_ptr_equal(g, f);
    assert_null(g->list_next);
    assert_int_equal(g->c2s.packets, 0);
    flow_table_remove(&t, g);
    flow_table_release(&t, g);
    flow_table_free_blocks(&t);
    free(t.buckets);
}

static void test_flow_table_full(void **state)
{
    struct flow_table t;
    assert_int_equal(flow_table_init(&t, 16), 0);
    struct flow *made[16];
    for (int i = 0; i < 17; i++) {
        struct flow_key k = {.cli = ip("10.0.0.1"),
                             .srv = ip("10.0.0.2"),
                             .cli_port = (uint16_t)(1000 + i),
                             .srv_port = 80,
                             .proto = 6};
        struct flow *f = flow_table_insert(&t, &k);
        if (i < 16) {
            assert_non_null(f);
            made[i] = f;
        } else {
            assert_null(f); /* bounded: the 17th is refused */
        }
    }
    for (int i = 0; i < 16; i++) {
        flow_table_remove(&t, made[i]);
        flow_table_release(&t, made[i]);
    }
    flow_table_free_blocks(&t);
    free(t.buckets);
}

static void test_host_table(void **state)
{
    struct host_table t;
    assert_int_equal(host_table_init(&t, 100), 0);
    struct ipaddr a = ip("2001:db8::1");
    struct host *h = host_table_insert(&t, &a, 0);
    struct host *h10 = host_table_insert(&t, &a, 10);
    assert_ptr_not_equal(h, h10);
    assert_ptr_equal(host_table_lookup(&t, &a, 0), h);
    assert_ptr_equal(host_table_lookup(&t, &a, 10), h10);
    struct ipaddr b = ip("2001:db8::2");
    assert_null(host_table_lookup(&t, &b, 0));
    host_table_remove(&t, h);
    host_free(&t, h);
    assert_null(host_table_lookup(&t, &a, 0));
    host_table_destroy(&t);
}

static void test_cidr_and_netlist(void **state)
{
    struct ipaddr base;
    int bits;
    assert_int_equal(cidr_parse("192.168.1.77/24", &base, &bits), 0);
    assert_int_equal(bits, 24);
    struct ipaddr in = ip("192.168.1.200"), out = ip("192.168.2.1");
    assert_true(cidr_contains(&base, bits, &in));
    assert_false(cidr_contains(&base, bits, &out));
    assert_int_equal(cidr_parse("10.0.0.0/33", &base, &bits), -1);
    assert_int_equal(cidr_parse("nonsense", &base, &bits), -1);

    struct netlist nl = {0};
    char err[128];
    assert_int_equal(netlist_parse(&nl, "10.0.0.0/8,10.1.0.0/16=lab,fd00::/8", err, sizeof(err)),
                     0);
    assert_int_equal(nl.count, 3);
    assert_string_equal(nl.nets[1].name, "lab");
    struct ipaddr lab = ip("10.1.2.3"), ten = ip("10.9.9.9"), ula = ip("fd12::1");
    assert_int_equal(netlist_find(&nl, &lab), 1); /* most specific wins */
    assert_int_equal(netlist_find(&nl, &ten), 0);
    assert_int_equal(netlist_find(&nl, &ula), 2);
    assert_int_equal(netlist_parse(&nl, "300.1.1.1/8", err, sizeof(err)), -1);
}

static void test_ipaddr(void **state)
{
    char buf[IPADDR_STRLEN];
    struct ipaddr a = ip("fe80::1");
    assert_string_equal(ipaddr_str(&a, buf, sizeof(buf)), "fe80::1");
    struct ipaddr m = ip("224.0.0.251"), b = ip("255.255.255.255"), p = ip("172.20.1.1");
    assert_true(ipaddr_is_multicast(&m));
    assert_true(ipaddr_is_broadcast(&b));
    assert_true(ipaddr_is_private(&p));
    struct ipaddr v4 = ip("1.2.3.4"), v6 = ip("::1");
    assert_true(ipaddr_cmp(&v4, &v6) < 0);
    struct ipaddr x = ip("10.1.2.3");
    ipaddr_mask(&x, 16);
    assert_string_equal(ipaddr_str(&x, buf, sizeof(buf)), "10.1.0.0");

    /* The own IPv4 formatter against inet_ntop: every octet value in every position. */
    for (int pos = 0; pos < 4; pos++)
        for (int v = 0; v < 256; v++) {
            uint8_t q[4] = {10, 0, 200, 99};
            q[pos] = (uint8_t)v;
            struct ipaddr a4;
            ipaddr_set_v4(&a4, q);
            char want[INET_ADDRSTRLEN];
            assert_non_null(inet_ntop(AF_INET, q, want, sizeof(want)));
            assert_string_equal(ipaddr_str(&a4, buf, sizeof(buf)), want);
        }
    /* A short buffer still gets a terminated (inet_ntop's) answer, never an overflow. */
    char small[8];
    struct ipaddr big = ip("255.255.255.255");
    ipaddr_str(&big, small, sizeof(small));
    assert_string_equal(small, "?");
}

/* Objects come from blocks: distinct and aligned, a released one is the next handed out,
 * a new block only when the others are full, all of them gone with the pool. */
static void test_pool(void **state)
{
    struct pool p;
    pool_init(&p, 20, 4); /* rounded up to 24; blocks of at least 4 */
    assert_int_equal(p.size, 24);
    assert_true(p.per_block >= 4);
    assert_int_equal(p.block_bytes & (p.block_bytes - 1), 0); /* a power of two */
    assert_int_equal(pool_heap(&p), 0);
    uint32_t n = p.per_block + 1; /* one more than a block holds */
    char **objs = calloc(n, sizeof(*objs));
    assert_non_null(objs);
    for (uint32_t i = 0; i < n; i++) {
        objs[i] = pool_alloc(&p);
        assert_non_null(objs[i]);
        assert_int_equal((uintptr_t)objs[i] % 8, 0);
        memset(objs[i], (int)i, 24); /* the whole object is usable */
        for (uint32_t j = 0; j < i; j++)
            assert_ptr_not_equal(objs[i], objs[j]);
    }
    assert_int_equal(objs[1] - objs[0], 24);
    assert_int_equal(pool_heap(&p), 2 * p.block_bytes);
    pool_release(&p, objs[2]);
    pool_release(&p, objs[0]);
    assert_ptr_equal(pool_alloc(&p), objs[0]); /* last released, first reused */
    assert_ptr_equal(pool_alloc(&p), objs[2]);
    assert_int_equal(pool_heap(&p), 2 * p.block_bytes);
    pool_destroy(&p);
    assert_int_equal(pool_heap(&p), 0);
    free(objs);
}

/* A pool gives back the blocks a burst emptied, keeping one empty block for the next. */
static void test_pool_gives_back(void **state)
{
    struct pool p;
    pool_init(&p, sizeof(struct flow), 256);
    enum { N = 5000 };
    void **objs = calloc(N, sizeof(*objs));
    assert_non_null(objs);
    for (int i = 0; i < N; i++)
        assert_non_null(objs[i] = pool_alloc(&p));
    uint32_t full = (N + p.per_block - 1) / p.per_block;
    assert_int_equal(pool_heap(&p), full * p.block_bytes);
    /* Every other object goes: no block is empty, nothing is freed. */
    for (int i = 0; i < N; i += 2)
        pool_release(&p, objs[i]);
    assert_int_equal(pool_heap(&p), full * p.block_bytes);
    /* The rest goes: one block is kept, the others are freed. */
    for (int i = 1; i < N; i += 2)
        pool_release(&p, objs[i]);
    assert_int_equal(pool_heap(&p), p.block_bytes);
    /* The kept block serves the next burst before any new one is taken. */
    for (uint32_t i = 0; i < p.per_block; i++)
        assert_non_null(objs[i] = pool_alloc(&p));
    assert_int_equal(pool_heap(&p), p.block_bytes);
    assert_non_null(objs[p.per_block] = pool_alloc(&p));
    assert_int_equal(pool_heap(&p), 2 * p.block_bytes);
    pool_destroy(&p);
    assert_int_equal(pool_heap(&p), 0);
    free(objs);
}

/* Random takes and releases against a model: every live object keeps what was written to it
 * (no two live objects overlap), the blocks held cover the live objects, never two empty
 * blocks are kept, and once all are released one block is left. */
static void test_pool_random(void **state)
{
    struct pool p;
    pool_init(&p, 40, 16);
    enum { SLOTS = 3000, STEPS = 200000 };
    uint64_t **live = calloc(SLOTS, sizeof(*live));
    assert_non_null(live);
    uint32_t seed = 12345, n_live = 0;
    for (int step = 0; step < STEPS; step++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t i = (seed >> 8) % SLOTS;
        if (live[i]) {
            assert_int_equal(live[i][0], i); /* nobody else wrote over it */
            assert_int_equal(live[i][4], ~(uint64_t)i);
            pool_release(&p, live[i]);
            live[i] = NULL;
            n_live--;
        } else {
            live[i] = pool_alloc(&p);
            assert_non_null(live[i]);
            live[i][0] = i;
            live[i][4] = ~(uint64_t)i;
            n_live++;
        }
        /* Blocks held: at least what the live objects fill, and never a second empty one. */
        assert_true(pool_heap(&p) >=
                    (size_t)((n_live + p.per_block - 1) / p.per_block) * p.block_bytes);
        assert_true(p.empty_blocks <= 1);
    }
    for (uint32_t i = 0; i < SLOTS; i++)
        if (live[i]) {
            assert_int_equal(live[i][0], i);
            pool_release(&p, live[i]);
        }
    assert_int_equal(pool_heap(&p), p.block_bytes);
    pool_destroy(&p);
    free(live);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_table_both_directions),
        cmocka_unit_test(test_flow_table_full),
        cmocka_unit_test(test_host_table),
        cmocka_unit_test(test_pool),
        cmocka_unit_test(test_pool_gives_back),
        cmocka_unit_test(test_pool_random),
        cmocka_unit_test(test_cidr_and_netlist),
        cmocka_unit_test(test_ipaddr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
