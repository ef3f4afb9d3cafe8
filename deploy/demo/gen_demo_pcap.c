/*
 * gen_demo_pcap.c - deterministic generator of the ntop-probe demo capture.
 *
 * Writes a classic pcap file (microsecond timestamps, LINKTYPE_ETHERNET) with two minutes of
 * traffic of a small office network (192.168.10.0/24, a camera on VLAN 20, IPv6 in
 * 2001:db8::/32): ARP, DNS, HTTP/1.1, TLS 1.2/1.3, SSH, ICMP, ICMPv6/NDP and NTP. Each packet
 * is built by hand with correct checksums and consistent TCP sequence numbers. All randomness
 * comes from a seeded splitmix64 generator and the capture starts at a fixed epoch, so a given
 * seed and scale always produce a byte-identical file. Only libc is needed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROG      "gen-demo-pcap"
#define EPOCH_US  (1714557600ULL * 1000000) /* 2024-05-01 10:00:00 UTC */
#define ROUND_US  120000000ULL              /* one round of the traffic pattern: two minutes */
#define MAX_SCALE 1000UL
#define MAX_FRAME 1600
#define WIN_RAW   501 /* TCP window field after the handshake: 501 << 7 = 64128 bytes */

enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17, P_ICMP6 = 58 };
enum { T_FIN = 0x01, T_SYN = 0x02, T_PSH = 0x08, T_ACK = 0x10 };
enum { CLI = 0, SRV = 1 };
enum { OS_LINUX, OS_WINDOWS, OS_MACOS };

/* ---- Utilities: errors, PRNG, byte buffers ---------------------------------------------- */

static const char *g_out_file; /* removed again if generation fails */

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (g_out_file)
        remove(g_out_file);
    exit(1);
}

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
    while (bytes-- > 0) {
        p[bytes] = (uint8_t)v;
        v >>= 8;
    }
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
    if (d->n + n > d->cap) {
        size_t cap = d->cap ? d->cap : 512;
        while (cap < d->n + n)
            cap *= 2;
        if (!(d->p = realloc(d->p, cap)))
            die("out of memory");
        d->cap = cap;
    }
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
#define db_len(d, off, n)  put_be((d)->p + (off), (d)->n - (off) - (n), n) /* back-patch */

