/* libntopclient's C values: constructors, tables, copies, and the C tree <-> ntop.v1 wire
 * conversion through a real pack/unpack, with its limits; the message pre-check; method paths
 * and target parsing; a call to a closed port. No probe needed. */
#include "test_support.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const struct wire_limits lim = WIRE_DEFAULT_LIMITS;

/* v -> wire -> packed Reply -> pre-check -> unpacked -> C value in *out. Returns 0 or the
 * first failing step's code. */
static int roundtrip(const struct ntop_value *v, struct ntop_value *out,
                     const struct wire_limits *l)
{
    struct wire_arena arena = {0};
    char err[256];
    uint32_t elements = 0;
    Ntop__V1__Value *w = ntop_value_to_wire(v, &arena, l, &elements, err, sizeof(err));
    if (!w) {
        wire_arena_free(&arena);
        return -100;
    }
    size_t len;
    uint8_t *buf = test_pack_result(w, &len);
    assert_non_null(buf);
    wire_arena_free(&arena);
    int rc = ntop_wire_check(buf, len, l, err, sizeof(err));
    if (rc != 0) {
        free(buf);
        return -200 + rc;
    }
    Ntop__V1__Reply *r = ntop__v1__reply__unpack(NULL, len, buf);
    free(buf);
    assert_non_null(r);
    assert_int_equal(r->n_results, 1);
    elements = 0;
    rc = ntop_value_from_wire(out, r->results[0], l, &elements, err, sizeof(err));
    ntop__v1__reply__free_unpacked(r, NULL);
    return rc;
}

static void test_scalars_keep_their_type(void **state)
{
    (void)state;
    struct ntop_value in[] = {
        NTOP_NIL,         NTOP_BOOLEAN(true),      NTOP_BOOLEAN(false),
        NTOP_INTEGER(0),  NTOP_INTEGER(INT64_MIN), NTOP_INTEGER(INT64_MAX),
        NTOP_INTEGER(-1), NTOP_NUMBER(1.0),        NTOP_NUMBER(-0.0),
        NTOP_NUMBER(0.1), NTOP_NUMBER(INFINITY),   NTOP_NUMBER(-1e308),
        NTOP_STRING(""),  NTOP_STRING("héllo"),
    };
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        struct ntop_value out;
        assert_int_equal(roundtrip(&in[i], &out, &lim), 0);
        assert_int_equal(out.type, in[i].type); /* 1.0 stays a float, 0 an integer */
        assert_true(ntop_value_equal(&in[i], &out));
        if (in[i].type == NTOP_TINTEGER)
            assert_true(out.integer == in[i].integer);
        ntop_value_clear(&out);
    }
    struct ntop_value negzero = NTOP_NUMBER(-0.0), out;
    assert_int_equal(roundtrip(&negzero, &out, &lim), 0);
    assert_true(signbit(out.number));
    struct ntop_value nan = NTOP_NUMBER(NAN);
    assert_int_equal(roundtrip(&nan, &out, &lim), 0);
    assert_true(out.type == NTOP_TNUMBER && isnan(out.number));
}

static void test_binary_strings(void **state)
{
    (void)state;
    static const char bytes[] = {'a', 0, 'b', (char)0xff, 0, (char)0x80};
    struct ntop_value *v = ntop_value_new_lstring(bytes, sizeof(bytes));
    assert_non_null(v);
    assert_int_equal(v->string.len, sizeof(bytes));
    assert_int_equal(v->string.data[sizeof(bytes)], '\0'); /* the promised terminator */
    struct ntop_value out;
    assert_int_equal(roundtrip(v, &out, &lim), 0);
    assert_int_equal(out.type, NTOP_TSTRING);
    assert_int_equal(out.string.len, sizeof(bytes));
    assert_memory_equal(out.string.data, bytes, sizeof(bytes));
    ntop_value_clear(&out);
    ntop_value_free(v);
}

