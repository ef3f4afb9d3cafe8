#!/bin/bash
# --max-stored-alerts (oldest rows go first, across tables) and --alerts-retention-days,
# checked with sqlite3; old rows are planted with sqlite3 too.
. "$(dirname "$0")/common.sh"
now=$(date +%s)

probe --max-stored-alerts 10 --run-script "$(dirname "$0")/bounds.lua" || { echo "FAIL: bounds.lua"; exit 1; }
expect "rows kept" "$(sql 'SELECT count(*) FROM all_alerts')" 10
expect "the newest kept" "$(sql 'SELECT group_concat(subtype) FROM (SELECT subtype FROM interface_alerts ORDER BY rowid)')" \
    "k16,k17,k18,k19,k20,k21,k22,k23,k24,k25"

# Planted: 3 rows beyond 30 days, 2 interface rows 5 days old, 5 network rows 6 days old.
for i in 1 2 3; do
    sql "INSERT INTO interface_alerts (ifid, alert_id, tstamp, severity, subtype) VALUES (0, 1, $((now - 40 * 86400 - i)), 3, 'old$i')"
done
for i in 1 2; do
    sql "INSERT INTO interface_alerts (ifid, alert_id, tstamp, severity, subtype) VALUES (0, 1, $((now - 5 * 86400 - i)), 3, 'recent$i')"
done
for i in 1 2 3 4 5; do
    sql "INSERT INTO network_alerts (local_network_id, alert_id, tstamp, severity) VALUES (0, 1, $((now - 6 * 86400 - i)), 3)"
done
expect "planted" "$(sql 'SELECT count(*) FROM all_alerts')" 20

# At open: retention drops the 3 old rows; 17 left > 12: the 5 oldest (network) go.
probe --alerts-retention-days 30 --max-stored-alerts 12 || { echo "FAIL: second run"; exit 1; }
expect "beyond retention: gone" "$(sql "SELECT count(*) FROM interface_alerts WHERE subtype LIKE 'old%'")" 0
expect "oldest across tables pruned" "$(sql 'SELECT count(*) FROM network_alerts')" 0
expect "within retention and bound: kept" "$(sql "SELECT count(*) FROM interface_alerts WHERE subtype LIKE 'recent%'")" 2
expect "total" "$(sql 'SELECT count(*) FROM all_alerts')" 12
[ "$fails" -eq 0 ]
