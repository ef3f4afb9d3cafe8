/* The reply decoders of libntopclient (ntop_reply_decode) and of the Lua module
 * (ldecode_fast): the fast paths that read the wire in place (reply_fast.c, lua_decode.c) give
 * exactly the values of the slow paths (protobuf-c unpack, then conversion or
 * wire_push_value), types, bytes and entry order included; truncated and corrupted replies are
 * refused or decoded without a read out of bounds (the sanitizer build checks) and never
 * accepted by the fast path alone; decoded records share one block, and every value
 * function stays correct on them (moves, table changes, copies, clears from two threads). */
#include "test_support.h"
#include "lua_ntopclient.h"

#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const struct wire_limits generic = WIRE_DEFAULT_LIMITS;
static const struct wire_limits compact = TEST_COMPACT_LIMITS;

/* The Reply holding the values of Lua expression `expr` (a list: "1, 'x', {...}") and a
 * context, packed with lim. *len bytes, malloc'd with nothing after them. */
static uint8_t *reply_of(lua_State *L, const char *expr, const struct wire_limits *lim, size_t *len)
{
    char code[4096];
    snprintf(code, sizeof(code), "return %s", expr);
    int top = lua_gettop(L);
    if (luaL_dostring(L, code) != LUA_OK)
        fail_msg("%s: %s", expr, lua_tostring(L, -1));
    int n = lua_gettop(L) - top;
    struct wire_arena arena = {0};
    Ntop__V1__Value **results = calloc((size_t)n + 1, sizeof(*results));
    uint32_t elements = 0;
    char err[256];
    for (int i = 0; i < n; i++)
        if (!(results[i] = wire_from_lua(L, top + 1 + i, &arena, lim, &elements, err, sizeof(err))))
            fail_msg("%s: %s", expr, err);
    Ntop__V1__Context ctx;
    struct ntop_context c = {.ifid = 3, .host = "10.0.0.1@0"};
    ntop_context_to_wire(&ctx, &c);
    Ntop__V1__Reply reply = NTOP__V1__REPLY__INIT;
    reply.results = results;
    reply.n_results = (size_t)n;
    reply.context = &ctx;
    *len = ntop__v1__reply__get_packed_size(&reply);
    uint8_t *buf = malloc(*len ? *len : 1);
    assert_non_null(buf);
    ntop__v1__reply__pack(&reply, buf);
    wire_arena_free(&arena);
    free(results);
    lua_settop(L, top);
    return buf;
}

/* Strict equality: same types (integer and float apart, NaN and -0.0 by their bits), same
 * bytes with the NUL after them, the same entries in the same order. */
static bool same(const struct ntop_value *a, const struct ntop_value *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case NTOP_TNIL:
        return true;
    case NTOP_TBOOLEAN:
        return a->boolean == b->boolean;
    case NTOP_TINTEGER:
        return a->integer == b->integer;
    case NTOP_TNUMBER:
        return memcmp(&a->number, &b->number, sizeof(double)) == 0;
    case NTOP_TSTRING:
        return a->string.len == b->string.len && a->string.data[a->string.len] == '\0' &&
               b->string.data[b->string.len] == '\0' &&
               memcmp(a->string.data, b->string.data, a->string.len) == 0;
    case NTOP_TTABLE:
        if (a->table.n_array != b->table.n_array || a->table.n_entries != b->table.n_entries)
            return false;
        for (size_t i = 0; i < a->table.n_array; i++)
            if (!same(&a->table.array[i], &b->table.array[i]))
                return false;
        for (size_t i = 0; i < a->table.n_entries; i++)
            if (!same(&a->table.entries[i].key, &b->table.entries[i].key) ||
                !same(&a->table.entries[i].value, &b->table.entries[i].value))
                return false;
        return true;
    }
    return false;
}

static const struct ntop_value *field(const struct ntop_value *t, const char *k);

static bool same_result(const struct ntop_result *a, const struct ntop_result *b)
{
    if (a->status != b->status || a->count != b->count || a->context.ifid != b->context.ifid ||
        !a->context.host != !b->context.host ||
        (a->context.host && strcmp(a->context.host, b->context.host) != 0))
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (!same(&a->values[i], &b->values[i]))
            return false;
    return true;
}

/* The slow path alone: protobuf-c unpack and conversion, as before the fast path. Returns the
 * status (res filled as ntop_reply_decode fills it). */
