/* Flow::lua for the probe's flows. Key names, types and detail levels follow ntopng
 * (Flow.cpp: lua, lua_get_ip, lua_get_info, lua_get_protocols, lua_get_dir_traffic,
 * lua_get_tcp_info and the protos.* helpers). Left out because the probe does not track
 * them: alerts and score, throughput and its trends, latency, keep-alives, DSCP/ECN, the
 * community id, confidence, risks as ntopng's checks see them, geolocation, ASNs, pools,
 * devices, interarrival times, packet length deviation, "last" (periodic) counters. */
#include "push_flow.h"

#include "api_util.h"
#include "push_host.h"

#include "../core/dpi.h"
#include "../core/iface.h"
#include "../core/probe.h"

#include <ndpi/ndpi_api.h>
#include <stdio.h>
#include <string.h>

/* ntopng waits for this many packets before naming an undetected flow's protocol. */
#define NDPI_MIN_NUM_PACKETS 12
#define TOO_EARLY            "TooEarly"

int api_flow_detail_parse(const char *s, enum flow_detail *out)
{
    static const char *const names[] = {"normal", "high", "higher", "max"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum flow_detail)i;
            return 0;
        }
    }
    return -1;
}

/* Utils::l4proto2name */
static const char *l4_name(uint8_t proto, char *buf, size_t len)
{
    static const struct {
        uint8_t proto;
        const char *name;
    } names[] = {
        {0,   "IP"       },
        {1,   "ICMP"     },
        {2,   "IGMP"     },
        {6,   "TCP"      },
        {17,  "UDP"      },
        {41,  "IPv6"     },
        {46,  "RSVP"     },
        {47,  "GRE"      },
        {50,  "ESP"      },
        {51,  "AH"       },
        {58,  "IPv6-ICMP"},
        {88,  "EIGRP"    },
        {89,  "OSPF"     },
        {103, "PIM"      },
        {112, "VRRP"     },
        {139, "HIP"      },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].proto == proto)
            return names[i].name;
    snprintf(buf, len, "%u", proto);
    return buf;
}

static bool is_proto(const struct flow *f, uint16_t p)
{
    return f->ndpi_master == p || f->ndpi_app == p;
}

static bool is_tls(const struct flow *f)
{
    return is_proto(f, NDPI_PROTOCOL_TLS) || is_proto(f, NDPI_PROTOCOL_MAIL_IMAPS) ||
           is_proto(f, NDPI_PROTOCOL_MAIL_SMTPS) || is_proto(f, NDPI_PROTOCOL_MAIL_POPS) ||
           is_proto(f, NDPI_PROTOCOL_QUIC);
}

static bool is_icmp(const struct flow *f)
{
    return f->key.proto == 1 || f->key.proto == 58;
}

static ndpi_protocol flow_proto(const struct flow *f)
{
    ndpi_protocol p;
    memset(&p, 0, sizeof(p));
    if (f->detection_done) {
        p.master_protocol = f->ndpi_master;
        p.app_protocol = f->ndpi_app;
        p.category = (ndpi_protocol_category_t)f->ndpi_category;
    }
    return p;
}

int api_flow_category(struct iface *ifc, const struct flow *f)
{
    return (int)ndpi_get_proto_category(ifc->ndpi, flow_proto(f));
}

/* The three-way handshake is over once a packet other than a bare SYN or SYN+ACK was
 * seen (Flow::updateTcpFlags sets twh_over so). The probe keeps only the OR of the flags
 * of each direction: a client ACK, a server packet with ACK but without SYN, or any flag
 * besides SYN/ACK (ECE/CWR apart) prove such a packet. */
static bool twh_over(const struct flow *f)
{
    uint8_t c = f->c2s.tcp_flags, s = f->s2c.tcp_flags;
    uint8_t other = (uint8_t) ~(TH_SYN | TH_ACK | TH_ECE | TH_CWR);
    return ((c | s) & other) || (c & TH_ACK) || ((s & (TH_SYN | TH_ACK)) == TH_ACK);
}

