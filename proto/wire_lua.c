#include "wire_lua.h"
#include "wire_records.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- wire -> Lua ---- */

static int push_value(lua_State *L, const Ntop__V1__Value *v, const struct wire_limits *lim,
                      uint32_t depth, uint32_t *elements, char *err, size_t errlen);

/* Pushes one cell of a records column (not WIRE_CELL_NONE). */
static int push_cell(lua_State *L, const struct wire_cell_value *c, const struct wire_limits *lim,
                     uint32_t depth, uint32_t *elements, char *err, size_t errlen)
{
    if (c->kind == WIRE_CELL_TABLE) /* any Value: push_value counts it */
        return push_value(L, c->table, lim, depth, elements, err, errlen);
    if (++*elements > lim->max_elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return -1;
    }
    switch (c->kind) {
    case WIRE_CELL_FALSE:
    case WIRE_CELL_TRUE:
        lua_pushboolean(L, c->kind == WIRE_CELL_TRUE);
        return 0;
    case WIRE_CELL_INTEGER:
        lua_pushinteger(L, (lua_Integer)c->integer);
        return 0;
    case WIRE_CELL_NUMBER:
        lua_pushnumber(L, c->number);
        return 0;
    case WIRE_CELL_STRING:
        lua_pushlstring(L, (const char *)c->string, c->len);
        return 0;
    default:
        snprintf(err, errlen, "records cell without a value");
        return -1;
    }
}

/* Table.records: the column names are pushed once and every record's keys are copies of them;
 * the columns are read in step, one cursor each (in a userdata: pushing may raise). */