static int decode_slow(const uint8_t *buf, size_t len, struct ntop_result *res)
{
    memset(res, 0, sizeof(*res));
    char err[256];
    if (ntop_wire_check(buf, len, &generic, err, sizeof(err)) != 0)
        return res->status = NTOP_STATUS_RESOURCE_EXHAUSTED;
    Ntop__V1__Reply *r = ntop__v1__reply__unpack(NULL, len, buf);
    if (!r)
        return res->status = NTOP_STATUS_INTERNAL;
    uint32_t elements = 0;
    res->values = calloc(r->n_results + 1, sizeof(*res->values));
    for (size_t i = 0; i < r->n_results; i++, res->count++)
        if (ntop_value_from_wire(&res->values[i], r->results[i], &generic, &elements, err,
                                 sizeof(err)) != 0) {
            res->status = NTOP_STATUS_INTERNAL;
            break;
        }
    if (res->status == NTOP_STATUS_OK && r->context)
        assert_int_equal(ntop_context_from_wire(&res->context, r->context), 0);
    ntop__v1__reply__free_unpacked(r, NULL);
    return res->status;
}

/* Decodes buf both ways. The fast path may give up (any odd or bad input) but must never
 * accept what the slow path refuses, nor decode to anything else. The full decoder
 * (ntop_reply_decode) agrees with the slow path. Returns whether the fast path accepted. */
static bool check_decode(const uint8_t *buf, size_t len, const char *what)
{
    struct ntop_result fast = {0}, slow, full = {0};
    bool fast_ok = ntop_reply_fast(buf, len, &generic, &fast) == 0;
    int slow_st = decode_slow(buf, len, &slow);
    int full_st = ntop_reply_decode(buf, len, &generic, &full);
    if (fast_ok && slow_st != NTOP_STATUS_OK)
        fail_msg("%s: the fast path accepted what the slow path refused", what);
    if (fast_ok && !same_result(&fast, &slow))
        fail_msg("%s: the fast path decoded another value", what);
    if (full_st != slow_st)
        fail_msg("%s: status %d, the slow path %d", what, full_st, slow_st);
    if (full_st == NTOP_STATUS_OK && !same_result(&full, &slow))
        fail_msg("%s: ntop_reply_decode decoded another value", what);
    if (full_st != NTOP_STATUS_OK && (!full.message || full.count != 0))
        fail_msg("%s: refused without a message, or with values", what);
    ntop_result_clear(&fast);
    ntop_result_clear(&slow);
    ntop_result_clear(&full);
    return fast_ok;
}

/* ---- the Lua module's decoder ---- */

struct lua_reply {
    const uint8_t *buf;
    size_t len;
    int n; /* results pushed; -1: refused or given up */
};

/* Protected: the fast path (ldecode_fast). */
static int lua_fast_k(lua_State *L)
{
    struct lua_reply *r = lua_touserdata(L, 1);
    lua_pop(L, 1);
    Ntop__V1__Context *ctx;
    int top = lua_gettop(L);
    r->n = ldecode_fast(L, r->buf, r->len, &generic, &ctx);
    if (r->n >= 0 && ctx)
        ntop__v1__context__free_unpacked(ctx, NULL);
    if (r->n < 0 && lua_gettop(L) != top)
        return luaL_error(L, "the fast path gave up with values left on the stack");
    return r->n < 0 ? 0 : r->n;
}

/* Protected: the slow path (pre-check, protobuf-c, wire_push_value), as before. */
static int lua_slow_k(lua_State *L)
{
    struct lua_reply *r = lua_touserdata(L, 1);
    lua_pop(L, 1);
    char err[256];
    r->n = -1;
    if (ntop_wire_check(r->buf, r->len, &generic, err, sizeof(err)) != 0)
        return 0;
    Ntop__V1__Reply *reply = ntop__v1__reply__unpack(NULL, r->len, r->buf);
    if (!reply)
        return 0;
    uint32_t elements = 0;
    int n = 0;
    for (size_t i = 0; i < reply->n_results; i++, n++)
        if (wire_push_value(L, reply->results[i], &generic, &elements, err, sizeof(err)) != 0) {
            lua_settop(L, 0);
            n = -1;
            break;
        }
    ntop__v1__reply__free_unpacked(reply, NULL);
    r->n = n;
    return n < 0 ? 0 : n;
}

/* The Lua module's decoders on buf: the fast path never accepts what the slow path refuses,
 * nor pushes other values (math.type included). Returns whether the fast path accepted. */