void api_flow_tcp_state(const struct flow *f, struct flow_tcp_state *out)
{
    memset(out, 0, sizeof(*out));
    if (f->key.proto != 6)
        return;
    uint8_t c = f->c2s.tcp_flags, s = f->s2c.tcp_flags;
    const uint8_t saf = TH_SYN | TH_ACK | TH_FIN;
    out->closed = (c & saf) == saf && (s & saf) == saf;
    out->reset = !out->closed && ((c | s) & TH_RST);
    out->established = !out->closed && !out->reset && twh_over(f);
    out->connecting = c == TH_SYN && (s == 0 || s == (TH_SYN | TH_ACK));
}

bool api_flow_end_is_local(struct iface *ifc, const struct flow *f, bool client)
{
    const struct host *h = client ? f->cli_host : f->srv_host;
    if (h)
        return h->local;
    int net;
    return probe_is_local(ifc->probe, client ? &f->key.cli : &f->key.srv, &net);
}

/* The TLS client's requested server name, cut at the first ',' or ' ' as ntopng does. */
static const char *tls_sni(const struct flow *f, char *buf, size_t len)
{
    const char *sni = f->meta ? f->meta->host_server_name : NULL;
    if (!sni || !*sni)
        return NULL;
    snprintf(buf, len, "%s", sni);
    char *cut = strchr(buf, ',');
    if (!cut)
        cut = strchr(buf, ' ');
    if (cut)
        *cut = '\0';
    return buf;
}

const char *api_flow_info(const struct flow *f, char *buf, size_t len)
{
    const struct flow_meta *m = f->meta;
    const char *sni;
    if (is_proto(f, NDPI_PROTOCOL_IEC60870))
        return NULL;
    if (is_proto(f, NDPI_PROTOCOL_DNS) && m && m->dns_query)
        return m->dns_query;
    if (is_proto(f, NDPI_PROTOCOL_HTTP) && m && m->http_url)
        return m->http_url;
    if (is_tls(f) && (sni = tls_sni(f, buf, len)))
        return sni;
    if (is_proto(f, NDPI_PROTOCOL_BITTORRENT))
        return NULL;
    if (m && m->host_server_name)
        return m->host_server_name;
    if (is_proto(f, NDPI_PROTOCOL_SSH)) {
        if (m && m->ssh_server_signature)
            return m->ssh_server_signature;
        if (m && m->ssh_client_signature)
            return m->ssh_client_signature;
        return "";
    }
    if ((f->risk >> NDPI_DESKTOP_OR_FILE_SHARING_SESSION) & 1)
        return "Desktop Sharing";
    if (is_proto(f, NDPI_PROTOCOL_MINING) || is_proto(f, NDPI_PROTOCOL_SIP) ||
        is_proto(f, NDPI_PROTOCOL_SKYPE_CALL) || is_proto(f, NDPI_PROTOCOL_ZOOM))
        return NULL;
    return "";
}

/* lua_get_ip: address, key, VLAN and broadcast/multicast flag of one end. */
static void push_end_ip(lua_State *L, const struct flow *f, bool client)
{
    const struct ipaddr *ip = client ? &f->key.cli : &f->key.srv;
    char buf[IPADDR_STRLEN];
    api_set_str(L, client ? "cli.ip" : "srv.ip", ipaddr_str(ip, buf, sizeof(buf)));
    api_set_int(L, client ? "cli.key" : "srv.key", api_ip_key(ip));
    if (f->key.vlan)
        api_set_int(L, client ? "cli.vlan" : "srv.vlan", f->key.vlan);
    api_set_bool(L, client ? "cli.broadmulticast" : "srv.broadmulticast",
                 ipaddr_is_multicast(ip) || ipaddr_is_broadcast(ip));
}

