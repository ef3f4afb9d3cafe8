/* interface.* bindings, category macs: the MAC list (LuaEngineInterface.cpp:
 * ntop_get_interface_macs_info, NetworkInterface::getActiveMacList/sortMacs) and one MAC's
 * details, as Mac::lua tables. Left out of the tables: manufacturer, model and device type
 * (no OUI database or fingerprinting), DHCP counters, pools, throughput and anomaly indexes. */
#include "api_util.h"

#include "../core/iface.h"
#include "../core/users.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NUM_HITS 32768 /* ntopng's CONST_MAX_NUM_HITS */

enum mac_sorter {
    SORT_MAC,
    SORT_SINCE,
    SORT_TRAFFIC,
    SORT_HOSTS,
    SORT_ARP_TOTAL,
    SORT_ARP_SENT,
    SORT_ARP_RCVD,
};

/* Unknown columns leave ntopng's sorter undefined; here they, and the columns without
 * data (column_thpt, column_manufacturer, column_device_type), sort by MAC. */
static const struct {
    const char *name;
    enum mac_sorter sorter;
} mac_sort_columns[] = {
    {"column_",          SORT_MAC      },
    {"column_arp_rcvd",  SORT_ARP_RCVD },
    {"column_arp_sent",  SORT_ARP_SENT },
    {"column_arp_total", SORT_ARP_TOTAL},
    {"column_hosts",     SORT_HOSTS    },
    {"column_mac",       SORT_MAC      },
    {"column_since",     SORT_SINCE    },
    {"column_traffic",   SORT_TRAFFIC  },
};

static enum mac_sorter mac_sorter_of(const char *name)
{
    for (size_t i = 0; i < sizeof(mac_sort_columns) / sizeof(mac_sort_columns[0]); i++)
        if (strcmp(mac_sort_columns[i].name, name) == 0)
            return mac_sort_columns[i].sorter;
    return SORT_MAC;
}

static uint64_t mac_int(const uint8_t *a)
{
    uint64_t v = 0;
    for (int i = 0; i < 6; i++)
        v = (v << 8) | a[i];
    return v;
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : (a > b ? 1 : 0);
}

/* Mac::lua with details (both getMacsInfo and getMacInfo ask for them). */
static void push_mac(lua_State *L, const struct mac *m)
{
    char buf[18];
    lua_createtable(L, 0, 16);
    api_set_str(L, "mac", api_mac_str(m->addr, buf));
    api_set_bool(L, "source_mac", m->source_mac);
    api_set_bool(L, "special_mac", m->special);
    api_set_uint(L, "arp_requests.sent", m->arp_requests_sent);
    api_set_uint(L, "arp_requests.rcvd", m->arp_requests_rcvd);
    api_set_uint(L, "arp_replies.sent", m->arp_replies_sent);
    api_set_uint(L, "arp_replies.rcvd", m->arp_replies_rcvd);
    api_set_uint(L, "bytes.sent", m->t.bytes_sent);
    api_set_uint(L, "bytes.rcvd", m->t.bytes_rcvd);
    api_set_uint(L, "packets.sent", m->t.pkts_sent);
    api_set_uint(L, "packets.rcvd", m->t.pkts_rcvd);
    int64_t first = api_secs(m->first_seen_us), last = api_secs(m->last_seen_us);
    api_set_int(L, "seen.first", first);
    api_set_int(L, "seen.last", last);
    api_set_int(L, "duration", last - first + 1);
    api_set_uint(L, "num_hosts", m->num_hosts);
}

struct mac_entry {
    const struct mac *m;
    uint64_t num;
    uint64_t tie; /* the MAC as a number: a total order */
};

static int cmp_entry(const void *pa, const void *pb)
{
    const struct mac_entry *a = pa, *b = pb;
    if (a->num != b->num)
        return a->num < b->num ? -1 : 1;
    return a->tie < b->tie ? -1 : (a->tie > b->tie ? 1 : 0);
}

static uint64_t sort_key(const struct mac *m, enum mac_sorter s)
{
    switch (s) {
    case SORT_MAC:
        return mac_int(m->addr);
    case SORT_SINCE:
        return (uint64_t)api_secs(m->first_seen_us);
    case SORT_TRAFFIC:
        return m->t.bytes_sent + m->t.bytes_rcvd;
    case SORT_HOSTS:
        return m->num_hosts;
    case SORT_ARP_TOTAL:
        return m->arp_requests_sent + m->arp_replies_sent + m->arp_requests_rcvd +
               m->arp_replies_rcvd;
    case SORT_ARP_SENT:
        return m->arp_requests_sent + m->arp_replies_sent;
    case SORT_ARP_RCVD:
        return m->arp_requests_rcvd + m->arp_replies_rcvd;
    }
    return 0;
}

