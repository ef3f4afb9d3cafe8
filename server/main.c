/* ntop-probe: command line, start-up, the run, and an orderly shutdown. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "checks/blacklist.h"
#include "alerts/alert_store.h"
#include "core/capture.h"
#include "core/iface.h"
#include "core/log.h"
#include "core/probe.h"
#include "core/redis.h"
#include "core/users.h"
#include "lua/engine.h"
#include "lua/registry.h"
#include "rpc/rpc_server.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef NTOP_PROBE_VERSION
#define NTOP_PROBE_VERSION "0.0.0"
#endif

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: ntop-probe [options]\n"
        "\n"
        "A network probe whose state is scriptable through the ntopng Lua API.\n"
        "\n"
        "Capture:\n"
        "  -i, --interface IF|FILE     capture on a device or replay a pcap/pcapng file;\n"
        "                              repeat for several interfaces (ids 0, 1, ...)\n"
        "  -B, --filter BPF            BPF filter applied to every interface\n"
        "      --snaplen N             bytes captured per packet on devices (default 1536)\n"
        "      --no-promisc            do not put devices in promiscuous mode\n"
        "  -m, --local-networks LIST   local networks, CIDR[=alias][,CIDR...]\n"
        "  -x, --max-num-hosts N       host table size per interface (default 131072)\n"
        "  -X, --max-num-flows N       flow table size per interface (default 262144)\n"
        "      --shutdown-when-done    exit once every capture file has been read\n"
        "      --pcap-file-purge-flows purge idle flows and hosts of capture files too\n"
        "                              (ntopng keeps them all by default)\n"
        "      --ndpi-giveup-packets N give up nDPI detection after N packets (default 12,\n"
        "                              as ntopng; ndpiReader goes on for longer)\n"
        "\n"
        "Scripts:\n"
        "      --run-script FILE       run FILE once every capture file has been read,\n"
        "                              print what it prints, then exit (non-zero on error)\n"
        "      --demo                  replay the bundled demo capture and print a summary\n"
        "\n"
        "Remote API (gRPC):\n"
        "      --rpc-listen ADDR       serve every Lua API function as the rpc\n"
        "                              /ntop.v1.<Namespace>/<name> on ADDR: HOST:PORT,\n"
        "                              [IPv6]:PORT or unix:PATH (port 0 picks one; repeat\n"
        "                              for several addresses). The probe then serves until\n"
        "                              SIGINT/SIGTERM, after --run-script too, and\n"
        "                              --shutdown-when-done is ignored. Every call needs a\n"
        "                              user's API token (metadata 'authorization: Token T'\n"
        "                              or 'x-ntop-token: T'; --create-admin makes one)\n"
        "      --rpc-tls-cert FILE     serve TLS with this PEM certificate (and chain)\n"
        "      --rpc-tls-key FILE      ... and this unencrypted PEM private key\n"
        "      --rpc-no-auth           no tokens: every caller may call everything; only\n"
        "                              when every --rpc-listen is 127.x, [::1] or unix:\n"
        "      --rpc-allow-exec        let administrators call functions that run\n"
        "                              commands or open connections (refused remotely\n"
        "                              otherwise)\n"
        "      --rpc-snapshot-ms N     remote host lists (interface.getHostsInfo and its\n"
        "                              siblings) are served from a copy of the host table\n"
        "                              at most N ms old while only traffic changed (default\n"
        "                              250; 0: always the live state). Writes, purged hosts\n"
        "                              and the end of a capture file show at once\n"
        "\n"
        "CPU cores (ntopng's options; lists like 0,2-3):\n"
        "  -g, --cpu-affinity LIST     bind capture thread i (the i-th -i) to core i of LIST\n"
        "  -y, --other-cpu-affinity LIST\n"
        "                              bind every other thread (RPC, alerts writer, Redis\n"
        "                              client, a private redis-server) to the cores of LIST\n"
        "\n"
        "Checks and alerts (doc/checks.md, doc/alerts.md):\n"
        "      --checks                run the built-in checks on flows, hosts and networks\n"
        "      --checks-dir DIR        also run the check scripts found under DIR\n"
        "      --check-timeout-ms N    interrupt a check script after N ms (default 1000)\n"
        "      --blacklist FILE        hosts to flag as blacklisted: IPs or CIDRs, one a line\n"
        "      --max-stored-alerts N   past alerts kept per interface (default 100000)\n"
        "      --alerts-retention-days N\n"
        "                              drop past alerts older than N days (default 30)\n"
        "\n"
        "Users:\n"
        "      --create-admin NAME     create administrator NAME in the user store of the\n"
        "                              data directory (or make it administrator again\n"
        "                              with a new random password), print its new API\n"
        "                              token and exit\n"
        "\n"
        "Cache (ntop.*Cache):\n"
        "  -r, --redis HOST[:PORT][@DB]|SOCKET\n"
        "                              Redis to use (default: a private redis-server on\n"
        "                              a Unix socket in the data directory, started on\n"
        "                              first use, stopped at exit, its data kept there)\n"
        "\n"
        "Directories and logs:\n"
        "  -d, --data-dir DIR          data directory (default /var/lib/ntop-probe, or\n"
        "                              $TMPDIR/ntop-probe when that is not writable)\n"
        "      --install-dir DIR       where scripts/lua/modules lives (default: next to\n"
        "                              the executable, ../share/ntop-probe)\n"
        "  -v, --verbose               more log lines (repeat for debug)\n"
        "  -q, --quiet                 errors and warnings only\n"
        "      --list-api              print the registered Lua API as TSV and exit\n"
        "  -V, --version               print the version and exit\n"
        "  -h, --help                  this help\n"
        "\n"
        "Example:\n"
        "  ntop-probe -i test.pcap -m 192.168.1.0/24 --shutdown-when-done --run-script s.lua\n");
}

enum {
    OPT_SNAPLEN = 1000,
    OPT_NO_PROMISC,
    OPT_SHUTDOWN_WHEN_DONE,
    OPT_RUN_SCRIPT,
    OPT_DEMO,
    OPT_INSTALL_DIR,
    OPT_LIST_API,
    OPT_NDPI_GIVEUP,
    OPT_PCAP_PURGE,
    OPT_RPC_LISTEN,
    OPT_RPC_TLS_CERT,
    OPT_RPC_TLS_KEY,
    OPT_RPC_NO_AUTH,
    OPT_RPC_ALLOW_EXEC,
    OPT_RPC_SNAPSHOT_MS,
    OPT_CREATE_ADMIN,
    OPT_CHECKS,
    OPT_CHECKS_DIR,
    OPT_CHECK_TIMEOUT,
    OPT_MAX_STORED_ALERTS,
    OPT_ALERTS_RETENTION,
    OPT_BLACKLIST,
};

/* -r: NULL for the private redis-server. */
static const char *redis_spec;

