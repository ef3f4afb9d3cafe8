/* The alert store's schema: ntopng's alert tables and column names (its SQLite alert
 * store), so queries written for ntopng's store run here. */
#include "alert_schema.h"

#include <stddef.h>

#define COMMON_TAIL                                                                                \
    "tstamp INTEGER NOT NULL, tstamp_end INTEGER DEFAULT 0, severity INTEGER NOT NULL, "           \
    "score INTEGER NOT NULL DEFAULT 0, granularity INTEGER NOT NULL DEFAULT 0, "                   \
    "counter INTEGER NOT NULL DEFAULT 0, description TEXT, json TEXT, user_label TEXT, "           \
    "user_label_tstamp INTEGER DEFAULT 0"

#define HEAD                                                                                       \
    "rowid INTEGER PRIMARY KEY AUTOINCREMENT, alert_id INTEGER NOT NULL, "                         \
    "alert_status INTEGER NOT NULL DEFAULT 0, interface_id INTEGER, "

#define INDEXES(t)                                                                                 \
    "CREATE INDEX IF NOT EXISTS " t "_i_id ON " t "(alert_id);"                                    \
    "CREATE INDEX IF NOT EXISTS " t "_i_severity ON " t "(severity);"                              \
    "CREATE INDEX IF NOT EXISTS " t "_i_tstamp ON " t "(tstamp, rowid);"

const char alert_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS flow_alerts (" HEAD
    "tstamp INTEGER NOT NULL, tstamp_end INTEGER DEFAULT 0, severity INTEGER NOT NULL, "
    "score INTEGER NOT NULL DEFAULT 0, counter INTEGER NOT NULL DEFAULT 0, json TEXT, "
    "ip_version INTEGER NOT NULL DEFAULT 0, cli_ip TEXT NOT NULL, srv_ip TEXT NOT NULL, "
    "cli_port INTEGER NOT NULL DEFAULT 0, srv_port INTEGER NOT NULL DEFAULT 0, "
    "vlan_id INTEGER NOT NULL DEFAULT 0, is_cli_attacker INTEGER NOT NULL DEFAULT 0, "
    "is_cli_victim INTEGER NOT NULL DEFAULT 0, is_srv_attacker INTEGER NOT NULL DEFAULT 0, "
    "is_srv_victim INTEGER NOT NULL DEFAULT 0, proto INTEGER NOT NULL DEFAULT 0, "
    "l7_proto INTEGER NOT NULL DEFAULT 0, l7_master_proto INTEGER NOT NULL DEFAULT 0, "
    "l7_cat INTEGER NOT NULL DEFAULT 0, cli_name TEXT, srv_name TEXT, cli_country TEXT, "
    "srv_country TEXT, cli_blacklisted INTEGER NOT NULL DEFAULT 0, "
    "srv_blacklisted INTEGER NOT NULL DEFAULT 0, cli2srv_bytes INTEGER NOT NULL DEFAULT 0, "
    "srv2cli_bytes INTEGER NOT NULL DEFAULT 0, cli2srv_pkts INTEGER NOT NULL DEFAULT 0, "
    "srv2cli_pkts INTEGER NOT NULL DEFAULT 0, first_seen INTEGER NOT NULL DEFAULT 0, "
    "community_id TEXT, alerts_map BLOB DEFAULT 0, flow_risk_bitmap INTEGER NOT NULL DEFAULT 0, "
    "user_label TEXT, user_label_tstamp INTEGER DEFAULT 0);" INDEXES("flow_alerts")

        "CREATE TABLE IF NOT EXISTS host_alerts (" HEAD
        "ip_version INTEGER NOT NULL DEFAULT 0, ip TEXT NOT NULL, vlan_id INTEGER DEFAULT 0, "
        "name TEXT, is_attacker INTEGER, is_victim INTEGER, is_client INTEGER, is_server INTEGER, "
        "country TEXT, " COMMON_TAIL ");" INDEXES("host_alerts")

            "CREATE TABLE IF NOT EXISTS network_alerts (" HEAD
            "local_network_id INTEGER NOT NULL, name TEXT, alias TEXT, " COMMON_TAIL
            ");" INDEXES("network_alerts")

                "CREATE TABLE IF NOT EXISTS interface_alerts (" HEAD
                "ifid INTEGER NOT NULL, subtype TEXT, name TEXT, alias TEXT, " COMMON_TAIL
                ");" INDEXES("interface_alerts")

                    "CREATE TABLE IF NOT EXISTS mac_alerts (" HEAD
                    "address TEXT, device_type INTEGER, name TEXT, is_attacker INTEGER, is_victim "
                    "INTEGER, " COMMON_TAIL ");" INDEXES("mac_alerts")

                        "CREATE TABLE IF NOT EXISTS snmp_alerts (" HEAD
                        "ip TEXT NOT NULL, port INTEGER, name TEXT, port_name TEXT, " COMMON_TAIL
                        ");" INDEXES("snmp_alerts")

                            "CREATE TABLE IF NOT EXISTS user_alerts (" HEAD
                            "user TEXT, " COMMON_TAIL ");" INDEXES("user_alerts")

                                "CREATE TABLE IF NOT EXISTS system_alerts (" HEAD
                                "name TEXT, " COMMON_TAIL ");" INDEXES("system_alerts")

                                    "CREATE TABLE IF NOT EXISTS active_monitoring_alerts (" HEAD
                                    "resolved_ip TEXT, resolved_name TEXT, measurement TEXT, "
                                    "measure_threshold INTEGER DEFAULT 0, "
                                    "measure_value REAL DEFAULT 0, " COMMON_TAIL
                                    ");" INDEXES("active_monitoring_alerts")

    /* ntopng's all_alerts view: the common columns of every table with its entity id. */
    "CREATE VIEW IF NOT EXISTS all_alerts AS "
    "SELECT 8 entity_id, alert_id, alert_status, tstamp, tstamp_end, severity, score "
    "FROM active_monitoring_alerts UNION ALL "
    "SELECT 4, alert_id, alert_status, tstamp, tstamp_end, severity, score FROM flow_alerts "
    "UNION ALL "
    "SELECT 1, alert_id, alert_status, tstamp, tstamp_end, severity, score FROM host_alerts "
    "UNION ALL "
    "SELECT 5, alert_id, alert_status, tstamp, tstamp_end, severity, score FROM mac_alerts "
    "UNION ALL "
    "SELECT 3, alert_id, alert_status, tstamp, tstamp_end, severity, score FROM snmp_alerts "
    "UNION ALL "
    "SELECT 2, alert_id, alert_status, tstamp, tstamp_end, severity, score FROM network_alerts "
    "UNION ALL "
    "SELECT 0, alert_id, alert_status, tstamp, tstamp_end, severity, score FROM interface_alerts "
    "UNION ALL "
    "SELECT 7, alert_id, alert_status, tstamp, tstamp_end, severity, score FROM user_alerts "
    "UNION ALL "
    "SELECT 9, alert_id, alert_status, tstamp, tstamp_end, severity, score FROM system_alerts;";

const char *const alert_schema_tables[] = {
    "flow_alerts", "host_alerts", "network_alerts", "interface_alerts",         "mac_alerts",
    "snmp_alerts", "user_alerts", "system_alerts",  "active_monitoring_alerts", NULL,
};
