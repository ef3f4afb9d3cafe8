/* interface.* counters: the interface's totals in ntopng's getStats shape. */
#include "api_util.h"
#include "push_ndpi.h"

#include "../core/iface.h"
#include "../core/probe.h"

#include <stdio.h>

static void push_eth(lua_State *L, const struct iface_counters *c)
{
    lua_newtable(L);
    api_set_uint(L, "IPv4_packets", c->ipv4_packets);
    api_set_uint(L, "IPv4_bytes", c->ipv4_bytes);
    api_set_uint(L, "IPv6_packets", c->ipv6_packets);
    api_set_uint(L, "IPv6_bytes", c->ipv6_bytes);
    api_set_uint(L, "ARP_packets", c->arp_packets);
    api_set_uint(L, "ARP_bytes", c->arp_bytes);
    api_set_uint(L, "other_packets", c->other_packets + c->malformed_packets);
    api_set_uint(L, "other_bytes", c->other_bytes);
    api_set_uint(L, "packets", c->packets);
    api_set_uint(L, "bytes", c->bytes);
    lua_setfield(L, -2, "eth");
}

static void push_counters(lua_State *L, struct iface *ifc)
{
    const struct iface_counters *c = &ifc->c;
    lua_newtable(L);
    api_set_uint(L, "packets", c->packets);
    api_set_uint(L, "bytes", c->bytes);
    api_set_uint(L, "flows", ifc->flows.count);
    api_set_uint(L, "hosts", ifc->hosts.unicast_count);
    api_set_uint(L, "local_hosts", ifc->hosts.local_count);
    api_set_uint(L, "drops", c->drops);
    api_set_uint(L, "new_flows", c->new_flows);
    api_set_uint(L, "devices", ifc->macs.devices);
    api_set_uint(L, "current_macs", ifc->macs.count);
    /* ntopng books packets of unknown direction (every pcap and plain device) as
     * ingress, that is "rcvd"; the probe knows no direction either. */
    static const char *const l4_names[L4_SLOTS] = {"tcp", "udp", "icmp", "other_ip"};
    for (int i = 0; i < L4_SLOTS; i++) {
        char key[40];
        snprintf(key, sizeof(key), "%s.packets.rcvd", l4_names[i]);
        api_set_uint(L, key, c->l4[i].pkts_sent);
        snprintf(key, sizeof(key), "%s.bytes.rcvd", l4_names[i]);
        api_set_uint(L, key, c->l4[i].bytes_sent);
        snprintf(key, sizeof(key), "%s.packets.sent", l4_names[i]);
        api_set_uint(L, key, 0);
        snprintf(key, sizeof(key), "%s.bytes.sent", l4_names[i]);
        api_set_uint(L, key, 0);
    }
    lua_setfield(L, -2, "stats");

    lua_newtable(L);
    api_set_uint(L, "packets", c->packets);
    api_set_uint(L, "bytes", c->bytes);
    api_set_uint(L, "drops", c->drops);
    lua_setfield(L, -2, "stats_since_reset");
}

/* getStats([full_stats]): identity, flags, counters, nDPI tables. */
static int interface_get_stats(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    bool full = api_opt_bool(L, 1, true);
    lua_newtable(L);
    api_set_str(L, "name", ifc->name);
    api_set_str(L, "description", ifc->description);
    api_set_int(L, "id", ifc->id);
    api_set_str(L, "type", ifc->is_file ? "pcap dump" : "pcap");
    api_set_int(L, "scalingFactor", 1);
    api_set_bool(L, "isView", false);
    api_set_bool(L, "isViewed", false);
    api_set_bool(L, "isSampledTraffic", false);
    api_set_bool(L, "inline", false);
    api_set_bool(L, "vlan", ifc->c.vlan_packets > 0);
    api_set_bool(L, "has_macs", ifc->linktype == LINK_ETHERNET);
    api_set_int(L, "seen.last", api_secs(ifc->last_packet_us));
    api_set_uint(L, "arp.requests", ifc->c.arp_requests);
    api_set_uint(L, "arp.replies", ifc->c.arp_replies);
    push_counters(L, ifc);
    push_eth(L, &ifc->c);

    lua_newtable(L);
    api_set_uint(L, "retransmissions", ifc->c.tcp_retransmissions);
    api_set_uint(L, "out_of_order", ifc->c.tcp_out_of_order);
    api_set_uint(L, "lost", ifc->c.tcp_lost);
    lua_setfield(L, -2, "tcpPacketStats");

    if (full)
        push_iface_ndpi(L, ifc);
    return 1;
}

static int interface_get_num_hosts(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_pushinteger(L, ifc->hosts.unicast_count);
    return 1;
}

static int interface_get_num_local_hosts(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_pushinteger(L, ifc->hosts.local_count);
    return 1;
}

static int interface_get_num_flows(lua_State *L)
{
    struct iface *ifc = lua_ctx_iface(L);
    lua_pushinteger(L, ifc->flows.count);
    return 1;
}

static const struct api_binding interface_stats_bindings[] = {
    {"getNumFlows",      interface_get_num_flows,       API_READ, API_CTX_IFACE},
    {"getNumHosts",      interface_get_num_hosts,       API_READ, API_CTX_IFACE},
    {"getNumLocalHosts", interface_get_num_local_hosts, API_READ, API_CTX_IFACE},
    {"getStats",         interface_get_stats,           API_READ, API_CTX_IFACE},
};

const struct api_table api_interface_stats =
    API_TABLE("interface", "stats", interface_stats_bindings);
