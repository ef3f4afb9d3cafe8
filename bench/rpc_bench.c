/* RPC benchmark client (libntopclient) for bench/run --rpc. Each mode prints one JSON object.
 *
 *   rpc_bench tiny TARGET [--calls N] [--conns C]
 *       ntop.getUptime() back to back on C clients (threads, one ntop_client each): latency
 *       p50/p99 and calls/s, end to end (pack, call, unpack, C values).
 *   rpc_bench page TARGET [--hosts N] [--reps R] [--only generic|records]
 *       interface.getHostsInfo(false, "column_ip", N, 0), decoded into C values, R times with
 *       the generic encoding and R times with Table.records (Call.accept_records): reply bytes,
 *       median and best milliseconds, hosts received; of them the client's decoding
 *       (ntop_reply_decode: median and best), and the ntop_result_clear after (not in them).
 *   rpc_bench capture TARGET --packets N [--load none|tiny|page] -- PROBE ARGS...
 *       starts the probe (which must replay a capture and serve TARGET), polls
 *       interface.getStats() every 20 ms until it counted N packets, with one load thread
 *       beside it (tiny: ntop.getUptime back to back; page: getHostsInfo pages of 1,000);
 *       prints the capture time (from the probe's start) and the load's calls. Stops the probe.
 *
 * Connection options live in bench_client_new only (authentication and TLS go there). */
#define _GNU_SOURCE
#include "client_internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "rpc_bench: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    exit(1);
}

/* The one place that says how the bench connects. */
static struct ntop_client *bench_client_new(const char *target)
{
    struct ntop_client_options o;
    ntop_client_options_init(&o);
    o.deadline_ms = 60000;
    o.connect_timeout_ms = 30000;
    o.max_reply_bytes = 256u << 20;
    struct ntop_client *c;
    if (ntop_client_new(target, &o, &c) != 0)
        die("cannot create a client for %s%s", target, "");
    return c;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(double *v, size_t n, double p)
{
    qsort(v, n, sizeof(*v), cmp_double);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static int call_ok(struct ntop_client *c, const char *ns, const char *fn,
                   const struct ntop_value *args, size_t nargs, struct ntop_result *res)
{
    int st = ntop_client_call(c, ns, fn, args, nargs, NULL, res);
    if (st != NTOP_STATUS_OK)
        die("call failed: %s", res->message ? res->message : ntop_status_name(st), "");
    return st;
}

/* ---- tiny calls ---- */

struct tiny_thread {
    const char *target;
    size_t calls;
    double *lat; /* seconds per call */
    pthread_barrier_t *start;
};

static void *tiny_run(void *arg)
{
    struct tiny_thread *t = arg;
    struct ntop_client *c = bench_client_new(t->target);
    struct ntop_result res;
    for (int i = 0; i < 200; i++) { /* connect and warm up */
        call_ok(c, "ntop", "getUptime", NULL, 0, &res);
        ntop_result_clear(&res);
    }
    pthread_barrier_wait(t->start);
    for (size_t i = 0; i < t->calls; i++) {
        double t0 = now_s();
        call_ok(c, "ntop", "getUptime", NULL, 0, &res);
        t->lat[i] = now_s() - t0;
        if (res.count != 1 || res.values[0].type != NTOP_TINTEGER)
            die("ntop.getUptime() returned no integer%s%s", "", "");
        ntop_result_clear(&res);
    }
    ntop_client_free(c);
    return NULL;
}

static int mode_tiny(const char *target, size_t calls, int conns)
{
    pthread_t th[64];
    struct tiny_thread t[64];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)conns + 1);
    double *lat = calloc(calls * (size_t)conns, sizeof(*lat));
    for (int i = 0; i < conns; i++) {
        t[i] = (struct tiny_thread){target, calls, lat + (size_t)i * calls, &start};
        pthread_create(&th[i], NULL, tiny_run, &t[i]);
    }
    pthread_barrier_wait(&start);
    double t0 = now_s();
    for (int i = 0; i < conns; i++)
        pthread_join(th[i], NULL);
    double wall = now_s() - t0;
    size_t n = calls * (size_t)conns;
    double p50 = percentile(lat, n, 0.50), p99 = percentile(lat, n, 0.99);
    printf("{\"mode\": \"tiny\", \"function\": \"ntop.getUptime\", \"connections\": %d, "
           "\"calls\": %zu, \"wall_s\": %.4f, \"calls_per_s\": %.0f, \"p50_us\": %.1f, "
           "\"p99_us\": %.1f, \"max_us\": %.1f}\n",
           conns, n, wall, (double)n / wall, p50 * 1e6, p99 * 1e6, lat[n - 1] * 1e6);
    free(lat);
    pthread_barrier_destroy(&start);
    return 0;
}

