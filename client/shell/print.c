/* Printing results: tables pretty-printed with sorted keys (numbers, then strings), or JSON
 * through Debian's dkjson with the same order. */
#include "shell.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#define PRINT_MAX_DEPTH 64
#define INLINE_WIDTH    72

/* ---- pretty printer ---- */

static int valid_utf8(const unsigned char *s, size_t len, size_t i, size_t *seq)
{
    unsigned char c = s[i];
    size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (n == 0 || i + n > len)
        return 0;
    for (size_t k = 1; k < n; k++)
        if ((s[i + k] & 0xc0) != 0x80)
            return 0;
    *seq = n;
    return 1;
}

/* A Lua string literal that reads back as the same bytes (UTF-8 kept readable). */
static void put_quoted(const char *str, size_t len, FILE *out)
{
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        size_t seq;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c >= 0x20 && c < 0x7f)
            fputc(c, out);
        else if (c >= 0x80 && valid_utf8(s, len, i, &seq)) {
            fwrite(s + i, 1, seq, out);
            i += seq - 1;
        } else
            fprintf(out, "\\%03u", c); /* 3 digits: a digit after it cannot join it */
    }
    fputc('"', out);
}

static int is_identifier(const char *s, size_t len)
{
    static const char *const keywords[] = {
        "and",      "break",  "do",   "else", "elseif", "end",   "false", "for",
        "function", "goto",   "if",   "in",   "local",  "nil",   "not",   "or",
        "repeat",   "return", "then", "true", "until",  "while", NULL};
    if (len == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9')))
            return 0;
    for (int i = 0; keywords[i]; i++)
        if (strlen(keywords[i]) == len && memcmp(keywords[i], s, len) == 0)
            return 0;
    return 1;
}

/* Sort order of keys: numbers by value, then strings by bytes, then the rest by address. */
static int key_rank(lua_State *L, int idx)
{
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        return 0;
    case LUA_TSTRING:
        return 1;
    case LUA_TBOOLEAN:
        return 2;
    default:
        return 3;
    }
}

static int key_less(lua_State *L)
{
    int ra = key_rank(L, 1), rb = key_rank(L, 2);
    if (ra != rb)
        lua_pushboolean(L, ra < rb);
    else if (ra <= 1)
        lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
    else if (ra == 2)
        lua_pushboolean(L, !lua_toboolean(L, 1) && lua_toboolean(L, 2));
    else
        lua_pushboolean(L, lua_topointer(L, 1) < lua_topointer(L, 2));
    return 1;
}

/* Pushes the sorted array of the keys of the table at idx; returns its length. */
static lua_Integer sorted_keys(lua_State *L, int idx)
{
    lua_newtable(L);
    lua_Integer n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, ++n);
    }
    lua_getglobal(L, "table");
    lua_getfield(L, -1, "sort");
    lua_remove(L, -2);
    lua_pushvalue(L, -2);
    lua_pushcfunction(L, key_less);
    lua_call(L, 2, 0);
    return n;
}

static void put_value(lua_State *L, int idx, int indent, int depth, int seen, FILE *out);

static void put_scalar(lua_State *L, int idx, FILE *out)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        put_quoted(s, len, out);
    } else {
        fputs(luaL_tolstring(L, idx, NULL), out);
        lua_pop(L, 1);
    }
}

/* Is the table at idx a sequence 1..n of short scalars that fits on one line? */
static int fits_inline(lua_State *L, int idx, lua_Integer nkeys)
{
    size_t width = 4;
    for (lua_Integer i = 1; i <= nkeys; i++) {
        int t = lua_rawgeti(L, idx, i);
        size_t len = 0;
        if (t == LUA_TSTRING)
            lua_tolstring(L, -1, &len);
        lua_pop(L, 1);
        if (t == LUA_TTABLE || t == LUA_TNIL || t == LUA_TFUNCTION || t == LUA_TUSERDATA)
            return 0;
        width += (t == LUA_TSTRING ? len + 2 : 20) + 2;
        if (width > INLINE_WIDTH)
            return 0;
    }
    return 1;
}

