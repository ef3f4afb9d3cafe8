/* nDPI per interface: detection module, per-flow detection until final, metadata. */
#ifndef NTOP_DPI_H
#define NTOP_DPI_H

#include <stddef.h>
#include <stdint.h>

struct iface;
struct flow;
struct pkt;

/* Creates the interface's detection module; 0 or -1. */
int dpi_init(struct iface *ifc);
void dpi_destroy(struct iface *ifc);

/* Feeds one packet of a flow still under detection. Owner thread. */
void dpi_process(struct iface *ifc, struct flow *f, const struct pkt *p);

/* Ends detection (guessing when nothing matched), keeps the metadata and frees the
 * per-flow nDPI state. Idempotent. */
void dpi_finish(struct iface *ifc, struct flow *f);

/* Heap bytes of a malloc'd block (glibc chunk: usable size + header); 0 for NULL. */
size_t dpi_heap_bytes(const void *p);

/* Heap bytes of the flow's metadata; *ndpi_state: nDPI's per-flow state still attached. */
size_t dpi_flow_heap(const struct flow *f, size_t *ndpi_state);

/* Frees what dpi_* attached to the flow (state and metadata). */
void dpi_free_flow(struct flow *f);

/* "TLS.Google", "DNS", "Unknown": ntopng's flow protocol name. */
const char *dpi_flow_proto_name(struct iface *ifc, const struct flow *f, char *buf, size_t len);

/* Protocol id that host and interface L7 counters use for a flow. */
uint16_t dpi_flow_stats_proto(struct iface *ifc, const struct flow *f);

/* Number of nDPI category ids. */
uint32_t dpi_num_categories(void);

/* Number of protocol ids the module knows (size of per-protocol arrays). */
uint32_t dpi_num_protocols(struct iface *ifc);

#endif
