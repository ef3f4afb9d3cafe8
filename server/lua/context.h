/* The context of a Lua state: which probe, which interface is selected, and the current
 * flow, host or network of a check. It lives in the state's extra space, so no script can
 * overwrite it, and the RPC bridge sets it from each call. */
#ifndef NTOP_CONTEXT_H
#define NTOP_CONTEXT_H

#include <lua.h>
#include <stdbool.h>

struct probe;
struct iface;
struct flow;
struct host;
struct user_identity;

struct lua_ctx {
    struct probe *probe;
    int ifid; /* selected interface, -1 when none */
    struct flow *flow;
    struct host *host;
    /* A remote call's current host, "ip[@vlan]" from its Context (borrowed for the call):
     * host.* bindings find it on the interface's thread. NULL in the probe. */
    const char *host_key;
    int network_id; /* current local network, -1 when none */
    bool remote;    /* the call came over RPC */
    /* RPC: the binding's results go straight into a Reply that accepts Table.records, so a
     * binding may return them pre-encoded (proto/wire_packed.h). */
    bool reply_records;
    /* The authenticated remote user; NULL in the probe and with --rpc-no-auth (no
     * restriction). Bindings that list or find hosts, flows or interfaces filter by it. */
    const struct user_identity *user;
};

/* The context of L (never NULL for states made by engine_new_state). */
static inline struct lua_ctx *lua_ctx_of(lua_State *L)
{
    return *(struct lua_ctx **)lua_getextraspace(L);
}

/* The selected interface, or raises a Lua error naming `fname`. */
struct iface *lua_ctx_iface(lua_State *L);

#endif
