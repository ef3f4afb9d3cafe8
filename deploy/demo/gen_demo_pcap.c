/*
 * gen_demo_pcap.c - deterministic generator of the ntop-probe demo capture.
 *
 * Writes a classic pcap file (microsecond timestamps, LINKTYPE_ETHERNET) with two minutes of
 * traffic of a small office network (192.168.10.0/24, a camera on VLAN 20, IPv6 in
 * 2001:db8::/32): ARP, DNS, HTTP/1.1, TLS 1.2/1.3, SSH, ICMP, ICMPv6/NDP and NTP. Each packet
 * is built by hand with correct checksums and consistent TCP sequence numbers. All randomness
 * comes from a seeded splitmix64 generator and the capture starts at a fixed epoch, so a given
 * seed and scale always produce a byte-identical file (each statement draws from the PRNG in a
 * defined order, whatever the compiler). Only libc is needed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PROG      "gen-demo-pcap"
#define EPOCH_US  (1714557600ULL * 1000000) /* 2024-05-01 10:00:00 UTC */
#define ROUND_US  120000000ULL              /* one round of the traffic pattern: two minutes */
#define MAX_SCALE 1000UL                    /* keep in sync with USAGE */
#define MAX_FRAME 1600
#define WIN_RAW   501 /* TCP window field after the handshake: 501 << 7 = 64128 bytes */

enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17, P_ICMP6 = 58 };
enum { T_FIN = 0x01, T_SYN = 0x02, T_PSH = 0x08, T_ACK = 0x10 };
enum { CLI = 0, SRV = 1 };
enum { OS_LINUX, OS_WINDOWS, OS_MACOS };

/* ---- Utilities: errors, PRNG, byte buffers ---------------------------------------------- */
static const char *g_out_file; /* a regular output file, removed again on failure */

/* Report an error and exit: status 1 for run-time errors, 2 for usage errors. */
__attribute__((noreturn, format(printf, 2, 3))) static void fail(int status, const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(status == 2 ? "\nTry '" PROG " --help' for more information.\n" : "\n", stderr);
    if (g_out_file)
        remove(g_out_file);
    exit(status);
}

#define die(...)         fail(1, __VA_ARGS__)
#define usage_error(...) fail(2, __VA_ARGS__)

static uint64_t g_rng;

static uint64_t rnd64(void) /* splitmix64 */
{
    uint64_t z = (g_rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t rnd_range(uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)(rnd64() % ((uint64_t)hi - lo + 1));
}

static void rnd_fill(uint8_t *p, size_t n)
{
    while (n--)
        *p++ = (uint8_t)rnd64();
}

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
    for (; bytes-- > 0; v >>= 8)
        p[bytes] = (uint8_t)v;
}

static void le32(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

#define put16(p, v) put_be(p, v, 2)
#define put32(p, v) put_be(p, v, 4)

typedef struct {
    uint8_t *p;
    size_t n, cap;
} dbuf_t;

static uint8_t *db_grow(dbuf_t *d, size_t n)
{
    size_t cap = d->cap ? d->cap : 512;
    while (cap < d->n + n)
        cap *= 2;
    if (cap != d->cap && !(d->p = realloc(d->p, d->cap = cap)))
        die("out of memory");
    d->n += n;
    return d->p + d->n - n;
}

static void db_mem(dbuf_t *d, const void *p, size_t n)
{
    if (n)
        memcpy(db_grow(d, n), p, n);
}

static void db_rand(dbuf_t *d, size_t n)
{
    rnd_fill(db_grow(d, n), n);
}

#define db_be(d, v, bytes) put_be(db_grow(d, bytes), v, bytes)
#define db_u8(d, v)        db_be(d, v, 1)
#define db_u16(d, v)       db_be(d, v, 2)
#define db_u32(d, v)       db_be(d, v, 4)
#define db_str(d, s)       db_mem(d, s, strlen(s))
#define db_len(d, off, w)  put_be((d)->p + (off), (d)->n - (off) - (w), w) /* back-patch */

__attribute__((format(printf, 2, 3))) static void db_printf(dbuf_t *d, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf))
        die("internal: text too long for '%.20s'", fmt);
    db_mem(d, buf, (size_t)n);
}

/* ---- Packet store and pcap writer -------------------------------------------------------- */
typedef struct {
    uint64_t ts;
    uint32_t order, len;
    uint8_t *data;
} rec_t;

static rec_t *g_rec;
static size_t g_nrec, g_caprec;
static uint32_t g_order;
static uint64_t g_last_ts, g_written;

/* Store a frame; scenarios emit out of time order, frames are sorted before writing. */
static void emit(uint64_t ts, const uint8_t *frame, size_t len)
{
    if (g_nrec == g_caprec) {
        g_caprec = g_caprec ? g_caprec * 2 : 4096;
        if (!(g_rec = realloc(g_rec, g_caprec * sizeof(*g_rec))))
            die("out of memory");
    }
    size_t n = len < 60 ? 60 : len; /* pad to the Ethernet minimum like a NIC does */
    rec_t *r = &g_rec[g_nrec++];
    *r = (rec_t){ts, g_order++, (uint32_t)n, calloc(1, n)};
    if (!r->data)
        die("out of memory");
    memcpy(r->data, frame, len);
}

static int rec_cmp(const void *a, const void *b) /* by time, then by emission order */
{
    const rec_t *x = a, *y = b;
    return x->ts != y->ts ? (x->ts > y->ts) - (x->ts < y->ts)
                          : (x->order > y->order) - (x->order < y->order);
}

/* Write, in time order, every stored frame earlier than `upto`; keep the others. */
static void flush_before(FILE *fp, uint64_t upto)
{
    size_t i;
    qsort(g_rec, g_nrec, sizeof(*g_rec), rec_cmp);
    for (i = 0; i < g_nrec && g_rec[i].ts < upto; i++) {
        uint64_t ts = g_rec[i].ts > g_last_ts ? g_rec[i].ts : g_last_ts + 1; /* strictly rising */
        uint8_t h[16];
        le32(h, ts / 1000000);
        le32(h + 4, ts % 1000000);
        le32(h + 8, g_rec[i].len);
        le32(h + 12, g_rec[i].len);
        fwrite(h, 1, sizeof(h), fp); /* errors are caught by ferror() at the end */
        fwrite(g_rec[i].data, 1, g_rec[i].len, fp);
        free(g_rec[i].data);
        g_last_ts = ts;
        g_written++;
    }
    memmove(g_rec, g_rec + i, (g_nrec - i) * sizeof(*g_rec));
    g_nrec -= i;
}

/* ---- Network model: hosts on the LAN, servers behind the gateway ------------------------- */
typedef struct {
    const char *name;      /* host name; the DNS name of remote servers */
    const char *mac;       /* NULL: remote, seen on the LAN with the gateway's MAC */
    const char *ip4, *ip6; /* ip6: NULL, an address, or "slaac" (2001:db8:10::/64 + EUI-64) */
    const char *cname;     /* DNS answers for it start with this CNAME record */
    uint16_t vlan;
    uint8_t ttl;     /* TTL / hop limit of its packets at the capture point */
    uint32_t rtt_us; /* its share of the round-trip time seen from the capture point */
    int os;
    int has6; /* the rest is derived at start-up */
    uint8_t hw[6], a4[4], a6[16], ll6[16];
    uint32_t ip_id, port;
} node_t;

