#define _GNU_SOURCE
#include "pcap_file.h"

#include "iface.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes mapped at a time: large enough that remapping is rare, small enough that the file
 * pages held (they count in the RSS) stay a few MiB. */
#define WINDOW         ((size_t)2 << 20)
#define PREFETCH_AHEAD 16384

/* A file cut short by another process while mapped would raise SIGBUS on the next read of a
 * page past its new end. The handler maps a zero page there instead and marks the reader:
 * the record under way finishes on zeros, then the file goes back to libpcap, which reports
 * the truncation. Faults anywhere else go to the handler that was there before. */
static __thread struct pcap_file *reading; /* the reader whose window this thread reads */
static struct sigaction previous_sigbus;
static pthread_once_t sigbus_once = PTHREAD_ONCE_INIT;
static uintptr_t page_size; /* set with the handler (sysconf is not async-signal-safe) */

static void on_sigbus(int sig, siginfo_t *si, void *uctx)
{
    struct pcap_file *r = reading;
    const uint8_t *a = si->si_addr;
    if (r && r->map && a >= r->map && a < r->map + r->map_len) {
        uintptr_t page = (uintptr_t)a & ~(page_size - 1);
        if (mmap((void *)page, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
                 0) != MAP_FAILED) {
            r->file_changed = true;
            return;
        }
    }
    (void)sig;
    (void)uctx;
    sigaction(SIGBUS, &previous_sigbus, NULL); /* the fault repeats, handled as before */
}

static void install_sigbus(void)
{
    page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
    struct sigaction sa = {.sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO | SA_NODEFER};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &previous_sigbus);
}

static uint32_t u32_at(const uint8_t *b, bool swapped)
{
    uint32_t v;
    memcpy(&v, b, 4);
    return swapped ? __builtin_bswap32(v) : v;
}

void pcap_file_open(struct pcap_file *r, const char *path, pcap_t *pc)
{
    memset(r, 0, sizeof(*r));
    r->fd = -1;
    FILE *fp = pcap_file(pc);
    uint8_t h[24];
    struct stat st;
    if (!fp || ftell(fp) != 24)
        return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) || fstat(fd, &st) != 0)
        goto no;
    uint32_t magic;
    memcpy(&magic, h, 4);
    r->swapped = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
    r->nsec = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
    if (!(magic == 0xa1b2c3d4 || magic == 0xa1b23c4d || r->swapped))
        goto no;
    uint16_t major, minor;
    memcpy(&major, h + 4, 2);
    memcpy(&minor, h + 6, 2);
    if (r->swapped) {
        major = __builtin_bswap16(major);
        minor = __builtin_bswap16(minor);
    }
    if (major != 2 || minor != 4)
        goto no;
    pthread_once(&sigbus_once, install_sigbus);
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    r->snaplen = (uint32_t)pcap_snapshot(pc);
    r->size = st.st_size;
    r->map_off = 24; /* nothing mapped yet: the next record is at byte 24 */
    r->fd = fd;
    return;
no:
    close(fd);
}

static void unmap(struct pcap_file *r)
{
    if (r->map)
        munmap((void *)r->map, r->map_len);
    r->map = NULL;
}

void pcap_file_close(struct pcap_file *r)
{
    unmap(r);
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
}

/* The file offset of the next record. */
static off_t next_record(const struct pcap_file *r)
{
    return r->map_off + (off_t)r->pos;
}

void pcap_file_give_back(struct pcap_file *r, pcap_t *pc)
{
    off_t at = next_record(r);
    pcap_file_close(r);
    if (fseeko(pcap_file(pc), at, SEEK_SET) != 0)
        log_error("cannot seek in the capture file: %s", strerror(errno));
}

/* Maps the window that starts at the next record: 1 when it holds more bytes than before,
 * 0 at the end of the file, -1 on error. */
static int slide(struct pcap_file *r)
{
    off_t at = next_record(r);
    size_t had = r->map_len - r->pos;
    struct stat st;
    if (at + (off_t)had >= r->size && fstat(r->fd, &st) == 0)
        r->size = st.st_size; /* a file still being written has grown */
    off_t start = at & ~(off_t)(page_size - 1);
    if (r->size <= at + (off_t)had)
        return 0;
    size_t len = (size_t)(r->size - start) < WINDOW ? (size_t)(r->size - start) : WINDOW;
    unmap(r);
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, r->fd, start);
    if (m == MAP_FAILED) {
        log_warning("cannot map the capture file (%s): libpcap reads on", strerror(errno));
        r->map_off = at;
        r->map_len = r->pos = 0;
        return -1;
    }
    r->map = m;
    r->map_off = start;
    r->map_len = len;
    r->pos = (size_t)(at - start);
    r->prefetched = r->pos & ~(size_t)63;
    return 1;
}

int pcap_file_dispatch(struct pcap_file *r, struct iface *ifc, int max)
{
    int n = 0, rc;
    reading = r;
    for (;;) {
        if (n == max || r->file_changed) {
            rc = n;
            break;
        }
        size_t avail = r->map_len - r->pos;
        uint32_t caplen = 0;
        if (avail >= 16) {
            caplen = u32_at(r->map + r->pos + 8, r->swapped);
            if (caplen > r->snaplen || caplen > WINDOW / 2) {
                rc = n ? n : -1; /* libpcap truncates or refuses it */
                break;
            }
        }
        if (avail < 16 || avail < 16 + (size_t)caplen) {
            int s = slide(r);
            if (s < 0 || (s == 0 && avail > 0)) { /* an error, or a cut last record */
                rc = n ? n : -1;
                break;
            }
            if (s == 0) {
                rc = n;
                break;
            }
            continue;
        }
        const uint8_t *rec = r->map + r->pos;
        /* Reading from record to record is a chain of dependent reads of cold file pages:
         * keep the lines a few KiB ahead on their way into the cache. */
        size_t ahead = r->pos + 16 + caplen + PREFETCH_AHEAD;
        if (ahead > r->map_len)
            ahead = r->map_len;
        for (; r->prefetched < ahead; r->prefetched += 64)
            __builtin_prefetch(r->map + r->prefetched);
        uint64_t sec = u32_at(rec, r->swapped), frac = u32_at(rec + 4, r->swapped);
        uint32_t wirelen = u32_at(rec + 12, r->swapped);
        r->pos += 16 + (size_t)caplen;
        /* as libpcap opened with microsecond precision: nanoseconds scaled down */
        iface_process_packet(ifc, rec + 16, caplen, wirelen,
                             sec * 1000000u + (r->nsec ? frac / 1000 : frac));
        n++;
    }
    reading = NULL;
    if (r->file_changed && n == 0) {
        log_error("%s: the capture file was cut short while being read: libpcap reads on",
                  ifc->name);
        return -1;
    }
    return rc;
}
