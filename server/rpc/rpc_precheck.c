/* A non-recursive walk over the protobuf encoding of an ntop.v1.Call.
 *
 * protobuf-c unpacks nested messages by recursion, one C frame per level and without a
 * limit of its own, so four megabytes of Value{table{array{Value{...}}}} would overflow a
 * worker's stack long before wire_push_value could refuse the depth. This walk sees the
 * same bytes first and stops at the wire limits, with a frame stack of fixed size. */
#include "rpc_dispatch.h"

#include <stdio.h>

/* The messages of value.proto that contain other messages, and their message fields. */
enum msg_kind { M_NONE = -1, M_CALL, M_VALUE, M_TABLE, M_ENTRY, M_LEAF };

static enum msg_kind child_kind(enum msg_kind parent, uint64_t field)
{
    switch (parent) {
    case M_CALL: /* args = 1 (Value), context = 2 (Context: scalars and strings only) */
        return field == 1 ? M_VALUE : field == 2 ? M_LEAF : M_NONE;
    case M_VALUE: /* table = 6; string = 5 is bytes */
        return field == 6 ? M_TABLE : M_NONE;
    case M_TABLE: /* array = 1 (Value), entries = 2 (Entry) */
        return field == 1 ? M_VALUE : field == 2 ? M_ENTRY : M_NONE;
    case M_ENTRY: /* key = 1, value = 2 */
        return field == 1 || field == 2 ? M_VALUE : M_NONE;
    case M_LEAF:
    case M_NONE:
        break;
    }
    return M_NONE;
}

static int read_varint(const uint8_t *buf, size_t end, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64 && *pos < end; shift += 7) {
        uint8_t b = buf[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* Frames per table level: Value, Table, Entry. */
#define MAX_FRAMES (3 * 256 + 8)

int rpc_precheck_call(const uint8_t *buf, size_t len, uint32_t max_depth, uint32_t max_values,
                      enum rpc_error *kind, char *err, size_t errlen)
{
    struct frame {
        enum msg_kind kind;
        size_t end;
    } stack[MAX_FRAMES];
    int sp = 0;
    size_t pos = 0;
    uint32_t tables = 0, values = 0;

    if (max_depth > 256)
        max_depth = 256;
    stack[sp++] = (struct frame){M_CALL, len};
    while (sp > 0) {
        struct frame *f = &stack[sp - 1];
        if (pos == f->end) {
            if (f->kind == M_TABLE)
                tables--;
            sp--;
            continue;
        }
        uint64_t key, n;
        if (read_varint(buf, f->end, &pos, &key) != 0 || (key >> 3) == 0)
            goto malformed;
        switch (key & 7) {
        case 0: /* varint */
            if (read_varint(buf, f->end, &pos, &n) != 0)
                goto malformed;
            break;
        case 1: /* 64-bit */
            if (f->end - pos < 8)
                goto malformed;
            pos += 8;
            break;
        case 5: /* 32-bit */
            if (f->end - pos < 4)
                goto malformed;
            pos += 4;
            break;
        case 2: { /* length-delimited */
            if (read_varint(buf, f->end, &pos, &n) != 0 || n > f->end - pos)
                goto malformed;
            enum msg_kind child = child_kind(f->kind, key >> 3);
            if (child == M_NONE) {
                pos += n;
                break;
            }
            if (child == M_VALUE && ++values > max_values) {
                *kind = RPC_ERR_SIZE;
                snprintf(err, errlen, "more than %u values in one message", max_values);
                return -1;
            }
            if (child == M_TABLE && ++tables > max_depth) {
                *kind = RPC_ERR_DEPTH;
                snprintf(err, errlen, "tables nested deeper than %u levels", max_depth);
                return -1;
            }
            if (sp == MAX_FRAMES)
                goto malformed; /* unreachable within max_depth, kept as a guard */
            stack[sp++] = (struct frame){child, pos + (size_t)n};
            break;
        }
        default: /* groups (3, 4) and reserved wire types */
            goto malformed;
        }
    }
    return 0;
malformed:
    *kind = RPC_ERR_MALFORMED;
    snprintf(err, errlen, "malformed request: not a valid ntop.v1.Call (bad field at byte %zu)",
             pos);
    return -1;
}