static void put_table(lua_State *L, int idx, int indent, int depth, int seen, FILE *out)
{
    lua_pushvalue(L, idx);
    if (lua_rawget(L, seen) != LUA_TNIL || depth >= PRINT_MAX_DEPTH) {
        lua_pop(L, 1);
        fputs(depth >= PRINT_MAX_DEPTH ? "{...}" : "<cycle>", out);
        return;
    }
    lua_pop(L, 1);
    luaL_checkstack(L, 8, "table nested too deeply to print");
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, seen);
    lua_Integer n = sorted_keys(L, idx);
    int keys = lua_gettop(L);
    lua_Integer seq = 0; /* keys 1..seq are the sequence part */
    while (seq < n) {
        lua_rawgeti(L, keys, seq + 1);
        int next = lua_isinteger(L, -1) && lua_tointeger(L, -1) == seq + 1;
        lua_pop(L, 1);
        if (!next)
            break;
        seq++;
    }
    if (n == 0) {
        fputs("{}", out);
    } else if (seq == n && fits_inline(L, idx, n)) {
        fputs("{ ", out);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, i);
            put_scalar(L, lua_gettop(L), out);
            lua_pop(L, 1);
            fputs(i < n ? ", " : " }", out);
        }
    } else {
        fputs("{\n", out);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, keys, i);
            int k = lua_gettop(L);
            fprintf(out, "%*s", indent + 2, "");
            if (i > seq) {
                size_t len;
                const char *s = lua_type(L, k) == LUA_TSTRING ? lua_tolstring(L, k, &len) : NULL;
                if (s && is_identifier(s, len)) {
                    fwrite(s, 1, len, out);
                } else {
                    fputc('[', out);
                    put_scalar(L, k, out);
                    fputc(']', out);
                }
                fputs(" = ", out);
            }
            lua_pushvalue(L, k);
            lua_rawget(L, idx);
            put_value(L, lua_gettop(L), indent + 2, depth + 1, seen, out);
            lua_pop(L, 2);
            fputs(",\n", out);
        }
        fprintf(out, "%*s}", indent, "");
    }
    lua_pop(L, 1); /* keys */
    lua_pushvalue(L, idx);
    lua_pushnil(L);
    lua_rawset(L, seen); /* shared (not cyclic) tables print each time they appear */
}

static void put_value(lua_State *L, int idx, int indent, int depth, int seen, FILE *out)
{
    if (lua_type(L, idx) == LUA_TTABLE)
        put_table(L, idx, indent, depth, seen, out);
    else
        put_scalar(L, idx, out);
}

/* ---- JSON ---- */

/* dkjson, with every table's keys sorted: a copy of the value whose tables carry their order in
 * __jsonorder (dkjson's per-table key order), cycles kept as cycles for dkjson to report. */
static const char json_chunk[] =
    "local json = require 'dkjson'\n"
    "local less = ...\n"
    "local function copy(v, seen)\n"
    "  if type(v) ~= 'table' then return v end\n"
    "  if seen[v] then return seen[v] end\n"
    "  local c, keys = {}, {}\n"
    "  seen[v] = c\n"
    "  for k, x in pairs(v) do c[k] = copy(x, seen); keys[#keys + 1] = k end\n"
    "  table.sort(keys, less)\n"
    "  return setmetatable(c, {__jsonorder = keys})\n"
    "end\n"
    "return function(v)\n"
    "  local s, err = json.encode(copy(v, {}), {indent = true,\n"
    "                                            exception = json.encodeexception})\n"
    "  return s or error(err, 0)\n"
    "end\n";

static const char json_key[] = "ntoplua-shell.json";

/* Pushes the JSON encoder, made once (raises when dkjson is missing). */
static void push_json_encoder(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, json_key) == LUA_TFUNCTION)
        return;
    lua_pop(L, 1);
    if (luaL_loadbuffer(L, json_chunk, sizeof(json_chunk) - 1, "=json") != LUA_OK)
        lua_error(L);
    lua_pushcfunction(L, key_less);
    lua_call(L, 1, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, json_key);
}

/* ---- entry points ---- */

static void print_one(lua_State *L, int idx, bool json, bool raw_strings)
{
    idx = lua_absindex(L, idx);
    if (json) {
        push_json_encoder(L);
        lua_pushvalue(L, idx);
        lua_call(L, 1, 1);
        fputs(lua_tostring(L, -1), stdout);
        lua_pop(L, 1);
    } else if (raw_strings && lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        fwrite(s, 1, len, stdout);
    } else {
        lua_newtable(L); /* tables being printed, for cycles */
        put_value(L, idx, 0, 0, lua_gettop(L), stdout);
        lua_pop(L, 1);
    }
    fputc('\n', stdout);
}

void shell_print_values(lua_State *L, int first, int n, bool json)
{
    for (int i = 0; i < n; i++)
        print_one(L, first + i, json, true);
    fflush(stdout);
}

/* tprint(v): like ntopng's, one value, tables with sorted keys. upvalue: json flag */
static int l_tprint(lua_State *L)
{
    luaL_checkany(L, 1);
    print_one(L, 1, lua_toboolean(L, lua_upvalueindex(1)), false);
    fflush(stdout);
    return 0;
}

void shell_open_print(lua_State *L, bool json)
{
    lua_pushboolean(L, json);
    lua_pushcclosure(L, l_tprint, 1);
    lua_setglobal(L, "tprint");
}
