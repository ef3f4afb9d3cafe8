/* Table.records written directly as wire bytes (proto/wire_columns.c), read back by
 * protobuf-c's generated unpacker and the records reader (wire_records.h): keys, counts,
 * every cell's kind and value (integers at the sint64 extremes, floats, booleans, empty and
 * binary strings, absent cells), unused columns left out, and the map keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire_columns.h"
#include "wire_records.h"

#include <math.h>

static const char *const keys[] = {"n", "f", "b", "s", "unused"};

static void test_records_roundtrip(void **state)
{
    (void)state;
    enum { ROWS = 4 };
    const int64_t ints[ROWS] = {0, -1, INT64_MIN, INT64_MAX};
    const double nums[ROWS] = {0.5, -0.0, 1e300, -3.25};
    const char *strs[ROWS] = {"", "a\0b", "192.168.1.1", "x"};
    const size_t lens[ROWS] = {0, 3, 11, 1};
    const char *rowkeys[ROWS] = {"k0", "k1@7", "k2", "k3"};

    struct wire_records_build b;
    assert_int_equal(wire_records_init(&b, keys, 5, ROWS, true), 0);
    for (size_t r = 0; r < ROWS; r++) {
        wire_records_integer(&b, 0, r, ints[r]);
        if (r != 2) /* a record without "f" */
            wire_records_number(&b, 1, r, nums[r]);
        wire_records_boolean(&b, 2, r, r % 2 == 0);
        wire_records_string(&b, 3, r, strs[r], lens[r]);
        wire_records_string(&b, 5, r, rowkeys[r], strlen(rowkeys[r]));
    }
    struct wire_buf out = {0};
    size_t want = wire_records_value_size(&b);
    assert_int_equal(wire_records_pack_value(&b, &out), 0);
    wire_records_free(&b);
    assert_int_equal(out.len, want);

    Ntop__V1__Value *v = ntop__v1__value__unpack(NULL, out.len, out.p);
    assert_non_null(v);
    assert_int_equal(v->kind_case, NTOP__V1__VALUE__KIND_TABLE);
    const Ntop__V1__Records *rec = v->table->records;
    assert_non_null(rec);
    assert_int_equal(v->table->n_array, 0);
    assert_int_equal(v->table->n_entries, 0);
    assert_int_equal(rec->count, ROWS);
    assert_int_equal(rec->n_keys, 4); /* "unused" left out */
    for (size_t j = 0; j < 4; j++) {
        assert_int_equal(rec->keys[j].len, strlen(keys[j]));
        assert_memory_equal(rec->keys[j].data, keys[j], strlen(keys[j]));
    }
    size_t cells;
    char err[128];
    assert_int_equal(wire_records_check(rec, &cells, err, sizeof(err)), 0);
    assert_int_equal(cells, 4 * ROWS - 1);

    struct wire_column_cursor cur[5] = {{0}};
    for (size_t j = 0; j < 4; j++)
        cur[j].c = rec->columns[j];
    cur[4].c = rec->row_keys;
    for (size_t r = 0; r < ROWS; r++) {
        struct wire_cell_value c;
        wire_column_next(&cur[0], r, &c);
        assert_int_equal(c.kind, WIRE_CELL_INTEGER);
        assert_true(c.integer == ints[r]);
        wire_column_next(&cur[1], r, &c);
        if (r == 2) {
            assert_int_equal(c.kind, WIRE_CELL_NONE);
        } else {
            assert_int_equal(c.kind, WIRE_CELL_NUMBER);
            assert_memory_equal(&c.number, &nums[r], sizeof(double)); /* -0.0 too */
        }
        wire_column_next(&cur[2], r, &c);
        assert_int_equal(c.kind, r % 2 == 0 ? WIRE_CELL_TRUE : WIRE_CELL_FALSE);
        wire_column_next(&cur[3], r, &c);
        assert_int_equal(c.kind, WIRE_CELL_STRING);
        assert_int_equal(c.len, lens[r]);
        if (lens[r])
            assert_memory_equal(c.string, strs[r], lens[r]);
        wire_column_next(&cur[4], r, &c);
        assert_int_equal(c.kind, WIRE_CELL_STRING);
        assert_int_equal(c.len, strlen(rowkeys[r]));
        assert_memory_equal(c.string, rowkeys[r], c.len);
    }
    ntop__v1__value__free_unpacked(v, NULL);
    wire_buf_free(&out);
}

/* The framing helpers give what protobuf-c packs for the same values. */
static void test_put_values(void **state)
{
    (void)state;
    const int64_t ints[] = {0, 1, -1, 300, INT64_MIN, INT64_MAX};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        struct wire_buf b = {0};
        wire_put_value_int(&b, ints[i]);
        Ntop__V1__Value v = NTOP__V1__VALUE__INIT;
        v.kind_case = NTOP__V1__VALUE__KIND_INTEGER;
        v.integer = ints[i];
        uint8_t ref[32];
        size_t n = ntop__v1__value__pack(&v, ref);
        assert_int_equal(b.len, n);
        assert_memory_equal(b.p, ref, n);
        wire_buf_free(&b);
    }
    struct wire_buf b = {0};
    wire_put_value_string(&b, "hosts", 5);
    Ntop__V1__Value v = NTOP__V1__VALUE__INIT;
    v.kind_case = NTOP__V1__VALUE__KIND_STRING;
    v.string.data = (uint8_t *)"hosts";
    v.string.len = 5;
    uint8_t ref[32];
    size_t n = ntop__v1__value__pack(&v, ref);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.p, ref, n);
    wire_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_roundtrip),
        cmocka_unit_test(test_put_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
