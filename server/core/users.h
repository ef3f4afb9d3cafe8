/* Users and API tokens, kept in Redis with ntopng's keys (ntopng.user.<name>.*), and the
 * identity of a remote caller. Passwords are stored only as salted slow hashes.
 *
 * The RPC layer resolves the token of every call with users_identity_for_token(); the
 * result is cached in memory for a few seconds (a changed or deleted user is dropped from
 * the cache at once by the users_* writers of this process). */
#ifndef NTOP_USERS_H
#define NTOP_USERS_H

#include "netlist.h"

#include <stdbool.h>
#include <stddef.h>

#define USER_NAME_MAX 64
#define USER_IFNAME_MAX 128

enum users_status {
    USERS_OK = 0,
    USERS_NOT_FOUND = -1,   /* no such token/user, or the user is disabled */
    USERS_UNAVAILABLE = -2, /* Redis cannot be reached: retry later */
};

/* Who is calling, and what they may see. */
struct user_identity {
    char name[USER_NAME_MAX + 1];
    bool admin;                              /* group "administrator" */
    char allowed_ifname[USER_IFNAME_MAX];    /* "" = every interface */
    struct netlist allowed_nets;             /* count 0 = every network */
};

/* Resolves an API token to its user. The token is compared in constant time. Any
 * thread. */
enum users_status users_identity_for_token(const char *token, struct user_identity *out);

/* Visibility rules for result filtering. A NULL user (in-probe scripts, --rpc-no-auth)
 * sees everything. */
bool user_may_see_ip(const struct user_identity *u, const struct ipaddr *a);
bool user_may_use_iface(const struct user_identity *u, const char *ifname);

#endif