static bool check_lua(lua_State *L, const uint8_t *buf, size_t len, const char *what)
{
    int top = lua_gettop(L);
    struct lua_reply fast = {buf, len, -1}, slow = {buf, len, -1};
    lua_pushcfunction(L, lua_fast_k);
    lua_pushlightuserdata(L, &fast);
    if (lua_pcall(L, 1, LUA_MULTRET, 0) != LUA_OK)
        fail_msg("%s: %s", what, lua_tostring(L, -1));
    int mid = lua_gettop(L);
    lua_pushcfunction(L, lua_slow_k);
    lua_pushlightuserdata(L, &slow);
    if (lua_pcall(L, 1, LUA_MULTRET, 0) != LUA_OK)
        fail_msg("%s: %s", what, lua_tostring(L, -1));
    if (fast.n >= 0) {
        if (slow.n != fast.n)
            fail_msg("%s: the Lua fast path accepted %d results, the slow path %d", what, fast.n,
                     slow.n);
        for (int i = 0; i < fast.n; i++) {
            lua_getglobal(L, "same");
            lua_pushvalue(L, top + 1 + i);
            lua_pushvalue(L, mid + 1 + i);
            lua_call(L, 2, 1);
            if (!lua_toboolean(L, -1))
                fail_msg("%s: the Lua fast path pushed another result #%d", what, i + 1);
            lua_pop(L, 1);
        }
    }
    lua_settop(L, top);
    return fast.n >= 0;
}

static const char *const shapes[] = {
    /* records: arrays and maps, binary strings, integer / float kept apart, absent keys */
    "{{a = 1, b = 'x'}, {a = 2.0, b = 'y\\0\\255'}, {a = math.mininteger, b = ''},"
    " {a = 2^63, b = string.rep('\\1', 300)}, {a = -0.0, c = 'z'}, {a = 0/0, b = 'n'}}",
    "{['10.0.0.1@0'] = {ip = '10.0.0.1', vlan = 0, bytes = {sent = 1, rcvd = 2.5}},"
    " ['10.0.0.2@0'] = {ip = '10.0.0.2', vlan = 0, bytes = {sent = 3, rcvd = 4}}}",
    "{[10] = {a = 1}, [20] = {a = 2}, [-3] = {a = 3}}, {[1.5] = {a = true}, [2.5] = {a = false}}",
    "{{f = false, t = true, r = {{x = 1}, {x = 2}}}, {f = false, t = true}}",
    "{n = 2, list = {{a = 1, s = 's1'}, {a = 2, s = 's2'}}, 'x', [true] = 1}",
    "(function() local t = {} for i = 1, 300 do t[string.format('10.0.%d.%d@0', i >> 8, i & 255)]"
    " = {ip = 'x' .. i, vlan = 0, sent = i * 1000, rcvd = i * 1.5, local_ = i % 2 == 0,"
    " name = (i % 3 == 0) and ('h' .. i) or nil, seen = {first = i, last = i + 10}} end"
    " return t end)()",
    /* generic values */
    "1, 2.5, 'three', true, false, nil, {}, {1, 2, nil, 4}, {[2.0] = 'two', [0.5] = 'half'}",
    "{a = {b = {c = {d = {1, 2, {e = 'deep'}}}}}}",
};

static void test_fast_same_as_slow(void **state)
{
    lua_State *L = *state;
    for (size_t i = 0; i < sizeof(shapes) / sizeof(*shapes); i++) {
        for (int form = 0; form < 2; form++) {
            size_t len;
            uint8_t *buf = reply_of(L, shapes[i], form ? &compact : &generic, &len);
            if (!check_decode(buf, len, shapes[i]))
                fail_msg("%s: the fast path gave up on a reply protobuf-c wrote", shapes[i]);
            if (!check_lua(L, buf, len, shapes[i]))
                fail_msg("%s: the Lua fast path gave up on a reply protobuf-c wrote", shapes[i]);
            free(buf);
        }
    }
}

/* Valid protobuf that protobuf-c does not write (repeated scalars unpacked, a field given
 * twice): the fast path leaves it to the slow path, which decodes it as before. */
