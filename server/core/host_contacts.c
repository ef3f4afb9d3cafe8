/* Contact counters of unanswered TCP/UDP flows (see host_contacts.h). */
#include "host_contacts.h"

#include "flow.h"
#include "host.h"
#include "iface.h"

#include <ndpi/ndpi_api.h>
#include <stdlib.h>
#include <string.h>

/* The port set is a sorted array while small; past PORTS_ARRAY_MAX ports it becomes a
 * 65536-bit map, which takes the same 8 KiB the array would. */
#define PORTS_ARRAY_MAX 4096
#define PORTS_BITMAP    65536u

struct host_contacts {
    uint32_t num_egress, num_ingress;
    uint32_t nports, ports_cap; /* ports_cap == PORTS_BITMAP: `ports` is a bit map */
    uint16_t *ports;
    struct ndpi_hll peers_out, peers_in; /* registers NULL until the first pair */
};

static struct host_contacts *contacts_of(struct host *h)
{
    if (!h->contacts)
        h->contacts = calloc(1, sizeof(*h->contacts));
    return h->contacts;
}

void host_contacts_pair_bytes(uint8_t out[HOST_CONTACTS_PAIR_LEN], const struct ipaddr *peer,
                              uint16_t port)
{
    memcpy(out, peer->b, 16);
    out[16] = (uint8_t)(port >> 8);
    out[17] = (uint8_t)port;
}

static void hll_add_pair(struct ndpi_hll *hll, const struct ipaddr *peer, uint16_t port)
{
    if (!hll->registers && ndpi_hll_init(hll, HOST_CONTACTS_HLL_BITS) != 0)
        return;
    uint8_t buf[HOST_CONTACTS_PAIR_LEN];
    host_contacts_pair_bytes(buf, peer, port);
    ndpi_hll_add(hll, (const char *)buf, sizeof(buf));
}

static void ports_to_bitmap(struct host_contacts *c)
{
    uint8_t *bits = calloc(PORTS_BITMAP / 8, 1);
    if (!bits)
        return;
    for (uint32_t i = 0; i < c->nports; i++)
        bits[c->ports[i] >> 3] |= (uint8_t)(1u << (c->ports[i] & 7));
    free(c->ports);
    c->ports = (uint16_t *)bits;
    c->ports_cap = PORTS_BITMAP;
}

static void ports_add(struct host_contacts *c, uint16_t port)
{
    if (c->ports_cap == PORTS_BITMAP) {
        uint8_t *bits = (uint8_t *)c->ports;
        uint8_t bit = (uint8_t)(1u << (port & 7));
        if (!(bits[port >> 3] & bit)) {
            bits[port >> 3] |= bit;
            c->nports++;
        }
        return;
    }
    uint32_t lo = 0, hi = c->nports;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (c->ports[mid] < port)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->nports && c->ports[lo] == port)
        return;
    if (c->nports == c->ports_cap) {
        if (c->ports_cap >= PORTS_ARRAY_MAX) {
            ports_to_bitmap(c);
            if (c->ports_cap == PORTS_BITMAP)
                ports_add(c, port);
            return;
        }
        uint32_t cap = c->ports_cap ? c->ports_cap * 2 : 4;
        uint16_t *n = realloc(c->ports, cap * sizeof(*n));
        if (!n)
            return;
        c->ports = n;
        c->ports_cap = cap;
    }
    memmove(c->ports + lo + 1, c->ports + lo, (c->nports - lo) * sizeof(*c->ports));
    c->ports[lo] = port;
    c->nports++;
}

/* ntopng's Flow destructor: a TCP or UDP flow with packets in one direction only. */
static bool is_oneway_tcp_udp(const struct flow *f)
{
    return (f->key.proto == 6 || f->key.proto == 17) && flow_packets(f) &&
           (!f->c2s.packets || !f->s2c.packets);
}

static void book_flow(const struct flow *f)
{
    if (!is_oneway_tcp_udp(f))
        return;
    struct host *cli = f->cli_host, *srv = f->srv_host;
    struct host_contacts *cc = cli ? contacts_of(cli) : NULL;
    struct host_contacts *sc = srv ? contacts_of(srv) : NULL;
    if (cc)
        cc->num_egress++;
    if (!sc)
        return;
    sc->num_ingress++;
    if (!cc)
        return;
    uint16_t port = f->key.srv_port;
    hll_add_pair(&cc->peers_out, &srv->ip, port);
    ports_add(sc, port);
    hll_add_pair(&sc->peers_in, &cli->ip, port);
}

void host_contacts_flow_end(struct iface *ifc, const struct flow *f)
{
    if (!ifc->eof_flows_booked)
        book_flow(f);
}

void host_contacts_end_of_input(struct iface *ifc)
{
    for (const struct flow *f = ifc->flows.head; f; f = f->list_next)
        book_flow(f);
}

void host_contacts_free(struct host *h)
{
    struct host_contacts *c = h->contacts;
    if (!c)
        return;
    if (c->peers_out.registers)
        ndpi_hll_destroy(&c->peers_out);
    if (c->peers_in.registers)
        ndpi_hll_destroy(&c->peers_in);
    free(c->ports);
    free(c);
    h->contacts = NULL;
}

void host_contacts_reset(struct host *h)
{
    struct host_contacts *c = h->contacts;
    if (!c)
        return;
    if (c->peers_out.registers)
        ndpi_hll_reset(&c->peers_out);
    if (c->peers_in.registers)
        ndpi_hll_reset(&c->peers_in);
    free(c->ports);
    c->ports = NULL;
    c->nports = c->ports_cap = 0;
}

uint32_t host_contacts_num_egress(const struct host *h)
{
    return h->contacts ? h->contacts->num_egress : 0;
}

uint32_t host_contacts_num_ingress(const struct host *h)
{
    return h->contacts ? h->contacts->num_ingress : 0;
}

static uint32_t hll_estimate(struct ndpi_hll *hll)
{
    /* ntopng truncates the estimate to an integer. */
    return hll->registers ? (uint32_t)ndpi_hll_count(hll) : 0;
}

uint32_t host_contacts_peers_as_client(const struct host *h)
{
    return h->contacts ? hll_estimate(&h->contacts->peers_out) : 0;
}

uint32_t host_contacts_peers_as_server(const struct host *h)
{
    return h->contacts ? hll_estimate(&h->contacts->peers_in) : 0;
}

uint32_t host_contacts_server_ports(const struct host *h)
{
    return h->contacts ? h->contacts->nports : 0;
}

size_t host_contacts_mem(const struct host *h)
{
    const struct host_contacts *c = h->contacts;
    if (!c)
        return 0;
    size_t n = sizeof(*c);
    n += c->peers_out.registers ? c->peers_out.size : 0;
    n += c->peers_in.registers ? c->peers_in.size : 0;
    n += c->ports_cap == PORTS_BITMAP ? PORTS_BITMAP / 8 : c->ports_cap * sizeof(*c->ports);
    return n;
}
