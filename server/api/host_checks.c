/* host.* that steer the host check scripts: skipVisitedHost and isFirstCheckRun. */
#include "api_util.h"

#include "../core/host.h"

/* skipVisitedHost([skip [, until]]): no argument or true skips the host in later runs (for
 * ever, or until the epoch `until` of the capture clock); false runs it again. ntopng's
 * sample scripts call it without arguments to visit each host once (doc/checks.md). */
static int host_skip_visited_host(lua_State *L)
{
    struct host *h = lua_ctx_of(L)->host;
    bool skip = api_opt_bool(L, 1, true);
    lua_Number until = luaL_optnumber(L, 2, 0);
    luaL_argcheck(L, until >= 0 && until < 4294967296.0, 2, "epoch seconds expected");
    h->check_skip = skip;
    h->check_skip_until_s = skip ? (uint32_t)until : 0;
    return 0;
}

static int host_is_first_check_run(lua_State *L)
{
    lua_pushboolean(L, !lua_ctx_of(L)->host->check_ran_once);
    return 1;
}

static const struct api_binding host_checks_bindings[] = {
    {"isFirstCheckRun", host_is_first_check_run, API_READ,  API_CTX_HOST},
    {"skipVisitedHost", host_skip_visited_host,  API_WRITE, API_CTX_HOST},
};

const struct api_table api_host_checks = API_TABLE("host", "checks", host_checks_bindings);
