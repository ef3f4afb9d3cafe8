/* interface.* bindings, category hosts: the host lists and one host's details, with
 * ntopng's positional arguments (LuaEngineInterface.cpp:ntop_get_interface_hosts_criteria)
 * and NetworkInterface::getActiveHostsList's paging, filters and sort columns.
 *
 * Filters on features the probe does not have (country, OS, ASN, host pool, blacklists,
 * anomalies, DHCP) accept ntopng's "no filter" values and raise on anything else, so a
 * script never mistakes "not supported" for "no such host". */
#include "api_util.h"
#include "host_fields.h"
#include "push_host.h"

#include "../core/capture.h"
#include "../core/host_snapshot.h"
#include "../core/iface.h"
#include "../core/probe.h"
#include "../core/users.h"

#include "wire_columns.h"
#include "wire_lua.h"
#include "wire_packed.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_NUM_HITS 32768 /* ntopng's CONST_MAX_NUM_HITS */

enum host_location { LOCATION_ALL, LOCATION_LOCAL_ONLY, LOCATION_REMOTE_ONLY };

/* Sort columns of NetworkInterface::sortHosts that map to data the probe has. */
enum host_sorter {
    SORT_IP,
    SORT_VLAN,
    SORT_NAME,
    SORT_SINCE,
    SORT_NUM_FLOWS,
    SORT_TRAFFIC,
    SORT_LOCAL_NETWORK_ID,
    SORT_LOCAL_NETWORK,
    SORT_MAC,
    SORT_TRAFFIC_SENT,
    SORT_TRAFFIC_RCVD,
    SORT_TRAFFIC_UNKNOWN,
    SORT_NUM_FLOWS_AS_CLIENT,
    SORT_NUM_FLOWS_AS_SERVER,
};

static const struct {
    const char *name;
    enum host_sorter sorter;
} host_sort_columns[] = {
    {"column_",                    SORT_IP                 },
    {"column_ip",                  SORT_IP                 },
    {"column_local_network",       SORT_LOCAL_NETWORK      },
    {"column_local_network_id",    SORT_LOCAL_NETWORK_ID   },
    {"column_mac",                 SORT_MAC                },
    {"column_name",                SORT_NAME               },
    {"column_num_flows",           SORT_NUM_FLOWS          },
    {"column_num_flows_as_client", SORT_NUM_FLOWS_AS_CLIENT},
    {"column_num_flows_as_server", SORT_NUM_FLOWS_AS_SERVER},
    {"column_since",               SORT_SINCE              },
    {"column_traffic",             SORT_TRAFFIC            },
    {"column_traffic_rcvd",        SORT_TRAFFIC_RCVD       },
    {"column_traffic_sent",        SORT_TRAFFIC_SENT       },
    {"column_traffic_unknown",     SORT_TRAFFIC_UNKNOWN    },
    {"column_vlan",                SORT_VLAN               },
};

/* ntopng sorts unknown columns by traffic (with a warning). Columns it knows but the
 * probe has no data for (throughput, alerts, score, OS, ASN, country, pools, ...) do the
 * same here. */
static enum host_sorter host_sorter_of(const char *name)
{
    for (size_t i = 0; i < sizeof(host_sort_columns) / sizeof(host_sort_columns[0]); i++)
        if (strcmp(host_sort_columns[i].name, name) == 0)
            return host_sort_columns[i].sorter;
    return SORT_TRAFFIC;
}

struct host_query {
    enum host_location location;
    enum host_detail level;
    enum host_sorter sorter;
    uint32_t max_hits, to_skip;
    bool a2z;
    int vlan;    /* -1: any */
    int network; /* -2: any; -1: hosts outside the local networks */
    bool has_mac;
    uint8_t mac[6];
    int ip_version;   /* 4, 6 or 0 for both */
    int proto;        /* nDPI id, -1: any */
    int traffic_type; /* 0 all, 1 one-way, 2 both ways */
    bool has_cidr;
    struct ipaddr cidr;
    int cidr_bits;
    bool array_format;
};