static int push_records(lua_State *L, const Ntop__V1__Records *rec, const struct wire_limits *lim,
                        uint32_t depth, uint32_t *elements, char *err, size_t errlen)
{
    size_t cells;
    if (wire_records_check(rec, &cells, err, errlen) != 0)
        return -1;
    const size_t nk = rec->n_keys, nr = rec->count;
    if (nr && depth + 1 >= lim->max_depth) {
        snprintf(err, errlen, "tables nested deeper than %u levels", lim->max_depth);
        return -1;
    }
    /* rows without cells cost no values: without this a few bytes make nr empty tables
     * (the same limit as ntop_records_from_wire) */
    if (nr > lim->max_elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return -1;
    }
    if (nk > 100000 || !lua_checkstack(L, (int)nk + 8)) {
        snprintf(err, errlen, "records with %zu keys: Lua stack exhausted", nk);
        return -1;
    }
    const int base = lua_gettop(L);
    struct wire_column_cursor *cur = lua_newuserdatauv(L, (nk + 1) * sizeof(*cur), 0);
    memset(cur, 0, (nk + 1) * sizeof(*cur));
    for (size_t j = 0; j < nk; j++) {
        cur[j].c = rec->columns[j];
        lua_pushlstring(L, (const char *)rec->keys[j].data, rec->keys[j].len);
    }
    cur[nk].c = rec->row_keys;
    const bool keyed = rec->row_keys != NULL;
    const int hint = nr > INT32_MAX ? 0 : (int)nr;
    lua_createtable(L, keyed ? 0 : hint, keyed ? hint : 0);
    struct wire_cell_value c = {0};
    for (size_t i = 0; i < nr; i++) {
        if (keyed) {
            wire_column_next(&cur[nk], i, &c);
            if (c.kind == WIRE_CELL_NUMBER && c.number != c.number) {
                snprintf(err, errlen, "record without a valid key");
                return -1;
            }
            if (push_cell(L, &c, lim, depth + 1, elements, err, errlen) != 0)
                return -1;
        }
        int present = 0; /* sized to the record: a hostile message gets no spare slots */
        for (size_t j = 0; j < nk; j++)
            present += cur[j].c && cur[j].c->types.data[i] != WIRE_CELL_NONE;
        lua_createtable(L, 0, present);
        for (size_t j = 0; j < nk; j++) {
            wire_column_next(&cur[j], i, &c);
            if (c.kind == WIRE_CELL_NONE)
                continue;
            lua_pushvalue(L, base + 2 + (int)j);
            if (push_cell(L, &c, lim, depth + 2, elements, err, errlen) != 0)
                return -1;
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

static int push_table(lua_State *L, const Ntop__V1__Table *t, const struct wire_limits *lim,
                      uint32_t depth, uint32_t *elements, char *err, size_t errlen)
{
    if (depth >= lim->max_depth) {
        snprintf(err, errlen, "tables nested deeper than %u levels", lim->max_depth);
        return -1;
    }
    if (t->records) {
        if (t->n_array || t->n_entries) {
            snprintf(err, errlen, "table with both records and other keys");
            return -1;
        }
        return push_records(L, t->records, lim, depth, elements, err, errlen);
    }
    if (!lua_checkstack(L, 4)) {
        snprintf(err, errlen, "Lua stack exhausted");
        return -1;
    }
    lua_createtable(L, t->n_array > INT32_MAX ? 0 : (int)t->n_array,
                    t->n_entries > INT32_MAX ? 0 : (int)t->n_entries);
    for (size_t i = 0; i < t->n_array; i++) {
        if (push_value(L, t->array[i], lim, depth + 1, elements, err, errlen) != 0)
            return -1;
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    for (size_t i = 0; i < t->n_entries; i++) {
        const Ntop__V1__Entry *e = t->entries[i];
        if (!e || !e->key || e->key->kind_case == NTOP__V1__VALUE__KIND_NIL ||
            e->key->kind_case == NTOP__V1__VALUE__KIND__NOT_SET) {
            snprintf(err, errlen, "table entry without a key");
            return -1;
        }
        if (e->key->kind_case == NTOP__V1__VALUE__KIND_NUMBER && e->key->number != e->key->number) {
            snprintf(err, errlen, "table key is NaN");
            return -1;
        }
        if (push_value(L, e->key, lim, depth + 1, elements, err, errlen) != 0 ||
            push_value(L, e->value, lim, depth + 1, elements, err, errlen) != 0)
            return -1;
        lua_rawset(L, -3);
    }
    return 0;
}

static int push_value(lua_State *L, const Ntop__V1__Value *v, const struct wire_limits *lim,
                      uint32_t depth, uint32_t *elements, char *err, size_t errlen)
{
    if (++*elements > lim->max_elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return -1;
    }
    if (!lua_checkstack(L, 2)) {
        snprintf(err, errlen, "Lua stack exhausted");
        return -1;
    }
    if (!v) {
        lua_pushnil(L);
        return 0;
    }
    switch (v->kind_case) {
    case NTOP__V1__VALUE__KIND__NOT_SET:
    case NTOP__V1__VALUE__KIND_NIL:
        lua_pushnil(L);
        return 0;
    case NTOP__V1__VALUE__KIND_BOOLEAN:
        lua_pushboolean(L, v->boolean);
        return 0;
    case NTOP__V1__VALUE__KIND_INTEGER:
        lua_pushinteger(L, (lua_Integer)v->integer);
        return 0;
    case NTOP__V1__VALUE__KIND_NUMBER:
        lua_pushnumber(L, v->number);
        return 0;
    case NTOP__V1__VALUE__KIND_STRING:
        lua_pushlstring(L, (const char *)v->string.data, v->string.len);
        return 0;
    case NTOP__V1__VALUE__KIND_TABLE:
        if (!v->table) {
            lua_newtable(L);
            return 0;
        }
        return push_table(L, v->table, lim, depth, elements, err, errlen);
    default:
        snprintf(err, errlen, "unknown value kind %d", (int)v->kind_case);
        return -1;
    }
}

int wire_push_value(lua_State *L, const Ntop__V1__Value *v, const struct wire_limits *lim,
                    uint32_t *elements, char *err, size_t errlen)
{
    int top = lua_gettop(L);
    if (push_value(L, v, lim, 0, elements, err, errlen) != 0) {
        lua_settop(L, top);
        return -1;
    }
    return 0;
}

/* ---- Lua -> wire ---- */

static Ntop__V1__Value *from_lua(lua_State *L, int idx, struct wire_arena *a,
                                 const struct wire_limits *lim, uint32_t depth, uint32_t *elements,
                                 char *err, size_t errlen);

/* ---- Lua -> wire: lists of records ---- */

/* Whether the value at rec is a table with string keys only; adds its keys unseen so far to
 * `cols` (key -> column number, in order of first appearance) and counts its pairs. */
static bool record_shape(lua_State *L, int rec, int cols, size_t *ncols, size_t *cells)
{
    if (lua_type(L, rec) != LUA_TTABLE)
        return false;
    lua_pushnil(L);
    while (lua_next(L, rec)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            return false;
        }
        lua_pushvalue(L, -1);
        if (lua_rawget(L, cols) == LUA_TNIL) {
            lua_pushvalue(L, -2);
            lua_pushinteger(L, (lua_Integer)(*ncols)++);
            lua_rawset(L, cols);
        }
        lua_pop(L, 1);
        (*cells)++;
    }
    return true;
}

/* A column being built: arrays of `count` entries, allocated on first use. */
struct column_build {
    uint8_t *types;
    int64_t *integers;
    double *numbers;
    uint32_t *lengths;
    const char **strings; /* borrowed from Lua until column_finish copies them */
    Ntop__V1__Value **tables;
    size_t n_integers, n_numbers, n_strings, n_tables, bytes;
};

#define COLUMN_ARRAY(b, field, count, a)                                                           \
    ((b)->field || ((b)->field = wire_arena_alloc((a), (count) * sizeof(*(b)->field))))

/* Adds the Lua value at idx as the cell of `row`. */
static int column_add(lua_State *L, int idx, struct column_build *b, size_t row, size_t count,
                      struct wire_arena *a, const struct wire_limits *lim, uint32_t depth,
                      uint32_t *elements, char *err, size_t errlen)
{
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        b->types[row] = lua_toboolean(L, idx) ? WIRE_CELL_TRUE : WIRE_CELL_FALSE;
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            if (!COLUMN_ARRAY(b, integers, count, a))
                goto oom;
            b->integers[b->n_integers++] = lua_tointeger(L, idx);
            b->types[row] = WIRE_CELL_INTEGER;
        } else {
            if (!COLUMN_ARRAY(b, numbers, count, a))
                goto oom;
            b->numbers[b->n_numbers++] = lua_tonumber(L, idx);
            b->types[row] = WIRE_CELL_NUMBER;
        }
        break;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        if (len > UINT32_MAX) {
            snprintf(err, errlen, "string of %zu bytes in a record", len);
            return -1;
        }
        if (!COLUMN_ARRAY(b, lengths, count, a) || !COLUMN_ARRAY(b, strings, count, a))
            goto oom;
        b->lengths[b->n_strings] = (uint32_t)len;
        b->strings[b->n_strings++] = s;
        b->bytes += len;
        b->types[row] = WIRE_CELL_STRING;
        break;
    }
    default: { /* tables, and the types from_lua refuses with its message */
        Ntop__V1__Value *v = from_lua(L, idx, a, lim, depth, elements, err, errlen);
        if (!v)
            return -1;
        if (!COLUMN_ARRAY(b, tables, count, a))
            goto oom;
        b->tables[b->n_tables++] = v;
        b->types[row] = WIRE_CELL_TABLE;
        return 0; /* counted by from_lua */
    }
    }
    if (++*elements > lim->max_elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return -1;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

static Ntop__V1__Column *column_finish(struct column_build *b, size_t count, struct wire_arena *a)
{
    Ntop__V1__Column *c = wire_arena_alloc(a, sizeof(*c));
    uint8_t *data = b->n_strings ? wire_arena_alloc(a, b->bytes ? b->bytes : 1) : NULL;
    if (!c || (b->n_strings && !data))
        return NULL;
    ntop__v1__column__init(c);
    c->types.data = b->types;
    c->types.len = count;
    c->integers = b->integers;
    c->n_integers = b->n_integers;
    c->numbers = b->numbers;
    c->n_numbers = b->n_numbers;
    c->tables = b->tables;
    c->n_tables = b->n_tables;
    if (b->n_strings) {
        size_t off = 0;
        for (size_t i = 0; i < b->n_strings; i++) {
            memcpy(data + off, b->strings[i], b->lengths[i]);
            off += b->lengths[i];
        }
        c->string_lengths = b->lengths;
        c->n_string_lengths = b->n_strings;
        c->string_data.data = data;
        c->string_data.len = b->bytes;
    }
    return c;
}

/* Adds the record at rec (its shape checked) as row `row`. */
static int record_add(lua_State *L, int rec, int cols, struct column_build *cb, size_t row,
                      size_t count, struct wire_arena *a, const struct wire_limits *lim,
                      uint32_t depth, uint32_t *elements, char *err, size_t errlen)
{
    lua_pushnil(L);
    while (lua_next(L, rec)) {
        lua_pushvalue(L, -2);
        lua_rawget(L, cols);
        size_t j = (size_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
        if (column_add(L, lua_gettop(L), &cb[j], row, count, a, lim, depth, elements, err,
                       errlen) != 0)
            return -1;
        lua_pop(L, 1);
    }
    return 0;
}

/* Table.records for the table at idx when it is a list (n >= 2 elements, no other key) or a map
 * (entries >= 2 pairs, no array part) of tables with string keys only, and the union of their
 * keys is at most twice as many cells as the records have keys. 1 with t->records set, 0 when
 * the table does not qualify (nothing built: encode it as usual), -1 on error (err set). */
static int records_from_lua(lua_State *L, int idx, size_t n, size_t entries, Ntop__V1__Table *t,
                            struct wire_arena *a, const struct wire_limits *lim, uint32_t depth,
                            uint32_t *elements, char *err, size_t errlen)
{
    const bool keyed = n == 0;
    const size_t nr = keyed ? entries : n;
    if (!lim->emit_records || nr < 2 || (n && entries) || depth + 1 >= lim->max_depth ||
        nr > UINT32_MAX)
        return 0;
    if (!lua_checkstack(L, 8)) {
        snprintf(err, errlen, "Lua stack exhausted");
        return -1;
    }
    const int top = lua_gettop(L);
    lua_createtable(L, 0, 32);
    const int cols = top + 1;
    size_t ncols = 0, cells = 0;
    bool ok = true;
    if (keyed) {
        lua_pushnil(L);
        while (ok && lua_next(L, idx)) {
            ok = record_shape(L, lua_gettop(L), cols, &ncols, &cells);
            lua_pop(L, 1);
        }
    } else {
        for (size_t i = 1; ok && i <= n; i++) {
            lua_rawgeti(L, idx, (lua_Integer)i);
            ok = record_shape(L, lua_gettop(L), cols, &ncols, &cells);
            lua_pop(L, 1);
        }
    }
    lua_settop(L, cols); /* an early stop of lua_next leaves its pair */
    if (!ok || ncols == 0 || ncols * nr > 2 * cells || ncols > lim->max_elements) {
        lua_settop(L, top);
        return 0;
    }
    Ntop__V1__Records *rec = wire_arena_alloc(a, sizeof(*rec));
    ProtobufCBinaryData *keys = wire_arena_alloc(a, ncols * sizeof(*keys));
    Ntop__V1__Column **columns = wire_arena_alloc(a, ncols * sizeof(*columns));
    struct column_build *cb = wire_arena_alloc(a, (ncols + 1) * sizeof(*cb));
    if (!rec || !keys || !columns || !cb)
        goto oom;
    for (size_t j = 0; j <= ncols; j++)
        if (!(cb[j].types = wire_arena_alloc(a, nr)))
            goto oom;
    ntop__v1__records__init(rec);
    /* Column names are borrowed from `cols`' keys, which are the records' own key strings:
     * they live in the records, which live in the table being sent. */
    lua_pushnil(L);
    while (lua_next(L, cols)) {
        size_t len, j = (size_t)lua_tointeger(L, -1);
        keys[j].data = (uint8_t *)lua_tolstring(L, -2, &len);
        keys[j].len = len;
        lua_pop(L, 1);
    }
    size_t i = 0;
    if (keyed) {
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            if (i == nr) { /* cannot happen: the table did not change since counting */
                lua_pop(L, 2);
                break;
            }
            int r = lua_gettop(L);
            if (column_add(L, r - 1, &cb[ncols], i, nr, a, lim, depth + 1, elements, err, errlen) !=
                    0 ||
                record_add(L, r, cols, cb, i, nr, a, lim, depth + 2, elements, err, errlen) != 0)
                goto fail;
            lua_settop(L, r - 1);
            i++;
        }
    } else {
        for (; i < nr; i++) {
            lua_rawgeti(L, idx, (lua_Integer)i + 1);
            if (record_add(L, lua_gettop(L), cols, cb, i, nr, a, lim, depth + 2, elements, err,
                           errlen) != 0)
                goto fail;
            lua_pop(L, 1);
        }
    }
    if (i != nr) {
        snprintf(err, errlen, "table changed while being sent");
        goto fail;
    }
    /* each record counts as one value, as it would in the generic form */
    if (nr > lim->max_elements - *elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        goto fail;
    }
    *elements += (uint32_t)nr;
    for (size_t j = 0; j < ncols; j++)
        if (!(columns[j] = column_finish(&cb[j], nr, a)))
            goto oom;
    if (keyed && !(rec->row_keys = column_finish(&cb[ncols], nr, a)))
        goto oom;
    rec->keys = keys;
    rec->n_keys = ncols;
    rec->columns = columns;
    rec->n_columns = ncols;
    rec->count = (uint32_t)nr;
    lua_settop(L, top);
    t->records = rec;
    return 1;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    lua_settop(L, top);
    return -1;
}

static Ntop__V1__Table *table_from_lua(lua_State *L, int idx, struct wire_arena *a,
                                       const struct wire_limits *lim, uint32_t depth,
                                       uint32_t *elements, char *err, size_t errlen)
{
    if (depth >= lim->max_depth) {
        snprintf(err, errlen, "tables nested deeper than %u levels (or a table contains itself)",
                 lim->max_depth);
        return NULL;
    }
    if (!lua_checkstack(L, 6)) {
        snprintf(err, errlen, "Lua stack exhausted");
        return NULL;
    }
    Ntop__V1__Table *t = wire_arena_alloc(a, sizeof(*t));
    if (!t)
        goto oom;
    ntop__v1__table__init(t);

    /* The array part: 1..n where n is the table's border, nils inside kept as nil. */
    size_t n = (size_t)lua_rawlen(L, idx);
    size_t entries = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (!(lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 &&
              (size_t)lua_tointeger(L, -2) <= n))
            entries++;
        lua_pop(L, 1);
    }
    if (n + entries > lim->max_elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return NULL;
    }
    switch (records_from_lua(L, idx, n, entries, t, a, lim, depth, elements, err, errlen)) {
    case 1:
        return t;
    case -1:
        return NULL;
    default:
        break;
    }
    if (n) {
        t->array = wire_arena_alloc(a, n * sizeof(*t->array));
        if (!t->array)
            goto oom;
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, idx, (lua_Integer)i + 1);
            t->array[i] = from_lua(L, lua_gettop(L), a, lim, depth + 1, elements, err, errlen);
            lua_pop(L, 1);
            if (!t->array[i])
                return NULL;
        }
        t->n_array = n;
    }
    if (entries) {
        t->entries = wire_arena_alloc(a, entries * sizeof(*t->entries));
        if (!t->entries)
            goto oom;
        size_t k = 0;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            if (k == entries) { /* every counted key is in: drop this pair and stop */
                lua_pop(L, 2);
                break;
            }
            if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 &&
                (size_t)lua_tointeger(L, -2) <= n) {
                lua_pop(L, 1);
                continue;
            }
            Ntop__V1__Entry *e = wire_arena_alloc(a, sizeof(*e));
            if (!e) {
                lua_pop(L, 2);
                goto oom;
            }
            ntop__v1__entry__init(e);
            int top = lua_gettop(L);
            e->key = from_lua(L, top - 1, a, lim, depth + 1, elements, err, errlen);
            e->value = e->key ? from_lua(L, top, a, lim, depth + 1, elements, err, errlen) : NULL;
            lua_pop(L, 1);
            if (!e->key || !e->value) {
                lua_pop(L, 1);
                return NULL;
            }
            t->entries[k++] = e;
        }
        t->n_entries = k;
    }
    return t;
