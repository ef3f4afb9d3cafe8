/* A host as ntopng's Host::lua table (plus LocalHost::lua for local hosts), limited to the
 * keys the probe really tracks. Shared by interface.getHostsInfo/getHostInfo and the host
 * check namespace. */
#ifndef NTOP_PUSH_HOST_H
#define NTOP_PUSH_HOST_H

#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

struct iface;
struct host;
struct ipaddr;

/* ntopng's DetailsLevel as Host::lua receives it: host lists give HIGH (show_details false)
 * or HIGHER (show_details true), getHostInfo gives MAX. */
enum host_detail {
    HOST_DETAIL_NORMAL = 0,
    HOST_DETAIL_HIGH,
    HOST_DETAIL_HIGHER,
    HOST_DETAIL_MAX,
};

/* Pushes one new table describing `h` (borrowed; must belong to `ifc`). Owner thread of
 * `ifc` only. */
void push_host(lua_State *L, struct iface *ifc, const struct host *h, enum host_detail level);

/* Sets t.ndpi and t.ndpi_categories (nDPIStats::lua shape, no throughput sub-tables) on
 * the table at the top of the stack. Owner thread. */
void push_host_ndpi(lua_State *L, struct iface *ifc, const struct host *h);

/* Finds a host by "ip[@vlan]" (vlan >= 0 overrides the one in the key) or, when `key` is
 * not an address, by its learnt name (and VLAN, 0 unless given). NULL when absent. The
 * pointer is valid until the owner thread processes packets again. Owner thread. */
struct host *api_host_lookup(struct iface *ifc, const char *key, int vlan);

/* Visibility for the remote caller of L (lua_ctx.user; NULL sees everything): a host is
 * visible when its address is inside the user's allowed networks (ntopng's
 * IpAddress::match on the user's allowed_nets). */
bool api_host_visible(lua_State *L, const struct host *h);

/* api_host_lookup, but NULL for a host the caller may not see. Owner thread. */
struct host *api_host_lookup_visible(lua_State *L, struct iface *ifc, const char *key, int vlan);

/* ntopng's IpAddress::key(): the IPv4 address in host order, or an additive hash of the
 * four IPv6 words. */
uint32_t api_ip_key(const struct ipaddr *ip);

#endif
