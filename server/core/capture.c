#define _GNU_SOURCE
#include "capture.h"

#include "../checks/check_engine.h"

#include "iface.h"
#include "log.h"
#include "pcap_file.h"
#include "probe.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

/* Packets read per turn of the loop: large enough to amortise the loop, small enough that
 * handed-over calls wait at most a few hundred microseconds. */
#define CAPTURE_BATCH 256

struct iface_call {
    struct iface_call *next;
    void (*fn)(struct iface *ifc, void *arg);
    void *arg;
    sem_t done;
};

struct capture {
    pcap_t *pcap;
    struct pcap_file fr;
    uv_loop_t loop;
    uv_async_t wakeup;
    uv_idle_t reader;  /* files */
    uv_poll_t poller;  /* live devices */
    uv_timer_t ticker; /* once a second: purge, drop counters */
    bool reading;
    pthread_t owner;
    bool stop;
};

/* The interface whose capture thread this is; NULL on other threads. */
static __thread struct iface *own_iface;

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;

void capture_notify(void)
{
    pthread_mutex_lock(&done_lock);
    pthread_cond_broadcast(&done_cond);
    pthread_mutex_unlock(&done_lock);
}

int capture_open(struct iface *ifc, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    struct probe *p = ifc->probe;
    struct stat st;
    pcap_t *pc;

    if (stat(ifc->name, &st) == 0 && S_ISREG(st.st_mode)) {
        ifc->is_file = true;
        pc = pcap_open_offline_with_tstamp_precision(ifc->name, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
        if (!pc) {
            snprintf(err, errlen, "cannot read capture file %s: %s", ifc->name, ebuf);
            return -1;
        }
    } else {
        pc = pcap_create(ifc->name, ebuf);
        if (!pc) {
            snprintf(err, errlen, "cannot open interface %s: %s", ifc->name, ebuf);
            return -1;
        }
        pcap_set_snaplen(pc, p->opt.snaplen);
        pcap_set_promisc(pc, p->opt.promisc ? 1 : 0);
        pcap_set_timeout(pc, 100);
        pcap_set_immediate_mode(pc, 1);
        int rc = pcap_activate(pc);
        if (rc < 0) {
            if (errno == ENOENT || rc == PCAP_ERROR_NO_SUCH_DEVICE)
                snprintf(err, errlen, "-i %s: no such file, and no such network interface (%s)",
                         ifc->name, pcap_geterr(pc));
            else
                snprintf(err, errlen, "cannot capture on %s: %s", ifc->name, pcap_geterr(pc));
            pcap_close(pc);
            return -1;
        }
        if (pcap_setnonblock(pc, 1, ebuf) != 0) {
            snprintf(err, errlen, "cannot set %s non-blocking: %s", ifc->name, ebuf);
            pcap_close(pc);
            return -1;
        }
    }

    ifc->linktype = pcap_datalink(pc);
    ifc->purge_enabled = !ifc->is_file || p->opt.pcap_file_purge;
    if (!decode_link_supported(ifc->linktype))
        log_warning("%s: link type %s (%d) is not decoded; frames will be counted only", ifc->name,
                    pcap_datalink_val_to_name(ifc->linktype) ?: "?", ifc->linktype);

    if (p->opt.bpf_filter) {
        struct bpf_program prog;
        if (pcap_compile(pc, &prog, p->opt.bpf_filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
            pcap_setfilter(pc, &prog) != 0) {
            snprintf(err, errlen, "invalid BPF filter '%s': %s", p->opt.bpf_filter,
                     pcap_geterr(pc));
            pcap_close(pc);
            return -1;
        }
        pcap_freecode(&prog);
    }

    struct capture *cap = calloc(1, sizeof(*cap));
    if (!cap) {
        pcap_close(pc);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    cap->pcap = pc;
    cap->fr.fd = -1;
    if (ifc->is_file && !p->opt.bpf_filter)
        pcap_file_open(&cap->fr, ifc->name, pc);
    ifc->capture = cap;
    return 0;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    struct iface *ifc = (struct iface *)user;
    uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
    iface_process_packet(ifc, bytes, h->caplen, h->len, ts);
}

static void run_pending_calls(struct iface *ifc)
{
    for (;;) {
        pthread_mutex_lock(&ifc->call_lock);
        struct iface_call *c = ifc->calls_head;
        if (c) {
            ifc->calls_head = c->next;
            if (!ifc->calls_head)
                ifc->calls_tail = NULL;
        }
        pthread_mutex_unlock(&ifc->call_lock);
        if (!c)
            return;
        c->fn(ifc, c->arg);
        sem_post(&c->done);
    }
}

static void stop_reading(struct iface *ifc, struct capture *cap)
{
    if (!cap->reading)
        return;
    cap->reading = false;
    if (ifc->is_file)
        uv_idle_stop(&cap->reader);
    else
        uv_poll_stop(&cap->poller);
}

static void mark_done(struct iface *ifc)
{
    pthread_mutex_lock(&done_lock);
    ifc->done = true;
    pthread_cond_broadcast(&done_cond);
    pthread_mutex_unlock(&done_lock);
}

static void read_batch(struct iface *ifc, struct capture *cap)
{
    int n = -1;
    if (cap->fr.fd >= 0 && (n = pcap_file_dispatch(&cap->fr, ifc, CAPTURE_BATCH)) < 0)
        pcap_file_give_back(&cap->fr, cap->pcap);
    if (n < 0)
        n = pcap_dispatch(cap->pcap, CAPTURE_BATCH, on_packet, (u_char *)ifc);
    if (n == 0 && ifc->is_file) {
        iface_end_of_input(ifc);
        checks_on_end_of_input(ifc);
    }
    if (n == PCAP_ERROR) {
        log_error("%s: capture error: %s", ifc->name, pcap_geterr(cap->pcap));
        stop_reading(ifc, cap);
        mark_done(ifc);
    } else if (n == 0 && ifc->is_file) {
        log_normal("%s: end of capture file: %llu packets, %llu flows, %llu hosts", ifc->name,
                   (unsigned long long)ifc->c.packets, (unsigned long long)ifc->flows.count,
                   (unsigned long long)ifc->hosts.count);
        stop_reading(ifc, cap);
        mark_done(ifc);
    }
}

static void on_idle(uv_idle_t *h)
{
    struct iface *ifc = h->data;
    read_batch(ifc, ifc->capture);
}

static void on_readable(uv_poll_t *h, int status, int events)
{
    struct iface *ifc = h->data;
    if (status < 0) {
        log_error("%s: poll error: %s", ifc->name, uv_strerror(status));
        stop_reading(ifc, ifc->capture);
        return;
    }
    read_batch(ifc, ifc->capture);
}

static void on_tick(uv_timer_t *h)
{
    struct iface *ifc = h->data;
    struct capture *cap = ifc->capture;
    if (!ifc->is_file && cap->pcap) {
        struct pcap_stat ps;
        if (pcap_stats(cap->pcap, &ps) == 0)
            ifc->c.drops = ps.ps_drop + ps.ps_ifdrop;
    }
    /* A quiet device still ages its flows: live interfaces run on the wall clock. */
    if (!ifc->is_file && ifc->purge_enabled) {
        uint64_t now_us = (uint64_t)time(NULL) * 1000000u;
        if (now_us > ifc->clock_us)
            ifc->clock_us = now_us;
        checks_on_clock(ifc, ifc->clock_us);
        iface_purge_idle(ifc, false);
    }
}

static void close_cb(uv_handle_t *h)
{
    (void)h;
}

static void on_wakeup(uv_async_t *h)
{
    struct iface *ifc = h->data;
    struct capture *cap = ifc->capture;
    run_pending_calls(ifc);
    if (cap->stop) {
        stop_reading(ifc, cap);
        uv_close((uv_handle_t *)&cap->wakeup, close_cb);
        uv_close((uv_handle_t *)&cap->ticker, close_cb);
        if (ifc->is_file)
            uv_close((uv_handle_t *)&cap->reader, close_cb);
        else
            uv_close((uv_handle_t *)&cap->poller, close_cb);
    }
}

static void *capture_thread(void *arg)
{
    struct iface *ifc = arg;
    struct capture *cap = ifc->capture;
    own_iface = ifc;
    const struct cpu_list *cpus = &ifc->probe->opt.capture_cpus;
    if (cpus->count > 0) {
        int cpu = cpu_bind_self_to_one(cpus, ifc->id);
        if (cpu < 0)
            log_warning("%s: cannot bind the capture thread: %s", ifc->name, strerror(errno));
        else
            log_info("%s: capture thread bound to core %d", ifc->name, cpu);
    }
    check_engine_start(ifc); /* the checks' Lua state belongs to this thread */
    uv_run(&cap->loop, UV_RUN_DEFAULT);

    pthread_mutex_lock(&ifc->call_lock);
    ifc->thread_running = false;
    pthread_mutex_unlock(&ifc->call_lock);
    /* Calls queued while the loop was closing run here, on the owner thread. */
    run_pending_calls(ifc);
    check_engine_stop(ifc);
    if (!ifc->done)
        mark_done(ifc);
    return NULL;
}

int capture_start(struct iface *ifc)
{
    struct capture *cap = ifc->capture;
    if (uv_loop_init(&cap->loop) != 0)
        return -1;
    uv_async_init(&cap->loop, &cap->wakeup, on_wakeup);
    cap->wakeup.data = ifc;
    uv_timer_init(&cap->loop, &cap->ticker);
    cap->ticker.data = ifc;
    uv_timer_start(&cap->ticker, on_tick, 1000, 1000);
    if (ifc->is_file) {
        uv_idle_init(&cap->loop, &cap->reader);
        cap->reader.data = ifc;
        uv_idle_start(&cap->reader, on_idle);
    } else {
        uv_poll_init(&cap->loop, &cap->poller, pcap_get_selectable_fd(cap->pcap));
        cap->poller.data = ifc;
        uv_poll_start(&cap->poller, UV_READABLE, on_readable);
    }
    cap->reading = true;
    ifc->loop_async = &cap->wakeup;
    ifc->thread_running = true;
    if (pthread_create(&ifc->thread, NULL, capture_thread, ifc) != 0) {
        ifc->thread_running = false;
        return -1;
    }
    char tname[16];
    snprintf(tname, sizeof(tname), "capture-%d", ifc->id);
    pthread_setname_np(ifc->thread, tname);
    return 0;
}

void capture_stop(struct iface *ifc)
{
    struct capture *cap = ifc->capture;
    if (!cap)
        return;
    pthread_mutex_lock(&ifc->call_lock);
    bool running = ifc->thread_running;
    if (running) {
        cap->stop = true;
        uv_async_send(&cap->wakeup);
    }
    pthread_mutex_unlock(&ifc->call_lock);
    if (running || ifc->thread) {
        pthread_join(ifc->thread, NULL);
        ifc->thread = 0;
        uv_loop_close(&cap->loop);
    }
    if (cap->pcap) {
        struct pcap_stat ps;
        if (!ifc->is_file && pcap_stats(cap->pcap, &ps) == 0)
            ifc->c.drops = ps.ps_drop + ps.ps_ifdrop;
        pcap_close(cap->pcap);
        cap->pcap = NULL;
    }
    pcap_file_close(&cap->fr);
    free(cap);
    ifc->capture = NULL;
}

bool capture_wait_files_done(struct probe *p)
{
    pthread_mutex_lock(&done_lock);
    for (;;) {
        bool all = true;
        for (int i = 0; i < p->num_ifaces; i++)
            if (p->ifaces[i]->is_file && !p->ifaces[i]->done)
                all = false;
        if (all || p->shutdown_requested) {
            pthread_mutex_unlock(&done_lock);
            return all;
        }
        pthread_cond_wait(&done_cond, &done_lock);
    }
}

void iface_call(struct iface *ifc, void (*fn)(struct iface *ifc, void *arg), void *arg)
{
    pthread_mutex_lock(&ifc->call_lock);
    if (!ifc->thread_running || pthread_equal(pthread_self(), ifc->thread)) {
        pthread_mutex_unlock(&ifc->call_lock);
        fn(ifc, arg);
        return;
    }
    struct iface_call c = {.fn = fn, .arg = arg};
    sem_init(&c.done, 0, 0);
    if (ifc->calls_tail)
        ifc->calls_tail->next = &c;
    else
        ifc->calls_head = &c;
    ifc->calls_tail = &c;
    uv_async_send(ifc->loop_async);
    pthread_mutex_unlock(&ifc->call_lock);
    if (own_iface) {
        /* A capture thread (a check script) waiting for another one serves the calls made
         * to itself meanwhile: two interfaces calling each other would wait for ever. */
        while (sem_trywait(&c.done) != 0) {
            run_pending_calls(own_iface);
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 200000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            if (sem_timedwait(&c.done, &ts) == 0)
                break;
        }
    } else {
        while (sem_wait(&c.done) != 0 && errno == EINTR)
            ;
    }
    sem_destroy(&c.done);
}