static void test_other_encodings(void **state)
{
    lua_State *L = *state;
    /* Reply{results: Value{table: Table{records: Records{keys: "a", columns: Column{types:
     * 3 3, integers: 5 and -1 as two unpacked varints}, count: 2}}}} */
    static const uint8_t unpacked[] = {0x0a, 0x13, 0x32, 0x11, 0x1a, 0x0f, 0x0a,
                                       0x01, 'a',  0x12, 0x08, 0x0a, 0x02, 0x03,
                                       0x03, 0x10, 0x0a, 0x10, 0x01, 0x18, 0x02};
    /* Value{integer: 1, integer: 2}: the last one wins */
    static const uint8_t twice[] = {0x0a, 0x04, 0x18, 0x02, 0x18, 0x04};
    struct ntop_result res = {0};
    assert_false(check_decode(unpacked, sizeof(unpacked), "unpacked integers"));
    assert_false(check_lua(L, unpacked, sizeof(unpacked), "unpacked integers"));
    assert_false(check_lua(L, twice, sizeof(twice), "a field twice"));
    assert_int_equal(ntop_reply_decode(unpacked, sizeof(unpacked), &generic, &res), 0);
    const struct ntop_value *rows = &res.values[0];
    assert_int_equal(rows->table.n_array, 2);
    assert_int_equal(field(&rows->table.array[0], "a")->integer, 5);
    assert_int_equal(field(&rows->table.array[1], "a")->integer, -1);
    ntop_result_clear(&res);
    assert_false(check_decode(twice, sizeof(twice), "a field twice"));
    assert_int_equal(ntop_reply_decode(twice, sizeof(twice), &generic, &res), 0);
    assert_int_equal(res.values[0].type, NTOP_TINTEGER);
    assert_int_equal(res.values[0].integer, 2);
    ntop_result_clear(&res);
}

