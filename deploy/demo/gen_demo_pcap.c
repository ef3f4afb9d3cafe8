/*
 * gen_demo_pcap.c - deterministic generator of the ntop-probe demo capture.
 *
 * Writes a classic pcap file (microsecond timestamps, LINKTYPE_ETHERNET) holding about two
 * minutes of traffic of a small office network (192.168.10.0/24, a camera on VLAN 20, IPv6 in
 * 2001:db8::/32): ARP, DNS, HTTP/1.1, TLS 1.2/1.3, SSH, ICMP, ICMPv6/NDP, NTP. Every packet is
 * built by hand with correct checksums and consistent TCP sequence numbers. All randomness
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

#define PROG        "gen-demo-pcap"
#define EPOCH_US    (1714557600ULL * 1000000ULL) /* 2024-05-01 10:00:00 UTC */
#define ROUND_US    120000000ULL                 /* one traffic round lasts two minutes */
#define MAX_SCALE   1000UL
#define MAX_FRAME   1600
#define MIN_FRAME   60
#define P_ICMP      1
#define P_TCP       6
#define P_UDP       17
#define P_ICMP6     58
#define T_FIN       0x01
#define T_SYN       0x02
#define T_PSH       0x08
#define T_ACK       0x10
#define TCP_WSCALE  7
#define TCP_WIN_RAW 501 /* post-handshake window field: 501 << 7 = 64128 bytes */

/* ------------------------------------------------------------------------------------------ */
/* Utilities: errors, PRNG, growable byte buffer                                              */

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, PROG ": ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static uint64_t g_rng;

static uint64_t rnd64(void)
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
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd64();
}

static uint32_t react(void) /* reaction time of a host next to the capture point */
{
    return rnd_range(25, 90);
}

typedef struct {
    uint8_t *p;
    size_t n, cap;
} dbuf_t;

static uint8_t *db_grow(dbuf_t *d, size_t n)
{
    if (d->n + n > d->cap) {
        size_t cap = d->cap ? d->cap : 256;
        while (cap < d->n + n)
            cap *= 2;
        uint8_t *p = realloc(d->p, cap);
        if (!p)
            die("out of memory");
        d->p = p;
        d->cap = cap;
    }
    d->n += n;
    return d->p + d->n - n;
}

static void db_u8(dbuf_t *d, unsigned v)
{
    *db_grow(d, 1) = (uint8_t)v;
}

static void db_u16(dbuf_t *d, unsigned v)
{
    db_u8(d, v >> 8);
    db_u8(d, v);
}

static void db_u32(dbuf_t *d, uint32_t v)
{
    db_u16(d, v >> 16);
    db_u16(d, v & 0xffff);
}

static void db_mem(dbuf_t *d, const void *p, size_t n)
{
    if (n)
        memcpy(db_grow(d, n), p, n);
}

static void db_str(dbuf_t *d, const char *s)
{
    db_mem(d, s, strlen(s));
}

static void db_rand(dbuf_t *d, size_t n)
{
    rnd_fill(db_grow(d, n), n);
}

/* Back-patch a big-endian length field of 2 or 3 bytes at off. */
static void db_patch(dbuf_t *d, size_t off, int bytes, size_t v)
{
    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        d->p[off + (size_t)i] = (uint8_t)v;
}