#define LAN(n, m, a4, a6, vl, tl, rtt, o)                                                          \
    {                                                                                              \
        .name = n, .mac = m, .ip4 = a4, .ip6 = a6, .vlan = vl, .ttl = tl, .rtt_us = rtt, .os = o   \
    }
#define WAN(n, a4, a6, tl, rtt, cn)                                                                \
    {                                                                                              \
        .name = n, .ip4 = a4, .ip6 = a6, .ttl = tl, .rtt_us = rtt, .cname = cn                     \
    }

static node_t g_node[] = {
    LAN("gateway", "00:0d:b9:4a:1c:01", "192.168.10.1", "2001:db8:10::1", 0, 64, 120, OS_LINUX),
    LAN("gateway-vlan20", "00:0d:b9:4a:1c:01", "192.168.20.1", NULL, 20, 64, 120, OS_LINUX),
    LAN("resolver", "b8:27:eb:5a:3e:21", "192.168.10.2", "2001:db8:10::53", 0, 64, 180, OS_LINUX),
    LAN("alice-mbp", "3c:22:fb:81:4e:0a", "192.168.10.11", "slaac", 0, 64, 1400, OS_MACOS),
    LAN("bob-pc", "f8:b1:56:2c:77:10", "192.168.10.12", NULL, 0, 128, 150, OS_WINDOWS),
    LAN("carol-x1", "8c:16:45:d2:09:b3", "192.168.10.13", "slaac", 0, 64, 900, OS_LINUX),
    LAN("dev-ws", "a4:bb:6d:10:42:7e", "192.168.10.14", "slaac", 0, 64, 140, OS_LINUX),
    LAN("nas", "00:11:32:9f:0c:55", "192.168.10.20", NULL, 0, 64, 160, OS_LINUX),
    LAN("printer", "3c:d9:2b:6e:11:f0", "192.168.10.30", NULL, 0, 64, 300, OS_LINUX),
    LAN("cam-lobby", "44:19:b6:07:3a:9c", "192.168.20.50", NULL, 20, 64, 250, OS_LINUX),
    WAN("www.example.com", "93.184.216.34", NULL, 55, 44000, NULL),
    WAN("www.example.org", "93.184.215.14", "2001:db8:5000::17", 55, 41000, NULL),
    WAN("api.github.com", "140.82.121.6", NULL, 52, 16000, NULL),
    WAN("objects.githubusercontent.com", "185.199.108.133", NULL, 58, 5200, NULL),
    WAN("www.google.com", "142.250.185.68", NULL, 117, 5600, NULL),
    WAN("dns.google", "8.8.8.8", NULL, 117, 5100, NULL),
    WAN("login.microsoftonline.com", "40.126.32.134", NULL, 110, 12500, "login.mso.msidentity.com"),
    WAN("captive.apple.com", "17.253.53.207", NULL, 57, 9000,
        "captive-cdn.origin-apple.com.akadns.net"),
    WAN("gateway.icloud.com", "17.248.190.66", NULL, 57, 9500, NULL),
    WAN("deb.debian.org", "151.101.130.132", NULL, 58, 4800, "debian.map.fastlydns.net"),
    WAN("2.debian.pool.ntp.org", "195.201.19.162", NULL, 56, 7000, NULL),
    WAN("time.cloudflare.com", "162.159.200.1", NULL, 58, 4500, NULL),
    WAN("dns.quad9.net", "9.9.9.9", NULL, 58, 5000, NULL),
    WAN("update7.synology.com", "52.28.14.203", NULL, 233, 19000, NULL),
};

#define NNODES (sizeof(g_node) / sizeof(g_node[0]))

static node_t *node(const char *name)
{
    for (size_t i = 0; i < NNODES; i++)
        if (!strcmp(g_node[i].name, name))
            return &g_node[i];
    die("internal: unknown node '%s'", name);
}

static void eui64(uint8_t *dst8, const uint8_t *mac)
{
    const uint8_t e[8] = {mac[0] ^ 2, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]};
    memcpy(dst8, e, 8);
}

static void nodes_init(void)
{
    for (size_t i = 0; i < NNODES; i++) {
        node_t *n = &g_node[i];
        const char *mac = n->mac ? n->mac : g_node[0].mac;
        if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &n->hw[0], &n->hw[1], &n->hw[2], &n->hw[3],
                   &n->hw[4], &n->hw[5]) != 6 ||
            inet_pton(AF_INET, n->ip4, n->a4) != 1)
            die("internal: bad address of node %s", n->name);
        memcpy(n->ll6, "\xfe\x80", 2); /* link-local address (used on the LAN only) */
        eui64(n->ll6 + 8, n->hw);
        n->has6 = n->ip6 != NULL;
        if (n->ip6 && !strcmp(n->ip6, "slaac")) {
            inet_pton(AF_INET6, "2001:db8:10::", n->a6);
            eui64(n->a6 + 8, n->hw);
        } else if (n->ip6 && inet_pton(AF_INET6, n->ip6, n->a6) != 1) {
            die("internal: bad IPv6 address of node %s", n->name);
        }
        n->ip_id = (uint16_t)rnd64();
    }
}

static uint16_t next_port(node_t *n) /* ephemeral ports, in the range of the node's OS */
{
    uint32_t lo = n->os == OS_WINDOWS ? 49152 : 32768, hi = n->os == OS_WINDOWS ? 65535 : 60999;
    n->port += rnd_range(1, 9);
    if (n->port < lo || n->port > hi)
        n->port = rnd_range(lo, lo + (hi - lo) / 2);
    return (uint16_t)n->port;
}

#define REACT() rnd_range(25, 90) /* reaction time of a host next to the capture point */

/* ---- Ethernet and IP framing ------------------------------------------------------------ */
typedef struct {
    const uint8_t *smac, *dmac, *sip, *dip;
    uint16_t vlan, id;
    int v6;
    uint8_t ttl;
} l3_t;

static size_t eth_header(uint8_t *f, const uint8_t *dmac, const uint8_t *smac, uint16_t vlan,
                         uint16_t type)
{
    size_t n = 12;
    memcpy(f, dmac, 6);
    memcpy(f + 6, smac, 6);
    if (vlan) { /* 802.1Q tag */
        put16(f + 12, 0x8100);
        put16(f + 14, vlan & 0x0fff);
        n = 16;
    }
    put16(f + n, type);
    return n + 2;
}

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)p[i] << 8 | p[i + 1];
    return n & 1 ? s + ((uint32_t)p[n - 1] << 8) : s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* Emit an IPv4/IPv6 packet carrying `l4`, whose checksum at l4[csum_off] is filled in. */
static void send_l3(uint64_t ts, const l3_t *h, uint8_t proto, const uint8_t *l4, size_t len,
                    size_t csum_off)
{
    uint8_t f[MAX_FRAME];
    size_t n = eth_header(f, h->dmac, h->smac, h->vlan, h->v6 ? 0x86dd : 0x0800);
    size_t alen = h->v6 ? 16 : 4, ihl = h->v6 ? 40 : 20;
    uint8_t *ip = f + n, *p = ip + ihl;
    if (n + ihl + len > sizeof(f))
        die("internal: frame too large (%zu bytes)", len);
    memset(ip, 0, ihl);
    if (h->v6) {
        put32(ip, 0x60000000);
        put16(ip + 4, len);
        ip[6] = proto;
        ip[7] = h->ttl;
    } else {
        ip[0] = 0x45;
        put16(ip + 2, 20 + len);
        put16(ip + 4, h->id);
        ip[6] = proto == P_ICMP ? 0 : 0x40; /* DF, except on ICMP */
        ip[8] = h->ttl;
        ip[9] = proto;
    }
    memcpy(ip + ihl - 2 * alen, h->sip, alen);
    memcpy(ip + ihl - alen, h->dip, alen);
    if (!h->v6)
        put16(ip + 10, fold(sum16(0, ip, 20)));
    memcpy(p, l4, len);
    put16(p + csum_off, 0);
    uint32_t s = 0;
    if (proto != P_ICMP) { /* pseudo header */
        uint8_t ph[8] = {0, 0, 0, 0, 0, 0, 0, proto};
        put16(ph + 2, len);
        s = sum16(sum16(sum16(0, h->sip, alen), h->dip, alen), ph, 8);
    }
    uint16_t c = fold(sum16(s, p, len));
    put16(p + csum_off, proto == P_UDP && c == 0 ? 0xffff : c);
    emit(ts, f, n + ihl + len);
}

