/* pcap read floor: the cheapest possible pass over a capture file with libpcap.
 * Reads every packet with pcap_next_ex() and touches its first and last captured byte
 * (so the data is really read), nothing else. Prints "packets bytes checksum" (also when
 * libpcap stops on an error, then exits 1: tests/pcap/file_reader.py uses it as the oracle).
 * Built by bench/run: cc -O2 -o pcap_floor pcap_floor.c -lpcap */
#include <pcap.h>
#include <stdio.h>
#include <stdint.h>

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    if (argc != 2) {
        fprintf(stderr, "usage: %s file.pcap\n", argv[0]);
        return 2;
    }
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "pcap_open_offline: %s\n", err);
        return 1;
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t n = 0, bytes = 0, sum = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
        n++;
        bytes += h->len;
        if (h->caplen)
            sum += d[0] + d[h->caplen - 1];
    }
    if (rc == PCAP_ERROR) { /* what was read before the error, then the error */
        printf("%llu %llu %llu\n", (unsigned long long)n, (unsigned long long)bytes,
               (unsigned long long)sum);
        fprintf(stderr, "pcap_next_ex: %s\n", pcap_geterr(p));
        pcap_close(p);
        return 1;
    }
    pcap_close(p);
    printf("%llu %llu %llu\n", (unsigned long long)n, (unsigned long long)bytes,
           (unsigned long long)sum);
    return 0;
}