/* lua_get_info + lua_get_mac: what the host object knows, then the address flags. */
static void push_end_info(lua_State *L, struct iface *ifc, const struct flow *f, bool client)
{
    const struct host *h = client ? f->cli_host : f->srv_host;
    const struct ipaddr *ip = client ? &f->key.cli : &f->key.srv;
    const char *p = client ? "cli." : "srv.";
    char key[32], buf[18];
#define KEY(k) (snprintf(key, sizeof(key), "%s%s", p, (k)), key)
    if (h) {
        api_set_str(L, KEY("host"), h->name ? h->name : "");
        api_set_bool(L, KEY("systemhost"), false);
        api_set_int(L, KEY("network_id"), h->network_id);
        static const uint8_t no_mac[6];
        api_set_str(L, KEY("mac"), api_mac_str(h->has_mac ? h->mac : no_mac, buf));
    }
    api_set_bool(L, KEY("private"), ipaddr_is_private(ip));
    api_set_bool(L, KEY("localhost"), api_flow_end_is_local(ifc, f, client));
#undef KEY
}

/* lua_get_protocols */
static void push_protocols(lua_State *L, struct iface *ifc, const struct flow *f)
{
    struct ndpi_detection_module_struct *nd = ifc->ndpi;
    char buf[64];
    api_set_int(L, "proto.l4_id", f->key.proto);
    api_set_str(L, "proto.l4", l4_name(f->key.proto, buf, sizeof(buf)));

    if (flow_packets(f) > NDPI_MIN_NUM_PACKETS || f->ndpi_app != NDPI_PROTOCOL_UNKNOWN ||
        f->detection_done) {
        api_set_str(L, "proto.ndpi", dpi_flow_proto_name(ifc, f, buf, sizeof(buf)));
        api_set_int(L, "proto.ndpi_id", f->ndpi_app);
        api_set_int(L, "proto.ndpi_informative_proto",
                    ndpi_is_subprotocol_informative(nd, f->ndpi_master) ? f->ndpi_master
                                                                        : f->ndpi_app);
        api_set_int(L, "proto.master_ndpi_id", f->ndpi_master);
    } else {
        api_set_str(L, "proto.ndpi", TOO_EARLY);
        api_set_int(L, "proto.ndpi_id", -1);
        api_set_int(L, "proto.master_ndpi_id", -1);
    }

    ndpi_protocol p = flow_proto(f);
    ndpi_protocol_breed_t breed = ndpi_get_proto_breed(nd, ndpi_get_upper_proto(p));
    api_set_str(L, "proto.ndpi_breed", ndpi_get_proto_breed_name(nd, breed));
    api_set_bool(L, "proto.is_encrypted", ndpi_is_encrypted_proto(nd, p));
    ndpi_protocol_category_t cat = ndpi_get_proto_category(nd, p);
    api_set_int(L, "proto.ndpi_cat_id", cat);
    api_set_str(L, "proto.ndpi_cat", ndpi_category_get_name(nd, cat));
}

/* lua_get_dir_traffic */
static void push_dir(lua_State *L, const struct flow_dir *d, bool c2s)
{
    const char *p = c2s ? "cli2srv." : "srv2cli.";
    char key[40];
#define KEY(k) (snprintf(key, sizeof(key), "%s%s", p, (k)), key)
    api_set_uint(L, KEY("bytes"), d->bytes);
    api_set_uint(L, KEY("goodput_bytes"), d->goodput_bytes);
    api_set_uint(L, KEY("packets"), d->packets);
    api_set_uint(L, KEY("pkt_len.min"), d->pkt_len_min);
    api_set_uint(L, KEY("pkt_len.max"), d->pkt_len_max);
    /* ndpi_data_average over the same per-packet sizes, truncated by the integer push */
    api_set_uint(L, KEY("pkt_len.avg"), d->packets ? d->bytes / d->packets : 0);
    api_set_uint(L, KEY("fragments"), d->fragments);
#undef KEY
}

