#include "wire_lua.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- wire -> Lua ---- */

static int push_value(lua_State *L, const Ntop__V1__Value *v, const struct wire_limits *lim,
                      uint32_t depth, uint32_t *elements, char *err, size_t errlen);

static bool bad_key(const Ntop__V1__Value *k)
{
    return !k || k->kind_case == NTOP__V1__VALUE__KIND_NIL ||
           k->kind_case == NTOP__V1__VALUE__KIND__NOT_SET ||
           (k->kind_case == NTOP__V1__VALUE__KIND_NUMBER && k->number != k->number);
}

/* Table.records: the column names are pushed once and every row's keys are copies of them. */
static int push_records(lua_State *L, const Ntop__V1__Records *rec, const struct wire_limits *lim,
                        uint32_t depth, uint32_t *elements, char *err, size_t errlen)
{
    const size_t nk = rec->n_keys, nr = rec->n_rows;
    if (rec->n_row_keys && rec->n_row_keys != nr) {
        snprintf(err, errlen, "records with %zu row keys for %zu rows", rec->n_row_keys, nr);
        return -1;
    }
    if (nr && depth + 1 >= lim->max_depth) {
        snprintf(err, errlen, "tables nested deeper than %u levels", lim->max_depth);
        return -1;
    }
    if (nk > lim->max_elements || !lua_checkstack(L, (int)nk + 6)) {
        snprintf(err, errlen, "records with %zu keys: Lua stack exhausted", nk);
        return -1;
    }
    const int base = lua_gettop(L);
    for (size_t j = 0; j < nk; j++)
        lua_pushlstring(L, (const char *)rec->keys[j].data, rec->keys[j].len);
    const bool keyed = rec->n_row_keys > 0;
    lua_createtable(L, keyed || nr > INT32_MAX ? 0 : (int)nr,
                    keyed && nr <= INT32_MAX ? (int)nr : 0);
    for (size_t i = 0; i < nr; i++) {
        const Ntop__V1__Row *row = rec->rows[i];
        const size_t nv = row ? row->n_values : 0;
        if (nv > nk) {
            snprintf(err, errlen, "record with %zu values for %zu keys", nv, nk);
            return -1;
        }
        if (keyed) {
            if (bad_key(rec->row_keys[i])) {
                snprintf(err, errlen, "record without a valid key");
                return -1;
            }
            if (push_value(L, rec->row_keys[i], lim, depth + 1, elements, err, errlen) != 0)
                return -1;
        }
        lua_createtable(L, 0, nv > INT32_MAX ? 0 : (int)nv);
        for (size_t j = 0; j < nv; j++) {
            const Ntop__V1__Value *v = row->values[j];
            if (!v || v->kind_case == NTOP__V1__VALUE__KIND__NOT_SET ||
                v->kind_case == NTOP__V1__VALUE__KIND_NIL) { /* the record has no such key */
                if (++*elements > lim->max_elements) {
                    snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
                    return -1;
                }
                continue;
            }
            lua_pushvalue(L, base + 1 + (int)j);
            if (push_value(L, v, lim, depth + 2, elements, err, errlen) != 0)
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

/* The Value of a key a record does not have (no kind set). Read-only: only packed. */
static const Ntop__V1__Value absent_value = NTOP__V1__VALUE__INIT;

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

/* One row: the record at index rec, its values in the columns of `cols`. */
static Ntop__V1__Row *row_from_lua(lua_State *L, int rec, int cols, size_t ncols,
                                   struct wire_arena *a, const struct wire_limits *lim,
                                   uint32_t depth, uint32_t *elements, char *err, size_t errlen)
{
    Ntop__V1__Row *row = wire_arena_alloc(a, sizeof(*row));
    Ntop__V1__Value **values = ncols ? wire_arena_alloc(a, ncols * sizeof(*values)) : NULL;
    if (!row || (ncols && !values)) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ntop__v1__row__init(row);
    row->values = values;
    row->n_values = ncols;
    size_t present = 0;
    lua_pushnil(L);
    while (lua_next(L, rec)) {
        lua_pushvalue(L, -2);
        lua_rawget(L, cols);
        size_t j = (size_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
        values[j] = from_lua(L, lua_gettop(L), a, lim, depth, elements, err, errlen);
        lua_pop(L, 1);
        if (!values[j]) {
            lua_pop(L, 1);
            return NULL;
        }
        present++;
    }
    /* absent keys are Values too on the wire: count them like the peer's check does */
    if (ncols - present > lim->max_elements - *elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        return NULL;
    }
    *elements += (uint32_t)(ncols - present);
    for (size_t j = 0; j < ncols; j++)
        if (!values[j])
            values[j] = (Ntop__V1__Value *)&absent_value;
    return row;
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
    if (!lim->emit_records || nr < 2 || (n && entries) || depth + 1 >= lim->max_depth)
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
    if (!ok || ncols == 0 || ncols * nr > 2 * cells || ncols > lim->max_elements) {
        lua_settop(L, top);
        return 0;
    }
    Ntop__V1__Records *rec = wire_arena_alloc(a, sizeof(*rec));
    ProtobufCBinaryData *keys = wire_arena_alloc(a, ncols * sizeof(*keys));
    Ntop__V1__Row **rows = wire_arena_alloc(a, nr * sizeof(*rows));
    Ntop__V1__Value **row_keys = keyed ? wire_arena_alloc(a, nr * sizeof(*row_keys)) : NULL;
    if (!rec || !keys || !rows || (keyed && !row_keys))
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
    rec->keys = keys;
    rec->n_keys = ncols;
    rec->rows = rows;
    rec->row_keys = row_keys;
    size_t i = 0;
    if (keyed) {
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            if (i == nr) { /* cannot happen: the table did not change since counting */
                lua_pop(L, 2);
                break;
            }
            int r = lua_gettop(L);
            if (!(row_keys[i] = from_lua(L, r - 1, a, lim, depth + 1, elements, err, errlen)) ||
                !(rows[i] =
                      row_from_lua(L, r, cols, ncols, a, lim, depth + 2, elements, err, errlen))) {
                lua_settop(L, top);
                return -1;
            }
            lua_pop(L, 1);
            i++;
        }
        rec->n_row_keys = i;
    } else {
        for (; i < nr; i++) {
            lua_rawgeti(L, idx, (lua_Integer)i + 1);
            rows[i] = row_from_lua(L, lua_gettop(L), cols, ncols, a, lim, depth + 2, elements, err,
                                   errlen);
            lua_pop(L, 1);
            if (!rows[i]) {
                lua_settop(L, top);
                return -1;
            }
        }
    }
    rec->n_rows = i;
    /* each record counts as one value, as it would in the generic form */
    if (i > lim->max_elements - *elements) {
        snprintf(err, errlen, "more than %u values in one message", lim->max_elements);
        lua_settop(L, top);
        return -1;
    }
    *elements += (uint32_t)i;
    lua_settop(L, top);
    t->records = rec;
    return 1;
oom:
    lua_settop(L, top);
    snprintf(err, errlen, "out of memory");
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
