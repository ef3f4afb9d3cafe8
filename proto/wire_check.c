/* A bounded walk over a serialized Call or Reply, before protobuf-c unpacks it: protobuf-c
 * recurses once per nested message and has no depth limit, so a few megabytes of nested
 * tables overflow the stack (2.4 MB of Value{table{array{Value{...}}}} crash it). The walk is
 * iterative, knows which fields of value.proto are messages, and counts table nesting and
 * values the way wire_lua does (each Value, keys included, is one element). */
#include "wire_check.h"

#include <stdio.h>
#include <stdlib.h>

enum msg { M_CALL, M_VALUE, M_TABLE, M_ENTRY, M_RECORDS, M_COLUMN, M_LEAF };

struct frame {
    enum msg type;
    size_t end;
};

/* The message type of field `field` (length-delimited) inside a `type`, or M_LEAF for bytes,
 * strings and the Context (which holds no messages). */
static enum msg child_type(enum msg type, uint32_t field)
{
    switch (type) {
    case M_CALL: /* Call and Reply: 1 = Value (args / results), 2 = Context */
        return field == 1 ? M_VALUE : M_LEAF;
    case M_VALUE: /* 6 = Table; 5 = bytes */
        return field == 6 ? M_TABLE : M_LEAF;
    case M_TABLE: /* 1 = Value (array), 2 = Entry, 3 = Records */
        return field == 1 ? M_VALUE : field == 2 ? M_ENTRY : field == 3 ? M_RECORDS : M_LEAF;
    case M_RECORDS: /* 2 = Column (columns), 4 = Column (row keys); 1 = bytes */
        return field == 2 || field == 4 ? M_COLUMN : M_LEAF;
    case M_COLUMN: /* 6 = Value (tables); the rest are packed scalars and bytes */
        return field == 6 ? M_VALUE : M_LEAF;
    case M_ENTRY: /* 1 = key, 2 = value */
        return field == 1 || field == 2 ? M_VALUE : M_LEAF;
    default:
        return M_LEAF;
    }
}

static int varint(const uint8_t *buf, size_t end, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70 && *pos < end; shift += 7) {
        uint8_t b = buf[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

int wire_check_message(const uint8_t *buf, size_t len, const struct wire_limits *lim, char *err,
                       size_t errlen)
{
    /* Call and Reply share their layout: 1 = values, 2 = context. */
    /* Each table level is at most Table + Entry (or Records + Column) + Value frames, plus the
     * top frame. */
    size_t cap = 3 * (size_t)lim->max_depth + 4;
    struct frame *st = malloc(cap * sizeof(*st));
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return WIRE_CHECK_NOMEM;
    }
    size_t n = 0, pos = 0;
    uint32_t tables = 0, elements = 0;
    int rc = 0;
    st[n++] = (struct frame){M_CALL, len};
    while (n > 0) {
        struct frame *f = &st[n - 1];
        if (pos == f->end) {
            if (f->type == M_TABLE || f->type == M_COLUMN) /* a column's values are records */
                tables--;
            n--;
            continue;
        }
        uint64_t key, l;
        if (varint(buf, f->end, &pos, &key) != 0)
            goto malformed;
        uint32_t field = (uint32_t)(key >> 3);
        switch (key & 7) {
        case 0:
            if (varint(buf, f->end, &pos, &l) != 0)
                goto malformed;
            break;
        case 1:
            if (f->end - pos < 8)
                goto malformed;
            pos += 8;
            break;
        case 5:
            if (f->end - pos < 4)
                goto malformed;
            pos += 4;
            break;
        case 2: {
            if (varint(buf, f->end, &pos, &l) != 0 || l > f->end - pos)
                goto malformed;
            enum msg t = child_type(f->type, field);
            if (t == M_LEAF) {
                pos += l;
                break;
            }
            if (t == M_VALUE && ++elements > lim->max_elements) {
                snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
                rc = WIRE_CHECK_TOO_MANY;
                goto out;
            }
            if ((t == M_TABLE || t == M_COLUMN) && ++tables > lim->max_depth) {
                snprintf(err, errlen, "tables nested deeper than %u levels", lim->max_depth);
                rc = WIRE_CHECK_TOO_DEEP;
                goto out;
            }
            if (n == cap) /* cannot happen with the depth check, but never overflow */
                goto malformed;
            st[n++] = (struct frame){t, pos + (size_t)l};
            break;
        }
        default: /* groups (3, 4) are not part of proto3; 6, 7 do not exist */
            goto malformed;
        }
    }
    goto out;
malformed:
    snprintf(err, errlen, "malformed message at byte %zu", pos);
    rc = WIRE_CHECK_MALFORMED;
out:
    free(st);
    return rc;
}
