/* interface.* bindings, category flows: the flow list with ntopng's paginator
 * (Paginator.cpp, NetworkInterface::getFlows/sortFlows/flow_matches) and the per-protocol
 * flow summary (NetworkInterface::getFlowsStats).
 *
 * Paginator keys for features the probe does not have (pools, ASNs, DSCP, alerts, flow
 * status, periodicity, exporters, eBPF, containers, WLAN) raise instead of being ignored,
 * so a script never mistakes "not supported" for "no such flow". Keys ntopng parses and
 * then never uses in getFlowsInfo, or uses only in other editions, are accepted. */
#include "api_util.h"
#include "push_flow.h"
#include "push_host.h"

#include "../core/dpi.h"
#include "../core/iface.h"
#include "../core/probe.h"
#include "../core/users.h"

#include <ndpi/ndpi_api.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_NUM_HITS   32768 /* ntopng's CONST_MAX_NUM_HITS: also the paginator's page limit */
#define PROTO_NAME_LEN 64

enum flow_sorter {
    SORT_BYTES,
    SORT_CLIENT,
    SORT_SERVER,
    SORT_VLAN,
    SORT_PROTO_L4,
    SORT_NDPI,
    SORT_PROTOCOL,
    SORT_DURATION,
    SORT_LAST_SEEN,
    SORT_FIRST_SEEN,
    SORT_KEY,
};

/* Columns of NetworkInterface::sortFlows the probe can evaluate. Unknown columns sort by
 * bytes, as in ntopng; so do the ones the probe has no data for: column_thpt (ntopng's
 * default), column_score, the RTTs and the exporter columns. */
static const struct {
    const char *name;
    enum flow_sorter sorter;
} flow_sort_columns[] = {
    {"column_",           SORT_BYTES     },
    {"column_bytes",      SORT_BYTES     },
    {"column_client",     SORT_CLIENT    },
    {"column_duration",   SORT_DURATION  },
    {"column_first_seen", SORT_FIRST_SEEN},
    {"column_key",        SORT_KEY       },
    {"column_last_seen",  SORT_LAST_SEEN },
    {"column_ndpi",       SORT_NDPI      },
    {"column_proto_l4",   SORT_PROTO_L4  },
    {"column_protocol",   SORT_PROTOCOL  },
    {"column_server",     SORT_SERVER    },
    {"column_vlan",       SORT_VLAN      },
};

static enum flow_sorter flow_sorter_of(const char *name)
{
    for (size_t i = 0; i < sizeof(flow_sort_columns) / sizeof(flow_sort_columns[0]); i++)
        if (strcmp(flow_sort_columns[i].name, name) == 0)
            return flow_sort_columns[i].sorter;
    return SORT_BYTES;
}

enum locality { LOCALITY_ALL, LOCALITY_LOCAL, LOCALITY_REMOTE };
enum tcp_state_filter {
    TCP_STATE_ANY,
    TCP_STATE_ESTABLISHED,
    TCP_STATE_CONNECTING,
    TCP_STATE_CLOSED,
    TCP_STATE_RESET
};

struct flow_query {
    const struct user_identity *user; /* the remote caller: its networks filter; NULL = all */
    enum flow_sorter sorter;
    uint32_t max_hits, to_skip;
    bool a2z;
    bool detailed;
    bool level_set;
    enum flow_detail level;
    int l7_master, l7_app; /* -1: no filter */
    int l7_category;       /* -1: no filter */
    int port;              /* 0: no filter */
    bool has_local_net;
    int local_net;
    int vlan;       /* -1: no filter */
    int ip_version; /* 0: no filter */
    int l4_proto;   /* 0: no filter */
    enum locality client_mode, server_mode;
    enum tcp_state_filter tcp_state;
    int unicast;        /* -1 unset, 0, 1 */
    int unidirectional; /* -1 unset, 0, 1 */
    bool has_mac;
    uint8_t mac[6];
    int iface_index; /* -1: no filter */

    const struct host *host, *talking_with, *client, *server;
    bool match_none; /* a host argument names a host that does not exist */
    const char *flow_info;
};

/* ---- paginator ---- */

static void pag_error(lua_State *L, const char *key, const char *what)
{
    luaL_argerror(L, 2, lua_pushfstring(L, "paginator key '%s' %s", key, what));
}

