/* The binding registry: every Lua API function is one lua_CFunction registered here with
 * its metadata. The same tables drive the in-probe namespaces, the RPC dispatch and the
 * generated documents (proto services, API reference, coverage).
 *
 * Each server/api/<namespace>_<category>.c file ends with one `api_table` that lists its
 * bindings; api_tables.c lists the tables. A function that does not really work is not
 * registered. */
#ifndef NTOP_REGISTRY_H
#define NTOP_REGISTRY_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

enum api_privilege {
    API_READ = 0, /* any authenticated user */
    API_WRITE,    /* changes probe state */
    API_ADMIN,    /* administrators only */
    API_EXEC,     /* administrators only, and refused to remote callers unless
                     --rpc-allow-exec: runs commands or opens outbound connections */
};

/* State the binding needs before it can run; checked centrally before the call. */
enum api_context {
    API_CTX_NONE = 0, /* global or stateless */
    API_CTX_IFACE,    /* the selected interface: runs on the thread that owns it */
    API_CTX_FLOW,     /* the current flow of a flow check */
    API_CTX_HOST,     /* the current host of a host check */
    API_CTX_NETWORK,  /* the current local network of a network check */
};

struct api_binding {
    const char *name; /* Lua name within the namespace, e.g. "getHostsInfo" */
    lua_CFunction fn;
    enum api_privilege privilege;
    enum api_context context;
};

struct api_table {
    const char *ns;       /* "ntop", "interface", "flow", "host", "network" */
    const char *category; /* topic, as in shared/api/functions.tsv */
    const struct api_binding *bindings;
    size_t count;
    /* Its API_CTX_IFACE bindings reach the interface's owner thread themselves (iface_call,
     * e.g. for a host snapshot) and do the rest on the caller's thread: the trampoline only
     * checks that an interface is selected (privileges are checked as for any binding). */
    bool handles_owner;
};

#define API_TABLE(ns_, category_, array_)                                                          \
    {                                                                                              \
        .ns = (ns_), .category = (category_), .bindings = (array_),                                \
        .count = sizeof(array_) / sizeof((array_)[0]),                                             \
    }

/* API_TABLE for bindings that handle their owner-thread access themselves. */
#define API_TABLE_HANDLES_OWNER(ns_, category_, array_)                                            \
    {                                                                                              \
        .ns = (ns_), .category = (category_), .bindings = (array_),                                \
        .count = sizeof(array_) / sizeof((array_)[0]), .handles_owner = true,                      \
    }

/* All tables, NULL-terminated (api_tables.c). */
extern const struct api_table *const api_all_tables[];

/* Finds a binding by namespace and name; NULL when not registered. Any thread. */
const struct api_binding *api_find(const char *ns, const char *name,
                                   const struct api_table **table_out);

/* Installs the five namespaces as global tables of `L` (functions that need an interface
 * go through a trampoline that checks the context and hands the call to the owner
 * thread). */
void api_open_all(lua_State *L);

const char *api_privilege_name(enum api_privilege p);
const char *api_context_name(enum api_context c);

#endif
