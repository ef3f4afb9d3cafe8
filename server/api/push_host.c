/* Host::lua for the probe's hosts. Key names, types and the detail level at which each key
 * appears follow ntopng (Host.cpp, HostStats.cpp, LocalHost.cpp). Keys for features the
 * probe lacks (alerts, scores, geolocation, ASN, OS, pools, DNS/HTTP/ICMP host statistics,
 * throughput, anomaly indexes, behaviour) are left out rather than filled with zeros. */
#include "push_host.h"

#include "api_util.h"

#include "../core/iface.h"
#include "../core/probe.h"
#include "../core/users.h"
#include "../lua/context.h"

#include <ndpi/ndpi_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t api_ip_key(const struct ipaddr *ip)
{
    if (ip->ver == 4)
        return ipaddr_v4(ip);
    /* ntopng adds the four 32-bit words as the (little-endian) CPU reads them. */
    uint32_t key = 0;
    for (int i = 0; i < 4; i++) {
        const uint8_t *w = ip->b + 4 * i;
        uint32_t v = (uint32_t)w[0] | ((uint32_t)w[1] << 8) | ((uint32_t)w[2] << 16) |
                     ((uint32_t)w[3] << 24);
        key += v << (2 * i);
    }
    return key;
}

/* "C0A80101" or 32 hex digits: IpAddress::get_ip_hex. */
static void ip_hex(const struct ipaddr *ip, char *buf, size_t len)
{
    const uint8_t *b = ip->ver == 4 ? ip->b + 12 : ip->b;
    int n = ip->ver == 4 ? 4 : 16;
    static const char hex[] = "0123456789ABCDEF";
    size_t pos = 0;
    for (int i = 0; i < n && pos + 3 <= len; i++) {
        buf[pos++] = hex[b[i] >> 4];
        buf[pos++] = hex[b[i] & 15];
    }
    if (pos < len)
        buf[pos] = '\0';
}

/* ndpi_data_ratio: (sent - rcvd) / (sent + rcvd) on 32-bit inputs, 0 without traffic. */
static double data_ratio(uint64_t sent, uint64_t rcvd)
{
    return ndpi_data_ratio((uint32_t)sent, (uint32_t)rcvd);
}

static void push_l4(lua_State *L, const struct host *h)
{
    /* constant keys: no formatting per host */
#define L4_KEYS(p)                                                                                 \
    {                                                                                              \
        p ".packets.sent", p ".packets.rcvd", p ".bytes.sent", p ".bytes.rcvd"                     \
    }
    static const char *const keys[L4_SLOTS][4] = {L4_KEYS("tcp"), L4_KEYS("udp"), L4_KEYS("icmp"),
                                                  L4_KEYS("other_ip")};
#undef L4_KEYS
    for (int i = 0; i < L4_SLOTS; i++) {
        const struct traffic *t = &h->l4[i];
        api_set_uint(L, keys[i][0], t->pkts_sent);
        api_set_uint(L, keys[i][1], t->pkts_rcvd);
        api_set_uint(L, keys[i][2], t->bytes_sent);
        api_set_uint(L, keys[i][3], t->bytes_rcvd);
    }
}

static uint64_t l7_bytes(const struct host *h, uint16_t proto)
{
    for (uint16_t i = 0; i < h->l7_count; i++)
        if (h->l7[i].proto == proto)
            return h->l7[i].t.bytes_sent + h->l7[i].t.bytes_rcvd;
    return 0;
}

