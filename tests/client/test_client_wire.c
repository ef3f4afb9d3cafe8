/* The raw codec the Lua module uses (ntopwire: wire_from_lua / wire_push_value) through a real
 * pack, the client's pre-check and unpack; and its agreement with the C value converter. */
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

static const struct wire_limits lim = WIRE_DEFAULT_LIMITS;

/* Evaluates `expr`, sends it through the wire and pushes what comes back. Returns 0, or -1
 * (wire_from_lua refused) with the error in err; the stack is checked to be balanced. */
static int lua_roundtrip(lua_State *L, const char *expr, char *err, size_t errlen)
{
    char code[4096];
    snprintf(code, sizeof(code), "return %s", expr);
    assert_int_equal(luaL_dostring(L, code), LUA_OK);
    int top = lua_gettop(L);
    struct wire_arena arena = {0};
    uint32_t elements = 0;
    Ntop__V1__Value *w = wire_from_lua(L, -1, &arena, &lim, &elements, err, errlen);
    int after = lua_gettop(L);
    if (after != top) { /* a failure of the codec, reported after freeing what it built */
        wire_arena_free(&arena);
        fail_msg("wire_from_lua(%s) left %d values on the Lua stack", expr, after - top);
    }
    if (!w) {
        wire_arena_free(&arena);
        lua_pop(L, 1);
        return -1;
    }
    size_t len;
    uint8_t *buf = test_pack_result(w, &len);
    assert_non_null(buf);
    wire_arena_free(&arena); /* after packing: strings were borrowed from Lua */
    assert_int_equal(ntop_wire_check(buf, len, &lim, err, errlen), 0);
    Ntop__V1__Reply *r = ntop__v1__reply__unpack(NULL, len, buf);
    free(buf);
    assert_non_null(r);
    elements = 0;
    int rc = wire_push_value(L, r->results[0], &lim, &elements, err, errlen);
    ntop__v1__reply__free_unpacked(r, NULL);
    assert_int_equal(rc, 0);
    assert_int_equal(lua_gettop(L), top + 1);
    return 0;
}

/* The value of expr survives the trip with its types. */
static void check_same(lua_State *L, const char *expr)
{
    char err[256];
    assert_int_equal(lua_roundtrip(L, expr, err, sizeof(err)), 0);
    lua_getglobal(L, "same");
    lua_pushvalue(L, -3);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 1);
    if (!lua_toboolean(L, -1))
        fail_msg("%s did not survive the wire", expr);
    lua_pop(L, 3);
}

static void test_numbers(void **state)
{
    lua_State *L = *state;
    static const char *const exprs[] = {
        "0",
        "1",
        "-1",
        "math.maxinteger",
        "math.mininteger",
        "1.0",
        "-0.0",
        "0.5",
        "1/0",
        "-1/0",
        "0/0",
        "2^53",
        "2^63",
        "1e-300",
        "3.14159",
    };
    for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++)
        check_same(L, exprs[i]);
}

static void test_strings_and_booleans(void **state)
{
    lua_State *L = *state;
    check_same(L, "''");
    check_same(L, "'a\\0b\\255\\0'");
    check_same(L, "string.rep('\\0\\1\\2\\255', 10000)");
    check_same(L, "'h\\u{e9}llo'");
    check_same(L, "true");
    check_same(L, "false");
    check_same(L, "nil");
}

static void test_tables(void **state)
{
    lua_State *L = *state;
    check_same(L, "{}");
    check_same(L, "{1, 2, 3}");
    check_same(L, "{1, 2.0, 'x', true}");
    check_same(L, "{a = 1, b = {c = {d = {1.5, 'e'}}}}");
    check_same(L, "{[1] = 'a', [2] = 'b', [10] = 'j', [-1] = 'm', [0.5] = 'h', x = false}");
    check_same(L, "{[true] = 1, [false] = 2}");
    check_same(L, "{['192.168.1.1'] = {bytes = {sent = 10, rcvd = 20}, ip = '192.168.1.1'}}");
    check_same(L, "(function() local t = {} for i = 1, 1000 do t[i] = {i, tostring(i)} end "
                  "return t end)()");
}

/* The array part: a table built with integer keys in its hash part next to string keys. Both
 * parts must arrive, and wire_from_lua must leave the Lua stack as it found it. */
