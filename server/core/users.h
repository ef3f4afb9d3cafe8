/* Users and API tokens, kept in Redis with ntopng's keys (ntopng.user.<name>.*), and the
 * identity of a remote caller. Passwords are stored only as salted slow hashes.
 *
 * The RPC layer resolves the token of every call with users_identity_for_token(); the
 * result is cached in memory for a few seconds (a changed or deleted user is dropped from
 * the cache at once by the users_* writers of this process).
 *
 * Keys (ntopng's, include/ntop_defines.h): ntopng.user.<name>.password / .group /
 * .full_name / .allowed_nets / .allowed_ifname / .language / .host_pool_id / .user_id /
 * .theme / .date_format / .allow_pcap / .allow_historical_flow / .allow_alerts / .api_token;
 * the set ntopng.prefs.user_ids; the hash ntopng.api_tokens (token -> name); failed logins
 * ntopng.cache.failed_logins.<ip> (TTL 300 s). One key of our own, the token index
 * ntop_probe.api_token_sha256 (hex SHA-256 of a token -> name), lets a token be found
 * without Redis comparing the secret itself. A token that is not in the index (one ntopng
 * made) is searched for in ntopng.api_tokens comparing every entry in constant time, and
 * indexed when found. A token is valid only while ntopng.user.<name>.api_token holds it.
 *
 * Every function may be called from any thread; writers are serialised inside. */
#ifndef NTOP_USERS_H
#define NTOP_USERS_H

#include "netlist.h"

#include <stdbool.h>
#include <stddef.h>

#define USER_NAME_MAX   64
#define USER_IFNAME_MAX 128
#define USER_TOKEN_HEX  32 /* 128 random bits as lower-case hex, ntopng's token length */

#define USER_GROUP_ADMIN        "administrator"
#define USER_GROUP_UNPRIVILEGED "unprivileged"
#define USERS_ALL_NETS          "0.0.0.0/0,::/0" /* ntopng's CONST_DEFAULT_ALL_NETS */

/* ntopng's login blacklist: this many failures within the TTL block the address. */
#define USERS_MAX_FAILED_AUTH   5
#define USERS_FAILED_AUTH_TTL_S 300

enum users_status {
    USERS_OK = 0,
    USERS_NOT_FOUND = -1,   /* no such token/user, or the user is disabled */
    USERS_UNAVAILABLE = -2, /* Redis cannot be reached: retry later */
    USERS_EXISTS = -3,      /* users_add: the name is taken */
    USERS_INVALID = -4,     /* a name, role, network list or password that is not valid */
    USERS_FULL = -5,        /* users_add: ntopng's 63 user ids are all assigned */
};

/* A short English message for a status ("user not found", ...). Static string. */
const char *users_strerror(enum users_status s);

/* Who is calling, and what they may see. */
struct user_identity {
    char name[USER_NAME_MAX + 1];
    bool admin;                           /* group "administrator" */
    char allowed_ifname[USER_IFNAME_MAX]; /* "" = every interface */
    /* count 0 = every network. A restricted user whose stored list has no valid network
     * gets one entry of family 0, which contains no address (nothing is visible). */
    struct netlist allowed_nets;
    /* ntopng's capabilities (administrators have them all). */
    bool allow_pcap_download;
    bool allow_historical_flows;
    bool allow_alerts;
};

/* Resolves an API token to its user. The token is found through its SHA-256 and compared
 * with the stored one in constant time. USERS_UNAVAILABLE comes back at once (no network
 * wait) for about a second after Redis was found unreachable. Any thread. */
enum users_status users_identity_for_token(const char *token, struct user_identity *out);

/* The identity of a user by name (same rules as for a token, not cached). Any thread. */
enum users_status users_identity_for_name(const char *name, struct user_identity *out);

/* Visibility rules for result filtering. A NULL user (in-probe scripts, --rpc-no-auth)
 * sees everything. */
bool user_may_see_ip(const struct user_identity *u, const struct ipaddr *a);
bool user_may_use_iface(const struct user_identity *u, const char *ifname);
/* True when one allowed network contains the whole base/bits (ntopng's isAllowedNetwork:
 * a patricia match of the prefix). */
bool user_may_see_net(const struct user_identity *u, const struct ipaddr *base, int bits);

/* Failed authentications per peer address, in Redis as ntopng's failed-login counter:
 * after USERS_MAX_FAILED_AUTH failures within USERS_FAILED_AUTH_TTL_S seconds (every
 * failure restarts the period) the peer is blocked. `peer` is the client's address as
 * text (an IP, no port; "unix" for a Unix socket peer). The RPC layer counts a failure
 * with users_note_failed_auth(), clears the counter after a success with
 * users_clear_failed_auth(), and refuses a peer for which users_peer_blocked() is true
 * before looking at its token. users_peer_blocked() is false when Redis is down (the
 * token cannot be checked either then). Any thread. */
void users_note_failed_auth(const char *peer);
void users_clear_failed_auth(const char *peer);
bool users_peer_blocked(const char *peer);
/* The address part of a gRPC peer string ("ipv4:1.2.3.4:5", "ipv6:[::1]:5",
 * "unix:/path") into out: "1.2.3.4", "::1", "unix". Returns out. */
char *users_peer_address(const char *grpc_peer, char *out, size_t outlen);

/* The store. Names are 1..USER_NAME_MAX characters of [A-Za-z0-9_.@-]; roles are
 * USER_GROUP_ADMIN or USER_GROUP_UNPRIVILEGED; allowed_nets is "CIDR[,CIDR...]" (IPs or
 * networks) or "" (every network). All return USERS_OK or a negative status. */
struct user_new {
    const char *name, *full_name, *password, *group, *allowed_nets, *allowed_ifname;
    const char *host_pool_id, *language; /* NULL or "" = not set */
    bool allow_pcap_download, allow_historical_flows, allow_alerts;
};
enum users_status users_add(const struct user_new *u);
enum users_status users_delete(const char *name);
bool users_valid_name(const char *name);
/* 0/1, or USERS_UNAVAILABLE. */
int users_exists(const char *name);

/* Sets one attribute: field is one of "full_name", "group", "allowed_nets",
 * "allowed_ifname", "language", "host_pool_id" (the value "" deletes the last four, as
 * ntopng) and the permissions "allow_pcap", "allow_historical_flow", "allow_alerts"
 * (value "1" or NULL to delete). Validates group and allowed_nets. */
enum users_status users_set_field(const char *name, const char *field, const char *value);

/* Stores a new salted hash (yescrypt) of `password`. */
enum users_status users_set_password(const char *name, const char *password);
/* USERS_OK when `password` matches the stored hash (constant-time compare; ntopng's
 * unsalted MD5 hashes are accepted for users made by ntopng), USERS_NOT_FOUND when the
 * user or the password is wrong. */
enum users_status users_check_password(const char *name, const char *password);

/* Makes a new API token for the user (the old one stops working at once) into
 * token[USER_TOKEN_HEX + 1]. */
enum users_status users_create_token(const char *name, char *token);
/* The user's current token into buf (USERS_NOT_FOUND when none). */
enum users_status users_get_token(const char *name, char *buf, size_t len);

/* --create-admin: creates administrator `name`, or resets an existing user of that name to
 * administrator with a new random password, and gives it a new token. */
enum users_status users_create_admin(const char *name, char *token);

/* Drops every cached identity (the writers above call it). Any thread. */
void users_cache_flush(void);

#endif
