/* The fields of a host in host lists: see host_fields.h. */
#include "host_fields.h"

#include "../core/netlist.h"
#include "wire_columns.h"

#include <ndpi/ndpi_api.h>
#include <string.h>

#define L4_NAMES(p) p ".packets.sent", p ".packets.rcvd", p ".bytes.sent", p ".bytes.rcvd"

const char *const host_field_names[HF_COUNT] = {
    [HF_IP] = "ip",
    [HF_VLAN] = "vlan",
    [HF_IPKEY] = "ipkey",
    [HF_IPHEX] = "iphex",
    [HF_TSKEY] = "tskey",
    [HF_IP_VERSION] = "ip_version",
    [HF_NAME] = "name",
    [HF_LOCALHOST] = "localhost",
    [HF_SYSTEMHOST] = "systemhost",
    [HF_PRIVATEHOST] = "privatehost",
    [HF_IS_RX_ONLY] = "is_rx_only",
    [HF_IS_BROADCAST] = "is_broadcast",
    [HF_IS_MULTICAST] = "is_multicast",
    [HF_IS_BLACKLISTED] = "is_blacklisted",
    [HF_MAC] = "mac",
    [HF_ACTIVE_FLOWS_AS_CLIENT] = "active_flows.as_client",
    [HF_ACTIVE_FLOWS_AS_SERVER] = "active_flows.as_server",
    [HF_CONTACTS_AS_CLIENT] = "contacts.as_client",
    [HF_CONTACTS_AS_SERVER] = "contacts.as_server",
    [HF_BYTES_RATIO] = "bytes_ratio",
    [HF_PKTS_RATIO] = "pkts_ratio",
    [HF_BYTES_SENT] = "bytes.sent",
    [HF_BYTES_RCVD] = "bytes.rcvd",
    [HF_TOTAL_FLOWS_AS_CLIENT] = "total_flows.as_client",
    [HF_TOTAL_FLOWS_AS_SERVER] = "total_flows.as_server",
    [HF_BYTES_NDPI_UNKNOWN] = "bytes.ndpi.unknown",
    [HF_FLOWS_AS_CLIENT] = "flows.as_client",
    [HF_FLOWS_AS_SERVER] = "flows.as_server",
    [HF_PACKETS_SENT] = "packets.sent",
    [HF_PACKETS_RCVD] = "packets.rcvd",
    L4_NAMES("tcp"),
    L4_NAMES("udp"),
    L4_NAMES("icmp"),
    L4_NAMES("other_ip"),
    [HF_IFID] = "ifid",
    [HF_SEEN_FIRST] = "seen.first",
    [HF_SEEN_LAST] = "seen.last",
    [HF_DURATION] = "duration",
    [HF_LOCAL_NETWORK_ID] = "local_network_id",
    [HF_LOCAL_NETWORK_NAME] = "local_network_name",
};

static const char hex_digits[] = "0123456789ABCDEF";

/* Decimal of a byte, without a terminator; returns the number of digits. */
static size_t put_u8(char *p, unsigned v)
{
    if (v >= 100) {
        p[0] = (char)('0' + v / 100);
        p[1] = (char)('0' + v / 10 % 10);
        p[2] = (char)('0' + v % 10);
        return 3;
    }
    if (v >= 10) {
        p[0] = (char)('0' + v / 10);
        p[1] = (char)('0' + v % 10);
        return 2;
    }
    p[0] = (char)('0' + v);
    return 1;
}

/* The address as ipaddr_str writes it: dotted quad here, inet_ntop for IPv6. */
static size_t ip_text(const struct ipaddr *ip, char *buf)
{
    if (ip->ver != 4) {
        ipaddr_str(ip, buf, IPADDR_STRLEN);
        return strlen(buf);
    }
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (i)
            buf[n++] = '.';
        n += put_u8(buf + n, ip->b[12 + i]);
    }
    buf[n] = '\0';
    return n;
}

size_t host_fields_key(const struct ipaddr *ip, uint16_t vlan, char *buf)
{
    size_t n = ip_text(ip, buf);
    if (vlan) {
        char d[8];
        size_t k = 0;
        for (unsigned v = vlan; v; v /= 10)
            d[k++] = (char)('0' + v % 10);
        buf[n++] = '@';
        while (k)
            buf[n++] = d[--k];
        buf[n] = '\0';
    }
    return n;
}

