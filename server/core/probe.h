/* The probe: options, the interfaces and the probe-wide settings they share. */
#ifndef NTOP_PROBE_H
#define NTOP_PROBE_H

#include "cpu_affinity.h"
#include "netlist.h"

#include <stdbool.h>
#include <stdint.h>

#define PROBE_MAX_IFACES 32

struct iface;

struct probe_options {
    const char *inputs[PROBE_MAX_IFACES]; /* -i, in order: interface ids 0, 1, ... */
    int num_inputs;
    const char *bpf_filter;
    int snaplen;
    bool promisc;
    const char *local_networks; /* -m */
    bool shutdown_when_done;
    const char *run_script;
    const char *data_dir;
    const char *install_dir;
    uint32_t max_flows;
    uint32_t max_hosts;
    uint32_t tcp_idle_s, udp_idle_s, other_idle_s; /* flow idle timeouts */
    uint32_t host_idle_s;
    uint32_t ndpi_giveup_packets; /* undetected flows give up after this many packets */
    bool pcap_file_purge;         /* purge idle flows/hosts of capture files too */
    int verbosity;

    /* Users and the remote API's security (issue 5). */
    const char *create_admin; /* --create-admin NAME: create/reset, print token, exit */
    bool rpc_no_auth;         /* --rpc-no-auth: loopback/unix listeners only */
    const char *rpc_tls_cert; /* --rpc-tls-cert FILE (PEM) */
    const char *rpc_tls_key;  /* --rpc-tls-key FILE (PEM) */
    bool rpc_allow_exec;      /* --rpc-allow-exec: remote exec/outbound functions */
    uint32_t rpc_snapshot_ms; /* --rpc-snapshot-ms N: age limit of remote host lists */

    struct cpu_list capture_cpus; /* --cpu-affinity: capture thread i on core i % count */
    struct cpu_list other_cpus;   /* --other-cpu-affinity: every other thread */

    /* Checks and alerts (issue 4). */
    bool checks;                    /* --checks: run the built-in checks */
    const char *checks_dir;         /* --checks-dir DIR: user check scripts (implies the engine) */
    uint32_t check_timeout_ms;      /* --check-timeout-ms N: budget of one script run */
    uint32_t max_stored_alerts;     /* --max-stored-alerts N: rows kept per interface */
    uint32_t alerts_retention_days; /* --alerts-retention-days N */
    const char *blacklist_file;     /* --blacklist FILE: IPs/CIDRs, one per line */
};

struct probe {
    struct probe_options opt;
    struct netlist local_nets;
    struct iface *ifaces[PROBE_MAX_IFACES];
    int num_ifaces;
    uint64_t start_time_s; /* wall clock at start */
    uint64_t start_mono_ns;
    char exe_path[4096];
    char install_dir[4096]; /* holds scripts/lua/modules */
    char data_dir[4096];
    char *command_line;
    volatile int shutdown_requested;
};

/* The one probe of this process; set up by main(). */
extern struct probe *the_probe;

/* Interface by id; NULL when out of range. Any thread (the array is fixed after start). */
struct iface *probe_iface(struct probe *p, int id);

/* Local address test with ntopng's rules: -m networks, loopback, link-local,
 * multicast and broadcast. Sets *net_id to the -m network index or -1. */
bool probe_is_local(const struct probe *p, const struct ipaddr *a, int *net_id);

/* Monotonic clock in nanoseconds. */
uint64_t probe_mono_ns(void);

#endif