static const struct option long_options[] = {
    {"interface",             required_argument, NULL, 'i'                   },
    {"filter",                required_argument, NULL, 'B'                   },
    {"snaplen",               required_argument, NULL, OPT_SNAPLEN           },
    {"no-promisc",            no_argument,       NULL, OPT_NO_PROMISC        },
    {"local-networks",        required_argument, NULL, 'm'                   },
    {"max-num-hosts",         required_argument, NULL, 'x'                   },
    {"max-num-flows",         required_argument, NULL, 'X'                   },
    {"shutdown-when-done",    no_argument,       NULL, OPT_SHUTDOWN_WHEN_DONE},
    {"run-script",            required_argument, NULL, OPT_RUN_SCRIPT        },
    {"demo",                  no_argument,       NULL, OPT_DEMO              },
    {"data-dir",              required_argument, NULL, 'd'                   },
    {"redis",                 required_argument, NULL, 'r'                   },
    {"install-dir",           required_argument, NULL, OPT_INSTALL_DIR       },
    {"list-api",              no_argument,       NULL, OPT_LIST_API          },
    {"ndpi-giveup-packets",   required_argument, NULL, OPT_NDPI_GIVEUP       },
    {"pcap-file-purge-flows", no_argument,       NULL, OPT_PCAP_PURGE        },
    {"rpc-listen",            required_argument, NULL, OPT_RPC_LISTEN        },
    {"rpc-tls-cert",          required_argument, NULL, OPT_RPC_TLS_CERT      },
    {"rpc-tls-key",           required_argument, NULL, OPT_RPC_TLS_KEY       },
    {"rpc-no-auth",           no_argument,       NULL, OPT_RPC_NO_AUTH       },
    {"rpc-allow-exec",        no_argument,       NULL, OPT_RPC_ALLOW_EXEC    },
    {"rpc-snapshot-ms",       required_argument, NULL, OPT_RPC_SNAPSHOT_MS   },
    {"create-admin",          required_argument, NULL, OPT_CREATE_ADMIN      },
    {"cpu-affinity",          required_argument, NULL, 'g'                   },
    {"other-cpu-affinity",    required_argument, NULL, 'y'                   },
    {"checks",                no_argument,       NULL, OPT_CHECKS            },
    {"checks-dir",            required_argument, NULL, OPT_CHECKS_DIR        },
    {"check-timeout-ms",      required_argument, NULL, OPT_CHECK_TIMEOUT     },
    {"max-stored-alerts",     required_argument, NULL, OPT_MAX_STORED_ALERTS },
    {"alerts-retention-days", required_argument, NULL, OPT_ALERTS_RETENTION  },
    {"blacklist",             required_argument, NULL, OPT_BLACKLIST         },
    {"verbose",               no_argument,       NULL, 'v'                   },
    {"quiet",                 no_argument,       NULL, 'q'                   },
    {"version",               no_argument,       NULL, 'V'                   },
    {"help",                  no_argument,       NULL, 'h'                   },
    {NULL,                    0,                 NULL, 0                     },
};

