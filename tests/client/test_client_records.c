/* Table.records, the compact form of lists of records (value.proto): every value sent both
 * ways, generic and with records allowed, through a real pack, the pre-check and unpack,
 * decodes into the same Lua value (types included) and the same C tree; records are used
 * where they apply and not elsewhere; malformed records are refused without a crash. */
#include "test_support.h"

#include <lauxlib.h>
#include <lualib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const struct wire_limits generic = WIRE_DEFAULT_LIMITS;
static const struct wire_limits compact = TEST_COMPACT_LIMITS;

/* A packed Reply holding the value at the top of the stack, encoded with lim. */
struct packed {
    uint8_t *buf;
    size_t len;
};

static int pack_top(lua_State *L, const struct wire_limits *lim, struct packed *p, char *err,
                    size_t errlen)
{
    int top = lua_gettop(L);
    struct wire_arena arena = {0};
    uint32_t elements = 0;
    Ntop__V1__Value *w = wire_from_lua(L, -1, &arena, lim, &elements, err, errlen);
    assert_int_equal(lua_gettop(L), top); /* the codec leaves the stack as it found it */
    if (!w) {
        wire_arena_free(&arena);
        return -1;
    }
    p->buf = test_pack_result(w, &p->len);
    assert_non_null(p->buf);
    wire_arena_free(&arena); /* after packing: strings are borrowed from Lua */
    return 0;
}

/* Unpacks p; pushes its Lua value and fills *c with its C tree. 0, or -1 with err (both
 * decoders must agree on refusing). *has_records: the top-level table used records. */
static int unpack_both(lua_State *L, const struct packed *p, struct ntop_value *c,
                       bool *has_records, char *err, size_t errlen)
{
    if (ntop_wire_check(p->buf, p->len, &generic, err, errlen) != 0)
        return -1;
    Ntop__V1__Reply *r = ntop__v1__reply__unpack(NULL, p->len, p->buf);
    assert_non_null(r);
    assert_int_equal(r->n_results, 1);
    const Ntop__V1__Value *v = r->results[0];
    *has_records = v->kind_case == NTOP__V1__VALUE__KIND_TABLE && v->table && v->table->records;
    uint32_t elements = 0;
    char err2[256] = "";
    int lrc = wire_push_value(L, v, &generic, &elements, err, errlen);
    elements = 0;
    int crc = ntop_value_from_wire(c, v, &generic, &elements, err2, sizeof(err2));
    ntop__v1__reply__free_unpacked(r, NULL);
    if ((lrc == 0) != (crc == 0))
        fail_msg("Lua decoder %s (%s), C decoder %s (%s)", lrc ? "refused" : "accepted", err,
                 crc ? "refused" : "accepted", err2);
    return lrc == 0 ? 0 : -1;
}

/* expr sent generic and compact: same Lua value as the original, same C tree, and records used
 * at the top level exactly when expect_records. Returns the two packed sizes. */
static void check_records(lua_State *L, const char *expr, bool expect_records, size_t *generic_len,
                          size_t *compact_len)
{
    char code[4096], err[256];
    snprintf(code, sizeof(code), "return %s", expr);
    assert_int_equal(luaL_dostring(L, code), LUA_OK);
    int orig = lua_gettop(L);
    struct packed pg, pc;
    assert_int_equal(pack_top(L, &generic, &pg, err, sizeof(err)), 0);
    assert_int_equal(pack_top(L, &compact, &pc, err, sizeof(err)), 0);
    struct ntop_value cg, cc;
    bool rg, rc;
    if (unpack_both(L, &pg, &cg, &rg, err, sizeof(err)) != 0 ||
        unpack_both(L, &pc, &cc, &rc, err, sizeof(err)) != 0)
        fail_msg("%s: %s", expr, err);
    assert_false(rg); /* never records unless the peer asked for them */
    if (rc != expect_records)
        fail_msg("%s: records %s", expr, rc ? "used" : "not used");
    lua_getglobal(L, "same");
    lua_pushvalue(L, orig);
    lua_pushvalue(L, orig + 2); /* compact */
    lua_call(L, 2, 1);
    if (!lua_toboolean(L, -1))
        fail_msg("%s: compact form decodes to another Lua value", expr);
    lua_pop(L, 1);
    lua_getglobal(L, "same");
    lua_pushvalue(L, orig + 1); /* generic */
    lua_pushvalue(L, orig + 2);
    lua_call(L, 2, 1);
    assert_true(lua_toboolean(L, -1));
    lua_settop(L, orig - 1);
    if (!ntop_value_equal(&cg, &cc))
        fail_msg("%s: compact form decodes to another C value", expr);
    ntop_value_clear(&cg);
    ntop_value_clear(&cc);
    if (generic_len)
        *generic_len = pg.len;
    if (compact_len)
        *compact_len = pc.len;
    free(pg.buf);
    free(pc.buf);
}