static lua_Integer pag_int(lua_State *L, const char *key)
{
    int ok = 0;
    lua_Integer v = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;
    if (!ok)
        pag_error(L, key, "must be an integer");
    return v;
}

static lua_Integer pag_count(lua_State *L, const char *key)
{
    lua_Integer v = pag_int(L, key);
    if (v < 0)
        pag_error(L, key, "must not be negative");
    return v;
}

static const char *pag_str(lua_State *L, const char *key)
{
    if (lua_type(L, -1) != LUA_TSTRING)
        pag_error(L, key, "must be a string");
    return lua_tostring(L, -1);
}

static bool pag_bool(lua_State *L, const char *key)
{
    if (lua_type(L, -1) != LUA_TBOOLEAN)
        pag_error(L, key, "must be a boolean");
    return lua_toboolean(L, -1);
}

static enum locality pag_locality(lua_State *L, const char *key)
{
    const char *v = pag_str(L, key);
    if (strcmp(v, "local") == 0)
        return LOCALITY_LOCAL;
    if (strcmp(v, "remote") == 0)
        return LOCALITY_REMOTE;
    return LOCALITY_ALL;
}

/* l7protoFilter: a number N (application or master N), or "M.A" (master M and
 * application A; 0 leaves that half open). ntopng reads a plain string "N" as master N
 * and application N (a sscanf side effect); here it means what the number N means. */
static void pag_l7proto(lua_State *L, struct flow_query *q)
{
    int master = -1, app = -1;
    if (lua_type(L, -1) == LUA_TNUMBER) {
        app = (int)pag_int(L, "l7protoFilter");
    } else {
        const char *s = pag_str(L, "l7protoFilter");
        char *end;
        long a = strtol(s, &end, 10);
        if (end == s)
            pag_error(L, "l7protoFilter", "must be \"<id>\" or \"<master>.<app>\"");
        if (*end == '.') {
            const char *p2 = end + 1;
            long b = strtol(p2, &end, 10);
            if (end == p2 || *end)
                pag_error(L, "l7protoFilter", "must be \"<id>\" or \"<master>.<app>\"");
            master = (int)a, app = (int)b;
        } else if (*end) {
            pag_error(L, "l7protoFilter", "must be \"<id>\" or \"<master>.<app>\"");
        } else {
            app = (int)a;
        }
    }
    if (master < 0 && app < 0)
        return; /* negative ids: no filter */
    q->l7_master = master < 0 ? NDPI_PROTOCOL_UNKNOWN : master;
    q->l7_app = app < 0 ? NDPI_PROTOCOL_UNKNOWN : app;
}

static const char *const unsupported_keys[] = {
    "alertedFlows",   "asnFilter",      "container",     "deviceIpFilter", "dscpFilter",
    "icmp_code",      "icmp_type",      "inIndexFilter", "outIndexFilter", "periodicFlows",
    "pidnameFilter",  "poolFilter",     "pod",           "statusFilter",   "statusSeverityFilter",
    "usernameFilter", "wlanSSIDFilter",
};

/* Accepted and ignored: unused by getFlowsInfo in ntopng, or nEdge/Pro only there. */
static const char *const ignored_keys[] = {
    "client", "countryFilter", "filteredFlows", "hostFilter", "server", "trafficProfileFilter",
};

static bool in_list(const char *key, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(key, list[i]) == 0)
            return true;
    return false;
}