/* lua_get_tcp_info, without latencies, keep-alives and the seq_problems summary (which
 * counts keep-alives). */
static void push_tcp(lua_State *L, const struct flow *f)
{
    api_set_uint(L, "cli2srv.retransmissions", f->c2s.retransmissions);
    api_set_uint(L, "cli2srv.out_of_order", f->c2s.out_of_order);
    api_set_uint(L, "cli2srv.lost", f->c2s.lost);
    api_set_uint(L, "srv2cli.retransmissions", f->s2c.retransmissions);
    api_set_uint(L, "srv2cli.out_of_order", f->s2c.out_of_order);
    api_set_uint(L, "srv2cli.lost", f->s2c.lost);
    api_set_int(L, "cli2srv.tcp_flags", f->c2s.tcp_flags);
    api_set_int(L, "srv2cli.tcp_flags", f->s2c.tcp_flags);
    struct flow_tcp_state st;
    api_flow_tcp_state(f, &st);
    api_set_bool(L, "tcp_established", st.established);
    api_set_bool(L, "tcp_connecting", st.connecting);
    api_set_bool(L, "tcp_closed", st.closed);
    api_set_bool(L, "tcp_reset", st.reset);
}

/* The host name as ntopng keeps it: HTTP Host without the port. */
static const char *server_name(const struct flow *f, char *buf, size_t len)
{
    const char *n = f->meta ? f->meta->host_server_name : NULL;
    if (!n || !*n)
        return NULL;
    if (!is_proto(f, NDPI_PROTOCOL_HTTP))
        return n;
    snprintf(buf, len, "%s", n);
    char *colon = strrchr(buf, ':');
    if (colon)
        *colon = '\0';
    return buf;
}

/* Flow::lua_get_dns_info */
void push_flow_dns_info(lua_State *L, const struct flow *f)
{
    const struct flow_meta *m = f->meta;
    if (is_proto(f, NDPI_PROTOCOL_DNS) && m && m->dns_query) {
        api_set_int(L, "protos.dns.last_query_type", m->dns_query_type);
        api_set_int(L, "protos.dns.last_return_code", m->dns_return_code);
        api_set_str(L, "protos.dns.last_query", m->dns_query);
    }
}

/* Flow::lua_get_http_info */
void push_flow_http_info(lua_State *L, const struct flow *f)
{
    const struct flow_meta *m = f->meta;
    char buf[256];
    if (!is_proto(f, NDPI_PROTOCOL_HTTP))
        return;
    if (m && m->http_url) {
        api_set_str(L, "protos.http.last_method", m->http_method);
        api_set_int(L, "protos.http.last_return_code", m->http_response_code);
        api_set_str(L, "protos.http.last_url", m->http_url);
        api_set_str(L, "protos.http.last_user_agent", m->http_user_agent);
        api_set_str(L, "protos.http.last_server", m->http_server);
    }
    api_set_str(L, "protos.http.server_name", server_name(f, buf, sizeof(buf)));
}

/* Flow::lua_get_ssh_info */
void push_flow_ssh_info(lua_State *L, const struct flow *f)
{
    const struct flow_meta *m = f->meta;
    if (is_proto(f, NDPI_PROTOCOL_SSH) && m) {
        api_set_str(L, "protos.ssh.client_signature", m->ssh_client_signature);
        api_set_str(L, "protos.ssh.server_signature", m->ssh_server_signature);
        api_set_str(L, "protos.ssh.hassh.client_hash", m->ssh_hassh_client);
        api_set_str(L, "protos.ssh.hassh.server_hash", m->ssh_hassh_server);
    }
}

