/* ntop.* bindings, category users: ntopng's user management on the Redis user store
 * (core/users.h) and the questions about the current user.
 *
 * The current user is lua_ctx_of(L)->user: NULL in the probe's own scripts and with
 * --rpc-no-auth, which act as an administrator seeing every network and interface (as
 * ntopng's internal scripts do). Managing other users needs an administrator (API_ADMIN);
 * resetUserPassword, createUserAPIToken and getUserAPIToken are also open to a user acting
 * on themselves, as in ntopng, so they are API_READ and check that here.
 *
 * Wrong argument types and invalid names, roles or networks raise; a refused or failed
 * operation returns false (ntopng's answer) or nil, message when Redis is unavailable or
 * the caller may not act on that user. */
#include "api_util.h"

#include "../core/iface.h"
#include "../core/probe.h"
#include "../core/redis.h"
#include "../core/users.h"

#include <stdlib.h>
#include <string.h>

/* nil, message; returns 2. */
static int users_fail(lua_State *L, const char *msg)
{
    lua_pushnil(L);
    lua_pushstring(L, msg);
    return 2;
}

/* A user name argument: a string of valid characters (they become part of Redis keys). */
static const char *check_user_name(lua_State *L, int arg)
{
    const char *name = luaL_checkstring(L, arg);
    if (!users_valid_name(name))
        luaL_argerror(L, arg, "invalid user name (1-64 characters of A-Z a-z 0-9 _ . @ -)");
    return name;
}

/* The answer of a store operation: true, false for "no such user"/"exists", nil, message
 * for an unavailable store. */
static int push_status(lua_State *L, enum users_status s)
{
    if (s == USERS_UNAVAILABLE)
        return users_fail(L, users_strerror(s));
    lua_pushboolean(L, s == USERS_OK);
    return 1;
}

static const struct user_identity *current_user(lua_State *L)
{
    return lua_ctx_of(L)->user;
}

/* An administrator, or the probe itself (no user). */
static bool current_is_admin(lua_State *L)
{
    const struct user_identity *u = current_user(L);
    return !u || u->admin;
}

/* The caller is `name` (or an administrator). */
static bool may_act_on(lua_State *L, const char *name)
{
    const struct user_identity *u = current_user(L);
    return !u || u->admin || strcmp(u->name, name) == 0;
}

static void check_role(lua_State *L, int arg, const char *role)
{
    if (strcmp(role, USER_GROUP_ADMIN) != 0 && strcmp(role, USER_GROUP_UNPRIVILEGED) != 0)
        luaL_argerror(L, arg,
                      "role must be '" USER_GROUP_ADMIN "' or '" USER_GROUP_UNPRIVILEGED "'");
}

/* Every network of a "CIDR[,CIDR...]" list must parse ("" = every network). */
static void check_nets(lua_State *L, int arg, const char *nets)
{
    char buf[4096];
    if (strlen(nets) >= sizeof(buf))
        luaL_argerror(L, arg, "network list too long");
    snprintf(buf, sizeof(buf), "%s", nets);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        char *end = t + strlen(t);
        while (end > t && end[-1] == ' ')
            *--end = '\0';
        struct ipaddr base;
        int bits;
        if (*t && cidr_parse(t, &base, &bits) != 0)
            luaL_argerror(L, arg, lua_pushfstring(L, "invalid network '%s'", t));
    }
}

/* ntop.addUser(username, full_name, password, host_role, allowed_networks,
 * allowed_interface [, host_pool_id [, language [, allow_pcap_download
 * [, allow_historical_flows [, allow_alerts]]]]]): true, false when the user exists or
 * ntopng's 63 user ids are taken. */
static int ntop_add_user(lua_State *L)
{
    struct user_new u = {0};
    u.name = check_user_name(L, 1);
    u.full_name = luaL_checkstring(L, 2);
    u.password = luaL_checkstring(L, 3);
    u.group = luaL_checkstring(L, 4);
    check_role(L, 4, u.group);
    u.allowed_nets = luaL_checkstring(L, 5);
    check_nets(L, 5, u.allowed_nets);
    u.allowed_ifname = luaL_checkstring(L, 6);
    u.host_pool_id = luaL_optstring(L, 7, NULL);
    u.language = luaL_optstring(L, 8, NULL);
    u.allow_pcap_download = api_opt_bool(L, 9, false);
    u.allow_historical_flows = api_opt_bool(L, 10, false);
    u.allow_alerts = api_opt_bool(L, 11, false);
    return push_status(L, users_add(&u));
}

