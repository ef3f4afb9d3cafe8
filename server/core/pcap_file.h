/* Classic pcap files read in place through a sliding memory map, instead of libpcap's fread
 * per record (or a read() into a buffer): no copy out of the page cache. Anything
 * unusual (a record over the snapshot length, a short last record, a mapping error) hands
 * the file back to libpcap at that record, so errors and truncation behave as libpcap's;
 * pcapng and BPF filters stay with libpcap from the start. Owner thread only. */
#ifndef NTOP_PCAP_FILE_H
#define NTOP_PCAP_FILE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct iface;

struct pcap_file {
    int fd; /* -1: libpcap reads */
    off_t size;
    const uint8_t *map; /* the window: file bytes [map_off, map_off + map_len) */
    off_t map_off;
    size_t map_len;
    size_t pos;        /* next record, from map */
    size_t prefetched; /* map bytes below this were prefetched */
    bool file_changed; /* cut short while mapped (SIGBUS): libpcap takes over */
    bool swapped, nsec;
    uint32_t snaplen;
};

/* Takes over the file libpcap opened (pc) when it is a classic pcap file, version 2.4, with
 * micro- or nanosecond timestamps in either byte order; else r->fd stays -1. */
void pcap_file_open(struct pcap_file *r, const char *path, pcap_t *pc);
void pcap_file_close(struct pcap_file *r);

/* Processes up to max records (iface_process_packet): their number, 0 at the end of the
 * file, or -1 when libpcap must take over at the next record (pcap_file_give_back). */
int pcap_file_dispatch(struct pcap_file *r, struct iface *ifc, int max);

/* Closes r and moves libpcap to the next unread record. */
void pcap_file_give_back(struct pcap_file *r, pcap_t *pc);

#endif