static void pag_option(lua_State *L, const char *key, struct flow_query *q)
{
    if (strcmp(key, "sortColumn") == 0) {
        q->sorter = flow_sorter_of(pag_str(L, key));
    } else if (strcmp(key, "maxHits") == 0) {
        lua_Integer v = pag_count(L, key);
        q->max_hits = v > MAX_NUM_HITS ? MAX_NUM_HITS : (uint32_t)v;
    } else if (strcmp(key, "toSkip") == 0) {
        lua_Integer v = pag_count(L, key);
        q->to_skip = v > (lua_Integer)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    } else if (strcmp(key, "a2zSortOrder") == 0) {
        q->a2z = pag_bool(L, key);
    } else if (strcmp(key, "detailedResults") == 0) {
        q->detailed = pag_bool(L, key);
    } else if (strcmp(key, "detailsLevel") == 0) {
        if (api_flow_detail_parse(pag_str(L, key), &q->level) != 0)
            pag_error(L, key, "must be \"normal\", \"high\", \"higher\" or \"max\"");
        q->level_set = true;
    } else if (strcmp(key, "l7protoFilter") == 0) {
        pag_l7proto(L, q);
    } else if (strcmp(key, "l7categoryFilter") == 0) {
        q->l7_category = (int)pag_int(L, key);
    } else if (strcmp(key, "portFilter") == 0) {
        q->port = (uint16_t)pag_int(L, key);
    } else if (strcmp(key, "LocalNetworkFilter") == 0) {
        q->has_local_net = true;
        q->local_net = (int16_t)pag_int(L, key);
    } else if (strcmp(key, "vlanIdFilter") == 0) {
        uint16_t vlan = (uint16_t)pag_int(L, key);
        q->vlan = vlan == 65535 ? -1 : vlan; /* ntopng's "no filter" */
    } else if (strcmp(key, "ipVersion") == 0) {
        q->ip_version = (uint8_t)pag_int(L, key);
    } else if (strcmp(key, "L4Protocol") == 0) {
        q->l4_proto = (uint8_t)pag_int(L, key);
    } else if (strcmp(key, "clientMode") == 0) {
        q->client_mode = pag_locality(L, key);
    } else if (strcmp(key, "serverMode") == 0) {
        q->server_mode = pag_locality(L, key);
    } else if (strcmp(key, "tcpFlowStateFilter") == 0) {
        const char *v = pag_str(L, key);
        q->tcp_state = strcmp(v, "established") == 0  ? TCP_STATE_ESTABLISHED
                       : strcmp(v, "connecting") == 0 ? TCP_STATE_CONNECTING
                       : strcmp(v, "closed") == 0     ? TCP_STATE_CLOSED
                       : strcmp(v, "reset") == 0      ? TCP_STATE_RESET
                                                      : TCP_STATE_ANY;
    } else if (strcmp(key, "unicast") == 0) {
        q->unicast = pag_bool(L, key);
    } else if (strcmp(key, "unidirectional") == 0) {
        q->unidirectional = pag_bool(L, key);
    } else if (strcmp(key, "macFilter") == 0) {
        if (api_mac_parse(pag_str(L, key), q->mac) != 0)
            pag_error(L, key, "must be a MAC address");
        q->has_mac = true;
    } else if (strcmp(key, "ifaceIndex") == 0) {
        q->iface_index = (int)pag_int(L, key);
    } else if (in_list(key, unsupported_keys,
                       sizeof(unsupported_keys) / sizeof(unsupported_keys[0]))) {
        pag_error(L, key, "is not supported by this probe");
    } else if (in_list(key, ignored_keys, sizeof(ignored_keys) / sizeof(ignored_keys[0]))) {
        /* accepted */
    }
    /* other keys are ignored, as ntopng does */
}

static void read_paginator(lua_State *L, int idx, struct flow_query *q)
{
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING)
            pag_option(L, lua_tostring(L, -2), q);
        lua_pop(L, 1);
    }
}

/* ---- matching ---- */

static bool is_bcast_or_mcast(const struct ipaddr *ip)
{
    return ipaddr_is_multicast(ip) || ipaddr_is_broadcast(ip);
}

static bool mac_is(const struct host *h, const uint8_t *mac)
{
    return h && h->has_mac && memcmp(h->mac, mac, 6) == 0;
}

static bool l7_matches(const struct flow *f, const struct flow_query *q)
{
    int m = q->l7_master, a = q->l7_app;
    if (m < 0)
        return true;
    if (m == NDPI_PROTOCOL_UNKNOWN && a == NDPI_PROTOCOL_UNKNOWN)
        return f->ndpi_master == NDPI_PROTOCOL_UNKNOWN && f->ndpi_app == NDPI_PROTOCOL_UNKNOWN;
    if (m == NDPI_PROTOCOL_UNKNOWN)
        return a == f->ndpi_app || a == f->ndpi_master;
    if (a == NDPI_PROTOCOL_UNKNOWN)
        return m == f->ndpi_app || m == f->ndpi_master;
    return m == f->ndpi_master && a == f->ndpi_app;
}

static int local_net_of(struct iface *ifc, const struct flow *f, bool client)
{
    const struct host *h = client ? f->cli_host : f->srv_host;
    if (h)
        return h->network_id;
    int net = -1;
    probe_is_local(ifc->probe, client ? &f->key.cli : &f->key.srv, &net);
    return net;
}