/* ---- the hosts page ---- */

/* One getHostsInfo page, end to end: packs the Call (with or without accept_records), calls,
 * and decodes the Reply into C values with ntop_client_call's decoder (ntop_reply_decode).
 * *decode_s: the decoding; *clear_s: freeing the values afterwards (not in the total). */
static double page_once(struct ntop_client *c, uint32_t hosts, bool records, size_t *bytes,
                        size_t *got, double *decode_s, double *clear_s)
{
    double t0 = now_s();
    Ntop__V1__Value a[4], *args[4] = {&a[0], &a[1], &a[2], &a[3]};
    for (int i = 0; i < 4; i++)
        ntop__v1__value__init(&a[i]);
    a[0].kind_case = NTOP__V1__VALUE__KIND_BOOLEAN; /* show_details = false */
    a[1].kind_case = NTOP__V1__VALUE__KIND_STRING;
    a[1].string.data = (uint8_t *)"column_ip";
    a[1].string.len = 9;
    a[2].kind_case = NTOP__V1__VALUE__KIND_INTEGER;
    a[2].integer = hosts;
    a[3].kind_case = NTOP__V1__VALUE__KIND_INTEGER;
    Ntop__V1__Context ctx;
    ntop_context_to_wire(&ctx, NULL);
    Ntop__V1__Call call = NTOP__V1__CALL__INIT;
    call.args = args;
    call.n_args = 4;
    call.context = &ctx;
    call.accept_records = records;
    uint8_t req[256], *reply = NULL;
    size_t req_len = ntop__v1__call__pack(&call, req), reply_len = 0;
    char *msg = NULL;
    int st = ntop_client_call_raw(c, "/ntop.v1.Interface/getHostsInfo", req, req_len, &reply,
                                  &reply_len, &msg);
    if (st != NTOP_STATUS_OK)
        die("getHostsInfo: %s%s", msg ? msg : ntop_status_name(st), "");
    double t1 = now_s();
    const struct wire_limits lim = ntop_client_limits(c);
    struct ntop_result res = {0};
    st = ntop_reply_decode(reply, reply_len, &lim, &res);
    if (st != NTOP_STATUS_OK || res.count < 1)
        die("decoding: %s%s", res.message ? res.message : "no result", "");
    free(reply);
    double t2 = now_s();
    *decode_s = t2 - t1;
    const struct ntop_value *h = ntop_table_get_field(&res.values[0], "hosts");
    *got = h ? h->table.n_entries + h->table.n_array : 0;
    *bytes = reply_len;
    ntop_result_clear(&res);
    *clear_s = now_s() - t2;
    return t2 - t0;
}

static int mode_page(const char *target, uint32_t hosts, int reps, const char *only)
{
    struct ntop_client *c = bench_client_new(target);
    double *t = calloc((size_t)reps, sizeof(*t)), *d = calloc((size_t)reps, sizeof(*d));
    double *f = calloc((size_t)reps, sizeof(*f));
    printf("{\"mode\": \"page\", \"function\": \"interface.getHostsInfo\", \"max_hits\": %u",
           hosts);
    for (int records = 0; records <= 1; records++) {
        if (only && strcmp(only, records ? "records" : "generic") != 0)
            continue;
        size_t bytes = 0, got = 0;
        page_once(c, hosts, records, &bytes, &got, &d[0], &f[0]); /* warm up */
        for (int i = 0; i < reps; i++)
            t[i] = page_once(c, hosts, records, &bytes, &got, &d[i], &f[i]);
        double best = percentile(t, (size_t)reps, 0.0), med = percentile(t, (size_t)reps, 0.5);
        /* decode: checking, reading and converting the reply, part of median_ms; clear:
         * ntop_result_clear of the page afterwards, not part of it */
        printf(", \"%s\": {\"hosts\": %zu, \"reply_bytes\": %zu, \"median_ms\": %.2f, "
               "\"best_ms\": %.2f, \"decode_median_ms\": %.2f, \"decode_best_ms\": %.2f, "
               "\"clear_median_ms\": %.2f, \"reps\": %d}",
               records ? "records" : "generic", got, bytes, med * 1e3, best * 1e3,
               percentile(d, (size_t)reps, 0.5) * 1e3, percentile(d, (size_t)reps, 0.0) * 1e3,
               percentile(f, (size_t)reps, 0.5) * 1e3, reps);
    }
    printf("}\n");
    free(t);
    free(d);
    free(f);
    ntop_client_free(c);
    return 0;
}

