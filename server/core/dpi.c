#include "dpi.h"

#include "flow.h"
#include "iface.h"
#include "log.h"
#include "probe.h"

#include <malloc.h>
#include <ndpi/ndpi_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dpi_init(struct iface *ifc)
{
    struct ndpi_detection_module_struct *m = ndpi_init_detection_module(ndpi_no_prefs);
    if (!m)
        return -1;
    NDPI_PROTOCOL_BITMASK all;
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(m, &all);
    ndpi_finalize_initialization(m);
    ifc->ndpi = m;
    return 0;
}

void dpi_destroy(struct iface *ifc)
{
    if (ifc->ndpi)
        ndpi_exit_detection_module(ifc->ndpi);
    ifc->ndpi = NULL;
}

uint32_t dpi_num_categories(void)
{
    return NDPI_PROTOCOL_NUM_CATEGORIES;
}

uint32_t dpi_num_protocols(struct iface *ifc)
{
    return ndpi_get_num_supported_protocols(ifc->ndpi);
}

static struct flow_meta *meta_of(struct flow *f)
{
    if (!f->meta)
        f->meta = calloc(1, sizeof(*f->meta));
    return f->meta;
}

static void replace(char **dst, const char *src)
{
    if (!src || !*src)
        return;
    free(*dst);
    *dst = strdup(src);
}

/* Copies what nDPI learnt about the flow before its state is freed. */
static void keep_metadata(struct iface *ifc, struct flow *f)
{
    struct ndpi_flow_struct *nf = f->ndpi;
    uint16_t master = f->ndpi_master, app = f->ndpi_app;
    bool is = false;
#define IS(p) (master == (p) || app == (p))
    is = nf->host_server_name[0] || IS(NDPI_PROTOCOL_HTTP) || IS(NDPI_PROTOCOL_DNS) ||
         IS(NDPI_PROTOCOL_TLS) || IS(NDPI_PROTOCOL_QUIC) || IS(NDPI_PROTOCOL_SSH);
    if (!is)
        return;
    struct flow_meta *m = meta_of(f);
    if (!m)
        return;
    replace(&m->host_server_name, nf->host_server_name);
    if (IS(NDPI_PROTOCOL_HTTP)) {
        replace(&m->http_url, nf->http.url);
        replace(&m->http_user_agent, nf->http.user_agent);
        replace(&m->http_content_type, nf->http.content_type);
        if (nf->http.method != NDPI_HTTP_METHOD_UNKNOWN)
            replace(&m->http_method, ndpi_http_method2str(nf->http.method));
        if (nf->http.response_status_code)
            m->http_response_code = nf->http.response_status_code;
    } else if (IS(NDPI_PROTOCOL_DNS)) {
        replace(&m->dns_query, nf->host_server_name);
        m->dns_query_type = nf->protos.dns.query_type;
        m->dns_return_code = nf->protos.dns.reply_code;
        if (nf->protos.dns.num_answers > 0 && nf->protos.dns.rsp_type == 1)
            ipaddr_set_v4(&m->dns_answer, (const uint8_t *)&nf->protos.dns.rsp_addr.ipv4);
        else if (nf->protos.dns.num_answers > 0 && nf->protos.dns.rsp_type == 28)
            ipaddr_set_v6(&m->dns_answer, (const uint8_t *)&nf->protos.dns.rsp_addr.ipv6);
    } else if (IS(NDPI_PROTOCOL_TLS) || IS(NDPI_PROTOCOL_QUIC)) {
        if (nf->protos.tls_quic.ssl_version)
            m->tls_version = nf->protos.tls_quic.ssl_version;
        replace(&m->tls_ja3_client, nf->protos.tls_quic.ja3_client);
        replace(&m->tls_ja3_server, nf->protos.tls_quic.ja3_server);
        replace(&m->tls_issuer, nf->protos.tls_quic.issuerDN);
        replace(&m->tls_subject, nf->protos.tls_quic.subjectDN);
        replace(&m->tls_alpn, nf->protos.tls_quic.alpn);
        if (nf->protos.tls_quic.notBefore)
            m->tls_not_before = nf->protos.tls_quic.notBefore;
        if (nf->protos.tls_quic.notAfter)
            m->tls_not_after = nf->protos.tls_quic.notAfter;
    } else if (IS(NDPI_PROTOCOL_SSH)) {
        replace(&m->ssh_client_signature, nf->protos.ssh.client_signature);
        replace(&m->ssh_server_signature, nf->protos.ssh.server_signature);
        replace(&m->ssh_hassh_client, nf->protos.ssh.hassh_client);
        replace(&m->ssh_hassh_server, nf->protos.ssh.hassh_server);
    }
#undef IS
    (void)ifc;
}

static void set_protocol(struct flow *f, ndpi_protocol proto)
{
    f->ndpi_master = proto.master_protocol;
    f->ndpi_app = proto.app_protocol;
    f->ndpi_category = (uint16_t)proto.category;
}

