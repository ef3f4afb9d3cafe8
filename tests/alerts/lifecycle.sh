#!/bin/bash
# Alert life cycle in the probe, then the store read by sqlite3, then a restart on the same
# data directory (durability).
. "$(dirname "$0")/common.sh"
here=$(dirname "$0")

probe --run-script "$here/lifecycle.lua" || { echo "FAIL: lifecycle.lua"; exit 1; }

expect "interface rows" "$(sql 'SELECT count(*) FROM interface_alerts')" 2
expect "released interface alert" \
    "$(sql 'SELECT alert_id, score, severity, granularity, subtype, tstamp_end, ifid FROM interface_alerts WHERE granularity = 60')" \
    "14|120|5|60|sub1|1700000000|0"
expect "alert left engaged, stored at shutdown" \
    "$(sql 'SELECT alert_id, score, granularity, subtype, tstamp_end >= tstamp FROM interface_alerts WHERE granularity = 300')" \
    "14|60|300|sub2|1"
expect "network alert" \
    "$(sql 'SELECT local_network_id, name, alert_id, score, severity, granularity, tstamp_end FROM network_alerts')" \
    "0|192.168.1.0/24|3|200|6|86400|1700000001"
expect "external system alert" "$(sql 'SELECT name, alert_id, tstamp_end FROM system_alerts')" \
    "probe-sys|3|1700000002"
expect "external host alert" "$(sql 'SELECT ip, vlan_id, ip_version, alert_id, score FROM host_alerts')" \
    "10.0.0.1|0|4|27|50"

NTOP_EXPECT_ROWS=5 probe --run-script "$here/durability.lua" || { echo "FAIL: durability.lua"; exit 1; }
expect "rows after the second run" "$(sql 'SELECT count(*) FROM all_alerts')" 5
[ "$fails" -eq 0 ]
