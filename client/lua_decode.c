/* The fast path of the Lua module's reply decoding: the serialized ntop.v1.Reply pushed as Lua
 * values straight from its bytes, without protobuf-c unpacking it first (and without its
 * ~2 mallocs per packed array and message). The values are the ones wire_push_value gives:
 * the same tables with the same sizes, a records' keys pushed once, integers and floats
 * apart. Anything unusual or wrong (an encoding protobuf-c does not write, a limit, a
 * malformed records) gives up with the stack as it was, and lcall_decode takes the slow path,
 * which gives the values or the error it always gave. No C memory is held while Lua may raise:
 * the column cursors live in a userdata. */
#include "client_internal.h"
#include "lua_ntopclient.h"
#include "wire_read.h"
#include "wire_records.h"

#include <lauxlib.h>
#include <stdbool.h>
#include <string.h>

struct lfast {
    const struct wire_limits *lim;
    uint32_t elements;
};

/* One records column being read: its types, and cursors over its packed fields. */
struct lcolumn {
    const uint8_t *types; /* NULL: a column with no values */
    struct rd integers, numbers, lengths, all;
    const uint8_t *bytes;
};

static int push_value(lua_State *L, struct lfast *f, const struct rd *v, uint32_t depth);

/* Reads column r, for `count` records, into *c with the checks of wire_column_check: the number
 * of cells with a value in *cells. */
static int column_scan(struct rd r, size_t count, struct lcolumn *c, size_t *cells)
{
    bool seen[5] = {false};
    size_t n_tables = 0, n_types = 0, n_bytes = 0;
    uint32_t field, wt;
    int rc;
    memset(c, 0, sizeof(*c));
    c->all = r;
    while ((rc = rd_key(&r, &field, &wt)) == 0) {
        struct rd sub;
        if (field >= 1 && field <= 6 && wt != 2)
            return GIVE_UP;
        if (field >= 1 && field <= 5) {
            if (seen[field - 1] || rd_len(&r, &sub) != 0)
                return GIVE_UP;
            seen[field - 1] = true;
            if (field == 1) {
                c->types = sub.p;
                n_types = (size_t)(sub.end - sub.p);
            } else if (field == 5) {
                c->bytes = sub.p;
                n_bytes = (size_t)(sub.end - sub.p);
            } else {
                *(field == 2 ? &c->integers : field == 3 ? &c->numbers : &c->lengths) = sub;
            }
        } else if (field == 6) {
            if (rd_len(&r, &sub) != 0)
                return GIVE_UP;
            n_tables++;
        } else if (rd_skip(&r, wt) != 0) {
            return GIVE_UP;
        }
    }
    size_t n[7] = {0}, n_integers, n_lengths;
    if (rc != 1 || n_types != count)
        return GIVE_UP;
    for (size_t i = 0; i < count; i++) {
        if (c->types[i] > WIRE_CELL_TABLE)
            return GIVE_UP;
        n[c->types[i]]++;
    }
    if (packed_count(c->integers, &n_integers) != 0 || packed_count(c->lengths, &n_lengths) != 0 ||
        n_integers != n[WIRE_CELL_INTEGER] ||
        (size_t)(c->numbers.end - c->numbers.p) != 8 * n[WIRE_CELL_NUMBER] ||
        n_lengths != n[WIRE_CELL_STRING] || n_tables != n[WIRE_CELL_TABLE])
        return GIVE_UP;
    uint64_t total = 0;
    for (struct rd l = c->lengths; l.p < l.end;) {
        uint64_t v;
        if (rd_varint(&l, &v) != 0 || v > UINT32_MAX)
            return GIVE_UP;
        total += v;
    }
    if (total != n_bytes)
        return GIVE_UP;
    if (!count)
        c->types = NULL;
    *cells = count - n[WIRE_CELL_NONE];
    return 0;
}

/* Pushes the next cell of column c (type t, not none) at `depth`. */
static int push_cell(lua_State *L, struct lfast *f, struct lcolumn *c, uint8_t t, uint32_t depth)
{
    uint64_t v;
    if (t == WIRE_CELL_TABLE) { /* the column's next table, a Value counted by push_value */
        uint32_t field, wt;
        struct rd sub;
        for (;;) {
            if (rd_key(&c->all, &field, &wt) != 0)
                return GIVE_UP;
            if (field == 6)
                break;
            if (rd_skip(&c->all, wt) != 0)
                return GIVE_UP;
        }
        if (rd_len(&c->all, &sub) != 0)
            return GIVE_UP;
        return push_value(L, f, &sub, depth);
    }
    if (++f->elements > f->lim->max_elements)
        return GIVE_UP;
    switch (t) {
    case WIRE_CELL_FALSE:
    case WIRE_CELL_TRUE:
        lua_pushboolean(L, t == WIRE_CELL_TRUE);
        return 0;
    case WIRE_CELL_INTEGER:
        if (rd_varint(&c->integers, &v) != 0)
            return GIVE_UP;
        lua_pushinteger(L, (lua_Integer)((int64_t)(v >> 1) ^ -(int64_t)(v & 1)));
        return 0;
    case WIRE_CELL_NUMBER: {
        double d;
        if (c->numbers.end - c->numbers.p < 8)
            return GIVE_UP;
        memcpy(&d, c->numbers.p, 8);
        c->numbers.p += 8;
        lua_pushnumber(L, d);
        return 0;
    }
    default: /* WIRE_CELL_STRING: lengths were summed against the bytes by column_scan */
        if (rd_varint(&c->lengths, &v) != 0)
            return GIVE_UP;
        lua_pushlstring(L, (const char *)c->bytes, (size_t)v);
        c->bytes += v;
        return 0;
    }
}