void dpi_finish(struct iface *ifc, struct flow *f)
{
    if (f->detection_done)
        return;
    f->detection_done = true;
    if (!f->ndpi)
        return;
    if (f->ndpi_app == NDPI_PROTOCOL_UNKNOWN && f->ndpi_master == NDPI_PROTOCOL_UNKNOWN) {
        uint8_t guessed = 0;
        ndpi_protocol p = ndpi_detection_giveup(ifc->ndpi, f->ndpi, 1, &guessed);
        set_protocol(f, p);
        f->guessed = guessed != 0;
    }
    f->risk = f->ndpi->risk;
    keep_metadata(ifc, f);
    ndpi_free_flow(f->ndpi);
    f->ndpi = NULL;
}

void dpi_process(struct iface *ifc, struct flow *f, const struct pkt *p)
{
    if (f->detection_done)
        return;
    if (!f->ndpi) {
        f->ndpi = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT);
        if (!f->ndpi) {
            f->detection_done = true;
            return;
        }
        memset(f->ndpi, 0, SIZEOF_FLOW_STRUCT);
    }
    const uint8_t *l3 = p->data + p->l3_offset;
    uint32_t l3len = p->caplen - p->l3_offset;
    if (p->ip_len && p->ip_len < l3len)
        l3len = p->ip_len; /* drop Ethernet padding */
    if (l3len > 0xffff)
        l3len = 0xffff;
    ndpi_protocol proto = ndpi_detection_process_packet(ifc->ndpi, f->ndpi, l3,
                                                        (unsigned short)l3len, p->ts_us / 1000);
    f->ndpi_packets++;
    bool known = proto.app_protocol != NDPI_PROTOCOL_UNKNOWN ||
                 proto.master_protocol != NDPI_PROTOCOL_UNKNOWN;
    if (known) {
        set_protocol(f, proto);
        f->risk = f->ndpi->risk;
        if (!ndpi_extra_dissection_possible(ifc->ndpi, f->ndpi)) {
            dpi_finish(ifc, f);
            return;
        }
    }
    /* ntopng gives up after 12 packets without an answer (NDPI_MIN_NUM_PACKETS). */
    if (!known && flow_packets(f) >= ifc->probe->opt.ndpi_giveup_packets)
        dpi_finish(ifc, f);
}

void dpi_free_flow(struct flow *f)
{
    if (f->ndpi) {
        ndpi_free_flow(f->ndpi);
        f->ndpi = NULL;
    }
    struct flow_meta *m = f->meta;
    if (!m)
        return;
    char **strings[] = {&m->host_server_name,
                        &m->http_url,
                        &m->http_method,
                        &m->http_user_agent,
                        &m->http_content_type,
                        &m->http_server,
                        &m->dns_query,
                        &m->tls_ja3_client,
                        &m->tls_ja3_server,
                        &m->tls_issuer,
                        &m->tls_subject,
                        &m->tls_alpn,
                        &m->ssh_client_signature,
                        &m->ssh_server_signature,
                        &m->ssh_hassh_client,
                        &m->ssh_hassh_server};
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        if (*strings[i]) /* most are unset: no call for those */
            free(*strings[i]);
    free(m);
    f->meta = NULL;
}

const char *dpi_flow_proto_name(struct iface *ifc, const struct flow *f, char *buf, size_t len)
{
    ndpi_protocol p = {f->ndpi_master, f->ndpi_app, (ndpi_protocol_category_t)f->ndpi_category};
    return ndpi_protocol2name(ifc->ndpi, p, buf, (u_int)len);
}

uint16_t dpi_flow_stats_proto(struct iface *ifc, const struct flow *f)
{
    /* ntopng's getStatsProtocol: the application, unless it is unknown or the master is
     * "informative" (DNS), then the master: TLS.Google counts as Google, DNS.Google as DNS. */
    if (f->ndpi_app == NDPI_PROTOCOL_UNKNOWN ||
        (f->ndpi_master != NDPI_PROTOCOL_UNKNOWN &&
         ndpi_is_subprotocol_informative(ifc->ndpi, f->ndpi_master)))
        return f->ndpi_master;
    return f->ndpi_app;
}

/* glibc's chunk size for a malloc'd block: usable bytes plus the 8-byte header. */
size_t dpi_heap_bytes(const void *p)
{
    return p ? malloc_usable_size((void *)p) + 8 : 0;
}

size_t dpi_flow_heap(const struct flow *f, size_t *ndpi_state)
{
    *ndpi_state = f->ndpi ? SIZEOF_FLOW_STRUCT : 0;
    const struct flow_meta *m = f->meta;
    if (!m)
        return 0;
    const char *const strings[] = {
        m->host_server_name,
        m->http_url,
        m->http_method,
        m->http_user_agent,
        m->http_content_type,
        m->http_server,
        m->dns_query,
        m->tls_ja3_client,
        m->tls_ja3_server,
        m->tls_issuer,
        m->tls_subject,
        m->tls_alpn,
        m->ssh_client_signature,
        m->ssh_server_signature,
        m->ssh_hassh_client,
        m->ssh_hassh_server,
    };
    size_t n = dpi_heap_bytes(m);
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        n += dpi_heap_bytes(strings[i]);
    return n;
}