/* "C0A80101" or 32 hex digits: IpAddress::get_ip_hex. */
static size_t ip_hex(const struct ipaddr *ip, char *buf)
{
    const uint8_t *b = ip->ver == 4 ? ip->b + 12 : ip->b;
    int n = ip->ver == 4 ? 4 : 16;
    for (int i = 0; i < n; i++) {
        buf[2 * i] = hex_digits[b[i] >> 4];
        buf[2 * i + 1] = hex_digits[b[i] & 15];
    }
    return (size_t)(2 * n);
}

/* "AA:BB:CC:DD:EE:FF" (api_mac_str) */
static void mac_text(const uint8_t *mac, char *buf)
{
    for (int i = 0; i < 6; i++) {
        buf[3 * i] = hex_digits[mac[i] >> 4];
        buf[3 * i + 1] = hex_digits[mac[i] & 15];
        if (i < 5)
            buf[3 * i + 2] = ':';
    }
}

/* Counters are unsigned 64-bit; Lua integers are signed: clamp rather than wrap. */
static int64_t clamp(uint64_t v)
{
    return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* ndpi_data_ratio: (sent - rcvd) / (sent + rcvd) on 32-bit inputs, 0 without traffic. */
static double data_ratio(uint64_t sent, uint64_t rcvd)
{
    return ndpi_data_ratio((uint32_t)sent, (uint32_t)rcvd);
}

static int64_t secs(uint64_t us)
{
    return (int64_t)(us / 1000000u);
}

void host_fields_write(struct host_writer *w, const struct host_snap_rec *r, const char *name,
                       enum host_detail level, const struct host_fields_env *env)
{
    char buf[IPADDR_STRLEN + 16];
    const struct traffic *t = &r->total;
    const bool local = r->flags & HOST_SNAP_LOCAL;
    const bool unicast = r->flags & HOST_SNAP_UNICAST;

    /* Identity (Host::lua, lua_get_ip) */
    size_t n = ip_text(&r->ip, buf);
    w->string(w, HF_IP, buf, n);
    w->integer(w, HF_VLAN, r->vlan);
    w->integer(w, HF_IPKEY, api_ip_key(&r->ip));
    w->string(w, HF_IPHEX, buf, ip_hex(&r->ip, buf));
    w->string(w, HF_TSKEY, buf, host_fields_key(&r->ip, r->vlan, buf));
    w->integer(w, HF_IP_VERSION, r->ip.ver);
    w->string(w, HF_NAME, name, strlen(name));

    /* lua_get_min_info. systemhost: the probe does not tell its own addresses apart. */
    w->boolean(w, HF_LOCALHOST, local);
    w->boolean(w, HF_SYSTEMHOST, false);
    w->boolean(w, HF_PRIVATEHOST, r->flags & HOST_SNAP_PRIVATE);
    w->boolean(w, HF_IS_RX_ONLY, unicast && t->pkts_sent == 0);
    /* Host::isBroadcastHost also counts hosts seen behind the broadcast MAC, which the
     * core folds into `unicast`. */
    w->boolean(w, HF_IS_BROADCAST,
               (r->flags & HOST_SNAP_BROADCAST) || (!unicast && !(r->flags & HOST_SNAP_MULTICAST)));
    w->boolean(w, HF_IS_MULTICAST, r->flags & HOST_SNAP_MULTICAST);
    w->boolean(w, HF_IS_BLACKLISTED, r->flags & HOST_SNAP_BLACKLISTED);
    static const uint8_t no_mac[6];
    mac_text(r->flags & HOST_SNAP_HAS_MAC ? r->mac : no_mac, buf);
    w->string(w, HF_MAC, buf, 17);

    /* Flows and peers (lua_get_num_flows, lua_get_num_contacts). ntopng counts contacts
     * of local hosts only and reports 0 for remote ones. */
    w->integer(w, HF_ACTIVE_FLOWS_AS_CLIENT, r->active_flows_as_client);
    w->integer(w, HF_ACTIVE_FLOWS_AS_SERVER, r->active_flows_as_server);
    w->integer(w, HF_CONTACTS_AS_CLIENT, local ? r->contacts_as_client : 0);
    w->integer(w, HF_CONTACTS_AS_SERVER, local ? r->contacts_as_server : 0);

    w->number(w, HF_BYTES_RATIO, data_ratio(t->bytes_sent, t->bytes_rcvd));
    w->number(w, HF_PKTS_RATIO, data_ratio(t->pkts_sent, t->pkts_rcvd));

    /* HostStats::lua */
    if (level >= HOST_DETAIL_HIGH) {
        w->integer(w, HF_BYTES_SENT, clamp(t->bytes_sent));
        w->integer(w, HF_BYTES_RCVD, clamp(t->bytes_rcvd));
        w->integer(w, HF_TOTAL_FLOWS_AS_CLIENT, clamp(r->flows_as_client));
        w->integer(w, HF_TOTAL_FLOWS_AS_SERVER, clamp(r->flows_as_server));
        w->integer(w, HF_BYTES_NDPI_UNKNOWN, clamp(r->unknown_bytes));
    }
    if (level >= HOST_DETAIL_HIGHER) {
        w->integer(w, HF_FLOWS_AS_CLIENT, clamp(r->flows_as_client));
        w->integer(w, HF_FLOWS_AS_SERVER, clamp(r->flows_as_server));
        w->integer(w, HF_PACKETS_SENT, clamp(t->pkts_sent));
        w->integer(w, HF_PACKETS_RCVD, clamp(t->pkts_rcvd));
        for (int i = 0; i < L4_SLOTS; i++) {
            const struct traffic *l4 = &r->l4[i];
            enum host_field f = (enum host_field)(HF_L4 + 4 * i);
            w->integer(w, f, clamp(l4->pkts_sent));
            w->integer(w, f + 1, clamp(l4->pkts_rcvd));
            w->integer(w, f + 2, clamp(l4->bytes_sent));
            w->integer(w, f + 3, clamp(l4->bytes_rcvd));
        }
        /* the host_details block */
        w->integer(w, HF_IFID, env->ifid);
    }

    /* lua_get_time */
    int64_t first = secs(r->first_seen_us), last = secs(r->last_seen_us);
    w->integer(w, HF_SEEN_FIRST, first);
    w->integer(w, HF_SEEN_LAST, last);
    w->integer(w, HF_DURATION, last - first + 1);

    /* LocalHost::lua */
    if (local) {
        w->integer(w, HF_LOCAL_NETWORK_ID, r->network_id);
        if (r->network_id >= 0 && r->network_id < env->nets->count) {
            const char *net = env->nets->nets[r->network_id].name;
            w->string(w, HF_LOCAL_NETWORK_NAME, net, strlen(net));
        }
    }
}

/* ---- the Lua writer ---- */

static void lua_w_integer(struct host_writer *w, enum host_field f, int64_t v)
{
    lua_State *L = ((struct host_lua_writer *)w)->L;
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, host_field_names[f]);
}