static l3_t l3_nodes(node_t *src, const node_t *dst, int v6)
{
    if (v6 && (!src->has6 || !dst->has6))
        die("internal: no IPv6 between %s and %s", src->name, dst->name);
    l3_t h = {.smac = src->hw,
              .dmac = dst->hw,
              .sip = v6 ? src->a6 : src->a4,
              .dip = v6 ? dst->a6 : dst->a4,
              .vlan = src->vlan ? src->vlan : dst->vlan,
              .id = (uint16_t)src->ip_id++,
              .v6 = v6,
              .ttl = src->ttl};
    return h;
}

static void send_udp(uint64_t ts, node_t *src, node_t *dst, int v6, uint16_t sport, uint16_t dport,
                     const uint8_t *data, size_t len)
{
    uint8_t l4[MAX_FRAME];
    put16(l4, sport);
    put16(l4 + 2, dport);
    put16(l4 + 4, len + 8);
    memcpy(l4 + 8, data, len);
    l3_t h = l3_nodes(src, dst, v6);
    send_l3(ts, &h, P_UDP, l4, len + 8, 6);
}

/* ---- ARP, ICMP echo, ICMPv6 neighbour discovery ------------------------------------------ */
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ZERO_MAC[6] = {0};

static void arp_pkt(uint64_t ts, uint8_t op, const node_t *s, const uint8_t *tmac,
                    const uint8_t *tip, const uint8_t *dmac)
{
    uint8_t f[64];
    size_t n = eth_header(f, dmac, s->hw, s->vlan, 0x0806);
    const uint8_t hdr[8] = {0, 1, 8, 0, 6, 4, 0, op}; /* Ethernet/IPv4, opcode */
    memcpy(f + n, hdr, 8);
    memcpy(f + n + 8, s->hw, 6);
    memcpy(f + n + 14, s->a4, 4);
    memcpy(f + n + 18, tmac, 6);
    memcpy(f + n + 24, tip, 4);
    emit(ts, f, n + 28);
}

/* `asker` resolves `target`: broadcast request (unicast when refreshing), then the reply. */
static uint64_t arp_resolve(uint64_t t, const node_t *asker, const node_t *target, int unicast)
{
    arp_pkt(t, 1, asker, ZERO_MAC, target->a4, unicast ? target->hw : BCAST);
    t += asker->rtt_us + target->rtt_us + rnd_range(40, 400);
    arp_pkt(t, 2, target, asker->hw, asker->a4, asker->hw);
    return t;
}

/* `count` echo request/reply pairs one second apart, Windows or iputils style. */
static uint64_t ping(uint64_t t, node_t *src, node_t *dst, int v6, int count)
{
    int win = src->os == OS_WINDOWS;
    uint16_t id = win ? 1 : (uint16_t)rnd_range(1000, 60000);
    size_t len = win ? 8 + 32 : 8 + 56;
    for (int seq = 1; seq <= count; seq++, t += 1000000 + rnd_range(0, 900)) {
        uint8_t m[64] = {v6 ? 128 : 8};
        put16(m + 4, id);
        put16(m + 6, (unsigned)seq);
        for (size_t i = 8; i < len; i++) /* Windows: "abcdefghijklmnopqrstuvwabcdefghi" */
            m[i] = win ? (uint8_t)('a' + (i - 8) % 23) : (uint8_t)(i - 8);
        if (!win) { /* iputils: struct timeval (two 64-bit fields), then 0x10 0x11 ... */
            memset(m + 8, 0, 16);
            le32(m + 8, t / 1000000);
            le32(m + 16, t % 1000000);
        }
        l3_t h = l3_nodes(src, dst, v6);
        send_l3(t, &h, v6 ? P_ICMP6 : P_ICMP, m, len, 2);
        m[0] = v6 ? 129 : 0;
        h = l3_nodes(dst, src, v6);
        send_l3(t + src->rtt_us + dst->rtt_us + rnd_range(0, 600), &h, v6 ? P_ICMP6 : P_ICMP, m,
                len, 2);
    }
    return t;
}

/* Neighbour solicitation for `target` (link-local or global address) and its advertisement. */
static uint64_t ndp_resolve(uint64_t t, const node_t *src, const node_t *target, int global)
{
    const uint8_t *ta = global ? target->a6 : target->ll6;
    const uint8_t mc[16] = {0xff, 2, [11] = 1, 0xff, ta[13], ta[14], ta[15]}; /* solicited-node */
    const uint8_t mmac[6] = {0x33, 0x33, 0xff, ta[13], ta[14], ta[15]};
    uint8_t m[32] = {135, [24] = 1, 1}; /* option: source link-layer address */
    l3_t h = {.smac = src->hw, .dmac = mmac, .sip = src->ll6, .dip = mc, .v6 = 1, .ttl = 255};
    memcpy(m + 8, ta, 16);
    memcpy(m + 26, src->hw, 6);
    send_l3(t, &h, P_ICMP6, m, 32, 2);
    m[0] = 136;
    m[4] = target == &g_node[0] ? 0xe0 : 0x60; /* Router (the gateway), Solicited, Override */
    m[24] = 2;                                 /* option: target link-layer address */
    memcpy(m + 26, target->hw, 6);
    h.smac = target->hw;
    h.dmac = src->hw;
    h.sip = target->ll6;
    h.dip = src->ll6;
    t += src->rtt_us + target->rtt_us + rnd_range(50, 500);
    send_l3(t, &h, P_ICMP6, m, 32, 2);
    return t;
}

/* ---- DNS and NTP ------------------------------------------------------------------------ */
static void dns_name(dbuf_t *d, const char *name)
{
    while (*name) {
        size_t l = strcspn(name, ".");
        db_u8(d, l);
        db_mem(d, name, l);
        name += l + (name[l] == '.');
    }
    db_u8(d, 0);
}

/* A query (ans == NULL) or its answer: the CNAME if any, then the A/AAAA record if any. */
static void dns_msg(dbuf_t *d, uint16_t id, const char *qname, uint16_t qtype, const node_t *ans)
{
    const char *cname = ans ? ans->cname : NULL;
    uint32_t ttl = rnd_range(30, 3600);
    int has_addr = ans && (qtype == 1 || ans->has6);
    size_t owner = 12;
    db_u32(d, (uint32_t)id << 16 | (ans ? 0x8180 : 0x0100)); /* response/query, recursion */
    db_u32(d, 1u << 16 | ((cname != NULL) + has_addr));      /* 1 question, the answers */
    db_u32(d, 1);                                            /* 1 additional record: EDNS0 OPT */
    dns_name(d, qname);
    db_u32(d, (uint32_t)qtype << 16 | 1); /* class IN */
    if (cname) {
        db_mem(d, "\xc0\x0c\x00\x05\x00\x01", 6);
        db_u32(d, ttl);
        db_u16(d, strlen(cname) + 2);
        owner = d->n;
        dns_name(d, cname);
    }
    if (has_addr) {
        db_u16(d, 0xc000 | owner);
        db_u32(d, (uint32_t)qtype << 16 | 1);
        db_u32(d, ttl);
        db_u16(d, qtype == 1 ? 4 : 16);
        db_mem(d, qtype == 1 ? ans->a4 : ans->a6, qtype == 1 ? 4 : 16);
    }
    db_mem(d, "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00", 11); /* EDNS0, 1232 bytes */
}

