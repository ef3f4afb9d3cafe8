/* Host::lua for the probe's hosts. Key names, types and the detail level at which each key
 * appears follow ntopng (Host.cpp, HostStats.cpp, LocalHost.cpp). Keys for features the
 * probe lacks (alerts, scores, geolocation, ASN, OS, pools, DNS/HTTP/ICMP host statistics,
 * throughput, anomaly indexes, behaviour) are left out rather than filled with zeros. */
#include "push_host.h"

#include "api_util.h"
#include "host_fields.h"

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
    struct host_snap_rec r;
    host_snap_fill(&r, h);
    struct host_fields_env env = {.ifid = ifc->id, .nets = &ifc->probe->local_nets};
    struct host_lua_writer lw;
    host_lua_writer_init(&lw, L);

    lua_createtable(L, 0, 64);
    host_fields_write(&lw.w, &r, h->name ? h->name : "",
                      level > HOST_DETAIL_HIGHER ? HOST_DETAIL_HIGHER : level, &env);
    if (level >= HOST_DETAIL_MAX)
        push_host_ndpi(L, ifc, h);
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