/* ntop.deleteUser(username): true, false when there is no such user. */
static int ntop_delete_user(lua_State *L)
{
    return push_status(L, users_delete(check_user_name(L, 1)));
}

/* One user of getUsers: ntopng's keys and defaults (Ntop::getUsers). */
static int push_user(lua_State *L, const char *name)
{
    static const char *const fields[] = {
        "full_name",    "password",     "group",
        "language",     "allow_pcap",   "allow_historical_flow",
        "allow_alerts", "allowed_nets", "allowed_ifname",
        "host_pool_id",
    };
    enum { N = sizeof(fields) / sizeof(fields[0]) };
    char keys[N][256];
    for (int i = 0; i < N; i++)
        snprintf(keys[i], sizeof(keys[i]), "ntopng.user.%s.%s", name, fields[i]);
    char err[256];
    redisReply *r =
        redis_command(err, sizeof(err), "MGET %s %s %s %s %s %s %s %s %s %s", keys[0], keys[1],
                      keys[2], keys[3], keys[4], keys[5], keys[6], keys[7], keys[8], keys[9]);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != N) {
        if (r)
            freeReplyObject(r);
        return -1;
    }
    redisReply **e = r->element;
#define HAS(i) (e[i]->type == REDIS_REPLY_STRING)
#define PUSH_OR(key, i, def)                                                                       \
    do {                                                                                           \
        if (HAS(i))                                                                                \
            lua_pushlstring(L, e[i]->str, e[i]->len);                                              \
        else                                                                                       \
            lua_pushstring(L, def);                                                                \
        lua_setfield(L, -2, key);                                                                  \
    } while (0)
    lua_createtable(L, 0, 10);
    PUSH_OR("full_name", 0, "unknown");
    PUSH_OR("password", 1, "unknown");
    PUSH_OR("group", 2, "unknown");
    PUSH_OR("language", 3, "");
    if (HAS(4))
        api_set_bool(L, "allow_pcap_download", true);
    if (HAS(5))
        api_set_bool(L, "allow_historical_flows", true);
    if (HAS(6))
        api_set_bool(L, "allow_alerts", true);
    PUSH_OR("allowed_nets", 7, "");
    PUSH_OR("allowed_ifname", 8, "");
    if (HAS(9))
        api_set_int(L, "host_pool_id", atoi(e[9]->str));
#undef PUSH_OR
#undef HAS
    freeReplyObject(r);
    return 0;
}

/* ntop.getUsers(): {username = {full_name, password (the stored hash), group, language,
 * allowed_nets, allowed_ifname [, allow_pcap_download, allow_historical_flows,
 * allow_alerts, host_pool_id]}}, an empty table when there is none. */
static int ntop_get_users(lua_State *L)
{
    char err[256];
    redisReply *r = redis_command(err, sizeof(err), "KEYS ntopng.user.*.password");
    if (!r || r->type == REDIS_REPLY_ERROR) {
        if (r)
            freeReplyObject(r);
        return users_fail(L, users_strerror(USERS_UNAVAILABLE));
    }
    lua_newtable(L);
    static const char prefix[] = "ntopng.user.", suffix[] = ".password";
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        redisReply *k = r->element[i];
        size_t pl = sizeof(prefix) - 1, sl = sizeof(suffix) - 1;
        if (k->type != REDIS_REPLY_STRING || k->len <= pl + sl || k->len - pl - sl > USER_NAME_MAX)
            continue;
        char name[USER_NAME_MAX + 1];
        snprintf(name, sizeof(name), "%.*s", (int)(k->len - pl - sl), k->str + pl);
        if (!users_valid_name(name))
            continue;
        if (push_user(L, name) != 0) {
            freeReplyObject(r);
            return users_fail(L, users_strerror(USERS_UNAVAILABLE));
        }
        lua_setfield(L, -2, name);
    }
    freeReplyObject(r);
    return 1;
}

