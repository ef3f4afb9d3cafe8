/* An immutable copy of an interface's hosts, for host lists served off the capture thread.
 *
 * The owner thread builds it (host_snapshot_get) and keeps the newest one cached on the
 * interface; readers on any thread hold a reference and release it when done, so a page is
 * filtered, sorted and written on the caller's thread while capture goes on. Each record
 * holds what getHostsInfo and its siblings filter, sort and write at the HIGH/HIGHER detail
 * levels (server/api/host_fields.h); nothing in it points into the live tables. */
#ifndef NTOP_HOST_SNAPSHOT_H
#define NTOP_HOST_SNAPSHOT_H

#include "host.h"

#include <stdbool.h>
#include <stdint.h>

struct iface;

enum host_snap_flag {
    HOST_SNAP_HAS_MAC = 1 << 0,
    HOST_SNAP_LOCAL = 1 << 1,
    HOST_SNAP_MULTICAST = 1 << 2,
    HOST_SNAP_BROADCAST = 1 << 3,
    HOST_SNAP_UNICAST = 1 << 4,
    HOST_SNAP_PRIVATE = 1 << 5,
    HOST_SNAP_BLACKLISTED = 1 << 6,
};

/* One host. Records are in creation order (the host table's list), so an index compares as
 * the host's id does. */
struct host_snap_rec {
    /* what the filters and most sort keys read first: one cache line */
    struct ipaddr ip;
    uint8_t flags; /* enum host_snap_flag */
    uint16_t vlan;
    int16_t network_id;
    uint8_t mac[6];
    struct traffic total;
    /* the rest of the output */
    uint64_t first_seen_us, last_seen_us;
    uint64_t flows_as_client, flows_as_server;
    uint64_t unknown_bytes; /* bytes of nDPI's Unknown protocol, sent + received */
    uint32_t active_flows_as_client, active_flows_as_server;
    uint32_t contacts_as_client, contacts_as_server;
    uint32_t name_off, name_len; /* in the snapshot's name blob; 0 bytes when no name */
    struct traffic l4[L4_SLOTS];
};

/* Whatever may change what a host list shows; compared to tell a cached snapshot from the
 * live state. */
struct host_snap_sig {
    uint64_t packets;
    uint64_t host_ids, flow_ids; /* next ids: creations */
    uint32_t hosts, flows;       /* counts: with the ids, removals */
    uint64_t writes;             /* write-class bindings run on the interface */
    bool eof_booked;
};

struct host_snapshot {
    int refs; /* atomic */
    uint32_t count;
    struct host_snap_rec *recs;
    char *names;
    size_t recs_cap, names_cap; /* bytes allocated */
    uint64_t built_ms;          /* monotonic clock */
    double build_ms;            /* how long the build took */
    struct host_snap_sig sig;
};

/* A new snapshot for removed hosts waits until the last build is this many times its own
 * build time old (see must_rebuild in host_snapshot.c). */
#define HOST_SNAPSHOT_PURGE_FACTOR 10

/* The interface's current snapshot, with a reference for the caller: the cached one when the
 * live state did not change since it was built, or when only traffic changed and it is
 * younger than max_age_ms; else a new one (then cached). The end of a capture file and
 * write-class bindings always make a new one, so those are visible at once; host removals
 * too once the last build is HOST_SNAPSHOT_PURGE_FACTOR times its build time old (within
 * max_age_ms). max_age_ms 0: always exact. NULL when out of memory. Owner thread of ifc. */
struct host_snapshot *host_snapshot_get(struct iface *ifc, uint32_t max_age_ms);

/* A private snapshot of the hosts with traffic of nDPI protocol `proto` only (not cached).
 * NULL when out of memory. Owner thread of ifc. */
struct host_snapshot *host_snapshot_build_proto(struct iface *ifc, int proto);

/* Drops the caller's reference; the last one frees it. Any thread; NULL is ignored. */
void host_snapshot_release(struct host_snapshot *s);

/* The name of record r ("" when none); valid while s is held. */
static inline const char *host_snap_name(const struct host_snapshot *s,
                                         const struct host_snap_rec *r)
{
    return r->name_len ? s->names + r->name_off : "";
}

/* Fills one record from a live host; its name is left out (name_len 0). Owner thread. */
void host_snap_fill(struct host_snap_rec *r, const struct host *h);

#endif