/* One host of the snapshot and its sort key. */
struct host_entry {
    uint64_t num;
    uint32_t idx; /* in the snapshot: creation order, as the host's id */
};

/* What the comparators read besides the entries: set around each sort (qsort has no context
 * argument), on the sorting thread only. Entries stay 16 bytes, which the sorts move a lot. */
static __thread const struct host_snapshot *sort_snap;
static __thread const struct probe *sort_probe;

static const struct host_snap_rec *rec_of(const struct host_entry *e)
{
    return &sort_snap->recs[e->idx];
}

static void unsupported(lua_State *L, int arg, bool is_default, const char *what)
{
    if (!is_default)
        luaL_argerror(L, arg, lua_pushfstring(L, "%s filter not supported by this probe", what));
}

static uint32_t opt_u32(lua_State *L, int arg, uint32_t def)
{
    lua_Integer v = luaL_optinteger(L, arg, def);
    luaL_argcheck(L, v >= 0, arg, "must not be negative");
    return v > (lua_Integer)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* "a.b.c.d[/n]" or "x::[/n]" */
static int parse_cidr(const char *s, struct ipaddr *base, int *bits)
{
    if (strchr(s, '/'))
        return cidr_parse(s, base, bits);
    if (ipaddr_parse(s, base) != 0)
        return -1;
    *bits = base->ver == 4 ? 32 : 128;
    return 0;
}

/* The positional arguments of getHostsInfo and its siblings. */
static void read_host_query(lua_State *L, struct host_query *q)
{
    bool show_details = api_opt_bool(L, 1, true);
    q->level = show_details ? HOST_DETAIL_HIGHER : HOST_DETAIL_HIGH;
    q->sorter = host_sorter_of(luaL_optstring(L, 2, "column_ip"));
    q->max_hits = opt_u32(L, 3, MAX_NUM_HITS);
    q->to_skip = opt_u32(L, 4, 0);
    q->a2z = api_opt_bool(L, 5, true);

    const char *country = luaL_optstring(L, 6, NULL);
    unsupported(L, 6, !country || !*country, "country");
    unsupported(L, 7, luaL_optinteger(L, 7, 9) == 9, "OS");

    uint16_t vlan = (uint16_t)luaL_optinteger(L, 8, 65535); /* ntopng's u16: -1 is 65535 */
    q->vlan = vlan == 65535 ? -1 : vlan;
    unsupported(L, 9, (uint32_t)luaL_optinteger(L, 9, UINT32_MAX) == UINT32_MAX, "ASN");
    q->network = (int16_t)luaL_optinteger(L, 10, -2);

    const char *mac = luaL_optstring(L, 11, NULL);
    q->has_mac = mac != NULL;
    if (mac)
        luaL_argcheck(L, api_mac_parse(mac, q->mac) == 0, 11, "invalid MAC address");

    unsupported(L, 12, (uint16_t)luaL_optinteger(L, 12, 65535) == 65535, "host pool");
    q->ip_version = (uint8_t)luaL_optinteger(L, 13, 0);
    q->proto = (int)luaL_optinteger(L, 14, -1);
    q->traffic_type = (int)luaL_optinteger(L, 15, 0);
    (void)api_opt_bool(L, 16, false); /* filtered hosts: ntopng Pro only, ignored otherwise */
    unsupported(L, 17, !api_opt_bool(L, 17, false), "blacklisted hosts");
    unsupported(L, 18, !api_opt_bool(L, 18, false), "anomalous hosts");
    unsupported(L, 19, !api_opt_bool(L, 19, false), "DHCP hosts");

    const char *cidr = luaL_optstring(L, 20, NULL);
    q->has_cidr = cidr != NULL;
    if (cidr)
        luaL_argcheck(L, parse_cidr(cidr, &q->cidr, &q->cidr_bits) == 0, 20, "invalid network");
    /* device IP: ntopng lets hosts without an exporter device through, and the probe's
     * hosts come from packets, never from an exporter. */
    (void)luaL_optstring(L, 21, NULL);
    q->array_format = api_opt_bool(L, 22, false);
}

/* host_search_walker's filters; the protocol filter is the snapshot's (hosts_snapshot). */
static bool host_matches(const struct host_snap_rec *h, const struct host_query *q)
{
    const struct traffic *t = &h->total;
    const bool local = h->flags & HOST_SNAP_LOCAL;
    switch (q->location) {
    case LOCATION_LOCAL_ONLY:
        if (!local || !(h->flags & HOST_SNAP_UNICAST))
            return false;
        break;
    case LOCATION_REMOTE_ONLY:
        if (local)
            return false;
        break;
    case LOCATION_ALL:
        break;
    }
    if (q->vlan >= 0 && h->vlan != q->vlan)
        return false;
    if (q->network != -2 && h->network_id != q->network)
        return false;
    if (q->has_mac && (!(h->flags & HOST_SNAP_HAS_MAC) || memcmp(h->mac, q->mac, 6) != 0))
        return false;
    if (q->has_cidr && !cidr_contains(&q->cidr, q->cidr_bits, &h->ip))
        return false;
    bool both_ways = t->bytes_sent && t->bytes_rcvd;
    if (q->traffic_type == 1 && !(t->bytes_sent + t->bytes_rcvd > 0 && !both_ways))
        return false;
    if (q->traffic_type == 2 && !both_ways)
        return false;
    if ((q->ip_version == 4 || q->ip_version == 6) && h->ip.ver != q->ip_version)
        return false;
    return true;
}

static uint64_t mac_int(const struct host_snap_rec *h)
{
    uint64_t v = 0;
    if (h->flags & HOST_SNAP_HAS_MAC)
        for (int i = 0; i < 6; i++)
            v = (v << 8) | h->mac[i];
    return v;
}

/* A 64-bit key in cmp_ip's order (equal keys may still differ there): IPv4 first, by address
 * then VLAN (exact: an IPv4 address is 12 zero bytes and 4 bytes); IPv6 by its first 63
 * bits. Most comparisons of a page sorted by address are then integer ones. */
static uint64_t ip_sort_key(const struct host_snap_rec *h)
{
    if (h->ip.ver == 4)
        return ((uint64_t)ipaddr_v4(&h->ip) << 16) | h->vlan;
    uint64_t prefix = 0;
    for (int i = 0; i < 8; i++)
        prefix = (prefix << 8) | h->ip.b[i];
    return (UINT64_C(1) << 63) | (prefix >> 1);
}

/* The local network of a host for SORT_LOCAL_NETWORK, NULL when none. */
static const struct local_net *net_of(const struct host_snap_rec *h, const struct probe *pr)
{
    return h->network_id >= 0 && h->network_id < pr->local_nets.count
               ? &pr->local_nets.nets[h->network_id]
               : NULL;
}

static void set_sort_key(struct host_entry *e, enum host_sorter s, const struct probe *pr,
                         const struct host_snapshot *snap)
{
    const struct host_snap_rec *h = &snap->recs[e->idx];
    switch (s) {
    case SORT_IP:
        e->num = ip_sort_key(h);
        break;
    case SORT_NAME:
        break;
    case SORT_VLAN:
        e->num = h->vlan;
        break;
    case SORT_SINCE:
        e->num = (uint64_t)api_secs(h->first_seen_us);
        break;
    case SORT_NUM_FLOWS:
        e->num = (uint64_t)h->active_flows_as_client + h->active_flows_as_server;
        break;
    case SORT_TRAFFIC:
        e->num = h->total.bytes_sent + h->total.bytes_rcvd;
        break;
    case SORT_LOCAL_NETWORK_ID:
        /* ntopng stores the signed id in an unsigned sort key: -1 sorts last */
        e->num = (uint64_t)(int64_t)h->network_id;
        break;
    case SORT_LOCAL_NETWORK:
        if (net_of(h, pr))
            e->num = (uint64_t)net_of(h, pr)->bits;
        break;
    case SORT_MAC:
        e->num = mac_int(h);
        break;
    case SORT_TRAFFIC_SENT:
        e->num = h->total.bytes_sent;
        break;
    case SORT_TRAFFIC_RCVD:
        e->num = h->total.bytes_rcvd;
        break;
    case SORT_TRAFFIC_UNKNOWN:
        e->num = h->unknown_bytes;
        break;
    case SORT_NUM_FLOWS_AS_CLIENT:
        e->num = h->active_flows_as_client;
        break;
    case SORT_NUM_FLOWS_AS_SERVER:
        e->num = h->active_flows_as_server;
        break;
    }
}

/* Ties fall back to creation order, so pages never overlap (ntopng's qsort is unstable). */
static int cmp_id(const struct host_entry *a, const struct host_entry *b)
{
    return a->idx < b->idx ? -1 : (a->idx > b->idx ? 1 : 0);
}

static int cmp_num(const void *pa, const void *pb)
{
    const struct host_entry *a = pa, *b = pb;
    if (a->num != b->num)
        return a->num < b->num ? -1 : 1;
    return cmp_id(a, b);
}

/* Host::compare: the address (IPv4 first), VLAN ignored by ntopng, used here as a tie. */
static int cmp_ip(const void *pa, const void *pb)
{
    const struct host_entry *a = pa, *b = pb;
    const struct host_snap_rec *ra = rec_of(a), *rb = rec_of(b);
    int c = ipaddr_cmp(&ra->ip, &rb->ip);
    if (c)
        return c;
    if (ra->vlan != rb->vlan)
        return ra->vlan < rb->vlan ? -1 : 1;
    return cmp_id(a, b);
}

static int cmp_ip_key(const void *pa, const void *pb)
{
    const struct host_entry *a = pa, *b = pb;
    if (a->num != b->num)
        return a->num < b->num ? -1 : 1;
    return cmp_ip(pa, pb);
}

static int cmp_name(const void *pa, const void *pb)
{
    const struct host_entry *a = pa, *b = pb;
    int c = strcasecmp(host_snap_name(sort_snap, rec_of(a)), host_snap_name(sort_snap, rec_of(b)));
    return c ? c : cmp_id(a, b);
}

/* Network address, then prefix length; hosts outside the local networks first. */
static int cmp_network(const void *pa, const void *pb)
{
    const struct host_entry *a = pa, *b = pb;
    const struct local_net *na = net_of(rec_of(a), sort_probe), *nb = net_of(rec_of(b), sort_probe);
    if (!na || !nb) {
        if (na != nb)
            return na ? 1 : -1;
        return cmp_id(a, b);
    }
    int c = ipaddr_cmp(&na->base, &nb->base);
    if (c)
        return c;
    return cmp_num(pa, pb);
}

static void swap_entries(struct host_entry *a, struct host_entry *b)
{
    struct host_entry t = *a;
    *a = *b;
    *b = t;
}

/* Comparators whose order is that of `num` first: sorted here with the key compared inline
 * and the comparator called on equal keys only (much cheaper than qsort's call per compare
 * and its copies). */
static bool key_first(int (*cmp)(const void *, const void *))
{
    return cmp == cmp_num || cmp == cmp_ip_key;
}

static inline bool entry_before(const struct host_entry *a, const struct host_entry *b,
                                int (*cmp)(const void *, const void *))
{
    if (a->num != b->num)
        return a->num < b->num;
    return cmp(a, b) < 0;
}

/* Quicksort (median of three, smaller side first), insertion sort under 16 entries, qsort when
 * the pivots keep being bad. The order is total (ties by creation), so it equals qsort's. */
static void key_sort(struct host_entry *v, uint32_t n, int (*cmp)(const void *, const void *),
                     int budget)
{
    while (n > 16) {
        if (budget-- == 0) {
            qsort(v, n, sizeof(*v), cmp);
            return;
        }
        uint32_t mid = n / 2, last = n - 1;
        if (entry_before(&v[mid], &v[0], cmp))
            swap_entries(&v[mid], &v[0]);
        if (entry_before(&v[last], &v[0], cmp))
            swap_entries(&v[last], &v[0]);
        if (entry_before(&v[mid], &v[last], cmp))
            swap_entries(&v[mid], &v[last]);
        const struct host_entry pivot = v[last];
        uint32_t store = 0;
        for (uint32_t i = 0; i < last; i++)
            if (entry_before(&v[i], &pivot, cmp))
                swap_entries(&v[i], &v[store++]);
        swap_entries(&v[store], &v[last]);
        if (store < n - store - 1) {
            key_sort(v, store, cmp, budget);
            v += store + 1;
            n -= store + 1;
        } else {
            key_sort(v + store + 1, n - store - 1, cmp, budget);
            n = store;
        }
    }
    for (uint32_t i = 1; i < n; i++) {
        struct host_entry e = v[i];
        uint32_t j = i;
        for (; j > 0 && entry_before(&e, &v[j - 1], cmp); j--)
            v[j] = v[j - 1];
        v[j] = e;
    }
}

static void sort_entries(struct host_entry *v, uint32_t n, int (*cmp)(const void *, const void *))
{
    if (key_first(cmp))
        key_sort(v, n, cmp, 64);
    else
        qsort(v, n, sizeof(*v), cmp);
}

/* Reorders v so that v[k] is the entry a full sort would put there, with every entry before
 * it not greater and every entry after it not smaller (quickselect; the comparators are total
 * orders, so the page equals the full sort's). Falls back to qsort on bad pivots. */
/* a before b in cmp's order: the key inline when cmp orders by it first */
static inline bool before(const struct host_entry *a, const struct host_entry *b,
                          int (*cmp)(const void *, const void *), bool keyed)
{
    return keyed ? entry_before(a, b, cmp) : cmp(a, b) < 0;
}

static void select_nth(struct host_entry *v, uint32_t n, uint32_t k,
                       int (*cmp)(const void *, const void *))
{
    const bool keyed = key_first(cmp);
    uint32_t lo = 0, hi = n, budget = 64;
    while (hi - lo > 16) {
        if (budget-- == 0) {
            sort_entries(v + lo, hi - lo, cmp);
            return;
        }
        uint32_t mid = lo + (hi - lo) / 2, last = hi - 1;
        /* median of three into v[last] as the pivot */
        if (before(&v[mid], &v[lo], cmp, keyed))
            swap_entries(&v[mid], &v[lo]);
        if (before(&v[last], &v[lo], cmp, keyed))
            swap_entries(&v[last], &v[lo]);
        if (before(&v[mid], &v[last], cmp, keyed))
            swap_entries(&v[mid], &v[last]);
        const struct host_entry pivot = v[last];
        uint32_t store = lo;
        for (uint32_t i = lo; i < last; i++)
            if (before(&v[i], &pivot, cmp, keyed))
                swap_entries(&v[i], &v[store++]);
        swap_entries(&v[store], &v[last]);
        if (k == store)
            return;
        if (k < store)
            hi = store;
        else
            lo = store + 1;
    }
    sort_entries(v + lo, hi - lo, cmp);
}

/* Sorts only the entries the page needs: the first m of the ascending order, or the last m
 * for a descending page (which walks v from the end). */
static void sort_page(struct host_entry *v, uint32_t n, uint32_t m, bool a2z,
                      int (*cmp)(const void *, const void *))
{
    if (m == 0)
        return;
    if (m >= n / 2) {
        sort_entries(v, n, cmp);
        return;
    }
    if (a2z) {
        select_nth(v, n, m - 1, cmp);
        sort_entries(v, m - 1, cmp);
    } else {
        select_nth(v, n, n - m, cmp);
        sort_entries(v + n - m + 1, m - 1, cmp);
    }
}

/* The caller's reference to a snapshot, in a userdata: released even if a push raises. */
#define SNAP_HOLDER "ntop.host_snapshot"

static int snap_holder_gc(lua_State *L)
{
    struct host_snapshot **hd = luaL_checkudata(L, 1, SNAP_HOLDER);
    host_snapshot_release(*hd);
    *hd = NULL;
    return 0;
}

struct snapshot_request {
    uint32_t max_age_ms;
    int proto; /* -1: every host */
    struct host_snapshot *snap;
};

static void take_snapshot(struct iface *ifc, void *arg)
{
    struct snapshot_request *req = arg;
    req->snap = req->proto == -1 ? host_snapshot_get(ifc, req->max_age_ms)
                                 : host_snapshot_build_proto(ifc, req->proto);
}

/* The hosts to list, held by a userdata pushed on the stack. Remote callers take the cached
 * snapshot (at most --rpc-snapshot-ms old while only traffic changes); callers in the probe
 * see the exact live state. The owner thread is busy only while the snapshot is checked or
 * built: filtering, sorting and writing the page run here. */
static struct host_snapshot **hosts_snapshot(lua_State *L, struct iface *ifc,
                                             const struct host_query *q)
{
    const struct lua_ctx *ctx = lua_ctx_of(L);
    struct host_snapshot **hd = lua_newuserdatauv(L, sizeof(*hd), 0);
    *hd = NULL;
    if (luaL_newmetatable(L, SNAP_HOLDER)) {
        lua_pushcfunction(L, snap_holder_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    struct snapshot_request req = {
        .max_age_ms = ctx->remote ? ctx->probe->opt.rpc_snapshot_ms : 0,
        .proto = q->proto,
    };
    iface_call(ifc, take_snapshot, &req);
    if (!req.snap)
        luaL_error(L, "not enough memory for the host list");
    *hd = req.snap;
    return hd;
}

/* The page is written: the snapshot goes back now rather than at the next garbage
 * collection, so the owner thread can refill its memory (host_snapshot_get). */
static void hosts_snapshot_done(struct host_snapshot **hd)
{
    host_snapshot_release(*hd);
    *hd = NULL;
}

/* Selects and orders the page of the matching hosts (an array in a userdata pushed on the
 * stack): *matching gets their number, *page the page's length from index *first. */
static const struct host_entry *select_page(lua_State *L, struct iface *ifc,
                                            const struct host_snapshot *snap,
                                            const struct host_query *q, uint32_t *matching,
                                            uint32_t *first, uint32_t *page)
{
    /* A restricted caller sees, and counts, only the hosts in its networks. */
    const struct user_identity *user = lua_ctx_of(L)->user;
    uint32_t cap = snap->count;
    struct host_entry *v = lua_newuserdatauv(L, (cap ? cap : 1) * sizeof(*v), 0);
    uint32_t n = 0;
    for (uint32_t i = 0; i < cap; i++) {
        /* one record per iteration, each in its own cache lines: fetch ahead */
        if (i + 8 < cap)
            __builtin_prefetch(&snap->recs[i + 8]);
        const struct host_snap_rec *h = &snap->recs[i];
        if (!host_matches(h, q) || (user && !user_may_see_ip(user, &h->ip)))
            continue;
        v[n] = (struct host_entry){.idx = i};
        set_sort_key(&v[n], q->sorter, ifc->probe, snap);
        n++;
    }
    int (*cmp)(const void *, const void *) = cmp_num;
    if (q->sorter == SORT_IP)
        cmp = cmp_ip_key;
    else if (q->sorter == SORT_NAME)
        cmp = cmp_name;
    else if (q->sorter == SORT_LOCAL_NETWORK)
        cmp = cmp_network;
    uint64_t want = (uint64_t)q->to_skip + q->max_hits;
    sort_snap = snap;
    sort_probe = ifc->probe;
    sort_page(v, n, q->to_skip >= n ? 0 : (uint32_t)(want < n ? want : n), q->a2z, cmp);
    sort_snap = NULL;
    sort_probe = NULL;
    *matching = n;
    *first = q->to_skip;
    uint64_t avail = q->to_skip >= n ? 0 : n - q->to_skip;
    *page = (uint32_t)(avail < q->max_hits ? avail : q->max_hits);
    return v;
}

static const struct host_snap_rec *page_host(const struct host_snapshot *snap,
                                             const struct host_entry *v, uint32_t n,
                                             const struct host_query *q, uint32_t k)
{
    return &snap->recs[v[q->a2z ? k : n - 1 - k].idx];
}

/* Whether the page stays under wire_from_lua's element limit (else the Lua path reports it). */
static bool page_fits_limits(uint32_t page)
{
    const struct wire_limits lim = WIRE_DEFAULT_LIMITS;
    return (uint64_t)page * (HF_COUNT + 2) + 16 < lim.max_elements;
}

/* The result table written directly as Value bytes: { numHosts, nextSlot, hosts = records
 * keyed by "ip@vlan" }. 0, or -1 when out of memory. */
static int pack_host_list(struct iface *ifc, const struct host_snapshot *snap,
                          const struct host_entry *v, const struct host_query *q, uint32_t n,
                          uint32_t first, uint32_t page, struct wire_buf *out)
{
    struct wire_records_build b;
    if (wire_records_init(&b, host_field_names, HF_COUNT, page, true) != 0)
        return -1;
    struct host_records_writer rw;
    host_records_writer_init(&rw, &b);
    struct host_fields_env env = {.ifid = ifc->id, .nets = &ifc->probe->local_nets};
    char key[IPADDR_STRLEN + 8];
    for (uint32_t i = 0; i < page; i++) {
        /* the page's records are scattered in the snapshot: fetch the next ones' lines */
        if (i + 4 < page) {
            const char *next = (const char *)page_host(snap, v, n, q, first + i + 4);
            for (size_t off = 0; off < sizeof(struct host_snap_rec); off += 64)
                __builtin_prefetch(next + off);
        }
        const struct host_snap_rec *h = page_host(snap, v, n, q, first + i);
        rw.row = i;
        host_fields_write(&rw.w, h, host_snap_name(snap, h), q->level, &env);
        wire_records_string(&b, HF_COUNT, i, key, host_fields_key(&h->ip, h->vlan, key));
    }
    /* Value { table { entries: numHosts, nextSlot (small, framed in `head`), then the hosts
     * entry framed around the records written in place } } */
    struct wire_buf head = {0}, entry = {0}, val = {0};
    static const char *const names[] = {"numHosts", "nextSlot"};
    for (int i = 0; i < 2; i++) {
        entry.len = val.len = 0;
        wire_put_value_string(&val, names[i], strlen(names[i]));
        wire_put_message(&entry, 1, val.p, val.len); /* Entry.key */
        val.len = 0;
        wire_put_value_int(&val, i == 0 ? n : 0);
        wire_put_message(&entry, 2, val.p, val.len);    /* Entry.value */
        wire_put_message(&head, 2, entry.p, entry.len); /* Table.entries */
    }
    val.len = 0;
    wire_put_value_string(&val, "hosts", 5);
    size_t records = wire_records_value_size(&b);
    size_t key_field = 1 + wire_varint_size(val.len) + val.len;
    size_t hosts_entry = key_field + 1 + wire_varint_size(records) + records;
    size_t table = head.len + 1 + wire_varint_size(hosts_entry) + hosts_entry;
    wire_put_tag(out, 6, 2); /* Value.table */
    wire_put_varint(out, table);
    wire_put_bytes(out, head.p, head.len);
    wire_put_tag(out, 2, 2); /* Table.entries */
    wire_put_varint(out, hosts_entry);
    wire_put_message(out, 1, val.p, val.len); /* Entry.key */
    wire_put_tag(out, 2, 2);                  /* Entry.value */
    wire_put_varint(out, records);
    int rc = head.oom || entry.oom || val.oom ? -1 : wire_records_pack_value(&b, out);
    wire_records_free(&b);
    wire_buf_free(&head);
    wire_buf_free(&entry);
    wire_buf_free(&val);
    return rc;
}

static int hosts_info(lua_State *L, enum host_location location)
{
    struct iface *ifc = lua_ctx_iface(L);
    struct host_query q = {.location = location};
    read_host_query(L, &q);
    struct host_snapshot **hd = hosts_snapshot(L, ifc, &q);
    const struct host_snapshot *snap = *hd;
    uint32_t n, first, page;
    const struct host_entry *v = select_page(L, ifc, snap, &q, &n, &first, &page);

    /* Straight into a Reply that takes records: no Lua tables at all. */
    if (lua_ctx_of(L)->reply_records && !q.array_format && page >= 2 && page_fits_limits(page)) {
        struct wire_buf out = {0};
        if (pack_host_list(ifc, snap, v, &q, n, first, page, &out) != 0) {
            wire_buf_free(&out);
            return luaL_error(L, "not enough memory for the host list");
        }
        hosts_snapshot_done(hd);
        wire_push_packed(L, out.p, out.len);
        return 1;
    }

    lua_createtable(L, 0, 3);
    api_set_uint(L, "numHosts", n);
    api_set_int(L, "nextSlot", 0); /* the whole table is walked */
    lua_createtable(L, q.array_format ? (int)page : 0, q.array_format ? 0 : (int)page);
    struct host_lua_writer lw;
    host_lua_writer_init(&lw, L);
    struct host_fields_env env = {.ifid = ifc->id, .nets = &ifc->probe->local_nets};
    char key[IPADDR_STRLEN + 8];
    for (uint32_t i = 0; i < page; i++) {
        const struct host_snap_rec *h = page_host(snap, v, n, &q, first + i);
        lua_createtable(L, 0, 64);
        host_fields_write(&lw.w, h, host_snap_name(snap, h), q.level, &env);
        if (q.array_format) {
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        } else {
            host_fields_key(&h->ip, h->vlan, key);
            lua_setfield(L, -2, key);
        }
    }
    lua_setfield(L, -2, "hosts");
    hosts_snapshot_done(hd);
    return 1;
}

/* getHostsInfo([show_details, sortColumn, maxHits, toSkip, a2zSortOrder, country, os,
 * vlan, asn, network, mac, pool, ipversion, proto, traffic_type, filtered, blacklisted,
 * anomalous, dhcp, cidr, device_ip, array_format]) */
static int interface_get_hosts_info(lua_State *L)
{
    return hosts_info(L, LOCATION_ALL);
}

/* Same arguments; local unicast hosts only. */
static int interface_get_local_hosts_info(lua_State *L)
{
    return hosts_info(L, LOCATION_LOCAL_ONLY);
}

/* Same arguments; hosts that are not local. */
static int interface_get_remote_hosts_info(lua_State *L)
{
    return hosts_info(L, LOCATION_REMOTE_ONLY);
}

/* getHostInfo(host[@vlan] [, vlan]): Host::lua at the "max" detail level, or nil. */
static int interface_get_host_info(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    const char *key = luaL_checkstring(L, 1);
    lua_Integer vlan = luaL_optinteger(L, 2, -1);
    luaL_argcheck(L, vlan >= -1 && vlan <= 4095, 2, "VLAN id out of range");
    struct host *h = api_host_lookup_visible(L, ifc, key, (int)vlan);
    if (!h) {
        lua_pushnil(L);
        return 1;
    }
    push_host(L, ifc, h, HOST_DETAIL_MAX);
    return 1;
}

/* clang-format off */
static const struct api_binding interface_hosts_bindings[] = {
    {"getHostInfo", interface_get_host_info, API_READ, API_CTX_IFACE},
};

/* The lists reach the owner thread only for a snapshot (hosts_snapshot). */
static const struct api_binding interface_host_lists_bindings[] = {
    {"getHostsInfo",       interface_get_hosts_info,        API_READ, API_CTX_IFACE},
    {"getLocalHostsInfo",  interface_get_local_hosts_info,  API_READ, API_CTX_IFACE},
    {"getRemoteHostsInfo", interface_get_remote_hosts_info, API_READ, API_CTX_IFACE},
};
/* clang-format on */

const struct api_table api_interface_hosts =
    API_TABLE("interface", "hosts", interface_hosts_bindings);

const struct api_table api_interface_host_lists =
    API_TABLE_HANDLES_OWNER("interface", "hosts", interface_host_lists_bindings);
