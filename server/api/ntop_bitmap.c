/* ntop.* bindings, category bitmap: 64-bit bitmaps held in Lua integers (bit 63 is the
 * sign bit, so a bitmap with it set is negative, as in ntopng).
 *
 * ntopng truncates the bit number to 8 bits, shifts by 64 (undefined behaviour) and only
 * logs a warning for 65..255; here a bit outside 0..63 raises. */
#include "api_util.h"

/* Checks the two arguments; returns the bitmap and sets *mask to the bit's mask. */
static uint64_t check_bitmap(lua_State *L, uint64_t *mask)
{
    uint64_t bitmap = (uint64_t)luaL_checkinteger(L, 1);
    lua_Integer bit = luaL_checkinteger(L, 2);
    luaL_argcheck(L, bit >= 0 && bit <= 63, 2, "bit must be 0..63");
    *mask = UINT64_C(1) << bit;
    return bitmap;
}

static void push_bitmap(lua_State *L, uint64_t bitmap)
{
    lua_pushinteger(L, (lua_Integer)bitmap); /* two's complement: bit 63 gives < 0 */
}

/* ntop.bitmapIsSet(bitmap, bit): boolean. */
static int ntop_bitmap_is_set(lua_State *L)
{
    uint64_t mask;
    uint64_t bitmap = check_bitmap(L, &mask);
    lua_pushboolean(L, (bitmap & mask) != 0);
    return 1;
}

/* ntop.bitmapSet(bitmap, bit): the bitmap with the bit set. */
static int ntop_bitmap_set(lua_State *L)
{
    uint64_t mask;
    uint64_t bitmap = check_bitmap(L, &mask);
    push_bitmap(L, bitmap | mask);
    return 1;
}

/* ntop.bitmapClear(bitmap, bit): the bitmap with the bit cleared. */
static int ntop_bitmap_clear(lua_State *L)
{
    uint64_t mask;
    uint64_t bitmap = check_bitmap(L, &mask);
    push_bitmap(L, bitmap & ~mask);
    return 1;
}

static const struct api_binding ntop_bitmap_bindings[] = {
    {"bitmapClear", ntop_bitmap_clear,  API_READ, API_CTX_NONE},
    {"bitmapIsSet", ntop_bitmap_is_set, API_READ, API_CTX_NONE},
    {"bitmapSet",   ntop_bitmap_set,    API_READ, API_CTX_NONE},
};

const struct api_table api_ntop_bitmap = API_TABLE("ntop", "bitmap", ntop_bitmap_bindings);
