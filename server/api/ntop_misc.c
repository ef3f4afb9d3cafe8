/* ntop.* bindings, category misc: md5 and ntopng's score <-> severity mapping (the one in
 * alerts/alert_types.c, which alerts use too). */
#include "api_util.h"

#include "../alerts/alert_types.h"
#include "../core/md5.h"

/* ntop.md5(s): 32 lower-case hex digits. The whole Lua string is hashed, embedded zeros
 * included (ntopng stops at the first zero byte). */
static int ntop_md5(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    char hex[33];
    lua_pushstring(L, md5_hex(s, len, hex));
    return 1;
}

/* ntop.mapScoreToSeverity(score): 0 none (< 1), 2 info (1..9), 3 notice (10..49),
 * 4 warning (50..99), 5 error (100..199), 6 critical (200..249), 8 emergency (>= 250),
 * as ntopng; never 1 (debug) or 7 (alert). A negative score raises (ntopng wraps it to
 * a huge unsigned value and answers emergency). */
static int ntop_map_score_to_severity(lua_State *L)
{
    lua_Integer score = luaL_checkinteger(L, 1);
    luaL_argcheck(L, score >= 0, 1, "score must be >= 0");
    int sev = (int)alert_score_to_severity((uint64_t)score);
    lua_pushinteger(L, sev);
    return 1;
}

/* ntop.mapSeverityToScore(severity): 1 for none/debug/info, 10 notice, 50 warning,
 * 100 error, 200 critical, 250 alert and emergency, as ntopng. A severity outside 0..8
 * raises (ntopng answers 150 for those). */
static int ntop_map_severity_to_score(lua_State *L)
{
    lua_Integer sev = luaL_checkinteger(L, 1);
    luaL_argcheck(L, sev >= ALERT_SEV_NONE && sev <= ALERT_SEV_EMERGENCY, 1,
                  "severity must be 0..8");
    int score = (int)alert_severity_to_score((enum alert_severity)sev);
    lua_pushinteger(L, score);
    return 1;
}

static const struct api_binding ntop_misc_bindings[] = {
    {"mapScoreToSeverity", ntop_map_score_to_severity, API_READ, API_CTX_NONE},
    {"mapSeverityToScore", ntop_map_severity_to_score, API_READ, API_CTX_NONE},
    {"md5",                ntop_md5,                   API_READ, API_CTX_NONE},
};

const struct api_table api_ntop_misc = API_TABLE("ntop", "misc", ntop_misc_bindings);