/* ntop.resetUserPassword(who, username, old_password, new_password): true when changed.
 * As ntopng: an administrator may change anyone's password, with an empty old password to
 * skip the check; another user only their own (`who` must be the caller), giving the
 * right old password. */
static int ntop_reset_user_password(lua_State *L)
{
    const char *who = luaL_checkstring(L, 1);
    const char *name = check_user_name(L, 2);
    const char *old_pw = luaL_checkstring(L, 3);
    const char *new_pw = luaL_checkstring(L, 4);
    const struct user_identity *u = current_user(L);
    bool admin = current_is_admin(L);
    if (!admin && (strcmp(who, u->name) != 0 || strcmp(who, name) != 0))
        return users_fail(L, "permission denied: only an administrator may change the password "
                             "of another user");
    if (old_pw[0] == '\0' && !admin)
        return users_fail(L, "permission denied: the old password is required");
    if (old_pw[0] != '\0') {
        enum users_status s = users_check_password(name, old_pw);
        if (s != USERS_OK)
            return push_status(L, s);
    }
    return push_status(L, users_set_password(name, new_pw));
}

/* ntop.changeUserRole(username, role): true, false when there is no such user. */
static int ntop_change_user_role(lua_State *L)
{
    const char *name = check_user_name(L, 1);
    const char *role = luaL_checkstring(L, 2);
    check_role(L, 2, role);
    return push_status(L, users_set_field(name, "group", role));
}

/* ntop.changeAllowedNets(username, allowed_nets): "CIDR[,CIDR...]"; "" = every network. */
static int ntop_change_allowed_nets(lua_State *L)
{
    const char *name = check_user_name(L, 1);
    const char *nets = luaL_checkstring(L, 2);
    check_nets(L, 2, nets);
    return push_status(L, users_set_field(name, "allowed_nets", nets));
}

/* ntop.changeAllowedIfname(username, ifname): "" = every interface. As ntopng, a name
 * with ":__" stands for "://" (URLs of collector interfaces in form fields). */
static int ntop_change_allowed_ifname(lua_State *L)
{
    const char *name = check_user_name(L, 1);
    size_t len;
    const char *ifname = luaL_checklstring(L, 2, &len);
    if (len >= USER_IFNAME_MAX)
        luaL_argerror(L, 2, "interface name too long");
    char buf[USER_IFNAME_MAX];
    snprintf(buf, sizeof(buf), "%s", ifname);
    char *c = strstr(buf, ":__");
    if (c)
        c[1] = c[2] = '/';
    return push_status(L, users_set_field(name, "allowed_ifname", buf));
}

/* ntop.changeUserFullName(username, full_name). */
static int ntop_change_user_full_name(lua_State *L)
{
    const char *name = check_user_name(L, 1);
    return push_status(L, users_set_field(name, "full_name", luaL_checkstring(L, 2)));
}

/* ntop.changeUserLanguage(username, language): "" removes it. */
static int ntop_change_user_language(lua_State *L)
{
    const char *name = check_user_name(L, 1);
    return push_status(L, users_set_field(name, "language", luaL_checkstring(L, 2)));
}

static int change_permission(lua_State *L, const char *field)
{
    const char *name = check_user_name(L, 1);
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    return push_status(L, users_set_field(name, field, lua_toboolean(L, 2) ? "1" : NULL));
}

/* ntop.changePcapDownloadPermission(username, allow). */
static int ntop_change_pcap_download_permission(lua_State *L)
{
    return change_permission(L, "allow_pcap");
}

/* ntop.changeHistoricalFlowPermission(username, allow). */
static int ntop_change_historical_flow_permission(lua_State *L)
{
    return change_permission(L, "allow_historical_flow");
}

/* ntop.changeAlertsPermission(username, allow). */
static int ntop_change_alerts_permission(lua_State *L)
{
    return change_permission(L, "allow_alerts");
}

/* What users_create_token or users_get_token gave: the token, nil when there is none (or
 * no such user), nil, message when the users cannot be had. */
static int push_token(lua_State *L, enum users_status s, const char *token)
{
    if (s == USERS_UNAVAILABLE)
        return users_fail(L, users_strerror(s));
    if (s != USERS_OK)
        lua_pushnil(L);
    else
        lua_pushstring(L, token);
    return 1;
}

