/* A flow as ntopng's Flow::lua table, limited to the keys the probe really tracks. Shared
 * by interface.getFlowsInfo and the flow check namespace. */
#ifndef NTOP_PUSH_FLOW_H
#define NTOP_PUSH_FLOW_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

struct iface;
struct flow;

/* ntopng's DetailsLevel for Flow::lua ("normal" is getFlowsInfo's default). */
enum flow_detail {
    FLOW_DETAIL_NORMAL = 0,
    FLOW_DETAIL_HIGH,
    FLOW_DETAIL_HIGHER,
    FLOW_DETAIL_MAX,
};

/* "normal", "high", "higher", "max" (Utils::str2DetailsLevel); 0 or -1. */
int api_flow_detail_parse(const char *s, enum flow_detail *out);

/* Pushes one new table describing `f` (borrowed; must belong to `ifc`). Owner thread. */
void push_flow(lua_State *L, struct iface *ifc, const struct flow *f, enum flow_detail level);

/* TCP connection state from the flags seen in each direction (Flow::isTCPEstablished and
 * siblings). All false for other protocols. */
struct flow_tcp_state {
    bool established, connecting, closed, reset;
};
void api_flow_tcp_state(const struct flow *f, struct flow_tcp_state *out);

/* ntopng's Flow::getFlowInfo(): the DNS query, HTTP URL, TLS server name, ... or "".
 * NULL when the flow's protocol needs metadata the probe does not keep (BitTorrent hash,
 * mining currency, SIP call id, RTP stream type, IEC 104). The result points into the
 * flow or into buf (at least 256 bytes). */
const char *api_flow_info(const struct flow *f, char *buf, size_t len);

/* Flow::get_protocol_category(): the nDPI category id once detection is over, else 0. */
int api_flow_category(struct iface *ifc, const struct flow *f);

/* The protos.* keys of one protocol (Flow::lua_get_dns_info, _http_info, _ssh_info,
 * _tls_info) on the table at the top of the stack; nothing for flows of other protocols. */
void push_flow_dns_info(lua_State *L, const struct flow *f);
void push_flow_http_info(lua_State *L, const struct flow *f);
void push_flow_ssh_info(lua_State *L, const struct flow *f);
void push_flow_tls_info(lua_State *L, const struct flow *f);

/* Local address with ntopng's rules, for a flow end that may have no host. */
bool api_flow_end_is_local(struct iface *ifc, const struct flow *f, bool client);

#endif