/* Table.records r as wire_lua's push_records pushes it. */
static int push_records(lua_State *L, struct lfast *f, struct rd r, uint32_t depth)
{
    struct rd scan = r, row_keys = {0};
    size_t nk = 0, nc = 0;
    uint64_t count = 0;
    bool has_count = false, keyed = false;
    uint32_t field, wt;
    int rc;
    while ((rc = rd_key(&scan, &field, &wt)) == 0) {
        struct rd sub;
        if (field == 1 || field == 2 || field == 4) {
            if (wt != 2 || rd_len(&scan, &sub) != 0 || (field == 4 && keyed))
                return GIVE_UP;
            nk += field == 1;
            nc += field == 2;
            if (field == 4) {
                keyed = true;
                row_keys = sub;
            }
        } else if (field == 3) {
            if (wt != 0 || has_count || rd_varint(&scan, &count) != 0 || count > UINT32_MAX)
                return GIVE_UP;
            has_count = true;
        } else if (rd_skip(&scan, wt) != 0) {
            return GIVE_UP;
        }
    }
    const size_t nr = (size_t)count;
    if (rc != 1 || nk != nc || (nr && depth + 1 >= f->lim->max_depth) || nk > 100000 ||
        !lua_checkstack(L, (int)nk + 8))
        return GIVE_UP;
    const int base = lua_gettop(L);
    struct lcolumn *cols = lua_newuserdatauv(L, (nk + 1) * sizeof(*cols), 0);
    size_t k = 0, j = 0, cells;
    while (rd_key(&r, &field, &wt) == 0) { /* the keys pushed once, the columns checked */
        struct rd sub;
        if (field == 1 || field == 2) {
            if (rd_len(&r, &sub) != 0)
                return GIVE_UP;
            if (field == 1) {
                lua_pushlstring(L, (const char *)sub.p, (size_t)(sub.end - sub.p));
                k++;
            } else if (column_scan(sub, nr, &cols[j++], &cells) != 0) {
                return GIVE_UP;
            }
        } else if (rd_skip(&r, wt) != 0) {
            return GIVE_UP;
        }
    }
    if (keyed && (column_scan(row_keys, nr, &cols[nk], &cells) != 0 || cells != nr))
        return GIVE_UP; /* a record without its key */
    lua_createtable(L, keyed ? 0 : (int)nr, keyed ? (int)nr : 0);
    for (size_t i = 0; i < nr; i++) {
        if (keyed) {
            const uint8_t t = cols[nk].types[i];
            if (t == WIRE_CELL_NUMBER) {
                double d;
                memcpy(&d, cols[nk].numbers.p, 8);
                if (d != d)
                    return GIVE_UP; /* a NaN key */
            }
            if (push_cell(L, f, &cols[nk], t, depth + 1) != 0)
                return GIVE_UP;
        }
        int present = 0;
        for (size_t c = 0; c < nk; c++)
            present += cols[c].types && cols[c].types[i] != WIRE_CELL_NONE;
        lua_createtable(L, 0, present);
        for (size_t c = 0; c < nk; c++) {
            const uint8_t t = cols[c].types ? cols[c].types[i] : WIRE_CELL_NONE;
            if (t == WIRE_CELL_NONE)
                continue;
            lua_pushvalue(L, base + 2 + (int)c);
            if (push_cell(L, f, &cols[c], t, depth + 2) != 0)
                return GIVE_UP;
            lua_rawset(L, -3);
        }
        if (keyed)
            lua_rawset(L, -3);
        else
            lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_replace(L, base + 1);
    lua_settop(L, base + 1);
    return 0;
}

/* Table t as wire_lua's push_table pushes it. */
static int push_table(lua_State *L, struct lfast *f, struct rd r, uint32_t depth)
{
    if (depth >= f->lim->max_depth)
        return GIVE_UP;
    struct rd scan = r, records = {0};
    size_t na = 0, ne = 0, nrec = 0;
    uint32_t field, wt;
    int rc;
    while ((rc = rd_key(&scan, &field, &wt)) == 0) {
        struct rd sub;
        if (field >= 1 && field <= 3) {
            /* the array before the entries, as protobuf-c writes them and wire_lua sets them
             * (an entry [1] after the array part wins over it) */
            if (wt != 2 || rd_len(&scan, &sub) != 0 || (field == 1 && ne))
                return GIVE_UP;
            na += field == 1;
            ne += field == 2;
            nrec += field == 3;
            records = sub;
        } else if (rd_skip(&scan, wt) != 0) {
            return GIVE_UP;
        }
    }
    if (rc != 1 || nrec > 1 || (nrec && (na || ne)))
        return GIVE_UP;
    if (nrec)
        return push_records(L, f, records, depth);
    if (!lua_checkstack(L, 4) || na > INT32_MAX || ne > INT32_MAX)
        return GIVE_UP;
    lua_createtable(L, (int)na, (int)ne);
    lua_Integer i = 0;
    while (rd_key(&r, &field, &wt) == 0) {
        struct rd sub;
        if (field == 1) {
            if (rd_len(&r, &sub) != 0 || push_value(L, f, &sub, depth + 1) != 0)
                return GIVE_UP;
            lua_rawseti(L, -2, ++i);
        } else if (field == 2) {
            struct rd key = {0}, val = {0};
            bool has_val;
            if (rd_len(&r, &sub) != 0 || rd_entry(sub, &key, &val, &has_val) != 0)
                return GIVE_UP;
            if (push_value(L, f, &key, depth + 1) != 0)
                return GIVE_UP;
            if (lua_isnil(L, -1) || (lua_type(L, -1) == LUA_TNUMBER && !lua_isinteger(L, -1) &&
                                     lua_tonumber(L, -1) != lua_tonumber(L, -1)))
                return GIVE_UP; /* no key, or NaN */
            if (push_value(L, f, has_val ? &val : NULL, depth + 1) != 0)
                return GIVE_UP;
            lua_rawset(L, -3);
        } else if (rd_skip(&r, wt) != 0) {
            return GIVE_UP;
        }
    }
    return 0;
}

/* Value v (NULL: absent, nil) as wire_lua's push_value pushes it. */
static int push_value(lua_State *L, struct lfast *f, const struct rd *v, uint32_t depth)
{
    if (++f->elements > f->lim->max_elements || !lua_checkstack(L, 2))
        return GIVE_UP;
    const int top = lua_gettop(L);
    struct rd r = v ? *v : (struct rd){0};
    uint32_t field, wt, kinds = 0;
    uint64_t u;
    int rc;
    lua_pushnil(L); /* no kind: nil */
    while ((rc = rd_key(&r, &field, &wt)) == 0) {
        if (field > 6) {
            if (rd_skip(&r, wt) != 0)
                return GIVE_UP;
            continue;
        }
        if (kinds++ || wt != (field == 4 ? 1u : field >= 5 ? 2u : 0u))
            return GIVE_UP; /* one kind, in the wire type protobuf-c writes */
        struct rd sub;
        lua_settop(L, top);
        switch (field) {
        case 1:
        case 2:
        case 3:
            if (rd_varint(&r, &u) != 0)
                return GIVE_UP;
            if (field == 1)
                lua_pushnil(L);
            else if (field == 2)
                lua_pushboolean(L, u != 0);
            else
                lua_pushinteger(L, (lua_Integer)((int64_t)(u >> 1) ^ -(int64_t)(u & 1)));
            break;
        case 4: {
            double d;
            if (r.end - r.p < 8)
                return GIVE_UP;
            memcpy(&d, r.p, 8);
            r.p += 8;
            lua_pushnumber(L, d);
            break;
        }
        case 5:
            if (rd_len(&r, &sub) != 0)
                return GIVE_UP;
            lua_pushlstring(L, (const char *)sub.p, (size_t)(sub.end - sub.p));
            break;
        default:
            if (rd_len(&r, &sub) != 0 || push_table(L, f, sub, depth) != 0)
                return GIVE_UP;
            break;
        }
    }
    return rc == 1 ? 0 : GIVE_UP;
}

int ldecode_fast(lua_State *L, const uint8_t *buf, size_t len, const struct wire_limits *lim,
                 Ntop__V1__Context **context)
{
    if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
        return GIVE_UP; /* doubles are copied as they lie on the wire (little-endian) */
    struct lfast f = {.lim = lim};
    struct rd r = {buf, buf + len};
    const int top = lua_gettop(L);
    uint32_t field, wt;
    struct rd ctx = {0};
    bool has_ctx = false;
    int rc, n = 0;
    *context = NULL;
    while ((rc = rd_key(&r, &field, &wt)) == 0) {
        struct rd sub;
        if (field != 1 && field != 2) {
            if (rd_skip(&r, wt) != 0)
                break;
            continue;
        }
        if (wt != 2 || rd_len(&r, &sub) != 0 || (field == 2 && has_ctx)) {
            rc = GIVE_UP;
            break;
        }
        if (field == 2) {
            has_ctx = true;
            ctx = sub;
        } else if (n >= 1000000 || push_value(L, &f, &sub, 0) != 0) {
            rc = GIVE_UP;
            break;
        } else {
            n++;
        }
    }
    /* the context last: no Lua call may raise while it is held */
    if (rc != 1 || (has_ctx && !(*context = ntop__v1__context__unpack(
                                     NULL, (size_t)(ctx.end - ctx.p), ctx.p)))) {
        lua_settop(L, top);
        return GIVE_UP;
    }
    return n;
}
