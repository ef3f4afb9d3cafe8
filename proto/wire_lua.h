/* Lua values to and from the wire (ntop.v1.Value), for the probe's RPC bridge and the
 * client's Lua module. Both directions check depth and element limits, so a hostile
 * message or a self-referencing table ends in an error, never a crash. */
#ifndef NTOP_WIRE_LUA_H
#define NTOP_WIRE_LUA_H

#include "ntop/v1/value.pb-c.h"

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wire_limits {
    uint32_t max_depth;    /* nesting of tables */
    uint32_t max_elements; /* values in one message, all levels */
    bool emit_records;     /* wire_from_lua may send lists of records as Table.records (the
                            * peer said Call.accept_records); decoding accepts them always */
};

#define WIRE_DEFAULT_LIMITS                                                                        \
    {                                                                                              \
        .max_depth = 64, .max_elements = 4u * 1024 * 1024                                          \
    }

/* Bump allocator for building messages: everything lives until wire_arena_free(). */
struct wire_arena {
    struct wire_chunk *chunks;
};

void *wire_arena_alloc(struct wire_arena *a, size_t size); /* zeroed; NULL on OOM */
void wire_arena_free(struct wire_arena *a);

/* Pushes the Lua value of v. Returns 0, or -1 with a message in err when a limit is hit
 * or the value is malformed. May raise a Lua memory error: call it in a protected context. */
int wire_push_value(lua_State *L, const Ntop__V1__Value *v, const struct wire_limits *lim,
                    uint32_t *elements, char *err, size_t errlen);

/* Builds the wire form of the Lua value at idx into arena memory. NULL with a message in
 * err for values that cannot travel (functions, userdata, threads) or past a limit. */
Ntop__V1__Value *wire_from_lua(lua_State *L, int idx, struct wire_arena *arena,
                               const struct wire_limits *lim, uint32_t *elements, char *err,
                               size_t errlen);

#endif