static uint32_t opt_u32(lua_State *L, int arg, uint32_t def)
{
    lua_Integer v = luaL_optinteger(L, arg, def);
    luaL_argcheck(L, v >= 0, arg, "must not be negative");
    return v > (lua_Integer)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* What a caller restricted to some networks may see of layer 2: the MACs its visible hosts
 * carry (ntopng does not filter MACs at all; here a MAC would otherwise tell which devices
 * sit outside the caller's networks). Pushes a userdata holding the sorted MACs of the
 * visible hosts and returns it with its size in *n, or pushes nothing and returns NULL for
 * an unrestricted caller. Owner thread. */
static uint64_t *visible_macs(lua_State *L, struct iface *ifc, uint32_t *n)
{
    const struct user_identity *u = lua_ctx_of(L)->user;
    *n = 0;
    if (!u || u->allowed_nets.count == 0)
        return NULL;
    uint32_t cap = ifc->hosts.count;
    uint64_t *v = lua_newuserdatauv(L, (cap ? cap : 1) * sizeof(*v), 0);
    for (const struct host *h = ifc->hosts.head; h && *n < cap; h = h->list_next)
        if (h->has_mac && user_may_see_ip(u, &h->ip))
            v[(*n)++] = mac_int(h->mac);
    qsort(v, *n, sizeof(*v), cmp_u64);
    return v;
}

static bool mac_visible(const uint64_t *macs, uint32_t n, const uint8_t *addr)
{
    uint64_t key = mac_int(addr);
    return !macs || bsearch(&key, macs, n, sizeof(*macs), cmp_u64) != NULL;
}

static void unsupported(lua_State *L, int arg, bool is_default, const char *what)
{
    if (!is_default)
        luaL_argerror(L, arg, lua_pushfstring(L, "%s filter not supported by this probe", what));
}

/* getMacsInfo([sortColumn, maxHits, toSkip, a2zSortOrder, sourceMacsOnly, manufacturer,
 * pool, devtype, location, min_first_seen]) -> {numMacs, nextSlot, macs = {...}} */
static int interface_get_macs_info(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    enum mac_sorter sorter = mac_sorter_of(luaL_optstring(L, 1, "column_mac"));
    uint32_t max_hits = opt_u32(L, 2, MAX_NUM_HITS);
    uint32_t to_skip = opt_u32(L, 3, 0);
    bool a2z = api_opt_bool(L, 4, true);
    bool source_only = api_opt_bool(L, 5, false);
    /* No MAC has a known manufacturer: "" (unknown manufacturer) matches them all. */
    const char *manuf = luaL_optstring(L, 6, NULL);
    unsupported(L, 6, !manuf || !*manuf, "manufacturer");
    unsupported(L, 7, luaL_optinteger(L, 7, 65535) == 65535, "host pool");
    unsupported(L, 8, luaL_optinteger(L, 8, 255) == 255, "device type");
    (void)luaL_optstring(L, 9, NULL); /* location: nEdge only, ignored elsewhere */
    lua_Number min_first_seen = luaL_optnumber(L, 10, 0);

    uint32_t nvis;
    const uint64_t *vis = visible_macs(L, ifc, &nvis);
    uint32_t cap = ifc->macs.count;
    struct mac_entry *v = lua_newuserdatauv(L, (cap ? cap : 1) * sizeof(*v), 0);
    uint32_t n = 0;
    for (const struct mac *m = ifc->macs.head; m && n < cap; m = m->list_next) {
        if (source_only && !m->source_mac)
            continue;
        if ((lua_Number)api_secs(m->first_seen_us) <= min_first_seen)
            continue;
        if (!mac_visible(vis, nvis, m->addr))
            continue;
        v[n].m = m;
        v[n].tie = mac_int(m->addr);
        v[n].num = sort_key(m, sorter);
        n++;
    }
    qsort(v, n, sizeof(*v), cmp_entry);

    lua_createtable(L, 0, 3);
    api_set_uint(L, "numMacs", n);
    api_set_int(L, "nextSlot", 0);
    lua_newtable(L);
    lua_Integer pos = 1;
    for (uint32_t k = to_skip, num = 0; k < n && num < max_hits; k++, num++) {
        push_mac(L, v[a2z ? k : n - 1 - k].m);
        lua_rawseti(L, -2, pos++);
    }
    lua_setfield(L, -2, "macs");
    return 1; /* the arrays below the result are dropped with the stack */
}

/* getMacInfo(mac) -> Mac table, or nil when the MAC was not seen. */
static int interface_get_mac_info(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    uint8_t addr[6];
    luaL_argcheck(L, api_mac_parse(luaL_checkstring(L, 1), addr) == 0, 1, "invalid MAC address");
    struct mac *m = iface_find_mac(ifc, addr);
    uint32_t nvis;
    const uint64_t *vis = m ? visible_macs(L, ifc, &nvis) : NULL;
    if (!m || !mac_visible(vis, nvis, m->addr))
        lua_pushnil(L);
    else
        push_mac(L, m);
    return 1;
}

static const struct api_binding interface_macs_bindings[] = {
    {"getMacInfo",  interface_get_mac_info,  API_READ, API_CTX_IFACE},
    {"getMacsInfo", interface_get_macs_info, API_READ, API_CTX_IFACE},
};

const struct api_table api_interface_macs = API_TABLE("interface", "macs", interface_macs_bindings);