/* One query/answer with the resolver (VLAN 20: the gateway); it forwards misses to Quad9. */
static uint64_t dns_lookup(uint64_t t, node_t *cli, int v6, const node_t *target, uint16_t qtype)
{
    node_t *res = node("resolver");
    node_t *srv = cli == res ? node("dns.quad9.net") : cli->vlan ? node("gateway-vlan20") : res;
    dbuf_t q = {0}, r = {0};
    uint16_t id = (uint16_t)rnd64(), sport = next_port(cli);
    dns_msg(&q, id, target->name, qtype, NULL);
    send_udp(t, cli, srv, v6, sport, 53, q.p, q.n);
    t += cli->rtt_us + srv->rtt_us + rnd_range(100, 700);
    if (srv == res && rnd_range(0, 2) == 0) { /* cache miss */
        t = dns_lookup(t, res, 0, target, qtype);
        t += rnd_range(80, 300);
    }
    dns_msg(&r, id, target->name, qtype, target);
    send_udp(t, srv, cli, v6, 53, sport, r.p, r.n);
    free(q.p);
    free(r.p);
    return t;
}

/* A and AAAA lookups in parallel, like stub resolvers do; returns when both are answered. */
static uint64_t dns_resolve(uint64_t t, node_t *cli, int v6, const node_t *target)
{
    uint64_t a = dns_lookup(t, cli, v6, target, 1);
    uint64_t b = dns_lookup(t + rnd_range(40, 300), cli, v6, target, 28);
    return (a > b ? a : b) + rnd_range(100, 2000);
}

static void ntp_ts(uint8_t *p, uint64_t t)
{
    put32(p, t / 1000000 + 2208988800ULL);
    put32(p + 4, ((t % 1000000) << 32) / 1000000);
}

/* NTPv4 client request (mode 3) and server response (mode 4, stratum 3). */
static uint64_t ntp_exchange(uint64_t t, node_t *cli, node_t *srv)
{
    uint8_t m[48] = {0x23, 0, 6, 0xe9};
    uint8_t r[48] = {0x24, 3, 6, 0xe7, 0, 0, 0x02, 0x1a, 0, 0, 0x01, 0x3c, 10, 19, 8, 4};
    uint16_t sport = next_port(cli);
    uint64_t rx = t + cli->rtt_us + srv->rtt_us / 2, tr = t + cli->rtt_us + srv->rtt_us;
    ntp_ts(m + 40, t);
    send_udp(t, cli, srv, 0, sport, 123, m, 48);
    ntp_ts(r + 16, t - rnd_range(1000000, 60000000)); /* reference time */
    memcpy(r + 24, m + 40, 8);                        /* origin = client's transmit time */
    ntp_ts(r + 32, rx);
    ntp_ts(r + 40, rx + rnd_range(10, 60));
    send_udp(tr, srv, cli, 0, 123, sport, r, 48);
    return tr;
}

/* ---- TCP session helper ----------------------------------------------------------------- */
typedef struct {
    node_t *node;
    uint16_t port;
    uint32_t seq; /* next sequence number this side sends */
} tcp_end_t;

typedef struct {
    tcp_end_t e[2]; /* CLI, SRV */
    int v6, last;   /* last: side that sent the latest packet */
    uint16_t mss;
    uint64_t t;   /* capture time of the latest packet */
    uint32_t rtt; /* client-server round trip as seen from the capture point (client side) */
    uint32_t gap; /* spacing of back-to-back full segments */
} tcp_t;

static void tcp_seg(tcp_t *s, int side, uint64_t ts, uint8_t flags, const uint8_t *data, size_t len)
{
    tcp_end_t *me = &s->e[side], *peer = &s->e[!side];
    uint8_t l4[MAX_FRAME] = {0};
    size_t hl = flags & T_SYN ? 32 : 20;
    put16(l4, me->port);
    put16(l4 + 2, peer->port);
    put32(l4 + 4, me->seq);
    put32(l4 + 8, flags & T_ACK ? peer->seq : 0);
    put16(l4 + 12, hl / 4 << 12 | flags); /* data offset, flags */
    put16(l4 + 14, flags & T_SYN ? (side == CLI ? 64240 : 65160) : WIN_RAW);
    if (flags & T_SYN) { /* MSS, NOP, window scale 7, NOP, NOP, SACK permitted */
        const uint8_t opt[12] = {2, 4, s->mss >> 8, s->mss & 0xff, 1, 3, 3, 7, 1, 1, 4, 2};
        memcpy(l4 + 20, opt, sizeof(opt));
    }
    if (len)
        memcpy(l4 + hl, data, len);
    l3_t h = l3_nodes(me->node, peer->node, s->v6);
    send_l3(ts, &h, P_TCP, l4, hl + len, 16);
    me->seq += (uint32_t)len + (flags & (T_SYN | T_FIN) ? 1 : 0);
    if (ts >= s->t) {
        s->t = ts;
        s->last = side;
    }
}

/* When `side` can send next: server packets show up one RTT after the client's, the local
 * client reacts within microseconds; `think` is the application's own delay. */
static uint64_t tcp_next(const tcp_t *s, int side, uint32_t think)
{
    uint64_t t = s->t + think;
    if (side != s->last)
        t += side == SRV ? s->rtt : REACT();
    return t;
}

static void tcp_open(tcp_t *s, node_t *cli, node_t *srv, int v6, uint16_t dport, uint64_t t)
{
    memset(s, 0, sizeof(*s));
    uint16_t port = next_port(cli); /* (one PRNG draw per statement keeps the order defined) */
    s->e[CLI] = (tcp_end_t){cli, port, (uint32_t)rnd64()};
    s->e[SRV] = (tcp_end_t){srv, dport, (uint32_t)rnd64()};
    s->v6 = v6;
    s->mss = v6 ? 1440 : 1460;
    s->rtt = cli->rtt_us + srv->rtt_us + rnd_range(0, 400);
    s->gap = 130 + s->rtt * 1460u / 48000u; /* at most ~48 KB in flight per RTT */
    s->t = t;
    tcp_seg(s, CLI, t, T_SYN, NULL, 0);
    tcp_seg(s, SRV, tcp_next(s, SRV, rnd_range(5, 60)), T_SYN | T_ACK, NULL, 0);
    tcp_seg(s, CLI, tcp_next(s, CLI, 0), T_ACK, NULL, 0);
}

/* `side` sends `len` bytes in MSS-sized segments; the receiver acknowledges every second
 * segment and, if ack_last, the final one (otherwise its next data segment carries the ACK). */