static bool locality_ok(struct iface *ifc, const struct flow *f, bool client, enum locality m)
{
    if (m == LOCALITY_ALL)
        return true;
    return api_flow_end_is_local(ifc, f, client) == (m == LOCALITY_LOCAL);
}

/* flow_matches, for what the probe tracks */
static bool flow_matches(struct iface *ifc, const struct flow *f, const struct flow_query *q)
{
    if (f->idle || q->match_none)
        return false;
    /* ntopng's Flow::match: visible when the client or the server is in the user's networks */
    if (q->user && !user_may_see_ip(q->user, &f->key.cli) && !user_may_see_ip(q->user, &f->key.srv))
        return false;
    if (q->server && f->srv_host != q->server)
        return false;
    if (q->talking_with && f->cli_host != q->talking_with && f->srv_host != q->talking_with)
        return false;
    if (q->client && f->cli_host != q->client)
        return false;
    if (q->host && f->cli_host != q->host && f->srv_host != q->host)
        return false;
    if (q->flow_info) {
        char buf[256];
        const char *info = api_flow_info(f, buf, sizeof(buf));
        if (!info || strcmp(info, q->flow_info) != 0)
            return false;
    }
    if (!l7_matches(f, q))
        return false;
    if (q->l7_category >= 0 && api_flow_category(ifc, f) != q->l7_category)
        return false;
    if (q->tcp_state != TCP_STATE_ANY) {
        struct flow_tcp_state st;
        api_flow_tcp_state(f, &st);
        bool ok = f->key.proto == 6 && ((q->tcp_state == TCP_STATE_ESTABLISHED && st.established) ||
                                        (q->tcp_state == TCP_STATE_CONNECTING && st.connecting) ||
                                        (q->tcp_state == TCP_STATE_CLOSED && st.closed) ||
                                        (q->tcp_state == TCP_STATE_RESET && st.reset));
        if (!ok)
            return false;
    }
    if ((q->ip_version == 4 || q->ip_version == 6) && f->key.cli.ver != q->ip_version)
        return false;
    if (q->l4_proto && f->key.proto != q->l4_proto)
        return false;
    if (q->iface_index >= 0 && q->iface_index != ifc->id)
        return false;
    if (q->port && f->key.cli_port != q->port && f->key.srv_port != q->port)
        return false;
    if (q->has_local_net && local_net_of(ifc, f, true) != q->local_net &&
        local_net_of(ifc, f, false) != q->local_net)
        return false;
    if (q->vlan >= 0 && f->key.vlan != q->vlan)
        return false;
    if (!locality_ok(ifc, f, true, q->client_mode) || !locality_ok(ifc, f, false, q->server_mode))
        return false;
    /* ntopng's test keeps one-way flows for both true and false (it drops bidirectional
     * ones for false); false selects the bidirectional flows here, as documented. */
    if (q->unidirectional >= 0) {
        bool one_way = f->c2s.packets == 0 || f->s2c.packets == 0;
        if (q->unidirectional != one_way)
            return false;
    }
    if (q->unicast >= 0) {
        bool any_bm = is_bcast_or_mcast(&f->key.cli) || is_bcast_or_mcast(&f->key.srv);
        if (q->unicast == any_bm)
            return false;
    }
    if (q->has_mac && !mac_is(f->cli_host, q->mac) && !mac_is(f->srv_host, q->mac))
        return false;
    return true;
}

/* ---- sorting ---- */

struct flow_entry {
    const struct flow *f;
    uint64_t num;
    const void *aux; /* the host for SORT_CLIENT/SORT_SERVER, the name for SORT_PROTOCOL */
};

static int cmp_id(const struct flow_entry *a, const struct flow_entry *b)
{
    return a->f->id < b->f->id ? -1 : (a->f->id > b->f->id ? 1 : 0);
}

static int cmp_num(const void *pa, const void *pb)
{
    const struct flow_entry *a = pa, *b = pb;
    if (a->num != b->num)
        return a->num < b->num ? -1 : 1;
    return cmp_id(a, b);
}

static int cmp_host(const void *pa, const void *pb)
{
    const struct flow_entry *a = pa, *b = pb;
    const struct host *ha = a->aux, *hb = b->aux;
    int c = ipaddr_cmp(&ha->ip, &hb->ip);
    return c ? c : cmp_id(a, b);
}

/* protocolSorter: the detected protocol name, then the L4 name (both case-insensitive);
 * the L4 number orders the same pairs here. */