/* {1, 2.5, "x", {a = {true}}, [10] = "ten", [2.0 => normalized], ["k"] = -7} */
static struct ntop_value *sample_table(void)
{
    struct ntop_value *t = ntop_value_new_table();
    assert_int_equal(ntop_table_append(t, ntop_value_new_integer(1)), 0);
    assert_int_equal(ntop_table_append(t, ntop_value_new_number(2.5)), 0);
    assert_int_equal(ntop_table_append(t, ntop_value_new_string("x")), 0);
    struct ntop_value *inner = ntop_value_new_table(), *list = ntop_value_new_table();
    assert_int_equal(ntop_table_append(list, ntop_value_new_boolean(true)), 0);
    assert_int_equal(ntop_table_set_field(inner, "a", list), 0);
    assert_int_equal(ntop_table_append(t, inner), 0);
    assert_int_equal(ntop_table_set(t, ntop_value_new_integer(10), ntop_value_new_string("ten")),
                     0);
    assert_int_equal(ntop_table_set_field(t, "k", ntop_value_new_integer(-7)), 0);
    return t;
}

static void test_nested_tables(void **state)
{
    (void)state;
    struct ntop_value *t = sample_table(), out;
    assert_int_equal(roundtrip(t, &out, &lim), 0);
    assert_true(ntop_value_equal(t, &out));
    assert_int_equal(out.table.n_array, 4);
    assert_int_equal(out.table.n_entries, 2);
    assert_int_equal(ntop_table_get_index(&out, 1)->type, NTOP_TINTEGER);
    assert_int_equal(ntop_table_get_index(&out, 2)->type, NTOP_TNUMBER);
    const struct ntop_value *a = ntop_table_get_field(ntop_table_get_index(&out, 4), "a");
    assert_non_null(a);
    assert_true(ntop_table_get_index(a, 1)->boolean);
    assert_string_equal(ntop_table_get_index(&out, 10)->string.data, "ten");
    assert_int_equal(ntop_table_get_field(&out, "k")->integer, -7);
    assert_null(ntop_table_get_field(&out, "missing"));
    struct ntop_value copy;
    assert_int_equal(ntop_value_copy(&copy, &out), 0);
    assert_true(ntop_value_equal(&copy, t));
    ntop_value_clear(&copy);
    ntop_value_clear(&out);
    ntop_value_free(t);
}

static void test_table_set_rules(void **state)
{
    (void)state;
    struct ntop_value *t = ntop_value_new_table();
    assert_int_equal(ntop_table_set(t, ntop_value_new_number(2.0), ntop_value_new_string("two")),
                     0);
    assert_int_equal(t->table.entries[0].key.type, NTOP_TINTEGER); /* 2.0 is the key 2 */
    assert_string_equal(ntop_table_get_index(t, 2)->string.data, "two");
    assert_int_equal(ntop_table_set_field(t, "a", ntop_value_new_integer(1)), 0);
    assert_int_equal(ntop_table_set_field(t, "a", ntop_value_new_integer(2)), 0); /* replaced */
    assert_int_equal(t->table.n_entries, 2);
    assert_int_equal(ntop_table_get_field(t, "a")->integer, 2);
    assert_int_equal(ntop_table_set_field(t, "a", ntop_value_new_nil()), 0); /* removed */
    assert_null(ntop_table_get_field(t, "a"));
    assert_int_equal(ntop_table_set(t, ntop_value_new_nil(), ntop_value_new_integer(1)),
                     NTOP_EINVAL);
    assert_int_equal(ntop_table_set(t, ntop_value_new_number(NAN), ntop_value_new_integer(1)),
                     NTOP_EINVAL);
    assert_int_equal(ntop_table_append(t, NULL), NTOP_ENOMEM);
    struct ntop_value *num = ntop_value_new_integer(3);
    assert_int_equal(ntop_table_append(num, ntop_value_new_integer(1)), NTOP_EINVAL);
    ntop_value_free(num);
    /* equality across integer and float, as Lua's == */
    struct ntop_value i1 = NTOP_INTEGER(1), f1 = NTOP_NUMBER(1.0), f15 = NTOP_NUMBER(1.5);
    assert_true(ntop_value_equal(&i1, &f1));
    assert_false(ntop_value_equal(&i1, &f15));
    struct ntop_value big = NTOP_INTEGER(INT64_MAX), fbig = NTOP_NUMBER(9223372036854775808.0);
    assert_false(ntop_value_equal(&big, &fbig));
    ntop_value_free(t);
}