__attribute__((format(printf, 2, 3))) static void db_printf(dbuf_t *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("internal: bad format");
    char *p = (char *)db_grow(d, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    d->n--; /* drop the terminating NUL */
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* ------------------------------------------------------------------------------------------ */
/* Packet store and pcap writer                                                               */

typedef struct {
    uint64_t ts;
    uint32_t order, len;
    uint8_t *data;
} rec_t;

static rec_t *g_rec;
static size_t g_nrec, g_caprec;
static uint32_t g_order;
static uint64_t g_last_ts, g_written;

static void emit(uint64_t ts, const uint8_t *frame, size_t len)
{
    if (g_nrec == g_caprec) {
        g_caprec = g_caprec ? g_caprec * 2 : 4096;
        g_rec = realloc(g_rec, g_caprec * sizeof(*g_rec));
        if (!g_rec)
            die("out of memory");
    }
    size_t n = len < MIN_FRAME ? MIN_FRAME : len; /* pad short frames like a NIC does */
    rec_t *r = &g_rec[g_nrec++];
    r->data = calloc(1, n);
    if (!r->data)
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

static void le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void write_or_die(FILE *fp, const void *p, size_t n)
{
    if (fwrite(p, 1, n, fp) != n)
        die("write failed: %s", strerror(errno));
}

static void pcap_header(FILE *fp)
{
    uint8_t h[24] = {0};
    le32(h, 0xa1b2c3d4);
    h[4] = 2; /* version 2.4 */
    h[6] = 4;
    le32(h + 16, 262144); /* snaplen */
    le32(h + 20, 1);      /* LINKTYPE_ETHERNET */
    write_or_die(fp, h, sizeof(h));
}

/* Write, in time order, every stored packet earlier than `upto`, keeping the others. */
static void flush_before(FILE *fp, uint64_t upto)
{
    size_t i, keep = 0;
    qsort(g_rec, g_nrec, sizeof(*g_rec), rec_cmp);
    for (i = 0; i < g_nrec && g_rec[i].ts < upto; i++) {
        uint64_t ts = g_rec[i].ts > g_last_ts ? g_rec[i].ts : g_last_ts + 1; /* strictly rising */
        uint8_t h[16];
        le32(h, (uint32_t)(ts / 1000000));
        le32(h + 4, (uint32_t)(ts % 1000000));
        le32(h + 8, g_rec[i].len);
        le32(h + 12, g_rec[i].len);
        write_or_die(fp, h, sizeof(h));
        write_or_die(fp, g_rec[i].data, g_rec[i].len);
        free(g_rec[i].data);
        g_last_ts = ts;
        g_written++;
    }
    for (; i < g_nrec; i++)
        g_rec[keep++] = g_rec[i];
    g_nrec = keep;
}

/* ------------------------------------------------------------------------------------------ */
/* Network model: hosts on the LAN and servers behind the gateway                             */

enum { OS_LINUX, OS_WINDOWS, OS_MACOS };

typedef struct {
    const char *name; /* host name; DNS name for remote servers */
    const char *mac;  /* NULL for remote nodes: they are reached through the gateway */
    const char *ip4;
    const char *ip6; /* NULL, a literal address, or "slaac" for 2001:db8:10::/64 + EUI-64 */
    uint16_t vlan;
    uint8_t ttl;     /* TTL / hop limit of its packets as seen at the capture point */
    uint32_t rtt_us; /* its share of the round-trip time seen from the capture point */
    int os;
    /* derived at start-up */
    int has6;
    uint8_t hw[6], a4[4], a6[16], ll6[16];
    uint32_t ip_id, port;
} node_t;

enum {
    N_GW, N_GW20, N_DNS, N_ALICE, N_BOB, N_CAROL, N_DEV, N_NAS, N_PRINTER, N_CAM,
    N_EXAMPLE, N_EXAMPLE6, N_GH_API, N_GH_GIT, N_GH_OBJ, N_GOOGLE, N_GDNS, N_MSFT, N_APPLE,
    N_ICLOUD, N_NEVERSSL, N_DEBIAN, N_NTP_POOL, N_CF_NTP, N_QUAD9, N_SYNO, N_COUNT
};

static node_t g_node[N_COUNT] = {
    [N_GW] = {"gateway", "00:0d:b9:4a:1c:01", "192.168.10.1", "2001:db8:10::1", 0, 64, 120},
    [N_GW20] = {"gateway-vlan20", "00:0d:b9:4a:1c:01", "192.168.20.1", NULL, 20, 64, 120},
    [N_DNS] = {"resolver", "b8:27:eb:5a:3e:21", "192.168.10.2", "2001:db8:10::53", 0, 64, 180},
    [N_ALICE] = {"alice-mbp", "3c:22:fb:81:4e:0a", "192.168.10.11", "slaac", 0, 64, 1400, OS_MACOS},
    [N_BOB] = {"bob-pc", "f8:b1:56:2c:77:10", "192.168.10.12", NULL, 0, 128, 150, OS_WINDOWS},
    [N_CAROL] = {"carol-x1", "8c:16:45:d2:09:b3", "192.168.10.13", "slaac", 0, 64, 900},
    [N_DEV] = {"dev-ws", "a4:bb:6d:10:42:7e", "192.168.10.14", "slaac", 0, 64, 140},
    [N_NAS] = {"nas", "00:11:32:9f:0c:55", "192.168.10.20", NULL, 0, 64, 160},
    [N_PRINTER] = {"printer", "3c:d9:2b:6e:11:f0", "192.168.10.30", NULL, 0, 64, 300},
    [N_CAM] = {"cam-lobby", "44:19:b6:07:3a:9c", "192.168.20.50", NULL, 20, 64, 250},
    [N_EXAMPLE] = {"www.example.com", NULL, "93.184.216.34", NULL, 0, 55, 44000},
    [N_EXAMPLE6] = {"www.example.org", NULL, "93.184.215.14", "2001:db8:5000::17", 0, 55, 41000},
    [N_GH_API] = {"api.github.com", NULL, "140.82.121.6", NULL, 0, 52, 16000},
    [N_GH_GIT] = {"github.com", NULL, "140.82.121.3", NULL, 0, 52, 16000},
    [N_GH_OBJ] = {"objects.githubusercontent.com", NULL, "185.199.108.133", NULL, 0, 58, 5200},
    [N_GOOGLE] = {"www.google.com", NULL, "142.250.185.68", NULL, 0, 117, 5600},
    [N_GDNS] = {"dns.google", NULL, "8.8.8.8", NULL, 0, 117, 5100},
    [N_MSFT] = {"login.microsoftonline.com", NULL, "40.126.32.134", NULL, 0, 110, 12500},
    [N_APPLE] = {"captive.apple.com", NULL, "17.253.53.207", NULL, 0, 57, 9000},
    [N_ICLOUD] = {"gateway.icloud.com", NULL, "17.248.190.66", NULL, 0, 57, 9500},
    [N_NEVERSSL] = {"neverssl.com", NULL, "34.223.124.45", NULL, 0, 40, 78000},
    [N_DEBIAN] = {"deb.debian.org", NULL, "151.101.130.132", NULL, 0, 58, 4800},
    [N_NTP_POOL] = {"2.debian.pool.ntp.org", NULL, "195.201.19.162", NULL, 0, 56, 7000},
    [N_CF_NTP] = {"time.cloudflare.com", NULL, "162.159.200.1", NULL, 0, 58, 4500},
    [N_QUAD9] = {"dns.quad9.net", NULL, "9.9.9.9", NULL, 0, 58, 5000},
    [N_SYNO] = {"update7.synology.com", NULL, "52.28.14.203", NULL, 0, 233, 19000},
};

#define NODE(id) (&g_node[id])

static void eui64(uint8_t *dst8, const uint8_t *mac)
{
    const uint8_t e[8] = {mac[0] ^ 2, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]};
    memcpy(dst8, e, 8);
}

static void nodes_init(void)
{
    for (int i = 0; i < N_COUNT; i++) {
        node_t *n = &g_node[i];
        const char *mac = n->mac ? n->mac : g_node[N_GW].mac;
        if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &n->hw[0], &n->hw[1], &n->hw[2],
                   &n->hw[3], &n->hw[4], &n->hw[5]) != 6 ||
            inet_pton(AF_INET, n->ip4, n->a4) != 1)
            die("internal: bad address of node %s", n->name);
        if (n->mac) { /* local: link-local address from the MAC */
            n->ll6[0] = 0xfe;
            n->ll6[1] = 0x80;
            eui64(n->ll6 + 8, n->hw);
        }
        if (n->ip6 && !strcmp(n->ip6, "slaac")) {
            inet_pton(AF_INET6, "2001:db8:10::", n->a6);
            eui64(n->a6 + 8, n->hw);
            n->has6 = 1;
        } else if (n->ip6) {
            if (inet_pton(AF_INET6, n->ip6, n->a6) != 1)
                die("internal: bad IPv6 address of node %s", n->name);
            n->has6 = 1;
        }
        n->ip_id = (uint16_t)rnd64();
        n->port = 0;
    }
}

static uint16_t next_port(node_t *n) /* ephemeral port allocation, per OS range */
{
    uint32_t lo = n->os == OS_WINDOWS ? 49152 : 32768, hi = n->os == OS_WINDOWS ? 65535 : 60999;
    n->port += rnd_range(1, 9);
    if (n->port < lo || n->port > hi)
        n->port = rnd_range(lo, lo + (hi - lo) / 2);
    return (uint16_t)n->port;
}