static void tcp_send(tcp_t *s, int side, const uint8_t *data, size_t len, uint32_t think,
                     int ack_last)
{
    uint64_t t = tcp_next(s, side, think);
    for (size_t off = 0, nseg = 1; off < len; nseg++, t += s->gap) {
        size_t n = len - off < s->mss ? len - off : s->mss;
        off += n;
        tcp_seg(s, side, t, T_ACK | (off == len ? T_PSH : 0), data + off - n, n);
        if (nseg % 2 == 0 || (off == len && ack_last))
            tcp_seg(s, !side, t + (side == CLI ? s->rtt : REACT()), T_ACK, NULL, 0);
    }
}

static void tcp_close(tcp_t *s, int side, uint32_t think)
{
    tcp_seg(s, side, tcp_next(s, side, think), T_FIN | T_ACK, NULL, 0);
    tcp_seg(s, !side, tcp_next(s, !side, rnd_range(20, 300)), T_FIN | T_ACK, NULL, 0);
    tcp_seg(s, side, tcp_next(s, side, 0), T_ACK, NULL, 0);
}

/* ---- HTTP/1.1 --------------------------------------------------------------------------- */
static const char *const UA_EDGE =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0";
static const char *const UA_FIREFOX =
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
static const char *const ACCEPT_HTML =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
static const char *const EXAMPLE_HTML =
    "<!doctype html>\n<html>\n<head>\n    <title>Example Domain</title>\n"
    "    <meta charset=\"utf-8\" />\n</head>\n<body>\n<div>\n    <h1>Example Domain</h1>\n"
    "    <p>This domain is for use in illustrative examples in documents. You may use this\n"
    "    domain in literature without prior coordination or asking for permission.</p>\n"
    "</div>\n</body>\n</html>\n";

/* GET request with Host from the server's name; `hdrs`: extra header lines. */
static void http_get(tcp_t *s, const char *path, const char *ua, const char *accept,
                     const char *hdrs, uint32_t think)
{
    dbuf_t d = {0};
    db_printf(&d,
              "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: %s\r\n%s"
              "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\n"
              "Connection: keep-alive\r\n\r\n",
              path, s->e[SRV].node->name, ua, accept, hdrs ? hdrs : "");
    tcp_send(s, CLI, d.p, d.n, think, 0);
    free(d.p);
}

/* Response: `body`, padded with random bytes to `len` bytes if longer (binary content). */
static void http_reply(tcp_t *s, int status, const char *server, const char *hdrs,
                       const char *ctype, const char *body, size_t len)
{
    dbuf_t d = {0};
    char date[64];
    time_t now = (time_t)(tcp_next(s, SRV, 0) / 1000000);
    struct tm tm;
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
    const char *reason = status == 200 ? "OK" : "Moved Permanently";
    size_t blen = strlen(body);
    len = len > blen ? len : blen;
    db_printf(&d, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: %s\r\n%s", status, reason, date, server,
              hdrs ? hdrs : "");
    db_printf(&d, "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: keep-alive\r\n\r\n",
              ctype, len);
    db_str(&d, body);
    db_rand(&d, len - blen);
    tcp_send(s, SRV, d.p, d.n, rnd_range(300, 15000), 1);
    free(d.p);
}

/* ---- TLS -------------------------------------------------------------------------------- */
/* Open a handshake record; tls_hs_end() fills in the lengths. */
static size_t tls_hs_begin(dbuf_t *d, uint8_t type, unsigned rec_version, const uint8_t *sid)
{
    size_t rec = d->n;
    db_be(d, 0x1600000000ULL | rec_version << 16, 5); /* record header */
    db_be(d, (uint64_t)type << 40 | 0x0303, 6);       /* handshake header, legacy version */
    db_rand(d, 32);
    db_u8(d, 32); /* session id */
    db_mem(d, sid, 32);
    return rec;
}

#define tls_hs_end(d, rec, ext)                                                                    \
    (db_len(d, ext, 2), db_len(d, (rec) + 6, 3), db_len(d, (rec) + 3, 2))

static void tls_client_hello(dbuf_t *d, const char *sni, int offer13, const uint8_t *sid)
{
    static const char suites13[] = /* length, 15 suites */
        "\x00\x1e\x13\x01\x13\x03\x13\x02\xc0\x2b\xc0\x2f\xcc\xa9\xcc\xa8\xc0\x2c\xc0\x30\xc0\x13"
        "\xc0\x14\x00\x9c\x00\x9d\x00\x2f\x00\x35";
    static const char suites12[] = /* length, 10 suites */
        "\x00\x14\xc0\x2c\xc0\x2b\xc0\x30\xc0\x2f\xc0\x24\xc0\x23\xc0\x28\xc0\x27\x00\x9d\x00\x9c";
    static const char exts[] = "\x00\x17\x00\x00"     /* extended_master_secret */
                               "\xff\x01\x00\x01\x00" /* renegotiation_info */
                               "\x00\x0a\x00\x08\x00\x06\x00\x1d\x00\x17\x00\x18" /* groups */
                               "\x00\x0b\x00\x02\x01\x00"                   /* ec_point_formats */
                               "\x00\x23\x00\x00"                           /* session_ticket */
                               "\x00\x10\x00\x0e\x00\x0c\x02h2\x08http/1.1" /* ALPN */
                               "\x00\x05\x00\x05\x01\x00\x00\x00\x00"       /* status_request */
                               "\x00\x0d\x00\x12\x00\x10\x04\x03\x08\x04\x04\x01\x05\x03\x08\x05"
                               "\x05\x01\x08\x06\x06\x01";              /* signature_algorithms */
    static const char exts13[] = "\x00\x2d\x00\x02\x01\x01"             /* psk_key_exchange_modes */
                                 "\x00\x2b\x00\x05\x04\x03\x04\x03\x03" /* versions: 1.3, 1.2 */
                                 "\x00\x33\x00\x26\x00\x24\x00\x1d\x00\x20"; /* key_share x25519 */
    size_t rec = tls_hs_begin(d, 1, 0x0301, sid), nl = strlen(sni);
    if (offer13)
        db_mem(d, suites13, sizeof(suites13) - 1);
    else
        db_mem(d, suites12, sizeof(suites12) - 1);
    db_u16(d, 0x0100); /* compression: null */
    size_t ext = d->n;
    db_u16(d, 0);
    db_u32(d, nl + 5); /* server_name: type 0, length */
    db_u16(d, nl + 3);
    db_u8(d, 0);
    db_u16(d, nl);
    db_str(d, sni);
    db_mem(d, exts, sizeof(exts) - 1);
    if (offer13) {
        db_mem(d, exts13, sizeof(exts13) - 1);
        db_rand(d, 32);
    }
    tls_hs_end(d, rec, ext);
}

static void tls_server_hello(dbuf_t *d, const uint8_t *sid, int tls13, const char *alpn)
{
    size_t rec = tls_hs_begin(d, 2, 0x0303, sid), ext;
    db_u16(d, tls13 ? 0x1301 : 0xc02f);
    db_u8(d, 0);
    db_u16(d, 0);
    ext = d->n - 2;
    if (tls13) { /* supported_versions: 1.3, key_share: x25519 */
        db_mem(d, "\x00\x2b\x00\x02\x03\x04\x00\x33\x00\x24\x00\x1d\x00\x20", 14);
        db_rand(d, 32);
    } else { /* renegotiation_info, extended_master_secret, ec_point_formats, ALPN */
        db_mem(d, "\xff\x01\x00\x01\x00\x00\x17\x00\x00\x00\x0b\x00\x02\x01\x00", 15);
        db_u16(d, 0x0010);
        db_u16(d, strlen(alpn) + 3);
        db_u16(d, strlen(alpn) + 1);
        db_u8(d, strlen(alpn));
        db_str(d, alpn);
    }
    tls_hs_end(d, rec, ext);
}