/* ntop.createUserAPIToken(username): a new token (the old one stops working), nil when
 * there is no such user. An administrator, or the user themselves. */
static int ntop_create_user_api_token(lua_State *L)
{
    const char *name = check_user_name(L, 1);
    if (!may_act_on(L, name))
        return users_fail(L, "permission denied: only an administrator may create the token of "
                             "another user");
    char token[USER_TOKEN_HEX + 1];
    return push_token(L, users_create_token(name, token), token);
}

/* ntop.getUserAPIToken(username): the current token, nil when none. An administrator, or
 * the user themselves. */
static int ntop_get_user_api_token(lua_State *L)
{
    const char *name = check_user_name(L, 1);
    if (!may_act_on(L, name))
        return users_fail(L, "permission denied: only an administrator may read the token of "
                             "another user");
    char token[256];
    return push_token(L, users_get_token(name, token, sizeof(token)), token);
}

/* ntop.isAdministrator(): the probe's own scripts and --rpc-no-auth count as one. */
static int ntop_is_administrator(lua_State *L)
{
    lua_pushboolean(L, current_is_admin(L));
    return 1;
}

/* ntop.isPcapDownloadAllowed(): an administrator, or a user with the pcap permission who
 * may use the selected (else the first) interface. */
static int ntop_is_pcap_download_allowed(lua_State *L)
{
    const struct user_identity *u = current_user(L);
    if (!u || u->admin) {
        lua_pushboolean(L, 1);
        return 1;
    }
    struct lua_ctx *ctx = lua_ctx_of(L);
    struct iface *ifc = ctx->probe ? probe_iface(ctx->probe, ctx->ifid >= 0 ? ctx->ifid : 0) : NULL;
    bool iface_ok = !ifc || user_may_use_iface(u, ifc->name);
    lua_pushboolean(L, iface_ok && u->allow_pcap_download);
    return 1;
}

/* ntop.getAllowedNetworks(): the current user's stored allowed_nets string, as ntopng
 * ("0.0.0.0/0,::/0" when none is stored, and for the probe's own scripts). */
static int ntop_get_allowed_networks(lua_State *L)
{
    const struct user_identity *u = current_user(L);
    if (!u) {
        lua_pushliteral(L, USERS_ALL_NETS);
        return 1;
    }
    char err[256];
    redisReply *r = redis_command(err, sizeof(err), "GET ntopng.user.%s.allowed_nets", u->name);
    if (!r || r->type == REDIS_REPLY_ERROR) {
        if (r)
            freeReplyObject(r);
        return users_fail(L, users_strerror(USERS_UNAVAILABLE));
    }
    if (r->type == REDIS_REPLY_STRING)
        lua_pushlstring(L, r->str, r->len);
    else
        lua_pushliteral(L, USERS_ALL_NETS);
    freeReplyObject(r);
    return 1;
}

/* ntop.isAllowedInterface(id): false for an id that is not an interface of the probe
 * when the user is restricted to one interface. */
static int ntop_is_allowed_interface(lua_State *L)
{
    lua_Integer id = luaL_checkinteger(L, 1);
    const struct user_identity *u = current_user(L);
    if (!u || u->admin || !u->allowed_ifname[0]) {
        lua_pushboolean(L, 1);
        return 1;
    }
    struct lua_ctx *ctx = lua_ctx_of(L);
    struct iface *ifc =
        ctx->probe && id >= 0 && id <= INT32_MAX ? probe_iface(ctx->probe, (int)id) : NULL;
    lua_pushboolean(L, ifc && user_may_use_iface(u, ifc->name));
    return 1;
}

/* ntop.isAllowedNetwork(network): network is "ip", "ip/bits" or either with "@vlan"; true
 * when one of the user's networks contains all of it. An address that does not parse is
 * not allowed to a restricted user. */
