#include "wire_lua.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- wire -> Lua ---- */

static int push_value(lua_State *L, const Ntop__V1__Value *v, const struct wire_limits *lim,
                      uint32_t depth, uint32_t *elements, char *err, size_t errlen);

static int push_table(lua_State *L, const Ntop__V1__Table *t, const struct wire_limits *lim,
                      uint32_t depth, uint32_t *elements, char *err, size_t errlen)
{
    if (depth >= lim->max_depth) {
        snprintf(err, errlen, "tables nested deeper than %u levels", lim->max_depth);
        return -1;
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