static void test_mixed_parts_stack_balance(void **state)
{
    lua_State *L = *state;
    char code[256];
    for (int i = 0; i < 64; i++) {
        snprintf(code, sizeof(code), "{k%d = 1, [1] = 1, [2] = 2, [%d] = 3, z%d = 2}", i, i % 7 + 1,
                 i);
        check_same(L, code);
        snprintf(code, sizeof(code), "{{k%d = 1, [1] = 1, [2] = 2, [%d] = 3, z%d = 2}, 'after'}", i,
                 i % 7 + 1, i);
        check_same(L, code);
    }
}

static void test_depth_limit(void **state)
{
    lua_State *L = *state;
    char err[256];
    check_same(L, "(function() local t = {} for i = 1, 63 do t = {t} end return t end)()");
    assert_int_equal(
        lua_roundtrip(L, "(function() local t = {} for i = 1, 64 do t = {t} end return t end)()",
                      err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "deeper than 64"));
    /* a table that contains itself is refused, not followed forever */
    assert_int_equal(
        lua_roundtrip(L, "(function() local t = {} t.self = t return t end)()", err, sizeof(err)),
        -1);
}

static void test_refused_types(void **state)
{
    lua_State *L = *state;
    char err[256];
    assert_int_equal(lua_roundtrip(L, "print", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "function"));
    assert_int_equal(lua_roundtrip(L, "{f = print}", err, sizeof(err)), -1);
    assert_int_equal(lua_roundtrip(L, "coroutine.create(print)", err, sizeof(err)), -1);
    assert_int_equal(lua_roundtrip(L, "io.stdout", err, sizeof(err)), -1);
}

/* C tree -> wire -> Lua: the two converters agree. */
static void test_c_to_lua(void **state)
{
    lua_State *L = *state;
    struct ntop_value *t = ntop_value_new_table();
    assert_int_equal(ntop_table_append(t, ntop_value_new_integer(7)), 0);
    assert_int_equal(ntop_table_append(t, ntop_value_new_number(7.0)), 0);
    assert_int_equal(ntop_table_append(t, ntop_value_new_lstring("a\0b", 3)), 0);
    assert_int_equal(ntop_table_set_field(t, "n", ntop_value_new_integer(INT64_MIN)), 0);
    struct wire_arena arena = {0};
    char err[256];
    uint32_t elements = 0;
    Ntop__V1__Value *w = ntop_value_to_wire(t, &arena, &lim, &elements, err, sizeof(err));
    assert_non_null(w);
    elements = 0;
    assert_int_equal(wire_push_value(L, w, &lim, &elements, err, sizeof(err)), 0);
    lua_setglobal(L, "got");
    assert_int_equal(luaL_dostring(L, "return same(got, {7, 7.0, 'a\\0b', n = math.mininteger})"),
                     LUA_OK);
    assert_true(lua_toboolean(L, -1));
    lua_pop(L, 1);
    wire_arena_free(&arena);
    ntop_value_free(t);
}

/* Lua -> wire -> C tree. */
static void test_lua_to_c(void **state)
{
    lua_State *L = *state;
    assert_int_equal(luaL_dostring(L, "return {1, 2.5, s = 'x\\0y', t = {true}}"), LUA_OK);
    struct wire_arena arena = {0};
    char err[256];
    uint32_t elements = 0;
    Ntop__V1__Value *w = wire_from_lua(L, -1, &arena, &lim, &elements, err, sizeof(err));
    assert_non_null(w);
    struct ntop_value v;
    elements = 0;
    assert_int_equal(ntop_value_from_wire(&v, w, &lim, &elements, err, sizeof(err)), 0);
    assert_int_equal(ntop_table_get_index(&v, 1)->type, NTOP_TINTEGER);
    assert_int_equal(ntop_table_get_index(&v, 2)->type, NTOP_TNUMBER);
    const struct ntop_value *s = ntop_table_get_field(&v, "s");
    assert_int_equal(s->string.len, 3);
    assert_memory_equal(s->string.data, "x\0y", 3);
    assert_true(ntop_table_get_index(ntop_table_get_field(&v, "t"), 1)->boolean);
    ntop_value_clear(&v);
    wire_arena_free(&arena);
    lua_pop(L, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_numbers, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_strings_and_booleans, test_lua_setup,
                                        test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_tables, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_mixed_parts_stack_balance, test_lua_setup,
                                        test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_depth_limit, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_refused_types, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_c_to_lua, test_lua_setup, test_lua_teardown),
        cmocka_unit_test_setup_teardown(test_lua_to_c, test_lua_setup, test_lua_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