void push_host_ndpi(lua_State *L, struct iface *ifc, const struct host *h)
{
    struct ndpi_detection_module_struct *nd = ifc->ndpi;

    lua_newtable(L);
    for (uint16_t i = 0; i < h->l7_count; i++) {
        const struct host_l7 *s = &h->l7[i];
        if (s->t.bytes_sent + s->t.bytes_rcvd == 0)
            continue; /* ProtoCounter::lua skips protocols without traffic */
        lua_newtable(L);
        api_set_str(L, "breed", ndpi_get_proto_breed_name(nd, ndpi_get_proto_breed(nd, s->proto)));
        api_set_uint(L, "packets.sent", s->t.pkts_sent);
        api_set_uint(L, "packets.rcvd", s->t.pkts_rcvd);
        api_set_uint(L, "bytes.sent", s->t.bytes_sent);
        api_set_uint(L, "bytes.rcvd", s->t.bytes_rcvd);
        api_set_uint(L, "duration", s->duration);
        api_set_uint(L, "num_flows", s->num_flows);
        lua_setfield(L, -2, ndpi_get_proto_name(nd, s->proto));
    }
    lua_setfield(L, -2, "ndpi");

    /* Categories: the sum of the host's protocols in each category. ntopng also keeps the
     * seconds of activity per category; the probe does not (the seconds of different
     * protocols overlap), so `duration` is left out here. */
    lua_newtable(L);
    for (uint16_t i = 0; i < h->l7_count; i++) {
        uint16_t cat = h->l7[i].category;
        bool seen = false;
        for (uint16_t j = 0; j < i && !seen; j++)
            seen = h->l7[j].category == cat;
        if (seen)
            continue;
        uint64_t sent = 0, rcvd = 0;
        for (uint16_t j = i; j < h->l7_count; j++) {
            if (h->l7[j].category != cat)
                continue;
            sent += h->l7[j].t.bytes_sent;
            rcvd += h->l7[j].t.bytes_rcvd;
        }
        const char *name = ndpi_category_get_name(nd, (ndpi_protocol_category_t)cat);
        if (!name || !*name)
            continue;
        lua_newtable(L);
        api_set_int(L, "category", cat);
        api_set_uint(L, "bytes", sent + rcvd);
        api_set_uint(L, "bytes.sent", sent);
        api_set_uint(L, "bytes.rcvd", rcvd);
        lua_setfield(L, -2, name);
    }
    lua_setfield(L, -2, "ndpi_categories");
}

