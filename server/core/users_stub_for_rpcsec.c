/* TEMPORARY (branch rpcsec): a minimal users_identity_for_token() and the visibility rules
 * of users.h, so the RPC security work can be tested before the users helper's users.c is
 * merged. The lead deletes this file when merging users.c.
 *
 * It reads ntopng's keys: HGET ntopng.api_tokens <token> -> user name; the user exists when
 * ntopng.user.<name>.group is set ("administrator" or anything else = unprivileged);
 * ntopng.user.<name>.allowed_nets ("CIDR,CIDR", default every network) and
 * ntopng.user.<name>.allowed_ifname ("" = every interface). No cache. */
#include "users.h"

#include "redis.h"

#include <stdio.h>
#include <string.h>

#define TOKEN_HASH "ntopng.api_tokens"

/* GET key into buf ("" when absent); 1 when set, 0 absent, -1 Redis unavailable. */
static int get_string(const char *key, char *buf, size_t len)
{
    char err[256];
    redisReply *r = redis_command(err, sizeof(err), "GET %s", key);
    if (!r)
        return -1;
    int rc = 0;
    buf[0] = '\0';
    if (r->type == REDIS_REPLY_STRING) {
        snprintf(buf, len, "%.*s", (int)r->len, r->str);
        rc = 1;
    } else if (r->type == REDIS_REPLY_ERROR) {
        rc = -1;
    }
    freeReplyObject(r);
    return rc;
}

enum users_status users_identity_for_token(const char *token, struct user_identity *out)
{
    char err[256], key[256], val[2048];
    memset(out, 0, sizeof(*out));
    if (!token || !*token || strlen(token) > 128)
        return USERS_NOT_FOUND;
    redisReply *r = redis_command(err, sizeof(err), "HGET %s %s", TOKEN_HASH, token);
    if (!r)
        return USERS_UNAVAILABLE;
    if (r->type == REDIS_REPLY_ERROR) {
        freeReplyObject(r);
        return USERS_UNAVAILABLE;
    }
    if (r->type != REDIS_REPLY_STRING || r->len == 0 || r->len > USER_NAME_MAX) {
        freeReplyObject(r);
        return USERS_NOT_FOUND;
    }
    snprintf(out->name, sizeof(out->name), "%.*s", (int)r->len, r->str);
    freeReplyObject(r);

    snprintf(key, sizeof(key), "ntopng.user.%s.group", out->name);
    int rc = get_string(key, val, sizeof(val));
    if (rc <= 0)
        return rc < 0 ? USERS_UNAVAILABLE : USERS_NOT_FOUND; /* a deleted user */
    out->admin = strcmp(val, "administrator") == 0;
    if (out->admin)
        return USERS_OK; /* administrators see everything, as in ntopng */

    snprintf(key, sizeof(key), "ntopng.user.%s.allowed_ifname", out->name);
    if (get_string(key, out->allowed_ifname, sizeof(out->allowed_ifname)) < 0)
        return USERS_UNAVAILABLE;
    snprintf(key, sizeof(key), "ntopng.user.%s.allowed_nets", out->name);
    rc = get_string(key, val, sizeof(val));
    if (rc < 0)
        return USERS_UNAVAILABLE;
    if (rc > 0 && val[0] && strcmp(val, "0.0.0.0/0,::/0") != 0 &&
        netlist_parse(&out->allowed_nets, val, err, sizeof(err)) != 0) {
        /* Unreadable restrictions must not widen what the user sees: nothing visible. */
        memset(&out->allowed_nets, 0, sizeof(out->allowed_nets));
        out->allowed_nets.count = 1;
        out->allowed_nets.nets[0].bits = 128;
        out->allowed_nets.nets[0].base.ver = 0; /* matches no address */
    }
    return USERS_OK;
}

bool user_may_see_ip(const struct user_identity *u, const struct ipaddr *a)
{
    if (!u || u->allowed_nets.count == 0)
        return true;
    for (int i = 0; i < u->allowed_nets.count; i++)
        if (u->allowed_nets.nets[i].base.ver == a->ver &&
            cidr_contains(&u->allowed_nets.nets[i].base, u->allowed_nets.nets[i].bits, a))
            return true;
    return false;
}

bool user_may_use_iface(const struct user_identity *u, const char *ifname)
{
    return !u || u->allowed_ifname[0] == '\0' || strcmp(u->allowed_ifname, ifname) == 0;
}