/* Flow::lua_get_tls_info */
void push_flow_tls_info(lua_State *L, const struct flow *f)
{
    const struct flow_meta *m = f->meta;
    char buf[256];
    if (!is_tls(f))
        return;
    api_set_int(L, "protos.tls_version", m ? m->tls_version : 0);
    if (m) {
        api_set_str(L, "protos.tls.client_alpn", m->tls_alpn);
        api_set_str(L, "protos.tls.issuerDN", m->tls_issuer);
        api_set_str(L, "protos.tls.subjectDN", m->tls_subject);
        api_set_str(L, "protos.tls.client_requested_server_name", tls_sni(f, buf, sizeof(buf)));
        if (m->tls_not_before && m->tls_not_after) {
            api_set_uint(L, "protos.tls.notBefore", (uint32_t)m->tls_not_before);
            api_set_uint(L, "protos.tls.notAfter", (uint32_t)m->tls_not_after);
        }
    }
}

/* protos.dns.*, protos.http.*, protos.ssh.*, protos.tls.* */
static void push_l7_meta(lua_State *L, const struct flow *f)
{
    push_flow_dns_info(L, f);
    push_flow_http_info(L, f);
    push_flow_ssh_info(L, f);
    push_flow_tls_info(L, f);
}

void push_flow(lua_State *L, struct iface *ifc, const struct flow *f, enum flow_detail level)
{
    char buf[256];
    lua_createtable(L, 0, level >= FLOW_DETAIL_HIGH ? 96 : 16);

    push_end_ip(L, f, true);
    push_end_ip(L, f, false);
    api_set_int(L, "vlan", f->key.vlan);
    api_set_int(L, "iface_index", ifc->id);
    api_set_int(L, "cli.port", f->key.cli_port);
    api_set_int(L, "srv.port", f->key.srv_port);
    api_set_uint(L, "bytes", flow_bytes(f));
    api_set_uint(L, "goodput_bytes", f->c2s.goodput_bytes + f->s2c.goodput_bytes);

    if (level >= FLOW_DETAIL_HIGH) {
        if (f->swapped)
            api_set_bool(L, "flow_swapped", true);
        push_end_info(L, ifc, f, true);
        push_end_info(L, ifc, f, false);
        push_protocols(L, ifc, f);

        uint64_t pkts = flow_packets(f);
        api_set_uint(L, "packets", pkts);
        api_set_uint(L, "packets.sent", f->c2s.packets);
        api_set_uint(L, "packets.rcvd", f->s2c.packets);
        int64_t first = api_secs(f->first_seen_us), last = api_secs(f->last_seen_us);
        int64_t duration = last - first + 1;
        api_set_int(L, "seen.first", first);
        api_set_int(L, "seen.last", last);
        api_set_int(L, "duration", duration);
        push_dir(L, &f->c2s, true);
        push_dir(L, &f->s2c, false);

        /* type and code of the last ICMP packet of the direction ntopng reports (the
         * server's when it answered); the probe keeps the first packet's only, which is
         * that one when the flow is one-way. */
        if (is_icmp(f) && f->s2c.packets == 0) {
            lua_createtable(L, 0, 2);
            api_set_int(L, "type", f->icmp_type);
            api_set_int(L, "code", f->icmp_code);
            lua_setfield(L, -2, "icmp");
        }

        if (f->key.proto == 6)
            push_tcp(L, f);
        api_set_str(L, "host_server_name", server_name(f, buf, sizeof(buf)));
        api_set_str(L, "info", api_flow_info(f, buf, sizeof(buf)));
        push_l7_meta(L, f);

        /* lua_get_throughput: integer division by the duration, pushed as a float */
        api_set_num(L, "average_throughput_bps", (double)(flow_bytes(f) / (uint64_t)duration));
        api_set_num(L, "average_throughput_pps", (double)(pkts / (uint64_t)duration));
    }

    /* lua_get_status (the flow status and alerts need the checks engine) */
    api_set_bool(L, "flow.idle", f->idle);
    api_set_str(L, "proto.ndpi",
                f->detection_done ? dpi_flow_proto_name(ifc, f, buf, sizeof(buf)) : TOO_EARLY);
    api_set_uint(L, "hash_entry_id", f->id);
}