/* Every prefix of a small records reply: refused or decoded, the fast path never wrong. */
static void test_truncations(void **state)
{
    lua_State *L = *state;
    for (int s = 0; s < 3; s++) {
        size_t len;
        uint8_t *buf = reply_of(L, shapes[s], &compact, &len);
        for (size_t cut = 0; cut < len; cut++) {
            uint8_t *p = malloc(cut ? cut : 1); /* exactly cut bytes: ASan sees any overread */
            memcpy(p, buf, cut);
            char what[64];
            snprintf(what, sizeof(what), "shape %d cut at %zu of %zu", s, cut, len);
            check_decode(p, cut, what);
            check_lua(L, p, cut, what);
            free(p);
        }
        free(buf);
    }
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random byte changes in records replies: refused or decoded, the fast path never wrong. */
static void test_byte_flips(void **state)
{
    lua_State *L = *state;
    int accepted = 0, runs = 0;
    for (int s = 0; s < 6; s++) {
        size_t len;
        uint8_t *buf = reply_of(L, shapes[s], &compact, &len);
        uint8_t *p = malloc(len);
        for (int i = 0; i < 400; i++, runs++) {
            memcpy(p, buf, len);
            int flips = 1 + (int)(next_random() % 3);
            for (int f = 0; f < flips; f++)
                p[next_random() % len] = (uint8_t)next_random();
            char what[64];
            snprintf(what, sizeof(what), "shape %d run %d", s, i);
            accepted += check_decode(p, len, what);
            check_lua(L, p, len, what);
        }
        free(p);
        free(buf);
    }
    /* the fast path still decodes the changes that leave a valid message (a flipped value) */
    if (accepted == 0 || accepted == runs)
        fail_msg("fast path accepted %d of %d corrupted replies", accepted, runs);
}

/* ---- shared records and the value functions ---- */

static void decode_page(lua_State *L, struct ntop_result *res, int hosts)
{
    char expr[512];
    snprintf(expr, sizeof(expr),
             "(function() local t = {} for i = 1, %d do t[#t + 1] = {ip = '10.0.' .. i,"
             " n = i, f = i + 0.5, name = 'host' .. i} end return t end)()",
             hosts);
    size_t len;
    uint8_t *buf = reply_of(L, expr, &compact, &len);
    memset(res, 0, sizeof(*res)); /* as ntop_client_call has it: OK, the default context */
    assert_int_equal(ntop_reply_decode(buf, len, &generic, res), NTOP_STATUS_OK);
    free(buf);
    assert_int_equal(res->count, 1);
    assert_int_equal(res->values[0].table.n_array, hosts);
}

static const struct ntop_value *field(const struct ntop_value *t, const char *k)
{
    const struct ntop_value *v = ntop_table_get_field(t, k);
    assert_non_null(v);
    return v;
}

static void test_shared_values(void **state)
{
    lua_State *L = *state;
    struct ntop_result res;
    decode_page(L, &res, 50);
    struct ntop_value *page = &res.values[0];
    struct ntop_value *r3 = &page->table.array[2];
    /* the strings and entries are shared, NUL-terminated */
    assert_non_null(ntop_table_block(r3));
    assert_non_null(ntop_string_block(field(r3, "name")));
    assert_string_equal(field(r3, "name")->string.data, "host3");
    assert_int_equal(field(r3, "n")->type, NTOP_TINTEGER);
    assert_int_equal(field(r3, "f")->type, NTOP_TNUMBER);

    /* moved out of the page (struct copy, source nil), a record outlives the page */
    struct ntop_value kept = *r3;
    *r3 = NTOP_NIL;
    /* one string moved out of another record */
    struct ntop_entry *e = (struct ntop_entry *)((char *)field(&page->table.array[4], "ip") -
                                                 offsetof(struct ntop_entry, value));
    struct ntop_value ip = e->value;
    e->value = NTOP_INTEGER(0);
    /* a deep copy is an ordinary value */
    struct ntop_value copy;
    assert_int_equal(ntop_value_copy(&copy, &page->table.array[9]), 0);
    assert_null(ntop_table_block(&copy));
    assert_true(ntop_value_equal(&copy, &page->table.array[9]));

    /* changing decoded records: add, replace, remove keys, append */
    struct ntop_value *r1 = &page->table.array[0];
    assert_int_equal(ntop_table_set_field(r1, "extra", ntop_value_new_string("new")), 0);
    assert_null(ntop_table_block(r1)); /* has entries of its own now */
    assert_int_equal(ntop_table_set_field(r1, "n", ntop_value_new_integer(42)), 0);
    assert_int_equal(ntop_table_set_field(r1, "name", ntop_value_new_nil()), 0);
    assert_int_equal(ntop_table_append(&page->table.array[1], ntop_value_new_number(1.5)), 0);
    assert_int_equal(field(r1, "n")->integer, 42);
    assert_null(ntop_table_get_field(r1, "name"));
    assert_string_equal(field(r1, "extra")->string.data, "new");
    assert_string_equal(field(r1, "ip")->string.data, "10.0.1"); /* still the shared string */
    assert_true(ntop_table_get_index(&page->table.array[1], 1)->number == 1.5);
    /* a shared string overwritten by a table_set of the whole page */
    assert_int_equal(ntop_table_set(page, ntop_value_new_integer(8), ntop_value_new_string("x")),
                     0);

    ntop_result_clear(&res); /* the page goes; what was moved out stays valid */
    assert_string_equal(field(&kept, "name")->string.data, "host3");
    assert_string_equal(ip.string.data, "10.0.5");
    assert_string_equal(field(&copy, "name")->string.data, "host10");
    ntop_value_clear(&kept);
    assert_string_equal(ip.string.data, "10.0.5");
    ntop_value_clear(&ip);
    ntop_value_clear(&copy);
}

/* Values filled by hand, with garbage in the internal fields, are never taken for shared
 * ones: clearing them frees their own memory (the sanitizers and valgrind check). */
static void test_hand_made_values(void **state)
{
    (void)state;
    struct ntop_value s;
    memset(&s, 0xa5, sizeof(s));
    s.type = NTOP_TSTRING;
    s.string.data = malloc(4);
    memcpy(s.string.data, "abc", 4);
    s.string.len = 3;
    assert_null(ntop_string_block(&s));
    ntop_value_clear(&s);
    assert_int_equal(s.type, NTOP_TNIL);

    struct ntop_value t;
    memset(&t, 0x5a, sizeof(t));
    t.type = NTOP_TTABLE;
    t.table.array = NULL;
    t.table.n_array = 0;
    t.table.entries = calloc(1, sizeof(*t.table.entries));
    t.table.n_entries = 1;
    t.table.cap_entries = 1;
    t.table.entries[0].key = NTOP_INTEGER(7);
    assert_int_equal(ntop_string_init(&t.table.entries[0].value, "v", 1), 0);
    assert_null(ntop_table_block(&t));
    ntop_value_clear(&t);
}

struct clear_job {
    struct ntop_value *records;
    size_t n;
};

static void *clear_records(void *arg)
{
    struct clear_job *j = arg;
    for (size_t i = 0; i < j->n; i++)
        ntop_value_clear(&j->records[i]);
    return NULL;
}

/* Records of one page cleared by two threads at once: the block's count is atomic. */
static void test_clear_from_threads(void **state)
{
    lua_State *L = *state;
    for (int round = 0; round < 20; round++) {
        struct ntop_result res;
        decode_page(L, &res, 2000);
        struct ntop_value *a = res.values[0].table.array;
        struct clear_job j1 = {a, 1000}, j2 = {a + 1000, 1000};
        pthread_t t1, t2;
        assert_int_equal(pthread_create(&t1, NULL, clear_records, &j1), 0);
        assert_int_equal(pthread_create(&t2, NULL, clear_records, &j2), 0);
        pthread_join(t1, NULL);
        pthread_join(t2, NULL);
        ntop_result_clear(&res);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fast_same_as_slow, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_other_encodings, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_truncations, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_byte_flips, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_shared_values, test_lua_setup, test_lua_teardown),
        cmocka_unit_test(test_hand_made_values),
        cmocka_unit_test_setup_teardown(test_clear_from_threads, test_lua_setup, test_lua_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