/* ---- capture with an RPC load beside it ---- */

struct load {
    const char *target;
    const char *kind;
    atomic_bool stop;
    size_t calls;
};

static void *load_run(void *arg)
{
    struct load *l = arg;
    struct ntop_client *c = bench_client_new(l->target);
    struct ntop_value page[4] = {NTOP_BOOLEAN(false), ntop_string_ref("column_ip"),
                                 NTOP_INTEGER(1000), NTOP_INTEGER(0)};
    bool is_page = strcmp(l->kind, "page") == 0;
    while (!atomic_load(&l->stop)) {
        struct ntop_result res;
        if (is_page)
            call_ok(c, "interface", "getHostsInfo", page, 4, &res);
        else
            call_ok(c, "ntop", "getUptime", NULL, 0, &res);
        ntop_result_clear(&res);
        l->calls++;
    }
    ntop_client_free(c);
    return NULL;
}

static int64_t stats_packets(struct ntop_client *c)
{
    struct ntop_result res;
    if (ntop_client_call(c, "interface", "getStats", NULL, 0, NULL, &res) != NTOP_STATUS_OK) {
        ntop_result_clear(&res);
        return -1;
    }
    const struct ntop_value *s = res.count ? ntop_table_get_field(&res.values[0], "stats") : NULL;
    const struct ntop_value *p = s ? ntop_table_get_field(s, "packets") : NULL;
    int64_t n = p && p->type == NTOP_TINTEGER ? p->integer : -1;
    ntop_result_clear(&res);
    return n;
}

static int mode_capture(const char *target, int64_t packets, const char *kind, char **argv)
{
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s%s", strerror(errno), "");
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    struct ntop_client *c = bench_client_new(target);
    /* refused until the probe listens: try again for up to 30 s */
    while (ntop_client_wait_ready(c, 1000) != 0) {
        if (now_s() - t0 > 30 || waitpid(pid, NULL, WNOHANG) == pid) {
            kill(pid, SIGTERM);
            die("the probe does not serve %s%s", target, "");
        }
        usleep(20000);
    }
    struct load l = {.target = target, .kind = kind};
    pthread_t th;
    bool loaded = strcmp(kind, "none") != 0;
    if (loaded)
        pthread_create(&th, NULL, load_run, &l);
    int64_t n = 0;
    double done = 0;
    while ((n = stats_packets(c)) < packets) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            die("the probe exited before counting the packets%s%s", "", "");
        usleep(20000);
    }
    done = now_s() - t0;
    atomic_store(&l.stop, true);
    if (loaded)
        pthread_join(th, NULL);
    ntop_client_free(c);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    printf("{\"mode\": \"capture\", \"load\": \"%s\", \"packets\": %lld, \"capture_s\": %.3f, "
           "\"packets_per_s\": %.0f, \"load_calls\": %zu, \"load_calls_per_s\": %.0f}\n",
           kind, (long long)n, done, (double)n / done, l.calls, (double)l.calls / done);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: rpc_bench tiny TARGET [--calls N] [--conns C]\n"
                    "       rpc_bench page TARGET [--hosts N] [--reps R] [--only generic|records]\n"
                    "       rpc_bench capture TARGET --packets N [--load none|tiny|page] -- "
                    "PROBE ARGS...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        usage();
    const char *mode = argv[1], *target = argv[2];
    size_t calls = 20000;
    int conns = 1, reps = 7;
    uint32_t hosts = 10000;
    int64_t packets = 0;
    const char *load = "none", *only = NULL;
    char **probe = NULL;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--") && i + 1 < argc) {
            probe = &argv[i + 1];
            break;
        }
        if (i + 1 >= argc)
            usage();
        if (!strcmp(argv[i], "--calls"))
            calls = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--conns"))
            conns = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--hosts"))
            hosts = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--reps"))
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--packets"))
            packets = strtoll(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--only"))
            only = argv[++i];
        else if (!strcmp(argv[i], "--load"))
            load = argv[++i];
        else
            usage();
    }
    signal(SIGPIPE, SIG_IGN);
    if (!strcmp(mode, "tiny") && calls > 0 && conns >= 1 && conns <= 64)
        return mode_tiny(target, calls, conns);
    if (!strcmp(mode, "page") && reps >= 1)
        return mode_page(target, hosts, reps, only);
    if (!strcmp(mode, "capture") && probe && packets > 0 &&
        (!strcmp(load, "none") || !strcmp(load, "tiny") || !strcmp(load, "page")))
        return mode_capture(target, packets, load, probe);
    usage();
    return 2;
}
