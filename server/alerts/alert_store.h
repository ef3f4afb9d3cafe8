/* The durable alert store: one SQLite database per interface,
 * <data_dir>/<ifid>/alerts/alerts.sqlite (ntopng's layout), with ntopng's tables and
 * column names (flow_alerts, host_alerts, network_alerts, interface_alerts, ...).
 *
 * Capture threads never touch SQLite: they hand rows to a bounded queue
 * (alert_store_enqueue) that one writer thread drains in one transaction per database
 * and batch. A full queue drops the row and counts it: capture is never blocked. The
 * writer also keeps each database within --max-stored-alerts rows (oldest first, across
 * the tables) and --alerts-retention-days (on tstamp), at open and as it goes.
 *
 * Queries (alert_store_query) open their own read-only connection on the caller's
 * thread and accept one SELECT only. */
#ifndef NTOP_ALERT_STORE_H
#define NTOP_ALERT_STORE_H

#include "../core/ipaddr.h"

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct probe;

/* What a flow alert row adds to the common columns, as the capture thread hands them over:
 * the writer formats the addresses and builds the JSON (the alert type's check and the
 * message). */
struct alert_flow_cols {
    struct ipaddr cli, srv;
    char *message; /* may be NULL */
    uint16_t cli_port, srv_port, vlan_id;
    uint8_t proto;
    uint16_t l7_proto, l7_master_proto, l7_cat;
    uint64_t cli2srv_bytes, srv2cli_bytes, cli2srv_pkts, srv2cli_pkts;
    int64_t first_seen;
    uint64_t flow_risk_bitmap;
    uint8_t alerts_map[16]; /* bit per flow alert id, stored as hex like ntopng */
    bool is_cli_attacker, is_cli_victim, is_srv_attacker, is_srv_victim;
    char *cli_name, *srv_name; /* may be NULL */
};

/* One row to write. Strings are owned by the row; free with alert_row_free. */
struct alert_row {
    struct alert_row *next;
    int ifid;
    int entity; /* enum alert_entity: picks the table */
    uint32_t alert_id;
    uint32_t score;
    int64_t tstamp, tstamp_end; /* seconds (wall clock, as ntopng) */
    int granularity;            /* seconds; 0 for flow alerts */
    char *json;
    char *subtype;    /* interface_alerts only */
    char *entity_val; /* host ip, network CIDR, MAC address, user, device, ... */
    char *name;       /* host name, network alias, ... */
    int vlan_id;      /* host alerts */
    int ip_version;   /* host alerts */
    int local_network_id;
    struct alert_flow_cols *flow; /* flow alerts only: in the row's own block, with its
                                     strings (alert_state.c), freed with it */
};

void alert_row_free(struct alert_row *r);

/* Opens (creating when needed) the database of each of the probe's interfaces, applies the
 * bounds, and starts the writer thread. 0, or -1 with a message logged (the probe then
 * runs without a store: rows are dropped and counted). Main thread, before capture. */
int alert_store_start(struct probe *p);

/* Writes what is queued, stops the writer and closes the databases. Main thread, after the
 * capture threads stopped. Safe when never started. */
void alert_store_stop(void);

/* Hands `r` to the writer (ownership passes). false when the queue is full or the store
 * is not running: the row is freed and counted as dropped. Any thread. */
bool alert_store_enqueue(struct alert_row *r);

/* Waits until every row queued so far is committed (tests and scripts that read what
 * they just wrote). Any thread but the writer. */
void alert_store_flush(void);

/* Rows dropped for interface `ifid`: host, flow and other entities (ntopng's
 * num_host_dropped_alerts, num_flow_dropped_alerts, num_other_dropped_alerts). */
void alert_store_drops(int ifid, uint64_t *host, uint64_t *flow, uint64_t *other);

/* Path of interface `ifid`'s database into buf; buf. */
char *alert_store_path(int ifid, char *buf, size_t len);

/* Rows a query may return: ntopng's MYSQL_MAX_NUM_ROWS with limit_rows, else a hard cap. */
#define ALERT_QUERY_LIMITED_ROWS 1000
#define ALERT_QUERY_MAX_ROWS     100000

/* Runs one read-only SELECT on interface `ifid`'s database and pushes ntopng's shape: an
 * array of rows, each {column = text value} (NULL columns absent). With limit_rows the
 * first ALERT_QUERY_LIMITED_ROWS rows; without, more than ALERT_QUERY_MAX_ROWS rows is an
 * error. Returns 1 (table pushed) or 0 with a message in err (nothing pushed). Any
 * thread. */
int alert_store_query(lua_State *L, int ifid, const char *sql, bool limit_rows, char *err,
                      size_t errlen);

#endif