/* depth tables nested in one another: {{{...}}} */
static struct ntop_value *nested(int depth)
{
    struct ntop_value *v = ntop_value_new_integer(42);
    for (int i = 0; i < depth; i++) {
        struct ntop_value *t = ntop_value_new_table();
        assert_int_equal(ntop_table_append(t, v), 0);
        v = t;
    }
    return v;
}

static void test_depth_limit(void **state)
{
    (void)state;
    struct ntop_value *ok = nested(64), *deep = nested(65), out;
    assert_int_equal(roundtrip(ok, &out, &lim), 0);
    assert_true(ntop_value_equal(ok, &out));
    ntop_value_clear(&out);
    assert_int_equal(roundtrip(deep, &out, &lim), -100); /* refused before it is sent */
    /* and refused when it arrives, by the pre-check (a sender with higher limits) */
    struct wire_limits high = {.max_depth = 100, .max_elements = 1000};
    struct wire_arena arena = {0};
    char err[256];
    uint32_t elements = 0;
    Ntop__V1__Value *w = ntop_value_to_wire(deep, &arena, &high, &elements, err, sizeof(err));
    assert_non_null(w);
    size_t len;
    uint8_t *buf = test_pack_result(w, &len);
    assert_non_null(buf);
    assert_int_equal(ntop_wire_check(buf, len, &lim, err, sizeof(err)), NTOP_ELIMIT);
    assert_non_null(strstr(err, "deeper than 64"));
    /* the converter refuses it too, on its own */
    Ntop__V1__Reply *r = ntop__v1__reply__unpack(NULL, len, buf);
    elements = 0;
    assert_int_equal(ntop_value_from_wire(&out, r->results[0], &lim, &elements, err, sizeof(err)),
                     NTOP_ELIMIT);
    assert_int_equal(out.type, NTOP_TNIL);
    ntop__v1__reply__free_unpacked(r, NULL);
    free(buf);
    wire_arena_free(&arena);
    ntop_value_free(ok);
    ntop_value_free(deep);
    struct ntop_value copy;
    struct ntop_value *toodeep = nested(70);
    assert_int_equal(ntop_value_copy(&copy, toodeep), NTOP_ELIMIT);
    ntop_value_free(toodeep);
}

static void test_element_limit(void **state)
{
    (void)state;
    struct wire_limits small = {.max_depth = 64, .max_elements = 10};
    struct ntop_value *t = ntop_value_new_table(), out;
    for (int i = 0; i < 9; i++)
        assert_int_equal(ntop_table_append(t, ntop_value_new_integer(i)), 0);
    assert_int_equal(roundtrip(t, &out, &small), 0); /* the table and its 9 values */
    ntop_value_clear(&out);
    assert_int_equal(ntop_table_append(t, ntop_value_new_integer(9)), 0);
    assert_int_equal(roundtrip(t, &out, &small), -100);
    ntop_value_free(t);
}

/* The len bytes at buf + *start become the body of a length-delimited field (key byte tag),
 * its key and length written just before them. */