static void test_lists_of_records(void **state)
{
    lua_State *L = *state;
    /* an array of records, with binary strings, integers and floats kept apart */
    check_records(
        L,
        "{{a = 1, b = 'x'}, {a = 2.0, b = 'y\\0\\255'}, {a = math.mininteger, b = ''},"
        " {a = 2^63, b = string.rep('\\1', 300)}, {a = -0.0, b = 'z'}, {a = 1e300, b = 'n'}}",
        true, NULL, NULL);
    /* a map of records, as interface.getHostsInfo's hosts, with nested tables */
    check_records(L,
                  "{['10.0.0.1@0'] = {ip = '10.0.0.1', vlan = 0, bytes = {sent = 1, rcvd = 2.5}},"
                  " ['10.0.0.2@0'] = {ip = '10.0.0.2', vlan = 0, bytes = {sent = 3, rcvd = 4}}}",
                  true, NULL, NULL);
    /* keys that differ between records (absent ones stay absent), dense enough */
    check_records(L, "{{a = 1, b = 2}, {a = 1, c = 3}, {b = 1, c = 2}}", true, NULL, NULL);
    /* boolean values, false included, and record tables in record values */
    check_records(L, "{{f = false, t = true, r = {{x = 1}, {x = 2}}}, {f = false, t = true}}", true,
                  NULL, NULL);
    /* rows under integer and float keys, which stay integer and float keys */
    check_records(L, "{[10] = {a = 1}, [20] = {a = 2}, [-3] = {a = 3}}", true, NULL, NULL);
    check_records(L, "{[1.5] = {a = 1}, [2.5] = {a = 2.5}}", true, NULL, NULL);
    /* nested lists of records inside records */
    check_records(L,
                  "{{name = 'a', flows = {{p = 1, q = 2.5}, {p = 2, q = 3}}},"
                  " {name = 'b', flows = {}}, {name = 'c', flows = {{p = 3, q = 0.5}, {p = 4}}}}",
                  true, NULL, NULL);
    /* keys longer than Lua's short strings */
    check_records(L, "{{[string.rep('k', 100)] = 1, s = 2}, {[string.rep('k', 100)] = 3, s = 4}}",
                  true, NULL, NULL);
}

static void test_fallbacks(void **state)
{
    lua_State *L = *state;
    /* too sparse: 4 keys for 4 records of 1 key */
    check_records(L, "{{a = 1}, {b = 2}, {c = 3}, {d = 4}}", false, NULL, NULL);
    /* a record with a non-string key */
    check_records(L, "{{a = 1, [1] = 2}, {a = 2}}", false, NULL, NULL);
    check_records(L, "{{a = 1, [true] = 2}, {a = 2}}", false, NULL, NULL);
    /* an element that is not a table */
    check_records(L, "{{a = 1}, {a = 2}, 'x'}", false, NULL, NULL);
    /* an array part and other keys together */
    check_records(L, "{{a = 1}, {a = 2}, n = 2}", false, NULL, NULL);
    /* one record only, empty records, an empty table, a plain array, a plain map */
    check_records(L, "{{a = 1}}", false, NULL, NULL);
    check_records(L, "{{}, {}}", false, NULL, NULL);
    check_records(L, "{}", false, NULL, NULL);
    check_records(L, "{1, 2, 3}", false, NULL, NULL);
    check_records(L, "{a = 1, b = 2}", false, NULL, NULL);
    /* the generic form around a list of records still has records inside */
    check_records(L, "{n = 2, list = {{a = 1}, {a = 2}}}", false, NULL, NULL);
}

/* The nesting limit is the same in both forms: a chain of records accepted (or refused) in
 * one form is accepted (or refused) in the other. */
static void test_depth_same(void **state)
{
    lua_State *L = *state;
    for (int k = 29; k <= 33; k++) {
        char code[256], err[256];
        snprintf(code, sizeof(code),
                 "return (function() local t = {{x = 1}, {x = 2}} for i = 1, %d do"
                 " t = {{c = t}, {c = 1}} end return t end)()",
                 k);
        assert_int_equal(luaL_dostring(L, code), LUA_OK);
        struct packed pg, pc;
        int g = pack_top(L, &generic, &pg, err, sizeof(err));
        int c = pack_top(L, &compact, &pc, err, sizeof(err));
        assert_int_equal(g, c);
        if (g == 0) {
            struct ntop_value cg, cc;
            bool rg, rc;
            int top = lua_gettop(L);
            assert_int_equal(unpack_both(L, &pg, &cg, &rg, err, sizeof(err)), 0);
            assert_int_equal(unpack_both(L, &pc, &cc, &rc, err, sizeof(err)), 0);
            assert_true(rc);
            assert_true(ntop_value_equal(&cg, &cc));
            ntop_value_clear(&cg);
            ntop_value_clear(&cc);
            lua_settop(L, top);
            free(pg.buf);
            free(pc.buf);
        } else {
            assert_non_null(strstr(err, "deeper than 64"));
        }
        lua_pop(L, 1);
    }
}