__attribute__((format(printf, 2, 3))) static void db_printf(dbuf_t *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("internal: bad format '%s'", fmt);
    char *p = (char *)db_grow(d, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    d->n--; /* drop the NUL */
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
    if (!(r->data = calloc(1, n)))
        die("out of memory");
    memcpy(r->data, frame, len);
    r->ts = ts;
    r->order = g_order++;
    r->len = (uint32_t)n;
}

static int rec_cmp(const void *a, const void *b)
{
    const rec_t *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void write_or_die(FILE *fp, const void *p, size_t n)
{
    if (fwrite(p, 1, n, fp) != n)
        die("write error: %s", strerror(errno));
}

static void pcap_header(FILE *fp)
{
    uint8_t h[24] = {0, 0, 0, 0, 2, 0, 4}; /* version 2.4, thiszone 0, sigfigs 0 */
    le32(h, 0xa1b2c3d4);
    le32(h + 16, 262144); /* snaplen */
    le32(h + 20, 1);      /* LINKTYPE_ETHERNET */
    write_or_die(fp, h, sizeof(h));
}

/* Write, in time order, every stored frame earlier than `upto`; keep the others. */
static void flush_before(FILE *fp, uint64_t upto)
{
    size_t i, keep = 0;
    qsort(g_rec, g_nrec, sizeof(*g_rec), rec_cmp);
    for (i = 0; i < g_nrec && g_rec[i].ts < upto; i++) {
        uint64_t ts = g_rec[i].ts > g_last_ts ? g_rec[i].ts : g_last_ts + 1; /* strictly rising */
        uint8_t h[16];
        le32(h, ts / 1000000);
        le32(h + 4, ts % 1000000);
        le32(h + 8, g_rec[i].len);
        le32(h + 12, g_rec[i].len);
        write_or_die(fp, h, sizeof(h));
        write_or_die(fp, g_rec[i].data, g_rec[i].len);
        free(g_rec[i].data);
        g_last_ts = ts;
        g_written++;
    }
    while (i < g_nrec)
        g_rec[keep++] = g_rec[i++];
    g_nrec = keep;
}

/* ---- Network model: hosts on the LAN, servers behind the gateway ------------------------- */

typedef struct {
    const char *name;      /* host name; the DNS name of remote servers */
    const char *mac;       /* NULL: remote, seen on the LAN with the gateway's MAC */
    const char *ip4, *ip6; /* ip6: NULL, an address, or "slaac" (2001:db8:10::/64 + EUI-64) */
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
#define WAN(n, a4, a6, tl, rtt) LAN(n, NULL, a4, a6, 0, tl, rtt, OS_LINUX)

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
    WAN("www.example.com", "93.184.216.34", NULL, 55, 44000),
    WAN("www.example.org", "93.184.215.14", "2001:db8:5000::17", 55, 41000),
    WAN("api.github.com", "140.82.121.6", NULL, 52, 16000),
    WAN("github.com", "140.82.121.3", NULL, 52, 16000),
    WAN("objects.githubusercontent.com", "185.199.108.133", NULL, 58, 5200),
    WAN("www.google.com", "142.250.185.68", NULL, 117, 5600),
    WAN("dns.google", "8.8.8.8", NULL, 117, 5100),
    WAN("login.microsoftonline.com", "40.126.32.134", NULL, 110, 12500),
    WAN("captive.apple.com", "17.253.53.207", NULL, 57, 9000),
    WAN("gateway.icloud.com", "17.248.190.66", NULL, 57, 9500),
    WAN("neverssl.com", "34.223.124.45", NULL, 40, 78000),
    WAN("deb.debian.org", "151.101.130.132", NULL, 58, 4800),
    WAN("2.debian.pool.ntp.org", "195.201.19.162", NULL, 56, 7000),
    WAN("time.cloudflare.com", "162.159.200.1", NULL, 58, 4500),
    WAN("dns.quad9.net", "9.9.9.9", NULL, 58, 5000),
    WAN("update7.synology.com", "52.28.14.203", NULL, 233, 19000),
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
        if (n->mac) { /* on the LAN: link-local address from the MAC */
            n->ll6[0] = 0xfe;
            n->ll6[1] = 0x80;
            eui64(n->ll6 + 8, n->hw);
        }
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

static uint32_t react(void) /* reaction time of a host next to the capture point */
{
    return rnd_range(25, 90);
}

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
    if (h->v6) {
        put32(ip, 0x60000000);
        put16(ip + 4, len);
        ip[6] = proto;
        ip[7] = h->ttl;
    } else {
        const uint8_t v4[12] = {0x45,
                                0,
                                (20 + len) >> 8,
                                (20 + len) & 0xff,
                                h->id >> 8,
                                h->id & 0xff,
                                proto == P_ICMP ? 0 : 0x40,
                                0,
                                h->ttl,
                                proto};
        memcpy(ip, v4, sizeof(v4)); /* DF set except on ICMP */
    }
    memcpy(ip + ihl - 2 * alen, h->sip, alen);
    memcpy(ip + ihl - alen, h->dip, alen);
    if (!h->v6)
        put16(ip + 10, fold(sum16(0, ip, 20)));
    memcpy(p, l4, len);
    put16(p + csum_off, 0);
    uint32_t s = 0;
    if (proto != P_ICMP) { /* pseudo header */
        uint8_t ph[8] = {0, 0, len >> 8, len & 0xff, 0, 0, 0, proto};
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
    if (len + 8 > 1400)
        die("internal: UDP payload too large");
    put16(l4, sport);
    put16(l4 + 2, dport);
    put16(l4 + 4, len + 8);
    memcpy(l4 + 8, data, len);
    l3_t h = l3_nodes(src, dst, v6);
    send_l3(ts, &h, P_UDP, l4, len + 8, 6);
}

/* ---- ARP, ICMP echo, ICMPv6 neighbour and router discovery ------------------------------- */

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
        for (size_t i = 8; i < len; i++) /* "abcdefghijklmnopqrstuvwabcdefghi" or 0x10.. */
            m[i] = win ? (uint8_t)('a' + (i - 8) % 23) : (uint8_t)(i - 8);
        if (!win) { /* iputils: struct timeval first */
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

static void send_icmp6(uint64_t ts, const node_t *src, const uint8_t *dmac, const uint8_t *sip,
                       const uint8_t *dip, const uint8_t *msg, size_t len)
{
    l3_t h = {.smac = src->hw, .dmac = dmac, .sip = sip, .dip = dip, .v6 = 1, .ttl = 255};
    send_l3(ts, &h, P_ICMP6, msg, len, 2);
}

static void ndp_lladdr(uint8_t *o, uint8_t type, const uint8_t *mac) /* source/target LL opt */
{
    o[0] = type;
    o[1] = 1;
    memcpy(o + 2, mac, 6);
}

/* Neighbour solicitation for `target` (link-local or global address) and its advertisement. */
static uint64_t ndp_resolve(uint64_t t, const node_t *src, const node_t *target, int global)
{
    const uint8_t *ta = global ? target->a6 : target->ll6;
    const uint8_t mc[16] = {0xff, 2, [11] = 1, 0xff, ta[13], ta[14], ta[15]}; /* solicited-node */
    const uint8_t mmac[6] = {0x33, 0x33, 0xff, ta[13], ta[14], ta[15]};
    uint8_t m[32] = {135};
    memcpy(m + 8, ta, 16);
    ndp_lladdr(m + 24, 1, src->hw);
    send_icmp6(t, src, mmac, src->ll6, mc, m, 32);
    t += src->rtt_us + target->rtt_us + rnd_range(50, 500);
    m[0] = 136;
    m[4] = target == &g_node[0] ? 0xe0 : 0x60; /* Router, Solicited, Override */
    ndp_lladdr(m + 24, 2, target->hw);
    send_icmp6(t, target, src->hw, target->ll6, src->ll6, m, 32);
    return t;
}

/* Router solicitation from `host`; the gateway advertises 2001:db8:10::/64 and the DNS. */
static uint64_t ndp_router_discovery(uint64_t t, const node_t *host)
{
    const node_t *gw = node("gateway");
    const uint8_t all_rtr[16] = {0xff, 2, [15] = 2}, all_nodes[16] = {0xff, 2, [15] = 1};
    const uint8_t mac_rtr[6] = {0x33, 0x33, 0, 0, 0, 2}, mac_nodes[6] = {0x33, 0x33, 0, 0, 0, 1};
    uint8_t rs[16] = {133};
    ndp_lladdr(rs + 8, 1, host->hw);
    send_icmp6(t, host, mac_rtr, host->ll6, all_rtr, rs, 16);
    /* hop limit 64, router lifetime 1800 s; options: source LL, MTU 1500, prefix, RDNSS */
    uint8_t ra[88] = {134, 0, 0,    0,    64,        0, 0x07, 0x08, [24] = 5, 1, 0,    0,
                      0,   0, 0x05, 0xdc, [32] = 3,  4, 64,   0xc0, 0,        1, 0x51, 0x80,
                      0,   0, 0x38, 0x40, [64] = 25, 3, 0,    0,    0,        0, 0x07, 0x08};
    ndp_lladdr(ra + 16, 1, gw->hw);
    memcpy(ra + 48, gw->a6, 8);
    memcpy(ra + 72, node("resolver")->a6, 16);
    t += rnd_range(2000, 30000);
    send_icmp6(t, gw, mac_nodes, gw->ll6, all_nodes, ra, sizeof(ra));
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

/* A query (ans == NULL) or its answer: optional CNAME, then the A/AAAA record if any. */
static void dns_msg(dbuf_t *d, uint16_t id, const char *qname, uint16_t qtype, const node_t *ans,
                    const char *cname)
{
    uint32_t ttl = rnd_range(30, 3600);
    int has_addr = ans && (qtype == 1 || ans->has6);
    const uint8_t hdr[12] = {id >> 8,
                             id & 0xff,
                             ans ? 0x81 : 0x01,
                             ans ? 0x80 : 0,
                             0,
                             1,
                             0,
                             (ans && cname) + has_addr,
                             0,
                             0,
                             0,
                             1};
    size_t owner = 12;
    db_mem(d, hdr, sizeof(hdr));
    dns_name(d, qname);
    db_u32(d, (uint32_t)qtype << 16 | 1); /* class IN */
    if (ans && cname) {
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

/* One query and its answer; cache misses of the office resolver go to Quad9 first. */
static uint64_t dns_lookup(uint64_t t, node_t *cli, int v6, const node_t *target, uint16_t qtype,
                           const char *cname)
{
    node_t *srv = node(cli->vlan ? "gateway-vlan20" : "resolver"), *up = node("dns.quad9.net");
    dbuf_t q = {0}, r = {0};
    uint16_t id = (uint16_t)rnd64(), sport = next_port(cli);
    dns_msg(&q, id, target->name, qtype, NULL, NULL);
    send_udp(t, cli, srv, v6, sport, 53, q.p, q.n);
    t += cli->rtt_us + srv->rtt_us + rnd_range(100, 700);
    if (!cli->vlan && rnd_range(0, 2) == 0) {
        uint16_t fid = (uint16_t)rnd64(), fport = next_port(srv);
        dns_msg(&r, fid, target->name, qtype, NULL, NULL);
        send_udp(t, srv, up, 0, fport, 53, r.p, r.n);
        r.n = 0;
        dns_msg(&r, fid, target->name, qtype, target, cname);
        t += srv->rtt_us + up->rtt_us + rnd_range(500, 25000);
        send_udp(t, up, srv, 0, 53, fport, r.p, r.n);
        t += rnd_range(80, 300);
        r.n = 0;
    }
    dns_msg(&r, id, target->name, qtype, target, cname);
    send_udp(t, srv, cli, v6, 53, sport, r.p, r.n);
    free(q.p);
    free(r.p);
    return t;
}

/* A and AAAA lookups in parallel, like stub resolvers do; returns when both are answered. */
static uint64_t dns_resolve(uint64_t t, node_t *cli, int v6, const node_t *target,
                            const char *cname)
{
    uint64_t a = dns_lookup(t, cli, v6, target, 1, cname);
    uint64_t b = dns_lookup(t + rnd_range(40, 300), cli, v6, target, 28, cname);
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
    l4[12] = (uint8_t)(hl / 4 << 4);
    l4[13] = flags;
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
        t += side == SRV ? s->rtt : react();
    return t;
}

static void tcp_open(tcp_t *s, node_t *cli, node_t *srv, int v6, uint16_t dport, uint64_t t)
{
    memset(s, 0, sizeof(*s));
    s->e[CLI] = (tcp_end_t){cli, next_port(cli), (uint32_t)rnd64()};
    s->e[SRV] = (tcp_end_t){srv, dport, (uint32_t)rnd64()};
    s->v6 = v6;
    s->mss = v6 ? 1440 : 1460;
    s->rtt = cli->rtt_us + srv->rtt_us + rnd_range(0, 400);
    s->gap = s->rtt * 1460u / 48000u; /* at most ~48 KB in flight per RTT */
    if (s->gap < 130)
        s->gap = 130;
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
            tcp_seg(s, !side, t + (side == CLI ? s->rtt : react()), T_ACK, NULL, 0);
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
    "<!doctype html>\n<html>\n<head>\n    <title>Example Domain</title>\n\n"
    "    <meta charset=\"utf-8\" />\n"
    "    <meta http-equiv=\"Content-type\" content=\"text/html; charset=utf-8\" />\n"
    "    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
    "</head>\n\n<body>\n<div>\n    <h1>Example Domain</h1>\n"
    "    <p>This domain is for use in illustrative examples in documents. You may use this\n"
    "    domain in literature without prior coordination or asking for permission.</p>\n"
    "    <p><a href=\"https://www.iana.org/domains/example\">More information...</a></p>\n"
    "</div>\n</body>\n</html>\n";

typedef struct {
    const char *path, *ua, *accept, *req_hdrs;
    int status;
    const char *server, *ctype, *resp_hdrs;
    const char *body; /* len == 0: the body; else a page (text/html) or binary with this head */
    size_t len;
} http_t;

static void http_body(dbuf_t *d, const http_t *h)
{
    size_t end = d->n + h->len;
    if (!h->len) {
        db_str(d, h->body);
    } else if (!strncmp(h->ctype, "text/html", 9)) {
        db_str(d, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>NeverSSL - "
                  "Connecting ...</title></head>\n<body>\n<h1>NeverSSL</h1>\n");
        while (d->n + 120 < end)
            db_str(d, "<p>This website is for when you try to open Facebook, Google, Amazon, "
                      "etc on a wifi network, and nothing happens.</p>\n");
        while (d->n + 15 < end)
            db_u8(d, ' ');
        db_str(d, "</body></html>\n");
    } else {
        db_str(d, h->body);
        db_rand(d, end - d->n);
    }
}

static void http_exchange(tcp_t *s, const char *host, const http_t *h, uint32_t think)
{
    dbuf_t d = {0}, body = {0};
    db_printf(&d,
              "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: %s\r\n%s"
              "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\n"
              "Connection: keep-alive\r\n\r\n",
              h->path, host, h->ua, h->accept, h->req_hdrs ? h->req_hdrs : "");
    tcp_send(s, CLI, d.p, d.n, think, 0);
    char date[64];
    time_t now = (time_t)((s->t + s->rtt) / 1000000);
    struct tm tm;
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
    const char *reason = h->status == 200   ? "OK"
                         : h->status == 301 ? "Moved Permanently"
                         : h->status == 304 ? "Not Modified"
                                            : "Not Found";
    d.n = 0;
    db_printf(&d, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: %s\r\n", h->status, reason, date,
              h->server);
    if (h->status != 304) {
        http_body(&body, h);
        db_printf(&d, "Content-Type: %s\r\nContent-Length: %zu\r\n", h->ctype, body.n);
    }
    db_printf(&d, "%sConnection: keep-alive\r\n\r\n", h->resp_hdrs ? h->resp_hdrs : "");
    db_mem(&d, body.p, body.n);
    tcp_send(s, SRV, d.p, d.n, rnd_range(300, 15000), 1);
    free(d.p);
    free(body.p);
}

/* ---- TLS -------------------------------------------------------------------------------- */

/* Open a handshake record; tls_hs_end() fills in the record and handshake lengths. */
static size_t tls_hs_begin(dbuf_t *d, uint8_t type, unsigned rec_version, const uint8_t *sid)
{
    size_t rec = d->n;
    db_u8(d, 0x16);
    db_u16(d, rec_version);
    db_u16(d, 0);
    db_u32(d, (uint32_t)type << 24);
    db_u16(d, 0x0303);
    db_rand(d, 32);
    db_u8(d, 32); /* session id */
    db_mem(d, sid, 32);
    return rec;
}

static void tls_hs_end(dbuf_t *d, size_t rec, size_t ext)
{
    db_len(d, ext, 2);
    db_len(d, rec + 6, 3);
    db_len(d, rec + 3, 2);
}

static void tls_client_hello(dbuf_t *d, const char *sni, int offer13, const uint8_t *sid)
{
    static const uint8_t suites13[] = {0,    30,   0x13, 1,    0x13, 3,    0x13, 2,
                                       0xc0, 0x2b, 0xc0, 0x2f, 0xcc, 0xa9, 0xcc, 0xa8,
                                       0xc0, 0x2c, 0xc0, 0x30, 0xc0, 0x13, 0xc0, 0x14,
                                       0,    0x9c, 0,    0x9d, 0,    0x2f, 0,    0x35};
    static const uint8_t suites12[] = {0,    20,   0xc0, 0x2c, 0xc0, 0x2b, 0xc0, 0x30,
                                       0xc0, 0x2f, 0xc0, 0x24, 0xc0, 0x23, 0xc0, 0x28,
                                       0xc0, 0x27, 0,    0x9d, 0,    0x9c};
    static const uint8_t exts[] =
        {
            0,    0x17, 0,   0,      /* extended_master_secret */
            0xff, 1,    0,   1,   0, /* renegotiation_info */
            0,    0x0a, 0,   8,   0,   6,   0, 0x1d, 0,   0x17, 0,   0x18, /* supported_groups */
            0,    0x0b, 0,   2,   1,   0,                                  /* ec_point_formats */
            0,    0x23, 0,   0,                                            /* session_ticket */
            0,    0x10, 0,   14,  0,   12,  2, 'h',  '2', 8,    'h', 't',
            't',  'p',  '/', '1', '.', '1',             /* ALPN */
            0,    5,    0,   5,   1,   0,   0, 0,    0, /* status_request */
            0,    0x0d, 0,   18,  0,   16,  4, 3,    8,   4,    4,   1,
            5,    3,    8,   5,   5,   1,   8, 6,    6,   1};           /* sig algs */
    static const uint8_t exts13[] = {0, 0x2d, 0, 2,  1, 1,              /* psk_key_exchange_modes */
                                     0, 0x2b, 0, 5,  4, 3,  4, 3,    3, /* supported_versions */
                                     0, 0x33, 0, 38, 0, 36, 0, 0x1d, 0, 32}; /* key_share x25519 */
    size_t rec = tls_hs_begin(d, 1, 0x0301, sid), nl = strlen(sni);
    if (offer13)
        db_mem(d, suites13, sizeof(suites13));
    else
        db_mem(d, suites12, sizeof(suites12));
    db_u16(d, 0x0100); /* compression: null */
    size_t ext = d->n;
    db_u16(d, 0);
    db_u32(d, nl + 5); /* server_name: type 0, length */
    db_u16(d, nl + 3);
    db_u8(d, 0);
    db_u16(d, nl);
    db_str(d, sni);
    db_mem(d, exts, sizeof(exts));
    if (offer13) {
        db_mem(d, exts13, sizeof(exts13));
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
    if (type == 0x14)
        db_u8(d, 1); /* change_cipher_spec */
    else
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

typedef struct {
    int tls13;        /* 1: full TLS 1.3 handshake; 0: TLS 1.2 session resumption */
    const char *alpn; /* protocol chosen by the server (visible in TLS 1.2 only) */
    size_t req, resp; /* typical application bytes per request / response */
    int rounds;
} tls_opts_t;

static uint64_t tls_session(uint64_t t, node_t *cli, node_t *srv, int v6, const tls_opts_t *o)
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
    tls_record(&d, 0x14, 1);
    if (v13) /* EncryptedExtensions, Certificate, CertificateVerify, Finished */
        tls_record(&d, 0x17, rnd_range(2400, 4600));
    else /* abbreviated handshake: encrypted Finished */
        tls_record(&d, 0x16, 40);
    tcp_send(&s, SRV, d.p, d.n, rnd_range(300, 3000), 1);
    d.n = 0;
    tls_record(&d, 0x14, 1);
    tls_record(&d, v13 ? 0x17 : 0x16, v13 ? 53 : 40); /* client Finished */
    for (int i = 0; i < o->rounds; i++) {
        tls_app(&d, o->req / 2 + rnd_range(0, (uint32_t)o->req), v13);
        tcp_send(&s, CLI, d.p, d.n, i ? rnd_range(100000, 4000000) : rnd_range(200, 2000), 0);
        d.n = 0;
        if (i == 0 && v13) { /* two NewSessionTicket messages */
            tls_record(&d, 0x17, rnd_range(230, 290));
            tls_record(&d, 0x17, rnd_range(230, 290));
        }
        tls_app(&d, o->resp / 2 + rnd_range(0, (uint32_t)o->resp), v13);
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
    "ecdh-sha2-nistp521,sntrup761x25519-sha512@openssh.com,diffie-hellman-group-exchange-sha256,"
    "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
static const char *const SSH_HOSTKEYS =
    "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "rsa-sha2-512-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256";
static const char *const SSH_CIPHERS = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,"
                                       "aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com";
static const char *const SSH_MACS =
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
    "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
    "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";

static void ssh_string(dbuf_t *d, const void *s, size_t n)
{
    db_u32(d, n);
    db_mem(d, s, n);
}

/* Cleartext binary packet: length, padding length, payload, random padding (8-aligned). */
static void ssh_packet(dbuf_t *d, const dbuf_t *pl)
{
    size_t pad = 8 - (5 + pl->n) % 8;
    pad += pad < 4 ? 8 : 0;
    db_u32(d, 1 + pl->n + pad);
    db_u8(d, pad);
    db_mem(d, pl->p, pl->n);
    db_rand(d, pad);
}

static void ssh_kexinit(dbuf_t *d, int server)
{
    dbuf_t pl = {0};
    char kex[512];
    const char *hk =
        server ? "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519" : SSH_HOSTKEYS;
    snprintf(kex, sizeof(kex), "%s,%s", SSH_KEX,
             server ? "kex-strict-s-v00@openssh.com" : "ext-info-c,kex-strict-c-v00@openssh.com");
    db_u8(&pl, 20); /* SSH_MSG_KEXINIT, cookie */
    db_rand(&pl, 16);
    ssh_string(&pl, kex, strlen(kex));
    ssh_string(&pl, hk, strlen(hk));
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
    uint8_t key[64];
    db_u8(&pl, server ? 31 : 30);
    if (server) {
        db_u32(&pl, 51); /* K_S: host key blob */
        ssh_string(&pl, "ssh-ed25519", 11);
        rnd_fill(key, 32);
        ssh_string(&pl, key, 32);
    }
    rnd_fill(key, 32);
    ssh_string(&pl, key, 32); /* Q_C / Q_S */
    if (server) {
        db_u32(&pl, 83); /* signature blob */
        ssh_string(&pl, "ssh-ed25519", 11);
        rnd_fill(key, 64);
        ssh_string(&pl, key, 64);
        ssh_packet(d, &pl);
        pl.n = 0;
        db_u8(&pl, 21); /* SSH_MSG_NEWKEYS */
    }
    ssh_packet(d, &pl);
    free(pl.p);
}

/* Encrypted packet (chacha20-poly1305): length(4) + 8-aligned body + 16-byte tag. */
static void ssh_enc(dbuf_t *d, size_t payload)
{
    db_rand(d, 4 + ((payload + 1 + 4 + 7) & ~(size_t)7) + 16);
}

/* `side` sends encrypted packets with the given payload sizes (a 0-terminated list);
 * returns the element after the terminator. */
static const size_t *ssh_step(tcp_t *s, int side, const size_t *sizes, uint32_t think, int ack_last)
{
    dbuf_t d = {0};
    for (; *sizes; sizes++)
        ssh_enc(&d, *sizes);
    tcp_send(s, side, d.p, d.n, think, ack_last);
    free(d.p);
    return sizes + 1;
}

static void ssh_bulk(tcp_t *s, int side, size_t bytes, uint32_t think) /* CHANNEL_DATA */
{
    dbuf_t d = {0};
    for (size_t n; bytes; bytes -= n)
        ssh_enc(&d, 9 + (n = bytes > 32768 ? 32768 : bytes));
    tcp_send(s, side, d.p, d.n, think, 1);
    free(d.p);
}

/* Banners, key exchange, public key authentication and a session channel; then either an
 * interactive shell typing `cmds` (each keystroke echoed) or, if cmds is NULL, an exec'd
 * transfer of `bulk` bytes such as a git fetch. */
static uint64_t ssh_session(uint64_t t, node_t *cli, node_t *srv, const char *banner,
                            const char *const *cmds, size_t bulk)
{
    /* EXT_INFO + SERVICE_ACCEPT, USERAUTH none, FAILURE, publickey query, PK_OK, signed
     * request, SUCCESS, CHANNEL_OPEN, hostkeys-00 request + OPEN_CONFIRMATION, pty/env/shell */
    static const size_t auth[] = {230, 17,  0, 60, 0, 30, 0, 120, 0,  90,
                                  0,   200, 0, 1,  0, 24, 0, 560, 17, 0};
    static const size_t key[] = {10, 0}, shell[] = {60, 40, 20, 0}, exec[] = {70, 0},
                        prompt[] = {70, 0}, want[] = {480, 0}, eof[] = {9, 40, 16, 16, 0};
    tcp_t s;
    dbuf_t d = {0};
    int side = SRV;
    tcp_open(&s, cli, srv, 0, 22, t);
    db_str(&d, SSH_CLIENT);
    tcp_send(&s, CLI, d.p, d.n, rnd_range(100, 400), 0);
    d.n = 0;
    db_str(&d, banner);
    tcp_send(&s, SRV, d.p, d.n, rnd_range(500, 4000), 0);
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
    ssh_step(&s, CLI, cmds ? shell : exec, rnd_range(300, 3000), 0);
    ssh_bulk(&s, SRV, rnd_range(cmds ? 400 : 1500, cmds ? 900 : 4000), rnd_range(1000, 40000));
    for (; cmds && *cmds; cmds++) { /* motd above, refs advertisement when there is no shell */
        uint32_t pause = rnd_range(1000000, 4000000);
        for (const char *c = *cmds; *c; c++, pause = rnd_range(60000, 280000)) {
            ssh_step(&s, CLI, key, pause, 0);
            ssh_step(&s, SRV, key, rnd_range(50, 400), 1);
        }
        ssh_step(&s, CLI, key, rnd_range(80000, 300000), 0); /* Enter */
        ssh_bulk(&s, SRV, rnd_range(150, 4000), rnd_range(2000, 90000));
        ssh_step(&s, SRV, prompt, rnd_range(100, 2000), 1);
    }
    if (!cmds) { /* git: wants/haves, then the pack */
        ssh_step(&s, CLI, want, rnd_range(1000, 20000), 0);
        ssh_bulk(&s, SRV, bulk, rnd_range(20000, 200000));
    } else {
        ssh_step(&s, CLI, key, rnd_range(800000, 2000000), 0); /* ^D */
    }
    ssh_step(&s, SRV, eof, rnd_range(200, 3000), 0); /* EOF, exit-status, CLOSE */
    ssh_step(&s, CLI, eof + 3, rnd_range(100, 500), 0);
    tcp_close(&s, CLI, rnd_range(100, 800));
    return s.t;
}

/* ---- Scenarios: each starts at absolute time t (microseconds) ----------------------------- */

static void sc_lan_startup(uint64_t t)
{
    node_t *gw = node("gateway"), *printer = node("printer");
    arp_pkt(t, 1, printer, ZERO_MAC, printer->a4, BCAST); /* gratuitous ARP */
    t = arp_resolve(t + rnd_range(200000, 900000), node("alice-mbp"), gw, 0);
    t = arp_resolve(t + rnd_range(100000, 500000), node("bob-pc"), node("resolver"), 0);
    t = ndp_router_discovery(t + rnd_range(100000, 400000), node("carol-x1"));
    t = arp_resolve(t + rnd_range(300000, 900000), gw, printer, 0);
    ping(t + rnd_range(100000, 300000), node("bob-pc"), gw, 0, 4);
}

static void sc_arp_refresh(uint64_t t) /* the gateway revalidates its neighbours */
{
    static const char *const hosts[] = {"dev-ws", "carol-x1", "nas", "bob-pc", "alice-mbp"};
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
        t = arp_resolve(t + rnd_range(2000000, 6000000), node("gateway"), node(hosts[i]), 1);
    arp_resolve(t + rnd_range(1000000, 3000000), node("nas"), node("resolver"), 0);
}

static void sc_web_example(uint64_t t)
{
    node_t *bob = node("bob-pc"), *srv = node("www.example.com");
    const http_t page = {"/",
                         UA_EDGE,
                         ACCEPT_HTML,
                         "Upgrade-Insecure-Requests: 1\r\n",
                         200,
                         "ECS (dcb/7F83)",
                         "text/html; charset=UTF-8",
                         "Cache-Control: max-age=604800\r\nEtag: \"3147526947\"\r\n",
                         EXAMPLE_HTML,
                         0};
    const http_t icon = {"/favicon.ico",
                         UA_EDGE,
                         "image/avif,image/webp,image/apng,*/*;q=0.8",
                         NULL,
                         404,
                         "ECS (dcb/7EEA)",
                         "text/html",
                         NULL,
                         "<html><body><h1>404 Not Found</h1></body></html>\n",
                         0};
    const tls_opts_t o = {1, "h2", 600, 14000, 2};
    tcp_t s;
    t = dns_resolve(t, bob, 0, srv, NULL);
    tcp_open(&s, bob, srv, 0, 80, t);
    http_exchange(&s, srv->name, &page, rnd_range(100, 500));
    http_exchange(&s, srv->name, &icon, rnd_range(20000, 90000));
    tcp_close(&s, CLI, rnd_range(3000000, 6000000));
    tls_session(t + rnd_range(400000, 900000), bob, srv, 0, &o);
}

static void sc_captive_portal(uint64_t t) /* macOS connectivity check, then iCloud */
{
    node_t *alice = node("alice-mbp"), *srv = node("captive.apple.com");
    const http_t h = {"/hotspot-detect.html",
                      "CaptiveNetworkSupport-481.100.4 wispr",
                      "*/*",
                      NULL,
                      200,
                      "AkamaiGHost",
                      "text/html",
                      "Cache-Control: no-store\r\n",
                      "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>",
                      0};
    const tls_opts_t o = {1, "h2", 900, 5000, 3};
    tcp_t s;
    t = dns_resolve(t, alice, 0, srv, "captive-cdn.origin-apple.com.akadns.net");
    tcp_open(&s, alice, srv, 0, 80, t);
    http_exchange(&s, srv->name, &h, rnd_range(100, 500));
    tcp_close(&s, CLI, rnd_range(100000, 400000));
    t = dns_resolve(s.t + rnd_range(500000, 2000000), alice, 0, node("gateway.icloud.com"), NULL);
    tls_session(t, alice, node("gateway.icloud.com"), 0, &o);
}

static void sc_github_api(uint64_t t)
{
    const tls_opts_t o = {1, "h2", 300, 22000, 2};
    t = dns_resolve(t, node("dev-ws"), 0, node("api.github.com"), NULL);
    tls_session(t, node("dev-ws"), node("api.github.com"), 0, &o);
}

static void sc_ntp(uint64_t t) /* chrony on dev-ws polls a pool server every 64 s */
{
    node_t *dev = node("dev-ws"), *srv = node("2.debian.pool.ntp.org");
    t = dns_lookup(t, dev, 0, srv, 1, NULL);
    t = ntp_exchange(t + rnd_range(500, 3000), dev, srv);
    ntp_exchange(t + rnd_range(64000000, 65000000), dev, srv);
}

static void sc_ssh_nas(uint64_t t)
{
    static const char *const cmds[] = {"uptime",
                                       "df -h /volume1",
                                       "ls -la backups",
                                       "sudo systemctl status smbd",
                                       "tail -n 20 /var/log/messages",
                                       NULL};
    ssh_session(t, node("dev-ws"), node("nas"), "SSH-2.0-OpenSSH_8.2\r\n", cmds, 0);
}

static void sc_google(uint64_t t)
{
    node_t *carol = node("carol-x1");
    const tls_opts_t o = {1, "h2", 700, 40000, 2};
    t = dns_resolve(t, carol, 0, node("www.google.com"), NULL);
    t = tls_session(t, carol, node("www.google.com"), 0, &o);
    ping(t + rnd_range(1000000, 3000000), carol, node("dns.google"), 0, 4);
}

static void sc_microsoft(uint64_t t) /* TLS 1.2 with session resumption */
{
    node_t *bob = node("bob-pc"), *srv = node("login.microsoftonline.com");
    const tls_opts_t o = {0, "http/1.1", 1200, 9000, 2};
    t = dns_resolve(t, bob, 0, srv, "login.mso.msidentity.com");
    tls_session(t, bob, srv, 0, &o);
}

static void sc_vlan_camera(uint64_t t) /* camera on VLAN 20: ARP, DNS, NTP, ping */
{
    node_t *cam = node("cam-lobby"), *gw20 = node("gateway-vlan20");
    t = arp_resolve(t, cam, gw20, 0);
    t = dns_lookup(t + rnd_range(200, 2000), cam, 0, node("time.cloudflare.com"), 1, NULL);
    t = ntp_exchange(t + rnd_range(500, 3000), cam, node("time.cloudflare.com"));
    ping(t + rnd_range(3000000, 5000000), cam, gw20, 0, 2);
}

static void sc_apt(uint64_t t)
{
    node_t *dev = node("dev-ws"), *srv = node("deb.debian.org");
    const char *ua = "Debian APT-HTTP/1.3 (2.6.1)";
    const http_t rel = {"/debian/dists/bookworm/InRelease",
                        ua,
                        "*/*",
                        "If-Modified-Since: Sat, 10 Feb 2024 10:02:41 GMT\r\n",
                        304,
                        "Apache",
                        NULL,
                        "Age: 1520\r\nVia: 1.1 varnish\r\n",
                        "",
                        0};
    const http_t deb = {"/debian/pool/main/c/curl/curl_7.88.1-10%2bdeb12u5_amd64.deb",
                        ua,
                        "*/*",
                        NULL,
                        200,
                        "Apache",
                        "application/vnd.debian.binary-package",
                        "Age: 86012\r\nVia: 1.1 varnish\r\n",
                        "!<arch>\ndebian-binary   ",
                        rnd_range(280000, 340000)};
    tcp_t s;
    t = dns_resolve(t, dev, 0, srv, "debian.map.fastlydns.net");
    tcp_open(&s, dev, srv, 0, 80, t);
    http_exchange(&s, srv->name, &rel, rnd_range(100, 500));
    http_exchange(&s, srv->name, &deb, rnd_range(300000, 900000));
    tcp_close(&s, CLI, rnd_range(1000, 5000));
}

static void sc_ipv6(uint64_t t) /* NDP, DNS over IPv6, HTTP and TLS over IPv6, ping6 */
{
    node_t *carol = node("carol-x1"), *srv = node("www.example.org");
    const http_t h = {"/",
                      UA_FIREFOX,
                      ACCEPT_HTML,
                      "Upgrade-Insecure-Requests: 1\r\n",
                      301,
                      "nginx/1.24.0",
                      "text/html",
                      "Location: https://www.example.org/\r\n",
                      "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n"
                      "<center><h1>301 Moved Permanently</h1></center>\r\n</body>\r\n</html>\r\n",
                      0};
    const tls_opts_t o = {1, "h2", 500, 18000, 2};
    tcp_t s;
    t = ndp_resolve(t, carol, node("gateway"), 0);
    t = ndp_resolve(t + rnd_range(1000, 5000), carol, node("resolver"), 1);
    t = dns_resolve(t + rnd_range(200, 1000), carol, 1, srv, NULL);
    tcp_open(&s, carol, srv, 1, 80, t);
    http_exchange(&s, srv->name, &h, rnd_range(100, 500));
    t = tls_session(s.t + rnd_range(5000, 20000), carol, srv, 1, &o);
    tcp_close(&s, CLI, (uint32_t)(t - s.t) + rnd_range(100000, 500000));
    ping(t + rnd_range(1000000, 2000000), carol, srv, 1, 3);
}

static void sc_git_fetch(uint64_t t)
{
    node_t *dev = node("dev-ws"), *srv = node("github.com");
    t = dns_resolve(t, dev, 0, srv, NULL);
    ssh_session(t, dev, srv, "SSH-2.0-babeld-5c5c0a9c\r\n", NULL, rnd_range(60000, 120000));
}

static void sc_download(uint64_t t)
{
    node_t *alice = node("alice-mbp"), *srv = node("objects.githubusercontent.com");
    const tls_opts_t o = {1, "http/1.1", 800, 420000, 1};
    t = dns_resolve(t, alice, 0, srv, NULL);
    tls_session(t, alice, srv, 0, &o);
}

static void sc_neverssl(uint64_t t)
{
    node_t *carol = node("carol-x1"), *srv = node("neverssl.com");
    const http_t h = {"/",
                      UA_FIREFOX,
                      ACCEPT_HTML,
                      NULL,
                      200,
                      "Apache/2.4.58 ()",
                      "text/html; charset=UTF-8",
                      "Last-Modified: Wed, 29 Jun 2022 00:23:33 GMT\r\n",
                      "",
                      rnd_range(2400, 3200)};
    tcp_t s;
    t = dns_resolve(t, carol, 0, srv, NULL);
    tcp_open(&s, carol, srv, 0, 80, t);
    http_exchange(&s, srv->name, &h, rnd_range(100, 500));
    tcp_close(&s, SRV, rnd_range(5000000, 5100000)); /* server keep-alive timeout */
}

static void sc_nas_update(uint64_t t)
{
    node_t *nas = node("nas"), *srv = node("update7.synology.com");
    const tls_opts_t o = {0, "http/1.1", 400, 2500, 1};
    t = dns_resolve(t, nas, 0, srv, NULL);
    tls_session(t, nas, srv, 0, &o);
}

static const struct {
    uint32_t at_ms; /* offset into the two-minute round */
    void (*run)(uint64_t t);
} SCENARIOS[] = {
    {50,     sc_lan_startup   },
    {600,    sc_web_example   },
    {2500,   sc_captive_portal},
    {4000,   sc_github_api    },
    {6000,   sc_ntp           },
    {9000,   sc_ssh_nas       },
    {10000,  sc_arp_refresh   },
    {13000,  sc_google        },
    {21000,  sc_microsoft     },
    {26000,  sc_vlan_camera   },
    {31000,  sc_apt           },
    {41000,  sc_ipv6          },
    {52000,  sc_git_fetch     },
    {61000,  sc_download      },
    {72000,  sc_neverssl      },
    {80000,  sc_arp_refresh   },
    {83000,  sc_nas_update    },
    {94000,  sc_github_api    },
    {100000, sc_google        },
    {107000, sc_web_example   },
    {112000, sc_vlan_camera   },
};

/* ---- Command line ----------------------------------------------------------------------- */

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: " PROG " [-o FILE] [-s SEED] [-n SCALE]\n"
            "Write a deterministic demo capture (pcap, Ethernet) of a small office network.\n\n"
            "  -o, --output FILE  output file, '-' for standard output (default: demo.pcap)\n"
            "  -s, --seed SEED    seed of the pseudo-random generator (default: 1)\n"
            "  -n, --scale SCALE  repeat the two-minute traffic pattern SCALE times,\n"
            "                     1..%lu (default: 1)\n"
            "  -h, --help         show this help and exit\n\n"
            "The same seed and scale always produce a byte-identical file.\n",
            MAX_SCALE);
}

__attribute__((noreturn)) static void usage_error(const char *what, const char *arg)
{
    fprintf(stderr, PROG ": %s '%s'\nTry '" PROG " --help' for more information.\n", what, arg);
    exit(2);
}

static unsigned long long parse_num(const char *opt, const char *s, unsigned long long min,
                                    unsigned long long max)
{
    char *end, what[96];
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *s == '-' || *end || errno || v < min || v > max) {
        snprintf(what, sizeof(what), "invalid value for %s (expected %llu..%llu):", opt, min, max);
        usage_error(what, s);
    }
    return v;
}

int main(int argc, char **argv)
{
    const char *out = "demo.pcap";
    uint64_t seed = 1;
    unsigned long scale = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        int o = !strcmp(a, "-o") || !strcmp(a, "--output")  ? 'o'
                : !strcmp(a, "-s") || !strcmp(a, "--seed")  ? 's'
                : !strcmp(a, "-n") || !strcmp(a, "--scale") ? 'n'
                                                            : 0;
        if (!o)
            usage_error(a[0] == '-' ? "unknown option" : "unexpected argument", a);
        if (i + 1 >= argc)
            usage_error("missing argument for option", a);
        const char *v = argv[++i];
        if (o == 'o')
            out = v;
        else if (o == 's')
            seed = parse_num(a, v, 0, UINT64_MAX);
        else
            scale = (unsigned long)parse_num(a, v, 1, MAX_SCALE);
    }
    if (!*out)
        usage_error("invalid output file", out);

    int to_stdout = !strcmp(out, "-");
    FILE *fp = to_stdout ? stdout : fopen(out, "wb");
    if (!fp)
        die("cannot open '%s' for writing: %s", out, strerror(errno));
    g_out_file = to_stdout ? NULL : out;
    g_rng = seed;
    nodes_init();
    pcap_header(fp);
    for (unsigned long r = 0; r < scale; r++) {
        uint64_t base = EPOCH_US + r * ROUND_US;
        for (size_t i = 0; i < sizeof(SCENARIOS) / sizeof(SCENARIOS[0]); i++)
            SCENARIOS[i].run(base + SCENARIOS[i].at_ms * 1000ULL + rnd_range(0, 400000));
        flush_before(fp, base + ROUND_US);
    }
    flush_before(fp, UINT64_MAX);
    free(g_rec);
    if (fflush(fp) != 0 || ferror(fp) || (!to_stdout && fclose(fp) != 0))
        die("error writing '%s': %s", out, strerror(errno));
    fprintf(stderr, PROG ": wrote %llu packets to %s\n", (unsigned long long)g_written,
            to_stdout ? "standard output" : out);
    return 0;
}