static void tls_record(dbuf_t *d, uint8_t type, size_t len) /* random (encrypted) content */
{
    db_u8(d, type);
    db_u16(d, 0x0303);
    db_u16(d, len);
    db_rand(d, len);
}

/* `plain` bytes of application data as AEAD records (TLS 1.3: +type +tag; 1.2: nonce+tag). */
static void tls_app(dbuf_t *d, size_t plain, int tls13)
{
    for (size_t n; plain; plain -= n) {
        n = plain > 16384 ? 16384 : plain;
        tls_record(d, 0x17, n + (tls13 ? 17 : 24));
    }
}

static const char TLS_CCS[] = "\x14\x03\x03\x00\x01\x01"; /* ChangeCipherSpec record */

typedef struct {
    uint32_t at_ms;        /* start, as an offset into the round */
    const char *cli, *srv; /* node names; the SNI is the server's name */
    int tls13;             /* 1: full TLS 1.3 handshake; 0: TLS 1.2 session resumption */
    const char *alpn;      /* protocol chosen by the server (visible in TLS 1.2 only) */
    uint32_t req, resp;    /* typical application bytes per request / response */
    int rounds;
} tls_flow_t;

static uint64_t tls_session(uint64_t t, node_t *cli, node_t *srv, int v6, const tls_flow_t *o)
{
    tcp_t s;
    dbuf_t d = {0};
    uint8_t sid[32];
    int v13 = o->tls13;
    rnd_fill(sid, sizeof(sid));
    tcp_open(&s, cli, srv, v6, 443, t);
    tls_client_hello(&d, srv->name, v13, sid);
    tcp_send(&s, CLI, d.p, d.n, rnd_range(100, 600), 0);
    d.n = 0;
    tls_server_hello(&d, sid, v13, o->alpn);
    db_mem(&d, TLS_CCS, 6);
    /* 1.3: EncryptedExtensions..Finished; 1.2 abbreviated handshake: the encrypted Finished */
    tls_record(&d, v13 ? 0x17 : 0x16, v13 ? rnd_range(2400, 4600) : 40);
    tcp_send(&s, SRV, d.p, d.n, rnd_range(300, 3000), 1);
    d.n = 0;
    db_mem(&d, TLS_CCS, 6);
    tls_record(&d, v13 ? 0x17 : 0x16, v13 ? 53 : 40); /* client Finished */
    for (int i = 0; i < o->rounds; i++) {
        tls_app(&d, o->req / 2 + rnd_range(0, o->req), v13);
        tcp_send(&s, CLI, d.p, d.n, i ? rnd_range(100000, 4000000) : rnd_range(200, 2000), 0);
        d.n = 0;
        for (int k = 0; k < 2 && i == 0 && v13; k++) /* two NewSessionTicket messages */
            tls_record(&d, 0x17, rnd_range(230, 290));
        tls_app(&d, o->resp / 2 + rnd_range(0, o->resp), v13);
        tcp_send(&s, SRV, d.p, d.n, rnd_range(2000, 60000), 1);
        d.n = 0;
    }
    tls_record(&d, v13 ? 0x17 : 0x15, v13 ? 19 : 26); /* close_notify alert */
    tcp_send(&s, CLI, d.p, d.n, rnd_range(200000, 3000000), 0);
    tcp_close(&s, CLI, rnd_range(50, 300));
    free(d.p);
    return s.t;
}

/* ---- SSH -------------------------------------------------------------------------------- */
static const char *const SSH_CLIENT = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
static const char *const SSH_KEX =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
    "diffie-hellman-group16-sha512,diffie-hellman-group14-sha256";
static const char *const SSH_HOSTKEYS = "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256";
static const char *const SSH_CIPHERS =
    "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr";
static const char *const SSH_MACS =
    "umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com";

static void ssh_string(dbuf_t *d, const void *s, size_t n)
{
    db_u32(d, n);
    db_mem(d, s, n);
}

/* Cleartext binary packet: length, padding length, payload, random padding (8-aligned). */
static void ssh_packet(dbuf_t *d, const dbuf_t *pl)
{
    size_t pad = 4 + (8 - (9 + pl->n) % 8) % 8; /* 4..11 bytes */
    db_u32(d, 1 + pl->n + pad);
    db_u8(d, pad);
    db_mem(d, pl->p, pl->n);
    db_rand(d, pad);
}

static void ssh_kexinit(dbuf_t *d, int server)
{
    dbuf_t pl = {0};
    char kex[512];
    snprintf(kex, sizeof(kex), "%s,%s", SSH_KEX,
             server ? "kex-strict-s-v00@openssh.com" : "ext-info-c,kex-strict-c-v00@openssh.com");
    db_u8(&pl, 20); /* SSH_MSG_KEXINIT, cookie */
    db_rand(&pl, 16);
    ssh_string(&pl, kex, strlen(kex));
    ssh_string(&pl, SSH_HOSTKEYS, strlen(SSH_HOSTKEYS));
    for (int i = 0; i < 8; i++) { /* both directions: ciphers, MACs, compression, languages */
        const char *l = i < 2   ? SSH_CIPHERS
                        : i < 4 ? SSH_MACS
                        : i < 6 ? "none,zlib@openssh.com"
                                : "";
        ssh_string(&pl, l, strlen(l));
    }
    db_u8(&pl, 0);  /* first_kex_packet_follows */
    db_u32(&pl, 0); /* reserved */
    ssh_packet(d, &pl);
    free(pl.p);
}

/* KEX_ECDH_INIT (client) or KEX_ECDH_REPLY + NEWKEYS (server): curve25519, ed25519 host key. */
static void ssh_ecdh(dbuf_t *d, int server)
{
    dbuf_t pl = {0};
    db_u8(&pl, server ? 31 : 30);
    if (server) { /* K_S: host key blob */
        db_mem(&pl, "\0\0\0\x33\0\0\0\x0bssh-ed25519\0\0\0\x20", 23);
        db_rand(&pl, 32);
    }
    db_u32(&pl, 32); /* Q_C / Q_S */
    db_rand(&pl, 32);
    if (server) { /* signature blob */
        db_mem(&pl, "\0\0\0\x53\0\0\0\x0bssh-ed25519\0\0\0\x40", 23);
        db_rand(&pl, 64);
        ssh_packet(d, &pl);
        pl.n = 0;
        db_u8(&pl, 21); /* SSH_MSG_NEWKEYS */
    }
    ssh_packet(d, &pl);
    free(pl.p);
}

/* Encrypted packet (chacha20-poly1305): length(4) + 8-aligned body + 16-byte tag. */
#define ssh_enc(d, payload) db_rand(d, 4 + (((payload) + 1 + 4 + 7) & ~(size_t)7) + 16)

/* `side` sends encrypted packets of the given payload sizes (0-terminated); returns the end. */
static const size_t *ssh_step(tcp_t *s, int side, const size_t *sizes, uint32_t think, int ack_last)
{
    dbuf_t d = {0};
    for (; *sizes; sizes++)
        ssh_enc(&d, *sizes);
    tcp_send(s, side, d.p, d.n, think, ack_last);
    free(d.p);
    return sizes + 1;
}

static void ssh_bulk(tcp_t *s, size_t bytes) /* server output: CHANNEL_DATA packets */
{
    dbuf_t d = {0};
    uint32_t think = rnd_range(1000, 90000);
    for (size_t n; bytes; bytes -= n)
        ssh_enc(&d, 9 + (n = bytes > 32768 ? 32768 : bytes));
    tcp_send(s, SRV, d.p, d.n, think, 1);
    free(d.p);
}