/* 10,000 host-like records: the compact form is much smaller and decodes the same. */
static void test_many_records(void **state)
{
    lua_State *L = *state;
    size_t g = 0, c = 0;
    check_records(L,
                  "(function() local t = {} for i = 1, 10000 do t[string.format('10.%d.%d.%d@0', "
                  "i >> 16, (i >> 8) & 255, i & 255)] = {ip = 'x' .. i, vlan = 0, "
                  "bytes_sent = i * 1000, bytes_rcvd = i * 1.5, num_flows = i % 7, "
                  "is_local = i % 2 == 0, name = (i % 3 == 0) and ('h' .. i) or nil, "
                  "seen = {first = i, last = i + 10}} end return t end)()",
                  true, &g, &c);
    if (c * 10 > g * 7) /* keys written once: at least 30% smaller */
        fail_msg("compact form %zu bytes, generic %zu bytes", c, g);
}

/* Hand-made malformed records: both decoders refuse them with a message, no crash. */
static void check_refused(lua_State *L, Ntop__V1__Table *t, const char *what)
{
    Ntop__V1__Value v = NTOP__V1__VALUE__INIT, *pv = &v;
    v.kind_case = NTOP__V1__VALUE__KIND_TABLE;
    v.table = t;
    struct packed p;
    p.buf = test_pack_result(pv, &p.len);
    assert_non_null(p.buf);
    struct ntop_value c;
    bool r;
    char err[256] = "";
    int top = lua_gettop(L);
    if (unpack_both(L, &p, &c, &r, err, sizeof(err)) == 0)
        fail_msg("%s: accepted", what);
    assert_true(strstr(err, what) != NULL);
    assert_int_equal(lua_gettop(L), top);
    /* the in-place decoder gives up too (the caller then reports the slow path's error) */
    struct ntop_result res = {0};
    if (ntop_reply_fast(p.buf, p.len, &generic, &res) == 0)
        fail_msg("%s: accepted by the fast path", what);
    free(p.buf);
}

static void test_malformed(void **state)
{
    lua_State *L = *state;
    ProtobufCBinaryData keys[1] = {
        {1, (uint8_t *)"a"}
    };
    int64_t ints[2] = {1, 2};
    uint32_t lens[1] = {5};
    double nan = 0.0 / 0.0;
    Ntop__V1__Column col = NTOP__V1__COLUMN__INIT, *cols[1] = {&col};
    Ntop__V1__Column key = NTOP__V1__COLUMN__INIT;
    Ntop__V1__Records rec = NTOP__V1__RECORDS__INIT;
    Ntop__V1__Table t = NTOP__V1__TABLE__INIT;
    t.records = &rec;
    rec.keys = keys;
    rec.n_keys = 1;
    rec.columns = cols;
    rec.n_columns = 1;
    rec.count = 2;
    col.types = (ProtobufCBinaryData){2, (uint8_t *)"\3\3"};
    col.integers = ints;
    col.n_integers = 2;

    rec.count = 3; /* fewer types than records */
    check_refused(L, &t, "2 types for 3 records");
    rec.count = 2;

    col.types = (ProtobufCBinaryData){2, (uint8_t *)"\3\7"}; /* an unknown type */
    check_refused(L, &t, "unknown type 7");

    col.types = (ProtobufCBinaryData){2, (uint8_t *)"\3\5"}; /* a string that is not there */
    col.n_integers = 1;
    check_refused(L, &t, "do not match its types");
    col.string_lengths = lens; /* longer than the string bytes */
    col.n_string_lengths = 1;
    col.string_data = (ProtobufCBinaryData){3, (uint8_t *)"abc"};
    check_refused(L, &t, "do not match its types");
    col.types = (ProtobufCBinaryData){2, (uint8_t *)"\3\3"};
    col.n_integers = 2;
    col.string_lengths = NULL;
    col.n_string_lengths = 0;
    col.string_data = (ProtobufCBinaryData){0, NULL};

    rec.n_columns = 0; /* a key without its column */
    check_refused(L, &t, "0 columns for 1 keys");
    rec.n_columns = 1;

    rec.row_keys = &key; /* a record without its key */
    key.types = (ProtobufCBinaryData){2, (uint8_t *)"\3\0"};
    key.integers = ints;
    key.n_integers = 1;
    check_refused(L, &t, "without a valid key");
    key.types = (ProtobufCBinaryData){2, (uint8_t *)"\3\4"}; /* a NaN key */
    key.numbers = &nan;
    key.n_numbers = 1;
    check_refused(L, &t, "without a valid key");
    rec.row_keys = NULL;

    /* rows without columns: a few bytes that would become millions of empty tables */
    rec.n_keys = 0;
    rec.n_columns = 0;
    rec.count = generic.max_elements + 1;
    check_refused(L, &t, "more than 4194304 values");
    rec.count = UINT32_MAX;
    check_refused(L, &t, "more than 4194304 values");
    rec.n_keys = 1;
    rec.n_columns = 1;
    rec.count = 2;

    Ntop__V1__Value one = NTOP__V1__VALUE__INIT, *arr[1] = {&one};
    one.kind_case = NTOP__V1__VALUE__KIND_INTEGER;
    t.array = arr; /* records and an array part in one table */
    t.n_array = 1;
    check_refused(L, &t, "both records and other keys");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lists_of_records, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_fallbacks, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_depth_same, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_many_records, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_malformed, test_lua_setup, test_lua_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
