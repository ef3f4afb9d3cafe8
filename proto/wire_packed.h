/* A result already in wire form: a Lua userdata holding the packed bytes of one
 * ntop.v1.Value. A binding that can write its result faster than Lua tables would be
 * encoded (e.g. Table.records written directly, wire_columns.h) returns one, and the RPC
 * dispatcher copies the bytes into the Reply as they are. Only for results that go straight
 * into a Reply: anything else sees an opaque userdata. */
#ifndef NTOP_WIRE_PACKED_H
#define NTOP_WIRE_PACKED_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

/* Pushes a userdata that takes over `bytes` (malloc'd; freed by its __gc). May raise a
 * memory error (then bytes is freed). */
void wire_push_packed(lua_State *L, uint8_t *bytes, size_t len);

/* The bytes of the packed value at idx (borrowed from the userdata), or NULL when the value
 * is not one. */
const uint8_t *wire_to_packed(lua_State *L, int idx, size_t *len);

#endif