/* One line per registered function: what the generators (docs, proto) read. */
static void list_api(FILE *out)
{
    fprintf(out, "namespace\tname\tcategory\tprivilege\tcontext\n");
    for (const struct api_table *const *t = api_all_tables; *t; t++)
        for (size_t i = 0; i < (*t)->count; i++) {
            const struct api_binding *b = &(*t)->bindings[i];
            fprintf(out, "%s\t%s\t%s\t%s\t%s\n", (*t)->ns, b->name, (*t)->category,
                    api_privilege_name(b->privilege), api_context_name(b->context));
        }
}

static int parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
                      uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "ntop-probe: %s expects a number between %lu and %lu, got '%s'\n", opt, min,
                max, s);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* The install dir is <exe>/../share/ntop-probe unless given: that is where the build
 * tree and the installed tree both keep scripts/lua/modules. */
static void resolve_dirs(struct probe *p)
{
    ssize_t n = readlink("/proc/self/exe", p->exe_path, sizeof(p->exe_path) - 1);
    p->exe_path[n > 0 ? n : 0] = '\0';
    if (p->opt.install_dir) {
        snprintf(p->install_dir, sizeof(p->install_dir), "%s", p->opt.install_dir);
    } else {
        char bindir[3800];
        size_t n_exe = strnlen(p->exe_path, sizeof(bindir) - 1);
        memcpy(bindir, p->exe_path, n_exe);
        bindir[n_exe] = '\0';
        char *slash = strrchr(bindir, '/');
        if (slash)
            *slash = '\0';
        snprintf(p->install_dir, sizeof(p->install_dir), "%s/../share/ntop-probe", bindir);
        char real[PATH_MAX];
        if (realpath(p->install_dir, real))
            snprintf(p->install_dir, sizeof(p->install_dir), "%s", real);
    }
    if (p->opt.data_dir) {
        snprintf(p->data_dir, sizeof(p->data_dir), "%s", p->opt.data_dir);
    } else if (access("/var/lib/ntop-probe", W_OK) == 0) {
        snprintf(p->data_dir, sizeof(p->data_dir), "/var/lib/ntop-probe");
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(p->data_dir, sizeof(p->data_dir), "%s/ntop-probe", tmp && *tmp ? tmp : "/tmp");
    }
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = calloc(1, len);
    if (!s)
        return NULL;
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* --rpc-listen addresses, in order. */
static const char *rpc_listen[RPC_MAX_LISTEN];
static int num_rpc_listen;
static bool shutdown_when_done_given; /* on the command line, not implied by --demo */

/* SIGINT and SIGTERM: the handler only posts a semaphore (async-signal-safe); the
 * "signals" thread takes it from there with ordinary code: set the flag, wake whoever
 * waits. No signal mask changes, so processes that scripts start get the usual signals. */
static sem_t stop_sem;
static volatile sig_atomic_t last_signal;
static pthread_t signal_thread;
static int signal_thread_quit;
static pthread_mutex_t shutdown_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t shutdown_cond = PTHREAD_COND_INITIALIZER;

static void on_stop_signal(int sig)
{
    last_signal = sig;
    sem_post(&stop_sem);
}

static void request_shutdown(struct probe *p)
{
    pthread_mutex_lock(&shutdown_lock);
    p->shutdown_requested = 1;
    pthread_cond_broadcast(&shutdown_cond);
    pthread_mutex_unlock(&shutdown_lock);
    capture_notify();
}

static void *signal_main(void *arg)
{
    struct probe *p = arg;
    for (;;) {
        while (sem_wait(&stop_sem) != 0 && errno == EINTR)
            ;
        if (__atomic_load_n(&signal_thread_quit, __ATOMIC_ACQUIRE))
            return NULL;
        int sig = last_signal;
        const char *name = sig == SIGINT ? "SIGINT" : "SIGTERM";
        if (p->shutdown_requested) {
            log_warning("%s again: exiting at once", name);
            _exit(128 + sig);
        }
        log_normal("%s: shutting down", name);
        request_shutdown(p);
    }
}

/* Starts the "signals" thread, then routes SIGINT and SIGTERM to it. */
static int signals_start(struct probe *p)
{
    sem_init(&stop_sem, 0, 0);
    if (pthread_create(&signal_thread, NULL, signal_main, p) != 0)
        return -1;
    pthread_setname_np(signal_thread, "signals");
    struct sigaction sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

/* Ends the thread. The handlers stay: a late signal only posts the (never destroyed)
 * semaphore. */
static void signals_stop(void)
{
    __atomic_store_n(&signal_thread_quit, 1, __ATOMIC_RELEASE);
    sem_post(&stop_sem);
    pthread_join(signal_thread, NULL);
}

static void wait_for_shutdown(struct probe *p)
{
    pthread_mutex_lock(&shutdown_lock);
    while (!p->shutdown_requested)
        pthread_cond_wait(&shutdown_cond, &shutdown_lock);
    pthread_mutex_unlock(&shutdown_lock);
}

static int parse_options(struct probe *p, int argc, char **argv)
{
    struct probe_options *o = &p->opt;
    o->snaplen = 1536;
    o->promisc = true;
    o->max_flows = 262144;
    o->max_hosts = 131072;
    o->tcp_idle_s = 60;
    o->udp_idle_s = 60;
    o->other_idle_s = 60;
    o->host_idle_s = 300;
    o->ndpi_giveup_packets = 12;
    o->check_timeout_ms = 1000;
    o->rpc_snapshot_ms = 250;
    o->max_stored_alerts = 100000;
    o->alerts_retention_days = 30;
    bool demo = false;
    int c;
    while ((c = getopt_long(argc, argv, "i:B:m:x:X:d:r:g:y:vqVh", long_options, NULL)) != -1) {
        uint32_t v;
        switch (c) {
        case 'i':
            if (o->num_inputs >= PROBE_MAX_IFACES) {
                fprintf(stderr, "ntop-probe: at most %d interfaces\n", PROBE_MAX_IFACES);
                return -1;
            }
            o->inputs[o->num_inputs++] = optarg;
            break;
        case 'B':
            o->bpf_filter = optarg;
            break;
        case OPT_SNAPLEN:
            if (parse_uint("--snaplen", optarg, 64, 262144, &v))
                return -1;
            o->snaplen = (int)v;
            break;
        case OPT_NO_PROMISC:
            o->promisc = false;
            break;
        case 'm': {
            char err[256];
            if (netlist_parse(&p->local_nets, optarg, err, sizeof(err)) != 0) {
                fprintf(stderr, "ntop-probe: -m: %s\n", err);
                return -1;
            }
            o->local_networks = optarg;
            break;
        }
        case 'x':
            if (parse_uint("--max-num-hosts", optarg, 16, 1u << 28, &o->max_hosts))
                return -1;
            break;
        case 'X':
            if (parse_uint("--max-num-flows", optarg, 16, 1u << 28, &o->max_flows))
                return -1;
            break;
        case OPT_SHUTDOWN_WHEN_DONE:
            o->shutdown_when_done = true;
            shutdown_when_done_given = true;
            break;
        case OPT_RUN_SCRIPT:
            o->run_script = optarg;
            break;
        case OPT_LIST_API:
            list_api(stdout);
            exit(0);
        case OPT_NDPI_GIVEUP:
            if (parse_uint("--ndpi-giveup-packets", optarg, 1, 65535, &o->ndpi_giveup_packets))
                return -1;
            break;
        case OPT_PCAP_PURGE:
            o->pcap_file_purge = true;
            break;
        case OPT_RPC_LISTEN:
            if (num_rpc_listen >= RPC_MAX_LISTEN) {
                fprintf(stderr, "ntop-probe: at most %d --rpc-listen addresses\n", RPC_MAX_LISTEN);
                return -1;
            }
            if (*optarg == '\0') {
                fprintf(stderr, "ntop-probe: --rpc-listen needs an address\n");
                return -1;
            }
            rpc_listen[num_rpc_listen++] = optarg;
            break;
        case OPT_RPC_TLS_CERT:
            o->rpc_tls_cert = optarg;
            break;
        case OPT_RPC_TLS_KEY:
            o->rpc_tls_key = optarg;
            break;
        case OPT_RPC_NO_AUTH:
            o->rpc_no_auth = true;
            break;
        case OPT_RPC_ALLOW_EXEC:
            o->rpc_allow_exec = true;
            break;
        case OPT_RPC_SNAPSHOT_MS:
            if (parse_uint("--rpc-snapshot-ms", optarg, 0, 3600000, &o->rpc_snapshot_ms))
                return -1;
            break;
        case 'g':
        case 'y': {
            char err[160];
            struct cpu_list *l = c == 'g' ? &o->capture_cpus : &o->other_cpus;
            if (cpu_list_parse(optarg, l, err, sizeof(err)) != 0) {
                fprintf(stderr, "ntop-probe: %s '%s': %s\n",
                        c == 'g' ? "--cpu-affinity" : "--other-cpu-affinity", optarg, err);
                return -1;
            }
            break;
        }
        case OPT_CREATE_ADMIN:
            o->create_admin = optarg;
            break;
        case OPT_CHECKS:
            o->checks = true;
            break;
        case OPT_CHECKS_DIR:
            o->checks_dir = optarg;
            break;
        case OPT_CHECK_TIMEOUT:
            if (parse_uint("--check-timeout-ms", optarg, 1, 3600000, &o->check_timeout_ms))
                return -1;
            break;
        case OPT_MAX_STORED_ALERTS:
            if (parse_uint("--max-stored-alerts", optarg, 10, 1u << 30, &o->max_stored_alerts))
                return -1;
            break;
        case OPT_ALERTS_RETENTION:
            if (parse_uint("--alerts-retention-days", optarg, 1, 36500, &o->alerts_retention_days))
                return -1;
            break;
        case OPT_BLACKLIST:
            o->blacklist_file = optarg;
            break;
        case OPT_DEMO:
            demo = true;
            break;
        case 'd':
            o->data_dir = optarg;
            break;
        case 'r':
            redis_spec = optarg;
            break;
        case OPT_INSTALL_DIR:
            o->install_dir = optarg;
            break;
        case 'v':
            o->verbosity++;
            break;
        case 'q':
            o->verbosity = -1;
            break;
        case 'V':
            printf("ntop-probe %s\n", NTOP_PROBE_VERSION);
            exit(0);
        case 'h':
            usage(stdout);
            exit(0);
        default:
            fprintf(stderr, "Try 'ntop-probe --help'.\n");
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ntop-probe: unexpected argument '%s' (inputs go after -i)\n",
                argv[optind]);
        return -1;
    }
    resolve_dirs(p);
    if (demo) {
        static char demo_pcap[4200], demo_script[4200];
        snprintf(demo_pcap, sizeof(demo_pcap), "%s/demo/demo.pcap", p->install_dir);
        snprintf(demo_script, sizeof(demo_script), "%s/scripts/demo/summary.lua", p->install_dir);
        if (o->num_inputs == 0)
            o->inputs[o->num_inputs++] = demo_pcap;
        if (!o->run_script)
            o->run_script = demo_script;
        if (p->local_nets.count == 0) {
            char err[64];
            netlist_parse(&p->local_nets, "192.168.10.0/24,2001:db8:10::/64", err, sizeof(err));
        }
        o->shutdown_when_done = true;
    }
    if (o->checks_dir) {
        struct stat st;
        if (stat(o->checks_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "ntop-probe: --checks-dir %s: not a directory\n", o->checks_dir);
            return -1;
        }
    }
    if (o->blacklist_file) {
        char err[512];
        if (blacklist_load(o->blacklist_file, err, sizeof(err)) != 0) {
            fprintf(stderr, "ntop-probe: --blacklist %s\n", err);
            return -1;
        }
    }
    if (o->num_inputs == 0 && !o->create_admin) {
        fprintf(stderr, "ntop-probe: no input: give -i with an interface or a pcap file "
                        "(or --demo)\nTry 'ntop-probe --help'.\n");
        return -1;
    }
    return 0;
}

static int run_script(struct probe *p)
{
    struct lua_ctx ctx = {.probe = p, .ifid = 0, .network_id = -1};
    lua_State *L = engine_new_state(&ctx);
    if (!L) {
        log_error("cannot create a Lua state");
        return -1;
    }
    int rc = engine_run_file(L, p->opt.run_script, 0, NULL);
    lua_close(L);
    return rc;
}

/* --create-admin NAME: creates administrator NAME (or resets it to administrator with a new
 * random password) in the user store of this data directory, and prints only its new API
 * token on stdout. The old token stops working. */
static int create_admin(const char *name)
{
    char token[USER_TOKEN_HEX + 1];
    enum users_status s = users_create_admin(name, token);
    if (s != USERS_OK) {
        fprintf(stderr, "ntop-probe: --create-admin %s: %s\n", name,
                s == USERS_INVALID ? "invalid user name (1-64 characters of A-Z a-z 0-9 _ . @ -)"
                                   : users_strerror(s));
        return 1;
    }
    printf("%s\n", token);
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    /* One malloc arena, grown and trimmed in large steps. The capture thread's own arena grew
     * a few KiB at a time, an mprotect each (43,059 on bench.pcap); the main arena, shared by
     * every thread now, grows 16 MiB a step and gives memory back only past 256 MiB free at
     * its top (doc/performance.md, "Session 5"). */
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    static struct probe probe;
    struct probe *p = &probe;
    the_probe = p;
    p->start_time_s = (uint64_t)time(NULL);
    p->start_mono_ns = probe_mono_ns();
    p->command_line = join_args(argc, argv);

    if (parse_options(p, argc, argv) != 0)
        return 2;
    if (p->opt.verbosity < 0)
        log_set_level(LOG_WARNING);
    else if (p->opt.verbosity == 1)
        log_set_level(LOG_INFO);
    else if (p->opt.verbosity > 1)
        log_set_level(LOG_DEBUG);
    /* A script's output is the product of --run-script: keep the log to warnings. A probe
     * that serves RPC is a daemon, and its log says where it listens. */
    bool serve = num_rpc_listen > 0;
    if (p->opt.run_script && p->opt.verbosity == 0 && !serve)
        log_set_level(LOG_WARNING);
    if (serve && shutdown_when_done_given)
        log_warning("--shutdown-when-done is ignored with --rpc-listen: serving until "
                    "SIGINT/SIGTERM");

    /* Before any thread or child process starts: they all inherit it (capture threads then
     * move to their own core). */
    if (p->opt.other_cpus.count > 0) {
        if (cpu_bind_self_to_list(&p->opt.other_cpus) != 0) {
            log_error("--other-cpu-affinity: %s", strerror(errno));
            free(p->command_line);
            return 2;
        }
        log_info("threads other than capture bound to %d core(s), first %d",
                 p->opt.other_cpus.count, p->opt.other_cpus.cpus[0]);
    }

    redis_configure(redis_spec, p->data_dir);
    if (p->opt.create_admin) {
        int crc = create_admin(p->opt.create_admin);
        redis_shutdown();
        free(p->command_line);
        return crc;
    }
    if (serve) {
        /* Refuse a listener without authentication or bad TLS files before capturing. */
        char err[512];
        if (rpc_server_check(p, rpc_listen, num_rpc_listen, err, sizeof(err)) != 0) {
            log_error("rpc: %s", err);
            free(p->command_line);
            return 1;
        }
    }

    if (signals_start(p) != 0) {
        log_error("cannot start the signal thread");
        free(p->command_line);
        return 1;
    }

    struct rpc_server *rpc = NULL;
    int rc = 0;
    for (int i = 0; i < p->opt.num_inputs; i++) {
        struct iface *ifc = iface_new(p, i, p->opt.inputs[i], false);
        char err[512];
        if (!ifc) {
            log_error("cannot create interface %s: out of memory", p->opt.inputs[i]);
            rc = 1;
            goto out;
        }
        p->ifaces[p->num_ifaces++] = ifc;
        if (capture_open(ifc, err, sizeof(err)) != 0) {
            log_error("%s", err);
            rc = 1;
            goto out;
        }
    }
    alert_store_start(p); /* without a store, alerts are counted as dropped */
    for (int i = 0; i < p->num_ifaces; i++) {
        struct iface *ifc = p->ifaces[i];
        if (capture_start(ifc) != 0) {
            log_error("cannot start the capture thread of %s", ifc->name);
            rc = 1;
            goto out;
        }
        log_normal("interface %d: %s (%s)", ifc->id, ifc->name,
                   ifc->is_file ? "capture file" : "live");
    }

    /* After the interfaces started: the interface array is fixed from here on, and
     * interface-bound calls need the capture threads. */
    if (serve) {
        char err[512];
        rpc = rpc_server_start(p, rpc_listen, num_rpc_listen, err, sizeof(err));
        if (!rpc) {
            log_error("rpc: %s", err);
            rc = 1;
            goto out;
        }
    }

    if (p->opt.run_script || (p->opt.shutdown_when_done && !serve)) {
        bool all_read = capture_wait_files_done(p);
        if (!all_read) {
            log_normal("interrupted before every capture file was read");
        }
        if (p->opt.run_script && all_read) {
            rc = run_script(p) == 0 ? 0 : 1;
            if (serve && !p->shutdown_requested)
                log_normal("--run-script %s: %s; serving until SIGINT/SIGTERM", p->opt.run_script,
                           rc == 0 ? "done" : "failed");
        }
        if (serve)
            wait_for_shutdown(p);
    } else {
        wait_for_shutdown(p);
    }

out:
    /* RPC first: its workers may be waiting on a capture thread. */
    rpc_server_stop(rpc);
    for (int i = 0; i < p->num_ifaces; i++)
        capture_stop(p->ifaces[i]);
    for (int i = 0; i < p->num_ifaces; i++)
        iface_free(p->ifaces[i]);
    alert_store_stop(); /* after iface_free: engaged alerts were released to it */
    redis_shutdown();
    free(p->command_line);
    signals_stop();
    blacklist_free();
    log_normal("ntop-probe stopped");
    return rc;
}