static int ntop_is_allowed_network(lua_State *L)
{
    const char *s = luaL_checkstring(L, 1);
    const struct user_identity *u = current_user(L);
    if (!u || u->admin || u->allowed_nets.count == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    char buf[IPADDR_STRLEN + 16];
    snprintf(buf, sizeof(buf), "%s", s);
    char *at = strchr(buf, '@');
    if (at)
        *at = '\0';
    struct ipaddr base;
    int bits;
    bool ok = strlen(s) < sizeof(buf) && cidr_parse(buf, &base, &bits) == 0 &&
              user_may_see_net(u, &base, bits);
    lua_pushboolean(L, ok);
    return 1;
}

/* ntop.isLoginDisabled(): true when remote callers need no login (--rpc-no-auth), the
 * probe's counterpart of ntopng's disabled login. */
static int ntop_is_login_disabled(lua_State *L)
{
    struct lua_ctx *ctx = lua_ctx_of(L);
    lua_pushboolean(L, ctx->probe && ctx->probe->opt.rpc_no_auth);
    return 1;
}

/* ntop.isLoginBlacklisted([ip]): whether `ip` is blocked after repeated failed
 * authentications (ntopng's failed-login counter in Redis). ntopng asks about the HTTP
 * client, which has no counterpart in the probe: without `ip` a remote caller that got
 * here authenticated, so it is not blocked, and the probe's own scripts have no client
 * (nil, message). */
static int ntop_is_login_blacklisted(lua_State *L)
{
    const char *ip = luaL_optstring(L, 1, NULL);
    if (!ip) {
        if (!lua_ctx_of(L)->remote)
            return users_fail(L, "no client connection: give the address to check");
        lua_pushboolean(L, 0);
        return 1;
    }
    lua_pushboolean(L, users_peer_blocked(ip));
    return 1;
}

/* ntop.getNologinUser(): ntopng's name for the pseudo user of a disabled login. */
static int ntop_get_nologin_user(lua_State *L)
{
    lua_pushliteral(L, "nologin");
    return 1;
}

/* clang-format off */
static const struct api_binding ntop_users_bindings[] = {
    {"addUser",                         ntop_add_user,                           API_ADMIN, API_CTX_NONE},
    {"changeAlertsPermission",          ntop_change_alerts_permission,           API_ADMIN, API_CTX_NONE},
    {"changeAllowedIfname",             ntop_change_allowed_ifname,              API_ADMIN, API_CTX_NONE},
    {"changeAllowedNets",               ntop_change_allowed_nets,                API_ADMIN, API_CTX_NONE},
    {"changeHistoricalFlowPermission",  ntop_change_historical_flow_permission,  API_ADMIN, API_CTX_NONE},
    {"changePcapDownloadPermission",    ntop_change_pcap_download_permission,    API_ADMIN, API_CTX_NONE},
    {"changeUserFullName",              ntop_change_user_full_name,              API_ADMIN, API_CTX_NONE},
    {"changeUserLanguage",              ntop_change_user_language,               API_ADMIN, API_CTX_NONE},
    {"changeUserRole",                  ntop_change_user_role,                   API_ADMIN, API_CTX_NONE},
    {"createUserAPIToken",              ntop_create_user_api_token,              API_READ,  API_CTX_NONE},
    {"deleteUser",                      ntop_delete_user,                        API_ADMIN, API_CTX_NONE},
    {"getAllowedNetworks",              ntop_get_allowed_networks,               API_READ,  API_CTX_NONE},
    {"getNologinUser",                  ntop_get_nologin_user,                   API_READ,  API_CTX_NONE},
    {"getUserAPIToken",                 ntop_get_user_api_token,                 API_READ,  API_CTX_NONE},
    {"getUsers",                        ntop_get_users,                          API_ADMIN, API_CTX_NONE},
    {"isAdministrator",                 ntop_is_administrator,                   API_READ,  API_CTX_NONE},
    {"isAllowedInterface",              ntop_is_allowed_interface,               API_READ,  API_CTX_NONE},
    {"isAllowedNetwork",                ntop_is_allowed_network,                 API_READ,  API_CTX_NONE},
    {"isLoginBlacklisted",              ntop_is_login_blacklisted,               API_READ,  API_CTX_NONE},
    {"isLoginDisabled",                 ntop_is_login_disabled,                  API_READ,  API_CTX_NONE},
    {"isPcapDownloadAllowed",           ntop_is_pcap_download_allowed,           API_READ,  API_CTX_NONE},
    {"resetUserPassword",               ntop_reset_user_password,                API_READ,  API_CTX_NONE},
};
/* clang-format on */

const struct api_table api_ntop_users = API_TABLE("ntop", "users", ntop_users_bindings);
