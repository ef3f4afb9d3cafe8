/* A host's fields in host lists (ntopng's Host::lua at the NORMAL..HIGHER detail levels,
 * plus LocalHost::lua), described once and written through a small writer interface:
 * Lua tables for every Lua caller (push_host) and Table.records wire bytes for remote host
 * pages (host_fields_records_*). Key names, types and levels follow ntopng (Host.cpp,
 * HostStats.cpp, LocalHost.cpp). */
#ifndef NTOP_HOST_FIELDS_H
#define NTOP_HOST_FIELDS_H

#include "push_host.h"

#include "../core/host_snapshot.h"

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netlist;

enum host_field {
    HF_IP,
    HF_VLAN,
    HF_IPKEY,
    HF_IPHEX,
    HF_TSKEY,
    HF_IP_VERSION,
    HF_NAME,
    HF_LOCALHOST,
    HF_SYSTEMHOST,
    HF_PRIVATEHOST,
    HF_IS_RX_ONLY,
    HF_IS_BROADCAST,
    HF_IS_MULTICAST,
    HF_IS_BLACKLISTED,
    HF_MAC,
    HF_ACTIVE_FLOWS_AS_CLIENT,
    HF_ACTIVE_FLOWS_AS_SERVER,
    HF_CONTACTS_AS_CLIENT,
    HF_CONTACTS_AS_SERVER,
    HF_BYTES_RATIO,
    HF_PKTS_RATIO,
    HF_BYTES_SENT,
    HF_BYTES_RCVD,
    HF_TOTAL_FLOWS_AS_CLIENT,
    HF_TOTAL_FLOWS_AS_SERVER,
    HF_BYTES_NDPI_UNKNOWN,
    HF_FLOWS_AS_CLIENT,
    HF_FLOWS_AS_SERVER,
    HF_PACKETS_SENT,
    HF_PACKETS_RCVD,
    HF_L4, /* L4_SLOTS x {packets.sent, packets.rcvd, bytes.sent, bytes.rcvd} */
    HF_IFID = HF_L4 + 4 * L4_SLOTS,
    HF_SEEN_FIRST,
    HF_SEEN_LAST,
    HF_DURATION,
    HF_LOCAL_NETWORK_ID,
    HF_LOCAL_NETWORK_NAME,
    HF_COUNT
};

/* Lua key of each field. */
extern const char *const host_field_names[HF_COUNT];

/* Where the fields go. Each function writes one field of the current host. */
struct host_writer {
    void (*integer)(struct host_writer *w, enum host_field f, int64_t v);
    void (*number)(struct host_writer *w, enum host_field f, double v);
    void (*boolean)(struct host_writer *w, enum host_field f, bool v);
    void (*string)(struct host_writer *w, enum host_field f, const char *s, size_t len);
};

/* What the fields need besides the host: the interface's id and the probe's local networks
 * (both fixed while the probe runs, so any thread may read them). */
struct host_fields_env {
    int ifid;
    const struct netlist *nets;
};

/* Writes the fields of `r` (name: its name, "" when none) for `level` (at most HIGHER:
 * getHostInfo's nDPI tables are push_host's). Any thread. */
void host_fields_write(struct host_writer *w, const struct host_snap_rec *r, const char *name,
                       enum host_detail level, const struct host_fields_env *env);

/* The Lua writer: fields are set on the table at the top of L's stack. */
struct host_lua_writer {
    struct host_writer w;
    lua_State *L;
};
void host_lua_writer_init(struct host_lua_writer *lw, lua_State *L);

/* "ip" or "ip@vlan" (api_host_key) without snprintf; buf of IPADDR_STRLEN + 8. Returns the
 * length. */
size_t host_fields_key(const struct ipaddr *ip, uint16_t vlan, char *buf);

/* The Table.records writer: one column per field (host_field_names), row `row` of b. b has
 * HF_COUNT columns (and the row keys at index HF_COUNT when it has them). */
struct wire_records_build;
struct host_records_writer {
    struct host_writer w;
    struct wire_records_build *b;
    size_t row;
};
void host_records_writer_init(struct host_records_writer *rw, struct wire_records_build *b);

#endif