/* ------------------------------------------------------------------------------------------ */
/* Layer 2 / layer 3 framing                                                                  */

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
    if (vlan) {
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
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* Emit an IPv4/IPv6 packet carrying `l4`; the checksum at l4[csum_off] is computed here. */
static void send_l3(uint64_t ts, const l3_t *h, uint8_t proto, const uint8_t *l4, size_t len,
                    size_t csum_off)
{
    uint8_t f[MAX_FRAME];
    size_t n = eth_header(f, h->dmac, h->smac, h->vlan, h->v6 ? 0x86dd : 0x0800);
    uint8_t *ip = f + n;
    size_t alen = h->v6 ? 16 : 4, ihl = h->v6 ? 40 : 20;
    if (n + ihl + len > sizeof(f))
        die("internal: frame too large (%zu bytes)", len);
    if (h->v6) {
        put32(ip, 0x60000000);
        put16(ip + 4, (unsigned)len);
        ip[6] = proto;
        ip[7] = h->ttl;
        memcpy(ip + 8, h->sip, 16);
        memcpy(ip + 24, h->dip, 16);
    } else {
        ip[0] = 0x45;
        ip[1] = 0;
        put16(ip + 2, (unsigned)(20 + len));
        put16(ip + 4, h->id);
        put16(ip + 6, proto == P_ICMP ? 0 : 0x4000); /* DF */
        ip[8] = h->ttl;
        ip[9] = proto;
        put16(ip + 10, 0);
        memcpy(ip + 12, h->sip, 4);
        memcpy(ip + 16, h->dip, 4);
        put16(ip + 10, fold(sum16(0, ip, 20)));
    }
    uint8_t *p = ip + ihl;
    memcpy(p, l4, len);
    put16(p + csum_off, 0);
    uint32_t s = 0;
    if (proto != P_ICMP) { /* pseudo header */
        uint8_t ph[8] = {0};
        put32(ph, (uint32_t)len);
        ph[7] = proto;
        s = sum16(sum16(s, h->sip, alen), h->dip, alen);
        s = h->v6 ? sum16(s, ph, 8) : sum16(s, ph + 2, 6);
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
    put16(l4 + 4, (unsigned)(len + 8));
    memcpy(l4 + 8, data, len);
    l3_t h = l3_nodes(src, dst, v6);
    send_l3(ts, &h, P_UDP, l4, len + 8, 6);
}

/* ------------------------------------------------------------------------------------------ */
/* ARP, ICMP, ICMPv6                                                                          */

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t ZERO6[6] = {0};

static void arp_pkt(uint64_t ts, unsigned op, const node_t *s, const uint8_t *tmac,
                    const uint8_t *tip, const uint8_t *dmac)
{
    uint8_t f[MIN_FRAME];
    size_t n = eth_header(f, dmac, s->hw, s->vlan, 0x0806);
    const uint8_t hdr[8] = {0, 1, 8, 0, 6, 4, 0, (uint8_t)op};
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
    arp_pkt(t, 1, asker, ZERO6, target->a4, unicast ? target->hw : BCAST);
    t += asker->rtt_us + target->rtt_us + rnd_range(40, 400);
    arp_pkt(t, 2, target, asker->hw, asker->a4, asker->hw);
    return t;
}

static void icmp_echo_payload(uint8_t *p, uint64_t t, int windows)
{
    if (windows) { /* Windows ping: 32 bytes of the alphabet */
        for (int i = 0; i < 32; i++)
            p[i] = (uint8_t)('a' + i % 23);
        return;
    }
    memset(p, 0, 16); /* iputils ping: struct timeval (little-endian), then 0x10 0x11 ... */
    le32(p, (uint32_t)(t / 1000000));
    le32(p + 8, (uint32_t)(t % 1000000));
    for (int i = 16; i < 56; i++)
        p[i] = (uint8_t)i;
}

/* `count` echo request/reply pairs, one second apart, over IPv4 or IPv6. */
static uint64_t ping(uint64_t t, node_t *src, node_t *dst, int v6, int count)
{
    int win = src->os == OS_WINDOWS;
    uint16_t id = win ? 1 : (uint16_t)rnd_range(1000, 60000);
    size_t len = 8 + (win ? 32 : 56);
    for (int seq = 1; seq <= count; seq++, t += 1000000 + rnd_range(0, 900)) {
        uint8_t m[64];
        m[0] = v6 ? 128 : 8;
        m[1] = 0;
        put16(m + 4, id);
        put16(m + 6, (unsigned)seq);
        icmp_echo_payload(m + 8, t, win);
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

static void ndp_option(uint8_t *o, uint8_t type, const uint8_t *mac)
{
    o[0] = type;
    o[1] = 1;
    memcpy(o + 2, mac, 6);
}

/* Neighbour solicitation for `target` (its link-local or global address) and its answer. */
static uint64_t ndp_resolve(uint64_t t, const node_t *src, const node_t *target, int global)
{
    const uint8_t *taddr = global ? target->a6 : target->ll6;
    uint8_t mc[16] = {0xff, 2, [11] = 1, [12] = 0xff, taddr[13], taddr[14], taddr[15]};
    uint8_t mmac[6] = {0x33, 0x33, 0xff, taddr[13], taddr[14], taddr[15]};
    uint8_t m[32] = {135};
    memcpy(m + 8, taddr, 16);
    ndp_option(m + 24, 1, src->hw);
    send_icmp6(t, src, mmac, src->ll6, mc, m, 32);
    t += src->rtt_us + target->rtt_us + rnd_range(50, 500);
    m[0] = 136;
    m[4] = target == NODE(N_GW) ? 0xe0 : 0x60; /* Router, Solicited, Override */
    ndp_option(m + 24, 2, target->hw);
    send_icmp6(t, target, src->hw, target->ll6, src->ll6, m, 32);
    return t;
}

/* Router solicitation from `host`, router advertisement of 2001:db8:10::/64 from the gateway. */
static uint64_t ndp_router_discovery(uint64_t t, const node_t *host)
{
    const node_t *gw = NODE(N_GW);
    const uint8_t all_routers[16] = {0xff, 2, [15] = 2}, all_nodes[16] = {0xff, 2, [15] = 1};
    const uint8_t mac_routers[6] = {0x33, 0x33, 0, 0, 0, 2}, mac_nodes[6] = {0x33, 0x33, 0, 0, 0, 1};
    uint8_t rs[16] = {133};
    ndp_option(rs + 8, 1, host->hw);
    send_icmp6(t, host, mac_routers, host->ll6, all_routers, rs, 16);
    t += rnd_range(2000, 30000);
    uint8_t ra[16 + 8 + 8 + 32 + 24] = {134, 0, 0, 0, 64, 0, 0x07, 0x08}; /* lifetime 1800 */
    uint8_t *o = ra + 16;
    ndp_option(o, 1, gw->hw);
    o += 8;
    const uint8_t mtu[8] = {5, 1, 0, 0, 0, 0, 0x05, 0xdc};
    memcpy(o, mtu, 8);
    o += 8;
    const uint8_t pfx[16] = {3, 4, 64, 0xc0, 0, 1, 0x51, 0x80, 0, 0, 0x38, 0x40}; /* 86400/14400 */
    memcpy(o, pfx, 16);
    memcpy(o + 16, gw->a6, 8); /* prefix 2001:db8:10::/64 */
    o += 32;
    const uint8_t rdnss[8] = {25, 3, 0, 0, 0, 0, 0x07, 0x08};
    memcpy(o, rdnss, 8);
    memcpy(o + 8, NODE(N_DNS)->a6, 16);
    send_icmp6(t, gw, mac_nodes, gw->ll6, all_nodes, ra, sizeof(ra));
    return t;
}

/* ------------------------------------------------------------------------------------------ */
/* DNS and NTP over UDP                                                                       */

static void dns_name(dbuf_t *d, const char *name)
{
    while (*name) {
        size_t l = strcspn(name, ".");
        db_u8(d, (unsigned)l);
        db_mem(d, name, l);
        name += l + (name[l] == '.');
    }
    db_u8(d, 0);
}

/* A query, or its answer: optional CNAME, then the A/AAAA record of `ans` if it has one. */
static void dns_msg(dbuf_t *d, uint16_t id, const char *qname, uint16_t qtype, const node_t *ans,
                    const char *cname)
{
    uint32_t ttl = rnd_range(30, 3600);
    size_t owner = 12, ancount = d->n + 6;
    db_u16(d, id);
    db_u16(d, ans ? 0x8180 : 0x0100);
    db_u16(d, 1);
    db_u16(d, 0);
    db_u16(d, 0);
    db_u16(d, 1);
    dns_name(d, qname);
    db_u16(d, qtype);
    db_u16(d, 1);
    unsigned an = 0;
    if (ans && cname) {
        db_u16(d, 0xc00c);
        db_u16(d, 5);
        db_u16(d, 1);
        db_u32(d, ttl);
        db_u16(d, (unsigned)strlen(cname) + 2);
        owner = d->n;
        dns_name(d, cname);
        an++;
    }
    if (ans && (qtype == 1 || ans->has6)) {
        db_u16(d, 0xc000 | (unsigned)owner);
        db_u16(d, qtype);
        db_u16(d, 1);
        db_u32(d, ttl);
        db_u16(d, qtype == 1 ? 4 : 16);
        db_mem(d, qtype == 1 ? ans->a4 : ans->a6, qtype == 1 ? 4 : 16);
        an++;
    }
    db_patch(d, ancount, 2, an);
    const uint8_t opt[11] = {0, 0, 41, 0x04, 0xd0}; /* EDNS0, 1232-byte UDP payload */
    db_mem(d, opt, sizeof(opt));
}

/* One query/response; a cache miss of the office resolver is forwarded to Quad9. */
static uint64_t dns_lookup(uint64_t t, node_t *cli, node_t *srv, int v6, const node_t *target,
                           uint16_t qtype, const char *cname)
{
    dbuf_t q = {0}, r = {0};
    uint16_t id = (uint16_t)rnd64(), sport = next_port(cli);
    dns_msg(&q, id, target->name, qtype, NULL, NULL);
    send_udp(t, cli, srv, v6, sport, 53, q.p, q.n);
    t += cli->rtt_us + srv->rtt_us + rnd_range(100, 700);
    if (srv == NODE(N_DNS) && rnd_range(0, 2) == 0) {
        uint16_t fid = (uint16_t)rnd64(), fport = next_port(srv);
        dns_msg(&r, fid, target->name, qtype, NULL, NULL);
        send_udp(t, srv, NODE(N_QUAD9), 0, fport, 53, r.p, r.n);
        r.n = 0;
        dns_msg(&r, fid, target->name, qtype, target, cname);
        t += srv->rtt_us + NODE(N_QUAD9)->rtt_us + rnd_range(500, 25000);
        send_udp(t, NODE(N_QUAD9), srv, 0, 53, fport, r.p, r.n);
        t += rnd_range(80, 300);
        r.n = 0;
    }
    dns_msg(&r, id, target->name, qtype, target, cname);
    send_udp(t, srv, cli, v6, 53, sport, r.p, r.n);
    free(q.p);
    free(r.p);
    return t;
}

/* A and AAAA lookups in parallel, as stub resolvers do; returns when both answered. */
static uint64_t dns_resolve(uint64_t t, node_t *cli, node_t *srv, int v6, const node_t *target,
                            const char *cname)
{
    uint64_t a = dns_lookup(t, cli, srv, v6, target, 1, cname);
    uint64_t b = dns_lookup(t + rnd_range(40, 300), cli, srv, v6, target, 28, cname);
    return (a > b ? a : b) + rnd_range(100, 2000);
}

static void ntp_ts(uint8_t *p, uint64_t t)
{
    put32(p, (uint32_t)(t / 1000000 + 2208988800ULL));
    put32(p + 4, (uint32_t)(((t % 1000000) << 32) / 1000000));
}

/* NTPv4 client request (mode 3) and server response (mode 4). */
static uint64_t ntp_exchange(uint64_t t, node_t *cli, node_t *srv)
{
    uint8_t m[48] = {0x23, 0, 6, 0xe9};
    uint16_t sport = next_port(cli);
    ntp_ts(m + 40, t);
    send_udp(t, cli, srv, 0, sport, 123, m, 48);
    uint64_t rx = t + cli->rtt_us + srv->rtt_us / 2, tr = t + cli->rtt_us + srv->rtt_us;
    uint8_t r[48] = {0x24, 3, 6, 0xe7, 0, 0, 0x02, 0x1a, 0, 0, 0x01, 0x3c, 10, 19, 8, 4};
    ntp_ts(r + 16, t - rnd_range(1000000, 60000000)); /* reference */
    memcpy(r + 24, m + 40, 8);                        /* origin = client transmit */
    ntp_ts(r + 32, rx);
    ntp_ts(r + 40, rx + rnd_range(10, 60));
    send_udp(tr + rnd_range(0, 400), srv, cli, 0, 123, sport, r, 48);
    return tr;
}

/* ------------------------------------------------------------------------------------------ */
/* TCP session helper                                                                         */

enum { CLI = 0, SRV = 1 };

typedef struct {
    node_t *node;
    uint16_t port;
    uint32_t seq; /* next sequence number this side sends */
} tcp_end_t;

typedef struct {
    tcp_end_t e[2];
    int v6, last; /* last: side that sent the latest packet */
    uint16_t mss;
    uint64_t t;   /* capture time of the latest packet */
    uint32_t rtt; /* client <-> server round trip as seen from the capture point */
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
    put16(l4 + 14, flags & T_SYN ? (side == CLI ? 64240 : 65160) : TCP_WIN_RAW);
    if (flags & T_SYN) { /* MSS, NOP, window scale, NOP, NOP, SACK permitted */
        const uint8_t opt[12] = {2, 4, s->mss >> 8, s->mss & 0xff, 1, 3, 3, TCP_WSCALE, 1, 1, 4, 2};
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

/* Capture time at which `side` can send next: packets of the remote server show up one RTT
 * after the client's, the local client reacts within microseconds; plus application time. */
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
    /* pace bulk data so that a window's worth takes at least one RTT (64 KB window) */
    s->gap = s->rtt * 1460u / 48000u;
    if (s->gap < 130)
        s->gap = 130;
    s->t = t;
    tcp_seg(s, CLI, t, T_SYN, NULL, 0);
    tcp_seg(s, SRV, tcp_next(s, SRV, rnd_range(5, 60)), T_SYN | T_ACK, NULL, 0);
    tcp_seg(s, CLI, tcp_next(s, CLI, 0), T_ACK, NULL, 0);
}

/* `side` sends `len` bytes in MSS-sized segments; the receiver acknowledges every second
 * segment and, if ack_last, the final one (else its next data segment carries the ACK). */
static void tcp_send(tcp_t *s, int side, const uint8_t *data, size_t len, uint32_t think,
                     int ack_last)
{
    int rcv = !side;
    uint64_t t = tcp_next(s, side, think);
    for (size_t off = 0, nseg = 1; off < len; nseg++, t += s->gap) {
        size_t n = len - off < s->mss ? len - off : s->mss;
        off += n;
        tcp_seg(s, side, t, T_ACK | (off == len ? T_PSH : 0), data + off - n, n);
        if (nseg % 2 == 0 || (off == len && ack_last))
            tcp_seg(s, rcv, t + (rcv == SRV ? s->rtt : react()), T_ACK, NULL, 0);
    }
}

static void tcp_close(tcp_t *s, int side, uint32_t think)
{
    tcp_seg(s, side, tcp_next(s, side, think), T_FIN | T_ACK, NULL, 0);
    tcp_seg(s, !side, tcp_next(s, !side, rnd_range(20, 300)), T_FIN | T_ACK, NULL, 0);
    tcp_seg(s, side, tcp_next(s, side, 0), T_ACK, NULL, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* HTTP/1.1                                                                                   */

static const char *const UA_EDGE =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0";
static const char *const UA_FIREFOX =
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
static const char *const ACCEPT_HTML =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

typedef struct {
    const char *path, *ua, *accept, *req_extra;
    int status;
    const char *server, *ctype, *resp_extra;
    const char *body; /* len == 0: the body; else a page (text/html) or binary with this head */
    size_t len;
} http_t;

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

static void http_body(dbuf_t *d, const http_t *h)
{
    if (!h->len) {
        db_str(d, h->body);
    } else if (!strncmp(h->ctype, "text/html", 9)) {
        size_t end = d->n + h->len;
        db_str(d, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>NeverSSL - "
                  "Connecting ...</title></head>\n<body>\n<h1>NeverSSL</h1>\n");
        while (d->n + 120 < end)
            db_str(d, "<p>This website is for when you try to open Facebook, Google, Amazon, "
                      "etc on a wifi network, and nothing happens.</p>\n");
        while (d->n + 15 < end)
            db_u8(d, ' ');
        db_str(d, "</body></html>\n");
    } else {
        size_t m = strlen(h->body);
        db_mem(d, h->body, m);
        db_rand(d, h->len - m);
    }
}

static const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    default: return "Not Found";
    }
}

static void http_exchange(tcp_t *s, const char *host, const http_t *h, uint32_t think)
{
    dbuf_t d = {0}, body = {0};
    db_printf(&d,
              "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: %s\r\n%s"
              "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\n"
              "Connection: keep-alive\r\n\r\n",
              h->path, host, h->ua, h->accept, h->req_extra ? h->req_extra : "");
    tcp_send(s, CLI, d.p, d.n, think, 0);
    d.n = 0;
    char date[64];
    time_t now = (time_t)((s->t + s->rtt) / 1000000);
    struct tm tm;
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
    db_printf(&d, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: %s\r\n", h->status,
              http_reason(h->status), date, h->server);
    if (h->status != 304) {
        http_body(&body, h);
        db_printf(&d, "Content-Type: %s\r\nContent-Length: %zu\r\n", h->ctype, body.n);
    }
    db_printf(&d, "%sConnection: keep-alive\r\n\r\n", h->resp_extra ? h->resp_extra : "");
    db_mem(&d, body.p, body.n);
    tcp_send(s, SRV, d.p, d.n, rnd_range(300, 15000), 1);
    free(d.p);
    free(body.p);
}

/* ------------------------------------------------------------------------------------------ */
/* TLS                                                                                        */

static void tls_client_hello(dbuf_t *d, const char *sni, int offer13, const uint8_t *sid)
{
    static const uint16_t suites13[] = {0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9,
                                        0xcca8, 0xc02c, 0xc030, 0xc013, 0xc014, 0x009c,
                                        0x009d, 0x002f, 0x0035};
    static const uint16_t suites12[] = {0xc02c, 0xc02b, 0xc030, 0xc02f, 0xc024, 0xc023,
                                        0xc028, 0xc027, 0xc00a, 0xc009, 0xc014, 0xc013,
                                        0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f};
    static const uint16_t sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806,
                                       0x0601, 0x0201};
    const uint16_t *cs = offer13 ? suites13 : suites12;
    size_t ncs = offer13 ? sizeof(suites13) / 2 : sizeof(suites12) / 2, nl = strlen(sni);
    size_t rec = d->n;
    db_u8(d, 0x16);
    db_u16(d, 0x0301);
    db_u16(d, 0);
    size_t hs = d->n;
    db_u8(d, 1); /* client_hello */
    db_u8(d, 0);
    db_u16(d, 0);
    db_u16(d, 0x0303);
    db_rand(d, 32);
    db_u8(d, 32);
    db_mem(d, sid, 32);
    db_u16(d, (unsigned)ncs * 2);
    for (size_t i = 0; i < ncs; i++)
        db_u16(d, cs[i]);
    db_u16(d, 0x0100); /* compression: null */
    size_t ext = d->n;
    db_u16(d, 0);
    db_u16(d, 0x0000); /* server_name */
    db_u16(d, (unsigned)nl + 5);
    db_u16(d, (unsigned)nl + 3);
    db_u8(d, 0);
    db_u16(d, (unsigned)nl);
    db_str(d, sni);
    const uint8_t fixed[] = {
        0x00, 0x17, 0, 0,                                    /* extended_master_secret */
        0xff, 0x01, 0, 1, 0,                                 /* renegotiation_info */
        0x00, 0x0a, 0, 8, 0, 6, 0, 0x1d, 0, 0x17, 0, 0x18,   /* supported_groups */
        0x00, 0x0b, 0, 2, 1, 0,                              /* ec_point_formats */
        0x00, 0x23, 0, 0,                                    /* session_ticket */
        0x00, 0x10, 0, 14, 0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1',
        0x00, 0x05, 0, 5, 1, 0, 0, 0, 0,                     /* status_request */
    };
    db_mem(d, fixed, sizeof(fixed));
    db_u16(d, 0x000d); /* signature_algorithms */
    db_u16(d, (unsigned)sizeof(sigalgs) + 2);
    db_u16(d, (unsigned)sizeof(sigalgs));
    for (size_t i = 0; i < sizeof(sigalgs) / 2; i++)
        db_u16(d, sigalgs[i]);
    if (offer13) {
        const uint8_t ks[] = {0, 0x33, 0, 38, 0, 36, 0, 0x1d, 0, 32}; /* key_share x25519 */
        db_mem(d, ks, sizeof(ks));
        db_rand(d, 32);
        const uint8_t v[] = {0, 0x2d, 0, 2, 1, 1, 0, 0x2b, 0, 5, 4, 3, 4, 3, 3};
        db_mem(d, v, sizeof(v)); /* psk_key_exchange_modes, supported_versions 1.3 + 1.2 */
    }
    db_patch(d, ext, 2, d->n - ext - 2);
    db_patch(d, hs + 1, 3, d->n - hs - 4);
    db_patch(d, rec + 3, 2, d->n - rec - 5);
}

static void tls_server_hello(dbuf_t *d, const uint8_t *sid, int tls13, const char *alpn)
{
    size_t rec = d->n;
    db_u8(d, 0x16);
    db_u16(d, 0x0303);
    db_u16(d, 0);
    size_t hs = d->n;
    db_u32(d, 0x02000000); /* server_hello, length patched */
    db_u16(d, 0x0303);
    db_rand(d, 32);
    db_u8(d, 32);
    db_mem(d, sid, 32);
    db_u16(d, tls13 ? 0x1301 : 0xc02f);
    db_u8(d, 0);
    size_t ext = d->n;
    db_u16(d, 0);
    if (tls13) {
        const uint8_t e[] = {0, 0x2b, 0, 2, 3, 4, 0, 0x33, 0, 36, 0, 0x1d, 0, 32};
        db_mem(d, e, sizeof(e));
        db_rand(d, 32);
    } else {
        const uint8_t e[] = {0xff, 0x01, 0, 1, 0, 0, 0x17, 0, 0, 0, 0x0b, 0, 2, 1, 0};
        db_mem(d, e, sizeof(e));
        size_t n = strlen(alpn);
        db_u16(d, 0x0010);
        db_u16(d, (unsigned)n + 3);
        db_u16(d, (unsigned)n + 1);
        db_u8(d, (unsigned)n);
        db_str(d, alpn);
    }
    db_patch(d, ext, 2, d->n - ext - 2);
    db_patch(d, hs + 1, 3, d->n - hs - 4);
    db_patch(d, rec + 3, 2, d->n - rec - 5);
}

static void tls_record(dbuf_t *d, unsigned type, size_t len)
{
    db_u8(d, type);
    db_u16(d, 0x0303);
    db_u16(d, (unsigned)len);
    if (type == 0x14)
        db_u8(d, 1); /* change_cipher_spec */
    else
        db_rand(d, len);
}

/* `plain` bytes of application data as AEAD records (TLS 1.3: +type +tag; 1.2 GCM: nonce+tag) */
static void tls_app(dbuf_t *d, size_t plain, int tls13)
{
    while (plain) {
        size_t n = plain > 16384 ? 16384 : plain;
        tls_record(d, 0x17, n + (tls13 ? 17 : 24));
        plain -= n;
    }
}

typedef struct {
    int tls13;        /* 1: full TLS 1.3 handshake; 0: TLS 1.2 session resumption */
    const char *alpn; /* protocol chosen by the server (visible in TLS 1.2 only) */
    size_t req, resp; /* application bytes per request / response */
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
    tls_record(&d, v13 ? 0x17 : 0x16, v13 ? 53 : 40);
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

/* ------------------------------------------------------------------------------------------ */
/* SSH                                                                                        */

static const char SSH_CLIENT_BANNER[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
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
    db_u32(d, (uint32_t)n);
    db_mem(d, s, n);
}

/* Unencrypted binary packet: length, padding length, payload, random padding (8-aligned). */
static void ssh_packet(dbuf_t *d, const dbuf_t *pl)
{
    size_t pad = 8 - (5 + pl->n) % 8;
    if (pad < 4)
        pad += 8;
    db_u32(d, (uint32_t)(1 + pl->n + pad));
    db_u8(d, (unsigned)pad);
    db_mem(d, pl->p, pl->n);
    db_rand(d, pad);
}

static void ssh_kexinit(dbuf_t *d, int server)
{
    dbuf_t pl = {0};
    db_u8(&pl, 20); /* SSH_MSG_KEXINIT */
    db_rand(&pl, 16);
    char kex[512];
    snprintf(kex, sizeof(kex), "%s,%s", SSH_KEX,
             server ? "kex-strict-s-v00@openssh.com" : "ext-info-c,kex-strict-c-v00@openssh.com");
    ssh_string(&pl, kex, strlen(kex));
    const char *hk = server ? "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519"
                            : SSH_HOSTKEYS;
    ssh_string(&pl, hk, strlen(hk));
    for (int i = 0; i < 2; i++)
        ssh_string(&pl, SSH_CIPHERS, strlen(SSH_CIPHERS));
    for (int i = 0; i < 2; i++)
        ssh_string(&pl, SSH_MACS, strlen(SSH_MACS));
    for (int i = 0; i < 2; i++)
        ssh_string(&pl, "none,zlib@openssh.com", 21);
    db_u32(&pl, 0); /* languages */
    db_u32(&pl, 0);
    db_u8(&pl, 0);  /* first_kex_packet_follows */
    db_u32(&pl, 0); /* reserved */
    ssh_packet(d, &pl);
    free(pl.p);
}

/* ECDH init (client) or ECDH reply + NEWKEYS (server), curve25519 / ed25519 host key. */
static void ssh_ecdh(dbuf_t *d, int server)
{
    dbuf_t pl = {0};
    uint8_t key[64];
    db_u8(&pl, server ? 31 : 30);
    if (server) {
        db_u32(&pl, 51); /* K_S: ssh-ed25519 host key blob */
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
    }
    ssh_packet(d, &pl);
    if (server) {
        pl.n = 0;
        db_u8(&pl, 21); /* SSH_MSG_NEWKEYS */
        ssh_packet(d, &pl);
    }
    free(pl.p);
}

/* Encrypted packet (chacha20-poly1305): length(4) + 8-aligned body + 16-byte tag. */
static void ssh_enc(dbuf_t *d, size_t payload)
{
    db_rand(d, 4 + ((payload + 1 + 4 + 7) & ~(size_t)7) + 16);
}

/* `side` sends encrypted packets with the given payload sizes (0-terminated list). */
static void ssh_step(tcp_t *s, int side, const size_t *sizes, uint32_t think, int ack_last)
{
    dbuf_t d = {0};
    for (; *sizes; sizes++)
        ssh_enc(&d, *sizes);
    tcp_send(s, side, d.p, d.n, think, ack_last);
    free(d.p);
}

static void ssh_bulk(tcp_t *s, int side, size_t bytes, uint32_t think)
{
    dbuf_t d = {0};
    for (; bytes > 0; bytes -= bytes > 32768 ? 32768 : bytes)
        ssh_enc(&d, 9 + (bytes > 32768 ? 32768 : bytes));
    tcp_send(s, side, d.p, d.n, think, 1);
    free(d.p);
}

/* Identification banners, key exchange, then user authentication and a channel. */
static void ssh_handshake(tcp_t *s, const char *srv_banner)
{
    /* server: EXT_INFO + SERVICE_ACCEPT; client: USERAUTH none; server: FAILURE; client:
     * publickey query; server: PK_OK; client: signed request; server: SUCCESS; client:
     * CHANNEL_OPEN; server: hostkeys-00 global request + OPEN_CONFIRMATION */
    static const size_t s1[] = {230, 17, 0}, c2[] = {60, 0}, s2[] = {30, 0}, c3[] = {120, 0},
                        s3[] = {90, 0}, c4[] = {200, 0}, s4[] = {1, 0}, c5[] = {24, 0},
                        s5[] = {560, 17, 0};
    static const size_t *const steps[] = {s1, c2, s2, c3, s3, c4, s4, c5, s5};
    dbuf_t d = {0};
    db_str(&d, SSH_CLIENT_BANNER);
    tcp_send(s, CLI, d.p, d.n, rnd_range(100, 400), 0);
    d.n = 0;
    db_str(&d, srv_banner);
    tcp_send(s, SRV, d.p, d.n, rnd_range(500, 4000), 0);
    for (int side = CLI; side <= SRV; side++) {
        d.n = 0;
        ssh_kexinit(&d, side);
        tcp_send(s, side, d.p, d.n, rnd_range(100, 1500), 0);
    }
    for (int side = CLI; side <= SRV; side++) {
        d.n = 0;
        ssh_ecdh(&d, side);
        tcp_send(s, side, d.p, d.n, rnd_range(300, 3000), 0);
    }
    d.n = 0;
    const uint8_t newkeys[16] = {0, 0, 0, 12, 10, 21};
    db_mem(&d, newkeys, 16);
    ssh_enc(&d, 17); /* SERVICE_REQUEST ssh-userauth */
    tcp_send(s, CLI, d.p, d.n, rnd_range(100, 600), 0);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        ssh_step(s, i % 2 ? CLI : SRV, steps[i], rnd_range(200, 8000), i % 2 == 0);
    free(d.p);
}

/* Interactive shell: every keystroke is echoed by the server; Enter yields command output. */
static uint64_t ssh_shell(uint64_t t, node_t *cli, node_t *srv, const char *srv_banner,
                          const char *const *cmds)
{
    static const size_t key[] = {10, 0}, prompt[] = {70, 0};
    tcp_t s;
    tcp_open(&s, cli, srv, 0, 22, t);
    ssh_handshake(&s, srv_banner);
    const size_t setup[] = {60, 40, 20, 0};
    ssh_step(&s, CLI, setup, rnd_range(500, 3000), 0);
    ssh_bulk(&s, SRV, rnd_range(400, 900), rnd_range(1000, 20000)); /* motd */
    for (; *cmds; cmds++) {
        uint32_t pause = rnd_range(1000000, 4000000);
        for (const char *c = *cmds; *c; c++, pause = rnd_range(60000, 280000)) {
            ssh_step(&s, CLI, key, pause, 0);
            ssh_step(&s, SRV, key, rnd_range(50, 400), 1);
        }
        ssh_step(&s, CLI, key, rnd_range(80000, 300000), 0); /* Enter */
        ssh_bulk(&s, SRV, rnd_range(150, 4000), rnd_range(2000, 90000));
        ssh_step(&s, SRV, prompt, rnd_range(100, 2000), 1);
    }
    const size_t close[] = {9, 0}, fin[] = {9, 40, 16, 16, 0}; /* EOF, exit-status, CLOSE */
    ssh_step(&s, CLI, key, rnd_range(800000, 2000000), 0);      /* ^D */
    ssh_step(&s, SRV, fin, rnd_range(200, 3000), 0);
    ssh_step(&s, CLI, close, rnd_range(100, 500), 0);
    tcp_close(&s, CLI, rnd_range(100, 800));
    return s.t;
}

/* Non-interactive transfer, e.g. `git fetch` over SSH: exec, small request, bulk reply. */
static uint64_t ssh_transfer(uint64_t t, node_t *cli, node_t *srv, const char *srv_banner,
                             size_t bytes)
{
    tcp_t s;
    tcp_open(&s, cli, srv, 0, 22, t);
    ssh_handshake(&s, srv_banner);
    const size_t exec[] = {70, 0}, want[] = {480, 0}, done[] = {9, 40, 16, 0};
    ssh_step(&s, CLI, exec, rnd_range(300, 2000), 0);
    ssh_bulk(&s, SRV, rnd_range(1500, 4000), rnd_range(5000, 40000)); /* ref advertisement */
    ssh_step(&s, CLI, want, rnd_range(1000, 20000), 0);
    ssh_bulk(&s, SRV, bytes, rnd_range(20000, 200000)); /* pack */
    ssh_step(&s, SRV, done, rnd_range(100, 1000), 1);
    ssh_step(&s, CLI, done + 1, rnd_range(100, 1000), 0);
    tcp_close(&s, CLI, rnd_range(100, 800));
    return s.t;
}

/* ------------------------------------------------------------------------------------------ */
/* Scenarios: each starts at absolute time t (microseconds)                                   */

static void sc_lan_startup(uint64_t t)
{
    node_t *gw = NODE(N_GW);
    arp_pkt(t, 1, NODE(N_PRINTER), ZERO6, NODE(N_PRINTER)->a4, BCAST); /* gratuitous ARP */
    t = arp_resolve(t + rnd_range(200000, 900000), NODE(N_ALICE), gw, 0);
    t = arp_resolve(t + rnd_range(100000, 500000), NODE(N_BOB), NODE(N_DNS), 0);
    t = ndp_router_discovery(t + rnd_range(100000, 400000), NODE(N_CAROL));
    t = arp_resolve(t + rnd_range(300000, 900000), gw, NODE(N_PRINTER), 0);
    ping(t + rnd_range(100000, 300000), NODE(N_BOB), gw, 0, 4);
}

static void sc_arp_refresh(uint64_t t)
{
    static const int who[] = {N_DEV, N_CAROL, N_NAS, N_BOB, N_ALICE};
    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++)
        t = arp_resolve(t + rnd_range(3000000, 9000000), NODE(N_GW), NODE(who[i]), 1);
    arp_resolve(t + rnd_range(1000000, 3000000), NODE(N_NAS), NODE(N_DNS), 0);
}

static void sc_web_example(uint64_t t)
{
    node_t *bob = NODE(N_BOB), *srv = NODE(N_EXAMPLE);
    tcp_t s;
    t = dns_resolve(t, bob, NODE(N_DNS), 0, srv, NULL);
    tcp_open(&s, bob, srv, 0, 80, t);
    const http_t page = {"/", UA_EDGE, ACCEPT_HTML, "Upgrade-Insecure-Requests: 1\r\n",
                         200, "ECS (dcb/7F83)", "text/html; charset=UTF-8",
                         "Cache-Control: max-age=604800\r\nEtag: \"3147526947\"\r\n",
                         EXAMPLE_HTML, 0};
    http_exchange(&s, srv->name, &page, rnd_range(100, 500));
    const http_t icon = {"/favicon.ico", UA_EDGE, "image/avif,image/webp,image/apng,*/*;q=0.8",
                         NULL, 404, "ECS (dcb/7EEA)", "text/html",
                         NULL, "<html><body><h1>404 Not Found</h1></body></html>\n", 0};
    http_exchange(&s, srv->name, &icon, rnd_range(20000, 90000));
    tcp_close(&s, CLI, rnd_range(3000000, 6000000));
    const tls_opts_t o = {1, "h2", 600, 14000, 2};
    tls_session(t + rnd_range(400000, 900000), bob, srv, 0, &o);
}

static void sc_captive_portal(uint64_t t)
{
    node_t *alice = NODE(N_ALICE), *srv = NODE(N_APPLE);
    tcp_t s;
    t = dns_resolve(t, alice, NODE(N_DNS), 0, srv, "captive-cdn.origin-apple.com.akadns.net");
    tcp_open(&s, alice, srv, 0, 80, t);
    const http_t h = {"/hotspot-detect.html", "CaptiveNetworkSupport-481.100.4 wispr", "*/*",
                      NULL, 200, "AkamaiGHost", "text/html", "Cache-Control: no-store\r\n",
                      "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>", 0};
    http_exchange(&s, srv->name, &h, rnd_range(100, 500));
    tcp_close(&s, CLI, rnd_range(100000, 400000));
    t = dns_resolve(s.t + rnd_range(500000, 2000000), alice, NODE(N_DNS), 0, NODE(N_ICLOUD), NULL);
    const tls_opts_t o = {1, "h2", 900, 5000, 3};
    tls_session(t, alice, NODE(N_ICLOUD), 0, &o);
}

static void sc_github_api(uint64_t t)
{
    node_t *dev = NODE(N_DEV);
    t = dns_resolve(t, dev, NODE(N_DNS), 0, NODE(N_GH_API), NULL);
    const tls_opts_t o = {1, "h2", 300, 22000, 2};
    tls_session(t, dev, NODE(N_GH_API), 0, &o);
}

static void sc_ntp(uint64_t t)
{
    node_t *dev = NODE(N_DEV);
    t = dns_lookup(t, dev, NODE(N_DNS), 0, NODE(N_NTP_POOL), 1, NULL);
    t = ntp_exchange(t + rnd_range(500, 3000), dev, NODE(N_NTP_POOL));
    ntp_exchange(t + rnd_range(64000000, 65000000), dev, NODE(N_NTP_POOL));
}

static void sc_ssh_nas(uint64_t t)
{
    static const char *const cmds[] = {"uptime", "df -h /volume1", "ls -la backups",
                                       "sudo systemctl status smbd", "tail -n 20 /var/log/messages",
                                       NULL};
    ssh_shell(t, NODE(N_DEV), NODE(N_NAS), "SSH-2.0-OpenSSH_8.2\r\n", cmds);
}

static void sc_google(uint64_t t)
{
    node_t *carol = NODE(N_CAROL);
    t = dns_resolve(t, carol, NODE(N_DNS), 0, NODE(N_GOOGLE), NULL);
    const tls_opts_t o = {1, "h2", 700, 40000, 2};
    t = tls_session(t, carol, NODE(N_GOOGLE), 0, &o);
    ping(t + rnd_range(1000000, 3000000), carol, NODE(N_GDNS), 0, 4);
}

static void sc_microsoft(uint64_t t)
{
    node_t *bob = NODE(N_BOB);
    t = dns_resolve(t, bob, NODE(N_DNS), 0, NODE(N_MSFT), "login.mso.msidentity.com");
    const tls_opts_t o = {0, "http/1.1", 1200, 9000, 2};
    tls_session(t, bob, NODE(N_MSFT), 0, &o);
}

static void sc_vlan_camera(uint64_t t)
{
    node_t *cam = NODE(N_CAM), *gw20 = NODE(N_GW20);
    t = arp_resolve(t, cam, gw20, 0);
    t = dns_lookup(t + rnd_range(200, 2000), cam, gw20, 0, NODE(N_CF_NTP), 1, NULL);
    t = ntp_exchange(t + rnd_range(500, 3000), cam, NODE(N_CF_NTP));
    ping(t + rnd_range(5000000, 9000000), cam, gw20, 0, 2);
}

static void sc_apt(uint64_t t)
{
    node_t *dev = NODE(N_DEV), *srv = NODE(N_DEBIAN);
    tcp_t s;
    t = dns_resolve(t, dev, NODE(N_DNS), 0, srv, "debian.map.fastlydns.net");
    tcp_open(&s, dev, srv, 0, 80, t);
    const char *ua = "Debian APT-HTTP/1.3 (2.6.1)";
    const http_t rel = {"/debian/dists/bookworm/InRelease", ua, "*/*",
                        "If-Modified-Since: Sat, 10 Feb 2024 10:02:41 GMT\r\n", 304,
                        "Apache", NULL, "Age: 1520\r\nVia: 1.1 varnish\r\n", "", 0};
    http_exchange(&s, srv->name, &rel, rnd_range(100, 500));
    const http_t deb = {"/debian/pool/main/c/curl/curl_7.88.1-10%2bdeb12u5_amd64.deb", ua, "*/*",
                        NULL, 200, "Apache", "application/vnd.debian.binary-package",
                        "Age: 86012\r\nVia: 1.1 varnish\r\n", "!<arch>\ndebian-binary   ",
                        rnd_range(280000, 340000)};
    http_exchange(&s, srv->name, &deb, rnd_range(300000, 900000));
    tcp_close(&s, CLI, rnd_range(1000, 5000));
}

static void sc_ipv6(uint64_t t)
{
    node_t *carol = NODE(N_CAROL), *srv = NODE(N_EXAMPLE6);
    tcp_t s;
    t = ndp_resolve(t, carol, NODE(N_GW), 0);
    t = ndp_resolve(t + rnd_range(1000, 5000), carol, NODE(N_DNS), 1);
    t = dns_resolve(t + rnd_range(200, 1000), carol, NODE(N_DNS), 1, srv, NULL);
    tcp_open(&s, carol, srv, 1, 80, t);
    const http_t h = {"/", UA_FIREFOX, ACCEPT_HTML, "Upgrade-Insecure-Requests: 1\r\n", 301,
                      "nginx/1.24.0", "text/html", "Location: https://www.example.org/\r\n",
                      "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n"
                      "<center><h1>301 Moved Permanently</h1></center>\r\n</body>\r\n</html>\r\n", 0};
    http_exchange(&s, srv->name, &h, rnd_range(100, 500));
    const tls_opts_t o = {1, "h2", 500, 18000, 2};
    t = tls_session(s.t + rnd_range(5000, 20000), carol, srv, 1, &o);
    tcp_close(&s, CLI, (uint32_t)(t - s.t) + rnd_range(100000, 500000));
    ping(t + rnd_range(1000000, 2000000), carol, srv, 1, 3);
}

static void sc_git_fetch(uint64_t t)
{
    node_t *dev = NODE(N_DEV);
    t = dns_resolve(t, dev, NODE(N_DNS), 0, NODE(N_GH_GIT), NULL);
    ssh_transfer(t, dev, NODE(N_GH_GIT), "SSH-2.0-babeld-5c5c0a9c\r\n", rnd_range(60000, 120000));
}

static void sc_download(uint64_t t)
{
    node_t *alice = NODE(N_ALICE);
    t = dns_resolve(t, alice, NODE(N_DNS), 0, NODE(N_GH_OBJ), NULL);
    const tls_opts_t o = {1, "http/1.1", 800, 420000, 1};
    tls_session(t, alice, NODE(N_GH_OBJ), 0, &o);
}

static void sc_neverssl(uint64_t t)
{
    node_t *carol = NODE(N_CAROL), *srv = NODE(N_NEVERSSL);
    tcp_t s;
    t = dns_resolve(t, carol, NODE(N_DNS), 0, srv, NULL);
    tcp_open(&s, carol, srv, 0, 80, t);
    const http_t h = {"/", UA_FIREFOX, ACCEPT_HTML, NULL, 200, "Apache/2.4.58 ()",
                      "text/html; charset=UTF-8", "Last-Modified: Wed, 29 Jun 2022 00:23:33 GMT\r\n",
                      "", rnd_range(2400, 3200)};
    http_exchange(&s, srv->name, &h, rnd_range(100, 500));
    tcp_close(&s, SRV, rnd_range(5000000, 5100000)); /* server keep-alive timeout */
}

static void sc_nas_update(uint64_t t)
{
    node_t *nas = NODE(N_NAS);
    t = dns_resolve(t, nas, NODE(N_DNS), 0, NODE(N_SYNO), NULL);
    const tls_opts_t o = {0, "http/1.1", 400, 2500, 1};
    tls_session(t, nas, NODE(N_SYNO), 0, &o);
}

typedef struct {
    uint32_t at_ms; /* offset into the two-minute round */
    void (*run)(uint64_t t);
} scenario_t;

static const scenario_t SCENARIOS[] = {
    {50, sc_lan_startup},   {600, sc_web_example},  {2500, sc_captive_portal},
    {4000, sc_github_api},  {6000, sc_ntp},         {9000, sc_ssh_nas},
    {13000, sc_google},     {21000, sc_microsoft},  {26000, sc_vlan_camera},
    {31000, sc_apt},        {41000, sc_ipv6},       {52000, sc_git_fetch},
    {61000, sc_download},   {72000, sc_neverssl},   {83000, sc_nas_update},
    {10000, sc_arp_refresh},
};

/* ------------------------------------------------------------------------------------------ */
/* Command line                                                                               */

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

static unsigned long long parse_num(const char *opt, const char *s, unsigned long long max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *s == '-' || *end || errno || v > max) {
        char what[64];
        snprintf(what, sizeof(what), "invalid value for %s:", opt);
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
            seed = parse_num(a, v, UINT64_MAX);
        else if ((scale = (unsigned long)parse_num(a, v, MAX_SCALE)) == 0)
            usage_error("invalid value for -n (must be 1.." "1000):", v);
    }
    if (!*out)
        usage_error("invalid output file", out);

    int to_stdout = !strcmp(out, "-");
    FILE *fp = to_stdout ? stdout : fopen(out, "wb");
    if (!fp)
        die("cannot open '%s' for writing: %s", out, strerror(errno));
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
    if (fflush(fp) != 0 || ferror(fp) || (!to_stdout && fclose(fp) != 0)) {
        int err = errno;
        if (!to_stdout)
            remove(out);
        die("error writing '%s': %s", out, strerror(err));
    }
    fprintf(stderr, PROG ": wrote %llu packets to %s\n", (unsigned long long)g_written,
            to_stdout ? "standard output" : out);
    return 0;
}
