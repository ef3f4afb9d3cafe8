/* Shared by the cmocka tests of the client's codecs (test_client_*.c): a Lua state with the
 * `same` deep equality, records-enabled limits, and one value packed as a Reply. */
#ifndef NTOP_TEST_CLIENT_SUPPORT_H
#define NTOP_TEST_CLIENT_SUPPORT_H

#include "client_internal.h"

#include <stddef.h>
#include <stdint.h>

/* The default limits with Table.records allowed when encoding. */
#define TEST_COMPACT_LIMITS                                                                        \
    {                                                                                              \
        .max_depth = 64, .max_elements = 4u * 1024 * 1024, .emit_records = true                    \
    }

/* cmocka setup/teardown: *state is a lua_State with the standard libraries and a global
 * same(a, b): deep equality that also compares math.type, NaN equal to NaN, -0.0 apart from
 * 0.0. */
int test_lua_setup(void **state);
int test_lua_teardown(void **state);

/* A Reply whose one result is v, packed into *len bytes malloc'd with nothing after them (an
 * over-read is a sanitizer report); NULL when out of memory. */
uint8_t *test_pack_result(Ntop__V1__Value *v, size_t *len);

#endif
