/* Host snapshots: see host_snapshot.h. */
#include "host_snapshot.h"

#include "iface.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static double now_ms_f(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static struct host_snap_sig current_sig(const struct iface *ifc)
{
    return (struct host_snap_sig){
        .packets = ifc->c.packets,
        .host_ids = ifc->hosts.next_id,
        .flow_ids = ifc->flows.next_id,
        .hosts = ifc->hosts.count,
        .flows = ifc->flows.count,
        .writes = __atomic_load_n(&ifc->api_writes, __ATOMIC_RELAXED),
        .eof_booked = ifc->eof_flows_booked,
    };
}

static bool sig_equal(const struct host_snap_sig *a, const struct host_snap_sig *b)
{
    return a->packets == b->packets && a->host_ids == b->host_ids && a->flow_ids == b->flow_ids &&
           a->hosts == b->hosts && a->flows == b->flows && a->writes == b->writes &&
           a->eof_booked == b->eof_booked;
}

/* A build forced by removed hosts waits until the last build is HOST_SNAPSHOT_PURGE_FACTOR
 * times its own build time old: a capture file replayed at full speed purges many times a
 * second, and a rebuild per page would then take the capture thread (15 ms a build for 55k
 * hosts). So forced builds cost it at most a tenth of its time, and a purged host stays
 * listed for at most that long (150 ms at 55k hosts). */
/* Changes a reader must see at once, whatever the snapshot's age: writes and the end of a
 * capture file; removed hosts once the rate limit above allows. */
static bool must_rebuild(const struct host_snapshot *old, const struct host_snap_sig *now)
{
    const struct host_snap_sig *was = &old->sig;
    if (was->writes != now->writes || was->eof_booked != now->eof_booked)
        return true;
    uint64_t created = now->host_ids - was->host_ids;
    bool hosts_removed = (uint64_t)was->hosts + created != now->hosts;
    return hosts_removed &&
           (double)(now_ms() - old->built_ms) >= HOST_SNAPSHOT_PURGE_FACTOR * old->build_ms;
}

static uint64_t unknown_bytes(const struct host *h)
{
    for (uint16_t i = 0; i < h->l7_count; i++)
        if (h->l7[i].proto == 0) /* NDPI_PROTOCOL_UNKNOWN */
            return h->l7[i].t.bytes_sent + h->l7[i].t.bytes_rcvd;
    return 0;
}

static bool has_proto_traffic(const struct host *h, int proto)
{
    for (uint16_t i = 0; i < h->l7_count; i++)
        if (h->l7[i].proto == proto)
            return h->l7[i].t.bytes_sent + h->l7[i].t.bytes_rcvd > 0;
    return false;
}

void host_snap_fill(struct host_snap_rec *r, const struct host *h)
{
    r->total = h->total;
    memcpy(r->l4, h->l4, sizeof(r->l4));
    r->first_seen_us = h->first_seen_us;
    r->last_seen_us = h->last_seen_us;
    r->flows_as_client = h->flows_as_client;
    r->flows_as_server = h->flows_as_server;
    r->unknown_bytes = unknown_bytes(h);
    r->active_flows_as_client = h->active_flows_as_client;
    r->active_flows_as_server = h->active_flows_as_server;
    r->contacts_as_client = h->contacts_as_client;
    r->contacts_as_server = h->contacts_as_server;
    r->name_off = r->name_len = 0;
    r->ip = h->ip;
    r->flags =
        (uint8_t)((h->has_mac ? HOST_SNAP_HAS_MAC : 0) | (h->local ? HOST_SNAP_LOCAL : 0) |
                  (h->multicast ? HOST_SNAP_MULTICAST : 0) |
                  (h->broadcast ? HOST_SNAP_BROADCAST : 0) | (h->unicast ? HOST_SNAP_UNICAST : 0) |
                  (h->is_private ? HOST_SNAP_PRIVATE : 0) |
                  (h->blacklisted ? HOST_SNAP_BLACKLISTED : 0));
    r->vlan = h->vlan;
    r->network_id = h->network_id;
    memcpy(r->mac, h->mac, 6);
}