/* Banners, key exchange, public key authentication, a session channel and a shell in which
 * `cmds` (newline-terminated) are typed, each keystroke echoed by the server; then logout. */
static uint64_t ssh_session(uint64_t t, node_t *cli, node_t *srv, const char *banner,
                            const char *cmds)
{
    /* EXT_INFO + SERVICE_ACCEPT, USERAUTH none, FAILURE, publickey query, PK_OK, signed
     * request, SUCCESS, CHANNEL_OPEN, hostkeys-00 request + OPEN_CONFIRMATION, pty/env/shell */
    static const size_t auth[] = {230, 17,  0, 60, 0, 30, 0, 120, 0,  90,
                                  0,   200, 0, 1,  0, 24, 0, 560, 17, 0};
    static const size_t key[] = {10, 0}, shell[] = {60, 40, 20, 0}, prompt[] = {70, 0},
                        eof[] = {9, 40, 16, 16, 0};
    tcp_t s;
    dbuf_t d = {0};
    int side = SRV;
    tcp_open(&s, cli, srv, 0, 22, t);
    tcp_send(&s, CLI, (const uint8_t *)SSH_CLIENT, strlen(SSH_CLIENT), rnd_range(100, 400), 0);
    tcp_send(&s, SRV, (const uint8_t *)banner, strlen(banner), rnd_range(500, 4000), 0);
    for (int i = 0; i < 4; i++) { /* KEXINIT both ways, then the ECDH exchange */
        d.n = 0;
        if (i < 2)
            ssh_kexinit(&d, i);
        else
            ssh_ecdh(&d, i - 2);
        tcp_send(&s, i % 2, d.p, d.n, rnd_range(100, 3000), 0);
    }
    d.n = 0;
    db_mem(&d, "\x00\x00\x00\x0c\x0a\x15", 6); /* NEWKEYS, then SERVICE_REQUEST encrypted */
    db_rand(&d, 10);
    ssh_enc(&d, 17);
    tcp_send(&s, CLI, d.p, d.n, rnd_range(100, 600), 0);
    free(d.p);
    for (const size_t *p = auth; p < auth + sizeof(auth) / sizeof(auth[0]); side = !side)
        p = ssh_step(&s, side, p, rnd_range(200, 8000), side == SRV);
    ssh_step(&s, CLI, shell, rnd_range(300, 3000), 0);
    ssh_bulk(&s, rnd_range(400, 900)); /* motd */
    for (const char *c = cmds; *c; c++) {
        int first = c == cmds || c[-1] == '\n';
        ssh_step(&s, CLI, key, first ? rnd_range(1000000, 4000000) : rnd_range(60000, 280000), 0);
        if (*c != '\n') {
            ssh_step(&s, SRV, key, rnd_range(50, 400), 1); /* echo */
        } else {                                           /* command output, prompt */
            ssh_bulk(&s, rnd_range(150, 4000));
            ssh_step(&s, SRV, prompt, rnd_range(100, 2000), 1);
        }
    }
    ssh_step(&s, CLI, key, rnd_range(800000, 2000000), 0); /* ^D */
    ssh_step(&s, SRV, eof, rnd_range(200, 3000), 0);       /* EOF, exit-status, CLOSE */
    ssh_step(&s, CLI, eof + 3, rnd_range(100, 500), 0);
    tcp_close(&s, CLI, rnd_range(100, 800));
    return s.t;
}

/* ---- Scenarios: each schedules its flows in the two-minute round starting at t0 ---------- */
#define at(t0, ms) ((t0) + (ms)*1000ULL + rnd_range(0, 400000)) /* offset in the round */

/* Gratuitous ARP, hosts resolving the gateway and the resolver, the gateway revalidating its
 * neighbours with unicast requests. */
static void sc_lan(uint64_t t0)
{
    static const char *const hosts[] = {"dev-ws", "carol-x1", "nas", "bob-pc", "alice-mbp"};
    node_t *gw = node("gateway"), *printer = node("printer");
    uint64_t t = at(t0, 50);
    arp_pkt(t, 1, printer, ZERO_MAC, printer->a4, BCAST);
    t = arp_resolve(t + rnd_range(200000, 900000), node("alice-mbp"), gw, 0);
    t = arp_resolve(t + rnd_range(100000, 500000), node("bob-pc"), node("resolver"), 0);
    t = arp_resolve(t + rnd_range(300000, 900000), gw, printer, 0);
    for (int i = 0; i < 10; i++)
        t = arp_resolve(t + rnd_range(6000000, 11000000), gw, node(hosts[i % 5]), 1);
}

static void sc_icmp(uint64_t t0) /* Windows ping to the gateway, iputils ping to 8.8.8.8 */
{
    ping(at(t0, 3000), node("bob-pc"), node("gateway"), 0, 4);
    ping(at(t0, 20000), node("carol-x1"), node("dns.google"), 0, 4);
}

/* A browser on www.example.com (twice), the macOS connectivity check, apt downloading a package */
static void sc_http(uint64_t t0)
{
    node_t *bob = node("bob-pc"), *alice = node("alice-mbp"), *dev = node("dev-ws"), *srv;
    const char *apt = "Debian APT-HTTP/1.3 (2.6.1)";
    tcp_t s;
    for (int i = 0; i < 2; i++) {
        srv = node("www.example.com");
        tcp_open(&s, bob, srv, 0, 80, dns_resolve(at(t0, i ? 107000 : 600), bob, 0, srv));
        http_get(&s, "/", UA_EDGE, ACCEPT_HTML, "Upgrade-Insecure-Requests: 1\r\n",
                 rnd_range(100, 500));
        http_reply(&s, 200, "ECS (dcb/7F83)",
                   "Cache-Control: max-age=604800\r\nEtag: \"3147526947\"\r\n",
                   "text/html; charset=UTF-8", EXAMPLE_HTML, 0);
        tcp_close(&s, CLI, rnd_range(3000000, 6000000));
    }
    srv = node("captive.apple.com");
    tcp_open(&s, alice, srv, 0, 80, dns_resolve(at(t0, 2500), alice, 0, srv));
    http_get(&s, "/hotspot-detect.html", "CaptiveNetworkSupport-481.100.4 wispr", "*/*", NULL,
             rnd_range(100, 500));
    http_reply(&s, 200, "AkamaiGHost", "Cache-Control: no-store\r\n", "text/html",
               "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>", 0);
    tcp_close(&s, CLI, rnd_range(100000, 400000));
    srv = node("deb.debian.org");
    tcp_open(&s, dev, srv, 0, 80, dns_resolve(at(t0, 31000), dev, 0, srv));
    http_get(&s, "/debian/pool/main/c/curl/curl_7.88.1-10%2bdeb12u5_amd64.deb", apt, "*/*", NULL,
             rnd_range(100, 500));
    http_reply(&s, 200, "Apache", "Age: 86012\r\nVia: 1.1 varnish\r\n",
               "application/vnd.debian.binary-package", "!<arch>\ndebian-binary   ",
               rnd_range(280000, 340000));
    tcp_close(&s, CLI, rnd_range(1000, 5000));
}