static int cmp_protocol(const void *pa, const void *pb)
{
    const struct flow_entry *a = pa, *b = pb;
    int c = strcasecmp(a->aux, b->aux);
    if (c)
        return c;
    return cmp_num(pa, pb);
}

/* Fills e's sort key; false when the flow has no place in this order (ntopng drops flows
 * without the sorted host). */
static bool set_sort_key(struct iface *ifc, struct flow_entry *e, enum flow_sorter s, char *name)
{
    const struct flow *f = e->f;
    switch (s) {
    case SORT_BYTES:
        e->num = flow_bytes(f);
        break;
    case SORT_CLIENT:
        e->aux = f->cli_host;
        return f->cli_host != NULL;
    case SORT_SERVER:
        e->aux = f->srv_host;
        return f->srv_host != NULL;
    case SORT_VLAN:
        e->num = f->key.vlan;
        break;
    case SORT_PROTO_L4:
        e->num = f->key.proto;
        break;
    case SORT_NDPI:
        e->num = f->ndpi_app;
        break;
    case SORT_PROTOCOL:
        if (f->detection_done)
            dpi_flow_proto_name(ifc, f, name, PROTO_NAME_LEN);
        else
            strcpy(name, "Unknown");
        e->aux = name;
        e->num = f->key.proto;
        break;
    case SORT_DURATION:
        e->num = (uint64_t)(api_secs(f->last_seen_us) - api_secs(f->first_seen_us) + 1);
        break;
    case SORT_LAST_SEEN:
        e->num = (uint64_t)api_secs(f->last_seen_us);
        break;
    case SORT_FIRST_SEEN:
        e->num = (uint64_t)api_secs(f->first_seen_us);
        break;
    case SORT_KEY:
        e->num = f->id;
        break;
    }
    return true;
}

static enum flow_detail detail_of(const struct flow_query *q)
{
    if (q->level_set)
        return q->level;
    if (q->detailed)
        return FLOW_DETAIL_HIGH;
    if (q->client_mode == LOCALITY_LOCAL && q->server_mode == LOCALITY_LOCAL)
        return FLOW_DETAIL_HIGH;
    return q->max_hits != MAX_NUM_HITS ? FLOW_DETAIL_HIGH : FLOW_DETAIL_NORMAL;
}

static void push_flow_list(lua_State *L, struct iface *ifc, const struct flow_query *q)
{
    uint32_t cap = ifc->flows.count;
    struct flow_entry *v = lua_newuserdatauv(L, (cap ? cap : 1) * sizeof(*v), 0);
    char *names = NULL;
    if (q->sorter == SORT_PROTOCOL)
        names = lua_newuserdatauv(L, (cap ? cap : 1) * (size_t)PROTO_NAME_LEN, 0);
    else
        lua_pushnil(L); /* keeps the stack layout the same */
    uint32_t n = 0;
    for (const struct flow *f = ifc->flows.head; f && n < cap; f = f->list_next) {
        if (!flow_matches(ifc, f, q))
            continue;
        v[n] = (struct flow_entry){.f = f};
        if (set_sort_key(ifc, &v[n], q->sorter, names ? names + (size_t)n * PROTO_NAME_LEN : NULL))
            n++;
    }
    int (*cmp)(const void *, const void *) = cmp_num;
    if (q->sorter == SORT_CLIENT || q->sorter == SORT_SERVER)
        cmp = cmp_host;
    else if (q->sorter == SORT_PROTOCOL)
        cmp = cmp_protocol;
    qsort(v, n, sizeof(*v), cmp);

    enum flow_detail level = detail_of(q);
    lua_createtable(L, 0, 3);
    api_set_uint(L, "numFlows", n);
    api_set_int(L, "nextSlot", 0); /* the whole table is walked */
    lua_createtable(L, n < q->max_hits ? (int)n : (int)q->max_hits, 0);
    lua_Integer pos = 1;
    for (uint32_t k = q->to_skip, num = 0; k < n && num < q->max_hits; k++, num++) {
        push_flow(L, ifc, v[q->a2z ? k : n - 1 - k].f, level);
        lua_rawseti(L, -2, pos++);
    }
    lua_setfield(L, -2, "flows");
    lua_replace(L, -3); /* drop the arrays, keep the result */
    lua_pop(L, 1);
}