void push_host(lua_State *L, struct iface *ifc, const struct host *h, enum host_detail level)
{
    char buf[IPADDR_STRLEN + 16];
    const struct traffic *t = &h->total;

    lua_createtable(L, 0, 64);

    /* Identity (Host::lua, lua_get_ip) */
    api_set_str(L, "ip", ipaddr_str(&h->ip, buf, sizeof(buf)));
    api_set_int(L, "vlan", h->vlan);
    api_set_int(L, "ipkey", api_ip_key(&h->ip));
    ip_hex(&h->ip, buf, sizeof(buf));
    api_set_str(L, "iphex", buf);
    api_set_str(L, "tskey", api_host_key(&h->ip, h->vlan, buf, sizeof(buf)));
    api_set_int(L, "ip_version", h->ip.ver);
    api_set_str(L, "name", h->name ? h->name : "");

    /* lua_get_min_info. systemhost: the probe does not tell its own addresses apart. */
    api_set_bool(L, "localhost", h->local);
    api_set_bool(L, "systemhost", false);
    api_set_bool(L, "privatehost", h->is_private);
    api_set_bool(L, "is_rx_only", h->unicast && t->pkts_sent == 0);
    /* Host::isBroadcastHost also counts hosts seen behind the broadcast MAC, which the
     * core folds into `unicast`. */
    api_set_bool(L, "is_broadcast", h->broadcast || (!h->unicast && !h->multicast));
    api_set_bool(L, "is_multicast", h->multicast);
    api_set_bool(L, "is_blacklisted", h->blacklisted);
    static const uint8_t no_mac[6];
    api_set_str(L, "mac", api_mac_str(h->has_mac ? h->mac : no_mac, buf));

    /* Flows and peers (lua_get_num_flows, lua_get_num_contacts). ntopng counts contacts
     * of local hosts only and reports 0 for remote ones. */
    api_set_uint(L, "active_flows.as_client", h->active_flows_as_client);
    api_set_uint(L, "active_flows.as_server", h->active_flows_as_server);
    api_set_uint(L, "contacts.as_client", h->local ? h->contacts_as_client : 0);
    api_set_uint(L, "contacts.as_server", h->local ? h->contacts_as_server : 0);

    api_set_num(L, "bytes_ratio", data_ratio(t->bytes_sent, t->bytes_rcvd));
    api_set_num(L, "pkts_ratio", data_ratio(t->pkts_sent, t->pkts_rcvd));

    /* HostStats::lua */
    if (level >= HOST_DETAIL_HIGH) {
        api_set_uint(L, "bytes.sent", t->bytes_sent);
        api_set_uint(L, "bytes.rcvd", t->bytes_rcvd);
        api_set_uint(L, "total_flows.as_client", h->flows_as_client);
        api_set_uint(L, "total_flows.as_server", h->flows_as_server);
        api_set_uint(L, "bytes.ndpi.unknown", l7_bytes(h, NDPI_PROTOCOL_UNKNOWN));
    }
    if (level >= HOST_DETAIL_HIGHER) {
        api_set_uint(L, "flows.as_client", h->flows_as_client);
        api_set_uint(L, "flows.as_server", h->flows_as_server);
        api_set_uint(L, "packets.sent", t->pkts_sent);
        api_set_uint(L, "packets.rcvd", t->pkts_rcvd);
        push_l4(L, h);
        /* the host_details block */
        api_set_int(L, "ifid", ifc->id);
    }
    if (level >= HOST_DETAIL_MAX)
        push_host_ndpi(L, ifc, h);

    /* lua_get_time */
    int64_t first = api_secs(h->first_seen_us), last = api_secs(h->last_seen_us);
    api_set_int(L, "seen.first", first);
    api_set_int(L, "seen.last", last);
    api_set_int(L, "duration", last - first + 1);

    /* LocalHost::lua */
    if (h->local) {
        api_set_int(L, "local_network_id", h->network_id);
        const struct netlist *nl = &ifc->probe->local_nets;
        if (h->network_id >= 0 && h->network_id < nl->count)
            api_set_str(L, "local_network_name", nl->nets[h->network_id].name);
    }
}

/* Hosts whose learnt name is `name` on `vlan` (ntopng's find_host_by_name). */
static struct host *find_by_name(struct iface *ifc, const char *name, uint16_t vlan)
{
    for (struct host *h = ifc->hosts.head; h; h = h->list_next)
        if (h->vlan == vlan && h->name && strcmp(h->name, name) == 0)
            return h;
    return NULL;
}

bool api_host_visible(lua_State *L, const struct host *h)
{
    const struct user_identity *u = lua_ctx_of(L)->user;
    return !u || user_may_see_ip(u, &h->ip);
}

struct host *api_host_lookup_visible(lua_State *L, struct iface *ifc, const char *key, int vlan)
{
    struct host *h = api_host_lookup(ifc, key, vlan);
    return h && api_host_visible(L, h) ? h : NULL;
}

struct host *api_host_lookup(struct iface *ifc, const char *key, int vlan)
{
    struct ipaddr ip;
    uint16_t v;
    if (api_parse_host_key(key, vlan, &ip, &v) == 0)
        return iface_find_host(ifc, &ip, v);

    /* Not an address: a symbolic name, "name[@vlan]". */
    char name[256];
    size_t n = strlen(key);
    if (n == 0 || n >= sizeof(name))
        return NULL;
    memcpy(name, key, n + 1);
    long parsed_vlan = 0;
    char *at = strrchr(name, '@');
    if (at) {
        char *end;
        parsed_vlan = strtol(at + 1, &end, 10);
        if (*end == '\0' && end != at + 1 && parsed_vlan >= 0 && parsed_vlan <= 4095)
            *at = '\0';
        else
            parsed_vlan = 0;
    }
    return find_by_name(ifc, name, (uint16_t)(vlan >= 0 ? vlan : parsed_vlan));
}