static void lua_w_number(struct host_writer *w, enum host_field f, double v)
{
    lua_State *L = ((struct host_lua_writer *)w)->L;
    lua_pushnumber(L, v);
    lua_setfield(L, -2, host_field_names[f]);
}

static void lua_w_boolean(struct host_writer *w, enum host_field f, bool v)
{
    lua_State *L = ((struct host_lua_writer *)w)->L;
    lua_pushboolean(L, v);
    lua_setfield(L, -2, host_field_names[f]);
}

static void lua_w_string(struct host_writer *w, enum host_field f, const char *s, size_t len)
{
    lua_State *L = ((struct host_lua_writer *)w)->L;
    lua_pushlstring(L, s, len);
    lua_setfield(L, -2, host_field_names[f]);
}

void host_lua_writer_init(struct host_lua_writer *lw, lua_State *L)
{
    lw->w = (struct host_writer){
        .integer = lua_w_integer,
        .number = lua_w_number,
        .boolean = lua_w_boolean,
        .string = lua_w_string,
    };
    lw->L = L;
}

/* ---- the Table.records writer ---- */

static void rec_w_integer(struct host_writer *w, enum host_field f, int64_t v)
{
    struct host_records_writer *rw = (struct host_records_writer *)w;
    wire_records_integer(rw->b, f, rw->row, v);
}

static void rec_w_number(struct host_writer *w, enum host_field f, double v)
{
    struct host_records_writer *rw = (struct host_records_writer *)w;
    wire_records_number(rw->b, f, rw->row, v);
}

static void rec_w_boolean(struct host_writer *w, enum host_field f, bool v)
{
    struct host_records_writer *rw = (struct host_records_writer *)w;
    wire_records_boolean(rw->b, f, rw->row, v);
}

static void rec_w_string(struct host_writer *w, enum host_field f, const char *s, size_t len)
{
    struct host_records_writer *rw = (struct host_records_writer *)w;
    wire_records_string(rw->b, f, rw->row, s, len);
}

void host_records_writer_init(struct host_records_writer *rw, struct wire_records_build *b)
{
    rw->w = (struct host_writer){
        .integer = rec_w_integer,
        .number = rec_w_number,
        .boolean = rec_w_boolean,
        .string = rec_w_string,
    };
    rw->b = b;
    rw->row = 0;
}