oom:
    snprintf(err, errlen, "out of memory");
    return NULL;
}

static Ntop__V1__Value *from_lua(lua_State *L, int idx, struct wire_arena *a,
                                 const struct wire_limits *lim, uint32_t depth, uint32_t *elements,
                                 char *err, size_t errlen)
{
    if (++*elements > lim->max_elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return NULL;
    }
    Ntop__V1__Value *v = wire_arena_alloc(a, sizeof(*v));
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ntop__v1__value__init(v);
    switch (lua_type(L, idx)) {
    case LUA_TNONE:
    case LUA_TNIL:
        v->kind_case = NTOP__V1__VALUE__KIND_NIL;
        v->nil = 1;
        return v;
    case LUA_TBOOLEAN:
        v->kind_case = NTOP__V1__VALUE__KIND_BOOLEAN;
        v->boolean = lua_toboolean(L, idx);
        return v;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            v->kind_case = NTOP__V1__VALUE__KIND_INTEGER;
            v->integer = lua_tointeger(L, idx);
        } else {
            v->kind_case = NTOP__V1__VALUE__KIND_NUMBER;
            v->number = lua_tonumber(L, idx);
        }
        return v;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        /* Borrowed: the string stays on the Lua stack or in its table until packing. */
        v->kind_case = NTOP__V1__VALUE__KIND_STRING;
        v->string.data = (uint8_t *)s;
        v->string.len = len;
        return v;
    }
    case LUA_TTABLE:
        v->kind_case = NTOP__V1__VALUE__KIND_TABLE;
        v->table = table_from_lua(L, lua_absindex(L, idx), a, lim, depth, elements, err, errlen);
        return v->table ? v : NULL;
    default:
        snprintf(err, errlen,
                 "a %s cannot be sent (only nil, booleans, numbers, strings and tables)",
                 luaL_typename(L, idx));
        return NULL;
    }
}

Ntop__V1__Value *wire_from_lua(lua_State *L, int idx, struct wire_arena *arena,
                               const struct wire_limits *lim, uint32_t *elements, char *err,
                               size_t errlen)
{
    return from_lua(L, lua_absindex(L, idx), arena, lim, 0, elements, err, errlen);
}