/* Resolves a host argument; NULL for nil. A host that does not exist sets match_none. */
static const struct host *host_arg(lua_State *L, struct iface *ifc, int arg, struct flow_query *q)
{
    const char *key = luaL_optstring(L, arg, NULL);
    if (!key)
        return NULL;
    const struct host *h = api_host_lookup_visible(L, ifc, key, -1);
    if (!h)
        q->match_none = true;
    return h;
}

/* getFlowsInfo([host [, paginator [, talking_with [, client [, server [, flow_info]]]]]])
 * Returns nil when `host` is given and unknown. An unknown talking_with/client/server
 * host matches no flow (ntopng drops such a filter instead). */
static int interface_get_flows_info(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    struct flow_query q = {
        .sorter = SORT_BYTES, /* column_thpt, ntopng's default, is not tracked */
        .max_hits = MAX_NUM_HITS,
        .a2z = true,
        .l7_master = -1,
        .l7_app = -1,
        .l7_category = -1,
        .vlan = -1,
        .unicast = -1,
        .unidirectional = -1,
        .iface_index = -1,
        .user = lua_ctx_of(L)->user,
    };
    q.host = host_arg(L, ifc, 1, &q);
    if (q.match_none) {
        lua_pushnil(L);
        return 1;
    }
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        read_paginator(L, 2, &q);
    }
    q.talking_with = host_arg(L, ifc, 3, &q);
    q.client = host_arg(L, ifc, 4, &q);
    q.server = host_arg(L, ifc, 5, &q);
    const char *info = luaL_optstring(L, 6, NULL);
    q.flow_info = info && *info ? info : NULL;
    push_flow_list(L, ifc, &q);
    return 1;
}

/* getFlowsStats(): {num_flows, protos = {[app name] = bytes}, breeds = {[breed] = bytes}}
 * over the active flows. ntopng sums in 32-bit counters; the probe does not wrap. */
static int interface_get_flows_stats(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    struct ndpi_detection_module_struct *nd = ifc->ndpi;
    uint32_t size = ifc->l7_size ? ifc->l7_size : 1;
    uint64_t *proto_bytes = lua_newuserdatauv(L, size * sizeof(uint64_t), 0);
    memset(proto_bytes, 0, size * sizeof(uint64_t));
    uint64_t breed_bytes[NUM_BREEDS] = {0};
    uint64_t num_flows = 0;
    const struct user_identity *user = lua_ctx_of(L)->user;

    for (const struct flow *f = ifc->flows.head; f; f = f->list_next) {
        if (f->idle)
            continue;
        if (user && !user_may_see_ip(user, &f->key.cli) && !user_may_see_ip(user, &f->key.srv))
            continue;
        num_flows++;
        uint16_t app = f->ndpi_app < size ? f->ndpi_app : NDPI_PROTOCOL_UNKNOWN;
        proto_bytes[app] += flow_bytes(f);
        ndpi_protocol p = {0};
        if (f->detection_done) {
            p.master_protocol = f->ndpi_master;
            p.app_protocol = f->ndpi_app;
        }
        ndpi_protocol_breed_t b = ndpi_get_proto_breed(nd, ndpi_get_upper_proto(p));
        if ((unsigned)b < NUM_BREEDS)
            breed_bytes[b] += flow_bytes(f);
    }

    lua_createtable(L, 0, 3);
    api_set_uint(L, "num_flows", num_flows);
    lua_newtable(L);
    for (uint32_t id = 0; id < size; id++)
        if (proto_bytes[id])
            api_set_uint(L, ndpi_get_proto_name(nd, (uint16_t)id), proto_bytes[id]);
    lua_setfield(L, -2, "protos");
    lua_newtable(L);
    for (int b = 0; b < NUM_BREEDS; b++)
        if (breed_bytes[b])
            api_set_uint(L, ndpi_get_proto_breed_name(nd, (ndpi_protocol_breed_t)b),
                         breed_bytes[b]);
    lua_setfield(L, -2, "breeds");
    lua_remove(L, -2);
    return 1;
}

static const struct api_binding interface_flows_bindings[] = {
    {"getFlowsInfo",  interface_get_flows_info,  API_READ, API_CTX_IFACE},
    {"getFlowsStats", interface_get_flows_stats, API_READ, API_CTX_IFACE},
};

const struct api_table api_interface_flows =
    API_TABLE("interface", "flows", interface_flows_bindings);