static void snapshot_free(struct host_snapshot *s)
{
    free(s->recs);
    free(s->names);
    free(s);
}

/* Grows *p to hold `need` bytes; false when out of memory (*p unchanged). */
static bool ensure(void **p, size_t *cap, size_t need)
{
    if (*p && *cap >= need)
        return true;
    size_t n = need + need / 8 + 64; /* room for a few more hosts next time */
    void *q = malloc(n);
    if (!q)
        return false;
    free(*p);
    *p = q;
    *cap = n;
    return true;
}

/* by_proto: only the hosts with traffic of nDPI protocol `proto`. `reuse`: a snapshot no
 * reader holds any more, whose memory is filled again (no allocation, no page faults). */
static struct host_snapshot *build(struct iface *ifc, bool by_proto, int proto,
                                   struct host_snapshot *reuse)
{
    double t0 = now_ms_f();
    struct host_snapshot *s = reuse ? reuse : calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    uint32_t cap = ifc->hosts.count;
    if (!ensure((void **)&s->recs, &s->recs_cap, (cap ? cap : 1) * sizeof(*s->recs)) ||
        !ensure((void **)&s->names, &s->names_cap, s->names_cap ? s->names_cap : 4096))
        goto oom;
    /* One walk of the list (pointer chasing: the cost of a build), names appended as found. */
    size_t off = 0;
    uint32_t n = 0;
    for (const struct host *h = ifc->hosts.head; h && n < cap; h = h->list_next) {
        if (h->list_next)
            __builtin_prefetch(h->list_next);
        if (by_proto && !has_proto_traffic(h, proto))
            continue;
        struct host_snap_rec *r = &s->recs[n++];
        host_snap_fill(r, h);
        size_t len = h->name ? strlen(h->name) : 0;
        if (!len || len >= UINT32_MAX)
            continue;
        if (off + len + 1 > s->names_cap) {
            size_t want = 2 * (off + len + 1);
            char *grown = realloc(s->names, want);
            if (!grown)
                goto oom;
            s->names = grown;
            s->names_cap = want;
        }
        memcpy(s->names + off, h->name, len + 1);
        r->name_off = (uint32_t)off;
        r->name_len = (uint32_t)len;
        off += len + 1;
    }
    s->count = n;
    s->refs = 1;
    s->sig = current_sig(ifc);
    s->built_ms = now_ms();
    s->build_ms = now_ms_f() - t0;
    log_debug("%s: host snapshot of %u hosts, %zu bytes each, %zu name bytes, built in %.2f ms",
              ifc->name, n, sizeof(*s->recs), off, s->build_ms);
    return s;
oom:
    snapshot_free(s);
    return NULL;
}

static struct host_snapshot *hold(struct host_snapshot *s)
{
    __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
    return s;
}

void host_snapshot_release(struct host_snapshot *s)
{
    if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    snapshot_free(s);
}

struct host_snapshot *host_snapshot_get(struct iface *ifc, uint32_t max_age_ms)
{
    struct host_snapshot *cached = ifc->host_snap;
    if (cached) {
        struct host_snap_sig now = current_sig(ifc);
        if (sig_equal(&cached->sig, &now))
            return hold(cached);
        if (max_age_ms && !must_rebuild(cached, &now) && now_ms() - cached->built_ms < max_age_ms)
            return hold(cached);
    }
    /* Only the owner thread takes references, so a cached snapshot with one reference (the
     * cache's) has no reader and none can appear: its memory is reused. */
    if (cached && __atomic_load_n(&cached->refs, __ATOMIC_ACQUIRE) == 1) {
        ifc->host_snap = NULL;
        struct host_snapshot *s = build(ifc, false, 0, cached); /* frees it on failure */
        if (!s)
            return NULL;
        ifc->host_snap = hold(s);
        return s;
    }
    struct host_snapshot *s = build(ifc, false, 0, NULL);
    if (!s)
        return NULL;
    host_snapshot_release(cached);
    ifc->host_snap = hold(s);
    return s;
}

struct host_snapshot *host_snapshot_build_proto(struct iface *ifc, int proto)
{
    return build(ifc, true, proto, NULL);
}