static void wrap_field(uint8_t *buf, size_t *start, size_t *len, uint8_t tag)
{
    uint8_t hdr[12];
    size_t h = 0, v = *len;
    hdr[h++] = tag;
    do {
        hdr[h++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    *start -= h;
    memcpy(buf + *start, hdr, h);
    *len += h;
}

/* protobuf-c would recurse 600,000 frames deep on this 2.4 MB message: the pre-check refuses it
 * with a bounded amount of work. */
static void test_precheck_deep_message(void **state)
{
    (void)state;
    const size_t levels = 300000;
    size_t cap = levels * 12 + 16, start = cap, len = 2;
    uint8_t *buf = malloc(cap);
    start -= 2;
    buf[start] = 0x08; /* Value.nil = true */
    buf[start + 1] = 1;
    for (size_t i = 0; i < levels; i++) {
        wrap_field(buf, &start, &len, 0x0a); /* Table.array (1) */
        wrap_field(buf, &start, &len, 0x32); /* Value.table (6) */
    }
    wrap_field(buf, &start, &len, 0x0a); /* as the Reply's first result: field 1 */
    char err[256];
    assert_int_equal(ntop_wire_check(buf + start, len, &lim, err, sizeof(err)), NTOP_ELIMIT);
    free(buf);
}

static void test_precheck_malformed(void **state)
{
    (void)state;
    char err[256];
    static const uint8_t truncated[] = {0x0a, 0x05, 0x08}; /* a Value of 5 bytes, 1 present */
    assert_int_equal(ntop_wire_check(truncated, sizeof(truncated), &lim, err, sizeof(err)),
                     NTOP_EINVAL);
    static const uint8_t group[] = {0x0b, 0x0c}; /* wire type 3 */
    assert_int_equal(ntop_wire_check(group, sizeof(group), &lim, err, sizeof(err)), NTOP_EINVAL);
    static const uint8_t varint[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(ntop_wire_check(varint, sizeof(varint), &lim, err, sizeof(err)), NTOP_EINVAL);
    assert_int_equal(ntop_wire_check(NULL, 0, &lim, err, sizeof(err)), 0); /* empty Reply */
}

static void test_context(void **state)
{
    (void)state;
    struct ntop_context ctx = {
        .ifid = 3, .host = "192.168.1.1@2", .network = 5, .has_network = true};
    Ntop__V1__Context w;
    ntop_context_to_wire(&w, &ctx);
    size_t len = ntop__v1__context__get_packed_size(&w);
    uint8_t buf[128];
    assert_true(len < sizeof(buf));
    ntop__v1__context__pack(&w, buf);
    Ntop__V1__Context *u = ntop__v1__context__unpack(NULL, len, buf);
    struct ntop_context back;
    assert_int_equal(ntop_context_from_wire(&back, u), 0);
    ntop__v1__context__free_unpacked(u, NULL);
    assert_int_equal(back.ifid, 3);
    assert_string_equal(back.host, "192.168.1.1@2");
    assert_null(back.flow);
    assert_true(back.has_network);
    assert_int_equal(back.network, 5);
    ntop_context_clear(&back);
    assert_int_equal(back.ifid, 0);
    assert_null(back.host);
    ntop_context_to_wire(&w, NULL); /* the default: interface 0 */
    assert_int_equal(w.ifid, 0);
    assert_false(w.has_network);
}

static void test_method_path(void **state)
{
    (void)state;
    char p[NTOP_PATH_MAX];
    assert_int_equal(ntop_method_path(p, sizeof(p), "interface", "getStats"), 0);
    assert_string_equal(p, "/ntop.v1.Interface/getStats");
    assert_int_equal(ntop_method_path(p, sizeof(p), "ntop", "md5"), 0);
    assert_string_equal(p, "/ntop.v1.Ntop/md5");
    assert_int_equal(ntop_method_path(p, sizeof(p), "interface", "a/b"), NTOP_EINVAL);
    assert_int_equal(ntop_method_path(p, sizeof(p), "interface", ""), NTOP_EINVAL);
    assert_int_equal(ntop_method_path(p, sizeof(p), "1nterface", "x"), NTOP_EINVAL);
    assert_int_equal(ntop_method_path(p, sizeof(p), NULL, "x"), NTOP_EINVAL);
    assert_int_equal(ntop_method_path(p, 10, "interface", "getStats"), NTOP_EINVAL);
}

static void test_targets(void **state)
{
    (void)state;
    static const char *const good[][2] = {
        {"sensor1",          "sensor1:5741"    },
        {"sensor1:1234",     "sensor1:1234"    },
        {"::1",              "[::1]:5741"      },
        {"[::1]",            "[::1]:5741"      },
        {"[fe80::1]:99",     "[fe80::1]:99"    },
        {"unix:/tmp/x.sock", "unix:/tmp/x.sock"},
        {"dns:///h:1",       "dns:///h:1"      },
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct ntop_client *c;
        assert_int_equal(ntop_client_new(good[i][0], NULL, &c), 0);
        assert_string_equal(ntop_client_target(c), good[i][1]);
        ntop_client_free(c);
    }
    static const char *const bad[] = {"", "h:", "h:99999", "h:12a", ":80", "[::1", "[]:1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ntop_client *c = (struct ntop_client *)1;
        assert_int_equal(ntop_client_new(bad[i], NULL, &c), NTOP_EINVAL);
        assert_null(c);
    }
    struct ntop_client_options o;
    ntop_client_options_init(&o);
    o.retries = -1;
    struct ntop_client *c;
    assert_int_equal(ntop_client_new("h", &o, &c), NTOP_EINVAL);
    assert_string_equal(ntop_strerror(NTOP_ELIMIT),
                        "value nested too deeply or with too many elements");
    assert_string_equal(ntop_status_name(3), "INVALID_ARGUMENT");
    assert_string_equal(ntop_status_name(99), "UNKNOWN_STATUS");
}

/* ntop_client_new_secure: bad security settings fail at once with their own code. */
static void test_security_options(void **state)
{
    (void)state;
    struct ntop_client *c = NULL;
    struct ntop_client_security sec = {.token = "abc def"};
    assert_int_equal(ntop_client_new_secure("127.0.0.1:1", NULL, &sec, &c), NTOP_EINVAL);
    assert_null(c);
    sec = (struct ntop_client_security){.tls_ca_file = "/nonexistent/ca.pem"};
    assert_int_equal(ntop_client_new_secure("127.0.0.1:1", NULL, &sec, &c), NTOP_ETLS);
    assert_null(c);
    assert_string_equal(ntop_strerror(NTOP_ETLS), "cannot read the TLS CA file (PEM)");
    sec = (struct ntop_client_security){.tls_ca_file = __FILE__}; /* not PEM */
    assert_int_equal(ntop_client_new_secure("127.0.0.1:1", NULL, &sec, &c), NTOP_ETLS);
    sec = (struct ntop_client_security){
        .token = "0123abcd", .tls = true, .tls_server_name = "probe.test"};
    assert_int_equal(ntop_client_new_secure("127.0.0.1:1", NULL, &sec, &c), 0);
    struct ntop_result res;
    assert_int_equal(ntop_client_call(c, "ntop", "md5", NULL, 0, NULL, &res),
                     NTOP_STATUS_UNAVAILABLE);
    ntop_result_clear(&res);
    ntop_client_free(c);
    assert_int_equal(ntop_client_new_secure("127.0.0.1:1", NULL, NULL, &c), 0);
    ntop_client_free(c);
}

/* A closed port: UNAVAILABLE at once, with gRPC's reason, and the context sent comes back. */
static void test_call_unreachable(void **state)
{
    (void)state;
    struct ntop_client *c;
    assert_int_equal(ntop_client_new("127.0.0.1:1", NULL, &c), 0);
    struct ntop_value args[] = {NTOP_INTEGER(1), NTOP_STRING("x")};
    struct ntop_context ctx = {.ifid = 2, .flow = "f"};
    struct ntop_result res;
    assert_int_equal(ntop_client_call(c, "interface", "getStats", args, 2, &ctx, &res),
                     NTOP_STATUS_UNAVAILABLE);
    assert_int_equal(res.status, NTOP_STATUS_UNAVAILABLE);
    assert_non_null(strstr(res.message, "probe 127.0.0.1:1 unreachable"));
    assert_int_equal(res.context.ifid, 2);
    assert_string_equal(res.context.flow, "f");
    assert_int_equal(res.count, 0);
    ntop_result_clear(&res);
    assert_int_equal(ntop_client_wait_ready(c, 2000), NTOP_EUNREACHABLE);
    /* a bad name never leaves the process */
    assert_int_equal(ntop_client_call(c, "interface", "get Stats", NULL, 0, NULL, &res),
                     NTOP_STATUS_INVALID_ARGUMENT);
    ntop_result_clear(&res);
    /* nor do arguments over the limits */
    struct ntop_value *deep = nested(65);
    assert_int_equal(ntop_client_call(c, "ntop", "md5", deep, 1, NULL, &res),
                     NTOP_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(res.message, "argument #1"));
    ntop_result_clear(&res);
    ntop_value_free(deep);
    ntop_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_keep_their_type),
        cmocka_unit_test(test_binary_strings),
        cmocka_unit_test(test_nested_tables),
        cmocka_unit_test(test_table_set_rules),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_element_limit),
        cmocka_unit_test(test_precheck_deep_message),
        cmocka_unit_test(test_precheck_malformed),
        cmocka_unit_test(test_context),
        cmocka_unit_test(test_method_path),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_call_unreachable),
        cmocka_unit_test(test_security_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