/* HTTPS: TLS 1.3 full handshakes and TLS 1.2 resumptions, each after a DNS lookup */
static void sc_tls(uint64_t t0)
{
    static const tls_flow_t flows[] = {
        {1500,   "bob-pc",    "www.example.com",               1, "h2",       600,  14000,  2},
        {5000,   "alice-mbp", "gateway.icloud.com",            1, "h2",       900,  5000,   3},
        {4000,   "dev-ws",    "api.github.com",                1, "h2",       300,  22000,  2},
        {13000,  "carol-x1",  "www.google.com",                1, "h2",       700,  40000,  2},
        {21000,  "bob-pc",    "login.microsoftonline.com",     0, "http/1.1", 1200, 9000,   2},
        {61000,  "alice-mbp", "objects.githubusercontent.com", 1, "http/1.1", 800,  420000, 1},
        {83000,  "nas",       "update7.synology.com",          0, "http/1.1", 400,  2500,   1},
        {94000,  "dev-ws",    "api.github.com",                1, "h2",       300,  22000,  2},
        {100000, "carol-x1",  "www.google.com",                1, "h2",       700,  40000,  2},
        {108000, "bob-pc",    "www.example.com",               1, "h2",       600,  14000,  2},
    };
    for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
        node_t *cli = node(flows[i].cli), *srv = node(flows[i].srv);
        tls_session(dns_resolve(at(t0, flows[i].at_ms), cli, 0, srv), cli, srv, 0, &flows[i]);
    }
}

static void sc_ssh(uint64_t t0) /* an interactive session from dev-ws to the NAS */
{
    ssh_session(at(t0, 9000), node("dev-ws"), node("nas"), "SSH-2.0-OpenSSH_8.2\r\n",
                "uptime\ndf -h /volume1\nls -la backups\nsudo systemctl status smbd\n"
                "tail -n 20 /var/log/messages\n");
}

/* dev-ws syncing with a pool server; the lobby camera on VLAN 20: ARP, DNS, NTP, ping */
static void sc_ntp_vlan(uint64_t t0)
{
    node_t *dev = node("dev-ws"), *pool = node("2.debian.pool.ntp.org");
    node_t *cam = node("cam-lobby"), *gw20 = node("gateway-vlan20");
    ntp_exchange(dns_lookup(at(t0, 6000), dev, 0, pool, 1) + 900, dev, pool);
    for (int i = 0; i < 2; i++) {
        uint64_t t = arp_resolve(at(t0, i ? 112000 : 26000), cam, gw20, 0);
        t = dns_lookup(t + rnd_range(200, 2000), cam, 0, node("time.cloudflare.com"), 1);
        t = ntp_exchange(t + rnd_range(500, 3000), cam, node("time.cloudflare.com"));
        ping(t + rnd_range(1000000, 3000000), cam, gw20, 0, 2);
    }
}

/* carol-x1 over IPv6: neighbour discovery, DNS over IPv6, HTTP redirect, HTTPS, ping6 */
static void sc_ipv6(uint64_t t0)
{
    node_t *carol = node("carol-x1"), *srv = node("www.example.org");
    const tls_flow_t tls = {0, "carol-x1", "www.example.org", 1, "h2", 500, 18000, 2};
    tcp_t s;
    uint64_t t = ndp_resolve(at(t0, 41000), carol, node("gateway"), 0);
    t = ndp_resolve(t + rnd_range(1000, 5000), carol, node("resolver"), 1);
    tcp_open(&s, carol, srv, 1, 80, dns_resolve(t + rnd_range(200, 1000), carol, 1, srv));
    http_get(&s, "/", UA_FIREFOX, ACCEPT_HTML, "Upgrade-Insecure-Requests: 1\r\n",
             rnd_range(100, 500));
    http_reply(&s, 301, "nginx/1.24.0", "Location: https://www.example.org/\r\n", "text/html",
               "<html><body><h1>301 Moved Permanently</h1></body></html>\r\n", 0);
    t = tls_session(s.t + rnd_range(5000, 20000), carol, srv, 1, &tls);
    tcp_close(&s, CLI, (uint32_t)(t - s.t) + rnd_range(100000, 500000));
    ping(t + rnd_range(1000000, 2000000), carol, srv, 1, 3);
}

static void (*const SCENARIOS[])(uint64_t t0) = {sc_lan, sc_icmp,     sc_http, sc_tls,
                                                 sc_ssh, sc_ntp_vlan, sc_ipv6};

/* ---- Command line ----------------------------------------------------------------------- */
static const char USAGE[] =
    "Usage: " PROG " [-o FILE] [-s SEED] [-n SCALE]\n"
    "Write a deterministic demo capture (pcap, Ethernet) of a small office network.\n\n"
    "  -o, --output FILE  output file, '-' for standard output (default: demo.pcap)\n"
    "  -s, --seed SEED    seed of the pseudo-random generator (default: 1)\n"
    "  -n, --scale SCALE  repeat the two-minute traffic pattern SCALE times, 1..1000 (default: 1)\n"
    "  -h, --help         show this help and exit\n\n"
    "The same seed and scale always produce a byte-identical file.\n";

static unsigned long long parse_num(const char *s, unsigned long long min, unsigned long long max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *s == '-' || *end || errno || v < min || v > max)
        usage_error(max == MAX_SCALE ? "invalid scale '%s' (expected 1..1000)"
                                     : "invalid seed '%s' (expected an unsigned integer)",
                    s);
    return v;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"seed",   required_argument, NULL, 's'},
        {"scale",  required_argument, NULL, 'n'},
        {"help",   no_argument,       NULL, 'h'},
        {NULL,     0,                 NULL, 0  },
    };
    const char *out = "demo.pcap";
    uint64_t seed = 1;
    unsigned long scale = 1;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":o:s:n:h", opts, NULL)) != -1;) {
        if (c == 'h') {
            fputs(USAGE, stdout);
            return 0;
        } else if (c == 'o') {
            out = optarg;
        } else if (c == 's') {
            seed = parse_num(optarg, 0, UINT64_MAX);
        } else if (c == 'n') {
            scale = (unsigned long)parse_num(optarg, 1, MAX_SCALE);
        } else {
            usage_error(c == ':' ? "option '%s' requires an argument" : "unknown option '%s'",
                        argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    int to_stdout = !strcmp(out, "-");
    const char *name = to_stdout ? "standard output" : out;
    FILE *fp = to_stdout ? stdout : fopen(out, "wb");
    if (!fp)
        die("cannot open '%s' for writing: %s", out, strerror(errno));
    struct stat st; /* on failure, remove the output only if it is a regular file */
    g_out_file = !to_stdout && !fstat(fileno(fp), &st) && S_ISREG(st.st_mode) ? out : NULL;
    g_rng = seed;
    nodes_init();
    /* pcap header (little-endian): magic, version 2.4, snaplen 262144, LINKTYPE_ETHERNET */
    const uint8_t h[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, [18] = 4, [20] = 1};
    fwrite(h, 1, sizeof(h), fp);
    for (unsigned long r = 0; r < scale; r++) {
        for (size_t i = 0; i < sizeof(SCENARIOS) / sizeof(SCENARIOS[0]); i++)
            SCENARIOS[i](EPOCH_US + r * ROUND_US);
        flush_before(fp, EPOCH_US + (r + 1) * ROUND_US);
    }
    flush_before(fp, UINT64_MAX);
    free(g_rec);
    if (fflush(fp) != 0 || ferror(fp) || (!to_stdout && fclose(fp) != 0))
        die("error writing %s: %s", name, strerror(errno));
    fprintf(stderr, PROG ": wrote %llu packets to %s\n", (unsigned long long)g_written, name);
    return 0;
}
